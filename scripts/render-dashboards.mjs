#!/usr/bin/env node
/**
 * Renders the dashboards of src/dashboards/ (TypeScript data) into
 * provisioning/dashboards/<uid>.json, and into
 * deploy/kube-prometheus-stack/dashboards.yaml as ConfigMaps for the stack's
 * Grafana dashboard sidecar. The app ships the same JSON files
 * (src/plugin.json includes them as dashboards/<uid>.json; webpack copies
 * them into dist/dashboards/).
 *
 * Usage:
 *   node scripts/render-dashboards.mjs              write the files into the repository
 *   node scripts/render-dashboards.mjs --check      exit 1 when the committed files differ from a fresh render
 *   node scripts/render-dashboards.mjs --out DIR    write under DIR instead (same relative paths)
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const repo = resolve(import.meta.dirname, '..');
const { values: args } = parseArgs({
  options: { out: { type: 'string' }, check: { type: 'boolean', default: false } },
});

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
      target: 'node20',
      outfile: out,
      logLevel: 'error',
    });
    return await import(pathToFileURL(out).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const files = (await load()).renderDashboards();

if (args.check) {
  const stale = Object.entries(files).filter(([path, content]) => {
    const full = join(repo, path);
    return !existsSync(full) || readFileSync(full, 'utf8') !== content;
  });
  for (const [path] of stale) {
    console.error(`${path}: differs from a fresh render`);
  }
  if (stale.length > 0) {
    console.error(
      `render-dashboards: ${stale.length} stale file(s); run \`node scripts/render-dashboards.mjs\` and commit.`
    );
    process.exit(1);
  }
  console.log(`render-dashboards: ${Object.keys(files).length} generated files are up to date.`);
  process.exit(0);
}

const outDir = resolve(args.out ?? repo);
for (const [path, content] of Object.entries(files)) {
  const full = join(outDir, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, content);
  console.log(`wrote ${full}`);
}
