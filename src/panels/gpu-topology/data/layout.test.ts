import { createDataFrame, FieldType } from '@grafana/data';

import {
  arrangements,
  autoGroupLabel,
  buildSections,
  cellRect,
  computeLayout,
  filterGpus,
  hitTest,
  MIN_CELL,
  neighbour,
  spacingFor,
  type Layout,
} from './layout';
import { buildTopologyModel, type TopologyModel } from './model';

/** A fleet table: nodes x gpusPerNode, namespaces by blocks of nodes. */
function fleet(
  nodes: number,
  gpusPerNode = 8,
  namespaces = 1,
  extra: Partial<Record<'straggler', number[]>> = {}
): TopologyModel {
  const host: string[] = [];
  const gpu: string[] = [];
  const ns: string[] = [];
  const pod: string[] = [];
  const straggler: boolean[] = [];
  for (let n = 0; n < nodes; n++) {
    for (let g = 0; g < gpusPerNode; g++) {
      const i = host.length;
      host.push(`node-${n + 1}`);
      gpu.push(String(g));
      ns.push(`ns-${Math.floor((n * namespaces) / nodes)}`);
      pod.push(`job-${n}`);
      straggler.push(extra.straggler?.includes(i) ?? false);
    }
  }
  return buildTopologyModel([
    createDataFrame({
      fields: [
        { name: 'host', type: FieldType.string, values: host },
        { name: 'gpu', type: FieldType.string, values: gpu },
        { name: 'namespace', type: FieldType.string, values: ns },
        { name: 'pod', type: FieldType.string, values: pod },
        { name: 'utilization', type: FieldType.number, values: host.map((_, i) => 50 + (i % 50)) },
        { name: 'straggler', type: FieldType.boolean, values: straggler },
      ],
    }),
  ]);
}

function layoutOf(m: TopologyModel, width: number, height: number, group = '') {
  return computeLayout(buildSections(m, group, undefined), width, height, m.gpus.length, group !== '');
}

/** Every shown GPU's cell centre hits that GPU. */
function expectHitsEveryCell(l: Layout, sample: number[]) {
  for (const g of sample) {
    const r = cellRect(l, g)!;
    expect(hitTest(l, r.x + r.w / 2, r.y + r.h / 2)?.gpu).toBe(g);
    // The top-left pixel too: cells are hit exactly at their edges.
    expect(hitTest(l, r.x, r.y)?.gpu).toBe(g);
  }
}

describe('arrangements and spacing', () => {
  it('tries sensible boxes for 8 GPUs', () => {
    expect(arrangements(8)).toEqual([8, 4, 3, 2]);
    expect(arrangements(1)).toEqual([1]);
    expect(arrangements(4)).toEqual([4, 2]);
  });

  it('grows gaps with cells', () => {
    expect(spacingFor(3)).toEqual({ cellGap: 0, pad: 1, nodeGap: 2, labelH: 0 });
    expect(spacingFor(40).labelH).toBeGreaterThan(0);
  });
});

