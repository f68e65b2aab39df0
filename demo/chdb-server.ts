// A ClickHouse HTTP endpoint backed by chDB (the ClickHouse engine in
// process, npm package chdb): the subset of the HTTP interface that the
// demo and the mlwatch datasource use (POST or GET with the query in the
// body or the query parameter, INSERT data in the body, the database
// parameter, /ping, errors as "Code: N. DB::Exception: ..." with status
// 500). It gives the local stack a current ClickHouse (26.x) with the
// exporter's exact schema where the Debian server (18.16) has no Map type.

import { createServer, IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';

interface ChSession {
  query(sql: string, format?: string): string;
  cleanup?(): void;
}

/** Loads chdb if it is installed (it is an optional dependency of the demo). */
export function loadChdb(): { Session: new (path?: string) => ChSession } | undefined {
  try {
    const req = createRequire(import.meta.url);
    return req('chdb');
  } catch {
    return undefined;
  }
}

export interface ChdbServerOptions {
  port: number;
  host?: string;
  dataDir: string;
  log?: (msg: string) => void;
}

export class ChdbServer {
  private session: ChSession;
  private server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/ping' || (url.pathname === '/' && req.method === 'GET' && !url.searchParams.has('query'))) {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=UTF-8' }).end('Ok.\n');
      return;
    }
    if (url.pathname !== '/') {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=UTF-8' }).end(`There is no handle ${url.pathname}\n`);
      return;
    }
    const body = req.method === 'POST' ? await readText(req) : '';
    const q = url.searchParams.get('query');
    const sql = q ? (body ? q + '\n' + body : q) : body;
    try {
      const db = url.searchParams.get('database');
      this.session.query(`USE \`${(db || 'default').replace(/`/g, '')}\``, 'TabSeparated');
      const out = this.session.query(sql, 'TabSeparated');
      res
        .writeHead(200, { 'Content-Type': 'text/plain; charset=UTF-8', 'X-ClickHouse-Server-Display-Name': 'chdb' })
        .end(out);
    } catch (e) {
      const msg = String((e as Error).message).replace(/^Query failed:\s*/, '');
      const code = /Code: (\d+)/.exec(msg)?.[1];
      res
        .writeHead(500, {
          'Content-Type': 'text/plain; charset=UTF-8',
          ...(code ? { 'X-ClickHouse-Exception-Code': code } : {}),
        })
        .end(msg.endsWith('\n') ? msg : msg + '\n');
    }
  });

  constructor(private o: ChdbServerOptions) {
    const chdb = loadChdb();
    if (!chdb) {
      throw new Error('the npm package chdb is not installed (npm install chdb): it is needed for --clickhouse chdb');
    }
    this.session = new chdb.Session(o.dataDir);
  }

  async start(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(this.o.port, this.o.host ?? '127.0.0.1', resolve));
    const addr = this.server.address();
    return typeof addr === 'object' && addr ? addr.port : this.o.port;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) {
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
