import { DataSourcePlugin } from '@grafana/data';

import { ConfigEditor } from './components/ConfigEditor';
import { QueryEditor } from './components/QueryEditor';
import { MlDataSource } from './datasource';
import type { MlDataSourceOptions, MlQuery } from './types';

export const plugin = new DataSourcePlugin<MlDataSource, MlQuery, MlDataSourceOptions>(MlDataSource)
  .setConfigEditor(ConfigEditor)
  .setQueryEditor(QueryEditor);
