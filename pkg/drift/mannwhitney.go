package drift

import (
	"math"
	"runtime"
	"slices"
	"sync"
)

// mannw is the Mann–Whitney U test as Evidently runs it:
// scipy.stats.mannwhitneyu(ref, cur, alternative="less"). It is ONE-SIDED:
// small p-values mean the reference is stochastically smaller than the
// current window (current values shifted up); a shift down is not
// detected. Evidently's docstring calls it two-tailed, but its code is not.
//
// scipy's method "auto" is mirrored: the exact null distribution of U when
// one sample has at most 8 values and there are no ties, else the normal
// approximation with tie and continuity corrections. The statistic is U1,
// the U of the reference sample, as scipy returns it.
func init() {
	m := register("mannw", PValue, DefaultPValueThreshold)
	m.numeric = func(ref, cur *Sample, o Options) (outcome, error) {
		return mannWhitneyLess(ref.Sorted(), cur.Sorted(), o), nil
	}
}

// mannWhitneyLess is mannwhitneyu(x, y, alternative="less").
func mannWhitneyLess(x, y []float64, o Options) outcome {
	n1, n2 := int64(len(x)), int64(len(y))
	rs := rankSums(x, y)
	// Midranks are multiples of ½, so twice the rank sum is an exact
	// integer and U1 = R1 − n1(n1+1)/2 is exact.
	u1 := float64(rs.twiceR1-n1*(n1+1)) / 2
	// "less" uses the survival function of U2 = n1·n2 − U1.
	u2 := float64(n1*n2) - u1
	if !(n1 > 8 && n2 > 8) && !rs.ties {
		out := pval(mwuExactSF(int64(u2), n1, n2), u1)
		if limit := int64(o.MaxEffectiveN); limit > 0 && (n1 > limit || n2 > limit) {
			out.notices = append(out.notices, exactNoCapNotice)
		}
		return out
	}
	var notices []string
	fn1, fn2 := float64(n1), float64(n2)
	n := fn1 + fn2
	// The tie correction as a share of n³ − n, so that it carries over
	// to capped sizes.
	tieShare := rs.tieTerm / ((n + 1) * n * (n - 1))
	if limit := float64(o.MaxEffectiveN); limit > 0 && (fn1 > limit || fn2 > limit) {
		e1, e2 := math.Min(fn1, limit), math.Min(fn2, limit)
		u2 *= (e1 * e2) / (fn1 * fn2)
		fn1, fn2, n = e1, e2, e1+e2
		notices = append(notices, capNotice(o.MaxEffectiveN))
	}
	mu := fn1 * fn2 / 2
	var s float64
	if len(notices) == 0 {
		// scipy's exact expression order.
		s = math.Sqrt(fn1 * fn2 / 12 * ((n + 1) - rs.tieTerm/(n*(n-1))))
	} else {
		s = math.Sqrt(fn1 * fn2 / 12 * (n + 1) * (1 - tieShare))
	}
	// The continuity correction always subtracts ½: the p-value is an
	// upper tail.
	z := (u2 - mu - 0.5) / s
	p := math.Min(math.Max(normSF(z), 0), 1)
	if math.IsNaN(z) {
		notices = append(notices, "every value is tied and U sits at its mean: the normal approximation is undefined")
	}
	out := pval(p, u1)
	out.notices = notices
	return out
}

// rankSum is what the U test needs from the ranks of the pooled sample.
type rankSum struct {
	twiceR1 int64   // twice the sum of the midranks of x
	tieTerm float64 // Σ (t³ − t) over groups of t tied values
	ties    bool
}

// parallelRankMin is the pooled size above which the merge is split
// across cores.
const parallelRankMin = 1 << 17

