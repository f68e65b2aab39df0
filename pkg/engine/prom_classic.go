package engine

import (
	"context"
	"fmt"

	"github.com/mlwatch/mlwatch/pkg/drift"
	"github.com/mlwatch/mlwatch/pkg/promhist"
)

// classicDrift compares the bucket counts of a classic histogram per
// feature.
func (pq *promQuery) classicDrift(ctx context.Context) (*DriftRun, error) {
	metric := pq.p.Metric
	sel, err := pq.selector(metric + "_bucket")
	if err != nil {
		return nil, err
	}
	spec := counterSpec{
		selector: sel, by: []string{pq.p.FeatureLabel, "le"}, le: true,
		group: func(l map[string]string) string { return pq.featureOf(l, metric) },
	}
	d, err := pq.fetchCounters(ctx, spec)
	if err != nil {
		return nil, err
	}
	refGroups, curGroups := d.Ref.Groups(), d.Cur.Groups()
	if len(refGroups) == 0 && len(curGroups) == 0 {
		return nil, pq.noSeriesError("prometheus.metric", sel, "for a native histogram, choose the native input")
	}
	if len(refGroups) == 0 {
		pq.retentionNotice()
	}
	run := &DriftRun{Times: pq.steps}
	for _, f := range pq.featureList(refGroups, curGroups) {
		ref := sumsHistogram(d.Ref, f, 0)
		fd, err := pq.binnedFeature(f, ref, func(k int) histOrWhy { return sumsHistogram(d.Cur, f, k) })
		if err != nil {
			return nil, err
		}
		if n := d.Ref.Coalesced(f) + d.Cur.Coalesced(f); n > 0 {
			fd.Result.Notices = append(fd.Result.Notices, fmt.Sprintf("%d le spellings of equal bounds were merged (for example le=\"1\" and le=\"1.0\")", n))
		}
		run.Features = append(run.Features, fd)
	}
	return run, nil
}

// histOrWhy is a window's histogram, or why there is none.
type histOrWhy struct {
	h   *drift.Histogram
	why string
}

// sumsHistogram builds slot k of a group.
func sumsHistogram(s *promhist.Sums, group string, k int) histOrWhy {
	if !s.Has(group) {
		return histOrWhy{why: "no series"}
	}
	h, err := s.Histogram(group, k)
	if err != nil {
		return histOrWhy{why: err.Error()}
	}
	return histOrWhy{h: h}
}

func (hw histOrWhy) total() float64 {
	if hw.h == nil {
		return 0
	}
	return hw.h.Total()
}

// binnedFeature compares one feature's histograms: the whole current
// window (slot 0) and, over time, each step (slot 1+i) with the fixed
// reference. The method is resolved once, on the whole windows, so that
// the scores over time are of one kind.
func (pq *promQuery) binnedFeature(name string, ref histOrWhy, cur func(k int) histOrWhy) (FeatureDrift, error) {
	method := binnedMethod(pq.q.Method, ref.total())
	fd := FeatureDrift{Feature: name}
	whole := cur(0)
	r, err := pq.compareHist(method, ref, whole)
	if err != nil {
		return fd, err
	}
	fd.Result = r
	if pq.overTime {
		fd.Scores = make([]float64, len(pq.steps))
		for i := range pq.steps {
			rs, err := pq.compareHist(method, ref, cur(1+i))
			if err != nil {
				return fd, err
			}
			fd.Scores[i] = rs.Score
		}
	}
	return fd, nil
}

// compareHist aligns two histograms and runs a binned method.
func (pq *promQuery) compareHist(method string, ref, cur histOrWhy) (drift.Result, error) {
	switch {
	case ref.h == nil && cur.h == nil:
		return noVerdict(method, pq.opts, 0, 0, "insufficient data: no series in either window"), nil
	case ref.h == nil:
		return noVerdict(method, pq.opts, 0, cur.total(), "insufficient data: the reference window has no usable data ("+ref.why+")"), nil
	case cur.h == nil:
		return noVerdict(method, pq.opts, ref.total(), 0, "insufficient data: the current window has no usable data ("+cur.why+")"), nil
	}
	a, b, notice := drift.AlignHistograms(ref.h, cur.h)
	r, err := drift.Binned(method, a, b, pq.opts)
	if err != nil {
		return r, methodError(err)
	}
	if notice != "" {
		r.Notices = append(r.Notices, notice)
	}
	r.Notices = append(r.Notices, prefixed("reference: ", ref.h.Notices)...)
	r.Notices = append(r.Notices, prefixed("current: ", cur.h.Notices)...)
	return r, nil
}

