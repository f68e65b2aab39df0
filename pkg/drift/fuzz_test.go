package drift

// Fuzz tests for the Prometheus bucket parser: ParseLe, FromCumulative and
// AlignHistograms take whatever a Prometheus-compatible server returns, so
// they must never panic, and what they accept must be a valid histogram.
// `go test` runs the seed corpus; `go test -fuzz FuzzFromCumulative` explores.

import (
	bytesle "encoding/binary"
	"math"
	"strconv"
	"strings"
	"testing"
)

// lePalette is what the fuzzer picks bucket bounds from: the spellings
// Prometheus versions and exporters produce, duplicates after parsing
// ("1", "1.0", "1e0"), bounds at and below zero, and junk.
var lePalette = []string{
	"0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5",
	"1", "1.0", "1e0", "2.5", "5", "10", "10.0",
	"+Inf", "Inf", "inf", "-1", "0", "-0", " 2.5 ", "1e300",
	"-Inf", "NaN", "", "abc", "0x1p-3", "1_000",
}

// decodeBuckets turns fuzz bytes into cumulative buckets. Each bucket takes
// 3 bytes: a bound from the palette and a 16-bit count; a set high bit in
// the first byte makes the count fractional or negative, and the value 0xff
// reads the next 8 bytes as raw float64 bits (huge, tiny, NaN, Inf counts).
func decodeBuckets(data []byte) []Bucket {
	var bs []Bucket
	for len(data) >= 3 {
		sel := data[0]
		var count float64
		if sel == 0xff && len(data) >= 10 {
			count = math.Float64frombits(bytesle.LittleEndian.Uint64(data[2:10]))
			sel = data[1]
			data = data[10:]
		} else {
			raw := bytesle.LittleEndian.Uint16(data[1:3])
			count = float64(raw)
			if sel&0x80 != 0 {
				count = float64(int16(raw)) / 4
			}
			data = data[3:]
		}
		le, err := ParseLe(lePalette[int(sel&0x7f)%len(lePalette)])
		if err != nil {
			continue // a series with an unparseable le is dropped upstream
		}
		bs = append(bs, Bucket{UpperBound: le, Count: count})
	}
	return bs
}

// encodeBuckets is the inverse for seeds: bounds are palette indexes.
func encodeBuckets(idx []int, counts []uint16) []byte {
	var out []byte
	for i, k := range idx {
		out = append(out, byte(k), byte(counts[i]), byte(counts[i]>>8))
	}
	return out
}

// expectedInfTotal is the +Inf cumulative count after the repairs
// FromCumulative promises: equal bounds added, negatives clamped to 0, and
// decreases clamped, so the last cumulative count is the running maximum.
func expectedInfTotal(bs []Bucket) float64 {
	sum := map[float64]float64{}
	for _, b := range bs {
		sum[b.UpperBound] += b.Count
	}
	maxCum := 0.0
	for _, v := range sum {
		maxCum = math.Max(maxCum, v)
	}
	return maxCum
}

// checkHistogram asserts the invariants of a histogram FromCumulative or
// AlignHistograms returned.
func checkHistogram(t *testing.T, what string, h *Histogram) {
	t.Helper()
	if len(h.Upper) == 0 || len(h.Upper) != len(h.Counts) {
		t.Fatalf("%s: %d bounds, %d counts", what, len(h.Upper), len(h.Counts))
	}
	for i, u := range h.Upper {
		if math.IsNaN(u) || (i > 0 && !(u > h.Upper[i-1])) {
			t.Fatalf("%s: bounds not strictly ascending: %v", what, h.Upper)
		}
		if c := h.Counts[i]; !(c >= 0) || math.IsInf(c, 0) {
			t.Fatalf("%s: count %g at le=%g (counts %v)", what, c, u, h.Counts)
		}
	}
	if !math.IsInf(h.Upper[len(h.Upper)-1], 1) {
		t.Fatalf("%s: no +Inf bucket: %v", what, h.Upper)
	}
}

// fuzzPair lays out a fuzz input holding two histograms: the first byte is
// where the second one starts.
func fuzzPair(a, b []byte) []byte {
	return append(append([]byte{byte(1 + len(a))}, a...), b...)
}

func rawCount(sel byte, v float64) []byte {
	out := []byte{0xff, sel}
	return bytesle.LittleEndian.AppendUint64(out, math.Float64bits(v))
}

