import { join } from 'node:path';

import { ARTIFACTS, DOC_SCREENSHOTS, render, startHarness, type Harness } from './harness';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.stop();
});

const PANELS = {
  'mlwatch-driftheatmap-panel': { ok: 'drift-over-time.json' },
  'mlwatch-gputopology-panel': { ok: 'gpu-table.json' },
  'mlwatch-confidence-panel': { ok: 'confidence-distribution.json' },
  'mlwatch-tracewaterfall-panel': { ok: 'trace-small.json' },
};

test('every built module exports the plugin object Grafana expects', async () => {
  const { page, consoleErrors } = await render(h, { check: 'all' });
  const checks = JSON.parse((await page.evaluate(() => document.body.dataset.checks)) ?? '{}');
  expect(checks).toEqual({
    'mlwatch-observability-app': 'ok',
    'mlwatch-ml-datasource': 'ok',
    'mlwatch-driftheatmap-panel': 'ok',
    'mlwatch-gputopology-panel': 'ok',
    'mlwatch-confidence-panel': 'ok',
    'mlwatch-tracewaterfall-panel': 'ok',
  });
  expect(consoleErrors).toEqual([]);
  await page.close();
});

describe.each(Object.entries(PANELS))('%s', (id, fx) => {
  test.each(['dark', 'light'])('explains empty data (%s)', async (theme) => {
    const { page, consoleErrors } = await render(h, { plugin: id, frames: 'empty.json', theme }, 500, 300);
    const message = page.getByTestId('mlwatch-panel-message');
    await expect(message.textContent()).resolves.toContain('No data');
    await expect(message.textContent()).resolves.toMatch(/mlwatch|le label|traceID|Hostname/);
    await page.screenshot({ path: join(ARTIFACTS, `${id}-empty-${theme}.png`) });
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  test('renders data in its contract without an empty state', async () => {
    const { page, consoleErrors } = await render(h, { plugin: id, frames: fx.ok }, 500, 300);
    // Each panel's own tests check what it draws; here: it takes the data.
    const messages = await page.getByTestId('mlwatch-panel-message').allTextContents();
    expect(messages.join(' ')).not.toMatch(/No data|not supported|needs/i);
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  test('explains unsupported data', async () => {
    const { page, consoleErrors } = await render(h, { plugin: id, frames: 'unsupported-strings.json' }, 500, 300);
    const text = await page.getByTestId('mlwatch-panel-message').textContent();
    expect(text).not.toContain('No data');
    expect(text?.length).toBeGreaterThan(10);
    expect(consoleErrors).toEqual([]);
    await page.close();
  });
});

test.each(['dark', 'light'])('datasource config editor renders and edits (%s)', async (theme) => {
  const { page, consoleErrors } = await render(h, { plugin: 'mlwatch-ml-datasource', view: 'config', options: 'datasource-settings.json', theme }, 900, 1400);
  const url = page.locator('#mlwatch-prometheus-url');
  await expect(url.inputValue()).resolves.toBe('http://prometheus:9090');
  await url.fill('prometheus:9090');
  await expect(page.getByText('Use a full URL such as http://prometheus:9090').count()).resolves.toBe(1);
  await url.fill('http://prometheus:9090');
  await expect(page.getByText('Use a full URL such as http://prometheus:9090').count()).resolves.toBe(0);
  // A saved secret shows as configured, never as its value.
  await expect(page.locator('#mlwatch-prometheusBasicAuthPassword').inputValue()).resolves.toBe('configured');
  await page.screenshot({ path: join(DOC_SCREENSHOTS, `datasource-config-${theme}.png`), fullPage: true });
  expect(consoleErrors).toEqual([]);
  await page.close();
});

test('app overview asks for a datasource when there is none', async () => {
  const { page, consoleErrors } = await render(h, { plugin: 'mlwatch-observability-app', options: 'app-no-datasource.json' }, 900, 500);
  await page.getByTestId('setup-check-datasource').waitFor();
  await expect(page.getByTestId('setup-check-datasource').getAttribute('data-state')).resolves.toBe('missing');
  expect(consoleErrors).toEqual([]);
  await page.close();
});

test('app overview checks the setup', async () => {
  const { page, consoleErrors } = await render(h, { plugin: 'mlwatch-observability-app', options: 'app-healthy.json' }, 900, 500);
  await page.getByTestId('setup-check-traces').waitFor();
  for (const id of ['datasource', 'metrics', 'dcgm', 'traces']) {
    await expect(page.getByTestId(`setup-check-${id}`).getAttribute('data-state')).resolves.toBe('ok');
  }
  expect(consoleErrors).toEqual([]);
  await page.close();
});
