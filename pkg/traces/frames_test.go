package traces

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// These tests turn the rows ClickHouse 26 (chdb) returned for the fixture
// queries (tests/fixtures/traces/chdb_results.json) into frames.

func fieldValues(t *testing.T, f *data.Frame, name string) []any {
	t.Helper()
	field, _ := f.FieldByName(name)
	if field == nil {
		t.Fatalf("frame %s has no field %s", f.Name, name)
	}
	out := make([]any, field.Len())
	for i := range out {
		out[i] = field.At(i)
	}
	return out
}

// spanJSON decodes a JSON field of row i.
func spanJSON(t *testing.T, f *data.Frame, name string, i int, into any) {
	t.Helper()
	raw := fieldValues(t, f, name)[i].(json.RawMessage)
	if err := json.Unmarshal(raw, into); err != nil {
		t.Fatalf("%s[%d] = %s: %v", name, i, raw, err)
	}
}

func tagMap(t *testing.T, f *data.Frame, name string, i int) map[string]any {
	t.Helper()
	var kv []keyValue
	spanJSON(t, f, name, i, &kv)
	m := map[string]any{}
	for j, p := range kv {
		if j > 0 && kv[j-1].Key > p.Key {
			t.Errorf("%s[%d] is not sorted by key", name, i)
		}
		m[p.Key] = p.Value
	}
	return m
}

func TestCheckWithChdbColumns(t *testing.T) {
	all := loadChdbResults(t)
	tests := []struct {
		result, schema, db, table string
		lookup                    bool
	}{
		{"otel: columns in the default database", "otel", "", "", true},
		{"otel: columns in a named database", "otel", "default", "otel_traces", true},
		{"otel: columns of a custom table without lookup", "otel", "otel_custom", "spans", false},
		{"signoz: columns of the distributed table and summary", "signoz", "", "", true},
		{"signoz: columns of the local table and summary", "signoz", "", "signoz_index_v3", true},
	}
	for _, tt := range tests {
		s, err := NewSource(tt.schema, tt.db, tt.table)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Check(resultOf(t, all, tt.result), "26.7.2.1"); err != nil {
			t.Errorf("%s: %v", tt.result, err)
			continue
		}
		if s.HasLookup != tt.lookup {
			t.Errorf("%s: lookup = %v, want %v", tt.result, s.HasLookup, tt.lookup)
		}
	}
	// The otel table read as SigNoz is refused, naming what is missing.
	s, _ := NewSource("signoz", "", "otel_traces")
	s.LookupTable = "none"
	r := resultOf(t, all, "otel: columns in the default database")
	err := s.Check(r, "26.7.2.1")
	if err == nil || !strings.Contains(err.Error(), "is not a signoz span table: it lacks timestamp, trace_id") {
		t.Errorf("otel table as signoz: %v", err)
	}
}

func TestSearchFrameFromChdb(t *testing.T) {
	all := loadChdbResults(t)
	f := SearchFrame(resultOf(t, all, "otel search: all traces in range, newest first (D is a day earlier)"))
	if f.Meta.PreferredVisualization != data.VisTypeTable || f.Meta.Type != data.FrameTypeTable {
		t.Errorf("meta %+v", f.Meta)
	}
	ids := fieldValues(t, f, "traceID")
	want := []any{traceF, traceE, traceG, traceA, traceC, traceB}
	if len(ids) != len(want) {
		t.Fatalf("traces %v", ids)
	}
	for i := range want {
		if ids[i] != want[i] {
			t.Errorf("row %d = %v, want %v", i, ids[i], want[i])
		}
	}
	a := 3
	checks := map[string]any{
		"serviceName": "rag-api", "operationName": "POST /ask", "startTime": time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC),
		"duration": 2400.0, "spanCount": int64(5), "errorCount": int64(0), "inputTokens": 1260.0, "outputTokens": 355.0, "totalTokens": 1615.0,
	}
	for name, v := range checks {
		if got := fieldValues(t, f, name)[a]; got != v {
			t.Errorf("trace A %s = %v (%T), want %v", name, got, got, v)
		}
	}
	if got := fieldValues(t, f, "errorCount")[5]; got != int64(2) {
		t.Errorf("trace B errors = %v", got)
	}
	if got := fieldValues(t, f, "operationName")[1]; got != "consume batch" {
		t.Errorf("a trace without root is named after its earliest span, got %v", got)
	}
	dur, _ := f.FieldByName("duration")
	if dur.Config == nil || dur.Config.Unit != "ms" {
		t.Error("duration must carry the ms unit")
	}

	sig := SearchFrame(resultOf(t, all, "signoz search: all traces in range, newest first (D is a day earlier)"))
	if got := fieldValues(t, sig, "totalTokens")[2]; got != 1615.0 {
		t.Errorf("signoz tokens (numbers, and strings as fallback) = %v, want 1615", got)
	}
}

