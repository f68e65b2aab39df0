//go:build integration

package integration

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlwatch/mlwatch/internal/testenv"
	"github.com/mlwatch/mlwatch/pkg/engine"
	"github.com/mlwatch/mlwatch/pkg/models"
	"github.com/mlwatch/mlwatch/pkg/source/prometheus"
)

// dcgmFleet is tests/fixtures/dcgm/fleet.json.
type dcgmFleet struct {
	StepSeconds int    `json:"stepSeconds"`
	Minutes     int    `json:"minutes"`
	Model       string `json:"model"`
	Nodes       []struct {
		Host, HostLabel, Namespace, Pod string
		Util                            float64
		P2P                             bool
	} `json:"nodes"`
	GPUsPerNode int `json:"gpusPerNode"`
	Overrides   []struct {
		Host, GPU             string
		Util                  float64
		SMClock, Temp         float64
		ClockEventReasons     float64
		ThermalViolationShare float64
	} `json:"overrides"`
	DuplicateScrape struct{ Host, GPU, Instance string } `json:"duplicateScrape"`
	BrokenLink      struct {
		Host, GPU, Peer, Status string
		Code                    float64
	} `json:"brokenLink"`
	Expect struct {
		GPUs       int      `json:"gpus"`
		Stragglers []string `json:"stragglers"`
		IdleGroups []string `json:"idleGroups"`
		Links      int      `json:"links"`
	} `json:"expect"`
}

// startDCGMPrometheus backfills a Prometheus with the fleet of
// tests/fixtures/dcgm/fleet.json, ending now; it is stopped when the test
// ends.
func startDCGMPrometheus(t *testing.T) (*testenv.Prometheus, *dcgmFleet, time.Time) {
	t.Helper()
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(root, "tests", "fixtures", "dcgm", "fleet.json"))
	if err != nil {
		t.Fatal(err)
	}
	var fleet dcgmFleet
	if err := json.Unmarshal(raw, &fleet); err != nil {
		t.Fatalf("fleet.json: %v", err)
	}
	now := time.Now().Truncate(time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	prom, err := testenv.StartPrometheus(ctx, testenv.PrometheusOptions{OpenMetrics: dcgmOpenMetrics(&fleet, now)})
	if err != nil {
		t.Fatalf("start Prometheus with the DCGM fleet: %v", err)
	}
	t.Cleanup(prom.Stop)
	return prom, &fleet, now
}

// TestGPUOnRealPrometheus runs the gpu query against a real Prometheus
// holding the fixture fleet.
func TestGPUOnRealPrometheus(t *testing.T) {
	prom, fleet, now := startDCGMPrometheus(t)
	e := gpuEngine(t, prom.URL)
	t.Run("stragglers", func(t *testing.T) { testGPUStragglers(t, e, fleet, now) })
	t.Run("alert frames", func(t *testing.T) { testGPUAlertFrames(t, e, now) })
	t.Run("filters and groups", func(t *testing.T) { testGPUFiltersAndGroups(t, e, now) })
}

