import React from 'react';
import { Button, Combobox, IconButton, RadioButtonGroup, Stack } from '@grafana/ui';

import { metricName, resolveDefaults } from '../../data/defaults';
import { editorModeOf, patchNested, patchQuery, setEditorMode, setSource } from '../../data/queryOps';
import { histogramBaseNames, isFeatureType, isTimeType, ROUTES, type ListItem } from '../../data/resources';
import { issuesFor } from '../../data/validate';
import type { ClickHouseFilter, EditorMode, FilterOp, SourceName } from '../../types';
import { CodeField } from './CodeField';
import { EditorField, EditorRow } from './EditorLayout';
import { TextInput } from './inputs';
import { MultiResourcePicker, ResourcePicker } from './ResourcePicker';
import type { PartProps } from './types';

const SOURCE_OPTIONS: Array<{ label: string; value: SourceName; description: string }> = [
  { label: 'Prometheus', value: 'prometheus', description: 'Histograms or any PromQL expression' },
  { label: 'ClickHouse', value: 'clickhouse', description: 'A table, or SQL' },
];

const MODE_OPTIONS: Array<{ label: string; value: EditorMode; description: string }> = [
  { label: 'Builder', value: 'builder', description: 'Pick a metric or table' },
  { label: 'Code', value: 'code', description: 'Write PromQL or SQL' },
];

const HISTOGRAM_OPTIONS = [
  { label: 'Classic', value: 'histogram' as const, description: 'Buckets with an le label (name_bucket)' },
  { label: 'Native', value: 'native' as const, description: 'Prometheus native histograms' },
];

const LAYOUT_OPTIONS = [
  { label: 'A column per feature', value: 'wide' as const },
  { label: 'Feature and value columns', value: 'long' as const },
];

const FILTER_OPS: FilterOp[] = ['=', '!=', '<', '<=', '>', '>=', 'in', 'not in', 'like'];

const histogramOptions = (items: ListItem[], search: string) =>
  histogramBaseNames(items.map((i) => i.value))
    .filter((n) => !search || n.toLowerCase().includes(search.toLowerCase()))
    .map((n) => ({ value: n, label: n }));
const timeColumns = (items: ListItem[]) =>
  items.filter((i) => isTimeType(i.type)).map((i) => ({ value: i.value, label: i.value, description: i.type }));
const featureColumns = (items: ListItem[]) =>
  items.filter((i) => isFeatureType(i.type)).map((i) => ({ value: i.value, label: i.value, description: i.type }));

interface Props extends PartProps {
  /** "variable" for the distribution query: one variable, no feature list. */
  purpose: 'features' | 'variable' | 'classes';
}

/** Where the data comes from: source, then a metric/table picker or code. */
export function DataInputEditor(props: Props) {
  const { query, onCommit, idPrefix } = props;
  const source = query.source ?? 'prometheus';
  const mode = editorModeOf(query);
  const classes = props.purpose === 'classes';
  return (
    <>
      <EditorRow label="Data">
        <EditorField label="Source">
          <RadioButtonGroup<SourceName>
            id={`${idPrefix}-source`}
            options={SOURCE_OPTIONS}
            value={source}
            onChange={(s) => onCommit(setSource(query, s))}
          />
        </EditorField>
        {!classes && (
          <EditorField label="Editor">
            <RadioButtonGroup<EditorMode>
              id={`${idPrefix}-mode`}
              options={MODE_OPTIONS}
              value={mode}
              onChange={(m) => onCommit(setEditorMode(query, m))}
            />
          </EditorField>
        )}
      </EditorRow>
      {source === 'prometheus' ? (
        <PromInput {...props} code={mode === 'code' && !classes} />
      ) : (
        <ClickHouseInputEditor {...props} code={mode === 'code'} />
      )}
    </>
  );
}

