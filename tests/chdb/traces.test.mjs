// Runs the exact SQL that pkg/traces generates (tests/fixtures/traces/
// queries.json, written by `go test ./pkg/traces -update`) in chdb, the
// ClickHouse 26 engine in process, against the OpenTelemetry exporter's and
// SigNoz's DDL (tests/fixtures/traces/*_ddl.sql) holding the fixture spans
// (*_spans.sql), and checks the rows each query must return.
//
// The answers are also compared with tests/fixtures/traces/chdb_results.json,
// which the Go tests turn into Grafana frames; MLWATCH_UPDATE_FIXTURES=1
// rewrites that file instead.
//
// Run: node --test tests/chdb/   (needs the npm package chdb)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { Session } from 'chdb';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.join(here, '..', 'fixtures', 'traces');
const read = (f) => fs.readFileSync(path.join(fixtures, f), 'utf8');

// Statements in the fixture files are separated by lines holding only ";".
function statements(text) {
  return text
    .split(/^;\s*$/m)
    .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
    .filter(Boolean);
}

function load(session) {
  for (const file of ['otel_ddl.sql', 'signoz_ddl.sql', 'otel_spans.sql', 'signoz_spans.sql']) {
    for (const sql of statements(read(file))) {
      try {
        session.query(sql);
      } catch (e) {
        throw new Error(`${file}: ${e.message}\n${sql.slice(0, 200)}`);
      }
    }
  }
}

function run(session, sql) {
  const out = JSON.parse(session.query(sql, 'JSONCompact'));
  return { names: out.meta.map((m) => m.name), types: out.meta.map((m) => m.type), rows: out.data };
}

// same compares an expected value with what chdb returned: numbers match
// numeric text (64-bit integers come quoted), {$json: v} parses JSON text.
function same(expected, actual) {
  if (expected !== null && typeof expected === 'object' && '$json' in expected) {
    if (typeof actual !== 'string') {
      return false;
    }
    return same(expected.$json, JSON.parse(actual));
  }
  if (typeof expected === 'number') {
    const n = Number(actual);
    return Number.isFinite(n) && Math.abs(n - expected) <= 1e-6 * Math.max(1, Math.abs(expected));
  }
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length === expected.length && expected.every((e, i) => same(e, actual[i]));
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object') {
      return false;
    }
    const keys = Object.keys(expected);
    return keys.length === Object.keys(actual).length && keys.every((k) => same(expected[k], actual[k]));
  }
  return expected === actual;
}

const cases = JSON.parse(read('queries.json'));
const session = new Session();
load(session);
const results = {};

test('fixture tables hold the spans', () => {
  const otel = run(session, 'SELECT count(), uniqExact(TraceId) FROM otel_traces');
  assert.deepEqual(otel.rows[0].map(Number), [14, 7]);
  const lookup = run(session, 'SELECT uniqExact(TraceId) FROM otel_traces_trace_id_ts');
  assert.equal(Number(lookup.rows[0][0]), 7, 'the materialised view fills the lookup table');
  const signoz = run(session, 'SELECT count(), uniqExact(trace_id) FROM signoz_traces.distributed_signoz_index_v3');
  assert.deepEqual(signoz.rows[0].map(Number), [13, 6]);
  const summary = run(session, 'SELECT uniqExact(trace_id) FROM signoz_traces.distributed_trace_summary');
  assert.equal(Number(summary.rows[0][0]), 6);
});

for (const c of cases) {
  test(c.name, () => {
    let res;
    try {
      res = run(session, c.sql);
    } catch (e) {
      assert.fail(`ClickHouse rejected the SQL: ${e.message}\n${c.sql}`);
    }
    results[c.name] = { sqlSha256: createHash('sha256').update(c.sql).digest('hex'), names: res.names, rows: res.rows };
    assert.equal(res.rows.length, c.rows, `row count; rows: ${JSON.stringify(res.rows).slice(0, 800)}`);
    (c.expect || []).forEach((want, i) => {
      for (const [col, value] of Object.entries(want)) {
        const j = res.names.indexOf(col);
        assert.ok(j >= 0, `no column ${col} in ${res.names}`);
        assert.ok(
          same(value, res.rows[i][j]),
          `row ${i} ${col}: got ${JSON.stringify(res.rows[i][j])}, want ${JSON.stringify(value)}`
        );
      }
    });
  });
}

test("the queries use the tables' time keys (EXPLAIN indexes = 1)", () => {
  const explain = (name) => session.query('EXPLAIN indexes = 1 ' + cases.find((c) => c.name === name).sql, 'TSVRaw');
  // otel_traces: PRIMARY KEY (ServiceName, SpanName, toDateTime(Timestamp)),
  // PARTITION BY toDate(Timestamp).
  const otel = explain('otel search: all traces in range, newest first (D is a day earlier)');
  assert.match(otel, /Partition[\s│]+Keys:[\s\S]*?Condition: and\(\(toDate\(Timestamp\)/, otel);
  assert.match(
    otel,
    /PrimaryKey[\s│]+Keys:[\s\S]*?Condition: and\(\(toDateTime\(Timestamp\) in \(-Inf, 1777642200\]\)/,
    otel
  );
  // signoz_index_v3: ORDER BY (ts_bucket_start, ...).
  const signoz = explain('signoz search in the local table: all traces in range, newest first (D is a day earlier)');
  assert.match(
    signoz,
    /PrimaryKey[\s│]+Keys:[\s\S]*?Condition: and\(\(ts_bucket_start in \(-Inf, 1777642200\]\), and\(\(ts_bucket_start in \[1777627800, \+Inf\)\)/,
    signoz
  );
  // By trace id, the lookup table narrows the scan to the trace's seconds.
  const byId = explain('otel trace by lookup: LLM chain, spans by start time');
  assert.match(
    byId,
    /PrimaryKey[\s│]+Keys:[\s\S]*?Condition: and\(\(toDateTime\(Timestamp\) in \(-Inf, 1777636803\]\), \(toDateTime\(Timestamp\) in \[1777636800, \+Inf\)\)\)/,
    byId
  );
});

test('stored answers match (chdb_results.json)', () => {
  const file = path.join(fixtures, 'chdb_results.json');
  const sorted = Object.fromEntries(
    Object.keys(results)
      .sort()
      .map((k) => [k, results[k]])
  );
  if (process.env.MLWATCH_UPDATE_FIXTURES === '1') {
    fs.writeFileSync(file, JSON.stringify(sorted, null, 1) + '\n');
    return;
  }
  const stored = JSON.parse(fs.readFileSync(file, 'utf8'));
  assert.deepEqual(
    sorted,
    stored,
    'chdb answers changed: rerun with MLWATCH_UPDATE_FIXTURES=1 and commit chdb_results.json'
  );
});
