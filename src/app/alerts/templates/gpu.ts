/**
 * GPU templates over NVIDIA dcgm-exporter metrics (default names and labels:
 * gpu, UUID, Hostname or hostname, pod, namespace).
 */
import { durationWords } from '../duration';
import {
  commonParameters,
  forParam,
  labelNameParam,
  metricNameParam,
  n,
  numberParam,
  severityParam,
  sev,
  str,
  windowParam,
} from '../params';
import { by, matcher, num, on, selector } from '../promql';
import type { AlertTemplate } from '../types';
import { GPU_TEXT, gpuUtilMetricParam, lbl, pct, POD_TEXT } from './common';

export const gpuStraggler: AlertTemplate = {
  id: 'GPUStraggler',
  title: 'GPU straggler',
  description:
    'A GPU whose mean utilisation is below 0.75 x the median of the GPUs in its group (namespace), while that median is at least 40%.',
  area: 'gpu',
  severity: 'warning',
  parameters: [
    numberParam({
      name: 'factor',
      title: 'Share of the group median',
      description: 'Fires when a GPU runs below this share of its group median utilisation.',
      default: 0.75,
      min: 0,
      max: 1,
      minExclusive: true,
      maxExclusive: true,
      unit: 'ratio',
    }),
    numberParam({
      name: 'minGroupMedian',
      title: 'Minimum group median',
      description: 'Groups whose median utilisation is below this (in %) are idle, not straggling, and are left out.',
      default: 40,
      min: 0,
      max: 100,
      unit: '%',
    }),
    labelNameParam({
      name: 'groupLabel',
      title: 'Group label',
      description:
        'GPUs with the same value of this label work together (a training job); series without it are left out.',
      default: 'namespace',
    }),
    windowParam('window', 'Averaging window', '10m', 'Utilisation is averaged over this window.'),
    forParam('10m'),
    severityParam('warning'),
    gpuUtilMetricParam(),
    ...commonParameters({ datasourceUid: 'prometheus' }),
  ],
  rules: (v) => {
    const group = str(v, 'groupLabel');
    const window = str(v, 'window');
    const util = selector(str(v, 'utilMetric'), matcher(group, '!=', ''), str(v, 'selector'));
    const mean = `avg_over_time(${util}[${window}])`;
    const factor = n(v, 'factor');
    const minMedian = n(v, 'minGroupMedian');
    return [
      {
        name: 'GPUStraggler',
        severity: sev(v),
        for: str(v, 'for'),
        summary: `${GPU_TEXT} runs at {{ $value | humanizePercentage }} of the median utilisation of ${group} ${lbl(group)}`,
        description:
          `The mean utilisation of ${GPU_TEXT} over the last ${durationWords(window)} is {{ $value | humanizePercentage }} ` +
          `of the median of the GPUs in ${group} ${lbl(group)} (threshold ${pct(factor)}; groups with a median under ${num(minMedian)}% are left out).`,
        runbook: {
          meaning:
            'One GPU of a job does less work than its peers; in synchronous training every step waits for it, so the whole job slows down.',
          check:
            "Compare the GPU's temperature, clocks and throttle reasons, XID errors, memory use and PCIe/NVLink traffic with its peers on the GPU dashboard; check the node for CPU or I/O contention and the data loader of that rank.",
          action:
            'Drain and replace a throttling or faulty GPU or node; fix input-pipeline imbalance; restart the job from a checkpoint on healthy GPUs.',
        },
        query: {
          kind: 'prometheus',
          signal: [
            mean,
            `/ ${on(group)} group_left ()`,
            `(quantile ${by(group)} (0.5, ${mean}) >= ${num(minMedian)})`,
          ].join('\n'),
          op: '<',
          threshold: factor,
        },
      },
    ];
  },
};

