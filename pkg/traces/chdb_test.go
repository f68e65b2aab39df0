package traces

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// The SQL of this package is proven on ClickHouse 26 (chdb) by
// tests/chdb/traces.test.mjs: this test writes the exact SQL the package
// generates for the fixture spans of tests/fixtures/traces, with the rows
// each query must return (worked out by hand from the fixture, not from
// the SQL), to tests/fixtures/traces/queries.json. Run with -update after
// changing the SQL, then `node --test tests/chdb/` to run it in chdb.

var update = flag.Bool("update", false, "rewrite tests/fixtures/traces/queries.json")

// chdbCase is one query for the Node test.
type chdbCase struct {
	Name string `json:"name"`
	SQL  string `json:"sql"`
	// Rows is the exact number of rows expected.
	Rows int `json:"rows"`
	// Expect holds the leading rows, with the columns to check: numbers
	// match numeric text too, {"$json": v} compares parsed JSON text.
	Expect []map[string]any `json:"expect,omitempty"`
}

var (
	fixFrom = time.Date(2026, 5, 1, 11, 0, 0, 0, time.UTC)
	fixTo   = time.Date(2026, 5, 1, 12, 30, 0, 0, time.UTC)
)

const (
	traceA = "4bf92f3577b34da6a3ce929d0e0e4736"
	traceB = "5b8efff798038103d269b633813fc60c"
	traceC = "0af7651916cd43dd8448eb211c80319c"
	traceD = "11111111111111111111111111111111"
	traceE = "22222222222222222222222222222222"
	traceF = "33333333333333333333333333333333"
	traceG = "0000000000000000a1b2c3d4e5f60718"
	// 2026-05-01 12:00:00 UTC in ms.
	t0ms = 1777636800000.0
)

func jsonOf(v any) map[string]any { return map[string]any{"$json": v} }

// checkedSource is a Source as Check leaves it for the fixture tables.
func checkedSource(t *testing.T, schema, db, table string, cols []string, lookup bool) *Source {
	t.Helper()
	s, err := NewSource(schema, db, table)
	if err != nil {
		t.Fatal(err)
	}
	s.cols = map[string]string{}
	for _, c := range cols {
		s.cols[c] = ""
	}
	s.HasLookup = lookup
	return s
}

var otelColumns = []string{"Timestamp", "TraceId", "SpanId", "ParentSpanId", "TraceState", "SpanName", "SpanKind", "ServiceName",
	"ResourceAttributes", "ScopeName", "ScopeVersion", "SpanAttributes", "Duration", "StatusCode", "StatusMessage",
	"Events.Timestamp", "Events.Name", "Events.Attributes", "Links.TraceId", "Links.SpanId", "Links.TraceState", "Links.Attributes"}

var signozColumns = []string{"ts_bucket_start", "timestamp", "trace_id", "span_id", "trace_state", "parent_span_id", "name", "kind",
	"kind_string", "duration_nano", "status_code", "status_message", "attributes_string", "attributes_number", "attributes_bool",
	"resources_string", "events", "links", "has_error", "resource_string_service$$name"}

