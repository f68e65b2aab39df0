package drift

import (
	"math"
	"testing"
)

// Expected values come from scipy 1.17.1 (python: from scipy.stats import
// kstwo, kstwobign; import scipy.special as sc).

// withinTol reports whether got is within rel (relative) or abs (absolute)
// of want; NaN only matches NaN.
func withinTol(got, want, rel, abs float64) bool {
	if math.IsNaN(want) || math.IsNaN(got) {
		return math.IsNaN(want) && math.IsNaN(got)
	}
	return got == want || math.Abs(got-want) <= math.Max(rel*math.Abs(want), abs)
}

func TestKstwoSF(t *testing.T) {
	tests := []struct {
		name string
		n    int
		d    float64
		want float64
	}{
		// kstwo.sf(0.15, 5)
		{"Ruben-Gambino lower end", 5, 0.15, 0.9988},
		// kstwo.sf(0.004, 200)
		{"Ruben-Gambino lower end, n > 140", 200, 0.004, 1.0},
		// kstwo.sf(0.95, 10)
		{"Ruben-Gambino upper end", 10, 0.95, 1.9531250000000172e-13},
		// kstwo.sf(0.6, 20)
		{"exact 2·smirnov for d >= 1/2", 20, 0.6, 2.0483011649719853e-07},
		// kstwo.sf(0.06, 50)
		{"Durbin matrix, small n", 50, 0.06, 0.9889221625382869},
		// kstwo.sf(0.2, 50)
		{"Pomeranz", 50, 0.2, 0.03143877776953241},
		// kstwo.sf(0.4, 24)
		{"Pomeranz, deep", 24, 0.4, 0.000560345836480014},
		// kstwo.sf(0.3, 100)
		{"2·smirnov, small n", 100, 0.3, 1.7719869892662917e-08},
		// kstwo.sf(0.002, 10000)
		{"Durbin matrix, large n", 10000, 0.002, 0.9999999999991761},
		// kstwo.sf(0.005, 20000)
		{"Pelz-Good", 20000, 0.005, 0.6974088406327613},
		// kstwo.sf(0.002, 200000)
		{"Pelz-Good, n > 100000", 200000, 0.002, 0.39995085369038097},
		// kstwo.sf(0.003, 500000)
		{"2·smirnov, large n", 500000, 0.003, 0.00024632301239186754},
		// kstwo.sf(0.0015, 1000000)
		{"2·smirnov, n = 10^6", 1000000, 0.0015, 0.022195758430640866},
		// kstwo.sf(0.017320508075688773, 1000000)
		{"2·smirnov tail, n = 10^6", 1000000, 0.017320508075688773, 5.035109528217802e-261},
		// kstwo.sf(0.05873670062235365, 100000)
		{"2·smirnov tail near 1e-300", 100000, 0.05873670062235365, 2.4621490787382656e-300},
		// kstwo.sf(0.13228756555322954, 20000)
		{"2·smirnov tail below 1e-300", 20000, 0.13228756555322954, 1.165127276078812e-305},
		// kstwo.sf(0.5873670062235365, 1000): the exact tail underflows
		{"underflow for large d", 1000, 0.5873670062235365, 0.0},
		// kstwo.sf(0.6090976933136424, 1000)
		{"zero beyond n·d² = 370", 1000, 0.6090976933136424, 0.0},
		// kstwo.sf(0.002, 2000000)
		{"n > 10^6 approximation", 2000000, 0.002, 2.247704493692889e-07},
		// kstwo.sf(0.005, 100)
		{"support lower end", 100, 0.005, 1.0},
		// kstwo.sf(1.0, 7)
		{"d = 1", 7, 1.0, 0.0},
		// kstwo.sf(0.7, 1)
		{"n = 1", 1, 0.7, 0.6000000000000001},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Pomeranz returns 1 − CDF: scipy's own rounding there is ~1e−12.
			if got := kstwoSF(tt.d, tt.n); !withinTol(got, tt.want, 1e-9, 0) {
				t.Errorf("kstwoSF(%v, %d) = %v, want %v", tt.d, tt.n, got, tt.want)
			}
		})
	}
}

func TestKstwoSFInvalid(t *testing.T) {
	for _, c := range []struct {
		d float64
		n int
	}{{0.5, 0}, {math.NaN(), 10}} {
		if got := kstwoSF(c.d, c.n); !math.IsNaN(got) {
			t.Errorf("kstwoSF(%v, %d) = %v, want NaN", c.d, c.n, got)
		}
	}
}

