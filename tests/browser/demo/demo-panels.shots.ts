// Screenshots of the mlwatch panels with data from the local demo stack
// (`npm run demo:screenshots`): starts `npm run demo:local` with the
// compressed timeline, asks the datasource's own query path
// (`build/mlwatch query`) what a dashboard would ask, renders each panel in
// the harness with the answers, in both themes, and saves the images into
// docs/screenshots/demo-*.png for the README and docs/demo.md.
// Then every provisioned dashboard, whole, in the harness's dashboard mode:
// its Prometheus targets against the demo's Prometheus, its mlwatch targets
// through `mlwatch query` (tests/browser/demo/dashboards.ts), saved as
// docs/screenshots/dashboard-<uid>-<theme>.png, and the ML service overview's
// infrastructure row alone as dashboard-infrastructure-row-dark.png.
//
// Not part of the test command (it needs a few minutes of backfill); the
// demo end-to-end test (tests/demo/e2e.test.mjs) checks the same answers.
// Needs a built frontend (`npm run build:frontend`), prometheus and Go.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { DOC_SCREENSHOTS, render, startHarness, type Harness } from '../harness';
import { busiestTrace, dashboardFixture, type DashboardFixture, type DemoContext, type Panel } from './dashboards';

const repo = resolve(__dirname, '..', '..', '..');
const minute = 60_000;

interface DemoInfo {
  datasource: string;
  anchor: string;
  spans: string;
  prometheus: string;
}

interface QueryResult {
  frames?: unknown[];
  error?: string;
}

let stack: ChildProcess | undefined;
let info: DemoInfo;
let dir: string;
let framesDir: string;
let mlwatch: string;
let h: Harness | undefined;

function run(cmd: string, args: string[], what: string): void {
  const r = spawnSync(cmd, args, {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, GOFLAGS: process.env.GOFLAGS ?? '-buildvcs=false -tags=arrow_json_stdlib' },
  });
  if (r.status !== 0) {
    throw new Error(`${what} failed:\n${r.stdout}${r.stderr}`);
  }
}

beforeAll(async () => {
  if (!existsSync(join(repo, 'dist', 'module.js'))) {
    throw new Error('dist/ has no build: run npm run build:frontend first');
  }
  run(process.execPath, [join(repo, 'demo', 'build.mjs')], 'node demo/build.mjs');
  mlwatch = join(repo, 'build', 'mlwatch');
  run('go', ['build', '-o', mlwatch, './cmd/mlwatch'], 'go build ./cmd/mlwatch');
  dir = mkdtempSync(join(tmpdir(), 'mlwatch-demo-shots-'));
  framesDir = join(dir, 'frames');
  mkdirSync(framesDir);
  const args = [
    join(repo, 'scripts', 'demo-local.mjs'),
    ...['--dir', join(dir, 'stack'), '--timeline', 'compressed', '--step', '1m'],
    ...['--gpu-step', '5m', '--gpu-history', '3h', '--ports', 'free', '--scale', '0.3', '--duration', '20m'],
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  stack = child;
  let out = '';
  let err = '';
  child.stderr?.on('data', (d) => (err += d));
  info = await new Promise<DemoInfo>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`the demo stack was not ready in 6 minutes:\n${err.slice(-3000)}`)), 6 * minute);
    child.stdout?.on('data', (d) => {
      out += d;
      const m = /^MLWATCH_DEMO_READY (.+)$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        ok(JSON.parse(m[1]) as DemoInfo);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`demo-local exited (${code}) before it was ready:\n${err.slice(-3000)}`));
    });
  });
}, 8 * minute);

afterAll(async () => {
  await h?.stop();
  if (stack && stack.exitCode === null) {
    const exited = new Promise((r) => stack?.once('exit', r));
    stack.kill('SIGTERM');
    await exited;
  }
  if (dir) {
    rmSync(dir, { recursive: true, force: true });
  }
});

const at = (offset: number) => Date.parse(info.anchor) + offset;
// The compressed timeline (demo/scenario.ts): history from -4h, drift from
// -90m, confidence drop from -80m, straggler gpu-node-05/3 from -60m, LLM
// token spike from -45m.
const reference = () => ({
  mode: 'absolute',
  from: new Date(at(-235 * minute)).toISOString(),
  to: new Date(at(-180 * minute)).toISOString(),
});

