import { createTheme } from '@grafana/data';

import { classifyCells } from './cells';
import { orderRows, rowMatcher } from './order';
import { buildPalette } from './palette';
import { buildScale } from './scale';
import { testModel } from './testModel';

const model = testModel([
  { name: 'feature10', scores: [0.01, 0.02, 0.03, 0.02], dataThreshold: 0.1 },
  { name: 'feature2', scores: [0.01, 0.3, 0.05, 0.01], dataThreshold: 0.1 },
  { name: 'income', scores: [0.02, 0.05, 0.15, 0.25], dataThreshold: 0.1 },
  { name: 'device', kind: 'p_value', scores: [0.5, 0.4, 0.3, 0.0001], dataThreshold: 0.05 },
  { name: 'empty', scores: [NaN, NaN, NaN, NaN] },
]);
const scale = buildScale(model);
const { stats } = classifyCells(model, scale, buildPalette(undefined, createTheme(), '#000'));
const names = (order: Int32Array) => Array.from(order, (r) => model.rows[r].name);

describe('orderRows', () => {
  it('sorts by worst score across kinds, rows without scores last', () => {
    expect(names(orderRows(model.rows, stats, 'worst'))).toEqual([
      'device',
      'feature2',
      'income',
      'feature10',
      'empty',
    ]);
  });

  it('sorts by latest score', () => {
    expect(names(orderRows(model.rows, stats, 'latest'))).toEqual([
      'device',
      'income',
      'feature10',
      'feature2',
      'empty',
    ]);
  });

  it('sorts by first time over threshold, never-crossing rows last', () => {
    expect(names(orderRows(model.rows, stats, 'firstOver'))).toEqual([
      'feature2',
      'income',
      'device',
      'feature10',
      'empty',
    ]);
  });

  it('sorts names naturally', () => {
    expect(names(orderRows(model.rows, stats, 'name'))).toEqual(['device', 'empty', 'feature2', 'feature10', 'income']);
  });

  it('filters by name', () => {
    expect(names(orderRows(model.rows, stats, 'name', 'FEAT'))).toEqual(['feature2', 'feature10']);
    expect(names(orderRows(model.rows, stats, 'name', 'inc, dev'))).toEqual(['device', 'income']);
    expect(names(orderRows(model.rows, stats, 'name', '/^feature\\d$/'))).toEqual(['feature2']);
    expect(orderRows(model.rows, stats, 'name', 'nothing')).toHaveLength(0);
  });
});

describe('rowMatcher', () => {
  it('treats blank as no filter and a broken regex as text', () => {
    expect(rowMatcher('  ')).toBeUndefined();
    expect(rowMatcher('/(/')!('a/(/b')).toBe(true);
  });
});
