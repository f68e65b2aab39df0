import type { Span, SpanCache } from './types';
import { toEvents, toKeyValues, toLinks, toStringList, type KeyValue, type SpanEvent, type SpanLink } from './values';

/*
 * Lazy readers for a span's list cells. Each parses its cell once and keeps
 * the result on the span, so a 50,000-span trace pays for JSON only where it
 * is looked at.
 */

function cacheOf(span: Span): SpanCache {
  if (!span.cache) {
    span.cache = {};
  }
  return span.cache;
}

/** Span attributes (Grafana's `tags`). */
export function spanTags(span: Span): KeyValue[] {
  const cache = cacheOf(span);
  if (cache.tags === undefined) {
    cache.tags = toKeyValues(span.cells.tags?.[span.row]);
  }
  return cache.tags;
}

/** Resource attributes (Grafana's `serviceTags`). */
export function spanResource(span: Span): KeyValue[] {
  const cache = cacheOf(span);
  if (cache.serviceTags === undefined) {
    cache.serviceTags = toKeyValues(span.cells.serviceTags?.[span.row]);
  }
  return cache.serviceTags;
}

/** Span events (Grafana's `logs`), by time. */
export function spanEvents(span: Span): SpanEvent[] {
  const cache = cacheOf(span);
  if (cache.events === undefined) {
    cache.events = toEvents(span.cells.logs?.[span.row]).sort((a, b) => a.timestamp - b.timestamp);
  }
  return cache.events;
}

/** Span links (Grafana's `references`). */
export function spanLinks(span: Span): SpanLink[] {
  const cache = cacheOf(span);
  if (cache.links === undefined) {
    cache.links = toLinks(span.cells.references?.[span.row]);
  }
  return cache.links;
}

export function spanWarnings(span: Span): string[] {
  return toStringList(span.cells.warnings?.[span.row]);
}

export function spanStackTraces(span: Span): string[] {
  return toStringList(span.cells.stackTraces?.[span.row]);
}

/** Kinds of attribute keys the analyses look for. */
export const KeyFlag = {
  /** gen_ai.*, llm.*, traceloop.* */
  GenAi: 1,
  /** error, otel.status_code */
  Error: 2,
  /** ml.stage, mlwatch.stage, stage */
  Stage: 4,
} as const;

const G = 103; // 'g'
const L = 108; // 'l'
const T = 116; // 't'

/**
 * Which kinds of keys a span's attributes may hold, from one pass over them,
 * kept on the span. JSON text is checked as text (a "may": the reader still
 * confirms), so spans without such keys are never parsed.
 */
export function keyFlags(span: Span): number {
  if (span.cache?.flags !== undefined) {
    return span.cache.flags;
  }
  let flags = 0;
  const raw = span.cells.tags?.[span.row];
  if (typeof raw === 'string' && span.cache?.tags === undefined) {
    if (raw.includes('gen_ai.') || raw.includes('llm.') || raw.includes('traceloop.')) {
      flags |= KeyFlag.GenAi;
    }
    if (raw.includes('error') || raw.includes('otel.status_code')) {
      flags |= KeyFlag.Error;
    }
    if (raw.includes('stage')) {
      flags |= KeyFlag.Stage;
    }
  } else if (raw !== null && raw !== undefined) {
    const tags = spanTags(span);
    for (let i = 0; i < tags.length; i++) {
      const key = tags[i].key;
      const c = key.charCodeAt(0);
      if (
        (c === G && key.startsWith('gen_ai.')) ||
        (c === L && key.startsWith('llm.')) ||
        (c === T && key.startsWith('traceloop.'))
      ) {
        flags |= KeyFlag.GenAi;
      } else if (key === 'error' || key === 'otel.status_code') {
        flags |= KeyFlag.Error;
      } else if (key === 'ml.stage' || key === 'mlwatch.stage' || key === 'stage') {
        flags |= KeyFlag.Stage;
      }
    }
  }
  cacheOf(span).flags = flags;
  return flags;
}

/** The value of the first attribute with one of the keys, in the order given. */
export function tagValue(tags: readonly KeyValue[], keys: readonly string[]): unknown {
  for (const key of keys) {
    for (let i = 0; i < tags.length; i++) {
      if (tags[i].key === key) {
        return tags[i].value;
      }
    }
  }
  return undefined;
}

function truthy(value: unknown): boolean {
  return value === true || value === 'true' || value === 'True' || value === 1;
}

/**
 * A span is an error when its status says so, or, for Jaeger and older Tempo
 * frames that carry status as attributes, when `error` is true or
 * `otel.status_code` is ERROR.
 */
export function spanIsError(span: Span): boolean {
  if (span.status === 'error') {
    return true;
  }
  if (!(keyFlags(span) & KeyFlag.Error)) {
    return false;
  }
  const tags = spanTags(span);
  for (let i = 0; i < tags.length; i++) {
    const { key, value } = tags[i];
    if (key === 'error' && truthy(value)) {
      return true;
    }
    if (key === 'otel.status_code' && String(value).toUpperCase() === 'ERROR') {
      return true;
    }
  }
  return false;
}
