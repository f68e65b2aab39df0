import { FieldType, type DataFrame, type Field, type Labels } from '@grafana/data';

import type { ReadSettings, WindowName } from './types';

const REFERENCE_NAMES = new Set(['reference', 'ref', 'baseline', 'training', 'train']);
const CURRENT_NAMES = new Set(['current', 'cur', 'now', 'live', 'production', 'prod']);

/** Reads a window from a name such as "reference", "baseline" or "current" (case-insensitive). */
export function windowFromName(name: string | undefined): WindowName | undefined {
  const n = name?.trim().toLowerCase();
  if (!n) {
    return undefined;
  }
  if (REFERENCE_NAMES.has(n)) {
    return 'reference';
  }
  if (CURRENT_NAMES.has(n)) {
    return 'current';
  }
  return undefined;
}

/** The window a field's `window` label names, if any. */
export function windowLabel(field: Field): WindowName | undefined {
  return windowFromName(field.labels?.window);
}

export interface RefIdWindows {
  windows: Map<string, WindowName>;
  /** refIds that got no window (a third query, say). */
  ignored: string[];
}

/**
 * Decides which query is the reference and which the current window.
 * Explicit options win; then names ("reference", "current", ...); then
 * order: the first remaining query is the current window and the next the
 * reference (by refId: A before B), because the usual set-up is query A
 * plus a copy of it with an offset.
 */
export function assignRefIds(
  refIds: string[],
  settings: Pick<ReadSettings, 'referenceQuery' | 'currentQuery'>
): RefIdWindows {
  const windows = new Map<string, WindowName>();
  const taken = new Set<WindowName>();
  const give = (refId: string, w: WindowName) => {
    windows.set(refId, w);
    taken.add(w);
  };
  if (settings.referenceQuery && refIds.includes(settings.referenceQuery)) {
    give(settings.referenceQuery, 'reference');
  }
  if (settings.currentQuery && refIds.includes(settings.currentQuery) && !windows.has(settings.currentQuery)) {
    give(settings.currentQuery, 'current');
  }
  for (const id of refIds) {
    const named = windowFromName(id);
    if (!windows.has(id) && named && !taken.has(named)) {
      give(id, named);
    }
  }
  const ignored: string[] = [];
  // Query order (A, B, ... as Grafana names them), not frame order, which a datasource may shuffle.
  const ordered = [...refIds].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  for (const id of ordered) {
    if (windows.has(id)) {
      continue;
    }
    if (!taken.has('current')) {
      give(id, 'current');
    } else if (!taken.has('reference')) {
      give(id, 'reference');
    } else {
      ignored.push(id);
    }
  }
  return { windows, ignored };
}

/** The last finite number of a field: what Grafana's "Last *" reducer gives. */
export function lastFinite(values: ArrayLike<unknown>): number | undefined {
  for (let i = values.length - 1; i >= 0; i--) {
    const v = values[i];
    if (typeof v === 'number' && Number.isFinite(v)) {
      return v;
    }
  }
  return undefined;
}

/** One labelled series reduced to a number, with its window. */
export interface WindowedSeries {
  window: WindowName;
  labels: Labels;
  value: number;
  /** The frame's data-plane type (e.g. 'heatmap-rows'), which changes how values read. */
  frameType?: string;
}

export interface CollectedSeries {
  series: WindowedSeries[];
  notices: string[];
}

/**
 * Collects the numeric fields `accept` picks, reduces each to its last
 * finite value and tells their window (a `window` label, else the query).
 * Exact duplicates (same query, name and labels) are read once.
 */
export function collectSeries(
  frames: DataFrame[],
  accept: (field: Field) => boolean,
  settings: Pick<ReadSettings, 'referenceQuery' | 'currentQuery'>,
  what: string
): CollectedSeries {
  interface Raw {
    refId: string;
    field: Field;
    frameType?: string;
  }
  const raw: Raw[] = [];
  const seen = new Set<string>();
  let duplicates = 0;
  for (const frame of frames) {
    const refId = frame.refId ?? '';
    for (const field of frame.fields) {
      if (field.type !== FieldType.number || !accept(field)) {
        continue;
      }
      const key = seriesKey(refId, frame.name ?? field.name, field.labels);
      if (seen.has(key)) {
        duplicates++;
        continue;
      }
      seen.add(key);
      raw.push({ refId, field, frameType: frame.meta?.type });
    }
  }
  const notices: string[] = [];
  if (duplicates > 0) {
    notices.push(`${duplicates} duplicated ${what} series ${duplicates === 1 ? 'was' : 'were'} read once.`);
  }
  // Only queries with series that do not name their window need one.
  const refIds: string[] = [];
  for (const r of raw) {
    if (!windowLabel(r.field) && !refIds.includes(r.refId)) {
      refIds.push(r.refId);
    }
  }
  const { windows, ignored } = assignRefIds(refIds, settings);
  for (const id of ignored) {
    notices.push(
      `Query ${id || '(no refId)'} was left out: only two windows are compared. Set "Reference query" and "Current query" to choose.`
    );
  }
  const series: WindowedSeries[] = [];
  let empty = 0;
  for (const r of raw) {
    const window = windowLabel(r.field) ?? windows.get(r.refId);
    if (!window) {
      continue;
    }
    const value = lastFinite(r.field.values);
    if (value === undefined) {
      empty++;
      continue;
    }
    series.push({ window, labels: r.field.labels ?? {}, value, frameType: r.frameType });
  }
  if (empty > 0) {
    notices.push(`${empty} ${what} series had no numeric values and ${empty === 1 ? 'was' : 'were'} skipped.`);
  }
  return { series, notices };
}

function seriesKey(refId: string, name: string, labels: Labels | undefined): string {
  const entries = Object.entries(labels ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([refId, name, entries]);
}
