import { createDataFrame, FieldType, getPanelDataSummary, VisualizationSuggestionScore } from '@grafana/data';

import { topologySuggestions } from './suggestions';

const dcgm = (metric: string, host: string, gpu: string, v: number) =>
  createDataFrame({
    fields: [
      { name: 'Time', type: FieldType.time, values: [1] },
      { name: 'Value', type: FieldType.number, values: [v], labels: { __name__: metric, Hostname: host, gpu } },
    ],
  });

describe('topologySuggestions', () => {
  it('suggests the GPU map for DCGM series, one card per metric present', () => {
    const frames = [dcgm('DCGM_FI_DEV_GPU_UTIL', 'a', '0', 90), dcgm('DCGM_FI_DEV_GPU_TEMP', 'a', '0', 60)];
    const out = topologySuggestions(getPanelDataSummary(frames)) ?? [];
    expect(out.map((s) => s.options?.colorBy)).toEqual(['utilization', 'temperature']);
    expect(out[0].score).toBe(VisualizationSuggestionScore.Good);
    const preview = { ...out[0] };
    out[0].cardOptions!.previewModifier!(preview);
    expect(preview.options).toMatchObject({ showToolbar: false, issueList: 'hidden' });
  });

  it('scores the mlwatch gpu frame best', () => {
    const frame = createDataFrame({
      fields: [
        { name: 'host', type: FieldType.string, values: ['a'] },
        { name: 'gpu', type: FieldType.string, values: ['0'] },
        { name: 'DCGM_FI_DEV_GPU_UTIL', type: FieldType.number, values: [80] },
        { name: 'straggler_score', type: FieldType.number, values: [1] },
        { name: 'straggler', type: FieldType.boolean, values: [false] },
      ],
    });
    expect(topologySuggestions(getPanelDataSummary([frame]))?.[0].score).toBe(VisualizationSuggestionScore.Best);
  });

  it('offers a plain map for GPUs without known metrics', () => {
    const frame = createDataFrame({
      fields: [
        { name: 'host', type: FieldType.string, values: ['a'] },
        { name: 'gpu', type: FieldType.string, values: ['0'] },
      ],
    });
    expect(topologySuggestions(getPanelDataSummary([frame]))?.map((s) => s.name)).toEqual(['GPU map']);
  });

  it('suggests nothing for other data', () => {
    const other = createDataFrame({
      fields: [{ name: 'Value', type: FieldType.number, values: [1], labels: { job: 'x' } }],
    });
    expect(topologySuggestions(getPanelDataSummary([other]))).toBeUndefined();
    expect(topologySuggestions(getPanelDataSummary([]))).toBeUndefined();
  });
});
