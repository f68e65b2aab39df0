import type { MlQuery } from '../types';
import {
  buildSQL,
  compact,
  editorModeOf,
  patchNested,
  patchQuery,
  setEditorMode,
  setSource,
  switchQueryType,
} from './queryOps';

const drift: MlQuery = {
  refId: 'A',
  queryType: 'drift',
  source: 'prometheus',
  prometheus: { metric: 'ml_feature_value', features: ['age'], matchers: 'model="x"' },
  reference: { offset: '1d' },
  method: 'psi',
  threshold: 0.2,
  overTime: true,
  step: '5m',
};

describe('patching', () => {
  it('compact drops empty values', () => {
    expect(compact({ a: '', b: undefined, c: [], d: {}, e: 0, f: false, g: 'x' })).toEqual({ e: 0, f: false, g: 'x' });
  });

  it('patchQuery removes cleared fields', () => {
    expect(patchQuery(drift, { method: undefined, threshold: 0.3 })).toEqual({
      ...drift,
      method: undefined,
      threshold: 0.3,
    } as MlQuery);
    expect('method' in patchQuery(drift, { method: '' })).toBe(false);
  });

  it('patchNested merges and removes an emptied object', () => {
    expect(patchNested(drift, 'prometheus', { metric: 'other' }).prometheus).toEqual({
      metric: 'other',
      features: ['age'],
      matchers: 'model="x"',
    });
    const cleared = patchNested(drift, 'reference', { offset: undefined });
    expect('reference' in cleared).toBe(false);
  });
});

describe('switchQueryType', () => {
  it('keeps source, windows and method from drift to distribution, without features or over time', () => {
    expect(switchQueryType(drift, 'distribution')).toEqual({
      refId: 'A',
      queryType: 'distribution',
      source: 'prometheus',
      prometheus: { metric: 'ml_feature_value', matchers: 'model="x"' },
      reference: { offset: '1d' },
      method: 'psi',
      threshold: 0.2,
    });
  });

  it('starts GPU and traces fresh with their fixed source', () => {
    expect(switchQueryType(drift, 'gpu')).toEqual({ refId: 'A', queryType: 'gpu', source: 'prometheus' });
    expect(switchQueryType(drift, 'traces')).toEqual({ refId: 'A', queryType: 'traces', source: 'clickhouse' });
  });

  it('returns the same query for the same type', () => {
    expect(switchQueryType(drift, 'drift')).toBe(drift);
  });
});

describe('sources and modes', () => {
  it('falls back from a baseline table to an offset on Prometheus', () => {
    const ch: MlQuery = {
      ...drift,
      source: 'clickhouse',
      reference: { mode: 'baseline', database: 'ml', table: 'train' },
    };
    expect(setSource(ch, 'prometheus').reference).toEqual({ mode: 'offset' });
  });

  it('switches Prometheus to samples in code mode and back', () => {
    const code = setEditorMode(drift, 'code');
    expect(code.editorMode).toBe('code');
    expect(code.prometheus?.input).toBe('samples');
    expect(editorModeOf(code)).toBe('code');
    const builder = setEditorMode(code, 'builder');
    expect(builder.editorMode).toBeUndefined();
    expect(builder.prometheus?.input).toBeUndefined();
    expect(editorModeOf(builder)).toBe('builder');
  });

  it('starts ClickHouse code mode with the SQL the builder amounts to, and clears it for the builder', () => {
    const ch: MlQuery = {
      refId: 'A',
      queryType: 'drift',
      source: 'clickhouse',
      clickhouse: { database: 'ml', table: 'events', timeColumn: 'ts', columns: ['age', 'my col'] },
    };
    const code = setEditorMode(ch, 'code');
    expect(code.clickhouse?.sql).toBe('SELECT ts, age, `my col`\nFROM ml.events\nWHERE $__timeFilter(ts)');
    expect(setEditorMode(code, 'builder').clickhouse?.sql).toBeUndefined();
  });

  it('reads the mode of a saved query', () => {
    expect(editorModeOf({ refId: 'A', source: 'prometheus', prometheus: { expr: 'up' } })).toBe('code');
    expect(editorModeOf({ refId: 'A', source: 'clickhouse', clickhouse: { sql: 'SELECT 1' } })).toBe('code');
    expect(editorModeOf({ refId: 'A', source: 'clickhouse', clickhouse: { table: 't' } })).toBe('builder');
  });

  it('builds SQL for a long table and without a table', () => {
    expect(buildSQL({ layout: 'long', table: 't', timeColumn: 'ts', featureColumn: 'f', valueColumn: 'v' })).toBe(
      'SELECT ts, f, v\nFROM t\nWHERE $__timeFilter(ts)'
    );
    expect(buildSQL({})).toBe('SELECT timestamp\nFROM my_table\nWHERE $__timeFilter(timestamp)');
  });
});
