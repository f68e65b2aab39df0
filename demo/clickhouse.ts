// ClickHouse over its HTTP interface: the OpenTelemetry collector
// exporter's span tables, and inserts of span rows in JSONEachRow.

import { TraceRow } from './spans';

/**
 * The span table of the OpenTelemetry collector contrib ClickHouse
 * exporter (exporter/clickhouseexporter/internal/sqltemplates/
 * traces_table.sql, as published at commit 2bf6b9e1) rendered with the
 * database of the compose stack (otel), table otel_traces, no cluster, the
 * default MergeTree engine, the index branch for servers without
 * full-text indexes, and no TTL (the backfill writes more history than
 * the collector's ttl). With the trace-id lookup table and its view
 * (traces_id_ts_lookup_table.sql, traces_id_ts_lookup_mv.sql). The same
 * statements as tests/fixtures/traces/otel_ddl.sql, in database otel.
 */
export function otelTracesDDL(db = 'otel', table = 'otel_traces'): string[] {
  const t = `\`${db}\`.\`${table}\``;
  return [
    `CREATE DATABASE IF NOT EXISTS \`${db}\``,
    `CREATE TABLE IF NOT EXISTS ${t} (
    Timestamp DateTime64(9) CODEC(Delta(8), ZSTD(1)),
    TraceId String CODEC(ZSTD(1)),
    SpanId String CODEC(ZSTD(1)),
    ParentSpanId String CODEC(ZSTD(1)),
    TraceState String CODEC(ZSTD(1)),
    SpanName LowCardinality(String) CODEC(ZSTD(1)),
    SpanKind LowCardinality(String) CODEC(ZSTD(1)),
    ServiceName LowCardinality(String) CODEC(ZSTD(1)),
    ResourceAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    ScopeName String CODEC(ZSTD(1)),
    ScopeVersion String CODEC(ZSTD(1)),
    SpanAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    Duration UInt64 CODEC(T64, ZSTD(1)),
    StatusCode LowCardinality(String) CODEC(ZSTD(1)),
    StatusMessage String CODEC(ZSTD(1)),
    Events Nested (
        Timestamp DateTime64(9),
        Name LowCardinality(String),
        Attributes Map(LowCardinality(String), String)
    ) CODEC(ZSTD(1)),
    Links Nested (
        TraceId String,
        SpanId String,
        TraceState String,
        Attributes Map(LowCardinality(String), String)
    ) CODEC(ZSTD(1)),
    ResourceAttributeItems Array(String) ALIAS arrayMap(kv -> concat(kv.1, '=', kv.2), CAST(ResourceAttributes, 'Array(Tuple(String, String))')),
    SpanAttributeItems Array(String) ALIAS arrayMap(kv -> concat(kv.1, '=', kv.2), CAST(SpanAttributes, 'Array(Tuple(String, String))')),
    INDEX idx_trace_id TraceId TYPE bloom_filter(0.001) GRANULARITY 1,
    INDEX idx_res_attr_key mapKeys(ResourceAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_res_attr_value mapValues(ResourceAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_span_attr_key mapKeys(SpanAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_span_attr_value mapValues(SpanAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_duration Duration TYPE minmax GRANULARITY 1,
    INDEX idx_lower_span_name lower(SpanName) TYPE tokenbf_v1(32768, 3, 0) GRANULARITY 8
) ENGINE = MergeTree()
PARTITION BY toDate(Timestamp)
PRIMARY KEY (ServiceName, SpanName, toDateTime(Timestamp))
ORDER BY (ServiceName, SpanName, toDateTime(Timestamp), Timestamp)
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1`,
    `CREATE TABLE IF NOT EXISTS \`${db}\`.\`${table}_trace_id_ts\` (
    TraceId String CODEC(ZSTD(1)),
    Start SimpleAggregateFunction(min, DateTime) CODEC(ZSTD(1)),
    End SimpleAggregateFunction(max, DateTime) CODEC(ZSTD(1))
) ENGINE = MergeTree()
PARTITION BY toStartOfWeek(Start)
ORDER BY (TraceId)
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1`,
    `CREATE MATERIALIZED VIEW IF NOT EXISTS \`${db}\`.\`${table}_trace_id_ts_mv\`
TO \`${db}\`.\`${table}_trace_id_ts\`
AS SELECT
    TraceId,
    min(Timestamp) as Start,
    max(Timestamp) as End
FROM \`${db}\`.\`${table}\`
WHERE TraceId != ''
GROUP BY TraceId`,
  ];
}

export interface ClickHouseOptions {
  url: string; // http://host:8123
  user?: string;
  password?: string;
}

export class ClickHouse {
  constructor(private o: ClickHouseOptions) {}

  private headers(): Record<string, string> {
    const h: Record<string, string> = { 'User-Agent': 'mlwatch-demo' };
    if (this.o.user) {
      h.Authorization = 'Basic ' + Buffer.from(`${this.o.user}:${this.o.password ?? ''}`).toString('base64');
    }
    return h;
  }

  /** Runs one statement; the body is the answer text. */
  async exec(sql: string, body?: string): Promise<string> {
    const u = new URL(this.o.url);
    let payload = sql;
    if (body !== undefined) {
      u.searchParams.set('query', sql);
      payload = body;
    }
    const res = await fetch(u, { method: 'POST', headers: this.headers(), body: payload });
    const text = await res.text();
    if (!res.ok) {
      throw new Error(`ClickHouse at ${this.o.url}: ${text.trim().slice(0, 500)}`);
    }
    return text;
  }

  async version(): Promise<string> {
    return (await this.exec('SELECT version()')).trim();
  }

  /** Map columns (the exporter's schema) need ClickHouse 21.8 or newer. */
  static supportsMap(version: string): boolean {
    const [major, minor] = version.split('.').map(Number);
    return major > 21 || (major === 21 && minor >= 8);
  }

  async createTraceTables(db = 'otel', table = 'otel_traces'): Promise<void> {
    for (const stmt of otelTracesDDL(db, table)) {
      await this.exec(stmt);
    }
  }

  async insertRows(rows: TraceRow[], db = 'otel', table = 'otel_traces'): Promise<void> {
    if (!rows.length) {
      return;
    }
    const body = rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
    await this.exec(
      `INSERT INTO \`${db}\`.\`${table}\` SETTINGS date_time_input_format = 'best_effort' FORMAT JSONEachRow`,
      body
    );
  }
}

/** Waits until ClickHouse answers /ping. */
export async function waitForClickHouse(url: string, timeoutMs = 60e3): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(new URL('/ping', url));
      if (res.ok) {
        return;
      }
      last = `HTTP ${res.status}`;
    } catch (e) {
      last = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`ClickHouse at ${url} did not answer within ${timeoutMs / 1000}s (${last})`);
}
