package drift

import (
	"math"
)

// The binned distances work on proportions: raw samples are binned first
// (binning.go), categorical counts and histograms are proportions already.

func init() {
	for name, fn := range map[string]func(p, q []float64) float64{
		"psi":           psi,
		"kl_div":        klDiv,
		"jensenshannon": jensenShannon,
		"hellinger":     hellingerShares,
		"tvd":           tvd,
	} {
		fill := name == "psi" || name == "kl_div"
		m := register(name, Distance, DefaultDistanceThreshold)
		m.cat = func(t *Contingency, _ Options) (outcome, error) {
			p, q := dropJointZeros(t.Shares())
			return dist(onShares(fn, p, q, fill)), nil
		}
		m.binned = func(ref, cur *Histogram, _ Options) (outcome, error) {
			p, q := dropJointZeros(ref.Shares(), cur.Shares())
			return dist(onShares(fn, p, q, fill)), nil
		}
		if name == "hellinger" {
			// Evidently bins numeric columns for Hellinger its own way.
			m.numeric = func(ref, cur *Sample, o Options) (outcome, error) {
				if o.Binning.Policy != "" && o.Binning.Policy != BinningEvidently {
					s, err := binSamples(ref, cur, o.Binning)
					if err != nil {
						return outcome{}, err
					}
					return dist(hellingerShares(s.ref, s.cur)), nil
				}
				return dist(hellingerNumeric(ref, cur)), nil
			}
			continue
		}
		m.numeric = func(ref, cur *Sample, o Options) (outcome, error) {
			s, err := binSamples(ref, cur, o.Binning)
			if err != nil {
				return outcome{}, err
			}
			return dist(onShares(fn, s.ref, s.cur, fill)), nil
		}
	}
}

func onShares(fn func(p, q []float64) float64, p, q []float64, fill bool) float64 {
	if fill {
		p, q = fillZeros(p), fillZeros(q)
	}
	return fn(p, q)
}

// These mirror numpy/scipy's order of operations (normalise, elementwise,
// pairwise sum) so that near-zero results agree to the last digits.

// psi is the population stability index, Σ (r−c)·ln(r/c), natural log.
func psi(r, c []float64) float64 {
	v := make([]float64, len(r))
	for i := range r {
		v[i] = (r[i] - c[i]) * math.Log(r[i]/c[i])
	}
	return pairwiseSum(v)
}

// klDiv is KL(r‖c) in nats after normalising both, as scipy.stats.entropy.
func klDiv(r, c []float64) float64 {
	p, q := normalize(r), normalize(c)
	v := make([]float64, len(p))
	for i := range p {
		v[i] = relEntr(p[i], q[i])
	}
	return pairwiseSum(v)
}

// jensenShannon is scipy.spatial.distance.jensenshannon with the natural
// log: the square root of the JS divergence, after normalising both.
func jensenShannon(r, c []float64) float64 {
	p, q := normalize(r), normalize(c)
	left := make([]float64, len(p))
	right := make([]float64, len(p))
	for i := range p {
		m := (p[i] + q[i]) / 2
		left[i] = relEntr(p[i], m)
		right[i] = relEntr(q[i], m)
	}
	js := pairwiseSum(left) + pairwiseSum(right)
	// Rounding can leave a tiny negative sum for equal inputs, where scipy
	// would answer NaN; the distance is 0 there.
	return math.Sqrt(math.Max(js, 0) / 2)
}

// relEntr is scipy.special.rel_entr.
func relEntr(x, y float64) float64 {
	switch {
	case x > 0 && y > 0:
		return x * math.Log(x/y)
	case x == 0 && y >= 0:
		return 0
	default:
		return math.Inf(1)
	}
}

func normalize(x []float64) []float64 {
	s := pairwiseSum(x)
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = v / s
	}
	return out
}

// hellingerShares is √(1 − Σ√(p·q)) with the coefficient clipped to [0, 1],
// as Evidently computes it for categories.
func hellingerShares(p, q []float64) float64 {
	var bc float64
	for i := range p {
		bc += math.Sqrt(p[i] * q[i])
	}
	bc = math.Min(math.Max(bc, 0), 1)
	return math.Sqrt(1 - bc)
}

// hellingerNumeric follows Evidently for numeric columns: Sturges edges over
// the distinct values of both samples, density histograms, and the
// Bhattacharyya coefficient Σ√(h1·h2)·width.
func hellingerNumeric(ref, cur *Sample) float64 {
	// Sturges edges over the distinct values need only their count and
	// range, not the values themselves.
	r, c := ref.Sorted(), cur.Sorted()
	edges := sturgesRange(math.Min(r[0], c[0]), math.Max(r[len(r)-1], c[len(c)-1]), countUniqueMerged(r, c))
	h1 := densities(ref.Sorted(), edges)
	h2 := densities(cur.Sorted(), edges)
	width := (edges[len(edges)-1] - edges[0]) / float64(len(edges)-1)
	var bc float64
	for i := range h1 {
		bc += math.Sqrt(h1[i]*h2[i]) * width
	}
	bc = math.Min(math.Max(bc, 0), 1)
	return math.Sqrt(1 - bc)
}

// densities is numpy.histogram(..., density=True).
func densities(sorted, edges []float64) []float64 {
	shares := histogramShares(sorted, edges)
	total := pairwiseSum(shares)
	out := make([]float64, len(shares))
	for i, s := range shares {
		out[i] = s / total / (edges[i+1] - edges[i])
	}
	return out
}

// tvd is the total variation distance ½Σ|p−q| after normalising both.
func tvd(r, c []float64) float64 {
	p, q := normalize(r), normalize(c)
	v := make([]float64, len(p))
	for i := range p {
		v[i] = math.Abs(p[i] - q[i])
	}
	return pairwiseSum(v) / 2
}

// dropJointZeros leaves out bins that neither window saw: Evidently's
// categorical view never has them, and a filled empty bin would change PSI
// and KL whenever the two windows' fill values differ.
func dropJointZeros(p, q []float64) ([]float64, []float64) {
	var a, b []float64
	for i := range p {
		if p[i] != 0 || q[i] != 0 {
			a, b = append(a, p[i]), append(b, q[i])
		}
	}
	return a, b
}
