/**
 * The browser harness page. It loads built plugin modules (dist/**\/module.js)
 * the way Grafana does — as AMD modules whose dependencies are Grafana's
 * shared packages — and renders them with real @grafana/ui and @grafana/data.
 *
 * URL: /?plugin=<id>&frames=<file>&options=<file>&width=W&height=H&theme=dark|light
 *      or /?dashboard=<file>&width=W&theme=dark|light[&row=<row title>] (see dashboard.tsx)
 *      [&view=panel|config|query|variable|app][&backend=proxy][&uid=<datasource uid>]
 * When rendering has finished, <body> gets data-rendered-ms (from data ready to
 * painted) or data-error with the message.
 *
 * Datasource views (config, query, variable) get an instance of the plugin's
 * datasource class, a template service with the fixture's `variables`, and
 * record what the editor tells Grafana in window.__harness.events
 * ('options-change', 'query-change', 'run-query', 'query-result',
 * 'backend-request', 'health', 'variable-values'). With backend=proxy the
 * backend services are real HTTP to the server's /api/* (which
 * `server.mjs --backend URL` proxies, e.g. to tests/bridge): resource calls,
 * /api/ds/query and the health check reach the real plugin.
 */
import * as emotionCss from '@emotion/css';
import * as emotionReact from '@emotion/react';
import * as d3 from 'd3';
import * as grafanaData from '@grafana/data';
import {
  AppPlugin,
  applyFieldOverrides,
  createTheme,
  DataSourcePlugin,
  dataFrameFromJSON,
  type DataFrame,
  type DataFrameJSON,
  dateTime,
  EventBusSrv,
  LoadingState,
  PanelOptionsEditorBuilder,
  PanelPlugin,
  PluginType,
  ThemeContext,
  type TimeRange,
} from '@grafana/data';
import * as grafanaRuntime from '@grafana/runtime';
import * as grafanaUi from '@grafana/ui';
import * as i18next from 'i18next';
import lodash from 'lodash';
import moment from 'moment';
import React from 'react';
import * as ReactDOM from 'react-dom';
import { createRoot } from 'react-dom/client';
import * as jsxRuntime from 'react/jsx-runtime';
import * as reactRouter from 'react-router';
import { MemoryRouter } from 'react-router-dom';
import * as rxjs from 'rxjs';

import { type DashboardFixture, renderDashboard } from './dashboard';

/** Grafana's shared modules, as plugins see them through their AMD deps. */
const shared: Record<string, unknown> = {
  react: React,
  'react-dom': ReactDOM,
  'react/jsx-runtime': jsxRuntime,
  'react/jsx-dev-runtime': jsxRuntime,
  '@emotion/css': emotionCss,
  '@emotion/react': emotionReact,
  '@grafana/data': grafanaData,
  '@grafana/ui': grafanaUi,
  '@grafana/runtime': grafanaRuntime,
  'react-router': reactRouter,
  rxjs,
  lodash,
  moment,
  d3,
  i18next,
};

/**
 * Grafana fills the option-editor registries at start-up from its own code;
 * the npm packages ship them empty, and the panel option builders
 * (addRadio, addBooleanSwitch, ...) and standard field options (unit,
 * thresholds, links, ...) look their ids up there. The harness registers
 * every standard id, with the processing Grafana applies and no editor UI
 * (the harness renders panels, not the options pane).
 */
function initOptionRegistries() {
  const noEditor = () => null;
  const editorIds = [
    'text',
    'number',
    'slider',
    'boolean',
    'radio',
    'select',
    'multi-select',
    'color',
    'unit',
    'links',
    'mappings',
    'thresholds',
    'fieldColor',
    'interval',
    'timezone',
    'strings',
    'stats-picker',
    'field-name',
    'dashboard-uid',
    'data-links',
    'color-scheme',
    'text-area',
    'datasource',
    'actions',
    'frame-picker',
  ];
  grafanaData.standardEditorsRegistry.setInit(() => editorIds.map((id) => ({ id, name: id, editor: noEditor })));
  const identity = (v: unknown) => v;
  const always = () => true;
  const fieldOption = (id: string, path: string, defaultValue?: unknown) => ({
    id,
    path,
    name: id,
    editor: noEditor,
    override: noEditor,
    process: identity,
    shouldApply: always,
    defaultValue,
  });
  grafanaData.standardFieldConfigEditorRegistry.setInit(
    () =>
      [
        fieldOption('unit', 'unit'),
        fieldOption('min', 'min'),
        fieldOption('max', 'max'),
        fieldOption('fieldMinMax', 'fieldMinMax'),
        fieldOption('decimals', 'decimals'),
        fieldOption('displayName', 'displayName'),
        fieldOption('noValue', 'noValue'),
        fieldOption('links', 'links'),
        fieldOption('mappings', 'mappings'),
        fieldOption('thresholds', 'thresholds', {
          mode: grafanaData.ThresholdsMode.Absolute,
          steps: [
            { value: -Infinity, color: 'green' },
            { value: 80, color: 'red' },
          ],
        }),
        fieldOption('color', 'color', { mode: grafanaData.FieldColorModeId.Thresholds }),
        fieldOption('filterable', 'filterable'),
      ] as never
  );
}

