/**
 * Benchmark of the GPU topology panel in Chromium, through the harness.
 *
 *   npx jest -c jest.browser.config.js --testMatch '**\/bench/gpu-topology.bench.ts'
 *
 * For 64, 1,024 and 16,384 GPUs (mlwatch gpu tables, 8 GPUs per node) it
 * measures, interleaved in the same run so that machine load hits all alike:
 * - floor: a bare canvas page filling the same number of rectangles
 *   (tests/harness/static/topology-floor.html), timed like the harness;
 * - harness: the harness rendering this panel with no data (its own fixed cost);
 * - panel: data to painted (data-rendered-ms);
 * - hover: pointer moves to other GPUs, in page, until the tooltip shows the
 *   new GPU (the overlay repaint happens in the same handler);
 * - long tasks (PerformanceObserver 'longtask') during render and hovering.
 * It prints a markdown table (medians over ROUNDS page loads) and writes it to
 * test-output/bench-gpu-topology.md.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import type { Page } from 'playwright-core';

import { FIXTURES, startHarness, type Harness } from '../harness';

const SIZES = [64, 1024, 16384];
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const HOVERS = Number(process.env.BENCH_HOVERS ?? 120);
const WIDTH = 1400;
const HEIGHT = 800;
const repo = resolve(__dirname, '..', '..', '..');

let h: Harness;
let dir: string;

jest.setTimeout(30 * 60 * 1000);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mlwatch-topology-bench-'));
  execFileSync(process.execPath, [
    join(repo, 'tests', 'fixtures', 'generate-topology.mjs'),
    '--out',
    dir,
    '--sizes',
    SIZES.join(','),
  ]);
  copyFileSync(join(FIXTURES, 'empty.json'), join(dir, 'empty.json'));
  h = await startHarness(dir);
});

afterAll(async () => {
  await h?.stop();
  if (dir) {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Records long tasks and the moment the harness reports rendered. */
const INSTRUMENT = () => {
  const w = window as unknown as {
    __bench: { longTasks: Array<{ start: number; duration: number }>; renderedAt: number };
  };
  w.__bench = { longTasks: [], renderedAt: 0 };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      w.__bench.longTasks.push({ start: e.startTime, duration: e.duration });
    }
  }).observe({ type: 'longtask', buffered: true });
  const watch = () =>
    new MutationObserver(() => {
      if (document.body.dataset.renderedMs !== undefined && !w.__bench.renderedAt) {
        w.__bench.renderedAt = performance.now();
      }
    }).observe(document.body, { attributes: true });
  if (document.body) {
    watch();
  } else {
    document.addEventListener('DOMContentLoaded', watch);
  }
};

interface Load {
  renderedMs: number;
  /** Longest task inside the render window. */
  longestTask: number;
  page: Page;
}

async function load(url: string): Promise<Load> {
  const page = await h.browser.newPage({ viewport: { width: WIDTH + 40, height: HEIGHT + 40 } });
  await page.addInitScript(INSTRUMENT);
  await page.goto(url);
  await page.waitForFunction(
    () => document.body.dataset.renderedMs !== undefined || document.body.dataset.error !== undefined,
    null,
    { timeout: 120000 }
  );
  const error = await page.evaluate(() => document.body.dataset.error);
  if (error) {
    throw new Error(error);
  }
  const r = await page.evaluate(() => {
    const b = (
      window as unknown as { __bench: { longTasks: Array<{ start: number; duration: number }>; renderedAt: number } }
    ).__bench;
    const ms = Number(document.body.dataset.renderedMs);
    const end = b.renderedAt || performance.now();
    const from = end - ms;
    const inside = b.longTasks.filter((t) => t.start + t.duration > from && t.start < end);
    return { ms, longest: Math.max(0, ...inside.map((t) => t.duration)) };
  });
  return { renderedMs: r.ms, longestTask: r.longest, page };
}

