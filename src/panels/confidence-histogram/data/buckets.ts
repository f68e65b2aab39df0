import { type DataFrame, DataFrameType, type Field } from '@grafana/data';

import { collectSeries } from './series';
import type { HistogramBin, HistogramModel, PerWindow, ReadSettings, WindowName } from './types';

const WINDOWS: WindowName[] = ['reference', 'current'];

/** Prometheus's relative tolerance under which a decrease between cumulative buckets is rounding. */
const MONOTONIC_TOLERANCE = 1e-12;

/** Parses a Prometheus `le` value ("0.5", "1", "1.0", "+Inf"); undefined when it is not a bound. */
export function parseLe(le: string): number | undefined {
  const s = le.trim();
  if (/^\+?inf(inity)?$/i.test(s)) {
    return Infinity;
  }
  if (s === '' || !/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(s)) {
    return undefined;
  }
  return Number(s);
}

export function isBucketField(field: Field): boolean {
  return field.labels?.le !== undefined;
}

/** Cumulative counts per upper bound of one window. */
interface Cumulative {
  bounds: number[];
  cum: number[];
}

/**
 * Reads classic-histogram bucket series (an `le` label per series) into
 * per-bucket shares for both windows, as the Go engine does: equal bounds
 * (le="1" and le="1.0") add up, cumulative counts are forced monotonic,
 * different layouts are merged down to their common bounds, the lowest
 * bucket starts at 0, and the +Inf bucket is reported, never drawn.
 * Series in a `heatmap-rows` frame (Grafana's Prometheus "heatmap" format)
 * already hold per-bucket counts.
 */
export function readBuckets(frames: DataFrame[], settings: ReadSettings): HistogramModel | undefined {
  const { series, notices } = collectSeries(frames, isBucketField, settings, 'bucket');
  if (series.length === 0) {
    return notices.length > 0
      ? { source: 'buckets', bins: [], windows: {}, totals: {}, outside: {}, notices }
      : undefined;
  }
  const cumulativeSums: Record<WindowName, Map<number, number>> = { reference: new Map(), current: new Map() };
  const perBucketSums: Record<WindowName, Map<number, number>> = { reference: new Map(), current: new Map() };
  const badBounds = new Set<string>();
  for (const s of series) {
    const le = parseLe(s.labels.le ?? '');
    if (le === undefined || Number.isNaN(le)) {
      badBounds.add(s.labels.le ?? '');
      continue;
    }
    const target = s.frameType === DataFrameType.HeatmapRows ? perBucketSums : cumulativeSums;
    const m = target[s.window];
    m.set(le, (m.get(le) ?? 0) + Math.max(0, s.value));
  }
  if (badBounds.size > 0) {
    notices.push(
      `Bucket series with le=${[...badBounds].map((b) => `"${b}"`).join(', ')} were skipped: le must be a number or +Inf.`
    );
  }

  const windows: PerWindow<Cumulative> = {};
  for (const w of WINDOWS) {
    const c = toCumulative(cumulativeSums[w], perBucketSums[w]);
    if (c) {
      const repaired = forceMonotonic(c.cum);
      if (repaired) {
        notices.push(
          `Cumulative counts of the ${w} window fell between le=${formatBound(c.bounds[repaired.from - 1])} and le=${formatBound(c.bounds[repaired.to])} and were forced monotonic (this usually comes from extrapolated increase() results).`
        );
      }
      if (c.bounds[c.bounds.length - 1] !== Infinity) {
        notices.push(
          `The ${w} window has no +Inf bucket, so its total is the count at le=${formatBound(c.bounds[c.bounds.length - 1])}.`
        );
      }
      windows[w] = c;
    }
  }
  if (!windows.reference && !windows.current) {
    // Nothing readable, but the notices say why.
    return { source: 'buckets', bins: [], windows: {}, totals: {}, outside: {}, notices };
  }

  const totals: PerWindow<number> = {};
  for (const w of WINDOWS) {
    const c = windows[w];
    if (c) {
      totals[w] = c.cum[c.cum.length - 1];
    }
  }

  let bounds = (windows.current ?? windows.reference)!.bounds;
  if (windows.reference && windows.current) {
    const refSet = new Set(windows.reference.bounds);
    const common = windows.current.bounds.filter((b) => refSet.has(b));
    if (common.length === 0) {
      notices.push('The reference and current windows share no bucket bounds, so they cannot be compared.');
      return { source: 'buckets', bins: [], windows: {}, totals: {}, outside: {}, notices };
    }
    if (common.length !== windows.reference.bounds.length || common.length !== windows.current.bounds.length) {
      notices.push(
        `The two windows have different bucket bounds; they were merged to the ${common.length} bounds both have.`
      );
    }
    bounds = common;
  }

  const cumAt: PerWindow<number[]> = {};
  for (const w of WINDOWS) {
    const c = windows[w];
    if (c) {
      const index = new Map(c.bounds.map((b, i) => [b, i]));
      cumAt[w] = bounds.map((b) => c.cum[index.get(b)!]);
    }
  }

  const bins: HistogramBin[] = [];
  const outside: PerWindow<number> = {};
  for (const w of WINDOWS) {
    if (windows[w]) {
      outside[w] = 0;
    }
  }
  for (let i = 0; i < bounds.length; i++) {
    const upper = bounds[i];
    const lower = i === 0 ? (upper > 0 ? 0 : -Infinity) : bounds[i - 1];
    const counts: PerWindow<number> = {};
    for (const w of WINDOWS) {
      const c = cumAt[w];
      if (c) {
        counts[w] = c[i] - (i > 0 ? c[i - 1] : 0);
      }
    }
    if (!Number.isFinite(lower) || !Number.isFinite(upper)) {
      for (const w of WINDOWS) {
        if (counts[w] !== undefined) {
          outside[w] = outside[w]! + share(counts[w]!, totals[w]!);
        }
      }
      continue;
    }
    bins.push({
      lower,
      upper,
      reference: counts.reference !== undefined ? share(counts.reference, totals.reference!) : 0,
      current: counts.current !== undefined ? share(counts.current, totals.current!) : 0,
      referenceCount: counts.reference,
      currentCount: counts.current,
    });
  }
  // Observations above the highest common finite bound when a window had
  // no +Inf bucket in common (layouts merged) are outside too.
  const top = bounds[bounds.length - 1];
  for (const w of WINDOWS) {
    const c = cumAt[w];
    if (c && top !== Infinity) {
      outside[w] = outside[w]! + share(totals[w]! - c[c.length - 1], totals[w]!);
    }
  }
  for (const w of WINDOWS) {
    if (totals[w] === 0) {
      notices.push(`The ${w} window has no observations in this time range.`);
    }
  }
  return {
    source: 'buckets',
    bins,
    windows: { reference: windows.reference ? true : undefined, current: windows.current ? true : undefined },
    totals,
    outside,
    notices,
  };
}

