/**
 * Geometry of the GPU map: sections (groups) of node boxes wrapped in a grid,
 * each box holding its GPUs as cells. The cell size adapts so that the map
 * fills the panel from one node of 8 GPUs to 2,048 nodes of 8; when even the
 * smallest cells do not fit, the map scrolls.
 *
 * Everything is arithmetic on a regular grid, so hit testing is O(log
 * sections) with no per-GPU objects: that keeps hover fast at 16,384 GPUs.
 */
import type { TopologyModel } from './model';
import { naturalCompare } from './natural';

export interface SectionInput {
  /** Group value ("" for GPUs without one). */
  key: string;
  title: string;
  nodes: Array<{ host: string; gpus: number[] }>;
}

/** Smallest and largest cell side in CSS pixels. */
export const MIN_CELL = 3;
export const MAX_CELL = 120;
/** Cells may be up to this much longer on one side, to fill the panel. */
const MAX_ASPECT = 1.6;
export const SECTION_HEADER = 22;
export const NODE_LABEL = 15;

export interface Section {
  key: string;
  title: string;
  /** Top of the section (its header), in content pixels. */
  y: number;
  /** Top of its first row of nodes. */
  nodesY: number;
  /** First node (index into Layout.nodeHost) and count. */
  first: number;
  count: number;
  gpuCount: number;
}

export interface Layout {
  width: number;
  height: number;
  contentHeight: number;
  /** Cell width and height, gaps and paddings (CSS pixels). */
  cw: number;
  ch: number;
  cellGap: number;
  pad: number;
  nodeGap: number;
  labelH: number;
  headerH: number;
  /** Cells per node box: columns x rows = slots. */
  cols: number;
  rows: number;
  slots: number;
  boxW: number;
  boxH: number;
  perRow: number;
  /** Left edge of the grid. */
  x0: number;
  sections: Section[];
  nodeHost: string[];
  nodeX: Float64Array;
  nodeY: Float64Array;
  /** GPU index in each slot of each node (nodes x slots), -1 for empty. */
  slotGpu: Int32Array;
  /** Per model GPU: its node (-1 when not shown) and slot. */
  gpuNode: Int32Array;
  gpuSlot: Int32Array;
  /** GPUs shown, in reading order. */
  order: Int32Array;
}

interface Spacing {
  cellGap: number;
  pad: number;
  nodeGap: number;
  labelH: number;
}

/** Gaps grow with the cells: tiny cells need every pixel, big ones need air. */
export function spacingFor(side: number): Spacing {
  return {
    cellGap: side >= 24 ? 3 : side >= 12 ? 2 : side >= 5 ? 1 : 0,
    pad: side >= 24 ? 6 : side >= 12 ? 4 : side >= 6 ? 2 : 1,
    nodeGap: side >= 24 ? 10 : side >= 12 ? 6 : side >= 6 ? 4 : 2,
    labelH: side >= 10 ? NODE_LABEL : 0,
  };
}

/** Column counts worth trying for a node of `slots` GPUs (8 -> 8x1, 4x2, 3x3, 2x4). */
export function arrangements(slots: number): number[] {
  const out: number[] = [];
  for (let rows = 1; rows <= slots; rows++) {
    const cols = Math.ceil(slots / rows);
    // No empty last row, not far taller than wide, each column count once.
    if (cols * rows - slots >= cols || rows > cols * 2 || out.includes(cols)) {
      continue;
    }
    out.push(cols);
  }
  return out.length > 0 ? out : [slots];
}

interface Fit {
  cols: number;
  side: number;
  height: number;
}

function boxSize(cols: number, rows: number, cw: number, ch: number, sp: Spacing) {
  return {
    boxW: cols * cw + (cols - 1) * sp.cellGap + 2 * sp.pad,
    boxH: sp.labelH + rows * ch + (rows - 1) * sp.cellGap + 2 * sp.pad,
  };
}

function contentHeight(
  sectionCounts: number[],
  headerH: number,
  width: number,
  boxW: number,
  boxH: number,
  nodeGap: number
) {
  const perRow = Math.max(1, Math.floor((width + nodeGap) / (boxW + nodeGap)));
  let h = 0;
  for (const count of sectionCounts) {
    h += headerH + Math.ceil(count / perRow) * (boxH + nodeGap);
  }
  return { height: Math.max(0, h - nodeGap), perRow };
}

