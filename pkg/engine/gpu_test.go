package engine

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlwatch/mlwatch/pkg/gpu"
	"github.com/mlwatch/mlwatch/pkg/models"
)

// fakeGPUSource answers each expression with the series stored for the
// metric it reads. The integration test covers a real Prometheus.
type fakeGPUSource struct {
	mu     sync.Mutex
	series map[string][]gpu.Sample
	limit  int
	exprs  []string
	// tooMany lists metrics whose answer is over the series limit.
	tooMany map[string]bool
}

var metricInExpr = regexp.MustCompile(`\b(DCGM_[A-Z0-9_]+|dcgm_[a-z_]+|[a-z_]+_metric)\b`)

func (f *fakeGPUSource) seriesLimit() int { return f.limit }

func (f *fakeGPUSource) vector(ctx context.Context, expr string, at time.Time) ([]gpu.Sample, []string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.exprs = append(f.exprs, expr)
	name := metricInExpr.FindString(expr)
	if strings.HasPrefix(expr, "count(") {
		if n := len(f.series[name]); n > 0 {
			return []gpu.Sample{{Labels: map[string]string{}, Value: float64(n)}}, nil, nil
		}
		return nil, nil, nil
	}
	if f.tooMany[name] && !strings.HasSuffix(expr, "> 0") {
		return nil, nil, fmt.Errorf("%w: 999999 series", errTooManySeries)
	}
	var out []gpu.Sample
	for _, s := range f.series[name] {
		if strings.HasSuffix(expr, "> 0") && s.Value <= 0 {
			continue
		}
		out = append(out, s)
	}
	return out, []string{"a warning from the server"}, nil
}

func dcgmLabels(host, idx, ns, pod string) map[string]string {
	return map[string]string{"Hostname": host, "gpu": idx, "UUID": "GPU-" + host + "-" + idx, "modelName": "NVIDIA H100 80GB HBM3", "namespace": ns, "pod": pod, "container": "main"}
}

// fleetFixture: 2 hosts x 4 GPUs in namespace train (one at 45%), 2 GPUs
// of namespace idle at ~5%, one GPU without a namespace.
func fleetFixture() *fakeGPUSource {
	f := &fakeGPUSource{series: map[string][]gpu.Sample{}, limit: 100}
	for h := 0; h < 2; h++ {
		for g := 0; g < 4; g++ {
			l := dcgmLabels(fmt.Sprintf("node%d", h), fmt.Sprint(g), "train", fmt.Sprintf("worker-%d", h))
			u := 95.0
			if h == 1 && g == 2 {
				u = 45
			}
			f.series[gpu.UtilMetric] = append(f.series[gpu.UtilMetric], gpu.Sample{Labels: l, Value: u})
			f.series["DCGM_FI_DEV_GPU_TEMP"] = append(f.series["DCGM_FI_DEV_GPU_TEMP"], gpu.Sample{Labels: l, Value: 60})
		}
	}
	for g := 0; g < 2; g++ {
		l := dcgmLabels("node2", fmt.Sprint(g), "idle", "notebook")
		f.series[gpu.UtilMetric] = append(f.series[gpu.UtilMetric], gpu.Sample{Labels: l, Value: float64(4 + g*2)})
	}
	free := map[string]string{"Hostname": "node2", "gpu": "7", "UUID": "GPU-free"}
	f.series[gpu.UtilMetric] = append(f.series[gpu.UtilMetric], gpu.Sample{Labels: free, Value: 0})
	f.series[gpu.P2PMetric] = []gpu.Sample{
		{Labels: map[string]string{"Hostname": "node0", "gpu": "0", "peer_gpu": "1", "link_status": "OK"}, Value: 0},
		{Labels: map[string]string{"Hostname": "node0", "gpu": "1", "peer_gpu": "0", "link_status": "NotSupported"}, Value: 5},
	}
	return f
}

