// The simulated ML models: features, predictions, confidence, latency,
// status codes and delayed labels as functions of the scenario and time.
// The live service samples from these; the backfill writes their expected
// counts (with count noise) for each step.

import { noisyCount, normal, phi, Stream } from './rng';
import { Scenario } from './scenario';
import { putHistogram, SeriesBuilder, Source } from './series';

export type Dist = { kind: 'normal'; mu: number; sd: number } | { kind: 'lognormal'; mu: number; sigma: number };

export interface Feature {
  name: string;
  base: Dist;
  /** Fixed bucket bounds (11), from the baseline distribution. */
  bounds: number[];
  /** How drift moves the distribution at level 1. */
  drift?: { dMu: number; sdScale?: number };
}

export interface ModelDef {
  name: string;
  version: string;
  classes: string[];
  /** Baseline class shares. */
  shares: number[];
  /** Class shares at full skew (class_skew level 1). */
  skewShares?: number[];
  /** Requests per second at the daily mean. */
  rps: number;
  features: Feature[];
  /** Confidence z ~ N(mu, sd), see confidenceCdf. */
  confidence: { mu: number; sd: number; droppedMu: number };
  /** Median stage latencies (s). */
  stages: { preprocess: number; inference: number; postprocess: number };
  /** Serving pods (the replicas of the deployment). */
  pods: string[];
}

const STAGES = ['preprocess', 'inference', 'postprocess'] as const;
export type Stage = (typeof STAGES)[number];

/** Bucket bounds of the latency histograms (prom-client's defaults, plus 1ms). */
export const REQUEST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
export const STAGE_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
export const CONFIDENCE_BUCKETS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];
/** confidence_bin label values of the calibration counter: "0.9-1.0" is (0.9, 1.0]. */
export const CONFIDENCE_BINS = CONFIDENCE_BUCKETS.map(
  (b, i) => `${i === 0 ? '0.0' : CONFIDENCE_BUCKETS[i - 1].toFixed(1)}-${b.toFixed(1)}`
);

/** Share of predictions whose label arrives, and after how long. */
export const LABELED_SHARE = 0.6;
export const LABEL_DELAY_MS = 10 * 60e3;

function round2(x: number): number {
  if (x === 0) {
    return 0;
  }
  const p = Math.pow(10, Math.floor(Math.log10(Math.abs(x))) - 1);
  return Math.round(x / p) * p;
}

/** 11 bucket bounds spanning the baseline distribution (z from -2.2 to 2.2). */
function boundsOf(d: Dist): number[] {
  const out: number[] = [];
  for (let i = 0; i < 11; i++) {
    const z = -2.2 + (4.4 * i) / 10;
    const x = d.kind === 'normal' ? d.mu + d.sd * z : Math.exp(d.mu + d.sigma * z);
    const r = Number(round2(x).toPrecision(2));
    if (!out.length || r > out[out.length - 1]) {
      out.push(r);
    } else {
      out.push(Number((out[out.length - 1] * 1.05 + 1e-9).toPrecision(3)));
    }
  }
  return out;
}

function feat(name: string, base: Dist, drift?: Feature['drift']): Feature {
  return { name, base, bounds: boundsOf(base), drift };
}

const N = (mu: number, sd: number): Dist => ({ kind: 'normal', mu, sd });
const LN = (mu: number, sigma: number): Dist => ({ kind: 'lognormal', mu, sigma });

