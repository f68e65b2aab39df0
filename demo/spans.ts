// Traces of the demo: the plan of one /predict request and of one LLM
// chain, their spans (names, kinds, attributes and statuses as the live
// service's OpenTelemetry instrumentation records them), and rows of the
// OpenTelemetry collector ClickHouse exporter's otel_traces table for the
// backfill.

import { hexId, Stream, uniform } from './rng';
import { Scenario } from './scenario';
import {
  confidenceOf,
  drawClass,
  drawCode,
  drawFeatures,
  ModelDef,
  modelState,
  MODELS,
  REQUEST_OVERHEAD,
  STAGE_SIGMA,
  stageMedian,
} from './model';
import { ChainPlan, planChain, SERVICE as LLM_SERVICE } from './llm';

export type SpanKind = 'Server' | 'Client' | 'Internal';
export type StatusCode = 'Unset' | 'Ok' | 'Error';
export type AttrValue = string | number | boolean | string[];

export interface SpanEvent {
  offset: number; // ms from the trace start
  name: string;
  attrs: Record<string, AttrValue>;
}

/** One span of a planned trace; times are ms offsets from the trace start. */
export interface SpanSpec {
  name: string;
  kind: SpanKind;
  /** Index of the parent in the list; -1 for the root. */
  parent: number;
  start: number;
  duration: number;
  attrs: Record<string, AttrValue>;
  status: StatusCode;
  statusMessage?: string;
  events?: SpanEvent[];
}

export interface PredictPlan {
  model: ModelDef;
  code: number;
  stages: { preprocess: number; inference: number; postprocess: number }; // ms
  features: number[];
  cls: string;
  confidence: number;
}

export function planPredict(sc: Scenario, m: ModelDef, t: number, rng: Stream): PredictPlan {
  const st = modelState(sc, m, t);
  const draw = (stage: 'preprocess' | 'inference' | 'postprocess') =>
    stageMedian(m, st, stage) * 1000 * Math.exp(STAGE_SIGMA * rng.normal());
  return {
    model: m,
    code: drawCode(st, rng),
    stages: { preprocess: draw('preprocess'), inference: draw('inference'), postprocess: draw('postprocess') },
    features: drawFeatures(st, rng),
    cls: drawClass(st, m, rng),
    confidence: confidenceOf(m.classes.length, st.confMu, st.confSd, rng.normal()),
  };
}

/** The spans of one /predict request, as the live service records them. */
export function predictSpans(p: PredictPlan): SpanSpec[] {
  const m = p.model;
  const rejected = p.code === 429;
  const failed = p.code >= 500;
  const http = {
    'http.request.method': 'POST',
    'http.route': '/predict',
    'url.path': '/predict',
    'url.scheme': 'http',
    'http.response.status_code': p.code,
    'ml.model.name': m.name,
    'ml.model.version': m.version,
  };
  const overhead = REQUEST_OVERHEAD * 1000;
  if (rejected) {
    return [
      {
        name: 'POST /predict',
        kind: 'Server',
        parent: -1,
        start: 0,
        duration: 0.3 + overhead,
        attrs: { ...http, 'ml.rejected_reason': 'rate_limited' },
        status: 'Unset',
      },
    ];
  }
  const specs: SpanSpec[] = [];
  let at = overhead / 2;
  specs.push({
    name: 'POST /predict',
    kind: 'Server',
    parent: -1,
    start: 0,
    duration: 0,
    attrs: http,
    status: failed ? 'Error' : 'Unset',
  });
  specs.push({
    name: 'preprocess',
    kind: 'Internal',
    parent: 0,
    start: at,
    duration: p.stages.preprocess,
    attrs: { 'ml.stage': 'preprocess', 'ml.feature.count': m.features.length },
    status: 'Unset',
  });
  at += p.stages.preprocess;
  const inf: SpanSpec = {
    name: 'model_inference',
    kind: 'Internal',
    parent: 0,
    start: at,
    duration: p.stages.inference,
    attrs: { 'ml.stage': 'inference', 'ml.model.name': m.name, 'ml.model.version': m.version },
    status: 'Unset',
  };
  specs.push(inf);
  at += p.stages.inference;
  if (failed) {
    const message =
      p.code === 503
        ? 'model server overloaded: inference queue full'
        : 'inference failed: CUDA error: an illegal memory access was encountered';
    inf.status = 'Error';
    inf.statusMessage = message;
    inf.events = [
      {
        offset: at - 0.05,
        name: 'exception',
        attrs: { 'exception.type': p.code === 503 ? 'QueueFullError' : 'RuntimeError', 'exception.message': message },
      },
    ];
    specs[0].statusMessage = message;
    specs[0].attrs = { ...http, 'error.type': String(p.code) };
  } else {
    inf.attrs['ml.prediction.class'] = p.cls;
    inf.attrs['ml.prediction.confidence'] = Number(p.confidence.toFixed(4));
    specs.push({
      name: 'postprocess',
      kind: 'Internal',
      parent: 0,
      start: at,
      duration: p.stages.postprocess,
      attrs: { 'ml.stage': 'postprocess' },
      status: 'Unset',
    });
    at += p.stages.postprocess;
  }
  specs[0].duration = at + overhead / 2;
  return specs;
}

