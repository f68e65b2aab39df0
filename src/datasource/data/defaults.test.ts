import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { MlQuery } from '../types';
import { effectiveQuery, metricName, traceSource } from './defaults';

describe('effectiveQuery', () => {
  it('fills the drift metric, feature label and offset as the backend would', () => {
    expect(effectiveQuery({ refId: 'A', queryType: 'drift' }, undefined)).toEqual({
      refId: 'A',
      queryType: 'drift',
      source: 'prometheus',
      method: 'auto',
      prometheus: { input: 'histogram', metric: 'ml_feature_value', featureLabel: 'feature' },
      reference: { mode: 'offset', offset: '7d' },
    });
  });

  it('prefers the datasource defaults over the built-in names', () => {
    const defaults = { metrics: { featureValue: 'fv', confidence: 'conf', predictions: 'preds' }, minCount: 50 };
    expect(effectiveQuery({ refId: 'A', queryType: 'drift' }, defaults).prometheus?.metric).toBe('fv');
    expect(effectiveQuery({ refId: 'A', queryType: 'drift' }, defaults).minCount).toBe(50);
    expect(effectiveQuery({ refId: 'A', queryType: 'distribution' }, defaults).prometheus?.metric).toBe('conf');
    const classes = effectiveQuery({ refId: 'A', queryType: 'distribution', mode: 'classes' }, defaults);
    expect(classes.prometheus?.metric).toBe('preds');
    expect(classes.classLabel).toBe('class');
  });

  it('never overrides what the query sets', () => {
    const q: MlQuery = {
      refId: 'A',
      queryType: 'drift',
      prometheus: { metric: 'mine' },
      minCount: 3,
      reference: { offset: '1d' },
    };
    const out = effectiveQuery(q, { metrics: { featureValue: 'fv' }, minCount: 50 });
    expect(out.prometheus?.metric).toBe('mine');
    expect(out.minCount).toBe(3);
    expect(out.reference).toEqual({ mode: 'offset', offset: '1d' });
  });

  it('leaves the metric empty in code mode', () => {
    const out = effectiveQuery({ refId: 'A', queryType: 'drift', prometheus: { expr: 'up' } }, undefined);
    expect(out.prometheus).toEqual({ input: 'samples', expr: 'up', featureLabel: 'feature' });
  });

  it('fills the GPU options from the datasource defaults', () => {
    expect(
      effectiveQuery({ refId: 'A', queryType: 'gpu' }, { gpuGroupLabel: 'hpc_job', stragglerThreshold: 0.6 }).gpu
    ).toEqual({
      groupLabel: 'hpc_job',
      stragglerThreshold: 0.6,
      minGroupMedian: 40,
    });
  });

  it('fills the trace table and limit', () => {
    expect(effectiveQuery({ refId: 'A', queryType: 'traces' }, { traceLimit: 50 }).traces).toEqual({
      schema: 'otel',
      table: 'otel_traces',
      limit: 50,
    });
    expect(effectiveQuery({ refId: 'A', queryType: 'traces' }, undefined).source).toBe('clickhouse');
  });

  it('does not change its argument', () => {
    const q: MlQuery = { refId: 'A', queryType: 'gpu' };
    effectiveQuery(q, undefined);
    expect(q).toEqual({ refId: 'A', queryType: 'gpu' });
  });
});

describe('traceSource', () => {
  it('uses the datasource table only for the same schema', () => {
    const defaults = { traceSchema: 'otel' as const, traceDatabase: 'obs', traceTable: 'spans' };
    expect(traceSource({ refId: 'A' }, defaults)).toEqual({ schema: 'otel', database: 'obs', table: 'spans' });
    expect(traceSource({ refId: 'A', traces: { schema: 'signoz' } }, defaults)).toEqual({
      schema: 'signoz',
      database: 'signoz_traces',
      table: 'distributed_signoz_index_v3',
    });
    expect(traceSource({ refId: 'A', traces: { table: 'mine' } }, defaults).table).toBe('mine');
  });
});

test('metricName trims and falls back', () => {
  expect(metricName({ metrics: { requests: '  ' } }, 'requests')).toBe('ml_requests_total');
  expect(metricName({ metrics: { requests: 'reqs' } }, 'requests')).toBe('reqs');
});

test('built-in defaults agree with the backend', () => {
  // pkg/models/query.go applyDefaults and pkg/traces/schema.go: the same numbers and names.
  const root = join(__dirname, '..', '..', '..', 'pkg');
  const models = readFileSync(join(root, 'models', 'query.go'), 'utf8');
  const schema = readFileSync(join(root, 'traces', 'schema.go'), 'utf8');
  const out = effectiveQuery({ refId: 'A', queryType: 'gpu' }, undefined);
  expect(models).toContain(`g.GroupLabel = "${out.gpu?.groupLabel}"`);
  expect(models).toContain(`g.StragglerThreshold = ${out.gpu?.stragglerThreshold}`);
  expect(models).toContain(`g.MinGroupMedian = ${out.gpu?.minGroupMedian}`);
  expect(models).toContain(`t.Limit = ${effectiveQuery({ refId: 'A', queryType: 'traces' }, undefined).traces?.limit}`);
  expect(schema).toContain(`OTelTable         = "otel_traces"`);
  expect(schema).toContain(`SigNozTable       = "distributed_signoz_index_v3"`);
  expect(schema).toContain(`SigNozDatabase    = "signoz_traces"`);
});
