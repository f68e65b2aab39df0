package drift

import (
	"fmt"
	"testing"
)

// Numeric columns with five distinct values (what auto sends to chisquare).
func BenchmarkChiSquareNumeric(b *testing.B) { benchNumeric(b, "chisquare", "five") }

// Continuous values as categories: K ≈ 2n columns, the worst case.
func BenchmarkChiSquareNumericDistinct(b *testing.B) { benchNumeric(b, "chisquare", "normal") }

func BenchmarkChiSquareCategorical(b *testing.B) {
	for _, k := range []int{10, 1000, 100000} {
		ref, cur := map[string]float64{}, map[string]float64{}
		for i := range k {
			key := fmt.Sprintf("c%06d", i)
			ref[key], cur[key] = float64(100+i%7), float64(100+i%5)
		}
		tab := NewContingencyCounts(ref, cur)
		b.Run(fmt.Sprintf("k=%d", k), func(b *testing.B) {
			for b.Loop() {
				if _, err := Categorical("chisquare", tab, Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
