#!/usr/bin/env node
/**
 * Helpers of tests/alerts/run.sh that need a YAML parser:
 *
 *   node tests/alerts/tools.mjs spec PROMETHEUSRULE OUT      check the resource, write its .spec (promtool reads only that)
 *   node tests/alerts/tools.mjs grafana-queries FILE OUT     check the Grafana provisioning file, write its PromQL queries
 *                                                            as recording rules so promtool can parse them
 *   node tests/alerts/tools.mjs untested RULES TEST...       print alerts of RULES that no unit test asserts
 *   node tests/alerts/tools.mjs am-templates CONFIG OUTDIR   write every templated string of an Alertmanager
 *                                                            config to OUTDIR/N.txt (for `amtool template render`)
 *
 * Problems go to stderr and make the exit code 1.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';

const [cmd, ...args] = process.argv.slice(2);
const problems = [];
const load = (file) => YAML.parse(readFileSync(file, 'utf8'));

function spec(file, out) {
  const doc = load(file);
  if (doc?.apiVersion !== 'monitoring.coreos.com/v1' || doc?.kind !== 'PrometheusRule') {
    problems.push(`${file}: not a monitoring.coreos.com/v1 PrometheusRule`);
  }
  if (!doc?.metadata?.name) {
    problems.push(`${file}: metadata.name is missing`);
  }
  if (!doc?.metadata?.labels?.release) {
    problems.push(`${file}: metadata.labels.release is missing (kube-prometheus-stack selects rules by it)`);
  }
  writeFileSync(out, YAML.stringify(doc?.spec ?? {}));
}

function grafanaQueries(file, out) {
  const doc = load(file);
  if (doc?.apiVersion !== 1 || !Array.isArray(doc?.groups)) {
    problems.push(`${file}: expected apiVersion: 1 and groups`);
    return;
  }
  const uids = new Set();
  const rules = [];
  for (const g of doc.groups) {
    for (const key of ['name', 'folder', 'interval']) {
      if (!g[key]) {
        problems.push(`${file}: group ${g.name ?? '?'} has no ${key}`);
      }
    }
    for (const r of g.rules ?? []) {
      const where = `${file}: rule ${r.uid ?? r.title}`;
      if (!r.uid || uids.has(r.uid) || !/^[A-Za-z0-9_-]{1,40}$/.test(r.uid)) {
        problems.push(`${where}: uid missing, duplicated or not a Grafana UID`);
      }
      uids.add(r.uid);
      const refs = (r.data ?? []).map((d) => d.refId);
      if (!refs.includes(r.condition)) {
        problems.push(`${where}: condition ${r.condition} is not one of the queries (${refs.join(', ')})`);
      }
      for (const d of r.data ?? []) {
        if (d.model?.refId !== d.refId) {
          problems.push(`${where}: query ${d.refId} has model.refId ${d.model?.refId}`);
        }
        if (d.datasourceUid === '__expr__') {
          const dep = d.model?.expression;
          if (!refs.includes(dep)) {
            problems.push(`${where}: expression ${d.refId} reads ${dep}, which is not a query of the rule`);
          }
          continue;
        }
        if (d.model?.datasource?.type === 'prometheus') {
          if (typeof d.model.expr !== 'string' || d.model.expr === '') {
            problems.push(`${where}: Prometheus query ${d.refId} has no expr`);
            continue;
          }
          rules.push({ record: `grafana_query:${r.uid.replace(/-/g, '_')}`, expr: d.model.expr });
        }
      }
      for (const [k, v] of Object.entries(r.labels ?? {})) {
        if (String(v).includes('$')) {
          problems.push(
            `${where}: label ${k} contains $, which Grafana's provisioning would read as an environment variable`
          );
        }
      }
      for (const [k, v] of Object.entries(r.annotations ?? {})) {
        if (String(v).includes('${')) {
          problems.push(
            `${where}: annotation ${k} contains \${, which Grafana's provisioning would read as an environment variable`
          );
        }
      }
    }
  }
  writeFileSync(out, YAML.stringify({ groups: [{ name: 'grafana-queries', rules }] }));
  console.log(`${rules.length} Grafana PromQL queries in ${uids.size} rules`);
}

function untested(rulesFile, tests) {
  const alerts = new Set();
  for (const g of load(rulesFile)?.groups ?? []) {
    for (const r of g.rules ?? []) {
      if (r.alert) {
        alerts.add(r.alert);
      }
    }
  }
  const firing = new Map();
  for (const t of tests) {
    for (const group of load(t)?.tests ?? []) {
      for (const a of group.alert_rule_test ?? []) {
        const f = firing.get(a.alertname) ?? { fires: false, quiet: false };
        if ((a.exp_alerts ?? []).length > 0) {
          f.fires = true;
        } else {
          f.quiet = true;
        }
        firing.set(a.alertname, f);
      }
    }
  }
  for (const a of alerts) {
    const f = firing.get(a);
    if (!f?.fires || !f?.quiet) {
      problems.push(
        `alert ${a} needs unit tests where it fires and where it does not (has: ${f ? JSON.stringify(f) : 'none'})`
      );
    }
  }
  console.log(`${alerts.size} alerts, each tested firing and not firing`);
}

function amTemplates(file, outDir) {
  const doc = load(file);
  mkdirSync(outDir, { recursive: true });
  let n = 0;
  const walk = (v) => {
    if (typeof v === 'string') {
      if (v.includes('{{')) {
        writeFileSync(join(outDir, `${n++}.txt`), v);
      }
    } else if (Array.isArray(v)) {
      v.forEach(walk);
    } else if (v && typeof v === 'object') {
      Object.values(v).forEach(walk);
    }
  };
  walk(doc?.receivers ?? []);
  console.log(`${n} templated strings in the receivers`);
}

switch (cmd) {
  case 'spec':
    spec(args[0], args[1]);
    break;
  case 'grafana-queries':
    grafanaQueries(args[0], args[1]);
    break;
  case 'untested':
    untested(args[0], args.slice(1));
    break;
  case 'am-templates':
    amTemplates(args[0], args[1]);
    break;
  default:
    problems.push(`unknown command ${cmd}; see the header of tests/alerts/tools.mjs`);
}
if (problems.length > 0) {
  for (const p of problems) {
    console.error(p);
  }
  process.exit(1);
}
