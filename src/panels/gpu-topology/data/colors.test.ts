import { createTheme, FieldColorModeId, ThresholdsMode, type FieldConfig } from '@grafana/data';

import { buildColorScale, colorDomain, CONTINUOUS_BUCKETS, parseColor, textColorOn } from './colors';
import type { MetricColumn } from './model';

const theme = createTheme({ colors: { mode: 'dark' } });

function column(
  values: number[],
  config: FieldConfig = {},
  known: MetricColumn['known'] = 'utilization',
  unit = 'percent'
): MetricColumn {
  const finite = values.filter((v) => !Number.isNaN(v));
  return {
    id: known ?? 'field:x',
    known,
    title: 'x',
    unit,
    values: Float64Array.from(values),
    count: finite.length,
    min: Math.min(...finite),
    max: Math.max(...finite),
    config,
  };
}

describe('colorDomain', () => {
  it('uses field config min/max, else the metric range, else the data', () => {
    expect(colorDomain(column([10, 20], { min: 5, max: 50 }))).toEqual([5, 50]);
    expect(colorDomain(column([10, 20]))).toEqual([0, 100]);
    expect(colorDomain(column([40, 80], {}, 'temperature', 'celsius'))).toEqual([40, 80]);
    expect(colorDomain(column([0.2, 0.4], {}, 'tensorActive', 'percentunit'))).toEqual([0, 1]);
    expect(colorDomain(column([20, 40], {}, 'tensorActive', 'percent'))).toEqual([0, 100]);
  });

  it('widens a single value into a range', () => {
    const [lo, hi] = colorDomain(column([70, 70], {}, 'temperature', 'celsius'));
    expect(lo).toBeLessThan(70);
    expect(hi).toBeGreaterThan(70);
    const [z0, z1] = colorDomain(column([0], {}, undefined, 'none'));
    expect(z1 - z0).toBeGreaterThan(0);
  });
});

describe('buildColorScale', () => {
  it('buckets a continuous scheme, with -1 for no value', () => {
    const s = buildColorScale(
      column([0, 50, 100, NaN, 150, -5], { color: { mode: FieldColorModeId.ContinuousBlYlRd } }),
      theme
    );
    expect(s.mode).toBe('continuous');
    expect(s.colors).toHaveLength(CONTINUOUS_BUCKETS);
    expect(Array.from(s.buckets)).toEqual([
      0,
      Math.round(0.5 * (CONTINUOUS_BUCKETS - 1)),
      CONTINUOUS_BUCKETS - 1,
      -1,
      CONTINUOUS_BUCKETS - 1,
      0,
    ]);
    expect(new Set(s.colors).size).toBeGreaterThan(10);
  });

  it('uses the panel default scheme when a field has no colour config', () => {
    expect(buildColorScale(column([1, 2]), theme).mode).toBe('continuous');
  });

  it('uses thresholds, absolute and percentage', () => {
    const steps = [
      { value: -Infinity, color: 'green' },
      { value: 60, color: 'orange' },
      { value: 90, color: 'red' },
    ];
    const abs = buildColorScale(
      column([10, 60, 89.9, 95, NaN], {
        color: { mode: FieldColorModeId.Thresholds },
        thresholds: { mode: ThresholdsMode.Absolute, steps },
      }),
      theme
    );
    expect(abs.mode).toBe('thresholds');
    expect(Array.from(abs.buckets)).toEqual([0, 1, 1, 2, -1]);
    expect(abs.colors[2]).toBe(theme.visualization.getColorByName('red'));
    const pct = buildColorScale(
      column(
        [20, 30, 40],
        {
          min: 20,
          max: 40,
          color: { mode: FieldColorModeId.Thresholds },
          thresholds: { mode: ThresholdsMode.Percentage, steps },
        },
        'temperature',
        'celsius'
      ),
      theme
    );
    // 30 is 50 % of 20..40, 40 is 100 %.
    expect(Array.from(pct.buckets)).toEqual([0, 0, 2]);
    expect(pct.steps[1].value).toBeCloseTo(32);
  });

  it('paints every cell one colour in single-colour mode', () => {
    const s = buildColorScale(
      column([1, 2, NaN], { color: { mode: FieldColorModeId.Fixed, fixedColor: 'purple' } }),
      theme
    );
    expect(s.mode).toBe('single');
    expect(s.colors).toEqual([theme.visualization.getColorByName('purple')]);
    expect(Array.from(s.buckets)).toEqual([0, 0, -1]);
  });
});

describe('text on cells', () => {
  it('picks black on light and white on dark colours', () => {
    expect(textColorOn('#ffffff')).toBe('#000');
    expect(textColorOn('#000')).toBe('#fff');
    expect(textColorOn('rgb(250, 222, 42)')).toBe('#000');
    expect(textColorOn('rgba(20, 20, 120, 0.5)')).toBe('#fff');
    expect(textColorOn('not a colour')).toBe('#000');
    expect(parseColor('#fade2a80')).toEqual([250, 222, 42]);
  });
});
