import React, { type KeyboardEvent } from 'react';
import { Input } from '@grafana/ui';

/*
 * Text and number inputs of the query builders: every keystroke reaches the
 * query JSON (onChange), and the query runs when the field loses focus or
 * on Enter (onCommit), as in Grafana's own editors.
 */

interface Common {
  id: string;
  onCommit: () => void;
  placeholder?: string;
  width?: number;
  invalid?: boolean;
  disabled?: boolean;
  'aria-label'?: string;
  'data-testid'?: string;
}

const commitOnEnter = (onCommit: () => void) => (e: KeyboardEvent<HTMLInputElement>) => {
  if (e.key === 'Enter') {
    onCommit();
  }
};

export function TextInput({
  value,
  onChange,
  onCommit,
  ...rest
}: Common & { value?: string; onChange: (v: string | undefined) => void }) {
  return (
    <Input
      {...rest}
      value={value ?? ''}
      onChange={(e) => onChange(e.currentTarget.value === '' ? undefined : e.currentTarget.value)}
      onBlur={onCommit}
      onKeyDown={commitOnEnter(onCommit)}
    />
  );
}

export function NumberInput({
  value,
  onChange,
  onCommit,
  min,
  max,
  step,
  ...rest
}: Common & { value?: number; onChange: (v: number | undefined) => void; min?: number; max?: number; step?: number }) {
  return (
    <Input
      {...rest}
      type="number"
      min={min}
      max={max}
      step={step}
      value={value ?? ''}
      onChange={(e) => {
        const text = e.currentTarget.value;
        onChange(text === '' || !Number.isFinite(Number(text)) ? undefined : Number(text));
      }}
      onBlur={onCommit}
      onKeyDown={commitOnEnter(onCommit)}
    />
  );
}
