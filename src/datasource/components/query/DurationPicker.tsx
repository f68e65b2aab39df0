import React from 'react';
import { Combobox, type ComboboxOption } from '@grafana/ui';

import { humanDuration, parseDuration } from '../../data/duration';
import { variableOptions } from './ResourcePicker';

interface Props {
  id: string;
  value?: string;
  /** Common choices; any other duration can be typed. */
  choices: string[];
  placeholder?: string;
  invalid?: boolean;
  width?: number;
  onChange: (v: string | undefined) => void;
}

/** A duration ("7d", "5m") picked from common values or typed; variables allowed. */
export function DurationPicker({ id, value, choices, placeholder, invalid, width = 16, onChange }: Props) {
  const options: Array<ComboboxOption<string>> = choices.map((c) => {
    const ms = parseDuration(c);
    return { value: c, label: c, description: ms ? humanDuration(ms) : undefined };
  });
  const all = (search: string) =>
    Promise.resolve([
      ...options.filter((o) => !search || o.value.startsWith(search.toLowerCase())),
      ...variableOptions(search),
    ]);
  return (
    <Combobox<string>
      id={id}
      options={all}
      value={value ? { value, label: value } : null}
      createCustomValue
      customValueDescription="Use this duration"
      isClearable
      placeholder={placeholder}
      invalid={invalid}
      width={width}
      onChange={(opt) => onChange(opt?.value || undefined)}
    />
  );
}
