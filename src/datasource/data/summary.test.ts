import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { createDataFrame } from '@grafana/data';

import { defaultThreshold, isKnownMethod, methodInfo, METHODS, verdictRule } from './methods';
import { queryDisplayText, withPreferredVisualisation } from './summary';

describe('queryDisplayText', () => {
  it('says what each query type reads', () => {
    expect(
      queryDisplayText({
        refId: 'A',
        queryType: 'drift',
        source: 'prometheus',
        prometheus: { metric: 'm' },
        reference: { offset: '1d' },
        method: 'psi',
      })
    ).toBe('Drift of m vs 1d earlier (psi)');
    expect(
      queryDisplayText({
        refId: 'A',
        queryType: 'distribution',
        source: 'clickhouse',
        clickhouse: { database: 'd', table: 't' },
      })
    ).toBe('Distribution of d.t');
    expect(queryDisplayText({ refId: 'A', queryType: 'gpu', gpu: { namespace: 'ml' } })).toBe(
      'GPUs by namespace (namespace=~ml)'
    );
    expect(queryDisplayText({ refId: 'A', queryType: 'traces', traces: { service: 'api' } })).toBe('Traces of api');
    expect(queryDisplayText({ refId: 'A', queryType: 'traces', traces: { traceId: 'abc' } })).toBe('Trace abc');
  });
});

describe('withPreferredVisualisation', () => {
  it('shows tables as tables and series as graphs, keeping a backend preference', () => {
    const table = createDataFrame({ fields: [], meta: { type: 'table' as never } });
    const series = createDataFrame({ fields: [], meta: { type: 'timeseries-multi' as never } });
    const trace = createDataFrame({
      fields: [],
      meta: { type: 'table' as never, preferredVisualisationType: 'trace' },
    });
    const out = withPreferredVisualisation([table, series, trace]);
    expect(out.map((f) => f.meta?.preferredVisualisationType)).toEqual(['table', 'graph', 'trace']);
  });
});

describe('methods', () => {
  it('knows the backend methods and their default thresholds', () => {
    expect(isKnownMethod('auto')).toBe(true);
    expect(isKnownMethod('psi')).toBe(true);
    expect(isKnownMethod('t_test')).toBe(true);
    expect(isKnownMethod('student')).toBe(false);
    expect(defaultThreshold('ks')).toBe(0.05);
    expect(defaultThreshold('wasserstein')).toBe(0.1);
    expect(methodInfo('mmd')?.multivariate).toBe(true);
  });

  it('states the verdict rule', () => {
    expect(verdictRule('ks', undefined)).toBe('Drifted when the p-value is below 0.05.');
    expect(verdictRule('psi', 0.25)).toBe('Drifted when the score is 0.25 or more.');
    expect(verdictRule('auto', undefined)).toMatch(/^Auto picks/);
  });
});

test('the method list is the backend registry', () => {
  const dir = join(__dirname, '..', '..', '..', 'pkg', 'drift');
  const names = new Set<string>();
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.go') && !n.endsWith('_test.go'))) {
    const src = readFileSync(join(dir, f), 'utf8');
    for (const m of src.matchAll(/register\("(\w+)"/g)) {
      names.add(m[1]);
    }
    // The binned distances are registered in a loop over a map literal, and mmd in the multivariate table.
    for (const m of src.matchAll(/^\s+"(\w+)":\s+(?:[a-zA-Z]+,|\{methodInfo)/gm)) {
      names.add(m[1]);
    }
  }
  const ours = METHODS.map((m) => m.name).sort();
  expect(ours).toEqual([...names].sort());
});
