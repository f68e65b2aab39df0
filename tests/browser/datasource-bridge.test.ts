/**
 * The datasource's editors in Chromium against the REAL backend: the harness
 * page runs in backend=proxy mode, the harness server proxies /api/* to
 * tests/bridge, and the bridge answers with the built plugin binary (started
 * over go-plugin/gRPC, as Grafana does) and a Prometheus backfilled with the
 * fixture below. Needs `npm run build` (frontend and backend) first.
 *
 * The click-through tests are the issue's "done" criterion: someone who has
 * never seen mlwatch configures the datasource and builds each query type by
 * clicking only; the query JSON the editor produced is read from
 * window.__harness.events and then run through /api/ds/query.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { chromium, type Browser, type Page } from 'playwright-core';

import { ARTIFACTS, DOC_SCREENSHOTS, FIXTURES } from './harness';

const repo = resolve(__dirname, '..', '..');

interface HarnessEvent {
  type: string;
  payload: unknown;
}

// ---------------------------------------------------------------------------
// Prometheus fixture: three hours at a one-minute step, ending now.
// ---------------------------------------------------------------------------

const STEP_S = 60;
const MINUTES = 180;
const FEATURE_BOUNDS = [0.5, 1, 1.5, 2, 3, Infinity];
const CONFIDENCE_BOUNDS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, Infinity];

/** A small deterministic generator, so every run backfills the same numbers. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function normal(r: () => number, mean: number, sd: number) {
  const u = Math.max(r(), 1e-9);
  return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
}

const le = (b: number) => (b === Infinity ? '+Inf' : String(b));

/**
 * OpenMetrics text for promtool:
 * - ml_feature_value{model="fraud",feature=age|amount|income}: amount drifts
 *   (mean 1 -> 2) for the last hour, the others do not;
 * - ml_prediction_confidence{model="fraud"}: lower in the last hour;
 * - ml_requests_total{model="fraud",version="v1",code="200"};
 * - DCGM_FI_DEV_GPU_UTIL and DCGM_FI_PROF_SM_ACTIVE for 4 GPUs on 2 hosts in
 *   namespace "training"; node-b GPU 3 straggles.
 */
export function prometheusFixture(nowSec: number): string {
  const start = nowSec - MINUTES * STEP_S;
  const onset = MINUTES - 60;
  const out: string[] = [];
  const histogram = (name: string, labels: string, bounds: number[], observe: (m: number) => number[]) => {
    const cum = bounds.map(() => 0);
    for (let m = 0; m <= MINUTES; m++) {
      for (const v of m > 0 ? observe(m) : []) {
        bounds.forEach((b, i) => {
          if (v <= b) {
            cum[i]++;
          }
        });
      }
      bounds.forEach((b, i) => out.push(`${name}_bucket{${labels},le="${le(b)}"} ${cum[i]} ${start + m * STEP_S}`));
    }
  };
  out.push('# TYPE ml_feature_value histogram');
  ['age', 'amount', 'income'].forEach((feature, fi) => {
    const r = rng(fi + 1);
    histogram('ml_feature_value', `model="fraud",feature="${feature}"`, FEATURE_BOUNDS, (m) =>
      Array.from({ length: 40 }, () => normal(r, feature === 'amount' && m > onset ? 2 : 1, 0.4))
    );
  });
  out.push('# TYPE ml_prediction_confidence histogram');
  {
    const r = rng(99);
    histogram('ml_prediction_confidence', 'model="fraud"', CONFIDENCE_BOUNDS, (m) =>
      Array.from({ length: 30 }, () => Math.min(1, Math.max(0, normal(r, m > onset ? 0.6 : 0.8, 0.1))))
    );
  }
  out.push('# TYPE ml_requests counter');
  for (let m = 0; m <= MINUTES; m++) {
    out.push(`ml_requests_total{model="fraud",version="v1",code="200"} ${m * 120} ${start + m * STEP_S}`);
  }
  const gpus = [
    { host: 'node-a', gpu: '0', pod: 'trainer-0', util: 92 },
    { host: 'node-a', gpu: '1', pod: 'trainer-0', util: 90 },
    { host: 'node-b', gpu: '2', pod: 'trainer-1', util: 91 },
    { host: 'node-b', gpu: '3', pod: 'trainer-1', util: 35 },
  ];
  for (const metric of ['DCGM_FI_DEV_GPU_UTIL', 'DCGM_FI_PROF_SM_ACTIVE']) {
    out.push(`# TYPE ${metric} gauge`);
    for (const g of gpus) {
      const labels = `Hostname="${g.host}",gpu="${g.gpu}",UUID="GPU-${g.host}-${g.gpu}",modelName="NVIDIA H100 80GB HBM3",namespace="training",pod="${g.pod}",container="main"`;
      for (let m = 0; m <= MINUTES; m++) {
        const v = metric === 'DCGM_FI_DEV_GPU_UTIL' ? g.util : g.util / 100;
        out.push(`${metric}{${labels}} ${v} ${start + m * STEP_S}`);
      }
    }
  }
  out.push('# EOF');
  return out.join('\n') + '\n';
}

