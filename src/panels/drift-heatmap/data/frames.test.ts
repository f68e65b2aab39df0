import { createDataFrame, FieldType, type DataFrame } from '@grafana/data';

import { buildHeatmapModel, fieldThresholdsOf, toMillis, toNumber } from './frames';
import type { HeatmapModel } from './model';

function ok(frames: DataFrame[]): HeatmapModel {
  const r = buildHeatmapModel(frames);
  if (r.kind !== 'ok') {
    throw new Error(`expected ok, got ${r.kind}: ${r.message}`);
  }
  return r.model;
}

function row(model: HeatmapModel, name: string): number[] {
  const r = model.rows.findIndex((x) => x.name === name);
  expect(r).toBeGreaterThanOrEqual(0);
  return Array.from(model.scores.subarray(r * model.times.length, (r + 1) * model.times.length));
}

const T = [1000, 2000, 3000];

function wide(
  fields: Array<{ feature?: string; values: unknown[]; custom?: object; fromDS?: string }>,
  times = T
): DataFrame {
  return createDataFrame({
    name: 'drift_over_time',
    fields: [
      { name: 'time', type: FieldType.time, values: times },
      ...fields.map((f) => ({
        name: 'score',
        type: FieldType.number,
        labels: f.feature ? { feature: f.feature } : undefined,
        config: { displayNameFromDS: f.fromDS, custom: f.custom },
        values: f.values,
      })),
    ],
  });
}

describe('buildHeatmapModel: empty and unusable data', () => {
  it('reports no data for no frames, frames without fields, and frames without rows', () => {
    expect(buildHeatmapModel([]).kind).toBe('empty');
    expect(buildHeatmapModel([createDataFrame({ fields: [] })]).kind).toBe('empty');
    expect(buildHeatmapModel([wide([{ feature: 'a', values: [] }], [])]).kind).toBe('empty');
  });

  it('explains a frame without a time column', () => {
    const r = buildHeatmapModel([createDataFrame({ fields: [{ name: 'x', type: FieldType.string, values: ['a'] }] })]);
    expect(r.kind).toBe('unsupported');
    expect(r.kind !== 'ok' && r.needs).toContain('over time');
  });

  it('explains a summary table without the over-time frame', () => {
    const summary = createDataFrame({
      fields: [
        { name: 'feature', type: FieldType.string, values: ['a'] },
        { name: 'score', type: FieldType.number, values: [0.3] },
      ],
    });
    const r = buildHeatmapModel([summary]);
    expect(r.kind).toBe('unsupported');
    expect(r.kind !== 'ok' && r.needs).toContain('over time');
  });

  it('explains time with only string fields', () => {
    const f = createDataFrame({
      fields: [
        { name: 'time', type: FieldType.time, values: [1, 2] },
        { name: 'note', type: FieldType.string, values: ['a', 'b'] },
      ],
    });
    expect(buildHeatmapModel([f]).kind).toBe('unsupported');
  });
});

