import { FieldColorModeId, FieldConfigProperty, PanelPlugin, ThresholdsMode } from '@grafana/data';

import { DriftHeatmapPanel } from './components/DriftHeatmapPanel';
import { RadioEditor, SwitchEditor, TextEditor } from './components/OptionEditors';
import { migrateOptions } from './migrations';
import { driftHeatmapSuggestions } from './suggestions';
import { defaultOptions, SORT_OPTIONS, SUMMARY_OPTIONS, type DriftHeatmapOptions } from './types';

export const plugin = new PanelPlugin<DriftHeatmapOptions>(DriftHeatmapPanel)
  .setPanelOptions((builder) => {
    builder
      .addCustomEditor({
        id: 'sortBy',
        path: 'sortBy',
        name: 'Sort rows by',
        description: 'Viewers can change this in the panel; this is where it starts.',
        defaultValue: defaultOptions.sortBy,
        editor: RadioEditor,
        settings: { options: SORT_OPTIONS },
      })
      .addCustomEditor({
        id: 'filter',
        path: 'filter',
        name: 'Row filter',
        description: 'Show features whose name contains this text. Separate several with commas, or use /regex/.',
        defaultValue: defaultOptions.filter,
        editor: TextEditor,
        settings: { placeholder: 'e.g. income, age' },
      })
      .addCustomEditor({
        id: 'showControls',
        path: 'showControls',
        name: 'Filter and sort controls',
        description: 'Show the filter box and sort buttons above the heatmap.',
        defaultValue: defaultOptions.showControls,
        editor: SwitchEditor,
      })
      .addCustomEditor({
        id: 'summary',
        path: 'summary',
        name: 'Summary column',
        description: 'A column after the last time step with each feature’s worst or latest score.',
        defaultValue: defaultOptions.summary,
        editor: RadioEditor,
        settings: { options: SUMMARY_OPTIONS },
      })
      .addCustomEditor({
        id: 'showLegend',
        path: 'showLegend',
        name: 'Legend',
        defaultValue: defaultOptions.showLegend,
        editor: SwitchEditor,
      });
  })
  .useFieldConfig({
    standardOptions: {
      [FieldConfigProperty.Color]: {
        defaultValue: { mode: FieldColorModeId.ContinuousGrYlRd },
        settings: { byValueSupport: true, bySeriesSupport: false, preferThresholdsMode: false },
      },
      [FieldConfigProperty.Thresholds]: {
        // No threshold steps by default: the mlwatch datasource sends each
        // feature's threshold. Steps set here apply instead.
        defaultValue: { mode: ThresholdsMode.Absolute, steps: [{ value: -Infinity, color: 'green' }] },
      },
    },
    disableStandardOptions: [FieldConfigProperty.NoValue, FieldConfigProperty.Filterable, FieldConfigProperty.Actions],
  })
  .setMigrationHandler((panel) => migrateOptions(panel))
  .setSuggestionsSupplier(driftHeatmapSuggestions);
