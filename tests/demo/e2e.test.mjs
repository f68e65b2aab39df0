// End to end: `npm run demo:local` with the compressed timeline (four hours
// of history with every incident in it), then the mlwatch datasource's own
// query path (`build/mlwatch query`) against the stack's Prometheus and
// ClickHouse must find what the scenario injected:
//   - drift in exactly the three drifted features after the onset, and in
//     none before it;
//   - the confidence drop (the confidence distribution drifted, with more
//     low-confidence predictions) after its onset, not before;
//   - the straggler GPU, and no other, while it straggles; none before;
//   - the LLM traces with their token counts (the traces query), and the
//     spans in otel_traces with GenAI attributes (ClickHouse itself);
// and the live part must be running: every scrape job up, live spans
// arriving through OTLP.
//
// Run: node --test tests/demo/   (needs prometheus, promtool, Go; ClickHouse
// through the npm package chdb, else Debian's clickhouse-server, where the
// trace checks are skipped because 18.16 cannot hold the exporter's schema)
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ensureDemoBuilt, ensureMlwatchBuilt, repo, which } from './helpers.mjs';

const skip =
  !which('prometheus') || !which('promtool')
    ? 'prometheus and promtool are needed (apt-get install prometheus)'
    : false;
// The test command installs everything, so under CI nothing may be skipped.
if (skip && process.env.CI) {
  throw new Error(`demo e2e cannot run under CI: ${skip}`);
}
/** Skips a span test when the stack has no span store; under CI that is a failure. */
function needSpans(t) {
  if (info.spans === 'on') {
    return true;
  }
  const why = `spans are off in this stack (ClickHouse ${info.clickhouseVersion}: ${info.clickhouseMode})`;
  assert.ok(!process.env.CI, `${why}; the test command installs chdb for them`);
  t.skip(why);
  return false;
}
let stack;
let info;
let mlwatch;
let dir;
const minute = 60e3;

before(async () => {
  if (skip) {
    return;
  }
  ensureDemoBuilt();
  mlwatch = ensureMlwatchBuilt();
  dir = mkdtempSync(join(tmpdir(), 'mlwatch-demo-e2e-'));
  stack = spawn(
    process.execPath,
    [
      join(repo, 'scripts/demo-local.mjs'),
      '--dir',
      join(dir, 'stack'),
      '--timeline',
      'compressed',
      '--step',
      '1m',
      '--gpu-step',
      '5m',
      '--gpu-history',
      '3h',
      '--ports',
      'free',
      '--scale',
      '0.3',
      '--duration',
      '20m',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] }
  );
  let out = '';
  let err = '';
  stack.stderr.on('data', (d) => (err += d));
  info = await new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the stack was not ready in 5 minutes:\n${err.slice(-3000)}`)),
      5 * minute
    );
    stack.stdout.on('data', (d) => {
      out += d;
      const m = /^MLWATCH_DEMO_READY (.+)$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(JSON.parse(m[1]));
      }
    });
    stack.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`demo-local exited (${code}) before it was ready:\n${err.slice(-3000)}`));
    });
  });
});

after(async () => {
  if (stack && stack.exitCode === null) {
    stack.kill('SIGTERM');
    await new Promise((r) => stack.once('exit', r));
  }
  if (dir) {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Runs `mlwatch query` and returns the response of refId. */
function query(q, from, to) {
  const file = join(dir, `q-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(q));
  const r = spawnSync(
    mlwatch,
    [
      'query',
      '--datasource',
      info.datasource,
      '--query',
      file,
      '--from',
      new Date(from).toISOString(),
      '--to',
      new Date(to).toISOString(),
    ],
    { encoding: 'utf8' }
  );
  if (!r.stdout.trim()) {
    throw new Error(`mlwatch query failed (${r.status}): ${r.stderr}`);
  }
  return JSON.parse(r.stdout).results[q.refId];
}

/** A frame as an array of row objects. */
function rows(frame) {
  const names = frame.schema.fields.map((f) => f.name);
  const cols = frame.data.values;
  return Array.from({ length: cols[0]?.length ?? 0 }, (_, i) =>
    Object.fromEntries(names.map((n, j) => [n, cols[j][i]]))
  );
}

const at = (offset) => Date.parse(info.anchor) + offset;
// The compressed timeline (demo/scenario.ts): drift from -90m (10m ramp),
// confidence drop from -80m, class skew from -75m, straggler gpu-node-05/3
// from -60m, history from -4h.
const reference = () => ({
  mode: 'absolute',
  from: new Date(at(-235 * minute)).toISOString(),
  to: new Date(at(-180 * minute)).toISOString(),
});
const DRIFTED = ['account_age_days', 'merchant_distance_km', 'txn_amount'];

