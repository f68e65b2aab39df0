#!/usr/bin/env node
/**
 * Renders the alert-rule templates of src/app/alerts/ into files:
 *
 *   deploy/prometheus/mlwatch-rules.yaml              Prometheus rules file
 *   provisioning/alerting/mlwatch-alerts.yaml         Grafana-managed rules (file provisioning)
 *   deploy/kube-prometheus-stack/prometheusrule.yaml  PrometheusRule for kube-prometheus-stack
 *
 * Usage:
 *   node scripts/render-alerts.mjs                  every template with defaults, into the repository
 *   node scripts/render-alerts.mjs --check          exit 1 when the committed files differ from a fresh render
 *   node scripts/render-alerts.mjs --out DIR        write under DIR instead (same relative paths)
 *   node scripts/render-alerts.mjs --bundle FILE --out DIR [--release NAME] [--namespace NS]
 *        [--folder TITLE] [--folder-uid UID] [--api-json FILE]
 *                                                  render the templates of an alert bundle (docs/alert-bundles.md)
 *
 * The TypeScript sources are bundled with esbuild to a temporary ES module
 * and imported; nothing is written inside the repository but the outputs.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const repo = resolve(import.meta.dirname, '..');

const { values: args } = parseArgs({
  options: {
    out: { type: 'string' },
    check: { type: 'boolean', default: false },
    bundle: { type: 'string' },
    release: { type: 'string' },
    namespace: { type: 'string' },
    folder: { type: 'string' },
    'folder-uid': { type: 'string' },
    'api-json': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (args.help) {
  // The usage is this file's header comment.
  const text = readFileSync(new URL(import.meta.url), 'utf8');
  const header = text.slice(text.indexOf('/**') + 3, text.indexOf('*/'));
  console.log(
    header
      .split('\n')
      .map((l) => l.replace(/^ \* ?/, ''))
      .join('\n')
      .trim()
  );
  process.exit(0);
}

/** Bundles src/app/alerts/index.ts and imports it. */
async function loadAlerts() {
  const esbuild = await import('esbuild');
  const dir = mkdtempSync(join(tmpdir(), 'mlwatch-alerts-'));
  try {
    const out = join(dir, 'alerts.mjs');
    await esbuild.build({
      entryPoints: [join(repo, 'src', 'app', 'alerts', 'index.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile: out,
      logLevel: 'error',
      // The yaml package is CommonJS and requires Node built-ins.
      banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    });
    return await import(pathToFileURL(out).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function fail(message) {
  console.error(`render-alerts: ${message}`);
  process.exit(1);
}

const alerts = await loadAlerts();

let instances = alerts.defaultInstances();
if (args.bundle) {
  const result = alerts.parseBundle(readFileSync(args.bundle, 'utf8'));
  if (!result.ok) {
    fail(`${args.bundle} cannot be rendered:\n${result.problems.map((p) => `  - ${p}`).join('\n')}`);
  }
  instances = result.instances;
}

const options = {
  ...(args.bundle ? { source: `the alert bundle ${args.bundle}` } : {}),
  grafana: {
    ...(args.folder ? { folderTitle: args.folder } : {}),
    ...(args['folder-uid'] ? { folderUid: args['folder-uid'] } : {}),
  },
  prometheusRule: {
    ...(args.release ? { release: args.release } : {}),
    ...(args.namespace ? { namespace: args.namespace } : {}),
  },
};

let files;
try {
  files = alerts.renderFiles(instances, options);
} catch (e) {
  fail(e.message);
}

if (args.check) {
  const stale = [];
  for (const [path, content] of Object.entries(files)) {
    const full = join(repo, path);
    const current = existsSync(full) ? readFileSync(full, 'utf8') : undefined;
    if (current !== content) {
      stale.push(path);
      if (current === undefined) {
        console.error(`${path}: missing`);
        continue;
      }
      const a = current.split('\n');
      const b = content.split('\n');
      const line = a.findIndex((l, i) => l !== b[i]);
      console.error(`${path}: differs from a fresh render, first at line ${line + 1}:`);
      console.error(`  committed: ${JSON.stringify(a[line] ?? '<end of file>')}`);
      console.error(`  fresh:     ${JSON.stringify(b[line] ?? '<end of file>')}`);
    }
  }
  if (stale.length > 0) {
    fail(`${stale.length} generated file(s) are stale; run \`node scripts/render-alerts.mjs\` and commit the result.`);
  }
  console.log(`render-alerts: ${Object.keys(files).length} generated files are up to date.`);
  process.exit(0);
}

if (args.bundle && !args.out) {
  fail('--bundle needs --out DIR, so that the generated files of the repository stay the defaults.');
}
const outDir = resolve(args.out ?? repo);
for (const [path, content] of Object.entries(files)) {
  const full = join(outDir, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, content);
  console.log(`wrote ${full}`);
}
if (args['api-json']) {
  writeFileSync(args['api-json'], alerts.renderGrafanaApiJson(instances, options.grafana));
  console.log(`wrote ${args['api-json']}`);
}
