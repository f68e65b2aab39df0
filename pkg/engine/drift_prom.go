package engine

import (
	"context"
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mlwatch/mlwatch/pkg/drift"
	"github.com/mlwatch/mlwatch/pkg/models"
	"github.com/mlwatch/mlwatch/pkg/source/prometheus"
)

// Drift and distributions over Prometheus.
//
// Inputs (PromInput.Input):
//   - "histogram": classic histograms, <metric>_bucket{le} counters. Counts
//     per bucket are exact increases computed from the raw samples
//     (counter resets adjusted, summed by feature and le across instances)
//     when the raw samples fit in Limits.MaxPoints/MaxSeries/MaxBytes;
//     otherwise Prometheus's increase(), which extrapolates, is used and a
//     notice says so (prom_counters.go).
//   - "native": native histograms, summed by feature with increase() on the
//     server; schemas that differ are merged down to the coarser one
//     (prom_native.go).
//   - "samples": raw values of any PromQL expression, evaluated at a step
//     over each window and pooled per feature (prom_samples.go).
//
// Over time, each step compares the current window [t-window, t] with the
// fixed reference. Raw samples for the whole span are fetched once and each
// step's counts are differences of running counter totals, so the number of
// requests does not grow with the steps or the features.

// promDrift computes drift from Prometheus (classic or native histograms,
// or raw samples of an expression).
func (e *Engine) promDrift(ctx context.Context, req Request) (*DriftRun, error) {
	pq, err := e.newPromQuery(req)
	if err != nil {
		return nil, err
	}
	var run *DriftRun
	switch req.Query.Prometheus.Input {
	case "native":
		run, err = pq.nativeDrift(ctx)
	case "samples":
		run, err = pq.samplesDrift(ctx)
	default:
		run, err = pq.classicDrift(ctx)
	}
	if err != nil {
		return nil, err
	}
	notices, executed := pq.log.sorted()
	run.Notices = append(notices, run.Notices...)
	run.Executed = executed
	return run, nil
}

// promDistribution computes a distribution from Prometheus.
func (e *Engine) promDistribution(ctx context.Context, req Request) (*DistributionRun, error) {
	pq, err := e.newPromQuery(req)
	if err != nil {
		return nil, err
	}
	var run *DistributionRun
	switch {
	case req.Query.Mode == "classes":
		run, err = pq.classesDistribution(ctx)
	case req.Query.Mode != "" && req.Query.Mode != "histogram":
		return nil, &models.QueryError{Field: "mode", Message: fmt.Sprintf("unknown mode %q; use histogram or classes", req.Query.Mode)}
	case req.Query.Prometheus.Input == "native":
		run, err = pq.nativeDistribution(ctx)
	case req.Query.Prometheus.Input == "samples":
		run, err = pq.samplesDistribution(ctx)
	default:
		run, err = pq.classicDistribution(ctx)
	}
	if err != nil {
		return nil, err
	}
	notices, executed := pq.log.sorted()
	run.Notices = append(notices, run.Notices...)
	run.Executed = executed
	return run, nil
}

// promQuery is one drift or distribution query being run.
type promQuery struct {
	e    *Engine
	req  Request
	q    *models.Query
	p    *models.PromInput
	win  Windows
	opts drift.Options
	lim  prometheus.Limits
	log  *runLog

	// Over time (drift only).
	overTime bool
	steps    []time.Time
	stepDur  time.Duration
	window   time.Duration
}

// runLog collects notices and the PromQL sent, from parallel requests.
type runLog struct {
	mu       sync.Mutex
	notices  []string
	executed []string
}

func (l *runLog) notice(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	msg := fmt.Sprintf(format, args...)
	if !slices.Contains(l.notices, msg) {
		l.notices = append(l.notices, msg)
	}
}

// sorted returns the notices and the PromQL sent in a fixed order: the
// parallel requests finish in any order, and the same query must give the
// same frames every time (caches, diffs, alert state).
func (l *runLog) sorted() (notices, executed []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	notices, executed = slices.Clone(l.notices), slices.Clone(l.executed)
	slices.Sort(notices)
	slices.Sort(executed)
	return notices, executed
}

