package drift

import (
	"math"
	"runtime"
	"sync"
)

// The distribution of the one-sample two-sided Kolmogorov–Smirnov statistic
// D_n (scipy.stats.kstwo) and of its limit √n·D_n (scipy.stats.kstwobign).
// ks_2samp's asymptotic p-value is kstwo.sf(D, round(n·m/(n+m))), so these
// have to agree with scipy's numbers, not merely with the mathematics: the
// regimes below follow Simard & L'Ecuyer (2011) with scipy's cut-offs
// (scipy/stats/_ksstats.py), so that each (n, d) is computed by the same
// method — exact where scipy is exact, the same approximation where scipy
// approximates.

const (
	// Exponent of the power-of-two rescaling that keeps the matrix and
	// recursion methods away from overflow and underflow.
	ksScaleExp = 128
	// cephesMinLog is log(2^-1075): below it scipy's smirnov returns 0.
	cephesMinLog = -7.451332191019412076235245305675398106812e2
	// smirnovMaxN: above it scipy approximates the one-sided tail.
	smirnovMaxN = 1000000
)

// kstwoSF is P(D_n >= d), scipy.stats.kstwo.sf(d, n).
func kstwoSF(d float64, n int) float64 {
	switch {
	case n < 1 || math.IsNaN(d):
		return math.NaN()
	case d <= 0.5/float64(n): // the lower end of kstwo's support
		return 1
	case d >= 1:
		return 0
	}
	nf := float64(n)
	t := nf * d
	if t <= 1 {
		// Ruben–Gambino: P(D_n <= d) = n!/n^n (2t−1)^n for 1/2n <= d <= 1/n.
		var cdf float64
		if n <= 140 {
			cdf = 1.0
			for i := 1; i <= n; i++ {
				cdf *= float64(i) * (1 / nf) * (2*t - 1)
			}
		} else {
			cdf = math.Exp(logFactorialOverPower(n) + nf*math.Log(2*t-1))
		}
		return ksClip(1 - cdf)
	}
	if t >= nf-1 {
		// Ruben–Gambino: the upper end, P(D_n >= d) = 2(1−d)^n.
		return ksClip(2 * math.Pow(1-d, nf))
	}
	if d >= 0.5 {
		// D+ >= d and D− >= d cannot both happen: the tail is exactly twice
		// the one-sided one.
		return ksClip(2 * smirnovSF(n, d))
	}
	nx2 := t * d
	if n <= 140 {
		switch {
		case nx2 <= 0.754693:
			return ksClip(1 - durbinMatrixCDF(n, d))
		case nx2 <= 4:
			return ksClip(1 - pomeranzCDF(n, d))
		}
		return ksClip(2 * smirnovSF(n, d))
	}
	switch {
	case nx2 >= 370:
		return 0
	case nx2 >= 2.2:
		// The intersection of the one-sided events is negligible here.
		return ksClip(2 * smirnovSF(n, d))
	case n <= 100000 && nf*math.Pow(d, 1.5) <= 1.4:
		return ksClip(1 - durbinMatrixCDF(n, d))
	}
	return ksClip(1 - pelzGoodCDF(n, d))
}

// kstwobignSF is the Kolmogorov distribution's survival function
// P(K >= x), the limit of P(√n·D_n >= x) (scipy.special.kolmogorov).
func kstwobignSF(x float64) float64 {
	if math.IsNaN(x) {
		return math.NaN()
	}
	// Below this the series' leading exp() underflows: the CDF is 0.
	if x <= math.Pi/math.Sqrt(746*8) {
		return 1
	}
	if x <= 0.82 {
		// Small x: the theta-function form of the CDF,
		// √(2π)/x · Σ_k exp(−(2k−1)²π²/(8x²)), converges fast here.
		w := math.Sqrt(2*math.Pi) / x
		logu8 := -math.Pi * math.Pi / (x * x)
		u := math.Exp(logu8 / 8)
		if u == 0 {
			return ksClip(1 - math.Exp(logu8/8+math.Log(w)))
		}
		u8 := math.Exp(logu8)
		p := 1.0
		p = 1 + u8*u8*u8*p
		p = 1 + u8*u8*p
		p = 1 + u8*p
		return ksClip(1 - w*u*p)
	}
	// Large x: 2 Σ_k (−1)^(k−1) exp(−2k²x²), nested to avoid cancellation.
	v := math.Exp(-2 * x * x)
	v3 := v * v * v
	p := 1.0
	p = 1 - v3*v3*v*p
	p = 1 - v3*v*v*p
	p = 1 - v3*p
	return ksClip(2 * v * p)
}

