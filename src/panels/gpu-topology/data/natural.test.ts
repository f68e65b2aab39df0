import { naturalCompare, naturalRanks } from './natural';

describe('naturalCompare', () => {
  it('orders embedded numbers by value', () => {
    const hosts = ['node10', 'node2', 'node1', 'node02', 'node', '10.0.0.10:9400', '10.0.0.9:9400'];
    expect(hosts.slice().sort(naturalCompare)).toEqual([
      '10.0.0.9:9400',
      '10.0.0.10:9400',
      'node',
      'node1',
      'node2',
      'node02',
      'node10',
    ]);
  });

  it('is a consistent order', () => {
    expect(naturalCompare('a', 'a')).toBe(0);
    expect(naturalCompare('', 'a')).toBe(-1);
    expect(naturalCompare('gpu7', 'gpu07')).toBe(-1);
    expect(naturalCompare('gpu07', 'gpu7')).toBe(1);
    expect(naturalCompare('x99999999999999999999', 'x100000000000000000000')).toBe(-1);
  });

  it('ranks distinct values', () => {
    expect([...naturalRanks(['b10', 'b2', 'b2', 'a']).entries()]).toEqual([
      ['a', 0],
      ['b2', 1],
      ['b10', 2],
    ]);
  });
});
