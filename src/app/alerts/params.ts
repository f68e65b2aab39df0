/**
 * Parameter declarations, validation and resolution.
 */
import { parseDuration } from './duration';
import {
  type AlertTemplate,
  type DurationParam,
  type EnumParam,
  type LabelNameParam,
  type LabelValueParam,
  type MatchersParam,
  type MetricNameParam,
  type NumberParam,
  type ParamProblem,
  type ParamValue,
  type ParamValues,
  type ParameterSpec,
  type RegexParam,
  SEVERITIES,
  type Severity,
  type UidParam,
  type UrlParam,
} from './types';

export const LABEL_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
export const METRIC_NAME_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
/** Label values we write into rules and queries: no quotes, braces, dollar signs or spaces. */
export const LABEL_VALUE_RE = /^[A-Za-z0-9_][A-Za-z0-9_.:/@+-]*$/;
export const UID_RE = /^[A-Za-z0-9_-]{1,40}$/;
const MATCHER_RE = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\\n]|\\.)*)"\s*/;

const MAX_STRING = 256;

// ---------------------------------------------------------------------------
// Declaring parameters (shared by the templates).

type Decl<T> = Omit<T, 'kind'>;

export const numberParam = (p: Decl<NumberParam>): NumberParam => ({ kind: 'number', ...p });
export const durationParam = (p: Decl<DurationParam>): DurationParam => ({ kind: 'duration', ...p });
export const labelNameParam = (p: Decl<LabelNameParam>): LabelNameParam => ({ kind: 'labelName', ...p });
export const metricNameParam = (p: Decl<MetricNameParam>): MetricNameParam => ({ kind: 'metricName', ...p });
export const labelValueParam = (p: Decl<LabelValueParam>): LabelValueParam => ({ kind: 'labelValue', ...p });
export const matchersParam = (p: Decl<MatchersParam>): MatchersParam => ({ kind: 'matchers', ...p });
export const regexParam = (p: Decl<RegexParam>): RegexParam => ({ kind: 'regex', ...p });
export const enumParam = (p: Decl<EnumParam>): EnumParam => ({ kind: 'enum', ...p });
export const urlParam = (p: Decl<UrlParam>): UrlParam => ({ kind: 'url', ...p });
export const uidParam = (p: Decl<UidParam>): UidParam => ({ kind: 'uid', ...p });

/** The pending period of a rule. */
export function forParam(def: string, name = 'for', title = 'Pending period (for)'): DurationParam {
  return durationParam({
    name,
    title,
    description: 'How long the condition must hold before the alert fires; 0s fires at once.',
    default: def,
    allowZero: true,
    max: '7d',
  });
}

export function severityParam(def: Severity, name = 'severity', title = 'Severity'): EnumParam {
  return enumParam({
    name,
    title,
    description: 'The severity label; the example Alertmanager config pages on critical and posts the rest to Slack.',
    default: def,
    options: SEVERITIES,
  });
}

export function windowParam(name: string, title: string, def: string, description: string, min = '1m'): DurationParam {
  return durationParam({ name, title, description, default: def, min, max: '90d' });
}

export interface CommonOptions {
  /** Default datasource UID (prometheus for PromQL templates, mlwatch for the mlwatch datasource). */
  datasourceUid: string;
  datasourceTitle?: string;
  /** Whether the template has a selector parameter (extra label matchers). */
  selector?: boolean;
}

/**
 * Parameters every template has: routing labels, links, the Grafana
 * datasource and Grafana's handling of no data and errors.
 */
export function commonParameters(opts: CommonOptions): ParameterSpec[] {
  const out: ParameterSpec[] = [];
  if (opts.selector !== false) {
    out.push(
      matchersParam({
        name: 'selector',
        title: 'Extra label matchers',
        description:
          'Added to every metric selector of the rule, e.g. namespace="prod" or env!~"dev|test". Empty: all series.',
        default: '',
      })
    );
  }
  out.push(
    labelValueParam({
      name: 'team',
      title: 'Team',
      description: 'Adds a team label for routing. Empty: no team label.',
      default: '',
      optional: true,
    }),
    urlParam({
      name: 'runbookUrl',
      title: 'Runbook URL',
      description: 'Adds a runbook_url annotation linking to your own runbook. Empty: none.',
      default: '',
      optional: true,
    }),
    uidParam({
      name: 'datasourceUid',
      title: opts.datasourceTitle ?? 'Prometheus datasource UID (Grafana rules)',
      description: 'The datasource the Grafana-managed rule queries.',
      default: opts.datasourceUid,
    }),
    enumParam({
      name: 'noDataState',
      title: 'No data (Grafana rules)',
      description:
        'Grafana rule state when the query returns nothing. The queries return no series when all is well, so OK is the default.',
      default: 'OK',
      options: ['OK', 'NoData', 'Alerting', 'KeepLast'],
    }),
    enumParam({
      name: 'execErrState',
      title: 'Error (Grafana rules)',
      description: 'Grafana rule state when the query fails.',
      default: 'Error',
      options: ['Error', 'Alerting', 'OK', 'KeepLast'],
    })
  );
  return out;
}

