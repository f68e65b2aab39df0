import React, { memo } from 'react';
import { css, cx } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';

import { formatCount, formatDuration } from '../data/format';
import { modelOf } from '../data/genai';
import type { WaterfallModel } from '../data/model';
import { Marker } from '../data/types';

/** The visible time window, in ms from the trace start. */
export interface TimeWindow {
  from: number;
  to: number;
}

export interface SpanRowsProps {
  model: WaterfallModel;
  rows: Int32Array;
  /** Filter result: 2 marks ancestors shown only for context. */
  keep?: Uint8Array;
  matches?: Uint8Array;
  currentMatch?: number;
  collapsed: Uint8Array;
  selected?: number;
  focused?: number;
  view: TimeWindow;
  colors: string[];
  /** Text colours readable on each service colour. */
  labelColors: string[];
  highlightCritical: boolean;
  rowHeight: number;
  nameWidth: number;
  /** Rows [firstRow, lastRow) are rendered; the rest is empty space of the right height. */
  firstRow: number;
  lastRow: number;
  onToggle: (span: number) => void;
  onSelect: (span: number) => void;
}

/** Deep trees would push names out of view; indentation stops growing here. */
const MAX_INDENT_LEVELS = 24;
const INDENT = 14;

/**
 * The virtualised span rows: plain DOM, one absolutely positioned row per
 * visible span, bars placed with percentages of the timeline column so
 * nothing needs measuring. Rows are memoised; scrolling only renders the rows
 * that come into view.
 */
export function SpanRows(props: SpanRowsProps) {
  const { rows, rowHeight, firstRow, lastRow, model } = props;
  const styles = useStyles2(getStyles);
  const items: React.ReactNode[] = [];
  for (let r = Math.max(0, firstRow); r < Math.min(rows.length, lastRow); r++) {
    const i = rows[r];
    const tree = model.tree;
    items.push(
      <SpanRow
        key={i}
        span={i}
        rowNumber={r}
        top={r * rowHeight}
        model={model}
        styles={styles}
        view={props.view}
        color={props.colors[tree.serviceIndex[i]]}
        labelInsideColor={props.labelColors[tree.serviceIndex[i]]}
        rowHeight={rowHeight}
        nameWidth={props.nameWidth}
        collapsed={props.collapsed[i] === 1}
        selected={props.selected === i}
        focused={props.focused === i}
        matched={props.matches ? props.matches[i] === 1 : false}
        current={props.currentMatch === i}
        context={props.keep ? props.keep[i] === 2 : false}
        highlightCritical={props.highlightCritical}
        onToggle={props.onToggle}
        onSelect={props.onSelect}
      />
    );
  }
  return (
    <div className={styles.canvas} style={{ height: rows.length * rowHeight }} role="presentation">
      {items}
    </div>
  );
}

interface SpanRowProps {
  span: number;
  rowNumber: number;
  top: number;
  model: WaterfallModel;
  styles: ReturnType<typeof getStyles>;
  view: TimeWindow;
  color: string;
  /** Text colour readable on the bar colour. */
  labelInsideColor: string;
  rowHeight: number;
  nameWidth: number;
  collapsed: boolean;
  selected: boolean;
  focused: boolean;
  matched: boolean;
  current: boolean;
  context: boolean;
  highlightCritical: boolean;
  onToggle: (span: number) => void;
  onSelect: (span: number) => void;
}

const MARKER_BADGES: Array<{ bit: number; text: string; title: string }> = [
  { bit: Marker.Orphan, text: 'orphan', title: 'Its parent span is not in this trace; shown at the top level.' },
  { bit: Marker.Cycle, text: 'cycle', title: 'Its parent chain loops back to it; the loop was cut here.' },
  { bit: Marker.Skew, text: 'skew', title: 'Starts before its parent: the hosts’ clocks probably disagree.' },
  { bit: Marker.Duplicate, text: 'dup id', title: 'Another span has the same id; children are shown under the first.' },
];

