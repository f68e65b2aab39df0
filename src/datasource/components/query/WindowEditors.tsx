import React, { useMemo } from 'react';
import { dateTime, type DateTime } from '@grafana/data';
import { Combobox, DateTimePicker, RadioButtonGroup, Switch, TagsInput, type ComboboxOption } from '@grafana/ui';

import { resolveDefaults } from '../../data/defaults';
import { describeReference, type RangeInfo } from '../../data/reference';
import { defaultThreshold, methodInfo, METHODS, verdictRule } from '../../data/methods';
import { patchNested, patchQuery } from '../../data/queryOps';
import { ROUTES } from '../../data/resources';
import { issuesFor } from '../../data/validate';
import type { BinningPolicy, OutputFormat, ReferenceMode } from '../../types';
import { DurationPicker } from './DurationPicker';
import { EditorField, EditorNote, EditorRow } from './EditorLayout';
import { NumberInput } from './inputs';
import { ResourcePicker } from './ResourcePicker';
import type { PartProps } from './types';

const OFFSETS = ['1h', '6h', '1d', '7d', '14d', '28d'];
const STEPS = ['1m', '5m', '15m', '1h', '6h', '1d'];
const WINDOWS = ['5m', '15m', '1h', '6h', '1d', '7d'];

export function rangeInfo(range: PartProps['range']): RangeInfo | undefined {
  if (!range) {
    return undefined;
  }
  const rawTo = range.raw?.to;
  return {
    from: range.from.valueOf(),
    to: range.to.valueOf(),
    endsNow: typeof rawTo === 'string' && rawTo.trim() === 'now',
  };
}

/** The reference window: an offset, a fixed range or a baseline table, with a sentence saying what is compared. */
export function ReferenceEditor({ query, onCommit, datasource, range, issues, defaults, idPrefix }: PartProps) {
  const r = query.reference ?? {};
  const clickhouse = query.source === 'clickhouse';
  const mode: ReferenceMode = r.mode ?? (r.table ? 'baseline' : r.from ? 'absolute' : 'offset');
  const set = (patch: Parameters<typeof patchNested<'reference'>>[2]) => patchNested(query, 'reference', patch);
  const preview = describeReference(query, rangeInfo(range), defaults);
  const modeOptions: Array<{ label: string; value: ReferenceMode; description: string }> = [
    { label: 'Earlier window', value: 'offset', description: 'The same range, shifted back' },
    { label: 'Fixed range', value: 'absolute', description: 'For example the week after a deploy' },
    { label: 'Baseline table', value: 'baseline', description: 'A ClickHouse table, such as the training set' },
  ];
  const iso = (d?: DateTime) => (d && d.isValid() ? d.toISOString() : undefined);
  return (
    <EditorRow label="Reference">
      <EditorField label="Compare with" error={issuesFor(issues, 'reference.mode') ?? issuesFor(issues, 'reference')}>
        <RadioButtonGroup<ReferenceMode>
          id={`${idPrefix}-reference-mode`}
          options={modeOptions}
          disabledOptions={clickhouse ? [] : ['baseline']}
          value={mode}
          onChange={(m) =>
            onCommit(
              set(
                m === 'offset'
                  ? { mode: undefined, from: undefined, to: undefined, database: undefined, table: undefined }
                  : m === 'absolute'
                    ? { mode: m, offset: undefined, database: undefined, table: undefined }
                    : { mode: m, offset: undefined, from: undefined, to: undefined }
              )
            )
          }
        />
      </EditorField>
      {mode === 'offset' && (
        <EditorField
          label="Offset"
          description="How far back the reference is"
          error={issuesFor(issues, 'reference.offset')}
        >
          <DurationPicker
            id={`${idPrefix}-reference-offset`}
            value={r.offset}
            choices={OFFSETS}
            placeholder="7d"
            invalid={Boolean(issuesFor(issues, 'reference.offset'))}
            onChange={(offset) => onCommit(set({ offset }))}
          />
        </EditorField>
      )}
      {mode === 'absolute' && (
        <>
          <EditorField label="From (UTC)">
            <DateTimePicker
              date={r.from ? dateTime(r.from) : undefined}
              timeZone="utc"
              clearable
              onChange={(d) => onCommit(set({ mode: 'absolute', from: iso(d) }))}
            />
          </EditorField>
          <EditorField label="To (UTC)">
            <DateTimePicker
              date={r.to ? dateTime(r.to) : undefined}
              timeZone="utc"
              clearable
              onChange={(d) => onCommit(set({ mode: 'absolute', to: iso(d) }))}
            />
          </EditorField>
        </>
      )}
      {mode === 'baseline' && (
        <>
          <EditorField label="Baseline database">
            <ResourcePicker
              id={`${idPrefix}-reference-database`}
              datasource={datasource}
              route={ROUTES.databases}
              value={r.database}
              placeholder={query.clickhouse?.database || 'default'}
              width={20}
              onChange={(database) => onCommit(set({ mode: 'baseline', database }))}
              onCommit={() => onCommit()}
            />
          </EditorField>
          <EditorField label="Baseline table" error={issuesFor(issues, 'reference.table')}>
            <ResourcePicker
              id={`${idPrefix}-reference-table`}
              datasource={datasource}
              route={ROUTES.tables}
              params={{ database: r.database || query.clickhouse?.database }}
              value={r.table}
              placeholder="training_set"
              width={24}
              invalid={Boolean(issuesFor(issues, 'reference.table'))}
              onChange={(table) => onCommit(set({ mode: 'baseline', table }))}
              onCommit={() => onCommit()}
            />
          </EditorField>
        </>
      )}
      <div style={{ flexBasis: '100%' }}>
        <EditorNote testId="mlwatch-reference-preview">{preview.sentence}</EditorNote>
        {preview.warning && <EditorNote tone="warning">{preview.warning}</EditorNote>}
      </div>
    </EditorRow>
  );
}

