import React, { useState } from 'react';
import { Button, Combobox, IconButton, RadioButtonGroup, Stack } from '@grafana/ui';

import { resolveDefaults, TRACE_SCHEMA_TABLES, traceSource } from '../../data/defaults';
import { patchNested, patchQuery } from '../../data/queryOps';
import { ROUTES, type ListItem } from '../../data/resources';
import { issuesFor } from '../../data/validate';
import type { DistributionMode, TraceAttribute, TraceSchema, TracesInput } from '../../types';
import { DataInputEditor } from './DataInputEditor';
import { EditorField, EditorRow } from './EditorLayout';
import { NumberInput, TextInput } from './inputs';
import { MultiResourcePicker, ResourcePicker } from './ResourcePicker';
import type { PartProps } from './types';
import { MethodEditor, OutputEditor, ReferenceEditor } from './WindowEditors';

export function DriftEditor(props: PartProps) {
  return (
    <>
      <DataInputEditor {...props} purpose="features" />
      <ReferenceEditor {...props} />
      <MethodEditor {...props} showBinning />
      <OutputEditor {...props} overTime />
    </>
  );
}

const DISTRIBUTION_MODES: Array<{ label: string; value: DistributionMode; description: string }> = [
  { label: 'Histogram', value: 'histogram', description: 'Bins of one variable, such as confidence' },
  { label: 'Classes', value: 'classes', description: 'Share of each predicted class' },
];

export function DistributionEditor(props: PartProps) {
  const { query, onChange, onCommit, issues, idPrefix } = props;
  const mode = query.mode ?? 'histogram';
  const rawValues = query.source === 'clickhouse' || query.prometheus?.input === 'samples';
  return (
    <>
      <EditorRow label="Distribution">
        <EditorField label="Mode">
          <RadioButtonGroup<DistributionMode>
            id={`${idPrefix}-distribution-mode`}
            options={DISTRIBUTION_MODES}
            value={mode}
            onChange={(m) =>
              onCommit(
                patchQuery(query, {
                  mode: m === 'histogram' ? undefined : m,
                  editorMode: m === 'classes' ? undefined : query.editorMode,
                })
              )
            }
          />
        </EditorField>
        {mode === 'histogram' && rawValues && (
          <EditorField
            label="Bins"
            description="For raw values; histograms keep their buckets"
            error={issuesFor(issues, 'bins')}
          >
            <NumberInput
              id={`${idPrefix}-bins`}
              value={query.bins}
              min={1}
              step={1}
              placeholder="auto"
              width={12}
              onChange={(bins) => onChange(patchQuery(query, { bins }))}
              onCommit={() => onCommit()}
            />
          </EditorField>
        )}
      </EditorRow>
      <DataInputEditor {...props} purpose={mode === 'classes' ? 'classes' : 'variable'} />
      <ReferenceEditor {...props} />
      <MethodEditor {...props} showBinning={false} />
    </>
  );
}

const dcgmOnly = (items: ListItem[], search: string) =>
  items
    .filter((i) => /^DCGM_/.test(i.value) && (!search || i.value.toLowerCase().includes(search.toLowerCase())))
    .map((i) => ({ value: i.value, label: i.value }));

