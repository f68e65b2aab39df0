package drift

// Golden tests: every case in testdata/goldens/*.json was computed by
// tests/reference/generate_goldens.py with scipy, Evidently and numpy (see
// tests/reference/README.md). This file rebuilds each case's inputs —
// recipes reproduced exactly — runs the public entry points, and compares.
//
// Tolerance classes:
//   - exact:     |got−want| <= 1e-9·|want|, or <= 1e-15 absolute. The
//     absolute floor is for p-values near 0 or 1 that scipy forms by
//     subtraction (1 − cdf, 1 − P): there the last representable digits are
//     rounding noise of size ~1e-16, and a relative test on a value like
//     2e-17 would compare noise with noise.
//   - iterative: the same with 1e-6 relative, where scipy iterates,
//     interpolates or sums a series (kstwo, incomplete gamma/beta, the
//     Anderson–Darling table, the Cramér–von Mises series).
//   - montecarlo: a permutation p-value must lie in the case's band.
//
// A method that is not registered makes its cases fail (not skip): the
// goldens are the checklist of what the engine must do.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

const goldenDir = "testdata/goldens"

// jfloat decodes JSON numbers and the strings "nan", "inf", "-inf" (and
// null, as NaN): JSON has no literal for non-finite values.
type jfloat float64

func (f *jfloat) UnmarshalJSON(b []byte) error {
	s := string(bytes.TrimSpace(b))
	switch s {
	case "null", `"nan"`:
		*f = jfloat(math.NaN())
	case `"inf"`:
		*f = jfloat(math.Inf(1))
	case `"-inf"`:
		*f = jfloat(math.Inf(-1))
	default:
		var v float64
		if err := json.Unmarshal(b, &v); err != nil {
			return fmt.Errorf("not a number: %s", s)
		}
		*f = jfloat(v)
	}
	return nil
}

type goldenFile struct {
	Type  string       `json:"type"`
	Cases []goldenCase `json:"cases"`
}

type goldenCase struct {
	ID                 string          `json:"id"`
	Type               string          `json:"type"`
	Method             string          `json:"method"`
	Inputs             json.RawMessage `json:"inputs"`
	Options            goldenOptions   `json:"options"`
	Expected           json.RawMessage `json:"expected"`
	Tolerance          string          `json:"tolerance"`
	StatisticTolerance string          `json:"statistic_tolerance"`
	Band               []float64       `json:"band"`
	Source             string          `json:"source"`
	Note               string          `json:"note"`
}

type goldenOptions struct {
	Threshold     float64 `json:"threshold"`
	MaxEffectiveN int     `json:"max_effective_n"`
	Binning       *struct {
		Policy string    `json:"policy"`
		Bins   int       `json:"bins"`
		Edges  []float64 `json:"edges"`
	} `json:"binning"`
	Correction string  `json:"correction"`
	DriftShare float64 `json:"drift_share"`
}

func (g goldenOptions) options() Options {
	o := Options{Threshold: g.Threshold, MaxEffectiveN: g.MaxEffectiveN}
	if g.Binning != nil {
		o.Binning = Binning{Policy: BinningPolicy(g.Binning.Policy), Bins: g.Binning.Bins, Edges: g.Binning.Edges}
	}
	return o
}

// goldenExpected holds what the univariate and multivariate cases expect.
type goldenExpected struct {
	Kind           Kind    `json:"kind"`
	Score          jfloat  `json:"score"`
	Statistic      *jfloat `json:"statistic"`
	Threshold      float64 `json:"threshold"`
	Drifted        *bool   `json:"drifted"`
	Insufficient   bool    `json:"insufficient"`
	ReferenceCount *int    `json:"reference_count"`
	CurrentCount   *int    `json:"current_count"`
	Aligned        *struct {
		Upper     []jfloat `json:"upper"`
		RefCounts []jfloat `json:"ref_counts"`
		CurCounts []jfloat `json:"cur_counts"`
	} `json:"aligned"`
	RefRepaired  *bool `json:"ref_repaired"`
	CurRepaired  *bool `json:"cur_repaired"`
	ResultNotice *bool `json:"result_notice"`
}

// ---------------------------------------------------------------------------
// Input recipes (tests/reference/generate_goldens.py, "recipes" in the JSON
// header). lcg, repeat, values and concat are bit-exact; quasi_normal agrees
// with scipy's ndtri to an ulp, and the generator only uses it where no
// statistic depends on the last bit.

type lcg struct{ s uint64 }

