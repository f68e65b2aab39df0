package engine

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/mlwatch/mlwatch/pkg/drift"
	"github.com/mlwatch/mlwatch/pkg/models"
	"github.com/mlwatch/mlwatch/pkg/source/prometheus"
)

// Native histograms: the server sums increase() by feature (handling
// counter resets and schema changes between series), and the API renders
// each result as explicit buckets [rule, lower, upper, count]. Two windows
// may use different exponential schemas (a client changed its bucket
// factor, or the server reduced resolution); they are compared on the
// coarser one, to which the finer maps exactly (2^delta adjacent buckets
// merge into one).

// maxNativeBuckets bounds the buckets of one comparison; wider layouts are
// coarsened further.
const maxNativeBuckets = 2000

// nativeKey is a bucket of an exponential layout: sign -1 (negative
// values), 0 (the zero bucket) or +1, and its index at a schema.
type nativeKey struct {
	sign int
	idx  int
}

// nativeHist is one window's native histogram, as parsed from the API.
type nativeHist struct {
	schema  int
	zero    float64 // zero bucket threshold (its upper bound)
	buckets []prometheus.HistogramBucket
	count   float64
}

// parseNative infers the schema of an API histogram from its bucket
// bounds (the API does not return it): an exponential bucket spans a
// factor of 2^(2^-schema).
func parseNative(h *prometheus.Histogram) (nativeHist, error) {
	n := nativeHist{schema: math.MaxInt, count: h.Count}
	for _, b := range h.Buckets {
		if isZeroBucket(b) {
			n.zero = math.Max(n.zero, b.Upper)
			n.buckets = append(n.buckets, b)
			continue
		}
		lo, hi := b.Lower, b.Upper
		if hi <= 0 {
			lo, hi = -b.Upper, -b.Lower
		}
		if !(lo > 0) || !(hi > lo) || math.IsInf(hi, 0) {
			return n, fmt.Errorf("bucket [%g, %g] is not an exponential bucket", b.Lower, b.Upper)
		}
		exact := -math.Log2(math.Log2(hi / lo))
		s := int(math.Round(exact))
		if s < -4 || s > 8 || math.Abs(exact-float64(s)) > 1e-6 {
			return n, fmt.Errorf("bucket [%g, %g] has no known schema", b.Lower, b.Upper)
		}
		n.schema = min(n.schema, s)
		n.buckets = append(n.buckets, b)
	}
	if n.schema == math.MaxInt {
		n.schema = 8 // only a zero bucket (or nothing): any schema fits
	}
	return n, nil
}

func isZeroBucket(b prometheus.HistogramBucket) bool {
	return b.Lower <= 0 && b.Upper >= 0
}

// index of a non-zero bucket at its own schema s.
func nativeIndex(b prometheus.HistogramBucket, s int) nativeKey {
	if b.Upper <= 0 {
		// [lower, upper) mirrors the positive bucket (|upper|, |lower|].
		return nativeKey{sign: -1, idx: int(math.Round(math.Log2(-b.Lower) * math.Exp2(float64(s))))}
	}
	return nativeKey{sign: 1, idx: int(math.Round(math.Log2(b.Upper) * math.Exp2(float64(s))))}
}

// downscale maps an index from schema s to the coarser schema t, as
// Prometheus does: bucket idx covers (2^((idx-1)/2^s), 2^(idx/2^s)].
func downscale(idx, s, t int) int {
	if s <= t {
		return idx
	}
	return ((idx - 1) >> (s - t)) + 1
}

// nativeUpper is the upper magnitude of bucket idx at schema t.
func nativeUpper(idx, t int) float64 { return math.Exp2(float64(idx) * math.Exp2(float64(-t))) }

