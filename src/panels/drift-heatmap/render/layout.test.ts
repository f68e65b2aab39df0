import {
  cellRect,
  columnSpans,
  computeLayout,
  hitTest,
  labelHit,
  nearestColumn,
  timeToX,
  xToTime,
  type LayoutInput,
} from './layout';

const base: LayoutInput = {
  width: 500,
  height: 226,
  dpr: 1,
  rowCount: 10,
  times: Float64Array.from([0, 1000, 2000, 3000]),
  step: 1000,
  timeRange: { from: 0, to: 3000 },
  labelWidth: 100,
  summaryWidth: 0,
  axisHeight: 22,
};

describe('layout', () => {
  it('centres columns on their times, one step wide, never overlapping', () => {
    const s = columnSpans(Float64Array.from([0, 1000, 1500, 5000]), 1000, { from: 0, to: 5000 });
    expect(Array.from(s.left)).toEqual([-500, 500, 1250, 4500]);
    expect(Array.from(s.right)).toEqual([500, 1250, 2000, 5500]);
    const one = columnSpans(Float64Array.from([1000]), 0, { from: 0, to: 2000 });
    expect([one.left[0], one.right[0]]).toEqual([0, 2000]);
  });

  it('widens the time range so no column falls off', () => {
    const l = computeLayout(base);
    expect(l.domain).toEqual([-500, 3500]);
    expect(l.plot).toEqual({ left: 100, top: 4, width: 392, height: 200 });
    expect(l.rowHeight).toBe(20);
    expect(Array.from(l.colPx0)).toEqual([0, 98, 196, 294]);
    expect(Array.from(l.colPx1)).toEqual([98, 196, 294, 392]);
    expect(xToTime(l, timeToX(l, 1234))).toBeCloseTo(1234);
  });

  it('caps row height so one feature is a strip', () => {
    const l = computeLayout({ ...base, rowCount: 1 });
    expect(l.rowHeight).toBe(40);
    expect(l.plot.height).toBe(40);
  });

  it('gives sub-pixel rows and columns at least one pixel each', () => {
    const l = computeLayout({
      ...base,
      rowCount: 2000,
      times: Float64Array.from({ length: 2000 }, (_, i) => i * 1000),
      timeRange: { from: 0, to: 1999000 },
    });
    expect(l.rowHeight).toBeLessThan(1);
    for (let i = 0; i < 2000; i++) {
      expect(l.rowPx1[i] - l.rowPx0[i]).toBeGreaterThanOrEqual(1);
      expect(l.colPx1[i] - l.colPx0[i]).toBeGreaterThanOrEqual(1);
      expect(l.rowPx1[i]).toBeLessThanOrEqual(l.plotPx.height);
      expect(l.colPx1[i]).toBeLessThanOrEqual(l.plotPx.width);
    }
  });

  it('scales pixel spans with the device pixel ratio', () => {
    const l = computeLayout({ ...base, dpr: 2 });
    expect(l.plotPx).toEqual({ width: 784, height: 400 });
    expect(cellRect(l, 1, 1)).toEqual({ left: 198, top: 24, width: 98, height: 20 });
  });

  it('hit-tests cells and labels by arithmetic', () => {
    const l = computeLayout(base);
    expect(hitTest(l, 100, 4)).toEqual({ displayRow: 0, col: 0 });
    expect(hitTest(l, 250, 50)).toEqual({ displayRow: 2, col: 1 });
    expect(hitTest(l, 491, 203)).toEqual({ displayRow: 9, col: 3 });
    expect(hitTest(l, 99, 50)).toBeUndefined();
    expect(hitTest(l, 250, 210)).toBeUndefined();
    expect(labelHit(l, 50, 50)).toBe(2);
    expect(labelHit(l, 150, 50)).toBeUndefined();
  });

  it('reports a gap in time as no cell', () => {
    const l = computeLayout({ ...base, times: Float64Array.from([0, 1000, 9000]), timeRange: { from: 0, to: 9000 } });
    expect(hitTest(l, timeToX(l, 5000), 50)).toBeUndefined();
    expect(hitTest(l, timeToX(l, 9000), 50)).toEqual({ displayRow: 2, col: 2 });
  });

  it('finds the nearest column', () => {
    const t = Float64Array.from([0, 10, 20]);
    expect(nearestColumn(t, -5)).toBe(0);
    expect(nearestColumn(t, 4)).toBe(0);
    expect(nearestColumn(t, 6)).toBe(1);
    expect(nearestColumn(t, 99)).toBe(2);
    expect(nearestColumn(new Float64Array(0), 1)).toBe(-1);
  });

  it('lays out nothing without rows', () => {
    const l = computeLayout({ ...base, rowCount: 0 });
    expect(hitTest(l, 200, 50)).toBeUndefined();
  });
});
