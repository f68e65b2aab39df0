import React from 'react';
import type { AppPluginMeta, PluginConfigPageProps } from '@grafana/data';
import { LinkButton, Stack, Text } from '@grafana/ui';

import { DATASOURCE_TYPE, PLUGIN_BASE_URL } from '../../constants';

export interface AppConfigProps extends PluginConfigPageProps<AppPluginMeta<{}>> {}

const AppConfig = ({ plugin }: AppConfigProps) => (
  <Stack direction="column" gap={2}>
    <Text element="p">
      mlwatch reads its data through the mlwatch datasource. Add one, point it at your Prometheus and ClickHouse, then
      open the overview to check the setup.
    </Text>
    <Stack gap={1}>
      <LinkButton href={`/connections/datasources/edit/new?type=${DATASOURCE_TYPE}`} icon="database">
        Add an mlwatch datasource
      </LinkButton>
      <LinkButton href={PLUGIN_BASE_URL} variant="secondary" disabled={!plugin.meta.enabled}>
        Open the overview
      </LinkButton>
    </Stack>
  </Stack>
);

export default AppConfig;
