import React, { memo, useCallback, useMemo } from 'react';
import { css } from '@emotion/css';
import { format as d3format, scaleLinear } from 'd3';
import { colorManipulator, type GrafanaTheme2 } from '@grafana/data';
import { useStyles2, VizTooltipColorIndicator, type VizTooltipItem } from '@grafana/ui';

import { sortClassRows } from '../data/classes';
import { formatCount, formatPoints, formatShare } from '../data/format';
import type { ClassModel, ClassRow } from '../data/types';
import type { ClassSort, ReferenceStyle } from '../types';
import { ChartTooltip } from './ChartTooltip';
import type { WindowColors } from './HistogramChart';
import { useChartInteraction } from './useChartInteraction';

interface Props {
  model: ClassModel;
  width: number;
  height: number;
  theme: GrafanaTheme2;
  colors: WindowColors;
  referenceStyle: ReferenceStyle;
  sort: ClassSort;
  skewThreshold: number;
  label: string;
}

const MIN_ROW = 16;
const MAX_ROW = 30;
const AXIS = 22;

function shareWithCount(share: number, count: number | undefined): string {
  return count === undefined ? formatShare(share) : `${formatShare(share)} (${formatCount(count)})`;
}

function truncate(name: string, px: number): string {
  const max = Math.max(3, Math.floor(px / 6.6));
  return name.length > max ? `${name.slice(0, max - 1)}…` : name;
}

