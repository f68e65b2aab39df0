// Backfill: the scenario's history as OpenMetrics (loaded into Prometheus
// with `promtool tsdb create-blocks-from openmetrics`) and as span rows
// (inserted into ClickHouse's otel_traces).

import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { Scenario, formatDuration } from './scenario';
import { Labels, Source, TextSink, writeOpenMetrics, writeOpenMetricsChunks } from './series';
import { mlSource } from './model';
import { llmSource } from './llm';
import { fleetSource } from './fleet';
import { kubeSources } from './kube';
import { ClickHouse } from './clickhouse';
import { spanRows, SpanBackfillOptions } from './spans';

/**
 * The scrape jobs of the demo and the target labels they give every
 * series. Prometheus' scrape configs (deploy/compose/prometheus.yml and the
 * local stack's) set the same job and instance, so that the live scrape
 * continues the backfilled series.
 */
export const TARGETS = {
  service: { job: 'mlwatch-demo', instance: 'mlwatch-demo' },
  dcgm: { job: 'dcgm-exporter', instance: 'dcgm-exporter' },
  cadvisor: { job: 'kubelet', instance: 'kubelet', metrics_path: '/metrics/cadvisor' },
  kubelet: { job: 'kubelet', instance: 'kubelet', metrics_path: '/metrics' },
  ksm: { job: 'kube-state-metrics', instance: 'kube-state-metrics' },
} as const;

export type Part = 'ml' | 'llm' | 'dcgm' | 'kube';
export const PARTS: readonly Part[] = ['ml', 'llm', 'dcgm', 'kube'];

/** The sources of the given parts, each with its target labels. */
export function sourcesFor(
  sc: Scenario,
  parts: readonly Part[] = PARTS
): Array<{ source: Source; extraLabels: Labels }> {
  const out: Array<{ source: Source; extraLabels: Labels }> = [];
  if (parts.includes('ml')) {
    out.push({ source: mlSource(sc), extraLabels: TARGETS.service });
  }
  if (parts.includes('llm')) {
    out.push({ source: llmSource(sc), extraLabels: TARGETS.service });
  }
  if (parts.includes('dcgm')) {
    out.push({ source: fleetSource(sc), extraLabels: TARGETS.dcgm });
  }
  if (parts.includes('kube')) {
    const k = kubeSources(sc);
    out.push(
      { source: k.cadvisor, extraLabels: TARGETS.cadvisor },
      { source: k.kubelet, extraLabels: TARGETS.kubelet },
      { source: k.ksm, extraLabels: TARGETS.ksm }
    );
  }
  return out;
}

export interface OpenMetricsOptions {
  scenario: Scenario;
  /** Range (ms epoch); samples at from+step, ..., to. */
  from: number;
  to: number;
  /** Resolution (ms). */
  step: number;
  parts?: readonly Part[];
  /** Leave out the target labels (job, instance). */
  noTargetLabels?: boolean;
}

/**
 * OpenMetrics text of the scenario for a range at a resolution, streamed
 * into sink (a file stream, or anything with write). This is the function
 * the tests call for their fixtures. Returns the number of samples.
 */
export async function generateOpenMetrics(sink: TextSink, o: OpenMetricsOptions): Promise<number> {
  const sources = sourcesFor(o.scenario, o.parts).map((s) => (o.noTargetLabels ? { source: s.source } : s));
  return writeOpenMetrics(sink, sources, o.from, o.to, o.step);
}

/** The same, into a string (small ranges only). */
export async function openMetricsText(o: OpenMetricsOptions): Promise<string> {
  const chunks: string[] = [];
  await generateOpenMetrics({ write: (c) => void chunks.push(c) }, o);
  return chunks.join('');
}

/** A file sink that honours back-pressure. */
export function fileSink(path: string): TextSink & { close(): Promise<void> } {
  const ws = createWriteStream(path);
  return {
    async write(chunk: string) {
      if (!ws.write(chunk)) {
        await once(ws, 'drain');
      }
    },
    async close() {
      ws.end();
      await once(ws, 'finish');
    },
  };
}

export interface BackfillOptions {
  scenario: Scenario;
  /** History before the anchor (ms); default: the timeline's. */
  history?: number;
  /** History of the GPU fleet (ms), shorter because it is the bulk. */
  gpuHistory?: number;
  /** Resolution (ms). */
  step?: number;
  /** Resolution of the GPU fleet (ms); default max(step, 5m). */
  gpuStep?: number;
  /** Prometheus data directory to write blocks into. */
  promData?: string;
  /** Where the OpenMetrics files go (deleted after import unless keep). */
  workDir: string;
  keep?: boolean;
  promtool?: string;
  clickhouse?: { url: string; user?: string; password?: string; database?: string };
  spans?: SpanBackfillOptions;
  log?: (msg: string) => void;
}

export interface BackfillReport {
  from: number;
  to: number;
  files: Array<{ name: string; bytes: number; samples: number; seconds: number }>;
  promtoolSeconds: number;
  spans: number;
  spansSkipped?: string;
  spanSeconds: number;
}

