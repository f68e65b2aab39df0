import type { DataSourceInstanceSettings, ScopedVars } from '@grafana/data';
import { DataSourceWithBackend, getTemplateSrv } from '@grafana/runtime';

import { DEFAULT_QUERY, type MlDataSourceOptions, type MlQuery } from './types';

export class MlDataSource extends DataSourceWithBackend<MlQuery, MlDataSourceOptions> {
  constructor(instanceSettings: DataSourceInstanceSettings<MlDataSourceOptions>) {
    super(instanceSettings);
  }

  getDefaultQuery(): Partial<MlQuery> {
    return DEFAULT_QUERY;
  }

  applyTemplateVariables(query: MlQuery, scopedVars: ScopedVars): MlQuery {
    // Every string field is interpolated; the query types bring their own
    // fields with later versions, so this walks the object generically.
    return interpolateStrings(query, (s) => getTemplateSrv().replace(s, scopedVars));
  }

  filterQuery(query: MlQuery): boolean {
    return !query.hide && Boolean(query.queryType);
  }
}

/** Returns a copy of value with replace applied to every string inside it. */
export function interpolateStrings<T>(value: T, replace: (s: string) => string): T {
  if (typeof value === 'string') {
    return replace(value) as T;
  }
  if (Array.isArray(value)) {
    return value.map((v) => interpolateStrings(v, replace)) as T;
  }
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      // refId and queryType identify the query; they are never templated.
      out[k] = k === 'refId' || k === 'queryType' ? v : interpolateStrings(v, replace);
    }
    return out as T;
  }
  return value;
}
