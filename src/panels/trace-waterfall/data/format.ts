/** Durations the way trace views print them: 850 µs, 12.3 ms, 1.24 s, 2 m 5 s. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) {
    return '';
  }
  const sign = ms < 0 ? '−' : '';
  const a = Math.abs(ms);
  if (a === 0) {
    return '0 ms';
  }
  if (a < 1) {
    return `${sign}${trim(a * 1000, a * 1000 < 10 ? 2 : a * 1000 < 100 ? 1 : 0)} µs`;
  }
  if (a < 1000) {
    return `${sign}${trim(a, a < 10 ? 2 : a < 100 ? 1 : 0)} ms`;
  }
  if (a < 60_000) {
    return `${sign}${trim(a / 1000, a < 10_000 ? 2 : 1)} s`;
  }
  const minutes = Math.floor(a / 60_000);
  const seconds = Math.round((a - minutes * 60_000) / 1000);
  if (minutes < 60) {
    return seconds === 0 ? `${sign}${minutes} m` : `${sign}${minutes} m ${seconds} s`;
  }
  const hours = Math.floor(minutes / 60);
  const rest = minutes - hours * 60;
  return rest === 0 ? `${sign}${hours} h` : `${sign}${hours} h ${rest} m`;
}

function trim(value: number, digits: number): string {
  return String(Number(value.toFixed(digits)));
}

/** Counts with thousands separators: 12,345. */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Shares as whole percentages, with "<1%" for small non-zero shares. */
export function formatShare(share: number): string {
  if (share > 0 && share < 0.01) {
    return '<1%';
  }
  return `${Math.round(share * 100)}%`;
}

/** An epoch time in UTC with milliseconds: 2025-11-27 08:00:00.123 UTC. */
export function formatTimestamp(ms: number): string {
  if (!Number.isFinite(ms)) {
    return '';
  }
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)} UTC`;
}
