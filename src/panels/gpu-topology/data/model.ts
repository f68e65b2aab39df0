/**
 * Frames -> one record per GPU, the input of the topology panel.
 *
 * Accepts, in any mix:
 * - the mlwatch `gpu` table (one row per GPU: host, gpu, uuid, model,
 *   namespace, pod, container, hpc_job, group, DCGM-named metric columns,
 *   xid_max, throttle_events, straggler_score, straggler ...) and its
 *   `gpu_links` table (host, gpu, peer_gpu, link_status, status_code);
 * - tables with friendly snake_case names (utilization, memory_used_pct,
 *   temperature, power, sm_clock, tensor_active, xid, throttle ...);
 * - raw dcgm-exporter series from the Prometheus datasource, instant or
 *   range, one metric or many (told apart by __name__, legend, expression or
 *   refId), pivoted by host label (Hostname, hostname, host, node, instance)
 *   and gpu; DCGM_EXP_P2P_STATUS series become links;
 * - Prometheus "table" format results (label columns plus Value, with or
 *   without a __name__ column).
 *
 * Pure: frames in, plain objects and typed arrays out.
 */
import type { DataFrame, FieldConfig } from '@grafana/data';

import {
  AUTO_COLOR_ORDER,
  columnKind,
  METRICS,
  throttleReasonsFromMask,
  type ColorMetricId,
  type KnownMetricId,
} from './metrics';
import { naturalRanks } from './natural';
import { FleetReader, SAMPLE_LABELS, str, type Acc, type Columns, type RawLink } from './reader';
import { analyzeStragglers } from './straggler';
import {
  DEFAULT_MODEL_SETTINGS,
  FLAG_STRAGGLER,
  FLAG_THROTTLED,
  FLAG_XID,
  type Gpu,
  type GpuLink,
  type MetricColumn,
  type ModelSettings,
  type StragglerSource,
  type TopologyModel,
} from './types';

export * from './types';
export { toNumber } from './reader';

/** Builds the model. Never throws on odd data: what cannot be read is skipped and noted. */
export function buildTopologyModel(
  frames: DataFrame[],
  settings: ModelSettings = DEFAULT_MODEL_SETTINGS
): TopologyModel {
  const reader = new FleetReader();
  reader.read(frames);
  const { order, hostCount } = sortedGpus(reader.accs);
  const n = order.length;
  const cols = reader.cols;
  const { columns, byIndex } = buildColumns(cols, order);
  const scoreIndex = cols.byId.get('stragglerScore') ?? -1;
  const fromData = scoreIndex >= 0 || reader.stragglerFlags > 0;
  const threshold =
    Number(scoreIndex >= 0 ? cols.configs[scoreIndex].custom?.threshold : NaN) || settings.straggler.threshold;
  const { gpus, flags } = finishGpus(
    order,
    fromData ? { scores: byIndex.get(scoreIndex), threshold, minMedian: settings.straggler.minGroupMedian } : undefined
  );
  addMemoryShare(columns, n);
  const { labelOf, labelsOf } = labelAccessors(gpus, order);

  let stragglerSource: StragglerSource = fromData ? 'data' : 'none';
  if (!fromData && scoreStragglers(gpus, flags, columns, labelOf, settings)) {
    stragglerSource = 'computed';
  }
  // Known metrics first, in catalogue order; then the rest as they came.
  const metricOrder = Object.keys(METRICS);
  const rank = (c: MetricColumn) => (c.known ? metricOrder.indexOf(c.known) : 100);
  columns.sort((a, b) => rank(a) - rank(b));

  return {
    gpus,
    flags,
    columns,
    links: buildLinks(reader.rawLinks, gpus),
    hostCount,
    source:
      n === 0 ? 'none' : reader.tables > 0 && reader.seriesCount > 0 ? 'mixed' : reader.tables > 0 ? 'table' : 'series',
    range: reader.range,
    stragglerSource,
    stragglerGroupLabels: stragglerSource === 'computed' ? settings.stragglerGroupLabels : [],
    stragglerThreshold: threshold,
    counts: countFlags(flags),
    notices: noticesFor(reader, gpus, columns, stragglerSource, settings),
    labelNames: [...reader.labelNames].sort(),
    dataLinks: reader.dataLinks,
    labelOf,
    labelsOf,
  };
}

/**
 * GPUs in natural order of host, GPU index and MIG instance, with one
 * composite number per GPU so the sort reads typed arrays. The mlwatch
 * backend sends them in this order already: then there is no sort.
 */
