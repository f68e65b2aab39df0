package drift

import (
	"math"
)

// fisher_exact is scipy.stats.fisher_exact (two-sided) on the 2 × 2 table
// Evidently builds (utils.generate_fisher2x2_contingency_table):
//
//	[[ones_cur, zeros_cur],
//	 [ones_ref, zeros_ref]]
//
// where, as for z, the first of the two sorted values is 0 and the other 1
// (Evidently maps through a Python set, whose order is arbitrary for
// strings; the p-value does not depend on it, the odds ratio becomes its
// inverse). The statistic is scipy's first return, the odds ratio.
//
// Departure from Evidently: Evidently refuses windows of different sizes;
// the test itself has no such restriction, so none is imposed here.
// Evidently's default threshold for this test is 0.1.
func init() {
	m := register("fisher_exact", PValue, DefaultPValueThreshold)
	m.cat = func(t *Contingency, o Options) (outcome, error) {
		b, err := binaryFromCounts(t.Ref, t.Cur, "fisher_exact")
		if err != nil {
			return outcome{}, err
		}
		return fisherOutcome(b, o), nil
	}
	m.numeric = func(ref, cur *Sample, o Options) (outcome, error) {
		b, err := binaryFromSamples(ref.Sorted(), cur.Sorted(), "fisher_exact")
		if err != nil {
			return outcome{}, err
		}
		return fisherOutcome(b, o), nil
	}
}

func fisherOutcome(b binary, o Options) outcome {
	var notices []string
	if limit := float64(o.MaxEffectiveN); limit > 0 && (b.n1 > limit || b.n2 > limit) {
		notices = append(notices, exactNoCapNotice)
	}
	// The test counts whole values; counts from a query may not be.
	cells := [4]float64{b.x2, b.n2 - b.x2, b.x1, b.n1 - b.x1}
	var table [4]int64
	rounded := false
	for i, c := range cells {
		table[i] = int64(math.Round(c))
		rounded = rounded || float64(table[i]) != c
		if table[i] < 0 {
			out := pval(math.NaN(), math.NaN())
			out.notices = append(notices, "fisher_exact needs counts of at least 0")
			return out
		}
	}
	if rounded {
		notices = append(notices, "counts that are not whole numbers were rounded for the exact test")
	}
	if b.keys <= 1 {
		notices = append(notices, "both windows hold a single value: p = 1 and the odds ratio is undefined")
	}
	or, p := fisherExact(table[0], table[1], table[2], table[3])
	out := pval(p, or)
	out.notices = notices
	return out
}

// exactNoCapNotice says that MaxEffectiveN, which caps the sizes behind
// asymptotic p-values, leaves an exact test alone.
const exactNoCapNotice = "MaxEffectiveN does not apply to this exact test: the p-value uses the full sample sizes"

// fisherExact is scipy.stats.fisher_exact([[a, b], [c, d]]) two-sided: the
// odds ratio a·d/(b·c) and the sum of the hypergeometric probabilities of
// all tables with the same margins that are no more likely than the
// observed one, within scipy's relative tolerance of 1e-14 (scipy 1.17;
// older releases used 1e-7).
func fisherExact(a, b, c, d int64) (oddsRatio, p float64) {
	if a+c == 0 || b+d == 0 || a+b == 0 || c+d == 0 {
		// A zero margin leaves a single possible table.
		return math.NaN(), 1
	}
	if c > 0 && b > 0 {
		// In floating point, so that huge counts cannot overflow; exact
		// (as numpy's int64 product) while the products stay below 2^53.
		oddsRatio = float64(a) * float64(d) / (float64(c) * float64(b))
	} else {
		oddsRatio = math.Inf(1)
	}
	h := hypergeom{total: a + b + c + d, good: a + b, draws: a + c}
	const epsilon = 1e-14
	gamma := 1 + epsilon
	mode := int64(float64((h.draws+1)*(h.good+1)) / float64(h.total+2))
	pexact, pmode := h.pmf(a), h.pmf(mode)
	if math.Abs(pexact-pmode)/math.Max(pexact, pmode) <= epsilon {
		return oddsRatio, 1
	}
	if a < mode {
		plower := h.cdf(a)
		if h.pmf(h.draws) > pexact*gamma {
			return oddsRatio, plower
		}
		// The last k above the mode still more likely than the observed
		// table; everything beyond it counts.
		guess := searchDescending(h.pmf, pexact*gamma, mode, h.draws)
		return oddsRatio, math.Min(plower+h.sf(guess), 1)
	}
	pupper := h.sf(a - 1)
	if h.pmf(0) > pexact*gamma {
		return oddsRatio, pupper
	}
	guess := searchAscending(h.pmf, pexact*gamma, 0, mode)
	return oddsRatio, math.Min(pupper+h.cdf(guess), 1)
}

