package drift

// Properties every correct implementation has, checked on random inputs
// (math/rand/v2, fixed seeds, so failures reproduce). They complement the
// goldens: a golden pins one number, a property holds for all inputs. The
// list follows drift.md §8 ("Property and invariant tests to add").

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"testing"
)

// propRNG returns a deterministic generator for one property.
func propRNG(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15)) }

// randomSample draws n values from a random-looking mixture: normal,
// shifted and scaled, sometimes rounded so that ties occur.
func randomSample(r *rand.Rand, n int, mu, s float64, round bool) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = mu + s*r.NormFloat64()
		if round {
			x[i] = math.Round(x[i]*4) / 4
		}
	}
	return x
}

// randomEdges picks k distinct finite upper bounds inside the data range.
func randomEdges(r *rand.Rand, lo, hi float64, k int) []float64 {
	seen := map[float64]bool{}
	var e []float64
	for len(e) < k {
		v := lo + (hi-lo)*r.Float64()
		v = math.Round(v*1000) / 1000
		if !seen[v] {
			seen[v] = true
			e = append(e, v)
		}
	}
	sort.Float64s(e)
	return e
}

// bucketize counts values into le-style buckets (v <= bound) with a final
// +Inf bucket.
func bucketize(t *testing.T, x, edges []float64) *Histogram {
	t.Helper()
	upper := append(slices.Clone(edges), math.Inf(1))
	counts := make([]float64, len(upper))
	for _, v := range x {
		counts[sort.SearchFloat64s(edges, v)]++
	}
	h, err := NewHistogram(upper, counts)
	if err != nil {
		t.Fatalf("NewHistogram: %v", err)
	}
	return h
}

func mustNumeric(t *testing.T, method string, a, b []float64, o Options) Result {
	t.Helper()
	r, err := Numeric(method, NewSample(a), NewSample(b), o)
	if err != nil {
		t.Fatalf("Numeric(%s): %v", method, err)
	}
	return r
}

func mustBinned(t *testing.T, method string, a, b *Histogram) Result {
	t.Helper()
	r, err := Binned(method, a, b, Options{})
	if err != nil {
		t.Fatalf("Binned(%s): %v", method, err)
	}
	return r
}

func mustCategorical(t *testing.T, method string, c *Contingency) Result {
	t.Helper()
	r, err := Categorical(method, c, Options{})
	if err != nil {
		t.Fatalf("Categorical(%s): %v", method, err)
	}
	return r
}

// near is a relative comparison with an absolute floor for values near 0.
func near(a, b, rel float64) bool {
	d := math.Abs(a - b)
	return d <= rel*math.Max(math.Abs(a), math.Abs(b)) || d <= 1e-12
}

// D_bin <= D_raw: the binned KS statistic takes the supremum over a subset
// of the points the raw one does (drift.md §4.2).
func TestPropertyBinnedKSNotAboveRaw(t *testing.T) {
	r := propRNG(1)
	for it := range 150 {
		a := randomSample(r, 50+r.IntN(300), 0, 1, it%3 == 0)
		b := randomSample(r, 50+r.IntN(300), r.NormFloat64()*0.5, 0.5+r.Float64(), it%3 == 0)
		raw := mustNumeric(t, "ks", a, b, Options{})
		edges := randomEdges(r, -3, 3, 1+r.IntN(20))
		bin := mustBinned(t, "ks", bucketize(t, a, edges), bucketize(t, b, edges))
		if bin.Statistic > raw.Statistic+1e-12 {
			t.Fatalf("iteration %d: binned D %.17g > raw D %.17g with edges %v", it, bin.Statistic, raw.Statistic, edges)
		}
	}
}

// randomHistograms returns two histograms on the same random bounds, every
// bucket non-empty when positive is set.
func randomHistograms(t *testing.T, r *rand.Rand, k int, positive bool) (*Histogram, *Histogram) {
	t.Helper()
	upper := append(randomEdges(r, 0.001, 100, k-1), math.Inf(1))
	a, b := make([]float64, k), make([]float64, k)
	for i := range a {
		a[i] = float64(r.IntN(500))
		b[i] = float64(r.IntN(500))
		if positive {
			a[i]++
			b[i]++
		}
	}
	ha, err := NewHistogram(upper, a)
	if err != nil {
		t.Fatal(err)
	}
	hb, err := NewHistogram(upper, b)
	if err != nil {
		t.Fatal(err)
	}
	return ha, hb
}

