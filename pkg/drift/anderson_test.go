package drift

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Expected values: scipy 1.17.1, stats.anderson_ksamp([ref, cur]) with its
// default midrank variant (variant='midrank' silences the deprecation
// warning and returns the same numbers); q and mod are defined in
// ks_test.go.

func TestAndersonMatchesScipy(t *testing.T) {
	nan := math.NaN()
	cases := []ksCase{
		// raises IndexError
		{"n=1 each", []float64{1.}, []float64{2.}, nan, nan},
		// stats.anderson_ksamp([[1.], [2.,3.]], variant='midrank')
		{"n=1 vs 2", []float64{1.}, []float64{2., 3.}, nan, nan},
		// stats.anderson_ksamp([[1.,2.], [3.,4.]], variant='midrank')
		{"n=2 each separated", []float64{1., 2.}, []float64{3., 4.}, 1.5427784316797186, 0.07502559142197461},
		// stats.anderson_ksamp([[1.,2.], [1.,2.]], variant='midrank')
		{"identical n=2", []float64{1., 2.}, []float64{1., 2.}, -2.121320343559612, 0.25},
		// stats.anderson_ksamp([[0,1,1,2,3,3,3], [0,0,1,2,2,3]], variant='midrank')
		{"ties 0..3 small", []float64{0, 1, 1, 2, 3, 3, 3}, []float64{0, 0, 1, 2, 2, 3}, -0.5890553847544188, 0.25},
		// raises ValueError
		{"constant vs constant", ksRep(5., 6), ksRep(5., 4), nan, nan},
		// stats.anderson_ksamp([[5.]*6, [7.]*4], variant='midrank')
		{"constant vs other constant", ksRep(5., 6), ksRep(7., 4), 12.548645832777117, 0.001},
		// stats.anderson_ksamp([[0.3,1.7,2.2], [0.1,0.5,0.9,1.1,2.5,2.6,3.0]], variant='midrank')
		{"unequal tiny", []float64{0.3, 1.7, 2.2}, []float64{0.1, 0.5, 0.9, 1.1, 2.5, 2.6, 3.0}, -0.8977628167319373, 0.25},
		// stats.anderson_ksamp([[-0.5,0.1,2.0], q(10000)], variant='midrank')
		{"3 vs 10000", []float64{-0.5, 0.1, 2.0}, ksQuasi(10000), -0.38325047821098673, 0.25},
		// stats.anderson_ksamp([q(2000), [0.2,0.4,0.6]], variant='midrank')
		{"2000 vs 3", ksQuasi(2000), []float64{0.2, 0.4, 0.6}, 0.09919420362489359, 0.25},
		// stats.anderson_ksamp([q(100), q(100,0.3)], variant='midrank')
		{"quasi 100 vs 100 shift 0.3", ksQuasi(100), ksQuasi(100, 0.3), 1.497833122466465, 0.07830859405865975},
		// stats.anderson_ksamp([q(20), q(19,0.5)], variant='midrank')
		{"quasi 20 vs 19", ksQuasi(20), ksQuasi(19, 0.5), 0.362439654181572, 0.23673805081542143},
		// stats.anderson_ksamp([q(21), q(20,0.5)], variant='midrank')
		{"quasi 21 vs 20", ksQuasi(21), ksQuasi(20, 0.5), 0.34728332984146965, 0.24033637744850678},
		// stats.anderson_ksamp([q(1000), q(999,0.1)], variant='midrank')
		{"quasi 1000 vs 999 shift 0.1", ksQuasi(1000), ksQuasi(999, 0.1), 1.843744648196049, 0.05642628896074884},
		// stats.anderson_ksamp([q(5000), q(4999,0.05)], variant='midrank')
		{"quasi 5000 vs 4999 shift 0.05", ksQuasi(5000), ksQuasi(4999, 0.05), 2.631245483223524, 0.027196466425962552},
		// stats.anderson_ksamp([q(5000), q(5000,0.05)], variant='midrank')
		{"quasi 5000 vs 5000 shift 0.05", ksQuasi(5000), ksQuasi(5000, 0.05), 2.630255914665192, 0.027221034805399842},
		// stats.anderson_ksamp([q(10000), q(10000,0.03)], variant='midrank')
		{"quasi 10000 vs 10000 shift 0.03 (exact)", ksQuasi(10000), ksQuasi(10000, 0.03), 1.5267195814981254, 0.07618184670450599},
		// stats.anderson_ksamp([q(10001), q(10001,0.03)], variant='midrank')
		{"quasi 10001 vs 10001 shift 0.03 (asymptotic)", ksQuasi(10001), ksQuasi(10001, 0.03), 1.526976891218034, 0.07616317473366212},
		// stats.anderson_ksamp([q(20000), q(15000,0.02)], variant='midrank')
		{"quasi 20000 vs 15000 shift 0.02", ksQuasi(20000), ksQuasi(15000, 0.02), 0.8505885655531162, 0.14628625456988065},
		// stats.anderson_ksamp([q(20000), q(20000,0.1)], variant='midrank')
		{"quasi 20000 vs 20000 shift 0.1", ksQuasi(20000), ksQuasi(20000, 0.1), 61.691810122026034, 0.001},
		// stats.anderson_ksamp([q(1000), q(1000,0,1.5)], variant='midrank')
		{"quasi 1000 vs 1000 scale 1.5", ksQuasi(1000), ksQuasi(1000, 0, 1.5), 25.278077169216186, 0.001},
		// stats.anderson_ksamp([q(100), q(100,4)], variant='midrank')
		{"near-separated 100 vs 100", ksQuasi(100), ksQuasi(100, 4), 100.3562279077331, 0.001},
		// stats.anderson_ksamp([q(50), q(70,20)], variant='midrank')
		{"separated 50 vs 70", ksQuasi(50), ksQuasi(70, 20), 59.65585334847531, 0.001},
		// stats.anderson_ksamp([mod(100,7,3,4), mod(90,5,1,4)], variant='midrank')
		{"ties 0..3 100 vs 90", ksModSeq(100, 7, 3, 4), ksModSeq(90, 5, 1, 4), -1.3200121236626277, 0.25},
		// stats.anderson_ksamp([mod(1000,7,3,4), mod(800,5,1,4,1)], variant='midrank')
		{"ties 0..3 shifted 1000 vs 800", ksModSeq(1000, 7, 3, 4), ksModSeq(800, 5, 1, 4, 1), 277.5410023947037, 0.001},
		// stats.anderson_ksamp([mod(20000,7,3,4), mod(15001,3,2,5)], variant='midrank')
		{"ties 0..3 vs 0..4, 20000 vs 15001", ksModSeq(20000, 7, 3, 4), ksModSeq(15001, 3, 2, 5), 1593.9564936825889, 0.001},
		// stats.anderson_ksamp([q(500), q(500)], variant='midrank')
		{"identical quasi 500", ksQuasi(500), ksQuasi(500), -1.3159071214594151, 0.25},
	}
	// The interpolation is a fixed quadratic: 1e−9 holds throughout.
	ksCheckCases(t, "anderson", cases, 1e-9, 0)
}

