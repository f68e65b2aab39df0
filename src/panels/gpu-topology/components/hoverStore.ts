/**
 * A tiny external store for pointer state. The map canvas writes to it on
 * every pointer move; only the tooltip subscribes, so hovering never
 * re-renders the panel or repaints the map.
 */
import { useSyncExternalStore } from 'react';

export interface PointerState {
  /** GPU under the pointer (-1: none). */
  gpu: number;
  /** Tooltip anchor in client (viewport) pixels. */
  x: number;
  y: number;
  /** The tooltip stays open and takes pointer events (links are clickable). */
  pinned: boolean;
}

export const NO_POINTER: PointerState = { gpu: -1, x: 0, y: 0, pinned: false };

export interface PointerStore {
  get: () => PointerState;
  set: (next: PointerState) => void;
  subscribe: (listener: () => void) => () => void;
}

export function createPointerStore(): PointerStore {
  let state = NO_POINTER;
  const listeners = new Set<() => void>();
  return {
    get: () => state,
    set: (next) => {
      if (next.gpu === state.gpu && next.x === state.x && next.y === state.y && next.pinned === state.pinned) {
        return;
      }
      state = next;
      listeners.forEach((l) => l());
    },
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export function usePointer(store: PointerStore): PointerState {
  return useSyncExternalStore(store.subscribe, store.get, store.get);
}
