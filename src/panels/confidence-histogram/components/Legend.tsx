import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';

export type SwatchShape = 'fill' | 'outline' | 'dash' | 'dot' | 'tint';

export interface LegendItem {
  label: string;
  color: string;
  shape: SwatchShape;
}

/** A compact legend; the swatches repeat how each window is drawn. */
export function Legend({ items }: { items: LegendItem[] }) {
  const styles = useStyles2(getStyles);
  return (
    <div className={styles.legend} data-testid="confidence-legend">
      {items.map((item) => (
        <span key={item.label} className={styles.item}>
          <Swatch {...item} />
          {item.label}
        </span>
      ))}
    </div>
  );
}

function Swatch({ color, shape }: LegendItem) {
  switch (shape) {
    case 'outline':
      return (
        <svg width={14} height={10} aria-hidden="true">
          <rect x={1} y={1} width={12} height={8} fill="none" stroke={color} strokeWidth={2} />
        </svg>
      );
    case 'dash':
      return (
        <svg width={14} height={10} aria-hidden="true">
          <line x1={1} x2={13} y1={5} y2={5} stroke={color} strokeWidth={1.5} strokeDasharray="3 2" />
        </svg>
      );
    case 'dot':
      return (
        <svg width={14} height={10} aria-hidden="true">
          <line x1={1} x2={13} y1={5} y2={5} stroke={color} strokeWidth={2} />
          <circle cx={7} cy={5} r={3} fill={color} />
        </svg>
      );
    default:
      return (
        <svg width={14} height={10} aria-hidden="true">
          <rect x={1} y={1} width={12} height={8} fill={color} opacity={shape === 'tint' ? 0.5 : 0.85} />
        </svg>
      );
  }
}

const getStyles = (theme: GrafanaTheme2) => ({
  legend: css({
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'nowrap',
    overflow: 'hidden',
    gap: theme.spacing(1.5),
    fontSize: theme.typography.bodySmall.fontSize,
    color: theme.colors.text.secondary,
    minWidth: 0,
  }),
  item: css({ display: 'inline-flex', alignItems: 'center', gap: theme.spacing(0.5), whiteSpace: 'nowrap' }),
});
