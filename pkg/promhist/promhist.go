// Package promhist turns Prometheus counter samples into counts: exact,
// reset-adjusted increases of raw counter samples (classic histogram
// buckets, class counters), summed by a group label and the bucket bound
// across instances, and the same sums from increase() results when only
// those are available.
//
// It is pure: no I/O and no Grafana imports. The engine fetches the samples
// and hands them over as parallel time (ms) and value slices.
package promhist

import (
	"math"
	"slices"
	"sort"

	"github.com/mlwatch/mlwatch/pkg/drift"
)

// Counter is one counter series made monotonic: C[i] is the total counted
// from the first usable sample up to sample i, with counter resets
// adjusted. C[0] is 0, so Counter measures increases within the samples it
// was given and never the counter's absolute value.
type Counter struct {
	T []int64   // sample times, ascending (ms)
	C []float64 // reset-adjusted running increase at T[i]
	// Resets counts the decreases treated as counter resets.
	Resets int
	// Dropped counts NaN and ±Inf samples, which were ignored.
	Dropped int
}

// NewCounter builds the running increase of one series. A decrease is a
// counter reset (the process restarted): the value after it counts in full,
// as Prometheus's increase() does. NaN and ±Inf samples are dropped and
// counted. Times must be ascending, as the Prometheus API returns them.
func NewCounter(t []int64, v []float64) Counter {
	c := Counter{T: make([]int64, 0, len(t)), C: make([]float64, 0, len(t))}
	var prev, acc float64
	first := true
	for i := range t {
		x := v[i]
		if math.IsNaN(x) || math.IsInf(x, 0) {
			c.Dropped++
			continue
		}
		switch {
		case first:
			first = false
		case x >= prev:
			acc += x - prev
		default:
			c.Resets++
			acc += x
		}
		prev = x
		c.T = append(c.T, t[i])
		c.C = append(c.C, acc)
	}
	return c
}

// Increase is the exact reset-adjusted increase over a sequence of counter
// values: the sum of the rises, plus the value after each reset. For
// [100 150 210 5 40 90] it is 200.
func Increase(v []float64) float64 {
	t := make([]int64, len(v))
	c := NewCounter(t, v)
	if len(c.C) == 0 {
		return 0
	}
	return c.C[len(c.C)-1]
}

// Len is the number of usable samples.
func (c *Counter) Len() int { return len(c.T) }

// At is the running increase at the last sample at or before t; 0 before
// the first sample.
func (c *Counter) At(t int64) float64 {
	i := sort.Search(len(c.T), func(i int) bool { return c.T[i] > t })
	if i == 0 {
		return 0
	}
	return c.C[i-1]
}

// Increase is what the counter counted in (from, to]: the running increase
// at the last sample <= to minus that at the last sample <= from. A series
// that starts inside the range counts from its first sample, as increase()
// does (its first value may include events from before the range).
func (c *Counter) Increase(from, to int64) float64 {
	if to <= from {
		return 0
	}
	return math.Max(c.At(to)-c.At(from), 0)
}

// AtEach writes At(times[i]) into out for ascending times, in one pass.
func (c *Counter) AtEach(times []int64, out []float64) {
	j := 0
	for i, t := range times {
		for j < len(c.T) && c.T[j] <= t {
			j++
		}
		if j == 0 {
			out[i] = 0
		} else {
			out[i] = c.C[j-1]
		}
	}
}

// Sums adds counts per group (a feature, or a class) and bucket bound
// across series, so that instances of the same histogram add up before the
// per-bucket differences are taken (summing after differencing would be
// equivalent for exact counts, but not for the repair of extrapolated
// ones). Bounds are floats, so le="1" and le="1.0" are one bucket. Each
// cell holds a vector of Width values (one per window or step).
type Sums struct {
	Width  int
	groups map[string]*groupSums
	order  []string
}

type groupSums struct {
	index map[float64]int
	les   []float64
	vals  [][]float64
	// labels counts the distinct le strings seen, to report coalescing.
	labels map[string]struct{}
}

// NewSums makes an empty accumulator of width values per cell.
func NewSums(width int) *Sums {
	if width < 1 {
		width = 1
	}
	return &Sums{Width: width, groups: map[string]*groupSums{}}
}

