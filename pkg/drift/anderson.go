package drift

import (
	"fmt"
	"math"
	"runtime"
	"sort"
	"sync"
)

// k-sample Anderson–Darling test for two samples, as
// scipy.stats.anderson_ksamp([ref, cur]) with its default midrank variant
// (Scholz & Stephens 1987, eq. 7, which handles ties). The statistic is the
// standardised A2 = (A2akN − 1)/σ; the p-value is scipy's interpolation of
// log(significance) against Scholz & Stephens' critical values, clipped to
// [0.001, 0.25].

// adSig and adCritical are Scholz & Stephens' Table 2 for k−1 = 1:
// critical = b0 + b1/√(k−1) + b2/(k−1).
var (
	adSig      = [...]float64{0.25, 0.1, 0.05, 0.025, 0.01, 0.005, 0.001}
	adCritical = func() [7]float64 {
		b0 := [...]float64{0.675, 1.281, 1.645, 1.96, 2.326, 2.573, 3.085}
		b1 := [...]float64{-0.245, 0.25, 0.678, 1.149, 1.822, 2.364, 3.615}
		b2 := [...]float64{-0.105, -0.305, -0.362, -0.391, -0.396, -0.345, -0.154}
		var c [7]float64
		for i := range c {
			c[i] = b0[i] + b1[i]/math.Sqrt(1) + b2[i]/1
		}
		return c
	}()
	// adPoly is the quadratic least-squares fit of log(adSig) on adCritical
	// (numpy.polyfit(critical, log(sig), 2)), highest power first.
	adPoly = adPolyfit2(adCritical[:], func() []float64 {
		l := make([]float64, len(adSig))
		for i, s := range adSig {
			l[i] = math.Log(s)
		}
		return l
	}())
)

func init() {
	m := register("anderson", PValue, DefaultPValueThreshold)
	m.numeric = andersonNumeric
}

func andersonNumeric(ref, cur *Sample, o Options) (outcome, error) {
	a, b := ref.Sorted(), cur.Sorted()
	n, m := len(a), len(b)
	N := n + m
	if N < 4 {
		return rankTestInsufficient(fmt.Sprintf("insufficient data: the Anderson–Darling test needs at least 4 values in total, got %d", N)), nil
	}
	if a[0] == a[n-1] && b[0] == b[m-1] && a[0] == b[0] {
		return rankTestInsufficient("insufficient data: the Anderson–Darling test needs at least two distinct values"), nil
	}
	var hs adHarmonics
	var a2kn float64
	if N >= ksParallelMin/4 && runtime.GOMAXPROCS(0) > 1 {
		// The harmonic sums of the variance take O(N) too: overlap them
		// with the merge.
		done := make(chan struct{})
		go func() {
			hs = adHarmonicSums(N)
			close(done)
		}()
		a2kn = adA2akN(a, b)
		<-done
	} else {
		hs, a2kn = adHarmonicSums(N), adA2akN(a, b)
	}
	stat := (a2kn - 1) / math.Sqrt(adVariance(hs, n, m))
	pStat := stat
	var notices []string
	// A capped pair needs 4 values for the variance, as the data do.
	if c := max(o.MaxEffectiveN, 2); o.MaxEffectiveN > 0 && (n > c || m > c) && min(n, c)+min(m, c) >= 4 {
		// A2akN grows like n·m/N for a fixed difference between the
		// distributions: rescale it to the capped sizes and standardise it
		// with their moments.
		cn, cm := min(n, c), min(m, c)
		scaled := a2kn * effSizeRatio(cn, cm, n, m)
		pStat = (scaled - 1) / math.Sqrt(adVariance(adHarmonicSums(cn+cm), cn, cm))
		notices = append(notices, fmt.Sprintf("p-value computed with sample sizes capped at %d (MaxEffectiveN); the statistic uses all values", o.MaxEffectiveN))
	}
	p, clip := adPValue(pStat)
	if clip != "" {
		notices = append(notices, clip)
	}
	out := pval(p, stat)
	out.notices = notices
	return out, nil
}

// effSizeRatio is (n'm'/N')/(nm/N): how a statistic proportional to the
// effective size n·m/(n+m) shrinks when the sizes are capped.
func effSizeRatio(cn, cm, n, m int) float64 {
	en := float64(n) * float64(m) / float64(n+m)
	cen := float64(cn) * float64(cm) / float64(cn+cm)
	return cen / en
}