/** Lays the sections out in a width x height viewport. */
export function computeLayout(
  sections: SectionInput[],
  width: number,
  height: number,
  modelSize: number,
  showHeaders: boolean
): Layout {
  const w = Math.max(1, Math.floor(width));
  const h = Math.max(1, Math.floor(height));
  const headerH = showHeaders ? SECTION_HEADER : 0;
  let slots = 1;
  let nodeCount = 0;
  for (const s of sections) {
    for (const n of s.nodes) {
      slots = Math.max(slots, n.gpus.length);
      nodeCount++;
    }
  }
  const counts = sections.map((s) => s.nodes.length);

  // For each arrangement, the largest square cell that fits (binary search:
  // content height grows with the cell side).
  const fits: Fit[] = [];
  for (const cols of arrangements(slots)) {
    const rows = Math.ceil(slots / cols);
    const heightAt = (side: number) => {
      const sp = spacingFor(side);
      const { boxW, boxH } = boxSize(cols, rows, side, side, sp);
      if (boxW > w && side > MIN_CELL) {
        return Infinity;
      }
      return contentHeight(counts, headerH, w, boxW, boxH, sp.nodeGap).height;
    };
    let lo = MIN_CELL;
    let hi = MAX_CELL;
    if (heightAt(lo) > h) {
      fits.push({ cols, side: MIN_CELL, height: heightAt(lo) });
      continue;
    }
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (heightAt(mid) <= h) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    fits.push({ cols, side: lo, height: heightAt(lo) });
  }
  // Largest cells first; then fewer empty slots; then whatever fills the
  // panel better; then boxes about twice as wide as tall (the usual 4 x 2
  // of an 8-GPU server).
  const empty = (cols: number) => cols * Math.ceil(slots / cols) - slots;
  fits.sort((a, b) => {
    const overA = a.height > h ? a.height : 0;
    const overB = b.height > h ? b.height : 0;
    if (overA !== overB) {
      return overA - overB;
    }
    if (a.side !== b.side) {
      return b.side - a.side;
    }
    if (empty(a.cols) !== empty(b.cols)) {
      return empty(a.cols) - empty(b.cols);
    }
    if (a.height !== b.height) {
      return b.height - a.height;
    }
    const ra = Math.abs(a.cols / Math.ceil(slots / a.cols) - 2);
    const rb = Math.abs(b.cols / Math.ceil(slots / b.cols) - 2);
    return ra - rb;
  });
  const best = fits[0] ?? { cols: 1, side: MIN_CELL, height: 0 };
  const cols = best.cols;
  const rows = Math.ceil(slots / cols);
  const side = best.side;
  const sp = spacingFor(side);

  // Stretch cells to use leftover room: wider while the same number of boxes
  // fits in a row, taller while the content still fits the height.
  let cw = side;
  let ch = side;
  const base = boxSize(cols, rows, side, side, sp);
  const perRow0 = contentHeight(counts, headerH, w, base.boxW, base.boxH, sp.nodeGap).perRow;
  if (best.height <= h) {
    const maxSide = Math.floor(side * MAX_ASPECT);
    while (cw < maxSide) {
      const b = boxSize(cols, rows, cw + 1, ch, sp);
      const usedRow = Math.min(perRow0, nodeCount) * (b.boxW + sp.nodeGap) - sp.nodeGap;
      if (usedRow > w) {
        break;
      }
      cw++;
    }
    while (ch < maxSide) {
      const b = boxSize(cols, rows, cw, ch + 1, sp);
      if (contentHeight(counts, headerH, w, b.boxW, b.boxH, sp.nodeGap).height > h) {
        break;
      }
      ch++;
    }
  }
  const { boxW, boxH } = boxSize(cols, rows, cw, ch, sp);
  const { perRow, height: total } = contentHeight(counts, headerH, w, boxW, boxH, sp.nodeGap);

  const nodeHost: string[] = new Array(nodeCount);
  const nodeX = new Float64Array(nodeCount);
  const nodeY = new Float64Array(nodeCount);
  const slotGpu = new Int32Array(nodeCount * slots).fill(-1);
  const gpuNode = new Int32Array(modelSize).fill(-1);
  const gpuSlot = new Int32Array(modelSize).fill(-1);
  let shownGpus = 0;
  for (const s of sections) {
    for (const n of s.nodes) {
      shownGpus += n.gpus.length;
    }
  }
  const order = new Int32Array(shownGpus);
  const out: Section[] = [];
  let y = 0;
  let node = 0;
  let o = 0;
  for (const s of sections) {
    const sec: Section = {
      key: s.key,
      title: s.title,
      y,
      nodesY: y + headerH,
      first: node,
      count: s.nodes.length,
      gpuCount: 0,
    };
    for (let k = 0; k < s.nodes.length; k++) {
      const gpus = s.nodes[k].gpus;
      nodeHost[node] = s.nodes[k].host;
      nodeX[node] = (k % perRow) * (boxW + sp.nodeGap);
      nodeY[node] = sec.nodesY + Math.floor(k / perRow) * (boxH + sp.nodeGap);
      for (let slot = 0; slot < gpus.length; slot++) {
        const g = gpus[slot];
        slotGpu[node * slots + slot] = g;
        gpuNode[g] = node;
        gpuSlot[g] = slot;
        order[o++] = g;
      }
      sec.gpuCount += gpus.length;
      node++;
    }
    out.push(sec);
    y = sec.nodesY + Math.ceil(s.nodes.length / perRow) * (boxH + sp.nodeGap);
  }

  return {
    width: w,
    height: h,
    contentHeight: Math.max(total, 0),
    cw,
    ch,
    cellGap: sp.cellGap,
    pad: sp.pad,
    nodeGap: sp.nodeGap,
    labelH: sp.labelH,
    headerH,
    cols,
    rows,
    slots,
    boxW,
    boxH,
    perRow,
    x0: 0,
    sections: out,
    nodeHost,
    nodeX,
    nodeY,
    slotGpu,
    gpuNode,
    gpuSlot,
    order,
  };
}