/** Runs `mlwatch query` for one query and returns its frames. */
function query(q: Record<string, unknown>, from: number, to: number): unknown[] {
  const file = join(dir, `query-${String(q.refId)}.json`);
  writeFileSync(file, JSON.stringify(q));
  const args = ['query', '--datasource', info.datasource, '--query', file];
  const r = spawnSync(mlwatch, [...args, '--from', new Date(from).toISOString(), '--to', new Date(to).toISOString()], {
    encoding: 'utf8',
    maxBuffer: 256 << 20,
  });
  if (!r.stdout.trim()) {
    throw new Error(`mlwatch query failed (${r.status}): ${r.stderr}`);
  }
  const res = (JSON.parse(r.stdout) as { results: Record<string, QueryResult> }).results[String(q.refId)];
  if (res.error || !res.frames?.length) {
    throw new Error(`query ${String(q.refId)}: ${res.error ?? 'no frames'}`);
  }
  return res.frames;
}

async function shoot(name: string, plugin: string, frames: unknown[], width: number, height: number): Promise<void> {
  const file = `demo-${name}.json`;
  writeFileSync(join(framesDir, file), JSON.stringify(frames));
  if (!h) {
    h = await startHarness(framesDir);
  }
  for (const theme of ['dark', 'light']) {
    const { page, consoleErrors } = await render(h, { plugin, frames: file, theme }, width, height);
    await page.waitForTimeout(300); // icons and fonts settle
    await page.screenshot({ path: join(DOC_SCREENSHOTS, `demo-${name}-${theme}.png`) });
    expect(consoleErrors).toEqual([]);
    await page.close();
  }
}

test('drift heatmap: fraud-detector features over the last three hours', async () => {
  const frames = query(
    {
      refId: 'T',
      queryType: 'drift',
      source: 'prometheus',
      prometheus: { input: 'histogram', metric: 'ml_feature_value', matchers: 'model="fraud-detector"' },
      reference: reference(),
      method: 'jensenshannon',
      overTime: true,
      step: '5m',
      window: '20m',
      format: 'timeseries',
    },
    at(-170 * minute),
    at(-1 * minute)
  );
  await shoot('drift-heatmap', 'mlwatch-driftheatmap-panel', frames, 1100, 520);
}, 120_000);

test('GPU topology: the fleet while gpu-node-05/3 straggles', async () => {
  const frames = query({ refId: 'G', queryType: 'gpu', source: 'prometheus', gpu: {} }, at(-50 * minute), at(-5 * minute));
  await shoot('gpu-topology', 'mlwatch-gputopology-panel', frames, 1200, 700);
}, 120_000);

test('confidence: the confidence drop against its reference', async () => {
  const prom = { input: 'histogram', metric: 'ml_prediction_confidence', matchers: 'model="fraud-detector"' };
  const frames = query(
    { refId: 'D', queryType: 'distribution', source: 'prometheus', prometheus: prom, reference: reference() },
    at(-60 * minute),
    at(-1 * minute)
  );
  await shoot('confidence', 'mlwatch-confidence-panel', frames, 900, 420);
}, 120_000);

test('trace waterfall: one LLM chain of the support assistant', async () => {
  expect(info.spans).toBe('on');
  const search = query(
    {
      refId: 'S',
      queryType: 'traces',
      source: 'clickhouse',
      traces: { schema: 'otel', database: 'otel', service: 'support-assistant', limit: 50 },
    },
    at(-60 * minute),
    at(-20 * minute)
  ) as Array<{ schema: { fields: Array<{ name: string }> }; data: { values: unknown[][] } }>;
  const fields = search[0].schema.fields.map((f) => f.name);
  const ids = search[0].data.values[fields.findIndex((n) => /^trace_?id$/i.test(n))] as string[];
  const spans = search[0].data.values[fields.findIndex((n) => /span.?count/i.test(n))] as number[];
  expect(ids.length).toBeGreaterThan(0);
  // The trace with the most spans shows the whole chain, retries included.
  const best = spans.reduce((b, n, i) => (n > spans[b] ? i : b), 0);
  const frames = query(
    { refId: 'W', queryType: 'traces', source: 'clickhouse', traces: { schema: 'otel', database: 'otel', traceId: ids[best] } },
    at(-60 * minute),
    at(-20 * minute)
  );
  await shoot('trace-waterfall', 'mlwatch-tracewaterfall-panel', frames, 1200, 640);
}, 120_000);

