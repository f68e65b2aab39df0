import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Icon, Tooltip, useStyles2, useTheme2 } from '@grafana/ui';

import { formatScore } from '../data/describe';
import type { HeatmapModel, ScoreKind } from '../data/model';
import type { Palette } from '../data/palette';
import { scoreAtPosition, scorePosition, type ScoreScale } from '../data/scale';

interface Props {
  model: HeatmapModel;
  scale: ScoreScale;
  palette: Palette;
  /** The legend's outer element, measured by the panel to size the canvas. */
  legendRef?: React.Ref<HTMLDivElement>;
  /** Short wording for narrow panels. */
  compact?: boolean;
}

/** Height of one legend line; the legend wraps onto more lines in narrow panels. */
export const HEATMAP_LEGEND_LINE = 30;
const MAX_TICKS = 3;

/** Distinct thresholds of one kind, for ticks on that kind's bar. */
function thresholdsOf(model: HeatmapModel, scale: ScoreScale, kind: ScoreKind): number[] {
  const seen = new Set<number>();
  model.rows.forEach((row, r) => {
    if (row.kind === kind) {
      scale.thresholds[r].forEach((t) => seen.add(t));
    }
  });
  return [...seen].sort((a, b) => a - b);
}

function gradient(palette: Palette, scale: ScoreScale, kind: ScoreKind): string {
  if (palette.kind === 'steps') {
    // Hard stops at each step's position on this kind's scale.
    const stops: string[] = [];
    palette.colors.forEach((c, i) => {
      const from = i === 0 ? 0 : scorePosition(scale, kind, palette.stepValues![i]);
      const to = i === palette.colors.length - 1 ? 1 : scorePosition(scale, kind, palette.stepValues![i + 1]);
      const [a, b] = kind === 'p_value' ? [Math.min(from, to), Math.max(from, to)] : [from, to];
      stops.push(`${c} ${(a * 100).toFixed(1)}%`, `${c} ${(b * 100).toFixed(1)}%`);
    });
    return `linear-gradient(to right, ${stops.join(', ')})`;
  }
  const n = palette.colors.length;
  const step = Math.max(1, Math.floor(n / 16));
  const stops: string[] = [];
  for (let i = 0; i < n; i += step) {
    stops.push(`${palette.colors[i]} ${((i / (n - 1)) * 100).toFixed(1)}%`);
  }
  stops.push(`${palette.colors[n - 1]} 100%`);
  return `linear-gradient(to right, ${stops.join(', ')})`;
}

function ScaleBar({ model, scale, palette, kind, compact }: Props & { kind: ScoreKind }) {
  const styles = useStyles2(getStyles);
  const thresholds = thresholdsOf(model, scale, kind);
  const ticks = thresholds.length <= MAX_TICKS ? thresholds : [];
  const isP = kind === 'p_value';
  const title = isP
    ? compact
      ? 'p-value, low = drift'
      : 'p-value (log): low = drift'
    : compact
      ? 'Score'
      : 'Score: high = drift';
  const lowLabel = isP ? '1' : formatScore(scale.distance.lo);
  const highLabel = isP ? `≤ ${formatScore(scoreAtPosition(scale, kind, 1))}` : `≥ ${formatScore(scale.distance.hi)}`;
  return (
    <div className={styles.scale} data-testid={`mlwatch-heatmap-legend-${kind}`}>
      <div className={styles.barRow}>
        <span>{title}</span>
        <span className={styles.end}>{lowLabel}</span>
        <div className={styles.bar} style={{ background: gradient(palette, scale, kind) }}>
          {ticks.map((t) => (
            <span
              key={t}
              className={styles.tick}
              style={{ left: `${scorePosition(scale, kind, t) * 100}%` }}
              title={`Threshold ${formatScore(t)}`}
            >
              <span className={styles.tickLabel}>{formatScore(t)}</span>
            </span>
          ))}
        </div>
        <span className={styles.end}>{highLabel}</span>
      </div>
      {thresholds.length > MAX_TICKS && <span className={styles.note}>thresholds vary by feature</span>}
    </div>
  );
}

