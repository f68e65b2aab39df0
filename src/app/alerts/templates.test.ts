/**
 * Every template rendered in all three formats: structure and the PromQL
 * pieces that make each rule right (no snapshots).
 */
import { TEMPLATES } from './catalog';
import { resolveInstances } from './instances';
import { compare } from './promql';
import {
  type GrafanaApiRule,
  type GrafanaQuery,
  renderGrafanaApiRules,
  renderGrafanaProvisioning,
} from './render/grafana';
import { type PrometheusAlertRule, renderPrometheusRule, renderPrometheusRules } from './render/prometheus';
import type { ParamValues, RuleDefinition } from './types';

interface Rendered {
  defs: RuleDefinition[];
  file: GrafanaApiRule[] | Array<Omit<GrafanaApiRule, 'orgID' | 'folderUID' | 'ruleGroup'>>;
  api: GrafanaApiRule[];
  prom: PrometheusAlertRule[];
  cr: PrometheusAlertRule[];
}

function render(id: string, parameters: ParamValues = {}, instance?: string): Rendered {
  const resolved = resolveInstances([{ id, parameters, instance }]);
  return {
    defs: resolved[0].rules,
    file: renderGrafanaProvisioning(resolved).groups.flatMap((g) => g.rules),
    api: renderGrafanaApiRules(resolved),
    prom: renderPrometheusRules(resolved).groups.flatMap((g) => g.rules),
    cr: renderPrometheusRule(resolved).spec.groups.flatMap((g) => g.rules),
  };
}

const byRef = (data: GrafanaQuery[], ref: string) => {
  const q = data.find((d) => d.refId === ref);
  if (!q) {
    throw new Error(`no query ${ref}`);
  }
  return q;
};

const threshold = (data: GrafanaQuery[]) =>
  (byRef(data, 'C').model.conditions as Array<{ evaluator: { type: string; params: number[] } }>)[0].evaluator;

const promTemplates = TEMPLATES.filter((t) => !t.grafanaOnly);

