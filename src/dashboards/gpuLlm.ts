/**
 * The GPU fleet and LLM observability dashboards.
 */
import {
  dashboard,
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
  stat,
  table,
  textVariable,
  timeseries,
} from './build';
import { gpuFleet, ONE_TRACE, R, traceSearch } from './queries';
import type { Dashboard } from './types';

const GPUS = 'namespace=~"$gpu_namespace", Hostname=~"$host"';

export function gpuFleetDashboard(): Dashboard {
  const byGpu = '{{Hostname}} GPU {{gpu}}';
  return dashboard({
    uid: 'mlwatch-gpu-fleet',
    title: 'mlwatch / GPU fleet',
    description:
      'Every GPU from dcgm-exporter: topology, stragglers, utilisation, memory, temperature, power and XID errors.',
    tags: ['gpu'],
    variables: [
      prometheusVariable(),
      mlwatchVariable(),
      labelValuesVariable('gpu_namespace', 'Namespace', 'label_values(DCGM_FI_DEV_GPU_UTIL, namespace)'),
      labelValuesVariable('host', 'Host', 'label_values(DCGM_FI_DEV_GPU_UTIL, Hostname)'),
    ],
    sections: [
      {
        panels: [
          stat('GPUs', [prom(`count(DCGM_FI_DEV_GPU_UTIL{${GPUS}})`)], { unit: 'short' }),
          stat('Mean utilisation', [prom(`avg(DCGM_FI_DEV_GPU_UTIL{${GPUS}})`)], { unit: 'percent' }),
          stat('Hottest GPU', [prom(`max(DCGM_FI_DEV_GPU_TEMP{${GPUS}})`)], { unit: 'celsius', threshold: 85 }),
          stat(
            'GPUs with XID errors (5m)',
            [prom(`count(max_over_time(DCGM_FI_DEV_XID_ERRORS{${GPUS}}[5m]) > 0) or vector(0)`)],
            { unit: 'short', threshold: 1 }
          ),
          stat('Power draw', [prom(`sum(DCGM_FI_DEV_POWER_USAGE{${GPUS}})`)], { unit: 'watt', w: 8 }),
          pluginPanel(PANELS.gpuTopology, 'Topology', MLWATCH, [ml(gpuFleet('${gpu_namespace:regex}'))], {
            w: 24,
            h: 12,
            description:
              'Cluster, nodes and GPUs; a GPU below 75% of the median utilisation of its namespace (when that median is at least 40%) is a straggler.',
          }),
          {
            ...table('Stragglers', MLWATCH, [ml(gpuFleet('${gpu_namespace:regex}'))], {
              w: 24,
              h: 8,
              description: 'GPUs marked as stragglers, slowest first.',
            }),
            transformations: [
              {
                id: 'filterByValue',
                options: {
                  type: 'include',
                  match: 'any',
                  filters: [{ fieldName: 'straggler', config: { id: 'equal', options: { value: true } } }],
                },
              },
              { id: 'sortBy', options: { sort: [{ field: 'straggler_score', desc: true }] } },
            ],
          },
        ],
      },
      {
        row: 'Utilisation and memory',
        panels: [
          timeseries('GPU utilisation', [prom(`DCGM_FI_DEV_GPU_UTIL{${GPUS}}`, byGpu)], {
            w: 12,
            unit: 'percent',
            min: 0,
            max: 100,
          }),
          timeseries('Tensor pipe active', [prom(`DCGM_FI_PROF_PIPE_TENSOR_ACTIVE{${GPUS}}`, byGpu)], {
            w: 12,
            unit: 'percentunit',
            min: 0,
            max: 1,
          }),
          timeseries(
            'Framebuffer used',
            [
              prom(
                `DCGM_FI_DEV_FB_USED{${GPUS}} / (DCGM_FI_DEV_FB_USED{${GPUS}} + DCGM_FI_DEV_FB_FREE{${GPUS}})`,
                byGpu
              ),
            ],
            {
              w: 12,
              unit: 'percentunit',
              min: 0,
              max: 1,
              threshold: 0.95,
            }
          ),
          timeseries('Memory copy utilisation', [prom(`DCGM_FI_DEV_MEM_COPY_UTIL{${GPUS}}`, byGpu)], {
            w: 12,
            unit: 'percent',
            min: 0,
            max: 100,
          }),
        ],
      },
      {
        row: 'Health',
        panels: [
          timeseries('Temperature', [prom(`DCGM_FI_DEV_GPU_TEMP{${GPUS}}`, byGpu)], { unit: 'celsius', threshold: 85 }),
          timeseries('Power', [prom(`DCGM_FI_DEV_POWER_USAGE{${GPUS}}`, byGpu)], { unit: 'watt', min: 0 }),
          table('XID errors', PROMETHEUS, [promTable(`max_over_time(DCGM_FI_DEV_XID_ERRORS{${GPUS}}[$__range]) > 0`)], {
            w: 8,
            description: 'GPUs that reported a driver error (XID) in the time range, with the code.',
          }),
        ],
      },
    ],
  });
}

const LLM = 'gen_ai_request_model=~"$llm_model", gen_ai_provider_name=~"$provider"';

