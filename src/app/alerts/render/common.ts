/**
 * Labels and annotations shared by every output format.
 */
import { compare } from '../promql';
import type { PrometheusSignal, ResolvedInstance, RuleDefinition } from '../types';

/** Label that tells instances of one template apart (only set for named instances). */
export const INSTANCE_LABEL = 'mlwatch_instance';

/** severity, team (when set), the instance (when named) and the rule's own labels. */
export function ruleLabels(resolved: ResolvedInstance, rule: RuleDefinition): Record<string, string> {
  const labels: Record<string, string> = { severity: rule.severity };
  const team = resolved.values.team;
  if (typeof team === 'string' && team !== '') {
    labels.team = team;
  }
  if (resolved.instance) {
    labels[INSTANCE_LABEL] = resolved.instance;
  }
  return { ...labels, ...(rule.labels ?? {}) };
}

/** The runbook annotation: three short lines. */
export function runbookText(rule: RuleDefinition): string {
  return [
    `What it means: ${rule.runbook.meaning}`,
    `How to check: ${rule.runbook.check}`,
    `What to do: ${rule.runbook.action}`,
  ].join('\n');
}

/**
 * summary, description, runbook and runbook_url (when set). `valueRef`
 * replaces `$value` in the texts: Grafana-managed rules have no `$value`
 * number, they read the reduced query value as `$values.B.Value`.
 */
export function ruleAnnotations(
  resolved: ResolvedInstance,
  rule: RuleDefinition,
  valueRef = '$value'
): Record<string, string> {
  const sub = (s: string) => (valueRef === '$value' ? s : s.replace(/\$value\b/g, valueRef));
  const out: Record<string, string> = {
    summary: sub(rule.summary),
    description: sub(rule.description),
    runbook: runbookText(rule),
  };
  const url = resolved.values.runbookUrl;
  if (typeof url === 'string' && url !== '') {
    out.runbook_url = url;
  }
  return out;
}

/** The Prometheus alert expression: the signal compared with the threshold. */
export function prometheusExpr(query: PrometheusSignal): string {
  return compare(query.signal, query.op, query.threshold);
}
