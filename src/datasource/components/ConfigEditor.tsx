import React, { type FormEvent } from 'react';
import { css } from '@emotion/css';
import type { DataSourcePluginOptionsEditorProps, GrafanaTheme2 } from '@grafana/data';
import {
  Button,
  Divider,
  Field,
  FieldSet,
  IconButton,
  Input,
  RadioButtonGroup,
  SecretInput,
  SecretTextArea,
  Stack,
  Switch,
  Text,
  useStyles2,
} from '@grafana/ui';

import {
  defaultClickHousePort,
  isSecretSet,
  resetSecret,
  setClickHouse,
  setPrometheus,
  setSecret,
  validateSettings,
  type Settings,
} from '../data/config';
import type { MlDataSourceOptions, MlSecureJsonData, SecureKey, TlsOptions } from '../types';

type Props = DataSourcePluginOptionsEditorProps<MlDataSourceOptions, MlSecureJsonData>;

const AUTH_OPTIONS = [
  { label: 'No authentication', value: 'none' as const },
  { label: 'Basic', value: 'basic' as const },
  { label: 'Bearer token', value: 'bearer' as const },
];

const PROTOCOL_OPTIONS = [
  { label: 'Native', value: 'native' as const },
  { label: 'HTTP', value: 'http' as const },
];

const LABEL_WIDTH = 60;

