/**
 * Reading frames into per-GPU accumulators: the first half of model.ts.
 *
 * Written as small methods with one hot loop each on purpose: the panel
 * reads a 16,384-row table once, on a cold JIT, and compile time grows with
 * function size. (One large closure cost more to compile than to run.)
 */
import { FieldType, type DataFrame, type DataLink, type Field, type FieldConfig, type Labels } from '@grafana/data';

import {
  columnKind,
  METRICS,
  metricFromText,
  throttleReasonsFromValue,
  THROTTLING_REASONS,
  type ColumnKind,
  type SpecialColumn,
} from './metrics';
import type { Gpu } from './types';

/** Label (or column) names, in order of preference. */
export const HOST_NAMES = ['hostname', 'Hostname', 'host', 'node', 'node_name', 'nodename', 'instance'];
const GPU_NAMES = ['gpu', 'gpu_index', 'gpu_id', 'device'];
const MIG_NAMES = ['GPU_I_ID', 'gpu_instance', 'gpu_i_id', 'mig'];
const UUID_NAMES = ['UUID', 'uuid', 'gpu_uuid'];
const MODEL_NAMES = ['modelName', 'model', 'model_name', 'gpu_model'];
// With honorLabels off, Prometheus renames the exporter's namespace/pod labels
// to exported_*; the plain ones then name the exporter's own pod.
const NAMESPACE_NAMES = ['exported_namespace', 'namespace', 'pod_namespace'];
const POD_NAMES = ['exported_pod', 'pod', 'pod_name'];
const CONTAINER_NAMES = ['exported_container', 'container', 'container_name'];
const JOB_NAMES = ['hpc_job'];
const GROUP_NAMES = ['group'];
const PEER_NAMES = ['peer_gpu', 'peer', 'peer_gpu_index', 'peer_index'];
const LINK_STATUS_NAMES = ['link_status', 'status', 'state'];
const LINK_CODE_NAMES = ['status_code', 'code', 'value'];

/** Identity columns: never metrics, never extra labels to show twice. */
const IDENTITY = new Set(
  [
    ...HOST_NAMES,
    ...GPU_NAMES,
    ...MIG_NAMES,
    ...UUID_NAMES,
    ...MODEL_NAMES,
    ...NAMESPACE_NAMES,
    ...POD_NAMES,
    ...CONTAINER_NAMES,
    ...JOB_NAMES,
    ...GROUP_NAMES,
  ].map((n) => n.toLowerCase())
);

/** Labels that describe one sample kind rather than the GPU. */
export const SAMPLE_LABELS = new Set([
  '__name__',
  'err_code',
  'err_msg',
  'clock_event',
  'xid',
  'window_size_in_ms',
  'peer_gpu',
  'link_status',
  'le',
]);

const SEP = '\u0000';

/** Shared by every GPU that is not throttled (most of them): no array per GPU. */
export const NOT_THROTTLED: string[] = [];

/** One GPU being read: its record plus what only the reading needs. */
export interface Acc {
  id: number;
  gpu: Gpu;
  /** Label columns of the table the GPU came from, and its row. */
  rowFields: Field[] | undefined;
  row: number;
  /** Label sets of the series merged into the GPU. */
  labelSets: Labels[] | undefined;
  throttleMask: number;
  throttleReasons: Set<string> | undefined;
  stragglerFlag: number; // -1 unknown
  groupMedian: number;
  groupSize: number;
}

/** A peer link as read, before GPUs are resolved. */
export interface RawLink {
  host: string;
  gpu: string;
  peer: string;
  status: string;
  code: number;
}

/** Identity of a GPU as read from one row or series. */
interface Identity {
  host: string;
  gpu: string;
  mig: string;
  uuid: string;
  model: string;
  namespace: string;
  pod: string;
  container: string;
  hpcJob: string;
  group: string;
}

/** Growable column storage: sums and counts per (column, GPU). */
export class Columns {
  ids: string[] = [];
  byId = new Map<string, number>();
  sums: Float64Array[] = [];
  counts: Uint32Array[] = [];
  configs: FieldConfig[] = [];
  names: string[] = [];
  capacity = 64;
  duplicates = 0;

