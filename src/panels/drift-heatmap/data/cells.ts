import type { HeatmapModel } from './model';
import type { Palette } from './palette';
import { thresholdLevel, type ScoreScale } from './scale';

/** Bucket code of a cell without a score (no value, or insufficient data). */
export const NO_SCORE = 255;

/**
 * Per-cell colour bucket and threshold level, and per-row figures for
 * sorting and the summary column. Computed once per data/config change, in
 * one pass over the cells, so redraws and hovers never touch scores again.
 */
export interface CellClasses {
  /** Palette index per cell, or NO_SCORE. */
  buckets: Uint8Array;
  /** Thresholds crossed per cell (0 = none). */
  levels: Uint8Array;
  stats: RowStats;
}

export interface RowStats {
  /** Highest scale position in the row (the worst drift), -1 when the row has no score. */
  worstPosition: Float64Array;
  /** The score at that position (the max distance or the min p-value). */
  worstScore: Float64Array;
  /** Position and score at the row's last column with a score. */
  latestPosition: Float64Array;
  latestScore: Float64Array;
  /** First column over a threshold, -1 when never. */
  firstOver: Int32Array;
  /** Cells over a threshold. */
  overCount: Int32Array;
}

function stepBucket(stepValues: number[], v: number): number {
  let b = 0;
  for (let i = 1; i < stepValues.length; i++) {
    if (v >= stepValues[i]) {
      b = i;
    }
  }
  return b;
}

/** Empty classes for a model, to be filled by classifyRows. */
export function createCellClasses(model: HeatmapModel): CellClasses {
  const rows = model.rows.length;
  const n = rows * model.times.length;
  return {
    buckets: new Uint8Array(n),
    levels: new Uint8Array(n),
    stats: {
      worstPosition: new Float64Array(rows).fill(-1),
      worstScore: new Float64Array(rows).fill(NaN),
      latestPosition: new Float64Array(rows).fill(-1),
      latestScore: new Float64Array(rows).fill(NaN),
      firstOver: new Int32Array(rows).fill(-1),
      overCount: new Int32Array(rows),
    },
  };
}

/** Classifies every cell of the model in one go. */
export function classifyCells(model: HeatmapModel, scale: ScoreScale, palette: Palette): CellClasses {
  const out = createCellClasses(model);
  classifyRows(model, scale, palette, out, 0, model.rows.length);
  return out;
}

/**
 * Classifies rows [from, to) into `out`. Huge grids are classified a slice
 * of rows at a time so that no single task blocks the page for long.
 */
export function classifyRows(
  model: HeatmapModel,
  scale: ScoreScale,
  palette: Palette,
  out: CellClasses,
  from: number,
  to: number
) {
  const cols = model.times.length;
  const { buckets, levels, stats } = out;
  const top = palette.colors.length - 1;
  const steps = palette.kind === 'steps' ? palette.stepValues : undefined;
  const { lo, hi } = scale.distance;
  const invRange = 1 / (hi - lo);
  const pFloor = scale.pFloor;
  const invLogFloor = 1 / Math.log(pFloor);
  const scores = model.scores;
  // This loop runs once per cell (millions): positions and levels are
  // inlined here (same rules as scorePosition / thresholdLevel).
  for (let r = from; r < to; r++) {
    const isP = model.rows[r].kind === 'p_value';
    const thresholds = scale.thresholds[r];
    const single = thresholds.length === 1 ? thresholds[0] : NaN;
    const multi = thresholds.length > 1;
    const base = r * cols;
    let worst = -1;
    let worstScore = NaN;
    let latest = -1;
    let latestScore = NaN;
    let firstOver = -1;
    let over = 0;
    for (let c = 0; c < cols; c++) {
      const i = base + c;
      const v = scores[i];
      if (v !== v) {
        buckets[i] = NO_SCORE;
        continue;
      }
      let pos: number;
      if (isP) {
        pos = v >= 1 ? 0 : v <= pFloor ? 1 : Math.log(v) * invLogFloor;
      } else {
        pos = (v - lo) * invRange;
        pos = pos < 0 ? 0 : pos > 1 ? 1 : pos;
      }
      buckets[i] = steps ? stepBucket(steps, v) : (pos * top + 0.5) | 0;
      const level = multi
        ? thresholdLevel(isP ? 'p_value' : 'distance', thresholds, v)
        : isP
          ? v < single
            ? 1
            : 0
          : v >= single
            ? 1
            : 0;
      if (level > 0) {
        levels[i] = level;
        over++;
        if (firstOver < 0) {
          firstOver = c;
        }
      }
      if (pos > worst || (pos === worst && (isP ? v < worstScore : v > worstScore))) {
        worst = pos;
        worstScore = v;
      }
      latest = pos;
      latestScore = v;
    }
    stats.worstPosition[r] = worst;
    stats.worstScore[r] = worstScore;
    stats.latestPosition[r] = latest;
    stats.latestScore[r] = latestScore;
    stats.firstOver[r] = firstOver;
    stats.overCount[r] = over;
  }
}
