import React, { useState } from 'react';
import { lastValueFrom } from 'rxjs';
import type { AppPluginMeta, PluginConfigPageProps } from '@grafana/data';
import { getBackendSrv } from '@grafana/runtime';
import { Alert, Button, Field, Input, LinkButton, Stack, Text } from '@grafana/ui';

import { APP_ID, DATASOURCE_TYPE, PLUGIN_BASE_URL } from '../../constants';
import { type AppSettings, SETTING_FIELDS, settingsFromJsonData } from '../catalog/settings';

export interface AppConfigProps extends PluginConfigPageProps<AppPluginMeta<{}>> {}

const AppConfig = ({ plugin }: AppConfigProps) => {
  const [settings, setSettings] = useState<AppSettings>(() => settingsFromJsonData(plugin.meta.jsonData));
  const [saved, setSaved] = useState<{ ok: boolean; message: string }>();

  const save = async () => {
    try {
      await lastValueFrom(
        getBackendSrv().fetch({
          url: `/api/plugins/${APP_ID}/settings`,
          method: 'POST',
          data: { enabled: true, pinned: true, jsonData: settings },
          showErrorAlert: false,
        })
      );
      setSaved({ ok: true, message: 'Saved. Reload the app pages to use the new settings.' });
    } catch (e) {
      setSaved({ ok: false, message: (e as { data?: { message?: string } }).data?.message ?? 'Could not save.' });
    }
  };

  return (
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
      <Text element="h3" variant="h4">
        Defaults for alert templates
      </Text>
      <Text element="p" color="secondary">
        Datasources, folder and metric and label names that new alert rules start with.
      </Text>
      {SETTING_FIELDS.map((f) => (
        <Field key={f.key} label={f.label} description={f.description} noMargin>
          <Input
            id={`mlwatch-setting-${f.key}`}
            value={settings[f.key]}
            width={50}
            onChange={(e) => setSettings({ ...settings, [f.key]: e.currentTarget.value })}
          />
        </Field>
      ))}
      <div>
        <Button onClick={save}>Save settings</Button>
      </div>
      {saved && <Alert title={saved.message} severity={saved.ok ? 'success' : 'error'} />}
    </Stack>
  );
};

export default AppConfig;
