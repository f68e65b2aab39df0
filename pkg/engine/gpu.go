package engine

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlwatch/mlwatch/pkg/gpu"
	"github.com/mlwatch/mlwatch/pkg/models"
)

// runGPU joins DCGM metrics into one row per GPU with straggler analysis.
func (e *Engine) runGPU(ctx context.Context, req Request) ([]*data.Frame, error) {
	return runGPUWith(ctx, newGPUPromSource(e.Prom, e.Limits), req)
}

// gpuSource is what the gpu query needs from Prometheus: instant vectors.
// An error wrapping errTooManySeries means the answer was over the series
// limit.
type gpuSource interface {
	vector(ctx context.Context, expr string, at time.Time) ([]gpu.Sample, []string, error)
	seriesLimit() int
}

// errTooManySeries marks an answer above Limits.MaxSeries.
var errTooManySeries = errors.New("too many series")

// gpuQueryConcurrency bounds the metric queries in flight at once.
const gpuQueryConcurrency = 4

// gpuPlan is a gpu query resolved from its input.
type gpuPlan struct {
	metrics []gpu.Metric
	filter  gpu.Filter
	window  gpu.Window
	at      time.Time
	by      []string
	opts    gpu.Options
	// extra are the user's own metrics: kept as columns even when empty.
	extra map[string]bool
}

func planGPU(req Request) (*gpuPlan, error) {
	in := req.Query.GPU
	if in == nil {
		in = &models.GPUInput{GroupLabel: "namespace", StragglerThreshold: 0.75, MinGroupMedian: 40}
	}
	groups := gpu.ParseGroupLabels(in.GroupLabel)
	if len(groups) == 0 {
		groups = []string{gpu.LabelNamespace}
	}
	for _, l := range groups {
		if !gpu.ValidLabelName(l) {
			return nil, &models.QueryError{Field: "gpu.groupLabel", Message: fmt.Sprintf("%q is not a label name; use a label such as namespace, hpc_job or host", l)}
		}
	}
	if in.MinGroupMedian < 0 || in.MinGroupMedian > 100 {
		return nil, &models.QueryError{Field: "gpu.minGroupMedian", Message: "use a utilisation percentage between 0 and 100, such as 40"}
	}
	f := gpu.Filter{Namespace: in.Namespace, Pod: in.Pod, Host: in.Host}
	if err := f.Validate(); err != nil {
		return nil, &models.QueryError{Field: "gpu", Message: err.Error()}
	}
	p := &gpuPlan{
		metrics: gpu.DefaultMetrics(),
		filter:  f,
		window:  gpu.NewWindow(req.TimeRange.To.Sub(req.TimeRange.From)),
		at:      req.TimeRange.To,
		by:      gpu.ByLabels(groups),
		opts:    gpu.Options{GroupLabels: groups, Threshold: in.StragglerThreshold, MinGroupMedian: in.MinGroupMedian},
		extra:   map[string]bool{},
	}
	have := map[string]bool{}
	for _, m := range p.metrics {
		have[m.Column] = true
	}
	for _, name := range in.Metrics {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		if !gpu.ValidMetricName(name) {
			return nil, &models.QueryError{Field: "gpu.metrics", Message: fmt.Sprintf("%q is not a metric name, such as DCGM_FI_PROF_SM_ACTIVE", name)}
		}
		if have[name] {
			continue
		}
		have[name] = true
		p.extra[name] = true
		p.metrics = append(p.metrics, gpu.Metric{Column: name, Name: name, Agg: gpu.Mean, Display: name + " (mean)"})
	}
	return p, nil
}

// gpuResult is the answer to one metric query.
type gpuResult struct {
	samples  []gpu.Sample
	warnings []string
	err      error
}

// fetchAll runs the queries with bounded concurrency; every goroutine has
// returned when it does. A failed query does not cancel its siblings (the
// link query may fail on the series limit alone); the caller's context
// bounds them all.
func fetchAll(ctx context.Context, src gpuSource, exprs []string, at time.Time) []gpuResult {
	out := make([]gpuResult, len(exprs))
	sem := make(chan struct{}, gpuQueryConcurrency)
	var wg sync.WaitGroup
	for i, expr := range exprs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				out[i].err = ctx.Err()
				return
			}
			defer func() { <-sem }()
			out[i].samples, out[i].warnings, out[i].err = src.vector(ctx, expr, at)
		}()
	}
	wg.Wait()
	return out
}

