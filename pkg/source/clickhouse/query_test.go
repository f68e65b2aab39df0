package clickhouse

import (
	"bufio"
	"context"
	"errors"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mlwatch/mlwatch/pkg/diagnose"
	"github.com/mlwatch/mlwatch/pkg/models"
)

func decodeTSV(t *testing.T, text string, maxRows int64) (*Result, error) {
	t.Helper()
	d := &tsvDecoder{r: bufio.NewReader(strings.NewReader(text)), maxRows: maxRows, location: func() *time.Location { return time.UTC }}
	return d.decode()
}

func TestDecodeTSV(t *testing.T) {
	text := "k\tv\ts\tt\td\tn\tbig\n" +
		"UInt8\tFloat64\tString\tDateTime('Europe/Berlin')\tDate\tNullable(Int32)\tUInt64\n" +
		"1\t1.5\ta\\tb\\\\c\\nd\\'e\t2024-01-02 03:04:05\t2024-01-02\t\\N\t5\n" +
		"2\tnan\t\\x41\\0\t2024-07-01 00:00:00\t1970-01-01\t-7\t18446744073709551615\n" +
		"3\t-inf\t\\N\t2024-07-01 00:00:00\t1970-01-01\t3\t7\n"
	res, err := decodeTSV(t, text, 0)
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != 3 || len(res.Columns) != 7 {
		t.Fatalf("rows %d cols %d", res.Rows, len(res.Columns))
	}
	k, v, s, ts, d, n, big := res.Columns[0], res.Columns[1], res.Columns[2], res.Columns[3], res.Columns[4], res.Columns[5], res.Columns[6]
	if k.Kind != KindInt || k.Int(1) != 2 {
		t.Errorf("k = %v", k.Ints)
	}
	if v.Float(0) != 1.5 || !math.IsNaN(v.Float(1)) || !math.IsInf(v.Float(2), -1) {
		t.Errorf("v = %v", v.Floats)
	}
	if s.String(0) != "a\tb\\c\nd'e" || s.String(1) != "A\x00" || s.String(2) != `N` {
		// "\N" in a non-Nullable String column is the escaped letter N.
		t.Errorf("s = %q", s.Strings)
	}
	berlin, _ := time.LoadLocation("Europe/Berlin")
	if want := time.Date(2024, 1, 2, 3, 4, 5, 0, berlin); !ts.Times[0].Equal(want) {
		t.Errorf("t = %v, want %v", ts.Times[0], want)
	}
	if !d.Times[0].Equal(time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("d = %v", d.Times[0])
	}
	if !n.IsNull(0) || n.Value(0) != nil || n.IsNull(1) || n.Int(1) != -7 || n.Int(2) != 3 {
		t.Errorf("n = %v %v", n.Ints, n.Nulls)
	}
	// A UInt64 beyond int64 turns the column into floats.
	if big.Kind != KindFloat || big.Float(0) != 5 || big.Float(1) != 18446744073709551615 || big.Float(2) != 7 {
		t.Errorf("big = %v %v", big.Kind, big.Floats)
	}
}

func TestDecodeTSVLimitsAndErrors(t *testing.T) {
	head := "x\nUInt8\n"
	if _, err := decodeTSV(t, head+"1\n2\n3\n", 2); !errors.Is(err, errTooManyRows) {
		t.Errorf("3 rows with limit 2: %v", err)
	}
	if res, err := decodeTSV(t, head+"1\n2\n", 2); err != nil || res.Rows != 2 {
		t.Errorf("2 rows with limit 2: %v", err)
	}
	if res, err := decodeTSV(t, head, 0); err != nil || res.Rows != 0 || len(res.Columns) != 1 {
		t.Errorf("empty result: %v %+v", err, res)
	}
	// An exception written into the stream after a 200 (no
	// wait_end_of_query).
	_, err := decodeTSV(t, head+"1\nCode: 396, e.displayText() = DB::Exception: Limit for result exceeded, max rows: 1.00, e.what() = DB::Exception\n", 0)
	var se *streamException
	if !errors.As(err, &se) || se.e.Code != 396 {
		t.Errorf("stream exception: %v", err)
	}
	if _, err := decodeTSV(t, head+"x\n", 0); err == nil || !strings.Contains(err.Error(), "not an integer") {
		t.Errorf("bad integer: %v", err)
	}
	b := &byteLimit{r: strings.NewReader("abcdef"), left: 4}
	if _, err := io.ReadAll(b); !errors.Is(err, errTooManyBytes) {
		t.Errorf("byte limit: %v", err)
	}
	b = &byteLimit{r: strings.NewReader("abcd"), left: 4}
	if got, err := io.ReadAll(b); err != nil || string(got) != "abcd" {
		t.Errorf("exactly at the limit: %q %v", got, err)
	}
}

