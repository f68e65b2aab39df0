/**
 * What the tooltip shows, kept outside React state so that a pointer move
 * re-renders the tooltip alone (via useSyncExternalStore), never the grid.
 */
export type TooltipTarget =
  | {
      type: 'cell';
      /** Model row and column. */
      row: number;
      col: number;
      /** The cell's rectangle in CSS px relative to the canvas. */
      anchor: { left: number; top: number; width: number; height: number };
      via: 'pointer' | 'keyboard';
    }
  | { type: 'label'; row: number; anchor: { left: number; top: number; width: number; height: number } };

export class HoverStore {
  private target: TooltipTarget | undefined;
  private listeners = new Set<() => void>();

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  get = (): TooltipTarget | undefined => this.target;

  set(target: TooltipTarget | undefined) {
    if (target === this.target) {
      return;
    }
    this.target = target;
    this.listeners.forEach((l) => l());
  }
}