func (g *lcg) uniform() float64 {
	g.s = g.s*6364136223846793005 + 1442695040888963407
	return float64(g.s>>11) * 0x1p-53
}

// normal4 is Irwin–Hall(4) − 2, summed left to right as the generator does.
func (g *lcg) normal4() float64 {
	u1 := g.uniform()
	u2 := g.uniform()
	u3 := g.uniform()
	u4 := g.uniform()
	return float64(float64(float64(u1+u2)+u3)+u4) - 2
}

type seriesSpec struct {
	Values []jfloat      `json:"values"`
	Recipe string        `json:"recipe"`
	N      int           `json:"n"`
	Mu     float64       `json:"mu"`
	S      float64       `json:"s"`
	Seed   uint64        `json:"seed"`
	Dist   string        `json:"dist"`
	Lo     float64       `json:"lo"`
	Hi     float64       `json:"hi"`
	K      float64       `json:"k"`
	Of     []float64     `json:"of"`
	Counts []int         `json:"counts"`
	Parts  []*seriesSpec `json:"parts"`
}

func (s *seriesSpec) build() ([]float64, error) {
	switch s.Recipe {
	case "":
		out := make([]float64, len(s.Values))
		for i, v := range s.Values {
			out[i] = float64(v)
		}
		return out, nil
	case "quasi_normal":
		out := make([]float64, s.N)
		for i := range out {
			p := (float64(i+1) - 0.5) / float64(s.N)
			out[i] = s.Mu + s.S*(math.Sqrt2*math.Erfinv(2*p-1))
		}
		return out, nil
	case "lcg":
		g := &lcg{s: s.Seed}
		out := make([]float64, s.N)
		for i := range out {
			switch s.Dist {
			case "uniform":
				w := s.Hi - s.Lo
				out[i] = s.Lo + float64(w*g.uniform())
			case "normal4":
				out[i] = s.Mu + float64(s.S*g.normal4())
			case "int":
				out[i] = s.Lo + math.Floor(float64(g.uniform()*s.K))
			default:
				return nil, fmt.Errorf("unknown lcg dist %q", s.Dist)
			}
		}
		return out, nil
	case "repeat":
		var out []float64
		for i, v := range s.Of {
			for range s.Counts[i] {
				out = append(out, v)
			}
		}
		return out, nil
	case "concat":
		var out []float64
		for _, p := range s.Parts {
			x, err := p.build()
			if err != nil {
				return nil, err
			}
			out = append(out, x...)
		}
		return out, nil
	}
	return nil, fmt.Errorf("unknown recipe %q", s.Recipe)
}

type catSpec struct {
	Values []*string      `json:"values"`
	Counts *orderedCounts `json:"counts"`
}

// orderedCounts keeps the JSON order of a {"category": count} object, so
// that values are fed to NewContingency in a fixed order.
type orderedCounts struct {
	keys   []string
	counts map[string]float64
}

func (o *orderedCounts) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	if _, err := dec.Token(); err != nil {
		return err
	}
	o.counts = map[string]float64{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		k := t.(string)
		var n float64
		if err := dec.Decode(&n); err != nil {
			return err
		}
		o.keys = append(o.keys, k)
		o.counts[k] = n
	}
	return nil
}

func (c *catSpec) values() []string {
	if c.Counts != nil {
		var out []string
		for _, k := range c.Counts.keys {
			for range int(c.Counts.counts[k]) {
				out = append(out, k)
			}
		}
		return out
	}
	out := make([]string, len(c.Values))
	for i, v := range c.Values {
		if v != nil {
			out[i] = *v // null stays "", which NewContingency treats as missing
		}
	}
	return out
}

type bucketSpec struct {
	Buckets [][2]json.RawMessage `json:"buckets"`
}

func (b *bucketSpec) build() (*Histogram, error) {
	var bs []Bucket
	for _, pair := range b.Buckets {
		var le string
		var n jfloat
		if err := json.Unmarshal(pair[0], &le); err != nil {
			return nil, err
		}
		if err := json.Unmarshal(pair[1], &n); err != nil {
			return nil, err
		}
		ub, err := ParseLe(le)
		if err != nil {
			return nil, err
		}
		bs = append(bs, Bucket{UpperBound: ub, Count: float64(n)})
	}
	return FromCumulative(bs)
}

