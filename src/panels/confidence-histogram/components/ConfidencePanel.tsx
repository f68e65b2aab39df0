import React, { useMemo, useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2, PanelProps } from '@grafana/data';
import { RadioButtonGroup, useStyles2, useTheme2 } from '@grafana/ui';

import { PanelMessage } from '../../../shared/PanelMessage';
import { calibrationFigures, classFigures, type Figure, histogramFigures, windowNotices } from '../data/figures';
import { formatConfidence, formatCount, formatShare } from '../data/format';
import { availableViews, chooseView, readConfidenceData } from '../data/model';
import { summarise } from '../data/summary';
import { describeMissing } from '../data/support';
import type { ConfidenceData, ReadSettings } from '../data/types';
import { normalizeOptions } from '../migrations';
import type { ConfidenceOptions, View } from '../types';
import { CalibrationChart } from './CalibrationChart';
import { ClassChart } from './ClassChart';
import { Header } from './Header';
import { HistogramChart, type WindowColors } from './HistogramChart';
import { Legend, type LegendItem } from './Legend';

const HEADER_HEIGHT = 52;
const TOOLBAR_HEIGHT = 28;

const VIEW_LABELS: Record<View, string> = { histogram: 'Confidence', classes: 'Classes', calibration: 'Calibration' };

interface Shaped {
  figures: Figure[];
  notices: string[];
  source: string;
  legend: LegendItem[];
  label: string;
}

function histogramSource(data: ConfidenceData): string {
  const h = data.histogram!;
  const n = (w: 'current' | 'reference') => (h.totals[w] !== undefined ? formatCount(h.totals[w]) : undefined);
  const counts = [n('current') && `current ${n('current')}`, n('reference') && `reference ${n('reference')}`]
    .filter(Boolean)
    .join(', ');
  const from =
    h.source === 'distribution'
      ? `From the mlwatch distribution query: ${h.bins.length} bins.`
      : h.source === 'buckets'
        ? `From histogram bucket series: ${h.bins.length} buckets.`
        : `Raw values binned in the panel into ${h.bins.length} equal-width bins.`;
  return counts ? `${from} Predictions: ${counts}.` : from;
}

/** Turns the chosen view's model into what the header, legend and screen readers say. */
function shape(
  view: View,
  data: ConfidenceData,
  options: ConfidenceOptions,
  colors: WindowColors,
  theme: GrafanaTheme2
): Shaped {
  const both = (w: { reference?: true; current?: true }) => Boolean(w.reference && w.current);
  if (view === 'histogram') {
    const h = data.histogram!;
    const s = summarise(h, options.lowConfidenceThreshold);
    const legend: LegendItem[] = [];
    if (h.windows.current) {
      legend.push({ label: 'Current', color: colors.current, shape: 'fill' });
    }
    if (h.windows.reference) {
      legend.push({
        label: 'Reference',
        color: colors.reference,
        shape: options.referenceStyle === 'mirrored' && both(h.windows) ? 'fill' : 'outline',
      });
    }
    legend.push({
      label: `Low confidence (< ${options.lowConfidenceThreshold})`,
      color: theme.colors.text.secondary,
      shape: 'dash',
    });
    const main = h.windows.current ? 'current' : 'reference';
    return {
      figures: histogramFigures(h, s),
      notices: [...data.notices, ...h.notices, ...windowNotices(h.windows, h.outside)],
      source: histogramSource(data),
      legend,
      label: `Confidence histogram, ${h.bins.length} bins. Mean confidence ${formatConfidence(s.mean[main])}${
        s.mean.reference !== undefined && main === 'current'
          ? ` against ${formatConfidence(s.mean.reference)} in the reference window`
          : ''
      }; ${formatShare(s.low[main])} below ${options.lowConfidenceThreshold}. Arrow keys read the bins.`,
    };
  }
  if (view === 'classes') {
    const c = data.classes!;
    const legend: LegendItem[] = [];
    if (c.windows.current) {
      legend.push({ label: 'Current', color: colors.current, shape: 'fill' });
    }
    if (c.windows.reference) {
      legend.push({
        label: 'Reference',
        color: colors.reference,
        shape: options.referenceStyle === 'mirrored' && both(c.windows) ? 'fill' : 'outline',
      });
    }
    if (both(c.windows)) {
      legend.push({
        label: `Skewed (change ≥ ${Math.round(options.skewThreshold * 1000) / 10} pp)`,
        color: theme.colors.error.main,
        shape: 'tint',
      });
    }
    const largest = c.largest !== undefined ? c.rows[c.largest] : undefined;
    return {
      figures: classFigures(c, options.skewThreshold),
      notices: [...data.notices, ...c.notices, ...windowNotices(c.windows, undefined)],
      source:
        c.source === 'distribution'
          ? `From the mlwatch distribution query: ${c.rows.length} classes.`
          : `From prediction counters by class: ${c.rows.length} classes.`,
      legend,
      label: `Share of predictions per class, ${c.rows.length} classes.${largest ? ` Largest change: ${largest.name}.` : ''} ${c.skewed.length} skewed. Arrow keys read the classes.`,
    };
  }
  const cal = data.calibration!;
  // The current window drives the bars when it has labels (as in CalibrationChart).
  const currentLabelled = Boolean(cal.sides.current && cal.sides.current.total > 0);
  const legend: LegendItem[] = [
    {
      label: currentLabelled ? 'Accuracy now' : 'Accuracy (reference)',
      color: currentLabelled ? colors.current : colors.reference,
      shape: 'fill',
    },
    { label: 'Gap to perfect calibration', color: theme.colors.error.main, shape: 'tint' },
    { label: 'Perfect calibration', color: theme.colors.text.secondary, shape: 'dash' },
  ];
  if (currentLabelled && cal.sides.reference) {
    legend.push({ label: 'Reference accuracy', color: colors.reference, shape: 'dot' });
  }
  const side = currentLabelled ? cal.sides.current : cal.sides.reference;
  return {
    figures: calibrationFigures(cal),
    notices: [...data.notices, ...cal.notices],
    source:
      cal.source === 'labels'
        ? 'From labelled predictions (ml_labeled_predictions_total by correct and confidence_bin).'
        : 'From the accuracy field of the mlwatch distribution frame.',
    legend,
    label: `Reliability diagram, ${side?.bins.length ?? 0} bins, expected calibration error ${formatShare(side?.ece)}. Arrow keys read the bins.`,
  };
}