func rankTestInsufficient(why string) outcome {
	return outcome{score: math.NaN(), statistic: math.NaN(), notices: []string{why}}
}

// adPValue interpolates scipy's p-value and says when it was clipped.
func adPValue(a2 float64) (float64, string) {
	switch {
	case a2 < adCritical[0]:
		return adSig[0], fmt.Sprintf("p-value clipped to %g: the true value is larger (the Anderson–Darling critical-value table ends there)", adSig[0])
	case a2 > adCritical[len(adCritical)-1]:
		return adSig[len(adSig)-1], fmt.Sprintf("p-value clipped to %g: the true value is smaller (the Anderson–Darling critical-value table ends there)", adSig[len(adSig)-1])
	}
	var y float64
	for _, c := range adPoly {
		y = y*a2 + c
	}
	return math.Exp(y), ""
}

// adA2akN is Scholz & Stephens' A2akN (midranks) for two sorted samples:
//
//	(N−1)/N · Σ_i 1/n_i Σ_j l_j/N · (N·M_ij − B_j·n_i)² / (B_j(N−B_j) − N·l_j/4)
//
// over the distinct pooled values z_j, with l_j their multiplicity, B_j the
// pooled count below z_j plus l_j/2, and M_ij the same within sample i.
// With two samples M_1j + M_2j = B_j, so both samples' numerators are the
// same number up to sign (exactly so in floating point while N < 4·10^7:
// every product involved is then a multiple of 1/4 below 2^53) and one
// inner sum serves both.
func adA2akN(a, b []float64) float64 {
	n, m := len(a), len(b)
	var s adAccumulator
	if n+m >= ksParallelMin && runtime.GOMAXPROCS(0) > 1 {
		pivot := a[n/2]
		ia, jb := sort.SearchFloat64s(a, pivot), sort.SearchFloat64s(b, pivot)
		var lo adAccumulator
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			lo.scanAD(a[:ia], b[:jb], 0, 0, n, m)
		}()
		s.scanAD(a[ia:], b[jb:], ia, jb, n, m)
		wg.Wait()
		s.add(lo.sum())
	} else {
		s.scanAD(a, b, 0, 0, n, m)
	}
	N := float64(n + m)
	inner := s.sum()
	return (inner/float64(n) + inner/float64(m)) * ((N - 1) / N)
}

// scanAD adds the inner terms of the distinct values in a and b; i0 and j0
// count the values before the slices, n and m are the full sample sizes.
func (s *adAccumulator) scanAD(a, b []float64, i0, j0, n, m int) {
	t := adTerm{N: float64(n + m), n: float64(n)}
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		va, vb := a[i], b[j]
		// Which sample holds the next value decides nothing but an index
		// step: take it from the sign bit of vb − va, without a branch.
		fromA := int(^math.Float64bits(vb-va)>>63) & 1
		mask := -uint64(fromA)
		ba, bb := math.Float64bits(va), math.Float64bits(vb)
		v := math.Float64frombits(bb ^ ((ba ^ bb) & mask))
		i1, j1 := i+fromA, j+1-fromA
		// Ties (rare in continuous data) extend the group on both sides.
		for i1 < len(a) && a[i1] == v {
			i1++
		}
		for j1 < len(b) && b[j1] == v {
			j1++
		}
		s.add(t.at(i0+i, j0+j, i1-i, j1-j))
		i, j = i1, j1
	}
	// One sample is exhausted: the rest are groups of the other alone.
	for i < len(a) {
		i1 := i + 1
		for i1 < len(a) && a[i1] == a[i] {
			i1++
		}
		s.add(t.at(i0+i, j0+j, i1-i, 0))
		i = i1
	}
	for j < len(b) {
		j1 := j + 1
		for j1 < len(b) && b[j1] == b[j] {
			j1++
		}
		s.add(t.at(i0+i, j0+j, 0, j1-j))
		j = j1
	}
}

// adTerm evaluates one distinct value's term of A2akN.
type adTerm struct{ N, n float64 }

// at is the term of a value found fa times in the first sample and fb
// times in the second, with ia and jb smaller values in each.
func (t adTerm) at(ia, jb, fa, fb int) float64 {
	l := float64(fa + fb)
	bj := float64(ia+jb) + l/2
	den := bj*(t.N-bj) - t.N*l/4
	da := t.N*(float64(ia+fa)-float64(fa)/2) - bj*t.n
	return l * (da * da) / (t.N * den)
}

