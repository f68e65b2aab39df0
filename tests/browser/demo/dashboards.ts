// What Grafana would ask the demo stack for each provisioned dashboard: the
// variables resolved, every Prometheus target run against Prometheus's HTTP
// API and turned into data frames as Grafana's Prometheus datasource shapes
// them, every mlwatch target run through `build/mlwatch query`. The result is
// one fixture per dashboard for the harness's dashboard mode
// (tests/harness/dashboard.tsx).
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const minute = 60_000;

export interface Target {
  refId: string;
  datasource?: { type?: string; uid?: string };
  expr?: string;
  legendFormat?: string;
  instant?: boolean;
  range?: boolean;
  format?: string;
  hide?: boolean;
  [key: string]: unknown;
}

export interface Panel {
  id: number;
  type: string;
  title?: string;
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: Target[];
  panels?: Panel[];
  [key: string]: unknown;
}

interface Variable {
  name: string;
  type: string;
  query?: unknown;
  current?: { value?: string | string[]; text?: string | string[] };
  options?: Array<{ value: string }>;
  allValue?: string | null;
}

export interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating?: { list: Variable[] };
}

export interface Frame {
  schema: {
    refId?: string;
    name?: string;
    meta?: Record<string, unknown>;
    fields: Array<{ name: string; type: string; labels?: Record<string, string>; config?: Record<string, unknown> }>;
  };
  data: { values: unknown[][] };
}

export interface PanelResult {
  frames: Frame[];
  error?: string;
}

export interface DashboardFixture {
  dashboard: Dashboard;
  timeRange: { from: number; to: number };
  variables: Record<string, string>;
  results: Record<string, PanelResult>;
}

export interface DemoContext {
  prometheus: string;
  datasource: string;
  mlwatch: string;
  workDir: string;
  /** The demo's values for variables whose first value would show little (e.g. model). */
  defaults: Record<string, string>;
  /**
   * The compressed timeline keeps hours, not weeks, of history: targets that
   * compare with "a week ago" use this window instead (the demo's reference).
   */
  reference: { from: string; to: string };
}

/** Grafana's built-in variables for a range and a one-minute interval. */
function builtins(from: number, to: number): Record<string, string> {
  const seconds = Math.round((to - from) / 1000);
  return {
    __interval: '1m',
    __interval_ms: '60000',
    // max(interval + scrape, 4 x scrape) with the backfill's one-minute samples.
    __rate_interval: '4m',
    __range: `${seconds}s`,
    __range_s: String(seconds),
    __range_ms: String(seconds * 1000),
  };
}

const regexEscape = (s: string) => s.replace(/[\\^$*+?.()|[\]{}]/g, '\\$&');

/** Replaces $var, ${var}, ${var:format} and [[var]]; unknown names stay. */
export function interpolate(text: string, vars: Record<string, string>): string {
  return text
    .replace(/\$\{(\w+)(?::[^}]*)?\}/g, (whole, name: string) => vars[name] ?? whole)
    .replace(/\[\[(\w+)\]\]/g, (whole, name: string) => vars[name] ?? whole)
    .replace(/\$(\w+)/g, (whole, name: string) => vars[name] ?? whole);
}

