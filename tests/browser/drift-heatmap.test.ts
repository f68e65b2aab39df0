import { join } from 'node:path';

import {
  canvasInk,
  cellCentre,
  cellColours,
  harnessEvents,
  overlayInkAt,
  PANEL,
  plotInfo,
  tooltipText,
} from './bench/drift-heatmap-helpers';
import { ARTIFACTS, DOC_SCREENSHOTS, render, startHarness, type Harness } from './harness';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.stop();
});

const REALISTIC = { plugin: PANEL, frames: 'drift-heatmap-realistic-links.json' };
const STEPS = 96;

describe('drift heatmap: rendering', () => {
  test.each(['dark', 'light'])('paints the realistic fixture (%s) and saves the screenshot', async (theme) => {
    const { page, consoleErrors } = await render(
      h,
      { plugin: PANEL, frames: 'drift-heatmap-realistic.json', theme },
      900,
      500
    );
    const ink = await canvasInk(page);
    // Every cell is painted (the grid fills the plot) in many colours.
    expect(ink.painted).toBeGreaterThan(0.8);
    expect(ink.colours).toBeGreaterThan(20);
    const p = await plotInfo(page);
    expect([p.rows, p.cols]).toEqual([20, STEPS]);
    await expect(page.getByTestId('mlwatch-heatmap-legend').textContent()).resolves.toMatch(
      /p-value \(log\): low = drift.*Outlined: drift/
    );
    await page.screenshot({ path: join(DOC_SCREENSHOTS, `drift-heatmap-realistic-${theme}.png`) });
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  test('the blank-canvas check fails on a blank canvas', async () => {
    // A filter that matches nothing leaves the cell area empty: the same check must see it.
    const { page, consoleErrors } = await render(h, REALISTIC, 900, 500);
    await page.getByTestId('mlwatch-heatmap-filter').fill('no such feature');
    await page.getByTestId('mlwatch-heatmap-no-match').waitFor();
    const ink = await canvasInk(page);
    expect(ink.painted).toBe(0);
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  test('hatches cells without a score', async () => {
    const { page, consoleErrors } = await render(h, REALISTIC, 900, 500);
    await page.getByTestId('mlwatch-heatmap-filter').fill('support_tickets');
    await expect(page.getByTestId('mlwatch-heatmap-count').textContent()).resolves.toBe('1 of 20 features');
    // Steps 0-5 have no score: hatched (two colours); step 50 is a plain cell (one colour).
    expect(await cellColours(page, 0, 2)).toBe(2);
    expect(await cellColours(page, 0, 50)).toBe(1);
    const p = await plotInfo(page);
    const c = cellCentre(p, 0, 2);
    await page.mouse.move(c.x, c.y);
    const text = await tooltipText(page);
    expect(text).toContain('support_tickets_90d');
    expect(text).toContain('No score: no data or too little data in this step');
    expect(text).toContain('Some steps had fewer than 100 values');
    await page.screenshot({ path: join(ARTIFACTS, 'drift-heatmap-nan.png') });
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  test('reads a long table with p-values and counts', async () => {
    const { page, consoleErrors } = await render(h, { plugin: PANEL, frames: 'drift-heatmap-long.json' }, 700, 300);
    expect((await canvasInk(page)).painted).toBeGreaterThan(0.8);
    const p = await plotInfo(page);
    expect([p.rows, p.cols]).toEqual([3, 24]);
    // Worst first: income drifts from step 12.
    const c = cellCentre(p, 0, 20);
    await page.mouse.move(c.x, c.y);
    const text = await tooltipText(page);
    expect(text).toMatch(/income/);
    expect(text).toMatch(/p-value.*e-6/);
    expect(text).toMatch(/Current count\s*\d{3}/);
    expect(text).toMatch(/Method\s*ks/);
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  test('reads Prometheus series with field-config thresholds (two levels)', async () => {
    const { page, consoleErrors } = await render(
      h,
      { plugin: PANEL, frames: 'drift-heatmap-prometheus.json', theme: 'light' },
      700,
      260
    );
    const p = await plotInfo(page);
    expect([p.rows, p.cols]).toEqual([3, 60]);
    const c = cellCentre(p, 0, 50);
    await page.mouse.move(c.x, c.y);
    const text = await tooltipText(page);
    expect(text).toContain('zip_code');
    expect(text).toContain('≥ 0.1, ≥ 0.2');
    expect(text).toMatch(/Drift: at or above 0\.(1|2)/);
    await page.screenshot({ path: join(ARTIFACTS, 'drift-heatmap-prometheus-light.png') });
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  test('explains empty data', async () => {
    const { page, consoleErrors } = await render(h, { plugin: PANEL, frames: 'empty.json' }, 500, 300);
    await expect(page.getByTestId('mlwatch-panel-message').textContent()).resolves.toContain('No data');
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  test('re-renders on resize', async () => {
    const { page, consoleErrors } = await render(h, REALISTIC, 900, 500);
    await page.evaluate(() =>
      (window as unknown as { __harness: { rerender: (o: object) => void } }).__harness.rerender({
        width: 400,
        height: 300,
      })
    );
    await page.waitForFunction(
      () => document.querySelector<HTMLCanvasElement>('[data-testid="mlwatch-heatmap-canvas"]')!.clientWidth === 400
    );
    expect((await canvasInk(page)).painted).toBeGreaterThan(0.8);
    await page.screenshot({ path: join(ARTIFACTS, 'drift-heatmap-small.png') });
    expect(consoleErrors).toEqual([]);
    await page.close();
  });
});

describe('drift heatmap: interaction', () => {
  test('hover shows the tooltip and publishes the hovered time', async () => {
    const { page, consoleErrors } = await render(h, REALISTIC, 900, 500);
    const p = await plotInfo(page);
    // Row 0 is the worst feature (income), drifting from step 40.
    const c = cellCentre(p, 0, 80);
    await page.mouse.move(c.x, c.y);
    const text = await tooltipText(page);
    expect(text).toContain('income');
    expect(text).toContain('2025-11-26 20:00');
    expect(text).toMatch(/Score\s*0\.\d+/);
    expect(text).toMatch(/Method\s*wasserstein/);
    expect(text).toMatch(/Drift when\s*≥ 0\.1/);
    expect(text).toContain('Drift: at or above 0.1');
    expect(text).toMatch(/Whole window/);
    expect(text).toMatch(/Current count \(window\)\s*12,480/);
    expect(text).toContain('Click for links');
    const hovers = (await harnessEvents(page)).filter((e) => e.type === 'data-hover');
    expect(hovers.at(-1)?.payload).toMatchObject({ point: { time: Date.UTC(2025, 10, 26, 20, 0) } });
    await page.screenshot({ path: join(ARTIFACTS, 'drift-heatmap-hover.png') });
    // A p-value row says low means drift.
    const d = cellCentre(p, 1, 90);
    await page.mouse.move(d.x, d.y);
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="mlwatch-heatmap-tooltip"]')?.textContent?.includes('device_type')
    );
    const pText = await tooltipText(page);
    expect(pText).toMatch(/Score \(p-value\)/);
    expect(pText).toContain('Drift: p-value below 0.05');
    // Leaving clears the tooltip and the shared crosshair.
    await page.mouse.move(5, 495);
    await page.getByTestId('mlwatch-heatmap-tooltip').waitFor({ state: 'detached' });
    expect((await harnessEvents(page)).at(-1)?.type).toBe('data-hover-clear');
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  test('long names are cut with an ellipsis and shown whole on hover', async () => {
    const { page, consoleErrors } = await render(h, REALISTIC, 600, 500);
    await page.getByTestId('mlwatch-heatmap-filter').fill('lifetime');
    const p = await plotInfo(page);
    await page.mouse.move(p.x - 20, p.y + p.height / 2);
    expect(await tooltipText(page)).toContain('customer_lifetime_value_estimate_rolling_90d');
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  test('click opens the data links menu with the feature in the link', async () => {
    const { page, consoleErrors } = await render(h, REALISTIC, 900, 500);
    const p = await plotInfo(page);
    const c = cellCentre(p, 0, 70);
    await page.mouse.click(c.x, c.y);
    const menu = page.getByRole('menu');
    await menu.waitFor();
    const text = await menu.textContent();
    expect(text).toContain('income · 2025-11-26 17:30');
    expect(text).toContain('Show distribution');
    expect(text).toContain('Explore raw values');
    const href = await menu.locator('a').first().getAttribute('href');
    expect(href).toContain('/d/mlwatch-distribution');
    await page.screenshot({ path: join(ARTIFACTS, 'drift-heatmap-links.png') });
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'detached' });
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  test('dragging across the time axis zooms the dashboard time range', async () => {
    const { page, consoleErrors } = await render(h, REALISTIC, 900, 500);
    const p = await plotInfo(page);
    const a = cellCentre(p, 3, 20);
    const b = cellCentre(p, 3, 40);
    await page.mouse.move(a.x, p.y + p.height + 8);
    await page.mouse.down();
    await page.mouse.move((a.x + b.x) / 2, p.y + p.height + 8, { steps: 4 });
    await page.mouse.move(b.x, p.y + p.height + 8, { steps: 4 });
    await page.mouse.up();
    const zoom = (await harnessEvents(page)).filter((e) => e.type === 'time-range');
    expect(zoom).toHaveLength(1);
    const { from, to } = zoom[0].payload as { from: number; to: number };
    const t0 = Date.UTC(2025, 10, 26);
    const step = 15 * 60000;
    expect(Math.abs(from - (t0 + 20 * step))).toBeLessThan(step / 2);
    expect(Math.abs(to - (t0 + 40 * step))).toBeLessThan(step / 2);
    // A drag is not a click: no links menu.
    expect(await page.getByRole('menu').count()).toBe(0);
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  test('keyboard: arrows move a focused cell, the tooltip follows, Enter opens links', async () => {
    const { page, consoleErrors } = await render(h, REALISTIC, 900, 500);
    await page.getByTestId('mlwatch-heatmap').focus();
    // Focus starts on the latest step of the top row.
    let text = await tooltipText(page);
    expect(text).toContain('income');
    expect(text).toContain('2025-11-26 23:45');
    expect(text).toContain('Press Enter for links');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowLeft');
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="mlwatch-heatmap-tooltip"]')?.textContent?.includes('device_type')
    );
    text = await tooltipText(page);
    expect(text).toContain('2025-11-26 23:30');
    // Screen readers hear the same cell.
    await expect(page.locator('[aria-live="polite"]').textContent()).resolves.toMatch(
      /^device_type, 2025-11-26 23:30: /
    );
    await page.keyboard.press('Home');
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="mlwatch-heatmap-tooltip"]')?.textContent?.includes('2025-11-26 00:00')
    );
    await page.keyboard.press('End');
    await page.keyboard.press('PageDown');
    await page.waitForFunction(() =>
      /2025-11-26 23:45/.test(document.querySelector('[data-testid="mlwatch-heatmap-tooltip"]')?.textContent ?? '')
    );
    await page.keyboard.press('Enter');
    const menu = page.getByRole('menu');
    await menu.waitFor();
    expect(await menu.textContent()).toContain('Show distribution');
    await page.screenshot({ path: join(ARTIFACTS, 'drift-heatmap-keyboard.png') });
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'detached' });
    // Focus comes back to the heatmap, and arrows still work.
    await page.keyboard.press('ArrowUp');
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'mlwatch-heatmap');
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  test('sorting and filtering change the rows', async () => {
    const { page, consoleErrors } = await render(h, REALISTIC, 900, 500);
    const p = await plotInfo(page);
    const top = cellCentre(p, 0, 10);
    // A re-sort repaints on the next frame; on a busy machine the first
    // hover can land before it, so hover again until the tooltip shows.
    const hoverTop = async () => {
      for (let attempt = 1; ; attempt++) {
        await page.mouse.move(5, 495);
        await page.mouse.move(top.x, top.y);
        try {
          return await tooltipText(page);
        } catch (err) {
          if (attempt === 3) {
            throw err;
          }
        }
      }
    };
    expect(await hoverTop()).toContain('income');
    await page.getByRole('radio', { name: 'Name' }).click({ force: true });
    expect(await hoverTop()).toContain('age');
    await page.getByRole('radio', { name: 'First drift' }).click({ force: true });
    expect(await hoverTop()).toContain('income');
    // income crosses at step 47, session_length_sec at 60, device_type at 72.
    const second = cellCentre(p, 1, 10);
    await page.mouse.move(second.x, second.y);
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="mlwatch-heatmap-tooltip"]')?.textContent?.includes('session_length_sec')
    );
    await page.getByRole('radio', { name: 'Latest' }).click({ force: true });
    expect(await hoverTop()).toMatch(/income|device_type/);
    await page.getByTestId('mlwatch-heatmap-filter').fill('session_length, device');
    await expect(page.getByTestId('mlwatch-heatmap-count').textContent()).resolves.toBe('2 of 20 features');
    expect((await plotInfo(page)).rows).toBe(2);
    await page.getByTestId('mlwatch-heatmap-filter').fill('/^(age|income)$/');
    await expect(page.getByTestId('mlwatch-heatmap-count').textContent()).resolves.toBe('2 of 20 features');
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  test('draws the shared crosshair that other panels publish', async () => {
    const { page, consoleErrors } = await render(h, REALISTIC, 900, 500);
    const p = await plotInfo(page);
    const c = cellCentre(p, 0, 48);
    const time = Date.UTC(2025, 10, 26, 12, 0);
    expect(await overlayInkAt(page, c.x)).toBe(0);
    await page.evaluate(
      ([t, Hover]) => {
        const bus = (window as unknown as { __harness: { eventBus: { publish: (e: unknown) => void } } }).__harness
          .eventBus;
        // The harness bundles @grafana/data; publish the same event classes Grafana does.
        bus.publish({ type: Hover, payload: { point: { time: t } } });
      },
      [time, 'data-hover'] as const
    );
    await page.waitForFunction((x) => {
      const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="mlwatch-heatmap-overlay"]')!;
      const box = canvas.getBoundingClientRect();
      const data = canvas.getContext('2d')!.getImageData(Math.round(x - box.left) - 1, 0, 3, canvas.height).data;
      return data.some((v, i) => i % 4 === 3 && v > 0);
    }, c.x);
    expect(await overlayInkAt(page, c.x)).toBeGreaterThan(p.height / 2);
    await page.screenshot({ path: join(ARTIFACTS, 'drift-heatmap-crosshair.png') });
    await page.evaluate((Clear) => {
      const bus = (window as unknown as { __harness: { eventBus: { publish: (e: unknown) => void } } }).__harness
        .eventBus;
      bus.publish({ type: Clear });
    }, 'data-hover-clear');
    await page.waitForFunction((x) => {
      const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="mlwatch-heatmap-overlay"]')!;
      const box = canvas.getBoundingClientRect();
      const data = canvas.getContext('2d')!.getImageData(Math.round(x - box.left) - 1, 0, 3, canvas.height).data;
      return !data.some((v, i) => i % 4 === 3 && v > 0);
    }, c.x);
    expect(consoleErrors).toEqual([]);
    await page.close();
  });
});
