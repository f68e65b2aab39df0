package drift

import (
	"fmt"
	"sync"
	"testing"
)

// Benchmarks at 1k, 10k and 100k rows per side, d = 8 and 64, with the
// default estimator for each size: 1k per side (n+m = 2000) is the
// quadratic permutation test with 100 permutations, larger sizes the
// linear-time test (mmd) and the 2000-row subsample (energy).

var (
	mvBenchMu   sync.Mutex
	mvBenchData = map[[3]int]*Matrix{}
)

// mvBenchMatrix caches the generated inputs across benchmarks: the 100k×64
// ones take longer to draw than some of the methods take to run.
func mvBenchMatrix(rows, cols int, side int) *Matrix {
	mvBenchMu.Lock()
	defer mvBenchMu.Unlock()
	key := [3]int{rows, cols, side}
	if m, ok := mvBenchData[key]; ok {
		return m
	}
	m := mvNormal(rows, cols, 0.05*float64(side), 1, uint64(rows*131+cols*7+side))
	mvBenchData[key] = m
	return m
}

func benchMultivariate(b *testing.B, method string) {
	for _, cols := range []int{8, 64} {
		for _, rows := range []int{1_000, 10_000, 100_000} {
			b.Run(fmt.Sprintf("d=%d/n=%d", cols, rows), func(b *testing.B) {
				ref, cur := mvBenchMatrix(rows, cols, 0), mvBenchMatrix(rows, cols, 1)
				b.ResetTimer()
				for b.Loop() {
					if _, err := Multivariate(method, ref, cur, Options{Seed: 1}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

func BenchmarkMMD(b *testing.B) { benchMultivariate(b, "mmd") }
