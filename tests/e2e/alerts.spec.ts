import { expect, test } from '@grafana/plugin-e2e';

const APP_ID = 'mlwatch-observability-app';
const TEMPLATE = 'GPUTemperatureHigh';

interface ProvisionedRule {
  uid: string;
  title: string;
  folderUID: string;
  labels?: Record<string, string>;
}

test('an alert template is created in a folder through the UI', async ({ gotoAppPage, page }) => {
  // A folder of its own, so that the rule is easy to find and to clean up.
  const folder = { uid: `mlwatch-e2e-${Date.now()}`, title: `mlwatch e2e ${Date.now()}` };
  const made = await page.request.post('/api/folders', { data: folder });
  expect(made.ok(), await made.text()).toBe(true);
  let ruleUid: string | undefined;
  try {
    await gotoAppPage({ pluginId: APP_ID, path: '/alerts' });
    await page.getByLabel('Search templates').fill('temperature');
    await page.getByTestId(`template-${TEMPLATE}`).click();
    await expect(page.getByRole('heading', { level: 2 })).toContainText(TEMPLATE);

    await page.locator('#mlwatch-folder').fill(folder.title);
    await page.getByRole('option', { name: folder.title }).click();
    await page.getByRole('button', { name: 'Create in Grafana' }).click();
    await expect(page.getByTestId('install-result')).toContainText(`Created 1 alert rule in folder ${folder.uid}.`);

    const resp = await page.request.get('/api/v1/provisioning/alert-rules');
    expect(resp.ok(), await resp.text()).toBe(true);
    const rules = (await resp.json()) as ProvisionedRule[];
    const rule = rules.find((r) => r.folderUID === folder.uid && r.title === TEMPLATE);
    expect(rule, `no ${TEMPLATE} rule in folder ${folder.uid}`).toBeDefined();
    expect(rule?.labels?.severity).toBe('warning');
    ruleUid = rule?.uid;
  } finally {
    if (ruleUid) {
      const del = await page.request.delete(`/api/v1/provisioning/alert-rules/${ruleUid}`, {
        headers: { 'X-Disable-Provenance': 'true' },
      });
      expect(del.ok(), await del.text()).toBe(true);
    }
    await page.request.delete(`/api/folders/${folder.uid}?forceDeleteRules=true`);
  }
  if (ruleUid) {
    const gone = await page.request.get(`/api/v1/provisioning/alert-rules/${ruleUid}`);
    expect(gone.status()).toBe(404);
  }
});
