import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { dataFrameFromJSON, type DataFrameJSON } from '@grafana/data';

import { buildWaterfallModel, pickTrace, readFramesTimed, traceChoices } from './model';
import { stageSpecs } from './stages';
import { Marker } from './types';

const FIXTURES = join(__dirname, '..', '..', '..', '..', 'tests', 'fixtures', 'frames');

function load(name: string) {
  const json = JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as DataFrameJSON[];
  const { read } = readFramesTimed(json.map((f) => dataFrameFromJSON(f)));
  if (read.kind !== 'ok') {
    throw new Error(`${name}: ${read.kind}`);
  }
  return read;
}

const specs = stageSpecs({});

describe('fixtures', () => {
  it('inference request: three stages as shares of the model server span', () => {
    const read = load('waterfall-inference.json');
    const model = buildWaterfallModel(read.traces[0], specs);
    const b = model.stages!;
    expect(model.tree.spans[b.request].name).toBe('POST /v1/models/{name}:predict');
    expect(b.stages.map((s) => [s.key, Number(s.ms.toFixed(1)), Math.round(s.share * 100)])).toEqual([
      ['preprocess', 8.1, 13],
      ['inference', 39.6, 65],
      ['postprocess', 8.2, 14],
    ]);
    expect(model.llm.modelCalls).toBe(0);
    expect(model.tree.counts.errors).toBe(0);
  });

  it('LLM chain: totals, retries and content in both conventions', () => {
    const read = load('waterfall-llm-chain.json');
    const model = buildWaterfallModel(read.traces[0], specs);
    expect(model.llm).toMatchObject({
      modelCalls: 5,
      failedModelCalls: 1,
      toolCalls: 1,
      inputTokens: 2989,
      outputTokens: 261,
      totalTokens: 3250,
    });
    const final = model.genai.find((g) => g?.streaming);
    expect(final?.timeToFirstTokenMs).toBe(585);
    expect(model.genai.filter((g) => g?.retryAttempt === 1)).toHaveLength(1);
    expect(model.tree.spans.find((s) => s.status === 'error')?.name).toBe('chat gpt-4o');
  });

  it('Tempo frame: kinds, errors, skew, orphan and links', () => {
    const read = load('waterfall-tempo.json');
    const model = buildWaterfallModel(read.traces[0], specs);
    const { tree } = model;
    expect(tree.spans).toHaveLength(22);
    expect(tree.counts).toMatchObject({ errors: 2, orphans: 1, skewed: 1, cycles: 0 });
    expect(tree.spans[tree.mainRoot].name).toBe('POST /api/checkout');
    expect(tree.spans.find((s) => s.name === 'orders process')?.kind).toBe('consumer');
    const cart = tree.spans.findIndex((s) => s.name === 'POST /oteldemo.CartService/GetCart');
    expect(tree.markers[cart] & Marker.Skew).toBeTruthy();
    expect(tree.spans[model.stages!.request].service).toBe('recommendation');
    expect(model.critical.onPath[tree.mainRoot]).toBe(1);
  });

  it('several traces: the first by default, or the one asked for', () => {
    const read = load('waterfall-multi.json');
    const choices = traceChoices(read.traces);
    expect(choices.map((c) => [c.traceId, c.spanCount, Math.round(c.durationMs)])).toEqual([
      ['a1b2c3d4e5f60718293a4b5c6d7e8f90', 4, 48],
      ['0f9e8d7c6b5a49382716a5b4c3d2e1f0', 4, 152],
      ['5566778899aabbccddeeff0011223344', 4, 61],
    ]);
    expect(pickTrace(read.traces, undefined)?.traceId).toBe('a1b2c3d4e5f60718293a4b5c6d7e8f90');
    expect(pickTrace(read.traces, '5566778899aabbccddeeff0011223344')?.traceId).toBe(
      '5566778899aabbccddeeff0011223344'
    );
    expect(pickTrace(read.traces, 'unknown')?.traceId).toBe('a1b2c3d4e5f60718293a4b5c6d7e8f90');
    expect(pickTrace([], 'x')).toBeUndefined();
  });

  it('malformed data: everything odd is counted', () => {
    const read = load('waterfall-malformed.json');
    expect(read.skippedRows).toBe(2);
    const model = buildWaterfallModel(read.traces[0], specs);
    expect(model.tree.counts).toMatchObject({ orphans: 1, cycles: 1, duplicates: 1, droppedDuplicates: 1 });
  });

  it('times the tree and the analyses separately', () => {
    const read = load('waterfall-inference.json');
    let t = 0;
    const model = buildWaterfallModel(read.traces[0], specs, () => (t += 5));
    expect(model.timings).toEqual({ treeMs: 5, analysisMs: 5 });
  });
});
