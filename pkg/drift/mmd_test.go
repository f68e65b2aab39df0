package drift

import (
	"math"
	"runtime"
	"strings"
	"testing"
)

// alibi-detect cannot be installed here; its formulas, written in numpy
// (numpy 2.4.6), produced the numbers below. With
//
//	import numpy as np
//	sq = lambda x, y: ((x[:, None, :] - y[None, :, :]) ** 2).sum(-1)
//	def sigma_median(x):  # alibi_detect.utils.pytorch.kernels.sigma_median, x is y
//	    d = sq(x, x); n = len(x); return np.sqrt(0.5 * np.sort(d.ravel())[n + (d.size - n) // 2 - 1])
//	def mmd2u(x, y, s):  # alibi mmd2_from_kernel_matrix, diagonal zeroed
//	    z = np.vstack([x, y]); n, m = len(x), len(y); K = np.exp(-sq(z, z) / (2 * s * s)); K -= np.diag(np.diag(K))
//	    return K[:n, :n].sum() / (n * (n - 1)) + K[n:, n:].sum() / (m * (m - 1)) - 2 * K[:n, n:].mean()
//	sinm = lambda n, d, ph, sh: np.sin(0.7 * np.arange(n * d).reshape(n, d) + ph) + sh
//	intm = lambda n, d, a, b, mod, div: ((np.arange(n)[:, None] * a + np.arange(d)[None, :] * b) % mod) / div
//	col = lambda v: np.asarray(v, float).reshape(-1, 1)
//
// each case's values are `s = sigma_median(x); s, mmd2u(x, y, s), mmd2u(x, y, 1.0)`.

func TestMMDStatisticGolden(t *testing.T) {
	tests := []struct {
		name      string
		x, y      *Matrix
		sigma     float64 // median heuristic
		mmd2      float64 // with that sigma
		mmd2Sigma float64 // with sigma = 1
	}{
		// drift.md §8 E: x = col([0,1,2,3]), y = col([1,2,3,4,5]). The
		// document's −0.1871858663980367 differs from numpy's sum order in
		// the 16th digit.
		{"1-D §8 E", mvCol(0, 1, 2, 3), mvCol(1, 2, 3, 4, 5), 0.7071067811865476, -0.18718586639803658, -0.09928941681355274},
		// x = sinm(30,3,0,0), y = sinm(40,3,0.5,0.3)
		{"sin d=3", mvSin(30, 3, 0, 0), mvSin(40, 3, 0.5, 0.3), 1.2036658550698858, 0.04733798663683153, 0.09575085137625983},
		// x = intm(12,2,7,3,5,1), y = intm(9,2,5,2,7,2): integer data, many tied distances
		{"ties d=2", mvInt(12, 2, 7, 3, 5, 1), mvInt(9, 2, 5, 2, 7, 2), 2.5495097567963922, 0.0053903892226077055, 0.143461485280081},
		// x = y = sinm(25,8,0,0): identical samples, MMD²_u < 0
		{"identical d=8", mvSin(25, 8, 0, 0), mvSin(25, 8, 0, 0), 2.001948727870038, -0.04401341572628947, -0.0657163019242824},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q, notes := newMMDQuad(tc.x, tc.y, 0)
			if len(notes) > 0 {
				t.Errorf("unexpected notes %v", notes)
			}
			mvClose(t, "sigma", math.Sqrt(q.twoSigmaSq/2), tc.sigma, 1e-15)
			mvClose(t, "mmd2 (median sigma)", q.observed(), tc.mmd2, 1e-12)
			q1, _ := newMMDQuad(tc.x, tc.y, 2)
			mvClose(t, "mmd2 (sigma 1)", q1.observed(), tc.mmd2Sigma, 1e-12)
			r, err := Multivariate("mmd", tc.x, tc.y, Options{})
			if err != nil {
				t.Fatal(err)
			}
			mvClose(t, "Result.Statistic", r.Statistic, tc.mmd2, 1e-12)
			if !hasNotice(r, "quadratic-time") {
				t.Errorf("notices %v", r.Notices)
			}
		})
	}
}

