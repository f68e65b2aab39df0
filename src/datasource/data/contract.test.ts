import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { MlQuery, QueryDefaults } from '../types';

/**
 * The query JSON is a contract with pkg/models/query.go: a field the Go
 * structs do not name is silently dropped by the backend. This query sets
 * every field the editor can write (the compiler checks it is an MlQuery);
 * each key must be a JSON tag of the matching Go struct.
 */
const full: Required<Omit<MlQuery, 'datasource' | 'hide' | 'key' | 'queryType' | 'editorMode'>> &
  Pick<MlQuery, 'queryType'> = {
  refId: 'A',
  queryType: 'drift',
  source: 'clickhouse',
  prometheus: { input: 'histogram', metric: 'm', expr: 'e', featureLabel: 'f', matchers: 'a="b"', features: ['x'] },
  clickhouse: {
    database: 'd',
    table: 't',
    timeColumn: 'ts',
    layout: 'wide',
    columns: ['c'],
    featureColumn: 'f',
    valueColumn: 'v',
    sql: 's',
    filters: [{ column: 'c', op: '=', value: 'v' }],
  },
  reference: {
    mode: 'absolute',
    offset: '7d',
    from: '2026-01-01T00:00:00Z',
    to: '2026-01-02T00:00:00Z',
    database: 'd',
    table: 't',
  },
  method: 'psi',
  threshold: 0.1,
  binning: { policy: 'fixed', bins: 10, edges: [0, 1] },
  minCount: 1,
  overTime: true,
  step: '5m',
  window: '1h',
  format: 'table',
  mode: 'histogram',
  classLabel: 'class',
  bins: 10,
  gpu: {
    groupLabel: 'g',
    stragglerThreshold: 0.7,
    minGroupMedian: 40,
    metrics: ['m'],
    namespace: 'n',
    pod: 'p',
    host: 'h',
  },
  traces: {
    schema: 'otel',
    database: 'd',
    table: 't',
    traceId: 'id',
    service: 's',
    spanName: 'n',
    minDurationMs: 1,
    status: 'error',
    attributes: [{ key: 'k', op: '=', value: 'v' }],
    limit: 10,
  },
};

/** Go struct name -> its JSON tags. */
function goTags(): Record<string, Set<string>> {
  const src = readFileSync(join(__dirname, '..', '..', '..', 'pkg', 'models', 'query.go'), 'utf8');
  const out: Record<string, Set<string>> = {};
  for (const m of src.matchAll(/type (\w+) struct \{([\s\S]*?)\n\}/g)) {
    out[m[1]] = new Set([...m[2].matchAll(/json:"([^",]+)/g)].map((t) => t[1]));
  }
  return out;
}

const STRUCT_OF: Record<string, string> = {
  '': 'Query',
  prometheus: 'PromInput',
  clickhouse: 'ClickHouseInput',
  'clickhouse.filters': 'Filter',
  reference: 'Reference',
  binning: 'BinningInput',
  gpu: 'GPUInput',
  traces: 'TracesInput',
  'traces.attributes': 'Attribute',
};

function keysByPath(value: object, path = '', out: Array<[string, string]> = []): Array<[string, string]> {
  for (const [k, v] of Object.entries(value)) {
    out.push([path, k]);
    const child = path ? `${path}.${k}` : k;
    if (Array.isArray(v) && v.length && typeof v[0] === 'object') {
      keysByPath(v[0], child, out);
    } else if (v && typeof v === 'object' && !Array.isArray(v)) {
      keysByPath(v, child, out);
    }
  }
  return out;
}

test('every field the editor writes is a JSON tag of pkg/models/query.go', () => {
  const tags = goTags();
  const missing = keysByPath(full)
    .filter(([path, key]) => !tags[STRUCT_OF[path]]?.has(key))
    .map(([path, key]) => (path ? `${path}.${key}` : key));
  expect(missing).toEqual([]);
});

test('every JSON tag of pkg/models/query.go can be written by the editor', () => {
  const tags = goTags();
  const written = new Set(keysByPath(full).map(([path, key]) => `${STRUCT_OF[path]}.${key}`));
  const unwritten = Object.entries(STRUCT_OF).flatMap(([, struct]) =>
    [...(tags[struct] ?? [])].filter((t) => !written.has(`${struct}.${t}`)).map((t) => `${struct}.${t}`)
  );
  expect(unwritten).toEqual([]);
});

/**
 * jsonData.defaults is a contract with pkg/models/defaults.go (jsonDefaults):
 * every key the config editor writes must be read there, and every key read
 * there must be one the editor can write. The compiler checks that this
 * object names every QueryDefaults key.
 */
const allDefaults: Required<QueryDefaults> = {
  featureMetric: 'm',
  confidenceMetric: 'm',
  predictionsMetric: 'm',
  featureLabel: 'f',
  classLabel: 'c',
  gpuGroupLabel: 'g',
  stragglerThreshold: 0.7,
  minGroupMedian: 40,
  minCount: 1,
  tracesSchema: 'otel',
  tracesDatabase: 'd',
  tracesTable: 't',
  tracesLimit: 10,
  maxSeries: 1,
  maxPoints: 1,
  maxRows: 1,
  maxBytes: 1,
  queryTimeoutSeconds: 1,
};

function goDefaultsTags(): Set<string> {
  const src = readFileSync(join(__dirname, '..', '..', '..', 'pkg', 'models', 'defaults.go'), 'utf8');
  const body = /type jsonDefaults struct \{([\s\S]*?)\n\}/.exec(src)?.[1] ?? '';
  return new Set([...body.matchAll(/json:"([^",]+)/g)].map((t) => t[1]));
}

test('jsonData.defaults: the frontend keys and pkg/models/defaults.go agree in both directions', () => {
  const tags = goDefaultsTags();
  expect(tags.size).toBeGreaterThan(0);
  const keys = Object.keys(allDefaults);
  expect(keys.filter((k) => !tags.has(k))).toEqual([]);
  expect([...tags].filter((t) => !keys.includes(t))).toEqual([]);
});

test('jsonData.defaults is read by pkg/models/settings.go', () => {
  const src = readFileSync(join(__dirname, '..', '..', '..', 'pkg', 'models', 'settings.go'), 'utf8');
  expect(src).toMatch(/\*jsonDefaults\s+`json:"defaults"`/);
});
