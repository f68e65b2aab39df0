import React, { useLayoutEffect, useMemo, useRef, useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2, useTheme2 } from '@grafana/ui';

import type { WaterfallModel } from '../data/model';
import { overviewSpans, paintOverview } from '../data/overview';
import type { TimeWindow } from './SpanRows';

interface Props {
  model: WaterfallModel;
  colors: string[];
  width: number;
  height: number;
  view: TimeWindow;
  onZoom: (view: TimeWindow | undefined) => void;
}

/** CSS colours as RGBA bytes, read back from a 1 × 1 canvas so any CSS colour syntax works. */
function toRgba(colors: string[]): Uint8Array {
  const out = new Uint8Array(colors.length * 4);
  const ctx = document.createElement('canvas').getContext('2d', { willReadFrequently: true });
  if (!ctx) {
    return out;
  }
  colors.forEach((c, k) => {
    ctx.clearRect(0, 0, 1, 1);
    ctx.fillStyle = c;
    ctx.fillRect(0, 0, 1, 1);
    out.set(ctx.getImageData(0, 0, 1, 1).data, k * 4);
  });
  return out;
}

/** Drags shorter than this are clicks, not selections. */
const MIN_DRAG_PX = 4;

/**
 * Overview of the whole trace on a canvas (every span, in display order,
 * squeezed into the height, painted pixel by pixel), with the zoomed window
 * left clear and the rest shaded. Drag to zoom; keyboard: + and - zoom, arrows pan, Escape resets.
 */
export function Minimap({ model, colors, width, height, view, onZoom }: Props) {
  const styles = useStyles2(getStyles);
  const theme = useTheme2();
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [drag, setDrag] = useState<{ from: number; to: number } | undefined>();
  const tree = model.tree;
  const total = Math.max(tree.end - tree.start, 1e-9);
  const innerHeight = height - 8;

  const spans = useMemo(() => overviewSpans(tree), [tree]);
  useLayoutEffect(() => {
    const canvas = canvasRef.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx || width <= 0 || innerHeight <= 0) {
      return;
    }
    const ratio = window.devicePixelRatio || 1;
    const w = Math.round(width * ratio);
    const h = Math.round(innerHeight * ratio);
    canvas.width = w;
    canvas.height = h;
    const palette = toRgba([...colors, theme.colors.error.main]);
    const pixels = paintOverview(spans, w, h, palette, colors.length);
    ctx.putImageData(new ImageData(pixels, w, h), 0, 0);
  }, [spans, colors, width, innerHeight, theme]);

  const toMs = (clientX: number, rect: DOMRect) =>
    (Math.min(Math.max(clientX - rect.left, 0), rect.width) / rect.width) * total;

  const onMouseDown = (e: React.MouseEvent<HTMLDivElement>) => {
    if (e.button !== 0) {
      return;
    }
    e.preventDefault();
    const rect = e.currentTarget.getBoundingClientRect();
    const start = toMs(e.clientX, rect);
    const startX = e.clientX;
    setDrag({ from: start, to: start });
    const move = (ev: MouseEvent) => setDrag({ from: start, to: toMs(ev.clientX, rect) });
    const up = (ev: MouseEvent) => {
      window.removeEventListener('mousemove', move);
      window.removeEventListener('mouseup', up);
      setDrag(undefined);
      if (Math.abs(ev.clientX - startX) >= MIN_DRAG_PX) {
        const end = toMs(ev.clientX, rect);
        onZoom({ from: Math.min(start, end), to: Math.max(start, end) });
      }
    };
    window.addEventListener('mousemove', move);
    window.addEventListener('mouseup', up);
  };

  const onKeyDown = (e: React.KeyboardEvent) => {
    const len = view.to - view.from;
    const centre = (view.from + view.to) / 2;
    const clamp = (from: number, to: number): TimeWindow => {
      const w = Math.min(to - from, total);
      const f = Math.min(Math.max(from, 0), total - w);
      return { from: f, to: f + w };
    };
    switch (e.key) {
      case '+':
      case '=':
        onZoom(clamp(centre - len / 4, centre + len / 4));
        break;
      case '-':
        onZoom(len * 2 >= total ? undefined : clamp(centre - len, centre + len));
        break;
      case 'ArrowLeft':
        onZoom(clamp(view.from - len / 10, view.to - len / 10));
        break;
      case 'ArrowRight':
        onZoom(clamp(view.from + len / 10, view.to + len / 10));
        break;
      case 'Escape':
      case '0':
        onZoom(undefined);
        break;
      default:
        return;
    }
    e.preventDefault();
    e.stopPropagation();
  };

  const pct = (ms: number) => `${(ms / total) * 100}%`;
  const zoomed = view.from > 0 || view.to < total;
  return (
    <div className={styles.wrap} style={{ width, height }}>
      <div
        className={styles.area}
        style={{ height: innerHeight }}
        data-testid="trace-minimap"
        role="slider"
        tabIndex={0}
        aria-label="Trace overview. Drag to zoom; + and - zoom, arrows pan, Escape resets."
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round((view.from / total) * 100)}
        aria-valuetext={
          zoomed
            ? `Showing ${Math.round(((view.to - view.from) / total) * 100)}% of the trace`
            : 'Showing the whole trace'
        }
        onMouseDown={onMouseDown}
        onKeyDown={onKeyDown}
      >
        <canvas ref={canvasRef} className={styles.canvas} style={{ width, height: innerHeight }} />
        {zoomed && (
          <>
            <div className={styles.shade} style={{ left: 0, width: pct(view.from) }} />
            <div className={styles.shade} style={{ left: pct(view.to), right: 0 }} />
            <div
              className={styles.window}
              data-testid="minimap-window"
              style={{ left: pct(view.from), width: pct(view.to - view.from) }}
            />
          </>
        )}
        {drag && (
          <div
            className={styles.selection}
            data-testid="minimap-selection"
            style={{ left: pct(Math.min(drag.from, drag.to)), width: pct(Math.abs(drag.to - drag.from)) }}
          />
        )}
      </div>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  wrap: css({
    padding: '4px 0',
    borderBottom: `1px solid ${theme.colors.border.weak}`,
  }),
  area: css({
    position: 'relative',
    cursor: 'crosshair',
    background: theme.colors.background.secondary,
    '&:focus-visible': { outline: `2px solid ${theme.colors.primary.main}`, outlineOffset: -2 },
  }),
  canvas: css({ display: 'block', opacity: 0.9 }),
  shade: css({
    position: 'absolute',
    top: 0,
    bottom: 0,
    background: theme.colors.background.canvas,
    opacity: 0.7,
    pointerEvents: 'none',
  }),
  window: css({
    position: 'absolute',
    top: 0,
    bottom: 0,
    borderLeft: `2px solid ${theme.colors.primary.main}`,
    borderRight: `2px solid ${theme.colors.primary.main}`,
    pointerEvents: 'none',
  }),
  selection: css({
    position: 'absolute',
    top: 0,
    bottom: 0,
    background: theme.colors.primary.transparent,
    border: `1px solid ${theme.colors.primary.border}`,
    pointerEvents: 'none',
  }),
});
