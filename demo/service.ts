// The live demo service: POST /predict runs preprocess, model inference
// and postprocess for the simulated models; POST /assist runs the LLM
// chain. Both are traced with the OpenTelemetry JS SDK (exported over OTLP
// HTTP) and measured with prom-client (GET /metrics).

import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { context, Span, SpanKind, SpanStatusCode, trace, Tracer } from '@opentelemetry/api';
import { BasicTracerProvider, BatchSpanProcessor, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { Counter, Histogram, Registry } from 'prom-client';
import { Scenario } from './scenario';
import { hexId, Stream } from './rng';
import {
  accuracyInBin,
  binOf,
  CONFIDENCE_BINS,
  CONFIDENCE_BUCKETS,
  LABEL_DELAY_MS,
  LABELED_SHARE,
  ModelDef,
  modelState,
  MODELS,
  REQUEST_BUCKETS,
  STAGE_BUCKETS,
} from './model';
import { DURATION_BUCKETS, metricLabels, planChain, SERVICE as LLM_SERVICE, TOKEN_BUCKETS, TTFT_BUCKETS } from './llm';
import { chainSpans, planPredict, predictSpans, resourceOf, SCOPE, SpanSpec } from './spans';

export interface ServiceOptions {
  scenario: Scenario;
  port: number;
  host?: string;
  /** OTLP HTTP endpoint (the collector), e.g. http://otel-collector:4318; empty: no traces. */
  otlp?: string;
  /** Replace the OTLP exporter (tests). */
  spanExporter?: SpanExporter;
  log?: (msg: string) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

function tracerFor(
  service: string,
  version: string,
  pod: string,
  o: ServiceOptions
): { tracer: Tracer; provider?: BasicTracerProvider } {
  const exporter =
    o.spanExporter ?? (o.otlp ? new OTLPTraceExporter({ url: o.otlp.replace(/\/$/, '') + '/v1/traces' }) : undefined);
  if (!exporter) {
    return { tracer: trace.getTracer('noop') };
  }
  const res = resourceOf(service, version, pod);
  const attrs: Record<string, string> = { ...res.attrs };
  // The SDK sets its own telemetry.sdk.* attributes.
  for (const k of Object.keys(attrs).filter((k) => k.startsWith('telemetry.sdk.'))) {
    delete attrs[k];
  }
  const provider = new BasicTracerProvider({
    resource: defaultResource().merge(resourceFromAttributes(attrs)),
    spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 1000, maxExportBatchSize: 512 })],
  });
  return { tracer: provider.getTracer(SCOPE.name, SCOPE.version), provider };
}

function applyAttrs(span: Span, s: SpanSpec) {
  for (const [k, v] of Object.entries(s.attrs)) {
    span.setAttribute(k, v);
  }
}

function endWith(span: Span, s: SpanSpec, at?: number) {
  if (s.status === 'Error') {
    span.setStatus({ code: SpanStatusCode.ERROR, message: s.statusMessage });
  }
  for (const e of s.events ?? []) {
    span.addEvent(
      e.name,
      Object.fromEntries(Object.entries(e.attrs).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v]))
    );
  }
  span.end(at);
}

const kindOf = (k: SpanSpec['kind']) =>
  k === 'Server' ? SpanKind.SERVER : k === 'Client' ? SpanKind.CLIENT : SpanKind.INTERNAL;

export class DemoService {
  readonly registry = new Registry();
  private requests: Counter<string>;
  private duration: Histogram<string>;
  private stage: Histogram<string>;
  private predictions: Counter<string>;
  private confidence: Histogram<string>;
  private labeled: Counter<string>;
  private tokens: Histogram<string>;
  private opDuration: Histogram<string>;
  private ttft: Histogram<string>;
  private pending: Array<{ due: number; model: ModelDef; bin: number; correct: boolean }> = [];
  private rng: Stream;
  private tracers = new Map<string, Tracer>();
  private providers: BasicTracerProvider[] = [];
  private server = createServer((req, res) => void this.handle(req, res));
  private timer?: NodeJS.Timeout;