// dcgmOpenMetrics renders the fleet as dcgm-exporter would expose it,
// scraped every stepSeconds for the given minutes up to now.
func dcgmOpenMetrics(f *dcgmFleet, now time.Time) string {
	type series struct {
		labels string
		value  func(i int) float64
	}
	families := map[string][]series{}
	order := []string{"DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_DEV_FB_USED", "DCGM_FI_DEV_FB_FREE", "DCGM_FI_DEV_GPU_TEMP",
		"DCGM_FI_DEV_POWER_USAGE", "DCGM_FI_DEV_SM_CLOCK", "DCGM_FI_PROF_PIPE_TENSOR_ACTIVE", "DCGM_FI_DEV_XID_ERRORS", "DCGM_FI_DEV_CLOCKS_EVENT_REASONS", "DCGM_FI_DEV_THERMAL_VIOLATION", "DCGM_EXP_P2P_STATUS"}
	override := func(host, g string) (util, clock, temp, reasons, throttled float64, ok bool) {
		for _, o := range f.Overrides {
			if o.Host == host && o.GPU == g {
				return o.Util, o.SMClock, o.Temp, o.ClockEventReasons, o.ThermalViolationShare, true
			}
		}
		return 0, 0, 0, 0, 0, false
	}
	for n, node := range f.Nodes {
		instance := fmt.Sprintf("10.0.%d.1:9400", n)
		for g := 0; g < f.GPUsPerNode; g++ {
			idx := fmt.Sprint(g)
			util, clock, temp, reasons, throttled := node.Util, 1980.0, 62.0, 0.0, 0.0
			if u, c, tp, r, th, ok := override(node.Host, idx); ok {
				util, reasons, throttled = u, r, th
				if c > 0 {
					clock = c
				}
				if tp > 0 {
					temp = tp
				}
			}
			labels := func(inst string) string {
				return fmt.Sprintf(`gpu="%d",UUID="GPU-%s-%d",pci_bus_id="00000000:%02X:00.0",device="nvidia%d",modelName="%s",%s="%s",DCGM_FI_DRIVER_VERSION="570.86.15",container="main",namespace="%s",pod="%s",instance="%s",job="dcgm-exporter"`,
					g, node.Host, g, 0x18+g*0x10, g, f.Model, node.HostLabel, node.Host, node.Namespace, node.Pod, inst)
			}
			base := labels(instance)
			phase := float64(n*f.GPUsPerNode + g)
			// A wave around the mean: the window's average is close to util.
			utilAt := func(i int) float64 {
				v := util + 2*math.Sin(float64(i)/7+phase)
				return math.Max(0, math.Min(100, math.Round(v)))
			}
			if util == 0 {
				utilAt = func(int) float64 { return 0 }
			}
			add := func(name string, v func(int) float64) { families[name] = append(families[name], series{base, v}) }
			add("DCGM_FI_DEV_GPU_UTIL", utilAt)
			add("DCGM_FI_DEV_FB_USED", func(i int) float64 { return math.Round(800 * utilAt(i)) })
			add("DCGM_FI_DEV_FB_FREE", func(i int) float64 { return 81559 - math.Round(800*utilAt(i)) })
			add("DCGM_FI_DEV_GPU_TEMP", func(int) float64 { return temp })
			add("DCGM_FI_DEV_POWER_USAGE", func(i int) float64 { return 70 + 6.3*utilAt(i) })
			add("DCGM_FI_DEV_SM_CLOCK", func(int) float64 { return clock })
			add("DCGM_FI_PROF_PIPE_TENSOR_ACTIVE", func(i int) float64 { return utilAt(i) / 160 })
			add("DCGM_FI_DEV_XID_ERRORS", func(int) float64 { return 0 })
			add("DCGM_FI_DEV_CLOCKS_EVENT_REASONS", func(int) float64 { return reasons })
			// Nanoseconds throttled since boot: a counter.
			add("DCGM_FI_DEV_THERMAL_VIOLATION", func(i int) float64 { return 1e12 + throttled*1e9*float64(i*f.StepSeconds) })
			if d := f.DuplicateScrape; d.Host == node.Host && d.GPU == idx {
				families["DCGM_FI_DEV_GPU_UTIL"] = append(families["DCGM_FI_DEV_GPU_UTIL"], series{labels(d.Instance), utilAt})
			}
			if node.P2P {
				for peer := 0; peer < f.GPUsPerNode; peer++ {
					if peer == g {
						continue
					}
					status, code := "OK", 0.0
					if b := f.BrokenLink; b.Host == node.Host && b.GPU == idx && b.Peer == fmt.Sprint(peer) {
						status, code = b.Status, b.Code
					}
					l := fmt.Sprintf(`%s,peer_gpu="%d",link_status="%s"`, base, peer, status)
					families["DCGM_EXP_P2P_STATUS"] = append(families["DCGM_EXP_P2P_STATUS"], series{l, func(int) float64 { return code }})
				}
			}
		}
	}
	steps := f.Minutes * 60 / f.StepSeconds
	var b strings.Builder
	for _, name := range order {
		typ := "gauge"
		if name == "DCGM_FI_DEV_THERMAL_VIOLATION" {
			typ = "counter"
		}
		fmt.Fprintf(&b, "# TYPE %s %s\n", name, typ)
		for _, s := range families[name] {
			for i := 0; i <= steps; i++ {
				ts := now.Add(-time.Duration((steps-i)*f.StepSeconds) * time.Second)
				fmt.Fprintf(&b, "%s{%s} %g %d\n", name, s.labels, s.value(i), ts.Unix())
			}
		}
	}
	b.WriteString("# EOF\n")
	return b.String()
}

