import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import {
  IconButton,
  Portal,
  useStyles2,
  VizTooltipContainer,
  VizTooltipContent,
  VizTooltipHeader,
  type VizTooltipItem,
  VizTooltipWrapper,
} from '@grafana/ui';

import type { Hover } from './useChartInteraction';

interface Props {
  hover: Hover;
  pinned: boolean;
  header: VizTooltipItem;
  items: VizTooltipItem[];
  onClose: () => void;
}

/** The chart tooltip, built from Grafana's VizTooltip pieces so it looks like every other panel's. */
export function ChartTooltip({ hover, pinned, header, items, onClose }: Props) {
  const styles = useStyles2(getStyles);
  return (
    <Portal>
      <VizTooltipContainer
        position={{ x: hover.clientX, y: hover.clientY }}
        offset={{ x: 12, y: 12 }}
        allowPointerEvents={pinned}
        data-testid="confidence-tooltip"
        data-pinned={pinned ? 'true' : 'false'}
      >
        <VizTooltipWrapper>
          <div className={styles.header}>
            <VizTooltipHeader item={header} isPinned={pinned} />
            {pinned && (
              <IconButton
                name="times"
                size="sm"
                aria-label="Close tooltip"
                onClick={onClose}
                className={styles.close}
              />
            )}
          </div>
          <VizTooltipContent items={items} isPinned={pinned} />
          {pinned && <div className={styles.footer}>Pinned: click elsewhere or press Escape to close</div>}
        </VizTooltipWrapper>
      </VizTooltipContainer>
    </Portal>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  header: css({ position: 'relative', paddingRight: theme.spacing(2) }),
  close: css({ position: 'absolute', top: theme.spacing(0.5), right: theme.spacing(0.5) }),
  footer: css({
    borderTop: `1px solid ${theme.colors.border.weak}`,
    padding: theme.spacing(0.5, 1),
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
  }),
});
