package drift

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Expected values: scipy 1.17.1, stats.cramervonmises_2samp(ref, cur)
// (method="auto"); q and mod are defined in ks_test.go.

// The asymptotic p-value is 1 minus a series that scipy stops at terms
// below 1e−7, so its tail values are differences of numbers near 1: they
// agree to a few units of 1e−16 absolute, not relatively.
const cvmAbsTol = 1e-15

func TestCramerVonMisesMatchesScipy(t *testing.T) {
	nan := math.NaN()
	cases := []ksCase{
		// stats.cramervonmises_2samp([1.], [2.])
		{"n=1 each", []float64{1.}, []float64{2.}, nan, nan},
		// stats.cramervonmises_2samp([1.], [2.,3.])
		{"n=1 vs 2", []float64{1.}, []float64{2., 3.}, nan, nan},
		// stats.cramervonmises_2samp([1.,2.], [3.,4.])
		{"n=2 each separated", []float64{1., 2.}, []float64{3., 4.}, 0.375, 0.3333333333333333},
		// stats.cramervonmises_2samp([1.,2.], [1.,2.])
		{"identical n=2", []float64{1., 2.}, []float64{1., 2.}, 0.0, 1.0},
		// stats.cramervonmises_2samp([0,1,1,2,3,3,3], [0,0,1,2,2,3])
		{"ties 0..3 small", []float64{0, 1, 1, 2, 3, 3, 3}, []float64{0, 0, 1, 2, 2, 3}, 0.09478021978021989, 0.6818181818181818},
		// stats.cramervonmises_2samp([5.]*6, [5.]*4)
		{"constant vs constant", ksRep(5., 6), ksRep(5., 4), 0.13750000000000018, 0.5047619047619047},
		// stats.cramervonmises_2samp([5.]*6, [7.]*4)
		{"constant vs other constant", ksRep(5., 6), ksRep(7., 4), 1.3375000000000001, 0.0},
		// stats.cramervonmises_2samp([0.3,1.7,2.2], [0.1,0.5,0.9,1.1,2.5,2.6,3.0])
		{"unequal tiny", []float64{0.3, 1.7, 2.2}, []float64{0.1, 0.5, 0.9, 1.1, 2.5, 2.6, 3.0}, 0.08809523809523823, 0.8},
		// stats.cramervonmises_2samp([-0.5,0.1,2.0], q(10000))
		{"3 vs 10000", []float64{-0.5, 0.1, 2.0}, ksQuasi(10000), 0.07017174514312385, 0.843954448936024},
		// stats.cramervonmises_2samp(q(2000), [0.2,0.4,0.6])
		{"2000 vs 3", ksQuasi(2000), []float64{0.2, 0.4, 0.6}, 0.2337501248127809, 0.1962379729085998},
		// stats.cramervonmises_2samp(q(100), q(100,0.3))
		{"quasi 100 vs 100 shift 0.3", ksQuasi(100), ksQuasi(100, 0.3), 0.4042999999999992, 0.07048409261516475},
		// stats.cramervonmises_2samp(q(20), q(19,0.5))
		{"quasi 20 vs 19", ksQuasi(20), ksQuasi(19, 0.5), 0.23702204228519985, 0.21416676624878975},
		// stats.cramervonmises_2samp(q(21), q(20,0.5))
		{"quasi 21 vs 20", ksQuasi(21), ksQuasi(20, 0.5), 0.23379790940766565, 0.2153312222913829},
		// stats.cramervonmises_2samp(q(1000), q(999,0.1))
		{"quasi 1000 vs 999 shift 0.1", ksQuasi(1000), ksQuasi(999, 0.1), 0.4593798365649491, 0.05059355435968538},
		// stats.cramervonmises_2samp(q(5000), q(4999,0.05))
		{"quasi 5000 vs 4999 shift 0.05", ksQuasi(5000), ksQuasi(4999, 0.05), 0.5742589538715492, 0.025925468376552296},
		// stats.cramervonmises_2samp(q(5000), q(5000,0.05))
		{"quasi 5000 vs 5000 shift 0.05", ksQuasi(5000), ksQuasi(5000, 0.05), 0.5740581600000496, 0.025955300306942486},
		// stats.cramervonmises_2samp(q(10000), q(10000,0.03))
		{"quasi 10000 vs 10000 shift 0.03 (exact)", ksQuasi(10000), ksQuasi(10000, 0.03), 0.4134496799997578, 0.0665916117887021},
		// stats.cramervonmises_2samp(q(10001), q(10001,0.03))
		{"quasi 10001 vs 10001 shift 0.03 (asymptotic)", ksQuasi(10001), ksQuasi(10001, 0.03), 0.41348770082504416, 0.06657631423003485},
		// stats.cramervonmises_2samp(q(20000), q(15000,0.02))
		{"quasi 20000 vs 15000 shift 0.02", ksQuasi(20000), ksQuasi(15000, 0.02), 0.31504821857106435, 0.12267459158714089},
		// stats.cramervonmises_2samp(q(20000), q(20000,0.1))
		{"quasi 20000 vs 20000 shift 0.1", ksQuasi(20000), ksQuasi(20000, 0.1), 9.176127102499777, 3.886583277434852e-10},
		// stats.cramervonmises_2samp(q(1000), q(1000,0,1.5))
		{"quasi 1000 vs 1000 scale 1.5", ksQuasi(1000), ksQuasi(1000, 0, 1.5), 2.40722999999997, 1.564180356794509e-06},
		// stats.cramervonmises_2samp(q(100), q(100,4))
		{"near-separated 100 vs 100", ksQuasi(100), ksQuasi(100, 4), 16.4957, 4.980990064851198e-10},
		// stats.cramervonmises_2samp(q(50), q(70,20))
		{"separated 50 vs 70", ksQuasi(50), ksQuasi(70, 20), 9.723611111111111, 1.2033942731193292e-09},
		// stats.cramervonmises_2samp(mod(100,7,3,4), mod(90,5,1,4))
		{"ties 0..3 100 vs 90", ksModSeq(100, 7, 3, 4), ksModSeq(90, 5, 1, 4), 0.01165204678362386, 0.9999910004327751},
		// stats.cramervonmises_2samp(mod(1000,7,3,4), mod(800,5,1,4,1))
		{"ties 0..3 shifted 1000 vs 800", ksModSeq(1000, 7, 3, 4), ksModSeq(800, 5, 1, 4, 1), 24.77430324074072, 2.607381532904185e-09},
		// stats.cramervonmises_2samp(mod(20000,7,3,4), mod(15001,3,2,5))
		{"ties 0..3 vs 0..4, 20000 vs 15001", ksModSeq(20000, 7, 3, 4), ksModSeq(15001, 3, 2, 5), 145.4239697578978, 3.4725112563194216e-08},
		// stats.cramervonmises_2samp(q(500), q(500))
		{"identical quasi 500", ksQuasi(500), ksQuasi(500), 0.0, 1.0},
	}
	ksCheckCases(t, "cramer_von_mises", cases, 1e-9, cvmAbsTol)
}

