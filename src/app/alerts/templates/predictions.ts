/**
 * Prediction templates: silence, class-share skew and confidence drops.
 * They need no labels (ground truth) and warn early.
 */
import { durationWords } from '../duration';
import {
  commonParameters,
  forParam,
  labelNameParam,
  metricNameParam,
  n,
  numberParam,
  severityParam,
  sev,
  shorter,
  str,
  windowParam,
} from '../params';
import { by, indent, num, on, selector } from '../promql';
import type { AlertTemplate, ParamValues } from '../types';
import { lbl, modelLabelParam, predictionsMetricParam } from './common';

export const mlNoPredictions: AlertTemplate = {
  id: 'MLNoPredictions',
  title: 'No predictions',
  description: 'A model that made predictions in the hour before the last 15 minutes made none in the last 15 minutes.',
  area: 'predictions',
  severity: 'critical',
  parameters: [
    windowParam('quietWindow', 'Quiet window', '15m', 'No predictions in this window (up to now) counts as silent.'),
    windowParam(
      'lookbackWindow',
      'Lookback window',
      '1h',
      'The model must have predicted in this window, which ends where the quiet window starts.'
    ),
    numberParam({
      name: 'minPreviousPredictions',
      title: 'Minimum previous predictions',
      description:
        'Only models with more predictions than this in the lookback window are watched (0: any model that predicted at all).',
      default: 0,
      min: 0,
      integer: true,
    }),
    forParam('5m'),
    severityParam('critical'),
    predictionsMetricParam(),
    modelLabelParam(),
    ...commonParameters({ datasourceUid: 'prometheus' }),
  ],
  rules: (v) => {
    const model = str(v, 'modelLabel');
    const quiet = str(v, 'quietWindow');
    const lookback = str(v, 'lookbackWindow');
    const preds = selector(str(v, 'predictionsMetric'), str(v, 'selector'));
    return [
      {
        name: 'MLNoPredictions',
        severity: sev(v),
        for: str(v, 'for'),
        summary: `Model ${lbl(model)} made no predictions in the last ${quiet}`,
        description:
          `Model ${lbl(model)} made {{ $value | humanize }} predictions in the ${durationWords(lookback)} before ` +
          `the last ${durationWords(quiet)}, and none since.`,
        runbook: {
          meaning:
            'The model stopped serving: its pods may be down, traffic may be routed elsewhere, or an upstream pipeline stopped sending requests.',
          check:
            'Check the model pods and their restarts, the request rate and errors of the model, the scrape target (up), and the upstream producer or batch job.',
          action:
            'Restore the serving pods or routing; restart the upstream job; if the model was retired on purpose, remove its series or silence the alert.',
        },
        query: {
          kind: 'prometheus',
          signal: [
            `sum ${by(model)} (increase(${preds}[${lookback}] offset ${quiet}))`,
            `unless ${on(model)}`,
            `(sum ${by(model)} (increase(${preds}[${quiet}])) > 0)`,
          ].join('\n'),
          op: '>',
          threshold: n(v, 'minPreviousPredictions'),
        },
      },
    ];
  },
};

/**
 * Share of each class per model over a range ("[1h]", "[7d] offset 1h"):
 * class / all, guarded against models without predictions.
 */
function classShare(metric: string, model: string, cls: string, range: string): string {
  return [
    `sum ${by(model, cls)} (increase(${metric}${range}))`,
    `/ ${on(model)} group_left ()`,
    `(sum ${by(model)} (increase(${metric}${range})) > 0)`,
  ].join('\n');
}