describe.each(TEMPLATES.map((t) => [t.id, t] as const))('%s', (id, template) => {
  const r = render(id);

  it('renders Grafana rules titled with the alert name, in the file and API shapes alike', () => {
    expect(r.file.length).toBe(r.defs.length);
    expect(r.api.length).toBe(r.defs.length);
    r.api.forEach((api, i) => {
      const file = r.file[i];
      const { orgID, folderUID, ruleGroup, ...core } = api;
      expect(core).toEqual(file);
      expect(orgID).toBe(1);
      expect(folderUID).toBe('mlwatch');
      expect(ruleGroup).toBe(`mlwatch-${template.area}`);
      expect(api.title).toBe(id);
      expect(api.uid).toMatch(/^mlwatch-[a-z0-9-]+$/);
      expect(api.uid.length).toBeLessThanOrEqual(40);
      expect(api.condition).toBe('C');
      expect(api.isPaused).toBe(false);
      expect(api.noDataState).toBe('OK');
      expect(api.execErrState).toBe('Error');
      expect(api.for).toBe(r.defs[i].for);
      expect(api.labels.severity).toBe(r.defs[i].severity);
      expect(api.annotations.mlwatch_template).toBe(id);
    });
  });

  it('chains query A, reduce B and threshold C on __expr__', () => {
    for (const rule of r.api) {
      expect(rule.data.map((d) => d.refId)).toEqual(['A', 'B', 'C']);
      const a = byRef(rule.data, 'A');
      expect(a.model.refId).toBe('A');
      expect(a.relativeTimeRange?.to).toBe(0);
      expect(a.relativeTimeRange?.from).toBeGreaterThan(0);
      const b = byRef(rule.data, 'B');
      expect(b.datasourceUid).toBe('__expr__');
      expect(b.model).toMatchObject({
        type: 'reduce',
        expression: 'A',
        reducer: 'last',
        datasource: { type: '__expr__', uid: '__expr__' },
      });
      const c = byRef(rule.data, 'C');
      expect(c.datasourceUid).toBe('__expr__');
      expect(c.model).toMatchObject({ type: 'threshold', expression: 'B', datasource: { uid: '__expr__' } });
    }
  });

  it('writes summary, description and a three-part runbook', () => {
    for (const rule of [...r.api, ...r.prom]) {
      const a = rule.annotations;
      expect(a.summary.length).toBeGreaterThan(10);
      expect(a.description.length).toBeGreaterThan(20);
      const lines = a.runbook.split('\n');
      expect(lines.map((l) => l.split(':')[0])).toEqual(['What it means', 'How to check', 'What to do']);
      expect(a.runbook_url).toBeUndefined();
    }
    for (const rule of r.api) {
      // Grafana has no $value number; the reduced value is $values.B.Value.
      expect(`${rule.annotations.summary} ${rule.annotations.description}`).not.toMatch(/\$value\b/);
      expect(rule.annotations.summary + rule.annotations.description).toMatch(/\$values\.B\.Value/);
      // File provisioning expands ${VAR} in annotations and $VAR in labels.
      expect(JSON.stringify(rule.annotations)).not.toContain('${');
      expect(JSON.stringify(rule.labels)).not.toContain('$');
    }
  });

  if (template.grafanaOnly) {
    it('has no Prometheus rule form, and the catalog says why', () => {
      expect(r.prom).toEqual([]);
      expect(r.cr).toEqual([]);
      expect(template.grafanaOnly).toMatch(/mlwatch datasource/);
    });
  } else {
    it('renders Prometheus rules and the PrometheusRule alike: alert, expr, for, labels, annotations', () => {
      expect(r.prom.length).toBe(r.defs.length);
      expect(r.cr).toEqual(r.prom);
      r.prom.forEach((rule, i) => {
        const def = r.defs[i];
        expect(rule.alert).toBe(id);
        expect(Object.keys(rule)).toEqual(
          def.for === '0s'
            ? ['alert', 'expr', 'labels', 'annotations']
            : ['alert', 'expr', 'for', 'labels', 'annotations']
        );
        expect(rule.labels).toEqual({ severity: def.severity, ...(def.labels ?? {}) });
      });
    });

    it('compares the same signal with the same threshold in Grafana and Prometheus', () => {
      r.defs.forEach((def, i) => {
        if (def.query.kind !== 'prometheus') {
          throw new Error('expected a Prometheus signal');
        }
        const a = byRef(r.api[i].data, 'A');
        expect(a.datasourceUid).toBe('prometheus');
        expect(a.model).toMatchObject({
          datasource: { type: 'prometheus', uid: 'prometheus' },
          expr: def.query.signal,
          instant: true,
          range: false,
        });
        expect(r.prom[i].expr).toBe(compare(def.query.signal, def.query.op, def.query.threshold));
        expect(threshold(r.api[i].data).params).toEqual([def.query.threshold]);
        expect(threshold(r.api[i].data).type).toBe({ '>': 'gt', '<': 'lt', '>=': 'gte', '<=': 'lte' }[def.query.op]);
        // Prometheus annotations use $value, like the Grafana ones use $values.B.Value.
        expect(r.prom[i].annotations.summary + r.prom[i].annotations.description).toMatch(/\$value\b/);
      });
    });
  }
});

