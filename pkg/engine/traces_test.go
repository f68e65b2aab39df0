package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlwatch/mlwatch/pkg/models"
	"github.com/mlwatch/mlwatch/pkg/traces"
)

// replaySource answers with what ClickHouse 26 (chdb) returned for the
// same SQL (tests/fixtures/traces/chdb_results.json, written by
// tests/chdb/traces.test.mjs). SQL it has no answer for fails the test:
// the engine must send exactly the SQL proven on chdb.
type replaySource struct {
	t       *testing.T
	answers map[string]*traces.Result
	sent    []string
	ver     string
}

func newReplaySource(t *testing.T) *replaySource {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "tests", "fixtures", "traces", "chdb_results.json"))
	if err != nil {
		t.Fatal(err)
	}
	var stored map[string]struct {
		SQLSha256 string   `json:"sqlSha256"`
		Names     []string `json:"names"`
		Rows      [][]any  `json:"rows"`
	}
	if err := json.Unmarshal(b, &stored); err != nil {
		t.Fatal(err)
	}
	r := &replaySource{t: t, answers: map[string]*traces.Result{}, ver: "26.7.2.1"}
	for _, s := range stored {
		r.answers[s.SQLSha256] = &traces.Result{Names: s.Names, Rows: s.Rows}
	}
	return r
}

func (r *replaySource) query(_ context.Context, sql string, maxRows int) (*traces.Result, error) {
	r.sent = append(r.sent, sql)
	sum := sha256.Sum256([]byte(sql))
	res, ok := r.answers[hex.EncodeToString(sum[:])]
	if !ok {
		r.t.Errorf("the engine sent SQL that was not run on chdb:\n%s", sql)
		return nil, errors.New("no recorded answer")
	}
	if len(res.Rows) > maxRows {
		return nil, fmt.Errorf("more than %d rows", maxRows)
	}
	return res, nil
}

func (r *replaySource) version(context.Context) string { return r.ver }

var (
	fixtureFrom = time.Date(2026, 5, 1, 11, 0, 0, 0, time.UTC)
	fixtureTo   = time.Date(2026, 5, 1, 12, 30, 0, 0, time.UTC)
)

func tracesRequest(t *testing.T, queryJSON string, fromAlert bool) Request {
	t.Helper()
	q, err := models.ParseQuery([]byte(queryJSON), models.TypeTraces)
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Validate(); err != nil {
		t.Fatal(err)
	}
	return Request{Query: q, TimeRange: TimeRange{From: fixtureFrom, To: fixtureTo}, FromAlert: fromAlert}
}

// fixtureLimits make the engine ask for at most 1000 spans, as the chdb
// fixture queries do.
func fixtureLimits() Limits {
	l := DefaultLimits()
	l.MaxRows = 1000
	return l
}

func TestTracesSearchOnChdbAnswers(t *testing.T) {
	for _, tt := range []struct {
		name, query string
		want        []string
		tokens      float64 // total tokens of trace A
	}{
		{"otel", `{"traces":{}}`, []string{"33333333333333333333333333333333", "22222222222222222222222222222222", "0000000000000000a1b2c3d4e5f60718", "4bf92f3577b34da6a3ce929d0e0e4736", "0af7651916cd43dd8448eb211c80319c", "5b8efff798038103d269b633813fc60c"}, 1615},
		{"signoz", `{"traces":{"schema":"signoz"}}`, []string{"33333333333333333333333333333333", "22222222222222222222222222222222", "4bf92f3577b34da6a3ce929d0e0e4736", "0af7651916cd43dd8448eb211c80319c", "5b8efff798038103d269b633813fc60c"}, 1615},
	} {
		t.Run(tt.name, func(t *testing.T) {
			src := newReplaySource(t)
			frames, err := runTracesWith(context.Background(), src, tracesRequest(t, tt.query, false), fixtureLimits())
			if err != nil {
				t.Fatal(err)
			}
			if len(frames) != 1 || frames[0].Name != "traces" {
				t.Fatalf("frames %v", frames)
			}
			f := frames[0]
			ids := fieldStrings(t, f, "traceID")
			if strings.Join(ids, ",") != strings.Join(tt.want, ",") {
				t.Errorf("traces %v", ids)
			}
			if len(src.sent) != 2 || !strings.HasPrefix(src.sent[0], "SELECT table, name, type FROM system.columns") {
				t.Errorf("sent %d queries: %v", len(src.sent), src.sent)
			}
			if f.Meta.ExecutedQueryString != strings.Join(src.sent, ";\n\n") {
				t.Error("the executed SQL must be in the frame meta")
			}
			totals := fieldStrings(t, f, "totalTokens")
			if totals[len(tt.want)-3] != fmt.Sprint(tt.tokens) {
				t.Errorf("tokens %v", totals)
			}
		})
	}
}

