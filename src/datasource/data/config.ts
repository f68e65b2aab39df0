import type { DataSourceSettings } from '@grafana/data';

import type {
  ClickHouseOptions,
  MlDataSourceOptions,
  MlSecureJsonData,
  PrometheusOptions,
  QueryDefaults,
  SecureKey,
} from '../types';
import { LIMIT_BOUNDS } from './defaults';

export type Settings = DataSourceSettings<MlDataSourceOptions, MlSecureJsonData>;

/** Returns settings with part of jsonData.prometheus replaced. */
export function setPrometheus(settings: Settings, patch: Partial<PrometheusOptions>): Settings {
  return {
    ...settings,
    jsonData: { ...settings.jsonData, prometheus: { ...settings.jsonData.prometheus, ...patch } },
  };
}

/** Returns settings with part of jsonData.clickhouse replaced. */
export function setClickHouse(settings: Settings, patch: Partial<ClickHouseOptions>): Settings {
  return {
    ...settings,
    jsonData: { ...settings.jsonData, clickhouse: { ...settings.jsonData.clickhouse, ...patch } },
  };
}

/** Returns settings with part of jsonData.defaults replaced; empty values are removed. */
export function setDefaults(settings: Settings, patch: Partial<QueryDefaults>): Settings {
  const defaults = prune({ ...settings.jsonData.defaults, ...patch });
  return { ...settings, jsonData: { ...settings.jsonData, defaults } };
}

/** Drops undefined, '' and empty objects, so jsonData only holds what was set. */
function prune<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (
      v === undefined ||
      v === '' ||
      (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0)
    ) {
      continue;
    }
    out[k] = v;
  }
  return out as T;
}

/** Sets a secret; Grafana encrypts it on save and never sends it back. */
export function setSecret(settings: Settings, key: SecureKey, value: string): Settings {
  return { ...settings, secureJsonData: { ...settings.secureJsonData, [key]: value } };
}

/** Clears a saved secret so that the user can enter a new one. */
export function resetSecret(settings: Settings, key: SecureKey): Settings {
  return {
    ...settings,
    secureJsonFields: { ...settings.secureJsonFields, [key]: false },
    secureJsonData: { ...settings.secureJsonData, [key]: '' },
  };
}

export function isSecretSet(settings: Settings, key: SecureKey): boolean {
  return Boolean(settings.secureJsonFields?.[key]);
}

/** The default port for a ClickHouse protocol, as the backend assumes it. */
export function defaultClickHousePort(protocol: ClickHouseOptions['protocol'], secure?: boolean): number {
  if (protocol === 'http') {
    return secure ? 8443 : 8123;
  }
  return secure ? 9440 : 9000;
}

/** Messages for fields the user must fix before saving makes sense. */
export function validateSettings(jsonData: MlDataSourceOptions): Record<string, string> {
  const errors: Record<string, string> = {};
  const url = jsonData.prometheus?.url?.trim();
  if (url && !/^https?:\/\/[^/\s]+/.test(url)) {
    errors['prometheus.url'] = 'Use a full URL such as http://prometheus:9090';
  } else if (url && /^https?:\/\/[^/]*@/.test(url)) {
    errors['prometheus.url'] = 'Put credentials in Authentication, not in the URL';
  }
  if (jsonData.prometheus?.auth === 'basic' && !jsonData.prometheus.basicAuthUser?.trim()) {
    errors['prometheus.basicAuthUser'] = 'Basic authentication needs a user';
  }
  const host = jsonData.clickhouse?.host?.trim();
  if (host && (host.includes('://') || /[\s/]/.test(host))) {
    errors['clickhouse.host'] = 'Give only the host name, for example clickhouse.example.com';
  }
  const port = jsonData.clickhouse?.port;
  if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) {
    errors['clickhouse.port'] = 'Use a port from 1 to 65535';
  }
  for (const [key, t] of [
    ['prometheus.timeoutSeconds', jsonData.prometheus?.timeoutSeconds],
    ['clickhouse.timeoutSeconds', jsonData.clickhouse?.timeoutSeconds],
  ] as const) {
    if (t !== undefined && (!(t > 0) || t > 600)) {
      errors[key] = 'Use 1 to 600 seconds';
    }
  }
  validateDefaults(jsonData.defaults, errors);
  return errors;
}

const METRIC_NAME_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const IDENTIFIER_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Mirrors loadDefaults in pkg/models/defaults.go: empty or 0 keeps the built-in value. */
function validateDefaults(d: QueryDefaults | undefined, errors: Record<string, string>) {
  if (!d) {
    return;
  }
  const set = (key: string, message: string) => (errors[`defaults.${key}`] = message);
  for (const key of ['featureMetric', 'confidenceMetric', 'predictionsMetric'] as const) {
    const v = d[key]?.trim();
    if (!v) {
      continue;
    }
    if (!METRIC_NAME_RE.test(v)) {
      set(key, `"${v}" is not a Prometheus metric name: use letters, digits, _ and :`);
    } else if (key !== 'predictionsMetric' && v.endsWith('_bucket')) {
      set(key, `Give the histogram's base name without _bucket (${v.slice(0, -'_bucket'.length)})`);
    }
  }
  for (const key of ['featureLabel', 'classLabel', 'gpuGroupLabel'] as const) {
    const v = d[key]?.trim();
    if (v && !LABEL_NAME_RE.test(v)) {
      set(key, `"${v}" is not a Prometheus label name: use letters, digits and _`);
    }
  }
  if (d.stragglerThreshold && !(d.stragglerThreshold > 0 && d.stragglerThreshold < 1)) {
    set('stragglerThreshold', 'Use a share between 0 and 1, such as 0.75');
  }
  if (d.minGroupMedian && !(d.minGroupMedian >= 0 && d.minGroupMedian <= 100)) {
    set('minGroupMedian', 'Use a utilisation percentage from 0 to 100, such as 40');
  }
  const schema = d.tracesSchema?.trim().toLowerCase();
  if (schema && schema !== 'otel' && schema !== 'signoz') {
    set('tracesSchema', 'Use otel (OpenTelemetry collector exporter) or signoz');
  }
  for (const key of ['tracesDatabase', 'tracesTable'] as const) {
    const v = d[key]?.trim();
    if (v && (!IDENTIFIER_RE.test(v) || v.length > 200)) {
      set(key, `"${v}" is not a plain ClickHouse name: use letters, digits and _`);
    }
  }
  for (const [key, upper] of [
    ['minCount', 1_000_000_000],
    ['tracesLimit', 10_000],
    ['maxSeries', LIMIT_BOUNDS.maxSeries],
    ['maxPoints', LIMIT_BOUNDS.maxPoints],
    ['maxRows', LIMIT_BOUNDS.maxRows],
    ['maxBytes', LIMIT_BOUNDS.maxBytes],
  ] as const) {
    const message = wholeNumberError(d[key], upper);
    if (message) {
      set(key, message);
    }
  }
  const t = d.queryTimeoutSeconds;
  if (t && !(t > 0 && t <= LIMIT_BOUNDS.queryTimeoutSeconds)) {
    set('queryTimeoutSeconds', `Use 1 to ${LIMIT_BOUNDS.queryTimeoutSeconds} seconds`);
  }
}

/** pkg/models positiveInt: empty or 0 keeps the default, else a whole number from 1 to upper. */
export function wholeNumberError(v: number | undefined, upper: number): string | undefined {
  if (!v) {
    return undefined;
  }
  if (!Number.isInteger(v) || v < 1 || v > upper) {
    return `Use a whole number from 1 to ${upper}`;
  }
  return undefined;
}
