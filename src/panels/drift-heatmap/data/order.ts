import type { RowStats } from './cells';
import type { FeatureRow } from './model';

export type SortBy = 'worst' | 'latest' | 'firstOver' | 'name';

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/**
 * A row-name matcher from the filter box: plain text matches anywhere,
 * case-insensitive; several terms separated by commas match any of them;
 * /regex/ is a regular expression (plain text when it does not compile).
 */
export function rowMatcher(filter: string): ((name: string) => boolean) | undefined {
  const text = filter.trim();
  if (text === '') {
    return undefined;
  }
  const re = text.match(/^\/(.+)\/([a-z]*)$/);
  if (re) {
    try {
      const regex = new RegExp(re[1], re[2].includes('i') ? re[2] : re[2] + 'i');
      return (name) => regex.test(name);
    } catch {
      // Not a valid expression: fall through to plain text.
    }
  }
  const terms = text
    .toLowerCase()
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  return (name) => {
    const lower = name.toLowerCase();
    return terms.some((t) => lower.includes(t));
  };
}

/** Row indexes to show, in display order. */
export function orderRows(rows: FeatureRow[], stats: RowStats, sortBy: SortBy, filter = ''): Int32Array {
  const match = rowMatcher(filter);
  const picked: number[] = [];
  for (let r = 0; r < rows.length; r++) {
    if (!match || match(rows[r].name)) {
      picked.push(r);
    }
  }
  const byName = (a: number, b: number) => collator.compare(rows[a].name, rows[b].name) || a - b;
  const byWorst = (a: number, b: number) =>
    stats.worstPosition[b] - stats.worstPosition[a] || stats.overCount[b] - stats.overCount[a];
  let compare: (a: number, b: number) => number;
  switch (sortBy) {
    case 'name':
      compare = byName;
      break;
    case 'latest':
      compare = (a, b) => stats.latestPosition[b] - stats.latestPosition[a] || byWorst(a, b) || byName(a, b);
      break;
    case 'firstOver': {
      // Rows that never cross go last.
      const first = (r: number) => (stats.firstOver[r] < 0 ? Infinity : stats.firstOver[r]);
      compare = (a, b) => {
        const fa = first(a);
        const fb = first(b);
        return (fa === fb ? 0 : fa < fb ? -1 : 1) || byWorst(a, b) || byName(a, b);
      };
      break;
    }
    default:
      compare = (a, b) => byWorst(a, b) || byName(a, b);
  }
  picked.sort(compare);
  return Int32Array.from(picked);
}
