import { FieldType, type DataFrame } from '@grafana/data';

import { findField, hasRows, labelOf, type Support } from '../../../shared/frames';

export const HEATMAP_NEEDS =
  'Use the mlwatch drift query with "over time" on, a table with time, feature and score columns, or time series with a feature label.';

/** Checks frames against the drift heatmap's contract (ARCHITECTURE.md §4). */
export function heatmapSupport(frames: DataFrame[]): Support {
  if (!hasRows(frames)) {
    return { kind: 'empty', message: 'No data', needs: HEATMAP_NEEDS };
  }
  const features = new Set<string>();
  let steps = 0;
  for (const frame of frames) {
    const time = findField(frame, ['time'], FieldType.time) ?? frame.fields.find((f) => f.type === FieldType.time);
    if (!time) {
      continue;
    }
    const featureCol = findField(frame, ['feature'], FieldType.string);
    const score = findField(frame, ['score'], FieldType.number);
    if (featureCol && score) {
      featureCol.values.forEach((v) => features.add(String(v)));
      steps = Math.max(steps, new Set(time.values).size);
      continue;
    }
    for (const f of frame.fields) {
      if (f.type === FieldType.number) {
        features.add(labelOf(f, ['feature']) ?? f.config.displayNameFromDS ?? frame.name ?? f.name);
        steps = Math.max(steps, frame.length);
      }
    }
  }
  if (features.size === 0) {
    return { kind: 'unsupported', message: 'This data has no time column with drift scores', needs: HEATMAP_NEEDS };
  }
  return { kind: 'ok', summary: `${features.size} features × ${steps} time steps` };
}
