import React, { useEffect, useRef, useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { IconButton, useStyles2 } from '@grafana/ui';

import { copyText, type CopyResult } from './clipboard';

interface Props {
  label: string;
  value: string;
  testId?: string;
}

/**
 * An id with a copy button. When the browser refuses both ways of copying,
 * the id is shown selected in a field so the user can copy it by hand.
 */
export function CopyId({ label, value, testId }: Props) {
  const styles = useStyles2(getStyles);
  const [result, setResult] = useState<CopyResult | undefined>();
  const manualRef = useRef<HTMLInputElement>(null);
  const mounted = useRef(true);

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  useEffect(() => {
    if (result === 'failed') {
      manualRef.current?.select();
    }
    if (result === 'clipboard' || result === 'fallback') {
      const timer = setTimeout(() => mounted.current && setResult(undefined), 2000);
      return () => clearTimeout(timer);
    }
    return undefined;
  }, [result]);

  const onCopy = async () => {
    const r = await copyText(value);
    if (mounted.current) {
      setResult(r);
    }
  };

  return (
    <span className={styles.wrap} data-testid={testId}>
      {result === 'failed' ? (
        <input
          ref={manualRef}
          className={styles.manual}
          readOnly
          value={value}
          aria-label={`${label}: press Ctrl+C to copy`}
          onBlur={() => setResult(undefined)}
        />
      ) : (
        <code className={styles.code} title={value}>
          {value}
        </code>
      )}
      <IconButton
        name="copy"
        size="sm"
        tooltip={`Copy ${label.toLowerCase()}`}
        aria-label={`Copy ${label.toLowerCase()}`}
        onClick={onCopy}
      />
      {(result === 'clipboard' || result === 'fallback') && (
        <span className={styles.done} role="status">
          Copied
        </span>
      )}
      {result === 'failed' && (
        <span className={styles.done} role="status">
          Press Ctrl+C to copy
        </span>
      )}
    </span>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  wrap: css({ display: 'inline-flex', alignItems: 'center', gap: theme.spacing(0.5), minWidth: 0, maxWidth: '100%' }),
  code: css({
    fontFamily: theme.typography.fontFamilyMonospace,
    fontSize: theme.typography.bodySmall.fontSize,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
    minWidth: 0,
    padding: 0,
    background: 'transparent',
    border: 'none',
  }),
  manual: css({
    fontFamily: theme.typography.fontFamilyMonospace,
    fontSize: theme.typography.bodySmall.fontSize,
    minWidth: 120,
    background: theme.colors.background.canvas,
    color: theme.colors.text.primary,
    border: `1px solid ${theme.colors.border.medium}`,
  }),
  done: css({ fontSize: theme.typography.bodySmall.fontSize, color: theme.colors.success.text, whiteSpace: 'nowrap' }),
});
