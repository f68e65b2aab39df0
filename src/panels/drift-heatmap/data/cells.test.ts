import { createTheme } from '@grafana/data';

import { classifyCells, classifyRows, createCellClasses, NO_SCORE } from './cells';
import { buildPalette, CONTINUOUS_STEPS } from './palette';
import { buildScale } from './scale';
import { testModel } from './testModel';

const theme = createTheme();
const palette = buildPalette(undefined, theme, '#000000');

describe('classifyCells', () => {
  const model = testModel([
    { name: 'd', scores: [0, 0.1, NaN, 0.2], dataThreshold: 0.1 },
    { name: 'p', kind: 'p_value', scores: [0.9, 0.01, 0.2, NaN], dataThreshold: 0.05 },
    { name: 'none', scores: [NaN, NaN, NaN, NaN] },
  ]);
  const scale = buildScale(model);
  const c = classifyCells(model, scale, palette);

  it('buckets scores by scale position, and marks missing scores', () => {
    expect(c.buckets[0]).toBe(0);
    expect(c.buckets[1]).toBe(Math.round(0.5 * (CONTINUOUS_STEPS - 1)));
    expect(c.buckets[2]).toBe(NO_SCORE);
    expect(c.buckets[3]).toBe(CONTINUOUS_STEPS - 1);
    // p = 0.01 is past the threshold on the log scale: high bucket.
    expect(c.buckets[5]).toBeGreaterThan(c.buckets[4]);
  });

  it('levels follow the kind of score', () => {
    expect(Array.from(c.levels.subarray(0, 4))).toEqual([0, 1, 0, 1]);
    expect(Array.from(c.levels.subarray(4, 8))).toEqual([0, 1, 0, 0]);
  });

  it('computes row figures for sorting and the summary column', () => {
    expect(c.stats.worstScore[0]).toBe(0.2);
    expect(c.stats.worstScore[1]).toBe(0.01);
    expect(c.stats.latestScore[0]).toBe(0.2);
    expect(c.stats.latestScore[1]).toBe(0.2);
    expect(Array.from(c.stats.firstOver)).toEqual([1, 1, -1]);
    expect(Array.from(c.stats.overCount)).toEqual([2, 1, 0]);
    expect(c.stats.worstPosition[2]).toBe(-1);
    expect(c.stats.worstScore[2]).toBeNaN();
  });

  it('uses threshold steps as buckets in "From thresholds" colour mode', () => {
    const field = {
      name: 'score',
      type: 'number' as never,
      values: [],
      config: {
        color: { mode: 'thresholds' as never },
        thresholds: {
          mode: 'absolute' as never,
          steps: [
            { value: -Infinity, color: 'green' },
            { value: 0.1, color: 'orange' },
            { value: 0.15, color: 'red' },
          ],
        },
      },
    };
    const steps = buildPalette(field, theme, '#000000');
    expect(steps.kind).toBe('steps');
    const cc = classifyCells(model, scale, steps);
    expect(Array.from(cc.buckets.subarray(0, 4))).toEqual([0, 1, NO_SCORE, 2]);
  });

  it('gives the same result classified in slices of rows', () => {
    const sliced = createCellClasses(model);
    classifyRows(model, scale, palette, sliced, 0, 1);
    classifyRows(model, scale, palette, sliced, 1, 3);
    expect(sliced).toEqual(c);
  });
});
