import type { DataFrame } from '@grafana/data';

import type { MlQuery } from '../types';

/** One line per query for Explore's query history and the inspector. */
export function queryDisplayText(q: MlQuery): string {
  const method = q.method && q.method !== 'auto' ? ` (${q.method})` : '';
  const ref =
    q.reference?.mode === 'baseline'
      ? ` vs ${q.reference.table ?? 'baseline'}`
      : q.reference?.offset
        ? ` vs ${q.reference.offset} earlier`
        : '';
  switch (q.queryType) {
    case 'drift':
    case 'distribution': {
      const input =
        q.source === 'clickhouse'
          ? q.clickhouse?.sql
            ? 'SQL'
            : [q.clickhouse?.database, q.clickhouse?.table].filter(Boolean).join('.') || 'ClickHouse'
          : q.prometheus?.input === 'samples'
            ? q.prometheus.expr || 'PromQL'
            : q.prometheus?.metric || 'default metric';
      return `${q.queryType === 'drift' ? 'Drift' : 'Distribution'} of ${input}${ref}${method}`;
    }
    case 'gpu': {
      const filters = (['namespace', 'pod', 'host'] as const)
        .filter((k) => q.gpu?.[k])
        .map((k) => `${k}=~${q.gpu?.[k]}`);
      return `GPUs by ${q.gpu?.groupLabel || 'namespace'}${filters.length ? ` (${filters.join(', ')})` : ''}`;
    }
    case 'traces':
      if (q.traces?.traceId) {
        return `Trace ${q.traces.traceId}`;
      }
      return `Traces${q.traces?.service ? ` of ${q.traces.service}` : ''}${q.traces?.spanName ? ` named ${q.traces.spanName}` : ''}`;
    default:
      return 'mlwatch query';
  }
}

/**
 * Tells Explore how to show frames that do not say it themselves: tables as
 * tables, time series as graphs. A preference the backend set (for example
 * "trace" on a trace frame) is never changed.
 */
export function withPreferredVisualisation(frames: DataFrame[]): DataFrame[] {
  return frames.map((f) => {
    if (f.meta?.preferredVisualisationType) {
      return f;
    }
    const type = f.meta?.type as string | undefined;
    if (type === 'table') {
      return { ...f, meta: { ...f.meta, preferredVisualisationType: 'table' } };
    }
    if (type?.startsWith('timeseries-')) {
      return { ...f, meta: { ...f.meta, preferredVisualisationType: 'graph' } };
    }
    return f;
  });
}
