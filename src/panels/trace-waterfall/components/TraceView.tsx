import React, { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import { css } from '@emotion/css';
import type { DataFrame, GrafanaTheme2, LinkModel } from '@grafana/data';
import { Button, useStyles2, useTheme2 } from '@grafana/ui';
import type { TimeZone } from '@grafana/schema';

import { computeLayout } from '../data/layout';
import type { TraceChoice, WaterfallModel } from '../data/model';
import { ROW_HEIGHT, type WaterfallOptions } from '../data/options';
import {
  collapseAll,
  collapsedAtDepth,
  filterIsActive,
  filterSpans,
  matchesInOrder,
  revealSpan,
  searchSpans,
  visibleRows,
  type StatusFilter,
} from '../data/search';
import { serviceColors } from './colors';
import { HoverCard } from './HoverCard';
import { Minimap } from './Minimap';
import { SpanDetails } from './SpanDetails';
import { SpanRows, type TimeWindow } from './SpanRows';
import { StageStrip } from './StageStrip';
import { TimeAxis, TimeGrid } from './TimeAxis';
import { Toolbar } from './Toolbar';
import { summaryHasContent, TraceHeader, TraceSummary } from './TraceHeader';

interface Props {
  model: WaterfallModel;
  choices: TraceChoice[];
  onChooseTrace: (traceId: string) => void;
  options: WaterfallOptions;
  /** The search option with dashboard variables replaced. */
  initialSearch: string;
  width: number;
  height: number;
  timeZone: TimeZone;
  skippedRows: number;
  series: DataFrame[];
  timings: { readMs: number };
}

/** Rows rendered above and below the viewport, so fast scrolling never shows blank space. */
const OVERSCAN = 12;
/** Typing pauses this long before a search runs over every span and attribute. */
const SEARCH_DELAY_MS = 150;
/** Narrowest zoom window, ms. */
const MIN_WINDOW_MS = 1e-3;

/** The waterfall for one trace: owns the view state (tree, filters, zoom, selection). */
export function TraceView(props: Props) {
  const { model, options, width, height } = props;
  const tree = model.tree;
  const n = tree.spans.length;
  const theme = useTheme2();
  const styles = useStyles2(getStyles);
  const colors = useMemo(() => serviceColors(theme, tree.services.length), [theme, tree.services.length]);
  const labelColors = useMemo(() => colors.map((c) => theme.colors.getContrastText(c)), [colors, theme]);
  const total = Math.max(tree.end - tree.start, 0);
  const rowHeight = ROW_HEIGHT[options.rowHeight];

  // State seeded from the options; the panel remounts this view when those options change.
  const [view, setView] = useState<TimeWindow | undefined>();
  const viewWindow = useMemo<TimeWindow>(() => view ?? { from: 0, to: total > 0 ? total : 1 }, [view, total]);
  const [collapsed, setCollapsed] = useState(() => collapsedAtDepth(tree, options.collapseDepth));
  const [selected, setSelected] = useState<number | undefined>();
  const [focused, setFocused] = useState<number>(tree.order.length > 0 ? tree.order[0] : 0);
  const [matchesOnly, setMatchesOnly] = useState(options.matchesOnly);
  const [minDuration, setMinDuration] = useState(options.minDurationMs);
  const [status, setStatus] = useState<StatusFilter>(options.statusFilter);
  const [criticalOnly, setCriticalOnly] = useState(options.criticalPathOnly);

  // The search box updates at once; the search itself runs when typing pauses.
  const [search, setSearch] = useState(props.initialSearch);
  const [found, setFound] = useState(() => ({ matches: searchSpans(tree, props.initialSearch), cursor: 0 }));
  const matches = found.matches;
  const matchList = useMemo(() => matchesInOrder(tree, matches), [tree, matches]);
  const matchCursor = Math.min(found.cursor, Math.max(0, matchList.length - 1));
  // Scroll requests are handled once, after the rows they need are rendered.
  const [scrollRequest, setScrollRequest] = useState<{ span: number } | undefined>(() =>
    found.matches ? firstMatch(tree, found.matches) : undefined
  );
  const filter = useMemo(
    () => ({
      minDurationMs: minDuration,
      status,
      criticalPathOnly: criticalOnly,
      matches: matchesOnly ? matches : undefined,
    }),
    [minDuration, status, criticalOnly, matchesOnly, matches]
  );
  const keep = useMemo(() => filterSpans(tree, filter, model.critical), [tree, filter, model.critical]);
  const rows = useMemo(() => visibleRows(tree, collapsed, keep), [tree, collapsed, keep]);
  const rowOf = useMemo(() => {
    const map = new Int32Array(n).fill(-1);
    for (let r = 0; r < rows.length; r++) {
      map[rows[r]] = r;
    }
    return map;
  }, [rows, n]);

  const showSummary = summaryHasContent(model, options.showLlmSummary, props.skippedRows);
  const layout = computeLayout({
    width,
    height,
    nameColumnWidth: options.nameColumnWidth,
    showSummary,
    showStages: options.showStages && model.stages !== undefined,
    showMinimap: options.showMinimap,
    detailsOpen: selected !== undefined,
  });

  // Hover state lives in its own small component, so moving the mouse never re-renders the rows.
  const hoverRef = useRef<((h: HoverState | undefined) => void) | undefined>(undefined);

  // Virtualisation: only rows near the viewport are rendered.
  const scrollRef = useRef<HTMLDivElement>(null);
  const firstVisibleRef = useRef(0);
  const [firstVisible, setFirstVisible] = useState(0);
  const visibleCount = Math.ceil(layout.rows / rowHeight) + 1;
  const onScroll = useCallback(
    (e: React.UIEvent<HTMLDivElement>) => {
      const fv = Math.floor(e.currentTarget.scrollTop / rowHeight);
      if (fv !== firstVisibleRef.current) {
        firstVisibleRef.current = fv;
        // Rendered in the scroll event, so new rows are painted in the same frame as the scroll.
        flushSync(() => setFirstVisible(fv));
      }
      hoverRef.current?.(undefined);
    },
    [rowHeight]
  );

  // Scroll a span into view (after it was revealed or focused by keyboard or search).
  const handledScrollRef = useRef<{ span: number } | undefined>(undefined);
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!scrollRequest || handledScrollRef.current === scrollRequest || !el) {
      return;
    }
    const r = rowOf[scrollRequest.span];
    if (r >= 0) {
      handledScrollRef.current = scrollRequest;
      const top = r * rowHeight;
      if (top < el.scrollTop) {
        el.scrollTop = top;
      } else if (top + rowHeight > el.scrollTop + el.clientHeight) {
        el.scrollTop = top + rowHeight - el.clientHeight;
      }
    }
  }, [scrollRequest, rowOf, rowHeight]);

  const goTo = useCallback(
    (span: number, select: boolean) => {
      setCollapsed((c) => revealSpan(tree, c, span));
      setFocused(span);
      if (select) {
        setSelected(span);
      }
      setScrollRequest({ span });
    },
    [tree]
  );

  const onNextMatch = (step: 1 | -1) => {
    if (matchList.length === 0) {
      return;
    }
    const next = (matchCursor + step + matchList.length) % matchList.length;
    setFound({ matches, cursor: next });
    goTo(matchList[next], false);
  };

  const searchTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(searchTimer.current), []);
  const onSearch = (text: string) => {
    setSearch(text);
    clearTimeout(searchTimer.current);
    searchTimer.current = setTimeout(() => {
      const next = searchSpans(tree, text);
      setFound({ matches: next, cursor: 0 });
      // The first match comes into view as the user types.
      const first = next ? firstMatch(tree, next) : undefined;
      if (first) {
        goTo(first.span, false);
      }
    }, SEARCH_DELAY_MS);
  };

  const onToggle = useCallback((span: number) => {
    setCollapsed((c) => {
      const next = c.slice();
      next[span] = next[span] ? 0 : 1;
      return next;
    });
    setFocused(span);
  }, []);
  const onSelect = useCallback((span: number) => {
    setSelected(span);
    setFocused(span);
  }, []);

  const onKeyDown = (e: React.KeyboardEvent<HTMLDivElement>) => {
    const r = rowOf[focused] >= 0 ? rowOf[focused] : 0;
    const moveTo = (row: number) => {
      const clamped = Math.min(Math.max(row, 0), rows.length - 1);
      if (clamped >= 0 && rows.length > 0) {
        setFocused(rows[clamped]);
        setScrollRequest({ span: rows[clamped] });
      }
    };
    const hasChildren = tree.childOffset[focused + 1] > tree.childOffset[focused];
    switch (e.key) {
      case 'ArrowDown':
        moveTo(r + 1);
        break;
      case 'ArrowUp':
        moveTo(r - 1);
        break;
      case 'PageDown':
        moveTo(r + visibleCount - 1);
        break;
      case 'PageUp':
        moveTo(r - visibleCount + 1);
        break;
      case 'Home':
        moveTo(0);
        break;
      case 'End':
        moveTo(rows.length - 1);
        break;
      case 'ArrowRight':
        if (hasChildren && collapsed[focused]) {
          onToggle(focused);
        } else if (hasChildren) {
          moveTo(r + 1);
        }
        break;
      case 'ArrowLeft':
        if (hasChildren && !collapsed[focused]) {
          onToggle(focused);
        } else if (tree.parent[focused] >= 0 && rowOf[tree.parent[focused]] >= 0) {
          moveTo(rowOf[tree.parent[focused]]);
        }
        break;
      case 'Enter':
      case ' ':
        setSelected(selected === focused ? undefined : focused);
        break;
      case 'Escape':
        if (selected === undefined) {
          return;
        }
        setSelected(undefined);
        break;
      default:
        return;
    }
    e.preventDefault();
  };

  const rootRef = useRef<HTMLDivElement>(null);
  const onMouseMove = (e: React.MouseEvent<HTMLDivElement>) => {
    const el = scrollRef.current;
    const root = rootRef.current;
    if (!el || !root) {
      return;
    }
    const rect = el.getBoundingClientRect();
    const row = Math.floor((e.clientY - rect.top + el.scrollTop) / rowHeight);
    const span = row >= 0 && row < rows.length ? rows[row] : undefined;
    const rootRect = root.getBoundingClientRect();
    hoverRef.current?.(
      span === undefined ? undefined : { span, x: e.clientX - rootRect.left, y: e.clientY - rootRect.top }
    );
  };

  const onZoom = useCallback(
    (next: TimeWindow | undefined) => {
      if (!next || (next.from <= 0 && next.to >= total)) {
        setView(undefined);
        return;
      }
      const to = Math.max(next.to, next.from + MIN_WINDOW_MS);
      setView({ from: Math.max(0, next.from), to: Math.min(total, to) });
    },
    [total]
  );

  const clearFilters = () => {
    setMinDuration(0);
    setStatus('all');
    setCriticalOnly(false);
    setMatchesOnly(false);
  };

  const dataLinks = useMemo(
    () => (selected === undefined ? [] : linksFor(props.series, model, selected)),
    [props.series, model, selected]
  );
  const details = layout.details;
  const mainHeight = layout.minimap + layout.axis + layout.rows;
  const first = Math.max(0, firstVisible - OVERSCAN);
  const last = firstVisible + visibleCount + OVERSCAN;

  return (
    <div
      ref={rootRef}
      className={styles.root}
      style={{ width, height }}
      data-testid="trace-waterfall"
      data-read-ms={props.timings.readMs.toFixed(2)}
      data-tree-ms={model.timings.treeMs.toFixed(2)}
      data-analysis-ms={model.timings.analysisMs.toFixed(2)}
      data-span-count={n}
    >
      <TraceHeader
        model={model}
        choices={props.choices}
        onChooseTrace={props.onChooseTrace}
        height={layout.header}
        width={width}
      />
      {layout.summary > 0 && (
        <TraceSummary
          model={model}
          showLlm={options.showLlmSummary}
          skippedRows={props.skippedRows}
          height={layout.summary}
          onShowErrors={() => setStatus('error')}
        />
      )}
      {layout.stages > 0 && model.stages && (
        <StageStrip
          breakdown={model.stages}
          requestName={tree.spans[model.stages.request].name}
          height={layout.stages}
          onSelectSpan={(s) => goTo(s, true)}
        />
      )}
      <Toolbar
        height={layout.toolbar}
        search={search}
        onSearch={onSearch}
        matchCount={matches ? matchList.length : undefined}
        currentMatch={matchCursor}
        onNextMatch={onNextMatch}
        matchesOnly={matchesOnly}
        onMatchesOnly={setMatchesOnly}
        minDurationMs={minDuration}
        onMinDuration={setMinDuration}
        status={status}
        onStatus={setStatus}
        criticalPathOnly={criticalOnly}
        onCriticalPathOnly={setCriticalOnly}
        onExpandAll={() => setCollapsed(new Uint8Array(n))}
        onCollapseAll={() => setCollapsed(collapseAll(tree))}
        zoomed={view !== undefined}
        onResetZoom={() => setView(undefined)}
        filtered={filterIsActive(filter)}
        onClearFilters={clearFilters}
      />
      <div className={styles.main} style={{ flexDirection: details?.side === 'bottom' ? 'column' : 'row' }}>
        <div className={styles.waterfall} style={{ width: layout.waterfallWidth, height: mainHeight }}>
          {layout.minimap > 0 && (
            <Minimap
              model={model}
              colors={colors}
              width={layout.waterfallWidth}
              height={layout.minimap}
              view={viewWindow}
              onZoom={onZoom}
            />
          )}
          <TimeAxis
            view={viewWindow}
            nameWidth={layout.nameWidth}
            width={layout.waterfallWidth}
            height={layout.axis}
            shown={rows.length}
            total={n}
          />
          <div
            ref={scrollRef}
            className={styles.scroll}
            style={{ height: layout.rows }}
            role="tree"
            tabIndex={0}
            aria-label="Spans"
            aria-activedescendant={rowOf[focused] >= 0 ? `mlwatch-span-${focused}` : undefined}
            data-testid="span-rows"
            onScroll={onScroll}
            onKeyDown={onKeyDown}
            onMouseMove={onMouseMove}
            onMouseLeave={() => hoverRef.current?.(undefined)}
          >
            <div className={styles.gridWrap} style={{ height: rows.length * rowHeight, left: 0 }}>
              <TimeGrid view={viewWindow} nameWidth={layout.nameWidth} width={layout.waterfallWidth} />
            </div>
            <SpanRows
              model={model}
              rows={rows}
              keep={keep}
              matches={matches}
              currentMatch={matchList.length > 0 ? matchList[matchCursor] : undefined}
              collapsed={collapsed}
              selected={selected}
              focused={focused}
              view={viewWindow}
              colors={colors}
              labelColors={labelColors}
              highlightCritical={options.highlightCriticalPath}
              rowHeight={rowHeight}
              nameWidth={layout.nameWidth}
              firstRow={first}
              lastRow={last}
              onToggle={onToggle}
              onSelect={onSelect}
            />
            {rows.length === 0 && (
              <div className={styles.noMatches} data-testid="waterfall-no-matches" role="status">
                <span>No spans match the filters.</span>
                <Button size="sm" variant="secondary" onClick={clearFilters}>
                  Clear filters
                </Button>
              </div>
            )}
          </div>
        </div>
        {details && selected !== undefined && (
          <SpanDetails
            model={model}
            span={selected}
            color={colors[tree.serviceIndex[selected]]}
            showContent={options.showContent}
            timeZone={props.timeZone}
            dataLinks={dataLinks}
            width={details.side === 'right' ? details.size : width}
            height={details.side === 'right' ? mainHeight : details.size}
            onClose={() => {
              setSelected(undefined);
              scrollRef.current?.focus();
            }}
            onSelectSpan={(s) => goTo(s, true)}
          />
        )}
      </div>
      <HoverLayer registerRef={hoverRef} model={model} colors={colors} width={width} height={height} />
    </div>
  );
}

