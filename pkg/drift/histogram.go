package drift

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Histogram is a binned sample: counts per bucket between ascending upper
// bounds, as Prometheus classic histograms give them. The last upper bound
// may be +Inf (the overflow bucket). The first bucket's lower bound is 0
// when its upper bound is above 0, else -Inf, as in Prometheus.
type Histogram struct {
	// Upper holds each bucket's upper bound, ascending.
	Upper []float64
	// Counts holds each bucket's own (not cumulative) count.
	Counts []float64
	// Notices describe repairs made while building the histogram.
	Notices []string
}

// Bucket is one cumulative bucket: the count of observations <= UpperBound.
type Bucket struct {
	UpperBound float64
	Count      float64
}

// monotonicTolerance is Prometheus's relative tolerance under which a
// decrease between cumulative buckets is treated as rounding.
const monotonicTolerance = 1e-12

// ParseLe parses a Prometheus le label value ("0.5", "1", "1.0", "+Inf").
func ParseLe(s string) (float64, error) {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(v) {
		return 0, fmt.Errorf("le=%q is not a bucket bound", s)
	}
	return v, nil
}

// FromCumulative builds a histogram from cumulative buckets in any order.
// Buckets with equal bounds (le="1" and le="1.0") are coalesced by adding
// their counts; a decrease between cumulative counts is clamped to the
// previous count and reported (differences within a relative 1e-12 are
// rounding, repaired silently); negative counts are clamped to 0. The
// +Inf bucket is required: without it the total is unknown.
func FromCumulative(buckets []Bucket) (*Histogram, error) {
	if len(buckets) == 0 {
		return nil, errors.New("the histogram has no buckets")
	}
	bs := slices.Clone(buckets)
	for _, b := range bs {
		if math.IsNaN(b.UpperBound) || math.IsNaN(b.Count) || math.IsInf(b.Count, 0) {
			return nil, fmt.Errorf("bucket le=%g has an invalid count %g", b.UpperBound, b.Count)
		}
	}
	slices.SortStableFunc(bs, func(a, b Bucket) int {
		switch {
		case a.UpperBound < b.UpperBound:
			return -1
		case a.UpperBound > b.UpperBound:
			return 1
		}
		return 0
	})
	h := &Histogram{}
	merged := bs[:0]
	coalesced := 0
	for _, b := range bs {
		if n := len(merged); n > 0 && merged[n-1].UpperBound == b.UpperBound {
			merged[n-1].Count += b.Count
			coalesced++
			continue
		}
		merged = append(merged, b)
	}
	for _, b := range merged {
		if math.IsInf(b.Count, 0) {
			return nil, fmt.Errorf("bucket le=%g: the counts of its equal bounds add up beyond the float64 range", b.UpperBound)
		}
	}
	if coalesced > 0 {
		h.notice("%d buckets with equal bounds were merged (for example le=\"1\" and le=\"1.0\")", coalesced)
	}
	if !math.IsInf(merged[len(merged)-1].UpperBound, 1) {
		return nil, fmt.Errorf("the histogram has no +Inf bucket (highest le is %g), so its total is unknown", merged[len(merged)-1].UpperBound)
	}
	cum := make([]float64, len(merged))
	for i, b := range merged {
		cum[i] = math.Max(b.Count, 0)
	}
	h.forceMonotonic(cum, merged)
	h.Upper = make([]float64, len(merged))
	h.Counts = make([]float64, len(merged))
	prev := 0.0
	for i, b := range merged {
		h.Upper[i] = b.UpperBound
		h.Counts[i] = cum[i] - prev
		prev = cum[i]
	}
	return h, nil
}

// forceMonotonic repairs cumulative counts as Prometheus does before
// computing quantiles, and reports clamped decreases.
func (h *Histogram) forceMonotonic(cum []float64, b []Bucket) {
	var worst float64
	first, last := -1, -1
	prev := cum[0]
	for i := 1; i < len(cum); i++ {
		cur := cum[i]
		switch {
		case cur == prev:
		case almostEqual(prev, cur, monotonicTolerance):
			cum[i] = prev // rounding, either direction: silently equal
		case cur < prev:
			if first < 0 {
				first = i
			}
			last = i
			worst = math.Max(worst, prev-cur)
			cum[i] = prev
		default:
			prev = cur
		}
	}
	if first >= 0 {
		h.notice("cumulative bucket counts decreased between le=%g and le=%g (by up to %g) and were forced monotonic; this usually comes from extrapolated increase() results", b[first-1].UpperBound, b[last].UpperBound, worst)
	}
}

