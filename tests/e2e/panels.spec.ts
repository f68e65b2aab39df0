import { expect, test } from '@grafana/plugin-e2e';

const PANELS = ['Feature drift', 'GPU fleet', 'Prediction confidence', 'Inference trace'];

test('each mlwatch panel renders on the provisioned dashboard', async ({ gotoDashboardPage, readProvisionedDashboard, page }) => {
  const dashboard = await readProvisionedDashboard({ fileName: 'mlwatch-getting-started.json' });
  const dashboardPage = await gotoDashboardPage(dashboard);
  for (const title of PANELS) {
    const panel = dashboardPage.getPanelByTitle(title);
    await expect(panel.locator).toBeVisible();
    // Every panel either draws data or explains what it needs; never a blank box.
    await expect(panel.locator.getByTestId('mlwatch-panel-message')).toBeVisible();
  }
  await expect(page.getByText('Panel plugin not found')).toHaveCount(0);
});
