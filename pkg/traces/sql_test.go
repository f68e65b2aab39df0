package traces

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestLiteral(t *testing.T) {
	tests := []struct{ in, want string }{
		{"rag-api", `'rag-api'`},
		{"x' OR 1=1 --", `'x\' OR 1=1 --'`},
		{`C:\path\`, `'C:\\path\\'`},
		{`\'`, `'\\\''`},
		{"a\nb\tc\x00d\x01", `'a\nb\tc\0d\x01'`},
		{"ünïcödé ✓", `'ünïcödé ✓'`},
		{"", `''`},
	}
	for _, tt := range tests {
		if got := Literal(tt.in); got != tt.want {
			t.Errorf("Literal(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

// unquote reads a ClickHouse string literal the way the server does (for
// the escapes Literal writes), and fails on a quote that would end it
// early.
func unquote(lit string) (string, bool) {
	if len(lit) < 2 || lit[0] != '\'' || lit[len(lit)-1] != '\'' {
		return "", false
	}
	body := lit[1 : len(lit)-1]
	var b strings.Builder
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch {
		case c == '\'':
			return "", false // the literal would end here
		case c != '\\':
			b.WriteByte(c)
		case i+1 >= len(body):
			return "", false
		default:
			i++
			switch body[i] {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case '0':
				b.WriteByte(0)
			case 'x':
				v, err := strconv.ParseUint(body[i+1:i+3], 16, 8)
				if err != nil {
					return "", false
				}
				b.WriteByte(byte(v))
				i += 2
			default:
				b.WriteByte(body[i])
			}
		}
	}
	return b.String(), true
}

func FuzzLiteralRoundTrip(f *testing.F) {
	for _, s := range []string{"x' OR 1=1 --", `\`, `\'`, "'; DROP TABLE otel_traces; --", "\x00\x7f\n", "'''"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := unquote(Literal(s))
		if !ok || got != s {
			t.Fatalf("Literal(%q) = %s does not read back (%q, %v)", s, Literal(s), got, ok)
		}
	})
}

func TestNormalizeTraceID(t *testing.T) {
	ok := map[string]string{
		"4BF92F3577B34DA6A3CE929D0E0E4736":   "4bf92f3577b34da6a3ce929d0e0e4736",
		" 4bf92f3577b34da6a3ce929d0e0e4736 ": "4bf92f3577b34da6a3ce929d0e0e4736",
		"a1b2c3d4e5f60718":                   "0000000000000000a1b2c3d4e5f60718",
	}
	for in, want := range ok {
		got, err := NormalizeTraceID(in)
		if err != nil || got != want {
			t.Errorf("NormalizeTraceID(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "xyz", "4bf92f3577b34da6a3ce929d0e0e473", "4bf92f3577b34da6a3ce929d0e0e4736'", "' OR 1=1 --",
		"4bf92f35-77b3-4da6-a3ce-929d0e0e4736", strings.Repeat("0", 32), strings.Repeat("a", 64)} {
		_, err := NormalizeTraceID(bad)
		var ie *InputError
		if !errors.As(err, &ie) || ie.Field != "traces.traceId" {
			t.Errorf("NormalizeTraceID(%q) = %v, want an input error", bad, err)
		}
	}
}

func TestNewSource(t *testing.T) {
	s, err := NewSource("otel", "", "")
	if err != nil || s.Table != "otel_traces" || s.LookupTable != "otel_traces_trace_id_ts" || s.Database != "" || s.qualified(s.Table) != "`otel_traces`" {
		t.Errorf("otel defaults: %+v %v", s, err)
	}
	s, _ = NewSource("otel", "obs", "spans")
	if s.LookupTable != "spans_trace_id_ts" || s.Name() != "obs.spans" || s.qualified(s.Table) != "`obs`.`spans`" {
		t.Errorf("otel named: %+v", s)
	}
	s, _ = NewSource("signoz", "", "")
	if s.Database != "signoz_traces" || s.Table != "distributed_signoz_index_v3" || s.LookupTable != "distributed_trace_summary" {
		t.Errorf("signoz defaults: %+v", s)
	}
	s, _ = NewSource("signoz", "", "signoz_index_v3")
	if s.LookupTable != "trace_summary" {
		t.Errorf("signoz local: %+v", s)
	}
	for _, c := range []struct{ schema, db, table, field string }{
		{"jaeger", "", "", "traces.schema"},
		{"otel", "default; DROP TABLE x", "", "traces.database"},
		{"otel", "", "otel_traces` WHERE 1=1 --", "traces.table"},
		{"otel", "", "otel.traces", "traces.table"},
		{"signoz", "1db", "", "traces.database"},
	} {
		_, err := NewSource(c.schema, c.db, c.table)
		var ie *InputError
		if !errors.As(err, &ie) || ie.Field != c.field {
			t.Errorf("NewSource(%q, %q, %q) = %v, want an error on %s", c.schema, c.db, c.table, err, c.field)
		}
	}
	if got := s.ColumnsSQL(); got != "SELECT table, name, type FROM system.columns WHERE database = 'signoz_traces' AND table IN ('signoz_index_v3', 'trace_summary') ORDER BY table, name" {
		t.Errorf("ColumnsSQL = %s", got)
	}
	if got, _ := NewSource("otel", "", ""); !strings.Contains(got.ColumnsSQL(), "database = currentDatabase()") {
		t.Errorf("the connection's database is used when none is given: %s", got.ColumnsSQL())
	}
}

func TestSearchValidate(t *testing.T) {
	from := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	base := Search{From: from, To: from.Add(time.Hour), Limit: 10}
	tests := []struct {
		name  string
		mod   func(*Search)
		field string
	}{
		{"status", func(q *Search) { q.Status = "failed" }, "traces.status"},
		{"negative duration", func(q *Search) { q.MinDuration = -1 }, "traces.minDurationMs"},
		{"empty key", func(q *Search) { q.Attributes = []Attr{{Key: " "}} }, "traces.attributes[0]"},
		{"operator", func(q *Search) { q.Attributes = []Attr{{Key: "k", Op: "LIKE"}} }, "traces.attributes[0].op"},
		{"control character", func(q *Search) { q.Service = "a\nb" }, "traces.service"},
		{"invalid UTF-8", func(q *Search) { q.SpanName = "\xff\xfe" }, "traces.spanName"},
		{"too long", func(q *Search) { q.Attributes = []Attr{{Key: "k", Value: strings.Repeat("v", maxText+1)}} }, "traces.attributes[0].value"},
		{"too many attributes", func(q *Search) { q.Attributes = make([]Attr, maxAttributes+1) }, "traces.attributes"},
		{"range", func(q *Search) { q.To = q.From }, "time range"},
		{"limit", func(q *Search) { q.Limit = 0 }, "traces.limit"},
	}
	for _, tt := range tests {
		q := base
		tt.mod(&q)
		err := q.Validate()
		var ie *InputError
		if !errors.As(err, &ie) || ie.Field != tt.field {
			t.Errorf("%s: %v, want an error on %s", tt.name, err, tt.field)
		}
		s, _ := NewSource("otel", "", "")
		if _, err := s.SearchSQL(q); err == nil {
			t.Errorf("%s: SearchSQL must refuse what Validate refuses", tt.name)
		}
	}
	if err := base.Validate(); err != nil {
		t.Errorf("valid search: %v", err)
	}
}

// TestSearchSQLQuotesEveryValue checks that hostile values appear in the
// SQL only inside literals that read back to the value.
func TestSearchSQLQuotesEveryValue(t *testing.T) {
	hostile := []string{"x' OR 1=1 --", `\' OR 1=1 --`, "a') OR ('1'='1", "`; DROP TABLE otel_traces; --", `\`}
	for _, schema := range []string{"otel", "signoz"} {
		s, _ := NewSource(schema, "", "")
		for _, v := range hostile {
			q := Search{Service: v, SpanName: v, Attributes: []Attr{{Key: v, Value: v}, {Key: v, Op: "exists"}, {Key: v, Op: "!=", Value: v}},
				From: time.Unix(0, 0), To: time.Unix(3600, 0), Limit: 5}
			sql, err := s.SearchSQL(q)
			if err != nil {
				t.Fatal(err)
			}
			lit := Literal(v)
			if !strings.Contains(sql, lit) {
				t.Errorf("%s: %q is not quoted as %s", schema, v, lit)
			}
			// Outside the literals nothing of the value remains.
			rest := strings.ReplaceAll(sql, lit, "''")
			if strings.Contains(rest, "OR 1=1") || strings.Contains(rest, "DROP TABLE") {
				t.Errorf("%s: %q leaks outside its literal:\n%s", schema, v, rest)
			}
		}
	}
}

func TestSearchSQLShape(t *testing.T) {
	from := time.Date(2026, 5, 1, 11, 0, 0, 0, time.UTC)
	s, _ := NewSource("signoz", "", "")
	sql, err := s.SearchSQL(Search{Service: "svc", MinDuration: 1500 * time.Millisecond, Status: "error", From: from, To: from.Add(time.Hour), Limit: 7,
		Attributes: []Attr{{Key: "n", Value: "42"}, {Key: "b", Value: "true"}, {Key: "s", Value: "x"}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"`resource_string_service$$name` = 'svc'",
		"duration_nano >= 1500000000",
		"HAVING countIf(has_error) > 0",
		"ts_bucket_start >= 1777631400 AND ts_bucket_start <= 1777636800", // bucket slack of 1800 s
		"(mapContains(attributes_number, 'n') AND attributes_number['n'] = 42.0)",
		"(mapContains(attributes_bool, 'b') AND attributes_bool['b'] = true)",
		"LIMIT 7",
	} {
		if !strings.Contains(sql, want) {
			t.Errorf("SQL lacks %q:\n%s", want, sql)
		}
	}
	if strings.Contains(sql, "attributes_number['s']") {
		t.Error("a text value must not be compared as a number")
	}
}

func TestTraceSQL(t *testing.T) {
	s, _ := NewSource("otel", "", "")
	if _, err := s.TraceSQL(TraceQuery{TraceID: "nope", MaxSpans: 10}, false); err == nil {
		t.Error("a bad id must be refused")
	}
	if _, err := s.TraceSQL(TraceQuery{TraceID: traceA, MaxSpans: 10}, true); err == nil {
		t.Error("the lookup path needs the lookup table")
	}
	if _, err := s.TraceSQL(TraceQuery{TraceID: traceA}, false); err == nil {
		t.Error("a span limit is required")
	}
	sql, err := s.TraceSQL(TraceQuery{TraceID: strings.ToUpper(traceA), From: time.Unix(7200, 0), To: time.Unix(10800, 0), MaxSpans: 10}, false)
	if err != nil || !strings.Contains(sql, "WITH '"+traceA+"' AS mlw_id") || !strings.Contains(sql, "LIMIT 11") ||
		!strings.Contains(sql, "Timestamp >= fromUnixTimestamp64Nano(toInt64(3600000000000))") {
		t.Errorf("by range: %v\n%s", err, sql)
	}
	// Optional columns are read only when Check found them.
	if strings.Contains(sql, "Events.Timestamp") || strings.Contains(sql, "ScopeName") {
		t.Errorf("unchecked optional columns selected:\n%s", sql)
	}
}

func TestCheckErrors(t *testing.T) {
	rows := func(table string, cols ...string) *Result {
		r := &Result{Names: []string{"table", "name", "type"}}
		for _, c := range cols {
			name, typ, _ := strings.Cut(c, ":")
			r.Rows = append(r.Rows, []any{table, name, typ})
		}
		return r
	}
	s, _ := NewSource("otel", "", "")
	err := s.Check(rows("other"), "18.16.1")
	if err == nil || !strings.Contains(err.Error(), "table otel_traces does not exist") || !strings.Contains(err.Error(), "ClickHouse 18.16.1") {
		t.Errorf("missing table on an old server: %v", err)
	}
	if err := s.Check(rows("other"), "24.8.1"); err == nil || strings.Contains(err.Error(), "ClickHouse 24.8.1") {
		t.Errorf("a current server needs no version hint: %v", err)
	}
	full := []string{}
	for _, c := range otelRequired {
		full = append(full, c+":String")
	}
	jsonCols := append(append([]string(nil), full...), "SpanAttributes:JSON", "ResourceAttributes:Map(LowCardinality(String), String)")
	err = s.Check(rows("otel_traces", jsonCols...), "")
	var se *SchemaError
	if !errors.As(err, &se) || !strings.Contains(err.Error(), "json: true mode") {
		t.Errorf("JSON columns: %v", err)
	}
	nested := append(append([]string(nil), full...), "SpanAttributes.key:Array(String)")
	if err := s.Check(rows("otel_traces", nested...), "18.16.1"); err == nil || !strings.Contains(err.Error(), "not a Map") {
		t.Errorf("pre-Map layout: %v", err)
	}
	if err := s.Check(rows("otel_traces", "Timestamp:DateTime", "TraceId:String"), ""); err == nil || !strings.Contains(err.Error(), "lacks SpanId, ParentSpanId") {
		t.Errorf("missing columns: %v", err)
	}
}

func TestKindAndStatus(t *testing.T) {
	kinds := []struct {
		s    string
		n    float64
		want string
	}{
		{"Server", -1, "server"}, {"SPAN_KIND_CLIENT", -1, "client"}, {"", 4, "producer"}, {"Unspecified", 0, ""}, {"", 9, ""}, {"custom", 1, "custom"},
	}
	for _, k := range kinds {
		if got := normalizeKind(k.s, k.n); got != k.want {
			t.Errorf("normalizeKind(%q, %v) = %q, want %q", k.s, k.n, got, k.want)
		}
	}
	for s, want := range map[string]int64{"Error": 2, "STATUS_CODE_ERROR": 2, "Ok": 1, "STATUS_CODE_OK": 1, "Unset": 0, "": 0} {
		if got := statusFromText(s); got != want {
			t.Errorf("statusFromText(%q) = %d, want %d", s, got, want)
		}
	}
}

func TestResultConversions(t *testing.T) {
	r := &Result{Names: []string{"a"}, Rows: [][]any{{"12.5"}, {int64(3)}, {uint64(7)}, {nil}, {true}, {"x"}}}
	want := []float64{12.5, 3, 7, -1, 1, -1}
	for i, w := range want {
		got := r.Num(i, 0)
		if (w == -1 && got == got) || (w != -1 && got != w) {
			t.Errorf("Num row %d = %v, want %v", i, got, w)
		}
	}
	if r.Str(1, 0) != "3" || r.Str(3, 0) != "" || r.Str(0, 5) != "" || r.Index("b") != -1 {
		t.Error("Str/Index")
	}
}
