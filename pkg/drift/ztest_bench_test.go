package drift

import "testing"

func BenchmarkZNumeric(b *testing.B) { benchNumeric(b, "z", "binary") }
