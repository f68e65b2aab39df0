package drift

import (
	"fmt"
	"math"
	"math/big"
	"runtime"
	"sort"
	"sync"
)

// Two-sample Cramér–von Mises test as scipy.stats.cramervonmises_2samp with
// method="auto": T from the midranks of both samples in the pooled sample
// (Anderson 1962), the exact p-value when neither sample has more than 20
// values, otherwise the limiting distribution of the normalised statistic
// (Csörgő & Faraway 1996).

const (
	// cvmMaxExactN: scipy's "auto" is exact up to this size per sample.
	cvmMaxExactN = 20
	// cvmSeriesTol is scipy's stopping rule for the limiting CDF's series.
	cvmSeriesTol = 1e-7
)

func init() {
	m := register("cramer_von_mises", PValue, DefaultPValueThreshold)
	m.numeric = cvmNumeric
}

func cvmNumeric(ref, cur *Sample, o Options) (outcome, error) {
	nx, ny := ref.Len(), cur.Len()
	if nx < 2 || ny < 2 {
		return rankTestInsufficient(fmt.Sprintf("insufficient data: the Cramér–von Mises test needs at least 2 values on each side, got %d and %d", nx, ny)), nil
	}
	u := cvmU(ref.Sorted(), cur.Sorted())
	t := cvmT(u, nx, ny)
	if c := o.MaxEffectiveN; c > 0 && (nx > c || ny > c) {
		// T grows like n·m/N for a fixed difference between the
		// distributions: rescale it to the capped sizes.
		cn, cm := max(min(nx, c), 2), max(min(ny, c), 2)
		p := cvmAsymptoticP(t*effSizeRatio(cn, cm, nx, ny), cn, cm)
		out := pval(p, t)
		out.notices = []string{fmt.Sprintf("p-value computed with sample sizes capped at %d (MaxEffectiveN, asymptotic); the statistic uses all values", c)}
		return out, nil
	}
	if max(nx, ny) <= cvmMaxExactN {
		return pval(cvmExactP(u, nx, ny), t), nil
	}
	return pval(cvmAsymptoticP(t, nx, ny), t), nil
}

// cvmT is T = U/(n·m·N) − (4·n·m − 1)/(6N) (Anderson 1962, eq. 9).
func cvmT(u float64, nx, ny int) float64 {
	k, N := int64(nx)*int64(ny), int64(nx+ny)
	// k·N is a Python integer in scipy, rounded once when divided into U.
	kN, _ := new(big.Float).SetInt(new(big.Int).Mul(big.NewInt(k), big.NewInt(N))).Float64()
	return u/kN - cvmBigRatio(big.NewInt(4*k-1), big.NewInt(6*N))
}

// cvmBigRatio is num/den correctly rounded, as Python's int/int.
func cvmBigRatio(num, den *big.Int) float64 {
	f, _ := new(big.Rat).SetFrac(num, den).Float64()
	return f
}

// cvmU is U = n·Σ(r_i − i)² + m·Σ(s_j − j)², with r and s the midranks of
// the sorted samples in the pooled sample. The two sums are added in
// numpy's pairwise order: T subtracts two numbers of size ~n·m/N, so U
// must round exactly as scipy's does for T to agree at a million values.
func cvmU(x, y []float64) float64 {
	xBelow, yAtOrBelow := cvmCounts(x, y)
	var sx, sy float64
	if len(x)+len(y) >= ksParallelMin && runtime.GOMAXPROCS(0) > 1 {
		done := make(chan struct{})
		go func() {
			sx = cvmMidrankSquares(x, y, xBelow, false)
			close(done)
		}()
		sy = cvmMidrankSquares(y, x, yAtOrBelow, true)
		<-done
	} else {
		sx = cvmMidrankSquares(x, y, xBelow, false)
		sy = cvmMidrankSquares(y, x, yAtOrBelow, true)
	}
	return float64(len(x))*sx + float64(len(y))*sy
}

