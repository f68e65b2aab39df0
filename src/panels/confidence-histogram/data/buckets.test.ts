import { DataFrameType } from '@grafana/data';

import { forceMonotonic, parseLe, readBuckets } from './buckets';
import { buckets, fixture, series, SETTINGS } from './testing';

describe('parseLe', () => {
  it.each([
    ['0.5', 0.5],
    ['1', 1],
    ['1.0', 1],
    ['+Inf', Infinity],
    ['inf', Infinity],
    [' 2e-1 ', 0.2],
    ['abc', undefined],
    ['', undefined],
    ['NaN', undefined],
  ])('%s', (le, want) => {
    expect(parseLe(le)).toBe(want);
  });
});

describe('forceMonotonic', () => {
  it('clamps decreases and reports where', () => {
    const cum = [1, 5, 4, 6, 3];
    expect(forceMonotonic(cum)).toEqual({ from: 2, to: 4 });
    expect(cum).toEqual([1, 5, 5, 6, 6]);
  });

  it('treats rounding as equal, silently', () => {
    const cum = [10, 10 - 1e-14, 11];
    expect(forceMonotonic(cum)).toBeUndefined();
    expect(cum).toEqual([10, 10, 11]);
  });
});

const LES = ['0.25', '0.5', '0.75', '1', '+Inf'];