  constructor(private o: ServiceOptions) {
    const sc = o.scenario;
    this.rng = new Stream(sc.seed * 7919 + (Date.now() % 100000));
    const r = this.registry;
    this.requests = new Counter({
      name: 'ml_requests_total',
      help: 'Requests to the model, by HTTP status code.',
      labelNames: ['model', 'version', 'code'],
      registers: [r],
    });
    this.duration = new Histogram({
      name: 'ml_request_duration_seconds',
      help: 'Request latency of the model endpoint.',
      labelNames: ['model', 'version'],
      buckets: REQUEST_BUCKETS,
      registers: [r],
    });
    this.stage = new Histogram({
      name: 'ml_stage_duration_seconds',
      help: 'Latency of each stage of a prediction.',
      labelNames: ['model', 'version', 'stage'],
      buckets: STAGE_BUCKETS,
      registers: [r],
    });
    this.predictions = new Counter({
      name: 'ml_predictions_total',
      help: 'Predictions by predicted class.',
      labelNames: ['model', 'version', 'class'],
      registers: [r],
    });
    this.confidence = new Histogram({
      name: 'ml_prediction_confidence',
      help: 'Confidence (top-class probability) of predictions.',
      labelNames: ['model', 'version'],
      buckets: CONFIDENCE_BUCKETS,
      registers: [r],
    });
    this.labeled = new Counter({
      name: 'ml_labeled_predictions_total',
      help: 'Predictions whose ground-truth label arrived, by correctness (and confidence bin).',
      labelNames: ['model', 'version', 'correct', 'confidence_bin'],
      registers: [r],
    });
    this.tokens = new Histogram({
      name: 'gen_ai_client_token_usage',
      help: 'Number of input and output tokens used (GenAI semantic conventions, gen_ai.client.token.usage).',
      labelNames: [
        'gen_ai_operation_name',
        'gen_ai_provider_name',
        'gen_ai_request_model',
        'gen_ai_response_model',
        'server_address',
        'gen_ai_token_type',
      ],
      buckets: TOKEN_BUCKETS,
      registers: [r],
    });
    this.opDuration = new Histogram({
      name: 'gen_ai_client_operation_duration_seconds',
      help: 'GenAI operation duration (gen_ai.client.operation.duration).',
      labelNames: [
        'gen_ai_operation_name',
        'gen_ai_provider_name',
        'gen_ai_request_model',
        'gen_ai_response_model',
        'server_address',
        'error_type',
      ],
      buckets: DURATION_BUCKETS,
      registers: [r],
    });
    this.ttft = new Histogram({
      name: 'gen_ai_client_operation_time_to_first_chunk_seconds',
      help: 'Time to the first chunk of a streamed response (gen_ai.client.operation.time_to_first_chunk).',
      labelNames: [
        'gen_ai_operation_name',
        'gen_ai_provider_name',
        'gen_ai_request_model',
        'gen_ai_response_model',
        'server_address',
      ],
      buckets: TTFT_BUCKETS,
      registers: [r],
    });
    // One histogram per model: each model has its own fixed feature buckets.
    this.featureHists = new Map();
    for (const m of MODELS) {
      const perFeature = new Map<string, Histogram<string>>();
      for (const f of m.features) {
        perFeature.set(
          f.name,
          new Histogram({
            name: 'ml_feature_value',
            help: 'Values of the model input features.',
            labelNames: ['model', 'feature'],
            buckets: f.bounds,
            registers: [],
          })
        );
      }
      this.featureHists.set(m.name, perFeature);
    }
    for (const m of MODELS) {
      this.tracers.set(m.name, this.makeTracer(m.name, m.version, m.pods[0]));
    }
    this.tracers.set(LLM_SERVICE, this.makeTracer(LLM_SERVICE, '1.8.2', 'support-assistant-6f8d9b7c5-zk2lm'));
  }

  private featureHists: Map<string, Map<string, Histogram<string>>>;

  private makeTracer(service: string, version: string, pod: string): Tracer {
    const { tracer, provider } = tracerFor(service, version, pod, this.o);
    if (provider) {
      this.providers.push(provider);
    }
    return tracer;
  }

