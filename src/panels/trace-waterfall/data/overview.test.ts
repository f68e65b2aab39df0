import { overviewSpans, paintOverview } from './overview';
import { buildTraceTree } from './tree';
import { syntheticRows, treeOf } from './testing';

// Colour 0 red, 1 green, 2 (errors) blue, all opaque.
const palette = Uint8Array.from([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255]);

function pixelAt(px: Uint8ClampedArray, width: number, x: number, y: number): number[] {
  const o = (y * width + x) * 4;
  return Array.from(px.slice(o, o + 4));
}

describe('overview', () => {
  const tree = treeOf([
    { spanID: 'root', startTime: 0, duration: 100, serviceName: 'a' },
    { spanID: 'child', parentSpanID: 'root', startTime: 50, duration: 50, serviceName: 'b' },
    { spanID: 'bad', parentSpanID: 'root', startTime: 0, duration: 10, serviceName: 'b', statusCode: 2 },
  ]);
  const spans = overviewSpans(tree);

  it('lists extents as fractions of the trace in display order', () => {
    expect(Array.from(spans.from)).toEqual([0, 0, 0.5]);
    expect(Array.from(spans.to)).toEqual([1, 0.1, 1]);
    expect(Array.from(spans.color)).toEqual([0, 1, 1]);
    expect(Array.from(spans.errors)).toEqual([1]);
  });

  it('paints each span on its rows, errors in the error colour', () => {
    const px = paintOverview(spans, 10, 3, palette, 2);
    expect(pixelAt(px, 10, 0, 0)).toEqual([255, 0, 0, 255]);
    expect(pixelAt(px, 10, 9, 0)).toEqual([255, 0, 0, 255]);
    expect(pixelAt(px, 10, 0, 1)).toEqual([0, 0, 255, 255]);
    expect(pixelAt(px, 10, 3, 1)).toEqual([0, 0, 0, 0]);
    expect(pixelAt(px, 10, 4, 2)).toEqual([0, 0, 0, 0]);
    expect(pixelAt(px, 10, 5, 2)).toEqual([0, 255, 0, 255]);
  });

  it('handles empty input and zero sizes', () => {
    expect(
      paintOverview(overviewSpans(buildTraceTree({ traceId: '', spans: [] })), 4, 4, palette, 2).every((v) => v === 0)
    ).toBe(true);
    expect(paintOverview(spans, 0, 0, palette, 2)).toHaveLength(0);
  });

  it('paints 50,000 spans into a 1200 × 40 overview quickly', () => {
    const big = overviewSpans(treeOf(syntheticRows(50_000)));
    const t0 = performance.now();
    const px = paintOverview(big, 1200, 40, palette, 2);
    expect(performance.now() - t0).toBeLessThan(500);
    expect(px.some((v) => v !== 0)).toBe(true);
  });
});
