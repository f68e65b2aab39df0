#!/usr/bin/env node
/**
 * Runs every Prometheus query of the generated dashboards against a real
 * Prometheus (e.g. the demo's: npm run demo:local -- --no-live) with the
 * variables at their defaults (All), and reports how many series each
 * returns. Exits 1 when a panel that must show data returns none.
 *
 *   node scripts/check-dashboards-live.mjs --prometheus http://127.0.0.1:19090 [--range 3h] [--allow-empty TITLE]...
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const repo = resolve(import.meta.dirname, '..');
const { values: args } = parseArgs({
  options: {
    prometheus: { type: 'string' },
    range: { type: 'string', default: '3h' },
    'allow-empty': { type: 'string', multiple: true, default: [] },
  },
});
if (!args.prometheus) {
  console.error('usage: node scripts/check-dashboards-live.mjs --prometheus URL [--range 3h] [--allow-empty TITLE]...');
  process.exit(2);
}

async function load() {
  const esbuild = await import('esbuild');
  const dir = mkdtempSync(join(tmpdir(), 'mlwatch-dashboards-'));
  try {
    const out = join(dir, 'dashboards.mjs');
    await esbuild.build({
      entryPoints: [join(repo, 'src', 'dashboards', 'index.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile: out,
      logLevel: 'error',
    });
    return await import(pathToFileURL(out).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const rangeSeconds = (() => {
  const m = /^(\d+)([mhd])$/.exec(args.range);
  return Number(m[1]) * { m: 60, h: 3600, d: 86400 }[m[2]];
})();

function substitute(text, d) {
  const values = new Map();
  for (const v of d.templating.list) {
    if (v.type === 'query') {
      values.set(v.name, v.multi ? (v.allValue ?? '.+') : (firstValues.get(v.name) ?? ''));
    } else {
      values.set(v.name, v.current.value);
    }
  }
  values.set('__rate_interval', '5m');
  values.set('__interval', '1m');
  values.set('__range', args.range);
  return text.replace(/\$\{([A-Za-z0-9_]+)(?::[a-z]+)?\}|\$([A-Za-z0-9_]+)/g, (m, a, b) => values.get(a ?? b) ?? m);
}

/** Values of single-value query variables: the first value Prometheus has. */
const firstValues = new Map();

async function api(path, params) {
  const url = `${args.prometheus}/api/v1/${path}?${new URLSearchParams(params)}`;
  const r = await fetch(url);
  const body = await r.json();
  if (body.status !== 'success') {
    throw new Error(`${body.errorType}: ${body.error}`);
  }
  return body.data;
}

const { dashboards } = await load();
const end = Math.floor(Date.now() / 1000);
let failures = 0;
for (const d of dashboards()) {
  for (const v of d.templating.list) {
    if (v.type === 'query' && !v.multi) {
      const m = /^label_values\((.*),\s*(\w+)\)$/.exec(v.definition);
      const data = await api('series', { 'match[]': substitute(m[1], d), start: end - rangeSeconds, end });
      firstValues.set(v.name, [...new Set(data.map((s) => s[m[2]]))].sort()[0] ?? '');
    }
  }
  console.log(`${d.title}`);
  const panels = d.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
  for (const p of panels) {
    for (const t of (p.targets ?? []).filter((t) => t.datasource.type === 'prometheus')) {
      const expr = substitute(t.expr, d);
      let n;
      let error;
      try {
        const data = t.instant
          ? await api('query', { query: expr, time: end })
          : await api('query_range', { query: expr, start: end - rangeSeconds, end, step: 300 });
        n = data.result.length;
      } catch (e) {
        error = e.message;
      }
      const allowed = args['allow-empty'].includes(p.title);
      const bad = error || (n === 0 && !allowed);
      failures += bad ? 1 : 0;
      console.log(
        `  ${bad ? 'FAIL' : 'ok  '}  ${p.title} [${t.refId}]: ${error ?? `${n} series`}${n === 0 && allowed ? ' (allowed)' : ''}`
      );
    }
  }
}
if (failures > 0) {
  console.error(`${failures} queries failed or returned no data`);
  process.exit(1);
}