func ksClip(p float64) float64 {
	switch {
	case p < 0:
		return 0
	case p > 1:
		return 1
	}
	return p
}

// ksStirlingCoeffs are B_2j/(2j(2j−1)) for j = 8..1, highest order first.
var ksStirlingCoeffs = [...]float64{-2.955065359477124183e-2, 6.4102564102564102564e-3,
	-1.9175269175269175269e-3, 8.4175084175084175084e-4,
	-5.952380952380952381e-4, 7.9365079365079365079e-4,
	-2.7777777777777777778e-3, 8.3333333333333333333e-2}

// logFactorialOverPower is log(n!/n^n) by Stirling's series, with n·log n
// removed up front to avoid cancellation.
func logFactorialOverPower(n int) float64 {
	nf := float64(n)
	rn := 1 / nf
	y := rn / nf
	var s float64
	for _, c := range ksStirlingCoeffs {
		s = s*y + c
	}
	return math.Log(nf)/2 - nf + math.Log(2*math.Pi)/2 + rn*s
}

// ksStirlingTable holds δ(k) = log k! − (k+½)log k + k − ½log 2π for small k,
// where the asymptotic series is not yet accurate.
var ksStirlingTable = func() [32]float64 {
	var t [32]float64
	for k := 1; k < len(t); k++ {
		lg, _ := math.Lgamma(float64(k + 1))
		kf := float64(k)
		t[k] = lg - (kf+0.5)*math.Log(kf) + kf - 0.5*math.Log(2*math.Pi)
	}
	return t
}()

// ksStirlingDelta is δ(k), the error of Stirling's formula for log k!.
func ksStirlingDelta(k int) float64 {
	if k < len(ksStirlingTable) {
		return ksStirlingTable[k]
	}
	kf := float64(k)
	y := 1 / (kf * kf)
	// 1/(12k) − 1/(360k³) + 1/(1260k⁵) − 1/(1680k⁷) + 1/(1188k⁹)
	return (1.0/12 - y*(1.0/360-y*(1.0/1260-y*(1.0/1680-y/1188)))) / kf
}

