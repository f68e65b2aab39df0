import { createDataFrame, FieldType, getPanelDataSummary, VisualizationSuggestionScore } from '@grafana/data';

import { driftHeatmapSuggestions } from './suggestions';

const series = (labels: Array<Record<string, string>>, times = [1, 2, 3]) =>
  labels.map((l) =>
    createDataFrame({
      fields: [
        { name: 'Time', type: FieldType.time, values: times },
        { name: 'Value', type: FieldType.number, labels: l, values: times.map(() => 0.1) },
      ],
    })
  );

describe('driftHeatmapSuggestions', () => {
  it('suggests the heatmap for feature-labelled series', () => {
    const s = driftHeatmapSuggestions(getPanelDataSummary(series([{ feature: 'a' }, { feature: 'b' }])));
    expect(s).toHaveLength(1);
    expect(s![0]).toMatchObject({ name: 'Drift heatmap', score: VisualizationSuggestionScore.Best });
    const one = driftHeatmapSuggestions(getPanelDataSummary(series([{ feature: 'a' }])));
    expect(one![0].score).toBe(VisualizationSuggestionScore.Good);
  });

  it('suggests it for a long table', () => {
    const f = createDataFrame({
      fields: [
        { name: 'time', type: FieldType.time, values: [1, 2] },
        { name: 'feature', type: FieldType.string, values: ['a', 'b'] },
        { name: 'score', type: FieldType.number, values: [1, 2] },
      ],
    });
    expect(driftHeatmapSuggestions(getPanelDataSummary([f]))).toHaveLength(1);
  });

  it('stays quiet for other data', () => {
    expect(driftHeatmapSuggestions(getPanelDataSummary(series([{ job: 'x' }])))).toBeUndefined();
    expect(driftHeatmapSuggestions(getPanelDataSummary([]))).toBeUndefined();
    expect(driftHeatmapSuggestions(getPanelDataSummary(series([{ feature: 'a' }], [1])))).toBeUndefined();
  });

  it('hides the legend and summary in the preview card', () => {
    const s = driftHeatmapSuggestions(getPanelDataSummary(series([{ feature: 'a' }, { feature: 'b' }])))![0];
    s.cardOptions!.previewModifier!(s);
    expect(s.options).toMatchObject({ showLegend: false, summary: 'none', showControls: false });
  });
});
