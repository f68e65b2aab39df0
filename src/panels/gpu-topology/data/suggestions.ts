/**
 * Suggests the GPU map when the data looks like GPUs: the mlwatch gpu frame
 * or DCGM exporter series with host and gpu labels.
 */
import { VisualizationSuggestionScore, type PanelDataSummary, type VisualizationSuggestion } from '@grafana/data';

import { METRICS, type ColorMetricId } from './metrics';
import { buildTopologyModel } from './model';
import type { TopologyOptions } from './options';

/** Suggestions are worked out on a sample: enough to recognise the shape, cheap on big fleets. */
const SAMPLE_FRAMES = 2000;

export function topologySuggestions(summary: PanelDataSummary): Array<VisualizationSuggestion<TopologyOptions>> | void {
  const frames = summary.rawFrames;
  if (!summary.hasData || !frames || frames.length === 0) {
    return;
  }
  const model = buildTopologyModel(frames.slice(0, SAMPLE_FRAMES));
  if (model.gpus.length === 0) {
    return;
  }
  const fromMlwatch = model.source === 'table' && model.stragglerSource === 'data';
  const preview = (s: VisualizationSuggestion<TopologyOptions>) => {
    s.options = { ...s.options, showToolbar: false, issueList: 'hidden' };
  };
  const wanted: ColorMetricId[] = ['utilization', 'temperature', 'memoryUsedPct', 'power', 'tensorActive'];
  const out: Array<VisualizationSuggestion<TopologyOptions>> = [];
  for (const id of wanted) {
    if (!model.columns.some((c) => c.id === id)) {
      continue;
    }
    out.push({
      name: `GPU map: ${METRICS[id].title.toLowerCase()}`,
      description: 'Nodes and their GPUs, coloured by metric, with stragglers, XID errors and throttling marked',
      options: { colorBy: id },
      score:
        out.length === 0
          ? fromMlwatch
            ? VisualizationSuggestionScore.Best
            : VisualizationSuggestionScore.Good
          : VisualizationSuggestionScore.OK,
      cardOptions: { previewModifier: preview },
    });
  }
  if (out.length === 0) {
    out.push({
      name: 'GPU map',
      options: { colorBy: 'auto' },
      score: VisualizationSuggestionScore.OK,
      cardOptions: { previewModifier: preview },
    });
  }
  return out;
}
