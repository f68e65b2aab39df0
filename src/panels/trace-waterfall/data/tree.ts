import { spanIsError } from './spans';
import { Marker, type RawTrace, type Span, type TraceTree } from './types';

/** All-zero ids mean "no parent" in some exporters. */
function isNullId(id: string | undefined): boolean {
  return id === undefined || (id.charCodeAt(0) === 48 && /^0+$/.test(id));
}

function sameSpan(a: Span, b: Span): boolean {
  return (
    a.start === b.start &&
    a.duration === b.duration &&
    a.name === b.name &&
    a.service === b.service &&
    a.parentSpanId === b.parentSpanId
  );
}

/**
 * Arranges a trace's spans as a tree. Real traces are messy, so:
 * - a span whose parent is not in the trace (an orphan) goes to the root
 *   level, marked;
 * - a parent chain that loops is cut at the loop's earliest span, which goes
 *   to the root level, marked;
 * - rows repeating a span exactly are dropped (counted); other spans reusing
 *   an id are kept and marked, and children attach to the first;
 * - a child starting before its parent is marked as clock skew, and keeps
 *   its times.
 * Everything is iterative: traces can be tens of thousands of spans deep.
 */
export function buildTraceTree(raw: RawTrace): TraceTree {
  const byId = new Map<string, number>();
  const spans: Span[] = [];
  const markersList: number[] = [];
  let droppedDuplicates = 0;
  for (const span of raw.spans) {
    const first = byId.get(span.spanId);
    if (first !== undefined) {
      if (sameSpan(spans[first], span)) {
        droppedDuplicates++;
        continue;
      }
      markersList.push(Marker.Duplicate);
    } else {
      byId.set(span.spanId, spans.length);
      markersList.push(Marker.None);
    }
    span.index = spans.length;
    spans.push(span);
  }
  const n = spans.length;
  const markers = Uint8Array.from(markersList);
  const parent = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const parentId = spans[i].parentSpanId;
    if (isNullId(parentId)) {
      continue;
    }
    const p = byId.get(parentId!);
    if (p === undefined) {
      markers[i] |= Marker.Orphan;
    } else if (p === i) {
      markers[i] |= Marker.Cycle;
    } else {
      parent[i] = p;
    }
  }

  // Cut loops: walk up from each span; a walk that meets itself found a loop.
  const state = new Uint8Array(n); // 0 unknown, 1 on the current walk, 2 reaches the root level
  const path: number[] = [];
  for (let i = 0; i < n; i++) {
    if (state[i] !== 0) {
      continue;
    }
    path.length = 0;
    let j = i;
    while (j !== -1 && state[j] === 0) {
      state[j] = 1;
      path.push(j);
      j = parent[j];
    }
    if (j !== -1 && state[j] === 1) {
      // The loop is the part of the path from j on; cut it at its earliest span.
      let cut = j;
      for (let k = path.indexOf(j); k < path.length; k++) {
        const s = path[k];
        if (spans[s].start < spans[cut].start || (spans[s].start === spans[cut].start && s < cut)) {
          cut = s;
        }
      }
      parent[cut] = -1;
      markers[cut] |= Marker.Cycle;
    }
    for (const s of path) {
      state[s] = 2;
    }
  }

  // Children lists (CSR), each by start time.
  const childOffset = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    if (parent[i] >= 0) {
      childOffset[parent[i] + 1]++;
    }
  }
  for (let i = 0; i < n; i++) {
    childOffset[i + 1] += childOffset[i];
  }
  const fill = childOffset.slice(0, n);
  const childIndex = new Int32Array(Math.max(0, childOffset[n]));
  const roots: number[] = [];
  for (let i = 0; i < n; i++) {
    if (parent[i] >= 0) {
      childIndex[fill[parent[i]]++] = i;
    } else {
      roots.push(i);
    }
  }
  const starts = Float64Array.from(spans, (s) => s.start);
  const byStart = (a: number, b: number) => starts[a] - starts[b] || a - b;
  for (let i = 0; i < n; i++) {
    const from = childOffset[i];
    const to = childOffset[i + 1];
    if (to - from > 1) {
      childIndex.subarray(from, to).sort(byStart);
    }
  }
  roots.sort(byStart);

  // Depth-first order, depths and subtree extents.
  const order = new Int32Array(n);
  const position = new Int32Array(n);
  const depth = new Int32Array(n);
  const stack: number[] = [];
  for (let r = roots.length - 1; r >= 0; r--) {
    stack.push(roots[r]);
  }
  let pos = 0;
  let maxDepth = 0;
  while (stack.length > 0) {
    const i = stack.pop()!;
    order[pos] = i;
    position[i] = pos++;
    const d = parent[i] >= 0 ? depth[parent[i]] + 1 : 0;
    depth[i] = d;
    if (d > maxDepth) {
      maxDepth = d;
    }
    for (let c = childOffset[i + 1] - 1; c >= childOffset[i]; c--) {
      stack.push(childIndex[c]);
    }
  }
  const size = new Int32Array(n).fill(1);
  for (let p = n - 1; p >= 0; p--) {
    const i = order[p];
    if (parent[i] >= 0) {
      size[parent[i]] += size[i];
    }
  }
  const subtreeEnd = new Int32Array(n);
  for (let p = 0; p < n; p++) {
    subtreeEnd[p] = p + size[order[p]];
  }

  // Services, bounds, skew, errors.
  const services: string[] = [];
  const serviceNumbers = new Map<string, number>();
  const serviceIndex = new Int32Array(n);
  const isError = new Uint8Array(n);
  let start = Infinity;
  let end = -Infinity;
  const counts = { orphans: 0, cycles: 0, skewed: 0, duplicates: 0, droppedDuplicates, errors: 0 };
  for (let i = 0; i < n; i++) {
    const s = spans[i];
    let sn = serviceNumbers.get(s.service);
    if (sn === undefined) {
      sn = services.length;
      services.push(s.service);
      serviceNumbers.set(s.service, sn);
    }
    serviceIndex[i] = sn;
    start = Math.min(start, s.start);
    end = Math.max(end, s.start + s.duration);
    if (parent[i] >= 0 && s.start < spans[parent[i]].start) {
      markers[i] |= Marker.Skew;
    }
    if (spanIsError(s)) {
      isError[i] = 1;
      counts.errors++;
    }
    const m = markers[i];
    counts.orphans += m & Marker.Orphan ? 1 : 0;
    counts.cycles += m & Marker.Cycle ? 1 : 0;
    counts.skewed += m & Marker.Skew ? 1 : 0;
    counts.duplicates += m & Marker.Duplicate ? 1 : 0;
  }
  if (n === 0) {
    start = 0;
    end = 0;
  }

  let mainRoot = -1;
  for (const r of roots) {
    if ((markers[r] & (Marker.Orphan | Marker.Cycle)) === 0) {
      mainRoot = r;
      break;
    }
  }
  if (mainRoot === -1 && roots.length > 0) {
    mainRoot = roots[0];
  }

  return {
    traceId: raw.traceId,
    spans,
    parent,
    depth,
    markers,
    isError,
    childOffset,
    childIndex,
    roots,
    order,
    position,
    subtreeEnd,
    services,
    serviceIndex,
    start,
    end,
    mainRoot,
    maxDepth,
    counts,
  };
}

/** Children of a span, by start time. */
export function childrenOf(tree: TraceTree, i: number): Int32Array {
  return tree.childIndex.subarray(tree.childOffset[i], tree.childOffset[i + 1]);
}

/** Number of direct children. */
export function childCount(tree: TraceTree, i: number): number {
  return tree.childOffset[i + 1] - tree.childOffset[i];
}

/** Number of descendants (children, grandchildren, ...). */
export function descendantCount(tree: TraceTree, i: number): number {
  const p = tree.position[i];
  return tree.subtreeEnd[p] - p - 1;
}

/**
 * Time a span spends outside its children: its duration minus the union of
 * its children's intervals (clipped to the span).
 */
export function selfTime(tree: TraceTree, i: number): number {
  const span = tree.spans[i];
  const from = span.start;
  const to = span.start + span.duration;
  let covered = 0;
  let cursor = from;
  for (const c of childrenOf(tree, i)) {
    const cs = Math.max(tree.spans[c].start, cursor);
    const ce = Math.min(tree.spans[c].start + tree.spans[c].duration, to);
    if (ce > cs) {
      covered += ce - cs;
      cursor = ce;
    }
  }
  return Math.max(0, span.duration - covered);
}
