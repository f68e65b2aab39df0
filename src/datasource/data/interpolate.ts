import type { MlQuery } from '../types';

/**
 * Template variable interpolation for every text field of a query, with
 * each value escaped for where it lands. Pure: `replace` is
 * getTemplateSrv().replace bound to the request's scopedVars, so tests pass
 * a fake.
 *
 * Grafana calls the format function with a string for a single value and
 * with an array for several values (multi-value, or "All" without a custom
 * all value). A custom all value (e.g. ".*") is never formatted: Grafana
 * inserts it as written, which is what its author meant.
 */
export type FormatFn = (value: string | string[]) => string;
export type Replace = (text: string, format?: FormatFn) => string;

/** Grafana's variable syntax: $var, ${var}, ${var:fmt}, ${var.path}, [[var]], [[var:fmt]]. */
const VARIABLE_RE = /\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\$\{(\w+)(?:\.([^:^}]+))?(?::([^}]+))?\}/g;

const list = (v: string | string[]) => (Array.isArray(v) ? v : [v]);

/** Escapes regular-expression syntax (RE2 and JavaScript agree on these). */
export function escapeRegex(s: string): string {
  return s.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
}

/** Escapes text for a PromQL string literal opened with `quote`. */
export function escapePromString(s: string, quote: string): string {
  if (quote === '`') {
    // Raw strings have no escapes; a backtick cannot appear in one.
    return s.replace(/`/g, '');
  }
  return s
    .replace(/\\/g, '\\\\')
    .replace(quote === '"' ? /"/g : /'/g, `\\${quote}`)
    .replace(/\n/g, '\\n');
}

/** Escapes text for a ClickHouse single-quoted string literal. */
export function escapeSqlString(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
}

/** Formats for value positions, exported for tests and the variable editor. */
export const formats = {
  /** Inside a PromQL =~ / !~ string: each value a literal, alternatives joined with |. */
  promRegexString:
    (quote: string): FormatFn =>
    (v) =>
      list(v)
        .map((x) => escapePromString(escapeRegex(x), quote))
        .join('|'),
  /** Inside any other PromQL string. */
  promString:
    (quote: string): FormatFn =>
    (v) =>
      list(v)
        .map((x) => escapePromString(x, quote))
        .join('|'),
  /** Outside strings (metric names, by (...) lists): raw, several joined with commas. */
  promBare: ((v) => list(v).join(',')) as FormatFn,
  /** A field the backend reads as a regular expression (GPU filters). */
  regex: ((v) => list(v).map(escapeRegex).join('|')) as FormatFn,
  /** Inside a SQL string literal: escaped, several become 'a','b' together with the quotes around. */
  sqlInString: ((v) => list(v).map(escapeSqlString).join("','")) as FormatFn,
  /**
   * Outside SQL strings: one value as written with quotes escaped (for
   * FROM $table or '$value'), several quoted and comma-joined for IN ($var).
   */
  sqlBare: ((v) =>
    Array.isArray(v) ? v.map((x) => `'${escapeSqlString(x)}'`).join(',') : v.replace(/'/g, "''")) as FormatFn,
  /** Inside a SQL quoted identifier. */
  sqlIdentifier:
    (quote: string): FormatFn =>
    (v) =>
      list(v)
        .map((x) => x.split(quote).join(quote + quote))
        .join(','),
  /** Plain text fields: several values joined with commas. */
  plain: ((v) => list(v).join(',')) as FormatFn,
};

/** Separator used to expand one list element into several; never in a label or column name. */
const UNIT = '\u001f';

/**
 * Replaces each variable in PromQL text with a format chosen from its
 * position: inside a =~ / !~ string, inside another string, or bare.
 */
export function interpolatePromQL(text: string, replace: Replace): string {
  return scan(text, replace, promContext);
}

/** Replaces each variable in SQL text with a format chosen from its position. */
export function interpolateSQL(text: string, replace: Replace): string {
  return scan(text, replace, sqlContext);
}

type ContextFn = (text: string, upTo: number, state: LexState) => FormatFn;

interface LexState {
  pos: number;
  quote: string; // '' outside strings
  stringStart: number;
  comment: '' | 'line' | 'block';
}

function scan(text: string, replace: Replace, context: ContextFn): string {
  if (!text.includes('$') && !text.includes('[[')) {
    return text;
  }
  const state: LexState = { pos: 0, quote: '', stringStart: -1, comment: '' };
  let out = '';
  let last = 0;
  VARIABLE_RE.lastIndex = 0;
  for (let m = VARIABLE_RE.exec(text); m; m = VARIABLE_RE.exec(text)) {
    const format = context(text, m.index, state);
    out += text.slice(last, m.index) + replace(m[0], format);
    last = m.index + m[0].length;
    // The variable's own characters are not lexed: a value never opens a string.
    state.pos = last;
  }
  return out + text.slice(last);
}

/** Advances a PromQL lexer to `upTo` and returns the format for that position. */
const promContext: ContextFn = (text, upTo, s) => {
  for (; s.pos < upTo; s.pos++) {
    const c = text[s.pos];
    if (s.comment === 'line') {
      if (c === '\n') {
        s.comment = '';
      }
    } else if (s.quote) {
      if (c === '\\' && s.quote !== '`') {
        s.pos++;
      } else if (c === s.quote) {
        s.quote = '';
      }
    } else if (c === '#') {
      s.comment = 'line';
    } else if (c === '"' || c === "'" || c === '`') {
      s.quote = c;
      s.stringStart = s.pos;
    }
  }
  if (!s.quote) {
    return formats.promBare;
  }
  const before = text.slice(0, s.stringStart).trimEnd();
  return before.endsWith('=~') || before.endsWith('!~')
    ? formats.promRegexString(s.quote)
    : formats.promString(s.quote);
};

