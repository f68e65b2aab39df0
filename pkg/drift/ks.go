package drift

import (
	"fmt"
	"math"
	"runtime"
	"sort"
	"sync"
)

// Two-sample Kolmogorov–Smirnov test, two-sided, as scipy.stats.ks_2samp
// with method="auto": the statistic D from one merge pass over the sorted
// samples, an exact p-value when both samples have at most 10,000 values,
// otherwise kstwo.sf(D, round(n·m/(n+m))).

const (
	// ksMaxExactN is scipy's MAX_AUTO_N: "auto" is exact up to this size.
	ksMaxExactN = 10000
	// ksParallelMin is the pooled size above which D is computed on two
	// halves concurrently.
	ksParallelMin = 1 << 17
	// ksFewBuckets: below this many buckets the binned p-value is notably
	// conservative.
	ksFewBuckets = 20
)

func init() {
	m := register("ks", PValue, DefaultPValueThreshold)
	m.numeric = ksNumeric
	m.binned = ksBinned
}

func ksNumeric(ref, cur *Sample, o Options) (outcome, error) {
	n, m := ref.Len(), cur.Len()
	d := ksStatistic(ref.Sorted(), cur.Sorted())
	if o.MaxEffectiveN > 0 && (n > o.MaxEffectiveN || m > o.MaxEffectiveN) {
		// The exact lattice needs the true sizes, so a binding cap means the
		// asymptotic p-value with the capped ones.
		cn, cm := min(n, o.MaxEffectiveN), min(m, o.MaxEffectiveN)
		out := pval(ksAsymptoticP(d, cn, cm), d)
		out.notices = append(out.notices, fmt.Sprintf("p-value computed with sample sizes capped at %d (MaxEffectiveN); the statistic uses all values", o.MaxEffectiveN))
		return out, nil
	}
	if max(n, m) <= ksMaxExactN {
		if p, dExact, ok := ksExactP(n, m, d); ok {
			return pval(p, dExact), nil
		}
		// Like scipy, fall back to the asymptotic p-value when the exact
		// computation fails.
	}
	return pval(ksAsymptoticP(d, n, m), d), nil
}

// ksBinned compares the cumulative shares at the common bucket bounds. D is
// exact for the two ECDFs at those bounds, hence never above the raw-data
// D; the p-value treats the counts as i.i.d. observations.
func ksBinned(ref, cur *Histogram, o Options) (outcome, error) {
	p, q := ref.Cumulative(), cur.Cumulative()
	var d float64
	for k := range p {
		d = math.Max(d, math.Abs(p[k]-q[k]))
	}
	n, m := int(math.Round(ref.Total())), int(math.Round(cur.Total()))
	var notices []string
	if c := o.MaxEffectiveN; c > 0 && (n > c || m > c) {
		n, m = min(n, c), min(m, c)
		notices = append(notices, fmt.Sprintf("p-value computed with sample sizes capped at %d (MaxEffectiveN)", c))
	}
	out := pval(ksAsymptoticP(d, max(n, 1), max(m, 1)), d)
	if len(p) < ksFewBuckets {
		notices = append(notices, fmt.Sprintf("the p-value on binned data is approximate: with %d buckets D can only be measured at the bucket bounds, so the test is conservative", len(p)))
	}
	out.notices = notices
	return out, nil
}

// ksAsymptoticP is scipy's asymptotic two-sided p-value:
// kstwo.sf(D, round(n·m/(n+m))), rounding half to even as numpy does.
func ksAsymptoticP(d float64, n, m int) float64 {
	big, small := float64(max(n, m)), float64(min(n, m))
	en := math.RoundToEven(big * small / (big + small))
	// n = m = 1 gives en = 0.5, which rounds to 0 where kstwo is undefined.
	return ksClip(kstwoSF(d, max(int(en), 1)))
}

// ksStatistic is D = sup |F_ref − F_cur|, with both ECDFs evaluated after
// all values equal to each point (scipy's searchsorted side="right").
func ksStatistic(a, b []float64) float64 {
	var e ksExtremes
	if len(a)+len(b) >= ksParallelMin && runtime.GOMAXPROCS(0) > 1 && len(a) > 0 && len(b) > 0 {
		e = ksExtremesParallel(a, b)
	} else {
		e = newKSExtremes(len(a), len(b))
		e.scan(a, b, 0, 0)
	}
	return e.d()
}

// ksExtremes tracks where F_a − F_b is largest and smallest. Points are
// compared on the exact integer key i·m − j·n (F_a − F_b = key/(n·m));
// a difference is converted to floating point, as scipy computes it
// (i/n − j/m), only for a new extreme or a tie with one: points with equal
// keys can round differently and scipy keeps the largest (smallest) float.
type ksExtremes struct {
	n, m           int
	maxKey, minKey int64
	maxVal, minVal float64
}