func prefixed(p string, xs []string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = p + x
	}
	return out
}

// classicDistribution is the bins of one classic histogram (every series
// the selector matches, summed) in both windows.
func (pq *promQuery) classicDistribution(ctx context.Context) (*DistributionRun, error) {
	metric := pq.p.Metric
	sel, err := pq.selector(metric + "_bucket")
	if err != nil {
		return nil, err
	}
	spec := counterSpec{selector: sel, by: []string{"le"}, le: true, group: func(map[string]string) string { return metric }}
	d, err := pq.fetchCounters(ctx, spec)
	if err != nil {
		return nil, err
	}
	if !d.Ref.Has(metric) && !d.Cur.Has(metric) {
		return nil, pq.noSeriesError("prometheus.metric", sel, "for a native histogram, choose the native input")
	}
	if !d.Ref.Has(metric) {
		pq.retentionNotice()
	}
	return pq.histDistribution(sumsHistogram(d.Ref, metric, 0), sumsHistogram(d.Cur, metric, 0), nil)
}

// histDistribution builds a distribution from two windows' histograms.
// lowers, when set, maps an upper bound to its bucket's real lower bound
// (native histograms); otherwise each bucket starts at the previous bound
// and the first at Histogram.Lower().
func (pq *promQuery) histDistribution(ref, cur histOrWhy, lower func(upper float64) (float64, bool)) (*DistributionRun, error) {
	method := binnedMethod(pq.q.Method, ref.total())
	r, err := pq.compareHist(method, ref, cur)
	if err != nil {
		return nil, err
	}
	run := &DistributionRun{Result: r}
	a, b := ref.h, cur.h
	switch {
	case a != nil && b != nil:
		a, b, _ = drift.AlignHistograms(a, b)
	case a != nil:
		b = &drift.Histogram{Upper: a.Upper, Counts: make([]float64, len(a.Upper))}
	case b != nil:
		a = &drift.Histogram{Upper: b.Upper, Counts: make([]float64, len(b.Upper))}
	default:
		return run, nil
	}
	run.Upper = a.Upper
	run.Lower = make([]float64, len(a.Upper))
	for i := range a.Upper {
		l := a.Lower()
		if i > 0 {
			l = a.Upper[i-1]
		}
		if lower != nil {
			if nl, ok := lower(a.Upper[i]); ok && nl >= l {
				l = nl
			}
		}
		run.Lower[i] = l
	}
	run.Reference, run.Current = a.Counts, b.Counts
	return run, nil
}

// classesDistribution is the share per class of a counter such as
// ml_predictions_total, from its increases in both windows.
func (pq *promQuery) classesDistribution(ctx context.Context) (*DistributionRun, error) {
	metric := pq.p.Metric
	if metric == "" {
		metric = "ml_predictions_total"
	}
	label := pq.q.ClassLabel
	if label == "" {
		label = "class"
	}
	sel, err := pq.selector(metric)
	if err != nil {
		return nil, err
	}
	spec := counterSpec{selector: sel, by: []string{label}, group: func(l map[string]string) string {
		if v := l[label]; v != "" {
			return v
		}
		return "(no " + label + ")"
	}}
	d, err := pq.fetchCounters(ctx, spec)
	if err != nil {
		return nil, err
	}
	refG, curG := d.Ref.Groups(), d.Cur.Groups()
	if len(refG) == 0 && len(curG) == 0 {
		return nil, pq.noSeriesError("prometheus.metric", sel, "")
	}
	if len(refG) == 0 {
		pq.retentionNotice()
	}
	refCounts, curCounts := map[string]float64{}, map[string]float64{}
	for _, g := range refG {
		refCounts[g] = d.Ref.Total(g, 0)
	}
	for _, g := range curG {
		curCounts[g] = d.Cur.Total(g, 0)
	}
	t := drift.NewContingencyCounts(refCounts, curCounts)
	method := pq.q.Method
	if method == "" || method == "auto" {
		// Per the issue: classes compare with the chi-square test of
		// homogeneity unless a method is chosen.
		method = "chisquare"
	}
	r, err := drift.Categorical(method, t, pq.opts)
	if err != nil {
		return nil, methodError(err)
	}
	if len(refG) == 0 {
		r.Notices = append(r.Notices, "the reference window has no data; it may be beyond the server's retention")
	}
	return &DistributionRun{Classes: t.Categories, Reference: t.Ref, Current: t.Cur, Result: r}, nil
}
