/**
 * The datasource's editors, loaded from the built module (dist/datasource)
 * and rendered in Chromium by the harness the way Grafana renders them:
 * stateful, with a datasource instance, a template service and a backend
 * that answers the resource routes from the fixture (routes the fixture does
 * not list answer 404, as the ClickHouse pickers do on a backend without
 * them). What the editor tells Grafana is read from window.__harness.events.
 */
import { join } from 'node:path';

import type { Locator, Page } from 'playwright-core';

import { DOC_SCREENSHOTS, render, startHarness, type Harness } from './harness';

const DS = 'mlwatch-ml-datasource';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.stop();
});

interface HarnessEvent {
  type: string;
  payload: Record<string, unknown>;
}

async function events(page: Page, type: string): Promise<HarnessEvent[]> {
  const all = (await page.evaluate(
    () => (window as unknown as { __harness: { events: unknown[] } }).__harness.events
  )) as HarnessEvent[];
  return all.filter((e) => e.type === type);
}

/** Polls until the locator's text contains `text` (React renders after the event). */
async function hasText(locator: Locator, text: string, timeoutMs = 5000): Promise<void> {
  const read = async () => ((await locator.count()) ? ((await locator.first().textContent()) ?? '') : '');
  const until = Date.now() + timeoutMs;
  let got = await read();
  while (!got.includes(text) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 50));
    got = await read();
  }
  expect(got).toContain(text);
}

/** Polls until the locator matches `n` elements. */
async function hasCount(locator: Locator, n: number, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  let got = await locator.count();
  while (got !== n && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 50));
    got = await locator.count();
  }
  expect(got).toBe(n);
}

/** Polls until the locator's attribute equals `value`. */
async function hasAttribute(locator: Locator, name: string, value: string, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  let got = await locator.getAttribute(name);
  while (got !== value && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 50));
    got = await locator.getAttribute(name);
  }
  expect(got).toBe(value);
}