type matrixSpec struct {
	Rows   [][]float64 `json:"rows"`
	Recipe string      `json:"recipe"`
	Seed   uint64      `json:"seed"`
	N      int         `json:"n"`
	D      int         `json:"d"`
	Mu     []float64   `json:"mu"`
	S      float64     `json:"s"`
}

func (m *matrixSpec) build() [][]float64 {
	if m.Recipe == "" {
		return m.Rows
	}
	g := &lcg{s: m.Seed}
	rows := make([][]float64, m.N)
	for i := range rows {
		rows[i] = make([]float64, m.D)
		for j := range rows[i] {
			rows[i][j] = m.Mu[j] + float64(m.S*g.normal4())
		}
	}
	return rows
}

// goldenMultivariate runs drift.Multivariate on rows.
func goldenMultivariate(method string, ref, cur [][]float64, o Options) (Result, error) {
	a, err := NewMatrix(ref)
	if err != nil {
		return Result{}, err
	}
	b, err := NewMatrix(cur)
	if err != nil {
		return Result{}, err
	}
	return Multivariate(method, a, b, o)
}

// ---------------------------------------------------------------------------
// Comparisons

var tolerances = map[string]float64{"exact": 1e-9, "iterative": 1e-6}

const absFloor = 1e-15

// closeTo reports whether got matches want under a tolerance class.
func closeTo(got, want float64, class string) bool {
	switch {
	case math.IsNaN(want):
		return math.IsNaN(got)
	case math.IsInf(want, 0):
		return got == want
	}
	rel, ok := tolerances[class]
	if !ok {
		rel = tolerances["exact"]
	}
	d := math.Abs(got - want)
	return d <= rel*math.Abs(want) || d <= absFloor
}

func loadGoldens(t *testing.T) []goldenCase {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(goldenDir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files in %s: %v", goldenDir, err)
	}
	sort.Strings(files)
	var all []goldenCase
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var gf goldenFile
		if err := json.Unmarshal(b, &gf); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		all = append(all, gf.Cases...)
	}
	return all
}

func TestGoldens(t *testing.T) {
	cases := loadGoldens(t)
	failed := map[string]int{}
	total := map[string]int{}
	for _, c := range cases {
		key := c.Type + "/" + c.Method
		total[key]++
		ok := t.Run(c.ID, func(t *testing.T) { runGolden(t, c) })
		if !ok {
			failed[key]++
		}
	}
	// One line per method, so that a run with many failures still reads.
	keys := make([]string, 0, len(total))
	for k := range total {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "  %-28s %3d/%3d pass\n", k, total[k]-failed[k], total[k])
	}
	t.Logf("golden summary (%d cases):\n%s", len(cases), b.String())
}

func runGolden(t *testing.T, c goldenCase) {
	switch c.Type {
	case "num":
		runNumGolden(t, c)
	case "cat":
		runCatGolden(t, c)
	case "binned":
		runBinnedGolden(t, c)
	case "multi":
		runMultiGolden(t, c)
	case "auto":
		runAutoGolden(t, c)
	case "dataset":
		runDatasetGolden(t, c)
	default:
		t.Errorf("%s: unknown case type %q", c.ID, c.Type)
	}
}

func decode(t *testing.T, c goldenCase, raw json.RawMessage, v any) bool {
	t.Helper()
	if err := json.Unmarshal(raw, v); err != nil {
		t.Errorf("%s: bad golden JSON: %v", c.ID, err)
		return false
	}
	return true
}

func runNumGolden(t *testing.T, c goldenCase) {
	var in struct{ Ref, Cur seriesSpec }
	var want goldenExpected
	if !decode(t, c, c.Inputs, &in) || !decode(t, c, c.Expected, &want) {
		return
	}
	ref, err := in.Ref.build()
	if err != nil {
		t.Fatalf("%s: %v", c.ID, err)
	}
	cur, err := in.Cur.build()
	if err != nil {
		t.Fatalf("%s: %v", c.ID, err)
	}
	r, err := Numeric(c.Method, NewSample(ref), NewSample(cur), c.Options.options())
	if err != nil {
		t.Errorf("%s: Numeric: %v", c.ID, err)
		return
	}
	checkResult(t, c, want, r)
}

func runCatGolden(t *testing.T, c goldenCase) {
	var in struct {
		Ref, Cur  catSpec
		CountsAPI bool `json:"counts_api"`
	}
	var want goldenExpected
	if !decode(t, c, c.Inputs, &in) || !decode(t, c, c.Expected, &want) {
		return
	}
	var tab *Contingency
	if in.CountsAPI {
		tab = NewContingencyCounts(in.Ref.Counts.counts, in.Cur.Counts.counts)
	} else {
		tab = NewContingency(in.Ref.values(), in.Cur.values())
	}
	r, err := Categorical(c.Method, tab, c.Options.options())
	if err != nil {
		t.Errorf("%s: Categorical: %v", c.ID, err)
		return
	}
	checkResult(t, c, want, r)
}

