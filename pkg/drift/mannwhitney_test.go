package drift

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestMannWhitney(t *testing.T) {
	// r = scipy.stats.mannwhitneyu(ref, cur, alternative="less"); (r.statistic, r.pvalue)
	cases := []struct {
		name     string
		ref, cur []float64
		u, p     float64
	}{
		// drift.md §8 B: ties, asymptotic.
		{"evidently", repeatFloats(1, 16, 2, 18, 3, 16, 4, 14, 5, 12, 6, 12), repeatFloats(1, 16, 2, 16, 3, 16, 4, 16, 5, 16, 6, 8), 3856, 0.4814330305987495},
		// Exact (small, no ties).
		{"exact", []float64{1, 2, 3}, []float64{4, 5, 6, 7}, 0, 0.02857142857142857},
		{"exact, other direction", []float64{4, 5, 6, 7}, []float64{1, 2, 3}, 12, 1},
		// modSeq(8,37,101,10) against modSeq(8,53,103,10,0.05): 8 and 8 is exact.
		{"exact 8 and 8", modSeq(8, 37, 101, 10, 0), modSeq(8, 53, 103, 10, 0.05), 38, 0.7473193473193473},
		// 9 and 9 is asymptotic.
		{"asymptotic 9 and 9", modSeq(9, 37, 101, 10, 0), modSeq(9, 53, 103, 10, 0.05), 53, 0.8745008647785387},
		// 5 against 1000 without ties is exact.
		{"exact 5 and 1000", []float64{0.5, 3.3, 7.1, 9.9, 2.2}, modSeq(1000, 7919, 1000, 100, 0.001), 2300, 0.3824886356733174},
		{"n=1 each", []float64{1}, []float64{2}, 0, 0.5},
		// All tied: the normal approximation has s = 0, z = −inf, p = 1.
		{"all tied", []float64{1, 1}, []float64{1, 1}, 2, 1},
		// One-sided: current shifted down is not "less".
		{"shift down", modSeq(300, 7919, 1000, 100, 1), modSeq(200, 7907, 1000, 100, 0), 35886.5, 0.9999002119298752},
		// modSeq(1000,7919,1000,1000) against modSeq(1000,7907,1000,1000,0.3).
		{"far tail", modSeq(1000, 7919, 1000, 1000, 0), modSeq(1000, 7907, 1000, 1000, 0.3), 245040, 4.503728725150762e-87},
		{"separated", modSeq(1000, 7919, 1000, 1000, 0), modSeq(1000, 7907, 1000, 1000, 2), 0, 0},
		// Ties spread over the merge lanes: modSeq(64,37,13,4) against modSeq(11,53,17,4).
		{"ties across lanes", modSeq(64, 37, 13, 4, 0), modSeq(11, 53, 17, 4, 0), 330, 0.3734010104709199},
		// Sparse ties: modSeq(3000,7919,2003,4) against modSeq(2500,7907,2011,4,0.25).
		{"sparse ties", modSeq(3000, 7919, 2003, 4, 0), modSeq(2500, 7907, 2011, 4, 0.25), 3735279.5, 0.40089067365825626},
	}
	for _, c := range cases {
		r, err := Numeric("mannw", NewSample(c.ref), NewSample(c.cur), Options{})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if !closeRel(r.Score, c.p, pTol) || !closeRel(r.Statistic, c.u, 0) {
			t.Errorf("%s: U = %.17g, p = %.17g; want %.17g, %.17g", c.name, r.Statistic, r.Score, c.u, c.p)
		}
	}
}

func TestMannWhitneyEffectiveN(t *testing.T) {
	// x = modSeq(1000,7919,1000,10), y = modSeq(1000,7907,1000,10,5.0): uncapped
	// mannwhitneyu(x, y, alternative="less") = (451250.0, 7.994681905836698e-05);
	// capped at 100: U2 scaled by 100²/1000², s from n1 = n2 = 100 with the
	// same tie share, norm.sf(z) = 0.11703679345424339.
	x, y := NewSample(modSeq(1000, 7919, 1000, 10, 0)), NewSample(modSeq(1000, 7907, 1000, 10, 5))
	r, err := Numeric("mannw", x, y, Options{})
	if err != nil || !closeRel(r.Score, 7.994681905836698e-05, pTol) || r.Statistic != 451250 {
		t.Errorf("uncapped: %+v %v", r, err)
	}
	r, err = Numeric("mannw", x, y, Options{MaxEffectiveN: 100})
	if err != nil || !closeRel(r.Score, 0.11703679345424339, pTol) || r.Statistic != 451250 || !noticeContains(r, "capped at 100") {
		t.Errorf("capped: %+v %v", r, err)
	}
}

func TestRankSumsParallelMatchesSerial(t *testing.T) {
	x := modSeq(300001, 7919, 100003, 7, 0)
	y := modSeq(200003, 7907, 100019, 7, 0.5)
	slices.Sort(x)
	slices.Sort(y)
	if got, want := rankSums(x, y), rankSumsRange(x, y, 0); got.twiceR1 != want.twiceR1 || got.ties != want.ties || !closeRel(got.tieTerm, want.tieTerm, 1e-15) {
		t.Errorf("parallel %+v, serial %+v", got, want)
	}
}

func TestMannWhitneyExactDistribution(t *testing.T) {
	// Exact integer arithmetic (Python fractions over the same generating
	// function) for sizes 8 and 20000: P(U >= k).
	cases := []struct {
		k    int64
		want float64
	}{
		{5000, 0.9999999996115378},
		{79000, 0.5239609508839979},
		{100000, 0.11268307707660973},
		{150000, 9.8147093342306e-08},
		{159000, 1.119298391976166e-15},
		{160000, 1.5721679507876896e-30},
	}
	for _, c := range cases {
		if got := mwuExactSF(c.k, 8, 20000); !closeRel(got, c.want, 1e-13) {
			t.Errorf("mwuExactSF(%d, 8, 20000) = %.17g, want %.17g", c.k, got, c.want)
		}
	}
	// Sizes 1 and n: U is uniform on 0..n, P(U >= k) = (n+1−k)/(n+1).
	for _, k := range []int64{0, 3, 50, 99, 100} {
		if got, want := mwuExactSF(k, 1, 100), float64(101-k)/101; !closeRel(got, want, 1e-14) {
			t.Errorf("mwuExactSF(%d, 1, 100) = %v, want %v", k, got, want)
		}
	}
}

// The lane merge (few ties) and the group walk (many ties) must rank
// identically whatever the ties.
func TestRankSumsPathsAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := range 400 {
		n, m := 1+rng.IntN(3000), 1+rng.IntN(3000)
		scale := math.Pow(10, float64(rng.IntN(5))) // 1 … 10⁴: heavy to rare ties
		draw := func(k int, shift float64) []float64 {
			v := make([]float64, k)
			for i := range v {
				v[i] = math.Round((rng.NormFloat64()+shift)*scale) / scale
			}
			slices.Sort(v)
			return v
		}
		x, y := draw(n, 0), draw(m, 0.1)
		offset := int64(rng.IntN(100))
		got, want := rankSumsRange(x, y, offset), rankSumsGroups(x, y, offset)
		if got.twiceR1 != want.twiceR1 || got.ties != want.ties || !closeRel(got.tieTerm, want.tieTerm, 1e-14) {
			t.Fatalf("trial %d (n=%d m=%d scale=%g): lanes %+v, groups %+v", trial, n, m, scale, got, want)
		}
	}
}
