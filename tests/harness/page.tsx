/**
 * The browser harness page. It loads built plugin modules (dist/**\/module.js)
 * the way Grafana does — as AMD modules whose dependencies are Grafana's
 * shared packages — and renders them with real @grafana/ui and @grafana/data.
 *
 * URL: /?plugin=<id>&frames=<file>&options=<file>&width=W&height=H&theme=dark|light
 *      [&view=panel|config|query|app]
 * When rendering has finished, <body> gets data-rendered-ms (from data ready to
 * painted) or data-error with the message.
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
    'text', 'number', 'slider', 'boolean', 'radio', 'select', 'multi-select', 'color', 'unit', 'links', 'mappings',
    'thresholds', 'fieldColor', 'interval', 'timezone', 'strings', 'stats-picker', 'field-name', 'dashboard-uid',
    'data-links', 'color-scheme', 'text-area', 'datasource', 'actions', 'frame-picker',
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
window.addEventListener('unhandledrejection', (e) => fail(`unhandled rejection: ${String(e.reason?.message ?? e.reason)}`));

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
    throw new Error(`${entry.id}: module.js must export "plugin" as a ${want.name}, got ${Object.prototype.toString.call(plugin)}`);
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
 * fixture: the list of datasources and a response body per URL. Unknown URLs
 * answer 404, as Grafana would.
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
    return rxjs.of({ data: body, status: 200, ok: true });
  };
  grafanaRuntime.setBackendSrv({ fetch: fetchFn, get: (url: string) => rxjs.lastValueFrom(fetchFn({ url })).then((r) => r.data) } as never);
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
    const components = plugin.components;
    if (view === 'query') {
      const QueryEditor = components.QueryEditor;
      if (!QueryEditor) {
        throw new Error(`${entry.id}: no query editor`);
      }
      const query = { refId: 'A', ...(fixtureOptions.query as object) };
      root.render(wrap(<QueryEditor query={query} onChange={() => {}} onRunQuery={() => {}} datasource={undefined as never} />));
    } else {
      const ConfigEditor = components.ConfigEditor;
      if (!ConfigEditor) {
        throw new Error(`${entry.id}: no config editor`);
      }
      const Editor: React.ComponentType<{ options: unknown; onOptionsChange: (o: unknown) => void }> = ConfigEditor as never;
      const options = {
        id: 1,
        uid: 'harness',
        orgId: 1,
        name: 'mlwatch',
        type: entry.id,
        access: 'proxy',
        jsonData: {},
        secureJsonFields: {},
        ...fixtureOptions,
      };
      function Stateful() {
        const [opts, setOpts] = React.useState(options);
        return <Editor options={opts} onOptionsChange={(o) => setOpts(o as typeof options)} />;
      }
      root.render(wrap(<Stateful />));
    }
  } else if (plugin instanceof AppPlugin) {
    installBackend(fixtureOptions.backend as BackendFixture | undefined);
    const Root = plugin.root;
    if (!Root) {
      throw new Error(`${entry.id}: the app has no root page`);
    }
    const meta = { id: entry.id, name: entry.id, type: PluginType.app, enabled: true, jsonData: {}, info: {}, module: entry.module, baseUrl: '' };
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

main().catch((e: Error) => fail(e.message));
