import type { DataFrame, Field } from '@grafana/data';

import { collectSeries } from './series';
import type { ClassModel, ClassRow, PerWindow, ReadSettings, WindowName } from './types';

const CLASS_LABELS = ['class', 'predicted_class'];

export function classLabel(field: Field): string | undefined {
  for (const name of CLASS_LABELS) {
    const v = field.labels?.[name];
    if (v !== undefined) {
      return v;
    }
  }
  return undefined;
}

export function isClassField(field: Field): boolean {
  return classLabel(field) !== undefined && field.labels?.le === undefined;
}

/**
 * Reads prediction counters by class (e.g. `ml_predictions_total` summed by
 * `class`) for two windows into shares per class.
 */
export function readClassSeries(frames: DataFrame[], settings: ReadSettings): ClassModel | undefined {
  const { series, notices } = collectSeries(frames, isClassField, settings, 'class');
  if (series.length === 0) {
    return undefined;
  }
  const counts = new Map<string, PerWindow<number>>();
  const windows: PerWindow<true> = {};
  for (const s of series) {
    const name = s.labels.class ?? s.labels.predicted_class ?? '';
    const entry = counts.get(name) ?? {};
    entry[s.window] = (entry[s.window] ?? 0) + Math.max(0, s.value);
    counts.set(name, entry);
    windows[s.window] = true;
  }
  const totals: PerWindow<number> = {};
  for (const w of ['reference', 'current'] as WindowName[]) {
    if (windows[w]) {
      totals[w] = [...counts.values()].reduce((acc, c) => acc + (c[w] ?? 0), 0);
    }
  }
  const rows: ClassRow[] = [...counts.entries()].map(([name, c]) => ({
    name: name === '' ? '(empty)' : name,
    reference: windows.reference && totals.reference! > 0 ? (c.reference ?? 0) / totals.reference! : 0,
    current: windows.current && totals.current! > 0 ? (c.current ?? 0) / totals.current! : 0,
    referenceCount: windows.reference ? (c.reference ?? 0) : undefined,
    currentCount: windows.current ? (c.current ?? 0) : undefined,
    change: NaN,
  }));
  return finishClasses({ source: 'series', rows, windows, totals, skewed: [], notices }, settings.skewThreshold);
}

/**
 * Fills the change per class, the largest absolute change and the classes
 * whose change reaches the skew threshold. A display measure only: the
 * drift verdict on classes comes from the backend.
 */
export function finishClasses(model: ClassModel, skewThreshold: number): ClassModel {
  const both = Boolean(model.windows.reference && model.windows.current);
  let largest: number | undefined;
  const skewed: string[] = [];
  const rows = model.rows.map((r, i) => {
    const change = both ? r.current - r.reference : NaN;
    if (both && Number.isFinite(change)) {
      if (
        largest === undefined ||
        Math.abs(change) > Math.abs(model.rows[largest].current - model.rows[largest].reference)
      ) {
        largest = i;
      }
      // A tiny epsilon so a change of exactly the threshold (0.5 - 0.3) counts despite rounding.
      if (Math.abs(change) >= skewThreshold - 1e-12) {
        skewed.push(r.name);
      }
    }
    return { ...r, change };
  });
  if (largest !== undefined && rows[largest].change === 0) {
    largest = undefined;
  }
  return { ...model, rows, largest, skewed };
}

/** Rows in display order with their index in the model. */
export function sortClassRows(
  rows: ClassRow[],
  sort: 'change' | 'current' | 'name'
): Array<{ row: ClassRow; index: number }> {
  const byName = (a: ClassRow, b: ClassRow) => a.name.localeCompare(b.name, undefined, { numeric: true });
  const list = rows.map((row, index) => ({ row, index }));
  const size = (r: ClassRow) => (Number.isFinite(r.change) ? Math.abs(r.change) : -1);
  list.sort((a, b) => {
    switch (sort) {
      case 'name':
        return byName(a.row, b.row);
      case 'current':
        return b.row.current - a.row.current || b.row.reference - a.row.reference || byName(a.row, b.row);
      default:
        return size(b.row) - size(a.row) || b.row.current - a.row.current || byName(a.row, b.row);
    }
  });
  return list;
}
