import type { MlQuery, MlQueryType } from '../types';

/**
 * Older query shapes, as saved by earlier editors or written by hand:
 * - the foundation editor saved only { refId, queryType } (the provisioned
 *   getting-started dashboard still has those);
 * - flat fields at the top level (expr, metric, sql, table, offset, traceId,
 *   ...) instead of the nested prometheus / clickhouse / reference / gpu /
 *   traces objects of pkg/models/query.go;
 * - query type spelled differently ("Drift", "trace", "gpus").
 */
type LegacyQuery = MlQuery & Record<string, unknown>;

const TYPE_ALIASES: Record<string, MlQueryType> = {
  drift: 'drift',
  distribution: 'distribution',
  distributions: 'distribution',
  histogram: 'distribution',
  gpu: 'gpu',
  gpus: 'gpu',
  trace: 'traces',
  traces: 'traces',
};

/** Flat field -> [nested object, field in it]. */
const FLAT_FIELDS: Record<string, [keyof MlQuery, string]> = {
  expr: ['prometheus', 'expr'],
  metric: ['prometheus', 'metric'],
  featureLabel: ['prometheus', 'featureLabel'],
  matchers: ['prometheus', 'matchers'],
  features: ['prometheus', 'features'],
  input: ['prometheus', 'input'],
  sql: ['clickhouse', 'sql'],
  rawSql: ['clickhouse', 'sql'],
  database: ['clickhouse', 'database'],
  table: ['clickhouse', 'table'],
  timeColumn: ['clickhouse', 'timeColumn'],
  columns: ['clickhouse', 'columns'],
  offset: ['reference', 'offset'],
  referenceOffset: ['reference', 'offset'],
  groupLabel: ['gpu', 'groupLabel'],
  stragglerThreshold: ['gpu', 'stragglerThreshold'],
  namespace: ['gpu', 'namespace'],
  pod: ['gpu', 'pod'],
  host: ['gpu', 'host'],
  traceId: ['traces', 'traceId'],
  service: ['traces', 'service'],
  spanName: ['traces', 'spanName'],
  schema: ['traces', 'schema'],
};

/**
 * Returns the query in the current shape; a query already in it is
 * returned unchanged (the same object), so it is safe to call on every
 * render and at query time. Only what the user saved moves: defaults stay
 * empty so that the datasource defaults keep applying.
 */
export function migrateQuery<T extends MlQuery>(query: T): T {
  const legacy = query as unknown as LegacyQuery;
  let out: LegacyQuery | undefined;
  const copy = () => (out ??= { ...legacy });

  if (typeof legacy.queryType === 'string') {
    const normal = TYPE_ALIASES[legacy.queryType.trim().toLowerCase()];
    if (normal && normal !== legacy.queryType) {
      copy().queryType = normal;
    }
  }
  const type = (out ?? legacy).queryType;
  for (const [flat, [mapped, field]] of Object.entries(FLAT_FIELDS)) {
    const value = legacy[flat];
    // A traces query names its span table with the same flat words.
    const group: keyof MlQuery = type === 'traces' && (flat === 'database' || flat === 'table') ? 'traces' : mapped;
    if (value === undefined) {
      continue;
    }
    const q = copy();
    delete q[flat];
    if (value === '' || value === null) {
      continue;
    }
    const nested = { ...((q[group] as Record<string, unknown> | undefined) ?? {}) };
    // A nested value saved later wins over an older flat one.
    if (nested[field] === undefined) {
      nested[field] = flat === 'features' || flat === 'columns' ? toList(value) : value;
    }
    (q as Record<string, unknown>)[group] = nested;
  }
  const current = out ?? legacy;
  if (!current.queryType) {
    // Old hand-written queries: guess the type from what they hold.
    if (current.traces) {
      copy().queryType = 'traces';
    } else if (current.gpu) {
      copy().queryType = 'gpu';
    } else if (current.prometheus || current.clickhouse) {
      copy().queryType = 'drift';
    }
  }
  const typed = out ?? legacy;
  if (typed.queryType && !typed.source) {
    copy().source = sourceFor(out ?? legacy);
  }
  return (out ?? query) as T;
}

function sourceFor(q: MlQuery): 'prometheus' | 'clickhouse' {
  if (q.queryType === 'traces') {
    return 'clickhouse';
  }
  if (q.queryType === 'gpu') {
    return 'prometheus';
  }
  if (q.clickhouse && !q.prometheus) {
    return 'clickhouse';
  }
  return 'prometheus';
}

function toList(v: unknown): string[] {
  if (Array.isArray(v)) {
    return v.map(String);
  }
  return String(v)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