function PromInput({
  query,
  onChange,
  onCommit,
  datasource,
  range,
  issues,
  defaults,
  idPrefix,
  purpose,
  code,
}: Props & { code: boolean }) {
  const p = query.prometheus ?? {};
  const set = (patch: Parameters<typeof patchNested<'prometheus'>>[2]) => patchNested(query, 'prometheus', patch);
  const defaultMetric =
    purpose === 'features'
      ? metricName(defaults, 'featureMetric')
      : purpose === 'classes'
        ? metricName(defaults, 'predictionsMetric')
        : metricName(defaults, 'confidenceMetric');
  const metric = p.metric || defaultMetric;
  const bucketMetric = p.input === 'native' ? metric : `${metric}_bucket`;
  return (
    <>
      {code ? (
        <EditorRow label="PromQL">
          <div style={{ flex: '1 1 500px', minWidth: 300 }}>
            <EditorField
              label="PromQL expression"
              description="Its sample values are compared between the windows (one series per feature)."
              error={issuesFor(issues, 'prometheus.expr')}
              htmlFor={`${idPrefix}-expr`}
            >
              <CodeField
                id={`${idPrefix}-expr`}
                label="PromQL expression"
                language="promql"
                value={p.expr}
                placeholder='ml_prediction_confidence_sum{model="fraud"} / ml_prediction_confidence_count{model="fraud"}'
                onChange={(expr) => onChange(set({ expr, input: 'samples' }))}
                onCommit={() => onCommit()}
              />
            </EditorField>
          </div>
        </EditorRow>
      ) : (
        <EditorRow label="Metric">
          {!classes(purpose) && (
            <EditorField label="Histogram">
              <RadioButtonGroup
                id={`${idPrefix}-input`}
                options={HISTOGRAM_OPTIONS}
                value={p.input === 'native' ? 'native' : 'histogram'}
                onChange={(input) => onCommit(set({ input: input === 'native' ? 'native' : undefined }))}
              />
            </EditorField>
          )}
          <EditorField
            label={classes(purpose) ? 'Predictions counter' : 'Metric'}
            error={issuesFor(issues, 'prometheus.metric')}
          >
            <ResourcePicker
              id={`${idPrefix}-metric`}
              datasource={datasource}
              route={ROUTES.metrics}
              range={range}
              select={p.input === 'native' || classes(purpose) ? undefined : histogramOptions}
              value={p.metric}
              placeholder={defaultMetric}
              width={36}
              invalid={Boolean(issuesFor(issues, 'prometheus.metric'))}
              onChange={(v) => onCommit(set({ metric: v }))}
              onCommit={() => onCommit()}
            />
          </EditorField>
          {classes(purpose) && (
            <EditorField label="Class label">
              <ResourcePicker
                id={`${idPrefix}-class-label`}
                datasource={datasource}
                route={ROUTES.labels}
                params={{ metric }}
                range={range}
                value={query.classLabel}
                placeholder={resolveDefaults(defaults).classLabel}
                width={20}
                onChange={(v) => onCommit(patchQuery(query, { classLabel: v }))}
                onCommit={() => onCommit()}
              />
            </EditorField>
          )}
          <EditorField
            label="Label matchers"
            description='Without braces, e.g. model="fraud"'
            error={issuesFor(issues, 'prometheus.matchers')}
          >
            <TextInput
              id={`${idPrefix}-matchers`}
              value={p.matchers}
              placeholder='model="fraud"'
              width={32}
              onChange={(matchers) => onChange(set({ matchers }))}
              onCommit={() => onCommit()}
            />
          </EditorField>
        </EditorRow>
      )}
      {purpose === 'features' && (
        <EditorRow label="Features">
          <EditorField
            label="Feature label"
            description="Tells features apart"
            error={issuesFor(issues, 'prometheus.featureLabel')}
          >
            <ResourcePicker
              id={`${idPrefix}-feature-label`}
              datasource={datasource}
              route={ROUTES.labels}
              params={{ metric: bucketMetric }}
              ready={!code}
              range={range}
              value={p.featureLabel}
              placeholder={resolveDefaults(defaults).featureLabel}
              width={20}
              onChange={(v) => onCommit(set({ featureLabel: v }))}
              onCommit={() => onCommit()}
            />
          </EditorField>
          <EditorField label="Features" description="Empty: every feature">
            <MultiResourcePicker
              id={`${idPrefix}-features`}
              datasource={datasource}
              route={ROUTES.features}
              params={{
                metric,
                featureLabel: p.featureLabel || resolveDefaults(defaults).featureLabel,
                matchers: p.matchers,
              }}
              ready={!code}
              range={range}
              values={p.features}
              placeholder="All features"
              onChange={(features) => onCommit(set({ features }))}
            />
          </EditorField>
        </EditorRow>
      )}
    </>
  );
}

