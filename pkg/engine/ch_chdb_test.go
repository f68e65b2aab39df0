package engine

import (
	"context"
	"math"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlwatch/mlwatch/pkg/drift"
	"github.com/mlwatch/mlwatch/pkg/models"
	"github.com/mlwatch/mlwatch/pkg/source/clickhouse"
)

// TestCHEngineOnChdb runs ClickHouse drift and distribution queries through
// the engine and the real HTTP client against ClickHouse 26 (chdb behind a
// stand-in of the HTTP interface, started by
// tests/chdb/drift_engine.test.mjs, which sets MLWATCH_CHDB_HTTP and loads
// the fixture tables). The answers are computed here from the same fixture
// data (fxGenerate). Skipped otherwise; tests/integration runs the same
// kind of checks on ClickHouse 18.16.
func TestCHEngineOnChdb(t *testing.T) {
	c := chdbClient(t)
	e := &Engine{ClickHouse: c, Limits: DefaultLimits()}
	tr := TimeRange{From: fxT0.Add(-time.Hour), To: fxT0}
	run := func(t *testing.T, query string) []*data.Frame {
		t.Helper()
		q, err := models.ParseQuery([]byte(query), "")
		if err != nil {
			t.Fatal(err)
		}
		frames, err := e.Run(context.Background(), Request{Query: q, TimeRange: tr, Interval: time.Minute})
		if err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		return frames
	}
	d := fxGenerate()
	ref, cur := fxT0.Add(-7*24*time.Hour-time.Hour), fxT0.Add(-time.Hour)
	col := func(from, to time.Time, get func(fxWide) float64) []float64 {
		var out []float64
		for _, r := range d.wide {
			if r.ts >= from.Unix() && r.ts < to.Unix() {
				out = append(out, get(r))
			}
		}
		return out
	}
	a := func(r fxWide) float64 { return r.a }
	b := func(r fxWide) float64 { return r.b }
	dd := func(r fxWide) float64 { return r.d }
	aR, aC := col(ref, ref.Add(time.Hour), a), col(cur, fxT0, a)

	t.Run("wide: binned, raw and text features", func(t *testing.T) {
		rows := chdbSummary(t, run(t, `{"queryType":"drift","method":"psi","clickhouse":{"database":"mlw_fx","table":"wide","timeColumn":"ts","columns":["a","b","s"]}}`))
		checkScore(t, "psi(a)", rows["a"], sturgesScore(t, "psi", aR, aC), 1e-12)
		checkScore(t, "psi(b)", rows["b"], numScore(t, "psi", col(ref, ref.Add(time.Hour), b), col(cur, fxT0, b)), 1e-12)
		var sR, sC []string
		for _, r := range d.wide {
			if r.ts >= ref.Unix() && r.ts < ref.Add(time.Hour).Unix() {
				sR = append(sR, r.s)
			} else if r.ts >= cur.Unix() && r.ts < fxT0.Unix() {
				sC = append(sC, r.s)
			}
		}
		res, _ := drift.Categorical("psi", drift.NewContingency(sR, sC), drift.Options{})
		checkScore(t, "psi(s)", rows["s"], res.Score, 1e-12)
		ks := chdbSummary(t, run(t, `{"queryType":"drift","method":"ks","clickhouse":{"database":"mlw_fx","table":"wide","timeColumn":"ts","columns":["a"]}}`))
		checkScore(t, "ks(a)", ks["a"], numScore(t, "ks", aR, aC), 1e-12)
		hel := chdbSummary(t, run(t, `{"queryType":"drift","method":"hellinger","clickhouse":{"database":"mlw_fx","table":"wide","timeColumn":"ts","columns":["a"]}}`))
		checkScore(t, "hellinger(a)", hel["a"], numScore(t, "hellinger", aR, aC), 1e-9)
	})

	t.Run("quantile binning", func(t *testing.T) {
		rows := chdbSummary(t, run(t, `{"queryType":"drift","method":"psi","binning":{"policy":"quantiles","bins":4},"clickhouse":{"database":"mlw_fx","table":"wide","timeColumn":"ts","columns":["a"]}}`))
		sorted := slices.Clone(aR)
		slices.Sort(sorted)
		spec := binSpec{mode: binEdges, edges: dedupEdges([]float64{linearQuantile(sorted, 0.25), linearQuantile(sorted, 0.5), linearQuantile(sorted, 0.75)})}
		checkScore(t, "psi(a) on quartiles", rows["a"], specScore(t, "psi", spec, aR, aC), 1e-9)
	})

	t.Run("long table", func(t *testing.T) {
		rows := chdbSummary(t, run(t, `{"queryType":"drift","method":"psi","clickhouse":{"database":"mlw_fx","table":"long","timeColumn":"ts","layout":"long","featureColumn":"feature","valueColumn":"value"}}`))
		if len(rows) != 3 {
			t.Fatalf("features %v", rows)
		}
		checkScore(t, "psi(a)", rows["a"], sturgesScore(t, "psi", aR, aC), 1e-12)
		checkScore(t, "psi(we'ird)", rows["we'ird"], sturgesScore(t, "psi", col(ref, ref.Add(time.Hour), dd), col(cur, fxT0, dd)), 1e-12)
	})

	t.Run("baseline table", func(t *testing.T) {
		rows := chdbSummary(t, run(t, `{"queryType":"drift","method":"psi","clickhouse":{"database":"mlw_fx","table":"wide","timeColumn":"ts","columns":["a"]},"reference":{"mode":"baseline","table":"base"}}`))
		var base []float64
		for _, r := range d.base {
			base = append(base, r.a)
		}
		checkScore(t, "psi(a)", rows["a"], sturgesScore(t, "psi", base, aC), 1e-12)
	})

	t.Run("auto above 1000 values: wasserstein on bins", func(t *testing.T) {
		rows := chdbSummary(t, run(t, `{"queryType":"drift","clickhouse":{"sql":"SELECT ts, a FROM mlw_fx.wide WHERE $__timeFilter(ts) UNION ALL SELECT ts, a FROM mlw_fx.wide WHERE $__timeFilter(ts)","timeColumn":"ts"}}`))
		checkScore(t, "wasserstein(a)", rows["a"], numScore(t, "wasserstein", aR, aC), 5e-3)
		if rows["a"].method != "wasserstein" || !strings.Contains(rows["a"].notices, "1000 equal-width bins") {
			t.Errorf("auto: %+v", rows["a"])
		}
	})

	t.Run("over time", func(t *testing.T) {
		frames := run(t, `{"queryType":"drift","method":"ks","overTime":true,"step":"10m","window":"20m","clickhouse":{"database":"mlw_fx","table":"wide","timeColumn":"ts","columns":["a"]}}`)
		series := frames[1]
		if series.Rows() != 7 {
			t.Fatalf("%d steps", series.Rows())
		}
		for i := 0; i < series.Rows(); i++ {
			end := series.Fields[0].At(i).(time.Time)
			want := numScore(t, "ks", aR, col(end.Add(-20*time.Minute), end, a))
			got := math.NaN()
			if p, _ := series.Fields[1].ConcreteAt(i); p != nil {
				got = p.(float64)
			}
			if !(math.IsNaN(want) && math.IsNaN(got)) && math.Abs(got-want) > 1e-12*math.Max(1, want) {
				t.Errorf("step %v: %v, want %v", end, got, want)
			}
		}
	})

	t.Run("distributions", func(t *testing.T) {
		f := run(t, `{"queryType":"distribution","method":"psi","bins":30,"clickhouse":{"database":"mlw_fx","table":"wide","timeColumn":"ts","columns":["d"]}}`)[0]
		spec := equalWidth(0, 3, 30, "")
		want := make([]float64, 30)
		for _, v := range col(cur, fxT0, dd) {
			want[fxBin(spec, v).b]++
		}
		if got := f.Meta.Custom.(map[string]any)["current_counts"].([]float64); !slices.Equal(got, want) {
			t.Errorf("current counts %v, want %v", got, want)
		}
		classes := run(t, `{"queryType":"distribution","mode":"classes","clickhouse":{"database":"mlw_fx","table":"wide","timeColumn":"ts","columns":["s"]}}`)[0]
		counts := map[string]float64{}
		for _, r := range d.wide {
			if r.ts >= cur.Unix() && r.ts < fxT0.Unix() && r.s != "" {
				counts[r.s]++
			}
		}
		got := classes.Meta.Custom.(map[string]any)["current_counts"].([]float64)
		for i := 0; i < classes.Rows(); i++ {
			if name := classes.Fields[0].At(i).(string); got[i] != counts[name] {
				t.Errorf("class %q: %v, want %v", name, got[i], counts[name])
			}
		}
		if classes.Rows() != len(counts) {
			t.Errorf("%d classes, want %d", classes.Rows(), len(counts))
		}
	})

	t.Run("errors from ClickHouse 26", func(t *testing.T) {
		for query, want := range map[string]string{
			`{"queryType":"drift","clickhouse":{"database":"mlw_fx","table":"nope","timeColumn":"ts","columns":["a"]}}`: "table mlw_fx.nope does not exist",
			`{"queryType":"drift","clickhouse":{"sql":"SELECT ts, nocol FROM mlw_fx.wide","timeColumn":"ts"}}`:          "nocol",
			`{"queryType":"drift","clickhouse":{"sql":"SELECT ts, a FROM mlw_fx.wide WHERE a >","timeColumn":"ts"}}`:    "syntax error in the SQL",
			`{"queryType":"drift","clickhouse":{"database":"nodb","table":"wide","timeColumn":"ts","columns":["a"]}}`:   "database nodb does not exist",
		} {
			q, _ := models.ParseQuery([]byte(query), "")
			_, err := e.Run(context.Background(), Request{Query: q, TimeRange: tr, Interval: time.Minute})
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("%s: %v, want %q", query, err, want)
			}
		}
	})
}

