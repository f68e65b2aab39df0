import type { MlQuery } from '../types';
import { migrateQuery } from './migrate';

const legacy = (q: Record<string, unknown>) => q as unknown as MlQuery;

describe('migrateQuery', () => {
  it('returns a current query unchanged (the same object)', () => {
    const q: MlQuery = { refId: 'A', queryType: 'drift', source: 'prometheus', prometheus: { metric: 'm' } };
    expect(migrateQuery(q)).toBe(q);
  });

  it('adds the source to the foundation editor shape { refId, queryType }', () => {
    expect(migrateQuery({ refId: 'A', queryType: 'drift' })).toEqual({
      refId: 'A',
      queryType: 'drift',
      source: 'prometheus',
    });
    expect(migrateQuery({ refId: 'A', queryType: 'traces' })).toEqual({
      refId: 'A',
      queryType: 'traces',
      source: 'clickhouse',
    });
    expect(migrateQuery({ refId: 'A', queryType: 'gpu' })).toEqual({
      refId: 'A',
      queryType: 'gpu',
      source: 'prometheus',
    });
  });

  it('normalises spellings of the query type', () => {
    expect(migrateQuery(legacy({ refId: 'A', queryType: 'Drift' })).queryType).toBe('drift');
    expect(migrateQuery(legacy({ refId: 'A', queryType: 'trace' })).queryType).toBe('traces');
    expect(migrateQuery(legacy({ refId: 'A', queryType: 'gpus' })).queryType).toBe('gpu');
    expect(migrateQuery(legacy({ refId: 'A', queryType: 'histogram' })).queryType).toBe('distribution');
  });

  it('moves flat Prometheus fields into prometheus and reference', () => {
    const out = migrateQuery(
      legacy({
        refId: 'A',
        queryType: 'drift',
        metric: 'ml_feature_value',
        matchers: 'model="x"',
        features: 'age, income',
        offset: '1d',
      })
    );
    expect(out).toEqual({
      refId: 'A',
      queryType: 'drift',
      source: 'prometheus',
      prometheus: { metric: 'ml_feature_value', matchers: 'model="x"', features: ['age', 'income'] },
      reference: { offset: '1d' },
    });
  });

  it('moves flat SQL fields into clickhouse and picks the ClickHouse source', () => {
    const out = migrateQuery(
      legacy({ refId: 'A', queryType: 'drift', rawSql: 'SELECT 1', timeColumn: 'ts', columns: ['a'] })
    );
    expect(out.source).toBe('clickhouse');
    expect(out.clickhouse).toEqual({ sql: 'SELECT 1', timeColumn: 'ts', columns: ['a'] });
    expect('rawSql' in out).toBe(false);
  });

  it('puts a traces query’s database and table under traces', () => {
    const out = migrateQuery(
      legacy({ refId: 'A', queryType: 'trace', traceId: 'abc', database: 'otel', table: 'spans', schema: 'otel' })
    );
    expect(out.traces).toEqual({ traceId: 'abc', database: 'otel', table: 'spans', schema: 'otel' });
    expect(out.clickhouse).toBeUndefined();
  });

  it('moves GPU fields into gpu', () => {
    const out = migrateQuery(
      legacy({ refId: 'A', queryType: 'gpu', groupLabel: 'hpc_job', stragglerThreshold: 0.6, host: 'gpu-1' })
    );
    expect(out.gpu).toEqual({ groupLabel: 'hpc_job', stragglerThreshold: 0.6, host: 'gpu-1' });
  });

  it('keeps a nested value over an older flat one, and drops empty flat ones', () => {
    const out = migrateQuery(
      legacy({ refId: 'A', queryType: 'drift', metric: 'old', prometheus: { metric: 'new' }, expr: '' })
    );
    expect(out.prometheus).toEqual({ metric: 'new' });
    expect('expr' in out).toBe(false);
  });

  it('guesses the type of a hand-written query without one', () => {
    expect(migrateQuery<MlQuery>({ refId: 'A', traces: { traceId: 'x' } }).queryType).toBe('traces');
    expect(migrateQuery<MlQuery>({ refId: 'A', gpu: {} }).queryType).toBe('gpu');
    expect(migrateQuery<MlQuery>({ refId: 'A', prometheus: { metric: 'm' } }).queryType).toBe('drift');
    expect(migrateQuery({ refId: 'A' })).toEqual({ refId: 'A' });
  });

  it('is idempotent', () => {
    const once = migrateQuery(legacy({ refId: 'A', queryType: 'Drift', sql: 'SELECT 1' }));
    expect(migrateQuery(once)).toBe(once);
  });
});
