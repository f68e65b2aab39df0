package drift

import (
	"fmt"
	"math"
	"strings"
)

// chisquare is the chi-square test of homogeneity on the 2 × K table of
// reference and current counts, exactly scipy.stats.chi2_contingency(
// [ref_counts, cur_counts]) with its default Yates correction when there is
// one degree of freedom.
//
// This departs from Evidently, whose chisquare is a goodness-of-fit test
// that treats the reference shares as exact (and answers p = 0 for any
// category new in the current window): ARCHITECTURE.md §3 fixes the
// homogeneity test, the statistically sound two-sample test for counts.
func init() {
	m := register("chisquare", PValue, DefaultPValueThreshold)
	m.cat = func(t *Contingency, o Options) (outcome, error) {
		return chiSquareTable(t.Ref, t.Cur, "category", o), nil
	}
	m.binned = func(ref, cur *Histogram, o Options) (outcome, error) {
		return chiSquareTable(ref.Counts, cur.Counts, "bucket", o), nil
	}
	m.numeric = func(ref, cur *Sample, o Options) (outcome, error) {
		// Each distinct value is a category (auto picks chisquare for
		// numeric columns with at most 5 distinct values).
		r, c := valueCounts(ref.Sorted(), cur.Sorted())
		return chiSquareTable(r, c, "value", o), nil
	}
}

// chiSquareTable runs the test on two count rows, reporting the columns
// left out and any effective-N cap. what names a column ("category").
func chiSquareTable(ref, cur []float64, what string, o Options) outcome {
	var notices []string
	if dropped := emptyColumns(ref, cur); dropped > 0 {
		notices = append(notices, fmt.Sprintf("%d %s with no values in either window left out of the chi-square test", dropped, plural(dropped, what)))
	}
	if o.MaxEffectiveN > 0 {
		var capped bool
		ref, cur, capped = capRows(ref, cur, float64(o.MaxEffectiveN))
		if capped {
			notices = append(notices, capNotice(o.MaxEffectiveN))
		}
	}
	stat, p, dof := chi2Homogeneity(ref, cur)
	switch {
	case math.IsNaN(p):
		notices = append(notices, "the chi-square test needs positive counts in both windows")
	case dof == 0:
		notices = append(notices, fmt.Sprintf("both windows hold a single %s: no degrees of freedom, p = 1", what))
	}
	out := pval(p, stat)
	out.notices = notices
	return out
}

// Chi2Homogeneity is chi2Homogeneity for callers outside the package (the
// datasource tests counts it has already aggregated).
func Chi2Homogeneity(ref, cur []float64) (stat, p float64, dof int) {
	return chi2Homogeneity(ref, cur)
}

// chi2Homogeneity is scipy.stats.chi2_contingency([ref, cur]) (Pearson's
// statistic, Yates' correction when dof == 1) on two count rows of equal
// length. Columns empty in both rows are dropped first, where scipy would
// raise on a zero expected frequency. With a single column left, dof is 0
// and, as in scipy, the statistic is 0 and p is 1. An empty row (or no
// column at all, or rows of different lengths) has no test: NaN, NaN, 0.
func chi2Homogeneity(ref, cur []float64) (stat, p float64, dof int) {
	if len(ref) != len(cur) {
		return math.NaN(), math.NaN(), 0
	}
	obs := make([]float64, 0, 2*len(ref))
	for k := range ref {
		if ref[k] != 0 || cur[k] != 0 {
			obs = append(obs, ref[k])
		}
	}
	for k := range cur {
		if ref[k] != 0 || cur[k] != 0 {
			obs = append(obs, cur[k])
		}
	}
	k := len(obs) / 2
	if k == 0 {
		return math.NaN(), math.NaN(), 0
	}
	// The order of the sums follows numpy: each row's sum and the grand
	// total are pairwise sums.
	rowRef, rowCur := pairwiseSum(obs[:k]), pairwiseSum(obs[k:])
	total := pairwiseSum(obs)
	if rowRef <= 0 || rowCur <= 0 {
		return math.NaN(), math.NaN(), 0
	}
	dof = k - 1
	if dof == 0 {
		return 0, 1, 0
	}
	// Each column's two terms overwrite its two counts once read.
	terms := obs
	for c := range k {
		oRef, oCur := obs[c], obs[k+c]
		col := oRef + oCur
		for r, row := range [2]float64{rowRef, rowCur} {
			o := oRef
			if r == 1 {
				o = oCur
			}
			e := row * col / total
			if dof == 1 {
				o = yates(o, e)
			}
			terms[r*k+c] = (o - e) * (o - e) / e
		}
	}
	stat = pairwiseSum(terms)
	return stat, chi2SF(stat, float64(dof)), dof
}