// almostEqual is Prometheus's util/almost.Equal.
func almostEqual(a, b, eps float64) bool {
	const minNormal = 2.2250738585072014e-308
	if a == b {
		return true
	}
	absSum := math.Abs(a) + math.Abs(b)
	diff := math.Abs(a - b)
	if a == 0 || b == 0 || absSum < minNormal {
		return diff < eps*minNormal
	}
	return diff/math.Min(absSum, math.MaxFloat64) < eps
}

func (h *Histogram) notice(format string, args ...any) {
	h.Notices = append(h.Notices, fmt.Sprintf(format, args...))
}

// NewHistogram builds a histogram from per-bucket counts and upper bounds
// (any given edges). Counts must be non-negative.
func NewHistogram(upper, counts []float64) (*Histogram, error) {
	if len(upper) != len(counts) || len(upper) == 0 {
		return nil, fmt.Errorf("a histogram needs one count per upper bound, got %d bounds and %d counts", len(upper), len(counts))
	}
	for i := range upper {
		if i > 0 && !(upper[i] > upper[i-1]) {
			return nil, fmt.Errorf("upper bounds must be strictly ascending; %g follows %g", upper[i], upper[i-1])
		}
		if counts[i] < 0 || math.IsNaN(counts[i]) || math.IsInf(counts[i], 0) {
			return nil, fmt.Errorf("bucket le=%g has an invalid count %g", upper[i], counts[i])
		}
	}
	return &Histogram{Upper: slices.Clone(upper), Counts: slices.Clone(counts)}, nil
}

// Total is the number of observations.
func (h *Histogram) Total() float64 { return pairwiseSum(h.Counts) }

// Shares are the per-bucket proportions.
func (h *Histogram) Shares() []float64 { return normalize(h.Counts) }

// Cumulative are the cumulative proportions at each upper bound.
func (h *Histogram) Cumulative() []float64 {
	out := make([]float64, len(h.Counts))
	total := h.Total()
	var acc float64
	for i, c := range h.Counts {
		acc += c
		out[i] = acc / total
	}
	return out
}

// Lower is the first bucket's lower bound: 0 when its upper bound is above
// 0, else -Inf.
func (h *Histogram) Lower() float64 {
	if h.Upper[0] > 0 {
		return 0
	}
	return math.Inf(-1)
}

// OverflowShare is the share of observations in a +Inf bucket (0 without
// one). It is never interpolated, so callers report it.
func (h *Histogram) OverflowShare() float64 {
	if n := len(h.Upper); math.IsInf(h.Upper[n-1], 1) {
		return h.Counts[n-1] / h.Total()
	}
	return 0
}

func (h *Histogram) sameEdges(o *Histogram) error {
	if !slices.Equal(h.Upper, o.Upper) {
		return errors.New("the two histograms have different bucket bounds; align them first (AlignHistograms)")
	}
	return nil
}

// AlignHistograms brings two histograms to their common bucket bounds.
// Buckets can only be merged, never split, so the result keeps the bounds
// both layouts share and adds up the counts between them. It returns a
// notice when a layout had to be coarsened.
func AlignHistograms(a, b *Histogram) (*Histogram, *Histogram, string) {
	if slices.Equal(a.Upper, b.Upper) {
		return a, b, ""
	}
	common := intersectSorted(a.Upper, b.Upper)
	// The highest bound of either closes the last common bucket.
	top := math.Max(a.Upper[len(a.Upper)-1], b.Upper[len(b.Upper)-1])
	if len(common) == 0 || common[len(common)-1] != top {
		common = append(common, top)
	}
	na, nb := mergeTo(a, common), mergeTo(b, common)
	notice := fmt.Sprintf("the bucket layouts differ between the windows (%d and %d buckets); both were merged down to their %d common bounds", len(a.Upper), len(b.Upper), len(common))
	return na, nb, notice
}

func intersectSorted(a, b []float64) []float64 {
	var out []float64
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			out = append(out, a[i])
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return out
}

// mergeTo sums h's counts into the buckets ending at the given bounds. Every
// bound of h above the last common bound belongs to the last bucket.
func mergeTo(h *Histogram, bounds []float64) *Histogram {
	out := &Histogram{Upper: slices.Clone(bounds), Counts: make([]float64, len(bounds)), Notices: slices.Clone(h.Notices)}
	j := 0
	for i, u := range h.Upper {
		for j < len(bounds)-1 && u > bounds[j] {
			j++
		}
		out.Counts[j] += h.Counts[i]
	}
	return out
}
