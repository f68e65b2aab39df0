import React from 'react';
import type { QueryEditorProps } from '@grafana/data';
import { Field, RadioButtonGroup, Stack, Text } from '@grafana/ui';

import type { MlDataSource } from '../datasource';
import { QUERY_TYPES, type MlDataSourceOptions, type MlQuery, type MlQueryType } from '../types';

type Props = QueryEditorProps<MlDataSource, MlQuery, MlDataSourceOptions>;

export function QueryEditor({ query, onChange, onRunQuery }: Props) {
  const selected = QUERY_TYPES.find((t) => t.value === query.queryType);
  return (
    <Stack direction="column" gap={1}>
      <Field label="Query type" description={selected?.description}>
        <RadioButtonGroup<MlQueryType>
          options={QUERY_TYPES.map(({ value, label }) => ({ value, label }))}
          value={query.queryType}
          onChange={(queryType) => {
            onChange({ ...query, queryType });
            onRunQuery();
          }}
        />
      </Field>
      {!selected && (
        <Text color="warning" element="p">
          Choose a query type to start.
        </Text>
      )}
    </Stack>
  );
}
