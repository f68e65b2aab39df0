import { createDataFrame, FieldType } from '@grafana/data';

import { normaliseKind, normaliseStatus, readTraceFrames } from './frame';
import { spanEvents, spanLinks, spanResource, spanTags } from './spans';
import { T0, traceFrame } from './testing';

describe('readTraceFrames', () => {
  it('reports empty data', () => {
    expect(readTraceFrames([])).toEqual({ kind: 'empty' });
    expect(readTraceFrames([createDataFrame({ fields: [] })])).toEqual({ kind: 'empty' });
    expect(readTraceFrames([traceFrame([])])).toEqual({ kind: 'empty' });
  });

  it('names the missing columns of data that is not a trace', () => {
    const frame = createDataFrame({
      fields: [
        { name: 'time', type: FieldType.time, values: [1, 2] },
        { name: 'value', type: FieldType.number, values: [3, 4] },
      ],
    });
    expect(readTraceFrames([frame])).toEqual({
      kind: 'unsupported',
      missing: ['traceID', 'spanID', 'startTime', 'duration'],
    });
  });

  it('reads one span', () => {
    const read = readTraceFrames([traceFrame([{ spanID: 'a', startTime: 0, duration: 5, operationName: 'GET /' }])]);
    expect(read.kind).toBe('ok');
    if (read.kind !== 'ok') {
      return;
    }
    expect(read.traces).toHaveLength(1);
    const span = read.traces[0].spans[0];
    expect(span).toMatchObject({
      traceId: 'trace-1',
      spanId: 'a',
      name: 'GET /',
      start: T0,
      duration: 5,
      status: 'unset',
    });
    expect(span.parentSpanId).toBeUndefined();
  });

  it('groups several traces in one frame in order of appearance', () => {
    const read = readTraceFrames([
      traceFrame([
        { traceID: 'b', spanID: '1', startTime: 0, duration: 1 },
        { traceID: 'a', spanID: '2', startTime: 0, duration: 1 },
        { traceID: 'b', spanID: '3', parentSpanID: '1', startTime: 0, duration: 1 },
      ]),
    ]);
    expect(read.kind === 'ok' && read.traces.map((t) => [t.traceId, t.spans.length])).toEqual([
      ['b', 2],
      ['a', 1],
    ]);
  });

  it('merges a trace split over several frames and skips non-trace frames', () => {
    const other = createDataFrame({ name: 'nodes', fields: [{ name: 'id', type: FieldType.string, values: ['x'] }] });
    const read = readTraceFrames([
      traceFrame([{ spanID: '1', startTime: 0, duration: 1 }]),
      other,
      traceFrame([{ spanID: '2', parentSpanID: '1', startTime: 0, duration: 1 }]),
    ]);
    expect(read.kind === 'ok' && read.traces[0].spans.map((s) => [s.spanId, s.frameIndex])).toEqual([
      ['1', 0],
      ['2', 2],
    ]);
  });

  it('accepts mixed types: numeric ids, string times, string durations, ISO times', () => {
    const read = readTraceFrames([
      traceFrame(
        [
          { traceID: 99, spanID: 1, startTime: String(T0), duration: '2.5' },
          { traceID: 99, spanID: 2, parentSpanID: 1, startTime: new Date(T0 + 1).toISOString(), duration: 1 },
        ],
        { relative: false }
      ),
    ]);
    expect(
      read.kind === 'ok' && read.traces[0].spans.map((s) => [s.traceId, s.spanId, s.parentSpanId, s.start, s.duration])
    ).toEqual([
      ['99', '1', undefined, T0, 2.5],
      ['99', '2', '1', T0 + 1, 1],
    ]);
  });

  it('skips malformed rows and counts them', () => {
    const read = readTraceFrames([
      traceFrame([
        { spanID: 'ok', startTime: 0, duration: 1 },
        { spanID: null, startTime: 0, duration: 1 },
        { spanID: 'nostart', startTime: 'soon', duration: 1 },
        { spanID: 'nodur', startTime: 0, duration: NaN },
        { spanID: 'negative', startTime: 0, duration: -3 },
      ]),
    ]);
    expect(read.kind).toBe('ok');
    if (read.kind === 'ok') {
      expect(read.traces[0].spans.map((s) => [s.spanId, s.duration])).toEqual([
        ['ok', 1],
        ['nodur', 0],
        ['negative', 0],
      ]);
      expect(read.skippedRows).toBe(2);
      expect(read.zeroDurations).toBe(2);
    }
  });

  it('reads Tempo-style cells lazily, and JSON strings the same as parsed values', () => {
    const tags = [{ key: 'http.method', value: 'GET' }];
    const read = readTraceFrames([
      traceFrame([
        {
          spanID: 'a',
          startTime: 0,
          duration: 1,
          tags,
          serviceTags: JSON.stringify([{ key: 'service.name', value: 'api' }]),
          logs: [{ timestamp: T0 + 0.5, fields: [{ key: 'event', value: 'exception' }] }],
          references: JSON.stringify([{ traceID: 'x', spanID: 'y' }]),
        },
      ]),
    ]);
    expect(read.kind).toBe('ok');
    if (read.kind === 'ok') {
      const span = read.traces[0].spans[0];
      expect(span.cache?.tags).toBeUndefined();
      expect(spanTags(span)).toBe(tags);
      expect(spanResource(span)).toEqual([{ key: 'service.name', value: 'api' }]);
      expect(spanEvents(span)[0].fields[0].value).toBe('exception');
      expect(spanLinks(span)).toEqual([{ traceId: 'x', spanId: 'y', tags: [] }]);
    }
  });

  it('uses the field unit and ClickHouse raw columns', () => {
    const frame = createDataFrame({
      fields: [
        { name: 'TraceId', type: FieldType.string, values: ['t'] },
        { name: 'SpanId', type: FieldType.string, values: ['s'] },
        { name: 'ParentSpanId', type: FieldType.string, values: [''] },
        { name: 'SpanName', type: FieldType.string, values: ['q'] },
        { name: 'ServiceName', type: FieldType.string, values: ['db'] },
        { name: 'Timestamp', type: FieldType.time, values: [T0] },
        { name: 'Duration', type: FieldType.number, values: [2_000_000] },
        { name: 'StatusCode', type: FieldType.string, values: ['STATUS_CODE_ERROR'] },
        { name: 'SpanKind', type: FieldType.string, values: ['SPAN_KIND_CLIENT'] },
      ],
    });
    const read = readTraceFrames([frame]);
    expect(read.kind === 'ok' && read.traces[0].spans[0]).toMatchObject({
      traceId: 't',
      spanId: 's',
      name: 'q',
      service: 'db',
      start: T0,
      duration: 2,
      status: 'error',
      kind: 'client',
    });
    const seconds = createDataFrame({
      fields: [
        { name: 'spanID', type: FieldType.string, values: ['s'] },
        { name: 'startTime', type: FieldType.number, values: [T0 / 1000], config: { unit: 's' } },
        { name: 'duration', type: FieldType.number, values: [0.25], config: { unit: 's' } },
      ],
    });
    const r2 = readTraceFrames([seconds]);
    expect(r2.kind === 'ok' && [r2.traces[0].spans[0].start, r2.traces[0].spans[0].duration]).toEqual([T0, 250]);
  });

  it('reads the old single-cell Jaeger response', () => {
    const jaeger = {
      traceID: 'j1',
      spans: [
        {
          traceID: 'j1',
          spanID: 'r',
          operationName: 'root',
          references: [],
          startTime: T0 * 1000,
          duration: 5000,
          processID: 'p1',
          tags: [],
        },
        {
          traceID: 'j1',
          spanID: 'c',
          operationName: 'child',
          references: [{ refType: 'CHILD_OF', traceID: 'j1', spanID: 'r' }],
          startTime: T0 * 1000 + 1000,
          duration: 2000,
          processID: 'p1',
          logs: [{ timestamp: T0 * 1000 + 1500, fields: [{ key: 'event', value: 'x' }] }],
        },
      ],
      processes: { p1: { serviceName: 'frontend', tags: [{ key: 'host', value: 'h' }] } },
    };
    const frame = createDataFrame({ fields: [{ name: 'trace', type: FieldType.other, values: [jaeger] }] });
    const read = readTraceFrames([frame]);
    expect(read.kind).toBe('ok');
    if (read.kind === 'ok') {
      const [root, child] = read.traces[0].spans;
      expect([root.service, root.start, root.duration]).toEqual(['frontend', T0, 5]);
      expect([child.parentSpanId, child.start, child.duration]).toEqual(['r', T0 + 1, 2]);
      expect(spanEvents(child)[0].timestamp).toBe(T0 + 1.5);
      expect(spanResource(child)).toEqual([{ key: 'host', value: 'h' }]);
    }
  });

  it('handles a huge frame quickly', () => {
    const n = 50_000;
    const rows = Array.from({ length: n }, (_, i) => ({
      spanID: `s${i}`,
      parentSpanID: i ? `s${i - 1}` : undefined,
      startTime: i,
      duration: 1,
    }));
    const frame = traceFrame(rows);
    const t0 = performance.now();
    const read = readTraceFrames([frame]);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(read.kind === 'ok' && read.traces[0].spans.length).toBe(n);
  });
});

describe('normalisers', () => {
  it('reads kinds in every spelling', () => {
    expect(normaliseKind('SPAN_KIND_SERVER')).toBe('server');
    expect(normaliseKind('Client')).toBe('client');
    expect(normaliseKind(5)).toBe('consumer');
    expect(normaliseKind(0)).toBeUndefined();
    expect(normaliseKind('SPAN_KIND_UNSPECIFIED')).toBeUndefined();
    expect(normaliseKind(null)).toBeUndefined();
  });
  it('reads status codes in every spelling', () => {
    expect(normaliseStatus(2)).toBe('error');
    expect(normaliseStatus('2')).toBe('error');
    expect(normaliseStatus('Error')).toBe('error');
    expect(normaliseStatus('STATUS_CODE_OK')).toBe('ok');
    expect(normaliseStatus(1)).toBe('ok');
    expect(normaliseStatus('Unset')).toBe('unset');
    expect(normaliseStatus(undefined)).toBe('unset');
  });
});
