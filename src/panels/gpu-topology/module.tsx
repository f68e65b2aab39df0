import { FieldConfigProperty, PanelPlugin, ThresholdsMode, type SelectableValue } from '@grafana/data';

import {
  GroupByEditor,
  NumberEditor,
  RadioEditor,
  SelectEditor,
  SliderEditor,
  SwitchEditor,
  TextEditor,
} from './components/OptionEditors';
import { TopologyPanel } from './components/TopologyPanel';
import { DEFAULT_COLOR_MODE } from './data/colors';
import { COLOR_METRICS, METRICS } from './data/metrics';
import { DEFAULT_OPTIONS, migrateOptions, type TopologyOptions } from './data/options';
import { topologySuggestions } from './data/suggestions';

const COLOR_OPTIONS: Array<SelectableValue<string>> = [
  { value: 'auto', label: 'Auto', description: 'Utilisation, else tensor activity, memory, temperature, power' },
  ...COLOR_METRICS.map((id) => ({ value: id, label: METRICS[id].title })),
  { value: 'field', label: 'Other field', description: 'A column or series by name' },
];

const MAP = ['GPU map'];
const STRAGGLERS = ['Stragglers'];

export const plugin = new PanelPlugin<TopologyOptions>(TopologyPanel)
  .setPanelOptions((builder) => {
    builder
      .addCustomEditor({
        id: 'colorBy',
        path: 'colorBy',
        name: 'Colour by',
        description: 'The metric that colours each GPU. Colour scheme, min/max and thresholds are in Standard options.',
        category: MAP,
        defaultValue: DEFAULT_OPTIONS.colorBy,
        editor: SelectEditor,
        settings: { options: COLOR_OPTIONS },
      })
      .addCustomEditor({
        id: 'colorField',
        path: 'colorField',
        name: 'Field name',
        description: 'Column or series name, for example DCGM_FI_DEV_MEM_COPY_UTIL',
        category: MAP,
        defaultValue: DEFAULT_OPTIONS.colorField,
        editor: TextEditor,
        showIf: (o) => o.colorBy === 'field',
      })
      .addCustomEditor({
        id: 'groupBy',
        path: 'groupBy',
        name: 'Group nodes by',
        description: 'Splits the map into sections: a namespace, job or rack label. Type any label name.',
        category: MAP,
        defaultValue: DEFAULT_OPTIONS.groupBy,
        editor: GroupByEditor,
      })
      .addCustomEditor({
        id: 'showLinks',
        path: 'showLinks',
        name: 'NVLink links',
        description:
          'Peer links inside each node, from DCGM_EXP_P2P_STATUS or a links table. Auto draws them when cells are big enough, otherwise on hover.',
        category: MAP,
        defaultValue: DEFAULT_OPTIONS.showLinks,
        editor: RadioEditor,
        settings: {
          options: [
            { value: 'auto', label: 'Auto' },
            { value: 'always', label: 'Always' },
            { value: 'off', label: 'Off' },
          ],
        },
      })
      .addCustomEditor({
        id: 'issueList',
        path: 'issueList',
        name: 'Issue list',
        description: 'Stragglers, XID errors and throttled GPUs. Click one to find it on the map.',
        category: MAP,
        defaultValue: DEFAULT_OPTIONS.issueList,
        editor: RadioEditor,
        settings: {
          options: [
            { value: 'auto', label: 'Auto' },
            { value: 'right', label: 'Right' },
            { value: 'bottom', label: 'Bottom' },
            { value: 'hidden', label: 'Hidden' },
          ],
        },
      })
      .addCustomEditor({
        id: 'showToolbar',
        path: 'showToolbar',
        name: 'Search and legend',
        category: MAP,
        defaultValue: DEFAULT_OPTIONS.showToolbar,
        editor: SwitchEditor,
      })
      .addCustomEditor({
        id: 'search',
        path: 'search',
        name: 'Initial search',
        description: 'Host, pod or namespace text. Dashboard variables work, for example $namespace.',
        category: MAP,
        defaultValue: DEFAULT_OPTIONS.search,
        editor: TextEditor,
      })
      .addCustomEditor({
        id: 'stragglersOnly',
        path: 'stragglersOnly',
        name: 'Stragglers only',
        description: 'Start with only the nodes that have a straggler.',
        category: MAP,
        defaultValue: DEFAULT_OPTIONS.stragglersOnly,
        editor: SwitchEditor,
      })
      .addCustomEditor({
        id: 'stragglerGroupLabels',
        path: 'stragglerGroupLabels',
        name: 'Peer group labels',
        description:
          'Raw DCGM series only (the mlwatch gpu query scores GPUs itself): labels whose values form a group of peers, comma separated. "host" groups by node.',
        category: STRAGGLERS,
        defaultValue: DEFAULT_OPTIONS.stragglerGroupLabels,
        editor: TextEditor,
      })
      .addCustomEditor({
        id: 'stragglerThreshold',
        path: 'stragglerThreshold',
        name: 'Straggler below',
        description: 'Share of the group median utilisation. nvidia-resiliency-ext uses 0.75.',
        category: STRAGGLERS,
        defaultValue: DEFAULT_OPTIONS.stragglerThreshold,
        editor: SliderEditor,
        settings: { min: 0.05, max: 0.95, step: 0.05 },
      })
      .addCustomEditor({
        id: 'minGroupMedian',
        path: 'minGroupMedian',
        name: 'Busy group from (%)',
        description: 'Groups with a lower median utilisation are idle: no stragglers there.',
        category: STRAGGLERS,
        defaultValue: DEFAULT_OPTIONS.minGroupMedian,
        editor: NumberEditor,
        settings: { min: 0, max: 100 },
      });
  })
  .useFieldConfig({
    disableStandardOptions: [
      FieldConfigProperty.Mappings,
      FieldConfigProperty.NoValue,
      FieldConfigProperty.DisplayName,
    ],
    standardOptions: {
      [FieldConfigProperty.Color]: {
        defaultValue: { mode: DEFAULT_COLOR_MODE },
        settings: { byValueSupport: true, preferThresholdsMode: false },
      },
      [FieldConfigProperty.Thresholds]: {
        defaultValue: {
          mode: ThresholdsMode.Absolute,
          steps: [
            { value: -Infinity, color: 'green' },
            { value: 80, color: 'red' },
          ],
        },
      },
    },
  })
  .setMigrationHandler((panel) => migrateOptions(panel.options))
  .setSuggestionsSupplier(topologySuggestions);
