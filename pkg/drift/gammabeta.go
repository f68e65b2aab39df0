package drift

import (
	"math"
)

// Regularized incomplete gamma and beta functions for the chi-square and
// Student t distributions, accurate in the far tails.
//
// Both use the classical series and continued fractions (Numerical Recipes
// §6.2, §6.4), but their prefactors x^a·e^(−x)/Γ(a) and x^a·y^b/B(a,b) are
// built from Stirling's series and log1p(t)−t rather than from differences
// of log-gammas: for large a (a chi-square with many categories, a t-test
// on a million rows) the log-gamma differences cancel and would lose up to
// nine digits.

const (
	// cfEps is the relative size of the last continued-fraction or series
	// term at which iteration stops.
	cfEps = 1e-16
	// cfTiny keeps modified Lentz's method away from division by zero.
	cfTiny = 1e-300
	// lnSqrt2Pi is log(√(2π)).
	lnSqrt2Pi = 0.91893853320467274178
)

// chi2SF is the chi-square survival function with dof degrees of freedom,
// scipy.stats.chi2.sf(x, dof) (scipy.special.chdtrc).
func chi2SF(x, dof float64) float64 {
	switch {
	case math.IsNaN(x) || math.IsNaN(dof) || dof <= 0:
		return math.NaN()
	case x <= 0:
		return 1
	}
	return gammaQ(dof/2, x/2)
}

// studentTSF is the Student t survival function with df degrees of freedom,
// scipy.stats.t.sf(t, df) (scipy.special.stdtr(df, −t)).
func studentTSF(t, df float64) float64 {
	switch {
	case math.IsNaN(t) || math.IsNaN(df) || df <= 0:
		return math.NaN()
	case math.IsInf(df, 1):
		return normSF(t)
	case math.IsInf(t, 1):
		return 0
	case math.IsInf(t, -1):
		return 1
	case t == 0:
		return 0.5
	}
	// P(T > |t|) = I_x(df/2, 1/2)/2 with x = df/(df+t²). The complement
	// y = t²/(df+t²) is formed directly, so that neither loses digits.
	t2 := t * t
	x, y := df/(df+t2), t2/(df+t2)
	if math.IsInf(t2, 1) {
		x, y = 0, 1
	}
	i, ic := incBeta(df/2, 0.5, x, y)
	if t > 0 {
		return i / 2
	}
	return 0.5 + ic/2
}

// gammaP is the regularized lower incomplete gamma function P(a, x).
func gammaP(a, x float64) float64 {
	p, _ := incGamma(a, x)
	return p
}

// gammaQ is the regularized upper incomplete gamma function Q(a, x) = 1 − P.
func gammaQ(a, x float64) float64 {
	_, q := incGamma(a, x)
	return q
}

// incGamma returns P(a, x) and Q(a, x); the smaller of the two is computed
// directly, so each is accurate relative to itself.
func incGamma(a, x float64) (p, q float64) {
	switch {
	case math.IsNaN(a) || math.IsNaN(x) || a <= 0 || x < 0:
		return math.NaN(), math.NaN()
	case x == 0:
		return 0, 1
	case math.IsInf(x, 1):
		return 1, 0
	}
	fac := gammaPrefactor(a, x)
	if x < a+1 {
		p = fac * gammaSeries(a, x)
		return p, 1 - p
	}
	q = fac * gammaCF(a, x)
	return 1 - q, q
}

// gammaPrefactor is x^a·e^(−x)/Γ(a). With Γ(a) written through Stirling's
// series it equals √(a/2π)·exp(a·(log(x/a) − (x/a − 1)) − st(a)), whose
// exponent never cancels.
func gammaPrefactor(a, x float64) float64 {
	if a < 1 {
		// Small a: nothing to cancel, and Stirling's form would be the
		// less accurate one.
		lg, _ := math.Lgamma(a)
		return math.Exp(a*math.Log(x) - x - lg)
	}
	e := a*log1pmxRatio(x/a, (x-a)/a) - stirlingCorr(a)
	return math.Sqrt(a/(2*math.Pi)) * math.Exp(e)
}

