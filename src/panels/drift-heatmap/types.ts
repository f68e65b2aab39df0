import type { SortBy } from './data/order';
import type { SummaryColumn } from './render/renderer';

export interface DriftHeatmapOptions {
  /** Row order: worst score first, latest score first, first to drift first, or by name. */
  sortBy: SortBy;
  /** Initial row filter (the filter box can change it while viewing). */
  filter: string;
  /** Show the filter box and sort buttons above the heatmap. */
  showControls: boolean;
  /** Extra column with each row's worst or latest score. */
  summary: SummaryColumn;
  showLegend: boolean;
}

export const defaultOptions: DriftHeatmapOptions = {
  sortBy: 'worst',
  filter: '',
  showControls: true,
  summary: 'worst',
  showLegend: true,
};

export const SORT_OPTIONS: Array<{ value: SortBy; label: string; description: string }> = [
  { value: 'worst', label: 'Worst', description: 'Highest drift at any time first' },
  { value: 'latest', label: 'Latest', description: 'Highest drift in the latest time step first' },
  { value: 'firstOver', label: 'First drift', description: 'Earliest to cross the threshold first' },
  { value: 'name', label: 'Name', description: 'Feature name, A to Z' },
];

export const SUMMARY_OPTIONS: Array<{ value: SummaryColumn; label: string; description: string }> = [
  { value: 'none', label: 'None', description: 'No summary column' },
  { value: 'worst', label: 'Worst', description: 'Each row’s worst score (highest distance, lowest p-value)' },
  { value: 'latest', label: 'Latest', description: 'Each row’s latest score' },
];
