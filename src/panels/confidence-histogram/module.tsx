import { type DataFrame, type FieldOverrideContext, PanelPlugin, type SelectableValue } from '@grafana/data';

import { ConfidencePanel } from './components/ConfidencePanel';
import { MAX_BINS } from './data/values';
import { migrationHandler, panelChangeHandler } from './migrations';
import { confidenceSuggestions } from './suggestions';
import { type ConfidenceOptions, DEFAULT_OPTIONS } from './types';

/** The queries in the panel's data, for the reference/current pickers. */
async function queryChoices(data: DataFrame[] | undefined): Promise<Array<SelectableValue<string>>> {
  const ids = [...new Set((data ?? []).map((f) => f.refId).filter((id): id is string => Boolean(id)))];
  return [
    { value: '', label: 'Auto', description: 'By name ("reference", "current"), else first query is current' },
    ...ids.map((id) => ({ value: id, label: id })),
  ];
}

const WINDOWS = ['Windows'];
const CLASSES = ['Class mode'];
const COLOURS = ['Colours'];

export const plugin = new PanelPlugin<ConfidenceOptions>(ConfidencePanel)
  .setPanelOptions((builder) =>
    builder
      .addRadio({
        path: 'mode',
        name: 'Mode',
        description:
          'Auto picks from the data: the confidence histogram, the class distribution or the reliability diagram.',
        defaultValue: DEFAULT_OPTIONS.mode,
        settings: {
          options: [
            { value: 'auto', label: 'Auto' },
            { value: 'histogram', label: 'Confidence' },
            { value: 'classes', label: 'Classes' },
            { value: 'calibration', label: 'Calibration' },
          ],
        },
      })
      .addRadio({
        path: 'referenceStyle',
        name: 'Reference window',
        description: 'Draw the reference as an outline over the current bars, or as bars mirrored below them.',
        defaultValue: DEFAULT_OPTIONS.referenceStyle,
        settings: {
          options: [
            { value: 'outline', label: 'Outline' },
            { value: 'mirrored', label: 'Mirrored' },
          ],
        },
        showIf: (o) => o.mode !== 'calibration',
      })
      .addSliderInput({
        path: 'lowConfidenceThreshold',
        name: 'Low-confidence threshold',
        description: 'Predictions below this confidence count as low-confidence in the header and the shaded area.',
        defaultValue: DEFAULT_OPTIONS.lowConfidenceThreshold,
        settings: { min: 0, max: 1, step: 0.05 },
        showIf: (o) => o.mode === 'auto' || o.mode === 'histogram',
      })
      .addBooleanSwitch({
        path: 'showHeader',
        name: 'Header figures',
        description: 'Mean confidence, low-confidence share and drift verdict above the chart.',
        defaultValue: DEFAULT_OPTIONS.showHeader,
      })
      .addSelect({
        path: 'currentQuery',
        name: 'Current query',
        description:
          'The query that holds the current window. Not needed for the mlwatch distribution query or series with a window label.',
        category: WINDOWS,
        defaultValue: DEFAULT_OPTIONS.currentQuery,
        settings: {
          options: [{ value: '', label: 'Auto' }],
          getOptions: async (ctx: FieldOverrideContext) => queryChoices(ctx.data),
        },
      })
      .addSelect({
        path: 'referenceQuery',
        name: 'Reference query',
        description: 'The query that holds the reference window, for example the same query with an offset.',
        category: WINDOWS,
        defaultValue: DEFAULT_OPTIONS.referenceQuery,
        settings: {
          options: [{ value: '', label: 'Auto' }],
          getOptions: async (ctx: FieldOverrideContext) => queryChoices(ctx.data),
        },
      })
      .addNumberInput({
        path: 'binCount',
        name: 'Bins for raw values',
        description: `When the data holds raw confidence values, the panel bins them into this many equal-width bins (1–${MAX_BINS}).`,
        category: WINDOWS,
        defaultValue: DEFAULT_OPTIONS.binCount,
        settings: { min: 1, max: MAX_BINS, integer: true },
      })
      .addSliderInput({
        path: 'skewThreshold',
        name: 'Skew threshold',
        description:
          'A class is skewed when its share changes by at least this much (absolute; 0.2 = 20 percentage points).',
        category: CLASSES,
        defaultValue: DEFAULT_OPTIONS.skewThreshold,
        settings: { min: 0, max: 1, step: 0.01 },
      })
      .addRadio({
        path: 'classSort',
        name: 'Sort classes by',
        category: CLASSES,
        defaultValue: DEFAULT_OPTIONS.classSort,
        settings: {
          options: [
            { value: 'change', label: 'Change' },
            { value: 'current', label: 'Current share' },
            { value: 'name', label: 'Name' },
          ],
        },
      })
      .addColorPicker({
        path: 'currentColor',
        name: 'Current window',
        category: COLOURS,
        defaultValue: DEFAULT_OPTIONS.currentColor,
      })
      .addColorPicker({
        path: 'referenceColor',
        name: 'Reference window',
        category: COLOURS,
        defaultValue: DEFAULT_OPTIONS.referenceColor,
      })
  )
  .setMigrationHandler(migrationHandler)
  .setPanelChangeHandler(panelChangeHandler)
  .setSuggestionsSupplier(confidenceSuggestions);
