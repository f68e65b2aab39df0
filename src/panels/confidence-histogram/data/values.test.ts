import { createDataFrame, FieldType } from '@grafana/data';

import { readValues } from './values';
import { fixture, SETTINGS } from './testing';

const frame = (refId: string, values: Array<number | null>, name = 'confidence', labels?: Record<string, string>) =>
  createDataFrame({ refId, fields: [{ name, type: FieldType.number, values, labels }] });

describe('readValues', () => {
  it('bins raw values of two windows into equal-width bins over 0..1', () => {
    const m = readValues([frame('A', [0.05, 0.15, 0.95, 1]), frame('B', [0.5, 0.5])], { ...SETTINGS, binCount: 10 })!;
    expect(m.bins).toHaveLength(10);
    expect(m.bins[0]).toMatchObject({
      lower: 0,
      upper: 0.1,
      current: 0.25,
      currentCount: 1,
      reference: 0,
      referenceCount: 0,
    });
    // 1 belongs to the last bin, as in numpy.histogram.
    expect(m.bins[9]).toMatchObject({ currentCount: 2, upper: 1 });
    expect(m.bins[5]).toMatchObject({ reference: 1, referenceCount: 2 });
    expect(m.totals).toEqual({ current: 4, reference: 2 });
    expect(Array.from(m.values!.current!)).toEqual([0.05, 0.15, 0.95, 1]);
  });

  it('does not take the numeric drift score frame for confidence values', () => {
    const score = createDataFrame({
      name: 'distribution_drift',
      refId: 'A',
      fields: [{ name: 'score', type: FieldType.number, values: [0.42], labels: { method: 'wasserstein' } }],
    });
    expect(readValues([score], SETTINGS)).toBeUndefined();
    // A plain field with the same value is read.
    expect(readValues([frame('A', [0.42])], SETTINGS)?.totals).toEqual({ current: 1 });
  });

  it('reads windows from field names', () => {
    const f = createDataFrame({
      fields: [
        { name: 'reference', type: FieldType.number, values: [0.1, 0.2] },
        { name: 'current', type: FieldType.number, values: [0.9, null] },
      ],
    });
    const m = readValues([f], SETTINGS)!;
    expect(m.totals).toEqual({ reference: 2, current: 1 });
    expect(m.notices).toEqual(['1 value was empty or not a number and was skipped.']);
  });

  it('widens the axis for a few values outside 0..1', () => {
    const values = [...Array(99).fill(0.5), 1.5];
    const m = readValues([frame('A', values)], { ...SETTINGS, binCount: 3 })!;
    expect(m.bins[2].upper).toBe(1.5);
    expect(m.notices).toEqual(['Some values fall outside 0–1; the axis spans 0 to 1.5.']);
  });

  it('does not read numbers that are not probabilities', () => {
    expect(readValues([frame('A', [120, 250, 300])], SETTINGS)).toBeUndefined();
  });

  it('clamps the bin count and reads one value', () => {
    const one = readValues([frame('A', [0.3])], { ...SETTINGS, binCount: 0 })!;
    expect(one.bins).toHaveLength(1);
    expect(one.bins[0]).toMatchObject({ lower: 0, upper: 1, current: 1 });
    const many = readValues([frame('A', [0.3])], { ...SETTINGS, binCount: 5000 })!;
    expect(many.bins).toHaveLength(1000);
  });

  it('is undefined for NaN-only and empty data', () => {
    expect(readValues([frame('A', [NaN, null])], SETTINGS)).toBeUndefined();
    expect(readValues([], SETTINGS)).toBeUndefined();
  });

  it('reads the raw-values fixture', () => {
    const m = readValues(fixture('confidence-histogram-values.json'), SETTINGS)!;
    expect(m.totals).toEqual({ reference: 600, current: 600 });
    expect(m.windows).toEqual({ reference: true, current: true });
  });
});
