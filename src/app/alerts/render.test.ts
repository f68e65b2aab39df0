/**
 * @jest-environment-options {"customExportConditions": ["node", "require", "default"]}
 */
// (jsdom would resolve the yaml package's browser build, an ES module jest does not transform.)
/**
 * Renderers as a whole: groups, options, UIDs, instances, the catalog and
 * the generated files.
 */
import { parse } from 'yaml';

import { catalog, TEMPLATES } from './catalog';
import { GENERATED_FILES, renderFiles, renderGrafanaApiJson, toYaml } from './files';
import { AlertTemplateError, defaultInstances, kebab, resolveInstances, ruleUid } from './instances';
import { compare, needsParens, num, selector } from './promql';
import { renderGrafanaApiRuleGroups, renderGrafanaApiRules, renderGrafanaProvisioning } from './render/grafana';
import { prometheusUnsupported, renderPrometheusRule, renderPrometheusRules } from './render/prometheus';

const all = () => resolveInstances(defaultInstances());

describe('PromQL helpers', () => {
  it('writes numbers without float noise', () => {
    expect(num(14.4 * 0.005)).toBe('0.072');
    expect(num(1 - 0.995)).toBe('0.005');
    expect(num(85)).toBe('85');
    expect(num(0.1 + 0.2)).toBe('0.3');
  });

  it('builds selectors from matchers and extra matchers', () => {
    expect(selector('m')).toBe('m');
    expect(selector('m', '', undefined)).toBe('m');
    expect(selector('m', 'code=~"5.."', 'ns="a", env!="b",')).toBe('m{code=~"5..", ns="a", env!="b"}');
  });

  it('puts parentheses around signals whose top level would bind looser than the comparison', () => {
    expect(needsParens('a / (b > 0)')).toBe(false);
    expect(needsParens('sum by (x) (rate(m{a="b>c"}[5m]))')).toBe(false);
    expect(needsParens('a and on (x) b')).toBe(true);
    expect(needsParens('a unless b')).toBe(true);
    expect(needsParens('a or b')).toBe(true);
    expect(needsParens('a > 1')).toBe(true);
    expect(needsParens('(a and b)')).toBe(false);
    expect(compare('a unless b', '>', 0)).toBe('(\n  a unless b\n) > 0');
    expect(compare('a / b', '<', 0.75)).toBe('a / b < 0.75');
  });
});

