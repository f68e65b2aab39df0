import { setupChecks, type DatasourceHealth } from './sources';

const prom = (ok: boolean) => ({
  source: 'prometheus' as const,
  configured: true,
  ok,
  message: ok ? 'Prometheus: connected' : 'Prometheus: refused',
});

describe('setupChecks', () => {
  it('asks for a datasource when there is none', () => {
    const checks = setupChecks([]);
    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatchObject({ id: 'datasource', state: 'missing' });
  });

  it('prefers a healthy source over a failing one', () => {
    const ds: DatasourceHealth[] = [
      { uid: 'a', name: 'A', sources: [prom(false)] },
      { uid: 'b', name: 'B', sources: [prom(true)] },
    ];
    const checks = setupChecks(ds);
    expect(checks.find((c) => c.id === 'prometheus')).toMatchObject({ state: 'ok', detail: 'Prometheus: connected' });
    expect(checks.find((c) => c.id === 'clickhouse')).toMatchObject({ state: 'missing' });
  });

  it('reports failing sources and datasource errors', () => {
    const checks = setupChecks([{ uid: 'a', name: 'A', sources: [prom(false)], error: 'settings need fixing' }]);
    expect(checks.find((c) => c.id === 'datasource')).toMatchObject({
      state: 'failing',
      detail: 'A: settings need fixing',
    });
    expect(checks.find((c) => c.id === 'prometheus')).toMatchObject({ state: 'failing' });
  });
});
