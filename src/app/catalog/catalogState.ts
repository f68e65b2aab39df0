/**
 * What the alert template page computes, as pure functions: filtering the
 * catalog, turning form text into parameter values, previews of the three
 * output formats, the provisioning API requests and file names.
 */
import {
  type Area,
  type CatalogEntry,
  GENERATED_FILES,
  type ParameterSpec,
  type ParamValue,
  type ParamValues,
  renderFiles,
  renderGrafanaApiRules,
  resolveInstance,
  resolveInstances,
  type Severity,
  type TemplateInstance,
} from '../alerts';

export interface CatalogFilter {
  search: string;
  area: Area | '';
  severity: Severity | '';
}

/** Entries matching every word of the search (in id, title or description), the area and the severity. */
export function filterCatalog(entries: readonly CatalogEntry[], f: CatalogFilter): CatalogEntry[] {
  const words = f.search.toLowerCase().split(/\s+/).filter(Boolean);
  return entries.filter((e) => {
    if (f.area && e.area !== f.area) {
      return false;
    }
    if (f.severity && e.severity !== f.severity) {
      return false;
    }
    const text = `${e.id} ${e.title} ${e.description}`.toLowerCase();
    return words.every((w) => text.includes(w));
  });
}

/**
 * Form text to parameter values: number parameters become numbers when the
 * text is a number (else the text stays, and validation says what is wrong).
 * Only values that differ from the defaults are kept.
 */
export function formParameters(specs: readonly ParameterSpec[], form: Record<string, string>): ParamValues {
  const out: ParamValues = {};
  for (const p of specs) {
    const text = form[p.name];
    if (text === undefined) {
      continue;
    }
    let value: ParamValue = text;
    if (p.kind === 'number') {
      const n = text.trim() === '' ? NaN : Number(text);
      value = Number.isFinite(n) ? n : text;
    }
    if (value !== p.default) {
      out[p.name] = value;
    }
  }
  return out;
}

/** Form text of parameter values (for editing). */
export function formText(specs: readonly ParameterSpec[], values: ParamValues): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of specs) {
    out[p.name] = String(values[p.name] ?? p.default);
  }
  return out;
}

export type Format = 'grafana' | 'prometheus' | 'prometheusRule';

export const FORMATS: ReadonlyArray<{ id: Format; label: string; file: string }> = [
  { id: 'grafana', label: 'Grafana provisioning', file: GENERATED_FILES.grafanaProvisioning },
  { id: 'prometheus', label: 'Prometheus rules', file: GENERATED_FILES.prometheusRules },
  { id: 'prometheusRule', label: 'PrometheusRule', file: GENERATED_FILES.prometheusRule },
];

export interface PreviewOptions {
  folderUid: string;
}

export type Preview =
  | { ok: true; files: Record<Format, string>; problems: []; byParameter: Record<string, string> }
  | { ok: false; files?: undefined; problems: string[]; byParameter: Record<string, string> };

/** Renders instances in the three formats, or says what is wrong, per parameter where it can. */
export function preview(instances: readonly TemplateInstance[], opts: PreviewOptions): Preview {
  const problems: string[] = [];
  const byParameter: Record<string, string> = {};
  for (const inst of instances) {
    const r = resolveInstance(inst);
    if (!r.ok) {
      for (const p of r.problems) {
        problems.push(p);
        const m = /^parameter (\w+): (.*)$/.exec(p);
        if (m && instances.length === 1) {
          byParameter[m[1]] = m[2];
        }
      }
    }
  }
  if (problems.length > 0) {
    return { ok: false, problems, byParameter };
  }
  try {
    const files = renderFiles(instances, {
      source: 'the mlwatch app',
      grafana: { folderUid: opts.folderUid, folderTitle: opts.folderUid },
    });
    return {
      ok: true,
      problems: [],
      byParameter,
      files: {
        grafana: files[GENERATED_FILES.grafanaProvisioning],
        prometheus: files[GENERATED_FILES.prometheusRules],
        prometheusRule: files[GENERATED_FILES.prometheusRule],
      },
    };
  } catch (e) {
    return { ok: false, problems: [e instanceof Error ? e.message : String(e)], byParameter };
  }
}

export interface ApiRequest {
  method: 'POST';
  url: string;
  data: unknown;
  headers: Record<string, string>;
}

/**
 * One POST /api/v1/provisioning/alert-rules per rule, into the folder.
 * X-Disable-Provenance keeps the rules editable in Grafana's alerting UI.
 * Throws on invalid instances; check them with preview() first.
 */
export function installRequests(instances: readonly TemplateInstance[], folderUid: string): ApiRequest[] {
  return renderGrafanaApiRules(resolveInstances(instances), { folderUid }).map((rule) => ({
    method: 'POST',
    url: '/api/v1/provisioning/alert-rules',
    data: rule,
    headers: { 'X-Disable-Provenance': 'true' },
  }));
}

/** File name for a download: the template id (or "mlwatch-alerts") and the format. */
export function downloadName(base: string, format: Format | 'bundle'): string {
  const stem = base.replace(/[^A-Za-z0-9_-]+/g, '-');
  switch (format) {
    case 'grafana':
      return `${stem}.grafana-alerting.yaml`;
    case 'prometheus':
      return `${stem}.rules.yaml`;
    case 'prometheusRule':
      return `${stem}.prometheusrule.yaml`;
    case 'bundle':
      return `${stem}.mlwatch-alerts.json`;
  }
}

/** A short message for the result of an install. */
export function installMessage(
  created: number,
  failed: Array<{ title: string; message: string }>,
  folderUid: string
): string {
  if (failed.length === 0) {
    return `Created ${created} alert rule${created === 1 ? '' : 's'} in folder ${folderUid}.`;
  }
  const first = failed[0];
  return `Created ${created}, failed ${failed.length}: ${first.title}: ${first.message}`;
}