/** In-page hover timing: pointer moves over the map until the tooltip names a new GPU. */
async function hoverTimes(page: Page, count: number) {
  return page.evaluate(async (n) => {
    const overlay = document.querySelector('[data-testid="gpu-topology-overlay"]') as HTMLCanvasElement;
    const box = overlay.getBoundingClientRect();
    const b = (window as unknown as { __bench: { longTasks: Array<{ start: number; duration: number }> } }).__bench;
    const key = () => document.querySelector('[data-testid="gpu-tooltip"]')?.getAttribute('data-gpu-key') ?? '';
    // Deterministic pseudo-random points over the map.
    let seed = 12345;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const times: number[] = [];
    const start = performance.now();
    let tries = 0;
    while (times.length < n && tries < n * 20) {
      tries++;
      const x = box.left + rand() * box.width;
      const y = box.top + rand() * box.height;
      const before = key();
      const t0 = performance.now();
      overlay.dispatchEvent(
        new PointerEvent('pointermove', { clientX: x, clientY: y, bubbles: true, pointerType: 'mouse' })
      );
      // React renders the tooltip in a microtask; wait for the DOM to name the new GPU.
      let after = key();
      for (let k = 0; k < 50 && after === before; k++) {
        await Promise.resolve();
        after = key();
      }
      const t1 = performance.now();
      if (after !== before && after !== '') {
        times.push(t1 - t0);
      }
      // Let the browser paint between moves, as a user's pointer would.
      await new Promise((r) => requestAnimationFrame(() => r(null)));
    }
    const end = performance.now();
    const longest = Math.max(
      0,
      ...b.longTasks.filter((t) => t.start >= start && t.start <= end).map((t) => t.duration)
    );
    return { times, longest };
  }, count);
}

const median = (xs: number[]) => {
  const s = xs.slice().sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const pct = (xs: number[], p: number) => {
  const s = xs.slice().sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.floor(p * s.length))];
};
const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '–');

test('GPU topology benchmark', async () => {
  const rows: string[] = [];
  for (const n of SIZES) {
    const floor: number[] = [];
    const baseline: number[] = [];
    const panel: number[] = [];
    const renderTasks: number[] = [];
    const hovers: number[] = [];
    const hoverTasks: number[] = [];
    const q = (extra: Record<string, string | number>) =>
      new URLSearchParams(
        Object.entries({ width: WIDTH, height: HEIGHT, ...extra }).map(([k, v]) => [k, String(v)])
      ).toString();
    for (let r = 0; r < ROUNDS; r++) {
      const fl = await load(`${h.url}/static/topology-floor.html?${q({ n })}`);
      floor.push(fl.renderedMs);
      await fl.page.close();
      const base = await load(`${h.url}/?${q({ plugin: 'mlwatch-gputopology-panel', frames: 'empty.json' })}`);
      baseline.push(base.renderedMs);
      await base.page.close();
      const p = await load(
        `${h.url}/?${q({ plugin: 'mlwatch-gputopology-panel', frames: `topology-size-${n}.json` })}`
      );
      panel.push(p.renderedMs);
      renderTasks.push(p.longestTask);
      if (r < 3) {
        const hv = await hoverTimes(p.page, Math.ceil(HOVERS / 3));
        hovers.push(...hv.times);
        hoverTasks.push(hv.longest);
      }
      await p.page.close();
    }
    const fm = median(floor);
    const pm = median(panel);
    rows.push(
      `| ${n.toLocaleString('en-US')} | ${f1(fm)} | ${f1(median(baseline))} | ${f1(pm)} | ${(pm / fm).toFixed(2)}× | ${f1(median(hovers))} | ${f1(pct(hovers, 0.95))} | ${f1(Math.max(...hovers))} | ${f1(Math.max(...renderTasks))} | ${f1(Math.max(...hoverTasks))} |`
    );
    expect(panel.every((x) => Number.isFinite(x))).toBe(true);
    expect(hovers.length).toBeGreaterThan(10);
  }
  const machine = `${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), load average ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')} at the end`;
  const table = [
    `GPU topology panel, ${WIDTH}×${HEIGHT}, medians of ${ROUNDS} page loads, ${HOVERS} hovers per size (ms); ${machine}`,
    '',
    '| GPUs | floor: bare canvas | harness, no data | panel: data to painted | panel / floor | hover p50 | hover p95 | hover max | longest task, render | longest task, hovering |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
  ].join('\n');
  process.stdout.write(`\n${table}\n\n`);
  mkdirSync(join(repo, 'test-output'), { recursive: true });
  writeFileSync(join(repo, 'test-output', 'bench-gpu-topology.md'), `${table}\n`);
});
