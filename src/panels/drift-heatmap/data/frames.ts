import { FieldType, getFieldDisplayName, type DataFrame, type Field } from '@grafana/data';

import type {
  FeatureRow,
  FeatureSummary,
  FieldThresholds,
  HeatmapModel,
  RowSource,
  ScoreKind,
  ShapeResult,
} from './model';

export const HEATMAP_NEEDS =
  'Use the mlwatch drift query with "over time" on, a table with time, feature and score columns, or time series with a feature label.';

/**
 * mlwatch methods whose score is a p-value. Used only when the data does not
 * say the kind itself (a long table without a kind column and without a
 * separate p_value column).
 */
const P_VALUE_METHODS = new Set([
  'anderson',
  'chisquare',
  'cramer_von_mises',
  'epps_singleton',
  'fisher_exact',
  'g_test',
  'ks',
  'mannw',
  'mmd',
  't_test',
  'z',
]);

/** Reads any cell value as a number: numbers as they are, numeric strings parsed, anything else NaN. */
export function toNumber(v: unknown): number {
  if (typeof v === 'number') {
    return Number.isFinite(v) ? v : NaN;
  }
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : NaN;
  }
  if (typeof v === 'bigint') {
    return Number(v);
  }
  return NaN;
}

/** Reads a time value (ms number, numeric or ISO string, Date) as epoch ms, or NaN. */
export function toMillis(v: unknown): number {
  if (typeof v === 'number') {
    return Number.isFinite(v) ? v : NaN;
  }
  if (v instanceof Date) {
    return v.getTime();
  }
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    if (Number.isFinite(n)) {
      return n;
    }
    return Date.parse(v);
  }
  if (v !== null && typeof v === 'object' && typeof (v as { valueOf: () => unknown }).valueOf === 'function') {
    // Grafana's DateTime (moment) objects.
    const n = Number((v as { valueOf: () => unknown }).valueOf());
    return Number.isFinite(n) ? n : NaN;
  }
  return NaN;
}

function findByName(frame: DataFrame, names: string[]): number {
  const wanted = names.map((n) => n.toLowerCase());
  return frame.fields.findIndex((f) => wanted.includes(f.name.toLowerCase()));
}

function findTimeField(frame: DataFrame): number {
  const typed = frame.fields.findIndex((f) => f.type === FieldType.time);
  if (typed >= 0) {
    return typed;
  }
  // Tables from CSV or SQL sometimes type the time column as a number or string.
  return frame.fields.findIndex(
    (f) =>
      ['time', 'timestamp', 'ts'].includes(f.name.toLowerCase()) &&
      (f.type === FieldType.number || f.type === FieldType.string)
  );
}

function textOf(v: unknown): string | undefined {
  if (v === null || v === undefined) {
    return undefined;
  }
  const s = String(v);
  return s === '' ? undefined : s;
}

function kindOf(v: unknown): ScoreKind | undefined {
  const s = textOf(v)?.toLowerCase().replace(/[-\s]/g, '_');
  if (s === 'p_value' || s === 'pvalue' || s === 'p') {
    return 'p_value';
  }
  if (s === 'distance' || s === 'statistic') {
    return 'distance';
  }
  return undefined;
}

function positiveNumber(v: unknown): number | undefined {
  const n = toNumber(v);
  return Number.isFinite(n) ? n : undefined;
}

function isGrafanaDefaultThresholds(values: number[], colors: string[]): boolean {
  // A panel switched from another visualization keeps Grafana's stock
  // thresholds (base, red at 80), which mean nothing for drift scores.
  return values.length === 1 && values[0] === 80 && colors[0] === 'red';
}

/** Threshold values the user set in a field's config, or undefined when none are set. */
export function fieldThresholdsOf(field: Field): FieldThresholds | undefined {
  const cfg = field.config.thresholds;
  if (!cfg || !Array.isArray(cfg.steps)) {
    return undefined;
  }
  const steps = cfg.steps.filter((s) => typeof s.value === 'number' && Number.isFinite(s.value));
  const values = steps.map((s) => s.value);
  if (
    values.length === 0 ||
    isGrafanaDefaultThresholds(
      values,
      steps.map((s) => s.color)
    )
  ) {
    return undefined;
  }
  return { values: values.sort((a, b) => a - b), percent: cfg.mode === 'percentage' };
}

