/**
 * The app pages in Chromium, as Grafana renders them: the alert template
 * catalog (search, filters, parameters, live preview, create through the
 * provisioning API, downloads, bundles) and the overview's setup checks and
 * dashboard links.
 * Needs a dist/ built from this tree (npm run build:frontend).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Locator, Page } from 'playwright-core';

import { ARTIFACTS, DOC_SCREENSHOTS, render, startHarness, type Harness } from './harness';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.stop();
});

/** Polls until the locator's text contains `text` (pages update after clicks and typing). */
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

async function lacksText(locator: Locator, text: string, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  let got = (await locator.textContent()) ?? '';
  while (got.includes(text) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 50));
    got = (await locator.textContent()) ?? '';
  }
  expect(got).not.toContain(text);
}

async function openAlerts(theme = 'dark'): Promise<{ page: Page; consoleErrors: string[] }> {
  const { page, consoleErrors } = await render(
    h,
    { plugin: 'mlwatch-observability-app', options: 'app-alerts.json', path: '/alerts', theme },
    1400,
    1500
  );
  await page.getByTestId('catalog-count').waitFor();
  return { page, consoleErrors };
}

interface Recorded {
  method: string;
  url: string;
  data: {
    title?: string;
    folderUID?: string;
    labels?: Record<string, string>;
    data?: Array<{ model: { expr?: string } }>;
  };
  headers: Record<string, string>;
}

test('the catalog lists, searches and filters the templates', async () => {
  const { page, consoleErrors } = await openAlerts();
  const count = page.getByTestId('catalog-count');
  await hasText(count, '16 of 16 templates');
  await page.getByLabel('Search templates').fill('oom');
  await hasText(count, '1 of 16 templates');
  await page.getByTestId('template-MLServingOOMKilled').click();
  await hasText(page.getByRole('heading', { level: 2 }), 'MLServingOOMKilled');
  await hasText(
    page.getByTestId('template-preview'),
    'kube_pod_container_status_last_terminated_reason{reason="OOMKilled"'
  );

  await page.getByLabel('Search templates').fill('');
  const catalogRegion = page.getByRole('region', { name: 'Template catalog' });
  await page.locator('#mlwatch-area-filter').click();
  await page.getByRole('option', { name: 'GPUs' }).click();
  await hasText(count, '5 of 16 templates');
  await catalogRegion.getByRole('radio', { name: 'critical', exact: true }).click({ force: true });
  await hasText(count, '1 of 16 templates');
  expect(await page.getByTestId('template-GPUXidError').count()).toBe(1);
  expect(consoleErrors).toEqual([]);
  await page.close();
});

test('parameters change the preview in every format, and bad values are explained', async () => {
  const { page, consoleErrors } = await openAlerts();
  const preview = page.getByTestId('template-preview');
  await hasText(page.getByRole('heading', { level: 2 }), 'MLHighErrorRate');
  await hasText(preview, 'title: MLHighErrorRate');
  await page.locator('#param-threshold').fill('0.1');
  await hasText(preview, 'threshold');
  await hasText(preview, '- 0.1');
  await page.getByRole('tab', { name: 'Prometheus rules' }).click();
  await hasText(preview, 'alert: MLHighErrorRate');
  await hasText(preview, '> 0.1');
  await page.getByRole('tab', { name: 'PrometheusRule' }).click();
  await hasText(preview, 'kind: PrometheusRule');
  await hasText(preview, 'release: kube-prometheus-stack');

  await page.locator('#param-threshold').fill('2');
  await hasText(page.getByTestId('template-problems'), 'threshold');
  await hasText(preview, 'Fix the parameters');
  expect(await page.getByRole('button', { name: 'Create in Grafana' }).isDisabled()).toBe(true);
  await page.locator('#param-threshold').fill('0.02');
  await lacksText(preview, 'Fix the parameters');
  expect(consoleErrors).toEqual([]);
  await page.close();
});

