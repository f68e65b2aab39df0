package drift

import (
	"math"
	"strings"
	"testing"
)

func repeatStrings(pairs ...any) []string {
	var out []string
	for i := 0; i < len(pairs); i += 2 {
		for range pairs[i+1].(int) {
			out = append(out, pairs[i].(string))
		}
	}
	return out
}

func repeatFloats(pairs ...float64) []float64 {
	var out []float64
	for i := 0; i < len(pairs); i += 2 {
		for range int(pairs[i+1]) {
			out = append(out, pairs[i])
		}
	}
	return out
}

func TestZCategorical(t *testing.T) {
	// Expected: z from Evidently's proportions_diff_z_stat_ind and
	// p = 2*scipy.stats.norm.sf(abs(z)); "evidently" is
	// z_stattest._z_stat_test(pd.Series(ref), pd.Series(cur), None, 0.05)[0].
	cases := []struct {
		name            string
		ref, cur        []string
		z, p, evidently float64
	}{
		{"shares differ", repeatStrings("a", 30, "b", 70), repeatStrings("a", 50, "b", 50), 2.886751345948128, 0.0038924171227786367, 0.0038924171227785465},
		// Disjoint values: already at p ≈ 6e-7 Evidently's 1 − Φ loses 1.5e-10.
		{"disjoint", repeatStrings("a", 10), repeatStrings("b", 15), -5, 5.733031437583866e-07, 5.733031438470704e-07},
		// Far tail: Evidently answers 0.
		{"far tail", repeatStrings("a", 4000, "b", 6000), repeatStrings("a", 4700, "b", 5300), 9.984221098256324, 1.7869900710923722e-23, 0},
		// Same single value in both windows: Evidently returns p = 1.
		{"same single value", repeatStrings("x", 4), repeatStrings("x", 9), 0, 1, 1},
	}
	for _, c := range cases {
		r, err := Categorical("z", NewContingency(c.ref, c.cur), Options{})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if !closeRel(r.Score, c.p, pTol) || !closeRel(r.Statistic, c.z, pTol) {
			t.Errorf("%s: p = %.17g, z = %.17g; want %.17g, %.17g", c.name, r.Score, r.Statistic, c.p, c.z)
		}
		if c.p > 1e-7 && !closeRel(r.Score, c.evidently, 1e-9) {
			t.Errorf("%s: p = %.17g, Evidently %.17g", c.name, r.Score, c.evidently)
		}
	}
}

func TestZNumeric(t *testing.T) {
	// ref = [0]*3 + [1]*5, cur = [0]*6 + [1]*1: z = 1.9015970731391623,
	// p = 0.05722385087767772 (Evidently 0.05722385087767767).
	r, err := Numeric("z", NewSample(repeatFloats(0, 3, 1, 5)), NewSample(repeatFloats(1, 1, 0, 6)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !closeRel(r.Score, 0.05722385087767772, pTol) || !closeRel(r.Statistic, 1.9015970731391623, pTol) {
		t.Errorf("got %+v", r)
	}
	// Three distinct values: z refuses and points to chisquare.
	_, err = Numeric("z", NewSample([]float64{0, 1, 2}), NewSample([]float64{0, 1}), Options{})
	if err == nil || !strings.Contains(err.Error(), "chisquare") || !strings.Contains(err.Error(), "3 distinct") {
		t.Errorf("err = %v", err)
	}
}

func TestZErrorsAndCap(t *testing.T) {
	_, err := Categorical("z", NewContingency([]string{"a", "b"}, []string{"c"}), Options{})
	if err == nil || !strings.Contains(err.Error(), "use chisquare") {
		t.Errorf("err = %v", err)
	}
	// Categories that neither window holds do not count.
	tab := NewContingencyCounts(countMap("a,b,zzz", 30, 70, 0), countMap("a,b,zzz", 50, 50, 0))
	r, err := Categorical("z", tab, Options{})
	if err != nil || !closeRel(r.Score, 0.0038924171227786367, pTol) {
		t.Errorf("%+v %v", r, err)
	}
	// Capped at 50 per window with the same shares: z = 2.0412414523193148,
	// p = 0.0412268333371637 (the same formula with n1 = n2 = 50).
	r, err = Categorical("z", NewContingency(repeatStrings("a", 300, "b", 700), repeatStrings("a", 500, "b", 500)), Options{MaxEffectiveN: 50})
	if err != nil || !closeRel(r.Score, 0.0412268333371637, pTol) || !closeRel(r.Statistic, 2.0412414523193148, pTol) || !noticeContains(r, "capped") {
		t.Errorf("capped: %+v %v", r, err)
	}
	if math.IsNaN(r.Score) {
		t.Error("NaN score")
	}
}