describe('default PromQL of each template', () => {
  const prom = (id: string, params: ParamValues = {}) => render(id, params).prom;
  const grafana = (id: string, params: ParamValues = {}) => render(id, params).api;

  it('MLHighErrorRate: 5xx share per model over 5m, guarded against no traffic', () => {
    const [rule] = prom('MLHighErrorRate');
    expect(rule.expr).toBe(
      [
        'sum by (model) (rate(ml_requests_total{code=~"5.."}[5m]))',
        '/',
        '(sum by (model) (rate(ml_requests_total[5m])) > 0) > 0.05',
      ].join('\n')
    );
    expect(rule.for).toBe('5m');
    expect(rule.labels.severity).toBe('critical');
  });

  it('MLSlowInference: histogram_quantile over the rate of the buckets by (model, le)', () => {
    const [rule] = prom('MLSlowInference');
    expect(rule.expr).toBe(
      'histogram_quantile(0.95, sum by (model, le) (rate(ml_request_duration_seconds_bucket[5m]))) > 1'
    );
    expect(rule.expr).not.toContain('histogram_quantile(0.95, ml_request_duration_seconds)');
    expect(rule.for).toBe('10m');
    expect(rule.labels.severity).toBe('warning');
    expect(rule.annotations.summary).toBe('Model {{ $labels.model }}: p95 latency is {{ $value | humanizeDuration }}');
  });

  it('MLErrorBudgetBurn: one template, two rules (fast 1h/5m 14.4x, slow 6h/30m 6x)', () => {
    const rules = prom('MLErrorBudgetBurn');
    expect(rules.map((r) => [r.alert, r.labels, r.for])).toEqual([
      ['MLErrorBudgetBurn', { severity: 'critical', long: '1h', short: '5m' }, '2m'],
      ['MLErrorBudgetBurn', { severity: 'warning', long: '6h', short: '30m' }, '15m'],
    ]);
    const [fast, slow] = rules;
    // 14.4 x (1 - 0.995) = 0.072, in both windows.
    expect(fast.expr).toContain('sum by (model) (rate(ml_requests_total{code=~"5.."}[1h]))');
    expect(fast.expr).toContain('(sum by (model) (rate(ml_requests_total[5m])) > 0) > 0.072');
    expect(fast.expr).toContain('and on (model)');
    expect(fast.expr.endsWith(') > 0.072')).toBe(true);
    expect(slow.expr).toContain('[6h]');
    expect(slow.expr).toContain('(sum by (model) (rate(ml_requests_total[30m])) > 0) > 0.03');
    expect(slow.expr.endsWith(') > 0.03')).toBe(true);
    const g = grafana('MLErrorBudgetBurn');
    expect(g.map((r) => r.uid)).toEqual(['mlwatch-ml-error-budget-burn-fast', 'mlwatch-ml-error-budget-burn-slow']);
    expect(g.map((r) => threshold(r.data).params[0])).toEqual([0.072, 0.03]);
    expect(g.map((r) => r.title)).toEqual(['MLErrorBudgetBurn', 'MLErrorBudgetBurn']);
  });

  it('MLErrorBudgetBurn follows the SLO', () => {
    const [fast, slow] = prom('MLErrorBudgetBurn', { slo: 99.9, fastBurnRate: 10 });
    expect(fast.expr.endsWith(') > 0.01')).toBe(true);
    expect(slow.expr.endsWith(') > 0.006')).toBe(true);
    expect(fast.annotations.summary).toBe(
      'Model {{ $labels.model }} is burning its 99.9% availability error budget 10x too fast'
    );
  });

  it('MLNoPredictions: the hour before the last 15m, unless predictions in the last 15m', () => {
    const [rule] = prom('MLNoPredictions');
    expect(rule.expr).toBe(
      [
        '(',
        '  sum by (model) (increase(ml_predictions_total[1h] offset 15m))',
        '  unless on (model)',
        '  (sum by (model) (increase(ml_predictions_total[15m])) > 0)',
        ') > 0',
      ].join('\n')
    );
    expect(rule.labels.severity).toBe('critical');
  });

  it('MLPredictionSkew: class shares now vs the 7 days before, absolute difference, guarded', () => {
    const [rule] = prom('MLPredictionSkew');
    expect(rule.expr).toContain('sum by (model, class) (increase(ml_predictions_total[1h]))');
    expect(rule.expr).toContain('sum by (model, class) (increase(ml_predictions_total[7d] offset 1h))');
    expect(rule.expr).toContain('/ on (model) group_left ()');
    expect(rule.expr).toContain('abs(');
    expect(rule.expr).toContain(') * 0');
    expect(rule.expr).toContain('and on (model) (sum by (model) (increase(ml_predictions_total[1h])) > 0)');
    expect(rule.expr).toContain('and on (model) (sum by (model) (increase(ml_predictions_total[7d] offset 1h)) > 0)');
    expect(rule.expr.endsWith(') > 0.2')).toBe(true);
    expect(rule.for).toBe('15m');
  });

  it('MLConfidenceDrop: mean from _sum and _count, the 24h before the last hour minus the last hour', () => {
    const [rule] = prom('MLConfidenceDrop');
    expect(rule.expr).toBe(
      [
        '(',
        '  sum by (model) (rate(ml_prediction_confidence_sum[24h] offset 1h))',
        '  /',
        '  (sum by (model) (rate(ml_prediction_confidence_count[24h] offset 1h)) > 0)',
        ')',
        '-',
        '(',
        '  sum by (model) (rate(ml_prediction_confidence_sum[1h]))',
        '  /',
        '  (sum by (model) (rate(ml_prediction_confidence_count[1h])) > 0)',
        ') > 0.1',
      ].join('\n')
    );
  });

  it('GPUStraggler: share of the group median, only groups with a median of at least 40%', () => {
    const [rule] = prom('GPUStraggler');
    expect(rule.expr).toBe(
      [
        'avg_over_time(DCGM_FI_DEV_GPU_UTIL{namespace!=""}[10m])',
        '/ on (namespace) group_left ()',
        '(quantile by (namespace) (0.5, avg_over_time(DCGM_FI_DEV_GPU_UTIL{namespace!=""}[10m])) >= 40) < 0.75',
      ].join('\n')
    );
    const [g] = grafana('GPUStraggler', { groupLabel: 'job' });
    expect(byRef(g.data, 'A').model.expr).toContain('quantile by (job) (0.5,');
    expect(threshold(g.data)).toEqual({ type: 'lt', params: [0.75] });
  });

  it('GPUIdle: GPUs with a pod, mean utilisation under 5% over 30m', () => {
    const [rule] = prom('GPUIdle');
    expect(rule.expr).toBe('avg_over_time(DCGM_FI_DEV_GPU_UTIL{pod!=""}[30m]) < 5');
    expect(prom('GPUIdle', { podLabel: 'exported_pod' })[0].expr).toContain('{exported_pod!=""}');
  });

  it('GPUMemoryNearFull: used / (used + free), guarded against 0/0', () => {
    expect(prom('GPUMemoryNearFull')[0].expr).toBe(
      'DCGM_FI_DEV_FB_USED\n/\n((DCGM_FI_DEV_FB_USED + DCGM_FI_DEV_FB_FREE) > 0) > 0.95'
    );
  });

  it('GPUTemperatureHigh: above 85 °C for 5m', () => {
    const [rule] = prom('GPUTemperatureHigh');
    expect([rule.expr, rule.for]).toEqual(['DCGM_FI_DEV_GPU_TEMP > 85', '5m']);
  });

  it('GPUXidError: any non-zero XID in 5m, fires at once, XID in the summary', () => {
    const [rule] = prom('GPUXidError');
    expect(rule.expr).toBe('max_over_time(DCGM_FI_DEV_XID_ERRORS[5m]) > 0');
    expect(rule.for).toBeUndefined();
    expect(rule.labels.severity).toBe('critical');
    expect(rule.annotations.summary).toMatch(/reported XID \{\{ \$value \}\}$/);
    const [g] = grafana('GPUXidError');
    expect(g.for).toBe('0s');
    expect(g.annotations.summary).toMatch(/reported XID \{\{ \$values\.B\.Value \}\}$/);
  });

  it('MLRateLimited: 429 share per model over 5m, guarded against no traffic', () => {
    const [rule] = prom('MLRateLimited');
    expect(rule.expr).toBe(
      [
        'sum by (model) (rate(ml_requests_total{code=~"429"}[5m]))',
        '/',
        '(sum by (model) (rate(ml_requests_total[5m])) > 0) > 0.02',
      ].join('\n')
    );
    expect(rule.for).toBe('5m');
    expect(rule.labels.severity).toBe('warning');
    expect(prom('MLRateLimited', { limitedCodes: '429|503', threshold: 0.1 })[0].expr).toContain('code=~"429|503"');
  });

  it('MLServingOOMKilled: a restart in 10m joined with the OOMKilled reason, fires at once', () => {
    const [rule] = prom('MLServingOOMKilled');
    expect(rule.expr).toBe(
      [
        '(',
        '  increase(kube_pod_container_status_restarts_total{namespace=~"ml-serving", pod=~".+"}[10m])',
        '  and on (namespace, pod, container)',
        '  (kube_pod_container_status_last_terminated_reason{reason="OOMKilled", namespace=~"ml-serving", pod=~".+"} == 1)',
        ') > 0',
      ].join('\n')
    );
    expect(rule.for).toBeUndefined();
    expect(rule.labels.severity).toBe('critical');
    expect(rule.annotations.summary).toBe(
      'Container {{ $labels.container }} of pod {{ $labels.namespace }}/{{ $labels.pod }} was OOM killed'
    );
    const custom = prom('MLServingOOMKilled', { namespaces: 'serving|models', pods: 'fraud-.*', window: '30m' })[0];
    expect(custom.expr).toContain('namespace=~"serving|models", pod=~"fraud-.*"}[30m])');
    expect(grafana('MLServingOOMKilled')[0].for).toBe('0s');
  });

  it('MLServingCPUThrottled: throttled / all CFS periods per container over 15m, pod cgroup and pause left out', () => {
    const [rule] = prom('MLServingCPUThrottled');
    const m = 'container!="", container!="POD", namespace=~"ml-serving", pod=~".+"';
    expect(rule.expr).toBe(
      [
        `sum by (namespace, pod, container) (increase(container_cpu_cfs_throttled_periods_total{${m}}[15m]))`,
        '/',
        `(sum by (namespace, pod, container) (increase(container_cpu_cfs_periods_total{${m}}[15m])) > 0) > 0.25`,
      ].join('\n')
    );
    expect(rule.for).toBe('15m');
    expect(rule.labels.severity).toBe('warning');
  });

  it('LLMTokenUsageSpike: _sum rate over 15m vs the 24h before, and over 1000 tokens/min', () => {
    const [rule] = prom('LLMTokenUsageSpike');
    expect(rule.expr).toBe(
      [
        '(',
        '  sum by (gen_ai_request_model) (rate(gen_ai_client_token_usage_sum[15m]))',
        '  /',
        '  (sum by (gen_ai_request_model) (rate(gen_ai_client_token_usage_sum[24h] offset 15m)) > 0)',
        '  and on (gen_ai_request_model)',
        '  (sum by (gen_ai_request_model) (rate(gen_ai_client_token_usage_sum[15m])) * 60 > 1000)',
        ') > 3',
      ].join('\n')
    );
  });

  it('every Prometheus template has exactly its documented default severity and pending period', () => {
    const expected: Record<string, Array<[string, string | undefined]>> = {
      MLHighErrorRate: [['critical', '5m']],
      MLSlowInference: [['warning', '10m']],
      MLErrorBudgetBurn: [
        ['critical', '2m'],
        ['warning', '15m'],
      ],
      MLRateLimited: [['warning', '5m']],
      MLServingOOMKilled: [['critical', undefined]],
      MLServingCPUThrottled: [['warning', '15m']],
      MLNoPredictions: [['critical', '5m']],
      MLPredictionSkew: [['warning', '15m']],
      MLConfidenceDrop: [['warning', '15m']],
      GPUStraggler: [['warning', '10m']],
      GPUIdle: [['warning', '15m']],
      GPUMemoryNearFull: [['warning', '5m']],
      GPUTemperatureHigh: [['warning', '5m']],
      GPUXidError: [['critical', undefined]],
      LLMTokenUsageSpike: [['warning', '10m']],
    };
    expect(promTemplates.map((t) => t.id).sort()).toEqual(Object.keys(expected).sort());
    for (const t of promTemplates) {
      expect([t.id, prom(t.id).map((r) => [r.labels.severity, r.for])]).toEqual([t.id, expected[t.id]]);
    }
  });
});

