import { criticalPath } from './criticalPath';
import { collapsedAtDepth, filterSpans, parseSearch, revealSpan, searchSpans, visibleRows } from './search';
import { syntheticRows, treeOf } from './testing';

const rows = [
  { spanID: 'root', operationName: 'POST /chat', serviceName: 'gateway', startTime: 0, duration: 100 },
  {
    spanID: 'llm',
    parentSpanID: 'root',
    operationName: 'chat gpt-4o',
    serviceName: 'agent',
    startTime: 5,
    duration: 60,
    tags: [{ key: 'gen_ai.request.model', value: 'gpt-4o' }],
  },
  {
    spanID: 'tool',
    parentSpanID: 'llm',
    operationName: 'execute_tool',
    serviceName: 'agent',
    startTime: 10,
    duration: 3,
    statusCode: 2,
  },
  {
    spanID: 'db',
    parentSpanID: 'root',
    operationName: 'SELECT',
    serviceName: 'postgres',
    startTime: 70,
    duration: 20,
    serviceTags: [{ key: 'host.name', value: 'db-1' }],
  },
];
const tree = treeOf(rows);
const ids = (list: Int32Array | number[]) => Array.from(list, (i) => tree.spans[i].spanId);
const matched = (m: Uint8Array | undefined) => (m ? tree.spans.filter((_, i) => m[i]).map((s) => s.spanId) : undefined);

describe('parseSearch', () => {
  it('splits terms, key=value pairs and quoted phrases', () => {
    expect(parseSearch('  Chat  model=GPT "post /chat" ')).toEqual([
      { value: 'chat' },
      { key: 'model', value: 'gpt' },
      { value: 'post /chat' },
    ]);
    expect(parseSearch('')).toEqual([]);
  });
});

describe('searchSpans', () => {
  it('is undefined for an empty search', () => {
    expect(searchSpans(tree, '  ')).toBeUndefined();
  });
  it('matches names, services, attribute keys and values, resource attributes and ids', () => {
    expect(matched(searchSpans(tree, 'chat'))).toEqual(['root', 'llm']);
    expect(matched(searchSpans(tree, 'postgres'))).toEqual(['db']);
    expect(matched(searchSpans(tree, 'gen_ai'))).toEqual(['llm']);
    expect(matched(searchSpans(tree, 'db-1'))).toEqual(['db']);
    expect(matched(searchSpans(tree, 'tool'))).toEqual(['tool']);
  });
  it('matches key=value and requires all terms', () => {
    expect(matched(searchSpans(tree, 'gen_ai.request.model=gpt'))).toEqual(['llm']);
    expect(matched(searchSpans(tree, 'service=agent'))).toEqual(['llm', 'tool']);
    expect(matched(searchSpans(tree, 'service=agent execute'))).toEqual(['tool']);
    expect(matched(searchSpans(tree, 'nothing-like-this'))).toEqual([]);
  });
});

describe('filterSpans and visibleRows', () => {
  const none = new Uint8Array(tree.spans.length);
  it('shows everything without filters', () => {
    expect(filterSpans(tree, { minDurationMs: 0, status: 'all', criticalPathOnly: false }, undefined)).toBeUndefined();
    expect(ids(visibleRows(tree, none))).toEqual(['root', 'llm', 'tool', 'db']);
  });
  it('keeps ancestors of errors as context', () => {
    const keep = filterSpans(tree, { minDurationMs: 0, status: 'error', criticalPathOnly: false }, undefined)!;
    expect(ids(visibleRows(tree, none, keep))).toEqual(['root', 'llm', 'tool']);
    expect(keep[tree.spans.findIndex((s) => s.spanId === 'llm')]).toBe(2);
    expect(keep[tree.spans.findIndex((s) => s.spanId === 'tool')]).toBe(1);
  });
  it('filters by minimum duration, status ok and search matches', () => {
    expect(
      ids(
        visibleRows(
          tree,
          none,
          filterSpans(tree, { minDurationMs: 20, status: 'all', criticalPathOnly: false }, undefined)
        )
      )
    ).toEqual(['root', 'llm', 'db']);
    expect(
      ids(
        visibleRows(
          tree,
          none,
          filterSpans(tree, { minDurationMs: 0, status: 'ok', criticalPathOnly: false }, undefined)
        )
      )
    ).toEqual(['root', 'llm', 'db']);
    const matches = searchSpans(tree, 'SELECT');
    expect(
      ids(
        visibleRows(
          tree,
          none,
          filterSpans(tree, { minDurationMs: 0, status: 'all', criticalPathOnly: false, matches }, undefined)
        )
      )
    ).toEqual(['root', 'db']);
  });
  it('shows only the critical path', () => {
    const keep = filterSpans(tree, { minDurationMs: 0, status: 'all', criticalPathOnly: true }, criticalPath(tree));
    expect(ids(visibleRows(tree, none, keep))).toEqual(['root', 'llm', 'tool', 'db']);
    const parallel = treeOf([
      { spanID: 'r', startTime: 0, duration: 10 },
      { spanID: 'short', parentSpanID: 'r', startTime: 0, duration: 2 },
      { spanID: 'long', parentSpanID: 'r', startTime: 0, duration: 9 },
    ]);
    const k2 = filterSpans(
      parallel,
      { minDurationMs: 0, status: 'all', criticalPathOnly: true },
      criticalPath(parallel)
    );
    expect(Array.from(visibleRows(parallel, new Uint8Array(3), k2), (i) => parallel.spans[i].spanId)).toEqual([
      'r',
      'long',
    ]);
  });
  it('hides the subtrees of collapsed spans', () => {
    const collapsed = new Uint8Array(tree.spans.length);
    collapsed[tree.spans.findIndex((s) => s.spanId === 'llm')] = 1;
    expect(ids(visibleRows(tree, collapsed))).toEqual(['root', 'llm', 'db']);
    const revealed = revealSpan(
      tree,
      collapsed,
      tree.spans.findIndex((s) => s.spanId === 'tool')
    );
    expect(ids(visibleRows(tree, revealed))).toEqual(['root', 'llm', 'tool', 'db']);
    expect(revealSpan(tree, revealed, 0)).toBe(revealed);
  });
  it('collapses by depth', () => {
    expect(ids(visibleRows(tree, collapsedAtDepth(tree, 1)))).toEqual(['root', 'llm', 'db']);
    expect(ids(visibleRows(tree, collapsedAtDepth(tree, 0)))).toEqual(['root', 'llm', 'tool', 'db']);
  });
  it('lists 50,000 rows quickly', () => {
    const big = treeOf(syntheticRows(50_000));
    const t0 = performance.now();
    const visible = visibleRows(big, new Uint8Array(50_000));
    expect(visible).toHaveLength(50_000);
    expect(performance.now() - t0).toBeLessThan(100);
  });
});
