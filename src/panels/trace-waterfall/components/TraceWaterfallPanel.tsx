import React, { useMemo, useState } from 'react';
import type { PanelProps } from '@grafana/data';

import { PanelMessage } from '../../../shared/PanelMessage';
import { TRACE_NEEDS } from '../data/frame';
import { buildWaterfallModel, pickTrace, readFramesTimed, traceChoices } from '../data/model';
import { withDefaults, type WaterfallOptions } from '../data/options';
import { stageSpecs } from '../data/stages';
import type { RawTrace } from '../data/types';
import { TraceView } from './TraceView';

const NO_TRACES: RawTrace[] = [];

/**
 * Reads the trace frames, picks the trace to show (the chosen one, the one
 * named in the options, else the first) and builds its model; explains what
 * is missing when the data is empty or not a trace.
 */
export function TraceWaterfallPanel({
  data,
  options,
  width,
  height,
  replaceVariables,
  timeZone,
}: PanelProps<WaterfallOptions>) {
  const opts = useMemo(() => withDefaults(options), [options]);
  const { read, readMs } = useMemo(() => readFramesTimed(data.series), [data.series]);
  const traces = read.kind === 'ok' ? read.traces : NO_TRACES;
  const choices = useMemo(() => traceChoices(traces), [traces]);
  const [chosen, setChosen] = useState<string | undefined>();
  const wanted = chosen ?? (replaceVariables(opts.traceId).trim() || undefined);
  const trace = useMemo(() => pickTrace(traces, wanted), [traces, wanted]);
  const specs = useMemo(
    () =>
      stageSpecs({
        preprocess: opts.stagePreprocess,
        inference: opts.stageInference,
        postprocess: opts.stagePostprocess,
      }),
    [opts.stagePreprocess, opts.stageInference, opts.stagePostprocess]
  );
  const model = useMemo(() => (trace ? buildWaterfallModel(trace, specs) : undefined), [trace, specs]);
  const initialSearch = replaceVariables(opts.search);

  if (read.kind === 'empty') {
    return (
      <div style={{ width, height }}>
        <PanelMessage support={{ kind: 'empty', message: 'No data', needs: TRACE_NEEDS }} />
      </div>
    );
  }
  if (read.kind === 'unsupported') {
    return (
      <div style={{ width, height }}>
        <PanelMessage
          support={{
            kind: 'unsupported',
            message: 'This data is not a trace',
            needs: `Missing: ${read.missing.join(', ')}. ${TRACE_NEEDS}`,
          }}
        />
      </div>
    );
  }
  if (!model || model.tree.spans.length === 0) {
    return (
      <div style={{ width, height }}>
        <PanelMessage
          support={{
            kind: 'unsupported',
            message: 'No spans could be read',
            needs: `${read.skippedRows} ${read.skippedRows === 1 ? 'row has' : 'rows have'} no span id or no start time. ${TRACE_NEEDS}`,
          }}
        />
      </div>
    );
  }
  return (
    <TraceView
      // View state (span indices, seeded options) belongs to one trace as read; a new
      // trace, a different span count on refresh, or a change to a seeding option starts a fresh view.
      key={[
        model.tree.spans.length,
        model.tree.traceId,
        opts.collapseDepth,
        opts.matchesOnly,
        opts.minDurationMs,
        opts.statusFilter,
        opts.criticalPathOnly,
        initialSearch,
      ].join('|')}
      model={model}
      choices={choices}
      onChooseTrace={setChosen}
      options={opts}
      initialSearch={initialSearch}
      width={width}
      height={height}
      timeZone={timeZone}
      skippedRows={read.skippedRows}
      series={data.series}
      timings={{ readMs }}
    />
  );
}
