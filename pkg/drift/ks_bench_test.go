package drift

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// ksBenchSizes are the per-side sizes of the method benchmarks.
var ksBenchSizes = []int{1000, 100000, 1000000}

// ksBenchSamples draws a reference from N(0,1) and a current window from
// N(0.01,1): a realistic small drift, so the p-values land in the costly
// middle regimes rather than at 0 or 1.
func ksBenchSamples(n int) (*Sample, *Sample) {
	rng := rand.New(rand.NewPCG(1, uint64(n)))
	ref, cur := make([]float64, n), make([]float64, n)
	for i := range n {
		ref[i] = rng.NormFloat64()
		cur[i] = rng.NormFloat64() + 0.01
	}
	return NewSampleOwned(ref), NewSampleOwned(cur)
}

func ksBenchMethod(b *testing.B, method string) {
	for _, n := range ksBenchSizes {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			// Samples arrive sorted (NewSample sorts once): the benchmark
			// measures the method itself.
			ref, cur := ksBenchSamples(n)
			for b.Loop() {
				if _, err := Numeric(method, ref, cur, Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkKS(b *testing.B) { ksBenchMethod(b, "ks") }