// adHarmonics are the sums h and g of Scholz & Stephens' variance.
type adHarmonics struct{ h, g float64 }

// adHarmonicSums computes h = Σ_{i=1}^{N−1} 1/i and
// g = Σ_{i=1}^{N−2} Σ_{j=i+1}^{N−1} 1/((N−i)·j) as scipy does: a running
// sum of 1/(N−1), 1/(N−2), … (numpy cumsum) and a pairwise sum of its
// prefixes divided by 2, 3, ….
func adHarmonicSums(N int) adHarmonics {
	cum := 0.0
	next := N - 1 // the next denominator of the running sum
	t := 2        // the divisor of the current prefix
	g := streamPairwiseSum(N-2, func(buf []float64) {
		for k := range buf {
			cum += 1 / float64(next)
			next--
			buf[k] = cum / float64(t)
			t++
		}
	})
	return adHarmonics{h: cum + 1, g: g}
}

// adVariance is the variance σ² of A2akN under the null hypothesis for two
// samples (Scholz & Stephens 1987, eq. 4 with k = 2).
func adVariance(hs adHarmonics, n, m int) float64 {
	const k = 2.0
	h, g := hs.h, hs.g
	N := float64(n + m)
	H := 1/float64(n) + 1/float64(m)
	a := (4*g-6)*(k-1) + (10-6*g)*H
	b := (2*g-4)*k*k + 8*h*k + (2*g-14*h-4)*H - 8*h + 4*g - 6
	c := (6*h+2*g-2)*k*k + (4*h-4*g+6)*k + (2*h-6)*H + 4*h
	d := (2*h+6)*k*k - 4*h*k
	return (a*N*N*N + b*N*N + c*N + d) / ((N - 1) * (N - 2) * (N - 3))
}

// adPolyfit2 fits y ≈ c0·x² + c1·x + c2 by least squares, as numpy.polyfit:
// columns scaled to unit norm, then a Householder QR solve.
func adPolyfit2(x, y []float64) [3]float64 {
	rows := len(x)
	A := make([][3]float64, rows)
	var scale [3]float64
	for i, v := range x {
		A[i] = [3]float64{v * v, v, 1}
	}
	for c := range 3 {
		var s float64
		for i := range rows {
			s += A[i][c] * A[i][c]
		}
		scale[c] = math.Sqrt(s)
		for i := range rows {
			A[i][c] /= scale[c]
		}
	}
	rhs := append([]float64(nil), y...)
	// Householder reflections reduce A to upper triangular R, applied to rhs.
	for c := range 3 {
		var norm float64
		for i := c; i < rows; i++ {
			norm += A[i][c] * A[i][c]
		}
		norm = math.Sqrt(norm)
		if A[c][c] > 0 {
			norm = -norm
		}
		v := make([]float64, rows)
		v[c] = A[c][c] - norm
		for i := c + 1; i < rows; i++ {
			v[i] = A[i][c]
		}
		var vv float64
		for i := c; i < rows; i++ {
			vv += v[i] * v[i]
		}
		reflect := func(col func(i int) *float64) {
			var dot float64
			for i := c; i < rows; i++ {
				dot += v[i] * *col(i)
			}
			f := 2 * dot / vv
			for i := c; i < rows; i++ {
				*col(i) -= f * v[i]
			}
		}
		for cc := c; cc < 3; cc++ {
			reflect(func(i int) *float64 { return &A[i][cc] })
		}
		reflect(func(i int) *float64 { return &rhs[i] })
	}
	var coef [3]float64
	for c := 2; c >= 0; c-- {
		s := rhs[c]
		for cc := c + 1; cc < 3; cc++ {
			s -= A[c][cc] * coef[cc]
		}
		coef[c] = s / A[c][c]
	}
	for c := range coef {
		coef[c] /= scale[c]
	}
	return coef
}

// adAccumulator is a Neumaier-compensated sum, as accurate as numpy's
// pairwise sum or better, without storing the terms.
type adAccumulator struct{ s, c float64 }

func (k *adAccumulator) add(v float64) {
	t := k.s + v
	if math.Abs(k.s) >= math.Abs(v) {
		k.c += (k.s - t) + v
	} else {
		k.c += (v - t) + k.s
	}
	k.s = t
}

func (k *adAccumulator) sum() float64 { return k.s + k.c }
