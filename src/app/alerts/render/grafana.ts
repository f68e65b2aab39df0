/**
 * Grafana-managed alert rules, in the two shapes Grafana accepts:
 *
 * - file provisioning (provisioning/alerting/*.yaml): `apiVersion: 1`,
 *   `groups[]` with the folder *title*, rules inside;
 * - the HTTP provisioning API: one `ProvisionedAlertRule` per rule for
 *   POST /api/v1/provisioning/alert-rules (with `folderUID` and
 *   `ruleGroup`), or one rule group per PUT
 *   /api/v1/provisioning/folder/:folderUid/rule-groups/:group.
 *
 * Every rule is the same small chain: A = the datasource query (the
 * signal), B = reduce(last) over A, C = threshold on B; C is the condition.
 */
import { durationSeconds, parseDuration } from '../duration';
import { instanceLabel, ruleUid } from '../instances';
import { UID_RE } from '../params';
import { num } from '../promql';
import { type Area, AREAS, type ResolvedInstance, type RuleDefinition, type ThresholdOp } from '../types';
import { ruleAnnotations, ruleLabels } from './common';

export interface GrafanaOptions {
  /** UID of the folder the rules go in (HTTP API); it must exist. Default "mlwatch". */
  folderUid?: string;
  /** Title of the folder (file provisioning creates it when missing). Default "mlwatch". */
  folderTitle?: string;
  /** One rule group for every rule; default: one group per area, "mlwatch-<area>". */
  ruleGroup?: string;
  /** Evaluation interval of the rule groups, a multiple of 10s. Default "1m". */
  interval?: string;
  orgId?: number;
  /** Start of every rule UID. Default "mlwatch". */
  uidPrefix?: string;
}

export const GRAFANA_DEFAULTS: Required<Omit<GrafanaOptions, 'ruleGroup'>> = {
  folderUid: 'mlwatch',
  folderTitle: 'mlwatch',
  interval: '1m',
  orgId: 1,
  uidPrefix: 'mlwatch',
};

/** The datasource of server-side expressions. */
export const EXPR_DATASOURCE = { type: '__expr__', uid: '__expr__' } as const;

const THRESHOLD_TYPES: Record<ThresholdOp, string> = { '>': 'gt', '<': 'lt', '>=': 'gte', '<=': 'lte' };

export interface GrafanaQuery {
  refId: string;
  queryType: string;
  relativeTimeRange?: { from: number; to: number };
  datasourceUid: string;
  model: Record<string, unknown>;
}

/** Fields the file format and the API share. */
export interface GrafanaRuleCore {
  uid: string;
  title: string;
  condition: string;
  data: GrafanaQuery[];
  noDataState: string;
  execErrState: string;
  for: string;
  annotations: Record<string, string>;
  labels: Record<string, string>;
  isPaused: boolean;
}

/** A rule in a provisioning file group. */
export type GrafanaFileRule = GrafanaRuleCore;

export interface GrafanaFileGroup {
  orgId: number;
  name: string;
  folder: string;
  interval: string;
  rules: GrafanaFileRule[];
}

export interface GrafanaProvisioningFile {
  apiVersion: 1;
  groups: GrafanaFileGroup[];
}

/** Body of POST /api/v1/provisioning/alert-rules. */
export interface GrafanaApiRule extends GrafanaRuleCore {
  orgID: number;
  folderUID: string;
  ruleGroup: string;
}

/** Body of PUT /api/v1/provisioning/folder/:folderUid/rule-groups/:group. */
export interface GrafanaApiRuleGroup {
  title: string;
  folderUid: string;
  /** Seconds. */
  interval: number;
  rules: GrafanaApiRule[];
}

function options(opts: GrafanaOptions): Required<Omit<GrafanaOptions, 'ruleGroup'>> & { ruleGroup?: string } {
  const o = { ...GRAFANA_DEFAULTS, ...opts };
  const problems: string[] = [];
  if (!UID_RE.test(o.folderUid)) {
    problems.push(`folderUid ${JSON.stringify(o.folderUid)} must be letters, digits, - and _ (1 to 40)`);
  }
  if (o.folderTitle.trim() === '' || o.folderTitle.includes('$')) {
    problems.push('folderTitle must not be empty or contain $');
  }
  if (
    o.ruleGroup !== undefined &&
    (o.ruleGroup.trim() === '' || o.ruleGroup.includes('$') || o.ruleGroup.length > 190)
  ) {
    problems.push('ruleGroup must not be empty, longer than 190 characters or contain $');
  }
  const interval = parseDuration(o.interval);
  if (interval === undefined || interval <= 0 || interval % 10000 !== 0) {
    problems.push(`interval ${JSON.stringify(o.interval)} must be a duration that is a multiple of 10s, such as 1m`);
  }
  if (!/^[a-z0-9][a-z0-9-]{0,15}$/.test(o.uidPrefix)) {
    problems.push('uidPrefix must be 1 to 16 lower-case letters, digits or -');
  }
  if (!Number.isInteger(o.orgId) || o.orgId < 1) {
    problems.push('orgId must be a positive whole number');
  }
  if (problems.length > 0) {
    throw new Error(`Grafana options: ${problems.join('; ')}`);
  }
  return o;
}

export function ruleGroupName(area: Area, opts: GrafanaOptions = {}): string {
  return opts.ruleGroup ?? `mlwatch-${area}`;
}

