/**
 * What the topology panel knows about GPU metrics: the columns it can colour
 * by, the names they go by (dcgm-exporter field names, the mlwatch `gpu`
 * frame's columns, friendly snake_case names) and how XID and throttling
 * values are read. Pure: no Grafana runtime, no DOM.
 */

/** Metrics a cell can be coloured by. */
export type ColorMetricId =
  'utilization' | 'memoryUsedPct' | 'temperature' | 'power' | 'smClock' | 'tensorActive' | 'stragglerScore';

/** Every numeric column the panel recognises by name. */
export type KnownMetricId = ColorMetricId | 'fbUsed' | 'fbFree';

export interface MetricInfo {
  id: KnownMetricId;
  /** Short name for menus, legends and tooltips. */
  title: string;
  /** Grafana unit id used when the data carries none. */
  unit: string;
  /** Colour domain used when field config sets no min/max (undefined: the data's range). */
  domain?: [number, number];
  /** Lower-case names this metric goes by, most specific first. */
  aliases: string[];
}

/**
 * The catalogue. Aliases are matched case-insensitively against field names,
 * `__name__` labels, legends and refIds; DCGM names also match inside PromQL
 * expressions (see metricFromText).
 */
export const METRICS: Record<KnownMetricId, MetricInfo> = {
  utilization: {
    id: 'utilization',
    title: 'Utilisation',
    unit: 'percent',
    domain: [0, 100],
    aliases: [
      'dcgm_fi_dev_gpu_util',
      'dcgm_gpu_utilization',
      'utilization',
      'utilisation',
      'gpu_util',
      'gpu_utilization',
      'gpu_utilisation',
      'util',
    ],
  },
  memoryUsedPct: {
    id: 'memoryUsedPct',
    title: 'Memory used',
    unit: 'percent',
    domain: [0, 100],
    aliases: [
      'memory_used_pct',
      'memory_used_percent',
      'mem_used_pct',
      'mem_used_percent',
      'fb_used_pct',
      'memory_pct',
    ],
  },
  temperature: {
    id: 'temperature',
    title: 'Temperature',
    unit: 'celsius',
    aliases: ['dcgm_fi_dev_gpu_temp', 'dcgm_gpu_temp', 'temperature', 'gpu_temp', 'temp'],
  },
  power: {
    id: 'power',
    title: 'Power',
    unit: 'watt',
    aliases: ['dcgm_fi_dev_power_usage', 'dcgm_power_usage', 'power', 'power_usage', 'power_draw', 'power_w'],
  },
  smClock: {
    id: 'smClock',
    title: 'SM clock',
    unit: 'rotmhz',
    aliases: ['dcgm_fi_dev_sm_clock', 'dcgm_sm_clock', 'sm_clock', 'clock_sm'],
  },
  tensorActive: {
    id: 'tensorActive',
    title: 'Tensor activity',
    unit: 'percentunit',
    domain: [0, 1],
    aliases: ['dcgm_fi_prof_pipe_tensor_active', 'tensor_active', 'tensor_activity', 'pipe_tensor_active', 'tensor'],
  },
  stragglerScore: {
    id: 'stragglerScore',
    title: 'Straggler score',
    unit: 'none',
    domain: [0, 1.25],
    aliases: ['straggler_score'],
  },
  fbUsed: {
    id: 'fbUsed',
    title: 'Memory used',
    unit: 'mbytes',
    aliases: ['dcgm_fi_dev_fb_used', 'dcgm_fb_used', 'fb_used', 'memory_used', 'mem_used'],
  },
  fbFree: {
    id: 'fbFree',
    title: 'Memory free',
    unit: 'mbytes',
    aliases: ['dcgm_fi_dev_fb_free', 'dcgm_fb_free', 'fb_free', 'memory_free', 'mem_free'],
  },
};

/** Colour metrics in menu order; 'auto' picks the first one the data has. */
export const COLOR_METRICS: ColorMetricId[] = [
  'utilization',
  'memoryUsedPct',
  'temperature',
  'power',
  'smClock',
  'tensorActive',
  'stragglerScore',
];

/** Preference of 'auto': the work-rate signals first. */
export const AUTO_COLOR_ORDER: ColorMetricId[] = [
  'utilization',
  'tensorActive',
  'memoryUsedPct',
  'temperature',
  'power',
  'smClock',
  'stragglerScore',
];