// smirnovSF is P(D+_n >= x) for the one-sided statistic
// (scipy.special.smirnov), for the range kstwoSF needs: n >= 3 and
// 1 < n·x < n − 1.
//
// Birnbaum–Tingey: P = x·Σ_{v=0}^{⌈n(1−x)⌉−1} C(n,v) (x+v/n)^(v−1) (1−x−v/n)^(n−v),
// a sum of positive terms. Each term is evaluated in log form, with Stirling's
// formula arranged so that the large parts cancel analytically: with a = n·x,
//
//	log A_v = v·log1p(a/v) + (n−v)·log1p(−a/(n−v)) + ½log(n/v) + ½log(n/(n−v))
//	          − log((a+v)/√n) − ½log 2π + δ(n) − δ(v) − δ(n−v)
//
// whose two big parts are each about ±a, so every term keeps ~1e−15
// relative accuracy even for n = 10⁶ (scipy uses double-double arithmetic
// for the same reason).
func smirnovSF(n int, x float64) float64 {
	nf := float64(n)
	if n > smirnovMaxN {
		// scipy's approximation for very large n: exp(−(6nx+1)²/18n).
		logp := -math.Pow(6*nf*x+1, 2) / 18 / nf
		if logp < -math.Ln2 {
			return math.Exp(logp)
		}
		cdf := -math.Expm1(logp)
		return 1 - cdf
	}
	if -2*nf*x*x < cephesMinLog {
		return 0
	}
	// a = n·x exactly, as a double-double, so that ⌊n·x⌋ and n−v−a are right.
	a := nf * x
	aLo := math.FMA(nf, x, -a)
	fl := math.Floor(a)
	if fl == a && aLo < 0 {
		fl--
	}
	nxfl := int(fl)
	if nxfl >= n-1 {
		return math.Exp(nf * math.Log1p(-x))
	}
	last := n - nxfl - 1 // the largest v with n − v − n·x > 0
	s := smirnovTerms{n: n, nf: nf, x: x, a: a, aLo: aLo, deltaN: ksStirlingDelta(n)}
	// Terms are scaled by exp(−offset), the rough size of the sum, so that a
	// result near 1e−300 is not summed from subnormal terms.
	s.offset = -2*nf*x*x - math.Log(x)
	sum := s.sum(last)
	if sum <= 0 {
		return 0
	}
	// One rounding at the end keeps subnormal results as exact as they can be.
	return math.Exp(s.offset + math.Log(x) + math.Log(sum))
}

// smirnovTerms evaluates the scaled Birnbaum–Tingey terms.
type smirnovTerms struct {
	n      int
	nf, x  float64
	a, aLo float64 // n·x as a double-double
	deltaN float64
	offset float64
}

// term is A_v·exp(−offset).
func (s *smirnovTerms) term(v int) float64 {
	if v == 0 {
		return math.Exp(-math.Log(s.x) + s.nf*math.Log1p(-s.x) - s.offset)
	}
	vf := float64(v)
	w := s.n - v // >= 1
	wf := float64(w)
	// v·log1p(a/v), with a's low part carried into the argument.
	r := s.a / vf
	rLo := (math.FMA(-r, vf, s.a) + s.aLo) / vf
	big := vf * (math.Log1p(r) + rLo/(1+r))
	// (n−v)·log(1 − a/(n−v)).
	q := s.a / wf
	if q < 0.5 {
		qLo := (math.FMA(-q, wf, s.a) + s.aLo) / wf
		big += wf * (math.Log1p(-q) - qLo/(1-q))
	} else {
		// 1 − a/w is better formed as (w − a)/w: w − a is exact (Sterbenz)
		// up to a's low part.
		rest := (wf - s.a) - s.aLo
		big += wf * math.Log(rest/wf)
	}
	small := 0.5*math.Log(s.nf/vf) + 0.5*math.Log(s.nf/wf) - math.Log((s.a+vf)/math.Sqrt(s.nf)) -
		0.5*math.Log(2*math.Pi) + s.deltaN - ksStirlingDelta(v) - ksStirlingDelta(w)
	return math.Exp(big + small - s.offset)
}

// sum adds the terms v = 0..last. Short sums are added term by term. Long
// sums (large n) are smooth, rapidly vanishing bell shapes in v: for such
// a function the sum over every integer equals, to far below rounding, the
// sum over every h-th integer times h (the trapezoidal rule is exponentially
// accurate for analytic functions that vanish at both ends). The step is
// halved until two successive steps agree to 1e−13, which bounds the error
// of the finer one far below that; it falls back to every term when they
// never agree.
func (s *smirnovTerms) sum(last int) float64 {
	const direct = 4096
	if last < direct {
		var acc float64
		for v := 0; v <= last; v++ {
			acc += s.term(v)
		}
		return acc
	}
	h := 1
	for h*1024 < last {
		h *= 2
	}
	// raw = Σ_k term(k·h) over the current grid.
	var raw float64
	for v := 0; v <= last; v += h {
		raw += s.term(v)
	}
	prev := float64(h) * raw
	for h > 1 {
		half := h / 2
		for v := half; v <= last; v += h {
			raw += s.term(v)
		}
		h = half
		cur := float64(h) * raw
		if cur > 0 && math.Abs(cur-prev) <= 1e-13*cur {
			return cur
		}
		prev = cur
	}
	return raw
}