func runBinnedGolden(t *testing.T, c goldenCase) {
	var in struct{ Ref, Cur bucketSpec }
	var want goldenExpected
	if !decode(t, c, c.Inputs, &in) || !decode(t, c, c.Expected, &want) {
		return
	}
	ref, err := in.Ref.build()
	if err != nil {
		t.Errorf("%s: reference buckets: %v", c.ID, err)
		return
	}
	cur, err := in.Cur.build()
	if err != nil {
		t.Errorf("%s: current buckets: %v", c.ID, err)
		return
	}
	checkRepaired(t, c, "reference", ref, want.RefRepaired)
	checkRepaired(t, c, "current", cur, want.CurRepaired)
	ra, ca, _ := AlignHistograms(ref, cur)
	if a := want.Aligned; a != nil {
		checkVector(t, c, "aligned upper bounds", ra.Upper, a.Upper)
		checkVector(t, c, "aligned upper bounds (current)", ca.Upper, a.Upper)
		checkVector(t, c, "aligned reference counts", ra.Counts, a.RefCounts)
		checkVector(t, c, "aligned current counts", ca.Counts, a.CurCounts)
	}
	r, err := Binned(c.Method, ra, ca, c.Options.options())
	if err != nil {
		t.Errorf("%s: Binned: %v", c.ID, err)
		return
	}
	checkResult(t, c, want, r)
	if want.ResultNotice != nil && *want.ResultNotice && len(r.Notices) == 0 {
		t.Errorf("%s: expected a notice (the +Inf share), got none", c.ID)
	}
}

// checkRepaired: a histogram whose cumulative counts decreased beyond the
// 1e-12 tolerance must say it was forced monotonic; one repaired only
// within the tolerance (or not at all) must not.
func checkRepaired(t *testing.T, c goldenCase, side string, h *Histogram, want *bool) {
	if want == nil {
		return
	}
	said := slices.ContainsFunc(h.Notices, func(n string) bool { return strings.Contains(n, "monoton") })
	if said != *want {
		t.Errorf("%s: %s histogram: forced-monotonic notice = %v, want %v (notices: %q)", c.ID, side, said, *want, h.Notices)
	}
}

// checkVector compares counts and bounds: relative 1e-12, or 1e-12
// absolute around 0 (an empty bucket must stay empty).
func checkVector(t *testing.T, c goldenCase, what string, got []float64, want []jfloat) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %s: got %d values %v, want %d %v", c.ID, what, len(got), got, len(want), want)
		return
	}
	for i := range got {
		w := float64(want[i])
		if math.IsInf(w, 0) {
			if got[i] != w {
				t.Errorf("%s: %s[%d] = %g, want %g", c.ID, what, i, got[i], w)
			}
			continue
		}
		if math.Abs(got[i]-w) > 1e-12*math.Max(math.Abs(w), 1) {
			t.Errorf("%s: %s[%d] = %.17g, want %.17g (all: %v, want %v)", c.ID, what, i, got[i], w, got, want)
			return
		}
	}
}

func runMultiGolden(t *testing.T, c goldenCase) {
	var in struct{ Ref, Cur matrixSpec }
	var want goldenExpected
	if !decode(t, c, c.Inputs, &in) || !decode(t, c, c.Expected, &want) {
		return
	}
	r, err := goldenMultivariate(c.Method, in.Ref.build(), in.Cur.build(), c.Options.options())
	if err != nil {
		t.Errorf("%s: Multivariate: %v", c.ID, err)
		return
	}
	checkResult(t, c, want, r)
}