/**
 * Grafana's variable interpolation for data links, enough for the built-in
 * variables links use: ${__field.labels.x}, ${__field.name},
 * ${__value.raw|numeric|text|time}, ${__series.name}, ${__data.fields.x}
 * (optionally with :format, which is ignored), and plain ${var} from
 * scopedVars.
 */
function interpolate(target: string, scopedVars?: grafanaData.ScopedVars): string {
  if (!target || !scopedVars) {
    return target ?? '';
  }
  return target.replace(/\$\{([^}:]+)(?::[^}]*)?\}/g, (whole, path: string) => {
    const [head, ...rest] = path.split('.');
    const entry = scopedVars[head];
    if (!entry) {
      return whole;
    }
    const value = rest.length ? lodash.get(entry.value, rest) : (entry.text ?? entry.value);
    return value === undefined || value === null ? whole : String(value);
  });
}

interface PluginEntry {
  id: string;
  type: string;
  module: string;
}

const params = new URLSearchParams(window.location.search);
const errors: string[] = [];

function fail(message: string) {
  errors.push(message);
  document.body.dataset.error = errors.join('\n');
}

window.addEventListener('error', (e) => fail(`uncaught: ${e.message}`));
window.addEventListener('unhandledrejection', (e) =>
  fail(`unhandled rejection: ${String(e.reason?.message ?? e.reason)}`)
);

async function fetchJSON<T>(url: string): Promise<T> {
  const resp = await fetch(url);
  if (!resp.ok) {
    throw new Error(`${url}: ${resp.status} ${await resp.text()}`);
  }
  return resp.json() as Promise<T>;
}

/** Loads an AMD module the way Grafana's SystemJS loader resolves it. */
async function loadAmdModule(url: string): Promise<Record<string, unknown>> {
  const source = await (await fetch(url)).text();
  return new Promise((resolve, reject) => {
    const define = (deps: string[], factory: (...args: unknown[]) => unknown) => {
      try {
        const args = deps.map((d) => {
          if (d === 'module') {
            return { uri: url };
          }
          if (!(d in shared)) {
            throw new Error(`${url} needs shared module "${d}", which Grafana does not provide`);
          }
          return shared[d];
        });
        resolve(factory(...args) as Record<string, unknown>);
      } catch (e) {
        reject(e);
      }
    };
    (define as unknown as { amd: boolean }).amd = true;
    try {
      // eslint-disable-next-line no-new-func
      new Function('define', `${source}\n//# sourceURL=${url}`)(define);
    } catch (e) {
      reject(e);
    }
  });
}

/** Each plugin type's exported class, checked with instanceof as Grafana does. */
function checkExport(entry: PluginEntry, exports: Record<string, unknown>) {
  const plugin = exports.plugin;
  const want = { app: AppPlugin, datasource: DataSourcePlugin, panel: PanelPlugin }[entry.type];
  if (!want) {
    throw new Error(`${entry.id}: unknown plugin type ${entry.type}`);
  }
  if (!(plugin instanceof want)) {
    throw new Error(
      `${entry.id}: module.js must export "plugin" as a ${want.name}, got ${Object.prototype.toString.call(plugin)}`
    );
  }
  return plugin;
}

/** Panel option defaults, from the plugin's own option builders. */
function optionDefaults(plugin: PanelPlugin, frames: DataFrame[]): Record<string, unknown> {
  const builder = new PanelOptionsEditorBuilder<Record<string, unknown>>();
  const supplier = plugin.getPanelOptionsSupplier();
  supplier(builder, { data: frames });
  const out: Record<string, unknown> = {};
  for (const item of builder.getItems()) {
    if (item.defaultValue !== undefined) {
      lodash.set(out, item.path, item.defaultValue);
    }
  }
  return out;
}

