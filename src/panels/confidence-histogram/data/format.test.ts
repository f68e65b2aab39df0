import {
  binDigits,
  describeVerdict,
  formatBin,
  formatConfidenceChange,
  formatCount,
  formatPoints,
  formatShare,
} from './format';

describe('formatting', () => {
  it('formats shares', () => {
    expect(formatShare(0.123)).toBe('12.3%');
    expect(formatShare(0.0004)).toBe('0.04%');
    expect(formatShare(0.00001)).toBe('<0.01%');
    expect(formatShare(0)).toBe('0%');
    expect(formatShare(NaN)).toBe('–');
    expect(formatShare(undefined)).toBe('–');
  });

  it('formats changes in percentage points with a sign', () => {
    expect(formatPoints(0.209)).toBe('+20.9 pp');
    expect(formatPoints(-0.03)).toBe('−3.0 pp');
    expect(formatPoints(0.0012)).toBe('+0.12 pp');
    expect(formatPoints(0)).toBe('±0.0 pp');
    expect(formatConfidenceChange(-0.18)).toBe('−0.18');
    expect(formatConfidenceChange(0.001)).toBe('+0.00');
    expect(formatConfidenceChange(-0.001)).toBe('±0.00');
  });

  it('formats counts, rounding fractional increase() results', () => {
    expect(formatCount(1234)).toBe('1,234');
    expect(formatCount(769.0068)).toBe('769');
    expect(formatCount(12.34)).toBe('12.3');
    expect(formatCount(undefined)).toBe('–');
  });

  it('formats bins with enough digits to tell them apart', () => {
    expect(binDigits(0.1)).toBe(2);
    expect(binDigits(0.001)).toBe(3);
    expect(binDigits(0.0005)).toBe(4);
    expect(formatBin(0.9, 1)).toBe('0.90–1.00');
    expect(formatBin(0.999, 1)).toBe('0.999–1.000');
  });
});

describe('describeVerdict', () => {
  it('reads distance verdicts', () => {
    expect(
      describeVerdict({
        method: 'wasserstein',
        kind: 'distance',
        score: 0.4187,
        statistic: 0.4187,
        threshold: 0.1,
        drifted: true,
      })
    ).toEqual({
      state: 'drifted',
      word: 'drifted',
      detail: 'wasserstein 0.419 ≥ 0.1',
    });
    expect(
      describeVerdict({ method: 'psi', kind: 'distance', score: 0.02, statistic: 0.02, threshold: 0.1, drifted: false })
        .detail
    ).toBe('psi 0.02 < 0.1');
  });

  it('reads p-values', () => {
    expect(
      describeVerdict({ method: 'ks', kind: 'p_value', score: 0.0001, statistic: 0.2, threshold: 0.05, drifted: true })
    ).toEqual({
      state: 'drifted',
      word: 'drifted',
      detail: 'ks p <0.001 < 0.05',
    });
    expect(
      describeVerdict({ method: 'ks', kind: 'p_value', score: 0.41, statistic: 0.02, threshold: 0.05, drifted: false })
        .word
    ).toBe('no drift');
  });

  it('says when the backend had too little data', () => {
    expect(
      describeVerdict({ method: 'ks', kind: 'p_value', score: null, statistic: null, threshold: 0.05, drifted: false })
    ).toMatchObject({
      state: 'insufficient',
      word: 'not enough data',
    });
  });

  it('follows the backend flag, never its own comparison', () => {
    // A verdict the backend made with another rule still reads as it says.
    expect(
      describeVerdict({
        method: 'custom',
        kind: 'distance',
        score: 0.05,
        statistic: 0.05,
        threshold: null,
        drifted: true,
      }).word
    ).toBe('drifted');
  });
});
