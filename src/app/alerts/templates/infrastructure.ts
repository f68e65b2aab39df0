/**
 * Infrastructure templates (issue 10): the serving pods' out-of-memory kills
 * and CPU throttling, from the kube-state-metrics and cAdvisor series that
 * kube-prometheus-stack collects, and rate limiting of model requests.
 */
import { durationWords } from '../duration';
import {
  commonParameters,
  forParam,
  metricNameParam,
  n,
  numberParam,
  regexParam,
  severityParam,
  sev,
  str,
  windowParam,
} from '../params';
import { by, matcher, on, selector } from '../promql';
import type { AlertTemplate, ParamValues, RegexParam } from '../types';
import { codeLabelParam, lbl, modelLabelParam, pct, requestsMetricParam } from './common';

/** Labels kube-state-metrics and cAdvisor put on container series. */
const CONTAINER_LABELS = ['namespace', 'pod', 'container'] as const;

const namespacesParam = (): RegexParam =>
  regexParam({
    name: 'namespaces',
    title: 'Namespaces (regex)',
    description: 'Namespaces of the model-serving pods, as a regular expression on the namespace label.',
    default: 'ml-serving',
  });

const podsParam = (): RegexParam =>
  regexParam({
    name: 'pods',
    title: 'Pods (regex)',
    description: 'Serving pods, as a regular expression on the pod label. .+ means every pod of the namespaces.',
    default: '.+',
  });

/** The namespace and pod matchers of the serving pods, plus the user's extra matchers. */
function podMatchers(v: ParamValues): string[] {
  return [matcher('namespace', '=~', str(v, 'namespaces')), matcher('pod', '=~', str(v, 'pods')), str(v, 'selector')];
}

const CONTAINER_TEXT = `container ${lbl('container')} of pod ${lbl('namespace')}/${lbl('pod')}`;

export const mlServingOOMKilled: AlertTemplate = {
  id: 'MLServingOOMKilled',
  title: 'Serving pod OOM killed',
  description:
    'A container of a model-serving pod restarted recently and its last termination reason is OOMKilled; fires at once.',
  area: 'infrastructure',
  severity: 'critical',
  parameters: [
    windowParam('window', 'Restart window', '10m', 'A restart within this window, after an OOM kill, fires the alert.'),
    forParam('0s'),
    severityParam('critical'),
    namespacesParam(),
    podsParam(),
    metricNameParam({
      name: 'restartsMetric',
      title: 'Restarts counter',
      description: 'kube-state-metrics counter of container restarts.',
      default: 'kube_pod_container_status_restarts_total',
    }),
    metricNameParam({
      name: 'reasonMetric',
      title: 'Last termination reason',
      description: 'kube-state-metrics gauge of the last reason a container was terminated (reason label).',
      default: 'kube_pod_container_status_last_terminated_reason',
    }),
    ...commonParameters({ datasourceUid: 'prometheus' }),
  ],
  rules: (v) => {
    const window = str(v, 'window');
    const m = podMatchers(v);
    const restarts = selector(str(v, 'restartsMetric'), ...m);
    const reason = selector(str(v, 'reasonMetric'), matcher('reason', '=', 'OOMKilled'), ...m);
    return [
      {
        name: 'MLServingOOMKilled',
        severity: sev(v),
        for: str(v, 'for'),
        summary: `Container ${lbl('container')} of pod ${lbl('namespace')}/${lbl('pod')} was OOM killed`,
        description:
          `The ${CONTAINER_TEXT} restarted {{ printf "%.0f" $value }} time(s) in the last ${durationWords(window)} ` +
          'and its last termination reason is OOMKilled: it used more memory than its limit.',
        runbook: {
          meaning:
            'The kernel killed the model server because it went over its memory limit; requests in flight failed and the pod was unavailable while it restarted.',
          check:
            'Look at the memory working set against the limit in the infrastructure row of the ML service overview dashboard: a slow climb is a leak, a jump is a large batch, payload or model load. Check recent deploys and model versions.',
          action:
            'Raise the memory limit if the model needs it; otherwise fix the leak, cap batch and payload sizes, or roll back the model version that needs more memory.',
        },
        query: {
          kind: 'prometheus',
          signal: [`increase(${restarts}[${window}])`, `and ${on(...CONTAINER_LABELS)}`, `(${reason} == 1)`].join('\n'),
          op: '>',
          threshold: 0,
        },
      },
    ];
  },
};

