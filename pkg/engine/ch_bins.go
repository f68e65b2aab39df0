package engine

import (
	"fmt"
	"math"
	"slices"

	"github.com/mlwatch/mlwatch/pkg/drift"
)

// Bins computed in ClickHouse. A binSpec says how one feature's values are
// binned; the counts come back per (feature, window, bin) and become
// drift.Histograms here.

type binMode int

const (
	// binArith: equal-width bins [e_i, e_{i+1}) over [lo, hi] (the last
	// closed), numpy.histogram's rule, with the bin index computed by
	// arithmetic and corrected against the exact edges. Values below lo or
	// above hi (rows that arrived after the edges were computed) go to an
	// underflow and an overflow bin.
	binArith binMode = 1
	// binValues: one bin per distinct value.
	binValues binMode = 2
	// binEdges: open bins (-inf, e_0], (e_0, e_1], ..., (e_k, +inf) around
	// given edges, right-closed like Prometheus buckets (the drift
	// package's quantile and fixed binning).
	binEdges binMode = 3
)

// fineBins is the number of equal-width bins for Wasserstein (and KS)
// computed in ClickHouse, as Evidently's Spark engine does.
const fineBins = 1000

type binSpec struct {
	mode binMode
	// binArith: edges are linspace(lo, hi, nb+1) (numpy's), step their
	// spacing.
	lo, hi, step float64
	nb           int
	// binEdges
	edges []float64
	// what describes the binning for notices ("Sturges bins").
	what string
}

// arithEdges returns numpy.linspace(lo, hi, nb+1) as the drift package and
// numpy compute it: i*step + lo, the last edge exactly hi.
func (s binSpec) arithEdges() []float64 {
	out := make([]float64, s.nb+1)
	for i := range out {
		out[i] = float64(i)*s.step + s.lo
	}
	out[s.nb] = s.hi
	return out
}

// equalWidth is nb equal-width bins over [lo, hi], widened by 0.5 on each
// side when lo == hi (numpy.histogram_bin_edges does the same).
func equalWidth(lo, hi float64, nb int, what string) binSpec {
	if lo == hi {
		lo, hi = lo-0.5, hi+0.5
	}
	if nb < 1 {
		nb = 1
	}
	return binSpec{mode: binArith, lo: lo, hi: hi, nb: nb, step: (hi - lo) / float64(nb), what: what}
}

// sturges reproduces numpy.histogram_bin_edges(data, bins="sturges") for
// n values spanning [lo, hi]: width ptp/(log2(n)+1), ceil(ptp/width) bins.
func sturges(lo, hi float64, n int64) binSpec {
	first, last, bins := drift.SturgesBins(lo, hi, n)
	s := binSpec{mode: binArith, lo: first, hi: last, nb: bins, what: "Sturges bins"}
	s.step = (last - first) / float64(bins)
	return s
}