func gpuEngine(t *testing.T, url string) *engine.Engine {
	t.Helper()
	c, err := prometheus.New(models.Prometheus{URL: url, Timeout: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return &engine.Engine{Prom: c, Limits: engine.DefaultLimits()}
}

func runGPUQuery(t *testing.T, e *engine.Engine, queryJSON string, tr engine.TimeRange, fromAlert bool) ([]*data.Frame, error) {
	t.Helper()
	q, err := models.ParseQuery([]byte(queryJSON), models.TypeGPU)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return e.Run(ctx, engine.Request{Query: q, TimeRange: tr, FromAlert: fromAlert})
}

// gpuRows reads the table frame into maps keyed by "host/gpu".
func gpuRows(t *testing.T, f *data.Frame) map[string]map[string]any {
	t.Helper()
	n, err := f.RowLen()
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]map[string]any{}
	for i := 0; i < n; i++ {
		row := map[string]any{}
		for _, field := range f.Fields {
			v, ok := field.ConcreteAt(i)
			if !ok {
				v = nil
			}
			row[field.Name] = v
		}
		rows[fmt.Sprintf("%s/%s", row["host"], row["gpu"])] = row
	}
	return rows
}

func stragglersOf(rows map[string]map[string]any) []string {
	var out []string
	for k, r := range rows {
		if r["straggler"] == true {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

func testGPUStragglers(t *testing.T, e *engine.Engine, fleet *dcgmFleet, now time.Time) {
	tr := engine.TimeRange{From: now.Add(-30 * time.Minute), To: now}
	frames, err := runGPUQuery(t, e, `{"queryType":"gpu"}`, tr, false)
	if err != nil {
		t.Fatalf("gpu query: %v", err)
	}
	if len(frames) != 2 || frames[0].Name != "gpus" || frames[1].Name != "gpu_links" {
		t.Fatalf("frames = %v", frames)
	}
	rows := gpuRows(t, frames[0])
	if len(rows) != fleet.Expect.GPUs {
		t.Fatalf("%d GPUs, want %d (keys %v)", len(rows), fleet.Expect.GPUs, gpuSortedKeys(rows))
	}
	if got := stragglersOf(rows); !slices.Equal(got, fleet.Expect.Stragglers) {
		t.Errorf("stragglers = %v, want %v", got, fleet.Expect.Stragglers)
	}
	s := rows["dgx-a02/5"]
	if score := s["straggler_score"].(float64); math.Abs(score-45.0/95) > 0.02 {
		t.Errorf("straggler score %v, want about %v", score, 45.0/95)
	}
	if s["DCGM_FI_DEV_CLOCKS_EVENT_REASONS"] != 8.0 || rows["dgx-a02/4"]["DCGM_FI_DEV_CLOCKS_EVENT_REASONS"] != 0.0 {
		t.Errorf("clock event reasons: straggler %v, peer %v", s["DCGM_FI_DEV_CLOCKS_EVENT_REASONS"], rows["dgx-a02/4"]["DCGM_FI_DEV_CLOCKS_EVENT_REASONS"])
	}
	if th := s["thermal_violation_share"].(float64); math.Abs(th-0.3) > 0.01 || rows["dgx-a02/4"]["thermal_violation_share"] != 0.0 {
		t.Errorf("thermal throttling share: straggler %v, peer %v", th, rows["dgx-a02/4"]["thermal_violation_share"])
	}
	if s["DCGM_FI_DEV_SM_CLOCK"].(float64) != 1410 || s["uuid"] != "GPU-dgx-a02-5" || s["model"] != fleet.Model || s["namespace"] != "llm-train" || s["pod"] != "trainer-1" || s["container"] != "main" {
		t.Errorf("straggler row = %v", s)
	}
	// Both host label spellings resolve.
	if rows["dgx-a10/3"] == nil || rows["dgx-a01/3"] == nil {
		t.Errorf("hosts = %v", gpuSortedKeys(rows))
	}
	for _, g := range []string{"dgx-b01/0", "dgx-b01/3"} {
		r := rows[g]
		if r["group"] != "notebooks" || r["straggler"] != false || r["group_median"].(float64) > 10 {
			t.Errorf("idle GPU %s = %v", g, r)
		}
	}
	if u := rows["dgx-a10/0"]["DCGM_FI_DEV_GPU_UTIL"].(float64); math.Abs(u-95) > 1 {
		t.Errorf("the GPU scraped twice has util %v, want about 95 (averaged, not summed)", u)
	}
	notices := gpuFrameNotices(frames[0])
	for _, want := range []string{"1 series duplicated a GPU", "1 of 2 groups have a median utilisation below 40%"} {
		if !strings.Contains(notices, want) {
			t.Errorf("notices %q lack %q", notices, want)
		}
	}
	if !strings.Contains(frames[0].Meta.ExecutedQueryString, "avg_over_time(DCGM_FI_DEV_GPU_UTIL[1800s])") {
		t.Errorf("executed = %s", frames[0].Meta.ExecutedQueryString)
	}
	// Peer links of the node that exports them: 8 x 7, one broken.
	links := frames[1]
	if n, _ := links.RowLen(); n != fleet.Expect.Links {
		t.Errorf("%d links, want %d", n, fleet.Expect.Links)
	}
	var bad []string
	for i := 0; i < links.Rows(); i++ {
		if st := links.Fields[3].At(i).(string); st != "OK" {
			bad = append(bad, fmt.Sprintf("%s %s->%s %s %v", links.Fields[0].At(i), links.Fields[1].At(i), links.Fields[2].At(i), st, links.Fields[4].At(i)))
		}
	}
	if strings.Join(bad, ";") != "dgx-a01 2->6 Unknown 6" {
		t.Errorf("broken links = %v", bad)
	}
}

func testGPUAlertFrames(t *testing.T, e *engine.Engine, now time.Time) {
	frames, err := runGPUQuery(t, e, `{"queryType":"gpu"}`, engine.TimeRange{From: now.Add(-30 * time.Minute), To: now}, true)
	if err != nil {
		t.Fatal(err)
	}
	// 24 GPUs of the busy namespace; the idle namespace is not judged.
	if len(frames) != 24 {
		t.Fatalf("%d numeric frames, want 24", len(frames))
	}
	var firing []string
	for _, f := range frames {
		if f.Meta.Type != data.FrameTypeNumericMulti {
			t.Fatalf("frame type %s", f.Meta.Type)
		}
		field := f.Fields[0]
		if v := field.At(0).(*float64); v != nil && *v < 0.75 {
			firing = append(firing, field.Labels["host"]+"/"+field.Labels["gpu"]+" "+field.Labels["namespace"]+" "+field.Labels["uuid"])
		}
	}
	if strings.Join(firing, ";") != "dgx-a02/5 llm-train GPU-dgx-a02-5" {
		t.Errorf("alert instances below 0.75: %v", firing)
	}
}

func testGPUFiltersAndGroups(t *testing.T, e *engine.Engine, now time.Time) {
	tr := engine.TimeRange{From: now.Add(-30 * time.Minute), To: now}
	tests := []struct {
		name, query    string
		tr             engine.TimeRange
		wantGPUs       int
		wantStragglers []string
		wantHosts      string
		wantNotice     string
	}{
		{"idle namespace", `{"gpu":{"namespace":"notebooks"}}`, tr, 8, nil, "dgx-b01", "below 40%"},
		{"host regex on the lower-case label", `{"gpu":{"host":"dgx-a1.*"}}`, tr, 8, nil, "dgx-a10", ""},
		{"two hosts on the upper-case label", `{"gpu":{"host":"dgx-a01|dgx-a02"}}`, tr, 16, []string{"dgx-a02/5"}, "dgx-a01,dgx-a02", ""},
		{"grouped by host", `{"gpu":{"groupLabel":"host"}}`, tr, 32, []string{"dgx-a02/5"}, "dgx-a01,dgx-a02,dgx-a10,dgx-b01", ""},
		{"grouped by pod with a higher threshold", `{"gpu":{"groupLabel":"pod","stragglerThreshold":0.45}}`, tr, 32, nil, "dgx-a01,dgx-a02,dgx-a10,dgx-b01", ""},
		{"six hours (subquery)", `{}`, engine.TimeRange{From: now.Add(-6 * time.Hour), To: now}, 32, []string{"dgx-a02/5"}, "dgx-a01,dgx-a02,dgx-a10,dgx-b01", "sampled every 30s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			frames, err := runGPUQuery(t, e, tt.query, tt.tr, false)
			if err != nil {
				t.Fatal(err)
			}
			rows := gpuRows(t, frames[0])
			if len(rows) != tt.wantGPUs {
				t.Errorf("%d GPUs, want %d", len(rows), tt.wantGPUs)
			}
			if got := stragglersOf(rows); !slices.Equal(got, tt.wantStragglers) {
				t.Errorf("stragglers %v, want %v", got, tt.wantStragglers)
			}
			hosts := map[string]bool{}
			for _, r := range rows {
				hosts[r["host"].(string)] = true
			}
			if got := strings.Join(gpuSortedKeys(hosts), ","); got != tt.wantHosts {
				t.Errorf("hosts %s, want %s", got, tt.wantHosts)
			}
			if tt.wantNotice != "" && !strings.Contains(gpuFrameNotices(frames[0]), tt.wantNotice) {
				t.Errorf("notices %q lack %q", gpuFrameNotices(frames[0]), tt.wantNotice)
			}
		})
	}
}

func TestGPUWithoutDCGMOnRealPrometheus(t *testing.T) {
	// The package's shared Prometheus has ML request counters, no DCGM.
	e := gpuEngine(t, env.prom.URL)
	tr := engine.TimeRange{From: env.start.Add(-30 * time.Minute), To: env.start}
	_, err := runGPUQuery(t, e, `{}`, tr, false)
	if err == nil || !strings.Contains(err.Error(), "no DCGM metrics found") || !strings.Contains(err.Error(), "dcgm-exporter") {
		t.Errorf("err = %v", err)
	}
	frames, err := runGPUQuery(t, e, `{}`, tr, true)
	if err != nil || len(frames) != 1 || len(frames[0].Fields) != 0 || !strings.Contains(gpuFrameNotices(frames[0]), "DCGM_FI_DEV_GPU_UTIL") {
		t.Errorf("alert without DCGM: %v, %v", frames, err)
	}
	// A regex that Prometheus would reject is caught before sending.
	_, err = runGPUQuery(t, gpuEngine(t, env.prom.URL), `{"gpu":{"pod":"trainer-("}}`, tr, false)
	if err == nil || !strings.Contains(err.Error(), "not a valid regular expression") {
		t.Errorf("bad regex: %v", err)
	}
}

func gpuFrameNotices(f *data.Frame) string {
	if f.Meta == nil {
		return ""
	}
	var parts []string
	for _, n := range f.Meta.Notices {
		parts = append(parts, n.Text)
	}
	return strings.Join(parts, "\n")
}

func gpuSortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestGPULargeFleetOnRealPrometheus is 16,384 GPUs (2,048 nodes of 8, 64
// jobs of 32 nodes) with one straggler: the query must return every GPU,
// find exactly the straggler, and stay quick.
func TestGPULargeFleetOnRealPrometheus(t *testing.T) {
	if testing.Short() {
		t.Skip("large fleet: skipped with -short")
	}
	const nodes, perNode, samples = 2048, 8, 6
	now := time.Now().Truncate(time.Minute)
	var b strings.Builder
	b.Grow(nodes * perNode * samples * 2 * 150)
	for _, metric := range []string{"DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_DEV_GPU_TEMP"} {
		fmt.Fprintf(&b, "# TYPE %s gauge\n", metric)
		for n := 0; n < nodes; n++ {
			for g := 0; g < perNode; g++ {
				v := 90 + float64((n+g)%10)
				if metric == "DCGM_FI_DEV_GPU_UTIL" && n == 1717 && g == 4 {
					v = 45
				}
				if metric == "DCGM_FI_DEV_GPU_TEMP" {
					v = 60
				}
				for i := samples - 1; i >= 0; i-- {
					fmt.Fprintf(&b, "%s{gpu=\"%d\",UUID=\"GPU-%d-%d\",Hostname=\"node%04d\",namespace=\"job%02d\",pod=\"w-%d\",instance=\"node%04d:9400\"} %g %d\n",
						metric, g, n, g, n, n/32, n, n, v, now.Add(-time.Duration(i)*time.Minute).Unix())
				}
			}
		}
	}
	b.WriteString("# EOF\n")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	start := time.Now()
	prom, err := testenv.StartPrometheus(ctx, testenv.PrometheusOptions{OpenMetrics: b.String()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(prom.Stop)
	t.Logf("backfilled %d MB for %d GPUs in %s", b.Len()>>20, nodes*perNode, time.Since(start).Round(time.Millisecond))
	e := gpuEngine(t, prom.URL)
	start = time.Now()
	frames, err := runGPUQuery(t, e, `{}`, engine.TimeRange{From: now.Add(-5 * time.Minute), To: now}, false)
	took := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	rows := gpuRows(t, frames[0])
	if len(rows) != nodes*perNode {
		t.Fatalf("%d GPUs, want %d", len(rows), nodes*perNode)
	}
	if got := stragglersOf(rows); strings.Join(got, ",") != "node1717/4" {
		t.Errorf("stragglers = %v", got)
	}
	t.Logf("gpu query over %d GPUs took %s", len(rows), took.Round(time.Millisecond))
	if took > 20*time.Second {
		t.Errorf("the query took %s", took)
	}
	alerts, err := runGPUQuery(t, e, `{}`, engine.TimeRange{From: now.Add(-5 * time.Minute), To: now}, true)
	if err != nil || len(alerts) != nodes*perNode {
		t.Errorf("alert frames: %d, %v", len(alerts), err)
	}
}
