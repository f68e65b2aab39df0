import React, { useMemo } from 'react';
import type { QueryEditorProps } from '@grafana/data';
import { Combobox, Stack } from '@grafana/ui';

import { metricName, REQUESTS_METRIC, resolveDefaults } from '../data/defaults';
import { ROUTES } from '../data/resources';
import { describeVariableQuery, migrateVariableQuery, VARIABLE_KINDS } from '../data/variableQuery';
import type { MlDataSource } from '../datasource';
import type { MlDataSourceOptions, MlQuery, MlVariableQuery, VariableKind } from '../types';
import { EditorField, EditorNote, EditorRow } from './query/EditorLayout';
import { TextInput } from './query/inputs';
import { ResourcePicker } from './query/ResourcePicker';

type Props = QueryEditorProps<MlDataSource, MlQuery, MlDataSourceOptions, MlVariableQuery>;

/** Which fields each kind of variable uses. */
const FIELDS: Record<VariableKind, Array<'metric' | 'label' | 'featureLabel' | 'matchers' | 'search'>> = {
  features: ['metric', 'featureLabel', 'matchers', 'search'],
  models: ['metric', 'label', 'matchers', 'search'],
  hosts: ['label', 'matchers', 'search'],
  namespaces: ['matchers', 'search'],
  pods: ['matchers', 'search'],
  services: ['search'],
  metrics: ['matchers', 'search'],
  labelValues: ['metric', 'label', 'matchers', 'search'],
};

/**
 * The variable query editor: what to list, then the few settings it takes.
 * Values come from the resource routes; other variables may be used in the
 * text fields (chained variables).
 */
export function VariableQueryEditor({ query: saved, onChange, datasource, range }: Props) {
  const query = useMemo(
    () =>
      migrateVariableQuery(
        saved as MlVariableQuery | string | undefined,
        (saved as MlVariableQuery | undefined)?.refId
      ),
    [saved]
  );
  const kind = query.kind ?? 'features';
  const fields = FIELDS[kind];
  const defaults = datasource?.defaults;
  const set = (patch: Partial<MlVariableQuery>) => {
    const next: MlVariableQuery = { ...query, ...patch };
    for (const k of Object.keys(patch) as Array<keyof MlVariableQuery>) {
      if (next[k] === undefined || next[k] === '') {
        delete next[k];
      }
    }
    onChange(next);
  };
  const metricPlaceholder =
    kind === 'features'
      ? metricName(defaults, 'featureMetric')
      : kind === 'models'
        ? REQUESTS_METRIC
        : 'any metric';
  const labelPlaceholder = kind === 'models' ? 'model' : kind === 'hosts' ? 'Hostname' : 'label';
  const noop = () => {};
  return (
    <Stack direction="column" gap={1}>
      <EditorRow label="Variable values">
        <EditorField label="List" description={VARIABLE_KINDS.find((k) => k.value === kind)?.description}>
          <Combobox<VariableKind>
            id="mlwatch-variable-kind"
            options={VARIABLE_KINDS}
            value={kind}
            width={30}
            onChange={(o) => onChange({ refId: query.refId, kind: o.value })}
          />
        </EditorField>
        {fields.includes('metric') && (
          <EditorField label="Metric">
            <ResourcePicker
              id="mlwatch-variable-metric"
              datasource={datasource}
              route={ROUTES.metrics}
              range={range}
              value={query.metric}
              placeholder={metricPlaceholder}
              width={32}
              onChange={(metric) => set({ metric })}
              onCommit={noop}
            />
          </EditorField>
        )}
        {fields.includes('featureLabel') && (
          <EditorField label="Feature label">
            <TextInput
              id="mlwatch-variable-feature-label"
              value={query.featureLabel}
              placeholder={resolveDefaults(defaults).featureLabel}
              width={20}
              onChange={(featureLabel) => set({ featureLabel })}
              onCommit={noop}
            />
          </EditorField>
        )}
        {fields.includes('label') && (
          <EditorField label="Label">
            <ResourcePicker
              id="mlwatch-variable-label"
              datasource={datasource}
              route={ROUTES.labels}
              params={{
                metric:
                  query.metric ||
                  (kind === 'models'
                    ? REQUESTS_METRIC
                    : kind === 'hosts'
                      ? 'DCGM_FI_DEV_GPU_UTIL'
                      : undefined),
              }}
              ready={Boolean(query.metric) || kind !== 'labelValues'}
              range={range}
              value={query.label}
              placeholder={labelPlaceholder}
              width={22}
              onChange={(label) => set({ label })}
              onCommit={noop}
            />
          </EditorField>
        )}
        {fields.includes('matchers') && (
          <EditorField label="Label matchers" description='Without braces; may use variables: model="$model"'>
            <TextInput
              id="mlwatch-variable-matchers"
              value={query.matchers}
              placeholder='model="fraud"'
              width={32}
              onChange={(matchers) => set({ matchers })}
              onCommit={noop}
            />
          </EditorField>
        )}
        {fields.includes('search') && (
          <EditorField label="Containing" description="Only values with this text">
            <TextInput
              id="mlwatch-variable-search"
              value={query.search}
              width={20}
              onChange={(search) => set({ search })}
              onCommit={noop}
            />
          </EditorField>
        )}
      </EditorRow>
      <EditorNote testId="mlwatch-variable-summary">{describeVariableQuery(query)}</EditorNote>
    </Stack>
  );
}
