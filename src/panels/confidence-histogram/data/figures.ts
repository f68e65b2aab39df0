import {
  describeVerdict,
  formatConfidence,
  formatConfidenceChange,
  formatCount,
  formatPoints,
  formatShare,
  NO_DRIFT_SCORE,
} from './format';
import type { HistogramSummary } from './summary';
import type { CalibrationModel, CalibrationSide, ClassModel, DriftVerdict, HistogramModel, PerWindow } from './types';

/** How a figure reads: drives its colour only. */
export type Tone = 'bad' | 'good' | 'neutral' | 'muted';

/** One header figure: "Mean confidence 0.71  ref 0.89  −0.18". */
export interface Figure {
  id: string;
  label: string;
  value: string;
  tone?: Tone;
  /** The reference value, e.g. "ref 0.89". */
  compare?: string;
  change?: { text: string; tone: Tone };
  /** Explains how the figure is computed (shown on hover). */
  help?: string;
  /** Takes more room in the header (long words such as the missing-score hint). */
  wide?: boolean;
}

/** Changes smaller than this read as neutral rather than good or bad. */
const NOTICEABLE = 0.01;

function changeTone(change: number | undefined, badWhenUp: boolean): Tone {
  if (change === undefined || !Number.isFinite(change) || Math.abs(change) < NOTICEABLE) {
    return 'neutral';
  }
  return change > 0 === badWhenUp ? 'bad' : 'good';
}

function driftFigure(drift: DriftVerdict | undefined): Figure {
  if (!drift) {
    const [value, rest] = NO_DRIFT_SCORE.split(': ');
    return {
      id: 'drift',
      label: 'Drift',
      value,
      tone: 'muted',
      compare: rest,
      wide: true,
      help: 'Drift statistics come from the mlwatch backend, which computes them from the counts of both windows. The panel does not estimate them.',
    };
  }
  const v = describeVerdict(drift);
  return {
    id: 'drift',
    label: 'Drift',
    value: v.word,
    tone: v.state === 'drifted' ? 'bad' : v.state === 'stable' ? 'good' : 'muted',
    compare: v.detail,
    wide: true,
    help:
      drift.kind === 'p_value'
        ? `The backend's ${drift.method} test: drifted when the p-value is below the threshold.`
        : `The backend's ${drift.method} distance: drifted when it reaches the threshold.`,
  };
}

function refText(v: string | undefined, has: boolean): string {
  return has ? `ref ${v}` : 'no reference';
}

export function histogramFigures(model: HistogramModel, s: HistogramSummary): Figure[] {
  const hasRef = Boolean(model.windows.reference);
  const basis =
    s.basis === 'values' ? 'Exact, from the raw values.' : 'Estimated from the bins: each bin counts at its midpoint.';
  const lowBasis =
    s.basis === 'values'
      ? 'Exact, from the raw values.'
      : s.splitBin
        ? `Estimated from the bins: bins below ${s.threshold} count fully; the ${s.splitBin.lower}–${s.splitBin.upper} bin, which the threshold cuts, counts in proportion (values assumed evenly spread).`
        : `Estimated from the bins below ${s.threshold}.`;
  const main = model.windows.current ? 'current' : 'reference';
  return [
    {
      id: 'mean',
      label: 'Mean confidence',
      value: formatConfidence(s.mean[main]),
      compare: main === 'current' ? refText(formatConfidence(s.mean.reference), hasRef) : 'reference only',
      change:
        s.meanChange !== undefined
          ? { text: formatConfidenceChange(s.meanChange), tone: changeTone(s.meanChange, false) }
          : undefined,
      help: `Mean prediction confidence now and in the reference window. ${basis}`,
    },
    {
      id: 'low',
      label: `Below ${s.threshold}`,
      value: formatShare(s.low[main]),
      compare: main === 'current' ? refText(formatShare(s.low.reference), hasRef) : 'reference only',
      change:
        s.lowChange !== undefined
          ? { text: formatPoints(s.lowChange), tone: changeTone(s.lowChange, true) }
          : undefined,
      help: `Share of predictions with confidence below ${s.threshold} (the low-confidence threshold option). ${lowBasis}`,
    },
    driftFigure(model.drift),
  ];
}

