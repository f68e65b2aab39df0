package drift

import "testing"

// BenchmarkAnderson: sizes and data as BenchmarkKS (ks_bench_test.go).
func BenchmarkAnderson(b *testing.B) { ksBenchMethod(b, "anderson") }
