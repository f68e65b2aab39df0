import { FieldType, type DataFrame } from '@grafana/data';

import { findField, hasRows, labelOf, type Support } from '../../../shared/frames';

export const HOST_LABELS = ['Hostname', 'hostname', 'instance', 'host'];

export const TOPOLOGY_NEEDS =
  'Use the mlwatch gpu query, or DCGM exporter series (for example DCGM_FI_DEV_GPU_UTIL) with a Hostname or instance label and a gpu label.';

/** Checks frames against the GPU topology's contract (ARCHITECTURE.md §4). */
export function topologySupport(frames: DataFrame[]): Support {
  if (!hasRows(frames)) {
    return { kind: 'empty', message: 'No data', needs: TOPOLOGY_NEEDS };
  }
  const gpus = new Set<string>();
  for (const frame of frames) {
    const host = findField(frame, HOST_LABELS);
    const gpu = findField(frame, ['gpu']);
    if (host && gpu) {
      for (let i = 0; i < frame.length; i++) {
        gpus.add(`${host.values[i]}/${gpu.values[i]}`);
      }
      continue;
    }
    for (const f of frame.fields) {
      if (f.type !== FieldType.number) {
        continue;
      }
      const h = labelOf(f, HOST_LABELS);
      const g = labelOf(f, ['gpu']);
      if (h !== undefined && g !== undefined) {
        gpus.add(`${h}/${g}`);
      }
    }
  }
  if (gpus.size === 0) {
    return { kind: 'unsupported', message: 'No GPUs found in this data', needs: TOPOLOGY_NEEDS };
  }
  const hosts = new Set([...gpus].map((k) => k.slice(0, k.lastIndexOf('/'))));
  return { kind: 'ok', summary: `${gpus.size} GPUs on ${hosts.size} nodes` };
}
