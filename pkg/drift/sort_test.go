package drift

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
)

func TestSortFloats(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 5, radixMin - 1, radixMin, radixMin + 7, parallelSortMin + 3, 300_000} {
		x := make([]float64, n)
		for i := range x {
			switch i % 7 {
			case 0:
				x[i] = r.NormFloat64() * 1e6
			case 1:
				x[i] = float64(r.IntN(5)) // ties
			case 2:
				x[i] = -r.ExpFloat64()
			case 3:
				x[i] = math.Copysign(0, -1)
			case 4:
				x[i] = math.SmallestNonzeroFloat64 * float64(r.IntN(3)-1)
			case 5:
				x[i] = math.MaxFloat64 * float64(r.IntN(3)-1)
			default:
				x[i] = r.Float64()
			}
		}
		want := slices.Clone(x)
		slices.Sort(want)
		sortFloats(x)
		for i := range x {
			if x[i] != want[i] {
				t.Fatalf("n=%d: index %d: got %g, want %g", n, i, x[i], want[i])
			}
		}
	}
}

func BenchmarkSortFloats(b *testing.B) {
	for _, n := range []int{1000, 100_000, 1_000_000} {
		r := rand.New(rand.NewPCG(3, 4))
		src := make([]float64, n)
		for i := range src {
			src[i] = r.NormFloat64()
		}
		x := make([]float64, n)
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			for b.Loop() {
				copy(x, src)
				sortFloats(x)
			}
		})
	}
}
