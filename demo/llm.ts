// The simulated LLM workload: a support-assistant chain (embeddings,
// routing, an answer with tool use, a verification by a second provider)
// with retries on rate limits, following the OpenTelemetry GenAI semantic
// conventions for spans and metrics. No network: providers are simulated.

import { noisyCount, normal, Stream } from './rng';
import { Scenario } from './scenario';
import { putHistogram, SeriesBuilder, Source } from './series';
import { bucketShares, cdf, diurnal, Dist, mean } from './model';

export interface LLMCall {
  /** Step name in the chain. */
  step: string;
  operation: 'chat' | 'embeddings';
  provider: 'openai' | 'anthropic';
  requestModel: string;
  responseModel: string;
  serverAddress: string;
  input: Dist;
  output?: Dist;
  /** Median duration (s) and time to first chunk (s, streaming calls). */
  duration: number;
  ttft?: number;
}

const LN = (median: number, sigma: number): Dist => ({ kind: 'lognormal', mu: Math.log(median), sigma });

export const LLM_CALLS: LLMCall[] = [
  {
    step: 'embed',
    operation: 'embeddings',
    provider: 'openai',
    requestModel: 'text-embedding-3-small',
    responseModel: 'text-embedding-3-small',
    serverAddress: 'api.openai.com',
    input: LN(60, 0.4),
    duration: 0.12,
  },
  {
    step: 'route',
    operation: 'chat',
    provider: 'openai',
    requestModel: 'gpt-4o-mini',
    responseModel: 'gpt-4o-mini-2024-07-18',
    serverAddress: 'api.openai.com',
    input: LN(420, 0.3),
    output: LN(12, 0.3),
    duration: 0.45,
  },
  {
    step: 'answer',
    operation: 'chat',
    provider: 'openai',
    requestModel: 'gpt-4o',
    responseModel: 'gpt-4o-2024-08-06',
    serverAddress: 'api.openai.com',
    input: LN(2200, 0.4),
    output: LN(350, 0.5),
    duration: 4.2,
    ttft: 0.6,
  },
  {
    step: 'verify',
    operation: 'chat',
    provider: 'anthropic',
    requestModel: 'claude-sonnet-4-20250514',
    responseModel: 'claude-sonnet-4-20250514',
    serverAddress: 'api.anthropic.com',
    input: LN(2600, 0.35),
    output: LN(90, 0.4),
    duration: 2.1,
    ttft: 0.9,
  },
];

/** Bucket advice of the GenAI metric conventions. */
export const TOKEN_BUCKETS = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
];
export const DURATION_BUCKETS = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];
export const TTFT_BUCKETS = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

/** Chains per second at the daily mean. */
export const CHAIN_RATE = 0.4;
/** Retries after a rate-limited attempt (so at most 1 + MAX_RETRIES attempts). */
export const MAX_RETRIES = 3;
export const SERVICE = 'support-assistant';

export interface LLMState {
  chainsPerSec: number;
  /** Answer steps per chain (the agent loop of a token spike). */
  loops: number;
  /** Input-token multiplier of the answer step. */
  inputScale: number;
  /** Share of attempts rate-limited, by provider. */
  limited: Record<string, number>;
  /** Share of answer calls that time out. */
  timeouts: number;
}

export function llmState(sc: Scenario, t: number): LLMState {
  const spike = sc.level('llm_token_spike', t);
  const limited = sc.level('rate_limiting', t);
  return {
    chainsPerSec: CHAIN_RATE * diurnal(t),
    loops: 1 + 3 * spike,
    inputScale: 1 + 4 * spike,
    limited: { openai: 0.45 * limited, anthropic: 0.1 * limited },
    timeouts: 0.004,
  };
}

function labelsOf(c: LLMCall): Record<string, string> {
  return {
    gen_ai_operation_name: c.operation,
    gen_ai_provider_name: c.provider,
    gen_ai_request_model: c.requestModel,
    gen_ai_response_model: c.responseModel,
    server_address: c.serverAddress,
  };
}

/** Metric labels of a call (Prometheus names of the GenAI attributes). */
export function metricLabels(c: LLMCall): Record<string, string> {
  return labelsOf(c);
}