/** Top-left corner of a GPU's cell (content pixels), or undefined when not shown. */
export function cellRect(l: Layout, gpu: number): { x: number; y: number; w: number; h: number } | undefined {
  const node = gpu >= 0 && gpu < l.gpuNode.length ? l.gpuNode[gpu] : -1;
  if (node < 0) {
    return undefined;
  }
  const slot = l.gpuSlot[gpu];
  const col = slot % l.cols;
  const row = Math.floor(slot / l.cols);
  return {
    x: l.x0 + l.nodeX[node] + l.pad + col * (l.cw + l.cellGap),
    y: l.nodeY[node] + l.pad + l.labelH + row * (l.ch + l.cellGap),
    w: l.cw,
    h: l.ch,
  };
}

export interface Hit {
  section: number;
  /** -1 on a section header. */
  node: number;
  /** -1 outside a cell (box padding, label, empty slot). */
  gpu: number;
}

/**
 * What is under a point (content pixels). Points in the gaps between cells
 * and boxes go to the nearest cell when it is close (a few pixels), so the
 * tooltip does not flicker while the pointer crosses a dense map.
 */
export function hitTest(l: Layout, x: number, y: number): Hit | undefined {
  const secs = l.sections;
  if (secs.length === 0 || y < 0 || x < l.x0) {
    return undefined;
  }
  let lo = 0;
  let hi = secs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (secs[mid].y <= y) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  const sec = secs[lo];
  if (y < sec.nodesY) {
    return { section: lo, node: -1, gpu: -1 };
  }
  const snap = Math.max(3, l.nodeGap);
  const stepX = l.boxW + l.nodeGap;
  const stepY = l.boxH + l.nodeGap;
  const rowsInSection = Math.ceil(sec.count / l.perRow);
  // Gaps split half and half between the boxes on either side.
  const col = Math.min(l.perRow - 1, Math.floor((x - l.x0 + l.nodeGap / 2) / stepX));
  const row = Math.min(rowsInSection - 1, Math.floor((y - sec.nodesY + l.nodeGap / 2) / stepY));
  let k = row * l.perRow + col;
  if (k >= sec.count) {
    // Past the last box of a short last row: the last box, if close.
    k = sec.count - 1;
  }
  const node = sec.first + k;
  const bx = l.x0 + l.nodeX[node];
  const by = l.nodeY[node];
  // Point relative to the box's cell grid, then the nearest cell.
  const cx = x - bx - l.pad;
  const cy = y - by - l.pad - l.labelH;
  const colStep = l.cw + l.cellGap;
  const rowStep = l.ch + l.cellGap;
  const ccol = Math.max(0, Math.min(l.cols - 1, Math.floor(cx / colStep)));
  const crow = Math.max(0, Math.min(l.rows - 1, Math.floor(cy / rowStep)));
  const left = ccol * colStep;
  const top = crow * rowStep;
  // Distance outside the cell (0 inside); the gap after a cell belongs to it.
  const dx = Math.max(0, left - cx, cx - (left + colStep));
  const dy = Math.max(0, top - cy, cy - (top + rowStep));
  const inBox = x >= bx && x < bx + l.boxW && y >= by && y < by + l.boxH;
  if (dx > snap || dy > snap) {
    return inBox ? { section: lo, node, gpu: -1 } : undefined;
  }
  return { section: lo, node, gpu: l.slotGpu[node * l.slots + crow * l.cols + ccol] };
}

