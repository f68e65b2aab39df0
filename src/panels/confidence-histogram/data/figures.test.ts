import { calibrationFigures, classFigures, histogramFigures, windowNotices } from './figures';
import { readLabelSeries } from './calibration';
import { readDistribution } from './distribution';
import { summarise } from './summary';
import { fixture, SETTINGS } from './testing';
import { readBuckets } from './buckets';

describe('histogramFigures', () => {
  it('shows means, low share and the backend verdict', () => {
    const m = readDistribution(fixture('confidence-histogram-drop.json'), SETTINGS).histogram!;
    const [mean, low, drift] = histogramFigures(m, summarise(m, 0.5));
    expect(mean).toMatchObject({
      label: 'Mean confidence',
      value: '0.72',
      compare: 'ref 0.87',
      change: { text: '−0.15', tone: 'bad' },
    });
    expect(mean.help).toMatch(/midpoint/);
    expect(low).toMatchObject({
      label: 'Below 0.5',
      value: '12.4%',
      compare: 'ref 2.5%',
      change: { text: '+9.9 pp', tone: 'bad' },
    });
    expect(drift).toMatchObject({ value: 'drifted', tone: 'bad', compare: 'wasserstein 0.419 ≥ 0.1' });
  });

  it('asks for the mlwatch query instead of computing a drift score', () => {
    const m = readBuckets(fixture('confidence-histogram-buckets.json'), SETTINGS)!;
    const drift = histogramFigures(m, summarise(m, 0.5))[2];
    expect(`${drift.value}: ${drift.compare}`).toBe('No drift score: use the mlwatch distribution query');
  });

  it('says when there is no reference', () => {
    const m = readBuckets(fixture('confidence-histogram-one-window.json'), SETTINGS)!;
    const [mean, low] = histogramFigures(m, summarise(m, 0.5));
    expect(mean.compare).toBe('no reference');
    expect(mean.change).toBeUndefined();
    expect(low.compare).toBe('no reference');
  });
});

describe('classFigures', () => {
  it('names the largest change and counts skewed classes', () => {
    const c = readDistribution(fixture('confidence-histogram-classes.json'), SETTINGS).classes!;
    const [largest, skewed, drift] = classFigures(c, 0.2);
    expect(largest).toMatchObject({ value: 'dog', tone: 'bad', change: { text: '+23.0 pp' } });
    expect(skewed).toMatchObject({ label: 'Skewed (≥ 20.0 pp)', value: '1', compare: 'of 8 classes' });
    expect(drift.value).toBe('drifted');
  });
});

describe('calibrationFigures', () => {
  it('shows ECE now against the reference and the tendency', () => {
    const m = readLabelSeries(fixture('confidence-histogram-calibration.json'), SETTINGS)!;
    const [ece, worst, tendency, labelled] = calibrationFigures(m);
    expect(ece.value).toMatch(/%$/);
    expect(ece.compare).toMatch(/^ref /);
    expect(ece.change?.tone).toBe('bad');
    expect(worst.value).toMatch(/%$/);
    expect(tendency.value).toBe('overconfident');
    expect(labelled.value).toBe('7,155');
  });
});

describe('windowNotices', () => {
  it('asks for the missing window and reports mass outside the axis', () => {
    expect(windowNotices({ current: true }, { current: 0.012 })).toEqual([
      'Only the current window was found. Add a reference query (for example the same query with an offset) or a window label.',
      '1.2% of the current window lies outside the drawn bins (the +Inf bucket or below the first bound).',
    ]);
    expect(windowNotices({ reference: true, current: true }, { current: 0, reference: 0 })).toEqual([]);
  });
});
