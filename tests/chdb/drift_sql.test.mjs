// Runs the exact SQL that pkg/engine generates for ClickHouse drift and
// distribution queries on chdb (ClickHouse 26, in process) and compares the
// answers with the ones computed in Go from the same fixture data.
//
// The SQL and the answers come from tests/chdb/testdata/fixtures.json,
// written by `go test ./pkg/engine -run TestCHFixtures -update-chdb`; the Go
// test fails when the file no longer matches the SQL builders. The same
// file is replayed on ClickHouse 18.16 by tests/integration/ch_drift_test.go.
//
// Run: node --test tests/chdb/   (needs the npm package chdb)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const fixtures = JSON.parse(readFileSync(new URL('./testdata/fixtures.json', import.meta.url), 'utf8'));

let session;
const answers = new Map();

before(async () => {
  const { Session } = await import('chdb');
  session = new Session();
  for (const sql of fixtures.setup) {
    session.query(sql, 'TSV');
  }
});

after(() => {
  session?.cleanup?.();
});

// run executes one statement exactly as generated (the format is passed
// beside it, as the HTTP client appends FORMAT on its own line). Every
// value comes back as text, so 64-bit integers keep all their digits.
function run(sql) {
  const out = JSON.parse(session.query(sql, 'JSONCompactStrings'));
  return { columns: out.meta.map((m) => m.name), types: out.meta.map((m) => m.type), rows: out.data };
}

// cell turns numeric text into a number when that is exact, and leaves
// anything else (64-bit hashes, names) as text.
function cell(v) {
  if (typeof v === 'string' && /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(v)) {
    const n = Number(v);
    if (!/^-?\d+$/.test(v) || Number.isSafeInteger(n)) {
      return n;
    }
  }
  return v;
}

function close(a, b, tol) {
  if (Array.isArray(b)) {
    // An Array(Float64) arrives as its text, "[1,2.5]".
    const got = typeof a === 'string' ? JSON.parse(a) : a;
    return Array.isArray(got) && got.length === b.length && got.every((v, i) => close(v, b[i], tol));
  }
  if (typeof a === 'number' && typeof b === 'number') {
    if (a === b) {return true;}
    return tol > 0 && Math.abs(a - b) <= tol * Math.max(Math.abs(a), Math.abs(b));
  }
  return String(a) === String(b);
}

function sameRow(a, b, tol) {
  return a.length === b.length && a.every((v, i) => close(cell(v), Array.isArray(b[i]) ? b[i] : cell(b[i]), tol));
}

// matchRows checks that both lists hold the same rows, in any order, and
// shows the rows that differ.
function matchRows(actual, expected, tol, name) {
  const left = actual.slice();
  const missing = [];
  for (const want of expected) {
    const i = left.findIndex((row) => sameRow(row, want, tol));
    if (i < 0) {
      missing.push(want);
    } else {
      left.splice(i, 1);
    }
  }
  assert.ok(missing.length === 0 && left.length === 0,
    `${name}: expected rows not in the answer: ${JSON.stringify(missing.slice(0, 10))}; unexpected rows: ${JSON.stringify(left.slice(0, 10))}`);
}

function groupCounts(rows) {
  const groups = new Map();
  for (const row of rows) {
    const key = JSON.stringify(row.slice(0, -1).map(cell));
    groups.set(key, (groups.get(key) ?? 0) + 1);
  }
  return [...groups].map(([k, n]) => [...JSON.parse(k), n]);
}

for (const c of fixtures.cases) {
  test(c.name, () => {
    const got = run(c.sql);
    answers.set(c.name, got);
    assert.deepEqual(got.columns, c.columns, `${c.name}: columns`);
    if (c.check === 'groupcount') {
      matchRows(groupCounts(got.rows), c.rows, 0, c.name);
      if (c.subsetOf) {
        const all = answers.get(c.subsetOf);
        assert.ok(all, `${c.name}: run ${c.subsetOf} first`);
        const pool = new Set(all.rows.map((r) => JSON.stringify(r.map(cell))));
        for (const row of got.rows) {
          assert.ok(pool.has(JSON.stringify(row.map(cell))), `${c.name}: sampled row ${JSON.stringify(row)} is not in ${c.subsetOf}`);
        }
      }
      // A deterministic sample: the same rows on a second run.
      const again = run(c.sql);
      matchRows(again.rows, got.rows, 0, `${c.name} (second run)`);
      return;
    }
    matchRows(got.rows, c.rows, c.tolerance ?? 0, c.name);
  });
}

test('the fixtures cover every kind of query the engine sends', () => {
  const sql = fixtures.cases.map((c) => c.sql).join('\n');
  for (const part of ['UNION ALL', 'transform(ifNull(toString(`feature`)', 'uniqUpTo(20)', 'uniqUpToIf(100)', 'ORDER BY __x LIMIT 101', 'LIMIT 101 BY __k, __b', 'uniqExactIf', 'quantilesDeterministic', 'LIMIT 1001',
    'ORDER BY __h LIMIT 150', 'ORDER BY __k, __h LIMIT 100 BY __k', 'LIMIT 30 BY __w', 'intDiv(', 'multiIf(__m = 1', '__v > transform(__k',
    'FROM `mlw_fx`.`base`', '-- trailing comment\n)']) {
    assert.ok(sql.includes(part), `no fixture query uses ${part}`);
  }
});

// Every branch reads only its window: the time filter reaches the primary
// key (ORDER BY ts) of the fixture table.
test('the queries use the time key (EXPLAIN indexes = 1)', () => {
  for (const name of ['wide stats (offset reference)', 'counts: arithmetic, value and edge bins', 'over time: counts per bucket in one query', 'raw values, deterministic sample']) {
    const c = fixtures.cases.find((x) => x.name === name);
    const plan = session.query('EXPLAIN indexes = 1 ' + c.sql, 'TSVRaw');
    const reads = (plan.match(/ReadFromMergeTree \(mlw_fx\.wide\)/g) || []).length;
    const keyed = (plan.match(/PrimaryKey[\s│]+Keys:[\s│]+ts[\s│]+Condition: and\(\(ts in/g) || []).length;
    assert.ok(reads > 0, `${name}: no read of mlw_fx.wide in the plan`);
    assert.equal(keyed, reads, `${name}: ${reads} reads, ${keyed} use the time key\n${plan.slice(0, 2000)}`);
  }
});
