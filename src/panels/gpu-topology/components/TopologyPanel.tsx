import React, { useCallback, useMemo, useRef, useState } from 'react';
import { css } from '@emotion/css';
import {
  FieldType,
  formattedValueToString,
  getValueFormat,
  type Field,
  type GrafanaTheme2,
  type PanelProps,
} from '@grafana/data';
import { useStyles2, useTheme2 } from '@grafana/ui';

import { PanelMessage } from '../../../shared/PanelMessage';
import { buildColorScale, type ColorScale } from '../data/colors';
import { gpuLinks } from '../data/dataLinks';
import { autoGroupLabel, buildSections, computeLayout, filterGpus } from '../data/layout';
import { buildTopologyModel, resolveColorColumn, type MetricColumn } from '../data/model';
import { migrateOptions, parseLabelList, type TopologyOptions } from '../data/options';
import { listPlacement } from '../data/placement';
import { topologySupport } from '../data/support';
import { paletteFor, type MapScene } from './draw';
import { GpuTooltip } from './GpuTooltip';
import { createPointerStore } from './hoverStore';
import { IssueList } from './IssueList';
import { Legend } from './Legend';
import { Toolbar } from './Toolbar';
import { TopologyCanvas, type TopologyCanvasHandle } from './TopologyCanvas';

const TOOLBAR_HEIGHT = 36;
/** Room a native vertical scrollbar takes when the map scrolls. */
const SCROLLBAR = 14;

type Props = PanelProps<TopologyOptions>;