interface PendingRow {
  row: FeatureRow;
  /** How the name was found: explicit names merge duplicates, fallback display names do not. */
  explicit: boolean;
  sources: number;
  /** The data said the score kind (rather than it being the default). */
  kindKnown: boolean;
  /** May the kind be guessed from the method name? Not when a p_value column says the score is a statistic. */
  inferKind: boolean;
}

interface SeriesPart {
  rowIndex: number;
  frameIndex: number;
  timeFieldIndex: number;
  fieldIndex: number;
}

interface LongPart {
  frameIndex: number;
  timeFieldIndex: number;
  featureFieldIndex: number;
  scoreFieldIndex: number;
  pValueFieldIndex: number;
  refFieldIndex: number;
  curFieldIndex: number;
}

/** Collects rows by name; explicit names (feature label, displayNameFromDS, feature column) merge duplicates. */
class RowRegistry {
  readonly rows: PendingRow[] = [];
  private readonly byName = new Map<string, number>();
  duplicates = 0;

  get(name: string): number | undefined {
    return this.byName.get(name);
  }

  add(name: string, explicit: boolean, source?: RowSource): number {
    const existing = this.byName.get(name);
    if (existing !== undefined && (explicit || this.rows[existing].explicit)) {
      this.rows[existing].sources++;
      if (source) {
        this.duplicates++;
      }
      return existing;
    }
    let unique = name;
    if (existing !== undefined) {
      // Two unlabelled series that Grafana names alike are different series.
      for (let n = 2; this.byName.has(unique); n++) {
        unique = `${name} (${n})`;
      }
    }
    const index = this.rows.length;
    this.rows.push({
      row: { name: unique, kind: 'distance', source },
      explicit,
      sources: source ? 1 : 0,
      kindKnown: false,
      inferKind: true,
    });
    this.byName.set(unique, index);
    return index;
  }
}

function seriesName(field: Field, frame: DataFrame, frames: DataFrame[]): { name: string; explicit: boolean } {
  const label = field.labels?.feature;
  if (label !== undefined && label !== '') {
    return { name: label, explicit: true };
  }
  const fromDS = field.config.displayNameFromDS;
  if (fromDS) {
    return { name: fromDS, explicit: true };
  }
  return { name: field.state?.displayName ?? getFieldDisplayName(field, frame, frames), explicit: false };
}

function applyCustom(pending: PendingRow, field: Field) {
  const row = pending.row;
  const custom: Record<string, unknown> | undefined = field.config.custom;
  if (custom) {
    row.method ??= textOf(custom.method);
    const kind = kindOf(custom.kind);
    if (kind && !pending.kindKnown) {
      row.kind = kind;
      pending.kindKnown = true;
    }
    row.dataThreshold ??= positiveNumber(custom.threshold);
  }
  row.fieldThresholds ??= fieldThresholdsOf(field);
}

function readSummary(
  frame: DataFrame,
  featureIdx: number,
  summaries: Map<string, { summary: FeatureSummary; method?: string; kind?: ScoreKind }>
) {
  const col = (names: string[]) => {
    const i = findByName(frame, names);
    return i >= 0 ? frame.fields[i].values : undefined;
  };
  const feature = frame.fields[featureIdx].values;
  const method = col(['method']);
  const kind = col(['kind']);
  const score = col(['score']);
  const statistic = col(['statistic']);
  const threshold = col(['threshold']);
  const drifted = col(['drifted']);
  const ref = col(['reference_count']);
  const cur = col(['current_count']);
  const notices = col(['notices']);
  for (let i = 0; i < frame.length; i++) {
    const name = textOf(feature[i]);
    if (name === undefined || summaries.has(name)) {
      continue;
    }
    const d = drifted?.[i];
    summaries.set(name, {
      method: textOf(method?.[i]),
      kind: kindOf(kind?.[i]),
      summary: {
        score: positiveNumber(score?.[i]),
        statistic: positiveNumber(statistic?.[i]),
        threshold: positiveNumber(threshold?.[i]),
        drifted: typeof d === 'boolean' ? d : d === 'true' ? true : d === 'false' ? false : undefined,
        referenceCount: positiveNumber(ref?.[i]),
        currentCount: positiveNumber(cur?.[i]),
        notices: textOf(notices?.[i]),
      },
    });
  }
}

