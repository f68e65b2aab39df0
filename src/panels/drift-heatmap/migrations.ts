import type { SortBy } from './data/order';
import type { SummaryColumn } from './render/renderer';
import { defaultOptions, type DriftHeatmapOptions } from './types';

/** Option names and values earlier builds (and hand-written dashboards) used. */
const SORT_ALIASES: Record<string, SortBy> = {
  worst: 'worst',
  max: 'worst',
  maximum: 'worst',
  latest: 'latest',
  last: 'latest',
  current: 'latest',
  firstOver: 'firstOver',
  first: 'firstOver',
  first_over: 'firstOver',
  firstDrift: 'firstOver',
  name: 'name',
  alpha: 'name',
  alphabetical: 'name',
};

const SUMMARY_ALIASES: Record<string, SummaryColumn> = {
  none: 'none',
  off: 'none',
  worst: 'worst',
  max: 'worst',
  latest: 'latest',
  last: 'latest',
};

function pick<T>(aliases: Record<string, T>, value: unknown): T | undefined {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(aliases, value) ? aliases[value] : undefined;
}

/**
 * Brings saved options to the current shape: renamed keys (sort, rowFilter,
 * showSummary/summaryColumn, legend), old values (max, last, alpha), and
 * anything invalid back to its default. Unknown keys are dropped.
 */
export function migrateOptions(panel: { options?: unknown }): DriftHeatmapOptions {
  const old: Record<string, unknown> =
    panel.options !== null && typeof panel.options === 'object' ? { ...panel.options } : {};
  const sortBy = pick(SORT_ALIASES, old.sortBy) ?? pick(SORT_ALIASES, old.sort) ?? defaultOptions.sortBy;
  let summary = pick(SUMMARY_ALIASES, old.summary) ?? pick(SUMMARY_ALIASES, old.summaryColumn);
  if (summary === undefined && typeof old.showSummary === 'boolean') {
    summary = old.showSummary ? 'worst' : 'none';
  }
  const filter =
    typeof old.filter === 'string'
      ? old.filter
      : typeof old.rowFilter === 'string'
        ? old.rowFilter
        : defaultOptions.filter;
  const legend = old.legend as { show?: unknown; showLegend?: unknown } | undefined;
  const showLegend =
    typeof old.showLegend === 'boolean'
      ? old.showLegend
      : typeof legend?.showLegend === 'boolean'
        ? legend.showLegend
        : typeof legend?.show === 'boolean'
          ? legend.show
          : defaultOptions.showLegend;
  const showControls = typeof old.showControls === 'boolean' ? old.showControls : defaultOptions.showControls;
  return { sortBy, filter, showControls, summary: summary ?? defaultOptions.summary, showLegend };
}
