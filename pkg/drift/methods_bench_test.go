package drift

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

// BenchmarkNumericMethods times every numeric method on pre-built samples
// (the reference is sorted once and reused, as in the datasource and the
// CLI), at 1k, 100k and 1M values per side: N(0,1) against N(0.05,1).
// BenchmarkNewSample times the one-off cleaning and sorting.
func BenchmarkNumericMethods(b *testing.B) {
	for _, n := range []int{1_000, 100_000, 1_000_000} {
		ref, cur := benchSamples(n)
		binRef, binCur := benchBinary(n)
		for _, m := range Methods("num") {
			r, c := ref, cur
			switch m {
			case "z", "fisher_exact", "chisquare":
				// Methods for discrete data: binary 0/1 columns.
				r, c = binRef, binCur
			}
			b.Run(m+"/"+strconv.Itoa(n), func(b *testing.B) {
				for b.Loop() {
					if _, err := Numeric(m, r, c, Options{}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

func BenchmarkNewSample(b *testing.B) {
	for _, n := range []int{1_000, 100_000, 1_000_000} {
		r := rand.New(rand.NewPCG(7, uint64(n)))
		raw := make([]float64, n)
		for i := range raw {
			raw[i] = r.NormFloat64()
		}
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			for b.Loop() {
				NewSample(raw)
			}
		})
	}
}

func BenchmarkCategoricalMethods(b *testing.B) {
	for _, n := range []int{1_000, 100_000, 1_000_000} {
		r := rand.New(rand.NewPCG(11, uint64(n)))
		ref := map[string]float64{}
		cur := map[string]float64{}
		for range n {
			ref[strconv.Itoa(r.IntN(20))]++
			cur[strconv.Itoa(r.IntN(21))]++
		}
		t := NewContingencyCounts(ref, cur)
		for _, m := range Methods("cat") {
			if m == "z" || m == "fisher_exact" {
				continue // binary data only
			}
			b.Run(m+"/"+strconv.Itoa(n), func(b *testing.B) {
				for b.Loop() {
					if _, err := Categorical(m, t, Options{}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

func BenchmarkBinnedMethods(b *testing.B) {
	upper := []float64{0.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, math.Inf(1)}
	ref, _ := NewHistogram(upper, []float64{10, 20, 70, 200, 400, 800, 1000, 1000, 400, 80, 15, 5})
	cur, _ := NewHistogram(upper, []float64{5, 10, 45, 140, 300, 700, 1000, 1100, 550, 120, 20, 10})
	for _, m := range Methods("binned") {
		b.Run(m, func(b *testing.B) {
			for b.Loop() {
				if _, err := Binned(m, ref, cur, Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func benchBinary(n int) (*Sample, *Sample) {
	r := rand.New(rand.NewPCG(9, uint64(n)))
	a, c := make([]float64, n), make([]float64, n)
	for i := range a {
		if r.Float64() < 0.3 {
			a[i] = 1
		}
		if r.Float64() < 0.32 {
			c[i] = 1
		}
	}
	return NewSampleOwned(a), NewSampleOwned(c)
}

func benchSamples(n int) (*Sample, *Sample) {
	r := rand.New(rand.NewPCG(5, uint64(n)))
	a, c := make([]float64, n), make([]float64, n)
	for i := range a {
		a[i] = r.NormFloat64()
		c[i] = r.NormFloat64() + 0.05
	}
	return NewSampleOwned(a), NewSampleOwned(c)
}
