//go:build integration

package integration

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mlwatch/mlwatch/internal/pluginharness"
)

// TestClickHouseResources calls the ClickHouse pickers of the plugin
// binary over gRPC, against the real ClickHouse 18.16 server, through both
// protocols: databases, tables, columns with their kinds, trace services
// (a span table with the columns the picker reads; 18.16 has no Map type,
// so the full exporter schemas are proven on ClickHouse 26 by
// tests/chdb/traces.test.mjs), limits, searches, and injection attempts
// through every parameter.
func TestClickHouseResources(t *testing.T) {
	ch := env.clickhouse
	now := time.Now().UTC().Truncate(time.Second)
	chExec(t, ch, "CREATE DATABASE IF NOT EXISTS mlw_res")
	chExec(t, ch, "CREATE DATABASE IF NOT EXISTS `mlw-res.2`")
	chExec(t, ch, "CREATE TABLE IF NOT EXISTS mlw_res.features (ts DateTime, age Float64, income Nullable(Float32), clicks UInt32, country Enum8('de' = 1, 'fr' = 2), tags Array(String)) ENGINE = MergeTree ORDER BY ts")
	chExec(t, ch, "CREATE TABLE IF NOT EXISTS mlw_res.training (age Float64) ENGINE = Memory")
	chExec(t, ch, "CREATE TABLE IF NOT EXISTS `mlw-res.2`.`t-1` (x Float64) ENGINE = Memory")
	chExec(t, ch, "CREATE TABLE IF NOT EXISTS mlw_res.otel_traces (Timestamp DateTime, ServiceName String, SpanName String) ENGINE = MergeTree ORDER BY Timestamp")
	chExec(t, ch, "CREATE TABLE IF NOT EXISTS mlw_res.signoz_spans (ts_bucket_start UInt64, timestamp DateTime, `resource_string_service$$name` String) ENGINE = MergeTree ORDER BY timestamp")
	chExec(t, ch, "CREATE TABLE IF NOT EXISTS mlw_res.not_spans (x String) ENGINE = Memory")
	chExec(t, ch, fmt.Sprintf(`INSERT INTO mlw_res.otel_traces VALUES
		(toDateTime(%[1]d), 'rag-api', 'POST /ask'), (toDateTime(%[1]d), 'fraud-scoring', 'score'), (toDateTime(%[1]d), 'Fraud-Batch', 'b'),
		(toDateTime(%[1]d), 'x\' OR 1=1 --', 'q'), (toDateTime(%[2]d), 'old-service', 'a day ago'), (toDateTime(%[1]d), '', 'no service')`,
		now.Add(-10*time.Minute).Unix(), now.Add(-24*time.Hour).Unix()))
	chExec(t, ch, fmt.Sprintf("INSERT INTO mlw_res.signoz_spans VALUES (%d, toDateTime(%d), 'checkout')", now.Add(-10*time.Minute).Unix()/1800*1800, now.Add(-10*time.Minute).Unix()))

	from, to := now.Add(-time.Hour).UnixMilli(), now.Add(time.Minute).UnixMilli()
	win := fmt.Sprintf("from=%d&to=%d", from, to)
	tests := []struct {
		name, path string
		status     int
		check      func(t *testing.T, b resourceBody)
	}{
		{"databases", "clickhouse/databases", 200, wantValues("default", "mlw-res.2", "mlw_res", "system")},
		{"databases search ignores case", "clickhouse/databases?search=MLW", 200, wantExactly("mlw-res.2", "mlw_res")},
		{"databases limit says truncated", "clickhouse/databases?limit=1", 200, func(t *testing.T, b resourceBody) {
			if len(b.Values) != 1 || !b.Truncated {
				t.Errorf("%+v", b)
			}
		}},
		{"tables", "clickhouse/tables?database=mlw_res", 200, wantExactly("features", "not_spans", "otel_traces", "signoz_spans", "training")},
		{"tables of a name with - and .", "clickhouse/tables?database=" + url.QueryEscape("mlw-res.2"), 200, wantExactly("t-1")},
		{"tables search and limit", "clickhouse/tables?database=mlw_res&search=T&limit=2", 200, func(t *testing.T, b resourceBody) {
			if strings.Join(b.Values, ",") != "features,not_spans" || !b.Truncated {
				t.Errorf("%+v", b)
			}
		}},
		{"tables of the datasource's database", "clickhouse/tables", 200, wantValues("features")},
		{"tables of a missing database", "clickhouse/tables?database=nope", 400, wantError(`database "nope" does not exist`)},
		{"columns in table order with kinds", "clickhouse/columns?database=mlw_res&table=features", 200, func(t *testing.T, b resourceBody) {
			var got []string
			for _, c := range b.Columns {
				got = append(got, c.Name+":"+c.Type+":"+c.Kind)
			}
			want := "ts:DateTime:time,age:Float64:numeric,income:Nullable(Float32):numeric,clicks:UInt32:numeric,country:Enum8('de' = 1, 'fr' = 2):string,tags:Array(String):other"
			if strings.Join(got, ",") != want || strings.Join(b.Values, ",") != "ts,age,income,clicks,country,tags" {
				t.Errorf("got %v, want %s", got, want)
			}
		}},
		{"numeric columns", "clickhouse/columns?database=mlw_res&table=features&kind=numeric", 200, wantExactly("age", "income", "clicks")},
		{"time columns", "clickhouse/columns?database=mlw_res&table=features&kind=time", 200, wantExactly("ts")},
		{"columns search", "clickhouse/columns?database=mlw_res&table=features&search=IN", 200, wantExactly("income")},
		{"columns of a missing table", "clickhouse/columns?database=mlw_res&table=nope", 400, wantError("table mlw_res.nope does not exist")},
		{"services of the datasource's trace table", "traces/services?" + win, 200, wantExactly("Fraud-Batch", "fraud-scoring", "rag-api", "x' OR 1=1 --")},
		{"services search", "traces/services?search=fraud&" + win, 200, wantExactly("Fraud-Batch", "fraud-scoring")},
		{"services search with a quote is a literal", "traces/services?search=" + url.QueryEscape("' or 1=1") + "&" + win, 200, wantExactly("x' OR 1=1 --")},
		{"services limit", "traces/services?limit=2&" + win, 200, func(t *testing.T, b resourceBody) {
			if strings.Join(b.Values, ",") != "Fraud-Batch,fraud-scoring" || !b.Truncated {
				t.Errorf("%+v", b)
			}
		}},
		{"services older range", fmt.Sprintf("traces/services?from=%d&to=%d", now.Add(-25*time.Hour).UnixMilli(), now.Add(-23*time.Hour).UnixMilli()), 200, wantExactly("old-service")},
		{"services of a SigNoz-shaped table", "traces/services?schema=signoz&database=mlw_res&table=signoz_spans&" + win, 200, wantExactly("checkout")},
		{"services of a table that is not spans", "traces/services?schema=otel&database=mlw_res&table=not_spans", 400, wantError("is not a otel span table: it lacks Timestamp, ServiceName")},
		{"services of a missing table", "traces/services?schema=otel&database=mlw_res&table=nope", 400, wantError("mlw_res.nope does not exist")},
	}
	injections := []struct{ name, path, want string }{
		{"database with a quote", "clickhouse/tables?database=" + url.QueryEscape("mlw_res' OR '1'='1"), "database name"},
		{"database with a backquote", "clickhouse/tables?database=" + url.QueryEscape("mlw_res`; DROP DATABASE mlw_res"), "database name"},
		{"table with a quote", "clickhouse/columns?database=mlw_res&table=" + url.QueryEscape("features' OR 1=1 --"), "table name"},
		{"table with a backslash", "clickhouse/columns?database=mlw_res&table=" + url.QueryEscape(`features\`), "table name"},
		{"table with a semicolon", "clickhouse/columns?database=mlw_res&table=" + url.QueryEscape("features;DROP TABLE mlw_res.features"), "table name"},
		{"trace table", "traces/services?schema=otel&table=" + url.QueryEscape("otel_traces` WHERE 1 --"), "not a plain ClickHouse name"},
		{"trace database", "traces/services?schema=otel&database=" + url.QueryEscape("x') OR 1=1 --"), "not a plain ClickHouse name"},
		{"trace schema", "traces/services?schema=" + url.QueryEscape("otel'"), "unknown schema"},
		{"service search with a control character", "traces/services?search=%00", "control character"},
	}
	for _, in := range injections {
		tests = append(tests, struct {
			name, path string
			status     int
			check      func(t *testing.T, b resourceBody)
		}{"injection: " + in.name, in.path, 400, wantError(in.want)})
	}
	for _, proto := range []string{"http", "native"} {
		port := ch.HTTPPort
		if proto == "native" {
			port = ch.NativePort
		}
		ds := datasource(map[string]any{
			"clickhouse": map[string]any{"host": "127.0.0.1", "port": port, "protocol": proto, "username": chUser, "database": "mlw_res"},
			"defaults":   map[string]any{"tracesSchema": "otel", "tracesDatabase": "mlw_res", "tracesTable": "otel_traces"},
		}, map[string]string{"clickhousePassword": chPassword})
		t.Run(proto, func(t *testing.T) {
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					status, b, raw := getResource(t, ds, tt.path)
					if status != tt.status {
						t.Fatalf("status = %d, want %d: %s", status, tt.status, raw)
					}
					assertNoSecrets(t, raw)
					tt.check(t, b)
				})
			}
		})
	}
	// The tables survived every injection attempt.
	ds := datasource(map[string]any{"clickhouse": map[string]any{"host": "127.0.0.1", "port": ch.HTTPPort, "protocol": "http"}}, nil)
	if _, b, raw := getResource(t, ds, "clickhouse/tables?database=mlw_res"); len(b.Values) != 5 {
		t.Errorf("tables after the injection attempts: %s", raw)
	}
	t.Run("server down", func(t *testing.T) {
		down := datasource(map[string]any{"clickhouse": map[string]any{"host": "127.0.0.1", "port": closedPort(t), "protocol": "http", "username": chUser}},
			map[string]string{"clickhousePassword": chPassword})
		status, b, raw := getResource(t, down, "clickhouse/databases")
		if status != 502 || !strings.Contains(b.Error, "connection refused") {
			t.Errorf("%d %s", status, raw)
		}
		assertNoSecrets(t, raw)
	})
	t.Run("wrong password", func(t *testing.T) {
		bad := datasource(map[string]any{"clickhouse": map[string]any{"host": "127.0.0.1", "port": ch.NativePort, "username": chUser}},
			map[string]string{"clickhousePassword": "nope-" + chPassword})
		status, b, raw := getResource(t, bad, "clickhouse/databases")
		if status != 502 || !strings.Contains(b.Error, "authentication failed") {
			t.Errorf("%d %s", status, raw)
		}
		assertNoSecrets(t, raw)
	})
}