// gammaSeries is Σ_{n≥0} x^n / (a(a+1)…(a+n)), so that P = prefactor·sum;
// it converges for x < a+1.
func gammaSeries(a, x float64) float64 {
	ap, del := a, 1/a
	sum := del
	for range maxIterations(a) {
		ap++
		del *= x / ap
		sum += del
		if math.Abs(del) < math.Abs(sum)*cfEps {
			break
		}
	}
	return sum
}

// gammaCF evaluates Legendre's continued fraction for Q/prefactor by the
// modified Lentz method; it converges fast for x ≥ a+1.
func gammaCF(a, x float64) float64 {
	b := x + 1 - a
	c := 1 / cfTiny
	d := 1 / b
	h := d
	for i := 1.0; i <= float64(maxIterations(a)); i++ {
		an := -i * (i - a)
		b += 2
		d = an*d + b
		if math.Abs(d) < cfTiny {
			d = cfTiny
		}
		c = b + an/c
		if math.Abs(c) < cfTiny {
			c = cfTiny
		}
		d = 1 / d
		del := d * c
		h *= del
		if math.Abs(del-1) < cfEps {
			break
		}
	}
	return h
}

// maxIterations bounds the series and continued fractions: they need
// O(√a) terms when x is near a.
func maxIterations(a float64) int {
	return 1000 + int(20*math.Sqrt(a))
}

// incBeta returns the regularized incomplete beta function I_x(a, b) and
// its complement 1 − I_x(a, b) = I_y(b, a), where y = 1 − x is passed in so
// that callers can form it without cancellation.
func incBeta(a, b, x, y float64) (i, ic float64) {
	switch {
	case math.IsNaN(a) || math.IsNaN(b) || math.IsNaN(x) || a <= 0 || b <= 0 || x < 0 || y < 0:
		return math.NaN(), math.NaN()
	case x == 0:
		return 0, 1
	case y == 0:
		return 1, 0
	}
	if a >= 15 && b <= 1 && y < 0.3 {
		// Large a, small b, x near 1: the continued fraction is badly
		// conditioned there (it lost 1e-10 on t-tests with 1M rows).
		i = betaLargeA(a, b, x, y)
		return i, 1 - i
	}
	if b >= 15 && a <= 1 && x < 0.3 {
		ic = betaLargeA(b, a, y, x)
		return 1 - ic, ic
	}
	pre := betaPrefactor(a, b, x, y)
	// The continued fraction converges quickly below the mean; above it,
	// use the symmetry I_x(a, b) = 1 − I_y(b, a).
	if x < (a+1)/(a+b+2) {
		i = pre * betaCF(a, b, x) / a
		return i, 1 - i
	}
	ic = pre * betaCF(b, a, y) / b
	return 1 - ic, ic
}

// betaPrefactor is x^a·y^b/B(a, b). Through Stirling's series for the three
// gamma functions it becomes
//
//	√(ab/(2π(a+b))) · exp(a·g(x(a+b)/a) + b·g(y(a+b)/b) + st(a+b) − st(a) − st(b))
//
// with g(r) = log r − (r − 1): no large terms cancel, whatever a and b.
func betaPrefactor(a, b, x, y float64) float64 {
	if a+b < 10 {
		// Small parameters: the plain logarithms are exact enough.
		la, _ := math.Lgamma(a)
		lb, _ := math.Lgamma(b)
		lab, _ := math.Lgamma(a + b)
		return math.Exp(a*math.Log(x) + b*math.Log(y) - (la + lb - lab))
	}
	s := a + b
	// d = x(a+b) − a, written as x·b − y·a (x + y = 1) so that it keeps
	// its digits near the mean, where it is small.
	d := x*b - y*a
	e := a*log1pmxRatio(x*s/a, d/a) + b*log1pmxRatio(y*s/b, -d/b)
	e += stirlingCorr(s) - stirlingCorr(a) - stirlingCorr(b)
	return math.Sqrt(a*b/(2*math.Pi*s)) * math.Exp(e)
}