describe('Grafana rendering', () => {
  it('puts one group per area into the mlwatch folder, in area order', () => {
    const file = renderGrafanaProvisioning(all());
    expect(file.apiVersion).toBe(1);
    expect(file.groups.map((g) => [g.name, g.folder, g.interval, g.orgId])).toEqual([
      ['mlwatch-model-serving', 'mlwatch', '1m', 1],
      ['mlwatch-infrastructure', 'mlwatch', '1m', 1],
      ['mlwatch-predictions', 'mlwatch', '1m', 1],
      ['mlwatch-gpu', 'mlwatch', '1m', 1],
      ['mlwatch-llm', 'mlwatch', '1m', 1],
      ['mlwatch-drift', 'mlwatch', '1m', 1],
    ]);
    expect(file.groups.flatMap((g) => g.rules).map((r) => r.title)).toEqual([
      'MLHighErrorRate',
      'MLSlowInference',
      'MLErrorBudgetBurn',
      'MLErrorBudgetBurn',
      'MLRateLimited',
      'MLServingOOMKilled',
      'MLServingCPUThrottled',
      'MLNoPredictions',
      'MLPredictionSkew',
      'MLConfidenceDrop',
      'GPUStraggler',
      'GPUIdle',
      'GPUMemoryNearFull',
      'GPUTemperatureHigh',
      'GPUXidError',
      'LLMTokenUsageSpike',
      'MLFeatureDrift',
    ]);
  });

  it('gives every rule a unique, stable UID of at most 40 characters', () => {
    const uids = renderGrafanaApiRules(all()).map((r) => r.uid);
    expect(new Set(uids).size).toBe(uids.length);
    expect(uids).toContain('mlwatch-ml-high-error-rate');
    expect(uids).toContain('mlwatch-gpu-xid-error');
    expect(uids).toContain('mlwatch-llm-token-usage-spike');
    expect(uids.every((u) => /^[a-z0-9-]{1,40}$/.test(u))).toBe(true);
    expect(kebab('MLHighErrorRate')).toBe('ml-high-error-rate');
    expect(kebab('GPUXidError')).toBe('gpu-xid-error');
  });

  it('takes folder, group, interval, org and UID prefix options', () => {
    const opts = {
      folderUid: 'ml-alerts',
      folderTitle: 'ML alerts',
      ruleGroup: 'ml',
      interval: '30s',
      orgId: 2,
      uidPrefix: 'team-a',
    };
    const file = renderGrafanaProvisioning(all(), opts);
    expect(file.groups).toHaveLength(1);
    expect(file.groups[0]).toMatchObject({ name: 'ml', folder: 'ML alerts', interval: '30s', orgId: 2 });
    const api = renderGrafanaApiRules(all(), opts);
    expect(api.every((r) => r.folderUID === 'ml-alerts' && r.ruleGroup === 'ml' && r.orgID === 2)).toBe(true);
    expect(api[0].uid).toBe('team-a-ml-high-error-rate');
    const groups = renderGrafanaApiRuleGroups(all(), opts);
    expect(groups.map((g) => [g.title, g.folderUid, g.interval, g.rules.length])).toEqual([
      ['ml', 'ml-alerts', 30, 17],
    ]);
  });

  it('renders PUT bodies per rule group with the interval in seconds', () => {
    const groups = renderGrafanaApiRuleGroups(all());
    expect(groups.map((g) => [g.title, g.interval, g.rules.length])).toEqual([
      ['mlwatch-model-serving', 60, 5],
      ['mlwatch-infrastructure', 60, 2],
      ['mlwatch-predictions', 60, 3],
      ['mlwatch-gpu', 60, 5],
      ['mlwatch-llm', 60, 1],
      ['mlwatch-drift', 60, 1],
    ]);
    expect(groups[0].rules.every((r) => r.ruleGroup === 'mlwatch-model-serving' && r.folderUID === 'mlwatch')).toBe(
      true
    );
  });

  it.each([
    [{ interval: '15s' }, /multiple of 10s/],
    [{ interval: 'often' }, /multiple of 10s/],
    [{ folderUid: 'my folder' }, /folderUid/],
    [{ folderTitle: '$FOLDER' }, /folderTitle/],
    [{ ruleGroup: '' }, /ruleGroup/],
    [{ orgId: 0 }, /orgId/],
    [{ uidPrefix: 'Team_A' }, /uidPrefix/],
  ])('rejects bad options %j', (opts, re) => {
    expect(() => renderGrafanaProvisioning(all(), opts)).toThrow(re);
  });

  it('writes API rules as JSON text', () => {
    const rules = JSON.parse(renderGrafanaApiJson([{ id: 'GPUIdle' }]));
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatchObject({
      uid: 'mlwatch-gpu-idle',
      title: 'GPUIdle',
      folderUID: 'mlwatch',
      ruleGroup: 'mlwatch-gpu',
    });
  });
});

