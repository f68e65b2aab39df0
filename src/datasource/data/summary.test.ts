import { createDataFrame } from '@grafana/data';

import { defaultThreshold, isKnownMethod, methodInfo, verdictRule } from './methods';
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
    expect(isKnownMethod('t_test')).toBe(false);
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
