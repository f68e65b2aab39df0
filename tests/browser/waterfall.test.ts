import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

import type { Locator, Page } from 'playwright-core';

import { ARTIFACTS, DOC_SCREENSHOTS, FIXTURES, render, startHarness, type Harness } from './harness';

const PLUGIN = 'mlwatch-tracewaterfall-panel';
/** Small fixtures are committed; the 50,000-span trace is generated here for each run. */
const FIXTURE_DIR = join(ARTIFACTS, 'waterfall-fixtures');

let h: Harness;

beforeAll(async () => {
  mkdirSync(FIXTURE_DIR, { recursive: true });
  for (const name of readdirSync(FIXTURES)) {
    if (name.startsWith('waterfall-') || name === 'empty.json' || name === 'unsupported-strings.json') {
      copyFileSync(join(FIXTURES, name), join(FIXTURE_DIR, name));
    }
  }
  const generator = resolve(__dirname, '..', 'fixtures', 'generate-waterfall.mjs');
  execFileSync(process.execPath, [generator, '--out', FIXTURE_DIR, '--spans', '50000']);
  h = await startHarness(FIXTURE_DIR);
});

afterAll(async () => {
  await h?.stop();
});

async function open(frames: string, opts: { theme?: string; width?: number; height?: number } = {}) {
  const result = await render(
    h,
    { plugin: PLUGIN, frames, theme: opts.theme ?? 'dark' },
    opts.width ?? 1200,
    opts.height ?? 700
  );
  await result.page.getByTestId('trace-waterfall').waitFor();
  return result;
}

const row = (page: Page, name: string, nth = 0) =>
  page
    .locator('[data-testid="span-row"]')
    .filter({ has: page.locator(`text="${name}"`) })
    .nth(nth);
const rowCount = (page: Page) => page.locator('[data-testid="span-row"]').count();
const shownText = (page: Page) => page.getByTestId('time-axis').locator('div').first().textContent();

/** Retries an assertion until it passes or time runs out (jest has no expect.poll). */
async function eventually<T>(read: () => Promise<T>, want: T, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  let got = await read();
  while (got !== want && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 50));
    got = await read();
  }
  expect(got).toEqual(want);
}

/** The search runs when typing pauses; wait for its result to show. */
/** Waits until the element's text contains the given text (the UI updates asynchronously after a click). */
async function hasText(locator: Locator, text: string, timeoutMs = 5000): Promise<void> {
  const read = async () => (await locator.textContent()) ?? '';
  const until = Date.now() + timeoutMs;
  let got = await read();
  while (!got.includes(text) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 50));
    got = await read();
  }
  expect(got).toContain(text);
}

async function searchFor(page: Page, text: string) {
  await page.getByTestId('trace-search').fill(text);
  await page.waitForTimeout(400);
}

describe.each(['dark', 'light'])('screenshots (%s)', (theme) => {
  test.each([
    ['inference', 'waterfall-inference.json', 'model_inference'],
    ['llm-chain', 'waterfall-llm-chain.json', 'anthropic.chat'],
    ['tempo', 'waterfall-tempo.json', 'preprocess'],
  ])('%s', async (what, fixture, visible) => {
    const { page, consoleErrors } = await open(fixture, { theme });
    await expect(row(page, visible).isVisible()).resolves.toBe(true);
    await page.waitForTimeout(300); // icons load asynchronously
    await page.screenshot({ path: join(DOC_SCREENSHOTS, `waterfall-${what}-${theme}.png`) });
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  test('LLM span details', async () => {
    const { page, consoleErrors } = await open('waterfall-llm-chain.json', { theme });
    await row(page, 'chat gpt-4o', 1).click();
    const details = page.getByTestId('span-details');
    await details.waitFor();
    await details.getByTestId('llm-prompt').locator('summary').click();
    await page.mouse.move(5, 5);
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(DOC_SCREENSHOTS, `waterfall-llm-details-${theme}.png`) });
    expect(consoleErrors).toEqual([]);
    await page.close();
  });
});

test('explains empty data', async () => {
  const { page, consoleErrors } = await render(h, { plugin: PLUGIN, frames: 'empty.json' }, 500, 300);
  const text = await page.getByTestId('mlwatch-panel-message').textContent();
  expect(text).toContain('No data');
  expect(text).toContain('traceID');
  expect(consoleErrors).toEqual([]);
  await page.close();
});

