/**
 * Model-serving templates: errors, latency and the availability SLO.
 */
import { durationWords } from '../duration';
import {
  commonParameters,
  forParam,
  metricNameParam,
  n,
  numberParam,
  severityParam,
  sev,
  shorter,
  str,
  windowParam,
} from '../params';
import { by, clean, indent, matcher, num, on, selector } from '../promql';
import type { AlertTemplate, ParamProblem, ParamValues, RuleDefinition } from '../types';
import { codeLabelParam, errorCodesParam, lbl, modelLabelParam, pct, requestsMetricParam } from './common';

/** Error ratio per model over a window: errors / all, with a guard against models without traffic. */
function errorRatio(v: ParamValues, window: string): string {
  const metric = str(v, 'requestsMetric');
  const model = str(v, 'modelLabel');
  const sel = str(v, 'selector');
  const errors = selector(metric, matcher(str(v, 'codeLabel'), '=~', str(v, 'errorCodes')), sel);
  const all = selector(metric, sel);
  return [
    `sum ${by(model)} (rate(${errors}[${window}]))`,
    `/`,
    `(sum ${by(model)} (rate(${all}[${window}])) > 0)`,
  ].join('\n');
}

export const mlHighErrorRate: AlertTemplate = {
  id: 'MLHighErrorRate',
  title: 'High error rate',
  description: 'Per model, the share of requests answered with a 5xx status code is above the threshold.',
  area: 'model-serving',
  severity: 'critical',
  parameters: [
    numberParam({
      name: 'threshold',
      title: 'Error ratio threshold',
      description: 'Fires when the share of failed requests is above this ratio (0.05 = 5%).',
      default: 0.05,
      min: 0,
      max: 1,
      minExclusive: true,
      maxExclusive: true,
      unit: 'ratio',
    }),
    windowParam('window', 'Rate window', '5m', 'The window the error ratio is computed over.'),
    forParam('5m'),
    severityParam('critical'),
    requestsMetricParam(),
    modelLabelParam(),
    codeLabelParam(),
    errorCodesParam(),
    ...commonParameters({ datasourceUid: 'prometheus' }),
  ],
  rules: (v) => {
    const model = str(v, 'modelLabel');
    const threshold = n(v, 'threshold');
    const window = str(v, 'window');
    return [
      {
        name: 'MLHighErrorRate',
        severity: sev(v),
        for: str(v, 'for'),
        summary: `Model ${lbl(model)}: {{ $value | humanizePercentage }} of requests failed over the last ${window}`,
        description:
          `The share of requests to model ${lbl(model)} answered with a status code matching "${str(v, 'errorCodes')}" ` +
          `was {{ $value | humanizePercentage }} over the last ${durationWords(window)} (threshold ${pct(threshold)}).`,
        runbook: {
          meaning: 'The model server is failing requests; callers get errors instead of predictions.',
          check:
            'Look at the request rate by status code and version for this model, the server logs, recent deploys and the health of its dependencies (feature store, GPU nodes).',
          action:
            'Roll back a recent deploy or model version if errors started with it; otherwise scale out or fix the failing dependency.',
        },
        query: { kind: 'prometheus', signal: errorRatio(v, window), op: '>', threshold },
      },
    ];
  },
};

export const mlSlowInference: AlertTemplate = {
  id: 'MLSlowInference',
  title: 'Slow inference',
  description: 'Per model, the p95 request latency (from the latency histogram) is above the threshold.',
  area: 'model-serving',
  severity: 'warning',
  parameters: [
    numberParam({
      name: 'threshold',
      title: 'Latency threshold',
      description: 'Fires when the latency quantile is above this many seconds.',
      default: 1,
      min: 0,
      minExclusive: true,
      unit: 's',
    }),
    numberParam({
      name: 'quantile',
      title: 'Quantile',
      description: 'The latency quantile to watch (0.95 = p95).',
      default: 0.95,
      min: 0,
      max: 1,
      minExclusive: true,
      maxExclusive: true,
    }),
    windowParam('window', 'Rate window', '5m', 'The window the bucket rates are computed over.'),
    forParam('10m'),
    severityParam('warning'),
    metricNameParam({
      name: 'durationMetric',
      title: 'Latency histogram',
      description: 'Base name of the classic request-latency histogram in seconds (without _bucket).',
      default: 'ml_request_duration_seconds',
      histogram: true,
    }),
    modelLabelParam(),
    ...commonParameters({ datasourceUid: 'prometheus' }),
  ],
  rules: (v) => {
    const model = str(v, 'modelLabel');
    const q = n(v, 'quantile');
    const window = str(v, 'window');
    const buckets = selector(`${str(v, 'durationMetric')}_bucket`, str(v, 'selector'));
    const pName = `p${clean(q * 100)}`;
    return [
      {
        name: 'MLSlowInference',
        severity: sev(v),
        for: str(v, 'for'),
        summary: `Model ${lbl(model)}: ${pName} latency is {{ $value | humanizeDuration }}`,
        description:
          `The ${pName} latency of model ${lbl(model)} over the last ${durationWords(window)} is ` +
          `{{ $value | humanizeDuration }} (threshold ${num(n(v, 'threshold'))}s).`,
        runbook: {
          meaning: 'Requests to this model are slow; callers may time out or users wait.',
          check:
            'Compare the preprocess, inference and postprocess stage latencies, GPU utilisation and queueing, request rate and payload sizes, and recent deploys.',
          action:
            'Scale out or add GPUs if the model is saturated; roll back a slower model version; fix the slow stage shown by the stage latencies or traces.',
        },
        query: {
          kind: 'prometheus',
          signal: `histogram_quantile(${num(q)}, sum ${by(model, 'le')} (rate(${buckets}[${window}])))`,
          op: '>',
          threshold: n(v, 'threshold'),
        },
      },
    ];
  },
};

