package drift

import (
	"math"
	"slices"
	"strings"
	"testing"
)

// pTol is the contract's tolerance against scipy (ARCHITECTURE / drift-api):
// p-values and statistics to a relative 1e-9.
const pTol = 1e-9

func countMap(keys string, values ...float64) map[string]float64 {
	m := map[string]float64{}
	for i, k := range strings.Split(keys, ",") {
		m[k] = values[i]
	}
	return m
}

func noticeContains(r Result, part string) bool {
	for _, n := range r.Notices {
		if strings.Contains(n, part) {
			return true
		}
	}
	return false
}

func TestChiSquareCategorical(t *testing.T) {
	// r = scipy.stats.chi2_contingency(table); (r.statistic, r.pvalue, r.dof)
	cases := []struct {
		name     string
		ref, cur map[string]float64
		stat, p  float64
		notice   string
	}{
		// chi2_contingency([[16,18,16,14,12,12],[16,16,16,16,16,8]]), drift.md §8 B.
		{"evidently counts", countMap("a,b,c,d,e,f", 16, 18, 16, 14, 12, 12), countMap("a,b,c,d,e,f", 16, 16, 16, 16, 16, 8), 1.6224089635854342, 0.8985262394026607, ""},
		// chi2_contingency([[5,0],[7,3]]): dof 1, Yates.
		{"yates", countMap("a,b", 5, 0), countMap("a,b", 7, 3), 0.46875, 0.4935627897033893, ""},
		// chi2_contingency([[1,1],[1,2]]): |e−o| < ½, Yates stops at e.
		{"yates capped at expectation", countMap("a,b", 1, 1), countMap("a,b", 1, 2), 0, 1, ""},
		// chi2_contingency([[10,5,0],[8,4,3]]): a category new in current.
		{"new category", countMap("a,b", 10, 5), countMap("a,b,c", 8, 4, 3), 3.3333333333333335, 0.1888756028375618, ""},
		// chi2_contingency([[10,5],[8,7]]) after dropping the empty "b".
		{"empty column dropped", countMap("a,b,c", 10, 0, 5), countMap("a,b,c", 8, 0, 7), 0.1388888888888889, 0.7093881150142264, "1 category with no values"},
		// chi2_contingency([[200,100],[100,200]])
		{"small p", countMap("a,b", 200, 100), countMap("a,b", 100, 200), 65.34, 6.302894599573739e-16, ""},
		// chi2_contingency([[1000,600],[600,1000]])
		{"tiny p", countMap("a,b", 1000, 600), countMap("a,b", 600, 1000), 199.00125, 3.449722533353426e-45, ""},
		// chi2_contingency([[2,1,3],[2,1,3]]): identical windows.
		{"identical", countMap("a,b,c", 2, 1, 3), countMap("a,b,c", 2, 1, 3), 0, 1, ""},
		// chi2_contingency([[5],[7]]): dof 0, scipy answers (0, 1).
		{"single category", countMap("a", 5), countMap("a", 7), 0, 1, "single category"},
	}
	for _, c := range cases {
		r, err := Categorical("chisquare", NewContingencyCounts(c.ref, c.cur), Options{})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if !closeRel(r.Score, c.p, pTol) || !closeRel(r.Statistic, c.stat, pTol) {
			t.Errorf("%s: p = %.17g, stat = %.17g; want %.17g, %.17g", c.name, r.Score, r.Statistic, c.p, c.stat)
		}
		if c.notice != "" && !noticeContains(r, c.notice) {
			t.Errorf("%s: notices %q lack %q", c.name, r.Notices, c.notice)
		}
		if r.Drifted != (c.p < DefaultPValueThreshold) {
			t.Errorf("%s: drifted = %v at p = %g", c.name, r.Drifted, r.Score)
		}
	}
}

func TestChi2Homogeneity(t *testing.T) {
	cases := []struct {
		ref, cur []float64
		stat, p  float64
		dof      int
	}{
		{[]float64{16, 18, 16, 14, 12, 12}, []float64{16, 16, 16, 16, 16, 8}, 1.6224089635854342, 0.8985262394026607, 5},
		// chi2_contingency([[1000000,1100000,0],[1050000,1000000,1]]): p underflows.
		{[]float64{1e6, 1.1e6, 0}, []float64{1.05e6, 1e6, 1}, 5380.8126012533985, 0, 2},
		{[]float64{0, 5, 0}, []float64{0, 7, 0}, 0, 1, 0},
		{[]float64{0, 0}, []float64{0, 0}, math.NaN(), math.NaN(), 0},
		{[]float64{0, 0}, []float64{3, 4}, math.NaN(), math.NaN(), 0}, // empty reference row
		{[]float64{1, 2}, []float64{3}, math.NaN(), math.NaN(), 0},    // rows of different lengths
	}
	for _, c := range cases {
		stat, p, dof := chi2Homogeneity(c.ref, c.cur)
		if !closeRel(stat, c.stat, pTol) || !closeRel(p, c.p, pTol) || dof != c.dof {
			t.Errorf("chi2Homogeneity(%v, %v) = %v, %v, %d; want %v, %v, %d", c.ref, c.cur, stat, p, dof, c.stat, c.p, c.dof)
		}
	}
}

