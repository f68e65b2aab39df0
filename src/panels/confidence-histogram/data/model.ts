import type { DataFrame } from '@grafana/data';

import type { View, ViewMode } from '../types';
import { readBuckets } from './buckets';
import { readLabelSeries } from './calibration';
import { readClassSeries } from './classes';
import { isDistributionFrame, readDistribution } from './distribution';
import type { ConfidenceData, ReadSettings } from './types';
import { readValues } from './values';

/**
 * Reads every shape of data the panel understands. The distribution frame
 * wins over series of the same kind; raw values are read only when
 * nothing else fits, since any number field would pass for them.
 */
export function readConfidenceData(frames: DataFrame[], settings: ReadSettings): ConfidenceData {
  const usable = frames.filter((f) => f.length > 0 && f.fields.length > 0);
  const distribution = readDistribution(usable, settings);
  // Series readers look at everything but the distribution frames.
  const others = usable.filter((f) => !isDistributionFrame(f));
  const histogram = distribution.histogram ?? readBuckets(others, settings);
  const classes = distribution.classes ?? readClassSeries(others, settings);
  const calibration = readLabelSeries(others, settings) ?? distribution.calibration;
  const data: ConfidenceData = { histogram, classes, calibration, notices: [...distribution.notices] };
  if (usable.some((f) => f.name === 'distribution_drift')) {
    data.notices.push(
      'The distribution query returns only its drift score in the numeric format: set Format to table.'
    );
  }
  if (!histogram && !classes && !calibration) {
    data.histogram = readValues(others, settings);
  }
  return data;
}

/** Views the data can fill, in the order auto mode prefers them. */
export function availableViews(data: ConfidenceData): View[] {
  const views: View[] = [];
  if (
    data.histogram &&
    data.histogram.bins.length > 0 &&
    (data.histogram.windows.current || data.histogram.windows.reference)
  ) {
    views.push('histogram');
  }
  if (
    data.classes &&
    data.classes.rows.length > 0 &&
    (data.classes.windows.current || data.classes.windows.reference)
  ) {
    views.push('classes');
  }
  if (data.calibration && (data.calibration.sides.current?.total || data.calibration.sides.reference?.total)) {
    views.push('calibration');
  }
  return views;
}

/** The view to draw: the chosen mode when the data fits it, the first available in auto. */
export function chooseView(mode: ViewMode, available: View[], picked?: View): View | undefined {
  if (mode !== 'auto') {
    return available.includes(mode) ? mode : undefined;
  }
  if (picked && available.includes(picked)) {
    return picked;
  }
  return available[0];
}
