import type { TraceTree } from './types';

/** Span extents for the overview, in display order. */
export interface OverviewSpans {
  /** Start and end as fractions of the trace (0..1). */
  from: Float64Array;
  to: Float64Array;
  /** Colour number (service) per span. */
  color: Int32Array;
  /** Display positions of error spans, painted first and in the error colour. */
  errors: Int32Array;
}

/** Extents of every span in display order, computed once per trace. */
export function overviewSpans(tree: TraceTree): OverviewSpans {
  const n = tree.order.length;
  const total = tree.end - tree.start || 1;
  const from = new Float64Array(n);
  const to = new Float64Array(n);
  const color = new Int32Array(n);
  const errors: number[] = [];
  for (let p = 0; p < n; p++) {
    const i = tree.order[p];
    const s = tree.spans[i];
    from[p] = (s.start - tree.start) / total;
    to[p] = (s.start + s.duration - tree.start) / total;
    color[p] = tree.serviceIndex[i];
    if (tree.isError[i]) {
      errors.push(p);
    }
  }
  return { from, to, color, errors: Int32Array.from(errors) };
}

/**
 * Paints the overview into RGBA pixels: span p of n covers the pixel rows
 * from p/n to (p+1)/n of the height (at least one), and its extent across.
 * Each pixel is painted once: per row, a "next unpainted pixel" forest lets
 * a span skip what earlier spans covered, so 50,000 spans cost about as
 * much as the pixels themselves, where 50,000 canvas fillRect calls would
 * cost tens of milliseconds. Earlier spans win: errors first, then parents
 * before their children.
 */
export function paintOverview(
  spans: OverviewSpans,
  width: number,
  height: number,
  palette: Uint8Array,
  errorColor: number
): Uint8ClampedArray<ArrayBuffer> {
  const pixels = new Uint8ClampedArray(new ArrayBuffer(width * height * 4));
  const n = spans.from.length;
  if (n === 0 || width <= 0 || height <= 0) {
    return pixels;
  }
  const stride = width + 1;
  const next = new Int32Array(stride * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x <= width; x++) {
      next[y * stride + x] = x;
    }
  }
  const find = (base: number, x: number): number => {
    let root = x;
    while (next[base + root] !== root) {
      root = next[base + root];
    }
    let cur = x;
    while (next[base + cur] !== root) {
      const up = next[base + cur];
      next[base + cur] = root;
      cur = up;
    }
    return root;
  };
  const paint = (p: number, colorNumber: number, minWidth: number) => {
    const y0 = Math.floor((p / n) * height);
    const y1 = Math.max(y0 + 1, Math.floor(((p + 1) / n) * height));
    let a = Math.floor(spans.from[p] * width);
    let b = Math.max(a + minWidth, Math.ceil(spans.to[p] * width));
    a = Math.max(0, Math.min(width, a));
    b = Math.max(0, Math.min(width, b));
    const c = colorNumber * 4;
    for (let y = y0; y < y1 && y < height; y++) {
      const base = y * stride;
      let x = find(base, a);
      while (x < b) {
        const o = (y * width + x) * 4;
        pixels[o] = palette[c];
        pixels[o + 1] = palette[c + 1];
        pixels[o + 2] = palette[c + 2];
        pixels[o + 3] = palette[c + 3];
        next[base + x] = x + 1;
        x = find(base, x + 1);
      }
    }
  };
  for (let k = 0; k < spans.errors.length; k++) {
    paint(spans.errors[k], errorColor, 2);
  }
  for (let p = 0; p < n; p++) {
    paint(p, spans.color[p], 1);
  }
  return pixels;
}