/**
 * Backfill source of the GenAI client metrics, the same series as the live
 * service exposes: gen_ai_client_token_usage (by gen_ai_token_type),
 * gen_ai_client_operation_duration_seconds (error_type on failures) and
 * gen_ai_client_operation_time_to_first_chunk_seconds.
 */
export function llmSource(sc: Scenario): Source {
  const b = new SeriesBuilder();
  const fTok = b.family(
    'gen_ai_client_token_usage',
    'histogram',
    'Number of input and output tokens used (GenAI semantic conventions, gen_ai.client.token.usage).'
  );
  const fDur = b.family(
    'gen_ai_client_operation_duration_seconds',
    'histogram',
    'GenAI operation duration (gen_ai.client.operation.duration).'
  );
  const fTtft = b.family(
    'gen_ai_client_operation_time_to_first_chunk_seconds',
    'histogram',
    'Time to the first chunk of a streamed response (gen_ai.client.operation.time_to_first_chunk).'
  );
  const tokIn = LLM_CALLS.map((c) => b.histogram(fTok, { ...labelsOf(c), gen_ai_token_type: 'input' }, TOKEN_BUCKETS));
  const tokOut = LLM_CALLS.map((c) =>
    c.output ? b.histogram(fTok, { ...labelsOf(c), gen_ai_token_type: 'output' }, TOKEN_BUCKETS) : -1
  );
  const durOk = LLM_CALLS.map((c) => b.histogram(fDur, labelsOf(c), DURATION_BUCKETS));
  const durLimited = LLM_CALLS.map((c) =>
    b.histogram(fDur, { ...labelsOf(c), error_type: 'RateLimitError' }, DURATION_BUCKETS)
  );
  const durTimeout = LLM_CALLS.map((c) =>
    c.step === 'answer' ? b.histogram(fDur, { ...labelsOf(c), error_type: 'timeout' }, DURATION_BUCKETS) : -1
  );
  const ttft = LLM_CALLS.map((c) => (c.ttft ? b.histogram(fTtft, labelsOf(c), TTFT_BUCKETS) : -1));
  const seed = sc.seed;
  const put = (out: Float64Array, first: number, bounds: number[], d: Dist, n: number, key: string, step: number) => {
    const counts = bucketShares(bounds, (x) => cdf(d, x)).map((p, i) => noisyCount(n * p, normal(seed, key, i, step)));
    putHistogram(out, first, counts, counts.reduce((a, v) => a + v, 0) * mean(d));
  };
  return {
    name: 'llm',
    series: b.series,
    lazyGroups: b.lazyGroups,
    fill(t: number, dt: number, out: Float64Array) {
      const st = llmState(sc, t);
      const key = Math.round(t / 1000);
      const chains = noisyCount(st.chainsPerSec * dt, normal(seed, 'llm', 'chains', key));
      LLM_CALLS.forEach((c, i) => {
        const calls = c.step === 'answer' ? chains * st.loops : chains;
        const r = st.limited[c.provider] ?? 0;
        // Attempts rate-limited before success or giving up.
        let failedPerCall = 0;
        for (let k = 1; k <= MAX_RETRIES + 1; k++) {
          failedPerCall += Math.pow(r, k);
        }
        const limited = noisyCount(calls * failedPerCall, normal(seed, 'llm', c.step, 'rl', key));
        const gaveUp = Math.pow(r, MAX_RETRIES + 1);
        const timeouts = c.step === 'answer' ? noisyCount(calls * st.timeouts, normal(seed, 'llm', 'to', key)) : 0;
        const ok = Math.max(0, Math.round(calls * (1 - gaveUp)) - timeouts);
        const inScale = c.step === 'answer' ? st.inputScale : 1;
        const input: Dist =
          c.input.kind === 'lognormal'
            ? { kind: 'lognormal', mu: c.input.mu + Math.log(inScale), sigma: c.input.sigma }
            : c.input;
        put(out, tokIn[i], TOKEN_BUCKETS, input, ok, `tin${c.step}`, key);
        if (c.output && tokOut[i] >= 0) {
          put(out, tokOut[i], TOKEN_BUCKETS, c.output, ok, `tout${c.step}`, key);
        }
        const durScale = c.step === 'answer' ? Math.sqrt(inScale) : 1;
        put(out, durOk[i], DURATION_BUCKETS, LN(c.duration * durScale, 0.45), ok, `dur${c.step}`, key);
        put(out, durLimited[i], DURATION_BUCKETS, LN(0.18, 0.3), limited, `durrl${c.step}`, key);
        if (durTimeout[i] >= 0) {
          put(out, durTimeout[i], DURATION_BUCKETS, LN(30, 0.05), timeouts, `durto${c.step}`, key);
        }
        if (c.ttft && ttft[i] >= 0) {
          put(out, ttft[i], TTFT_BUCKETS, LN(c.ttft * durScale, 0.4), ok, `ttft${c.step}`, key);
        }
      });
    },
  };
}