async function promGet<T>(ctx: DemoContext, path: string, params: Record<string, string>): Promise<T> {
  const resp = await fetch(`${ctx.prometheus}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
  });
  const body = (await resp.json()) as { status: string; data: T; error?: string };
  if (body.status !== 'success') {
    throw new Error(`prometheus ${path}: ${body.error ?? resp.status}`);
  }
  return body.data;
}

/** The values of a label_values(selector, label) or label_values(label) variable query. */
async function labelValues(ctx: DemoContext, query: string, vars: Record<string, string>, from: number, to: number) {
  const m = /^\s*label_values\((?:(.+),\s*)?(\w+)\)\s*$/.exec(interpolate(query, vars));
  if (!m) {
    throw new Error(`variable query not understood: ${query}`);
  }
  const params: Record<string, string> = { start: String(from / 1000), end: String(to / 1000) };
  if (m[1]) {
    params['match[]'] = m[1];
  }
  const qs = new URLSearchParams(params).toString();
  const resp = await fetch(`${ctx.prometheus}/api/v1/label/${m[2]}/values?${qs}`);
  const body = (await resp.json()) as { data?: string[] };
  return (body.data ?? []).sort();
}

/**
 * Each variable's value as Grafana would send it: the demo default when
 * given, else "All" as a regex of every value, else the current or first value.
 */
async function resolveVariables(ctx: DemoContext, d: Dashboard, from: number, to: number) {
  const vars: Record<string, string> = { ...builtins(from, to) };
  const shown: Record<string, string> = {};
  for (const v of d.templating?.list ?? []) {
    const current = Array.isArray(v.current?.value) ? v.current?.value[0] : v.current?.value;
    let value = current ?? '';
    let text = value;
    if (v.type === 'datasource') {
      value = v.name;
      text = v.name;
    } else if (ctx.defaults[v.name] !== undefined) {
      value = ctx.defaults[v.name];
      text = value;
    } else if (v.type === 'query') {
      const q = typeof v.query === 'string' ? v.query : String((v.query as { query?: string }).query ?? '');
      const values = await labelValues(ctx, q, vars, from, to);
      if (current === '$__all') {
        value = v.allValue ?? (values.length ? `(${values.map(regexEscape).join('|')})` : '.*');
        text = 'All';
      } else {
        value = values.includes(value) ? value : (values[0] ?? '');
        text = value;
      }
    } else if (v.type === 'custom' && !value) {
      value = v.options?.[0]?.value ?? String(v.query ?? '').split(',')[0];
      text = value;
    }
    vars[v.name] = value;
    shown[v.name] = text;
  }
  return { vars, shown };
}

type Sample = [number, string];
interface PromSeries {
  metric: Record<string, string>;
  values?: Sample[];
  value?: Sample;
}

/** Grafana's series name when no legend is given: metric{label="value", ...}. */
function seriesName(metric: Record<string, string>): string {
  const { __name__: name = '', ...labels } = metric;
  const inner = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(', ');
  return inner ? `${name}{${inner}}` : name || 'Value';
}

function legend(format: string | undefined, metric: Record<string, string>): string {
  if (!format || format === '__auto') {
    return seriesName(metric);
  }
  return format.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, k: string) => metric[k] ?? '');
}

const num = (s: string) => {
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
};

/** Runs one Prometheus target as Grafana's datasource would and returns its frames. */
async function promTarget(
  ctx: DemoContext,
  t: Target,
  vars: Record<string, string>,
  from: number,
  to: number,
  many: boolean
) {
  const query = interpolate(t.expr ?? '', vars);
  const table = t.format === 'table';
  if (t.instant && !t.range) {
    const data = await promGet<{ result: PromSeries[] }>(ctx, '/api/v1/query', { query, time: String(to / 1000) });
    if (table) {
      const keys = [
        ...new Set(data.result.flatMap((s) => Object.keys(s.metric).filter((k) => k !== '__name__'))),
      ].sort();
      const valueName = many ? `Value #${t.refId}` : 'Value';
      const frame: Frame = {
        schema: {
          refId: t.refId,
          meta: { typeVersion: [0, 0] },
          fields: [
            { name: 'Time', type: 'time' },
            ...keys.map((k) => ({ name: k, type: 'string' })),
            { name: valueName, type: 'number' },
          ],
        },
        data: {
          values: [
            data.result.map((s) => (s.value?.[0] ?? 0) * 1000),
            ...keys.map((k) => data.result.map((s) => s.metric[k] ?? '')),
            data.result.map((s) => num(s.value?.[1] ?? 'NaN')),
          ],
        },
      };
      return [frame];
    }
    return data.result.map((s) => seriesFrame(t, s.metric, s.value ? [s.value] : []));
  }
  const data = await promGet<{ result: PromSeries[] }>(ctx, '/api/v1/query_range', {
    query,
    start: String(from / 1000),
    end: String(to / 1000),
    step: '60',
  });
  return data.result.map((s) => seriesFrame(t, s.metric, s.values ?? []));
}

function seriesFrame(t: Target, metric: Record<string, string>, samples: Sample[]): Frame {
  const { __name__: name, ...labels } = metric;
  const display = legend(t.legendFormat, metric);
  return {
    schema: {
      refId: t.refId,
      name: display,
      meta: { type: 'timeseries-multi', typeVersion: [0, 1] },
      fields: [
        { name: 'Time', type: 'time', config: { interval: minute } },
        { name: name ?? 'Value', type: 'number', labels, config: { displayNameFromDS: display } },
      ],
    },
    data: { values: [samples.map((s) => s[0] * 1000), samples.map((s) => num(s[1]))] },
  };
}

