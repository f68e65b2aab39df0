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
  setPrometheus,
  setSecret,
  validateSettings,
  type Settings,
} from '../data/config';
import { BUILTIN_DEFAULTS, ENGINE_LIMITS, LIMIT_BOUNDS, TRACE_SCHEMA_TABLES } from '../data/defaults';
import type {
  MlDataSourceOptions,
  MlSecureJsonData,
  QueryDefaults,
  SecureKey,
  TlsOptions,
  TraceSchema,
} from '../types';
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

type TextKey = 'featureMetric' | 'confidenceMetric' | 'predictionsMetric' | 'featureLabel' | 'classLabel' | 'gpuGroupLabel';
type NumberKey =
  | 'stragglerThreshold'
  | 'minGroupMedian'
  | 'minCount'
  | 'maxSeries'
  | 'maxPoints'
  | 'maxRows'
  | 'maxBytes'
  | 'queryTimeoutSeconds';

interface DefaultField<K> {
  key: K;
  id: string;
  label: string;
  description: string;
  placeholder: string;
  step?: number;
}

const NAME_FIELDS: Array<DefaultField<TextKey>> = [
  {
    key: 'featureMetric',
    id: 'feature-metric',
    label: 'Feature histogram',
    description: "Histogram base name with a feature label; the drift query's default",
    placeholder: BUILTIN_DEFAULTS.featureMetric,
  },
  {
    key: 'confidenceMetric',
    id: 'confidence-metric',
    label: 'Confidence histogram',
    description: "Histogram base name of prediction confidence; the distribution query's default",
    placeholder: BUILTIN_DEFAULTS.confidenceMetric,
  },
  {
    key: 'predictionsMetric',
    id: 'predictions-metric',
    label: 'Predictions counter',
    description: "Counter with a class label; the distribution query's classes mode",
    placeholder: BUILTIN_DEFAULTS.predictionsMetric,
  },
  {
    key: 'featureLabel',
    id: 'feature-label',
    label: 'Feature label',
    description: 'The label that names the feature on the histogram',
    placeholder: BUILTIN_DEFAULTS.featureLabel,
  },
  {
    key: 'classLabel',
    id: 'class-label',
    label: 'Class label',
    description: 'The label that names the class on the predictions counter',
    placeholder: BUILTIN_DEFAULTS.classLabel,
  },
];

const GPU_FIELDS: Array<DefaultField<TextKey | NumberKey>> = [
  {
    key: 'gpuGroupLabel',
    id: 'gpu-group-label',
    label: 'GPU group label',
    description: 'GPUs are compared within groups of this label.',
    placeholder: BUILTIN_DEFAULTS.gpuGroupLabel,
  },
  {
    key: 'stragglerThreshold',
    id: 'straggler-threshold',
    label: 'Straggler threshold',
    description: "A GPU straggles below this share of its group's median utilisation.",
    placeholder: String(BUILTIN_DEFAULTS.stragglerThreshold),
    step: 0.05,
  },
  {
    key: 'minGroupMedian',
    id: 'min-group-median',
    label: 'Idle below (%)',
    description: 'Groups with a lower median utilisation are idle, not straggling.',
    placeholder: String(BUILTIN_DEFAULTS.minGroupMedian),
    step: 5,
  },
  {
    key: 'minCount',
    id: 'min-count',
    label: 'Minimum count',
    description: "Values each window needs for a drift verdict; fewer give 'insufficient data'.",
    placeholder: String(BUILTIN_DEFAULTS.minCount),
    step: 1,
  },
];

