import { FieldType, type DataFrame, type Field } from '@grafana/data';

import { findField } from '../../../shared/frames';
import { finishClasses } from './classes';
import type {
  CalibrationBin,
  CalibrationModel,
  ClassModel,
  ClassRow,
  DriftVerdict,
  HistogramBin,
  HistogramModel,
  PerWindow,
  ReadSettings,
} from './types';
import { calibrationSide } from './calibration';

/** The fields of the mlwatch `distribution` frame (pkg/engine/distribution.go). */
interface DistributionFields {
  reference: Field;
  current: Field;
  lower?: Field;
  upper?: Field;
  className?: Field;
  accuracy?: Field;
  confidence?: Field;
}

function distributionFields(frame: DataFrame): DistributionFields | undefined {
  const reference = findField(frame, ['reference'], FieldType.number);
  const current = findField(frame, ['current'], FieldType.number);
  if (!reference || !current) {
    return undefined;
  }
  const lower = findField(frame, ['lower'], FieldType.number);
  const upper = findField(frame, ['upper'], FieldType.number);
  const className = findField(frame, ['class'], FieldType.string);
  if (!(lower && upper) && !className) {
    return undefined;
  }
  return {
    reference,
    current,
    lower,
    upper,
    className,
    accuracy: findField(frame, ['accuracy'], FieldType.number),
    confidence: findField(frame, ['confidence', 'mean_confidence'], FieldType.number),
  };
}

export function isDistributionFrame(frame: DataFrame): boolean {
  return distributionFields(frame) !== undefined;
}

export interface DistributionRead {
  histogram?: HistogramModel;
  classes?: ClassModel;
  calibration?: CalibrationModel;
  notices: string[];
}

/** Reads the first histogram-mode and the first class-mode distribution frame. */
export function readDistribution(frames: DataFrame[], settings: ReadSettings): DistributionRead {
  const out: DistributionRead = { notices: [] };
  let extra = 0;
  for (const frame of frames) {
    const fields = distributionFields(frame);
    if (!fields) {
      continue;
    }
    if (fields.lower && fields.upper) {
      if (out.histogram) {
        extra++;
        continue;
      }
      const read = readHistogramFrame(frame, fields);
      out.histogram = read.histogram;
      out.calibration = read.calibration;
    } else if (fields.className) {
      if (out.classes) {
        extra++;
        continue;
      }
      out.classes = readClassFrame(frame, fields, settings);
    }
  }
  if (extra > 0) {
    out.notices.push(
      `${extra} more distribution ${extra === 1 ? 'frame was' : 'frames were'} left out; the panel shows one histogram and one class distribution.`
    );
  }
  return out;
}

type Custom = Record<string, unknown>;

function customOf(frame: DataFrame): Custom {
  const c = frame.meta?.custom;
  return c && typeof c === 'object' ? (c as Custom) : {};
}

