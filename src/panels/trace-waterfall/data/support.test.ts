import { createDataFrame, FieldType } from '@grafana/data';

import { traceSupport } from './support';

describe('traceSupport', () => {
  it('reads a trace frame', () => {
    const frame = createDataFrame({
      fields: [
        { name: 'traceID', type: FieldType.string, values: ['t', 't'] },
        { name: 'spanID', type: FieldType.string, values: ['a', 'b'] },
        { name: 'parentSpanID', type: FieldType.string, values: [undefined, 'a'] },
        { name: 'startTime', type: FieldType.number, values: [0, 1] },
        { name: 'duration', type: FieldType.number, values: [5, 2] },
      ],
    });
    expect(traceSupport([frame])).toEqual({ kind: 'ok', summary: '2 spans in 1 trace' });
  });

  it('names what is missing', () => {
    const frame = createDataFrame({ fields: [{ name: 'traceID', type: FieldType.string, values: ['t'] }] });
    const s = traceSupport([frame]);
    expect(s.kind).toBe('unsupported');
    expect(s.kind !== 'ok' && s.needs).toContain('spanID');
  });
});
