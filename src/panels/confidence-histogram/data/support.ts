import type { DataFrame } from '@grafana/data';

import { hasRows, type Support } from '../../../shared/frames';
import type { View, ViewMode } from '../types';
import { availableViews, readConfidenceData } from './model';
import type { ConfidenceData, ReadSettings } from './types';

export const CONFIDENCE_NEEDS =
  'Use the mlwatch distribution query, or histogram bucket series with an le label (for example ml_prediction_confidence_bucket) for a reference and a current window.';

const VIEW_NEEDS: Record<View, { message: string; needs: string }> = {
  histogram: { message: 'No confidence bins in this data', needs: CONFIDENCE_NEEDS },
  calibration: {
    message: 'No labelled predictions in this data',
    needs:
      'Calibration needs ml_labeled_predictions_total series with correct="true"/"false" and confidence_bin labels, or an accuracy field in the mlwatch distribution frame.',
  },
  classes: {
    message: 'No class counts in this data',
    needs:
      'Class mode needs the mlwatch distribution query in class mode, or ml_predictions_total series by class for a reference and a current window.',
  },
};

const DEFAULT_SETTINGS: ReadSettings = { referenceQuery: '', currentQuery: '', binCount: 20, skewThreshold: 0.2 };

/** Why nothing can be drawn, in words that say what the panel needs. */
export function describeMissing(
  frames: DataFrame[],
  mode: ViewMode,
  data: ConfidenceData
): Exclude<Support, { kind: 'ok' }> {
  if (!hasRows(frames)) {
    return { kind: 'empty', message: 'No data', needs: CONFIDENCE_NEEDS };
  }
  const notes = [
    ...data.notices,
    ...(data.histogram?.notices ?? []),
    ...(data.classes?.notices ?? []),
    ...(data.calibration?.notices ?? []),
  ];
  const base =
    mode === 'auto' ? { message: 'This data has no confidence histogram', needs: CONFIDENCE_NEEDS } : VIEW_NEEDS[mode];
  return {
    kind: 'unsupported',
    message: base.message,
    needs: notes.length > 0 ? `${base.needs} ${notes.join(' ')}` : base.needs,
  };
}

/** Checks frames against the panel's contract (ARCHITECTURE.md §4); used by suggestions and tests. */
export function confidenceSupport(frames: DataFrame[], settings: ReadSettings = DEFAULT_SETTINGS): Support {
  const data = readConfidenceData(frames, settings);
  const views = availableViews(data);
  if (views.length === 0) {
    return describeMissing(frames, 'auto', data);
  }
  const parts: string[] = [];
  if (data.histogram && views.includes('histogram')) {
    const w = data.histogram.windows;
    parts.push(
      `${data.histogram.bins.length} bins, ${w.reference && w.current ? 'reference and current' : w.current ? 'current only' : 'reference only'}`
    );
  }
  if (data.classes && views.includes('classes')) {
    parts.push(`${data.classes.rows.length} classes`);
  }
  if (data.calibration && views.includes('calibration')) {
    const side = data.calibration.sides.current ?? data.calibration.sides.reference;
    parts.push(`${side?.bins.length ?? 0} calibration bins`);
  }
  return { kind: 'ok', summary: parts.join('; ') };
}