/** Special columns that are not colourable metrics. */
export type SpecialColumn =
  | 'xid'
  | 'xidCount'
  | 'throttleMask'
  | 'throttleFlag'
  | 'throttleEvents'
  | 'thermalViolation'
  | 'powerViolation'
  | 'straggler'
  | 'groupMedian'
  | 'groupSize'
  | 'p2p';

const SPECIAL: Record<SpecialColumn, string[]> = {
  // Value of the last (gauge) or highest (mlwatch xid_max) XID error; 0 is none.
  xid: [
    'dcgm_fi_dev_xid_errors',
    'dcgm_xid_errors',
    'xid_max',
    'xid',
    'xid_errors',
    'last_xid',
    'xid_error',
    'xid_code',
  ],
  // dcgm-exporter's windowed count, one series per `xid` label.
  xidCount: ['dcgm_exp_xid_errors_count', 'xid_count', 'xid_errors_count'],
  // Bit masks of clock event (throttle) reasons, as in DCGM.
  throttleMask: [
    'dcgm_fi_dev_clocks_event_reasons',
    'dcgm_fi_dev_clock_throttle_reasons',
    'clocks_event_reasons',
    'clock_throttle_reasons',
    'throttle_reasons',
    'throttle_reason',
  ],
  // Anything truthy means throttled (booleans, 0/1, reason text).
  throttleFlag: ['throttled', 'throttle', 'throttling', 'is_throttled'],
  // Counts of throttling clock events (mlwatch's throttle_events, dcgm-exporter's windowed count).
  throttleEvents: ['throttle_events', 'dcgm_exp_clock_events_count', 'clock_events', 'clock_events_count'],
  // Share of time throttled (mlwatch) or the raw violation counters (ns).
  thermalViolation: ['thermal_violation_share', 'dcgm_fi_dev_thermal_violation', 'thermal_violation'],
  powerViolation: ['power_violation_share', 'dcgm_fi_dev_power_violation', 'power_violation'],
  straggler: ['straggler', 'is_straggler'],
  groupMedian: ['group_median'],
  groupSize: ['group_size'],
  p2p: ['dcgm_exp_p2p_status', 'p2p_status'],
};

export type ColumnKind = { kind: 'metric'; id: KnownMetricId } | { kind: 'special'; id: SpecialColumn };

const EXACT = new Map<string, ColumnKind>();
for (const m of Object.values(METRICS)) {
  for (const a of m.aliases) {
    EXACT.set(a, { kind: 'metric', id: m.id });
  }
}
for (const [id, aliases] of Object.entries(SPECIAL) as Array<[SpecialColumn, string[]]>) {
  for (const a of aliases) {
    EXACT.set(a, { kind: 'special', id });
  }
}

/** DCGM names that may appear inside a PromQL expression or legend, longest first. */
const DCGM_NAMES = [...EXACT.keys()].filter((k) => k.startsWith('dcgm_')).sort((a, b) => b.length - a.length);

/** What a column or series name stands for, by exact (case-insensitive) name. */
export function columnKind(name: string | undefined): ColumnKind | undefined {
  if (!name) {
    return undefined;
  }
  return EXACT.get(name.trim().toLowerCase());
}

/**
 * What a free text (a legend, a refId, an executed PromQL query) refers to:
 * an exact alias, else the one DCGM metric name it mentions. Text that
 * mentions several DCGM metrics (a ratio, say) is ambiguous: undefined.
 */
export function metricFromText(text: string | undefined): ColumnKind | undefined {
  if (!text) {
    return undefined;
  }
  const exact = columnKind(text);
  if (exact) {
    return exact;
  }
  const lower = text.toLowerCase();
  let found: ColumnKind | undefined;
  let foundName = '';
  for (const name of DCGM_NAMES) {
    const at = lower.indexOf(name);
    if (at < 0) {
      continue;
    }
    // DCGM_FI_DEV_FB_USED also matches inside a longer name; names are tried
    // longest first, so a shorter one inside the found one is not a second metric.
    if (foundName.includes(name)) {
      continue;
    }
    if (found) {
      return undefined;
    }
    found = EXACT.get(name);
    foundName = name;
  }
  return found;
}

