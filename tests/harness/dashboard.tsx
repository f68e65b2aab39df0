/**
 * The harness's dashboard mode: lays out a dashboard's panels on Grafana's
 * 24-column grid and draws each one from fixture frames.
 *
 * URL: /?dashboard=<fixture file>&width=W&theme=dark|light[&row=<row title>]
 *
 * The fixture holds the dashboard JSON, the time range, the variable values
 * and each panel's answer (frames, or the query's error), by panel id.
 * Core panel types are drawn with @grafana/ui's components (timeseries ->
 * TimeSeries, stat -> BigValue, table -> Table), mlwatch panels with their
 * own plugin from dist/, anything else as a box naming the type.
 */
import {
  applyFieldOverrides,
  type DataFrame,
  dataFrameFromJSON,
  type DataFrameJSON,
  type DataTransformerConfig,
  type DataTransformerInfo,
  dateTime,
  EventBusSrv,
  FieldColorModeId,
  type FieldConfigSource,
  getFieldDisplayName,
  getFieldDisplayValues,
  type GrafanaTheme2,
  type InterpolateFunction,
  LoadingState,
  PanelPlugin,
  type ReduceDataOptions,
  standardTransformers,
  standardTransformersRegistry,
  type TimeRange,
  transformDataFrame,
} from '@grafana/data';
import { BigValue, BigValueColorMode, BigValueGraphMode, BigValueTextMode, PanelChrome, TimeSeries } from '@grafana/ui';
// Grafana's own table panel draws with TableNG; the older Table (TableRT)
// does not render in the harness's bundle.
import { TableNG } from '@grafana/ui/unstable';
import { type TableCellHeight } from '@grafana/schema';
import lodash from 'lodash';
import React from 'react';
import { lastValueFrom } from 'rxjs';

/** One panel as a dashboard's JSON holds it (the fields the harness reads). */
export interface DashboardPanel {
  id: number;
  type: string;
  title?: string;
  gridPos: { x: number; y: number; w: number; h: number };
  options?: Record<string, unknown>;
  fieldConfig?: Partial<FieldConfigSource>;
  transformations?: DataTransformerConfig[];
  panels?: DashboardPanel[];
  collapsed?: boolean;
}

export interface PanelResult {
  frames: DataFrameJSON[];
  error?: string;
}

export interface DashboardFixture {
  dashboard: { title: string; panels: DashboardPanel[] };
  /** Epoch milliseconds. */
  timeRange: { from: number; to: number };
  variables: Record<string, string>;
  /** By panel id. */
  results: Record<string, PanelResult>;
}

export interface DashboardDeps {
  theme: GrafanaTheme2;
  width: number;
  row: string | null;
  /** Loads the panel plugin with this id from dist/, or undefined when dist has none. */
  loadPanel: (id: string) => Promise<PanelPlugin | undefined>;
  optionDefaults: (plugin: PanelPlugin, frames: DataFrame[]) => Record<string, unknown>;
  replaceVariables: InterpolateFunction;
}

const CELL_HEIGHT = 30;
const MARGIN = 8;
const PAD = 16;
const HEADER = 56;

let transformersReady = false;

function initTransformers() {
  if (transformersReady) {
    return;
  }
  transformersReady = true;
  // Deprecated aliases share their id with the transformer they name.
  const unique = lodash.uniqBy(Object.values(standardTransformers), (t) => t.id);
  standardTransformersRegistry.setInit(() =>
    unique.map((t) => ({
      id: t.id,
      name: t.name,
      description: t.description,
      transformation: () => Promise.resolve(t as DataTransformerInfo),
      editor: () => null,
      imageDark: '',
      imageLight: '',
    }))
  );
}

/** Replaces $var, ${var}, ${var:format} and [[var]] with the fixture's values. */
export function applyVariables(text: string, vars: Record<string, string>): string {
  return text
    .replace(/\$\{(\w+)(?::[^}]*)?\}/g, (whole, name: string) => vars[name] ?? whole)
    .replace(/\[\[(\w+)\]\]/g, (whole, name: string) => vars[name] ?? whole)
    .replace(/\$(\w+)/g, (whole, name: string) => vars[name] ?? whole);
}