describe('computeLayout', () => {
  it('fills the panel with one node of 8 GPUs', () => {
    const m = fleet(1);
    const l = layoutOf(m, 800, 400);
    expect(l.slots).toBe(8);
    expect(Math.min(l.cw, l.ch)).toBeGreaterThan(60);
    expect(l.boxW).toBeLessThanOrEqual(800);
    expect(l.contentHeight).toBeLessThanOrEqual(400);
    // The usual 4 x 2 box of an 8-GPU server, not a strip.
    expect([l.cols, l.rows]).toEqual([4, 2]);
    expectHitsEveryCell(
      l,
      m.gpus.map((g) => g.index)
    );
  });

  it('handles a single GPU and no GPU', () => {
    const one = layoutOf(fleet(1, 1), 300, 200);
    expect(one.slots).toBe(1);
    expect(one.cw).toBeGreaterThan(50);
    const none = computeLayout([], 300, 200, 0, false);
    expect(none.contentHeight).toBe(0);
    expect(hitTest(none, 10, 10)).toBeUndefined();
  });

  it('fits 16,384 GPUs into a 1200 x 700 panel without scrolling', () => {
    const m = fleet(2048, 8, 4);
    const l = layoutOf(m, 1200, 700, 'namespace');
    expect(l.contentHeight).toBeLessThanOrEqual(700);
    expect(Math.min(l.cw, l.ch)).toBeGreaterThanOrEqual(MIN_CELL);
    expect(l.sections).toHaveLength(4);
    expect(l.order).toHaveLength(16384);
    const sample = Array.from({ length: 500 }, (_, k) => (k * 7919) % 16384);
    expectHitsEveryCell(l, sample);
  });

  it('scrolls when even the smallest cells do not fit', () => {
    const m = fleet(2048);
    const l = layoutOf(m, 300, 200);
    expect(Math.min(l.cw, l.ch)).toBe(MIN_CELL);
    expect(l.contentHeight).toBeGreaterThan(200);
    expectHitsEveryCell(l, [0, 8191, 16383]);
  });

  it('puts section headers above their nodes and hits them as headers', () => {
    const m = fleet(6, 8, 3);
    const l = layoutOf(m, 900, 500, 'namespace');
    expect(l.sections.map((s) => s.title)).toEqual(['ns-0', 'ns-1', 'ns-2']);
    expect(l.headerH).toBeGreaterThan(0);
    const s1 = l.sections[1];
    expect(hitTest(l, 5, s1.y + 2)).toEqual({ section: 1, node: -1, gpu: -1 });
    expectHitsEveryCell(
      l,
      m.gpus.map((g) => g.index)
    );
  });

  it('tells gaps and box padding from cells', () => {
    const m = fleet(4);
    const l = layoutOf(m, 600, 300);
    const box = { x: l.nodeX[0], y: l.nodeY[0] };
    expect(hitTest(l, box.x + 1, box.y + 1)).toEqual({ section: 0, node: 0, gpu: -1 });
    // Right of the last box in the row, or below the last row.
    expect(hitTest(l, l.perRow * (l.boxW + l.nodeGap) + 1, box.y + 5)).toBeUndefined();
    expect(hitTest(l, 5, l.contentHeight + 50)).toBeUndefined();
    expect(hitTest(l, -1, 5)).toBeUndefined();
  });

  it('gives gap pixels of a dense map to the nearest cell, so the tooltip does not flicker', () => {
    const m = fleet(2048);
    const l = layoutOf(m, 1200, 700);
    const y0 = l.nodeY[0];
    for (let y = y0; y < y0 + 3 * (l.boxH + l.nodeGap); y++) {
      for (let x = 0; x < 3 * (l.boxW + l.nodeGap); x++) {
        expect(hitTest(l, x, y)?.gpu).toBeGreaterThanOrEqual(0);
      }
    }
  });

  it('leaves empty slots in nodes with fewer GPUs', () => {
    const m = buildTopologyModel([
      createDataFrame({
        fields: [
          { name: 'host', type: FieldType.string, values: ['a', 'a', 'a', 'b'] },
          { name: 'gpu', type: FieldType.string, values: ['0', '1', '2', '0'] },
        ],
      }),
    ]);
    const l = layoutOf(m, 400, 200);
    expect(l.slots).toBe(3);
    expect(Array.from(l.slotGpu)).toEqual([0, 1, 2, 3, -1, -1]);
  });
});

