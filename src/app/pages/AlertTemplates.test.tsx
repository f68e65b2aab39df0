import React from 'react';
import { of, throwError } from 'rxjs';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';

import { DEFAULT_SETTINGS } from '../catalog/settings';
import { AlertTemplates } from './AlertTemplates';

interface Req {
  url: string;
  method?: string;
  data?: { title: string; folderUID: string; labels: Record<string, string> };
  headers?: Record<string, string>;
}

// Each test renders the whole page and fills a form: about 2.5 s alone, and
// several times that on a busy 2-core machine; jest's 5 s default is too short.
jest.setTimeout(30_000);

const requests: Req[] = [];
let failPosts = false;

jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  PluginPage: ({ children }: { children: React.ReactNode }) => <div>{children}</div>,
  getBackendSrv: () => ({
    fetch: (req: Req) => {
      requests.push(req);
      if (req.url === '/api/folders') {
        return of({ data: [{ uid: 'ml-alerts', title: 'ML alerts' }] });
      }
      if (failPosts) {
        return throwError(() => ({ status: 404, data: { message: 'folder not found' } }));
      }
      return of({ data: { uid: 'x' } });
    },
  }),
}));

beforeAll(() => {
  // jsdom has no canvas; Combobox measures its option labels with one.
  HTMLCanvasElement.prototype.getContext = (() => ({
    measureText: (text: string) => ({ width: text.length * 7 }),
    font: '',
  })) as unknown as typeof HTMLCanvasElement.prototype.getContext;
});

beforeEach(() => {
  requests.length = 0;
  failPosts = false;
});

test('creates the selected template through the provisioning API with the settings as defaults', async () => {
  render(<AlertTemplates settings={{ ...DEFAULT_SETTINGS, prometheusUid: 'prom-2', folderUid: 'ml-alerts' }} />);
  fireEvent.click(within(screen.getByTestId('template-MLServingOOMKilled')).getByRole('button'));
  expect(screen.getByTestId('template-preview').textContent).toContain('datasourceUid: prom-2');
  fireEvent.change(document.getElementById('param-team')!, { target: { value: 'sre' } });
  fireEvent.click(screen.getByRole('button', { name: /Create in Grafana/ }));
  await waitFor(() =>
    expect(screen.getByTestId('install-result').textContent).toContain('Created 1 alert rule in folder ml-alerts.')
  );
  const posts = requests.filter((r) => r.method === 'POST');
  expect(posts).toHaveLength(1);
  expect(posts[0]).toMatchObject({
    url: '/api/v1/provisioning/alert-rules',
    headers: { 'X-Disable-Provenance': 'true' },
    data: { title: 'MLServingOOMKilled', folderUID: 'ml-alerts', labels: { severity: 'critical', team: 'sre' } },
  });
});

test('says which rules failed', async () => {
  failPosts = true;
  render(<AlertTemplates settings={DEFAULT_SETTINGS} />);
  fireEvent.click(within(screen.getByTestId('template-MLErrorBudgetBurn')).getByRole('button'));
  fireEvent.click(screen.getByRole('button', { name: /Create in Grafana/ }));
  await waitFor(() =>
    expect(screen.getByTestId('install-result').textContent).toBe(
      'Created 0, failed 2: MLErrorBudgetBurn: folder not found'
    )
  );
});

test('filters the catalog and blocks install on a bad value', () => {
  render(<AlertTemplates settings={DEFAULT_SETTINGS} />);
  fireEvent.change(screen.getByLabelText('Search templates'), { target: { value: 'throttled' } });
  expect(screen.getByTestId('catalog-count').textContent).toBe('1 of 16 templates');
  fireEvent.change(document.getElementById('param-threshold')!, { target: { value: '-1' } });
  expect(screen.getByTestId('template-problems').textContent).toContain('threshold');
  expect(screen.getByRole('button', { name: /Create in Grafana/ })).toBeDisabled();
});
