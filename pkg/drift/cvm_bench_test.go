package drift

import "testing"

// BenchmarkCramerVonMises: sizes and data as BenchmarkKS (ks_bench_test.go).
func BenchmarkCramerVonMises(b *testing.B) { ksBenchMethod(b, "cramer_von_mises") }