function sortedGpus(accs: Acc[]): { order: Acc[]; hostCount: number } {
  const hostRank = naturalRanks(accs.map((a) => a.gpu.host));
  const gpuRank = naturalRanks(accs.map((a) => (a.gpu.gpu === '' ? a.gpu.uuid : a.gpu.gpu)));
  const migRank = naturalRanks(accs.map((a) => a.gpu.mig));
  const sortKey = new Float64Array(accs.length);
  let sorted = true;
  for (let i = 0; i < accs.length; i++) {
    const g = accs[i].gpu;
    sortKey[i] =
      (hostRank.get(g.host)! * gpuRank.size + gpuRank.get(g.gpu === '' ? g.uuid : g.gpu)!) * migRank.size +
      migRank.get(g.mig)!;
    if (i > 0 && sortKey[i] < sortKey[i - 1]) {
      sorted = false;
    }
  }
  const order = sorted ? accs : accs.slice().sort((x, y) => sortKey[x.id] - sortKey[y.id]);
  return { order, hostCount: hostRank.size };
}

/** Column values in GPU order: means of what was read (NaN where a GPU has none). */
function buildColumns(cols: Columns, order: Acc[]): { columns: MetricColumn[]; byIndex: Map<number, Float64Array> } {
  const n = order.length;
  const columns: MetricColumn[] = [];
  const byIndex = new Map<number, Float64Array>();
  for (let c = 0; c < cols.ids.length; c++) {
    const sums = cols.sums[c];
    const counts = cols.counts[c];
    const values = new Float64Array(n);
    let count = 0;
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < n; i++) {
      const a = order[i].id;
      const k = counts[a];
      if (k === 0) {
        values[i] = NaN;
        continue;
      }
      const v = k === 1 ? sums[a] : sums[a] / k;
      values[i] = v;
      count++;
      if (v < min) {
        min = v;
      }
      if (v > max) {
        max = v;
      }
    }
    byIndex.set(c, values);
    if (count === 0) {
      continue;
    }
    const id = cols.ids[c];
    const known = id.startsWith('field:') ? undefined : (id as KnownMetricId);
    const config = cols.configs[c];
    let unit = config.unit ?? (known ? METRICS[known].unit : 'none');
    // Friendly tensor columns are sometimes percentages.
    if (known === 'tensorActive' && !config.unit && max > 1.5) {
      unit = 'percent';
    }
    columns.push({
      id,
      known,
      title: known ? METRICS[known].title : cols.names[c],
      unit,
      decimals: config.decimals ?? undefined,
      values,
      count,
      min,
      max,
      config,
    });
  }
  return { columns, byIndex };
}

interface DataVerdicts {
  scores: Float64Array | undefined;
  threshold: number;
  minMedian: number;
}

/** The GPU records in order, with throttling, XID and (from the data) straggler verdicts; and their flags. */
function finishGpus(order: Acc[], verdicts: DataVerdicts | undefined): { gpus: Gpu[]; flags: Uint8Array } {
  const n = order.length;
  const gpus: Gpu[] = new Array(n);
  const flags = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const acc = order[i];
    const g = acc.gpu;
    g.index = i;
    gpus[i] = g;
    if (acc.throttleMask !== 0 || acc.throttleReasons) {
      g.throttle = throttleList(acc);
    }
    if (Number.isNaN(g.xid)) {
      g.xid = 0;
    }
    if (verdicts) {
      g.score = verdicts.scores ? verdicts.scores[i] : NaN;
      g.straggler = acc.stragglerFlag >= 0 ? acc.stragglerFlag === 1 : g.score < verdicts.threshold;
      g.groupMedian = acc.groupMedian;
      g.groupSize = acc.groupSize;
      g.idle = acc.groupMedian < verdicts.minMedian;
    }
    flags[i] =
      (g.straggler ? FLAG_STRAGGLER : 0) | (g.xid > 0 ? FLAG_XID : 0) | (g.throttle.length > 0 ? FLAG_THROTTLED : 0);
  }
  return { gpus, flags };
}

/** Throttling reasons from the mask and the flags; "throttled" says nothing when a reason is known. */
function throttleList(acc: Acc): string[] {
  const reasons = throttleReasonsFromMask(acc.throttleMask);
  for (const r of acc.throttleReasons ?? []) {
    if (!reasons.includes(r)) {
      reasons.push(r);
    }
  }
  return reasons.length > 1 ? reasons.filter((r) => r !== 'throttled') : reasons;
}