func TestCramerVonMisesReferenceValues(t *testing.T) {
	a := []float64{38.7, 41.5, 43.8, 44.5, 45.5, 46.0, 47.7, 58.0}
	b := []float64{39.2, 39.3, 39.7, 41.4, 41.8, 42.9, 43.3, 45.8}
	tests := []struct {
		name     string
		ref, cur []float64
		t, p     float64
	}{
		// drift.md §8 B: stats.cramervonmises_2samp(a, b), exact
		{"§8 B", a, b, 0.4375, 0.06433566433566433},
		// §8 C (the notes round T): stats.cramervonmises_2samp(q(100), q(100,0.5))
		{"§8 C n=m=100 N(0.5,1)", ksQuasi(100), ksQuasi(100, 0.5), 1.109499999999997, 0.0013545989701462258},
		// stats.cramervonmises_2samp(q(1000), q(500,0.1))
		{"§8 C n=1000 m=500 N(0.1,1)", ksQuasi(1000), ksQuasi(500, 0.1), 0.306640222222228, 0.12952686245315204},
		// stats.cramervonmises_2samp(q(1000), q(1000,0,1.5))
		{"§8 C n=m=1000 N(0,1.5)", ksQuasi(1000), ksQuasi(1000, 0, 1.5), 2.40722999999997, 1.564180356794509e-06},
		// stats.cramervonmises_2samp(q(200), q(300))
		{"§8 C n=200 m=300 N(0,1)", ksQuasi(200), ksQuasi(300), 0.000666666666660376, 1.0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Numeric("cramer_von_mises", NewSample(tt.ref), NewSample(tt.cur), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if !withinTol(r.Statistic, tt.t, 1e-12, 0) || !withinTol(r.Score, tt.p, 1e-9, cvmAbsTol) {
				t.Errorf("T, p = %v, %v; want %v, %v", r.Statistic, r.Score, tt.t, tt.p)
			}
		})
	}
}