export function ConfidencePanel({ data, width, height, options: savedOptions }: PanelProps<ConfidenceOptions>) {
  const theme = useTheme2();
  const styles = useStyles2(getStyles);
  const options = useMemo(() => normalizeOptions(savedOptions), [savedOptions]);
  const { referenceQuery, currentQuery, binCount, skewThreshold } = options;
  const settings = useMemo<ReadSettings>(
    () => ({ referenceQuery, currentQuery, binCount, skewThreshold }),
    [referenceQuery, currentQuery, binCount, skewThreshold]
  );
  const model = useMemo(() => readConfidenceData(data.series, settings), [data.series, settings]);
  const views = useMemo(() => availableViews(model), [model]);
  // The view picked in the panel when auto mode finds more than one.
  const [picked, setPicked] = useState<View | undefined>(undefined);
  const view = chooseView(options.mode, views, picked);
  const colors = useMemo<WindowColors>(
    () => ({
      current: theme.visualization.getColorByName(options.currentColor),
      reference: theme.visualization.getColorByName(options.referenceColor),
    }),
    [theme, options.currentColor, options.referenceColor]
  );
  const shaped = useMemo(
    () => (view ? shape(view, model, options, colors, theme) : undefined),
    [view, model, options, colors, theme]
  );

  if (!view || !shaped) {
    return (
      <div style={{ width, height }}>
        <PanelMessage support={describeMissing(data.series, options.mode, model)} />
      </div>
    );
  }

  const showHeader = options.showHeader && height >= 170;
  const showToolbar = height >= 110;
  const chartHeight = Math.max(40, height - (showHeader ? HEADER_HEIGHT : 0) - (showToolbar ? TOOLBAR_HEIGHT : 0));
  const switcher =
    options.mode === 'auto' && views.length > 1 ? (
      <RadioButtonGroup<View>
        size="sm"
        value={view}
        onChange={(v) => setPicked(v)}
        options={views.map((v) => ({ value: v, label: VIEW_LABELS[v] }))}
        aria-label="View"
      />
    ) : null;

  let chart: React.ReactNode;
  if (view === 'histogram') {
    chart = (
      <HistogramChart
        model={model.histogram!}
        width={width}
        height={chartHeight}
        theme={theme}
        colors={colors}
        referenceStyle={options.referenceStyle}
        threshold={options.lowConfidenceThreshold}
        label={shaped.label}
      />
    );
  } else if (view === 'classes') {
    chart = (
      <ClassChart
        model={model.classes!}
        width={width}
        height={chartHeight}
        theme={theme}
        colors={colors}
        referenceStyle={options.referenceStyle}
        sort={options.classSort}
        skewThreshold={options.skewThreshold}
        label={shaped.label}
      />
    );
  } else {
    chart = (
      <CalibrationChart
        model={model.calibration!}
        width={width}
        height={chartHeight}
        theme={theme}
        colors={colors}
        label={shaped.label}
      />
    );
  }

  return (
    <div className={styles.root} style={{ width, height }} data-testid="confidence-panel" data-view={view}>
      {showHeader && (
        <div style={{ height: HEADER_HEIGHT }}>
          <Header figures={shaped.figures} source={shaped.source} notices={shaped.notices} width={width} />
        </div>
      )}
      {showToolbar && (
        <div className={styles.toolbar} style={{ height: TOOLBAR_HEIGHT }}>
          <Legend items={shaped.legend} />
          {switcher}
        </div>
      )}
      {chart}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  root: css({ display: 'flex', flexDirection: 'column', overflow: 'hidden' }),
  toolbar: css({
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'space-between',
    gap: theme.spacing(1),
    padding: theme.spacing(0, 1),
    flex: 'none',
  }),
});
