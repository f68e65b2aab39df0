import React, { memo, useCallback, useMemo } from 'react';
import { css } from '@emotion/css';
import { format as d3format, scaleLinear } from 'd3';
import { colorManipulator, type GrafanaTheme2 } from '@grafana/data';
import { useStyles2, VizTooltipColorIndicator, type VizTooltipItem } from '@grafana/ui';

import { formatBin, formatConfidence, formatCount, formatPoints, formatShare } from '../data/format';
import { binIndexAt } from '../data/layout';
import type { CalibrationBin, CalibrationModel } from '../data/types';
import { Axes } from './Axes';
import { ChartTooltip } from './ChartTooltip';
import { plotOf, type WindowColors } from './HistogramChart';
import { useChartInteraction } from './useChartInteraction';

interface Props {
  model: CalibrationModel;
  width: number;
  height: number;
  theme: GrafanaTheme2;
  colors: WindowColors;
  label: string;
}

function accuracyText(b: CalibrationBin): string {
  if (!Number.isFinite(b.accuracy)) {
    return 'no labels';
  }
  const of = b.correct !== undefined ? ` (${formatCount(b.correct)} of ${formatCount(b.count)})` : '';
  return `${formatShare(b.accuracy)}${of}`;
}

/**
 * Reliability diagram: accuracy per confidence bin against the diagonal of
 * perfect calibration, the gap shaded. Bins are few (10–20), so SVG.
 */
