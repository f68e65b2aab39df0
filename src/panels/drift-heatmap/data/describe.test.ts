import { createTheme } from '@grafana/data';

import { classifyCells } from './cells';
import { announceCell, describeCell, formatCount, formatScore, formatTime } from './describe';
import { buildPalette } from './palette';
import { buildScale } from './scale';
import { testModel } from './testModel';

describe('formatting', () => {
  it('formats scores, counts and times', () => {
    expect(formatScore(0.123456)).toBe('0.123');
    expect(formatScore(0)).toBe('0');
    expect(formatScore(3.2e-9)).toBe('3.20e-9');
    expect(formatScore(NaN)).toBe('No data');
    expect(formatCount(12480)).toBe('12,480');
    expect(formatCount(NaN)).toBe('—');
    expect(formatTime(Date.UTC(2025, 0, 2, 3, 4, 5), 'utc', 900000)).toBe('2025-01-02 03:04');
    expect(formatTime(Date.UTC(2025, 0, 2, 3, 4, 5), 'utc', 10000)).toBe('2025-01-02 03:04:05');
    expect(formatTime(Date.UTC(2025, 0, 2), 'utc', 86400000)).toBe('2025-01-02');
  });
});

describe('describeCell', () => {
  const model = testModel([
    {
      name: 'income',
      method: 'wasserstein',
      scores: [0.05, 0.3],
      dataThreshold: 0.1,
      summary: { score: 0.2, drifted: true, referenceCount: 5000, currentCount: 1200, notices: 'Few values' },
    },
    { name: 'device', method: 'chisquare', kind: 'p_value', scores: [0.5, 0.001], dataThreshold: 0.05 },
    { name: 'raw', scores: [NaN, 1] },
  ]);
  model.pValues = Float64Array.from([0.9, 0.0001, NaN, NaN, NaN, NaN]);
  model.referenceCounts = Float64Array.from([100, 100, NaN, NaN, NaN, NaN]);
  const scale = buildScale(model);
  const classes = classifyCells(model, scale, buildPalette(undefined, createTheme(), '#000'));

  it('describes a drifted distance cell with per-cell and window figures', () => {
    const d = describeCell(model, scale, classes, 0, 1, 'utc');
    expect(d.feature).toBe('income');
    expect(d.time).toBe('1970-01-01 00:01');
    expect(d.tone).toBe('drift');
    expect(d.status).toBe('Drift: at or above 0.1');
    expect(d.items).toEqual([
      { label: 'Score', value: '0.3' },
      { label: 'Method', value: 'wasserstein' },
      { label: 'Drift when', value: '≥ 0.1' },
      { label: 'p-value', value: '1.00e-4' },
      { label: 'Reference count', value: '100' },
      { label: 'Whole window', value: '0.2, drift' },
      { label: 'Current count (window)', value: '1,200' },
    ]);
    expect(d.notices).toBe('Few values');
    expect(announceCell(d)).toBe('income, 1970-01-01 00:01: 0.3. Drift: at or above 0.1.');
  });

  it('says p-values drift below the threshold', () => {
    const d = describeCell(model, scale, classes, 1, 1, 'utc');
    expect(d.items[0]).toEqual({ label: 'Score (p-value)', value: '0.001' });
    expect(d.items).toContainEqual({ label: 'Drift when', value: '< 0.05' });
    expect(d.status).toBe('Drift: p-value below 0.05');
    expect(describeCell(model, scale, classes, 1, 0, 'utc').tone).toBe('ok');
  });

  it('explains missing scores and missing thresholds', () => {
    expect(describeCell(model, scale, classes, 2, 0, 'utc')).toMatchObject({ tone: 'nodata', score: 'No data' });
    expect(describeCell(model, scale, classes, 2, 1, 'utc')).toMatchObject({
      tone: 'unknown',
      status: 'No threshold set',
    });
  });

  it('uses the field’s formatter when given', () => {
    expect(describeCell(model, scale, classes, 0, 1, 'utc', (v) => `${v * 100}%`).score).toBe('30%');
  });
});
