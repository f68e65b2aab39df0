package drift

import "testing"

// Inputs and sizes: see mmd_bench_test.go.
func BenchmarkEnergyMulti(b *testing.B) { benchMultivariate(b, "energy") }