// cvmMidrankSquares is Σ_i (rank(x_i) − i)² over the sorted x, where rank is
// the midrank of x_i among x and other pooled (i = 1..len(x)). count[i] is
// the number of values of other below x_i, or at or below it when atOrBelow.
func cvmMidrankSquares(x, other []float64, count []int32, atOrBelow bool) float64 {
	i, groupEnd := 0, 0
	var rank float64
	return streamPairwiseSum(len(x), func(buf []float64) {
		for k := range buf {
			if i == groupEnd {
				v := x[i]
				e := i + 1
				for e < len(x) && x[e] == v {
					e++
				}
				// other[lt:le] are the values of other equal to v.
				lt, le := int(count[i]), int(count[i])
				if atOrBelow {
					for lt > 0 && other[lt-1] == v {
						lt--
					}
				} else {
					for le < len(other) && other[le] == v {
						le++
					}
				}
				// Midrank of a tie group starting after i+lt smaller values.
				rank = float64(i+lt) + float64(e-i+le-lt+1)/2
				groupEnd = e
			}
			d := rank - float64(i+1)
			buf[k] = d * d
			i++
		}
	})
}

// cvmCounts returns, for each x_i, the number of y values below it and,
// for each y_j, the number of x values at or below it. Large inputs are
// split at a value of x into two independent halves.
func cvmCounts(x, y []float64) (xBelow, yAtOrBelow []int32) {
	xBelow, yAtOrBelow = make([]int32, len(x)), make([]int32, len(y))
	if len(x)+len(y) < ksParallelMin || runtime.GOMAXPROCS(0) < 2 || len(x) == 0 {
		cvmCountRange(x, y, xBelow, yAtOrBelow, 0, 0)
		return xBelow, yAtOrBelow
	}
	// Values below the pivot only see values below it, and the others see
	// all of those plus their own half.
	pivot := x[len(x)/2]
	ia, jb := sort.SearchFloat64s(x, pivot), sort.SearchFloat64s(y, pivot)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		cvmCountRange(x[:ia], y[:jb], xBelow[:ia], yAtOrBelow[:jb], 0, 0)
	}()
	cvmCountRange(x[ia:], y[jb:], xBelow[ia:], yAtOrBelow[jb:], ia, jb)
	wg.Wait()
	return xBelow, yAtOrBelow
}

// cvmCountRange walks the merge of x and y once, with i0 values of x and
// j0 of y before them. Which sample comes next is unpredictable, so each
// step stores both running counts and advances one index by arithmetic
// rather than by a branch: the last store for an index is made as it
// advances.
func cvmCountRange(x, y []float64, xBelow, yAtOrBelow []int32, i0, j0 int) {
	i, j := 0, 0
	for i < len(x) && j < len(y) {
		// y_j < x_i exactly when y_j − x_i is negative; adding +0 turns a
		// −0 (from −0 − +0) into +0.
		c := int(math.Float64bits(y[j]-x[i]+0) >> 63)
		xBelow[i] = int32(j0 + j)
		yAtOrBelow[j] = int32(i0 + i)
		j += c
		i += 1 - c
	}
	for ; i < len(x); i++ {
		xBelow[i] = int32(j0 + j)
	}
	for ; j < len(y); j++ {
		yAtOrBelow[j] = int32(i0 + i)
	}
}

// streamPairwiseSum sums n terms in numpy's order (np.sum of a contiguous
// float64 array) without storing them: fill is called on consecutive
// blocks and writes the next terms.
func streamPairwiseSum(n int, fill func(buf []float64)) float64 {
	var buf [128]float64
	var rec func(n int) float64
	rec = func(n int) float64 {
		if n <= len(buf) {
			b := buf[:n]
			fill(b)
			return pairwiseBlock(b)
		}
		half := n / 2
		half -= half % 8
		left := rec(half)
		return left + rec(n-half)
	}
	var total float64
	for done := 0; done < n; done += numpyBufferSize {
		total += rec(min(numpyBufferSize, n-done))
	}
	return total
}

