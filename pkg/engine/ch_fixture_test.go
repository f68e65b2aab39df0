package engine

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/mlwatch/mlwatch/pkg/chsql"
	"github.com/mlwatch/mlwatch/pkg/models"
)

// The chdb fixtures: the exact SQL this package generates for a set of
// fixture queries, with the answers computed here in Go from the fixture
// data. tests/chdb/drift_sql.test.mjs runs them on chdb (ClickHouse 26,
// in process) and tests/integration/ch_drift_test.go on ClickHouse 18.16,
// so the same strings are proven on the oldest and the newest server.
//
// Regenerate with: go test ./pkg/engine -run TestCHFixtures -update-chdb

var updateCHDB = flag.Bool("update-chdb", false, "rewrite tests/chdb/testdata/fixtures.json")

const fxPath = "../../tests/chdb/testdata/fixtures.json"

// fxCase is one query and its expected answer.
type fxCase struct {
	Name string `json:"name"`
	SQL  string `json:"sql"`
	// Columns are the expected column names, in order.
	Columns []string `json:"columns"`
	// Rows are the expected rows (order does not matter). With Check
	// "groupcount", rows are [group columns..., count] of the answer
	// grouped by all columns but the last.
	Rows  [][]any `json:"rows"`
	Check string  `json:"check,omitempty"`
	// Tolerance is the relative tolerance for floating-point cells.
	Tolerance float64 `json:"tolerance,omitempty"`
	// SubsetOf names an earlier case whose answer must contain every row
	// of this one (a sample of it).
	SubsetOf string `json:"subsetOf,omitempty"`
}

type fxFile struct {
	Comment string   `json:"comment"`
	Setup   []string `json:"setup"`
	Cases   []fxCase `json:"cases"`
}

// Fixture time: the current range is the hour before fxT0, the reference
// the same hour a week earlier; rows also exist in the half hour before
// the current range (the over-time span reaches back there).
var fxT0 = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)

type fxWide struct {
	ts         int64
	model      string
	a, b, c, d float64
	cNull      bool
	s          string
}

type fxLong struct {
	ts      int64
	feature string
	value   float64
}

type fxBase struct {
	a, b float64
	s    string
}

type fxData struct {
	wide []fxWide
	long []fxLong
	base []fxBase
}

func fxGenerate() fxData {
	rng := rand.New(rand.NewPCG(7, 11))
	var d fxData
	cats := []string{"x", "y", "z", "it's", `back\slash`}
	window := func(start time.Time, span time.Duration, n int, shift float64, curCats bool) {
		for i := range n {
			ts := start.Unix() + int64(i)*int64(span/time.Second)/int64(n)
			row := fxWide{ts: ts, model: []string{"fraud", "spam"}[i%2]}
			row.a = math.Round((rng.NormFloat64()+shift)*1000) / 1000
			row.b = float64(rng.IntN(10))
			switch {
			case i%10 == 0:
				row.cNull = true
				row.c = math.NaN()
			case i%37 == 0:
				row.c = math.NaN() // NaN, not NULL
			default:
				row.c = rng.Float64() * 4
			}
			// d sits on a 0.1 grid: values land on bin edges.
			row.d = float64(rng.IntN(31)) / 10
			k := rng.IntN(3)
			if curCats {
				k = rng.IntN(len(cats))
			}
			row.s = cats[k]
			if i%50 == 0 {
				row.s = ""
			}
			d.wide = append(d.wide, row)
		}
	}
	window(fxT0.Add(-7*24*time.Hour-time.Hour), time.Hour, 600, 0, false)
	window(fxT0.Add(-90*time.Minute), 30*time.Minute, 300, 0.3, true)
	window(fxT0.Add(-time.Hour), time.Hour, 600, 0.5, true)
	// The extremes of a are exact edges of every equal-width binning.
	d.wide[5].a, d.wide[6].a = -4.5, 4.5
	for _, w := range d.wide {
		d.long = append(d.long, fxLong{w.ts, "a", w.a}, fxLong{w.ts, "b", w.b}, fxLong{w.ts, "we'ird", w.d})
	}
	for range 400 {
		d.base = append(d.base, fxBase{a: math.Round(rng.NormFloat64()*1000) / 1000, b: float64(rng.IntN(8)), s: cats[rng.IntN(3)]})
	}
	return d
}

