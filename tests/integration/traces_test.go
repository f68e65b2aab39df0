//go:build integration

package integration

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mlwatch/mlwatch/internal/testenv"
	"github.com/mlwatch/mlwatch/pkg/engine"
	"github.com/mlwatch/mlwatch/pkg/models"
	"github.com/mlwatch/mlwatch/pkg/source/clickhouse"
	"github.com/mlwatch/mlwatch/pkg/traces"
)

// The trace SQL needs Map columns (ClickHouse 21.8+) and is proven on
// ClickHouse 26 by tests/chdb/traces.test.mjs. The ClickHouse of this test
// setup is 18.16: here the network path is proven on it — the schema
// check over both protocols, the messages for tables it cannot hold, and
// that every hostile value reaches the real server as exactly the text
// it was.

// startTracesClickHouse starts a ClickHouse 18.16 for these tests, with a
// pre-Map layout of otel_traces (attributes as Nested key/value arrays,
// the shape a Map-less server could hold).
func startTracesClickHouse(t *testing.T) *testenv.ClickHouse {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	ch, err := testenv.StartClickHouse(ctx, testenv.ClickHouseOptions{})
	if err != nil {
		t.Fatalf("start ClickHouse: %v", err)
	}
	t.Cleanup(ch.Stop)
	for _, sql := range []string{
		"CREATE DATABASE otel18",
		`CREATE TABLE otel18.otel_traces (
			Timestamp DateTime,
			TraceId String, SpanId String, ParentSpanId String, TraceState String,
			SpanName String, SpanKind String, ServiceName String,
			ResourceAttributes Nested(key String, value String),
			SpanAttributes Nested(key String, value String),
			Duration Int64, StatusCode String, StatusMessage String
		) ENGINE = MergeTree() PARTITION BY toDate(Timestamp) ORDER BY (ServiceName, SpanName, Timestamp)`,
		`INSERT INTO otel18.otel_traces (Timestamp, TraceId, SpanId, ParentSpanId, SpanName, SpanKind, ServiceName, Duration, StatusCode)
			VALUES (now(), '4bf92f3577b34da6a3ce929d0e0e4736', 'a000000000000001', '', 'POST /ask', 'Server', 'rag-api', 2400000000, 'Unset')`,
	} {
		chExec(t, ch, sql)
	}
	return ch
}

func tracesCHClients(t *testing.T, ch *testenv.ClickHouse) map[string]clickhouse.Client {
	t.Helper()
	out := map[string]clickhouse.Client{}
	for name, s := range map[string]models.ClickHouse{
		"http":   {Host: "127.0.0.1", Port: ch.HTTPPort, Protocol: models.ProtocolHTTP, User: "default", Timeout: 10 * time.Second},
		"native": {Host: "127.0.0.1", Port: ch.NativePort, Protocol: models.ProtocolNative, User: "default", Timeout: 10 * time.Second},
	} {
		c, err := clickhouse.New(s)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		out[name] = c
	}
	return out
}

func runTracesQuery(t *testing.T, e *engine.Engine, queryJSON string) error {
	t.Helper()
	q, err := models.ParseQuery([]byte(queryJSON), models.TypeTraces)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	now := time.Now()
	_, err = e.Run(ctx, engine.Request{Query: q, TimeRange: engine.TimeRange{From: now.Add(-time.Hour), To: now}})
	return err
}

func TestTracesOnClickHouse18(t *testing.T) {
	ch := startTracesClickHouse(t)
	clients := tracesCHClients(t, ch)
	t.Run("schema check", func(t *testing.T) { testTracesSchemaCheck(t, clients) })
	t.Run("literals", func(t *testing.T) { testTraceLiterals(t, clients) })
}

