import { createDataFrame, FieldType } from '@grafana/data';

import { confidenceSupport, describeMissing } from './support';
import { buckets, distribution, fixture, SETTINGS } from './testing';
import { readConfidenceData } from './model';

describe('confidenceSupport', () => {
  it('reads the distribution frame', () => {
    expect(confidenceSupport(fixture('confidence-distribution.json'))).toEqual({
      kind: 'ok',
      summary: '4 bins, reference and current',
    });
  });

  it('reads bucket series', () => {
    expect(confidenceSupport(buckets('A', ['0.5', '+Inf'], [3, 5]))).toEqual({
      kind: 'ok',
      summary: '1 bins, current only',
    });
  });

  it('lists every view the data fills', () => {
    const frames = [
      distribution({
        lower: [0, 0.5],
        upper: [0.5, 1],
        reference: [0.5, 0.5],
        current: [0.2, 0.8],
        accuracy: [0.3, 0.9],
      }),
      distribution({ classes: ['a', 'b'], reference: [0.5, 0.5], current: [0.1, 0.9] }),
    ];
    expect(confidenceSupport(frames)).toEqual({
      kind: 'ok',
      summary: '2 bins, reference and current; 2 classes; 2 calibration bins',
    });
  });

  it('explains data without bins', () => {
    const numbers = createDataFrame({ fields: [{ name: 'latency', type: FieldType.number, values: [250, 300] }] });
    expect(confidenceSupport([numbers]).kind).toBe('unsupported');
    const strings = createDataFrame({ fields: [{ name: 'x', type: FieldType.string, values: ['a'] }] });
    const s = confidenceSupport([strings]);
    expect(s.kind).toBe('unsupported');
    expect(s).toMatchObject({ message: 'This data has no confidence histogram' });
  });

  it('says "No data" for no rows', () => {
    expect(confidenceSupport([])).toMatchObject({ kind: 'empty', message: 'No data' });
    expect(confidenceSupport([createDataFrame({ fields: [] })])).toMatchObject({ kind: 'empty', message: 'No data' });
  });
});

describe('describeMissing', () => {
  it('says what a chosen mode needs', () => {
    const frames = buckets('A', ['0.5', '+Inf'], [3, 5]);
    const data = readConfidenceData(frames, SETTINGS);
    expect(describeMissing(frames, 'calibration', data)).toMatchObject({
      message: 'No labelled predictions in this data',
    });
    expect(describeMissing(frames, 'classes', data).needs).toMatch(/ml_predictions_total/);
  });

  it('carries the readers notices', () => {
    const frames = buckets('A', ['x', 'y'], [3, 5]);
    const d = describeMissing(frames, 'auto', readConfidenceData(frames, SETTINGS));
    expect(d.needs).toMatch(/le="x", "y" were skipped/);
  });
});
