/**
 * Drift heatmap benchmark (not part of the test run):
 *
 *   npx jest -c jest.browser.config.js --testMatch '**\/bench/drift-heatmap.bench.ts'
 *
 * For 100 × 100, 500 × 1,000 and 2,000 × 2,000 cells it measures, in one run:
 * - floor: a bare canvas page filling the same number of rectangles in the
 *   same plot size (tests/harness/static/drift-heatmap-floor.html);
 * - data → painted: from the harness's data-ready time to the panel's paint
 *   (or the harness's two-frames mark, whichever is later); includes the
 *   harness turning JSON into frames and applying field config;
 * - redraw: a resize, from the re-render call to the new paint (React
 *   re-render + layout + raster + labels, no data work);
 * - hover: in-page mouse moves to new cells, each timed until the tooltip
 *   shows the new cell;
 * - long tasks: the longest PerformanceObserver 'longtask' entry from data
 *   ready to painted (the harness's own start-up before that is left out),
 *   and during hovering.
 * It prints a markdown table and writes test-output/bench-drift-heatmap.md.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import type { Page } from 'playwright-core';

import { startHarness, type Harness } from '../harness';
import { PANEL, plotInfo } from './drift-heatmap-helpers';

const repo = resolve(__dirname, '..', '..', '..');
const SIZES: Array<[number, number]> = [
  [100, 100],
  [500, 1000],
  [2000, 2000],
];
const WIDTH = 1000;
const HEIGHT = 600;
const RUNS = 3;
const HOVERS = 120;

let h: Harness;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'heatmap-bench-'));
  for (const [rows, cols] of SIZES) {
    execFileSync(process.execPath, [
      join(repo, 'tests', 'fixtures', 'generate-drift-heatmap.mjs'),
      '--grid',
      `${rows}x${cols}`,
      join(dir, `grid-${rows}x${cols}.json`),
    ]);
  }
  h = await startHarness(dir);
}, 300000);

afterAll(async () => {
  await h?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

/** Opens a page that records long tasks from the start. */
async function open(url: string, width: number, height: number): Promise<Page> {
  const page = await h.browser.newPage({ viewport: { width: width + 40, height: height + 40 } });
  await page.addInitScript(() => {
    // Long tasks with their start, and when the harness reported "rendered",
    // so that loading the harness itself (its bundle of Grafana's packages)
    // is not blamed on the panel.
    const w = window as unknown as { __longTasks: Array<{ start: number; duration: number }>; __renderedAt?: number };
    w.__longTasks = [];
    new PerformanceObserver((list) =>
      list.getEntries().forEach((e) => w.__longTasks.push({ start: e.startTime, duration: e.duration }))
    ).observe({
      type: 'longtask',
      buffered: true,
    });
    // The panel paints in an animation frame and then sets data-plot: that
    // moment, not only the harness's two-frames mark, is "painted".
    const x = w as unknown as { __paintedAt?: number };
    new MutationObserver(() => {
      if (document.body?.dataset.renderedMs !== undefined && w.__renderedAt === undefined) {
        w.__renderedAt = performance.now();
      }
      if (x.__paintedAt === undefined && document.querySelector('[data-testid="mlwatch-heatmap"][data-plot]')) {
        x.__paintedAt = performance.now();
      }
    }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-rendered-ms', 'data-plot'] });
  });
  await page.goto(url);
  await page.waitForFunction(
    () => document.body.dataset.renderedMs !== undefined || document.body.dataset.error !== undefined,
    null,
    { timeout: 240000 }
  );
  const error = await page.evaluate(() => document.body.dataset.error);
  if (error) {
    throw new Error(error);
  }
  return page;
}

/**
 * Long tasks (ms) after `since` (page ms; 'render' = the harness's data-ready
 * time). `started` counts tasks that began then or later: React's render and
 * the panel's paint. `overlapping` also counts the task already running at
 * data-ready, in which the harness turns the fixture JSON into frames and
 * applies field config (harness work, not the panel's).
 */
async function longTasks(page: Page, since: 'render' | number): Promise<{ started: number[]; overlapping: number[] }> {
  // Let the observer deliver entries of tasks that just ended.
  await page.evaluate(() => new Promise((r) => setTimeout(r, 50)));
  return page.evaluate((from) => {
    const w = window as unknown as { __longTasks: Array<{ start: number; duration: number }>; __renderedAt: number };
    const start = from === 'render' ? w.__renderedAt - Number(document.body.dataset.renderedMs) : from;
    return {
      started: w.__longTasks.filter((t) => t.start >= start - 1).map((t) => t.duration),
      overlapping: w.__longTasks.filter((t) => t.start + t.duration > start).map((t) => t.duration),
    };
  }, since);
}

async function now(page: Page): Promise<number> {
  return page.evaluate(() => performance.now());
}

/** Moves the pointer to HOVERS cells in turn, timing each until the tooltip shows it. */
async function hoverTimes(page: Page): Promise<number[]> {
  const p = await plotInfo(page);
  return page.evaluate(
    async ({ p, n }) => {
      const overlay = document.querySelector<HTMLCanvasElement>('[data-testid="mlwatch-heatmap-overlay"]')!;
      const times: number[] = [];
      let seed = 3;
      const rand = () => {
        seed = (seed * 1103515245 + 12345) >>> 0;
        return seed / 4294967296;
      };
      let last = '';
      for (let i = 0; i < n; i++) {
        const row = Math.floor(rand() * p.rows);
        const col = Math.floor(rand() * p.cols);
        const x = p.x + ((col + 0.5) * p.width) / p.cols;
        const y = p.y + ((row + 0.5) * p.height) / p.rows;
        const t0 = performance.now();
        const shown = new Promise<void>((resolve) => {
          const check = () => {
            const cell =
              document.querySelector('[data-testid="mlwatch-heatmap-tooltip"]')?.getAttribute('data-cell') ?? '';
            if (cell !== '' && cell !== last) {
              last = cell;
              return true;
            }
            return false;
          };
          const mo = new MutationObserver(() => {
            if (check()) {
              mo.disconnect();
              resolve();
            }
          });
          mo.observe(document.body, {
            subtree: true,
            childList: true,
            attributes: true,
            attributeFilter: ['data-cell'],
          });
          overlay.dispatchEvent(new MouseEvent('mousemove', { clientX: x, clientY: y, bubbles: true }));
          if (check()) {
            mo.disconnect();
            resolve();
          }
          // Same cell as before (several cells per pixel): nothing to wait for.
          setTimeout(() => {
            mo.disconnect();
            resolve();
          }, 500);
        });
        await shown;
        times.push(performance.now() - t0);
        await new Promise((r) => requestAnimationFrame(() => r(null)));
      }
      return times;
    },
    { p, n: HOVERS }
  );
}

/** A resize: from the re-render call until the panel has painted the new size (data-plot changes after the paint). */
async function redrawTime(page: Page): Promise<number> {
  return page.evaluate(async (w) => {
    const harness = (window as unknown as { __harness: { rerender: (o: object) => void } }).__harness;
    const host = document.querySelector<HTMLElement>('[data-testid="mlwatch-heatmap"]')!;
    const before = host.dataset.plot;
    const t0 = performance.now();
    const done = new Promise<number>((resolve) => {
      const mo = new MutationObserver(() => {
        if (host.dataset.plot !== before) {
          mo.disconnect();
          resolve(performance.now());
        }
      });
      mo.observe(host, { attributes: true, attributeFilter: ['data-plot'] });
    });
    harness.rerender({ width: w - 20 });
    return (await done) - t0;
  }, WIDTH);
}

test('drift heatmap: data to painted, hover and the bare-canvas floor', async () => {
  const rows: string[] = [];
  for (const [r, c] of SIZES) {
    const panelRuns: number[] = [];
    const loadTasks: number[] = [];
    const harnessTasks: number[] = [];
    let hover: number[] = [];
    let hoverTasks: number[] = [];
    let redraw = 0;
    let plot = { width: 0, height: 0 };
    for (let run = 0; run < RUNS; run++) {
      const page = await open(
        `${h.url}/?plugin=${PANEL}&frames=grid-${r}x${c}.json&width=${WIDTH}&height=${HEIGHT}`,
        WIDTH,
        HEIGHT
      );
      await page.waitForSelector('[data-testid="mlwatch-heatmap"][data-plot]');
      panelRuns.push(
        await page.evaluate(() => {
          const w = window as unknown as { __renderedAt: number; __paintedAt: number };
          const renderedMs = Number(document.body.dataset.renderedMs);
          const start = w.__renderedAt - renderedMs;
          return Math.max(renderedMs, w.__paintedAt - start);
        })
      );
      const tasks = await longTasks(page, 'render');
      loadTasks.push(...tasks.started);
      harnessTasks.push(...tasks.overlapping);
      if (run === RUNS - 1) {
        const p = await plotInfo(page);
        plot = { width: p.width, height: p.height };
        const hoverStart = await now(page);
        hover = await hoverTimes(page);
        hoverTasks = (await longTasks(page, hoverStart)).started;
        redraw = await redrawTime(page);
      }
      await page.close();
    }
    const floorRuns: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const page = await open(
        `${h.url}/static/drift-heatmap-floor.html?rows=${r}&cols=${c}&width=${plot.width}&height=${plot.height}`,
        WIDTH,
        HEIGHT
      );
      floorRuns.push(Number(await page.evaluate(() => document.body.dataset.renderedMs)));
      await page.close();
    }
    const floor = median(floorRuns);
    const panel = median(panelRuns);
    rows.push(
      `| ${r.toLocaleString('en-US')} × ${c.toLocaleString('en-US')} | ${(r * c).toLocaleString('en-US')} | ${floor.toFixed(1)} | ${panel.toFixed(1)} | ${(panel / floor).toFixed(2)}× | ${redraw.toFixed(1)} | ${median(hover).toFixed(2)} / ${pct(hover, 0.95).toFixed(2)} / ${Math.max(...hover).toFixed(2)} | ${Math.max(0, ...loadTasks).toFixed(0)} | ${Math.max(0, ...harnessTasks).toFixed(0)} | ${Math.max(0, ...hoverTasks).toFixed(0)} |`
    );
  }
  const table = [
    `Panel ${WIDTH} × ${HEIGHT} CSS px, device pixel ratio 1, median of ${RUNS} page loads; hover over ${HOVERS} cells. ` +
      `${cpus().length} CPUs, load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' / ')} (1 / 5 / 15 min) at the end of the run: other work on the machine slows every column alike.`,
    '',
    '| cells (rows × cols) | count | bare-canvas floor (ms) | data → painted (ms) | vs floor | redraw on resize (ms) | hover median / p95 / max (ms) | longest task, panel load (ms) | longest task incl. harness frame parsing (ms) | longest task, hover (ms) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
  ].join('\n');
  console.log(table);
  mkdirSync(join(repo, 'test-output'), { recursive: true });
  writeFileSync(join(repo, 'test-output', 'bench-drift-heatmap.md'), table + '\n');
}, 1200000);
