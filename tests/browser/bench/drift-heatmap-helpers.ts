import type { Page } from 'playwright-core';

export const PANEL = 'mlwatch-driftheatmap-panel';

/** Where the heatmap's cells are on the page, from the data-plot attribute the panel sets. */
export interface PlotInfo {
  x: number;
  y: number;
  width: number;
  height: number;
  rows: number;
  cols: number;
}

/** Waits for the panel's first paint: it paints in an animation frame and then sets data-plot. */
export async function painted(page: Page): Promise<void> {
  await page.waitForSelector('[data-testid="mlwatch-heatmap"][data-plot]', { timeout: 30000 });
}

export async function plotInfo(page: Page): Promise<PlotInfo> {
  await painted(page);
  const el = page.getByTestId('mlwatch-heatmap');
  const box = (await el.boundingBox())!;
  const [left, top, width, height, rows, cols] = (await el.getAttribute('data-plot'))!.split(',').map(Number);
  return { x: box.x + left, y: box.y + top, width, height, rows, cols };
}

/** Page coordinates of a cell's centre (columns evenly spaced, as in the fixtures). */
export function cellCentre(p: PlotInfo, row: number, col: number): { x: number; y: number } {
  return { x: p.x + ((col + 0.5) * p.width) / p.cols, y: p.y + ((row + 0.5) * p.height) / p.rows };
}

/**
 * Reads the base canvas back and says how much of the cell area is painted:
 * the share of pixels that differ from the top-left background pixel and
 * the number of distinct colours. A blank canvas gives 0 and 1.
 */
export async function canvasInk(page: Page): Promise<{ painted: number; colours: number }> {
  await painted(page);
  return page.evaluate(() => {
    const host = document.querySelector<HTMLElement>('[data-testid="mlwatch-heatmap"]')!;
    const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="mlwatch-heatmap-canvas"]')!;
    const [left, top, width, height] = host.dataset.plot!.split(',').map(Number);
    const dpr = canvas.width / canvas.clientWidth;
    const ctx = canvas.getContext('2d')!;
    const w = Math.max(1, Math.round(width * dpr));
    const h = Math.max(1, Math.round(height * dpr));
    const data = new Uint32Array(ctx.getImageData(Math.round(left * dpr), Math.round(top * dpr), w, h).data.buffer);
    const blank = new Uint32Array(ctx.getImageData(0, 0, 1, 1).data.buffer)[0];
    let painted = 0;
    const colours = new Set<number>();
    for (let i = 0; i < data.length; i++) {
      if (data[i] !== blank) {
        painted++;
      }
      if (colours.size < 1000) {
        colours.add(data[i]);
      }
    }
    return { painted: painted / data.length, colours: colours.size };
  });
}

/** Distinct colours inside one cell (inset by 2 px), read back from the base canvas. */
export async function cellColours(page: Page, row: number, col: number): Promise<number> {
  await painted(page);
  return page.evaluate(
    ([r, c]) => {
      const host = document.querySelector<HTMLElement>('[data-testid="mlwatch-heatmap"]')!;
      const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="mlwatch-heatmap-canvas"]')!;
      const [left, top, width, height, rows, cols] = host.dataset.plot!.split(',').map(Number);
      const dpr = canvas.width / canvas.clientWidth;
      const x0 = Math.ceil((left + (c * width) / cols) * dpr) + 2;
      const x1 = Math.floor((left + ((c + 1) * width) / cols) * dpr) - 3;
      const y0 = Math.ceil((top + (r * height) / rows) * dpr) + 2;
      const y1 = Math.floor((top + ((r + 1) * height) / rows) * dpr) - 3;
      const data = new Uint32Array(
        canvas.getContext('2d')!.getImageData(x0, y0, Math.max(1, x1 - x0), Math.max(1, y1 - y0)).data.buffer
      );
      return new Set(data).size;
    },
    [row, col]
  );
}

/** Non-transparent pixels in a column of the overlay canvas (for the shared crosshair). */
export async function overlayInkAt(page: Page, pageX: number): Promise<number> {
  return page.evaluate((x) => {
    const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="mlwatch-heatmap-overlay"]')!;
    const box = canvas.getBoundingClientRect();
    const dpr = canvas.width / canvas.clientWidth;
    const cx = Math.round((x - box.left) * dpr);
    const data = canvas.getContext('2d')!.getImageData(Math.max(0, cx - 1), 0, 3, canvas.height).data;
    let ink = 0;
    for (let i = 3; i < data.length; i += 4) {
      if (data[i] > 0) {
        ink++;
      }
    }
    return ink;
  }, pageX);
}

export async function tooltipText(page: Page): Promise<string> {
  const tip = page.getByTestId('mlwatch-heatmap-tooltip');
  await tip.waitFor({ state: 'visible', timeout: 5000 });
  return (await tip.textContent()) ?? '';
}

export interface HarnessEvent {
  type: string;
  payload: unknown;
}

export async function harnessEvents(page: Page): Promise<HarnessEvent[]> {
  return page.evaluate(() =>
    (window as unknown as { __harness: { events: HarnessEvent[] } }).__harness.events.map((e) => ({
      type: e.type,
      payload: e.payload,
    }))
  );
}
