/**
 * Benchmark of the confidence histogram panel. Not part of the test run
 * (the name ends in .bench.ts); run it with
 *
 *   npx jest -c jest.browser.config.js --testMatch '**\/bench/confidence-histogram.bench.ts'
 *
 * It prints markdown tables (and writes them to
 * tests/browser/.artifacts/confidence-histogram-bench.md):
 *  - data to painted frame (the harness's data-rendered-ms) for 20 to
 *    10,000 bins against the empty-state baseline, in Chromium as
 *    shipped (60 Hz frames) and with the frame-rate limit off (which shows
 *    the work itself rather than the wait for frames);
 *  - a full re-render with new options (model, layout and canvas repaint);
 *  - time per hover, in the page, until the hovered bin and tooltip are
 *    committed, and until the next frame;
 *  - long tasks (PerformanceObserver 'longtask') while rendering and hovering;
 *  - the physical floor: a bare canvas page filling the same bars.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { build } from 'esbuild';
import { type Browser, chromium, type Page } from 'playwright-core';

import { ARTIFACTS, FIXTURES, startHarness, type Harness } from '../harness';

const PLUGIN = 'mlwatch-confidence-panel';
const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const HOVERS = Number(process.env.BENCH_HOVERS ?? 60);
const BINS = [20, 100, 1000, 10000];
const WIDTH = 800;
const HEIGHT = 400;
const REPO = resolve(__dirname, '..', '..', '..');
const GENERATOR = resolve(REPO, 'tests', 'fixtures', 'generate-confidence-histogram.mjs');

/** What the Node-side timing needs from the panel's data modules. */
interface DataModules {
  readConfidenceData: (frames: unknown[], s: object) => { histogram?: unknown };
  summarise: (m: unknown, t: number) => unknown;
  dataFrameFromJSON: (f: unknown) => unknown;
}

/**
 * Bundles the panel's pure data modules for Node with esbuild (the browser
 * jest config does not transform @grafana/data's ES modules).
 */
async function loadDataModules(dir: string): Promise<DataModules> {
  const entry = join(dir, 'data-entry.ts');
  const data = join(REPO, 'src', 'panels', 'confidence-histogram', 'data');
  writeFileSync(
    entry,
    [
      `export { readConfidenceData } from ${JSON.stringify(join(data, 'model'))};`,
      `export { summarise } from ${JSON.stringify(join(data, 'summary'))};`,
      `export { dataFrameFromJSON } from '@grafana/data';`,
    ].join('\n')
  );
  const outfile = join(dir, 'data-modules.cjs');
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    nodePaths: [join(REPO, 'node_modules')],
    logLevel: 'error',
  });
  return require(outfile) as DataModules;
}

jest.setTimeout(30 * 60 * 1000);

interface LongTask {
  start: number;
  duration: number;
}

declare global {
  interface Window {
    __longtasks: LongTask[];
    __renderedAt?: number;
  }
}

/** Records long tasks from the first moment, and when the harness reports the render. */
function installProbes() {
  window.__longtasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      window.__longtasks.push({ start: e.startTime, duration: e.duration });
    }
  }).observe({ type: 'longtask', buffered: true });
  new MutationObserver(() => {
    if (document.body?.dataset.renderedMs !== undefined && window.__renderedAt === undefined) {
      window.__renderedAt = performance.now();
    }
  }).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-rendered-ms'] });
}

async function openPanel(
  browser: Browser,
  url: string,
  frames: string
): Promise<{ page: Page; renderedMs: number; longTasks: LongTask[] }> {
  const page = await browser.newPage({ viewport: { width: WIDTH + 40, height: HEIGHT + 40 } });
  await page.addInitScript(installProbes);
  const q = new URLSearchParams({
    plugin: PLUGIN,
    frames,
    width: String(WIDTH),
    height: String(HEIGHT),
    theme: 'dark',
  });
  await page.goto(`${url}/?${q}`);
  await page.waitForFunction(
    () => document.body.dataset.renderedMs !== undefined || document.body.dataset.error !== undefined,
    null,
    { timeout: 60000 }
  );
  const error = await page.evaluate(() => document.body.dataset.error);
  if (error) {
    throw new Error(error);
  }
  const renderedMs = Number(await page.evaluate(() => document.body.dataset.renderedMs));
  // Long tasks that overlap the measured span (data ready to painted), not the harness's own start-up.
  const longTasks = await page.evaluate((ms) => {
    const end = window.__renderedAt ?? performance.now();
    const start = end - ms;
    return window.__longtasks.filter((t) => t.start + t.duration > start && t.start < end);
  }, renderedMs);
  return { page, renderedMs, longTasks };
}

function stats(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { median: q(0.5), p90: q(0.9), min: s[0], max: s[s.length - 1] };
}

const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(1));

