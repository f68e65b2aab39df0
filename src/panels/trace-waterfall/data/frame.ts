import type { DataFrame, Field } from '@grafana/data';

import type { LazyCells, RawTrace, Span, SpanStatus } from './types';
import { timeUnitOf, toDurationMs, toEpochMs, toNumber, toText, type TimeUnit } from './values';

/** What the panel needs, in the words of its empty state. */
export const TRACE_NEEDS =
  'Use the mlwatch traces query with a trace id, or a Tempo or Jaeger trace. The frame needs traceID, spanID, parentSpanID, startTime and duration.';

/** Frames read into traces, or why there are none. */
export type TraceFrames =
  | { kind: 'empty' }
  | { kind: 'unsupported'; missing: string[] }
  | { kind: 'ok'; traces: RawTrace[]; skippedRows: number; zeroDurations: number };

interface Candidate {
  name: string;
  /** Unit the values are in when the field config says nothing. */
  unit?: TimeUnit;
}

/**
 * Field names per column, Grafana's names first. Exact names win over
 * case-insensitive ones, so `Duration` (ClickHouse's raw nanoseconds)
 * and `duration` (Grafana's milliseconds) are told apart.
 */
const COLUMNS = {
  traceId: [{ name: 'traceID' }, { name: 'traceId' }, { name: 'trace_id' }, { name: 'TraceId' }],
  spanId: [{ name: 'spanID' }, { name: 'spanId' }, { name: 'span_id' }, { name: 'SpanId' }],
  parentSpanId: [
    { name: 'parentSpanID' },
    { name: 'parentSpanId' },
    { name: 'parent_span_id' },
    { name: 'ParentSpanId' },
    { name: 'parentID' },
  ],
  name: [
    { name: 'operationName' },
    { name: 'spanName' },
    { name: 'SpanName' },
    { name: 'name' },
    { name: 'operation' },
  ],
  service: [{ name: 'serviceName' }, { name: 'ServiceName' }, { name: 'service' }, { name: 'service.name' }],
  start: [
    { name: 'startTime' },
    { name: 'startTimeUnixNano', unit: 'ns' },
    { name: 'start_time_unix_nano', unit: 'ns' },
    { name: 'startTimeMs', unit: 'ms' },
    { name: 'Timestamp' },
    { name: 'timestamp' },
  ],
  duration: [
    { name: 'duration', unit: 'ms' },
    { name: 'durationMs', unit: 'ms' },
    { name: 'durationNano', unit: 'ns' },
    { name: 'durationNanos', unit: 'ns' },
    { name: 'duration_nano', unit: 'ns' },
    { name: 'Duration', unit: 'ns' },
  ],
  kind: [{ name: 'kind' }, { name: 'spanKind' }, { name: 'SpanKind' }],
  statusCode: [{ name: 'statusCode' }, { name: 'StatusCode' }, { name: 'status_code' }, { name: 'status' }],
  statusMessage: [{ name: 'statusMessage' }, { name: 'StatusMessage' }, { name: 'status_message' }],
  library: [{ name: 'instrumentationLibraryName' }, { name: 'ScopeName' }, { name: 'scopeName' }],
  libraryVersion: [{ name: 'instrumentationLibraryVersion' }, { name: 'ScopeVersion' }, { name: 'scopeVersion' }],
  traceState: [{ name: 'traceState' }, { name: 'TraceState' }],
  errorIconColor: [{ name: 'errorIconColor' }],
  tags: [{ name: 'tags' }, { name: 'attributes' }, { name: 'SpanAttributes' }, { name: 'spanAttributes' }],
  serviceTags: [
    { name: 'serviceTags' },
    { name: 'ResourceAttributes' },
    { name: 'resourceAttributes' },
    { name: 'resource' },
  ],
  logs: [{ name: 'logs' }, { name: 'events' }, { name: 'Events' }],
  references: [{ name: 'references' }, { name: 'links' }, { name: 'Links' }],
  warnings: [{ name: 'warnings' }],
  stackTraces: [{ name: 'stackTraces' }],
} satisfies Record<string, Candidate[]>;

type Column = keyof typeof COLUMNS;

interface Found {
  field: Field;
  unit?: TimeUnit;
}

function findColumn(frame: DataFrame, column: Column): Found | undefined {
  const candidates: Candidate[] = COLUMNS[column];
  for (const c of candidates) {
    const field = frame.fields.find((f) => f.name === c.name);
    if (field) {
      return { field, unit: c.unit };
    }
  }
  for (const c of candidates) {
    const lower = c.name.toLowerCase();
    const field = frame.fields.find((f) => f.name.toLowerCase() === lower);
    if (field) {
      return { field, unit: c.unit };
    }
  }
  return undefined;
}

/** The OTLP span kind enum, for sources that send numbers. */
const KIND_NUMBERS = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];

