package drift

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// Multivariate drift: rows of several numeric columns (embeddings, feature
// vectors) compared as points in R^d. The univariate registry does not fit
// (its methods see one sorted column), so these methods have their own small
// table and entry point; the Result they return is built by the same helpers
// as Numeric's.

// Matrix holds rows of equal length, row-major: row i is
// Data[i*Cols : (i+1)*Cols].
type Matrix struct {
	Rows, Cols int
	Data       []float64
	// missing counts the rows NewMatrix dropped for NaN or ±Inf.
	missing int
}

// NewMatrix copies rows into a Matrix. Ragged rows are an error; rows that
// contain NaN or ±Inf are dropped and counted (see Missing), as NewSample
// does for single values.
func NewMatrix(rows [][]float64) (*Matrix, error) {
	m := &Matrix{}
	if len(rows) == 0 {
		return m, nil
	}
	m.Cols = len(rows[0])
	if m.Cols == 0 {
		return nil, fmt.Errorf("matrix: row 0 has no columns")
	}
	m.Data = make([]float64, 0, len(rows)*m.Cols)
	for i, r := range rows {
		if len(r) != m.Cols {
			return nil, fmt.Errorf("matrix: row %d has %d columns, row 0 has %d", i, len(r), m.Cols)
		}
		if !allFinite(r) {
			m.missing++
			continue
		}
		m.Data = append(m.Data, r...)
		m.Rows++
	}
	return m, nil
}

// Row returns row i; callers must not modify it.
func (m *Matrix) Row(i int) []float64 { return m.Data[i*m.Cols : (i+1)*m.Cols : (i+1)*m.Cols] }

// Missing is the number of rows dropped for NaN or ±Inf.
func (m *Matrix) Missing() int { return m.missing }

func (m *Matrix) validate(side string) error {
	if m.Rows < 0 || m.Cols < 0 || len(m.Data) != m.Rows*m.Cols {
		return fmt.Errorf("%s matrix: %d rows × %d columns does not match %d values", side, m.Rows, m.Cols, len(m.Data))
	}
	if m.Rows > 0 && m.Cols == 0 {
		return fmt.Errorf("%s matrix: %d rows without columns", side, m.Rows)
	}
	return nil
}

// finiteRows returns m itself when every value is finite, else a copy
// without the offending rows (a Matrix built as a literal bypasses
// NewMatrix's check), and the number of rows dropped now.
func (m *Matrix) finiteRows() (*Matrix, int) {
	if allFinite(m.Data) {
		return m, 0
	}
	out := &Matrix{Cols: m.Cols, missing: m.missing, Data: make([]float64, 0, len(m.Data))}
	for i := range m.Rows {
		if r := m.Row(i); allFinite(r) {
			out.Data = append(out.Data, r...)
			out.Rows++
		}
	}
	return out, m.Rows - out.Rows
}

func allFinite(x []float64) bool {
	for _, v := range x {
		// v-v is NaN for ±Inf and NaN, 0 otherwise: one test for both.
		if v-v != 0 {
			return false
		}
	}
	return true
}

// subsetRows copies the given rows into a new Matrix.
func (m *Matrix) subsetRows(idx []int) *Matrix {
	out := &Matrix{Rows: len(idx), Cols: m.Cols, Data: make([]float64, 0, len(idx)*m.Cols)}
	for _, i := range idx {
		out.Data = append(out.Data, m.Row(i)...)
	}
	return out
}

// multiMethod is one multivariate method: its kind and default threshold
// (reusing methodInfo so that newResult applies) and its computation.
type multiMethod struct {
	methodInfo
	// minRows is the least number of rows per side the method can work
	// with, whatever Options.MinCount says.
	minRows int
	run     func(ref, cur *Matrix, o Options) (outcome, error)
}

// multiMethods is kept apart from the univariate registry on purpose: "energy"
// exists in both with different inputs, and "mmd" has no univariate form.
var multiMethods = map[string]*multiMethod{
	// The unbiased MMD² needs two rows per side (it divides by n(n−1)).
	"mmd":    {methodInfo: methodInfo{kind: PValue, threshold: DefaultPValueThreshold}, minRows: 2, run: mmdTest},
	"energy": {methodInfo: methodInfo{kind: Distance, threshold: DefaultDistanceThreshold}, minRows: 1, run: energyMulti},
}