// commonNative puts two native histograms on one explicit layout: the
// coarser schema, the larger zero threshold (finer buckets inside it fold
// into the zero bucket), and every bucket between the lowest and highest
// populated one, so that each bucket starts where the previous ends. It
// returns the two histograms and each bucket's real lower bound.
func commonNative(a, b nativeHist) (*drift.Histogram, *drift.Histogram, map[float64]float64, string, error) {
	t := min(a.schema, b.schema)
	var notice string
	if a.schema != b.schema {
		notice = fmt.Sprintf("the native histogram schemas differ between the windows (%d and %d); both were compared at the coarser schema %d", a.schema, b.schema, t)
	}
	zero := math.Max(a.zero, b.zero)
	for {
		ca, cb := toCells(a, t, zero), toCells(b, t, zero)
		keys := cellLayout(ca, cb)
		if len(keys) <= maxNativeBuckets || t <= -4 {
			ha, hb, lowers, err := cellsToHist(keys, ca, cb, t, zero)
			return ha, hb, lowers, notice, err
		}
		t--
		notice = fmt.Sprintf("the native histograms span too many buckets; they were compared at the coarser schema %d", t)
	}
}

func toCells(h nativeHist, t int, zero float64) map[nativeKey]float64 {
	out := map[nativeKey]float64{}
	for _, b := range h.buckets {
		if isZeroBucket(b) {
			out[nativeKey{}] += b.Count
			continue
		}
		k := nativeIndex(b, h.schema)
		k.idx = downscale(k.idx, h.schema, t)
		// A bucket inside the (larger) zero threshold joins the zero bucket.
		if nativeUpper(k.idx, t) <= zero*(1+1e-9) {
			out[nativeKey{}] += b.Count
			continue
		}
		out[k] += b.Count
	}
	return out
}

// cellLayout lists the buckets of both windows in ascending value order,
// filling the gaps between populated buckets of each sign.
func cellLayout(a, b map[nativeKey]float64) []nativeKey {
	minP, maxP, minN, maxN := math.MaxInt, math.MinInt, math.MaxInt, math.MinInt
	hasZero := false
	for _, m := range []map[nativeKey]float64{a, b} {
		for k := range m {
			switch k.sign {
			case 1:
				minP, maxP = min(minP, k.idx), max(maxP, k.idx)
			case -1:
				minN, maxN = min(minN, k.idx), max(maxN, k.idx)
			default:
				hasZero = true
			}
		}
	}
	var keys []nativeKey
	if maxN >= minN {
		for i := maxN; i >= minN; i-- {
			keys = append(keys, nativeKey{sign: -1, idx: i})
		}
	}
	if hasZero {
		keys = append(keys, nativeKey{})
	}
	if maxP >= minP {
		for i := minP; i <= maxP; i++ {
			keys = append(keys, nativeKey{sign: 1, idx: i})
		}
	}
	return keys
}

func cellsToHist(keys []nativeKey, a, b map[nativeKey]float64, t int, zero float64) (*drift.Histogram, *drift.Histogram, map[float64]float64, error) {
	if len(keys) == 0 {
		return nil, nil, nil, fmt.Errorf("the native histograms have no buckets")
	}
	upper := make([]float64, len(keys))
	ca, cb := make([]float64, len(keys)), make([]float64, len(keys))
	lowers := map[float64]float64{}
	for i, k := range keys {
		var lo, hi float64
		switch k.sign {
		case 1:
			lo, hi = nativeUpper(k.idx-1, t), nativeUpper(k.idx, t)
		case -1:
			lo, hi = -nativeUpper(k.idx, t), -nativeUpper(k.idx-1, t)
		default:
			lo, hi = -zero, zero
		}
		upper[i] = hi
		lowers[hi] = lo
		ca[i], cb[i] = math.Max(a[k], 0), math.Max(b[k], 0)
	}
	ha, err := drift.NewHistogram(upper, ca)
	if err != nil {
		return nil, nil, nil, err
	}
	hb, err := drift.NewHistogram(upper, cb)
	return ha, hb, lowers, err
}