// testTracesSchemaCheck: the traces query explains, over both protocols,
// why an 18.16 server cannot hold the span tables.
func testTracesSchemaCheck(t *testing.T, clients map[string]clickhouse.Client) {
	for proto, c := range clients {
		t.Run(proto, func(t *testing.T) {
			version, err := c.Version(context.Background())
			if err != nil || !strings.HasPrefix(version, "18.16") {
				t.Fatalf("version %q, %v (this test is about the 18.16 server)", version, err)
			}
			e := &engine.Engine{ClickHouse: c, Limits: engine.DefaultLimits()}
			tests := []struct {
				name, query string
				want        []string
			}{
				{"no otel table", `{"traces":{}}`,
					[]string{"table otel_traces does not exist", "ClickHouse " + version, "Map columns"}},
				{"no SigNoz table", `{"traces":{"schema":"signoz","traceId":"4bf92f3577b34da6a3ce929d0e0e4736"}}`,
					[]string{"table signoz_traces.distributed_signoz_index_v3 does not exist", "signoz_index_v2", "ClickHouse " + version}},
				{"pre-Map layout", `{"traces":{"database":"otel18","service":"rag-api"}}`,
					[]string{"otel18.otel_traces", "lacks ResourceAttributes, SpanAttributes", "ClickHouse " + version}},
			}
			for _, tt := range tests {
				err := runTracesQuery(t, e, tt.query)
				var qe *models.QueryError
				if !errors.As(err, &qe) || qe.Field != "traces.table" {
					t.Errorf("%s: err = %v, want a query error on traces.table", tt.name, err)
					continue
				}
				for _, w := range tt.want {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("%s: %q lacks %q", tt.name, err, w)
					}
				}
			}
			// Bad input never reaches the server.
			err = runTracesQuery(t, e, `{"traces":{"database":"otel18","traceId":"4bf92f35' OR 1=1 --"}}`)
			if err == nil || !strings.Contains(err.Error(), "not a trace id") {
				t.Errorf("bad trace id: %v", err)
			}
		})
	}
}

// testTraceLiterals sends hostile values as the traces package quotes
// them and reads them back from the real server, over both protocols.
func testTraceLiterals(t *testing.T, clients map[string]clickhouse.Client) {
	values := []string{
		"x' OR 1=1 --", `\' OR 1=1 --`, `C:\path\`, "a') OR ('1'='1", "`; DROP TABLE otel_traces; --",
		"tab\there", "new\nline", "nul\x00byte", "ünïcödé ✓", `'''`, `\\\`,
	}
	for proto, c := range clients {
		t.Run(proto, func(t *testing.T) {
			var cols []string
			for i, v := range values {
				cols = append(cols, fmt.Sprintf("%s AS v%d", traces.Literal(v), i))
			}
			res, err := c.Query(context.Background(), "SELECT "+strings.Join(cols, ", "), clickhouse.Settings{MaxRows: 1})
			if err != nil {
				t.Fatal(err)
			}
			if res.Rows != 1 || len(res.Columns) != len(values) {
				t.Fatalf("%d rows, %d columns", res.Rows, len(res.Columns))
			}
			for i, v := range values {
				if got := res.Columns[i].String(0); got != v {
					t.Errorf("value %d: the server read %q, want %q", i, got, v)
				}
			}
			// A search for a hostile service on the reduced table finds
			// nothing and breaks nothing: the column check stops it first,
			// and the table is still there afterwards.
			src, _ := traces.NewSource("otel", "otel18", "otel_traces")
			cr, err := c.Query(context.Background(), src.ColumnsSQL(), clickhouse.Settings{MaxRows: 1000})
			if err != nil {
				t.Fatal(err)
			}
			if cr.Rows != 15 {
				t.Errorf("system.columns answered %d rows for the reduced table, want 15", cr.Rows)
			}
			count, err := c.Query(context.Background(), "SELECT count() FROM otel18.otel_traces", clickhouse.Settings{MaxRows: 1})
			if err != nil || count.Columns[0].Int(0) != 1 {
				t.Errorf("the fixture row: %v %v", count, err)
			}
		})
	}
}
