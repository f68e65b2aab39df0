import type { HoverStore } from './hoverStore';
import { cellRect, hitTest, labelHit, xToTime, type CellHit } from './layout';
import { HeatmapRenderer, type Scene } from './renderer';

export interface ControllerCallbacks {
  /** The hovered or focused cell changed (model row/column), or went away. */
  onActiveCell: (cell: { row: number; col: number } | undefined) => void;
  /** Open the data-links menu for a cell at a viewport point. */
  onOpenLinks: (cell: { row: number; col: number }, at: { x: number; y: number }) => void;
  /** A drag on the time axis selected a range (ms). */
  onZoom: (from: number, to: number) => void;
  /** Keyboard focus moved to a cell: say it for screen readers. */
  onAnnounce: (cell: { row: number; col: number }) => void;
}

/** Pixels the pointer must travel before a press becomes a drag. */
const DRAG_THRESHOLD = 4;
const PAGE_ROWS = 10;

/**
 * Pointer and keyboard handling for the heatmap. Everything here works on
 * the layout by arithmetic and redraws only the overlay; the React tree is
 * told through the hover store and callbacks.
 */
export class HeatmapController {
  readonly renderer: HeatmapRenderer;
  private hover?: CellHit;
  private focus?: CellHit;
  private drag?: { startX: number; active: boolean };
  /** Set while a mouse press focuses the container, so focus does not announce or move. */
  private pointerFocus = false;
  private scene?: Scene;
  private readonly cleanups: Array<() => void> = [];

  constructor(
    private readonly container: HTMLElement,
    base: HTMLCanvasElement,
    private readonly overlay: HTMLCanvasElement,
    private readonly store: HoverStore,
    private readonly callbacks: ControllerCallbacks
  ) {
    this.renderer = new HeatmapRenderer(base, overlay);
    this.listen(overlay, 'mousemove', this.onMouseMove);
    this.listen(overlay, 'mouseleave', this.onMouseLeave);
    this.listen(overlay, 'mousedown', this.onMouseDown);
    this.listen(window, 'mouseup', this.onMouseUp);
    this.listen(container, 'keydown', this.onKeyDown);
    this.listen(container, 'focus', this.onFocus);
    this.listen(container, 'blur', this.onBlur);
  }

  private listen<K extends keyof HTMLElementEventMap>(
    target: HTMLElement | Window,
    type: K,
    handler: (e: HTMLElementEventMap[K]) => void
  ) {
    const h = handler as EventListener;
    target.addEventListener(type, h);
    this.cleanups.push(() => target.removeEventListener(type, h));
  }

  destroy() {
    this.cleanups.forEach((c) => c());
  }

  setScene(scene: Scene) {
    const previous = this.scene;
    this.scene = scene;
    // A new order or filter moves rows: drop hover/focus that no longer point where they did.
    if (previous && (previous.order !== scene.order || previous.model !== scene.model)) {
      this.hover = undefined;
      this.focus =
        this.focus && this.focus.displayRow < scene.order.length && this.focus.col < scene.model.times.length
          ? this.focus
          : undefined;
      this.store.set(undefined);
    }
    this.renderer.overlayState.hover = this.hover;
    this.renderer.overlayState.focus = this.focus;
    const layout = this.renderer.render(scene);
    // Where the cells are, for browser tests and benchmarks that aim the pointer.
    const { plot } = layout;
    this.container.dataset.plot = `${plot.left},${plot.top},${plot.width},${plot.height},${layout.rowCount},${layout.times.length}`;
  }

  setCrosshair(time: number | undefined) {
    if (this.renderer.overlayState.crosshair === time) {
      return;
    }
    this.renderer.overlayState.crosshair = time;
    this.renderer.drawOverlay();
  }

  private point(e: MouseEvent): { x: number; y: number } {
    const r = this.overlay.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  }

  private modelCell(hit: CellHit) {
    return { row: this.scene!.order[hit.displayRow], col: hit.col };
  }

  private showCell(hit: CellHit, via: 'pointer' | 'keyboard') {
    const layout = this.renderer.layout!;
    const cell = this.modelCell(hit);
    this.store.set({
      type: 'cell',
      row: cell.row,
      col: cell.col,
      anchor: cellRect(layout, hit.displayRow, hit.col),
      via,
    });
    this.callbacks.onActiveCell(cell);
  }

  private onMouseMove = (e: MouseEvent) => {
    const layout = this.renderer.layout;
    if (!layout || !this.scene) {
      return;
    }
    const { x, y } = this.point(e);
    if (this.drag && (e.buttons & 1) === 1) {
      if (!this.drag.active && Math.abs(x - this.drag.startX) > DRAG_THRESHOLD) {
        this.drag.active = true;
        this.hover = undefined;
        this.renderer.overlayState.hover = undefined;
        this.store.set(undefined);
      }
      if (this.drag.active) {
        this.renderer.overlayState.selection = [this.drag.startX, x];
        this.renderer.drawOverlay();
        return;
      }
    }
    const hit = hitTest(layout, x, y);
    if (hit) {
      if (!this.hover || this.hover.displayRow !== hit.displayRow || this.hover.col !== hit.col) {
        this.hover = hit;
        this.renderer.overlayState.hover = hit;
        this.renderer.drawOverlay();
        this.showCell(hit, 'pointer');
      }
      this.overlay.style.cursor = 'pointer';
      return;
    }
    this.overlay.style.cursor = 'default';
    this.clearHover();
    const labelRow = labelHit(layout, x, y);
    if (labelRow !== undefined) {
      const row = this.scene.order[labelRow];
      const r = cellRect(layout, labelRow, 0);
      this.store.set({
        type: 'label',
        row,
        anchor: { left: 0, top: r.top, width: layout.plot.left, height: r.height },
      });
    }
  };

