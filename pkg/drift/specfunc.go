package drift

import (
	"fmt"
	"math"
)

// Special functions shared by several tests.

// normSF is the standard normal survival function, 1 − Φ(x), accurate in
// the tails.
func normSF(x float64) float64 { return 0.5 * math.Erfc(x/math.Sqrt2) }

// normCDF is Φ(x).
func normCDF(x float64) float64 { return 0.5 * math.Erfc(-x/math.Sqrt2) }

func formatOverflow(ref, cur float64) string {
	return fmt.Sprintf("the +Inf bucket holds %.4g%% of the reference and %.4g%% of the current window; its mass is placed at the highest finite bound", 100*ref, 100*cur)
}