func newKSExtremes(n, m int) ksExtremes {
	return ksExtremes{n: n, m: m, maxKey: math.MinInt64, minKey: math.MaxInt64}
}

// scan visits a and b in merged order; i0 and j0 count the values before
// the slices. The differences are only
// read after the last of a run of equal values: each step's key is kept
// pending and committed when the next value differs. Advancing through
// the merge is branch-free, since which sample comes next is unpredictable.
func (e *ksExtremes) scan(a, b []float64, i0, j0 int) {
	M, N := int64(e.m), int64(e.n)
	i, j := 0, 0
	key := int64(i0)*M - int64(j0)*N
	pending, pendingP := key, i0+j0
	prev := math.Inf(-1)
	for i < len(a) && j < len(b) {
		va, vb := a[i], b[j]
		// fromA = 1 when va <= vb, from the sign bit of vb − va, and
		// v = min(va, vb) by a bit mask: no branch to mispredict.
		fromA := int(^math.Float64bits(vb-va)>>63) & 1
		mask := -uint64(fromA)
		ba, bb := math.Float64bits(va), math.Float64bits(vb)
		v := math.Float64frombits(bb ^ ((ba ^ bb) & mask))
		// Committing is rare past the first steps: test before calling.
		if v != prev && (pending >= e.maxKey || pending <= e.minKey) {
			e.commit(pending, pendingP)
		}
		i += fromA
		j += 1 - fromA
		key += int64(fromA)*(M+N) - N
		pending, pendingP, prev = key, i0+i+j0+j, v
	}
	// One sample is exhausted: in the rest F_a − F_b moves one way only,
	// so only the first and the last of the remaining points can be
	// extremes.
	rest, step := a[i:], M
	if j < len(b) {
		rest, step = b[j:], -N
	}
	if len(rest) == 0 {
		e.commit(pending, pendingP)
		return
	}
	if rest[0] != prev {
		e.commit(pending, pendingP)
	}
	first := 1
	for first < len(rest) && rest[first] == rest[0] {
		first++
	}
	e.commit(key+int64(first)*step, pendingP+first)
	e.commit(key+int64(len(rest))*step, pendingP+len(rest))
}

// commit records the point with pooled position p (values of a and b at
// or below it) and key i·m − j·n.
func (e *ksExtremes) commit(key int64, p int) {
	if key >= e.maxKey {
		v := e.at(key, p)
		if key > e.maxKey || v > e.maxVal {
			e.maxKey, e.maxVal = key, v
		}
	}
	if key <= e.minKey {
		v := e.at(key, p)
		if key < e.minKey || v < e.minVal {
			e.minKey, e.minVal = key, v
		}
	}
}

// at is i/n − j/m for the point with key i·m − j·n and i + j = p.
func (e *ksExtremes) at(key int64, p int) float64 {
	n, m := int64(e.n), int64(e.m)
	i := (key + int64(p)*n) / (n + m)
	return float64(i)/float64(n) - float64(int64(p)-i)/float64(m)
}

func (e *ksExtremes) merge(o ksExtremes) {
	if o.maxKey > e.maxKey || (o.maxKey == e.maxKey && o.maxVal > e.maxVal) {
		e.maxKey, e.maxVal = o.maxKey, o.maxVal
	}
	if o.minKey < e.minKey || (o.minKey == e.minKey && o.minVal < e.minVal) {
		e.minKey, e.minVal = o.minKey, o.minVal
	}
}

// d turns the extremes into scipy's D: the larger of max(F_a − F_b) and
// −min(F_a − F_b), the latter clipped to [0, 1].
func (e *ksExtremes) d() float64 {
	maxS := e.maxVal
	minS := math.Min(math.Max(-e.minVal, 0), 1)
	if minS > maxS {
		return minS
	}
	return maxS
}

// ksExtremesParallel splits both samples at one value, so that no group of
// equal values straddles the split, and scans the halves concurrently.
func ksExtremesParallel(a, b []float64) ksExtremes {
	pivot := a[len(a)/2]
	ia := sort.SearchFloat64s(a, pivot)
	jb := sort.SearchFloat64s(b, pivot)
	lo, hi := newKSExtremes(len(a), len(b)), newKSExtremes(len(a), len(b))
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		lo.scan(a[:ia], b[:jb], 0, 0)
	}()
	hi.scan(a[ia:], b[jb:], ia, jb)
	wg.Wait()
	lo.merge(hi)
	return lo
}