export const gpuIdle: AlertTemplate = {
  id: 'GPUIdle',
  title: 'Idle GPU',
  description: 'A GPU assigned to a pod has a mean utilisation under 5% over 30 minutes.',
  area: 'gpu',
  severity: 'warning',
  parameters: [
    numberParam({
      name: 'threshold',
      title: 'Utilisation threshold',
      description: 'Fires when the mean utilisation (in %) is below this.',
      default: 5,
      min: 0,
      max: 100,
      minExclusive: true,
      unit: '%',
    }),
    windowParam('window', 'Averaging window', '30m', 'Utilisation is averaged over this window.'),
    forParam('15m'),
    severityParam('warning'),
    labelNameParam({
      name: 'podLabel',
      title: 'Pod label',
      description: 'The label naming the pod the GPU is assigned to (exported_pod when the scrape renames it).',
      default: 'pod',
    }),
    gpuUtilMetricParam(),
    ...commonParameters({ datasourceUid: 'prometheus' }),
  ],
  rules: (v) => {
    const pod = str(v, 'podLabel');
    const window = str(v, 'window');
    const threshold = n(v, 'threshold');
    const util = selector(str(v, 'utilMetric'), matcher(pod, '!=', ''), str(v, 'selector'));
    return [
      {
        name: 'GPUIdle',
        severity: sev(v),
        for: str(v, 'for'),
        summary: `${GPU_TEXT} assigned to pod ${lbl(pod)} is idle ({{ $value | printf "%.1f" }}% utilisation)`,
        description:
          `${GPU_TEXT} is assigned to pod ${lbl(pod)} but its mean utilisation over the last ${durationWords(window)} ` +
          `is {{ $value | printf "%.1f" }}% (threshold ${num(threshold)}%).`,
        runbook: {
          meaning: 'A pod holds a GPU it does not use; the GPU is paid for and unavailable to other work.',
          check:
            'Check what the pod is doing (logs, a notebook left open, a job stuck waiting for data or a lock) and whether its GPU request is needed.',
          action:
            'Stop or scale down the idle workload, fix what it waits for, or lower its GPU request; consider an idle-culling policy for notebooks.',
        },
        query: { kind: 'prometheus', signal: `avg_over_time(${util}[${window}])`, op: '<', threshold },
      },
    ];
  },
};

export const gpuMemoryNearFull: AlertTemplate = {
  id: 'GPUMemoryNearFull',
  title: 'GPU memory near full',
  description: 'Framebuffer memory used / (used + free) is above 95%.',
  area: 'gpu',
  severity: 'warning',
  parameters: [
    numberParam({
      name: 'threshold',
      title: 'Used share',
      description: 'Fires when the used share of framebuffer memory is above this ratio (0.95 = 95%).',
      default: 0.95,
      min: 0,
      max: 1,
      minExclusive: true,
      maxExclusive: true,
      unit: 'ratio',
    }),
    forParam('5m'),
    severityParam('warning'),
    metricNameParam({
      name: 'usedMetric',
      title: 'Used memory metric',
      description: 'dcgm-exporter gauge of used framebuffer memory (MiB).',
      default: 'DCGM_FI_DEV_FB_USED',
    }),
    metricNameParam({
      name: 'freeMetric',
      title: 'Free memory metric',
      description: 'dcgm-exporter gauge of free framebuffer memory (MiB).',
      default: 'DCGM_FI_DEV_FB_FREE',
    }),
    ...commonParameters({ datasourceUid: 'prometheus' }),
  ],
  rules: (v) => {
    const sel = str(v, 'selector');
    const used = selector(str(v, 'usedMetric'), sel);
    const free = selector(str(v, 'freeMetric'), sel);
    const threshold = n(v, 'threshold');
    return [
      {
        name: 'GPUMemoryNearFull',
        severity: sev(v),
        for: str(v, 'for'),
        summary: `${GPU_TEXT}: {{ $value | humanizePercentage }} of GPU memory is used`,
        description:
          `${GPU_TEXT}${POD_TEXT} uses {{ $value | humanizePercentage }} of its framebuffer memory ` +
          `(threshold ${pct(threshold)}).`,
        runbook: {
          meaning:
            'The GPU is about to run out of memory; the next larger batch, longer sequence or extra model will fail with CUDA out-of-memory.',
          check:
            'See which pod owns the GPU and its memory trend; look for memory growth (caches, leaks), batch or sequence-length changes, and several processes sharing the GPU.',
          action:
            'Lower the batch size or maximum sequence length, cap the KV/cache size, move a model to another GPU, or give the workload a larger GPU.',
        },
        query: { kind: 'prometheus', signal: `${used}\n/\n((${used} + ${free}) > 0)`, op: '>', threshold },
      },
    ];
  },
};

