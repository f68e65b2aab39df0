import type { WaterfallOptions } from './options';

/** Parses "250ms", "1.5s", "800us", "2m" or a bare number of milliseconds. */
export function parseDurationMs(value: unknown): number | undefined {
  if (typeof value === 'number') {
    return Number.isFinite(value) && value >= 0 ? value : undefined;
  }
  if (typeof value !== 'string') {
    return undefined;
  }
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ns|us|µs|ms|s|m)?\s*$/.exec(value);
  if (!m) {
    return undefined;
  }
  const n = Number(m[1]);
  const factor: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000 };
  return n * factor[m[2] ?? 'ms'];
}

/**
 * Options saved by earlier versions, mapped to the current names:
 * - 0.1 (the data-contract preview) saved nothing; defaults apply;
 * - `criticalPath` / `onlyCriticalPath` became `highlightCriticalPath` / `criticalPathOnly`;
 * - `minDuration` ("10ms") became `minDurationMs` (a number);
 * - `status: 'errors'` became `statusFilter: 'error'`;
 * - `stages: {preprocess, inference, postprocess}` became three pattern options;
 * - `spanNameWidth` in pixels (assumed out of a 1000 px panel) became `nameColumnWidth`, a share.
 * Unknown keys are dropped; current keys pass through.
 */
export function migrateOptions(saved: Record<string, unknown> | undefined): Partial<WaterfallOptions> {
  const old = { ...(saved ?? {}) };
  const out: Record<string, unknown> = {};
  const current: Array<keyof WaterfallOptions> = [
    'traceId',
    'search',
    'matchesOnly',
    'minDurationMs',
    'statusFilter',
    'highlightCriticalPath',
    'criticalPathOnly',
    'showMinimap',
    'showStages',
    'showLlmSummary',
    'showContent',
    'nameColumnWidth',
    'rowHeight',
    'collapseDepth',
    'stagePreprocess',
    'stageInference',
    'stagePostprocess',
  ];
  for (const key of current) {
    if (old[key] !== undefined) {
      out[key] = old[key];
    }
  }
  const set = <K extends keyof WaterfallOptions>(key: K, value: WaterfallOptions[K]) => {
    out[key] = value;
  };
  if (typeof old.criticalPath === 'boolean' && out.highlightCriticalPath === undefined) {
    set('highlightCriticalPath', old.criticalPath);
  }
  if (typeof old.onlyCriticalPath === 'boolean' && out.criticalPathOnly === undefined) {
    set('criticalPathOnly', old.onlyCriticalPath);
  }
  if (old.minDuration !== undefined && out.minDurationMs === undefined) {
    const ms = parseDurationMs(old.minDuration);
    if (ms !== undefined) {
      set('minDurationMs', ms);
    }
  }
  if (typeof out.minDurationMs === 'string') {
    set('minDurationMs', parseDurationMs(out.minDurationMs) ?? 0);
  }
  const status = old.status ?? out.statusFilter;
  if (status === 'errors' || status === 'error') {
    set('statusFilter', 'error');
  } else if (status === 'ok' || status === 'success') {
    set('statusFilter', 'ok');
  } else if (status !== undefined) {
    set('statusFilter', 'all');
  }
  const stages = old.stages;
  if (typeof stages === 'object' && stages !== null) {
    const s = stages as Record<string, unknown>;
    if (typeof s.preprocess === 'string' && out.stagePreprocess === undefined) {
      set('stagePreprocess', s.preprocess);
    }
    if (typeof s.inference === 'string' && out.stageInference === undefined) {
      set('stageInference', s.inference);
    }
    if (typeof s.postprocess === 'string' && out.stagePostprocess === undefined) {
      set('stagePostprocess', s.postprocess);
    }
  }
  if (typeof old.spanNameWidth === 'number' && out.nameColumnWidth === undefined) {
    set('nameColumnWidth', Math.min(0.7, Math.max(0.1, old.spanNameWidth / 1000)));
  }
  return out as Partial<WaterfallOptions>;
}
