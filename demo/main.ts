// The demo's command line: node build/demo/demo.mjs <command> [flags].
// See docs/demo.md.

import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import { parseDuration, parseTimeline, Scenario, TIMELINES } from './scenario';
import { backfill, fileSink, generateOpenMetrics, Part, PARTS, readState, writeState } from './backfill';
import { DemoService } from './service';
import { LoadGenerator } from './loadgen';
import { FleetExporter } from './exporter';
import { OTLPBridge } from './otlp-bridge';
import { ChdbServer } from './chdb-server';
import { ClickHouse, waitForClickHouse } from './clickhouse';

const USAGE = `Usage: node build/demo/demo.mjs <command> [flags]

Commands:
  serve        the ML and LLM service: POST /predict, POST /assist, GET /metrics
  load         the load generator (needs --target)
  fleet        the GPU fleet and Kubernetes exporter: /metrics (dcgm-exporter),
               /metrics/cadvisor, /metrics/kubelet, /metrics/kube-state-metrics
  all          serve, load and fleet in one process
  backfill     write the history as OpenMetrics, load it with promtool into
               --prom-data, and insert spans into --clickhouse
  openmetrics  print OpenMetrics for --from/--to at --step (tests, fixtures)
  bridge       OTLP/HTTP JSON receiver writing spans to --clickhouse (the local
               stand-in for the OpenTelemetry collector)
  chdb         a ClickHouse HTTP endpoint on chDB (needs the npm package chdb)

Scenario flags (every command):
  --seed N               default 42
  --anchor T             RFC 3339, Unix ms, or now (default: now, rounded down to 5m);
                         the timeline's offsets are relative to it
  --timeline NAME|FILE   ${Object.keys(TIMELINES).join(' | ')} | a JSON file (default: default)
  --nodes N              GPU nodes (default 32)
  --gpus-per-node N      default 8
  --state FILE           shared scenario state: read anchor, seed and timeline from it
                         when it exists; backfill writes it

Command flags:
  --port N --host H      listen address (serve 9464, fleet 9400, bridge 4318, chdb 18123)
  --otlp URL             serve: OTLP HTTP endpoint, e.g. http://otel-collector:4318
  --target URL           load: the service, e.g. http://demo:9464
  --scale X              load: multiply request rates (default 1)
  --prom-data DIR        backfill: Prometheus TSDB directory
  --history D            backfill: history before the anchor (default: the timeline's, 8d)
  --gpu-history D        backfill: history of the GPU fleet (default 6h)
  --gpu-step D           backfill: resolution of the GPU fleet (default: --step, at least 5m)
  --step D               backfill/openmetrics: resolution (default 5m / 1m)
  --work DIR             backfill: where the OpenMetrics files are written
  --keep                 backfill: keep the OpenMetrics files
  --promtool PATH        backfill: default promtool
  --clickhouse URL       backfill/bridge: ClickHouse HTTP URL, e.g. http://clickhouse:8123
  --clickhouse-user U --clickhouse-password P   (password default: $MLWATCH_CLICKHOUSE_PASSWORD)
  --from T --to T        openmetrics: range (RFC 3339, Unix ms, or now-<duration>)
  --parts LIST           openmetrics: ${PARTS.join(',')} (default all)
  --out FILE             openmetrics: write to a file instead of stdout
  --data DIR             chdb: data directory
`;

type Flags = Record<string, string | true>;

export function parseFlags(args: string[]): { cmd: string; flags: Flags } {
  const [cmd = 'help', ...rest] = args;
  const flags: Flags = {};
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (!a.startsWith('--')) {
      throw new Error(`unexpected argument ${a}`);
    }
    const eq = a.indexOf('=');
    if (eq > 0) {
      flags[a.slice(2, eq)] = a.slice(eq + 1);
    } else if (i + 1 < rest.length && !rest[i + 1].startsWith('--')) {
      flags[a.slice(2)] = rest[++i];
    } else {
      flags[a.slice(2)] = true;
    }
  }
  return { cmd, flags };
}

export function parseTime(s: string, now = Date.now()): number {
  if (s === 'now') {
    return now;
  }
  const rel = /^now-(.+)$/.exec(s);
  if (rel) {
    return now - parseDuration(rel[1]);
  }
  if (/^\d+$/.test(s)) {
    return Number(s);
  }
  const t = Date.parse(s);
  if (Number.isNaN(t)) {
    throw new Error(`"${s}" is not a time: use RFC 3339, Unix ms, now or now-1h`);
  }
  return t;
}

