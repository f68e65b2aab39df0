import { createDataFrame, FieldType, type InterpolateFunction, type ScopedVars } from '@grafana/data';

import { buildHeatmapModel } from './frames';
import { cellLinks, cellSourceRow, hasLinks } from './links';
import type { HeatmapModel } from './model';

function model(frames: Array<ReturnType<typeof createDataFrame>>): HeatmapModel {
  const r = buildHeatmapModel(frames);
  if (r.kind !== 'ok') {
    throw new Error(r.message);
  }
  return r.model;
}

/** Resolves ${__field.labels.x}, ${__data.fields.x} and ${__value.time} the way Grafana's template service does. */
const interpolate: InterpolateFunction = (text: string, scoped?: ScopedVars) => {
  const ctx = scoped?.__dataContext?.value as {
    frame: { fields: Array<{ name: string; values: unknown[] }> };
    field: { labels?: Record<string, string> };
    rowIndex: number;
  };
  return text.replace(/\$\{([^}]+)\}/g, (_m, path: string) => {
    if (path.startsWith('__field.labels.')) {
      return ctx.field.labels?.[path.slice('__field.labels.'.length)] ?? '';
    }
    if (path.startsWith('__data.fields.')) {
      const f = ctx.frame.fields.find((x) => x.name === path.slice('__data.fields.'.length));
      return String(f?.values[ctx.rowIndex] ?? '');
    }
    if (path === '__value.time') {
      const f = ctx.frame.fields.find((x) => x.name.toLowerCase() === 'time');
      return String(f?.values[ctx.rowIndex] ?? '');
    }
    return '';
  });
};

const link = (url: string) => [{ title: 'Distribution', url }];

describe('cell links', () => {
  it('finds the frame row behind a series cell, by position or by time', () => {
    const a = createDataFrame({
      fields: [
        { name: 'time', type: FieldType.time, values: [1000, 2000, 3000] },
        { name: 'score', type: FieldType.number, labels: { feature: 'a' }, values: [1, 2, 3] },
      ],
    });
    const b = createDataFrame({
      fields: [
        { name: 'time', type: FieldType.time, values: [3000] },
        { name: 'score', type: FieldType.number, labels: { feature: 'b' }, values: [9] },
      ],
    });
    const m = model([a, b]);
    expect(cellSourceRow([a, b], m, 0, 1)).toMatchObject({ rowIndex: 1, frame: a });
    expect(cellSourceRow([a, b], m, 1, 2)).toMatchObject({ rowIndex: 0, frame: b });
    expect(cellSourceRow([a, b], m, 1, 0)).toBeUndefined();
    expect(cellSourceRow([a, b], m, 5, 0)).toBeUndefined();
  });

  it('builds links with the feature and time through Grafana’s link supplier', () => {
    const f = createDataFrame({
      fields: [
        { name: 'time', type: FieldType.time, values: [1000, 2000] },
        {
          name: 'score',
          type: FieldType.number,
          labels: { feature: 'income' },
          config: { links: link('/d/dist?var-feature=${__field.labels.feature}&time=${__value.time}') },
          values: [0.1, 0.2],
        },
      ],
    });
    const m = model([f]);
    expect(hasLinks([f], m)).toBe(true);
    const links = cellLinks([f], m, 0, 1, interpolate, 'utc');
    expect(links).toHaveLength(1);
    expect(links[0].title).toBe('Distribution');
    expect(links[0].href).toBe('/d/dist?var-feature=income&time=2000');
  });

  it('finds long-table rows by feature and time', () => {
    const f = createDataFrame({
      fields: [
        { name: 'time', type: FieldType.time, values: [1000, 1000, 2000, 2000] },
        { name: 'feature', type: FieldType.string, values: ['a', 'b', 'a', 'b'] },
        {
          name: 'score',
          type: FieldType.number,
          config: { links: link('/x?f=${__data.fields.feature}&t=${__value.time}') },
          values: [1, 2, 3, 4],
        },
      ],
    });
    const m = model([f]);
    expect(cellSourceRow([f], m, 1, 1)).toMatchObject({ rowIndex: 3 });
    expect(cellLinks([f], m, 1, 1, interpolate)[0].href).toBe('/x?f=b&t=2000');
  });

  it('has no links without link config', () => {
    const f = createDataFrame({
      fields: [
        { name: 'time', type: FieldType.time, values: [1000] },
        { name: 'score', type: FieldType.number, labels: { feature: 'a' }, values: [1] },
      ],
    });
    const m = model([f]);
    expect(hasLinks([f], m)).toBe(false);
    expect(cellLinks([f], m, 0, 0, interpolate)).toEqual([]);
  });
});