// nativeWindows holds one histogram per feature for a window (slot 0) or
// per step (slot 1+i).
type nativeWindows map[string][]*prometheus.Histogram

// fetchNative reads sum by (feature) (increase(metric[w])) for both
// windows and the steps.
func (pq *promQuery) fetchNative(ctx context.Context, sel string) (ref, cur nativeWindows, err error) {
	by := ""
	if gl := pq.groupLabel(); gl != "" {
		by = " by (" + gl + ")"
	}
	expr := func(w time.Duration) string {
		return fmt.Sprintf("sum%s (increase(%s[%s]))", by, sel, prometheus.FormatDuration(w))
	}
	ref, cur = nativeWindows{}, nativeWindows{}
	var refRes, curRes, stepRes *prometheus.Result
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) {
		r := pq.win.Reference
		refRes, err = pq.instant(gctx, expr(r.To.Sub(r.From)), r.To)
		return err
	})
	g.Go(func() (err error) {
		c := pq.win.Current
		curRes, err = pq.instant(gctx, expr(c.To.Sub(c.From)), c.To)
		return err
	})
	if len(pq.steps) > 0 {
		g.Go(func() (err error) {
			stepRes, err = pq.rangeQuery(gctx, expr(pq.window), pq.steps[0], pq.steps[len(pq.steps)-1], pq.stepDur)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, nil, pq.limitError(err)
	}
	width := 1 + len(pq.steps)
	floats := 0
	put := func(w nativeWindows, res *prometheus.Result, n int, slot func(int64) int) {
		for _, s := range res.Series {
			f := pq.featureOf(s.Labels, pq.p.Metric)
			if len(s.V) > 0 {
				floats++
			}
			if len(s.H) == 0 {
				continue
			}
			if w[f] == nil {
				w[f] = make([]*prometheus.Histogram, n)
			}
			for i, t := range s.HT {
				if k := slot(t); k >= 0 {
					w[f][k] = s.H[i]
				}
			}
		}
	}
	first := func(int64) int { return 0 }
	put(ref, refRes, 1, first)
	put(cur, curRes, width, first)
	if stepRes != nil {
		t0, step := pq.steps[0].UnixMilli(), pq.stepDur.Milliseconds()
		put(cur, stepRes, width, func(t int64) int {
			k := int((t - t0 + step/2) / step)
			if k < 0 || k >= len(pq.steps) {
				return -1
			}
			return 1 + k
		})
	}
	if floats > 0 && len(ref) == 0 && len(cur) == 0 {
		return nil, nil, &models.QueryError{Field: "prometheus.input", Message: fmt.Sprintf("%s has plain float samples, not native histograms: for a classic histogram choose the histogram input (and give the name without _bucket); native histograms also need a server with them enabled", sel)}
	}
	pq.log.notice("native histogram counts come from increase() on the server, which extrapolates to the window edges")
	return ref, cur, nil
}

// nativeCompare compares two windows' native histograms.
func (pq *promQuery) nativeCompare(method string, ref, cur *prometheus.Histogram) (drift.Result, map[float64]float64, [2]*drift.Histogram, error) {
	var none [2]*drift.Histogram
	if ref == nil || cur == nil {
		why := "insufficient data: the current window has no histogram"
		if ref == nil {
			why = "insufficient data: the reference window has no histogram"
		}
		var rn, cn float64
		if ref != nil {
			rn = ref.Count
		}
		if cur != nil {
			cn = cur.Count
		}
		return noVerdict(binnedMethod(method, rn), pq.opts, rn, cn, why), nil, none, nil
	}
	a, err := parseNative(ref)
	if err != nil {
		return drift.Result{}, nil, none, fmt.Errorf("reference histogram: %w", err)
	}
	b, err := parseNative(cur)
	if err != nil {
		return drift.Result{}, nil, none, fmt.Errorf("current histogram: %w", err)
	}
	if len(a.buckets) == 0 || len(b.buckets) == 0 {
		return noVerdict(binnedMethod(method, a.count), pq.opts, a.count, b.count, "insufficient data: a window has no observations"), nil, none, nil
	}
	ha, hb, lowers, notice, err := commonNative(a, b)
	if err != nil {
		return drift.Result{}, nil, none, err
	}
	m := binnedMethod(method, ha.Total())
	r, err := drift.Binned(m, ha, hb, pq.opts)
	if err != nil {
		return r, nil, none, methodError(err)
	}
	if notice != "" {
		r.Notices = append(r.Notices, notice)
	}
	return r, lowers, [2]*drift.Histogram{ha, hb}, nil
}

func (pq *promQuery) nativeDrift(ctx context.Context) (*DriftRun, error) {
	sel, err := pq.selector(pq.p.Metric)
	if err != nil {
		return nil, err
	}
	ref, cur, err := pq.fetchNative(ctx, sel)
	if err != nil {
		return nil, err
	}
	if len(ref) == 0 && len(cur) == 0 {
		return nil, pq.noSeriesError("prometheus.metric", sel, "for a classic histogram, choose the histogram input")
	}
	if len(ref) == 0 {
		pq.retentionNotice()
	}
	run := &DriftRun{Times: pq.steps}
	for _, f := range pq.featureList(mapKeys(ref), mapKeys(cur)) {
		var rh *prometheus.Histogram
		if ref[f] != nil {
			rh = ref[f][0]
		}
		slot := func(k int) *prometheus.Histogram {
			if cur[f] == nil {
				return nil
			}
			return cur[f][k]
		}
		// The method is fixed by the whole windows (see binnedFeature).
		var refN float64
		if rh != nil {
			refN = rh.Count
		}
		method := binnedMethod(pq.q.Method, refN)
		r, _, _, err := pq.nativeCompare(method, rh, slot(0))
		if err != nil {
			return nil, fmt.Errorf("feature %s: %w", f, err)
		}
		fd := FeatureDrift{Feature: f, Result: r}
		if pq.overTime {
			fd.Scores = make([]float64, len(pq.steps))
			for i := range pq.steps {
				rs, _, _, err := pq.nativeCompare(method, rh, slot(1+i))
				if err != nil {
					return nil, fmt.Errorf("feature %s: %w", f, err)
				}
				fd.Scores[i] = rs.Score
			}
		}
		run.Features = append(run.Features, fd)
	}
	return run, nil
}

func (pq *promQuery) nativeDistribution(ctx context.Context) (*DistributionRun, error) {
	sel, err := pq.selector(pq.p.Metric)
	if err != nil {
		return nil, err
	}
	ref, cur, err := pq.fetchNative(ctx, sel)
	if err != nil {
		return nil, err
	}
	m := pq.p.Metric
	if ref[m] == nil && cur[m] == nil {
		return nil, pq.noSeriesError("prometheus.metric", sel, "for a classic histogram, choose the histogram input")
	}
	if ref[m] == nil {
		pq.retentionNotice()
	}
	var rh, ch *prometheus.Histogram
	if ref[m] != nil {
		rh = ref[m][0]
	}
	if cur[m] != nil {
		ch = cur[m][0]
	}
	var refN float64
	if rh != nil {
		refN = rh.Count
	}
	r, lowers, hs, err := pq.nativeCompare(binnedMethod(pq.q.Method, refN), rh, ch)
	if err != nil {
		return nil, err
	}
	run := &DistributionRun{Result: r}
	if hs[0] == nil {
		return run, nil
	}
	run.Upper = hs[0].Upper
	run.Lower = make([]float64, len(run.Upper))
	for i, u := range run.Upper {
		run.Lower[i] = lowers[u]
	}
	run.Reference, run.Current = hs[0].Counts, hs[1].Counts
	return run, nil
}

func mapKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