/** Advances a SQL lexer to `upTo` and returns the format for that position. */
const sqlContext: ContextFn = (text, upTo, s) => {
  for (; s.pos < upTo; s.pos++) {
    const c = text[s.pos];
    if (s.comment === 'line') {
      if (c === '\n') {
        s.comment = '';
      }
    } else if (s.comment === 'block') {
      if (c === '*' && text[s.pos + 1] === '/') {
        s.comment = '';
        s.pos++;
      }
    } else if (s.quote) {
      if (c === '\\') {
        s.pos++;
      } else if (c === s.quote) {
        if (text[s.pos + 1] === s.quote) {
          s.pos++; // '' inside a string
        } else {
          s.quote = '';
        }
      }
    } else if (c === '-' && text[s.pos + 1] === '-') {
      s.comment = 'line';
    } else if (c === '/' && text[s.pos + 1] === '*') {
      s.comment = 'block';
      s.pos++;
    } else if (c === "'" || c === '"' || c === '`') {
      s.quote = c;
      s.stringStart = s.pos;
    }
  }
  if (s.quote === "'") {
    return formats.sqlInString;
  }
  if (s.quote) {
    return formats.sqlIdentifier(s.quote);
  }
  return formats.sqlBare;
};

/** Expands list elements: ["$feature"] with two values becomes ["a", "b"]. */
export function interpolateList(values: string[], replace: Replace): string[] {
  const out: string[] = [];
  for (const v of values) {
    const expanded = replace(v, (x) => list(x).join(UNIT));
    for (const part of expanded.split(UNIT)) {
      const trimmed = part.trim();
      if (trimmed && !out.includes(trimmed)) {
        out.push(trimmed);
      }
    }
  }
  return out;
}

/** Keys that identify the query or hold editor state: never templated. */
const FIXED_KEYS = new Set([
  'refId',
  'queryType',
  'datasource',
  'editorMode',
  'key',
  'hide',
  'source',
  'format',
  'mode',
]);

/** Field path -> how its text is interpolated. Paths not listed use `plain`. */
const FIELD_RULES: Record<string, 'promql' | 'sql' | 'regex' | 'list'> = {
  'prometheus.expr': 'promql',
  'prometheus.matchers': 'promql',
  'prometheus.features': 'list',
  'clickhouse.sql': 'sql',
  'clickhouse.columns': 'list',
  'gpu.metrics': 'list',
  'gpu.namespace': 'regex',
  'gpu.pod': 'regex',
  'gpu.host': 'regex',
};

/**
 * Returns a copy of the query with every variable replaced; see FIELD_RULES
 * for the escaping per field. Filter values of `in` / `not in` become lists.
 */
export function interpolateQuery<T extends MlQuery>(query: T, replace: Replace): T {
  return walk(query, '', replace) as T;
}

function walk(value: unknown, path: string, replace: Replace): unknown {
  const rule = FIELD_RULES[path];
  if (typeof value === 'string') {
    switch (rule) {
      case 'promql':
        return interpolatePromQL(value, replace);
      case 'sql':
        return interpolateSQL(value, replace);
      case 'regex':
        return replace(value, formats.regex);
      default:
        return replace(value, formats.plain);
    }
  }
  if (Array.isArray(value)) {
    if (rule === 'list' && value.every((v) => typeof v === 'string')) {
      return interpolateList(value as string[], replace);
    }
    return value.map((v, i) => walk(v, path ? `${path}.${i}` : String(i), replace));
  }
  if (value && typeof value === 'object') {
    if (/^clickhouse\.filters\.\d+$/.test(path)) {
      return interpolateFilter(value as Record<string, unknown>, replace);
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = path === '' && FIXED_KEYS.has(k) ? v : walk(v, path ? `${path}.${k}` : k, replace);
    }
    return out;
  }
  return value;
}

function interpolateFilter(f: Record<string, unknown>, replace: Replace): Record<string, unknown> {
  const op = String(f.op ?? '').toLowerCase();
  const out: Record<string, unknown> = {
    ...f,
    column: typeof f.column === 'string' ? replace(f.column, formats.plain) : f.column,
  };
  const v = f.value;
  if (op === 'in' || op === 'not in') {
    if (typeof v === 'string') {
      out.value = interpolateList([v], replace);
    } else if (Array.isArray(v)) {
      out.value = interpolateList(v.map(String), replace);
    }
  } else if (typeof v === 'string') {
    out.value = replace(v, formats.plain);
  }
  return out;
}