const classes = (purpose: Props['purpose']) => purpose === 'classes';

function ClickHouseInputEditor({
  query,
  onChange,
  onCommit,
  datasource,
  range,
  issues,
  idPrefix,
  purpose,
  code,
}: Props & { code: boolean }) {
  const c = query.clickhouse ?? {};
  const set = (patch: Parameters<typeof patchNested<'clickhouse'>>[2]) => patchNested(query, 'clickhouse', patch);
  const layout = c.layout ?? (c.featureColumn ? 'long' : 'wide');
  const tableParams = { database: c.database, table: c.table };
  const haveTable = Boolean(c.table) && !code;
  // What every column picker of the chosen table shares.
  const columnPicker = { datasource, route: ROUTES.columns, params: tableParams, ready: haveTable, range };
  const err = (f: string) => issuesFor(issues, `clickhouse.${f}`);
  return (
    <>
      {code ? (
        <EditorRow label="SQL">
          <div style={{ flex: '1 1 500px', minWidth: 300 }}>
            <EditorField
              label="SQL"
              description="A SELECT with the time column and the feature columns; $__timeFilter(column) selects each window."
              error={err('sql') ?? err('table')}
              htmlFor={`${idPrefix}-sql`}
            >
              <CodeField
                id={`${idPrefix}-sql`}
                label="SQL"
                language="sql"
                height={120}
                value={c.sql}
                onChange={(sql) => onChange(set({ sql }))}
                onCommit={() => onCommit()}
              />
            </EditorField>
          </div>
        </EditorRow>
      ) : (
        <EditorRow label="Table">
          <EditorField label="Database">
            <ResourcePicker
              id={`${idPrefix}-database`}
              datasource={datasource}
              route={ROUTES.databases}
              range={range}
              value={c.database}
              placeholder="default"
              width={24}
              onChange={(database) => onCommit(set({ database, table: database === c.database ? c.table : undefined }))}
              onCommit={() => onCommit()}
            />
          </EditorField>
          <EditorField label="Table" error={err('table')}>
            <ResourcePicker
              id={`${idPrefix}-table`}
              datasource={datasource}
              route={ROUTES.tables}
              params={{ database: c.database }}
              range={range}
              value={c.table}
              width={28}
              invalid={Boolean(err('table'))}
              onChange={(table) => onCommit(set({ table }))}
              onCommit={() => onCommit()}
            />
          </EditorField>
        </EditorRow>
      )}
      <EditorRow label="Columns">
        <EditorField label="Time column" error={err('timeColumn')}>
          <ResourcePicker
            id={`${idPrefix}-time-column`}
            {...columnPicker}
            select={timeColumns}
            value={c.timeColumn}
            width={24}
            invalid={Boolean(err('timeColumn'))}
            onChange={(timeColumn) => onCommit(set({ timeColumn }))}
            onCommit={() => onCommit()}
          />
        </EditorField>
        {purpose === 'features' && (
          <EditorField label="Layout">
            <RadioButtonGroup
              id={`${idPrefix}-layout`}
              options={LAYOUT_OPTIONS}
              value={layout}
              onChange={(l) => onCommit(set({ layout: l }))}
            />
          </EditorField>
        )}
        {purpose !== 'features' ? (
          <EditorField label={purpose === 'classes' ? 'Class column' : 'Column'} error={err('columns')}>
            <ResourcePicker
              id={`${idPrefix}-column`}
              {...columnPicker}
              select={featureColumns}
              value={c.columns?.[0]}
              width={24}
              invalid={Boolean(err('columns'))}
              onChange={(col) => onCommit(set({ columns: col ? [col] : undefined, layout: undefined }))}
              onCommit={() => onCommit()}
            />
          </EditorField>
        ) : layout === 'wide' ? (
          <EditorField
            label="Feature columns"
            description={code ? 'Empty: every column of the SQL but the time column' : undefined}
            error={err('columns')}
          >
            <MultiResourcePicker
              id={`${idPrefix}-columns`}
              {...columnPicker}
              select={featureColumns}
              values={c.columns}
              invalid={Boolean(err('columns'))}
              onChange={(columns) => onCommit(set({ columns }))}
            />
          </EditorField>
        ) : (
          <>
            <EditorField label="Feature column" error={err('featureColumn')}>
              <ResourcePicker
                id={`${idPrefix}-feature-column`}
                {...columnPicker}
                value={c.featureColumn}
                width={20}
                invalid={Boolean(err('featureColumn'))}
                onChange={(featureColumn) => onCommit(set({ featureColumn }))}
                onCommit={() => onCommit()}
              />
            </EditorField>
            <EditorField label="Value column" error={err('valueColumn')}>
              <ResourcePicker
                id={`${idPrefix}-value-column`}
                {...columnPicker}
                value={c.valueColumn}
                width={20}
                invalid={Boolean(err('valueColumn'))}
                onChange={(valueColumn) => onCommit(set({ valueColumn }))}
                onCommit={() => onCommit()}
              />
            </EditorField>
          </>
        )}
      </EditorRow>
      {!code && <FiltersEditor {...{ query, onChange, onCommit, datasource, range, issues, idPrefix }} />}
    </>
  );
}

