import React, { useEffect, useMemo, useRef } from 'react';
import type { QueryEditorProps } from '@grafana/data';
import { Alert, RadioButtonGroup, Stack, Text } from '@grafana/ui';

import { migrateQuery } from '../data/migrate';
import { switchQueryType } from '../data/queryOps';
import { sentence, validateQuery } from '../data/validate';
import type { MlDataSource } from '../datasource';
import { QUERY_TYPES, type MlDataSourceOptions, type MlQuery, type MlQueryType } from '../types';
import { EditorField, EditorRow } from './query/EditorLayout';
import { DistributionEditor, DriftEditor, GpuEditor, TracesEditor } from './query/TypeEditors';
import type { PartProps } from './query/types';

type Props = QueryEditorProps<MlDataSource, MlQuery, MlDataSourceOptions>;

const EDITORS: Record<MlQueryType, React.ComponentType<PartProps>> = {
  drift: DriftEditor,
  distribution: DistributionEditor,
  gpu: GpuEditor,
  traces: TracesEditor,
};

/**
 * The query editor: a type picker, then a builder for the type. Every field
 * reaches the query JSON as it is typed; the query runs after a pick, on
 * blur or on Enter, and only when it is valid (the same rules as the
 * backend's, shown next to each field).
 */
export function QueryEditor({ query: saved, onChange, onRunQuery, datasource, range }: Props) {
  const query = useMemo(() => migrateQuery(saved), [saved]);
  const defaults = useMemo(() => datasource?.defaults ?? {}, [datasource]);
  const issues = useMemo(() => (query.queryType ? validateQuery(query, defaults) : []), [query, defaults]);

  // A query saved in an older shape is stored in the new one once opened.
  const migrated = useRef(false);
  useEffect(() => {
    if (!migrated.current && query !== saved) {
      migrated.current = true;
      onChange(query);
    }
  }, [query, saved, onChange]);

  const commit = (next?: MlQuery) => {
    const q = next ?? query;
    if (next && next !== query) {
      onChange(next);
    }
    if (q.queryType && validateQuery(q, defaults).length === 0) {
      onRunQuery();
    }
  };

  const selected = QUERY_TYPES.find((t) => t.value === query.queryType);
  const TypeEditor = query.queryType ? EDITORS[query.queryType] : undefined;
  const idPrefix = `mlwatch-${query.refId || 'A'}`;
  const unplaced = issues.filter((i) => ['queryType', 'source', 'prometheus', 'clickhouse'].includes(i.field));

  return (
    <Stack direction="column" gap={1}>
      <EditorRow label="Query type">
        <EditorField label="Query type" description={selected?.description}>
          <RadioButtonGroup<MlQueryType>
            id={`${idPrefix}-query-type`}
            options={QUERY_TYPES.map(({ value, label, description }) => ({ value, label, description }))}
            value={query.queryType}
            onChange={(t) => commit(switchQueryType(query, t))}
          />
        </EditorField>
      </EditorRow>
      {!selected && (
        <Text color="warning" element="p">
          Choose a query type to start.
        </Text>
      )}
      {TypeEditor && (
        <TypeEditor
          query={query}
          onChange={onChange}
          onCommit={commit}
          datasource={datasource}
          range={range}
          issues={issues}
          defaults={defaults}
          idPrefix={idPrefix}
        />
      )}
      {unplaced.length > 0 && (
        <Alert severity="error" title="This query cannot run yet" data-testid="mlwatch-query-issues">
          {unplaced.map((i) => sentence(i.message)).join(' ')}
        </Alert>
      )}
    </Stack>
  );
}
