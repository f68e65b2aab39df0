// The serving pods as Kubernetes shows them: cAdvisor series (from the
// kubelet's /metrics/cadvisor), kubelet volume stats (/metrics) and
// kube-state-metrics series, with their exact names and labels, for the
// pods of the simulated models and of the LLM assistant. The scenario's
// oom_kill and cpu_throttling incidents act on them.

import { hexId, normal } from './rng';
import { Incident, Scenario } from './scenario';
import { Labels, SeriesBuilder, Source } from './series';
import { diurnal, MODELS } from './model';

export const NAMESPACE = 'ml-serving';
const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

export interface Pod {
  app: string;
  pod: string;
  container: string;
  node: string;
  image: string;
  uid: string;
  /** CPU limit and request (cores), memory limit and request (bytes). */
  cpuLimit: number;
  cpuRequest: number;
  memLimit: number;
  memRequest: number;
  /** Baseline CPU (cores) at the daily mean and working set (bytes). */
  cpu: number;
  mem: number;
}

export function servingPods(sc: Scenario): Pod[] {
  const pods: Pod[] = [];
  const add = (
    app: string,
    names: string[],
    image: string,
    cpuLimit: number,
    memLimit: number,
    cpu: number,
    mem: number
  ) => {
    names.forEach((pod, i) => {
      pods.push({
        app,
        pod,
        container: app === 'support-assistant' ? 'assistant' : 'model-server',
        node: `cpu-node-${String(((pods.length + i) % 4) + 1).padStart(2, '0')}`,
        image,
        uid: formatUid(hexId(16, sc.seed, 'uid', pod)),
        cpuLimit,
        cpuRequest: cpuLimit / 2,
        memLimit,
        memRequest: memLimit / 2,
        cpu,
        mem,
      });
    });
  };
  for (const m of MODELS) {
    add(
      m.name,
      m.pods,
      `registry.example.com/ml/${m.name}:${m.version}`,
      2,
      2 * GiB,
      m.name === 'fraud-detector' ? 0.7 : 0.3,
      m.name === 'fraud-detector' ? 900 * MiB : 600 * MiB
    );
  }
  add(
    'support-assistant',
    ['support-assistant-6f8d9b7c5-zk2lm', 'support-assistant-6f8d9b7c5-hp7wd'],
    'registry.example.com/ml/support-assistant:1.8.2',
    1,
    1 * GiB,
    0.2,
    350 * MiB
  );
  return pods;
}