func fxSetup(d fxData) []string {
	out := []string{
		"DROP DATABASE IF EXISTS mlw_fx",
		"CREATE DATABASE mlw_fx",
		"CREATE TABLE mlw_fx.wide (ts DateTime('UTC'), model String, a Float64, b UInt8, c Nullable(Float64), d Float64, s String) ENGINE = MergeTree ORDER BY ts",
		"CREATE TABLE mlw_fx.long (ts DateTime('UTC'), feature String, value Float64) ENGINE = MergeTree ORDER BY (feature, ts)",
		"CREATE TABLE mlw_fx.base (a Float64, b UInt8, s String) ENGINE = MergeTree ORDER BY tuple()",
	}
	ts := func(s int64) string { return chsql.String(time.Unix(s, 0).UTC().Format("2006-01-02 15:04:05")) }
	num := func(v float64) string {
		if math.IsNaN(v) {
			return "nan"
		}
		return chsql.MustFloat(v)
	}
	var b strings.Builder
	b.WriteString("INSERT INTO mlw_fx.wide VALUES ")
	for i, r := range d.wide {
		if i > 0 {
			b.WriteString(", ")
		}
		c := num(r.c)
		if r.cNull {
			c = "NULL"
		}
		fmt.Fprintf(&b, "(%s, %s, %s, %d, %s, %s, %s)", ts(r.ts), chsql.String(r.model), num(r.a), int(r.b), c, num(r.d), chsql.String(r.s))
	}
	out = append(out, b.String())
	b.Reset()
	b.WriteString("INSERT INTO mlw_fx.long VALUES ")
	for i, r := range d.long {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "(%s, %s, %s)", ts(r.ts), chsql.String(r.feature), num(r.value))
	}
	out = append(out, b.String())
	b.Reset()
	b.WriteString("INSERT INTO mlw_fx.base VALUES ")
	for i, r := range d.base {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "(%s, %d, %s)", num(r.a), int(r.b), chsql.String(r.s))
	}
	return append(out, b.String())
}

