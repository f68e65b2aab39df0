import { createDataFrame, FieldType } from '@grafana/data';

import { assignRefIds, collectSeries, lastFinite, windowFromName } from './series';
import { series, SETTINGS } from './testing';

describe('windowFromName', () => {
  it.each([
    ['reference', 'reference'],
    ['Baseline', 'reference'],
    [' ref ', 'reference'],
    ['current', 'current'],
    ['CUR', 'current'],
    ['live', 'current'],
    ['A', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('%s -> %s', (name, want) => {
    expect(windowFromName(name)).toBe(want);
  });
});

describe('assignRefIds', () => {
  it('takes the first query as current and the second as reference', () => {
    const { windows, ignored } = assignRefIds(['A', 'B'], SETTINGS);
    expect(Object.fromEntries(windows)).toEqual({ A: 'current', B: 'reference' });
    expect(ignored).toEqual([]);
  });

  it('orders by refId, not by the order frames arrive in', () => {
    expect(Object.fromEntries(assignRefIds(['B', 'A'], SETTINGS).windows)).toEqual({ A: 'current', B: 'reference' });
    expect(Object.fromEntries(assignRefIds(['A10', 'A9'], SETTINGS).windows)).toEqual({
      A9: 'current',
      A10: 'reference',
    });
  });

  it('reads window names from refIds', () => {
    expect(Object.fromEntries(assignRefIds(['current', 'reference'], SETTINGS).windows)).toEqual({
      current: 'current',
      reference: 'reference',
    });
    expect(Object.fromEntries(assignRefIds(['baseline', 'A'], SETTINGS).windows)).toEqual({
      baseline: 'reference',
      A: 'current',
    });
  });

  it('lets the options say which is which', () => {
    const w = assignRefIds(['A', 'B'], { referenceQuery: 'A', currentQuery: '' }).windows;
    expect(Object.fromEntries(w)).toEqual({ A: 'reference', B: 'current' });
    const both = assignRefIds(['A', 'B', 'C'], { referenceQuery: 'C', currentQuery: 'B' });
    expect(Object.fromEntries(both.windows)).toEqual({ C: 'reference', B: 'current' });
    expect(both.ignored).toEqual(['A']);
  });

  it('ignores an option that names a missing query', () => {
    expect(Object.fromEntries(assignRefIds(['A', 'B'], { referenceQuery: 'Z', currentQuery: 'Y' }).windows)).toEqual({
      A: 'current',
      B: 'reference',
    });
  });

  it('leaves a third query out', () => {
    expect(assignRefIds(['A', 'B', 'C'], SETTINGS).ignored).toEqual(['C']);
  });

  it('makes a single query the current window', () => {
    expect(Object.fromEntries(assignRefIds(['A'], SETTINGS).windows)).toEqual({ A: 'current' });
    expect(Object.fromEntries(assignRefIds([], SETTINGS).windows)).toEqual({});
  });
});

describe('lastFinite', () => {
  it('skips trailing nulls and NaN', () => {
    expect(lastFinite([1, 2, null, NaN])).toBe(2);
    expect(lastFinite([Infinity, 3, Infinity])).toBe(3);
    expect(lastFinite([null, undefined, 'x'])).toBeUndefined();
    expect(lastFinite([])).toBeUndefined();
  });
});

describe('collectSeries', () => {
  const isLe = (f: { labels?: Record<string, string> }) => f.labels?.le !== undefined;

  it('reads each series once and gives each a window', () => {
    const frames = [series('A', { le: '1' }, [5]), series('A', { le: '1' }, [5]), series('B', { le: '1' }, [7])];
    const { series: got, notices } = collectSeries(frames, isLe, SETTINGS, 'bucket');
    expect(got.map((s) => [s.window, s.value])).toEqual([
      ['current', 5],
      ['reference', 7],
    ]);
    expect(notices).toEqual(['1 duplicated bucket series was read once.']);
  });

  it('prefers a window label over the query', () => {
    const frames = [
      series('A', { le: '1', window: 'reference' }, [1]),
      series('A', { le: '1', window: 'current' }, [2]),
    ];
    const { series: got, notices } = collectSeries(frames, isLe, SETTINGS, 'bucket');
    expect(got.map((s) => s.window)).toEqual(['reference', 'current']);
    expect(notices).toEqual([]);
  });

  it('skips series without a number and says so', () => {
    const frames = [series('A', { le: '1' }, [null, NaN]), series('A', { le: '2' }, [1])];
    const { series: got, notices } = collectSeries(frames, isLe, SETTINGS, 'bucket');
    expect(got).toHaveLength(1);
    expect(notices).toEqual(['1 bucket series had no numeric values and was skipped.']);
  });

  it('ignores fields of other types', () => {
    const frame = createDataFrame({
      refId: 'A',
      fields: [{ name: 'x', type: FieldType.string, labels: { le: '1' }, values: ['1'] }],
    });
    expect(collectSeries([frame], isLe, SETTINGS, 'bucket').series).toEqual([]);
  });
});