/** Share per predicted class, now against the reference; skewed classes highlighted. */
export const ClassChart = memo(function ClassChart({
  model,
  width,
  height,
  theme,
  colors,
  referenceStyle,
  sort,
  skewThreshold,
  label,
}: Props) {
  const styles = useStyles2(getStyles);
  const sorted = useMemo(() => sortClassRows(model.rows, sort), [model.rows, sort]);
  const both = Boolean(model.windows.reference && model.windows.current);
  const mirrored = referenceStyle === 'mirrored' && both;
  const plotHeight = Math.max(MIN_ROW, height - AXIS - 4);
  const fits = Math.max(1, Math.floor(plotHeight / MIN_ROW));
  const overflow = sorted.length > fits;
  const shown = overflow ? sorted.slice(0, fits - 1) : sorted;
  const rowHeight = Math.min(MAX_ROW, plotHeight / Math.max(1, overflow ? fits : shown.length));
  const nameWidth = Math.min(180, Math.max(60, width * 0.26));
  const changeWidth = both ? 84 : 8;
  const barLeft = nameWidth + 8;
  const barRight = Math.max(barLeft + 10, width - changeWidth - 8);
  const maxShare = useMemo(() => {
    let m = 0;
    for (const r of model.rows) {
      m = Math.max(m, model.windows.current ? r.current : 0, model.windows.reference ? r.reference : 0);
    }
    return m || 1;
  }, [model]);
  const x = useMemo(
    () => scaleLinear().domain([0, maxShare]).range([barLeft, barRight]).nice(),
    [maxShare, barLeft, barRight]
  );
  const axisY = shown.length * rowHeight + (overflow ? rowHeight : 0) + 4;

  const indexAt = useCallback(
    (_px: number, py: number) => {
      const i = Math.floor(py / rowHeight);
      return i >= 0 && i < shown.length ? i : undefined;
    },
    [rowHeight, shown.length]
  );
  const anchorOf = useCallback(
    (i: number) => ({ x: barLeft + (barRight - barLeft) / 2, y: (i + 0.5) * rowHeight }),
    [barLeft, barRight, rowHeight]
  );
  const { ref, hover, pinned, release, handlers } = useChartInteraction({ count: shown.length, indexAt, anchorOf });

  const text = theme.colors.text;
  const font = { fontFamily: theme.typography.fontFamily, fontSize: 12 };
  const largestName = model.largest !== undefined ? model.rows[model.largest].name : undefined;
  const skewed = new Set(model.skewed);
  const ticks = x.ticks(Math.max(2, Math.floor((barRight - barLeft) / 70)));
  const tickFormat = d3format(maxShare < 0.05 ? '.1%' : '.0%');

  const rowNodes = shown.map(({ row }, i) => {
    const top = i * rowHeight;
    const isSkewed = skewed.has(row.name);
    const isLargest = row.name === largestName;
    const band = mirrored
      ? { y: top + rowHeight * 0.12, h: rowHeight * 0.36 }
      : { y: top + rowHeight * 0.18, h: rowHeight * 0.64 };
    return (
      <g
        key={row.name}
        data-testid="confidence-class-row"
        data-class={row.name}
        data-skewed={isSkewed ? 'true' : 'false'}
        data-largest={isLargest ? 'true' : 'false'}
      >
        {isSkewed && (
          <rect x={0} y={top + 1} width={width} height={rowHeight - 2} fill={theme.colors.error.transparent} />
        )}
        {hover?.index === i && (
          <rect x={0} y={top} width={width} height={rowHeight} fill={colorManipulator.alpha(text.primary, 0.08)} />
        )}
        {isLargest && (
          <rect
            x={0}
            y={top + 2}
            width={3}
            height={rowHeight - 4}
            fill={isSkewed ? theme.colors.error.main : text.secondary}
          />
        )}
        <text x={8} y={top + rowHeight / 2} dy="0.32em" {...font} fill={text.primary}>
          {truncate(row.name, nameWidth - 10)}
        </text>
        {model.windows.current && row.current > 0 && (
          <rect
            x={barLeft}
            y={band.y}
            width={Math.max(1, x(row.current) - barLeft)}
            height={band.h}
            fill={colorManipulator.alpha(colors.current, 0.8)}
          />
        )}
        {model.windows.reference &&
          row.reference > 0 &&
          (mirrored ? (
            <rect
              x={barLeft}
              y={top + rowHeight * 0.52}
              width={Math.max(1, x(row.reference) - barLeft)}
              height={rowHeight * 0.36}
              fill={colorManipulator.alpha(colors.reference, 0.7)}
            />
          ) : (
            <rect
              x={barLeft}
              y={band.y}
              width={Math.max(1, x(row.reference) - barLeft)}
              height={band.h}
              fill="none"
              stroke={colors.reference}
              strokeWidth={2}
            />
          ))}
        {both && (
          <text
            x={width - 8}
            y={top + rowHeight / 2}
            dy="0.32em"
            textAnchor="end"
            {...font}
            fontWeight={isSkewed || isLargest ? theme.typography.fontWeightMedium : undefined}
            fill={isSkewed ? theme.colors.error.text : text.secondary}
          >
            {`${isLargest ? (row.change > 0 ? '▲ ' : '▼ ') : ''}${formatPoints(row.change)}`}
          </text>
        )}
      </g>
    );
  });

  let tooltip: React.ReactNode = null;
  if (hover && shown[hover.index]) {
    const row: ClassRow = shown[hover.index].row;
    const items: VizTooltipItem[] = [];
    if (model.windows.current) {
      items.push({
        label: 'Current',
        value: shareWithCount(row.current, row.currentCount),
        color: colors.current,
        colorIndicator: VizTooltipColorIndicator.value,
      });
    }
    if (model.windows.reference) {
      items.push({
        label: 'Reference',
        value: shareWithCount(row.reference, row.referenceCount),
        color: colors.reference,
        colorIndicator: VizTooltipColorIndicator.value,
      });
    }
    if (both) {
      items.push({
        label: Math.abs(row.change) >= skewThreshold - 1e-12 ? 'Change (skewed)' : 'Change',
        value: formatPoints(row.change),
      });
    }
    tooltip = (
      <ChartTooltip
        hover={hover}
        pinned={pinned}
        header={{ label: 'Class', value: row.name }}
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
      data-testid="confidence-classes"
      data-hover-bin={hover ? hover.index : ''}
      {...handlers}
    >
      <svg width={width} height={height} className={styles.svg}>
        {ticks.map((t) => (
          <g key={t} aria-hidden="true">
            <line x1={x(t)} x2={x(t)} y1={0} y2={axisY} stroke={theme.colors.border.weak} />
            <text
              x={x(t)}
              y={axisY + 14}
              textAnchor="middle"
              fontSize={11}
              fontFamily={theme.typography.fontFamily}
              fill={text.secondary}
            >
              {tickFormat(t)}
            </text>
          </g>
        ))}
        {rowNodes}
        {overflow && (
          <text x={8} y={shown.length * rowHeight + rowHeight / 2} dy="0.32em" {...font} fill={text.secondary}>
            {`+${sorted.length - shown.length} more classes (sorted by ${sort === 'change' ? 'change' : sort === 'current' ? 'current share' : 'name'})`}
          </text>
        )}
      </svg>
      {tooltip}
    </div>
  );
});

const getStyles = (theme: GrafanaTheme2) => ({
  root: css({
    position: 'relative',
    outline: 'none',
    '&:focus-visible': { boxShadow: `inset 0 0 0 2px ${theme.colors.primary.border}` },
  }),
  svg: css({ display: 'block', pointerEvents: 'none' }),
});
