package drift

import (
	"fmt"
	"math"
)

// Maximum mean discrepancy with a Gaussian RBF kernel, as alibi-detect's
// MMDDrift: k(x,y) = exp(−‖x−y‖²/(2σ²)), σ from the median heuristic on the
// reference, the unbiased MMD²_u and a permutation p-value. Large inputs
// use Gretton et al.'s (JMLR 2012, §6) linear-time MMD²_l and its z-test,
// so that nothing is O(N²) in memory or time.
//
// Departure from alibi: p = (k+1)/(P+1), k being the number of permuted
// statistics >= the observed one. alibi reports k/P (alibi-detect issue
// #960), which can be 0 and is not a valid p-value; the +1 counts the
// observed labelling as one of the permutations.

const (
	// mmdQuadraticMaxRows bounds n+m for the quadratic estimator: its packed
	// kernel matrix then takes at most 2000·1999/2 floats (16 MB).
	mmdQuadraticMaxRows = 2000
	// mmdSigmaRows is the reference subsample used for the bandwidth on the
	// linear path (its 499,500 pairs give a stable median).
	mmdSigmaRows = 1000
	// defaultPermutations is alibi's n_permutations.
	defaultPermutations = 100
	// permTolerance absorbs rounding when a permutation reproduces the
	// observed split through a different summation path (as scipy's
	// permutation_test does); MMD² values are O(1) and differ by far more
	// between distinct splits.
	permTolerance = 1e-12
)

func mmdTest(ref, cur *Matrix, o Options) (outcome, error) {
	return mmdRoute(ref, cur, o, mmdQuadraticMaxRows), nil
}

// mmdRoute picks the estimator. Up to limit rows in total, the quadratic
// permutation test on everything. Above it, when one side is small, the
// quadratic test still has far more power than the linear one over that
// few pairs, so the larger side is subsampled to fill the limit; when both
// sides are large, the linear-time test on all rows.
func mmdRoute(ref, cur *Matrix, o Options, limit int) outcome {
	n, m := ref.Rows, cur.Rows
	small := min(n, m)
	switch {
	case n+m <= limit:
		return mmdPermutation(ref, cur, o)
	case small <= limit/2 || small < 4:
		keep := max(limit-small, 2)
		rng := newRNG(o.Seed, streamSubsample)
		side := "reference"
		if n > m {
			ref = subsampleRows(ref, keep, rng)
		} else {
			cur = subsampleRows(cur, keep, rng)
			side = "current"
		}
		out := mmdPermutation(ref, cur, o)
		out.notices = append(out.notices, fmt.Sprintf("mmd: the %s window was subsampled at random from %d to %d rows (seed %d) to keep the kernel matrix within %d rows", side, max(n, m), keep, o.Seed, limit))
		return out
	default:
		return mmdLinear(ref, cur, o)
	}
}

// bandwidth returns 2σ² by alibi's median heuristic (sigma_median with
// x = y): the ⌊(n²−n)/2⌋-th (1-based) of the n²−n sorted off-diagonal
// squared distances. That list holds each pair twice, so this is the lower
// median of the n(n−1)/2 distinct pairs in refPairs (which is reordered).
//
// alibi's σ is 0 when most reference rows coincide, and its kernel is then
// undefined; we fall back to the median of the non-zero pair distances and,
// for a constant reference, of the distances from it to the current rows.
// refRow is one reference row and cur the rows for that last case.
func bandwidth(refPairs []float64, refRow []float64, cur *Matrix, curRows int) (float64, []string) {
	if len(refPairs) > 0 {
		if med := selectKth(refPairs, (len(refPairs)-1)/2); med > 0 {
			return med, nil
		}
	}
	if pos := positive(refPairs); len(pos) > 0 {
		return selectKth(pos, (len(pos)-1)/2), []string{"mmd: most reference rows coincide, so the bandwidth is the median of the non-zero reference distances"}
	}
	var toCur []float64
	for j := range min(cur.Rows, curRows) {
		if d := sqDist(refRow, cur.Row(j)); d > 0 {
			toCur = append(toCur, d)
		}
	}
	if len(toCur) > 0 {
		return selectKth(toCur, (len(toCur)-1)/2), []string{"mmd: the reference rows are all equal, so the bandwidth is the median distance from them to the current rows"}
	}
	// Every row equal: any bandwidth gives MMD² = 0.
	return 1, []string{"mmd: every row is equal; the bandwidth is set to σ = √0.5"}
}

func positive(x []float64) []float64 {
	var out []float64
	for _, v := range x {
		if v > 0 {
			out = append(out, v)
		}
	}
	return out
}

