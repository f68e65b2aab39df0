/**
 * The heatmap's data model: what the frames say, independent of how it is
 * drawn. Cell values live in flat typed arrays (row-major, one row per
 * feature) so that millions of cells cost no per-cell objects.
 */

/** How a score reads: distances drift when high, p-values when low. */
export type ScoreKind = 'distance' | 'p_value';

/** Where a row's values came from, so a click can find the frame row for data links. */
export type RowSource =
  | { type: 'series'; frameIndex: number; fieldIndex: number; timeFieldIndex: number }
  | { type: 'long'; frameIndex: number; fieldIndex: number; timeFieldIndex: number; featureFieldIndex: number };

/** One feature's whole-window result, from the summary table of an mlwatch drift query. */
export interface FeatureSummary {
  score?: number;
  statistic?: number;
  threshold?: number;
  drifted?: boolean;
  referenceCount?: number;
  currentCount?: number;
  notices?: string;
}

/** Threshold values from Grafana's field config (steps after the base). */
export interface FieldThresholds {
  values: number[];
  /** Percentage mode: values are percent of the colour scale's range. */
  percent: boolean;
}

export interface FeatureRow {
  name: string;
  method?: string;
  kind: ScoreKind;
  /** The threshold the data carries (mlwatch field config, summary or table column). */
  dataThreshold?: number;
  /**
   * Thresholds the user set in the field config for this row's field, when
   * set; they take precedence over dataThreshold.
   */
  fieldThresholds?: FieldThresholds;
  summary?: FeatureSummary;
  source?: RowSource;
}

export interface HeatmapModel {
  rows: FeatureRow[];
  /** Column times in ms, ascending and unique. */
  times: Float64Array;
  /** rows.length × times.length scores, row-major; NaN = no value or insufficient data. */
  scores: Float64Array;
  /** Per-cell p-values, counts: only when a long table carries them. */
  pValues?: Float64Array;
  referenceCounts?: Float64Array;
  currentCounts?: Float64Array;
  /** The typical spacing of columns (median step, ms); 0 with one column. */
  step: number;
  /** Field whose config (colour scheme, min/max, unit, links) stands for all score fields. */
  configField?: { frameIndex: number; fieldIndex: number };
  /** Things the user should know about how the data was read. */
  notices: string[];
}

export type ShapeResult =
  | { kind: 'ok'; model: HeatmapModel }
  | { kind: 'empty'; message: string; needs: string }
  | { kind: 'unsupported'; message: string; needs: string };

/** Index of a cell in the flat arrays. */
export function cellIndex(model: HeatmapModel, row: number, col: number): number {
  return row * model.times.length + col;
}
