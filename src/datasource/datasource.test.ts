import { interpolateStrings } from './datasource';

describe('interpolateStrings', () => {
  it('replaces every string but the query identity', () => {
    const q = { refId: '$A', queryType: '$t', expr: 'rate($metric[5m])', nested: { list: ['$a', 1, true, null] } };
    const out = interpolateStrings(q, (s) => s.replace(/\$(\w+)/g, 'X_$1'));
    expect(out).toEqual({ refId: '$A', queryType: '$t', expr: 'rate(X_metric[5m])', nested: { list: ['X_a', 1, true, null] } });
    expect(q.expr).toBe('rate($metric[5m])');
  });
});
