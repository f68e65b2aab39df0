package drift

import (
	"math"
	"strings"
	"testing"
)

func TestFisherExactTable(t *testing.T) {
	// r = scipy.stats.fisher_exact(table); (r.statistic, r.pvalue)
	cases := []struct {
		a, b, c, d int64
		or, p      float64
		tol        float64
	}{
		{6, 0, 0, 6, math.Inf(1), 0.0021645021645021645, pTol},
		{5, 0, 0, 5, math.Inf(1), 0.007936507936507938, pTol},
		{3, 2, 2, 3, 2.25, 1, pTol},
		{7, 3, 12, 13, 2.5277777777777777, 0.2852664576802508, pTol},
		{0, 25, 1, 9, 0, 0.28571428571428575, pTol},
		{1, 9, 11, 3, 0.030303030303030304, 0.0027594561852200836, pTol},
		{20, 980, 45, 955, 0.4331065759637188, 0.002231273018873641, pTol},
		{100, 0, 0, 90, math.Inf(1), 1.4323515118371407e-56, pTol},
		// A million per window. scipy says 0.14294637962738152 and
		// 9.916969204511023e-56; mpmath (40 digits, the same 1 + 1e-14
		// rule) says the values below, which this code matches to 1e-14.
		// scipy (Boost) is off by 1.2e-10 and 2.3e-10 here.
		{301176, 698824, 300225, 699775, 1.0045327926370426, 0.14294637960992515035, 1e-12},
		{310469, 689531, 300225, 699775, 1.0494844696754342, 9.9169692022330840893e-56, 1e-12},
		// A zero margin: (nan, 1.0).
		{6, 0, 3, 0, math.NaN(), 1, 0},
	}
	for _, c := range cases {
		or, p := fisherExact(c.a, c.b, c.c, c.d)
		if !closeRel(p, c.p, c.tol) || !closeRel(or, c.or, 1e-15) {
			t.Errorf("fisherExact(%d %d %d %d) = %.17g, %.17g; want %.17g, %.17g", c.a, c.b, c.c, c.d, or, p, c.or, c.p)
		}
	}
}

func TestFisherMethod(t *testing.T) {
	// Evidently's test: six 'a' against six 'b' gives p ≈ 0.0021. The
	// table is [[ones_cur, zeros_cur], [ones_ref, zeros_ref]] with 'b' as 1:
	// fisher_exact([[6,0],[0,6]]) = (inf, 0.0021645021645021645).
	r, err := Categorical("fisher_exact", NewContingency(repeatStrings("a", 6), repeatStrings("b", 6)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !closeRel(r.Score, 0.0021645021645021645, pTol) || !math.IsInf(r.Statistic, 1) || !r.Drifted || r.Threshold != DefaultPValueThreshold {
		t.Errorf("got %+v", r)
	}
	// Windows of different sizes (Evidently refuses them):
	// ref 13 zeros + 12 ones, cur 3 zeros + 7 ones → fisher_exact([[7,3],[12,13]]).
	r, err = Numeric("fisher_exact", NewSample(repeatFloats(0, 13, 1, 12)), NewSample(repeatFloats(1, 7, 0, 3)), Options{})
	if err != nil || !closeRel(r.Score, 0.2852664576802508, pTol) || !closeRel(r.Statistic, 2.5277777777777777, pTol) {
		t.Errorf("unequal sizes: %+v %v", r, err)
	}
	// One value in both windows: p = 1, odds ratio undefined.
	r, err = Categorical("fisher_exact", NewContingency(repeatStrings("a", 3), repeatStrings("a", 8)), Options{})
	if err != nil || r.Score != 1 || !math.IsNaN(r.Statistic) || !noticeContains(r, "single value") {
		t.Errorf("single value: %+v %v", r, err)
	}
	_, err = Categorical("fisher_exact", NewContingency([]string{"a", "b", "c"}, []string{"a"}), Options{})
	if err == nil || !strings.Contains(err.Error(), "use chisquare") {
		t.Errorf("err = %v", err)
	}
	// Fractional counts are rounded, and said so.
	r, err = Categorical("fisher_exact", NewContingencyCounts(countMap("a,b", 5.6, 0), countMap("a,b", 0.2, 6)), Options{})
	if err != nil || !noticeContains(r, "rounded") || !closeRel(r.Score, 0.0021645021645021645, pTol) {
		t.Errorf("fractional: %+v %v", r, err)
	}
}

func TestHypergeomSums(t *testing.T) {
	h := hypergeom{total: 50, good: 20, draws: 15}
	var sum float64
	lo, hi := h.support()
	for k := lo; k <= hi; k++ {
		sum += h.pmf(k)
	}
	if math.Abs(sum-1) > 1e-14 {
		t.Errorf("pmf sums to %v", sum)
	}
	for k := lo; k < hi; k++ {
		if got := h.cdf(k) + h.sf(k); math.Abs(got-1) > 1e-14 {
			t.Errorf("cdf+sf(%d) = %v", k, got)
		}
	}
}

func TestExactTestsIgnoreEffectiveN(t *testing.T) {
	r, err := Categorical("fisher_exact", NewContingency(repeatStrings("a", 60, "b", 40), repeatStrings("a", 40, "b", 60)), Options{MaxEffectiveN: 10})
	if err != nil || !noticeContains(r, "does not apply") {
		t.Errorf("fisher: %+v %v", r, err)
	}
	r, err = Numeric("mannw", NewSample([]float64{1, 2, 3}), NewSample(modSeq(50, 7919, 1000, 7, 0.01)), Options{MaxEffectiveN: 10})
	if err != nil || !noticeContains(r, "does not apply") {
		t.Errorf("mannw exact: %+v %v", r, err)
	}
}
