//go:build integration

package integration

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/mlwatch/mlwatch/internal/pluginharness"
)

// loadCalls is the number of concurrent QueryData calls of the load test.
const loadCalls = 200

// TestLoadQueryDataRace sends 200 QueryData calls at once, through the
// protocol harness, to a plugin binary built with -race, against the real
// Prometheus. Every answer must equal the answer of a lone call; afterwards
// the plugin has no data race in its log, its goroutines are back to
// where they were and its heap is back near its start. The test is not
// timed; it logs throughput and latency.
//
// The race binary is $MLWATCH_RACE_PLUGIN, else it is built here with
// `go build -race` (cached after the first build).
func TestLoadQueryDataRace(t *testing.T) {
	if testing.Short() {
		t.Skip("load test")
	}
	bin := raceBinary(t)
	log := &lockedWriter{b: &strings.Builder{}}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	p, err := pluginharness.Start(ctx, bin, pluginharness.Options{
		PluginID: "mlwatch-ml-datasource", Log: log, StartTimeout: time.Minute,
		// Stop at the first race, so that it fails the calls too.
		Env: []string{"GORACE=halt_on_error=1"},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Stop()
	ds := datasource(map[string]any{"prometheus": map[string]any{"url": env.prom.URL}}, nil)
	tr := backend.TimeRange{From: env.start.Add(-10 * time.Minute), To: env.start}
	queries := []backend.DataQuery{
		{RefID: "A", QueryType: "drift", TimeRange: tr, Interval: 15 * time.Second, MaxDataPoints: 1000,
			JSON: json.RawMessage(`{"method":"ks","prometheus":{"expr":"ml_requests_total"},"reference":{"mode":"offset","offset":"10m"}}`)},
		{RefID: "B", QueryType: "drift", TimeRange: tr, Interval: 15 * time.Second, MaxDataPoints: 1000,
			JSON: json.RawMessage(`{"method":"wasserstein","prometheus":{"expr":"rate(ml_requests_total[1m])"},"reference":{"mode":"offset","offset":"10m"}}`)},
		{RefID: "C", QueryType: "drift", TimeRange: tr, Interval: 15 * time.Second,
			JSON: json.RawMessage(`{"prometheus":{"expr":"ml_requests_total{"}}`)},
	}
	call := func(ctx context.Context) (map[string]string, error) {
		resp, err := p.QueryData(ctx, ds, queries)
		if err != nil {
			return nil, err
		}
		out := map[string]string{}
		for ref, r := range resp.Responses {
			if r.Error != nil {
				out[ref] = "error: " + r.Error.Error()
				continue
			}
			b, err := json.Marshal(r.Frames)
			if err != nil {
				return nil, err
			}
			out[ref] = string(b)
		}
		return out, nil
	}
	want, err := call(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, ref := range []string{"A", "B"} {
		if strings.HasPrefix(want[ref], "error") || !strings.Contains(want[ref], "ml_requests_total") {
			t.Fatalf("%s: %s", ref, want[ref])
		}
	}
	// C is the bad sibling: invalid PromQL, its own error every time.
	if !strings.HasPrefix(want["C"], "error") {
		t.Fatalf("C: %s", want["C"])
	}
	// Warm up, then read the plugin's state before the load.
	for range 3 {
		if _, err := call(ctx); err != nil {
			t.Fatal(err)
		}
	}
	before := pluginRuntime(t, p, ds)
	localBefore := runtime.NumGoroutine()

	round := func(n int) {
		var wg sync.WaitGroup
		latencies := make([]time.Duration, loadCalls)
		errs := make([]error, loadCalls)
		got := make([]map[string]string, loadCalls)
		startGate := make(chan struct{})
		for i := range loadCalls {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-startGate
				s := time.Now()
				got[i], errs[i] = call(ctx)
				latencies[i] = time.Since(s)
			}()
		}
		start := time.Now()
		close(startGate)
		wg.Wait()
		elapsed := time.Since(start)
		failed := 0
		for i := range loadCalls {
			switch {
			case errs[i] != nil:
				failed++
				if failed <= 3 {
					t.Errorf("round %d, call %d: %v", n, i, errs[i])
				}
			case !mapsEqual(got[i], want):
				failed++
				if failed <= 3 {
					t.Errorf("round %d, call %d answered differently from a lone call:\n%v\nwant\n%v", n, i, got[i], want)
				}
			}
		}
		if failed > 0 {
			t.Errorf("round %d: %d of %d calls failed or differed", n, failed, loadCalls)
		}
		slices.Sort(latencies)
		t.Logf("round %d: %d concurrent QueryData calls (3 queries each) to the -race plugin: %.0f calls/s over %v; latency p50 %v, p95 %v, max %v",
			n, loadCalls, float64(loadCalls)/elapsed.Seconds(), elapsed.Round(time.Millisecond),
			latencies[loadCalls/2].Round(time.Millisecond), latencies[loadCalls*95/100].Round(time.Millisecond), latencies[loadCalls-1].Round(time.Millisecond))
		if p.Exited() {
			t.Fatalf("the plugin exited under load; its log:\n%s", tail(log, 4000))
		}
	}
	// settle waits until the plugin's goroutines stop falling.
	settle := func() pluginState {
		s := pluginRuntime(t, p, ds)
		for range 20 {
			time.Sleep(500 * time.Millisecond)
			next := pluginRuntime(t, p, ds)
			if next.goroutines >= s.goroutines {
				return next
			}
			s = next
		}
		return s
	}
	// afterGC waits for a garbage collection that started after the load:
	// before one, the heap still holds the load's garbage, and an idle
	// plugin allocates too little to start one. Go's runtime forces a
	// collection at least every two minutes.
	afterGC := func() pluginState {
		loadEnd := float64(time.Now().UnixNano()) / 1e9
		deadline := time.Now().Add(150 * time.Second)
		for {
			s := pluginRuntime(t, p, ds)
			if s.lastGC > loadEnd {
				return s
			}
			if time.Now().After(deadline) {
				t.Fatalf("no garbage collection in the plugin within 150 s after the load (last at %.0f)", s.lastGC)
			}
			time.Sleep(time.Second)
		}
	}
	round(1)
	after1 := settle()
	round(2)
	settle()
	after := afterGC()
	t.Logf("plugin goroutines %v before, %v after round 1, %v after round 2; heap in use %.1f MiB -> %.1f MiB (heap_sys %.1f MiB)",
		before.goroutines, after1.goroutines, after.goroutines, before.heapInuse/(1<<20), after.heapInuse/(1<<20), after.heapSys/(1<<20))
	// Goroutines do not grow with the calls: a second round of 200 leaves
	// as many as the first. What the first adds is bounded by the idle
	// keep-alive connections to Prometheus (two goroutines each, at most
	// 16 per host).
	if after.goroutines > after1.goroutines+5 {
		t.Errorf("plugin goroutines grew from %v to %v over a second round: a leak", after1.goroutines, after.goroutines)
	}
	if after1.goroutines > before.goroutines+2*16+10 {
		t.Errorf("plugin goroutines %v before the load, %v after: more than the idle connection pool explains", before.goroutines, after1.goroutines)
	}
	// After a collection the heap holds no answers of the load: at most
	// what one cycle leaves beside the live data (GOGC=100 doubles it),
	// plus a margin for the race detector's shadow bookkeeping.
	if limit := 2*before.heapInuse + 64<<20; after.heapInuse > limit {
		t.Errorf("plugin heap in use %.1f MiB after the load, %.1f MiB before: memory is not given back", after.heapInuse/(1<<20), before.heapInuse/(1<<20))
	}
	// The test process's own gRPC goroutines settle too.
	for i := 0; i < 40 && runtime.NumGoroutine() > localBefore+5; i++ {
		time.Sleep(250 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > localBefore+5 {
		t.Errorf("test process goroutines %d before, %d after", localBefore, n)
	}
	if s := log.String(); strings.Contains(s, "DATA RACE") || strings.Contains(s, "panic") {
		t.Errorf("the plugin log reports a race or a panic:\n%s", tail(log, 4000))
	}
	assertNoSecrets(t, log.String())
}

type pluginState struct{ goroutines, heapInuse, heapSys, lastGC float64 }

func pluginRuntime(t *testing.T, p *pluginharness.Plugin, ds pluginharness.Datasource) pluginState {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	text, err := p.CollectMetrics(ctx, ds)
	if err != nil {
		t.Fatal(err)
	}
	var s pluginState
	var ok1, ok2, ok3, ok4 bool
	s.goroutines, ok1 = pluginharness.Metric(text, "go_goroutines")
	s.heapInuse, ok2 = pluginharness.Metric(text, "go_memstats_heap_inuse_bytes")
	s.heapSys, ok3 = pluginharness.Metric(text, "go_memstats_heap_sys_bytes")
	s.lastGC, ok4 = pluginharness.Metric(text, "go_memstats_last_gc_time_seconds")
	if !ok1 || !ok2 || !ok3 || !ok4 {
		t.Fatalf("the plugin's metrics lack the Go runtime's:\n%.2000s", text)
	}
	return s
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func (w *lockedWriter) String() string {
	logMu.Lock()
	defer logMu.Unlock()
	return w.b.String()
}

func tail(w *lockedWriter, n int) string {
	s := w.String()
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// raceBinary is the plugin built with the race detector.
func raceBinary(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("MLWATCH_RACE_PLUGIN"); p != "" {
		return p
	}
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "gpx_mlwatch_"+runtime.GOOS+"_"+runtime.GOARCH)
	cmd := exec.Command("go", "build", "-race", "-o", out, "./pkg")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=1")
	start := time.Now()
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build -race: %v\n%s", err, b)
	}
	t.Logf("built the race-enabled plugin in %v", time.Since(start).Round(time.Second))
	return out
}
