// The scenario: a seed, an anchor time and a timeline of incidents placed
// relative to the anchor. Every signal the demo emits is a function of
// (scenario, time): the live services read it at the wall clock, the
// backfill at each step of a past range. See docs/demo.md.

export type IncidentKind =
  | 'feature_drift'
  | 'confidence_drop'
  | 'class_skew'
  | 'gpu_straggler'
  | 'thermal_throttle'
  | 'xid_error'
  | 'llm_token_spike'
  | 'error_burst'
  | 'oom_kill'
  | 'cpu_throttling'
  | 'rate_limiting';

export const INCIDENT_KINDS: readonly IncidentKind[] = [
  'feature_drift',
  'confidence_drop',
  'class_skew',
  'gpu_straggler',
  'thermal_throttle',
  'xid_error',
  'llm_token_spike',
  'error_burst',
  'oom_kill',
  'cpu_throttling',
  'rate_limiting',
];

/** One incident as written in a timeline file (times relative to the anchor). */
export interface IncidentSpec {
  kind: IncidentKind;
  /** Start relative to the anchor: "-6h", "+10m", "0". */
  at: string;
  /** "45m", or "ongoing" (never ends). */
  duration: string;
  /** Linear ramp in and out (default 0: a step). */
  ramp?: string;
  /** Model (ML incidents). */
  model?: string;
  /** Features that drift (feature_drift). */
  features?: string[];
  /** GPU host and index (GPU incidents), e.g. "gpu-node-05", 3. */
  host?: string;
  gpu?: number;
  /** Pod (oom_kill, cpu_throttling); empty: the first replica of the model. */
  pod?: string;
  /** Strength, 1 = the documented default effect. */
  magnitude?: number;
  /** XID code (xid_error). */
  xid?: number;
  note?: string;
}

export interface Incident extends Omit<IncidentSpec, 'at' | 'duration' | 'ramp'> {
  start: number; // ms epoch
  end: number; // ms epoch, Infinity when ongoing
  ramp: number; // ms
}

export interface Timeline {
  name: string;
  /** History the backfill writes before the anchor by default. */
  history: string;
  incidents: IncidentSpec[];
}

/** Parses "90s", "5m", "1h30m", "7d", "-6h", "+10m", "0"; plain numbers are ms. */
export function parseDuration(s: string | number): number {
  if (typeof s === 'number') {
    return s;
  }
  s = s.trim();
  if (s === '0' || s === '') {
    return 0;
  }
  let sign = 1;
  if (s.startsWith('-')) {
    sign = -1;
    s = s.slice(1);
  } else if (s.startsWith('+')) {
    s = s.slice(1);
  }
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g;
  const units: Record<string, number> = { ms: 1, s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 7 * 86400e3 };
  let total = 0;
  let consumed = 0;
  for (const m of s.matchAll(re)) {
    total += Number(m[1]) * units[m[2]];
    consumed += m[0].length;
  }
  if (consumed !== s.length) {
    if (/^\d+$/.test(s)) {
      return sign * Number(s);
    }
    throw new Error(`"${s}" is not a duration: use 30s, 5m, 1h30m, 7d`);
  }
  return sign * total;
}

/** Formats ms as "1h30m", "-6h", "45s". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) {
    return 'ongoing';
  }
  const sign = ms < 0 ? '-' : '';
  ms = Math.abs(ms);
  if (ms === 0) {
    return '0';
  }
  let out = '';
  for (const [u, n] of [
    ['d', 86400e3],
    ['h', 3600e3],
    ['m', 60e3],
    ['s', 1e3],
  ] as const) {
    const k = Math.floor(ms / n);
    if (k > 0) {
      out += `${k}${u}`;
      ms -= k * n;
    }
  }
  return sign + (out || `${ms}ms`);
}

/**
 * The default timeline: a week of history (plus one day, so that a window
 * compared with the same window 7 days earlier has a reference from the
 * first minute), with the incidents in the last six hours before the
 * anchor (the GPU fleet's history is 6h by default), and two more a few
 * minutes after it for whoever watches live. docs/demo.md lists them.
 */
