/**
 * The confidence histogram panel in Chromium through the harness: realistic
 * fixtures in both themes (screenshots for the docs), hover, click-to-pin,
 * keyboard, empty states and 1,000 bins.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import type { Locator, Page } from 'playwright-core';

import { DOC_SCREENSHOTS, FIXTURES, render, startHarness, type Harness } from './harness';

const PLUGIN = 'mlwatch-confidence-panel';
/** Grafana's "blue" and "orange" (the default window colours) in the dark theme. */
const CURRENT_DARK: [number, number, number] = [87, 148, 242];
const REFERENCE_DARK: [number, number, number] = [255, 152, 48];
const GENERATOR = resolve(__dirname, '..', 'fixtures', 'generate-confidence-histogram.mjs');

let h: Harness;
let dir: string;

beforeAll(async () => {
  // Committed fixtures plus large and combined ones made at test time.
  dir = mkdtempSync(join(tmpdir(), 'confidence-fixtures-'));
  for (const f of readdirSync(FIXTURES)) {
    copyFileSync(join(FIXTURES, f), join(dir, f));
  }
  execFileSync(process.execPath, [GENERATOR, '--out', dir, '--bins', '1000']);
  const read = (f: string) => JSON.parse(readFileSync(join(FIXTURES, f), 'utf8')) as unknown[];
  writeFileSync(
    join(dir, 'confidence-histogram-combined.json'),
    JSON.stringify([
      ...read('confidence-histogram-buckets.json'),
      ...read('confidence-histogram-class-series.json').map(renameRefId),
    ])
  );
  h = await startHarness(dir);
});

afterAll(async () => {
  await h?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Class series as queries C and D, so they do not share refIds with the buckets. */
function renameRefId(frame: unknown): unknown {
  const f = frame as { schema: { refId: string } };
  return { ...f, schema: { ...f.schema, refId: f.schema.refId === 'A' ? 'C' : 'D' } };
}

/** Waits until the element's text contains `text`: hover, click and keys update the UI asynchronously. */
async function hasText(locator: Locator, text: string | RegExp, timeoutMs = 5000): Promise<string> {
  const read = async () => ((await locator.count()) > 0 ? ((await locator.first().textContent()) ?? '') : '');
  const ok = (got: string) => (typeof text === 'string' ? got.includes(text) : text.test(got));
  const until = Date.now() + timeoutMs;
  let got = await read();
  while (!ok(got) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 50));
    got = await read();
  }
  if (typeof text === 'string') {
    expect(got).toContain(text);
  } else {
    expect(got).toMatch(text);
  }
  return got;
}

/** Polls a value until it equals `want` (jest has no expect.poll). */
async function eventually<T>(read: () => Promise<T>, want: T, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  let got = await read();
  while (got !== want && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 50));
    got = await read();
  }
  expect(got).toEqual(want);
}

/**
 * Canvas pixels in the histogram's plot: how many are painted, and how
 * many are close to a colour (the bars are the current window's colour).
 */
async function canvasInk(page: Page, rgb?: [number, number, number]) {
  return page
    .getByTestId('confidence-histogram')
    .locator('canvas')
    .evaluate((el, want) => {
      const c = el as HTMLCanvasElement;
      const ctx = c.getContext('2d')!;
      const img = ctx.getImageData(0, 0, c.width, c.height).data;
      let painted = 0;
      let near = 0;
      for (let i = 0; i < img.length; i += 4) {
        if (img[i + 3] > 0) {
          painted++;
          if (
            want &&
            img[i + 3] > 128 &&
            Math.abs(img[i] - want[0]) < 40 &&
            Math.abs(img[i + 1] - want[1]) < 40 &&
            Math.abs(img[i + 2] - want[2]) < 40
          ) {
            near++;
          }
        }
      }
      return { painted: painted / (img.length / 4), near: near / (img.length / 4) };
    }, rgb);
}