// ---------------------------------------------------------------------------
// Processes: the bridge (built once with go build) and the harness server.
// ---------------------------------------------------------------------------

function waitForLine(child: ChildProcess, re: RegExp, what: string, timeoutMs: number): Promise<RegExpMatchArray> {
  return new Promise((ok, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`${what} did not start in ${timeoutMs} ms: ${out}`)), timeoutMs);
    const onData = (b: Buffer) => {
      out += b.toString();
      const m = out.match(re);
      if (m) {
        clearTimeout(timer);
        ok(m);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`${what} exited with ${code}: ${out}`));
    });
  });
}

interface Env {
  dir: string;
  bridge: ChildProcess;
  bridgeUrl: string;
  promUrl: string;
  harness: ChildProcess;
  url: string;
  browser: Browser;
}

let env: Env;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlwatch-dsbridge-'));
  const bin = join(dir, 'bridge');
  const build = spawnSync('go', ['build', '-o', bin, './tests/bridge'], { cwd: repo, encoding: 'utf8' });
  if (build.status !== 0) {
    throw new Error(`go build ./tests/bridge failed: ${build.stderr}`);
  }
  const fixture = join(dir, 'prometheus.om');
  writeFileSync(fixture, prometheusFixture(Math.floor(Date.now() / 1000)));
  // The datasource as provisioned, without Prometheus: the bridge points it at the fixture server.
  const yaml = join(dir, 'datasource.yaml');
  writeFileSync(
    yaml,
    'apiVersion: 1\ndatasources:\n  - name: mlwatch\n    type: mlwatch-ml-datasource\n    uid: mlwatch\n    jsonData:\n      prometheus:\n        auth: none\n'
  );
  const bridge = spawn(
    bin,
    ['--datasource', yaml, '--listen', '127.0.0.1:0', '--prometheus-fixture', fixture, '--stdin-eof'],
    {
      cwd: repo,
      stdio: ['pipe', 'pipe', 'pipe'],
    }
  );
  const [, promUrl] = await waitForLine(bridge, /bridge prometheus on (\S+)/, 'bridge Prometheus', 120000);
  const [, bridgeUrl] = await waitForLine(bridge, /bridge listening on (\S+)/, 'bridge', 60000);
  const harness = spawn(
    process.execPath,
    [join(repo, 'tests', 'harness', 'server.mjs'), '--port', '0', '--fixtures', FIXTURES, '--backend', bridgeUrl],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    }
  );
  const [, url] = await waitForLine(harness, /harness listening on (\S+)/, 'harness', 60000);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
  env = { dir, bridge, bridgeUrl, promUrl, harness, url, browser };
}, 240000);