// mmdQuad is the kernel matrix of the stacked rows [ref; cur] with what the
// permutation test needs to evaluate MMD²_u for any split in
// O(min(n,m)²).
type mmdQuad struct {
	n, m int
	// k is the strict upper triangle of K, packed by rows: K[i][j] (i < j)
	// is k[base(i)+j].
	k []float64
	// rowSum[i] is Σ_{j≠i} K[i][j]; total is Σ rowSum = 2·Σ_{i<j} K[i][j].
	rowSum []float64
	total  float64
	// twoSigmaSq is 2σ².
	twoSigmaSq float64
}

func (q *mmdQuad) base(i int) int {
	N := q.n + q.m
	return i*(N-1) - i*(i-1)/2 - i - 1
}

// newMMDQuad builds the kernel matrix. twoSigmaSq > 0 fixes the bandwidth;
// 0 asks for the median heuristic on the reference rows.
func newMMDQuad(ref, cur *Matrix, twoSigmaSq float64) (*mmdQuad, []string) {
	n, m := ref.Rows, cur.Rows
	N := n + m
	q := &mmdQuad{n: n, m: m, k: make([]float64, N*(N-1)/2), rowSum: make([]float64, N)}
	row := func(i int) []float64 {
		if i < n {
			return ref.Row(i)
		}
		return cur.Row(i - n)
	}
	// Squared distances; rows get shorter down the triangle, hence small
	// chunks claimed dynamically.
	parallelFor(N, 8, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			xi, b := row(i), q.base(i)
			for j := i + 1; j < N; j++ {
				q.k[b+j] = sqDist(xi, row(j))
			}
		}
	})
	var notes []string
	if twoSigmaSq <= 0 {
		refPairs := make([]float64, 0, n*(n-1)/2)
		for i := range n {
			b := q.base(i)
			refPairs = append(refPairs, q.k[b+i+1:b+n]...)
		}
		twoSigmaSq, notes = bandwidth(refPairs, ref.Row(0), cur, cur.Rows)
	}
	q.twoSigmaSq = twoSigmaSq
	parallelFor(len(q.k), 1<<14, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			q.k[i] = math.Exp(-q.k[i] / twoSigmaSq)
		}
	})
	for i := range N {
		b := q.base(i)
		for j := i + 1; j < N; j++ {
			v := q.k[b+j]
			q.rowSum[i] += v
			q.rowSum[j] += v
		}
	}
	q.total = pairwiseSum(q.rowSum)
	return q, notes
}

// stat is MMD²_u for the split whose smaller side holds the rows g (sorted
// ascending, len(g) = min(n,m)); gIsRef says whether that side plays the
// reference (n rows) or the current window. Only the within-g sum is
// gathered; the rest follows from the row sums:
// Σ_{i∈g} rowSum_i = 2·S_gg + S_gh and total = 2·S_gg + 2·S_hh + 2·S_gh.
func (q *mmdQuad) stat(g []int, gIsRef bool) float64 {
	var sGG, aG float64
	for a, i := range g {
		b := q.base(i)
		var s float64
		for _, j := range g[a+1:] {
			s += q.k[b+j]
		}
		sGG += s
		aG += q.rowSum[i]
	}
	sGH := aG - 2*sGG
	sHH := (q.total - aG - sGH) / 2
	sXX, sYY := sGG, sHH
	if !gIsRef {
		sXX, sYY = sHH, sGG
	}
	n, m := float64(q.n), float64(q.m)
	return 2*sXX/(n*(n-1)) + 2*sYY/(m*(m-1)) - 2*sGH/(n*m)
}

// observed is MMD²_u for the actual split: ref rows first, then cur.
func (q *mmdQuad) observed() float64 {
	g, gIsRef := make([]int, min(q.n, q.m)), q.n <= q.m
	off := 0
	if !gIsRef {
		off = q.n
	}
	for i := range g {
		g[i] = off + i
	}
	return q.stat(g, gIsRef)
}

// permutationP is (k+1)/(P+1) over P random splits of the pooled rows.
// Permutation p draws from its own stream, so the p-value does not depend
// on how the permutations are spread over cores.
func (q *mmdQuad) permutationP(obs float64, perms int, seed uint64) float64 {
	N, g, gIsRef := q.n+q.m, min(q.n, q.m), q.n <= q.m
	null := make([]float64, perms)
	parallelFor(perms, 4, func(lo, hi int) {
		mark := make([]bool, N)
		idx := make([]int, 0, g)
		for p := lo; p < hi; p++ {
			rng := newRNG(seed, streamPermutations+uint64(p))
			// Floyd's algorithm: a uniform g-subset in g draws.
			for j := N - g; j < N; j++ {
				t := rng.IntN(j + 1)
				if mark[t] {
					t = j
				}
				mark[t] = true
			}
			idx = idx[:0]
			for i, in := range mark {
				if in {
					idx = append(idx, i)
					mark[i] = false
				}
			}
			null[p] = q.stat(idx, gIsRef)
		}
	})
	k := 0
	for _, v := range null {
		if v >= obs-permTolerance {
			k++
		}
	}
	return float64(k+1) / float64(perms+1)
}

