import type { Field } from '@grafana/data';

import type { FeatureRow, HeatmapModel, ScoreKind } from './model';

/**
 * How scores map onto the colour scheme. Every cell gets a position in
 * [0, 1] where 0 reads "no drift" and 1 "strong drift", whatever the kind:
 * - distances: linear from lo to hi;
 * - p-values: logarithmic from 1 down to pFloor, because the difference
 *   between p = 0.01 and p = 1e-6 matters and a linear scale would squash it.
 * Without user min/max, a threshold t sits mid-scale (hi = 2t for distances,
 * pFloor = t² for p-values), so yellow reads "at the threshold" in
 * Green-Yellow-Red and green never hides a crossing.
 */
export interface ScoreScale {
  distance: { lo: number; hi: number };
  pFloor: number;
  hasDistance: boolean;
  hasPValue: boolean;
  /** Per row: thresholds as absolute scores, ascending. */
  thresholds: number[][];
  /** Where the thresholds came from, for the legend. */
  thresholdSource: 'field' | 'data' | 'mixed' | 'none';
}

const DEFAULT_P_FLOOR = 1e-4;

function finiteOr(v: unknown, fallback: number | undefined): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

/** Builds the scale from the data and the representative field's min/max. */
export function buildScale(model: HeatmapModel, configField?: Field): ScoreScale {
  const { rows, scores } = model;
  const cols = model.times.length;
  let hasDistance = false;
  let hasPValue = false;
  let maxDistance = -Infinity;
  let minDistance = Infinity;
  let maxDistanceThreshold = -Infinity;
  let minPThreshold = Infinity;
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    const absolute =
      row.fieldThresholds && !row.fieldThresholds.percent
        ? row.fieldThresholds.values
        : row.dataThreshold !== undefined && !row.fieldThresholds
          ? [row.dataThreshold]
          : [];
    if (row.kind === 'p_value') {
      hasPValue = true;
      for (const t of absolute) {
        if (t > 0 && t < 1) {
          minPThreshold = Math.min(minPThreshold, t);
        }
      }
      continue;
    }
    hasDistance = true;
    for (const t of absolute) {
      maxDistanceThreshold = Math.max(maxDistanceThreshold, t);
    }
    const base = r * cols;
    for (let c = 0; c < cols; c++) {
      const v = scores[base + c];
      if (v > maxDistance) {
        maxDistance = v;
      }
      if (v < minDistance) {
        minDistance = v;
      }
    }
  }
  const userMin = finiteOr(configField?.config.min, undefined);
  const userMax = finiteOr(configField?.config.max, undefined);
  let lo = userMin ?? Math.min(0, Number.isFinite(minDistance) ? minDistance : 0);
  let hi =
    userMax ??
    Math.max(
      Number.isFinite(maxDistance) ? maxDistance : 0,
      Number.isFinite(maxDistanceThreshold) ? 2 * maxDistanceThreshold : 0
    );
  if (!(hi > lo)) {
    hi = lo + 1;
  }
  const pFloor = Number.isFinite(minPThreshold) ? minPThreshold * minPThreshold : DEFAULT_P_FLOOR;

  let fromField = 0;
  let fromData = 0;
  const thresholds = rows.map((row) => {
    if (row.fieldThresholds) {
      fromField++;
      const { values, percent } = row.fieldThresholds;
      if (!percent) {
        return values;
      }
      // Percentage thresholds are relative to the scale: min..max for distances, 0..1 for p-values.
      return values.map((p) => (row.kind === 'p_value' ? p / 100 : lo + ((hi - lo) * p) / 100)).sort((a, b) => a - b);
    }
    if (row.dataThreshold !== undefined) {
      fromData++;
      return [row.dataThreshold];
    }
    return [];
  });
  const thresholdSource =
    fromField > 0 && fromData > 0 ? 'mixed' : fromField > 0 ? 'field' : fromData > 0 ? 'data' : 'none';
  return { distance: { lo, hi }, pFloor, hasDistance, hasPValue, thresholds, thresholdSource };
}

/** Position of a score on the scale: 0 = no drift, 1 = strong drift; NaN stays NaN. */
export function scorePosition(scale: ScoreScale, kind: ScoreKind, v: number): number {
  if (Number.isNaN(v)) {
    return NaN;
  }
  if (kind === 'p_value') {
    if (v >= 1) {
      return 0;
    }
    if (v <= scale.pFloor) {
      return 1;
    }
    return Math.log(v) / Math.log(scale.pFloor);
  }
  const { lo, hi } = scale.distance;
  const p = (v - lo) / (hi - lo);
  return p < 0 ? 0 : p > 1 ? 1 : p;
}

/** The score at a scale position (inverse of scorePosition), for legend labels. */
export function scoreAtPosition(scale: ScoreScale, kind: ScoreKind, pos: number): number {
  if (kind === 'p_value') {
    return Math.exp(pos * Math.log(scale.pFloor));
  }
  return scale.distance.lo + pos * (scale.distance.hi - scale.distance.lo);
}

/**
 * How many of a row's thresholds a score crosses: distances cross at or
 * above a threshold, p-values below it (as the mlwatch engine decides).
 */
export function thresholdLevel(kind: ScoreKind, thresholds: number[], v: number): number {
  if (Number.isNaN(v)) {
    return 0;
  }
  let level = 0;
  for (const t of thresholds) {
    if (kind === 'p_value' ? v < t : v >= t) {
      level++;
    }
  }
  return level;
}

export function describeKind(row: FeatureRow): string {
  return row.kind === 'p_value' ? 'p-value (low = drift)' : 'distance (high = drift)';
}