  async start(): Promise<number> {
    // Longer than Prometheus' scrape interval, so that scrapes reuse their connection.
    this.server.keepAliveTimeout = 65e3;
    await new Promise<void>((resolve) => this.server.listen(this.o.port, this.o.host ?? '0.0.0.0', resolve));
    this.timer = setInterval(() => this.flushLabels(Date.now()), 5000);
    const addr = this.server.address();
    return typeof addr === 'object' && addr ? addr.port : this.o.port;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    // Requests in flight (an LLM chain can take 30 s) are cut after 2 s.
    setTimeout(() => this.server.closeAllConnections(), 2000).unref();
    await closed;
    await Promise.all(this.providers.map((p) => p.shutdown().catch(() => undefined)));
  }

  /** Exposition: prom-client's registry plus the per-model feature histograms. */
  async metrics(): Promise<string> {
    let text = await this.registry.metrics();
    const parts: string[] = [];
    for (const perFeature of this.featureHists.values()) {
      for (const h of perFeature.values()) {
        const v = await h.get();
        for (const s of v.values) {
          const labels = Object.entries(s.labels)
            .map(([k, val]) => `${k}="${String(val).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`)
            .join(',');
          parts.push(`${s.metricName ?? 'ml_feature_value'}{${labels}} ${s.value}`);
        }
      }
    }
    if (parts.length) {
      text += `# HELP ml_feature_value Values of the model input features.\n# TYPE ml_feature_value histogram\n${parts.join('\n')}\n`;
    }
    return text;
  }

