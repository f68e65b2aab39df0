package drift

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// Expected values come from scipy 1.17.1. In the python one-liners,
//
//	from scipy import stats; from scipy.stats import norm, kstwo, kstwobign
//	q = lambda n, mu=0., s=1.: mu + s*norm.ppf((np.arange(1, n+1) - 0.5)/n)
//	mod = lambda n, mult, add, m, shift=0.: ((np.arange(n)*mult + add) % m).astype(float) + shift
//
// q gives the deterministic "quasi-normal" samples of the reference notes
// (drift.md §8) and mod deterministic samples with heavy ties.

// ksQuasi is q(n, mu, s): mu + s·Φ⁻¹((i − ½)/n), i = 1..n.
func ksQuasi(n int, musd ...float64) []float64 {
	mu, sd := 0.0, 1.0
	if len(musd) > 0 {
		mu = musd[0]
	}
	if len(musd) > 1 {
		sd = musd[1]
	}
	out := make([]float64, n)
	for i := range out {
		p := (float64(i+1) - 0.5) / float64(n)
		out[i] = mu + sd*math.Sqrt2*math.Erfinv(2*p-1)
	}
	return out
}

// ksModSeq is mod(n, mult, add, m, shift): values 0..m−1 (+shift), many ties.
func ksModSeq(n, mult, add, m int, shift ...float64) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = float64((i*mult + add) % m)
		if len(shift) > 0 {
			out[i] += shift[0]
		}
	}
	return out
}

func ksRep(v float64, k int) []float64 {
	out := make([]float64, k)
	for i := range out {
		out[i] = v
	}
	return out
}

// ksCase is one two-sample input with scipy's statistic and p-value
// (NaN when scipy refuses the input).
type ksCase struct {
	name     string
	ref, cur []float64
	stat, pv float64
}

// ksCheckCases runs a method on each case; the p-value tolerance is
// relative pRel or absolute pAbs, whichever is larger.
func ksCheckCases(t *testing.T, method string, cases []ksCase, pRel, pAbs float64) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := Numeric(method, NewSample(c.ref), NewSample(c.cur), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if math.IsNaN(c.pv) {
				if !r.Insufficient() || len(r.Notices) == 0 {
					t.Errorf("got %v (%v), want no verdict with a notice", r.Score, r.Notices)
				}
				return
			}
			if !withinTol(r.Statistic, c.stat, 1e-12, 0) {
				t.Errorf("statistic = %v, want %v", r.Statistic, c.stat)
			}
			if !withinTol(r.Score, c.pv, pRel, pAbs) {
				t.Errorf("p-value = %v, want %v", r.Score, c.pv)
			}
		})
	}
}