afterAll(async () => {
  await env?.browser.close();
  env?.harness.kill('SIGTERM');
  env?.bridge.stdin?.end();
  env?.bridge.kill('SIGTERM');
  if (env?.dir) {
    rmSync(env.dir, { recursive: true, force: true });
  }
});

// ---------------------------------------------------------------------------
// Page helpers
// ---------------------------------------------------------------------------

interface Opened {
  page: Page;
  consoleErrors: string[];
}

async function open(query: Record<string, string>, width = 1100, height = 900): Promise<Opened> {
  const page = await env.browser.newPage({ viewport: { width, height } });
  const consoleErrors: string[] = [];
  page.on('console', (msg) => {
    // Failed resource calls are logged by Chromium as console errors; they are expected where a
    // route does not exist yet (ClickHouse pickers) and are checked through the events instead.
    if (msg.type() === 'error' && !/Failed to load resource/.test(msg.text())) {
      consoleErrors.push(msg.text());
    }
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  const qs = new URLSearchParams({
    plugin: 'mlwatch-ml-datasource',
    backend: 'proxy',
    uid: 'mlwatch',
    width: String(width - 40),
    height: String(height - 40),
    ...query,
  });
  await page.goto(`${env.url}/?${qs}`);
  await page.waitForFunction(
    () => document.body.dataset.renderedMs !== undefined || document.body.dataset.error !== undefined,
    null,
    { timeout: 60000 }
  );
  const error = await page.evaluate(() => document.body.dataset.error);
  if (error) {
    throw new Error(`harness error: ${error}`);
  }
  return { page, consoleErrors };
}

const events = (page: Page) =>
  page.evaluate(() => (window as unknown as { __harness: { events: HarnessEvent[] } }).__harness.events);

async function lastQuery(page: Page): Promise<Record<string, unknown>> {
  const all = (await events(page)).filter((e) => e.type === 'query-change');
  return (all[all.length - 1]?.payload ?? {}) as Record<string, unknown>;
}

/** Polls until the last query change satisfies `pred` (React commits after the click); returns it. */
async function lastQueryWhere(
  page: Page,
  pred: (q: Record<string, unknown>) => boolean,
  timeoutMs = 5000
): Promise<Record<string, unknown>> {
  const until = Date.now() + timeoutMs;
  let q = await lastQuery(page);
  while (!pred(q) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 50));
    q = await lastQuery(page);
  }
  return q;
}

async function lastRun(page: Page): Promise<unknown> {
  await page.waitForFunction(
    () =>
      (window as unknown as { __harness: { events: HarnessEvent[] } }).__harness.events.some(
        (e) => e.type === 'run-query'
      ),
    null,
    { timeout: 30000 }
  );
  const all = (await events(page)).filter((e) => e.type === 'run-query');
  return all[all.length - 1].payload;
}

type QueryResult = {
  query: unknown;
  frames: Array<{ name?: string; fields: Array<{ name: string; values?: unknown[] }> }>;
  errors: string[];
};

/** Waits for the result of running exactly this query (earlier runs may answer later). */
async function resultFor(page: Page, query: unknown): Promise<QueryResult> {
  const want = JSON.stringify(query);
  await page.waitForFunction(
    (w) =>
      (window as unknown as { __harness: { events: HarnessEvent[] } }).__harness.events.some(
        (e) => e.type === 'query-result' && JSON.stringify((e.payload as { query: unknown }).query) === w
      ),
    want,
    { timeout: 60000 }
  );
  const all = (await events(page)).filter(
    (e) => e.type === 'query-result' && JSON.stringify((e.payload as QueryResult).query) === want
  );
  return all[all.length - 1].payload as QueryResult;
}

/** Opens a combobox by its label and picks an option from the list the backend gave. */
/** The combobox of a field; its accessible name is the label followed by the field's description. */
function combobox(page: Page, label: string) {
  return page.getByRole('combobox', { name: new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) });
}

