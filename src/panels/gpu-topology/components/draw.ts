/**
 * Canvas painting of the GPU map. One canvas holds everything static (node
 * boxes, cells, marks, links); a second, transparent one on top holds what
 * follows the pointer (hovered cell, focused cell, the hovered node's links),
 * so a hover repaints a few shapes, never 16,384 cells.
 */
import type { GrafanaTheme2 } from '@grafana/data';

import { textColorOn, type ColorScale } from '../data/colors';
import { cellRect, type Layout } from '../data/layout';
import { FLAG_STRAGGLER, FLAG_THROTTLED, FLAG_XID, type GpuLink, type TopologyModel } from '../data/model';
import type { LinksMode } from '../data/options';

export interface Palette {
  nodeFill: string;
  nodeBorder: string;
  text: string;
  textWeak: string;
  noValue: string;
  dim: string;
  straggler: string;
  stragglerInner: string;
  xid: string;
  throttle: string;
  link: string;
  linkBad: string;
  hover: string;
  focus: string;
  font: string;
}

export function paletteFor(theme: GrafanaTheme2): Palette {
  const dark = theme.isDark;
  return {
    nodeFill: theme.colors.background.secondary,
    nodeBorder: theme.colors.border.weak,
    text: theme.colors.text.primary,
    textWeak: theme.colors.text.secondary,
    noValue: dark ? 'rgba(204, 204, 220, 0.12)' : 'rgba(36, 41, 46, 0.12)',
    // Dimmed cells: the panel background, mostly opaque, over the cell colour.
    dim: dark ? 'rgba(24, 27, 31, 0.78)' : 'rgba(255, 255, 255, 0.8)',
    straggler: theme.colors.text.maxContrast,
    stragglerInner: theme.colors.background.primary,
    xid: theme.colors.error.main,
    throttle: theme.colors.warning.main,
    link: dark ? 'rgba(230, 230, 240, 0.55)' : 'rgba(30, 35, 45, 0.5)',
    linkBad: theme.colors.warning.main,
    hover: theme.colors.text.maxContrast,
    focus: theme.colors.primary.main,
    font: theme.typography.fontFamily,
  };
}

export interface MapScene {
  model: TopologyModel;
  layout: Layout;
  scale: ColorScale;
  /** 1 = matches the search / stragglers switch; undefined = everything matches. */
  shown: Uint8Array | undefined;
  linksMode: LinksMode;
  palette: Palette;
  /** Text for big cells: the colour metric's value. */
  valueText: (gpu: number) => string;
}

/** Links are drawn on the map when cells are this big; smaller maps show them on hover. */
export const LINKS_MIN_CELL = 18;
const TEXT_MIN_CELL = 40;

function smallSide(l: Layout) {
  return Math.min(l.cw, l.ch);
}

/** Sizes the canvas backing store for the device pixel ratio; returns the context. */
export function prepareCanvas(canvas: HTMLCanvasElement, width: number, height: number, dpr: number) {
  const w = Math.max(1, Math.round(width * dpr));
  const h = Math.max(1, Math.round(height * dpr));
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
  }
  const ctx = canvas.getContext('2d');
  if (!ctx) {
    return undefined;
  }
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, width, height);
  return ctx;
}

/** Keeps the end of a host name (where nodes differ) when it does not fit. */
function fitText(ctx: CanvasRenderingContext2D, text: string, maxWidth: number, cache: Map<string, string>): string {
  const hit = cache.get(text);
  if (hit !== undefined) {
    return hit;
  }
  let out = text;
  if (ctx.measureText(text).width > maxWidth) {
    let lo = 0;
    let hi = text.length;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (ctx.measureText('…' + text.slice(text.length - mid)).width <= maxWidth) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    out = lo > 0 ? '…' + text.slice(text.length - lo) : '';
  }
  cache.set(text, out);
  return out;
}

const labelCache = new WeakMap<Layout, Map<string, string>>();

export interface NodeLinks {
  links: GpuLink[];
  ok: number;
  down: number;
  /** Every pair of the node's GPUs is linked: an NVSwitch server. */
  fullMesh: boolean;
}

const linkCache = new WeakMap<Layout, WeakMap<TopologyModel, Map<number, NodeLinks>>>();

