import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import {
  defaultClickHousePort,
  isSecretSet,
  resetSecret,
  setClickHouse,
  setDefaults,
  setPrometheus,
  setSecret,
  validateSettings,
  wholeNumberError,
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
    [{ defaults: { featureMetric: 'ml-feature' } }, 'defaults.featureMetric'],
    [{ defaults: { confidenceMetric: 'conf_bucket' } }, 'defaults.confidenceMetric'],
    [{ defaults: { classLabel: 'my class' } }, 'defaults.classLabel'],
    [{ defaults: { gpuGroupLabel: 'namespace,host' } }, 'defaults.gpuGroupLabel'],
    [{ defaults: { stragglerThreshold: 1 } }, 'defaults.stragglerThreshold'],
    [{ defaults: { minGroupMedian: 101 } }, 'defaults.minGroupMedian'],
    [{ defaults: { minCount: -1 } }, 'defaults.minCount'],
    [{ defaults: { minCount: 1.5 } }, 'defaults.minCount'],
    [{ defaults: { tracesSchema: 'jaeger' as never } }, 'defaults.tracesSchema'],
    [{ defaults: { tracesTable: 'my.table' } }, 'defaults.tracesTable'],
    [{ defaults: { tracesLimit: 10001 } }, 'defaults.tracesLimit'],
    [{ defaults: { maxSeries: 1_000_001 } }, 'defaults.maxSeries'],
    [{ defaults: { maxPoints: -5 } }, 'defaults.maxPoints'],
    [{ defaults: { maxRows: 0.5 } }, 'defaults.maxRows'],
    [{ defaults: { maxBytes: 5 * 1024 ** 3 } }, 'defaults.maxBytes'],
    [{ defaults: { queryTimeoutSeconds: 601 } }, 'defaults.queryTimeoutSeconds'],
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

  it('accepts what pkg/models/defaults.go accepts, including 0 and empty for the built-in value', () => {
    expect(
      validateSettings({
        defaults: {
          featureMetric: ' ml:feature_value ',
          predictionsMetric: 'preds_bucket',
          featureLabel: 'feature',
          gpuGroupLabel: 'hpc_job',
          stragglerThreshold: 0,
          minGroupMedian: 0,
          minCount: 0,
          tracesSchema: 'signoz',
          tracesDatabase: 'signoz_traces',
          tracesLimit: 10000,
          maxSeries: 1_000_000,
          maxBytes: 4 * 1024 ** 3,
          queryTimeoutSeconds: 0.5,
        },
      })
    ).toEqual({});
  });
});

test('wholeNumberError', () => {
  expect(wholeNumberError(undefined, 10)).toBeUndefined();
  expect(wholeNumberError(0, 10)).toBeUndefined();
  expect(wholeNumberError(10, 10)).toBeUndefined();
  expect(wholeNumberError(11, 10)).toBe('Use a whole number from 1 to 10');
  expect(wholeNumberError(2.5, 10)).toBe('Use a whole number from 1 to 10');
});

describe('defaults', () => {
  it('sets and removes defaults without empty leftovers', () => {
    const s = setDefaults(base, { featureMetric: 'fv' });
    expect(s.jsonData.defaults).toEqual({ featureMetric: 'fv' });
    expect(setDefaults(s, { featureMetric: '' }).jsonData.defaults).toEqual({});
    expect(setDefaults(s, { gpuGroupLabel: 'hpc_job', tracesLimit: undefined }).jsonData.defaults).toEqual({
      featureMetric: 'fv',
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