func TestKSMatchesScipy(t *testing.T) {
	cases := []ksCase{
		// stats.ks_2samp([1.], [2.])
		{"n=1 each", []float64{1.}, []float64{2.}, 1.0, 1.0},
		// stats.ks_2samp([1.], [2.,3.])
		{"n=1 vs 2", []float64{1.}, []float64{2., 3.}, 1.0, 0.6666666666666666},
		// stats.ks_2samp([1.,2.], [3.,4.])
		{"n=2 each separated", []float64{1., 2.}, []float64{3., 4.}, 1.0, 0.3333333333333333},
		// stats.ks_2samp([1.,2.], [1.,2.])
		{"identical n=2", []float64{1., 2.}, []float64{1., 2.}, 0.0, 1.0},
		// stats.ks_2samp([0,1,1,2,3,3,3], [0,0,1,2,2,3])
		{"ties 0..3 small", []float64{0, 1, 1, 2, 3, 3, 3}, []float64{0, 0, 1, 2, 2, 3}, 0.2619047619047619, 0.9254079254079255},
		// stats.ks_2samp([5.]*6, [5.]*4)
		{"constant vs constant", ksRep(5., 6), ksRep(5., 4), 0.0, 1.0},
		// stats.ks_2samp([5.]*6, [7.]*4)
		{"constant vs other constant", ksRep(5., 6), ksRep(7., 4), 1.0, 0.009523809523809525},
		// stats.ks_2samp([0.3,1.7,2.2], [0.1,0.5,0.9,1.1,2.5,2.6,3.0])
		{"unequal tiny", []float64{0.3, 1.7, 2.2}, []float64{0.1, 0.5, 0.9, 1.1, 2.5, 2.6, 3.0}, 0.42857142857142855, 0.7000000000000001},
		// stats.ks_2samp([-0.5,0.1,2.0], q(10000))
		{"3 vs 10000", []float64{-0.5, 0.1, 2.0}, ksQuasi(10000), 0.31053333333333333, 0.8572058913753863},
		// stats.ks_2samp(q(2000), [0.2,0.4,0.6])
		{"2000 vs 3", ksQuasi(2000), []float64{0.2, 0.4, 0.6}, 0.5795, 0.1760134415065062},
		// stats.ks_2samp(q(100), q(100,0.3))
		{"quasi 100 vs 100 shift 0.3", ksQuasi(100), ksQuasi(100, 0.3), 0.12, 0.469506448503778},
		// stats.ks_2samp(q(20), q(19,0.5))
		{"quasi 20 vs 19", ksQuasi(20), ksQuasi(19, 0.5), 0.23684210526315788, 0.5351657978006094},
		// stats.ks_2samp(q(21), q(20,0.5))
		{"quasi 21 vs 20", ksQuasi(21), ksQuasi(20, 0.5), 0.2261904761904762, 0.5609127172623551},
		// stats.ks_2samp(q(1000), q(999,0.1))
		{"quasi 1000 vs 999 shift 0.1", ksQuasi(1000), ksQuasi(999, 0.1), 0.04056956956956957, 0.36794709197581066},
		// stats.ks_2samp(q(5000), q(4999,0.05))
		{"quasi 5000 vs 4999 shift 0.05", ksQuasi(5000), ksQuasi(4999, 0.05), 0.020106941388277656, 0.25903629377958576},
		// stats.ks_2samp(q(5000), q(5000,0.05))
		{"quasi 5000 vs 5000 shift 0.05", ksQuasi(5000), ksQuasi(5000, 0.05), 0.02, 0.27001861264689325},
		// stats.ks_2samp(q(10000), q(10000,0.03))
		{"quasi 10000 vs 10000 shift 0.03 (exact)", ksQuasi(10000), ksQuasi(10000, 0.03), 0.012, 0.46757740082070737},
		// stats.ks_2samp(q(10001), q(10001,0.03))
		{"quasi 10001 vs 10001 shift 0.03 (asymptotic)", ksQuasi(10001), ksQuasi(10001, 0.03), 0.011998800119988107, 0.4641199388658208},
		// stats.ks_2samp(q(20000), q(15000,0.02))
		{"quasi 20000 vs 15000 shift 0.02", ksQuasi(20000), ksQuasi(15000, 0.02), 0.008033333333333392, 0.6347212111619308},
		// stats.ks_2samp(q(20000), q(20000,0.1))
		{"quasi 20000 vs 20000 shift 0.1", ksQuasi(20000), ksQuasi(20000, 0.1), 0.03990000000000005, 2.8632557964241024e-14},
		// stats.ks_2samp(q(1000), q(1000,0,1.5))
		{"quasi 1000 vs 1000 scale 1.5", ksQuasi(1000), ksQuasi(1000, 0, 1.5), 0.097, 0.00016232041211307663},
		// stats.ks_2samp(q(100), q(100,4))
		{"near-separated 100 vs 100", ksQuasi(100), ksQuasi(100, 4), 0.96, 1.4287357500157535e-51},
		// stats.ks_2samp(q(50), q(70,20))
		{"separated 50 vs 70", ksQuasi(50), ksQuasi(70, 20), 1.0, 1.0892211272123496e-34},
		// stats.ks_2samp(mod(100,7,3,4), mod(90,5,1,4))
		{"ties 0..3 100 vs 90", ksModSeq(100, 7, 3, 4), ksModSeq(90, 5, 1, 4), 0.005555555555555556, 1.0},
		// stats.ks_2samp(mod(1000,7,3,4), mod(800,5,1,4,1))
		{"ties 0..3 shifted 1000 vs 800", ksModSeq(1000, 7, 3, 4), ksModSeq(800, 5, 1, 4, 1), 0.25, 7.189968722639198e-25},
		// stats.ks_2samp(mod(20000,7,3,4), mod(15001,3,2,5))
		{"ties 0..3 vs 0..4, 20000 vs 15001", ksModSeq(20000, 7, 3, 4), ksModSeq(15001, 3, 2, 5), 0.19998666755549632, 5.801400220782578e-301},
		// stats.ks_2samp(q(500), q(500))
		{"identical quasi 500", ksQuasi(500), ksQuasi(500), 0.0, 1.0},
	}
	ksCheckCases(t, "ks", cases, 1e-9, 0)
}

