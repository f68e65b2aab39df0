package drift

import "testing"

func BenchmarkTTest(b *testing.B) { benchNumeric(b, "t_test", "normal") }
