import { NO_SCORE } from '../data/cells';
import { rasterize, type RasterInput } from './raster';

const colors = { background: 0, noScore: 1, hatch: 2, outline: 3, outlineInner: 4 };
const palette = Uint32Array.from([100, 101, 102]);

function input(over: Partial<RasterInput>): RasterInput {
  return {
    width: 4,
    height: 2,
    cols: 2,
    order: Int32Array.from([0, 1]),
    rowPx0: Int32Array.from([0, 1]),
    rowPx1: Int32Array.from([1, 2]),
    colPx0: Int32Array.from([0, 2]),
    colPx1: Int32Array.from([2, 4]),
    buckets: Uint8Array.from([0, 1, 2, NO_SCORE]),
    levels: new Uint8Array(4),
    palette,
    colors,
    dpr: 1,
    gaps: false,
    ...over,
  };
}

const grid = (px: Uint32Array, w: number) =>
  Array.from({ length: px.length / w }, (_, y) => Array.from(px.subarray(y * w, (y + 1) * w)));

describe('rasterize', () => {
  it('fills each cell’s pixels with its palette colour', () => {
    expect(grid(rasterize(input({})), 4)).toEqual([
      [100, 100, 101, 101],
      [102, 102, expect.any(Number), expect.any(Number)],
    ]);
  });

  it('hatches cells without a score', () => {
    const px = rasterize(
      input({
        width: 8,
        height: 8,
        rowPx0: Int32Array.from([0, 0]),
        rowPx1: Int32Array.from([8, 8]),
        order: Int32Array.from([1]),
        colPx0: Int32Array.from([0, 4]),
        colPx1: Int32Array.from([4, 8]),
      })
    );
    const right = grid(px, 8).map((r) => r.slice(4));
    const flat = right.flat();
    expect(flat).toContain(colors.hatch);
    expect(flat).toContain(colors.noScore);
  });

  it('keeps the worst cell where several share a pixel', () => {
    const px = rasterize(
      input({
        width: 1,
        height: 1,
        rowPx0: Int32Array.from([0, 0]),
        rowPx1: Int32Array.from([1, 1]),
        colPx0: Int32Array.from([0, 0]),
        colPx1: Int32Array.from([1, 1]),
      })
    );
    expect(Array.from(px)).toEqual([102]);
  });

  it('prefers a score to no score in a shared pixel', () => {
    const px = rasterize(
      input({
        width: 1,
        height: 1,
        order: Int32Array.from([1]),
        rowPx0: Int32Array.from([0]),
        rowPx1: Int32Array.from([1]),
        colPx0: Int32Array.from([0, 0]),
        colPx1: Int32Array.from([1, 1]),
      })
    );
    expect(Array.from(px)).toEqual([102]);
  });

  it('outlines regions over a threshold from the inside, two pixels deep', () => {
    // One row, 3 cells of 6 px; the last two are over the threshold.
    const px = rasterize(
      input({
        width: 18,
        height: 6,
        cols: 3,
        order: Int32Array.from([0]),
        rowPx0: Int32Array.from([0]),
        rowPx1: Int32Array.from([6]),
        colPx0: Int32Array.from([0, 6, 12]),
        colPx1: Int32Array.from([6, 12, 18]),
        buckets: Uint8Array.from([0, 2, 2]),
        levels: Uint8Array.from([0, 1, 1]),
      })
    );
    const mid = grid(px, 18)[3];
    expect(mid.slice(0, 6)).toEqual([100, 100, 100, 100, 100, 100]);
    // Left edge of the region: outline, inner line, then the cell colour.
    expect(mid.slice(6, 9)).toEqual([3, 4, 102]);
    // No outline between the two drifted cells: one region.
    expect(mid[11]).toBe(102);
    expect(mid[12]).toBe(102);
    // The plot edge closes the region.
    expect(mid.slice(16)).toEqual([4, 3]);
    expect(grid(px, 18)[0][10]).toBe(3);
  });

  it('leaves one-pixel gaps between large cells', () => {
    const px = rasterize(
      input({
        width: 12,
        height: 6,
        cols: 2,
        order: Int32Array.from([0]),
        rowPx0: Int32Array.from([0]),
        rowPx1: Int32Array.from([6]),
        colPx0: Int32Array.from([0, 6]),
        colPx1: Int32Array.from([6, 12]),
        gaps: true,
      })
    );
    const g = grid(px, 12);
    expect(g[0][5]).toBe(colors.background);
    expect(g[5][0]).toBe(colors.background);
    expect(g[0][4]).toBe(100);
  });

  it('reuses its buffers between frames', () => {
    const scratch = {};
    const a = rasterize(input({}), scratch);
    const b = rasterize(input({}), scratch);
    expect(a).toBe(b);
  });
});
