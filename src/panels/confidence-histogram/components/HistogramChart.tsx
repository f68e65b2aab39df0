import React, { memo, useCallback, useLayoutEffect, useMemo, useRef } from 'react';
import { css } from '@emotion/css';
import { format as d3format, scaleLinear, type ScaleLinear } from 'd3';
import { colorManipulator, type GrafanaTheme2 } from '@grafana/data';
import { useStyles2, VizTooltipColorIndicator, type VizTooltipItem } from '@grafana/ui';

import { formatBin, formatCount, formatPoints, formatShare } from '../data/format';
import { binIndexAt, stepOutline } from '../data/layout';
import type { HistogramBin, HistogramModel } from '../data/types';
import type { ReferenceStyle } from '../types';
import { Axes, type Plot, tickCounts } from './Axes';
import { ChartTooltip } from './ChartTooltip';
import { useChartInteraction } from './useChartInteraction';

export interface WindowColors {
  current: string;
  reference: string;
}

interface Props {
  model: HistogramModel;
  width: number;
  height: number;
  theme: GrafanaTheme2;
  colors: WindowColors;
  referenceStyle: ReferenceStyle;
  threshold: number;
  /** Read out by screen readers. */
  label: string;
}

const MARGIN = { left: 48, right: 14, top: 10, bottom: 36 };

export function plotOf(width: number, height: number): Plot {
  return {
    left: MARGIN.left,
    top: MARGIN.top,
    right: Math.max(MARGIN.left + 1, width - MARGIN.right),
    bottom: Math.max(MARGIN.top + 1, height - MARGIN.bottom),
  };
}

function shareWithCount(share: number, count: number | undefined): string {
  return count === undefined ? formatShare(share) : `${formatShare(share)} (${formatCount(count)})`;
}

/** Shares on the y axis: whole percent, or tenths for small shares; mirrored ticks read as positive. */
function shareFormat(max: number): (v: number) => string {
  const f = d3format(max < 0.05 ? '.1%' : '.0%');
  return (v) => f(Math.abs(v));
}

interface Scales {
  x: ScaleLinear<number, number>;
  y: ScaleLinear<number, number>;
  maxShare: number;
}

function scalesFor(bins: HistogramBin[], model: HistogramModel, plot: Plot, mirrored: boolean): Scales {
  const x = scaleLinear()
    .domain([bins[0].lower, bins[bins.length - 1].upper])
    .range([plot.left, plot.right]);
  let maxCur = 0;
  let maxRef = 0;
  for (const b of bins) {
    maxCur = Math.max(maxCur, b.current);
    maxRef = Math.max(maxRef, b.reference);
  }
  if (!model.windows.current) {
    maxCur = 0;
  }
  if (!model.windows.reference) {
    maxRef = 0;
  }
  const maxShare = Math.max(maxCur, maxRef) || 1;
  const y = mirrored
    ? scaleLinear()
        .domain([-(maxRef || maxShare), maxCur || maxShare])
        .range([plot.bottom, plot.top])
        .nice()
    : scaleLinear().domain([0, maxShare]).range([plot.bottom, plot.top]).nice();
  return { x, y, maxShare };
}

/**
 * Paints the bars on a canvas: with 1,000 bins an SVG would hold thousands
 * of nodes, while the canvas fills them in well under a millisecond.
 */
function paint(
  canvas: HTMLCanvasElement,
  width: number,
  height: number,
  {
    bins,
    model,
    scales,
    plot,
    colors,
    mirrored,
    threshold,
    theme,
  }: {
    bins: HistogramBin[];
    model: HistogramModel;
    scales: Scales;
    plot: Plot;
    colors: WindowColors;
    mirrored: boolean;
    threshold: number;
    theme: GrafanaTheme2;
  }
) {
  const dpr = window.devicePixelRatio || 1;
  const ctx = canvas.getContext('2d');
  if (!ctx) {
    return;
  }
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, width, height);
  const { x, y } = scales;
  const y0 = y(0);

  // The low-confidence region, faintly tinted so the threshold reads at a glance.
  const tx = Math.min(plot.right, Math.max(plot.left, x(threshold)));
  if (tx > plot.left) {
    ctx.fillStyle = colorManipulator.alpha(theme.colors.text.primary, theme.isDark ? 0.05 : 0.045);
    ctx.fillRect(plot.left, plot.top, tx - plot.left, plot.bottom - plot.top);
  }

  // A pixel gap between bars when they are wide enough to show it.
  const avgWidth = (plot.right - plot.left) / bins.length;
  const gap = avgWidth >= 5 ? 1 : 0;
  if (model.windows.current) {
    ctx.fillStyle = colorManipulator.alpha(colors.current, 0.8);
    for (const b of bins) {
      if (!(b.current > 0)) {
        continue;
      }
      const x0 = x(b.lower);
      const w = Math.max(0.6, x(b.upper) - x0 - gap);
      const top = y(b.current);
      ctx.fillRect(x0 + gap / 2, top, w, y0 - top);
    }
  }
  if (model.windows.reference) {
    if (mirrored) {
      ctx.fillStyle = colorManipulator.alpha(colors.reference, 0.7);
      for (const b of bins) {
        if (!(b.reference > 0)) {
          continue;
        }
        const x0 = x(b.lower);
        const w = Math.max(0.6, x(b.upper) - x0 - gap);
        ctx.fillRect(x0 + gap / 2, y0, w, y(-b.reference) - y0);
      }
    } else {
      const points = stepOutline(bins, (i) => bins[i].reference);
      ctx.strokeStyle = colors.reference;
      ctx.lineWidth = avgWidth < 2 ? 1.25 : 2;
      ctx.lineJoin = 'miter';
      ctx.beginPath();
      for (let i = 0; i < points.length; i++) {
        const px = x(points[i][0]);
        const py = y(points[i][1]);
        if (i === 0) {
          ctx.moveTo(px, py);
        } else {
          ctx.lineTo(px, py);
        }
      }
      ctx.stroke();
    }
  }
}

