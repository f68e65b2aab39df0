/** Anything with a [lower, upper) range, sorted by lower. */
export interface Range {
  lower: number;
  upper: number;
}

/**
 * The index of the bin containing `value` (binary search over sorted,
 * non-overlapping bins), or undefined in a gap or outside. The last bin
 * includes its upper edge.
 */
export function binIndexAt(bins: Range[], value: number): number | undefined {
  if (bins.length === 0 || !Number.isFinite(value)) {
    return undefined;
  }
  let lo = 0;
  let hi = bins.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (bins[mid].lower <= value) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  const b = bins[lo];
  if (value < b.lower) {
    return undefined;
  }
  if (value < b.upper || (lo === bins.length - 1 && value === b.upper)) {
    return lo;
  }
  return undefined;
}

/** The next bin index for a key press, clamped; undefined for other keys. */
export function stepIndex(current: number | undefined, key: string, count: number): number | undefined {
  if (count === 0) {
    return undefined;
  }
  const page = Math.max(1, Math.round(count / 10));
  switch (key) {
    case 'ArrowRight':
    case 'ArrowDown':
      return current === undefined ? 0 : Math.min(count - 1, current + 1);
    case 'ArrowLeft':
    case 'ArrowUp':
      return current === undefined ? count - 1 : Math.max(0, current - 1);
    case 'PageDown':
      return current === undefined ? 0 : Math.min(count - 1, current + page);
    case 'PageUp':
      return current === undefined ? count - 1 : Math.max(0, current - page);
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return undefined;
  }
}

/** The reference window as a step outline: points along the tops of the bins, dropping to 0 at gaps. */
export function stepOutline(bins: Range[], share: (i: number) => number): Array<[number, number]> {
  const points: Array<[number, number]> = [];
  for (let i = 0; i < bins.length; i++) {
    const b = bins[i];
    const s = share(i);
    const prev = i > 0 ? bins[i - 1] : undefined;
    if (!prev || prev.upper !== b.lower) {
      if (prev) {
        points.push([prev.upper, 0]);
      }
      points.push([b.lower, 0]);
    }
    points.push([b.lower, s], [b.upper, s]);
  }
  if (bins.length > 0) {
    points.push([bins[bins.length - 1].upper, 0]);
  }
  return points;
}
