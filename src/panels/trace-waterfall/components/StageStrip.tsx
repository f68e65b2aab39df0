import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Tooltip, useStyles2, useTheme2 } from '@grafana/ui';

import { formatDuration, formatShare } from '../data/format';
import type { StageBreakdown } from '../data/stages';
import { stageColor } from './colors';

interface Props {
  breakdown: StageBreakdown;
  /** Name of the span the shares are of. */
  requestName: string;
  height: number;
  onSelectSpan: (span: number) => void;
}

/**
 * The request split into preprocess / inference / postprocess (and the
 * rest), each segment as wide as its share of the request's duration.
 * Clicking a segment opens its first span.
 */
export function StageStrip({ breakdown, requestName, height, onSelectSpan }: Props) {
  const styles = useStyles2(getStyles);
  const theme = useTheme2();
  const segments = [
    ...breakdown.stages.filter((s) => s.ms > 0),
    ...(breakdown.otherMs > 0
      ? [{ key: 'other', label: 'Other', ms: breakdown.otherMs, share: breakdown.otherShare, spans: [] as number[] }]
      : []),
  ];
  return (
    <div className={styles.strip} style={{ height }} data-testid="stage-strip" aria-label="Request stages">
      <Tooltip content={`Share of ${requestName}, ${formatDuration(breakdown.requestMs)}`}>
        <span className={styles.title}>Stages</span>
      </Tooltip>
      <div className={styles.bar}>
        {segments.map((s) => {
          const text = `${s.label} ${formatShare(s.share)} · ${formatDuration(s.ms)}`;
          const tip =
            s.key === 'other'
              ? `${formatDuration(s.ms)} of the request outside the stages`
              : `${text} of ${formatDuration(breakdown.requestMs)}, ${s.spans.length} ${s.spans.length === 1 ? 'span' : 'spans'}`;
          return (
            <Tooltip key={s.key} content={tip}>
              <button
                type="button"
                className={styles.segment}
                data-stage={s.key}
                style={{ flexGrow: Math.max(s.share, 0.0001), background: stageColor(theme, s.key) }}
                onClick={() => s.spans.length > 0 && onSelectSpan(s.spans[0])}
                aria-label={tip}
              >
                <span
                  className={styles.segmentText}
                  style={{
                    color:
                      s.key === 'other'
                        ? theme.colors.text.secondary
                        : theme.colors.getContrastText(stageColor(theme, s.key)),
                  }}
                >
                  {text}
                </span>
              </button>
            </Tooltip>
          );
        })}
      </div>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  strip: css({
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    padding: theme.spacing(0.5, 1),
    fontSize: theme.typography.bodySmall.fontSize,
  }),
  title: css({ color: theme.colors.text.secondary, flexShrink: 0 }),
  bar: css({
    display: 'flex',
    flex: 1,
    height: '100%',
    minWidth: 0,
    gap: 1,
    borderRadius: theme.shape.radius.default,
    overflow: 'hidden',
  }),
  segment: css({
    flexBasis: 0,
    minWidth: 2,
    border: 'none',
    padding: theme.spacing(0, 0.5),
    cursor: 'pointer',
    overflow: 'hidden',
    display: 'flex',
    alignItems: 'center',
    '&:focus-visible': { outline: `2px solid ${theme.colors.primary.main}`, outlineOffset: -2 },
  }),
  segmentText: css({ whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis', fontSize: 11 }),
});
