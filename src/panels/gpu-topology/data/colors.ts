/**
 * Cell colours from the field config of the colour metric: Grafana's colour
 * modes (thresholds, continuous schemes, single colour) and thresholds,
 * turned into a small palette of buckets so that 16,384 cells are painted
 * with a few dozen fillStyle changes instead of 16,384 colour computations.
 */
import {
  FieldColorModeId,
  FieldType,
  getActiveThreshold,
  getFieldColorModeForField,
  sortThresholds,
  ThresholdsMode,
  type Field,
  type GrafanaTheme2,
  type Threshold,
} from '@grafana/data';
import { scaleLinear, scaleThreshold } from 'd3';

import { METRICS } from './metrics';
import type { MetricColumn } from './model';

/**
 * The panel's default scheme (also its field-config default): cool for low,
 * hot for high, readable on dark and light themes. Used as well when a
 * field arrives without any colour config.
 */
export const DEFAULT_COLOR_MODE = FieldColorModeId.ContinuousBlYlRd;

/** Buckets of a continuous scheme: more than the eye tells apart at cell size. */
export const CONTINUOUS_BUCKETS = 48;

export interface ColorScale {
  mode: 'continuous' | 'thresholds' | 'single';
  min: number;
  max: number;
  colors: string[];
  /** Threshold steps for the legend (thresholds mode). */
  steps: Array<{ value: number; color: string }>;
  /** Bucket per GPU (-1: no value). */
  buckets: Int16Array;
}

/** The colour domain: field config min/max, else the metric's natural range, else the data's. */
export function colorDomain(column: MetricColumn): [number, number] {
  const cfg = column.config;
  const natural = column.known ? METRICS[column.known].domain : undefined;
  // A tensor column in percent has the percent range.
  const fromMetric =
    natural && column.unit === 'percent' && natural[1] === 1 ? ([0, 100] as [number, number]) : natural;
  let min = typeof cfg.min === 'number' && Number.isFinite(cfg.min) ? cfg.min : (fromMetric?.[0] ?? column.min);
  let max = typeof cfg.max === 'number' && Number.isFinite(cfg.max) ? cfg.max : (fromMetric?.[1] ?? column.max);
  if (!Number.isFinite(min) || !Number.isFinite(max)) {
    return [0, 1];
  }
  if (max <= min) {
    // One value (or a bad min/max): a unit-wide range around it.
    max = min + (Math.abs(min) > 0 ? Math.abs(min) * 0.1 : 1);
    min = min - (max - min);
  }
  return [min, max];
}

/** A Field shaped enough for Grafana's colour-mode helpers. */
function asField(column: MetricColumn): Field {
  const config = column.config.color ? column.config : { ...column.config, color: { mode: DEFAULT_COLOR_MODE } };
  return { name: column.title, type: FieldType.number, config, values: [] };
}

export function buildColorScale(column: MetricColumn, theme: GrafanaTheme2): ColorScale {
  const [min, max] = colorDomain(column);
  const field = asField(column);
  const mode = getFieldColorModeForField(field);
  const values = column.values;
  const n = values.length;
  const buckets = new Int16Array(n);
  const span = max - min;

  if (mode.id === 'thresholds') {
    const thresholds = column.config.thresholds;
    const steps: Threshold[] = sortThresholds(
      thresholds?.steps?.length
        ? thresholds.steps
        : [
            { value: -Infinity, color: 'green' },
            { value: 80, color: 'red' },
          ]
    );
    const percent = thresholds?.mode === ThresholdsMode.Percentage;
    const colors = steps.map((s) => theme.visualization.getColorByName(s.color));
    // Value (or percent of the domain) -> step index; a value equal to a step's value is in that step.
    const toStep = scaleThreshold<number, number>()
      .domain(steps.slice(1).map((s) => s.value))
      .range(steps.map((_, k) => k));
    const toPercent = scaleLinear().domain([min, max]).range([0, 100]);
    for (let i = 0; i < n; i++) {
      const v = values[i];
      buckets[i] = Number.isNaN(v) ? -1 : toStep(percent ? toPercent(v) : v);
    }
    return {
      mode: 'thresholds',
      min,
      max,
      colors,
      steps: steps.map((s, k) => ({
        value: percent && k > 0 ? min + (s.value / 100) * span : s.value,
        color: colors[k],
      })),
      buckets,
    };
  }

  const calculator = mode.getCalculator(field, theme);
  if (!mode.isByValue) {
    // Single colour, classic palette: one colour for every cell.
    const color = calculator(0, 0, getActiveThreshold(0, column.config.thresholds?.steps ?? []));
    for (let i = 0; i < n; i++) {
      buckets[i] = Number.isNaN(values[i]) ? -1 : 0;
    }
    return { mode: 'single', min, max, colors: [color], steps: [], buckets };
  }

  const k = CONTINUOUS_BUCKETS;
  const colors: string[] = [];
  const bucketValue = scaleLinear()
    .domain([0, k - 1])
    .range([min, max]);
  for (let b = 0; b < k; b++) {
    colors.push(calculator(bucketValue(b), b / (k - 1)));
  }
  // Value -> nearest of the k buckets, clamped to the domain.
  const toBucket = scaleLinear()
    .domain([min, max])
    .rangeRound([0, k - 1])
    .clamp(true);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    buckets[i] = Number.isNaN(v) ? -1 : toBucket(v);
  }
  return { mode: 'continuous', min, max, colors, steps: [], buckets };
}

/**
 * Black or white, whichever reads better on a colour (WCAG relative
 * luminance), for text drawn on cells.
 */
export function textColorOn(color: string): string {
  const rgb = parseColor(color);
  if (!rgb) {
    return '#000';
  }
  const lin = rgb.map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
  });
  const lum = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
  return lum > 0.4 ? '#000' : '#fff';
}

/** #rgb, #rrggbb(aa) and rgb()/rgba() colours as [r, g, b]. */
export function parseColor(color: string): [number, number, number] | undefined {
  const c = color.trim();
  let m = /^#([0-9a-f]{3})$/i.exec(c);
  if (m) {
    return [0, 1, 2].map((i) => parseInt(m![1][i] + m![1][i], 16)) as [number, number, number];
  }
  m = /^#([0-9a-f]{6})([0-9a-f]{2})?$/i.exec(c);
  if (m) {
    return [0, 2, 4].map((i) => parseInt(m![1].slice(i, i + 2), 16)) as [number, number, number];
  }
  m = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/i.exec(c);
  if (m) {
    return [Number(m[1]), Number(m[2]), Number(m[3])];
  }
  return undefined;
}
