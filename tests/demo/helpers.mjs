// Shared helpers of the demo tests: build the demo bundle and the mlwatch
// CLI when missing or stale, find tools, run commands.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

function newest(dir, filter = () => true) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      t = Math.max(t, newest(p, filter));
    } else if (filter(p)) {
      t = Math.max(t, statSync(p).mtimeMs);
    }
  }
  return t;
}

/** Builds build/demo (node demo/build.mjs) when a demo source is newer. */
export function ensureDemoBuilt() {
  const bundle = join(repo, 'build/demo/index.mjs');
  if (!existsSync(bundle) || statSync(bundle).mtimeMs < newest(join(repo, 'demo'))) {
    const r = spawnSync(process.execPath, [join(repo, 'demo/build.mjs')], { encoding: 'utf8' });
    if (r.status !== 0) {
      throw new Error(`node demo/build.mjs failed:\n${r.stdout}${r.stderr}`);
    }
  }
  return bundle;
}

/** Builds build/mlwatch (go build ./cmd/mlwatch) when a Go source is newer. */
export function ensureMlwatchBuilt() {
  const bin = join(repo, 'build/mlwatch');
  const goNewest = Math.max(
    newest(join(repo, 'cmd'), (p) => p.endsWith('.go')),
    newest(join(repo, 'pkg'), (p) => p.endsWith('.go'))
  );
  if (!existsSync(bin) || statSync(bin).mtimeMs < goNewest) {
    const r = spawnSync('go', ['build', '-o', bin, './cmd/mlwatch'], {
      cwd: repo,
      encoding: 'utf8',
      env: { ...process.env, GOFLAGS: process.env.GOFLAGS ?? '-buildvcs=false -tags=arrow_json_stdlib' },
    });
    if (r.status !== 0) {
      throw new Error(`go build ./cmd/mlwatch failed:\n${r.stdout}${r.stderr}`);
    }
  }
  return bin;
}

export function which(bin) {
  const r = spawnSync('sh', ['-c', `command -v ${bin}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** Parses Prometheus text exposition into {name, labels, value} samples (no escapes in label values beyond \\" and \\\\). */
export function parseExposition(text) {
  const out = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) {
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+\S+)?$/.exec(line);
    if (!m) {
      throw new Error(`not an exposition line: ${line}`);
    }
    const labels = {};
    for (const l of (m[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[l[1]] = l[2];
    }
    out.push({ name: m[1], labels, value: Number(m[4]), ts: m[5] ? Number(m[5]) : undefined });
  }
  return out;
}