describe('MLFeatureDrift (Grafana-managed only)', () => {
  it('queries the mlwatch datasource with the drift query JSON and compares the score with gte', () => {
    const [rule] = render('MLFeatureDrift', { model: 'fraud' }).api;
    const a = byRef(rule.data, 'A');
    expect(a.datasourceUid).toBe('mlwatch');
    expect(a.queryType).toBe('drift');
    expect(a.relativeTimeRange).toEqual({ from: 3600, to: 0 });
    const { refId, datasource, intervalMs, maxDataPoints, ...query } = a.model;
    expect([refId, datasource, intervalMs, maxDataPoints]).toEqual([
      'A',
      { type: 'mlwatch-ml-datasource', uid: 'mlwatch' },
      1000,
      43200,
    ]);
    expect(query).toEqual({
      queryType: 'drift',
      source: 'prometheus',
      prometheus: {
        input: 'histogram',
        metric: 'ml_feature_value',
        featureLabel: 'feature',
        matchers: 'model="fraud"',
      },
      reference: { mode: 'offset', offset: '7d' },
      method: 'psi',
      format: 'numeric',
    });
    expect(threshold(rule.data)).toEqual({ type: 'gte', params: [0.1] });
    expect(rule.for).toBe('30m');
    expect(rule.labels).toEqual({ severity: 'warning', model: 'fraud' });
    expect(rule.annotations.summary).toBe(
      'Model fraud: feature {{ $labels.feature }} drifted ({{ $labels.method }} {{ $values.B.Value | printf "%.3f" }})'
    );
  });

  it('passes method, windows, metric names and extra matchers into the query', () => {
    const [rule] = render('MLFeatureDrift', {
      model: 'churn',
      method: 'jensenshannon',
      threshold: 0.2,
      window: '6h',
      referenceOffset: '30d',
      featureMetric: 'features',
      featureLabel: 'column',
      selector: 'env="prod",',
      datasourceUid: 'mlwatch-prod',
    }).api;
    const a = byRef(rule.data, 'A');
    expect(a.datasourceUid).toBe('mlwatch-prod');
    expect(a.relativeTimeRange).toEqual({ from: 21600, to: 0 });
    expect(a.model).toMatchObject({
      datasource: { uid: 'mlwatch-prod' },
      prometheus: { metric: 'features', featureLabel: 'column', matchers: 'model="churn", env="prod"' },
      reference: { offset: '30d' },
      method: 'jensenshannon',
    });
    expect(threshold(rule.data).params).toEqual([0.2]);
  });
});

