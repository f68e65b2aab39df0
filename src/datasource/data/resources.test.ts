import {
  cleanParams,
  histogramBaseNames,
  isFeatureType,
  isTimeType,
  parseList,
  ResourceError,
  toResourceError,
} from './resources';

describe('parseList', () => {
  it('reads the backend list shape', () => {
    expect(parseList({ values: ['a', 'b', 'a'], truncated: true })).toEqual({
      items: [{ value: 'a' }, { value: 'b' }],
      truncated: true,
    });
  });

  it('reads column objects and bare arrays', () => {
    expect(parseList({ values: [{ name: 'ts', type: 'DateTime64(9)' }, { value: 'x' }, { nope: 1 }] }).items).toEqual([
      { value: 'ts', type: 'DateTime64(9)' },
      { value: 'x', type: undefined },
    ]);
    expect(parseList(['a', 1]).items).toEqual([{ value: 'a' }, { value: '1' }]);
  });

  it('throws the backend error', () => {
    expect(() => parseList({ error: 'the datasource has no Prometheus URL' })).toThrow(
      'the datasource has no Prometheus URL'
    );
  });
});

describe('toResourceError', () => {
  it('treats a bare 404 as a route this backend does not have', () => {
    const e = toResourceError({ status: 404, data: { message: 'Not found' } });
    expect(e).toBeInstanceOf(ResourceError);
    expect(e.kind).toBe('unavailable');
  });

  it('keeps the backend message of a route that failed', () => {
    expect(toResourceError({ status: 400, data: { error: 'say which metric' } })).toMatchObject({
      kind: 'error',
      message: 'say which metric',
    });
    expect(toResourceError({ status: 404, data: { error: 'no such table' } })).toMatchObject({
      kind: 'error',
      message: 'no such table',
    });
    expect(toResourceError({ status: 502, statusText: 'Bad Gateway' })).toMatchObject({
      kind: 'error',
      message: 'Bad Gateway',
    });
    expect(toResourceError(new Error('offline'))).toMatchObject({ kind: 'error', message: 'offline' });
  });
});

test('histogram base names come from _bucket series', () => {
  expect(histogramBaseNames(['b_bucket', 'a_bucket', 'a_sum', 'up', 'a_bucket'])).toEqual(['a', 'b']);
});

test('column types', () => {
  expect(isTimeType('DateTime64(9)')).toBe(true);
  expect(isTimeType('Nullable(DateTime)')).toBe(true);
  expect(isTimeType('LowCardinality(String)')).toBe(false);
  expect(isFeatureType('Float64')).toBe(true);
  expect(isFeatureType(undefined)).toBe(true);
  expect(isFeatureType('Date')).toBe(false);
});

test('cleanParams drops empty values', () => {
  expect(cleanParams({ a: '', b: undefined, c: 0, d: 'x' })).toEqual({ c: '0', d: 'x' });
});