test('explains data that is not a trace', async () => {
  const { page, consoleErrors } = await render(h, { plugin: PLUGIN, frames: 'unsupported-strings.json' }, 500, 300);
  const text = await page.getByTestId('mlwatch-panel-message').textContent();
  expect(text).toContain('This data is not a trace');
  expect(text).toContain('spanID');
  expect(consoleErrors).toEqual([]);
  await page.close();
});

test('reads the inference stages and shows them as shares of the request', async () => {
  const { page, consoleErrors } = await open('waterfall-inference.json');
  const strip = page.getByTestId('stage-strip');
  await expect(strip.locator('[data-stage="preprocess"]').textContent()).resolves.toMatch(/Preprocess 13% · 8\.1 ms/);
  await expect(strip.locator('[data-stage="inference"]').textContent()).resolves.toMatch(/Inference 65% · 39\.6 ms/);
  await expect(strip.locator('[data-stage="postprocess"]').textContent()).resolves.toMatch(/Postprocess 14% · 8\.2 ms/);
  // Clicking a stage opens its span.
  await strip.locator('[data-stage="inference"]').click();
  await expect(page.getByTestId('span-details').locator('h4').textContent()).resolves.toBe('model_inference');
  expect(consoleErrors).toEqual([]);
  await page.close();
});

test('span details show attributes, resource, events, links and GenAI facts', async () => {
  const { page, consoleErrors } = await open('waterfall-llm-chain.json');
  await row(page, 'chat gpt-4o', 1).click();
  const details = page.getByTestId('span-details');
  const genai = await details.getByTestId('span-genai').textContent();
  expect(genai).toContain('gpt-4o-2024-08-06 (asked for gpt-4o)');
  expect(genai).toContain('openai');
  expect(genai).toContain('1,245');
  expect(genai).toContain('87');
  expect(genai).toContain('380 ms');
  expect(genai).toContain('tool_calls');
  expect(genai).toContain('attempt 2');
  await hasText(details.getByTestId('span-attributes'), 'gen_ai.response.id');
  await hasText(details.getByTestId('span-resource'), 'k8s.pod.name');
  // Content is collapsed until opened.
  const prompt = details.getByTestId('llm-prompt');
  await expect(prompt.evaluate((el) => (el as HTMLDetailsElement).open)).resolves.toBe(false);
  await prompt.locator('summary').click();
  await hasText(prompt, 'Where is my order 8817?');
  await hasText(details.getByTestId('llm-completion'), 'Tool call get_order_status');

  // Older OpenLLMetry names, read and reported.
  await row(page, 'anthropic.chat').click();
  const legacy = await details.getByTestId('span-genai').textContent();
  expect(legacy).toContain('Anthropic');
  expect(legacy).toContain('322');
  expect(legacy).toContain('older attribute names');

  // Events of the failed call; links in the Tempo trace lead to the linked span.
  await row(page, 'chat gpt-4o', 0).click();
  await hasText(details.getByTestId('span-events'), 'openai.RateLimitError');
  await hasText(details, 'Rate limit reached for gpt-4o');
  expect(consoleErrors).toEqual([]);
  await page.close();

  const tempo = await open('waterfall-tempo.json', { height: 900 });
  await row(tempo.page, 'orders process').click();
  const links = tempo.page.getByTestId('span-links');
  await links.locator('button', { hasText: 'orders publish' }).click();
  await expect(tempo.page.getByTestId('span-details').locator('h4').textContent()).resolves.toBe('orders publish');
  expect(tempo.consoleErrors).toEqual([]);
  await tempo.page.close();
});

test('span details list the data links configured on the frame', async () => {
  const { page, consoleErrors } = await open('waterfall-inference.json');
  await row(page, 'compute_infer').click();
  const link = page.getByTestId('span-details').getByRole('link', { name: 'Logs for this span' });
  await expect(link.getAttribute('href')).resolves.toContain('/explore?left=logs');
  expect(consoleErrors).toEqual([]);
  await page.close();
});