/** The panels to draw: all, flattened out of collapsed rows, or one row's. */
function selectPanels(all: DashboardPanel[], row: string | null): DashboardPanel[] {
  const flat: DashboardPanel[] = [];
  for (const p of [...all].sort((a, b) => a.gridPos.y - b.gridPos.y || a.gridPos.x - b.gridPos.x)) {
    flat.push(p);
    if (p.type === 'row' && p.panels?.length) {
      flat.push(...p.panels);
    }
  }
  if (!row) {
    return flat;
  }
  const start = flat.findIndex((p) => p.type === 'row' && p.title === row);
  if (start < 0) {
    throw new Error(
      `no row titled "${row}"; rows: ${flat
        .filter((p) => p.type === 'row')
        .map((p) => p.title)
        .join(', ')}`
    );
  }
  const top = flat[start].gridPos.y;
  const next = flat.findIndex((p, i) => i > start && p.type === 'row');
  const picked = flat.slice(start, next < 0 ? undefined : next);
  return picked.map((p) => ({ ...p, gridPos: { ...p.gridPos, y: p.gridPos.y - top } }));
}

/** Frames after the panel's transformations and field config, ready to draw. */
async function prepare(
  panel: DashboardPanel,
  result: PanelResult | undefined,
  fieldConfig: FieldConfigSource,
  deps: DashboardDeps
): Promise<DataFrame[]> {
  let frames = (result?.frames ?? []).map((f) => dataFrameFromJSON(f));
  if (panel.transformations?.length && frames.length) {
    frames = await lastValueFrom(transformDataFrame(panel.transformations, frames));
  }
  const series = applyFieldOverrides({
    data: frames,
    fieldConfig,
    replaceVariables: deps.replaceVariables,
    theme: deps.theme,
    timeZone: 'utc',
  });
  // Tables head their columns with state.displayName (renames by the
  // organize transformation live in config.displayName), as Grafana fills it.
  for (const frame of series) {
    for (const field of frame.fields) {
      field.state = { ...field.state, displayName: getFieldDisplayName(field, frame, series) };
    }
  }
  return series;
}

const TIMESERIES_CUSTOM = {
  drawStyle: 'line',
  lineInterpolation: 'linear',
  lineWidth: 1,
  fillOpacity: 0,
  showPoints: 'never',
  pointSize: 4,
  spanNulls: false,
  axisPlacement: 'auto',
  axisBorderShow: false,
  stacking: { mode: 'none', group: 'A' },
  thresholdsStyle: { mode: 'off' },
};

function fieldConfigOf(panel: DashboardPanel, plugin?: PanelPlugin): FieldConfigSource {
  const base: FieldConfigSource = {
    defaults: lodash.cloneDeep(plugin?.fieldConfigDefaults.defaults ?? {}),
    overrides: [],
  };
  if (panel.type === 'timeseries') {
    // Grafana's time series panel: one palette colour per series by default.
    base.defaults.color = { mode: FieldColorModeId.PaletteClassic };
    base.defaults.custom = lodash.cloneDeep(TIMESERIES_CUSTOM);
  }
  return lodash.merge(base, lodash.cloneDeep(panel.fieldConfig ?? {}));
}

function hasValues(frames: DataFrame[]): boolean {
  return frames.some((f) => f.length > 0 && f.fields.length > 0);
}

function Centered({ children, width, height }: { children: React.ReactNode; width: number; height: number }) {
  return (
    <div style={{ width, height, display: 'flex', alignItems: 'center', justifyContent: 'center', opacity: 0.75 }}>
      {children}
    </div>
  );
}

interface BodyProps {
  panel: DashboardPanel;
  frames: DataFrame[];
  fieldConfig: FieldConfigSource;
  plugin?: PanelPlugin;
  timeRange: TimeRange;
  width: number;
  height: number;
  deps: DashboardDeps;
}

