/**
 * Alert bundles: a versioned JSON document to share a set of configured
 * templates between Grafana instances or teams (docs/alert-bundles.md).
 *
 *   {"format": "mlwatch-alert-bundle", "version": 1,
 *    "templates": [{"id": "MLHighErrorRate", "parameters": {"threshold": 0.02}}]}
 *
 * A bundle carries template ids and parameter values only; folders,
 * datasources' existence, rule groups and the PrometheusRule release label
 * belong to the installation and are chosen when rendering.
 */
import { getTemplate } from './catalog';
import { AlertTemplateError, instanceLabel, resolveInstance, resolveInstances } from './instances';
import { defaults, didYouMean } from './params';
import type { ParamValues, ResolvedInstance, TemplateInstance } from './types';

export const BUNDLE_FORMAT = 'mlwatch-alert-bundle';
export const BUNDLE_VERSION = 1;

export interface BundleEntry {
  id: string;
  instance?: string;
  parameters: ParamValues;
}

export interface AlertBundle {
  format: typeof BUNDLE_FORMAT;
  version: typeof BUNDLE_VERSION;
  templates: BundleEntry[];
}

export interface ExportOptions {
  /** Write only the parameters that differ from the defaults (default: all, so the bundle does not depend on this version's defaults). */
  onlyChanged?: boolean;
}

/** A bundle of the given instances; throws AlertTemplateError when one is invalid. */
export function exportBundle(instances: readonly TemplateInstance[], opts: ExportOptions = {}): AlertBundle {
  const resolved = resolveInstances(instances);
  return {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    templates: resolved.map((r) => {
      const defs = defaults(r.template);
      const parameters: ParamValues = {};
      for (const [k, v] of Object.entries(r.values)) {
        if (!opts.onlyChanged || v !== defs[k]) {
          parameters[k] = v;
        }
      }
      return { id: r.template.id, ...(r.instance ? { instance: r.instance } : {}), parameters };
    }),
  };
}

/** The bundle as JSON text (2-space indent, trailing newline), ready to save or share. */
export function exportBundleJson(instances: readonly TemplateInstance[], opts: ExportOptions = {}): string {
  return `${JSON.stringify(exportBundle(instances, opts), null, 2)}\n`;
}

export type BundleResult =
  | { ok: true; bundle: AlertBundle; instances: TemplateInstance[]; resolved: ResolvedInstance[] }
  | { ok: false; problems: string[] };

const TOP_KEYS = ['format', 'version', 'templates'];
const ENTRY_KEYS = ['id', 'instance', 'parameters'];

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function unknownKeys(obj: Record<string, unknown>, known: string[], where: string): string[] {
  return Object.keys(obj)
    .filter((k) => !known.includes(k))
    .map((k) => `${where}unknown field ${JSON.stringify(k)}${didYouMean(k, known)}; allowed: ${known.join(', ')}`);
}

/**
 * Reads and validates a bundle (JSON text or an already parsed value).
 * Returns every problem found, each naming where it is and what to fix.
 */
