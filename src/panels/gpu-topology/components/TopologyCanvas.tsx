import React, {
  forwardRef,
  useCallback,
  useEffect,
  useImperativeHandle,
  useLayoutEffect,
  useRef,
  useState,
} from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';

import { cellRect, hitTest, neighbour } from '../data/layout';
import { drawMap, drawOverlay, prepareCanvas, type MapScene } from './draw';
import { NO_POINTER, type PointerStore } from './hoverStore';

interface Props {
  scene: MapScene;
  width: number;
  height: number;
  store: PointerStore;
  /** A one-click data link for this GPU, opened on click instead of pinning the tooltip. */
  oneClickHref?: (gpu: number) => { href: string; target?: string } | undefined;
  /** Short description of a GPU for screen readers. */
  describe: (gpu: number) => string;
  ariaLabel: string;
}

export interface TopologyCanvasHandle {
  /** Scrolls a GPU into view, rings it and pins its tooltip. */
  focusGpu: (gpu: number) => void;
}

/**
 * The map: one canvas for the cells, one overlay canvas for the pointer and
 * keyboard focus. Pointer moves are handled imperatively (hit test, overlay
 * repaint, store update) without React renders.
 */
export const TopologyCanvas = forwardRef<TopologyCanvasHandle, Props>(function TopologyCanvas(
  { scene, width, height, store, oneClickHref, describe, ariaLabel },
  ref
) {
  const styles = useStyles2(getStyles);
  const scrollRef = useRef<HTMLDivElement>(null);
  const baseRef = useRef<HTMLCanvasElement>(null);
  const overlayRef = useRef<HTMLCanvasElement>(null);
  const scrollTop = useRef(0);
  const hover = useRef({ gpu: -1, node: -1 });
  const focus = useRef(-1);
  const frame = useRef(0);
  const [announcement, setAnnouncement] = useState('');
  const layout = scene.layout;
  const scrollable = layout.contentHeight > height + 0.5;
  const dpr = typeof window !== 'undefined' ? window.devicePixelRatio || 1 : 1;

  const paintOverlay = useCallback(() => {
    const canvas = overlayRef.current;
    if (!canvas) {
      return;
    }
    const ctx = prepareCanvas(canvas, width, height, dpr);
    if (ctx) {
      drawOverlay(ctx, scene, scrollTop.current, hover.current.gpu, hover.current.node, focus.current);
    }
  }, [scene, width, height, dpr]);

  const paintBase = useCallback(() => {
    const canvas = baseRef.current;
    if (!canvas) {
      return;
    }
    const ctx = prepareCanvas(canvas, width, height, dpr);
    if (ctx) {
      drawMap(ctx, scene, scrollTop.current);
    }
    canvas.dataset.painted = String(Number(canvas.dataset.painted ?? 0) + 1);
  }, [scene, width, height, dpr]);

  // Paint before the browser does, so the first frame already shows the map.
  useLayoutEffect(() => {
    const max = Math.max(0, layout.contentHeight - height);
    if (scrollTop.current > max) {
      scrollTop.current = max;
    }
    // Node numbers change with the layout: forget the hovered node.
    hover.current = { gpu: -1, node: -1 };
    paintBase();
    paintOverlay();
  }, [paintBase, paintOverlay, layout, height]);

  useEffect(() => () => cancelAnimationFrame(frame.current), []);

  const onScroll = useCallback(() => {
    scrollTop.current = scrollRef.current?.scrollTop ?? 0;
    cancelAnimationFrame(frame.current);
    frame.current = requestAnimationFrame(() => {
      paintBase();
      paintOverlay();
    });
  }, [paintBase, paintOverlay]);

  const cellAnchor = useCallback(
    (gpu: number) => {
      const r = cellRect(layout, gpu);
      const box = overlayRef.current?.getBoundingClientRect();
      if (!r || !box) {
        return undefined;
      }
      return { x: box.left + r.x + r.w, y: box.top + r.y - scrollTop.current + r.h / 2 };
    },
    [layout]
  );

  const reveal = useCallback(
    (gpu: number) => {
      const r = cellRect(layout, gpu);
      const el = scrollRef.current;
      if (!r || !el || !scrollable) {
        return;
      }
      if (r.y < el.scrollTop || r.y + r.h > el.scrollTop + height) {
        el.scrollTop = Math.max(0, r.y - height / 2);
        scrollTop.current = el.scrollTop;
        paintBase();
      }
    },
    [layout, height, scrollable, paintBase]
  );

  const setFocus = useCallback(
    (gpu: number, pin: boolean) => {
      focus.current = gpu;
      reveal(gpu);
      paintOverlay();
      // Where the focused cell is (CSS pixels in the map), for tests and tools.
      const r = cellRect(layout, gpu);
      if (overlayRef.current) {
        overlayRef.current.dataset.focusRect = r ? `${r.x},${r.y - scrollTop.current},${r.w},${r.h}` : '';
      }
      if (gpu >= 0) {
        setAnnouncement(describe(gpu));
        const a = cellAnchor(gpu);
        if (a && (pin || store.get().pinned)) {
          store.set({ gpu, x: a.x, y: a.y, pinned: true });
        }
      }
    },
    [reveal, paintOverlay, describe, cellAnchor, store, layout]
  );

  useImperativeHandle(
    ref,
    () => ({
      focusGpu: (gpu: number) => {
        setFocus(gpu, true);
      },
    }),
    [setFocus]
  );

  const hitAt = (clientX: number, clientY: number) => {
    const box = overlayRef.current!.getBoundingClientRect();
    return hitTest(layout, clientX - box.left, clientY - box.top + scrollTop.current);
  };

  const onPointerMove = (e: React.PointerEvent) => {
    if (store.get().pinned) {
      return;
    }
    const hit = hitAt(e.clientX, e.clientY);
    const gpu = hit?.gpu ?? -1;
    const node = hit?.node ?? -1;
    if (gpu !== hover.current.gpu || node !== hover.current.node) {
      hover.current = { gpu, node };
      paintOverlay();
    }
    store.set(gpu >= 0 ? { gpu, x: e.clientX, y: e.clientY, pinned: false } : NO_POINTER);
  };

  const onPointerLeave = () => {
    if (store.get().pinned) {
      return;
    }
    hover.current = { gpu: -1, node: -1 };
    paintOverlay();
    store.set(NO_POINTER);
  };

  const onClick = (e: React.MouseEvent) => {
    const hit = hitAt(e.clientX, e.clientY);
    const gpu = hit?.gpu ?? -1;
    const current = store.get();
    if (gpu < 0 || (current.pinned && current.gpu === gpu)) {
      // Let go; the pointer still hovers whatever is under it.
      store.set(gpu >= 0 ? { gpu, x: e.clientX, y: e.clientY, pinned: false } : NO_POINTER);
      hover.current = { gpu, node: hit?.node ?? -1 };
      paintOverlay();
      return;
    }
    const oneClick = oneClickHref?.(gpu);
    if (oneClick) {
      window.open(oneClick.href, oneClick.target ?? '_self');
      return;
    }
    focus.current = gpu;
    hover.current = { gpu, node: hit?.node ?? -1 };
    paintOverlay();
    store.set({ gpu, x: e.clientX, y: e.clientY, pinned: true });
  };

  const onKeyDown = (e: React.KeyboardEvent) => {
    const dirs: Record<string, 'left' | 'right' | 'up' | 'down'> = {
      ArrowLeft: 'left',
      ArrowRight: 'right',
      ArrowUp: 'up',
      ArrowDown: 'down',
    };
    const order = layout.order;
    if (order.length === 0) {
      return;
    }
    const current = focus.current >= 0 && layout.gpuNode[focus.current] >= 0 ? focus.current : -1;
    if (dirs[e.key]) {
      e.preventDefault();
      setFocus(current < 0 ? order[0] : neighbour(layout, current, dirs[e.key]), false);
    } else if (e.key === 'Home' || e.key === 'End') {
      e.preventDefault();
      setFocus(e.key === 'Home' ? order[0] : order[order.length - 1], false);
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      const gpu = current < 0 ? order[0] : current;
      if (store.get().pinned && store.get().gpu === gpu) {
        store.set(NO_POINTER);
      } else {
        setFocus(gpu, true);
      }
    } else if (e.key === 'Escape') {
      store.set(NO_POINTER);
      focus.current = -1;
      paintOverlay();
    }
  };

  // Pinned tooltips close on a click elsewhere or Escape anywhere.
  useEffect(() => {
    const onDocKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && store.get().pinned) {
        store.set(NO_POINTER);
      }
    };
    document.addEventListener('keydown', onDocKey);
    return () => document.removeEventListener('keydown', onDocKey);
  }, [store]);

  return (
    <div
      ref={scrollRef}
      className={styles.scroll}
      style={{ width, height, overflowY: scrollable ? 'auto' : 'hidden' }}
      onScroll={scrollable ? onScroll : undefined}
      tabIndex={0}
      role="application"
      aria-roledescription="GPU map"
      aria-label={ariaLabel}
      data-testid="gpu-topology-map"
      data-nodes={layout.nodeHost.length}
      data-gpus={layout.order.length}
      data-cell={`${layout.cw}x${layout.ch}`}
      data-scrollable={scrollable ? 'true' : 'false'}
      onKeyDown={onKeyDown}
    >
      <div style={{ height: scrollable ? layout.contentHeight : height, position: 'relative' }}>
        <div className={styles.sticky} style={{ height }}>
          <canvas ref={baseRef} className={styles.canvas} style={{ width, height }} data-testid="gpu-topology-canvas" />
          <canvas
            ref={overlayRef}
            className={styles.canvas}
            style={{ width, height }}
            data-testid="gpu-topology-overlay"
            onPointerMove={onPointerMove}
            onPointerLeave={onPointerLeave}
            onClick={onClick}
          />
        </div>
      </div>
      <div className={styles.srOnly} aria-live="polite">
        {announcement}
      </div>
    </div>
  );
});

const getStyles = (theme: GrafanaTheme2) => ({
  scroll: css({
    position: 'relative',
    overflowX: 'hidden',
    outline: 'none',
    '&:focus-visible': {
      outline: `2px solid ${theme.colors.primary.main}`,
      outlineOffset: -2,
    },
  }),
  sticky: css({
    position: 'sticky',
    top: 0,
  }),
  canvas: css({
    position: 'absolute',
    left: 0,
    top: 0,
    display: 'block',
  }),
  srOnly: css({
    position: 'absolute',
    width: 1,
    height: 1,
    overflow: 'hidden',
    clipPath: 'inset(50%)',
    whiteSpace: 'nowrap',
  }),
});
