#!/usr/bin/env node
// `npm run demo:local`: the demo stack without a container engine and
// without Grafana, from local packages: Debian's prometheus,
// prometheus-alertmanager and (optionally) clickhouse-server, and the demo
// itself with node. It backfills the scenario's history first, starts
// everything on loopback ports with data under ./.demo (or --dir), prints
// the URLs, and stops everything on Ctrl-C or SIGTERM.
//
//   npm run demo:local                       the default scenario, 8 days of history
//   npm run demo:local -- --timeline compressed --history 4h --step 1m
//   npm run demo:local -- --help
//
// ClickHouse: --clickhouse chdb (default when the npm package chdb is
// installed) serves ClickHouse 26 through chDB on the HTTP port, with the
// OpenTelemetry exporter's exact otel_traces schema, and traces flow;
// --clickhouse server starts Debian's clickhouse-server, which is 18.16 on
// Debian 12: it has no Map type, so spans are skipped there (said at
// start); --clickhouse none starts no ClickHouse. See docs/demo.md.
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const demoBin = join(repo, 'build', 'demo', 'demo.mjs');

const HELP = `Usage: npm run demo:local -- [flags]

  --dir DIR            data directory (default ./.demo); wiped at start unless --keep-data
  --keep-data          reuse the data (and the scenario anchor) of a previous run
  --timeline NAME|FILE default | compressed | a JSON timeline (docs/demo.md)
  --seed N             scenario seed (default 42)
  --history D          history to backfill (default: the timeline's; 8d for default)
  --gpu-history D      history of the GPU fleet (default 6h)
  --gpu-step D         resolution of the GPU fleet history (default: --step, at least 5m)
  --step D             backfill resolution (default 5m)
  --clickhouse MODE    auto | chdb | server | none (default auto: chdb when installed, else server)
  --ports MODE         fixed (the documented ports, default) | free (any free loopback ports)
  --scale X            load generator rate multiplier (default 1)
  --duration D         stop by itself after D (tests, screenshots)
  --no-live            backfill and start the servers, but no demo service, exporter or load
  --help

Ports (fixed): Prometheus 19090, Alertmanager 19093, ClickHouse HTTP 18123 (native 19000 with
--clickhouse server), demo service 19464, GPU/Kubernetes exporter 19400, OTLP/HTTP 14318.
`;

function parseArgs(argv) {
  const f = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) {
      throw new Error(`unexpected argument ${a}`);
    }
    const eq = a.indexOf('=');
    if (eq > 0) {
      f[a.slice(2, eq)] = a.slice(eq + 1);
    } else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) {
      f[a.slice(2)] = argv[++i];
    } else {
      f[a.slice(2)] = true;
    }
  }
  return f;
}

function parseDuration(s) {
  const units = { ms: 1, s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 604800e3 };
  let total = 0;
  let used = 0;
  for (const m of String(s).matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g)) {
    total += Number(m[1]) * units[m[2]];
    used += m[0].length;
  }
  if (used !== String(s).length || !used) {
    throw new Error(`"${s}" is not a duration (30s, 5m, 1h, 7d)`);
  }
  return total;
}

const log = (m) => process.stderr.write(`[demo:local] ${m}\n`);

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

function portFree(port) {
  return new Promise((res) => {
    const s = createServer();
    s.once('error', () => res(false));
    s.listen(port, '127.0.0.1', () => s.close(() => res(true)));
  });
}