/** Links grouped by the node box both ends are in (cached per layout and model). */
export function linksByNode(model: TopologyModel, l: Layout): Map<number, NodeLinks> {
  let byModel = linkCache.get(l);
  if (!byModel) {
    byModel = new WeakMap();
    linkCache.set(l, byModel);
  }
  const hit = byModel.get(model);
  if (hit) {
    return hit;
  }
  const out = new Map<number, NodeLinks>();
  for (const k of model.links) {
    const node = l.gpuNode[k.a];
    if (node < 0 || node !== l.gpuNode[k.b]) {
      continue;
    }
    let e = out.get(node);
    if (!e) {
      e = { links: [], ok: 0, down: 0, fullMesh: false };
      out.set(node, e);
    }
    e.links.push(k);
    e.ok += k.ok ? 1 : 0;
    e.down += k.degraded ? 1 : 0;
  }
  for (const [node, e] of out) {
    let m = 0;
    for (let k = 0; k < l.slots; k++) {
      if (l.slotGpu[node * l.slots + k] >= 0) {
        m++;
      }
    }
    e.fullMesh = e.ok + e.down === (m * (m - 1)) / 2 && m > 2;
  }
  byModel.set(model, out);
  return out;
}

/** Paints the whole map for a viewport scrolled to scrollTop. */
export function drawMap(ctx: CanvasRenderingContext2D, scene: MapScene, scrollTop: number) {
  const { layout: l, model, scale, shown, palette: p } = scene;
  const top = scrollTop;
  const bottom = scrollTop + l.height;
  ctx.save();
  ctx.translate(0, -scrollTop);

  // Section headers.
  if (l.headerH > 0) {
    ctx.font = `500 12px ${p.font}`;
    ctx.textBaseline = 'middle';
    for (const s of l.sections) {
      if (s.y + l.headerH < top || s.y > bottom) {
        continue;
      }
      ctx.fillStyle = p.text;
      const title = s.title;
      ctx.fillText(title, l.x0 + 1, s.y + l.headerH / 2);
      const w = ctx.measureText(title).width;
      let stragglers = 0;
      for (let node = s.first; node < s.first + s.count; node++) {
        for (let k = 0; k < l.slots; k++) {
          const g = l.slotGpu[node * l.slots + k];
          if (g >= 0 && (model.flags[g] & FLAG_STRAGGLER) !== 0) {
            stragglers++;
          }
        }
      }
      ctx.fillStyle = p.textWeak;
      ctx.font = `400 11px ${p.font}`;
      const detail = `${s.count} node${s.count === 1 ? '' : 's'} · ${s.gpuCount} GPU${s.gpuCount === 1 ? '' : 's'}${stragglers > 0 ? ` · ${stragglers} straggler${stragglers === 1 ? '' : 's'}` : ''}`;
      ctx.fillText(detail, l.x0 + w + 10, s.y + l.headerH / 2);
      ctx.font = `500 12px ${p.font}`;
    }
  }

  // Which nodes are on screen.
  const nodeCount = l.nodeHost.length;
  const visible: number[] = [];
  for (let n = 0; n < nodeCount; n++) {
    const y = l.nodeY[n];
    if (y + l.boxH >= top && y <= bottom) {
      visible.push(n);
    }
  }

  // Node boxes: one fill style for all of them.
  ctx.fillStyle = p.nodeFill;
  for (const n of visible) {
    ctx.fillRect(l.x0 + l.nodeX[n], l.nodeY[n], l.boxW, l.boxH);
  }
  if (l.pad >= 2) {
    ctx.strokeStyle = p.nodeBorder;
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (const n of visible) {
      ctx.rect(l.x0 + l.nodeX[n] + 0.5, l.nodeY[n] + 0.5, l.boxW - 1, l.boxH - 1);
    }
    ctx.stroke();
  }

  // Node labels.
  if (l.labelH > 0) {
    ctx.font = `400 ${l.labelH >= 15 ? 11 : 10}px ${p.font}`;
    ctx.textBaseline = 'middle';
    ctx.fillStyle = p.textWeak;
    let cache = labelCache.get(l);
    if (!cache) {
      cache = new Map();
      labelCache.set(l, cache);
    }
    const byNode = scene.linksMode !== 'off' && model.links.length > 0 ? linksByNode(model, l) : undefined;
    // Room for "NVLink" (or "NVLink: 1 down") after the host name.
    const linkTextW = l.boxW >= 150 ? 76 : 0;
    for (const n of visible) {
      const info = byNode?.get(n);
      const room = l.boxW - 2 * l.pad - (info && linkTextW ? linkTextW : 0);
      const text = fitText(ctx, l.nodeHost[n] || 'Unknown host', room, cache);
      const y = l.nodeY[n] + l.pad + l.labelH / 2;
      ctx.fillText(text, l.x0 + l.nodeX[n] + l.pad, y);
      if (info && linkTextW) {
        ctx.textAlign = 'right';
        ctx.fillStyle = info.down > 0 ? p.linkBad : p.textWeak;
        ctx.fillText(info.down > 0 ? `NVLink: ${info.down} down` : 'NVLink', l.x0 + l.nodeX[n] + l.boxW - l.pad, y);
        ctx.textAlign = 'left';
        ctx.fillStyle = p.textWeak;
      }
    }
  }

  // Cells, grouped by colour bucket (counting sort) so each colour is set once.
  const colors = scale.colors;
  const noValueBucket = colors.length;
  const counts = new Int32Array(noValueBucket + 2);
  const cells: number[] = [];
  // Cells with a mark (straggler, XID, throttled) or dimmed: few, drawn on top.
  const marked: number[] = [];
  const flags = model.flags;
  for (const n of visible) {
    for (let k = 0; k < l.slots; k++) {
      const g = l.slotGpu[n * l.slots + k];
      if (g >= 0) {
        cells.push(g);
        const b = scale.buckets[g];
        counts[(b < 0 ? noValueBucket : b) + 1]++;
        if (flags[g] !== 0 || (shown !== undefined && shown[g] !== 1)) {
          marked.push(g);
        }
      }
    }
  }
  for (let b = 1; b < counts.length; b++) {
    counts[b] += counts[b - 1];
  }
  const start = counts.slice();
  const sorted = new Int32Array(cells.length);
  for (const g of cells) {
    const b = scale.buckets[g];
    sorted[start[b < 0 ? noValueBucket : b]++] = g;
  }
  const colStep = l.cw + l.cellGap;
  const rowStep = l.ch + l.cellGap;
  const cellOrigin = (g: number, out: { x: number; y: number }) => {
    const n = l.gpuNode[g];
    const slot = l.gpuSlot[g];
    out.x = l.x0 + l.nodeX[n] + l.pad + (slot % l.cols) * colStep;
    out.y = l.nodeY[n] + l.pad + l.labelH + Math.floor(slot / l.cols) * rowStep;
  };
  const at = { x: 0, y: 0 };
  for (let b = 0; b <= noValueBucket; b++) {
    const from = counts[b];
    const to = counts[b + 1];
    if (from === to) {
      continue;
    }
    ctx.fillStyle = b === noValueBucket ? p.noValue : colors[b];
    for (let i = from; i < to; i++) {
      cellOrigin(sorted[i], at);
      ctx.fillRect(at.x, at.y, l.cw, l.ch);
    }
  }

  const side = smallSide(l);

  // Cell text on big cells: GPU index and value.
  if (side >= TEXT_MIN_CELL) {
    ctx.textBaseline = 'middle';
    for (const g of cells) {
      cellOrigin(g, at);
      const b = scale.buckets[g];
      const fill = b < 0 ? p.noValue : colors[b];
      ctx.fillStyle = b < 0 ? p.text : textColorOn(fill);
      ctx.font = `400 ${Math.min(12, Math.round(side / 5))}px ${p.font}`;
      ctx.textAlign = 'left';
      const gpu = model.gpus[g];
      ctx.fillText(
        gpu.gpu !== '' ? `GPU ${gpu.gpu}${gpu.mig ? `/${gpu.mig}` : ''}` : gpu.uuid.slice(0, 8),
        at.x + 4,
        at.y + 9
      );
      ctx.font = `500 ${Math.min(18, Math.round(side / 4))}px ${p.font}`;
      ctx.textAlign = 'center';
      ctx.fillText(scene.valueText(g), at.x + l.cw / 2, at.y + l.ch / 2 + 2, l.cw - 6);
    }
    ctx.textAlign = 'left';
  }

  // Dim what the search or the stragglers switch leaves out.
  if (shown) {
    ctx.fillStyle = p.dim;
    for (const g of marked) {
      if (shown[g] !== 1) {
        cellOrigin(g, at);
        ctx.fillRect(at.x, at.y, l.cw, l.ch);
      }
    }
  }

  // XID errors (top-right corner) and throttling (bottom-left corner). On
  // tiny cells a corner would be a pixel: the XID cell turns the error
  // colour and throttled cells get a ring instead.
  const tiny = side < 7;
  const mark = Math.max(3, Math.min(16, Math.round(side * 0.5)));
  const outline = side >= 8;
  ctx.beginPath();
  let anyXid = false;
  for (const g of marked) {
    if ((flags[g] & FLAG_XID) !== 0) {
      cellOrigin(g, at);
      if (tiny) {
        ctx.rect(at.x - 1, at.y - 1, l.cw + 2, l.ch + 2);
      } else {
        ctx.moveTo(at.x + l.cw - mark, at.y);
        ctx.lineTo(at.x + l.cw, at.y);
        ctx.lineTo(at.x + l.cw, at.y + mark);
        ctx.closePath();
      }
      anyXid = true;
    }
  }
  if (anyXid) {
    ctx.fillStyle = p.xid;
    ctx.fill();
    if (outline) {
      ctx.lineWidth = 1;
      ctx.strokeStyle = p.stragglerInner;
      ctx.stroke();
    }
  }
  ctx.beginPath();
  let anyThrottle = false;
  for (const g of marked) {
    if ((flags[g] & FLAG_THROTTLED) !== 0) {
      cellOrigin(g, at);
      if (tiny) {
        ctx.rect(at.x - 0.5, at.y - 0.5, l.cw + 1, l.ch + 1);
      } else {
        ctx.moveTo(at.x, at.y + l.ch - mark);
        ctx.lineTo(at.x, at.y + l.ch);
        ctx.lineTo(at.x + mark, at.y + l.ch);
        ctx.closePath();
      }
      anyThrottle = true;
    }
  }
  if (anyThrottle) {
    if (tiny) {
      ctx.lineWidth = 1.5;
      ctx.strokeStyle = p.throttle;
      ctx.stroke();
    } else {
      ctx.fillStyle = p.throttle;
      ctx.fill();
      if (outline) {
        ctx.lineWidth = 1;
        ctx.strokeStyle = p.stragglerInner;
        ctx.stroke();
      }
    }
  }

  // Links inside nodes: links that went down always (when cells are big
  // enough to see them); working links of partial topologies when cells are
  // big. NVSwitch servers (every pair linked) say so in the node label.
  if (scene.linksMode !== 'off' && model.links.length > 0) {
    const all = scene.linksMode === 'always' || side >= LINKS_MIN_CELL;
    const list: GpuLink[] = [];
    for (const [node, info] of linksByNode(model, l)) {
      if (l.nodeY[node] + l.boxH < top || l.nodeY[node] > bottom) {
        continue;
      }
      for (const k of info.links) {
        if ((k.degraded && side >= 6) || (k.ok && all && (!info.fullMesh || scene.linksMode === 'always'))) {
          list.push(k);
        }
      }
    }
    drawLinks(ctx, l, list, p, side);
  }

  // Stragglers: a ring around the cell that reads on any colour.
  ctx.beginPath();
  let anyStraggler = false;
  for (const g of marked) {
    if ((flags[g] & FLAG_STRAGGLER) !== 0) {
      cellOrigin(g, at);
      ctx.rect(at.x - 1, at.y - 1, l.cw + 2, l.ch + 2);
      anyStraggler = true;
    }
  }
  if (anyStraggler) {
    ctx.lineWidth = side >= 8 ? 2 : 1.5;
    ctx.strokeStyle = p.straggler;
    ctx.stroke();
    if (side >= 8) {
      ctx.beginPath();
      for (const g of marked) {
        if ((flags[g] & FLAG_STRAGGLER) !== 0) {
          cellOrigin(g, at);
          ctx.rect(at.x + 0.5, at.y + 0.5, l.cw - 1, l.ch - 1);
        }
      }
      ctx.lineWidth = 1;
      ctx.strokeStyle = p.stragglerInner;
      ctx.stroke();
    }
  }
  ctx.restore();
}

