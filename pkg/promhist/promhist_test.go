package promhist

import (
	"math"
	"strings"
	"testing"

	"github.com/mlwatch/mlwatch/pkg/drift"
)

func TestIncrease(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	tests := []struct {
		name string
		v    []float64
		want float64
	}{
		{"reset in the middle (drift.md §8)", []float64{100, 150, 210, 5, 40, 90}, 200},
		{"no reset", []float64{1, 2, 3, 10}, 9},
		{"two resets", []float64{10, 20, 3, 7, 1, 2}, 10 + 3 + 4 + 1 + 1},
		{"reset to zero", []float64{5, 0, 4}, 4},
		{"single sample", []float64{42}, 0},
		{"empty", nil, 0},
		{"NaN and Inf ignored", []float64{10, nan, 20, inf, 25}, 15},
		{"flat", []float64{7, 7, 7}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Increase(tc.v); got != tc.want {
				t.Errorf("Increase(%v) = %g, want %g", tc.v, got, tc.want)
			}
		})
	}
}

func TestCounterWindows(t *testing.T) {
	// Samples every 60s; a reset between 180s and 240s.
	ts := []int64{0, 60_000, 120_000, 180_000, 240_000, 300_000}
	vs := []float64{100, 150, 210, 5, 40, 90}
	c := NewCounter(ts, vs)
	if c.Resets != 1 || c.Dropped != 0 {
		t.Fatalf("resets=%d dropped=%d, want 1 and 0", c.Resets, c.Dropped)
	}
	tests := []struct {
		from, to int64
		want     float64
	}{
		{-1, 300_000, 200},        // whole series
		{0, 300_000, 200},         // from the first sample on
		{60_000, 180_000, 60 + 5}, // 150→210, reset to 5
		{90_000, 150_000, 60},     // between samples: last <= from is 150
		{180_000, 240_000, 35},
		{300_000, 400_000, 0}, // nothing after the last sample
		{400_000, 300_000, 0}, // empty range
	}
	for _, tc := range tests {
		if got := c.Increase(tc.from, tc.to); got != tc.want {
			t.Errorf("Increase(%d, %d) = %g, want %g", tc.from, tc.to, got, tc.want)
		}
	}
	times := []int64{-5, 0, 59_999, 60_000, 200_000, 999_999}
	out := make([]float64, len(times))
	c.AtEach(times, out)
	for i, tm := range times {
		if out[i] != c.At(tm) {
			t.Errorf("AtEach[%d] = %g, At(%d) = %g", i, out[i], tm, c.At(tm))
		}
	}
	if out[5] != 200 || out[0] != 0 {
		t.Errorf("AtEach = %v", out)
	}
}

func TestCounterDropsNonFinite(t *testing.T) {
	c := NewCounter([]int64{1, 2, 3, 4}, []float64{1, math.NaN(), math.Inf(-1), 3})
	if c.Dropped != 2 || c.Len() != 2 || c.At(4) != 2 {
		t.Errorf("dropped=%d len=%d at=%g", c.Dropped, c.Len(), c.At(4))
	}
}

// Two instances of the same bucket add up, le spellings coalesce, and the
// per-bucket counts come out of drift.FromCumulative.
func TestSumsAcrossInstancesAndLeSpellings(t *testing.T) {
	s := NewSums(2)
	type series struct {
		feature, le string
		v           []float64 // window 0 values; window 1 = doubled
	}
	in := []series{
		{"age", "1", []float64{0, 10}},      // instance a
		{"age", "1.0", []float64{5, 8}},     // instance b, Prometheus 3 spelling
		{"age", "+Inf", []float64{0, 30}},   // a
		{"age", "+Inf", []float64{10, 22}},  // b
		{"age", "0.5", []float64{0, 4}},     // a only
		{"income", "10", []float64{0, 1}},   // other feature
		{"income", "+Inf", []float64{0, 2}}, //
	}
	for _, sr := range in {
		inc := Increase(sr.v)
		for k := 0; k < 2; k++ {
			if _, err := s.AddLe(sr.feature, sr.le, k, inc*float64(k+1)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if got := s.Groups(); strings.Join(got, ",") != "age,income" {
		t.Fatalf("groups = %v", got)
	}
	if got := s.Value("age", 1, 0); got != 13 {
		t.Errorf("age le=1 = %g, want 10+3", got)
	}
	if got := s.Coalesced("age"); got != 1 {
		t.Errorf("coalesced = %d, want 1", got)
	}
	h, err := s.Histogram("age", 1)
	if err != nil {
		t.Fatal(err)
	}
	// cumulative (x2): 0.5→8, 1→26, +Inf→84
	want := []float64{8, 18, 58}
	for i, c := range want {
		if h.Counts[i] != c {
			t.Errorf("counts = %v, want %v", h.Counts, want)
			break
		}
	}
	if _, err := s.AddLe("age", "x", 0, 1); err == nil {
		t.Error("le=x accepted")
	}
}

// increase() extrapolates each bucket series on its own, so cumulative
// counts can decrease; the repair is reported, and NaN results count 0.
func TestIncreaseResultsNonMonotonic(t *testing.T) {
	s := NewSums(1)
	rows := []struct {
		le string
		v  float64
	}{{"0.1", 10.2}, {"0.5", 30.4}, {"1", 30.1}, {"+Inf", 45}, {"2", math.NaN()}}
	bad := 0
	for _, r := range rows {
		b, err := s.AddLe("f", r.le, 0, r.v)
		if err != nil {
			t.Fatal(err)
		}
		if b {
			bad++
		}
	}
	if bad != 1 {
		t.Errorf("bad = %d, want 1 (the NaN)", bad)
	}
	h, err := s.Histogram("f", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Notices) == 0 || !strings.Contains(h.Notices[0], "forced monotonic") {
		t.Errorf("notices = %v, want a monotonicity repair", h.Notices)
	}
	if h.Total() != 45 {
		t.Errorf("total = %g, want 45", h.Total())
	}
	for _, c := range h.Counts {
		if c < 0 {
			t.Errorf("negative count in %v", h.Counts)
		}
	}
	if v, bad := Value(-0.3); v != 0 || bad {
		t.Errorf("Value(-0.3) = %g, %v", v, bad)
	}
	var _ = drift.Bucket{}
}

func TestSumsTotalAndTouch(t *testing.T) {
	s := NewSums(1)
	s.Add("a", 0, "", 0, 3)
	s.Add("b", 0, "", 0, 4)
	s.Touch("c", 0, "")
	if s.Total("a", 0)+s.Total("b", 0) != 7 || !s.Has("c") || s.Total("c", 0) != 0 || s.Has("d") {
		t.Errorf("totals wrong")
	}
}