// fxRun is a chRun over the fixture tables, as resolveCH would build it
// from the servers' DESCRIBE answers.
func fxRun(t *testing.T, q *models.Query, long bool) *chRun {
	t.Helper()
	tr := TimeRange{From: fxT0.Add(-time.Hour), To: fxT0}
	w, err := windows(q, tr)
	if err != nil {
		t.Fatal(err)
	}
	in := &chInput{timeCol: "`ts`", timeType: "DateTime('UTC')"}
	in.current = chSource{table: "`mlw_fx`.`wide`", label: "table `mlw_fx`.`wide`"}
	if long {
		in.long, in.numericValues = true, true
		in.current = chSource{table: "`mlw_fx`.`long`", label: "table `mlw_fx`.`long`"}
		in.featureCol, in.valueCol = "`feature`", "`value`"
	} else {
		for i, c := range []struct {
			name    string
			numeric bool
		}{{"a", true}, {"b", true}, {"c", true}, {"d", true}, {"s", false}} {
			in.features = append(in.features, chFeature{Name: c.name, Key: i + 1, Column: chsql.Quote(c.name), Numeric: c.numeric})
		}
	}
	if w.Baseline {
		in.baseline = &chSource{table: "`mlw_fx`.`base`", label: "baseline table `mlw_fx`.`base`"}
	}
	r := &chRun{qr: &chQuerier{limits: DefaultLimits()}, req: Request{Query: q, TimeRange: tr, Interval: time.Minute}, q: q, in: in, win: w,
		opts: q.DriftOptions(), maxCategories: defaultMaxCategories}
	if q.OverTime {
		if r.ot, err = r.overTimeGrid(); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

// fxWindowOf labels a fixture row like the SQL does: 0 reference, 1
// current, 2 the rest of the span (stats), or -1 (not read).
func fxWindowOf(ts int64, r *chRun, span bool) int64 {
	in := func(from, to time.Time) bool { return ts >= from.Unix() && ts < to.Unix() }
	switch {
	case !r.win.Baseline && in(r.win.Reference.From, r.win.Reference.To):
		return 0
	case in(r.win.Current.From, r.win.Current.To):
		return 1
	case span && r.ot != nil && in(r.ot.base, r.win.Current.To):
		return 2
	}
	return -1
}

// fxBucketOf labels a row by over-time bucket (1-based), or -1.
func fxBucketOf(ts int64, r *chRun) int64 {
	if ts < r.ot.base.Unix() || ts >= r.win.Current.To.Unix() {
		return -1
	}
	return 1 + (ts*1000-r.ot.base.UnixMilli())/r.ot.g.Milliseconds()
}

// fxValues are the values of one feature per window label.
type fxValues map[int64][]float64

func fxWideValues(d fxData, r *chRun, feature string, label func(int64) int64) fxValues {
	out := fxValues{}
	for _, row := range d.wide {
		w := label(row.ts)
		if w < 0 {
			continue
		}
		var v float64
		switch feature {
		case "a":
			v = row.a
		case "b":
			v = row.b
		case "c":
			v = row.c
		case "d":
			v = row.d
		}
		out[w] = append(out[w], v)
	}
	if r.win.Baseline {
		for _, row := range d.base {
			switch feature {
			case "a":
				out[0] = append(out[0], row.a)
			case "b":
				out[0] = append(out[0], row.b)
			}
		}
	}
	return out
}

func finiteOnly(v []float64) []float64 {
	var out []float64
	for _, x := range v {
		if !math.IsNaN(x) && !math.IsInf(x, 0) {
			out = append(out, x)
		}
	}
	return out
}

func minMax(v []float64) (float64, float64) {
	if len(v) == 0 {
		return 0, 0
	}
	return slices.Min(v), slices.Max(v)
}

func distinct(v []float64) int64 {
	s := slices.Clone(v)
	slices.Sort(s)
	return int64(len(slices.Compact(s)))
}

func stdPop(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	var m float64
	for _, x := range v {
		m += x
	}
	m /= float64(len(v))
	var s float64
	for _, x := range v {
		s += (x - m) * (x - m)
	}
	return math.Sqrt(s / float64(len(v)))
}

// fxStatsRows are the expected numStatsSQL rows of one feature: one per
// window with finite values.
func fxStatsRows(key any, vals fxValues) [][]any {
	var rows [][]any
	for w, vs := range vals {
		f := finiteOnly(vs)
		if len(f) == 0 {
			continue
		}
		lo, hi := minMax(f)
		rows = append(rows, []any{key, w, 0, len(f), lo, hi, min(distinct(f), uniqRule+1)})
	}
	return rows
}

// fxCountRow is the expected row of a counts branch.
func fxCountRow(key any, w int64, rows int) []any { return []any{key, w, rows, 0, 0, 0, 0} }

var fxStatsCols = []string{"__k", "__w", "rows", "n", "lo", "hi", "u"}

// fxBin is the Go answer for one value under a spec: numpy.histogram's
// bins (a bisect on the exact edges) for binArith, the number of edges
// below the value for binEdges.
func fxBin(s binSpec, v float64) binKey {
	switch s.mode {
	case binArith:
		edges := s.arithEdges()
		switch {
		case v < s.lo:
			return binKey{b: -1}
		case v > s.hi:
			return binKey{b: int64(s.nb)}
		case v == s.hi:
			return binKey{b: int64(s.nb - 1)}
		}
		// the last edge <= v
		i := sort.Search(len(edges), func(i int) bool { return edges[i] > v }) - 1
		return binKey{b: int64(i)}
	case binEdges:
		n := 0
		for _, e := range s.edges {
			if v > e {
				n++
			}
		}
		return binKey{b: int64(n)}
	}
	return binKey{x: v}
}

// fxCountRows are the expected numCountsSQL rows.
func fxCountRows(specs []countSpec, vals map[int]fxValues) [][]any {
	var rows [][]any
	for _, cs := range specs {
		for w, vs := range vals[cs.key] {
			counts := map[binKey]int{}
			for _, v := range finiteOnly(vs) {
				counts[fxBin(cs.spec, v)]++
			}
			for k, n := range counts {
				rows = append(rows, []any{cs.key, w, k.b, k.x, n})
			}
		}
	}
	return rows
}

var fxCountCols = []string{"__k", "__w", "__b", "__x", "n"}

func fxWin(vals fxValues, w int64) winStats {
	f := finiteOnly(vals[w])
	lo, hi := minMax(f)
	return winStats{n: int64(len(f)), lo: lo, hi: hi, u: min(distinct(f), uniqRule+1)}
}

func buildFixtures(t *testing.T) fxFile {
	d := fxGenerate()
	f := fxFile{
		Comment: "Generated by `go test ./pkg/engine -run TestCHFixtures -update-chdb`: SQL from pkg/engine's ClickHouse builders with answers computed in Go. Run on chdb by tests/chdb/drift_sql.test.mjs and on ClickHouse 18.16 by tests/integration/ch_drift_test.go.",
		Setup:   fxSetup(d),
	}
	add := func(c fxCase) {
		// Map iteration made the order random; the file must be stable.
		slices.SortFunc(c.Rows, func(a, b []any) int {
			ja, _ := json.Marshal(a)
			jb, _ := json.Marshal(b)
			return bytes.Compare(ja, jb)
		})
		f.Cases = append(f.Cases, c)
	}
	must := func(b []chBranch, err error) []chBranch {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	feats := func(r *chRun, keys ...int) []chFeature {
		var out []chFeature
		for _, f := range r.in.features {
			if slices.Contains(keys, f.Key) {
				out = append(out, f)
			}
		}
		return out
	}
	windowRows := func(r *chRun, label func(int64) int64) map[int64]int {
		n := map[int64]int{}
		for _, row := range d.wide {
			if w := label(row.ts); w >= 0 {
				n[w]++
			}
		}
		if r.win.Baseline {
			n[0] = len(d.base)
		}
		return n
	}

	// 1. Stats of the summary: offset reference, wide table.
	q := &models.Query{QueryType: "drift", Method: "psi", Reference: &models.Reference{Mode: "offset", Offset: models.Duration(7 * 24 * time.Hour)}}
	r := fxRun(t, q, false)
	summary := func(ts int64) int64 { return fxWindowOf(ts, r, false) }
	vals := map[int]fxValues{}
	var statRows [][]any
	for _, feat := range feats(r, 1, 2, 3, 4) {
		vals[feat.Key] = fxWideValues(d, r, feat.Name, summary)
		statRows = append(statRows, fxStatsRows(feat.Key, vals[feat.Key])...)
	}
	for w, n := range windowRows(r, summary) {
		statRows = append(statRows, fxCountRow(0, w, n))
	}
	add(fxCase{Name: "wide stats (offset reference)", SQL: numStatsSQL(must(r.in.branches(r.statsWindows(), feats(r, 1, 2, 3, 4), nil, false, time.Minute)), must(r.in.countBranches(r.statsWindows(), nil, time.Minute)), statsOpts{}),
		Columns: fxStatsCols, Rows: statRows, Tolerance: 1e-9})

	// Reference quantiles (exact up to 8192 values, numpy's linear rule)
	// and distinct counts over both windows.
	var qRows [][]any
	for _, k := range []int{1, 3} {
		fr := finiteOnly(vals[k][0])
		slices.Sort(fr)
		row := []any{k, int64(0), 0, len(fr)}
		lo, hi := minMax(fr)
		row = append(row, lo, hi, min(distinct(fr), uniqRule+1), []float64{linearQuantile(fr, 0.25), linearQuantile(fr, 0.5), linearQuantile(fr, 0.75)})
		qRows = append(qRows, row)
		fc := finiteOnly(vals[k][1])
		lo, hi = minMax(fc)
		qRows = append(qRows, []any{k, int64(1), 0, len(fc), lo, hi, min(distinct(fc), uniqRule+1), []float64{}})
	}
	add(fxCase{Name: "reference quantiles", SQL: numStatsSQL(must(r.in.branches(r.summaryWindows(), feats(r, 1, 3), nil, false, time.Minute)), nil, statsOpts{quantiles: []float64{0.25, 0.5, 0.75}}),
		Columns: append(slices.Clone(fxStatsCols), "q"), Rows: qRows, Tolerance: 1e-9})
	var dRows [][]any
	for _, k := range []int{2, 4} {
		both := append(finiteOnly(vals[k][0]), finiteOnly(vals[k][1])...)
		dRows = append(dRows, []any{k, min(distinct(both), uniqValues+1), distinct(both), distinct(both)})
	}
	add(fxCase{Name: "distinct values over both windows", SQL: distinctSQL(must(r.in.branches(r.statsWindows(), feats(r, 2, 4), nil, false, time.Minute)), true),
		Columns: []string{"__k", "u_rc", "ux_rc", "ux_rs"}, Rows: dRows})

	// 2. Counts: Sturges (a), one bin per value (b), Sturges with NULLs
	// and NaN (c), fixed edges on the values' grid (d).
	specFor := func(k int) binSpec {
		R, C := fxWin(vals[k], 0), fxWin(vals[k], 1)
		return sturges(math.Min(R.lo, C.lo), math.Max(R.hi, C.hi), R.n+C.n)
	}
	specs := []countSpec{{1, specFor(1)}, {2, binSpec{mode: binValues}}, {3, specFor(3)}, {4, binSpec{mode: binEdges, edges: []float64{0.5, 1, 1.5, 2.2, 3}}}}
	add(fxCase{Name: "counts: arithmetic, value and edge bins", SQL: numCountsSQL(must(r.branches(r.summaryWindows(), feats(r, 1, 2, 3, 4), false)), specs), Columns: fxCountCols, Rows: fxCountRows(specs, vals)})
	// Equal-width bins whose edges fall on the data (d has a 0.1 grid),
	// and fine bins.
	grid := []countSpec{{4, equalWidth(0, 3, 30, "")}, {1, equalWidth(fxWin(vals[1], 0).lo, fxWin(vals[1], 1).hi, fineBins, "")}}
	add(fxCase{Name: "counts: equal-width bins with values on the edges, fine bins", SQL: numCountsSQL(must(r.branches(r.summaryWindows(), feats(r, 1, 4), false)), grid), Columns: fxCountCols, Rows: fxCountRows(grid, vals)})

	// One bin per value stops at uniqValues+1 values per window (the
	// smallest), which tells the engine to fall back to Sturges.
	var capRows [][]any
	for w, vs := range vals[1] {
		f := finiteOnly(vs)
		slices.Sort(f)
		counts := map[float64]int{}
		var order []float64
		for _, v := range f {
			if counts[v] == 0 {
				order = append(order, v)
			}
			counts[v]++
		}
		for _, v := range order[:uniqValues+1] {
			capRows = append(capRows, []any{1, w, 0, v, counts[v]})
		}
	}
	capSpec := []countSpec{{1, binSpec{mode: binValues}}}
	// (ClickHouse 18.16 reads some float literals of INSERT ... VALUES one
	// unit in the last place off, hence the tolerance on the values.)
	add(fxCase{Name: "counts: one bin per value stops at 101 values", SQL: numCountsSQL(must(r.branches(r.summaryWindows(), feats(r, 1), false)), capSpec), Columns: fxCountCols, Rows: capRows, Tolerance: 1e-12})

	// 3. Raw values: all of them, then a deterministic sample.
	var all [][]any
	for _, k := range []int{1, 2} {
		for w, vs := range vals[k] {
			all = append(all, []any{k, w, len(finiteOnly(vs))})
		}
	}
	add(fxCase{Name: "raw values, all", SQL: rawSQL(must(r.branches(r.summaryWindows(), feats(r, 1, 2), false)), rawPlan{perGroup: 5000}), Columns: []string{"__k", "__w", "__v"}, Rows: all, Check: "groupcount"})
	plan := rawPlan{perGroup: 150, threshold: func(int, bool) uint64 { return hashThreshold(150, 600) }}
	var sample [][]any
	for _, k := range []int{1, 2} {
		for w := range vals[k] {
			sample = append(sample, []any{k, w, 150})
		}
	}
	add(fxCase{Name: "raw values, deterministic sample", SQL: rawSQL(must(r.branches(r.summaryWindows(), feats(r, 1, 2), true)), plan), Columns: []string{"__k", "__w", "__v"}, Rows: sample, Check: "groupcount", SubsetOf: "raw values, all"})

	// 4. Categories (wide text column).
	catCount := map[string][2]int{}
	var catStats [2][2]int
	for _, row := range d.wide {
		w := summary(row.ts)
		if w < 0 {
			continue
		}
		catStats[w][0]++
		if row.s != "" {
			catStats[w][1]++
			c := catCount[row.s]
			c[w]++
			catCount[row.s] = c
		}
	}
	var catExpect [][]any
	for v, c := range catCount {
		for w := range 2 {
			if c[w] > 0 {
				catExpect = append(catExpect, []any{5, w, v, c[w]})
			}
		}
	}
	add(fxCase{Name: "categories", SQL: catCountsSQL(must(r.branches(r.summaryWindows(), feats(r, 5), false)), 1001), Columns: []string{"__k", "__w", "__v", "n"}, Rows: catExpect})
	add(fxCase{Name: "categorical stats", SQL: catStatsSQL(must(r.in.branches(r.summaryWindows(), feats(r, 5), nil, false, time.Minute)), 0), Columns: []string{"__k", "__w", "rows", "n"},
		Rows: [][]any{{5, 0, catStats[0][0], catStats[0][1]}, {5, 1, catStats[1][0], catStats[1][1]}}})

	// 5. Over time: stats over the span, counts per bucket, categories per
	// bucket.
	qo := *q
	qo.OverTime, qo.Step, qo.Window = true, models.Duration(10*time.Minute), models.Duration(20*time.Minute)
	ro := fxRun(t, &qo, false)
	spanLabel := func(ts int64) int64 { return fxWindowOf(ts, ro, true) }
	var spanStats [][]any
	for _, feat := range feats(ro, 1, 2) {
		spanStats = append(spanStats, fxStatsRows(feat.Key, fxWideValues(d, ro, feat.Name, spanLabel))...)
	}
	for w, n := range windowRows(ro, spanLabel) {
		spanStats = append(spanStats, fxCountRow(0, w, n))
	}
	add(fxCase{Name: "stats over the over-time span", SQL: numStatsSQL(must(ro.in.branches(ro.statsWindows(), feats(ro, 1, 2), nil, false, time.Minute)), must(ro.in.countBranches(ro.statsWindows(), nil, time.Minute)), statsOpts{}),
		Columns: fxStatsCols, Rows: spanStats, Tolerance: 1e-9})
	stepWins, err := ro.stepWindows(true)
	if err != nil {
		t.Fatal(err)
	}
	bucket := func(ts int64) int64 {
		if w := fxWindowOf(ts, ro, false); w == 0 {
			return 0
		}
		return fxBucketOf(ts, ro)
	}
	stepVals := map[int]fxValues{1: fxWideValues(d, ro, "a", bucket), 2: fxWideValues(d, ro, "b", bucket)}
	stepSpecs := []countSpec{{1, equalWidth(-4.5, 4.5, 12, "")}, {2, binSpec{mode: binValues}}}
	add(fxCase{Name: "over time: counts per bucket in one query", SQL: numCountsSQL(must(ro.branches(stepWins, feats(ro, 1, 2), false)), stepSpecs), Columns: fxCountCols, Rows: fxCountRows(stepSpecs, stepVals)})
	spanOnly, err := ro.stepWindows(false)
	if err != nil {
		t.Fatal(err)
	}
	var bucketRaw [][]any
	for b, vs := range stepVals[1] {
		if b > 0 {
			bucketRaw = append(bucketRaw, []any{1, b, min(len(finiteOnly(vs)), 30)})
		}
	}
	add(fxCase{Name: "over time: raw values per bucket", SQL: rawSQL(must(ro.branches(spanOnly, feats(ro, 1), true)), rawPlan{perGroup: 30, threshold: func(int, bool) uint64 { return hashThreshold(60*8, 900) }}),
		Columns: []string{"__k", "__w", "__v"}, Rows: bucketRaw, Check: "groupcount"})
	union := []string{"it's", "x", "y"}
	stepCat := map[[2]int64]int{}
	for _, row := range d.wide {
		b := fxBucketOf(row.ts, ro)
		if b < 0 || row.s == "" {
			continue
		}
		ci := int64(slices.Index(union, row.s) + 1)
		stepCat[[2]int64{b, ci}]++
	}
	var stepCatRows [][]any
	for k, n := range stepCat {
		stepCatRows = append(stepCatRows, []any{5, k[0], k[1], n})
	}
	add(fxCase{Name: "over time: categories per bucket", SQL: catStepsSQL(must(ro.branches(spanOnly, feats(ro, 5), false)), union), Columns: []string{"__k", "__w", "__ci", "n"}, Rows: stepCatRows})

	// 6. Long table: discover the features, then count with names mapped
	// to keys (one name holds a quote).
	rl := fxRun(t, q, true)
	lvals := map[string]fxValues{}
	lrows := map[string]map[int64]int{}
	for _, row := range d.long {
		if w := fxWindowOf(row.ts, rl, false); w >= 0 {
			if lvals[row.feature] == nil {
				lvals[row.feature], lrows[row.feature] = fxValues{}, map[int64]int{}
			}
			lvals[row.feature][w] = append(lvals[row.feature][w], row.value)
			lrows[row.feature][w]++
		}
	}
	var lstats [][]any
	for _, name := range []string{"a", "b", "we'ird"} {
		lstats = append(lstats, fxStatsRows(name, lvals[name])...)
		for w, n := range lrows[name] {
			lstats = append(lstats, fxCountRow(name, w, n))
		}
	}
	add(fxCase{Name: "long table: stats discover the features", SQL: numStatsSQL(must(rl.in.branches(rl.statsWindows(), nil, nil, false, time.Minute)), must(rl.in.countBranches(rl.statsWindows(), nil, time.Minute)), statsOpts{limit: 2001}),
		Columns: fxStatsCols, Rows: lstats, Tolerance: 1e-9})
	lfeats := []chFeature{{Name: "a", Key: 1, Numeric: true}, {Name: "b", Key: 2, Numeric: true}, {Name: "we'ird", Key: 3, Numeric: true}}
	lvalsByKey := map[int]fxValues{1: lvals["a"], 2: lvals["b"], 3: lvals["we'ird"]}
	lspecs := []countSpec{{1, equalWidth(-5, 5, 20, "")}, {2, binSpec{mode: binValues}}, {3, binSpec{mode: binEdges, edges: []float64{1, 2}}}}
	add(fxCase{Name: "long table: counts, every bin mode in one branch", SQL: numCountsSQL(must(rl.branches(rl.summaryWindows(), lfeats, false)), lspecs), Columns: fxCountCols, Rows: fxCountRows(lspecs, lvalsByKey)})
	perFeature := []countSpec{{1, binSpec{mode: binEdges, edges: []float64{-1, 0, 0.25, 1}}}, {3, binSpec{mode: binEdges, edges: []float64{1, 2}}}}
	add(fxCase{Name: "long table: per-feature edges", SQL: numCountsSQL(must(rl.branches(rl.summaryWindows(), []chFeature{lfeats[0], lfeats[2]}, false)), perFeature), Columns: fxCountCols, Rows: fxCountRows(perFeature, lvalsByKey)})
	var lraw [][]any
	for k, name := range map[int]string{1: "a", 3: "we'ird"} {
		for w, vs := range lvals[name] {
			lraw = append(lraw, []any{k, w, min(len(finiteOnly(vs)), 100)})
		}
	}
	add(fxCase{Name: "long table: raw sample", SQL: rawSQL(must(rl.branches(rl.summaryWindows(), []chFeature{lfeats[0], lfeats[2]}, true)), rawPlan{perGroup: 100, threshold: func(int, bool) uint64 { return hashThreshold(100, 600) }}),
		Columns: []string{"__k", "__w", "__v"}, Rows: lraw, Check: "groupcount"})

	// 7. Baseline table as the reference (no time filter on it).
	qb := &models.Query{QueryType: "drift", Method: "psi", Reference: &models.Reference{Mode: "baseline", Table: "base"}}
	rb := fxRun(t, qb, false)
	// A baseline table has every compared column (resolveBaseline checks).
	rb.in.features = rb.in.features[:2]
	baseLabel := func(ts int64) int64 { return fxWindowOf(ts, rb, false) }
	var bstats [][]any
	for _, feat := range rb.in.features {
		bstats = append(bstats, fxStatsRows(feat.Key, fxWideValues(d, rb, feat.Name, baseLabel))...)
	}
	for w, n := range windowRows(rb, baseLabel) {
		bstats = append(bstats, fxCountRow(0, w, n))
	}
	add(fxCase{Name: "baseline table stats", SQL: numStatsSQL(must(rb.in.branches(rb.statsWindows(), rb.in.features, nil, false, time.Minute)), must(rb.in.countBranches(rb.statsWindows(), nil, time.Minute)), statsOpts{}),
		Columns: fxStatsCols, Rows: bstats, Tolerance: 1e-9})
	add(fxCase{Name: "baseline raw sample", SQL: rawSQL(must(rb.branches(rb.summaryWindows(), rb.in.features[:1], true)), rawPlan{perGroup: 100, threshold: func(_ int, ref bool) uint64 {
		if ref {
			return hashThreshold(100, 400)
		}
		return hashThreshold(100, 600)
	}}), Columns: []string{"__k", "__w", "__v"}, Rows: [][]any{{1, 0, 100}, {1, 1, 100}}, Check: "groupcount"})

	// 8. Free SQL with macros, as a subquery.
	rs := fxRun(t, q, false)
	rs.in.current = chSource{sql: "SELECT ts, a AS x FROM mlw_fx.wide WHERE $__timeFilter(ts) AND model = 'fraud' -- trailing comment", label: "the SQL query"}
	rs.in.features = []chFeature{{Name: "x", Key: 1, Column: "`x`", Numeric: true}}
	xv := fxValues{}
	for _, row := range d.wide {
		if w := fxWindowOf(row.ts, rs, false); w >= 0 && row.model == "fraud" {
			xv[w] = append(xv[w], row.a)
		}
	}
	add(fxCase{Name: "free SQL with macros", SQL: numStatsSQL(must(rs.in.branches(rs.statsWindows(), rs.in.features, nil, false, time.Minute)), nil, statsOpts{}), Columns: fxStatsCols, Rows: fxStatsRows(1, xv), Tolerance: 1e-9})

	// 9. The schema probes and the hash used for sampling (the same on
	// every version, checked against ClickHouse 18.16).
	probe, err := expandSQL("SELECT ts, a AS x FROM mlw_fx.wide WHERE $__timeFilter(ts)", chsql.Macros{From: fxT0.Add(-time.Hour), To: fxT0})
	if err != nil {
		t.Fatal(err)
	}
	add(fxCase{Name: "schema of free SQL", SQL: "SELECT * FROM " + probe + " LIMIT 0", Columns: []string{"ts", "x"}, Rows: [][]any{}})
	add(fxCase{Name: "cityHash64 is the same on every version", SQL: "SELECT cityHash64(toDateTime(1709290800, 'UTC'), 1.5, toFloat64(2), nan, '') AS h1, cityHash64('it\\'s') AS h2",
		Columns: []string{"h1", "h2"}, Rows: [][]any{{"3717950396809831386", "960466481377147449"}}})
	return f
}

// linearQuantile is numpy.quantile's default on sorted data.
func linearQuantile(sorted []float64, q float64) float64 {
	pos := q * float64(len(sorted)-1)
	i := int(math.Floor(pos))
	if i >= len(sorted)-1 {
		return sorted[len(sorted)-1]
	}
	return sorted[i] + (pos-float64(i))*(sorted[i+1]-sorted[i])
}

// fxEncode writes one setup statement and one case per line, so that
// diffs of the file stay readable.
func fxEncode(f fxFile) ([]byte, error) {
	var b bytes.Buffer
	comment, _ := json.Marshal(f.Comment)
	fmt.Fprintf(&b, "{\"comment\": %s,\n\"setup\": [\n", comment)
	for i, s := range f.Setup {
		j, err := json.Marshal(s)
		if err != nil {
			return nil, err
		}
		b.Write(j)
		if i < len(f.Setup)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString("],\n\"cases\": [\n")
	for i, c := range f.Cases {
		j, err := json.Marshal(c)
		if err != nil {
			return nil, fmt.Errorf("case %s: %w", c.Name, err)
		}
		b.Write(j)
		if i < len(f.Cases)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString("]}\n")
	return b.Bytes(), nil
}

// TestCHFixtures keeps tests/chdb/testdata/fixtures.json in step with the
// SQL builders.
func TestCHFixtures(t *testing.T) {
	f := buildFixtures(t)
	got, err := fxEncode(f)
	if err != nil {
		t.Fatal(err)
	}
	if *updateCHDB {
		if err := os.MkdirAll(filepath.Dir(fxPath), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(fxPath, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(fxPath)
	if err != nil {
		t.Fatalf("%v; run go test ./pkg/engine -run TestCHFixtures -update-chdb", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s is out of date with the SQL builders; run go test ./pkg/engine -run TestCHFixtures -update-chdb and run node --test tests/chdb/", fxPath)
	}
}