/** Reference and current confidence as shares: current as bars, reference as an outline or mirrored below. */
export const HistogramChart = memo(function HistogramChart({
  model,
  width,
  height,
  theme,
  colors,
  referenceStyle,
  threshold,
  label,
}: Props) {
  const styles = useStyles2(getStyles);
  const bins = model.bins;
  const mirrored = referenceStyle === 'mirrored' && Boolean(model.windows.reference && model.windows.current);
  const plot = useMemo(() => plotOf(width, height), [width, height]);
  const scales = useMemo(() => scalesFor(bins, model, plot, mirrored), [bins, model, plot, mirrored]);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const dpr = typeof window !== 'undefined' ? window.devicePixelRatio || 1 : 1;

  useLayoutEffect(() => {
    if (canvasRef.current) {
      paint(canvasRef.current, width, height, { bins, model, scales, plot, colors, mirrored, threshold, theme });
    }
  }, [bins, model, scales, plot, colors, mirrored, threshold, theme, width, height]);

  const indexAt = useCallback(
    (px: number, py: number) =>
      px < plot.left || px > plot.right || py < plot.top - 4 || py > plot.bottom + 4
        ? undefined
        : binIndexAt(bins, scales.x.invert(px)),
    [bins, plot, scales]
  );
  const anchorOf = useCallback(
    (i: number) => ({
      x: scales.x((bins[i].lower + bins[i].upper) / 2),
      y: scales.y(Math.max(bins[i].current, mirrored ? 0 : bins[i].reference)),
    }),
    [bins, scales, mirrored]
  );
  const { ref, hover, pinned, release, handlers } = useChartInteraction({ count: bins.length, indexAt, anchorOf });

  const hovered = hover ? bins[hover.index] : undefined;
  let highlight: React.ReactNode = null;
  let tooltip: React.ReactNode = null;
  if (hover && hovered) {
    const x0 = scales.x(hovered.lower);
    const x1 = scales.x(hovered.upper);
    const w = Math.max(3, x1 - x0);
    highlight = (
      <rect
        x={(x0 + x1) / 2 - w / 2}
        y={plot.top}
        width={w}
        height={plot.bottom - plot.top}
        fill={colorManipulator.alpha(theme.colors.text.primary, 0.12)}
        stroke={theme.colors.text.secondary}
        strokeWidth={pinned ? 1 : 0}
      />
    );
    const items: VizTooltipItem[] = [];
    if (model.windows.current) {
      items.push({
        label: 'Current',
        value: shareWithCount(hovered.current, hovered.currentCount),
        color: colors.current,
        colorIndicator: VizTooltipColorIndicator.value,
      });
    }
    if (model.windows.reference) {
      items.push({
        label: 'Reference',
        value: shareWithCount(hovered.reference, hovered.referenceCount),
        color: colors.reference,
        colorIndicator: mirrored ? VizTooltipColorIndicator.value : VizTooltipColorIndicator.series,
      });
    }
    if (model.windows.current && model.windows.reference) {
      items.push({ label: 'Change', value: formatPoints(hovered.current - hovered.reference) });
    }
    tooltip = (
      <ChartTooltip
        hover={hover}
        pinned={pinned}
        header={{ label: 'Confidence', value: formatBin(hovered.lower, hovered.upper) }}
        items={items}
        onClose={release}
      />
    );
  }

  const axes = {
    x: scales.x,
    y: scales.y,
    plot,
    theme,
    xLabel: 'Confidence',
    yLabel: 'Share of predictions',
    xFormat: scales.x.tickFormat(tickCounts(plot).x),
    yFormat: shareFormat(scales.maxShare),
  };
  const tx = scales.x(threshold);
  const showThreshold = threshold > scales.x.domain()[0] && threshold < scales.x.domain()[1];
  return (
    <div
      ref={ref}
      className={styles.root}
      style={{ width, height }}
      tabIndex={0}
      role="group"
      aria-label={label}
      data-testid="confidence-histogram"
      data-bins={bins.length}
      data-hover-bin={hover ? hover.index : ''}
      {...handlers}
    >
      <svg className={styles.layer} width={width} height={height}>
        <Axes layer="grid" {...axes} />
      </svg>
      <canvas
        ref={canvasRef}
        className={styles.layer}
        width={Math.round(width * dpr)}
        height={Math.round(height * dpr)}
        style={{ width, height }}
      />
      <svg className={styles.layer} width={width} height={height}>
        <Axes layer="labels" {...axes} />
        {showThreshold && (
          <g>
            <line
              x1={tx}
              x2={tx}
              y1={plot.top}
              y2={plot.bottom}
              stroke={theme.colors.text.secondary}
              strokeDasharray="4 3"
              strokeWidth={1.5}
            />
            <text
              x={tx + 4}
              y={plot.top + 10}
              fontSize={11}
              fontFamily={theme.typography.fontFamily}
              fill={theme.colors.text.secondary}
            >
              {`< ${threshold}`}
            </text>
          </g>
        )}
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
  layer: css({ position: 'absolute', left: 0, top: 0, pointerEvents: 'none' }),
});