function share(count: number, total: number): number {
  return total > 0 ? count / total : 0;
}

function toCumulative(cumulative: Map<number, number>, perBucket: Map<number, number>): Cumulative | undefined {
  const merged = new Map(cumulative);
  if (perBucket.size > 0) {
    // Per-bucket counts become cumulative in bound order.
    let acc = 0;
    for (const b of [...perBucket.keys()].sort((x, y) => x - y)) {
      acc += perBucket.get(b)!;
      merged.set(b, (merged.get(b) ?? 0) + acc);
    }
  }
  if (merged.size === 0) {
    return undefined;
  }
  const bounds = [...merged.keys()].sort((x, y) => x - y);
  return { bounds, cum: bounds.map((b) => merged.get(b)!) };
}

/**
 * Clamps decreases between cumulative counts to the previous count, as
 * Prometheus does before computing quantiles. Returns the range of indices
 * that fell by more than rounding, or undefined.
 */
export function forceMonotonic(cum: number[]): { from: number; to: number } | undefined {
  let from = -1;
  let to = -1;
  for (let i = 1; i < cum.length; i++) {
    const prev = cum[i - 1];
    if (cum[i] >= prev) {
      continue;
    }
    if (!almostEqual(prev, cum[i])) {
      if (from < 0) {
        from = i;
      }
      to = i;
    }
    cum[i] = prev;
  }
  return from < 0 ? undefined : { from, to };
}

/** Prometheus's util/almost.Equal for the non-negative counts read here. */
function almostEqual(a: number, b: number): boolean {
  if (a === b) {
    return true;
  }
  if (a === 0 || b === 0) {
    return false;
  }
  return Math.abs(a - b) / (Math.abs(a) + Math.abs(b)) < MONOTONIC_TOLERANCE;
}

function formatBound(b: number): string {
  return b === Infinity ? '+Inf' : String(b);
}