// dedupEdges sorts edges and drops repeats and non-finite values.
func dedupEdges(in []float64) []float64 {
	var out []float64
	for _, e := range in {
		if !math.IsNaN(e) && !math.IsInf(e, 0) {
			out = append(out, e)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// binKey is one bin of a count: the bin index (binArith: -1 underflow,
// 0..nb-1, nb overflow; binEdges: 0..len(edges)) or the value (binValues).
type binKey struct {
	b int64
	x float64
}

// binCounts holds counts per bin of one feature in one window.
type binCounts map[binKey]float64

func (c binCounts) add(o binCounts) {
	for k, v := range o {
		c[k] += v
	}
}

// histograms turns the counts of several windows into drift.Histograms with
// the same bounds. withLower puts an empty bucket ending at the first edge
// in front (for wasserstein, which needs a finite lower bound). The notice
// reports values outside the edges.
func (s binSpec) histograms(windows []binCounts, withLower bool) ([]*drift.Histogram, string, error) {
	var upper []float64
	cols := make([][]float64, len(windows))
	var notice string
	switch s.mode {
	case binArith:
		edges := s.arithEdges()
		var under, over float64
		for _, w := range windows {
			under += w[binKey{b: -1}]
			over += w[binKey{b: int64(s.nb)}]
		}
		first := 1
		if withLower || under > 0 {
			first = 0
		}
		upper = slices.Clone(edges[first:])
		if over > 0 {
			upper = append(upper, math.Inf(1))
		}
		for i, w := range windows {
			col := make([]float64, 0, len(upper))
			if first == 0 {
				col = append(col, w[binKey{b: -1}])
			}
			for b := 0; b < s.nb; b++ {
				col = append(col, w[binKey{b: int64(b)}])
			}
			if over > 0 {
				col = append(col, w[binKey{b: int64(s.nb)}])
			}
			cols[i] = col
		}
		if under+over > 0 {
			notice = fmt.Sprintf("%g values fell outside the bins computed a moment earlier (rows arriving meanwhile) and were counted in open end bins", under+over)
		}
	case binValues:
		seen := map[float64]bool{}
		for _, w := range windows {
			for k := range w {
				seen[k.x] = true
			}
		}
		for x := range seen {
			upper = append(upper, x)
		}
		slices.Sort(upper)
		for i, w := range windows {
			col := make([]float64, len(upper))
			for j, x := range upper {
				col[j] = w[binKey{x: x}]
			}
			cols[i] = col
		}
	case binEdges:
		n := len(s.edges) + 1
		var last float64
		for _, w := range windows {
			last += w[binKey{b: int64(n - 1)}]
		}
		upper = slices.Clone(s.edges)
		if last > 0 {
			upper = append(upper, math.Inf(1))
		} else {
			n--
		}
		for i, w := range windows {
			col := make([]float64, n)
			for b := range n {
				col[b] = w[binKey{b: int64(b)}]
			}
			cols[i] = col
		}
	}
	if len(upper) == 0 {
		// Nothing in any window: one empty bucket, so that the drift
		// functions report "insufficient data" with the right counts.
		upper = []float64{0}
		for i := range cols {
			cols[i] = []float64{0}
		}
	}
	out := make([]*drift.Histogram, len(windows))
	for i := range windows {
		h, err := drift.NewHistogram(upper, cols[i])
		if err != nil {
			return nil, "", err
		}
		out[i] = h
	}
	return out, notice, nil
}

// displayBins are the bins of a distribution frame: lower and upper bound
// and the counts of each window. Open end bins are closed at the data's
// min and max (lo, hi); values outside arithmetic bins are merged into the
// end bins, since a frame cannot show infinite bounds.
func (s binSpec) displayBins(windows []binCounts, lo, hi float64) (lower, upper []float64, counts [][]float64) {
	counts = make([][]float64, len(windows))
	switch s.mode {
	case binArith:
		edges := s.arithEdges()
		lower, upper = slices.Clone(edges[:s.nb]), slices.Clone(edges[1:])
		for i, w := range windows {
			c := make([]float64, s.nb)
			for b := 0; b < s.nb; b++ {
				c[b] = w[binKey{b: int64(b)}]
			}
			c[0] += w[binKey{b: -1}]
			c[s.nb-1] += w[binKey{b: int64(s.nb)}]
			counts[i] = c
		}
	case binValues:
		seen := map[float64]bool{}
		for _, w := range windows {
			for k := range w {
				seen[k.x] = true
			}
		}
		for x := range seen {
			lower = append(lower, x)
		}
		slices.Sort(lower)
		upper = slices.Clone(lower)
		for i, w := range windows {
			c := make([]float64, len(lower))
			for j, x := range lower {
				c[j] = w[binKey{x: x}]
			}
			counts[i] = c
		}
	case binEdges:
		n := len(s.edges) + 1
		for b := range n {
			l, u := lo, hi
			if b > 0 {
				l = s.edges[b-1]
			}
			if b < len(s.edges) {
				u = s.edges[b]
			}
			lower, upper = append(lower, math.Min(l, u)), append(upper, u)
		}
		for i, w := range windows {
			c := make([]float64, n)
			for b := range n {
				c[b] = w[binKey{b: int64(b)}]
			}
			counts[i] = c
		}
	}
	return lower, upper, counts
}
