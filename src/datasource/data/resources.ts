/**
 * The resource routes of pkg/plugin/handler_callresource*.go, and how their
 * answers are read. Every list route answers {"values":[...],
 * "truncated":bool} or {"error":"..."}; column lists may hold {"name",
 * "type"} objects instead of strings.
 */
export const ROUTES = {
  metrics: 'prometheus/metrics',
  labels: 'prometheus/labels',
  labelValues: 'prometheus/label-values',
  features: 'features',
  gpuLabelValues: 'gpu/label-values',
  databases: 'clickhouse/databases',
  tables: 'clickhouse/tables',
  columns: 'clickhouse/columns',
  traceServices: 'traces/services',
} as const;

export type Route = (typeof ROUTES)[keyof typeof ROUTES];

export interface ListItem {
  value: string;
  /** Column type, when the route gives one. */
  type?: string;
}

export interface ResourceList {
  items: ListItem[];
  truncated: boolean;
}

export type ListParams = Record<string, string | number | undefined>;

/** Reads a list answer; tolerant of strings, {name,type}, {value,label} and a bare array. */
export function parseList(body: unknown): ResourceList {
  const raw = Array.isArray(body) ? body : isObject(body) && Array.isArray(body.values) ? body.values : undefined;
  if (!raw) {
    const message = isObject(body) && typeof body.error === 'string' ? body.error : 'the answer holds no list';
    throw new ResourceError('error', message);
  }
  const items: ListItem[] = [];
  const seen = new Set<string>();
  for (const v of raw) {
    let item: ListItem | undefined;
    if (typeof v === 'string' || typeof v === 'number') {
      item = { value: String(v) };
    } else if (isObject(v)) {
      const value = v.name ?? v.value ?? v.text;
      if (typeof value === 'string' || typeof value === 'number') {
        item = { value: String(value), type: typeof v.type === 'string' ? v.type : undefined };
      }
    }
    if (item && !seen.has(item.value)) {
      seen.add(item.value);
      items.push(item);
    }
  }
  return { items, truncated: isObject(body) && body.truncated === true };
}

/**
 * Why a list could not be loaded. "unavailable": the route does not exist
 * in this backend (404), so the editor offers free text only; "error": the
 * route exists but failed (message from the backend, in its words).
 */
export class ResourceError extends Error {
  constructor(
    public readonly kind: 'unavailable' | 'error',
    message: string
  ) {
    super(message);
    this.name = 'ResourceError';
  }
}

/** Turns what getBackendSrv().fetch throws into a ResourceError. */
export function toResourceError(err: unknown): ResourceError {
  if (err instanceof ResourceError) {
    return err;
  }
  const e = isObject(err) ? err : {};
  const status = typeof e.status === 'number' ? e.status : undefined;
  const data = isObject(e.data) ? e.data : undefined;
  const message =
    (data && typeof data.error === 'string' && data.error) ||
    (data && typeof data.message === 'string' && data.message) ||
    (typeof e.data === 'string' && e.data.trim()) ||
    (typeof e.statusText === 'string' && e.statusText) ||
    (err instanceof Error && err.message) ||
    'the datasource did not answer';
  // Our routes answer errors as {"error": ...}; a 404 without that is a
  // route this backend does not have (yet).
  if (status === 404 && !(data && typeof data.error === 'string')) {
    return new ResourceError('unavailable', 'this datasource version has no such list');
  }
  return new ResourceError('error', message);
}

/** Keeps only names that fit a histogram: base names of *_bucket series. */
export function histogramBaseNames(metrics: string[]): string[] {
  const out = new Set<string>();
  for (const m of metrics) {
    if (m.endsWith('_bucket')) {
      out.add(m.slice(0, -'_bucket'.length));
    }
  }
  return [...out].sort();
}

/** Column types that can hold the time of a row. */
export function isTimeType(type: string | undefined): boolean {
  return Boolean(type && /^(Nullable\()?(LowCardinality\()?(DateTime|DateTime64|Date|Date32)\b/.test(type));
}

/** Column types that hold numbers or categories (feature columns). */
export function isFeatureType(type: string | undefined): boolean {
  return !type || !isTimeType(type);
}

/** Drops empty parameters so the URL carries only what was set. */
export function cleanParams(params: ListParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== '') {
      out[k] = String(v);
    }
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