export function llmDashboard(): Dashboard {
  const tokens = (type: string) => `sum(rate(gen_ai_client_token_usage_sum{${LLM}, gen_ai_token_type="${type}"}[1h]))`;
  return dashboard({
    uid: 'mlwatch-llm',
    title: 'mlwatch / LLM observability',
    description:
      'LLM calls from the OpenTelemetry GenAI metrics: tokens, latency, time to first token, errors and rate limits, cost, and their traces.',
    tags: ['llm'],
    variables: [
      prometheusVariable(),
      mlwatchVariable(),
      labelValuesVariable('llm_model', 'LLM', 'label_values(gen_ai_client_token_usage_count, gen_ai_request_model)'),
      labelValuesVariable(
        'provider',
        'Provider',
        'label_values(gen_ai_client_token_usage_count, gen_ai_provider_name)'
      ),
      textVariable('input_price', 'Input $ per 1M tokens', '3'),
      textVariable('output_price', 'Output $ per 1M tokens', '15'),
      textVariable('trace_id', 'Trace ID'),
    ],
    sections: [
      {
        panels: [
          stat('Calls/s', [prom(`sum(rate(gen_ai_client_operation_duration_seconds_count{${LLM}}[${R}]))`)], {
            unit: 'reqps',
          }),
          stat('Tokens/min', [prom(`sum(rate(gen_ai_client_token_usage_sum{${LLM}}[${R}])) * 60`)], { unit: 'short' }),
          stat(
            'Rate limited',
            [
              prom(
                `sum(rate(gen_ai_client_operation_duration_seconds_count{${LLM}, error_type="RateLimitError"}[${R}])) / (sum(rate(gen_ai_client_operation_duration_seconds_count{${LLM}}[${R}])) > 0)`
              ),
            ],
            {
              unit: 'percentunit',
              threshold: 0.05,
            }
          ),
          stat(
            'Cost estimate per hour',
            [prom(`(${tokens('input')} * $input_price + ${tokens('output')} * $output_price) * 3600 / 1e6`)],
            {
              unit: 'currencyUSD',
              w: 6,
              description: 'Tokens of the last hour times the prices set in the variables.',
            }
          ),
          stat(
            'Time to first token p95',
            [
              prom(
                `histogram_quantile(0.95, sum by (le) (rate(gen_ai_client_operation_time_to_first_chunk_seconds_bucket{${LLM}}[${R}])))`
              ),
            ],
            { unit: 's', w: 6 }
          ),
        ],
      },
      {
        row: 'Tokens and cost',
        panels: [
          timeseries(
            'Tokens per second by type',
            [
              prom(
                `sum by (gen_ai_token_type) (rate(gen_ai_client_token_usage_sum{${LLM}}[${R}]))`,
                '{{gen_ai_token_type}}'
              ),
            ],
            { w: 12, unit: 'short', stack: true, min: 0 }
          ),
          timeseries(
            'Tokens per second by model',
            [
              prom(
                `sum by (gen_ai_request_model) (rate(gen_ai_client_token_usage_sum{${LLM}}[${R}]))`,
                '{{gen_ai_request_model}}'
              ),
            ],
            { w: 12, unit: 'short', stack: true, min: 0 }
          ),
        ],
      },
      {
        row: 'Latency and errors',
        panels: [
          timeseries(
            'Call latency',
            [
              prom(
                `histogram_quantile(0.5, sum by (gen_ai_request_model, le) (rate(gen_ai_client_operation_duration_seconds_bucket{${LLM}}[${R}])))`,
                '{{gen_ai_request_model}} p50'
              ),
              prom(
                `histogram_quantile(0.95, sum by (gen_ai_request_model, le) (rate(gen_ai_client_operation_duration_seconds_bucket{${LLM}}[${R}])))`,
                '{{gen_ai_request_model}} p95'
              ),
            ],
            { unit: 's', min: 0 }
          ),
          timeseries(
            'Time to first token p95',
            [
              prom(
                `histogram_quantile(0.95, sum by (gen_ai_request_model, le) (rate(gen_ai_client_operation_time_to_first_chunk_seconds_bucket{${LLM}}[${R}])))`,
                '{{gen_ai_request_model}}'
              ),
            ],
            { unit: 's', min: 0 }
          ),
          timeseries(
            'Errors and rate limits',
            [
              prom(
                `sum by (gen_ai_provider_name, error_type) (rate(gen_ai_client_operation_duration_seconds_count{${LLM}, error_type!=""}[${R}]))`,
                '{{gen_ai_provider_name}} {{error_type}}'
              ),
            ],
            {
              unit: 'reqps',
              stack: true,
              min: 0,
            }
          ),
        ],
      },
      {
        row: 'Traces',
        panels: [
          table('LLM traces', MLWATCH, [ml(traceSearch({ service: 'support-assistant' }))], {
            w: 10,
            h: 10,
            description: 'Traces of the assistant with their token counts; click a trace ID.',
            overrides: [
              {
                matcher: { id: 'byName', options: 'traceID' },
                properties: [
                  {
                    id: 'links',
                    value: [
                      { title: 'Open trace', url: '/d/mlwatch-llm?${__url_time_range}&var-trace_id=${__value.raw}' },
                    ],
                  },
                ],
              },
            ],
          }),
          pluginPanel(PANELS.traceWaterfall, 'Trace', MLWATCH, [ml(ONE_TRACE)], { w: 14, h: 10 }),
        ],
      },
    ],
  });
}