// mmdDirect is MMD²_u by the definition, for checking the row-sum identities
// in mmdQuad.stat on both branches.
func mmdDirect(q *mmdQuad, inX []bool) float64 {
	N := q.n + q.m
	var sxx, syy, sxy float64
	for i := range N {
		for j := i + 1; j < N; j++ {
			v := q.k[q.base(i)+j]
			switch {
			case inX[i] && inX[j]:
				sxx += v
			case !inX[i] && !inX[j]:
				syy += v
			default:
				sxy += v
			}
		}
	}
	n, m := float64(q.n), float64(q.m)
	return 2*sxx/(n*(n-1)) + 2*syy/(m*(m-1)) - 2*sxy/(n*m)
}

func TestMMDStatBranches(t *testing.T) {
	for _, tc := range []struct{ n, m int }{{7, 11}, {11, 7}, {9, 9}, {2, 2}, {2, 5}, {5, 2}} {
		q, _ := newMMDQuad(mvSin(tc.n, 3, 0, 0), mvSin(tc.m, 3, 0.4, 0.2), 0)
		N, g := tc.n+tc.m, min(tc.n, tc.m)
		// An arbitrary split.
		idx := randomRows(N, g, newRNG(1, 1))
		sortInts(idx)
		inSmall := make([]bool, N)
		for _, i := range idx {
			inSmall[i] = true
		}
		inX := inSmall
		if tc.n > tc.m {
			inX = make([]bool, N)
			for i := range inX {
				inX[i] = !inSmall[i]
			}
		}
		mvClose(t, "stat vs direct", q.stat(idx, tc.n <= tc.m), mmdDirect(q, inX), 1e-12)
	}
}

func sortInts(a []int) {
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && a[j] < a[j-1]; j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
}

// The permutation p-value converges to the exact one, computed over every
// split of the pooled rows:
//
//	x, y = sinm(n,2,0,0), sinm(m,2,1.0,1.0); z = np.vstack([x,y]); s = sigma_median(x); obs = mmd2u(x,y,s)
//	v = [mmd2u(z[list(g)], z[[i for i in range(n+m) if i not in g]], s) for g in itertools.combinations(range(n+m), n)]
//	np.mean(np.array(v) >= obs - 1e-12)
func TestMMDPermutationExact(t *testing.T) {
	const perms = 20000
	for _, tc := range []struct {
		n, m  int
		exact float64
	}{
		{4, 5, 0.3968253968253968}, // 126 splits
		{5, 4, 0.6904761904761905}, // the current window is the smaller side
		{6, 3, 0.34523809523809523},
	} {
		r, err := Multivariate("mmd", mvSin(tc.n, 2, 0, 0), mvSin(tc.m, 2, 1, 1), Options{Permutations: perms, Seed: 7})
		if err != nil {
			t.Fatal(err)
		}
		// Monte-Carlo standard error of k/P, plus the +1 correction's bias.
		se := math.Sqrt(tc.exact * (1 - tc.exact) / perms)
		if math.Abs(r.Score-tc.exact) > 4*se+1.0/perms {
			t.Errorf("n=%d m=%d: p = %.5f, exact %.5f (se %.4f)", tc.n, tc.m, r.Score, tc.exact, se)
		}
	}
}

