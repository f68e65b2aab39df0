import React from 'react';
import { fireEvent, render, screen, within } from '@testing-library/react';
import { type DataFrame, getDefaultTimeRange, LoadingState, type PanelProps, EventBusSrv } from '@grafana/data';

import { buckets, fixture, series } from '../data/testing';
import { type ConfidenceOptions, DEFAULT_OPTIONS } from '../types';
import { ConfidencePanel } from './ConfidencePanel';

// d3's ES modules are outside the shared jest transform; its UMD build is the same code.
jest.mock('d3', () => jest.requireActual(`${process.cwd()}/node_modules/d3/dist/d3.js`));

// VizTooltipContainer measures itself; jsdom has no ResizeObserver.
beforeAll(() => {
  Object.assign(global, {
    ResizeObserver: class {
      observe() {}
      disconnect() {}
    },
  });
});

function props(series: DataFrame[], options: Partial<ConfidenceOptions> = {}): PanelProps<ConfidenceOptions> {
  const timeRange = getDefaultTimeRange();
  return {
    id: 1,
    data: { state: LoadingState.Done, series, timeRange },
    timeRange,
    timeZone: 'utc',
    options: { ...DEFAULT_OPTIONS, ...options },
    fieldConfig: { defaults: {}, overrides: [] },
    transparent: false,
    width: 800,
    height: 400,
    renderCounter: 1,
    title: 'Confidence',
    eventBus: new EventBusSrv(),
    onOptionsChange: jest.fn(),
    onFieldConfigChange: jest.fn(),
    replaceVariables: (s: string) => s,
    onChangeTimeRange: jest.fn(),
  };
}

describe('ConfidencePanel', () => {
  it('explains empty data', () => {
    render(<ConfidencePanel {...props([])} />);
    expect(screen.getByTestId('mlwatch-panel-message')).toHaveTextContent('No data');
  });

  it('shows the header figures and the backend verdict for the drop fixture', () => {
    render(<ConfidencePanel {...props(fixture('confidence-histogram-drop.json'))} />);
    expect(screen.getByTestId('confidence-figure-mean')).toHaveTextContent('0.72−0.15ref 0.87');
    expect(screen.getByTestId('confidence-figure-low')).toHaveTextContent('Below 0.512.4%+9.9 ppref 2.5%');
    expect(screen.getByTestId('confidence-figure-drift')).toHaveTextContent('drifted');
    expect(screen.getByTestId('confidence-histogram')).toHaveAttribute('data-bins', '20');
  });

  it('reads bins with the keyboard, with both shares and counts', () => {
    render(<ConfidencePanel {...props(fixture('confidence-histogram-drop.json'))} />);
    const chart = screen.getByTestId('confidence-histogram');
    fireEvent.keyDown(chart, { key: 'End' });
    const tip = screen.getByTestId('confidence-tooltip');
    expect(tip).toHaveTextContent('0.95–1.00');
    expect(within(tip).getByText('Current')).toBeInTheDocument();
    expect(tip).toHaveTextContent(/15\.\d% \(7,\d{3}\)/);
    expect(tip).toHaveTextContent(/32\.\d% \(15,\d{3}\)/);
    fireEvent.keyDown(chart, { key: 'Escape' });
    expect(screen.queryByTestId('confidence-tooltip')).toBeNull();
  });

  it('offers a view switch when the data fills several views', () => {
    const frames = [...buckets('A', ['0.5', '1', '+Inf'], [1, 2, 2]), series('C', { class: 'a' }, [3])];
    render(<ConfidencePanel {...props(frames)} />);
    expect(screen.getByTestId('confidence-panel')).toHaveAttribute('data-view', 'histogram');
    fireEvent.click(screen.getByLabelText('Classes'));
    expect(screen.getByTestId('confidence-panel')).toHaveAttribute('data-view', 'classes');
  });

  it('explains a chosen mode the data does not fit', () => {
    render(<ConfidencePanel {...props(fixture('confidence-histogram-drop.json'), { mode: 'calibration' })} />);
    expect(screen.getByTestId('mlwatch-panel-message')).toHaveTextContent('No labelled predictions in this data');
  });

  it('hides the header when asked or when the panel is short', () => {
    const { rerender } = render(
      <ConfidencePanel {...props(fixture('confidence-histogram-drop.json'), { showHeader: false })} />
    );
    expect(screen.queryByTestId('confidence-header')).toBeNull();
    rerender(<ConfidencePanel {...{ ...props(fixture('confidence-histogram-drop.json')), height: 150 }} />);
    expect(screen.queryByTestId('confidence-header')).toBeNull();
  });
});
