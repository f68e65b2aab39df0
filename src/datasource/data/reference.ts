import type { MlQuery, QueryDefaults } from '../types';
import { effectiveQuery } from './defaults';
import { hasVariable, humanDuration, parseDuration, sameWindowWords } from './duration';

/** The dashboard time range as the editor knows it (ms), and whether it ends now. */
export interface RangeInfo {
  from: number;
  to: number;
  /** raw.to was "now" (a relative range). */
  endsNow: boolean;
}

export interface ReferencePreview {
  /** "Compare the last 1 hour with the same hour 7 days earlier." */
  sentence: string;
  /** Something that will fail at query time with this range. */
  warning?: string;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** "2026-11-27 10:00" in UTC: unambiguous and short. */
export function formatInstant(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

function currentWords(range: RangeInfo | undefined): string {
  if (!range) {
    return 'the dashboard time range';
  }
  const len = range.to - range.from;
  if (range.endsNow) {
    return `the last ${humanDuration(len)}`;
  }
  return `${formatInstant(range.from)} to ${formatInstant(range.to)} UTC`;
}

function tableName(database: string | undefined, table: string | undefined): string {
  return database ? `${database}.${table}` : `${table}`;
}

/**
 * A sentence that says what the query compares, so that nobody has to
 * guess what "offset 7d" does to a 1h range.
 */
export function describeReference(
  query: MlQuery,
  range: RangeInfo | undefined,
  defaults?: QueryDefaults
): ReferencePreview {
  const q = effectiveQuery(query, defaults);
  const r = q.reference ?? {};
  const current = currentWords(range);
  let sentence: string;
  let warning: string | undefined;
  switch (r.mode) {
    case 'absolute': {
      const from = r.from ? Date.parse(r.from) : NaN;
      const to = r.to ? Date.parse(r.to) : NaN;
      if (!Number.isFinite(from) || !Number.isFinite(to)) {
        sentence = `Compare ${current} with a fixed range: pick its start and end.`;
        break;
      }
      sentence = `Compare ${current} with ${formatInstant(from)} to ${formatInstant(to)} UTC.`;
      if (range && to > range.from && from < range.to) {
        warning = 'The reference range overlaps the current range; compare with a range before it.';
      }
      break;
    }
    case 'baseline':
      sentence = r.table
        ? `Compare ${current} with all rows of the baseline table ${tableName(r.database, r.table)}.`
        : `Compare ${current} with a baseline table: pick the table.`;
      break;
    default: {
      const offsetText = r.offset ?? '';
      const offset = hasVariable(offsetText) ? undefined : parseDuration(offsetText);
      if (offset === undefined || offset <= 0) {
        sentence = hasVariable(offsetText)
          ? `Compare ${current} with the same window shifted back by ${offsetText}.`
          : `Compare ${current} with an earlier window: give the offset, such as 7d.`;
        break;
      }
      const len = range ? range.to - range.from : undefined;
      const same = len ? `the same ${sameWindowWords(len)}` : 'the same window';
      sentence = `Compare ${current} with ${same} ${humanDuration(offset)} earlier.`;
      if (len && offset < len) {
        warning = `The offset (${humanDuration(offset)}) is shorter than the range (${humanDuration(len)}): the two windows overlap.`;
      }
    }
  }
  if (q.overTime) {
    sentence += ' ' + describeOverTime(q);
  }
  return { sentence, warning };
}

/** "Over time: a score every 5 minutes, each for the 1 hour before it." */
export function describeOverTime(q: MlQuery): string {
  const step = q.step && !hasVariable(q.step) ? parseDuration(q.step) : undefined;
  const window = q.window && !hasVariable(q.window) ? parseDuration(q.window) : undefined;
  const every = step ? `every ${humanDuration(step)}` : q.step ? `every ${q.step}` : 'every panel interval';
  const over = window ? `the ${humanDuration(window)}` : q.window ? `the ${q.window}` : 'the step';
  return `Over time: a score ${every}, each for ${over} before it.`;
}
