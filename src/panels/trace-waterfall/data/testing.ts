import { createDataFrame, FieldType, type DataFrame } from '@grafana/data';

import { readTraceFrames } from './frame';
import { buildTraceTree } from './tree';
import type { RawTrace, TraceTree } from './types';

/** A span row for test frames; times in ms relative to T0. */
export interface TestSpan {
  traceID?: unknown;
  spanID: unknown;
  parentSpanID?: unknown;
  operationName?: unknown;
  serviceName?: unknown;
  startTime: unknown;
  duration?: unknown;
  tags?: unknown;
  serviceTags?: unknown;
  logs?: unknown;
  references?: unknown;
  statusCode?: unknown;
  kind?: unknown;
}

export const T0 = 1_764_230_400_000;

/** A Grafana trace frame from rows (absolute startTime when it is not a small number). */
export function traceFrame(rows: TestSpan[], opts: { relative?: boolean } = {}): DataFrame {
  const relative = opts.relative ?? true;
  const col = <K extends keyof TestSpan>(k: K) => rows.map((r) => r[k]);
  return createDataFrame({
    name: 'Trace',
    meta: { preferredVisualisationType: 'trace' },
    fields: [
      { name: 'traceID', type: FieldType.string, values: rows.map((r) => r.traceID ?? 'trace-1') },
      { name: 'spanID', type: FieldType.string, values: col('spanID') },
      { name: 'parentSpanID', type: FieldType.string, values: col('parentSpanID') },
      {
        name: 'operationName',
        type: FieldType.string,
        values: rows.map((r) => r.operationName ?? `op-${String(r.spanID)}`),
      },
      { name: 'serviceName', type: FieldType.string, values: rows.map((r) => r.serviceName ?? 'svc') },
      {
        name: 'startTime',
        type: FieldType.number,
        values: rows.map((r) => (relative && typeof r.startTime === 'number' ? T0 + r.startTime : r.startTime)),
      },
      { name: 'duration', type: FieldType.number, values: col('duration') },
      { name: 'tags', type: FieldType.other, values: col('tags') },
      { name: 'serviceTags', type: FieldType.other, values: col('serviceTags') },
      { name: 'logs', type: FieldType.other, values: col('logs') },
      { name: 'references', type: FieldType.other, values: col('references') },
      { name: 'statusCode', type: FieldType.number, values: col('statusCode') },
      { name: 'kind', type: FieldType.string, values: col('kind') },
    ],
  });
}

/** The first trace of the rows, read from a frame. */
export function rawTrace(rows: TestSpan[]): RawTrace {
  const read = readTraceFrames([traceFrame(rows)]);
  if (read.kind !== 'ok') {
    throw new Error(`not a trace: ${read.kind}`);
  }
  return read.traces[0];
}

export function treeOf(rows: TestSpan[]): TraceTree {
  return buildTraceTree(rawTrace(rows));
}

/** Span ids in display order, indented by depth ("a", " b", "  c"). */
export function outline(tree: TraceTree): string[] {
  return Array.from(tree.order, (i) => `${' '.repeat(tree.depth[i])}${tree.spans[i].spanId}`);
}

/** A synthetic trace of n spans: a root with fan-out `width` per level. */
export function syntheticRows(n: number, width = 8): TestSpan[] {
  const rows: TestSpan[] = [{ spanID: 's0', startTime: 0, duration: n }];
  for (let i = 1; i < n; i++) {
    const parent = Math.floor((i - 1) / width);
    rows.push({
      spanID: `s${i}`,
      parentSpanID: `s${parent}`,
      startTime: i * 0.5,
      duration: Math.max(0.1, (n - i) / 4),
    });
  }
  return rows;
}
