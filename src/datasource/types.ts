import type { DataSourceJsonData } from '@grafana/data';
import type { DataQuery } from '@grafana/schema';

/** Query types the backend routes on (ARCHITECTURE.md §2). */
export type MlQueryType = 'drift' | 'distribution' | 'gpu' | 'traces';

export const QUERY_TYPES: Array<{ value: MlQueryType; label: string; description: string }> = [
  { value: 'drift', label: 'Drift', description: 'Compare features between a reference and a current window' },
  { value: 'distribution', label: 'Distribution', description: 'Bins of one variable in both windows' },
  { value: 'gpu', label: 'GPU', description: 'One row per GPU with straggler analysis' },
  { value: 'traces', label: 'Traces', description: 'Search traces or open one trace' },
];

export type SourceName = 'prometheus' | 'clickhouse';
export type PromInputKind = 'histogram' | 'native' | 'samples';
export type ReferenceMode = 'offset' | 'absolute' | 'baseline';
export type OutputFormat = '' | 'table' | 'timeseries' | 'numeric';
export type DistributionMode = 'histogram' | 'classes';
export type ClickHouseLayout = 'wide' | 'long';
export type BinningPolicy = 'evidently' | 'quantiles' | 'fixed';
export type FilterOp = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'not in' | 'like';
export type TraceSchema = 'otel' | 'signoz';
export type EditorMode = 'builder' | 'code';

/*
 * The query JSON. Field names and types mirror pkg/models/query.go exactly:
 * that file is the contract. Durations are Prometheus-style strings ("7d");
 * reference.from/to are RFC 3339 strings and must be left out (not "") when
 * unset, since Go parses them as time.Time.
 */

export interface PromInput {
  input?: PromInputKind;
  metric?: string;
  expr?: string;
  featureLabel?: string;
  matchers?: string;
  features?: string[];
}

export interface ClickHouseFilter {
  column: string;
  op: FilterOp;
  value: string | number | string[] | null;
}

export interface ClickHouseInput {
  database?: string;
  table?: string;
  timeColumn?: string;
  layout?: ClickHouseLayout;
  columns?: string[];
  featureColumn?: string;
  valueColumn?: string;
  sql?: string;
  filters?: ClickHouseFilter[];
}

export interface ReferenceInput {
  mode?: ReferenceMode;
  offset?: string;
  from?: string;
  to?: string;
  database?: string;
  table?: string;
}

export interface BinningInput {
  policy?: BinningPolicy;
  bins?: number;
  edges?: number[];
}

export interface GpuInput {
  groupLabel?: string;
  stragglerThreshold?: number;
  minGroupMedian?: number;
  metrics?: string[];
  namespace?: string;
  pod?: string;
  host?: string;
}

export interface TraceAttribute {
  key: string;
  op?: '=' | '!=' | 'exists';
  value?: string;
}

export interface TracesInput {
  schema?: TraceSchema;
  database?: string;
  table?: string;
  traceId?: string;
  service?: string;
  spanName?: string;
  minDurationMs?: number;
  status?: '' | 'error' | 'ok';
  attributes?: TraceAttribute[];
  limit?: number;
}

export interface MlQuery extends DataQuery {
  queryType?: MlQueryType;
  source?: SourceName;
  prometheus?: PromInput;
  clickhouse?: ClickHouseInput;
  reference?: ReferenceInput;
  method?: string;
  threshold?: number;
  binning?: BinningInput;
  minCount?: number;
  overTime?: boolean;
  step?: string;
  window?: string;
  format?: OutputFormat;
  mode?: DistributionMode;
  classLabel?: string;
  bins?: number;
  gpu?: GpuInput;
  traces?: TracesInput;
  /**
   * Editor state only (the backend ignores it): whether the data input is
   * written as code (PromQL expression or SQL) or built from pickers.
   */
  editorMode?: EditorMode;
}

export const DEFAULT_QUERY: Partial<MlQuery> = {
  queryType: 'drift',
  source: 'prometheus',
};

/**
 * jsonData.defaults, read by pkg/models/defaults.go (same keys). The backend
 * fills a query's empty fields from them for every caller: dashboards,
 * Explore, alert rules and `mlwatch query`. The editors only read them for
 * placeholders and pickers. Empty or 0: the built-in value.
 */
export interface QueryDefaults {
  /** Histogram base name of the drift query. */
  featureMetric?: string;
  /** Histogram base name of the distribution query. */
  confidenceMetric?: string;
  /** Counter of the distribution query's classes mode. */
  predictionsMetric?: string;
  featureLabel?: string;
  classLabel?: string;
  gpuGroupLabel?: string;
  stragglerThreshold?: number;
  minGroupMedian?: number;
  minCount?: number;
  tracesSchema?: TraceSchema;
  tracesDatabase?: string;
  tracesTable?: string;
  /** Rows of a trace search. */
  tracesLimit?: number;
  /** Limits of one query; empty keeps the engine's. */
  maxSeries?: number;
  maxPoints?: number;
  maxRows?: number;
  maxBytes?: number;
  queryTimeoutSeconds?: number;
}

export type PrometheusAuth = 'none' | 'basic' | 'bearer';
export type ClickHouseProtocol = 'native' | 'http';

export interface TlsOptions {
  tlsSkipVerify?: boolean;
  tlsServerName?: string;
  tlsWithCACert?: boolean;
  tlsClientAuth?: boolean;
}

export interface PrometheusOptions extends TlsOptions {
  url?: string;
  auth?: PrometheusAuth;
  basicAuthUser?: string;
  headers?: Array<{ name: string }>;
  timeoutSeconds?: number;
}

export interface ClickHouseOptions extends TlsOptions {
  host?: string;
  port?: number;
  protocol?: ClickHouseProtocol;
  secure?: boolean;
  username?: string;
  database?: string;
  timeoutSeconds?: number;
}

/** jsonData, parsed by pkg/models/settings.go. */
export interface MlDataSourceOptions extends DataSourceJsonData {
  prometheus?: PrometheusOptions;
  clickhouse?: ClickHouseOptions;
  defaults?: QueryDefaults;
}

/** secureJsonData keys; flat because Grafana reports set secrets per key. */
export interface MlSecureJsonData {
  prometheusBasicAuthPassword?: string;
  prometheusBearerToken?: string;
  prometheusTlsCACert?: string;
  prometheusTlsClientCert?: string;
  prometheusTlsClientKey?: string;
  clickhousePassword?: string;
  clickhouseTlsCACert?: string;
  clickhouseTlsClientCert?: string;
  clickhouseTlsClientKey?: string;
  [headerValue: `prometheusHeaderValue${number}`]: string | undefined;
}

export type SecureKey = keyof MlSecureJsonData;

/** The variable query editor's model (template variables). */
export type VariableKind =
  'features' | 'models' | 'hosts' | 'namespaces' | 'pods' | 'services' | 'metrics' | 'labelValues';

export interface MlVariableQuery extends DataQuery {
  kind?: VariableKind;
  /** Histogram (features), counter (models) or any metric (label values). */
  metric?: string;
  /** The label whose values are listed (label values, hosts). */
  label?: string;
  featureLabel?: string;
  /** Extra label matchers without braces, e.g. model="$model". */
  matchers?: string;
  /** Substring filter applied by the backend. */
  search?: string;
}