func FuzzFromCumulative(f *testing.F) {
	// drift.md §8 D: client_golang DefBuckets (palette 0..7, 10..12, 14).
	def := []int{0, 1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 14}
	ref := encodeBuckets(def, []uint16{10, 30, 100, 300, 700, 1500, 2500, 3500, 3900, 3980, 3995, 4000})
	cur := encodeBuckets(def, []uint16{5, 15, 60, 200, 500, 1200, 2200, 3300, 3850, 3970, 3990, 4000})
	f.Add(fuzzPair(ref, cur))
	// Non-monotone, shuffled, le="1" and le="1.0" together; a layout with
	// other bounds; no +Inf.
	f.Add(fuzzPair(encodeBuckets([]int{14, 7, 8, 4, 6}, []uint16{400, 60, 90, 100, 95}), cur))
	f.Add(fuzzPair(encodeBuckets([]int{1, 3, 5, 12, 15}, []uint16{15, 200, 1200, 3990, 4000}), ref))
	f.Add(fuzzPair(encodeBuckets([]int{0, 7, 12}, []uint16{5, 3, 9}), ref))
	// Negative bounds, -0, a negative fractional count; an empty window.
	neg := append(encodeBuckets([]int{17, 18, 19, 14}, []uint16{10, 40, 80, 100}), 0x80|7, 0xfc, 0xff)
	f.Add(fuzzPair(neg, encodeBuckets([]int{17, 18, 14}, []uint16{0, 0, 0})))
	// Raw-bits counts: 1e308 on le="1" and on le="1.0" overflows when the
	// two are added; tiny and subnormal counts; Inf and NaN counts.
	huge := append(append(rawCount(7, 1e308), rawCount(8, 1e308)...), rawCount(14, 1e308)...)
	f.Add(fuzzPair(huge, ref))
	tiny := append(append(rawCount(4, 5e-324), rawCount(6, 1e-300)...), rawCount(14, 1e-300)...)
	f.Add(fuzzPair(tiny, ref))
	f.Add(fuzzPair(append(rawCount(4, math.Inf(1)), rawCount(14, math.NaN())...), ref))
	f.Add([]byte{})

	f.Fuzz(func(t *testing.T, data []byte) {
		split := 0
		if len(data) > 0 {
			split = int(data[0]) % (len(data) + 1)
		}
		parts := [][]byte{data[min(1, len(data)):max(split, min(1, len(data)))], data[max(split, min(1, len(data))):]}
		var hs []*Histogram
		for _, p := range parts {
			bs := decodeBuckets(p)
			h, err := FromCumulative(bs)
			if err != nil {
				continue
			}
			checkHistogram(t, "FromCumulative", h)
			want := expectedInfTotal(bs)
			if got := h.Total(); math.Abs(got-want) > 1e-9*math.Max(1, math.Abs(want)) {
				t.Fatalf("total %.17g, but the repaired +Inf cumulative count is %.17g (buckets %v)", got, want, bs)
			}
			hs = append(hs, h)
		}
		if len(hs) != 2 {
			return
		}
		a, b, _ := AlignHistograms(hs[0], hs[1])
		checkHistogram(t, "AlignHistograms (reference)", a)
		checkHistogram(t, "AlignHistograms (current)", b)
		if len(a.Upper) != len(b.Upper) {
			t.Fatalf("aligned layouts differ: %v vs %v", a.Upper, b.Upper)
		}
		for i := range a.Upper {
			if a.Upper[i] != b.Upper[i] {
				t.Fatalf("aligned layouts differ: %v vs %v", a.Upper, b.Upper)
			}
		}
		for i, h := range hs {
			al := []*Histogram{a, b}[i]
			if d := math.Abs(al.Total() - h.Total()); d > 1e-9*math.Max(1, h.Total()) {
				t.Fatalf("aligning changed a total from %.17g to %.17g", h.Total(), al.Total())
			}
			// Coarsening only: every aligned bound is a bound of the input.
			for _, u := range al.Upper {
				if !containsFloat(h.Upper, u) {
					t.Fatalf("aligned bound %g is not a bound of %v (buckets may only be merged)", u, h.Upper)
				}
			}
		}
		// Every binned method must answer without panicking on whatever
		// survived parsing; distances are never negative.
		for _, m := range Methods("binned") {
			r, err := Binned(m, a, b, Options{})
			if err != nil {
				continue
			}
			if r.Kind == Distance && r.Score < 0 {
				t.Fatalf("%s = %g on %v / %v", m, r.Score, a.Counts, b.Counts)
			}
			if r.Kind == PValue && (r.Score < 0 || r.Score > 1) {
				t.Fatalf("%s p-value %g on %v / %v", m, r.Score, a.Counts, b.Counts)
			}
		}
	})
}

func containsFloat(xs []float64, v float64) bool {
	for _, x := range xs {
		if x == v {
			return true
		}
	}
	return false
}

func FuzzParseLe(f *testing.F) {
	for _, s := range lePalette {
		f.Add(s)
	}
	f.Add("1e-400")
	f.Add("+Inf ")
	f.Add("0.1.2")
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseLe(s)
		if err != nil {
			return
		}
		if math.IsNaN(v) {
			t.Fatalf("ParseLe(%q) accepted NaN", s)
		}
		// Equal numbers are equal bounds, however they are spelled: the
		// canonical spelling parses to the same value.
		w, err := ParseLe(strconv.FormatFloat(v, 'g', -1, 64))
		if err != nil || w != v {
			t.Fatalf("ParseLe(%q) = %g, but its canonical form gives %g (%v)", s, v, w, err)
		}
		if u, err := ParseLe(" " + strings.TrimSpace(s) + " "); err != nil || u != v {
			t.Fatalf("ParseLe(%q) = %g, with surrounding spaces %g (%v)", s, v, u, err)
		}
	})
}
