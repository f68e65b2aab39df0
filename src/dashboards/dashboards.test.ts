/**
 * @jest-environment-options {"customExportConditions": ["node", "require", "default"]}
 */
/**
 * The generated dashboards: up to date, shipped by the app, every
 * datasource provisioned, every mlwatch query in the shape pkg/models
 * expects, every variable used and defined, every PromQL expression parsed
 * by promtool and reading only metrics the demo emits.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml, stringify as toYaml } from 'yaml';

import { layout, timeseries } from './build';
import {
  CONFIGMAP_FILE,
  dashboardEntries,
  dashboardFile,
  dashboards,
  renderConfigMaps,
  renderDashboards,
} from './index';
import type { Dashboard, MlwatchTarget, Panel, PrometheusTarget, Target, Variable } from './types';

const ROOT = join(__dirname, '..', '..');
const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');
const ALL = dashboards();

function allPanels(d: Dashboard): Panel[] {
  return d.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
}

const isMl = (t: Target): t is MlwatchTarget => t.datasource.type === 'mlwatch-ml-datasource';
const isProm = (t: Target): t is PrometheusTarget => t.datasource.type === 'prometheus';

/** Grafana's own variables and the ones of data links. */
const BUILTIN = /^__(rate_interval|interval|range|url_time_range|value|field|data|from|to)/;

/** A value for each variable as Grafana would substitute it by default. */
function variableValue(v: Variable): string {
  switch (v.type) {
    case 'query':
      return v.multi ? (v.allValue ?? '.+') : 'x';
    case 'textbox':
      return v.current.value === '' ? 'x' : v.current.value;
    default:
      return v.current.value;
  }
}

/** Replaces dashboard and built-in variables in text with default values. */
function substitute(text: string, d: Dashboard): string {
  const values = new Map(d.templating.list.map((v) => [v.name, variableValue(v)]));
  values.set('__rate_interval', '1m');
  values.set('__interval', '1m');
  values.set('__range', '1h');
  return text.replace(/\$\{([A-Za-z0-9_]+)(?::[a-z]+)?\}|\$([A-Za-z0-9_]+)/g, (m, a: string, b: string) => {
    const name = a ?? b;
    const v = values.get(name);
    if (v === undefined) {
      throw new Error(`${d.uid}: unknown variable ${m}`);
    }
    return v;
  });
}

/** Metric names the demo emits (demo/*.ts families; histograms with their series). */
function demoMetrics(): Set<string> {
  const out = new Set<string>();
  for (const f of readdirSync(join(ROOT, 'demo')).filter((f) => f.endsWith('.ts'))) {
    const src = read(`demo/${f}`);
    for (const m of src.matchAll(/\.family\(\s*'([A-Za-z_:][A-Za-z0-9_:]*)',\s*'(counter|gauge|histogram)'/g)) {
      if (m[2] === 'histogram') {
        for (const s of ['_bucket', '_sum', '_count']) {
          out.add(m[1] + s);
        }
      } else {
        out.add(m[1]);
      }
    }
  }
  return out;
}

/** Metric names an expression reads: identifiers outside strings, matchers and label lists. */
function metricsOf(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\b(by|on|ignoring|without|group_left|group_right)\s*\([^)]*\)/g, '')
    .replace(/\[[^\]]*\]/g, '');
  const words = stripped.match(/[A-Za-z_:][A-Za-z0-9_:]*/g) ?? [];
  const NOT_METRICS = new Set([
    'sum',
    'avg',
    'max',
    'min',
    'count',
    'rate',
    'increase',
    'histogram_quantile',
    'max_over_time',
    'and',
    'or',
    'unless',
    'offset',
    'vector',
    'by',
    'on',
    'group_left',
    'e6',
    'label_values',
  ]);
  return words.filter((w) => !NOT_METRICS.has(w) && /_/.test(w));
}