  column(id: string, name: string, config: FieldConfig): number {
    let c = this.byId.get(id);
    if (c === undefined) {
      c = this.ids.length;
      this.ids.push(id);
      this.byId.set(id, c);
      this.sums.push(new Float64Array(this.capacity));
      this.counts.push(new Uint32Array(this.capacity));
      this.configs.push(config);
      this.names.push(name);
    }
    return c;
  }

  ensure(n: number) {
    if (n <= this.capacity) {
      return;
    }
    let cap = this.capacity;
    while (cap < n) {
      cap *= 2;
    }
    for (let c = 0; c < this.ids.length; c++) {
      const s = new Float64Array(cap);
      s.set(this.sums[c]);
      this.sums[c] = s;
      const k = new Uint32Array(cap);
      k.set(this.counts[c]);
      this.counts[c] = k;
    }
    this.capacity = cap;
  }

  add(c: number, gpu: number, v: number) {
    if (!Number.isFinite(v)) {
      return;
    }
    // The same value twice (a table and an alert frame of one query, say) is no conflict.
    if (this.counts[c][gpu] > 0 && this.sums[c][gpu] / this.counts[c][gpu] !== v) {
      this.duplicates++;
    }
    this.sums[c][gpu] += v;
    this.counts[c][gpu]++;
  }
}

export function lowerMap(fields: Field[]): Map<string, Field> {
  const m = new Map<string, Field>();
  for (const f of fields) {
    const k = f.name.toLowerCase();
    if (!m.has(k)) {
      m.set(k, f);
    }
  }
  return m;
}

export function pickField(byName: Map<string, Field>, names: string[]): Field | undefined {
  for (const n of names) {
    const f = byName.get(n.toLowerCase());
    if (f) {
      return f;
    }
  }
  return undefined;
}

export function pickLabel(labels: Labels | undefined, names: string[]): string {
  if (!labels) {
    return '';
  }
  for (const n of names) {
    const v = labels[n];
    if (v !== undefined && v !== '') {
      return v;
    }
  }
  return '';
}

export function str(v: unknown): string {
  if (typeof v === 'string') {
    return v;
  }
  if (v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v))) {
    return '';
  }
  return String(v);
}

/** Numbers, numeric text and booleans as numbers; anything else NaN. */
export function toNumber(v: unknown): number {
  if (typeof v === 'number') {
    return v;
  }
  if (typeof v === 'boolean') {
    return v ? 1 : 0;
  }
  if (typeof v === 'string') {
    const t = v.trim();
    if (t === '') {
      return NaN;
    }
    if (t === 'true') {
      return 1;
    }
    if (t === 'false') {
      return 0;
    }
    return Number(t);
  }
  return NaN;
}

/** dcgm-exporter's device label is "nvidia3": the index is 3. */
export function gpuIndexText(v: string): string {
  return v.startsWith('nvidia') && /^nvidia\d+$/.test(v) ? v.slice(6) : v;
}

/** Violation shares are also worth a column (tooltip, colour by field); raw ns counters are not. */
function isShare(kind: SpecialColumn, fieldName: string) {
  return (kind === 'thermalViolation' || kind === 'powerViolation') && !fieldName.toLowerCase().startsWith('dcgm_');
}

/** Reads frames of any accepted shape into accumulators, one per GPU. */
export class FleetReader {
  accs: Acc[] = [];
  cols = new Columns();
  rawLinks: RawLink[] = [];
  labelNames = new Set<string>();
  dataLinks: DataLink[] = [];
  tables = 0;
  seriesCount = 0;
  range = false;
  noGpuLabel = 0;
  duplicateRows = 0;
  /** GPUs whose straggler verdict came with the data. */
  stragglerFlags = 0;
  // host -> GPU (index, or UUID, plus MIG instance) -> accumulator. Nested
  // maps look up the data's own strings, without building keys.
  private byHost = new Map<string, Map<string, Acc>>();
  private linkKeys = new Set<string>();

