package drift

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// Test data that numpy can rebuild exactly (see the one-liners in
// mmd_test.go and energy_multi_test.go).

// mvSin is np.sin(0.7*np.arange(n*d).reshape(n,d) + phase) + shift.
func mvSin(n, d int, phase, shift float64) *Matrix {
	m := &Matrix{Rows: n, Cols: d, Data: make([]float64, n*d)}
	for i := range m.Data {
		m.Data[i] = math.Sin(0.7*float64(i)+phase) + shift
	}
	return m
}

// mvInt is ((i*a + j*b) % mod) / div, with many ties.
func mvInt(n, d, a, b, mod int, div float64) *Matrix {
	m := &Matrix{Rows: n, Cols: d, Data: make([]float64, n*d)}
	for i := range n {
		for j := range d {
			m.Data[i*d+j] = float64((i*a+j*b)%mod) / div
		}
	}
	return m
}

// mvCol is a one-column matrix.
func mvCol(v ...float64) *Matrix {
	return &Matrix{Rows: len(v), Cols: 1, Data: append([]float64(nil), v...)}
}

// mvNormal draws n rows of d independent N(shift, scale²) values.
func mvNormal(n, d int, shift, scale float64, seed uint64) *Matrix {
	r := rand.New(rand.NewPCG(seed, 99))
	m := &Matrix{Rows: n, Cols: d, Data: make([]float64, n*d)}
	for i := range m.Data {
		m.Data[i] = shift + scale*r.NormFloat64()
	}
	return m
}

func mvClose(t *testing.T, name string, got, want, rel float64) {
	t.Helper()
	if want == 0 {
		if math.Abs(got) > rel {
			t.Errorf("%s = %.17g, want 0", name, got)
		}
		return
	}
	if math.Abs(got-want) > rel*math.Abs(want) {
		t.Errorf("%s = %.17g, want %.17g (rel err %.3g)", name, got, want, math.Abs(got-want)/math.Abs(want))
	}
}

func hasNotice(r Result, sub string) bool {
	for _, n := range r.Notices {
		if strings.Contains(n, sub) {
			return true
		}
	}
	return false
}

func TestNewMatrix(t *testing.T) {
	tests := []struct {
		name    string
		rows    [][]float64
		wantErr string
		rowsOut int
		cols    int
		missing int
		data    []float64
	}{
		{name: "empty", rows: nil},
		{name: "plain", rows: [][]float64{{1, 2}, {3, 4}}, rowsOut: 2, cols: 2, data: []float64{1, 2, 3, 4}},
		{name: "ragged", rows: [][]float64{{1, 2}, {3}}, wantErr: "row 1 has 1 columns"},
		{name: "no columns", rows: [][]float64{{}}, wantErr: "no columns"},
		{name: "nan and inf rows dropped", rows: [][]float64{{1, math.NaN()}, {2, 3}, {math.Inf(-1), 0}, {4, 5}},
			rowsOut: 2, cols: 2, missing: 2, data: []float64{2, 3, 4, 5}},
		{name: "all dropped keeps width", rows: [][]float64{{math.NaN(), 1, 2}}, rowsOut: 0, cols: 3, missing: 1, data: []float64{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := NewMatrix(tc.rows)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if m.Rows != tc.rowsOut || m.Cols != tc.cols || m.Missing() != tc.missing || len(m.Data) != len(tc.data) {
				t.Fatalf("got %d×%d missing %d data %v", m.Rows, m.Cols, m.Missing(), m.Data)
			}
			for i := range tc.data {
				if m.Data[i] != tc.data[i] {
					t.Fatalf("data %v, want %v", m.Data, tc.data)
				}
			}
		})
	}
	// NewMatrix copies: changing the input afterwards changes nothing.
	in := [][]float64{{1, 2}}
	m, _ := NewMatrix(in)
	in[0][0] = 9
	if m.Row(0)[0] != 1 {
		t.Error("NewMatrix kept a reference to its input")
	}
}