// ---------------------------------------------------------------------------
// Validation.

function describe(value: unknown): string {
  if (typeof value === 'string') {
    return JSON.stringify(value);
  }
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return 'a list';
  }
  if (typeof value === 'object') {
    return 'an object';
  }
  return String(value);
}

/** Checks PromQL label matchers such as `namespace="prod", env!~"dev|test"`. Returns a problem or undefined. */
export function checkMatchers(text: string): string | undefined {
  let rest = text.trim();
  if (rest === '') {
    return undefined;
  }
  if (rest.startsWith('{') || rest.endsWith('}')) {
    return 'write the matchers without braces, e.g. namespace="prod", env!~"dev|test"';
  }
  for (;;) {
    const m = MATCHER_RE.exec(rest);
    if (!m) {
      return `cannot read the matcher at ${JSON.stringify(rest.slice(0, 30))}; write label="value", label!="value", label=~"regex" or label!~"regex", separated by commas`;
    }
    if (m[1].startsWith('__')) {
      return `label ${m[1]} is reserved (names starting with __)`;
    }
    if (m[2] === '=~' || m[2] === '!~') {
      const problem = checkRegex(unescapePromString(m[3]));
      if (problem) {
        return `${m[1]}${m[2]}: ${problem}`;
      }
    }
    rest = rest.slice(m[0].length);
    if (rest === '') {
      return undefined;
    }
    if (!rest.startsWith(',')) {
      return `expected a comma after ${m[0].trim()}`;
    }
    rest = rest.slice(1);
    if (rest.trim() === '') {
      return undefined;
    }
  }
}

