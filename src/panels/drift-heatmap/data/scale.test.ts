import { buildScale, scoreAtPosition, scorePosition, thresholdLevel } from './scale';
import { testModel } from './testModel';

describe('buildScale', () => {
  it('puts a distance threshold mid-scale unless scores go higher', () => {
    const m = testModel([{ name: 'a', scores: [0.01, 0.05], dataThreshold: 0.1 }]);
    const s = buildScale(m);
    expect(s.distance).toEqual({ lo: 0, hi: 0.2 });
    expect(scorePosition(s, 'distance', 0.1)).toBeCloseTo(0.5);
    const high = buildScale(testModel([{ name: 'a', scores: [0.01, 0.8], dataThreshold: 0.1 }]));
    expect(high.distance.hi).toBe(0.8);
  });

  it('follows the field’s min and max', () => {
    const m = testModel([{ name: 'a', scores: [0.01, 0.05], dataThreshold: 0.1 }]);
    const s = buildScale(m, { name: 'score', type: 'number' as never, config: { min: 0, max: 1 }, values: [] });
    expect(s.distance).toEqual({ lo: 0, hi: 1 });
  });

  it('survives rows without any score', () => {
    const s = buildScale(testModel([{ name: 'a', scores: [NaN, NaN] }]));
    expect(s.distance).toEqual({ lo: 0, hi: 1 });
    expect(s.thresholdSource).toBe('none');
  });

  it('uses a log scale for p-values with the threshold mid-scale', () => {
    const m = testModel([{ name: 'p', kind: 'p_value', scores: [0.5, 0.01], dataThreshold: 0.05 }]);
    const s = buildScale(m);
    expect(s.hasPValue).toBe(true);
    expect(s.hasDistance).toBe(false);
    expect(s.pFloor).toBeCloseTo(0.0025);
    expect(scorePosition(s, 'p_value', 1)).toBe(0);
    expect(scorePosition(s, 'p_value', 0.05)).toBeCloseTo(0.5);
    expect(scorePosition(s, 'p_value', 1e-9)).toBe(1);
    expect(scorePosition(s, 'p_value', 0)).toBe(1);
    expect(scoreAtPosition(s, 'p_value', 0.5)).toBeCloseTo(0.05);
    expect(scorePosition(s, 'p_value', NaN)).toBeNaN();
  });

  it('prefers field thresholds over the data’s, and resolves percentages', () => {
    const m = testModel([
      { name: 'a', scores: [0, 1], dataThreshold: 0.1, fieldThresholds: { values: [50], percent: true } },
      { name: 'b', scores: [0, 1], dataThreshold: 0.3 },
      { name: 'p', kind: 'p_value', scores: [0.5, 0.5], fieldThresholds: { values: [1], percent: true } },
    ]);
    const s = buildScale(m);
    expect(s.thresholds).toEqual([[0.5], [0.3], [0.01]]);
    expect(s.thresholdSource).toBe('mixed');
  });
});

describe('thresholdLevel', () => {
  it('counts distances at or above, p-values below', () => {
    expect(thresholdLevel('distance', [0.1, 0.2], 0.1)).toBe(1);
    expect(thresholdLevel('distance', [0.1, 0.2], 0.25)).toBe(2);
    expect(thresholdLevel('distance', [0.1], 0.05)).toBe(0);
    expect(thresholdLevel('p_value', [0.01, 0.05], 0.05)).toBe(0);
    expect(thresholdLevel('p_value', [0.01, 0.05], 0.03)).toBe(1);
    expect(thresholdLevel('p_value', [0.01, 0.05], 0.001)).toBe(2);
    expect(thresholdLevel('p_value', [0.05], NaN)).toBe(0);
  });
});
