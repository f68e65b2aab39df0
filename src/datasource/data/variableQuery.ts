import type { MlVariableQuery, QueryDefaults, VariableKind } from '../types';
import { metricName, REQUESTS_METRIC, resolveDefaults } from './defaults';
import { interpolatePromQL, type Replace } from './interpolate';
import { ROUTES, type ListParams } from './resources';

export const VARIABLE_KINDS: Array<{ value: VariableKind; label: string; description: string }> = [
  { value: 'features', label: 'Features', description: 'Feature names of a histogram (the feature label)' },
  { value: 'models', label: 'Models', description: 'Values of the model label on the requests counter' },
  { value: 'hosts', label: 'GPU hosts', description: 'Hosts seen on DCGM GPU metrics' },
  { value: 'namespaces', label: 'GPU namespaces', description: 'Kubernetes namespaces seen on DCGM GPU metrics' },
  { value: 'pods', label: 'GPU pods', description: 'Pods seen on DCGM GPU metrics' },
  { value: 'services', label: 'Trace services', description: 'Service names in the ClickHouse span table' },
  { value: 'metrics', label: 'Metric names', description: 'Prometheus metric names' },
  { value: 'labelValues', label: 'Label values', description: 'Values of any label, optionally on one metric' },
];

export interface VariableRequest {
  path: string;
  params: ListParams;
}

/**
 * The resource call behind a variable query. Text fields may hold other
 * variables (chained variables), interpolated here: matchers as PromQL.
 */
export function variableRequest(
  q: MlVariableQuery,
  defaults: QueryDefaults | undefined,
  replace: Replace = (s) => s
): VariableRequest {
  const plain = (s: string | undefined) => (s ? replace(s, (v) => (Array.isArray(v) ? v.join(',') : v)) : undefined);
  const matchers = q.matchers ? interpolatePromQL(q.matchers, replace) : undefined;
  const search = plain(q.search);
  switch (q.kind ?? 'features') {
    case 'features':
      return {
        path: ROUTES.features,
        params: {
          metric: plain(q.metric) || metricName(defaults, 'featureMetric'),
          featureLabel: plain(q.featureLabel) || resolveDefaults(defaults).featureLabel,
          matchers,
          search,
        },
      };
    case 'models':
      return {
        path: ROUTES.labelValues,
        params: {
          label: plain(q.label) || 'model',
          metric: plain(q.metric) || REQUESTS_METRIC,
          matchers,
          search,
        },
      };
    case 'hosts':
      return { path: ROUTES.gpuLabelValues, params: { label: plain(q.label) || 'Hostname', matchers, search } };
    case 'namespaces':
      return { path: ROUTES.gpuLabelValues, params: { label: 'namespace', matchers, search } };
    case 'pods':
      return { path: ROUTES.gpuLabelValues, params: { label: 'pod', matchers, search } };
    case 'services':
      return { path: ROUTES.traceServices, params: { search } };
    case 'metrics':
      return { path: ROUTES.metrics, params: { matchers, search } };
    case 'labelValues':
      return { path: ROUTES.labelValues, params: { label: plain(q.label), metric: plain(q.metric), matchers, search } };
  }
}

/** One line for the variable list in dashboard settings. */
export function describeVariableQuery(q: MlVariableQuery): string {
  const kind = VARIABLE_KINDS.find((k) => k.value === (q.kind ?? 'features'));
  const parts = [kind?.label ?? String(q.kind)];
  if (q.metric) {
    parts.push(`of ${q.metric}`);
  }
  if (q.label && (q.kind === 'labelValues' || q.kind === 'hosts' || q.kind === 'models')) {
    parts.push(`label ${q.label}`);
  }
  if (q.matchers) {
    parts.push(`{${q.matchers}}`);
  }
  if (q.search) {
    parts.push(`containing "${q.search}"`);
  }
  return parts.join(' ');
}

/**
 * Older variable queries: a plain string (as Grafana stores a query for a
 * datasource without a variable editor) such as "features(ml_feature_value)"
 * or "label_values(ml_requests_total, model)".
 */
export function migrateVariableQuery(q: MlVariableQuery | string | undefined, refId = 'variable'): MlVariableQuery {
  if (q === undefined || q === null) {
    return { refId, kind: 'features' };
  }
  if (typeof q !== 'string') {
    return q.kind ? q : { ...q, kind: 'features' };
  }
  const s = q.trim();
  let m = /^label_values\(\s*(?:([a-zA-Z_:][\w:]*)\s*,\s*)?([a-zA-Z_]\w*)\s*\)$/.exec(s);
  if (m) {
    return { refId, kind: 'labelValues', metric: m[1], label: m[2] };
  }
  m = /^(features|models|hosts|namespaces|pods|services|metrics)\(\s*([^)]*)\)$/.exec(s);
  if (m) {
    const arg = m[2].trim() || undefined;
    return {
      refId,
      kind: m[1] as VariableKind,
      metric: m[1] === 'features' || m[1] === 'models' ? arg : undefined,
      search: m[1] === 'metrics' ? arg : undefined,
    };
  }
  return { refId, kind: 'metrics', search: s || undefined };
}