/** In the page: hovers distinct bins and times each until the hovered bin is committed, then until the next frame. */
async function timeHovers(page: Page, count: number) {
  return page.evaluate(async (n) => {
    const el = document.querySelector<HTMLElement>('[data-testid="confidence-histogram"]')!;
    const box = el.getBoundingClientRect();
    const frame = () => new Promise<void>((r) => requestAnimationFrame(() => r()));
    const committed: number[] = [];
    const painted: number[] = [];
    const tasksBefore = window.__longtasks.length;
    const t0All = performance.now();
    for (let i = 0; i < n; i++) {
      // Spread over the axis so every move lands on a new bin.
      const frac = 0.02 + (0.96 * ((i * 37) % n)) / n;
      const x = box.left + 48 + frac * (box.width - 62);
      const before = el.dataset.hoverBin;
      const changed = new Promise<number>((res) => {
        const mo = new MutationObserver(() => {
          if (el.dataset.hoverBin !== before) {
            mo.disconnect();
            res(performance.now());
          }
        });
        mo.observe(el, { attributes: true, attributeFilter: ['data-hover-bin'] });
        setTimeout(() => {
          mo.disconnect();
          res(NaN);
        }, 2000);
      });
      const t0 = performance.now();
      el.dispatchEvent(new MouseEvent('mousemove', { clientX: x, clientY: box.top + box.height / 2, bubbles: true }));
      const t1 = await changed;
      await frame();
      committed.push(t1 - t0);
      painted.push(performance.now() - t0);
      await frame();
    }
    const span = [t0All, performance.now()];
    const tasks = window.__longtasks.slice(tasksBefore).filter((t) => t.start >= span[0] && t.start < span[1]);
    return { committed, painted, tasks };
  }, count);
}

/** In the page: re-renders with a changed option that re-reads the data, and times it to the next frame. */
async function timeRerenders(page: Page, count: number) {
  return page.evaluate(async (n) => {
    const h = (window as unknown as { __harness: { rerender: (o: object) => void } }).__harness;
    const frame = () => new Promise<void>((r) => requestAnimationFrame(() => r()));
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      await frame();
      const t0 = performance.now();
      // binCount is a read setting: the model is rebuilt, then layout and the canvas.
      h.rerender({ options: { binCount: 20 + (i % 2), referenceStyle: i % 2 ? 'mirrored' : 'outline' } });
      await frame();
      await frame();
      out.push(performance.now() - t0);
    }
    return out;
  }, count);
}

async function floor(browser: Browser, url: string, bins: number) {
  const rendered: number[] = [];
  const frames: number[] = [];
  const draws: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const page = await browser.newPage({ viewport: { width: WIDTH + 40, height: HEIGHT + 40 } });
    await page.goto(`${url}/static/confidence-histogram-floor.html?bins=${bins}&width=${WIDTH}&height=${HEIGHT - 80}`);
    await page.waitForFunction(() => document.body.dataset.renderedMs !== undefined);
    const d = await page.evaluate(() => ({ ...document.body.dataset }));
    rendered.push(Number(d.renderedMs));
    frames.push(Number(d.frameMs));
    draws.push(Number(d.drawMs));
    await page.close();
  }
  return { rendered: stats(rendered), frames: stats(frames), draws: stats(draws) };
}