/** The spans of one LLM chain, as the live assistant records them. */
export function chainSpans(plan: ChainPlan, conversationId: string): SpanSpec[] {
  const specs: SpanSpec[] = [];
  const code = plan.failed ? 503 : 200;
  specs.push({
    name: 'POST /assist',
    kind: 'Server',
    parent: -1,
    start: 0,
    duration: plan.duration,
    attrs: {
      'http.request.method': 'POST',
      'http.route': '/assist',
      'url.path': '/assist',
      'url.scheme': 'http',
      'http.response.status_code': code,
      ...(plan.failed ? { 'error.type': '503' } : {}),
    },
    status: plan.failed ? 'Error' : 'Unset',
    statusMessage: plan.failed ? 'the LLM provider did not answer' : undefined,
  });
  specs.push({
    name: 'invoke_workflow support-answer',
    kind: 'Internal',
    parent: 0,
    start: 1,
    duration: plan.duration - 2,
    attrs: {
      'gen_ai.operation.name': 'invoke_workflow',
      'gen_ai.workflow.name': 'support-answer',
      'gen_ai.conversation.id': conversationId,
    },
    status: plan.failed ? 'Error' : 'Unset',
  });
  const items: Array<{ start: number; spec: SpanSpec }> = [];
  for (const c of plan.calls) {
    const call = c.call;
    const attrs: Record<string, AttrValue> = {
      'gen_ai.operation.name': call.operation,
      'gen_ai.provider.name': call.provider,
      'gen_ai.request.model': call.requestModel,
      'server.address': call.serverAddress,
      'server.port': 443,
    };
    if (call.operation === 'chat') {
      attrs['gen_ai.request.max_tokens'] = 1024;
      attrs['gen_ai.request.temperature'] = call.step === 'route' ? 0 : 0.2;
      attrs['gen_ai.request.stream'] = call.ttft !== undefined;
    }
    if (c.attempt > 0) {
      attrs['http.request.resend_count'] = c.attempt;
    }
    const spec: SpanSpec = {
      name: `${call.operation} ${call.requestModel}`,
      kind: 'Client',
      parent: 1,
      start: c.start,
      duration: c.duration,
      attrs,
      status: 'Unset',
    };
    if (c.error) {
      attrs['error.type'] = c.error;
      spec.status = 'Error';
      if (c.error === 'RateLimitError') {
        attrs['http.response.status_code'] = 429;
        spec.statusMessage = `Error code: 429 - rate limit reached for ${call.requestModel}; retry after ${Math.pow(2, c.attempt) * 250}ms`;
      } else {
        spec.statusMessage = `Request to ${call.serverAddress} timed out after 30s`;
      }
      spec.events = [
        {
          offset: c.start + c.duration,
          name: 'exception',
          attrs: {
            'exception.type': c.error === 'RateLimitError' ? 'RateLimitError' : 'APITimeoutError',
            'exception.message': spec.statusMessage,
          },
        },
      ];
    } else {
      attrs['gen_ai.response.model'] = call.responseModel;
      attrs['gen_ai.response.id'] =
        call.provider === 'openai'
          ? `chatcmpl-${conversationId.slice(0, 12)}${c.start.toFixed(0)}`
          : `msg_${conversationId.slice(0, 12)}${c.start.toFixed(0)}`;
      attrs['gen_ai.usage.input_tokens'] = c.inputTokens ?? 0;
      if (c.outputTokens !== undefined) {
        attrs['gen_ai.usage.output_tokens'] = c.outputTokens;
        attrs['gen_ai.response.finish_reasons'] = [call.step === 'answer' ? 'tool_calls' : 'stop'];
      }
      if (c.ttft !== undefined) {
        attrs['gen_ai.response.time_to_first_chunk'] = Number((c.ttft / 1000).toFixed(4));
      }
    }
    items.push({ start: c.start, spec });
  }
  for (const s of plan.steps) {
    const spec: SpanSpec =
      s.kind === 'retrieval'
        ? {
            name: `retrieval ${s.name}`,
            kind: 'Internal',
            parent: 1,
            start: s.start,
            duration: s.duration,
            attrs: { 'gen_ai.operation.name': 'retrieval', 'gen_ai.data_source.id': s.name },
            status: 'Unset',
          }
        : {
            name: `execute_tool ${s.name}`,
            kind: 'Internal',
            parent: 1,
            start: s.start,
            duration: s.duration,
            attrs: {
              'gen_ai.operation.name': 'execute_tool',
              'gen_ai.tool.name': s.name,
              'gen_ai.tool.type': 'function',
              'gen_ai.tool.call.id': `call_${conversationId.slice(0, 8)}${s.start.toFixed(0)}`,
            },
            status: 'Unset',
          };
    items.push({ start: s.start, spec });
  }
  items.sort((a, b) => a.start - b.start);
  for (const it of items) {
    specs.push(it.spec);
  }
  return specs;
}

