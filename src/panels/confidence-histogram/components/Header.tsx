import React from 'react';
import { css, cx } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Icon, Tooltip, useStyles2 } from '@grafana/ui';

import type { Figure, Tone } from '../data/figures';

interface Props {
  figures: Figure[];
  /** Where the numbers come from. */
  source: string;
  /** Repairs and gaps in the data the user should know about. */
  notices: string[];
  /** Panel width: narrow panels show fewer figures (they come in order of importance). */
  width: number;
}

/** Room one figure needs to stay readable, in pixels. */
const FIGURE_WIDTH = 150;

/** The header figures: value now, the reference value and the change, with how each is computed on hover. */
export function Header({ figures, source, notices, width }: Props) {
  const styles = useStyles2(getStyles);
  const shown = figures.slice(0, Math.max(1, Math.floor((width - 40) / FIGURE_WIDTH)));
  return (
    <div className={styles.header} data-testid="confidence-header">
      {shown.map((f) => (
        <div key={f.id} className={cx(styles.figure, f.wide && styles.wide)} data-testid={`confidence-figure-${f.id}`}>
          <div className={styles.label}>
            <span className={styles.ellipsis}>{f.label}</span>
            {f.help && (
              <Tooltip content={f.help} placement="bottom">
                <span
                  className={styles.help}
                  tabIndex={0}
                  aria-label={`${f.label}: ${f.help}`}
                  data-testid={`confidence-help-${f.id}`}
                >
                  <Icon name="info-circle" size="xs" />
                </span>
              </Tooltip>
            )}
          </div>
          <div className={styles.values} title={[f.value, f.change?.text, f.compare].filter(Boolean).join(' ')}>
            <span className={cx(styles.value, toneClass(styles, f.tone))}>{f.value}</span>
            {f.change && <span className={cx(styles.change, toneClass(styles, f.change.tone))}>{f.change.text}</span>}
            {f.compare && <span className={styles.compare}>{f.compare}</span>}
          </div>
        </div>
      ))}
      <Tooltip
        placement="bottom-end"
        content={
          <div className={styles.noticeList}>
            <div>{source}</div>
            {notices.map((n, i) => (
              <div key={i}>{n}</div>
            ))}
          </div>
        }
      >
        <span
          className={cx(styles.notice, notices.length > 0 && styles.warn)}
          tabIndex={0}
          aria-label={notices.length > 0 ? `${notices.length} data notices` : 'About this data'}
          data-testid="confidence-notices"
          data-count={notices.length}
        >
          <Icon name={notices.length > 0 ? 'exclamation-triangle' : 'info-circle'} />
        </span>
      </Tooltip>
    </div>
  );
}

function toneClass(styles: ReturnType<typeof getStyles>, tone: Tone | undefined): string | undefined {
  switch (tone) {
    case 'bad':
      return styles.bad;
    case 'good':
      return styles.good;
    case 'muted':
      return styles.muted;
    default:
      return undefined;
  }
}

const getStyles = (theme: GrafanaTheme2) => ({
  header: css({
    display: 'flex',
    alignItems: 'flex-start',
    gap: theme.spacing(2),
    padding: theme.spacing(0.5, 1, 0, 1),
    overflow: 'hidden',
    height: '100%',
  }),
  figure: css({ flex: '1 1 0', minWidth: 0 }),
  wide: css({ flexGrow: 1.6 }),
  label: css({
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
    lineHeight: '16px',
  }),
  ellipsis: css({ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }),
  help: css({
    display: 'inline-flex',
    cursor: 'help',
    '&:focus-visible': { outline: `2px solid ${theme.colors.primary.border}` },
  }),
  values: css({
    display: 'flex',
    alignItems: 'baseline',
    gap: theme.spacing(0.75),
    whiteSpace: 'nowrap',
    overflow: 'hidden',
  }),
  value: css({
    fontSize: theme.typography.h4.fontSize,
    fontWeight: theme.typography.fontWeightMedium,
    color: theme.colors.text.primary,
    lineHeight: '28px',
  }),
  change: css({
    fontSize: theme.typography.body.fontSize,
    fontWeight: theme.typography.fontWeightMedium,
    color: theme.colors.text.secondary,
  }),
  compare: css({
    fontSize: theme.typography.bodySmall.fontSize,
    color: theme.colors.text.secondary,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
  }),
  bad: css({ color: theme.colors.error.text }),
  good: css({ color: theme.colors.success.text }),
  muted: css({ color: theme.colors.text.secondary, fontSize: theme.typography.body.fontSize }),
  notice: css({
    flex: 'none',
    color: theme.colors.text.secondary,
    cursor: 'help',
    '&:focus-visible': { outline: `2px solid ${theme.colors.primary.border}` },
  }),
  warn: css({ color: theme.colors.warning.text }),
  noticeList: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(0.5), maxWidth: 360 }),
});