export function ConfigEditor({ options, onOptionsChange }: Props) {
  const styles = useStyles2(getStyles);
  const settings = options as Settings;
  const prom = settings.jsonData.prometheus ?? {};
  const ch = settings.jsonData.clickhouse ?? {};
  const errors = validateSettings(settings.jsonData);
  const update = (s: Settings) => onOptionsChange(s);
  const str = (e: FormEvent<HTMLInputElement | HTMLTextAreaElement>) => e.currentTarget.value;
  const num = (e: FormEvent<HTMLInputElement>) => (e.currentTarget.value === '' ? undefined : Number(e.currentTarget.value));

  const secret = (key: SecureKey, label: string, description?: string) => (
    <Field label={label} description={description}>
      <SecretInput
        id={`mlwatch-${key}`}
        aria-label={label}
        width={LABEL_WIDTH}
        isConfigured={isSecretSet(settings, key)}
        value={settings.secureJsonData?.[key] ?? ''}
        onChange={(e) => update(setSecret(settings, key, str(e)))}
        onReset={() => update(resetSecret(settings, key))}
      />
    </Field>
  );

  const pem = (key: SecureKey, label: string) => (
    <Field label={label}>
      <SecretTextArea
        id={`mlwatch-${key}`}
        aria-label={label}
        cols={60}
        rows={5}
        placeholder="-----BEGIN ..."
        isConfigured={isSecretSet(settings, key)}
        value={settings.secureJsonData?.[key] ?? ''}
        onChange={(e) => update(setSecret(settings, key, str(e)))}
        onReset={() => update(resetSecret(settings, key))}
      />
    </Field>
  );

  const tls = (
    prefix: 'prometheus' | 'clickhouse',
    t: TlsOptions,
    set: (patch: Partial<TlsOptions>) => Settings
  ) => (
    <>
      <Field label="Skip TLS certificate verification" description="Only for testing: the connection is not protected against impostors.">
        <Switch
          id={`mlwatch-${prefix}-skip-verify`}
          value={Boolean(t.tlsSkipVerify)}
          onChange={(e) => update(set({ tlsSkipVerify: e.currentTarget.checked }))}
        />
      </Field>
      <Field label="With CA certificate" description="Verify the server with your own certificate authority.">
        <Switch
          id={`mlwatch-${prefix}-with-ca`}
          value={Boolean(t.tlsWithCACert)}
          onChange={(e) => update(set({ tlsWithCACert: e.currentTarget.checked }))}
        />
      </Field>
      {t.tlsWithCACert && pem(`${prefix}TlsCACert`, 'CA certificate')}
      <Field label="TLS client authentication" description="Present a client certificate to the server.">
        <Switch
          id={`mlwatch-${prefix}-client-auth`}
          value={Boolean(t.tlsClientAuth)}
          onChange={(e) => update(set({ tlsClientAuth: e.currentTarget.checked }))}
        />
      </Field>
      {t.tlsClientAuth && (
        <>
          {pem(`${prefix}TlsClientCert`, 'Client certificate')}
          {pem(`${prefix}TlsClientKey`, 'Client key')}
        </>
      )}
      <Field label="TLS server name" description="Optional: the name in the server certificate, when it differs from the host.">
        <Input
          id={`mlwatch-${prefix}-server-name`}
          width={LABEL_WIDTH}
          value={t.tlsServerName ?? ''}
          onChange={(e) => update(set({ tlsServerName: str(e) }))}
        />
      </Field>
    </>
  );

  const headers = prom.headers ?? [];

  return (
    <div className={styles.root}>
      <Text element="p" color="secondary">
        mlwatch reads metrics from a Prometheus-compatible server and traces or tables from ClickHouse. Configure
        either or both; &quot;Save &amp; test&quot; checks each one.
      </Text>

      <FieldSet label="Prometheus">
        <Field
          label="URL"
          description="Prometheus, Thanos, Mimir or VictoriaMetrics API root, for example http://prometheus:9090"
          invalid={Boolean(errors['prometheus.url'])}
          error={errors['prometheus.url']}
        >
          <Input
            id="mlwatch-prometheus-url"
            width={LABEL_WIDTH}
            placeholder="http://prometheus:9090"
            value={prom.url ?? ''}
            onChange={(e) => update(setPrometheus(settings, { url: str(e) }))}
          />
        </Field>
        <Field label="Authentication">
          <RadioButtonGroup
            options={AUTH_OPTIONS}
            value={prom.auth ?? 'none'}
            onChange={(auth) => update(setPrometheus(settings, { auth }))}
          />
        </Field>
        {prom.auth === 'basic' && (
          <>
            <Field label="User" invalid={Boolean(errors['prometheus.basicAuthUser'])} error={errors['prometheus.basicAuthUser']}>
              <Input
                id="mlwatch-prometheus-user"
                width={LABEL_WIDTH}
                value={prom.basicAuthUser ?? ''}
                onChange={(e) => update(setPrometheus(settings, { basicAuthUser: str(e) }))}
              />
            </Field>
            {secret('prometheusBasicAuthPassword', 'Password')}
          </>
        )}
        {prom.auth === 'bearer' && secret('prometheusBearerToken', 'Token', 'Sent as "Authorization: Bearer <token>"')}
        {tls('prometheus', prom, (patch) => setPrometheus(settings, patch))}
        <Field label="Custom headers" description="Sent with every request, for example X-Scope-OrgID for Mimir tenants. Values are stored encrypted.">
          <Stack direction="column" gap={1}>
            {headers.map((h, i) => {
              const key = `prometheusHeaderValue${i + 1}` as SecureKey;
              return (
                <Stack key={i} gap={1} alignItems="center">
                  <Input
                    aria-label={`Header ${i + 1} name`}
                    width={25}
                    placeholder="Header name"
                    value={h.name}
                    onChange={(e) => {
                      const next = headers.map((x, j) => (j === i ? { name: str(e) } : x));
                      update(setPrometheus(settings, { headers: next }));
                    }}
                  />
                  <SecretInput
                    aria-label={`Header ${i + 1} value`}
                    width={34}
                    placeholder="Value"
                    isConfigured={isSecretSet(settings, key)}
                    value={settings.secureJsonData?.[key] ?? ''}
                    onChange={(e) => update(setSecret(settings, key, str(e)))}
                    onReset={() => update(resetSecret(settings, key))}
                  />
                  {i === headers.length - 1 && (
                    <IconButton
                      name="trash-alt"
                      tooltip="Remove header"
                      onClick={() => update(resetSecret(setPrometheus(settings, { headers: headers.slice(0, -1) }), key))}
                    />
                  )}
                </Stack>
              );
            })}
            <div>
              <Button
                variant="secondary"
                size="sm"
                icon="plus"
                onClick={() => update(setPrometheus(settings, { headers: [...headers, { name: '' }] }))}
              >
                Add header
              </Button>
            </div>
          </Stack>
        </Field>
        <Field
          label="Timeout (seconds)"
          invalid={Boolean(errors['prometheus.timeoutSeconds'])}
          error={errors['prometheus.timeoutSeconds']}
        >
          <Input
            id="mlwatch-prometheus-timeout"
            type="number"
            width={20}
            placeholder="30"
            value={prom.timeoutSeconds ?? ''}
            onChange={(e) => update(setPrometheus(settings, { timeoutSeconds: num(e) }))}
          />
        </Field>
      </FieldSet>

      <Divider />

      <FieldSet label="ClickHouse">
        <Field
          label="Host"
          description="Host name or address only; set the port and protocol below."
          invalid={Boolean(errors['clickhouse.host'])}
          error={errors['clickhouse.host']}
        >
          <Input
            id="mlwatch-clickhouse-host"
            width={LABEL_WIDTH}
            placeholder="clickhouse"
            value={ch.host ?? ''}
            onChange={(e) => update(setClickHouse(settings, { host: str(e) }))}
          />
        </Field>
        <Field label="Protocol">
          <RadioButtonGroup
            options={PROTOCOL_OPTIONS}
            value={ch.protocol ?? 'native'}
            onChange={(protocol) => update(setClickHouse(settings, { protocol }))}
          />
        </Field>
        <Field label="Port" invalid={Boolean(errors['clickhouse.port'])} error={errors['clickhouse.port']}>
          <Input
            id="mlwatch-clickhouse-port"
            type="number"
            width={20}
            placeholder={String(defaultClickHousePort(ch.protocol, ch.secure))}
            value={ch.port ?? ''}
            onChange={(e) => update(setClickHouse(settings, { port: num(e) }))}
          />
        </Field>
        <Field label="TLS" description="Connect with TLS (native port 9440, HTTPS port 8443 by default).">
          <Switch
            id="mlwatch-clickhouse-secure"
            value={Boolean(ch.secure)}
            onChange={(e) => update(setClickHouse(settings, { secure: e.currentTarget.checked }))}
          />
        </Field>
        {ch.secure && tls('clickhouse', ch, (patch) => setClickHouse(settings, patch))}
        <Field label="User">
          <Input
            id="mlwatch-clickhouse-user"
            width={LABEL_WIDTH}
            placeholder="default"
            value={ch.username ?? ''}
            onChange={(e) => update(setClickHouse(settings, { username: str(e) }))}
          />
        </Field>
        {secret('clickhousePassword', 'Password')}
        <Field label="Database">
          <Input
            id="mlwatch-clickhouse-database"
            width={LABEL_WIDTH}
            placeholder="default"
            value={ch.database ?? ''}
            onChange={(e) => update(setClickHouse(settings, { database: str(e) }))}
          />
        </Field>
        <Field
          label="Timeout (seconds)"
          invalid={Boolean(errors['clickhouse.timeoutSeconds'])}
          error={errors['clickhouse.timeoutSeconds']}
        >
          <Input
            id="mlwatch-clickhouse-timeout"
            type="number"
            width={20}
            placeholder="30"
            value={ch.timeoutSeconds ?? ''}
            onChange={(e) => update(setClickHouse(settings, { timeoutSeconds: num(e) }))}
          />
        </Field>
      </FieldSet>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  root: css({
    maxWidth: theme.spacing(100),
  }),
});
