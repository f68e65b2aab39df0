import type { MlQuery, QueryDefaults, TraceSchema } from '../types';

/**
 * pkg/models/defaults.go BuiltinDefaults: what the backend uses when
 * jsonData.defaults leaves a key empty (ARCHITECTURE.md §5 names).
 */
export const BUILTIN_DEFAULTS = {
  featureMetric: 'ml_feature_value',
  confidenceMetric: 'ml_prediction_confidence',
  predictionsMetric: 'ml_predictions_total',
  featureLabel: 'feature',
  classLabel: 'class',
  gpuGroupLabel: 'namespace',
  stragglerThreshold: 0.75,
  minGroupMedian: 40,
  minCount: 1,
  tracesSchema: 'otel' as TraceSchema,
  tracesLimit: 100,
};

/** pkg/engine DefaultLimits: a query's limits when jsonData.defaults sets none. */
export const ENGINE_LIMITS = {
  maxSeries: 20_000,
  maxPoints: 5_000_000,
  maxRows: 1_000_000,
  maxBytes: 256 * 1024 * 1024,
  queryTimeoutSeconds: 60,
};

/** The highest limits pkg/models/defaults.go accepts. */
export const LIMIT_BOUNDS = {
  maxSeries: 1_000_000,
  maxPoints: 100_000_000,
  maxRows: 100_000_000,
  maxBytes: 4 * 1024 * 1024 * 1024,
  queryTimeoutSeconds: 600,
};

export type MetricKey = 'featureMetric' | 'confidenceMetric' | 'predictionsMetric';

/** The requests counter of ARCHITECTURE.md §5 (the models variable); not a datasource default. */
export const REQUESTS_METRIC = 'ml_requests_total';

export const BUILTIN_GPU_GROUP_LABEL = BUILTIN_DEFAULTS.gpuGroupLabel;
export const BUILTIN_STRAGGLER_THRESHOLD = BUILTIN_DEFAULTS.stragglerThreshold;
export const BUILTIN_MIN_GROUP_MEDIAN = BUILTIN_DEFAULTS.minGroupMedian;
export const BUILTIN_TRACE_SCHEMA: TraceSchema = BUILTIN_DEFAULTS.tracesSchema;
export const BUILTIN_TRACE_LIMIT = BUILTIN_DEFAULTS.tracesLimit;
export const BUILTIN_FEATURE_LABEL = BUILTIN_DEFAULTS.featureLabel;
export const BUILTIN_CLASS_LABEL = BUILTIN_DEFAULTS.classLabel;
export const BUILTIN_REFERENCE_OFFSET = '7d';

/** Table names each trace schema assumes when none is given (pkg/traces/schema.go). */
export const TRACE_SCHEMA_TABLES: Record<TraceSchema, { database: string; table: string; label: string }> = {
  otel: { database: '', table: 'otel_traces', label: 'OpenTelemetry exporter' },
  signoz: { database: 'signoz_traces', table: 'distributed_signoz_index_v3', label: 'SigNoz' },
};

/**
 * The datasource defaults as the backend resolves them (loadDefaults, then
 * orBuiltin): trimmed names, and the built-in value for what is empty or 0.
 */
export function resolveDefaults(d: QueryDefaults | undefined): typeof BUILTIN_DEFAULTS {
  const b = BUILTIN_DEFAULTS;
  const str = (v: string | undefined, def: string) => v?.trim() || def;
  const num = (v: number | undefined, def: number) => (v ? v : def);
  const schema = d?.tracesSchema?.trim().toLowerCase();
  return {
    featureMetric: str(d?.featureMetric, b.featureMetric),
    confidenceMetric: str(d?.confidenceMetric, b.confidenceMetric),
    predictionsMetric: str(d?.predictionsMetric, b.predictionsMetric),
    featureLabel: str(d?.featureLabel, b.featureLabel),
    classLabel: str(d?.classLabel, b.classLabel),
    gpuGroupLabel: str(d?.gpuGroupLabel, b.gpuGroupLabel),
    stragglerThreshold: num(d?.stragglerThreshold, b.stragglerThreshold),
    minGroupMedian: num(d?.minGroupMedian, b.minGroupMedian),
    minCount: num(d?.minCount, b.minCount),
    tracesSchema: schema === 'otel' || schema === 'signoz' ? schema : b.tracesSchema,
    tracesLimit: num(d?.tracesLimit, b.tracesLimit),
  };
}

/** A metric name from the datasource defaults, else the built-in one. */
export function metricName(defaults: QueryDefaults | undefined, key: MetricKey): string {
  return resolveDefaults(defaults)[key];
}

