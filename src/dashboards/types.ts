/**
 * The subset of Grafana's dashboard JSON model (schemaVersion 41) that the
 * mlwatch dashboards use. Dashboards are plain data built from these types
 * and written as JSON by scripts/render-dashboards.mjs.
 */

export interface DataSourceRef {
  type: string;
  uid: string;
}

export interface GridPos {
  h: number;
  w: number;
  x: number;
  y: number;
}

/** A query of Grafana's Prometheus datasource. */
export interface PrometheusTarget {
  refId: string;
  datasource: DataSourceRef;
  expr: string;
  legendFormat?: string;
  instant?: boolean;
  range?: boolean;
  format?: 'time_series' | 'table' | 'heatmap';
  /** Not shown in the panel (used by transformations only). */
  hide?: boolean;
}

/** Fields of the mlwatch datasource query (pkg/models/query.go). */
export interface MlwatchQuery {
  queryType: 'drift' | 'distribution' | 'gpu' | 'traces';
  source?: 'prometheus' | 'clickhouse';
  prometheus?: {
    input?: 'histogram' | 'native' | 'samples';
    metric?: string;
    expr?: string;
    featureLabel?: string;
    matchers?: string;
    features?: string[];
  };
  reference?: { mode?: 'offset' | 'absolute' | 'baseline'; offset?: string };
  method?: string;
  threshold?: number;
  minCount?: number;
  overTime?: boolean;
  step?: string;
  window?: string;
  format?: 'table' | 'timeseries' | 'numeric';
  mode?: 'histogram' | 'classes';
  classLabel?: string;
  bins?: number;
  gpu?: {
    groupLabel?: string;
    stragglerThreshold?: number;
    minGroupMedian?: number;
    metrics?: string[];
    namespace?: string;
    pod?: string;
    host?: string;
  };
  traces?: {
    schema?: 'otel' | 'signoz';
    database?: string;
    table?: string;
    traceId?: string;
    service?: string;
    spanName?: string;
    minDurationMs?: number;
    status?: '' | 'error' | 'ok';
    limit?: number;
  };
}

export interface MlwatchTarget extends MlwatchQuery {
  refId: string;
  datasource: DataSourceRef;
}

export type Target = PrometheusTarget | MlwatchTarget;

export interface Link {
  title: string;
  url: string;
  targetBlank?: boolean;
}

export interface Threshold {
  color: string;
  value: number | null;
}

export interface FieldConfig {
  defaults: {
    unit?: string;
    min?: number;
    max?: number;
    decimals?: number;
    links?: Link[];
    thresholds?: { mode: 'absolute' | 'percentage'; steps: Threshold[] };
    custom?: Record<string, unknown>;
  };
  overrides: Array<{
    matcher: { id: string; options: string };
    properties: Array<{ id: string; value: unknown }>;
  }>;
}

export interface Transformation {
  id: string;
  options: Record<string, unknown>;
}

export interface Panel {
  id: number;
  type: string;
  title: string;
  description?: string;
  gridPos: GridPos;
  datasource?: DataSourceRef;
  targets?: Target[];
  options?: Record<string, unknown>;
  fieldConfig?: FieldConfig;
  transformations?: Transformation[];
  links?: Link[];
  /** Rows only. */
  collapsed?: boolean;
  panels?: Panel[];
}

export interface DatasourceVariable {
  type: 'datasource';
  name: string;
  label: string;
  query: string;
  current: { text: string; value: string };
  hide: 0 | 1 | 2;
  refresh: 1;
  regex: string;
}

export interface QueryVariable {
  type: 'query';
  name: string;
  label: string;
  datasource: DataSourceRef;
  query: { query: string; refId: string };
  definition: string;
  refresh: 1 | 2;
  multi: boolean;
  includeAll: boolean;
  allValue?: string;
  current: { text: string | string[]; value: string | string[] };
  sort: 1;
  hide: 0;
  regex: string;
}

export interface CustomVariable {
  type: 'custom';
  name: string;
  label: string;
  query: string;
  current: { text: string; value: string };
  options: Array<{ text: string; value: string; selected: boolean }>;
  multi: false;
  includeAll: false;
  hide: 0;
}

export interface TextVariable {
  type: 'textbox';
  name: string;
  label: string;
  query: string;
  current: { text: string; value: string };
  hide: 0;
}

export type Variable = DatasourceVariable | QueryVariable | CustomVariable | TextVariable;

export interface DashboardLink {
  title: string;
  type: 'link' | 'dashboards';
  url?: string;
  tags?: string[];
  asDropdown?: boolean;
  includeVars?: boolean;
  keepTime?: boolean;
  targetBlank?: boolean;
  icon?: string;
}

export interface Dashboard {
  uid: string;
  title: string;
  description: string;
  tags: string[];
  timezone: 'browser';
  schemaVersion: number;
  version: number;
  editable: boolean;
  graphTooltip: 0 | 1 | 2;
  refresh: string;
  time: { from: string; to: string };
  templating: { list: Variable[] };
  annotations: { list: unknown[] };
  links: DashboardLink[];
  panels: Panel[];
}