test('confidence histogram benchmark', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'confidence-bench-'));
  for (const f of readdirSync(FIXTURES)) {
    copyFileSync(join(FIXTURES, f), join(dir, f));
  }
  execFileSync(process.execPath, [GENERATOR, '--out', dir, ...BINS.flatMap((b) => ['--bins', String(b)])]);
  const h: Harness = await startHarness(dir);
  // The same Chromium without the 60 Hz frame limit: animation frames come
  // as soon as the work is done, so the numbers are the work.
  const unthrottled = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      '--disable-frame-rate-limit',
      '--disable-gpu-vsync',
    ],
  });
  const lines: string[] = [];
  const out = (s = '') => lines.push(s);
  try {
    out(
      `Confidence histogram panel, ${WIDTH}×${HEIGHT} px, dark theme, ${RUNS} page loads per row (median / p90 / min, ms).`
    );
    out(
      `Machine: ${cpus().length} CPUs, load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} at start.`
    );
    out();
    out('### Data to painted frame (harness data-rendered-ms)');
    out();
    out('| data | 60 Hz frames: median | p90 | min | long tasks (max ms) | no frame limit: median | p90 | min |');
    out('|---|---|---|---|---|---|---|---|');
    const cases: Array<[string, string]> = [
      ['empty state (baseline)', 'empty.json'],
      ...BINS.map((b): [string, string] => [
        `${b.toLocaleString('en-US')} bins`,
        `confidence-histogram-bins-${b}.json`,
      ]),
    ];
    const medians: Record<string, { vsync: number; free: number }> = {};
    for (const [label, file] of cases) {
      const row: Record<'vsync' | 'free', { s: ReturnType<typeof stats>; tasks: LongTask[] }> = {} as never;
      for (const [key, browser] of [
        ['vsync', h.browser],
        ['free', unthrottled],
      ] as const) {
        const times: number[] = [];
        const tasks: LongTask[] = [];
        for (let i = 0; i < RUNS; i++) {
          const r = await openPanel(browser, h.url, file);
          times.push(r.renderedMs);
          tasks.push(...r.longTasks);
          await r.page.close();
        }
        row[key] = { s: stats(times), tasks };
      }
      medians[label] = { vsync: row.vsync.s.median, free: row.free.s.median };
      const lt = row.vsync.tasks;
      out(
        `| ${label} | ${fmt(row.vsync.s.median)} | ${fmt(row.vsync.s.p90)} | ${fmt(row.vsync.s.min)} | ${lt.length} in ${RUNS} loads (${lt.length ? fmt(Math.max(...lt.map((t) => t.duration))) : '–'}) | ${fmt(row.free.s.median)} | ${fmt(row.free.s.p90)} | ${fmt(row.free.s.min)} |`
      );
    }
    out();
    const base = medians['empty state (baseline)'];
    const k = medians['1,000 bins'];
    out(
      `1,000 bins above the empty-state baseline (medians): ${fmt(k.vsync - base.vsync)} ms with 60 Hz frames, ${fmt(k.free - base.free)} ms with no frame limit.`
    );
    out();

    out('### 1,000 bins in the page');
    out();
    out('| measure | browser | median | p90 | max |');
    out('|---|---|---|---|---|');
    for (const [name, browser] of [
      ['60 Hz', h.browser],
      ['no frame limit', unthrottled],
    ] as const) {
      const r = await openPanel(browser, h.url, 'confidence-histogram-bins-1000.json');
      const rr = stats(await timeRerenders(r.page, 15));
      out(
        `| re-render with new options (model, layout, canvas) to 2nd frame | ${name} | ${fmt(rr.median)} | ${fmt(rr.p90)} | ${fmt(rr.max)} |`
      );
      const hov = await timeHovers(r.page, HOVERS);
      const c = stats(hov.committed.filter(Number.isFinite));
      const p = stats(hov.painted);
      out(
        `| hover: move to hovered bin + tooltip committed | ${name} | ${fmt(c.median)} | ${fmt(c.p90)} | ${fmt(c.max)} |`
      );
      out(`| hover: move to next frame | ${name} | ${fmt(p.median)} | ${fmt(p.p90)} | ${fmt(p.max)} |`);
      out(
        `| long tasks during ${HOVERS} hovers | ${name} | ${hov.tasks.length} | | ${hov.tasks.length ? fmt(Math.max(...hov.tasks.map((t) => t.duration))) : '–'} |`
      );
      if (hov.committed.some((v) => !Number.isFinite(v))) {
        out(
          `| (hovers that did not change bin) | ${name} | ${hov.committed.filter((v) => !Number.isFinite(v)).length} | | |`
        );
      }
      await r.page.close();
    }
    out();

    out('### Physical floor: bare canvas, same bars, no React or Grafana');
    out();
    out('| bins | browser | draw only | to 1st painted frame | to 2 frame pairs (as the harness waits) |');
    out('|---|---|---|---|---|');
    for (const bins of [1000, 10000]) {
      for (const [name, browser] of [
        ['60 Hz', h.browser],
        ['no frame limit', unthrottled],
      ] as const) {
        const f = await floor(browser, h.url, bins);
        out(
          `| ${bins.toLocaleString('en-US')} | ${name} | ${fmt(f.draws.median)} | ${fmt(f.frames.median)} | ${fmt(f.rendered.median)} |`
        );
      }
    }
    out();

    out('### Data shaping in Node (readConfidenceData + header figures)');
    out();
    out('| input | median ms | p90 |');
    out('|---|---|---|');
    const mods = await loadDataModules(dir);
    for (const bins of [1000, 10000]) {
      const json = JSON.parse(readFileSync(join(dir, `confidence-histogram-bins-${bins}.json`), 'utf8')) as unknown[];
      const frames = json.map((f) => mods.dataFrameFromJSON(f));
      const times: number[] = [];
      for (let i = 0; i < 30; i++) {
        const t0 = performance.now();
        const d = mods.readConfidenceData(frames, {
          referenceQuery: '',
          currentQuery: '',
          binCount: 20,
          skewThreshold: 0.2,
        });
        mods.summarise(d.histogram, 0.5);
        times.push(performance.now() - t0);
      }
      const s = stats(times.slice(5));
      out(
        `| distribution frame, ${bins.toLocaleString('en-US')} bins | ${s.median.toFixed(2)} | ${s.p90.toFixed(2)} |`
      );
    }
  } finally {
    await unthrottled.close();
    await h.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const table = lines.join('\n');
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(join(ARTIFACTS, 'confidence-histogram-bench.md'), table + '\n');
  console.log(table);
});
