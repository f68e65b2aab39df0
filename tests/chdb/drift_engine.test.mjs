// Runs the whole ClickHouse drift engine (pkg/engine) against ClickHouse 26:
// chdb holds the fixture tables, and a small stand-in for ClickHouse's HTTP
// interface answers the engine's real HTTP client with chdb. The Go test
// TestCHEngineOnChdb (pkg/engine/ch_chdb_test.go) sends the queries and
// compares the results with answers computed in Go from the same fixture
// data; it is skipped unless MLWATCH_CHDB_HTTP names the stand-in.
//
// The stand-in runs each statement as sent (the client appends FORMAT on
// its own line) and answers exceptions as ClickHouse does (HTTP 500, "Code:
// N. DB::Exception: ..."). It does not apply the query's settings: the
// limits are proven against ClickHouse 18.16 by tests/integration.
//
// Run: node --test tests/chdb/   (needs the npm package chdb and Go)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, '..', '..');
const fixtures = JSON.parse(readFileSync(path.join(here, 'testdata', 'fixtures.json'), 'utf8'));

let session;
let server;
let statements = 0;

before(async () => {
  const { Session } = await import('chdb');
  session = new Session();
  for (const sql of fixtures.setup) {
    session.query(sql, 'TSV');
  }
  server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      statements++;
      let sql = Buffer.concat(chunks).toString('utf8');
      let format = 'TabSeparated';
      const m = sql.match(/\n?FORMAT\s+(\w+)\s*$/);
      if (m) {
        format = m[1];
        sql = sql.slice(0, m.index);
      }
      try {
        const out = session.query(sql, format);
        res.writeHead(200, { 'Content-Type': 'text/tab-separated-values; charset=UTF-8' });
        res.end(out);
      } catch (e) {
        res.writeHead(500, { 'Content-Type': 'text/plain; charset=UTF-8' });
        res.end(String(e.message).replace(/^Query failed: /, '') + '\n');
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
});

after(() => {
  server?.close();
  session?.cleanup?.();
});

test('the drift engine end to end over HTTP on ClickHouse 26', { timeout: 600_000 }, async () => {
  const addr = `127.0.0.1:${server.address().port}`;
  const child = spawn('go', ['test', '-count=1', '-run', 'TestCHEngineOnChdb', '-v', './pkg/engine/'], {
    cwd: root,
    env: { ...process.env, MLWATCH_CHDB_HTTP: addr },
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const code = await new Promise((resolve) => child.on('close', resolve));
  assert.equal(code, 0, output);
  assert.match(output, /--- PASS: TestCHEngineOnChdb/, output);
  assert.doesNotMatch(output, /--- SKIP/, output);
  assert.ok(statements > 20, `only ${statements} statements reached chdb`);
});
