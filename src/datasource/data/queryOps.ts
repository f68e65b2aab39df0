import type { ClickHouseInput, EditorMode, MlQuery, MlQueryType, SourceName } from '../types';

/** Removes undefined, '' and empty lists/objects, so saved JSON holds only what was set. */
export function compact<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) {
      continue;
    }
    if (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0) {
      continue;
    }
    out[k] = v;
  }
  return out as T;
}

/** Returns the query with top-level fields replaced. */
export function patchQuery(q: MlQuery, patch: Partial<MlQuery>): MlQuery {
  const out = { ...q } as Record<string, unknown>;
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) {
      delete out[k];
    } else {
      out[k] = v;
    }
  }
  return out as unknown as MlQuery;
}

type Nested = 'prometheus' | 'clickhouse' | 'reference' | 'binning' | 'gpu' | 'traces';

/** Returns the query with fields of one nested object replaced; an emptied object is removed. */
export function patchNested<K extends Nested>(q: MlQuery, key: K, patch: Partial<NonNullable<MlQuery[K]>>): MlQuery {
  const merged = compact({ ...(q[key] ?? {}), ...patch } as object);
  const out = { ...q } as Record<string, unknown>;
  if (Object.keys(merged).length === 0) {
    delete out[key];
  } else {
    out[key] = merged;
  }
  return out as unknown as MlQuery;
}

const IDENTITY_KEYS = ['refId', 'datasource', 'hide', 'key', 'queryType'] as const;
const WINDOW_KEYS = ['reference', 'method', 'threshold', 'minCount', 'binning', 'format'] as const;

/**
 * A query of another type. Drift and distribution share their data source,
 * reference window and method settings; GPU and traces start fresh with
 * their fixed source.
 */
export function switchQueryType(q: MlQuery, type: MlQueryType): MlQuery {
  if (q.queryType === type) {
    return q;
  }
  const out: MlQuery = { refId: q.refId };
  for (const k of IDENTITY_KEYS) {
    if (q[k] !== undefined) {
      (out as unknown as Record<string, unknown>)[k] = q[k];
    }
  }
  out.queryType = type;
  const fromWindows = q.queryType === 'drift' || q.queryType === 'distribution';
  switch (type) {
    case 'drift':
    case 'distribution':
      out.source = fromWindows && q.source ? q.source : 'prometheus';
      if (fromWindows) {
        for (const k of WINDOW_KEYS) {
          if (q[k] !== undefined) {
            (out as unknown as Record<string, unknown>)[k] = q[k];
          }
        }
        if (q.editorMode) {
          out.editorMode = q.editorMode;
        }
        if (q.clickhouse) {
          out.clickhouse = q.clickhouse;
        }
        if (q.prometheus) {
          // Features belong to drift; a distribution is one variable.
          const { features, ...rest } = q.prometheus;
          out.prometheus = compact(type === 'drift' ? { ...rest, features } : rest);
        }
      }
      if (type === 'drift' && q.overTime) {
        out.overTime = q.overTime;
        out.step = q.step;
        out.window = q.window;
      }
      return compact(out);
    case 'gpu':
      out.source = 'prometheus';
      if (q.gpu) {
        out.gpu = q.gpu;
      }
      return out;
    case 'traces':
      out.source = 'clickhouse';
      if (q.traces) {
        out.traces = q.traces;
      }
      return out;
  }
}

/** Switches the data source; a baseline table needs ClickHouse, so Prometheus falls back to an offset. */
export function setSource(q: MlQuery, source: SourceName): MlQuery {
  let out = patchQuery(q, { source });
  if (source === 'prometheus' && q.reference?.mode === 'baseline') {
    out = patchNested(out, 'reference', { mode: 'offset', database: undefined, table: undefined });
  }
  return out;
}

/**
 * Builder or code. For Prometheus, code is a PromQL expression whose
 * values are compared (input "samples"); for ClickHouse it is SQL, started
 * from what the builder had.
 */
export function setEditorMode(q: MlQuery, mode: EditorMode): MlQuery {
  let out = patchQuery(q, { editorMode: mode === 'code' ? 'code' : undefined });
  if (q.source === 'clickhouse') {
    if (mode === 'code' && !q.clickhouse?.sql) {
      out = patchNested(out, 'clickhouse', { sql: buildSQL(q.clickhouse ?? {}) });
    } else if (mode === 'builder') {
      // SQL replaces the table when set: clear it so the builder applies.
      out = patchNested(out, 'clickhouse', { sql: undefined });
    }
  } else {
    out = patchNested(out, 'prometheus', {
      input: mode === 'code' ? 'samples' : q.prometheus?.input === 'native' ? 'native' : undefined,
    });
  }
  return out;
}

/** Which editor a query shows: code when it was saved as code. */
export function editorModeOf(q: MlQuery): EditorMode {
  if (q.editorMode) {
    return q.editorMode;
  }
  if (q.source === 'clickhouse') {
    return q.clickhouse?.sql ? 'code' : 'builder';
  }
  return q.prometheus?.input === 'samples' || (q.prometheus?.expr && !q.prometheus.metric) ? 'code' : 'builder';
}

const quoteIdent = (s: string) =>
  /^[A-Za-z_][A-Za-z0-9_]*$/.test(s) || s.startsWith('$') ? s : `\`${s.replace(/`/g, '``')}\``;

/** The SQL the builder's table and columns amount to, as a start for code mode. */
export function buildSQL(c: ClickHouseInput): string {
  const time = c.timeColumn ? quoteIdent(c.timeColumn) : 'timestamp';
  const cols =
    c.layout === 'long'
      ? [c.featureColumn, c.valueColumn].filter((x): x is string => Boolean(x)).map(quoteIdent)
      : (c.columns ?? []).map(quoteIdent);
  const table = c.table
    ? [c.database, c.table]
        .filter(Boolean)
        .map((x) => quoteIdent(x as string))
        .join('.')
    : 'my_table';
  const select = [time, ...cols].join(', ');
  return `SELECT ${select}\nFROM ${table}\nWHERE $__timeFilter(${time})`;
}
