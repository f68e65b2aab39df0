/**
 * Prometheus rule groups (a rules file) and the PrometheusRule custom
 * resource of the Prometheus operator / kube-prometheus-stack, which wraps
 * the same groups under `spec`.
 */
import { parseDuration } from '../duration';
import { instanceLabel } from '../instances';
import { AREAS, type ResolvedInstance } from '../types';
import { prometheusExpr, ruleAnnotations, ruleLabels } from './common';

export interface PrometheusAlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface PrometheusRuleGroup {
  name: string;
  interval?: string;
  rules: PrometheusAlertRule[];
}

export interface PrometheusRulesFile {
  groups: PrometheusRuleGroup[];
}

export interface PrometheusOptions {
  /** Group names are "<prefix>-<area>". Default "mlwatch". */
  groupPrefix?: string;
  /** Evaluation interval of the groups; default: Prometheus's global evaluation_interval. */
  interval?: string;
}

export interface PrometheusRuleOptions extends PrometheusOptions {
  /** metadata.name. Default "mlwatch-alerts". */
  name?: string;
  /** metadata.namespace; default: none (kubectl's current namespace). */
  namespace?: string;
  /** The `release` label kube-prometheus-stack selects rules by (its Helm release name). Default "kube-prometheus-stack". */
  release?: string;
  /** More metadata labels. */
  labels?: Record<string, string>;
}

export const PROMETHEUS_RULE_DEFAULTS = {
  groupPrefix: 'mlwatch',
  name: 'mlwatch-alerts',
  release: 'kube-prometheus-stack',
};

export interface PrometheusRuleResource {
  apiVersion: 'monitoring.coreos.com/v1';
  kind: 'PrometheusRule';
  metadata: { name: string; namespace?: string; labels: Record<string, string> };
  spec: PrometheusRulesFile;
}

const K8S_LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const K8S_LABEL_NAME =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** The Prometheus alerting rules of one resolved instance; none for Grafana-only templates. */
export function prometheusRules(resolved: ResolvedInstance): PrometheusAlertRule[] {
  if (resolved.template.grafanaOnly) {
    return [];
  }
  return resolved.rules.flatMap((rule) => {
    if (rule.query.kind !== 'prometheus') {
      return [];
    }
    const out: PrometheusAlertRule = {
      alert: rule.name,
      expr: prometheusExpr(rule.query),
      // A pending period of 0 is written as no `for` at all.
      ...(parseDuration(rule.for) !== 0 ? { for: rule.for } : {}),
      labels: ruleLabels(resolved, rule),
      annotations: ruleAnnotations(resolved, rule),
    };
    return [out];
  });
}

function checkPrometheusOptions(opts: PrometheusOptions): string[] {
  const problems: string[] = [];
  if (opts.groupPrefix !== undefined && !/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,62}$/.test(opts.groupPrefix)) {
    problems.push('groupPrefix must be letters, digits, _ . : or - (at most 63)');
  }
  if (opts.interval !== undefined) {
    const ms = parseDuration(opts.interval);
    if (ms === undefined || ms <= 0) {
      problems.push(`interval ${JSON.stringify(opts.interval)} must be a positive duration such as 1m`);
    }
  }
  return problems;
}

/** A Prometheus rules file: one group per area, in area order; areas without Prometheus rules are left out. */
export function renderPrometheusRules(
  list: readonly ResolvedInstance[],
  opts: PrometheusOptions = {}
): PrometheusRulesFile {
  const problems = checkPrometheusOptions(opts);
  if (problems.length > 0) {
    throw new Error(`Prometheus options: ${problems.join('; ')}`);
  }
  const prefix = opts.groupPrefix ?? PROMETHEUS_RULE_DEFAULTS.groupPrefix;
  const groups: PrometheusRuleGroup[] = [];
  for (const area of AREAS) {
    const rules = list.filter((r) => r.template.area === area).flatMap(prometheusRules);
    if (rules.length === 0) {
      continue;
    }
    groups.push({ name: `${prefix}-${area}`, ...(opts.interval ? { interval: opts.interval } : {}), rules });
  }
  return { groups };
}

/** A PrometheusRule resource for kube-prometheus-stack. */
export function renderPrometheusRule(
  list: readonly ResolvedInstance[],
  opts: PrometheusRuleOptions = {}
): PrometheusRuleResource {
  const name = opts.name ?? PROMETHEUS_RULE_DEFAULTS.name;
  const release = opts.release ?? PROMETHEUS_RULE_DEFAULTS.release;
  const problems = checkPrometheusOptions(opts);
  if (!DNS_SUBDOMAIN.test(name) || name.length > 253) {
    problems.push(`name ${JSON.stringify(name)} must be a DNS subdomain (lower-case letters, digits, - and .)`);
  }
  if (opts.namespace !== undefined && (!DNS_LABEL.test(opts.namespace) || opts.namespace.length > 63)) {
    problems.push(`namespace ${JSON.stringify(opts.namespace)} must be a DNS label (lower-case letters, digits and -)`);
  }
  if (release === '' || release.length > 63 || !K8S_LABEL_VALUE.test(release)) {
    problems.push(`release ${JSON.stringify(release)} must be a Kubernetes label value (the Helm release name)`);
  }
  for (const [k, v] of Object.entries(opts.labels ?? {})) {
    if (!K8S_LABEL_NAME.test(k) || v.length > 63 || !K8S_LABEL_VALUE.test(v)) {
      problems.push(`label ${k}=${v} is not a valid Kubernetes label`);
    }
  }
  if (problems.length > 0) {
    throw new Error(`PrometheusRule options: ${problems.join('; ')}`);
  }
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: {
      name,
      ...(opts.namespace ? { namespace: opts.namespace } : {}),
      labels: {
        'app.kubernetes.io/name': 'mlwatch',
        'app.kubernetes.io/component': 'alert-rules',
        ...(opts.labels ?? {}),
        release,
      },
    },
    spec: renderPrometheusRules(list, opts),
  };
}

/** Where a template's rules would be, for messages: "MLFeatureDrift has no Prometheus form: ...". */
export function prometheusUnsupported(resolved: ResolvedInstance): string | undefined {
  const t = resolved.template;
  return t.grafanaOnly
    ? `${instanceLabel(t.id, resolved.instance)} has no Prometheus form: ${t.grafanaOnly}`
    : undefined;
}
