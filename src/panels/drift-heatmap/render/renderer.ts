import { dateTimeFormat, type GrafanaTheme2 } from '@grafana/data';
import { scaleTime, scaleUtc } from 'd3';

import type { CellClasses } from '../data/cells';
import { formatScore } from '../data/describe';
import type { HeatmapModel } from '../data/model';
import { packOver, type Palette } from '../data/palette';
import { scorePosition, type ScoreScale } from '../data/scale';
import { cellRect, computeLayout, timeToX, type CellHit, type Layout } from './layout';
import { rasterize, type RasterScratch } from './raster';

export type SummaryColumn = 'none' | 'worst' | 'latest';

/** Everything one frame of the heatmap depends on. */
export interface Scene {
  model: HeatmapModel;
  classes: CellClasses;
  scale: ScoreScale;
  palette: Palette;
  /** Model rows in display order (sorted, filtered). */
  order: Int32Array;
  theme: GrafanaTheme2;
  timeZone?: string;
  timeRange: { from: number; to: number };
  width: number;
  height: number;
  summary: SummaryColumn;
  formatValue?: (v: number) => string;
}

/** What the overlay shows on top of the cells; redrawn alone on hover. */
export interface OverlayState {
  hover?: CellHit;
  focus?: CellHit;
  /** Time of the shared crosshair from another panel. */
  crosshair?: number;
  /** Drag-to-zoom band, CSS x from / to. */
  selection?: [number, number];
}

export const AXIS_HEIGHT = 22;
export const SUMMARY_WIDTH = 64;
const FONT_PX = 12;
const LABEL_PAD = 8;
const MIN_LABEL_SPACING = 14;

function font(theme: GrafanaTheme2, weight = 400): string {
  return `${weight} ${FONT_PX}px ${theme.typography.fontFamily}`;
}

/** Truncates text with an ellipsis to fit maxWidth. */
export function fitText(ctx: CanvasRenderingContext2D, text: string, maxWidth: number): string {
  if (ctx.measureText(text).width <= maxWidth) {
    return text;
  }
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ctx.measureText(text.slice(0, mid) + '…').width <= maxWidth) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  return lo === 0 ? '…' : text.slice(0, lo) + '…';
}

function timeFormatFor(span: number): string {
  if (span <= 2 * 86400000) {
    return 'HH:mm';
  }
  if (span <= 60 * 86400000) {
    return 'MM/DD HH:mm';
  }
  return 'YYYY-MM-DD';
}

/**
 * Draws the heatmap on two stacked canvases: the base (cells, labels, axis)
 * only when the scene changes, the overlay (hover, focus, crosshair, drag
 * band) on every pointer move. It lives outside React so that tooltips and
 * hovers never re-render the grid.
 */
export class HeatmapRenderer {
  layout?: Layout;
  scene?: Scene;
  overlayState: OverlayState = {};
  private scratch: RasterScratch = {};
  private labelWidthCache = new WeakMap<HeatmapModel, number>();

  constructor(
    private readonly base: HTMLCanvasElement,
    private readonly overlay: HTMLCanvasElement
  ) {}

  private sizeCanvas(canvas: HTMLCanvasElement, width: number, height: number, dpr: number) {
    const w = Math.max(1, Math.round(width * dpr));
    const h = Math.max(1, Math.round(height * dpr));
    if (canvas.width !== w || canvas.height !== h) {
      canvas.width = w;
      canvas.height = h;
    }
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;
  }

  private measureLabelWidth(ctx: CanvasRenderingContext2D, scene: Scene): number {
    const cached = this.labelWidthCache.get(scene.model);
    if (cached !== undefined) {
      return cached;
    }
    // Measuring 10,000 names is slow; the longest few by length decide.
    const names = scene.model.rows.map((r) => r.name);
    const longest = names.length > 50 ? [...names].sort((a, b) => b.length - a.length).slice(0, 50) : names;
    let max = 0;
    for (const n of longest) {
      max = Math.max(max, ctx.measureText(n).width);
    }
    // A margin for the web font arriving after the first measure.
    const width = Math.ceil(max * 1.08) + 2;
    this.labelWidthCache.set(scene.model, width);
    return width;
  }