function StatBody({ panel, frames, fieldConfig, width, height, deps }: BodyProps) {
  const options = (panel.options ?? {}) as {
    reduceOptions?: Partial<ReduceDataOptions>;
    colorMode?: BigValueColorMode;
    graphMode?: BigValueGraphMode;
    textMode?: BigValueTextMode;
  };
  const reduceOptions: ReduceDataOptions = { calcs: ['lastNotNull'], values: false, ...options.reduceOptions };
  const graphMode = options.graphMode ?? BigValueGraphMode.Area;
  const values = getFieldDisplayValues({
    data: frames,
    reduceOptions,
    fieldConfig,
    replaceVariables: deps.replaceVariables,
    theme: deps.theme,
    sparkline: graphMode !== BigValueGraphMode.None,
    timeZone: 'utc',
  });
  const horizontal = width >= height;
  const w = horizontal ? width / values.length : width;
  const h = horizontal ? height : height / values.length;
  return (
    <div style={{ display: 'flex', flexDirection: horizontal ? 'row' : 'column', width, height }}>
      {values.map((v, i) => (
        <BigValue
          key={i}
          value={v.display}
          sparkline={v.sparkline}
          width={w}
          height={h}
          theme={deps.theme}
          colorMode={options.colorMode ?? BigValueColorMode.Value}
          graphMode={graphMode}
          textMode={options.textMode ?? BigValueTextMode.Auto}
          count={values.length}
        />
      ))}
    </div>
  );
}

function PanelBody(props: BodyProps) {
  const { panel, frames, plugin, width, height, timeRange, fieldConfig, deps } = props;
  if (plugin) {
    const Panel = plugin.panel!;
    const options = lodash.merge(deps.optionDefaults(plugin, frames), lodash.cloneDeep(panel.options ?? {}));
    return (
      <Panel
        id={panel.id}
        data={{ state: LoadingState.Done, series: frames, timeRange }}
        timeRange={timeRange}
        timeZone="utc"
        options={options}
        fieldConfig={fieldConfig}
        transparent={false}
        width={width}
        height={height}
        renderCounter={1}
        title={panel.title ?? ''}
        eventBus={new EventBusSrv()}
        onOptionsChange={() => {}}
        onFieldConfigChange={() => {}}
        replaceVariables={deps.replaceVariables}
        onChangeTimeRange={() => {}}
      />
    );
  }
  if (panel.type === 'stat') {
    return <StatBody {...props} />;
  }
  if (panel.type !== 'timeseries' && panel.type !== 'table') {
    return (
      <Centered width={width} height={height}>
        {`Grafana's ${panel.type} panel (not drawn in the harness)`}
      </Centered>
    );
  }
  if (!hasValues(frames)) {
    return (
      <Centered width={width} height={height}>
        No data
      </Centered>
    );
  }
  if (panel.type === 'timeseries') {
    const options = (panel.options ?? {}) as { legend?: Record<string, unknown> };
    const legend = { showLegend: true, displayMode: 'list', placement: 'bottom', calcs: [], ...options.legend };
    return (
      <TimeSeries
        frames={frames}
        timeRange={timeRange}
        timeZone="utc"
        width={width}
        height={height}
        legend={legend as never}
        options={panel.options}
      />
    );
  }
  const options = (panel.options ?? {}) as { cellHeight?: TableCellHeight; showHeader?: boolean };
  return (
    <TableNG
      data={frames[0]}
      width={width}
      height={height}
      cellHeight={options.cellHeight}
      noHeader={options.showHeader === false}
      fieldConfig={fieldConfig}
      timeRange={timeRange}
      enableVirtualization={false}
    />
  );
}