/** One planned LLM operation (an attempt) of a chain. */
export interface PlannedCall {
  call: LLMCall;
  /** Offset from the chain start and duration, ms. */
  start: number;
  duration: number;
  attempt: number;
  error?: 'RateLimitError' | 'timeout';
  inputTokens?: number;
  outputTokens?: number;
  ttft?: number;
}

export interface PlannedStep {
  kind: 'retrieval' | 'tool';
  name: string;
  start: number;
  duration: number;
}

export interface ChainPlan {
  calls: PlannedCall[];
  steps: PlannedStep[];
  /** Total duration (ms) and outcome of the chain. */
  duration: number;
  failed: boolean;
}

/** Plans one chain at time t: what the live service executes and the backfill records. */
export function planChain(sc: Scenario, t: number, rng: Stream): ChainPlan {
  const st = llmState(sc, t);
  const calls: PlannedCall[] = [];
  const steps: PlannedStep[] = [];
  let at = 2 + rng.next() * 3;
  let failed = false;
  const lnDraw = (median: number, sigma: number) => median * Math.exp(sigma * rng.normal());
  const run = (c: LLMCall, inScale: number): boolean => {
    for (let attempt = 0; attempt <= MAX_RETRIES; attempt++) {
      if (rng.next() < (st.limited[c.provider] ?? 0)) {
        const d = lnDraw(180, 0.3);
        calls.push({ call: c, start: at, duration: d, attempt, error: 'RateLimitError' });
        at += d + 250 * Math.pow(2, attempt) * (0.5 + rng.next());
        continue;
      }
      if (c.step === 'answer' && rng.next() < st.timeouts) {
        calls.push({ call: c, start: at, duration: 30000, attempt, error: 'timeout' });
        at += 30000;
        return false;
      }
      const scale = c.step === 'answer' ? Math.sqrt(inScale) : 1;
      const input = Math.max(
        1,
        Math.round(Math.exp(c.input.kind === 'lognormal' ? c.input.mu + c.input.sigma * rng.normal() : 0) * inScale)
      );
      const output =
        c.output && c.output.kind === 'lognormal'
          ? Math.max(1, Math.round(Math.exp(c.output.mu + c.output.sigma * rng.normal())))
          : undefined;
      const d = lnDraw(c.duration * 1000 * scale, 0.45);
      const ttft = c.ttft ? Math.min(d * 0.9, lnDraw(c.ttft * 1000 * scale, 0.4)) : undefined;
      calls.push({ call: c, start: at, duration: d, attempt, inputTokens: input, outputTokens: output, ttft });
      at += d + 1;
      return true;
    }
    return false;
  };
  const byStep = (s: string) => LLM_CALLS.find((c) => c.step === s)!;
  if (!run(byStep('embed'), 1)) {
    failed = true;
  } else {
    const r = lnDraw(25, 0.3);
    steps.push({ kind: 'retrieval', name: 'kb-articles', start: at, duration: r });
    at += r + 1;
    if (!run(byStep('route'), 1)) {
      failed = true;
    } else {
      const loops = Math.max(1, Math.round(st.loops + (rng.next() - 0.5)));
      for (let i = 0; i < loops && !failed; i++) {
        const scale = st.inputScale * (1 + 0.35 * i);
        if (!run(byStep('answer'), scale)) {
          failed = true;
          break;
        }
        const d = lnDraw(40, 0.4);
        steps.push({ kind: 'tool', name: 'lookup_order', start: at, duration: d });
        at += d + 1;
      }
      if (!failed && !run(byStep('verify'), 1)) {
        failed = true;
      }
    }
  }
  return { calls, steps, duration: at + 2, failed };
}