/** Memory used % from FB_USED / (FB_USED + FB_FREE) when the data has no such column. */
function addMemoryShare(columns: MetricColumn[], n: number) {
  const colOf = (id: string) => columns.find((c) => c.id === id);
  const used = colOf('fbUsed');
  const free = colOf('fbFree');
  if (colOf('memoryUsedPct') || !used || !free) {
    return;
  }
  const values = new Float64Array(n);
  let count = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const total = used.values[i] + free.values[i];
    const v = total > 0 ? (used.values[i] / total) * 100 : NaN;
    values[i] = v;
    if (!Number.isNaN(v)) {
      count++;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
  }
  if (count === 0) {
    return;
  }
  // The used-memory field's config minus what does not fit a percentage.
  const config: FieldConfig = { ...used.config, unit: 'percent' };
  delete config.min;
  delete config.max;
  columns.push({
    id: 'memoryUsedPct',
    known: 'memoryUsedPct',
    title: METRICS.memoryUsedPct.title,
    unit: 'percent',
    values,
    count,
    min,
    max,
    config,
    derived: true,
  });
}

/** Label lookups that read the data in place (table rows, series label sets): no copies per GPU. */
function labelAccessors(gpus: Gpu[], order: Acc[]) {
  const labelOf = (i: number, name: string): string => {
    const g = gpus[i];
    switch (name) {
      case 'host':
        return g.host;
      case 'gpu':
        return g.gpu;
      case 'namespace':
        return g.namespace;
      case 'pod':
        return g.pod;
      case 'container':
        return g.container;
      case 'hpc_job':
        return g.hpcJob;
      case 'uuid':
      case 'UUID':
        return g.uuid;
      case 'model':
      case 'modelName':
        return g.model;
      case 'group':
        return g.group;
    }
    const acc = order[i];
    if (acc.rowFields) {
      const f = acc.rowFields.find((x) => x.name === name);
      return f ? str(f.values[acc.row]) : '';
    }
    for (const labels of acc.labelSets ?? []) {
      const v = labels[name];
      if (v !== undefined && v !== '') {
        return v;
      }
    }
    return '';
  };

  const labelsOf = (i: number): Record<string, string> => {
    const g = gpus[i];
    const out: Record<string, string> = {};
    const put = (k: string, v: string) => {
      if (v !== '' && out[k] === undefined) {
        out[k] = v;
      }
    };
    put('host', g.host);
    put('gpu', g.gpu);
    put('gpu_instance', g.mig);
    put('uuid', g.uuid);
    put('model', g.model);
    put('namespace', g.namespace);
    put('pod', g.pod);
    put('container', g.container);
    put('hpc_job', g.hpcJob);
    put('group', g.group);
    const acc = order[i];
    for (const f of acc.rowFields ?? []) {
      put(f.name, str(f.values[acc.row]));
    }
    for (const labels of acc.labelSets ?? []) {
      for (const [k, v] of Object.entries(labels)) {
        if (!SAMPLE_LABELS.has(k)) {
          put(k, v);
        }
      }
    }
    return out;
  };
  return { labelOf, labelsOf };
}

/**
 * Straggler scores for data that has none, as the backend computes them
 * (see straggler.ts). Adds the score column; false when nothing was scored.
 */
function scoreStragglers(
  gpus: Gpu[],
  flags: Uint8Array,
  columns: MetricColumn[],
  labelOf: (i: number, name: string) => string,
  settings: ModelSettings
): boolean {
  const util = columns.find((c) => c.id === 'utilization');
  if (!util) {
    return false;
  }
  const groupLabels = settings.stragglerGroupLabels;
  const groups = gpus.map((g, i) => {
    const vals = groupLabels.map((l) => (l === 'host' ? g.host : labelOf(i, l)));
    return vals.some((v) => v !== '') ? vals.join('/') : '';
  });
  const res = analyzeStragglers(groups, util.values, settings.straggler);
  let scored = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < gpus.length; i++) {
    const g = gpus[i];
    g.group ||= groups[i];
    g.score = res.score[i];
    g.straggler = res.straggler[i] === 1;
    g.groupMedian = res.groupMedian[i];
    g.groupSize = res.groupSize[i];
    g.idle = res.idle[i] === 1;
    if (g.straggler) {
      flags[i] |= FLAG_STRAGGLER;
    }
    if (!Number.isNaN(g.score)) {
      scored++;
      min = Math.min(min, g.score);
      max = Math.max(max, g.score);
    }
  }
  if (scored === 0) {
    return false;
  }
  columns.push({
    id: 'stragglerScore',
    known: 'stragglerScore',
    title: METRICS.stragglerScore.title,
    unit: 'none',
    decimals: 2,
    values: res.score,
    count: scored,
    min,
    max,
    config: { decimals: 2 },
    derived: true,
  });
  return true;
}