export const MODELS: ModelDef[] = [
  {
    name: 'fraud-detector',
    version: 'v3',
    classes: ['legit', 'review', 'fraud'],
    shares: [0.9, 0.07, 0.03],
    skewShares: [0.56, 0.2, 0.24],
    rps: 12,
    features: [
      feat('txn_amount', LN(3.6, 1.0), { dMu: 1.2 }),
      feat('merchant_distance_km', LN(1.5, 1.1), { dMu: 1.3 }),
      feat('account_age_days', LN(6.2, 1.0), { dMu: -1.6, sdScale: 1.2 }),
      feat('txn_hour', N(14, 5)),
      feat('card_present_ratio', N(0.62, 0.15)),
      feat('device_risk_score', N(0.2, 0.08)),
      feat('ip_reputation', N(0.8, 0.08)),
      feat('velocity_1h', LN(0.5, 0.8)),
      feat('velocity_24h', LN(2.0, 0.7)),
      feat('avg_txn_amount_30d', LN(3.8, 0.8)),
      feat('num_cards_on_account', LN(0.7, 0.4)),
      feat('email_domain_age_days', LN(7, 1)),
      feat('billing_shipping_mismatch', N(0.1, 0.04)),
      feat('customer_age_years', N(41, 13)),
      feat('session_duration_s', LN(5, 0.8)),
      feat('failed_logins_24h', LN(-0.5, 1)),
      feat('basket_items', LN(1, 0.6)),
      feat('merchant_risk_score', N(0.3, 0.1)),
      feat('chargeback_rate_merchant', LN(-5, 0.6)),
      feat('geo_velocity_kmh', LN(2, 1.2)),
    ],
    confidence: { mu: 2.6, sd: 1.0, droppedMu: 0.7 },
    stages: { preprocess: 0.004, inference: 0.018, postprocess: 0.0015 },
    pods: ['fraud-detector-7c9d8f6b5-x2kqp', 'fraud-detector-7c9d8f6b5-m8wzt', 'fraud-detector-7c9d8f6b5-r4hjn'],
  },
  {
    name: 'churn-predictor',
    version: 'v12',
    classes: ['stay', 'churn'],
    shares: [0.85, 0.15],
    rps: 3,
    features: [
      feat('tenure_months', LN(2.8, 0.9)),
      feat('monthly_charges', N(65, 25)),
      feat('support_tickets_90d', LN(0, 0.9)),
      feat('usage_hours_30d', LN(3.5, 0.7)),
      feat('contract_months', N(12, 8)),
      feat('payment_delay_days', LN(0.5, 1)),
      feat('plan_changes_12m', LN(-0.3, 0.7)),
      feat('nps_score', N(7, 2)),
    ],
    confidence: { mu: 1.8, sd: 0.9, droppedMu: 1.8 },
    stages: { preprocess: 0.003, inference: 0.009, postprocess: 0.001 },
    pods: ['churn-predictor-5b7f9c8d4-q9vxl', 'churn-predictor-5b7f9c8d4-t6npc'],
  },
];

/** Daily traffic shape (UTC): 0.65 at night to 1.35 mid-afternoon. */
export function diurnal(t: number): number {
  const h = (t / 3600e3) % 24;
  return 1 + 0.35 * Math.sin((2 * Math.PI * (h - 9)) / 24);
}

/** The model's state at one moment: everything the service and the backfill need. */
export interface ModelState {
  rps: number;
  /** Shares of status codes among requests (sum 1). */
  codes: Record<string, number>;
  features: Dist[];
  classShares: number[];
  confMu: number;
  confSd: number;
  /** Multiplier of the inference and preprocess latency (CPU throttling). */
  slow: number;
  /** How far accuracy falls below calibration at full concept drift. */
  miscalibration: number;
}

function shift(d: Dist, dMu: number, sdScale: number): Dist {
  return d.kind === 'normal'
    ? { kind: 'normal', mu: d.mu + dMu * d.sd, sd: d.sd * sdScale }
    : { kind: 'lognormal', mu: d.mu + dMu, sigma: d.sigma * sdScale };
}