/** Polls until an event of `type` satisfies `pred`; returns it. */
async function eventWhere(page: Page, type: string, pred: (p: Record<string, unknown>) => boolean, timeoutMs = 5000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const found = (await events(page, type)).reverse().find((e) => pred(e.payload));
    if (found || Date.now() > until) {
      expect(found).toBeDefined();
      return found!.payload;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

const lastQuery = async (page: Page) => {
  const changes = await events(page, 'query-change');
  return changes[changes.length - 1]?.payload as Record<string, Record<string, unknown>> | undefined;
};

async function openConfig(theme = 'dark') {
  return render(h, { plugin: DS, view: 'config', options: 'datasource-settings.json', theme }, 900, 1400);
}

async function openQuery(options: string, theme = 'dark', height = 700) {
  return render(h, { plugin: DS, view: 'query', options, theme }, 1100, height);
}

describe('config editor', () => {
  test('shows the fields of each authentication method', async () => {
    const { page, consoleErrors } = await openConfig();
    const user = page.locator('#mlwatch-prometheus-user');
    const password = page.locator('#mlwatch-prometheusBasicAuthPassword');
    const token = page.locator('#mlwatch-prometheusBearerToken');
    await expect(user.inputValue()).resolves.toBe('grafana');
    await expect(password.inputValue()).resolves.toBe('configured');
    await hasCount(token, 0);

    await page.getByLabel('Bearer token', { exact: true }).click();
    await hasCount(token, 1);
    await hasCount(user, 0);
    await hasCount(password, 0);
    await token.fill('abc');
    const withToken = await eventWhere(
      page,
      'options-change',
      (o) => (o.secureJsonData as Record<string, string>)?.prometheusBearerToken === 'abc'
    );
    expect((withToken.jsonData as { prometheus: { auth: string } }).prometheus.auth).toBe('bearer');
    await page.screenshot({ path: join(DOC_SCREENSHOTS, 'datasource-config-bearer-dark.png'), fullPage: true });

    await page.getByLabel('No authentication', { exact: true }).click();
    await hasCount(token, 0);
    await hasCount(user, 0);

    await page.getByLabel('Basic', { exact: true }).click();
    await hasCount(user, 1);
    await user.fill('');
    await hasText(page.locator('body'), 'Basic authentication needs a user');
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  test('resets a saved secret without ever showing it', async () => {
    const { page, consoleErrors } = await openConfig();
    const password = page.locator('#mlwatch-prometheusBasicAuthPassword');
    await expect(password.inputValue()).resolves.toBe('configured');
    await expect(password.isDisabled()).resolves.toBe(true);
    // The Reset button next to the password field.
    await password.locator('xpath=ancestor::*[.//button][1]').getByRole('button', { name: 'Reset' }).click();
    const reset = await eventWhere(
      page,
      'options-change',
      (o) => (o.secureJsonFields as Record<string, boolean>)?.prometheusBasicAuthPassword === false
    );
    expect((reset.secureJsonData as Record<string, string>).prometheusBasicAuthPassword).toBe('');
    await expect(password.inputValue()).resolves.toBe('');
    await expect(password.isDisabled()).resolves.toBe(false);
    await password.fill('new-password');
    await eventWhere(
      page,
      'options-change',
      (o) => (o.secureJsonData as Record<string, string>)?.prometheusBasicAuthPassword === 'new-password'
    );
    // The other saved secret is untouched and still not shown.
    await expect(page.getByLabel('Header 1 value').inputValue()).resolves.toBe('configured');
    const last = (await events(page, 'options-change')).pop()!.payload;
    expect((last.secureJsonFields as Record<string, boolean>).prometheusHeaderValue1).toBe(true);
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  test('says what is wrong next to a ClickHouse field, and writes the trace settings', async () => {
    const { page, consoleErrors } = await openConfig();
    const host = page.locator('#mlwatch-clickhouse-host');
    await host.fill('http://clickhouse:8123');
    await hasText(page.locator('body'), 'Give only the host name, for example clickhouse.example.com');
    await host.fill('clickhouse');
    await hasCount(page.getByText('Give only the host name'), 0);
    await page.getByLabel('HTTP', { exact: true }).click();
    await expect(page.locator('#mlwatch-clickhouse-port').getAttribute('placeholder')).resolves.toBe('8123');
    // The trace table and every other default live in the Query defaults section.
    await page.getByRole('button', { name: 'Expand section Query defaults' }).click();
    await page.getByLabel('SigNoz', { exact: true }).click();
    await hasAttribute(page.locator('#mlwatch-defaults-trace-table'), 'placeholder', 'distributed_signoz_index_v3');
    await expect(page.locator('#mlwatch-defaults-max-series').getAttribute('placeholder')).resolves.toBe('20000');
    // The backend's rules, shown next to the field.
    await page.locator('#mlwatch-defaults-confidence-metric').fill('ml_prediction_confidence_bucket');
    await hasText(page.locator('body'), "Give the histogram's base name without _bucket (ml_prediction_confidence)");
    await page.locator('#mlwatch-defaults-confidence-metric').fill('');
    await hasCount(page.getByText("Give the histogram's base name"), 0);
    await page.locator('#mlwatch-defaults-query-timeout').fill('120');
    const saved = await eventWhere(page, 'options-change', (o) => {
      const d = (o.jsonData as { defaults?: { tracesSchema?: string; queryTimeoutSeconds?: number } }).defaults;
      return d?.tracesSchema === 'signoz' && d.queryTimeoutSeconds === 120;
    });
    expect((saved.jsonData as { defaults: unknown }).defaults).toEqual({
      tracesSchema: 'signoz',
      queryTimeoutSeconds: 120,
    });
    await page
      .getByTestId('mlwatch-config-defaults')
      .screenshot({ path: join(DOC_SCREENSHOTS, 'datasource-config-defaults-dark.png') });
    expect((saved.jsonData as { clickhouse: unknown }).clickhouse).toEqual({
      host: 'clickhouse',
      protocol: 'http',
      username: 'mlwatch',
      database: 'otel',
    });
    expect(consoleErrors).toEqual([]);
    await page.close();
  });
});

describe('query editor', () => {
  test.each(['dark', 'light'])('drift: preview sentence follows the reference window (%s)', async (theme) => {
    const { page, consoleErrors } = await openQuery('datasource-query-drift.json', theme, 900);
    const preview = page.getByTestId('mlwatch-reference-preview');
    await hasText(preview, 'Compare the last 1 hour with the same hour 7 days earlier.');
    await hasText(preview, 'Over time: a score every 5 minutes, each for the 1 hour before it.');
    // The metric picker offers histogram base names from the backend's metric list.
    await page.locator('#mlwatch-A-metric').click();
    await hasText(page.getByRole('listbox'), 'ml_prediction_confidence');
    await page.keyboard.press('Escape');
    await page.screenshot({ path: join(DOC_SCREENSHOTS, `query-editor-drift-${theme}.png`), fullPage: true });

    // Another offset, picked from the duration list.
    await page.locator('#mlwatch-A-reference-offset').click();
    await page.getByRole('option', { name: /^1d/ }).click();
    await hasText(preview, 'Compare the last 1 hour with the same hour 1 day earlier.');
    const q = await lastQuery(page);
    expect(q?.reference).toEqual({ offset: '1d' });
    // A pick runs the query.
    await eventWhere(page, 'run-query', (p) => (p.reference as { offset?: string })?.offset === '1d');
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  test('gpu: an invalid threshold is explained inline and does not run', async () => {
    const { page, consoleErrors } = await openQuery('datasource-query-gpu.json');
    const threshold = page.locator('#mlwatch-A-gpu-threshold');
    await threshold.fill('1.5');
    await hasText(page.locator('body'), 'Use a share between 0 and 1, such as 0.75.');
    await threshold.blur();
    expect(await events(page, 'run-query')).toEqual([]);
    await page.screenshot({ path: join(DOC_SCREENSHOTS, 'query-editor-gpu-invalid-dark.png'), fullPage: true });
    await threshold.fill('0.6');
    await hasCount(page.getByText('Use a share between 0 and 1, such as 0.75.'), 0);
    await threshold.press('Enter');
    const run = await eventWhere(page, 'run-query', () => true);
    expect(run.gpu).toEqual({
      groupLabel: 'namespace',
      namespace: 'training',
      metrics: ['DCGM_FI_PROF_SM_ACTIVE'],
      stragglerThreshold: 0.6,
    });
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  test('traces: built by clicking, with a trace id checked before it runs', async () => {
    const { page, consoleErrors } = await openQuery('datasource-query-traces.json');
    // traces/services is not answered (404 here): the service is free text.
    const service = page.locator('#mlwatch-A-traces-service');
    await expect(service.inputValue()).resolves.toBe('fraud-api');
    await service.fill('checkout');
    await service.press('Enter');
    await eventWhere(page, 'run-query', (p) => (p.traces as { service?: string })?.service === 'checkout');
    await page.screenshot({ path: join(DOC_SCREENSHOTS, 'query-editor-traces-dark.png'), fullPage: true });

    await page.getByLabel('Trace ID', { exact: true }).click();
    const id = page.locator('#mlwatch-A-traces-trace-id');
    await hasCount(id, 1);
    await id.fill('not-a-trace');
    await hasText(page.locator('body'), 'is not a trace id: use 32 (or 16) hexadecimal characters');
    const runsBefore = (await events(page, 'run-query')).length;
    await id.blur();
    expect(await events(page, 'run-query')).toHaveLength(runsBefore);
    await id.fill('4bf92f3577b34da6a3ce929d0e0e4736');
    await id.press('Enter');
    await eventWhere(
      page,
      'run-query',
      (p) => (p.traces as { traceId?: string })?.traceId === '4bf92f3577b34da6a3ce929d0e0e4736'
    );
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  test('switches the query type by clicking, keeping what the types share', async () => {
    const { page, consoleErrors } = await openQuery('datasource-query-drift.json');
    await page.getByRole('radio', { name: 'Distribution' }).click();
    const q = await eventWhere(page, 'query-change', (p) => p.queryType === 'distribution');
    expect(q).toMatchObject({ source: 'prometheus', reference: { offset: '7d' }, method: 'psi' });
    expect((q.prometheus as { features?: string[] }).features).toBeUndefined();
    await page.getByRole('radio', { name: 'GPU' }).click();
    await hasText(page.locator('body'), 'Straggler threshold');
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  test('clickhouse: pickers without their backend route fall back to text, baseline preview', async () => {
    const { page, consoleErrors } = await openQuery('datasource-query-clickhouse.json');
    await hasText(
      page.getByTestId('mlwatch-reference-preview'),
      'Compare the last 1 hour with all rows of the baseline table ml.training_set.'
    );
    const table = page.locator('#mlwatch-A-table');
    await expect(table.evaluate((el) => el.tagName)).resolves.toBe('INPUT');
    await expect(table.inputValue()).resolves.toBe('predictions');
    await page.screenshot({ path: join(DOC_SCREENSHOTS, 'query-editor-clickhouse-dark.png'), fullPage: true });
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  test('stores a query saved in an older shape in the current one', async () => {
    const { page, consoleErrors } = await openQuery('datasource-query-legacy.json');
    const q = await eventWhere(page, 'query-change', () => true);
    expect(q).toEqual({
      refId: 'A',
      queryType: 'drift',
      source: 'prometheus',
      prometheus: { metric: 'ml_feature_value' },
      reference: { offset: '1d' },
    });
    await hasText(page.getByTestId('mlwatch-reference-preview'), 'the same hour 1 day earlier');
    expect(consoleErrors).toEqual([]);
    await page.close();
  });
});

test('variable query editor lists values from the backend', async () => {
  const { page, consoleErrors } = await render(
    h,
    { plugin: DS, view: 'variable', options: 'datasource-variable.json' },
    900,
    400
  );
  await page.getByTestId('harness-run-variable').click();
  await hasText(page.getByTestId('harness-variable-values'), 'age\namount\nincome');
  await page.screenshot({ path: join(DOC_SCREENSHOTS, 'variable-editor-dark.png') });
  expect(consoleErrors).toEqual([]);
  await page.close();
});