func gpuRequest(in *models.GPUInput, fromAlert bool) Request {
	q, _ := models.ParseQuery([]byte(`{}`), models.TypeGPU)
	if in != nil {
		raw := *in
		q.GPU = &raw
		q.Source = models.SourcePrometheus
		// Defaults as ParseQuery fills them.
		if q.GPU.GroupLabel == "" {
			q.GPU.GroupLabel = "namespace"
		}
		if q.GPU.StragglerThreshold == 0 {
			q.GPU.StragglerThreshold = 0.75
		}
		if q.GPU.MinGroupMedian == 0 {
			q.GPU.MinGroupMedian = 40
		}
	}
	end := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	return Request{Query: q, TimeRange: TimeRange{From: end.Add(-time.Hour), To: end}, FromAlert: fromAlert}
}

func fieldStrings(t *testing.T, f *data.Frame, name string) []string {
	t.Helper()
	field, _ := f.FieldByName(name)
	if field == nil {
		t.Fatalf("frame %s has no field %s", f.Name, name)
	}
	out := make([]string, field.Len())
	for i := range out {
		v, ok := field.ConcreteAt(i)
		if !ok {
			v = "<nil>"
		}
		out[i] = fmt.Sprint(v)
	}
	return out
}

func TestGPUTable(t *testing.T) {
	src := fleetFixture()
	frames, err := runGPUWith(context.Background(), src, gpuRequest(nil, false))
	if err != nil {
		t.Fatal(err)
	}
	if len(frames) != 2 || frames[0].Name != "gpus" || frames[1].Name != "gpu_links" {
		t.Fatalf("frames = %v", frames)
	}
	tbl := frames[0]
	if tbl.Meta.Type != data.FrameTypeTable {
		t.Errorf("type %s", tbl.Meta.Type)
	}
	rows, _ := tbl.RowLen()
	if rows != 11 {
		t.Fatalf("%d rows, want 11 GPUs", rows)
	}
	hosts, idx, stragglers := fieldStrings(t, tbl, "host"), fieldStrings(t, tbl, "gpu"), fieldStrings(t, tbl, "straggler")
	var found []string
	for i := range hosts {
		if stragglers[i] == "true" {
			found = append(found, hosts[i]+"/"+idx[i])
		}
	}
	if strings.Join(found, ",") != "node1/2" {
		t.Errorf("stragglers %v, want node1/2", found)
	}
	scores := fieldStrings(t, tbl, "straggler_score")
	if scores[6] != fmt.Sprint(45.0/95) || scores[10] != "<nil>" {
		t.Errorf("scores = %v", scores)
	}
	if got := fieldStrings(t, tbl, "group")[8]; got != "idle" {
		t.Errorf("group = %q", got)
	}
	// Core columns stay even when empty; optional ones do not appear.
	if f, _ := tbl.FieldByName("DCGM_FI_DEV_POWER_USAGE"); f == nil {
		t.Error("a core metric column without data must still be present")
	}
	if f, _ := tbl.FieldByName("thermal_violation_share"); f != nil {
		t.Error("an optional metric without data must be left out")
	}
	util, _ := tbl.FieldByName(gpu.UtilMetric)
	if util.Config == nil || util.Config.Unit != "percent" {
		t.Errorf("util config = %+v", util.Config)
	}
	notices := noticeText(tbl)
	for _, want := range []string{"1 GPUs have no namespace label", "1 of 2 groups have a median utilisation below 40%", "Prometheus: a warning from the server"} {
		if !strings.Contains(notices, want) {
			t.Errorf("notices %q lack %q", notices, want)
		}
	}
	if strings.Count(notices, "a warning from the server") != 1 {
		t.Error("a repeated server warning must be shown once")
	}
	if !strings.Contains(tbl.Meta.ExecutedQueryString, "avg_over_time(DCGM_FI_DEV_GPU_UTIL[3600s])") {
		t.Errorf("executed = %s", tbl.Meta.ExecutedQueryString)
	}
	links := frames[1]
	if got := strings.Join(fieldStrings(t, links, "link_status"), ","); got != "OK,NotSupported" {
		t.Errorf("links = %s", got)
	}
}

func noticeText(f *data.Frame) string {
	var b strings.Builder
	for _, n := range f.Meta.Notices {
		b.WriteString(n.Text + "\n")
	}
	return b.String()
}

