//go:build integration

package integration

import (
	"fmt"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	promclient "github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// promFixture is OpenMetrics text for promtool with known answers: four
// hours at a 1m scrape step of
//   - ml_feature_value (classic histogram) for features f00..f09 on two
//     instances; f00 and f01 drift (mean 1 -> 1.8) from Onset on; instance
//     b restarts (counter reset) at Reset and spells bounds the Prometheus 3
//     way (le="1.0"); f05 has a NaN sample at NaNAt; feature "relayout"
//     changes its bucket layout at Relayout;
//   - ml_prediction_confidence (classic histogram, no feature label) whose
//     values spread lower from Onset on;
//   - ml_predictions_total{class} whose class shares change at Onset;
//   - ml_feature_gauge{feature=g0|g1}, one value a minute; g1 shifts at
//     Onset.
//
// Every observation is recorded, so tests can check exact counts.
type promFixture struct {
	Start, Onset, Reset, NaNAt, Relayout, End time.Time
	Features                                  []string
	Drifted                                   map[string]bool
	text                                      strings.Builder
	// obs[name][minute] is what was observed in that minute (all
	// instances), for exact expectations.
	obs map[string][]float64
}

const fixtureMinutes = 240

var fixtureBounds = []float64{0.25, 0.5, 0.75, 1, 1.5, 2, 3, math.Inf(1)}

func newPromFixture(features int) *promFixture {
	start := time.Now().Add(-30 * time.Hour).Truncate(time.Hour)
	fx := &promFixture{
		Start: start, Onset: start.Add(3 * time.Hour), Reset: start.Add(3*time.Hour + 30*time.Minute),
		NaNAt: start.Add(2*time.Hour + 15*time.Minute), Relayout: start.Add(90 * time.Minute),
		End: start.Add(fixtureMinutes * time.Minute), Drifted: map[string]bool{}, obs: map[string][]float64{},
	}
	for i := range features {
		f := fmt.Sprintf("f%02d", i)
		fx.Features = append(fx.Features, f)
		if i < 2 {
			fx.Drifted[f] = true
		}
	}
	fx.featureHistograms()
	fx.confidence()
	fx.classes()
	fx.gauges()
	fx.text.WriteString("# EOF\n")
	return fx
}

func (fx *promFixture) OpenMetrics() string { return fx.text.String() }

func (fx *promFixture) at(m int) time.Time { return fx.Start.Add(time.Duration(m) * time.Minute) }

// leText spells a bound as Prometheus 2 ("1") or 3 ("1.0") would.
func leText(b float64, prom3 bool) string {
	if math.IsInf(b, 1) {
		return "+Inf"
	}
	s := fmt.Sprint(b)
	if prom3 && !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}

// count is what the fixture observed for a series key in (from, to].
func (fx *promFixture) count(key string, from, to time.Time) float64 {
	var n float64
	for m, v := range fx.obs[key] {
		if t := fx.at(m); t.After(from) && !t.After(to) {
			n += v
		}
	}
	return n
}

func (fx *promFixture) record(key string, m int, v float64) {
	if fx.obs[key] == nil {
		fx.obs[key] = make([]float64, fixtureMinutes+1)
	}
	fx.obs[key][m] += v
}

// histogramFamily writes one classic histogram family; observe returns
// the values observed by a series in minute m.
type histSeries struct {
	labels  string // without le
	key     string // obs key
	bounds  func(m int) []float64
	prom3   func(m int) bool
	observe func(m int) []float64
	restart int // minute of a counter reset (0: none)
	nanAt   int // minute with a NaN sample (0: none)
	from    int // first minute with samples
	to      int // last minute with samples
}

func (fx *promFixture) histogramFamily(name string, series []histSeries) {
	fmt.Fprintf(&fx.text, "# TYPE %s histogram\n", name)
	type state struct{ cum map[float64]float64 }
	states := make([]state, len(series))
	for i := range states {
		states[i].cum = map[float64]float64{}
	}
	// Values per series and minute first, so that the counters are
	// cumulative; lines go out per series in time order (OpenMetrics wants
	// each series' samples ascending).
	for i, s := range series {
		st := &states[i]
		for m := s.from; m <= s.to; m++ {
			if s.restart > 0 && m == s.restart {
				st.cum = map[float64]float64{}
			}
			vals := []float64{}
			if m > s.from {
				vals = s.observe(m)
			}
			fx.record(s.key, m, float64(len(vals)))
			bounds := s.bounds(m)
			for _, v := range vals {
				for _, b := range bounds {
					if v <= b {
						st.cum[b]++
					}
				}
			}
			ts := fx.at(m).Unix()
			for _, b := range bounds {
				val := fmt.Sprint(st.cum[b])
				if s.nanAt > 0 && m == s.nanAt && math.IsInf(b, 1) {
					val = "NaN"
				}
				fmt.Fprintf(&fx.text, "%s_bucket{%s,le=\"%s\"} %s %d\n", name, s.labels, leText(b, s.prom3(m)), val, ts)
			}
		}
	}
}

func normals(r *rand.Rand, n int, mean, sd float64) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = mean + sd*r.NormFloat64()
	}
	return out
}

