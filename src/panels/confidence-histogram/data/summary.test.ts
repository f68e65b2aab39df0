import { summarise } from './summary';
import type { HistogramModel } from './types';

const model = (bins: Array<[number, number, number, number]>, extra: Partial<HistogramModel> = {}): HistogramModel => ({
  source: 'distribution',
  bins: bins.map(([lower, upper, reference, current]) => ({ lower, upper, reference, current })),
  windows: { reference: true, current: true },
  totals: {},
  outside: {},
  notices: [],
  ...extra,
});

describe('summarise', () => {
  it('estimates means at bin midpoints and low shares on bin edges', () => {
    const s = summarise(
      model([
        [0, 0.5, 0.2, 0.6],
        [0.5, 1, 0.8, 0.4],
      ]),
      0.5
    );
    expect(s.mean.reference).toBeCloseTo(0.2 * 0.25 + 0.8 * 0.75, 12);
    expect(s.mean.current).toBeCloseTo(0.6 * 0.25 + 0.4 * 0.75, 12);
    expect(s.meanChange).toBeCloseTo(-0.2, 12);
    expect(s.low).toEqual({ reference: 0.2, current: 0.6 });
    expect(s.lowChange).toBeCloseTo(0.4, 12);
    expect(s.basis).toBe('midpoints');
    expect(s.splitBin).toBeUndefined();
  });

  it('splits a bin the threshold cuts in proportion', () => {
    const s = summarise(model([[0, 1, 1, 1]]), 0.3);
    expect(s.low.current).toBeCloseTo(0.3, 12);
    expect(s.splitBin).toEqual({ lower: 0, upper: 1 });
  });

  it('counts mass outside the drawn bins in neither mean nor low share', () => {
    const s = summarise(model([[0.5, 1, 0.5, 0.9]], { outside: { reference: 0.5, current: 0.1 } }), 0.5);
    expect(s.mean.reference).toBeCloseTo(0.75, 12);
    expect(s.low.reference).toBe(0);
  });

  it('is exact from raw values', () => {
    const s = summarise(
      model([[0, 1, 1, 1]], { values: { current: Float64Array.from([0.2, 0.4, 0.9]) }, windows: { current: true } }),
      0.5
    );
    expect(s.mean.current).toBeCloseTo(0.5, 12);
    expect(s.low.current).toBeCloseTo(2 / 3, 12);
    expect(s.basis).toBe('values');
    expect(s.mean.reference).toBeUndefined();
    expect(s.meanChange).toBeUndefined();
  });

  it('has nothing for an empty window', () => {
    const s = summarise(model([[0, 1, 0, 0]]), 0.5);
    expect(s.mean).toEqual({});
    expect(s.low).toEqual({});
  });
});