// rankSums ranks the pooled sample by merging the two sorted samples
// (midranks for ties) in O(n+m). Large inputs are cut at values taken from
// x, so that no tie group straddles two pieces, and the pieces are merged
// concurrently.
func rankSums(x, y []float64) rankSum {
	workers := runtime.GOMAXPROCS(0)
	if len(x)+len(y) < parallelRankMin || workers < 2 || len(x) == 0 {
		return rankSumsRange(x, y, 0)
	}
	// Cut points: lower bounds of evenly spaced values of x in both.
	cutX := make([]int, workers+1)
	cutY := make([]int, workers+1)
	cutX[workers], cutY[workers] = len(x), len(y)
	for w := 1; w < workers; w++ {
		pivot := x[w*len(x)/workers]
		cutX[w] = lowerBound(x, pivot)
		cutY[w] = lowerBound(y, pivot)
	}
	parts := make([]rankSum, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			offset := int64(cutX[w] + cutY[w])
			parts[w] = rankSumsRange(x[cutX[w]:cutX[w+1]], y[cutY[w]:cutY[w+1]], offset)
		}()
	}
	wg.Wait()
	var total rankSum
	for _, p := range parts {
		total.twiceR1 += p.twiceR1
		total.tieTerm += p.tieTerm
		total.ties = total.ties || p.ties
	}
	return total
}

// rankSumsRange ranks a piece of the pooled sample whose first value has
// 0-based position offset (every value before the piece is smaller).
//
// With few ties it avoids walking groups: for x_i of value v,
//
//	midrank(x_i) = offset + #(pooled < v) + (cx_v + cy_v + 1)/2,
//
// so 2·R1 = 2·offset·nx + nx(nx+1) + 2·Σ_i #(y < x_i) + Σ_v cx_v·cy_v, and
// the tie term Σ (g³ − g) splits into each sample's own runs plus
// 3·cx·cy·(cx + cy) for values both samples hold. The first sum is a
// branch-free merge (countBelow), the runs a linear pass, and the few
// values held by both are counted by bisection.
func rankSumsRange(x, y []float64, offset int64) rankSum {
	if manyTies(x) || manyTies(y) {
		return rankSumsGroups(x, y, offset)
	}
	below, shared, ok := countBelow(x, y, len(x)/64+64)
	if !ok {
		return rankSumsGroups(x, y, offset)
	}
	tx, hx := runTieTerm(x)
	ty, hy := runTieTerm(y)
	rs := rankSum{tieTerm: tx + ty, ties: hx || hy || len(shared) > 0}
	var pairs int64
	// The lanes report shared values interleaved and repeated.
	slices.Sort(shared)
	for _, v := range slices.Compact(shared) {
		cx := int64(lowerBound(x, math.Nextafter(v, math.Inf(1))) - lowerBound(x, v))
		cy := int64(lowerBound(y, math.Nextafter(v, math.Inf(1))) - lowerBound(y, v))
		pairs += cx * cy
		rs.tieTerm += 3 * float64(cx) * float64(cy) * float64(cx+cy)
	}
	nx := int64(len(x))
	rs.twiceR1 = 2*offset*nx + nx*(nx+1) + 2*below + pairs
	return rs
}

// manyTies probes a sorted sample at a few places for equal neighbours:
// data with long runs of equal values is ranked faster by galloping over
// the runs (rankSumsGroups) than by merging value by value.
func manyTies(s []float64) bool {
	const probes = 32
	if len(s) < 4*probes {
		return false
	}
	hits := 0
	for p := range probes {
		k := p * (len(s) - 1) / probes
		if s[k] == s[k+1] {
			hits++
		}
	}
	return hits > probes/8
}

// runTieTerm is Σ (t³ − t) over runs of t equal values in one sorted
// sample, and whether there is any.
func runTieTerm(s []float64) (term float64, any bool) {
	run := 1
	for i := 1; i <= len(s); i++ {
		if i < len(s) && s[i] == s[i-1] {
			run++
			continue
		}
		if run > 1 {
			t := float64(run)
			term += t*t*t - t
			any = true
			run = 1
		}
	}
	return term, any
}

