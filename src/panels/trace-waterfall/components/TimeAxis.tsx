import React from 'react';
import { css } from '@emotion/css';
import { scaleLinear } from 'd3';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';

import { formatDuration } from '../data/format';
import type { TimeWindow } from './SpanRows';

/** Room a tick label needs to the right of its line, px. */
const LABEL_PX = 52;

/** Tick positions (percent of the timeline column) and labels for a window; ticks too close to the end get no label. */
export function axisTicks(view: TimeWindow, pixels: number): Array<{ pct: number; label: string }> {
  const len = view.to - view.from;
  if (!(len > 0)) {
    return [{ pct: 0, label: formatDuration(view.from) }];
  }
  const scale = scaleLinear().domain([view.from, view.to]).range([0, 100]);
  return scale.ticks(Math.max(2, Math.floor(pixels / 90))).map((t) => {
    const pct = scale(t);
    return { pct, label: ((100 - pct) / 100) * pixels < LABEL_PX ? '' : formatDuration(t) };
  });
}

interface AxisProps {
  view: TimeWindow;
  nameWidth: number;
  width: number;
  height: number;
  shown: number;
  total: number;
}

/** The header row: the span column title and the time ticks over the timeline column. */
export function TimeAxis({ view, nameWidth, width, height, shown, total }: AxisProps) {
  const styles = useStyles2(getStyles);
  const ticks = axisTicks(view, width - nameWidth);
  return (
    <div className={styles.axis} style={{ height, width }} data-testid="time-axis">
      <div className={styles.title} style={{ width: nameWidth }}>
        {shown === total
          ? `${total.toLocaleString('en-US')} spans`
          : `${shown.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} spans`}
      </div>
      <div className={styles.ticks}>
        {ticks.map((t) => (
          <span key={t.pct} className={styles.tick} style={{ left: `${t.pct}%` }}>
            {t.label}
          </span>
        ))}
      </div>
    </div>
  );
}

/** Vertical grid lines over the rows, at the axis ticks. */
export function TimeGrid({ view, nameWidth, width }: { view: TimeWindow; nameWidth: number; width: number }) {
  const styles = useStyles2(getStyles);
  const ticks = axisTicks(view, width - nameWidth);
  return (
    <div className={styles.grid} style={{ left: nameWidth }} aria-hidden>
      {ticks.map((t) => (
        <span key={t.pct} className={styles.line} style={{ left: `${t.pct}%` }} />
      ))}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  axis: css({
    display: 'flex',
    alignItems: 'stretch',
    borderBottom: `1px solid ${theme.colors.border.medium}`,
    fontSize: theme.typography.bodySmall.fontSize,
    color: theme.colors.text.secondary,
    // Same gutter as the scrolling rows below, so ticks line up with bars.
    overflowY: 'hidden',
    scrollbarGutter: 'stable',
  }),
  title: css({
    flexShrink: 0,
    display: 'flex',
    alignItems: 'center',
    paddingLeft: theme.spacing(1),
    borderRight: `1px solid ${theme.colors.border.weak}`,
    whiteSpace: 'nowrap',
    overflow: 'hidden',
  }),
  ticks: css({ position: 'relative', flex: 1, overflow: 'hidden' }),
  tick: css({
    position: 'absolute',
    top: 0,
    bottom: 0,
    display: 'flex',
    alignItems: 'center',
    paddingLeft: 3,
    whiteSpace: 'nowrap',
    borderLeft: `1px solid ${theme.colors.border.medium}`,
  }),
  grid: css({ position: 'absolute', top: 0, bottom: 0, right: 0, pointerEvents: 'none' }),
  line: css({ position: 'absolute', top: 0, bottom: 0, borderLeft: `1px solid ${theme.colors.border.weak}` }),
});
