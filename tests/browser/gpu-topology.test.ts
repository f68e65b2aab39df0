/**
 * The GPU topology panel in Chromium, through the harness: screenshots of
 * realistic fixtures (dark and light), a canvas that must not be blank,
 * hover, click and data links, search and the stragglers-only switch,
 * keyboard use, and every input shape (the mlwatch table, a friendly table,
 * raw DCGM series instant and range, 16,384 GPUs).
 *
 * Fixtures are generated at test time (tests/fixtures/generate-topology.mjs)
 * into a temporary folder that the harness serves.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import type { Locator, Page } from 'playwright-core';

import { DOC_SCREENSHOTS, FIXTURES, render, startHarness, type Harness } from './harness';

const PLUGIN = 'mlwatch-gputopology-panel';
const repo = resolve(__dirname, '..', '..');
let h: Harness;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mlwatch-topology-'));
  execFileSync(process.execPath, [
    join(repo, 'tests', 'fixtures', 'generate-topology.mjs'),
    '--out',
    dir,
    '--sizes',
    '16384',
  ]);
  for (const f of ['empty.json', 'unsupported-strings.json', 'gpu-table.json']) {
    copyFileSync(join(FIXTURES, f), join(dir, f));
  }
  // What the Go engine itself encodes for a gpu query (kept by pkg/engine's TestGPUFrameFixtures).
  copyFileSync(join(FIXTURES, '..', 'dcgm', 'frames.json'), join(dir, 'topology-backend.json'));
  // Field config travels in the frames, as a datasource sends it.
  type FieldJSON = { name: string; config?: Record<string, unknown> };
  const cluster = JSON.parse(readFileSync(join(dir, 'topology-cluster.json'), 'utf8')) as Array<{
    schema: { fields: FieldJSON[] };
  }>;
  const withConfig = (edit: (f: FieldJSON) => void) =>
    JSON.stringify(
      cluster.map((fr) => ({
        ...fr,
        schema: {
          ...fr.schema,
          fields: fr.schema.fields.map((f) => {
            const copy = { ...f, config: { ...(f.config ?? {}) } };
            edit(copy);
            return copy;
          }),
        },
      }))
    );
  const links = [
    {
      title: 'GPU ${__field.labels.gpu} on ${__field.labels.host}',
      url: '/d/dcgm?var-host=${__field.labels.host}&var-gpu=${__field.labels.gpu}&var-uuid=${__data.fields.uuid}',
    },
  ];
  writeFileSync(
    join(dir, 'topology-cluster-links.json'),
    withConfig((f) => f.name === 'DCGM_FI_DEV_GPU_UTIL' && (f.config!.links = links))
  );
  const thresholds = {
    mode: 'absolute',
    steps: [
      { value: null, color: 'green' },
      { value: 75, color: 'orange' },
      { value: 85, color: 'red' },
    ],
  };
  writeFileSync(
    join(dir, 'topology-cluster-thresholds.json'),
    withConfig(
      (f) =>
        f.name === 'DCGM_FI_DEV_GPU_TEMP' && Object.assign(f.config!, { color: { mode: 'thresholds' }, thresholds })
    )
  );
  writeFileSync(
    join(dir, 'topology-options-temperature.json'),
    JSON.stringify({ options: { colorBy: 'temperature', groupBy: 'none' } })
  );
  h = await startHarness(dir);
});

afterAll(async () => {
  await h?.stop();
  if (dir) {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Share of painted pixels and number of distinct colours on the map canvas. */
async function canvasStats(page: Page) {
  return page.getByTestId('gpu-topology-canvas').evaluate((el) => {
    const canvas = el as HTMLCanvasElement;
    const ctx = canvas.getContext('2d')!;
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    let painted = 0;
    const colors = new Set<number>();
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] > 0) {
        painted++;
        // Quantised, so anti-aliasing does not count as colours.
        colors.add(((data[i] >> 4) << 8) | ((data[i + 1] >> 4) << 4) | (data[i + 2] >> 4));
      }
    }
    return {
      painted: painted / (canvas.width * canvas.height),
      colors: colors.size,
      width: canvas.width,
      height: canvas.height,
    };
  });
}