  private flushLabels(now: number) {
    const due = this.pending.filter((p) => p.due <= now);
    if (!due.length) {
      return;
    }
    this.pending = this.pending.filter((p) => p.due > now);
    for (const p of due) {
      const base = { model: p.model.name, version: p.model.version, correct: String(p.correct) };
      this.labeled.inc({ ...base, confidence_bin: '' });
      this.labeled.inc({ ...base, confidence_bin: CONFIDENCE_BINS[p.bin] });
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    try {
      if (req.method === 'GET' && url.pathname === '/metrics') {
        const body = await this.metrics();
        res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' }).end(body);
      } else if (req.method === 'GET' && (url.pathname === '/healthz' || url.pathname === '/')) {
        res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok\n');
      } else if (req.method === 'POST' && url.pathname === '/predict') {
        const body = await readBody(req);
        const model = MODELS.find((m) => m.name === (url.searchParams.get('model') ?? MODELS[0].name));
        if (!model) {
          res
            .writeHead(404, { 'Content-Type': 'application/json' })
            .end(JSON.stringify({ error: `unknown model; known: ${MODELS.map((m) => m.name).join(', ')}` }));
          return;
        }
        const out = await this.predict(model, body ? JSON.parse(body) : {});
        res.writeHead(out.code, { 'Content-Type': 'application/json' }).end(JSON.stringify(out.body));
      } else if (req.method === 'POST' && url.pathname === '/assist') {
        await readBody(req);
        const out = await this.assist();
        res.writeHead(out.code, { 'Content-Type': 'application/json' }).end(JSON.stringify(out.body));
      } else {
        res
          .writeHead(404, { 'Content-Type': 'text/plain' })
          .end('not found: try POST /predict?model=fraud-detector, POST /assist, GET /metrics\n');
      }
    } catch (e) {
      res.writeHead(400, { 'Content-Type': 'text/plain' }).end(`bad request: ${(e as Error).message}\n`);
    }
  }

  /** One prediction, really waited for and traced. */
  async predict(m: ModelDef, input: { features?: Record<string, number> }): Promise<{ code: number; body: unknown }> {
    const started = performance.now();
    const now = Date.now();
    const sc = this.o.scenario;
    const plan = planPredict(sc, m, now, this.rng);
    const specs = predictSpans(plan);
    const tracer = this.tracers.get(m.name)!;
    const root = tracer.startSpan(specs[0].name, { kind: SpanKind.SERVER });
    const ctx = trace.setSpan(context.active(), root);
    const labels = { model: m.name, version: m.version };
    let body: unknown;
    try {
      if (plan.code !== 429) {
        const values = m.features.map((f, i) => input.features?.[f.name] ?? plan.features[i]);
        for (let i = 1; i < specs.length; i++) {
          const s = specs[i];
          const span = tracer.startSpan(s.name, { kind: kindOf(s.kind) }, ctx);
          const t0 = performance.now();
          await sleep(s.duration);
          if (s.name === 'preprocess') {
            const hists = this.featureHists.get(m.name)!;
            m.features.forEach((f, j) => hists.get(f.name)!.observe({ model: m.name, feature: f.name }, values[j]));
          }
          applyAttrs(span, s);
          endWith(span, s);
          const stage = s.attrs['ml.stage'] as string;
          this.stage.observe({ ...labels, stage }, (performance.now() - t0) / 1000);
        }
      }
      if (plan.code === 200) {
        this.predictions.inc({ ...labels, class: plan.cls });
        this.confidence.observe(labels, plan.confidence);
        const st = modelState(sc, m, now);
        if (this.rng.next() < LABELED_SHARE) {
          const bin = binOf(plan.confidence);
          this.pending.push({
            due: now + LABEL_DELAY_MS,
            model: m,
            bin,
            correct: this.rng.next() < accuracyInBin(bin, st.miscalibration),
          });
        }
        body = { model: m.name, version: m.version, class: plan.cls, confidence: Number(plan.confidence.toFixed(4)) };
      } else if (plan.code === 429) {
        body = { error: 'rate limited: too many requests for this model, retry later' };
      } else {
        body = { error: specs.find((s) => s.status === 'Error' && s.statusMessage)?.statusMessage ?? 'internal error' };
      }
    } finally {
      applyAttrs(root, specs[0]);
      endWith(root, specs[0]);
      this.requests.inc({ ...labels, code: String(plan.code) });
      this.duration.observe(labels, (performance.now() - started) / 1000);
    }
    return { code: plan.code, body };
  }

  /** One LLM chain, run in real time with its spans and GenAI metrics. */
  async assist(): Promise<{ code: number; body: unknown }> {
    const sc = this.o.scenario;
    const plan = planChain(sc, Date.now(), this.rng);
    const conv = hexId(16, Math.floor(this.rng.next() * 2 ** 31), 'conv');
    const specs = chainSpans(plan, conv);
    const tracer = this.tracers.get(LLM_SERVICE)!;
    const t0 = Date.now();
    const root = tracer.startSpan(specs[0].name, { kind: SpanKind.SERVER, startTime: t0 });
    const wf = tracer.startSpan(
      specs[1].name,
      { kind: SpanKind.INTERNAL, startTime: t0 + specs[1].start },
      trace.setSpan(context.active(), root)
    );
    const wctx = trace.setSpan(context.active(), wf);
    // Children run one after another at their planned offsets.
    let callIndex = 0;
    for (let i = 2; i < specs.length; i++) {
      const s = specs[i];
      await sleep(t0 + s.start - Date.now());
      const span = tracer.startSpan(s.name, { kind: kindOf(s.kind) }, wctx);
      const started = performance.now();
      await sleep(s.duration);
      applyAttrs(span, s);
      endWith(span, s);
      if (s.kind === 'Client') {
        const call = plan.calls[callIndex++];
        const base = metricLabels(call.call);
        const secs = (performance.now() - started) / 1000;
        if (call.error) {
          this.opDuration.observe({ ...base, error_type: call.error }, secs);
        } else {
          this.opDuration.observe({ ...base, error_type: '' }, secs);
          this.tokens.observe({ ...base, gen_ai_token_type: 'input' }, call.inputTokens ?? 0);
          if (call.outputTokens !== undefined) {
            this.tokens.observe({ ...base, gen_ai_token_type: 'output' }, call.outputTokens);
          }
          if (call.ttft !== undefined) {
            this.ttft.observe(base, call.ttft / 1000);
          }
        }
      }
    }
    await sleep(t0 + specs[1].start + specs[1].duration - Date.now());
    applyAttrs(wf, specs[1]);
    endWith(wf, specs[1]);
    applyAttrs(root, specs[0]);
    endWith(root, specs[0]);
    const code = plan.failed ? 503 : 200;
    return {
      code,
      body: plan.failed
        ? { error: 'the LLM provider did not answer' }
        : { answer: 'Your order ships tomorrow.', conversation: conv },
    };
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (c) => {
      data += c;
      if (data.length > 1 << 20) {
        reject(new Error('body too large'));
        req.destroy();
      }
    });
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}
