package engine

import (
	"context"
	"fmt"
	"math"

	"github.com/mlwatch/mlwatch/pkg/chsql"
)

// Drift and distributions over ClickHouse push the aggregation down, so
// that only aggregates cross the wire:
//
//  1. Schema: DESCRIBE TABLE (or the header of SELECT * FROM (<sql>) LIMIT
//     0) names the columns and types; every picked name is checked there.
//  2. Stats: one query, one branch per feature and window, counting values,
//     min, max and distinct values (up to 20, Evidently's rule), plus rows
//     per window for the missing-value notice (ch_sql.go numStatsSQL).
//  3. Bins: one query returning counts per (feature, window, bin): the bin
//     index is arithmetic for equal-width bins (Sturges over both windows,
//     Evidently's rule, exactly numpy.histogram's bins), a value for one
//     bin per value (20 reference values or fewer), or a sum of
//     comparisons for quantile and fixed edges (numCountsSQL). The distance
//     methods (psi, kl_div, jensenshannon, hellinger, tvd, chisquare) run on
//     these counts through drift.Binned.
//  4. Raw values, only for the methods that need them (ks, wasserstein,
//     anderson, cramer_von_mises, mannw, t_test, energy): at most
//     Limits.MaxRows in all, split over features and windows; a window with
//     more values is sampled deterministically (the rows with the lowest
//     cityHash64 of their contents, the same on every run, protocol and
//     server version) and a notice says so (rawSQL).
//
// auto follows Evidently: up to 1000 reference values ks on raw values (the
// reference is small; the current window is capped at 100,000 values and
// sampled beyond); above 1000, wasserstein, computed on 1000 equal-width
// bins counted in ClickHouse (as Evidently's Spark engine), with a notice;
// choosing wasserstein explicitly pulls raw values instead.
//
// Over time, each kind of query runs once for all steps: rows are labelled
// with their bucket (the greatest common divisor of step and window) and
// each step's window adds up its buckets.

// clickhouseDrift computes drift from a ClickHouse table or SQL.
func (e *Engine) clickhouseDrift(ctx context.Context, req Request) (*DriftRun, error) {
	r, err := newCHRun(ctx, e, req)
	if err != nil {
		return nil, err
	}
	run := &DriftRun{}
	var numeric, text []chFeature
	if !r.in.long {
		for _, f := range r.limitFeatures(r.in.features) {
			if f.Numeric {
				numeric = append(numeric, f)
			} else {
				text = append(text, f)
			}
		}
	}
	if (r.in.long && r.in.numericValues) || len(numeric) > 0 {
		nfs, err := r.runNumeric(ctx, numeric)
		if err != nil {
			return nil, err
		}
		for _, nf := range nfs {
			run.Features = append(run.Features, FeatureDrift{Feature: nf.Name, Result: nf.result, Scores: nf.scores})
		}
	}
	if (r.in.long && !r.in.numericValues) || len(text) > 0 {
		cfs, err := r.runCategorical(ctx, text)
		if err != nil {
			return nil, err
		}
		for _, cf := range cfs {
			run.Features = append(run.Features, FeatureDrift{Feature: cf.Name, Result: cf.result, Scores: cf.scores})
		}
	}
	if r.ot != nil {
		run.Times = r.ot.times
	}
	run.Notices, run.Executed = r.qr.notices, r.qr.executed
	return run, nil
}

