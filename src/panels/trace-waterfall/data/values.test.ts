import {
  formatValue,
  toDurationMs,
  toEpochMs,
  toEvents,
  toKeyValues,
  toLinks,
  toNumber,
  toStringList,
  toText,
} from './values';

describe('toText', () => {
  it('prints ids of any scalar type and drops empty ones', () => {
    expect(toText('abc')).toBe('abc');
    expect(toText(12)).toBe('12');
    expect(toText(BigInt(7))).toBe('7');
    expect(toText('')).toBeUndefined();
    expect(toText(null)).toBeUndefined();
    expect(toText(NaN)).toBeUndefined();
    expect(toText({})).toBeUndefined();
  });
});

describe('toNumber', () => {
  it('reads numbers, numeric strings, bigints and dates', () => {
    expect(toNumber(1.5)).toBe(1.5);
    expect(toNumber(' 42 ')).toBe(42);
    expect(toNumber(BigInt(3))).toBe(3);
    expect(toNumber(new Date(5))).toBe(5);
    expect(toNumber('x')).toBeUndefined();
    expect(toNumber('')).toBeUndefined();
    expect(toNumber(Infinity)).toBeUndefined();
    expect(toNumber(NaN)).toBeUndefined();
  });
});

describe('toEpochMs', () => {
  const ms = 1_764_230_400_123;
  it('keeps milliseconds and scales micro- and nanoseconds', () => {
    expect(toEpochMs(ms)).toBe(ms);
    expect(toEpochMs(ms * 1000)).toBe(ms);
    expect(toEpochMs(ms * 1e6)).toBeCloseTo(ms, -1);
    expect(toEpochMs(String(ms))).toBe(ms);
  });
  it('follows an explicit unit', () => {
    expect(toEpochMs(2, 's')).toBe(2000);
    expect(toEpochMs(5000, 'us')).toBe(5);
  });
  it('parses ISO strings', () => {
    expect(toEpochMs('2025-11-27T08:00:00.123Z')).toBe(Date.parse('2025-11-27T08:00:00.123Z'));
    expect(toEpochMs('not a date')).toBeUndefined();
  });
});

describe('toDurationMs', () => {
  it('converts units and rejects negatives', () => {
    expect(toDurationMs(1500000, 'ns')).toBe(1.5);
    expect(toDurationMs('12')).toBe(12);
    expect(toDurationMs(-1)).toBeUndefined();
    expect(toDurationMs(null)).toBeUndefined();
  });
});

describe('toKeyValues', () => {
  it('passes Grafana key-value lists through', () => {
    const tags = [{ key: 'a', value: 1 }];
    expect(toKeyValues(tags)).toBe(tags);
  });
  it('reads JSON strings, maps, objects and pairs', () => {
    expect(toKeyValues('[{"key":"a","value":"x"}]')).toEqual([{ key: 'a', value: 'x' }]);
    expect(toKeyValues('{"a":1,"b":true}')).toEqual([
      { key: 'a', value: 1 },
      { key: 'b', value: true },
    ]);
    expect(toKeyValues(new Map([['k', 'v']]))).toEqual([{ key: 'k', value: 'v' }]);
    expect(toKeyValues([['k', 2]])).toEqual([{ key: 'k', value: 2 }]);
  });
  it('reads ClickHouse arrays of maps and OTLP any-values', () => {
    expect(toKeyValues([{ 'http.method': 'GET' }])).toEqual([{ key: 'http.method', value: 'GET' }]);
    expect(toKeyValues([{ key: 'n', value: { intValue: '3' } }])).toEqual([{ key: 'n', value: 3 }]);
    expect(toKeyValues([{ key: 's', value: { stringValue: 'x' } }])).toEqual([{ key: 's', value: 'x' }]);
    expect(toKeyValues([{ key: 'l', value: { arrayValue: { values: [{ stringValue: 'a' }] } } }])).toEqual([
      { key: 'l', value: ['a'] },
    ]);
  });
  it('gives nothing for junk', () => {
    expect(toKeyValues('[broken')).toEqual([]);
    expect(toKeyValues('plain text')).toEqual([]);
    expect(toKeyValues(42)).toEqual([]);
    expect(toKeyValues(null)).toEqual([]);
    expect(toKeyValues([null, 3, { nokey: undefined }])).toEqual([{ key: 'nokey', value: undefined }]);
  });
});

describe('toEvents and toLinks', () => {
  it('reads Grafana logs and OTel-style events', () => {
    expect(toEvents([{ timestamp: 10, fields: [{ key: 'event', value: 'x' }] }])).toEqual([
      { timestamp: 10, name: undefined, fields: [{ key: 'event', value: 'x' }] },
    ]);
    expect(toEvents('[{"time":"2025-11-27T08:00:00Z","name":"exception","attributes":{"a":1}}]')).toEqual([
      { timestamp: Date.parse('2025-11-27T08:00:00Z'), name: 'exception', fields: [{ key: 'a', value: 1 }] },
    ]);
    expect(toEvents([{ fields: [] }, 'junk'])).toEqual([]);
  });
  it('reads Grafana references and OTel-style links', () => {
    expect(toLinks([{ traceID: 't', spanID: 's', tags: [{ key: 'k', value: 'v' }] }])).toEqual([
      { traceId: 't', spanId: 's', tags: [{ key: 'k', value: 'v' }] },
    ]);
    expect(toLinks('[{"traceId":"t","spanId":"s"}]')).toEqual([{ traceId: 't', spanId: 's', tags: [] }]);
    expect(toLinks([{ traceID: 't' }])).toEqual([]);
  });
});

describe('toStringList and formatValue', () => {
  it('reads lists in any shape', () => {
    expect(toStringList(['a', 1])).toEqual(['a', '1']);
    expect(toStringList('["x"]')).toEqual(['x']);
    expect(toStringList('one')).toEqual(['one']);
    expect(toStringList(null)).toEqual([]);
  });
  it('prints values', () => {
    expect(formatValue('s')).toBe('s');
    expect(formatValue(1)).toBe('1');
    expect(formatValue({ a: 1 })).toBe('{"a":1}');
    expect(formatValue(undefined)).toBe('');
  });
});
