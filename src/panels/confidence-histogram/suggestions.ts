import { type PanelDataSummary, type VisualizationSuggestion, VisualizationSuggestionScore } from '@grafana/data';

import { availableViews, readConfidenceData } from './data/model';
import { DEFAULT_OPTIONS, type ConfidenceOptions } from './types';

/**
 * Suggests the panel for data it was made for: the mlwatch distribution
 * frame (best), histogram buckets, class counters and labelled
 * predictions. Raw numbers are never suggested: any number would fit.
 */
export function confidenceSuggestions(
  summary: PanelDataSummary
): Array<VisualizationSuggestion<ConfidenceOptions>> | void {
  const frames = summary.rawFrames;
  if (!summary.hasData || !frames || frames.length === 0) {
    return;
  }
  const data = readConfidenceData(frames, DEFAULT_OPTIONS);
  const out: Array<VisualizationSuggestion<ConfidenceOptions>> = [];
  const compact = (s: VisualizationSuggestion<ConfidenceOptions>) => {
    s.options = { ...s.options, showHeader: false };
  };
  for (const view of availableViews(data)) {
    if (view === 'histogram' && data.histogram?.source !== 'values') {
      out.push({
        name: 'Confidence histogram',
        description: 'Reference and current prediction confidence, as shares',
        options: { mode: 'histogram' },
        score:
          data.histogram?.source === 'distribution'
            ? VisualizationSuggestionScore.Best
            : VisualizationSuggestionScore.Good,
        cardOptions: { previewModifier: compact },
      });
    } else if (view === 'classes') {
      out.push({
        name: 'Class distribution',
        description: 'Share per predicted class now against the reference, skew highlighted',
        options: { mode: 'classes' },
        score:
          data.classes?.source === 'distribution' ? VisualizationSuggestionScore.Best : VisualizationSuggestionScore.OK,
        cardOptions: { previewModifier: compact },
      });
    } else if (view === 'calibration') {
      out.push({
        name: 'Reliability diagram',
        description: 'Accuracy against confidence, with the expected calibration error',
        options: { mode: 'calibration' },
        score: VisualizationSuggestionScore.Good,
        cardOptions: { previewModifier: compact },
      });
    }
  }
  return out.length > 0 ? out : undefined;
}
