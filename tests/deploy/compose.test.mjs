// Checks the files `docker compose up` relies on, as far as a machine
// without a container engine can: the compose file's structure, pinned
// images, mounted paths, service wiring, and the provisioning it mounts.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const compose = YAML.parse(readFileSync(join(repo, 'docker-compose.yaml'), 'utf8'), { merge: true });
const services = compose.services;

test('every image is pinned to a version', () => {
  for (const [name, svc] of Object.entries(services)) {
    assert.ok(svc.image || svc.build, `${name} has neither image nor build`);
    if (svc.image) {
      const tag = svc.image.split(':')[1];
      assert.ok(tag && tag !== 'latest', `${name}: image ${svc.image} is not pinned`);
    }
  }
  const dockerfile = readFileSync(join(repo, 'Dockerfile'), 'utf8');
  for (const line of dockerfile.split('\n').filter((l) => l.startsWith('FROM '))) {
    assert.doesNotMatch(line, /:latest\b/, `Dockerfile: ${line}`);
    assert.match(line, /:[\w.${}-]+/, `Dockerfile base image not pinned: ${line}`);
  }
});

test('every bind-mounted path exists', () => {
  for (const [name, svc] of Object.entries(services)) {
    for (const v of svc.volumes ?? []) {
      const src = v.split(':')[0];
      if (src.startsWith('./') || src.startsWith('/')) {
        assert.ok(existsSync(join(repo, src)), `${name}: mounted path ${src} does not exist`);
      } else {
        assert.ok(compose.volumes && src in compose.volumes, `${name}: named volume ${src} is not declared`);
      }
    }
  }
});

test('dependencies exist and wait for health where a healthcheck exists', () => {
  for (const [name, svc] of Object.entries(services)) {
    for (const [dep, cond] of Object.entries(svc.depends_on ?? {})) {
      assert.ok(services[dep], `${name} depends on unknown service ${dep}`);
      if (cond.condition === 'service_healthy') {
        assert.ok(services[dep].healthcheck, `${name} waits for ${dep} to be healthy, but ${dep} has no healthcheck`);
      }
    }
  }
});

test('host ports are unique and documented in the README', () => {
  const readme = readFileSync(join(repo, 'README.md'), 'utf8');
  const seen = new Set();
  for (const svc of Object.values(services)) {
    for (const p of svc.ports ?? []) {
      const host = String(p).split(':')[0];
      assert.ok(!seen.has(host), `host port ${host} is used twice`);
      seen.add(host);
      assert.ok(readme.includes(host), `host port ${host} is not documented in the README`);
    }
  }
});

/** Every plugin id in src/ (the app and its nested plugins). */
function pluginIds() {
  const ids = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        walk(p);
      } else if (e.name === 'plugin.json') {
        ids.push(JSON.parse(readFileSync(p, 'utf8')).id);
      }
    }
  };
  walk(join(repo, 'src'));
  return ids;
}

test('Grafana allows every plugin of the suite unsigned', () => {
  const allowed = services.grafana.environment.GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS.split(',');
  assert.deepEqual([...allowed].sort(), pluginIds().sort());
});

test('provisioning files parse and reference real plugins', () => {
  const ds = YAML.parse(readFileSync(join(repo, 'provisioning/datasources/mlwatch.yaml'), 'utf8'));
  const ml = ds.datasources.find((d) => d.type === 'mlwatch-ml-datasource');
  assert.ok(ml, 'no mlwatch datasource provisioned');
  assert.equal(ml.jsonData.prometheus.url, 'http://prometheus:9090');
  assert.ok(services[ml.jsonData.clickhouse.host], 'the provisioned ClickHouse host is not a compose service');
  const ids = new Set(pluginIds());
  for (const f of readdirSync(join(repo, 'provisioning/dashboards')).filter((f) => f.endsWith('.json'))) {
    const dash = JSON.parse(readFileSync(join(repo, 'provisioning/dashboards', f), 'utf8'));
    assert.ok(dash.uid && dash.title, `${f}: a dashboard needs a uid and a title`);
    for (const panel of dash.panels ?? []) {
      if (panel.type?.startsWith('mlwatch-')) {
        assert.ok(ids.has(panel.type), `${f}: unknown panel ${panel.type}`);
      }
    }
  }
  const otel = YAML.parse(readFileSync(join(repo, 'deploy/compose/otel-collector.yaml'), 'utf8'));
  assert.deepEqual(otel.service.pipelines.traces.exporters, ['clickhouse']);
});
