import { criticalPath } from './criticalPath';
import { buildTraceTree } from './tree';
import { syntheticRows, T0, treeOf, type TestSpan } from './testing';

function pathOf(rows: TestSpan[]) {
  const tree = treeOf(rows);
  const cp = criticalPath(tree);
  return {
    tree,
    cp,
    sections: cp.sections.map((s) => [tree.spans[s.span].spanId, s.start - T0, s.end - T0]),
    on: (id: string) => cp.onPath[tree.spans.findIndex((s) => s.spanId === id)] === 1,
  };
}

describe('criticalPath', () => {
  it('is empty for an empty trace', () => {
    const cp = criticalPath(buildTraceTree({ traceId: '', spans: [] }));
    expect(cp.sections).toEqual([]);
  });

  it('follows sequential stages, including back-to-back ones', () => {
    const { sections } = pathOf([
      { spanID: 'req', startTime: 0, duration: 60 },
      { spanID: 'pre', parentSpanID: 'req', startTime: 2, duration: 8 },
      { spanID: 'infer', parentSpanID: 'req', startTime: 10, duration: 40 },
      { spanID: 'post', parentSpanID: 'req', startTime: 50, duration: 8 },
    ]);
    expect(sections).toEqual([
      ['req', 0, 2],
      ['pre', 2, 10],
      ['infer', 10, 50],
      ['post', 50, 58],
      ['req', 58, 60],
    ]);
  });

  it('takes the last finishing of parallel children', () => {
    const { on, sections } = pathOf([
      { spanID: 'root', startTime: 0, duration: 10 },
      { spanID: 'fast', parentSpanID: 'root', startTime: 1, duration: 2 },
      { spanID: 'slow', parentSpanID: 'root', startTime: 1, duration: 8 },
    ]);
    expect(on('slow')).toBe(true);
    expect(on('fast')).toBe(false);
    expect(sections).toEqual([
      ['root', 0, 1],
      ['slow', 1, 9],
      ['root', 9, 10],
    ]);
  });

  it('clips children that outlive their parent or start before it (clock skew)', () => {
    const { sections } = pathOf([
      { spanID: 'root', startTime: 10, duration: 10 },
      { spanID: 'skewed', parentSpanID: 'root', startTime: 8, duration: 5 },
      { spanID: 'async', parentSpanID: 'root', startTime: 15, duration: 50 },
    ]);
    expect(sections).toEqual([
      ['skewed', 10, 13],
      ['root', 13, 15],
      ['async', 15, 20],
    ]);
  });

  it('ignores children entirely outside their parent', () => {
    const { on } = pathOf([
      { spanID: 'root', startTime: 0, duration: 10 },
      { spanID: 'after', parentSpanID: 'root', startTime: 20, duration: 5 },
    ]);
    expect(on('after')).toBe(false);
  });

  it('starts from the real root, not orphans', () => {
    const { on } = pathOf([
      { spanID: 'orphan', parentSpanID: 'missing', startTime: 0, duration: 100 },
      { spanID: 'root', startTime: 1, duration: 10 },
    ]);
    expect(on('root')).toBe(true);
    expect(on('orphan')).toBe(false);
  });

  it('covers the root exactly once, without gaps', () => {
    const { cp, tree } = pathOf(syntheticRows(2000, 4));
    const root = tree.spans[tree.mainRoot];
    let cursor = root.start;
    for (const s of cp.sections) {
      expect(s.start).toBeCloseTo(cursor, 6);
      cursor = s.end;
    }
    expect(cursor).toBeCloseTo(root.start + root.duration, 6);
  });

  it('walks a 50,000-deep chain without recursion', () => {
    const n = 50_000;
    const rows = Array.from({ length: n }, (_, i) => ({
      spanID: `s${i}`,
      parentSpanID: i ? `s${i - 1}` : undefined,
      startTime: i * 0.001,
      duration: 100 - i * 0.001,
    }));
    const { cp } = pathOf(rows);
    expect(cp.onPath.reduce((a, b) => a + b, 0)).toBe(n);
  });
});
