/**
 * Prometheus-style durations as pkg/models/query.go reads them: "30s",
 * "5m", "1h30m", "7d", "2w", "250ms"; "" and "0" are zero.
 */
const DURATION_RE = /^((\d+)w)?((\d+)d)?((\d+)h)?((\d+)m)?((\d+)s)?((\d+)ms)?$/;
const UNIT_MS = [7 * 86400e3, 86400e3, 3600e3, 60e3, 1e3, 1];

/** Milliseconds of a duration, or undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  const s = text.trim();
  if (s === '' || s === '0') {
    return 0;
  }
  const m = DURATION_RE.exec(s);
  if (!m) {
    return undefined;
  }
  let ms = 0;
  UNIT_MS.forEach((unit, i) => {
    const v = m[2 + 2 * i];
    if (v !== undefined) {
      ms += Number(v) * unit;
    }
  });
  return ms;
}

/** Writes "1h30m", "7d", "45s" as the backend does. */
export function formatDuration(ms: number): string {
  if (ms <= 0) {
    return '0s';
  }
  let rest = ms;
  let out = '';
  for (const [unit, suffix] of [
    [86400e3, 'd'],
    [3600e3, 'h'],
    [60e3, 'm'],
    [1e3, 's'],
    [1, 'ms'],
  ] as const) {
    const n = Math.floor(rest / unit);
    if (n > 0) {
      out += `${n}${suffix}`;
      rest -= n * unit;
    }
  }
  return out;
}

/** True when the text holds a template variable, whose value is only known at query time. */
export function hasVariable(text: string | undefined): boolean {
  return Boolean(text && /\$\w+|\$\{[^}]+\}|\[\[[^\]]+\]\]/.test(text));
}

// No weeks: "7 days earlier" reads better than "1 week earlier" next to a range.
const WORDS: Array<[number, string]> = [
  [86400e3, 'day'],
  [3600e3, 'hour'],
  [60e3, 'minute'],
  [1e3, 'second'],
];

/** "1 hour", "7 days", "90 minutes": a duration in the largest whole unit. */
export function humanDuration(ms: number): string {
  if (ms <= 0) {
    return '0 seconds';
  }
  for (const [unit, word] of WORDS) {
    if (ms % unit === 0) {
      const n = ms / unit;
      return `${n} ${word}${n === 1 ? '' : 's'}`;
    }
  }
  return `${ms} ms`;
}

/** "hour" for 1h, "2 hours" for 2h: the window in "the same ___ 7 days earlier". */
export function sameWindowWords(ms: number): string {
  const h = humanDuration(ms);
  return h.startsWith('1 ') ? h.slice(2) : h;
}