function unescapePromString(s: string): string {
  return s.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

/** A regular expression Prometheus (RE2) and JavaScript both read; RE2 lacks lookaround and backreferences. */
export function checkRegex(text: string): string | undefined {
  if (/\(\?[=!<]|\\[1-9]/.test(text)) {
    return 'lookarounds and backreferences are not supported by Prometheus (RE2)';
  }
  try {
    new RegExp(`^(?:${text})$`);
  } catch (e) {
    return `not a valid regular expression (${e instanceof Error ? e.message : String(e)})`;
  }
  return undefined;
}

/** Checks one value against its declaration; returns a problem message or undefined. */
export function checkValue(spec: ParameterSpec, value: unknown): string | undefined {
  switch (spec.kind) {
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        return `must be a number, got ${describe(value)}`;
      }
      if (spec.integer && !Number.isInteger(value)) {
        return `must be a whole number, got ${value}`;
      }
      const low = spec.min === undefined ? undefined : spec.minExclusive ? value <= spec.min : value < spec.min;
      const high = spec.max === undefined ? undefined : spec.maxExclusive ? value >= spec.max : value > spec.max;
      if (low || high) {
        return `must be ${rangeWords(spec)}, got ${value}`;
      }
      return undefined;
    }
    case 'duration': {
      if (typeof value !== 'string') {
        return `must be a duration such as "5m" (a string), got ${describe(value)}`;
      }
      const ms = parseDuration(value);
      if (ms === undefined) {
        return `${describe(value)} is not a duration; use a number with a unit, such as 30s, 5m, 1h or 7d`;
      }
      if (ms === 0) {
        return spec.allowZero ? undefined : 'must be longer than 0s';
      }
      const min = spec.min ? parseDuration(spec.min) : undefined;
      const max = spec.max ? parseDuration(spec.max) : undefined;
      if (min !== undefined && ms < min) {
        return `must be at least ${spec.min}, got ${value}`;
      }
      if (max !== undefined && ms > max) {
        return `must be at most ${spec.max}, got ${value}`;
      }
      return undefined;
    }
    case 'labelName':
      if (typeof value !== 'string' || !LABEL_NAME_RE.test(value)) {
        return `must be a label name (letters, digits and _, not starting with a digit), got ${describe(value)}`;
      }
      if (value.startsWith('__')) {
        return `label names starting with __ are reserved, got ${describe(value)}`;
      }
      return undefined;
    case 'metricName':
      if (typeof value !== 'string' || !METRIC_NAME_RE.test(value)) {
        return `must be a metric name (letters, digits, _ and :, not starting with a digit), got ${describe(value)}`;
      }
      if (spec.histogram) {
        const suffix = /_(bucket|sum|count)$/.exec(value);
        if (suffix) {
          return `give the histogram's base name without _${suffix[1]} (${value.slice(0, -suffix[0].length)})`;
        }
      }
      return undefined;
    case 'labelValue':
      if (typeof value !== 'string') {
        return `must be a string, got ${describe(value)}`;
      }
      if (value === '') {
        return spec.optional ? undefined : 'must not be empty';
      }
      if (value.length > 128 || !LABEL_VALUE_RE.test(value)) {
        return `must be letters, digits and _ . : / @ + - (at most 128, no spaces or quotes), got ${describe(value)}`;
      }
      return undefined;
    case 'matchers':
      if (typeof value !== 'string') {
        return `must be a string of label matchers, got ${describe(value)}`;
      }
      if (value.length > MAX_STRING) {
        return `is too long (at most ${MAX_STRING} characters)`;
      }
      return checkMatchers(value);
    case 'regex':
      if (typeof value !== 'string' || value === '') {
        return `must be a non-empty regular expression, got ${describe(value)}`;
      }
      if (/["\n]/.test(value) || value.length > MAX_STRING) {
        return 'must not contain quotes or line breaks';
      }
      return checkRegex(value);
    case 'enum':
      if (typeof value !== 'string' || !spec.options.includes(value)) {
        return `must be one of ${spec.options.join(', ')}, got ${describe(value)}`;
      }
      return undefined;
    case 'url':
      if (typeof value !== 'string') {
        return `must be a URL string, got ${describe(value)}`;
      }
      if (value === '') {
        return spec.optional ? undefined : 'must not be empty';
      }
      if (!/^https?:\/\/[^\s"'{}$<>]+$/.test(value)) {
        return `must be an http(s) URL without spaces, quotes, braces or $, got ${describe(value)}`;
      }
      return undefined;
    case 'uid':
      if (typeof value !== 'string' || !UID_RE.test(value)) {
        return `must be a Grafana UID (letters, digits, - and _, 1 to 40 characters), got ${describe(value)}`;
      }
      return undefined;
  }
}

function rangeWords(spec: NumberParam): string {
  const lo = spec.min === undefined ? undefined : `${spec.minExclusive ? 'above' : 'at least'} ${spec.min}`;
  const hi = spec.max === undefined ? undefined : `${spec.maxExclusive ? 'below' : 'at most'} ${spec.max}`;
  const words = [lo, hi].filter(Boolean).join(' and ');
  return spec.integer ? `a whole number ${words}` : words;
}

/** Edit distance, for "did you mean" hints. */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  const prev = Array.from({ length: y.length + 1 }, (_, i) => i);
  for (let i = 1; i <= x.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= y.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (x[i - 1] === y[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[y.length];
}

/** " (did you mean X?)" for the nearest close-enough candidate, or "". */
export function didYouMean(name: string, candidates: readonly string[]): string {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(name, c);
    // Close enough: a few edits for the candidate's length, or a part of it.
    const close = d <= Math.max(2, Math.floor(c.length / 2)) || c.toLowerCase().includes(name.toLowerCase());
    if (close && d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best === undefined ? '' : ` (did you mean ${best}?)`;
}

/** The default values of a template. */
export function defaults(template: AlertTemplate): ParamValues {
  const out: ParamValues = {};
  for (const p of template.parameters) {
    out[p.name] = p.default;
  }
  return out;
}

export interface Resolution {
  values: ParamValues;
  problems: ParamProblem[];
}

/**
 * Merges given values over the defaults and validates them: unknown names,
 * wrong types, ranges, syntax, then the template's own cross-checks.
 */
export function resolveParameters(template: AlertTemplate, given: Record<string, unknown> = {}): Resolution {
  const problems: ParamProblem[] = [];
  const names = template.parameters.map((p) => p.name);
  for (const name of Object.keys(given)) {
    if (!names.includes(name)) {
      problems.push({
        parameter: name,
        message: `unknown parameter${didYouMean(name, names)}; ${template.id} has ${names.join(', ')}`,
      });
    }
  }
  const values: ParamValues = {};
  for (const spec of template.parameters) {
    const raw = Object.prototype.hasOwnProperty.call(given, spec.name) ? given[spec.name] : spec.default;
    const problem = checkValue(spec, raw);
    if (problem) {
      problems.push({ parameter: spec.name, message: problem });
    } else {
      values[spec.name] = raw as ParamValue;
    }
  }
  if (problems.length === 0 && template.validate) {
    problems.push(...template.validate(values));
  }
  return { values, problems };
}

// ---------------------------------------------------------------------------
// Typed access for template code (values are validated by then).

export function str(values: ParamValues, name: string): string {
  const v = values[name];
  if (typeof v !== 'string') {
    throw new Error(`parameter ${name} is not a string`);
  }
  return v;
}

export function n(values: ParamValues, name: string): number {
  const v = values[name];
  if (typeof v !== 'number') {
    throw new Error(`parameter ${name} is not a number`);
  }
  return v;
}

export function sev(values: ParamValues, name = 'severity'): Severity {
  return str(values, name) as Severity;
}

/** Milliseconds of a duration parameter. */
export function ms(values: ParamValues, name: string): number {
  return parseDuration(str(values, name)) ?? 0;
}

/** A problem unless duration `a` is shorter than duration `b`. */
export function shorter(values: ParamValues, a: string, b: string): ParamProblem[] {
  if (ms(values, a) < ms(values, b)) {
    return [];
  }
  return [
    {
      parameter: a,
      message: `must be shorter than ${b} (${str(values, b)}), got ${str(values, a)}`,
    },
  ];
}