func TestGPUNumericForAlerts(t *testing.T) {
	src := fleetFixture()
	frames, err := runGPUWith(context.Background(), src, gpuRequest(nil, true))
	if err != nil {
		t.Fatal(err)
	}
	// Only the 8 GPUs of the active group are judged.
	if len(frames) != 8 {
		t.Fatalf("%d frames, want 8", len(frames))
	}
	for _, f := range frames {
		if f.Meta.Type != data.FrameTypeNumericMulti || len(f.Fields) != 1 {
			t.Fatalf("frame %+v", f)
		}
	}
	straggler := frames[6].Fields[0]
	want := data.Labels{"host": "node1", "gpu": "2", "uuid": "GPU-node1-2", "namespace": "train", "pod": "worker-1", "container": "main", "group": "train"}
	if straggler.Labels.String() != want.String() {
		t.Errorf("labels %s, want %s", straggler.Labels, want)
	}
	if v, _ := straggler.ConcreteAt(0); v.(float64) >= 0.75 {
		t.Errorf("score %v", v)
	}
	for _, e := range src.exprs {
		if strings.Contains(e, gpu.P2PMetric) {
			t.Error("alerts must not fetch peer links")
		}
	}
}

func TestGPUNoData(t *testing.T) {
	empty := &fakeGPUSource{series: map[string][]gpu.Sample{}, limit: 100}
	_, err := runGPUWith(context.Background(), empty, gpuRequest(nil, false))
	var qe *models.QueryError
	if !errors.As(err, &qe) || !strings.Contains(err.Error(), "DCGM_FI_DEV_GPU_UTIL") || !strings.Contains(err.Error(), "dcgm-exporter") {
		t.Errorf("no DCGM: err = %v", err)
	}

	old := &fakeGPUSource{series: map[string][]gpu.Sample{"dcgm_gpu_utilization": {{Labels: map[string]string{"gpu": "0"}, Value: 1}}}, limit: 100}
	_, err = runGPUWith(context.Background(), old, gpuRequest(nil, false))
	if err == nil || !strings.Contains(err.Error(), "--use-old-namespace") {
		t.Errorf("old names: err = %v", err)
	}

	filtered := fleetFixture()
	_, err = runGPUWith(context.Background(), filtered, gpuRequest(&models.GPUInput{Host: "nope"}, false))
	if err == nil || !strings.Contains(err.Error(), "no GPU matches the filters (host=~nope)") {
		t.Errorf("filtered: err = %v", err)
	}

	frames, err := runGPUWith(context.Background(), empty, gpuRequest(nil, true))
	if err != nil || len(frames) != 1 || len(frames[0].Fields) != 0 || !strings.Contains(noticeText(frames[0]), "DCGM_FI_DEV_GPU_UTIL") {
		t.Errorf("alert without data: frames %v err %v (want an empty numeric frame with a notice)", frames, err)
	}
}

func TestGPUHostFilterIsExact(t *testing.T) {
	// The fake ignores the selector: the filter must still apply in Go
	// with Prometheus' anchoring (node1 must not match node10).
	src := fleetFixture()
	src.series[gpu.UtilMetric] = append(src.series[gpu.UtilMetric], gpu.Sample{Labels: dcgmLabels("node10", "0", "train", "x"), Value: 90})
	frames, err := runGPUWith(context.Background(), src, gpuRequest(&models.GPUInput{Host: "node1"}, false))
	if err != nil {
		t.Fatal(err)
	}
	if hosts := strings.Join(fieldStrings(t, frames[0], "host"), ","); hosts != "node1,node1,node1,node1" {
		t.Errorf("hosts = %s", hosts)
	}
}

func TestGPUBadInput(t *testing.T) {
	tests := []struct {
		in   models.GPUInput
		want string
	}{
		{models.GPUInput{GroupLabel: "namespace) or vector(1"}, "gpu.groupLabel"},
		{models.GPUInput{Metrics: []string{`up{job="x"}`}}, "gpu.metrics"},
		{models.GPUInput{Namespace: "ml-("}, "not a valid regular expression"},
		{models.GPUInput{MinGroupMedian: 140}, "gpu.minGroupMedian"},
	}
	for _, tt := range tests {
		src := fleetFixture()
		_, err := runGPUWith(context.Background(), src, gpuRequest(&tt.in, false))
		var qe *models.QueryError
		if !errors.As(err, &qe) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: err = %v, want a query error about %s", tt.in, err, tt.want)
		}
		if len(src.exprs) != 0 {
			t.Errorf("%+v: nothing may be sent for a bad query, sent %v", tt.in, src.exprs)
		}
	}
}

