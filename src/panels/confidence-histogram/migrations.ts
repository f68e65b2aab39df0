import type { PanelMigrationHandler } from '@grafana/data';

import { MAX_BINS } from './data/values';
import { type ClassSort, type ConfidenceOptions, DEFAULT_OPTIONS, type ReferenceStyle, type ViewMode } from './types';

type Raw = Record<string, unknown>;

const MODES: Record<string, ViewMode> = {
  auto: 'auto',
  histogram: 'histogram',
  confidence: 'histogram',
  calibration: 'calibration',
  reliability: 'calibration',
  classes: 'classes',
  class: 'classes',
};

const STYLES: Record<string, ReferenceStyle> = {
  outline: 'outline',
  overlay: 'outline',
  step: 'outline',
  mirrored: 'mirrored',
  mirror: 'mirrored',
};

const SORTS: Record<string, ClassSort> = { change: 'change', current: 'current', share: 'current', name: 'name' };

function first(raw: Raw, keys: string[]): unknown {
  for (const k of keys) {
    if (raw[k] !== undefined && raw[k] !== null) {
      return raw[k];
    }
  }
  return undefined;
}

function pick<T>(table: Record<string, T>, v: unknown, fallback: T): T {
  return typeof v === 'string' && v.toLowerCase() in table ? table[v.toLowerCase()] : fallback;
}

/** A share option: 0..1; 1 < v <= 100 was a percentage in older settings. */
function shareOption(v: unknown, fallback: number): number {
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) {
    return fallback;
  }
  if (n > 1) {
    return n <= 100 ? n / 100 : fallback;
  }
  return n;
}

function text(v: unknown, fallback: string): string {
  return typeof v === 'string' ? v : fallback;
}

/**
 * Brings saved options of any earlier version to the current shape: renamed
 * options, percentages saved as 0–100, and values out of range. Also run
 * on every render so hand-edited dashboard JSON cannot break the panel.
 */
export function normalizeOptions(saved: unknown): ConfidenceOptions {
  const raw: Raw = saved && typeof saved === 'object' ? (saved as Raw) : {};
  const d = DEFAULT_OPTIONS;
  const bins = Number(first(raw, ['binCount', 'bins', 'bucketCount']));
  return {
    mode: pick(MODES, first(raw, ['mode', 'view']), d.mode),
    referenceStyle: pick(STYLES, first(raw, ['referenceStyle', 'referenceDisplay', 'display']), d.referenceStyle),
    referenceQuery: text(first(raw, ['referenceQuery', 'referenceRefId']), d.referenceQuery),
    currentQuery: text(first(raw, ['currentQuery', 'currentRefId']), d.currentQuery),
    lowConfidenceThreshold: shareOption(
      first(raw, ['lowConfidenceThreshold', 'lowThreshold', 'lowConfidence']),
      d.lowConfidenceThreshold
    ),
    binCount: Number.isFinite(bins) && bins >= 1 ? Math.min(MAX_BINS, Math.round(bins)) : d.binCount,
    skewThreshold: shareOption(first(raw, ['skewThreshold', 'skew']), d.skewThreshold),
    classSort: pick(SORTS, first(raw, ['classSort', 'sort']), d.classSort),
    showHeader: typeof raw.showHeader === 'boolean' ? raw.showHeader : d.showHeader,
    currentColor: text(first(raw, ['currentColor', 'colorCurrent']), d.currentColor) || d.currentColor,
    referenceColor: text(first(raw, ['referenceColor', 'colorReference']), d.referenceColor) || d.referenceColor,
  };
}

/** Grafana calls this when a saved panel comes from another plugin version. */
export const migrationHandler: PanelMigrationHandler<ConfidenceOptions> = (panel) => normalizeOptions(panel.options);

/**
 * Carries what fits over when a panel is switched to this one: the
 * built-in histogram's bucket count becomes the bin count for raw values.
 */
export function panelChangeHandler(
  _panel: unknown,
  prevPluginId: string,
  prevOptions: Raw
): Partial<ConfidenceOptions> {
  if (prevPluginId === 'histogram' && typeof prevOptions.bucketCount === 'number') {
    return { binCount: normalizeOptions({ binCount: prevOptions.bucketCount }).binCount };
  }
  return {};
}