// clickhouseDistribution computes a distribution from ClickHouse: the bins
// of one column (Mode "histogram", numeric) or its share per value (Mode
// "classes"), in both windows, with the drift verdict of the query's
// method on them.
func (e *Engine) clickhouseDistribution(ctx context.Context, req Request) (*DistributionRun, error) {
	q := *req.Query
	ch := *q.ClickHouse
	q.ClickHouse = &ch
	q.OverTime = false
	classes := q.Mode == "classes"
	var featureName string
	switch {
	case ch.Layout == "long":
		// One feature of a long table: its values, or every value when no
		// feature is named.
		if len(ch.Columns) > 0 {
			featureName = ch.Columns[0]
		}
	case len(ch.Columns) > 0:
		ch.Columns = ch.Columns[:1]
	case ch.SQL == "" && q.ClassLabel != "":
		ch.Columns = []string{q.ClassLabel}
	}
	req.Query = &q
	r, err := newCHRun(ctx, e, req)
	if err != nil {
		return nil, err
	}
	if r.in.long {
		// Read the value column as the one compared column.
		f := chFeature{Name: ch.ValueColumn, Key: 1, Column: r.in.valueCol, Numeric: r.in.numericValues}
		r.in.featureFilter = ""
		if featureName != "" {
			f.Name = featureName
			r.in.featureFilter = fmt.Sprintf("%s = %s", r.in.featureCol, chsql.String(featureName))
		}
		r.in.long = false
		r.in.features = []chFeature{f}
	} else if len(r.in.features) > 1 {
		r.in.features = r.in.features[:1]
	}
	f := r.in.features[0]
	if classes {
		f.Numeric = false
		cfs, err := r.runCategorical(ctx, []chFeature{f})
		if err != nil {
			return nil, err
		}
		cf := cfs[0]
		return &DistributionRun{Classes: cf.categories, Reference: cf.ref, Current: cf.cur, Result: cf.result,
			Notices: r.qr.notices, Executed: r.qr.executed}, nil
	}
	if !f.Numeric {
		return nil, fieldErr("mode", "%s holds text values; use mode \"classes\" to compare its values, or pick a numeric column", f.Name)
	}
	nfs, err := r.runNumeric(ctx, []chFeature{f})
	if err != nil {
		return nil, err
	}
	nf := nfs[0]
	display := r.displaySpec(nf)
	counts := nf.counts
	if nf.path != pathCounts || nf.categorical || nf.problem != "" || !sameSpec(display, nf.spec) || nf.counts[0] == nil {
		if counts, err = r.displayCounts(ctx, nf, display); err != nil {
			return nil, err
		}
	}
	R, C := nf.st.R(), nf.st.C()
	lo, hi, _ := rangeOf(R.n, R.lo, R.hi, C.n, C.lo, C.hi)
	lower, upper, c := display.displayBins([]binCounts{counts[0], counts[1]}, lo, hi)
	return &DistributionRun{Lower: finiteOr(lower, lo), Upper: finiteOr(upper, hi), Reference: c[0], Current: c[1], Result: nf.result,
		Notices: r.qr.notices, Executed: r.qr.executed}, nil
}

// displaySpec is the bins a distribution shows: Bins equal-width bins when
// the query sets Bins, else the query's binning (Evidently's rule by
// default).
func (r *chRun) displaySpec(nf *numFeature) binSpec {
	R, C := nf.st.R(), nf.st.C()
	if r.q.Bins > 0 {
		lo, hi, ok := rangeOf(R.n, R.lo, R.hi, C.n, C.lo, C.hi)
		if !ok {
			return binSpec{mode: binValues}
		}
		return equalWidth(lo, hi, r.q.Bins, fmt.Sprintf("%d equal-width bins", r.q.Bins))
	}
	plain := *nf
	plain.method = ""
	return r.binning(&plain, R, C, nf.st.uxRC)
}

func sameSpec(a, b binSpec) bool {
	return a.mode == b.mode && a.lo == b.lo && a.hi == b.hi && a.nb == b.nb && a.step == b.step && floatsEqual(a.edges, b.edges)
}

// displayCounts counts the shown bins when the method used other ones (or
// raw values).
func (r *chRun) displayCounts(ctx context.Context, nf *numFeature, s binSpec) ([2]binCounts, error) {
	branches, err := r.branches(r.summaryWindows(), []chFeature{nf.chFeature}, false)
	if err != nil {
		return [2]binCounts{}, err
	}
	res, err := r.qr.run(ctx, numCountsSQL(branches, []countSpec{{key: nf.Key, spec: s}}), r.rowBudget())
	if err != nil {
		return [2]binCounts{}, err
	}
	counts, err := parseCounts(res)
	if err != nil {
		return [2]binCounts{}, err
	}
	return [2]binCounts{counts.get(nf.Key, 0), counts.get(nf.Key, 1)}, nil
}

// finiteOr replaces infinite bounds (empty windows) with v.
func finiteOr(x []float64, v float64) []float64 {
	for i := range x {
		if math.IsInf(x[i], 0) || math.IsNaN(x[i]) {
			x[i] = v
		}
	}
	return x
}