// rankSumsGroups walks the pooled sample group by group of equal values,
// galloping over runs, for samples with ties.
func rankSumsGroups(x, y []float64, offset int64) rankSum {
	var rs rankSum
	pos := offset
	i, j := 0, 0
	for i < len(x) || j < len(y) {
		var v float64
		if j >= len(y) || (i < len(x) && x[i] <= y[j]) {
			v = x[i]
		} else {
			v = y[j]
		}
		ie, je := runEnd(x, i, v), runEnd(y, j, v)
		cx, g := int64(ie-i), int64(ie-i+je-j)
		// The group holds ranks pos+1 … pos+g; its midrank is
		// pos + (g+1)/2, so twice its rank sum over x is cx·(2·pos+g+1).
		rs.twiceR1 += cx * (2*pos + g + 1)
		if g > 1 {
			t := float64(g)
			rs.tieTerm += t*t*t - t
			rs.ties = true
		}
		pos += g
		i, j = ie, je
	}
	return rs
}

// mergeLanes is the number of independent merges countBelow interleaves.
const mergeLanes = 4 // countBelow spells out four lanes

// countBelow returns Σ_i #(y < x_i) for sorted x and y, and the values
// both hold (each at least once, possibly repeated, ascending per lane).
// It gives up (ok false) once more than limit shared values turn up.
//
// A merge is one long dependency chain (each step's loads wait for the
// previous comparison), so it runs at memory latency rather than
// throughput, and its branches are unpredictable. Cutting x into
// mergeLanes pieces, each with its own range of y, and advancing the
// pieces together in one branch-free loop lets the CPU overlap the chains:
// about three times faster than a single merge.
func countBelow(x, y []float64, limit int) (below int64, shared []float64, ok bool) {
	if len(x) < 16*mergeLanes {
		return countBelowLane(x, y, 0, len(x), 0, len(y), nil, limit)
	}
	// Lane w merges x[xs[w]:xs[w+1]] with y[ys[w]:ys[w+1]]; every y before
	// ys[w] is below the lane's x, which the global index j accounts for.
	var xs, ys [mergeLanes + 1]int
	xs[mergeLanes], ys[mergeLanes] = len(x), len(y)
	for w := 1; w < mergeLanes; w++ {
		xs[w] = w * len(x) / mergeLanes
		ys[w] = lowerBound(y, x[xs[w]])
	}
	// The lanes are spelled out so that their indices stay in registers.
	i0, i1, i2, i3 := xs[0], xs[1], xs[2], xs[3]
	j0, j1, j2, j3 := ys[0], ys[1], ys[2], ys[3]
	var s0, s1, s2, s3 int
	for i0 < xs[1] && j0 < ys[1] && i1 < xs[2] && j1 < ys[2] && i2 < xs[3] && j2 < ys[3] && i3 < xs[4] && j3 < ys[4] {
		a0, b0 := x[i0], y[j0]
		a1, b1 := x[i1], y[j1]
		a2, b2 := x[i2], y[j2]
		a3, b3 := x[i3], y[j3]
		if a0 == b0 || a1 == b1 || a2 == b2 || a3 == b3 {
			// Rare without ties: note the shared values.
			for _, p := range [...][2]float64{{a0, b0}, {a1, b1}, {a2, b2}, {a3, b3}} {
				if p[0] == p[1] {
					shared = append(shared, p[0])
				}
			}
			if len(shared) > limit {
				return 0, nil, false
			}
		}
		// x goes first on ties, so j counts the y strictly below.
		t0, t1, t2, t3 := 0, 0, 0, 0
		if a0 <= b0 {
			t0 = 1
		}
		if a1 <= b1 {
			t1 = 1
		}
		if a2 <= b2 {
			t2 = 1
		}
		if a3 <= b3 {
			t3 = 1
		}
		s0 += t0 * j0
		s1 += t1 * j1
		s2 += t2 * j2
		s3 += t3 * j3
		i0, i1, i2, i3 = i0+t0, i1+t1, i2+t2, i3+t3
		j0, j1, j2, j3 = j0+1-t0, j1+1-t1, j2+1-t2, j3+1-t3
	}
	i := [mergeLanes]int{i0, i1, i2, i3}
	j := [mergeLanes]int{j0, j1, j2, j3}
	s := [mergeLanes]int{s0, s1, s2, s3}
	for w := range mergeLanes {
		var rest int64
		rest, shared, ok = countBelowLane(x, y, i[w], xs[w+1], j[w], ys[w+1], shared, limit)
		if !ok {
			return 0, nil, false
		}
		below += int64(s[w]) + rest
	}
	return below, shared, true
}

