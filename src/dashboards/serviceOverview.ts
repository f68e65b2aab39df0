/**
 * ML service overview: the three observability layers of a model side by
 * side — ML signals (predictions, confidence, drift), the application
 * (RED metrics, stage latency, traces, LLM calls) and the infrastructure
 * (serving pods, GPUs).
 */
import {
  dashboard,
  dashboardUrl,
  KUBE_DASHBOARDS,
  labelValuesVariable,
  ml,
  MLWATCH,
  mlwatchVariable,
  PANELS,
  pluginPanel,
  prom,
  prometheusVariable,
  promTable,
  PROMETHEUS,
  type Section,
  stat,
  table,
  textVariable,
  timeseries,
} from './build';
import {
  CONFIDENCE_DISTRIBUTION,
  driftOverTime,
  driftSummary,
  errorRatio,
  gpuFleet,
  latencyQuantile,
  meanConfidence,
  MODEL,
  ONE_TRACE,
  R,
  SERVING_CONTAINERS,
  SERVING_PODS,
  traceSearch,
} from './queries';
import type { Dashboard, Link } from './types';

export const SERVICE_OVERVIEW_UID = 'mlwatch-service-overview';

const podDashboard = (pod: string): Link => ({
  title: 'Kubernetes / Compute Resources / Pod',
  url: `/d/${KUBE_DASHBOARDS.pod}?\${__url_time_range}&var-datasource=\${prometheus}&var-namespace=\${__field.labels.namespace}&var-pod=${pod}`,
});

const KUBE_LINKS: Link[] = [
  {
    title: 'Kubernetes / Compute Resources / Namespace (Pods)',
    url: `/d/${KUBE_DASHBOARDS.namespacePods}?\${__url_time_range}&var-datasource=\${prometheus}&var-namespace=\${namespace}`,
  },
  {
    title: 'Kubernetes / Persistent Volumes',
    url: `/d/${KUBE_DASHBOARDS.persistentVolumes}?\${__url_time_range}&var-datasource=\${prometheus}&var-namespace=\${namespace}`,
  },
];

/**
 * The infrastructure row (issue 10): the serving pods of the selected models,
 * from what kube-prometheus-stack collects, with links to its own dashboards.
 */
