import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Icon, Text, useStyles2 } from '@grafana/ui';

import type { Support } from './frames';

interface Props {
  support: Exclude<Support, { kind: 'ok' }>;
}

/** Tells the user why a panel shows nothing and what data it needs. */
export function PanelMessage({ support }: Props) {
  const styles = useStyles2(getStyles);
  return (
    <div className={styles.root} role="status" data-testid="mlwatch-panel-message">
      <Icon name={support.kind === 'empty' ? 'info-circle' : 'exclamation-triangle'} size="xl" />
      <Text element="h4">{support.message}</Text>
      <Text color="secondary" element="p">
        {support.needs}
      </Text>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  root: css({
    height: '100%',
    display: 'flex',
    flexDirection: 'column',
    alignItems: 'center',
    justifyContent: 'center',
    gap: theme.spacing(1),
    padding: theme.spacing(2),
    textAlign: 'center',
    color: theme.colors.text.secondary,
  }),
});
