import { readFileSync } from 'fs';
import { join } from 'path';

import { BUNDLE_FORMAT, exportBundle, exportBundleJson, importBundle, parseBundle } from './bundle';
import { TEMPLATES } from './catalog';
import { AlertTemplateError, defaultInstances, resolveInstances } from './instances';
import { defaults } from './params';
import { renderGrafanaApiRules, renderPrometheusRules } from './index';
import type { TemplateInstance } from './types';

const problemsOf = (input: unknown): string[] => {
  const r = parseBundle(input);
  if (r.ok) {
    throw new Error('expected problems');
  }
  return r.problems;
};

const bundle = (templates: unknown, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ format: BUNDLE_FORMAT, version: 1, templates, ...extra });

describe('exportBundle', () => {
  it('writes every parameter of every template, so the bundle does not depend on defaults', () => {
    const b = exportBundle(defaultInstances());
    expect(b.format).toBe('mlwatch-alert-bundle');
    expect(b.version).toBe(1);
    expect(b.templates.map((t) => t.id)).toEqual(TEMPLATES.map((t) => t.id));
    b.templates.forEach((entry, i) => {
      expect(entry.parameters).toEqual(defaults(TEMPLATES[i]));
      expect(entry).not.toHaveProperty('instance');
    });
  });

  it('writes only changed parameters on request, and the instance name', () => {
    const b = exportBundle(
      [{ id: 'MLFeatureDrift', instance: 'fraud', parameters: { model: 'fraud', threshold: 0.2, method: 'psi' } }],
      { onlyChanged: true }
    );
    expect(b.templates).toEqual([
      { id: 'MLFeatureDrift', instance: 'fraud', parameters: { model: 'fraud', threshold: 0.2 } },
    ]);
  });

  it('refuses to export invalid instances', () => {
    expect(() => exportBundle([{ id: 'GPUIdle', parameters: { threshold: 'low' } }])).toThrow(AlertTemplateError);
  });

  it('writes JSON text with a trailing newline', () => {
    const text = exportBundleJson([{ id: 'GPUIdle' }], { onlyChanged: true });
    expect(text).toBe(
      '{\n  "format": "mlwatch-alert-bundle",\n  "version": 1,\n  "templates": [\n    {\n      "id": "GPUIdle",\n      "parameters": {}\n    }\n  ]\n}\n'
    );
  });
});

describe('round trip', () => {
  const instances: TemplateInstance[] = [
    { id: 'MLHighErrorRate', parameters: { threshold: 0.02, team: 'ml-platform', selector: 'namespace="prod"' } },
    { id: 'MLErrorBudgetBurn', parameters: { slo: 99.9, fastFor: '5m' } },
    { id: 'MLFeatureDrift', instance: 'fraud', parameters: { model: 'fraud' } },
    { id: 'MLFeatureDrift', instance: 'churn', parameters: { model: 'churn', method: 'wasserstein', threshold: 0.3 } },
    { id: 'GPUStraggler', parameters: { groupLabel: 'job', factor: 0.6 } },
  ];

  it('imports what it exports and renders the same rules', () => {
    for (const onlyChanged of [false, true]) {
      const text = exportBundleJson(instances, { onlyChanged });
      const back = importBundle(text);
      expect(back.map((i) => [i.id, i.instance])).toEqual(instances.map((i) => [i.id, i.instance]));
      const before = resolveInstances(instances);
      const after = resolveInstances(back);
      expect(after.map((r) => r.values)).toEqual(before.map((r) => r.values));
      expect(renderGrafanaApiRules(after)).toEqual(renderGrafanaApiRules(before));
      expect(renderPrometheusRules(after)).toEqual(renderPrometheusRules(before));
      // Export again: the same text.
      expect(exportBundleJson(back, { onlyChanged })).toBe(text);
    }
  });

  it('accepts an already parsed object and every default template', () => {
    const r = parseBundle(exportBundle(defaultInstances()));
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.resolved).toHaveLength(TEMPLATES.length);
      expect(r.bundle.templates).toHaveLength(TEMPLATES.length);
    }
  });

  it('accepts entries without parameters (all defaults)', () => {
    expect(importBundle(bundle([{ id: 'GPUXidError' }]))).toEqual([{ id: 'GPUXidError', parameters: {} }]);
  });
});

