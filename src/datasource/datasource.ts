import type {
  CoreApp,
  DataQueryRequest,
  DataQueryResponse,
  DataSourceInstanceSettings,
  ScopedVars,
  TimeRange,
} from '@grafana/data';
import { DataSourceWithBackend, getTemplateSrv } from '@grafana/runtime';
import { map, type Observable } from 'rxjs';

import { interpolateQuery, type FormatFn, type Replace } from './data/interpolate';
import { migrateQuery } from './data/migrate';
import {
  cleanParams,
  parseList,
  ResourceError,
  toResourceError,
  type ListParams,
  type ResourceList,
} from './data/resources';
import { queryDisplayText, withPreferredVisualisation } from './data/summary';
import { DEFAULT_QUERY, type MlDataSourceOptions, type MlQuery, type QueryDefaults } from './types';
import { MlVariableSupport } from './variables';

export class MlDataSource extends DataSourceWithBackend<MlQuery, MlDataSourceOptions> {
  /** jsonData.defaults: shown as placeholders, applied by the backend. */
  readonly defaults: QueryDefaults;
  /** Whether each resource route exists in this backend, asked once. */
  private readonly routes = new Map<string, Promise<boolean>>();

  constructor(instanceSettings: DataSourceInstanceSettings<MlDataSourceOptions>) {
    super(instanceSettings);
    this.defaults = instanceSettings.jsonData?.defaults ?? {};
    this.variables = new MlVariableSupport(this);
  }

  getDefaultQuery(_app: CoreApp): Partial<MlQuery> {
    return DEFAULT_QUERY;
  }

  /**
   * Older saved shapes are migrated, then every text field is interpolated
   * with the escaping its position needs (data/interpolate.ts). Empty fields
   * stay empty: the backend fills them from jsonData.defaults, as it does
   * for alert rules.
   */
  applyTemplateVariables(query: MlQuery, scopedVars: ScopedVars): MlQuery {
    return interpolateQuery(migrateQuery(query), this.replacer(scopedVars));
  }

  filterQuery(query: MlQuery): boolean {
    return !query.hide && Boolean(migrateQuery(query).queryType);
  }

  /**
   * The backend's frames unchanged, plus a visualisation hint for frames
   * without one (so Explore shows the drift table as a table and the
   * over-time series as a graph; trace frames keep "trace").
   */
  query(request: DataQueryRequest<MlQuery>): Observable<DataQueryResponse> {
    return super.query(request).pipe(map((resp) => ({ ...resp, data: withPreferredVisualisation(resp.data ?? []) })));
  }

  getQueryDisplayText(query: MlQuery): string {
    return queryDisplayText(migrateQuery(query));
  }

  replacer(scopedVars?: ScopedVars): Replace {
    return (text: string, format?: FormatFn) => getTemplateSrv().replace(text, scopedVars, format);
  }

  /**
   * Loads a list from a resource route, looking at the given time range.
   * Throws ResourceError: "unavailable" when the route does not exist in
   * this backend, "error" with the backend's message otherwise.
   */
  async listResource(path: string, params: ListParams = {}, range?: TimeRange): Promise<ResourceList> {
    const all: ListParams = { ...params };
    if (range) {
      all.from = range.from.valueOf();
      all.to = range.to.valueOf();
    }
    let body: unknown;
    try {
      body = await this.getResource(path, cleanParams(all), { showErrorAlert: false });
    } catch (e) {
      const err = toResourceError(e);
      if (err.kind === 'unavailable') {
        this.routes.set(path, Promise.resolve(false));
      }
      throw err;
    }
    return parseList(body);
  }

  /**
   * Whether a route exists (asked once per route with limit=1): a 404 means
   * the backend has no such route, any other answer means it does (a 400
   * for a missing parameter included).
   */
  routeAvailable(path: string): Promise<boolean> {
    let known = this.routes.get(path);
    if (!known) {
      known = this.getResource(path, { limit: 1 }, { showErrorAlert: false }).then(
        () => true,
        (e) => toResourceError(e).kind !== 'unavailable'
      );
      this.routes.set(path, known);
    }
    return known;
  }
}

export { ResourceError };
