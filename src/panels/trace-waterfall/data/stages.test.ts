import { hasWordFragment, stageBreakdown, stageSpecs } from './stages';
import { treeOf } from './testing';

const specs = stageSpecs({});

describe('stageBreakdown', () => {
  it('splits an inference request into its three stages', () => {
    const tree = treeOf([
      { spanID: 'req', operationName: 'POST /v1/models/fraud:predict', startTime: 0, duration: 60 },
      { spanID: 'pre', parentSpanID: 'req', operationName: 'preprocess', startTime: 2, duration: 7 },
      { spanID: 'inf', parentSpanID: 'req', operationName: 'model_inference', startTime: 10, duration: 38 },
      { spanID: 'gpu', parentSpanID: 'inf', operationName: 'triton infer', startTime: 12, duration: 30 },
      { spanID: 'post', parentSpanID: 'req', operationName: 'PostProcess', startTime: 50, duration: 8 },
    ]);
    const b = stageBreakdown(tree, specs)!;
    expect(b.requestMs).toBe(60);
    expect(b.stages.map((s) => [s.key, s.ms, Math.round(s.share * 100)])).toEqual([
      ['preprocess', 7, 12],
      ['inference', 38, 63],
      ['postprocess', 8, 13],
    ]);
    expect(b.otherMs).toBe(7);
  });

  it('accepts "inference" and an ml.stage attribute', () => {
    const tree = treeOf([
      { spanID: 'req', startTime: 0, duration: 10 },
      {
        spanID: 'a',
        parentSpanID: 'req',
        operationName: 'tokenize',
        startTime: 0,
        duration: 2,
        tags: [{ key: 'ml.stage', value: 'preprocess' }],
      },
      { spanID: 'b', parentSpanID: 'req', operationName: 'inference', startTime: 2, duration: 6 },
    ]);
    const b = stageBreakdown(tree, specs)!;
    expect(b.stages.map((s) => s.ms)).toEqual([2, 6, 0]);
  });

  it('measures the span holding the stages, not the whole trace', () => {
    const tree = treeOf([
      { spanID: 'checkout', startTime: 0, duration: 400 },
      { spanID: 'reco', parentSpanID: 'checkout', operationName: 'ListRecommendations', startTime: 60, duration: 40 },
      { spanID: 'pre', parentSpanID: 'reco', operationName: 'preprocess', startTime: 61, duration: 6 },
      { spanID: 'inf', parentSpanID: 'reco', operationName: 'model_inference', startTime: 67, duration: 27 },
      { spanID: 'post', parentSpanID: 'reco', operationName: 'postprocess', startTime: 94, duration: 5 },
    ]);
    const b = stageBreakdown(tree, specs)!;
    expect(tree.spans[b.request].spanId).toBe('reco');
    expect(b.requestMs).toBe(40);
    expect(b.stages.map((s) => Math.round(s.share * 100))).toEqual([15, 68, 13]);
  });

  it('does not count wrappers around other stages', () => {
    const tree = treeOf([
      { spanID: 'req', operationName: 'http', startTime: 0, duration: 10 },
      { spanID: 'handler', parentSpanID: 'req', operationName: 'kserve predict', startTime: 0, duration: 10 },
      { spanID: 'pre', parentSpanID: 'handler', operationName: 'preprocess', startTime: 0, duration: 3 },
      { spanID: 'inf', parentSpanID: 'handler', operationName: 'model_inference', startTime: 3, duration: 5 },
    ]);
    const b = stageBreakdown(tree, specs)!;
    expect(b.stages.map((s) => s.ms)).toEqual([3, 5, 0]);
    expect(b.otherMs).toBe(2);
  });

  it('counts overlapping spans of one stage once and clips to the request', () => {
    const tree = treeOf([
      { spanID: 'req', startTime: 0, duration: 10 },
      { spanID: 'a', parentSpanID: 'req', operationName: 'inference shard 1', startTime: 1, duration: 5 },
      { spanID: 'b', parentSpanID: 'req', operationName: 'inference shard 2', startTime: 2, duration: 20 },
    ]);
    expect(stageBreakdown(tree, specs)!.stages[1].ms).toBe(9);
  });

  it('is undefined when no stage matches, or for an empty or zero-length trace', () => {
    expect(
      stageBreakdown(treeOf([{ spanID: 'a', operationName: 'GET /', startTime: 0, duration: 1 }]), specs)
    ).toBeUndefined();
    const zero = treeOf([
      { spanID: 'r', startTime: 0, duration: 0 },
      { spanID: 'p', parentSpanID: 'r', operationName: 'preprocess', startTime: 0, duration: 0 },
    ]);
    expect(stageBreakdown(zero, specs)!.stages[0].share).toBe(0);
  });

  it('does not count spans whose names only contain a stage word inside another word', () => {
    const tree = treeOf([
      { spanID: 'req', startTime: 0, duration: 10 },
      { spanID: 'a', parentSpanID: 'req', operationName: 'ModelInfer', startTime: 0, duration: 4 },
      { spanID: 'b', parentSpanID: 'req', operationName: 'prediction_log send', startTime: 5, duration: 2 },
    ]);
    expect(stageBreakdown(tree, specs)!.stages[1].ms).toBe(4);
  });

  it('uses custom patterns', () => {
    const tree = treeOf([
      { spanID: 'req', startTime: 0, duration: 10 },
      { spanID: 'a', parentSpanID: 'req', operationName: 'featurize', startTime: 0, duration: 4 },
    ]);
    const b = stageBreakdown(tree, stageSpecs({ preprocess: 'featurize, tokenize' }))!;
    expect(b.stages[0].ms).toBe(4);
  });
});

describe('hasWordFragment', () => {
  it.each([
    ['compute_infer', 'infer', true],
    ['ModelInfer', 'infer', true],
    ['model_inference', 'inference', true],
    ['model_inference', 'infer', false],
    ['prediction_log', 'predict', false],
    ['POST /v1/models/x:predict', 'predict', true],
    ['PostProcess', 'postprocess', true],
    ['preprocess batch', 'preprocess', true],
    ['pre-process', 'pre-process', true],
    ['reprocess', 'preprocess', false],
  ])('%s contains %s: %s', (name, fragment, expected) => {
    expect(hasWordFragment(name, fragment)).toBe(expected);
  });
});
