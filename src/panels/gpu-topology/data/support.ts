import type { TopologyModel } from './model';
import type { Support } from '../../../shared/frames';

export const TOPOLOGY_NEEDS =
  'Use the mlwatch gpu query, or DCGM exporter series (for example DCGM_FI_DEV_GPU_UTIL) with a Hostname or instance label and a gpu label.';

/** Whether the model has anything to draw, and if not, what to tell the user. */
export function topologySupport(model: TopologyModel, hasRows: boolean): Support {
  if (!hasRows) {
    return { kind: 'empty', message: 'No data', needs: TOPOLOGY_NEEDS };
  }
  if (model.gpus.length === 0) {
    return { kind: 'unsupported', message: 'No GPUs found in this data', needs: TOPOLOGY_NEEDS };
  }
  const g = model.gpus.length;
  const h = model.hostCount;
  return {
    kind: 'ok',
    summary: `${g.toLocaleString('en-US')} GPU${g === 1 ? '' : 's'} on ${h.toLocaleString('en-US')} node${h === 1 ? '' : 's'}`,
  };
}