func TestQueryProblem(t *testing.T) {
	target := diagnose.Target{System: "ClickHouse", Address: "ch:8123"}
	limits := Settings{MaxRows: 1000, MaxExecutionTime: 30 * time.Second}
	tests := []struct {
		code int
		msg  string
		kind diagnose.Kind
		want string
	}{
		{60, "Table default.nope doesn't exist.", diagnose.KindNotFound, "table default.nope does not exist"},
		{60, "Table default.nope does not exist. (UNKNOWN_TABLE)", diagnose.KindNotFound, "table default.nope does not exist"},
		{81, "Database nodb doesn't exist", diagnose.KindNotFound, "database nodb does not exist"},
		{47, "Unknown identifier: nocol, context: required_names: 'nocol'", diagnose.KindNotFound, "column nocol does not exist"},
		{47, "Missing columns: 'nocol' while processing query: 'SELECT nocol', required columns: 'nocol'. (UNKNOWN_IDENTIFIER)", diagnose.KindNotFound, "column nocol does not exist"},
		{47, "Unknown expression identifier `nocol` in scope SELECT nocol. (UNKNOWN_IDENTIFIER)", diagnose.KindNotFound, "column nocol does not exist"},
		{16, "There is no column `x` in table", diagnose.KindNotFound, "column x does not exist"},
		{62, "Syntax error: failed at position 8 ('FORM'): FORM t. Expected one of: ...", diagnose.KindHTTPStatus, "syntax error in the SQL: Syntax error: failed at position 8"},
		{159, "Timeout exceeded: elapsed 30.1 seconds, maximum: 30", diagnose.KindTimeout, "ran longer than 30s"},
		{396, "Limit for result exceeded, max rows: 1.00 thousand, current rows: 65.54 thousand", diagnose.KindHTTPStatus, "more than 1000 rows (the row limit). Narrow the query or raise the limit."},
		{241, "Memory limit (for query) exceeded", diagnose.KindHTTPStatus, "more memory"},
		{164, "Cannot execute query in readonly mode", diagnose.KindForbidden, "access denied"},
	}
	for _, tt := range tests {
		p := queryProblem(target, limits, serverError{Code: tt.code, Message: tt.msg})
		if p.Kind != tt.kind || !p.Downstream || !strings.Contains(p.Message, tt.want) {
			t.Errorf("code %d: %s (%s), want %s containing %q", tt.code, p.Message, p.Kind, tt.kind, tt.want)
		}
		var se *ServerError
		if tt.code != 164 && (!errors.As(p, &se) || se.Code != tt.code) {
			t.Errorf("code %d: the ServerError is not kept", tt.code)
		}
	}
}

func TestSettingsMap(t *testing.T) {
	m := settingsMap(Settings{MaxRows: 10, MaxBytes: 20}, 30*time.Second, true)
	want := map[string]any{"readonly": 2, "max_execution_time": 30, "max_result_rows": 10, "max_result_bytes": 20, "result_overflow_mode": "throw"}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("%s = %v, want %v", k, m[k], v)
		}
	}
	if _, ok := settingsMap(Settings{MaxRows: 10}, 0, false)["result_overflow_mode"]; ok {
		t.Error("result_overflow_mode sent to an old native server")
	}
	if _, ok := settingsMap(Settings{}, 0, true)["max_execution_time"]; ok {
		t.Error("max_execution_time without a time")
	}
}

func TestExecutionTime(t *testing.T) {
	now := time.Now()
	tests := []struct {
		s        Settings
		ds       time.Duration
		deadline time.Time
		has      bool
		want     time.Duration
	}{
		{Settings{}, 30 * time.Second, time.Time{}, false, 30 * time.Second},
		{Settings{MaxExecutionTime: 10 * time.Second}, 30 * time.Second, time.Time{}, false, 10 * time.Second},
		{Settings{}, 30 * time.Second, now.Add(12 * time.Second), true, 12 * time.Second},
		{Settings{}, 30 * time.Second, now.Add(100 * time.Millisecond), true, time.Second},
		{Settings{}, 0, time.Time{}, false, 0},
	}
	for i, tt := range tests {
		if got := executionTime(tt.s, tt.ds, tt.deadline, tt.has); got != tt.want {
			t.Errorf("%d: %v, want %v", i, got, tt.want)
		}
	}
}

// fakeClickHouse answers like ClickHouse's HTTP interface. With readonly1
// it refuses any setting, as a readonly=1 profile does.
type fakeClickHouse struct {
	mu        sync.Mutex
	readonly1 bool
	queries   []string
	params    []string
	answer    func(sql string) (int, string)
}

func (f *fakeClickHouse) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.queries = append(f.queries, string(body))
	f.params = append(f.params, r.URL.RawQuery)
	f.mu.Unlock()
	for _, s := range []string{"readonly", "max_result_rows", "max_execution_time"} {
		if f.readonly1 && r.URL.Query().Has(s) {
			w.WriteHeader(500)
			io.WriteString(w, "Code: 164, e.displayText() = DB::Exception: Cannot override setting ("+s+") in readonly mode, e.what() = DB::Exception\n")
			return
		}
	}
	code, text := f.answer(string(body))
	w.WriteHeader(code)
	io.WriteString(w, text)
}