  read(frames: DataFrame[]) {
    for (const frame of frames) {
      if (!frame || !Array.isArray(frame.fields) || frame.fields.length === 0) {
        continue;
      }
      const byName = lowerMap(frame.fields);
      const gpuField = pickField(byName, GPU_NAMES);
      const uuidField = pickField(byName, UUID_NAMES);
      const peerField = pickField(byName, PEER_NAMES);
      const nameField = byName.get('__name__');
      // Identity as columns (a table) rather than labels (series).
      const isTable = gpuField !== undefined || uuidField !== undefined;
      if (isTable && peerField && !nameField) {
        readLinksTable(frame, byName, pickField(byName, HOST_NAMES), gpuField ?? uuidField!, peerField, this.rawLinks);
      } else if (isTable) {
        this.tables++;
        this.readTable(frame, byName, nameField);
      } else {
        this.readSeries(frame);
      }
    }
  }

  private collectLinks(field: Field) {
    const links = field.config?.links;
    if (!links) {
      return;
    }
    for (const l of links) {
      const k = `${l.title}${SEP}${l.url}`;
      if (!this.linkKeys.has(k)) {
        this.linkKeys.add(k);
        this.dataLinks.push(l);
      }
    }
  }

  /** The accumulator of a GPU, created on first sight; later sightings fill missing identity. */
  private accFor(id: Identity): Acc {
    let onHost = this.byHost.get(id.host);
    if (!onHost) {
      onHost = new Map();
      this.byHost.set(id.host, onHost);
    }
    const gpuKey = id.gpu === '' ? id.uuid : id.gpu;
    const key = id.mig === '' ? gpuKey : gpuKey + SEP + id.mig;
    let acc = onHost.get(key);
    if (acc) {
      const g = acc.gpu;
      // The first value seen wins, as in the backend.
      g.uuid ||= id.uuid;
      g.model ||= id.model;
      g.namespace ||= id.namespace;
      g.pod ||= id.pod;
      g.container ||= id.container;
      g.hpcJob ||= id.hpcJob;
      g.group ||= id.group;
      return acc;
    }
    const index = this.accs.length;
    acc = {
      id: index,
      gpu: {
        index,
        host: id.host,
        gpu: id.gpu,
        mig: id.mig,
        uuid: id.uuid,
        model: id.model,
        namespace: id.namespace,
        pod: id.pod,
        container: id.container,
        hpcJob: id.hpcJob,
        group: id.group,
        xid: NaN,
        xidMessage: '',
        throttle: NOT_THROTTLED,
        score: NaN,
        straggler: false,
        groupMedian: NaN,
        groupSize: 0,
        idle: false,
      },
      rowFields: undefined,
      row: -1,
      labelSets: undefined,
      throttleMask: 0,
      throttleReasons: undefined,
      stragglerFlag: -1,
      groupMedian: NaN,
      groupSize: 0,
    };
    this.accs.push(acc);
    onHost.set(key, acc);
    return acc;
  }

  private addThrottle(acc: Acc, reasons: string[]) {
    if (reasons.length === 0) {
      return;
    }
    acc.throttleReasons ??= new Set();
    for (const r of reasons) {
      acc.throttleReasons.add(r);
    }
  }