func TestTraceByIDOnChdbAnswers(t *testing.T) {
	src := newReplaySource(t)
	frames, err := runTracesWith(context.Background(), src, tracesRequest(t, `{"traces":{"database":"default","table":"otel_traces","traceId":"4BF92F3577B34DA6A3CE929D0E0E4736"}}`, false), fixtureLimits())
	if err != nil {
		t.Fatal(err)
	}
	f := frames[0]
	if f.Meta.PreferredVisualization != data.VisTypeTrace {
		t.Errorf("meta %+v", f.Meta)
	}
	if spans := fieldStrings(t, f, "spanID"); strings.Join(spans, ",") != "a000000000000001,a000000000000002,a000000000000004,a000000000000003,a000000000000005" {
		t.Errorf("spans %v", spans)
	}
	if len(src.sent) != 2 || !strings.Contains(src.sent[1], "otel_traces_trace_id_ts") {
		t.Errorf("a trace with a lookup table is read in one query after the columns: %v", src.sent)
	}

	// SigNoz, through trace_summary.
	src = newReplaySource(t)
	frames, err = runTracesWith(context.Background(), src, tracesRequest(t, `{"traces":{"schema":"signoz","traceId":"5b8efff798038103d269b633813fc60c"}}`, false), fixtureLimits())
	if err != nil {
		t.Fatal(err)
	}
	if got := fieldStrings(t, frames[0], "statusCode"); strings.Join(got, ",") != "2,1,2" {
		t.Errorf("status codes %v", got)
	}
}

func TestTraceNotFoundFallsBackToTheRange(t *testing.T) {
	src := newReplaySource(t)
	frames, err := runTracesWith(context.Background(), src, tracesRequest(t, `{"traces":{"database":"default","table":"otel_traces","traceId":"ffffffffffffffffffffffffffffffff"}}`, false), fixtureLimits())
	if err != nil {
		t.Fatal(err)
	}
	if len(src.sent) != 3 || !strings.Contains(src.sent[1], "_trace_id_ts") || strings.Contains(src.sent[2], "_trace_id_ts") {
		t.Errorf("want columns, lookup, then range: %v", src.sent)
	}
	f := frames[0]
	if n, _ := f.RowLen(); n != 0 || f.Meta.PreferredVisualization != data.VisTypeTrace {
		t.Errorf("an unknown trace gives an empty trace frame, got %d rows", n)
	}
	if n := noticeText(f); !strings.Contains(n, "no spans of trace ffffffffffffffffffffffffffffffff in default.otel_traces in otel_traces_trace_id_ts, nor between 2026-05-01T10:00:00Z and 2026-05-01T13:30:00Z") {
		t.Errorf("notice %q", n)
	}

	// Without a lookup table the range is all there is.
	src = newReplaySource(t)
	frames, err = runTracesWith(context.Background(), src, tracesRequest(t, `{"traces":{"database":"otel_custom","table":"spans","traceId":"11111111111111111111111111111111"}}`, false), fixtureLimits())
	if err != nil {
		t.Fatal(err)
	}
	if len(src.sent) != 2 || !strings.Contains(noticeText(frames[0]), "widen the time range") {
		t.Errorf("sent %v, notice %q", src.sent, noticeText(frames[0]))
	}
}

