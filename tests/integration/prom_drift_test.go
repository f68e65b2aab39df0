//go:build integration

package integration

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlwatch/mlwatch/internal/testenv"
	"github.com/mlwatch/mlwatch/pkg/diagnose"
	"github.com/mlwatch/mlwatch/pkg/engine"
	"github.com/mlwatch/mlwatch/pkg/models"
	"github.com/mlwatch/mlwatch/pkg/source/prometheus"
)

// These tests run the engine's Prometheus drift and distribution queries
// against a real Prometheus backfilled with promFixture (known drift,
// counter reset, le spellings, NaN sample, bucket relayout). They call the
// engine directly; the protocol harness covers QueryData once it routes
// these query types.

// driftRow is one row of the drift summary frame.
type driftRow struct {
	Feature, Method, Notices string
	Score                    float64 // NaN when missing
	Drifted                  bool
	Ref, Cur                 int64
}

type driftOut struct {
	Rows     map[string]driftRow
	Notices  []string
	Executed string
	Times    []time.Time
	Series   map[string][]float64 // over time, NaN where missing
	Frames   []*data.Frame
}

func (o driftOut) notice(sub string) bool {
	for _, n := range o.Notices {
		if strings.Contains(n, sub) {
			return true
		}
	}
	return false
}

func newPromEngine(t testing.TB, url string, lim engine.Limits) *engine.Engine {
	t.Helper()
	c, err := prometheus.New(models.Prometheus{URL: url, Timeout: 60 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return &engine.Engine{Prom: c, Limits: lim}
}

func runQuery(t *testing.T, e *engine.Engine, q string, from, to time.Time) ([]*data.Frame, error) {
	t.Helper()
	mq, err := models.ParseQuery([]byte(q), "")
	if err != nil {
		t.Fatalf("parse %s: %v", q, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	return e.Run(ctx, engine.Request{Query: mq, TimeRange: engine.TimeRange{From: from, To: to}, Interval: time.Minute})
}

func runDrift(t *testing.T, e *engine.Engine, q string, from, to time.Time) driftOut {
	t.Helper()
	frames, err := runQuery(t, e, q, from, to)
	if err != nil {
		t.Fatalf("query %s: %v", q, err)
	}
	return readDrift(t, frames)
}

func readDrift(t *testing.T, frames []*data.Frame) driftOut {
	t.Helper()
	out := driftOut{Rows: map[string]driftRow{}, Series: map[string][]float64{}, Frames: frames}
	sum := frames[0]
	if sum.Meta != nil {
		for _, n := range sum.Meta.Notices {
			out.Notices = append(out.Notices, n.Text)
		}
		out.Executed = sum.Meta.ExecutedQueryString
	}
	field := func(name string) *data.Field {
		f, _ := sum.FieldByName(name)
		if f == nil {
			t.Fatalf("summary frame has no field %q", name)
		}
		return f
	}
	for i := 0; i < sum.Rows(); i++ {
		r := driftRow{
			Feature: field("feature").At(i).(string), Method: field("method").At(i).(string),
			Notices: field("notices").At(i).(string), Drifted: field("drifted").At(i).(bool),
			Ref: field("reference_count").At(i).(int64), Cur: field("current_count").At(i).(int64), Score: math.NaN(),
		}
		if p := field("score").At(i).(*float64); p != nil {
			r.Score = *p
		}
		out.Rows[r.Feature] = r
	}
	if len(frames) > 1 {
		ts := frames[1]
		for i := 0; i < ts.Fields[0].Len(); i++ {
			out.Times = append(out.Times, ts.Fields[0].At(i).(time.Time))
		}
		for _, f := range ts.Fields[1:] {
			vals := make([]float64, f.Len())
			for i := range vals {
				vals[i] = math.NaN()
				if p := f.At(i).(*float64); p != nil {
					vals[i] = *p
				}
			}
			out.Series[f.Labels["feature"]] = vals
		}
	}
	return out
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// driftQuery is a drift query over the fixture's classic histograms with
// the reference in the fixture's first hour.
func driftQuery(fx *promFixture, extra map[string]any) string {
	q := map[string]any{
		"queryType": "drift", "source": "prometheus",
		"prometheus": map[string]any{"metric": "ml_feature_value", "matchers": `model="fraud"`},
		"reference":  map[string]any{"mode": "absolute", "from": fx.Start, "to": fx.Start.Add(time.Hour)},
	}
	for k, v := range extra {
		q[k] = v
	}
	return mustJSON(q)
}

func TestPromDrift(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	fx := newPromFixture(10)
	prom, err := testenv.StartPrometheus(ctx, testenv.PrometheusOptions{OpenMetrics: fx.OpenMetrics()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(prom.Stop)
	e := newPromEngine(t, prom.URL, engine.DefaultLimits())
	curFrom, curTo := fx.Start.Add(2*time.Hour), fx.End
	refFrom, refTo := fx.Start, fx.Start.Add(time.Hour)

	t.Run("classic exact counts detect the drifted features", func(t *testing.T) {
		out := runDrift(t, e, driftQuery(fx, nil), curFrom, curTo)
		t.Logf("notices: %q\nf00: %+v\nf05: %+v\nrelayout: %+v", out.Notices, out.Rows["f00"], out.Rows["f05"], out.Rows["relayout"])
		if len(out.Rows) != 11 {
			t.Fatalf("features = %d, want 10 + relayout: %v", len(out.Rows), out.Rows)
		}
		for _, f := range fx.Features {
			r := out.Rows[f]
			if r.Drifted != fx.Drifted[f] {
				t.Errorf("%s: drifted = %v (score %g, %s), want %v", f, r.Drifted, r.Score, r.Method, fx.Drifted[f])
			}
			if r.Method != "jensenshannon" {
				t.Errorf("%s: auto on %d buckets picked %s, want jensenshannon", f, r.Ref, r.Method)
			}
			// Exact counts: what the fixture observed, across the reset.
			if want := fx.count("feature/"+f, curFrom, curTo); float64(r.Cur) != want {
				t.Errorf("%s: current count = %d, want exactly %g", f, r.Cur, want)
			}
			if want := fx.count("feature/"+f, refFrom, refTo); float64(r.Ref) != want {
				t.Errorf("%s: reference count = %d, want exactly %g", f, r.Ref, want)
			}
			if !strings.Contains(r.Notices, `le spellings of equal bounds were merged`) {
				t.Errorf("%s: notices %q lack the le coalescing", f, r.Notices)
			}
		}
		if r := out.Rows["relayout"]; !strings.Contains(r.Notices, "bucket layouts differ") || r.Drifted || math.IsNaN(r.Score) {
			t.Errorf("relayout: %+v, want a layout notice and no drift", r)
		}
		for _, n := range []string{"exact increases", "counter resets", "NaN or infinite samples were ignored"} {
			if !out.notice(n) {
				t.Errorf("notices %q lack %q", out.Notices, n)
			}
		}
		if !strings.Contains(out.Executed, `ml_feature_value_bucket{model="fraud"}[`) {
			t.Errorf("executed = %q", out.Executed)
		}
	})

	t.Run("over time shows the onset at the right step", func(t *testing.T) {
		out := runDrift(t, e, driftQuery(fx, map[string]any{"overTime": true, "step": "10m", "window": "10m"}), curFrom, curTo)
		if len(out.Times) != 13 {
			t.Fatalf("steps = %d (%v), want 13", len(out.Times), out.Times)
		}
		for _, f := range fx.Features {
			s := out.Series[f]
			for i, tm := range out.Times {
				drifted := s[i] >= 0.1
				want := fx.Drifted[f] && tm.After(fx.Onset)
				if drifted != want || math.IsNaN(s[i]) {
					t.Errorf("%s at %s: score %g, want drifted=%v (onset %s)", f, tm.Sub(fx.Start), s[i], want, fx.Onset.Sub(fx.Start))
				}
			}
		}
		if strings.Count(out.Executed, "\n") != 1 {
			t.Errorf("over time sent %q, want two requests (one per window)", out.Executed)
		}
	})

	t.Run("increase fallback under a small point limit", func(t *testing.T) {
		lim := engine.DefaultLimits()
		lim.MaxPoints = 2000
		small := newPromEngine(t, prom.URL, lim)
		exact := runDrift(t, e, driftQuery(fx, map[string]any{"overTime": true, "step": "30m", "window": "30m"}), curFrom, curTo)
		approx := runDrift(t, small, driftQuery(fx, map[string]any{"overTime": true, "step": "30m", "window": "30m"}), curFrom, curTo)
		t.Logf("notices: %q\nexecuted: %s\nf00 exact %+v\nf00 increase %+v", approx.Notices, approx.Executed, exact.Rows["f00"], approx.Rows["f00"])
		if !approx.notice("increase()") || approx.notice("exact increases") {
			t.Fatalf("notices = %q, want the increase() fallback", approx.Notices)
		}
		if !strings.Contains(approx.Executed, "sum by (feature, le) (increase(") {
			t.Errorf("executed = %q", approx.Executed)
		}
		for _, f := range fx.Features {
			a, x := approx.Rows[f], exact.Rows[f]
			if a.Drifted != x.Drifted || math.Abs(a.Score-x.Score) > 0.02 {
				t.Errorf("%s: increase() score %g (drifted %v), exact %g (%v)", f, a.Score, a.Drifted, x.Score, x.Drifted)
			}
			if rel := math.Abs(float64(a.Cur-x.Cur)) / float64(x.Cur); rel > 0.03 {
				t.Errorf("%s: increase() count %d vs exact %d", f, a.Cur, x.Cur)
			}
			for i := range exact.Times {
				if math.Abs(approx.Series[f][i]-exact.Series[f][i]) > 0.05 {
					t.Errorf("%s step %d: increase() %g vs exact %g", f, i, approx.Series[f][i], exact.Series[f][i])
				}
			}
		}
	})

	t.Run("feature filter and a feature without data", func(t *testing.T) {
		out := runDrift(t, e, driftQuery(fx, map[string]any{"prometheus": map[string]any{
			"metric": "ml_feature_value", "matchers": `{model="fraud"}`, "features": []string{"f00", "nope"},
		}}), curFrom, curTo)
		if len(out.Rows) != 2 || !out.Rows["f00"].Drifted {
			t.Fatalf("rows = %+v", out.Rows)
		}
		if r := out.Rows["nope"]; !math.IsNaN(r.Score) || !strings.Contains(r.Notices, "insufficient data") {
			t.Errorf("nope = %+v, want insufficient data", r)
		}
		if !strings.Contains(out.Executed, `feature=~"f00|nope"`) {
			t.Errorf("executed = %q", out.Executed)
		}
	})

	t.Run("chosen method and minimum count", func(t *testing.T) {
		out := runDrift(t, e, driftQuery(fx, map[string]any{"method": "psi", "threshold": 0.2}), curFrom, curTo)
		if r := out.Rows["f00"]; r.Method != "psi" || !r.Drifted {
			t.Errorf("f00 = %+v", r)
		}
		out = runDrift(t, e, driftQuery(fx, map[string]any{"minCount": 100000}), curFrom, curTo)
		if r := out.Rows["f00"]; !math.IsNaN(r.Score) || r.Drifted {
			t.Errorf("f00 under minCount = %+v, want insufficient data", r)
		}
		_, err := runQuery(t, e, driftQuery(fx, map[string]any{"method": "mannw"}), curFrom, curTo)
		var qe *models.QueryError
		if !errors.As(err, &qe) || !strings.Contains(err.Error(), "does not apply") {
			t.Errorf("mannw on buckets: err = %v, want a method error", err)
		}
	})

	t.Run("offset reference beyond retention", func(t *testing.T) {
		q := driftQuery(fx, map[string]any{"reference": map[string]any{"mode": "offset", "offset": "30d"}})
		out := runDrift(t, e, q, curFrom, curTo)
		if !out.notice("older than the server's retention") {
			t.Errorf("notices = %q", out.Notices)
		}
		for f, r := range out.Rows {
			if !math.IsNaN(r.Score) || r.Drifted || !strings.Contains(r.Notices, "insufficient data") {
				t.Errorf("%s = %+v, want insufficient data", f, r)
			}
		}
	})

	t.Run("unknown metric", func(t *testing.T) {
		q := strings.Replace(driftQuery(fx, nil), "ml_feature_value", "ml_feature_valu", 1)
		_, err := runQuery(t, e, q, curFrom, curTo)
		var qe *models.QueryError
		if !errors.As(err, &qe) || !strings.Contains(err.Error(), `no series matched ml_feature_valu_bucket{model="fraud"}`) {
			t.Errorf("err = %v", err)
		}
	})

	t.Run("invalid PromQL passes the server's message on", func(t *testing.T) {
		q := mustJSON(map[string]any{"queryType": "drift", "prometheus": map[string]any{"expr": "rate(ml_feature_gauge[5m"},
			"reference": map[string]any{"mode": "offset", "offset": "1h"}})
		_, err := runQuery(t, e, q, curFrom, curTo)
		var p *diagnose.Problem
		if !errors.As(err, &p) || !p.Downstream || !strings.Contains(p.Message, "parse error") {
			t.Errorf("err = %v, want the server's parse error, downstream", err)
		}
	})

	t.Run("baseline reference needs ClickHouse", func(t *testing.T) {
		q := mustJSON(map[string]any{"queryType": "distribution", "prometheus": map[string]any{"metric": "ml_prediction_confidence"},
			"reference": map[string]any{"mode": "baseline", "table": "training"}})
		_, err := runQuery(t, e, q, curFrom, curTo)
		if err == nil || !strings.Contains(err.Error(), "ClickHouse") {
			t.Errorf("err = %v", err)
		}
	})

	t.Run("series limit", func(t *testing.T) {
		lim := engine.DefaultLimits()
		lim.MaxSeries = 5
		_, err := runQuery(t, newPromEngine(t, prom.URL, lim), driftQuery(fx, nil), curFrom, curTo)
		var qe *models.QueryError
		if !errors.As(err, &qe) || !strings.Contains(err.Error(), "more than 5 series") || !strings.Contains(err.Error(), "Narrow the query") {
			t.Errorf("err = %v", err)
		}
	})

	t.Run("samples of an expression", func(t *testing.T) {
		q := mustJSON(map[string]any{"queryType": "drift", "prometheus": map[string]any{"input": "samples", "expr": "ml_feature_gauge"},
			"reference": map[string]any{"mode": "absolute", "from": refFrom, "to": refTo}, "overTime": true, "step": "30m", "window": "30m"})
		out := runDrift(t, e, q, fx.Start.Add(150*time.Minute), curTo)
		g0, g1 := out.Rows["g0"], out.Rows["g1"]
		if g0.Method != "ks" || g0.Drifted || !g1.Drifted || g0.Ref != 61 {
			t.Errorf("g0 = %+v, g1 = %+v; want ks, drift in g1 only, 61 reference values", g0, g1)
		}
		s := out.Series["g1"]
		for i, tm := range out.Times {
			// Consecutive values are few (30 a step): chance p-values below
			// 0.05 happen, so the bounds are wide apart.
			if after := tm.After(fx.Onset); (after && s[i] > 1e-6) || (!after && s[i] < 0.001) {
				t.Errorf("g1 at %s: p = %g", tm.Sub(fx.Start), s[i])
			}
		}
	})

	t.Run("distribution histogram", func(t *testing.T) {
		q := mustJSON(map[string]any{"queryType": "distribution", "prometheus": map[string]any{"metric": "ml_prediction_confidence"},
			"reference": map[string]any{"mode": "absolute", "from": refFrom, "to": refTo}})
		frames, err := runQuery(t, e, q, fx.Onset, curTo)
		if err != nil {
			t.Fatal(err)
		}
		f := frames[0]
		lower, _ := f.FieldByName("lower")
		upper, _ := f.FieldByName("upper")
		if f.Rows() != len(confidenceBounds) || lower.At(0).(float64) != 0 || upper.At(0).(float64) != 0.1 || lower.At(1).(float64) != 0.1 || !math.IsInf(upper.At(f.Rows()-1).(float64), 1) {
			t.Fatalf("bins = %v / %v", lower, upper)
		}
		custom := f.Meta.Custom.(map[string]any)
		if custom["drifted"] != true || custom["current_total"].(float64) != fx.count("confidence", fx.Onset, curTo) {
			t.Errorf("meta = %v", custom)
		}
		// Shares: all reference mass is above 0.6.
		ref, _ := f.FieldByName("reference")
		for i := 0; i < 6; i++ {
			if ref.At(i).(float64) != 0 {
				t.Errorf("reference share below 0.6 at bin %d: %v", i, ref.At(i))
			}
		}
	})

	t.Run("distribution classes", func(t *testing.T) {
		q := mustJSON(map[string]any{"queryType": "distribution", "mode": "classes", "prometheus": map[string]any{"matchers": `model="fraud"`},
			"reference": map[string]any{"mode": "absolute", "from": refFrom, "to": refTo}})
		frames, err := runQuery(t, e, q, fx.Onset, curTo)
		if err != nil {
			t.Fatal(err)
		}
		f := frames[0]
		class, _ := f.FieldByName("class")
		custom := f.Meta.Custom.(map[string]any)
		if class.Len() != 3 || class.At(0) != "bird" || custom["method"] != "chisquare" || custom["drifted"] != true {
			t.Fatalf("classes = %v, meta = %v", class, custom)
		}
		counts := custom["current_counts"].([]float64)
		for i, c := range fixtureClasses {
			if want := fx.count("class/"+c, fx.Onset, curTo); counts[i] != want {
				t.Errorf("%s: current count %g, want %g", c, counts[i], want)
			}
		}
	})

	t.Run("alert frames", func(t *testing.T) {
		mq, _ := models.ParseQuery([]byte(driftQuery(fx, nil)), "")
		frames, err := e.Run(context.Background(), engine.Request{Query: mq, TimeRange: engine.TimeRange{From: curFrom, To: curTo}, FromAlert: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(frames) != 11 || frames[0].Meta.Type != data.FrameTypeNumericMulti || frames[0].Fields[0].Labels["feature"] != "f00" {
			t.Errorf("alert frames: %d, first %+v", len(frames), frames[0].Fields[0].Labels)
		}
	})
}

// TestPromDriftNative scrapes a live exporter of native histograms (the
// backfill tool cannot write them): a reference phase, then a current
// phase with another bucket factor (so another schema) in which feature y
// shifts.
func TestPromDriftNative(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	ex := startNativeExporter(t)
	prom, err := testenv.StartPrometheusScraping(ctx, testenv.ScrapeOptions{
		Targets: []string{ex.addr}, Interval: time.Second, FeatureFlags: []string{"native-histograms"},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(prom.Stop)
	e := newPromEngine(t, prom.URL, engine.DefaultLimits())

	t0 := time.Now()
	ex.run(1)
	time.Sleep(8 * time.Second)
	t1 := time.Now()
	ex.run(2)
	time.Sleep(8 * time.Second)
	t2 := time.Now()
	time.Sleep(1500 * time.Millisecond) // the last scrape
	ex.stop()

	ref := map[string]any{"mode": "absolute", "from": t0.Add(2 * time.Second), "to": t1.Add(-500 * time.Millisecond)}
	q := mustJSON(map[string]any{"queryType": "drift", "prometheus": map[string]any{"input": "native", "metric": "ml_native_value"},
		"reference": ref, "overTime": true, "step": "2s", "window": "2s"})
	out := runDrift(t, e, q, t1.Add(2500*time.Millisecond), t2)
	t.Logf("notices %q\nx %+v\ny %+v\nseries %v", out.Notices, out.Rows["x"], out.Rows["y"], out.Series)
	x, y := out.Rows["x"], out.Rows["y"]
	if x.Drifted || !y.Drifted || math.IsNaN(x.Score) || x.Method != "jensenshannon" {
		t.Errorf("x = %+v, y = %+v; want drift in y only", x, y)
	}
	if !strings.Contains(y.Notices, "schemas differ between the windows (3 and 1)") {
		t.Errorf("y notices = %q, want the schema merge", y.Notices)
	}
	if !out.notice("native histogram counts come from increase()") {
		t.Errorf("notices = %q", out.Notices)
	}
	if !strings.Contains(out.Executed, "sum by (feature) (increase(ml_native_value[") {
		t.Errorf("executed = %q", out.Executed)
	}
	scored := 0
	for i := range out.Times {
		if v := out.Series["y"][i]; !math.IsNaN(v) {
			scored++
			if v < 0.1 {
				t.Errorf("y step %d: score %g, want drift", i, v)
			}
		}
	}
	if scored == 0 {
		t.Errorf("no over-time scores for y: %v", out.Series["y"])
	}

	// The distribution of one native histogram (both features summed).
	dq := mustJSON(map[string]any{"queryType": "distribution", "prometheus": map[string]any{"input": "native", "metric": "ml_native_value"}, "reference": ref})
	frames, err := runQuery(t, e, dq, t1.Add(2500*time.Millisecond), t2)
	if err != nil {
		t.Fatal(err)
	}
	f := frames[0]
	lower, _ := f.FieldByName("lower")
	upper, _ := f.FieldByName("upper")
	if f.Rows() < 3 {
		t.Fatalf("bins: %d", f.Rows())
	}
	for i := 0; i < f.Rows(); i++ {
		lo, hi := lower.At(i).(float64), upper.At(i).(float64)
		// Schema 1: each bucket spans a factor of sqrt(2), on either side
		// of zero; buckets follow each other.
		ratio := hi / lo
		if hi < 0 {
			ratio = lo / hi
		}
		if !(hi > lo) || (lo*hi > 0 && math.Abs(ratio-math.Sqrt2) > 1e-9) || (i > 0 && lo < upper.At(i-1).(float64)) {
			t.Errorf("bin %d = (%g, %g], want a schema-1 bucket", i, lo, hi)
		}
	}
	if custom := f.Meta.Custom.(map[string]any); custom["drifted"] != true {
		t.Errorf("meta = %v", custom)
	}

	// A classic metric read as native is a clear error.
	cq := strings.Replace(dq, "ml_native_value", "ml_native_plain_total", 1)
	if _, err := runQuery(t, e, cq, t1.Add(2500*time.Millisecond), t2); err == nil || !strings.Contains(err.Error(), "not native histograms") {
		t.Errorf("plain counter as native: err = %v", err)
	}
}
