package engine

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mlwatch/mlwatch/pkg/drift"
	"github.com/mlwatch/mlwatch/pkg/models"
	"github.com/mlwatch/mlwatch/pkg/source/clickhouse"
)

// fakeCH answers the engine's ClickHouse queries with plausible results and
// records every statement, so that tests can inspect the SQL without a
// server. Real servers are in tests/integration/ch_drift_test.go.
type fakeCH struct {
	mu     sync.Mutex
	tables map[string][]chColumn // DESCRIBE answers by quoted table
	sqlCol []chColumn            // header of free SQL
	// longNames are the features of a long table (answered by the stats
	// query).
	longNames []string
	sent      []string
}

func newFakeCH() *fakeCH {
	wide := []chColumn{{"ts", "DateTime"}, {"model", "String"}, {"a", "Float64"}, {"b", "Nullable(UInt8)"}, {"s", "LowCardinality(String)"},
		{"feature", "String"}, {"value", "Float64"}}
	return &fakeCH{
		tables:    map[string][]chColumn{"`ml`.`t`": wide, "`t`": wide, "`ml`.`base`": wide[2:], "`base`": wide[2:]},
		sqlCol:    []chColumn{{"ts", "DateTime"}, {"x", "Float64"}},
		longNames: []string{"a", "b"},
	}
}

func (f *fakeCH) Version(context.Context) (string, error) { return "fake", nil }
func (f *fakeCH) Close() error                            { return nil }

func col(name, typ string, kind clickhouse.Kind) *clickhouse.Column {
	return &clickhouse.Column{Name: name, Type: typ, Kind: kind}
}

func (f *fakeCH) Query(_ context.Context, sql string, _ clickhouse.Settings) (*clickhouse.Result, error) {
	f.mu.Lock()
	f.sent = append(f.sent, sql)
	f.mu.Unlock()
	res := &clickhouse.Result{}
	cols := func(spec ...string) {
		for i := 0; i < len(spec); i += 2 {
			kind := clickhouse.KindInt
			switch spec[i+1] {
			case "Float64":
				kind = clickhouse.KindFloat
			case "String", "Array(Float64)":
				kind = clickhouse.KindString
			}
			res.Columns = append(res.Columns, col(spec[i], spec[i+1], kind))
		}
	}
	switch {
	case strings.HasPrefix(sql, "DESCRIBE TABLE "):
		cols, ok := f.tables[strings.TrimPrefix(sql, "DESCRIBE TABLE ")]
		if !ok {
			return nil, errors.New("fake: unknown table")
		}
		name, typ := col("name", "String", clickhouse.KindString), col("type", "String", clickhouse.KindString)
		for _, c := range cols {
			name.Strings, typ.Strings = append(name.Strings, c.Name), append(typ.Strings, c.Type)
		}
		res.Columns, res.Rows = []*clickhouse.Column{name, typ}, len(cols)
	case strings.HasSuffix(sql, " LIMIT 0"):
		for _, c := range f.sqlCol {
			res.Columns = append(res.Columns, col(c.Name, c.Type, clickhouse.KindString))
		}
	case strings.Contains(sql, "AS u FROM") || strings.Contains(sql, ") AS u,"):
		// 2000 values per window in [0, 10], many distinct.
		keys := f.keys(sql)
		res.Columns = []*clickhouse.Column{keyColumn(keys, 2)}
		cols("__w", "Int64", "rows", "UInt64", "n", "UInt64", "lo", "Float64", "hi", "Float64", "u", "UInt64")
		q := strings.Contains(sql, " AS q")
		if q {
			cols("q", "Array(Float64)")
		}
		for _, k := range keys {
			for w := range int64(2) {
				appendRow(res, k, w, int64(0), int64(2000), 0.0, 10.0, int64(21))
				if q {
					res.Columns[7].Strings = append(res.Columns[8].Strings, "[2.5,5,7.5]")
				}
			}
		}
		if _, long := keys[0].(string); !long {
			for w := range int64(2) {
				res.Columns[0].Ints = append(res.Columns[0].Ints, 0)
				appendRow(res, nil, w, int64(2000), int64(0), 0.0, 0.0, int64(0))
				if q {
					res.Columns[7].Strings = append(res.Columns[8].Strings, "[]")
				}
			}
		}
	case strings.Contains(sql, " AS u_rc"):
		res.Columns = []*clickhouse.Column{keyColumn(f.keys(sql), 1)}
		cols("u_rc", "UInt64", "ux_rc", "UInt64", "ux_rs", "UInt64")
		for _, k := range f.keys(sql) {
			appendRow(res, k, int64(101), int64(3000), int64(3500))
		}
	case strings.Contains(sql, "count() AS rows, countIf(__v != '') AS n"):
		keys := f.keys(sql)
		res.Columns = []*clickhouse.Column{keyColumn(keys, 2)}
		cols("__w", "Int64", "rows", "UInt64", "n", "UInt64")
		for _, k := range keys {
			for w := range int64(2) {
				appendRow(res, k, w, int64(100), int64(100))
			}
		}
	case strings.Contains(sql, ", __ci, n FROM ("):
		cols("__k", "UInt16", "__w", "Int64", "__ci", "Int64", "n", "UInt64")
	case strings.Contains(sql, ", __b, __x, n FROM ("):
		cols("__k", "UInt16", "__w", "Int64", "__b", "Int64", "__x", "Float64", "n", "UInt64")
	case strings.HasPrefix(sql, "SELECT * FROM (SELECT __k, __w, __v FROM"):
		cols("__k", "UInt16", "__w", "Int64", "__v", "Float64")
	case strings.Contains(sql, ", __v, n FROM ("):
		cols("__k", "UInt16", "__w", "Int64", "__v", "String", "n", "UInt64")
	default:
		return nil, fmt.Errorf("fake: unexpected SQL %.80q", sql)
	}
	return res, nil
}

