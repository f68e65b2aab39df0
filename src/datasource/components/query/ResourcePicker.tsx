import React, { useCallback, useEffect, useMemo, useState } from 'react';
import type { TimeRange } from '@grafana/data';
import { getTemplateSrv } from '@grafana/runtime';
import { Combobox, MultiCombobox, Stack, TagsInput, type ComboboxOption } from '@grafana/ui';

import type { MlDataSource } from '../../datasource';
import type { ListItem, ListParams, Route } from '../../data/resources';
import { EditorNote } from './EditorLayout';
import { TextInput } from './inputs';

/** How many suggestions one call asks for; the backend filters by the typed text. */
const SUGGESTION_LIMIT = 200;

type Availability = 'unknown' | 'yes' | 'no';

/** Whether the backend has the route; free text only when it does not (404). */
export function useRouteAvailable(datasource: MlDataSource | undefined, route: Route): Availability {
  const [known, setKnown] = useState<{ datasource?: MlDataSource; route?: Route; state: Availability }>({
    state: 'unknown',
  });
  useEffect(() => {
    let live = true;
    datasource?.routeAvailable?.(route).then(
      (ok) => live && setKnown({ datasource, route, state: ok ? 'yes' : 'no' }),
      () => live && setKnown({ datasource, route, state: 'no' })
    );
    return () => {
      live = false;
    };
  }, [datasource, route]);
  if (!datasource?.routeAvailable) {
    return 'no';
  }
  return known.datasource === datasource && known.route === route ? known.state : 'unknown';
}

/** Dashboard variables as options, so that a field can be templated by picking. */
export function variableOptions(search: string): Array<ComboboxOption<string>> {
  let names: string[] = [];
  try {
    names = getTemplateSrv()
      .getVariables()
      .map((v) => `$${v.name}`);
  } catch {
    // No template service (tests, or outside a dashboard).
  }
  const s = search.toLowerCase();
  return names
    .filter((n) => !s || n.toLowerCase().includes(s))
    .map((n) => ({ value: n, label: n, group: 'Variables' }));
}

interface PickerCommon {
  id: string;
  datasource?: MlDataSource;
  route: Route;
  params?: ListParams;
  range?: TimeRange;
  placeholder?: string;
  width?: number;
  invalid?: boolean;
  /** Maps loaded items to options, e.g. histogram base names or time columns only. */
  select?: (items: ListItem[], search: string) => Array<ComboboxOption<string>>;
  /** False while a parameter the route needs is missing: only variables are offered. */
  ready?: boolean;
}

function useLoader({ datasource, route, params, range, select, ready = true }: PickerCommon) {
  const [error, setError] = useState<string>();
  const paramsKey = JSON.stringify(params ?? {});
  const load = useCallback(
    async (search: string): Promise<Array<ComboboxOption<string>>> => {
      const vars = variableOptions(search);
      if (!datasource || !ready) {
        return vars;
      }
      try {
        const list = await datasource.listResource(
          route,
          { ...JSON.parse(paramsKey), search: search || undefined, limit: SUGGESTION_LIMIT },
          range
        );
        setError(undefined);
        const options = select
          ? select(list.items, search)
          : list.items.map((i) => ({ value: i.value, label: i.value, description: i.type }));
        return [...options, ...vars];
      } catch (e) {
        setError((e as Error).message);
        return vars;
      }
    },
    // range changes often (relative time); suggestions need not follow every tick.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [datasource, route, paramsKey, select, ready]
  );
  return { load, error };
}

interface SingleProps extends PickerCommon {
  value?: string;
  /** A pick or a cleared value; the editor then runs the query. */
  onChange: (v: string | undefined) => void;
  /** Free-text fallback: runs the query on blur or Enter. */
  onCommit: () => void;
}

/**
 * A name picked from a resource list (metrics, labels, tables, columns...)
 * with autocomplete, any typed value allowed. When the backend has no such
 * list it is a plain text input; when the list fails, the error is shown
 * and typing still works.
 */
export function ResourcePicker(props: SingleProps) {
  const { id, value, onChange, onCommit, datasource, route, placeholder, width, invalid } = props;
  const available = useRouteAvailable(datasource, route);
  const { load, error } = useLoader(props);
  const selected = useMemo(() => (value ? { value, label: value } : null), [value]);
  // Free text is a draft until blur or Enter, so that typing does not run
  // the query on every key.
  const [draft, setDraft] = useState(value);
  const [shown, setShown] = useState(value);
  if (shown !== value) {
    // The query changed from outside (a migration, another editor): show it.
    setShown(value);
    setDraft(value);
  }
  if (available !== 'yes') {
    return (
      <TextInput
        id={id}
        value={draft}
        onChange={setDraft}
        onCommit={() => (draft !== value ? onChange(draft) : onCommit())}
        placeholder={placeholder}
        width={width}
        invalid={invalid}
      />
    );
  }
  return (
    <Stack direction="column" gap={0.5}>
      <Combobox<string>
        id={id}
        options={load}
        value={selected}
        createCustomValue
        customValueDescription="Use this name"
        isClearable
        placeholder={placeholder}
        width={width}
        invalid={invalid}
        onChange={(opt) => onChange(opt?.value || undefined)}
      />
      {error && <EditorNote tone="warning">Suggestions unavailable: {error}</EditorNote>}
    </Stack>
  );
}

interface MultiProps extends PickerCommon {
  values?: string[];
  onChange: (v: string[] | undefined) => void;
}

/** Several names (features, columns, metrics); free-text tags when the list route is missing. */
export function MultiResourcePicker(props: MultiProps) {
  const { id, values, onChange, datasource, route, placeholder, width, invalid } = props;
  const available = useRouteAvailable(datasource, route);
  const { load, error } = useLoader(props);
  const change = (next: string[]) => onChange(next.length ? next : undefined);
  if (available !== 'yes') {
    return (
      <TagsInput
        id={id}
        tags={values ?? []}
        autoColors={false}
        onChange={change}
        placeholder={placeholder ?? 'Type a name and press Enter'}
        width={width}
        invalid={invalid}
        addOnBlur
      />
    );
  }
  return (
    <Stack direction="column" gap={0.5}>
      <MultiCombobox<string>
        id={id}
        options={load}
        value={values ?? []}
        createCustomValue
        isClearable
        placeholder={placeholder}
        {...(width ? { width } : { width: 'auto' as const, minWidth: 30, maxWidth: 80 })}
        invalid={invalid}
        onChange={(opts) => change(opts.map((o) => o.value))}
      />
      {error && <EditorNote tone="warning">Suggestions unavailable: {error}</EditorNote>}
    </Stack>
  );
}