/** Waits for icons (fetched as SVG) and two more frames, so screenshots are complete. */
async function settle(page: Page) {
  await page.waitForLoadState('networkidle');
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

/** Waits until the tooltip has stopped moving (it eases into place) and sits inside the page. */
async function tooltipSettled(page: Page) {
  await page.waitForFunction(
    () =>
      new Promise<boolean>((resolve) => {
        const el = document.querySelector('[data-testid="confidence-tooltip"]');
        if (!el) {
          resolve(false);
          return;
        }
        const a = el.getBoundingClientRect();
        requestAnimationFrame(() =>
          requestAnimationFrame(() => {
            const b = el.getBoundingClientRect();
            resolve(a.x === b.x && a.y === b.y && b.right <= window.innerWidth && b.bottom <= window.innerHeight);
          })
        );
      })
  );
}

async function open(query: Record<string, string>, width = 800, height = 400) {
  const r = await render(h, { plugin: PLUGIN, ...query }, width, height);
  await settle(r.page);
  return r;
}

/** Moves the mouse to a confidence value on the histogram's x axis, at mid height. */
async function hoverConfidence(page: Page, value: number) {
  const box = (await page.getByTestId('confidence-histogram').boundingBox())!;
  // The plot spans from 48 px to width - 14 px (HistogramChart margins).
  const x = box.x + 48 + value * (box.width - 48 - 14);
  await page.mouse.move(x, box.y + box.height / 2);
  return { x, y: box.y + box.height / 2 };
}

const SHOTS = [
  {
    what: 'drop',
    frames: 'confidence-histogram-drop.json',
    expect: ['Mean confidence', '0.72', 'ref 0.87', 'drifted', 'wasserstein 0.419 ≥ 0.1'],
  },
  {
    what: 'calibration',
    frames: 'confidence-histogram-calibration.json',
    expect: ['ECE', 'overconfident', 'Labelled'],
  },
  {
    what: 'classes',
    frames: 'confidence-histogram-classes.json',
    expect: ['Largest change', 'dog', '+23.0 pp', 'jensenshannon'],
  },
];

describe.each(['dark', 'light'])('%s theme', (theme) => {
  test.each(SHOTS)('$what fixture renders with its figures', async ({ what, frames, expect: texts }) => {
    const { page, consoleErrors } = await open({ frames, theme });
    const header = await page.getByTestId('confidence-header').textContent();
    for (const t of texts) {
      expect(header).toContain(t);
    }
    await page.screenshot({ path: join(DOC_SCREENSHOTS, `confidence-histogram-${what}-${theme}.png`) });
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  test('bar tooltip shows both shares and counts', async () => {
    const { page, consoleErrors } = await open({ frames: 'confidence-histogram-drop.json', theme });
    await hoverConfidence(page, 0.975);
    const tip = page.getByTestId('confidence-tooltip');
    const text = await hasText(tip, '0.95–1.00');
    // Current and reference share, each with its count.
    expect(text).toMatch(/Current\s*15\.\d% \(7,\d{3}\)/);
    expect(text).toMatch(/Reference\s*32\.\d% \(15,\d{3}\)/);
    expect(text).toMatch(/Change\s*−17\.\d pp/);
    await expect(page.getByTestId('confidence-histogram').getAttribute('data-hover-bin')).resolves.toBe('19');
    await tooltipSettled(page);
    await page.screenshot({ path: join(DOC_SCREENSHOTS, `confidence-histogram-tooltip-${theme}.png`) });
    expect(consoleErrors).toEqual([]);
    await page.close();
  });
});

test('click pins the tooltip; Escape and a click elsewhere release it', async () => {
  const { page, consoleErrors } = await open({ frames: 'confidence-histogram-drop.json' });
  const at = await hoverConfidence(page, 0.625);
  await page.mouse.click(at.x, at.y);
  const tip = page.getByTestId('confidence-tooltip');
  await eventually(() => tip.getAttribute('data-pinned'), 'true');
  await hasText(tip, '0.60–0.65');
  // Moving away does not move a pinned tooltip: the hovered bin stays.
  await hoverConfidence(page, 0.1);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  await expect(page.getByTestId('confidence-histogram').getAttribute('data-hover-bin')).resolves.toBe('12');
  await hasText(tip, '0.60–0.65');
  await page.keyboard.press('Escape');
  await eventually(() => page.getByTestId('confidence-tooltip').count(), 0);

  await page.mouse.click(at.x, at.y);
  await eventually(() => tip.getAttribute('data-pinned'), 'true');
  await page.mouse.click(5, 5);
  await eventually(() => page.getByTestId('confidence-tooltip').count(), 0);
  expect(consoleErrors).toEqual([]);
  await page.close();
});

test('the keyboard reads bins', async () => {
  const { page, consoleErrors } = await open({ frames: 'confidence-histogram-drop.json' });
  await page.getByTestId('confidence-histogram').focus();
  await page.keyboard.press('ArrowRight');
  await hasText(page.getByTestId('confidence-tooltip'), '0.00–0.05');
  await page.keyboard.press('End');
  await hasText(page.getByTestId('confidence-tooltip'), '0.95–1.00');
  await page.keyboard.press('ArrowLeft');
  await hasText(page.getByTestId('confidence-tooltip'), '0.90–0.95');
  await page.keyboard.press('Escape');
  await eventually(() => page.getByTestId('confidence-tooltip').count(), 0);
  await expect(page.getByTestId('confidence-histogram').getAttribute('aria-label')).resolves.toMatch(
    /Mean confidence 0.72 against 0.87/
  );
  expect(consoleErrors).toEqual([]);
  await page.close();
});

test('class mode marks the skewed class and shows it on hover', async () => {
  const { page, consoleErrors } = await open({ frames: 'confidence-histogram-classes.json' });
  const dog = page.locator('[data-testid="confidence-class-row"][data-class="dog"]');
  await expect(dog.getAttribute('data-largest')).resolves.toBe('true');
  await expect(dog.getAttribute('data-skewed')).resolves.toBe('true');
  await expect(page.locator('[data-testid="confidence-class-row"][data-skewed="true"]').count()).resolves.toBe(1);
  const box = (await page.getByTestId('confidence-classes').boundingBox())!;
  // Rows sort by change: dog is first.
  await page.mouse.move(box.x + box.width / 2, box.y + 10);
  const text = await hasText(page.getByTestId('confidence-tooltip'), 'dog');
  expect(text).toMatch(/Current\s*40\.0% \(11,365\)/);
  expect(text).toMatch(/Reference\s*17\.0% \(5,194\)/);
  expect(text).toMatch(/Change \(skewed\)\s*\+23\.0 pp/);
  expect(consoleErrors).toEqual([]);
  await page.close();
});

test('calibration mode shows accuracy against confidence', async () => {
  const { page, consoleErrors } = await open({ frames: 'confidence-histogram-calibration.json' });
  await expect(page.getByTestId('confidence-calibration-bin').count()).resolves.toBe(10);
  const box = (await page.getByTestId('confidence-calibration').boundingBox())!;
  await page.mouse.move(box.x + 48 + 0.95 * (box.width - 62), box.y + box.height / 2);
  const text = await hasText(page.getByTestId('confidence-tooltip'), '0.90–1.00');
  expect(text).toMatch(/Accuracy now\s*79\.0% \(1,146 of 1,450\)/);
  expect(text).toMatch(/Gap \(overconfident\)\s*−16\.0 pp/);
  expect(text).toMatch(/Accuracy \(reference\)\s*94\.0%/);
  expect(consoleErrors).toEqual([]);
  await page.close();
});

test('Prometheus buckets: no drift score without the mlwatch query', async () => {
  const { page, consoleErrors } = await open({ frames: 'confidence-histogram-buckets.json' });
  const drift = (await page.getByTestId('confidence-figure-drift').textContent()) ?? '';
  expect(drift).toContain('No drift score');
  expect(drift).toContain('use the mlwatch distribution query');
  await expect(page.getByTestId('confidence-histogram').getAttribute('data-bins')).resolves.toBe('10');
  await page.getByTestId('confidence-help-mean').hover();
  await page.getByText('Estimated from the bins: each bin counts at its midpoint.', { exact: false }).waitFor();
  expect(consoleErrors).toEqual([]);
  await page.close();
});

test('a missing window is explained', async () => {
  const { page, consoleErrors } = await open({ frames: 'confidence-histogram-one-window.json' });
  await expect(page.getByTestId('confidence-figure-mean').textContent()).resolves.toContain('no reference');
  const notices = page.getByTestId('confidence-notices');
  await expect(notices.getAttribute('data-count')).resolves.toBe('1');
  await notices.hover();
  await page.getByText('Only the current window was found.', { exact: false }).waitFor();
  expect(consoleErrors).toEqual([]);
  await page.close();
});

test('raw values are binned in the panel', async () => {
  const { page, consoleErrors } = await open({ frames: 'confidence-histogram-values.json' });
  await expect(page.getByTestId('confidence-histogram').getAttribute('data-bins')).resolves.toBe('20');
  await page.getByTestId('confidence-notices').hover();
  await page.getByText('Raw values binned in the panel into 20 equal-width bins.', { exact: false }).waitFor();
  expect(consoleErrors).toEqual([]);
  await page.close();
});

test.each(['dark', 'light'])('empty and unsupported data are explained (%s)', async (theme) => {
  const empty = await open({ frames: 'empty.json', theme }, 500, 300);
  await expect(empty.page.getByTestId('mlwatch-panel-message').textContent()).resolves.toMatch(
    /No data.*mlwatch distribution query/
  );
  await empty.page.screenshot({ path: join(DOC_SCREENSHOTS, `confidence-histogram-empty-${theme}.png`) });
  expect(empty.consoleErrors).toEqual([]);
  await empty.page.close();
  const other = await open({ frames: 'unsupported-strings.json', theme }, 500, 300);
  await expect(other.page.getByTestId('mlwatch-panel-message').textContent()).resolves.toContain(
    'This data has no confidence histogram'
  );
  expect(other.consoleErrors).toEqual([]);
  await other.page.close();
});

test('a mode the data does not fit says what it needs', async () => {
  const { page, consoleErrors } = await open({
    frames: 'confidence-histogram-drop.json',
    options: 'confidence-histogram-calibration.options.json',
  });
  await expect(page.getByTestId('mlwatch-panel-message').textContent()).resolves.toContain(
    'ml_labeled_predictions_total'
  );
  expect(consoleErrors).toEqual([]);
  await page.close();
});

test('mirrored reference, option changes and resizing re-render', async () => {
  const { page, consoleErrors } = await open({
    frames: 'confidence-histogram-drop.json',
    options: 'confidence-histogram-mirrored.options.json',
  });
  await expect(page.getByTestId('confidence-legend').locator('svg rect:not([fill="none"])').count()).resolves.toBe(2);
  await page.evaluate(() =>
    (window as unknown as { __harness: { rerender: (o: object) => void } }).__harness.rerender({
      width: 420,
      height: 260,
      options: { referenceStyle: 'outline', lowConfidenceThreshold: 0.8 },
    })
  );
  await page.getByText('Below 0.8').waitFor();
  // Outline style: the legend's reference swatch is an outline again.
  await eventually(() => page.getByTestId('confidence-legend').locator('svg rect:not([fill="none"])').count(), 1);
  await expect(page.getByTestId('confidence-histogram').evaluate((e) => (e as HTMLElement).style.width)).resolves.toBe(
    '420px'
  );
  expect(consoleErrors).toEqual([]);
  await page.close();
});

test('several views: the panel offers a switch', async () => {
  const { page, consoleErrors } = await open({ frames: 'confidence-histogram-combined.json' });
  await expect(page.getByTestId('confidence-panel').getAttribute('data-view')).resolves.toBe('histogram');
  await page.getByLabel('Classes').click();
  await eventually(() => page.getByTestId('confidence-panel').getAttribute('data-view'), 'classes');
  await hasText(page.getByTestId('confidence-figure-drift'), 'No drift score');
  await expect(page.getByTestId('confidence-classes').isVisible()).resolves.toBe(true);
  expect(consoleErrors).toEqual([]);
  await page.close();
});

test('1,000 bins render on canvas and hover', async () => {
  const { page, consoleErrors } = await open({ frames: 'confidence-histogram-bins-1000.json' });
  await expect(page.getByTestId('confidence-histogram').getAttribute('data-bins')).resolves.toBe('1000');
  // The bars are canvas pixels, not DOM nodes.
  await expect(page.locator('[data-testid="confidence-histogram"] svg *').count()).resolves.toBeLessThan(120);
  const ink = await canvasInk(page, CURRENT_DARK);
  expect(ink.near).toBeGreaterThan(0.05);
  await hoverConfidence(page, 0.5005);
  await hasText(page.getByTestId('confidence-tooltip'), '0.500–0.501');
  // Timing is measured by the benchmark (docs/benchmarks.md), not asserted here.
  expect(consoleErrors).toEqual([]);
  await page.close();
});

test('bars and the reference outline are painted, and the mirrored style paints below the axis', async () => {
  const outline = await open({ frames: 'confidence-histogram-drop.json' });
  const a = await canvasInk(outline.page, CURRENT_DARK);
  const ref = await canvasInk(outline.page, REFERENCE_DARK);
  expect(a.near).toBeGreaterThan(0.05);
  expect(ref.near).toBeGreaterThan(0.001);
  expect(outline.consoleErrors).toEqual([]);
  await outline.page.close();
  const mirrored = await open({
    frames: 'confidence-histogram-drop.json',
    options: 'confidence-histogram-mirrored.options.json',
  });
  // Mirrored reference bars fill far more pixels than the outline does.
  const m = await canvasInk(mirrored.page, REFERENCE_DARK);
  expect(m.near).toBeGreaterThan(ref.near * 5);
  expect(mirrored.consoleErrors).toEqual([]);
  await mirrored.page.close();
});

describe('frames from the mlwatch backend (pkg/engine, TestDistributionFrameFixtures)', () => {
  /** The fixture's counts, for figures worked out here independently of the panel. */
  function backendCounts(file: string) {
    const [frame] = JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as Array<{
      schema: { meta: { custom: Record<string, number[]> } };
    }>;
    return frame.schema.meta.custom;
  }

  test('a Prometheus classic histogram through the distribution query', async () => {
    const custom = backendCounts('confidence-backend-histogram.json');
    // Ten finite buckets of width 0.1, then the +Inf bucket (empty).
    const mean = (c: number[]) =>
      c.slice(0, 10).reduce((a, n, i) => a + n * (i / 10 + 0.05), 0) / c.slice(0, 10).reduce((a, n) => a + n, 0);
    const { page, consoleErrors } = await open({ frames: 'confidence-backend-histogram.json' });
    // The +Inf bound arrives as a JSON entity; its bucket is not drawn.
    await expect(page.getByTestId('confidence-histogram').getAttribute('data-bins')).resolves.toBe('10');
    const figure = await page.getByTestId('confidence-figure-mean').textContent();
    expect(figure).toContain(mean(custom.current_counts).toFixed(2));
    expect(figure).toContain(`ref ${mean(custom.reference_counts).toFixed(2)}`);
    const drift = await page.getByTestId('confidence-figure-drift').textContent();
    expect(drift).toContain('drifted');
    expect(drift).toMatch(/wasserstein 0\.9\d+ ≥ 0\.1/);
    // Counts in the tooltip are the backend's counts.
    await hoverConfidence(page, 0.95);
    await hasText(page.getByTestId('confidence-tooltip'), `(${custom.current_counts[9].toLocaleString('en-US')})`);
    await hasText(page.getByTestId('confidence-tooltip'), `(${custom.reference_counts[9].toLocaleString('en-US')})`);
    await expect(page.getByTestId('confidence-notices').getAttribute('data-count')).resolves.toBe('0');
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  test('class shares through the distribution query in class mode', async () => {
    const { page, consoleErrors } = await open({ frames: 'confidence-backend-classes.json' });
    await expect(page.getByTestId('confidence-panel').getAttribute('data-view')).resolves.toBe('classes');
    await expect(page.locator('[data-testid="confidence-class-row"]').count()).resolves.toBe(4);
    const dog = page.locator('[data-testid="confidence-class-row"][data-class="dog"]');
    await expect(dog.getAttribute('data-skewed')).resolves.toBe('true');
    await expect(dog.getAttribute('data-largest')).resolves.toBe('true');
    const header = (await page.getByTestId('confidence-header').textContent()) ?? '';
    expect(header).toContain('+24.9 pp');
    expect(header).toContain('chisquare p <0.001 < 0.05');
    expect(consoleErrors).toEqual([]);
    await page.close();
  });
});
