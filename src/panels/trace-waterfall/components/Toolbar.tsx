import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Button, Icon, IconButton, InlineSwitch, Input, RadioButtonGroup, useStyles2 } from '@grafana/ui';

import type { StatusFilter } from '../data/search';

export interface ToolbarProps {
  height: number;
  search: string;
  onSearch: (text: string) => void;
  matchCount: number | undefined;
  currentMatch: number;
  onNextMatch: (step: 1 | -1) => void;
  matchesOnly: boolean;
  onMatchesOnly: (on: boolean) => void;
  minDurationMs: number;
  onMinDuration: (ms: number) => void;
  status: StatusFilter;
  onStatus: (status: StatusFilter) => void;
  criticalPathOnly: boolean;
  onCriticalPathOnly: (on: boolean) => void;
  onExpandAll: () => void;
  onCollapseAll: () => void;
  zoomed: boolean;
  onResetZoom: () => void;
  filtered: boolean;
  onClearFilters: () => void;
}

const STATUS_OPTIONS: Array<{ label: string; value: StatusFilter; description: string }> = [
  { label: 'All', value: 'all', description: 'All spans' },
  { label: 'Errors', value: 'error', description: 'Only spans with errors' },
  { label: 'OK', value: 'ok', description: 'Only spans without errors' },
];

/** Search, filters, tree and zoom controls. */
export function Toolbar(p: ToolbarProps) {
  const styles = useStyles2(getStyles);
  const matchText =
    p.matchCount === undefined
      ? undefined
      : p.matchCount === 0
        ? 'No matches'
        : `${p.currentMatch + 1} of ${p.matchCount}`;
  return (
    <div className={styles.toolbar} style={{ height: p.height }} data-testid="trace-toolbar">
      <div className={styles.search}>
        <Input
          data-testid="trace-search"
          aria-label="Find spans"
          placeholder="Find: name, service, attribute or key=value"
          prefix={<Icon name="search" />}
          suffix={matchText && <span className={styles.count}>{matchText}</span>}
          value={p.search}
          onChange={(e) => p.onSearch(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              p.onNextMatch(e.shiftKey ? -1 : 1);
            } else if (e.key === 'Escape' && p.search) {
              e.stopPropagation();
              p.onSearch('');
            }
          }}
        />
      </div>
      <IconButton
        name="angle-up"
        tooltip="Previous match (Shift+Enter)"
        disabled={!p.matchCount}
        onClick={() => p.onNextMatch(-1)}
      />
      <IconButton
        name="angle-down"
        tooltip="Next match (Enter)"
        disabled={!p.matchCount}
        onClick={() => p.onNextMatch(1)}
      />
      <InlineSwitch
        label="Matches only"
        showLabel
        transparent
        value={p.matchesOnly}
        disabled={p.matchCount === undefined}
        onChange={(e) => p.onMatchesOnly(e.currentTarget.checked)}
      />
      <div className={styles.minDuration}>
        <Input
          aria-label="Minimum duration in milliseconds"
          data-testid="trace-min-duration"
          type="number"
          min={0}
          width={9}
          prefix="≥"
          suffix="ms"
          value={p.minDurationMs > 0 ? p.minDurationMs : ''}
          placeholder="0"
          onChange={(e) => {
            const v = Number(e.currentTarget.value);
            p.onMinDuration(Number.isFinite(v) && v > 0 ? v : 0);
          }}
        />
      </div>
      <RadioButtonGroup size="sm" aria-label="Status" options={STATUS_OPTIONS} value={p.status} onChange={p.onStatus} />
      <InlineSwitch
        label="Critical path"
        showLabel
        transparent
        value={p.criticalPathOnly}
        data-testid="critical-only"
        onChange={(e) => p.onCriticalPathOnly(e.currentTarget.checked)}
      />
      <IconButton name="angle-double-down" tooltip="Expand all" onClick={p.onExpandAll} />
      <IconButton name="angle-double-right" tooltip="Collapse all" onClick={p.onCollapseAll} />
      {p.filtered && (
        <Button size="sm" variant="secondary" fill="text" icon="filter" onClick={p.onClearFilters}>
          Clear filters
        </Button>
      )}
      {p.zoomed && (
        <Button size="sm" variant="secondary" icon="search-minus" onClick={p.onResetZoom} data-testid="reset-zoom">
          Reset zoom
        </Button>
      )}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  toolbar: css({
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    alignContent: 'center',
    columnGap: theme.spacing(1),
    rowGap: theme.spacing(0.5),
    padding: theme.spacing(0, 1),
    overflow: 'hidden',
    borderBottom: `1px solid ${theme.colors.border.weak}`,
  }),
  search: css({ width: 260, maxWidth: '45%' }),
  count: css({
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
    whiteSpace: 'nowrap',
  }),
  minDuration: css({ flexShrink: 0 }),
});