/**
 * The GPU to move to with the arrow keys: the nearest cell in that direction
 * on screen (left/right follow reading order).
 */
export function neighbour(l: Layout, from: number, dir: 'left' | 'right' | 'up' | 'down'): number {
  const order = l.order;
  if (order.length === 0) {
    return -1;
  }
  const at = cellRect(l, from);
  if (!at) {
    return order[0];
  }
  if (dir === 'left' || dir === 'right') {
    const pos = order.indexOf(from);
    const next = pos + (dir === 'right' ? 1 : -1);
    return next >= 0 && next < order.length ? order[next] : from;
  }
  const cx = at.x + at.w / 2;
  const cy = at.y + at.h / 2;
  let best = from;
  let bestScore = Infinity;
  for (let i = 0; i < order.length; i++) {
    const r = cellRect(l, order[i])!;
    const dy = dir === 'up' ? cy - (r.y + r.h / 2) : r.y + r.h / 2 - cy;
    if (dy <= 0.5) {
      continue;
    }
    const score = dy + 3 * Math.abs(r.x + r.w / 2 - cx);
    if (score < bestScore) {
      bestScore = score;
      best = order[i];
    }
  }
  return best;
}

/** Which GPUs pass the search and the stragglers-only switch (1 = shown). */
export function filterGpus(model: TopologyModel, search: string, stragglersOnly: boolean): Uint8Array {
  const n = model.gpus.length;
  const keep = new Uint8Array(n);
  const terms = search
    .toLowerCase()
    .split(/\s+/)
    .filter((t) => t !== '');
  for (let i = 0; i < n; i++) {
    const g = model.gpus[i];
    if (stragglersOnly && !g.straggler) {
      continue;
    }
    if (terms.length > 0) {
      const hay = `${g.host} ${g.pod} ${g.namespace} ${g.hpcJob} ${g.uuid} ${g.container}`.toLowerCase();
      let all = true;
      for (const t of terms) {
        // "host:node-3" style terms match that field only.
        const colon = t.indexOf(':');
        if (colon > 0) {
          const field = t.slice(0, colon);
          const want = t.slice(colon + 1);
          const value = model.labelOf(i, field === 'job' ? 'hpc_job' : field).toLowerCase();
          if (!value.includes(want)) {
            all = false;
            break;
          }
          continue;
        }
        if (!hay.includes(t)) {
          all = false;
          break;
        }
      }
      if (!all) {
        continue;
      }
    }
    keep[i] = 1;
  }
  return keep;
}

/** The label the map is split into sections by, for 'auto': the first of these with two or more values. */
export function autoGroupLabel(model: TopologyModel): string {
  for (const name of ['namespace', 'hpc_job', 'group']) {
    const values = new Set<string>();
    for (let i = 0; i < model.gpus.length && values.size < 2; i++) {
      values.add(model.labelOf(i, name));
    }
    if (values.size > 1) {
      return name;
    }
  }
  return '';
}

/**
 * Sections of nodes: GPUs split by the group label, nodes kept in host order.
 * A node whose GPUs belong to several groups appears in each, with its GPUs
 * of that group. Only nodes with at least one shown GPU are kept; their other
 * GPUs stay in the box (dimmed by the renderer) for context.
 */
export function buildSections(model: TopologyModel, groupLabel: string, shown: Uint8Array | undefined): SectionInput[] {
  const bySection = new Map<string, Map<string, number[]>>();
  const gpus = model.gpus;
  for (let i = 0; i < gpus.length; i++) {
    const key = groupLabel === '' ? '' : model.labelOf(i, groupLabel);
    let nodes = bySection.get(key);
    if (!nodes) {
      nodes = new Map();
      bySection.set(key, nodes);
    }
    const host = gpus[i].host;
    let list = nodes.get(host);
    if (!list) {
      list = [];
      nodes.set(host, list);
    }
    list.push(i);
  }
  const keys = [...bySection.keys()].sort((a, b) => (a === '' ? 1 : b === '' ? -1 : naturalCompare(a, b)));
  const out: SectionInput[] = [];
  for (const key of keys) {
    const nodes: SectionInput['nodes'] = [];
    for (const [host, list] of bySection.get(key)!) {
      if (!shown || list.some((g) => shown[g] === 1)) {
        nodes.push({ host, gpus: list });
      }
    }
    if (nodes.length > 0) {
      out.push({ key, title: key === '' ? (groupLabel === '' ? 'All GPUs' : `No ${groupLabel}`) : key, nodes });
    }
  }
  return out;
}
