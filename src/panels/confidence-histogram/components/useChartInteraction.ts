import { useCallback, useEffect, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';

import { stepIndex } from '../data/layout';

export interface Hover {
  index: number;
  /** Where the tooltip goes, in client (viewport) pixels. */
  clientX: number;
  clientY: number;
}

interface Args {
  count: number;
  /** The item under a point in the chart's own pixels. */
  indexAt: (x: number, y: number) => number | undefined;
  /** Where an item sits in the chart's own pixels (for keyboard focus). */
  anchorOf: (index: number) => { x: number; y: number };
}

/**
 * Hover, click-to-pin and keyboard reading shared by the charts. The
 * state changes only when the hovered item changes, so moving the mouse
 * inside one bar does not re-render anything.
 */
export function useChartInteraction({ count, indexAt, anchorOf }: Args) {
  const ref = useRef<HTMLDivElement>(null);
  const [hover, setHover] = useState<Hover | null>(null);
  const [pinned, setPinned] = useState(false);

  const itemAt = useCallback(
    (e: MouseEvent<HTMLDivElement>): Hover | null => {
      const box = ref.current?.getBoundingClientRect();
      if (!box) {
        return null;
      }
      const index = indexAt(e.clientX - box.left, e.clientY - box.top);
      return index === undefined ? null : { index, clientX: e.clientX, clientY: e.clientY };
    },
    [indexAt]
  );

  const onMouseMove = useCallback(
    (e: MouseEvent<HTMLDivElement>) => {
      if (pinned) {
        return;
      }
      const next = itemAt(e);
      setHover((prev) => (prev?.index === next?.index ? prev : next));
    },
    [itemAt, pinned]
  );

  const onMouseLeave = useCallback(() => {
    if (!pinned) {
      setHover(null);
    }
  }, [pinned]);

  const onClick = useCallback(
    (e: MouseEvent<HTMLDivElement>) => {
      const next = itemAt(e);
      if (!next) {
        setPinned(false);
        setHover(null);
        return;
      }
      if (pinned && hover?.index === next.index) {
        setPinned(false);
        return;
      }
      setHover(next);
      setPinned(true);
    },
    [itemAt, pinned, hover]
  );

  const onKeyDown = useCallback(
    (e: KeyboardEvent<HTMLDivElement>) => {
      if (e.key === 'Escape') {
        setPinned(false);
        setHover(null);
        return;
      }
      if ((e.key === 'Enter' || e.key === ' ') && hover) {
        e.preventDefault();
        setPinned((p) => !p);
        return;
      }
      const index = stepIndex(hover?.index, e.key, count);
      if (index === undefined) {
        return;
      }
      e.preventDefault();
      const box = ref.current?.getBoundingClientRect();
      const a = anchorOf(index);
      setHover({ index, clientX: (box?.left ?? 0) + a.x, clientY: (box?.top ?? 0) + a.y });
    },
    [anchorOf, count, hover]
  );

  const release = useCallback(() => {
    setPinned(false);
    setHover(null);
  }, []);

  // A pinned tooltip lets go on a click anywhere else.
  useEffect(() => {
    if (!pinned) {
      return;
    }
    const onDown = (e: globalThis.MouseEvent) => {
      const target = e.target as Node | null;
      if (
        ref.current &&
        target &&
        !ref.current.contains(target) &&
        !(target instanceof Element && target.closest('[data-testid="confidence-tooltip"]'))
      ) {
        release();
      }
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [pinned, release]);

  // The data may change under the pointer: an index that no longer exists shows nothing.
  const shown = hover && hover.index < count ? hover : null;
  return {
    ref,
    hover: shown,
    pinned: pinned && shown !== null,
    release,
    handlers: { onMouseMove, onMouseLeave, onClick, onKeyDown },
  };
}