// ksExactP is scipy's exact two-sided p-value (_attempt_exact_2kssamp):
// D is snapped to the lattice h/lcm(n, m), and the p-value is the share of
// the C(n+m, n) monotone lattice paths that leave the band |x/n − y/m| < D.
// It also returns the snapped D, which scipy reports as the statistic, and
// false when the computation is not a valid probability.
func ksExactP(n, m int, d float64) (p, dSnapped float64, ok bool) {
	g := ksGCD(n, m)
	lcm := (n / g) * m
	h := int(math.RoundToEven(d * float64(lcm)))
	dSnapped = float64(h) / float64(lcm)
	if h == 0 {
		return 1, dSnapped, true
	}
	if n == m {
		p = ksProbOutsideSquare(n, h)
	} else {
		p = ksProbOutsideBand(n, m, g, h)
	}
	if !(p >= 0 && p <= 1) {
		return p, dSnapped, false
	}
	return p, dSnapped, true
}

func ksGCD(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// ksProbOutsideSquare is P(D_{n,n} >= h/n) for two samples of equal size:
// 2·Σ_k (−1)^(k−1) C(2n, n−kh)/C(2n, n), evaluated from the innermost term
// outwards (P = A0(1 − A1(1 − A2(…)))) to avoid the cancellation of the
// alternating sum. O(n).
func ksProbOutsideSquare(n, h int) float64 {
	var p float64
	for k := n / h; k >= 0; k-- {
		ratio := 1.0
		for j := range h {
			ratio = float64(n-k*h-j) * ratio / float64(n+k*h+j+1)
		}
		p = ratio * (1 - p)
	}
	return 2 * p
}

// ksProbOutsideBand is the share of lattice paths from (0,0) to (m,n) that
// touch |x/m − y/n| >= h/lcm, computed directly as a probability (Hodges'
// inside method in Viehmann's 2021 form, so small p-values keep their
// relative accuracy). It walks the columns x = 1..m keeping only the band
// of rows inside the boundary; entries outside count as 1 (already out).
// O(m·band), band ≈ 2·D·n.
func ksProbOutsideBand(n, m, g, h int) float64 {
	if m < n {
		m, n = n, m
	}
	mg, ng := m/g, n/g
	lo, hi := 0, min(ksCeilDiv(h, mg), n+1)
	width := hi - lo
	// col[r] holds row lo+r of the current column.
	col := make([]float64, min(2*hi+2, n+1))
	for r := range col {
		col[r] = 1
	}
	for r := lo; r < hi; r++ {
		col[r] = 0
	}
	// The recurrence divides by x+y; multiplying by a table of reciprocals
	// instead shortens the dependency chain of the inner loop threefold.
	inv := make([]float64, m+n+1)
	for s := 1; s < len(inv); s++ {
		inv[s] = 1 / float64(s)
	}
	for x := 1; x <= m; x++ {
		lastLo, lastWidth := lo, width
		lo = min(max(ksFloorDiv(ng*x-h, mg)+1, 0), n)
		hi = min(ksCeilDiv(ng*x+h, mg), n+1)
		if hi <= lo {
			return 1
		}
		// Below the band the path has already left it: probability 1.
		val := 1.0
		if lo == 0 {
			val = 0
		}
		xf := float64(x)
		shift := lo - lastLo // >= 0: the band only moves up
		// Each entry is v_y = c_y·x/(x+y) + v_{y−1}·y/(x+y), a first-order
		// recurrence whose dependency chain bounds the speed. Two rows at a
		// time, v_{y+1} = (a_{y+1} + b_{y+1}·a_y) + (b_{y+1}·b_y)·v_{y−1}
		// puts only one multiply-add per two rows on the chain. All terms
		// are non-negative, so the regrouping keeps the relative accuracy.
		w := hi - lo
		r := 0
		for ; r+1 < w; r += 2 {
			y := r + lo
			i0, i1 := inv[x+y], inv[x+y+1]
			a0, b0 := col[r+shift]*xf*i0, float64(y)*i0
			a1, b1 := col[r+1+shift]*xf*i1, float64(y+1)*i1
			v0 := a0 + b0*val
			val = (a1 + b1*a0) + (b1*b0)*val
			col[r], col[r+1] = v0, val
		}
		if r < w {
			y := r + lo
			val = (col[r+shift]*xf + val*float64(y)) * inv[x+y]
			col[r] = val
		}
		width = hi - lo
		if lastWidth > width {
			for r := width; r < min(lastWidth, len(col)); r++ {
				col[r] = 1
			}
		}
	}
	return col[hi-lo-1]
}

func ksFloorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func ksCeilDiv(a, b int) int { return -ksFloorDiv(-a, b) }
