import React from 'react';
import {
  standardEditorsRegistry,
  type PanelOptionsEditorBuilder,
  type SelectableValue,
  type StandardEditorProps,
} from '@grafana/data';
import { Input, RadioButtonGroup, Slider, Switch } from '@grafana/ui';

import type { WaterfallOptions } from '../data/options';

type Key = keyof WaterfallOptions;
/** Option keys whose values are of type V. */
type KeysOf<V> = { [K in Key]: WaterfallOptions[K] extends V ? K : never }[Key];
type Builder = PanelOptionsEditorBuilder<WaterfallOptions>;

interface Common<K extends Key> {
  path: K;
  name: string;
  description?: string;
  category: string[];
  defaultValue: WaterfallOptions[K];
  showIf?: (o: WaterfallOptions) => boolean;
}

/*
 * Grafana's standard option editors (text, number, switch, radio, slider)
 * come from a registry Grafana fills when it starts. Hosts that render
 * panels without Grafana's start-up (the browser test harness) leave it
 * empty, and the standard builder methods throw there. These helpers use
 * the standard editors whenever they exist and otherwise plain @grafana/ui
 * controls with the same behaviour.
 */
const hasStandard = (id: string) => standardEditorsRegistry.getIfExists(id) !== undefined;

function TextEditor({ value, onChange, item }: StandardEditorProps<string>) {
  return (
    <Input
      value={value ?? ''}
      placeholder={item.settings?.placeholder}
      onChange={(e) => onChange(e.currentTarget.value)}
    />
  );
}

function NumberEditor({ value, onChange, item }: StandardEditorProps<number, { min?: number; integer?: boolean }>) {
  return (
    <Input
      type="number"
      min={item.settings?.min}
      step={item.settings?.integer ? 1 : 'any'}
      value={Number.isFinite(value) ? value : ''}
      onChange={(e) => {
        const v = Number(e.currentTarget.value);
        onChange(Number.isFinite(v) ? v : undefined);
      }}
    />
  );
}

function SwitchEditor({ value, onChange }: StandardEditorProps<boolean>) {
  return <Switch value={Boolean(value)} onChange={(e) => onChange(e.currentTarget.checked)} />;
}

function RadioEditor({
  value,
  onChange,
  item,
}: StandardEditorProps<string, { options: Array<SelectableValue<string>> }>) {
  return <RadioButtonGroup options={item.settings?.options ?? []} value={value} onChange={onChange} />;
}

function SliderEditor({
  value,
  onChange,
  item,
}: StandardEditorProps<number, { min: number; max: number; step?: number }>) {
  const s = item.settings ?? { min: 0, max: 1 };
  return <Slider min={s.min} max={s.max} step={s.step} value={value} onChange={onChange} />;
}

export function addText(
  builder: Builder,
  o: Common<KeysOf<string>> & { settings?: { placeholder?: string } }
): Builder {
  if (hasStandard('text')) {
    return builder.addTextInput(o);
  }
  return builder.addCustomEditor({ ...o, id: o.path, editor: TextEditor });
}

export function addNumber(
  builder: Builder,
  o: Common<KeysOf<number>> & { settings?: { min?: number; integer?: boolean } }
): Builder {
  if (hasStandard('number')) {
    return builder.addNumberInput(o);
  }
  return builder.addCustomEditor({ ...o, id: o.path, editor: NumberEditor });
}

export function addSwitch(builder: Builder, o: Common<KeysOf<boolean>>): Builder {
  if (hasStandard('boolean')) {
    return builder.addBooleanSwitch(o);
  }
  return builder.addCustomEditor({ ...o, id: o.path, editor: SwitchEditor });
}

export function addRadio(
  builder: Builder,
  o: Common<KeysOf<string>> & { settings: { options: Array<SelectableValue<string>> } }
): Builder {
  if (hasStandard('radio')) {
    return builder.addRadio(o);
  }
  return builder.addCustomEditor({ ...o, id: o.path, editor: RadioEditor });
}

export function addSlider(
  builder: Builder,
  o: Common<KeysOf<number>> & { settings: { min: number; max: number; step?: number } }
): Builder {
  if (hasStandard('slider')) {
    return builder.addSliderInput(o);
  }
  return builder.addCustomEditor({ ...o, id: o.path, editor: SliderEditor });
}
