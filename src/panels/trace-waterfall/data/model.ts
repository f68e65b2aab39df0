import type { DataFrame } from '@grafana/data';

import { criticalPath, type CriticalPath } from './criticalPath';
import { readTraceFrames, type TraceFrames } from './frame';
import { llmTotals, readGenAi, type GenAiSpan, type LlmTotals } from './genai';
import { stageBreakdown, type StageBreakdown, type StageSpec } from './stages';
import { buildTraceTree } from './tree';
import type { RawTrace, TraceTree } from './types';

/** One trace in the data, for the trace picker. */
export interface TraceChoice {
  traceId: string;
  rootName: string;
  rootService: string;
  spanCount: number;
  start: number;
  durationMs: number;
}

/** Everything the panel draws for one trace. */
export interface WaterfallModel {
  tree: TraceTree;
  critical: CriticalPath;
  /** GenAI facts by span index (undefined for other spans). */
  genai: Array<GenAiSpan | undefined>;
  llm: LlmTotals;
  stages?: StageBreakdown;
  /** Milliseconds spent: tree building, and the analyses on top of it. */
  timings: { treeMs: number; analysisMs: number };
}

/** Summaries of each trace in the data, in order of appearance. */
export function traceChoices(traces: RawTrace[]): TraceChoice[] {
  return traces.map((t) => {
    let start = Infinity;
    let end = -Infinity;
    let root: RawTrace['spans'][number] | undefined;
    for (const s of t.spans) {
      start = Math.min(start, s.start);
      end = Math.max(end, s.start + s.duration);
      if (!s.parentSpanId && (!root || s.start < root.start)) {
        root = s;
      }
    }
    root ??= t.spans.reduce((a, b) => (b.start < a.start ? b : a), t.spans[0]);
    return {
      traceId: t.traceId,
      rootName: root?.name ?? '',
      rootService: root?.service ?? '',
      spanCount: t.spans.length,
      start: Number.isFinite(start) ? start : 0,
      durationMs: Number.isFinite(end - start) ? end - start : 0,
    };
  });
}

/** The trace to show: the one asked for when present, else the first. */
export function pickTrace(traces: RawTrace[], wanted: string | undefined): RawTrace | undefined {
  if (wanted) {
    const found = traces.find(
      (t) => t.traceId === wanted || t.traceId.replace(/^0+/, '') === wanted.replace(/^0+/, '')
    );
    if (found) {
      return found;
    }
  }
  return traces[0];
}

/** Builds the tree and its analyses for one trace, timing both. */
export function buildWaterfallModel(
  trace: RawTrace,
  stages: StageSpec[],
  now: () => number = () => performance.now()
): WaterfallModel {
  const t0 = now();
  const tree = buildTraceTree(trace);
  const t1 = now();
  const critical = criticalPath(tree);
  const genai: Array<GenAiSpan | undefined> = new Array(tree.spans.length);
  for (let i = 0; i < tree.spans.length; i++) {
    genai[i] = readGenAi(tree.spans[i]);
  }
  const llm = llmTotals(tree, genai);
  const breakdown = stageBreakdown(tree, stages);
  const t2 = now();
  return { tree, critical, genai, llm, stages: breakdown, timings: { treeMs: t1 - t0, analysisMs: t2 - t1 } };
}

export { readTraceFrames };
export type { TraceFrames };

/** Reads frames, timing it (the harness measures from data ready, so this is part of the paint time). */
export function readFramesTimed(
  frames: DataFrame[],
  now: () => number = () => performance.now()
): { read: TraceFrames; readMs: number } {
  const t0 = now();
  const read = readTraceFrames(frames);
  return { read, readMs: now() - t0 };
}
