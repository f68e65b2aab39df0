import type { DataSourceSettings } from '@grafana/data';

import type {
  ClickHouseOptions,
  MetricNames,
  MlDataSourceOptions,
  MlSecureJsonData,
  PrometheusOptions,
  QueryDefaults,
  SecureKey,
} from '../types';

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

/** Sets one metric name of jsonData.defaults.metrics ('' removes it). */
export function setMetricName(settings: Settings, key: keyof MetricNames, value: string): Settings {
  return setDefaults(settings, { metrics: prune({ ...settings.jsonData.defaults?.metrics, [key]: value }) });
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
const IDENTIFIER_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function validateDefaults(d: QueryDefaults | undefined, errors: Record<string, string>) {
  if (!d) {
    return;
  }
  for (const [key, name] of Object.entries(d.metrics ?? {})) {
    if (name && !METRIC_NAME_RE.test(name)) {
      errors[`defaults.metrics.${key}`] = 'Use a Prometheus metric name: letters, digits, _ and :';
    }
  }
  if (d.gpuGroupLabel) {
    const bad = d.gpuGroupLabel
      .split(',')
      .map((l) => l.trim())
      .filter((l) => l && !LABEL_NAME_RE.test(l));
    if (bad.length) {
      errors['defaults.gpuGroupLabel'] =
        `"${bad[0]}" is not a label name; use a label such as namespace, hpc_job or host`;
    }
  }
  if (d.stragglerThreshold !== undefined && !(d.stragglerThreshold > 0 && d.stragglerThreshold < 1)) {
    errors['defaults.stragglerThreshold'] = 'Use a share between 0 and 1, such as 0.75';
  }
  if (d.minCount !== undefined && !(Number.isInteger(d.minCount) && d.minCount >= 0)) {
    errors['defaults.minCount'] = 'Use a whole number, 0 or more';
  }
  if (d.traceLimit !== undefined && !(Number.isInteger(d.traceLimit) && d.traceLimit >= 1 && d.traceLimit <= 10000)) {
    errors['defaults.traceLimit'] = 'Use a whole number from 1 to 10000';
  }
  if (d.traceSchema && d.traceSchema !== 'otel' && d.traceSchema !== 'signoz') {
    errors['defaults.traceSchema'] = 'Use the OpenTelemetry exporter or SigNoz schema';
  }
  for (const key of ['traceDatabase', 'traceTable'] as const) {
    const v = d[key];
    if (v && !IDENTIFIER_RE.test(v)) {
      errors[`defaults.${key}`] = 'Use a plain ClickHouse name: letters, digits and _';
    }
  }
}