// PSI is the symmetrised KL divergence when no bucket is empty (no fill).
func TestPropertyPSIIsSymmetrisedKL(t *testing.T) {
	r := propRNG(2)
	for it := range 300 {
		a, b := randomHistograms(t, r, 2+r.IntN(30), true)
		psi := mustBinned(t, "psi", a, b).Score
		kl := mustBinned(t, "kl_div", a, b).Score + mustBinned(t, "kl_div", b, a).Score
		if !near(psi, kl, 1e-12) {
			t.Fatalf("iteration %d: PSI %.17g != KL(r||c)+KL(c||r) %.17g", it, psi, kl)
		}
	}
}

// mergeAdjacent adds bucket k+1 into bucket k.
func mergeAdjacent(t *testing.T, h *Histogram, k int) *Histogram {
	t.Helper()
	upper := slices.Delete(slices.Clone(h.Upper), k, k+1)
	counts := slices.Clone(h.Counts)
	counts[k+1] += counts[k]
	counts = slices.Delete(counts, k, k+1)
	m, err := NewHistogram(upper, counts)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// Coarsening never raises KS D (a sup over fewer points), nor PSI, JS,
// Hellinger or TVD (data-processing inequality for f-divergences; PSI only
// without the zero fill, which is not a divergence).
func TestPropertyMergingBucketsNeverRaises(t *testing.T) {
	for _, m := range []string{"ks", "psi", "jensenshannon", "hellinger", "tvd"} {
		t.Run(m, func(t *testing.T) {
			r := propRNG(3)
			for it := range 200 {
				a, b := randomHistograms(t, r, 3+r.IntN(25), true)
				k := r.IntN(len(a.Upper) - 1)
				ma, mb := mergeAdjacent(t, a, k), mergeAdjacent(t, b, k)
				before := mustBinned(t, m, a, b).Statistic
				after := mustBinned(t, m, ma, mb).Statistic
				if after > before+1e-12*math.Max(1, before) {
					t.Fatalf("iteration %d: %s rose from %.17g to %.17g when merging buckets %d and %d of %v", it, m, before, after, k, k+1, a.Upper)
				}
			}
		})
	}
}

func distanceMethods(dataType string) []string {
	var out []string
	for _, m := range Methods(dataType) {
		if k, _, _ := MethodKind(m); k == Distance {
			out = append(out, m)
		}
	}
	return out
}

// zeroFor is how far from 0 a distance of identical inputs may be. Hellinger
// follows Evidently's √(1 − Σ√(p·q)): Σ√(p·p) is 1 only to a few ulps, and
// the square root turns 1e-16 into 1e-8. The stable ‖√p − √q‖/√2 would be
// exactly 0 but would no longer match Evidently's numbers.
func zeroFor(method string) float64 {
	if method == "hellinger" {
		return 1e-7
	}
	return 0
}

// Every distance is 0 for identical inputs, in every data type.
func TestPropertyIdenticalInputsZeroDistance(t *testing.T) {
	r := propRNG(4)
	for it := range 40 {
		a := randomSample(r, 5+r.IntN(400), r.NormFloat64(), 0.1+r.Float64()*3, it%2 == 0)
		for _, m := range distanceMethods("num") {
			if got := mustNumeric(t, m, a, slices.Clone(a), Options{}).Score; math.Abs(got) > zeroFor(m) {
				t.Errorf("iteration %d: numeric %s of identical samples = %.17g, want 0", it, m, got)
			}
		}
		h, _ := randomHistograms(t, r, 2+r.IntN(20), it%2 == 0)
		if h.Total() == 0 {
			continue
		}
		for _, m := range distanceMethods("binned") {
			h2, _ := NewHistogram(h.Upper, h.Counts)
			if got := mustBinned(t, m, h, h2).Score; math.Abs(got) > zeroFor(m) {
				t.Errorf("iteration %d: binned %s of identical histograms = %.17g, want 0", it, m, got)
			}
		}
		cats := randomCategories(r, 1+r.IntN(8), 200)
		for _, m := range distanceMethods("cat") {
			if got := mustCategorical(t, m, NewContingency(cats, slices.Clone(cats))).Score; math.Abs(got) > zeroFor(m) {
				t.Errorf("iteration %d: categorical %s of identical columns = %.17g, want 0", it, m, got)
			}
		}
	}
}

// KS D is a distance too: 0 for identical samples and histograms.
func TestPropertyIdenticalInputsZeroKS(t *testing.T) {
	r := propRNG(9)
	for it := range 40 {
		a := randomSample(r, 1+r.IntN(400), 0, 1, it%2 == 0)
		if d := mustNumeric(t, "ks", a, slices.Clone(a), Options{}).Statistic; d != 0 {
			t.Fatalf("iteration %d: ks D of identical samples = %.17g", it, d)
		}
		h, _ := randomHistograms(t, r, 2+r.IntN(20), true)
		if d := mustBinned(t, "ks", h, h).Statistic; d != 0 {
			t.Fatalf("iteration %d: binned ks D of identical histograms = %.17g", it, d)
		}
	}
}

func randomCategories(r *rand.Rand, k, n int) []string {
	out := make([]string, n)
	for i := range out {
		// Skewed: category j with weight ~ 1/(j+1).
		j := int(float64(k) * math.Pow(r.Float64(), 2))
		out[i] = "cat" + strconv.Itoa(j)
	}
	return out
}

// Swapping reference and current leaves KS D, W1 (unnormalised), JS,
// Hellinger and PSI unchanged (KL and normalised W1 are not symmetric).
func TestPropertySwapSymmetry(t *testing.T) {
	t.Run("w1_unnormalised", func(t *testing.T) {
		r := propRNG(5)
		for it := range 100 {
			a := randomSample(r, 1+r.IntN(300), 0, 1, it%2 == 0)
			b := randomSample(r, 1+r.IntN(300), r.NormFloat64(), 0.5+r.Float64(), it%2 == 0)
			sa, sb := NewSample(a), NewSample(b)
			if x, y := cdfDistance(sa.Sorted(), sb.Sorted(), 1), cdfDistance(sb.Sorted(), sa.Sorted(), 1); !near(x, y, 1e-12) {
				t.Fatalf("iteration %d: W1 %.17g vs swapped %.17g", it, x, y)
			}
			ha, hb := randomHistograms(t, r, 2+r.IntN(20), true)
			if x, y := binnedW1(ha, hb), binnedW1(hb, ha); !near(x, y, 1e-12) {
				t.Fatalf("iteration %d: binned W1 %.17g vs swapped %.17g", it, x, y)
			}
		}
	})
	for _, m := range []string{"ks", "jensenshannon", "hellinger", "psi"} {
		t.Run(m, func(t *testing.T) {
			r := propRNG(5)
			for it := range 100 {
				// More than 20 distinct values on both sides, so that
				// Evidently's binning (which looks at the reference) is
				// Sturges either way.
				a := randomSample(r, 30+r.IntN(300), 0, 1, false)
				b := randomSample(r, 30+r.IntN(300), r.NormFloat64(), 0.5+r.Float64(), false)
				x := mustNumeric(t, m, a, b, Options{}).Statistic
				y := mustNumeric(t, m, b, a, Options{}).Statistic
				if !near(x, y, 1e-12) {
					t.Fatalf("iteration %d: numeric %s %.17g vs swapped %.17g", it, m, x, y)
				}
				ha, hb := randomHistograms(t, r, 2+r.IntN(20), it%2 == 0)
				if ha.Total() > 0 && hb.Total() > 0 {
					x, y = mustBinned(t, m, ha, hb).Statistic, mustBinned(t, m, hb, ha).Statistic
					if !near(x, y, 1e-12) {
						t.Fatalf("iteration %d: binned %s %.17g vs swapped %.17g", it, m, x, y)
					}
				}
				if m == "ks" {
					continue // categorical data has no order
				}
				ca, cb := randomCategories(r, 2+r.IntN(6), 150), randomCategories(r, 2+r.IntN(6), 120)
				x = mustCategorical(t, m, NewContingency(ca, cb)).Score
				y = mustCategorical(t, m, NewContingency(cb, ca)).Score
				if !near(x, y, 1e-12) {
					t.Fatalf("iteration %d: categorical %s %.17g vs swapped %.17g", it, m, x, y)
				}
			}
		})
	}
}

// Normalised W1 is scale-invariant: W1 and the reference std both scale by
// |a| (for raw samples and for bucket bounds).
func TestPropertyNormalisedW1ScaleInvariant(t *testing.T) {
	r := propRNG(6)
	for it := range 150 {
		x := randomSample(r, 10+r.IntN(300), r.NormFloat64(), 0.5+r.Float64(), it%4 == 0)
		y := randomSample(r, 10+r.IntN(300), r.NormFloat64(), 0.5+r.Float64(), it%4 == 0)
		a := math.Pow(10, -1.5+3*r.Float64())
		if it%2 == 1 {
			a = -a
		}
		sx, sy := make([]float64, len(x)), make([]float64, len(y))
		for i, v := range x {
			sx[i] = a * v
		}
		for i, v := range y {
			sy[i] = a * v
		}
		w := mustNumeric(t, "wasserstein", x, y, Options{}).Score
		ws := mustNumeric(t, "wasserstein", sx, sy, Options{}).Score
		if !near(w, ws, 1e-9) {
			t.Fatalf("iteration %d: normalised W1 %.17g, scaled by %g: %.17g", it, w, a, ws)
		}
		ha, hb := randomHistograms(t, r, 2+r.IntN(15), true)
		k := math.Abs(a)
		up := make([]float64, len(ha.Upper))
		for i, u := range ha.Upper {
			up[i] = k * u
		}
		sa, _ := NewHistogram(up, ha.Counts)
		sb, _ := NewHistogram(up, hb.Counts)
		bw := mustBinned(t, "wasserstein", ha, hb).Score
		bws := mustBinned(t, "wasserstein", sa, sb).Score
		if !near(bw, bws, 1e-9) {
			t.Fatalf("iteration %d: binned normalised W1 %.17g, bounds scaled by %g: %.17g", it, bw, k, bws)
		}
	}
}

// Category names and arrival order do not matter: renaming categories
// (which reorders them) and shuffling the values leave every categorical
// score unchanged.
func TestPropertyCategoryOrderIrrelevant(t *testing.T) {
	r := propRNG(7)
	methods := Methods("cat")
	for it := range 60 {
		k := 2 + r.IntN(6)
		if it%3 == 0 {
			k = 2 // binary: z and fisher_exact apply
		}
		ca, cb := randomCategories(r, k, 100), randomCategories(r, k, 100)
		perm := r.Perm(k)
		rename := func(v []string) []string {
			out := make([]string, len(v))
			for i, s := range v {
				j, _ := strconv.Atoi(s[3:])
				out[i] = fmt.Sprintf("x%02d", perm[j])
			}
			r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
			return out
		}
		ra, rb := rename(ca), rename(cb)
		t1, t2 := NewContingency(ca, cb), NewContingency(ra, rb)
		for _, m := range methods {
			x, errX := Categorical(m, t1, Options{})
			y, errY := Categorical(m, t2, Options{})
			if (errX == nil) != (errY == nil) {
				t.Fatalf("iteration %d: %s: errors differ after renaming: %v vs %v", it, m, errX, errY)
			}
			if errX != nil {
				continue // e.g. z on more than two categories
			}
			if !near(x.Score, y.Score, 1e-12) {
				t.Fatalf("iteration %d: %s %.17g, after renaming and shuffling categories %.17g", it, m, x.Score, y.Score)
			}
		}
		// Counts given directly are the same table.
		counts := func(v []string) map[string]float64 {
			m := map[string]float64{}
			for _, s := range v {
				m[s]++
			}
			return m
		}
		t3 := NewContingencyCounts(counts(ca), counts(cb))
		for _, m := range distanceMethods("cat") {
			if x, y := mustCategorical(t, m, t1).Score, mustCategorical(t, m, t3).Score; !near(x, y, 1e-12) {
				t.Fatalf("iteration %d: %s from values %.17g, from counts %.17g", it, m, x, y)
			}
		}
	}
}

// Range checks from drift.md §8: JS <= sqrt(ln 2) (natural log), Hellinger
// and TVD in [0, 1], distances never negative.
func TestPropertyRanges(t *testing.T) {
	r := propRNG(8)
	maxJS := math.Sqrt(math.Ln2)
	for it := range 200 {
		a, b := randomHistograms(t, r, 2+r.IntN(20), false)
		if a.Total() == 0 || b.Total() == 0 {
			continue
		}
		for _, m := range distanceMethods("binned") {
			v := mustBinned(t, m, a, b).Score
			if v < 0 || math.IsNaN(v) {
				t.Fatalf("iteration %d: binned %s = %g", it, m, v)
			}
			switch m {
			case "jensenshannon":
				if v > maxJS+1e-15 {
					t.Fatalf("iteration %d: JS %.17g > sqrt(ln 2)", it, v)
				}
			case "hellinger", "tvd":
				if v > 1+1e-15 {
					t.Fatalf("iteration %d: %s %.17g > 1", it, m, v)
				}
			}
		}
	}
}