/** Method options: auto first, then distances and p-value tests; Prometheus histograms only take binned methods. */
export function methodOptions(binnedOnly: boolean): Array<ComboboxOption<string>> {
  const auto: ComboboxOption<string> = { value: 'auto', label: 'Auto', description: "Evidently's choice per feature" };
  const rest = METHODS.filter((m) => !binnedOnly || m.binned).map((m) => ({
    value: m.name,
    label: m.name,
    description: m.description,
    group: m.kind === 'distance' ? 'Distances (drifted when score ≥ threshold)' : 'Tests (drifted when p < threshold)',
  }));
  return [auto, ...rest];
}

const BINNING_OPTIONS: Array<{ label: string; value: BinningPolicy; description: string }> = [
  { label: 'Evidently', value: 'evidently', description: 'Sturges bins, or one per value (default)' },
  { label: 'Quantiles', value: 'quantiles', description: "Edges at the reference's quantiles" },
  { label: 'Fixed edges', value: 'fixed', description: 'Your own edges' },
];

/** Method, threshold, minimum count and (for raw samples) binning. */
export function MethodEditor({
  query,
  onChange,
  onCommit,
  issues,
  defaults,
  idPrefix,
  showBinning,
}: PartProps & { showBinning: boolean }) {
  const binnedOnly =
    query.source !== 'clickhouse' && query.prometheus?.input !== 'samples' && query.editorMode !== 'code';
  const options = useMemo(() => methodOptions(binnedOnly), [binnedOnly]);
  const method = query.method || 'auto';
  const info = methodInfo(method);
  const b = query.binning ?? {};
  const setBinning = (patch: Parameters<typeof patchNested<'binning'>>[2]) => patchNested(query, 'binning', patch);
  return (
    <EditorRow label="Method">
      <EditorField label="Method" error={issuesFor(issues, 'method')} description={info ? info.description : undefined}>
        <Combobox<string>
          id={`${idPrefix}-method`}
          options={options}
          value={method}
          width={30}
          createCustomValue
          onChange={(o) =>
            onCommit(patchQuery(query, { method: o.value === 'auto' ? undefined : o.value, threshold: undefined }))
          }
        />
      </EditorField>
      <EditorField
        label="Threshold"
        description={verdictRule(method, query.threshold)}
        error={issuesFor(issues, 'threshold')}
        width={30}
      >
        <NumberInput
          id={`${idPrefix}-threshold`}
          value={query.threshold}
          min={0}
          step={info?.kind === 'p-value' ? 0.01 : 0.05}
          placeholder={String(defaultThreshold(method) ?? 'method default')}
          width={16}
          invalid={Boolean(issuesFor(issues, 'threshold'))}
          onChange={(threshold) => onChange(patchQuery(query, { threshold }))}
          onCommit={() => onCommit()}
        />
      </EditorField>
      <EditorField
        label="Minimum count"
        description="Fewer values in a window: insufficient data"
        error={issuesFor(issues, 'minCount')}
      >
        <NumberInput
          id={`${idPrefix}-min-count`}
          value={query.minCount}
          min={0}
          step={1}
          placeholder={String(resolveDefaults(defaults).minCount)}
          width={14}
          invalid={Boolean(issuesFor(issues, 'minCount'))}
          onChange={(minCount) => onChange(patchQuery(query, { minCount }))}
          onCommit={() => onCommit()}
        />
      </EditorField>
      {showBinning && !binnedOnly && (
        <>
          <EditorField label="Binning" description="For psi, kl_div, jensenshannon, tvd on raw values">
            <RadioButtonGroup<BinningPolicy>
              id={`${idPrefix}-binning`}
              options={BINNING_OPTIONS}
              value={b.policy ?? 'evidently'}
              onChange={(policy) =>
                onCommit(
                  setBinning({ policy: policy === 'evidently' ? undefined : policy, bins: undefined, edges: undefined })
                )
              }
            />
          </EditorField>
          {b.policy === 'quantiles' && (
            <EditorField label="Bins" error={issuesFor(issues, 'binning.bins')}>
              <NumberInput
                id={`${idPrefix}-binning-bins`}
                value={b.bins}
                min={2}
                step={1}
                placeholder="10"
                width={10}
                onChange={(bins) => onChange(setBinning({ bins }))}
                onCommit={() => onCommit()}
              />
            </EditorField>
          )}
          {b.policy === 'fixed' && (
            <EditorField label="Edges" description="Ascending numbers">
              <TagsInput
                id={`${idPrefix}-binning-edges`}
                tags={(b.edges ?? []).map(String)}
                addOnBlur
                placeholder="Add an edge and press Enter"
                onChange={(tags) => {
                  const edges = tags
                    .map(Number)
                    .filter(Number.isFinite)
                    .sort((x, y) => x - y);
                  onCommit(setBinning({ edges: [...new Set(edges)] }));
                }}
              />
            </EditorField>
          )}
        </>
      )}
    </EditorRow>
  );
}

