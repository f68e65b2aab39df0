import pluginJson from './plugin.json';

export const APP_ID = pluginJson.id;
export const PLUGIN_BASE_URL = `/a/${pluginJson.id}`;
export const DATASOURCE_TYPE = 'mlwatch-ml-datasource';

export enum ROUTES {
  Overview = 'overview',
  Alerts = 'alerts',
}

/** Where the overview's fix-it links point. */
export const DOCS = {
  metricNames: 'https://github.com/mlwatch/mlwatch/blob/main/docs/demo.md#metrics',
  dcgmExporter: 'https://docs.nvidia.com/datacenter/cloud-native/gpu-telemetry/latest/dcgm-exporter.html',
  tracesExporter: 'https://github.com/mlwatch/mlwatch/blob/main/docs/demo.md#clickhouse-and-spans',
};