func TestBesselKQuarter(t *testing.T) {
	tests := []struct{ z, want float64 }{
		{0.0001, 21.351915864398094},    // kv(0.25, 0.0001)
		{0.01, 6.165741264139234},       // kv(0.25, 0.01)
		{0.2127, 1.8101866889650298},    // kv(0.25, 0.2127)
		{1.0, 0.4307397744485814},       // kv(0.25, 1.0)
		{1.99, 0.11681099287045543},     // kv(0.25, 1.99)
		{2.01, 0.11396439556919692},     // kv(0.25, 2.01)
		{5.0, 0.0037123027320318403},    // kv(0.25, 5.0)
		{20.0, 5.750002072403683e-10},   // kv(0.25, 20.0)
		{100.0, 4.65807645150984e-45},   // kv(0.25, 100.0)
		{600.0, 1.355899090158334e-262}, // kv(0.25, 600.0)
	}
	for _, tt := range tests {
		if got := besselKQuarter(tt.z); !withinTol(got, tt.want, 5e-15, 0) {
			t.Errorf("K_¼(%v) = %v, want %v", tt.z, got, tt.want)
		}
	}
}

func TestCvmLimitCDF(t *testing.T) {
	// from scipy.stats._hypotests import _cdf_cvm_inf
	tests := []struct{ x, want float64 }{
		{0.003, 1.2748440417041988e-18}, // _cdf_cvm_inf(0.003)
		{0.01, 5.864432809868958e-06},   // _cdf_cvm_inf(0.01)
		{0.05, 0.12371906895864906},     // _cdf_cvm_inf(0.05)
		{0.1, 0.4151265615932028},       // _cdf_cvm_inf(0.1)
		{0.3, 0.8648287311948927},       // _cdf_cvm_inf(0.3)
		{1.0, 0.9975395478198642},       // _cdf_cvm_inf(1.0)
		{2.0, 0.9999872192637342},       // _cdf_cvm_inf(2.0)
		{5.0, 0.9999999999513484},       // _cdf_cvm_inf(5.0)
	}
	for _, tt := range tests {
		if got := cvmLimitCDF(tt.x); !withinTol(got, tt.want, 1e-13, 0) {
			t.Errorf("cdf(%v) = %v, want %v", tt.x, got, tt.want)
		}
	}
}

// U must round exactly as numpy's sum does (pairwise within blocks of 8192,
// blocks added in order): T subtracts two numbers near n·m/N.
func TestPairwiseStreamMatchesNumpy(t *testing.T) {
	tests := []struct {
		n    int
		term func(i int) float64
		want float64
	}{
		// np.sum(1.0/(np.arange(20000)+1.0))
		{20000, func(i int) float64 { return 1 / float64(i+1) }, 10.480728217229329},
		// a = 1.0/(np.arange(20000)+1.0); np.sum(a**2*1e3)
		{20000, func(i int) float64 { v := 1 / float64(i+1); return v * v * 1e3 }, 1644.884068098206},
	}
	for _, tt := range tests {
		i := 0
		got := streamPairwiseSum(tt.n, func(buf []float64) {
			for k := range buf {
				buf[k] = tt.term(i)
				i++
			}
		})
		if got != tt.want {
			t.Errorf("n=%d: %v, want %v", tt.n, got, tt.want)
		}
	}
}

