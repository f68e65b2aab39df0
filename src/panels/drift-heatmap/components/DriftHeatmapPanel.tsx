import React, { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { css } from '@emotion/css';
import {
  DataHoverClearEvent,
  DataHoverEvent,
  formattedValueToString,
  type BusEvent,
  type Field,
  type GrafanaTheme2,
  type LinkModel,
  type PanelProps,
} from '@grafana/data';
import { ContextMenu, linkModelToContextMenuItems, MenuItem, useStyles2, useTheme2 } from '@grafana/ui';

import { PanelMessage } from '../../../shared/PanelMessage';
import { NO_SCORE, type CellClasses } from '../data/cells';
import { announceCell, describeCell, formatScore } from '../data/describe';
import { buildHeatmapModel } from '../data/frames';
import { cellLinks, hasLinks } from '../data/links';
import type { HeatmapModel } from '../data/model';
import { orderRows, type SortBy } from '../data/order';
import { buildPalette, type Palette } from '../data/palette';
import { buildScale, type ScoreScale } from '../data/scale';
import type { ControllerCallbacks } from '../render/controller';
import { HoverStore } from '../render/hoverStore';
import type { Scene } from '../render/renderer';
import type { DriftHeatmapOptions } from '../types';
import { CONTROLS_HEIGHT, HeatmapControls } from './HeatmapControls';
import { HeatmapCanvas } from './HeatmapCanvas';
import { HEATMAP_LEGEND_LINE, HeatmapLegend } from './HeatmapLegend';
import { HeatmapTooltip } from './HeatmapTooltip';
import { useCellClasses } from './useCellClasses';

type Props = PanelProps<DriftHeatmapOptions>;

/** The drift heatmap: explains unusable data, else shows the grid. */
export function DriftHeatmapPanel(props: Props) {
  const shaped = useMemo(() => buildHeatmapModel(props.data.series), [props.data.series]);
  if (shaped.kind !== 'ok') {
    return (
      <div style={{ width: props.width, height: props.height }}>
        <PanelMessage support={shaped} />
      </div>
    );
  }
  return <HeatmapView {...props} model={shaped.model} />;
}

interface MenuState {
  x: number;
  y: number;
  title: string;
  links: Array<LinkModel<Field>>;
}

function HeatmapView(props: Props & { model: HeatmapModel }) {
  const { model, data, width, height } = props;
  const theme = useTheme2();
  const configField = model.configField
    ? data.series[model.configField.frameIndex]?.fields[model.configField.fieldIndex]
    : undefined;
  const scale = useMemo(() => buildScale(model, configField), [model, configField]);
  const palette = useMemo(
    () => buildPalette(configField, theme, theme.colors.background.primary),
    [configField, theme]
  );
  const classes = useCellClasses(model, scale, palette);
  if (!classes) {
    // Millions of cells are classified in slices; this lasts a few frames.
    return <div style={{ width, height }} aria-busy="true" data-testid="mlwatch-heatmap-preparing" />;
  }
  return <HeatmapGrid {...props} configField={configField} scale={scale} palette={palette} classes={classes} />;
}

interface GridProps extends Props {
  model: HeatmapModel;
  configField?: Field;
  scale: ScoreScale;
  palette: Palette;
  classes: CellClasses;
}

function HeatmapGrid({
  model,
  configField,
  scale,
  palette,
  classes,
  data,
  width,
  height,
  options,
  timeRange,
  timeZone,
  eventBus,
  onChangeTimeRange,
  replaceVariables,
}: GridProps) {
  const theme = useTheme2();
  const styles = useStyles2(getStyles);
  const frames = data.series;

  // Viewers sort and filter without editing the dashboard; the options set where they start.
  // Local choices reset when the saved options change.
  const optionKey = `${options.sortBy}\u0000${options.filter ?? ''}`;
  const [local, setLocal] = useState<{ key: string; sortBy?: SortBy; filter?: string }>({ key: optionKey });
  const current = local.key === optionKey ? local : { key: optionKey };
  const sortBy = current.sortBy ?? options.sortBy;
  const filter = current.filter ?? options.filter ?? '';
  const setSortBy = (next: SortBy) => setLocal({ ...current, sortBy: next });
  const setFilter = (next: string) => setLocal({ ...current, filter: next });
  const order = useMemo(() => orderRows(model.rows, classes.stats, sortBy, filter), [model, classes, sortBy, filter]);

  const controlsHeight = options.showControls ? CONTROLS_HEIGHT : 0;
  // The legend wraps in narrow panels; the canvas takes what it leaves.
  const legendRef = useRef<HTMLDivElement>(null);
  const [measuredLegend, setMeasuredLegend] = useState(HEATMAP_LEGEND_LINE + 8);
  useLayoutEffect(() => {
    const el = legendRef.current;
    if (!el) {
      return;
    }
    const measure = () => setMeasuredLegend(Math.ceil(el.getBoundingClientRect().height));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, [options.showLegend]);
  const legendHeight = options.showLegend ? measuredLegend : 0;
  const canvasHeight = Math.max(0, height - controlsHeight - legendHeight);

  const formatValue = useMemo(() => {
    const display = configField?.display;
    // The field's unit and decimals when the user set them; else scores read best in 3 significant digits.
    if (display && (configField.config.unit || configField.config.decimals !== undefined)) {
      return (v: number) => formattedValueToString(display(v));
    }
    return formatScore;
  }, [configField]);

  const from = timeRange.from.valueOf();
  const to = timeRange.to.valueOf();
  const scene = useMemo<Scene>(
    () => ({
      model,
      classes,
      scale,
      palette,
      order,
      theme,
      timeZone,
      timeRange: { from, to },
      width,
      height: canvasHeight,
      summary: options.summary,
      formatValue,
    }),
    [
      model,
      classes,
      scale,
      palette,
      order,
      theme,
      timeZone,
      from,
      to,
      width,
      canvasHeight,
      options.summary,
      formatValue,
    ]
  );

  const store = useMemo(() => new HoverStore(), []);
  const crosshairRef = useRef<(time: number | undefined) => void>();
  const announceRef = useRef<HTMLDivElement>(null);
  const containerRef = useRef<HTMLDivElement>(null);
  const [menu, setMenu] = useState<MenuState>();
  const linksAvailable = useMemo(() => hasLinks(frames, model), [frames, model]);

  // Shared crosshair: publish the hovered time, draw the time other panels publish.
  const published = useRef(new WeakSet<BusEvent>());
  const lastTime = useRef<number>();
  useEffect(() => {
    const hover = eventBus.getStream(DataHoverEvent).subscribe((e) => {
      if (!published.current.has(e)) {
        const t = e.payload?.point?.time;
        crosshairRef.current?.(typeof t === 'number' ? t : undefined);
      }
    });
    const clear = eventBus.getStream(DataHoverClearEvent).subscribe((e) => {
      if (!published.current.has(e)) {
        crosshairRef.current?.(undefined);
      }
    });
    return () => {
      hover.unsubscribe();
      clear.unsubscribe();
    };
  }, [eventBus]);

  const describe = useCallback(
    (row: number, col: number) => describeCell(model, scale, classes, row, col, timeZone, formatValue),
    [model, scale, classes, timeZone, formatValue]
  );

  const callbacks: ControllerCallbacks = {
    onActiveCell: (cell) => {
      const t = cell ? model.times[cell.col] : undefined;
      if (t === lastTime.current) {
        return;
      }
      lastTime.current = t;
      const event = t === undefined ? new DataHoverClearEvent() : new DataHoverEvent({ point: { time: t } });
      published.current.add(event);
      eventBus.publish(event);
    },
    onOpenLinks: (cell, at) => {
      if (!linksAvailable) {
        return;
      }
      const links = cellLinks(frames, model, cell.row, cell.col, replaceVariables, timeZone);
      if (links.length > 0) {
        const d = describe(cell.row, cell.col);
        setMenu({ x: at.x, y: at.y, title: `${d.feature} · ${d.time}`, links });
      }
    },
    onZoom: (zoomFrom, zoomTo) => onChangeTimeRange({ from: zoomFrom, to: zoomTo }),
    onAnnounce: (cell) => {
      if (announceRef.current) {
        announceRef.current.textContent = announceCell(describe(cell.row, cell.col));
      }
    },
  };

  const cellColor = (row: number, col: number) => {
    const b = classes.buckets[row * model.times.length + col];
    return b === NO_SCORE ? undefined : palette.colors[b];
  };

  const cols = model.times.length;
  const label =
    `Drift heatmap: ${order.length} ${order.length === 1 ? 'feature' : 'features'} by ${cols} time ${cols === 1 ? 'step' : 'steps'}. ` +
    `Arrow keys move between cells${linksAvailable ? ', Enter opens links' : ''}. Drag across the time axis to zoom.`;

  return (
    <div className={styles.root} style={{ width, height }} ref={containerRef}>
      {options.showControls && (
        <HeatmapControls
          filter={filter}
          onFilterChange={setFilter}
          sortBy={sortBy}
          onSortChange={setSortBy}
          shown={order.length}
          total={model.rows.length}
          width={width}
        />
      )}
      <div className={styles.canvasArea}>
        <HeatmapCanvas
          scene={scene}
          store={store}
          callbacks={callbacks}
          crosshairRef={crosshairRef}
          announceRef={announceRef}
          label={label}
        />
        {order.length === 0 && (
          <div className={styles.noMatch} data-testid="mlwatch-heatmap-no-match">
            No feature matches “{filter}”
          </div>
        )}
      </div>
      {options.showLegend && (
        <HeatmapLegend model={model} scale={scale} palette={palette} legendRef={legendRef} compact={width < 600} />
      )}
      <HeatmapTooltip
        store={store}
        describe={describe}
        cellColor={cellColor}
        rowName={(r) => model.rows[r]?.name ?? ''}
        offsetTop={controlsHeight}
        width={width}
        height={height}
        hasLinks={linksAvailable}
      />
      {menu && (
        <ContextMenu
          x={menu.x}
          y={menu.y}
          focusOnOpen
          onClose={() => {
            setMenu(undefined);
            containerRef.current
              ?.querySelector<HTMLElement>('[data-testid="mlwatch-heatmap"]')
              ?.focus({ preventScroll: true });
          }}
          renderHeader={() => <div className={styles.menuHeader}>{menu.title}</div>}
          renderMenuItems={() =>
            linkModelToContextMenuItems(() => menu.links).map((item, i) => <MenuItem key={i} {...item} />)
          }
        />
      )}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  root: css({ position: 'relative', display: 'flex', flexDirection: 'column', overflow: 'hidden' }),
  canvasArea: css({ position: 'relative', flex: '0 0 auto' }),
  noMatch: css({
    position: 'absolute',
    inset: 0,
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'center',
    color: theme.colors.text.secondary,
    pointerEvents: 'none',
  }),
  menuHeader: css({
    padding: theme.spacing(0.5, 1),
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
    maxWidth: 320,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
  }),
});
