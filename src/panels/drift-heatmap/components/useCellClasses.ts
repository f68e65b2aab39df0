import { useEffect, useMemo, useState } from 'react';

import { classifyCells, classifyRows, createCellClasses, type CellClasses } from '../data/cells';
import type { HeatmapModel } from '../data/model';
import type { Palette } from '../data/palette';
import type { ScoreScale } from '../data/scale';

/** Grids up to this many cells are classified at once; bigger ones in slices. */
const SYNC_CELLS = 500_000;
/** Cells per slice: a few milliseconds of work, so the page stays responsive. */
const SLICE_CELLS = 250_000;

interface Done {
  model: HeatmapModel;
  scale: ScoreScale;
  palette: Palette;
  classes: CellClasses;
}

/**
 * Cell classes for the model. Small grids are classified during render;
 * huge ones (millions of cells) in slices of rows, one task each (posted
 * through a MessageChannel, which runs sooner than setTimeout), so that
 * classifying never becomes one long task. Undefined until ready.
 */
export function useCellClasses(model: HeatmapModel, scale: ScoreScale, palette: Palette): CellClasses | undefined {
  const sync = model.scores.length <= SYNC_CELLS;
  const now = useMemo(() => (sync ? classifyCells(model, scale, palette) : undefined), [sync, model, scale, palette]);
  const [done, setDone] = useState<Done>();

  useEffect(() => {
    if (sync) {
      return;
    }
    const out = createCellClasses(model);
    const rows = model.rows.length;
    const rowsPerSlice = Math.max(1, Math.floor(SLICE_CELLS / Math.max(1, model.times.length)));
    const channel = new MessageChannel();
    let next = 0;
    channel.port1.onmessage = () => {
      const end = Math.min(rows, next + rowsPerSlice);
      classifyRows(model, scale, palette, out, next, end);
      next = end;
      if (next < rows) {
        channel.port2.postMessage(null);
      } else {
        setDone({ model, scale, palette, classes: out });
      }
    };
    channel.port2.postMessage(null);
    return () => channel.port1.close();
  }, [sync, model, scale, palette]);

  if (sync) {
    return now;
  }
  return done && done.model === model && done.scale === scale && done.palette === palette ? done.classes : undefined;
}
