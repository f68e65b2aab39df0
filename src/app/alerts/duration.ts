/**
 * Prometheus durations ("30s", "5m", "1h30m", "7d"), as Prometheus's own
 * model.ParseDuration reads them: units y, w, d, h, m, s, ms, each at most
 * once and from largest to smallest.
 */

const UNITS: ReadonlyArray<[string, number]> = [
  ['y', 365 * 24 * 3600 * 1000],
  ['w', 7 * 24 * 3600 * 1000],
  ['d', 24 * 3600 * 1000],
  ['h', 3600 * 1000],
  ['m', 60 * 1000],
  ['s', 1000],
  ['ms', 1],
];

const DURATION_RE = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;

/** Milliseconds of a Prometheus duration, or undefined when it is not one. "0s" and "0" are 0. */
export function parseDuration(text: string): number | undefined {
  if (text === '0') {
    return 0;
  }
  if (text === '') {
    return undefined;
  }
  const m = DURATION_RE.exec(text);
  if (!m) {
    return undefined;
  }
  let ms = 0;
  for (let i = 0; i < UNITS.length; i++) {
    const v = m[i + 1];
    if (v !== undefined) {
      ms += Number(v) * UNITS[i][1];
    }
  }
  return Number.isSafeInteger(ms) ? ms : undefined;
}

/** The shortest Prometheus spelling of a number of milliseconds: 90000 -> "1m30s", 0 -> "0s". */
export function formatDuration(ms: number): string {
  if (ms <= 0) {
    return '0s';
  }
  let rest = Math.round(ms);
  let out = '';
  // Weeks and years are left out on purpose: "7d" reads better than "1w".
  for (const [unit, size] of UNITS) {
    if (unit === 'y' || unit === 'w') {
      continue;
    }
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}

/** Seconds of a duration that is known to be valid. */
export function durationSeconds(text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined) {
    throw new Error(`"${text}" is not a Prometheus duration`);
  }
  return ms / 1000;
}

/**
 * Words for a duration in annotations, after "the last" or "the ... before":
 * "5m" -> "5 minutes", "1h" -> "hour", "1h30m" -> "1h30m".
 */
export function durationWords(text: string): string {
  const m = /^(\d+)(ms|s|m|h|d|w|y)$/.exec(text);
  if (!m) {
    return text;
  }
  const n = Number(m[1]);
  const words: Record<string, string> = {
    ms: 'millisecond',
    s: 'second',
    m: 'minute',
    h: 'hour',
    d: 'day',
    w: 'week',
    y: 'year',
  };
  const word = words[m[2]];
  return n === 1 ? word : `${n} ${word}s`;
}