function finiteOrNull(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** The backend's drift verdict, when the frame carries one. */
export function driftFromMeta(custom: Custom): DriftVerdict | undefined {
  const method = custom.method;
  if (typeof method !== 'string' || method === '') {
    return undefined;
  }
  return {
    method,
    kind: typeof custom.kind === 'string' ? custom.kind : '',
    score: finiteOrNull(custom.score),
    statistic: finiteOrNull(custom.statistic),
    threshold: finiteOrNull(custom.threshold),
    drifted: custom.drifted === true,
  };
}

/** Counts per row from meta (reference_counts / current_counts), when they line up with the rows. */
function countsOf(custom: Custom, key: string, rows: number): Array<number | undefined> | undefined {
  const v = custom[key];
  if (!Array.isArray(v) || v.length !== rows) {
    return undefined;
  }
  return v.map((x) => (typeof x === 'number' && Number.isFinite(x) ? x : undefined));
}

/**
 * Shares of one window. Missing or NaN shares read as 0 (counted in
 * `missing`). Values that add up to clearly more than 1 are counts, not
 * shares: they are normalised so other sources still compare.
 */
function sharesOf(field: Field, rows: number): { shares: number[]; missing: number; normalisedFrom?: number } {
  let missing = 0;
  const shares = new Array<number>(rows);
  let sum = 0;
  for (let i = 0; i < rows; i++) {
    const v = field.values[i];
    if (typeof v === 'number' && Number.isFinite(v) && v >= 0) {
      shares[i] = v;
      sum += v;
    } else {
      shares[i] = 0;
      missing++;
    }
  }
  if (sum > 1 + 1e-6) {
    for (let i = 0; i < rows; i++) {
      shares[i] /= sum;
    }
    return { shares, missing, normalisedFrom: sum };
  }
  return { shares, missing };
}

function countFrom(share: number, given: number | undefined, total: number | undefined): number | undefined {
  if (given !== undefined) {
    return given;
  }
  return total !== undefined ? share * total : undefined;
}

function readWindows(frame: DataFrame, fields: DistributionFields, custom: Custom, notices: string[]) {
  const rows = frame.length;
  const ref = sharesOf(fields.reference, rows);
  const cur = sharesOf(fields.current, rows);
  const totals: PerWindow<number> = {
    reference: finiteOrNull(custom.reference_total) ?? undefined,
    current: finiteOrNull(custom.current_total) ?? undefined,
  };
  for (const [w, s] of [
    ['reference', ref],
    ['current', cur],
  ] as const) {
    if (s.missing > 0) {
      notices.push(
        `${s.missing} ${w} ${s.missing === 1 ? 'value was' : 'values were'} missing or not a number and ${s.missing === 1 ? 'reads' : 'read'} as 0.`
      );
    }
    if (s.normalisedFrom !== undefined) {
      notices.push(
        `The ${w} values add up to ${Math.round(s.normalisedFrom * 100) / 100}, not 1: they were read as counts.`
      );
      if (totals[w] === undefined) {
        totals[w] = s.normalisedFrom;
      }
    }
  }
  const refCounts =
    countsOf(custom, 'reference_counts', rows) ??
    (ref.normalisedFrom ? fields.reference.values.map((v) => (Number.isFinite(v) ? v : undefined)) : undefined);
  const curCounts =
    countsOf(custom, 'current_counts', rows) ??
    (cur.normalisedFrom ? fields.current.values.map((v) => (Number.isFinite(v) ? v : undefined)) : undefined);
  return { ref, cur, totals, refCounts, curCounts };
}

function readHistogramFrame(
  frame: DataFrame,
  fields: DistributionFields
): { histogram: HistogramModel; calibration?: CalibrationModel } {
  const notices: string[] = [];
  const custom = customOf(frame);
  const { ref, cur, totals, refCounts, curCounts } = readWindows(frame, fields, custom, notices);
  const lower = fields.lower!.values;
  const upper = fields.upper!.values;
  const bins: HistogramBin[] = [];
  const calibrationBins: CalibrationBin[] = [];
  const outside = { reference: 0, current: 0 };
  let badBounds = 0;
  for (let i = 0; i < frame.length; i++) {
    const lo = lower[i];
    const hi = upper[i];
    if (typeof lo !== 'number' || typeof hi !== 'number' || Number.isNaN(lo) || Number.isNaN(hi) || hi < lo) {
      badBounds++;
      continue;
    }
    if (!Number.isFinite(lo) || !Number.isFinite(hi)) {
      // An open bucket (+Inf overflow): reported, never spread over the axis.
      outside.reference += ref.shares[i];
      outside.current += cur.shares[i];
      continue;
    }
    const bin: HistogramBin = {
      lower: lo,
      upper: hi,
      reference: ref.shares[i],
      current: cur.shares[i],
      referenceCount: countFrom(ref.shares[i], refCounts?.[i], totals.reference),
      currentCount: countFrom(cur.shares[i], curCounts?.[i], totals.current),
    };
    bins.push(bin);
    if (fields.accuracy) {
      const acc = fields.accuracy.values[i];
      const conf = fields.confidence?.values[i];
      calibrationBins.push({
        lower: lo,
        upper: hi,
        accuracy: typeof acc === 'number' && Number.isFinite(acc) ? acc : NaN,
        confidence: typeof conf === 'number' && Number.isFinite(conf) ? conf : (lo + hi) / 2,
        // Counts when known, else shares: both weight bins the same way in ECE.
        count: bin.currentCount ?? bin.current,
      });
    }
  }
  if (badBounds > 0) {
    notices.push(
      `${badBounds} ${badBounds === 1 ? 'bin was' : 'bins were'} skipped: lower and upper must be numbers with lower <= upper.`
    );
  }
  bins.sort((a, b) => a.lower - b.lower || a.upper - b.upper);
  const histogram: HistogramModel = {
    source: 'distribution',
    bins,
    windows: windowsWithData(ref.shares, cur.shares, notices),
    totals,
    outside,
    drift: driftFromMeta(custom),
    notices,
  };
  if (!fields.accuracy) {
    return { histogram };
  }
  calibrationBins.sort((a, b) => a.lower - b.lower);
  return {
    histogram,
    calibration: {
      source: 'distribution',
      sides: { current: calibrationSide(calibrationBins) },
      midpoints: !fields.confidence,
      notices: [],
    },
  };
}

function readClassFrame(frame: DataFrame, fields: DistributionFields, settings: ReadSettings): ClassModel {
  const notices: string[] = [];
  const custom = customOf(frame);
  const { ref, cur, totals, refCounts, curCounts } = readWindows(frame, fields, custom, notices);
  const byName = new Map<string, ClassRow>();
  let merged = 0;
  for (let i = 0; i < frame.length; i++) {
    const raw = fields.className!.values[i];
    const name = raw === null || raw === undefined || raw === '' ? '(empty)' : String(raw);
    const row: ClassRow = {
      name,
      reference: ref.shares[i],
      current: cur.shares[i],
      referenceCount: countFrom(ref.shares[i], refCounts?.[i], totals.reference),
      currentCount: countFrom(cur.shares[i], curCounts?.[i], totals.current),
      change: NaN,
    };
    const prev = byName.get(name);
    if (prev) {
      merged++;
      prev.reference += row.reference;
      prev.current += row.current;
      prev.referenceCount = addOptional(prev.referenceCount, row.referenceCount);
      prev.currentCount = addOptional(prev.currentCount, row.currentCount);
    } else {
      byName.set(name, row);
    }
  }
  if (merged > 0) {
    notices.push(`${merged} repeated class ${merged === 1 ? 'name was' : 'names were'} added together.`);
  }
  return finishClasses(
    {
      source: 'distribution',
      rows: [...byName.values()],
      windows: windowsWithData(ref.shares, cur.shares, notices),
      totals,
      skewed: [],
      drift: driftFromMeta(custom),
      notices,
    },
    settings.skewThreshold
  );
}

/** A window whose shares are all 0 had no observations: it is left out rather than drawn flat. */
function windowsWithData(ref: number[], cur: number[], notices: string[]): PerWindow<true> {
  const out: PerWindow<true> = {};
  for (const [w, shares] of [
    ['reference', ref],
    ['current', cur],
  ] as const) {
    if (shares.some((v) => v > 0)) {
      out[w] = true;
    } else if (shares.length > 0) {
      notices.push(`The ${w} window has no observations in this time range.`);
    }
  }
  return out;
}

function addOptional(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined ? undefined : a + b;
}