/** An option by its label; its accessible name may go on with a description. */
function option(page: Page, name: string) {
  return page.getByRole('option', { name: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\s|$)`) });
}

async function pick(page: Page, label: string, name: string) {
  const input = combobox(page, label);
  await input.click();
  const opt = option(page, name);
  await opt.first().waitFor({ timeout: 30000 });
  await opt.first().click();
}

/** Picks several options of a multi-select, one after another. */
async function pickMany(page: Page, label: string, options: string[]) {
  const input = combobox(page, label);
  for (const o of options) {
    // The list stays open after a pick; a click on the input would close it.
    if (!(await page.getByRole('listbox').isVisible())) {
      await input.click();
    }
    const opt = option(page, o);
    await opt.first().waitFor({ timeout: 30000 });
    await opt.first().click();
  }
  await page.keyboard.press('Escape');
}

/** Clicks an option of a radio button group, found by the label of its field. */
async function clickRadio(page: Page, group: string, option: string) {
  const escaped = group.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  await page
    .locator('fieldset')
    .filter({ has: page.locator('legend', { hasText: new RegExp(`^${escaped}`) }) })
    .getByRole('radio', { name: option, exact: true })
    .click();
}

const field = (frame: { fields: Array<{ name: string; values?: unknown[] }> }, name: string) =>
  frame.fields.find((f) => f.name === name)?.values ?? [];

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

test('configure: Save & test shows the backend health message', async () => {
  const { page, consoleErrors } = await open({ view: 'config' }, 1000, 1500);
  // The settings come from the bridge, which pointed Prometheus at the fixture server.
  const url = page.locator('#mlwatch-prometheus-url');
  await expect(url.inputValue()).resolves.toBe(env.promUrl);
  // A port nothing listens on: the health message says so.
  await url.fill('http://127.0.0.1:1');
  await page.getByTestId('harness-save-and-test').click();
  await page.getByTestId('harness-health').waitFor();
  await expect(page.getByTestId('harness-health').getAttribute('data-status')).resolves.toBe('error');
  await expect(page.getByTestId('harness-health').textContent()).resolves.toContain('connection refused');

  await url.fill(env.promUrl);
  // Query defaults: open the section, set the drift minimum count and a series limit.
  await page.getByRole('button', { name: 'Expand section Query defaults' }).click();
  await page.locator('#mlwatch-defaults-min-count').fill('10');
  await page.locator('#mlwatch-defaults-max-series').fill('50000');
  await page.getByTestId('harness-save-and-test').click();
  await page.waitForFunction(
    () => document.querySelector('[data-testid="harness-health"]')?.getAttribute('data-status') === 'success',
    null,
    { timeout: 30000 }
  );
  await expect(page.getByTestId('harness-health').textContent()).resolves.toMatch(/Prometheus: connected to/);
  // What was saved is what the bridge now holds.
  const saved = await (await fetch(`${env.bridgeUrl}/api/datasources/uid/mlwatch`)).json();
  expect(saved.jsonData.prometheus.url).toBe(env.promUrl);
  expect(saved.jsonData.defaults).toEqual({ minCount: 10, maxSeries: 50000 });
  expect(consoleErrors).toEqual([]);
  await page.close();
});

describe('build each query type by clicking only', () => {
  test.each(['dark', 'light'])('drift (%s)', async (theme) => {
    const { page, consoleErrors } = await open({ view: 'query', theme });
    await clickRadio(page, 'Query type', 'Drift');
    await pick(page, 'Metric', 'ml_feature_value');
    await pickMany(page, 'Features', ['amount', 'age']);
    await pick(page, 'Offset', '1h');
    await pick(page, 'Method', 'psi');
    await page.getByLabel('Over time').click({ force: true });
    await pick(page, 'Step', '15m');
    await clickRadio(page, 'Format', 'Table');
    expect(await lastQuery(page)).toEqual({
      refId: 'A',
      queryType: 'drift',
      source: 'prometheus',
      prometheus: { metric: 'ml_feature_value', features: ['amount', 'age'] },
      reference: { offset: '1h' },
      method: 'psi',
      overTime: true,
      step: '15m',
      format: 'table',
    });
    await expect(page.getByTestId('mlwatch-reference-preview').textContent()).resolves.toBe(
      'Compare the last 1 hour with the same hour 1 hour earlier. Over time: a score every 15 minutes, each for the step before it.'
    );
    const result = await resultFor(page, await lastRun(page));
    expect(result.errors).toEqual([]);
    const table = result.frames.find((f) => f.fields.some((x) => x.name === 'feature'));
    expect(table).toBeDefined();
    const features = field(table!, 'feature');
    expect([...features].sort()).toEqual(['age', 'amount']);
    const drifted = field(table!, 'drifted');
    expect(drifted[features.indexOf('amount')]).toBe(true);
    expect(drifted[features.indexOf('age')]).toBe(false);
    await page.mouse.click(1000, 880);
    await page.screenshot({ path: join(DOC_SCREENSHOTS, `datasource-query-drift-${theme}.png`), fullPage: true });
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  test.each(['dark', 'light'])('distribution (%s)', async (theme) => {
    const { page, consoleErrors } = await open({ view: 'query', theme });
    await clickRadio(page, 'Query type', 'Distribution');
    await pick(page, 'Metric', 'ml_prediction_confidence');
    await pick(page, 'Offset', '1h');
    await pick(page, 'Method', 'jensenshannon');
    expect(await lastQuery(page)).toEqual({
      refId: 'A',
      queryType: 'distribution',
      source: 'prometheus',
      prometheus: { metric: 'ml_prediction_confidence' },
      reference: { offset: '1h' },
      method: 'jensenshannon',
    });
    const result = await resultFor(page, await lastRun(page));
    expect(result.errors).toEqual([]);
    const bins = result.frames.find((f) => f.fields.some((x) => x.name === 'upper'));
    expect(bins).toBeDefined();
    expect(field(bins!, 'reference').length).toBeGreaterThan(5);
    await page.mouse.click(1000, 880);
    await page.screenshot({
      path: join(DOC_SCREENSHOTS, `datasource-query-distribution-${theme}.png`),
      fullPage: true,
    });
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  test.each(['dark', 'light'])('gpu (%s)', async (theme) => {
    const { page, consoleErrors } = await open({ view: 'query', theme });
    await clickRadio(page, 'Query type', 'GPU');
    await pick(page, 'Group by', 'pod');
    await pick(page, 'Namespace', 'training');
    await pickMany(page, 'Extra metrics', ['DCGM_FI_PROF_SM_ACTIVE']);
    const q = await lastQueryWhere(page, (x) =>
      Boolean((x.gpu as { metrics?: string[] } | undefined)?.metrics?.length)
    );
    expect(q).toEqual({
      refId: 'A',
      queryType: 'gpu',
      source: 'prometheus',
      gpu: { groupLabel: 'pod', namespace: 'training', metrics: ['DCGM_FI_PROF_SM_ACTIVE'] },
    });
    const result = await resultFor(page, await lastRun(page));
    expect(result.errors).toEqual([]);
    const gpus = result.frames.find((f) => f.fields.some((x) => x.name === 'straggler'));
    expect(gpus).toBeDefined();
    expect(field(gpus!, 'straggler').filter(Boolean)).toHaveLength(1);
    expect(gpus!.fields.map((f) => f.name)).toContain('DCGM_FI_PROF_SM_ACTIVE');
    await page.mouse.click(1000, 880);
    await page.screenshot({ path: join(DOC_SCREENSHOTS, `datasource-query-gpu-${theme}.png`), fullPage: true });
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  test.each(['dark', 'light'])('traces (%s)', async (theme) => {
    const { page, consoleErrors } = await open({ view: 'query', theme });
    await clickRadio(page, 'Query type', 'Traces');
    await clickRadio(page, 'Schema', 'SigNoz');
    await clickRadio(page, 'Status', 'Error');
    expect(await lastQuery(page)).toEqual({
      refId: 'A',
      queryType: 'traces',
      source: 'clickhouse',
      traces: { schema: 'signoz', status: 'error' },
    });
    // The datasource has no ClickHouse: the query runs and the backend says what is missing.
    const result = await resultFor(page, await lastRun(page));
    expect(result.errors.join(' ')).toMatch(/ClickHouse|not available/i);
    // Pickers whose routes this backend lacks are plain text inputs.
    await expect(page.locator('#mlwatch-A-traces-service').evaluate((el) => el.tagName)).resolves.toBe('INPUT');
    await page.screenshot({ path: join(DOC_SCREENSHOTS, `datasource-query-traces-${theme}.png`), fullPage: true });
    expect(consoleErrors).toEqual([]);
    await page.close();
  });
});

test('PromQL code mode: typed in the code editor, run on blur', async () => {
  const { page, consoleErrors } = await open({ view: 'query' });
  await clickRadio(page, 'Query type', 'Drift');
  await clickRadio(page, 'Editor', 'Code');
  const editor = page.getByRole('textbox', { name: 'PromQL expression' });
  await editor.waitFor({ timeout: 30000 });
  await editor.click();
  await page.keyboard.type('ml_prediction_confidence_bucket{le="0.5"}');
  // Blur: click the query type row.
  await page.getByText('Compare features between a reference and a current window').click();
  const q = await lastQuery(page);
  expect(q.prometheus).toEqual({ input: 'samples', expr: 'ml_prediction_confidence_bucket{le="0.5"}' });
  expect(q.editorMode).toBe('code');
  // Monaco colours PromQL with our tokenizer: the string is a string token.
  const stringToken = page.locator('.monaco-editor .view-line span span', { hasText: '"0.5"' });
  await expect(stringToken.getAttribute('class')).resolves.toMatch(/mtk\d+/);
  const result = await resultFor(page, await lastRun(page));
  expect(result.errors).toEqual([]);
  expect(consoleErrors).toEqual([]);
  await page.close();
});

test('variables: features, models and GPU hosts come from the backend', async () => {
  const { page, consoleErrors } = await open({ view: 'variable' });
  const values = async () => {
    await page.getByTestId('harness-run-variable').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="harness-variable-values"]') !== null, null, {
      timeout: 30000,
    });
    const list = (await events(page)).filter((e) => e.type === 'variable-values');
    return (list[list.length - 1].payload as { values: string[] }).values;
  };
  expect(await values()).toEqual(['age', 'amount', 'income']);
  await pick(page, 'List', 'Models');
  expect(await values()).toEqual(['fraud']);
  await pick(page, 'List', 'GPU hosts');
  expect(await values()).toEqual(['node-a', 'node-b']);
  expect(await lastQuery(page)).toEqual({ refId: 'variable', kind: 'hosts' });
  expect(consoleErrors).toEqual([]);
  await page.close();
});

test('multi-value variables reach the backend escaped and expanded', async () => {
  const { page, consoleErrors } = await open({ view: 'query', options: 'datasource-query-variables.json' });
  // The saved query uses $feature (multi-value: age, amount) and $model in a regex matcher.
  await page.getByLabel('Label matchers').press('Enter');
  const result = await resultFor(page, await lastRun(page));
  expect(result.errors).toEqual([]);
  const table = result.frames.find((f) => f.fields.some((x) => x.name === 'feature'));
  expect([...field(table!, 'feature')].sort()).toEqual(['age', 'amount']);
  expect(consoleErrors).toEqual([]);
  await page.screenshot({ path: join(ARTIFACTS, 'datasource-variables.png') });
  await page.close();
});
