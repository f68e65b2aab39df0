/**
 * Every mlwatch dashboard, and the files they are written to.
 */
import { gpuFleetDashboard, llmDashboard } from './gpuLlm';
import { dataDrift, inferenceTraces, predictionQuality } from './mlDashboards';
import { serviceOverview } from './serviceOverview';
import type { Dashboard } from './types';

export type { Dashboard } from './types';

/** The dashboards in the order the app lists them. */
export function dashboards(): Dashboard[] {
  return [serviceOverview(), dataDrift(), predictionQuality(), gpuFleetDashboard(), llmDashboard(), inferenceTraces()];
}

/** File name of a dashboard in provisioning/dashboards/ and dist/dashboards/. */
export function dashboardFile(d: Dashboard): string {
  return `${d.uid}.json`;
}

/** Directory of the generated files, relative to the repository. */
export const DASHBOARD_DIR = 'provisioning/dashboards';

/** The files to write: repository-relative path -> JSON text. */
export function renderDashboards(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of dashboards()) {
    out[`${DASHBOARD_DIR}/${dashboardFile(d)}`] = JSON.stringify(d, null, 2) + '\n';
  }
  return out;
}

/** What the app's pages show about each dashboard. */
export interface DashboardEntry {
  uid: string;
  title: string;
  description: string;
}

export function dashboardEntries(): DashboardEntry[] {
  return dashboards().map((d) => ({
    uid: d.uid,
    title: d.title.replace(/^mlwatch \/ /, ''),
    description: d.description,
  }));
}