export const DEFAULT_TIMELINE: Timeline = {
  name: 'default',
  history: '8d',
  incidents: [
    {
      kind: 'xid_error',
      at: '-8h',
      duration: '10m',
      host: 'gpu-node-21',
      gpu: 2,
      xid: 94,
      note: 'contained ECC error on an inference GPU',
    },
    {
      kind: 'thermal_throttle',
      at: '-7h',
      duration: '40m',
      ramp: '5m',
      host: 'gpu-node-18',
      gpu: 6,
      note: 'hot inference GPU: clocks down, utilisation unchanged',
    },
    {
      kind: 'feature_drift',
      at: '-6h',
      duration: 'ongoing',
      ramp: '45m',
      model: 'fraud-detector',
      features: ['txn_amount', 'merchant_distance_km', 'account_age_days'],
    },
    { kind: 'confidence_drop', at: '-5h30m', duration: 'ongoing', ramp: '30m', model: 'fraud-detector' },
    { kind: 'class_skew', at: '-5h', duration: 'ongoing', ramp: '30m', model: 'fraud-detector' },
    {
      kind: 'oom_kill',
      at: '-4h',
      duration: '40m',
      model: 'fraud-detector',
      note: 'memory leak in one replica, OOMKilled at the end',
    },
    { kind: 'cpu_throttling', at: '-3h', duration: '30m', ramp: '2m', model: 'fraud-detector' },
    { kind: 'error_burst', at: '-2h30m', duration: '15m', ramp: '1m', model: 'fraud-detector' },
    {
      kind: 'gpu_straggler',
      at: '-2h',
      duration: '3h',
      ramp: '2m',
      host: 'gpu-node-05',
      gpu: 3,
      note: 'one rank of the pre-training job slows down (hw_slowdown)',
    },
    {
      kind: 'llm_token_spike',
      at: '-1h30m',
      duration: '45m',
      ramp: '5m',
      note: 'an agent loop re-sends a growing context',
    },
    {
      kind: 'rate_limiting',
      at: '-1h',
      duration: '20m',
      ramp: '1m',
      model: 'fraud-detector',
      note: '429 from the gateway and from the LLM provider',
    },
    { kind: 'rate_limiting', at: '+10m', duration: '10m', ramp: '1m', model: 'fraud-detector' },
    { kind: 'error_burst', at: '+25m', duration: '5m', ramp: '1m', model: 'fraud-detector' },
  ],
};

/**
 * The compressed timeline of the end-to-end test: four hours of history,
 * every incident in it, shorter.
 */
export const COMPRESSED_TIMELINE: Timeline = {
  name: 'compressed',
  history: '4h',
  incidents: [
    { kind: 'thermal_throttle', at: '-150m', duration: '30m', ramp: '2m', host: 'gpu-node-18', gpu: 6 },
    { kind: 'xid_error', at: '-140m', duration: '10m', host: 'gpu-node-21', gpu: 2, xid: 94 },
    { kind: 'oom_kill', at: '-120m', duration: '20m', model: 'fraud-detector' },
    { kind: 'cpu_throttling', at: '-110m', duration: '20m', ramp: '1m', model: 'fraud-detector' },
    {
      kind: 'feature_drift',
      at: '-90m',
      duration: 'ongoing',
      ramp: '10m',
      model: 'fraud-detector',
      features: ['txn_amount', 'merchant_distance_km', 'account_age_days'],
    },
    { kind: 'confidence_drop', at: '-80m', duration: 'ongoing', ramp: '10m', model: 'fraud-detector' },
    { kind: 'class_skew', at: '-75m', duration: 'ongoing', ramp: '10m', model: 'fraud-detector' },
    { kind: 'gpu_straggler', at: '-60m', duration: '2h', ramp: '1m', host: 'gpu-node-05', gpu: 3 },
    { kind: 'error_burst', at: '-50m', duration: '10m', ramp: '1m', model: 'fraud-detector' },
    { kind: 'llm_token_spike', at: '-45m', duration: '20m', ramp: '2m' },
    { kind: 'rate_limiting', at: '-30m', duration: '15m', ramp: '1m', model: 'fraud-detector' },
  ],
};

