import { calibrationSide, parseConfidenceBin, readLabelSeries } from './calibration';
import { fixture, series, SETTINGS } from './testing';

describe('parseConfidenceBin', () => {
  it.each([
    ['0.9-1.0', { lower: 0.9, upper: 1 }],
    ['0.9–1', { lower: 0.9, upper: 1 }],
    ['[0.9, 1.0)', { lower: 0.9, upper: 1 }],
    ['(0.1,0.2]', { lower: 0.1, upper: 0.2 }],
    ['0.1..0.2', { lower: 0.1, upper: 0.2 }],
    ['0.1_0.2', { lower: 0.1, upper: 0.2 }],
    ['0.3', { edge: 0.3 }],
    ['1.0-0.9', undefined],
    ['high', undefined],
    ['', undefined],
  ])('%s', (label, want) => {
    expect(parseConfidenceBin(label)).toEqual(want);
  });
});

describe('calibrationSide', () => {
  it('computes ECE, MCE and the signed gap, weighting bins by count', () => {
    const side = calibrationSide([
      { lower: 0, upper: 0.5, confidence: 0.25, accuracy: 0.25, count: 100 },
      { lower: 0.5, upper: 1, confidence: 0.75, accuracy: 0.55, count: 300 },
      { lower: 1, upper: 1.5, confidence: 1.25, accuracy: NaN, count: 0 },
    ]);
    expect(side.total).toBe(400);
    expect(side.ece).toBeCloseTo((300 / 400) * 0.2, 12);
    expect(side.mce).toBeCloseTo(0.2, 12);
    expect(side.signedGap).toBeCloseTo(0.15, 12);
  });

  it('is NaN without labels', () => {
    const side = calibrationSide([{ lower: 0, upper: 1, confidence: 0.5, accuracy: NaN, count: 0 }]);
    expect(side.total).toBe(0);
    expect(side.ece).toBeNaN();
  });
});

describe('readLabelSeries', () => {
  const label = (refId: string, bin: string, correct: string, v: number) =>
    series(refId, { __name__: 'ml_labeled_predictions_total', correct, confidence_bin: bin }, [v]);

  it('reads per-bin accuracy for two windows', () => {
    const frames = [
      label('A', '0.0-0.5', 'true', 30),
      label('A', '0.0-0.5', 'false', 70),
      label('A', '0.5-1.0', 'true', 60),
      label('A', '0.5-1.0', 'false', 40),
      label('B', '0.0-0.5', 'true', 25),
      label('B', '0.0-0.5', 'false', 75),
      label('B', '0.5-1.0', 'true', 75),
      label('B', '0.5-1.0', 'false', 25),
    ];
    const m = readLabelSeries(frames, SETTINGS)!;
    const cur = m.sides.current!;
    expect(cur.bins.map((b) => [b.lower, b.upper, b.accuracy, b.count, b.correct])).toEqual([
      [0, 0.5, 0.3, 100, 30],
      [0.5, 1, 0.6, 100, 60],
    ]);
    expect(cur.ece).toBeCloseTo(0.5 * 0.05 + 0.5 * 0.15, 12);
    expect(m.sides.reference!.ece).toBeCloseTo(0, 12);
    expect(m.source).toBe('labels');
  });

  it('reads single-number bins as lower edges when they start at 0', () => {
    const frames = ['0', '0.5'].flatMap((b) => [label('A', b, 'true', 1), label('A', b, 'false', 1)]);
    const bins = readLabelSeries(frames, SETTINGS)!.sides.current!.bins;
    expect(bins.map((b) => [b.lower, b.upper])).toEqual([
      [0, 0.5],
      [0.5, 1],
    ]);
  });

  it('reads single-number bins as upper edges otherwise', () => {
    const frames = ['0.5', '1'].flatMap((b) => [label('A', b, 'true', 1), label('A', b, 'false', 3)]);
    const bins = readLabelSeries(frames, SETTINGS)!.sides.current!.bins;
    expect(bins.map((b) => [b.lower, b.upper, b.accuracy])).toEqual([
      [0, 0.5, 0.25],
      [0.5, 1, 0.25],
    ]);
  });

  it('gives a last lower edge at 1 a width', () => {
    const frames = ['0', '0.5', '1'].map((b) => label('A', b, 'true', 1));
    const bins = readLabelSeries(frames, SETTINGS)!.sides.current!.bins;
    expect(bins.map((b) => [b.lower, b.upper])).toEqual([
      [0, 0.5],
      [0.5, 1],
      [1, 1.5],
    ]);
  });

  it('skips series with odd labels and says so', () => {
    const frames = [label('A', '0-1', 'maybe', 3), label('A', 'top', 'true', 3), label('A', '0-1', 'true', 1)];
    const m = readLabelSeries(frames, SETTINGS)!;
    expect(m.sides.current!.bins).toHaveLength(1);
    expect(m.notices).toEqual([
      'Series with correct="maybe" were skipped: correct must be "true" or "false".',
      'Series with confidence_bin="top" were skipped: use a range such as "0.9-1.0" or one bin edge.',
    ]);
  });

  it('is undefined without labelled series', () => {
    expect(readLabelSeries([series('A', { le: '1' }, [1])], SETTINGS)).toBeUndefined();
  });

  it('reads the calibration fixture: the current window is overconfident', () => {
    const m = readLabelSeries(fixture('confidence-histogram-calibration.json'), SETTINGS)!;
    expect(m.sides.current!.bins).toHaveLength(10);
    expect(m.sides.current!.signedGap).toBeGreaterThan(0.05);
    expect(m.sides.current!.ece).toBeGreaterThan(m.sides.reference!.ece);
  });
});
