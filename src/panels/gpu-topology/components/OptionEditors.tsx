/**
 * Option editors of the panel, built from @grafana/ui controls and added
 * with addCustomEditor. The builder's addSelect/addRadio/... helpers look
 * their editors up in Grafana's standard editor registry, which only a
 * running Grafana fills (the browser harness has none); these editors work
 * in both and let "Group nodes by" offer the labels present in the data.
 */
import React, { useMemo, useState } from 'react';
import type { SelectableValue, StandardEditorProps } from '@grafana/data';
import { Combobox, Input, RadioButtonGroup, Slider, Switch, type ComboboxOption } from '@grafana/ui';

import { buildTopologyModel } from '../data/model';

export interface ChoiceSettings {
  options: Array<SelectableValue<string>>;
}

export function RadioEditor({ value, onChange, item, id }: StandardEditorProps<string, ChoiceSettings>) {
  return (
    <RadioButtonGroup id={id} options={item.settings?.options ?? []} value={value} onChange={(v) => onChange(v)} />
  );
}

export function SelectEditor({ value, onChange, item, id }: StandardEditorProps<string, ChoiceSettings>) {
  const options: Array<ComboboxOption<string>> = (item.settings?.options ?? []).map((o) => ({
    value: String(o.value),
    label: o.label,
    description: o.description,
  }));
  return <Combobox id={id} options={options} value={value} onChange={(o) => onChange(o.value)} />;
}

/** Text committed on blur or Enter, as Grafana's own text option. */
export function TextEditor({ value, onChange, id, item }: StandardEditorProps<string, { placeholder?: string }>) {
  const [draft, setDraft] = useState(value ?? '');
  const [from, setFrom] = useState(value);
  if (from !== value) {
    setFrom(value);
    setDraft(value ?? '');
  }
  const commit = () => {
    if (draft !== (value ?? '')) {
      onChange(draft);
    }
  };
  return (
    <Input
      id={id}
      value={draft}
      placeholder={item.settings?.placeholder}
      onChange={(e) => setDraft(e.currentTarget.value)}
      onBlur={commit}
      onKeyDown={(e) => e.key === 'Enter' && commit()}
    />
  );
}

export function SwitchEditor({ value, onChange, id }: StandardEditorProps<boolean>) {
  return <Switch id={id} value={Boolean(value)} onChange={(e) => onChange(e.currentTarget.checked)} />;
}

export function NumberEditor({ value, onChange, id, item }: StandardEditorProps<number, { min: number; max: number }>) {
  const [draft, setDraft] = useState(String(value ?? ''));
  const [from, setFrom] = useState(value);
  if (from !== value) {
    setFrom(value);
    setDraft(String(value ?? ''));
  }
  const commit = () => {
    const n = Number(draft);
    const { min = -Infinity, max = Infinity } = item.settings ?? {};
    if (draft.trim() !== '' && Number.isFinite(n) && n >= min && n <= max && n !== value) {
      onChange(n);
    } else {
      setDraft(String(value ?? ''));
    }
  };
  return (
    <Input
      id={id}
      type="number"
      value={draft}
      onChange={(e) => setDraft(e.currentTarget.value)}
      onBlur={commit}
      onKeyDown={(e) => e.key === 'Enter' && commit()}
    />
  );
}

export function SliderEditor({
  value,
  onChange,
  item,
}: StandardEditorProps<number, { min: number; max: number; step: number }>) {
  const s = item.settings ?? { min: 0, max: 1, step: 0.05 };
  return <Slider min={s.min} max={s.max} step={s.step} value={value} onChange={(v) => onChange(v)} />;
}

const GROUP_BASE: Array<ComboboxOption<string>> = [
  { value: 'auto', label: 'Auto', description: 'Namespace or job when there are several' },
  { value: 'none', label: 'None' },
];

/** Labels that name one GPU or one process: no use as sections. */
const NOT_GROUPS = new Set([
  'gpu',
  'uuid',
  'UUID',
  'pod',
  'container',
  'device',
  'pci_bus_id',
  'host',
  'Hostname',
  'hostname',
  'instance',
]);

/** "Group nodes by": auto, none, the labels in the data, or any label typed in. */
export function GroupByEditor({ value, onChange, context, id }: StandardEditorProps<string>) {
  const data = context.data;
  const options = useMemo(() => {
    const model = buildTopologyModel(data ?? []);
    const names = new Set(['namespace', 'hpc_job', ...model.labelNames]);
    for (const n of NOT_GROUPS) {
      names.delete(n);
    }
    const fromData = [...names].sort().map((n) => ({ value: n, label: n }));
    const all = [...GROUP_BASE, ...fromData];
    if (value && !all.some((o) => o.value === value)) {
      all.push({ value, label: value });
    }
    return all;
  }, [data, value]);
  return (
    <Combobox id={id} options={options} value={value ?? 'auto'} createCustomValue onChange={(o) => onChange(o.value)} />
  );
}
