import type { CriticalPath } from './criticalPath';
import { spanResource, spanTags } from './spans';
import type { Span, TraceTree } from './types';
import { formatValue } from './values';

export type StatusFilter = 'all' | 'error' | 'ok';

export interface SearchTerm {
  /** Attribute key for `key=value` terms. */
  key?: string;
  value: string;
}

/**
 * Splits a search into terms; all must match. `key=value` looks for an
 * attribute (span or resource) with that key whose value contains value;
 * other terms match the span name, service, span id, or any attribute key
 * or value. Double quotes keep spaces together.
 */
export function parseSearch(query: string): SearchTerm[] {
  const terms: SearchTerm[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(query)) !== null) {
    const raw = (m[1] ?? m[2]).trim();
    if (raw === '') {
      continue;
    }
    const eq = m[2] !== undefined ? raw.indexOf('=') : -1;
    if (eq > 0) {
      terms.push({
        key: raw.slice(0, eq).toLowerCase(),
        value: raw
          .slice(eq + 1)
          .replace(/^"|"$/g, '')
          .toLowerCase(),
      });
    } else {
      terms.push({ value: raw.toLowerCase() });
    }
  }
  return terms;
}

function attributeMatches(span: Span, term: SearchTerm): boolean {
  for (const list of [spanTags(span), spanResource(span)]) {
    for (let i = 0; i < list.length; i++) {
      const key = list[i].key.toLowerCase();
      if (term.key !== undefined) {
        if (key === term.key && formatValue(list[i].value).toLowerCase().includes(term.value)) {
          return true;
        }
      } else if (key.includes(term.value) || formatValue(list[i].value).toLowerCase().includes(term.value)) {
        return true;
      }
    }
  }
  return false;
}

function termMatches(span: Span, term: SearchTerm): boolean {
  if (term.key === undefined) {
    if (
      span.name.toLowerCase().includes(term.value) ||
      span.service.toLowerCase().includes(term.value) ||
      span.spanId.toLowerCase() === term.value
    ) {
      return true;
    }
  } else if (term.key === 'service' || term.key === 'name' || term.key === 'kind' || term.key === 'status') {
    const own =
      term.key === 'service'
        ? span.service
        : term.key === 'name'
          ? span.name
          : term.key === 'kind'
            ? span.kind
            : span.status;
    if (own?.toLowerCase().includes(term.value)) {
      return true;
    }
  }
  return attributeMatches(span, term);
}

/** 1 for spans matching every term; undefined when the search is empty. */
export function searchSpans(tree: TraceTree, query: string): Uint8Array | undefined {
  const terms = parseSearch(query);
  if (terms.length === 0) {
    return undefined;
  }
  const out = new Uint8Array(tree.spans.length);
  for (let i = 0; i < tree.spans.length; i++) {
    const span = tree.spans[i];
    let all = true;
    for (const term of terms) {
      if (!termMatches(span, term)) {
        all = false;
        break;
      }
    }
    out[i] = all ? 1 : 0;
  }
  return out;
}

export interface SpanFilter {
  minDurationMs: number;
  status: StatusFilter;
  criticalPathOnly: boolean;
  /** From searchSpans, when "matches only" is on. */
  matches?: Uint8Array;
}

export function filterIsActive(filter: SpanFilter): boolean {
  return filter.minDurationMs > 0 || filter.status !== 'all' || filter.criticalPathOnly || filter.matches !== undefined;
}

/**
 * Spans to show under the filters: 1 for spans that pass, 2 for ancestors
 * kept only so the tree stays readable. Undefined when nothing is filtered.
 */
export function filterSpans(
  tree: TraceTree,
  filter: SpanFilter,
  critical: CriticalPath | undefined
): Uint8Array | undefined {
  if (!filterIsActive(filter)) {
    return undefined;
  }
  const n = tree.spans.length;
  const keep = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const span = tree.spans[i];
    if (filter.minDurationMs > 0 && span.duration < filter.minDurationMs) {
      continue;
    }
    if (filter.status === 'error' && !tree.isError[i]) {
      continue;
    }
    if (filter.status === 'ok' && tree.isError[i]) {
      continue;
    }
    if (filter.criticalPathOnly && critical && !critical.onPath[i]) {
      continue;
    }
    if (filter.matches && !filter.matches[i]) {
      continue;
    }
    keep[i] = 1;
  }
  for (let i = 0; i < n; i++) {
    if (keep[i] !== 1) {
      continue;
    }
    let p = tree.parent[i];
    while (p >= 0 && keep[p] === 0) {
      keep[p] = 2;
      p = tree.parent[p];
    }
  }
  return keep;
}

/**
 * Rows to draw: spans in display order, skipping the subtrees of collapsed
 * spans and spans the filter drops. O(rows + collapsed spans) without a
 * filter, O(n) with one.
 */
export function visibleRows(tree: TraceTree, collapsed: Uint8Array, keep?: Uint8Array): Int32Array {
  const n = tree.spans.length;
  const rows = new Int32Array(n);
  let count = 0;
  let p = 0;
  while (p < n) {
    const i = tree.order[p];
    if (keep && keep[i] === 0) {
      // Nothing below a dropped span is kept either (kept spans keep their ancestors).
      p = tree.subtreeEnd[p];
      continue;
    }
    rows[count++] = i;
    p = collapsed[i] ? tree.subtreeEnd[p] : p + 1;
  }
  return rows.slice(0, count);
}

/** Collapses every span at the given depth or deeper that has children (0 expands everything). */
export function collapsedAtDepth(tree: TraceTree, depth: number): Uint8Array {
  const collapsed = new Uint8Array(tree.spans.length);
  if (depth <= 0) {
    return collapsed;
  }
  for (let i = 0; i < tree.spans.length; i++) {
    if (tree.depth[i] >= depth && tree.childOffset[i + 1] > tree.childOffset[i]) {
      collapsed[i] = 1;
    }
  }
  return collapsed;
}

/** Collapses every span that has children, leaving only the root level. */
export function collapseAll(tree: TraceTree): Uint8Array {
  const collapsed = new Uint8Array(tree.spans.length);
  for (let i = 0; i < tree.spans.length; i++) {
    if (tree.childOffset[i + 1] > tree.childOffset[i]) {
      collapsed[i] = 1;
    }
  }
  return collapsed;
}

/** Span indices of the matches in display order, for next/previous. */
export function matchesInOrder(tree: TraceTree, matches: Uint8Array | undefined): number[] {
  if (!matches) {
    return [];
  }
  const out: number[] = [];
  for (let p = 0; p < tree.order.length; p++) {
    if (matches[tree.order[p]]) {
      out.push(tree.order[p]);
    }
  }
  return out;
}

/** Expands the ancestors of a span so it becomes visible; returns a new array when something changed. */
export function revealSpan(tree: TraceTree, collapsed: Uint8Array, i: number): Uint8Array {
  let next: Uint8Array | undefined;
  let p = tree.parent[i];
  while (p >= 0) {
    if (collapsed[p]) {
      next ??= collapsed.slice();
      next[p] = 0;
    }
    p = tree.parent[p];
  }
  return next ?? collapsed;
}
