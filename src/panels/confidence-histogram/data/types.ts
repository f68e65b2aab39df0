/** The two windows every view compares. */
export type WindowName = 'reference' | 'current';

/** A value per window; a window the data does not have is undefined. */
export interface PerWindow<T> {
  reference?: T;
  current?: T;
}

/** The drift verdict the mlwatch backend computed (frame meta.custom). Never computed here. */
export interface DriftVerdict {
  method: string;
  /** 'p_value' (drifted when score < threshold) or 'distance' (drifted when score >= threshold). */
  kind: string;
  /** null when the backend had too little data for a verdict. */
  score: number | null;
  statistic: number | null;
  threshold: number | null;
  drifted: boolean;
}

export interface HistogramBin {
  lower: number;
  upper: number;
  /** Shares of each window's total (0..1); 0 for a window the data does not have. */
  reference: number;
  current: number;
  /** Counts, when the data carries them. */
  referenceCount?: number;
  currentCount?: number;
}

export type HistogramSource = 'distribution' | 'buckets' | 'values';

export interface HistogramModel {
  source: HistogramSource;
  /** Finite bins in ascending order. */
  bins: HistogramBin[];
  windows: PerWindow<true>;
  totals: PerWindow<number>;
  /**
   * Shares outside the drawn bins (a +Inf bucket, or a first bucket open to
   * -Inf). They are never spread over the axis; the panel reports them.
   */
  outside: PerWindow<number>;
  /** The raw values, when the panel binned them itself (exact means then). */
  values?: PerWindow<Float64Array>;
  drift?: DriftVerdict;
  notices: string[];
}

export interface CalibrationBin {
  lower: number;
  upper: number;
  /** Mean confidence of the bin: given by the data, else the bin midpoint. */
  confidence: number;
  /** correct / labelled; NaN for a bin without labelled predictions. */
  accuracy: number;
  /** Labelled predictions in the bin (a weight when only shares are known). */
  count: number;
  /** Correct predictions, when known. */
  correct?: number;
}

export interface CalibrationSide {
  bins: CalibrationBin[];
  /** Sum of bin counts. */
  total: number;
  /** Expected calibration error: sum over bins of (n_b / N) * |acc_b - conf_b|. */
  ece: number;
  /** Maximum calibration error: the largest |acc_b - conf_b| over bins with labels. */
  mce: number;
  /** Sum of (n_b / N) * (conf_b - acc_b): above 0 the model is overconfident. */
  signedGap: number;
}

export interface CalibrationModel {
  source: 'labels' | 'distribution';
  sides: PerWindow<CalibrationSide>;
  /** True when bin confidences are midpoints rather than measured means. */
  midpoints: boolean;
  notices: string[];
}

export interface ClassRow {
  name: string;
  reference: number;
  current: number;
  referenceCount?: number;
  currentCount?: number;
  /** current - reference (shares); NaN without both windows. */
  change: number;
}

export interface ClassModel {
  source: 'distribution' | 'series';
  rows: ClassRow[];
  windows: PerWindow<true>;
  totals: PerWindow<number>;
  /** Index into rows of the largest absolute change (with both windows). */
  largest?: number;
  /** Names of the classes whose absolute change reaches the skew threshold. */
  skewed: string[];
  drift?: DriftVerdict;
  notices: string[];
}

/** Everything the panel could read from the frames. */
export interface ConfidenceData {
  histogram?: HistogramModel;
  calibration?: CalibrationModel;
  classes?: ClassModel;
  /** Notices that concern the whole data set (ignored queries, unreadable series). */
  notices: string[];
}

/** How the frames are read; a subset of the panel options. */
export interface ReadSettings {
  referenceQuery: string;
  currentQuery: string;
  binCount: number;
  skewThreshold: number;
}
