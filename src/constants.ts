import pluginJson from './plugin.json';

export const APP_ID = pluginJson.id;
export const PLUGIN_BASE_URL = `/a/${pluginJson.id}`;
export const DATASOURCE_TYPE = 'mlwatch-ml-datasource';

export enum ROUTES {
  Overview = 'overview',
  Alerts = 'alerts',
}