// The regimes of the one-sample distribution must also agree on the CDF
// side, where small values keep their relative accuracy.
func TestKstwoCDFRegimes(t *testing.T) {
	tests := []struct {
		name string
		cdf  func(int, float64) float64
		n    int
		d    float64
		want float64
	}{
		// kstwo.cdf(0.03162277660168379, 100)
		{"Durbin matrix", durbinMatrixCDF, 100, 0.03162277660168379, 9.701311535092147e-05},
		// kstwo.cdf(0.0021000000000000003, 500)
		{"Durbin matrix, tiny", durbinMatrixCDF, 500, 0.0021000000000000003, 2.270215644809972e-196},
		// kstwo.cdf(0.0005616523550470139, 50000)
		{"Durbin matrix, n = 50000", durbinMatrixCDF, 50000, 0.0005616523550470139, 5.272794993345147e-33},
		// kstwo.cdf(0.31622776601683794, 10)
		{"Pomeranz", pomeranzCDF, 10, 0.31622776601683794, 0.7817161461371511},
		// kstwo.cdf(0.05326236412913075, 141)
		{"Pelz-Good", pelzGoodCDF, 141, 0.05326236412913075, 0.20155140851101633},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.cdf(tt.n, tt.d); !withinTol(got, tt.want, 1e-11, 0) {
				t.Errorf("cdf(%d, %v) = %v, want %v", tt.n, tt.d, got, tt.want)
			}
		})
	}
}

func TestKstwobignSF(t *testing.T) {
	tests := []struct{ x, want float64 }{
		{0.05, 1.0},                   // kstwobign.sf(0.05)
		{0.3, 0.9999906941986655},     // kstwobign.sf(0.3)
		{0.5, 0.9639452436648751},     // kstwobign.sf(0.5)
		{0.82, 0.5119717052984973},    // kstwobign.sf(0.82)
		{0.83, 0.4961909953505036},    // kstwobign.sf(0.83)
		{1.0, 0.26999967167735456},    // kstwobign.sf(1.0)
		{1.36, 0.049485876755377876},  // kstwobign.sf(1.36)
		{2.0, 0.0006709252557796953},  // kstwobign.sf(2.0)
		{5.0, 3.8574996959278356e-22}, // kstwobign.sf(5.0)
		{20.0, 0.0},                   // kstwobign.sf(20.0)
		{0.0, 1.0},                    // kstwobign.sf(0.0)
		{math.NaN(), math.NaN()},      // kstwobign.sf(nan)
	}
	for _, tt := range tests {
		if got := kstwobignSF(tt.x); !withinTol(got, tt.want, 1e-14, 0) {
			t.Errorf("kstwobignSF(%v) = %v, want %v", tt.x, got, tt.want)
		}
	}
}

// The trapezoid shortcut for long Birnbaum–Tingey sums must agree with
// adding every term.
func TestSmirnovStepSumMatchesFullSum(t *testing.T) {
	for _, c := range []struct {
		n   int
		nx2 float64
	}{{5000, 2.2}, {20000, 30}, {300000, 5}, {300000, 200}, {1000000, 360}} {
		x := math.Sqrt(c.nx2 / float64(c.n))
		got := smirnovSF(c.n, x)
		full := smirnovFullSum(c.n, x)
		if !withinTol(got, full, 1e-12, 0) {
			t.Errorf("n=%d x=%v: stepped %v, full %v", c.n, x, got, full)
		}
	}
}

// smirnovFullSum is smirnovSF adding every term.
func smirnovFullSum(n int, x float64) float64 {
	nf := float64(n)
	a := nf * x
	aLo := math.FMA(nf, x, -a)
	fl := math.Floor(a)
	if fl == a && aLo < 0 {
		fl--
	}
	last := n - int(fl) - 1
	s := smirnovTerms{n: n, nf: nf, x: x, a: a, aLo: aLo, deltaN: ksStirlingDelta(n), offset: -2*nf*x*x - math.Log(x)}
	var acc float64
	for v := 0; v <= last; v++ {
		acc += s.term(v)
	}
	return math.Exp(s.offset + math.Log(x) + math.Log(acc))
}
