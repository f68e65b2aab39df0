// Checks the demo services of docker-compose.yaml as far as a machine
// without a container engine can: their image and Dockerfile are pinned,
// every mounted path exists, the backfill runs before Prometheus and the
// collector, healthchecks exist where services wait for health, and the
// Prometheus config scrapes the demo with the rules loaded and the same
// job/instance labels the backfill writes (demo/backfill.ts TARGETS).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const compose = YAML.parse(readFileSync(join(repo, 'docker-compose.yaml'), 'utf8'), { merge: true });
const services = compose.services;
const demoServices = ['demo-backfill', 'demo', 'demo-fleet', 'demo-load'];
const prom = YAML.parse(readFileSync(join(repo, 'deploy/compose/prometheus.yml'), 'utf8'));

test('the demo services exist and share one pinned image built from the repo', () => {
  for (const name of demoServices) {
    const svc = services[name];
    assert.ok(svc, `service ${name} is missing`);
    assert.match(svc.image, /^mlwatch\/demo:\d+\.\d+\.\d+$/, `${name}: image ${svc.image} is not a pinned version`);
    assert.equal(
      svc.build?.dockerfile,
      'deploy/compose/demo.Dockerfile',
      `${name} must build deploy/compose/demo.Dockerfile`
    );
    assert.ok(Array.isArray(svc.command) && svc.command.length > 0, `${name} has no command`);
  }
  const dockerfile = readFileSync(join(repo, 'deploy/compose/demo.Dockerfile'), 'utf8');
  const froms = dockerfile.split('\n').filter((l) => l.startsWith('FROM '));
  assert.ok(froms.length >= 2);
  for (const line of froms) {
    assert.match(line, /^FROM [\w./-]+:[\w.-]+( AS \w+)?$/, `demo.Dockerfile base image not pinned: ${line}`);
    assert.doesNotMatch(line, /:latest\b/);
  }
  // The promtool of the backfill comes from the Prometheus image the stack runs.
  const promImage = services.prometheus.image;
  assert.ok(
    dockerfile.includes(`FROM ${promImage} AS prometheus`),
    `demo.Dockerfile should copy promtool from ${promImage}`
  );
  // What the image copies exists.
  for (const m of dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)) {
    for (const src of m[1].split(/\s+/)) {
      assert.ok(existsSync(join(repo, src)), `demo.Dockerfile copies ${src}, which does not exist`);
    }
  }
  assert.ok(existsSync(join(repo, 'demo/build.mjs')));
});

test('every path the demo services mount exists, named volumes are declared', () => {
  for (const name of [...demoServices, 'prometheus']) {
    for (const v of services[name].volumes ?? []) {
      const src = v.split(':')[0];
      if (src.startsWith('./')) {
        assert.ok(existsSync(join(repo, src)), `${name}: mounted path ${src} does not exist`);
      } else {
        assert.ok(src in (compose.volumes ?? {}), `${name}: named volume ${src} is not declared`);
      }
    }
  }
});