export function TopologyPanel({ data, options: rawOptions, width, height, replaceVariables, id }: Props) {
  const theme = useTheme2();
  const styles = useStyles2(getStyles);
  const options = useMemo(() => migrateOptions(rawOptions), [rawOptions]);
  const store = useMemo(() => createPointerStore(), []);
  const canvasRef = useRef<TopologyCanvasHandle>(null);

  const settings = useMemo(
    () => ({
      stragglerGroupLabels: parseLabelList(options.stragglerGroupLabels),
      straggler: { threshold: options.stragglerThreshold, minGroupMedian: options.minGroupMedian },
    }),
    [options.stragglerGroupLabels, options.stragglerThreshold, options.minGroupMedian]
  );
  const model = useMemo(() => buildTopologyModel(data.series, settings), [data.series, settings]);

  // Search and switch start from the options (dashboard variables allowed) and then belong to the viewer.
  const initialSearch = useMemo(
    () => (options.search ? replaceVariables(options.search) : ''),
    [options.search, replaceVariables]
  );
  const [search, setSearch] = useState(initialSearch);
  const [stragglersOnly, setStragglersOnly] = useState(options.stragglersOnly);
  // When the options change (editor, dashboard variable), they win again.
  const [fromOptions, setFromOptions] = useState({ search: initialSearch, stragglersOnly: options.stragglersOnly });
  if (fromOptions.search !== initialSearch || fromOptions.stragglersOnly !== options.stragglersOnly) {
    setFromOptions({ search: initialSearch, stragglersOnly: options.stragglersOnly });
    setSearch(initialSearch);
    setStragglersOnly(options.stragglersOnly);
  }

  const colorColumn = useMemo(
    () => resolveColorColumn(model, options.colorBy, options.colorField),
    [model, options.colorBy, options.colorField]
  );
  const scale: ColorScale = useMemo(
    () =>
      colorColumn
        ? buildColorScale(colorColumn, theme)
        : {
            mode: 'single',
            min: 0,
            max: 1,
            colors: [],
            steps: [],
            buckets: new Int16Array(model.gpus.length).fill(-1),
          },
    [colorColumn, theme, model]
  );
  const shown = useMemo(
    () => (search.trim() !== '' || stragglersOnly ? filterGpus(model, search, stragglersOnly) : undefined),
    [model, search, stragglersOnly]
  );
  const groupLabel = useMemo(
    () => (options.groupBy === 'auto' ? autoGroupLabel(model) : options.groupBy === 'none' ? '' : options.groupBy),
    [model, options.groupBy]
  );
  const sections = useMemo(() => buildSections(model, groupLabel, shown), [model, groupLabel, shown]);

  const format = useCallback((column: MetricColumn, value: number) => {
    if (Number.isNaN(value)) {
      return 'No value';
    }
    return formattedValueToString(getValueFormat(column.unit)(value, column.decimals));
  }, []);

  const issues = model.counts.stragglers + model.counts.xid + model.counts.throttled;
  const toolbarH = options.showToolbar && height >= 160 ? TOOLBAR_HEIGHT : 0;
  const list = listPlacement(options.issueList, width, height - toolbarH, issues);
  const mapW = Math.max(1, width - (list?.width ?? 0) - (list?.placement === 'right' ? 8 : 0));
  const mapH = Math.max(1, height - toolbarH - (list?.height ?? 0) - (list?.placement === 'bottom' ? 8 : 0));

  const layout = useMemo(() => {
    const n = model.gpus.length;
    const headers = groupLabel !== '';
    const first = computeLayout(sections, mapW, mapH, n, headers);
    // A scrolling map loses the scrollbar's width.
    return first.contentHeight > mapH ? computeLayout(sections, mapW - SCROLLBAR, mapH, n, headers) : first;
  }, [sections, mapW, mapH, model, groupLabel]);

  const palette = useMemo(() => paletteFor(theme), [theme]);
  const scene: MapScene = useMemo(
    () => ({
      model,
      layout,
      scale,
      shown,
      linksMode: options.showLinks,
      palette,
      valueText: (g: number) => (colorColumn ? format(colorColumn, colorColumn.values[g]) : ''),
    }),
    [model, layout, scale, shown, options.showLinks, palette, colorColumn, format]
  );

  const origin: Field = useMemo(
    () => ({
      name: colorColumn?.title ?? 'GPU',
      type: FieldType.number,
      config: colorColumn?.config ?? {},
      values: [],
    }),
    [colorColumn]
  );
  const linksFor = useCallback(
    (gpu: number) => {
      const v = colorColumn ? colorColumn.values[gpu] : NaN;
      return gpuLinks(
        model.dataLinks,
        {
          labels: model.labelsOf(gpu),
          metricName: colorColumn?.title ?? '',
          value: { raw: v, text: colorColumn ? format(colorColumn, v) : '' },
        },
        origin,
        replaceVariables
      );
    },
    [model, colorColumn, format, origin, replaceVariables]
  );
  const oneClickHref = useMemo(() => {
    if (!model.dataLinks.some((l) => l.oneClick)) {
      return undefined;
    }
    return (gpu: number) => linksFor(gpu).find((l) => l.oneClick);
  }, [model, linksFor]);

  const describe = useCallback(
    (gpu: number) => {
      const g = model.gpus[gpu];
      const parts = [`${g.host || 'Unknown host'} GPU ${g.gpu || '?'}`];
      if (colorColumn) {
        parts.push(`${colorColumn.title} ${format(colorColumn, colorColumn.values[gpu])}`);
      }
      if (g.straggler) {
        parts.push('straggler');
      }
      if (g.xid > 0) {
        parts.push(`XID ${g.xid}`);
      }
      if (g.throttle.length > 0) {
        parts.push('throttled');
      }
      return parts.join(', ');
    },
    [model, colorColumn, format]
  );

  const hasRows = data.series.some((f) => f.length > 0 || f.fields.some((x) => x.values.length > 0));
  const support = topologySupport(model, hasRows);
  if (support.kind !== 'ok') {
    return (
      <div style={{ width, height }}>
        <PanelMessage support={support} />
      </div>
    );
  }

  const summary = `${support.summary}${model.range ? ' · means over the range' : ''}`;
  const legend = <Legend column={colorColumn} scale={scale} format={format} compact={width < 900} />;
  const shownCount = shown ? shown.reduce((a, b) => a + b, 0) : model.gpus.length;

  return (
    <div className={styles.root} style={{ width, height }} data-testid="gpu-topology-panel" data-matching={shownCount}>
      {toolbarH > 0 && (
        <Toolbar
          search={search}
          onSearch={setSearch}
          stragglersOnly={stragglersOnly}
          onStragglersOnly={setStragglersOnly}
          stragglerCount={model.counts.stragglers}
          summary={summary}
          notices={model.notices}
          width={width}
          legend={legend}
        />
      )}
      <div className={styles.body} style={{ flexDirection: list?.placement === 'bottom' ? 'column' : 'row' }}>
        <div style={{ width: mapW, height: mapH, position: 'relative' }}>
          {sections.length === 0 || shownCount === 0 ? (
            <div className={styles.nothing} role="status" data-testid="gpu-topology-no-match">
              {stragglersOnly && model.counts.stragglers === 0 ? 'No stragglers.' : 'No GPUs match the search.'}
            </div>
          ) : (
            <TopologyCanvas
              ref={canvasRef}
              scene={scene}
              width={mapW}
              height={mapH}
              store={store}
              oneClickHref={oneClickHref}
              describe={describe}
              ariaLabel={`GPU map of panel ${id}: ${support.summary}. Arrow keys move between GPUs, Enter shows details and links.`}
            />
          )}
        </div>
        {list && (
          <IssueList
            model={model}
            shown={shown}
            placement={list.placement}
            width={list.placement === 'right' ? list.width : mapW}
            height={list.placement === 'right' ? mapH : list.height}
            onSelect={(gpu) => canvasRef.current?.focusGpu(gpu)}
          />
        )}
      </div>
      <GpuTooltip
        store={store}
        model={model}
        colorColumn={colorColumn}
        scale={scale}
        format={format}
        links={linksFor}
      />
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  root: css({
    display: 'flex',
    flexDirection: 'column',
    overflow: 'hidden',
  }),
  body: css({
    display: 'flex',
    gap: theme.spacing(1),
    minHeight: 0,
  }),
  nothing: css({
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'center',
    height: '100%',
    color: theme.colors.text.secondary,
  }),
});
