// A GPU fleet as NVIDIA dcgm-exporter shows it: its metric names, label
// names and label values (gpu, UUID, pci_bus_id, device, modelName,
// Hostname, DCGM_FI_DRIVER_VERSION, and pod/namespace/container for GPUs
// assigned to pods), for a configurable cluster with realistic noise, peer
// links (DCGM_EXP_P2P_STATUS) and the GPU incidents of the scenario.

import { hash, hexId, normal } from './rng';
import { Incident, Scenario } from './scenario';
import { Labels, SeriesBuilder, Source } from './series';
import { diurnal } from './model';

export const GPU_MODEL = 'NVIDIA H100 80GB HBM3';
export const DRIVER_VERSION = '570.133.20';
/** Framebuffer of an H100 80GB as DCGM reports it (MiB). */
export const FB_TOTAL = 81559;
export const FB_RESERVED = 580;
const PCI_BUS = ['18', '2A', '3A', '5D', '9A', 'AB', 'BA', 'DB'];
export const CLOCK_EVENTS = [
  'gpu_idle',
  'clocks_setting',
  'power_cap',
  'hw_slowdown',
  'sync_boost',
  'sw_thermal',
  'hw_thermal',
  'hw_power_brake',
  'display_clocks',
];
/** Clock event reason bits (nvmlClocksEventReason*). */
const REASON = { gpuIdle: 0x1, swPowerCap: 0x4, hwSlowdown: 0x8, swThermal: 0x20, hwThermal: 0x40 };
const XID_MESSAGES: Record<number, string> = {
  13: 'Graphics Engine Exception',
  31: 'GPU memory page fault',
  48: 'Double Bit ECC Error',
  63: 'ECC page retirement or row remapping recording event',
  74: 'NVLINK Error',
  79: 'GPU has fallen off the bus',
  94: 'Contained ECC error',
  95: 'Uncontained ECC error',
};
/** Clock event count window of the exporter (--clock-events-count-window-size, default 5 min). */
const WINDOW_MS = '300000';

export type Role = 'training' | 'inference' | 'research' | 'idle';

export interface GPU {
  host: string;
  node: number;
  index: number;
  uuid: string;
  role: Role;
  labels: Labels;
}

export function hostName(node: number): string {
  return `gpu-node-${String(node + 1).padStart(2, '0')}`;
}

/** Role of each node: half training, a quarter inference, 1/16 research, the rest unassigned. */
export function roleOf(node: number, nodes: number): Role {
  const f = (node + 0.5) / nodes;
  if (f < 0.5) {
    return 'training';
  }
  if (f < 0.75) {
    return 'inference';
  }
  if (f < 0.8125) {
    return 'research';
  }
  return 'idle';
}