test('drift: the three drifted features after the onset, none before', { skip }, () => {
  const q = {
    refId: 'A',
    queryType: 'drift',
    source: 'prometheus',
    prometheus: { input: 'histogram', metric: 'ml_feature_value', matchers: 'model="fraud-detector"' },
    reference: reference(),
    method: 'auto',
    format: 'table',
  };
  const before = query(q, at(-170 * minute), at(-100 * minute));
  assert.ok(!before.error, before.error);
  const b = rows(before.frames[0]);
  assert.equal(b.length, 20, 'one row per feature');
  assert.deepEqual(
    b.filter((r) => r.drifted).map((r) => r.feature),
    [],
    'drift before the onset'
  );
  const afterOnset = query(q, at(-60 * minute), at(-1 * minute));
  assert.ok(!afterOnset.error, afterOnset.error);
  const a = rows(afterOnset.frames[0]);
  assert.deepEqual(
    a
      .filter((r) => r.drifted)
      .map((r) => r.feature)
      .sort(),
    DRIFTED
  );
  for (const r of a.filter((r) => DRIFTED.includes(r.feature))) {
    assert.ok(r.score > 3 * r.threshold, `${r.feature}: score ${r.score} is not far above ${r.threshold}`);
  }
});

test('drift over time: each drifted feature crosses its threshold after the onset, not before', { skip }, () => {
  const q = {
    refId: 'T',
    queryType: 'drift',
    source: 'prometheus',
    prometheus: {
      input: 'histogram',
      metric: 'ml_feature_value',
      matchers: 'model="fraud-detector"',
      features: [...DRIFTED, 'txn_hour'],
    },
    reference: reference(),
    method: 'jensenshannon',
    overTime: true,
    step: '10m',
    window: '20m',
    format: 'timeseries',
  };
  const res = query(q, at(-170 * minute), at(-1 * minute));
  assert.ok(!res.error, res.error);
  const onset = at(-90 * minute);
  // One labelled series per feature (timeseries-wide: time, then a score field per feature).
  const frame = res.frames.find((f) => f.schema.fields.some((x) => x.labels?.feature));
  assert.ok(frame, 'no labelled drift series');
  const fields = frame.schema.fields.map((x, i) => ({ i, feature: x.labels?.feature })).filter((x) => x.feature);
  assert.deepEqual(fields.map((x) => x.feature).sort(), [...DRIFTED, 'txn_hour'].sort());
  const times = frame.data.values[0];
  for (const { i, feature } of fields) {
    const scores = frame.data.values[i];
    const crossed = times.filter((t, k) => scores[k] >= 0.1);
    if (DRIFTED.includes(feature)) {
      assert.ok(crossed.length > 0, `${feature} never crossed the threshold`);
      assert.ok(
        Math.min(...crossed) > onset,
        `${feature} crossed at ${new Date(Math.min(...crossed)).toISOString()}, before the onset`
      );
    } else {
      assert.deepEqual(crossed, [], `${feature} should not drift`);
    }
  }
});

test('confidence drop: the confidence distribution moves down after its onset, not before', { skip }, () => {
  const prom = { input: 'histogram', metric: 'ml_prediction_confidence', matchers: 'model="fraud-detector"' };
  const driftQ = {
    refId: 'C',
    queryType: 'drift',
    source: 'prometheus',
    prometheus: prom,
    reference: reference(),
    method: 'jensenshannon',
    format: 'table',
  };
  const before = rows(query(driftQ, at(-170 * minute), at(-100 * minute)).frames[0]);
  assert.equal(before.length, 1);
  assert.equal(before[0].drifted, false, `drifted before the onset (score ${before[0].score})`);
  const afterOnset = rows(query(driftQ, at(-60 * minute), at(-1 * minute)).frames[0]);
  assert.equal(afterOnset[0].drifted, true, `no drift after the onset (score ${afterOnset[0].score})`);
  // The distribution frame: more predictions below 0.8 than in the reference.
  const dist = query(
    { refId: 'D', queryType: 'distribution', source: 'prometheus', prometheus: prom, reference: reference() },
    at(-60 * minute),
    at(-1 * minute)
  );
  assert.ok(!dist.error, dist.error);
  const bins = rows(dist.frames[0]);
  const low = (col) => bins.filter((b) => b.upper <= 0.8).reduce((a, b) => a + b[col], 0);
  assert.ok(
    low('current') > low('reference') + 0.1,
    `low-confidence share ${low('current')} vs reference ${low('reference')}`
  );
});

test('gpu: the straggler, and no other GPU, while it straggles; none before', { skip }, () => {
  const q = { refId: 'G', queryType: 'gpu', source: 'prometheus', gpu: {} };
  const during = query(q, at(-50 * minute), at(-5 * minute));
  assert.ok(!during.error, during.error);
  const gpus = rows(during.frames.find((f) => f.schema.fields.some((x) => x.name === 'straggler')));
  assert.equal(gpus.length, 256);
  const stragglers = gpus.filter((g) => g.straggler).map((g) => `${g.host}/${g.gpu}`);
  assert.deepEqual(stragglers, ['gpu-node-05/3']);
  const s = gpus.find((g) => g.straggler);
  assert.equal(s.namespace, 'training');
  assert.ok(s.straggler_score < 0.75);
  const before = query(q, at(-115 * minute), at(-65 * minute));
  assert.ok(!before.error, before.error);
  assert.deepEqual(
    rows(before.frames.find((f) => f.schema.fields.some((x) => x.name === 'straggler')))
      .filter((g) => g.straggler)
      .map((g) => `${g.host}/${g.gpu}`),
    []
  );
});