// cell returns the vector for (group, le), creating it.
func (s *Sums) cell(group string, le float64, leLabel string) []float64 {
	g := s.groups[group]
	if g == nil {
		g = &groupSums{index: map[float64]int{}, labels: map[string]struct{}{}}
		s.groups[group] = g
		s.order = append(s.order, group)
	}
	if leLabel != "" {
		g.labels[leLabel] = struct{}{}
	}
	i, ok := g.index[le]
	if !ok {
		i = len(g.les)
		g.index[le] = i
		g.les = append(g.les, le)
		g.vals = append(g.vals, make([]float64, s.Width))
	}
	return g.vals[i]
}

// Add adds v to slot k of (group, le). leLabel is the label text (to report
// coalesced spellings); pass "" for non-histogram counters.
func (s *Sums) Add(group string, le float64, leLabel string, k int, v float64) {
	s.cell(group, le, leLabel)[k] += v
}

// AddVector adds a whole vector to (group, le).
func (s *Sums) AddVector(group string, le float64, leLabel string, v []float64) {
	c := s.cell(group, le, leLabel)
	for k := range c {
		c[k] += v[k]
	}
}

// Touch makes (group, le) exist with zero counts: a series with no samples
// in a window still proves the bucket exists.
func (s *Sums) Touch(group string, le float64, leLabel string) { s.cell(group, le, leLabel) }

// Groups lists the groups in sorted order.
func (s *Sums) Groups() []string {
	out := slices.Clone(s.order)
	slices.Sort(out)
	return out
}

// Has reports whether a group was seen.
func (s *Sums) Has(group string) bool { return s.groups[group] != nil }

// Bounds lists a group's bucket bounds, ascending.
func (s *Sums) Bounds(group string) []float64 {
	g := s.groups[group]
	if g == nil {
		return nil
	}
	out := slices.Clone(g.les)
	slices.Sort(out)
	return out
}

// Coalesced is how many le spellings of a group were merged into an equal
// bound (le="1" and le="1.0" give 1).
func (s *Sums) Coalesced(group string) int {
	g := s.groups[group]
	if g == nil {
		return 0
	}
	return len(g.labels) - len(g.les)
}

// Value is slot k of (group, le); 0 when absent.
func (s *Sums) Value(group string, le float64, k int) float64 {
	g := s.groups[group]
	if g == nil {
		return 0
	}
	i, ok := g.index[le]
	if !ok {
		return 0
	}
	return g.vals[i][k]
}

// Buckets returns slot k of a group as cumulative buckets for
// drift.FromCumulative.
func (s *Sums) Buckets(group string, k int) []drift.Bucket {
	g := s.groups[group]
	if g == nil {
		return nil
	}
	out := make([]drift.Bucket, len(g.les))
	for i, le := range g.les {
		out[i] = drift.Bucket{UpperBound: le, Count: g.vals[i][k]}
	}
	return out
}

// Histogram builds slot k of a group as a histogram (see
// drift.FromCumulative: coalescing, monotonicity repair, +Inf required).
func (s *Sums) Histogram(group string, k int) (*drift.Histogram, error) {
	return drift.FromCumulative(s.Buckets(group, k))
}

// Total is the sum of slot k over a group's cells (for class counters,
// where every cell is one class).
func (s *Sums) Total(group string, k int) float64 {
	g := s.groups[group]
	if g == nil {
		return 0
	}
	var t float64
	for _, v := range g.vals {
		t += v[k]
	}
	return t
}

// Value parses an increase() result for Sums: negative and non-finite
// values (extrapolation noise, stale data) count as 0, and the second
// result says whether the value was unusable (NaN or ±Inf), for reporting.
func Value(v float64) (float64, bool) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, true
	}
	return math.Max(v, 0), false
}

// AddLe adds v to slot k of (group, le parsed from its label text). An
// unusable v (NaN, ±Inf from increase()) counts as 0 and is reported in the
// second result; a label that is not a bound is an error.
func (s *Sums) AddLe(group, le string, k int, v float64) (bool, error) {
	b, err := drift.ParseLe(le)
	if err != nil {
		return false, err
	}
	x, bad := Value(v)
	s.Add(group, b, le, k, x)
	return bad, nil
}