// durbinMatrixCDF is P(D_n <= d) by Durbin's matrix method in the form of
// Marsaglia, Tsang & Wang (2003): with d = (k−h)/n, the k-th diagonal entry
// of H^n times n!/n^n, H being (2k−1)×(2k−1). Powers of two rescale the
// intermediate products.
func durbinMatrixCDF(n int, d float64) float64 {
	nd := float64(n) * d
	if d >= 1 {
		return 1
	}
	if nd <= 0.5 {
		return 0
	}
	k := int(math.Ceil(nd))
	h := float64(k) - nd
	m := 2*k - 1
	H := newKSMatrix(m)
	// First column v_j = (1 − h^(j+1))/(j+1)!, last row its reverse, and
	// 1/(i−j+1)! on and below the first superdiagonal.
	v := make([]float64, m)
	w := make([]float64, m)
	fac := 1.0
	for j := 1; j <= m; j++ {
		w[j-1] = fac
		fac /= float64(j)
		v[j-1] = (1 - math.Pow(h, float64(j))) * fac
	}
	tt := math.Pow(math.Max(2*h-1, 0), float64(m)) - 2*math.Pow(h, float64(m))
	v[m-1] = (1 + tt) * fac
	for i := 1; i < m; i++ {
		for r := i - 1; r < m; r++ {
			H.set(r, i, w[r-i+1])
		}
	}
	for r := 0; r < m; r++ {
		H.set(r, 0, v[r])
	}
	for c := 0; c < m; c++ {
		H.set(m-1, c, v[m-1-c])
	}
	// Binary powering with a power-of-two exponent kept aside for each
	// factor. Only row k of the product is needed, so the accumulated
	// power is a row vector: O(m²) per multiplication, and only the
	// squarings of H are full matrix products.
	row := make([]float64, m)
	row[k-1] = 1
	next := make([]float64, m)
	rowExp, hExp := 0, 0
	tmp := newKSMatrix(m)
	for e := n; e > 0; e /= 2 {
		if e%2 == 1 {
			H.mulRow(next, row)
			row, next = next, row
			rowExp += hExp
		}
		if e == 1 {
			break
		}
		tmp.mul(H, H)
		H, tmp = tmp, H
		hExp *= 2
		if math.Abs(H.at(k-1, k-1)) > 0x1p128 {
			H.scale(0x1p-128)
			hExp += ksScaleExp
		}
	}
	p := row[k-1]
	pwExp := rowExp
	// Multiply by n!/n^n.
	for i := 1; i <= n; i++ {
		p = float64(i) * p / float64(n)
		if math.Abs(p) < 0x1p-128 {
			p *= 0x1p128
			pwExp -= ksScaleExp
		}
	}
	return ksClip(math.Ldexp(p, pwExp))
}

// ksMatrix is a dense row-major square matrix.
type ksMatrix struct {
	n int
	a []float64
}

func newKSMatrix(n int) *ksMatrix { return &ksMatrix{n: n, a: make([]float64, n*n)} }

func (s *ksMatrix) at(i, j int) float64     { return s.a[i*s.n+j] }
func (s *ksMatrix) set(i, j int, v float64) { s.a[i*s.n+j] = v }

func (s *ksMatrix) scale(f float64) {
	for i := range s.a {
		s.a[i] *= f
	}
}

