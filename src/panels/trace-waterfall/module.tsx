import { PanelPlugin } from '@grafana/data';

import { addNumber, addRadio, addSlider, addSwitch, addText } from './components/optionEditors';
import { TraceWaterfallPanel } from './components/TraceWaterfallPanel';
import { migrateOptions } from './data/migrate';
import { DEFAULT_OPTIONS as D, type WaterfallOptions } from './data/options';
import { waterfallSuggestions } from './data/suggestions';

const TRACE = ['Trace'];
const FILTERS = ['Filters'];
const DISPLAY = ['Display'];
const ML = ['ML and LLM'];

export const plugin = new PanelPlugin<WaterfallOptions>(TraceWaterfallPanel)
  .setPanelOptions((b) => {
    addText(b, {
      path: 'traceId',
      name: 'Trace ID',
      description: 'Trace to open when the data holds several. Empty opens the first. Dashboard variables work.',
      category: TRACE,
      defaultValue: D.traceId,
    });
    addNumber(b, {
      path: 'collapseDepth',
      name: 'Collapse from depth',
      description: 'Collapse spans this deep or deeper when the trace opens. 0 expands everything.',
      category: TRACE,
      defaultValue: D.collapseDepth,
      settings: { min: 0, integer: true },
    });
    addSwitch(b, {
      path: 'highlightCriticalPath',
      name: 'Highlight critical path',
      description: 'Mark the parts of spans the request waited on.',
      category: TRACE,
      defaultValue: D.highlightCriticalPath,
    });
    addText(b, {
      path: 'search',
      name: 'Find',
      description: 'Search applied on load: span name, service, attribute, or key=value. Dashboard variables work.',
      category: FILTERS,
      defaultValue: D.search,
    });
    addSwitch(b, {
      path: 'matchesOnly',
      name: 'Matches only',
      description: 'Show only spans matching the search, with their parents.',
      category: FILTERS,
      defaultValue: D.matchesOnly,
    });
    addNumber(b, {
      path: 'minDurationMs',
      name: 'Minimum duration (ms)',
      category: FILTERS,
      defaultValue: D.minDurationMs,
      settings: { min: 0 },
    });
    addRadio(b, {
      path: 'statusFilter',
      name: 'Status',
      category: FILTERS,
      defaultValue: D.statusFilter,
      settings: {
        options: [
          { value: 'all', label: 'All' },
          { value: 'error', label: 'Errors' },
          { value: 'ok', label: 'OK' },
        ],
      },
    });
    addSwitch(b, {
      path: 'criticalPathOnly',
      name: 'Critical path only',
      category: FILTERS,
      defaultValue: D.criticalPathOnly,
    });
    addSwitch(b, {
      path: 'showMinimap',
      name: 'Overview',
      description: 'The minimap above the spans; drag on it to zoom.',
      category: DISPLAY,
      defaultValue: D.showMinimap,
    });
    addSlider(b, {
      path: 'nameColumnWidth',
      name: 'Span column width',
      description: 'Share of the panel width.',
      category: DISPLAY,
      defaultValue: D.nameColumnWidth,
      settings: { min: 0.1, max: 0.7, step: 0.05 },
    });
    addRadio(b, {
      path: 'rowHeight',
      name: 'Row height',
      category: DISPLAY,
      defaultValue: D.rowHeight,
      settings: {
        options: [
          { value: 'compact', label: 'Compact' },
          { value: 'normal', label: 'Normal' },
        ],
      },
    });
    addSwitch(b, {
      path: 'showStages',
      name: 'Stage breakdown',
      description: 'Share of the request spent in preprocess, inference and postprocess.',
      category: ML,
      defaultValue: D.showStages,
    });
    addText(b, {
      path: 'stagePreprocess',
      name: 'Preprocess spans',
      description: 'Span name fragments, separated by |. A span can also name its stage in an ml.stage attribute.',
      category: ML,
      defaultValue: D.stagePreprocess,
      showIf: (o) => o.showStages,
    });
    addText(b, {
      path: 'stageInference',
      name: 'Inference spans',
      category: ML,
      defaultValue: D.stageInference,
      showIf: (o) => o.showStages,
    });
    addText(b, {
      path: 'stagePostprocess',
      name: 'Postprocess spans',
      category: ML,
      defaultValue: D.stagePostprocess,
      showIf: (o) => o.showStages,
    });
    addSwitch(b, {
      path: 'showLlmSummary',
      name: 'LLM totals',
      description: 'Model calls, tokens, LLM time and tool calls for the trace.',
      category: ML,
      defaultValue: D.showLlmSummary,
    });
    addSwitch(b, {
      path: 'showContent',
      name: 'Prompt and completion text',
      description:
        'Show recorded prompts and completions in span details, collapsed until opened. Turn off to keep them off screen.',
      category: ML,
      defaultValue: D.showContent,
    });
  })
  .setMigrationHandler((panel) => migrateOptions(panel.options as unknown as Record<string, unknown> | undefined))
  .setSuggestionsSupplier(waterfallSuggestions);