func (l *runLog) executedQuery(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.executed = append(l.executed, s)
}

var labelNameRe = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)

func (e *Engine) newPromQuery(req Request) (*promQuery, error) {
	q := req.Query
	p := q.Prometheus
	if p == nil {
		return nil, &models.QueryError{Field: "prometheus", Message: "say which metric or expression to read"}
	}
	if !labelNameRe.MatchString(p.FeatureLabel) {
		return nil, &models.QueryError{Field: "prometheus.featureLabel", Message: fmt.Sprintf("%q is not a label name", p.FeatureLabel)}
	}
	if q.ClassLabel != "" && !labelNameRe.MatchString(q.ClassLabel) {
		return nil, &models.QueryError{Field: "classLabel", Message: fmt.Sprintf("%q is not a label name", q.ClassLabel)}
	}
	if p.Metric != "" && !regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*$`).MatchString(p.Metric) {
		return nil, &models.QueryError{Field: "prometheus.metric", Message: fmt.Sprintf("%q is not a metric name", p.Metric)}
	}
	win, err := windows(q, req.TimeRange)
	if err != nil {
		return nil, err
	}
	if win.Baseline {
		return nil, &models.QueryError{Field: "reference.mode", Message: "a baseline table is read from ClickHouse; with Prometheus, use an offset (such as 7d) or an absolute reference range"}
	}
	pq := &promQuery{
		e: e, req: req, q: q, p: p, win: win, opts: q.DriftOptions(), log: &runLog{},
		lim: prometheus.Limits{MaxBytes: e.Limits.MaxBytes, MaxSeries: e.Limits.MaxSeries, MaxPoints: e.Limits.MaxPoints},
	}
	if q.QueryType == models.TypeDrift && q.OverTime {
		times, window, notices, err := steps(q, req.TimeRange, req.Interval, e.Limits.MaxSteps)
		if err != nil {
			return nil, err
		}
		pq.overTime, pq.steps, pq.window = true, times, window
		pq.stepDur = window
		if len(times) > 1 {
			pq.stepDur = times[1].Sub(times[0])
		}
		for _, n := range notices {
			pq.log.notice("%s", n)
		}
	}
	return pq, nil
}

// selector builds metric{matchers, feature filter}.
func (pq *promQuery) selector(metric string) (string, error) {
	var parts []string
	m := strings.TrimSpace(pq.p.Matchers)
	m = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(m, "{"), "}"))
	if m != "" {
		if strings.ContainsAny(m, "{}") {
			return "", &models.QueryError{Field: "prometheus.matchers", Message: "give label matchers only, such as model=\"fraud\", env=~\"prod|staging\""}
		}
		parts = append(parts, m)
	}
	if len(pq.p.Features) > 0 && pq.groupLabel() != "" {
		alts := make([]string, len(pq.p.Features))
		for i, f := range pq.p.Features {
			alts[i] = regexp.QuoteMeta(f)
		}
		parts = append(parts, pq.p.FeatureLabel+"=~"+strconv.Quote(strings.Join(alts, "|")))
	}
	if len(parts) == 0 {
		return metric, nil
	}
	return metric + "{" + strings.Join(parts, ", ") + "}", nil
}

// groupLabel is the label that tells features apart; "" for a
// distribution, which sums everything the selector matches.
func (pq *promQuery) groupLabel() string {
	if pq.q.QueryType == models.TypeDistribution {
		return ""
	}
	return pq.p.FeatureLabel
}

// featureOf names a series' feature: its feature label, else the metric or
// expression.
func (pq *promQuery) featureOf(labels map[string]string, fallback string) string {
	gl := pq.groupLabel()
	if gl == "" {
		return fallback
	}
	if v, ok := labels[gl]; ok && v != "" {
		return v
	}
	return fallback
}

// wanted filters features by PromInput.Features.
func (pq *promQuery) wanted(feature string) bool {
	return len(pq.p.Features) == 0 || slices.Contains(pq.p.Features, feature)
}

// featureList is the sorted union of features seen, plus the ones asked
// for (which get "no data" results), cut at Limits.MaxFeatures.
func (pq *promQuery) featureList(seen ...[]string) []string {
	set := map[string]bool{}
	for _, s := range seen {
		for _, f := range s {
			if pq.wanted(f) {
				set[f] = true
			}
		}
	}
	for _, f := range pq.p.Features {
		set[f] = true
	}
	out := make([]string, 0, len(set))
	for f := range set {
		out = append(out, f)
	}
	slices.Sort(out)
	if max := pq.e.Limits.MaxFeatures; max > 0 && len(out) > max {
		pq.log.notice("%d features found; only the first %d (by name) were compared. Narrow the query with matchers or a feature list", len(out), max)
		out = out[:max]
	}
	return out
}

// binnedMethod resolves "auto" for bucket counts.
//
// Evidently's auto rule counts rows and distinct values of raw data; on
// buckets the distinct values are the bucket bounds, a handful fixed by
// the layout, so the numeric branches (ks, wasserstein) would hinge on how
// many buckets a histogram happens to have. Bucket counts are categorical
// counts over ordered bins, so auto follows Evidently's categorical branch
// with the reference count as the row count: chisquare (the homogeneity
// test on the 2 x K table, the sound two-sample test for counts) for at
// most 1000 reference observations, jensenshannon (bounded, no smoothing
// needed for empty buckets, threshold 0.1) above. Prometheus histograms
// usually hold far more than 1000 observations per window, where p-values
// on autocorrelated monitoring data would flag every small shift, so in
// practice auto is a distance, as ARCHITECTURE.md §3 advises for alerting.
func binnedMethod(method string, refCount float64) string {
	if method != "" && method != "auto" {
		return method
	}
	if refCount > 1000 {
		return "jensenshannon"
	}
	return "chisquare"
}

// noVerdict is a result without a score, for a feature that cannot be
// compared (no data in a window, no +Inf bucket, ...).
func noVerdict(method string, o drift.Options, refN, curN float64, why string) drift.Result {
	if method == "" || method == "auto" {
		method = "jensenshannon"
	}
	kind, th, _ := drift.MethodKind(method)
	if o.Threshold > 0 {
		th = o.Threshold
	}
	return drift.Result{
		Method: method, Kind: kind, Threshold: th, Score: math.NaN(), Statistic: math.NaN(),
		ReferenceCount: int(math.Round(refN)), CurrentCount: int(math.Round(curN)),
		Notices: []string{why},
	}
}

// methodError turns a method that does not fit the data into a query error.
func methodError(err error) error {
	if errors.Is(err, drift.ErrUnknownMethod) {
		return &models.QueryError{Field: "method", Message: err.Error()}
	}
	return err
}

// retentionNotice is said when the reference window is empty but the
// current one has data: most often the reference is older than what the
// server keeps.
func (pq *promQuery) retentionNotice() {
	r := pq.win.Reference
	pq.log.notice("the reference window (%s to %s) returned no data while the current window has data: the reference may be older than the server's retention, or the metric did not exist then. Choose a more recent reference", r.From.UTC().Format(time.RFC3339), r.To.UTC().Format(time.RFC3339))
}

// noSeriesError says that nothing matched in either window.
func (pq *promQuery) noSeriesError(field, selector, hint string) error {
	msg := fmt.Sprintf("no series matched %s in the reference or the current window. Check the metric name, the matchers and the time range", selector)
	if hint != "" {
		msg += "; " + hint
	}
	return &models.QueryError{Field: field, Message: msg}
}

// limitAdvice says which limit an answer passed and how to stay within it.
func limitAdvice(le *prometheus.LimitError) string {
	return le.Error() + ". Narrow the query with matchers or a feature list, shorten the time range, or raise the step"
}
