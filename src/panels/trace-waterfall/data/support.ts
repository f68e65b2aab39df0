import type { DataFrame } from '@grafana/data';

import { findField, hasRows, type Support } from '../../../shared/frames';

export const TRACE_NEEDS =
  'Use the mlwatch traces query with a trace id, or a Tempo or Jaeger trace. The frame needs traceID, spanID, parentSpanID, startTime and duration.';

/** Checks frames against Grafana's trace frame contract (ARCHITECTURE.md §4). */
export function traceSupport(frames: DataFrame[]): Support {
  if (!hasRows(frames)) {
    return { kind: 'empty', message: 'No data', needs: TRACE_NEEDS };
  }
  for (const frame of frames) {
    const required = ['traceID', 'spanID', 'startTime', 'duration'];
    const missing = required.filter((n) => !findField(frame, [n]));
    if (missing.length === 0) {
      const traces = new Set(findField(frame, ['traceID'])!.values);
      return { kind: 'ok', summary: `${frame.length} spans in ${traces.size} trace${traces.size === 1 ? '' : 's'}` };
    }
  }
  return { kind: 'unsupported', message: 'This data is not a trace', needs: TRACE_NEEDS };
}
