/**
 * LLM templates over the OpenTelemetry GenAI client metrics.
 */
import { durationWords } from '../duration';
import {
  commonParameters,
  forParam,
  metricNameParam,
  n,
  numberParam,
  severityParam,
  sev,
  shorter,
  str,
  windowParam,
} from '../params';
import { by, num, on, selector } from '../promql';
import type { AlertTemplate } from '../types';
import { lbl, modelLabelParam } from './common';

export const llmTokenUsageSpike: AlertTemplate = {
  id: 'LLMTokenUsageSpike',
  title: 'LLM token usage spike',
  description:
    'Per model, the token rate over 15 minutes is above 3x its rate over the 24 hours before, and above 1,000 tokens/min.',
  area: 'llm',
  severity: 'warning',
  parameters: [
    numberParam({
      name: 'factor',
      title: 'Spike factor',
      description: 'Fires when the current token rate is more than this many times the baseline rate.',
      default: 3,
      min: 1,
      minExclusive: true,
      unit: 'x',
    }),
    numberParam({
      name: 'minTokensPerMinute',
      title: 'Minimum tokens per minute',
      description: 'Only rates above this many tokens per minute fire, so that small models stay quiet.',
      default: 1000,
      min: 0,
      unit: 'tokens/min',
    }),
    windowParam('window', 'Current window', '15m', 'The current token rate is computed over this window.'),
    windowParam(
      'baselineWindow',
      'Baseline window',
      '24h',
      'The baseline token rate: this window, ending where the current window starts.'
    ),
    forParam('10m'),
    severityParam('warning'),
    metricNameParam({
      name: 'tokenMetric',
      title: 'Token usage histogram',
      description: 'Base name of the GenAI token-usage histogram; its _sum counts tokens.',
      default: 'gen_ai_client_token_usage',
      histogram: true,
    }),
    modelLabelParam('gen_ai_request_model'),
    ...commonParameters({ datasourceUid: 'prometheus' }),
  ],
  validate: (v) => shorter(v, 'window', 'baselineWindow'),
  rules: (v) => {
    const model = str(v, 'modelLabel');
    const window = str(v, 'window');
    const baseline = str(v, 'baselineWindow');
    const factor = n(v, 'factor');
    const minRate = n(v, 'minTokensPerMinute');
    const tokens = selector(`${str(v, 'tokenMetric')}_sum`, str(v, 'selector'));
    const current = `sum ${by(model)} (rate(${tokens}[${window}]))`;
    return [
      {
        name: 'LLMTokenUsageSpike',
        severity: sev(v),
        for: str(v, 'for'),
        summary: `LLM ${lbl(model)}: token usage is {{ $value | humanize }}x its ${baseline} baseline`,
        description:
          `Tokens used with model ${lbl(model)} over the last ${durationWords(window)} come at {{ $value | humanize }} times ` +
          `the rate of the ${durationWords(baseline)} before (threshold ${num(factor)}x, and at least ${num(minRate)} tokens/min).`,
        runbook: {
          meaning:
            'Token use, and with it cost, jumped: a traffic surge, a retry loop, an agent stuck in a loop, longer prompts or a leaked key.',
          check:
            'Split the rate by token type (input/output), caller and operation; look at request counts versus tokens per request and at recent prompt or client releases.',
          action:
            'Stop runaway callers (rate limits, kill the loop, rotate a leaked key); roll back a prompt change that grew the context; raise budgets only if the growth is expected.',
        },
        query: {
          kind: 'prometheus',
          signal: [
            current,
            `/`,
            `(sum ${by(model)} (rate(${tokens}[${baseline}] offset ${window})) > 0)`,
            `and ${on(model)}`,
            `(${current} * 60 > ${num(minRate)})`,
          ].join('\n'),
          op: '>',
          threshold: factor,
        },
      },
    ];
  },
};
