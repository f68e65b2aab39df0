import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import {
  defaultClickHousePort,
  isSecretSet,
  resetSecret,
  setClickHouse,
  setDefaults,
  setMetricName,
  setPrometheus,
  setSecret,
  validateSettings,
  type Settings,
} from './config';

const base = {
  id: 1,
  uid: 'x',
  orgId: 1,
  name: 'mlwatch',
  type: 'mlwatch-ml-datasource',
  jsonData: { prometheus: { url: 'http://p:9090', auth: 'none' } },
  secureJsonFields: { clickhousePassword: true },
  secureJsonData: {},
} as unknown as Settings;

describe('config updates', () => {
  it('merges Prometheus options without losing others', () => {
    const s = setPrometheus(base, { timeoutSeconds: 5 });
    expect(s.jsonData.prometheus).toEqual({ url: 'http://p:9090', auth: 'none', timeoutSeconds: 5 });
    expect(base.jsonData.prometheus?.timeoutSeconds).toBeUndefined();
  });

  it('merges ClickHouse options', () => {
    const s = setClickHouse(setClickHouse(base, { host: 'ch' }), { port: 9000 });
    expect(s.jsonData.clickhouse).toEqual({ host: 'ch', port: 9000 });
  });

  it('sets and resets secrets', () => {
    expect(isSecretSet(base, 'clickhousePassword')).toBe(true);
    const reset = resetSecret(base, 'clickhousePassword');
    expect(isSecretSet(reset, 'clickhousePassword')).toBe(false);
    expect(reset.secureJsonData?.clickhousePassword).toBe('');
    const set = setSecret(reset, 'clickhousePassword', 'pw');
    expect(set.secureJsonData?.clickhousePassword).toBe('pw');
  });

  it('knows the default ClickHouse ports', () => {
    expect(defaultClickHousePort('native')).toBe(9000);
    expect(defaultClickHousePort('native', true)).toBe(9440);
    expect(defaultClickHousePort('http')).toBe(8123);
    expect(defaultClickHousePort('http', true)).toBe(8443);
  });
});

describe('validateSettings', () => {
  it.each([
    [{ prometheus: { url: 'prometheus:9090' } }, 'prometheus.url'],
    [{ prometheus: { url: 'http://u:p@prom' } }, 'prometheus.url'],
    [{ prometheus: { url: 'http://p', auth: 'basic' as const } }, 'prometheus.basicAuthUser'],
    [{ clickhouse: { host: 'http://ch:8123' } }, 'clickhouse.host'],
    [{ clickhouse: { host: 'ch', port: 0 } }, 'clickhouse.port'],
    [{ clickhouse: { host: 'ch', port: 70000 } }, 'clickhouse.port'],
    [{ prometheus: { url: 'http://p', timeoutSeconds: 0 } }, 'prometheus.timeoutSeconds'],
    [{ defaults: { metrics: { featureValue: 'ml-feature' } } }, 'defaults.metrics.featureValue'],
    [{ defaults: { gpuGroupLabel: 'namespace, host name' } }, 'defaults.gpuGroupLabel'],
    [{ defaults: { stragglerThreshold: 1 } }, 'defaults.stragglerThreshold'],
    [{ defaults: { minCount: -1 } }, 'defaults.minCount'],
    [{ defaults: { traceTable: 'my.table' } }, 'defaults.traceTable'],
    [{ defaults: { traceLimit: 0 } }, 'defaults.traceLimit'],
  ])('flags %j at %s', (jsonData, field) => {
    expect(Object.keys(validateSettings(jsonData))).toContain(field);
  });

  it('accepts good settings', () => {
    expect(
      validateSettings({
        prometheus: {
          url: 'https://prom.example.com/prometheus',
          auth: 'basic',
          basicAuthUser: 'u',
          timeoutSeconds: 30,
        },
        clickhouse: { host: 'ch.example.com', port: 8443, protocol: 'http' },
      })
    ).toEqual({});
  });
});

describe('defaults', () => {
  it('sets and removes defaults without empty leftovers', () => {
    const s = setMetricName(base, 'featureValue', 'fv');
    expect(s.jsonData.defaults).toEqual({ metrics: { featureValue: 'fv' } });
    expect(setMetricName(s, 'featureValue', '').jsonData.defaults).toEqual({});
    expect(setDefaults(s, { gpuGroupLabel: 'hpc_job', traceLimit: undefined }).jsonData.defaults).toEqual({
      metrics: { featureValue: 'fv' },
      gpuGroupLabel: 'hpc_job',
    });
    expect(s.jsonData.prometheus).toEqual(base.jsonData.prometheus);
  });
});

test('every jsonData and secureJsonData key the editor writes is read by pkg/models/settings.go', () => {
  const go = readFileSync(join(__dirname, '..', '..', '..', 'pkg', 'models', 'settings.go'), 'utf8');
  const tags = new Set([...go.matchAll(/json:"([^",]+)/g)].map((m) => m[1]));
  const jsonKeys = [
    'prometheus',
    'clickhouse',
    'url',
    'auth',
    'basicAuthUser',
    'headers',
    'name',
    'timeoutSeconds',
    'tlsSkipVerify',
    'tlsServerName',
    'tlsWithCACert',
    'tlsClientAuth',
    'host',
    'port',
    'protocol',
    'secure',
    'username',
    'database',
  ];
  expect(jsonKeys.filter((k) => !tags.has(k))).toEqual([]);
  const secrets: Array<keyof NonNullable<Settings['secureJsonData']>> = [
    'prometheusBasicAuthPassword',
    'prometheusBearerToken',
    'prometheusTlsCACert',
    'prometheusTlsClientCert',
    'prometheusTlsClientKey',
    'clickhousePassword',
    'clickhouseTlsCACert',
    'clickhouseTlsClientCert',
    'clickhouseTlsClientKey',
    'prometheusHeaderValue1',
  ];
  const goSecrets = new Set([...go.matchAll(/Secret\w+\s*=\s*"(\w+)"/g)].map((m) => m[1]));
  expect(secrets.filter((k) => !goSecrets.has(k.replace(/\d+$/, '')))).toEqual([]);
});