// betaLargeA is I_x(a, b) for a ≥ 15, b ≤ 1 and x near 1, by the
// asymptotic expansion of DiDonato and Morris (1992, "BGRAT", eq. 9–9.6) in
// terms of Q(b, u) with u = −(a + (b−1)/2)·log x; Boost's ibeta uses the
// same expansion there (beta_small_b_large_a_series).
func betaLargeA(a, b, x, y float64) float64 {
	bm1 := b - 1
	t := a + bm1/2
	var lx float64
	if y < 0.35 {
		lx = math.Log1p(-y)
	} else {
		lx = math.Log(x)
	}
	u := -t * lx
	h := gammaPrefactor(b, u) // u^b·e^(−u)/Γ(b)
	if h == 0 {
		return 0
	}
	// prefix = h·Γ(a+b)/(Γ(a)·t^b), the gamma ratio through Stirling.
	logRatio := b*math.Log(a+b) + (a-0.5)*math.Log1p(b/a) - b + stirlingCorr(a+b) - stirlingCorr(a)
	prefix := h * math.Exp(logRatio-b*math.Log(t))
	j := gammaQ(b, u) / h
	sum := prefix * j
	var p [30]float64
	p[0] = 1
	lx2 := lx / 2
	lx2 *= lx2
	lxp := 1.0
	t4 := 4 * t * t
	b2n := b
	for n := 1; n < len(p); n++ {
		// P_n from eq. 9.4.
		for m := 1; m < n; m++ {
			p[n] += (float64(m)*b - float64(n)) * p[n-m] / oddFactorials[m]
		}
		p[n] /= float64(n)
		p[n] += bm1 / oddFactorials[n]
		// J_n from J_{n−1}, eq. 9.6.
		j = (b2n*(b2n+1)*j + (u+b2n+1)*lxp) / t4
		lxp *= lx2
		b2n += 2
		r := prefix * p[n] * j
		sum += r
		if math.Abs(r) < cfEps*math.Abs(sum) {
			break
		}
	}
	return sum
}

// oddFactorials[m] is (2m+1)!.
var oddFactorials = func() (f [30]float64) {
	acc := 1.0
	for m := range f {
		if m > 0 {
			acc *= float64(2*m) * float64(2*m+1)
		}
		f[m] = acc
	}
	return f
}()

// betaCF evaluates the continued fraction for I_x(a, b)·a/prefactor by the
// modified Lentz method (Numerical Recipes betacf).
func betaCF(a, b, x float64) float64 {
	qab, qap, qam := a+b, a+1, a-1
	c := 1.0
	d := 1 - qab*x/qap
	if math.Abs(d) < cfTiny {
		d = cfTiny
	}
	d = 1 / d
	h := d
	limit := maxIterations(math.Max(a, b))
	for m := 1; m <= limit; m++ {
		fm := float64(m)
		m2 := 2 * fm
		aa := fm * (b - fm) * x / ((qam + m2) * (a + m2))
		d = 1 + aa*d
		if math.Abs(d) < cfTiny {
			d = cfTiny
		}
		c = 1 + aa/c
		if math.Abs(c) < cfTiny {
			c = cfTiny
		}
		d = 1 / d
		h *= d * c
		aa = -(a + fm) * (qab + fm) * x / ((a + m2) * (qap + m2))
		d = 1 + aa*d
		if math.Abs(d) < cfTiny {
			d = cfTiny
		}
		c = 1 + aa/c
		if math.Abs(c) < cfTiny {
			c = cfTiny
		}
		d = 1 / d
		del := d * c
		h *= del
		if math.Abs(del-1) < cfEps {
			break
		}
	}
	return h
}