/** `SPAN_KIND_SERVER`, `Server`, `server` and 2 all become `server`. */
export function normaliseKind(value: unknown): string | undefined {
  if (typeof value === 'number') {
    const k = KIND_NUMBERS[value];
    return k && k !== 'unspecified' ? k : undefined;
  }
  const text = toText(value);
  if (!text) {
    return undefined;
  }
  const k = text.toLowerCase().replace(/^span_kind_/, '');
  return k === 'unspecified' ? undefined : k;
}

/** Status codes as numbers (0 unset, 1 ok, 2 error) or as OTel/ClickHouse strings. */
export function normaliseStatus(value: unknown): SpanStatus {
  const n = toNumber(value);
  if (n !== undefined) {
    return n === 2 ? 'error' : n === 1 ? 'ok' : 'unset';
  }
  const text = toText(value)
    ?.toLowerCase()
    .replace(/^status_code_/, '');
  if (text === 'error') {
    return 'error';
  }
  if (text === 'ok') {
    return 'ok';
  }
  return 'unset';
}

/** True for frames with span ids and start times (the columns the waterfall cannot do without). */
export function isTraceFrame(frame: DataFrame): boolean {
  return findColumn(frame, 'spanId') !== undefined && findColumn(frame, 'start') !== undefined;
}

function missingColumns(frame: DataFrame): string[] {
  const missing: string[] = [];
  const wanted: Array<[Column, string]> = [
    ['traceId', 'traceID'],
    ['spanId', 'spanID'],
    ['start', 'startTime'],
    ['duration', 'duration'],
  ];
  for (const [column, label] of wanted) {
    if (!findColumn(frame, column)) {
      missing.push(label);
    }
  }
  return missing;
}

interface JaegerSpan {
  traceID?: unknown;
  spanID?: unknown;
  operationName?: unknown;
  references?: Array<{ refType?: unknown; spanID?: unknown; traceID?: unknown }>;
  startTime?: unknown;
  duration?: unknown;
  tags?: unknown;
  logs?: Array<{ timestamp?: unknown; fields?: unknown }>;
  processID?: unknown;
  warnings?: unknown;
}

interface JaegerTrace {
  traceID?: unknown;
  spans?: JaegerSpan[];
  processes?: Record<string, { serviceName?: unknown; tags?: unknown }>;
}

function asJaegerTrace(value: unknown): JaegerTrace | undefined {
  let v = value;
  if (typeof v === 'string' && v.trimStart().startsWith('{')) {
    try {
      v = JSON.parse(v);
    } catch {
      return undefined;
    }
  }
  if (typeof v === 'object' && v !== null && Array.isArray((v as JaegerTrace).spans)) {
    return v as JaegerTrace;
  }
  return undefined;
}

/**
 * Grafana's older trace frames carried a whole Jaeger response in one cell
 * (times in microseconds, parents as CHILD_OF references). Grafana's trace
 * view still reads them, so this panel does too.
 */
function readJaegerTrace(trace: JaegerTrace, frameIndex: number, out: Map<string, Span[]>): number {
  let skipped = 0;
  const spans = trace.spans ?? [];
  for (let row = 0; row < spans.length; row++) {
    const s = spans[row];
    const spanId = toText(s.spanID);
    const start = toEpochMs(s.startTime, 'us');
    if (!spanId || start === undefined) {
      skipped++;
      continue;
    }
    const refs = Array.isArray(s.references) ? s.references : [];
    const parentRef = refs.find((r) => r.refType === 'CHILD_OF') ?? refs[0];
    const process = trace.processes?.[toText(s.processID) ?? ''];
    const logs = Array.isArray(s.logs)
      ? s.logs.map((l) => ({ timestamp: toEpochMs(l.timestamp, 'us'), fields: l.fields }))
      : undefined;
    const otherRefs = refs.filter((r) => r !== parentRef);
    const traceId = toText(s.traceID) ?? toText(trace.traceID) ?? '';
    const cells: LazyCells = {
      tags: [s.tags],
      serviceTags: [process?.tags],
      logs: [logs],
      references: [otherRefs],
      warnings: [s.warnings],
    };
    pushSpan(out, {
      index: 0,
      frameIndex,
      row: 0,
      traceId,
      spanId,
      parentSpanId: toText(parentRef?.spanID),
      name: toText(s.operationName) ?? spanId,
      service: toText(process?.serviceName) ?? 'unknown',
      start,
      duration: toDurationMs(s.duration, 'us') ?? 0,
      status: 'unset',
      cells,
    });
  }
  return skipped;
}

function pushSpan(out: Map<string, Span[]>, span: Span) {
  let list = out.get(span.traceId);
  if (!list) {
    list = [];
    out.set(span.traceId, list);
  }
  span.index = list.length;
  list.push(span);
}

function values(found: Found | undefined): readonly unknown[] | undefined {
  return found?.field.values as readonly unknown[] | undefined;
}

/**
 * Reads every trace frame into traces grouped by trace id, in order of first
 * appearance. Rows without a span id or a start time are skipped and counted;
 * rows without a duration get zero.
 */