test('LLM totals for the trace', async () => {
  const { page, consoleErrors } = await open('waterfall-llm-chain.json');
  await expect(page.getByTestId('llm-calls').textContent()).resolves.toBe('5 model calls (1 failed)');
  await expect(page.getByTestId('llm-tokens').textContent()).resolves.toBe('3,250 tokens (2,989 in, 261 out)');
  await expect(page.getByTestId('llm-time').textContent()).resolves.toMatch(/^LLM time 3\.67 s \(76%\)$/);
  await hasText(page.getByTestId('trace-summary'), '1 error');
  expect(consoleErrors).toEqual([]);
  await page.close();
});

test('collapse and expand', async () => {
  const { page, consoleErrors } = await open('waterfall-inference.json');
  expect(await rowCount(page)).toBe(19);
  await row(page, 'model_inference').getByTestId('span-toggle').click();
  expect(await rowCount(page)).toBe(13);
  await expect(row(page, 'compute_infer').count()).resolves.toBe(0);
  await expect(row(page, 'model_inference').getAttribute('aria-expanded')).resolves.toBe('false');
  await row(page, 'model_inference').getByTestId('span-toggle').click();
  expect(await rowCount(page)).toBe(19);
  // Collapse all leaves the root; expand all brings everything back.
  await page.getByRole('button', { name: 'Collapse all' }).click();
  expect(await rowCount(page)).toBe(1);
  await page.getByRole('button', { name: 'Expand all' }).click();
  expect(await rowCount(page)).toBe(19);
  expect(consoleErrors).toEqual([]);
  await page.close();
});

test('search, next match, matches only and key=value', async () => {
  const { page, consoleErrors } = await open('waterfall-inference.json');
  await searchFor(page, 'triton');
  const toolbar = page.getByTestId('trace-toolbar');
  await hasText(toolbar, '1 of 7');
  await page.getByRole('button', { name: 'Next match (Enter)' }).click();
  await hasText(toolbar, '2 of 7');
  await page.getByLabel('Matches only').check({ force: true });
  // Seven matches and their two ancestors.
  await eventually(() => rowCount(page), 9);
  await searchFor(page, 'tensorrt.engine=fraud_fp16');
  await hasText(toolbar, '1 of 1');
  await eventually(() => rowCount(page), 6);
  await searchFor(page, 'no-such-thing');
  await hasText(toolbar, 'No matches');
  await expect(page.getByTestId('waterfall-no-matches').isVisible()).resolves.toBe(true);
  await page.getByTestId('waterfall-no-matches').getByRole('button', { name: 'Clear filters' }).click();
  await eventually(() => rowCount(page), 19);
  expect(consoleErrors).toEqual([]);
  await page.close();
});

test('search reveals matches inside collapsed spans', async () => {
  const { page, consoleErrors } = await open('waterfall-inference.json');
  await page.getByRole('button', { name: 'Collapse all' }).click();
  expect(await rowCount(page)).toBe(1);
  await searchFor(page, 'compute_infer');
  await expect(row(page, 'compute_infer').isVisible()).resolves.toBe(true);
  expect(consoleErrors).toEqual([]);
  await page.close();
});

test('filters: minimum duration, status, critical path only', async () => {
  const { page, consoleErrors } = await open('waterfall-tempo.json', { height: 900 });
  await page.getByTestId('trace-min-duration').fill('50');
  await eventually(() => shownText(page), '10 of 22 spans');
  await page.getByTestId('trace-min-duration').fill('');
  await page.getByRole('radio', { name: 'Errors' }).check({ force: true });
  // Two errors and their three ancestors.
  await eventually(() => shownText(page), '5 of 22 spans');
  await page.getByRole('radio', { name: 'All' }).check({ force: true });
  await page.getByLabel('Critical path').check({ force: true });
  const onPath = await rowCount(page);
  expect(onPath).toBeLessThan(22);
  expect(onPath).toBeGreaterThan(3);
  // The consumer runs after the request ends and the orphan hangs outside the request: neither is on the path.
  await expect(row(page, 'orders process').count()).resolves.toBe(0);
  await expect(row(page, 'fraud-check').count()).resolves.toBe(0);
  await expect(row(page, 'HGET').count()).resolves.toBe(1);
  expect(consoleErrors).toEqual([]);
  await page.close();
});

