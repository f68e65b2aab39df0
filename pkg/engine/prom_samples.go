package engine

import (
	"context"
	"fmt"
	"math"
	"sort"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/mlwatch/mlwatch/pkg/drift"
	"github.com/mlwatch/mlwatch/pkg/models"
	"github.com/mlwatch/mlwatch/pkg/source/prometheus"
)

// Raw sample values of any PromQL expression (gauges, predictions exported
// as samples): the expression is evaluated at a step over each window with
// one range query per window, and the values are pooled per feature.
// Consecutive samples of monitoring data are autocorrelated, so p-values
// are descriptive (drift.md §4.3).

// maxPointsPerSeries is Prometheus's own limit on a range query's points
// per series (11,000).
const maxPointsPerSeries = 11000

const defaultSampleStep = 15 * time.Second

// timedValues are one feature's samples in time order.
type timedValues struct {
	t []int64
	v []float64
}

func (tv *timedValues) Len() int           { return len(tv.t) }
func (tv *timedValues) Less(i, j int) bool { return tv.t[i] < tv.t[j] }
func (tv *timedValues) Swap(i, j int) {
	tv.t[i], tv.t[j] = tv.t[j], tv.t[i]
	tv.v[i], tv.v[j] = tv.v[j], tv.v[i]
}

// between returns the values with from < t <= to (from inclusive when
// incl).
func (tv *timedValues) between(from, to int64, incl bool) []float64 {
	lo := sort.Search(len(tv.t), func(i int) bool {
		if incl {
			return tv.t[i] >= from
		}
		return tv.t[i] > from
	})
	hi := sort.Search(len(tv.t), func(i int) bool { return tv.t[i] > to })
	if hi <= lo {
		return nil
	}
	return tv.v[lo:hi]
}

// sampleStep is the evaluation step: the panel's interval (15s without
// one), raised to stay within Prometheus's points per series.
func (pq *promQuery) sampleStep(span time.Duration) time.Duration {
	step := pq.req.Interval
	if step <= 0 {
		step = defaultSampleStep
	}
	if min := span / maxPointsPerSeries; step < min {
		step = (min/time.Second + 1) * time.Second
		pq.log.notice("the expression is evaluated every %s to stay within Prometheus's %d points per series", prometheus.FormatDuration(step), maxPointsPerSeries)
	}
	return step
}

// fetchSamples evaluates the expression over both windows.
func (pq *promQuery) fetchSamples(ctx context.Context) (ref, cur map[string]*timedValues, err error) {
	expr := pq.p.Expr
	curFrom := pq.win.Current.From
	if len(pq.steps) > 0 {
		if s := pq.steps[0].Add(-pq.window); s.Before(curFrom) {
			curFrom = s
		}
	}
	r := pq.win.Reference
	step := max(pq.sampleStep(r.To.Sub(r.From)), pq.sampleStep(pq.win.Current.To.Sub(curFrom)))
	var refRes, curRes *prometheus.Result
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) {
		refRes, err = pq.rangeQuery(gctx, expr, alignUp(r.From, step), r.To, step)
		return err
	})
	g.Go(func() (err error) {
		curRes, err = pq.rangeQuery(gctx, expr, alignUp(curFrom, step), pq.win.Current.To, step)
		return err
	})
	if err := g.Wait(); err != nil {
		if le, ok := prometheus.IsLimit(err); ok {
			return nil, nil, &models.QueryError{Field: "query", Message: limitAdvice(le)}
		}
		return nil, nil, err
	}
	group := func(res *prometheus.Result) (map[string]*timedValues, error) {
		out := map[string]*timedValues{}
		for _, s := range res.Series {
			if len(s.H) > 0 {
				return nil, &models.QueryError{Field: "prometheus.expr", Message: "the expression returns native histograms, not numbers; choose the native input for them"}
			}
			f := pq.featureOf(s.Labels, expr)
			tv := out[f]
			if tv == nil {
				tv = &timedValues{}
				out[f] = tv
			}
			tv.t = append(tv.t, s.T...)
			tv.v = append(tv.v, s.V...)
		}
		for _, tv := range out {
			sort.Stable(tv)
		}
		return out, nil
	}
	if ref, err = group(refRes); err != nil {
		return nil, nil, err
	}
	if cur, err = group(curRes); err != nil {
		return nil, nil, err
	}
	pq.log.notice("values of the expression sampled every %s: %d in the reference window, %d in the current range", prometheus.FormatDuration(step), refRes.Points, curRes.Points)
	return ref, cur, nil
}

// alignUp rounds t up to a multiple of step, so that the evaluation times
// do not move when a dashboard refreshes.
func alignUp(t time.Time, step time.Duration) time.Time {
	a := t.Truncate(step)
	if a.Before(t) {
		a = a.Add(step)
	}
	return a
}