export function readTraceFrames(frames: DataFrame[]): TraceFrames {
  const nonEmpty = frames.filter((f) => f.length > 0 || f.fields.some((field) => field.values.length > 0));
  if (nonEmpty.length === 0) {
    return { kind: 'empty' };
  }
  const byTrace = new Map<string, Span[]>();
  let skippedRows = 0;
  let zeroDurations = 0;
  let sawTraceFrame = false;
  let bestMissing: string[] | undefined;

  for (let frameIndex = 0; frameIndex < frames.length; frameIndex++) {
    const frame = frames[frameIndex];
    if (frame.fields.length === 1) {
      const jaeger = asJaegerTrace(frame.fields[0].values[0]);
      if (jaeger) {
        sawTraceFrame = true;
        skippedRows += readJaegerTrace(jaeger, frameIndex, byTrace);
        continue;
      }
    }
    if (!isTraceFrame(frame)) {
      const missing = missingColumns(frame);
      if (frame.length > 0 && (!bestMissing || missing.length < bestMissing.length)) {
        bestMissing = missing;
      }
      continue;
    }
    sawTraceFrame = true;
    const start = findColumn(frame, 'start')!;
    const startUnit = timeUnitOf(start.field.config?.unit) ?? start.unit;
    const duration = findColumn(frame, 'duration');
    const durationUnit = timeUnitOf(duration?.field.config?.unit) ?? duration?.unit ?? 'ms';
    const col = {
      traceId: values(findColumn(frame, 'traceId')),
      spanId: values(findColumn(frame, 'spanId'))!,
      parentSpanId: values(findColumn(frame, 'parentSpanId')),
      name: values(findColumn(frame, 'name')),
      service: values(findColumn(frame, 'service')),
      start: values(start)!,
      duration: values(duration),
      kind: values(findColumn(frame, 'kind')),
      statusCode: values(findColumn(frame, 'statusCode')),
      statusMessage: values(findColumn(frame, 'statusMessage')),
      library: values(findColumn(frame, 'library')),
      libraryVersion: values(findColumn(frame, 'libraryVersion')),
      traceState: values(findColumn(frame, 'traceState')),
      errorIconColor: values(findColumn(frame, 'errorIconColor')),
    };
    // One shared object per frame: spans point at it and read their row lazily.
    const cells: LazyCells = {
      tags: values(findColumn(frame, 'tags')),
      serviceTags: values(findColumn(frame, 'serviceTags')),
      logs: values(findColumn(frame, 'logs')),
      references: values(findColumn(frame, 'references')),
      warnings: values(findColumn(frame, 'warnings')),
      stackTraces: values(findColumn(frame, 'stackTraces')),
    };
    // Kinds and status codes repeat a handful of values; normalise each once.
    const kinds = new Map<unknown, string | undefined>();
    const statuses = new Map<unknown, SpanStatus>();
    const kindOf = (v: unknown) => {
      let k = kinds.get(v);
      if (k === undefined && !kinds.has(v)) {
        k = normaliseKind(v);
        kinds.set(v, k);
      }
      return k;
    };
    const statusOf = (v: unknown) => {
      let st = statuses.get(v);
      if (st === undefined) {
        st = normaliseStatus(v);
        statuses.set(v, st);
      }
      return st;
    };
    const rows = col.spanId.length;
    for (let row = 0; row < rows; row++) {
      const spanId = toText(col.spanId[row]);
      const startMs = toEpochMs(col.start[row], startUnit);
      if (!spanId || startMs === undefined) {
        skippedRows++;
        continue;
      }
      let durationMs = col.duration ? toDurationMs(col.duration[row], durationUnit) : undefined;
      if (durationMs === undefined) {
        durationMs = 0;
        zeroDurations++;
      }
      pushSpan(byTrace, {
        index: 0,
        frameIndex,
        row,
        traceId: toText(col.traceId?.[row]) ?? '',
        spanId,
        parentSpanId: toText(col.parentSpanId?.[row]),
        name: toText(col.name?.[row]) ?? spanId,
        service: toText(col.service?.[row]) ?? 'unknown',
        start: startMs,
        duration: durationMs,
        kind: kindOf(col.kind?.[row]),
        status: statusOf(col.statusCode?.[row]),
        statusMessage: toText(col.statusMessage?.[row]),
        library: toText(col.library?.[row]),
        libraryVersion: toText(col.libraryVersion?.[row]),
        traceState: toText(col.traceState?.[row]),
        errorIconColor: toText(col.errorIconColor?.[row]),
        cells,
      });
    }
  }

  if (!sawTraceFrame) {
    return { kind: 'unsupported', missing: bestMissing ?? ['traceID', 'spanID', 'startTime', 'duration'] };
  }
  const traces = Array.from(byTrace.entries(), ([traceId, spans]) => ({ traceId, spans }));
  return { kind: 'ok', traces, skippedRows, zeroDurations };
}