func TestAndersonReferenceValues(t *testing.T) {
	a := []float64{38.7, 41.5, 43.8, 44.5, 45.5, 46.0, 47.7, 58.0}
	b := []float64{39.2, 39.3, 39.7, 41.4, 41.8, 42.9, 43.3, 45.8}
	tests := []struct {
		name     string
		ref, cur []float64
		a2, p    float64
	}{
		// drift.md §8 B: stats.anderson_ksamp([a, b]) (Evidently asserts 0.0635)
		{"§8 B", a, b, 1.7183096744360893, 0.06351467728760844},
		// stats.anderson_ksamp([q(100), q(100,0.5)])
		{"§8 C n=m=100 N(0.5,1)", ksQuasi(100), ksQuasi(100, 0.5), 6.353565538612829, 0.0011720664601881402},
		// stats.anderson_ksamp([q(1000), q(500,0.1)])
		{"§8 C n=1000 m=500 N(0.1,1)", ksQuasi(1000), ksQuasi(500, 0.1), 0.7943171935624893, 0.1545650751783609},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Numeric("anderson", NewSample(tt.ref), NewSample(tt.cur), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if !withinTol(r.Statistic, tt.a2, 1e-13, 0) || !withinTol(r.Score, tt.p, 1e-12, 0) {
				t.Errorf("A2, p = %v, %v; want %v, %v", r.Statistic, r.Score, tt.a2, tt.p)
			}
			if len(r.Notices) != 0 {
				t.Errorf("unexpected notices %v", r.Notices)
			}
		})
	}
}