func runGPUWith(ctx context.Context, src gpuSource, req Request) ([]*data.Frame, error) {
	p, err := planGPU(req)
	if err != nil {
		return nil, err
	}
	exprs := make([]string, len(p.metrics))
	for i, m := range p.metrics {
		exprs[i] = m.Expr(p.filter, p.window, p.by)
	}
	table := gpuFormat(req) == "table"
	batch := exprs
	if table {
		// Peer links are fetched with the metrics, in the same round.
		batch = append(exprs[:len(exprs):len(exprs)], gpu.LinksExpr(p.filter, p.window, false))
	}
	results := fetchAll(ctx, src, batch, p.at)
	var notices []string
	warned := map[string]bool{}
	for i, r := range results {
		if i == len(p.metrics) {
			break // the links, handled below
		}
		if r.err != nil {
			return nil, gpuFetchError(p.metrics[i].Name, r.err, src.seriesLimit())
		}
		for _, w := range r.warnings {
			if !warned[w] {
				warned[w] = true
				notices = append(notices, "Prometheus: "+w)
			}
		}
	}
	fleet := gpu.NewFleet(columnsOf(p.metrics))
	matchHost := p.filter.HostMatcher()
	for col, r := range results[:len(p.metrics)] {
		for _, s := range r.samples {
			if matchHost(gpu.HostOf(s.Labels)) {
				fleet.Add(col, s)
			}
		}
	}
	if fleet.Len() == 0 {
		return noGPUs(ctx, src, req, p, exprs)
	}
	gpus := fleet.GPUs(0)
	groups := gpu.Analyze(gpus, p.opts)
	notices = append(notices, gpuNotices(fleet, gpus, groups, p)...)

	var frames []*data.Frame
	if !table {
		frames = gpuNumericFrames(gpus, p)
	} else {
		frames = []*data.Frame{gpuTableFrame(fleet, gpus, p)}
		links, executed, linkNotices, err := linksFrom(ctx, src, p, results[len(p.metrics)])
		if err != nil {
			return nil, err
		}
		notices = append(notices, linkNotices...)
		exprs = append(exprs, executed...)
		if links != nil {
			frames = append(frames, linksFrame(links))
		}
	}
	meta := frames[0].Meta
	for _, n := range notices {
		meta.Notices = append(meta.Notices, data.Notice{Severity: data.NoticeSeverityInfo, Text: n})
	}
	meta.ExecutedQueryString = strings.Join(exprs, "\n")
	return frames, nil
}

// gpuFormat is table for dashboards and numeric for alerts: the gpu query
// has no time series form.
func gpuFormat(req Request) string {
	if f := format(req); f == "numeric" || (f == "timeseries" && req.FromAlert) {
		return "numeric"
	}
	return "table"
}

func columnsOf(ms []gpu.Metric) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Column
	}
	return out
}

// gpuFetchError turns a failed metric query into the query's error.
func gpuFetchError(metric string, err error, limit int) error {
	if errors.Is(err, errTooManySeries) {
		return &models.QueryError{Field: "gpu", Message: fmt.Sprintf("%s has more GPU series than the limit of %d: filter by namespace, pod or host", metric, limit)}
	}
	return err
}

// noGPUs explains an empty answer: no exporter at all, old metric names,
// or filters that match nothing. Alerts get an empty numeric frame (the
// rule's no-data handling applies) with the explanation as a notice.
func noGPUs(ctx context.Context, src gpuSource, req Request, p *gpuPlan, exprs []string) ([]*data.Frame, error) {
	msg := noGPUMessage(ctx, src, p)
	if gpuFormat(req) == "numeric" {
		f := data.NewFrame("gpu")
		f.Meta = &data.FrameMeta{Type: data.FrameTypeNumericMulti, TypeVersion: data.FrameTypeVersion{0, 1},
			Notices: []data.Notice{{Severity: data.NoticeSeverityWarning, Text: msg}}, ExecutedQueryString: strings.Join(exprs, "\n")}
		return []*data.Frame{f}, nil
	}
	return nil, &models.QueryError{Field: "gpu", Message: msg}
}

func noGPUMessage(ctx context.Context, src gpuSource, p *gpuPlan) string {
	window := models.FormatDuration(p.window.Length)
	filtered := p.filter != (gpu.Filter{})
	if filtered {
		// Are there GPUs at all, outside the filter?
		if n := countSeries(ctx, src, gpu.CountExpr(gpu.UtilMetric, p.window), p.at); n > 0 {
			return fmt.Sprintf("no GPU matches the filters (%s) in the last %s of the time range, although %s has %.0f series; check the namespace, pod and host filters", describeFilter(p.filter), window, gpu.UtilMetric, n)
		}
	}
	if n := countSeries(ctx, src, gpu.CountExpr("dcgm_gpu_utilization", p.window), p.at); n > 0 {
		return fmt.Sprintf("no %s series found, but dcgm_gpu_utilization exists: NVIDIA dcgm-exporter runs with --use-old-namespace (1.x metric names); mlwatch reads the current names (DCGM_FI_*), so drop that flag", gpu.UtilMetric)
	}
	return fmt.Sprintf("no DCGM metrics found: Prometheus has no %s series in the %s window ending at the time range's end. Check that NVIDIA dcgm-exporter runs on the GPU nodes and that this Prometheus scrapes it (port 9400, /metrics), or widen the time range", gpu.UtilMetric, window)
}