// numericMethod resolves auto on raw values as Evidently does: by the
// reference's count and the distinct values of both windows.
func numericMethod(method string, ref, cur *drift.Sample) string {
	if method != "" && method != "auto" {
		return method
	}
	return drift.AutoMethod(true, ref.Len(), uniqueMerged(ref.Sorted(), cur.Sorted()))
}

// uniqueMerged counts distinct values over two sorted slices.
func uniqueMerged(a, b []float64) int {
	n, i, j := 0, 0, 0
	last, have := 0.0, false
	for i < len(a) || j < len(b) {
		var v float64
		if j >= len(b) || (i < len(a) && a[i] <= b[j]) {
			v = a[i]
			i++
		} else {
			v = b[j]
			j++
		}
		if !have || v != last {
			n++
			last, have = v, true
		}
	}
	return n
}

func (pq *promQuery) samplesDrift(ctx context.Context) (*DriftRun, error) {
	ref, cur, err := pq.fetchSamples(ctx)
	if err != nil {
		return nil, err
	}
	if len(ref) == 0 && len(cur) == 0 {
		return nil, pq.noSeriesError("prometheus.expr", pq.p.Expr, "")
	}
	if len(ref) == 0 {
		pq.retentionNotice()
	}
	c := pq.win.Current
	from, to := c.From.UnixMilli(), c.To.UnixMilli()
	run := &DriftRun{Times: pq.steps}
	missing := 0
	empty := &timedValues{}
	for _, f := range pq.featureList(mapKeys(ref), mapKeys(cur)) {
		rv, cv := ref[f], cur[f]
		if rv == nil {
			rv = empty
		}
		if cv == nil {
			cv = empty
		}
		rs := drift.NewSample(rv.v)
		cs := drift.NewSample(cv.between(from, to, true))
		missing += rs.Missing() + cs.Missing()
		method := numericMethod(pq.q.Method, rs, cs)
		r, err := drift.Numeric(method, rs, cs, pq.opts)
		if err != nil {
			return nil, methodError(err)
		}
		fd := FeatureDrift{Feature: f, Result: r}
		if pq.overTime {
			fd.Scores = make([]float64, len(pq.steps))
			for i, t := range pq.steps {
				end := t.UnixMilli()
				ss := drift.NewSample(cv.between(end-pq.window.Milliseconds(), end, false))
				r, err := drift.Numeric(method, rs, ss, pq.opts)
				if err != nil {
					return nil, methodError(err)
				}
				fd.Scores[i] = r.Score
			}
		}
		run.Features = append(run.Features, fd)
	}
	if missing > 0 {
		run.Notices = append(run.Notices, fmt.Sprintf("%d NaN or infinite values were ignored", missing))
	}
	return run, nil
}

// samplesDistribution bins the expression's values (all series pooled) in
// equal-width bins over both windows' range.
func (pq *promQuery) samplesDistribution(ctx context.Context) (*DistributionRun, error) {
	ref, cur, err := pq.fetchSamples(ctx)
	if err != nil {
		return nil, err
	}
	pool := func(m map[string]*timedValues) []float64 {
		var out []float64
		for _, k := range mapKeys(m) {
			out = append(out, m[k].v...)
		}
		return out
	}
	rs, cs := drift.NewSample(pool(ref)), drift.NewSample(pool(cur))
	if rs.Len() == 0 && cs.Len() == 0 {
		return nil, pq.noSeriesError("prometheus.expr", pq.p.Expr, "")
	}
	if rs.Len() == 0 {
		pq.retentionNotice()
	}
	method := numericMethod(pq.q.Method, rs, cs)
	r, err := drift.Numeric(method, rs, cs, pq.opts)
	if err != nil {
		return nil, methodError(err)
	}
	bins := pq.q.Bins
	if bins <= 0 {
		bins = 20
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, s := range []*drift.Sample{rs, cs} {
		if s.Len() > 0 {
			lo, hi = math.Min(lo, s.Min()), math.Max(hi, s.Max())
		}
	}
	if hi == lo {
		bins = 1
	}
	run := &DistributionRun{Result: r, Lower: make([]float64, bins), Upper: make([]float64, bins)}
	for i := range bins {
		run.Lower[i] = lo + (hi-lo)*float64(i)/float64(bins)
		run.Upper[i] = lo + (hi-lo)*float64(i+1)/float64(bins)
	}
	run.Upper[bins-1] = hi
	count := func(s *drift.Sample) []float64 {
		out := make([]float64, bins)
		for _, v := range s.Sorted() {
			k := bins - 1
			if hi > lo {
				k = min(int((v-lo)/(hi-lo)*float64(bins)), bins-1)
			}
			out[k]++
		}
		return out
	}
	run.Reference, run.Current = count(rs), count(cs)
	return run, nil
}
