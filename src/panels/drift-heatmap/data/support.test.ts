import { createDataFrame, FieldType } from '@grafana/data';

import { heatmapSupport } from './support';

describe('heatmapSupport', () => {
  it('reports empty data', () => {
    expect(heatmapSupport([]).kind).toBe('empty');
    expect(heatmapSupport([createDataFrame({ fields: [] })]).kind).toBe('empty');
  });

  it('reads labelled series, one per feature', () => {
    const frame = createDataFrame({
      fields: [
        { name: 'time', type: FieldType.time, values: [1, 2, 3] },
        { name: 'score', type: FieldType.number, labels: { feature: 'age' }, values: [0.1, 0.2, 0.3] },
        { name: 'score', type: FieldType.number, labels: { feature: 'income' }, values: [0.1, 0.2, NaN] },
      ],
    });
    expect(heatmapSupport([frame])).toEqual({ kind: 'ok', summary: '2 features × 3 time steps' });
  });

  it('reads a long table', () => {
    const frame = createDataFrame({
      fields: [
        { name: 'time', type: FieldType.time, values: [1, 1, 2, 2] },
        { name: 'feature', type: FieldType.string, values: ['a', 'b', 'a', 'b'] },
        { name: 'score', type: FieldType.number, values: [0, 1, 2, 3] },
      ],
    });
    expect(heatmapSupport([frame])).toEqual({ kind: 'ok', summary: '2 features × 2 time steps' });
  });

  it('explains a table without time', () => {
    const frame = createDataFrame({ fields: [{ name: 'x', type: FieldType.string, values: ['a'] }] });
    const s = heatmapSupport([frame]);
    expect(s.kind).toBe('unsupported');
    expect(s.kind !== 'ok' && s.needs).toContain('over time');
  });
});
