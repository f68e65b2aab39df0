package drift

import (
	"fmt"
	"testing"
)

// Continuous data: the asymptotic path (rank merge over both samples).
func BenchmarkMannWhitney(b *testing.B) { benchNumeric(b, "mannw", "normal") }

// Heavy ties: runs are galloped over.
func BenchmarkMannWhitneyTies(b *testing.B) { benchNumeric(b, "mannw", "five") }

// The exact path at its largest: 8 values against n, no ties, U near the
// centre (the generating function up to degree 4n).
func BenchmarkMannWhitneyExact(b *testing.B) {
	for _, n := range classicBenchSizes {
		_, cur := classicBenchPair(n, "normal")
		ref := NewSample([]float64{-0.3, -0.2, -0.1, 0.05, 0.1, 0.2, 0.3, 0.4})
		b.Run(fmt.Sprintf("n=8,m=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := Numeric("mannw", ref, cur, Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
