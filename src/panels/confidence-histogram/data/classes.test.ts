import { finishClasses, readClassSeries, sortClassRows } from './classes';
import { fixture, series, SETTINGS } from './testing';
import type { ClassModel, ClassRow } from './types';

const row = (name: string, reference: number, current: number): ClassRow => ({ name, reference, current, change: NaN });

describe('readClassSeries', () => {
  it('reads prediction counters by class for two windows', () => {
    const frames = [
      series('A', { class: 'cat' }, [10, 30]),
      series('A', { class: 'dog' }, [70]),
      series('B', { class: 'cat' }, [50]),
      series('B', { class: 'dog' }, [50]),
    ];
    const m = readClassSeries(frames, SETTINGS)!;
    expect(m.rows.map((r) => [r.name, r.current, r.currentCount, r.reference, r.referenceCount])).toEqual([
      ['cat', 0.3, 30, 0.5, 50],
      ['dog', 0.7, 70, 0.5, 50],
    ]);
    expect(m.totals).toEqual({ current: 100, reference: 100 });
    expect(m.skewed).toEqual(['cat', 'dog']);
    expect(m.drift).toBeUndefined();
  });

  it('sums instances and reads predicted_class too', () => {
    const frames = [
      series('A', { predicted_class: 'x', pod: '1' }, [1]),
      series('A', { predicted_class: 'x', pod: '2' }, [3]),
    ];
    const m = readClassSeries(frames, SETTINGS)!;
    expect(m.rows).toEqual([expect.objectContaining({ name: 'x', current: 1, currentCount: 4 })]);
    expect(m.windows).toEqual({ current: true });
  });

  it('has a zero share for a class missing from one window', () => {
    const m = readClassSeries([series('A', { class: 'new' }, [5]), series('B', { class: 'old' }, [5])], SETTINGS)!;
    expect(m.rows.map((r) => [r.name, r.current, r.reference])).toEqual([
      ['new', 1, 0],
      ['old', 0, 1],
    ]);
  });

  it('is undefined without class series and skips histogram buckets', () => {
    expect(readClassSeries([series('A', { class: 'a', le: '1' }, [1])], SETTINGS)).toBeUndefined();
    expect(readClassSeries([], SETTINGS)).toBeUndefined();
  });

  it('reads the class-series fixture', () => {
    const m = readClassSeries(fixture('confidence-histogram-class-series.json'), SETTINGS)!;
    expect(m.rows[m.largest!].name).toBe('dog');
  });
});

describe('finishClasses', () => {
  const model = (
    rows: ClassRow[],
    windows: ClassModel['windows'] = { reference: true, current: true }
  ): ClassModel => ({
    source: 'series',
    rows,
    windows,
    totals: {},
    skewed: [],
    notices: [],
  });

  it('marks the largest absolute change and classes at the threshold', () => {
    const m = finishClasses(model([row('a', 0.5, 0.3), row('b', 0.3, 0.55), row('c', 0.2, 0.15)]), 0.2);
    expect(m.largest).toBe(1);
    // 0.5 - 0.3 is 0.19999999999999998 in floating point: it still counts as 0.2.
    expect(m.skewed).toEqual(['a', 'b']);
  });

  it('has no change with one window and no largest when nothing changed', () => {
    const one = finishClasses(model([row('a', 0, 1)], { current: true }), 0.2);
    expect(one.rows[0].change).toBeNaN();
    expect(one.largest).toBeUndefined();
    const same = finishClasses(model([row('a', 0.5, 0.5), row('b', 0.5, 0.5)]), 0.2);
    expect(same.largest).toBeUndefined();
    expect(same.skewed).toEqual([]);
  });
});

describe('sortClassRows', () => {
  const rows = finishClasses(
    {
      source: 'series',
      rows: [row('b10', 0.1, 0.2), row('b2', 0.5, 0.3), row('a', 0.45, 0.5)],
      windows: { reference: true, current: true },
      totals: {},
      skewed: [],
      notices: [],
    },
    0.2
  ).rows;

  it('sorts by change, current share or name', () => {
    expect(sortClassRows(rows, 'change').map((r) => r.row.name)).toEqual(['b2', 'b10', 'a']);
    expect(sortClassRows(rows, 'current').map((r) => r.row.name)).toEqual(['a', 'b2', 'b10']);
    expect(sortClassRows(rows, 'name').map((r) => r.row.name)).toEqual(['a', 'b2', 'b10']);
    expect(sortClassRows(rows, 'change')[0].index).toBe(1);
  });
});