test('creates the rule through the provisioning API, downloads and copies YAML', async () => {
  const { page, consoleErrors } = await openAlerts();
  await page.getByTestId('template-MLRateLimited').click();
  await hasText(page.getByRole('heading', { level: 2 }), 'MLRateLimited');
  await page.locator('#param-team').fill('ml-platform');
  await page.getByRole('button', { name: 'Create in Grafana' }).click();
  await hasText(page.getByTestId('install-result'), 'Created 1 alert rule in folder mlwatch.');
  const requests = (await page.evaluate(
    () => (window as unknown as { mlwatchRequests: unknown[] }).mlwatchRequests
  )) as Recorded[];
  const posts = requests.filter((r) => r.method === 'POST');
  expect(posts).toHaveLength(1);
  expect(posts[0].url).toBe('/api/v1/provisioning/alert-rules');
  expect(posts[0].headers['X-Disable-Provenance']).toBe('true');
  expect(posts[0].data).toMatchObject({
    title: 'MLRateLimited',
    folderUID: 'mlwatch',
    labels: { severity: 'warning', team: 'ml-platform' },
  });
  expect(posts[0].data.data?.[0].model.expr).toContain('code=~"429"');
  expect(requests.some((r) => r.url === '/api/folders')).toBe(true);

  await page.getByRole('tab', { name: 'Prometheus rules' }).click();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download YAML' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('MLRateLimited.rules.yaml');
  const yaml = readFileSync((await download.path())!, 'utf8');
  expect(yaml).toContain('alert: MLRateLimited');
  expect(yaml).toContain('team: ml-platform');
  expect(consoleErrors).toEqual([]);
  await page.close();
});

test('exports a bundle and imports it, and explains a bad file', async () => {
  const { page, consoleErrors } = await openAlerts();
  await page.locator('#param-threshold').fill('0.08');
  await page.getByRole('button', { name: 'Add to bundle' }).click();
  await page.getByTestId('template-GPUIdle').click();
  await page.getByRole('button', { name: 'Add to bundle' }).click();
  const list = page.getByTestId('bundle-list');
  await hasText(list, 'MLHighErrorRate: threshold changed');
  await hasText(list, 'GPUIdle');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download bundle' }).click(),
  ]);
  const bundle = JSON.parse(readFileSync((await download.path())!, 'utf8'));
  expect(bundle).toEqual({
    format: 'mlwatch-alert-bundle',
    version: 1,
    templates: [
      { id: 'MLHighErrorRate', parameters: { threshold: 0.08 } },
      { id: 'GPUIdle', parameters: {} },
    ],
  });

  await page.getByRole('button', { name: 'Clear' }).click();
  await lacksText(list, 'GPUIdle');
  const bad = join(ARTIFACTS, 'bad-bundle.json');
  writeFileSync(
    bad,
    JSON.stringify({ format: 'mlwatch-alert-bundle', version: 1, templates: [{ id: 'MLHighErrorRat' }] })
  );
  await page.locator('input[type=file]').setInputFiles(bad);
  await hasText(page.getByTestId('import-problems'), 'did you mean MLHighErrorRate?');
  const good = join(ARTIFACTS, 'good-bundle.json');
  writeFileSync(good, JSON.stringify(bundle));
  await page.locator('input[type=file]').setInputFiles(good);
  await hasText(list, 'MLHighErrorRate: threshold changed');
  await hasText(list, 'GPUIdle');
  expect(await page.getByTestId('import-problems').count()).toBe(0);

  await page.getByRole('button', { name: 'Create bundle in Grafana' }).click();
  await hasText(page.getByTestId('install-result'), 'Created 2 alert rules');
  expect(consoleErrors).toEqual([]);
  await page.close();
});

test.each(['dark', 'light'])('alert templates page screenshot (%s)', async (theme) => {
  const { page, consoleErrors } = await openAlerts(theme);
  await page.getByTestId('template-MLServingCPUThrottled').click();
  await hasText(page.getByTestId('template-preview'), 'container_cpu_cfs_throttled_periods_total');
  await page.screenshot({ path: join(DOC_SCREENSHOTS, `app-alert-templates-${theme}.png`) });
  expect(consoleErrors).toEqual([]);
  await page.close();
});