/**
 * Grafana's backend and datasource services for app pages, answered from a
 * fixture: the list of datasources and a response body per URL (an error when
 * the body is {"status": 4xx/5xx, "body": ...}). Unknown URLs answer 404, as
 * Grafana would.
 */
interface BackendFixture {
  datasources?: Array<{ uid: string; name: string; type: string }>;
  responses?: Record<string, unknown>;
}

function installBackend(fixture: BackendFixture = {}) {
  const list = fixture.datasources ?? [];
  // Every request, for tests to check what a page sent (window.mlwatchRequests).
  const requests: unknown[] = [];
  (window as unknown as { mlwatchRequests: unknown[] }).mlwatchRequests = requests;
  const fetchFn = (req: { url: string; method?: string; data?: unknown; headers?: Record<string, string> }) => {
    requests.push({ method: req.method ?? 'GET', url: req.url, data: req.data, headers: req.headers ?? {} });
    const body = fixture.responses?.[req.url];
    if (body === undefined) {
      return rxjs.throwError(() => ({ status: 404, data: { message: `no fixture for ${req.url}` } }));
    }
    // {"status": 502, "body": {"error": "..."}} answers an error, as a route does.
    const failure = body as { status?: number; body?: unknown };
    if (typeof failure === 'object' && body !== null && typeof failure.status === 'number' && failure.status >= 400) {
      return rxjs.throwError(() => ({ status: failure.status, data: failure.body }));
    }
    return rxjs.of({ data: body, status: 200, ok: true });
  };
  grafanaRuntime.setBackendSrv({
    fetch: fetchFn,
    get: (url: string) => rxjs.lastValueFrom(fetchFn({ url })).then((r) => r.data),
  } as never);
  grafanaRuntime.setDataSourceSrv({
    getList: (filter?: { pluginId?: string }) => list.filter((d) => !filter?.pluginId || d.type === filter.pluginId),
    getInstanceSettings: (uid: string) => list.find((d) => d.uid === uid),
    get: () => Promise.reject(new Error('no datasource instances in the harness')),
    reload: () => {},
    registerRuntimeDataSource: () => {},
  } as never);
}

/**
 * The panel's time range: from the fixture when given (ms), else spanning
 * the frames' time fields, else the last hour.
 */
function fixtureTimeRange(given: { from: number; to: number } | undefined, frames: DataFrame[]): TimeRange {
  let from = given?.from;
  let to = given?.to;
  if (from === undefined || to === undefined) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const f of frames) {
      for (const field of f.fields) {
        if (field.type === grafanaData.FieldType.time) {
          for (const v of field.values) {
            lo = Math.min(lo, Number(v));
            hi = Math.max(hi, Number(v));
          }
        }
      }
    }
    if (Number.isFinite(lo) && hi > lo) {
      from = lo;
      to = hi;
    }
  }
  const end = to !== undefined ? dateTime(to) : dateTime();
  const start = from !== undefined ? dateTime(from) : dateTime(end).subtract(1, 'hour');
  return { from: start, to: end, raw: { from: start, to: end } };
}

/** What a datasource editor told Grafana, for tests to read. */
const dsEvents: Array<{ type: string; payload: unknown }> = [];

interface HarnessVariable {
  name: string;
  /** One value, or several for a multi-value variable; "$__all" selects All. */
  current: string | string[];
  options?: string[];
  multi?: boolean;
  includeAll?: boolean;
  allValue?: string;
}

/** Escapes a value for a regular expression, as Grafana's "regex" format does. */
function regexEscape(s: string) {
  return s.replace(/[\\^$*+?.()|[\]{}\/]/g, '\\$&');
}

/**
 * A template service with Grafana's replace() semantics for what editors and
 * datasources use: $var, ${var}, ${var:format}, [[var]], scoped variables,
 * format functions and names (raw, csv, pipe, regex, singlequote,
 * doublequote, json; glob by default), "All", and custom all values (never
 * formatted, as in Grafana).
 */