interface HoverState {
  span: number;
  x: number;
  y: number;
}

function HoverLayer(props: {
  registerRef: React.MutableRefObject<((h: HoverState | undefined) => void) | undefined>;
  model: WaterfallModel;
  colors: string[];
  width: number;
  height: number;
}) {
  const [hover, setHover] = useState<HoverState | undefined>();
  const { registerRef } = props;
  useEffect(() => {
    registerRef.current = setHover;
    return () => {
      registerRef.current = undefined;
    };
  }, [registerRef]);
  if (!hover || hover.span >= props.model.tree.spans.length) {
    return null;
  }
  return (
    <HoverCard
      model={props.model}
      span={hover.span}
      x={hover.x}
      y={hover.y}
      panelWidth={props.width}
      panelHeight={props.height}
      color={props.colors[props.model.tree.serviceIndex[hover.span]]}
    />
  );
}

/** The first match in display order, as a scroll request. */
function firstMatch(tree: WaterfallModel['tree'], matches: Uint8Array): { span: number } | undefined {
  for (let p = 0; p < tree.order.length; p++) {
    if (matches[tree.order[p]]) {
      return { span: tree.order[p] };
    }
  }
  return undefined;
}

/** Data links configured on the span's frame (trace to logs, dashboards), resolved for its row. */
function linksFor(series: DataFrame[], model: WaterfallModel, span: number): Array<LinkModel<unknown>> {
  const s = model.tree.spans[span];
  const frame = series[s.frameIndex];
  if (!frame) {
    return [];
  }
  const out: Array<LinkModel<unknown>> = [];
  const seen = new Set<string>();
  for (const field of frame.fields) {
    if (!field.config.links?.length || !field.getLinks) {
      continue;
    }
    try {
      for (const link of field.getLinks({ valueRowIndex: s.row })) {
        if (!seen.has(link.href)) {
          seen.add(link.href);
          out.push(link);
        }
      }
    } catch {
      // A broken link template must not break the details pane.
    }
  }
  return out;
}