func TestMMDPermutationProperties(t *testing.T) {
	x, y := mvNormal(60, 5, 0, 1, 1), mvNormal(70, 5, 0.15, 1, 2)
	o := Options{Permutations: 200, Seed: 42}
	first, err := Multivariate("mmd", x, y, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("deterministic for a seed, whatever the cores", func(t *testing.T) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
		again, _ := Multivariate("mmd", x, y, o)
		if again.Score != first.Score || again.Statistic != first.Statistic {
			t.Errorf("GOMAXPROCS=1: %v / %v vs %v / %v", again.Score, again.Statistic, first.Score, first.Statistic)
		}
	})
	t.Run("p in [1/(P+1), 1]", func(t *testing.T) {
		for seed := range uint64(20) {
			r, _ := Multivariate("mmd", x, y, Options{Permutations: 50, Seed: seed})
			if r.Score < 1.0/51 || r.Score > 1 || math.Abs(r.Score*51-math.Round(r.Score*51)) > 1e-9 {
				t.Errorf("seed %d: p = %v", seed, r.Score)
			}
		}
	})
	t.Run("clearly different: p = 1/(P+1)", func(t *testing.T) {
		r, _ := Multivariate("mmd", mvNormal(40, 8, 0, 1, 3), mvNormal(40, 8, 1.5, 1, 4), Options{Seed: 1})
		if r.Score != 1.0/101 || !r.Drifted {
			t.Errorf("%+v", r)
		}
	})
	t.Run("identical samples: large p", func(t *testing.T) {
		r, _ := Multivariate("mmd", x, x, Options{Seed: 1})
		if r.Score < 0.9 || r.Drifted {
			t.Errorf("%+v", r)
		}
	})
	t.Run("constant samples", func(t *testing.T) {
		c := mvInt(10, 3, 0, 0, 1, 1) // all zeros
		r, _ := Multivariate("mmd", c, c, Options{})
		if r.Score != 1 || r.Statistic != 0 || !hasNotice(r, "every row is equal") {
			t.Errorf("equal constants: %+v", r)
		}
		d := &Matrix{Rows: 10, Cols: 3, Data: make([]float64, 30)}
		for i := range d.Data {
			d.Data[i] = 2
		}
		r, _ = Multivariate("mmd", c, d, Options{})
		if r.Score != 1.0/101 || !hasNotice(r, "reference rows are all equal") {
			t.Errorf("different constants: %+v", r)
		}
	})
	t.Run("Monte-Carlo consistency across seeds", func(t *testing.T) {
		const perms = 2000
		a, _ := Multivariate("mmd", x, y, Options{Permutations: perms, Seed: 1})
		b, _ := Multivariate("mmd", x, y, Options{Permutations: perms, Seed: 2})
		p := (a.Score + b.Score) / 2
		se := math.Sqrt(2 * p * (1 - p) / perms)
		if a.Score == b.Score || math.Abs(a.Score-b.Score) > 4*se {
			t.Errorf("p = %v and %v (se of the difference %.4f)", a.Score, b.Score, se)
		}
		if a.Statistic != b.Statistic {
			t.Error("the statistic depends on the seed")
		}
	})
	t.Run("ties in the reference fall back to non-zero distances", func(t *testing.T) {
		// 8 equal rows and 3 others: most reference pairs are at distance 0.
		ref := &Matrix{Rows: 11, Cols: 1, Data: []float64{1, 1, 1, 1, 1, 1, 1, 1, 2, 3, 5}}
		r, _ := Multivariate("mmd", ref, mvCol(1, 2, 3, 4, 5, 6), Options{})
		if r.Insufficient() || math.IsNaN(r.Statistic) || !hasNotice(r, "non-zero reference distances") {
			t.Errorf("%+v", r)
		}
	})
}

func TestMMDRouting(t *testing.T) {
	t.Run("quadratic up to the limit", func(t *testing.T) {
		out := mmdRoute(mvSin(10, 2, 0, 0), mvSin(10, 2, 0.3, 0), Options{}, 20)
		if !strings.Contains(strings.Join(out.notices, " "), "quadratic-time") {
			t.Errorf("%v", out.notices)
		}
	})
	t.Run("one small side: the larger is subsampled", func(t *testing.T) {
		x, y := mvNormal(500, 3, 0, 1, 5), mvNormal(8, 3, 2, 1, 6)
		out := mmdRoute(x, y, Options{Seed: 3}, 100)
		all := strings.Join(out.notices, " ")
		if !strings.Contains(all, "quadratic-time") || !strings.Contains(all, "reference window was subsampled at random from 500 to 92 rows") {
			t.Errorf("%v", out.notices)
		}
		if out.score != 1.0/101 {
			t.Errorf("p = %v for a shift of 2 sd", out.score)
		}
		again := mmdRoute(x, y, Options{Seed: 3}, 100)
		if again.score != out.score || again.statistic != out.statistic {
			t.Error("subsampled test not deterministic")
		}
		out = mmdRoute(y, x, Options{Seed: 3}, 100)
		if !strings.Contains(strings.Join(out.notices, " "), "current window was subsampled") {
			t.Errorf("%v", out.notices)
		}
	})
	t.Run("both sides large: linear time", func(t *testing.T) {
		x, y := mvNormal(300, 4, 0, 1, 7), mvNormal(301, 4, 0, 1, 8)
		out := mmdRoute(x, y, Options{Seed: 1}, 100)
		if !strings.Contains(strings.Join(out.notices, " "), "linear-time MMD² (Gretton et al. 2012) over 150 disjoint random pairs (300 of 300 reference and 300 of 301 current rows") {
			t.Errorf("%v", out.notices)
		}
	})
}

