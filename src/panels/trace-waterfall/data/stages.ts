import { IntervalSet } from './genai';
import { KeyFlag, keyFlags, spanTags, tagValue } from './spans';
import type { TraceTree } from './types';
import { toText } from './values';

/** A request stage and the span names that belong to it. */
export interface StageSpec {
  key: string;
  label: string;
  /** Name fragments separated by `|` or `,`, matched case-insensitively as whole words. */
  pattern: string;
}

export const DEFAULT_STAGE_PATTERNS = {
  preprocess: 'preprocess|pre_process|pre-process',
  inference: 'model_inference|inference|infer|predict',
  postprocess: 'postprocess|post_process|post-process',
};

export function stageSpecs(patterns: { preprocess?: string; inference?: string; postprocess?: string }): StageSpec[] {
  return [
    { key: 'preprocess', label: 'Preprocess', pattern: patterns.preprocess ?? DEFAULT_STAGE_PATTERNS.preprocess },
    { key: 'inference', label: 'Inference', pattern: patterns.inference ?? DEFAULT_STAGE_PATTERNS.inference },
    { key: 'postprocess', label: 'Postprocess', pattern: patterns.postprocess ?? DEFAULT_STAGE_PATTERNS.postprocess },
  ];
}

export interface StageShare {
  key: string;
  label: string;
  /** Time covered by the stage's spans inside the request (overlaps counted once), ms. */
  ms: number;
  /** Share of the request's duration, 0..1. */
  share: number;
  spans: number[];
}

export interface StageBreakdown {
  /** The span the request is measured by. */
  request: number;
  requestMs: number;
  stages: StageShare[];
  /** Request time outside every stage, ms and share. */
  otherMs: number;
  otherShare: number;
}

function lowestCommonAncestor(tree: TraceTree, a: number, b: number): number {
  let x = a;
  let y = b;
  while (tree.depth[x] > tree.depth[y]) {
    x = tree.parent[x];
  }
  while (tree.depth[y] > tree.depth[x]) {
    y = tree.parent[y];
  }
  while (x !== y && x >= 0 && y >= 0) {
    x = tree.parent[x];
    y = tree.parent[y];
  }
  return x >= 0 ? x : tree.mainRoot;
}

/** Attributes that name a span's stage outright. */
const STAGE_KEYS = ['ml.stage', 'mlwatch.stage', 'stage'];

const isAlnum = (c: string | undefined) => c !== undefined && /[a-z0-9]/i.test(c);
const isLower = (c: string | undefined) => c !== undefined && c >= 'a' && c <= 'z';
const isUpper = (c: string | undefined) => c !== undefined && c >= 'A' && c <= 'Z';

/**
 * True when the name contains the fragment as whole words: bounded by the
 * ends, punctuation, spaces, or a camelCase step. So "infer" matches
 * "compute_infer" and "ModelInfer" but "predict" does not match
 * "prediction_log".
 */
export function hasWordFragment(name: string, fragment: string, lower = name.toLowerCase()): boolean {
  let from = 0;
  while (from <= lower.length - fragment.length) {
    const at = lower.indexOf(fragment, from);
    if (at < 0) {
      return false;
    }
    const end = at + fragment.length;
    const startOk =
      at === 0 || !isAlnum(name[at - 1]) || (isLower(name[at - 1]) && isUpper(name[at])) || !isAlnum(fragment[0]);
    const endOk =
      end === name.length ||
      !isAlnum(name[end]) ||
      (isLower(name[end - 1]) && isUpper(name[end])) ||
      !isAlnum(fragment[fragment.length - 1]);
    if (startOk && endOk) {
      return true;
    }
    from = at + 1;
  }
  return false;
}

function fragments(pattern: string): string[] {
  return pattern
    .split(/[|,]/)
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '');
}