const LIMIT_FIELDS: Array<DefaultField<NumberKey>> = [
  {
    key: 'maxSeries',
    id: 'max-series',
    label: 'Series',
    description: `Most series one query may read (up to ${LIMIT_BOUNDS.maxSeries}).`,
    placeholder: String(ENGINE_LIMITS.maxSeries),
    step: 1,
  },
  {
    key: 'maxPoints',
    id: 'max-points',
    label: 'Points',
    description: `Most samples one query may read (up to ${LIMIT_BOUNDS.maxPoints}).`,
    placeholder: String(ENGINE_LIMITS.maxPoints),
    step: 1,
  },
  {
    key: 'maxRows',
    id: 'max-rows',
    label: 'Rows',
    description: `Most ClickHouse rows one query may read (up to ${LIMIT_BOUNDS.maxRows}).`,
    placeholder: String(ENGINE_LIMITS.maxRows),
    step: 1,
  },
  {
    key: 'maxBytes',
    id: 'max-bytes',
    label: 'Bytes',
    description: 'Most response bytes one query may read (up to 4 GiB).',
    placeholder: String(ENGINE_LIMITS.maxBytes),
    step: 1,
  },
  {
    key: 'queryTimeoutSeconds',
    id: 'query-timeout',
    label: 'Timeout (seconds)',
    description: `Longest time one query may run (up to ${LIMIT_BOUNDS.queryTimeoutSeconds}).`,
    placeholder: String(ENGINE_LIMITS.queryTimeoutSeconds),
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

  const defaultField = ({ key, id, label, description, placeholder, step }: DefaultField<TextKey | NumberKey>) => (
    <Field key={key} label={label} description={description} {...err(`defaults.${key}`)}>
      {!NUMBER_KEYS.has(key) ? (
        <Input
          id={`mlwatch-defaults-${id}`}
          placeholder={placeholder}
          value={defaults[key] ?? ''}
          onChange={(e) => update(setDefaults(settings, { [key]: str(e) }))}
        />
      ) : (
        <Input
          id={`mlwatch-defaults-${id}`}
          type="number"
          min={0}
          step={step ?? 'any'}
          placeholder={placeholder}
          value={defaults[key] ?? ''}
          onChange={(e) => update(setDefaults(settings, { [key]: num(e) }))}
        />
      )}
    </Field>
  );

  const headers = prom.headers ?? [];
  const tlsSet = (t: TlsOptions) => Boolean(t.tlsSkipVerify || t.tlsWithCACert || t.tlsClientAuth || t.tlsServerName);
  const schema = defaults.tracesSchema ?? BUILTIN_DEFAULTS.tracesSchema;
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
      </ConfigSection>

      <Divider />

      <ConfigSection
        title="Query defaults"
        description="What a query leaves empty, for dashboards, Explore and alert rules alike. Empty here: the built-in value shown in grey."
        isCollapsible
        isInitiallyOpen={defaultsSet}
        data-testid="mlwatch-config-defaults"
      >
        <ConfigSubSection
          title="Metric and label names"
          description="As your services export them."
          className={styles.subSection}
        >
          <div className={styles.grid}>{NAME_FIELDS.map(defaultField)}</div>
        </ConfigSubSection>

        <ConfigSubSection title="GPU and drift" className={styles.subSection}>
          <div className={styles.grid}>{GPU_FIELDS.map(defaultField)}</div>
        </ConfigSubSection>

        <ConfigSubSection
          title="Traces"
          description="Where spans are stored, and how many traces a search lists. Queries may name another table."
          className={styles.subSection}
        >
          <Field label="Trace schema" description={SCHEMA_OPTIONS.find((o) => o.value === schema)?.description}>
            <RadioButtonGroup
              id="mlwatch-defaults-trace-schema"
              options={SCHEMA_OPTIONS.map(({ label, value }) => ({ label, value }))}
              value={schema}
              onChange={(tracesSchema) => update(setDefaults(settings, { tracesSchema }))}
            />
          </Field>
          <Field
            label="Trace database"
            description="Empty: the schema's database, else the connection's."
            {...err('defaults.tracesDatabase')}
          >
            <Input
              id="mlwatch-defaults-trace-database"
              width={INPUT_WIDTH}
              placeholder={schemaTables.database || ch.database || 'default'}
              value={defaults.tracesDatabase ?? ''}
              onChange={(e) => update(setDefaults(settings, { tracesDatabase: str(e) }))}
            />
          </Field>
          <Field label="Span table" {...err('defaults.tracesTable')}>
            <Input
              id="mlwatch-defaults-trace-table"
              width={INPUT_WIDTH}
              placeholder={schemaTables.table}
              value={defaults.tracesTable ?? ''}
              onChange={(e) => update(setDefaults(settings, { tracesTable: str(e) }))}
            />
          </Field>
          <Field
            label="Trace search rows"
            description="Traces a search lists when its query sets no limit."
            {...err('defaults.tracesLimit')}
          >
            <Input
              id="mlwatch-defaults-trace-limit"
              type="number"
              min={1}
              max={10000}
              step={1}
              width={20}
              placeholder={String(BUILTIN_DEFAULTS.tracesLimit)}
              value={defaults.tracesLimit ?? ''}
              onChange={(e) => update(setDefaults(settings, { tracesLimit: num(e) }))}
            />
          </Field>
        </ConfigSubSection>

        <ConfigSubSection
          title="Limits of one query"
          description="A query that needs more stops with a message. Empty: the engine's limit."
          className={styles.subSection}
        >
          <div className={styles.grid}>{LIMIT_FIELDS.map(defaultField)}</div>
        </ConfigSubSection>
      </ConfigSection>
    </div>
  );
}

const NUMBER_KEYS = new Set<keyof QueryDefaults>([
  'stragglerThreshold',
  'minGroupMedian',
  'minCount',
  'maxSeries',
  'maxPoints',
  'maxRows',
  'maxBytes',
  'queryTimeoutSeconds',
]);

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