export function modelState(sc: Scenario, m: ModelDef, t: number): ModelState {
  const forModel = (i: { model?: string }) => !i.model || i.model === m.name;
  const rps = m.rps * diurnal(t);
  const burst = sc.level('error_burst', t, forModel);
  const limited = sc.level('rate_limiting', t, forModel);
  const r429 = 0.3 * limited;
  const r5xx = (0.002 + 0.16 * burst) * (1 - r429);
  const codes: Record<string, number> = { '200': 1 - r429 - r5xx, '500': r5xx * 0.6, '503': r5xx * 0.4 };
  if (r429 > 0) {
    codes['429'] = r429;
  }
  const features = m.features.map((f) => {
    if (!f.drift) {
      return f.base;
    }
    const lvl = sc.level('feature_drift', t, (i) => forModel(i) && (!i.features || i.features.includes(f.name)));
    return lvl > 0 ? shift(f.base, f.drift.dMu * lvl, 1 + ((f.drift.sdScale ?? 1) - 1) * lvl) : f.base;
  });
  const skew = sc.level('class_skew', t, forModel);
  const classShares = m.skewShares && skew > 0 ? m.shares.map((s, i) => s + (m.skewShares![i] - s) * skew) : m.shares;
  const drop = sc.level('confidence_drop', t, forModel);
  const confMu = m.confidence.mu + (m.confidence.droppedMu - m.confidence.mu) * drop;
  const throttle = sc.level('cpu_throttling', t, forModel);
  const concept = sc.level('feature_drift', t, forModel);
  return {
    rps,
    codes,
    features,
    classShares,
    confMu,
    confSd: m.confidence.sd * (1 + 0.3 * drop),
    slow: 1 + 2.5 * throttle,
    miscalibration: 0.22 * concept,
  };
}

export function cdf(d: Dist, x: number): number {
  if (d.kind === 'normal') {
    return phi((x - d.mu) / d.sd);
  }
  return x <= 0 ? 0 : phi((Math.log(x) - d.mu) / d.sigma);
}

export function mean(d: Dist): number {
  return d.kind === 'normal' ? d.mu : Math.exp(d.mu + (d.sigma * d.sigma) / 2);
}

export function sample(d: Dist, z: number): number {
  return d.kind === 'normal' ? d.mu + d.sd * z : Math.exp(d.mu + d.sigma * z);
}

/** Shares of the buckets (bounds.length + 1, the last is above every bound). */
export function bucketShares(bounds: readonly number[], c: (x: number) => number): number[] {
  const out: number[] = [];
  let prev = 0;
  for (const b of bounds) {
    const p = c(b);
    out.push(Math.max(0, p - prev));
    prev = p;
  }
  out.push(Math.max(0, 1 - prev));
  return out;
}

/**
 * Confidence of the top class: c = 1/K + (1 - 1/K) * sigmoid(z) with
 * z ~ N(mu, sd), so that c lies in (1/K, 1). Its CDF in closed form.
 */
export function confidenceCdf(k: number, mu: number, sd: number, x: number): number {
  const a = 1 / k;
  if (x <= a) {
    return 0;
  }
  if (x >= 1) {
    return 1;
  }
  const u = (x - a) / (1 - a);
  return phi((Math.log(u / (1 - u)) - mu) / sd);
}

export function confidenceOf(k: number, mu: number, sd: number, z: number): number {
  const a = 1 / k;
  return a + (1 - a) / (1 + Math.exp(-(mu + sd * z)));
}

/** Mean confidence (numerically, 64-point midpoint rule on z). */
function confidenceMean(k: number, mu: number, sd: number): number {
  let s = 0;
  let w = 0;
  for (let i = 0; i < 64; i++) {
    const z = -4 + (8 * (i + 0.5)) / 64;
    const p = Math.exp((-z * z) / 2);
    s += p * confidenceOf(k, mu, sd, z);
    w += p;
  }
  return s / w;
}

/** Probability that a prediction with confidence in bin b is right. */
export function accuracyInBin(bin: number, miscalibration: number): number {
  const mid = bin < CONFIDENCE_BUCKETS.length ? CONFIDENCE_BUCKETS[bin] - 0.05 : 0.95;
  return Math.max(0, Math.min(1, mid * (1 - miscalibration) + 0.01));
}

export function binOf(conf: number): number {
  for (let i = 0; i < CONFIDENCE_BUCKETS.length; i++) {
    if (conf <= CONFIDENCE_BUCKETS[i]) {
      return i;
    }
  }
  return CONFIDENCE_BUCKETS.length - 1;
}

/** Live draws for one request. */
export function drawFeatures(st: ModelState, rng: Stream): number[] {
  return st.features.map((d) => sample(d, rng.normal()));
}