export const mlPredictionSkew: AlertTemplate = {
  id: 'MLPredictionSkew',
  title: 'Prediction skew',
  description:
    'Per model and class, the share of predictions of that class over the last hour differs by more than 0.2 (absolute) from its share over the 7 days before.',
  area: 'predictions',
  severity: 'warning',
  parameters: [
    numberParam({
      name: 'threshold',
      title: 'Share difference',
      description: 'Fires when a class share moves by more than this (absolute, 0.2 = 20 percentage points).',
      default: 0.2,
      min: 0,
      max: 1,
      minExclusive: true,
      maxExclusive: true,
      unit: 'ratio',
    }),
    windowParam('window', 'Current window', '1h', 'Class shares now: this window up to now.'),
    windowParam(
      'referenceWindow',
      'Reference window',
      '7d',
      'Class shares before: this window, ending where the current window starts.'
    ),
    forParam('15m'),
    severityParam('warning'),
    predictionsMetricParam(),
    modelLabelParam(),
    labelNameParam({
      name: 'classLabel',
      title: 'Class label',
      description: 'The label holding the predicted class.',
      default: 'class',
    }),
    ...commonParameters({ datasourceUid: 'prometheus' }),
  ],
  validate: (v) => shorter(v, 'window', 'referenceWindow'),
  rules: (v) => {
    const model = str(v, 'modelLabel');
    const cls = str(v, 'classLabel');
    const window = str(v, 'window');
    const ref = str(v, 'referenceWindow');
    const preds = selector(str(v, 'predictionsMetric'), str(v, 'selector'));
    const cur = classShare(preds, model, cls, `[${window}]`);
    const before = classShare(preds, model, cls, `[${ref}] offset ${window}`);
    // A class missing in one window has share 0 there (a new or vanished
    // class), but only for models with predictions in both windows: a new
    // model or a silent one is not skew.
    const either = (a: string, b: string) =>
      ['(', `  ${indent(a)}`, '  or', '  (', `    ${indent(b, 4)}`, '  ) * 0', ')'].join('\n');
    const signal = [
      `abs(`,
      `  ${indent(either(cur, before))}`,
      `  -`,
      `  ${indent(either(before, cur))}`,
      `)`,
      `and ${on(model)} (sum ${by(model)} (increase(${preds}[${window}])) > 0)`,
      `and ${on(model)} (sum ${by(model)} (increase(${preds}[${ref}] offset ${window})) > 0)`,
    ].join('\n');
    return [
      {
        name: 'MLPredictionSkew',
        severity: sev(v),
        for: str(v, 'for'),
        summary: `Model ${lbl(model)}: the share of class ${lbl(cls)} moved by {{ $value | humanizePercentage }}`,
        description:
          `The share of predictions of class ${lbl(cls)} by model ${lbl(model)} over the last ${durationWords(window)} ` +
          `differs by {{ $value | humanizePercentage }} (absolute) from its share over the ${durationWords(ref)} before ` +
          `(threshold ${num(n(v, 'threshold') * 100)} percentage points).`,
        runbook: {
          meaning:
            'The model predicts one class much more or less often than it used to: the input data changed (drift, a broken feature, a new traffic source) or the model did.',
          check:
            'Compare the class shares over time on the predictions dashboard, the drift of the input features, recent model or feature-pipeline deploys, and where the traffic comes from.',
          action:
            'Fix a broken feature or upstream pipeline; roll back a new model version; if the world changed, plan retraining and confirm with delayed labels.',
        },
        query: { kind: 'prometheus', signal, op: '>', threshold: n(v, 'threshold') },
      },
    ];
  },
};

/** Mean confidence per model from the histogram's _sum and _count over a range (with offset). */
function meanConfidence(v: ParamValues, range: string): string {
  const model = str(v, 'modelLabel');
  const base = str(v, 'confidenceMetric');
  const sel = str(v, 'selector');
  return [
    `sum ${by(model)} (rate(${selector(`${base}_sum`, sel)}${range}))`,
    `/`,
    `(sum ${by(model)} (rate(${selector(`${base}_count`, sel)}${range})) > 0)`,
  ].join('\n');
}

export const mlConfidenceDrop: AlertTemplate = {
  id: 'MLConfidenceDrop',
  title: 'Confidence drop',
  description:
    'Per model, the mean prediction confidence over the last hour is lower by more than 0.1 than over the 24 hours before.',
  area: 'predictions',
  severity: 'warning',
  parameters: [
    numberParam({
      name: 'threshold',
      title: 'Drop',
      description: 'Fires when the mean confidence is lower by more than this (confidence is 0 to 1).',
      default: 0.1,
      min: 0,
      max: 1,
      minExclusive: true,
      maxExclusive: true,
    }),
    windowParam('window', 'Current window', '1h', 'Mean confidence now: this window up to now.'),
    windowParam(
      'referenceWindow',
      'Reference window',
      '24h',
      'Mean confidence before: this window, ending where the current window starts.'
    ),
    forParam('15m'),
    severityParam('warning'),
    metricNameParam({
      name: 'confidenceMetric',
      title: 'Confidence histogram',
      description: 'Base name of the prediction-confidence histogram (values 0 to 1; its _sum and _count are used).',
      default: 'ml_prediction_confidence',
      histogram: true,
    }),
    modelLabelParam(),
    ...commonParameters({ datasourceUid: 'prometheus' }),
  ],
  validate: (v) => shorter(v, 'window', 'referenceWindow'),
  rules: (v) => {
    const model = str(v, 'modelLabel');
    const window = str(v, 'window');
    const ref = str(v, 'referenceWindow');
    const signal = [
      `(`,
      `  ${indent(meanConfidence(v, `[${ref}] offset ${window}`))}`,
      `)`,
      `-`,
      `(`,
      `  ${indent(meanConfidence(v, `[${window}]`))}`,
      `)`,
    ].join('\n');
    return [
      {
        name: 'MLConfidenceDrop',
        severity: sev(v),
        for: str(v, 'for'),
        summary: `Model ${lbl(model)}: mean confidence dropped by {{ $value | printf "%.3f" }}`,
        description:
          `The mean prediction confidence of model ${lbl(model)} over the last ${durationWords(window)} is lower by ` +
          `{{ $value | printf "%.3f" }} than over the ${durationWords(ref)} before (threshold ${num(n(v, 'threshold'))}).`,
        runbook: {
          meaning:
            'The model is less sure of its predictions than yesterday: inputs moved away from what it was trained on, or a feature is broken. Accuracy often drops with it.',
          check:
            'Compare the confidence distributions (reference vs current) on the predictions dashboard, the feature drift scores, and recent model or pipeline changes.',
          action:
            'Fix broken features or pipelines; roll back a new model version; if the data changed for good, retrain and confirm with delayed labels.',
        },
        query: { kind: 'prometheus', signal, op: '>', threshold: n(v, 'threshold') },
      },
    ];
  },
};
