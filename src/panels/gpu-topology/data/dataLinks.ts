/**
 * Data links for one GPU. A GPU is not a table row or a series point, so the
 * panel fills Grafana's data-link variables itself from the GPU's labels:
 *
 *   ${__field.labels.<name>}   any label of the GPU: host, gpu, uuid, model,
 *                              namespace, pod, container, hpc_job, group, and
 *                              the data's own (Hostname, instance, rack ...)
 *   ${__data.fields.<name>}    the same values, under the table's column names
 *   ${__value.raw|numeric|text} the colour metric's value
 *   ${__field.name}            the colour metric's name
 *
 * Values are percent-encoded unless the format is :raw. What remains
 * (dashboard variables, ${__url_time_range} ...) goes through Grafana's
 * replaceVariables with the same values as scoped variables.
 */
import type { DataLink, Field, InterpolateFunction, LinkModel, ScopedVars } from '@grafana/data';

export interface GpuLinkContext {
  labels: Record<string, string>;
  metricName: string;
  value: { raw: number; text: string };
}

const VARIABLE = /\$\{(__field\.labels|__data\.fields|__value|__field)\.([^}:]+)(?::([a-z]+))?\}/gi;

function format(value: string, fmt: string | undefined): string {
  switch ((fmt ?? '').toLowerCase()) {
    case 'raw':
    case 'text':
      return value;
    case 'queryparam':
    case 'percentencode':
    case '':
    default:
      return encodeURIComponent(value);
  }
}

/** Replaces the GPU's own variables in a link template. */
export function interpolateGpuVariables(template: string, ctx: GpuLinkContext, encode = true): string {
  return template.replace(VARIABLE, (match, scope: string, path: string, fmt: string | undefined) => {
    let value: string | undefined;
    switch (scope.toLowerCase()) {
      case '__field.labels':
      case '__data.fields':
        value = ctx.labels[path] ?? ctx.labels[path.trim()] ?? '';
        break;
      case '__value':
        if (path === 'raw' || path === 'numeric') {
          value = Number.isNaN(ctx.value.raw) ? '' : String(ctx.value.raw);
        } else if (path === 'text') {
          value = ctx.value.text;
        }
        break;
      case '__field':
        if (path === 'name' || path === 'displayName') {
          value = ctx.metricName;
        }
        break;
    }
    if (value === undefined) {
      return match;
    }
    return encode ? format(value, fmt) : value;
  });
}

/** Grafana-style scoped variables for the same values, for replaceVariables. */
export function gpuScopedVars(ctx: GpuLinkContext): ScopedVars {
  return {
    __field: { text: 'Field', value: { name: ctx.metricName, labels: ctx.labels } },
    __data: { text: 'Data', value: { fields: ctx.labels } },
    __value: { text: 'Value', value: { raw: ctx.value.raw, numeric: ctx.value.raw, text: ctx.value.text } },
  };
}

/** The GPU's data links, ready for VizTooltipFooter / DataLinkButton. */
export function gpuLinks(
  links: DataLink[],
  ctx: GpuLinkContext,
  origin: Field,
  replaceVariables: InterpolateFunction | undefined
): Array<LinkModel<Field>> {
  const scoped = gpuScopedVars(ctx);
  return links
    .filter((l) => typeof l.url === 'string' && l.url !== '')
    .map((l) => {
      let href = interpolateGpuVariables(l.url, ctx);
      let title = interpolateGpuVariables(l.title ?? '', ctx, false);
      if (replaceVariables) {
        href = replaceVariables(href, scoped);
        title = replaceVariables(title, scoped);
      }
      return {
        href,
        title: title || href,
        target: l.targetBlank ? '_blank' : '_self',
        origin,
        oneClick: l.oneClick,
      };
    });
}
