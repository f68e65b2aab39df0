import { createDataFrame, FieldType } from '@grafana/data';

import { driftFromMeta, readDistribution } from './distribution';
import { distribution, fixture, SETTINGS } from './testing';

const META = {
  reference_counts: [10, 30, 60],
  current_counts: [40, 40, 20],
  reference_total: 100,
  current_total: 100,
  method: 'wasserstein',
  kind: 'distance',
  score: 0.31,
  statistic: 0.31,
  threshold: 0.1,
  drifted: true,
};

const EDGES = { lower: [0, 0.5, 0.8], upper: [0.5, 0.8, 1] };

describe('readDistribution (histogram mode)', () => {
  it('reads shares, counts from meta and the backend verdict', () => {
    const { histogram } = readDistribution(
      [distribution({ ...EDGES, reference: [0.1, 0.3, 0.6], current: [0.4, 0.4, 0.2], custom: META })],
      SETTINGS
    );
    expect(histogram!.bins).toEqual([
      { lower: 0, upper: 0.5, reference: 0.1, current: 0.4, referenceCount: 10, currentCount: 40 },
      { lower: 0.5, upper: 0.8, reference: 0.3, current: 0.4, referenceCount: 30, currentCount: 40 },
      { lower: 0.8, upper: 1, reference: 0.6, current: 0.2, referenceCount: 60, currentCount: 20 },
    ]);
    expect(histogram!.drift).toEqual({
      method: 'wasserstein',
      kind: 'distance',
      score: 0.31,
      statistic: 0.31,
      threshold: 0.1,
      drifted: true,
    });
    expect(histogram!.totals).toEqual({ reference: 100, current: 100 });
    expect(histogram!.notices).toEqual([]);
  });

  it('has no verdict without meta, and derives counts from totals when only those are given', () => {
    const bare = readDistribution(
      [distribution({ ...EDGES, reference: [0.1, 0.3, 0.6], current: [0.4, 0.4, 0.2] })],
      SETTINGS
    ).histogram!;
    expect(bare.drift).toBeUndefined();
    expect(bare.bins[0].currentCount).toBeUndefined();
    const totals = readDistribution(
      [
        distribution({
          ...EDGES,
          reference: [0.1, 0.3, 0.6],
          current: [0.4, 0.4, 0.2],
          custom: { reference_total: 1000, current_total: 50 },
        }),
      ],
      SETTINGS
    ).histogram!;
    expect(totals.bins[0].currentCount).toBeCloseTo(20);
    expect(totals.bins[2].referenceCount).toBeCloseTo(600);
  });

  it('ignores counts that do not line up with the rows', () => {
    const m = readDistribution(
      [
        distribution({
          ...EDGES,
          reference: [0.1, 0.3, 0.6],
          current: [0.4, 0.4, 0.2],
          custom: { reference_counts: [1, 2] },
        }),
      ],
      SETTINGS
    ).histogram!;
    expect(m.bins[0].referenceCount).toBeUndefined();
  });

  it('reads a verdict without a score as "not enough data"', () => {
    expect(driftFromMeta({ method: 'ks', kind: 'p_value', score: null, threshold: 0.05, drifted: false })).toEqual({
      method: 'ks',
      kind: 'p_value',
      score: null,
      statistic: null,
      threshold: 0.05,
      drifted: false,
    });
    expect(driftFromMeta({ score: 0.2 })).toBeUndefined();
  });

  it('reads NaN and missing shares as 0 and says so', () => {
    const m = readDistribution(
      [distribution({ ...EDGES, reference: [0.5, NaN, 0.5], current: [null, 0.5, 0.5] })],
      SETTINGS
    ).histogram!;
    expect(m.bins.map((b) => [b.reference, b.current])).toEqual([
      [0.5, 0],
      [0, 0.5],
      [0.5, 0.5],
    ]);
    expect(m.notices).toEqual([
      '1 reference value was missing or not a number and reads as 0.',
      '1 current value was missing or not a number and reads as 0.',
    ]);
  });

  it('reads values that add up to more than 1 as counts', () => {
    const m = readDistribution(
      [distribution({ ...EDGES, reference: [10, 30, 60], current: [0.4, 0.4, 0.2] })],
      SETTINGS
    ).histogram!;
    expect(m.bins.map((b) => b.reference)).toEqual([0.1, 0.3, 0.6]);
    expect(m.bins.map((b) => b.referenceCount)).toEqual([10, 30, 60]);
    expect(m.totals.reference).toBe(100);
    expect(m.notices).toContain('The reference values add up to 100, not 1: they were read as counts.');
  });

  it('keeps open bins (+Inf) out of the axis and reports their share', () => {
    const m = readDistribution(
      [
        distribution({
          lower: [0, 0.5, 1],
          upper: [0.5, 1, Infinity],
          reference: [0.5, 0.5, 0],
          current: [0.3, 0.6, 0.1],
        }),
      ],
      SETTINGS
    ).histogram!;
    expect(m.bins).toHaveLength(2);
    expect(m.outside).toEqual({ reference: 0, current: 0.1 });
  });

  it('skips bins with NaN or reversed bounds and sorts the rest', () => {
    const m = readDistribution(
      [
        distribution({
          lower: [0.5, NaN, 0, 0.9],
          upper: [1, 0.2, 0.5, 0.8],
          reference: [0.5, 0, 0.5, 0],
          current: [0.5, 0, 0.5, 0],
        }),
      ],
      SETTINGS
    ).histogram!;
    expect(m.bins.map((b) => b.lower)).toEqual([0, 0.5]);
    expect(m.notices).toContain('2 bins were skipped: lower and upper must be numbers with lower <= upper.');
  });

  it('leaves out a window with no observations', () => {
    const m = readDistribution(
      [distribution({ ...EDGES, reference: [0, 0, 0], current: [0.4, 0.4, 0.2] })],
      SETTINGS
    ).histogram!;
    expect(m.windows).toEqual({ current: true });
    expect(m.notices).toContain('The reference window has no observations in this time range.');
  });

  it('reads one bin and 1,000 bins', () => {
    expect(
      readDistribution([distribution({ lower: [0], upper: [1], reference: [1], current: [1] })], SETTINGS).histogram!
        .bins
    ).toHaveLength(1);
    const n = 1000;
    const edges = Array.from({ length: n + 1 }, (_, i) => i / n);
    const big = readDistribution(
      [
        distribution({
          lower: edges.slice(0, -1),
          upper: edges.slice(1),
          reference: Array(n).fill(1 / n),
          current: Array(n).fill(1 / n),
        }),
      ],
      SETTINGS
    ).histogram!;
    expect(big.bins).toHaveLength(n);
    expect(big.notices).toEqual([]);
  });

  it('builds a calibration model from an accuracy field', () => {
    const { calibration } = readDistribution(
      [
        distribution({
          ...EDGES,
          reference: [0.1, 0.3, 0.6],
          current: [0.4, 0.4, 0.2],
          accuracy: [0.2, NaN, 0.95],
          custom: META,
        }),
      ],
      SETTINGS
    );
    const side = calibration!.sides.current!;
    expect(side.bins.map((b) => [b.confidence, b.count])).toEqual([
      [0.25, 40],
      [0.65, 40],
      [0.9, 20],
    ]);
    // ECE over bins with labels: (40 * |0.2 - 0.25| + 20 * |0.95 - 0.9|) / 60.
    expect(side.ece).toBeCloseTo((40 * 0.05 + 20 * 0.05) / 60, 12);
    expect(calibration!.midpoints).toBe(true);
  });

  it('takes the first of several histogram frames', () => {
    const f = distribution({ ...EDGES, reference: [0.1, 0.3, 0.6], current: [0.4, 0.4, 0.2] });
    const r = readDistribution([f, f], SETTINGS);
    expect(r.notices).toEqual([
      '1 more distribution frame was left out; the panel shows one histogram and one class distribution.',
    ]);
  });

  it('reads the confidence-drop fixture', () => {
    const m = readDistribution(fixture('confidence-histogram-drop.json'), SETTINGS).histogram!;
    expect(m.bins).toHaveLength(20);
    expect(m.drift?.drifted).toBe(true);
    expect(m.totals).toEqual({ reference: 48210, current: 51877 });
    const top = m.bins[19];
    expect(top.current).toBeLessThan(top.reference);
  });
});