/** Multiwindow, multi-burn-rate alerts on an availability SLO (two rules). */
export const mlErrorBudgetBurn: AlertTemplate = {
  id: 'MLErrorBudgetBurn',
  title: 'Error budget burn',
  description:
    'Per model, the availability SLO error budget burns too fast: a fast burn over 1h and 5m (critical) and a slow burn over 6h and 30m (warning).',
  area: 'model-serving',
  severity: 'critical',
  parameters: [
    numberParam({
      name: 'slo',
      title: 'Availability SLO',
      description: 'Target share of successful requests in percent (99.5 leaves an error budget of 0.5%).',
      default: 99.5,
      min: 50,
      max: 100,
      maxExclusive: true,
      unit: '%',
    }),
    numberParam({
      name: 'fastBurnRate',
      title: 'Fast burn rate',
      description: 'Fast rule: fires when both windows burn the budget this many times faster than allowed.',
      default: 14.4,
      min: 1,
      unit: 'x',
    }),
    windowParam('fastLongWindow', 'Fast long window', '1h', 'Fast rule: the long window.'),
    windowParam('fastShortWindow', 'Fast short window', '5m', 'Fast rule: the short window (recovery detection).'),
    forParam('2m', 'fastFor', 'Fast pending period'),
    severityParam('critical', 'fastSeverity', 'Fast severity'),
    numberParam({
      name: 'slowBurnRate',
      title: 'Slow burn rate',
      description: 'Slow rule: fires when both windows burn the budget this many times faster than allowed.',
      default: 6,
      min: 1,
      unit: 'x',
    }),
    windowParam('slowLongWindow', 'Slow long window', '6h', 'Slow rule: the long window.'),
    windowParam('slowShortWindow', 'Slow short window', '30m', 'Slow rule: the short window.'),
    forParam('15m', 'slowFor', 'Slow pending period'),
    severityParam('warning', 'slowSeverity', 'Slow severity'),
    requestsMetricParam(),
    modelLabelParam(),
    codeLabelParam(),
    errorCodesParam(),
    ...commonParameters({ datasourceUid: 'prometheus' }),
  ],
  validate: (v) => {
    const problems: ParamProblem[] = [
      ...shorter(v, 'fastShortWindow', 'fastLongWindow'),
      ...shorter(v, 'slowShortWindow', 'slowLongWindow'),
    ];
    const budget = 1 - n(v, 'slo') / 100;
    for (const speed of ['fast', 'slow']) {
      const rate = n(v, `${speed}BurnRate`);
      if (rate * budget >= 1) {
        problems.push({
          parameter: `${speed}BurnRate`,
          message: `${rate} x the error budget (${pct(budget)}) is 100% or more errors, so the rule could never fire; lower the burn rate or raise the SLO`,
        });
      }
    }
    return problems;
  },
  rules: (v) => {
    const model = str(v, 'modelLabel');
    const slo = n(v, 'slo');
    const budget = clean(1 - slo / 100);
    const rule = (speed: 'fast' | 'slow'): RuleDefinition => {
      const rate = n(v, `${speed}BurnRate`);
      const long = str(v, `${speed}LongWindow`);
      const short = str(v, `${speed}ShortWindow`);
      const threshold = clean(rate * budget);
      return {
        name: 'MLErrorBudgetBurn',
        key: speed,
        severity: sev(v, `${speed}Severity`),
        for: str(v, `${speed}For`),
        labels: { long, short },
        summary: `Model ${lbl(model)} is burning its ${slo}% availability error budget ${num(rate)}x too fast`,
        description:
          `Model ${lbl(model)} failed {{ $value | humanizePercentage }} of requests over the last ${durationWords(long)} ` +
          `and more than ${pct(threshold)} over the last ${durationWords(short)}: ${num(rate)} times the error budget of ${pct(budget)} ` +
          `(SLO ${slo}%). At this pace the 30-day budget lasts ${budgetDays(rate)}.`,
        runbook: {
          meaning:
            speed === 'fast'
              ? 'The model is failing so many requests that the monthly error budget will be gone within days; users are affected now.'
              : 'The model has been failing more requests than its SLO allows for hours; the budget will run out before the month ends.',
          check:
            'Look at the error ratio by status code and version, the server logs and recent deploys; the MLHighErrorRate alert and the model-serving dashboard show when it started.',
          action:
            'Stop the bleeding first (roll back, shift traffic, scale out); then find the cause and decide whether to freeze risky changes until the budget recovers.',
        },
        query: {
          kind: 'prometheus',
          signal: [
            errorRatio(v, long),
            `and ${on(model)}`,
            `(`,
            `  ${indent(errorRatio(v, short))} > ${num(threshold)}`,
            `)`,
          ].join('\n'),
          op: '>',
          threshold,
        },
      };
    };
    return [rule('fast'), rule('slow')];
  },
};

/** "2.1 days" for a burn rate against a 30-day budget. */
function budgetDays(rate: number): string {
  const days = 30 / rate;
  if (days < 1) {
    return `${clean(Math.round(days * 24 * 10) / 10)} hours`;
  }
  return `${clean(Math.round(days * 10) / 10)} days`;
}