/**
 * How the request's time splits into stages. A span belongs to the first
 * stage with a fragment its name contains as whole words, or to the stage its `ml.stage`
 * attribute names. Spans that wrap spans of another stage (a "predict"
 * handler around preprocess, inference and postprocess) are wrappers, not
 * stages, and so is the trace root. The request is the span holding all
 * stage spans (their lowest common ancestor): in a checkout trace that calls
 * a recommendation model, the model server's span. Undefined when no span
 * matches.
 */
export function stageBreakdown(tree: TraceTree, specs: StageSpec[]): StageBreakdown | undefined {
  const mainRoot = tree.mainRoot;
  if (mainRoot < 0 || specs.length === 0) {
    return undefined;
  }
  const lists = specs.map((s) => fragments(s.pattern));
  const n = tree.spans.length;
  const stageOf = new Int8Array(n).fill(-1);
  const stageByName = new Map<string, number>();
  let any = false;
  const p0 = tree.position[mainRoot];
  const p1 = tree.subtreeEnd[p0];
  for (let p = p0 + 1; p < p1; p++) {
    const i = tree.order[p];
    const span = tree.spans[i];
    let stage = -1;
    if (keyFlags(span) & KeyFlag.Stage) {
      const named = toText(tagValue(spanTags(span), STAGE_KEYS))?.toLowerCase();
      stage = named ? specs.findIndex((s) => s.key === named) : -1;
    }
    if (stage < 0) {
      // Traces repeat names a lot: match each distinct name once.
      let byName = stageByName.get(span.name);
      if (byName === undefined) {
        const lower = span.name.toLowerCase();
        byName = lists.findIndex((frags) =>
          frags.some((f) => lower.includes(f) && hasWordFragment(span.name, f, lower))
        );
        stageByName.set(span.name, byName);
      }
      stage = byName;
    }
    stageOf[i] = stage;
    any ||= stage >= 0;
  }
  if (!any) {
    return undefined;
  }
  // Which stages sit below each span; a span with another stage below it is a wrapper.
  const below = new Int32Array(n); // bit set of stages in the subtree, excluding the span itself
  for (let p = p1 - 1; p > p0; p--) {
    const i = tree.order[p];
    const par = tree.parent[i];
    if (par >= 0) {
      below[par] |= below[i] | (stageOf[i] >= 0 ? 1 << stageOf[i] : 0);
    }
  }
  const spansPerStage: number[][] = specs.map(() => []);
  const counted: number[] = [];
  const isCounted = new Uint8Array(n);
  for (let p = p0 + 1; p < p1; p++) {
    const i = tree.order[p];
    const stage = stageOf[i];
    if (stage >= 0 && (below[i] & ~(1 << stage)) === 0) {
      spansPerStage[stage].push(i);
      counted.push(i);
      isCounted[i] = 1;
    }
  }
  if (counted.length === 0) {
    return undefined;
  }
  // The request is the span that holds all the stages (the model server's
  // request span, usually), not necessarily the trace root.
  let request = counted.reduce((a, b) => lowestCommonAncestor(tree, a, b));
  if (isCounted[request] && tree.parent[request] >= 0) {
    request = tree.parent[request];
  }
  const root = tree.spans[request];
  const from = root.start;
  const to = root.start + root.duration;
  const intervals = specs.map(() => new IntervalSet());
  const all = new IntervalSet();
  for (let k = 0; k < specs.length; k++) {
    for (const i of spansPerStage[k]) {
      const s = tree.spans[i];
      const a = Math.max(from, s.start);
      const b = Math.min(to, s.start + s.duration);
      intervals[k].add(a, b);
      all.add(a, b);
    }
  }
  const requestMs = root.duration;
  const share = (ms: number) => (requestMs > 0 ? ms / requestMs : 0);
  const stages = specs.map((spec, k) => {
    const ms = intervals[k].unionLength();
    return { key: spec.key, label: spec.label, ms, share: share(ms), spans: spansPerStage[k] };
  });
  const otherMs = Math.max(0, requestMs - all.unionLength());
  return { request, requestMs, stages, otherMs, otherShare: share(otherMs) };
}