  /** Redraws the base canvas for a new scene and returns the layout used. */
  render(scene: Scene): Layout {
    const dpr = window.devicePixelRatio || 1;
    const { width, height, theme, model, classes, palette } = scene;
    this.scene = scene;
    this.sizeCanvas(this.base, width, height, dpr);
    this.sizeCanvas(this.overlay, width, height, dpr);
    const ctx = this.base.getContext('2d')!;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.base.width, this.base.height);
    ctx.font = font(theme);
    const textWidth = this.measureLabelWidth(ctx, scene);
    const labelWidth = Math.min(Math.max(textWidth + 2 * LABEL_PAD, 48), Math.max(48, width * 0.3), 240);
    const layout = computeLayout({
      width,
      height,
      dpr,
      rowCount: scene.order.length,
      times: model.times,
      step: model.step,
      timeRange: scene.timeRange,
      labelWidth,
      summaryWidth: scene.summary === 'none' ? 0 : SUMMARY_WIDTH,
      axisHeight: AXIS_HEIGHT,
    });
    this.layout = layout;
    const { plot, plotPx } = layout;
    const background = theme.colors.background.primary;

    if (plotPx.width > 0 && plotPx.height > 0 && scene.order.length > 0 && model.times.length > 0) {
      const pixels = rasterize(
        {
          width: plotPx.width,
          height: plotPx.height,
          cols: model.times.length,
          order: scene.order,
          rowPx0: layout.rowPx0,
          rowPx1: layout.rowPx1,
          colPx0: layout.colPx0,
          colPx1: layout.colPx1,
          buckets: classes.buckets,
          levels: classes.levels,
          palette: palette.packed,
          colors: {
            background: packOver(background, background),
            noScore: packOver(theme.colors.background.secondary, background),
            hatch: packOver(theme.colors.border.strong, background),
            outline: packOver(theme.colors.text.maxContrast, background),
            outlineInner: packOver(theme.isDark ? '#000000' : '#ffffff', background),
          },
          dpr,
          gaps: true,
        },
        this.scratch
      );
      const image = new ImageData(
        new Uint8ClampedArray(pixels.buffer as ArrayBuffer, pixels.byteOffset, pixels.byteLength),
        plotPx.width,
        plotPx.height
      );
      ctx.putImageData(image, Math.round(plot.left * dpr), Math.round(plot.top * dpr));
    }

    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    this.drawLabels(ctx, scene, layout);
    this.drawAxis(ctx, scene, layout);
    if (layout.summary) {
      this.drawSummary(ctx, scene, layout);
    }
    this.drawOverlay();
    return layout;
  }

  private drawLabels(ctx: CanvasRenderingContext2D, scene: Scene, layout: Layout) {
    const { theme, model, order } = scene;
    ctx.font = font(theme);
    ctx.fillStyle = theme.colors.text.primary;
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'right';
    const every = Math.max(1, Math.ceil(MIN_LABEL_SPACING / Math.max(layout.rowHeight, 1e-6)));
    const maxWidth = layout.labelWidth - 2 * LABEL_PAD;
    for (let i = 0; i < order.length; i += every) {
      const y = layout.plot.top + (i + 0.5) * layout.rowHeight;
      ctx.fillText(fitText(ctx, model.rows[order[i]].name, maxWidth), layout.labelWidth - LABEL_PAD, y);
    }
  }

  private drawAxis(ctx: CanvasRenderingContext2D, scene: Scene, layout: Layout) {
    const { theme, timeZone } = scene;
    const { axis, domain } = layout;
    if (axis.width < 20) {
      return;
    }
    const scale = (timeZone === 'browser' ? scaleTime() : scaleUtc())
      .domain([new Date(domain[0]), new Date(domain[1])])
      .range([axis.left, axis.left + axis.width]);
    const ticks = scale.ticks(Math.max(2, Math.floor(axis.width / 110)));
    const format = timeFormatFor(domain[1] - domain[0]);
    ctx.strokeStyle = theme.colors.border.medium;
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(axis.left, axis.top + 0.5);
    ctx.lineTo(axis.left + axis.width, axis.top + 0.5);
    for (const t of ticks) {
      const x = Math.round(scale(t)) + 0.5;
      ctx.moveTo(x, axis.top);
      ctx.lineTo(x, axis.top + 4);
    }
    ctx.stroke();
    ctx.fillStyle = theme.colors.text.secondary;
    ctx.font = font(theme);
    ctx.textBaseline = 'top';
    ctx.textAlign = 'center';
    for (const t of ticks) {
      ctx.fillText(dateTimeFormat(t.getTime(), { format, timeZone }), scale(t), axis.top + 6);
    }
  }

  private drawSummary(ctx: CanvasRenderingContext2D, scene: Scene, layout: Layout) {
    const { theme, model, order, classes, scale, palette } = scene;
    const box = layout.summary!;
    const values = scene.summary === 'latest' ? classes.stats.latestScore : classes.stats.worstScore;
    const top = palette.colors.length - 1;
    const format = scene.formatValue ?? formatScore;
    const withText = layout.rowHeight >= 12;
    ctx.font = font(theme);
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'left';
    for (let i = 0; i < order.length; i++) {
      const r = order[i];
      const v = values[r];
      const y0 = layout.plot.top + i * layout.rowHeight;
      let color = theme.colors.background.secondary;
      if (!Number.isNaN(v)) {
        if (palette.kind === 'steps') {
          let b = 0;
          palette.stepValues!.forEach((s, k) => {
            if (v >= s) {
              b = k;
            }
          });
          color = palette.colors[b];
        } else {
          color = palette.colors[Math.round(scorePosition(scale, model.rows[r].kind, v) * top)];
        }
      }
      ctx.fillStyle = color;
      if (withText) {
        const s = Math.min(10, layout.rowHeight - 4);
        ctx.fillRect(box.left, y0 + (layout.rowHeight - s) / 2, s, s);
        ctx.fillStyle = theme.colors.text.primary;
        ctx.fillText(
          fitText(ctx, Number.isNaN(v) ? '–' : format(v), box.width - 14),
          box.left + 14,
          y0 + layout.rowHeight / 2
        );
      } else {
        ctx.fillRect(box.left, y0, 8, Math.max(layout.rowHeight, 1 / layout.dpr));
      }
    }
    ctx.fillStyle = theme.colors.text.secondary;
    ctx.textBaseline = 'top';
    ctx.fillText(scene.summary === 'latest' ? 'Latest' : 'Worst', box.left, layout.axis.top + 6);
  }

  /** Redraws hover, focus, crosshair and drag band; cheap enough for every pointer move. */
  drawOverlay() {
    const layout = this.layout;
    const scene = this.scene;
    const ctx = this.overlay.getContext('2d');
    if (!ctx || !layout || !scene) {
      return;
    }
    const { dpr, plot } = layout;
    const { theme } = scene;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.overlay.width, this.overlay.height);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const s = this.overlayState;
    if (s.crosshair !== undefined && s.crosshair >= layout.domain[0] && s.crosshair <= layout.domain[1]) {
      const x = Math.round(timeToX(layout, s.crosshair)) + 0.5;
      ctx.strokeStyle = theme.colors.text.primary;
      ctx.lineWidth = 1;
      ctx.setLineDash([4, 3]);
      ctx.beginPath();
      ctx.moveTo(x, plot.top);
      ctx.lineTo(x, plot.top + plot.height);
      ctx.stroke();
      ctx.setLineDash([]);
    }
    if (s.selection) {
      const x0 = Math.max(plot.left, Math.min(s.selection[0], s.selection[1]));
      const x1 = Math.min(plot.left + plot.width, Math.max(s.selection[0], s.selection[1]));
      ctx.fillStyle = theme.colors.primary.transparent;
      ctx.fillRect(x0, plot.top, x1 - x0, plot.height + AXIS_HEIGHT);
      ctx.strokeStyle = theme.colors.primary.border;
      ctx.strokeRect(x0 + 0.5, plot.top + 0.5, x1 - x0 - 1, plot.height + AXIS_HEIGHT - 1);
    }
    const ring = (hit: CellHit, color: string, width: number) => {
      if (hit.displayRow >= layout.rowCount || hit.col >= layout.times.length) {
        return;
      }
      const r = cellRect(layout, hit.displayRow, hit.col);
      const pad = width / 2;
      ctx.strokeStyle = color;
      ctx.lineWidth = width;
      ctx.strokeRect(r.left - pad, r.top - pad, r.width + 2 * pad, r.height + 2 * pad);
      // Mark the row in the label gutter too, for grids too dense to see the ring.
      ctx.fillStyle = color;
      ctx.fillRect(plot.left - 4, r.top, 3, Math.max(r.height, 2));
    };
    if (s.focus) {
      ring(s.focus, theme.colors.primary.main, 2);
    }
    if (s.hover) {
      ring(s.hover, theme.colors.text.maxContrast, 2);
    }
  }
}