test('the overview links to every dashboard and to the alert templates', async () => {
  const { page, consoleErrors } = await render(
    h,
    { plugin: 'mlwatch-observability-app', options: 'app-healthy.json' },
    1200,
    900
  );
  await page.getByTestId('setup-check-traces').waitFor();
  const uids = [
    'mlwatch-service-overview',
    'mlwatch-data-drift',
    'mlwatch-prediction-quality',
    'mlwatch-gpu-fleet',
    'mlwatch-llm',
    'mlwatch-inference-traces',
  ];
  for (const uid of uids) {
    const card = page.getByTestId(`dashboard-${uid}`);
    await card.waitFor();
    expect(await card.locator('a').first().getAttribute('href')).toBe(`/d/${uid}`);
  }
  expect(await page.getByRole('link', { name: 'Alert templates' }).getAttribute('href')).toBe(
    '/a/mlwatch-observability-app/alerts'
  );
  await page.screenshot({ path: join(DOC_SCREENSHOTS, 'app-overview-dashboards-dark.png'), fullPage: true });
  expect(consoleErrors).toEqual([]);
  await page.close();
});

/** Waits until the check has left the loading state and has `state`. */
async function checkState(page: Page, id: string, state: string): Promise<Locator> {
  const item = page.getByTestId(`setup-check-${id}`);
  await item.waitFor();
  const until = Date.now() + 5000;
  let got = await item.getAttribute('data-state');
  while (got !== state && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 50));
    got = await item.getAttribute('data-state');
  }
  expect(got).toBe(state);
  return item;
}

test('the overview says what is set up, with fix-it links', async () => {
  const { page, consoleErrors } = await render(
    h,
    { plugin: 'mlwatch-observability-app', options: 'app-healthy.json' },
    1200,
    900
  );
  const ds = await checkState(page, 'datasource', 'ok');
  expect(await ds.getByRole('link', { name: 'Edit mlwatch' }).getAttribute('href')).toBe(
    '/connections/datasources/edit/mlwatch'
  );
  await hasText(await checkState(page, 'metrics', 'ok'), 'Found ml_requests_total');
  await hasText(await checkState(page, 'dcgm', 'ok'), 'Found DCGM_FI_DEV_GPU_UTIL.');
  await hasText(await checkState(page, 'traces', 'ok'), 'Spans from fraud-api, llm-gateway, recsys.');
  const requests = (await page.evaluate(
    () => (window as unknown as { mlwatchRequests: Array<{ url: string }> }).mlwatchRequests
  )) as Array<{ url: string }>;
  expect(requests.map((r) => r.url)).toContain(
    '/api/datasources/uid/mlwatch/resources/prometheus/metrics?search=ml_feature_value_bucket&limit=20'
  );
  expect(consoleErrors).toEqual([]);
  await page.close();
});

test('the overview lists what is missing and shows route errors as they come', async () => {
  const { page, consoleErrors } = await render(
    h,
    { plugin: 'mlwatch-observability-app', options: 'app-setup-missing.json' },
    1200,
    900
  );
  await checkState(page, 'datasource', 'ok');
  const metrics = await checkState(page, 'metrics', 'missing');
  await hasText(metrics, 'Missing: ml_prediction_confidence_bucket, ml_feature_value_bucket.');
  expect(await metrics.getByRole('link', { name: 'Metric names' }).getAttribute('href')).toContain(
    'docs/demo.md#metrics'
  );
  const dcgm = await checkState(page, 'dcgm', 'missing');
  await hasText(dcgm, 'Install dcgm-exporter');
  expect(await dcgm.getByRole('link', { name: 'Install dcgm-exporter' }).getAttribute('href')).toContain(
    'docs.nvidia.com'
  );
  const traces = await checkState(page, 'traces', 'failing');
  await hasText(traces, 'Could not list traced services: ClickHouse: clickhouse:9000: connection refused.');
  expect(
    await traces.getByRole('link', { name: 'Set up the OpenTelemetry ClickHouse exporter' }).getAttribute('href')
  ).toContain('docs/demo.md#clickhouse-and-spans');
  // The icons load as SVG files after the text.
  await page.waitForLoadState('networkidle');
  await page.screenshot({ path: join(DOC_SCREENSHOTS, 'app-overview-dark.png') });
  expect(consoleErrors).toEqual([]);
  await page.close();
});
