import {
  DCGM_METRIC,
  errorMessage,
  EXPECTED_ML_METRICS,
  pickDatasource,
  setupChecks,
  type DatasourceHealth,
  type ListAnswer,
  type SetupAnswers,
  type SetupCheck,
} from './sources';

const prom = (ok: boolean, configured = true) => ({
  source: 'prometheus' as const,
  configured,
  ok,
  message: ok ? 'Prometheus: connected' : 'Prometheus: refused',
});
const ch = (ok: boolean, configured = true) => ({
  source: 'clickhouse' as const,
  configured,
  ok,
  message: ok ? 'ClickHouse: connected' : 'ClickHouse: refused',
});

const ds = (sources = [prom(true), ch(true)]): DatasourceHealth => ({ uid: 'ml', name: 'mlwatch', sources });
const values = (...v: string[]): ListAnswer => ({ values: v, truncated: false });
const allMetrics = (): Record<string, ListAnswer> =>
  Object.fromEntries(EXPECTED_ML_METRICS.map((m) => [m, values(m, `${m}_other`)]));

const healthy = (): SetupAnswers => ({
  datasources: [ds()],
  metrics: allMetrics(),
  dcgm: values(DCGM_METRIC),
  traces: values('fraud-api', 'llm-gateway'),
});

const check = (checks: SetupCheck[], id: SetupCheck['id']) => {
  const c = checks.find((x) => x.id === id);
  if (!c) {
    throw new Error(`no ${id} check`);
  }
  return c;
};

describe('setupChecks: datasource', () => {
  it('asks for a datasource when there is none', () => {
    const checks = setupChecks({ datasources: [] });
    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatchObject({ id: 'datasource', state: 'missing' });
    expect(checks[0].link.href).toBe('/connections/datasources/edit/new?type=mlwatch-ml-datasource');
  });

  it('is ok and links to the settings of a datasource that answers', () => {
    const c = check(setupChecks(healthy()), 'datasource');
    expect(c).toMatchObject({ state: 'ok', link: { label: 'Edit mlwatch', href: '/connections/datasources/edit/ml' } });
  });

  it('fails with the route error when no datasource answers, and checks nothing else', () => {
    const checks = setupChecks({
      datasources: [{ uid: 'a', name: 'A', sources: [], error: 'settings need fixing' }],
    });
    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatchObject({ state: 'failing', detail: 'A: settings need fixing' });
    expect(checks[0].link.href).toBe('/connections/datasources/edit/a');
  });

  it('checks the datasource whose Prometheus is up', () => {
    const a: DatasourceHealth = { uid: 'a', name: 'A', sources: [prom(false)] };
    const b: DatasourceHealth = { uid: 'b', name: 'B', sources: [prom(true)] };
    expect(pickDatasource([a, b])?.uid).toBe('b');
    expect(pickDatasource([{ ...b, error: 'down' }, a])?.uid).toBe('a');
    expect(pickDatasource([{ ...a, error: 'down' }])).toBeUndefined();
  });
});

describe('setupChecks: ML metrics', () => {
  it('is ok when every expected metric is there', () => {
    expect(check(setupChecks(healthy()), 'metrics')).toMatchObject({ state: 'ok' });
  });

  it('lists what is missing (exact names, not substrings) and links to the metric names', () => {
    const answers = healthy();
    answers.metrics!.ml_feature_value_bucket = values();
    answers.metrics!.ml_predictions_total = values('ml_predictions_total_created');
    const c = check(setupChecks(answers), 'metrics');
    expect(c.state).toBe('missing');
    expect(c.detail).toContain('Missing: ml_feature_value_bucket, ml_predictions_total.');
    expect(c.detail).not.toContain('ml_requests_total');
    expect(c.link.href).toContain('docs/demo.md#metrics');
  });

  it('fails with the route error as it came', () => {
    const answers = healthy();
    answers.metrics!.ml_requests_total = { error: 'Prometheus: connection refused' };
    expect(check(setupChecks(answers), 'metrics')).toMatchObject({
      state: 'failing',
      detail: 'Could not list metrics: Prometheus: connection refused',
    });
  });

  it('says Prometheus is not configured and links to the datasource settings', () => {
    const checks = setupChecks({ datasources: [ds([prom(false, false), ch(true)])], traces: values('a') });
    for (const id of ['metrics', 'dcgm'] as const) {
      expect(check(checks, id)).toMatchObject({
        state: 'missing',
        detail: 'mlwatch has no Prometheus URL set.',
        link: { href: '/connections/datasources/edit/ml' },
      });
    }
  });
});

describe('setupChecks: DCGM', () => {
  it('is ok when the utilisation metric is there', () => {
    expect(check(setupChecks(healthy()), 'dcgm')).toMatchObject({ state: 'ok' });
  });

  it('says to install dcgm-exporter when it is missing', () => {
    const c = check(setupChecks({ ...healthy(), dcgm: values('DCGM_FI_DEV_GPU_UTIL_AVG') }), 'dcgm');
    expect(c.state).toBe('missing');
    expect(c.link.label).toBe('Install dcgm-exporter');
    expect(c.link.href).toContain('docs.nvidia.com');
  });

  it('fails with the route error as it came', () => {
    const c = check(setupChecks({ ...healthy(), dcgm: { error: 'Prometheus took too long' } }), 'dcgm');
    expect(c).toMatchObject({ state: 'failing', detail: 'Could not list metrics: Prometheus took too long' });
  });
});

describe('setupChecks: traces', () => {
  it('is ok with at least one service', () => {
    const c = check(setupChecks({ ...healthy(), traces: { values: ['fraud-api'], truncated: true } }), 'traces');
    expect(c).toMatchObject({ state: 'ok', detail: 'Spans from fraud-api and more.' });
  });

  it('is missing without services, linking to the exporter setup', () => {
    const c = check(setupChecks({ ...healthy(), traces: values() }), 'traces');
    expect(c.state).toBe('missing');
    expect(c.link.href).toContain('docs/demo.md#clickhouse-and-spans');
  });

  it('fails with the route error as it came', () => {
    const error = 'table otel.otel_traces has no column ServiceName';
    const c = check(setupChecks({ ...healthy(), traces: { error } }), 'traces');
    expect(c).toMatchObject({ state: 'failing', detail: `Could not list traced services: ${error}` });
  });

  it('says ClickHouse is not configured', () => {
    const c = check(setupChecks({ ...healthy(), datasources: [ds([prom(true)])], traces: undefined }), 'traces');
    expect(c).toMatchObject({ state: 'missing', detail: 'mlwatch has no ClickHouse host set.' });
  });
});

describe('errorMessage', () => {
  it('takes the route error, then Grafana message, then the status', () => {
    expect(errorMessage({ status: 400, data: { error: 'the datasource has no Prometheus URL' } })).toBe(
      'the datasource has no Prometheus URL'
    );
    expect(errorMessage({ status: 404, data: { message: 'Not found' } })).toBe('Not found');
    expect(errorMessage({ status: 502, data: {} })).toBe('The datasource answered with status 502.');
    expect(errorMessage(new Error('offline'))).toBe('offline');
    expect(errorMessage(undefined)).toBe('The datasource did not answer.');
  });
});