func fakeClient(t *testing.T, f *fakeClickHouse) Client {
	t.Helper()
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	host, port, _ := net.SplitHostPort(strings.TrimPrefix(srv.URL, "http://"))
	p, _ := strconv.Atoi(port)
	c, err := New(models.ClickHouse{Host: host, Port: p, Protocol: models.ProtocolHTTP, User: "u", Password: "s3cret-pass", Database: "ml", Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestHTTPQuery(t *testing.T) {
	f := &fakeClickHouse{answer: func(sql string) (int, string) {
		return 200, "x\ty\nUInt8\tString\n1\ta\n2\tb\n"
	}}
	c := fakeClient(t, f)
	res, err := c.Query(context.Background(), "SELECT x, y FROM t", Settings{MaxRows: 5, MaxBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != 2 || res.Column("y").String(1) != "b" || len(res.Notices) != 0 {
		t.Errorf("result %+v", res)
	}
	if !strings.HasSuffix(f.queries[0], "\nFORMAT TabSeparatedWithNamesAndTypes") {
		t.Errorf("query %q", f.queries[0])
	}
	for _, p := range []string{"readonly=2", "max_result_rows=5", "max_result_bytes=1048576", "result_overflow_mode=throw", "max_execution_time=5", "wait_end_of_query=1", "database=ml"} {
		if !strings.Contains(f.params[0], p) {
			t.Errorf("parameters %q lack %s", f.params[0], p)
		}
	}
	// The client counts rows itself too.
	if _, err := c.Query(context.Background(), "SELECT", Settings{MaxRows: 1}); err == nil || !strings.Contains(err.Error(), "more than 1 rows") {
		t.Errorf("row limit: %v", err)
	}
	if _, err := c.Query(context.Background(), "SELECT", Settings{MaxBytes: 10}); err == nil || !strings.Contains(err.Error(), "larger than 10 bytes") {
		t.Errorf("byte limit: %v", err)
	}
}

func TestHTTPQueryReadonlyProfile(t *testing.T) {
	f := &fakeClickHouse{readonly1: true, answer: func(string) (int, string) { return 200, "x\nUInt8\n1\n2\n3\n" }}
	c := fakeClient(t, f)
	res, err := c.Query(context.Background(), "SELECT x", Settings{MaxRows: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.queries) != 2 || strings.Contains(f.params[1], "readonly") || strings.Contains(f.params[1], "max_result_rows") {
		t.Errorf("no retry without settings: %q", f.params)
	}
	if len(res.Notices) != 1 || !strings.Contains(res.Notices[0], "readonly=1") {
		t.Errorf("notices %q", res.Notices)
	}
	// Later queries skip the refused settings at once, and the client
	// still enforces the row limit.
	if _, err := c.Query(context.Background(), "SELECT x", Settings{MaxRows: 2}); err == nil || !strings.Contains(err.Error(), "more than 2 rows") {
		t.Errorf("client-side row limit: %v", err)
	}
	if len(f.queries) != 3 {
		t.Errorf("%d requests, want 3", len(f.queries))
	}
}

func TestHTTPQueryErrors(t *testing.T) {
	f := &fakeClickHouse{answer: func(sql string) (int, string) {
		switch {
		case strings.Contains(sql, "nope"):
			return 404, "Code: 60, e.displayText() = DB::Exception: Table ml.nope doesn't exist., e.what() = DB::Exception\n"
		case strings.Contains(sql, "secret"):
			return 500, "Code: 62, e.displayText() = DB::Exception: Syntax error near s3cret-pass, e.what() = DB::Exception\n"
		case strings.Contains(sql, "html"):
			return 502, "<html>bad gateway</html>"
		}
		return 200, "not\ttsv\nUInt8\n"
	}}
	c := fakeClient(t, f)
	tests := []struct{ sql, want string }{
		{"SELECT * FROM nope", "table ml.nope does not exist"},
		{"SELECT secret", "[redacted]"},
		{"SELECT html", "502"},
		{"SELECT broken", "names but"},
	}
	for _, tt := range tests {
		_, err := c.Query(context.Background(), tt.sql, Settings{})
		if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "s3cret-pass") {
			t.Errorf("%s: %v, want %q", tt.sql, err, tt.want)
		}
		var p *diagnose.Problem
		if tt.sql != "SELECT broken" && (!errors.As(err, &p) || !p.Downstream) {
			t.Errorf("%s: not a downstream problem: %#v", tt.sql, err)
		}
	}
}

func TestHTTPQueryContext(t *testing.T) {
	release := make(chan struct{})
	f := &fakeClickHouse{answer: func(string) (int, string) { <-release; return 200, "x\nUInt8\n" }}
	c := fakeClient(t, f)
	defer close(release)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.Query(ctx, "SELECT slow", Settings{})
	if err == nil || time.Since(start) > 3*time.Second {
		t.Fatalf("query did not stop with its context: %v after %v", err, time.Since(start))
	}
	var p *diagnose.Problem
	if !errors.As(err, &p) || p.Kind != diagnose.KindTimeout {
		t.Errorf("want a timeout problem, got %#v", err)
	}
}