func TestGPUExtraMetricsAndLimits(t *testing.T) {
	src := fleetFixture()
	src.series["DCGM_FI_PROF_SM_ACTIVE"] = []gpu.Sample{{Labels: dcgmLabels("node0", "0", "train", "worker-0"), Value: 0.8}}
	frames, err := runGPUWith(context.Background(), src, gpuRequest(&models.GPUInput{Metrics: []string{"DCGM_FI_PROF_SM_ACTIVE", "DCGM_FI_PROF_SM_OCCUPANCY", gpu.UtilMetric}}, false))
	if err != nil {
		t.Fatal(err)
	}
	if got := fieldStrings(t, frames[0], "DCGM_FI_PROF_SM_ACTIVE")[0]; got != "0.8" {
		t.Errorf("extra metric = %s", got)
	}
	if f, _ := frames[0].FieldByName("DCGM_FI_PROF_SM_OCCUPANCY"); f == nil {
		t.Error("a requested metric without data keeps its column")
	}
	if n := noticeText(frames[0]); !strings.Contains(n, "no series for DCGM_FI_PROF_SM_OCCUPANCY") {
		t.Errorf("notices = %s", n)
	}

	big := fleetFixture()
	big.tooMany = map[string]bool{gpu.P2PMetric: true}
	frames, err = runGPUWith(context.Background(), big, gpuRequest(nil, false))
	if err != nil {
		t.Fatal(err)
	}
	if len(frames) != 2 || !strings.Contains(noticeText(frames[0]), "only links whose status is not OK") {
		t.Fatalf("links over the limit: %v %s", frames, noticeText(frames[0]))
	}
	if got := strings.Join(fieldStrings(t, frames[1], "link_status"), ","); got != "NotSupported" {
		t.Errorf("failed links = %s", got)
	}

	huge := fleetFixture()
	huge.tooMany = map[string]bool{gpu.UtilMetric: true}
	_, err = runGPUWith(context.Background(), huge, gpuRequest(nil, false))
	if err == nil || !strings.Contains(err.Error(), "more GPU series than the limit of 100") {
		t.Errorf("util over the limit: %v", err)
	}
}

func TestGPUFetchHonoursContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	blocking := &blockingSource{}
	_, err := runGPUWith(ctx, blocking, gpuRequest(nil, false))
	if err == nil {
		t.Error("a canceled context must fail the query")
	}
}

type blockingSource struct{}

func (blockingSource) seriesLimit() int { return 10 }
func (blockingSource) vector(ctx context.Context, _ string, _ time.Time) ([]gpu.Sample, []string, error) {
	<-ctx.Done()
	return nil, nil, ctx.Err()
}

var updateGPUFrames = flag.Bool("update-gpu-frames", false, "rewrite tests/fixtures/dcgm/frames.json")

// TestGPUFrameFixtures keeps tests/fixtures/dcgm/frames.json: the table and
// link frames of the fixture fleet, and the alert frames, in Grafana's
// data-frame JSON, for the topology panel's browser tests. Run with
// -update-gpu-frames to rewrite it.
func TestGPUFrameFixtures(t *testing.T) {
	table, err := runGPUWith(context.Background(), fleetFixture(), gpuRequest(nil, false))
	if err != nil {
		t.Fatal(err)
	}
	alerts, err := runGPUWith(context.Background(), fleetFixture(), gpuRequest(nil, true))
	if err != nil {
		t.Fatal(err)
	}
	var out []json.RawMessage
	for i, f := range append(table, alerts[6]) {
		f.RefID = []string{"gpus", "links", "alert"}[i]
		b, err := data.FrameToJSON(f, data.IncludeAll)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	b, err := json.MarshalIndent(out, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, '\n')
	path := filepath.Join("..", "..", "tests", "fixtures", "dcgm", "frames.json")
	if *updateGPUFrames {
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	old, err := os.ReadFile(path)
	if err != nil || string(old) != string(b) {
		t.Errorf("%s is out of date (%v): run go test ./pkg/engine -run TestGPUFrameFixtures -update-gpu-frames", path, err)
	}
}