export function infrastructureSection(): Section {
  const podLink = [podDashboard('${__field.labels.pod}')];
  return {
    row: 'Infrastructure: serving pods',
    panels: [
      timeseries(
        'CPU usage vs limit',
        [
          prom(
            `sum by (namespace, pod) (rate(container_cpu_usage_seconds_total{${SERVING_CONTAINERS}}[${R}]))`,
            '{{pod}}'
          ),
          prom(
            `sum by (namespace, pod) (kube_pod_container_resource_limits{resource="cpu", ${SERVING_PODS}})`,
            '{{pod}} limit'
          ),
        ],
        {
          description:
            'CPU cores used by the serving containers (cAdvisor), and their CPU limits (kube-state-metrics).',
          unit: 'short',
          min: 0,
          fieldLinks: podLink,
          links: KUBE_LINKS,
          overrides: [limitOverride()],
        }
      ),
      timeseries(
        'CPU throttling',
        [
          prom(
            [
              `sum by (namespace, pod) (increase(container_cpu_cfs_throttled_periods_total{${SERVING_CONTAINERS}}[${R}]))`,
              '/',
              `(sum by (namespace, pod) (increase(container_cpu_cfs_periods_total{${SERVING_CONTAINERS}}[${R}])) > 0)`,
            ].join('\n'),
            '{{pod}}'
          ),
        ],
        {
          description:
            'Share of CPU periods in which the container was throttled. Above 25% for 15 minutes fires MLServingCPUThrottled.',
          unit: 'percentunit',
          min: 0,
          max: 1,
          threshold: 0.25,
          fieldLinks: podLink,
        }
      ),
      timeseries(
        'Memory working set vs limit',
        [
          prom(`sum by (namespace, pod) (container_memory_working_set_bytes{${SERVING_CONTAINERS}})`, '{{pod}}'),
          prom(
            `sum by (namespace, pod) (kube_pod_container_resource_limits{resource="memory", ${SERVING_PODS}})`,
            '{{pod}} limit'
          ),
        ],
        {
          description:
            'Working set (what the OOM killer looks at) against the memory limit. A climb to the limit ends in an OOM kill.',
          unit: 'bytes',
          min: 0,
          fieldLinks: podLink,
          overrides: [limitOverride()],
        }
      ),
      timeseries(
        'Network',
        [
          prom(
            `sum by (namespace, pod) (rate(container_network_receive_bytes_total{${SERVING_PODS}}[${R}]))`,
            '{{pod}} received'
          ),
          prom(
            `-sum by (namespace, pod) (rate(container_network_transmit_bytes_total{${SERVING_PODS}}[${R}]))`,
            '{{pod}} sent'
          ),
        ],
        { description: 'Bytes received (up) and sent (down) by the serving pods.', unit: 'Bps', fieldLinks: podLink }
      ),
      timeseries(
        'Volume usage',
        [
          prom(
            [
              'sum by (namespace, persistentvolumeclaim) (kubelet_volume_stats_used_bytes{namespace=~"$namespace"})',
              '/',
              'sum by (namespace, persistentvolumeclaim) (kubelet_volume_stats_capacity_bytes{namespace=~"$namespace"})',
            ].join('\n'),
            '{{persistentvolumeclaim}}'
          ),
        ],
        {
          description: 'Used share of the persistent volumes in the namespaces (model store, feature cache).',
          unit: 'percentunit',
          min: 0,
          max: 1,
          threshold: 0.9,
          links: [KUBE_LINKS[1]],
        }
      ),
      timeseries(
        'Container restarts',
        [
          prom(
            `sum by (namespace, pod, container) (increase(kube_pod_container_status_restarts_total{${SERVING_PODS}}[${R}]))`,
            '{{pod}}/{{container}}'
          ),
        ],
        {
          description: 'Restarts of the serving containers (kube-state-metrics).',
          unit: 'short',
          min: 0,
          fieldLinks: podLink,
          custom: { drawStyle: 'bars', fillOpacity: 80 },
        }
      ),
      table(
        'Restarts and last termination reason',
        PROMETHEUS,
        [
          promTable(
            `sum by (namespace, pod, container) (increase(kube_pod_container_status_restarts_total{${SERVING_PODS}}[$__range]))`
          ),
          promTable(
            `max by (namespace, pod, container, reason) (kube_pod_container_status_last_terminated_reason{${SERVING_PODS}})`
          ),
        ],
        {
          w: 24,
          h: 7,
          description:
            'Restarts in the time range and why each container last stopped (OOMKilled, Error, Completed). OOMKilled with a recent restart fires MLServingOOMKilled.',
          transformations: [
            { id: 'joinByField', options: { byField: 'pod', mode: 'outer' } },
            {
              id: 'organize',
              options: {
                excludeByName: {
                  'Time 1': true,
                  'Time 2': true,
                  'namespace 2': true,
                  'container 2': true,
                  'Value #B': true,
                },
                renameByName: {
                  'namespace 1': 'Namespace',
                  pod: 'Pod',
                  'container 1': 'Container',
                  'Value #A': 'Restarts',
                  reason: 'Last termination reason',
                },
              },
            },
          ],
          overrides: [
            {
              matcher: { id: 'byName', options: 'Pod' },
              properties: [
                {
                  id: 'links',
                  value: [
                    {
                      title: 'Kubernetes / Compute Resources / Pod',
                      url: `/d/${KUBE_DASHBOARDS.pod}?\${__url_time_range}&var-datasource=\${prometheus}&var-namespace=\${__data.fields.Namespace}&var-pod=\${__value.raw}`,
                    },
                  ],
                },
              ],
            },
          ],
        }
      ),
    ],
  };
}

function limitOverride() {
  return {
    matcher: { id: 'byRegexp', options: '.* limit$' },
    properties: [
      { id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } },
      { id: 'custom.fillOpacity', value: 0 },
      { id: 'color', value: { mode: 'fixed', fixedColor: 'red' } },
    ],
  };
}

