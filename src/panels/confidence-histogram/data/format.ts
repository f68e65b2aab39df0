import type { DriftVerdict } from './types';

/** A share as a percentage: "12.3%", "0.04%", "0%". */
export function formatShare(share: number | undefined): string {
  if (share === undefined || !Number.isFinite(share)) {
    return '–';
  }
  const pct = share * 100;
  if (pct === 0) {
    return '0%';
  }
  if (Math.abs(pct) < 0.01) {
    return pct > 0 ? '<0.01%' : '>-0.01%';
  }
  return `${pct.toFixed(Math.abs(pct) < 1 ? 2 : 1)}%`;
}

/** A change of shares in percentage points, signed: "+20.9 pp", "−3.0 pp". */
export function formatPoints(change: number | undefined): string {
  if (change === undefined || !Number.isFinite(change)) {
    return '–';
  }
  const pp = change * 100;
  const text = Math.abs(pp).toFixed(Math.abs(pp) < 1 && pp !== 0 ? 2 : 1);
  return `${pp > 0 ? '+' : pp < 0 ? '−' : '±'}${text} pp`;
}

/** A count: integers with thousands separators; fractional counts (from increase()) to one decimal below 100. */
export function formatCount(count: number | undefined): string {
  if (count === undefined || !Number.isFinite(count)) {
    return '–';
  }
  const rounded = Math.abs(count) >= 100 || Number.isInteger(count) ? Math.round(count) : Math.round(count * 10) / 10;
  return rounded.toLocaleString('en-US');
}

/** A confidence value: two decimals, more when needed to tell fine bins apart. */
export function formatConfidence(v: number | undefined, digits = 2): string {
  if (v === undefined || !Number.isFinite(v)) {
    return '–';
  }
  return v.toFixed(digits);
}

/** A signed confidence change: "−0.18". */
export function formatConfidenceChange(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) {
    return '–';
  }
  const s = Math.abs(v).toFixed(2);
  return `${v > 0 ? '+' : v < 0 && s !== '0.00' ? '−' : '±'}${s}`;
}

/** Decimals that tell bins of this width apart (0.1 -> 1, 0.001 -> 3), at least 2. */
export function binDigits(width: number): number {
  if (!(width > 0) || !Number.isFinite(width)) {
    return 2;
  }
  return Math.min(6, Math.max(2, Math.ceil(-Math.log10(width) - 1e-9)));
}

export function formatBin(lower: number, upper: number): string {
  const digits = binDigits(upper - lower);
  return `${lower.toFixed(digits)}–${upper.toFixed(digits)}`;
}

function formatScore(v: number, kind: string): string {
  if (kind === 'p_value' && v < 0.001) {
    return v === 0 ? '0' : '<0.001';
  }
  return Math.abs(v) >= 100 ? v.toFixed(0) : Number(v.toPrecision(3)).toString();
}

export type VerdictState = 'drifted' | 'stable' | 'insufficient';

export interface VerdictText {
  state: VerdictState;
  /** "drifted", "no drift", "not enough data". */
  word: string;
  /** "wasserstein 0.42 ≥ 0.1". */
  detail: string;
}

/** Words for the backend's verdict; nothing here decides drift. */
export function describeVerdict(d: DriftVerdict): VerdictText {
  if (d.score === null) {
    return { state: 'insufficient', word: 'not enough data', detail: `${d.method}: no score` };
  }
  const pValue = d.kind === 'p_value';
  const name = pValue ? `${d.method} p` : d.method;
  const score = formatScore(d.score, d.kind);
  let detail = `${name} ${score}`;
  if (d.threshold !== null) {
    const below = d.score < d.threshold;
    detail += ` ${below ? '<' : '≥'} ${formatScore(d.threshold, d.kind)}`;
  }
  return d.drifted ? { state: 'drifted', word: 'drifted', detail } : { state: 'stable', word: 'no drift', detail };
}

/** Said wherever a drift verdict would be when the data does not carry one. */
export const NO_DRIFT_SCORE = 'No drift score: use the mlwatch distribution query';