/** JSON keys of the Go structs in pkg/models/query.go, per struct. */
function goJsonKeys(): Map<string, Set<string>> {
  const src = read('pkg/models/query.go');
  const out = new Map<string, Set<string>>();
  for (const m of src.matchAll(/type (\w+) struct \{([\s\S]*?)\n\}/g)) {
    out.set(m[1], new Set([...m[2].matchAll(/json:"([A-Za-z]+)/g)].map((k) => k[1])));
  }
  return out;
}

const DRIFT_METHODS = [
  'auto',
  'ks',
  'chisquare',
  'z',
  'anderson',
  'cramer_von_mises',
  'mannw',
  't_test',
  'fisher_exact',
  'mmd',
  'wasserstein',
  'psi',
  'kl_div',
  'jensenshannon',
  'hellinger',
  'tvd',
  'energy',
];
const DURATION = /^((\d+)w)?((\d+)d)?((\d+)h)?((\d+)m)?((\d+)s)?((\d+)ms)?$/;

function seconds(d: string): number {
  const m = DURATION.exec(d)!;
  const units = [604800, 86400, 3600, 60, 1, 0.001];
  return units.reduce((acc, u, i) => acc + Number(m[2 + 2 * i] ?? 0) * u, 0);
}

/** The checks of Query.Validate (pkg/models/query.go) that a dashboard query can fail. */
function mlProblems(raw: MlwatchTarget, d: Dashboard): string[] {
  const q = JSON.parse(substitute(JSON.stringify(raw), d)) as MlwatchTarget;
  const p: string[] = [];
  const keys = goJsonKeys();
  const check = (obj: object | undefined, struct: string, where: string) => {
    for (const k of Object.keys(obj ?? {})) {
      if (!keys.get(struct)?.has(k) && !(struct === 'Query' && k === 'datasource')) {
        p.push(`${where}${k} is not a field of ${struct}`);
      }
    }
  };
  check(q, 'Query', '');
  check(q.prometheus, 'PromInput', 'prometheus.');
  check(q.reference, 'Reference', 'reference.');
  check(q.gpu, 'GPUInput', 'gpu.');
  check(q.traces, 'TracesInput', 'traces.');
  if (!['drift', 'distribution', 'gpu', 'traces'].includes(q.queryType)) {
    p.push(`queryType ${q.queryType}`);
  }
  const source = q.source ?? (q.queryType === 'traces' ? 'clickhouse' : 'prometheus');
  if (q.method !== undefined && !DRIFT_METHODS.includes(q.method)) {
    p.push(`method ${q.method}`);
  }
  if (q.format !== undefined && !['table', 'timeseries', 'numeric'].includes(q.format)) {
    p.push(`format ${q.format}`);
  }
  for (const f of ['step', 'window'] as const) {
    if (q[f] !== undefined && !DURATION.test(q[f]!)) {
      p.push(`${f} ${q[f]} is not a duration`);
    }
  }
  if (q.overTime && q.step && q.window && seconds(q.step) > seconds(q.window)) {
    p.push('step longer than window');
  }
  if (q.reference?.offset !== undefined && !(DURATION.test(q.reference.offset) && seconds(q.reference.offset) > 0)) {
    p.push(`reference.offset ${q.reference.offset}`);
  }
  switch (q.queryType) {
    case 'drift':
    case 'distribution': {
      if (source !== 'prometheus' || !q.prometheus) {
        p.push('drift and distribution queries here read Prometheus');
        break;
      }
      const input = q.prometheus.input ?? (q.prometheus.expr && !q.prometheus.metric ? 'samples' : 'histogram');
      if ((input === 'histogram' || input === 'native') && !q.prometheus.metric && q.mode !== 'classes') {
        p.push('prometheus.metric missing');
      }
      if (q.prometheus.metric?.endsWith('_bucket')) {
        p.push('prometheus.metric ends in _bucket');
      }
      if (q.mode !== undefined && !['histogram', 'classes'].includes(q.mode)) {
        p.push(`mode ${q.mode}`);
      }
      break;
    }
    case 'gpu':
      if (source !== 'prometheus') {
        p.push('gpu reads Prometheus');
      }
      if (q.gpu?.stragglerThreshold !== undefined && (q.gpu.stragglerThreshold <= 0 || q.gpu.stragglerThreshold >= 1)) {
        p.push('gpu.stragglerThreshold');
      }
      break;
    case 'traces':
      if (source !== 'clickhouse') {
        p.push('traces read ClickHouse');
      }
      if (q.traces?.schema && !['otel', 'signoz'].includes(q.traces.schema)) {
        p.push('traces.schema');
      }
      break;
  }
  return p;
}

interface ProvisionedDatasource {
  uid: string;
  type: string;
}
const provisioned: ProvisionedDatasource[] = parseYaml(read('provisioning/datasources/mlwatch.yaml')).datasources;

function pluginIds(): Set<string> {
  const ids = new Set<string>();
  const walk = (dir: string) => {
    for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      if (e.isDirectory()) {
        walk(`${dir}/${e.name}`);
      } else if (e.name === 'plugin.json') {
        ids.add(JSON.parse(read(`${dir}/${e.name}`)).id);
      }
    }
  };
  walk('src');
  return ids;
}
const BUILTIN_PANELS = new Set(['row', 'timeseries', 'stat', 'table', 'barchart']);

describe('generated files', () => {
  it('are up to date (else run: node scripts/render-dashboards.mjs)', () => {
    for (const [path, content] of Object.entries(renderDashboards())) {
      expect([path, read(path) === content]).toEqual([path, true]);
    }
  });

  it('are included in src/plugin.json as dashboards, and copied into dist by webpack', () => {
    const plugin = JSON.parse(read('src/plugin.json'));
    const included = plugin.includes
      .filter((i: { type: string }) => i.type === 'dashboard')
      .map((i: { path: string }) => i.path);
    expect(included).toEqual(ALL.map((d) => `dashboards/${dashboardFile(d)}`));
    expect(read('webpack.config.ts')).toContain(
      "from: '../provisioning/dashboards/mlwatch-*.json', to: 'dashboards/[name][ext]'"
    );
  });

  it('have unique uids and titles, all tagged mlwatch', () => {
    expect(new Set(ALL.map((d) => d.uid)).size).toBe(ALL.length);
    expect(new Set(ALL.map((d) => d.title)).size).toBe(ALL.length);
    for (const d of ALL) {
      expect(d.uid.length).toBeLessThanOrEqual(40);
      expect(d.tags).toContain('mlwatch');
    }
    expect(dashboardEntries().map((e) => e.title)).toEqual([
      'ML service overview',
      'Data drift',
      'Prediction quality',
      'GPU fleet',
      'LLM observability',
      'Inference traces',
    ]);
  });
});

describe.each(ALL.map((d) => [d.uid, d] as const))('%s', (_uid, d) => {
  const panels = allPanels(d);
  const targets = panels.flatMap((p) => p.targets ?? []);

  it('lays panels out without overlaps, inside 24 columns, ids unique', () => {
    const ids = panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const cells = new Set<string>();
    for (const p of panels) {
      const g = p.gridPos;
      expect(g.x + g.w).toBeLessThanOrEqual(24);
      for (let x = g.x; x < g.x + g.w; x++) {
        for (let y = g.y; y < g.y + g.h; y++) {
          const key = `${x},${y}`;
          expect([p.title, cells.has(key)]).toEqual([p.title, false]);
          cells.add(key);
        }
      }
    }
  });

  it('uses panel plugins that exist and datasources that are provisioned', () => {
    const ids = pluginIds();
    for (const p of panels) {
      expect([p.type, BUILTIN_PANELS.has(p.type) || ids.has(p.type)]).toEqual([p.type, true]);
      const refs = [...(p.datasource ? [p.datasource] : []), ...(p.targets ?? []).map((t) => t.datasource)];
      for (const ref of refs) {
        const m = /^\$\{(\w+)\}$/.exec(ref.uid);
        const variable = m ? d.templating.list.find((v) => v.name === m[1]) : undefined;
        if (m) {
          expect(variable).toMatchObject({ type: 'datasource', query: ref.type });
        }
        const uid = variable ? variable.current.value : ref.uid;
        expect(provisioned.find((ds) => ds.uid === uid && ds.type === ref.type)).toBeDefined();
      }
      if (p.type !== 'row') {
        for (const t of p.targets ?? []) {
          expect(t.datasource).toEqual(p.datasource);
        }
      }
    }
  });

  it('writes mlwatch queries that pkg/models accepts', () => {
    for (const t of targets.filter(isMl)) {
      expect([t.refId, mlProblems(t, d)]).toEqual([t.refId, []]);
    }
  });

  it('defines every variable it uses and uses every variable it defines', () => {
    const text = JSON.stringify({ ...d, templating: undefined });
    const used = new Set([...text.matchAll(/\$\{(\w+)(?::\w+)?\}|\$(\w+)/g)].map((m) => m[1] ?? m[2]));
    for (const name of used) {
      if (!BUILTIN.test(name)) {
        expect([name, d.templating.list.some((v) => v.name === name)]).toEqual([name, true]);
      }
    }
    for (const v of d.templating.list) {
      const inVariables = d.templating.list.some((o) => o !== v && JSON.stringify(o).includes(`$${v.name}`));
      expect([v.name, used.has(v.name) || inVariables]).toEqual([v.name, true]);
    }
  });

  it('reads only metrics the demo emits', () => {
    const emitted = demoMetrics();
    const exprs = [
      ...targets.filter(isProm).map((t) => t.expr),
      ...d.templating.list.flatMap((v) =>
        v.type === 'query' ? [v.definition.replace(/^label_values\((.*),\s*\w+\)$/, '$1')] : []
      ),
    ];
    const read_ = exprs.flatMap((e) => metricsOf(substitute(e, d)));
    expect(read_.length > 0).toBe(exprs.length > 0);
    for (const m of read_) {
      expect([m, emitted.has(m)]).toEqual([m, true]);
    }
    for (const t of targets.filter(isMl)) {
      const metric = t.prometheus?.metric;
      if (metric) {
        expect([metric, emitted.has(`${metric}_bucket`) || emitted.has(metric)]).toEqual([metric, true]);
      }
    }
  });
});

const promtool = spawnSync('promtool', ['--version']).status === 0;
(promtool ? it : it.skip)('every PromQL expression parses (promtool check rules)', () => {
  const rules = ALL.flatMap((d) =>
    allPanels(d)
      .flatMap((p) => (p.targets ?? []).filter(isProm).map((t) => ({ p, t })))
      .map(({ p, t }, i) => ({
        record: `dashboard:${d.uid.replace(/-/g, '_')}:${i}`,
        expr: substitute(t.expr, d),
        labels: { panel: p.title },
      }))
  );
  const dir = mkdtempSync(join(tmpdir(), 'mlwatch-dash-'));
  try {
    const file = join(dir, 'rules.yaml');
    writeFileSync(file, toYaml({ groups: [{ name: 'dashboards', rules }] }));
    const r = spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toContain(`SUCCESS: ${rules.length} rules found`);
    expect(r.status).toBe(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('ML service overview', () => {
  const d = ALL[0];
  const row = (title: string) => {
    const i = d.panels.findIndex((p) => p.type === 'row' && p.title === title);
    const next = d.panels.findIndex((p, j) => j > i && p.type === 'row');
    return d.panels.slice(i + 1, next < 0 ? undefined : next);
  };

  it('has the ML, application and infrastructure layers', () => {
    const types = allPanels(d).map((p) => p.type);
    for (const t of [
      'mlwatch-driftheatmap-panel',
      'mlwatch-gputopology-panel',
      'mlwatch-confidence-panel',
      'mlwatch-tracewaterfall-panel',
    ]) {
      expect(types).toContain(t);
    }
    expect(d.panels.filter((p) => p.type === 'row').map((p) => p.title)).toEqual([
      'Requests, errors, latency',
      'Predictions and confidence',
      'Data drift',
      'LLM calls',
      'GPUs',
      'Traces',
      'Infrastructure: serving pods',
    ]);
  });

  it('shows the serving pods from cAdvisor and kube-state-metrics, filtered by model and namespace', () => {
    const infra = row('Infrastructure: serving pods');
    const exprs = infra.flatMap((p) => (p.targets ?? []).filter(isProm).map((t) => t.expr)).join('\n');
    for (const m of [
      'container_cpu_usage_seconds_total',
      'container_cpu_cfs_throttled_periods_total',
      'container_memory_working_set_bytes',
      'kube_pod_container_resource_limits',
      'container_network_receive_bytes_total',
      'container_network_transmit_bytes_total',
      'kubelet_volume_stats_used_bytes',
      'kube_pod_container_status_restarts_total',
      'kube_pod_container_status_last_terminated_reason',
    ]) {
      expect(exprs).toContain(m);
    }
    for (const p of infra) {
      for (const t of (p.targets ?? []).filter(isProm)) {
        expect(t.expr).toContain('namespace=~"$namespace"');
      }
    }
    expect(exprs.match(/pod=~"\(\$model\)-\.\+"/g)?.length).toBeGreaterThanOrEqual(8);
    const links = JSON.stringify(infra);
    expect(links).toContain('/d/6581e46e4e5c7ba40a07646395ef7b23');
    expect(links).toContain('/d/85a562078cdf77779eaa1add43ccec1e');
    expect(d.links.some((l) => l.tags?.includes('kubernetes-mixin'))).toBe(true);
  });

  it('computes stage latency with histogram_quantile over bucket rates by stage and le', () => {
    const exprs = row('Requests, errors, latency').flatMap((p) => (p.targets ?? []).filter(isProm).map((t) => t.expr));
    expect(exprs).toContain(
      'histogram_quantile(0.95, sum by (stage, le) (rate(ml_stage_duration_seconds_bucket{model=~"$model"}[$__rate_interval])))'
    );
  });
});

describe('kube-prometheus-stack ConfigMaps', () => {
  it('hold every dashboard, labelled for the Grafana dashboard sidecar', () => {
    const docs = read(CONFIGMAP_FILE)
      .split(/^---$/m)
      .map((d) => parseYaml(d));
    expect(docs).toHaveLength(ALL.length);
    docs.forEach((doc, i) => {
      expect(doc).toMatchObject({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: `${ALL[i].uid}-dashboard`,
          labels: { grafana_dashboard: '1' },
          annotations: { grafana_folder: 'mlwatch' },
        },
      });
      expect(JSON.parse(doc.data[dashboardFile(ALL[i])])).toEqual(ALL[i]);
    });
  });

  it('take namespace, label and folder options', () => {
    const doc = parseYaml(
      renderConfigMaps({ namespace: 'obs', label: 'dash', labelValue: 'yes', folder: 'ML' }).split(/^---$/m)[0]
    );
    expect(doc.metadata).toMatchObject({
      namespace: 'obs',
      labels: { dash: 'yes' },
      annotations: { grafana_folder: 'ML' },
    });
  });
});

describe('layout', () => {
  it('wraps panels that do not fit and starts rows below the tallest panel', () => {
    const panels = layout([
      { panels: [timeseries('a', [], { w: 16, h: 4 }), timeseries('b', [], { w: 16, h: 6 })] },
      { row: 'r', panels: [timeseries('c', [], { w: 8, h: 3 })] },
      { row: 'hidden', collapsed: true, panels: [timeseries('d', [], { w: 8, h: 3 })] },
    ]);
    expect(panels.map((p) => [p.title, p.gridPos])).toEqual([
      ['a', { h: 4, w: 16, x: 0, y: 0 }],
      ['b', { h: 6, w: 16, x: 0, y: 4 }],
      ['r', { h: 1, w: 24, x: 0, y: 10 }],
      ['c', { h: 3, w: 8, x: 0, y: 11 }],
      ['hidden', { h: 1, w: 24, x: 0, y: 14 }],
    ]);
    expect(panels[4].panels?.map((p) => p.title)).toEqual(['d']);
    expect(() => layout([{ panels: [timeseries('wide', [], { w: 25 })] }])).toThrow(/24/);
  });
});