describe('readDistribution (class mode)', () => {
  it('reads shares per class with counts and skew', () => {
    const { classes } = readDistribution(
      [
        distribution({
          classes: ['cat', 'dog', 'bird'],
          reference: [0.5, 0.3, 0.2],
          current: [0.2, 0.6, 0.2],
          custom: {
            reference_counts: [50, 30, 20],
            current_counts: [40, 120, 40],
            method: 'jensenshannon',
            kind: 'distance',
            score: 0.2,
            threshold: 0.1,
            drifted: true,
          },
        }),
      ],
      SETTINGS
    );
    expect(classes!.rows.map((r) => [r.name, r.currentCount, r.change])).toEqual([
      ['cat', 40, expect.closeTo(-0.3, 12)],
      ['dog', 120, expect.closeTo(0.3, 12)],
      ['bird', 40, 0],
    ]);
    expect(classes!.skewed).toEqual(['cat', 'dog']);
    expect(classes!.largest).toBe(0);
    expect(classes!.drift?.method).toBe('jensenshannon');
  });

  it('adds repeated class names and names empty ones', () => {
    const frame = createDataFrame({
      refId: 'A',
      fields: [
        { name: 'class', type: FieldType.string, values: ['a', 'a', null] },
        { name: 'reference', type: FieldType.number, values: [0.2, 0.3, 0.5] },
        { name: 'current', type: FieldType.number, values: [0.1, 0.1, 0.8] },
      ],
    });
    const c = readDistribution([frame], SETTINGS).classes!;
    expect(c.rows.map((r) => [r.name, r.reference])).toEqual([
      ['a', 0.5],
      ['(empty)', 0.5],
    ]);
    expect(c.notices).toContain('1 repeated class name was added together.');
  });

  it('reads the class fixture', () => {
    const c = readDistribution(fixture('confidence-histogram-classes.json'), SETTINGS).classes!;
    expect(c.rows[c.largest!].name).toBe('dog');
    expect(c.skewed).toEqual(['dog']);
  });
});