  /**
   * A value of a special (non-metric) kind for one GPU. `extra` carries the
   * sample's own labels (clock_event, xid, err_msg); `counterDelta` says the
   * value is a counter's increase over the range.
   */
  private observeSpecial(
    acc: Acc,
    kind: SpecialColumn,
    name: string,
    value: unknown,
    extra: Labels | undefined,
    counterDelta: boolean
  ) {
    const num = toNumber(value);
    const g = acc.gpu;
    switch (kind) {
      case 'xid': {
        if (Number.isFinite(num)) {
          if (Number.isNaN(g.xid) || num > g.xid) {
            g.xid = num;
            g.xidMessage = extra?.err_msg ?? '';
          }
        } else if (typeof value === 'string' && value.trim() !== '') {
          // A text column such as "79" or "79: GPU has fallen off the bus".
          const m = /^\s*(\d+)\s*[:\-]?\s*(.*)$/.exec(value);
          if (m && (Number.isNaN(g.xid) || Number(m[1]) > g.xid)) {
            g.xid = Number(m[1]);
            g.xidMessage = m[2];
          }
        }
        return;
      }
      case 'xidCount': {
        const code = Number(extra?.xid);
        if (Number.isFinite(num) && num > 0 && Number.isFinite(code) && code > 0) {
          if (Number.isNaN(g.xid) || code > g.xid) {
            g.xid = code;
          }
        }
        return;
      }
      case 'throttleMask':
        if (Number.isFinite(num) && num > 0) {
          acc.throttleMask |= num;
        }
        return;
      case 'throttleFlag':
        this.addThrottle(
          acc,
          throttleReasonsFromValue(typeof value === 'number' || typeof value === 'boolean' ? value : str(value))
        );
        return;
      case 'throttleEvents': {
        if (Number.isFinite(num) && num > 0) {
          const reason = extra?.clock_event;
          if (reason === undefined) {
            this.addThrottle(acc, ['throttled']);
          } else if (THROTTLING_REASONS.has(reason)) {
            this.addThrottle(acc, [reason]);
          }
        }
        return;
      }
      case 'thermalViolation':
      case 'powerViolation': {
        // Shares (mlwatch) are throttled when > 0; raw ns counters only tell
        // anything over a range (counterDelta carries their increase).
        if (name.toLowerCase().startsWith('dcgm_') && !counterDelta) {
          return;
        }
        if (Number.isFinite(num) && num > 0) {
          this.addThrottle(acc, [kind === 'thermalViolation' ? 'thermal' : 'power']);
        }
        return;
      }
      case 'straggler':
        if (Number.isFinite(num)) {
          acc.stragglerFlag = Math.max(acc.stragglerFlag, num !== 0 ? 1 : 0);
          this.stragglerFlags++;
        }
        return;
      case 'groupMedian':
        if (Number.isFinite(num)) {
          acc.groupMedian = num;
        }
        return;
      case 'groupSize':
        if (Number.isFinite(num)) {
          acc.groupSize = num;
        }
        return;
      case 'p2p':
        return;
    }
  }

  /** Column index for a metric or other numeric column (id by field name, titled by display name). */
  private columnFor(kind: ColumnKind | undefined, name: string, title: string, config: FieldConfig): number {
    return kind?.kind === 'metric'
      ? this.cols.column(kind.id, METRICS[kind.id].title, config)
      : this.cols.column(`field:${name}`, title, config);
  }

  private readTable(frame: DataFrame, byName: Map<string, Field>, nameField: Field | undefined) {
    const labelFields: Field[] = [];
    const valueCols: Array<{ field: Field; kind: ColumnKind | undefined; title: string }> = [];
    let longValue: Field | undefined;
    for (const f of frame.fields) {
      this.collectLinks(f);
      const lower = f.name.toLowerCase();
      if (f.type === FieldType.time) {
        continue;
      }
      if (IDENTITY.has(lower)) {
        labelFields.push(f);
        this.labelNames.add(f.name);
        continue;
      }
      if (nameField && (lower === 'value' || lower.startsWith('value #'))) {
        longValue ??= f;
        continue;
      }
      const kind = columnKind(f.name) ?? metricFromText(f.config?.displayNameFromDS);
      const numericLooking = f.type === FieldType.number || f.type === FieldType.boolean;
      if (kind || numericLooking) {
        valueCols.push({ field: f, kind, title: f.config?.displayNameFromDS || f.name });
        if (!numericLooking) {
          // A known column sent as text: read as numbers, still a label for links.
          labelFields.push(f);
        }
        continue;
      }
      if (f !== nameField) {
        labelFields.push(f);
        this.labelNames.add(f.name);
      }
    }

    const rowAcc = this.tableRows(frame, byName, labelFields, nameField === undefined);
    this.cols.ensure(this.accs.length);
    if (nameField && longValue) {
      this.readLongRows(byName, nameField, longValue, rowAcc);
      return;
    }
    // One column at a time: a tight loop each.
    for (const c of valueCols) {
      const values = c.field.values;
      if (c.kind?.kind === 'special') {
        this.readSpecialColumn(c.kind.id, c.field.name, values, rowAcc);
        if (!isShare(c.kind.id, c.field.name)) {
          continue;
        }
      }
      this.readNumberColumn(this.columnFor(c.kind, c.field.name, c.title, c.field.config ?? {}), values, rowAcc);
    }
  }

