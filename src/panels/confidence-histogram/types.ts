/** What the panel draws. `auto` picks from the data (histogram, then classes, then calibration). */
export type ViewMode = 'auto' | 'histogram' | 'calibration' | 'classes';
export type View = Exclude<ViewMode, 'auto'>;

/** How the reference window is drawn against the current bars. */
export type ReferenceStyle = 'outline' | 'mirrored';

/** Order of the rows in class mode. */
export type ClassSort = 'change' | 'current' | 'name';

export interface ConfidenceOptions {
  mode: ViewMode;
  referenceStyle: ReferenceStyle;
  /** refId of the reference query; '' = work it out (names, then order: first is current, second reference). */
  referenceQuery: string;
  /** refId of the current query; '' = work it out. */
  currentQuery: string;
  /** Predictions below this confidence count as low-confidence. */
  lowConfidenceThreshold: number;
  /** Bins for raw confidence values (binned in the panel). */
  binCount: number;
  /** Absolute share change from which a class counts as skewed (0.2 = 20 percentage points). */
  skewThreshold: number;
  classSort: ClassSort;
  showHeader: boolean;
  /** Grafana colour names or CSS colours. */
  currentColor: string;
  referenceColor: string;
}

export const DEFAULT_OPTIONS: ConfidenceOptions = {
  mode: 'auto',
  referenceStyle: 'outline',
  referenceQuery: '',
  currentQuery: '',
  lowConfidenceThreshold: 0.5,
  binCount: 20,
  skewThreshold: 0.2,
  classSort: 'change',
  showHeader: true,
  currentColor: 'blue',
  referenceColor: 'orange',
};
