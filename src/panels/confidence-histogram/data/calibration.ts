import type { DataFrame, Field } from '@grafana/data';

import { collectSeries } from './series';
import type { CalibrationBin, CalibrationModel, CalibrationSide, PerWindow, ReadSettings, WindowName } from './types';

export function isLabelField(field: Field): boolean {
  return field.labels?.correct !== undefined && field.labels?.confidence_bin !== undefined;
}

/** A confidence_bin label: a range ("0.9-1.0", "[0.9,1.0)", "0.9..1") or one edge ("0.9"). */
export type ParsedBin = { lower: number; upper: number } | { edge: number };

const NUMBER = '([-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:e[-+]?\\d+)?)';
const RANGE = new RegExp(`^[\\[(]?\\s*${NUMBER}\\s*(?:-|–|_|,|\\.\\.|:|to)\\s*${NUMBER}\\s*[\\])]?$`, 'i');
const EDGE = new RegExp(`^${NUMBER}$`, 'i');

export function parseConfidenceBin(label: string): ParsedBin | undefined {
  const s = label.trim();
  const range = RANGE.exec(s);
  if (range) {
    const lower = Number(range[1]);
    const upper = Number(range[2]);
    return Number.isFinite(lower) && Number.isFinite(upper) && upper > lower ? { lower, upper } : undefined;
  }
  const edge = EDGE.exec(s);
  return edge ? { edge: Number(edge[1]) } : undefined;
}

function isCorrect(v: string): boolean | undefined {
  const s = v.trim().toLowerCase();
  if (s === 'true' || s === '1' || s === 'yes') {
    return true;
  }
  if (s === 'false' || s === '0' || s === 'no') {
    return false;
  }
  return undefined;
}

/**
 * ECE, MCE and the signed gap of one window's bins. Bins without labelled
 * predictions carry no weight. ECE is a display measure (torchmetrics'
 * L1 calibration error), so it is computed here, unlike drift statistics.
 */
export function calibrationSide(bins: CalibrationBin[]): CalibrationSide {
  let total = 0;
  for (const b of bins) {
    if (Number.isFinite(b.accuracy) && b.count > 0) {
      total += b.count;
    }
  }
  let ece = 0;
  let mce = 0;
  let signedGap = 0;
  if (total > 0) {
    for (const b of bins) {
      if (!Number.isFinite(b.accuracy) || !(b.count > 0)) {
        continue;
      }
      const gap = b.confidence - b.accuracy;
      const weight = b.count / total;
      ece += weight * Math.abs(gap);
      signedGap += weight * gap;
      mce = Math.max(mce, Math.abs(gap));
    }
  }
  return {
    bins,
    total,
    ece: total > 0 ? ece : NaN,
    mce: total > 0 ? mce : NaN,
    signedGap: total > 0 ? signedGap : NaN,
  };
}

/**
 * Reads `ml_labeled_predictions_total{correct, confidence_bin}` counters
 * (correct="true"/"false") into per-bin accuracy for each window.
 * Single-number bins are edges: lower edges when the smallest is 0
 * ("0", "0.1", ... "0.9"), else upper edges ("0.1" ... "1").
 */
export function readLabelSeries(frames: DataFrame[], settings: ReadSettings): CalibrationModel | undefined {
  const { series, notices } = collectSeries(frames, isLabelField, settings, 'labelled-prediction');
  if (series.length === 0) {
    return undefined;
  }
  interface Tally {
    correct: number;
    wrong: number;
  }
  const ranges: Record<WindowName, Map<string, Tally & { lower: number; upper: number }>> = {
    reference: new Map(),
    current: new Map(),
  };
  const edges: Record<WindowName, Map<number, Tally>> = { reference: new Map(), current: new Map() };
  const badBins = new Set<string>();
  const badCorrect = new Set<string>();
  for (const s of series) {
    const correct = isCorrect(s.labels.correct ?? '');
    if (correct === undefined) {
      badCorrect.add(s.labels.correct ?? '');
      continue;
    }
    const bin = parseConfidenceBin(s.labels.confidence_bin ?? '');
    if (!bin) {
      badBins.add(s.labels.confidence_bin ?? '');
      continue;
    }
    let tally: Tally;
    if ('edge' in bin) {
      const m = edges[s.window];
      tally = m.get(bin.edge) ?? { correct: 0, wrong: 0 };
      m.set(bin.edge, tally);
    } else {
      const m = ranges[s.window];
      const key = `${bin.lower}:${bin.upper}`;
      const t = m.get(key) ?? { correct: 0, wrong: 0, ...bin };
      m.set(key, t);
      tally = t;
    }
    if (correct) {
      tally.correct += Math.max(0, s.value);
    } else {
      tally.wrong += Math.max(0, s.value);
    }
  }
  if (badCorrect.size > 0) {
    notices.push(
      `Series with correct=${[...badCorrect].map((c) => `"${c}"`).join(', ')} were skipped: correct must be "true" or "false".`
    );
  }
  if (badBins.size > 0) {
    notices.push(
      `Series with confidence_bin=${[...badBins].map((c) => `"${c}"`).join(', ')} were skipped: use a range such as "0.9-1.0" or one bin edge.`
    );
  }
  const sides: PerWindow<CalibrationSide> = {};
  for (const w of ['reference', 'current'] as WindowName[]) {
    const bins: CalibrationBin[] = [...ranges[w].values()].map((t) => toBin(t.lower, t.upper, t));
    const edgeList = [...edges[w].keys()].sort((a, b) => a - b);
    if (edgeList.length > 0) {
      // Lower edges when the bins start at 0, else upper edges (le-style).
      const lowerEdges = edgeList[0] <= 0;
      edgeList.forEach((e, i) => {
        const lower = lowerEdges ? e : i === 0 ? Math.min(0, e) : edgeList[i - 1];
        let upper = lowerEdges ? (i + 1 < edgeList.length ? edgeList[i + 1] : Math.max(1, e)) : e;
        if (upper <= lower) {
          // A last lower edge at 1 or above: give it the previous bin's width.
          upper = lower + (i > 0 ? e - edgeList[i - 1] : 0.1);
        }
        bins.push(toBin(lower, upper, edges[w].get(e)!));
      });
    }
    if (bins.length > 0) {
      bins.sort((a, b) => a.lower - b.lower);
      sides[w] = calibrationSide(bins);
    }
  }
  return { source: 'labels', sides, midpoints: true, notices };
}

function toBin(lower: number, upper: number, t: { correct: number; wrong: number }): CalibrationBin {
  const count = t.correct + t.wrong;
  return {
    lower,
    upper,
    confidence: (lower + upper) / 2,
    accuracy: count > 0 ? t.correct / count : NaN,
    count,
    correct: t.correct,
  };
}