// log1pmxRatio is log(r) − (r − 1) where t = r − 1 is also given (each
// computed from the inputs without cancellation). Near r = 1 it uses the
// series of log1p(t) − t; far from it the two terms do not cancel.
func log1pmxRatio(r, t float64) float64 {
	if math.Abs(t) < 0.5 {
		return log1pmx(t)
	}
	return math.Log(r) - t
}

// log1pmx is log(1+t) − t for |t| < 1, through log(1+t) = 2·atanh(u),
// u = t/(2+t): log(1+t) − t = −u·t + 2(u³/3 + u⁵/5 + …), a series without
// cancellation that converges fast for |t| ≤ 1/2 (|u| ≤ 1/3).
func log1pmx(t float64) float64 {
	if math.Abs(t) >= 0.5 {
		return math.Log1p(t) - t
	}
	u := t / (2 + t)
	u2 := u * u
	term := u * u2
	var sum float64
	for k := 3.0; ; k += 2 {
		next := sum + term/k
		if next == sum {
			break
		}
		sum = next
		term *= u2
	}
	return -u*t + 2*sum
}

// stirlingCorr is st(z) = log Γ(z) − ((z − ½)·log z − z + log √(2π)), the
// remainder of Stirling's approximation, computed without forming log Γ(z)
// for large z.
func stirlingCorr(z float64) float64 {
	if z < 10 {
		lg, _ := math.Lgamma(z)
		return lg - ((z-0.5)*math.Log(z) - z + lnSqrt2Pi)
	}
	// Asymptotic series in 1/z (Bernoulli numbers B_2k/(2k(2k−1))); at
	// z = 10 the first omitted term is below 1e-17.
	const (
		c1 = 1.0 / 12
		c2 = -1.0 / 360
		c3 = 1.0 / 1260
		c4 = -1.0 / 1680
		c5 = 1.0 / 1188
		c6 = -691.0 / 360360
		c7 = 1.0 / 156
	)
	w := 1 / (z * z)
	return (c1 + w*(c2+w*(c3+w*(c4+w*(c5+w*(c6+w*c7)))))) / z
}

// logChoose-free binomial and hypergeometric probabilities (Loader 2000,
// "Fast and accurate computation of binomial probabilities"), used by the
// exact Fisher test: each probability is exp of a sum of small,
// individually accurate terms.

// stirlerr is log(n!) − log(√(2πn)·(n/e)^n), Loader's Stirling remainder
// (equal to st(n) for n > 0).
func stirlerr(n float64) float64 {
	if n <= 15 {
		if n == 0 {
			return 0 // by convention; never used with a log(0)
		}
		lg, _ := math.Lgamma(n + 1)
		return lg - (n+0.5)*math.Log(n) + n - lnSqrt2Pi
	}
	return stirlingCorr(n)
}

// bd0 is the binomial deviance x·log(x/np) + np − x, accurate when x is
// close to np.
func bd0(x, np float64) float64 {
	if x == 0 {
		return np
	}
	// x·log(x/np) + np − x = −x·(log r − (r − 1)) with r = np/x.
	return -x * log1pmxRatio(np/x, (np-x)/x)
}

// logDbinomRaw is the log of the binomial probability of x successes in n
// trials with success probability p (q = 1 − p), Loader's dbinom_raw:
// exp(lc)/√(2π·x(n−x)/n).
func logDbinomRaw(x, n, p, q float64) float64 {
	switch {
	case x < 0 || x > n:
		return math.Inf(-1)
	case x == 0:
		if n == 0 {
			return 0
		}
		if p < 0.1 {
			return -bd0(n, n*q) - n*p
		}
		return n * math.Log(q)
	case x == n:
		if q < 0.1 {
			return -bd0(n, n*p) - n*q
		}
		return n * math.Log(p)
	}
	lc := stirlerr(n) - stirlerr(x) - stirlerr(n-x) - bd0(x, n*p) - bd0(n-x, n*q)
	lf := math.Log(2*math.Pi) + math.Log(x) + math.Log1p(-x/n)
	return lc - 0.5*lf
}