func TestTraceFrameFromChdbOTel(t *testing.T) {
	all := loadChdbResults(t)
	f, err := TraceFrame(resultOf(t, all, "otel trace by lookup: LLM chain, spans by start time"), OTel)
	if err != nil {
		t.Fatal(err)
	}
	if f.Meta.PreferredVisualization != data.VisTypeTrace {
		t.Errorf("preferred visualisation %q", f.Meta.PreferredVisualization)
	}
	// Grafana's TraceSpanRow fields, in the types the trace view reads.
	want := map[string]data.FieldType{
		"traceID": data.FieldTypeString, "spanID": data.FieldTypeString, "parentSpanID": data.FieldTypeString,
		"operationName": data.FieldTypeString, "serviceName": data.FieldTypeString, "serviceTags": data.FieldTypeJSON,
		"startTime": data.FieldTypeFloat64, "duration": data.FieldTypeFloat64, "logs": data.FieldTypeJSON, "references": data.FieldTypeJSON,
		"tags": data.FieldTypeJSON, "kind": data.FieldTypeString, "statusCode": data.FieldTypeInt64, "statusMessage": data.FieldTypeString,
		"instrumentationLibraryName": data.FieldTypeString, "instrumentationLibraryVersion": data.FieldTypeString, "traceState": data.FieldTypeString,
	}
	for name, typ := range want {
		field, _ := f.FieldByName(name)
		if field == nil || field.Type() != typ {
			t.Errorf("field %s: %v, want type %s", name, field, typ)
		}
	}
	if n, _ := f.RowLen(); n != 5 {
		t.Fatalf("%d spans", n)
	}
	if got := fieldValues(t, f, "parentSpanID")[0]; got != "" {
		t.Errorf("root parent = %q", got)
	}
	chat := 3
	if got := fieldValues(t, f, "startTime")[chat]; got != t0ms+320 {
		t.Errorf("startTime = %v", got)
	}
	if got := fieldValues(t, f, "duration")[chat]; got != 1800.0 {
		t.Errorf("duration = %v", got)
	}
	if got := fieldValues(t, f, "kind")[chat]; got != "client" {
		t.Errorf("kind = %v", got)
	}
	tags := tagMap(t, f, "tags", chat)
	if tags["gen_ai.request.model"] != "gpt-4o" || tags["gen_ai.usage.input_tokens"] != "1200" {
		t.Errorf("tags = %v", tags)
	}
	if svc := tagMap(t, f, "serviceTags", chat); svc["service.name"] != "rag-api" || svc["k8s.namespace.name"] != "ml" {
		t.Errorf("serviceTags = %v", svc)
	}
	var logs []traceLog
	spanJSON(t, f, "logs", chat, &logs)
	if len(logs) != 1 || logs[0].Timestamp != t0ms+2100 || logs[0].Name != "gen_ai.choice" || logs[0].Fields[0].Value != "stop" {
		t.Errorf("logs = %+v", logs)
	}
	var refs []traceRef
	spanJSON(t, f, "references", chat, &refs)
	if len(refs) != 1 || refs[0].TraceID != traceB || refs[0].SpanID != "b000000000000001" || refs[0].Tags[0].Value != "retry-of" {
		t.Errorf("references = %+v", refs)
	}
	if got := fieldValues(t, f, "instrumentationLibraryName")[chat]; got != "opentelemetry.instrumentation.openai" {
		t.Errorf("scope = %v", got)
	}
	var none []any
	spanJSON(t, f, "logs", 0, &none)
	if none == nil || len(none) != 0 {
		t.Errorf("a span without events must have logs [] (got %v)", none)
	}

	errTrace, err := TraceFrame(resultOf(t, all, "otel trace by lookup: error trace"), OTel)
	if err != nil {
		t.Fatal(err)
	}
	if got := fieldValues(t, errTrace, "statusCode"); got[0] != int64(2) || got[1] != int64(1) || got[2] != int64(2) {
		t.Errorf("status codes = %v, want 2 (Error), 1 (Ok), 2", got)
	}
	if tags := tagMap(t, errTrace, "tags", 0); tags["error"] != true {
		t.Errorf("an error span must carry error=true, tags %v", tags)
	}
	if tags := tagMap(t, errTrace, "tags", 1); tags["error"] != nil {
		t.Errorf("an ok span must not be marked, tags %v", tags)
	}
	spanJSON(t, errTrace, "logs", 0, &logs)
	if len(logs) != 1 || logs[0].Name != "exception" || len(logs[0].Fields) != 2 || logs[0].Fields[0].Key != "exception.message" {
		t.Errorf("exception event = %+v", logs)
	}
}