describe('parameters reach every format', () => {
  const params: ParamValues = {
    threshold: 0.02,
    window: '10m',
    for: '3m',
    severity: 'warning',
    modelLabel: 'service',
    codeLabel: 'status',
    errorCodes: '5..|429',
    requestsMetric: 'http_requests_total',
    selector: 'namespace="prod"',
    team: 'ml-platform',
    runbookUrl: 'https://runbooks.example.com/ml#errors',
    datasourceUid: 'prom-eu',
    noDataState: 'NoData',
    execErrState: 'Alerting',
  };
  const r = render('MLHighErrorRate', params);

  it('into the Prometheus rule and the PrometheusRule', () => {
    for (const rule of [...r.prom, ...r.cr]) {
      expect(rule.expr).toBe(
        [
          'sum by (service) (rate(http_requests_total{status=~"5..|429", namespace="prod"}[10m]))',
          '/',
          '(sum by (service) (rate(http_requests_total{namespace="prod"}[10m])) > 0) > 0.02',
        ].join('\n')
      );
      expect(rule.for).toBe('3m');
      expect(rule.labels).toEqual({ severity: 'warning', team: 'ml-platform' });
      expect(rule.annotations.runbook_url).toBe('https://runbooks.example.com/ml#errors');
      expect(rule.annotations.summary).toBe(
        'Model {{ $labels.service }}: {{ $value | humanizePercentage }} of requests failed over the last 10m'
      );
      expect(rule.annotations.description).toContain('(threshold 2%)');
    }
  });

  it('into the Grafana rule', () => {
    const [g] = r.api;
    expect(byRef(g.data, 'A').datasourceUid).toBe('prom-eu');
    expect(byRef(g.data, 'A').model.datasource).toEqual({ type: 'prometheus', uid: 'prom-eu' });
    expect(byRef(g.data, 'A').model.expr).toContain('{status=~"5..|429", namespace="prod"}[10m]');
    expect(threshold(g.data)).toEqual({ type: 'gt', params: [0.02] });
    expect([g.for, g.noDataState, g.execErrState]).toEqual(['3m', 'NoData', 'Alerting']);
    expect(g.labels).toEqual({ severity: 'warning', team: 'ml-platform' });
    expect(g.annotations.runbook_url).toBe('https://runbooks.example.com/ml#errors');
  });

  it('escapes regular expressions for PromQL strings', () => {
    const [rule] = render('MLHighErrorRate', { errorCodes: '5\\d\\d' }).prom;
    expect(rule.expr).toContain('{code=~"5\\\\d\\\\d"}');
  });

  it('names instances in UIDs and a label', () => {
    const x = render('MLFeatureDrift', { model: 'fraud' }, 'fraud');
    expect(x.api[0].uid).toBe('mlwatch-ml-feature-drift-fraud');
    expect(x.api[0].labels).toEqual({ severity: 'warning', mlwatch_instance: 'fraud', model: 'fraud' });
    expect(x.api[0].annotations.mlwatch_template).toBe('MLFeatureDrift (fraud)');
    const y = render('GPUIdle', {}, 'gpu-notebooks-in-the-lab');
    expect(y.api[0].uid.length).toBeLessThanOrEqual(40);
    expect(y.prom[0].labels.mlwatch_instance).toBe('gpu-notebooks-in-the-lab');
  });
});
