package drift

import (
	"fmt"
	"math"
)

// z is Evidently's pooled two-proportion z-test for binary columns
// (z_stattest.py): with the distinct values of both windows sorted, the
// first maps to 0 and the other to 1; p1 and p2 are the shares of 1s in
// reference and current, P = (n1·p1 + n2·p2)/(n1 + n2), and
//
//	z = (p1 − p2) / √(P(1 − P)(1/n1 + 1/n2)),  p = 2·(1 − Φ(|z|)).
//
// The p-value is computed as 2·Φc(|z|) with the complementary normal CDF:
// Evidently's 1 − Φ(|z|) loses all digits below about 1e-16 (it answers 0
// there) and some digits well before, so the two agree to 1e-9 only while
// p is above about 1e-7. As in Evidently, p = 1 (statistic 0) when both
// windows hold the same single value.
func init() {
	m := register("z", PValue, DefaultPValueThreshold)
	m.cat = func(t *Contingency, o Options) (outcome, error) {
		b, err := binaryFromCounts(t.Ref, t.Cur, "z")
		if err != nil {
			return outcome{}, err
		}
		return zTest(b, o), nil
	}
	m.numeric = func(ref, cur *Sample, o Options) (outcome, error) {
		b, err := binaryFromSamples(ref.Sorted(), cur.Sorted(), "z")
		if err != nil {
			return outcome{}, err
		}
		return zTest(b, o), nil
	}
}

// binary is a two-valued column summarised: window sizes and, per window,
// how many values are the larger (second) key.
type binary struct {
	keys   int // distinct values over both windows: 1 or 2
	n1, n2 float64
	x1, x2 float64 // ones in reference and current
}

// binaryFromCounts reads a binary table from category counts (categories
// sorted by name, as Contingency keeps them); categories that neither
// window holds are ignored.
func binaryFromCounts(ref, cur []float64, method string) (binary, error) {
	var b binary
	for k := range ref {
		if ref[k] == 0 && cur[k] == 0 {
			continue
		}
		b.keys++
		b.n1 += ref[k]
		b.n2 += cur[k]
		if b.keys > 1 {
			b.x1 += ref[k]
			b.x2 += cur[k]
		}
	}
	if b.keys > 2 {
		return binary{}, notBinary(method, b.keys)
	}
	return b, nil
}

// binaryFromSamples reads a binary table from two sorted numeric samples.
func binaryFromSamples(a, c []float64, method string) (binary, error) {
	n, ok := distinctAtMost(a, c, 2)
	if !ok {
		return binary{}, notBinary(method, countUniqueMerged(a, c))
	}
	b := binary{keys: n, n1: float64(len(a)), n2: float64(len(c))}
	if len(a) == 0 || len(c) == 0 {
		return b, nil
	}
	first := math.Min(a[0], c[0])
	b.x1 = float64(len(a) - runEnd(a, 0, first))
	b.x2 = float64(len(c) - runEnd(c, 0, first))
	return b, nil
}

func notBinary(method string, keys int) error {
	return fmt.Errorf("%s needs binary data, but the two windows hold %d distinct values; use chisquare for more than two categories", method, keys)
}

// zTest computes the pooled two-proportion z-test.
func zTest(b binary, o Options) outcome {
	if b.keys <= 1 {
		return pval(1, 0)
	}
	n1, n2 := b.n1, b.n2
	p1, p2 := b.x1/n1, b.x2/n2
	var notices []string
	if limit := float64(o.MaxEffectiveN); limit > 0 && (n1 > limit || n2 > limit) {
		n1, n2 = math.Min(n1, limit), math.Min(n2, limit)
		notices = append(notices, capNotice(o.MaxEffectiveN))
	}
	pooled := (p1*n1 + p2*n2) / (n1 + n2)
	den := math.Sqrt(pooled * (1 - pooled) * (1/n1 + 1/n2))
	if !(den > 0) {
		// Unreachable with both keys present and both windows non-empty,
		// but never divide by zero into a verdict.
		out := pval(math.NaN(), math.NaN())
		out.notices = append(notices, "the pooled proportion is 0 or 1: the z statistic is undefined")
		return out
	}
	z := (p1 - p2) / den
	out := pval(math.Min(2*normSF(math.Abs(z)), 1), z)
	out.notices = notices
	return out
}
