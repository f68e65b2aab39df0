import { DATASOURCE_TYPE, DOCS } from '../../constants';

/** One source's health, as the datasource's /sources resource reports it. */
export interface SourceStatus {
  source: 'prometheus' | 'clickhouse';
  configured: boolean;
  ok: boolean;
  address?: string;
  version?: string;
  problem?: string;
  message: string;
}

export interface DatasourceHealth {
  uid: string;
  name: string;
  sources: SourceStatus[];
  error?: string;
}

/** A list route's answer (/prometheus/metrics, /traces/services, ...), or its error message. */
export type ListAnswer = { values: string[]; truncated: boolean } | { error: string };

/** The ML metrics the dashboards and alert templates expect (ARCHITECTURE §5). */
export const EXPECTED_ML_METRICS = [
  'ml_requests_total',
  'ml_prediction_confidence_bucket',
  'ml_feature_value_bucket',
  'ml_predictions_total',
] as const;

export const DCGM_METRIC = 'DCGM_FI_DEV_GPU_UTIL';

/** What the overview fetched: every datasource's health, and from the one it checks, the list routes' answers. */
export interface SetupAnswers {
  datasources: DatasourceHealth[];
  /** By metric name: /prometheus/metrics?search=<name>. */
  metrics?: Record<string, ListAnswer>;
  /** /prometheus/metrics?search=DCGM_FI_DEV_GPU_UTIL */
  dcgm?: ListAnswer;
  /** /traces/services */
  traces?: ListAnswer;
}

export type CheckState = 'ok' | 'missing' | 'failing';

export interface SetupCheck {
  id: 'datasource' | 'metrics' | 'dcgm' | 'traces';
  title: string;
  state: CheckState;
  detail: string;
  link: { label: string; href: string };
}

const ADD_DATASOURCE = `/connections/datasources/edit/new?type=${DATASOURCE_TYPE}`;

export function editDatasourceUrl(uid: string): string {
  return `/connections/datasources/edit/${encodeURIComponent(uid)}`;
}

/** The datasource whose answers the overview checks: the first that answered, preferring one with Prometheus up. */
export function pickDatasource(datasources: DatasourceHealth[]): DatasourceHealth | undefined {
  const answered = datasources.filter((d) => !d.error);
  return answered.find((d) => d.sources.some((s) => s.source === 'prometheus' && s.ok)) ?? answered[0];
}

/** Whether the datasource has this source set in its settings. */
export function isConfigured(ds: DatasourceHealth, source: SourceStatus['source']): boolean {
  return ds.sources.some((s) => s.source === source && s.configured);
}

/** The message of a failed resource call: the route's {"error"}, else Grafana's {"message"}. */
export function errorMessage(e: unknown): string {
  const err = e as { status?: number; data?: { error?: unknown; message?: unknown } } | undefined;
  const fromData = err?.data?.error ?? err?.data?.message;
  if (typeof fromData === 'string' && fromData !== '') {
    return fromData;
  }
  if (e instanceof Error && e.message) {
    return e.message;
  }
  return err?.status ? `The datasource answered with status ${err.status}.` : 'The datasource did not answer.';
}

function datasourceCheck(datasources: DatasourceHealth[], picked: DatasourceHealth | undefined): SetupCheck {
  const title = 'mlwatch datasource';
  if (datasources.length === 0) {
    return {
      id: 'datasource',
      title,
      state: 'missing',
      detail: 'No mlwatch datasource yet. Add one and point it at your Prometheus and ClickHouse.',
      link: { label: 'Add an mlwatch datasource', href: ADD_DATASOURCE },
    };
  }
  const detail = datasources.map((d) => (d.error ? `${d.name}: ${d.error}` : `${d.name} answers.`)).join(' ');
  const target = picked ?? datasources[0];
  return {
    id: 'datasource',
    title,
    state: picked ? 'ok' : 'failing',
    detail,
    link: { label: `Edit ${target.name}`, href: editDatasourceUrl(target.uid) },
  };
}

function notConfigured(id: SetupCheck['id'], title: string, ds: DatasourceHealth, what: string): SetupCheck {
  return {
    id,
    title,
    state: 'missing',
    detail: `${ds.name} has no ${what} set.`,
    link: { label: `Set the ${what}`, href: editDatasourceUrl(ds.uid) },
  };
}

