/**
 * Where everything goes on the canvas, and the arithmetic that maps a
 * pointer position back to a cell (no per-cell objects: a binary search over
 * column times and a division for rows).
 */

export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface LayoutInput {
  width: number;
  height: number;
  dpr: number;
  rowCount: number;
  times: Float64Array;
  /** Median column step, ms (0 with one column). */
  step: number;
  timeRange: { from: number; to: number };
  labelWidth: number;
  summaryWidth: number;
  axisHeight: number;
}

export interface Layout {
  width: number;
  height: number;
  dpr: number;
  /** The cell area, CSS px (integers). */
  plot: Rect;
  /** Row height in CSS px (fractional when rows are thinner than a pixel). */
  rowHeight: number;
  rowCount: number;
  /** Time at the plot's left and right edges. */
  domain: [number, number];
  times: Float64Array;
  /** Device-pixel size of the plot and each column's / display row's pixel span within it, [start, end). */
  plotPx: { width: number; height: number };
  colPx0: Int32Array;
  colPx1: Int32Array;
  rowPx0: Int32Array;
  rowPx1: Int32Array;
  labelWidth: number;
  summary?: Rect;
  axis: Rect;
}

/** Rows never get taller than this: one feature should read as a strip, not a wall. */
export const MAX_ROW_HEIGHT = 40;
const PAD_TOP = 4;
const PAD_RIGHT = 8;

/** Each column's time span: centred on its time, at most one step wide, never overlapping its neighbours. */
export function columnSpans(
  times: Float64Array,
  step: number,
  range: { from: number; to: number }
): { left: Float64Array; right: Float64Array } {
  const n = times.length;
  const left = new Float64Array(n);
  const right = new Float64Array(n);
  if (n === 1) {
    const half =
      range.to > range.from
        ? Math.max((range.to - range.from) / 2, Math.abs(times[0] - range.from), Math.abs(range.to - times[0]))
        : 30000;
    left[0] = times[0] - half;
    right[0] = times[0] + half;
    return { left, right };
  }
  const half = step / 2;
  for (let c = 0; c < n; c++) {
    const t = times[c];
    left[c] = c > 0 ? Math.max(t - half, (times[c - 1] + t) / 2) : t - half;
    right[c] = c < n - 1 ? Math.min(t + half, (t + times[c + 1]) / 2) : t + half;
  }
  return { left, right };
}

export function computeLayout(input: LayoutInput): Layout {
  const { width, height, dpr, rowCount, times, step, timeRange } = input;
  const labelWidth = Math.round(input.labelWidth);
  const summaryWidth = Math.round(input.summaryWidth);
  const plotWidth = Math.max(0, Math.floor(width - labelWidth - summaryWidth - PAD_RIGHT));
  const available = Math.max(0, Math.floor(height - input.axisHeight - PAD_TOP));
  const rowHeight = rowCount > 0 ? Math.min(MAX_ROW_HEIGHT, available / rowCount) : 0;
  const plotHeight = rowCount > 0 ? Math.min(available, Math.round(rowHeight * rowCount)) : available;
  const plot: Rect = { left: labelWidth, top: PAD_TOP, width: plotWidth, height: plotHeight };
  const plotPx = { width: Math.round(plotWidth * dpr), height: Math.round(plotHeight * dpr) };

  const cols = times.length;
  const spans =
    cols > 0 ? columnSpans(times, step, timeRange) : { left: new Float64Array(0), right: new Float64Array(0) };
  let d0 = Number.isFinite(timeRange.from) ? timeRange.from : Infinity;
  let d1 = Number.isFinite(timeRange.to) ? timeRange.to : -Infinity;
  if (cols > 0) {
    // The dashboard range sets the axis, widened so no data falls off it.
    d0 = Math.min(d0, spans.left[0]);
    d1 = Math.max(d1, spans.right[cols - 1]);
  }
  if (!(d1 > d0)) {
    d0 = Number.isFinite(d0) ? d0 : 0;
    d1 = d0 + 1;
  }
  const toPx = (t: number) => Math.round(((t - d0) / (d1 - d0)) * plotPx.width);
  const colPx0 = new Int32Array(cols);
  const colPx1 = new Int32Array(cols);
  for (let c = 0; c < cols; c++) {
    const x0 = Math.min(Math.max(toPx(spans.left[c]), 0), Math.max(plotPx.width - 1, 0));
    colPx0[c] = x0;
    colPx1[c] = Math.min(Math.max(toPx(spans.right[c]), x0 + 1), plotPx.width);
  }
  const rowPx0 = new Int32Array(rowCount);
  const rowPx1 = new Int32Array(rowCount);
  const rowPxHeight = rowHeight * dpr;
  for (let i = 0; i < rowCount; i++) {
    const y0 = Math.min(Math.round(i * rowPxHeight), Math.max(plotPx.height - 1, 0));
    rowPx0[i] = y0;
    rowPx1[i] = Math.min(Math.max(Math.round((i + 1) * rowPxHeight), y0 + 1), plotPx.height);
  }
  return {
    width,
    height,
    dpr,
    plot,
    rowHeight,
    rowCount,
    domain: [d0, d1],
    times,
    plotPx,
    colPx0,
    colPx1,
    rowPx0,
    rowPx1,
    labelWidth,
    summary:
      summaryWidth > 0
        ? { left: plot.left + plotWidth + 4, top: PAD_TOP, width: summaryWidth - 4, height: plotHeight }
        : undefined,
    axis: { left: plot.left, top: plot.top + plotHeight, width: plotWidth, height: input.axisHeight },
  };
}

