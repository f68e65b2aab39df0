/**
 * The confidence histogram panel in Chromium through the harness: realistic
 * fixtures in both themes (screenshots for the docs), hover, click-to-pin,
 * keyboard, empty states and 1,000 bins.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import type { Page } from 'playwright-core';

import { DOC_SCREENSHOTS, FIXTURES, render, startHarness, type Harness } from './harness';

const PLUGIN = 'mlwatch-confidence-panel';
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
    await tip.waitFor();
    const text = (await tip.textContent()) ?? '';
    expect(text).toContain('0.95–1.00');
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
  await expect(tip.getAttribute('data-pinned')).resolves.toBe('true');
  await expect(tip.textContent()).resolves.toContain('0.60–0.65');
  // Moving away does not move a pinned tooltip.
  await hoverConfidence(page, 0.1);
  await expect(tip.textContent()).resolves.toContain('0.60–0.65');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('confidence-tooltip').count()).resolves.toBe(0);

  await page.mouse.click(at.x, at.y);
  await expect(tip.getAttribute('data-pinned')).resolves.toBe('true');
  await page.mouse.click(5, 5);
  await expect(page.getByTestId('confidence-tooltip').count()).resolves.toBe(0);
  expect(consoleErrors).toEqual([]);
  await page.close();
});

test('the keyboard reads bins', async () => {
  const { page, consoleErrors } = await open({ frames: 'confidence-histogram-drop.json' });
  await page.getByTestId('confidence-histogram').focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('confidence-tooltip').textContent()).resolves.toContain('0.00–0.05');
  await page.keyboard.press('End');
  await expect(page.getByTestId('confidence-tooltip').textContent()).resolves.toContain('0.95–1.00');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('confidence-tooltip').count()).resolves.toBe(0);
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
  const text = (await page.getByTestId('confidence-tooltip').textContent()) ?? '';
  expect(text).toMatch(/dog/);
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
  const text = (await page.getByTestId('confidence-tooltip').textContent()) ?? '';
  expect(text).toContain('0.90–1.00');
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
  await expect(
    page.getByText('Estimated from the bins: each bin counts at its midpoint.', { exact: false }).count()
  ).resolves.toBeGreaterThan(0);
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
  await expect(page.getByTestId('confidence-legend').locator('svg rect[fill]').count()).resolves.toBe(2);
  await page.evaluate(() =>
    (window as unknown as { __harness: { rerender: (o: object) => void } }).__harness.rerender({
      width: 420,
      height: 260,
      options: { referenceStyle: 'outline', lowConfidenceThreshold: 0.8 },
    })
  );
  await page.getByText('Below 0.8').waitFor();
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
  await expect(page.getByTestId('confidence-panel').getAttribute('data-view')).resolves.toBe('classes');
  await expect(page.getByTestId('confidence-figure-drift').textContent()).resolves.toContain('No drift score');
  expect(consoleErrors).toEqual([]);
  await page.close();
});

test('1,000 bins render on canvas and hover', async () => {
  const { page, renderedMs, consoleErrors } = await open({ frames: 'confidence-histogram-bins-1000.json' });
  await expect(page.getByTestId('confidence-histogram').getAttribute('data-bins')).resolves.toBe('1000');
  // The bars are canvas pixels, not DOM nodes.
  await expect(page.locator('[data-testid="confidence-histogram"] svg *').count()).resolves.toBeLessThan(120);
  await hoverConfidence(page, 0.5005);
  await expect(page.getByTestId('confidence-tooltip').textContent()).resolves.toContain('0.500–0.501');
  // Loose bound: only catches pathological regressions; the benchmark has the real numbers.
  expect(renderedMs).toBeLessThan(5000);
  expect(consoleErrors).toEqual([]);
  await page.close();
});
