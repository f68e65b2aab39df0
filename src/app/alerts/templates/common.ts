/**
 * Shared pieces of the template definitions: metric and label parameters of
 * ARCHITECTURE.md §5 and wording helpers.
 */
import { labelNameParam, metricNameParam, regexParam } from '../params';
import { clean } from '../promql';
import type { LabelNameParam, MetricNameParam, RegexParam } from '../types';

export const modelLabelParam = (def = 'model'): LabelNameParam =>
  labelNameParam({
    name: 'modelLabel',
    title: 'Model label',
    description: 'The label that names the model; the alert fires once per value.',
    default: def,
  });

export const requestsMetricParam = (): MetricNameParam =>
  metricNameParam({
    name: 'requestsMetric',
    title: 'Requests counter',
    description: 'Counter of requests with an HTTP status code label.',
    default: 'ml_requests_total',
  });

export const codeLabelParam = (): LabelNameParam =>
  labelNameParam({
    name: 'codeLabel',
    title: 'Status code label',
    description: 'The label holding the HTTP status code.',
    default: 'code',
  });

export const errorCodesParam = (): RegexParam =>
  regexParam({
    name: 'errorCodes',
    title: 'Error codes (regex)',
    description: 'Status codes that count as errors, as a regular expression on the code label.',
    default: '5..',
  });

export const predictionsMetricParam = (): MetricNameParam =>
  metricNameParam({
    name: 'predictionsMetric',
    title: 'Predictions counter',
    description: 'Counter of predictions with a class label.',
    default: 'ml_predictions_total',
  });

export const gpuUtilMetricParam = (): MetricNameParam =>
  metricNameParam({
    name: 'utilMetric',
    title: 'GPU utilisation metric',
    description: 'dcgm-exporter gauge of GPU utilisation in percent.',
    default: 'DCGM_FI_DEV_GPU_UTIL',
  });

/** 0.05 -> "5%", 0.995 -> "99.5%". */
export function pct(ratio: number): string {
  return `${clean(ratio * 100)}%`;
}

/** Text for a GPU in annotations; dcgm-exporter names the host label Hostname (<= 4.5) or hostname (newer). */
export const GPU_TEXT = 'GPU {{ $labels.gpu }} ({{ $labels.UUID }}) on {{ $labels.Hostname }}{{ $labels.hostname }}';

/** " (pod x)" when the series has a pod label. */
export const POD_TEXT = '{{ with $labels.pod }} (pod {{ . }}){{ end }}';

/** `{{ $labels.x }}` */
export function lbl(name: string): string {
  return `{{ $labels.${name} }}`;
}
