import type { DataSourceSettings } from '@grafana/data';

import type { ClickHouseOptions, MlDataSourceOptions, MlSecureJsonData, PrometheusOptions, SecureKey } from '../types';

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
  return errors;
}
