import { createDataFrame, FieldType, getPanelDataSummary, VisualizationSuggestionScore } from '@grafana/data';

import { formatCount, formatDuration, formatShare, formatTimestamp } from './format';
import { migrateOptions, parseDurationMs } from './migrate';
import { DEFAULT_OPTIONS, withDefaults } from './options';
import { waterfallSuggestions } from './suggestions';
import { traceFrame } from './testing';

describe('formatDuration', () => {
  it.each([
    [0, '0 ms'],
    [0.0004, '0.4 µs'],
    [0.85, '850 µs'],
    [1.234, '1.23 ms'],
    [12.34, '12.3 ms'],
    [250, '250 ms'],
    [1240, '1.24 s'],
    [12_400, '12.4 s'],
    [125_000, '2 m 5 s'],
    [3_600_000, '1 h'],
    [-5, '−5 ms'],
    [NaN, ''],
  ])('%p ms is %p', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
  it('prints counts, shares and timestamps', () => {
    expect(formatCount(12345.4)).toBe('12,345');
    expect(formatShare(0.005)).toBe('<1%');
    expect(formatShare(0.634)).toBe('63%');
    expect(formatShare(0)).toBe('0%');
    expect(formatTimestamp(0)).toBe('1970-01-01 00:00:00.000 UTC');
    expect(formatTimestamp(NaN)).toBe('');
  });
});

describe('options', () => {
  it('fills defaults and pulls values back into range', () => {
    expect(withDefaults(undefined)).toEqual(DEFAULT_OPTIONS);
    const o = withDefaults({
      nameColumnWidth: 5,
      minDurationMs: -3,
      collapseDepth: 2.7,
      statusFilter: 'bogus' as never,
      rowHeight: 'x' as never,
    });
    expect([o.nameColumnWidth, o.minDurationMs, o.collapseDepth, o.statusFilter, o.rowHeight]).toEqual([
      0.7,
      0,
      2,
      'all',
      'normal',
    ]);
  });
});

describe('migrateOptions', () => {
  it('keeps defaults for panels saved by the data-contract preview', () => {
    expect(migrateOptions(undefined)).toEqual({});
    expect(migrateOptions({})).toEqual({});
  });
  it('maps renamed options', () => {
    expect(
      migrateOptions({
        criticalPath: false,
        onlyCriticalPath: true,
        minDuration: '1.5s',
        status: 'errors',
        stages: { preprocess: 'tokenize', inference: 'generate' },
        spanNameWidth: 400,
        somethingOld: 1,
      })
    ).toEqual({
      highlightCriticalPath: false,
      criticalPathOnly: true,
      minDurationMs: 1500,
      statusFilter: 'error',
      stagePreprocess: 'tokenize',
      stageInference: 'generate',
      nameColumnWidth: 0.4,
    });
  });
  it('passes current options through and fixes a string duration', () => {
    expect(migrateOptions({ showMinimap: false, minDurationMs: '20ms', statusFilter: 'ok' })).toEqual({
      showMinimap: false,
      minDurationMs: 20,
      statusFilter: 'ok',
    });
  });
  it('parses durations', () => {
    expect(parseDurationMs('800us')).toBeCloseTo(0.8);
    expect(parseDurationMs('2m')).toBe(120_000);
    expect(parseDurationMs(12)).toBe(12);
    expect(parseDurationMs('soon')).toBeUndefined();
    expect(parseDurationMs(-1)).toBeUndefined();
  });
});

describe('waterfallSuggestions', () => {
  it('is the best choice for frames marked as traces', () => {
    const s = waterfallSuggestions(getPanelDataSummary([traceFrame([{ spanID: 'a', startTime: 0, duration: 1 }])]));
    expect(s && s[0].score).toBe(VisualizationSuggestionScore.Best);
  });
  it('is a good choice for unmarked frames with span columns', () => {
    const frame = createDataFrame({
      fields: [
        { name: 'spanID', type: FieldType.string, values: ['a'] },
        { name: 'startTime', type: FieldType.number, values: [1] },
        { name: 'duration', type: FieldType.number, values: [1] },
      ],
    });
    const s = waterfallSuggestions(getPanelDataSummary([frame]));
    expect(s && s[0].score).toBe(VisualizationSuggestionScore.Good);
  });
  it('stays quiet for other data and no data', () => {
    const frame = createDataFrame({ fields: [{ name: 'value', type: FieldType.number, values: [1] }] });
    expect(waterfallSuggestions(getPanelDataSummary([frame]))).toBeUndefined();
    expect(waterfallSuggestions(getPanelDataSummary([]))).toBeUndefined();
  });
});