/** The A (query), B (reduce), C (threshold) chain of a rule. */
export function grafanaData(resolved: ResolvedInstance, rule: RuleDefinition): GrafanaQuery[] {
  const dsUid = String(resolved.values.datasourceUid);
  const q = rule.query;
  let a: GrafanaQuery;
  if (q.kind === 'prometheus') {
    a = {
      refId: 'A',
      queryType: '',
      relativeTimeRange: { from: 600, to: 0 },
      datasourceUid: dsUid,
      model: {
        refId: 'A',
        datasource: { type: 'prometheus', uid: dsUid },
        editorMode: 'code',
        expr: q.signal,
        instant: true,
        range: false,
        legendFormat: '__auto',
        intervalMs: 1000,
        maxDataPoints: 43200,
      },
    };
  } else {
    a = {
      refId: 'A',
      queryType: String(q.model.queryType ?? ''),
      relativeTimeRange: q.relativeTimeRange,
      datasourceUid: dsUid,
      model: {
        refId: 'A',
        datasource: { type: q.datasourceType, uid: dsUid },
        ...q.model,
        intervalMs: 1000,
        maxDataPoints: 43200,
      },
    };
  }
  const b: GrafanaQuery = {
    refId: 'B',
    queryType: '',
    datasourceUid: EXPR_DATASOURCE.uid,
    model: {
      refId: 'B',
      datasource: { ...EXPR_DATASOURCE },
      type: 'reduce',
      expression: 'A',
      reducer: 'last',
      settings: { mode: 'dropNN' },
    },
  };
  const c: GrafanaQuery = {
    refId: 'C',
    queryType: '',
    datasourceUid: EXPR_DATASOURCE.uid,
    model: {
      refId: 'C',
      datasource: { ...EXPR_DATASOURCE },
      type: 'threshold',
      expression: 'B',
      conditions: [{ evaluator: { type: THRESHOLD_TYPES[q.op], params: [Number(num(q.threshold))] } }],
    },
  };
  return [a, b, c];
}

function ruleCore(resolved: ResolvedInstance, rule: RuleDefinition, uidPrefix: string): GrafanaRuleCore {
  const annotations = ruleAnnotations(resolved, rule, '$values.B.Value');
  // Lets the app find rules it created and the template they came from.
  annotations.mlwatch_template = instanceLabel(resolved.template.id, resolved.instance);
  return {
    uid: ruleUid(uidPrefix, resolved, rule),
    title: rule.name,
    condition: 'C',
    data: grafanaData(resolved, rule),
    noDataState: String(resolved.values.noDataState),
    execErrState: String(resolved.values.execErrState),
    for: rule.for,
    annotations,
    labels: ruleLabels(resolved, rule),
    isPaused: false,
  };
}

/** Grafana rules of one resolved instance, in the API shape. */
export function grafanaApiRules(resolved: ResolvedInstance, opts: GrafanaOptions = {}): GrafanaApiRule[] {
  const o = options(opts);
  return resolved.rules.map((rule) => ({
    ...ruleCore(resolved, rule, o.uidPrefix),
    orgID: o.orgId,
    folderUID: o.folderUid,
    ruleGroup: ruleGroupName(resolved.template.area, o),
  }));
}

/** Groups instances by rule group name, in area order, keeping the order of rules. */
function grouped(list: readonly ResolvedInstance[], opts: GrafanaOptions): Array<[string, ResolvedInstance[]]> {
  const byName = new Map<string, ResolvedInstance[]>();
  const sorted = [...list].sort((a, b) => AREAS.indexOf(a.template.area) - AREAS.indexOf(b.template.area));
  for (const r of sorted) {
    const name = ruleGroupName(r.template.area, opts);
    byName.set(name, [...(byName.get(name) ?? []), r]);
  }
  return [...byName.entries()];
}

/** A file-provisioning document for provisioning/alerting/. */
export function renderGrafanaProvisioning(
  list: readonly ResolvedInstance[],
  opts: GrafanaOptions = {}
): GrafanaProvisioningFile {
  const o = options(opts);
  return {
    apiVersion: 1,
    groups: grouped(list, o).map(([name, members]) => ({
      orgId: o.orgId,
      name,
      folder: o.folderTitle,
      interval: o.interval,
      rules: members.flatMap((r) => r.rules.map((rule) => ruleCore(r, rule, o.uidPrefix))),
    })),
  };
}

/** One POST body per rule for /api/v1/provisioning/alert-rules. */
export function renderGrafanaApiRules(list: readonly ResolvedInstance[], opts: GrafanaOptions = {}): GrafanaApiRule[] {
  return grouped(list, opts).flatMap(([, members]) => members.flatMap((r) => grafanaApiRules(r, opts)));
}

/** One PUT body per rule group for /api/v1/provisioning/folder/:folderUid/rule-groups/:group. */
export function renderGrafanaApiRuleGroups(
  list: readonly ResolvedInstance[],
  opts: GrafanaOptions = {}
): GrafanaApiRuleGroup[] {
  const o = options(opts);
  return grouped(list, o).map(([name, members]) => ({
    title: name,
    folderUid: o.folderUid,
    interval: durationSeconds(o.interval),
    rules: members.flatMap((r) => grafanaApiRules(r, o)),
  }));
}
