/** Frame builders for the data-module tests (not used by the panel). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import {
  createDataFrame,
  type DataFrame,
  type DataFrameJSON,
  dataFrameFromJSON,
  FieldType,
  type Labels,
} from '@grafana/data';

export function fixture(name: string): DataFrame[] {
  const path = join(__dirname, '..', '..', '..', '..', 'tests', 'fixtures', 'frames', name);
  return (JSON.parse(readFileSync(path, 'utf8')) as DataFrameJSON[]).map((f) => dataFrameFromJSON(f));
}

/** One series as the Prometheus datasource returns it: a frame with Time and a labelled Value. */
export function series(
  refId: string,
  labels: Labels,
  values: Array<number | null>,
  extra: { type?: string } = {}
): DataFrame {
  return createDataFrame({
    refId,
    name: 'metric',
    meta: extra.type ? { type: extra.type as never } : undefined,
    fields: [
      { name: 'Time', type: FieldType.time, values: values.map((_, i) => 1000 * i) },
      { name: 'Value', type: FieldType.number, labels, values },
    ],
  });
}

/** Cumulative bucket series for one window. */
export function buckets(refId: string, les: string[], cumulative: number[], labels: Labels = {}): DataFrame[] {
  return les.map((le, i) => series(refId, { ...labels, le }, [cumulative[i]]));
}

export interface DistributionInput {
  lower?: number[];
  upper?: number[];
  classes?: string[];
  reference: Array<number | null>;
  current: Array<number | null>;
  accuracy?: number[];
  custom?: Record<string, unknown>;
  refId?: string;
}

/** The mlwatch distribution frame (pkg/engine/distribution.go). */
export function distribution(d: DistributionInput): DataFrame {
  const fields = [];
  if (d.lower && d.upper) {
    fields.push(
      { name: 'lower', type: FieldType.number, values: d.lower },
      { name: 'upper', type: FieldType.number, values: d.upper }
    );
  }
  if (d.classes) {
    fields.push({ name: 'class', type: FieldType.string, values: d.classes });
  }
  fields.push(
    { name: 'reference', type: FieldType.number, values: d.reference },
    { name: 'current', type: FieldType.number, values: d.current }
  );
  if (d.accuracy) {
    fields.push({ name: 'accuracy', type: FieldType.number, values: d.accuracy });
  }
  return createDataFrame({
    name: 'distribution',
    refId: d.refId ?? 'A',
    meta: d.custom ? { custom: d.custom } : undefined,
    fields,
  });
}

export const SETTINGS = { referenceQuery: '', currentQuery: '', binCount: 20, skewThreshold: 0.2 };
