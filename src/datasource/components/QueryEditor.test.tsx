import React, { useState } from 'react';
import { fireEvent, render, screen } from '@testing-library/react';
import { dateTime, type TimeRange } from '@grafana/data';

import type { MlQuery } from '../types';
import { QueryEditor } from './QueryEditor';

// Grafana's Combobox measures option text on a canvas, which jsdom lacks.
beforeAll(() => {
  HTMLCanvasElement.prototype.getContext = (() => ({ measureText: (t: string) => ({ width: t.length * 7 }) })) as never;
});

const to = dateTime(Date.UTC(2026, 10, 27, 12, 0));
const range: TimeRange = { from: dateTime(to).subtract(1, 'hour'), to, raw: { from: 'now-1h', to: 'now' } };

/** Renders the editor as Grafana does: it stores every change and runs on request. */
function setup(initial: MlQuery) {
  const changes: MlQuery[] = [];
  const runs: MlQuery[] = [];
  let latest = initial;
  function Host() {
    const [query, setQuery] = useState(initial);
    return (
      <QueryEditor
        query={query}
        range={range}
        datasource={undefined as never}
        onChange={(q) => {
          latest = q;
          changes.push(q);
          setQuery(q);
        }}
        onRunQuery={() => runs.push(latest)}
      />
    );
  }
  render(<Host />);
  return { changes, runs, last: () => latest };
}

const input = (id: string) => document.getElementById(id) as HTMLInputElement;
const type = (id: string, value: string) => fireEvent.change(input(id), { target: { value } });

describe('QueryEditor', () => {
  it('stores a query of an older shape in the current one', () => {
    const { changes } = setup({ refId: 'A', queryType: 'trace', traceId: 'abc' } as unknown as MlQuery);
    expect(changes[0]).toEqual({ refId: 'A', queryType: 'traces', source: 'clickhouse', traces: { traceId: 'abc' } });
  });

  it('shows the reference preview sentence', () => {
    setup({ refId: 'A', queryType: 'drift', source: 'prometheus', reference: { offset: '1d' } });
    expect(screen.getByTestId('mlwatch-reference-preview').textContent).toBe(
      'Compare the last 1 hour with the same hour 1 day earlier.'
    );
  });

  it('switches the query type by clicking', () => {
    const { last } = setup({ refId: 'A', queryType: 'drift', source: 'prometheus' });
    fireEvent.click(screen.getByLabelText('GPU'));
    expect(last()).toEqual({ refId: 'A', queryType: 'gpu', source: 'prometheus' });
    expect(screen.getByText('Straggler threshold')).toBeTruthy();
  });

  it('keeps typing in the query, runs on blur only when valid, and says what is wrong', () => {
    const { runs, last } = setup({ refId: 'A', queryType: 'gpu', source: 'prometheus' });
    type('mlwatch-A-gpu-threshold', '1.5');
    expect(last().gpu).toEqual({ stragglerThreshold: 1.5 });
    expect(screen.getByText('Use a share between 0 and 1, such as 0.75.')).toBeTruthy();
    fireEvent.blur(input('mlwatch-A-gpu-threshold'));
    expect(runs).toHaveLength(0);
    type('mlwatch-A-gpu-threshold', '0.6');
    expect(screen.queryByText('Use a share between 0 and 1, such as 0.75.')).toBeNull();
    fireEvent.keyDown(input('mlwatch-A-gpu-threshold'), { key: 'Enter' });
    expect(runs).toHaveLength(1);
    expect(runs[0].gpu?.stragglerThreshold).toBe(0.6);
  });

  it('writes every GPU field to the query JSON', () => {
    const { last } = setup({ refId: 'A', queryType: 'gpu', source: 'prometheus' });
    type('mlwatch-A-gpu-min-median', '30');
    for (const [key, value] of [
      ['namespace', 'team-.*'],
      ['pod', 'trainer-0'],
      ['host', 'gpu-node-1'],
    ]) {
      type(`mlwatch-A-gpu-${key}`, value);
      fireEvent.blur(input(`mlwatch-A-gpu-${key}`));
    }
    expect(last().gpu).toEqual({ minGroupMedian: 30, namespace: 'team-.*', pod: 'trainer-0', host: 'gpu-node-1' });
  });

  it('writes the trace search fields and validates a trace id', () => {
    const { last, runs } = setup({ refId: 'A', queryType: 'traces', source: 'clickhouse' });
    type('mlwatch-A-traces-service', 'checkout');
    fireEvent.blur(input('mlwatch-A-traces-service'));
    type('mlwatch-A-traces-span-name', 'POST /pay');
    type('mlwatch-A-traces-min-duration', '250');
    type('mlwatch-A-traces-limit', '20');
    fireEvent.keyDown(input('mlwatch-A-traces-limit'), { key: 'Enter' });
    expect(last().traces).toEqual({ service: 'checkout', spanName: 'POST /pay', minDurationMs: 250, limit: 20 });
    expect(runs.length).toBeGreaterThan(0);

    fireEvent.click(screen.getByLabelText('Trace ID'));
    type('mlwatch-A-traces-trace-id', 'xyz');
    expect(screen.getByText(/is not a trace id/)).toBeTruthy();
    const before = runs.length;
    fireEvent.blur(input('mlwatch-A-traces-trace-id'));
    expect(runs).toHaveLength(before);
    type('mlwatch-A-traces-trace-id', '4bf92f3577b34da6a3ce929d0e0e4736');
    fireEvent.blur(input('mlwatch-A-traces-trace-id'));
    expect(runs).toHaveLength(before + 1);
    expect(last().traces?.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });

  it('writes the Prometheus builder fields of a drift query', () => {
    const { last } = setup({ refId: 'A', queryType: 'drift', source: 'prometheus' });
    type('mlwatch-A-metric', 'ml_feature_value_bucket');
    fireEvent.blur(input('mlwatch-A-metric'));
    expect(screen.getByText("Give the histogram's base name without _bucket (ml_feature_value).")).toBeTruthy();
    type('mlwatch-A-metric', 'ml_feature_value');
    fireEvent.blur(input('mlwatch-A-metric'));
    type('mlwatch-A-matchers', 'model="fraud"');
    fireEvent.blur(input('mlwatch-A-matchers'));
    expect(last().prometheus).toMatchObject({ metric: 'ml_feature_value', matchers: 'model="fraud"' });
  });
});
