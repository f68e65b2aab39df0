/**
 * The data drift, prediction quality and inference traces dashboards.
 */
import {
  customVariable,
  dashboard,
  labelValuesVariable,
  ml,
  MLWATCH,
  mlwatchVariable,
  PANELS,
  pluginPanel,
  prom,
  prometheusVariable,
  promTable,
  PROMETHEUS,
  stat,
  table,
  textVariable,
  timeseries,
} from './build';
import {
  accuracy,
  CLASS_SHARES,
  CONFIDENCE_DISTRIBUTION,
  driftOverTime,
  driftSummary,
  meanConfidence,
  ML_MODEL,
  MODEL,
  ONE_TRACE,
  R,
  REFERENCE_WEEK,
  traceSearch,
} from './queries';
import type { Dashboard, Link } from './types';

const DRIFT_METHODS = ['psi', 'jensenshannon', 'wasserstein', 'hellinger', 'ks', 'chisquare'] as const;

export function dataDrift(): Dashboard {
  return dashboard({
    uid: 'mlwatch-data-drift',
    title: 'mlwatch / Data drift',
    description:
      'Drift of every input feature against the same time a week earlier, the worst features and the distribution of one feature.',
    tags: ['drift'],
    variables: [
      prometheusVariable(),
      mlwatchVariable(),
      labelValuesVariable('model', 'Model', 'label_values(ml_feature_value_bucket, model)'),
      customVariable('method', 'Method', DRIFT_METHODS),
      labelValuesVariable('feature', 'Feature', 'label_values(ml_feature_value_bucket{model=~"$model"}, feature)', {
        multi: false,
      }),
    ],
    sections: [
      {
        panels: [
          pluginPanel(PANELS.driftHeatmap, 'Drift per feature over time', MLWATCH, [ml(driftOverTime('$method'))], {
            w: 24,
            h: 11,
            threshold: 0.1,
            description:
              'One row per feature, one cell per 30 minutes: the drift score of the last hour against the same hour a week earlier.',
          }),
          table('Worst features', MLWATCH, [ml(driftSummary('$method'))], {
            w: 12,
            h: 10,
            description: 'Drift over the whole time range, worst first.',
            transformations: [{ id: 'sortBy', options: { sort: [{ field: 'score', desc: true }] } }],
          }),
          pluginPanel(
            PANELS.confidence,
            'Distribution of $feature: now vs a week ago',
            MLWATCH,
            [
              ml({
                queryType: 'distribution',
                source: 'prometheus',
                prometheus: {
                  input: 'histogram',
                  metric: 'ml_feature_value',
                  matchers: `${ML_MODEL}, feature="\${feature}"`,
                },
                reference: REFERENCE_WEEK,
                mode: 'histogram',
              }),
            ],
            { w: 12, h: 10, description: 'Bucket shares of the chosen feature in the time range and a week earlier.' }
          ),
          timeseries(
            'Mean of $feature',
            [
              prom(
                `sum by (model) (rate(ml_feature_value_sum{${MODEL}, feature="$feature"}[${R}])) / (sum by (model) (rate(ml_feature_value_count{${MODEL}, feature="$feature"}[${R}])) > 0)`,
                '{{model}} now'
              ),
              prom(
                `sum by (model) (rate(ml_feature_value_sum{${MODEL}, feature="$feature"}[${R}] offset 7d)) / (sum by (model) (rate(ml_feature_value_count{${MODEL}, feature="$feature"}[${R}] offset 7d)) > 0)`,
                '{{model}} a week ago'
              ),
            ],
            { w: 24, h: 8 }
          ),
        ],
      },
    ],
  });
}