// yates moves an observed count half a unit towards its expectation, but
// never past it (scipy gh-13875).
func yates(o, e float64) float64 {
	diff := e - o
	return o + math.Copysign(math.Min(0.5, math.Abs(diff)), diff)
}

// emptyColumns counts columns that are zero in both rows.
func emptyColumns(ref, cur []float64) int {
	n := 0
	for k := range ref {
		if ref[k] == 0 && cur[k] == 0 {
			n++
		}
	}
	return n
}

// capRows scales a row whose total exceeds limit down to limit, keeping its
// shares: the effective-N cap for count tables.
func capRows(ref, cur []float64, limit float64) (r, c []float64, capped bool) {
	scale := func(row []float64) []float64 {
		total := pairwiseSum(row)
		if total <= limit {
			return row
		}
		capped = true
		out := make([]float64, len(row))
		for i, v := range row {
			out[i] = v * limit / total
		}
		return out
	}
	return scale(ref), scale(cur), capped
}

// plural names n columns: "category" becomes "categories" unless n == 1.
func plural(n int, word string) string {
	switch {
	case n == 1:
		return word
	case strings.HasSuffix(word, "y"):
		return strings.TrimSuffix(word, "y") + "ies"
	}
	return word + "s"
}

func capNotice(limit int) string {
	return fmt.Sprintf("the p-value uses sample sizes capped at %d (MaxEffectiveN)", limit)
}

// valueCounts merges two sorted samples into the count of each distinct
// value per sample, in ascending order of value. It gallops over runs of
// equal values (O(K·log(N/K)) for K distinct values) and sizes its output
// in a first pass, so that continuous data (K ≈ N) costs two slices of K.
func valueCounts(a, b []float64) (ca, cb []float64) {
	k := 0
	forEachValue(a, b, func(float64, int, int) { k++ })
	ca, cb = make([]float64, 0, k), make([]float64, 0, k)
	forEachValue(a, b, func(_ float64, na, nb int) {
		ca = append(ca, float64(na))
		cb = append(cb, float64(nb))
	})
	return ca, cb
}

// forEachValue calls fn for each distinct value of two sorted samples, in
// ascending order, with the number of times each sample holds it.
func forEachValue(a, b []float64, fn func(v float64, na, nb int)) {
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		var v float64
		if j >= len(b) || (i < len(a) && a[i] <= b[j]) {
			v = a[i]
		} else {
			v = b[j]
		}
		ie, je := runEnd(a, i, v), runEnd(b, j, v)
		fn(v, ie-i, je-j)
		i, j = ie, je
	}
}

// runEnd returns the first index at or after i whose value exceeds v, for
// sorted s with s[:i] <= v. It gallops (1, 2, 4, … steps) and then bisects,
// so a run of length r costs O(log r) and a run of one costs one or two
// comparisons.
func runEnd(s []float64, i int, v float64) int {
	if i >= len(s) || s[i] > v {
		return i
	}
	// Invariant: s[lo] <= v, and hi is past the end or s[hi] > v once the
	// loop ends.
	lo, step := i, 1
	hi := lo + step
	for hi < len(s) && s[hi] <= v {
		lo = hi
		step *= 2
		hi = lo + step
	}
	hi = min(hi, len(s))
	// Bisect (lo, hi): s[lo] <= v, s[hi] > v (or hi == len).
	for hi-lo > 1 {
		mid := int(uint(lo+hi) >> 1)
		if s[mid] <= v {
			lo = mid
		} else {
			hi = mid
		}
	}
	return hi
}

// distinctAtMost reports whether two sorted samples hold at most limit
// distinct values together, stopping early once they exceed it.
func distinctAtMost(a, b []float64, limit int) (n int, ok bool) {
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		var v float64
		if j >= len(b) || (i < len(a) && a[i] <= b[j]) {
			v = a[i]
		} else {
			v = b[j]
		}
		n++
		if n > limit {
			return n, false
		}
		i, j = runEnd(a, i, v), runEnd(b, j, v)
	}
	return n, true
}