describe('buildHeatmapModel: mlwatch frames', () => {
  it('reads one feature', () => {
    const m = ok([wide([{ feature: 'age', values: [0.1, 0.2, 0.3] }])]);
    expect(m.rows.map((r) => r.name)).toEqual(['age']);
    expect(Array.from(m.times)).toEqual(T);
    expect(row(m, 'age')).toEqual([0.1, 0.2, 0.3]);
    expect(m.step).toBe(1000);
    expect(m.configField).toEqual({ frameIndex: 0, fieldIndex: 1 });
  });

  it('takes method, kind and threshold from config.custom', () => {
    const m = ok([
      wide([
        {
          feature: 'age',
          values: [0.1, 0.2, 0.3],
          custom: { method: 'wasserstein', kind: 'distance', threshold: 0.1 },
        },
        {
          feature: 'country',
          values: [0.5, 0.01, 0.2],
          custom: { method: 'chisquare', kind: 'p_value', threshold: 0.05 },
        },
      ]),
    ]);
    expect(m.rows[0]).toMatchObject({ name: 'age', method: 'wasserstein', kind: 'distance', dataThreshold: 0.1 });
    expect(m.rows[1]).toMatchObject({ name: 'country', method: 'chisquare', kind: 'p_value', dataThreshold: 0.05 });
  });

  it('joins the summary table for tooltips and adds features that have no steps', () => {
    const summary = createDataFrame({
      name: 'drift',
      fields: [
        { name: 'feature', type: FieldType.string, values: ['age', 'zip'] },
        { name: 'method', type: FieldType.string, values: ['ks', 'chisquare'] },
        { name: 'kind', type: FieldType.string, values: ['p_value', 'p_value'] },
        { name: 'score', type: FieldType.number, values: [0.01, null] },
        { name: 'statistic', type: FieldType.number, values: [0.2, null] },
        { name: 'threshold', type: FieldType.number, values: [0.05, 0.05] },
        { name: 'drifted', type: FieldType.boolean, values: [true, false] },
        { name: 'reference_count', type: FieldType.number, values: [1000, 10] },
        { name: 'current_count', type: FieldType.number, values: [900, 3] },
        { name: 'notices', type: FieldType.string, values: ['', 'Too few values'] },
      ],
    });
    const m = ok([summary, wide([{ feature: 'age', values: [0.5, 0.04, 0.01] }])]);
    expect(m.rows.map((r) => r.name)).toEqual(['age', 'zip']);
    expect(m.rows[0]).toMatchObject({ kind: 'p_value', method: 'ks', dataThreshold: 0.05 });
    expect(m.rows[0].summary).toMatchObject({ score: 0.01, drifted: true, referenceCount: 1000, currentCount: 900 });
    expect(m.rows[0].summary?.notices).toBeUndefined();
    expect(m.rows[1].summary).toMatchObject({ drifted: false, notices: 'Too few values' });
    expect(row(m, 'zip').every(Number.isNaN)).toBe(true);
  });

  it('reads null, NaN and non-finite values as no score', () => {
    const m = ok([
      wide([
        { feature: 'a', values: [null, NaN, Infinity] },
        { feature: 'b', values: [undefined, 0, -Infinity] },
      ]),
    ]);
    expect(row(m, 'a').every(Number.isNaN)).toBe(true);
    expect(row(m, 'b').map((v) => (Number.isNaN(v) ? 'nan' : v))).toEqual(['nan', 0, 'nan']);
  });
});