// appendRow adds one row: key (nil: already added), then the other columns
// in order.
func appendRow(res *clickhouse.Result, key any, vals ...any) {
	i := 0
	if key != nil {
		appendCell(res.Columns[0], key)
	}
	for _, v := range vals {
		i++
		appendCell(res.Columns[i], v)
	}
	res.Rows++
}

func appendCell(c *clickhouse.Column, v any) {
	switch x := v.(type) {
	case int64:
		c.Ints = append(c.Ints, x)
	case float64:
		c.Floats = append(c.Floats, x)
	case string:
		c.Strings = append(c.Strings, x)
	}
}

// keys are the feature keys the branches of a statement read: the wide
// keys (toUInt16(k) AS __k), or the names of a long table while they are
// discovered.
func (f *fakeCH) keys(sql string) []any {
	if strings.Contains(sql, "), '') AS __k,") {
		out := make([]any, len(f.longNames))
		for i, n := range f.longNames {
			out[i] = n
		}
		return out
	}
	seen := map[int64]bool{}
	var out []any
	for _, part := range strings.Split(sql, "toUInt16(")[1:] {
		var n int64
		if _, err := fmt.Sscanf(part, "%d) AS __k", &n); err == nil && n > 0 && !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	if strings.Contains(sql, "toUInt16(transform(") {
		for i := range f.longNames {
			if !seen[int64(i+1)] {
				out = append(out, int64(i+1))
			}
		}
	}
	return out
}

func keyColumn(keys []any, _ int) *clickhouse.Column {
	if len(keys) > 0 {
		if _, ok := keys[0].(string); ok {
			return col("__k", "String", clickhouse.KindString)
		}
	}
	return col("__k", "UInt16", clickhouse.KindInt)
}

func (f *fakeCH) statements() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.sent...)
}

var testRange = TimeRange{From: time.Date(2024, 3, 1, 11, 0, 0, 0, time.UTC), To: time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)}