// checkResult compares a Result with the expected block.
func checkResult(t *testing.T, c goldenCase, want goldenExpected, r Result) {
	t.Helper()
	ws := float64(want.Score)
	if r.Kind != want.Kind {
		t.Errorf("%s: kind %q, want %q", c.ID, r.Kind, want.Kind)
	}
	if r.Threshold != want.Threshold {
		t.Errorf("%s: threshold %g, want %g", c.ID, r.Threshold, want.Threshold)
	}
	if want.Insufficient {
		if !r.Insufficient() {
			t.Errorf("%s: want insufficient data (NaN score), got score %.17g", c.ID, r.Score)
		}
		return
	}
	if c.Tolerance == "montecarlo" {
		if len(c.Band) != 2 || r.Score < c.Band[0] || r.Score > c.Band[1] || math.IsNaN(r.Score) {
			t.Errorf("%s: p-value %.6g outside the Monte Carlo band %v (permutation p over all splits/many draws: %.6g) [%s]", c.ID, r.Score, c.Band, ws, c.Source)
		}
	} else if !closeTo(r.Score, ws, c.Tolerance) {
		t.Errorf("%s: score %.17g, want %.17g (%s; rel err %.2g) [%s]", c.ID, r.Score, ws, c.Tolerance, relErr(r.Score, ws), c.Source)
	}
	if want.Statistic != nil && !math.IsNaN(float64(*want.Statistic)) {
		wst := float64(*want.Statistic)
		if !closeTo(r.Statistic, wst, c.StatisticTolerance) {
			t.Errorf("%s: statistic %.17g, want %.17g (%s; rel err %.2g)", c.ID, r.Statistic, wst, c.StatisticTolerance, relErr(r.Statistic, wst))
		}
	}
	if want.Drifted != nil && r.Drifted != *want.Drifted {
		t.Errorf("%s: drifted = %v, want %v (score %.6g, threshold %g)", c.ID, r.Drifted, *want.Drifted, r.Score, r.Threshold)
	}
	if want.ReferenceCount != nil && r.ReferenceCount != *want.ReferenceCount {
		t.Errorf("%s: reference count %d, want %d", c.ID, r.ReferenceCount, *want.ReferenceCount)
	}
	if want.CurrentCount != nil && r.CurrentCount != *want.CurrentCount {
		t.Errorf("%s: current count %d, want %d", c.ID, r.CurrentCount, *want.CurrentCount)
	}
}

func relErr(got, want float64) float64 {
	if want == 0 {
		return math.Abs(got)
	}
	return math.Abs(got-want) / math.Abs(want)
}

func runAutoGolden(t *testing.T, c goldenCase) {
	var want struct {
		Method         string `json:"method"`
		ReferenceCount int    `json:"reference_count"`
		Unique         int    `json:"unique"`
	}
	if !decode(t, c, c.Expected, &want) {
		return
	}
	var probe struct {
		Numeric bool `json:"numeric"`
	}
	if !decode(t, c, c.Inputs, &probe) {
		return
	}
	var refCount, unique int
	if probe.Numeric {
		var in struct{ Ref, Cur seriesSpec }
		if !decode(t, c, c.Inputs, &in) {
			return
		}
		ref, err := in.Ref.build()
		if err != nil {
			t.Fatal(err)
		}
		cur, err := in.Cur.build()
		if err != nil {
			t.Fatal(err)
		}
		rs, cs := NewSample(ref), NewSample(cur)
		refCount, unique = rs.Len(), countUniqueMerged(rs.Sorted(), cs.Sorted())
	} else {
		var in struct{ Ref, Cur catSpec }
		if !decode(t, c, c.Inputs, &in) {
			return
		}
		tab := NewContingency(in.Ref.values(), in.Cur.values())
		refCount, unique = int(tab.RefTotal()), len(tab.Categories)
	}
	if refCount != want.ReferenceCount || unique != want.Unique {
		t.Errorf("%s: counted %d reference rows and %d distinct values, Evidently %d and %d", c.ID, refCount, unique, want.ReferenceCount, want.Unique)
	}
	if got := AutoMethod(probe.Numeric, refCount, unique); got != want.Method {
		t.Errorf("%s: AutoMethod = %q, Evidently picks %q", c.ID, got, want.Method)
	}
}