func searchCases(t *testing.T, prefix string, s *Source) []chdbCase {
	t.Helper()
	base := Search{From: fixFrom, To: fixTo, Limit: 100}
	with := func(f func(*Search)) Search {
		q := base
		f(&q)
		return q
	}
	mk := func(name string, q Search, rows int, expect ...map[string]any) chdbCase {
		sql, err := s.SearchSQL(q)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return chdbCase{Name: prefix + name, SQL: sql, Rows: rows, Expect: expect}
	}
	traceARow := map[string]any{"mlw_trace": traceA, "mlw_service": "rag-api", "mlw_operation": "POST /ask", "mlw_start_ms": t0ms,
		"mlw_duration_ms": 2400, "mlw_spans": 5, "mlw_errors": 0, "mlw_input_tokens": 1260, "mlw_output_tokens": 355, "mlw_total_tokens": 1615}
	traceBRow := map[string]any{"mlw_trace": traceB, "mlw_service": "fraud-scoring", "mlw_operation": "POST /score", "mlw_start_ms": t0ms - 30*60000,
		"mlw_duration_ms": 5000, "mlw_spans": 3, "mlw_errors": 2, "mlw_total_tokens": 0}
	all := []map[string]any{
		{"mlw_trace": traceF, "mlw_service": "x' OR 1=1 --", "mlw_operation": `it's "quoted" \ span`},
		{"mlw_trace": traceE, "mlw_service": "batch-worker", "mlw_operation": "consume batch", "mlw_spans": 2, "mlw_duration_ms": 1000},
		{"mlw_trace": traceG, "mlw_service": "legacy"},
		traceARow,
		{"mlw_trace": traceC, "mlw_service": "fraud-scoring", "mlw_operation": "GET /health", "mlw_duration_ms": 2, "mlw_spans": 1},
		traceBRow,
	}
	if s.Schema == SigNoz {
		// The SigNoz fixture has no trace G (64-bit id).
		all = append(all[:2], all[3:]...)
	}
	n := len(all)
	cases := []chdbCase{
		mk("all traces in range, newest first (D is a day earlier)", base, n, all...),
		mk("service", with(func(q *Search) { q.Service = "fraud-scoring" }), 2,
			map[string]any{"mlw_trace": traceC}, map[string]any{"mlw_trace": traceB}),
		mk("status error", with(func(q *Search) { q.Status = "error" }), 1, traceBRow),
		mk("status ok within a service", with(func(q *Search) { q.Service = "fraud-scoring"; q.Status = "ok" }), 1, map[string]any{"mlw_trace": traceC}),
		mk("min duration of a span", with(func(q *Search) { q.MinDuration = 4 * time.Second }), 1, map[string]any{"mlw_trace": traceB}),
		mk("span name counts the whole trace", with(func(q *Search) { q.SpanName = "chat gpt-4o" }), 1, traceARow),
		mk("attribute equals", with(func(q *Search) { q.Attributes = []Attr{{Key: "gen_ai.request.model", Value: "gpt-4o"}} }), 1, map[string]any{"mlw_trace": traceA}),
		mk("attribute exists", with(func(q *Search) { q.Attributes = []Attr{{Key: "gen_ai.usage.input_tokens", Op: "exists"}} }), 1, map[string]any{"mlw_trace": traceA}),
		mk("resource attribute", with(func(q *Search) { q.Attributes = []Attr{{Key: "k8s.namespace.name", Value: "ml"}} }), 3,
			map[string]any{"mlw_trace": traceA}, map[string]any{"mlw_trace": traceC}, map[string]any{"mlw_trace": traceB}),
		mk("attribute not equal", with(func(q *Search) {
			q.Service = "fraud-scoring"
			q.Attributes = []Attr{{Key: "http.route", Op: "!=", Value: "/health"}}
		}), 1, map[string]any{"mlw_trace": traceB}),
		mk("limit keeps the newest", with(func(q *Search) { q.Limit = 2 }), 2, map[string]any{"mlw_trace": traceF}, map[string]any{"mlw_trace": traceE}),
		mk("service with quotes finds exactly its trace", with(func(q *Search) { q.Service = "x' OR 1=1 --" }), 1, map[string]any{"mlw_trace": traceF}),
		mk("span name with quotes and a backslash", with(func(q *Search) { q.SpanName = `it's "quoted" \ span` }), 1, map[string]any{"mlw_trace": traceF}),
		mk("injection in the service matches nothing", with(func(q *Search) { q.Service = "' OR 1=1 OR ''='" }), 0),
		mk("injection closing the literal matches nothing", with(func(q *Search) { q.Service = "rag-api' OR '1'='1" }), 0),
		mk("backslash-quote injection matches nothing", with(func(q *Search) { q.SpanName = `\' OR 1=1 --` }), 0),
		mk("injection in an attribute key matches nothing", with(func(q *Search) { q.Attributes = []Attr{{Key: "x') OR 1=1 OR ('", Op: "exists"}} }), 0),
		mk("injection in an attribute value matches nothing", with(func(q *Search) { q.Attributes = []Attr{{Key: "http.route", Value: "/ask') OR (1=1"}} }), 0),
	}
	if s.Schema == OTel {
		cases = append(cases,
			mk("attribute key with a quote, value with backslashes", with(func(q *Search) { q.Attributes = []Attr{{Key: "we'ird key", Value: `C:\path\`}} }), 1, map[string]any{"mlw_trace": traceF}),
			mk("attribute value with backslash-quote", with(func(q *Search) { q.Attributes = []Attr{{Key: "plain", Value: `a\'b`}} }), 1, map[string]any{"mlw_trace": traceF}),
		)
	} else {
		cases = append(cases,
			mk("number attribute", with(func(q *Search) { q.Attributes = []Attr{{Key: "gen_ai.usage.output_tokens", Value: "350"}} }), 1, map[string]any{"mlw_trace": traceA}),
			mk("bool attribute", with(func(q *Search) { q.Attributes = []Attr{{Key: "gen_ai.request.stream", Value: "true"}} }), 1, map[string]any{"mlw_trace": traceA}),
		)
	}
	return cases
}

func traceCases(t *testing.T, prefix string, s *Source, lookup bool) []chdbCase {
	t.Helper()
	mk := func(name, id string, rows int, expect ...map[string]any) chdbCase {
		sql, err := s.TraceSQL(TraceQuery{TraceID: id, From: fixFrom, To: fixTo, MaxSpans: 1000}, lookup)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return chdbCase{Name: prefix + name, SQL: sql, Rows: rows, Expect: expect}
	}
	root := map[string]any{"mlw_span": "a000000000000001", "mlw_parent": "", "mlw_operation": "POST /ask", "mlw_service": "rag-api",
		"mlw_start_ms": t0ms, "mlw_duration_ms": 2400}
	chat := map[string]any{"mlw_span": "a000000000000003", "mlw_parent": "a000000000000001", "mlw_operation": "chat gpt-4o",
		"mlw_start_ms": t0ms + 320, "mlw_duration_ms": 1800}
	if s.Schema == OTel {
		root["mlw_service_tags"] = jsonOf(map[string]any{"service.name": "rag-api", "k8s.namespace.name": "ml", "deployment.environment": "prod"})
		root["mlw_kind"] = "Server"
		root["mlw_status"] = "Unset"
		chat["mlw_tags"] = jsonOf(map[string]any{"gen_ai.operation.name": "chat", "gen_ai.provider.name": "openai", "gen_ai.request.model": "gpt-4o",
			"gen_ai.usage.input_tokens": "1200", "gen_ai.usage.output_tokens": "350", "gen_ai.request.stream": "true"})
		chat["mlw_events"] = jsonOf([]any{[]any{1777636802100000000.0, "gen_ai.choice", map[string]any{"gen_ai.response.finish_reasons": "stop"}}})
		chat["mlw_links"] = jsonOf([]any{[]any{traceB, "b000000000000001", map[string]any{"link.reason": "retry-of"}}})
		chat["mlw_scope"] = "opentelemetry.instrumentation.openai"
	} else {
		root["mlw_kind"] = "Server"
		root["mlw_kind_number"] = 2
		root["mlw_status_code"] = 0
		chat["mlw_tags_number"] = jsonOf(map[string]any{"gen_ai.usage.input_tokens": 1200, "gen_ai.usage.output_tokens": 350})
		chat["mlw_tags_bool"] = jsonOf(map[string]any{"gen_ai.request.stream": true})
		chat["mlw_events_json"] = jsonOf([]any{`{"name":"gen_ai.choice","timeUnixNano":1777636802100000000,"attributeMap":{"gen_ai.response.finish_reasons":"stop"},"isError":false}`})
		chat["mlw_links_json"] = `[{"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"a000000000000001","refType":"CHILD_OF"},{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"b000000000000001","refType":"FOLLOWS_FROM"}]`
	}
	order := []map[string]any{root, {"mlw_span": "a000000000000002"}, {"mlw_span": "a000000000000004"}, chat, {"mlw_span": "a000000000000005"}}
	errRoot := map[string]any{"mlw_span": "b000000000000001", "mlw_status_message": "model timeout"}
	if s.Schema == OTel {
		errRoot["mlw_status"] = "Error"
	} else {
		errRoot["mlw_status_code"] = 2
	}
	cases := []chdbCase{
		mk("LLM chain, spans by start time", traceA, 5, order...),
		mk("error trace", traceB, 3, errRoot, map[string]any{"mlw_span": "b000000000000003"}, map[string]any{"mlw_span": "b000000000000002"}),
		mk("trace without a root span", traceE, 2, map[string]any{"mlw_span": "e000000000000001", "mlw_parent": "deadbeefdeadbeef"}),
		mk("unknown trace", "ffffffffffffffffffffffffffffffff", 0),
	}
	if lookup {
		cases = append(cases, mk("a trace outside the time range is found through the lookup", traceD, 1, map[string]any{"mlw_span": "d000000000000001"}))
	} else {
		cases = append(cases, mk("a trace outside the time range is not read without the lookup", traceD, 0))
	}
	if s.Schema == OTel {
		cases = append(cases, mk("64-bit trace id", "a1b2c3d4e5f60718", 1, map[string]any{"mlw_trace": traceG}))
	}
	return cases
}

// fallbackCase is the time-range query the engine sends when the lookup
// table does not know a trace.
func fallbackCase(t *testing.T, name string, s *Source) chdbCase {
	t.Helper()
	sql, err := s.TraceSQL(TraceQuery{TraceID: "ffffffffffffffffffffffffffffffff", From: fixFrom, To: fixTo, MaxSpans: 1000}, false)
	if err != nil {
		t.Fatal(err)
	}
	return chdbCase{Name: name, SQL: sql, Rows: 0}
}

func columnsCase(t *testing.T, name string, s *Source, rows int) chdbCase {
	return chdbCase{Name: name, SQL: s.ColumnsSQL(), Rows: rows}
}

// fixtureCases are all queries the Node test runs.
func fixtureCases(t *testing.T) []chdbCase {
	otelDefault := checkedSource(t, "otel", "", "", otelColumns, true)
	otelNamed := checkedSource(t, "otel", "default", "otel_traces", otelColumns, true)
	otelCustom := checkedSource(t, "otel", "otel_custom", "spans", otelColumns, false)
	signoz := checkedSource(t, "signoz", "", "", signozColumns, true)
	signozLocal := checkedSource(t, "signoz", "", "signoz_index_v3", signozColumns, true)

	var cases []chdbCase
	// Columns of the table and of the lookup table: 22 physical + 2 ALIAS
	// columns in otel_traces, 3 in the lookup; the custom copy has no
	// lookup. SigNoz: 68 columns in signoz_index_v3 from migration 1000
	// (40 physical, 28 ALIAS), 9 from 1005, 1 from 1006; 4 in
	// trace_summary.
	cases = append(cases,
		columnsCase(t, "otel: columns in the default database", otelDefault, 27),
		columnsCase(t, "otel: columns in a named database", otelNamed, 27),
		columnsCase(t, "otel: columns of a custom table without lookup", otelCustom, 24),
		columnsCase(t, "signoz: columns of the distributed table and summary", signoz, 82),
		columnsCase(t, "signoz: columns of the local table and summary", signozLocal, 82),
	)
	cases = append(cases, searchCases(t, "otel search: ", otelDefault)...)
	cases = append(cases, searchCases(t, "otel search in a custom table: ", otelCustom)[:1]...)
	cases = append(cases, traceCases(t, "otel trace by lookup: ", otelNamed, true)...)
	cases = append(cases, traceCases(t, "otel trace by time range: ", otelCustom, false)...)
	cases = append(cases, fallbackCase(t, "otel trace fallback: unknown trace by time range", otelNamed))
	cases = append(cases, searchCases(t, "signoz search: ", signoz)...)
	cases = append(cases, searchCases(t, "signoz search in the local table: ", signozLocal)[:1]...)
	cases = append(cases, traceCases(t, "signoz trace by lookup: ", signoz, true)...)
	cases = append(cases, traceCases(t, "signoz trace by time range: ", signozLocal, false)...)
	cases = append(cases, fallbackCase(t, "signoz trace fallback: unknown trace by time range", signoz))
	cases = append(cases, serviceCases(t, "otel services: ", otelDefault, []string{"batch-worker", "fraud-scoring", "legacy", "rag-api", "x' OR 1=1 --"})...)
	cases = append(cases, serviceCases(t, "signoz services: ", signoz, []string{"batch-worker", "fraud-scoring", "rag-api", "x' OR 1=1 --"})...)
	return cases
}

// serviceCases are the service picker's queries: all services in the
// fixture range (in name order), a search, a limit (limit+1 rows come
// back so that a cut list is known), and injection attempts in the search.
func serviceCases(t *testing.T, prefix string, s *Source, all []string) []chdbCase {
	t.Helper()
	mk := func(name, search string, limit int, want ...string) chdbCase {
		sql, err := s.ServicesSQL(fixFrom, fixTo, search, limit)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var expect []map[string]any
		for _, w := range want {
			expect = append(expect, map[string]any{"mlw_service": w})
		}
		return chdbCase{Name: prefix + name, SQL: sql, Rows: len(want), Expect: expect}
	}
	return []chdbCase{
		mk("all in the range, in order", "", 100, all...),
		mk("search ignores case", "SCOR", 100, "fraud-scoring"),
		mk("limit asks one more", "", 1, all[:2]...),
		mk("search with quotes is a literal", "' or 1=1", 100, "x' OR 1=1 --"),
		mk("injection closing the literal matches nothing", "') > 0 OR 1=1 OR ('", 100),
		mk("backslash-quote injection matches nothing", `\' OR 1=1 --`, 100),
	}
}

func fixtureDir() string { return filepath.Join("..", "..", "tests", "fixtures", "traces") }

// TestChdbQueriesAreCurrent keeps queries.json equal to what the code
// generates, so the Node test always runs today's SQL.
func TestChdbQueriesAreCurrent(t *testing.T) {
	cases := fixtureCases(t)
	names := map[string]bool{}
	for _, c := range cases {
		if names[c.Name] {
			t.Fatalf("duplicate case name %q", c.Name)
		}
		names[c.Name] = true
	}
	b, err := json.MarshalIndent(cases, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, '\n')
	path := filepath.Join(fixtureDir(), "queries.json")
	if *update {
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	old, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./pkg/traces -run TestChdbQueriesAreCurrent -update)", err)
	}
	if string(old) != string(b) {
		t.Errorf("%s is out of date: run go test ./pkg/traces -run TestChdbQueriesAreCurrent -update, then node --test tests/chdb/", path)
	}
}

// chdbResults is what tests/chdb/traces.test.mjs stored for each case:
// the column names and rows chdb returned (JSONCompact values).
type chdbResults map[string]struct {
	SQLSha256 string   `json:"sqlSha256"`
	Names     []string `json:"names"`
	Rows      [][]any  `json:"rows"`
}

func loadChdbResults(t *testing.T) chdbResults {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtureDir(), "chdb_results.json"))
	if err != nil {
		t.Fatalf("chdb results: %v (run node --test tests/chdb/ with MLWATCH_UPDATE_FIXTURES=1)", err)
	}
	var r chdbResults
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

func resultOf(t *testing.T, all chdbResults, name string) *Result {
	t.Helper()
	r, ok := all[name]
	if !ok {
		t.Fatalf("no chdb result for %q", name)
	}
	return &Result{Names: r.Names, Rows: r.Rows}
}

// TestChdbResultsAreCurrent checks that the stored chdb answers belong to
// today's SQL.
func TestChdbResultsAreCurrent(t *testing.T) {
	all := loadChdbResults(t)
	for _, c := range fixtureCases(t) {
		if _, ok := all[c.Name]; !ok {
			t.Errorf("chdb_results.json lacks %q: run MLWATCH_UPDATE_FIXTURES=1 node --test tests/chdb/", c.Name)
		}
	}
	for _, c := range fixtureCases(t) {
		sum := sha256.Sum256([]byte(c.SQL))
		if got := all[c.Name].SQLSha256; got != hex.EncodeToString(sum[:]) {
			t.Errorf("%q: chdb ran different SQL; rerun MLWATCH_UPDATE_FIXTURES=1 node --test tests/chdb/", c.Name)
		}
	}
}
