package engine

import (
	"context"
	"errors"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mlwatch/mlwatch/pkg/diagnose"
	"github.com/mlwatch/mlwatch/pkg/models"
	"github.com/mlwatch/mlwatch/pkg/source/prometheus"
)

// Stand-in servers for faults a real Prometheus cannot be made to show
// (cut or huge answers, a hang); tests/integration covers the real server.

func fakePromEngine(t *testing.T, h http.HandlerFunc, lim Limits) *Engine {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c, err := prometheus.New(models.Prometheus{URL: srv.URL, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return &Engine{Prom: c, Limits: lim}
}

func classicRequest(t *testing.T) Request {
	t.Helper()
	q, err := models.ParseQuery([]byte(`{"queryType":"drift","prometheus":{"metric":"m"},"reference":{"mode":"offset","offset":"1d"}}`), "")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1_700_000_000, 0)
	return Request{Query: q, TimeRange: TimeRange{From: now.Add(-time.Hour), To: now}}
}

func TestPromFaults(t *testing.T) {
	bigMatrix := `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"le":"+Inf"},"values":[` +
		strings.Repeat(`[1,"1"],`, 5000) + `[2,"2"]]}]}}`
	tests := []struct {
		name    string
		handler http.HandlerFunc
		lim     func(*Limits)
		check   func(t *testing.T, err error, calls int32)
	}{
		{"cut off answer is a downstream error", func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"le":"1"},"values":[[1,"1"],`)
		}, nil, func(t *testing.T, err error, _ int32) {
			var p *diagnose.Problem
			if !errors.As(err, &p) || !p.Downstream || !strings.Contains(p.Message, "cut off") {
				t.Errorf("err = %v", err)
			}
		}},
		{"malformed answer", func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"le":1}}]}}`)
		}, nil, func(t *testing.T, err error, _ int32) {
			var p *diagnose.Problem
			if !errors.As(err, &p) || !p.Downstream || !strings.Contains(p.Message, "not valid Prometheus API JSON") {
				t.Errorf("err = %v", err)
			}
		}},
		{"huge answers: fallback, then an error naming the limit", func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, bigMatrix)
		}, func(l *Limits) { l.MaxBytes = 10_000 }, func(t *testing.T, err error, calls int32) {
			var qe *models.QueryError
			if !errors.As(err, &qe) || !strings.Contains(err.Error(), "larger than the limit") {
				t.Errorf("err = %v", err)
			}
			// At least one raw read, then at least one increase() query:
			// the first window to fail cancels its sibling, which may not
			// have been sent yet.
			if calls < 2 {
				t.Errorf("%d requests, want a raw read and then an increase() query", calls)
			}
		}},
		{"slow server hits the query timeout", func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body) // then the server notices the client leave
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		}, func(l *Limits) { l.QueryTimeout = 300 * time.Millisecond }, func(t *testing.T, err error, _ int32) {
			var p *diagnose.Problem
			if !errors.As(err, &p) || p.Kind != diagnose.KindTimeout || !p.Downstream {
				t.Errorf("err = %v", err)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var calls atomic.Int32
			lim := DefaultLimits()
			if tc.lim != nil {
				tc.lim(&lim)
			}
			e := fakePromEngine(t, func(w http.ResponseWriter, r *http.Request) {
				calls.Add(1)
				tc.handler(w, r)
			}, lim)
			start := time.Now()
			_, err := e.Run(context.Background(), classicRequest(t))
			if time.Since(start) > 5*time.Second {
				t.Errorf("took %s", time.Since(start))
			}
			tc.check(t, err, calls.Load())
		})
	}
}

func TestBinnedMethod(t *testing.T) {
	for _, tc := range []struct {
		method string
		n      float64
		want   string
	}{{"auto", 1000, "chisquare"}, {"auto", 1001, "jensenshannon"}, {"", 5, "chisquare"}, {"psi", 5, "psi"}} {
		if got := binnedMethod(tc.method, tc.n); got != tc.want {
			t.Errorf("binnedMethod(%q, %g) = %s, want %s", tc.method, tc.n, got, tc.want)
		}
	}
}

func TestNativeSchemasMerge(t *testing.T) {
	// Schema 1 (factor sqrt 2) against schema 0 (factor 2), with zero
	// buckets of different thresholds and one negative bucket.
	s2 := math.Sqrt2
	fine := &prometheus.Histogram{Count: 10, Buckets: []prometheus.HistogramBucket{
		{Boundaries: 3, Lower: -0.001, Upper: 0.001, Count: 1},
		{Boundaries: 0, Lower: 1, Upper: s2, Count: 2},
		{Boundaries: 0, Lower: s2, Upper: 2, Count: 3},
		{Boundaries: 0, Lower: 4, Upper: 4 * s2, Count: 4},
	}}
	coarse := &prometheus.Histogram{Count: 6, Buckets: []prometheus.HistogramBucket{
		{Boundaries: 1, Lower: -2, Upper: -1, Count: 1},
		{Boundaries: 3, Lower: -0.01, Upper: 0.01, Count: 1},
		{Boundaries: 0, Lower: 1, Upper: 2, Count: 4},
	}}
	a, err := parseNative(fine)
	if err != nil || a.schema != 1 {
		t.Fatalf("fine: schema %d, %v", a.schema, err)
	}
	b, err := parseNative(coarse)
	if err != nil || b.schema != 0 {
		t.Fatalf("coarse: schema %d, %v", b.schema, err)
	}
	ha, hb, lowers, notice, err := commonNative(a, b)
	if err != nil {
		t.Fatal(err)
	}
	// Layout: [-2,-1), zero [-0.01,0.01], (1,2], (2,4], (4,8].
	wantUpper := []float64{-1, 0.01, 2, 4, 8}
	wantA := []float64{0, 1, 5, 0, 4}
	wantB := []float64{1, 1, 4, 0, 0}
	for i := range wantUpper {
		if math.Abs(ha.Upper[i]-wantUpper[i]) > 1e-12 || ha.Counts[i] != wantA[i] || hb.Counts[i] != wantB[i] {
			t.Fatalf("upper %v counts %v / %v", ha.Upper, ha.Counts, hb.Counts)
		}
	}
	if lowers[ha.Upper[0]] != -2 || lowers[ha.Upper[2]] != 1 || !strings.Contains(notice, "coarser schema 0") {
		t.Errorf("lowers %v, notice %q", lowers, notice)
	}
	if _, err := parseNative(&prometheus.Histogram{Buckets: []prometheus.HistogramBucket{{Lower: 1, Upper: 100}}}); err == nil {
		t.Error("a 100x bucket was taken for an exponential one")
	}
}

func TestDownscale(t *testing.T) {
	// Schema 2 buckets 1..4 cover (1,2] at schema 0 (index 1); 5..8 index 2;
	// 0 and -3..0 fall in schema-0 indexes 0 and 0.
	for _, tc := range []struct{ idx, s, t, want int }{
		{1, 2, 0, 1}, {4, 2, 0, 1}, {5, 2, 0, 2}, {8, 2, 0, 2}, {0, 2, 0, 0}, {-3, 2, 0, 0}, {-4, 2, 0, -1}, {3, 1, 1, 3},
	} {
		if got := downscale(tc.idx, tc.s, tc.t); got != tc.want {
			t.Errorf("downscale(%d, %d→%d) = %d, want %d", tc.idx, tc.s, tc.t, got, tc.want)
		}
	}
}
