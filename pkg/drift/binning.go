package drift

import (
	"fmt"
	"math"
	"slices"
	"sort"
)

// BinningPolicy selects how raw numeric samples become bins for the binned
// distances (psi, kl_div, jensenshannon, tvd).
type BinningPolicy string

const (
	// BinningEvidently is Evidently's rule and the default: with more than 20
	// distinct reference values, Sturges bins over reference and current
	// combined (numpy.histogram_bin_edges(..., bins="sturges")); otherwise
	// one bin per distinct value of either sample. Empty bins are filled per
	// side with 1e-4, or min-non-zero/1e6 when that is smaller (psi, kl_div
	// only; jensenshannon and tvd need no fill).
	BinningEvidently BinningPolicy = "evidently"
	// BinningQuantiles uses Bins reference quantiles as edges, with open
	// outer bins so that every current value lands somewhere. Empty bins get
	// the same fill as BinningEvidently.
	BinningQuantiles BinningPolicy = "quantiles"
	// BinningFixed uses the given Edges (ascending). Values below the first
	// edge or above the last go to two overflow bins. Empty bins get the
	// same fill as BinningEvidently.
	BinningFixed BinningPolicy = "fixed"
)

// Binning configures BinningPolicy.
type Binning struct {
	Policy BinningPolicy
	Bins   int       // BinningQuantiles: number of bins, default 10
	Edges  []float64 // BinningFixed
}

// shares are the per-bin proportions of both samples.
type shares struct {
	ref, cur []float64
}

// binSamples turns two samples into proportions under a binning policy.
func binSamples(ref, cur *Sample, b Binning) (shares, error) {
	switch b.Policy {
	case "", BinningEvidently:
		if ref.Unique() > 20 {
			edges := sturgesEdges(ref.Sorted(), cur.Sorted())
			return shares{histogramShares(ref.Sorted(), edges), histogramShares(cur.Sorted(), edges)}, nil
		}
		return valueShares(ref.Sorted(), cur.Sorted()), nil
	case BinningQuantiles:
		n := b.Bins
		if n == 0 {
			n = 10
		}
		if n < 2 {
			return shares{}, fmt.Errorf("quantile binning needs at least 2 bins, got %d", n)
		}
		edges := quantileEdges(ref.Sorted(), n)
		return shares{openBinShares(ref.Sorted(), edges), openBinShares(cur.Sorted(), edges)}, nil
	case BinningFixed:
		if len(b.Edges) == 0 {
			return shares{}, fmt.Errorf("fixed binning needs edges")
		}
		for i := 1; i < len(b.Edges); i++ {
			if !(b.Edges[i] > b.Edges[i-1]) {
				return shares{}, fmt.Errorf("fixed binning edges must be strictly ascending; edge %d (%g) is not above %g", i, b.Edges[i], b.Edges[i-1])
			}
		}
		return shares{openBinShares(ref.Sorted(), b.Edges), openBinShares(cur.Sorted(), b.Edges)}, nil
	}
	return shares{}, fmt.Errorf("unknown binning policy %q: use evidently, quantiles or fixed", b.Policy)
}

// sturgesEdges reproduces numpy.histogram_bin_edges(concat(a, b),
// bins="sturges") for float data: equal-width bins over [min, max] of both,
// with width ptp/(log2(n)+1) and edges from numpy.linspace.
func sturgesEdges(a, b []float64) []float64 {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, s := range [][]float64{a, b} {
		if len(s) > 0 {
			lo = math.Min(lo, s[0])
			hi = math.Max(hi, s[len(s)-1])
		}
	}
	return sturgesRange(lo, hi, len(a)+len(b))
}

// sturgesRange is sturgesEdges for n values spanning [lo, hi].
func sturgesRange(lo, hi float64, n int) []float64 {
	first, last, bins := SturgesBins(lo, hi, int64(n))
	return linspace(first, last, bins+1)
}

// SturgesBins is numpy.histogram_bin_edges(data, bins="sturges") for n
// values spanning [lo, hi]: the outer edges (widened by 0.5 when all values
// are equal) and ceil(ptp/width) bins of width ptp/(log2(n)+1). The ClickHouse
// push-down bins with it too, so that both paths agree bit for bit.
func SturgesBins(lo, hi float64, n int64) (first, last float64, bins int) {
	width := (hi - lo) / (math.Log2(float64(n)) + 1)
	first, last = lo, hi
	if first == last {
		first, last = first-0.5, last+0.5
	}
	bins = 1
	if width > 0 {
		bins = int(math.Ceil((last - first) / width))
	}
	return first, last, bins
}

