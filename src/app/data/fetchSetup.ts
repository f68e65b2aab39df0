import { lastValueFrom } from 'rxjs';
import { getBackendSrv, getDataSourceSrv } from '@grafana/runtime';

import { DATASOURCE_TYPE } from '../../constants';
import {
  DCGM_METRIC,
  errorMessage,
  EXPECTED_ML_METRICS,
  isConfigured,
  pickDatasource,
  type DatasourceHealth,
  type ListAnswer,
  type SetupAnswers,
  type SourceStatus,
} from './sources';

async function resource<T>(uid: string, path: string): Promise<T> {
  const resp = await lastValueFrom(
    getBackendSrv().fetch<T>({ url: `/api/datasources/uid/${uid}/resources/${path}`, showErrorAlert: false })
  );
  return resp.data;
}

async function list(uid: string, path: string): Promise<ListAnswer> {
  try {
    const body = await resource<{ values?: string[]; truncated?: boolean }>(uid, path);
    return { values: body.values ?? [], truncated: body.truncated ?? false };
  } catch (e) {
    return { error: errorMessage(e) };
  }
}

const searchMetric = (name: string) => `prometheus/metrics?search=${encodeURIComponent(name)}&limit=20`;

/** Asks Grafana and the mlwatch datasources what the overview's checks need. */
export async function fetchSetup(): Promise<SetupAnswers> {
  // The replacement APIs are Grafana 13 only; the app supports 12.3 too.
  // eslint-disable-next-line @typescript-eslint/no-deprecated
  const dsList = getDataSourceSrv().getList({ pluginId: DATASOURCE_TYPE });
  const datasources: DatasourceHealth[] = await Promise.all(
    dsList.map(async (ds) => {
      try {
        const body = await resource<{ sources: SourceStatus[] }>(ds.uid, 'sources');
        return { uid: ds.uid, name: ds.name, sources: body.sources };
      } catch (e) {
        return { uid: ds.uid, name: ds.name, sources: [], error: errorMessage(e) };
      }
    })
  );
  const picked = pickDatasource(datasources);
  if (!picked) {
    return { datasources };
  }
  const answers: SetupAnswers = { datasources };
  const jobs: Array<Promise<void>> = [];
  if (isConfigured(picked, 'prometheus')) {
    const metrics: Record<string, ListAnswer> = {};
    answers.metrics = metrics;
    for (const name of EXPECTED_ML_METRICS) {
      jobs.push(list(picked.uid, searchMetric(name)).then((a) => void (metrics[name] = a)));
    }
    jobs.push(list(picked.uid, searchMetric(DCGM_METRIC)).then((a) => void (answers.dcgm = a)));
  }
  if (isConfigured(picked, 'clickhouse')) {
    jobs.push(list(picked.uid, 'traces/services?limit=5').then((a) => void (answers.traces = a)));
  }
  await Promise.all(jobs);
  return answers;
}