type resourceBody struct {
	Values    []string `json:"values"`
	Truncated bool     `json:"truncated"`
	Error     string   `json:"error"`
	Columns   []struct {
		Name string `json:"name"`
		Type string `json:"type"`
		Kind string `json:"kind"`
	} `json:"columns"`
}

func getResource(t *testing.T, ds pluginharness.Datasource, path string) (int, resourceBody, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	resp, err := env.plugin.CallResource(ctx, ds, "GET", path, nil)
	if err != nil {
		t.Fatal(err)
	}
	var b resourceBody
	if err := json.Unmarshal(resp.Body, &b); err != nil {
		t.Fatalf("%s: %s: %v", path, resp.Body, err)
	}
	return resp.Status, b, string(resp.Body)
}

func wantValues(want ...string) func(t *testing.T, b resourceBody) {
	return func(t *testing.T, b resourceBody) {
		t.Helper()
		have := map[string]bool{}
		for _, v := range b.Values {
			have[v] = true
		}
		for _, w := range want {
			if !have[w] {
				t.Errorf("values %q lack %q", b.Values, w)
			}
		}
	}
}

func wantExactly(want ...string) func(t *testing.T, b resourceBody) {
	return func(t *testing.T, b resourceBody) {
		t.Helper()
		if strings.Join(b.Values, "\x00") != strings.Join(want, "\x00") || b.Truncated {
			t.Errorf("values %q (truncated %v), want %q", b.Values, b.Truncated, want)
		}
	}
}

func wantError(sub string) func(t *testing.T, b resourceBody) {
	return func(t *testing.T, b resourceBody) {
		t.Helper()
		if !strings.Contains(b.Error, sub) {
			t.Errorf("error %q, want %q", b.Error, sub)
		}
	}
}
