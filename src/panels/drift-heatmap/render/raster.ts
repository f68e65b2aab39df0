import { NO_SCORE } from '../data/cells';

/**
 * Paints the cell grid into an RGBA pixel buffer (for one putImageData).
 *
 * Why pixels rather than fillRect per cell: with thousands of rows or columns
 * most cells are smaller than a pixel, and a pixel buffer costs
 * O(cells + pixels) whatever the sizes. Where several cells share a pixel,
 * the worst one wins (highest colour bucket, highest threshold level), so
 * drift never disappears when zoomed out.
 *
 * Threshold crossings are marked, not only coloured: every region of cells
 * over a threshold gets a two-tone outline (light then dark, or the reverse
 * in light themes) drawn inside its edge, which reads on any cell colour.
 * Cells without a score get a diagonal hatch.
 */
export interface RasterInput {
  /** Plot size in device px. */
  width: number;
  height: number;
  cols: number;
  /** Model row for each display row. */
  order: Int32Array;
  rowPx0: Int32Array;
  rowPx1: Int32Array;
  colPx0: Int32Array;
  colPx1: Int32Array;
  buckets: Uint8Array;
  levels: Uint8Array;
  /** Packed RGBA per palette bucket. */
  palette: Uint32Array;
  colors: {
    background: number;
    noScore: number;
    hatch: number;
    outline: number;
    outlineInner: number;
  };
  /** Device px per CSS px, for hatch spacing and outline width. */
  dpr: number;
  /** Leave a one-pixel gap between cells when they are large enough to read as cells. */
  gaps: boolean;
}

/** Reused between frames so that redraws do not allocate. */
export interface RasterScratch {
  code?: Uint8Array;
  level?: Uint8Array;
  pixels?: Uint32Array;
}

const MIN_GAP_CELL = 6;

export function rasterize(input: RasterInput, scratch: RasterScratch = {}): Uint32Array {
  const { width: W, height: H, cols, order, rowPx0, rowPx1, colPx0, colPx1, buckets, levels, palette, colors } = input;
  const size = W * H;
  if (!scratch.code || scratch.code.length !== size) {
    scratch.code = new Uint8Array(size);
    scratch.level = new Uint8Array(size);
    scratch.pixels = new Uint32Array(size);
  } else {
    scratch.code.fill(0);
    scratch.level!.fill(0);
  }
  // code: 0 = no cell (background), 1 = cell without score, 2 + bucket = coloured.
  const code = scratch.code;
  const level = scratch.level!;
  const pixels = scratch.pixels!;
  let anyLevel = false;

  for (let i = 0; i < order.length; i++) {
    const y0 = rowPx0[i];
    const y1 = Math.min(rowPx1[i], H);
    if (y0 >= H) {
      continue;
    }
    const rowGap = input.gaps && y1 - y0 >= MIN_GAP_CELL ? 1 : 0;
    const base = order[i] * cols;
    if (y1 - y0 === 1) {
      // Rows one pixel high (or less): one pixel row, no gaps; the hot path for tall grids.
      const off = y0 * W;
      for (let c = 0; c < cols; c++) {
        const b = buckets[base + c];
        const cv = b === NO_SCORE ? 1 : b + 2;
        const lv = levels[base + c];
        const x1 = colPx1[c];
        for (let p = off + colPx0[c], end = off + x1; p < end; p++) {
          if (cv > code[p]) {
            code[p] = cv;
          }
          if (lv > level[p]) {
            level[p] = lv;
            anyLevel = true;
          }
        }
      }
      continue;
    }
    for (let c = 0; c < cols; c++) {
      const x0 = colPx0[c];
      const x1 = colPx1[c];
      const b = buckets[base + c];
      const cv = b === NO_SCORE ? 1 : b + 2;
      const lv = levels[base + c];
      if (lv > 0) {
        anyLevel = true;
      }
      if (x1 - x0 === 1 && y1 - y0 === 1) {
        // Sub-pixel cells: one pixel each, the common case for huge grids.
        const p = y0 * W + x0;
        if (cv > code[p]) {
          code[p] = cv;
        }
        if (lv > level[p]) {
          level[p] = lv;
        }
        continue;
      }
      const colGap = input.gaps && x1 - x0 >= MIN_GAP_CELL ? 1 : 0;
      for (let y = y0; y < y1; y++) {
        const off = y * W;
        const inner = y < y1 - rowGap;
        for (let x = x0; x < x1; x++) {
          const p = off + x;
          // Gap pixels still carry the level, so neighbouring drifted cells
          // share one outline instead of each getting a box.
          if (lv > level[p]) {
            level[p] = lv;
          }
          if (inner && x < x1 - colGap && cv > code[p]) {
            code[p] = cv;
          }
        }
      }
    }
  }

  const period = Math.max(4, Math.round(6 * input.dpr));
  const stripe = Math.max(1, Math.round(1.5 * input.dpr));
  for (let y = 0; y < H; y++) {
    const off = y * W;
    for (let x = 0; x < W; x++) {
      const cv = code[off + x];
      if (cv >= 2) {
        pixels[off + x] = palette[cv - 2];
      } else if (cv === 1) {
        pixels[off + x] = (x + y) % period < stripe ? colors.hatch : colors.noScore;
      } else {
        pixels[off + x] = colors.background;
      }
    }
  }

  if (anyLevel) {
    drawOutlines(W, H, level, pixels, colors.outline, colors.outlineInner, Math.max(1, Math.round(input.dpr)));
  }
  return pixels;
}

/**
 * Marks pixels on the inside edge of each over-threshold region: within
 * `w` px of a pixel with a lower level (or the plot edge) gets the outline
 * colour, the next `w` px the inner colour.
 */
function drawOutlines(
  W: number,
  H: number,
  level: Uint8Array,
  pixels: Uint32Array,
  outer: number,
  inner: number,
  w: number
) {
  const reach = 2 * w;
  for (let y = 0; y < H; y++) {
    const off = y * W;
    for (let x = 0; x < W; x++) {
      const lv = level[off + x];
      if (lv === 0) {
        continue;
      }
      let d = 0;
      for (let k = 1; k <= reach && d === 0; k++) {
        const lower =
          x - k < 0 ||
          level[off + x - k] < lv ||
          x + k >= W ||
          level[off + x + k] < lv ||
          y - k < 0 ||
          level[off - k * W + x] < lv ||
          y + k >= H ||
          level[off + k * W + x] < lv;
        if (lower) {
          d = k;
        }
      }
      if (d > 0) {
        pixels[off + x] = d <= w ? outer : inner;
      }
    }
  }
}
