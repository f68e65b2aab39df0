/**
 * Small pure builders for dashboard JSON: datasources, variables, targets,
 * panels and a layout that places panels in rows of 24 grid columns.
 */
import type {
  CustomVariable,
  Dashboard,
  DashboardLink,
  DatasourceVariable,
  DataSourceRef,
  FieldConfig,
  Link,
  MlwatchQuery,
  MlwatchTarget,
  Panel,
  PrometheusTarget,
  QueryVariable,
  Target,
  TextVariable,
  Threshold,
  Transformation,
  Variable,
} from './types';

export const PROMETHEUS: DataSourceRef = { type: 'prometheus', uid: '${prometheus}' };
export const MLWATCH: DataSourceRef = { type: 'mlwatch-ml-datasource', uid: '${mlwatch}' };

/** Plugin ids of the mlwatch panels. */
export const PANELS = {
  driftHeatmap: 'mlwatch-driftheatmap-panel',
  gpuTopology: 'mlwatch-gputopology-panel',
  confidence: 'mlwatch-confidence-panel',
  traceWaterfall: 'mlwatch-tracewaterfall-panel',
} as const;

/** UIDs of the dashboards kube-prometheus-stack ships (kubernetes-mixin). */
export const KUBE_DASHBOARDS = {
  pod: '6581e46e4e5c7ba40a07646395ef7b23',
  namespacePods: '85a562078cdf77779eaa1add43ccec1e',
  persistentVolumes: '919b92a8e8041bd567af9edab12c840c',
} as const;

// ---------------------------------------------------------------------------
// Variables.

export function datasourceVariable(name: string, label: string, pluginId: string, current: string): DatasourceVariable {
  return {
    type: 'datasource',
    name,
    label,
    query: pluginId,
    current: { text: current, value: current },
    hide: 0,
    refresh: 1,
    regex: '',
  };
}

export const prometheusVariable = (): DatasourceVariable =>
  datasourceVariable('prometheus', 'Prometheus', 'prometheus', 'prometheus');
export const mlwatchVariable = (): DatasourceVariable =>
  datasourceVariable('mlwatch', 'mlwatch', 'mlwatch-ml-datasource', 'mlwatch');

export interface QueryVariableOptions {
  /** Several values and an All option whose value is this regex (default .+). */
  multi?: boolean;
  allValue?: string;
  /** Re-read the values when the time range changes (2) or on load (1). */
  refresh?: 1 | 2;
}

/** A Prometheus query variable: `label_values(metric, label)`. */
export function labelValuesVariable(
  name: string,
  label: string,
  definition: string,
  opts: QueryVariableOptions = {}
): QueryVariable {
  const multi = opts.multi ?? true;
  return {
    type: 'query',
    name,
    label,
    datasource: PROMETHEUS,
    query: { query: definition, refId: 'PrometheusVariableQueryEditor-VariableQuery' },
    definition,
    refresh: opts.refresh ?? 2,
    multi,
    includeAll: multi,
    ...(multi ? { allValue: opts.allValue ?? '.+' } : {}),
    current: multi ? { text: ['All'], value: ['$__all'] } : { text: '', value: '' },
    sort: 1,
    hide: 0,
    regex: '',
  };
}

export function customVariable(
  name: string,
  label: string,
  values: readonly string[],
  current = values[0]
): CustomVariable {
  return {
    type: 'custom',
    name,
    label,
    query: values.join(','),
    current: { text: current, value: current },
    options: values.map((v) => ({ text: v, value: v, selected: v === current })),
    multi: false,
    includeAll: false,
    hide: 0,
  };
}

export function textVariable(name: string, label: string, value = ''): TextVariable {
  return { type: 'textbox', name, label, query: value, current: { text: value, value }, hide: 0 };
}

// ---------------------------------------------------------------------------
// Targets (refIds are given by the panel, in order).

type Unref<T> = Omit<T, 'refId'>;

export function prom(
  expr: string,
  legendFormat?: string,
  extra: Partial<Unref<PrometheusTarget>> = {}
): Unref<PrometheusTarget> {
  return { datasource: PROMETHEUS, expr, ...(legendFormat !== undefined ? { legendFormat } : {}), ...extra };
}