func TestChiSquareBinnedPrometheus(t *testing.T) {
	// drift.md §8 D: chi2_contingency on the per-bucket counts = 80.80246652436719,
	// p = 1.0321535091858215e-12, dof 11.
	le := []float64{0.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, math.Inf(1)}
	refCum := []float64{10, 30, 100, 300, 700, 1500, 2500, 3500, 3900, 3980, 3995, 4000}
	curCum := []float64{5, 15, 60, 200, 500, 1200, 2200, 3300, 3850, 3970, 3990, 4000}
	build := func(cum []float64) *Histogram {
		var bs []Bucket
		for i := range le {
			bs = append(bs, Bucket{UpperBound: le[i], Count: cum[i]})
		}
		h, err := FromCumulative(bs)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	r, err := Binned("chisquare", build(refCum), build(curCum), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !closeRel(r.Statistic, 80.80246652436719, pTol) || !closeRel(r.Score, 1.0321535091858215e-12, pTol) || !r.Drifted {
		t.Errorf("got %+v", r)
	}
}

func TestChiSquareNumeric(t *testing.T) {
	// Distinct values 1, 2, 3, 4 as categories:
	// chi2_contingency([[2,1,3,0],[1,3,1,1]]) = 3.333333333333333, p 0.3430301461382446.
	r, err := Numeric("chisquare", NewSample([]float64{3, 1, 2, 3, 1, 3}), NewSample([]float64{1, 2, 4, 2, 2, 3}), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !closeRel(r.Statistic, 3.333333333333333, pTol) || !closeRel(r.Score, 0.3430301461382446, pTol) {
		t.Errorf("got %+v", r)
	}
	// A single value in both windows: dof 0, p 1.
	r, err = Numeric("chisquare", NewSample([]float64{7}), NewSample([]float64{7, 7, 7}), Options{})
	if err != nil || r.Score != 1 || r.Statistic != 0 {
		t.Errorf("constant: %+v, %v", r, err)
	}
}

func TestChiSquareEffectiveN(t *testing.T) {
	// Rows of 30000 capped at 100 keep their shares:
	// chi2_contingency([[100*2/3,100/3],[100/3,200/3]]) = 20.90888888888889, p 4.81654347107062e-06.
	tab := NewContingencyCounts(countMap("a,b", 20000, 10000), countMap("a,b", 10000, 20000))
	r, err := Categorical("chisquare", tab, Options{MaxEffectiveN: 100})
	if err != nil {
		t.Fatal(err)
	}
	if !closeRel(r.Statistic, 20.90888888888889, 1e-12) || !closeRel(r.Score, 4.81654347107062e-06, pTol) || !noticeContains(r, "capped at 100") {
		t.Errorf("got %+v", r)
	}
}

func TestValueCounts(t *testing.T) {
	a := []float64{1, 1, 1, 2, 5, 5, 5, 5, 5, 5, 5, 5, 5, 9}
	b := []float64{0, 1, 5, 5, 6}
	ca, cb := valueCounts(a, b)
	// Values 0, 1, 2, 5, 6, 9.
	wantA := []float64{0, 3, 1, 9, 0, 1}
	wantB := []float64{1, 1, 0, 2, 1, 0}
	if !slices.Equal(ca, wantA) || !slices.Equal(cb, wantB) {
		t.Fatalf("valueCounts = %v %v", ca, cb)
	}
	if n, ok := distinctAtMost(a, b, 3); ok || n != 4 {
		t.Errorf("distinctAtMost = %d, %v", n, ok)
	}
	for i := range a {
		want := i
		for want < len(a) && a[want] <= a[i] {
			want++
		}
		if got := runEnd(a, i, a[i]); got != want {
			t.Errorf("runEnd(%d) = %d, want %d", i, got, want)
		}
	}
}
