/**
 * Drift templates: scores computed by the mlwatch datasource backend, so
 * they exist only as Grafana-managed rules.
 */
import { durationSeconds, durationWords } from '../duration';
import {
  commonParameters,
  enumParam,
  forParam,
  labelNameParam,
  labelValueParam,
  metricNameParam,
  n,
  numberParam,
  severityParam,
  sev,
  str,
  windowParam,
} from '../params';
import { matcher, num } from '../promql';
import type { AlertTemplate } from '../types';

/** Distance methods of the drift engine: drifted when score >= threshold (ARCHITECTURE.md §3). */
export const DISTANCE_METHODS = ['psi', 'wasserstein', 'jensenshannon', 'kl_div', 'hellinger', 'tvd'] as const;

export const MLWATCH_DATASOURCE_TYPE = 'mlwatch-ml-datasource';

export const mlFeatureDrift: AlertTemplate = {
  id: 'MLFeatureDrift',
  title: 'Feature drift',
  description:
    "The mlwatch datasource's drift score for any feature of a model is at or above its threshold (current window vs the same window 7 days earlier).",
  area: 'drift',
  severity: 'warning',
  grafanaOnly:
    'The drift score (PSI and other distances between two windows of a feature histogram) is computed by the mlwatch datasource backend, not by PromQL, so this template exists only as a Grafana-managed rule that queries the mlwatch datasource; it has no Prometheus rules file or PrometheusRule form.',
  parameters: [
    labelValueParam({
      name: 'model',
      title: 'Model',
      description:
        'The model whose features are compared (one rule per model; give each instance in a bundle its own instance name). Replace the example value.',
      default: 'example-model',
    }),
    numberParam({
      name: 'threshold',
      title: 'Drift score threshold',
      description: 'Fires when a feature scores at or above this (PSI 0.1 is moderate, 0.25 large drift).',
      default: 0.1,
      min: 0,
      minExclusive: true,
    }),
    enumParam({
      name: 'method',
      title: 'Method',
      description: 'Distance method of the drift engine (drifted when score >= threshold).',
      default: 'psi',
      options: DISTANCE_METHODS,
    }),
    windowParam('window', 'Current window', '1h', 'The current data: this window up to now (the query time range).'),
    windowParam(
      'referenceOffset',
      'Reference offset',
      '7d',
      'The reference: the same window shifted back by this much.'
    ),
    forParam('30m'),
    severityParam('warning'),
    metricNameParam({
      name: 'featureMetric',
      title: 'Feature histogram',
      description: 'Base name of the per-feature histogram.',
      default: 'ml_feature_value',
      histogram: true,
    }),
    labelNameParam({
      name: 'featureLabel',
      title: 'Feature label',
      description: 'The label that tells features apart.',
      default: 'feature',
    }),
    labelNameParam({
      name: 'modelLabel',
      title: 'Model label',
      description: 'The label of the feature histogram that names the model; the rule matches it and carries it.',
      default: 'model',
    }),
    ...commonParameters({ datasourceUid: 'mlwatch', datasourceTitle: 'mlwatch datasource UID' }),
  ],
  rules: (v) => {
    const model = str(v, 'model');
    const modelLabel = str(v, 'modelLabel');
    const threshold = n(v, 'threshold');
    const window = str(v, 'window');
    const offset = str(v, 'referenceOffset');
    const extra = str(v, 'selector').trim().replace(/\s*,$/, '');
    const matchers = [matcher(modelLabel, '=', model), extra].filter((m) => m !== '').join(', ');
    return [
      {
        name: 'MLFeatureDrift',
        severity: sev(v),
        for: str(v, 'for'),
        labels: { [modelLabel]: model },
        summary: `Model ${model}: feature {{ $labels.feature }} drifted ({{ $labels.method }} {{ $value | printf "%.3f" }})`,
        description:
          `The ${str(v, 'method')} drift score of feature {{ $labels.feature }} of model ${model} over the last ${durationWords(window)}, ` +
          `against the same window ${offset} earlier, is {{ $value | printf "%.3f" }} (threshold ${num(threshold)}).`,
        runbook: {
          meaning:
            'The distribution of an input feature moved away from last week: a real change in the population, a new traffic source, or a broken feature pipeline. Prediction quality may suffer.',
          check:
            'Open the drift heatmap and the feature histograms (reference vs current) for this model; check the feature pipeline, upstream schema or unit changes, and prediction skew and confidence.',
          action:
            'Fix a broken pipeline or upstream change; if the population changed, plan retraining or recalibration and confirm with delayed labels.',
        },
        query: {
          kind: 'datasource',
          datasourceType: MLWATCH_DATASOURCE_TYPE,
          relativeTimeRange: { from: durationSeconds(window), to: 0 },
          model: {
            queryType: 'drift',
            source: 'prometheus',
            prometheus: {
              input: 'histogram',
              metric: str(v, 'featureMetric'),
              featureLabel: str(v, 'featureLabel'),
              matchers,
            },
            reference: { mode: 'offset', offset },
            method: str(v, 'method'),
            format: 'numeric',
          },
          op: '>=',
          threshold,
        },
      },
    ];
  },
};