func TestTraceFrameFromChdbSigNoz(t *testing.T) {
	all := loadChdbResults(t)
	f, err := TraceFrame(resultOf(t, all, "signoz trace by lookup: LLM chain, spans by start time"), SigNoz)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := f.RowLen(); n != 5 {
		t.Fatalf("%d spans", n)
	}
	chat := 3
	tags := tagMap(t, f, "tags", chat)
	// Strings, numbers and booleans of SigNoz's three maps, typed.
	if tags["gen_ai.request.model"] != "gpt-4o" || tags["gen_ai.usage.input_tokens"] != 1200.0 || tags["gen_ai.request.stream"] != true {
		t.Errorf("tags = %#v", tags)
	}
	if got := fieldValues(t, f, "kind"); got[0] != "server" || got[chat] != "client" {
		t.Errorf("kinds = %v", got)
	}
	var logs []traceLog
	spanJSON(t, f, "logs", chat, &logs)
	if len(logs) != 1 || logs[0].Timestamp != t0ms+2100 || logs[0].Name != "gen_ai.choice" {
		t.Errorf("logs = %+v", logs)
	}
	var refs []traceRef
	spanJSON(t, f, "references", chat, &refs)
	if len(refs) != 1 || refs[0].TraceID != traceB {
		t.Errorf("references (the CHILD_OF parent is left out) = %+v", refs)
	}
	if got := fieldValues(t, f, "serviceName")[0]; got != "rag-api" {
		t.Errorf("service = %v", got)
	}

	errTrace, err := TraceFrame(resultOf(t, all, "signoz trace by lookup: error trace"), SigNoz)
	if err != nil {
		t.Fatal(err)
	}
	if got := fieldValues(t, errTrace, "statusCode")[0]; got != int64(2) {
		t.Errorf("status = %v", got)
	}
	if got := fieldValues(t, errTrace, "statusMessage")[0]; got != "model timeout" {
		t.Errorf("status message = %v", got)
	}
}

func TestTraceFrameRejectsBrokenJSON(t *testing.T) {
	r := &Result{Names: []string{"mlw_span", "mlw_tags"}, Rows: [][]any{{"s1", "{not json"}}}
	if _, err := TraceFrame(r, OTel); err == nil || !strings.Contains(err.Error(), "span s1: attributes") {
		t.Errorf("err = %v", err)
	}
	empty, err := TraceFrame(&Result{Names: []string{"mlw_span"}}, OTel)
	if err != nil || empty.Fields[0].Len() != 0 {
		t.Errorf("an empty trace must give an empty frame: %v %v", empty, err)
	}
}

// TestFrameFixtures keeps tests/fixtures/traces/frames.json: the frames of
// a search and of the LLM trace, built from chdb's answers, in Grafana's
// data-frame JSON — the shape /api/ds/query returns — for the panels'
// browser tests. Run with -update to rewrite it.
func TestFrameFixtures(t *testing.T) {
	all := loadChdbResults(t)
	search := SearchFrame(resultOf(t, all, "otel search: all traces in range, newest first (D is a day earlier)"))
	search.RefID = "search"
	otel, err := TraceFrame(resultOf(t, all, "otel trace by lookup: LLM chain, spans by start time"), OTel)
	if err != nil {
		t.Fatal(err)
	}
	otel.RefID = "trace-otel"
	signoz, err := TraceFrame(resultOf(t, all, "signoz trace by lookup: error trace"), SigNoz)
	if err != nil {
		t.Fatal(err)
	}
	signoz.RefID = "trace-signoz"
	var frames []json.RawMessage
	for _, f := range []*data.Frame{search, otel, signoz} {
		b, err := data.FrameToJSON(f, data.IncludeAll)
		if err != nil {
			t.Fatal(err)
		}
		frames = append(frames, b)
	}
	out, err := json.MarshalIndent(frames, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	out = append(out, '\n')
	path := filepath.Join(fixtureDir(), "frames.json")
	if *update {
		if err := os.WriteFile(path, out, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	old, err := os.ReadFile(path)
	if err != nil || string(old) != string(out) {
		t.Errorf("%s is out of date (%v): run go test ./pkg/traces -run TestFrameFixtures -update", path, err)
	}
}
