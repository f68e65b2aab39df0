package engine

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// TestTracesEngineOnChdb runs the traces query through the real HTTP
// client against ClickHouse 26 (chdb behind a stand-in of the HTTP
// interface, started by tests/chdb/traces_engine.test.mjs, which sets
// MLWATCH_CHDB_HTTP). It is skipped otherwise.
func TestTracesEngineOnChdb(t *testing.T) {
	c := chdbClient(t)
	e := &Engine{ClickHouse: c, Limits: fixtureLimits()}
	run := func(t *testing.T, queryJSON string, fromAlert bool) []*data.Frame {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		frames, err := e.Run(ctx, tracesRequest(t, queryJSON, fromAlert))
		if err != nil {
			t.Fatalf("%s: %v", queryJSON, err)
		}
		return frames
	}
	ids := func(t *testing.T, f *data.Frame) string { return strings.Join(fieldStrings(t, f, "traceID"), ",") }

	t.Run("search", func(t *testing.T) {
		f := run(t, `{"traces":{}}`, false)[0]
		if got := ids(t, f); got != "33333333333333333333333333333333,22222222222222222222222222222222,0000000000000000a1b2c3d4e5f60718,4bf92f3577b34da6a3ce929d0e0e4736,0af7651916cd43dd8448eb211c80319c,5b8efff798038103d269b633813fc60c" {
			t.Errorf("otel traces %s", got)
		}
		row := 3
		for field, want := range map[string]string{"serviceName": "rag-api", "operationName": "POST /ask", "duration": "2400", "spanCount": "5",
			"inputTokens": "1260", "outputTokens": "355", "totalTokens": "1615", "startTime": "2026-05-01 12:00:00 +0000 UTC"} {
			if got := fieldStrings(t, f, field)[row]; got != want {
				t.Errorf("trace A %s = %s, want %s", field, got, want)
			}
		}
		s := run(t, `{"traces":{"schema":"signoz","status":"error"}}`, false)[0]
		if got := ids(t, s); got != "5b8efff798038103d269b633813fc60c" {
			t.Errorf("signoz error traces %s", got)
		}
		if got := fieldStrings(t, s, "errorCount")[0]; got != "2" {
			t.Errorf("errors %s", got)
		}
	})

	t.Run("hostile values", func(t *testing.T) {
		for q, want := range map[string]string{
			`{"traces":{"service":"x' OR 1=1 --"}}`:                                                       "33333333333333333333333333333333",
			`{"traces":{"spanName":"it's \"quoted\" \\ span"}}`:                                           "33333333333333333333333333333333",
			`{"traces":{"attributes":[{"key":"we'ird key","value":"C:\\path\\"}]}}`:                       "33333333333333333333333333333333",
			`{"traces":{"service":"' OR 1=1 OR ''='"}}`:                                                   "",
			`{"traces":{"schema":"signoz","service":"rag-api' OR '1'='1"}}`:                               "",
			`{"traces":{"attributes":[{"key":"x') OR 1=1 OR ('","op":"exists"}]}}`:                        "",
			`{"traces":{"schema":"signoz","attributes":[{"key":"http.route","value":"/ask') OR (1=1"}]}}`: "",
		} {
			if got := ids(t, run(t, q, false)[0]); got != want {
				t.Errorf("%s: traces %q, want %q", q, got, want)
			}
		}
	})

	t.Run("trace by id", func(t *testing.T) {
		for _, q := range []string{
			`{"traces":{"traceId":"4bf92f3577b34da6a3ce929d0e0e4736"}}`,
			`{"traces":{"schema":"signoz","traceId":"4bf92f3577b34da6a3ce929d0e0e4736"}}`,
			`{"traces":{"database":"otel_custom","table":"spans","traceId":"4bf92f3577b34da6a3ce929d0e0e4736"}}`,
		} {
			f := run(t, q, false)[0]
			if f.Meta.PreferredVisualization != data.VisTypeTrace {
				t.Errorf("%s: meta %+v", q, f.Meta)
			}
			if got := strings.Join(fieldStrings(t, f, "spanID"), ","); got != "a000000000000001,a000000000000002,a000000000000004,a000000000000003,a000000000000005" {
				t.Errorf("%s: spans %s", q, got)
			}
			var tags []map[string]any
			if err := json.Unmarshal(f.Fields[10].At(3).(json.RawMessage), &tags); err != nil || f.Fields[10].Name != "tags" {
				t.Fatalf("%s: tags %v", q, err)
			}
			found := false
			for _, kv := range tags {
				found = found || (kv["key"] == "gen_ai.request.model" && kv["value"] == "gpt-4o")
			}
			if !found {
				t.Errorf("%s: chat span tags %v", q, tags)
			}
			var logs []map[string]any
			_ = json.Unmarshal(f.Fields[8].At(3).(json.RawMessage), &logs)
			if len(logs) != 1 || logs[0]["timestamp"] != 1777636802100.0 || logs[0]["name"] != "gen_ai.choice" {
				t.Errorf("%s: logs %v", q, logs)
			}
		}
		// A trace outside the range is found through the lookup table.
		if got := fieldStrings(t, run(t, `{"traces":{"traceId":"11111111111111111111111111111111"}}`, false)[0], "spanID"); strings.Join(got, ",") != "d000000000000001" {
			t.Errorf("trace D: %v", got)
		}
		empty := run(t, `{"traces":{"schema":"signoz","traceId":"ffffffffffffffffffffffffffffffff"}}`, false)[0]
		if n, _ := empty.RowLen(); n != 0 || !strings.Contains(noticeText(empty), "no spans of trace ffffffffffffffffffffffffffffffff") {
			t.Errorf("unknown trace: %d rows, %q", n, noticeText(empty))
		}
	})

	t.Run("alerts", func(t *testing.T) {
		f := run(t, `{"traces":{"service":"fraud-scoring"}}`, true)
		if len(f) != 1 || f[0].Fields[0].At(0) != 2.0 {
			t.Errorf("fraud-scoring traces: %v", f)
		}
	})
}
