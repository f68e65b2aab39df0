import { createDataFrame, FieldType } from '@grafana/data';

import { confidenceSupport } from './support';

describe('confidenceSupport', () => {
  it('reads the distribution frame', () => {
    const frame = createDataFrame({
      fields: ['lower', 'upper', 'reference', 'current'].map((name) => ({ name, type: FieldType.number, values: [0, 0.5] })),
    });
    expect(confidenceSupport([frame])).toEqual({ kind: 'ok', summary: '2 bins, reference and current' });
  });

  it('reads bucket series', () => {
    const frame = createDataFrame({
      fields: [
        { name: 'Time', type: FieldType.time, values: [1] },
        { name: 'Value', type: FieldType.number, labels: { le: '0.5' }, values: [3] },
        { name: 'Value', type: FieldType.number, labels: { le: '+Inf' }, values: [5] },
      ],
    });
    expect(confidenceSupport([frame])).toEqual({ kind: 'ok', summary: '2 histogram buckets' });
  });

  it('explains other data', () => {
    const frame = createDataFrame({ fields: [{ name: 'x', type: FieldType.number, values: [1] }] });
    expect(confidenceSupport([frame]).kind).toBe('unsupported');
  });
});
