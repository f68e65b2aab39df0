// A stand-in for the OpenTelemetry collector in the local stack (no
// collector binary is packaged for Debian): receives OTLP/HTTP JSON on
// /v1/traces, as the JS SDK's OTLP HTTP exporter sends it, and writes the
// spans to otel_traces the way the collector's ClickHouse exporter does
// (exporter_traces.go: Timestamp = start, Duration in ns, SpanKind and
// StatusCode as names, attribute values as strings, scope name/version).

import { createServer, IncomingMessage } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { ClickHouse } from './clickhouse';
import { TraceRow } from './spans';

type AnyValue = {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: AnyValue[] };
  kvlistValue?: { values?: KeyValue[] };
  bytesValue?: string;
};
type KeyValue = { key: string; value?: AnyValue };

const KINDS = ['Unspecified', 'Internal', 'Server', 'Client', 'Producer', 'Consumer'];
const STATUS = ['Unset', 'Ok', 'Error'];

function raw(v: AnyValue | undefined): unknown {
  if (!v) {
    return '';
  }
  if (v.stringValue !== undefined) {
    return v.stringValue;
  }
  if (v.intValue !== undefined) {
    return Number(v.intValue);
  }
  if (v.doubleValue !== undefined) {
    return v.doubleValue;
  }
  if (v.boolValue !== undefined) {
    return v.boolValue;
  }
  if (v.arrayValue) {
    return (v.arrayValue.values ?? []).map(raw);
  }
  if (v.kvlistValue) {
    return Object.fromEntries((v.kvlistValue.values ?? []).map((kv) => [kv.key, raw(kv.value)]));
  }
  return v.bytesValue ?? '';
}

/** pcommon.Value.AsString: strings as is, numbers and bools as text, arrays and maps as JSON. */
export function asString(v: AnyValue | undefined): string {
  const r = raw(v);
  if (typeof r === 'string') {
    return r;
  }
  if (typeof r === 'number' || typeof r === 'boolean') {
    return String(r);
  }
  return JSON.stringify(r);
}

function attrs(list: KeyValue[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of list ?? []) {
    out[kv.key] = asString(kv.value);
  }
  return out;
}

/** Unix nanoseconds (string or number) as an ISO time with nanoseconds. */
export function nanosToIso(n: string | number): string {
  const big = BigInt(typeof n === 'number' ? Math.round(n) : n);
  const secs = big / 1000000000n;
  const frac = (big % 1000000000n).toString().padStart(9, '0');
  return new Date(Number(secs) * 1000).toISOString().slice(0, 19) + '.' + frac + 'Z';
}

function hexOf(id: string | undefined): string {
  if (!id) {
    return '';
  }
  if (/^[0-9a-f]+$/i.test(id)) {
    return /^0+$/.test(id) ? '' : id.toLowerCase();
  }
  return Buffer.from(id, 'base64').toString('hex');
}

/** The rows the ClickHouse exporter writes for one OTLP export request. */
export function otlpToRows(req: any): TraceRow[] {
  const rows: TraceRow[] = [];
  for (const rs of req.resourceSpans ?? []) {
    const res = attrs(rs.resource?.attributes);
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) {
        const start = BigInt(s.startTimeUnixNano ?? 0);
        const end = BigInt(s.endTimeUnixNano ?? 0);
        const events = s.events ?? [];
        const links = s.links ?? [];
        rows.push({
          Timestamp: nanosToIso(String(start)),
          TraceId: hexOf(s.traceId),
          SpanId: hexOf(s.spanId),
          ParentSpanId: hexOf(s.parentSpanId),
          TraceState: s.traceState ?? '',
          SpanName: s.name ?? '',
          SpanKind: KINDS[s.kind ?? 0] ?? 'Unspecified',
          ServiceName: res['service.name'] ?? '',
          ResourceAttributes: res,
          ScopeName: ss.scope?.name ?? '',
          ScopeVersion: ss.scope?.version ?? '',
          SpanAttributes: attrs(s.attributes),
          Duration: Number(end > start ? end - start : 0n),
          StatusCode: STATUS[s.status?.code ?? 0] ?? 'Unset',
          StatusMessage: s.status?.message ?? '',
          'Events.Timestamp': events.map((e: any) => nanosToIso(String(e.timeUnixNano ?? 0))),
          'Events.Name': events.map((e: any) => e.name ?? ''),
          'Events.Attributes': events.map((e: any) => attrs(e.attributes)),
          'Links.TraceId': links.map((l: any) => hexOf(l.traceId)),
          'Links.SpanId': links.map((l: any) => hexOf(l.spanId)),
          'Links.TraceState': links.map((l: any) => l.traceState ?? ''),
          'Links.Attributes': links.map((l: any) => attrs(l.attributes)),
        });
      }
    }
  }
  return rows;
}

export interface BridgeOptions {
  port: number;
  host?: string;
  clickhouse: ClickHouse;
  database?: string;
  log?: (msg: string) => void;
}

/** OTLP/HTTP JSON receiver that batches spans into ClickHouse every second. */
export class OTLPBridge {
  private queue: TraceRow[] = [];
  private timer?: NodeJS.Timeout;
  private written = 0;
  private failures = 0;
  private server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method === 'POST' && path === '/v1/traces') {
      try {
        const body = await readAll(req);
        const type = req.headers['content-type'] ?? '';
        if (!String(type).includes('json')) {
          res
            .writeHead(415, { 'Content-Type': 'text/plain' })
            .end('this bridge accepts OTLP/HTTP JSON only (application/json)\n');
          return;
        }
        this.queue.push(...otlpToRows(JSON.parse(body.toString('utf8'))));
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
      } catch (e) {
        res.writeHead(400, { 'Content-Type': 'text/plain' }).end(`bad OTLP request: ${(e as Error).message}\n`);
      }
    } else if (req.method === 'GET' && (path === '/' || path === '/healthz')) {
      res
        .writeHead(200, { 'Content-Type': 'text/plain' })
        .end(`ok: ${this.written} spans written, ${this.queue.length} queued, ${this.failures} failed inserts\n`);
    } else {
      res.writeHead(404).end();
    }
  });

  constructor(private o: BridgeOptions) {}

  async start(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(this.o.port, this.o.host ?? '127.0.0.1', resolve));
    const flush = async () => {
      const rows = this.queue.splice(0, this.queue.length);
      if (rows.length) {
        try {
          await this.o.clickhouse.insertRows(rows, this.o.database ?? 'otel');
          this.written += rows.length;
        } catch (e) {
          this.failures++;
          this.o.log?.(`otlp-bridge: insert failed: ${(e as Error).message}`);
        }
      }
      this.timer = setTimeout(flush, 1000);
    };
    this.timer = setTimeout(flush, 1000);
    const addr = this.server.address();
    return typeof addr === 'object' && addr ? addr.port : this.o.port;
  }

  stop(): Promise<void> {
    clearTimeout(this.timer);
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) {
    chunks.push(c as Buffer);
  }
  const buf = Buffer.concat(chunks);
  return req.headers['content-encoding'] === 'gzip' ? gunzipSync(buf) : buf;
}