func TestCramerVonMisesExactTable(t *testing.T) {
	tests := []struct {
		u    float64
		m, n int
		want float64
	}{
		// from scipy.stats._hypotests import _pval_cvm_2samp_exact as f
		// f(3168., 8, 8): U of the §8 B samples
		{3168, 8, 8, 0.06433566433566433},
		// f(30., 2, 3): complete separation
		{30, 2, 3, 0.2},
		// f(0., 2, 2)
		{0, 2, 2, 1},
		// f(3612., 10, 7)
		{3612, 10, 7, 0.148241464417935},
		// f(4326., 10, 7)
		{4326, 10, 7, 0.0027766351295763062},
		// f(102131.5, 20, 19): a midrank (tied) U
		{102131.5, 20, 19, 0.07438616028837047},
		// f(113987.5, 20, 19)
		{113987.5, 20, 19, 0.0006187197655979394},
		// f(110600., 20, 20)
		{110600, 20, 20, 0.1973317615383679},
	}
	for _, tt := range tests {
		if got := cvmExactP(tt.u, tt.m, tt.n); !withinTol(got, tt.want, 1e-15, 0) {
			t.Errorf("U=%v m=%d n=%d: %v, want %v", tt.u, tt.m, tt.n, got, tt.want)
		}
	}
}

// With MaxEffectiveN binding, the p-value is asymptotic at the capped
// sizes with T scaled to them.
func TestCramerVonMisesMaxEffectiveN(t *testing.T) {
	ref, cur := NewSample(ksQuasi(20000)), NewSample(ksQuasi(20000, 0.03))
	plain, _ := Numeric("cramer_von_mises", ref, cur, Options{})
	capped, err := Numeric("cramer_von_mises", ref, cur, Options{MaxEffectiveN: 2000})
	if err != nil {
		t.Fatal(err)
	}
	if capped.Statistic != plain.Statistic || !(capped.Score > plain.Score) || !ksHasNotice(capped, "capped at 2000") {
		t.Errorf("plain %v/%v, capped %v/%v %v", plain.Statistic, plain.Score, capped.Statistic, capped.Score, capped.Notices)
	}
	want := cvmAsymptoticP(plain.Statistic*effSizeRatio(2000, 2000, 20000, 20000), 2000, 2000)
	if capped.Score != want {
		t.Errorf("capped p = %v, want %v", capped.Score, want)
	}
}

// U's counts and sums may run concurrently, and the second sample's ranks
// come from at-or-below counts; neither may change U.
func TestCvmUParallelMatchesSerial(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, levels := range []float64{0, 30} {
		a, b := make([]float64, 100000), make([]float64, 80000)
		for i := range a {
			a[i] = ksDraw(rng, levels, 0)
		}
		for i := range b {
			b[i] = ksDraw(rng, levels, 0.01)
		}
		sa, sb := NewSample(a), NewSample(b)
		// Serial counts, each sample's from the "below" side.
		xb, yb := make([]int32, len(a)), make([]int32, len(b))
		cvmCountRange(sa.Sorted(), sb.Sorted(), xb, make([]int32, len(b)), 0, 0)
		cvmCountRange(sb.Sorted(), sa.Sorted(), yb, make([]int32, len(a)), 0, 0)
		want := float64(len(a))*cvmMidrankSquares(sa.Sorted(), sb.Sorted(), xb, false) + float64(len(b))*cvmMidrankSquares(sb.Sorted(), sa.Sorted(), yb, false)
		if got := cvmU(sa.Sorted(), sb.Sorted()); got != want {
			t.Errorf("levels=%v: U = %v, serial %v", levels, got, want)
		}
	}
}
