#!/usr/bin/env node
// Packages dist/ as the archive Grafana's catalog and `grafana cli
// --pluginUrl` install: one folder named after the app's id, with the nested
// plugins inside and the backend binaries executable (0755).
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join, relative, resolve, sep } from 'node:path';
import yazl from 'yazl';

const repo = resolve(import.meta.dirname, '..');
const dist = join(repo, 'dist');
const out = join(repo, 'build');

if (!existsSync(join(dist, 'plugin.json'))) {
  console.error('package: dist/plugin.json is missing; run `npm run build` first.');
  process.exit(1);
}
const meta = JSON.parse(readFileSync(join(dist, 'plugin.json'), 'utf8'));
const version = meta.info.version;
const executables = [];
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      walk(p);
    } else {
      files.push(p);
    }
  }
};
walk(dist);

// A backend binary is any gpx_ file; the nested datasource names it.
const isBinary = (p) => /(^|\/)gpx_[^/]+$/.test(relative(dist, p).split(sep).join('/'));
if (!files.some((p) => isBinary(p) && p.endsWith('_linux_amd64'))) {
  console.error('package: no linux/amd64 backend binary in dist/; run `npm run build` first.');
  process.exit(1);
}

mkdirSync(out, { recursive: true });
const zipPath = join(out, `${meta.id}-${version}.zip`);
const zip = new yazl.ZipFile();
for (const p of files) {
  const name = `${meta.id}/${relative(dist, p).split(sep).join('/')}`;
  const mode = isBinary(p) ? 0o100755 : 0o100644;
  if (isBinary(p)) {
    executables.push(name);
  }
  zip.addFile(p, name, { mode, mtime: new Date('2026-01-01T00:00:00Z') });
}
zip.end();
await new Promise((ok, fail) => {
  zip.outputStream.pipe(createWriteStream(zipPath)).on('close', ok).on('error', fail);
});
const bytes = statSync(zipPath).size;
const sha = createHash('sha256').update(readFileSync(zipPath)).digest('hex');
console.log(`${relative(repo, zipPath)}: ${files.length} files, ${(bytes / 1024 / 1024).toFixed(1)} MiB, sha256 ${sha}`);
console.log(`executables: ${executables.join(', ')}`);