// The dashboards the app provisions (src/plugin.json), each rendered whole.
const DASHBOARD_WIDTH = 1600;
const INFRA_ROW = 'Infrastructure: serving pods';

function provisionedDashboards(): string[] {
  const meta = JSON.parse(readFileSync(join(repo, 'src', 'plugin.json'), 'utf8')) as {
    includes: Array<{ type: string; path?: string }>;
  };
  return meta.includes
    .filter((i) => i.type === 'dashboard' && i.path)
    .map((i) => join(repo, 'provisioning', 'dashboards', String(i.path).split('/').pop()!));
}

const fixtures = new Map<string, DashboardFixture>();

function demoContext(): DemoContext {
  const ref = reference();
  const ctx: DemoContext = {
    prometheus: info.prometheus,
    datasource: info.datasource,
    mlwatch,
    workDir: dir,
    defaults: { model: 'fraud-detector' },
    reference: { from: ref.from, to: ref.to },
  };
  ctx.defaults.trace_id = busiestTrace(ctx, 'support-assistant', at(-60 * minute), at(-20 * minute));
  return ctx;
}

async function shootDashboard(file: string, query: Record<string, string>, out: string): Promise<void> {
  if (!h) {
    h = await startHarness(framesDir);
  }
  const { page, consoleErrors } = await render(h, { dashboard: file, ...query }, DASHBOARD_WIDTH, 900);
  // The whole dashboard in the viewport, so that nothing waits to be scrolled to.
  const height = await page.evaluate(() => document.getElementById('root')!.getBoundingClientRect().height);
  await page.setViewportSize({ width: DASHBOARD_WIDTH, height: Math.ceil(height) });
  await page.waitForTimeout(500); // icons and fonts settle
  await page.locator('#root').screenshot({ path: join(DOC_SCREENSHOTS, out) });
  expect(consoleErrors).toEqual([]);
  await page.close();
}

test('dashboards: every provisioned dashboard with the demo data, both themes', async () => {
  const ctx = demoContext();
  const files = provisionedDashboards();
  expect(files.length).toBe(6);
  for (const path of files) {
    const fixture = await dashboardFixture(ctx, path, at(-180 * minute), at(0));
    const uid = fixture.dashboard.uid.replace(/^mlwatch-/, '');
    fixtures.set(uid, fixture);
    const file = `dashboard-${uid}.json`;
    writeFileSync(join(framesDir, file), JSON.stringify(fixture));
    const failed = Object.entries(fixture.results).filter(([, r]) => r.error);
    for (const [id, r] of failed) {
      console.warn(`${uid} panel ${id}: ${r.error}`);
    }
    for (const theme of ['dark', 'light']) {
      await shootDashboard(file, { theme }, `dashboard-${uid}-${theme}.png`);
    }
  }
}, 10 * minute);

test('dashboards: the service overview infrastructure row has data in every panel', async () => {
  const fixture = fixtures.get('service-overview');
  expect(fixture).toBeDefined();
  const panels = fixture!.dashboard.panels;
  const start = panels.findIndex((p) => p.type === 'row' && p.title === INFRA_ROW);
  expect(start).toBeGreaterThanOrEqual(0);
  const next = panels.findIndex((p, i) => i > start && p.type === 'row');
  const row: Panel[] = panels.slice(start + 1, next < 0 ? undefined : next);
  expect(row.length).toBeGreaterThan(0);
  for (const p of row.filter((q) => q.targets?.some((t) => t.datasource?.type === 'prometheus'))) {
    const r = fixture!.results[String(p.id)];
    expect({ panel: p.title, error: r?.error }).toEqual({ panel: p.title, error: undefined });
    const points = (r?.frames ?? []).reduce((n, f) => n + (f.data.values[0]?.length ?? 0), 0);
    expect({ panel: p.title, empty: points === 0 }).toEqual({ panel: p.title, empty: false });
  }
  await shootDashboard('dashboard-service-overview.json', { theme: 'dark', row: INFRA_ROW }, 'dashboard-infrastructure-row-dark.png');
}, 2 * minute);
