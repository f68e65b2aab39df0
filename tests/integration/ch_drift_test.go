//go:build integration

package integration

// Drift and distributions over a real ClickHouse 18.16 (the oldest server
// mlwatch supports), through both protocols: the fixture SQL that chdb also
// runs (tests/chdb), the engine end to end against answers computed in Go
// from the same rows, limits, errors, a read-only profile, injection
// attempts, and the plugin over gRPC. BenchmarkCHDrift10M compares push-down
// with pulling the rows on a 10M-row table.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlwatch/mlwatch/internal/testenv"
	"github.com/mlwatch/mlwatch/pkg/diagnose"
	"github.com/mlwatch/mlwatch/pkg/drift"
	"github.com/mlwatch/mlwatch/pkg/engine"
	"github.com/mlwatch/mlwatch/pkg/models"
	"github.com/mlwatch/mlwatch/pkg/source/clickhouse"
)

const (
	chROUser = "mlw_ro"
	chROPass = "ro-S3cret-pass"
)

// The fixture windows (pkg/engine/ch_fixture_test.go): the current range is
// the hour before fxT0, the reference the same hour a week earlier.
var (
	fxT0      = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	fxCurrent = engine.TimeRange{From: fxT0.Add(-time.Hour), To: fxT0}
	fxRefFrom = fxT0.Add(-7*24*time.Hour - time.Hour)
)

// startDriftClickHouse starts a ClickHouse 18.16 of its own, with the
// fixture tables and a user whose profile is readonly=1.
func startDriftClickHouse(t testing.TB) *testenv.ClickHouse {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	ch, err := testenv.StartClickHouse(ctx, testenv.ClickHouseOptions{Users: fmt.Sprintf(`
    <%[1]s>
      <password>%[2]s</password>
      <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
      <profile>readonly</profile>
      <quota>default</quota>
    </%[1]s>`, chROUser, chROPass)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ch.Stop)
	return ch
}

// chExec runs a statement as the default user, without read-only settings
// (for creating fixtures).
func chExec(t testing.TB, ch *testenv.ClickHouse, sql string) {
	t.Helper()
	resp, err := http.Post(ch.HTTPURL()+"/", "text/plain", strings.NewReader(sql))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%.120s: %s", sql, body)
	}
}

type fxCase struct {
	Name      string   `json:"name"`
	SQL       string   `json:"sql"`
	Columns   []string `json:"columns"`
	Rows      [][]any  `json:"rows"`
	Check     string   `json:"check"`
	Tolerance float64  `json:"tolerance"`
	SubsetOf  string   `json:"subsetOf"`
}

type fxFile struct {
	Setup []string `json:"setup"`
	Cases []fxCase `json:"cases"`
}

func loadFixtures(t testing.TB) fxFile {
	t.Helper()
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(root, "tests", "chdb", "testdata", "fixtures.json"))
	if err != nil {
		t.Fatal(err)
	}
	var f fxFile
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	return f
}

type chClients struct {
	proto  models.ClickHouseProtocol
	client clickhouse.Client
}