// countBelowLane finishes one lane: x[i:xEnd] against y[j:yEnd], with j
// counting every y below x[i].
func countBelowLane(x, y []float64, i, xEnd, j, yEnd int, shared []float64, limit int) (int64, []float64, bool) {
	var s int
	for i < xEnd && j < yEnd {
		a, b := x[i], y[j]
		t := 0
		if a <= b {
			t = 1
		}
		if a == b {
			if shared = append(shared, a); len(shared) > limit {
				return 0, nil, false
			}
		}
		s += t * j
		i += t
		j += 1 - t
	}
	// The lane's remaining x are above all of its y.
	s += (xEnd - i) * yEnd
	return int64(s), shared, true
}

// lowerBound is the first index of sorted s whose value is >= v.
func lowerBound(s []float64, v float64) int {
	lo, hi := 0, len(s)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if s[mid] < v {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo
}

// mwuExactSF is P(U >= k) under the null for samples of sizes n1 and n2
// without ties, as scipy's _MWU.sf: by symmetry it sums the lower tail,
// 1 − cdf(k) + pmf(k) when k is below the centre, cdf(n1·n2 − k) above.
func mwuExactSF(k, n1, n2 int64) float64 {
	kc := n1*n2 - k
	if k < kc {
		cdf, pmf := mwuExactLower(k, n1, n2)
		return math.Min(math.Max(1-cdf+pmf, 0), 1)
	}
	cdf, _ := mwuExactLower(kc, n1, n2)
	return math.Min(math.Max(cdf, 0), 1)
}

// mwuExactLower returns P(U <= k) and P(U = k) for k <= n1·n2/2.
//
// The number of arrangements with U = u is the coefficient of q^u in the
// Gaussian binomial [n1+n2 choose m]_q = Π_{i=1..m} (1 − q^(n+i))/(1 − q^i),
// m = min(n1, n2), n = max. Dividing by the (1 − q^i) first counts
// partitions into parts of size at most m, with only additions; the
// (1 − q^(n+i)) factors then touch only degrees above n. This takes
// O(m·k) time, where scipy's recurrence takes O(k²), so that a sample of 8
// against a million stays fast; m <= 8 whenever the exact method is used.
func mwuExactLower(k, n1, n2 int64) (cdf, pmf float64) {
	if k < 0 {
		return 0, 0
	}
	m, n := min(n1, n2), max(n1, n2)
	c := make([]float64, k+1)
	c[0] = 1
	for i := int64(1); i <= m; i++ {
		for u := i; u <= k; u++ {
			c[u] += c[u-i]
		}
	}
	for i := int64(1); i <= m; i++ {
		step := n + i
		for u := k; u >= step; u-- {
			c[u] -= c[u-step]
		}
	}
	// scipy divides every count by C(n1+n2, n1) before the cumulative sum.
	total := binomial(n1+n2, m)
	for _, v := range c {
		cdf += v / total
	}
	return cdf, c[k] / total
}

// binomial is C(n, k) in floating point for small k.
func binomial(n, k int64) float64 {
	r := 1.0
	for i := int64(1); i <= k; i++ {
		r = r * float64(n-k+i) / float64(i)
	}
	return r
}