test('critical path is highlighted', async () => {
  const { page, consoleErrors } = await open('waterfall-inference.json');
  await expect(row(page, 'compute_infer').getByTestId('critical-section').count()).resolves.toBe(1);
  await expect(row(page, 'HGETALL').getByTestId('critical-section').count()).resolves.toBe(1);
  // explain runs after calibrate_scores, so both are on the path; queue is too.
  await expect(row(page, 'queue').getByTestId('critical-section').count()).resolves.toBe(1);
  expect(consoleErrors).toEqual([]);
  await page.close();
});

test('minimap drag zooms the time axis, and reset zoom restores it', async () => {
  const { page, consoleErrors } = await open('waterfall-inference.json');
  const minimap = page.getByTestId('trace-minimap');
  const box = (await minimap.boundingBox())!;
  const axisBefore = await page.getByTestId('time-axis').textContent();
  await page.mouse.move(box.x + box.width * 0.2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.35, box.y + box.height / 2, { steps: 4 });
  await expect(page.getByTestId('minimap-selection').isVisible()).resolves.toBe(true);
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2, { steps: 4 });
  await page.mouse.up();
  await page.getByTestId('reset-zoom').waitFor();
  await expect(page.getByTestId('minimap-window').isVisible()).resolves.toBe(true);
  const axisAfter = (await page.getByTestId('time-axis').textContent()) ?? '';
  expect(axisAfter).not.toBe(axisBefore);
  // The window is 20% to 50% of the 61.8 ms trace: about 12 ms to 31 ms.
  expect(axisAfter).toContain('20 ms');
  expect(axisAfter).not.toMatch(/spans0 ms/);
  await page.screenshot({ path: join(ARTIFACTS, 'waterfall-zoomed.png') });
  await page.getByTestId('reset-zoom').click();
  await expect(page.getByTestId('time-axis').textContent()).resolves.toBe(axisBefore);
  // Keyboard: + zooms in, Escape resets.
  await minimap.focus();
  await page.keyboard.press('+');
  await page.getByTestId('reset-zoom').waitFor();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('reset-zoom').count()).resolves.toBe(0);
  expect(consoleErrors).toEqual([]);
  await page.close();
});

test('hover shows a span summary', async () => {
  const { page, consoleErrors } = await open('waterfall-llm-chain.json');
  const target = row(page, 'chat gpt-4o', 1);
  const box = (await target.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2);
  const card = page.getByTestId('span-hover-card');
  await card.waitFor();
  const text = await card.textContent();
  expect(text).toContain('chat gpt-4o');
  expect(text).toContain('1,245 in, 87 out');
  expect(text).toContain('380 ms');
  await page.mouse.move(box.x + 5, box.y + 900);
  await expect(card.count()).resolves.toBe(0);
  expect(consoleErrors).toEqual([]);
  await page.close();
});

