//go:build integration

package integration

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mlwatch/mlwatch/internal/testenv"
	"github.com/mlwatch/mlwatch/pkg/engine"
	"github.com/mlwatch/mlwatch/pkg/models"
	"github.com/mlwatch/mlwatch/pkg/source/prometheus"
)

// BenchmarkPromDrift100Features times a drift query over 100 features of
// classic histograms (8 buckets, 2 instances: 1,600 bucket series, 1h
// windows at a 1m scrape step) against fetching the same raw series with
// the same requests and discarding the bodies. The goal: the query
// within 1.2x of the fetch alone.
//
//	go test -tags integration -run '^$' -bench PromDrift100 -benchtime 20x ./tests/integration/
func BenchmarkPromDrift100Features(b *testing.B) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	fx := newPromFixture(100)
	prom, err := testenv.StartPrometheus(ctx, testenv.PrometheusOptions{OpenMetrics: fx.OpenMetrics()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(prom.Stop)
	e := newPromEngine(b, prom.URL, engine.DefaultLimits())
	curFrom, curTo := fx.Start.Add(2*time.Hour), fx.Start.Add(3*time.Hour)
	q, err := models.ParseQuery([]byte(driftQuery(fx, nil)), "")
	if err != nil {
		b.Fatal(err)
	}
	req := engine.Request{Query: q, TimeRange: engine.TimeRange{From: curFrom, To: curTo}}

	// The engine's raw reads: selector[window + 5m lookback] at each end.
	sel := `ml_feature_value_bucket{model="fraud"}`
	reads := []url.Values{
		{"query": {sel + "[3900s]"}, "time": {prometheus.FormatTime(fx.Start.Add(time.Hour))}},
		{"query": {sel + "[3900s]"}, "time": {prometheus.FormatTime(curTo)}},
	}
	frames, err := e.Run(ctx, req)
	if err != nil {
		b.Fatal(err)
	}
	exec := frames[0].Meta.ExecutedQueryString
	if !strings.Contains(exec, sel+"[3900s]") || strings.Count(exec, "\n") != 1 {
		b.Fatalf("the engine sent %q; the fetch baseline must send the same", exec)
	}
	if n := frames[0].Rows(); n != 101 {
		b.Fatalf("%d features", n)
	}
	client := &http.Client{}
	fetch := func() {
		var wg sync.WaitGroup
		for _, form := range reads {
			wg.Add(1)
			go func() {
				defer wg.Done()
				resp, err := client.PostForm(prom.URL+"/api/v1/query", form)
				if err != nil {
					b.Error(err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}()
		}
		wg.Wait()
	}
	query := func() {
		if _, err := e.Run(ctx, req); err != nil {
			b.Error(err)
		}
	}
	b.Run("query", func(b *testing.B) {
		for b.Loop() {
			query()
		}
	})
	b.Run("fetch-only", func(b *testing.B) {
		for b.Loop() {
			fetch()
		}
	})
	// Interleaved, so that both see the same server state.
	b.Run("ratio", func(b *testing.B) {
		var tq, tf time.Duration
		for b.Loop() {
			t0 := time.Now()
			fetch()
			t1 := time.Now()
			query()
			tq += time.Since(t1)
			tf += t1.Sub(t0)
		}
		b.ReportMetric(float64(tq)/float64(tf), "query/fetch")
		b.ReportMetric(float64(tq.Milliseconds())/float64(b.N), "query-ms")
		b.ReportMetric(float64(tf.Milliseconds())/float64(b.N), "fetch-ms")
	})
}
