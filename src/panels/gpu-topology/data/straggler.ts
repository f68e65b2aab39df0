/**
 * Straggler scores for raw DCGM series, when the data does not come from the
 * mlwatch `gpu` query (which scores GPUs in the backend).
 *
 * The reference is the backend's pkg/gpu (straggler.go, Analyze): a GPU's
 * score is its mean utilisation over the range divided by the median of its
 * peer group's means; it is a straggler when the score is below the
 * threshold (0.75) and the group median is at least 40 %. Keep this small
 * and in step with it; do not grow a second implementation here.
 */

export interface StragglerOptions {
  /** A GPU is a straggler when its score is below this (0.75). */
  threshold: number;
  /** Groups whose median utilisation (%) is below this are idle: no verdicts. */
  minGroupMedian: number;
}

export const DEFAULT_STRAGGLER_OPTIONS: StragglerOptions = { threshold: 0.75, minGroupMedian: 40 };

export interface StragglerResult {
  score: Float64Array;
  straggler: Uint8Array;
  groupMedian: Float64Array;
  groupSize: Int32Array;
  idle: Uint8Array;
}

/** Median (NaN for none); the mean of the two middle values for an even count, as numpy.median. */
export function median(values: number[]): number {
  const n = values.length;
  if (n === 0) {
    return NaN;
  }
  const s = values.slice().sort((a, b) => a - b);
  return n % 2 === 1 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/**
 * Scores every GPU against its group. `groups[i]` is GPU i's group name (""
 * for none: such GPUs get no score), `util[i]` its mean utilisation (NaN for
 * unknown: no score). Groups of one GPU score 1; so does everyone in a group
 * whose median is 0 (no work rate to fall behind).
 */
export function analyzeStragglers(groups: string[], util: ArrayLike<number>, o: StragglerOptions): StragglerResult {
  const n = groups.length;
  const out: StragglerResult = {
    score: new Float64Array(n).fill(NaN),
    straggler: new Uint8Array(n),
    groupMedian: new Float64Array(n).fill(NaN),
    groupSize: new Int32Array(n),
    idle: new Uint8Array(n),
  };
  const members = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    const g = groups[i];
    if (g === '') {
      continue;
    }
    let list = members.get(g);
    if (!list) {
      list = [];
      members.set(g, list);
    }
    list.push(i);
  }
  for (const list of members.values()) {
    const utils: number[] = [];
    for (const i of list) {
      if (!Number.isNaN(util[i])) {
        utils.push(util[i]);
      }
    }
    const med = median(utils);
    // NaN >= x is false: a group without utilisation is idle too.
    const idle = !(med >= o.minGroupMedian);
    for (const i of list) {
      out.groupSize[i] = utils.length;
      out.groupMedian[i] = med;
      out.idle[i] = idle ? 1 : 0;
      if (Number.isNaN(util[i])) {
        continue;
      }
      const score = utils.length === 1 || med <= 0 ? 1 : util[i] / med;
      out.score[i] = score;
      if (!idle && score < o.threshold) {
        out.straggler[i] = 1;
      }
    }
  }
  return out;
}
