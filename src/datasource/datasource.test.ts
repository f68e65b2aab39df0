import { setTemplateSrv, type TemplateSrv } from '@grafana/runtime';
import type { DataSourceInstanceSettings, ScopedVars } from '@grafana/data';

import { MlDataSource } from './datasource';
import type { MlDataSourceOptions, MlQuery } from './types';

type Format = (v: string | string[]) => string;

/** Grafana's replace for a multi-value $model with two values selected. */
beforeAll(() => {
  const values: Record<string, string | string[]> = { model: ['fraud', 'churn'], offset: '1d' };
  setTemplateSrv({
    replace: (text: string, _scoped?: ScopedVars, format?: Format) =>
      text.replace(/\$(\w+)/g, (m, name: string) => {
        const v = values[name];
        if (v === undefined) {
          return m;
        }
        return format ? format(v) : Array.isArray(v) ? v.join(',') : v;
      }),
    getVariables: () => [],
    containsTemplate: () => true,
    updateTimeRange: () => {},
  } as unknown as TemplateSrv);
});

const ds = new MlDataSource({
  id: 1,
  uid: 'ds',
  type: 'mlwatch-ml-datasource',
  name: 'mlwatch',
  access: 'proxy',
  readOnly: false,
  jsonData: { defaults: { featureMetric: 'my_features', minCount: 20 } },
  meta: {} as never,
} as unknown as DataSourceInstanceSettings<MlDataSourceOptions>);

describe('MlDataSource', () => {
  it('migrates and interpolates with escaping before a query is sent, leaving the defaults to the backend', () => {
    const legacy = {
      refId: 'A',
      queryType: 'Drift',
      matchers: 'model=~"$model"',
      offset: '$offset',
    } as unknown as MlQuery;
    expect(ds.applyTemplateVariables(legacy, {})).toEqual({
      refId: 'A',
      queryType: 'drift',
      source: 'prometheus',
      prometheus: { matchers: 'model=~"fraud|churn"' },
      reference: { offset: '1d' },
    });
  });

  it('skips hidden queries and queries without a type', () => {
    expect(ds.filterQuery({ refId: 'A', queryType: 'gpu' })).toBe(true);
    expect(ds.filterQuery({ refId: 'A', queryType: 'gpu', hide: true })).toBe(false);
    expect(ds.filterQuery({ refId: 'A' })).toBe(false);
  });

  it('describes queries for Explore history', () => {
    expect(ds.getQueryDisplayText({ refId: 'A', queryType: 'gpu' })).toBe('GPUs by namespace');
  });
});