export function GpuEditor({ query, onChange, onCommit, datasource, range, issues, defaults, idPrefix }: PartProps) {
  const g = query.gpu ?? {};
  const set = (patch: Parameters<typeof patchNested<'gpu'>>[2]) => patchNested(query, 'gpu', patch);
  const err = (f: string) => issuesFor(issues, `gpu.${f}`);
  const resolved = resolveDefaults(defaults);
  const filter = (key: 'namespace' | 'pod' | 'host', label: string, promLabel: string) => (
    <EditorField label={label} description="A value or a regular expression" error={err(key)}>
      <ResourcePicker
        id={`${idPrefix}-gpu-${key}`}
        datasource={datasource}
        route={ROUTES.gpuLabelValues}
        params={{ label: promLabel }}
        range={range}
        value={g[key]}
        placeholder="All"
        width={24}
        invalid={Boolean(err(key))}
        onChange={(v) => onCommit(set({ [key]: v }))}
        onCommit={() => onCommit()}
      />
    </EditorField>
  );
  return (
    <>
      <EditorRow label="Straggler analysis">
        <EditorField label="Group by" description="GPUs are compared within each group" error={err('groupLabel')}>
          <ResourcePicker
            id={`${idPrefix}-gpu-group-label`}
            datasource={datasource}
            route={ROUTES.labels}
            params={{ metric: 'DCGM_FI_DEV_GPU_UTIL' }}
            range={range}
            value={g.groupLabel}
            placeholder={resolved.gpuGroupLabel}
            width={24}
            invalid={Boolean(err('groupLabel'))}
            onChange={(groupLabel) => onCommit(set({ groupLabel }))}
            onCommit={() => onCommit()}
          />
        </EditorField>
        <EditorField
          label="Straggler threshold"
          description="Below this share of the group median"
          error={err('stragglerThreshold')}
        >
          <NumberInput
            id={`${idPrefix}-gpu-threshold`}
            value={g.stragglerThreshold}
            min={0}
            max={1}
            step={0.05}
            placeholder={String(resolved.stragglerThreshold)}
            width={14}
            invalid={Boolean(err('stragglerThreshold'))}
            onChange={(stragglerThreshold) => onChange(set({ stragglerThreshold }))}
            onCommit={() => onCommit()}
          />
        </EditorField>
        <EditorField
          label="Idle below (%)"
          description="Groups with a lower median are idle, not straggling"
          error={err('minGroupMedian')}
        >
          <NumberInput
            id={`${idPrefix}-gpu-min-median`}
            value={g.minGroupMedian}
            min={0}
            max={100}
            step={5}
            placeholder={String(resolved.minGroupMedian)}
            width={14}
            invalid={Boolean(err('minGroupMedian'))}
            onChange={(minGroupMedian) => onChange(set({ minGroupMedian }))}
            onCommit={() => onCommit()}
          />
        </EditorField>
      </EditorRow>
      <EditorRow label="Filters">
        {filter('namespace', 'Namespace', 'namespace')}
        {filter('pod', 'Pod', 'pod')}
        {filter('host', 'Host', 'Hostname')}
      </EditorRow>
      <EditorRow label="Columns">
        <EditorField
          label="Extra metrics"
          description="DCGM metrics to add as columns (mean over the range)"
          error={err('metrics')}
        >
          <MultiResourcePicker
            id={`${idPrefix}-gpu-metrics`}
            datasource={datasource}
            route={ROUTES.metrics}
            params={{ search: 'DCGM_' }}
            select={dcgmOnly}
            range={range}
            values={g.metrics}
            placeholder="DCGM_FI_PROF_SM_ACTIVE"
            onChange={(metrics) => onCommit(set({ metrics }))}
          />
        </EditorField>
        <EditorField label="Format">
          <RadioButtonGroup
            id={`${idPrefix}-format`}
            options={[
              { label: 'Table', value: '', description: 'One row per GPU' },
              { label: 'Numeric', value: 'numeric', description: 'A straggler score per GPU, for alert rules' },
            ]}
            value={query.format === 'numeric' ? 'numeric' : ''}
            onChange={(format) => onCommit(patchQuery(query, { format: format === 'numeric' ? 'numeric' : undefined }))}
          />
        </EditorField>
      </EditorRow>
    </>
  );
}

const STATUS_OPTIONS = [
  { label: 'Any', value: '' as const },
  { label: 'Error', value: 'error' as const },
  { label: 'OK', value: 'ok' as const },
];

type AttributeOp = NonNullable<TraceAttribute['op']>;
const ATTRIBUTE_OPS: AttributeOp[] = ['=', '!=', 'exists'];

