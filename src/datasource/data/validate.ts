import type { MlQuery, QueryDefaults } from '../types';
import { effectiveQuery } from './defaults';
import { formatDuration, hasVariable, parseDuration } from './duration';
import { isKnownMethod } from './methods';

/** A problem with one query field; field paths are the JSON paths of pkg/models/query.go. */
export interface QueryIssue {
  field: string;
  message: string;
}

const NOT_A_DURATION = (s: string) => `"${s}" is not a duration: use a number with a unit, such as 30s, 5m, 1h or 7d`;
const LABEL_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const METRIC_NAME_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/**
 * Mirrors Query.Validate in pkg/models/query.go (same rules, same words),
 * applied to the query as the backend will see it (datasource defaults
 * filled in). Where Go stops at the first problem, this collects every
 * problem so that each field can show its own message; the first issue is
 * the one Go would report. It also checks what Go rejects while decoding
 * the JSON (durations, whole numbers) and what the engine checks before
 * querying (GPU label and metric names, GPU median range).
 */
export function validateQuery(query: MlQuery, defaults?: QueryDefaults): QueryIssue[] {
  const issues: QueryIssue[] = [];
  const add = (field: string, message: string) => issues.push({ field, message });
  const q = effectiveQuery(query, defaults);

  switch (q.queryType) {
    case 'drift':
    case 'distribution':
    case 'gpu':
    case 'traces':
      break;
    case undefined:
    case null:
    case '' as never:
      add('queryType', 'the query has no type; choose drift, distribution, gpu or traces');
      return issues;
    default:
      add('queryType', `unknown query type "${q.queryType}"; choose drift, distribution, gpu or traces`);
      return issues;
  }
  if (q.source !== 'prometheus' && q.source !== 'clickhouse') {
    add('source', `unknown source "${q.source}"; use prometheus or clickhouse`);
    return issues;
  }
  if (q.threshold !== undefined && q.threshold !== null && (!Number.isFinite(q.threshold) || q.threshold < 0)) {
    add('threshold', 'must be positive');
  }
  wholeNumber(q.minCount, 'minCount', add);
  if (typeof q.minCount === 'number' && q.minCount < 0) {
    add('minCount', 'must be 0 or more');
  }
  if (q.format && !['table', 'timeseries', 'numeric'].includes(q.format)) {
    add('format', `unknown format "${q.format}"; use table, timeseries or numeric`);
  }
  if (q.method && !isKnownMethod(q.method) && !hasVariable(q.method)) {
    add('method', `unknown method "${q.method}"`);
  }
  const step = durationOf(q.step, 'step', add);
  const window = durationOf(q.window, 'window', add);
  if (q.overTime && step && window && step > window) {
    add(
      'step',
      `the step (${formatDuration(step)}) is longer than the window (${formatDuration(window)}): some data would never be compared`
    );
  }
  const r = q.reference ?? {};
  switch (r.mode) {
    case 'offset': {
      const offset = durationOf(r.offset, 'reference.offset', add);
      if (offset !== undefined && offset <= 0) {
        add('reference.offset', 'must be a positive duration such as 7d');
      }
      break;
    }
    case 'absolute': {
      const from = r.from ? Date.parse(r.from) : NaN;
      const to = r.to ? Date.parse(r.to) : NaN;
      if (!Number.isFinite(from) || !Number.isFinite(to) || !(to > from)) {
        add('reference', 'an absolute reference needs from and to, with to after from');
      }
      break;
    }
    case 'baseline':
      if (q.source !== 'clickhouse') {
        add('reference.mode', 'a baseline table needs the clickhouse source');
      } else if (!r.table) {
        add('reference.table', 'name the baseline table, for example the training set');
      }
      break;
    default:
      add('reference.mode', `unknown reference mode "${r.mode}"; use offset, absolute or baseline`);
  }
  switch (q.queryType) {
    case 'drift':
    case 'distribution':
      wholeNumber(q.bins, 'bins', add);
      wholeNumber(q.binning?.bins, 'binning.bins', add);
      if (q.source === 'prometheus') {
        validateProm(q, add);
      } else {
        validateClickHouse(q, add);
      }
      break;
    case 'gpu':
      validateGpu(q, add);
      break;
    case 'traces':
      validateTraces(q, add);
      break;
  }
  return issues;
}

type Add = (field: string, message: string) => void;

function durationOf(text: string | undefined, field: string, add: Add): number | undefined {
  if (!text || hasVariable(text)) {
    return undefined;
  }
  const ms = parseDuration(text);
  if (ms === undefined) {
    add(field, NOT_A_DURATION(text));
  }
  return ms;
}

function wholeNumber(v: number | undefined, field: string, add: Add) {
  if (v !== undefined && v !== null && !Number.isInteger(v)) {
    add(field, 'use a whole number');
  }
}