function installTemplateSrv(variables: HarnessVariable[] = []) {
  const re = /\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\$\{(\w+)(?:\.([^:^}]+))?(?::([^}]+))?\}/g;
  const named: Record<string, (v: string | string[]) => string> = {
    raw: (v) => (Array.isArray(v) ? v.join(',') : v),
    csv: (v) => (Array.isArray(v) ? v.join(',') : v),
    pipe: (v) => (Array.isArray(v) ? v.join('|') : v),
    regex: (v) =>
      Array.isArray(v)
        ? v.length > 1
          ? `(${v.map(regexEscape).join('|')})`
          : regexEscape(v[0] ?? '')
        : regexEscape(v),
    singlequote: (v) => (Array.isArray(v) ? v : [v]).map((x) => `'${x.replace(/'/g, "\\'")}'`).join(','),
    doublequote: (v) => (Array.isArray(v) ? v : [v]).map((x) => `"${x.replace(/"/g, '\\"')}"`).join(','),
    json: (v) => JSON.stringify(v),
    glob: (v) => (Array.isArray(v) ? (v.length > 1 ? `{${v.join(',')}}` : (v[0] ?? '')) : v),
  };
  const srv = {
    getVariables: () =>
      variables.map((v) => ({
        name: v.name,
        label: v.name,
        type: 'custom',
        multi: Boolean(v.multi),
        includeAll: Boolean(v.includeAll),
        current: { value: v.current, text: v.current },
        options: (v.options ?? []).map((o) => ({ value: o, text: o, selected: false })),
      })),
    containsTemplate: (target?: string) => Boolean(target && new RegExp(re.source).test(target)),
    updateTimeRange: () => {},
    replace: (
      target?: string,
      scopedVars?: Record<string, { value: unknown }>,
      format?: string | ((v: unknown, variable: unknown) => string)
    ) => {
      if (!target) {
        return target ?? '';
      }
      return target.replace(re, (match, v1, v2, f2, v3, _path, f3) => {
        const name = v1 || v2 || v3;
        const fmt = f2 || f3 || format;
        const scoped = scopedVars?.[name];
        const variable = variables.find((v) => v.name === name);
        let value: string | string[];
        if (scoped) {
          value = scoped.value as string | string[];
        } else if (variable) {
          const isAll =
            variable.current === '$__all' || (Array.isArray(variable.current) && variable.current.includes('$__all'));
          if (isAll && variable.allValue) {
            return variable.allValue;
          }
          value = isAll ? (variable.options ?? []) : variable.current;
        } else {
          return match;
        }
        if (typeof fmt === 'function') {
          return fmt(value, variable);
        }
        return (named[typeof fmt === 'string' ? fmt : 'glob'] ?? named.glob)(value);
      });
    },
  };
  grafanaRuntime.setTemplateSrv(srv as never);
}

/**
 * Real HTTP for getBackendSrv(): requests go to this server's /api/*, which
 * the server proxies to --backend. Errors are thrown as Grafana's FetchError
 * ({ status, data, statusText, config }).
 */
function installProxyBackend() {
  type Req = {
    url: string;
    method?: string;
    params?: Record<string, unknown>;
    data?: unknown;
    headers?: Record<string, string>;
  };
  const fetchFn = (req: Req) =>
    new rxjs.Observable<{ data: unknown; status: number; ok: boolean; statusText: string; config: Req }>((sub) => {
      const url = new URL(req.url, window.location.origin);
      for (const [k, v] of Object.entries(req.params ?? {})) {
        if (v !== undefined && v !== null) {
          url.searchParams.set(k, String(v));
        }
      }
      const method = (req.method ?? 'GET').toUpperCase();
      const ctrl = new AbortController();
      fetch(url, {
        method,
        signal: ctrl.signal,
        headers: { ...(req.headers ?? {}), ...(req.data !== undefined ? { 'Content-Type': 'application/json' } : {}) },
        body: req.data !== undefined && method !== 'GET' ? JSON.stringify(req.data) : undefined,
      })
        .then(async (resp) => {
          const text = await resp.text();
          let data: unknown = text;
          try {
            data = text ? JSON.parse(text) : undefined;
          } catch {
            // Not JSON: keep the text, as Grafana does.
          }
          dsEvents.push({
            type: 'backend-request',
            payload: { method, url: url.pathname + url.search, status: resp.status },
          });
          const r = { data, status: resp.status, ok: resp.ok, statusText: resp.statusText, config: req };
          if (resp.ok) {
            sub.next(r);
            sub.complete();
          } else {
            sub.error(r);
          }
        })
        .catch((e: Error) => {
          if (e.name !== 'AbortError') {
            sub.error({ data: { message: e.message }, status: 0, ok: false, statusText: e.message, config: req });
          }
        });
      return () => ctrl.abort();
    });
  const call = (req: Req) => rxjs.lastValueFrom(fetchFn(req)).then((r) => r.data);
  grafanaRuntime.setBackendSrv({
    fetch: fetchFn,
    datasourceRequest: (req: Req) => rxjs.lastValueFrom(fetchFn(req)),
    request: call,
    get: (url: string, params?: Record<string, unknown>) => call({ url, params }),
    post: (url: string, data?: unknown) => call({ url, method: 'POST', data }),
    put: (url: string, data?: unknown) => call({ url, method: 'PUT', data }),
    delete: (url: string) => call({ url, method: 'DELETE' }),
  } as never);
}

