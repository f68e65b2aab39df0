package drift

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// classicBenchSizes are the per-window sizes the numeric benchmarks run at.
var classicBenchSizes = []int{1_000, 100_000, 1_000_000}

// classicBenchPair builds two prepared samples of n values each (sorted
// once, outside the timer, as a reused reference is): "normal" draws
// continuous values (current shifted by 0.01), "five" draws from five
// values, "binary" from two.
func classicBenchPair(n int, kind string) (*Sample, *Sample) {
	rng := rand.New(rand.NewPCG(1, uint64(n)))
	draw := func(shift float64) []float64 {
		v := make([]float64, n)
		for i := range v {
			switch kind {
			case "normal":
				v[i] = rng.NormFloat64() + shift
			case "five":
				v[i] = float64(rng.IntN(5))
			case "binary":
				if rng.Float64() < 0.3+shift {
					v[i] = 1
				}
			}
		}
		return v
	}
	return NewSampleOwned(draw(0)), NewSampleOwned(draw(0.01))
}

// benchNumeric runs a method through the public entry point at each size.
func benchNumeric(b *testing.B, method, kind string) {
	for _, n := range classicBenchSizes {
		ref, cur := classicBenchPair(n, kind)
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Numeric(method, ref, cur, Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkChi2SF(b *testing.B) {
	for _, dof := range []float64{5, 1e3, 2e6} {
		b.Run(fmt.Sprintf("dof=%g", dof), func(b *testing.B) {
			x := dof + 3*math.Sqrt(2*dof)
			for b.Loop() {
				chi2SF(x, dof)
			}
		})
	}
}

func BenchmarkStudentTSF(b *testing.B) {
	for _, df := range []float64{10, 1998, 1999998} {
		b.Run(fmt.Sprintf("df=%g", df), func(b *testing.B) {
			for b.Loop() {
				studentTSF(2.5, df)
			}
		})
	}
}
