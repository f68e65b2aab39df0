import { getLinksSupplier, type DataFrame, type Field, type InterpolateFunction, type LinkModel } from '@grafana/data';

import { toMillis } from './frames';
import type { HeatmapModel } from './model';

/** The frame row behind a cell: what Grafana's data links need to fill ${__value.*}, ${__field.*}, ${__data.*}. */
export interface CellSourceRow {
  frame: DataFrame;
  field: Field;
  rowIndex: number;
}

/** Finds the frame row a cell's score came from, by arithmetic where the times line up, else by a scan. */
export function cellSourceRow(
  frames: DataFrame[],
  model: HeatmapModel,
  row: number,
  col: number
): CellSourceRow | undefined {
  const source = model.rows[row]?.source;
  const t = model.times[col];
  if (!source || t === undefined) {
    return undefined;
  }
  const frame = frames[source.frameIndex];
  const field = frame?.fields[source.fieldIndex];
  const time = frame?.fields[source.timeFieldIndex];
  if (!field || !time) {
    return undefined;
  }
  if (source.type === 'series') {
    if (toMillis(time.values[col]) === t) {
      return { frame, field, rowIndex: col };
    }
    for (let i = 0; i < frame.length; i++) {
      if (toMillis(time.values[i]) === t) {
        return { frame, field, rowIndex: i };
      }
    }
    return undefined;
  }
  const feature = frame.fields[source.featureFieldIndex]?.values;
  const name = model.rows[row].name;
  for (let i = 0; i < frame.length; i++) {
    if (String(feature?.[i]) === name && toMillis(time.values[i]) === t) {
      return { frame, field, rowIndex: i };
    }
  }
  return undefined;
}

/** True when any score field has data links configured. */
export function hasLinks(frames: DataFrame[], model: HeatmapModel): boolean {
  return model.rows.some((r) => {
    const f = r.source ? frames[r.source.frameIndex]?.fields[r.source.fieldIndex] : undefined;
    return (f?.config.links?.length ?? 0) > 0;
  });
}

/**
 * A cell's data links through Grafana's link mechanism: the field's own
 * getLinks (set by Grafana when it applies field config) or, for frames
 * that did not go through it, a supplier built the same way.
 */
export function cellLinks(
  frames: DataFrame[],
  model: HeatmapModel,
  row: number,
  col: number,
  replaceVariables: InterpolateFunction,
  timeZone?: string
): Array<LinkModel<Field>> {
  const target = cellSourceRow(frames, model, row, col);
  if (!target || !target.field.config.links?.length) {
    return [];
  }
  const supplier =
    target.field.getLinks ?? getLinksSupplier(target.frame, target.field, {}, replaceVariables, timeZone);
  return supplier({ valueRowIndex: target.rowIndex });
}
