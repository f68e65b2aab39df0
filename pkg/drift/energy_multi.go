package drift

import (
	"fmt"
	"math"
	"slices"
)

// Energy distance between two sets of rows:
//
//	E = sqrt(2·E‖X−Y‖ − E‖X−X'‖ − E‖Y−Y'‖)
//
// with the expectations taken over the empirical distributions (the
// V-statistic: the within-sample means include the zero diagonal, divided
// by n²). This is the square root of dcor.energy_distance, and in one
// dimension it is scipy.stats.energy_distance (√2 times the L2 distance of
// the CDFs) — one column is computed exactly that way, in O(N log N).

// energyExactMaxRows bounds the rows per side of the exact O(N²·d)
// computation; larger sides are subsampled.
const energyExactMaxRows = 2000

func energyMulti(ref, cur *Matrix, o Options) (outcome, error) {
	if ref.Cols == 1 {
		// Same code path as the univariate "energy": one column must give
		// scipy's value to the last digits, at any size.
		a := NewSampleOwned(slices.Clone(ref.Data))
		b := NewSampleOwned(slices.Clone(cur.Data))
		return dist(math.Sqrt2 * cdfDistance(a.Sorted(), b.Sorted(), 2)), nil
	}
	return energyRows(ref, cur, o, energyExactMaxRows), nil
}

// energyRows is exact when both sides have at most limit rows. Otherwise
// each larger side is replaced by limit random rows, and the full-data
// V-statistic is estimated without the bias of the subsample's own
// V-statistic: the within-sample mean comes from the subsample's distinct
// pairs (a U-statistic, unbiased for E‖X−X'‖) scaled by (n−1)/n for the
// full n, the cross mean from all subsample pairs.
func energyRows(ref, cur *Matrix, o Options, limit int) outcome {
	e2, sampled, notes := energySquared(ref, cur, o.Seed, limit)
	if e2 < 0 {
		// Exactly, e2 >= 0; only rounding (identical samples) or the
		// subsample estimate can make it negative.
		if sampled {
			notes = append(notes, fmt.Sprintf("energy: the subsample estimate of the squared distance was negative (%.3g), reported as 0", e2))
		}
		e2 = 0
	}
	out := dist(math.Sqrt(e2))
	out.notices = notes
	return out
}

// energySquared is 2·E‖X−Y‖ − E‖X−X'‖ − E‖Y−Y'‖, exact or estimated from
// subsamples (sampled), before the square root.
func energySquared(ref, cur *Matrix, seed uint64, limit int) (e2 float64, sampled bool, notes []string) {
	n, m := ref.Rows, cur.Rows
	xs, ys := ref, cur
	if n > limit || m > limit {
		rng := newRNG(seed, streamSubsample)
		if n > limit {
			xs = subsampleRows(ref, limit, rng)
		}
		if m > limit {
			ys = subsampleRows(cur, limit, rng)
		}
		sampled = true
		notes = append(notes, fmt.Sprintf("energy: estimated on random subsamples of %d of %d reference and %d of %d current rows (seed %d); the exact distance costs O(N²)",
			xs.Rows, n, ys.Rows, m, seed))
	}
	return 2*crossMeanDist(xs, ys) - withinMeanDist(xs, n) - withinMeanDist(ys, m), sampled, notes
}

// crossMeanDist is the mean of ‖x_i − y_j‖ over all pairs. Per-row sums are
// added in row order, so the value does not depend on scheduling.
func crossMeanDist(x, y *Matrix) float64 {
	rows := make([]float64, x.Rows)
	parallelFor(x.Rows, 16, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			xi := x.Row(i)
			var s float64
			for j := range y.Rows {
				s += math.Sqrt(sqDist(xi, y.Row(j)))
			}
			rows[i] = s
		}
	})
	return pairwiseSum(rows) / (float64(x.Rows) * float64(y.Rows))
}

// withinMeanDist estimates E‖X−X'‖ under the empirical distribution of
// the full sample of size full (the V-statistic, zero diagonal included)
// from the rows of x, a random subset of it or the sample itself:
// (full−1)/full times the mean over x's distinct pairs. When x is the whole
// sample this is Σ_{i≠j}‖x_i−x_j‖/n², the exact V-statistic.
func withinMeanDist(x *Matrix, full int) float64 {
	k := x.Rows
	if k < 2 {
		return 0
	}
	rows := make([]float64, k)
	parallelFor(k, 8, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			xi := x.Row(i)
			var s float64
			for j := i + 1; j < k; j++ {
				s += math.Sqrt(sqDist(xi, x.Row(j)))
			}
			rows[i] = s
		}
	})
	sum := 2 * pairwiseSum(rows) // Σ over ordered pairs i ≠ j
	if k == full {
		return sum / (float64(k) * float64(k))
	}
	return float64(full-1) / float64(full) * sum / (float64(k) * float64(k-1))
}