/** Curved lines between cell centres, bowed so that links along a row do not overlap. */
export function drawLinks(ctx: CanvasRenderingContext2D, l: Layout, links: GpuLink[], p: Palette, side: number) {
  if (links.length === 0) {
    return;
  }
  const width = side >= 40 ? 1.5 : 1;
  for (const bad of [false, true]) {
    ctx.beginPath();
    let any = false;
    for (const k of links) {
      // OK links, then links that broke; "not supported" pairs (PCIe-only
      // servers) are not links at all.
      if (bad ? !k.degraded : !k.ok) {
        continue;
      }
      const a = cellRect(l, k.a);
      const b = cellRect(l, k.b);
      if (!a || !b) {
        continue;
      }
      const ax = a.x + a.w / 2;
      const ay = a.y + a.h / 2;
      const bx = b.x + b.w / 2;
      const by = b.y + b.h / 2;
      const dx = bx - ax;
      const dy = by - ay;
      // Control point off the chord by a quarter of its length, but not
      // out of the cells' band (links along a row stay inside the row).
      const len = Math.hypot(dx, dy) || 1;
      const bow = Math.min(0.25 * len, Math.max(3, Math.min(a.w, a.h) * 0.4));
      const cx = (ax + bx) / 2 - (dy / len) * bow;
      const cy = (ay + by) / 2 + (dx / len) * bow;
      ctx.moveTo(ax, ay);
      ctx.quadraticCurveTo(cx, cy, bx, by);
      any = true;
    }
    if (!any) {
      continue;
    }
    ctx.lineWidth = bad ? width + 0.5 : width;
    ctx.strokeStyle = bad ? p.linkBad : p.link;
    ctx.setLineDash(bad ? [4, 3] : []);
    ctx.stroke();
  }
  ctx.setLineDash([]);
  // End points, so a link reads as joining two cells.
  if (side >= LINKS_MIN_CELL) {
    ctx.fillStyle = p.link;
    const r = side >= 40 ? 2.5 : 1.5;
    const seen = new Set<number>();
    ctx.beginPath();
    for (const k of links) {
      for (const g of [k.a, k.b]) {
        if (seen.has(g)) {
          continue;
        }
        seen.add(g);
        const c = cellRect(l, g);
        if (c) {
          ctx.moveTo(c.x + c.w / 2 + r, c.y + c.h / 2);
          ctx.arc(c.x + c.w / 2, c.y + c.h / 2, r, 0, Math.PI * 2);
        }
      }
    }
    ctx.fill();
  }
}