/** Fails on a blank (or nearly blank, or single-colour) map. */
async function expectPaintedMap(page: Page, minColors = 8) {
  const stats = await canvasStats(page);
  expect(stats.width).toBeGreaterThan(10);
  expect(stats.painted).toBeGreaterThan(0.2);
  expect(stats.colors).toBeGreaterThanOrEqual(minColors);
}

/** Focuses a GPU from the issue list and returns its cell centre in page pixels. */
async function cellCentreFromList(page: Page, kind: 'straggler' | 'xid' | 'throttled', key: string) {
  const overlay = page.getByTestId('gpu-topology-overlay');
  const before = (await overlay.getAttribute('data-focus-rect')) ?? '';
  await page.locator(`[data-testid="issue-${kind}"][data-gpu-key="${key}"]`).click();
  await eventually(async () => {
    const now = (await overlay.getAttribute('data-focus-rect')) ?? '';
    expect(now).toMatch(/^[\d.]+,[\d.-]+,[\d.]+,[\d.]+$/);
    expect(now).not.toBe(before);
  });
  const rect = (await overlay.getAttribute('data-focus-rect'))!.split(',').map(Number);
  const box = (await overlay.boundingBox())!;
  return { x: box.x + rect[0] + rect[2] / 2, y: box.y + rect[1] + rect[3] / 2, w: rect[2] };
}

const tooltip = (page: Page) => page.getByTestId('gpu-tooltip');

/**
 * Retries an assertion until it passes or the time is up (then its last
 * failure is thrown): the page reacts to clicks, keys and pointer moves
 * asynchronously, so what follows them is read until it settles, never once.
 */