  /** The GPU of each table row (-1 for rows without a gpu or UUID). */
  private tableRows(frame: DataFrame, byName: Map<string, Field>, labelFields: Field[], countDuplicates: boolean) {
    const col = (names: string[]) => pickField(byName, names)?.values;
    const hostV = col(HOST_NAMES);
    const gpuV = col(GPU_NAMES);
    const migV = col(MIG_NAMES);
    const uuidV = col(UUID_NAMES);
    const modelV = col(MODEL_NAMES);
    const nsV = col(NAMESPACE_NAMES);
    const podV = col(POD_NAMES);
    const containerV = col(CONTAINER_NAMES);
    const jobV = col(JOB_NAMES);
    const groupV = col(GROUP_NAMES);
    const n = Math.max(0, ...frame.fields.map((f) => f.values?.length ?? 0));
    const rowAcc = new Int32Array(n).fill(-1);
    const seen = new Uint8Array(this.accs.length + n);
    const id: Identity = {
      host: '',
      gpu: '',
      mig: '',
      uuid: '',
      model: '',
      namespace: '',
      pod: '',
      container: '',
      hpcJob: '',
      group: '',
    };
    for (let row = 0; row < n; row++) {
      id.gpu = gpuV ? gpuIndexText(str(gpuV[row])) : '';
      id.uuid = uuidV ? str(uuidV[row]) : '';
      if (id.gpu === '' && id.uuid === '') {
        this.noGpuLabel++;
        continue;
      }
      id.host = hostV ? str(hostV[row]) : '';
      id.mig = migV ? str(migV[row]) : '';
      id.model = modelV ? str(modelV[row]) : '';
      id.namespace = nsV ? str(nsV[row]) : '';
      id.pod = podV ? str(podV[row]) : '';
      id.container = containerV ? str(containerV[row]) : '';
      id.hpcJob = jobV ? str(jobV[row]) : '';
      id.group = groupV ? str(groupV[row]) : '';
      const acc = this.accFor(id);
      if (acc.rowFields === undefined && acc.labelSets === undefined) {
        acc.rowFields = labelFields;
        acc.row = row;
      }
      rowAcc[row] = acc.id;
      if (countDuplicates) {
        if (seen[acc.id]) {
          this.duplicateRows++;
        }
        seen[acc.id] = 1;
      }
    }
    return rowAcc;
  }

  private readNumberColumn(col: number, values: unknown[], rowAcc: Int32Array) {
    const sums = this.cols.sums[col];
    const counts = this.cols.counts[col];
    let duplicates = 0;
    for (let row = 0; row < rowAcc.length; row++) {
      const a = rowAcc[row];
      if (a < 0) {
        continue;
      }
      const raw = values[row];
      const v = typeof raw === 'number' ? raw : toNumber(raw);
      if (!Number.isFinite(v)) {
        continue;
      }
      if (counts[a] > 0 && sums[a] / counts[a] !== v) {
        duplicates++;
      }
      sums[a] += v;
      counts[a]++;
    }
    this.cols.duplicates += duplicates;
  }