// mul sets s = x·y (s must not alias x or y). Large products split their
// rows between two goroutines.
func (s *ksMatrix) mul(x, y *ksMatrix) {
	n := s.n
	rows := func(lo, hi int) {
		for i := lo; i < hi; i++ {
			row := s.a[i*n : (i+1)*n]
			clear(row)
			for k, xik := range x.a[i*n : (i+1)*n] {
				if xik == 0 {
					continue
				}
				for j, yv := range y.a[k*n : (k+1)*n] {
					row[j] += xik * yv
				}
			}
		}
	}
	if n < 48 || runtime.GOMAXPROCS(0) < 2 {
		rows(0, n)
		return
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		rows(0, n/2)
	}()
	rows(n/2, n)
	wg.Wait()
}

// mulRow sets dst = v·s for a row vector v.
func (s *ksMatrix) mulRow(dst, v []float64) {
	n := s.n
	clear(dst)
	for k, vk := range v {
		if vk == 0 {
			continue
		}
		for j, sv := range s.a[k*n : (k+1)*n] {
			dst[j] += vk * sv
		}
	}
}

// pomeranzCDF is P(D_n <= d) by Pomeranz's recursion (1974): 2n+1 rows,
// each the convolution of the previous one with one of three (unnormalised)
// Poisson weight vectors; only a band of each row is non-zero.
func pomeranzCDF(n int, d float64) float64 {
	nf := float64(n)
	t := nf * d
	ll := int(math.Floor(t))
	f := t - float64(ll)
	g := math.Min(f, 1-f)
	ceilf, roundf := 0, 0
	if f > 0 {
		ceilf = 1
	}
	if f > 0.5 {
		roundf = 1
	}
	npw := 2 * (ll + 1)
	// gp[m] = (g/n)^m/m!, g2p[m] = (2g/n)^m/m!, g12p[m] = ((1−2g)/n)^m/m!.
	gp, g2p, g12p := make([]float64, npw), make([]float64, npw), make([]float64, npw)
	gp[0], g2p[0], g12p[0] = 1, 1, 1
	for m := 1; m < npw; m++ {
		mf := float64(m)
		gp[m] = gp[m-1] * (g / nf) / mf
		g2p[m] = g2p[m-1] * (2 * g / nf) / mf
		g12p[m] = g12p[m-1] * ((1 - 2*g) / nf) / mf
	}
	bounds := func(i int) (int, int) {
		var j1, j2 int
		switch {
		case i == 0:
			j1, j2 = -ll-ceilf-1, ll+ceilf-1
		case (i+1)%2 == 0 && (i+1)/2 == n+1:
			j1, j2 = n-ll-ceilf-1, n+ll+ceilf-1
		case (i+1)%2 == 0:
			h := (i + 1) / 2
			j1, j2 = h-1-ll-roundf-1, h+ll-1+ceilf-1
		default:
			h := (i + 1) / 2
			j1, j2 = h-1-ll-1, h+ll+roundf-1
		}
		return max(j1+2, 0), min(j2, n)
	}
	// prev[c−prevStart] is the previous row's entry in column c.
	prev, cur := make([]float64, npw), make([]float64, npw)
	cur[0] = 1
	curStart := 0
	expnt := 0
	j1, _ := bounds(0)
	for i := 1; i <= 2*n+1; i++ {
		k1 := j1
		prev, cur = cur, prev
		prevStart := curStart
		clear(cur)
		var j2 int
		j1, j2 = bounds(i)
		pw := g12p
		switch {
		case i == 1 || i == 2*n+1:
			pw = gp
		case i%2 == 1:
			pw = g2p
		}
		ln := j2 - k1 + 1
		if ln <= 0 {
			curStart = prevStart
			continue
		}
		// Columns j1..j2 of the convolution of prev (from column k1) with pw.
		src := prev[k1-prevStart:]
		hi := 0.0
		for c := j1; c <= j2; c++ {
			off := c - k1
			var acc float64
			for p := max(0, off-(ln-1)); p <= off && p < ln && p < len(src); p++ {
				acc += src[p] * pw[off-p]
			}
			cur[c-j1] = acc
			hi = math.Max(hi, acc)
		}
		if hi > 0 && hi < 0x1p-128 {
			for c := range cur[:j2-j1+1] {
				cur[c] *= 0x1p128
			}
			expnt -= ksScaleExp
		}
		curStart = prevStart + j1 - k1
	}
	if n-curStart < 0 || n-curStart >= len(cur) {
		return 0
	}
	ans := cur[n-curStart]
	for m := 1; m <= n; m++ {
		if math.Abs(ans) > 0x1p128 {
			ans *= 0x1p-128
			expnt += ksScaleExp
		}
		ans *= float64(m)
	}
	return ksClip(math.Ldexp(ans, expnt))
}