func TestTracesForAlerts(t *testing.T) {
	src := newReplaySource(t)
	frames, err := runTracesWith(context.Background(), src, tracesRequest(t, `{"traces":{"status":"error"}}`, true), fixtureLimits())
	if err != nil {
		t.Fatal(err)
	}
	if len(frames) != 1 || frames[0].Meta.Type != data.FrameTypeNumericMulti {
		t.Fatalf("frames %v", frames)
	}
	field := frames[0].Fields[0]
	if field.At(0) != 1.0 || field.Labels["status"] != "error" {
		t.Errorf("error traces = %v %v, want 1", field.At(0), field.Labels)
	}
	_, err = runTracesWith(context.Background(), newReplaySource(t), tracesRequest(t, `{"traces":{"traceId":"4bf92f3577b34da6a3ce929d0e0e4736"}}`, true), fixtureLimits())
	var qe *models.QueryError
	if !errors.As(err, &qe) || qe.Field != "traces.traceId" {
		t.Errorf("a trace id in an alert: %v", err)
	}
}

func TestTracesBadInputSendsNothing(t *testing.T) {
	for _, q := range []string{
		`{"traces":{"traceId":"' OR 1=1 --"}}`,
		`{"traces":{"table":"otel_traces; DROP TABLE x"}}`,
		`{"traces":{"database":"default` + "`" + `"}}`,
		`{"traces":{"status":"broken"}}`,
		`{"traces":{"attributes":[{"key":"k","op":"like","value":"%"}]}}`,
		`{"traces":{"service":"a\u0000b"}}`,
	} {
		src := newReplaySource(t)
		_, err := runTracesWith(context.Background(), src, tracesRequest(t, q, false), fixtureLimits())
		var qe *models.QueryError
		if !errors.As(err, &qe) {
			t.Errorf("%s: err = %v, want a query error", q, err)
		}
		if len(src.sent) != 0 {
			t.Errorf("%s: nothing may be sent, sent %v", q, src.sent)
		}
	}
}

// tableSource answers the columns query with a fixed table, and every
// other query with fixed rows.
type tableSource struct {
	columns *traces.Result
	rows    *traces.Result
	ver     string
	sent    []string
}

func (s *tableSource) query(_ context.Context, sql string, maxRows int) (*traces.Result, error) {
	s.sent = append(s.sent, sql)
	if strings.Contains(sql, "system.columns") {
		return s.columns, nil
	}
	return s.rows, nil
}

func (s *tableSource) version(context.Context) string { return s.ver }

func TestTracesSchemaErrors(t *testing.T) {
	src := &tableSource{columns: &traces.Result{Names: []string{"table", "name", "type"}}, ver: "18.16.1"}
	_, err := runTracesWith(context.Background(), src, tracesRequest(t, `{"traces":{}}`, false), fixtureLimits())
	var qe *models.QueryError
	if !errors.As(err, &qe) || !strings.Contains(err.Error(), "otel_traces does not exist") || !strings.Contains(err.Error(), "ClickHouse 18.16.1") {
		t.Errorf("err = %v", err)
	}
	if len(src.sent) != 1 {
		t.Errorf("only the columns query may be sent: %v", src.sent)
	}
}

func TestTraceSpanLimit(t *testing.T) {
	cols := &traces.Result{Names: []string{"table", "name", "type"}}
	for _, c := range []string{"Timestamp", "TraceId", "SpanId", "ParentSpanId", "SpanName", "SpanKind", "ServiceName", "Duration", "StatusCode", "StatusMessage"} {
		cols.Rows = append(cols.Rows, []any{"otel_traces", c, "String"})
	}
	cols.Rows = append(cols.Rows, []any{"otel_traces", "SpanAttributes", "Map(String, String)"}, []any{"otel_traces", "ResourceAttributes", "Map(String, String)"})
	rows := &traces.Result{Names: []string{"mlw_trace", "mlw_span"}}
	for i := 0; i < 4; i++ {
		rows.Rows = append(rows.Rows, []any{"4bf92f3577b34da6a3ce929d0e0e4736", fmt.Sprint(i)})
	}
	src := &tableSource{columns: cols, rows: rows}
	l := DefaultLimits()
	l.MaxRows = 3
	frames, err := runTracesWith(context.Background(), src, tracesRequest(t, `{"traces":{"traceId":"4bf92f3577b34da6a3ce929d0e0e4736"}}`, false), l)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := frames[0].RowLen(); n != 3 || !strings.Contains(noticeText(frames[0]), "more than 3 spans") {
		t.Errorf("%d spans, notice %q", n, noticeText(frames[0]))
	}
	if !strings.Contains(src.sent[1], "LIMIT 4") {
		t.Errorf("one span more than the limit is asked for: %s", src.sent[1])
	}
}
