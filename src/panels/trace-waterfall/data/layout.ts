/**
 * Panel layout in pixels. Sections have fixed heights so the row viewport
 * (which virtualisation needs to know) is known on the first render, without
 * waiting for a measurement.
 */
export interface WaterfallLayout {
  header: number;
  summary: number;
  stages: number;
  toolbar: number;
  minimap: number;
  axis: number;
  /** Height of the scrolling rows viewport. */
  rows: number;
  /** Width of the waterfall (rows, axis, minimap). */
  waterfallWidth: number;
  /** Width of the span name column. */
  nameWidth: number;
  details: { side: 'right' | 'bottom'; size: number } | undefined;
}

export interface LayoutInput {
  width: number;
  height: number;
  nameColumnWidth: number;
  showSummary: boolean;
  showStages: boolean;
  showMinimap: boolean;
  detailsOpen: boolean;
}

export const SECTION = {
  header: 32,
  summary: 26,
  stages: 30,
  toolbarLine: 36,
  minimap: 48,
  axis: 24,
  minRows: 48,
};

/** Panels narrower than this put the toolbar on two lines. */
export const TOOLBAR_WRAP_WIDTH = 1000;
/** Panels at least this wide show span details beside the waterfall, narrower ones below it. */
export const DETAILS_SIDE_WIDTH = 900;

export function computeLayout(input: LayoutInput): WaterfallLayout {
  const width = Math.max(0, input.width);
  const height = Math.max(0, input.height);
  const header = SECTION.header;
  const toolbar = width < TOOLBAR_WRAP_WIDTH ? SECTION.toolbarLine * 2 : SECTION.toolbarLine;
  let summary = input.showSummary ? SECTION.summary : 0;
  let stages = input.showStages ? SECTION.stages : 0;
  let minimap = input.showMinimap ? SECTION.minimap : 0;
  const axis = SECTION.axis;
  // In short panels the extras give way to rows: minimap first, then stages, then the summary.
  const fixed = () => header + summary + stages + toolbar + minimap + axis;
  const wantRows = SECTION.minRows * 2;
  if (height - fixed() < wantRows) {
    minimap = 0;
  }
  if (height - fixed() < wantRows) {
    stages = 0;
  }
  if (height - fixed() < wantRows) {
    summary = 0;
  }
  let details: WaterfallLayout['details'];
  let waterfallWidth = width;
  let rowsArea = Math.max(SECTION.minRows, height - fixed());
  if (input.detailsOpen) {
    if (width >= DETAILS_SIDE_WIDTH) {
      const size = Math.round(Math.max(320, width * 0.38));
      details = { side: 'right', size };
      waterfallWidth = width - size;
    } else {
      const size = Math.round(Math.max(140, rowsArea * 0.5));
      details = { side: 'bottom', size };
      rowsArea = Math.max(SECTION.minRows, rowsArea - size);
    }
  }
  const nameWidth = Math.round(Math.min(0.7, Math.max(0.1, input.nameColumnWidth)) * waterfallWidth);
  return { header, summary, stages, toolbar, minimap, axis, rows: rowsArea, waterfallWidth, nameWidth, details };
}
