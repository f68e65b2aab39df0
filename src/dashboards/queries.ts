/**
 * Queries shared by several dashboards. Prometheus queries use the metric
 * names of ARCHITECTURE.md §5 (the demo emits exactly these) and the
 * kube-prometheus-stack series of cAdvisor, the kubelet and
 * kube-state-metrics. Prometheus interpolates `$model` as a regex itself;
 * the mlwatch datasource gets `${model:regex}`.
 */
import type { MlwatchQuery } from './types';

/** Matcher of the model variable in Prometheus queries. */
export const MODEL = 'model=~"$model"';
/** The same for the mlwatch datasource. */
export const ML_MODEL = 'model=~"${model:regex}"';
/** The serving pods of the selected models: pods are named after the model's deployment. */
export const SERVING_PODS = 'namespace=~"$namespace", pod=~"($model)-.+"';
/** Containers of those pods, without the pod cgroup (container="") and the pause container. */
export const SERVING_CONTAINERS = `container!="", container!="POD", ${SERVING_PODS}`;

export const R = '$__rate_interval';

export function errorRatio(codes: string, by = 'model'): string {
  return [
    `sum by (${by}) (rate(ml_requests_total{${MODEL}, code=~"${codes}"}[${R}]))`,
    '/',
    `(sum by (${by}) (rate(ml_requests_total{${MODEL}}[${R}])) > 0)`,
  ].join('\n');
}

export function latencyQuantile(q: number, metric: string, by: string, extra = ''): string {
  const sel = extra ? `${MODEL}, ${extra}` : MODEL;
  return `histogram_quantile(${q}, sum by (${by}, le) (rate(${metric}_bucket{${sel}}[${R}])))`;
}

export function meanConfidence(window: string): string {
  return [
    `sum by (model) (rate(ml_prediction_confidence_sum{${MODEL}}[${window}]))`,
    '/',
    `(sum by (model) (rate(ml_prediction_confidence_count{${MODEL}}[${window}])) > 0)`,
  ].join('\n');
}

/** Share of correct predictions among those whose label arrived (series without confidence_bin). */
export function accuracy(window: string): string {
  return [
    `sum by (model) (rate(ml_labeled_predictions_total{${MODEL}, confidence_bin="", correct="true"}[${window}]))`,
    '/',
    `(sum by (model) (rate(ml_labeled_predictions_total{${MODEL}, confidence_bin=""}[${window}])) > 0)`,
  ].join('\n');
}

export const REFERENCE_WEEK = { mode: 'offset', offset: '7d' } as const;

/** Drift of every feature of the selected models, per step, against the same time a week earlier. */
export function driftOverTime(method = 'psi'): MlwatchQuery {
  return {
    queryType: 'drift',
    source: 'prometheus',
    prometheus: { input: 'histogram', metric: 'ml_feature_value', featureLabel: 'feature', matchers: ML_MODEL },
    reference: REFERENCE_WEEK,
    method,
    overTime: true,
    step: '30m',
    window: '1h',
    format: 'timeseries',
  };
}

/** One row per feature: drift over the whole time range. */
export function driftSummary(method = 'psi'): MlwatchQuery {
  return {
    queryType: 'drift',
    source: 'prometheus',
    prometheus: { input: 'histogram', metric: 'ml_feature_value', featureLabel: 'feature', matchers: ML_MODEL },
    reference: REFERENCE_WEEK,
    method,
    format: 'table',
  };
}

export const CONFIDENCE_DISTRIBUTION: MlwatchQuery = {
  queryType: 'distribution',
  source: 'prometheus',
  prometheus: { input: 'histogram', metric: 'ml_prediction_confidence', matchers: ML_MODEL },
  reference: REFERENCE_WEEK,
  mode: 'histogram',
};

export const CLASS_SHARES: MlwatchQuery = {
  queryType: 'distribution',
  source: 'prometheus',
  prometheus: { metric: 'ml_predictions_total', matchers: ML_MODEL },
  reference: REFERENCE_WEEK,
  mode: 'classes',
  classLabel: 'class',
};

export function gpuFleet(namespace?: string): MlwatchQuery {
  return {
    queryType: 'gpu',
    source: 'prometheus',
    gpu: {
      groupLabel: 'namespace',
      stragglerThreshold: 0.75,
      minGroupMedian: 40,
      ...(namespace ? { namespace } : {}),
    },
  };
}

export const TRACE_TABLE = { schema: 'otel', database: 'otel', table: 'otel_traces' } as const;

export function traceSearch(extra: MlwatchQuery['traces'] = {}): MlwatchQuery {
  return { queryType: 'traces', source: 'clickhouse', traces: { ...TRACE_TABLE, limit: 50, ...extra } };
}

export const ONE_TRACE: MlwatchQuery = {
  queryType: 'traces',
  source: 'clickhouse',
  traces: { ...TRACE_TABLE, traceId: '$trace_id' },
};
