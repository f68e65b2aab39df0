import { dateTimeFormat } from '@grafana/data';

import type { CellClasses } from './cells';
import type { HeatmapModel } from './model';
import type { ScoreScale } from './scale';

/** Scores read best with three significant digits; tiny p-values need exponents. */
export function formatScore(v: number): string {
  if (Number.isNaN(v)) {
    return 'No data';
  }
  const a = Math.abs(v);
  if (v !== 0 && (a < 1e-3 || a >= 1e5)) {
    return v.toExponential(2);
  }
  return String(Number(v.toPrecision(3)));
}

export function formatCount(v: number): string {
  return Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : '—';
}

/** A time at the precision the column step needs. */
export function formatTime(ms: number, timeZone: string | undefined, step: number): string {
  const format =
    step >= 86400000 ? 'YYYY-MM-DD' : step >= 60000 || step === 0 ? 'YYYY-MM-DD HH:mm' : 'YYYY-MM-DD HH:mm:ss';
  return dateTimeFormat(ms, { format, timeZone });
}

export type CellTone = 'drift' | 'ok' | 'nodata' | 'unknown';

export interface CellDescription {
  feature: string;
  time: string;
  score: string;
  tone: CellTone;
  status: string;
  /** Label/value pairs in display order. */
  items: Array<{ label: string; value: string }>;
  notices?: string;
}

function thresholdText(kind: string, thresholds: number[]): string {
  return thresholds.map((t) => (kind === 'p_value' ? `< ${formatScore(t)}` : `≥ ${formatScore(t)}`)).join(', ');
}

/** Everything the tooltip and the screen-reader announcement say about one cell. */
export function describeCell(
  model: HeatmapModel,
  scale: ScoreScale,
  classes: CellClasses,
  row: number,
  col: number,
  timeZone?: string,
  formatValue: (v: number) => string = formatScore
): CellDescription {
  const cols = model.times.length;
  const i = row * cols + col;
  const feature = model.rows[row];
  const v = model.scores[i];
  const thresholds = scale.thresholds[row];
  const level = classes.levels[i];
  const isP = feature.kind === 'p_value';
  let tone: CellTone;
  let status: string;
  if (Number.isNaN(v)) {
    tone = 'nodata';
    status = 'No score: no data or too little data in this step';
  } else if (thresholds.length === 0) {
    tone = 'unknown';
    status = 'No threshold set';
  } else if (level > 0) {
    tone = 'drift';
    status = isP
      ? `Drift: p-value below ${formatScore(thresholds[thresholds.length - level])}`
      : `Drift: at or above ${formatScore(thresholds[level - 1])}`;
  } else {
    tone = 'ok';
    status = 'No drift';
  }
  const items: Array<{ label: string; value: string }> = [];
  items.push({ label: isP ? 'Score (p-value)' : 'Score', value: Number.isNaN(v) ? 'No data' : formatValue(v) });
  if (feature.method) {
    items.push({ label: 'Method', value: feature.method });
  }
  if (thresholds.length > 0) {
    items.push({ label: 'Drift when', value: thresholdText(feature.kind, thresholds) });
  }
  const p = model.pValues?.[i];
  if (p !== undefined && !Number.isNaN(p)) {
    items.push({ label: 'p-value', value: formatScore(p) });
  }
  const ref = model.referenceCounts?.[i];
  const cur = model.currentCounts?.[i];
  if (ref !== undefined && !Number.isNaN(ref)) {
    items.push({ label: 'Reference count', value: formatCount(ref) });
  }
  if (cur !== undefined && !Number.isNaN(cur)) {
    items.push({ label: 'Current count', value: formatCount(cur) });
  }
  const s = feature.summary;
  if (s) {
    if (s.score !== undefined) {
      items.push({
        label: 'Whole window',
        value: `${formatScore(s.score)}${s.drifted === true ? ', drift' : s.drifted === false ? ', no drift' : ''}`,
      });
    }
    if (ref === undefined && s.referenceCount !== undefined) {
      items.push({ label: 'Reference count (window)', value: formatCount(s.referenceCount) });
    }
    if (cur === undefined && s.currentCount !== undefined) {
      items.push({ label: 'Current count (window)', value: formatCount(s.currentCount) });
    }
  }
  return {
    feature: feature.name,
    time: formatTime(model.times[col], timeZone, model.step),
    score: Number.isNaN(v) ? 'No data' : formatValue(v),
    tone,
    status,
    items,
    notices: s?.notices || undefined,
  };
}

/** One sentence for screen readers when keyboard focus moves to a cell. */
export function announceCell(d: CellDescription): string {
  return `${d.feature}, ${d.time}: ${d.score}. ${d.status}.`;
}
