/**
 * mlwatch alert-rule templates: the public API for the app pages and the
 * render script. Pure TypeScript; no Grafana runtime needed.
 *
 *   const resolved = resolveInstances([{ id: 'MLHighErrorRate', parameters: { threshold: 0.02 } }]);
 *   renderGrafanaProvisioning(resolved)   // provisioning/alerting YAML document
 *   renderGrafanaApiRules(resolved)       // POST /api/v1/provisioning/alert-rules bodies
 *   renderPrometheusRules(resolved)       // Prometheus rules file
 *   renderPrometheusRule(resolved)        // PrometheusRule for kube-prometheus-stack
 *   exportBundleJson(instances) / importBundle(text)
 */
export * from './types';
export { catalog, catalogEntry, getTemplate, templateIds, TEMPLATES } from './catalog';
export type { CatalogEntry, TemplateFormats } from './catalog';
export { checkValue, defaults, resolveParameters } from './params';
export { formatDuration, parseDuration } from './duration';
export {
  AlertTemplateError,
  defaultInstances,
  instanceLabel,
  resolveInstance,
  resolveInstances,
  ruleUid,
  templateRules,
} from './instances';
export {
  GRAFANA_DEFAULTS,
  grafanaApiRules,
  renderGrafanaApiRuleGroups,
  renderGrafanaApiRules,
  renderGrafanaProvisioning,
  ruleGroupName,
} from './render/grafana';
export type {
  GrafanaApiRule,
  GrafanaApiRuleGroup,
  GrafanaOptions,
  GrafanaProvisioningFile,
  GrafanaQuery,
} from './render/grafana';
export {
  PROMETHEUS_RULE_DEFAULTS,
  prometheusRules,
  prometheusUnsupported,
  renderPrometheusRule,
  renderPrometheusRules,
} from './render/prometheus';
export type {
  PrometheusAlertRule,
  PrometheusOptions,
  PrometheusRuleGroup,
  PrometheusRuleOptions,
  PrometheusRuleResource,
  PrometheusRulesFile,
} from './render/prometheus';
export { BUNDLE_FORMAT, BUNDLE_VERSION, exportBundle, exportBundleJson, importBundle, parseBundle } from './bundle';
export type { AlertBundle, BundleEntry, BundleResult, ExportOptions } from './bundle';
export { GENERATED_FILES, renderFiles, renderGrafanaApiJson, toYaml } from './files';
export type { RenderFilesOptions } from './files';