// pelzGoodCDF is the Pelz–Good (1976) approximation to P(D_n <= x): the
// Li-Chien/Korolyuk expansion K0 + K1/√n + K2/n + K3/n^1.5 in z = x√n,
// transformed with Jacobi theta identities to converge at small z.
func pelzGoodCDF(n int, x float64) float64 {
	if x <= 0 {
		return 0
	}
	if x >= 1 {
		return 1
	}
	nf := float64(n)
	z := math.Sqrt(nf) * x
	z2, z3, z4, z6 := z*z, z*z*z, z*z*z*z, math.Pow(z, 6)
	qlog := -math.Pi * math.Pi / 8 / z2
	if qlog < -708 {
		return 0
	}
	q := math.Exp(qlog)
	pi2 := math.Pi * math.Pi
	pi4 := pi2 * pi2
	pi6 := pi4 * pi2
	k1a, k1b := -z2, pi2/4
	k2a := 6*z6 + 2*z4
	k2b := (2*z4 - 5*z2) * pi2 / 4
	k2c := pi4 * (1 - 2*z2) / 16
	k3d := pi6 * (5 - 30*z2) / 64
	k3c := pi4 * (-60*z2 + 212*z4) / 16
	k3b := pi2 * (135*z4 - 96*z6) / 4
	k3a := -30*z6 - 90*math.Pow(z, 8)
	// Horner over k of Σ c_k q^((2k−1)²) for the four series at once.
	var K [4]float64
	maxk := int(math.Ceil(16 * z / math.Pi))
	for k := maxk; k >= 1; k-- {
		m := float64(2*k - 1)
		m2 := m * m
		m4 := m2 * m2
		m6 := m4 * m2
		qp := math.Pow(q, float64(8*k))
		c := [4]float64{1, k1a + k1b*m2, k2a + k2b*m2 + k2c*m4, k3a + k3b*m2 + k3c*m4 + k3d*m6}
		for i := range K {
			K[i] = K[i]*qp + c[i]
		}
	}
	sqrt2pi := math.Sqrt(2 * math.Pi)
	div := [4]float64{z, 6 * z4, 72 * math.Pow(z, 7), 6480 * math.Pow(z, 10)}
	for i := range K {
		K[i] = K[i] * q * sqrt2pi / div[i]
	}
	// The extra terms of K2 and K3 over all integers k.
	q = math.Exp(-pi2 / 2 / z2)
	sqrt3z := math.Sqrt(3) * z
	var k2x, k3x float64
	for k := maxk; k >= 1; k-- {
		kf := float64(k)
		k2 := kf * kf
		qk := math.Pow(q, k2)
		kpi := math.Pi * kf
		k2x += k2 * qk
		k3x += (sqrt3z + kpi) * (sqrt3z - kpi) * k2 * qk
	}
	K[2] += k2x * pi2 * sqrt2pi / (-36 * z3)
	K[3] += k3x * pi2 * sqrt2pi / (216 * z6)
	return K[0] + K[1]/math.Sqrt(nf) + K[2]/nf + K[3]/(nf*math.Sqrt(nf))
}
