import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { MlQuery } from '../types';
import { BUILTIN_DEFAULTS, effectiveQuery, ENGINE_LIMITS, metricName, resolveDefaults, traceSource } from './defaults';

describe('effectiveQuery', () => {
  it('fills the drift metric, feature label and offset as the backend would', () => {
    expect(effectiveQuery({ refId: 'A', queryType: 'drift' }, undefined)).toEqual({
      refId: 'A',
      queryType: 'drift',
      source: 'prometheus',
      method: 'auto',
      minCount: 1,
      prometheus: { input: 'histogram', metric: 'ml_feature_value', featureLabel: 'feature' },
      reference: { mode: 'offset', offset: '7d' },
    });
  });

  it('prefers the datasource defaults over the built-in names', () => {
    const defaults = {
      featureMetric: 'fv',
      confidenceMetric: 'conf',
      predictionsMetric: 'preds',
      featureLabel: 'feat',
      classLabel: 'label',
      minCount: 50,
    };
    expect(effectiveQuery({ refId: 'A', queryType: 'drift' }, defaults).prometheus?.featureLabel).toBe('feat');
    expect(effectiveQuery({ refId: 'A', queryType: 'drift' }, defaults).prometheus?.metric).toBe('fv');
    expect(effectiveQuery({ refId: 'A', queryType: 'drift' }, defaults).minCount).toBe(50);
    expect(effectiveQuery({ refId: 'A', queryType: 'distribution' }, defaults).prometheus?.metric).toBe('conf');
    const classes = effectiveQuery({ refId: 'A', queryType: 'distribution', mode: 'classes' }, defaults);
    expect(classes.prometheus?.metric).toBe('preds');
    expect(classes.classLabel).toBe('label');
    const ch = effectiveQuery({ refId: 'A', queryType: 'distribution', mode: 'classes', source: 'clickhouse' }, defaults);
    expect(ch.classLabel).toBeUndefined();
  });

  it('never overrides what the query sets', () => {
    const q: MlQuery = {
      refId: 'A',
      queryType: 'drift',
      prometheus: { metric: 'mine' },
      minCount: 3,
      reference: { offset: '1d' },
    };
    const out = effectiveQuery(q, { featureMetric: 'fv', minCount: 50 });
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
      effectiveQuery({ refId: 'A', queryType: 'gpu' }, { gpuGroupLabel: 'hpc_job', stragglerThreshold: 0.6, minGroupMedian: 20 })
        .gpu
    ).toEqual({
      groupLabel: 'hpc_job',
      stragglerThreshold: 0.6,
      minGroupMedian: 20,
    });
  });

  it('fills the trace table and limit', () => {
    expect(effectiveQuery({ refId: 'A', queryType: 'traces' }, { tracesLimit: 50 }).traces).toEqual({
      schema: 'otel',
      limit: 50,
    });
    const defaults = { tracesSchema: 'otel' as const, tracesDatabase: 'obs', tracesTable: 'spans' };
    expect(effectiveQuery({ refId: 'A', queryType: 'traces' }, defaults).traces).toEqual({
      schema: 'otel',
      database: 'obs',
      table: 'spans',
      limit: 100,
    });
    expect(effectiveQuery({ refId: 'A', queryType: 'traces', traces: { database: 'x' } }, defaults).traces).toEqual({
      schema: 'otel',
      database: 'x',
      limit: 100,
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
    const defaults = { tracesSchema: 'otel' as const, tracesDatabase: 'obs', tracesTable: 'spans' };
    expect(traceSource({ refId: 'A' }, defaults)).toEqual({ schema: 'otel', database: 'obs', table: 'spans' });
    expect(traceSource({ refId: 'A', traces: { schema: 'signoz' } }, defaults)).toEqual({
      schema: 'signoz',
      database: 'signoz_traces',
      table: 'distributed_signoz_index_v3',
    });
    expect(traceSource({ refId: 'A', traces: { table: 'mine' } }, defaults)).toEqual({
      schema: 'otel',
      database: '',
      table: 'mine',
    });
  });
});

test('metricName and resolveDefaults trim and fall back like the backend', () => {
  expect(metricName({ featureMetric: '  ' }, 'featureMetric')).toBe('ml_feature_value');
  expect(metricName({ featureMetric: ' fv ' }, 'featureMetric')).toBe('fv');
  expect(resolveDefaults(undefined)).toEqual(BUILTIN_DEFAULTS);
  expect(resolveDefaults({ stragglerThreshold: 0, tracesSchema: 'SigNoz' as never, minCount: 5 })).toEqual({
    ...BUILTIN_DEFAULTS,
    tracesSchema: 'signoz',
    minCount: 5,
  });
});

test('built-in defaults and limits agree with the backend', () => {
  // pkg/models/defaults.go BuiltinDefaults, pkg/engine DefaultLimits and pkg/traces/schema.go.
  const root = join(__dirname, '..', '..', '..', 'pkg');
  const defaults = readFileSync(join(root, 'models', 'defaults.go'), 'utf8');
  const builtin = defaults.slice(defaults.indexOf('func BuiltinDefaults'), defaults.indexOf('// Bounds of the limits'));
  const goValue = (v: string | number) => (typeof v === 'string' ? `"${v}"` : String(v));
  for (const [k, v] of Object.entries(BUILTIN_DEFAULTS)) {
    const name = k === 'gpuGroupLabel' ? 'GPUGroupLabel' : k.charAt(0).toUpperCase() + k.slice(1);
    expect(builtin).toContain(`${name}: `);
    expect(builtin).toMatch(new RegExp(`\\b${name}:\\s+${goValue(v).replace('.', '\\.')},`));
  }
  const engine = readFileSync(join(root, 'engine', 'engine.go'), 'utf8');
  const goInt = (n: number) => n.toLocaleString('en').replace(/,/g, '_');
  expect(engine).toMatch(new RegExp(`MaxSeries:\\s+${goInt(ENGINE_LIMITS.maxSeries)},`));
  expect(engine).toMatch(new RegExp(`MaxPoints:\\s+${goInt(ENGINE_LIMITS.maxPoints)},`));
  expect(engine).toMatch(new RegExp(`MaxRows:\\s+${goInt(ENGINE_LIMITS.maxRows)},`));
  expect(engine).toMatch(/MaxBytes:\s+256 << 20,/);
  expect(ENGINE_LIMITS.maxBytes).toBe(256 << 20);
  expect(engine).toMatch(new RegExp(`QueryTimeout:\\s+${ENGINE_LIMITS.queryTimeoutSeconds} \\* time\\.Second,`));
  const schema = readFileSync(join(root, 'traces', 'schema.go'), 'utf8');
  expect(schema).toContain(`OTelTable         = "otel_traces"`);
  expect(schema).toContain(`SigNozTable       = "distributed_signoz_index_v3"`);
  expect(schema).toContain(`SigNozDatabase    = "signoz_traces"`);
});
