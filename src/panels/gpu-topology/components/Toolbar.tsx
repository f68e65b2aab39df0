import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { FilterInput, Icon, InlineSwitch, Tooltip, useStyles2 } from '@grafana/ui';

interface Props {
  search: string;
  onSearch: (value: string) => void;
  stragglersOnly: boolean;
  onStragglersOnly: (value: boolean) => void;
  stragglerCount: number;
  summary: string;
  notices: string[];
  width: number;
  legend: React.ReactNode;
}

/** Search, the stragglers-only switch, the legend and a one-line summary. */
export function Toolbar({
  search,
  onSearch,
  stragglersOnly,
  onStragglersOnly,
  stragglerCount,
  summary,
  notices,
  width,
  legend,
}: Props) {
  const styles = useStyles2(getStyles);
  return (
    <div className={styles.root} data-testid="gpu-topology-toolbar">
      <FilterInput
        className={styles.search}
        width={width < 520 ? 16 : width < 900 ? 24 : 30}
        value={search}
        onChange={onSearch}
        escapeRegex={false}
        placeholder="Host, pod or namespace"
        aria-label="Search GPUs by host, pod or namespace"
        data-testid="gpu-topology-search"
      />
      <InlineSwitch
        label={`Stragglers only (${stragglerCount})`}
        showLabel={width >= 420}
        value={stragglersOnly}
        onChange={(e) => onStragglersOnly(e.currentTarget.checked)}
        data-testid="gpu-topology-stragglers-only"
        transparent
      />
      {width >= 640 && <div className={styles.legend}>{legend}</div>}
      <span className={styles.summary}>
        {width >= 800 && summary}
        {notices.length > 0 && (
          <Tooltip
            content={
              <div>
                {notices.map((n) => (
                  <div key={n}>{n}</div>
                ))}
              </div>
            }
          >
            <Icon name="info-circle" className={styles.notice} aria-label={notices.join(' ')} tabIndex={0} />
          </Tooltip>
        )}
      </span>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  root: css({
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    height: 32,
    marginBottom: theme.spacing(0.5),
    minWidth: 0,
  }),
  search: css({
    flex: '0 0 auto',
  }),
  legend: css({
    flex: '1 1 auto',
    minWidth: 0,
    overflow: 'hidden',
  }),
  summary: css({
    marginLeft: 'auto',
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
    whiteSpace: 'nowrap',
  }),
  notice: css({
    color: theme.colors.text.secondary,
    cursor: 'help',
  }),
});
