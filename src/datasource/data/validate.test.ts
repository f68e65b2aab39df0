import type { MlQuery } from '../types';
import { issuesFor, sentence, validateQuery } from './validate';

const q = (x: Partial<MlQuery>): MlQuery => ({ refId: 'A', ...x });
const fields = (query: MlQuery) => validateQuery(query).map((i) => i.field);

describe('validateQuery', () => {
  it('accepts a new drift query: the defaults fill the metric and offset', () => {
    expect(validateQuery(q({ queryType: 'drift', source: 'prometheus' }))).toEqual([]);
  });

  it('asks for a query type', () => {
    expect(validateQuery(q({}))).toEqual([
      { field: 'queryType', message: 'the query has no type; choose drift, distribution, gpu or traces' },
    ]);
  });

  it('uses the backend’s words for a _bucket metric', () => {
    expect(validateQuery(q({ queryType: 'drift', prometheus: { metric: 'ml_feature_value_bucket' } }))).toEqual([
      { field: 'prometheus.metric', message: "give the histogram's base name without _bucket (ml_feature_value)" },
    ]);
  });

  it('asks for an expression in code mode', () => {
    expect(fields(q({ queryType: 'drift', prometheus: { input: 'samples' } }))).toEqual(['prometheus.expr']);
  });

  it('checks durations, the step against the window and the offset', () => {
    expect(fields(q({ queryType: 'drift', reference: { offset: 'a week' } }))).toEqual(['reference.offset']);
    const long = validateQuery(q({ queryType: 'drift', overTime: true, step: '2h', window: '1h' }));
    expect(long).toEqual([
      { field: 'step', message: 'the step (2h) is longer than the window (1h): some data would never be compared' },
    ]);
    expect(fields(q({ queryType: 'drift', overTime: true, step: '$step', window: '1h' }))).toEqual([]);
  });

  it('checks the method, threshold and counts', () => {
    expect(fields(q({ queryType: 'drift', method: 'magic', threshold: -1, minCount: 1.5 }))).toEqual([
      'threshold',
      'minCount',
      'method',
    ]);
    expect(fields(q({ queryType: 'drift', method: 'psi', threshold: 0.2 }))).toEqual([]);
  });

  it('needs from before to for an absolute reference', () => {
    const bad = q({
      queryType: 'drift',
      reference: { mode: 'absolute', from: '2026-11-02T00:00:00Z', to: '2026-11-01T00:00:00Z' },
    });
    expect(fields(bad)).toEqual(['reference']);
  });

  it('allows a baseline table only with ClickHouse, and asks for it', () => {
    expect(
      fields(q({ queryType: 'drift', source: 'prometheus', reference: { mode: 'baseline', table: 't' } }))
    ).toEqual(['reference.mode']);
    const ch = q({
      queryType: 'drift',
      source: 'clickhouse',
      clickhouse: { table: 'events', columns: ['a'] },
      reference: { mode: 'baseline' },
    });
    expect(fields(ch)).toEqual(['reference.table']);
  });

  it('names every missing ClickHouse field at once', () => {
    expect(fields(q({ queryType: 'drift', source: 'clickhouse', clickhouse: {} }))).toEqual([
      'clickhouse.table',
      'clickhouse.timeColumn',
      'clickhouse.columns',
    ]);
    const long = q({
      queryType: 'drift',
      source: 'clickhouse',
      clickhouse: { table: 't', timeColumn: 'ts', featureColumn: 'f' },
    });
    expect(fields(long)).toEqual(['clickhouse.valueColumn']);
    const sql = q({
      queryType: 'drift',
      source: 'clickhouse',
      clickhouse: { sql: 'SELECT ts, a FROM t', timeColumn: 'ts' },
    });
    expect(fields(sql)).toEqual([]);
  });

  it('checks the GPU fields', () => {
    expect(fields(q({ queryType: 'gpu', gpu: { stragglerThreshold: 1.5 } }))).toEqual(['gpu.stragglerThreshold']);
    expect(
      fields(q({ queryType: 'gpu', gpu: { groupLabel: 'name space', metrics: ['DCGM-X'], namespace: '(' } }))
    ).toEqual(['gpu.groupLabel', 'gpu.metrics', 'gpu.namespace']);
    expect(fields(q({ queryType: 'gpu', source: 'clickhouse' }))).toEqual(['source']);
    expect(fields(q({ queryType: 'gpu', gpu: { namespace: '$ns', groupLabel: 'namespace,hpc_job' } }))).toEqual([]);
  });

  it('checks the traces fields', () => {
    expect(fields(q({ queryType: 'traces' }))).toEqual([]);
    expect(fields(q({ queryType: 'traces', traces: { traceId: 'xyz' } }))).toEqual(['traces.traceId']);
    expect(fields(q({ queryType: 'traces', traces: { traceId: '0'.repeat(32) } }))).toEqual(['traces.traceId']);
    expect(
      fields(q({ queryType: 'traces', traces: { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', limit: 20000 } }))
    ).toEqual(['traces.limit']);
    expect(fields(q({ queryType: 'traces', source: 'prometheus', traces: { attributes: [{ key: ' ' }] } }))).toEqual([
      'source',
      'traces.attributes.0',
    ]);
  });

  it('validates against the datasource defaults', () => {
    const gpu = q({ queryType: 'gpu' });
    expect(fields(gpu)).toEqual([]);
    expect(validateQuery(gpu, { stragglerThreshold: 0.5 })).toEqual([]);
  });
});

describe('messages', () => {
  it('turns a message into a sentence', () => {
    expect(sentence('must be positive')).toBe('Must be positive.');
    expect(sentence('Done.')).toBe('Done.');
  });

  it('collects messages of a field and its sub-fields', () => {
    const issues = [
      { field: 'traces.attributes.0', message: 'name it' },
      { field: 'traces.attributes.1', message: 'name it too' },
    ];
    expect(issuesFor(issues, 'traces.attributes')).toBeUndefined();
    expect(issuesFor(issues, 'traces.attributes', true)).toBe('Name it. Name it too.');
  });
});