test('copies trace and span ids, with a fallback when the Clipboard API is refused', async () => {
  const context = await h.browser.newContext({ viewport: { width: 1240, height: 740 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(`${h.url}/?plugin=${PLUGIN}&frames=waterfall-inference.json&width=1200&height=700`);
  await page.getByTestId('trace-waterfall').waitFor();
  await row(page, 'compute_infer').click();
  const spanId = await row(page, 'compute_infer').getAttribute('data-span-id');
  await page.getByTestId('copy-span-id').getByRole('button').click();
  await eventually(async () => ((await page.getByTestId('copy-span-id').textContent()) ?? '').includes('Copied'), true);
  await expect(page.evaluate(() => navigator.clipboard.readText())).resolves.toBe(spanId);

  // Without the Clipboard API, the textarea fallback copies.
  await page.evaluate(() => {
    Object.defineProperty(navigator, 'clipboard', { value: undefined, configurable: true });
    const w = window as unknown as { copied: string[] };
    w.copied = [];
    document.execCommand = (cmd: string) => {
      const area = document.activeElement as HTMLTextAreaElement;
      w.copied.push(`${cmd}:${area.value}`);
      return true;
    };
  });
  await page.getByTestId('copy-trace-id').getByRole('button').click();
  await hasText(page.getByTestId('copy-trace-id'), 'Copied');
  await expect(page.evaluate(() => (window as unknown as { copied: string[] }).copied)).resolves.toEqual([
    'copy:4bf92f3577b34da6a3ce929d0e0e4736',
  ]);

  // When nothing can copy, the id is shown selected for Ctrl+C.
  await page.evaluate(() => {
    document.execCommand = () => false;
  });
  await page.getByTestId('copy-trace-id').getByRole('button').click();
  await hasText(page.getByTestId('copy-trace-id'), 'Press Ctrl+C to copy');
  await expect(page.getByTestId('copy-trace-id').locator('input').inputValue()).resolves.toBe(
    '4bf92f3577b34da6a3ce929d0e0e4736'
  );
  expect(errors).toEqual([]);
  await context.close();
});

test('keyboard: move, expand, collapse, open and close details', async () => {
  const { page, consoleErrors } = await open('waterfall-inference.json');
  const tree = page.getByTestId('span-rows');
  await tree.focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await expect(tree.getAttribute('aria-activedescendant')).resolves.toBe(
    await row(page, 'preprocess').getAttribute('id')
  );
  await page.keyboard.press('ArrowLeft');
  await expect(row(page, 'preprocess').getAttribute('aria-expanded')).resolves.toBe('false');
  await page.keyboard.press('ArrowRight');
  await expect(row(page, 'preprocess').getAttribute('aria-expanded')).resolves.toBe('true');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('span-details').locator('h4').textContent()).resolves.toBe('preprocess');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('span-details').count()).resolves.toBe(0);
  expect(consoleErrors).toEqual([]);
  await page.close();
});

test('several traces in one frame: the first opens, the picker switches', async () => {
  const { page, consoleErrors } = await open('waterfall-multi.json');
  const header = page.getByTestId('trace-header');
  await hasText(header, '48 ms');
  await page.getByTestId('trace-picker').getByRole('combobox').click();
  await page.getByRole('option', { name: /152 ms/ }).click();
  await eventually(async () => ((await header.textContent()) ?? '').includes('152 ms'), true);
  await hasText(header, '0f9e8d7c6b5a49382716a5b4c3d2e1f0');
  expect(consoleErrors).toEqual([]);
  await page.close();
});

test('odd data: loops, duplicates, lost parents and unreadable rows are marked', async () => {
  const { page, consoleErrors } = await open('waterfall-malformed.json');
  const summary = (await page.getByTestId('trace-summary').textContent()) ?? '';
  expect(summary).toContain('1 without parent');
  expect(summary).toContain('1 parent loop cut');
  expect(summary).toContain('1 duplicate id');
  expect(summary).toContain('1 repeated row dropped');
  expect(summary).toContain('2 unreadable rows skipped');
  await hasText(row(page, 'lost parent'), 'orphan');
  await hasText(row(page, 'loop a'), 'cycle');
  await hasText(row(page, 'step two (again)'), 'dup id');
  expect(consoleErrors).toEqual([]);
  await page.close();
});

test('options: critical path only and the trace id from the options', async () => {
  const { page, consoleErrors } = await open('waterfall-multi.json');
  await page.evaluate(() =>
    (window as unknown as { __harness: { rerender: (o: unknown) => void } }).__harness.rerender({
      options: { traceId: '5566778899aabbccddeeff0011223344', criticalPathOnly: true },
    })
  );
  await hasText(page.getByTestId('trace-header'), '61 ms');
  await expect(page.getByTestId('critical-only').isChecked()).resolves.toBe(true);
  expect(consoleErrors).toEqual([]);
  await page.close();
});

test('a 50,000-span trace renders only the rows in view and scrolls to the end', async () => {
  const { page, consoleErrors, renderedMs } = await open('waterfall-synthetic-50000.json');
  expect(renderedMs).toBeLessThan(5000);
  const rendered = await rowCount(page);
  expect(rendered).toBeGreaterThan(10);
  expect(rendered).toBeLessThan(100);
  await expect(shownText(page)).resolves.toBe('50,000 spans');
  await page.getByTestId('span-rows').evaluate((el) => {
    el.scrollTop = el.scrollHeight;
  });
  const lastRow = () =>
    page
      .locator('[data-testid="span-row"]')
      .evaluateAll((rows) => Math.max(...rows.map((r) => Number(r.getAttribute('data-row')))));
  await eventually(lastRow, 49_999);
  await searchFor(page, 'gpt-4o-mini');
  await expect(page.getByTestId('trace-toolbar').textContent()).resolves.toMatch(/1 of \d+/);
  expect(consoleErrors).toEqual([]);
  await page.close();
});