function validateProm(q: MlQuery, add: Add) {
  const p = q.prometheus;
  if (!p) {
    add('prometheus', 'say which metric or expression to read');
    return;
  }
  switch (p.input) {
    case 'histogram':
    case 'native':
      if (!p.metric && q.mode !== 'classes') {
        add('prometheus.metric', 'name the histogram metric, for example ml_feature_value');
      }
      if (p.metric?.endsWith('_bucket')) {
        add(
          'prometheus.metric',
          `give the histogram's base name without _bucket (${p.metric.slice(0, -'_bucket'.length)})`
        );
      }
      break;
    case 'samples':
      if (!p.expr?.trim()) {
        add('prometheus.expr', 'enter a PromQL expression whose values are compared');
      }
      break;
    default:
      add('prometheus.input', `unknown input "${p.input}"; use histogram, native or samples`);
  }
  if (p.featureLabel && !hasVariable(p.featureLabel) && !LABEL_NAME_RE.test(p.featureLabel)) {
    add('prometheus.featureLabel', `"${p.featureLabel}" is not a label name`);
  }
}

function validateClickHouse(q: MlQuery, add: Add) {
  const c = q.clickhouse;
  if (!c) {
    add('clickhouse', 'say which table or SQL to read');
    return;
  }
  if (!c.sql && !c.table) {
    add('clickhouse.table', 'pick a table, or write SQL');
  }
  if (!c.timeColumn && q.reference?.mode !== 'baseline') {
    add('clickhouse.timeColumn', 'pick the time column, so that the windows can be selected');
  }
  switch (c.layout) {
    case 'wide':
      if (!c.columns?.length && !c.sql) {
        add('clickhouse.columns', 'pick at least one feature column');
      }
      break;
    case 'long':
      if (!c.featureColumn || !c.valueColumn) {
        add(
          c.featureColumn ? 'clickhouse.valueColumn' : 'clickhouse.featureColumn',
          'a long table needs a feature column and a value column'
        );
      }
      break;
    default:
      add('clickhouse.layout', `unknown layout "${c.layout}"; use wide or long`);
  }
  (c.filters ?? []).forEach((f, i) => {
    if (!f.column) {
      add(`clickhouse.filters.${i}`, 'pick the column to filter on');
    }
  });
}

function validateGpu(q: MlQuery, add: Add) {
  if (q.source !== 'prometheus') {
    add('source', 'the gpu query reads DCGM metrics from Prometheus');
  }
  const g = q.gpu ?? {};
  const t = g.stragglerThreshold ?? 0;
  if (!(t > 0 && t < 1)) {
    add('gpu.stragglerThreshold', 'use a share between 0 and 1, such as 0.75');
  }
  if (g.minGroupMedian !== undefined && (g.minGroupMedian < 0 || g.minGroupMedian > 100)) {
    add('gpu.minGroupMedian', 'use a utilisation percentage between 0 and 100, such as 40');
  }
  if (g.groupLabel && !hasVariable(g.groupLabel)) {
    for (const l of g.groupLabel
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      if (!LABEL_NAME_RE.test(l)) {
        add('gpu.groupLabel', `"${l}" is not a label name; use a label such as namespace, hpc_job or host`);
      }
    }
  }
  for (const m of g.metrics ?? []) {
    if (m.trim() && !hasVariable(m) && !METRIC_NAME_RE.test(m.trim())) {
      add('gpu.metrics', `"${m}" is not a metric name, such as DCGM_FI_PROF_SM_ACTIVE`);
    }
  }
  for (const key of ['namespace', 'pod', 'host'] as const) {
    const re = g[key];
    if (re && !hasVariable(re)) {
      try {
        new RegExp(`^(?:${re})$`);
      } catch {
        add(`gpu.${key}`, `"${re}" is not a valid regular expression`);
      }
    }
  }
}

function validateTraces(q: MlQuery, add: Add) {
  if (q.source !== 'clickhouse') {
    add('source', 'traces are read from ClickHouse');
  }
  const t = q.traces ?? {};
  if (t.schema !== 'otel' && t.schema !== 'signoz') {
    add('traces.schema', `unknown schema "${t.schema}"; use otel or signoz`);
  }
  if (t.limit !== undefined && (!Number.isInteger(t.limit) || t.limit < 0 || t.limit > 10000)) {
    add('traces.limit', 'use 1 to 10000');
  }
  const id = t.traceId?.trim();
  if (id && !hasVariable(id)) {
    if (!/^[0-9a-fA-F]+$/.test(id) || (id.length !== 32 && id.length !== 16)) {
      add('traces.traceId', `"${id.slice(0, 80)}" is not a trace id: use 32 (or 16) hexadecimal characters`);
    } else if (/^0+$/.test(id)) {
      add('traces.traceId', 'the all-zero trace id is invalid');
    }
  }
  if (t.minDurationMs !== undefined && !(t.minDurationMs >= 0)) {
    add('traces.minDurationMs', 'use 0 or more milliseconds');
  }
  (t.attributes ?? []).forEach((a, i) => {
    if (!a.key.trim()) {
      add(`traces.attributes.${i}`, 'name the attribute, for example gen_ai.request.model');
    }
  });
}

/** Messages for one field (and its sub-fields when prefix is true). */
export function issuesFor(issues: QueryIssue[], field: string, prefix = false): string | undefined {
  const found = issues.filter((i) => i.field === field || (prefix && i.field.startsWith(field + '.')));
  return found.length ? found.map((i) => sentence(i.message)).join(' ') : undefined;
}

/** "must be positive" -> "Must be positive." */
export function sentence(message: string): string {
  const s = message.charAt(0).toUpperCase() + message.slice(1);
  return /[.!?]$/.test(s) ? s : `${s}.`;
}
