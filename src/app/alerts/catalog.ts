/**
 * The template catalog: every template, in display order.
 *
 * To add a template: write it in templates/<area>.ts,
 * add it to TEMPLATES below (and a new Area in types.ts if needed), add a
 * promtool unit test in tests/alerts/, and run scripts/render-alerts.mjs.
 * The renderers, bundles and generated files pick it up from here.
 */
import { mlFeatureDrift } from './templates/drift';
import { gpuIdle, gpuMemoryNearFull, gpuStraggler, gpuTemperatureHigh, gpuXidError } from './templates/gpu';
import { mlRateLimited, mlServingCPUThrottled, mlServingOOMKilled } from './templates/infrastructure';
import { llmTokenUsageSpike } from './templates/llm';
import { mlErrorBudgetBurn, mlHighErrorRate, mlSlowInference } from './templates/modelServing';
import { mlConfidenceDrop, mlNoPredictions, mlPredictionSkew } from './templates/predictions';
import { type AlertTemplate, type Area, AREAS, type ParameterSpec, type Severity } from './types';

export const TEMPLATES: readonly AlertTemplate[] = [
  mlHighErrorRate,
  mlSlowInference,
  mlErrorBudgetBurn,
  mlRateLimited,
  mlServingOOMKilled,
  mlServingCPUThrottled,
  mlNoPredictions,
  mlPredictionSkew,
  mlConfidenceDrop,
  gpuStraggler,
  gpuIdle,
  gpuMemoryNearFull,
  gpuTemperatureHigh,
  gpuXidError,
  llmTokenUsageSpike,
  mlFeatureDrift,
];

const BY_ID = new Map(TEMPLATES.map((t) => [t.id, t]));

export function getTemplate(id: string): AlertTemplate | undefined {
  return BY_ID.get(id);
}

export function templateIds(): string[] {
  return TEMPLATES.map((t) => t.id);
}

/** Output formats of a template. */
export interface TemplateFormats {
  /** Grafana-managed rule (file provisioning and HTTP API): every template has one. */
  grafana: true;
  /** Prometheus rules file group entry. */
  prometheus: boolean;
  /** PrometheusRule custom resource entry. */
  prometheusRule: boolean;
  /** Why prometheus / prometheusRule are false. */
  unsupportedReason?: string;
}

/** What a page needs to list a template, without calling its functions. */
export interface CatalogEntry {
  id: string;
  title: string;
  description: string;
  area: Area;
  severity: Severity;
  formats: TemplateFormats;
  parameters: readonly ParameterSpec[];
}

export function catalogEntry(t: AlertTemplate): CatalogEntry {
  return {
    id: t.id,
    title: t.title,
    description: t.description,
    area: t.area,
    severity: t.severity,
    formats: {
      grafana: true,
      prometheus: !t.grafanaOnly,
      prometheusRule: !t.grafanaOnly,
      ...(t.grafanaOnly ? { unsupportedReason: t.grafanaOnly } : {}),
    },
    parameters: t.parameters,
  };
}

/** The catalog, in area order. */
export function catalog(): CatalogEntry[] {
  return [...TEMPLATES].sort((a, b) => AREAS.indexOf(a.area) - AREAS.indexOf(b.area)).map(catalogEntry);
}
