import { defaultClickHousePort, isSecretSet, resetSecret, setClickHouse, setPrometheus, setSecret, validateSettings, type Settings } from './config';

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
  ])('flags %j at %s', (jsonData, field) => {
    expect(Object.keys(validateSettings(jsonData))).toContain(field);
  });

  it('accepts good settings', () => {
    expect(
      validateSettings({
        prometheus: { url: 'https://prom.example.com/prometheus', auth: 'basic', basicAuthUser: 'u', timeoutSeconds: 30 },
        clickhouse: { host: 'ch.example.com', port: 8443, protocol: 'http' },
      })
    ).toEqual({});
  });
});