export const mlServingCPUThrottled: AlertTemplate = {
  id: 'MLServingCPUThrottled',
  title: 'Serving pod CPU throttled',
  description: 'A model-serving container was throttled in more than 25% of its CPU periods (CFS quota).',
  area: 'infrastructure',
  severity: 'warning',
  parameters: [
    numberParam({
      name: 'threshold',
      title: 'Throttled share threshold',
      description: 'Fires when the share of throttled CPU periods is above this ratio (0.25 = 25%).',
      default: 0.25,
      min: 0,
      max: 1,
      minExclusive: true,
      maxExclusive: true,
      unit: 'ratio',
    }),
    windowParam('window', 'Window', '15m', 'The window the throttled share is computed over.'),
    forParam('15m'),
    severityParam('warning'),
    namespacesParam(),
    podsParam(),
    metricNameParam({
      name: 'throttledMetric',
      title: 'Throttled periods counter',
      description: 'cAdvisor counter of CFS periods in which the container was throttled.',
      default: 'container_cpu_cfs_throttled_periods_total',
    }),
    metricNameParam({
      name: 'periodsMetric',
      title: 'Periods counter',
      description: 'cAdvisor counter of elapsed CFS periods.',
      default: 'container_cpu_cfs_periods_total',
    }),
    ...commonParameters({ datasourceUid: 'prometheus' }),
  ],
  rules: (v) => {
    const window = str(v, 'window');
    const threshold = n(v, 'threshold');
    // cAdvisor also reports the pod cgroup (container="") and the pause container (POD).
    const m = [matcher('container', '!=', ''), matcher('container', '!=', 'POD'), ...podMatchers(v)];
    const throttled = selector(str(v, 'throttledMetric'), ...m);
    const periods = selector(str(v, 'periodsMetric'), ...m);
    const group = by(...CONTAINER_LABELS);
    return [
      {
        name: 'MLServingCPUThrottled',
        severity: sev(v),
        for: str(v, 'for'),
        summary: `Container ${lbl('container')} of pod ${lbl('namespace')}/${lbl('pod')} is CPU throttled in {{ $value | humanizePercentage }} of periods`,
        description:
          `The ${CONTAINER_TEXT} was throttled in {{ $value | humanizePercentage }} of its CPU periods over the last ` +
          `${durationWords(window)} (threshold ${pct(threshold)}); it wants more CPU than its limit allows.`,
        runbook: {
          meaning:
            'The model server hits its CPU limit; the kernel pauses it in each throttled period, which adds latency to preprocessing and inference.',
          check:
            'Compare CPU usage with the CPU limit and the stage latencies in the ML service overview dashboard; look for higher traffic, bigger payloads or a new model version.',
          action:
            'Raise or remove the CPU limit, scale out the deployment, or reduce the work per request (batching, thread pools sized to the limit).',
        },
        query: {
          kind: 'prometheus',
          signal: [
            `sum ${group} (increase(${throttled}[${window}]))`,
            `/`,
            `(sum ${group} (increase(${periods}[${window}])) > 0)`,
          ].join('\n'),
          op: '>',
          threshold,
        },
      },
    ];
  },
};

export const mlRateLimited: AlertTemplate = {
  id: 'MLRateLimited',
  title: 'Rate limited requests',
  description: 'Per model, the share of requests answered with status code 429 (too many requests) is above 2%.',
  area: 'model-serving',
  severity: 'warning',
  parameters: [
    numberParam({
      name: 'threshold',
      title: 'Rate-limited ratio threshold',
      description: 'Fires when the share of rate-limited requests is above this ratio (0.02 = 2%).',
      default: 0.02,
      min: 0,
      max: 1,
      minExclusive: true,
      maxExclusive: true,
      unit: 'ratio',
    }),
    windowParam('window', 'Rate window', '5m', 'The window the share is computed over.'),
    forParam('5m'),
    severityParam('warning'),
    requestsMetricParam(),
    modelLabelParam(),
    codeLabelParam(),
    regexParam({
      name: 'limitedCodes',
      title: 'Rate-limit codes (regex)',
      description: 'Status codes that mean "rate limited", as a regular expression on the code label.',
      default: '429',
    }),
    ...commonParameters({ datasourceUid: 'prometheus' }),
  ],
  rules: (v) => {
    const model = str(v, 'modelLabel');
    const metric = str(v, 'requestsMetric');
    const sel = str(v, 'selector');
    const window = str(v, 'window');
    const threshold = n(v, 'threshold');
    const limited = selector(metric, matcher(str(v, 'codeLabel'), '=~', str(v, 'limitedCodes')), sel);
    const all = selector(metric, sel);
    return [
      {
        name: 'MLRateLimited',
        severity: sev(v),
        for: str(v, 'for'),
        summary: `Model ${lbl(model)}: {{ $value | humanizePercentage }} of requests were rate limited over the last ${window}`,
        description:
          `The share of requests to model ${lbl(model)} answered with a status code matching "${str(v, 'limitedCodes')}" ` +
          `was {{ $value | humanizePercentage }} over the last ${durationWords(window)} (threshold ${pct(threshold)}).`,
        runbook: {
          meaning:
            'The model server or its gateway turns requests away because a rate limit or concurrency limit is reached; callers get no prediction.',
          check:
            'Look at the request rate by status code and caller, the configured limits of the gateway and the server, and whether CPU throttling or slow inference lowered the capacity.',
          action:
            'Scale out or raise the limit if the traffic is legitimate; otherwise find the caller that exceeds its quota and ask it to back off.',
        },
        query: {
          kind: 'prometheus',
          signal: [
            `sum ${by(model)} (rate(${limited}[${window}]))`,
            `/`,
            `(sum ${by(model)} (rate(${all}[${window}])) > 0)`,
          ].join('\n'),
          op: '>',
          threshold,
        },
      },
    ];
  },
};
