import type { FeatureRow, HeatmapModel } from './model';

/** A hand-made model for tests: rows of scores over evenly spaced times. */
export function testModel(
  rows: Array<Partial<FeatureRow> & { name: string; scores: number[] }>,
  step = 60000
): HeatmapModel {
  const cols = rows[0]?.scores.length ?? 0;
  const scores = new Float64Array(rows.length * cols);
  rows.forEach((r, i) => scores.set(r.scores, i * cols));
  return {
    rows: rows.map(({ scores: _s, ...r }) => ({ kind: 'distance', ...r })),
    times: Float64Array.from({ length: cols }, (_, i) => i * step),
    scores,
    step: cols > 1 ? step : 0,
    notices: [],
  };
}
