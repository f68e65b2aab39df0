#!/usr/bin/env node
// Runs the @grafana/plugin-e2e specs in tests/e2e against a real Grafana.
// Without GRAFANA_URL there is no Grafana to test, and this says so loudly.
import { spawnSync } from 'node:child_process';

if (!process.env.GRAFANA_URL) {
  const bar = '!'.repeat(78);
  console.log(`${bar}\nSKIPPED: @grafana/plugin-e2e specs (tests/e2e) need a running Grafana.\n` +
    `Start one with \`docker compose up\` and run: GRAFANA_URL=http://localhost:3000 npm run e2e\n${bar}`);
  process.exit(0);
}
const r = spawnSync('npx', ['playwright', 'test', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(r.status ?? 1);