// drift.md §8 B and C.
func TestKSReferenceValues(t *testing.T) {
	a := []float64{38.7, 41.5, 43.8, 44.5, 45.5, 46.0, 47.7, 58.0}
	b := []float64{39.2, 39.3, 39.7, 41.4, 41.8, 42.9, 43.3, 45.8}
	tests := []struct {
		name           string
		ref, cur       []float64
		d, p, asymp, k float64
	}{
		// stats.ks_2samp(a, b): exact
		{"§8 B", a, b, 0.625, 0.08702408702408701, math.NaN(), math.NaN()},
		// stats.ks_2samp(q(100), q(100,0.5)); kstwo.sf(D, 50); kstwobign.sf(D*sqrt(50))
		{"§8 C n=m=100 N(0.5,1)", ksQuasi(100), ksQuasi(100, 0.5), 0.2, 0.03638428787491733, 0.031438777769533965, 0.03663105270711935},
		// stats.ks_2samp(q(1000), q(500,0.1)); kstwo.sf(D, 333); kstwobign.sf(D*sqrt(1000*500/1500))
		{"§8 C n=1000 m=500 N(0.1,1)", ksQuasi(1000), ksQuasi(500, 0.1), 0.041, 0.6248546024720099, 0.6152286718136605, 0.6296015173220626},
		// stats.ks_2samp(q(1000), q(1000,0,1.5)); kstwo.sf(D, 500); kstwobign.sf(D*sqrt(500))
		{"§8 C n=m=1000 N(0,1.5)", ksQuasi(1000), ksQuasi(1000, 0, 1.5), 0.097, 0.00016232041211307663, 0.00015129697844599763, 0.00016396577852566464},
		// stats.ks_2samp(q(200), q(300)); kstwo.sf(D, 120); kstwobign.sf(D*sqrt(120))
		{"§8 C n=200 m=300 N(0,1)", ksQuasi(200), ksQuasi(300), 0.0033333333333333335, 1.0, 1.0, 1.0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Numeric("ks", NewSample(tt.ref), NewSample(tt.cur), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if !withinTol(r.Statistic, tt.d, 1e-15, 0) || !withinTol(r.Score, tt.p, 1e-12, 0) {
				t.Errorf("D, p = %v, %v; want %v, %v", r.Statistic, r.Score, tt.d, tt.p)
			}
			if math.IsNaN(tt.asymp) {
				return
			}
			n, m := len(tt.ref), len(tt.cur)
			en := float64(n) * float64(m) / float64(n+m)
			// The notes' asymptotic values carry their scipy build's 1e−14
			// rounding in 1 − CDF; 1e−9 is the contract.
			if got := ksAsymptoticP(r.Statistic, n, m); !withinTol(got, tt.asymp, 1e-9, 0) {
				t.Errorf("asymptotic p = %v, want %v", got, tt.asymp)
			}
			if got := kstwobignSF(r.Statistic * math.Sqrt(en)); !withinTol(got, tt.k, 1e-12, 0) {
				t.Errorf("kstwobign p = %v, want %v", got, tt.k)
			}
		})
	}
}

// drift.md §8 D: Prometheus DefBuckets, cumulative counts.
func TestKSBinnedReference(t *testing.T) {
	le := []float64{0.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, math.Inf(1)}
	ref := []float64{10, 30, 100, 300, 700, 1500, 2500, 3500, 3900, 3980, 3995, 4000}
	tests := []struct {
		name string
		cur  []float64
		o    Options
		d, p float64
	}{
		// D = max|P−Q| over the bounds; kstwo.sf(0.07500000000000001, 2000)
		{"4000 vs 4000", []float64{5, 15, 60, 200, 500, 1200, 2200, 3300, 3850, 3970, 3990, 4000}, Options{}, 0.07500000000000001, 3.136819957528589e-10},
		// kstwo.sf(0.125, round(4000*20/4020)) = kstwo.sf(0.125, 20)
		{"sparse current window", []float64{0, 0, 1, 3, 6, 10, 14, 17, 19, 20, 20, 20}, Options{}, 0.125, 0.8758617995908946},
		// kstwo.sf(0.07500000000000001, 250): both sizes capped at 500
		{"capped sizes", []float64{5, 15, 60, 200, 500, 1200, 2200, 3300, 3850, 3970, 3990, 4000}, Options{MaxEffectiveN: 500}, 0.07500000000000001, 0.11410742232037074},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hr, hc := ksCumHist(t, le, ref), ksCumHist(t, le, tt.cur)
			r, err := Binned("ks", hr, hc, tt.o)
			if err != nil {
				t.Fatal(err)
			}
			if r.Statistic != tt.d || !withinTol(r.Score, tt.p, 1e-9, 0) {
				t.Errorf("D, p = %v, %v; want %v, %v", r.Statistic, r.Score, tt.d, tt.p)
			}
			if !ksHasNotice(r, "approximate") {
				t.Errorf("12 buckets: want the binned-approximation notice, got %v", r.Notices)
			}
			if tt.o.MaxEffectiveN > 0 && !ksHasNotice(r, "capped at 500") {
				t.Errorf("want the cap notice, got %v", r.Notices)
			}
		})
	}
}

