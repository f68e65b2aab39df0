import { analyzeStragglers, median, DEFAULT_STRAGGLER_OPTIONS } from './straggler';

describe('median', () => {
  it('is numpy.median', () => {
    expect(median([])).toBeNaN();
    expect(median([5])).toBe(5);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe('analyzeStragglers (pkg/gpu Analyze)', () => {
  const o = DEFAULT_STRAGGLER_OPTIONS;

  it('scores against the group median and flags below 0.75 in busy groups', () => {
    const r = analyzeStragglers(['a', 'a', 'a', 'a'], [90, 92, 94, 40], o);
    // median of 40, 90, 92, 94 = 91
    expect(Array.from(r.score).map((s) => Number(s.toFixed(3)))).toEqual([0.989, 1.011, 1.033, 0.44]);
    expect(Array.from(r.straggler)).toEqual([0, 0, 0, 1]);
    expect(r.groupMedian[0]).toBe(91);
    expect(r.groupSize[3]).toBe(4);
  });

  it('gives no verdict in idle groups, but still scores', () => {
    const r = analyzeStragglers(['idle', 'idle', 'idle'], [30, 35, 5], o);
    expect(Array.from(r.straggler)).toEqual([0, 0, 0]);
    expect(Array.from(r.idle)).toEqual([1, 1, 1]);
    expect(r.score[2]).toBeCloseTo(5 / 30);
  });

  it('scores 1 for groups of one and groups with a zero median', () => {
    const one = analyzeStragglers(['solo'], [12], o);
    expect(one.score[0]).toBe(1);
    const zero = analyzeStragglers(['z', 'z', 'z'], [0, 0, 80], { threshold: 0.75, minGroupMedian: 0 });
    expect(Array.from(zero.score)).toEqual([1, 1, 1]);
    expect(Array.from(zero.straggler)).toEqual([0, 0, 0]);
  });

  it('leaves GPUs without a group or without utilisation unscored', () => {
    const r = analyzeStragglers(['', 'g', 'g', 'g'], [10, NaN, 80, 90], o);
    expect(r.score[0]).toBeNaN();
    expect(r.score[1]).toBeNaN();
    expect(r.groupSize[2]).toBe(2);
    expect(r.groupMedian[2]).toBe(85);
    expect(Array.from(r.straggler)).toEqual([0, 0, 0, 0]);
  });

  it('keeps groups apart', () => {
    const r = analyzeStragglers(['a', 'a', 'b', 'b', 'b'], [90, 30, 50, 50, 20], o);
    expect(r.groupMedian[0]).toBe(60);
    expect(r.groupMedian[2]).toBe(50);
    expect(Array.from(r.straggler)).toEqual([0, 1, 0, 0, 1]);
  });

  it('handles an empty fleet', () => {
    const r = analyzeStragglers([], [], o);
    expect(r.score).toHaveLength(0);
  });
});
