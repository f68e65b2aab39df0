import { expect, test } from '@grafana/plugin-e2e';

const APP_ID = 'mlwatch-observability-app';

test('overview page loads and checks the setup', async ({ gotoAppPage, page }) => {
  await gotoAppPage({ pluginId: APP_ID, path: '/overview' });
  await expect(page.getByText('mlwatch shows what generic monitoring misses')).toBeVisible();
  await expect(page.getByTestId('setup-check-datasource')).toBeVisible();
});

test('config page links to the datasource', async ({ gotoAppConfigPage, page }) => {
  await gotoAppConfigPage({ pluginId: APP_ID });
  await expect(page.getByRole('link', { name: 'Add an mlwatch datasource' })).toBeVisible();
});