  private clearHover() {
    if (this.hover) {
      this.hover = undefined;
      this.renderer.overlayState.hover = undefined;
      this.renderer.drawOverlay();
      this.callbacks.onActiveCell(undefined);
    }
    if (this.focus && document.activeElement === this.container) {
      this.showCell(this.focus, 'keyboard');
    } else {
      this.store.set(undefined);
    }
  }

  private onMouseLeave = () => {
    if (!this.drag?.active) {
      this.clearHover();
    }
  };

  private onMouseDown = (e: MouseEvent) => {
    const layout = this.renderer.layout;
    if (!layout || e.button !== 0) {
      return;
    }
    const { x, y } = this.point(e);
    const { plot, axis } = layout;
    // Drags start on the cells or on the time axis.
    if (x >= plot.left && x < plot.left + plot.width && y >= plot.top && y < axis.top + axis.height) {
      this.drag = { startX: x, active: false };
      // Keep keyboard navigation going from the clicked cell.
      const hit = hitTest(layout, x, y);
      if (hit) {
        this.focus = hit;
      }
      this.pointerFocus = true;
      e.preventDefault();
      this.container.focus({ preventScroll: true });
      this.pointerFocus = false;
    }
  };

  private onMouseUp = (e: MouseEvent) => {
    const drag = this.drag;
    const layout = this.renderer.layout;
    this.drag = undefined;
    if (!drag || !layout) {
      return;
    }
    const { x, y } = this.point(e);
    if (drag.active) {
      this.renderer.overlayState.selection = undefined;
      this.renderer.drawOverlay();
      const a = Math.max(layout.plot.left, Math.min(drag.startX, x));
      const b = Math.min(layout.plot.left + layout.plot.width, Math.max(drag.startX, x));
      if (b - a >= 1) {
        this.callbacks.onZoom(Math.round(xToTime(layout, a)), Math.round(xToTime(layout, b)));
      }
      return;
    }
    const hit = hitTest(layout, x, y);
    if (hit) {
      this.setFocus(hit, false);
      this.callbacks.onOpenLinks(this.modelCell(hit), { x: e.clientX, y: e.clientY });
    }
  };

  private setFocus(hit: CellHit, announce: boolean) {
    this.focus = hit;
    this.renderer.overlayState.focus = hit;
    this.renderer.drawOverlay();
    if (announce) {
      this.showCell(hit, 'keyboard');
      this.callbacks.onAnnounce(this.modelCell(hit));
    }
  }

  private onFocus = () => {
    const scene = this.scene;
    if (!scene || scene.order.length === 0 || scene.model.times.length === 0) {
      return;
    }
    // Start on the latest step of the top row: the most recent state of the worst feature.
    this.setFocus(this.focus ?? { displayRow: 0, col: scene.model.times.length - 1 }, !this.pointerFocus);
  };

  private onBlur = () => {
    this.renderer.overlayState.focus = undefined;
    this.renderer.drawOverlay();
    if (!this.hover) {
      this.store.set(undefined);
      this.callbacks.onActiveCell(undefined);
    }
  };

  private onKeyDown = (e: KeyboardEvent) => {
    const scene = this.scene;
    if (!scene || scene.order.length === 0 || scene.model.times.length === 0) {
      return;
    }
    const rows = scene.order.length;
    const cols = scene.model.times.length;
    const f = this.focus ?? { displayRow: 0, col: cols - 1 };
    let next: CellHit | undefined;
    switch (e.key) {
      case 'ArrowUp':
        next = { displayRow: Math.max(0, f.displayRow - 1), col: f.col };
        break;
      case 'ArrowDown':
        next = { displayRow: Math.min(rows - 1, f.displayRow + 1), col: f.col };
        break;
      case 'ArrowLeft':
        next = { displayRow: f.displayRow, col: Math.max(0, f.col - 1) };
        break;
      case 'ArrowRight':
        next = { displayRow: f.displayRow, col: Math.min(cols - 1, f.col + 1) };
        break;
      case 'PageUp':
        next = { displayRow: Math.max(0, f.displayRow - PAGE_ROWS), col: f.col };
        break;
      case 'PageDown':
        next = { displayRow: Math.min(rows - 1, f.displayRow + PAGE_ROWS), col: f.col };
        break;
      case 'Home':
        next = e.ctrlKey ? { displayRow: 0, col: 0 } : { displayRow: f.displayRow, col: 0 };
        break;
      case 'End':
        next = e.ctrlKey ? { displayRow: rows - 1, col: cols - 1 } : { displayRow: f.displayRow, col: cols - 1 };
        break;
      case 'Enter':
      case ' ': {
        e.preventDefault();
        const layout = this.renderer.layout!;
        const r = cellRect(layout, f.displayRow, f.col);
        const box = this.overlay.getBoundingClientRect();
        this.callbacks.onOpenLinks(this.modelCell(f), {
          x: box.left + r.left + r.width,
          y: box.top + r.top + r.height,
        });
        return;
      }
      case 'Escape':
        this.store.set(undefined);
        return;
      default:
        return;
    }
    e.preventDefault();
    this.setFocus(next, true);
  };
}