export function parseBundle(input: unknown): BundleResult {
  let doc: unknown = input;
  if (typeof input === 'string') {
    try {
      doc = JSON.parse(input);
    } catch (e) {
      return { ok: false, problems: [`the bundle is not valid JSON: ${e instanceof Error ? e.message : String(e)}`] };
    }
  }
  if (!isObject(doc)) {
    return {
      ok: false,
      problems: [`the bundle must be a JSON object with "format": "${BUNDLE_FORMAT}", "version" and "templates"`],
    };
  }
  // The header first: with a wrong format or version, the rest cannot be read.
  const header: string[] = [];
  if (doc.format === undefined) {
    header.push(`"format" is missing; an mlwatch alert bundle has "format": "${BUNDLE_FORMAT}"`);
  } else if (doc.format !== BUNDLE_FORMAT) {
    header.push(
      `"format" is ${JSON.stringify(doc.format)}, not "${BUNDLE_FORMAT}": this is not an mlwatch alert bundle`
    );
  }
  const version = doc.version;
  if (version === undefined) {
    header.push(`"version" is missing; this mlwatch reads version ${BUNDLE_VERSION}`);
  } else if (typeof version !== 'number' || !Number.isInteger(version)) {
    header.push(`"version" must be a whole number (${BUNDLE_VERSION}), got ${JSON.stringify(version)}`);
  } else if (version > BUNDLE_VERSION) {
    header.push(
      `"version" ${version} is newer than this mlwatch understands (it reads version ${BUNDLE_VERSION}); upgrade mlwatch, or export the bundle again from a version that writes version ${BUNDLE_VERSION}`
    );
  } else if (version < BUNDLE_VERSION) {
    header.push(`"version" ${version} does not exist; bundles start at version ${BUNDLE_VERSION}`);
  }
  if (header.length > 0) {
    return { ok: false, problems: header };
  }

  const problems: string[] = unknownKeys(doc, TOP_KEYS, '');
  if (!Array.isArray(doc.templates)) {
    problems.push(
      `"templates" must be a list of {"id": ..., "parameters": {...}}, got ${doc.templates === undefined ? 'nothing' : typeof doc.templates}`
    );
    return { ok: false, problems };
  }
  if (doc.templates.length === 0) {
    problems.push('"templates" is empty; a bundle needs at least one template');
  }

  const instances: TemplateInstance[] = [];
  const resolved: ResolvedInstance[] = [];
  const seen = new Map<string, number>();
  doc.templates.forEach((raw: unknown, i: number) => {
    const where = `templates[${i}]`;
    if (!isObject(raw)) {
      problems.push(`${where}: must be an object with "id" and "parameters"`);
      return;
    }
    const entryProblems = unknownKeys(raw, ENTRY_KEYS, `${where}: `);
    if (typeof raw.id !== 'string' || raw.id === '') {
      entryProblems.push(`${where}: "id" must be a template id such as "MLHighErrorRate"`);
    }
    if (raw.instance !== undefined && typeof raw.instance !== 'string') {
      entryProblems.push(`${where}: "instance" must be a string`);
    }
    if (raw.parameters !== undefined && !isObject(raw.parameters)) {
      entryProblems.push(`${where}: "parameters" must be an object of name: value`);
    }
    if (entryProblems.length > 0) {
      problems.push(...entryProblems);
      return;
    }
    const inst: TemplateInstance = {
      id: raw.id as string,
      ...(raw.instance !== undefined ? { instance: raw.instance as string } : {}),
      parameters: (raw.parameters as ParamValues | undefined) ?? {},
    };
    const label = getTemplate(inst.id) ? ` (${instanceLabel(inst.id, inst.instance)})` : '';
    const key = `${inst.id}\u0000${inst.instance ?? ''}`;
    if (seen.has(key)) {
      problems.push(
        `${where}${label}: same template and instance as templates[${seen.get(key)}]; give them different "instance" names`
      );
    }
    seen.set(key, i);
    const r = resolveInstance(inst, `${where}${label}: `);
    if (r.ok) {
      instances.push(inst);
      resolved.push(r.resolved);
    } else {
      problems.push(...r.problems);
    }
  });
  if (problems.length > 0) {
    return { ok: false, problems };
  }
  return {
    ok: true,
    bundle: {
      format: BUNDLE_FORMAT,
      version: BUNDLE_VERSION,
      templates: instances.map((inst) => ({
        id: inst.id,
        ...(inst.instance ? { instance: inst.instance } : {}),
        parameters: inst.parameters ?? {},
      })),
    },
    instances,
    resolved,
  };
}

/** Reads a bundle; throws AlertTemplateError listing every problem. */
export function importBundle(input: unknown): TemplateInstance[] {
  const r = parseBundle(input);
  if (!r.ok) {
    throw new AlertTemplateError('the alert bundle cannot be imported', r.problems);
  }
  return r.instances;
}