const str = (f: Flags, k: string): string | undefined => (typeof f[k] === 'string' ? (f[k] as string) : undefined);
const num = (f: Flags, k: string, d: number): number => (str(f, k) !== undefined ? Number(str(f, k)) : d);

export function scenarioFrom(f: Flags): Scenario {
  const statePath = str(f, 'state');
  const state = statePath ? readState(statePath) : undefined;
  const timelineName = str(f, 'timeline') ?? state?.timeline ?? 'default';
  const anchorFlag = str(f, 'anchor');
  const anchor =
    anchorFlag && anchorFlag !== 'now'
      ? parseTime(anchorFlag)
      : (state?.anchor ?? Math.floor(Date.now() / 300e3) * 300e3);
  return new Scenario({
    seed: str(f, 'seed') !== undefined ? num(f, 'seed', 42) : (state?.seed ?? 42),
    anchor,
    timeline: parseTimeline(timelineName, (p) => readFileSync(p, 'utf8')),
    nodes: num(f, 'nodes', 32),
    gpusPerNode: num(f, 'gpus-per-node', 8),
  });
}

const log = (m: string) => process.stderr.write(`${new Date().toISOString()} ${m}\n`);

function onStop(fn: () => Promise<void> | void) {
  let stopping = false;
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, async () => {
      if (stopping) {
        return;
      }
      stopping = true;
      await fn();
      process.exit(0);
    });
  }
}

async function waitForState(path: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(path) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
  }
}

