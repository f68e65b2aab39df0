import { VisualizationSuggestionScore, type PanelDataSummary, type VisualizationSuggestion } from '@grafana/data';

import { isTraceFrame } from './frame';
import type { WaterfallOptions } from './options';

/**
 * Offers the waterfall for trace frames: first choice when the datasource
 * marks the frame as a trace (Tempo, Jaeger, the mlwatch traces query),
 * a good choice for other frames with span ids, start times and durations.
 */
export function waterfallSuggestions(
  summary: PanelDataSummary
): Array<VisualizationSuggestion<WaterfallOptions>> | void {
  if (!summary.hasData) {
    return;
  }
  if (summary.hasPreferredVisualisationType('trace')) {
    return [{ name: 'Trace waterfall', score: VisualizationSuggestionScore.Best, cardOptions: { maxRows: 200 } }];
  }
  if ((summary.rawFrames ?? []).some((f) => f.length > 0 && isTraceFrame(f))) {
    return [{ name: 'Trace waterfall', score: VisualizationSuggestionScore.Good, cardOptions: { maxRows: 200 } }];
  }
  return;
}
