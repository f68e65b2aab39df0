import { migrateOptions } from './migrations';
import { defaultOptions } from './types';

describe('migrateOptions', () => {
  it('gives defaults for a new or placeholder panel', () => {
    expect(migrateOptions({})).toEqual(defaultOptions);
    expect(migrateOptions({ options: null })).toEqual(defaultOptions);
    expect(migrateOptions({ options: 'nonsense' })).toEqual(defaultOptions);
  });

  it('keeps current options', () => {
    const current = { sortBy: 'name', filter: 'inc', showControls: false, summary: 'latest', showLegend: false };
    expect(migrateOptions({ options: current })).toEqual(current);
  });

  it('renames old keys and values', () => {
    expect(
      migrateOptions({ options: { sort: 'max', rowFilter: 'age', showSummary: false, legend: { show: false } } })
    ).toEqual({
      ...defaultOptions,
      sortBy: 'worst',
      filter: 'age',
      summary: 'none',
      showLegend: false,
    });
    expect(migrateOptions({ options: { sort: 'last', summaryColumn: 'last' } })).toMatchObject({
      sortBy: 'latest',
      summary: 'latest',
    });
    expect(migrateOptions({ options: { sortBy: 'first_over', showSummary: true } })).toMatchObject({
      sortBy: 'firstOver',
      summary: 'worst',
    });
  });

  it('drops invalid values and unknown keys', () => {
    const out = migrateOptions({ options: { sortBy: 'random', summary: 3, filter: 5, showLegend: 'yes', junk: 1 } });
    expect(out).toEqual(defaultOptions);
  });
});
