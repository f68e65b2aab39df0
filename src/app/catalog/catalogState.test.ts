import { catalog, getTemplate, parseBundle } from '../alerts';
import {
  downloadName,
  filterCatalog,
  formParameters,
  formText,
  installMessage,
  installRequests,
  preview,
} from './catalogState';
import { DEFAULT_SETTINGS, settingsFromJsonData, settingsParameters } from './settings';

const entries = catalog();
const tpl = (id: string) => getTemplate(id)!;

describe('filterCatalog', () => {
  it('matches every search word in id, title or description', () => {
    expect(filterCatalog(entries, { search: 'oom', area: '', severity: '' }).map((e) => e.id)).toEqual([
      'MLServingOOMKilled',
    ]);
    expect(filterCatalog(entries, { search: 'GPU memory', area: '', severity: '' }).map((e) => e.id)).toEqual([
      'GPUMemoryNearFull',
    ]);
    expect(filterCatalog(entries, { search: 'no such thing', area: '', severity: '' })).toEqual([]);
  });

  it('filters by area and severity', () => {
    const infra = filterCatalog(entries, { search: '', area: 'infrastructure', severity: '' });
    expect(infra.map((e) => e.id)).toEqual(['MLServingOOMKilled', 'MLServingCPUThrottled']);
    const critical = filterCatalog(entries, { search: '', area: '', severity: 'critical' });
    expect(critical.every((e) => e.severity === 'critical')).toBe(true);
    expect(critical.map((e) => e.id)).toContain('GPUXidError');
    expect(filterCatalog(entries, { search: '', area: 'gpu', severity: 'critical' }).map((e) => e.id)).toEqual([
      'GPUXidError',
    ]);
  });
});

describe('form values', () => {
  const t = tpl('MLHighErrorRate');

  it('keeps only changed values, numbers as numbers', () => {
    const form = formText(t.parameters, { threshold: 0.05 });
    expect(form.threshold).toBe('0.05');
    expect(formParameters(t.parameters, form)).toEqual({});
    expect(formParameters(t.parameters, { ...form, threshold: '0.1', team: 'ml' })).toEqual({
      threshold: 0.1,
      team: 'ml',
    });
  });

  it('leaves text that is not a number for validation to report', () => {
    expect(formParameters(t.parameters, { threshold: 'lots' })).toEqual({ threshold: 'lots' });
    expect(formParameters(t.parameters, { threshold: '' })).toEqual({ threshold: '' });
  });
});

describe('preview', () => {
  it('renders the three formats of one template into the chosen folder', () => {
    const r = preview([{ id: 'MLRateLimited', parameters: { threshold: 0.03 } }], { folderUid: 'ml-alerts' });
    if (!r.ok) {
      throw new Error(r.problems.join('; '));
    }
    expect(r.files.grafana).toContain('title: MLRateLimited');
    expect(r.files.grafana).toContain('folder: ml-alerts');
    expect(r.files.prometheus).toContain('alert: MLRateLimited');
    expect(r.files.prometheus).toContain('> 0.03');
    expect(r.files.prometheusRule).toContain('kind: PrometheusRule');
  });

  it('reports problems per parameter', () => {
    const r = preview([{ id: 'MLHighErrorRate', parameters: { threshold: 2, window: 'soon' } }], {
      folderUid: 'mlwatch',
    });
    expect(r.ok).toBe(false);
    expect(Object.keys(r.byParameter).sort()).toEqual(['threshold', 'window']);
    expect(r.problems).toHaveLength(2);
  });

  it('renders no Prometheus rule for a Grafana-only template', () => {
    const r = preview([{ id: 'MLFeatureDrift' }], { folderUid: 'mlwatch' });
    expect(r.ok && r.files.prometheus).toContain('groups: []');
    expect(r.ok && r.files.prometheus).not.toContain('alert: MLFeatureDrift');
    expect(r.ok && r.files.grafana).toContain('MLFeatureDrift');
  });
});