function which(bin, fallbacks = []) {
  for (const p of fallbacks) {
    if (existsSync(p)) {
      return p;
    }
  }
  const r = spawnSync('sh', ['-c', `command -v ${bin}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

function chdbInstalled() {
  try {
    createRequire(join(repo, 'package.json')).resolve('chdb');
    return true;
  } catch {
    return false;
  }
}

/** Rebuilds build/demo when a demo source is newer than the bundle. */
function ensureBuilt() {
  const srcDir = join(repo, 'demo');
  const newest = Math.max(...readdirSync(srcDir).map((f) => statSync(join(srcDir, f)).mtimeMs));
  if (!existsSync(demoBin) || statSync(demoBin).mtimeMs < newest) {
    log('building the demo (node demo/build.mjs)');
    const r = spawnSync(process.execPath, [join(srcDir, 'build.mjs')], { stdio: 'inherit' });
    if (r.status !== 0) {
      throw new Error('building the demo failed');
    }
  }
}

const children = [];
let stopping = false;

function start(name, cmd, args, opts = {}) {
  const logFile = join(opts.logDir, `${name}.log`);
  const out = opts.fd ?? 'pipe';
  const p = spawn(cmd, args, { stdio: ['ignore', out, out], env: { ...process.env, ...(opts.env ?? {}) } });
  const chunks = [];
  const keep = (d) => {
    chunks.push(d);
    if (chunks.length > 200) {
      chunks.shift();
    }
  };
  p.stdout?.on('data', keep);
  p.stderr?.on('data', keep);
  const ws = { name, p, tail: () => Buffer.concat(chunks).toString('utf8').slice(-3000), logFile };
  p.stdout?.on('data', (d) => opts.echo && process.stderr.write(d));
  p.on('exit', (code, sig) => {
    writeFileSync(logFile, Buffer.concat(chunks));
    if (!stopping && !opts.oneShot) {
      log(`${name} exited (${code ?? sig}); last output:\n${ws.tail()}`);
      void stopAll(1);
    }
  });
  if (!opts.oneShot) {
    children.push(ws);
  }
  return ws;
}

function waitExit(w) {
  return new Promise((res) => {
    if (w.p.exitCode !== null || w.p.signalCode !== null) {
      res(w.p.exitCode);
    } else {
      w.p.once('exit', (code) => res(code));
    }
  });
}

async function stopAll(code = 0) {
  if (stopping) {
    return;
  }
  stopping = true;
  log('stopping');
  for (const c of [...children].reverse()) {
    if (c.p.exitCode === null && c.p.signalCode === null) {
      c.p.kill('SIGTERM');
      const t = setTimeout(() => c.p.kill('SIGKILL'), 10000);
      await waitExit(c);
      clearTimeout(t);
    }
  }
  log('stopped');
  process.exit(code);
}

async function waitHTTP(url, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (stopping) {
      return;
    }
    try {
      const r = await fetch(url);
      if (r.ok) {
        return;
      }
      last = `HTTP ${r.status}`;
    } catch (e) {
      last = e.message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} did not become ready at ${url} within ${timeoutMs / 1000}s (${last})`);
}

function clickhouseConfig(dir, http, native) {
  return `<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>${dir}/log/server.log</log><errorlog>${dir}/log/error.log</errorlog><size>10M</size><count>1</count></logger>
  <http_port>${http}</http_port>
  <tcp_port>${native}</tcp_port>
  <listen_host>127.0.0.1</listen_host>
  <path>${dir}/data/</path>
  <tmp_path>${dir}/tmp/</tmp_path>
  <user_files_path>${dir}/user_files/</user_files_path>
  <users_config>${dir}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>104857600</mark_cache_size>
  <uncompressed_cache_size>104857600</uncompressed_cache_size>
  <max_concurrent_queries>100</max_concurrent_queries>
</yandex>
`;
}

const CLICKHOUSE_USERS = `<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>4000000000</max_memory_usage></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
`;

/** Prometheus config of the local stack: the same jobs and target labels as deploy/compose/prometheus.yml. */
function prometheusConfig(p) {
  return `# Written by scripts/demo-local.mjs: the scrape jobs of deploy/compose/prometheus.yml on loopback.
global:
  scrape_interval: 15s
  evaluation_interval: 15s
alerting:
  alertmanagers:
    - static_configs:
        - targets: ['127.0.0.1:${p.alertmanager}']
rule_files:
  - ${join(repo, 'deploy/prometheus/mlwatch-rules.yaml')}
scrape_configs:
  - job_name: prometheus
    static_configs:
      - targets: ['127.0.0.1:${p.prometheus}']
${p.live ? demoScrapeConfigs(`127.0.0.1:${p.demo}`, `127.0.0.1:${p.fleet}`) : ''}`;
}

function demoScrapeConfigs(demo, fleet) {
  return `  - job_name: mlwatch-demo
    static_configs:
      - targets: ['${demo}']
        labels: { instance: mlwatch-demo }
  - job_name: dcgm-exporter
    static_configs:
      - targets: ['${fleet}']
        labels: { instance: dcgm-exporter }
  - job_name: kubelet-cadvisor
    metrics_path: /metrics/cadvisor
    static_configs:
      - targets: ['${fleet}']
        labels: { job: kubelet, instance: kubelet, metrics_path: /metrics/cadvisor }
  - job_name: kubelet
    metrics_path: /metrics/kubelet
    static_configs:
      - targets: ['${fleet}']
        labels: { instance: kubelet, metrics_path: /metrics }
  - job_name: kube-state-metrics
    metrics_path: /metrics/kube-state-metrics
    static_configs:
      - targets: ['${fleet}']
        labels: { instance: kube-state-metrics }
`;
}

async function main() {
  const f = parseArgs(process.argv.slice(2));
  if (f.help) {
    process.stdout.write(HELP);
    return;
  }
  const dir = resolve(f.dir ?? join(repo, '.demo'));
  const logDir = join(dir, 'logs');
  if (existsSync(dir) && !f['keep-data']) {
    rmSync(dir, { recursive: true, force: true });
  }
  for (const sub of ['prometheus', 'alertmanager', 'clickhouse', 'logs']) {
    mkdirSync(join(dir, sub), { recursive: true });
  }
  ensureBuilt();
  const promBin = which('prometheus', ['/usr/bin/prometheus']);
  const amBin = which('prometheus-alertmanager', ['/usr/bin/prometheus-alertmanager']) ?? which('alertmanager');
  const promtool = which('promtool', ['/usr/bin/promtool']);
  if (!promBin || !promtool) {
    throw new Error('prometheus and promtool are needed: apt-get install prometheus (or run scripts/install-deps.sh)');
  }
  let chMode = f.clickhouse ?? 'auto';
  if (chMode === 'auto') {
    chMode = chdbInstalled()
      ? 'chdb'
      : which('clickhouse-server', ['/usr/sbin/clickhouse-server', '/usr/bin/clickhouse-server'])
        ? 'server'
        : 'none';
  }
  const live = !f['no-live'];
  const fixed = {
    prometheus: 19090,
    alertmanager: 19093,
    clickhouse: 18123,
    clickhouseNative: 19000,
    demo: 19464,
    fleet: 19400,
    otlp: 14318,
    amCluster: 0,
  };
  const ports = {};
  for (const [k, v] of Object.entries(fixed)) {
    if (k === 'amCluster') {
      continue;
    }
    if (f.ports === 'free') {
      ports[k] = await freePort();
    } else {
      if (!(await portFree(v))) {
        throw new Error(`port ${v} (${k}) is in use on 127.0.0.1; stop what uses it or run with --ports free`);
      }
      ports[k] = v;
    }
  }
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  const node = process.execPath;
  const scenarioFlags = [
    '--state',
    join(dir, 'state.json'),
    '--seed',
    String(f.seed ?? 42),
    '--timeline',
    String(f.timeline ?? 'default'),
  ];
  // The anchor: now, rounded down to the backfill step; kept with --keep-data.
  const step = f.step ? parseDuration(f.step) : 300e3;
  const anchorFlags = existsSync(join(dir, 'state.json'))
    ? []
    : ['--anchor', new Date(Math.floor(Date.now() / step) * step).toISOString()];

  // ClickHouse.
  let chURL;
  let spans = 'off';
  if (chMode === 'chdb') {
    if (!chdbInstalled()) {
      throw new Error('--clickhouse chdb needs the npm package chdb (npm install chdb)');
    }
    start(
      'clickhouse',
      node,
      [demoBin, 'chdb', '--port', String(ports.clickhouse), '--host', '127.0.0.1', '--data', join(dir, 'clickhouse')],
      { logDir }
    );
    chURL = `http://127.0.0.1:${ports.clickhouse}`;
  } else if (chMode === 'server') {
    const bin = which('clickhouse-server', ['/usr/sbin/clickhouse-server', '/usr/bin/clickhouse-server']);
    if (!bin) {
      throw new Error('--clickhouse server needs clickhouse-server (apt-get install clickhouse-server)');
    }
    const chDir = join(dir, 'clickhouse');
    for (const sub of ['data', 'tmp', 'user_files', 'log']) {
      mkdirSync(join(chDir, sub), { recursive: true });
    }
    writeFileSync(join(chDir, 'users.xml'), CLICKHOUSE_USERS);
    writeFileSync(join(chDir, 'config.xml'), clickhouseConfig(chDir, ports.clickhouse, ports.clickhouseNative));
    start('clickhouse', bin, [`--config-file=${join(chDir, 'config.xml')}`], { logDir });
    chURL = `http://127.0.0.1:${ports.clickhouse}`;
  } else if (chMode !== 'none') {
    throw new Error(`--clickhouse ${chMode}: use auto, chdb, server or none`);
  }
  let chVersion = '';
  if (chURL) {
    await waitHTTP(`${chURL}/ping`, 60e3, 'ClickHouse');
    const r = await fetch(chURL, { method: 'POST', body: 'SELECT version()' });
    chVersion = (await r.text()).trim();
    const [maj, min] = chVersion.split('.').map(Number);
    const hasMap = maj > 21 || (maj === 21 && min >= 8);
    if (hasMap) {
      spans = 'on';
    } else {
      log(
        `ClickHouse ${chVersion} has no Map type, which the OpenTelemetry exporter's otel_traces schema needs (21.8+): spans are skipped in this stack. Install the npm package chdb and use --clickhouse chdb for traces.`
      );
      await fetch(chURL, { method: 'POST', body: 'CREATE DATABASE IF NOT EXISTS otel' });
    }
  }

  // Backfill (skipped by the demo itself when --keep-data finds it done).
  const t0 = Date.now();
  const bf = start(
    'backfill',
    node,
    [
      demoBin,
      'backfill',
      ...scenarioFlags,
      ...anchorFlags,
      '--prom-data',
      join(dir, 'prometheus'),
      '--work',
      join(dir, 'openmetrics'),
      '--promtool',
      promtool,
      '--step',
      f.step ?? '5m',
      ...(f.history ? ['--history', f.history] : []),
      ...(f['gpu-history'] ? ['--gpu-history', f['gpu-history']] : []),
      ...(f['gpu-step'] ? ['--gpu-step', f['gpu-step']] : []),
      ...(spans === 'on' ? ['--clickhouse', chURL] : []),
    ],
    { logDir, oneShot: true }
  );
  bf.p.stderr.on('data', (d) => process.stderr.write(d));
  const bfCode = await waitExit(bf);
  if (stopping) {
    return;
  }
  if (bfCode !== 0) {
    log(`backfill failed:\n${bf.tail()}`);
    await stopAll(1);
    return;
  }
  const backfillSeconds = (Date.now() - t0) / 1000;

  // Prometheus and Alertmanager.
  writeFileSync(join(dir, 'prometheus.yml'), prometheusConfig({ ...ports, live }));
  copyFileSync(join(repo, 'deploy/compose/alertmanager.yml'), join(dir, 'alertmanager.yml'));
  start(
    'prometheus',
    promBin,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'prometheus')}`,
      '--storage.tsdb.retention.time=15d',
      `--web.listen-address=127.0.0.1:${ports.prometheus}`,
      '--web.enable-lifecycle',
      '--log.level=warn',
    ],
    { logDir }
  );
  if (amBin) {
    start(
      'alertmanager',
      amBin,
      [
        `--config.file=${join(dir, 'alertmanager.yml')}`,
        `--storage.path=${join(dir, 'alertmanager')}`,
        `--web.listen-address=127.0.0.1:${ports.alertmanager}`,
        '--cluster.listen-address=',
        '--log.level=warn',
      ],
      { logDir }
    );
  } else {
    log('prometheus-alertmanager is not installed: alerts are evaluated but not routed');
  }

  // The demo.
  if (live) {
    if (spans === 'on') {
      start(
        'otlp-bridge',
        node,
        [demoBin, 'bridge', '--port', String(ports.otlp), '--host', '127.0.0.1', '--clickhouse', chURL],
        { logDir }
      );
      await waitHTTP(`http://127.0.0.1:${ports.otlp}/healthz`, 60e3, 'the OTLP bridge');
    }
    start(
      'demo',
      node,
      [
        demoBin,
        'serve',
        ...scenarioFlags,
        '--port',
        String(ports.demo),
        '--host',
        '127.0.0.1',
        ...(spans === 'on' ? ['--otlp', `http://127.0.0.1:${ports.otlp}`] : []),
      ],
      { logDir }
    );
    start('fleet', node, [demoBin, 'fleet', ...scenarioFlags, '--port', String(ports.fleet), '--host', '127.0.0.1'], {
      logDir,
    });
    await waitHTTP(`http://127.0.0.1:${ports.demo}/healthz`, 30e3, 'the demo service');
    await waitHTTP(`http://127.0.0.1:${ports.fleet}/healthz`, 30e3, 'the fleet exporter');
    start(
      'load',
      node,
      [
        demoBin,
        'load',
        ...scenarioFlags,
        '--target',
        `http://127.0.0.1:${ports.demo}`,
        '--scale',
        String(f.scale ?? 1),
      ],
      { logDir }
    );
  }
  await waitHTTP(`http://127.0.0.1:${ports.prometheus}/-/ready`, 120e3, 'Prometheus');
  if (amBin) {
    await waitHTTP(`http://127.0.0.1:${ports.alertmanager}/-/ready`, 60e3, 'Alertmanager');
  }

  // A datasource file for `mlwatch query` (and the same settings for Grafana).
  const ds = `apiVersion: 1
# Written by scripts/demo-local.mjs: the mlwatch datasource of the local demo stack.
# Use with: build/mlwatch query --datasource ${join(dir, 'datasource.yaml')} --query q.json
datasources:
  - name: mlwatch-local
    type: mlwatch-ml-datasource
    uid: mlwatch-local
    jsonData:
      prometheus:
        url: http://127.0.0.1:${ports.prometheus}
        auth: none
        timeoutSeconds: 60
${
  chURL
    ? `      clickhouse:
        host: 127.0.0.1
        port: ${ports.clickhouse}
        protocol: http
        username: default
        database: otel
        timeoutSeconds: 60
