import React, { type FormEvent } from 'react';
import { css } from '@emotion/css';
import type { DataSourcePluginOptionsEditorProps, GrafanaTheme2 } from '@grafana/data';
import {
  Button,
  Divider,
  Field,
  IconButton,
  Input,
  RadioButtonGroup,
  SecretInput,
  SecretTextArea,
  Stack,
  Switch,
  Text,
  TextLink,
  useStyles2,
} from '@grafana/ui';

import {
  defaultClickHousePort,
  isSecretSet,
  resetSecret,
  setClickHouse,
  setDefaults,
  setMetricName,
  setPrometheus,
  setSecret,
  validateSettings,
  type Settings,
} from '../data/config';
import {
  BUILTIN_GPU_GROUP_LABEL,
  BUILTIN_METRICS,
  BUILTIN_STRAGGLER_THRESHOLD,
  BUILTIN_TRACE_LIMIT,
  METRIC_LABELS,
  TRACE_SCHEMA_TABLES,
} from '../data/defaults';
import type { MetricNames, MlDataSourceOptions, MlSecureJsonData, SecureKey, TlsOptions, TraceSchema } from '../types';
import { ConfigSection, ConfigSubSection } from './config/ConfigSection';

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

const SCHEMA_OPTIONS: Array<{ label: string; value: TraceSchema; description: string }> = [
  {
    label: TRACE_SCHEMA_TABLES.otel.label,
    value: 'otel',
    description: 'otel_traces, written by the OpenTelemetry collector ClickHouse exporter',
  },
  {
    label: TRACE_SCHEMA_TABLES.signoz.label,
    value: 'signoz',
    description: 'signoz_traces.distributed_signoz_index_v3',
  },
];

const DOCS_URL = 'https://github.com/mlwatch/mlwatch#datasource-settings';
const INPUT_WIDTH = 60;