/** Sorted unique finite values of several arrays. */
function unionTimes(arrays: Float64Array[]): Float64Array {
  let total = 0;
  for (const a of arrays) {
    total += a.length;
  }
  const all = new Float64Array(total);
  let o = 0;
  for (const a of arrays) {
    all.set(a, o);
    o += a.length;
  }
  all.sort();
  let n = 0;
  for (let i = 0; i < all.length; i++) {
    const v = all[i];
    if (Number.isFinite(v) && (n === 0 || v !== all[n - 1])) {
      all[n++] = v;
    }
  }
  return all.slice(0, n);
}

function sameValues(a: Float64Array, b: Float64Array): boolean {
  if (a === b) {
    return true;
  }
  if (a.length !== b.length) {
    return false;
  }
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) {
      return false;
    }
  }
  return true;
}

function isSortedUnique(a: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i]) || (i > 0 && a[i] <= a[i - 1])) {
      return false;
    }
  }
  return true;
}

function medianStep(times: Float64Array): number {
  if (times.length < 2) {
    return 0;
  }
  const diffs = new Float64Array(times.length - 1);
  for (let i = 1; i < times.length; i++) {
    diffs[i - 1] = times[i] - times[i - 1];
  }
  diffs.sort();
  return diffs[Math.floor(diffs.length / 2)];
}

/** Column lookup for a time; identity when a series' times are the columns. */
function columnLookup(times: Float64Array): (t: number) => number {
  const index = new Map<number, number>();
  for (let i = 0; i < times.length; i++) {
    index.set(times[i], i);
  }
  return (t) => index.get(t) ?? -1;
}

/**
 * Turns query frames into the heatmap model. Reads the mlwatch drift
 * over-time frame (wide time series, one labelled score field per feature)
 * with its summary table, long tables (time, feature, score, ...), and any
 * labelled time series, one frame or many.
 */
