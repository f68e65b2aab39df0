import React, { useSyncExternalStore } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import {
  useStyles2,
  VizTooltipColorIndicator,
  VizTooltipContent,
  VizTooltipHeader,
  VizTooltipWrapper,
} from '@grafana/ui';

import type { CellDescription } from '../data/describe';
import type { HoverStore } from '../render/hoverStore';

interface Props {
  store: HoverStore;
  /** Describes a model cell. */
  describe: (row: number, col: number) => CellDescription;
  cellColor: (row: number, col: number) => string | undefined;
  rowName: (row: number) => string;
  /** Offset of the canvas within the panel, CSS px. */
  offsetTop: number;
  width: number;
  height: number;
  hasLinks: boolean;
}

const GAP = 10;

/** The hover / keyboard-focus tooltip; re-renders alone when the target changes. */
export function HeatmapTooltip({ store, describe, cellColor, rowName, offsetTop, width, height, hasLinks }: Props) {
  const styles = useStyles2(getStyles);
  const target = useSyncExternalStore(store.subscribe, store.get);
  if (!target) {
    return null;
  }
  const a = target.anchor;
  // Open away from the nearer edges so the tooltip never covers the cell it describes.
  const position: React.CSSProperties = {};
  if (a.left + a.width / 2 > width / 2) {
    position.right = width - a.left + GAP;
  } else {
    position.left = a.left + a.width + GAP;
  }
  if (offsetTop + a.top + a.height / 2 > height / 2) {
    position.bottom = height - (offsetTop + a.top + a.height);
  } else {
    position.top = offsetTop + a.top;
  }

  if (target.type === 'label') {
    return (
      <div className={styles.box} style={position} data-testid="mlwatch-heatmap-tooltip" role="tooltip">
        <VizTooltipWrapper>
          <VizTooltipHeader item={{ label: 'Feature', value: rowName(target.row) }} />
        </VizTooltipWrapper>
      </div>
    );
  }
  const d = describe(target.row, target.col);
  const color = cellColor(target.row, target.col);
  return (
    <div
      className={styles.box}
      style={position}
      data-testid="mlwatch-heatmap-tooltip"
      data-cell={`${target.row},${target.col}`}
      role="tooltip"
    >
      <VizTooltipWrapper>
        <VizTooltipHeader item={{ label: d.feature, value: d.time }} />
        <VizTooltipContent
          items={d.items.map((item, i) => ({
            label: item.label,
            value: item.value,
            color: i === 0 ? color : undefined,
            colorIndicator: VizTooltipColorIndicator.value,
          }))}
        />
        <div className={styles.status} data-tone={d.tone}>
          {d.status}
        </div>
        {d.notices && <div className={styles.notices}>{d.notices}</div>}
        {hasLinks && (
          <div className={styles.hint}>{target.via === 'keyboard' ? 'Press Enter for links' : 'Click for links'}</div>
        )}
      </VizTooltipWrapper>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  box: css({
    position: 'absolute',
    zIndex: theme.zIndex.tooltip,
    pointerEvents: 'none',
    minWidth: 220,
    maxWidth: 360,
    background: theme.colors.background.elevated,
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    boxShadow: theme.shadows.z3,
    overflow: 'hidden',
    overflowWrap: 'anywhere',
  }),
  status: css({
    padding: theme.spacing(0.5, 1),
    borderTop: `1px solid ${theme.colors.border.weak}`,
    fontWeight: theme.typography.fontWeightMedium,
    '&[data-tone="drift"]': { color: theme.colors.error.text },
    '&[data-tone="ok"]': { color: theme.colors.success.text },
    '&[data-tone="nodata"], &[data-tone="unknown"]': { color: theme.colors.text.secondary },
  }),
  notices: css({
    padding: theme.spacing(0.5, 1),
    color: theme.colors.warning.text,
  }),
  hint: css({
    padding: theme.spacing(0.5, 1),
    borderTop: `1px solid ${theme.colors.border.weak}`,
    color: theme.colors.text.secondary,
  }),
});