// cvmAsymptoticP normalises T with its exact mean and variance (Anderson
// 1962, eqs. 11, 14, 15) and evaluates the limiting one-sample
// distribution, as scipy's _pval_cvm_2samp_asymptotic.
func cvmAsymptoticP(t float64, nx, ny int) float64 {
	k, N := int64(nx)*int64(ny), int64(nx+ny)
	Nf := float64(N)
	et := (1 + 1/Nf) / 6
	// vt = (N+1)(4kN − 3(nx²+ny²) − 2k) / (45·N²·4k), exactly as scipy's
	// Python integers, then rounded once.
	bk, bN := big.NewInt(k), big.NewInt(N)
	num := new(big.Int).Mul(bk, bN)
	num.Mul(num, big.NewInt(4))
	sq := big.NewInt(int64(nx)*int64(nx) + int64(ny)*int64(ny))
	num.Sub(num, sq.Mul(sq, big.NewInt(3)))
	num.Sub(num, new(big.Int).Mul(bk, big.NewInt(2)))
	num.Mul(num, big.NewInt(N+1))
	den := new(big.Int).Mul(bN, bN)
	den.Mul(den, big.NewInt(45*4))
	den.Mul(den, bk)
	vt := cvmBigRatio(num, den)
	tn := 1.0/6 + (t-et)/math.Sqrt(45*vt)
	switch {
	case math.IsNaN(tn):
		return math.NaN()
	case tn < 0.003:
		// Below 0.003 the limiting CDF is under 1.3e−18.
		return 1
	case math.IsInf(tn, 1):
		return 0
	}
	return math.Max(1-cvmLimitCDF(tn), 0)
}

// cvmLimitCDF is the CDF of the limiting Cramér–von Mises distribution
// (Csörgő & Faraway 1996, eq. 1.2 and the second line of 1.3):
//
//	Σ_k Γ(k+½)/(Γ(k+1)·π^1.5·√x) · √(4k+1) · e^(−q) · K_¼(q),  q = (4k+1)²/(16x)
//
// summed, as scipy does, until a term falls below 1e−7.
func cvmLimitCDF(x float64) float64 {
	var tot float64
	pi15 := math.Pow(math.Pi, 1.5)
	// The terms fall like exp(−(4k+1)²/(8x)): k stays below ~√x.
	for k := 0; k < 1<<20; k++ {
		lg1, _ := math.Lgamma(float64(k) + 0.5)
		lg2, _ := math.Lgamma(float64(k) + 1)
		u := math.Exp(lg1-lg2) / (pi15 * math.Sqrt(x))
		y := float64(4*k + 1)
		q := y * y / (16 * x)
		z := u * math.Sqrt(y) * math.Exp(-q) * besselKQuarter(q)
		tot += z
		if !(math.Abs(z) >= cvmSeriesTol) {
			break
		}
	}
	return tot
}

// besselKQuarter is K_¼(z), the modified Bessel function of the second
// kind, as scipy.special.kv(0.25, z) computes it. For z > 2 any accurate
// method agrees with scipy's (AMOS) to ~1e−16. For z <= 2 AMOS sums
// Temme's series starting from 1/Γ(1.25) taken from its own log-gamma,
// which is 1.2e−14 off; its K_¼ carries that error (up to 6e−14 relative
// near z = 2). The limiting CvM CDF is 1 minus a sum of such terms, so tiny
// p-values would inherit a visible difference: for z <= 2 this follows the
// same series with the same starting constants.
func besselKQuarter(z float64) float64 {
	if z > 2 {
		return besselKIntegral(0.25, z)
	}
	const (
		nu = 0.25
		// AMOS's constants for ν = ¼ (python, with AMOS's DGAMLN ported):
		// fc = ν·π/sin(ν·π); t2 = exp(−dgamln(1+ν)) = 1/Γ(1+ν); t1 = 1/(t2·fc)
		fc = 1.1107207345395915
		t2 = 1.1032626513208381
		t1 = 0.8160489390982624
		g1 = -0.5744274244451515 // (t1 − t2)/(2ν)
		g2 = 0.9596557952095502  // (t1 + t2)/2
	)
	fmu := math.Log(2/z) * nu
	smu := math.Sinh(fmu) / nu
	f := fc * (g1*math.Cosh(fmu) + smu*g2)
	pt := math.Exp(fmu)
	p := (0.5 / t2) * pt
	q := (0.5 / t1) / pt
	// Σ_k (z²/4)^k/k! · f_k with Temme's recurrences for f_k, p_k, q_k.
	sum, ck, a1, bk, ak := f, 1.0, 1.0, 1-nu*nu, 1.0
	cz := z * z * 0.25
	t := 0.25 * z * z
	for {
		f = (f*ak + p + q) / bk
		p /= ak - nu
		q /= ak + nu
		rk := 1 / ak
		ck *= cz * rk
		sum += ck * f
		a1 *= t * rk
		bk += ak + ak + 1
		ak++
		if !(a1 > 0x1p-52) {
			return sum
		}
	}
}

