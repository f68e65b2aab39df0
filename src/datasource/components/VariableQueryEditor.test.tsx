import React, { useState } from 'react';
import { fireEvent, render } from '@testing-library/react';

import type { MlVariableQuery } from '../types';
import { VariableQueryEditor } from './VariableQueryEditor';

beforeAll(() => {
  HTMLCanvasElement.prototype.getContext = (() => ({ measureText: (t: string) => ({ width: t.length * 7 }) })) as never;
});

function setup(initial: MlVariableQuery | string) {
  let latest: MlVariableQuery | undefined;
  function Host() {
    const [query, setQuery] = useState(initial);
    return (
      <VariableQueryEditor
        query={query as MlVariableQuery}
        datasource={undefined as never}
        onRunQuery={() => {}}
        onChange={(q: MlVariableQuery) => {
          latest = q;
          setQuery(q);
        }}
      />
    );
  }
  render(<Host />);
  return () => latest;
}

const input = (id: string) => document.getElementById(id) as HTMLInputElement | null;

describe('VariableQueryEditor', () => {
  it('reads an older string query and shows its fields', () => {
    setup('label_values(ml_requests_total, model)');
    expect(input('mlwatch-variable-metric')?.value).toBe('ml_requests_total');
    expect(input('mlwatch-variable-label')?.value).toBe('model');
    expect(input('mlwatch-variable-feature-label')).toBeNull();
  });

  it('writes each field of a features variable to the query', () => {
    const last = setup({ refId: 'v', kind: 'features' });
    expect(input('mlwatch-variable-label')).toBeNull();
    fireEvent.change(input('mlwatch-variable-metric')!, { target: { value: 'my_features' } });
    fireEvent.blur(input('mlwatch-variable-metric')!);
    fireEvent.change(input('mlwatch-variable-feature-label')!, { target: { value: 'name' } });
    fireEvent.change(input('mlwatch-variable-matchers')!, { target: { value: 'model="$model"' } });
    fireEvent.change(input('mlwatch-variable-search')!, { target: { value: 'inc' } });
    expect(last()).toEqual({
      refId: 'v',
      kind: 'features',
      metric: 'my_features',
      featureLabel: 'name',
      matchers: 'model="$model"',
      search: 'inc',
    });
    fireEvent.change(input('mlwatch-variable-search')!, { target: { value: '' } });
    expect(last()?.search).toBeUndefined();
  });

  it('shows only the search for trace services', () => {
    setup({ refId: 'v', kind: 'services' });
    expect(input('mlwatch-variable-search')).not.toBeNull();
    expect(input('mlwatch-variable-metric')).toBeNull();
    expect(input('mlwatch-variable-matchers')).toBeNull();
  });
});