func TestKSBinnedManyBucketsNoNotice(t *testing.T) {
	upper := make([]float64, 30)
	counts := make([]float64, 30)
	for i := range upper {
		upper[i] = float64(i + 1)
		counts[i] = 10
	}
	h, err := NewHistogram(upper, counts)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Binned("ks", h, h, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Statistic != 0 || r.Score != 1 || len(r.Notices) != 0 {
		t.Errorf("identical 30-bucket histograms: %+v", r)
	}
}

func ksCumHist(t *testing.T, le, cum []float64) *Histogram {
	t.Helper()
	bs := make([]Bucket, len(le))
	for i := range le {
		bs[i] = Bucket{UpperBound: le[i], Count: cum[i]}
	}
	h, err := FromCumulative(bs)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func ksHasNotice(r Result, part string) bool {
	for _, n := range r.Notices {
		if strings.Contains(n, part) {
			return true
		}
	}
	return false
}

// A binding MaxEffectiveN switches the p-value to the asymptotic form with
// the capped sizes; the statistic is unchanged.
func TestKSMaxEffectiveN(t *testing.T) {
	ref, cur := NewSample(ksQuasi(5000)), NewSample(ksQuasi(4000, 0.05))
	plain, err := Numeric("ks", ref, cur, Options{})
	if err != nil {
		t.Fatal(err)
	}
	capped, err := Numeric("ks", ref, cur, Options{MaxEffectiveN: 1000})
	if err != nil {
		t.Fatal(err)
	}
	// stats.ks_2samp(q(5000), q(4000,0.05)) → D = 0.02015; kstwo.sf(0.02015, 500)
	if capped.Statistic != 0.02015 || !withinTol(capped.Score, 0.9848208261551591, 1e-9, 0) {
		t.Errorf("capped: D, p = %v, %v", capped.Statistic, capped.Score)
	}
	if !(capped.Score > plain.Score) || !ksHasNotice(capped, "capped at 1000") {
		t.Errorf("cap should weaken the evidence and say so: %v vs %v, %v", capped.Score, plain.Score, capped.Notices)
	}
	// A cap above both sizes changes nothing.
	loose, _ := Numeric("ks", ref, cur, Options{MaxEffectiveN: 100000})
	if loose.Score != plain.Score || len(loose.Notices) != 0 {
		t.Errorf("non-binding cap: %v vs %v, %v", loose.Score, plain.Score, loose.Notices)
	}
}

// The two-goroutine scan must find the same extremes as the serial one,
// ties across the split included.
func TestKSParallelScanMatchesSerial(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, c := range []struct {
		n, m   int
		levels float64
	}{{150000, 90000, 0}, {100000, 100000, 50}, {70000, 200000, 3}} {
		a, b := make([]float64, c.n), make([]float64, c.m)
		for i := range a {
			a[i] = ksDraw(rng, c.levels, 0)
		}
		for i := range b {
			b[i] = ksDraw(rng, c.levels, 0.02)
		}
		sa, sb := NewSample(a), NewSample(b)
		serial := newKSExtremes(c.n, c.m)
		serial.scan(sa.Sorted(), sb.Sorted(), 0, 0)
		par := ksExtremesParallel(sa.Sorted(), sb.Sorted())
		if serial != par {
			t.Errorf("n=%d m=%d: serial %+v, parallel %+v", c.n, c.m, serial, par)
		}
	}
}

// ksDraw is a normal value, rounded to one of about `levels` values per unit
// when levels > 0 (to create ties).
func ksDraw(rng *rand.Rand, levels, shift float64) float64 {
	v := rng.NormFloat64() + shift
	if levels > 0 {
		v = math.Round(v*levels) / levels
	}
	return v
}

// The exact p-value for equal sizes and for unequal sizes must agree where
// both apply to the same lattice (n = m through the general band count).
func TestKSExactBandMatchesSquare(t *testing.T) {
	for _, c := range []struct{ n, h int }{{10, 3}, {200, 20}, {1000, 37}, {5000, 400}} {
		sq := ksProbOutsideSquare(c.n, c.h)
		band := ksProbOutsideBand(c.n, c.n, c.n, c.h)
		if !withinTol(band, sq, 1e-12, 0) {
			t.Errorf("n=%d h=%d: band %v, square %v", c.n, c.h, band, sq)
		}
	}
}