async function eventually(assertion: () => Promise<unknown>, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      await assertion();
      return;
    } catch (e) {
      if (Date.now() > until) {
        throw e;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** Polls an element's text until it contains (or matches) the expected text. */
async function hasText(locator: Locator, text: string | RegExp, timeoutMs = 5000): Promise<void> {
  await eventually(async () => {
    const got = (await locator.textContent()) ?? '';
    if (typeof text === 'string') {
      expect(got).toContain(text);
    } else {
      expect(got).toMatch(text);
    }
  }, timeoutMs);
}

/** Polls an attribute until it has the expected value (or matches). */
async function hasAttr(locator: Locator, name: string, value: string | RegExp, timeoutMs = 5000): Promise<void> {
  await eventually(async () => {
    const got = (await locator.getAttribute(name)) ?? '';
    if (typeof value === 'string') {
      expect(got).toBe(value);
    } else {
      expect(got).toMatch(value);
    }
  }, timeoutMs);
}

/** Polls until no element matches the locator. */
async function isGone(locator: Locator): Promise<void> {
  await eventually(async () => expect(await locator.count()).toBe(0));
}

async function shoot(page: Page, name: string) {
  await page.locator('#root').screenshot({ path: join(DOC_SCREENSHOTS, `gpu-topology-${name}.png`) });
}

describe('GPU topology: the mlwatch gpu frame', () => {
  test.each(['dark', 'light'])('paints the cluster, lists the issues and makes screenshots (%s)', async (theme) => {
    const { page, consoleErrors } = await render(
      h,
      { plugin: PLUGIN, frames: 'topology-cluster.json', theme },
      1200,
      620
    );
    await expectPaintedMap(page);
    const map = page.getByTestId('gpu-topology-map');
    await expect(map.getAttribute('data-nodes')).resolves.toBe('32');
    await expect(map.getAttribute('data-gpus')).resolves.toBe('256');
    await expect(map.getAttribute('data-scrollable')).resolves.toBe('false');
    await expect(page.getByTestId('issue-straggler').allTextContents()).resolves.toEqual([
      expect.stringMatching(/gpu-node-07 · GPU 3.*score 0\.37/),
    ]);
    await expect(page.getByTestId('issue-xid').allTextContents()).resolves.toEqual([
      expect.stringMatching(/gpu-node-19 · GPU 2.*XID 48/),
    ]);
    await expect(page.getByTestId('issue-throttled').allTextContents()).resolves.toEqual([
      expect.stringMatching(/gpu-node-25 · GPU 6.*thermal/),
    ]);
    await expect(page.getByTestId('gpu-topology-legend').textContent()).resolves.toMatch(/Utilisation/);
    await shoot(page, `cluster-${theme}`);
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  test('hover shows the GPU, click pins it with data links carrying its labels', async () => {
    const { page, consoleErrors } = await render(
      h,
      { plugin: PLUGIN, frames: 'topology-cluster-links.json' },
      1200,
      620
    );
    const at = await cellCentreFromList(page, 'straggler', 'gpu-node-07/3');
    // The list pins the tooltip at the GPU; Escape lets go.
    await hasAttr(tooltip(page), 'data-pinned', 'true');
    await page.keyboard.press('Escape');
    await isGone(tooltip(page));

    await page.mouse.move(at.x, at.y);
    await hasAttr(tooltip(page), 'data-gpu-key', 'gpu-node-07/3');
    for (const part of [
      'gpu-node-07 · GPU 3',
      'NVIDIA H100 80GB HBM3',
      'Utilisation',
      'Straggler score',
      '0.37',
      'straggler',
      'llm-pretrain',
      'pretrain-7b-worker-6',
      'NVLink peers',
      '1 down',
      'GPU-',
    ]) {
      await hasText(tooltip(page), part);
    }
    // One cell to the left: GPU 2 of the same node.
    await page.mouse.move(at.x - at.w - 2, at.y);
    await hasAttr(tooltip(page), 'data-gpu-key', 'gpu-node-07/2');

    await page.mouse.click(at.x, at.y);
    await hasAttr(tooltip(page), 'data-pinned', 'true');
    await hasAttr(tooltip(page), 'data-gpu-key', 'gpu-node-07/3');
    const link = tooltip(page).getByRole('link', { name: /GPU 3 on gpu-node-07/ });
    await hasAttr(link, 'href', /var-host=gpu-node-07&var-gpu=3&var-uuid=GPU-0006/);
    await shoot(page, 'pinned-dark');
    // Clicking the same GPU again lets go.
    await page.mouse.click(at.x, at.y);
    await hasAttr(tooltip(page), 'data-pinned', /^(false|)$/);
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  test('search narrows the map to matching nodes; stragglers only keeps the straggler', async () => {
    const { page, consoleErrors } = await render(h, { plugin: PLUGIN, frames: 'topology-cluster.json' }, 1200, 620);
    const map = page.getByTestId('gpu-topology-map');
    const panel = page.getByTestId('gpu-topology-panel');
    const search = page.getByTestId('gpu-topology-search');
    const before = await map.getAttribute('data-cell');

    await search.fill('gpu-node-19');
    await hasAttr(map, 'data-nodes', '1');
    await hasAttr(panel, 'data-matching', '8');
    // Fewer nodes, bigger cells.
    await eventually(async () => expect(await map.getAttribute('data-cell')).not.toBe(before));
    await eventually(async () => expect(await page.getByTestId('issue-xid').count()).toBe(1));
    await isGone(page.getByTestId('issue-straggler'));
    await eventually(() => expectPaintedMap(page, 4));

    await search.fill('vision-finetune');
    await hasAttr(map, 'data-nodes', '10');
    await search.fill('pod:worker-3 namespace:llm');
    await hasAttr(map, 'data-nodes', '1');
    await search.fill('no-such-gpu');
    await hasText(page.getByTestId('gpu-topology-no-match'), 'No GPUs match');
    await search.fill('');
    await hasAttr(map, 'data-nodes', '32');

    await page.getByTestId('gpu-topology-stragglers-only').check({ force: true });
    await hasAttr(map, 'data-nodes', '1');
    await hasAttr(panel, 'data-matching', '1');
    await shoot(page, 'stragglers-only-dark');
    await page.getByTestId('gpu-topology-stragglers-only').uncheck({ force: true });
    await hasAttr(map, 'data-nodes', '32');
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  test('keyboard: arrows move between GPUs, Enter pins, Escape closes', async () => {
    const { page, consoleErrors } = await render(h, { plugin: PLUGIN, frames: 'topology-cluster.json' }, 1000, 600);
    await page.getByTestId('gpu-topology-map').focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    // Home, then one to the right: GPU 1 of the first node.
    await hasAttr(tooltip(page), 'data-gpu-key', /^gpu-node-\d+\/1$/);
    const first = await tooltip(page).getAttribute('data-gpu-key');
    await page.keyboard.press('ArrowDown');
    // A pinned tooltip follows the focus.
    await eventually(async () => {
      const now = await tooltip(page).getAttribute('data-gpu-key');
      expect(now).toMatch(/^gpu-node-\d+\/\d$/);
      expect(now).not.toBe(first);
    });
    // Screen readers hear the focused GPU.
    await hasText(page.getByTestId('gpu-topology-map'), /gpu-node-\d+ GPU \d/);
    await page.keyboard.press('Escape');
    await isGone(tooltip(page));
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  test('adapts to the panel size and options', async () => {
    const { page, consoleErrors } = await render(h, { plugin: PLUGIN, frames: 'topology-cluster.json' }, 1200, 620);
    const map = page.getByTestId('gpu-topology-map');
    const big = await map.getAttribute('data-cell');
    await page.evaluate(() =>
      (window as unknown as { __harness: { rerender: (o: object) => void } }).__harness.rerender({
        width: 420,
        height: 300,
      })
    );
    await eventually(async () => expect(await map.getAttribute('data-cell')).not.toBe(big));
    await eventually(() => expectPaintedMap(page));
    await page.evaluate(() =>
      (window as unknown as { __harness: { rerender: (o: object) => void } }).__harness.rerender({
        width: 900,
        height: 500,
        options: { colorBy: 'temperature', groupBy: 'none', issueList: 'bottom' },
      })
    );
    await hasText(page.getByTestId('gpu-topology-legend'), 'Temperature');
    await hasAttr(map, 'data-nodes', '32');
    await eventually(() => expectPaintedMap(page));
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  test('colours by thresholds from the field config', async () => {
    const { page, consoleErrors } = await render(
      h,
      { plugin: PLUGIN, frames: 'topology-cluster-thresholds.json', options: 'topology-options-temperature.json' },
      1000,
      560
    );
    await expectPaintedMap(page, 4);
    // Three threshold steps in the legend, no gradient.
    await expect(page.getByTestId('gpu-topology-legend').textContent()).resolves.toMatch(/Temperature.*75.*85/);
    expect(consoleErrors).toEqual([]);
    await page.close();
  });
});

describe('GPU topology: other inputs', () => {
  test('the frames the mlwatch backend writes: gpu table, links and an alert frame', async () => {
    const { page, consoleErrors } = await render(h, { plugin: PLUGIN, frames: 'topology-backend.json' }, 900, 420);
    await expectPaintedMap(page, 3);
    const map = page.getByTestId('gpu-topology-map');
    await expect(map.getAttribute('data-gpus')).resolves.toBe('11');
    // Grouped by namespace: node2 has GPUs in "idle" and one unallocated, so it has a box in each section.
    await expect(map.getAttribute('data-nodes')).resolves.toBe('4');
    await expect(page.getByTestId('issue-straggler').allTextContents()).resolves.toEqual([
      expect.stringMatching(/node1 · GPU 2.*score 0\.47/),
    ]);
    // The alert frame repeats the table's score: no duplicate warning.
    await expect(page.getByTestId('gpu-topology-toolbar').textContent()).resolves.not.toMatch(/duplicated/);
    const at = await cellCentreFromList(page, 'straggler', 'node1/2');
    await page.keyboard.press('Escape');
    await isGone(tooltip(page));
    await page.mouse.move(at.x, at.y);
    await hasAttr(tooltip(page), 'data-gpu-key', 'node1/2');
    for (const part of ['Straggler score', '0.47', 'worker-1', 'train', 'NVIDIA H100 80GB HBM3']) {
      await hasText(tooltip(page), part);
    }
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  test.each(['dark', 'light'])(
    'raw DCGM series, instant: pivots, scores stragglers, finds XID, throttling and the broken link (%s)',
    async (theme) => {
      const { page, consoleErrors } = await render(
        h,
        { plugin: PLUGIN, frames: 'topology-dcgm-instant.json', theme },
        1200,
        620
      );
      await expectPaintedMap(page);
      await expect(page.getByTestId('gpu-topology-map').getAttribute('data-gpus')).resolves.toBe('256');
      await expect(page.getByTestId('issue-straggler').allTextContents()).resolves.toEqual([
        expect.stringMatching(/gpu-node-07 · GPU 3/),
      ]);
      await expect(page.getByTestId('issue-xid').allTextContents()).resolves.toEqual([
        expect.stringMatching(/gpu-node-19 · GPU 2.*XID 48/),
      ]);
      await expect(page.getByTestId('issue-throttled').allTextContents()).resolves.toEqual([
        expect.stringMatching(/gpu-node-25 · GPU 6.*hardware thermal/),
      ]);
      const at = await cellCentreFromList(page, 'xid', 'gpu-node-19/2');
      await page.keyboard.press('Escape');
      await isGone(tooltip(page));
      await page.mouse.move(at.x, at.y);
      await hasAttr(tooltip(page), 'data-gpu-key', 'gpu-node-19/2');
      await hasText(tooltip(page), /48: Double Bit ECC Error/);
      await hasText(tooltip(page), /Memory used.*%/);
      await shoot(page, `dcgm-instant-${theme}`);
      expect(consoleErrors).toEqual([]);
      await page.close();
    }
  );

  test('raw DCGM series, range by refId: means over the range and a computed straggler', async () => {
    const { page, consoleErrors } = await render(h, { plugin: PLUGIN, frames: 'topology-dcgm-range.json' }, 1200, 620);
    await expectPaintedMap(page);
    await expect(page.getByTestId('gpu-topology-toolbar').textContent()).resolves.toMatch(/means over the range/);
    await expect(page.getByTestId('issue-straggler').allTextContents()).resolves.toEqual([
      expect.stringMatching(/gpu-node-07 · GPU 3.*score 0\.6/),
    ]);
    await expect(page.getByTestId('issue-xid').count()).resolves.toBe(1);
    await expect(page.getByTestId('issue-throttled').count()).resolves.toBe(1);
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  test('friendly table names with a links table', async () => {
    const { page, consoleErrors } = await render(
      h,
      { plugin: PLUGIN, frames: 'topology-friendly.json', options: 'topology-options-temperature.json' },
      1000,
      560
    );
    await expectPaintedMap(page);
    await expect(page.getByTestId('issue-straggler').count()).resolves.toBe(1);
    await expect(page.getByTestId('issue-throttled').allTextContents()).resolves.toEqual([
      expect.stringMatching(/hardware thermal/),
    ]);
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  test('the small gpu table of the foundation fixture', async () => {
    const { page, consoleErrors } = await render(h, { plugin: PLUGIN, frames: 'gpu-table.json' }, 500, 300);
    await expectPaintedMap(page, 3);
    await expect(page.getByTestId('gpu-topology-map').getAttribute('data-gpus')).resolves.toBe('4');
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  test.each(['dark', 'light'])('16,384 GPUs fill the panel without scrolling (%s)', async (theme) => {
    const { page, consoleErrors } = await render(
      h,
      { plugin: PLUGIN, frames: 'topology-size-16384.json', theme },
      1400,
      800
    );
    await expectPaintedMap(page);
    const map = page.getByTestId('gpu-topology-map');
    await expect(map.getAttribute('data-gpus')).resolves.toBe('16384');
    await expect(map.getAttribute('data-scrollable')).resolves.toBe('false');
    const box = (await map.boundingBox())!;
    await page.mouse.move(box.x + box.width / 3, box.y + box.height / 2);
    await hasAttr(tooltip(page), 'data-gpu-key', /^gpu-node-\d+\/\d$/);
    await shoot(page, `fleet-16k-${theme}`);
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  test('explains empty and unsupported data', async () => {
    for (const [frames, text] of [
      ['empty.json', 'No data'],
      ['unsupported-strings.json', 'No GPUs found'],
    ]) {
      const { page, consoleErrors } = await render(h, { plugin: PLUGIN, frames }, 500, 300);
      await expect(page.getByTestId('mlwatch-panel-message').textContent()).resolves.toContain(text);
      await expect(page.getByTestId('mlwatch-panel-message').textContent()).resolves.toMatch(/Hostname/);
      expect(consoleErrors).toEqual([]);
      await page.close();
    }
  });
});

describe('GPU topology: the blank-canvas check itself', () => {
  test('fails on a blank canvas', async () => {
    const { page } = await render(h, { plugin: PLUGIN, frames: 'topology-cluster.json' }, 600, 400);
    await page.getByTestId('gpu-topology-canvas').evaluate((el) => {
      const c = el as HTMLCanvasElement;
      c.getContext('2d')!.clearRect(0, 0, c.width, c.height);
    });
    await expect(expectPaintedMap(page)).rejects.toThrow();
    await page.close();
  });
});
