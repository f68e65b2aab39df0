// Checks deploy/kube-prometheus-stack/ as far as a machine without a
// cluster can: every file parses, the values overlay names every plugin id
// and the archive of this version, its datasource uses only settings the
// provisioned datasource uses too, the PrometheusRule's rules pass
// `promtool check rules` (its .spec extracted), the release labels agree,
// and each dashboard ConfigMap holds a well-formed dashboard.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = join(repo, 'deploy', 'kube-prometheus-stack');
const RELEASE = 'kube-prometheus-stack';

const readYAML = (file) => YAML.parse(readFileSync(join(dir, file), 'utf8'));
const readDocs = (file) =>
  YAML.parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((d) => {
    assert.deepEqual(d.errors, [], `${file}: ${d.errors.join('; ')}`);
    return d.toJS();
  });

function pluginIds() {
  const ids = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) {
        walk(join(d, e.name));
      } else if (e.name === 'plugin.json') {
        ids.push(JSON.parse(readFileSync(join(d, e.name), 'utf8')).id);
      }
    }
  };
  walk(join(repo, 'src'));
  return ids.sort();
}

/** Every key path of a JSON-like object ("prometheus.url", ...). */
function keyPaths(obj, prefix = '') {
  return Object.entries(obj ?? {}).flatMap(([k, v]) =>
    v && typeof v === 'object' && !Array.isArray(v) ? keyPaths(v, `${prefix}${k}.`) : [`${prefix}${k}`]
  );
}

test('values overlay: the plugin archive of this version and every plugin id allowed unsigned', () => {
  const values = readYAML('values-mlwatch.yaml');
  const version = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')).version;
  const plugin = values.grafana.plugins.find((p) => p.includes('mlwatch'));
  assert.ok(plugin, 'grafana.plugins installs no mlwatch archive');
  assert.ok(plugin.endsWith(`mlwatch-observability-app-${version}.zip;mlwatch-observability-app`), plugin);
  const allowed = values.grafana['grafana.ini'].plugins.allow_loading_unsigned_plugins.split(',').sort();
  assert.deepEqual(allowed, pluginIds());
});

test('values overlay: the datasource points at the stack and uses known settings', () => {
  const values = readYAML('values-mlwatch.yaml');
  const ds = values.grafana.additionalDataSources.find((d) => d.type === 'mlwatch-ml-datasource');
  assert.ok(ds, 'no mlwatch datasource in grafana.additionalDataSources');
  assert.equal(ds.jsonData.prometheus.url, `http://${RELEASE}-prometheus.monitoring:9090`);
  const provisioned = YAML.parse(readFileSync(join(repo, 'provisioning', 'datasources', 'mlwatch.yaml'), 'utf8'))
    .datasources.find((d) => d.type === 'mlwatch-ml-datasource');
  const known = new Set([...keyPaths(provisioned.jsonData), ...keyPaths(provisioned.secureJsonData).map((k) => `secure:${k}`)]);
  for (const k of [...keyPaths(ds.jsonData), ...keyPaths(ds.secureJsonData).map((p) => `secure:${p}`)]) {
    assert.ok(known.has(k), `${k} is not a setting the provisioned datasource uses (typo?)`);
  }
  // The secret comes from the environment Grafana is given.
  const ref = /^\$\{(\w+)\}$/.exec(ds.secureJsonData.clickhousePassword)?.[1];
  assert.ok(ref && values.grafana.envValueFrom[ref], 'the ClickHouse password is not taken from a secret');
});

test('PrometheusRule: the stack selects it and promtool accepts its rules', (t) => {
  const [rule] = readDocs('prometheusrule.yaml');
  assert.equal(rule.kind, 'PrometheusRule');
  assert.equal(rule.metadata.labels.release, RELEASE);
  const promtool = spawnSync('sh', ['-c', 'command -v promtool'], { encoding: 'utf8' }).stdout.trim();
  if (!promtool) {
    assert.ok(!process.env.CI, 'promtool is missing under CI (the test command installs prometheus)');
    t.skip('promtool is not installed (apt-get install prometheus)');
    return;
  }
  const tmp = mkdtempSync(join(tmpdir(), 'mlwatch-kps-'));
  try {
    const file = join(tmp, 'rules.yaml');
    writeFileSync(file, YAML.stringify(rule.spec));
    const r = spawnSync(promtool, ['check', 'rules', file], { encoding: 'utf8' });
    assert.equal(r.status, 0, `promtool check rules:\n${r.stdout}${r.stderr}`);
    assert.match(r.stdout, /SUCCESS: \d+ rules found/);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('ServiceMonitor example: selected by the same release, scrapes a named port', () => {
  const [sm] = readDocs('servicemonitor.example.yaml');
  assert.equal(sm.kind, 'ServiceMonitor');
  assert.equal(sm.metadata.labels.release, RELEASE);
  assert.ok(Object.keys(sm.spec.selector.matchLabels ?? {}).length > 0, 'the selector matches nothing in particular');
  for (const ep of sm.spec.endpoints) {
    assert.ok(ep.port, 'an endpoint without a named port');
  }
});

test('dashboard ConfigMaps: one per dashboard the app ships, each a well-formed dashboard', () => {
  const maps = readDocs('dashboards.yaml');
  const app = JSON.parse(readFileSync(join(repo, 'src', 'plugin.json'), 'utf8'));
  const provisioned = app.includes.filter((i) => i.type === 'dashboard').map((i) => i.path.split('/').pop());
  assert.equal(maps.length, provisioned.length);
  for (const cm of maps) {
    assert.equal(cm.kind, 'ConfigMap');
    assert.equal(cm.metadata.labels.grafana_dashboard, '1', `${cm.metadata.name}: not labelled for the sidecar`);
    const files = Object.entries(cm.data);
    assert.equal(files.length, 1, `${cm.metadata.name}: one dashboard per ConfigMap`);
    const [name, text] = files[0];
    const dash = JSON.parse(text);
    assert.ok(provisioned.includes(name), `${name} is not a provisioned dashboard`);
    assert.deepEqual(dash, JSON.parse(readFileSync(join(repo, 'provisioning', 'dashboards', name), 'utf8')), `${name} differs from provisioning/dashboards`);
    assert.ok(typeof dash.uid === 'string' && dash.uid.length > 0 && dash.uid.length <= 40, `${name}: uid`);
    assert.ok(typeof dash.title === 'string' && dash.title.length > 0, `${name}: title`);
    assert.ok(Number.isInteger(dash.schemaVersion), `${name}: schemaVersion`);
    assert.ok(Array.isArray(dash.panels) && dash.panels.length > 0, `${name}: panels`);
    for (const p of dash.panels) {
      assert.ok(p.type && p.gridPos, `${name}: panel ${p.id} has no type or gridPos`);
      for (const k of ['h', 'w', 'x', 'y']) {
        assert.ok(Number.isInteger(p.gridPos[k]), `${name}: panel ${p.id} gridPos.${k}`);
      }
      assert.ok(p.gridPos.x + p.gridPos.w <= 24, `${name}: panel ${p.id} is wider than the grid`);
    }
  }
});
