/**
 * Template instances: a template id, an optional instance name and
 * parameter values, resolved against the catalog and validated.
 */
import { getTemplate, TEMPLATES, templateIds } from './catalog';
import { didYouMean, resolveParameters } from './params';
import type { AlertTemplate, ResolvedInstance, RuleDefinition, TemplateInstance } from './types';

/** Instance names go into UIDs and a label value. */
export const INSTANCE_RE = /^[a-z0-9]([a-z0-9_-]{0,22}[a-z0-9])?$/;

/** Raised with every problem found, one line each, so a user can fix them all at once. */
export class AlertTemplateError extends Error {
  readonly problems: string[];

  constructor(summary: string, problems: string[]) {
    super(`${summary}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'AlertTemplateError';
    this.problems = problems;
  }
}

/** "MLHighErrorRate" or "MLFeatureDrift (fraud)". */
export function instanceLabel(id: string, instance?: string): string {
  return instance ? `${id} (${instance})` : id;
}

export type ResolveResult = { ok: true; resolved: ResolvedInstance } | { ok: false; problems: string[] };

/** Resolves one instance; problems are prefixed with `prefix` (e.g. "templates[2] (GPUIdle): "). */
export function resolveInstance(inst: TemplateInstance, prefix = ''): ResolveResult {
  const template = getTemplate(inst.id);
  if (!template) {
    return {
      ok: false,
      problems: [
        `${prefix}unknown template ${JSON.stringify(inst.id)}${didYouMean(String(inst.id), templateIds())}; known templates: ${templateIds().join(', ')}`,
      ],
    };
  }
  const problems: string[] = [];
  if (inst.instance !== undefined && !INSTANCE_RE.test(inst.instance)) {
    problems.push(
      `${prefix}instance ${JSON.stringify(inst.instance)} must be 1 to 24 lower-case letters, digits, - or _, starting and ending with a letter or digit`
    );
  }
  const { values, problems: paramProblems } = resolveParameters(template, inst.parameters ?? {});
  problems.push(...paramProblems.map((p) => `${prefix}parameter ${p.parameter}: ${p.message}`));
  if (problems.length > 0) {
    return { ok: false, problems };
  }
  return { ok: true, resolved: { template, instance: inst.instance, values, rules: template.rules(values) } };
}

/** Resolves a list; throws AlertTemplateError listing every problem, including duplicate instances. */
export function resolveInstances(list: readonly TemplateInstance[]): ResolvedInstance[] {
  const problems: string[] = [];
  const out: ResolvedInstance[] = [];
  const seen = new Map<string, number>();
  list.forEach((inst, i) => {
    const prefix = `${instanceLabel(inst.id, inst.instance)}: `;
    const key = `${inst.id}\u0000${inst.instance ?? ''}`;
    if (seen.has(key)) {
      problems.push(
        `${prefix}appears twice (entries ${seen.get(key)! + 1} and ${i + 1}); give them different instance names so that their rules get distinct UIDs`
      );
    }
    seen.set(key, i);
    const r = resolveInstance(inst, prefix);
    if (r.ok) {
      out.push(r.resolved);
    } else {
      problems.push(...r.problems);
    }
  });
  if (problems.length > 0) {
    throw new AlertTemplateError('the alert templates cannot be rendered', problems);
  }
  return out;
}

/** Every template once, with its defaults: what the generated files contain. */
export function defaultInstances(): TemplateInstance[] {
  return TEMPLATES.map((t) => ({ id: t.id }));
}

/** The rules of one template with the given parameter values (throws on bad values). */
export function templateRules(
  template: AlertTemplate,
  parameters: TemplateInstance['parameters'] = {}
): RuleDefinition[] {
  const [r] = resolveInstances([{ id: template.id, parameters }]);
  return r.rules;
}

/** "MLHighErrorRate" -> "ml-high-error-rate", "GPUXidError" -> "gpu-xid-error". */
export function kebab(id: string): string {
  return id
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .toLowerCase();
}

/** A stable hash for shortening UIDs (FNV-1a, base 36). */
function shortHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(36).padStart(7, '0');
}

/**
 * The Grafana rule UID: mlwatch-<template>[-<rule key>][-<instance>],
 * shortened with a hash when longer than Grafana's 40 characters.
 */
export function ruleUid(prefix: string, resolved: ResolvedInstance, rule: RuleDefinition): string {
  const uid = [prefix, kebab(resolved.template.id), rule.key, resolved.instance].filter(Boolean).join('-');
  if (uid.length <= 40) {
    return uid;
  }
  return `${uid.slice(0, 32)}-${shortHash(uid)}`;
}