/** The datasource settings Grafana would hold: from the proxied backend, then the fixture. */
async function datasourceSettings(entry: PluginEntry, uid: string, proxy: boolean, fixture: Record<string, unknown>) {
  let stored: Record<string, unknown> = {};
  if (proxy) {
    stored = await fetchJSON<Record<string, unknown>>(`/api/datasources/uid/${encodeURIComponent(uid)}`);
  }
  return {
    id: 1,
    uid,
    orgId: 1,
    name: 'mlwatch',
    type: entry.id,
    access: 'proxy',
    jsonData: {},
    secureJsonFields: {},
    readOnly: false,
    ...stored,
    ...lodash.omit(fixture, ['backend', 'query', 'variables', 'timeRange', 'variableQuery']),
  } as Record<string, unknown> & { uid: string; jsonData: Record<string, unknown> };
}

function instanceSettingsOf(entry: PluginEntry, settings: Record<string, unknown>) {
  return {
    ...settings,
    meta: {
      id: entry.id,
      type: PluginType.datasource,
      name: String(settings.name),
      info: { logos: {} },
      module: entry.module,
      baseUrl: '',
    },
  };
}

/** The time range editors get: the fixture's, else the last hour ending now. */
function editorTimeRange(given: { from: number | string; to: number | string } | undefined): TimeRange {
  if (given && typeof given.from === 'number' && typeof given.to === 'number') {
    return {
      from: dateTime(given.from),
      to: dateTime(given.to),
      raw: { from: dateTime(given.from), to: dateTime(given.to) },
    };
  }
  const to = dateTime();
  const from = dateTime(to).subtract(1, 'hour');
  return { from, to, raw: { from: 'now-1h', to: 'now' } };
}