/** Explains colours, the threshold outline and the no-score hatch. */
export function HeatmapLegend(props: Props) {
  const { model, scale, palette, legendRef, compact } = props;
  const styles = useStyles2(getStyles);
  const theme = useTheme2();
  const hatch = `repeating-linear-gradient(135deg, ${theme.colors.border.strong} 0 1.5px, ${theme.colors.background.secondary} 1.5px 6px)`;
  const overText = compact
    ? 'Outlined: drift'
    : scale.hasPValue && scale.hasDistance
      ? 'Outlined: drift (score at or above its threshold, p-value below)'
      : scale.hasPValue
        ? 'Outlined: drift (p-value below threshold)'
        : 'Outlined: drift (at or above threshold)';
  const notes = [...model.notices];
  if (palette.fallbackFrom) {
    notes.push(
      `The colour scheme "${palette.fallbackFrom}" colours series, not values; Green-Yellow-Red is used instead.`
    );
  }
  return (
    <div className={styles.legend} ref={legendRef} data-testid="mlwatch-heatmap-legend" aria-label="Legend">
      {scale.hasDistance && (
        <ScaleBar model={model} scale={scale} palette={palette} compact={compact} kind="distance" />
      )}
      {scale.hasPValue && <ScaleBar model={model} scale={scale} palette={palette} compact={compact} kind="p_value" />}
      {scale.thresholdSource === 'none' ? (
        <div className={styles.item}>No threshold: set one under Thresholds</div>
      ) : (
        <div className={styles.item}>
          <span className={styles.outline} />
          {overText}
        </div>
      )}
      <div className={styles.item}>
        <span className={styles.swatch} style={{ background: hatch }} />
        {compact ? 'No score' : 'No score (too little data)'}
      </div>
      {notes.length > 0 && (
        <Tooltip content={notes.join(' ')}>
          <span className={styles.item} tabIndex={0} data-testid="mlwatch-heatmap-notices">
            <Icon name="info-circle" />
            {notes.length === 1 ? 'Note' : `${notes.length} notes`}
          </span>
        </Tooltip>
      )}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  legend: css({
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: theme.spacing(0, 2),
    padding: theme.spacing(0.5, 1),
    minHeight: HEATMAP_LEGEND_LINE,
    fontSize: theme.typography.bodySmall.fontSize,
    color: theme.colors.text.secondary,
  }),
  scale: css({ display: 'flex', alignItems: 'center', gap: theme.spacing(1), paddingBottom: 8 }),
  barRow: css({ display: 'flex', alignItems: 'center', gap: theme.spacing(0.5), whiteSpace: 'nowrap' }),
  bar: css({
    position: 'relative',
    width: 100,
    height: 8,
    borderRadius: theme.shape.radius.default,
  }),
  end: css({ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }),
  tick: css({
    position: 'absolute',
    top: -2,
    width: 2,
    height: 12,
    marginLeft: -1,
    background: theme.colors.text.maxContrast,
    boxShadow: `0 0 0 1px ${theme.colors.background.primary}`,
  }),
  tickLabel: css({
    position: 'absolute',
    top: 12,
    left: '50%',
    transform: 'translateX(-50%)',
    fontSize: 10,
    lineHeight: 1,
    color: theme.colors.text.primary,
    whiteSpace: 'nowrap',
  }),
  note: css({ fontSize: 10 }),
  item: css({ display: 'inline-flex', alignItems: 'center', gap: theme.spacing(0.5), whiteSpace: 'nowrap' }),
  swatch: css({
    display: 'inline-block',
    width: 14,
    height: 10,
    border: `1px solid ${theme.colors.border.weak}`,
  }),
  outline: css({
    display: 'inline-block',
    width: 14,
    height: 10,
    background: theme.visualization.getColorByName('red'),
    border: `2px solid ${theme.colors.text.maxContrast}`,
    outline: `1px solid ${theme.isDark ? '#000' : '#fff'}`,
    outlineOffset: -3,
  }),
});
