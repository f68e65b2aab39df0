import { buildTraceTree, childCount, descendantCount, selfTime } from './tree';
import { Marker } from './types';
import { outline, syntheticRows, T0, treeOf } from './testing';

describe('buildTraceTree', () => {
  it('handles an empty trace', () => {
    const tree = buildTraceTree({ traceId: 't', spans: [] });
    expect(tree.spans).toHaveLength(0);
    expect(tree.order).toHaveLength(0);
    expect(tree.mainRoot).toBe(-1);
    expect([tree.start, tree.end]).toEqual([0, 0]);
  });

  it('handles one span', () => {
    const tree = treeOf([{ spanID: 'a', startTime: 0, duration: 3 }]);
    expect(outline(tree)).toEqual(['a']);
    expect(tree.mainRoot).toBe(0);
    expect([tree.start, tree.end]).toEqual([T0, T0 + 3]);
  });

  it('orders children by start time, depth first', () => {
    const tree = treeOf([
      { spanID: 'root', startTime: 0, duration: 10 },
      { spanID: 'late', parentSpanID: 'root', startTime: 6, duration: 2 },
      { spanID: 'early', parentSpanID: 'root', startTime: 1, duration: 4 },
      { spanID: 'grandchild', parentSpanID: 'early', startTime: 2, duration: 1 },
    ]);
    expect(outline(tree)).toEqual(['root', ' early', '  grandchild', ' late']);
    const root = tree.spans.findIndex((s) => s.spanId === 'root');
    expect(childCount(tree, root)).toBe(2);
    expect(descendantCount(tree, root)).toBe(3);
    expect(tree.maxDepth).toBe(2);
  });

  it('attaches orphans to the root level with a marker', () => {
    const tree = treeOf([
      { spanID: 'root', startTime: 0, duration: 10 },
      { spanID: 'orphan', parentSpanID: 'gone', startTime: 2, duration: 1 },
      { spanID: 'child', parentSpanID: 'orphan', startTime: 2.5, duration: 0.2 },
    ]);
    expect(outline(tree)).toEqual(['root', 'orphan', ' child']);
    const orphan = tree.spans.findIndex((s) => s.spanId === 'orphan');
    expect(tree.markers[orphan] & Marker.Orphan).toBeTruthy();
    expect(tree.parent[orphan]).toBe(-1);
    expect(tree.counts.orphans).toBe(1);
    expect(tree.spans[tree.mainRoot].spanId).toBe('root');
  });

  it('treats all-zero parent ids as roots', () => {
    const tree = treeOf([{ spanID: 'a', parentSpanID: '0000000000000000', startTime: 0, duration: 1 }]);
    expect(tree.markers[0]).toBe(Marker.None);
    expect(tree.counts.orphans).toBe(0);
  });

  it('cuts parent cycles at their earliest span', () => {
    const tree = treeOf([
      { spanID: 'a', parentSpanID: 'c', startTime: 1, duration: 5 },
      { spanID: 'b', parentSpanID: 'a', startTime: 2, duration: 3 },
      { spanID: 'c', parentSpanID: 'b', startTime: 3, duration: 1 },
      { spanID: 'self', parentSpanID: 'self', startTime: 0, duration: 1 },
    ]);
    expect(outline(tree)).toEqual(['self', 'a', ' b', '  c']);
    const a = tree.spans.findIndex((s) => s.spanId === 'a');
    const self = tree.spans.findIndex((s) => s.spanId === 'self');
    expect(tree.markers[a] & Marker.Cycle).toBeTruthy();
    expect(tree.markers[self] & Marker.Cycle).toBeTruthy();
    expect(tree.counts.cycles).toBe(2);
    expect(tree.mainRoot).toBe(self);
  });

  it('keeps a cycle hanging below a real root reachable', () => {
    const tree = treeOf([
      { spanID: 'root', startTime: 0, duration: 10 },
      { spanID: 'x', parentSpanID: 'y', startTime: 1, duration: 1 },
      { spanID: 'y', parentSpanID: 'x', startTime: 2, duration: 1 },
      { spanID: 'z', parentSpanID: 'y', startTime: 3, duration: 1 },
    ]);
    expect(outline(tree)).toEqual(['root', 'x', ' y', '  z']);
    expect(tree.order).toHaveLength(4);
  });

  it('marks a child that starts before its parent as clock skew, keeping its times', () => {
    const tree = treeOf([
      { spanID: 'parent', startTime: 10, duration: 10, serviceName: 'api' },
      { spanID: 'child', parentSpanID: 'parent', startTime: 7, duration: 4, serviceName: 'db' },
    ]);
    const child = tree.spans.findIndex((s) => s.spanId === 'child');
    expect(tree.markers[child] & Marker.Skew).toBeTruthy();
    expect(tree.spans[child].start).toBe(T0 + 7);
    expect(tree.start).toBe(T0 + 7);
    expect(tree.counts.skewed).toBe(1);
  });

  it('drops exact duplicate rows and marks other spans reusing an id', () => {
    const tree = treeOf([
      { spanID: 'root', startTime: 0, duration: 10 },
      { spanID: 'dup', parentSpanID: 'root', startTime: 1, duration: 2 },
      { spanID: 'dup', parentSpanID: 'root', startTime: 1, duration: 2 },
      { spanID: 'dup', parentSpanID: 'root', startTime: 5, duration: 1 },
      { spanID: 'kid', parentSpanID: 'dup', startTime: 1.5, duration: 0.5 },
    ]);
    expect(outline(tree)).toEqual(['root', ' dup', '  kid', ' dup']);
    expect(tree.counts.droppedDuplicates).toBe(1);
    expect(tree.counts.duplicates).toBe(1);
    const second = tree.spans.findIndex((s, i) => s.spanId === 'dup' && tree.markers[i] & Marker.Duplicate);
    expect(tree.spans[second].start).toBe(T0 + 5);
  });

  it('counts errors from status and from attributes', () => {
    const tree = treeOf([
      { spanID: 'a', startTime: 0, duration: 1, statusCode: 2 },
      { spanID: 'b', startTime: 0, duration: 1, tags: [{ key: 'error', value: true }] },
      { spanID: 'c', startTime: 0, duration: 1, tags: '[{"key":"otel.status_code","value":"ERROR"}]' },
      { spanID: 'd', startTime: 0, duration: 1, tags: [{ key: 'error.type', value: 'x' }] },
    ]);
    expect(Array.from(tree.isError)).toEqual([1, 1, 1, 0]);
    expect(tree.counts.errors).toBe(3);
  });

  it('numbers services in order of first appearance', () => {
    const tree = treeOf([
      { spanID: 'a', startTime: 0, duration: 1, serviceName: 'web' },
      { spanID: 'b', parentSpanID: 'a', startTime: 0, duration: 1, serviceName: 'db' },
      { spanID: 'c', parentSpanID: 'a', startTime: 0, duration: 1, serviceName: 'web' },
    ]);
    expect(tree.services).toEqual(['web', 'db']);
    expect(Array.from(tree.serviceIndex)).toEqual([0, 1, 0]);
  });

  it('builds a 50,000-deep chain without recursion', () => {
    const n = 50_000;
    const rows = Array.from({ length: n }, (_, i) => ({
      spanID: `s${i}`,
      parentSpanID: i ? `s${i - 1}` : undefined,
      startTime: i * 0.001,
      duration: 100,
    }));
    const tree = treeOf(rows);
    expect(tree.maxDepth).toBe(n - 1);
    expect(tree.subtreeEnd[0]).toBe(n);
  });

  it('builds 50,000 spans with subtree extents that match the outline', () => {
    const tree = treeOf(syntheticRows(50_000));
    expect(tree.order).toHaveLength(50_000);
    for (let p = 0; p < 200; p++) {
      const i = tree.order[p];
      const end = tree.subtreeEnd[p];
      for (let q = p + 1; q < end; q++) {
        expect(tree.depth[tree.order[q]]).toBeGreaterThan(tree.depth[i]);
      }
      if (end < tree.order.length) {
        expect(tree.depth[tree.order[end]]).toBeLessThanOrEqual(tree.depth[i]);
      }
    }
  });
});

describe('selfTime', () => {
  it('subtracts the union of children, clipped to the span', () => {
    const tree = treeOf([
      { spanID: 'p', startTime: 0, duration: 10 },
      { spanID: 'a', parentSpanID: 'p', startTime: 1, duration: 3 },
      { spanID: 'b', parentSpanID: 'p', startTime: 2, duration: 3 },
      { spanID: 'c', parentSpanID: 'p', startTime: 8, duration: 5 },
    ]);
    // Children cover 1..5 and 8..10: 6 ms.
    expect(
      selfTime(
        tree,
        tree.spans.findIndex((s) => s.spanId === 'p')
      )
    ).toBeCloseTo(4);
  });
});