// searchAscending is scipy's _binary_search_for_binom_tst on f, ascending
// over [lo, hi]: the i with f(i) <= d < f(i+1).
func searchAscending(f func(int64) float64, d float64, lo, hi int64) int64 {
	for lo < hi {
		mid := lo + (hi-lo)/2
		v := f(mid)
		switch {
		case v < d:
			lo = mid + 1
		case v > d:
			hi = mid - 1
		default:
			return mid
		}
	}
	if f(lo) <= d {
		return lo
	}
	return lo - 1
}

// searchDescending is the same search on −f (f descending over [lo, hi]).
func searchDescending(f func(int64) float64, d float64, lo, hi int64) int64 {
	return searchAscending(func(k int64) float64 { return -f(k) }, -d, lo, hi)
}

// hypergeom is the number of good items among draws taken without
// replacement from total items of which good are good (scipy's
// hypergeom(M=total, n=good, N=draws)).
type hypergeom struct {
	total, good, draws int64
}

func (h hypergeom) support() (lo, hi int64) {
	return max(0, h.draws-(h.total-h.good)), min(h.draws, h.good)
}

// pmf is P(X = k), computed as Loader's ratio of binomial probabilities
// (as R's dhyper): every factor is a sum of small, accurate terms, so the
// result keeps nearly full precision even for millions of items.
func (h hypergeom) pmf(k int64) float64 {
	lo, hi := h.support()
	if k < lo || k > hi {
		return 0
	}
	// When the distribution is symmetric, evaluate the mirrored point the
	// same way, so that tables equally extreme compare exactly equal.
	if 2*h.good == h.total {
		k = min(k, h.draws-k)
	}
	if 2*h.draws == h.total {
		k = min(k, h.good-k)
	}
	n, r, b := float64(h.draws), float64(h.good), float64(h.total-h.good)
	p := n / (r + b)
	q := (r + b - n) / (r + b)
	x := float64(k)
	lp := logDbinomRaw(x, r, p, q) + logDbinomRaw(n-x, b, p, q) - logDbinomRaw(n, r+b, p, q)
	return math.Exp(lp)
}

// ratioDown is pmf(k−1)/pmf(k).
func (h hypergeom) ratioDown(k int64) float64 {
	kk := float64(k)
	return kk * float64(h.total-h.good-h.draws+k) / (float64(h.good-k+1) * float64(h.draws-k+1))
}

// ratioUp is pmf(k+1)/pmf(k).
func (h hypergeom) ratioUp(k int64) float64 {
	kk := float64(k)
	return float64(h.good-k) * float64(h.draws-k) / ((kk + 1) * float64(h.total-h.good-h.draws+k+1))
}

// cdf is P(X <= k), summed from k downwards; callers use it below the
// mode, where the terms shrink, so the sum stops once they no longer
// matter.
func (h hypergeom) cdf(k int64) float64 {
	lo, hi := h.support()
	if k < lo {
		return 0
	}
	if k >= hi {
		return 1
	}
	term := h.pmf(k)
	sum := term
	for j := k; j > lo && term > sum*1e-17; j-- {
		term *= h.ratioDown(j)
		sum += term
	}
	return sum
}

// sf is P(X > k), summed from k+1 upwards; callers use it above the mode.
func (h hypergeom) sf(k int64) float64 {
	lo, hi := h.support()
	if k >= hi {
		return 0
	}
	if k < lo {
		return 1
	}
	term := h.pmf(k + 1)
	sum := term
	for j := k + 1; j < hi && term > sum*1e-17; j++ {
		term *= h.ratioUp(j)
		sum += term
	}
	return sum
}