  /**
   * A special column of a table. Plain numbers take fast paths (16k rows of
   * mostly zeros); anything else goes through observeSpecial.
   */
  private readSpecialColumn(kind: SpecialColumn, name: string, values: unknown[], rowAcc: Int32Array) {
    const accs = this.accs;
    for (let row = 0; row < rowAcc.length; row++) {
      const a = rowAcc[row];
      if (a < 0) {
        continue;
      }
      const v = values[row];
      const acc = accs[a];
      switch (kind) {
        case 'straggler':
          if (v === true || v === 1) {
            acc.stragglerFlag = 1;
            this.stragglerFlags++;
            continue;
          }
          if (v === false || v === 0) {
            acc.stragglerFlag = acc.stragglerFlag > 0 ? 1 : 0;
            this.stragglerFlags++;
            continue;
          }
          break;
        case 'groupMedian':
          if (typeof v === 'number') {
            acc.groupMedian = v;
            continue;
          }
          break;
        case 'groupSize':
          if (typeof v === 'number') {
            acc.groupSize = v;
            continue;
          }
          break;
        default:
          // No XID, no throttling: nothing to record.
          if (v === 0 || v === null || v === undefined || v === false) {
            continue;
          }
      }
      this.observeSpecial(acc, kind, name, v, undefined, false);
    }
  }

  /** Prometheus table format: one row per series, the metric in __name__. */
  private readLongRows(byName: Map<string, Field>, nameField: Field, valueField: Field, rowAcc: Int32Array) {
    const extraFields = ['clock_event', 'xid', 'err_msg'].map((k) => [k, byName.get(k)] as const).filter(([, f]) => f);
    const peerV = byName.get('peer_gpu')?.values;
    const statusV = byName.get('link_status')?.values;
    for (let row = 0; row < rowAcc.length; row++) {
      if (rowAcc[row] < 0) {
        continue;
      }
      const acc = this.accs[rowAcc[row]];
      const metric = str(nameField.values[row]);
      const kind = metricFromText(metric);
      const value = valueField.values[row];
      if (kind?.kind === 'special' && kind.id === 'p2p') {
        this.rawLinks.push({
          host: acc.gpu.host,
          gpu: acc.gpu.gpu,
          peer: peerV ? str(peerV[row]) : '',
          status: statusV ? str(statusV[row]) : '',
          code: toNumber(value),
        });
        continue;
      }
      if (kind?.kind === 'special') {
        const extra: Labels = {};
        for (const [k, f] of extraFields) {
          extra[k] = str(f!.values[row]);
        }
        this.observeSpecial(acc, kind.id, metric, value, extra, false);
        continue;
      }
      this.cols.add(
        this.columnFor(kind, metric || valueField.name, metric || valueField.name, valueField.config ?? {}),
        acc.id,
        toNumber(value)
      );
    }
  }

  private readSeries(frame: DataFrame) {
    for (const field of frame.fields) {
      if (field.type === FieldType.number) {
        this.readOneSeries(frame, field);
      }
    }
  }