// MultivariateMethods lists the methods Multivariate accepts.
func MultivariateMethods() []string {
	out := make([]string, 0, len(multiMethods))
	for name := range multiMethods {
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}

// MultivariateMethodKind returns the kind and default threshold of a
// multivariate method.
func MultivariateMethodKind(name string) (Kind, float64, bool) {
	m, ok := multiMethods[name]
	if !ok {
		return "", 0, false
	}
	return m.kind, m.threshold, true
}

// Multivariate runs a method ("mmd" or "energy") on two sets of rows with the
// same number of columns. Thresholds, minimum counts, verdicts and
// "insufficient data" follow Numeric. Rows holding NaN or ±Inf are dropped
// and reported in a notice. The inputs are not modified.
func Multivariate(method string, ref, cur *Matrix, o Options) (Result, error) {
	mm, ok := multiMethods[method]
	if !ok {
		return Result{}, fmt.Errorf("%w %q for multivariate data: use one of %s", ErrUnknownMethod, method, strings.Join(MultivariateMethods(), ", "))
	}
	if ref == nil {
		ref = &Matrix{}
	}
	if cur == nil {
		cur = &Matrix{}
	}
	if err := ref.validate("reference"); err != nil {
		return Result{}, fmt.Errorf("%s: %w", method, err)
	}
	if err := cur.validate("current"); err != nil {
		return Result{}, fmt.Errorf("%s: %w", method, err)
	}
	// A side without rows may not know its width; only two known widths
	// can disagree.
	if ref.Cols > 0 && cur.Cols > 0 && ref.Cols != cur.Cols {
		return Result{}, fmt.Errorf("%s: the reference has %d columns and the current window %d", method, ref.Cols, cur.Cols)
	}
	ref, refDropped := ref.finiteRows()
	cur, curDropped := cur.finiteRows()
	r := newResult(method, &mm.methodInfo, o, ref.Rows, cur.Rows)
	if mr, mc := ref.missing+refDropped, cur.missing+curDropped; mr+mc > 0 {
		r.notice("dropped %d reference and %d current rows holding NaN or ±Inf", mr, mc)
	}
	need := o
	need.MinCount = max(minCount(o), mm.minRows)
	if ref.Rows < need.MinCount || cur.Rows < need.MinCount {
		return insufficient(r, need), nil
	}
	out, err := mm.run(ref, cur, o)
	if err != nil {
		return Result{}, fmt.Errorf("%s: %w", method, err)
	}
	return finish(r, out), nil
}

// Random streams. Every random choice draws from a PCG seeded with
// (Options.Seed, stream), so that results depend on the seed only — not on
// the number of cores or the order in which goroutines run.
const (
	streamSubsample uint64 = iota + 1
	streamSigma
	streamPairs
	// Permutation p uses stream streamPermutations+p.
	streamPermutations uint64 = 1 << 32
)

func newRNG(seed, stream uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, stream)) }

// randomRows returns k distinct indices of [0, n) in random order (a partial
// Fisher–Yates shuffle).
func randomRows(n, k int, rng *rand.Rand) []int {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	for i := range k {
		j := i + rng.IntN(n-i)
		idx[i], idx[j] = idx[j], idx[i]
	}
	return idx[:k:k]
}

// subsampleRows draws k rows without replacement, kept in their original
// order.
func subsampleRows(m *Matrix, k int, rng *rand.Rand) *Matrix {
	idx := randomRows(m.Rows, k, rng)
	slices.Sort(idx)
	return m.subsetRows(idx)
}

// sqDist is the squared Euclidean distance, from the differences rather
// than ‖x‖²+‖y‖²−2x·y, which cancels badly for close points.
func sqDist(a, b []float64) float64 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(a); i += 4 {
		d0, d1, d2, d3 := a[i]-b[i], a[i+1]-b[i+1], a[i+2]-b[i+2], a[i+3]-b[i+3]
		s0 += d0 * d0
		s1 += d1 * d1
		s2 += d2 * d2
		s3 += d3 * d3
	}
	for ; i < len(a); i++ {
		d := a[i] - b[i]
		s0 += d * d
	}
	return (s0 + s1) + (s2 + s3)
}

// parallelFor calls fn on consecutive chunks of [0, n), claimed dynamically
// by one goroutine per core so that uneven chunks (rows of a triangle)
// balance out. Small ranges run inline.
func parallelFor(n, chunk int, fn func(lo, hi int)) {
	chunk = max(chunk, 1)
	workers := min(runtime.GOMAXPROCS(0), (n+chunk-1)/chunk)
	if workers < 2 {
		fn(0, n)
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				lo := int(next.Add(int64(chunk))) - chunk
				if lo >= n {
					return
				}
				fn(lo, min(lo+chunk, n))
			}
		})
	}
	wg.Wait()
}

// selectKth returns the k-th smallest value (0-based) of a, reordering a:
// quickselect with a three-way partition, so that many equal values (ties
// in integer data) do not degrade it.
func selectKth(a []float64, k int) float64 {
	lo, hi := 0, len(a)-1
	for lo < hi {
		p := median3(a[lo], a[lo+(hi-lo)/2], a[hi])
		lt, i, gt := lo, lo, hi
		for i <= gt {
			switch {
			case a[i] < p:
				a[lt], a[i] = a[i], a[lt]
				lt++
				i++
			case a[i] > p:
				a[i], a[gt] = a[gt], a[i]
				gt--
			default:
				i++
			}
		}
		switch {
		case k < lt:
			hi = lt - 1
		case k > gt:
			lo = gt + 1
		default:
			return p
		}
	}
	return a[k]
}

func median3(a, b, c float64) float64 {
	if a > b {
		a, b = b, a
	}
	if b > c {
		b = c
	}
	return math.Max(a, b)
}