interface Placed {
  panel: DashboardPanel;
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Renders the fixture's dashboard; resolves with the page's size once laid out. */
export async function renderDashboard(fixture: DashboardFixture, deps: DashboardDeps): Promise<React.ReactNode> {
  initTransformers();
  const vars = fixture.variables;
  const panels = selectPanels(fixture.dashboard.panels, deps.row);
  const inner = deps.width - 2 * PAD;
  const col = (inner - MARGIN * 23) / 24;
  const placed: Placed[] = panels.map((panel) => {
    const { x, y, w, h } = panel.gridPos;
    return {
      panel,
      left: PAD + x * (col + MARGIN),
      top: HEADER + y * (CELL_HEIGHT + MARGIN),
      width: w * col + (w - 1) * MARGIN,
      height: h * CELL_HEIGHT + (h - 1) * MARGIN,
    };
  });
  const bottom = placed.reduce((m, p) => Math.max(m, p.top + p.height), HEADER) + PAD;
  const timeRange: TimeRange = {
    from: dateTime(fixture.timeRange.from),
    to: dateTime(fixture.timeRange.to),
    raw: { from: dateTime(fixture.timeRange.from), to: dateTime(fixture.timeRange.to) },
  };

  const drawn: React.ReactNode[] = [];
  for (const p of placed) {
    const { panel } = p;
    const title = applyVariables(panel.title ?? '', vars);
    if (panel.type === 'row') {
      drawn.push(
        <div
          key={panel.id}
          data-row={panel.title}
          style={{
            position: 'absolute',
            left: p.left,
            top: p.top,
            width: p.width,
            height: p.height,
            display: 'flex',
            alignItems: 'center',
            fontSize: deps.theme.typography.h5.fontSize,
            fontWeight: deps.theme.typography.fontWeightMedium,
            borderBottom: `1px solid ${deps.theme.colors.border.weak}`,
          }}
        >
          {title}
        </div>
      );
      continue;
    }
    const plugin = panel.type.startsWith('mlwatch-') ? await deps.loadPanel(panel.type) : undefined;
    const fieldConfig = fieldConfigOf(panel, plugin);
    const result = fixture.results[String(panel.id)];
    const frames = await prepare(panel, result, fieldConfig, deps);
    drawn.push(
      <div
        key={panel.id}
        data-panel-id={panel.id}
        data-panel-type={panel.type}
        data-frames={frames.length}
        data-rows={frames.reduce((n, f) => n + f.length, 0)}
        style={{ position: 'absolute', left: p.left, top: p.top }}
      >
        <PanelChrome
          title={title}
          width={p.width}
          height={p.height}
          statusMessage={result?.error}
          loadingState={LoadingState.Done}
        >
          {(w: number, h: number) => (
            <PanelBody
              panel={panel}
              frames={frames}
              fieldConfig={fieldConfig}
              plugin={plugin}
              timeRange={timeRange}
              width={w}
              height={h}
              deps={deps}
            />
          )}
        </PanelChrome>
      </div>
    );
  }

  const fmt = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
  const shown = Object.entries(vars)
    .filter(([k]) => !k.startsWith('__') && k !== 'prometheus' && k !== 'mlwatch')
    .map(([k, v]) => `${k}: ${v || '(empty)'}`)
    .join('   ');
  return (
    <div style={{ position: 'relative', width: deps.width, height: bottom }}>
      <div
        style={{
          position: 'absolute',
          left: PAD,
          top: 12,
          right: PAD,
          display: 'flex',
          alignItems: 'baseline',
          gap: 24,
          whiteSpace: 'nowrap',
          overflow: 'hidden',
        }}
      >
        <span
          style={{ fontSize: deps.theme.typography.h4.fontSize, fontWeight: deps.theme.typography.fontWeightMedium }}
        >
          {fixture.dashboard.title}
          {deps.row ? ` / ${deps.row}` : ''}
        </span>
        <span style={{ color: deps.theme.colors.text.secondary, fontSize: deps.theme.typography.bodySmall.fontSize }}>
          {shown}
        </span>
        <span
          style={{
            marginLeft: 'auto',
            color: deps.theme.colors.text.secondary,
            fontSize: deps.theme.typography.bodySmall.fontSize,
          }}
        >
          {`${fmt(fixture.timeRange.from)} to ${fmt(fixture.timeRange.to)} UTC`}
        </span>
      </div>
      {drawn}
    </div>
  );
}
