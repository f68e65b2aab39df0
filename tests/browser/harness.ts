import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { chromium, type Browser, type Page } from 'playwright-core';

const repo = resolve(__dirname, '..', '..');
export const FIXTURES = join(repo, 'tests', 'fixtures', 'frames');
export const ARTIFACTS = join(repo, 'tests', 'browser', '.artifacts');
/** Screenshots linked from the README and docs; refreshed by every run. */
export const DOC_SCREENSHOTS = join(repo, 'docs', 'screenshots');

export interface Harness {
  url: string;
  browser: Browser;
  stop: () => Promise<void>;
}

/** Starts `npm run harness` (as node) and Chromium; stop() ends both. */
export async function startHarness(fixtures = FIXTURES): Promise<Harness> {
  mkdirSync(ARTIFACTS, { recursive: true });
  mkdirSync(DOC_SCREENSHOTS, { recursive: true });
  const child: ChildProcess = spawn(process.execPath, [join(repo, 'tests', 'harness', 'server.mjs'), '--port', '0', '--fixtures', fixtures], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((ok, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`harness did not start: ${out}`)), 60000);
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = out.match(/harness listening on (\S+)/);
      if (m) {
        clearTimeout(timer);
        ok(m[1]);
      }
    });
    child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`harness exited with ${code}: ${out}`));
    });
  });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  return {
    url,
    browser,
    stop: async () => {
      await browser.close();
      child.kill('SIGTERM');
    },
  };
}

export interface RenderResult {
  page: Page;
  renderedMs: number;
  consoleErrors: string[];
}

/** Opens a harness URL and waits until the page reports rendered or an error. */
export async function render(h: Harness, query: Record<string, string | number>, width = 800, height = 400): Promise<RenderResult> {
  const page = await h.browser.newPage({ viewport: { width: width + 40, height: height + 40 } });
  const consoleErrors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') {
      consoleErrors.push(`${msg.text()} (${msg.location().url})`);
    }
  });
  page.on('pageerror', (err) => consoleErrors.push(err.message));
  const qs = new URLSearchParams(Object.entries({ width, height, ...query }).map(([k, v]) => [k, String(v)]));
  await page.goto(`${h.url}/?${qs}`);
  await page.waitForFunction(() => document.body.dataset.renderedMs !== undefined || document.body.dataset.error !== undefined, null, {
    timeout: 60000,
  });
  const error = await page.evaluate(() => document.body.dataset.error);
  if (error) {
    throw new Error(`harness error: ${error}`);
  }
  const renderedMs = Number(await page.evaluate(() => document.body.dataset.renderedMs));
  return { page, renderedMs, consoleErrors };
}
