import React from 'react';
import type { SelectableValue, StandardEditorProps } from '@grafana/data';
import { Input, RadioButtonGroup, Switch } from '@grafana/ui';

/*
 * Small option editors built from @grafana/ui. They are what Grafana's
 * standard radio/switch/text editors render, registered as custom editors
 * so the panel does not depend on Grafana's editor registry being loaded
 * (the browser harness does not load it).
 */

export function RadioEditor<T extends string>({
  value,
  onChange,
  item,
}: StandardEditorProps<T, { options: Array<SelectableValue<T>> }>) {
  return <RadioButtonGroup<T> options={item.settings?.options ?? []} value={value} onChange={(v) => onChange(v)} />;
}

export function SwitchEditor({ value, onChange, id }: StandardEditorProps<boolean>) {
  return <Switch id={id} value={Boolean(value)} onChange={(e) => onChange(e.currentTarget.checked)} />;
}

export function TextEditor({ value, onChange, id, item }: StandardEditorProps<string, { placeholder?: string }>) {
  // Commit on blur or Enter, as Grafana's text editor does, so typing does not re-render the panel per key.
  return (
    <Input
      id={id}
      defaultValue={value ?? ''}
      placeholder={item.settings?.placeholder}
      onBlur={(e) => onChange(e.currentTarget.value)}
      onKeyDown={(e) => {
        if (e.key === 'Enter') {
          onChange(e.currentTarget.value);
        }
      }}
    />
  );
}