type chdbRow struct {
	method, notices string
	score           float64
}

func chdbSummary(t *testing.T, frames []*data.Frame) map[string]chdbRow {
	t.Helper()
	f := frames[0]
	out := map[string]chdbRow{}
	for i := 0; i < f.Rows(); i++ {
		score := math.NaN()
		if p, _ := f.Fields[3].ConcreteAt(i); p != nil {
			score = p.(float64)
		}
		out[f.Fields[0].At(i).(string)] = chdbRow{method: f.Fields[1].At(i).(string), score: score, notices: f.Fields[9].At(i).(string)}
	}
	return out
}

func checkScore(t *testing.T, what string, got chdbRow, want, tol float64) {
	t.Helper()
	if math.IsNaN(got.score) || math.Abs(got.score-want) > tol*math.Max(1, math.Abs(want)) {
		t.Errorf("%s = %v (%s), want %v", what, got.score, got.notices, want)
	}
}

func numScore(t *testing.T, method string, ref, cur []float64) float64 {
	t.Helper()
	res, err := drift.Numeric(method, drift.NewSample(ref), drift.NewSample(cur), drift.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res.Score
}

// sturgesScore is the method on numpy's Sturges histogram of both windows.
func sturgesScore(t *testing.T, method string, ref, cur []float64) float64 {
	t.Helper()
	ref, cur = finiteOnly(ref), finiteOnly(cur)
	lo, hi := minMax(append(slices.Clone(ref), cur...))
	return specScore(t, method, sturges(lo, hi, int64(len(ref)+len(cur))), ref, cur)
}

func specScore(t *testing.T, method string, s binSpec, ref, cur []float64) float64 {
	t.Helper()
	count := func(v []float64) binCounts {
		c := binCounts{}
		for _, x := range finiteOnly(v) {
			c[fxBin(s, x)]++
		}
		return c
	}
	hs, _, err := s.histograms([]binCounts{count(ref), count(cur)}, method == "wasserstein")
	if err != nil {
		t.Fatal(err)
	}
	res, err := drift.Binned(method, hs[0], hs[1], drift.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res.Score
}

// chdbClient connects the real HTTP client to the chdb stand-in that
// tests/chdb/*.test.mjs start (they set MLWATCH_CHDB_HTTP and run these
// tests); without it the test is skipped with that instruction.
func chdbClient(t *testing.T) clickhouse.Client {
	t.Helper()
	addr := os.Getenv("MLWATCH_CHDB_HTTP")
	if addr == "" {
		t.Skip("MLWATCH_CHDB_HTTP is not set: run node --test tests/chdb/")
	}
	host, portText, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	port, err := strconv.Atoi(portText)
	if err != nil {
		t.Fatalf("MLWATCH_CHDB_HTTP=%q: %v", addr, err)
	}
	c, err := clickhouse.New(models.ClickHouse{Host: host, Port: port, Protocol: models.ProtocolHTTP, User: "default", Timeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}