  private readOneSeries(frame: DataFrame, field: Field) {
    this.seriesCount++;
    this.collectLinks(field);
    const labels = field.labels ?? {};
    const values = field.values;
    let finite = 0;
    for (let i = 0; i < values.length && finite < 2; i++) {
      if (Number.isFinite(values[i])) {
        finite++;
      }
    }
    if (finite > 1) {
      this.range = true;
    }
    const gpu = gpuIndexText(pickLabel(labels, GPU_NAMES));
    const uuid = pickLabel(labels, UUID_NAMES);
    if (gpu === '' && uuid === '') {
      this.noGpuLabel++;
      return;
    }
    const kind =
      metricFromText(labels.__name__) ??
      metricFromText(field.config?.displayNameFromDS) ??
      (field.name.toLowerCase() === 'value' ? undefined : metricFromText(field.name)) ??
      metricFromText(frame.name) ??
      metricFromText(frame.meta?.executedQueryString) ??
      metricFromText(frame.refId);
    for (const k in labels) {
      if (!SAMPLE_LABELS.has(k)) {
        this.labelNames.add(k);
      }
    }
    const host = pickLabel(labels, HOST_NAMES);
    if (kind?.kind === 'special' && kind.id === 'p2p') {
      this.rawLinks.push({
        host,
        gpu,
        peer: gpuIndexText(labels.peer_gpu ?? ''),
        status: labels.link_status ?? '',
        code: lastFinite(values),
      });
      return;
    }
    const acc = this.accFor({
      host,
      gpu,
      mig: pickLabel(labels, MIG_NAMES),
      uuid,
      model: pickLabel(labels, MODEL_NAMES),
      namespace: pickLabel(labels, NAMESPACE_NAMES),
      pod: pickLabel(labels, POD_NAMES),
      container: pickLabel(labels, CONTAINER_NAMES),
      hpcJob: pickLabel(labels, JOB_NAMES),
      group: pickLabel(labels, GROUP_NAMES),
    });
    if (acc.rowFields === undefined) {
      acc.labelSets ??= [];
      if (acc.labelSets[acc.labelSets.length - 1] !== labels) {
        acc.labelSets.push(labels);
      }
    }
    this.cols.ensure(this.accs.length);
    const name =
      labels.__name__ ||
      field.config?.displayNameFromDS ||
      (field.name !== 'Value' ? field.name : '') ||
      frame.name ||
      frame.refId ||
      'Value';
    if (kind?.kind === 'special') {
      let reduced: number;
      let counterDelta = false;
      switch (kind.id) {
        case 'throttleMask':
          reduced = orAll(values);
          break;
        case 'thermalViolation':
        case 'powerViolation':
          if (name.toLowerCase().startsWith('dcgm_')) {
            reduced = lastFinite(values) - firstFinite(values);
            counterDelta = finite > 1;
          } else {
            reduced = meanFinite(values);
          }
          break;
        case 'groupMedian':
        case 'groupSize':
          reduced = meanFinite(values);
          break;
        default:
          // XID codes, event counts, flags: the highest over the range.
          reduced = maxFinite(values);
      }
      this.observeSpecial(acc, kind.id, name, reduced, labels, counterDelta);
      if (!isShare(kind.id, name)) {
        return;
      }
    }
    this.cols.add(
      this.columnFor(kind, name, field.config?.displayNameFromDS || name, field.config ?? {}),
      acc.id,
      meanFinite(values)
    );
  }
}

function readLinksTable(
  frame: DataFrame,
  byName: Map<string, Field>,
  hostF: Field | undefined,
  gpuF: Field,
  peerF: Field,
  out: RawLink[]
) {
  const statusF = pickField(byName, LINK_STATUS_NAMES);
  const codeF = pickField(byName, LINK_CODE_NAMES);
  const n = frame.length ?? gpuF.values.length;
  for (let row = 0; row < n; row++) {
    out.push({
      host: hostF ? str(hostF.values[row]) : '',
      gpu: gpuIndexText(str(gpuF.values[row])),
      peer: gpuIndexText(str(peerF.values[row])),
      status: statusF && statusF.type === FieldType.string ? str(statusF.values[row]) : '',
      code: codeF
        ? toNumber(codeF.values[row])
        : statusF && statusF.type !== FieldType.string
          ? toNumber(statusF.values[row])
          : NaN,
    });
  }
}

function meanFinite(values: ArrayLike<unknown>): number {
  let sum = 0;
  let k = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === 'number' && Number.isFinite(v)) {
      sum += v;
      k++;
    }
  }
  return k > 0 ? sum / k : NaN;
}

function maxFinite(values: ArrayLike<unknown>): number {
  let m = NaN;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === 'number' && Number.isFinite(v) && !(v <= m)) {
      m = v;
    }
  }
  return m;
}

function orAll(values: ArrayLike<unknown>): number {
  let m = 0;
  let any = false;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === 'number' && Number.isFinite(v) && v >= 0) {
      m |= v;
      any = true;
    }
  }
  return any ? m : NaN;
}

function lastFinite(values: ArrayLike<unknown>): number {
  for (let i = values.length - 1; i >= 0; i--) {
    const v = values[i];
    if (typeof v === 'number' && Number.isFinite(v)) {
      return v;
    }
  }
  return NaN;
}

function firstFinite(values: ArrayLike<unknown>): number {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === 'number' && Number.isFinite(v)) {
      return v;
    }
  }
  return NaN;
}