export function classFigures(model: ClassModel, skewThreshold: number): Figure[] {
  const largest = model.largest !== undefined ? model.rows[model.largest] : undefined;
  const figures: Figure[] = [
    {
      id: 'largest',
      label: 'Largest change',
      value: largest ? largest.name : '–',
      tone: largest && Math.abs(largest.change) >= skewThreshold - 1e-12 ? 'bad' : 'neutral',
      compare: largest
        ? `${formatShare(largest.reference)} → ${formatShare(largest.current)}`
        : model.windows.reference
          ? undefined
          : 'no reference',
      change: largest
        ? {
            text: formatPoints(largest.change),
            tone: Math.abs(largest.change) >= skewThreshold - 1e-12 ? 'bad' : 'neutral',
          }
        : undefined,
      help: 'The class whose share of predictions changed most between the reference and current windows.',
    },
    {
      id: 'skewed',
      label: `Skewed (≥ ${formatPoints(skewThreshold).replace('+', '')})`,
      value: model.windows.reference && model.windows.current ? String(model.skewed.length) : '–',
      tone: model.skewed.length > 0 ? 'bad' : 'neutral',
      compare: `of ${model.rows.length} classes`,
      help: 'Classes whose share changed by at least the skew threshold option (absolute percentage points).',
    },
    driftFigure(model.drift),
  ];
  return figures;
}

export function calibrationFigures(model: CalibrationModel): Figure[] {
  const labelled = (side: CalibrationSide | undefined) => (side && side.total > 0 ? side : undefined);
  const cur = labelled(model.sides.current);
  const ref = labelled(model.sides.reference);
  const main = cur ?? ref;
  const mid = model.midpoints ? ' Bin confidence is the bin midpoint.' : '';
  const eceChange = cur && ref ? cur.ece - ref.ece : undefined;
  const gap = main?.signedGap;
  return [
    {
      id: 'ece',
      label: 'ECE',
      value: formatShare(main?.ece),
      compare: cur ? (ref ? `ref ${formatShare(ref.ece)}` : undefined) : 'reference only',
      change:
        eceChange !== undefined ? { text: formatPoints(eceChange), tone: changeTone(eceChange, true) } : undefined,
      help: `Expected calibration error: the sum over bins of (labelled in bin / all labelled) × |accuracy − confidence|.${mid}`,
    },
    {
      id: 'mce',
      label: 'Worst bin',
      value: formatShare(main?.mce),
      help: `Maximum calibration error: the largest |accuracy − confidence| of a bin with labels.${mid}`,
    },
    {
      id: 'direction',
      label: 'Tendency',
      value:
        gap === undefined || !Number.isFinite(gap)
          ? '–'
          : Math.abs(gap) < 0.005
            ? 'calibrated'
            : gap > 0
              ? 'overconfident'
              : 'underconfident',
      tone: gap !== undefined && Math.abs(gap) >= 0.05 ? 'bad' : 'neutral',
      change:
        gap !== undefined && Number.isFinite(gap) && Math.abs(gap) >= 0.005
          ? { text: formatPoints(Math.abs(gap)).replace('+', ''), tone: Math.abs(gap) >= 0.05 ? 'bad' : 'neutral' }
          : undefined,
      help: 'Weighted mean of confidence − accuracy: above 0 the model is more confident than it is right.',
    },
    {
      id: 'labelled',
      label: 'Labelled',
      value: formatCount(main?.total),
      compare: ref && cur ? `ref ${formatCount(ref.total)}` : undefined,
      help:
        model.source === 'labels'
          ? 'Predictions whose label has arrived (ml_labeled_predictions_total).'
          : 'Weight of the bins with an accuracy value.',
    },
  ];
}

/** Notices the panel adds to the reader's: missing windows and mass outside the axis. */
export function windowNotices(windows: PerWindow<true>, outside: PerWindow<number> | undefined): string[] {
  const out: string[] = [];
  if (windows.current && !windows.reference) {
    out.push(
      'Only the current window was found. Add a reference query (for example the same query with an offset) or a window label.'
    );
  } else if (windows.reference && !windows.current) {
    out.push('Only the reference window was found. Add a current query or a window label.');
  }
  for (const w of ['current', 'reference'] as const) {
    const share = outside?.[w];
    if (share !== undefined && share > 0) {
      out.push(
        `${formatShare(share)} of the ${w} window lies outside the drawn bins (the +Inf bucket or below the first bound).`
      );
    }
  }
  return out;
}