export async function main(argv: string[]): Promise<number> {
  const { cmd, flags } = parseFlags(argv);
  if (cmd === 'help' || flags.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (str(flags, 'state') && str(flags, 'wait-state')) {
    await waitForState(str(flags, 'state')!, parseDuration(str(flags, 'wait-state')!));
  }
  const sc = scenarioFrom(flags);
  const host = str(flags, 'host');
  switch (cmd) {
    case 'serve':
    case 'all': {
      const svc = new DemoService({
        scenario: sc,
        port: num(flags, 'port', 9464),
        host,
        otlp: str(flags, 'otlp') ?? process.env.OTEL_EXPORTER_OTLP_ENDPOINT,
        log,
      });
      const port = await svc.start();
      log(
        `serve: listening on :${port} (anchor ${new Date(sc.anchor).toISOString()}, timeline ${sc.timeline.name}, seed ${sc.seed}); traces ${str(flags, 'otlp') ? 'to ' + str(flags, 'otlp') : 'off'}`
      );
      const stops: Array<() => Promise<void> | void> = [() => svc.stop()];
      if (cmd === 'all') {
        const fleet = new FleetExporter({ scenario: sc, port: num(flags, 'fleet-port', 9400), host });
        log(`fleet: listening on :${await fleet.start()}`);
        const load = new LoadGenerator({
          scenario: sc,
          target: `http://127.0.0.1:${port}`,
          scale: num(flags, 'scale', 1),
          log,
        });
        load.start();
        stops.push(
          () => load.stop(),
          () => fleet.stop()
        );
      }
      onStop(async () => {
        for (const s of stops) {
          await s();
        }
      });
      return new Promise(() => undefined);
    }
    case 'fleet': {
      const fleet = new FleetExporter({ scenario: sc, port: num(flags, 'port', 9400), host });
      log(`fleet: listening on :${await fleet.start()} (${sc.nodes} nodes x ${sc.gpusPerNode} GPUs)`);
      onStop(() => fleet.stop());
      return new Promise(() => undefined);
    }
    case 'load': {
      const target = str(flags, 'target');
      if (!target) {
        throw new Error('load needs --target, e.g. --target http://127.0.0.1:9464');
      }
      const load = new LoadGenerator({
        scenario: sc,
        target,
        scale: num(flags, 'scale', 1),
        duration: str(flags, 'duration') ? parseDuration(str(flags, 'duration')!) : 0,
        log,
      });
      load.start();
      log(`load: sending to ${target}`);
      onStop(() => load.stop());
      return new Promise(() => undefined);
    }
    case 'bridge': {
      const url = str(flags, 'clickhouse');
      if (!url) {
        throw new Error('bridge needs --clickhouse URL');
      }
      await waitForClickHouse(url);
      const ch = new ClickHouse({
        url,
        user: str(flags, 'clickhouse-user'),
        password: str(flags, 'clickhouse-password') ?? process.env.MLWATCH_CLICKHOUSE_PASSWORD,
      });
      const version = await ch.version();
      if (!ClickHouse.supportsMap(version)) {
        throw new Error(`ClickHouse ${version} has no Map type, which otel_traces needs (21.8 or newer)`);
      }
      await ch.createTraceTables();
      const bridge = new OTLPBridge({ port: num(flags, 'port', 4318), host, clickhouse: ch, log });
      log(`bridge: OTLP/HTTP JSON on :${await bridge.start()} -> ${url} otel.otel_traces`);
      onStop(() => bridge.stop());
      return new Promise(() => undefined);
    }
    case 'chdb': {
      const dataDir = str(flags, 'data') ?? join(tmpdir(), 'mlwatch-demo-chdb');
      mkdirSync(dataDir, { recursive: true });
      const srv = new ChdbServer({ port: num(flags, 'port', 18123), host, dataDir, log });
      log(`chdb: ClickHouse HTTP interface on :${await srv.start()} (data in ${dataDir})`);
      onStop(() => srv.stop());
      return new Promise(() => undefined);
    }
    case 'backfill': {
      const promData = str(flags, 'prom-data');
      const statePath = str(flags, 'state');
      const state = statePath ? readState(statePath) : undefined;
      if (
        state?.backfilledAt &&
        promData &&
        existsSync(promData) &&
        readdirSync(promData).some((d) => /^[0-9A-Z]{26}$/.test(d))
      ) {
        log(
          `backfill: already done at ${state.backfilledAt} (anchor ${new Date(state.anchor).toISOString()}); nothing to do`
        );
        return 0;
      }
      const ch = str(flags, 'clickhouse');
      if (ch) {
        await waitForClickHouse(ch, 120e3);
      }
      const report = await backfill({
        scenario: sc,
        history: str(flags, 'history') ? parseDuration(str(flags, 'history')!) : undefined,
        gpuHistory: str(flags, 'gpu-history') ? parseDuration(str(flags, 'gpu-history')!) : undefined,
        step: str(flags, 'step') ? parseDuration(str(flags, 'step')!) : undefined,
        gpuStep: str(flags, 'gpu-step') ? parseDuration(str(flags, 'gpu-step')!) : undefined,
        promData,
        workDir: str(flags, 'work') ?? join(promData ? dirname(promData) : tmpdir(), 'mlwatch-demo-openmetrics'),
        keep: flags.keep === true,
        promtool: str(flags, 'promtool'),
        clickhouse: ch
          ? {
              url: ch,
              user: str(flags, 'clickhouse-user'),
              password: str(flags, 'clickhouse-password') ?? process.env.MLWATCH_CLICKHOUSE_PASSWORD,
            }
          : undefined,
        log,
      });
      if (statePath) {
        mkdirSync(dirname(statePath), { recursive: true });
        writeState(statePath, {
          anchor: sc.anchor,
          seed: sc.seed,
          timeline: str(flags, 'timeline') ?? sc.timeline.name,
          backfilledAt: new Date().toISOString(),
        });
      }
      process.stdout.write(JSON.stringify(report) + '\n');
      return 0;
    }
    case 'openmetrics': {
      const step = str(flags, 'step') ? parseDuration(str(flags, 'step')!) : 60e3;
      const to = str(flags, 'to') ? parseTime(str(flags, 'to')!) : sc.anchor;
      const from = str(flags, 'from') ? parseTime(str(flags, 'from')!) : to - 3600e3;
      const parts = (str(flags, 'parts') ?? PARTS.join(',')).split(',').map((p) => p.trim()) as Part[];
      for (const p of parts) {
        if (!PARTS.includes(p)) {
          throw new Error(`--parts: unknown part ${p}; use ${PARTS.join(',')}`);
        }
      }
      const out = str(flags, 'out');
      const sink = out
        ? fileSink(out)
        : {
            write: (c: string) =>
              new Promise<void>((r) => (process.stdout.write(c) ? r() : process.stdout.once('drain', () => r()))),
            close: async () => undefined,
          };
      const n = await generateOpenMetrics(sink, {
        scenario: sc,
        from: Math.floor(from / step) * step,
        to: Math.floor(to / step) * step,
        step,
        parts,
      });
      await sink.close();
      log(`openmetrics: ${n} samples`);
      return 0;
    }
    default:
      process.stderr.write(`unknown command ${cmd}\n\n${USAGE}`);
      return 2;
  }
}