function formatUid(h: string): string {
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** Incidents that hit this pod: those naming it, or naming its app (then its first replica). */
function hits(sc: Scenario, p: Pod, pods: Pod[]) {
  return (i: Incident) => {
    if (i.pod) {
      return i.pod === p.pod;
    }
    if (i.model && i.model !== p.app) {
      return false;
    }
    const app = i.model ?? 'fraud-detector';
    return pods.find((q) => q.app === app)?.pod === p.pod;
  };
}

function allOfApp(p: Pod) {
  return (i: Incident) => (i.pod ? i.pod === p.pod : !i.model || i.model === p.app);
}

export interface PodState {
  cpu: number;
  throttledShare: number;
  mem: number;
  /** OOM kills that happened in (t-dt, t], and before t in all. */
  oomsInStep: number;
  oomsBefore: number;
}

export function podState(sc: Scenario, p: Pod, pods: Pod[], t: number, dtSec: number): PodState {
  const k = Math.floor(t / 15e3);
  const load = p.app === 'support-assistant' ? diurnal(t) : diurnal(t);
  const throttle = sc.level('cpu_throttling', t, allOfApp(p));
  let cpu = p.cpu * load * (1 + 0.05 * normal(sc.seed, p.pod, 'cpu', k));
  // Throttled: demand above the limit, usage pinned near it.
  cpu = cpu + (p.cpuLimit * 0.98 - cpu) * throttle;
  const throttledShare = 0.01 + 0.5 * throttle;
  let mem = p.mem * (1 + 0.02 * normal(sc.seed, p.pod, 'mem', Math.floor(t / 60e3)));
  const ooms = sc.of('oom_kill').filter(hits(sc, p, pods));
  let oomsInStep = 0;
  let oomsBefore = 0;
  for (const i of ooms) {
    const end = Number.isFinite(i.end) ? i.end : i.start + 40 * 60e3;
    if (t >= i.start && t < end) {
      // A leak: the working set climbs to the limit, then the kernel kills it.
      const f = (t - i.start) / (end - i.start);
      mem = mem + (p.memLimit * 0.995 - mem) * Math.pow(f, 1.3);
    }
    if (end <= t) {
      oomsBefore++;
      if (end > t - dtSec * 1000) {
        oomsInStep++;
      }
    }
  }
  return { cpu, throttledShare, mem: Math.round(mem), oomsInStep, oomsBefore };
}

/** cAdvisor, kubelet and kube-state-metrics series of the serving pods. */
export function kubeSources(sc: Scenario): { cadvisor: Source; kubelet: Source; ksm: Source } {
  const pods = servingPods(sc);
  // cAdvisor (kubelet /metrics/cadvisor).
  const c = new SeriesBuilder();
  const cLabels = (p: Pod): Labels => ({
    container: p.container,
    id: `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${p.uid.replace(/-/g, '_')}.slice/cri-containerd-${hexId(32, sc.seed, 'cid', p.pod)}.scope`,
    image: p.image,
    name: hexId(32, sc.seed, 'cid', p.pod),
    namespace: NAMESPACE,
    node: p.node,
    pod: p.pod,
  });
  const podLabels = (p: Pod): Labels => ({
    id: `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${p.uid.replace(/-/g, '_')}.slice`,
    interface: 'eth0',
    namespace: NAMESPACE,
    node: p.node,
    pod: p.pod,
  });
  const fCpu = c.family('container_cpu_usage_seconds_total', 'counter', 'Cumulative cpu time consumed in seconds.');
  const fPer = c.family(
    'container_cpu_cfs_periods_total',
    'counter',
    'Number of elapsed enforcement period intervals.'
  );
  const fThr = c.family(
    'container_cpu_cfs_throttled_periods_total',
    'counter',
    'Number of throttled period intervals.'
  );
  const fThrS = c.family(
    'container_cpu_cfs_throttled_seconds_total',
    'counter',
    'Total time duration the container has been throttled.'
  );
  const fWs = c.family('container_memory_working_set_bytes', 'gauge', 'Current working set in bytes.');
  const fUse = c.family(
    'container_memory_usage_bytes',
    'gauge',
    'Current memory usage in bytes, including all memory regardless of when it was accessed'
  );
  const fRx = c.family('container_network_receive_bytes_total', 'counter', 'Cumulative count of bytes received');
  const fTx = c.family('container_network_transmit_bytes_total', 'counter', 'Cumulative count of bytes transmitted');
  const ci = {
    cpu: pods.map((p) => c.counter(fCpu, cLabels(p))),
    per: pods.map((p) => c.counter(fPer, cLabels(p))),
    thr: pods.map((p) => c.counter(fThr, cLabels(p))),
    thrS: pods.map((p) => c.counter(fThrS, cLabels(p))),
    ws: pods.map((p) => c.gauge(fWs, cLabels(p))),
    use: pods.map((p) => c.gauge(fUse, cLabels(p))),
    rx: pods.map((p) => c.counter(fRx, podLabels(p))),
    tx: pods.map((p) => c.counter(fTx, podLabels(p))),
  };
  const cadvisor: Source = {
    name: 'cadvisor',
    series: c.series,
    lazyGroups: c.lazyGroups,
    fill(t, dt, out) {
      pods.forEach((p, i) => {
        const s = podState(sc, p, pods, t, dt);
        const periods = dt * 10; // 100 ms CFS periods
        out[ci.cpu[i]] = s.cpu * dt;
        out[ci.per[i]] = Math.round(periods);
        out[ci.thr[i]] = Math.round(periods * s.throttledShare);
        out[ci.thrS[i]] = periods * s.throttledShare * 0.04;
        out[ci.ws[i]] = s.mem;
        out[ci.use[i]] = Math.round(s.mem * 1.18);
        const traffic = (p.app === 'support-assistant' ? 0.4e6 : 1.5e6) * diurnal(t);
        out[ci.rx[i]] = Math.round(traffic * dt);
        out[ci.tx[i]] = Math.round(traffic * 0.6 * dt);
      });
    },
  };
  // kubelet /metrics: volume stats of the model store and feature cache.
  const k = new SeriesBuilder();
  const volumes = [
    { pvc: 'model-store', node: 'cpu-node-01', capacity: 100 * GiB, used: 38 * GiB, growth: 0.4 * GiB },
    { pvc: 'feature-cache', node: 'cpu-node-02', capacity: 50 * GiB, used: 12 * GiB, growth: 1.1 * GiB },
  ];
  const fVolUsed = k.family('kubelet_volume_stats_used_bytes', 'gauge', 'Number of used bytes in the volume');
  const fVolCap = k.family('kubelet_volume_stats_capacity_bytes', 'gauge', 'Capacity in bytes of the volume');
  const fVolAvail = k.family(
    'kubelet_volume_stats_available_bytes',
    'gauge',
    'Number of available bytes in the volume'
  );
  const vl = (v: (typeof volumes)[number]): Labels => ({
    namespace: NAMESPACE,
    node: v.node,
    persistentvolumeclaim: v.pvc,
  });
  const ki = {
    used: volumes.map((v) => k.gauge(fVolUsed, vl(v))),
    cap: volumes.map((v) => k.gauge(fVolCap, vl(v))),
    avail: volumes.map((v) => k.gauge(fVolAvail, vl(v))),
  };
  const kubelet: Source = {
    name: 'kubelet',
    series: k.series,
    lazyGroups: k.lazyGroups,
    fill(t, _dt, out) {
      volumes.forEach((v, i) => {
        // Grows by `growth` a day, in a saw tooth: a weekly clean-up.
        const days = ((((t - sc.anchor) / 86400e3) % 7) + 7) % 7;
        const used = Math.round(v.used + v.growth * days);
        out[ki.used[i]] = used;
        out[ki.cap[i]] = v.capacity;
        out[ki.avail[i]] = v.capacity - used;
      });
    },
  };
  // kube-state-metrics.
  const s = new SeriesBuilder();
  const fLim = s.family(
    'kube_pod_container_resource_limits',
    'gauge',
    'The number of requested limit resource by a container. It is recommended to use the kube_pod_resource_limits metric exposed by kube-scheduler instead, as it is more precise.'
  );
  const fReq = s.family(
    'kube_pod_container_resource_requests',
    'gauge',
    'The number of requested request resource by a container. It is recommended to use the kube_pod_resource_requests metric exposed by kube-scheduler instead, as it is more precise.'
  );
  const fRestarts = s.family(
    'kube_pod_container_status_restarts_total',
    'counter',
    'The number of container restarts per container.'
  );
  const fLast = s.family(
    'kube_pod_container_status_last_terminated_reason',
    'gauge',
    'Describes the last reason the container was in terminated state.'
  );
  const fReady = s.family(
    'kube_pod_container_status_ready',
    'gauge',
    'Describes whether the containers readiness check succeeded.'
  );
  const fInfo = s.family('kube_pod_info', 'gauge', 'Information about pod.');
  const base = (p: Pod): Labels => ({ namespace: NAMESPACE, pod: p.pod, uid: p.uid, container: p.container });
  const si = {
    limCpu: pods.map((p) => s.gauge(fLim, { ...base(p), node: p.node, resource: 'cpu', unit: 'core' })),
    limMem: pods.map((p) => s.gauge(fLim, { ...base(p), node: p.node, resource: 'memory', unit: 'byte' })),
    reqCpu: pods.map((p) => s.gauge(fReq, { ...base(p), node: p.node, resource: 'cpu', unit: 'core' })),
    reqMem: pods.map((p) => s.gauge(fReq, { ...base(p), node: p.node, resource: 'memory', unit: 'byte' })),
    restarts: pods.map((p) => s.counter(fRestarts, base(p))),
    last: pods.map((p) => s.gauge(fLast, { ...base(p), reason: 'OOMKilled' })),
    ready: pods.map((p) => s.gauge(fReady, base(p))),
    info: pods.map((p) =>
      s.gauge(fInfo, {
        namespace: NAMESPACE,
        pod: p.pod,
        uid: p.uid,
        host_ip: `10.0.1.${10 + Number(p.node.slice(-2))}`,
        pod_ip: `10.244.${Number(p.node.slice(-2))}.${(parseInt(p.uid.slice(0, 2), 16) % 200) + 20}`,
        node: p.node,
        created_by_kind: 'ReplicaSet',
        created_by_name: p.pod.replace(/-[a-z0-9]{5}$/, ''),
        priority_class: '',
        host_network: 'false',
      })
    ),
  };
  const ksm: Source = {
    name: 'kube-state-metrics',
    series: s.series,
    lazyGroups: s.lazyGroups,
    fill(t, dt, out) {
      pods.forEach((p, i) => {
        const st = podState(sc, p, pods, t, dt);
        out[si.limCpu[i]] = p.cpuLimit;
        out[si.limMem[i]] = p.memLimit;
        out[si.reqCpu[i]] = p.cpuRequest;
        out[si.reqMem[i]] = p.memRequest;
        out[si.restarts[i]] = st.oomsInStep;
        // Present once the container was terminated (kube-state-metrics
        // emits the series for the last termination reason only).
        out[si.last[i]] = st.oomsBefore > 0 ? 1 : NaN;
        out[si.ready[i]] = st.oomsInStep > 0 ? 0 : 1;
        out[si.info[i]] = 1;
      });
    },
  };
  return { cadvisor, kubelet, ksm };
}