function FiltersEditor({
  query,
  onChange,
  onCommit,
  datasource,
  range,
  issues,
  idPrefix,
}: Omit<PartProps, 'defaults'>) {
  const c = query.clickhouse ?? {};
  const filters = c.filters ?? [];
  const setFilters = (next: ClickHouseFilter[]) => patchNested(query, 'clickhouse', { filters: next });
  const update = (i: number, patch: Partial<ClickHouseFilter>) =>
    setFilters(filters.map((f, j) => (j === i ? { ...f, ...patch } : f)));
  return (
    <EditorRow label="Filters">
      <Stack direction="column" gap={1}>
        {filters.map((f, i) => (
          <Stack key={i} gap={1} alignItems="center">
            <EditorField label={`Filter ${i + 1} column`} error={issuesFor(issues, `clickhouse.filters.${i}`)}>
              <ResourcePicker
                id={`${idPrefix}-filter-${i}-column`}
                datasource={datasource}
                route={ROUTES.columns}
                params={{ database: c.database, table: c.table }}
                ready={Boolean(c.table)}
                range={range}
                value={f.column || undefined}
                width={20}
                onChange={(column) => onCommit(update(i, { column: column ?? '' }))}
                onCommit={() => onCommit()}
              />
            </EditorField>
            <EditorField label="Operator">
              <Combobox<FilterOp>
                id={`${idPrefix}-filter-${i}-op`}
                options={FILTER_OPS.map((op) => ({ label: op, value: op }))}
                value={f.op}
                width={12}
                onChange={(o) =>
                  onCommit(
                    update(i, {
                      op: o.value,
                      value: o.value === 'in' || o.value === 'not in' ? listValue(f.value) : scalarValue(f.value),
                    })
                  )
                }
              />
            </EditorField>
            <EditorField label="Value" description={f.op === 'in' || f.op === 'not in' ? 'Comma-separated' : undefined}>
              <TextInput
                id={`${idPrefix}-filter-${i}-value`}
                value={
                  Array.isArray(f.value)
                    ? f.value.join(', ')
                    : f.value === null || f.value === undefined
                      ? ''
                      : String(f.value)
                }
                width={24}
                onChange={(v) =>
                  onChange(update(i, { value: f.op === 'in' || f.op === 'not in' ? listValue(v ?? '') : (v ?? '') }))
                }
                onCommit={() => onCommit()}
              />
            </EditorField>
            <IconButton
              name="trash-alt"
              aria-label={`Remove filter ${i + 1}`}
              tooltip="Remove filter"
              onClick={() => onCommit(setFilters(filters.filter((_, j) => j !== i)))}
            />
          </Stack>
        ))}
        <div>
          <Button
            variant="secondary"
            size="sm"
            icon="plus"
            onClick={() => onChange(setFilters([...filters, { column: '', op: '=', value: '' }]))}
          >
            Add filter
          </Button>
        </div>
      </Stack>
    </EditorRow>
  );
}

function listValue(v: ClickHouseFilter['value']): string[] {
  if (Array.isArray(v)) {
    return v;
  }
  return String(v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function scalarValue(v: ClickHouseFilter['value']): string {
  return Array.isArray(v) ? v.join(',') : String(v ?? '');
}
