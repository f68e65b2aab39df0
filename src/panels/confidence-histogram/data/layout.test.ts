import { binIndexAt, stepIndex, stepOutline } from './layout';

const bins = [
  { lower: 0, upper: 0.5 },
  { lower: 0.5, upper: 0.8 },
  { lower: 0.9, upper: 1 },
];

describe('binIndexAt', () => {
  it('finds the bin under a value', () => {
    expect(binIndexAt(bins, 0)).toBe(0);
    expect(binIndexAt(bins, 0.49)).toBe(0);
    expect(binIndexAt(bins, 0.5)).toBe(1);
    expect(binIndexAt(bins, 1)).toBe(2);
  });

  it('finds nothing in gaps, outside or for NaN', () => {
    expect(binIndexAt(bins, 0.85)).toBeUndefined();
    expect(binIndexAt(bins, -0.1)).toBeUndefined();
    expect(binIndexAt(bins, 1.1)).toBeUndefined();
    expect(binIndexAt(bins, NaN)).toBeUndefined();
    expect(binIndexAt([], 0.5)).toBeUndefined();
  });

  it('searches 1,000 bins', () => {
    const many = Array.from({ length: 1000 }, (_, i) => ({ lower: i / 1000, upper: (i + 1) / 1000 }));
    expect(binIndexAt(many, 0.5005)).toBe(500);
    expect(binIndexAt(many, 0.9999)).toBe(999);
  });
});

describe('stepIndex', () => {
  it('moves with arrows, pages and ends, clamped', () => {
    expect(stepIndex(undefined, 'ArrowRight', 5)).toBe(0);
    expect(stepIndex(undefined, 'ArrowLeft', 5)).toBe(4);
    expect(stepIndex(4, 'ArrowRight', 5)).toBe(4);
    expect(stepIndex(0, 'ArrowLeft', 5)).toBe(0);
    expect(stepIndex(0, 'PageDown', 100)).toBe(10);
    expect(stepIndex(50, 'Home', 100)).toBe(0);
    expect(stepIndex(50, 'End', 100)).toBe(99);
    expect(stepIndex(1, 'a', 5)).toBeUndefined();
    expect(stepIndex(undefined, 'ArrowRight', 0)).toBeUndefined();
  });
});

describe('stepOutline', () => {
  it('traces bin tops and drops to 0 at gaps', () => {
    expect(stepOutline(bins, (i) => [0.2, 0.3, 0.5][i])).toEqual([
      [0, 0],
      [0, 0.2],
      [0.5, 0.2],
      [0.5, 0.3],
      [0.8, 0.3],
      [0.8, 0],
      [0.9, 0],
      [0.9, 0.5],
      [1, 0.5],
      [1, 0],
    ]);
    expect(stepOutline([], () => 0)).toEqual([]);
  });
});