const SpanRow = memo(function SpanRow(p: SpanRowProps) {
  const { model, span: i, styles, view } = p;
  const tree = model.tree;
  const s = tree.spans[i];
  const depth = tree.depth[i];
  const hasChildren = tree.childOffset[i + 1] > tree.childOffset[i];
  const markers = tree.markers[i];
  const isError = tree.isError[i] === 1;
  const g = model.genai[i];
  const span = view.to - view.from || 1;
  const left = ((s.start - tree.start - view.from) / span) * 100;
  const width = Math.max((s.duration / span) * 100, 0.08);
  // Duration label: after the bar, before it when the bar reaches the right edge, inside when it spans nearly everything.
  const labelOnLeft = left + width > 78;
  const labelInside = labelOnLeft && left < 14;
  const outside = left > 100 || left + width < 0;
  const tokens = g?.totalTokens;
  const label = formatDuration(s.duration) + (tokens !== undefined ? ` · ${formatCount(tokens)} tok` : '');
  const critical = p.highlightCritical ? model.critical.bySpan.get(i) : undefined;
  const indent = Math.min(depth, MAX_INDENT_LEVELS) * INDENT;
  const model_ = g ? modelOf(g) : undefined;

  return (
    <div
      id={`mlwatch-span-${i}`}
      role="treeitem"
      aria-level={depth + 1}
      aria-expanded={hasChildren ? !p.collapsed : undefined}
      aria-selected={p.selected}
      aria-label={`${s.name}, ${s.service}, ${formatDuration(s.duration)}${isError ? ', error' : ''}`}
      data-testid="span-row"
      data-span-id={s.spanId}
      data-row={p.rowNumber}
      data-focused={p.focused || undefined}
      className={cx(
        styles.row,
        p.selected && styles.selected,
        p.matched && styles.matched,
        p.current && styles.current,
        p.context && styles.context
      )}
      style={{ top: p.top, height: p.rowHeight }}
      onClick={() => p.onSelect(i)}
    >
      <div className={styles.name} style={{ width: p.nameWidth, paddingLeft: indent + 4 }}>
        {depth > MAX_INDENT_LEVELS && <span className={styles.depth}>{depth}</span>}
        {hasChildren ? (
          <button
            type="button"
            className={cx(styles.toggle, p.collapsed && styles.toggleCollapsed)}
            aria-label={p.collapsed ? `Expand ${s.name}` : `Collapse ${s.name}`}
            data-testid="span-toggle"
            tabIndex={-1}
            onClick={(e) => {
              e.stopPropagation();
              p.onToggle(i);
            }}
          />
        ) : (
          <span className={styles.togglePlaceholder} />
        )}
        <span className={styles.swatch} style={{ background: p.color }} />
        {isError && (
          <span className={styles.errorMark} title="Error" aria-hidden>
            !
          </span>
        )}
        <span className={cx(styles.op, isError && styles.errorText)}>{s.name}</span>
        <span className={styles.service}>{s.service}</span>
        {g && g.role === 'tool' && <span className={styles.badge}>tool</span>}
        {model_ && <span className={styles.badge}>{model_}</span>}
        {g?.retryAttempt !== undefined && <span className={styles.badge}>retry {g.retryAttempt}</span>}
        {MARKER_BADGES.filter((b) => markers & b.bit).map((b) => (
          <span key={b.text} className={styles.warnBadge} title={b.title}>
            {b.text}
          </span>
        ))}
        {hasChildren && p.collapsed && (
          <span className={styles.hiddenCount}>+{tree.subtreeEnd[tree.position[i]] - tree.position[i] - 1}</span>
        )}
      </div>
      <div className={styles.timeline}>
        {!outside && (
          <>
            <div
              className={cx(styles.bar, isError && styles.errorBar)}
              style={{
                left: `${left}%`,
                width: `${width}%`,
                background: p.color,
                height: Math.max(6, p.rowHeight - 12),
              }}
            />
            {critical?.map((c, k) => (
              <div
                key={k}
                className={styles.critical}
                data-testid="critical-section"
                style={{
                  left: `${((c.start - tree.start - view.from) / span) * 100}%`,
                  width: `${Math.max(((c.end - c.start) / span) * 100, 0.05)}%`,
                }}
              />
            ))}
            <span
              className={styles.label}
              style={
                labelInside
                  ? { right: `${Math.max(0, 100 - left - width)}%`, paddingRight: 6, color: p.labelInsideColor }
                  : labelOnLeft
                    ? { right: `${Math.min(100, 100 - left)}%`, paddingRight: 4 }
                    : { left: `${Math.max(0, left + width)}%`, paddingLeft: 4 }
              }
            >
              {label}
            </span>
          </>
        )}
      </div>
    </div>
  );
});

