import React from 'react';
import { css, cx } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Combobox, useStyles2 } from '@grafana/ui';

import { formatCount, formatDuration, formatShare } from '../data/format';
import type { TraceChoice, WaterfallModel } from '../data/model';
import { CopyId } from './CopyId';

interface HeaderProps {
  model: WaterfallModel;
  choices: TraceChoice[];
  onChooseTrace: (traceId: string) => void;
  height: number;
  width: number;
}

/** Root span, service, duration, span count, trace id, and a trace picker when the data holds several traces. */
export function TraceHeader({ model, choices, onChooseTrace, height, width }: HeaderProps) {
  const styles = useStyles2(getStyles);
  const tree = model.tree;
  const root = tree.mainRoot >= 0 ? tree.spans[tree.mainRoot] : undefined;
  return (
    <div className={styles.header} style={{ height }} data-testid="trace-header">
      <span className={styles.rootName} title={root?.name}>
        {root?.name ?? 'Trace'}
      </span>
      {root && <span className={styles.muted}>{root.service}</span>}
      <span className={styles.fact}>{formatDuration(tree.end - tree.start)}</span>
      <span className={styles.muted}>
        {formatCount(tree.spans.length)} spans · {tree.services.length}{' '}
        {tree.services.length === 1 ? 'service' : 'services'} · depth {tree.maxDepth + 1}
      </span>
      {width > 640 && <CopyId label="Trace ID" value={tree.traceId || 'unknown'} testId="header-trace-id" />}
      {choices.length > 1 && (
        <div className={styles.picker} data-testid="trace-picker">
          <Combobox
            aria-label="Trace"
            width={Math.min(36, Math.max(20, Math.floor(width / 24)))}
            value={tree.traceId}
            options={choices.map((c) => ({
              value: c.traceId,
              label: `${c.rootName} · ${formatDuration(c.durationMs)} · ${c.spanCount} spans`,
              description: c.traceId,
            }))}
            onChange={(o) => onChooseTrace(o.value)}
          />
          <span className={styles.muted}>{choices.length} traces</span>
        </div>
      )}
    </div>
  );
}

/** Whether the summary row has anything to say (so the layout can leave it out). */
export function summaryHasContent(model: WaterfallModel, showLlm: boolean, skippedRows: number): boolean {
  const c = model.tree.counts;
  return (
    c.errors > 0 ||
    (showLlm && model.llm.modelCalls > 0) ||
    c.orphans + c.cycles + c.skewed + c.duplicates + c.droppedDuplicates + skippedRows > 0
  );
}

interface SummaryProps {
  model: WaterfallModel;
  showLlm: boolean;
  skippedRows: number;
  height: number;
  onShowErrors: () => void;
}

/** Chips: errors, LLM totals (calls, tokens, LLM time, tools, models) and data problems. */
export function TraceSummary({ model, showLlm, skippedRows, height, onShowErrors }: SummaryProps) {
  const styles = useStyles2(getStyles);
  const { tree, llm } = model;
  const traceMs = tree.end - tree.start;
  const chips: React.ReactNode[] = [];
  if (tree.counts.errors > 0) {
    chips.push(
      <button
        key="errors"
        type="button"
        className={cx(styles.chip, styles.errorChip)}
        onClick={onShowErrors}
        title="Show only spans with errors"
      >
        {tree.counts.errors} {tree.counts.errors === 1 ? 'error' : 'errors'}
      </button>
    );
  }
  if (showLlm && llm.modelCalls > 0) {
    chips.push(
      <span key="calls" className={styles.chip} data-testid="llm-calls">
        {llm.modelCalls} model {llm.modelCalls === 1 ? 'call' : 'calls'}
        {llm.failedModelCalls > 0 ? ` (${llm.failedModelCalls} failed)` : ''}
      </span>
    );
    if (llm.hasTokens) {
      chips.push(
        <span
          key="tokens"
          className={styles.chip}
          data-testid="llm-tokens"
          title="Tokens counted once, from the deepest spans that report them"
        >
          {formatCount(llm.totalTokens)} tokens ({formatCount(llm.inputTokens)} in, {formatCount(llm.outputTokens)} out)
        </span>
      );
    }
    chips.push(
      <span key="time" className={styles.chip} data-testid="llm-time" title="Time with at least one model call running">
        LLM time {formatDuration(llm.llmTimeMs)} ({formatShare(traceMs > 0 ? llm.llmTimeMs / traceMs : 0)})
      </span>
    );
    if (llm.toolCalls > 0) {
      chips.push(
        <span key="tools" className={styles.chip}>
          {llm.toolCalls} tool {llm.toolCalls === 1 ? 'call' : 'calls'}
        </span>
      );
    }
    if (llm.models.length > 0) {
      chips.push(
        <span key="models" className={cx(styles.chip, styles.plain)} title={llm.providers.join(', ')}>
          {llm.models.join(', ')}
        </span>
      );
    }
  }
  const problems: string[] = [];
  const c = tree.counts;
  if (c.orphans) {
    problems.push(`${c.orphans} without parent`);
  }
  if (c.cycles) {
    problems.push(`${c.cycles} parent ${c.cycles === 1 ? 'loop' : 'loops'} cut`);
  }
  if (c.skewed) {
    problems.push(`${c.skewed} clock skew`);
  }
  if (c.duplicates) {
    problems.push(`${c.duplicates} duplicate ${c.duplicates === 1 ? 'id' : 'ids'}`);
  }
  if (c.droppedDuplicates) {
    problems.push(`${c.droppedDuplicates} repeated ${c.droppedDuplicates === 1 ? 'row' : 'rows'} dropped`);
  }
  if (skippedRows) {
    problems.push(`${skippedRows} unreadable ${skippedRows === 1 ? 'row' : 'rows'} skipped`);
  }
  for (const p of problems) {
    chips.push(
      <span key={p} className={cx(styles.chip, styles.warnChip)}>
        {p}
      </span>
    );
  }
  if (chips.length === 0) {
    return null;
  }
  return (
    <div className={styles.summary} style={{ height }} data-testid="trace-summary">
      {chips}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  header: css({
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1.5),
    padding: theme.spacing(0, 1),
    whiteSpace: 'nowrap',
    overflow: 'hidden',
    borderBottom: `1px solid ${theme.colors.border.weak}`,
  }),
  rootName: css({
    fontWeight: theme.typography.fontWeightMedium,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    minWidth: 40,
    flexShrink: 1,
  }),
  fact: css({ fontWeight: theme.typography.fontWeightMedium }),
  muted: css({
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
  }),
  picker: css({ marginLeft: 'auto', display: 'flex', alignItems: 'center', gap: theme.spacing(1) }),
  summary: css({
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(0.75),
    padding: theme.spacing(0, 1),
    overflow: 'hidden',
    whiteSpace: 'nowrap',
    fontSize: theme.typography.bodySmall.fontSize,
  }),
  chip: css({
    padding: '1px 8px',
    borderRadius: theme.shape.radius.pill,
    border: `1px solid ${theme.colors.border.medium}`,
    background: theme.colors.background.secondary,
    color: theme.colors.text.primary,
    fontSize: theme.typography.bodySmall.fontSize,
    lineHeight: '18px',
  }),
  plain: css({
    background: 'transparent',
    color: theme.colors.text.secondary,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
  }),
  errorChip: css({
    cursor: 'pointer',
    color: theme.colors.error.text,
    borderColor: theme.colors.error.border,
    background: theme.colors.error.transparent,
  }),
  warnChip: css({
    color: theme.colors.warning.text,
    borderColor: theme.colors.warning.border,
    background: 'transparent',
  }),
});