// linearMMD on rows in their given order, against numpy:
//
//	x, y = sinm(40,3,0,0), sinm(40,3,0.5,0.3); k = lambda a, b: np.exp(-((a-b)**2).sum(-1)/1.7)
//	h = k(x[0::2],x[1::2]) + k(y[0::2],y[1::2]) - k(x[0::2],y[1::2]) - k(x[1::2],y[0::2]); h.mean(), h.var(ddof=1)
func TestLinearMMDGolden(t *testing.T) {
	x, y := mvSin(40, 3, 0, 0), mvSin(40, 3, 0.5, 0.3)
	idx := make([]int, 40)
	for i := range idx {
		idx[i] = i
	}
	mean, variance := linearMMD(x, y, idx, idx, 1.7)
	mvClose(t, "mean h", mean, -0.06275709775891944, 1e-12)
	mvClose(t, "var h", variance, 0.007027354826143623, 1e-12)
}

func TestLinearMMDTest(t *testing.T) {
	const limit = 100 // forces the linear path on small data
	t.Run("calibrated under H0", func(t *testing.T) {
		// Independent samples from one distribution: about 5% of p-values
		// below 0.05 (binomial sd 1.5% over 200 runs).
		rejections := 0
		for run := range uint64(200) {
			x, y := mvNormal(200, 3, 0, 1, 1000+run), mvNormal(200, 3, 0, 1, 5000+run)
			if mmdRoute(x, y, Options{Seed: run}, limit).score < 0.05 {
				rejections++
			}
		}
		if rejections < 2 || rejections > 22 {
			t.Errorf("%d of 200 rejections at 0.05", rejections)
		}
	})
	t.Run("detects a shift", func(t *testing.T) {
		out := mmdRoute(mvNormal(2000, 8, 0, 1, 1), mvNormal(2000, 8, 0.5, 1, 2), Options{}, limit)
		if out.score > 1e-6 || out.statistic <= 0 {
			t.Errorf("p = %v, MMD²_l = %v", out.score, out.statistic)
		}
	})
	t.Run("identical samples", func(t *testing.T) {
		// Same rows on both sides, paired at random independently: no
		// evidence of drift.
		x := mvNormal(1000, 4, 0, 1, 3)
		out := mmdRoute(x, x, Options{Seed: 5}, limit)
		if out.score < 0.01 {
			t.Errorf("p = %v", out.score)
		}
	})
	t.Run("constant samples", func(t *testing.T) {
		c := &Matrix{Rows: 200, Cols: 2, Data: make([]float64, 400)}
		if out := mmdRoute(c, c, Options{}, limit); out.score != 1 || out.statistic != 0 {
			t.Errorf("equal constants: %+v", out)
		}
		d := &Matrix{Rows: 300, Cols: 2, Data: make([]float64, 600)}
		for i := range d.Data {
			d.Data[i] = 1
		}
		if out := mmdRoute(c, d, Options{}, limit); out.score != 0 || out.statistic <= 0 {
			t.Errorf("different constants: %+v", out)
		}
	})
	t.Run("MaxEffectiveN weakens the evidence", func(t *testing.T) {
		x, y := mvNormal(2000, 4, 0, 1, 11), mvNormal(2000, 4, 0.15, 1, 12)
		full := mmdRoute(x, y, Options{}, limit)
		capped := mmdRoute(x, y, Options{MaxEffectiveN: 200}, limit)
		if full.statistic != capped.statistic || capped.score <= full.score {
			t.Errorf("full p %v, capped p %v", full.score, capped.score)
		}
		// z scales with √(pairs): 1000 pairs → 100.
		zf, zc := zFromP(full.score), zFromP(capped.score)
		mvClose(t, "z ratio", zf/zc, math.Sqrt(10), 1e-6)
		if !strings.Contains(strings.Join(capped.notices, " "), "100 effective pairs instead of 1000") {
			t.Errorf("%v", capped.notices)
		}
	})
}

// zFromP inverts normSF.
func zFromP(p float64) float64 { return math.Sqrt2 * math.Erfcinv(2*p) }