/** The pointer layer: hovered node and cell, its links, and the keyboard/list focus. */
export function drawOverlay(
  ctx: CanvasRenderingContext2D,
  scene: MapScene,
  scrollTop: number,
  hover: number,
  hoverNode: number,
  focus: number
) {
  const { layout: l, palette: p, model } = scene;
  ctx.save();
  ctx.translate(0, -scrollTop);
  const side = smallSide(l);
  if (hoverNode >= 0) {
    ctx.strokeStyle = p.textWeak;
    ctx.lineWidth = 1;
    ctx.strokeRect(l.x0 + l.nodeX[hoverNode] + 0.5, l.nodeY[hoverNode] + 0.5, l.boxW - 1, l.boxH - 1);
    // Links of the hovered node when the map is too dense to show them all.
    const info = scene.linksMode !== 'off' && model.links.length > 0 ? linksByNode(model, l).get(hoverNode) : undefined;
    const drawnOnMap = scene.linksMode === 'always' || (side >= LINKS_MIN_CELL && !info?.fullMesh);
    if (info && !drawnOnMap && !info.fullMesh) {
      drawLinks(ctx, l, info.links, p, Math.max(side, 8));
    }
  }
  const ring = (g: number, color: string, width: number, dash: number[]) => {
    const r = cellRect(l, g);
    if (!r) {
      return;
    }
    const o = width / 2 + 1;
    ctx.setLineDash(dash);
    ctx.lineWidth = width;
    ctx.strokeStyle = color;
    ctx.strokeRect(r.x - o, r.y - o, r.w + 2 * o, r.h + 2 * o);
    ctx.setLineDash([]);
  };
  if (focus >= 0) {
    ring(focus, p.focus, 2, []);
    // A second, wider ring so a focused 4-pixel cell is easy to find.
    if (side < 12) {
      ring(focus, p.focus, 1.5, [3, 2]);
      const r = cellRect(l, focus);
      if (r) {
        ctx.strokeStyle = p.focus;
        ctx.lineWidth = 1.5;
        ctx.beginPath();
        ctx.arc(r.x + r.w / 2, r.y + r.h / 2, 12, 0, Math.PI * 2);
        ctx.stroke();
      }
    }
  }
  if (hover >= 0) {
    ring(hover, p.hover, 2, []);
  }
  ctx.restore();
}
