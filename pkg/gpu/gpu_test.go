package gpu

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"
)

func lbl(kv ...string) map[string]string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

func TestHostOf(t *testing.T) {
	tests := []struct {
		name   string
		labels map[string]string
		want   string
	}{
		{"new lower-case label", lbl("hostname", "n1", "instance", "10.0.0.1:9400"), "n1"},
		{"released upper-case label", lbl("Hostname", "n2", "instance", "10.0.0.1:9400"), "n2"},
		{"both spellings: the newer wins", lbl("Hostname", "old", "hostname", "new"), "new"},
		{"--no-hostname falls back to instance", lbl("instance", "10.0.0.1:9400"), "10.0.0.1:9400"},
		{"empty host label falls back", lbl("Hostname", "", "instance", "i"), "i"},
		{"nothing", lbl(), ""},
	}
	for _, tt := range tests {
		if got := HostOf(tt.labels); got != tt.want {
			t.Errorf("%s: HostOf = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestKeyOf(t *testing.T) {
	if _, ok := KeyOf(lbl("Hostname", "n1", "nvswitch", "nvswitch0")); ok {
		t.Error("a series without a gpu label (NVSwitch entity) must not make a GPU")
	}
	k, ok := KeyOf(lbl("Hostname", "n1", "gpu", "3", "GPU_I_ID", "2"))
	if !ok || k != (Key{Host: "n1", GPU: "3", MIG: "2"}) || k.String() != "n1/3/mig2" {
		t.Errorf("KeyOf = %+v %v (%s)", k, ok, k)
	}
}

func TestFleetMergesDuplicatesAndLabels(t *testing.T) {
	f := NewFleet([]string{"util", "temp"})
	// Two scrape jobs of the same exporter: same host label, different
	// instance. The second carries the pod label the first lacks.
	f.Add(0, Sample{lbl("Hostname", "n1", "instance", "a:9400", "gpu", "0", "UUID", "GPU-1", "modelName", "H100"), 90})
	f.Add(0, Sample{lbl("Hostname", "n1", "instance", "b:9400", "gpu", "0", "pod", "train-0", "namespace", "ml"), 80})
	f.Add(1, Sample{lbl("Hostname", "n1", "gpu", "0"), math.NaN()}) // NaN is no value
	f.Add(0, Sample{lbl("Hostname", "n1", "gpu", "1", "pod", "a"), 50})
	f.Add(1, Sample{lbl("Hostname", "n1", "gpu", "1", "pod", "b"), 60}) // pod changed
	f.Add(0, Sample{lbl("Hostname", "n1"), 1})                          // no gpu label
	gpus := f.GPUs(0)
	if len(gpus) != 2 {
		t.Fatalf("%d GPUs, want 2", len(gpus))
	}
	g0, g1 := gpus[0], gpus[1]
	if g0.Values[0] != 85 || g0.Util != 85 {
		t.Errorf("duplicates must be averaged: util = %v", g0.Values[0])
	}
	if !math.IsNaN(g0.Values[1]) {
		t.Errorf("a metric with only NaN must stay NaN, got %v", g0.Values[1])
	}
	if g0.UUID != "GPU-1" || g0.Model != "H100" || g0.Pod != "train-0" || g0.Namespace != "ml" {
		t.Errorf("labels were not filled from both series: %+v", g0)
	}
	if g0.Label("pod") != "train-0" || g0.Label("host") != "n1" || g0.Label("instance") != "a:9400" {
		t.Errorf("Label lookups: pod=%q host=%q instance=%q", g0.Label("pod"), g0.Label("host"), g0.Label("instance"))
	}
	if g1.Pod != "a" || strings.Join(g1.Conflicts(), ",") != "pod" {
		t.Errorf("the first pod is kept and the conflict recorded: pod=%q conflicts=%v", g1.Pod, g1.Conflicts())
	}
	if f.Duplicates != 1 || f.Unkeyed != 1 {
		t.Errorf("duplicates=%d unkeyed=%d, want 1 and 1", f.Duplicates, f.Unkeyed)
	}
	if !f.HasColumn(1) || NewFleet([]string{"x"}).HasColumn(0) {
		t.Error("HasColumn")
	}
}

func TestFleetOrder(t *testing.T) {
	f := NewFleet([]string{"u"})
	for _, h := range []string{"node10", "node2", "node1"} {
		for _, g := range []string{"10", "2", "0"} {
			f.Add(0, Sample{lbl("hostname", h, "gpu", g), 1})
		}
	}
	var got []string
	for _, g := range f.GPUs(0) {
		got = append(got, g.Key.String())
	}
	want := "node1/0 node1/2 node1/10 node2/0 node2/2 node2/10 node10/0 node10/2 node10/10"
	if strings.Join(got, " ") != want {
		t.Errorf("order = %v", got)
	}
}

func TestNaturalCompare(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"gpu2", "gpu10", -1},
		{"10.0.0.9:9400", "10.0.0.10:9400", -1},
		{"a", "a", 0},
		{"a", "ab", -1},
		{"n01", "n1", 1}, // equal value: the longer digit run sorts after
		{"b1", "a2", 1},
		{"", "x", -1},
	}
	for _, tt := range tests {
		if got := NaturalCompare(tt.a, tt.b); got != tt.want {
			t.Errorf("NaturalCompare(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := NaturalCompare(tt.b, tt.a); got != -tt.want {
			t.Errorf("NaturalCompare(%q, %q) = %d, want %d", tt.b, tt.a, got, -tt.want)
		}
	}
}

func TestMedian(t *testing.T) {
	tests := []struct {
		in   []float64
		want float64
	}{
		{[]float64{3}, 3},
		{[]float64{5, 1, 3}, 3},
		{[]float64{4, 1, 3, 2}, 2.5},
		{[]float64{95, 95, 45, 95}, 95},
	}
	for _, tt := range tests {
		if got := Median(tt.in); got != tt.want {
			t.Errorf("Median(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
	if !math.IsNaN(Median(nil)) {
		t.Error("Median of nothing must be NaN")
	}
	in := []float64{3, 1, 2}
	Median(in)
	if in[0] != 3 {
		t.Error("Median must not reorder its input")
	}
}

// group builds GPUs of one namespace with the given utilisations.
func group(ns string, utils ...float64) []*GPU {
	var out []*GPU
	for i, u := range utils {
		out = append(out, &GPU{Key: Key{Host: "h-" + ns, GPU: fmt.Sprint(i)}, Namespace: ns, Util: u})
	}
	return out
}

func TestAnalyze(t *testing.T) {
	opts := Options{GroupLabels: []string{"namespace"}, Threshold: 0.75, MinGroupMedian: 40}
	tests := []struct {
		name          string
		gpus          []*GPU
		opts          Options
		wantStraggler []bool
		wantScore     []float64 // NaN for none
		wantIdle      bool
	}{
		{
			name:          "one GPU at 45% in a group at 95%",
			gpus:          group("train", 95, 96, 45, 94),
			wantStraggler: []bool{false, false, true, false},
			wantScore:     []float64{95 / 94.5, 96 / 94.5, 45 / 94.5, 94 / 94.5},
		},
		{
			name:          "a single GPU scores 1",
			gpus:          group("solo", 12),
			wantStraggler: []bool{false},
			wantScore:     []float64{1},
			wantIdle:      true,
		},
		{
			name:          "a single busy GPU scores 1 and is not idle",
			gpus:          group("solo", 80),
			wantStraggler: []bool{false},
			wantScore:     []float64{1},
		},
		{
			name:          "an idle group has scores but no stragglers",
			gpus:          group("idle", 10, 12, 1, 11),
			wantStraggler: []bool{false, false, false, false},
			wantScore:     []float64{10 / 10.5, 12 / 10.5, 1 / 10.5, 11 / 10.5},
			wantIdle:      true,
		},
		{
			name:          "a zero median scores everyone 1",
			gpus:          group("zero", 0, 0, 0, 5),
			wantStraggler: []bool{false, false, false, false},
			wantScore:     []float64{1, 1, 1, 1},
			wantIdle:      true,
		},
		{
			name:          "exactly at the threshold is not a straggler",
			gpus:          group("edge", 75, 100, 100),
			wantStraggler: []bool{false, false, false},
			wantScore:     []float64{0.75, 1, 1},
		},
		{
			name:          "a median exactly at the minimum is active",
			gpus:          group("edge", 40, 40, 10),
			wantStraggler: []bool{false, false, true},
			wantScore:     []float64{1, 1, 0.25},
		},
		{
			name:          "a GPU without utilisation gets no score and does not count",
			gpus:          group("gaps", 90, math.NaN(), 30),
			wantStraggler: []bool{false, false, true},
			wantScore:     []float64{1.5, math.NaN(), 0.5},
		},
		{
			name:          "a lower threshold spares a mild straggler",
			gpus:          group("t", 100, 100, 60),
			opts:          Options{GroupLabels: []string{"namespace"}, Threshold: 0.5, MinGroupMedian: 40},
			wantStraggler: []bool{false, false, false},
			wantScore:     []float64{1, 1, 0.6},
		},
	}
	for _, tt := range tests {
		o := tt.opts
		if o.GroupLabels == nil {
			o = opts
		}
		groups := Analyze(tt.gpus, o)
		if len(groups) != 1 || groups[0].Idle != tt.wantIdle {
			t.Errorf("%s: groups = %+v, want one with idle=%v", tt.name, groups, tt.wantIdle)
		}
		stragglers := 0
		for i, g := range tt.gpus {
			if g.Straggler != tt.wantStraggler[i] {
				t.Errorf("%s: GPU %d straggler = %v, want %v (score %v)", tt.name, i, g.Straggler, tt.wantStraggler[i], g.Score)
			}
			if g.Straggler {
				stragglers++
			}
			want := tt.wantScore[i]
			if math.IsNaN(want) != math.IsNaN(g.Score) || (!math.IsNaN(want) && math.Abs(g.Score-want) > 1e-12) {
				t.Errorf("%s: GPU %d score = %v, want %v", tt.name, i, g.Score, want)
			}
		}
		if groups[0].Stragglers != stragglers {
			t.Errorf("%s: group counts %d stragglers, GPUs say %d", tt.name, groups[0].Stragglers, stragglers)
		}
	}
}

func TestAnalyzeGroups(t *testing.T) {
	gpus := append(group("a", 90, 90, 30), group("b", 30, 30, 30)...)
	unlabelled := &GPU{Key: Key{Host: "x", GPU: "0"}, Util: 5}
	gpus = append(gpus, unlabelled)
	groups := Analyze(gpus, Options{GroupLabels: []string{"namespace"}, Threshold: 0.75, MinGroupMedian: 40})
	if len(groups) != 2 || groups[0].Name != "a" || groups[1].Name != "b" {
		t.Fatalf("groups = %+v", groups)
	}
	if groups[0].Median != 90 || groups[0].Stragglers != 1 || groups[1].Median != 30 || !groups[1].Idle {
		t.Errorf("groups = %+v", groups)
	}
	if !math.IsNaN(unlabelled.Score) || unlabelled.Straggler || unlabelled.Group != "" {
		t.Errorf("a GPU without the group label must not be scored: %+v", unlabelled)
	}
	// The same GPUs grouped by host: each namespace sits on its own host here.
	Analyze(gpus, Options{GroupLabels: []string{GroupByHost}, Threshold: 0.75, MinGroupMedian: 40})
	if gpus[0].Group != "h-a" || unlabelled.Group != "x" || unlabelled.Score != 1 {
		t.Errorf("group by host: %q %q %v", gpus[0].Group, unlabelled.Group, unlabelled.Score)
	}
	// Two labels form a tuple.
	g := &GPU{Namespace: "ml", HPCJob: "42", Util: 1}
	if got := GroupOf(g, ParseGroupLabels(" namespace , hpc_job ,")); got != "ml/42" {
		t.Errorf("GroupOf = %q", got)
	}
}

func TestLinks(t *testing.T) {
	got := Links([]Sample{
		{lbl("hostname", "n1", "gpu", "1", "peer_gpu", "0", "link_status", "OK"), 0},
		{lbl("hostname", "n1", "gpu", "0", "peer_gpu", "1", "link_status", "OK"), 0},
		// Same pair again with a failure in the window: the failure wins.
		{lbl("hostname", "n1", "gpu", "0", "peer_gpu", "1", "link_status", "TopologyNotSupported"), 3},
		// No status label: named from the code.
		{lbl("hostname", "n2", "gpu", "0", "peer_gpu", "1"), 4},
		{lbl("hostname", "n2", "gpu", "0"), 0}, // no peer: ignored
	})
	want := []Link{
		{"n1", "0", "1", "TopologyNotSupported", 3},
		{"n1", "1", "0", "OK", 0},
		{"n2", "0", "1", "DisabledByRegKey", 4},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Links = %v, want %v", got, want)
	}
	if StatusName(9) != "Unknown" || StatusName(0.5) != "Unknown" || StatusName(0) != "OK" {
		t.Error("StatusName")
	}
}

func TestExpr(t *testing.T) {
	w := Window{Length: time.Hour}
	by := []string{"Hostname", "gpu"}
	m := Metric{Name: UtilMetric, Agg: Mean}
	if got, want := m.Expr(Filter{}, w, by), `avg by (Hostname, gpu) (avg_over_time(DCGM_FI_DEV_GPU_UTIL[3600s]))`; got != want {
		t.Errorf("plain:\n got %s\nwant %s", got, want)
	}
	f := Filter{Namespace: `ml|"x"`, Host: `n\d+`}
	got := m.Expr(f, Window{Length: 24 * time.Hour, Step: 2 * time.Minute}, by)
	want := `avg by (Hostname, gpu) (` +
		`avg_over_time(DCGM_FI_DEV_GPU_UTIL{namespace=~"ml|\"x\"", hostname=~"n\\d+"}[86400s:120s]) or ` +
		`avg_over_time(DCGM_FI_DEV_GPU_UTIL{namespace=~"ml|\"x\"", Hostname=~"n\\d+"}[86400s:120s]) or ` +
		`avg_over_time(DCGM_FI_DEV_GPU_UTIL{namespace=~"ml|\"x\"", instance=~"n\\d+"}[86400s:120s]))`
	if got != want {
		t.Errorf("filtered:\n got %s\nwant %s", got, want)
	}
	v := Metric{Name: "DCGM_FI_DEV_THERMAL_VIOLATION", Agg: Rate, Scale: 1e-9}
	if got, want := v.Expr(Filter{Pod: "p"}, w, by), `sum by (Hostname, gpu) (rate(DCGM_FI_DEV_THERMAL_VIOLATION{pod=~"p"}[3600s])) * 1e-09`; got != want {
		t.Errorf("rate:\n got %s\nwant %s", got, want)
	}
	ce := DefaultMetrics()[8]
	if got := ce.Expr(Filter{}, w, by); !strings.HasPrefix(got, `sum by (Hostname, gpu) (max_over_time(DCGM_EXP_CLOCK_EVENTS_COUNT{clock_event=~"hw_slowdown|`) {
		t.Errorf("clock events: %s", got)
	}
	if got := LinksExpr(Filter{}, w, true); !strings.HasSuffix(got, "(last_over_time(DCGM_EXP_P2P_STATUS[3600s])) > 0") || !strings.Contains(got, "peer_gpu, link_status") {
		t.Errorf("links: %s", got)
	}
}

func TestFilterValidation(t *testing.T) {
	if err := (Filter{Namespace: "ml-(a|b)", Pod: ".*", Host: "n[0-9]+"}).Validate(); err != nil {
		t.Errorf("valid filter rejected: %v", err)
	}
	err := Filter{Pod: "train-("}.Validate()
	if err == nil || !strings.Contains(err.Error(), "pod") {
		t.Errorf("bad regex: %v", err)
	}
	match := Filter{Host: "n1|n2"}.HostMatcher()
	if !match("n1") || match("n10") || !(Filter{}).HostMatcher()("any") || (Filter{Host: "("}).HostMatcher()("(") {
		t.Error("HostMatcher must be anchored like Prometheus")
	}
}

func TestNames(t *testing.T) {
	for _, ok := range []string{"DCGM_FI_PROF_SM_ACTIVE", "a:b", "_x"} {
		if !ValidMetricName(ok) {
			t.Errorf("%q rejected", ok)
		}
	}
	for _, bad := range []string{"", "1abc", `x{a="b"}`, "up) or vector(1", "a-b"} {
		if ValidMetricName(bad) {
			t.Errorf("%q accepted as a metric name", bad)
		}
	}
	if ValidLabelName("a:b") || !ValidLabelName("hpc_job") || ValidLabelName("x) or (y") {
		t.Error("label names")
	}
}

func TestNewWindow(t *testing.T) {
	tests := []struct {
		in         time.Duration
		wantLength time.Duration
		wantStep   time.Duration
	}{
		{10 * time.Second, time.Minute, 0},
		{time.Hour, time.Hour, 0},
		{3 * time.Hour, 3 * time.Hour, 0},
		{3*time.Hour + 15*time.Second, 3*time.Hour + 15*time.Second, 15 * time.Second},
		{24 * time.Hour, 24 * time.Hour, 2 * time.Minute},
		{1500 * time.Millisecond * 100, 150 * time.Second, 0},
	}
	for _, tt := range tests {
		w := NewWindow(tt.in)
		if w.Length != tt.wantLength || w.Step != tt.wantStep {
			t.Errorf("NewWindow(%s) = %+v, want length %s step %s", tt.in, w, tt.wantLength, tt.wantStep)
		}
	}
}

func TestByLabels(t *testing.T) {
	by := ByLabels([]string{"namespace", "host", "team"})
	count := map[string]int{}
	for _, l := range by {
		count[l]++
	}
	if by[len(by)-1] != "team" || count["host"] != 0 || count["namespace"] != 1 || count["Hostname"] != 1 {
		t.Errorf("ByLabels = %v", by)
	}
}

// TestLargeFleet is 16,384 GPUs (2,048 nodes of 8) in 64 jobs with one
// planted straggler: the analysis must find exactly it, quickly.
func TestLargeFleet(t *testing.T) {
	const nodes, perNode = 2048, 8
	f := NewFleet(DefaultColumns())
	start := time.Now()
	for n := 0; n < nodes; n++ {
		for g := 0; g < perNode; g++ {
			labels := lbl("Hostname", fmt.Sprintf("node%04d", n), "gpu", fmt.Sprint(g), "UUID", fmt.Sprintf("GPU-%d-%d", n, g),
				"namespace", fmt.Sprintf("job%02d", n/32), "pod", fmt.Sprintf("worker-%d", n))
			u := 93 + float64((n*perNode+g)%5)
			if n == 1234 && g == 5 {
				u = 45
			}
			for col := range f.Columns {
				f.Add(col, Sample{labels, u})
			}
		}
	}
	gpus := f.GPUs(0)
	groups := Analyze(gpus, Options{GroupLabels: []string{"namespace"}, Threshold: 0.75, MinGroupMedian: 40})
	elapsed := time.Since(start)
	if len(gpus) != nodes*perNode || len(groups) != 64 {
		t.Fatalf("%d GPUs in %d groups", len(gpus), len(groups))
	}
	var found []string
	for _, g := range gpus {
		if g.Straggler {
			found = append(found, g.Key.String())
		}
	}
	if strings.Join(found, ",") != "node1234/5" {
		t.Errorf("stragglers = %v, want node1234/5", found)
	}
	if elapsed > 10*time.Second {
		t.Errorf("16,384 GPUs took %s", elapsed)
	}
}

// DefaultColumns are the column names of DefaultMetrics.
func DefaultColumns() []string {
	var out []string
	for _, m := range DefaultMetrics() {
		out = append(out, m.Column)
	}
	return out
}

func BenchmarkAnalyze16k(b *testing.B) {
	var gpus []*GPU
	for i := 0; i < 16384; i++ {
		gpus = append(gpus, &GPU{Key: Key{Host: fmt.Sprint(i / 8), GPU: fmt.Sprint(i % 8)}, Namespace: fmt.Sprint(i / 256), Util: float64(i % 100)})
	}
	o := Options{GroupLabels: []string{"namespace"}, Threshold: 0.75, MinGroupMedian: 40}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Analyze(gpus, o)
	}
}