export function serviceOverview(): Dashboard {
  return dashboard({
    uid: SERVICE_OVERVIEW_UID,
    title: 'mlwatch / ML service overview',
    description:
      'A model service at a glance: requests, errors, latency by stage, predictions, confidence, drift, LLM calls, GPUs, traces and the serving pods.',
    tags: ['overview'],
    variables: [
      prometheusVariable(),
      mlwatchVariable(),
      labelValuesVariable('model', 'Model', 'label_values(ml_requests_total, model)'),
      labelValuesVariable('namespace', 'Namespace', 'label_values(kube_pod_info, namespace)'),
      textVariable('trace_id', 'Trace ID'),
    ],
    links: [
      {
        title: 'Kubernetes dashboards',
        type: 'dashboards',
        tags: ['kubernetes-mixin'],
        asDropdown: true,
        includeVars: false,
        keepTime: true,
        targetBlank: false,
      },
    ],
    sections: [
      {
        panels: [
          stat('Requests', [prom(`sum(rate(ml_requests_total{${MODEL}}[${R}]))`)], {
            unit: 'reqps',
            description: 'Requests per second to the selected models.',
          }),
          stat(
            'Errors (5xx)',
            [
              prom(
                `sum(rate(ml_requests_total{${MODEL}, code=~"5.."}[${R}])) / (sum(rate(ml_requests_total{${MODEL}}[${R}])) > 0)`
              ),
            ],
            {
              unit: 'percentunit',
              threshold: 0.05,
            }
          ),
          stat(
            'Rate limited (429)',
            [
              prom(
                `sum(rate(ml_requests_total{${MODEL}, code="429"}[${R}])) / (sum(rate(ml_requests_total{${MODEL}}[${R}])) > 0)`
              ),
            ],
            {
              unit: 'percentunit',
              threshold: 0.02,
            }
          ),
          stat(
            'p95 latency',
            [prom(`histogram_quantile(0.95, sum by (le) (rate(ml_request_duration_seconds_bucket{${MODEL}}[${R}])))`)],
            { unit: 's', threshold: 1 }
          ),
          stat(
            'Mean confidence',
            [
              prom(
                `sum(rate(ml_prediction_confidence_sum{${MODEL}}[${R}])) / (sum(rate(ml_prediction_confidence_count{${MODEL}}[${R}])) > 0)`
              ),
            ],
            {
              unit: 'percentunit',
              decimals: 1,
            }
          ),
          stat(
            'OOM kills (range)',
            [
              prom(
                `sum(increase(kube_pod_container_status_restarts_total{${SERVING_PODS}}[$__range]) and on (namespace, pod, container) (kube_pod_container_status_last_terminated_reason{reason="OOMKilled", ${SERVING_PODS}} == 1)) or vector(0)`,
                undefined,
                { instant: true }
              ),
            ],
            {
              unit: 'short',
              threshold: 1,
              description: 'Restarts of serving containers whose last termination was an OOM kill.',
            }
          ),
        ],
      },
      {
        row: 'Requests, errors, latency',
        panels: [
          timeseries('Request rate', [prom(`sum by (model) (rate(ml_requests_total{${MODEL}}[${R}]))`, '{{model}}')], {
            unit: 'reqps',
            min: 0,
          }),
          timeseries(
            'Requests by status code',
            [prom(`sum by (code) (rate(ml_requests_total{${MODEL}}[${R}]))`, '{{code}}')],
            { unit: 'reqps', stack: true, min: 0 }
          ),
          timeseries(
            'Error and rate-limit ratio',
            [prom(errorRatio('5..'), '{{model}} 5xx'), prom(errorRatio('429'), '{{model}} 429')],
            {
              unit: 'percentunit',
              min: 0,
              threshold: 0.05,
            }
          ),
          timeseries(
            'Latency p95 by model',
            [prom(latencyQuantile(0.95, 'ml_request_duration_seconds', 'model'), '{{model}}')],
            { unit: 's', min: 0, threshold: 1 }
          ),
          timeseries(
            'Latency p95 by stage',
            [prom(latencyQuantile(0.95, 'ml_stage_duration_seconds', 'stage'), '{{stage}}')],
            {
              unit: 's',
              min: 0,
              description: 'Which stage is slow: preprocess, inference or postprocess.',
            }
          ),
          timeseries(
            'Stage share of time',
            [prom(`sum by (stage) (rate(ml_stage_duration_seconds_sum{${MODEL}}[${R}]))`, '{{stage}}')],
            {
              unit: 's',
              stack: true,
              min: 0,
              description: 'Seconds spent per second in each stage, stacked.',
            }
          ),
        ],
      },
      {
        row: 'Predictions and confidence',
        panels: [
          timeseries(
            'Predictions per class',
            [prom(`sum by (model, class) (rate(ml_predictions_total{${MODEL}}[${R}]))`, '{{model}} {{class}}')],
            { unit: 'short', stack: true, min: 0 }
          ),
          pluginPanel(PANELS.confidence, 'Confidence: now vs a week ago', MLWATCH, [ml(CONFIDENCE_DISTRIBUTION)], {
            w: 8,
            h: 8,
            description:
              'Distribution of prediction confidence in the time range against the same range a week earlier.',
          }),
          timeseries('Mean confidence', [prom(meanConfidence(R), '{{model}}')], {
            unit: 'percentunit',
            min: 0,
            max: 1,
          }),
        ],
      },
      {
        row: 'Data drift',
        panels: [
          pluginPanel(PANELS.driftHeatmap, 'Feature drift (PSI vs a week ago)', MLWATCH, [ml(driftOverTime())], {
            w: 16,
            h: 9,
            description: 'Drift score of each input feature per 30 minutes, against the same time a week earlier.',
            threshold: 0.1,
            links: [{ title: 'Data drift dashboard', url: dashboardUrl('mlwatch-data-drift', '&${model:queryparam}') }],
          }),
          table('Most drifted features', MLWATCH, [ml(driftSummary())], {
            w: 8,
            h: 9,
            transformations: [{ id: 'sortBy', options: { sort: [{ field: 'score', desc: true }] } }],
          }),
        ],
      },
      {
        row: 'LLM calls',
        panels: [
          timeseries(
            'Tokens per second',
            [
              prom(
                `sum by (gen_ai_request_model, gen_ai_token_type) (rate(gen_ai_client_token_usage_sum[${R}]))`,
                '{{gen_ai_request_model}} {{gen_ai_token_type}}'
              ),
            ],
            {
              unit: 'short',
              stack: true,
              min: 0,
            }
          ),
          timeseries(
            'LLM latency p95',
            [
              prom(
                `histogram_quantile(0.95, sum by (gen_ai_request_model, le) (rate(gen_ai_client_operation_duration_seconds_bucket[${R}])))`,
                '{{gen_ai_request_model}}'
              ),
            ],
            { unit: 's', min: 0 }
          ),
          timeseries(
            'LLM errors',
            [
              prom(
                `sum by (error_type) (rate(gen_ai_client_operation_duration_seconds_count{error_type!=""}[${R}]))`,
                '{{error_type}}'
              ),
            ],
            {
              unit: 'reqps',
              min: 0,
              stack: true,
              links: [{ title: 'LLM dashboard', url: dashboardUrl('mlwatch-llm') }],
            }
          ),
        ],
      },
      {
        row: 'GPUs',
        panels: [
          pluginPanel(PANELS.gpuTopology, 'GPU fleet', MLWATCH, [ml(gpuFleet())], {
            w: 16,
            h: 10,
            description: 'Every GPU by node; stragglers (below 75% of their group median utilisation) are marked.',
            links: [{ title: 'GPU fleet dashboard', url: dashboardUrl('mlwatch-gpu-fleet') }],
          }),
          timeseries(
            'GPU utilisation by namespace',
            [prom('avg by (namespace) (DCGM_FI_DEV_GPU_UTIL)', '{{namespace}}')],
            { w: 8, h: 10, unit: 'percent', min: 0, max: 100 }
          ),
        ],
      },
      {
        row: 'Traces',
        panels: [
          table('Slowest traces', MLWATCH, [ml(traceSearch())], {
            w: 10,
            h: 10,
            description: 'Recent traces; click a trace ID to open it on the right.',
            overrides: [
              {
                matcher: { id: 'byName', options: 'traceID' },
                properties: [
                  {
                    id: 'links',
                    value: [
                      {
                        title: 'Open trace',
                        url: dashboardUrl(
                          SERVICE_OVERVIEW_UID,
                          '&${model:queryparam}&${namespace:queryparam}&var-trace_id=${__value.raw}'
                        ),
                      },
                    ],
                  },
                ],
              },
            ],
            transformations: [{ id: 'sortBy', options: { sort: [{ field: 'duration', desc: true }] } }],
          }),
          pluginPanel(PANELS.traceWaterfall, 'Trace', MLWATCH, [ml(ONE_TRACE)], {
            w: 14,
            h: 10,
            description: 'The trace chosen in the table (variable trace_id).',
          }),
        ],
      },
      infrastructureSection(),
    ],
  });
}
