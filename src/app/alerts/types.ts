/**
 * Types of the alert-rule template system.
 *
 * A template is data: an id, words for people, typed parameters with
 * defaults, and a function from parameter values to one or more rule
 * definitions. Renderers turn rule definitions into Grafana-managed rules
 * (file provisioning and HTTP API), Prometheus rule groups and
 * PrometheusRule resources. Nothing here depends on Grafana or the browser.
 */

/** Where a template belongs; the catalog and rule groups are split by area. */
export type Area = 'model-serving' | 'infrastructure' | 'predictions' | 'gpu' | 'llm' | 'drift';

export const AREAS: readonly Area[] = ['model-serving', 'infrastructure', 'predictions', 'gpu', 'llm', 'drift'];

export const AREA_TITLES: Record<Area, string> = {
  'model-serving': 'Model serving',
  infrastructure: 'Infrastructure',
  predictions: 'Predictions',
  gpu: 'GPUs',
  llm: 'LLM calls',
  drift: 'Data drift',
};

export type Severity = 'critical' | 'warning' | 'info';

export const SEVERITIES: readonly Severity[] = ['critical', 'warning', 'info'];

/** A parameter value as it appears in a bundle: numbers are numbers, everything else a string. */
export type ParamValue = string | number;
export type ParamValues = Record<string, ParamValue>;

interface ParamBase {
  /** Name in bundles and in code, camelCase. */
  name: string;
  /** Short label for a form. */
  title: string;
  /** One or two sentences: what it changes. */
  description: string;
}

export interface NumberParam extends ParamBase {
  kind: 'number';
  default: number;
  min?: number;
  max?: number;
  /** The bounds themselves are not allowed. */
  minExclusive?: boolean;
  maxExclusive?: boolean;
  integer?: boolean;
  /** For people: "ratio (0-1)", "%", "s", "°C", "tokens/min". */
  unit?: string;
}

export interface DurationParam extends ParamBase {
  /** A Prometheus duration: 30s, 5m, 1h30m, 7d. */
  kind: 'duration';
  default: string;
  /** Smallest allowed, as a duration; 0s is allowed only when allowZero. */
  min?: string;
  max?: string;
  allowZero?: boolean;
}

export interface LabelNameParam extends ParamBase {
  kind: 'labelName';
  default: string;
}

export interface MetricNameParam extends ParamBase {
  kind: 'metricName';
  default: string;
  /** The base name of a classic histogram: must not end in _bucket, _sum or _count. */
  histogram?: boolean;
}

export interface LabelValueParam extends ParamBase {
  kind: 'labelValue';
  default: string;
  /** Empty is allowed and means "not set". */
  optional?: boolean;
}

export interface MatchersParam extends ParamBase {
  /** Extra PromQL label matchers, e.g. namespace="prod", env!~"dev|test". */
  kind: 'matchers';
  default: string;
}

export interface RegexParam extends ParamBase {
  /** A label-value regular expression (RE2, as Prometheus uses). */
  kind: 'regex';
  default: string;
}

export interface EnumParam extends ParamBase {
  kind: 'enum';
  default: string;
  options: readonly string[];
}

export interface UrlParam extends ParamBase {
  kind: 'url';
  default: string;
  optional?: boolean;
}

export interface UidParam extends ParamBase {
  /** A Grafana UID (datasource, folder): letters, digits, - and _, at most 40 characters. */
  kind: 'uid';
  default: string;
}

export type ParameterSpec =
  | NumberParam
  | DurationParam
  | LabelNameParam
  | MetricNameParam
  | LabelValueParam
  | MatchersParam
  | RegexParam
  | EnumParam
  | UrlParam
  | UidParam;

export type ParamKind = ParameterSpec['kind'];

/** A problem with one parameter value, in words a user can act on. */
export interface ParamProblem {
  parameter: string;
  message: string;
}

/** Comparison of the rule's value with its threshold. */
export type ThresholdOp = '>' | '<' | '>=' | '<=';

/** The value a rule watches, as a Prometheus query. */
export interface PrometheusSignal {
  kind: 'prometheus';
  /**
   * PromQL whose value is compared with the threshold. Guards that decide
   * which series exist (division by zero, "the group is busy", "the other
   * window agrees") are part of the signal; the one main comparison is not.
   * Prometheus rules use `signal op threshold`; Grafana rules query the
   * signal and compare it in a threshold expression, so both forms fire on
   * exactly the same series.
   */
  signal: string;
  op: ThresholdOp;
  threshold: number;
}

/** The value a rule watches, as a query of another Grafana datasource (Grafana-managed only). */
export interface DatasourceSignal {
  kind: 'datasource';
  /** Plugin id of the datasource, e.g. mlwatch-ml-datasource. */
  datasourceType: string;
  /** The query model without refId and datasource (the renderer adds them). */
  model: Record<string, unknown>;
  /** Seconds before now; the query's time range (the current window). */
  relativeTimeRange: { from: number; to: number };
  op: ThresholdOp;
  threshold: number;
}

export interface Runbook {
  /** What it means. */
  meaning: string;
  /** How to check. */
  check: string;
  /** What to do. */
  action: string;
}

/**
 * One alert rule of a template. A template may define several (an error
 * budget burn alert has a fast and a slow rule); they share the alert name
 * and differ in labels and key.
 */
export interface RuleDefinition {
  /** Alert name (Prometheus `alert`, Grafana title). */
  name: string;
  /** Distinguishes rules of one template in UIDs ("fast", "slow"); empty for a single rule. */
  key?: string;
  severity: Severity;
  /** Pending period; "0s" fires at once. */
  for: string;
  /** Labels beyond severity and team. */
  labels?: Record<string, string>;
  /**
   * Annotation texts, Go templates. Write the rule's value as `$value` and
   * labels as `$labels.x`; the Grafana renderer rewrites `$value` to the
   * reduced value (`$values.B.Value`).
   */
  summary: string;
  description: string;
  runbook: Runbook;
  query: PrometheusSignal | DatasourceSignal;
}

export interface AlertTemplate {
  /** The alert name of its rules, e.g. MLHighErrorRate. */
  id: string;
  title: string;
  description: string;
  area: Area;
  /** Severity of the default rule (the highest, when there are several). */
  severity: Severity;
  parameters: readonly ParameterSpec[];
  /**
   * Set when the template has no Prometheus rule form (no Prometheus rules
   * file entry, no PrometheusRule), saying why.
   */
  grafanaOnly?: string;
  /** Checks that involve several parameters (windows in order, reachable thresholds). */
  validate?: (values: ParamValues) => ParamProblem[];
  /** The rules for validated values. */
  rules: (values: ParamValues) => RuleDefinition[];
}

/** A template with chosen parameter values, as in a bundle. */
export interface TemplateInstance {
  id: string;
  /**
   * Tells several instances of one template apart (e.g. MLFeatureDrift for
   * two models): added to rule UIDs and as the `mlwatch_instance` label.
   */
  instance?: string;
  /** Values that differ from the defaults; missing ones take the default. */
  parameters?: ParamValues;
}

/** A template instance with every parameter resolved and validated. */
export interface ResolvedInstance {
  template: AlertTemplate;
  instance?: string;
  values: ParamValues;
  rules: RuleDefinition[];
}