/** Renders a datasource's config, query or variable editor, as Grafana would. */
async function renderDatasource(
  entry: PluginEntry,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  plugin: DataSourcePlugin<any>,
  view: string,
  fixtureOptions: Record<string, unknown>,
  root: ReturnType<typeof createRoot>,
  wrap: (node: React.ReactNode) => React.ReactNode
) {
  const proxy = params.get('backend') === 'proxy';
  const uid = params.get('uid') ?? 'harness';
  if (proxy) {
    installProxyBackend();
  } else {
    installBackend(fixtureOptions.backend as BackendFixture | undefined);
  }
  installTemplateSrv(fixtureOptions.variables as HarnessVariable[] | undefined);
  const settings = await datasourceSettings(entry, uid, proxy, fixtureOptions);
  const DsClass = plugin.DataSourceClass as unknown as new (s: unknown) => grafanaData.DataSourceApi & {
    testDatasource: () => Promise<{ status: string; message: string }>;
  };
  const makeDs = (s: Record<string, unknown>) => new DsClass(instanceSettingsOf(entry, s));
  const components = plugin.components;
  const range = editorTimeRange(fixtureOptions.timeRange as { from: number; to: number } | undefined);
  (window as unknown as { __harness: unknown }).__harness = { events: dsEvents };

  if (view === 'query') {
    if (!components.QueryEditor) {
      throw new Error(`${entry.id}: no query editor`);
    }
    const QueryEditor = components.QueryEditor as unknown as React.ComponentType<Record<string, unknown>>;
    const ds = makeDs(settings);
    const initial = { refId: 'A', ...(fixtureOptions.query as object) } as grafanaData.DataQuery;
    let latest = initial;
    const runQuery = async () => {
      const query = latest;
      dsEvents.push({ type: 'run-query', payload: query });
      if (!proxy) {
        return;
      }
      // As a panel does: through the datasource instance, so that variables are applied.
      const resp = await rxjs.lastValueFrom(
        ds.query({
          requestId: 'harness',
          interval: '1m',
          intervalMs: 60000,
          maxDataPoints: 500,
          range,
          scopedVars: {},
          targets: [query],
          timezone: 'utc',
          app: 'dashboard',
          startTime: Date.now(),
        } as never) as rxjs.Observable<grafanaData.DataQueryResponse>
      );
      dsEvents.push({
        type: 'query-result',
        payload: {
          query,
          frames: (resp.data ?? []).map((f: DataFrame) => grafanaData.toDataFrameDTO(f)),
          errors: (resp.errors ?? (resp.error ? [resp.error] : [])).map((e) => e.message),
        },
      });
    };
    function Stateful() {
      const [query, setQuery] = React.useState(initial);
      return (
        <QueryEditor
          query={query}
          datasource={ds}
          range={range}
          app="dashboard"
          onChange={(q: grafanaData.DataQuery) => {
            latest = q;
            dsEvents.push({ type: 'query-change', payload: q });
            setQuery(q);
          }}
          onRunQuery={() => {
            // Grafana runs the query after the change has been stored.
            setTimeout(
              () =>
                runQuery().catch((e: Error) =>
                  dsEvents.push({ type: 'query-result', payload: { query: latest, frames: [], errors: [e.message] } })
                ),
              0
            );
          }}
        />
      );
    }
    root.render(wrap(<Stateful />));
  } else if (view === 'variable') {
    const ds = makeDs(settings) as grafanaData.DataSourceApi & { variables?: grafanaData.CustomVariableSupport<never> };
    const support = ds.variables;
    if (!support || !('editor' in support)) {
      throw new Error(`${entry.id}: no custom variable support`);
    }
    const Editor = support.editor as unknown as React.ComponentType<Record<string, unknown>>;
    const initial = { refId: 'variable', ...(fixtureOptions.variableQuery as object) };
    function Stateful() {
      const [query, setQuery] = React.useState<Record<string, unknown>>(initial);
      const [values, setValues] = React.useState<string[] | undefined>();
      const [error, setError] = React.useState<string>();
      const run = async () => {
        const resp = await rxjs.lastValueFrom(
          support!.query({
            targets: [query],
            range,
            scopedVars: {},
            requestId: 'variable',
            interval: '1m',
            intervalMs: 60000,
            timezone: 'utc',
            app: 'dashboard',
            startTime: Date.now(),
          } as never)
        );
        const frame = resp.data?.[0] as DataFrame | undefined;
        const texts = frame ? (frame.fields.find((f) => f.name === 'text')?.values ?? []).map(String) : [];
        setValues(texts);
        setError(resp.errors?.[0]?.message);
        dsEvents.push({ type: 'variable-values', payload: { values: texts, error: resp.errors?.[0]?.message } });
      };
      return (
        <div>
          <Editor
            query={query}
            datasource={ds}
            range={range}
            onChange={(q: Record<string, unknown>) => {
              dsEvents.push({ type: 'query-change', payload: q });
              setQuery(q);
            }}
            onRunQuery={() => {}}
          />
          <grafanaUi.Button data-testid="harness-run-variable" onClick={() => run()} style={{ marginTop: 8 }}>
            Run query
          </grafanaUi.Button>
          {values && <pre data-testid="harness-variable-values">{values.join('\n')}</pre>}
          {error && <pre data-testid="harness-variable-error">{error}</pre>}
        </div>
      );
    }
    root.render(wrap(<Stateful />));
  } else {
    const ConfigEditor = components.ConfigEditor;
    if (!ConfigEditor) {
      throw new Error(`${entry.id}: no config editor`);
    }
    const Editor: React.ComponentType<{ options: unknown; onOptionsChange: (o: unknown) => void }> =
      ConfigEditor as never;
    function Stateful() {
      const [opts, setOpts] = React.useState<Record<string, unknown>>(settings);
      const [health, setHealth] = React.useState<{ status: string; message: string }>();
      const [testing, setTesting] = React.useState(false);
      // Grafana's "Save & test": store the settings, then ask the backend's health check.
      const saveAndTest = async () => {
        setTesting(true);
        try {
          const saved = await rxjs.lastValueFrom(
            grafanaRuntime.getBackendSrv().fetch<{ datasource: Record<string, unknown> }>({
              url: `/api/datasources/uid/${uid}`,
              method: 'PUT',
              data: opts,
            })
          );
          const next = { ...opts, ...saved.data.datasource, secureJsonData: {} };
          dsEvents.push({ type: 'save', payload: next });
          setOpts(next);
          const result = await makeDs(next)
            .testDatasource()
            .catch((e: { status?: string; message?: string }) => ({
              status: 'error',
              message: e?.message ?? String(e),
            }));
          dsEvents.push({ type: 'health', payload: result });
          setHealth(result);
        } catch (e) {
          const message = (e as { data?: { message?: string } }).data?.message ?? String(e);
          setHealth({ status: 'error', message });
        } finally {
          setTesting(false);
        }
      };
      return (
        <div>
          <Editor
            options={opts}
            onOptionsChange={(o) => {
              dsEvents.push({ type: 'options-change', payload: o });
              setOpts(o as Record<string, unknown>);
            }}
          />
          {proxy && (
            <div style={{ marginTop: 16, maxWidth: 800 }}>
              {health && (
                <grafanaUi.Alert
                  severity={health.status === 'success' ? 'success' : 'error'}
                  title={health.status === 'success' ? 'Data source is working' : 'Data source has a problem'}
                  data-testid="harness-health"
                  data-status={health.status}
                >
                  {health.message}
                </grafanaUi.Alert>
              )}
              <grafanaUi.Button data-testid="harness-save-and-test" onClick={saveAndTest} disabled={testing}>
                {testing ? 'Testing...' : 'Save & test'}
              </grafanaUi.Button>
            </div>
          )}
        </div>
      );
    }
    root.render(wrap(<Stateful />));
  }
}

