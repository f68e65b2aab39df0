/**
 * The app's settings (its jsonData): default datasources, the folder for
 * alert rules, and metric and label names. The alert template page uses
 * them as parameter defaults; the configuration page edits them.
 */
import type { AlertTemplate, ParamValues } from '../alerts';

export interface AppSettings {
  /** UID of the Prometheus datasource that Grafana-managed PromQL rules query. */
  prometheusUid: string;
  /** UID of the mlwatch datasource (drift rules). */
  mlwatchUid: string;
  /** UID of the folder new alert rules go in. */
  folderUid: string;
  modelLabel: string;
  requestsMetric: string;
  durationMetric: string;
  predictionsMetric: string;
  /** Namespaces of the model-serving pods (regex). */
  servingNamespaces: string;
}

export const DEFAULT_SETTINGS: AppSettings = {
  prometheusUid: 'prometheus',
  mlwatchUid: 'mlwatch',
  folderUid: 'mlwatch',
  modelLabel: 'model',
  requestsMetric: 'ml_requests_total',
  durationMetric: 'ml_request_duration_seconds',
  predictionsMetric: 'ml_predictions_total',
  servingNamespaces: 'ml-serving',
};

/** Words for the configuration page. */
export const SETTING_FIELDS: ReadonlyArray<{ key: keyof AppSettings; label: string; description: string }> = [
  {
    key: 'prometheusUid',
    label: 'Prometheus datasource UID',
    description: 'Grafana-managed PromQL alert rules query it.',
  },
  { key: 'mlwatchUid', label: 'mlwatch datasource UID', description: 'Drift alert rules query it.' },
  { key: 'folderUid', label: 'Alert folder UID', description: 'New alert rules go into this folder.' },
  { key: 'modelLabel', label: 'Model label', description: 'The label that names the model.' },
  { key: 'requestsMetric', label: 'Requests counter', description: 'Counter of requests with a status code label.' },
  { key: 'durationMetric', label: 'Latency histogram', description: 'Base name of the request latency histogram.' },
  { key: 'predictionsMetric', label: 'Predictions counter', description: 'Counter of predictions with a class label.' },
  {
    key: 'servingNamespaces',
    label: 'Serving namespaces (regex)',
    description: 'Namespaces of the model-serving pods.',
  },
];

/** Settings from the app's jsonData: unknown keys and non-strings are ignored, empty values take the default. */
export function settingsFromJsonData(jsonData: unknown): AppSettings {
  const out: AppSettings = { ...DEFAULT_SETTINGS };
  if (typeof jsonData !== 'object' || jsonData === null) {
    return out;
  }
  const data = jsonData as Record<string, unknown>;
  for (const key of Object.keys(DEFAULT_SETTINGS) as Array<keyof AppSettings>) {
    const v = data[key];
    if (typeof v === 'string' && v.trim() !== '') {
      out[key] = v.trim();
    }
  }
  return out;
}

/** Which template parameter each setting sets. */
const PARAMETER_OF: Partial<Record<keyof AppSettings, string>> = {
  modelLabel: 'modelLabel',
  requestsMetric: 'requestsMetric',
  durationMetric: 'durationMetric',
  predictionsMetric: 'predictionsMetric',
  servingNamespaces: 'namespaces',
};

/**
 * Parameter values the settings give a template: its datasource and the
 * metric and label names it has. Only values that differ from the
 * template's own defaults, so bundles stay small.
 */
export function settingsParameters(template: AlertTemplate, s: AppSettings): ParamValues {
  const out: ParamValues = {};
  const byName = new Map(template.parameters.map((p) => [p.name, p]));
  const set = (name: string, value: string) => {
    const p = byName.get(name);
    if (p && p.default !== value) {
      out[name] = value;
    }
  };
  set('datasourceUid', template.grafanaOnly ? s.mlwatchUid : s.prometheusUid);
  for (const [key, param] of Object.entries(PARAMETER_OF) as Array<[keyof AppSettings, string]>) {
    set(param, s[key]);
  }
  return out;
}