// ---- otel_traces rows ----------------------------------------------------

export interface ResourceInfo {
  service: string;
  version: string;
  attrs: Record<string, string>;
}

export const SCOPE = { name: 'mlwatch-demo', version: '0.1.0' };

export function resourceOf(service: string, version: string, pod: string): ResourceInfo {
  return {
    service,
    version,
    attrs: {
      'service.name': service,
      'service.version': version,
      'service.namespace': 'ml-serving',
      'deployment.environment.name': 'demo',
      'k8s.namespace.name': 'ml-serving',
      'k8s.pod.name': pod,
      'telemetry.sdk.language': 'nodejs',
      'telemetry.sdk.name': 'opentelemetry',
      'telemetry.sdk.version': '2.11.0',
    },
  };
}

/** An attribute value as the exporter stores it in a Map(String, String). */
export function attrString(v: AttrValue): string {
  if (Array.isArray(v)) {
    return JSON.stringify(v);
  }
  return String(v);
}

function isoNanos(ms: number): string {
  const whole = Math.floor(ms);
  const nanos = Math.round((ms - whole) * 1e6);
  const d = new Date(whole).toISOString(); // 2026-11-27T10:00:00.123Z
  return d.slice(0, 23) + String(nanos).padStart(6, '0') + 'Z';
}

/** One row of otel_traces in JSONEachRow (insert with date_time_input_format=best_effort). */
export interface TraceRow {
  Timestamp: string;
  TraceId: string;
  SpanId: string;
  ParentSpanId: string;
  TraceState: string;
  SpanName: string;
  SpanKind: string;
  ServiceName: string;
  ResourceAttributes: Record<string, string>;
  ScopeName: string;
  ScopeVersion: string;
  SpanAttributes: Record<string, string>;
  Duration: number;
  StatusCode: string;
  StatusMessage: string;
  'Events.Timestamp': string[];
  'Events.Name': string[];
  'Events.Attributes': Array<Record<string, string>>;
  'Links.TraceId': string[];
  'Links.SpanId': string[];
  'Links.TraceState': string[];
  'Links.Attributes': Array<Record<string, string>>;
}

