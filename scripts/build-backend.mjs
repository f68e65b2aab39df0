#!/usr/bin/env node
// Builds the datasource backend with the Grafana SDK's mage targets (no mage
// install needed: mage.go runs it through `go run`). Extra arguments are
// mage targets, e.g. `npm run build:backend -- build:linux` for a quick build.
import { spawnSync } from 'node:child_process';

const targets = process.argv.slice(2);
const r = spawnSync('go', ['run', 'mage.go', '-v', ...targets], { stdio: 'inherit' });
if (r.error) {
  console.error(`build:backend: could not run go (${r.error.message}). Install Go 1.26 or later.`);
  process.exit(1);
}
process.exit(r.status ?? 1);
