package drift

import (
	"math"
	"sync"
)

// t_test is scipy.stats.ttest_ind(ref, cur): Student's two-sample t-test
// with pooled variance, two-sided, as Evidently calls it. The statistic is
// t. Where scipy answers NaN (both windows constant and equal, or a single
// value in each) the score is NaN with a notice instead.
func init() {
	m := register("t_test", PValue, DefaultPValueThreshold)
	m.numeric = func(ref, cur *Sample, o Options) (outcome, error) {
		return tTest(ref, cur, o), nil
	}
}

// parallelStatsMin is the sample size above which the two samples'
// moments are computed concurrently.
const parallelStatsMin = 1 << 15

func tTest(ref, cur *Sample, o Options) outcome {
	m1, v1, m2, v2 := moments(ref, cur)
	n1, n2 := float64(ref.Len()), float64(cur.Len())
	var notices []string
	// Sample variances (ddof = 1) from the population ones; a single
	// value contributes no spread, as in scipy.
	v1 = sampleVar(v1, n1)
	v2 = sampleVar(v2, n2)
	if limit := float64(o.MaxEffectiveN); limit > 0 && (n1 > limit || n2 > limit) {
		n1, n2 = math.Min(n1, limit), math.Min(n2, limit)
		notices = append(notices, capNotice(o.MaxEffectiveN))
	}
	df := n1 + n2 - 2
	if df <= 0 {
		out := pval(math.NaN(), math.NaN())
		out.notices = append(notices, "t_test needs at least three values in total (one degree of freedom)")
		return out
	}
	svar := ((n1-1)*v1 + (n2-1)*v2) / df
	denom := math.Sqrt(svar * (1/n1 + 1/n2))
	t := (m1 - m2) / denom
	switch {
	case math.IsNaN(t):
		out := pval(math.NaN(), math.NaN())
		out.notices = append(notices, "both windows are constant and equal: the t statistic is undefined (0/0)")
		return out
	case denom == 0:
		notices = append(notices, "both windows are constant with different values: t is infinite and p = 0")
	}
	out := pval(2*studentTSF(math.Abs(t), df), t)
	out.notices = notices
	return out
}

func sampleVar(popVar, n float64) float64 {
	if n == 1 {
		return 0
	}
	return popVar * (n / (n - 1))
}

// moments returns the means and population variances of both samples,
// computing the two concurrently for large samples.
func moments(ref, cur *Sample) (m1, v1, m2, v2 float64) {
	if ref.Len()+cur.Len() < parallelStatsMin {
		m1, v1 = meanVarPairwise(ref.Sorted())
		m2, v2 = meanVarPairwise(cur.Sorted())
		return
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		m2, v2 = meanVarPairwise(cur.Sorted())
	}()
	m1, v1 = meanVarPairwise(ref.Sorted())
	wg.Wait()
	return
}

// meanVarPairwise is numpy's mean and mean((x − mean)²), both by pairwise
// summation as scipy's _moment computes them; the squares are summed as
// they are formed, without a temporary array.
func meanVarPairwise(x []float64) (mean, variance float64) {
	n := float64(len(x))
	mean = pairwiseSum(x) / n
	return mean, pairwiseSumSq(x, mean) / n
}

// pairwiseSumSq is pairwiseSum over (x_i − c)², in the same order.
func pairwiseSumSq(x []float64, c float64) float64 {
	const block = 128
	if len(x) <= block {
		if len(x) < 8 {
			var s float64
			for _, v := range x {
				s += (v - c) * (v - c)
			}
			return s
		}
		var r [8]float64
		for k := range 8 {
			r[k] = (x[k] - c) * (x[k] - c)
		}
		i := 8
		for ; i+8 <= len(x); i += 8 {
			for k := range 8 {
				d := x[i+k] - c
				r[k] += d * d
			}
		}
		s := ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
		for ; i < len(x); i++ {
			s += (x[i] - c) * (x[i] - c)
		}
		return s
	}
	half := len(x) / 2
	half -= half % 8
	return pairwiseSumSq(x[:half], c) + pairwiseSumSq(x[half:], c)
}
