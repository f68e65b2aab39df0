/**
 * Panel options, their defaults and the migration of older or hand-written
 * option objects (JSON models, provisioning files) to the current shape.
 */
import { COLOR_METRICS, columnKind, type ColorMetricId } from './metrics';

export type ColorBy = 'auto' | ColorMetricId | 'field';
export type LinksMode = 'auto' | 'always' | 'off';
export type IssueListPlacement = 'auto' | 'right' | 'bottom' | 'hidden';

export interface TopologyOptions {
  /** Metric that colours the cells. */
  colorBy: ColorBy;
  /** Column or series name when colorBy is 'field'. */
  colorField: string;
  /** Label that splits the map into sections: 'auto', 'none' or a label name. */
  groupBy: string;
  /** Labels that form straggler peer groups when the panel scores GPUs itself. */
  stragglerGroupLabels: string;
  stragglerThreshold: number;
  minGroupMedian: number;
  /** NVLink / P2P links inside nodes. */
  showLinks: LinksMode;
  /** Where the list of stragglers, XID errors and throttled GPUs goes. */
  issueList: IssueListPlacement;
  /** Search box and stragglers-only switch above the map. */
  showToolbar: boolean;
  /** Initial search (dashboard variables allowed). */
  search: string;
  stragglersOnly: boolean;
}

export const DEFAULT_OPTIONS: TopologyOptions = {
  colorBy: 'auto',
  colorField: '',
  groupBy: 'auto',
  stragglerGroupLabels: 'namespace',
  stragglerThreshold: 0.75,
  minGroupMedian: 40,
  showLinks: 'auto',
  issueList: 'auto',
  showToolbar: true,
  search: '',
  stragglersOnly: false,
};

const COLOR_BY = new Set<string>(['auto', 'field', ...COLOR_METRICS]);
const LINKS = new Set<string>(['auto', 'always', 'off']);
const PLACEMENTS = new Set<string>(['auto', 'right', 'bottom', 'hidden']);

function pick<T>(raw: Record<string, unknown>, names: string[]): T | undefined {
  for (const n of names) {
    if (raw[n] !== undefined && raw[n] !== null) {
      return raw[n] as T;
    }
  }
  return undefined;
}

/** A colour option from a metric id, a DCGM field name or a friendly column name. */
function colorByFrom(value: unknown): { colorBy: ColorBy; colorField: string } | undefined {
  if (typeof value !== 'string' || value === '') {
    return undefined;
  }
  if (COLOR_BY.has(value)) {
    return { colorBy: value as ColorBy, colorField: '' };
  }
  const kind = columnKind(value);
  if (kind?.kind === 'metric' && (COLOR_METRICS as string[]).includes(kind.id)) {
    return { colorBy: kind.id as ColorMetricId, colorField: '' };
  }
  return { colorBy: 'field', colorField: value };
}

function finiteIn(value: unknown, lo: number, hi: number): number | undefined {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n > lo && n < hi ? n : undefined;
}

/**
 * Brings any options object to the current shape: renamed options of
 * earlier drafts (colorMetric, groupLabel, stragglerOnly, showNvlink ...),
 * values of the wrong type, unknown values. Never throws.
 */
export function migrateOptions(raw: unknown): TopologyOptions {
  const o = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const out: TopologyOptions = { ...DEFAULT_OPTIONS };

  const color = colorByFrom(pick(o, ['colorBy', 'colorMetric', 'metric', 'colourBy', 'color']));
  if (color) {
    out.colorBy = color.colorBy;
    out.colorField = color.colorField;
  }
  if (typeof o.colorField === 'string' && out.colorBy === 'field' && o.colorField !== '') {
    out.colorField = o.colorField;
  }
  if (out.colorBy === 'field' && out.colorField === '') {
    out.colorBy = 'auto';
  }

  const group = pick<unknown>(o, ['groupBy', 'groupLabel', 'group']);
  if (typeof group === 'string') {
    out.groupBy = group.trim() === '' ? 'none' : group.trim();
  }

  const peer = pick<unknown>(o, ['stragglerGroupLabels', 'peerGroupLabels', 'stragglerGroupLabel']);
  if (typeof peer === 'string' && peer.trim() !== '') {
    out.stragglerGroupLabels = peer.trim();
  } else if (Array.isArray(peer) && peer.every((p) => typeof p === 'string') && peer.length > 0) {
    out.stragglerGroupLabels = peer.join(', ');
  }

  out.stragglerThreshold = finiteIn(pick(o, ['stragglerThreshold', 'threshold']), 0, 1) ?? out.stragglerThreshold;
  out.minGroupMedian = finiteIn(pick(o, ['minGroupMedian']), -1, 101) ?? out.minGroupMedian;

  const links = pick<unknown>(o, ['showLinks', 'showNvlink', 'links']);
  if (typeof links === 'boolean') {
    out.showLinks = links ? 'auto' : 'off';
  } else if (typeof links === 'string' && LINKS.has(links)) {
    out.showLinks = links as LinksMode;
  }

  const list = pick<unknown>(o, ['issueList', 'listPlacement', 'stragglerList']);
  if (typeof list === 'boolean') {
    out.issueList = list ? 'auto' : 'hidden';
  } else if (typeof list === 'string' && PLACEMENTS.has(list)) {
    out.issueList = list as IssueListPlacement;
  }

  const toolbar = pick<unknown>(o, ['showToolbar', 'showSearch']);
  if (typeof toolbar === 'boolean') {
    out.showToolbar = toolbar;
  }
  if (typeof o.search === 'string') {
    out.search = o.search;
  }
  const only = pick<unknown>(o, ['stragglersOnly', 'stragglerOnly', 'onlyStragglers']);
  if (typeof only === 'boolean') {
    out.stragglersOnly = only;
  }
  return out;
}

/** "namespace, hpc_job" -> ["namespace", "hpc_job"]. */
export function parseLabelList(s: string): string[] {
  return s
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
}
