import { expect, test } from '@grafana/plugin-e2e';

interface MlJsonData {
  prometheus?: { url?: string };
}

test('config saves and its health check reaches Prometheus', async ({ createDataSourceConfigPage, readProvisionedDataSource, page }) => {
  const ds = await readProvisionedDataSource<MlJsonData>({ fileName: 'mlwatch.yaml', name: 'mlwatch' });
  const configPage = await createDataSourceConfigPage({ type: ds.type });
  await page.locator('#mlwatch-prometheus-url').fill(ds.jsonData.prometheus?.url ?? 'http://prometheus:9090');
  await expect(configPage.saveAndTest()).toBeOK();
  await expect(page.getByText(/Prometheus: connected to/)).toBeVisible();
});

test('a broken URL is explained', async ({ createDataSourceConfigPage, page }) => {
  const configPage = await createDataSourceConfigPage({ type: 'mlwatch-ml-datasource' });
  await page.locator('#mlwatch-prometheus-url').fill('http://127.0.0.1:1');
  await expect(configPage.saveAndTest()).not.toBeOK();
  await expect(page.getByText(/connection refused/)).toBeVisible();
});