describe('buildHeatmapModel: Grafana datasource series', () => {
  it('reads one frame per series (timeseries-multi) with the feature label', () => {
    const frames = ['age', 'income'].map((f, i) =>
      createDataFrame({
        fields: [
          { name: 'Time', type: FieldType.time, values: T },
          { name: 'Value', type: FieldType.number, labels: { feature: f, job: 'drift' }, values: [i, i + 1, i + 2] },
        ],
      })
    );
    const m = ok(frames);
    expect(m.rows.map((r) => r.name)).toEqual(['age', 'income']);
    expect(row(m, 'income')).toEqual([1, 2, 3]);
    expect(m.rows[1].source).toEqual({ type: 'series', frameIndex: 1, fieldIndex: 1, timeFieldIndex: 0 });
  });

  it('falls back to the series display name without a feature label', () => {
    const f = createDataFrame({
      name: 'psi',
      fields: [
        { name: 'Time', type: FieldType.time, values: T },
        { name: 'Value', type: FieldType.number, labels: { model: 'churn' }, values: [1, 2, 3] },
      ],
    });
    const m = ok([f]);
    expect(m.rows).toHaveLength(1);
    expect(m.rows[0].name).toContain('churn');
  });

  it('keeps unlabelled series that share a display name apart', () => {
    const mk = () =>
      createDataFrame({
        fields: [
          { name: 'Time', type: FieldType.time, values: T },
          { name: 'Value', type: FieldType.number, values: [1, 2, 3] },
        ],
      });
    const m = ok([mk(), mk()]);
    expect(m.rows.map((r) => r.name)).toEqual(['Value', 'Value (2)']);
    expect(m.notices).toEqual([]);
  });

  it('merges duplicated labelled series and says so', () => {
    const a = wide([{ feature: 'age', values: [0.1, null, 0.3] }]);
    const b = wide([{ feature: 'age', values: [0.9, 0.2, 0.9] }]);
    const m = ok([a, b]);
    expect(m.rows).toHaveLength(1);
    // The first series wins; the copy only fills its gap.
    expect(row(m, 'age')).toEqual([0.1, 0.2, 0.3]);
    expect(m.notices[0]).toMatch(/1 duplicated series was merged/);
  });

  it('aligns series with different time steps on the union of times', () => {
    const a = wide([{ feature: 'a', values: [1, 2, 3] }], [1000, 2000, 3000]);
    const b = wide([{ feature: 'b', values: [5, 6] }], [2000, 4000]);
    const m = ok([a, b]);
    expect(Array.from(m.times)).toEqual([1000, 2000, 3000, 4000]);
    expect(row(m, 'b').map((v) => (Number.isNaN(v) ? null : v))).toEqual([null, 5, null, 6]);
  });

  it('sorts unsorted times and drops unreadable ones', () => {
    const m = ok([wide([{ feature: 'a', values: [3, 1, 2, 9] }], [3000, 1000, 2000, NaN])]);
    expect(Array.from(m.times)).toEqual([1000, 2000, 3000]);
    expect(row(m, 'a')).toEqual([1, 2, 3]);
  });

  it('copes with mixed field types: numeric strings, booleans, string times', () => {
    const f = createDataFrame({
      fields: [
        { name: 'time', type: FieldType.string, values: ['2025-01-01T00:00:00Z', '2025-01-01T00:01:00Z'] },
        { name: 'score', type: FieldType.number, labels: { feature: 'a' }, values: ['0.5', 'oops'] },
        { name: 'flag', type: FieldType.boolean, values: [true, false] },
        { name: 'note', type: FieldType.string, values: ['x', 'y'] },
      ],
    });
    const m = ok([f]);
    expect(m.rows.map((r) => r.name)).toEqual(['a']);
    expect(Array.from(m.times)).toEqual([Date.parse('2025-01-01T00:00:00Z'), Date.parse('2025-01-01T00:01:00Z')]);
    expect(row(m, 'a')[0]).toBe(0.5);
    expect(Number.isNaN(row(m, 'a')[1])).toBe(true);
  });

  it('uses thresholds the user set in field config, but not Grafana’s stock 80', () => {
    const f = wide([{ feature: 'a', values: [1, 2, 3] }]);
    f.fields[1].config.thresholds = {
      mode: 'absolute' as never,
      steps: [
        { value: -Infinity, color: 'green' },
        { value: 0.2, color: 'red' },
        { value: 0.1, color: 'orange' },
      ],
    };
    expect(ok([f]).rows[0].fieldThresholds).toEqual({ values: [0.1, 0.2], percent: false });
    f.fields[1].config.thresholds = {
      mode: 'absolute' as never,
      steps: [
        { value: -Infinity, color: 'green' },
        { value: 80, color: 'red' },
      ],
    };
    expect(fieldThresholdsOf(f.fields[1])).toBeUndefined();
  });
});