describe('bad bundles', () => {
  it('not JSON, not an object', () => {
    expect(problemsOf('{"format": ')).toEqual([expect.stringMatching(/^the bundle is not valid JSON: /)]);
    expect(problemsOf('[1, 2]')).toEqual([
      'the bundle must be a JSON object with "format": "mlwatch-alert-bundle", "version" and "templates"',
    ]);
    expect(problemsOf(null)[0]).toMatch(/must be a JSON object/);
  });

  it('wrong format', () => {
    expect(problemsOf(JSON.stringify({ version: 1, templates: [] }))).toEqual([
      '"format" is missing; an mlwatch alert bundle has "format": "mlwatch-alert-bundle"',
    ]);
    expect(problemsOf(JSON.stringify({ format: 'grafana-dashboard', version: 1, templates: [] }))).toEqual([
      '"format" is "grafana-dashboard", not "mlwatch-alert-bundle": this is not an mlwatch alert bundle',
    ]);
  });

  it('wrong version: missing, newer, older, not a number', () => {
    expect(problemsOf(JSON.stringify({ format: BUNDLE_FORMAT, templates: [] }))).toEqual([
      '"version" is missing; this mlwatch reads version 1',
    ]);
    expect(problemsOf(JSON.stringify({ format: BUNDLE_FORMAT, version: 2, templates: [{ whatever: true }] }))).toEqual([
      '"version" 2 is newer than this mlwatch understands (it reads version 1); upgrade mlwatch, or export the bundle again from a version that writes version 1',
    ]);
    expect(problemsOf(JSON.stringify({ format: BUNDLE_FORMAT, version: 0, templates: [] }))).toEqual([
      '"version" 0 does not exist; bundles start at version 1',
    ]);
    expect(problemsOf(JSON.stringify({ format: BUNDLE_FORMAT, version: '1', templates: [] }))).toEqual([
      '"version" must be a whole number (1), got "1"',
    ]);
  });

  it('templates missing, not a list, or empty; unknown fields', () => {
    expect(problemsOf(JSON.stringify({ format: BUNDLE_FORMAT, version: 1 }))).toEqual([
      '"templates" must be a list of {"id": ..., "parameters": {...}}, got nothing',
    ]);
    expect(problemsOf(bundle({ id: 'GPUIdle' }))[0]).toMatch(/"templates" must be a list/);
    expect(problemsOf(bundle([]))).toEqual(['"templates" is empty; a bundle needs at least one template']);
    expect(problemsOf(bundle([{ id: 'GPUIdle' }], { templtes: [] }))).toEqual([
      'unknown field "templtes" (did you mean templates?); allowed: format, version, templates',
    ]);
  });

  it('bad entries: not objects, no id, unknown fields, wrong types', () => {
    expect(
      problemsOf(
        bundle([
          'GPUIdle',
          { parameters: {} },
          { id: 'GPUIdle', params: { threshold: 3 } },
          { id: 'GPUTemperatureHigh', parameters: [85] },
          { id: 'GPUXidError', instance: 7 },
        ])
      )
    ).toEqual([
      'templates[0]: must be an object with "id" and "parameters"',
      'templates[1]: "id" must be a template id such as "MLHighErrorRate"',
      'templates[2]: unknown field "params" (did you mean parameters?); allowed: id, instance, parameters',
      'templates[3]: "parameters" must be an object of name: value',
      'templates[4]: "instance" must be a string',
    ]);
  });

  it('unknown templates, with a suggestion and the list of known ones', () => {
    const [p] = problemsOf(bundle([{ id: 'GPUStragler', parameters: {} }]));
    expect(p).toMatch(
      /^templates\[0\]: unknown template "GPUStragler" \(did you mean GPUStraggler\?\); known templates: MLHighErrorRate, MLSlowInference, /
    );
    expect(p).toContain('MLFeatureDrift');
  });

  it('bad parameter values: every one, with the template and what to fix', () => {
    expect(
      problemsOf(
        bundle([
          {
            id: 'MLHighErrorRate',
            parameters: { threshold: 5, window: '5 minutes', modelLabel: 'model-name', tresh: 1 },
          },
          { id: 'MLErrorBudgetBurn', parameters: { fastShortWindow: '2h' } },
          { id: 'GPUIdle', parameters: { threshold: '5' } },
        ])
      )
    ).toEqual([
      'templates[0] (MLHighErrorRate): parameter tresh: unknown parameter (did you mean threshold?); MLHighErrorRate has threshold, window, for, severity, requestsMetric, modelLabel, codeLabel, errorCodes, selector, team, runbookUrl, datasourceUid, noDataState, execErrState',
      'templates[0] (MLHighErrorRate): parameter threshold: must be above 0 and below 1, got 5',
      'templates[0] (MLHighErrorRate): parameter window: "5 minutes" is not a duration; use a number with a unit, such as 30s, 5m, 1h or 7d',
      'templates[0] (MLHighErrorRate): parameter modelLabel: must be a label name (letters, digits and _, not starting with a digit), got "model-name"',
      'templates[1] (MLErrorBudgetBurn): parameter fastShortWindow: must be shorter than fastLongWindow (1h), got 2h',
      'templates[2] (GPUIdle): parameter threshold: must be a number, got "5"',
    ]);
  });

  it('duplicate template and instance, and bad instance names', () => {
    expect(
      problemsOf(
        bundle([
          { id: 'MLFeatureDrift', instance: 'fraud', parameters: { model: 'fraud' } },
          { id: 'MLFeatureDrift', instance: 'fraud', parameters: { model: 'churn' } },
          { id: 'GPUIdle', instance: 'Lab GPUs' },
        ])
      )
    ).toEqual([
      'templates[1] (MLFeatureDrift (fraud)): same template and instance as templates[0]; give them different "instance" names',
      'templates[2] (GPUIdle (Lab GPUs)): instance "Lab GPUs" must be 1 to 24 lower-case letters, digits, - or _, starting and ending with a letter or digit',
    ]);
  });

  it('importBundle throws one error listing every problem', () => {
    let err: unknown;
    try {
      importBundle(bundle([{ id: 'Nope' }, { id: 'GPUIdle', parameters: { for: 'soon' } }]));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AlertTemplateError);
    const e = err as AlertTemplateError;
    expect(e.problems).toHaveLength(2);
    expect(e.message.split('\n')).toEqual([
      'the alert bundle cannot be imported:',
      expect.stringMatching(/^ {2}- templates\[0\]: unknown template "Nope"/),
      expect.stringMatching(/^ {2}- templates\[1\] \(GPUIdle\): parameter for: "soon" is not a duration/),
    ]);
  });
});

