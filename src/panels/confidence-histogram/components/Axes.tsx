import React from 'react';
import type { ScaleLinear } from 'd3';
import type { GrafanaTheme2 } from '@grafana/data';

export interface Plot {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

interface Props {
  x: ScaleLinear<number, number>;
  y: ScaleLinear<number, number>;
  plot: Plot;
  theme: GrafanaTheme2;
  xLabel: string;
  yLabel: string;
  xFormat: (v: number) => string;
  yFormat: (v: number) => string;
  /** The y value of the baseline (0 for shares). */
  baseline?: number;
  /** 'grid' goes under the marks, 'labels' over them: grid lines never cross the bars. */
  layer: 'grid' | 'labels';
}

/** Tick counts that suit the size, capped so large panels do not fill up with ticks. */
export function tickCounts(plot: Plot): { x: number; y: number } {
  return {
    x: Math.min(10, Math.max(2, Math.floor((plot.right - plot.left) / 80))),
    y: Math.min(8, Math.max(2, Math.floor((plot.bottom - plot.top) / 50))),
  };
}

/** Grid, ticks and axis titles in SVG: a few dozen nodes, crisp text, themed. */
export function Axes({ x, y, plot, theme, xLabel, yLabel, xFormat, yFormat, baseline = 0, layer }: Props) {
  const width = plot.right - plot.left;
  const height = plot.bottom - plot.top;
  const counts = tickCounts(plot);
  const yTicks = y.ticks(counts.y);
  if (layer === 'grid') {
    return (
      <g aria-hidden="true">
        {yTicks.map((t) => (
          <line key={t} x1={plot.left} x2={plot.right} y1={y(t)} y2={y(t)} stroke={theme.colors.border.weak} />
        ))}
      </g>
    );
  }
  const xTicks = x.ticks(counts.x);
  const text = theme.colors.text.secondary;
  const font = { fontSize: 11, fontFamily: theme.typography.fontFamily, fill: text };
  const y0 = y(baseline);
  return (
    <g aria-hidden="true">
      {yTicks.map((t) => (
        <text key={`y${t}`} x={plot.left - 6} y={y(t)} dy="0.32em" textAnchor="end" {...font}>
          {yFormat(t)}
        </text>
      ))}
      <line x1={plot.left} x2={plot.right} y1={y0} y2={y0} stroke={theme.colors.border.strong} />
      {xTicks.map((t) => (
        <g key={`x${t}`}>
          <line x1={x(t)} x2={x(t)} y1={plot.bottom} y2={plot.bottom + 4} stroke={theme.colors.border.strong} />
          <text x={x(t)} y={plot.bottom + 15} textAnchor="middle" {...font}>
            {xFormat(t)}
          </text>
        </g>
      ))}
      {height > 80 && (
        <text transform={`translate(${11},${plot.top + height / 2}) rotate(-90)`} textAnchor="middle" {...font}>
          {yLabel}
        </text>
      )}
      <text x={plot.left + width / 2} y={plot.bottom + 29} textAnchor="middle" {...font}>
        {xLabel}
      </text>
    </g>
  );
}
