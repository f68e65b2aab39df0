/**
 * Normalisers for the cell values of trace frames. Datasources disagree on
 * types: Tempo sends key-value lists as parsed JSON, ClickHouse sends maps or
 * arrays of maps, others send JSON strings; ids arrive as strings or numbers;
 * times as numbers, numeric strings or ISO dates. Everything here accepts
 * all of those and never throws.
 */

/** An attribute as Grafana's trace frame carries it. */
export interface KeyValue {
  key: string;
  value: unknown;
}

/** A span event (Grafana calls them logs). */
export interface SpanEvent {
  /** Milliseconds since the epoch. */
  timestamp: number;
  name?: string;
  fields: KeyValue[];
}

/** A span link (Grafana calls them references). */
export interface SpanLink {
  traceId: string;
  spanId: string;
  tags: KeyValue[];
}

/** A string for ids and names; numbers and bigints are printed, empty strings are absent. */
export function toText(value: unknown): string | undefined {
  if (value === null || value === undefined) {
    return undefined;
  }
  if (typeof value === 'string') {
    return value === '' ? undefined : value;
  }
  if (typeof value === 'number') {
    return Number.isFinite(value) ? String(value) : undefined;
  }
  if (typeof value === 'bigint' || typeof value === 'boolean') {
    return String(value);
  }
  return undefined;
}

/** A finite number from numbers, numeric strings, bigints or dates. */
export function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') {
    return Number.isFinite(value) ? value : undefined;
  }
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if (trimmed === '') {
      return undefined;
    }
    const n = Number(trimmed);
    return Number.isFinite(n) ? n : undefined;
  }
  if (typeof value === 'bigint') {
    return Number(value);
  }
  if (value instanceof Date) {
    const t = value.getTime();
    return Number.isFinite(t) ? t : undefined;
  }
  return undefined;
}

/** Time units a start or duration field may be in. */
export type TimeUnit = 'ns' | 'us' | 'ms' | 's';

/** Milliseconds per unit. */
const MS_PER: Record<TimeUnit, number> = { ns: 1e-6, us: 1e-3, ms: 1, s: 1000 };

/** Reads a Grafana field unit (`ns`, `µs`, `ms`, `s`) when it names a time unit. */
export function timeUnitOf(unit: string | undefined): TimeUnit | undefined {
  switch (unit) {
    case 'ns':
      return 'ns';
    case 'µs':
    case 'us':
      return 'us';
    case 'ms':
      return 'ms';
    case 's':
      return 's';
    default:
      return undefined;
  }
}

/**
 * An epoch time in milliseconds. Grafana's contract says milliseconds, but
 * raw columns in microseconds or nanoseconds show up in practice; epoch
 * milliseconds stay below 1e14 until the year 5138, so larger values are
 * read as micro- or nanoseconds. ISO strings are parsed.
 */
export function toEpochMs(value: unknown, unit?: TimeUnit): number | undefined {
  let n = toNumber(value);
  if (n === undefined && typeof value === 'string') {
    const parsed = Date.parse(value);
    n = Number.isFinite(parsed) ? parsed : undefined;
    if (n !== undefined) {
      return n;
    }
  }
  if (n === undefined) {
    return undefined;
  }
  if (unit) {
    return n * MS_PER[unit];
  }
  if (Math.abs(n) >= 1e17) {
    return n / 1e6;
  }
  if (Math.abs(n) >= 1e14) {
    return n / 1e3;
  }
  return n;
}

/** A duration in milliseconds; negative or missing durations are absent. */
export function toDurationMs(value: unknown, unit: TimeUnit = 'ms'): number | undefined {
  const n = toNumber(value);
  if (n === undefined || n < 0) {
    return undefined;
  }
  return n * MS_PER[unit];
}

