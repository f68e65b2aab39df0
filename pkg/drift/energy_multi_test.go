package drift

import (
	"math"
	"strings"
	"testing"
)

// mvQuasi is drift.md's quasi-normal sample as one column:
// mu + s·Φ⁻¹((i−0.5)/n), i = 1..n.
func mvQuasi(n int, mu, s float64) *Matrix {
	v := make([]float64, n)
	for i := range v {
		p := (float64(i) + 0.5) / float64(n)
		v[i] = mu + s*math.Sqrt2*math.Erfinv(2*p-1)
	}
	return mvCol(v...)
}

// One column: scipy.stats.energy_distance (scipy 1.17.1), to the digit.
func TestEnergyMultiOneColumnIsScipy(t *testing.T) {
	a := []float64{38.7, 41.5, 43.8, 44.5, 45.5, 46.0, 47.7, 58.0}
	a5 := make([]float64, len(a))
	for i, v := range a {
		a5[i] = v + 5
	}
	tests := []struct {
		name  string
		x, y  *Matrix
		scipy float64
		rel   float64
	}{
		// energy_distance([0,1,2,3],[1,2,3,4,5])
		{"§8 E", mvCol(0, 1, 2, 3), mvCol(1, 2, 3, 4, 5), 0.9746794344808964, 1e-15},
		// energy_distance([0],[2])
		{"n=1", mvCol(0), mvCol(2), 2.0000000000000004, 1e-15},
		// a=[38.7,41.5,43.8,44.5,45.5,46.0,47.7,58.0]; energy_distance(a, a+5)
		{"shift", mvCol(a...), mvCol(a5...), 1.9332614929181204, 1e-15},
		// q=lambda n,mu,s: mu+s*norm.ppf((np.arange(1,n+1)-0.5)/n); energy_distance(q(1000,0,1), q(500,0.1,1))
		{"quasi 1000/500", mvQuasi(1000, 0, 1), mvQuasi(500, 0.1, 1), 0.07513625319793288, 1e-12},
		// ties and identical samples: energy_distance([1,1,2,2,3],[1,1,2,2,3]) = 0
		{"identical with ties", mvCol(1, 1, 2, 2, 3), mvCol(3, 2, 1, 2, 1), 0, 0},
		// constant samples: energy_distance([4,4,4],[4,4]) = 0
		{"constant", mvCol(4, 4, 4), mvCol(4, 4), 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Multivariate("energy", tc.x, tc.y, Options{})
			if err != nil {
				t.Fatal(err)
			}
			mvClose(t, "energy", r.Score, tc.scipy, tc.rel)
			// The univariate method gives the same bits.
			u, err := Numeric("energy", NewSample(tc.x.Data), NewSample(tc.y.Data), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if u.Score != r.Score {
				t.Errorf("univariate energy %.17g, multivariate %.17g", u.Score, r.Score)
			}
			// The pairwise formula (used for d > 1) agrees with scipy too.
			mvClose(t, "pairwise energy", energyRows(tc.x, tc.y, Options{}, 5000).score, tc.scipy, 1e-9)
		})
	}
}