export function TracesEditor({ query, onChange, onCommit, datasource, range, issues, defaults, idPrefix }: PartProps) {
  const t = query.traces ?? {};
  const [find, setFind] = useState<'search' | 'trace'>(t.traceId ? 'trace' : 'search');
  const set = (patch: Partial<TracesInput>) => patchNested(query, 'traces', patch);
  const err = (f: string) => issuesFor(issues, `traces.${f}`);
  const effective = traceSource(query, defaults);
  const schemaDefault = resolveDefaults(defaults).tracesSchema;
  const attributes = t.attributes ?? [];
  const setAttr = (i: number, patch: Partial<TraceAttribute>) =>
    set({ attributes: attributes.map((a, j) => (j === i ? { ...a, ...patch } : a)) });
  return (
    <>
      <EditorRow label="Span table">
        <EditorField label="Schema" error={err('schema')}>
          <RadioButtonGroup<TraceSchema>
            id={`${idPrefix}-traces-schema`}
            options={(['otel', 'signoz'] as const).map((s) => ({ value: s, label: TRACE_SCHEMA_TABLES[s].label }))}
            value={t.schema ?? schemaDefault}
            onChange={(schema) =>
              onCommit(
                set({ schema: schema === schemaDefault ? undefined : schema, database: undefined, table: undefined })
              )
            }
          />
        </EditorField>
        <EditorField label="Database">
          <ResourcePicker
            id={`${idPrefix}-traces-database`}
            datasource={datasource}
            route={ROUTES.databases}
            range={range}
            value={t.database}
            placeholder={effective.database || 'connection default'}
            width={22}
            onChange={(database) => onCommit(set({ database }))}
            onCommit={() => onCommit()}
          />
        </EditorField>
        <EditorField label="Table">
          <ResourcePicker
            id={`${idPrefix}-traces-table`}
            datasource={datasource}
            route={ROUTES.tables}
            params={{ database: effective.database || undefined }}
            range={range}
            value={t.table}
            placeholder={effective.table}
            width={30}
            onChange={(table) => onCommit(set({ table }))}
            onCommit={() => onCommit()}
          />
        </EditorField>
      </EditorRow>
      <EditorRow label="Find">
        <EditorField label="Find">
          <RadioButtonGroup
            id={`${idPrefix}-traces-find`}
            options={[
              { label: 'Search', value: 'search' as const, description: 'Traces that match filters' },
              { label: 'Trace ID', value: 'trace' as const, description: 'One trace, in the trace view' },
            ]}
            value={find}
            onChange={(f) => {
              setFind(f);
              if (f === 'search' && t.traceId) {
                onCommit(set({ traceId: undefined }));
              }
            }}
          />
        </EditorField>
        {find === 'trace' ? (
          <EditorField label="Trace ID" description="32 hexadecimal characters" error={err('traceId')}>
            <TextInput
              id={`${idPrefix}-traces-trace-id`}
              value={t.traceId}
              placeholder="4bf92f3577b34da6a3ce929d0e0e4736"
              width={40}
              invalid={Boolean(err('traceId'))}
              onChange={(traceId) => onChange(set({ traceId }))}
              onCommit={() => onCommit()}
            />
          </EditorField>
        ) : (
          <>
            <EditorField label="Service">
              <ResourcePicker
                id={`${idPrefix}-traces-service`}
                datasource={datasource}
                route={ROUTES.traceServices}
                params={{ schema: effective.schema, database: effective.database || undefined, table: effective.table }}
                range={range}
                value={t.service}
                placeholder="Any service"
                width={26}
                onChange={(service) => onCommit(set({ service }))}
                onCommit={() => onCommit()}
              />
            </EditorField>
            <EditorField label="Span name">
              <TextInput
                id={`${idPrefix}-traces-span-name`}
                value={t.spanName}
                placeholder="Any span"
                width={24}
                onChange={(spanName) => onChange(set({ spanName }))}
                onCommit={() => onCommit()}
              />
            </EditorField>
            <EditorField label="Min duration (ms)" error={err('minDurationMs')}>
              <NumberInput
                id={`${idPrefix}-traces-min-duration`}
                value={t.minDurationMs}
                min={0}
                placeholder="0"
                width={14}
                onChange={(minDurationMs) => onChange(set({ minDurationMs }))}
                onCommit={() => onCommit()}
              />
            </EditorField>
            <EditorField label="Status">
              <RadioButtonGroup
                id={`${idPrefix}-traces-status`}
                options={STATUS_OPTIONS}
                value={t.status ?? ''}
                onChange={(status) => onCommit(set({ status: status || undefined }))}
              />
            </EditorField>
            <EditorField label="Limit" error={err('limit')}>
              <NumberInput
                id={`${idPrefix}-traces-limit`}
                value={t.limit}
                min={1}
                max={10000}
                step={1}
                placeholder={String(resolveDefaults(defaults).tracesLimit)}
                width={12}
                invalid={Boolean(err('limit'))}
                onChange={(limit) => onChange(set({ limit }))}
                onCommit={() => onCommit()}
              />
            </EditorField>
          </>
        )}
      </EditorRow>
      {find === 'search' && (
        <EditorRow label="Span attributes">
          <Stack direction="column" gap={1}>
            {attributes.map((a, i) => (
              <Stack key={i} gap={1} alignItems="flex-end">
                <EditorField label={`Attribute ${i + 1}`} error={issuesFor(issues, `traces.attributes.${i}`)}>
                  <TextInput
                    id={`${idPrefix}-traces-attr-${i}-key`}
                    value={a.key || undefined}
                    placeholder="gen_ai.request.model"
                    width={28}
                    onChange={(key) => onChange(setAttr(i, { key: key ?? '' }))}
                    onCommit={() => onCommit()}
                  />
                </EditorField>
                <EditorField label="Operator">
                  <Combobox<AttributeOp>
                    id={`${idPrefix}-traces-attr-${i}-op`}
                    options={ATTRIBUTE_OPS.map((op) => ({ label: op, value: op }))}
                    value={a.op ?? '='}
                    width={12}
                    onChange={(o) =>
                      onCommit(setAttr(i, { op: o.value, value: o.value === 'exists' ? undefined : a.value }))
                    }
                  />
                </EditorField>
                {a.op !== 'exists' && (
                  <EditorField label="Value">
                    <TextInput
                      id={`${idPrefix}-traces-attr-${i}-value`}
                      value={a.value}
                      width={24}
                      onChange={(value) => onChange(setAttr(i, { value }))}
                      onCommit={() => onCommit()}
                    />
                  </EditorField>
                )}
                <IconButton
                  name="trash-alt"
                  aria-label={`Remove attribute ${i + 1}`}
                  tooltip="Remove attribute"
                  onClick={() => onCommit(set({ attributes: attributes.filter((_, j) => j !== i) }))}
                />
              </Stack>
            ))}
            <div>
              <Button
                variant="secondary"
                size="sm"
                icon="plus"
                onClick={() => onChange(set({ attributes: [...attributes, { key: '', op: '=' }] }))}
              >
                Add attribute
              </Button>
            </div>
          </Stack>
        </EditorRow>
      )}
    </>
  );
}
