import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';

import { formatCount, formatDuration } from '../data/format';
import { modelOf } from '../data/genai';
import type { WaterfallModel } from '../data/model';
import { selfTime } from '../data/tree';

interface Props {
  model: WaterfallModel;
  span: number;
  /** Position inside the panel, px. */
  x: number;
  y: number;
  panelWidth: number;
  panelHeight: number;
  color: string;
}

const CARD_WIDTH = 280;

/** A short summary of the span under the mouse; details open on click. */
export function HoverCard({ model, span, x, y, panelWidth, panelHeight, color }: Props) {
  const styles = useStyles2(getStyles);
  const tree = model.tree;
  const s = tree.spans[span];
  const g = model.genai[span];
  const left = x + 16 + CARD_WIDTH > panelWidth ? Math.max(4, x - CARD_WIDTH - 12) : x + 16;
  const top = Math.min(y + 12, Math.max(4, panelHeight - 150));
  const rows: Array<[string, string]> = [
    ['Duration', formatDuration(s.duration)],
    ['Starts at', `+${formatDuration(s.start - tree.start)}`],
    ['Self time', formatDuration(selfTime(tree, span))],
  ];
  if (tree.isError[span]) {
    rows.push(['Status', s.statusMessage ? `Error: ${s.statusMessage}` : 'Error']);
  }
  if (g) {
    const model_ = modelOf(g);
    if (model_) {
      rows.push(['Model', model_]);
    }
    if (g.inputTokens !== undefined || g.outputTokens !== undefined) {
      rows.push(['Tokens', `${formatCount(g.inputTokens ?? 0)} in, ${formatCount(g.outputTokens ?? 0)} out`]);
    }
    if (g.timeToFirstTokenMs !== undefined) {
      rows.push(['First token', formatDuration(g.timeToFirstTokenMs)]);
    }
  }
  if (model.critical.onPath[span]) {
    rows.push(['Critical path', 'yes']);
  }
  return (
    <div
      className={styles.card}
      style={{ left, top, width: CARD_WIDTH }}
      data-testid="span-hover-card"
      data-span={span}
      role="tooltip"
    >
      <div className={styles.title}>
        <span className={styles.swatch} style={{ background: color }} />
        <span className={styles.name}>{s.name}</span>
      </div>
      <div className={styles.service}>{s.service}</div>
      <table className={styles.table}>
        <tbody>
          {rows.map(([k, v]) => (
            <tr key={k}>
              <th>{k}</th>
              <td>{v}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  card: css({
    position: 'absolute',
    zIndex: theme.zIndex.tooltip,
    pointerEvents: 'none',
    padding: theme.spacing(1),
    background: theme.colors.background.elevated,
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    boxShadow: theme.shadows.z2,
    fontSize: theme.typography.bodySmall.fontSize,
  }),
  title: css({
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
    fontWeight: theme.typography.fontWeightMedium,
  }),
  swatch: css({ width: 8, height: 8, borderRadius: 2, flexShrink: 0 }),
  name: css({ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }),
  service: css({ color: theme.colors.text.secondary, marginBottom: theme.spacing(0.5) }),
  table: css({
    width: '100%',
    th: {
      textAlign: 'left',
      fontWeight: 'normal',
      color: theme.colors.text.secondary,
      paddingRight: theme.spacing(1),
      whiteSpace: 'nowrap',
    },
    td: { textAlign: 'right', overflowWrap: 'anywhere' },
  }),
});