// scipy warns when it caps the interpolated p-value; the notice says so.
func TestAndersonClipNotices(t *testing.T) {
	tests := []struct {
		name     string
		ref, cur []float64
		p        float64
		notice   string
	}{
		{"identical samples", ksQuasi(300), ksQuasi(300), 0.25, "p-value clipped to 0.25"},
		{"separated samples", ksQuasi(300), ksQuasi(300, 5), 0.001, "p-value clipped to 0.001"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Numeric("anderson", NewSample(tt.ref), NewSample(tt.cur), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if r.Score != tt.p || !ksHasNotice(r, tt.notice) {
				t.Errorf("p = %v, notices %v; want %v and %q", r.Score, r.Notices, tt.p, tt.notice)
			}
		})
	}
}

// numpy.polyfit(critical, log(sig), 2) with critical = b0 + b1 + b2 for
// two samples: [0.01819809457411147, -1.0082265644652515, -1.077770279820484]
func TestAndersonInterpolationCoefficients(t *testing.T) {
	want := [3]float64{0.01819809457411147, -1.0082265644652515, -1.077770279820484}
	for i := range want {
		if !withinTol(adPoly[i], want[i], 1e-13, 0) {
			t.Errorf("coefficient %d = %v, want %v", i, adPoly[i], want[i])
		}
	}
}

// Sizes capped with MaxEffectiveN give a larger p-value for the same data
// and say so; the statistic stays scipy's.
func TestAndersonMaxEffectiveN(t *testing.T) {
	ref, cur := NewSample(ksQuasi(20000)), NewSample(ksQuasi(20000, 0.03))
	plain, _ := Numeric("anderson", ref, cur, Options{})
	capped, err := Numeric("anderson", ref, cur, Options{MaxEffectiveN: 2000})
	if err != nil {
		t.Fatal(err)
	}
	if capped.Statistic != plain.Statistic || !(capped.Score > plain.Score) || !ksHasNotice(capped, "capped at 2000") {
		t.Errorf("plain %v/%v, capped %v/%v %v", plain.Statistic, plain.Score, capped.Statistic, capped.Score, capped.Notices)
	}
	// The capped p-value is that of A2akN scaled by the effective sizes:
	// same distributions at 2000 per side give about the same p.
	small, _ := Numeric("anderson", NewSample(ksQuasi(2000)), NewSample(ksQuasi(2000, 0.03)), Options{})
	if math.Abs(capped.Score-small.Score) > 0.02 {
		t.Errorf("capped p %v far from the p at 2000 per side %v", capped.Score, small.Score)
	}
}

func TestAndersonParallelMatchesSerial(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, levels := range []float64{0, 20} {
		a, b := make([]float64, 120000), make([]float64, 90000)
		for i := range a {
			a[i] = ksDraw(rng, levels, 0)
		}
		for i := range b {
			b[i] = ksDraw(rng, levels, 0.01)
		}
		sa, sb := NewSample(a), NewSample(b)
		var serial adAccumulator
		serial.scanAD(sa.Sorted(), sb.Sorted(), 0, 0, len(a), len(b))
		N := float64(len(a) + len(b))
		want := (serial.sum()/float64(len(a)) + serial.sum()/float64(len(b))) * ((N - 1) / N)
		if got := adA2akN(sa.Sorted(), sb.Sorted()); !withinTol(got, want, 1e-14, 0) {
			t.Errorf("levels=%v: parallel %v, serial %v", levels, got, want)
		}
	}
}
