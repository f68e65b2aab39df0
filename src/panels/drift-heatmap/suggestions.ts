import {
  FieldType,
  VisualizationSuggestionScore,
  type PanelDataSummary,
  type VisualizationSuggestion,
} from '@grafana/data';

import type { DriftHeatmapOptions } from './types';

/**
 * Suggests the heatmap for feature-labelled data: time series with a
 * `feature` label (mlwatch drift over time, or a PromQL expression per
 * feature), or a long table with time, feature and score columns.
 */
export function driftHeatmapSuggestions(
  summary: PanelDataSummary
): Array<VisualizationSuggestion<DriftHeatmapOptions>> | void {
  const frames = summary.rawFrames ?? [];
  if (!summary.hasData || !summary.hasFieldType(FieldType.time) || summary.isInstant) {
    return;
  }
  const labelled = new Set<string>();
  let longTable = false;
  for (const frame of frames) {
    for (const field of frame.fields) {
      const feature = field.labels?.feature;
      if (field.type === FieldType.number && feature) {
        labelled.add(feature);
      }
    }
    const names = frame.fields.map((f) => f.name.toLowerCase());
    if (names.includes('feature') && names.includes('score')) {
      longTable = true;
    }
  }
  if (labelled.size === 0 && !longTable) {
    return;
  }
  return [
    {
      name: 'Drift heatmap',
      description: 'Features by time, coloured by drift score, with thresholds marked',
      // Two or more labelled features is exactly what the heatmap is for.
      score: labelled.size >= 2 || longTable ? VisualizationSuggestionScore.Best : VisualizationSuggestionScore.Good,
      options: { showControls: false },
      cardOptions: {
        previewModifier: (s) => {
          s.options = { ...s.options, showLegend: false, summary: 'none' };
        },
      },
    },
  ];
}