describe('readBuckets', () => {
  it('turns cumulative buckets of two windows into shares and counts', () => {
    const frames = [...buckets('A', LES, [10, 30, 60, 100, 100]), ...buckets('B', LES, [5, 10, 30, 200, 200])];
    const m = readBuckets(frames, SETTINGS)!;
    expect(m.bins.map((b) => [b.lower, b.upper])).toEqual([
      [0, 0.25],
      [0.25, 0.5],
      [0.5, 0.75],
      [0.75, 1],
    ]);
    expect(m.bins.map((b) => b.currentCount)).toEqual([10, 20, 30, 40]);
    expect(m.bins.map((b) => b.current)).toEqual([0.1, 0.2, 0.3, 0.4]);
    expect(m.bins.map((b) => b.referenceCount)).toEqual([5, 5, 20, 170]);
    expect(m.bins.map((b) => b.reference)).toEqual([0.025, 0.025, 0.1, 0.85]);
    expect(m.totals).toEqual({ current: 100, reference: 200 });
    expect(m.outside).toEqual({ current: 0, reference: 0 });
    expect(m.windows).toEqual({ current: true, reference: true });
    expect(m.notices).toEqual([]);
  });

  it('reports the +Inf bucket instead of drawing it', () => {
    const m = readBuckets(buckets('A', LES, [10, 30, 60, 90, 100]), SETTINGS)!;
    expect(m.bins).toHaveLength(4);
    expect(m.outside.current).toBeCloseTo(0.1);
    expect(m.bins[3].current).toBeCloseTo(0.3);
  });

  it('uses the top bucket as the total when there is no +Inf bucket', () => {
    const m = readBuckets(buckets('A', ['0.5', '1'], [4, 8]), SETTINGS)!;
    expect(m.totals.current).toBe(8);
    expect(m.bins.map((b) => b.current)).toEqual([0.5, 0.5]);
    expect(m.notices).toContain('The current window has no +Inf bucket, so its total is the count at le=1.');
  });

  it('forces non-monotonic buckets monotonic and says so', () => {
    const m = readBuckets(buckets('A', LES, [10, 30, 25, 100, 100]), SETTINGS)!;
    expect(m.bins.map((b) => b.currentCount)).toEqual([10, 20, 0, 70]);
    expect(m.notices[0]).toMatch(/current window fell between le=0.5 and le=0.75 and were forced monotonic/);
  });

  it('adds equal bounds and series of several instances up', () => {
    const frames = [
      ...buckets('A', ['0.5', '1', '+Inf'], [1, 2, 2], { instance: 'a' }),
      ...buckets('A', ['0.5', '1.0', '+Inf'], [3, 6, 6], { instance: 'b' }),
    ];
    const m = readBuckets(frames, SETTINGS)!;
    expect(m.bins.map((b) => b.currentCount)).toEqual([4, 4]);
  });

  it('merges different layouts down to their common bounds', () => {
    const frames = [...buckets('A', LES, [10, 30, 60, 100, 100]), ...buckets('B', ['0.5', '1', '+Inf'], [10, 40, 40])];
    const m = readBuckets(frames, SETTINGS)!;
    expect(m.bins.map((b) => [b.lower, b.upper])).toEqual([
      [0, 0.5],
      [0.5, 1],
    ]);
    expect(m.bins.map((b) => b.currentCount)).toEqual([30, 70]);
    expect(m.notices).toContain(
      'The two windows have different bucket bounds; they were merged to the 3 bounds both have.'
    );
  });

  it('gives up with a notice when layouts share no bound', () => {
    const m = readBuckets([...buckets('A', ['0.5', '1'], [1, 2]), ...buckets('B', ['0.6', '0.9'], [1, 2])], SETTINGS)!;
    expect(m.bins).toEqual([]);
    expect(m.notices).toContain(
      'The reference and current windows share no bucket bounds, so they cannot be compared.'
    );
  });

  it('reads per-bucket counts from heatmap-rows frames', () => {
    const frames = ['0.5', '1', '+Inf'].map((le, i) =>
      series('A', { le }, [[3, 7, 0][i]], { type: DataFrameType.HeatmapRows })
    );
    const m = readBuckets(frames, SETTINGS)!;
    expect(m.bins.map((b) => b.currentCount)).toEqual([3, 7]);
    expect(m.totals.current).toBe(10);
  });

  it('reads a window label and leaves mixed extra queries out', () => {
    const frames = [
      ...buckets('X', LES, [1, 2, 3, 4, 4], { window: 'reference' }),
      ...buckets('X', LES, [4, 4, 4, 4, 4], { window: 'current' }),
    ];
    const m = readBuckets(frames, SETTINGS)!;
    expect(m.bins[0].current).toBe(1);
    expect(m.bins.map((b) => b.reference)).toEqual([0.25, 0.25, 0.25, 0.25]);

    const three = [
      ...buckets('A', LES, [1, 1, 1, 1, 1]),
      ...buckets('C', LES, [2, 2, 2, 2, 2]),
      ...buckets('B', LES, [0, 0, 0, 3, 3]),
    ];
    const m3 = readBuckets(three, SETTINGS)!;
    expect(m3.bins.map((b) => b.referenceCount)).toEqual([0, 0, 0, 3]);
    expect(m3.notices.some((n) => n.startsWith('Query C was left out'))).toBe(true);
  });

  it('has one window when only one query is there', () => {
    const m = readBuckets(buckets('A', LES, [1, 2, 3, 4, 4]), SETTINGS)!;
    expect(m.windows).toEqual({ current: true, reference: undefined });
    expect(m.bins.every((b) => b.reference === 0 && b.referenceCount === undefined)).toBe(true);
  });

  it('skips unparseable bounds and NaN values', () => {
    const frames = [...buckets('A', ['0.5', 'high', '+Inf'], [1, 2, 2]), series('A', { le: '1' }, [NaN])];
    const m = readBuckets(frames, SETTINGS)!;
    expect(m.bins.map((b) => b.currentCount)).toEqual([1]);
    expect(m.notices).toContain('Bucket series with le="high" were skipped: le must be a number or +Inf.');
    expect(m.notices).toContain('1 bucket series had no numeric values and was skipped.');
  });

  it('says when a window has no observations', () => {
    const m = readBuckets([...buckets('A', LES, [0, 0, 0, 0, 0]), ...buckets('B', LES, [1, 1, 1, 1, 1])], SETTINGS)!;
    expect(m.bins.every((b) => b.current === 0)).toBe(true);
    expect(m.notices).toContain('The current window has no observations in this time range.');
  });

  it('clamps negative counts to 0', () => {
    const m = readBuckets(buckets('A', ['0.5', '1', '+Inf'], [-3, 4, 4]), SETTINGS)!;
    expect(m.bins.map((b) => b.currentCount)).toEqual([0, 4]);
  });

  it('reports a bucket at or below 0 as outside (open below)', () => {
    const m = readBuckets(buckets('A', ['0', '0.5', '1', '+Inf'], [2, 4, 10, 10]), SETTINGS)!;
    expect(m.bins.map((b) => [b.lower, b.upper])).toEqual([
      [0, 0.5],
      [0.5, 1],
    ]);
    expect(m.outside.current).toBeCloseTo(0.2);
  });

  it('handles one bucket and no buckets', () => {
    expect(readBuckets([], SETTINGS)).toBeUndefined();
    const one = readBuckets(buckets('A', ['1', '+Inf'], [5, 5]), SETTINGS)!;
    expect(one.bins).toEqual([
      { lower: 0, upper: 1, reference: 0, current: 1, referenceCount: undefined, currentCount: 5 },
    ]);
    const infOnly = readBuckets(buckets('A', ['+Inf'], [5]), SETTINGS)!;
    expect(infOnly.bins).toEqual([]);
    expect(infOnly.outside.current).toBe(1);
  });

  it('reads 1,000 buckets', () => {
    const les = Array.from({ length: 1000 }, (_, i) => String((i + 1) / 1000));
    const cum = les.map((_, i) => i + 1);
    const m = readBuckets(
      [
        ...buckets('A', [...les, '+Inf'], [...cum, 1000]),
        ...buckets('B', [...les, '+Inf'], [...cum.map((c) => 2 * c), 2000]),
      ],
      SETTINGS
    )!;
    expect(m.bins).toHaveLength(1000);
    expect(m.bins[999]).toMatchObject({ lower: 0.999, upper: 1, current: 0.001, reference: 0.001 });
  });

  it('reads the Prometheus fixture (fractional increase() counts)', () => {
    const m = readBuckets(fixture('confidence-histogram-buckets.json'), SETTINGS)!;
    expect(m.bins).toHaveLength(10);
    expect(m.windows).toEqual({ current: true, reference: true });
    expect(m.bins.reduce((s, b) => s + b.current, 0)).toBeCloseTo(1, 9);
    expect(m.bins[9].reference).toBeGreaterThan(m.bins[9].current);
  });
});
