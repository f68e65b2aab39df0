import type { TraceTree } from './types';

/** A stretch of time during which a span is what the request waits on. */
export interface CriticalSection {
  span: number;
  /** Epoch milliseconds. */
  start: number;
  end: number;
}

export interface CriticalPath {
  /** Sections in time order. */
  sections: CriticalSection[];
  /** 1 for spans with at least one section. */
  onPath: Uint8Array;
  /** Sections per span, for drawing: index into `sections`, grouped by span. */
  bySpan: Map<number, CriticalSection[]>;
}

/**
 * The critical path of the main root, as Jaeger and Grafana compute it
 * (CRISP): walk back from the root's end, always descending into the child
 * that finished last before the current moment; time not covered by such a
 * child belongs to the parent. Children are first clipped to their parent's
 * (clipped) window, so clock skew and fire-and-forget children that outlive
 * their parent cannot pull the path outside the request. Back-to-back
 * children (one ends exactly when the next starts) stay on the path.
 * Iterative, O(n log n) for the spans it visits.
 */
export function criticalPath(tree: TraceTree): CriticalPath {
  const n = tree.spans.length;
  const onPath = new Uint8Array(n);
  const bySpan = new Map<number, CriticalSection[]>();
  const root = tree.mainRoot;
  if (root < 0) {
    return { sections: [], onPath, bySpan };
  }

  // Clipped windows, parents before children (display order is pre-order).
  const ws = new Float64Array(n);
  const we = new Float64Array(n);
  for (let p = 0; p < n; p++) {
    const i = tree.order[p];
    const s = tree.spans[i];
    const par = tree.parent[i];
    if (par < 0) {
      ws[i] = s.start;
      we[i] = s.start + s.duration;
    } else {
      ws[i] = Math.max(s.start, ws[par]);
      we[i] = Math.min(s.start + s.duration, we[par]);
    }
  }

  // Children that take time inside their parent's window, latest end first; built on first visit.
  const sorted = new Map<number, number[]>();
  const pointer = new Int32Array(n);
  const childrenByEnd = (i: number): number[] => {
    let list = sorted.get(i);
    if (!list) {
      list = [];
      for (let c = tree.childOffset[i]; c < tree.childOffset[i + 1]; c++) {
        const child = tree.childIndex[c];
        if (we[child] > ws[child]) {
          list.push(child);
        }
      }
      list.sort((a, b) => we[b] - we[a] || ws[b] - ws[a] || a - b);
      sorted.set(i, list);
    }
    return list;
  };

  const reversed: CriticalSection[] = [];
  const add = (span: number, start: number, end: number) => {
    if (end > start) {
      reversed.push({ span, start, end });
      onPath[span] = 1;
    }
  };

  let current = root;
  let cursor = we[root];
  onPath[root] = 1;
  // Each step either enters a child or returns to a parent; every child is entered at most once.
  for (let guard = 0; guard < 4 * n + 4; guard++) {
    const list = childrenByEnd(current);
    let k = pointer[current];
    while (k < list.length && we[list[k]] > cursor) {
      k++;
    }
    pointer[current] = k;
    if (k < list.length) {
      const child = list[k];
      pointer[current] = k + 1;
      add(current, we[child], cursor);
      current = child;
      cursor = we[child];
      onPath[child] = 1;
      continue;
    }
    add(current, ws[current], cursor);
    if (current === root) {
      break;
    }
    cursor = ws[current];
    current = tree.parent[current];
  }

  const sections = reversed.reverse();
  for (const section of sections) {
    let list = bySpan.get(section.span);
    if (!list) {
      list = [];
      bySpan.set(section.span, list);
    }
    list.push(section);
  }
  return { sections, onPath, bySpan };
}