func runDatasetGolden(t *testing.T, c goldenCase) {
	var in struct {
		PValues   []float64 `json:"p_values"`
		Threshold float64   `json:"threshold"`
	}
	var want struct {
		Thresholds     []*float64 `json:"thresholds"`
		Drifted        []bool     `json:"drifted"`
		DriftedColumns int        `json:"drifted_columns"`
		Share          float64    `json:"share"`
		DatasetDrifted bool       `json:"dataset_drifted"`
	}
	if !decode(t, c, c.Inputs, &in) || !decode(t, c, c.Expected, &want) {
		return
	}
	results := make([]Result, len(in.PValues))
	for i, p := range in.PValues {
		results[i] = Result{Method: "ks", Kind: PValue, Score: p, Statistic: math.NaN(), Threshold: in.Threshold, ReferenceCount: 100, CurrentCount: 100}
		results[i].decide()
	}
	d, err := Dataset(results, c.Options.DriftShare, Correction(c.Options.Correction))
	if err != nil {
		t.Errorf("%s: Dataset: %v", c.ID, err)
		return
	}
	got := make([]bool, len(results))
	for i, r := range results {
		got[i] = r.Drifted
		if w := want.Thresholds[i]; w != nil && !closeTo(r.Threshold, *w, "exact") {
			t.Errorf("%s: column %d threshold %.17g, want %.17g", c.ID, i, r.Threshold, *w)
		}
	}
	if !reflect.DeepEqual(got, want.Drifted) {
		t.Errorf("%s: drifted columns %v, want %v (p-values %v) [%s]", c.ID, got, want.Drifted, in.PValues, c.Source)
	}
	if d.DriftedColumns != want.DriftedColumns || !closeTo(d.Share, want.Share, "exact") || d.Drifted != want.DatasetDrifted {
		t.Errorf("%s: dataset %+v, want %d drifted, share %g, drifted %v", c.ID, d, want.DriftedColumns, want.Share, want.DatasetDrifted)
	}
}

// ---------------------------------------------------------------------------
// The committed goldens must be what the script produces.

// referencePython finds the interpreter of the reference virtualenv:
// $MLWATCH_PYTHON, else <repo>/.venv/bin/python.
func referencePython() string {
	if p := os.Getenv("MLWATCH_PYTHON"); p != "" {
		return p
	}
	p, _ := filepath.Abs(filepath.Join("..", "..", ".venv", "bin", "python"))
	return p
}

func TestGoldensComeFromScript(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: not regenerating the goldens")
	}
	py := referencePython()
	if _, err := os.Stat(py); err != nil {
		t.Skipf("!!! SKIPPED: no reference Python at %s (set MLWATCH_PYTHON or create the venv from "+
			"tests/reference/requirements.txt): the committed goldens are NOT being checked against "+
			"generate_goldens.py !!!", py)
	}
	out := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, py, filepath.Join("..", "..", "tests", "reference", "generate_goldens.py"), "--out", out)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("generate_goldens.py failed: %v\n%s", err, stderr.String())
	}
	committed, _ := filepath.Glob(filepath.Join(goldenDir, "*.json"))
	fresh, _ := filepath.Glob(filepath.Join(out, "*.json"))
	if len(committed) != len(fresh) {
		t.Fatalf("the script writes %d files, %d are committed", len(fresh), len(committed))
	}
	for _, f := range committed {
		a := readCases(t, f)
		b := readCases(t, filepath.Join(out, filepath.Base(f)))
		if len(a) != len(b) {
			t.Errorf("%s: %d committed cases, the script makes %d", filepath.Base(f), len(a), len(b))
		}
		for i := range min(len(a), len(b)) {
			ida, idb := a[i].(map[string]any)["id"], b[i].(map[string]any)["id"]
			if ida != idb {
				t.Errorf("%s: case %d is %v committed, %v from the script", filepath.Base(f), i, ida, idb)
				continue
			}
			if path, ok := sameJSON(a[i], b[i]); !ok {
				t.Errorf("%s: %v differs from the script's output at %s", filepath.Base(f), ida, path)
			}
		}
	}
}

func readCases(t *testing.T, path string) []any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	cases, _ := doc["cases"].([]any)
	return cases
}

// sameJSON compares two decoded JSON trees; numbers agree within a
// relative 1e-12 (numpy versions may differ in the last bits).
func sameJSON(a, b any) (string, bool) {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return "", false
		}
		for k, v := range x {
			if p, ok := sameJSON(v, y[k]); !ok {
				return "." + k + p, false
			}
		}
		return "", true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return "", false
		}
		for i := range x {
			if p, ok := sameJSON(x[i], y[i]); !ok {
				return fmt.Sprintf("[%d]%s", i, p), false
			}
		}
		return "", true
	case float64:
		y, ok := b.(float64)
		if !ok {
			return "", false
		}
		d := math.Abs(x - y)
		return fmt.Sprintf(" (%.17g vs %.17g)", x, y), d <= 1e-12*math.Max(math.Abs(x), math.Abs(y)) || d <= absFloor
	default:
		return fmt.Sprintf(" (%v vs %v)", a, b), reflect.DeepEqual(a, b)
	}
}