func (fx *promFixture) minute(t time.Time) int { return int(t.Sub(fx.Start) / time.Minute) }

func (fx *promFixture) featureHistograms() {
	onset, reset, nanAt, relayout := fx.minute(fx.Onset), fx.minute(fx.Reset), fx.minute(fx.NaNAt), fx.minute(fx.Relayout)
	fixed := func(int) []float64 { return fixtureBounds }
	var series []histSeries
	for fi, f := range fx.Features {
		for ii, inst := range []string{"a", "b"} {
			r := rand.New(rand.NewPCG(uint64(fi), uint64(ii)))
			drifted := fx.Drifted[f]
			s := histSeries{
				labels: fmt.Sprintf(`model="fraud",feature="%s",instance="%s"`, f, inst), key: "feature/" + f,
				bounds: fixed, prom3: func(int) bool { return inst == "b" }, to: fixtureMinutes,
				observe: func(m int) []float64 {
					mean := 1.0
					if drifted && m > onset {
						mean = 1.8
					}
					return normals(r, 100, mean, 0.5)
				},
			}
			if inst == "b" {
				s.restart = reset
			}
			if f == "f05" && inst == "a" {
				s.nanAt = nanAt
			}
			series = append(series, s)
		}
	}
	// relayout: one instance, buckets A until Relayout, then B (new series
	// from 0; the old ones stop).
	r := rand.New(rand.NewPCG(99, 99))
	obs := func(int) []float64 { return normals(r, 100, 1, 0.5) }
	no := func(int) bool { return false }
	series = append(series,
		histSeries{labels: `model="fraud",feature="relayout",instance="a"`, key: "feature/relayout", prom3: no, observe: obs,
			bounds: func(int) []float64 { return []float64{0.5, 1, 2, math.Inf(1)} }, to: relayout},
		histSeries{labels: `model="fraud",feature="relayout",instance="a"`, key: "feature/relayout", prom3: no, observe: obs,
			bounds: func(int) []float64 { return []float64{0.5, 1, 1.5, 2, 3, math.Inf(1)} }, from: relayout, to: fixtureMinutes},
	)
	fx.histogramFamily("ml_feature_value", series)
}

var confidenceBounds = []float64{0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, math.Inf(1)}

func (fx *promFixture) confidence() {
	onset := fx.minute(fx.Onset)
	r := rand.New(rand.NewPCG(7, 7))
	fx.histogramFamily("ml_prediction_confidence", []histSeries{{
		labels: `model="fraud"`, key: "confidence", to: fixtureMinutes,
		bounds: func(int) []float64 { return confidenceBounds }, prom3: func(int) bool { return false },
		observe: func(m int) []float64 {
			lo := 0.6
			if m > onset {
				lo = 0.3
			}
			out := make([]float64, 50)
			for i := range out {
				out[i] = lo + (1-lo)*r.Float64()
			}
			return out
		},
	}})
}