const FORMAT_OPTIONS: Array<{ label: string; value: OutputFormat; description: string }> = [
  { label: 'Auto', value: '', description: 'A table (and series over time); numbers for alert rules' },
  { label: 'Table', value: 'table', description: 'One row per feature' },
  { label: 'Time series', value: 'timeseries', description: 'One series per feature' },
  { label: 'Numeric', value: 'numeric', description: 'One labelled number per feature, for alert rules' },
];

/** Over time (drift only) and the frame format. */
export function OutputEditor({ query, onCommit, issues, idPrefix, overTime }: PartProps & { overTime: boolean }) {
  return (
    <EditorRow label="Output">
      {overTime && (
        <>
          <EditorField label="Over time" description="A score per step across the range">
            <Switch
              id={`${idPrefix}-over-time`}
              value={Boolean(query.overTime)}
              onChange={(e) =>
                onCommit(
                  patchQuery(query, {
                    overTime: e.currentTarget.checked || undefined,
                    ...(e.currentTarget.checked ? {} : { step: undefined, window: undefined }),
                  })
                )
              }
            />
          </EditorField>
          {query.overTime && (
            <>
              <EditorField label="Step" description="Empty: the panel interval" error={issuesFor(issues, 'step')}>
                <DurationPicker
                  id={`${idPrefix}-step`}
                  value={query.step}
                  choices={STEPS}
                  placeholder="auto"
                  invalid={Boolean(issuesFor(issues, 'step'))}
                  onChange={(step) => onCommit(patchQuery(query, { step }))}
                />
              </EditorField>
              <EditorField label="Window" description="Empty: the step" error={issuesFor(issues, 'window')}>
                <DurationPicker
                  id={`${idPrefix}-window`}
                  value={query.window}
                  choices={WINDOWS}
                  placeholder="step"
                  invalid={Boolean(issuesFor(issues, 'window'))}
                  onChange={(window) => onCommit(patchQuery(query, { window }))}
                />
              </EditorField>
            </>
          )}
        </>
      )}
      <EditorField label="Format" error={issuesFor(issues, 'format')}>
        <RadioButtonGroup<OutputFormat>
          id={`${idPrefix}-format`}
          options={FORMAT_OPTIONS}
          value={query.format ?? ''}
          onChange={(format) => onCommit(patchQuery(query, { format: format || undefined }))}
        />
      </EditorField>
    </EditorRow>
  );
}
