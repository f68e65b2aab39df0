// Runs the Go engine's traces query end to end on ClickHouse 26: this test
// serves chdb (holding the fixture tables of tests/fixtures/traces) over a
// minimal stand-in of ClickHouse's HTTP interface, and runs
// `go test ./pkg/engine -run TestTracesEngineOnChdb` against it, so that
// the real HTTP client of pkg/source/clickhouse sends the engine's SQL and
// decodes chdb's answers into the frames the test checks.
//
// The stand-in reads the SQL from the POST body (or ?query=), honours
// ?database= and answers in the FORMAT the SQL names; it ignores the
// other URL settings (readonly, max_result_rows, ...), which chdb has no
// server to apply. Errors come back as HTTP 500 with ClickHouse's
// "Code: N. DB::Exception: ..." text.
//
// Skipped when the go toolchain is not on PATH.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Session } from 'chdb';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, '..', '..');
const fixtures = path.join(root, 'tests', 'fixtures', 'traces');

function statements(text) {
  return text
    .split(/^;\s*$/m)
    .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
    .filter(Boolean);
}

function serve(session) {
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url, 'http://localhost');
      if (url.pathname === '/ping') {
        res.end('Ok.\n');
        return;
      }
      const sql = url.searchParams.get('query') || Buffer.concat(chunks).toString('utf8');
      try {
        session.query('USE ' + (url.searchParams.get('database') || 'default').replace(/[^A-Za-z0-9_]/g, ''));
        const out = session.query(sql, 'TabSeparated');
        res.writeHead(200, { 'Content-Type': 'text/plain; charset=UTF-8' });
        res.end(out);
      } catch (e) {
        res.writeHead(500, { 'Content-Type': 'text/plain; charset=UTF-8' });
        res.end(String(e.message).replace(/^Query failed: /, ''));
      }
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const hasGo = spawnSync('go', ['version']).status === 0;

test(
  'the Go engine reads traces from ClickHouse 26 over HTTP',
  { skip: !hasGo && 'go is not installed', timeout: 300_000 },
  async () => {
    const session = new Session();
    for (const file of ['otel_ddl.sql', 'signoz_ddl.sql', 'otel_spans.sql', 'signoz_spans.sql']) {
      for (const sql of statements(fs.readFileSync(path.join(fixtures, file), 'utf8'))) {
        session.query(sql);
      }
    }
    const server = await serve(session);
    try {
      const { port } = server.address();
      const child = spawn('go', ['test', '-count=1', '-run', 'TestTracesEngineOnChdb', '-v', './pkg/engine/'], {
        cwd: root,
        env: { ...process.env, MLWATCH_CHDB_HTTP: `127.0.0.1:${port}` },
      });
      let output = '';
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
      const code = await new Promise((resolve) => child.on('close', resolve));
      if (process.env.MLWATCH_VERBOSE) {
        console.log(output);
      }
      assert.equal(code, 0, output);
      assert.match(output, /--- PASS: TestTracesEngineOnChdb/, output);
      assert.doesNotMatch(output, /--- SKIP: TestTracesEngineOnChdb/, output);
    } finally {
      server.close();
    }
  }
);