export function specsToRows(
  specs: SpanSpec[],
  traceStart: number,
  traceId: string,
  res: ResourceInfo,
  seed: number
): TraceRow[] {
  const ids = specs.map((_, i) => hexId(8, seed, traceId, 'span', i));
  return specs.map((s, i) => {
    const attrs: Record<string, string> = {};
    for (const [k, v] of Object.entries(s.attrs)) {
      attrs[k] = attrString(v);
    }
    const events = s.events ?? [];
    return {
      Timestamp: isoNanos(traceStart + s.start),
      TraceId: traceId,
      SpanId: ids[i],
      ParentSpanId: s.parent >= 0 ? ids[s.parent] : '',
      TraceState: '',
      SpanName: s.name,
      SpanKind: s.kind,
      ServiceName: res.service,
      ResourceAttributes: res.attrs,
      ScopeName: SCOPE.name,
      ScopeVersion: SCOPE.version,
      SpanAttributes: attrs,
      Duration: Math.max(1000, Math.round(s.duration * 1e6)),
      StatusCode: s.status,
      StatusMessage: s.statusMessage ?? '',
      'Events.Timestamp': events.map((e) => isoNanos(traceStart + e.offset)),
      'Events.Name': events.map((e) => e.name),
      'Events.Attributes': events.map((e) =>
        Object.fromEntries(Object.entries(e.attrs).map(([k, v]) => [k, attrString(v)]))
      ),
      'Links.TraceId': [],
      'Links.SpanId': [],
      'Links.TraceState': [],
      'Links.Attributes': [],
    };
  });
}

export interface SpanBackfillOptions {
  /** One /predict trace per model every predictEvery ms (default 2 min), one chain every chainEvery ms (default 2 min). */
  predictEvery?: number;
  chainEvery?: number;
}

/**
 * Rows of the sampled traces of [from, to): a deterministic function of
 * the scenario (each trace is keyed by its slot), yielded in batches.
 */
export function* spanRows(sc: Scenario, from: number, to: number, o: SpanBackfillOptions = {}): Generator<TraceRow[]> {
  const predictEvery = o.predictEvery ?? 120e3;
  const chainEvery = o.chainEvery ?? 120e3;
  let batch: TraceRow[] = [];
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  const tick = gcd(predictEvery, chainEvery);
  const first = Math.ceil(from / tick) * tick;
  for (let t = first; t < to; t += tick) {
    if (t % predictEvery === 0) {
      for (const m of MODELS) {
        const slot = `${m.name}/${t}`;
        const rng = new Stream(hashSlot(sc.seed, slot));
        const start = t + uniform(sc.seed, slot, 'jitter') * predictEvery * 0.9;
        const plan = planPredict(sc, m, start, rng);
        const traceId = hexId(16, sc.seed, 'trace', slot);
        const pod = m.pods[Math.floor(uniform(sc.seed, slot, 'pod') * m.pods.length)];
        batch.push(...specsToRows(predictSpans(plan), start, traceId, resourceOf(m.name, m.version, pod), sc.seed));
      }
    }
    if (t % chainEvery === 0) {
      const slot = `chain/${t}`;
      const rng = new Stream(hashSlot(sc.seed, slot));
      const start = t + uniform(sc.seed, slot, 'jitter') * chainEvery * 0.5;
      const plan = planChain(sc, start, rng);
      const traceId = hexId(16, sc.seed, 'trace', slot);
      const pod =
        uniform(sc.seed, slot, 'pod') < 0.5 ? 'support-assistant-6f8d9b7c5-zk2lm' : 'support-assistant-6f8d9b7c5-hp7wd';
      batch.push(
        ...specsToRows(
          chainSpans(plan, hexId(16, sc.seed, 'conv', slot)),
          start,
          traceId,
          resourceOf(LLM_SERVICE, '1.8.2', pod),
          sc.seed
        )
      );
    }
    if (batch.length >= 5000) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) {
    yield batch;
  }
}

function hashSlot(seed: number, slot: string): number {
  return Math.floor(uniform(seed, slot, 'rng') * 4294967295) + 1;
}
