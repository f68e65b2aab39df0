// The load generator: sends /predict requests at each model's request rate
// (with its input features drawn from the scenario's distributions, so the
// drift arrives in the inputs) and /assist requests at the chain rate.

import { Scenario } from './scenario';
import { Stream } from './rng';
import { drawFeatures, modelState, MODELS } from './model';
import { llmState } from './llm';

export interface LoadOptions {
  scenario: Scenario;
  target: string; // http://demo:9464
  /** Multiplies every rate (0.1 for a light load). */
  scale?: number;
  /** Stop after this many ms (0: run until stopped). */
  duration?: number;
  log?: (msg: string) => void;
}

export class LoadGenerator {
  private timer?: NodeJS.Timeout;
  private rng: Stream;
  private sent = 0;
  private failed = 0;
  private codes: Record<string, number> = {};
  private inflight = 0;
  private stopped = false;

  constructor(private o: LoadOptions) {
    this.rng = new Stream(o.scenario.seed * 31 + (Date.now() % 100000));
  }

  start(): void {
    const startedAt = Date.now();
    let lastReport = Date.now();
    const tick = () => {
      if (this.stopped) {
        return;
      }
      const now = Date.now();
      if (this.o.duration && now - startedAt >= this.o.duration) {
        this.stop();
        return;
      }
      this.second(now);
      if (now - lastReport >= 60e3) {
        lastReport = now;
        this.o.log?.(
          `load: ${this.sent} requests sent, ${this.failed} failed to connect, codes ${JSON.stringify(this.codes)}`
        );
      }
      this.timer = setTimeout(tick, 1000 - (Date.now() % 1000));
    };
    tick();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  get stats() {
    return { sent: this.sent, failed: this.failed, codes: { ...this.codes }, inflight: this.inflight };
  }

  /** Schedules one second of requests, spread over the second. */
  private second(now: number) {
    const sc = this.o.scenario;
    const scale = this.o.scale ?? 1;
    for (const m of MODELS) {
      const st = modelState(sc, m, now);
      const n = poisson(st.rps * scale, this.rng);
      for (let i = 0; i < n; i++) {
        const values = drawFeatures(st, this.rng);
        const features = Object.fromEntries(m.features.map((f, j) => [f.name, values[j]]));
        setTimeout(
          () => this.send(`/predict?model=${encodeURIComponent(m.name)}`, { features }),
          this.rng.next() * 1000
        );
      }
    }
    const chains = poisson(llmState(sc, now).chainsPerSec * scale, this.rng);
    for (let i = 0; i < chains; i++) {
      setTimeout(() => this.send('/assist', { question: 'Where is my order?' }), this.rng.next() * 1000);
    }
  }

  private async send(path: string, body: unknown) {
    if (this.stopped || this.inflight > 500) {
      return;
    }
    this.inflight++;
    this.sent++;
    try {
      const res = await fetch(this.o.target.replace(/\/$/, '') + path, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      await res.arrayBuffer();
      this.codes[res.status] = (this.codes[res.status] ?? 0) + 1;
    } catch {
      this.failed++;
    } finally {
      this.inflight--;
    }
  }
}

function poisson(lambda: number, rng: Stream): number {
  if (lambda > 30) {
    return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * rng.normal()));
  }
  const l = Math.exp(-lambda);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= rng.next();
  } while (p > l);
  return k - 1;
}