// Several columns, against the V-statistic in numpy (as dcor's
// energy_distance, square-rooted). With the sinm/intm/col helpers of
// mmd_test.go and
//
//	d = lambda x, y: np.sqrt(sq(x, y)).mean()
//	energy = lambda x, y: np.sqrt(2*d(x, y) - d(x, x) - d(y, y))
func TestEnergyMultiGolden(t *testing.T) {
	tests := []struct {
		name  string
		x, y  *Matrix
		numpy float64
	}{
		// energy(sinm(30,3,0,0), sinm(40,3,0.5,0.3))
		{"sin d=3", mvSin(30, 3, 0, 0), mvSin(40, 3, 0.5, 0.3), 0.6403274939109868},
		// energy(intm(12,2,7,3,5,1), intm(9,2,5,2,7,2)): tied distances
		{"ties d=2", mvInt(12, 2, 7, 3, 5, 1), mvInt(9, 2, 5, 2, 7, 2), 0.7892859319861233},
		// energy(sinm(3,4,0,0), sinm(200,4,0.2,0.1)): very unequal sizes
		{"3 vs 200 d=4", mvSin(3, 4, 0, 0), mvSin(200, 4, 0.2, 0.1), 0.569290906219426},
		// energy(sinm(1,3,0,0), sinm(5,3,1,0)): one reference row
		{"1 vs 5 d=3", mvSin(1, 3, 0, 0), mvSin(5, 3, 1, 0), 1.359103383508173},
		// identical samples
		{"identical d=8", mvSin(25, 8, 0, 0), mvSin(25, 8, 0, 0), 0},
		// constants (0,0) and (3,4): sqrt(2·5)
		{"constants", mvInt(4, 2, 0, 0, 1, 1), &Matrix{Rows: 3, Cols: 2, Data: []float64{3, 4, 3, 4, 3, 4}}, math.Sqrt(10)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Multivariate("energy", tc.x, tc.y, Options{})
			if err != nil {
				t.Fatal(err)
			}
			mvClose(t, "energy", r.Score, tc.numpy, 1e-12)
			if len(r.Notices) > 0 {
				t.Errorf("notices %v", r.Notices)
			}
			// Symmetric in its arguments.
			s, _ := Multivariate("energy", tc.y, tc.x, Options{})
			mvClose(t, "swapped", s.Score, tc.numpy, 1e-12)
		})
	}
}

func TestEnergyMultiSubsample(t *testing.T) {
	const limit = 400
	t.Run("close to the exact value", func(t *testing.T) {
		x, y := mvNormal(1500, 4, 0, 1, 1), mvNormal(1200, 4, 0.4, 1, 2)
		exact := energyRows(x, y, Options{}, 5000)
		for seed := range uint64(5) {
			est := energyRows(x, y, Options{Seed: seed}, limit)
			// The squared distance is about 0.3; its subsample estimate
			// has a standard error near 0.02.
			if math.Abs(est.score*est.score-exact.score*exact.score) > 0.1 {
				t.Errorf("seed %d: %v vs exact %v", seed, est.score, exact.score)
			}
			if !strings.Contains(strings.Join(est.notices, " "), "random subsamples of 400 of 1500 reference and 400 of 1200 current rows") {
				t.Errorf("%v", est.notices)
			}
		}
	})
	t.Run("deterministic for a seed", func(t *testing.T) {
		x, y := mvNormal(900, 3, 0, 1, 3), mvNormal(500, 3, 0, 1, 4)
		a, b := energyRows(x, y, Options{Seed: 9}, limit), energyRows(x, y, Options{Seed: 9}, limit)
		if a.score != b.score {
			t.Errorf("%v != %v", a.score, b.score)
		}
		if !strings.Contains(strings.Join(a.notices, " "), "400 of 900 reference and 400 of 500 current rows") {
			t.Errorf("%v", a.notices)
		}
	})
	t.Run("estimates the full-data V-statistic without subsample bias", func(t *testing.T) {
		// Same distribution: the exact V-statistic of the squared distance
		// is about E‖X−X'‖(1/n+1/m); a plain V-statistic on 20-row
		// subsamples would be 3 times larger. Averaged over seeds, the
		// estimate (before clamping at 0) matches the full-data value.
		x, y := mvNormal(60, 4, 0, 1, 5), mvNormal(60, 4, 0, 1, 6)
		exact, _, _ := energySquared(x, y, 0, 100)
		var mean, naive float64
		const runs = 4000
		for seed := range uint64(runs) {
			e2, sampled, _ := energySquared(x, y, seed, 20)
			if !sampled {
				t.Fatal("not subsampled")
			}
			mean += e2 / runs
			rng := newRNG(seed, streamSubsample)
			xs, ys := subsampleRows(x, 20, rng), subsampleRows(y, 20, rng)
			v, _, _ := energySquared(xs, ys, 0, 100)
			naive += v / runs
		}
		t.Logf("exact %.4g, mean estimate %.4g, mean naive subsample V-statistic %.4g", exact, mean, naive)
		if math.Abs(mean-exact) > 0.15*exact || naive < 2*exact {
			t.Errorf("mean estimate %.4g, exact %.4g, naive %.4g", mean, exact, naive)
		}
	})
}