export function fleetGPUs(sc: Scenario): GPU[] {
  const out: GPU[] = [];
  const roleIndex: Record<Role, number> = { training: 0, inference: 0, research: 0, idle: 0 };
  for (let n = 0; n < sc.nodes; n++) {
    const role = roleOf(n, sc.nodes);
    const ri = roleIndex[role]++;
    const host = hostName(n);
    for (let g = 0; g < sc.gpusPerNode; g++) {
      const h = hexId(16, sc.seed, 'uuid', host, g);
      const uuid = `GPU-${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
      const labels: Labels = {
        gpu: String(g),
        UUID: uuid,
        pci_bus_id: `00000000:${PCI_BUS[g % PCI_BUS.length]}:00.0`,
        device: `nvidia${g}`,
        modelName: GPU_MODEL,
        Hostname: host,
        DCGM_FI_DRIVER_VERSION: DRIVER_VERSION,
      };
      switch (role) {
        case 'training':
          Object.assign(labels, { container: 'pytorch', namespace: 'training', pod: `llm-pretrain-worker-${ri}` });
          break;
        case 'inference':
          Object.assign(labels, {
            container: 'vllm',
            namespace: 'inference',
            pod: `vllm-llama3-70b-6d5f8b7c9-${hexId(3, sc.seed, 'pod', host).slice(0, 5)}`,
          });
          break;
        case 'research':
          Object.assign(labels, { container: 'trainer', namespace: 'research', pod: `finetune-lora-${ri}` });
          break;
      }
      out.push({ host, node: n, index: g, uuid, role, labels });
    }
  }
  return out;
}

/** The values of one GPU at one moment. */
export interface GPUState {
  util: number;
  tensor: number;
  smClock: number;
  temp: number;
  power: number;
  fbUsed: number;
  reasons: number;
  xid: number;
  /** Share of time throttled by temperature / power. */
  thermalShare: number;
  powerShare: number;
  /** Clock events in the exporter's window, by event. */
  events: Record<string, number>;
}

const onGPU = (g: GPU) => (i: Incident) => i.host === g.host && (i.gpu ?? 0) === g.index;

export function gpuState(sc: Scenario, g: GPU, t: number): GPUState {
  const seed = sc.seed;
  // Noise varies every 30 s (the exporter's collect interval).
  const k = Math.floor(t / 30e3);
  const z = (name: string) => normal(seed, g.uuid, name, k);
  const zNode = (name: string) => normal(seed, g.host, name, k);
  let util: number;
  let tensorShare: number;
  let fb: number;
  switch (g.role) {
    case 'training':
      util = 96 + 1.2 * z('u');
      tensorShare = 0.62;
      fb = 72100 + 300 * z('fb');
      break;
    case 'inference': {
      const load = 45 + 40 * ((diurnal(t) - 0.65) / 0.7);
      util = load + 3 * zNode('u') + 1.5 * z('u');
      tensorShare = 0.38;
      fb = 76300 + 50 * z('fb');
      break;
    }
    case 'research':
      util = 72 + 3 * zNode('u') + 2 * z('u');
      tensorShare = 0.5;
      fb = 41000 + 800 * z('fb');
      break;
    default:
      util = 0;
      tensorShare = 0;
      fb = 0;
  }
  const straggle = sc.level('gpu_straggler', t, onGPU(g));
  const thermal = sc.level('thermal_throttle', t, onGPU(g));
  util = util * (1 - 0.45 * straggle);
  util = Math.max(0, Math.min(100, util));
  const busy = util / 100;
  const idle = g.role === 'idle';
  let smClock = idle ? 345 : 1980 - (busy < 0.05 ? 1500 : 0);
  smClock -= 570 * straggle + 600 * thermal;
  const tensor = Math.max(0, Math.min(1, busy * tensorShare * (1 - 0.2 * thermal) + 0.015 * z('t')));
  let temp = idle ? 31 + 0.5 * z('temp') : 36 + 34 * busy + 1.5 * z('temp') + 2 * zNode('temp');
  temp += 21 * thermal;
  let power = idle ? 69 + 2 * z('p') : 75 + 590 * busy * (smClock / 1980) + 12 * z('p');
  power = Math.min(700, power);
  let reasons = idle ? REASON.gpuIdle : 0;
  const events: Record<string, number> = {};
  if (idle) {
    events.gpu_idle = 1;
  }
  if (straggle > 0) {
    reasons |= REASON.hwSlowdown;
    events.hw_slowdown = Math.round(6 + 14 * straggle);
  }
  if (thermal > 0) {
    reasons |= REASON.swThermal | (thermal > 0.6 ? REASON.hwThermal : 0);
    events.sw_thermal = Math.round(4 + 10 * thermal);
    if (thermal > 0.6) {
      events.hw_thermal = Math.round(2 + 4 * thermal);
    }
  }
  let powerShare = 0;
  if (g.role === 'training' && power > 640) {
    reasons |= REASON.swPowerCap;
    events.power_cap = 1 + (hash(seed, g.uuid, 'pc', k) % 3);
    powerShare = 0.03;
  }
  const xidInc = sc.active('xid_error', t, onGPU(g));
  return {
    util: Math.round(util),
    tensor,
    smClock: Math.round(smClock / 15) * 15,
    temp: Math.round(temp),
    power,
    fbUsed: Math.round(fb),
    reasons,
    xid: xidInc.length ? (xidInc[0].xid ?? 94) : 0,
    thermalShare: 0.6 * thermal,
    powerShare,
    events,
  };
}

/**
 * The dcgm-exporter series of the fleet (families in the exporter's order
 * of etc/default-counters.csv, then the DCGM_EXP_* ones).
 */
export function fleetSource(sc: Scenario): Source {
  const gpus = fleetGPUs(sc);
  const b = new SeriesBuilder();
  const fams = {
    sm: b.family('DCGM_FI_DEV_SM_CLOCK', 'gauge', 'SM clock frequency (in MHz).'),
    mem: b.family('DCGM_FI_DEV_MEM_CLOCK', 'gauge', 'Memory clock frequency (in MHz).'),
    memTemp: b.family('DCGM_FI_DEV_MEMORY_TEMP', 'gauge', 'Memory temperature (in C).'),
    temp: b.family('DCGM_FI_DEV_GPU_TEMP', 'gauge', 'GPU temperature (in C).'),
    power: b.family('DCGM_FI_DEV_POWER_USAGE', 'gauge', 'Power draw (in W).'),
    energy: b.family('DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION', 'counter', 'Total energy consumption since boot (in mJ).'),
    replay: b.family('DCGM_FI_DEV_PCIE_REPLAY_COUNTER', 'counter', 'Total number of PCIe retries.'),
    util: b.family('DCGM_FI_DEV_GPU_UTIL', 'gauge', 'GPU utilization (in %).'),
    copy: b.family('DCGM_FI_DEV_MEM_COPY_UTIL', 'gauge', 'Memory utilization (in %).'),
    enc: b.family('DCGM_FI_DEV_ENC_UTIL', 'gauge', 'Encoder utilization (in %).'),
    dec: b.family('DCGM_FI_DEV_DEC_UTIL', 'gauge', 'Decoder utilization (in %).'),
    xid: b.family('DCGM_FI_DEV_XID_ERRORS', 'gauge', 'Value of the last XID error encountered.'),
    fbFree: b.family('DCGM_FI_DEV_FB_FREE', 'gauge', 'Framebuffer memory free (in MiB).'),
    fbUsed: b.family('DCGM_FI_DEV_FB_USED', 'gauge', 'Framebuffer memory used (in MiB).'),
    fbRes: b.family('DCGM_FI_DEV_FB_RESERVED', 'gauge', 'Framebuffer memory reserved (in MiB).'),
    nvlink: b.family(
      'DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL',
      'counter',
      'Total number of NVLink bandwidth counters for all lanes.'
    ),
    reasons: b.family('DCGM_FI_DEV_CLOCK_THROTTLE_REASONS', 'gauge', 'Current clock throttle reasons (bitmask).'),
    thermalV: b.family(
      'DCGM_FI_DEV_THERMAL_VIOLATION',
      'counter',
      'Throttling duration due to thermal constraints (in ns).'
    ),
    powerV: b.family('DCGM_FI_DEV_POWER_VIOLATION', 'counter', 'Throttling duration due to power constraints (in ns).'),
    gr: b.family('DCGM_FI_PROF_GR_ENGINE_ACTIVE', 'gauge', 'Ratio of time the graphics engine is active.'),
    tensor: b.family('DCGM_FI_PROF_PIPE_TENSOR_ACTIVE', 'gauge', 'Ratio of cycles the tensor (HMMA) pipe is active.'),
    dram: b.family(
      'DCGM_FI_PROF_DRAM_ACTIVE',
      'gauge',
      'Ratio of cycles the device memory interface is active sending or receiving data.'
    ),
    tx: b.family(
      'DCGM_FI_PROF_PCIE_TX_BYTES',
      'gauge',
      'The rate of data transmitted over the PCIe bus - including both protocol headers and data payloads - in bytes per second.'
    ),
    rx: b.family(
      'DCGM_FI_PROF_PCIE_RX_BYTES',
      'gauge',
      'The rate of data received over the PCIe bus - including both protocol headers and data payloads - in bytes per second.'
    ),
    events: b.family(
      'DCGM_EXP_CLOCK_EVENTS_COUNT',
      'counter',
      'Count of clock events within the user-specified time window (see clock-events-count-window-size param).'
    ),
    xidCount: b.family(
      'DCGM_EXP_XID_ERRORS_COUNT',
      'counter',
      'Count of XID Errors within user-specified time window (see xid-count-window-size param).'
    ),
    p2p: b.family('DCGM_EXP_P2P_STATUS', 'gauge', 'P2P NvLink status between GPU pairs.'),
  };
  // XID codes each GPU can show (those of its incidents).
  const xidsOf = gpus.map((g) => [
    ...new Set(
      sc
        .of('xid_error')
        .filter(onGPU(g))
        .map((i) => i.xid ?? 94)
    ),
  ]);
  const idx = {
    sm: gpus.map((g) => b.gauge(fams.sm, g.labels)),
    mem: gpus.map((g) => b.gauge(fams.mem, g.labels)),
    memTemp: gpus.map((g) => b.gauge(fams.memTemp, g.labels)),
    temp: gpus.map((g) => b.gauge(fams.temp, g.labels)),
    power: gpus.map((g) => b.gauge(fams.power, g.labels)),
    energy: gpus.map((g) => b.counter(fams.energy, g.labels)),
    replay: gpus.map((g) => b.counter(fams.replay, g.labels)),
    util: gpus.map((g) => b.gauge(fams.util, g.labels)),
    copy: gpus.map((g) => b.gauge(fams.copy, g.labels)),
    enc: gpus.map((g) => b.gauge(fams.enc, g.labels)),
    dec: gpus.map((g) => b.gauge(fams.dec, g.labels)),
    xidNone: gpus.map((g) => b.gauge(fams.xid, { ...g.labels, err_code: '0', err_msg: 'No Error' })),
    xid: gpus.map((g, i) =>
      xidsOf[i].map((x) =>
        b.gauge(fams.xid, { ...g.labels, err_code: String(x), err_msg: XID_MESSAGES[x] ?? 'Unknown Error' })
      )
    ),
    fbFree: gpus.map((g) => b.gauge(fams.fbFree, g.labels)),
    fbUsed: gpus.map((g) => b.gauge(fams.fbUsed, g.labels)),
    fbRes: gpus.map((g) => b.gauge(fams.fbRes, g.labels)),
    nvlink: gpus.map((g) => b.counter(fams.nvlink, g.labels)),
    reasons: gpus.map((g) => b.gauge(fams.reasons, g.labels)),
    thermalV: gpus.map((g) => b.counter(fams.thermalV, g.labels)),
    powerV: gpus.map((g) => b.counter(fams.powerV, g.labels)),
    gr: gpus.map((g) => b.gauge(fams.gr, g.labels)),
    tensor: gpus.map((g) => b.gauge(fams.tensor, g.labels)),
    dram: gpus.map((g) => b.gauge(fams.dram, g.labels)),
    tx: gpus.map((g) => b.gauge(fams.tx, g.labels)),
    rx: gpus.map((g) => b.gauge(fams.rx, g.labels)),
    events: gpus.map((g) =>
      CLOCK_EVENTS.map((e) => b.gauge(fams.events, { ...g.labels, clock_event: e, window_size_in_ms: WINDOW_MS }))
    ),
    xidCountNone: gpus.map((g) => b.gauge(fams.xidCount, { ...g.labels, xid: '0', window_size_in_ms: WINDOW_MS })),
    xidCount: gpus.map((g, i) =>
      xidsOf[i].map((x) => b.gauge(fams.xidCount, { ...g.labels, xid: String(x), window_size_in_ms: WINDOW_MS }))
    ),
    p2p: gpus.map((g) => {
      const out: number[] = [];
      for (let p = 0; p < sc.gpusPerNode; p++) {
        if (p !== g.index) {
          out.push(b.gauge(fams.p2p, { ...g.labels, peer_gpu: String(p), link_status: 'OK' }));
        }
      }
      return out;
    }),
  };
  // The exporter's DCGM_EXP_* counters are "counts within a window": they
  // go up and down, so the demo serves them as plain values.
  for (const list of [idx.events.flat(), idx.xidCountNone, idx.xidCount.flat()]) {
    for (const i of list) {
      b.series[i].counter = false;
    }
  }
  return {
    name: 'dcgm',
    series: b.series,
    lazyGroups: b.lazyGroups,
    fill(t: number, dt: number, out: Float64Array) {
      for (let i = 0; i < gpus.length; i++) {
        const g = gpus[i];
        const s = gpuState(sc, g, t);
        const busy = s.util / 100;
        const k = Math.floor(t / 30e3);
        out[idx.sm[i]] = s.smClock;
        out[idx.mem[i]] = g.role === 'idle' ? 1593 : 2619;
        out[idx.memTemp[i]] = s.temp + 7;
        out[idx.temp[i]] = s.temp;
        out[idx.power[i]] = Math.round(s.power * 1000) / 1000;
        out[idx.energy[i]] = Math.round(s.power * dt * 1000);
        out[idx.replay[i]] = s.xid ? 3 : 0;
        out[idx.util[i]] = s.util;
        out[idx.copy[i]] = Math.round(busy * 31);
        out[idx.enc[i]] = 0;
        out[idx.dec[i]] = 0;
        out[idx.xidNone[i]] = s.xid ? NaN : 0;
        idx.xid[i].forEach((j, n) => (out[j] = s.xid === xidsOf[i][n] ? s.xid : NaN));
        out[idx.fbFree[i]] = FB_TOTAL - FB_RESERVED - s.fbUsed;
        out[idx.fbUsed[i]] = s.fbUsed;
        out[idx.fbRes[i]] = FB_RESERVED;
        const linkRate = g.role === 'training' ? 180000 : g.role === 'inference' ? 60000 : 5000;
        out[idx.nvlink[i]] = Math.round(linkRate * busy * dt);
        out[idx.reasons[i]] = s.reasons;
        out[idx.thermalV[i]] = Math.round(s.thermalShare * dt * 1e9);
        out[idx.powerV[i]] = Math.round(s.powerShare * dt * 1e9);
        out[idx.gr[i]] = round4(Math.min(1, busy * 0.98));
        out[idx.tensor[i]] = round4(s.tensor);
        out[idx.dram[i]] = round4(Math.min(1, busy * 0.45 + 0.01 * normal(sc.seed, g.uuid, 'dram', k)));
        const pcie = g.role === 'training' ? 2.1e9 : g.role === 'inference' ? 7.5e8 : g.role === 'research' ? 3e8 : 0;
        out[idx.tx[i]] = Math.round(pcie * busy * (1 + 0.05 * normal(sc.seed, g.uuid, 'tx', k)));
        out[idx.rx[i]] = Math.round(pcie * 1.3 * busy * (1 + 0.05 * normal(sc.seed, g.uuid, 'rx', k)));
        idx.events[i].forEach((j, n) => (out[j] = s.events[CLOCK_EVENTS[n]] ?? 0));
        out[idx.xidCountNone[i]] = s.xid ? NaN : 0;
        idx.xidCount[i].forEach((j, n) => (out[j] = s.xid === xidsOf[i][n] ? 1 : NaN));
        for (const j of idx.p2p[i]) {
          out[j] = 0;
        }
      }
    },
  };
}

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