// linspace matches numpy.linspace(start, stop, num) bit for bit.
func linspace(start, stop float64, num int) []float64 {
	out := make([]float64, num)
	div := float64(num - 1)
	delta := stop - start
	step := delta / div
	for i := range out {
		if step == 0 {
			out[i] = float64(i)/div*delta + start
		} else {
			out[i] = float64(i)*step + start
		}
	}
	if num > 1 {
		out[num-1] = stop
	}
	return out
}

// histogramShares counts sorted values into [e_i, e_{i+1}) bins, the last
// bin closed, as numpy.histogram does, and divides by the sample size.
// Values outside the edges are not counted (they cannot occur for edges
// built over the data).
func histogramShares(sorted, edges []float64) []float64 {
	nb := len(edges) - 1
	counts := make([]float64, nb)
	j := 0
	for _, v := range sorted {
		if v < edges[0] || v > edges[nb] {
			continue
		}
		for j < nb-1 && v >= edges[j+1] {
			j++
		}
		counts[j]++
	}
	return divide(counts, float64(len(sorted)))
}

// openBinShares counts sorted values into bins (-inf, e_0], (e_0, e_1], ...,
// (e_k, +inf): right-closed like Prometheus le buckets.
func openBinShares(sorted, edges []float64) []float64 {
	counts := make([]float64, len(edges)+1)
	j := 0
	for _, v := range sorted {
		for j < len(edges) && v > edges[j] {
			j++
		}
		counts[j]++
	}
	return divide(counts, float64(len(sorted)))
}

// quantileEdges are the reference's k/n quantiles (linear interpolation, as
// numpy.quantile), without duplicates: equal quantiles on discrete data
// collapse into one edge.
func quantileEdges(sorted []float64, n int) []float64 {
	edges := make([]float64, 0, n-1)
	for k := 1; k < n; k++ {
		q := quantileSorted(sorted, float64(k)/float64(n))
		if len(edges) == 0 || q > edges[len(edges)-1] {
			edges = append(edges, q)
		}
	}
	return edges
}

// quantileSorted is numpy.quantile's default ("linear") on sorted data.
func quantileSorted(sorted []float64, q float64) float64 {
	if len(sorted) == 0 {
		return math.NaN()
	}
	pos := q * float64(len(sorted)-1)
	i := int(math.Floor(pos))
	if i >= len(sorted)-1 {
		return sorted[len(sorted)-1]
	}
	frac := pos - float64(i)
	// numpy's _lerp interpolates from the nearer end; the same rounding
	// keeps edges bit-identical to numpy.quantile (a value on an edge then
	// lands in the same bin).
	a, b := sorted[i], sorted[i+1]
	if frac >= 0.5 {
		return b - float64((b-a)*(1-frac))
	}
	return a + float64(frac*(b-a))
}

// valueShares has one bin per distinct value of either sample.
func valueShares(a, b []float64) shares {
	keys := mergeUnique(a, b)
	return shares{countShares(a, keys), countShares(b, keys)}
}

// mergeUnique returns the distinct values of two sorted slices, sorted, in
// one merge pass.
func mergeUnique(a, b []float64) []float64 {
	keys := make([]float64, 0, 32)
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		var v float64
		if j >= len(b) || (i < len(a) && a[i] <= b[j]) {
			v = a[i]
			i++
		} else {
			v = b[j]
			j++
		}
		if len(keys) == 0 || v != keys[len(keys)-1] {
			keys = append(keys, v)
		}
	}
	return keys
}

func countShares(sorted, keys []float64) []float64 {
	counts := make([]float64, len(keys))
	for _, v := range sorted {
		counts[sort.SearchFloat64s(keys, v)]++
	}
	return divide(counts, float64(len(sorted)))
}

func divide(x []float64, d float64) []float64 {
	for i := range x {
		x[i] /= d
	}
	return x
}

// fillZeros is Evidently's empty-bin rule: zeros become 1e-4, or
// min-non-zero/1e6 when the smallest non-zero share is at most 1e-4. Each
// side is filled on its own and not renormalised.
func fillZeros(p []float64) []float64 {
	minNZ := math.Inf(1)
	for _, v := range p {
		if v != 0 && v < minNZ {
			minNZ = v
		}
	}
	if math.IsInf(minNZ, 1) {
		return p
	}
	fill := 1e-4
	if minNZ <= 1e-4 {
		fill = minNZ / 1e6
	}
	out := slices.Clone(p)
	for i, v := range out {
		if v == 0 {
			out[i] = fill
		}
	}
	return out
}