export function buildHeatmapModel(frames: DataFrame[]): ShapeResult {
  if (!frames.some((f) => f.length > 0)) {
    return { kind: 'empty', message: 'No data', needs: HEATMAP_NEEDS };
  }
  const registry = new RowRegistry();
  const summaries = new Map<string, { summary: FeatureSummary; method?: string; kind?: ScoreKind }>();
  const seriesParts: SeriesPart[] = [];
  const longParts: LongPart[] = [];
  const timeArrays: Float64Array[] = [];
  const seriesTimes = new Map<string, Float64Array>();
  let configField: HeatmapModel['configField'];
  let sawSummaryOnly = false;

  frames.forEach((frame, frameIndex) => {
    if (frame.length === 0) {
      return;
    }
    const timeIdx = findTimeField(frame);
    const featureIdx = frame.fields.findIndex(
      (f) => f.name.toLowerCase() === 'feature' && f.type !== FieldType.number && f.type !== FieldType.time
    );
    const scoreIdx = findByName(frame, ['score']);
    if (featureIdx >= 0 && scoreIdx >= 0 && timeIdx < 0) {
      readSummary(frame, featureIdx, summaries);
      sawSummaryOnly = true;
      return;
    }
    if (timeIdx < 0) {
      return;
    }
    const times = Float64Array.from(frame.fields[timeIdx].values, toMillis);
    if (featureIdx >= 0 && scoreIdx >= 0) {
      longParts.push({
        frameIndex,
        timeFieldIndex: timeIdx,
        featureFieldIndex: featureIdx,
        scoreFieldIndex: scoreIdx,
        pValueFieldIndex: findByName(frame, ['p_value', 'pvalue', 'p-value']),
        refFieldIndex: findByName(frame, ['reference_count']),
        curFieldIndex: findByName(frame, ['current_count']),
      });
      timeArrays.push(times);
      configField ??= { frameIndex, fieldIndex: scoreIdx };
      return;
    }
    let used = false;
    frame.fields.forEach((field, fieldIndex) => {
      if (fieldIndex === timeIdx || field.type !== FieldType.number) {
        return;
      }
      const { name, explicit } = seriesName(field, frame, frames);
      const source: RowSource = { type: 'series', frameIndex, fieldIndex, timeFieldIndex: timeIdx };
      const rowIndex = registry.add(name, explicit, source);
      applyCustom(registry.rows[rowIndex], field);
      seriesParts.push({ rowIndex, frameIndex, timeFieldIndex: timeIdx, fieldIndex });
      configField ??= { frameIndex, fieldIndex };
      used = true;
    });
    if (used) {
      seriesTimes.set(`${frameIndex}:${timeIdx}`, times);
      timeArrays.push(times);
    }
  });

  // Long tables: one row per feature value, with per-row kind, method and threshold.
  for (const part of longParts) {
    const frame = frames[part.frameIndex];
    const feature = frame.fields[part.featureFieldIndex].values;
    const col = (names: string[]) => {
      const i = findByName(frame, names);
      return i >= 0 ? frame.fields[i].values : undefined;
    };
    const method = col(['method']);
    const kind = col(['kind']);
    const threshold = col(['threshold']);
    const scoreField = frame.fields[part.scoreFieldIndex];
    const fieldThresholds = fieldThresholdsOf(scoreField);
    const source: RowSource = {
      type: 'long',
      frameIndex: part.frameIndex,
      fieldIndex: part.scoreFieldIndex,
      timeFieldIndex: part.timeFieldIndex,
      featureFieldIndex: part.featureFieldIndex,
    };
    let lastName: string | undefined;
    for (let i = 0; i < frame.length; i++) {
      const name = textOf(feature[i]);
      if (name === undefined || name === lastName) {
        continue;
      }
      lastName = name;
      let rowIndex = registry.get(name);
      if (rowIndex === undefined) {
        rowIndex = registry.add(name, true, source);
        registry.rows[rowIndex].row.fieldThresholds = fieldThresholds;
        if (part.pValueFieldIndex >= 0) {
          // With a separate p_value column, the score is a statistic.
          registry.rows[rowIndex].inferKind = false;
        }
      }
      const pending = registry.rows[rowIndex];
      const row = pending.row;
      const k = kindOf(kind?.[i]);
      if (k && !pending.kindKnown) {
        row.kind = k;
        pending.kindKnown = true;
      }
      row.method ??= textOf(method?.[i]);
      row.dataThreshold ??= positiveNumber(threshold?.[i]);
    }
  }

  // The summary table fills in what the series did not say, and adds
  // features that have no score over time (shown as insufficient data).
  if (registry.rows.length > 0) {
    for (const [name, s] of summaries) {
      let rowIndex = registry.get(name);
      if (rowIndex === undefined) {
        rowIndex = registry.add(name, true);
      }
      const pending = registry.rows[rowIndex];
      const row = pending.row;
      row.summary = s.summary;
      row.method ??= s.method;
      if (s.kind && !pending.kindKnown) {
        row.kind = s.kind;
        pending.kindKnown = true;
      }
      row.dataThreshold ??= s.summary.threshold;
    }
  }

  if (registry.rows.length === 0) {
    if (sawSummaryOnly) {
      return {
        kind: 'unsupported',
        message: 'This is a drift summary without time steps',
        needs: 'Turn on "over time" in the mlwatch drift query to see drift per time step.',
      };
    }
    return { kind: 'unsupported', message: 'This data has no time column with drift scores', needs: HEATMAP_NEEDS };
  }

  // Without a kind in the data, an mlwatch p-value method says it; anything
  // else reads as a distance (drift when high).
  for (const pending of registry.rows) {
    if (!pending.kindKnown && pending.inferKind && pending.row.method && P_VALUE_METHODS.has(pending.row.method)) {
      pending.row.kind = 'p_value';
    }
  }
  const rows = registry.rows.map((p) => p.row);

  // Columns: one per distinct time. Series that share one time array (the
  // usual case: a wide frame, or Prometheus series of one range query) skip
  // the sort-and-merge.
  let times: Float64Array;
  const first = timeArrays[0];
  if (timeArrays.every((a) => sameValues(a, first)) && isSortedUnique(first)) {
    times = first;
  } else {
    times = unionTimes(timeArrays);
  }
  const cols = times.length;
  const scores = new Float64Array(rows.length * cols).fill(NaN);
  const lookup = columnLookup(times);

  for (const part of seriesParts) {
    const frame = frames[part.frameIndex];
    const frameTimes = seriesTimes.get(`${part.frameIndex}:${part.timeFieldIndex}`)!;
    const aligned = frameTimes === times || sameValues(frameTimes, times);
    const values = frame.fields[part.fieldIndex].values;
    const base = part.rowIndex * cols;
    const n = Math.min(values.length, frameTimes.length);
    for (let i = 0; i < n; i++) {
      const c = aligned ? i : lookup(frameTimes[i]);
      if (c < 0) {
        continue;
      }
      const raw = values[i];
      // Numbers are the norm: test them inline, parse anything else.
      const v = typeof raw === 'number' ? (raw - raw === 0 ? raw : NaN) : toNumber(raw);
      // With duplicated series the first value wins; later copies only fill gaps.
      const k = base + c;
      if (v === v && scores[k] !== scores[k]) {
        scores[k] = v;
      }
    }
  }

  let pValues: Float64Array | undefined;
  let referenceCounts: Float64Array | undefined;
  let currentCounts: Float64Array | undefined;
  for (const part of longParts) {
    const frame = frames[part.frameIndex];
    const feature = frame.fields[part.featureFieldIndex].values;
    const timeValues = frame.fields[part.timeFieldIndex].values;
    const score = frame.fields[part.scoreFieldIndex].values;
    const pv = part.pValueFieldIndex >= 0 ? frame.fields[part.pValueFieldIndex].values : undefined;
    const ref = part.refFieldIndex >= 0 ? frame.fields[part.refFieldIndex].values : undefined;
    const cur = part.curFieldIndex >= 0 ? frame.fields[part.curFieldIndex].values : undefined;
    if (pv) {
      pValues ??= new Float64Array(rows.length * cols).fill(NaN);
    }
    if (ref) {
      referenceCounts ??= new Float64Array(rows.length * cols).fill(NaN);
    }
    if (cur) {
      currentCounts ??= new Float64Array(rows.length * cols).fill(NaN);
    }
    let lastName: string | undefined;
    let base = 0;
    for (let i = 0; i < frame.length; i++) {
      const name = textOf(feature[i]);
      if (name === undefined) {
        continue;
      }
      if (name !== lastName) {
        lastName = name;
        base = registry.get(name)! * cols;
      }
      const c = lookup(toMillis(timeValues[i]));
      if (c < 0) {
        continue;
      }
      const k = base + c;
      const v = toNumber(score[i]);
      if (!Number.isNaN(v) && Number.isNaN(scores[k])) {
        scores[k] = v;
      }
      if (pv && pValues) {
        pValues[k] = toNumber(pv[i]);
      }
      if (ref && referenceCounts) {
        referenceCounts[k] = toNumber(ref[i]);
      }
      if (cur && currentCounts) {
        currentCounts[k] = toNumber(cur[i]);
      }
    }
  }

  const notices: string[] = [];
  if (registry.duplicates > 0) {
    notices.push(
      `${registry.duplicates} duplicated ${registry.duplicates === 1 ? 'series was' : 'series were'} merged into the feature of the same name.`
    );
  }
  return {
    kind: 'ok',
    model: {
      rows,
      times,
      scores,
      pValues,
      referenceCounts,
      currentCounts,
      step: medianStep(times),
      configField,
      notices,
    },
  };
}