const getStyles = (theme: GrafanaTheme2) => ({
  canvas: css({ position: 'relative', width: '100%' }),
  row: css({
    position: 'absolute',
    left: 0,
    right: 0,
    display: 'flex',
    alignItems: 'stretch',
    cursor: 'pointer',
    fontSize: theme.typography.bodySmall.fontSize,
    borderBottom: `1px solid ${theme.colors.border.weak}`,
    '&:hover': { background: theme.colors.action.hover },
  }),
  selected: css({ background: theme.colors.action.selected, '&:hover': { background: theme.colors.action.selected } }),
  matched: css({ background: theme.colors.warning.transparent }),
  current: css({ boxShadow: `inset 0 0 0 1px ${theme.colors.warning.border}` }),
  context: css({ opacity: 0.55 }),
  name: css({
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
    flexShrink: 0,
    overflow: 'hidden',
    whiteSpace: 'nowrap',
    borderRight: `1px solid ${theme.colors.border.weak}`,
    paddingRight: theme.spacing(0.5),
  }),
  depth: css({ color: theme.colors.text.disabled, fontSize: 10 }),
  toggle: css({
    width: 14,
    height: 14,
    flexShrink: 0,
    padding: 0,
    border: 'none',
    background: 'transparent',
    cursor: 'pointer',
    position: 'relative',
    // A CSS triangle: cheaper than an icon component in thousands of rows.
    '&::before': {
      content: '""',
      position: 'absolute',
      left: 3,
      top: 5,
      borderLeft: '4px solid transparent',
      borderRight: '4px solid transparent',
      borderTop: `5px solid ${theme.colors.text.secondary}`,
    },
    '&:hover::before': { borderTopColor: theme.colors.text.primary },
  }),
  toggleCollapsed: css({ '&::before': { transform: 'rotate(-90deg)' } }),
  togglePlaceholder: css({ width: 14, flexShrink: 0 }),
  swatch: css({ width: 4, alignSelf: 'stretch', margin: '3px 0', borderRadius: 2, flexShrink: 0 }),
  op: css({
    color: theme.colors.text.primary,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    flexShrink: 1,
    minWidth: 24,
  }),
  service: css({
    color: theme.colors.text.secondary,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    flexShrink: 2,
    minWidth: 0,
  }),
  errorText: css({ color: theme.colors.error.text }),
  errorMark: css({
    flexShrink: 0,
    width: 14,
    height: 14,
    lineHeight: '14px',
    borderRadius: '50%',
    textAlign: 'center',
    fontWeight: theme.typography.fontWeightBold,
    fontSize: 10,
    color: theme.colors.error.contrastText,
    background: theme.colors.error.main,
  }),
  badge: css({
    flex: '0 30 auto',
    minWidth: 0,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    padding: '0 4px',
    borderRadius: theme.shape.radius.default,
    fontSize: 10,
    lineHeight: '16px',
    color: theme.colors.text.secondary,
    border: `1px solid ${theme.colors.border.medium}`,
  }),
  warnBadge: css({
    flexShrink: 0,
    padding: '0 4px',
    borderRadius: theme.shape.radius.default,
    fontSize: 10,
    lineHeight: '16px',
    color: theme.colors.warning.text,
    border: `1px solid ${theme.colors.warning.border}`,
  }),
  hiddenCount: css({ flexShrink: 0, fontSize: 10, color: theme.colors.text.secondary }),
  timeline: css({ position: 'relative', flex: 1, overflow: 'hidden' }),
  bar: css({
    position: 'absolute',
    top: '50%',
    transform: 'translateY(-50%)',
    minWidth: 1,
    borderRadius: 2,
  }),
  errorBar: css({ outline: `2px solid ${theme.colors.error.main}`, outlineOffset: 0 }),
  // A dark stripe through the bar, as Jaeger and Grafana draw the critical path.
  critical: css({
    position: 'absolute',
    top: '50%',
    height: 4,
    marginTop: -2,
    minWidth: 1,
    background: 'rgba(0, 0, 0, 0.55)',
    pointerEvents: 'none',
  }),
  label: css({
    position: 'absolute',
    top: 0,
    bottom: 0,
    display: 'flex',
    alignItems: 'center',
    whiteSpace: 'nowrap',
    color: theme.colors.text.secondary,
    fontSize: 11,
    pointerEvents: 'none',
  }),
});