function has(answer: ListAnswer, name: string): boolean {
  return 'values' in answer && answer.values.includes(name);
}

function metricsCheck(ds: DatasourceHealth, metrics: Record<string, ListAnswer> | undefined): SetupCheck {
  const title = 'ML metrics in Prometheus';
  if (!isConfigured(ds, 'prometheus')) {
    return notConfigured('metrics', title, ds, 'Prometheus URL');
  }
  const link = { label: 'Metric names', href: DOCS.metricNames };
  const answers = EXPECTED_ML_METRICS.map((name) => ({ name, answer: metrics?.[name] }));
  const failed = answers.find((a) => a.answer === undefined || 'error' in a.answer);
  if (failed) {
    const message = failed.answer && 'error' in failed.answer ? failed.answer.error : 'No answer.';
    return { id: 'metrics', title, state: 'failing', detail: `Could not list metrics: ${message}`, link };
  }
  const missing = answers.filter((a) => !has(a.answer!, a.name)).map((a) => a.name);
  if (missing.length === 0) {
    return { id: 'metrics', title, state: 'ok', detail: `Found ${EXPECTED_ML_METRICS.join(', ')}.`, link };
  }
  return {
    id: 'metrics',
    title,
    state: 'missing',
    detail: `Missing: ${missing.join(', ')}. Instrument your ML services with these names, or change the names in the configuration.`,
    link,
  };
}

function dcgmCheck(ds: DatasourceHealth, dcgm: ListAnswer | undefined): SetupCheck {
  const title = 'GPU metrics (DCGM)';
  if (!isConfigured(ds, 'prometheus')) {
    return notConfigured('dcgm', title, ds, 'Prometheus URL');
  }
  const link = { label: 'Install dcgm-exporter', href: DOCS.dcgmExporter };
  if (dcgm === undefined || 'error' in dcgm) {
    const message = dcgm ? dcgm.error : 'No answer.';
    return { id: 'dcgm', title, state: 'failing', detail: `Could not list metrics: ${message}`, link };
  }
  if (has(dcgm, DCGM_METRIC)) {
    return {
      id: 'dcgm',
      title,
      state: 'ok',
      detail: `Found ${DCGM_METRIC}.`,
      link: { ...link, label: 'dcgm-exporter docs' },
    };
  }
  return {
    id: 'dcgm',
    title,
    state: 'missing',
    detail: `No ${DCGM_METRIC}. Install dcgm-exporter on your GPU nodes and scrape it.`,
    link,
  };
}

function tracesCheck(ds: DatasourceHealth, traces: ListAnswer | undefined): SetupCheck {
  const title = 'Traces in ClickHouse';
  if (!isConfigured(ds, 'clickhouse')) {
    return notConfigured('traces', title, ds, 'ClickHouse host');
  }
  const link = { label: 'Set up the OpenTelemetry ClickHouse exporter', href: DOCS.tracesExporter };
  if (traces === undefined || 'error' in traces) {
    const message = traces ? traces.error : 'No answer.';
    return { id: 'traces', title, state: 'failing', detail: `Could not list traced services: ${message}`, link };
  }
  if (traces.values.length > 0) {
    const more = traces.truncated ? ' and more' : '';
    return {
      id: 'traces',
      title,
      state: 'ok',
      detail: `Spans from ${traces.values.join(', ')}${more}.`,
      link: { ...link, label: 'ClickHouse exporter setup' },
    };
  }
  return {
    id: 'traces',
    title,
    state: 'missing',
    detail: 'No spans yet. Send traces through the OpenTelemetry collector with its ClickHouse exporter.',
    link,
  };
}

/** Turns what the overview fetched into its checklist: what is set up, what is missing, and how to fix it. */
export function setupChecks(answers: SetupAnswers): SetupCheck[] {
  const picked = pickDatasource(answers.datasources);
  const checks = [datasourceCheck(answers.datasources, picked)];
  if (!picked) {
    return checks;
  }
  checks.push(
    metricsCheck(picked, answers.metrics),
    dcgmCheck(picked, answers.dcgm),
    tracesCheck(picked, answers.traces)
  );
  return checks;
}