const getStyles = (theme: GrafanaTheme2) => ({
  root: css({
    position: 'relative',
    display: 'flex',
    flexDirection: 'column',
    overflow: 'hidden',
    color: theme.colors.text.primary,
    fontSize: theme.typography.body.fontSize,
  }),
  main: css({ display: 'flex', flex: 1, minHeight: 0 }),
  waterfall: css({ display: 'flex', flexDirection: 'column', minWidth: 0, flexShrink: 0 }),
  scroll: css({
    position: 'relative',
    overflowY: 'auto',
    overflowX: 'hidden',
    scrollbarGutter: 'stable',
    outline: 'none',
    '&:focus-visible': { boxShadow: `inset 0 0 0 2px ${theme.colors.primary.border}` },
    // The keyboard cursor shows only while the rows have focus.
    '&:focus [data-focused]': { boxShadow: `inset 3px 0 0 ${theme.colors.primary.main}` },
  }),
  gridWrap: css({ position: 'absolute', top: 0, right: 0, pointerEvents: 'none' }),
  noMatches: css({
    position: 'absolute',
    inset: 0,
    display: 'flex',
    flexDirection: 'column',
    alignItems: 'center',
    justifyContent: 'center',
    gap: theme.spacing(1),
    color: theme.colors.text.secondary,
  }),
});