var fixtureClasses = []string{"bird", "cat", "dog"}

func (fx *promFixture) classes() {
	onset := fx.minute(fx.Onset)
	fx.text.WriteString("# TYPE ml_predictions counter\n")
	before := map[string]float64{"cat": 25, "dog": 15, "bird": 10}
	after := map[string]float64{"cat": 15, "dog": 15, "bird": 20}
	for _, c := range fixtureClasses {
		for _, inst := range []string{"a", "b"} {
			var cum float64
			for m := 0; m <= fixtureMinutes; m++ {
				if m > 0 {
					n := before[c]
					if m > onset {
						n = after[c]
					}
					cum += n
					fx.record("class/"+c, m, n)
				}
				fmt.Fprintf(&fx.text, "ml_predictions_total{model=\"fraud\",class=%q,instance=%q} %g %d\n", c, inst, cum, fx.at(m).Unix())
			}
		}
	}
}

func (fx *promFixture) gauges() {
	onset := fx.minute(fx.Onset)
	fx.text.WriteString("# TYPE ml_feature_gauge gauge\n")
	for gi, g := range []string{"g0", "g1"} {
		r := rand.New(rand.NewPCG(uint64(100+gi), 1))
		for m := 0; m <= fixtureMinutes; m++ {
			mean := 0.0
			if g == "g1" && m > onset {
				mean = 3
			}
			fmt.Fprintf(&fx.text, "ml_feature_gauge{feature=%q} %g %d\n", g, mean+r.NormFloat64(), fx.at(m).Unix())
		}
	}
}

// nativeExporter serves ml_native_value{feature} as a native histogram
// over the protobuf exposition, with a bucket factor per phase: phase 1
// uses 1.1 (schema 3), phase 2 a new histogram with 1.5 (schema 1), as a
// redeployed client would (its counters start again from zero).
type nativeExporter struct {
	addr    string
	handler atomic.Pointer[http.Handler]
	phase   atomic.Int32
	done    chan struct{}
	wg      sync.WaitGroup
}

func startNativeExporter(t *testing.T) *nativeExporter {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ex := &nativeExporter{addr: l.Addr().String(), done: make(chan struct{})}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h := ex.handler.Load(); h != nil {
			(*h).ServeHTTP(w, r)
			return
		}
		http.NotFound(w, r)
	})}
	go srv.Serve(l)
	t.Cleanup(func() {
		ex.stop()
		srv.Close()
	})
	return ex
}

// run switches to a phase: a fresh registry and histogram, observed every
// 50ms until the next phase or stop.
func (ex *nativeExporter) run(phase int) {
	ex.stop()
	ex.done = make(chan struct{})
	factor := 1.1
	if phase == 2 {
		factor = 1.5
	}
	reg := promclient.NewRegistry()
	hist := promclient.NewHistogramVec(promclient.HistogramOpts{
		Name: "ml_native_value", Help: "Feature values.", NativeHistogramBucketFactor: factor,
	}, []string{"feature"})
	plain := promclient.NewCounter(promclient.CounterOpts{Name: "ml_native_plain_total", Help: "A plain counter."})
	reg.MustRegister(hist, plain)
	var h http.Handler = promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
	ex.handler.Store(&h)
	ex.phase.Store(int32(phase))
	done := ex.done
	ex.wg.Add(1)
	go func() {
		defer ex.wg.Done()
		r := rand.New(rand.NewPCG(uint64(phase), 1))
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			for range 100 {
				hist.WithLabelValues("x").Observe(1 + 0.3*r.NormFloat64())
				y := 1 + 0.3*r.NormFloat64()
				if phase == 2 {
					y += 1
				}
				hist.WithLabelValues("y").Observe(y)
				plain.Inc()
			}
		}
	}()
}

func (ex *nativeExporter) stop() {
	select {
	case <-ex.done:
	default:
		close(ex.done)
	}
	ex.wg.Wait()
}
