package drift

import (
	"math"
)

// Wasserstein-1 and energy distance on one-dimensional data, from the two
// empirical CDFs in one merge pass over sorted samples (scipy's
// _cdf_distance without re-sorting).

// normFloor is Evidently's floor for the reference standard deviation.
const normFloor = 0.001

func init() {
	w := register("wasserstein", Distance, DefaultDistanceThreshold)
	w.numeric = func(ref, cur *Sample, _ Options) (outcome, error) {
		_, variance := ref.meanVar()
		norm := math.Max(math.Sqrt(variance), normFloor)
		return dist(cdfDistance(ref.Sorted(), cur.Sorted(), 1) / norm), nil
	}
	w.binned = func(ref, cur *Histogram, _ Options) (outcome, error) {
		norm := math.Max(groupedStd(ref), normFloor)
		o := dist(binnedW1(ref, cur) / norm)
		o.notices = append(o.notices, overflowNotice(ref, cur)...)
		return o, nil
	}

	e := register("energy", Distance, DefaultDistanceThreshold)
	e.numeric = func(ref, cur *Sample, _ Options) (outcome, error) {
		return dist(math.Sqrt(2) * cdfDistance(ref.Sorted(), cur.Sorted(), 2)), nil
	}
}

// cdfDistance is (∫|F−G|^p dx)^(1/p) for p = 1 or 2, with F and G the
// empirical CDFs of the sorted samples u and v, as scipy computes it.
func cdfDistance(u, v []float64, p int) float64 {
	nu, nv := float64(len(u)), float64(len(v))
	var acc, comp float64
	i, j := 0, 0
	// x walks the merged values; between consecutive values both CDFs are
	// constant.
	x := math.Min(u[0], v[0])
	for i < len(u) || j < len(v) {
		// Consume every value equal to x from both samples.
		for i < len(u) && u[i] == x {
			i++
		}
		for j < len(v) && v[j] == x {
			j++
		}
		var next float64
		switch {
		case i < len(u) && j < len(v):
			next = math.Min(u[i], v[j])
		case i < len(u):
			next = u[i]
		case j < len(v):
			next = v[j]
		default:
			next = x
		}
		d := math.Abs(float64(i)/nu - float64(j)/nv)
		if p == 2 {
			d *= d
		}
		// Kahan summation keeps millions of small terms accurate.
		y := d*(next-x) - comp
		t := acc + y
		comp = (t - acc) - y
		acc = t
		x = next
	}
	if p == 2 {
		return math.Sqrt(acc)
	}
	return acc
}

// binnedW1 is ∫|F−G| for histograms with uniform mass inside each finite
// bucket. A bucket without a finite lower bound has its mass at its upper
// bound, and the +Inf bucket at the last finite bound (as histogram_quantile
// does), so W1 stays finite.
func binnedW1(ref, cur *Histogram) float64 {
	p, q := ref.Cumulative(), cur.Cumulative()
	var w float64
	lower := ref.Lower()
	prevDelta := 0.0
	for k, up := range ref.Upper {
		lo := lower
		if k > 0 {
			lo = ref.Upper[k-1]
		}
		delta := p[k] - q[k]
		if !math.IsInf(lo, 0) && !math.IsInf(up, 0) {
			w += segmentAbsIntegral(prevDelta, delta, up-lo)
		}
		prevDelta = delta
	}
	return w
}

// segmentAbsIntegral is ∫|Δ| over a segment of width w where Δ moves
// linearly from a to b.
func segmentAbsIntegral(a, b, w float64) float64 {
	if (a >= 0) == (b >= 0) || a == 0 || b == 0 {
		return w * (math.Abs(a) + math.Abs(b)) / 2
	}
	return w * (a*a + b*b) / (2 * (math.Abs(a) + math.Abs(b)))
}

// groupedStd is the population standard deviation of a histogram under the
// same model as binnedW1: uniform inside finite buckets, point masses for
// the open ones.
func groupedStd(h *Histogram) float64 {
	total := h.Total()
	var m1, m2 float64
	lower := h.Lower()
	for k, up := range h.Upper {
		c := h.Counts[k] / total
		if c == 0 {
			continue
		}
		lo := lower
		if k > 0 {
			lo = h.Upper[k-1]
		}
		var mean, second float64
		switch {
		case math.IsInf(lo, -1):
			mean, second = up, up*up
		case math.IsInf(up, 1):
			mean, second = lo, lo*lo
		default:
			mean = (lo + up) / 2
			second = mean*mean + (up-lo)*(up-lo)/12
		}
		m1 += c * mean
		m2 += c * second
	}
	return math.Sqrt(math.Max(m2-m1*m1, 0))
}

func overflowNotice(ref, cur *Histogram) []string {
	r, c := ref.OverflowShare(), cur.OverflowShare()
	if r == 0 && c == 0 {
		return nil
	}
	return []string{formatOverflow(r, c)}
}