func runFake(t *testing.T, f *fakeCH, query string) ([]*DriftRun, error) {
	t.Helper()
	q, err := models.ParseQuery([]byte(query), "")
	if err != nil {
		return nil, err
	}
	e := &Engine{ClickHouse: f, Limits: DefaultLimits()}
	req := Request{Query: q, TimeRange: testRange, Interval: time.Minute}
	if err := q.Validate(); err != nil {
		return nil, err
	}
	if q.QueryType == models.TypeDistribution {
		_, err := e.clickhouseDistribution(context.Background(), req)
		return nil, err
	}
	run, err := e.clickhouseDrift(context.Background(), req)
	return []*DriftRun{run}, err
}

// bareText is the SQL outside string literals and quoted identifiers:
// what ClickHouse parses as code. Comments stay in: the engine writes none,
// so any comment in generated SQL is an injection.
func bareText(sql string) string {
	var b strings.Builder
	for i := 0; i < len(sql); i++ {
		switch c := sql[i]; c {
		case '\'', '`', '"':
			for i++; i < len(sql) && sql[i] != c; i++ {
				if sql[i] == '\\' {
					i++
				}
			}
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func TestBareText(t *testing.T) {
	sql := "SELECT 'a\\'INJ', `b\\`INJ` FROM y"
	if got := bareText(sql); strings.Contains(got, "INJ") || !strings.Contains(got, "FROM y") {
		t.Errorf("bareText = %q", got)
	}
	if got := bareText("SELECT 'x' OR 1 -- INJ'"); !strings.Contains(got, "INJ") {
		t.Errorf("an unbalanced quote hid the attack: %q", got)
	}
}

// TestCHInjection sends an attack through every string field of the
// ClickHouse input. Each is either refused before anything reaches the
// server, or arrives only inside a string literal or quoted identifier.
func TestCHInjection(t *testing.T) {
	const marker = "INJ"
	base := `{"queryType":"drift","method":"psi","clickhouse":{"database":"ml","table":"t","timeColumn":"ts","columns":["a","s"],"filters":[{"column":"model","op":"=","value":"fraud"}]}}`
	longBase := `{"queryType":"drift","method":"psi","clickhouse":{"database":"ml","table":"t","timeColumn":"ts","layout":"long","featureColumn":"feature","valueColumn":"value"}}`
	baseline := func(table, db string) string {
		return fmt.Sprintf(`{"queryType":"drift","method":"psi","clickhouse":{"database":"ml","table":"t","timeColumn":"ts","columns":["a"]},"reference":{"mode":"baseline","database":%q,"table":%q}}`, db, table)
	}
	tests := []struct {
		name, query string
		refuse      string // the field named in the error; "" means quoted
		longNames   []string
	}{
		{"database", strings.Replace(base, `"database":"ml"`, `"database":"ml`+"`"+`; DROP TABLE x; --INJ"`, 1), "clickhouse.table", nil},
		{"table with backquote", strings.Replace(base, `"table":"t"`, `"table":"t`+"`"+` UNION ALL SELECT 1 --INJ"`, 1), "clickhouse.table", nil},
		{"table with semicolon", strings.Replace(base, `"table":"t"`, `"table":"t; DROP TABLE t INJ"`, 1), "clickhouse.table", nil},
		{"table with quote", strings.Replace(base, `"table":"t"`, `"table":"t' OR 1=1 INJ"`, 1), "clickhouse.table", nil},
		{"time column", strings.Replace(base, `"timeColumn":"ts"`, `"timeColumn":"ts`+"`"+` > 0 OR 1=1 --INJ"`, 1), "clickhouse.timeColumn", nil},
		{"feature column", strings.Replace(base, `"columns":["a","s"]`, `"columns":["a","s`+"`"+`, (SELECT 1) AS x --INJ"]`, 1), "clickhouse.columns[1]", nil},
		{"feature column with paren", strings.Replace(base, `"columns":["a","s"]`, `"columns":["sleep(3)INJ"]`, 1), "clickhouse.columns[0]", nil},
		{"reserved feature column", strings.Replace(base, `"columns":["a","s"]`, `"columns":["__w"]`, 1), "clickhouse.columns[0]", nil},
		{"filter column", strings.Replace(base, `"column":"model"`, `"column":"model`+"`"+` = 1 OR 1 --INJ"`, 1), "clickhouse.filters[0].column", nil},
		{"filter operator", strings.Replace(base, `"op":"="`, `"op":"= 'x' OR 1=1 --INJ"`, 1), "clickhouse.filters[0]", nil},
		{"filter value with quote", strings.Replace(base, `"value":"fraud"`, `"value":"fraud' OR '1'='1' --INJ"`, 1), "", nil},
		{"filter value with backslash", strings.Replace(base, `"value":"fraud"`, `"value":"fraud\\' OR 1=1 --INJ"`, 1), "", nil},
		{"filter value list", strings.Replace(base, `"op":"=","value":"fraud"`, `"op":"in","value":["a","b') OR 1=1 --INJ"]`, 1), "", nil},
		{"filter value object", strings.Replace(base, `"value":"fraud"`, `"value":{"INJ":1}`, 1), "clickhouse.filters[0]", nil},
		{"filter on a missing column", strings.Replace(base, `"column":"model"`, `"column":"nocolumnINJ"`, 1), "clickhouse.filters[0].column", nil},
		{"feature column of long", strings.Replace(longBase, `"featureColumn":"feature"`, `"featureColumn":"feature`+"`"+`--INJ"`, 1), "clickhouse.featureColumn", nil},
		{"value column of long", strings.Replace(longBase, `"valueColumn":"value"`, `"valueColumn":"value) FROM x --INJ"`, 1), "clickhouse.valueColumn", nil},
		{"feature names from the data", longBase, "", []string{"a", "f' OR 1=1 --INJ", `g\' --INJ`}},
		{"feature list of a long table", strings.Replace(longBase, `"valueColumn":"value"`, `"valueColumn":"value","columns":["a","x') OR 1=1 --INJ"]`, 1), "", nil},
		{"baseline table", baseline(`base`+"`"+`; DROP TABLE t --INJ`, "ml"), "reference.table", nil},
		{"baseline database", baseline("base", "ml'--INJ"), "reference.table", nil},
		{"method", strings.Replace(base, `"method":"psi"`, `"method":"psi'; DROP TABLE t --INJ"`, 1), "method", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeCH()
			if tt.longNames != nil {
				f.longNames = tt.longNames
			}
			_, err := runFake(t, f, tt.query)
			sent := f.statements()
			if tt.refuse != "" {
				var qe *models.QueryError
				if !errors.As(err, &qe) || qe.Field != tt.refuse {
					t.Fatalf("want a refusal on %s, got %v", tt.refuse, err)
				}
				for _, s := range sent {
					if strings.Contains(s, marker) {
						t.Errorf("the attack reached the server: %s", s)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("run: %v", err)
			}
			if len(sent) < 3 {
				t.Fatalf("only %d statements sent", len(sent))
			}
			seen := false
			for _, s := range sent {
				if strings.Contains(s, marker) {
					seen = true
				}
				if bare := bareText(s); strings.Contains(bare, marker) || strings.Contains(bare, ";") || strings.Contains(bare, "--") {
					t.Errorf("the attack is outside a literal in: %s", s)
				}
			}
			if !seen {
				t.Error("the value never reached the SQL; the test proves nothing")
			}
		})
	}
}

// TestCHFreeSQL: user SQL is only ever a subquery, and its macros are
// expanded per window.
func TestCHFreeSQL(t *testing.T) {
	f := newFakeCH()
	user := "SELECT ts, a AS x FROM ml.t WHERE $__timeFilter(ts) -- note"
	q := fmt.Sprintf(`{"queryType":"drift","method":"psi","clickhouse":{"sql":%q,"timeColumn":"ts"}}`, user)
	if _, err := runFake(t, f, q); err != nil {
		t.Fatal(err)
	}
	sent := f.statements()
	windows := map[string]bool{}
	for _, s := range sent {
		for rest := s; ; {
			i := strings.Index(rest, "FROM (\nSELECT ts, a AS x FROM ml.t WHERE (ts >= toDateTime(")
			if i < 0 {
				break
			}
			rest = rest[i:]
			end := strings.Index(rest, " -- note\n)")
			if end < 0 {
				t.Fatalf("the user SQL is not closed on its own line: %s", s)
			}
			windows[rest[:end]] = true
			rest = rest[end:]
		}
	}
	// The schema probe and both windows (current, and the reference a week
	// earlier).
	if len(windows) != 2 {
		t.Errorf("%d distinct expansions, want 2: %v", len(windows), windows)
	}
	if !strings.HasPrefix(sent[0], "SELECT * FROM (\n") || !strings.HasSuffix(sent[0], "\n) LIMIT 0") {
		t.Errorf("schema probe %q", sent[0])
	}
	for _, bad := range []string{"SELECT 1 FORMAT JSON", "", "SELECT $__nope"} {
		q := fmt.Sprintf(`{"queryType":"drift","clickhouse":{"sql":%q,"timeColumn":"ts"}}`, bad)
		_, err := runFake(t, newFakeCH(), q)
		var qe *models.QueryError
		if !errors.As(err, &qe) {
			t.Errorf("SQL %q: %v, want a query error", bad, err)
		}
	}
}

// TestCHOverTimeQueries: the number of statements does not grow with the
// number of steps (one query per kind, grouped by bucket).
func TestCHOverTimeQueries(t *testing.T) {
	count := func(step string) int {
		f := newFakeCH()
		q := fmt.Sprintf(`{"queryType":"drift","method":"%s","overTime":true,"step":%q,"clickhouse":{"table":"t","timeColumn":"ts","columns":["a","s"]}}`, "psi", step)
		runs, err := runFake(t, f, q)
		if err != nil {
			t.Fatal(err)
		}
		if n := len(runs[0].Times); n < 6 {
			t.Fatalf("step %s: %d steps", step, n)
		}
		return len(f.statements())
	}
	few, many := count("10m"), count("1m")
	if few != many {
		t.Errorf("10m steps: %d statements, 1m steps: %d; want the same", few, many)
	}
	f := newFakeCH()
	if _, err := runFake(t, f, `{"queryType":"drift","method":"ks","overTime":true,"step":"1m","clickhouse":{"table":"t","timeColumn":"ts","columns":["a"]}}`); err != nil {
		t.Fatal(err)
	}
	raw := 0
	for _, s := range f.statements() {
		if strings.HasPrefix(s, "SELECT * FROM (SELECT __k, __w, __v FROM") {
			raw++
			if strings.Contains(s, "intDiv(") && !strings.Contains(s, "LIMIT ") {
				t.Errorf("raw pull per bucket without a limit: %s", s)
			}
		}
	}
	if raw != 2 {
		t.Errorf("%d raw pulls for ks over time, want 2 (summary and steps)", raw)
	}
}

func TestCHMethodPaths(t *testing.T) {
	tests := []struct {
		method string
		raw    bool // a raw pull is sent
		counts bool // a counts query is sent
		notice string
	}{
		{"auto", false, true, "1000 equal-width bins"}, // 2000 reference values: wasserstein on bins
		{"psi", false, true, "Sturges bins"},
		{"hellinger", false, true, "Sturges bins"},
		{"ks", true, false, ""},
		{"wasserstein", true, false, ""},
		{"t_test", true, false, ""},
	}
	for _, tt := range tests {
		f := newFakeCH()
		runs, err := runFake(t, f, fmt.Sprintf(`{"queryType":"drift","method":%q,"clickhouse":{"table":"t","timeColumn":"ts","columns":["a"]}}`, tt.method))
		if err != nil {
			t.Fatalf("%s: %v", tt.method, err)
		}
		var raw, counts bool
		for _, s := range f.statements() {
			raw = raw || strings.HasPrefix(s, "SELECT * FROM (SELECT __k, __w, __v FROM")
			counts = counts || strings.Contains(s, ", __b, __x, n FROM (")
		}
		if raw != tt.raw || counts != tt.counts {
			t.Errorf("%s: raw %v counts %v, want %v %v", tt.method, raw, counts, tt.raw, tt.counts)
		}
		notices := strings.Join(runs[0].Features[0].Result.Notices, "; ")
		if !strings.Contains(notices, tt.notice) {
			t.Errorf("%s: notices %q lack %q", tt.method, notices, tt.notice)
		}
		if tt.method == "hellinger" && !strings.Contains(strings.Join(f.statements(), "\n"), "uniqExactIf") {
			t.Error("hellinger without the exact distinct count Evidently's binning needs")
		}
	}
	// Multivariate methods are refused with advice.
	_, err := runFake(t, newFakeCH(), `{"queryType":"drift","method":"mmd","clickhouse":{"table":"t","timeColumn":"ts","columns":["a"]}}`)
	if err == nil || !strings.Contains(err.Error(), "univariate") {
		t.Errorf("mmd: %v", err)
	}
}

func TestCHSchemaErrors(t *testing.T) {
	tests := []struct{ query, field, want string }{
		{`{"queryType":"drift","clickhouse":{"table":"t","timeColumn":"nots","columns":["a"]}}`, "clickhouse.timeColumn", `"nots" does not exist`},
		{`{"queryType":"drift","clickhouse":{"table":"t","timeColumn":"a","columns":["a"]}}`, "clickhouse.timeColumn", "Date or DateTime"},
		{`{"queryType":"drift","clickhouse":{"table":"t","timeColumn":"ts","columns":["nocol"]}}`, "clickhouse.columns[0]", `"nocol" does not exist in table ` + "`t`"},
		{`{"queryType":"drift","clickhouse":{"table":"t","timeColumn":"ts","columns":["model"]},"reference":{"mode":"baseline","table":"base"}}`, "reference.table", `no column "model"`},
		{`{"queryType":"drift","overTime":true,"clickhouse":{"table":"t","columns":["a"]},"reference":{"mode":"baseline","table":"base"}}`, "clickhouse.timeColumn", "over time"},
		{`{"queryType":"drift","method":"psi","binning":{"policy":"fixed","edges":[1,1]},"clickhouse":{"table":"t","timeColumn":"ts","columns":["a"]}}`, "binning.edges", "ascending"},
		{`{"queryType":"distribution","clickhouse":{"table":"t","timeColumn":"ts","columns":["s"]}}`, "mode", "classes"},
	}
	for _, tt := range tests {
		_, err := runFake(t, newFakeCH(), tt.query)
		var qe *models.QueryError
		if !errors.As(err, &qe) || qe.Field != tt.field || !strings.Contains(qe.Message, tt.want) {
			t.Errorf("%s: %v, want %s: ...%s", tt.query, err, tt.field, tt.want)
		}
	}
}

func TestSturgesMatchesNumpy(t *testing.T) {
	// np.histogram_bin_edges(data, bins="sturges") for data spanning
	// [lo, hi] with n values (tests/reference venv, numpy 2.4):
	//   (0, 1, 1000)     -> 11 bins, e[1]=0.09090909090909091, e[-2]=0.9090909090909092
	//   (-2.5, 3.7, 12345) -> 15 bins, e[1]=-2.086666666666667, e[-2]=3.286666666666667
	//   (5, 5, 10)       -> 1 bin over [4.5, 5.5]
	//   (0, 9, 2)        -> 2 bins, e[1]=4.5
	tests := []struct {
		lo, hi      float64
		n           int64
		bins        int
		second, pen float64
	}{
		{0, 1, 1000, 11, 0.09090909090909091, 0.9090909090909092},
		{-2.5, 3.7, 12345, 15, -2.086666666666667, 3.286666666666667},
		{5, 5, 10, 1, 5.5, 4.5},
		{0, 9, 2, 2, 4.5, 4.5},
	}
	for _, tt := range tests {
		s := sturges(tt.lo, tt.hi, tt.n)
		e := s.arithEdges()
		if s.nb != tt.bins || e[1] != tt.second || e[len(e)-2] != tt.pen {
			t.Errorf("sturges(%v, %v, %d): %d bins, edges %v", tt.lo, tt.hi, tt.n, s.nb, e)
		}
	}
}

func TestHistograms(t *testing.T) {
	s := equalWidth(0, 4, 4, "")
	ref := binCounts{{b: 0}: 5, {b: 3}: 5}
	cur := binCounts{{b: -1}: 1, {b: 1}: 4, {b: 4}: 2}
	hs, notice, err := s.histograms([]binCounts{ref, cur}, false)
	if err != nil {
		t.Fatal(err)
	}
	// Underflow: a bucket ending at lo; overflow: +Inf.
	wantUpper := []float64{0, 1, 2, 3, 4, math.Inf(1)}
	if fmt.Sprint(hs[0].Upper) != fmt.Sprint(wantUpper) || fmt.Sprint(hs[1].Counts) != "[1 0 4 0 0 2]" || fmt.Sprint(hs[0].Counts) != "[0 5 0 0 5 0]" {
		t.Errorf("upper %v ref %v cur %v", hs[0].Upper, hs[0].Counts, hs[1].Counts)
	}
	if !strings.Contains(notice, "3 values fell outside") {
		t.Errorf("notice %q", notice)
	}
	hs, _, _ = s.histograms([]binCounts{ref, {{b: 2}: 3}}, true)
	if hs[0].Upper[0] != 0 || len(hs[0].Upper) != 5 {
		t.Errorf("wasserstein lower bound: %v", hs[0].Upper)
	}
	lower, upper, counts := s.displayBins([]binCounts{ref, cur}, 0, 4)
	if fmt.Sprint(lower) != "[0 1 2 3]" || fmt.Sprint(upper) != "[1 2 3 4]" || fmt.Sprint(counts[1]) != "[1 4 0 2]" {
		t.Errorf("display %v %v %v", lower, upper, counts)
	}
	v := binSpec{mode: binValues}
	hs, _, _ = v.histograms([]binCounts{{{x: 2}: 1, {x: 1}: 2}, {{x: 3}: 4}}, false)
	if fmt.Sprint(hs[0].Upper) != "[1 2 3]" || fmt.Sprint(hs[1].Counts) != "[0 0 4]" {
		t.Errorf("values %v %v", hs[0].Upper, hs[1].Counts)
	}
	e := binSpec{mode: binEdges, edges: []float64{1, 2}}
	hs, _, _ = e.histograms([]binCounts{{{b: 0}: 1, {b: 1}: 1}, {{b: 1}: 2}}, false)
	if fmt.Sprint(hs[0].Upper) != "[1 2]" {
		t.Errorf("edges without overflow %v", hs[0].Upper)
	}
	hs, _, _ = v.histograms([]binCounts{{}, {}}, false)
	res, err := drift.Binned("psi", hs[0], hs[1], drift.Options{})
	if err != nil || !res.Insufficient() {
		t.Errorf("empty windows: %+v %v", res, err)
	}
}

func TestHashThreshold(t *testing.T) {
	if hashThreshold(10, 5) != math.MaxUint64 || hashThreshold(10, 0) != math.MaxUint64 {
		t.Error("no sampling needed")
	}
	got := float64(hashThreshold(1000, 1_000_000)) / math.MaxUint64
	if got < 0.00125 || got > 0.0014 {
		t.Errorf("share %v", got)
	}
}

func TestOverTimeGrid(t *testing.T) {
	q := &models.Query{QueryType: "drift", OverTime: true, Step: models.Duration(10 * time.Minute), Window: models.Duration(25 * time.Minute), Reference: &models.Reference{Mode: "offset", Offset: models.Duration(time.Hour)}}
	r := &chRun{q: q, req: Request{Query: q, TimeRange: testRange}, qr: &chQuerier{limits: DefaultLimits()}}
	ot, err := r.overTimeGrid()
	if err != nil {
		t.Fatal(err)
	}
	if ot.g != 5*time.Minute || len(ot.times) != 7 {
		t.Fatalf("g %v, %d steps", ot.g, len(ot.times))
	}
	for i, at := range ot.times {
		lo, hi := ot.bucketRange(i)
		start := ot.base.Add(time.Duration(lo-1) * ot.g)
		end := ot.base.Add(time.Duration(hi-1) * ot.g)
		if !start.Equal(at.Add(-25*time.Minute)) || !end.Equal(at) || lo < 1 {
			t.Errorf("step %v: buckets [%d,%d) cover [%v, %v)", at, lo, hi, start, end)
		}
	}
	if ot.base.After(testRange.From) || ot.base.Add(time.Duration(ot.buckets)*ot.g).Before(testRange.To) {
		t.Errorf("grid [%v +%d×%v] does not cover the range", ot.base, ot.buckets, ot.g)
	}
	// Coprime step and window: the window is rounded to whole steps.
	q.Step, q.Window = models.Duration(61*time.Second), models.Duration(3600*time.Second+1)
	r = &chRun{q: q, req: Request{Query: q, TimeRange: TimeRange{From: testRange.From, To: testRange.From.Add(24 * time.Hour)}}, qr: &chQuerier{limits: DefaultLimits()}}
	ot, err = r.overTimeGrid()
	if err != nil {
		t.Fatal(err)
	}
	if ot.g != 61*time.Second || len(r.qr.notices) == 0 {
		t.Errorf("g %v notices %v", ot.g, r.qr.notices)
	}
}

func TestFitBins(t *testing.T) {
	r := &chRun{qr: &chQuerier{limits: Limits{MaxRows: 3000}}}
	nfs := []*numFeature{
		{auto: true, spec: equalWidth(0, 1, fineBins, "")},
		{auto: true, spec: equalWidth(0, 1, fineBins, "")},
		{spec: sturges(0, 1, 100)},
	}
	if err := r.fitBins(nfs, 2, func(nf *numFeature) *binSpec { return &nf.spec }, "f", "advice"); err != nil {
		t.Fatal(err)
	}
	if nfs[0].spec.nb >= fineBins || nfs[0].spec.nb < 100 || nfs[2].spec.nb != sturges(0, 1, 100).nb {
		t.Errorf("bins %d %d", nfs[0].spec.nb, nfs[2].spec.nb)
	}
	r.qr.limits.MaxRows = 100
	if err := r.fitBins(nfs, 2, func(nf *numFeature) *binSpec { return &nf.spec }, "f", "advice"); err == nil || !strings.Contains(err.Error(), "advice") {
		t.Errorf("want a refusal, got %v", err)
	}
}

func TestParseFloatArray(t *testing.T) {
	if got := parseFloatArray("[1,2.5,-3e-2,nan]"); len(got) != 4 || got[1] != 2.5 || got[2] != -0.03 || !math.IsNaN(got[3]) {
		t.Errorf("%v", got)
	}
	if got := parseFloatArray("[]"); got != nil {
		t.Errorf("%v", got)
	}
}