// besselKIntegral is the modified Bessel function of the second kind K_ν(z) for
// z > 0, from K_ν(z) = ∫₀^∞ exp(−z·cosh t)·cosh(νt) dt. The integrand is
// analytic and decays doubly exponentially, so the trapezoidal rule
// converges exponentially fast in the step; the integral is taken on
// exp(−z(cosh t − 1)) = exp(−2z·sinh²(t/2)) so that e^(−z) factors out.
func besselKIntegral(nu, z float64) float64 {
	if z <= 0 {
		return math.Inf(1)
	}
	// Where the integrand is a bell of width ~1/√z the step must follow it.
	h := math.Min(0.1, 0.5/math.Sqrt(z))
	// The integrand peaks near sinh t = ν/z; past it, it only falls.
	peak := math.Asinh(nu / z)
	sum := 0.5 // the t = 0 term, halved
	for i := 1; ; i++ {
		t := float64(i) * h
		s := math.Sinh(t / 2)
		f := math.Exp(-2*z*s*s) * math.Cosh(nu*t)
		sum += f
		if t > peak && f < 1e-18*sum {
			break
		}
	}
	return math.Exp(-z) * h * sum
}

// cvmExactP is the exact p-value P(U' >= U) over all C(n+m, n) equally
// likely arrangements of the two samples (Xiao, Gordon & Yakovlev 2006,
// Algorithm 1, as scipy's _pval_cvm_2samp_exact). U is mapped to the
// integer scale ζ of the lattice-path sums Σ (a·v − b·u)², where a and b
// make the two steps commensurate.
func cvmExactP(u float64, m, n int) float64 {
	l := m / ksGCD(m, n) * n
	a, b := l/m, l/n
	mn := m * n
	// ζ = lcm²(m+n)(6U − mn(4mn−1)) // (6·mn²), in floating point as scipy.
	zeta := cvmFloorDivFloat(float64(l*l*(m+n))*(6*u-float64(mn*(4*mn-1))), float64(6*mn*mn))
	// row[v] is the frequency table (value → count) of paths to (u, v) for
	// the current u; each step merges the tables from (u−1, v) and (u, v−1)
	// and adds (a·v − b·u)² to every value.
	row := make([]cvmTable, m+1)
	row[0] = cvmTable{{0, 1}}
	for uu := 0; uu <= n; uu++ {
		var left cvmTable
		for v := 0; v <= m; v++ {
			cell := cvmMergeTables(left, row[v])
			d := a*v - b*uu
			add := int64(d * d)
			for i := range cell {
				cell[i].value += add
			}
			row[v] = cell
			left = cell
		}
	}
	var hits int64
	for _, e := range row[m] {
		if float64(e.value) >= zeta {
			hits += e.count
		}
	}
	return float64(hits) / float64(cvmBinomial(m+n, m))
}

type cvmEntry struct{ value, count int64 }

// cvmTable is a frequency table sorted by value.
type cvmTable []cvmEntry

// cvmMergeTables adds two frequency tables into a new one.
func cvmMergeTables(x, y cvmTable) cvmTable {
	out := make(cvmTable, 0, len(x)+len(y))
	i, j := 0, 0
	for i < len(x) && j < len(y) {
		switch {
		case x[i].value < y[j].value:
			out = append(out, x[i])
			i++
		case x[i].value > y[j].value:
			out = append(out, y[j])
			j++
		default:
			out = append(out, cvmEntry{x[i].value, x[i].count + y[j].count})
			i++
			j++
		}
	}
	out = append(out, x[i:]...)
	return append(out, y[j:]...)
}

func cvmBinomial(n, k int) int64 {
	r := int64(1)
	for i := 1; i <= k; i++ {
		r = r * int64(n-k+i) / int64(i)
	}
	return r
}

// cvmFloorDivFloat is numpy's floor_divide for float64 (Python's //).
func cvmFloorDivFloat(a, b float64) float64 {
	mod := math.Mod(a, b)
	div := (a - mod) / b
	if mod != 0 && (b < 0) != (mod < 0) {
		div--
	}
	if div == 0 {
		return math.Copysign(0, a/b)
	}
	fl := math.Floor(div)
	if div-fl > 0.5 {
		fl++
	}
	return fl
}
