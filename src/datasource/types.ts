import type { DataSourceJsonData } from '@grafana/data';
import type { DataQuery } from '@grafana/schema';

/** Query types the backend routes on (ARCHITECTURE.md §2). */
export type MlQueryType = 'drift' | 'distribution' | 'gpu' | 'traces';

export const QUERY_TYPES: Array<{ value: MlQueryType; label: string; description: string }> = [
  { value: 'drift', label: 'Drift', description: 'Compare features between a reference and a current window' },
  { value: 'distribution', label: 'Distribution', description: 'Bins of one variable in both windows' },
  { value: 'gpu', label: 'GPU', description: 'One row per GPU with straggler analysis' },
  { value: 'traces', label: 'Traces', description: 'Search traces or open one trace' },
];

export interface MlQuery extends DataQuery {
  queryType?: MlQueryType;
}

export const DEFAULT_QUERY: Partial<MlQuery> = {
  queryType: 'drift',
};

export type PrometheusAuth = 'none' | 'basic' | 'bearer';
export type ClickHouseProtocol = 'native' | 'http';

export interface TlsOptions {
  tlsSkipVerify?: boolean;
  tlsServerName?: string;
  tlsWithCACert?: boolean;
  tlsClientAuth?: boolean;
}

export interface PrometheusOptions extends TlsOptions {
  url?: string;
  auth?: PrometheusAuth;
  basicAuthUser?: string;
  headers?: Array<{ name: string }>;
  timeoutSeconds?: number;
}

export interface ClickHouseOptions extends TlsOptions {
  host?: string;
  port?: number;
  protocol?: ClickHouseProtocol;
  secure?: boolean;
  username?: string;
  database?: string;
  timeoutSeconds?: number;
}

/** jsonData, parsed by pkg/models/settings.go. */
export interface MlDataSourceOptions extends DataSourceJsonData {
  prometheus?: PrometheusOptions;
  clickhouse?: ClickHouseOptions;
}

/** secureJsonData keys; flat because Grafana reports set secrets per key. */
export interface MlSecureJsonData {
  prometheusBasicAuthPassword?: string;
  prometheusBearerToken?: string;
  prometheusTlsCACert?: string;
  prometheusTlsClientCert?: string;
  prometheusTlsClientKey?: string;
  clickhousePassword?: string;
  clickhouseTlsCACert?: string;
  clickhouseTlsClientCert?: string;
  clickhouseTlsClientKey?: string;
  [headerValue: `prometheusHeaderValue${number}`]: string | undefined;
}

export type SecureKey = keyof MlSecureJsonData;
