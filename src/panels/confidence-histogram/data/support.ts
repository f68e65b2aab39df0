import { FieldType, type DataFrame } from '@grafana/data';

import { findField, hasRows, labelOf, type Support } from '../../../shared/frames';

export const CONFIDENCE_NEEDS =
  'Use the mlwatch distribution query, or histogram bucket series with an le label (for example ml_prediction_confidence_bucket) for a reference and a current window.';

/** Checks frames against the confidence histogram's contract (ARCHITECTURE.md §4). */
export function confidenceSupport(frames: DataFrame[]): Support {
  if (!hasRows(frames)) {
    return { kind: 'empty', message: 'No data', needs: CONFIDENCE_NEEDS };
  }
  for (const frame of frames) {
    const lower = findField(frame, ['lower'], FieldType.number);
    const upper = findField(frame, ['upper'], FieldType.number);
    const ref = findField(frame, ['reference'], FieldType.number);
    const cur = findField(frame, ['current'], FieldType.number);
    if (lower && upper && ref && cur) {
      return { kind: 'ok', summary: `${frame.length} bins, reference and current` };
    }
  }
  const buckets = new Set<string>();
  for (const frame of frames) {
    for (const f of frame.fields) {
      const le = f.type === FieldType.number ? labelOf(f, ['le']) : undefined;
      if (le !== undefined) {
        buckets.add(le);
      }
    }
  }
  if (buckets.size > 0) {
    return { kind: 'ok', summary: `${buckets.size} histogram buckets` };
  }
  return { kind: 'unsupported', message: 'This data has no histogram bins', needs: CONFIDENCE_NEEDS };
}