describe('installRequests', () => {
  it('posts one rule per request into the folder, editable in the UI', () => {
    const reqs = installRequests(
      [{ id: 'MLErrorBudgetBurn' }, { id: 'GPUIdle', parameters: { team: 'gpu' } }],
      'ml-alerts'
    );
    expect(reqs).toHaveLength(3);
    for (const r of reqs) {
      expect(r).toMatchObject({
        method: 'POST',
        url: '/api/v1/provisioning/alert-rules',
        headers: { 'X-Disable-Provenance': 'true' },
      });
      expect(r.data).toMatchObject({ folderUID: 'ml-alerts', condition: 'C' });
    }
    expect(reqs.map((r) => (r.data as { title: string }).title)).toEqual([
      'MLErrorBudgetBurn',
      'MLErrorBudgetBurn',
      'GPUIdle',
    ]);
    expect((reqs[2].data as { labels: Record<string, string> }).labels.team).toBe('gpu');
  });

  it('throws on an invalid instance', () => {
    expect(() => installRequests([{ id: 'Nope' }], 'x')).toThrow(/unknown template/);
  });
});

describe('words', () => {
  it('names downloads and install results', () => {
    expect(downloadName('GPUIdle', 'prometheus')).toBe('GPUIdle.rules.yaml');
    expect(downloadName('GPUIdle', 'grafana')).toBe('GPUIdle.grafana-alerting.yaml');
    expect(downloadName('GPUIdle', 'prometheusRule')).toBe('GPUIdle.prometheusrule.yaml');
    expect(downloadName('my bundle', 'bundle')).toBe('my-bundle.mlwatch-alerts.json');
    expect(installMessage(1, [], 'f')).toBe('Created 1 alert rule in folder f.');
    expect(installMessage(2, [], 'f')).toBe('Created 2 alert rules in folder f.');
    expect(installMessage(1, [{ title: 'GPUIdle', message: 'folder not found' }], 'f')).toBe(
      'Created 1, failed 1: GPUIdle: folder not found'
    );
  });
});

describe('settings', () => {
  it('reads jsonData, ignoring unknown keys, non-strings and empty values', () => {
    expect(settingsFromJsonData(undefined)).toEqual(DEFAULT_SETTINGS);
    expect(settingsFromJsonData({ prometheusUid: ' prom-2 ', modelLabel: '', folderUid: 3, other: 'x' })).toEqual({
      ...DEFAULT_SETTINGS,
      prometheusUid: 'prom-2',
    });
  });

  it('gives templates their datasource and names, only where they differ from the defaults', () => {
    const s = {
      ...DEFAULT_SETTINGS,
      prometheusUid: 'prom-2',
      mlwatchUid: 'ml-2',
      modelLabel: 'service',
      servingNamespaces: 'serving',
    };
    expect(settingsParameters(tpl('MLHighErrorRate'), s)).toEqual({ datasourceUid: 'prom-2', modelLabel: 'service' });
    expect(settingsParameters(tpl('MLFeatureDrift'), s)).toMatchObject({ datasourceUid: 'ml-2' });
    expect(settingsParameters(tpl('MLServingOOMKilled'), s)).toEqual({
      datasourceUid: 'prom-2',
      namespaces: 'serving',
    });
    expect(settingsParameters(tpl('GPUIdle'), DEFAULT_SETTINGS)).toEqual({});
  });

  it('makes bundles that import again', () => {
    const s = { ...DEFAULT_SETTINGS, modelLabel: 'service' };
    const params = settingsParameters(tpl('MLSlowInference'), s);
    const text = JSON.stringify({
      format: 'mlwatch-alert-bundle',
      version: 1,
      templates: [{ id: 'MLSlowInference', parameters: params }],
    });
    const r = parseBundle(text);
    expect(r.ok).toBe(true);
  });
});