/** DCGM clock event (throttle) reason bits, from dcgm_fields.h. */
export const CLOCK_EVENT_BITS: Array<[number, string]> = [
  [0x1, 'gpu_idle'],
  [0x2, 'clocks_setting'],
  [0x4, 'power_cap'],
  [0x8, 'hw_slowdown'],
  [0x10, 'sync_boost'],
  [0x20, 'sw_thermal'],
  [0x40, 'hw_thermal'],
  [0x80, 'hw_power_brake'],
  [0x100, 'display_clocks'],
];

/**
 * Reasons that slow a busy GPU down. Idle, application clock settings, sync
 * boost and display clocks are normal states, not throttling.
 */
export const THROTTLING_REASONS = new Set(['power_cap', 'hw_slowdown', 'sw_thermal', 'hw_thermal', 'hw_power_brake']);
const THROTTLING_MASK = 0x4 | 0x8 | 0x20 | 0x40 | 0x80;

/** The throttling reasons in a DCGM clock event bit mask. */
export function throttleReasonsFromMask(mask: number): string[] {
  if (!Number.isFinite(mask) || mask <= 0 || (mask & THROTTLING_MASK) === 0) {
    return [];
  }
  return CLOCK_EVENT_BITS.filter(([bit, name]) => (mask & bit) !== 0 && THROTTLING_REASONS.has(name)).map(
    ([, name]) => name
  );
}

const NOT_THROTTLED = new Set(['', '0', 'false', 'no', 'none', 'ok', 'null', 'nan', 'gpu_idle', 'idle']);

/**
 * Reads a throttle flag column: booleans, numbers (non-zero), or reason text
 * such as "hw_thermal,power_cap". Returns the reasons found ('throttled' when
 * the value says so without a reason), or [] for not throttled.
 */
export function throttleReasonsFromValue(value: unknown): string[] {
  if (value === null || value === undefined) {
    return [];
  }
  if (typeof value === 'boolean') {
    return value ? ['throttled'] : [];
  }
  if (typeof value === 'number') {
    return Number.isFinite(value) && value !== 0 ? ['throttled'] : [];
  }
  const text = String(value).trim().toLowerCase();
  if (NOT_THROTTLED.has(text)) {
    return [];
  }
  if (text === 'true' || text === 'yes' || text === '1') {
    return ['throttled'];
  }
  const parts = text
    .split(/[\s,;|+]+/)
    .map((p) => p.replace(/^dcgm_clocks_(throttle|event)_reason_/, ''))
    .filter((p) => !NOT_THROTTLED.has(p));
  return parts.length > 0 ? parts : [];
}

/** Human names for throttling reasons. */
export function describeThrottleReason(reason: string): string {
  switch (reason) {
    case 'power_cap':
      return 'power cap';
    case 'hw_slowdown':
      return 'hardware slowdown';
    case 'sw_thermal':
      return 'software thermal';
    case 'hw_thermal':
      return 'hardware thermal';
    case 'hw_power_brake':
      return 'power brake';
    case 'thermal':
      return 'thermal';
    case 'power':
      return 'power';
    default:
      return reason.replace(/_/g, ' ');
  }
}

/**
 * Short descriptions of common XID errors, for data without dcgm-exporter's
 * err_msg label. The full list is NVIDIA's XID catalogue
 * (docs.nvidia.com/deploy/xid-errors); dcgm-exporter carries it in
 * internal/pkg/collector/xid_errors.go.
 */
const XID_TEXT: Record<number, string> = {
  13: 'Graphics engine exception',
  31: 'GPU memory page fault',
  43: 'GPU stopped processing',
  45: 'Preemptive cleanup',
  48: 'Double-bit ECC error',
  61: 'Internal micro-controller breakpoint',
  62: 'Internal micro-controller halt',
  63: 'ECC page retirement or row remapping',
  64: 'ECC page retirement or row remapping failure',
  74: 'NVLink error',
  79: 'GPU has fallen off the bus',
  92: 'High single-bit ECC error rate',
  94: 'Contained ECC error',
  95: 'Uncontained ECC error',
  119: 'GSP RPC timeout',
  120: 'GSP error',
  140: 'Unrecovered ECC error',
};

export function describeXid(code: number, message?: string): string {
  const text = message && message.trim() !== '' ? message.trim() : XID_TEXT[code];
  return text ? `XID ${code}: ${text}` : `XID ${code}`;
}