function afterPaint(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve())));
}

async function main() {
  initOptionRegistries();
  const id = params.get('plugin');
  const view = params.get('view') ?? '';
  const themeName = params.get('theme') === 'light' ? 'light' : 'dark';
  const width = Number(params.get('width') ?? 800);
  const height = Number(params.get('height') ?? 400);
  const plugins = await fetchJSON<PluginEntry[]>('/harness/plugins.json');

  if (params.get('check') === 'all') {
    // Load every plugin and check its export, as Grafana does on start-up.
    const results: Record<string, string> = {};
    for (const entry of plugins) {
      try {
        checkExport(entry, await loadAmdModule(entry.module));
        results[entry.id] = 'ok';
      } catch (e) {
        results[entry.id] = (e as Error).message;
        fail((e as Error).message);
      }
    }
    document.body.dataset.checks = JSON.stringify(results);
    document.body.dataset.renderedMs = '0';
    return;
  }

  const dashboardFile = params.get('dashboard');
  if (dashboardFile) {
    await mainDashboard(dashboardFile, plugins, themeName, width);
    return;
  }

  const entry = plugins.find((p) => p.id === id);
  if (!entry) {
    throw new Error(`unknown plugin "${id}"; known: ${plugins.map((p) => p.id).join(', ')}`);
  }
  const plugin = checkExport(entry, await loadAmdModule(entry.module));
  const theme = createTheme({ colors: { mode: themeName } });
  document.body.style.background = theme.colors.background.canvas;
  document.body.style.color = theme.colors.text.primary;

  const framesFile = params.get('frames');
  const optionsFile = params.get('options');
  const rawFrames = framesFile ? await fetchJSON<DataFrameJSON[]>(`/fixtures/${framesFile}`) : [];
  const fixtureOptions = optionsFile ? await fetchJSON<Record<string, unknown>>(`/fixtures/${optionsFile}`) : {};

  const container = document.getElementById('root')!;
  container.style.width = `${width}px`;
  container.style.height = `${height}px`;
  const root = createRoot(container);
  // Grafana renders every plugin under its global styles and theme context.
  const wrap = (node: React.ReactNode) => (
    <ThemeContext.Provider value={theme}>
      <grafanaUi.GlobalStyles />
      {node}
    </ThemeContext.Provider>
  );

  const start = performance.now();
  if (plugin instanceof PanelPlugin) {
    const Panel = plugin.panel;
    if (!Panel) {
      throw new Error(`${entry.id}: the panel plugin has no panel component`);
    }
    const frames = rawFrames.map((f) => dataFrameFromJSON(f));
    const timeRange = fixtureTimeRange(fixtureOptions.timeRange as { from: number; to: number } | undefined, frames);
    const fieldConfig = lodash.merge(
      { defaults: lodash.cloneDeep(plugin.fieldConfigDefaults.defaults ?? {}), overrides: [] },
      fixtureOptions.fieldConfig ?? {}
    );
    const replaceVariables = interpolate as grafanaData.InterpolateFunction;
    const series = applyFieldOverrides({ data: frames, fieldConfig, replaceVariables, theme, timeZone: 'utc' });
    let options = lodash.merge(optionDefaults(plugin, series), fixtureOptions.options ?? {});
    let size = { width, height };
    // Everything the panel tells Grafana is recorded, so tests can check
    // drag-to-zoom, option changes and shared-crosshair events.
    const events: Array<{ type: string; payload: unknown }> = [];
    const eventBus = new EventBusSrv();
    eventBus.subscribe(grafanaData.DataHoverEvent, (e) => events.push({ type: 'data-hover', payload: e.payload }));
    eventBus.subscribe(grafanaData.DataHoverClearEvent, () => events.push({ type: 'data-hover-clear', payload: null }));
    const draw = () =>
      root.render(
        wrap(
          <Panel
            id={1}
            data={{ state: LoadingState.Done, series, timeRange }}
            timeRange={timeRange}
            timeZone="utc"
            options={options}
            fieldConfig={fieldConfig}
            transparent={false}
            width={size.width}
            height={size.height}
            renderCounter={1}
            title="Harness"
            eventBus={eventBus}
            onOptionsChange={(o: unknown) => events.push({ type: 'options', payload: o })}
            onFieldConfigChange={(c: unknown) => events.push({ type: 'field-config', payload: c })}
            replaceVariables={replaceVariables}
            onChangeTimeRange={(r: { from: number; to: number }) => events.push({ type: 'time-range', payload: r })}
          />
        )
      );
    (window as unknown as { __harness: unknown }).__harness = {
      events,
      eventBus,
      rerender: (next: { width?: number; height?: number; options?: Record<string, unknown> }) => {
        size = { width: next.width ?? size.width, height: next.height ?? size.height };
        container.style.width = `${size.width}px`;
        container.style.height = `${size.height}px`;
        options = next.options ? lodash.merge(lodash.cloneDeep(options), next.options) : options;
        draw();
      },
    };
    draw();
  } else if (plugin instanceof DataSourcePlugin) {
    await renderDatasource(entry, plugin, view, fixtureOptions, root, wrap);
  } else if (plugin instanceof AppPlugin) {
    installBackend(fixtureOptions.backend as BackendFixture | undefined);
    const Root = plugin.root;
    if (!Root) {
      throw new Error(`${entry.id}: the app has no root page`);
    }
    const meta = {
      id: entry.id,
      name: entry.id,
      type: PluginType.app,
      enabled: true,
      jsonData: {},
      info: {},
      module: entry.module,
      baseUrl: '',
    };
    root.render(
      wrap(
        <MemoryRouter initialEntries={[params.get('path') ?? '/']}>
          <Root meta={meta as never} basename="" query={{}} path="" onNavChanged={() => {}} />
        </MemoryRouter>
      )
    );
  }
  await afterPaint();
  // Components may paint in effects after the first commit.
  await afterPaint();
  // Panels that paint later (in an animation frame, in slices) mark their
  // root with data-mlwatch-paint="pending" until done.
  const deadline = performance.now() + 30000;
  while (container.querySelector('[data-mlwatch-paint="pending"]') && performance.now() < deadline) {
    await afterPaint();
  }
  const elapsed = performance.now() - start;
  if (errors.length === 0) {
    document.body.dataset.renderedMs = elapsed.toFixed(1);
  }
}