function noticesFor(
  reader: FleetReader,
  gpus: Gpu[],
  columns: MetricColumn[],
  stragglerSource: StragglerSource,
  settings: ModelSettings
): string[] {
  const notices: string[] = [];
  const dups = Math.max(reader.cols.duplicates, reader.duplicateRows);
  if (dups > 0) {
    notices.push(
      `${dups} duplicated ${dups === 1 ? 'value was' : 'values were'} averaged (the same GPU appeared more than once).`
    );
  }
  const skipped = reader.noGpuLabel;
  if (skipped > 0) {
    notices.push(
      `${skipped} ${skipped === 1 ? 'series or row has' : 'series or rows have'} no gpu or UUID label and ${skipped === 1 ? 'was' : 'were'} skipped.`
    );
  }
  if (gpus.some((g) => g.host === '')) {
    notices.push('Some GPUs have no host label (Hostname, hostname or instance); they are shown under "Unknown host".');
  }
  if (gpus.length > 0 && stragglerSource === 'none' && columns.some((c) => c.id === 'utilization')) {
    notices.push(
      `No straggler scores: no GPU has the peer group label (${settings.stragglerGroupLabels.join(', ') || 'none set'}).`
    );
  }
  return notices;
}

function countFlags(flags: Uint8Array) {
  let stragglers = 0;
  let xid = 0;
  let throttled = 0;
  for (let i = 0; i < flags.length; i++) {
    const f = flags[i];
    stragglers += f & FLAG_STRAGGLER;
    xid += (f & FLAG_XID) >> 1;
    throttled += (f & FLAG_THROTTLED) >> 2;
  }
  return { stragglers, xid, throttled };
}

const P2P_NAMES = [
  'OK',
  'ChipsetNotSupported',
  'GPUNotSupported',
  'TopologyNotSupported',
  'DisabledByRegKey',
  'NotSupported',
  'Unknown',
];

/** Link status name of a P2P status code (p2pStatusToString in dcgm-exporter). */
export function p2pStatusName(code: number): string {
  return Number.isInteger(code) && code >= 0 && code < P2P_NAMES.length ? P2P_NAMES[code] : 'Unknown';
}

/** Links: one per unordered pair of GPUs on a host; the worst status wins. */
function buildLinks(raw: RawLink[], gpus: Gpu[]): GpuLink[] {
  if (raw.length === 0) {
    return [];
  }
  // Only hosts that have links are indexed.
  const linkHosts = new Set(raw.map((l) => l.host));
  const index = new Map<string, Map<string, number>>();
  for (const g of gpus) {
    if (g.mig === '' && linkHosts.has(g.host)) {
      let m = index.get(g.host);
      if (!m) {
        m = new Map();
        index.set(g.host, m);
      }
      m.set(g.gpu, g.index);
    }
  }
  const byPair = new Map<string, { a: number; b: number; status: string; ok: boolean; code: number }>();
  for (const l of raw) {
    const onHost = index.get(l.host);
    const a = onHost?.get(l.gpu);
    const b = onHost?.get(l.peer);
    if (a === undefined || b === undefined || a === b) {
      continue;
    }
    const status = l.status !== '' ? l.status : Number.isFinite(l.code) ? p2pStatusName(l.code) : 'Unknown';
    const ok = status.toUpperCase() === 'OK' && (Number.isNaN(l.code) || l.code === 0);
    const lo = Math.min(a, b);
    const hi = Math.max(a, b);
    const key = `${lo}:${hi}`;
    const prev = byPair.get(key);
    const code = Number.isFinite(l.code) ? l.code : ok ? 0 : 6;
    if (!prev || (prev.ok && !ok) || (prev.ok === ok && code > prev.code)) {
      byPair.set(key, { a: lo, b: hi, status, ok, code });
    }
  }
  const okHosts = new Set<string>();
  for (const p of byPair.values()) {
    if (p.ok) {
      okHosts.add(gpus[p.a].host);
    }
  }
  const out: GpuLink[] = [];
  for (const p of byPair.values()) {
    out.push({ a: p.a, b: p.b, status: p.status, ok: p.ok, degraded: !p.ok && okHosts.has(gpus[p.a].host) });
  }
  out.sort((x, y) => x.a - y.a || x.b - y.b);
  return out;
}

/** The colour metric for an option value: the asked one if present, else the first the data has. */
export function resolveColorColumn(model: TopologyModel, wanted: string, fieldName?: string): MetricColumn | undefined {
  if (wanted === 'field' && fieldName) {
    const lower = fieldName.toLowerCase();
    const byName = model.columns.find(
      (c) => c.id.toLowerCase() === `field:${lower}` || c.title.toLowerCase() === lower
    );
    if (byName) {
      return byName;
    }
    const kind = columnKind(fieldName);
    if (kind?.kind === 'metric') {
      return model.columns.find((c) => c.id === kind.id);
    }
  }
  const exact = model.columns.find((c) => c.id === wanted);
  if (exact) {
    return exact;
  }
  for (const id of AUTO_COLOR_ORDER) {
    const c = model.columns.find((x) => x.id === (id satisfies ColorMetricId));
    if (c) {
      return c;
    }
  }
  return model.columns[0];
}