export interface EffectiveTraceSource {
  schema: TraceSchema;
  database: string;
  table: string;
}

/**
 * The trace table a query reads, as pkg/models applyDefaults picks it: its
 * own names; when it names neither database nor table and uses the
 * default schema, the datasource's; else the schema's own.
 */
export function traceSource(query: MlQuery, defaults: QueryDefaults | undefined): EffectiveTraceSource {
  const d = resolveDefaults(defaults);
  const schema = query.traces?.schema || d.tracesSchema;
  const builtin = TRACE_SCHEMA_TABLES[schema] ?? TRACE_SCHEMA_TABLES.otel;
  const useDefaults = schema === d.tracesSchema && !query.traces?.database && !query.traces?.table;
  const database = query.traces?.database || (useDefaults ? defaults?.tracesDatabase?.trim() : '') || '';
  const table = query.traces?.table || (useDefaults ? defaults?.tracesTable?.trim() : '') || '';
  return { schema, database: database || builtin.database, table: table || builtin.table };
}

/**
 * The query as the backend will run it: a mirror of pkg/models
 * applyDefaults with the datasource defaults. The editors show these
 * values as placeholders and validate against them; nothing sends or saves
 * this form, since the backend fills the same values itself (so a saved
 * query follows later changes of the datasource defaults).
 */
export function effectiveQuery(query: MlQuery, defaults: QueryDefaults | undefined): MlQuery {
  const d = resolveDefaults(defaults);
  const q: MlQuery = structuredCloneQuery(query);
  q.method = q.method || 'auto';
  q.minCount = q.minCount || d.minCount;
  if (!q.source) {
    if (q.clickhouse && !q.prometheus) {
      q.source = 'clickhouse';
    } else if (q.queryType === 'traces') {
      q.source = 'clickhouse';
    } else {
      q.source = 'prometheus';
    }
  }
  if (!q.prometheus && q.source === 'prometheus' && (q.queryType === 'drift' || q.queryType === 'distribution')) {
    q.prometheus = {};
  }
  if (q.prometheus) {
    const p = { ...q.prometheus };
    if (!p.input) {
      p.input = p.expr && !p.metric ? 'samples' : 'histogram';
    }
    if (!p.metric && p.input !== 'samples' && q.source === 'prometheus') {
      if (q.queryType === 'distribution' && q.mode === 'classes') {
        p.metric = d.predictionsMetric;
      } else if (q.queryType === 'distribution') {
        p.metric = d.confidenceMetric;
      } else if (q.queryType === 'drift') {
        p.metric = d.featureMetric;
      }
    }
    p.featureLabel = p.featureLabel || d.featureLabel;
    // ClassLabel names a column for ClickHouse: only Prometheus class distributions take the default.
    if (!q.classLabel && q.source === 'prometheus' && q.queryType === 'distribution' && q.mode === 'classes') {
      q.classLabel = d.classLabel;
    }
    q.prometheus = p;
  }
  if (q.clickhouse && !q.clickhouse.layout) {
    q.clickhouse = { ...q.clickhouse, layout: q.clickhouse.featureColumn ? 'long' : 'wide' };
  }
  const r = { ...(q.reference ?? {}) };
  if (!r.mode) {
    r.mode = r.table ? 'baseline' : r.from ? 'absolute' : 'offset';
  }
  if (r.mode === 'offset' && !r.offset) {
    r.offset = BUILTIN_REFERENCE_OFFSET;
  }
  q.reference = r;
  if (q.queryType === 'gpu' || q.gpu) {
    const g = { ...(q.gpu ?? {}) };
    g.groupLabel = g.groupLabel || d.gpuGroupLabel;
    g.stragglerThreshold = g.stragglerThreshold || d.stragglerThreshold;
    g.minGroupMedian = g.minGroupMedian || d.minGroupMedian;
    q.gpu = g;
  }
  if (q.queryType === 'traces' || q.traces) {
    const t = { ...(q.traces ?? {}) };
    t.schema = t.schema || d.tracesSchema;
    if (t.schema === d.tracesSchema && !t.database && !t.table) {
      t.database = defaults?.tracesDatabase?.trim() || undefined;
      t.table = defaults?.tracesTable?.trim() || undefined;
    }
    t.limit = t.limit || d.tracesLimit;
    q.traces = prune(t);
  }
  return q;
}

function prune<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '')) as T;
}

function structuredCloneQuery(q: MlQuery): MlQuery {
  return JSON.parse(JSON.stringify(q)) as MlQuery;
}