func countSeries(ctx context.Context, src gpuSource, expr string, at time.Time) float64 {
	s, _, err := src.vector(ctx, expr, at)
	if err != nil || len(s) == 0 {
		return 0
	}
	return s[0].Value
}

func describeFilter(f gpu.Filter) string {
	var parts []string
	if f.Namespace != "" {
		parts = append(parts, "namespace=~"+f.Namespace)
	}
	if f.Pod != "" {
		parts = append(parts, "pod=~"+f.Pod)
	}
	if f.Host != "" {
		parts = append(parts, "host=~"+f.Host)
	}
	return strings.Join(parts, ", ")
}

// gpuNotices explains what the analysis could not do.
func gpuNotices(fleet *gpu.Fleet, gpus []*gpu.GPU, groups []gpu.Group, p *gpuPlan) []string {
	var out []string
	noUtil, ungrouped, conflicts := 0, 0, 0
	for _, g := range gpus {
		if math.IsNaN(g.Util) {
			noUtil++
		}
		if g.Group == "" {
			ungrouped++
		}
		if len(g.Conflicts()) > 0 {
			conflicts++
		}
	}
	label := strings.Join(p.opts.GroupLabels, ", ")
	if noUtil > 0 {
		out = append(out, fmt.Sprintf("%d of %d GPUs have no %s series in the window; they get no straggler score", noUtil, len(gpus), gpu.UtilMetric))
	}
	if ungrouped == len(gpus) {
		out = append(out, fmt.Sprintf("no GPU has the %s label, so none was compared with peers; set the group label to one your GPUs carry (namespace with Kubernetes, hpc_job with Slurm mapping, or host)", label))
	} else if ungrouped > 0 {
		out = append(out, fmt.Sprintf("%d GPUs have no %s label (not allocated to a workload?); they get no straggler score", ungrouped, label))
	}
	idle := 0
	for _, g := range groups {
		if g.Idle {
			idle++
		}
	}
	if idle > 0 {
		out = append(out, fmt.Sprintf("%d of %d groups have a median utilisation below %g%%; they are treated as idle, not straggling", idle, len(groups), p.opts.MinGroupMedian))
	}
	if fleet.Duplicates > 0 {
		out = append(out, fmt.Sprintf("%d series duplicated a GPU already seen for the same metric (scraped by two jobs, or relabelled during the window); their values were averaged", fleet.Duplicates))
	}
	if conflicts > 0 {
		out = append(out, fmt.Sprintf("%d GPUs changed pod, namespace or job during the window; the first label set is shown and the metrics cover both", conflicts))
	}
	if p.window.Step > 0 {
		out = append(out, fmt.Sprintf("over a %s window the metrics were sampled every %s (a subquery) to keep the query light", models.FormatDuration(p.window.Length), models.FormatDuration(p.window.Step)))
	}
	var missing []string
	for i, m := range p.metrics {
		if p.extra[m.Column] && !fleet.HasColumn(i) {
			missing = append(missing, m.Name)
		}
	}
	if len(missing) > 0 {
		out = append(out, "no series for "+strings.Join(missing, ", ")+" (is the field enabled in the exporter's counters CSV?)")
	}
	return out
}

// linksFrom turns the DCGM_EXP_P2P_STATUS answer into links; nil when
// the exporter does not have the field enabled. A fleet too large to list
// every pair is asked again for its failed links only.
func linksFrom(ctx context.Context, src gpuSource, p *gpuPlan, r gpuResult) ([]gpu.Link, []string, []string, error) {
	executed := []string{gpu.LinksExpr(p.filter, p.window, false)}
	var notices []string
	limited := errors.Is(r.err, errTooManySeries)
	if limited {
		expr := gpu.LinksExpr(p.filter, p.window, true)
		executed = append(executed, expr)
		r.samples, _, r.err = src.vector(ctx, expr, p.at)
		notices = append(notices, fmt.Sprintf("there are more GPU peer links than the limit of %d series: only links whose status is not OK are listed; filter by host or namespace to see all", src.seriesLimit()))
	}
	if r.err != nil {
		return nil, executed, nil, gpuFetchError(gpu.P2PMetric, r.err, src.seriesLimit())
	}
	if len(r.samples) == 0 && !limited {
		return nil, executed, notices, nil
	}
	kept := make([]gpu.Sample, 0, len(r.samples))
	matchHost := p.filter.HostMatcher()
	for _, s := range r.samples {
		if matchHost(gpu.HostOf(s.Labels)) {
			kept = append(kept, s)
		}
	}
	links := gpu.Links(kept)
	if links == nil {
		links = []gpu.Link{}
	}
	return links, executed, notices, nil
}