export const CalibrationChart = memo(function CalibrationChart({ model, width, height, theme, colors, label }: Props) {
  const styles = useStyles2(getStyles);
  const current = model.sides.current;
  const reference = model.sides.reference;
  // The window with labels drives the bars; the current one when it has them.
  const main = (current && current.total > 0 ? current : (reference ?? current))!;
  const mainIsCurrent = main === current;
  const mainColor = mainIsCurrent ? colors.current : colors.reference;
  // The hover grid: the main window's bins (both windows usually share them).
  const bins = main.bins;
  const plot = useMemo(() => plotOf(width, height), [width, height]);
  const { x, y } = useMemo(() => {
    let lo = Infinity;
    let hi = -Infinity;
    for (const side of [current, reference]) {
      for (const b of side?.bins ?? []) {
        lo = Math.min(lo, b.lower);
        hi = Math.max(hi, b.upper);
      }
    }
    return {
      x: scaleLinear()
        .domain([Math.min(0, lo), Math.max(1, hi)])
        .range([plot.left, plot.right]),
      y: scaleLinear().domain([0, 1]).range([plot.bottom, plot.top]),
    };
  }, [current, reference, plot]);

  const indexAt = useCallback(
    (px: number, py: number) =>
      px < plot.left || px > plot.right || py < plot.top - 4 || py > plot.bottom + 4
        ? undefined
        : binIndexAt(bins, x.invert(px)),
    [bins, plot, x]
  );
  const anchorOf = useCallback(
    (i: number) => ({
      x: x((bins[i].lower + bins[i].upper) / 2),
      y: y(Number.isFinite(bins[i].accuracy) ? bins[i].accuracy : 0),
    }),
    [bins, x, y]
  );
  const { ref, hover, pinned, release, handlers } = useChartInteraction({ count: bins.length, indexAt, anchorOf });

  const [d0, d1] = x.domain();
  const gapColor = colorManipulator.alpha(theme.colors.error.main, 0.35);
  const axes = {
    x,
    y,
    plot,
    theme,
    xLabel: 'Confidence',
    yLabel: 'Accuracy',
    xFormat: x.tickFormat(5),
    yFormat: d3format('.0%'),
  };

  const bars = bins.map((b, i) => {
    if (!Number.isFinite(b.accuracy) || !(b.count > 0)) {
      return null;
    }
    const x0 = x(b.lower) + 1;
    const w = Math.max(1, x(b.upper) - x(b.lower) - 2);
    const top = y(b.accuracy);
    const conf = y(Math.min(1, Math.max(0, b.confidence)));
    return (
      <g key={i} data-testid="confidence-calibration-bin">
        <rect x={x0} y={top} width={w} height={plot.bottom - top} fill={colorManipulator.alpha(mainColor, 0.75)} />
        <rect
          x={x0}
          y={Math.min(top, conf)}
          width={w}
          height={Math.abs(conf - top)}
          fill={gapColor}
          stroke={theme.colors.error.main}
          strokeWidth={0.75}
        />
      </g>
    );
  });

  // The reference window as points joined by a line, so both read on one grid.
  let referencePath: React.ReactNode = null;
  if (mainIsCurrent && reference) {
    const pts = reference.bins
      .filter((b) => Number.isFinite(b.accuracy) && b.count > 0)
      .map((b) => [x(b.confidence), y(b.accuracy)] as const);
    referencePath = (
      <g>
        <polyline
          points={pts.map((p) => p.join(',')).join(' ')}
          fill="none"
          stroke={colors.reference}
          strokeWidth={2}
        />
        {pts.map((p, i) => (
          <circle key={i} cx={p[0]} cy={p[1]} r={3.5} fill={colors.reference} />
        ))}
      </g>
    );
  }

  let highlight: React.ReactNode = null;
  let tooltip: React.ReactNode = null;
  if (hover && bins[hover.index]) {
    const b = bins[hover.index];
    highlight = (
      <rect
        x={x(b.lower)}
        y={plot.top}
        width={Math.max(3, x(b.upper) - x(b.lower))}
        height={plot.bottom - plot.top}
        fill={colorManipulator.alpha(theme.colors.text.primary, 0.1)}
      />
    );
    const items: VizTooltipItem[] = [
      {
        label: mainIsCurrent ? 'Accuracy now' : 'Accuracy (reference)',
        value: accuracyText(b),
        color: mainColor,
        colorIndicator: VizTooltipColorIndicator.value,
      },
      { label: model.midpoints ? 'Confidence (midpoint)' : 'Mean confidence', value: formatConfidence(b.confidence) },
    ];
    if (Number.isFinite(b.accuracy)) {
      const gap = b.accuracy - b.confidence;
      items.push({ label: gap < 0 ? 'Gap (overconfident)' : 'Gap (underconfident)', value: formatPoints(gap) });
    }
    if (mainIsCurrent && reference) {
      const rb = reference.bins.find((r) => r.lower === b.lower && r.upper === b.upper);
      if (rb) {
        items.push({
          label: 'Accuracy (reference)',
          value: accuracyText(rb),
          color: colors.reference,
          colorIndicator: VizTooltipColorIndicator.series,
        });
      }
    }
    items.push({
      label: 'Labelled',
      value: `${formatCount(b.count)} (${formatShare(main.total > 0 ? b.count / main.total : NaN)} of all)`,
    });
    tooltip = (
      <ChartTooltip
        hover={hover}
        pinned={pinned}
        header={{ label: 'Confidence', value: formatBin(b.lower, b.upper) }}
        items={items}
        onClose={release}
      />
    );
  }

  return (
    <div
      ref={ref}
      className={styles.root}
      style={{ width, height }}
      tabIndex={0}
      role="group"
      aria-label={label}
      data-testid="confidence-calibration"
      data-hover-bin={hover ? hover.index : ''}
      {...handlers}
    >
      <svg width={width} height={height} className={styles.svg}>
        <Axes layer="grid" {...axes} />
        {bars}
        <Axes layer="labels" {...axes} />
        <line
          x1={x(Math.max(0, d0))}
          y1={y(Math.max(0, d0))}
          x2={x(Math.min(1, d1))}
          y2={y(Math.min(1, d1))}
          stroke={theme.colors.text.secondary}
          strokeDasharray="5 4"
          strokeWidth={1.5}
        />
        {referencePath}
        {highlight}
      </svg>
      {tooltip}
    </div>
  );
});

const getStyles = (theme: GrafanaTheme2) => ({
  root: css({
    position: 'relative',
    outline: 'none',
    cursor: 'crosshair',
    '&:focus-visible': { boxShadow: `inset 0 0 0 2px ${theme.colors.primary.border}` },
  }),
  svg: css({ display: 'block', pointerEvents: 'none' }),
});
