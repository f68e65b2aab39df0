import type { MetricNames, MlQuery, QueryDefaults, TraceSchema } from '../types';

/** ARCHITECTURE.md §5: the names the dashboards and alert templates assume. */
export const BUILTIN_METRICS: Required<MetricNames> = {
  requests: 'ml_requests_total',
  requestDuration: 'ml_request_duration_seconds',
  stageDuration: 'ml_stage_duration_seconds',
  predictions: 'ml_predictions_total',
  confidence: 'ml_prediction_confidence',
  featureValue: 'ml_feature_value',
  labeledPredictions: 'ml_labeled_predictions_total',
  tokenUsage: 'gen_ai_client_token_usage',
  operationDuration: 'gen_ai_client_operation_duration_seconds',
};

export const METRIC_LABELS: Record<keyof MetricNames, { label: string; description: string }> = {
  requests: { label: 'Requests', description: 'Counter with model, version and code (HTTP status) labels' },
  requestDuration: { label: 'Request duration', description: 'Histogram of request latency in seconds' },
  stageDuration: { label: 'Stage duration', description: 'Histogram per stage: preprocess, inference, postprocess' },
  predictions: {
    label: 'Predictions',
    description: "Counter with a class label; the distribution query's classes mode",
  },
  confidence: {
    label: 'Confidence',
    description: "Histogram of prediction confidence (0 to 1); the distribution query's default",
  },
  featureValue: { label: 'Feature values', description: "Histograms with a feature label; the drift query's default" },
  labeledPredictions: {
    label: 'Labelled predictions',
    description: 'Counter with correct="true|false" once labels arrive',
  },
  tokenUsage: { label: 'LLM token usage', description: 'OpenTelemetry GenAI histogram with gen_ai_token_type' },
  operationDuration: { label: 'LLM operation duration', description: 'OpenTelemetry GenAI histogram in seconds' },
};

export const BUILTIN_GPU_GROUP_LABEL = 'namespace';
export const BUILTIN_STRAGGLER_THRESHOLD = 0.75;
export const BUILTIN_MIN_GROUP_MEDIAN = 40;
export const BUILTIN_TRACE_SCHEMA: TraceSchema = 'otel';
export const BUILTIN_TRACE_LIMIT = 100;
export const BUILTIN_FEATURE_LABEL = 'feature';
export const BUILTIN_CLASS_LABEL = 'class';
export const BUILTIN_REFERENCE_OFFSET = '7d';

/** Table names each trace schema assumes when none is given (pkg/traces/schema.go). */
export const TRACE_SCHEMA_TABLES: Record<TraceSchema, { database: string; table: string; label: string }> = {
  otel: { database: '', table: 'otel_traces', label: 'OpenTelemetry exporter' },
  signoz: { database: 'signoz_traces', table: 'distributed_signoz_index_v3', label: 'SigNoz' },
};

/** A metric name from the datasource defaults, else the built-in one. */
export function metricName(defaults: QueryDefaults | undefined, key: keyof MetricNames): string {
  return defaults?.metrics?.[key]?.trim() || BUILTIN_METRICS[key];
}

export interface EffectiveTraceSource {
  schema: TraceSchema;
  database: string;
  table: string;
}

/**
 * The trace table a query reads: its own names, else the datasource's
 * defaults when they are for the same schema, else the schema's own.
 */
export function traceSource(query: MlQuery, defaults: QueryDefaults | undefined): EffectiveTraceSource {
  const schema = query.traces?.schema || defaults?.traceSchema || BUILTIN_TRACE_SCHEMA;
  const sameSchema = schema === (defaults?.traceSchema || BUILTIN_TRACE_SCHEMA);
  const builtin = TRACE_SCHEMA_TABLES[schema] ?? TRACE_SCHEMA_TABLES.otel;
  return {
    schema,
    database: query.traces?.database || (sameSchema ? defaults?.traceDatabase : '') || builtin.database,
    table: query.traces?.table || (sameSchema ? defaults?.traceTable : '') || builtin.table,
  };
}

/**
 * The query as the backend will run it: empty fields filled from the
 * datasource defaults, then from pkg/models applyDefaults. The editor shows
 * these values as placeholders and validates against them; it never saves
 * them, so a saved query follows later changes of the datasource defaults.
 * MlDataSource.applyTemplateVariables sends this form to the backend.
 */
export function effectiveQuery(query: MlQuery, defaults: QueryDefaults | undefined): MlQuery {
  const q: MlQuery = structuredCloneQuery(query);
  q.method = q.method || 'auto';
  if (!q.source) {
    if (q.clickhouse && !q.prometheus) {
      q.source = 'clickhouse';
    } else if (q.queryType === 'traces') {
      q.source = 'clickhouse';
    } else {
      q.source = 'prometheus';
    }
  }
  if ((q.queryType === 'drift' || q.queryType === 'distribution') && q.source === 'prometheus') {
    const p = { ...(q.prometheus ?? {}) };
    if (!p.input) {
      p.input = p.expr && !p.metric ? 'samples' : 'histogram';
    }
    if (p.input !== 'samples' && !p.metric) {
      if (q.queryType === 'drift') {
        p.metric = metricName(defaults, 'featureValue');
      } else if (q.mode === 'classes') {
        p.metric = metricName(defaults, 'predictions');
      } else {
        p.metric = metricName(defaults, 'confidence');
      }
    }
    p.featureLabel = p.featureLabel || BUILTIN_FEATURE_LABEL;
    q.prometheus = p;
  } else if (q.prometheus) {
    q.prometheus = { ...q.prometheus, featureLabel: q.prometheus.featureLabel || BUILTIN_FEATURE_LABEL };
    if (!q.prometheus.input) {
      q.prometheus.input = q.prometheus.expr && !q.prometheus.metric ? 'samples' : 'histogram';
    }
  }
  if (q.queryType === 'distribution' && q.mode === 'classes') {
    q.classLabel = q.classLabel || BUILTIN_CLASS_LABEL;
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
  if (!q.minCount && defaults?.minCount) {
    q.minCount = defaults.minCount;
  }
  if (q.queryType === 'gpu' || q.gpu) {
    const g = { ...(q.gpu ?? {}) };
    g.groupLabel = g.groupLabel || defaults?.gpuGroupLabel || BUILTIN_GPU_GROUP_LABEL;
    g.stragglerThreshold = g.stragglerThreshold || defaults?.stragglerThreshold || BUILTIN_STRAGGLER_THRESHOLD;
    g.minGroupMedian = g.minGroupMedian || BUILTIN_MIN_GROUP_MEDIAN;
    q.gpu = g;
  }
  if (q.queryType === 'traces' || q.traces) {
    const src = traceSource(q, defaults);
    q.traces = { ...(q.traces ?? {}), schema: src.schema, database: src.database || undefined, table: src.table };
    q.traces.limit = q.traces.limit || defaults?.traceLimit || BUILTIN_TRACE_LIMIT;
  }
  return q;
}

function structuredCloneQuery(q: MlQuery): MlQuery {
  return JSON.parse(JSON.stringify(q)) as MlQuery;
}
