package drift

import "testing"

func BenchmarkFisherNumeric(b *testing.B) { benchNumeric(b, "fisher_exact", "binary") }