/** CSS x of a time. */
export function timeToX(layout: Layout, t: number): number {
  const [d0, d1] = layout.domain;
  return layout.plot.left + ((t - d0) / (d1 - d0)) * layout.plot.width;
}

/** Time at a CSS x. */
export function xToTime(layout: Layout, x: number): number {
  const [d0, d1] = layout.domain;
  return d0 + ((x - layout.plot.left) / Math.max(layout.plot.width, 1)) * (d1 - d0);
}

/** Index of the column whose time is nearest to t (binary search). */
export function nearestColumn(times: Float64Array, t: number): number {
  let lo = 0;
  let hi = times.length - 1;
  if (hi < 0) {
    return -1;
  }
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid] < t) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  if (lo > 0 && t - times[lo - 1] <= times[lo] - t) {
    return lo - 1;
  }
  return lo;
}

export interface CellHit {
  /** Row in display order. */
  displayRow: number;
  col: number;
}

/** The cell under a CSS point, or undefined (outside the plot, or a time gap). */
export function hitTest(layout: Layout, x: number, y: number): CellHit | undefined {
  const { plot } = layout;
  if (
    x < plot.left ||
    x >= plot.left + plot.width ||
    y < plot.top ||
    y >= plot.top + plot.height ||
    layout.rowCount === 0
  ) {
    return undefined;
  }
  const displayRow = Math.min(layout.rowCount - 1, Math.floor((y - plot.top) / layout.rowHeight));
  const col = nearestColumn(layout.times, xToTime(layout, x));
  if (col < 0) {
    return undefined;
  }
  const px = (x - plot.left) * layout.dpr;
  // Cells narrower than a pixel share it; the nearest time wins.
  if (px < layout.colPx0[col] - 1 || px >= layout.colPx1[col] + 1) {
    return undefined;
  }
  return { displayRow, col };
}

/** Display row under a CSS y in the label gutter, for name tooltips. */
export function labelHit(layout: Layout, x: number, y: number): number | undefined {
  const { plot } = layout;
  if (x < 0 || x >= plot.left || y < plot.top || y >= plot.top + plot.height || layout.rowCount === 0) {
    return undefined;
  }
  return Math.min(layout.rowCount - 1, Math.floor((y - plot.top) / layout.rowHeight));
}

/** A cell's rectangle in CSS px. */
export function cellRect(layout: Layout, displayRow: number, col: number): Rect {
  const { plot, dpr } = layout;
  const x0 = layout.colPx0[col] / dpr;
  const x1 = layout.colPx1[col] / dpr;
  const y0 = layout.rowPx0[displayRow] / dpr;
  const y1 = layout.rowPx1[displayRow] / dpr;
  return { left: plot.left + x0, top: plot.top + y0, width: Math.max(x1 - x0, 1), height: Math.max(y1 - y0, 1) };
}