export function drawClass(st: ModelState, m: ModelDef, rng: Stream): string {
  let u = rng.next();
  for (let i = 0; i < m.classes.length; i++) {
    u -= st.classShares[i];
    if (u <= 0) {
      return m.classes[i];
    }
  }
  return m.classes[m.classes.length - 1];
}

export function drawCode(st: ModelState, rng: Stream): number {
  let u = rng.next();
  for (const [code, share] of Object.entries(st.codes)) {
    u -= share;
    if (u <= 0) {
      return Number(code);
    }
  }
  return 200;
}

export function stageMedian(m: ModelDef, st: ModelState, stage: Stage): number {
  const base = m.stages[stage];
  return stage === 'postprocess' ? base : base * st.slow;
}

export const STAGE_SIGMA = 0.35;
export const REQUEST_OVERHEAD = 0.0008;

/**
 * The backfill source of the ML service: exactly the series prom-client
 * exposes in the live service (names, labels, buckets), with expected
 * counts per step plus count noise.
 */
export function mlSource(sc: Scenario, models: ModelDef[] = MODELS): Source {
  const b = new SeriesBuilder();
  const fReq = b.family('ml_requests_total', 'counter', 'Requests to the model, by HTTP status code.');
  const fDur = b.family('ml_request_duration_seconds', 'histogram', 'Request latency of the model endpoint.');
  const fStage = b.family('ml_stage_duration_seconds', 'histogram', 'Latency of each stage of a prediction.');
  const fPred = b.family('ml_predictions_total', 'counter', 'Predictions by predicted class.');
  const fConf = b.family('ml_prediction_confidence', 'histogram', 'Confidence (top-class probability) of predictions.');
  const fFeat = b.family('ml_feature_value', 'histogram', 'Values of the model input features.');
  const fLab = b.family(
    'ml_labeled_predictions_total',
    'counter',
    'Predictions whose ground-truth label arrived, by correctness (and confidence bin).'
  );

  type Idx = {
    m: ModelDef;
    req: Record<string, number>;
    dur: number;
    stage: Record<Stage, number>;
    pred: number[];
    conf: number;
    feat: number[];
    lab: number[];
    labBin: number[][];
  };
  const idx: Idx[] = [];
  const codes = ['200', '429', '500', '503'];
  for (const m of models) {
    idx.push({
      m,
      req: {},
      dur: 0,
      stage: {} as Record<Stage, number>,
      pred: [],
      conf: 0,
      feat: [],
      lab: [],
      labBin: [],
    });
  }
  // Families must be contiguous: one loop per family over the models.
  for (const x of idx) {
    for (const c of codes) {
      x.req[c] = b.counter(fReq, { model: x.m.name, version: x.m.version, code: c }, true);
    }
  }
  for (const x of idx) {
    x.dur = b.histogram(fDur, { model: x.m.name, version: x.m.version }, REQUEST_BUCKETS);
  }
  for (const x of idx) {
    for (const s of STAGES) {
      x.stage[s] = b.histogram(fStage, { model: x.m.name, version: x.m.version, stage: s }, STAGE_BUCKETS);
    }
  }
  for (const x of idx) {
    x.pred = x.m.classes.map((c) => b.counter(fPred, { model: x.m.name, version: x.m.version, class: c }, true));
  }
  for (const x of idx) {
    x.conf = b.histogram(fConf, { model: x.m.name, version: x.m.version }, CONFIDENCE_BUCKETS);
  }
  for (const x of idx) {
    x.feat = x.m.features.map((f) => b.histogram(fFeat, { model: x.m.name, feature: f.name }, f.bounds));
  }
  for (const x of idx) {
    x.lab = ['true', 'false'].map((c) => b.counter(fLab, { model: x.m.name, version: x.m.version, correct: c }, true));
    x.labBin = CONFIDENCE_BINS.map((bin) =>
      ['true', 'false'].map((c) =>
        b.counter(fLab, { model: x.m.name, version: x.m.version, correct: c, confidence_bin: bin }, true)
      )
    );
  }

  const seed = sc.seed;
  return {
    name: 'ml',
    series: b.series,
    lazyGroups: b.lazyGroups,
    fill(t: number, dt: number, out: Float64Array) {
      const key = Math.round(t / 1000);
      for (const x of idx) {
        const m = x.m;
        const st = modelState(sc, m, t);
        const n = noisyCount(st.rps * dt, normal(seed, m.name, 'n', key));
        const perCode: Record<string, number> = {};
        let assigned = 0;
        for (const c of codes) {
          const share = st.codes[c] ?? 0;
          const k = c === '200' ? 0 : noisyCount(n * share, normal(seed, m.name, 'code', c, key));
          perCode[c] = k;
          assigned += k;
        }
        perCode['200'] = Math.max(0, n - assigned);
        for (const c of codes) {
          out[x.req[c]] = perCode[c];
        }
        const served = perCode['200'];
        const processed = served + perCode['500'] + perCode['503'];
        // Latency: stages as lognormals around their medians; the request
        // as a lognormal around the sum (an approximation of the sum).
        let medSum = REQUEST_OVERHEAD;
        for (const s of STAGES) {
          const med = stageMedian(m, st, s);
          medSum += med;
          const ln: Dist = { kind: 'lognormal', mu: Math.log(med), sigma: STAGE_SIGMA };
          putCounts(out, x.stage[s], STAGE_BUCKETS, (v) => cdf(ln, v), processed, mean(ln), seed, m.name + s, key);
        }
        const lnReq: Dist = { kind: 'lognormal', mu: Math.log(medSum), sigma: 0.3 };
        putCounts(out, x.dur, REQUEST_BUCKETS, (v) => cdf(lnReq, v), n, mean(lnReq), seed, m.name + 'req', key);
        // Predictions of the served requests.
        let left = served;
        m.classes.forEach((c, i) => {
          const k =
            i === m.classes.length - 1
              ? left
              : Math.min(left, noisyCount(served * st.classShares[i], normal(seed, m.name, 'class', c, key)));
          left -= k;
          out[x.pred[i]] = k;
        });
        const k = m.classes.length;
        const confCounts = putCounts(
          out,
          x.conf,
          CONFIDENCE_BUCKETS,
          (v) => confidenceCdf(k, st.confMu, st.confSd, v),
          served,
          confidenceMean(k, st.confMu, st.confSd),
          seed,
          m.name + 'conf',
          key
        );
        void confCounts;
        m.features.forEach((f, i) => {
          const d = st.features[i];
          putCounts(out, x.feat[i], f.bounds, (v) => cdf(d, v), processed, mean(d), seed, m.name + f.name, key);
        });
        // Delayed labels: the predictions of LABEL_DELAY earlier.
        const tp = t - LABEL_DELAY_MS;
        const past = modelState(sc, m, tp);
        const pastServed = past.rps * dt * (past.codes['200'] ?? 1);
        const binShares = bucketShares(CONFIDENCE_BUCKETS, (v) => confidenceCdf(k, past.confMu, past.confSd, v)).slice(
          0,
          CONFIDENCE_BUCKETS.length
        );
        let right = 0;
        let wrong = 0;
        binShares.forEach((share, bin) => {
          const labeled = noisyCount(pastServed * LABELED_SHARE * share, normal(seed, m.name, 'lab', bin, key));
          const acc = accuracyInBin(bin, past.miscalibration);
          const ok = Math.min(labeled, noisyCount(labeled * acc, normal(seed, m.name, 'ok', bin, key)));
          out[x.labBin[bin][0]] = ok;
          out[x.labBin[bin][1]] = labeled - ok;
          right += ok;
          wrong += labeled - ok;
        });
        out[x.lab[0]] = right;
        out[x.lab[1]] = wrong;
      }
    },
  };
}

/** Writes noisy bucket counts of n observations into a histogram labelset. */
function putCounts(
  out: Float64Array,
  first: number,
  bounds: readonly number[],
  c: (x: number) => number,
  n: number,
  meanValue: number,
  seed: number,
  key: string,
  step: number
): number[] {
  const shares = bucketShares(bounds, c);
  const counts = shares.map((p, i) => noisyCount(n * p, normal(seed, key, i, step)));
  const total = counts.reduce((a, v) => a + v, 0);
  putHistogram(out, first, counts, total * meanValue);
  return counts;
}
