import { createDataFrame, FieldType } from '@grafana/data';

import { availableViews, chooseView, readConfidenceData } from './model';
import { buckets, distribution, fixture, series, SETTINGS } from './testing';

describe('readConfidenceData', () => {
  it('reads each fixture into the view it was made for', () => {
    const views = (file: string) => availableViews(readConfidenceData(fixture(file), SETTINGS));
    expect(views('confidence-histogram-drop.json')).toEqual(['histogram']);
    expect(views('confidence-histogram-buckets.json')).toEqual(['histogram']);
    expect(views('confidence-histogram-one-window.json')).toEqual(['histogram']);
    expect(views('confidence-histogram-values.json')).toEqual(['histogram']);
    expect(views('confidence-histogram-classes.json')).toEqual(['classes']);
    expect(views('confidence-histogram-class-series.json')).toEqual(['classes']);
    expect(views('confidence-histogram-calibration.json')).toEqual(['calibration']);
    expect(views('confidence-distribution.json')).toEqual(['histogram']);
  });

  it('reads the frames the engine emits (TestDistributionFrameFixtures)', () => {
    const h = readConfidenceData(fixture('confidence-backend-histogram.json'), SETTINGS).histogram!;
    // Ten finite buckets; the +Inf bucket (an empty one here) is not a bin.
    expect(h.bins).toHaveLength(10);
    expect(h.bins[9]).toMatchObject({ lower: 0.9, upper: 1, currentCount: 1900, referenceCount: 7100 });
    expect(h.outside).toEqual({ reference: 0, current: 0 });
    expect(h.totals).toEqual({ reference: 14010, current: 9960 });
    expect(h.drift).toMatchObject({ method: 'wasserstein', kind: 'distance', drifted: true, threshold: 0.1 });
    const c = readConfidenceData(fixture('confidence-backend-classes.json'), SETTINGS).classes!;
    expect(c.rows.map((r) => r.name)).toEqual(['bird', 'cat', 'dog', 'fish']);
    expect(c.skewed).toEqual(['dog']);
    expect(c.drift).toMatchObject({ method: 'chisquare', kind: 'p_value', drifted: true });
  });

  it('says when the distribution query is in the numeric format', () => {
    const score = createDataFrame({
      name: 'distribution_drift',
      fields: [{ name: 'score', type: FieldType.number, values: [0.3], labels: { method: 'psi' } }],
    });
    const data = readConfidenceData([score], SETTINGS);
    expect(availableViews(data)).toEqual([]);
    expect(data.notices.join(' ')).toContain('set Format to table');
  });

  it('reads buckets, classes and labels side by side', () => {
    const frames = [
      ...buckets('A', ['0.5', '1', '+Inf'], [1, 2, 2]),
      series('C', { class: 'a' }, [3]),
      series('D', { correct: 'true', confidence_bin: '0-1' }, [3]),
    ];
    const data = readConfidenceData(frames, SETTINGS);
    expect(availableViews(data)).toEqual(['histogram', 'classes', 'calibration']);
  });

  it('prefers the distribution frame over bucket series', () => {
    const frames = [
      distribution({ lower: [0], upper: [1], reference: [1], current: [1] }),
      ...buckets('B', ['0.5', '1', '+Inf'], [1, 2, 2]),
    ];
    expect(readConfidenceData(frames, SETTINGS).histogram?.source).toBe('distribution');
  });

  it('reads nothing from empty frames, strings or mixed types', () => {
    expect(availableViews(readConfidenceData([], SETTINGS))).toEqual([]);
    const mixed = createDataFrame({
      fields: [
        { name: 'lower', type: FieldType.string, values: ['0'] },
        { name: 'upper', type: FieldType.number, values: [1] },
        { name: 'reference', type: FieldType.number, values: [1] },
        { name: 'current', type: FieldType.boolean, values: [true] },
      ],
    });
    // upper and reference alone are raw values in 0..1: a histogram of values, not a distribution frame.
    expect(readConfidenceData([mixed], SETTINGS).histogram?.source).toBe('values');
    expect(availableViews(readConfidenceData(fixture('unsupported-strings.json'), SETTINGS))).toEqual([]);
  });
});

describe('chooseView', () => {
  it('picks the first available view in auto mode, or the one picked in the panel', () => {
    expect(chooseView('auto', ['histogram', 'classes'])).toBe('histogram');
    expect(chooseView('auto', ['histogram', 'classes'], 'classes')).toBe('classes');
    expect(chooseView('auto', ['histogram'], 'classes')).toBe('histogram');
    expect(chooseView('auto', [])).toBeUndefined();
  });

  it('keeps to a chosen mode, even when the data does not fit it', () => {
    expect(chooseView('classes', ['histogram', 'classes'])).toBe('classes');
    expect(chooseView('calibration', ['histogram'])).toBeUndefined();
  });
});
