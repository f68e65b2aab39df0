import React, { type ReactElement, type ReactNode } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Field, Stack, Text, useStyles2 } from '@grafana/ui';

/*
 * The layout of Grafana's query builders (EditorRow / EditorField of
 * @grafana/plugin-ui, which cannot be added here; see ConfigSection.tsx):
 * rows on a secondary background, fields with a small label above.
 */

export function EditorRow({ children, label }: { children: ReactNode; label?: string }) {
  const styles = useStyles2(getStyles);
  return (
    <div className={styles.row} role="group" aria-label={label}>
      <Stack gap={2} wrap="wrap" alignItems="flex-start">
        {children}
      </Stack>
    </div>
  );
}

interface FieldProps {
  label: string;
  description?: string;
  /** Validation message; the field is marked invalid when set. */
  error?: string;
  /** Width in grid units of the whole field (input included). */
  width?: number;
  htmlFor?: string;
  children: ReactElement;
}

export function EditorField({ label, description, error, width, htmlFor, children }: FieldProps) {
  return (
    <Field
      label={label}
      description={description}
      invalid={Boolean(error)}
      error={error}
      htmlFor={htmlFor}
      noMargin
      className={css({ minWidth: width ? `${width * 8}px` : undefined, maxWidth: '100%' })}
    >
      {children}
    </Field>
  );
}

/** A short secondary line under a row, e.g. the reference preview. */
export function EditorNote({
  children,
  tone = 'secondary',
  testId,
}: {
  children: NonNullable<ReactNode>;
  tone?: 'secondary' | 'warning' | 'error';
  testId?: string;
}) {
  return (
    <div data-testid={testId} aria-live="polite">
      <Text variant="bodySmall" color={tone}>
        {children}
      </Text>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  row: css({
    padding: theme.spacing(1),
    backgroundColor: theme.colors.background.secondary,
    borderRadius: theme.shape.radius.default,
  }),
});
