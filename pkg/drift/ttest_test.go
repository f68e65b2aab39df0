package drift

import (
	"math"
	"testing"
)

// modSeq is the comments' Python seq(n, mul, mod, div, off) =
// [((i*mul) % mod)/div + off for i in range(n)]: a
// deterministic, unsorted sample that both languages build bit for bit.
func modSeq(n, mul, mod int, div, off float64) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = float64((i*mul)%mod)/div + off
	}
	return out
}

var (
	tTestEvidentlyA = []float64{38.7, 41.5, 43.8, 44.5, 45.5, 46.0, 47.7, 58.0}
	tTestEvidentlyB = []float64{39.2, 39.3, 39.7, 41.4, 41.8, 42.9, 43.3, 45.8}
)

func TestTTest(t *testing.T) {
	// r = scipy.stats.ttest_ind(ref, cur); (r.statistic, r.pvalue)
	cases := []struct {
		name     string
		ref, cur []float64
		stat, p  float64
	}{
		{"evidently", tTestEvidentlyA, tTestEvidentlyB, 1.8594523396226919, 0.08410572024397057},
		{"n=1 against 2", []float64{1}, []float64{2, 3}, -1.7320508075688774, 0.33333333333333337},
		{"ties", []float64{1, 1, 2, 2, 2, 3}, []float64{2, 2, 3, 3, 3, 4, 4}, -2.660601294732256, 0.02216289108091448},
		// modSeq(1000,7919,1000,10) against [5, 6, 100]
		{"very unequal sizes", modSeq(1000, 7919, 1000, 10, 0), []float64{5, 6, 100}, 0.7734671068862513, 0.4394286027771723},
		// modSeq(200,7919,1000,1000) against modSeq(300,7907,1000,1000,0.9)
		{"far tail", modSeq(200, 7919, 1000, 1000, 0), modSeq(300, 7907, 1000, 1000, 0.9), -33.925329889107196, 1.4377833312474087e-131},
		// modSeq(100000,7919,100003,100003) against modSeq(100000,7907,100019,100019,0.002)
		{"large", modSeq(100000, 7919, 100003, 100003, 0), modSeq(100000, 7907, 100019, 100019, 0.002), -1.5456630907972315, 0.12218753778019498},
	}
	for _, c := range cases {
		r, err := Numeric("t_test", NewSample(c.ref), NewSample(c.cur), Options{})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if !closeRel(r.Score, c.p, pTol) || !closeRel(r.Statistic, c.stat, pTol) {
			t.Errorf("%s: t = %.17g, p = %.17g; want %.17g, %.17g", c.name, r.Statistic, r.Score, c.stat, c.p)
		}
	}
}

func TestTTestDegenerate(t *testing.T) {
	// ttest_ind([1,1,1],[1,1,1]) = (nan, nan): NaN score with a notice.
	r, err := Numeric("t_test", NewSample([]float64{1, 1, 1}), NewSample([]float64{1, 1, 1}), Options{})
	if err != nil || !r.Insufficient() || !noticeContains(r, "constant and equal") {
		t.Errorf("constant equal: %+v %v", r, err)
	}
	// ttest_ind([1,1,1],[2,2,2]) = (-inf, 0.0).
	r, err = Numeric("t_test", NewSample([]float64{1, 1, 1}), NewSample([]float64{2, 2, 2}), Options{})
	if err != nil || r.Score != 0 || !math.IsInf(r.Statistic, -1) || !r.Drifted || !noticeContains(r, "different values") {
		t.Errorf("constant different: %+v %v", r, err)
	}
	// ttest_ind([1],[2]) = (nan, nan): no degrees of freedom.
	r, err = Numeric("t_test", NewSample([]float64{1}), NewSample([]float64{2}), Options{})
	if err != nil || !r.Insufficient() || !noticeContains(r, "degree of freedom") {
		t.Errorf("n=1 each: %+v %v", r, err)
	}
	// Identical samples: t = 0, p = 1.
	r, err = Numeric("t_test", NewSample(tTestEvidentlyA), NewSample(tTestEvidentlyA), Options{})
	if err != nil || r.Statistic != 0 || r.Score != 1 {
		t.Errorf("identical: %+v %v", r, err)
	}
}

func TestTTestEffectiveN(t *testing.T) {
	// Variances from the full samples, sizes capped at 50:
	// x = modSeq(1000,7919,1000,10), y = modSeq(1000,7907,1000,10,1.0);
	// ttest_ind_from_stats(x.mean(), x.std(ddof=1), 50, y.mean(), y.std(ddof=1), 50)
	// = (-0.1731185431143353, 0.8629153097168104); uncapped
	// ttest_ind(x, y) = (-0.7742096611387638, 0.43889841645445066).
	x, y := NewSample(modSeq(1000, 7919, 1000, 10, 0)), NewSample(modSeq(1000, 7907, 1000, 10, 1))
	r, err := Numeric("t_test", x, y, Options{MaxEffectiveN: 50})
	if err != nil || !closeRel(r.Statistic, -0.1731185431143353, pTol) || !closeRel(r.Score, 0.8629153097168104, pTol) || !noticeContains(r, "capped at 50") {
		t.Errorf("capped: %+v %v", r, err)
	}
	r, err = Numeric("t_test", x, y, Options{MaxEffectiveN: 5000})
	if err != nil || !closeRel(r.Statistic, -0.7742096611387638, pTol) || !closeRel(r.Score, 0.43889841645445066, pTol) || len(r.Notices) != 0 {
		t.Errorf("cap above n: %+v %v", r, err)
	}
}

func TestPairwiseSumSqMatchesNumpyOrder(t *testing.T) {
	// numpy sums the squared deviations pairwise; doing it on the fly must
	// give the same bits.
	for _, n := range []int{1, 7, 8, 9, 127, 128, 129, 1000, 4099} {
		x := modSeq(n, 7919, 1009, 7, 0.3)
		sq := make([]float64, n)
		for i, v := range x {
			sq[i] = (v - 1.5) * (v - 1.5)
		}
		if a, b := pairwiseSumSq(x, 1.5), pairwiseSum(sq); a != b {
			t.Errorf("n=%d: %v != %v", n, a, b)
		}
	}
}
