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
    fireEvent.click(screen.getByLabelText('SigNoz'));
    type('mlwatch-defaults-trace-table', 'spans');
    expect(last().jsonData.clickhouse).toEqual({
      host: 'clickhouse.example.com',
      port: 9440,
      protocol: 'http',
      username: 'reader',
      database: 'ml',
    });
    expect(last().jsonData.defaults).toEqual({ traceSchema: 'signoz', traceTable: 'spans' });
  });

  it('says what is wrong next to the field', () => {
    setup({ jsonData: { prometheus: { url: 'prometheus:9090' }, clickhouse: { host: 'http://ch:8123' } } });
    expect(screen.getByText('Use a full URL such as http://prometheus:9090')).toBeTruthy();
    expect(screen.getByText('Give only the host name, for example clickhouse.example.com')).toBeTruthy();
  });
});