test('the backfill runs once, before Prometheus and the collector, into their volumes', () => {
  const bf = services['demo-backfill'];
  assert.equal(bf.restart, 'no');
  assert.equal(services.prometheus.depends_on?.['demo-backfill']?.condition, 'service_completed_successfully');
  assert.equal(services['otel-collector'].depends_on?.['demo-backfill']?.condition, 'service_completed_successfully');
  assert.equal(bf.depends_on?.clickhouse?.condition, 'service_healthy');
  const promVolume = services.prometheus.volumes.find((v) => v.endsWith(':/prometheus'));
  assert.ok(promVolume, 'prometheus has no /prometheus volume');
  assert.ok(bf.volumes.includes(promVolume), `the backfill must write into Prometheus' volume (${promVolume})`);
  const args = bf.command.join(' ');
  assert.match(args, /--prom-data=\/prometheus/);
  assert.match(args, /--clickhouse=http:\/\/clickhouse:8123/);
  assert.match(args, /--state=\/state\//);
  // The backfill runs as the user Prometheus runs as, so Prometheus can write its WAL next to the blocks.
  assert.match(readFileSync(join(repo, 'deploy/compose/demo.Dockerfile'), 'utf8'), /USER 65534:65534/);
  for (const name of ['demo', 'demo-fleet', 'demo-load']) {
    assert.ok(
      services[name].volumes.some((v) => v.startsWith('demo-state:/state')),
      `${name} must read the scenario state of the backfill`
    );
  }
});

test('services that others wait for have healthchecks; conditions are right', () => {
  assert.ok(services.demo.healthcheck?.test, 'demo has no healthcheck');
  assert.ok(services['demo-fleet'].healthcheck?.test, 'demo-fleet has no healthcheck');
  assert.equal(services['demo-load'].depends_on?.demo?.condition, 'service_healthy');
  for (const name of demoServices) {
    for (const [dep, cond] of Object.entries(services[name].depends_on ?? {})) {
      assert.ok(services[dep], `${name} depends on unknown service ${dep}`);
      assert.ok(
        ['service_started', 'service_healthy', 'service_completed_successfully'].includes(cond.condition),
        `${name} -> ${dep}: ${cond.condition}`
      );
      if (cond.condition === 'service_healthy') {
        assert.ok(services[dep].healthcheck, `${name} waits for ${dep} to be healthy, but ${dep} has no healthcheck`);
      }
    }
  }
  // Every port a demo command listens on is the one Prometheus scrapes.
  const port = (svc) => svc.command.find((a) => a.startsWith('--port='))?.split('=')[1];
  const targets = prom.scrape_configs.flatMap((j) => j.static_configs.flatMap((s) => s.targets));
  assert.ok(targets.includes(`demo:${port(services.demo)}`));
  assert.ok(targets.includes(`demo-fleet:${port(services['demo-fleet'])}`));
  assert.match(services['demo-load'].command.join(' '), new RegExp(`--target=http://demo:${port(services.demo)}`));
  assert.match(services.demo.command.join(' '), /--otlp=http:\/\/otel-collector:4318/);
});

test('Prometheus loads the mlwatch rules and scrapes the demo with the backfill labels', () => {
  const mount = services.prometheus.volumes.find((v) => v.startsWith('./deploy/prometheus/mlwatch-rules.yaml:'));
  assert.ok(mount, 'the rules file is not mounted');
  assert.ok(
    prom.rule_files.includes(mount.split(':')[1]),
    `rule_files ${prom.rule_files} does not list ${mount.split(':')[1]}`
  );
  const want = {
    'mlwatch-demo': { job: 'mlwatch-demo', instance: 'mlwatch-demo', path: '/metrics' },
    'dcgm-exporter': { job: 'dcgm-exporter', instance: 'dcgm-exporter', path: '/metrics' },
    'kubelet-cadvisor': {
      job: 'kubelet',
      instance: 'kubelet',
      metrics_path: '/metrics/cadvisor',
      path: '/metrics/cadvisor',
    },
    kubelet: { job: 'kubelet', instance: 'kubelet', metrics_path: '/metrics', path: '/metrics/kubelet' },
    'kube-state-metrics': {
      job: 'kube-state-metrics',
      instance: 'kube-state-metrics',
      path: '/metrics/kube-state-metrics',
    },
  };
  for (const [jobName, w] of Object.entries(want)) {
    const j = prom.scrape_configs.find((c) => c.job_name === jobName);
    assert.ok(j, `no scrape job ${jobName}`);
    assert.equal(j.metrics_path ?? '/metrics', w.path);
    const labels = j.static_configs[0].labels ?? {};
    assert.equal(labels.job ?? jobName, w.job, `${jobName}: job label`);
    assert.equal(labels.instance, w.instance, `${jobName}: instance label`);
    if (w.metrics_path) {
      assert.equal(labels.metrics_path, w.metrics_path);
    }
  }
  // The same labels as the backfill's (the bundle exports TARGETS when built).
  const bundle = join(repo, 'build/demo/index.mjs');
  if (existsSync(bundle)) {
    return import(bundle).then(({ TARGETS }) => {
      assert.deepEqual(TARGETS.service, { job: 'mlwatch-demo', instance: 'mlwatch-demo' });
      assert.deepEqual(TARGETS.cadvisor, { job: 'kubelet', instance: 'kubelet', metrics_path: '/metrics/cadvisor' });
      assert.deepEqual(TARGETS.kubelet, { job: 'kubelet', instance: 'kubelet', metrics_path: '/metrics' });
    });
  }
});

test('promtool accepts the compose Prometheus config (rules path mapped to the repo)', (t) => {
  const promtool = spawnSync('sh', ['-c', 'command -v promtool'], { encoding: 'utf8' }).stdout.trim();
  if (!promtool) {
    t.skip('promtool is not installed');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'mlwatch-compose-prom-'));
  try {
    const cfg = readFileSync(join(repo, 'deploy/compose/prometheus.yml'), 'utf8').replace(
      '/etc/prometheus/rules/mlwatch-rules.yaml',
      join(repo, 'deploy/prometheus/mlwatch-rules.yaml')
    );
    writeFileSync(join(dir, 'prometheus.yml'), cfg);
    const r = spawnSync(promtool, ['check', 'config', join(dir, 'prometheus.yml')], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