/** Parses JSON text that looks like an object or array; anything else comes back unchanged. */
function maybeJson(value: unknown): unknown {
  if (typeof value !== 'string') {
    return value;
  }
  const trimmed = value.trimStart();
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    try {
      return JSON.parse(trimmed);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Unwraps OTLP's AnyValue shape ({stringValue: "x"}, {intValue: "3"}, ...)
 * that some pipelines pass through untouched.
 */
function unwrapAnyValue(value: unknown): unknown {
  if (!isRecord(value)) {
    return value;
  }
  const keys = Object.keys(value);
  if (keys.length !== 1) {
    return value;
  }
  const k = keys[0];
  const v = value[k];
  switch (k) {
    case 'stringValue':
    case 'boolValue':
    case 'doubleValue':
      return v;
    case 'intValue':
      return toNumber(v) ?? v;
    case 'arrayValue':
      return isRecord(v) && Array.isArray(v.values) ? v.values.map(unwrapAnyValue) : v;
    default:
      return value;
  }
}

/**
 * A list of attributes from an array of {key, value}, an array of [key, value]
 * pairs, an object map, a Map, or JSON text of any of these.
 */
export function toKeyValues(value: unknown): KeyValue[] {
  const v = maybeJson(value);
  if (v === null || v === undefined) {
    return [];
  }
  if (Array.isArray(v)) {
    // Fast path: Tempo and the mlwatch query already send [{key, value}].
    let clean = true;
    for (let i = 0; i < v.length; i++) {
      const item = v[i];
      if (!isRecord(item) || typeof item.key !== 'string' || isRecord(item.value)) {
        clean = false;
        break;
      }
    }
    if (clean) {
      return v as KeyValue[];
    }
    const out: KeyValue[] = [];
    for (const item of v) {
      if (Array.isArray(item) && item.length === 2 && toText(item[0]) !== undefined) {
        out.push({ key: toText(item[0])!, value: unwrapAnyValue(item[1]) });
      } else if (isRecord(item) && toText(item.key) !== undefined) {
        out.push({ key: toText(item.key)!, value: unwrapAnyValue(item.value) });
      } else if (isRecord(item)) {
        // ClickHouse's Array(Map(String, String)) without key/value names.
        for (const [k, val] of Object.entries(item)) {
          out.push({ key: k, value: unwrapAnyValue(val) });
        }
      }
    }
    return out;
  }
  if (v instanceof Map) {
    return Array.from(v.entries(), ([k, val]) => ({ key: String(k), value: val }));
  }
  if (isRecord(v)) {
    return Object.entries(v).map(([k, val]) => ({ key: k, value: unwrapAnyValue(val) }));
  }
  return [];
}

/** Span events from Grafana's `logs` (timestamp ms, fields) or OTel-style {time, name, attributes}. */
export function toEvents(value: unknown): SpanEvent[] {
  const v = maybeJson(value);
  if (!Array.isArray(v)) {
    return [];
  }
  const out: SpanEvent[] = [];
  for (const item of v) {
    if (!isRecord(item)) {
      continue;
    }
    const timestamp = toEpochMs(item.timestamp ?? item.time ?? item.Timestamp ?? item.timeUnixNano);
    if (timestamp === undefined) {
      continue;
    }
    const fields = toKeyValues(item.fields ?? item.attributes ?? item.Attributes);
    const name = toText(item.name ?? item.Name);
    out.push({ timestamp, name, fields });
  }
  return out;
}

/** Span links from Grafana's `references` ({traceID, spanID, tags}) or OTel-style {traceId, spanId, attributes}. */
export function toLinks(value: unknown): SpanLink[] {
  const v = maybeJson(value);
  if (!Array.isArray(v)) {
    return [];
  }
  const out: SpanLink[] = [];
  for (const item of v) {
    if (!isRecord(item)) {
      continue;
    }
    const spanId = toText(item.spanID ?? item.spanId ?? item.SpanId);
    if (!spanId) {
      continue;
    }
    out.push({
      traceId: toText(item.traceID ?? item.traceId ?? item.TraceId) ?? '',
      spanId,
      tags: toKeyValues(item.tags ?? item.attributes ?? item.Attributes),
    });
  }
  return out;
}

/** A list of strings (warnings, stack traces) from an array, JSON text or a single string. */
export function toStringList(value: unknown): string[] {
  if (value === null || value === undefined || value === '') {
    return [];
  }
  const v = typeof value === 'string' && value.trimStart().startsWith('[') ? maybeJson(value) : value;
  if (Array.isArray(v)) {
    return v.map((x) => toText(x) ?? (x === null || x === undefined ? '' : JSON.stringify(x))).filter((s) => s !== '');
  }
  const single = toText(v);
  return single ? [single] : [];
}

/** Prints an attribute value for display: strings as they are, everything else as JSON. */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') {
    return value;
  }
  if (value === undefined) {
    return '';
  }
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