export const gpuTemperatureHigh: AlertTemplate = {
  id: 'GPUTemperatureHigh',
  title: 'GPU temperature high',
  description: 'GPU temperature is above 85 °C.',
  area: 'gpu',
  severity: 'warning',
  parameters: [
    numberParam({
      name: 'threshold',
      title: 'Temperature',
      description: 'Fires when the GPU temperature is above this many degrees Celsius.',
      default: 85,
      min: 0,
      max: 150,
      unit: '°C',
    }),
    forParam('5m'),
    severityParam('warning'),
    metricNameParam({
      name: 'temperatureMetric',
      title: 'Temperature metric',
      description: 'dcgm-exporter gauge of the GPU temperature (°C).',
      default: 'DCGM_FI_DEV_GPU_TEMP',
    }),
    ...commonParameters({ datasourceUid: 'prometheus' }),
  ],
  rules: (v) => {
    const threshold = n(v, 'threshold');
    return [
      {
        name: 'GPUTemperatureHigh',
        severity: sev(v),
        for: str(v, 'for'),
        summary: `${GPU_TEXT} is at {{ $value }} °C`,
        description: `${GPU_TEXT} has been above ${num(threshold)} °C; it is at {{ $value }} °C.`,
        runbook: {
          meaning: 'The GPU runs hot; it will throttle its clocks (slower jobs) and may fail if it gets hotter.',
          check:
            'Check the clock throttle reasons and power draw, the other GPUs in the same node (cooling or airflow problem) and the data-centre inlet temperature.',
          action:
            'Fix cooling or airflow for the node; reduce the load or power limit; drain the node if one GPU stays hot while its neighbours are fine.',
        },
        query: {
          kind: 'prometheus',
          signal: selector(str(v, 'temperatureMetric'), str(v, 'selector')),
          op: '>',
          threshold,
        },
      },
    ];
  },
};

export const gpuXidError: AlertTemplate = {
  id: 'GPUXidError',
  title: 'GPU XID error',
  description: 'A GPU reported a non-zero XID (driver error code) in the last 5 minutes; fires at once.',
  area: 'gpu',
  severity: 'critical',
  parameters: [
    windowParam('window', 'Window', '5m', 'An XID reported within this window fires the alert.'),
    forParam('0s'),
    severityParam('critical'),
    metricNameParam({
      name: 'xidMetric',
      title: 'XID metric',
      description: 'dcgm-exporter gauge holding the last XID error code.',
      default: 'DCGM_FI_DEV_XID_ERRORS',
    }),
    ...commonParameters({ datasourceUid: 'prometheus' }),
  ],
  rules: (v) => {
    const window = str(v, 'window');
    return [
      {
        name: 'GPUXidError',
        severity: sev(v),
        for: str(v, 'for'),
        summary: `${GPU_TEXT} reported XID {{ $value }}`,
        description:
          `${GPU_TEXT}${POD_TEXT} reported XID error {{ $value }} in the last ${durationWords(window)}. ` +
          'XIDs 48, 63, 64, 74, 79, 92, 94, 95 and 119 usually mean a hardware or driver fault.',
        runbook: {
          meaning:
            'The NVIDIA driver reported an error for this GPU: from an application fault (e.g. XID 13, 31, 43) to a hardware or NVLink failure or the GPU falling off the bus (48, 74, 79).',
          check:
            'Look up the XID in the NVIDIA XID catalogue; check the node kernel log (dmesg), the pods that were using the GPU and whether it still appears in nvidia-smi.',
          action:
            'For application XIDs fix or restart the workload; for hardware XIDs cordon and drain the node, reset the GPU or reboot, and open a hardware ticket if it repeats.',
        },
        query: {
          kind: 'prometheus',
          signal: `max_over_time(${selector(str(v, 'xidMetric'), str(v, 'selector'))}[${window}])`,
          op: '>',
          threshold: 0,
        },
      },
    ];
  },
};