describe('Prometheus rendering', () => {
  it('puts one group per area, without the Grafana-only drift area', () => {
    const file = renderPrometheusRules(all());
    expect(file.groups.map((g) => [g.name, g.rules.length])).toEqual([
      ['mlwatch-model-serving', 5],
      ['mlwatch-infrastructure', 2],
      ['mlwatch-predictions', 3],
      ['mlwatch-gpu', 5],
      ['mlwatch-llm', 1],
    ]);
    expect(file.groups.some((g) => 'interval' in g)).toBe(false);
    expect(renderPrometheusRules(all(), { groupPrefix: 'ml', interval: '30s' }).groups[0]).toMatchObject({
      name: 'ml-model-serving',
      interval: '30s',
    });
  });

  it('wraps the same groups in a PrometheusRule with the release label', () => {
    const cr = renderPrometheusRule(all());
    expect(cr.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(cr.kind).toBe('PrometheusRule');
    expect(cr.metadata).toEqual({
      name: 'mlwatch-alerts',
      labels: {
        'app.kubernetes.io/name': 'mlwatch',
        'app.kubernetes.io/component': 'alert-rules',
        release: 'kube-prometheus-stack',
      },
    });
    expect(cr.spec).toEqual(renderPrometheusRules(all()));
    const mine = renderPrometheusRule(all(), {
      release: 'kps',
      namespace: 'monitoring',
      name: 'ml-rules',
      labels: { team: 'ml' },
    });
    expect(mine.metadata).toEqual({
      name: 'ml-rules',
      namespace: 'monitoring',
      labels: {
        'app.kubernetes.io/name': 'mlwatch',
        'app.kubernetes.io/component': 'alert-rules',
        team: 'ml',
        release: 'kps',
      },
    });
  });

  it.each([
    [{ release: '' }, /release/],
    [{ release: 'my release' }, /release/],
    [{ namespace: 'Monitoring' }, /namespace/],
    [{ name: 'ML_rules' }, /name/],
    [{ labels: { 'bad key!': 'x' } }, /label/],
    [{ interval: '1 minute' }, /interval/],
  ])('rejects bad PrometheusRule options %j', (opts, re) => {
    expect(() => renderPrometheusRule(all(), opts)).toThrow(re);
  });

  it('says why a Grafana-only template has no Prometheus form', () => {
    const [drift] = resolveInstances([{ id: 'MLFeatureDrift' }]);
    expect(prometheusUnsupported(drift)).toMatch(/^MLFeatureDrift has no Prometheus form: .*mlwatch datasource/);
    const [idle] = resolveInstances([{ id: 'GPUIdle' }]);
    expect(prometheusUnsupported(idle)).toBeUndefined();
  });
});

describe('instances', () => {
  it('refuses the same template twice without instance names, and bad instance names', () => {
    expect(() => resolveInstances([{ id: 'GPUIdle' }, { id: 'GPUIdle', parameters: { threshold: 10 } }])).toThrow(
      /GPUIdle: appears twice \(entries 1 and 2\); give them different instance names/
    );
    expect(() => resolveInstances([{ id: 'GPUIdle', instance: 'Lab GPUs' }])).toThrow(/instance "Lab GPUs" must be/);
    const two = resolveInstances([
      { id: 'MLFeatureDrift', instance: 'fraud', parameters: { model: 'fraud' } },
      { id: 'MLFeatureDrift', instance: 'churn', parameters: { model: 'churn' } },
    ]);
    expect(renderGrafanaApiRules(two).map((r) => r.uid)).toEqual([
      'mlwatch-ml-feature-drift-fraud',
      'mlwatch-ml-feature-drift-churn',
    ]);
  });

  it('lists every problem of every instance in one error', () => {
    let err: unknown;
    try {
      resolveInstances([{ id: 'MLHighErrorRat' }, { id: 'GPUIdle', parameters: { threshold: -1, window: 'x' } }]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AlertTemplateError);
    const problems = (err as AlertTemplateError).problems;
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(
      /^MLHighErrorRat: unknown template "MLHighErrorRat" \(did you mean MLHighErrorRate\?\); known templates: MLHighErrorRate, /
    );
    expect(problems[1]).toMatch(/^GPUIdle: parameter threshold: must be above 0 and at most 100, got -1$/);
    expect(problems[2]).toMatch(/^GPUIdle: parameter window: "x" is not a duration/);
    expect((err as Error).message).toMatch(/^the alert templates cannot be rendered:\n {2}- /);
  });

  it('shortens long UIDs with a stable hash', () => {
    const [r] = resolveInstances([{ id: 'LLMTokenUsageSpike', instance: 'a-long-instance-name' }]);
    const uid = ruleUid('mlwatch', r, r.rules[0]);
    expect(uid.length).toBeLessThanOrEqual(40);
    expect(uid).toBe(ruleUid('mlwatch', r, r.rules[0]));
    expect(uid.startsWith('mlwatch-llm-token-usage-spike-a')).toBe(true);
  });
});

describe('catalog', () => {
  it('lists every template with its area, severity and formats', () => {
    const entries = catalog();
    expect(entries.map((e) => e.id).sort()).toEqual(TEMPLATES.map((t) => t.id).sort());
    expect(entries.map((e) => e.area)).toEqual(
      [...entries.map((e) => e.area)].sort(
        (a, b) =>
          ['model-serving', 'infrastructure', 'predictions', 'gpu', 'llm', 'drift'].indexOf(a) -
          ['model-serving', 'infrastructure', 'predictions', 'gpu', 'llm', 'drift'].indexOf(b)
      )
    );
    for (const e of entries) {
      expect(e.title.length).toBeGreaterThan(3);
      expect(e.description.length).toBeGreaterThan(20);
      expect(['critical', 'warning', 'info']).toContain(e.severity);
      expect(e.formats.grafana).toBe(true);
    }
    const drift = entries.find((e) => e.id === 'MLFeatureDrift');
    expect(drift?.formats).toMatchObject({ prometheus: false, prometheusRule: false });
    expect(drift?.formats.unsupportedReason).toMatch(/computed by the mlwatch datasource backend/);
    expect(entries.filter((e) => e.formats.prometheus)).toHaveLength(15);
  });

  it('names each rule after its template', () => {
    for (const r of all()) {
      expect(r.rules.every((rule) => rule.name === r.template.id)).toBe(true);
    }
  });
});

describe('generated files', () => {
  const files = renderFiles();

  it('renders the three files with a header saying how they are made', () => {
    expect(Object.keys(files).sort()).toEqual(Object.values(GENERATED_FILES).sort());
    for (const content of Object.values(files)) {
      expect(content.startsWith('# Generated by scripts/render-alerts.mjs')).toBe(true);
      expect(content.endsWith('\n')).toBe(true);
    }
  });

  it('parses back to exactly what the renderers return', () => {
    expect(parse(files[GENERATED_FILES.prometheusRules])).toEqual(renderPrometheusRules(all()));
    expect(parse(files[GENERATED_FILES.grafanaProvisioning])).toEqual(renderGrafanaProvisioning(all()));
    expect(parse(files[GENERATED_FILES.prometheusRule])).toEqual(renderPrometheusRule(all()));
  });

  it('writes multi-line PromQL as block scalars, without YAML aliases', () => {
    const text = files[GENERATED_FILES.prometheusRules];
    expect(text).toContain('expr: |-\n');
    expect(text).not.toMatch(/[&*][a-z]+\d+/);
    expect(toYaml({ a: 'x' }, 'one\n\ntwo')).toBe('# one\n#\n# two\na: x\n');
  });

  it('renders a custom set with options', () => {
    const custom = renderFiles([{ id: 'GPUIdle', parameters: { team: 'lab' } }], {
      prometheusRule: { release: 'kps', namespace: 'monitoring' },
      grafana: { folderTitle: 'GPU' },
    });
    const cr = parse(custom[GENERATED_FILES.prometheusRule]);
    expect(cr.metadata).toMatchObject({ namespace: 'monitoring', labels: { release: 'kps' } });
    expect(cr.spec.groups[0].rules[0].labels).toEqual({ severity: 'warning', team: 'lab' });
    expect(parse(custom[GENERATED_FILES.grafanaProvisioning]).groups[0].folder).toBe('GPU');
  });
});

describe('YAML writer', () => {
  const tricky = [
    'yes',
    'no',
    'on',
    'off',
    'y',
    'N',
    'true',
    'False',
    'null',
    '~',
    '',
    ' lead',
    'trail ',
    '1',
    '-1',
    '0.5',
    '.5',
    '1e3',
    '0x1F',
    '0o17',
    '0755',
    '1_000',
    '12:30',
    '2024-01-01',
    '.inf',
    '.NaN',
    'a: b',
    'a:',
    'a:b',
    'a #b',
    'a#b',
    '#x',
    '-x',
    '- x',
    '?x',
    ':x',
    ',x',
    '{x}',
    '[x]',
    '"q"',
    "'q'",
    'say "hi"',
    '@x',
    '!x',
    '&x',
    '*x',
    '|x',
    '>x',
    '%x',
    '`x',
    '5m',
    '1h30m',
    '0s',
    '$values.B.Value',
    '°C',
    'tab\there',
    'ctrl\u0001',
    'multi\nline',
    'multi\nline\n',
    'multi\n\n',
    ' indented\nx',
    'x\n indented',
    'blank\n\nline',
    'crlf\r\nline',
    'app.kubernetes.io/name',
    '{{ $labels.model }}: {{ $value }}',
    'model="x", env!~"a|b"',
  ];

  it('round-trips tricky strings as values, keys and list items', () => {
    const doc = {
      values: Object.fromEntries(tricky.map((s, i) => [`k${i}`, s])),
      keys: Object.fromEntries(tricky.filter((s) => s !== '').map((s) => [s, 1])),
      list: tricky,
      nested: [{ a: 1, b: [] as unknown[], c: {}, d: [[1, 2], []], e: [{ f: 'x\ny' }] }, [], 'x'],
      numbers: [0, -3, 0.072, 43200, 1e-7],
      flags: [true, false, null],
    };
    expect(parse(toYaml(doc))).toEqual(doc);
  });

  it('writes plain scalars where they are safe and literals for PromQL', () => {
    // "n" is a boolean to YAML 1.1 readers, so even the key is quoted.
    expect(toYaml({ for: '5m', expr: 'a\n/\nb', n: 1, s: '1', t: 'yes' })).toBe(
      'for: 5m\nexpr: |-\n  a\n  /\n  b\n"n": 1\ns: "1"\nt: "yes"\n'
    );
    expect(toYaml({ l: [{ a: 1, b: 'x' }, 'z'] })).toBe('l:\n  - a: 1\n    b: x\n  - z\n');
  });
});
