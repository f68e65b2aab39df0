import type { KeyValue, SpanEvent, SpanLink } from './values';

export type SpanStatus = 'unset' | 'ok' | 'error';

/**
 * The cells of a trace frame that are read lazily: attribute lists, events
 * and links can be large JSON and most are only needed for the span the user
 * opens, for search, or for the GenAI scan.
 */
export interface LazyCells {
  tags?: readonly unknown[];
  serviceTags?: readonly unknown[];
  logs?: readonly unknown[];
  references?: readonly unknown[];
  warnings?: readonly unknown[];
  stackTraces?: readonly unknown[];
}

/** One span as read from a frame row (times in epoch milliseconds). */
export interface Span {
  /** Position in its trace's span list. */
  index: number;
  /** Frame and row it came from, for links back to the data. */
  frameIndex: number;
  row: number;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  service: string;
  start: number;
  duration: number;
  kind?: string;
  status: SpanStatus;
  statusMessage?: string;
  library?: string;
  libraryVersion?: string;
  traceState?: string;
  errorIconColor?: string;
  /** The lazy cells of this span's frame; read with the helpers in spans.ts. */
  cells: LazyCells;
  /** Parsed cells, filled on first use (created lazily: most spans are never looked at closely). */
  cache?: SpanCache;
}

export interface SpanCache {
  tags?: KeyValue[];
  serviceTags?: KeyValue[];
  events?: SpanEvent[];
  links?: SpanLink[];
  /** Kinds of attribute keys present (KeyFlag bits). */
  flags?: number;
}

/** Spans of one trace id, in frame order. */
export interface RawTrace {
  traceId: string;
  spans: Span[];
}

/** Why a span sits where it does in the tree (bits of TraceTree.markers). */
export const Marker = {
  None: 0,
  /** Its parent id is not in the trace; shown at the root level. */
  Orphan: 1,
  /** Its parent chain loops back to itself; the loop was cut here. */
  Cycle: 2,
  /** It starts before its parent (clock skew between hosts, usually). */
  Skew: 4,
  /** Another span has the same id; children attach to the first one. */
  Duplicate: 8,
} as const;

/** A trace arranged as a tree, with arrays indexed by span index. */
export interface TraceTree {
  traceId: string;
  spans: Span[];
  /** Parent span index, or -1 at the root level. */
  parent: Int32Array;
  depth: Int32Array;
  /** Marker bit set per span. */
  markers: Uint8Array;
  /** 1 where the span is an error (status, or `error`/`otel.status_code` attributes). */
  isError: Uint8Array;
  /** Children of span i are childIndex[childOffset[i] .. childOffset[i + 1]), by start time. */
  childOffset: Int32Array;
  childIndex: Int32Array;
  /** Root-level spans by start time (true roots first, then orphans and cut cycles). */
  roots: number[];
  /** Depth-first display order of span indices. */
  order: Int32Array;
  /** Position of each span in `order`. */
  position: Int32Array;
  /** For the span at order position p, the position after its last descendant. */
  subtreeEnd: Int32Array;
  /** Services in order of first appearance, and each span's service number. */
  services: string[];
  serviceIndex: Int32Array;
  /** Earliest start and latest end over all spans (epoch ms). */
  start: number;
  end: number;
  /** The span the request is measured by: the earliest true root, else the earliest root-level span. */
  mainRoot: number;
  maxDepth: number;
  counts: {
    orphans: number;
    cycles: number;
    skewed: number;
    duplicates: number;
    /** Exact duplicate rows (same id, name, start and duration) that were dropped. */
    droppedDuplicates: number;
    errors: number;
  };
}