/** Writes OpenMetrics files, loads them with promtool, and inserts spans. */
export async function backfill(o: BackfillOptions): Promise<BackfillReport> {
  const log = o.log ?? ((m: string) => process.stderr.write(m + '\n'));
  const sc = o.scenario;
  const step = o.step ?? 300e3;
  const to = Math.floor(sc.anchor / step) * step;
  const from = to - (o.history ?? sc.history);
  const gpuStep = o.gpuStep ?? Math.max(step, 300e3);
  const gpuTo = Math.floor(sc.anchor / gpuStep) * gpuStep;
  const gpuFrom = gpuTo - Math.min(o.gpuHistory ?? 6 * 3600e3, to - from);
  mkdirSync(o.workDir, { recursive: true });
  const report: BackfillReport = { from, to, files: [], promtoolSeconds: 0, spans: 0, spanSeconds: 0 };
  const groups: Array<{ name: string; parts: Part[]; from: number; to: number; step: number }> = [
    { name: 'ml.om', parts: ['ml', 'llm'], from, to, step },
    { name: 'kube.om', parts: ['kube'], from, to, step },
    { name: 'gpu.om', parts: ['dcgm'], from: gpuFrom, to: gpuTo, step: gpuStep },
  ];
  log(
    `backfill: ${new Date(from).toISOString()} .. ${new Date(to).toISOString()} every ${formatDuration(step)} (GPU fleet from ${new Date(gpuFrom).toISOString()} every ${formatDuration(gpuStep)})`
  );
  const files: string[] = [];
  for (const g of groups) {
    const started = Date.now();
    const mine: string[] = [];
    // One file per day: promtool re-reads its input once per block it writes.
    const samples = await writeOpenMetricsChunks(
      (c) => {
        const path = join(o.workDir, `${g.name.replace(/\.om$/, '')}-${String(c).padStart(2, '0')}.om`);
        mine.push(path);
        return fileSink(path);
      },
      sourcesFor(sc, g.parts),
      g.from,
      g.to,
      g.step,
      86400e3
    );
    const bytes = mine.reduce((a, p) => a + statSync(p).size, 0);
    const f = { name: g.name, bytes, samples, seconds: (Date.now() - started) / 1000 };
    files.push(...mine);
    report.files.push(f);
    log(
      `backfill: wrote ${g.name.replace(/\.om$/, '')}: ${samples} samples, ${(bytes / 1e6).toFixed(1)} MB in ${mine.length} file(s), ${f.seconds.toFixed(1)}s`
    );
  }
  if (o.promData) {
    mkdirSync(o.promData, { recursive: true });
    const started = Date.now();
    // Two imports at a time (the machine this is tested on has two cores).
    const queue = [...files];
    const worker = async () => {
      for (let f = queue.shift(); f; f = queue.shift()) {
        await runPromtool(o.promtool ?? 'promtool', f, o.promData!);
        if (!o.keep) {
          rmSync(f, { force: true });
        }
      }
    };
    await Promise.all([worker(), worker()]);
    report.promtoolSeconds = (Date.now() - started) / 1000;
    log(`backfill: promtool created blocks in ${o.promData} in ${report.promtoolSeconds.toFixed(1)}s`);
  }
  if (o.clickhouse) {
    const started = Date.now();
    const ch = new ClickHouse(o.clickhouse);
    const version = await ch.version();
    const db = o.clickhouse.database ?? 'otel';
    if (!ClickHouse.supportsMap(version)) {
      report.spansSkipped = `ClickHouse ${version} has no Map type, which the OpenTelemetry exporter's otel_traces schema needs (21.8 or newer): spans were not written`;
      log(`backfill: ${report.spansSkipped}`);
    } else {
      await ch.createTraceTables(db);
      for (const rows of spanRows(sc, from, to, o.spans)) {
        await ch.insertRows(rows, db);
        report.spans += rows.length;
      }
      report.spanSeconds = (Date.now() - started) / 1000;
      log(
        `backfill: inserted ${report.spans} spans into ${db}.otel_traces (ClickHouse ${version}) in ${report.spanSeconds.toFixed(1)}s`
      );
    }
  }
  return report;
}

/**
 * promtool's importer re-reads its input once per block; 24h blocks (the
 * hidden --max-block-duration flag) instead of the default 2h make a week
 * about ten times faster to load.
 */
export function runPromtool(promtool: string, input: string, dataDir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(
      promtool,
      ['tsdb', 'create-blocks-from', 'openmetrics', '--max-block-duration=24h', '--quiet', input, dataDir],
      { stdio: ['ignore', 'pipe', 'pipe'] }
    );
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('error', (e) => reject(new Error(`cannot run ${promtool}: ${e.message}`)));
    p.on('close', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`promtool failed on ${input} (exit ${code}): ${out.trim().slice(-2000)}`))
    );
  });
}

/** The state a stack shares: the anchor and seed the backfill used. */
export interface StackState {
  anchor: number;
  seed: number;
  timeline: string;
  backfilledAt?: string;
}

export function readState(path: string): StackState | undefined {
  if (!existsSync(path)) {
    return undefined;
  }
  return JSON.parse(readFileSync(path, 'utf8'));
}

export function writeState(path: string, s: StackState): void {
  writeFileSync(path, JSON.stringify(s, null, 2) + '\n');
}
