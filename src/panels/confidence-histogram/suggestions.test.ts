import { getPanelDataSummary, VisualizationSuggestionScore } from '@grafana/data';

import { buckets, fixture, series } from './data/testing';
import { confidenceSuggestions } from './suggestions';

describe('confidenceSuggestions', () => {
  it('suggests the histogram first for the mlwatch distribution frame', () => {
    const s = confidenceSuggestions(getPanelDataSummary(fixture('confidence-histogram-drop.json')))!;
    expect(s).toEqual([
      expect.objectContaining({
        name: 'Confidence histogram',
        options: { mode: 'histogram' },
        score: VisualizationSuggestionScore.Best,
      }),
    ]);
  });

  it('suggests for bucket series, classes and labels', () => {
    const frames = [
      ...buckets('A', ['0.5', '1', '+Inf'], [1, 2, 2]),
      series('C', { class: 'a' }, [3]),
      series('D', { correct: 'true', confidence_bin: '0-1' }, [3]),
    ];
    const s = confidenceSuggestions(getPanelDataSummary(frames))!;
    expect(s.map((x) => [x.name, x.score])).toEqual([
      ['Confidence histogram', VisualizationSuggestionScore.Good],
      ['Class distribution', VisualizationSuggestionScore.OK],
      ['Reliability diagram', VisualizationSuggestionScore.Good],
    ]);
    const preview = { ...s[0] };
    s[0].cardOptions!.previewModifier!(preview);
    expect(preview.options).toMatchObject({ showHeader: false });
  });

  it('does not suggest for raw numbers or no data', () => {
    expect(confidenceSuggestions(getPanelDataSummary(fixture('confidence-histogram-values.json')))).toBeUndefined();
    expect(confidenceSuggestions(getPanelDataSummary([]))).toBeUndefined();
  });
});