describe('docs/alert-bundles.md', () => {
  const doc = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'alert-bundles.md'), 'utf8');

  it('documents every template and every parameter with its default', () => {
    const esc = (x: string) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    // A table row "| `name` | `default` |", however the table is padded.
    const row = (name: string, def: string) => new RegExp(`\\|\\s*\`${esc(name)}\`\\s*\\|\\s*${esc(def)}\\s*\\|`);
    const common = doc.slice(doc.indexOf('## Templates'), doc.indexOf(`### ${TEMPLATES[0].id}\n`));
    for (const t of TEMPLATES) {
      const start = doc.indexOf(`### ${t.id}\n`);
      expect([t.id, start >= 0]).toEqual([t.id, true]);
      const next = doc.indexOf('\n### ', start + 1);
      const section = doc.slice(start, next < 0 ? undefined : next);
      for (const p of t.parameters) {
        const def = p.default === '' ? '(empty)' : `\`${p.default}\``;
        const documented = row(p.name, def).test(section) || row(p.name, def).test(common);
        expect([t.id, p.name, documented]).toEqual([t.id, p.name, true]);
      }
    }
  });

  it('shows a bundle that imports', () => {
    const example = /```json\n([\s\S]*?)\n```/.exec(doc);
    expect(example).not.toBeNull();
    const r = parseBundle(example![1]);
    expect(r.ok ? [] : r.problems).toEqual([]);
  });
});