/** Runs one mlwatch target through `mlwatch query`, as the datasource's backend would. */
function mlwatchTarget(ctx: DemoContext, t: Target, vars: Record<string, string>, from: number, to: number): Frame[] {
  // Values go into JSON strings: escaped as JSON.
  const escaped = Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, JSON.stringify(v).slice(1, -1)]));
  const q = JSON.parse(interpolate(JSON.stringify(t), escaped)) as Record<string, unknown>;
  delete q.datasource;
  const ref = q.reference as { mode?: string; offset?: string } | undefined;
  if (ref?.mode === 'offset') {
    q.reference = { mode: 'absolute', ...ctx.reference };
  }
  const file = join(ctx.workDir, `dash-query-${t.refId}.json`);
  writeFileSync(file, JSON.stringify(q));
  const args = ['query', '--datasource', ctx.datasource, '--query', file];
  const r = spawnSync(
    ctx.mlwatch,
    [...args, '--from', new Date(from).toISOString(), '--to', new Date(to).toISOString()],
    {
      encoding: 'utf8',
      maxBuffer: 256 << 20,
    }
  );
  if (!r.stdout.trim()) {
    throw new Error(`mlwatch query failed (${r.status}): ${r.stderr}`);
  }
  const res = (JSON.parse(r.stdout) as { results: Record<string, { frames?: Frame[]; error?: string }> }).results[
    t.refId
  ];
  if (res?.error) {
    throw new Error(res.error);
  }
  return (res?.frames ?? []).map((f) => ({ ...f, schema: { ...f.schema, refId: t.refId } }));
}

function allPanels(panels: Panel[]): Panel[] {
  return panels.flatMap((p) => [p, ...(p.panels ?? [])]);
}

/** Builds the fixture for one dashboard file over [from, to]. */
export async function dashboardFixture(
  ctx: DemoContext,
  file: string,
  from: number,
  to: number
): Promise<DashboardFixture> {
  const dashboard = JSON.parse(readFileSync(file, 'utf8')) as Dashboard;
  const { vars, shown } = await resolveVariables(ctx, dashboard, from, to);
  const results: Record<string, PanelResult> = {};
  for (const panel of allPanels(dashboard.panels)) {
    const targets = (panel.targets ?? []).filter((t) => !t.hide);
    if (panel.type === 'row' || targets.length === 0) {
      continue;
    }
    const frames: Frame[] = [];
    const errors: string[] = [];
    for (const t of targets) {
      const type = t.datasource?.type ?? '';
      try {
        if (type === 'prometheus') {
          frames.push(...(await promTarget(ctx, t, vars, from, to, targets.length > 1)));
        } else if (type === 'mlwatch-ml-datasource') {
          frames.push(...mlwatchTarget(ctx, t, vars, from, to));
        } else {
          errors.push(`${t.refId}: no datasource of type ${type} in the demo`);
        }
      } catch (e) {
        errors.push(`${t.refId}: ${(e as Error).message}`);
      }
    }
    results[String(panel.id)] = { frames, ...(errors.length ? { error: errors.join('; ') } : {}) };
  }
  return { dashboard, timeRange: { from, to }, variables: shown, results };
}

/** The trace with the most spans among a service's traces in [from, to], for $trace_id. */
export function busiestTrace(ctx: DemoContext, service: string, from: number, to: number): string {
  const frames = mlwatchTarget(
    ctx,
    {
      refId: 'S',
      queryType: 'traces',
      source: 'clickhouse',
      traces: { schema: 'otel', database: 'otel', service, limit: 50 },
    },
    {},
    from,
    to
  );
  const f = frames[0];
  const names = f.schema.fields.map((x) => x.name);
  const ids = f.data.values[names.findIndex((n) => /^trace_?id$/i.test(n))] as string[];
  const spans = f.data.values[names.findIndex((n) => /span.?count/i.test(n))] as number[];
  const best = spans.reduce((b, n, i) => (n > spans[b] ? i : b), 0);
  return ids[best];
}
