import type { HistogramModel, PerWindow, WindowName } from './types';

export interface HistogramSummary {
  /** Mean confidence per window. */
  mean: PerWindow<number>;
  /** current - reference. */
  meanChange?: number;
  /** Share of predictions below the low-confidence threshold per window. */
  low: PerWindow<number>;
  lowChange?: number;
  threshold: number;
  /** 'midpoints': estimated from bins; 'values': exact from raw values. */
  basis: 'midpoints' | 'values';
  /** The bin the threshold falls inside (its share is split evenly), if any. */
  splitBin?: { lower: number; upper: number };
}

const WINDOWS: WindowName[] = ['reference', 'current'];

/**
 * Header figures. From bins they are estimates: the mean puts each bin's
 * mass at its midpoint, and the low-confidence share counts bins below
 * the threshold plus, for a bin the threshold cuts, the part below it
 * assuming values spread evenly in the bin. From raw values they are
 * exact. These are display figures; drift verdicts come from the backend.
 */
export function summarise(model: HistogramModel, threshold: number): HistogramSummary {
  const mean: PerWindow<number> = {};
  const low: PerWindow<number> = {};
  let splitBin: HistogramSummary['splitBin'];
  const values = model.values;
  for (const w of WINDOWS) {
    if (!model.windows[w]) {
      continue;
    }
    const raw = values?.[w];
    if (raw && raw.length > 0) {
      let sum = 0;
      let below = 0;
      for (let i = 0; i < raw.length; i++) {
        sum += raw[i];
        if (raw[i] < threshold) {
          below++;
        }
      }
      mean[w] = sum / raw.length;
      low[w] = below / raw.length;
      continue;
    }
    let mass = 0;
    let weighted = 0;
    let lowShare = 0;
    for (const b of model.bins) {
      const s = b[w];
      if (!(s > 0)) {
        continue;
      }
      mass += s;
      weighted += s * ((b.lower + b.upper) / 2);
      if (b.upper <= threshold) {
        lowShare += s;
      } else if (b.lower < threshold) {
        lowShare += (s * (threshold - b.lower)) / (b.upper - b.lower);
        splitBin = { lower: b.lower, upper: b.upper };
      }
    }
    if (mass > 0) {
      mean[w] = weighted / mass;
      low[w] = lowShare;
    }
  }
  const change = (x: PerWindow<number>) =>
    x.reference !== undefined && x.current !== undefined ? x.current - x.reference : undefined;
  return {
    mean,
    meanChange: change(mean),
    low,
    lowChange: change(low),
    threshold,
    basis: values ? 'values' : 'midpoints',
    splitBin,
  };
}