export function predictionQuality(): Dashboard {
  return dashboard({
    uid: 'mlwatch-prediction-quality',
    title: 'mlwatch / Prediction quality',
    description: 'Confidence, class skew and, where labels arrive, accuracy and calibration of the predictions.',
    tags: ['predictions'],
    variables: [
      prometheusVariable(),
      mlwatchVariable(),
      labelValuesVariable('model', 'Model', 'label_values(ml_predictions_total, model)'),
    ],
    sections: [
      {
        panels: [
          stat('Mean confidence (1h)', [prom(meanConfidence('1h'))], { unit: 'percentunit', decimals: 1 }),
          stat(
            'Change vs the 24h before',
            [prom(`(${meanConfidence('1h')})\n-\n(${meanConfidence('24h').replace(/\[24h\]/g, '[24h] offset 1h')})`)],
            {
              unit: 'percentunit',
              decimals: 1,
              description: 'Fires MLConfidenceDrop when lower by more than 0.1.',
            }
          ),
          stat('Accuracy (labelled, 1h)', [prom(accuracy('1h'))], {
            unit: 'percentunit',
            decimals: 1,
            description: 'Only predictions whose ground-truth label has arrived.',
          }),
          stat(
            'Labelled predictions/s',
            [prom(`sum(rate(ml_labeled_predictions_total{${MODEL}, confidence_bin=""}[${R}]))`)],
            { unit: 'short' }
          ),
        ],
      },
      {
        row: 'Confidence',
        panels: [
          pluginPanel(PANELS.confidence, 'Confidence: now vs a week ago', MLWATCH, [ml(CONFIDENCE_DISTRIBUTION)], {
            w: 12,
            h: 9,
          }),
          timeseries('Mean confidence', [prom(meanConfidence(R), '{{model}}')], {
            w: 12,
            h: 9,
            unit: 'percentunit',
            min: 0,
            max: 1,
          }),
        ],
      },
      {
        row: 'Class skew',
        panels: [
          timeseries(
            'Share of each class',
            [
              prom(
                `sum by (model, class) (rate(ml_predictions_total{${MODEL}}[${R}]))\n/ on (model) group_left ()\n(sum by (model) (rate(ml_predictions_total{${MODEL}}[${R}])) > 0)`,
                '{{model}} {{class}}'
              ),
            ],
            { w: 12, h: 9, unit: 'percentunit', stack: true, min: 0, max: 1 }
          ),
          table('Class shares: now vs a week ago', MLWATCH, [ml(CLASS_SHARES)], {
            w: 12,
            h: 9,
            description: 'Share per predicted class in the time range and a week earlier.',
          }),
        ],
      },
      {
        row: 'Accuracy and calibration (when labels exist)',
        panels: [
          timeseries('Accuracy', [prom(accuracy('1h'), '{{model}}')], {
            w: 12,
            h: 9,
            unit: 'percentunit',
            min: 0,
            max: 1,
          }),
          {
            ...table(
              'Calibration: accuracy per confidence bin',
              PROMETHEUS,
              [
                promTable(
                  `sum by (confidence_bin) (increase(ml_labeled_predictions_total{${MODEL}, confidence_bin!="", correct="true"}[$__range]))\n/\n(sum by (confidence_bin) (increase(ml_labeled_predictions_total{${MODEL}, confidence_bin!=""}[$__range])) > 0)`
                ),
              ],
              {
                w: 12,
                h: 9,
                unit: 'percentunit',
                min: 0,
                max: 1,
                description:
                  'A calibrated model is right in about 85% of the predictions it makes with 0.8-0.9 confidence.',
              }
            ),
            type: 'barchart',
            options: {
              xField: 'confidence_bin',
              orientation: 'vertical',
              showValue: 'auto',
              legend: { showLegend: false, displayMode: 'list', placement: 'bottom' },
            },
          },
        ],
      },
    ],
  });
}

const openTrace = (uid: string): Link => ({
  title: 'Open trace',
  url: `/d/${uid}?\${__url_time_range}&var-trace_id=\${__value.raw}`,
});

export function inferenceTraces(): Dashboard {
  const uid = 'mlwatch-inference-traces';
  const traceLink = [
    { matcher: { id: 'byName', options: 'traceID' }, properties: [{ id: 'links', value: [openTrace(uid)] }] },
  ];
  return dashboard({
    uid,
    title: 'mlwatch / Inference traces',
    description: 'Search the inference and LLM traces in ClickHouse and open one as a waterfall.',
    tags: ['traces'],
    variables: [mlwatchVariable(), textVariable('service', 'Service'), textVariable('trace_id', 'Trace ID')],
    sections: [
      {
        panels: [
          table('Traces', MLWATCH, [ml(traceSearch({ service: '$service' }))], {
            w: 12,
            h: 10,
            description: 'The latest traces of the service (all services when empty); click a trace ID.',
            overrides: traceLink,
          }),
          table('Traces with errors', MLWATCH, [ml(traceSearch({ service: '$service', status: 'error' }))], {
            w: 12,
            h: 10,
            overrides: traceLink,
          }),
          pluginPanel(PANELS.traceWaterfall, 'Trace $trace_id', MLWATCH, [ml(ONE_TRACE)], { w: 24, h: 14 }),
        ],
      },
    ],
  });
}