func TestMultivariateEntryPoint(t *testing.T) {
	x, y := mvSin(30, 3, 0, 0), mvSin(40, 3, 0.5, 0.3)
	t.Run("unknown method lists both", func(t *testing.T) {
		_, err := Multivariate("ks", x, y, Options{})
		if !errors.Is(err, ErrUnknownMethod) || !strings.Contains(err.Error(), "energy, mmd") {
			t.Fatalf("err = %v", err)
		}
		if got := MultivariateMethods(); len(got) != 2 || got[0] != "energy" || got[1] != "mmd" {
			t.Fatalf("MultivariateMethods = %v", got)
		}
	})
	t.Run("mmd is not a univariate method", func(t *testing.T) {
		if _, _, ok := MethodKind("mmd"); ok {
			t.Skip("mmd was added to the univariate registry; Multivariate still has its own table")
		}
		if _, err := Numeric("mmd", NewSample([]float64{1, 2}), NewSample([]float64{1, 2}), Options{}); !errors.Is(err, ErrUnknownMethod) {
			t.Fatalf("Numeric(mmd) err = %v", err)
		}
	})
	t.Run("column mismatch is an error", func(t *testing.T) {
		for _, method := range []string{"mmd", "energy"} {
			if _, err := Multivariate(method, x, mvSin(40, 2, 0, 0), Options{}); err == nil || !strings.Contains(err.Error(), "3 columns") {
				t.Errorf("%s: err = %v", method, err)
			}
		}
	})
	t.Run("inconsistent literal is an error", func(t *testing.T) {
		if _, err := Multivariate("energy", &Matrix{Rows: 2, Cols: 2, Data: []float64{1}}, y, Options{}); err == nil {
			t.Error("no error for 2×2 with one value")
		}
	})
	t.Run("kinds and default thresholds", func(t *testing.T) {
		for _, tc := range []struct {
			method string
			kind   Kind
			th     float64
		}{{"mmd", PValue, 0.05}, {"energy", Distance, 0.1}} {
			r, err := Multivariate(tc.method, x, y, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if r.Method != tc.method || r.Kind != tc.kind || r.Threshold != tc.th || r.ReferenceCount != 30 || r.CurrentCount != 40 {
				t.Errorf("%+v", r)
			}
			k, th, ok := MultivariateMethodKind(tc.method)
			if !ok || k != tc.kind || th != tc.th {
				t.Errorf("MultivariateMethodKind(%s) = %v %v %v", tc.method, k, th, ok)
			}
		}
	})
	t.Run("threshold override and verdict rule", func(t *testing.T) {
		// energy = 0.6403274939109868 (energy_multi_test.go): drifted at
		// 0.64, not at 0.65.
		for _, tc := range []struct {
			th   float64
			want bool
		}{{0.64, true}, {0.6403274939109868, true}, {0.65, false}} {
			r, _ := Multivariate("energy", x, y, Options{Threshold: tc.th})
			if r.Drifted != tc.want || r.Threshold != tc.th || r.Statistic != r.Score {
				t.Errorf("threshold %g: %+v", tc.th, r)
			}
		}
		// mmd p = 1/101 on clearly different data: drifted below 0.05, not
		// at a threshold of 1/101 (p < threshold is strict).
		a, b := mvNormal(50, 4, 0, 1, 1), mvNormal(50, 4, 3, 1, 2)
		for _, tc := range []struct {
			th   float64
			want bool
		}{{0, true}, {1.0 / 101, false}} {
			r, _ := Multivariate("mmd", a, b, Options{Threshold: tc.th})
			if r.Score != 1.0/101 || r.Drifted != tc.want {
				t.Errorf("threshold %g: %+v", tc.th, r)
			}
		}
	})
	t.Run("insufficient data", func(t *testing.T) {
		one := mvSin(1, 3, 0, 0)
		empty, _ := NewMatrix(nil)
		tests := []struct {
			method   string
			ref, cur *Matrix
			o        Options
			notice   string
		}{
			{"energy", empty, y, Options{}, "reference window is empty"},
			{"mmd", x, nil, Options{}, "current window is empty"},
			{"energy", empty, empty, Options{}, "both windows are empty"},
			{"energy", x, y, Options{MinCount: 31}, "30 reference and 40 current values, at least 31"},
			// MMD²_u divides by n(n−1): one row is not enough whatever MinCount says.
			{"mmd", one, y, Options{}, "at least 2 each"},
		}
		for _, tc := range tests {
			r, err := Multivariate(tc.method, tc.ref, tc.cur, tc.o)
			if err != nil {
				t.Fatal(err)
			}
			if !r.Insufficient() || r.Drifted || !math.IsNaN(r.Statistic) || !hasNotice(r, tc.notice) {
				t.Errorf("%s: %+v", tc.notice, r)
			}
		}
		// An empty side without a known width is not a column mismatch.
		if _, err := Multivariate("mmd", &Matrix{}, y, Options{}); err != nil {
			t.Error(err)
		}
	})
	t.Run("energy works with one row per side", func(t *testing.T) {
		// sqrt(2·‖(0,0)−(3,4)‖) = sqrt(10)
		r, err := Multivariate("energy", &Matrix{Rows: 1, Cols: 2, Data: []float64{0, 0}}, &Matrix{Rows: 1, Cols: 2, Data: []float64{3, 4}}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		mvClose(t, "energy", r.Score, math.Sqrt(10), 1e-15)
	})
	t.Run("non-finite rows dropped with a notice", func(t *testing.T) {
		rows := make([][]float64, 0, 32)
		for i := range 30 {
			rows = append(rows, x.Row(i))
		}
		rows = append(rows, []float64{math.NaN(), 0, 0}, []float64{0, math.Inf(1), 0})
		ref, err := NewMatrix(rows)
		if err != nil {
			t.Fatal(err)
		}
		// A literal matrix with a NaN row is cleaned as well.
		cur := &Matrix{Rows: 41, Cols: 3, Data: append(append([]float64(nil), y.Data...), 0, math.NaN(), 0)}
		for _, method := range []string{"mmd", "energy"} {
			got, err := Multivariate(method, ref, cur, Options{})
			if err != nil {
				t.Fatal(err)
			}
			want, _ := Multivariate(method, x, y, Options{})
			if got.Score != want.Score || got.ReferenceCount != 30 || got.CurrentCount != 40 || !hasNotice(got, "dropped 2 reference and 1 current rows") {
				t.Errorf("%s: %+v vs %+v", method, got, want)
			}
		}
		if cur.Rows != 41 || !math.IsNaN(cur.Data[len(cur.Data)-2]) {
			t.Error("Multivariate modified its input")
		}
	})
}

func TestSelectKth(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{1, 2, 3, 10, 101, 1000} {
		for _, ties := range []bool{false, true} {
			a := make([]float64, n)
			for i := range a {
				if ties {
					a[i] = float64(r.IntN(4))
				} else {
					a[i] = r.Float64()
				}
			}
			sorted := append([]float64(nil), a...)
			sortFloats(sorted)
			for _, k := range []int{0, (n - 1) / 2, n - 1} {
				b := append([]float64(nil), a...)
				if got := selectKth(b, k); got != sorted[k] {
					t.Errorf("n=%d ties=%v k=%d: %g, want %g", n, ties, k, got, sorted[k])
				}
			}
		}
	}
}

func TestParallelForCoversRange(t *testing.T) {
	for _, tc := range []struct{ n, chunk int }{{0, 4}, {1, 4}, {7, 3}, {1000, 16}, {5, 0}} {
		hits := make([]int32, tc.n)
		parallelFor(tc.n, tc.chunk, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				hits[i]++
			}
		})
		for i, h := range hits {
			if h != 1 {
				t.Fatalf("n=%d chunk=%d: index %d visited %d times", tc.n, tc.chunk, i, h)
			}
		}
	}
}