test('spans: the backfilled and live LLM traces are in otel_traces with GenAI attributes', { skip }, async (t) => {
  if (!needSpans(t)) {
    return;
  }
  const sql = async (s) => (await (await fetch(info.clickhouse, { method: 'POST', body: s })).text()).trim();
  const llm = Number(
    await sql(
      `SELECT count() FROM otel.otel_traces WHERE ServiceName = 'support-assistant' AND SpanAttributes['gen_ai.usage.input_tokens'] != '' AND toInt64(SpanAttributes['gen_ai.usage.input_tokens']) > 0`
    )
  );
  assert.ok(llm > 50, `${llm} LLM spans with tokens`);
  const limited = Number(
    await sql(
      `SELECT count() FROM otel.otel_traces WHERE SpanAttributes['error.type'] = 'RateLimitError' AND StatusCode = 'Error'`
    )
  );
  assert.ok(limited > 0, 'no rate-limited LLM attempt during the rate limiting incident');
  // Live spans through OTLP (the bridge), after the anchor.
  const deadline = Date.now() + 90e3;
  let live = 0;
  while (Date.now() < deadline && live === 0) {
    live = Number(
      await sql(
        `SELECT count() FROM otel.otel_traces WHERE Timestamp > parseDateTime64BestEffort('${info.anchor}') AND ServiceName = 'fraud-detector'`
      )
    );
    if (!live) {
      await new Promise((r) => setTimeout(r, 3000));
    }
  }
  assert.ok(live > 0, 'no live span arrived through OTLP');
});

test('traces: the datasource finds the LLM traces and opens one with its tokens', { skip }, (t) => {
  if (!needSpans(t)) {
    return;
  }
  const search = query(
    {
      refId: 'S',
      queryType: 'traces',
      source: 'clickhouse',
      traces: { schema: 'otel', database: 'otel', service: 'support-assistant', limit: 20 },
    },
    at(-60 * minute),
    at(-20 * minute)
  );
  assert.ok(!search.error, search.error);
  const found = rows(search.frames[0]);
  assert.ok(found.length > 0, 'no trace found');
  const id = found[0].traceID ?? found[0].traceId ?? found[0].trace_id;
  assert.match(String(id), /^[0-9a-f]{32}$/);
  const one = query(
    {
      refId: 'O',
      queryType: 'traces',
      source: 'clickhouse',
      traces: { schema: 'otel', database: 'otel', traceId: id },
    },
    at(-60 * minute),
    at(-20 * minute)
  );
  assert.ok(!one.error, one.error);
  const frame = one.frames[0];
  assert.equal(frame.schema.meta?.preferredVisualisationType, 'trace');
  const spans = rows(frame);
  assert.ok(spans.some((s) => s.operationName === 'POST /assist'));
  const chat = spans.filter((s) => /^chat /.test(s.operationName));
  assert.ok(chat.length > 0, 'no chat span');
  const tags = (s) =>
    Object.fromEntries(
      (typeof s.tags === 'string' ? JSON.parse(s.tags) : (s.tags ?? [])).map((kv) => [kv.key, kv.value])
    );
  const withTokens = chat
    .map(tags)
    .filter((tg) => Number(tg['gen_ai.usage.input_tokens']) > 0 && tg['gen_ai.provider.name']);
  assert.ok(
    withTokens.length > 0,
    `no chat span with gen_ai.usage.input_tokens: ${JSON.stringify(chat.map(tags)).slice(0, 500)}`
  );
});

test('live: every demo scrape job is up in Prometheus', { skip }, async () => {
  const deadline = Date.now() + 60e3;
  let up = [];
  while (Date.now() < deadline) {
    const r = await (await fetch(`${info.prometheus}/api/v1/query?query=${encodeURIComponent('up == 1')}`)).json();
    up = r.data.result.map((s) => `${s.metric.job}|${s.metric.instance}|${s.metric.metrics_path ?? ''}`).sort();
    if (up.length >= 6) {
      break;
    }
    await new Promise((res) => setTimeout(res, 2000));
  }
  for (const want of [
    'mlwatch-demo|mlwatch-demo|',
    'dcgm-exporter|dcgm-exporter|',
    'kubelet|kubelet|/metrics/cadvisor',
    'kubelet|kubelet|/metrics',
    'kube-state-metrics|kube-state-metrics|',
  ]) {
    assert.ok(up.includes(want), `${want} is not up: ${up.join(', ')}`);
  }
  // The OOM kill of the timeline is in kube-state-metrics' history.
  const oom = await (
    await fetch(
      `${info.prometheus}/api/v1/query?query=${encodeURIComponent('max_over_time(kube_pod_container_status_last_terminated_reason{reason="OOMKilled"}[4h])')}&time=${at(0) / 1000}`
    )
  ).json();
  assert.ok(oom.data.result.length >= 1, 'no OOMKilled container');
});