`
    : ''
}`;
  writeFileSync(join(dir, 'datasource.yaml'), ds);
  const state = JSON.parse((await import('node:fs')).readFileSync(join(dir, 'state.json'), 'utf8'));
  const info = {
    dir,
    anchor: new Date(state.anchor).toISOString(),
    seed: state.seed,
    timeline: state.timeline,
    backfillSeconds,
    prometheus: `http://127.0.0.1:${ports.prometheus}`,
    alertmanager: amBin ? `http://127.0.0.1:${ports.alertmanager}` : null,
    clickhouse: chURL ?? null,
    clickhouseVersion: chVersion || null,
    clickhouseMode: chMode,
    spans,
    demo: live ? `http://127.0.0.1:${ports.demo}` : null,
    fleet: live ? `http://127.0.0.1:${ports.fleet}` : null,
    otlp: live && spans === 'on' ? `http://127.0.0.1:${ports.otlp}` : null,
    datasource: join(dir, 'datasource.yaml'),
  };
  writeFileSync(join(dir, 'stack.json'), JSON.stringify(info, null, 2) + '\n');
  process.stdout.write(`
mlwatch demo stack is up (backfill took ${backfillSeconds.toFixed(0)}s; anchor ${info.anchor}, timeline ${info.timeline}, seed ${info.seed})
  Prometheus     ${info.prometheus}   (rules: deploy/prometheus/mlwatch-rules.yaml)
  Alertmanager   ${info.alertmanager ?? 'not installed'}
  ClickHouse     ${info.clickhouse ?? 'none'}${chVersion ? ` (${chMode}, ClickHouse ${chVersion}; spans ${spans})` : ''}
  demo service   ${info.demo ?? 'off'}   POST /predict?model=fraud-detector, POST /assist, GET /metrics
  GPU/k8s        ${info.fleet ?? 'off'}   /metrics (dcgm), /metrics/cadvisor, /metrics/kubelet, /metrics/kube-state-metrics
  OTLP/HTTP      ${info.otlp ?? 'off'}
  datasource     ${info.datasource}  (build/mlwatch query --datasource ... --query q.json)
  logs           ${logDir}
Stop with Ctrl-C.
MLWATCH_DEMO_READY ${JSON.stringify(info)}
`);
  if (f.duration) {
    setTimeout(() => void stopAll(0), parseDuration(f.duration));
  }
}

main().catch(async (e) => {
  log(e.message);
  await stopAll(1);
});
