import React, { useState } from 'react';
import { fireEvent, render, screen } from '@testing-library/react';

import type { Settings } from '../data/config';
import { ConfigEditor } from './ConfigEditor';

beforeAll(() => {
  HTMLCanvasElement.prototype.getContext = (() => ({ measureText: (t: string) => ({ width: t.length * 7 }) })) as never;
});

function setup(initial: Partial<Settings>) {
  let latest = {
    id: 1,
    uid: 'ds',
    orgId: 1,
    name: 'mlwatch',
    type: 'mlwatch-ml-datasource',
    access: 'proxy',
    jsonData: {},
    secureJsonFields: {},
    ...initial,
  } as Settings;
  function Host() {
    const [options, setOptions] = useState(latest);
    return (
      <ConfigEditor
        options={options}
        onOptionsChange={(o) => {
          latest = o as Settings;
          setOptions(latest);
        }}
      />
    );
  }
  render(<Host />);
  return () => latest;
}

const byId = (id: string) => document.getElementById(id) as HTMLInputElement | null;
const type = (id: string, value: string) => fireEvent.change(byId(id)!, { target: { value } });

describe('ConfigEditor', () => {
  it('shows the fields of the chosen authentication method', () => {
    const last = setup({ jsonData: { prometheus: { url: 'http://prometheus:9090' } } });
    expect(byId('mlwatch-prometheus-user')).toBeNull();
    fireEvent.click(screen.getByLabelText('Basic'));
    expect(last().jsonData.prometheus?.auth).toBe('basic');
    expect(byId('mlwatch-prometheus-user')).not.toBeNull();
    expect(byId('mlwatch-prometheusBasicAuthPassword')).not.toBeNull();
    expect(screen.getByText('Basic authentication needs a user')).toBeTruthy();
    type('mlwatch-prometheus-user', 'grafana');
    type('mlwatch-prometheusBasicAuthPassword', 's3cret');
    expect(last().jsonData.prometheus?.basicAuthUser).toBe('grafana');
    expect(last().secureJsonData?.prometheusBasicAuthPassword).toBe('s3cret');

    fireEvent.click(screen.getByLabelText('Bearer token'));
    expect(byId('mlwatch-prometheus-user')).toBeNull();
    expect(byId('mlwatch-prometheusBearerToken')).not.toBeNull();
  });

  it('never shows a saved secret, and resets it', () => {
    const last = setup({ jsonData: { clickhouse: { host: 'ch' } }, secureJsonFields: { clickhousePassword: true } });
    const password = byId('mlwatch-clickhousePassword')!;
    expect(password.value).toBe('configured');
    expect(password.disabled).toBe(true);
    fireEvent.click(screen.getAllByRole('button', { name: 'Reset' })[0]);
    expect(last().secureJsonFields.clickhousePassword).toBe(false);
    expect(byId('mlwatch-clickhousePassword')!.value).toBe('');
  });

  it('writes the ClickHouse connection and trace settings', () => {
    const last = setup({});
    type('mlwatch-clickhouse-host', 'clickhouse.example.com');
    type('mlwatch-clickhouse-port', '9440');
    fireEvent.click(screen.getByLabelText('HTTP'));
    type('mlwatch-clickhouse-user', 'reader');
    type('mlwatch-clickhouse-database', 'ml');
    fireEvent.click(screen.getByRole('button', { name: 'Expand section Query defaults' }));
    fireEvent.click(screen.getByLabelText('SigNoz'));
    type('mlwatch-defaults-trace-table', 'spans');
    expect(last().jsonData.clickhouse).toEqual({
      host: 'clickhouse.example.com',
      port: 9440,
      protocol: 'http',
      username: 'reader',
      database: 'ml',
    });
    expect(last().jsonData.defaults).toEqual({ tracesSchema: 'signoz', tracesTable: 'spans' });
  });

  it('writes every default under the backend key, with the built-in values as placeholders', () => {
    const last = setup({ jsonData: { defaults: { minCount: 5 } } });
    const fields: Array<[string, string, string, string | number]> = [
      ['feature-metric', 'ml_feature_value', 'featureMetric', 'fv'],
      ['confidence-metric', 'ml_prediction_confidence', 'confidenceMetric', 'conf'],
      ['predictions-metric', 'ml_predictions_total', 'predictionsMetric', 'preds'],
      ['feature-label', 'feature', 'featureLabel', 'feat'],
      ['class-label', 'class', 'classLabel', 'cls'],
      ['gpu-group-label', 'namespace', 'gpuGroupLabel', 'hpc_job'],
      ['straggler-threshold', '0.75', 'stragglerThreshold', 0.6],
      ['min-group-median', '40', 'minGroupMedian', 30],
      ['min-count', '1', 'minCount', 10],
      ['trace-database', 'default', 'tracesDatabase', 'obs'],
      ['trace-table', 'otel_traces', 'tracesTable', 'spans'],
      ['trace-limit', '100', 'tracesLimit', 50],
      ['max-series', '20000', 'maxSeries', 1000],
      ['max-points', '5000000', 'maxPoints', 2000],
      ['max-rows', '1000000', 'maxRows', 3000],
      ['max-bytes', String(256 << 20), 'maxBytes', 4000],
      ['query-timeout', '60', 'queryTimeoutSeconds', 90],
    ];
    for (const [id, placeholder] of fields) {
      expect(byId(`mlwatch-defaults-${id}`)?.placeholder).toBe(placeholder);
    }
    for (const [id, , , value] of fields) {
      type(`mlwatch-defaults-${id}`, String(value));
    }
    expect(last().jsonData.defaults).toEqual(Object.fromEntries(fields.map(([, , key, value]) => [key, value])));
    type('mlwatch-defaults-feature-metric', '');
    expect(last().jsonData.defaults?.featureMetric).toBeUndefined();
  });

  it('shows the backend rules for defaults next to the field', () => {
    setup({ jsonData: { defaults: { confidenceMetric: 'conf_bucket', tracesLimit: 20000, minGroupMedian: 120 } } });
    expect(screen.getByText("Give the histogram's base name without _bucket (conf)")).toBeTruthy();
    expect(screen.getByText('Use a whole number from 1 to 10000')).toBeTruthy();
    expect(screen.getByText('Use a utilisation percentage from 0 to 100, such as 40')).toBeTruthy();
  });

  it('says what is wrong next to the field', () => {
    setup({ jsonData: { prometheus: { url: 'prometheus:9090' }, clickhouse: { host: 'http://ch:8123' } } });
    expect(screen.getByText('Use a full URL such as http://prometheus:9090')).toBeTruthy();
    expect(screen.getByText('Give only the host name, for example clickhouse.example.com')).toBeTruthy();
  });
});