export function ConfigEditor({ options, onOptionsChange }: Props) {
  const styles = useStyles2(getStyles);
  const settings = options as Settings;
  const prom = settings.jsonData.prometheus ?? {};
  const ch = settings.jsonData.clickhouse ?? {};
  const defaults = settings.jsonData.defaults ?? {};
  const errors = validateSettings(settings.jsonData);
  const update = (s: Settings) => onOptionsChange(s);
  const str = (e: FormEvent<HTMLInputElement | HTMLTextAreaElement>) => e.currentTarget.value;
  const num = (e: FormEvent<HTMLInputElement>) =>
    e.currentTarget.value === '' ? undefined : Number(e.currentTarget.value);
  const err = (key: string) => ({ invalid: Boolean(errors[key]), error: errors[key] });

  const secret = (key: SecureKey, label: string, description?: string) => (
    <Field label={label} description={description}>
      <SecretInput
        id={`mlwatch-${key}`}
        aria-label={label}
        width={INPUT_WIDTH}
        isConfigured={isSecretSet(settings, key)}
        value={settings.secureJsonData?.[key] ?? ''}
        onChange={(e) => update(setSecret(settings, key, str(e)))}
        onReset={() => update(resetSecret(settings, key))}
      />
    </Field>
  );

  const pem = (key: SecureKey, label: string) => (
    <Field label={label} description="PEM text, starting with -----BEGIN">
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

  const tls = (prefix: 'prometheus' | 'clickhouse', t: TlsOptions, set: (patch: Partial<TlsOptions>) => Settings) => (
    <>
      <Field
        label="Skip TLS certificate verification"
        description="Only for testing: the connection is not protected against impostors."
      >
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
      <Field
        label="TLS server name"
        description="Optional: the name in the server certificate, when it differs from the host."
      >
        <Input
          id={`mlwatch-${prefix}-server-name`}
          width={INPUT_WIDTH}
          value={t.tlsServerName ?? ''}
          onChange={(e) => update(set({ tlsServerName: str(e) }))}
        />
      </Field>
    </>
  );

  const headers = prom.headers ?? [];
  const tlsSet = (t: TlsOptions) => Boolean(t.tlsSkipVerify || t.tlsWithCACert || t.tlsClientAuth || t.tlsServerName);
  const schema = defaults.traceSchema ?? 'otel';
  const schemaTables = TRACE_SCHEMA_TABLES[schema];
  const defaultsSet = Object.keys(defaults).length > 0;

  return (
    <div className={styles.root}>
      <Text element="p" color="secondary">
        mlwatch reads metrics from a Prometheus-compatible server and traces or tables from ClickHouse. Configure either
        or both; &quot;Save &amp; test&quot; checks each one. Secrets are stored encrypted and never shown again.{' '}
        <TextLink href={DOCS_URL} external>
          Settings explained
        </TextLink>
      </Text>

      <Divider />

      <ConfigSection
        title="Prometheus"
        description="Drift and distributions over histograms, GPU straggler analysis over DCGM metrics."
        data-testid="mlwatch-config-prometheus"
      >
        <Field
          label="URL"
          description="Prometheus, Thanos, Mimir or VictoriaMetrics API root, for example http://prometheus:9090"
          {...err('prometheus.url')}
        >
          <Input
            id="mlwatch-prometheus-url"
            width={INPUT_WIDTH}
            placeholder="http://prometheus:9090"
            value={prom.url ?? ''}
            onChange={(e) => update(setPrometheus(settings, { url: str(e) }))}
          />
        </Field>
        <Field label="Timeout (seconds)" {...err('prometheus.timeoutSeconds')}>
          <Input
            id="mlwatch-prometheus-timeout"
            type="number"
            width={20}
            placeholder="30"
            value={prom.timeoutSeconds ?? ''}
            onChange={(e) => update(setPrometheus(settings, { timeoutSeconds: num(e) }))}
          />
        </Field>

        <ConfigSubSection title="Authentication" className={styles.subSection}>
          <Field label="Authentication method">
            <RadioButtonGroup
              id="mlwatch-prometheus-auth"
              options={AUTH_OPTIONS}
              value={prom.auth ?? 'none'}
              onChange={(auth) => update(setPrometheus(settings, { auth }))}
            />
          </Field>
          {prom.auth === 'basic' && (
            <>
              <Field label="User" {...err('prometheus.basicAuthUser')}>
                <Input
                  id="mlwatch-prometheus-user"
                  width={INPUT_WIDTH}
                  value={prom.basicAuthUser ?? ''}
                  onChange={(e) => update(setPrometheus(settings, { basicAuthUser: str(e) }))}
                />
              </Field>
              {secret('prometheusBasicAuthPassword', 'Password')}
            </>
          )}
          {prom.auth === 'bearer' &&
            secret('prometheusBearerToken', 'Token', 'Sent as "Authorization: Bearer <token>"')}
        </ConfigSubSection>

        <ConfigSubSection
          title="TLS"
          description="Certificates for servers with a private certificate authority or client certificates."
          isCollapsible
          isInitiallyOpen={tlsSet(prom)}
          className={styles.subSection}
        >
          {tls('prometheus', prom, (patch) => setPrometheus(settings, patch))}
        </ConfigSubSection>

        <ConfigSubSection
          title="Custom HTTP headers"
          description="Sent with every request, for example X-Scope-OrgID for Mimir tenants. Values are stored encrypted."
          isCollapsible
          isInitiallyOpen={headers.length > 0}
          className={styles.subSection}
        >
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
                      onClick={() =>
                        update(resetSecret(setPrometheus(settings, { headers: headers.slice(0, -1) }), key))
                      }
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
        </ConfigSubSection>
      </ConfigSection>

      <Divider />

      <ConfigSection
        title="ClickHouse"
        description="Traces and tables: drift against a training set, span search and trace views."
        data-testid="mlwatch-config-clickhouse"
      >
        <Field
          label="Host"
          description="Host name or address only; set the port and protocol below."
          {...err('clickhouse.host')}
        >
          <Input
            id="mlwatch-clickhouse-host"
            width={INPUT_WIDTH}
            placeholder="clickhouse"
            value={ch.host ?? ''}
            onChange={(e) => update(setClickHouse(settings, { host: str(e) }))}
          />
        </Field>
        <Field label="Protocol">
          <RadioButtonGroup
            id="mlwatch-clickhouse-protocol"
            options={PROTOCOL_OPTIONS}
            value={ch.protocol ?? 'native'}
            onChange={(protocol) => update(setClickHouse(settings, { protocol }))}
          />
        </Field>
        <Field label="Port" description="Empty: the protocol's default." {...err('clickhouse.port')}>
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
        {ch.secure && (
          <ConfigSubSection
            title="TLS settings"
            isCollapsible
            isInitiallyOpen={tlsSet(ch)}
            className={styles.subSection}
          >
            {tls('clickhouse', ch, (patch) => setClickHouse(settings, patch))}
          </ConfigSubSection>
        )}
        <Field label="User">
          <Input
            id="mlwatch-clickhouse-user"
            width={INPUT_WIDTH}
            placeholder="default"
            value={ch.username ?? ''}
            onChange={(e) => update(setClickHouse(settings, { username: str(e) }))}
          />
        </Field>
        {secret('clickhousePassword', 'Password')}
        <Field label="Database" description="Used when a query names no database.">
          <Input
            id="mlwatch-clickhouse-database"
            width={INPUT_WIDTH}
            placeholder="default"
            value={ch.database ?? ''}
            onChange={(e) => update(setClickHouse(settings, { database: str(e) }))}
          />
        </Field>
        <Field label="Timeout (seconds)" {...err('clickhouse.timeoutSeconds')}>
          <Input
            id="mlwatch-clickhouse-timeout"
            type="number"
            width={20}
            placeholder="30"
            value={ch.timeoutSeconds ?? ''}
            onChange={(e) => update(setClickHouse(settings, { timeoutSeconds: num(e) }))}
          />
        </Field>

        <ConfigSubSection
          title="Traces"
          description="Where spans are stored. Queries may name another table."
          className={styles.subSection}
        >
          <Field label="Trace schema" description={SCHEMA_OPTIONS.find((o) => o.value === schema)?.description}>
            <RadioButtonGroup
              id="mlwatch-defaults-trace-schema"
              options={SCHEMA_OPTIONS.map(({ label, value }) => ({ label, value }))}
              value={schema}
              onChange={(traceSchema) => update(setDefaults(settings, { traceSchema }))}
            />
          </Field>
          <Field
            label="Trace database"
            description="Empty: the schema's database, else the connection's."
            {...err('defaults.traceDatabase')}
          >
            <Input
              id="mlwatch-defaults-trace-database"
              width={INPUT_WIDTH}
              placeholder={schemaTables.database || ch.database || 'default'}
              value={defaults.traceDatabase ?? ''}
              onChange={(e) => update(setDefaults(settings, { traceDatabase: str(e) }))}
            />
          </Field>
          <Field label="Span table" {...err('defaults.traceTable')}>
            <Input
              id="mlwatch-defaults-trace-table"
              width={INPUT_WIDTH}
              placeholder={schemaTables.table}
              value={defaults.traceTable ?? ''}
              onChange={(e) => update(setDefaults(settings, { traceTable: str(e) }))}
            />
          </Field>
          <Field
            label="Trace search rows"
            description="Traces a search lists when its query sets no limit."
            {...err('defaults.traceLimit')}
          >
            <Input
              id="mlwatch-defaults-trace-limit"
              type="number"
              min={1}
              max={10000}
              step={1}
              width={20}
              placeholder={String(BUILTIN_TRACE_LIMIT)}
              value={defaults.traceLimit ?? ''}
              onChange={(e) => update(setDefaults(settings, { traceLimit: num(e) }))}
            />
          </Field>
        </ConfigSubSection>
      </ConfigSection>

      <Divider />

      <ConfigSection
        title="Query defaults"
        description="Filled into empty query fields when a dashboard or Explore runs a query. Alert rules use the built-in values unless their query sets its own. Empty here: the built-in value shown in grey."
        isCollapsible
        isInitiallyOpen={defaultsSet}
        data-testid="mlwatch-config-defaults"
      >
        <ConfigSubSection
          title="Metric names"
          description="As your services export them (OpenTelemetry and Prometheus conventions by default)."
          className={styles.subSection}
        >
          <div className={styles.grid}>
            {(Object.keys(METRIC_LABELS) as Array<keyof MetricNames>).map((key) => (
              <Field
                key={key}
                label={METRIC_LABELS[key].label}
                description={METRIC_LABELS[key].description}
                {...err(`defaults.metrics.${key}`)}
              >
                <Input
                  id={`mlwatch-defaults-metric-${key}`}
                  placeholder={BUILTIN_METRICS[key]}
                  value={defaults.metrics?.[key] ?? ''}
                  onChange={(e) => update(setMetricName(settings, key, str(e)))}
                />
              </Field>
            ))}
          </div>
        </ConfigSubSection>

        <ConfigSubSection title="GPU and drift" className={styles.subSection}>
          <div className={styles.grid}>
            <Field
              label="GPU group label"
              description="GPUs are compared within groups of this label (comma-separate several)."
              {...err('defaults.gpuGroupLabel')}
            >
              <Input
                id="mlwatch-defaults-gpu-group-label"
                placeholder={BUILTIN_GPU_GROUP_LABEL}
                value={defaults.gpuGroupLabel ?? ''}
                onChange={(e) => update(setDefaults(settings, { gpuGroupLabel: str(e) }))}
              />
            </Field>
            <Field
              label="Straggler threshold"
              description="A GPU straggles below this share of its group's median utilisation."
              {...err('defaults.stragglerThreshold')}
            >
              <Input
                id="mlwatch-defaults-straggler-threshold"
                type="number"
                step={0.05}
                min={0}
                max={1}
                placeholder={String(BUILTIN_STRAGGLER_THRESHOLD)}
                value={defaults.stragglerThreshold ?? ''}
                onChange={(e) => update(setDefaults(settings, { stragglerThreshold: num(e) }))}
              />
            </Field>
            <Field
              label="Minimum count"
              description="Values each window needs for a drift verdict; fewer give 'insufficient data'."
              {...err('defaults.minCount')}
            >
              <Input
                id="mlwatch-defaults-min-count"
                type="number"
                min={0}
                step={1}
                placeholder="1"
                value={defaults.minCount ?? ''}
                onChange={(e) => update(setDefaults(settings, { minCount: num(e) }))}
              />
            </Field>
          </div>
        </ConfigSubSection>
      </ConfigSection>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  root: css({
    maxWidth: theme.spacing(100),
  }),
  subSection: css({
    marginTop: theme.spacing(3),
  }),
  grid: css({
    display: 'grid',
    gridTemplateColumns: `repeat(auto-fill, minmax(${theme.spacing(36)}, 1fr))`,
    columnGap: theme.spacing(2),
  }),
});