func newCHClient(t testing.TB, ch *testenv.ClickHouse, proto models.ClickHouseProtocol, user, pass string, timeout time.Duration) clickhouse.Client {
	t.Helper()
	port := ch.HTTPPort
	if proto == models.ProtocolNative {
		port = ch.NativePort
	}
	c, err := clickhouse.New(models.ClickHouse{Host: "127.0.0.1", Port: port, Protocol: proto, User: user, Password: pass, Timeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// TestCHDrift runs every ClickHouse drift check on one server.
func TestCHDrift(t *testing.T) {
	ch := startDriftClickHouse(t)
	fx := loadFixtures(t)
	for _, sql := range fx.Setup {
		chExec(t, ch, sql)
	}
	var clients []chClients
	for _, p := range []models.ClickHouseProtocol{models.ProtocolHTTP, models.ProtocolNative} {
		clients = append(clients, chClients{p, newCHClient(t, ch, p, "default", "", 30*time.Second)})
	}
	raw := rawData(t, clients[0].client)
	capped := map[models.ClickHouseProtocol]float64{}
	for _, c := range clients {
		t.Run(string(c.proto), func(t *testing.T) {
			t.Run("fixtures", func(t *testing.T) { testFixtures(t, c.client, fx) })
			t.Run("wide offset", func(t *testing.T) { testWide(t, c.client, raw) })
			t.Run("long", func(t *testing.T) { testLong(t, c.client, raw) })
			t.Run("value bins fall back", func(t *testing.T) { testValueFallback(t, c.client, raw) })
			t.Run("baseline", func(t *testing.T) { testBaseline(t, c.client, raw) })
			t.Run("over time", func(t *testing.T) { testOverTime(t, c.client, raw) })
			t.Run("distribution", func(t *testing.T) { testDistribution(t, c.client, raw) })
			t.Run("row cap", func(t *testing.T) { capped[c.proto] = testRowCap(t, c.client) })
			t.Run("errors", func(t *testing.T) { testErrors(t, ch, c.proto, c.client) })
			t.Run("readonly profile", func(t *testing.T) { testReadonly(t, newCHClient(t, ch, c.proto, chROUser, chROPass, 30*time.Second)) })
			t.Run("injection", func(t *testing.T) { testInjection(t, c.client, raw) })
			t.Run("types", func(t *testing.T) { testTypes(t, c.client) })
		})
	}
	// The sample is chosen by the server's hash: the same over both
	// protocols.
	if capped[models.ProtocolHTTP] != capped[models.ProtocolNative] {
		t.Errorf("sampled ks differs between protocols: %v", capped)
	}
	t.Run("plugin over gRPC", func(t *testing.T) { testPlugin(t, ch) })
}

// testFixtures replays the chdb fixtures: the same SQL strings, the same
// expected answers, on ClickHouse 18.16.
func testFixtures(t *testing.T, c clickhouse.Client, fx fxFile) {
	answers := map[string][][]string{}
	for _, fc := range fx.Cases {
		t.Run(fc.Name, func(t *testing.T) {
			res, err := c.Query(context.Background(), fc.SQL, clickhouse.Settings{MaxRows: 1_000_000})
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, col := range res.Columns {
				names = append(names, col.Name)
			}
			if !slices.Equal(names, fc.Columns) {
				t.Fatalf("columns %v, want %v", names, fc.Columns)
			}
			rows := resultRows(res)
			answers[fc.Name] = rows
			if fc.Check == "groupcount" {
				matchRows(t, groupCounts(rows), fc.Rows, 0)
				if fc.SubsetOf != "" {
					pool := map[string]bool{}
					for _, r := range answers[fc.SubsetOf] {
						pool[strings.Join(r, "|")] = true
					}
					for _, r := range rows {
						if !pool[strings.Join(r, "|")] {
							t.Errorf("sampled row %v is not in %s", r, fc.SubsetOf)
						}
					}
				}
				return
			}
			matchRows(t, rows, fc.Rows, fc.Tolerance)
		})
	}
}

func resultRows(res *clickhouse.Result) [][]string {
	rows := make([][]string, res.Rows)
	for i := range rows {
		for _, col := range res.Columns {
			rows[i] = append(rows[i], col.String(i))
		}
	}
	return rows
}

func groupCounts(rows [][]string) [][]string {
	counts := map[string]int{}
	for _, r := range rows {
		counts[strings.Join(r[:len(r)-1], "|")]++
	}
	var out [][]string
	for k, n := range counts {
		out = append(out, append(strings.Split(k, "|"), strconv.Itoa(n)))
	}
	return out
}

// sameCell compares a cell's text with an expected JSON value.
func sameCell(got string, want any, tol float64) bool {
	switch w := want.(type) {
	case float64:
		g, err := strconv.ParseFloat(got, 64)
		if err != nil {
			return false
		}
		return g == w || (tol > 0 && math.Abs(g-w) <= tol*math.Max(math.Abs(g), math.Abs(w)))
	case string:
		return got == w
	case []any:
		// An Array(Float64) arrives as its text, "[1,2.5]".
		var arr []float64
		if err := json.Unmarshal([]byte(got), &arr); err != nil || len(arr) != len(w) {
			return false
		}
		for i, v := range arr {
			if !sameCell(strconv.FormatFloat(v, 'g', -1, 64), w[i], tol) {
				return false
			}
		}
		return true
	}
	return false
}

func matchRows(t *testing.T, got [][]string, want [][]any, tol float64) {
	t.Helper()
	left := slices.Clone(got)
	var missing [][]any
	for _, w := range want {
		i := slices.IndexFunc(left, func(r []string) bool {
			if len(r) != len(w) {
				return false
			}
			for j := range r {
				if !sameCell(r[j], w[j], tol) {
					return false
				}
			}
			return true
		})
		if i < 0 {
			missing = append(missing, w)
			continue
		}
		left = slices.Delete(left, i, i+1)
	}
	if len(missing) > 0 || len(left) > 0 {
		t.Errorf("expected rows not in the answer: %v; unexpected rows: %v", head(missing), head(left))
	}
}

func head[T any](x []T) []T {
	if len(x) > 8 {
		return x[:8]
	}
	return x
}

// fxRaw is the fixture's rows as read back from the server, for computing
// expected answers in Go.
type fxRaw struct {
	a, b, c, d map[string][]float64 // by window: "ref", "cur", "base"
	s          map[string][]string
	ts         map[string][]int64
}

func rawData(t *testing.T, c clickhouse.Client) fxRaw {
	t.Helper()
	r := fxRaw{a: map[string][]float64{}, b: map[string][]float64{}, c: map[string][]float64{}, d: map[string][]float64{}, s: map[string][]string{}, ts: map[string][]int64{}}
	for w, cond := range map[string]string{
		"ref": fmt.Sprintf("ts >= toDateTime(%d) AND ts < toDateTime(%d)", fxRefFrom.Unix(), fxRefFrom.Add(time.Hour).Unix()),
		"cur": fmt.Sprintf("ts >= toDateTime(%d) AND ts < toDateTime(%d)", fxCurrent.From.Unix(), fxCurrent.To.Unix()),
		"pre": fmt.Sprintf("ts >= toDateTime(%d) AND ts < toDateTime(%d)", fxT0.Add(-90*time.Minute).Unix(), fxCurrent.From.Unix()),
	} {
		res, err := c.Query(context.Background(), "SELECT toUInt32(ts) AS t, a, b, ifNull(c, nan) AS c, d, s FROM mlw_fx.wide WHERE "+cond, clickhouse.Settings{})
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < res.Rows; i++ {
			r.ts[w] = append(r.ts[w], res.Columns[0].Int(i))
			r.a[w] = append(r.a[w], res.Columns[1].Float(i))
			r.b[w] = append(r.b[w], res.Columns[2].Float(i))
			r.c[w] = append(r.c[w], res.Columns[3].Float(i))
			r.d[w] = append(r.d[w], res.Columns[4].Float(i))
			r.s[w] = append(r.s[w], res.Columns[5].String(i))
		}
	}
	res, err := c.Query(context.Background(), "SELECT a, b, s FROM mlw_fx.base", clickhouse.Settings{})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < res.Rows; i++ {
		r.a["base"] = append(r.a["base"], res.Columns[0].Float(i))
		r.b["base"] = append(r.b["base"], res.Columns[1].Float(i))
		r.s["base"] = append(r.s["base"], res.Columns[2].String(i))
	}
	if len(r.a["ref"]) != 600 || len(r.a["cur"]) != 600 || len(r.a["base"]) != 400 {
		t.Fatalf("fixture rows: %d %d %d", len(r.a["ref"]), len(r.a["cur"]), len(r.a["base"]))
	}
	return r
}

func runCH(t *testing.T, c clickhouse.Client, limits engine.Limits, tr engine.TimeRange, query string) ([]*data.Frame, error) {
	t.Helper()
	q, err := models.ParseQuery([]byte(query), "")
	if err != nil {
		t.Fatal(err)
	}
	e := &engine.Engine{ClickHouse: c, Limits: limits}
	return e.Run(context.Background(), engine.Request{Query: q, TimeRange: tr, Interval: time.Minute})
}

// summary reads the drift summary frame into results by feature.
type featureRow struct {
	method  string
	score   float64
	refN    int64
	curN    int64
	notices string
}

func summaryRows(t *testing.T, frames []*data.Frame) map[string]featureRow {
	t.Helper()
	f := frames[0]
	out := map[string]featureRow{}
	for i := 0; i < f.Rows(); i++ {
		score := math.NaN()
		if p, _ := f.Fields[3].ConcreteAt(i); p != nil {
			score = p.(float64)
		}
		out[f.Fields[0].At(i).(string)] = featureRow{
			method: f.Fields[1].At(i).(string), score: score,
			refN: f.Fields[7].At(i).(int64), curN: f.Fields[8].At(i).(int64), notices: f.Fields[9].At(i).(string),
		}
	}
	return out
}

func mustRun(t *testing.T, c clickhouse.Client, query string) []*data.Frame {
	t.Helper()
	frames, err := runCH(t, c, engine.DefaultLimits(), fxCurrent, query)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return frames
}

func closeTo(got, want, tol float64) bool {
	return got == want || math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}

func finite(v []float64) []float64 {
	var out []float64
	for _, x := range v {
		if !math.IsNaN(x) && !math.IsInf(x, 0) {
			out = append(out, x)
		}
	}
	return out
}

// numpyHistogram is numpy.histogram(v, edges) counts (last bin closed).
func numpyHistogram(v, edges []float64) []float64 {
	counts := make([]float64, len(edges)-1)
	for _, x := range v {
		if x < edges[0] || x > edges[len(edges)-1] {
			continue
		}
		i := sort.Search(len(edges), func(i int) bool { return edges[i] > x }) - 1
		if i == len(edges)-1 {
			i--
		}
		counts[i]++
	}
	return counts
}

// sturgesEdges is numpy.histogram_bin_edges(concat(a, b), bins="sturges").
func sturgesEdges(a, b []float64) []float64 {
	all := append(slices.Clone(a), b...)
	lo, hi := slices.Min(all), slices.Max(all)
	width := (hi - lo) / (math.Log2(float64(len(all))) + 1)
	n := int(math.Ceil((hi - lo) / width))
	edges := make([]float64, n+1)
	step := (hi - lo) / float64(n)
	for i := range edges {
		edges[i] = float64(i)*step + lo
	}
	edges[n] = hi
	return edges
}

// binnedPSI is what the engine computes: PSI on numpy's Sturges histogram.
func binnedMethod(t *testing.T, method string, ref, cur []float64) float64 {
	t.Helper()
	ref, cur = finite(ref), finite(cur)
	edges := sturgesEdges(ref, cur)
	hr, err := drift.NewHistogram(edges[1:], numpyHistogram(ref, edges))
	if err != nil {
		t.Fatal(err)
	}
	hc, _ := drift.NewHistogram(edges[1:], numpyHistogram(cur, edges))
	res, err := drift.Binned(method, hr, hc, drift.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res.Score
}

func numericScore(t *testing.T, method string, ref, cur []float64) float64 {
	t.Helper()
	res, err := drift.Numeric(method, drift.NewSample(ref), drift.NewSample(cur), drift.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res.Score
}

func categoricalScore(t *testing.T, method string, ref, cur []string) float64 {
	t.Helper()
	res, err := drift.Categorical(method, drift.NewContingency(ref, cur), drift.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res.Score
}

func testWide(t *testing.T, c clickhouse.Client, raw fxRaw) {
	q := `{"queryType":"drift","method":"%s","clickhouse":{"database":"mlw_fx","table":"wide","timeColumn":"ts","columns":["a","b","c","s"]}}`
	psi := summaryRows(t, mustRun(t, c, fmt.Sprintf(q, "psi")))
	// Sturges bins counted in ClickHouse = numpy's histogram in Go.
	if want := binnedMethod(t, "psi", raw.a["ref"], raw.a["cur"]); !closeTo(psi["a"].score, want, 1e-12) {
		t.Errorf("psi(a) = %v, want %v", psi["a"].score, want)
	}
	// b has 10 distinct values: one bin per value, exactly Evidently's.
	if want := numericScore(t, "psi", raw.b["ref"], raw.b["cur"]); !closeTo(psi["b"].score, want, 1e-12) {
		t.Errorf("psi(b) = %v, want %v", psi["b"].score, want)
	}
	if want := binnedMethod(t, "psi", raw.c["ref"], raw.c["cur"]); !closeTo(psi["c"].score, want, 1e-12) || psi["c"].refN != int64(len(finite(raw.c["ref"]))) {
		t.Errorf("psi(c) = %v n=%d, want %v", psi["c"].score, psi["c"].refN, want)
	}
	if !strings.Contains(psi["c"].notices, "75 reference and 75 current values were missing") {
		t.Errorf("c notices: %q", psi["c"].notices)
	}
	if want := categoricalScore(t, "psi", raw.s["ref"], raw.s["cur"]); !closeTo(psi["s"].score, want, 1e-12) {
		t.Errorf("psi(s) = %v, want %v", psi["s"].score, want)
	}
	// Raw methods: the values themselves, so exactly scipy's answer.
	ks := summaryRows(t, mustRun(t, c, fmt.Sprintf(q, "ks")))
	for name, vals := range map[string]map[string][]float64{"a": raw.a, "b": raw.b, "c": raw.c} {
		if want := numericScore(t, "ks", vals["ref"], vals["cur"]); !closeTo(ks[name].score, want, 1e-12) {
			t.Errorf("ks(%s) = %v, want %v", name, ks[name].score, want)
		}
	}
	if !strings.Contains(ks["s"].notices, `"ks" does not apply to categorical data`) {
		t.Errorf("ks on text: %q", ks["s"].notices)
	}
	// auto: more than 1000 reference values? No: 600, so ks on raw values
	// for a, and jensenshannon... (Evidently: chisquare for text with more
	// than 2 values at this size).
	auto := summaryRows(t, mustRun(t, c, fmt.Sprintf(q, "auto")))
	if auto["a"].method != "ks" || auto["s"].method != "chisquare" || !closeTo(auto["a"].score, ks["a"].score, 1e-15) {
		t.Errorf("auto: %+v %+v", auto["a"], auto["s"])
	}
	// Hellinger with Evidently's own binning (distinct values).
	hel := summaryRows(t, mustRun(t, c, fmt.Sprintf(q, "hellinger")))
	if want := numericScore(t, "hellinger", raw.a["ref"], raw.a["cur"]); !closeTo(hel["a"].score, want, 1e-9) {
		t.Errorf("hellinger(a) = %v, want %v", hel["a"].score, want)
	}
	// More than 1000 reference values: auto picks wasserstein and computes
	// it on 1000 bins in ClickHouse. The SQL doubles every row (W1 does not
	// change), to get 1200 reference values from the fixture.
	doubled := `{"queryType":"drift","clickhouse":{"sql":"SELECT ts, a FROM mlw_fx.wide WHERE $__timeFilter(ts) UNION ALL SELECT ts, a FROM mlw_fx.wide WHERE $__timeFilter(ts)","timeColumn":"ts"}}`
	w := summaryRows(t, mustRun(t, c, doubled))["a"]
	exact := numericScore(t, "wasserstein", raw.a["ref"], raw.a["cur"])
	if w.method != "wasserstein" || w.refN != 1200 || math.Abs(w.score-exact) > 0.005 || !strings.Contains(w.notices, "1000 equal-width bins") {
		t.Errorf("auto over 1000 values: %+v, exact W1 %v", w, exact)
	}
}

// testValueFallback: a reference with few distinct values (one bin per
// value) against a current window with many: Sturges instead, said so.
func testValueFallback(t *testing.T, c clickhouse.Client, raw fxRaw) {
	q := `{"queryType":"drift","method":"psi","clickhouse":{"sql":"SELECT ts, if(ts < toDateTime('2024-03-01 00:00:00', 'UTC'), round(a), a) AS x FROM mlw_fx.wide WHERE $__timeFilter(ts)","timeColumn":"ts"}}`
	row := summaryRows(t, mustRun(t, c, q))["x"]
	ref := make([]float64, len(raw.a["ref"]))
	for i, v := range raw.a["ref"] {
		ref[i] = math.Round(v)
	}
	if want := binnedMethod(t, "psi", ref, raw.a["cur"]); !closeTo(row.score, want, 1e-12) || !strings.Contains(row.notices, "too many for one bin per value") {
		t.Errorf("psi = %v (%s), want %v on Sturges bins", row.score, row.notices, want)
	}
}

func testLong(t *testing.T, c clickhouse.Client, raw fxRaw) {
	long := summaryRows(t, mustRun(t, c, `{"queryType":"drift","method":"psi","clickhouse":{"database":"mlw_fx","table":"long","timeColumn":"ts","layout":"long","featureColumn":"feature","valueColumn":"value"}}`))
	if len(long) != 3 {
		t.Fatalf("features %v", long)
	}
	if want := binnedMethod(t, "psi", raw.a["ref"], raw.a["cur"]); !closeTo(long["a"].score, want, 1e-12) {
		t.Errorf("psi(a) = %v, want %v", long["a"].score, want)
	}
	if want := numericScore(t, "psi", raw.b["ref"], raw.b["cur"]); !closeTo(long["b"].score, want, 1e-12) {
		t.Errorf("psi(b) = %v, want %v", long["b"].score, want)
	}
	// A feature name holding a quote travels as an escaped literal.
	if want := binnedMethod(t, "psi", raw.d["ref"], raw.d["cur"]); !closeTo(long["we'ird"].score, want, 1e-12) {
		t.Errorf("psi(we'ird) = %v, want %v", long["we'ird"].score, want)
	}
	// Columns picks features of a long table.
	picked := summaryRows(t, mustRun(t, c, `{"queryType":"drift","method":"psi","clickhouse":{"database":"mlw_fx","table":"long","timeColumn":"ts","layout":"long","featureColumn":"feature","valueColumn":"value","columns":["b","we'ird","nope"]}}`))
	if len(picked) != 2 || picked["b"].score != long["b"].score {
		t.Errorf("picked features: %v", picked)
	}
}

func testBaseline(t *testing.T, c clickhouse.Client, raw fxRaw) {
	q := `{"queryType":"drift","method":"%s","clickhouse":{"database":"mlw_fx","table":"wide","timeColumn":"ts","columns":["a","b","s"]},"reference":{"mode":"baseline","table":"base"}}`
	frames := mustRun(t, c, fmt.Sprintf(q, "psi"))
	psi := summaryRows(t, frames)
	if want := binnedMethod(t, "psi", raw.a["base"], raw.a["cur"]); !closeTo(psi["a"].score, want, 1e-12) || psi["a"].refN != 400 {
		t.Errorf("psi(a) = %v (ref %d), want %v", psi["a"].score, psi["a"].refN, want)
	}
	if want := categoricalScore(t, "psi", raw.s["base"], raw.s["cur"]); !closeTo(psi["s"].score, want, 1e-12) {
		t.Errorf("psi(s) = %v, want %v", psi["s"].score, want)
	}
	if !strings.Contains(frames[0].Meta.ExecutedQueryString, "FROM `mlw_fx`.`base`)") {
		t.Errorf("the baseline is read without a time filter? %s", frames[0].Meta.ExecutedQueryString)
	}
	w := summaryRows(t, mustRun(t, c, fmt.Sprintf(q, "wasserstein")))
	if want := numericScore(t, "wasserstein", raw.a["base"], raw.a["cur"]); !closeTo(w["a"].score, want, 1e-12) {
		t.Errorf("wasserstein(a) = %v, want %v", w["a"].score, want)
	}
}

// testOverTime: scores per step from one query per kind; ks per step equals
// scipy's on that step's rows.
func testOverTime(t *testing.T, c clickhouse.Client, raw fxRaw) {
	frames := mustRun(t, c, `{"queryType":"drift","method":"ks","overTime":true,"step":"10m","window":"20m","clickhouse":{"database":"mlw_fx","table":"wide","timeColumn":"ts","columns":["a","s"]}}`)
	if len(frames) != 2 {
		t.Fatalf("%d frames", len(frames))
	}
	series := frames[1]
	if series.Rows() != 7 {
		t.Fatalf("%d steps, want 7", series.Rows())
	}
	var score *data.Field
	for _, f := range series.Fields[1:] {
		if f.Labels["feature"] == "a" {
			score = f
		}
	}
	vals := map[int64]float64{}
	for _, w := range []string{"pre", "cur"} {
		for i, ts := range raw.ts[w] {
			vals[ts] = raw.a[w][i]
		}
	}
	for i := 0; i < series.Rows(); i++ {
		end := series.Fields[0].At(i).(time.Time)
		var cur []float64
		for ts, v := range vals {
			if ts >= end.Add(-20*time.Minute).Unix() && ts < end.Unix() {
				cur = append(cur, v)
			}
		}
		want := numericScore(t, "ks", raw.a["ref"], cur)
		got := math.NaN()
		if p, _ := score.ConcreteAt(i); p != nil {
			got = p.(float64)
		}
		if !(math.IsNaN(want) && math.IsNaN(got)) && !closeTo(got, want, 1e-12) {
			t.Errorf("step %v: ks %v, want %v (%d values)", end, got, want, len(cur))
		}
	}
	// One statement per kind, whatever the number of steps.
	count := func(step string) int {
		frames := mustRun(t, c, fmt.Sprintf(`{"queryType":"drift","method":"psi","overTime":true,"step":%q,"clickhouse":{"database":"mlw_fx","table":"wide","timeColumn":"ts","columns":["a","s"]}}`, step))
		return strings.Count(frames[0].Meta.ExecutedQueryString, "\nSELECT __k") + 1
	}
	if few, many := count("20m"), count("1m"); few != many {
		t.Errorf("%d statements for 20m steps, %d for 1m steps", few, many)
	}
}

func testDistribution(t *testing.T, c clickhouse.Client, raw fxRaw) {
	frames := mustRun(t, c, `{"queryType":"distribution","method":"psi","bins":30,"clickhouse":{"database":"mlw_fx","table":"wide","timeColumn":"ts","columns":["d"]}}`)
	f := frames[0]
	custom := f.Meta.Custom.(map[string]any)
	refCounts := custom["reference_counts"].([]float64)
	edges := make([]float64, 31)
	for i := range edges {
		edges[i] = float64(i)*0.1 + 0 // linspace(0, 3, 31)
	}
	edges[30] = 3
	if want := numpyHistogram(raw.d["ref"], edges); fmt.Sprint(refCounts) != fmt.Sprint(want) {
		t.Errorf("reference counts %v, want %v", refCounts, want)
	}
	if f.Rows() != 30 || f.Fields[0].At(3).(float64) != edges[3] {
		t.Errorf("bins: %d rows, lower[3] = %v", f.Rows(), f.Fields[0].At(3))
	}
	if want := binnedMethodEdges(t, "psi", raw.d["ref"], raw.d["cur"]); custom["method"] != "psi" || !closeTo(*(custom["score"].(*float64)), want, 1e-12) {
		t.Errorf("score %v, want %v", custom["score"], want)
	}
	classes := mustRun(t, c, `{"queryType":"distribution","mode":"classes","clickhouse":{"database":"mlw_fx","table":"wide","timeColumn":"ts","columns":["s"]}}`)[0]
	var names []string
	for i := 0; i < classes.Rows(); i++ {
		names = append(names, classes.Fields[0].At(i).(string))
	}
	cc := classes.Meta.Custom.(map[string]any)
	curCounts := cc["current_counts"].([]float64)
	want := map[string]float64{}
	for _, s := range raw.s["cur"] {
		if s != "" {
			want[s]++
		}
	}
	if !slices.IsSorted(names) || len(names) != len(want) {
		t.Errorf("classes %q", names)
	}
	for i, n := range names {
		if curCounts[i] != want[n] {
			t.Errorf("class %q: %v, want %v", n, curCounts[i], want[n])
		}
	}
}

// binnedMethodEdges is the method on the shown bins (Evidently's rule: d
// has 31 distinct values, so Sturges).
func binnedMethodEdges(t *testing.T, method string, ref, cur []float64) float64 {
	return binnedMethod(t, method, ref, cur)
}

func testRowCap(t *testing.T, c clickhouse.Client) float64 {
	limits := engine.DefaultLimits()
	limits.MaxRows = 400
	q := `{"queryType":"drift","method":"ks","clickhouse":{"database":"mlw_fx","table":"wide","timeColumn":"ts","columns":["a"]}}`
	first, err := runCH(t, c, limits, fxCurrent, q)
	if err != nil {
		t.Fatal(err)
	}
	again, err := runCH(t, c, limits, fxCurrent, q)
	if err != nil {
		t.Fatal(err)
	}
	a, b := summaryRows(t, first)["a"], summaryRows(t, again)["a"]
	if a.refN != 200 || a.curN != 200 || !strings.Contains(a.notices, "deterministic sample of 200 of the 600 reference values") {
		t.Errorf("capped pull: %+v", a)
	}
	if a.score != b.score {
		t.Errorf("the sample is not deterministic: %v then %v", a.score, b.score)
	}
	// Counts and bins are not capped by the row limit unless they exceed it.
	limits.MaxRows = 10
	_, err = runCH(t, c, limits, fxCurrent, `{"queryType":"drift","method":"psi","clickhouse":{"database":"mlw_fx","table":"wide","timeColumn":"ts","columns":["a","b","c","d"]}}`)
	var qe *models.QueryError
	if !errors.As(err, &qe) || !strings.Contains(qe.Message, "more than the row limit (10)") {
		t.Errorf("bins over the row limit: %v", err)
	}
	return a.score
}

func testErrors(t *testing.T, ch *testenv.ClickHouse, proto models.ClickHouseProtocol, c clickhouse.Client) {
	tests := []struct {
		name, query string
		downstream  bool
		want        string
	}{
		{"unknown table", `{"queryType":"drift","clickhouse":{"database":"mlw_fx","table":"nope","timeColumn":"ts","columns":["a"]}}`, true, "table mlw_fx.nope does not exist"},
		{"unknown database", `{"queryType":"drift","clickhouse":{"database":"nodb","table":"wide","timeColumn":"ts","columns":["a"]}}`, true, "nodb"},
		{"unknown column", `{"queryType":"drift","clickhouse":{"database":"mlw_fx","table":"wide","timeColumn":"ts","columns":["nocol"]}}`, false, `column "nocol" does not exist in table ` + "`mlw_fx`.`wide`"},
		{"unknown column in SQL", `{"queryType":"drift","clickhouse":{"sql":"SELECT ts, nocol FROM mlw_fx.wide","timeColumn":"ts"}}`, true, "column nocol does not exist"},
		{"syntax error in SQL", `{"queryType":"drift","clickhouse":{"sql":"SELECT ts, a FROM mlw_fx.wide WHERE a >","timeColumn":"ts"}}`, true, "syntax error in the SQL: Syntax error"},
		{"two statements in SQL", `{"queryType":"drift","clickhouse":{"sql":"SELECT ts, a FROM mlw_fx.wide; DROP TABLE mlw_fx.wide","timeColumn":"ts"}}`, true, "Syntax error"},
		{"write in SQL", `{"queryType":"drift","clickhouse":{"sql":"INSERT INTO mlw_fx.base VALUES (1, 1, 'x')","timeColumn":"ts"}}`, true, "Syntax error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := runCH(t, c, engine.DefaultLimits(), fxCurrent, tt.query)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
			var p *diagnose.Problem
			if got := errors.As(err, &p) && p.Downstream; got != tt.downstream {
				t.Errorf("downstream = %v, want %v (%T)", got, tt.downstream, err)
			}
		})
	}
	// The fixture tables survived the attempts above.
	res, err := c.Query(context.Background(), "SELECT count() FROM mlw_fx.base", clickhouse.Settings{})
	if err != nil || res.Columns[0].Int(0) != 400 {
		t.Errorf("base table after the attempts: %v %v", err, res)
	}
	t.Run("timeout", func(t *testing.T) {
		slow := newCHClient(t, ch, proto, "default", "", time.Second)
		start := time.Now()
		_, err := runCH(t, slow, engine.DefaultLimits(), fxCurrent, `{"queryType":"drift","method":"psi","clickhouse":{"sql":"SELECT toDateTime('2024-03-01 11:30:00', 'UTC') AS ts, toFloat64(number) AS x FROM system.numbers","timeColumn":"ts"}}`)
		var p *diagnose.Problem
		if !errors.As(err, &p) || p.Kind != diagnose.KindTimeout || !p.Downstream || !strings.Contains(p.Message, "ran longer than 1s") {
			t.Fatalf("error %v (%T), want the server's timeout", err, err)
		}
		if time.Since(start) > 15*time.Second {
			t.Errorf("the timeout took %v", time.Since(start))
		}
	})
}

func testReadonly(t *testing.T, c clickhouse.Client) {
	frames, err := runCH(t, c, engine.DefaultLimits(), fxCurrent, `{"queryType":"drift","method":"psi","clickhouse":{"database":"mlw_fx","table":"wide","timeColumn":"ts","columns":["a"]}}`)
	if err != nil {
		t.Fatal(err)
	}
	if rows := summaryRows(t, frames); math.IsNaN(rows["a"].score) {
		t.Errorf("no score: %+v", rows["a"])
	}
	var notices []string
	for _, n := range frames[0].Meta.Notices {
		notices = append(notices, n.Text)
	}
	// Over HTTP a readonly=1 profile refuses every setting; the native
	// protocol of 18.16 takes them (it applies settings without the check).
	if c := strings.Join(notices, "|"); !strings.Contains(c, "readonly=1") && strings.Contains(t.Name(), "http") {
		t.Errorf("no notice about the read-only profile: %q", notices)
	}
}

// testInjection: attacks that reach a real server are harmless.
func testInjection(t *testing.T, c clickhouse.Client, raw fxRaw) {
	// A quote in a filter value is part of the value: nothing matches,
	// instead of every row.
	rows := summaryRows(t, mustRun(t, c, `{"queryType":"drift","method":"psi","clickhouse":{"database":"mlw_fx","table":"wide","timeColumn":"ts","columns":["a"],"filters":[{"column":"model","op":"=","value":"fraud' OR '1'='1"}]}}`))
	if rows["a"].refN != 0 || rows["a"].curN != 0 {
		t.Errorf("the filter value escaped its literal: %+v", rows["a"])
	}
	rows = summaryRows(t, mustRun(t, c, `{"queryType":"drift","method":"psi","clickhouse":{"database":"mlw_fx","table":"wide","timeColumn":"ts","columns":["a"],"filters":[{"column":"model","op":"in","value":["fraud","x\\' OR 1=1 --"]}]}}`))
	if rows["a"].refN != 300 {
		t.Errorf("in filter: %+v", rows["a"])
	}
	for _, table := range []string{"wide`; DROP TABLE mlw_fx.base; --", "wide' OR 1=1", "wide)", "wide\nUNION"} {
		_, err := runCH(t, c, engine.DefaultLimits(), fxCurrent, fmt.Sprintf(`{"queryType":"drift","clickhouse":{"database":"mlw_fx","table":%q,"timeColumn":"ts","columns":["a"]}}`, table))
		var qe *models.QueryError
		if !errors.As(err, &qe) || qe.Field != "clickhouse.table" {
			t.Errorf("table %q: %v", table, err)
		}
	}
}

func testTypes(t *testing.T, c clickhouse.Client) {
	res, err := c.Query(context.Background(), "SELECT toUInt64(18446744073709551615) AS big, toInt8(-5) AS i8, toNullable(2.5) AS n, CAST(NULL AS Nullable(Float64)) AS nul, toDate('2024-01-02') AS d, toDateTime('2024-01-02 03:04:05', 'UTC') AS t, toDecimal32(1.25, 2) AS dec, CAST('b' AS Enum8('a' = 1, 'b' = 2)) AS e, 'tab\\there' AS s, toFixedString('ab', 2) AS fs, [1.5, 2.0] AS arr, ['a', 'it\\'s'] AS sarr", clickhouse.Settings{MaxRows: 10})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"big": 18446744073709551615.0, "i8": int64(-5), "n": 2.5, "nul": nil, "d": time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC),
		"t": time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC), "dec": 1.25, "e": "b", "s": "tab\there", "fs": "ab",
		// Arrays as ClickHouse prints them, over both protocols.
		"arr": "[1.5,2]", "sarr": `['a','it\'s']`}
	for name, w := range want {
		col := res.Column(name)
		if col == nil {
			t.Errorf("no column %s", name)
			continue
		}
		got := col.Value(0)
		if tm, ok := got.(time.Time); ok {
			if !tm.Equal(w.(time.Time)) {
				t.Errorf("%s (%s) = %v, want %v", name, col.Type, got, w)
			}
			continue
		}
		if got != w {
			t.Errorf("%s (%s) = %#v, want %#v", name, col.Type, got, w)
		}
	}
}

func testPlugin(t *testing.T, ch *testenv.ClickHouse) {
	ds := datasource(map[string]any{"clickhouse": map[string]any{"host": "127.0.0.1", "port": ch.HTTPPort, "protocol": "http"}}, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	tr := backend.TimeRange{From: fxCurrent.From, To: fxCurrent.To}
	resp, err := env.plugin.QueryData(ctx, ds, []backend.DataQuery{
		{RefID: "A", QueryType: "drift", TimeRange: tr, JSON: json.RawMessage(`{"method":"psi","clickhouse":{"database":"mlw_fx","table":"wide","timeColumn":"ts","columns":["a","s"]}}`)},
		{RefID: "B", QueryType: "drift", TimeRange: tr, JSON: json.RawMessage(`{"clickhouse":{"database":"mlw_fx","table":"nope","timeColumn":"ts","columns":["a"]}}`)},
		{RefID: "C", QueryType: "distribution", TimeRange: tr, JSON: json.RawMessage(`{"mode":"classes","clickhouse":{"database":"mlw_fx","table":"wide","timeColumn":"ts","columns":["s"]}}`)},
	})
	if err != nil {
		t.Fatal(err)
	}
	a := resp.Responses["A"]
	if a.Error != nil || len(a.Frames) == 0 || a.Frames[0].Rows() != 2 {
		t.Fatalf("A: %v %v", a.Error, a.Frames)
	}
	b := resp.Responses["B"]
	if b.Error == nil || !strings.Contains(b.Error.Error(), "mlw_fx.nope does not exist") || b.ErrorSource != backend.ErrorSourceDownstream {
		t.Errorf("B: %v (%s)", b.Error, b.ErrorSource)
	}
	if c := resp.Responses["C"]; c.Error != nil || c.Frames[0].Rows() != 5 {
		t.Errorf("C: %v", c.Error)
	}
}

// BenchmarkCHDrift10M compares drift computed by push-down with drift
// computed from pulled rows, over a 10M-row table on ClickHouse 18.16 (5M
// rows per window). Each iteration runs both paths one after the other, so
// that both see the same machine load; the metrics are seconds per query
// for each path, their ratio, and the values (cells) each moves over the
// wire. Run with:
//
//	go test -tags integration -run '^$' -bench CHDrift10M -benchtime 3x ./tests/integration/
func BenchmarkCHDrift10M(b *testing.B) {
	ch := startDriftClickHouse(b)
	const n = 10_000_000
	t0 := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	chExec(b, ch, "CREATE DATABASE bench")
	chExec(b, ch, "CREATE TABLE bench.t (ts DateTime('UTC'), f1 Float64, f2 Float64, f3 Float32, cat String) ENGINE = MergeTree ORDER BY ts")
	start := time.Now()
	chExec(b, ch, fmt.Sprintf(`INSERT INTO bench.t SELECT toDateTime(%d + intDiv(number, 100), 'UTC'),
		(cityHash64(number) %% 1000000) / 100000.0 + if(number >= %d, 0.2, 0.0),
		(cityHash64(number, 1) %% 1000) / 10.0,
		toFloat32((cityHash64(number, 2) %% 100000) / 1000.0),
		['a','b','c','d'][cityHash64(number, 3) %% 4 + 1] FROM numbers(%d)`, t0.Unix(), n/2, n))
	b.Logf("inserted %d rows in %v", n, time.Since(start))
	half := time.Duration(n/2/100) * time.Second
	cur := engine.TimeRange{From: t0.Add(half), To: t0.Add(2 * half)}
	ref := fmt.Sprintf(`"reference":{"mode":"absolute","from":%q,"to":%q}`, t0.Format(time.RFC3339), t0.Add(half).Format(time.RFC3339))
	for _, proto := range []models.ClickHouseProtocol{models.ProtocolHTTP, models.ProtocolNative} {
		c := &countingClient{Client: newCHClient(b, ch, proto, "default", "", 5*time.Minute)}
		limits := engine.DefaultLimits()
		limits.QueryTimeout = 10 * time.Minute
		for _, method := range []string{"psi", "auto"} {
			for _, cols := range [][]string{{"f1"}, {"f1", "f2", "f3"}} {
				colsJSON, _ := json.Marshal(cols)
				q := fmt.Sprintf(`{"queryType":"drift","method":%q,"clickhouse":{"database":"bench","table":"t","timeColumn":"ts","columns":%s},%s}`, method, colsJSON, ref)
				parsed, err := models.ParseQuery([]byte(q), "")
				if err != nil {
					b.Fatal(err)
				}
				e := &engine.Engine{ClickHouse: c, Limits: limits}
				b.Run(fmt.Sprintf("%s/%s/%dcols", proto, method, len(cols)), func(b *testing.B) {
					var push, pull time.Duration
					var pushCells, pullCells int64
					var pushScore, pullScore float64
					for b.Loop() {
						c.cells.Store(0)
						start := time.Now()
						frames, err := e.Run(context.Background(), engine.Request{Query: parsed, TimeRange: cur, Interval: time.Minute})
						if err != nil {
							b.Fatal(err)
						}
						push += time.Since(start)
						pushCells += c.cells.Swap(0)
						v, _ := frames[0].Fields[3].ConcreteAt(0)
						pushScore = v.(float64)
						start = time.Now()
						pullScore = pullDrift(b, c, method, cols, t0, half)
						pull += time.Since(start)
						pullCells += c.cells.Swap(0)
					}
					runs := float64(b.N)
					b.ReportMetric(push.Seconds()/runs, "push-s/op")
					b.ReportMetric(pull.Seconds()/runs, "pull-s/op")
					b.ReportMetric(pull.Seconds()/push.Seconds(), "speedup")
					b.ReportMetric(float64(pushCells)/runs, "push-cells/op")
					b.ReportMetric(float64(pullCells)/runs, "pull-cells/op")
					b.Logf("%s: push-down score %.6g, pulled-rows score %.6g", cols[0], pushScore, pullScore)
				})
			}
		}
	}
}

// countingClient counts the values (cells) of every answer.
type countingClient struct {
	clickhouse.Client
	cells atomic.Int64
}

func (c *countingClient) Query(ctx context.Context, sql string, s clickhouse.Settings) (*clickhouse.Result, error) {
	res, err := c.Client.Query(ctx, sql, s)
	if res != nil {
		c.cells.Add(int64(res.Rows * len(res.Columns)))
	}
	return res, err
}

// pullDrift is the alternative to push-down: fetch every value of both
// windows and compute in Go (Evidently's way, with the same methods).
func pullDrift(b *testing.B, c clickhouse.Client, method string, cols []string, t0 time.Time, half time.Duration) float64 {
	var first float64
	for i, col := range cols {
		var windows [2][]float64
		for w := range 2 {
			from, to := t0.Add(time.Duration(w)*half), t0.Add(time.Duration(w+1)*half)
			res, err := c.Query(context.Background(), fmt.Sprintf("SELECT toFloat64(%s) FROM bench.t WHERE ts >= toDateTime(%d) AND ts < toDateTime(%d)", col, from.Unix(), to.Unix()),
				clickhouse.Settings{MaxRows: 20_000_000, MaxBytes: 4 << 30})
			if err != nil {
				b.Fatal(err)
			}
			windows[w] = res.Columns[0].Floats
		}
		m := method
		if m == "auto" {
			m = "wasserstein" // more than 1000 reference values
		}
		res, err := drift.Numeric(m, drift.NewSampleOwned(windows[0]), drift.NewSampleOwned(windows[1]), drift.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if i == 0 {
			first = res.Score
		}
	}
	return first
}
