import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Icon, Input, RadioButtonGroup, useStyles2 } from '@grafana/ui';

import type { SortBy } from '../data/order';
import { SORT_OPTIONS } from '../types';

interface Props {
  filter: string;
  onFilterChange: (filter: string) => void;
  sortBy: SortBy;
  onSortChange: (sortBy: SortBy) => void;
  shown: number;
  total: number;
  width: number;
}

export const CONTROLS_HEIGHT = 32;

/** Filter box, sort buttons and the count of features shown. */
export function HeatmapControls({ filter, onFilterChange, sortBy, onSortChange, shown, total, width }: Props) {
  const styles = useStyles2(getStyles);
  const narrow = width < 520;
  return (
    <div className={styles.controls} style={{ height: CONTROLS_HEIGHT }}>
      <div className={styles.filter} style={{ width: narrow ? 120 : 200 }}>
        <Input
          value={filter}
          onChange={(e) => onFilterChange(e.currentTarget.value)}
          placeholder="Filter features"
          aria-label="Filter features by name"
          prefix={<Icon name="search" />}
          data-testid="mlwatch-heatmap-filter"
        />
      </div>
      <RadioButtonGroup
        size="sm"
        options={SORT_OPTIONS.map((o) => ({
          value: o.value,
          label: narrow && o.value === 'firstOver' ? 'First' : o.label,
          description: o.description,
        }))}
        value={sortBy}
        onChange={onSortChange}
        aria-label="Sort rows by"
      />
      <span className={styles.count} data-testid="mlwatch-heatmap-count">
        {shown === total
          ? `${total}${narrow ? '' : total === 1 ? ' feature' : ' features'}`
          : `${shown} of ${total}${narrow ? '' : ' features'}`}
      </span>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  controls: css({
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    padding: theme.spacing(0, 1),
    overflow: 'hidden',
  }),
  filter: css({ flexShrink: 1, minWidth: 80 }),
  count: css({
    marginLeft: 'auto',
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
    whiteSpace: 'nowrap',
  }),
});
