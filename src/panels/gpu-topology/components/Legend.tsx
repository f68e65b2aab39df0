import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2, useTheme2 } from '@grafana/ui';

import type { ColorScale } from '../data/colors';
import type { MetricColumn } from '../data/model';

interface Props {
  column: MetricColumn | undefined;
  scale: ColorScale;
  format: (column: MetricColumn, value: number) => string;
  compact: boolean;
}

/** Colour scale of the metric, and what the marks on cells mean. */
export function Legend({ column, scale, format, compact }: Props) {
  const styles = useStyles2(getStyles);
  const theme = useTheme2();
  const marks = (
    <span className={styles.marks} aria-hidden="true">
      <svg width="12" height="12" viewBox="0 0 12 12">
        <rect x="1" y="1" width="10" height="10" fill="none" stroke={theme.colors.text.maxContrast} strokeWidth="2" />
      </svg>
      <span>straggler</span>
      <svg width="12" height="12" viewBox="0 0 12 12">
        <rect x="0.5" y="0.5" width="11" height="11" fill={theme.colors.background.secondary} />
        <path d="M6 0.5 H11.5 V6 Z" fill={theme.colors.error.main} />
      </svg>
      <span>XID</span>
      <svg width="12" height="12" viewBox="0 0 12 12">
        <rect x="0.5" y="0.5" width="11" height="11" fill={theme.colors.background.secondary} />
        <path d="M0.5 6 V11.5 H6 Z" fill={theme.colors.warning.main} />
      </svg>
      <span>throttled</span>
    </span>
  );
  if (!column) {
    return <div className={styles.root}>{!compact && marks}</div>;
  }
  let bar: React.ReactNode = null;
  if (scale.mode === 'continuous') {
    const stops = [0, 0.25, 0.5, 0.75, 1].map((p) => scale.colors[Math.round(p * (scale.colors.length - 1))]);
    bar = <span className={styles.gradient} style={{ background: `linear-gradient(to right, ${stops.join(', ')})` }} />;
  } else if (scale.mode === 'thresholds') {
    bar = (
      <span className={styles.steps}>
        {scale.steps.map((s, i) => (
          <span key={i} className={styles.step} title={i === 0 ? 'Base' : `≥ ${format(column, s.value)}`}>
            <span className={styles.swatch} style={{ background: s.color }} />
            {i > 0 && !compact && <span>{format(column, s.value)}</span>}
          </span>
        ))}
      </span>
    );
  }
  return (
    <div className={styles.root} data-testid="gpu-topology-legend">
      <span className={styles.title}>{column.title}</span>
      {scale.mode === 'continuous' && <span className={styles.value}>{format(column, scale.min)}</span>}
      {bar}
      {scale.mode === 'continuous' && <span className={styles.value}>{format(column, scale.max)}</span>}
      {!compact && marks}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  root: css({
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(0.75),
    fontSize: theme.typography.bodySmall.fontSize,
    color: theme.colors.text.secondary,
    whiteSpace: 'nowrap',
    overflow: 'hidden',
  }),
  title: css({
    color: theme.colors.text.primary,
  }),
  value: css({
    fontVariantNumeric: 'tabular-nums',
  }),
  gradient: css({
    display: 'inline-block',
    width: 80,
    height: 10,
    borderRadius: 2,
  }),
  steps: css({
    display: 'inline-flex',
    gap: theme.spacing(0.5),
  }),
  step: css({
    display: 'inline-flex',
    alignItems: 'center',
    gap: 2,
  }),
  swatch: css({
    display: 'inline-block',
    width: 10,
    height: 10,
    borderRadius: 2,
  }),
  marks: css({
    display: 'inline-flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
    marginLeft: theme.spacing(1),
    '& > span': {
      marginRight: theme.spacing(0.5),
    },
  }),
});