/** An instant Prometheus query as a table (for table panels). */
export function promTable(expr: string): Unref<PrometheusTarget> {
  return prom(expr, undefined, { instant: true, range: false, format: 'table' });
}

export function ml(query: MlwatchQuery): Unref<MlwatchTarget> {
  return { datasource: MLWATCH, ...query };
}

// ---------------------------------------------------------------------------
// Panels.

/** A panel before layout: no id and no position, only its size. */
export type PanelSpec = Omit<Panel, 'id' | 'gridPos' | 'targets'> & {
  w: number;
  h: number;
  targets?: Array<Unref<PrometheusTarget> | Unref<MlwatchTarget>>;
};

export interface PanelOptions {
  description?: string;
  unit?: string;
  min?: number;
  max?: number;
  decimals?: number;
  w?: number;
  h?: number;
  stack?: boolean;
  /** A red line (or colour step) at this value. */
  threshold?: number;
  links?: Link[];
  fieldLinks?: Link[];
  transformations?: Transformation[];
  overrides?: FieldConfig['overrides'];
  options?: Record<string, unknown>;
  custom?: Record<string, unknown>;
}

function fieldConfig(o: PanelOptions, custom: Record<string, unknown> = {}): FieldConfig {
  const steps: Threshold[] = [{ color: 'green', value: null }];
  if (o.threshold !== undefined) {
    steps.push({ color: 'red', value: o.threshold });
  }
  const allCustom = { ...custom, ...(o.custom ?? {}) };
  return {
    defaults: {
      ...(o.unit ? { unit: o.unit } : {}),
      ...(o.min !== undefined ? { min: o.min } : {}),
      ...(o.max !== undefined ? { max: o.max } : {}),
      ...(o.decimals !== undefined ? { decimals: o.decimals } : {}),
      ...(o.fieldLinks ? { links: o.fieldLinks } : {}),
      thresholds: { mode: 'absolute', steps },
      ...(Object.keys(allCustom).length > 0 ? { custom: allCustom } : {}),
    },
    overrides: o.overrides ?? [],
  };
}

function common(o: PanelOptions) {
  return {
    ...(o.description ? { description: o.description } : {}),
    ...(o.links ? { links: o.links } : {}),
    ...(o.transformations ? { transformations: o.transformations } : {}),
  };
}

export function timeseries(title: string, targets: PanelSpec['targets'], o: PanelOptions = {}): PanelSpec {
  const custom: Record<string, unknown> = {
    drawStyle: 'line',
    lineWidth: 1,
    fillOpacity: o.stack ? 30 : 10,
    showPoints: 'never',
    spanNulls: false,
    stacking: { mode: o.stack ? 'normal' : 'none', group: 'A' },
    ...(o.threshold !== undefined ? { thresholdsStyle: { mode: 'line+area' } } : {}),
  };
  return {
    type: 'timeseries',
    title,
    ...common(o),
    datasource: PROMETHEUS,
    targets,
    w: o.w ?? 8,
    h: o.h ?? 8,
    fieldConfig: fieldConfig(o, custom),
    options: {
      legend: { displayMode: 'list', placement: 'bottom', showLegend: true },
      tooltip: { mode: 'multi', sort: 'desc' },
      ...(o.options ?? {}),
    },
  };
}

export function stat(title: string, targets: PanelSpec['targets'], o: PanelOptions = {}): PanelSpec {
  return {
    type: 'stat',
    title,
    ...common(o),
    datasource: PROMETHEUS,
    targets,
    w: o.w ?? 4,
    h: o.h ?? 4,
    fieldConfig: fieldConfig(o),
    options: {
      reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
      colorMode: 'value',
      graphMode: 'area',
      textMode: 'auto',
      ...(o.options ?? {}),
    },
  };
}

export function table(
  title: string,
  datasource: DataSourceRef,
  targets: PanelSpec['targets'],
  o: PanelOptions = {}
): PanelSpec {
  return {
    type: 'table',
    title,
    ...common(o),
    datasource,
    targets,
    w: o.w ?? 12,
    h: o.h ?? 8,
    fieldConfig: fieldConfig(o),
    options: { showHeader: true, cellHeight: 'sm', ...(o.options ?? {}) },
  };
}

