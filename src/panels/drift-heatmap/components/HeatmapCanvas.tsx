import React, { useLayoutEffect, useRef } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';

import { HeatmapController, type ControllerCallbacks } from '../render/controller';
import type { HoverStore } from '../render/hoverStore';
import type { Scene } from '../render/renderer';

interface Props {
  scene: Scene;
  store: HoverStore;
  callbacks: ControllerCallbacks;
  /** The shared crosshair time from other panels. */
  crosshairRef: React.MutableRefObject<((time: number | undefined) => void) | undefined>;
  /** Filled by keyboard focus moves, read by screen readers. */
  announceRef: React.RefObject<HTMLDivElement>;
  label: string;
}

/**
 * The two stacked canvases and the focusable element around them. Painting
 * happens in the controller, outside React: this component renders once and
 * hands each new scene over.
 */
export function HeatmapCanvas({ scene, store, callbacks, crosshairRef, announceRef, label }: Props) {
  const styles = useStyles2(getStyles);
  const containerRef = useRef<HTMLDivElement>(null);
  const baseRef = useRef<HTMLCanvasElement>(null);
  const overlayRef = useRef<HTMLCanvasElement>(null);
  const controllerRef = useRef<HeatmapController>();
  // Callbacks change with props; the controller always calls the latest.
  const callbacksRef = useRef(callbacks);
  useLayoutEffect(() => {
    callbacksRef.current = callbacks;
  });

  useLayoutEffect(() => {
    const controller = new HeatmapController(containerRef.current!, baseRef.current!, overlayRef.current!, store, {
      onActiveCell: (c) => callbacksRef.current.onActiveCell(c),
      onOpenLinks: (c, at) => callbacksRef.current.onOpenLinks(c, at),
      onZoom: (from, to) => callbacksRef.current.onZoom(from, to),
      onAnnounce: (c) => callbacksRef.current.onAnnounce(c),
    });
    controllerRef.current = controller;
    crosshairRef.current = (t) => controller.setCrosshair(t);
    return () => {
      crosshairRef.current = undefined;
      controller.destroy();
    };
  }, [store, crosshairRef]);

  // Paint in the next animation frame, with the latest scene only: React's
  // commit (and a legend that re-measures itself in the same commit, or a
  // burst of resizes) never paints a grid twice per frame, and the heavy
  // raster runs in its own task rather than inside React's.
  const pending = useRef<{ scene?: Scene; frame?: number }>({});
  useLayoutEffect(() => {
    const p = pending.current;
    p.scene = scene;
    p.frame ??= requestAnimationFrame(() => {
      const next = p.scene;
      p.scene = undefined;
      p.frame = undefined;
      if (next) {
        controllerRef.current?.setScene(next);
      }
    });
  }, [scene]);
  useLayoutEffect(() => {
    const p = pending.current;
    return () => {
      if (p.frame !== undefined) {
        cancelAnimationFrame(p.frame);
        p.frame = undefined;
      }
    };
  }, []);

  return (
    <div
      ref={containerRef}
      className={styles.container}
      style={{ width: scene.width, height: scene.height }}
      tabIndex={0}
      role="application"
      aria-roledescription="heatmap"
      aria-label={label}
      data-testid="mlwatch-heatmap"
    >
      <canvas ref={baseRef} className={styles.canvas} data-testid="mlwatch-heatmap-canvas" />
      <canvas ref={overlayRef} className={styles.canvas} data-testid="mlwatch-heatmap-overlay" />
      <div ref={announceRef} className={styles.srOnly} aria-live="polite" />
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  container: css({
    position: 'relative',
    outline: 'none',
    '&:focus-visible': {
      boxShadow: `inset 0 0 0 1px ${theme.colors.primary.border}`,
    },
  }),
  canvas: css({ position: 'absolute', left: 0, top: 0 }),
  srOnly: css({
    position: 'absolute',
    width: 1,
    height: 1,
    overflow: 'hidden',
    clipPath: 'inset(50%)',
    whiteSpace: 'nowrap',
  }),
});
