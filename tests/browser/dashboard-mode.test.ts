// The harness's dashboard mode (tests/harness/dashboard.tsx) with a small
// hand-made fixture: panels placed by gridPos, rows as headers, one row on
// request, Grafana's core panels drawn, other types named.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { render, startHarness, type Harness } from './harness';

let h: Harness;
let dir: string;

const t0 = Date.parse('2026-01-01T00:00:00Z');
const times = Array.from({ length: 30 }, (_, i) => t0 + i * 60_000);

const series = (refId: string, name: string, values: number[]) => ({
  schema: {
    refId,
    name,
    fields: [
      { name: 'Time', type: 'time' },
      { name: 'Value', type: 'number', labels: { pod: name }, config: { displayNameFromDS: name } },
    ],
  },
  data: { values: [times, values] },
});

const fixture = {
  dashboard: {
    title: 'Harness / dashboard mode',
    panels: [
      {
        id: 1,
        type: 'stat',
        title: 'Requests',
        gridPos: { x: 0, y: 0, w: 6, h: 4 },
        options: { reduceOptions: { calcs: ['mean'] } },
      },
      { id: 2, type: 'barchart', title: 'Bars', gridPos: { x: 6, y: 0, w: 18, h: 4 } },
      { id: 3, type: 'row', title: 'Pods', gridPos: { x: 0, y: 4, w: 24, h: 1 } },
      { id: 4, type: 'timeseries', title: 'CPU of $model', gridPos: { x: 0, y: 5, w: 12, h: 8 } },
      { id: 5, type: 'table', title: 'Restarts', gridPos: { x: 12, y: 5, w: 12, h: 8 } },
    ],
  },
  timeRange: { from: times[0], to: times[times.length - 1] },
  variables: { model: 'fraud-detector' },
  results: {
    '1': {
      frames: [
        series(
          'A',
          'rate',
          times.map((_, i) => i)
        ),
      ],
    },
    '4': {
      frames: [
        series(
          'A',
          'pod-a',
          times.map((_, i) => Math.sin(i / 5))
        ),
        series(
          'A',
          'pod-b',
          times.map(() => 0.5)
        ),
      ],
    },
    '5': {
      frames: [
        {
          schema: {
            refId: 'A',
            fields: [
              { name: 'pod', type: 'string' },
              { name: 'Value', type: 'number' },
            ],
          },
          data: {
            values: [
              ['pod-a', 'pod-b'],
              [0, 3],
            ],
          },
        },
      ],
    },
  },
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mlwatch-dashboard-mode-'));
  writeFileSync(join(dir, 'dashboard.json'), JSON.stringify(fixture));
  h = await startHarness(dir);
});

afterAll(async () => {
  await h?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('lays out every panel on the grid and draws the core types', async () => {
  const { page, consoleErrors } = await render(h, { dashboard: 'dashboard.json', theme: 'dark' }, 1200, 700);
  const ids = await page.$$eval('[data-panel-id]', (els) => els.map((e) => e.getAttribute('data-panel-type')));
  expect(ids).toEqual(['stat', 'barchart', 'timeseries', 'table']);
  await expect(page.locator('[data-row="Pods"]').count()).resolves.toBe(1);
  // Titles with variables replaced; the mean of 0..29 on the stat.
  await expect(page.getByText('CPU of fraud-detector').count()).resolves.toBe(1);
  await expect(page.locator('[data-panel-id="1"]').innerText()).resolves.toContain('14.5');
  await expect(page.locator('[data-panel-id="2"]').innerText()).resolves.toContain("Grafana's barchart panel");
  await expect(page.locator('[data-panel-id="4"] canvas').count()).resolves.toBeGreaterThan(0);
  await expect(page.locator('[data-panel-id="5"]').innerText()).resolves.toContain('pod-b');
  // Side by side, not overlapping: the table starts right of the time series.
  const ts = await page.locator('[data-panel-id="4"]').boundingBox();
  const table = await page.locator('[data-panel-id="5"]').boundingBox();
  expect(table!.x).toBeGreaterThanOrEqual(ts!.x + ts!.width);
  expect(Math.abs(table!.y - ts!.y)).toBeLessThan(1);
  expect(consoleErrors).toEqual([]);
  await page.close();
});

test('renders one row alone, moved to the top', async () => {
  const { page, consoleErrors } = await render(
    h,
    { dashboard: 'dashboard.json', theme: 'light', row: 'Pods' },
    1200,
    700
  );
  const ids = await page.$$eval('[data-panel-id]', (els) => els.map((e) => e.getAttribute('data-panel-type')));
  expect(ids).toEqual(['timeseries', 'table']);
  const row = await page.locator('[data-row="Pods"]').boundingBox();
  expect(row!.y).toBeLessThan(100);
  expect(consoleErrors).toEqual([]);
  await page.close();
});

test('reports an unknown row as an error', async () => {
  await expect(render(h, { dashboard: 'dashboard.json', row: 'Nope' }, 800, 400)).rejects.toThrow(
    /no row titled "Nope"/
  );
});