func mmdPermutation(ref, cur *Matrix, o Options) outcome {
	perms := o.Permutations
	if perms <= 0 {
		perms = defaultPermutations
	}
	q, notes := newMMDQuad(ref, cur, 0)
	obs := q.observed()
	out := pval(q.permutationP(obs, perms, o.Seed), obs)
	out.notices = append(notes, fmt.Sprintf("mmd: unbiased quadratic-time MMD² with a Gaussian RBF kernel (σ = %.6g, median heuristic on the reference); p-value (k+1)/(P+1) from %d permutations (seed %d)",
		math.Sqrt(q.twoSigmaSq/2), perms, o.Seed))
	return out
}

// mmdLinear is the linear-time test: the rows of each side in random
// order (so that neighbours in time are not paired), L = ⌊min(n,m)/2⌋
// disjoint pairs, h_i = k(x_2i,x_2i+1) + k(y_2i,y_2i+1) − k(x_2i,y_2i+1) −
// k(x_2i+1,y_2i), MMD²_l = mean h, and under H0 √L·MMD²_l/sd(h) is
// asymptotically N(0,1): one-sided p = Φ̄(z).
func mmdLinear(ref, cur *Matrix, o Options) outcome {
	n, m := ref.Rows, cur.Rows
	pairs := min(n, m) / 2
	s := min(n, mmdSigmaRows)
	twoSigmaSq, notes := bandwidth(refPairDistances(ref, randomRows(n, s, newRNG(o.Seed, streamSigma))), ref.Row(0), cur, mmdSigmaRows)

	rng := newRNG(o.Seed, streamPairs)
	xi, yi := randomRows(n, 2*pairs, rng), randomRows(m, 2*pairs, rng)
	mean, variance := linearMMD(ref, cur, xi, yi, twoSigmaSq)

	eff := pairs
	if o.MaxEffectiveN > 0 && o.MaxEffectiveN/2 < pairs {
		eff = max(o.MaxEffectiveN/2, 1)
		notes = append(notes, fmt.Sprintf("mmd: the z-test counts %d effective pairs instead of %d (MaxEffectiveN = %d)", eff, pairs, o.MaxEffectiveN))
	}
	var p float64
	switch se := math.Sqrt(variance / float64(eff)); {
	case se > 0:
		p = normSF(mean / se)
	case mean > 0:
		p = 0 // every pair shows the same positive discrepancy
	default:
		p = 1
	}
	out := pval(p, mean)
	out.notices = append(notes, fmt.Sprintf("mmd: linear-time MMD² (Gretton et al. 2012) over %d disjoint random pairs (%d of %d reference and %d of %d current rows, seed %d) with a one-sided z-test; Gaussian RBF kernel, σ = %.6g from the median heuristic on %d reference rows",
		pairs, 2*pairs, n, 2*pairs, m, o.Seed, math.Sqrt(twoSigmaSq/2), s))
	return out
}

// refPairDistances is the squared distances between the distinct pairs of
// the given reference rows.
func refPairDistances(ref *Matrix, rows []int) []float64 {
	s := len(rows)
	out := make([]float64, s*(s-1)/2)
	// Pair (a, b), a < b, sits at a·s − a(a+1)/2 + b − a − 1.
	parallelFor(s, 16, func(lo, hi int) {
		for a := lo; a < hi; a++ {
			xa, off := ref.Row(rows[a]), a*s-a*(a+1)/2-a-1
			for b := a + 1; b < s; b++ {
				out[off+b] = sqDist(xa, ref.Row(rows[b]))
			}
		}
	})
	return out
}

// linearMMD returns the mean and sample variance (ddof 1) of h over the
// pairs (xi[2i], xi[2i+1]) and (yi[2i], yi[2i+1]).
func linearMMD(ref, cur *Matrix, xi, yi []int, twoSigmaSq float64) (mean, variance float64) {
	pairs := len(xi) / 2
	k := func(a, b []float64) float64 { return math.Exp(-sqDist(a, b) / twoSigmaSq) }
	h := make([]float64, pairs)
	parallelFor(pairs, 4096, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			x1, x2 := ref.Row(xi[2*i]), ref.Row(xi[2*i+1])
			y1, y2 := cur.Row(yi[2*i]), cur.Row(yi[2*i+1])
			h[i] = k(x1, x2) + k(y1, y2) - k(x1, y2) - k(x2, y1)
		}
	})
	mean = pairwiseSum(h) / float64(pairs)
	if pairs < 2 {
		return mean, math.NaN()
	}
	for i, v := range h {
		h[i] = (v - mean) * (v - mean)
	}
	return mean, pairwiseSum(h) / float64(pairs-1)
}