/** Dashboard mode: every panel of a dashboard (or of one row) from one fixture. */
async function mainDashboard(file: string, plugins: PluginEntry[], themeName: 'dark' | 'light', width: number) {
  const theme = createTheme({ colors: { mode: themeName } });
  document.body.style.background = theme.colors.background.canvas;
  document.body.style.color = theme.colors.text.primary;
  const fixture = await fetchJSON<DashboardFixture>(`/fixtures/${file}`);
  const loaded = new Map<string, PanelPlugin | undefined>();
  const loadPanel = async (pluginId: string) => {
    if (!loaded.has(pluginId)) {
      const entry = plugins.find((p) => p.id === pluginId && p.type === 'panel');
      loaded.set(pluginId, entry ? (checkExport(entry, await loadAmdModule(entry.module)) as PanelPlugin) : undefined);
    }
    return loaded.get(pluginId);
  };
  const start = performance.now();
  const node = await renderDashboard(fixture, {
    theme,
    width,
    row: params.get('row'),
    loadPanel,
    optionDefaults,
    replaceVariables: interpolate as grafanaData.InterpolateFunction,
  });
  const container = document.getElementById('root')!;
  container.style.width = `${width}px`;
  createRoot(container).render(
    <ThemeContext.Provider value={theme}>
      <grafanaUi.GlobalStyles />
      {node}
    </ThemeContext.Provider>
  );
  await afterPaint();
  await afterPaint();
  const deadline = performance.now() + 30000;
  while (container.querySelector('[data-mlwatch-paint="pending"]') && performance.now() < deadline) {
    await afterPaint();
  }
  if (errors.length === 0) {
    document.body.dataset.renderedMs = (performance.now() - start).toFixed(1);
  }
}

main().catch((e: Error) => fail(e.message));
