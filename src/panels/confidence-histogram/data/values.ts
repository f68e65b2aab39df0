import { FieldType, type DataFrame, type Field } from '@grafana/data';

import { assignRefIds, windowFromName, windowLabel } from './series';
import type { HistogramBin, HistogramModel, PerWindow, ReadSettings, WindowName } from './types';

export const MAX_BINS = 1000;

/**
 * Fields of raw confidence values: numbers without histogram, class or
 * label series labels. Time fields and the distribution frame's own fields
 * are never raw values.
 */
export function isValueField(field: Field): boolean {
  if (field.type !== FieldType.number) {
    return false;
  }
  const l = field.labels ?? {};
  return l.le === undefined && l.class === undefined && l.predicted_class === undefined && l.correct === undefined;
}

/**
 * The mlwatch distribution query in numeric format (for alert rules): one
 * drift score, which is not a confidence value however it reads.
 */
function isDriftScoreFrame(frame: DataFrame): boolean {
  return frame.name === 'distribution_drift' || frame.fields.some((f) => f.name === 'score' && f.labels?.method);
}

/** Share of a field's finite values that must lie in [0, 1] for it to read as confidence. */
const IN_RANGE_SHARE = 0.95;

/** True when a field's numbers look like probabilities: a loose guard against binning arbitrary numbers. */
function looksLikeConfidence(field: Field): boolean {
  let finite = 0;
  let inRange = 0;
  for (const v of field.values) {
    if (typeof v === 'number' && Number.isFinite(v)) {
      finite++;
      if (v >= 0 && v <= 1) {
        inRange++;
      }
    }
  }
  return finite > 0 && inRange >= IN_RANGE_SHARE * finite;
}

/**
 * Bins raw confidence values (a number field per window) into `binCount`
 * equal-width bins over [0, 1], widened to the data when a few values fall
 * outside. Fields whose values are mostly outside [0, 1] are not confidence
 * and are not read. The window comes from a `window` label, a field named
 * "reference"/"current", or the query.
 */
export function readValues(frames: DataFrame[], settings: ReadSettings): HistogramModel | undefined {
  const byField: Array<{ refId: string; field: Field; named?: WindowName }> = [];
  for (const frame of frames) {
    if (isDriftScoreFrame(frame)) {
      continue;
    }
    for (const field of frame.fields) {
      if (isValueField(field) && looksLikeConfidence(field)) {
        byField.push({ refId: frame.refId ?? '', field, named: windowLabel(field) ?? windowFromName(field.name) });
      }
    }
  }
  if (byField.length === 0) {
    return undefined;
  }
  const refIds: string[] = [];
  for (const f of byField) {
    if (!f.named && !refIds.includes(f.refId)) {
      refIds.push(f.refId);
    }
  }
  const { windows, ignored } = assignRefIds(refIds, settings);
  const notices: string[] = [];
  for (const id of ignored) {
    notices.push(
      `Query ${id || '(no refId)'} was left out: only two windows are compared. Set "Reference query" and "Current query" to choose.`
    );
  }
  const collected: Record<WindowName, number[]> = { reference: [], current: [] };
  let skipped = 0;
  for (const f of byField) {
    const w = f.named ?? windows.get(f.refId);
    if (!w) {
      continue;
    }
    const target = collected[w];
    for (const v of f.field.values) {
      if (typeof v === 'number' && Number.isFinite(v)) {
        target.push(v);
      } else {
        skipped++;
      }
    }
  }
  if (skipped > 0) {
    notices.push(
      `${skipped} ${skipped === 1 ? 'value was' : 'values were'} empty or not a number and ${skipped === 1 ? 'was' : 'were'} skipped.`
    );
  }
  if (collected.reference.length === 0 && collected.current.length === 0) {
    return undefined;
  }
  const binCount = Math.max(1, Math.min(MAX_BINS, Math.round(settings.binCount) || 1));
  let lo = 0;
  let hi = 1;
  for (const w of ['reference', 'current'] as WindowName[]) {
    for (const v of collected[w]) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  if (lo < 0 || hi > 1) {
    notices.push(`Some values fall outside 0–1; the axis spans ${round(lo)} to ${round(hi)}.`);
  }
  const width = (hi - lo) / binCount;
  const counts: Record<WindowName, Float64Array> = {
    reference: new Float64Array(binCount),
    current: new Float64Array(binCount),
  };
  const values: PerWindow<Float64Array> = {};
  const present: PerWindow<true> = {};
  const totals: PerWindow<number> = {};
  for (const w of ['reference', 'current'] as WindowName[]) {
    const list = collected[w];
    if (list.length === 0) {
      continue;
    }
    present[w] = true;
    totals[w] = list.length;
    values[w] = Float64Array.from(list);
    for (const v of list) {
      // The top edge belongs to the last bin, as in numpy.histogram.
      const i = Math.min(binCount - 1, Math.floor((v - lo) / width));
      counts[w][i]++;
    }
  }
  const bins: HistogramBin[] = [];
  for (let i = 0; i < binCount; i++) {
    bins.push({
      lower: lo + i * width,
      upper: i === binCount - 1 ? hi : lo + (i + 1) * width,
      reference: present.reference ? counts.reference[i] / totals.reference! : 0,
      current: present.current ? counts.current[i] / totals.current! : 0,
      referenceCount: present.reference ? counts.reference[i] : undefined,
      currentCount: present.current ? counts.current[i] : undefined,
    });
  }
  const outside: PerWindow<number> = {};
  for (const w of ['reference', 'current'] as WindowName[]) {
    if (present[w]) {
      outside[w] = 0;
    }
  }
  return { source: 'values', bins, windows: present, totals, outside, values, notices };
}

function round(v: number): string {
  return String(Math.round(v * 1000) / 1000);
}
