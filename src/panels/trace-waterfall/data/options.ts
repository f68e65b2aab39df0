import { DEFAULT_STAGE_PATTERNS } from './stages';
import type { StatusFilter } from './search';

/** Panel options. Every field has a default so a new panel on a plain trace query looks right. */
export interface WaterfallOptions {
  /** Trace to open when the data holds several; empty opens the first. Dashboard variables work. */
  traceId: string;
  /** Search applied when the panel loads; dashboard variables work. */
  search: string;
  /** Show only spans matching the search (and their parents). */
  matchesOnly: boolean;
  minDurationMs: number;
  statusFilter: StatusFilter;
  highlightCriticalPath: boolean;
  criticalPathOnly: boolean;
  showMinimap: boolean;
  showStages: boolean;
  showLlmSummary: boolean;
  /** Prompt and completion text in span details (still collapsed until opened). */
  showContent: boolean;
  /** Width of the span name column as a share of the panel. */
  nameColumnWidth: number;
  rowHeight: 'compact' | 'normal';
  /** Collapse spans this deep or deeper on load; 0 expands everything. */
  collapseDepth: number;
  stagePreprocess: string;
  stageInference: string;
  stagePostprocess: string;
}

export const DEFAULT_OPTIONS: WaterfallOptions = {
  traceId: '',
  search: '',
  matchesOnly: false,
  minDurationMs: 0,
  statusFilter: 'all',
  highlightCriticalPath: true,
  criticalPathOnly: false,
  showMinimap: true,
  showStages: true,
  showLlmSummary: true,
  showContent: true,
  nameColumnWidth: 0.3,
  rowHeight: 'normal',
  collapseDepth: 0,
  stagePreprocess: DEFAULT_STAGE_PATTERNS.preprocess,
  stageInference: DEFAULT_STAGE_PATTERNS.inference,
  stagePostprocess: DEFAULT_STAGE_PATTERNS.postprocess,
};

/** Row heights in pixels. */
export const ROW_HEIGHT: Record<WaterfallOptions['rowHeight'], number> = { compact: 20, normal: 26 };

/** Options filled in with defaults, with out-of-range values pulled back in. */
export function withDefaults(options: Partial<WaterfallOptions> | undefined): WaterfallOptions {
  const o = { ...DEFAULT_OPTIONS, ...(options ?? {}) };
  const width = Number(o.nameColumnWidth);
  o.nameColumnWidth = Number.isFinite(width) ? Math.min(0.7, Math.max(0.1, width)) : DEFAULT_OPTIONS.nameColumnWidth;
  const min = Number(o.minDurationMs);
  o.minDurationMs = Number.isFinite(min) && min > 0 ? min : 0;
  const depth = Number(o.collapseDepth);
  o.collapseDepth = Number.isFinite(depth) && depth > 0 ? Math.floor(depth) : 0;
  if (o.statusFilter !== 'error' && o.statusFilter !== 'ok') {
    o.statusFilter = 'all';
  }
  if (o.rowHeight !== 'compact') {
    o.rowHeight = 'normal';
  }
  return o;
}