describe('buildHeatmapModel: long tables', () => {
  const long = () =>
    createDataFrame({
      fields: [
        { name: 'time', type: FieldType.time, values: [1000, 1000, 2000, 2000, 3000] },
        { name: 'feature', type: FieldType.string, values: ['a', 'b', 'a', 'b', 'a'] },
        { name: 'score', type: FieldType.number, values: [0.1, 0.2, 0.3, 0.4, 0.5] },
        { name: 'p_value', type: FieldType.number, values: [0.9, 0.8, 0.01, 0.02, 0.001] },
        { name: 'method', type: FieldType.string, values: ['ks', 'ks', 'ks', 'ks', 'ks'] },
        { name: 'reference_count', type: FieldType.number, values: [100, 100, 100, 100, 100] },
        { name: 'current_count', type: FieldType.number, values: [10, 20, 30, 40, 50] },
      ],
    });

  it('reads scores, p-values and counts per cell', () => {
    const m = ok([long()]);
    expect(m.rows.map((r) => r.name)).toEqual(['a', 'b']);
    expect(row(m, 'a')).toEqual([0.1, 0.3, 0.5]);
    expect(Number.isNaN(row(m, 'b')[2])).toBe(true);
    expect(Array.from(m.pValues!.subarray(0, 3))).toEqual([0.9, 0.01, 0.001]);
    expect(Array.from(m.currentCounts!.subarray(3, 5))).toEqual([20, 40]);
    expect(m.rows[0].source).toMatchObject({ type: 'long', featureFieldIndex: 1, fieldIndex: 2 });
  });

  it('treats the score as a statistic when a p_value column is present', () => {
    expect(ok([long()]).rows[0].kind).toBe('distance');
  });

  it('infers p-values from an mlwatch method name without kind or p_value columns', () => {
    const f = long();
    f.fields.splice(3, 1);
    expect(ok([f]).rows[0].kind).toBe('p_value');
  });

  it('follows an explicit kind column', () => {
    const f = long();
    f.fields.push({
      name: 'kind',
      type: FieldType.string,
      config: {},
      values: ['p_value', 'distance', 'p_value', 'distance', 'p_value'],
    });
    const m = ok([f]);
    expect(m.rows.map((r) => r.kind)).toEqual(['p_value', 'distance']);
  });
});

describe('value readers', () => {
  it('reads numbers', () => {
    expect(toNumber(1)).toBe(1);
    expect(toNumber('2.5')).toBe(2.5);
    expect(toNumber(' ')).toBeNaN();
    expect(toNumber(true)).toBeNaN();
    expect(toNumber(null)).toBeNaN();
    expect(toNumber(BigInt(3))).toBe(3);
  });

  it('reads times', () => {
    expect(toMillis(5)).toBe(5);
    expect(toMillis('7')).toBe(7);
    expect(toMillis('1970-01-01T00:00:01Z')).toBe(1000);
    expect(toMillis(new Date(9))).toBe(9);
    expect(toMillis({ valueOf: () => 11 })).toBe(11);
    expect(toMillis(undefined)).toBeNaN();
  });
});

describe('buildHeatmapModel at scale', () => {
  it('reads 10,000 features in one wide frame quickly', () => {
    const steps = 24;
    const times = Array.from({ length: steps }, (_, i) => i * 60000);
    const fields = Array.from({ length: 10000 }, (_, r) => ({
      name: 'score',
      type: FieldType.number,
      labels: { feature: `f${r}` },
      config: {},
      values: Array.from({ length: steps }, (_, c) => ((r * 31 + c * 17) % 100) / 100),
    }));
    const frame = createDataFrame({ fields: [{ name: 'time', type: FieldType.time, values: times }, ...fields] });
    const t0 = performance.now();
    const m = ok([frame]);
    const elapsed = performance.now() - t0;
    expect(m.rows).toHaveLength(10000);
    expect(m.scores).toHaveLength(240000);
    expect(row(m, 'f9999')[5]).toBe(((9999 * 31 + 5 * 17) % 100) / 100);
    expect(elapsed).toBeLessThan(2000);
  });

  it('reads 10,000 features as separate frames (timeseries-multi)', () => {
    const times = [0, 60000, 120000];
    const frames = Array.from({ length: 10000 }, (_, r) =>
      createDataFrame({
        fields: [
          { name: 'Time', type: FieldType.time, values: times },
          { name: 'Value', type: FieldType.number, labels: { feature: `f${r}` }, values: [r, r, r] },
        ],
      })
    );
    const m = ok(frames);
    expect(m.rows).toHaveLength(10000);
    expect(m.times).toHaveLength(3);
    expect(row(m, 'f1234')).toEqual([1234, 1234, 1234]);
  });
});