export const TIMELINES: Record<string, Timeline> = { default: DEFAULT_TIMELINE, compressed: COMPRESSED_TIMELINE };

export interface ScenarioOptions {
  seed?: number;
  /** ms epoch; default: now, rounded down to 5 minutes. */
  anchor?: number;
  timeline?: Timeline;
  /** Cluster size. */
  nodes?: number;
  gpusPerNode?: number;
}

export class Scenario {
  readonly seed: number;
  readonly anchor: number;
  readonly timeline: Timeline;
  readonly incidents: Incident[];
  readonly nodes: number;
  readonly gpusPerNode: number;
  private byKind = new Map<IncidentKind, Incident[]>();

  constructor(o: ScenarioOptions = {}) {
    this.seed = o.seed ?? 42;
    this.anchor = o.anchor ?? Math.floor(Date.now() / 300e3) * 300e3;
    this.timeline = o.timeline ?? DEFAULT_TIMELINE;
    this.nodes = o.nodes ?? 32;
    this.gpusPerNode = o.gpusPerNode ?? 8;
    this.incidents = this.timeline.incidents.map((spec) => {
      if (!INCIDENT_KINDS.includes(spec.kind)) {
        throw new Error(
          `timeline ${this.timeline.name}: unknown incident kind "${spec.kind}" (known: ${INCIDENT_KINDS.join(', ')})`
        );
      }
      const start = this.anchor + parseDuration(spec.at);
      const end = spec.duration === 'ongoing' ? Infinity : start + parseDuration(spec.duration);
      const { at: _at, duration: _d, ramp, ...rest } = spec;
      return { ...rest, start, end, ramp: ramp ? parseDuration(ramp) : 0 };
    });
    for (const inc of this.incidents) {
      const list = this.byKind.get(inc.kind) ?? [];
      list.push(inc);
      this.byKind.set(inc.kind, list);
    }
  }

  /** Default history length of the backfill, in ms. */
  get history(): number {
    return parseDuration(this.timeline.history);
  }

  /** The incidents of a kind. */
  of(kind: IncidentKind): Incident[] {
    return this.byKind.get(kind) ?? [];
  }

  /**
   * How strongly an incident kind acts at t: 0 (not at all) to 1 (fully),
   * ramping linearly in and out; the maximum over its incidents that
   * match the filter.
   */
  level(kind: IncidentKind, t: number, match?: (i: Incident) => boolean): number {
    let best = 0;
    for (const i of this.of(kind)) {
      if (match && !match(i)) {
        continue;
      }
      best = Math.max(best, incidentLevel(i, t) * (i.magnitude ?? 1));
    }
    return best;
  }

  /** Incidents of a kind active at t that match. */
  active(kind: IncidentKind, t: number, match?: (i: Incident) => boolean): Incident[] {
    return this.of(kind).filter((i) => t >= i.start && t < i.end && (!match || match(i)));
  }
}

export function incidentLevel(i: Incident, t: number): number {
  if (t < i.start || t >= i.end) {
    return 0;
  }
  if (i.ramp <= 0) {
    return 1;
  }
  const up = Math.min(1, (t - i.start) / i.ramp);
  const down = Number.isFinite(i.end) ? Math.min(1, (i.end - t) / i.ramp) : 1;
  return Math.max(0, Math.min(up, down));
}

/** Reads a timeline: a preset name or a JSON file's text. */
export function parseTimeline(nameOrJson: string, readFile: (p: string) => string): Timeline {
  if (TIMELINES[nameOrJson]) {
    return TIMELINES[nameOrJson];
  }
  let parsed: Timeline;
  try {
    parsed = JSON.parse(readFile(nameOrJson));
  } catch (e) {
    throw new Error(
      `--timeline ${nameOrJson}: neither a preset (${Object.keys(TIMELINES).join(', ')}) nor a readable JSON file: ${(e as Error).message}`
    );
  }
  if (!Array.isArray(parsed.incidents)) {
    throw new Error(`--timeline ${nameOrJson}: the file needs an "incidents" list`);
  }
  return { name: parsed.name ?? nameOrJson, history: parsed.history ?? '8d', incidents: parsed.incidents };
}