/** One of the mlwatch panels (or any plugin panel) with its own options. */
export function pluginPanel(
  type: string,
  title: string,
  datasource: DataSourceRef,
  targets: PanelSpec['targets'],
  o: PanelOptions = {}
): PanelSpec {
  return {
    type,
    title,
    ...common(o),
    datasource,
    targets,
    w: o.w ?? 12,
    h: o.h ?? 9,
    fieldConfig: fieldConfig(o),
    options: o.options ?? {},
  };
}

/** A link to another dashboard, keeping the time range and the variables. */
export function dashboardUrl(uid: string, params = ''): string {
  return `/d/${uid}?\${__url_time_range}${params}`;
}

// ---------------------------------------------------------------------------
// Layout.

export interface Section {
  /** A row title; none for panels above the first row. */
  row?: string;
  collapsed?: boolean;
  panels: PanelSpec[];
}

const REF_IDS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function place(spec: PanelSpec, id: number, x: number, y: number): Panel {
  const { w, h, targets, ...rest } = spec;
  return {
    id,
    ...rest,
    gridPos: { h, w, x, y },
    ...(targets ? { targets: targets.map((t, i) => ({ refId: REF_IDS[i], ...t }) as Target) } : {}),
  };
}

/**
 * Places the panels of each section left to right in 24 columns, wrapping
 * to a new line when a panel does not fit; each section with a title starts
 * with a row panel. Collapsed rows hold their panels inside the row.
 */
export function layout(sections: readonly Section[]): Panel[] {
  const out: Panel[] = [];
  let id = 1;
  let y = 0;
  for (const s of sections) {
    let row: Panel | undefined;
    if (s.row !== undefined) {
      row = {
        id: id++,
        type: 'row',
        title: s.row,
        gridPos: { h: 1, w: 24, x: 0, y },
        collapsed: s.collapsed ?? false,
        panels: [],
      };
      out.push(row);
      y += 1;
    }
    let x = 0;
    let lineHeight = 0;
    for (const spec of s.panels) {
      if (spec.w > 24) {
        throw new Error(`panel "${spec.title}" is ${spec.w} columns wide; the grid has 24`);
      }
      if (x + spec.w > 24) {
        y += lineHeight;
        x = 0;
        lineHeight = 0;
      }
      const p = place(spec, id++, x, y);
      if (row && s.collapsed) {
        row.panels!.push(p);
      } else {
        out.push(p);
      }
      x += spec.w;
      lineHeight = Math.max(lineHeight, spec.h);
    }
    y += lineHeight;
  }
  return out;
}

// ---------------------------------------------------------------------------
// Dashboards.

export interface DashboardSpec {
  uid: string;
  title: string;
  description: string;
  tags?: string[];
  variables: Variable[];
  links?: DashboardLink[];
  sections: Section[];
  from?: string;
}

export const DASHBOARD_TAG = 'mlwatch';

/** Links every mlwatch dashboard has: the other mlwatch dashboards, by tag. */
export const MLWATCH_LINKS: DashboardLink = {
  title: 'mlwatch dashboards',
  type: 'dashboards',
  tags: [DASHBOARD_TAG],
  asDropdown: true,
  includeVars: true,
  keepTime: true,
  targetBlank: false,
  icon: 'external link',
};

export function dashboard(spec: DashboardSpec): Dashboard {
  return {
    uid: spec.uid,
    title: spec.title,
    description: spec.description,
    tags: [DASHBOARD_TAG, ...(spec.tags ?? [])],
    timezone: 'browser',
    schemaVersion: 41,
    version: 1,
    editable: true,
    graphTooltip: 1,
    refresh: '1m',
    time: { from: spec.from ?? 'now-6h', to: 'now' },
    templating: { list: spec.variables },
    annotations: { list: [] },
    links: [MLWATCH_LINKS, ...(spec.links ?? [])],
    panels: layout(spec.sections),
  };
}
