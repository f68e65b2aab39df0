import {
  createDataFrame,
  CustomVariableSupport,
  FieldType,
  type DataQueryRequest,
  type DataQueryResponse,
} from '@grafana/data';
import { from, type Observable } from 'rxjs';

import { VariableQueryEditor } from './components/VariableQueryEditor';
import { migrateVariableQuery, variableRequest } from './data/variableQuery';
import type { MlDataSource } from './datasource';
import type { MlVariableQuery } from './types';

/**
 * Template variables (features, models, hosts, namespaces, pods, services,
 * metric names, label values) from the resource routes. CustomVariableSupport
 * because the values come from resource calls, not from QueryData: the
 * backend needs no variable query type, and Grafana 12.3+ and 13 run it the
 * same way (a frame with "text" and "value" fields).
 */
export class MlVariableSupport extends CustomVariableSupport<MlDataSource, MlVariableQuery> {
  editor = VariableQueryEditor;

  constructor(private readonly datasource: MlDataSource) {
    super();
  }

  query(request: DataQueryRequest<MlVariableQuery>): Observable<DataQueryResponse> {
    return from(this.run(request));
  }

  private async run(request: DataQueryRequest<MlVariableQuery>): Promise<DataQueryResponse> {
    const query = migrateVariableQuery(request.targets[0] as MlVariableQuery | string | undefined);
    const { path, params } = variableRequest(
      query,
      this.datasource.defaults,
      this.datasource.replacer(request.scopedVars)
    );
    try {
      const list = await this.datasource.listResource(path, params, request.range);
      const values = list.items.map((i) => i.value);
      return {
        data: [
          createDataFrame({
            refId: query.refId,
            fields: [
              { name: 'text', type: FieldType.string, values },
              { name: 'value', type: FieldType.string, values },
            ],
            meta: list.truncated
              ? {
                  notices: [
                    {
                      severity: 'warning',
                      text: `Only the first ${values.length} values are listed; narrow the search.`,
                    },
                  ],
                }
              : undefined,
          }),
        ],
      };
    } catch (e) {
      return { data: [], errors: [{ message: (e as Error).message }] };
    }
  }
}
