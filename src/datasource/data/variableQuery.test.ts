import type { Replace } from './interpolate';
import { describeVariableQuery, migrateVariableQuery, variableRequest } from './variableQuery';

describe('variableRequest', () => {
  it('lists features of the default histogram', () => {
    expect(variableRequest({ refId: 'v', kind: 'features' }, undefined)).toEqual({
      path: 'features',
      params: { metric: 'ml_feature_value', featureLabel: 'feature', matchers: undefined, search: undefined },
    });
  });

  it('uses the datasource feature histogram and label', () => {
    expect(variableRequest({ refId: 'v', kind: 'features' }, { featureMetric: 'fv', featureLabel: 'f' }).params).toEqual({
      metric: 'fv',
      featureLabel: 'f',
      matchers: undefined,
      search: undefined,
    });
    expect(variableRequest({ refId: 'v', kind: 'models' }, { featureMetric: 'fv' }).params.metric).toBe(
      'ml_requests_total'
    );
  });

  it('maps GPU and trace kinds to their routes', () => {
    expect(variableRequest({ refId: 'v', kind: 'hosts' }, undefined)).toEqual({
      path: 'gpu/label-values',
      params: { label: 'Hostname', matchers: undefined, search: undefined },
    });
    expect(variableRequest({ refId: 'v', kind: 'namespaces' }, undefined).params.label).toBe('namespace');
    expect(variableRequest({ refId: 'v', kind: 'pods' }, undefined).params.label).toBe('pod');
    expect(variableRequest({ refId: 'v', kind: 'services', search: 'api' }, undefined)).toEqual({
      path: 'traces/services',
      params: { search: 'api' },
    });
    expect(variableRequest({ refId: 'v', kind: 'metrics' }, undefined).path).toBe('prometheus/metrics');
  });

  it('interpolates chained variables, matchers as PromQL', () => {
    const replace: Replace = (text, format) =>
      text.replace(/\$(\w+)/g, (_m, name: string) => {
        const value = name === 'model' ? ['fraud', 'churn'] : 'x';
        return format ? format(value) : String(value);
      });
    const r = variableRequest(
      { refId: 'v', kind: 'labelValues', label: 'version', metric: 'ml_requests_total', matchers: 'model=~"$model"' },
      undefined,
      replace
    );
    expect(r).toEqual({
      path: 'prometheus/label-values',
      params: { label: 'version', metric: 'ml_requests_total', matchers: 'model=~"fraud|churn"', search: undefined },
    });
  });
});

describe('migrateVariableQuery', () => {
  it('reads older string queries', () => {
    expect(migrateVariableQuery('label_values(ml_requests_total, model)')).toEqual({
      refId: 'variable',
      kind: 'labelValues',
      metric: 'ml_requests_total',
      label: 'model',
    });
    expect(migrateVariableQuery('label_values(model)')).toEqual({
      refId: 'variable',
      kind: 'labelValues',
      metric: undefined,
      label: 'model',
    });
    expect(migrateVariableQuery('features(ml_feature_value)')).toEqual({
      refId: 'variable',
      kind: 'features',
      metric: 'ml_feature_value',
      search: undefined,
    });
    expect(migrateVariableQuery('hosts()')).toEqual({
      refId: 'variable',
      kind: 'hosts',
      metric: undefined,
      search: undefined,
    });
    expect(migrateVariableQuery('gpu_')).toEqual({ refId: 'variable', kind: 'metrics', search: 'gpu_' });
  });

  it('gives a query without a kind the features kind', () => {
    expect(migrateVariableQuery(undefined)).toEqual({ refId: 'variable', kind: 'features' });
    expect(migrateVariableQuery({ refId: 'A', metric: 'm' })).toEqual({ refId: 'A', metric: 'm', kind: 'features' });
    const q = { refId: 'A', kind: 'pods' as const };
    expect(migrateVariableQuery(q)).toBe(q);
  });
});

test('describeVariableQuery says what is listed', () => {
  expect(
    describeVariableQuery({
      refId: 'v',
      kind: 'labelValues',
      metric: 'm',
      label: 'model',
      matchers: 'a="b"',
      search: 'fr',
    })
  ).toBe('Label values of m label model {a="b"} containing "fr"');
  expect(describeVariableQuery({ refId: 'v' })).toBe('Features');
});