describe('neighbour', () => {
  const m = fleet(4);
  const l = layoutOf(m, 500, 400);

  it('moves in reading order left and right, and stops at the ends', () => {
    expect(neighbour(l, 0, 'right')).toBe(1);
    expect(neighbour(l, 1, 'left')).toBe(0);
    expect(neighbour(l, 0, 'left')).toBe(0);
    expect(neighbour(l, 31, 'right')).toBe(31);
  });

  it('moves to the cell above or below on screen', () => {
    const down = neighbour(l, 0, 'down');
    expect(cellRect(l, down)!.y).toBeGreaterThan(cellRect(l, 0)!.y);
    expect(Math.abs(cellRect(l, down)!.x - cellRect(l, 0)!.x)).toBeLessThan(1);
    expect(neighbour(l, down, 'up')).toBe(0);
    expect(neighbour(l, -1, 'up')).toBe(l.order[0]);
  });
});

describe('filterGpus', () => {
  const m = fleet(8, 8, 2, { straggler: [3, 40] });

  it('matches host, pod and namespace text, every term', () => {
    expect(filterGpus(m, 'node-2', false).reduce((a, b) => a + b, 0)).toBe(8);
    expect(filterGpus(m, 'job-7', false).reduce((a, b) => a + b, 0)).toBe(8);
    expect(filterGpus(m, 'ns-1', false).reduce((a, b) => a + b, 0)).toBe(32);
    expect(filterGpus(m, 'ns-1 job-7', false).reduce((a, b) => a + b, 0)).toBe(8);
    expect(filterGpus(m, 'NS-1   JOB-7 ', false).reduce((a, b) => a + b, 0)).toBe(8);
    expect(filterGpus(m, 'nothing-matches', false).reduce((a, b) => a + b, 0)).toBe(0);
  });

  it('supports label:value terms', () => {
    expect(filterGpus(m, 'host:node-1', false).reduce((a, b) => a + b, 0)).toBe(8);
    expect(filterGpus(m, 'gpu:3', false).reduce((a, b) => a + b, 0)).toBe(8);
  });

  it('keeps only stragglers when asked', () => {
    const keep = filterGpus(m, '', true);
    expect(
      Array.from(keep.entries())
        .filter(([, v]) => v === 1)
        .map(([i]) => i)
    ).toEqual([3, 40]);
  });

  it('keeps nodes with a match, their other GPUs for context', () => {
    const keep = filterGpus(m, '', true);
    const sections = buildSections(m, '', keep);
    expect(sections[0].nodes.map((n) => n.host)).toEqual(['node-1', 'node-6']);
    expect(sections[0].nodes[0].gpus).toHaveLength(8);
  });
});

describe('sections', () => {
  it('splits nodes by a label, a node shared by two groups appears in both', () => {
    const m = buildTopologyModel([
      createDataFrame({
        fields: [
          { name: 'host', type: FieldType.string, values: ['a', 'a', 'a', 'a', 'b', 'b'] },
          { name: 'gpu', type: FieldType.string, values: ['0', '1', '2', '3', '0', '1'] },
          { name: 'namespace', type: FieldType.string, values: ['x', 'x', 'y', 'y', 'y', ''] },
          { name: 'rack', type: FieldType.string, values: ['r2', 'r2', 'r2', 'r2', 'r10', 'r10'] },
        ],
      }),
    ]);
    expect(autoGroupLabel(m)).toBe('namespace');
    const byNs = buildSections(m, 'namespace', undefined);
    expect(byNs.map((s) => [s.title, s.nodes.map((n) => `${n.host}:${n.gpus.length}`)])).toEqual([
      ['x', ['a:2']],
      ['y', ['a:2', 'b:1']],
      ['No namespace', ['b:1']],
    ]);
    const byRack = buildSections(m, 'rack', undefined);
    expect(byRack.map((s) => s.title)).toEqual(['r2', 'r10']);
    expect(buildSections(m, '', undefined)).toEqual([
      { key: '', title: 'All GPUs', nodes: [expect.anything(), expect.anything()] },
    ]);
  });

  it('does not split a single-namespace fleet', () => {
    expect(autoGroupLabel(fleet(3, 8, 1))).toBe('');
  });
});
