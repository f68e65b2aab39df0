import { migrationHandler, normalizeOptions, panelChangeHandler } from './migrations';
import { type ConfidenceOptions, DEFAULT_OPTIONS } from './types';

describe('normalizeOptions', () => {
  it('gives the defaults for nothing', () => {
    expect(normalizeOptions(undefined)).toEqual(DEFAULT_OPTIONS);
    expect(normalizeOptions({})).toEqual(DEFAULT_OPTIONS);
    expect(normalizeOptions('junk')).toEqual(DEFAULT_OPTIONS);
  });

  it('keeps valid current options', () => {
    const o = {
      ...DEFAULT_OPTIONS,
      mode: 'classes' as const,
      referenceStyle: 'mirrored' as const,
      referenceQuery: 'B',
      lowConfidenceThreshold: 0.7,
      showHeader: false,
    };
    expect(normalizeOptions(o)).toEqual(o);
  });

  it('renames older options and reads percentages', () => {
    expect(
      normalizeOptions({
        view: 'reliability',
        display: 'mirror',
        referenceRefId: 'ref',
        currentRefId: 'now',
        lowThreshold: 60,
        skew: 15,
        bins: 50.4,
        sort: 'share',
      })
    ).toEqual({
      ...DEFAULT_OPTIONS,
      mode: 'calibration',
      referenceStyle: 'mirrored',
      referenceQuery: 'ref',
      currentQuery: 'now',
      lowConfidenceThreshold: 0.6,
      skewThreshold: 0.15,
      binCount: 50,
      classSort: 'current',
    });
  });

  it('replaces values out of range', () => {
    const o = normalizeOptions({
      mode: 'pie',
      lowConfidenceThreshold: -1,
      skewThreshold: 500,
      binCount: 0,
      currentColor: '',
      showHeader: 'yes',
    });
    expect(o.mode).toBe('auto');
    expect(o.lowConfidenceThreshold).toBe(0.5);
    expect(o.skewThreshold).toBe(0.2);
    expect(o.binCount).toBe(20);
    expect(o.currentColor).toBe('blue');
    expect(o.showHeader).toBe(true);
    expect(normalizeOptions({ binCount: 99999 }).binCount).toBe(1000);
  });
});

describe('handlers', () => {
  it('migrates a saved panel', () => {
    // Saved JSON from an older version: its options do not fit today's type.
    const saved = { lowThreshold: 40 } as unknown as ConfidenceOptions;
    const migrated = migrationHandler({
      id: 1,
      type: 'mlwatch-confidence-panel',
      options: saved,
      fieldConfig: { defaults: {}, overrides: [] },
    });
    expect(migrated).toMatchObject({ lowConfidenceThreshold: 0.4, mode: 'auto' });
  });

  it('carries the bucket count over from the built-in histogram', () => {
    expect(panelChangeHandler({}, 'histogram', { bucketCount: 30 })).toEqual({ binCount: 30 });
    expect(panelChangeHandler({}, 'timeseries', { bucketCount: 30 })).toEqual({});
  });
});
