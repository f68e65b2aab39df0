package engine

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/mlwatch/mlwatch/pkg/drift"
	"github.com/mlwatch/mlwatch/pkg/models"
	"github.com/mlwatch/mlwatch/pkg/promhist"
	"github.com/mlwatch/mlwatch/pkg/source/prometheus"
)

// rawLookback is how far before a window the raw samples reach, so that the
// last sample at or before the window start is known: the window's count
// is then the exact difference of two scraped values, not an extrapolation.
// It is Prometheus's default staleness lookback; a series whose previous
// sample is older counts from its first sample in the window.
const rawLookback = 5 * time.Minute

// counterSpec says which counters to read and how to group them.
type counterSpec struct {
	selector string
	// by are the labels of the increase() fallback's sum by.
	by []string
	// le: the counters are histogram buckets, grouped by bound too.
	le bool
	// group names a series' group (feature or class).
	group func(labels map[string]string) string
}

// counterData is the counts of both windows: Ref has one slot, Cur has
// slot 0 for the whole current window and slot 1+i for over-time step i.
type counterData struct {
	Ref, Cur  *promhist.Sums
	Exact     bool
	RefSeries int
	CurSeries int
}

// fetchCounters reads counter increases for both windows: exact from raw
// samples when they fit the limits, else from increase().
func (pq *promQuery) fetchCounters(ctx context.Context, spec counterSpec) (*counterData, error) {
	d, err := pq.exactCounters(ctx, spec)
	if err == nil {
		return d, nil
	}
	reason := ""
	if le, ok := prometheus.IsLimit(err); ok {
		reason = le.Error()
	} else if prometheus.IsTooManySamples(err) {
		reason = "the server refused to load that many samples"
	} else {
		return nil, err
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	pq.log.notice("counts come from Prometheus increase(), which extrapolates to the window edges (counts are approximate and bucket counts may need a monotonicity repair): the raw samples were too many for exact counts (%s)", reason)
	return pq.increaseCounters(ctx, spec)
}

// window slots in ms: slot 0 is the whole window, then the steps.
type slots struct {
	from, to     int64
	starts, ends []int64
}

func (pq *promQuery) currentSlots() slots {
	c := pq.win.Current
	s := slots{from: c.From.UnixMilli(), to: c.To.UnixMilli()}
	for _, t := range pq.steps {
		s.starts = append(s.starts, t.Add(-pq.window).UnixMilli())
		s.ends = append(s.ends, t.UnixMilli())
	}
	return s
}

// exactCounters fetches the raw samples of both windows (one request each)
// and sums reset-adjusted increases per group and bucket.
func (pq *promQuery) exactCounters(ctx context.Context, spec counterSpec) (*counterData, error) {
	cur := pq.currentSlots()
	curFrom := pq.win.Current.From
	if len(pq.steps) > 0 {
		if s := pq.steps[0].Add(-pq.window); s.Before(curFrom) {
			curFrom = s
		}
	}
	ref := slots{from: pq.win.Reference.From.UnixMilli(), to: pq.win.Reference.To.UnixMilli()}
	var refRes, curRes *prometheus.Result
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) {
		refRes, err = pq.raw(gctx, spec.selector, pq.win.Reference.From.Add(-rawLookback), pq.win.Reference.To)
		return err
	})
	g.Go(func() (err error) {
		curRes, err = pq.raw(gctx, spec.selector, curFrom.Add(-rawLookback), pq.win.Current.To)
		return err
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}
	d := &counterData{Exact: true, Ref: promhist.NewSums(1), Cur: promhist.NewSums(1 + len(cur.ends))}
	var st exactStats
	d.RefSeries = pq.addExact(d.Ref, refRes, spec, ref, &st)
	d.CurSeries = pq.addExact(d.Cur, curRes, spec, cur, &st)
	pq.log.notice("counts are exact increases computed from %d raw samples of %d series (counter resets adjusted, no extrapolation)", refRes.Points+curRes.Points, len(refRes.Series)+len(curRes.Series))
	if st.resets > 0 {
		pq.log.notice("%d counter resets (restarts) were adjusted for", st.resets)
	}
	st.report(pq.log)
	return d, nil
}

// raw reads the raw samples of a selector in [from, to].
func (pq *promQuery) raw(ctx context.Context, selector string, from, to time.Time) (*prometheus.Result, error) {
	rng := to.Sub(from)
	pq.log.executedQuery(fmt.Sprintf("%s[%s] @ %s", selector, prometheus.FormatDuration(rng), to.UTC().Format(time.RFC3339)))
	res, err := pq.e.Prom.RawRange(ctx, selector, rng, to, pq.lim)
	if err != nil {
		return nil, err
	}
	pq.warnings(res)
	return res, nil
}

func (pq *promQuery) warnings(res *prometheus.Result) {
	for _, w := range res.Warnings {
		pq.log.notice("Prometheus: %s", w)
	}
}

type exactStats struct {
	resets, dropped, badLe, histograms int
}

func (st *exactStats) report(l *runLog) {
	if st.dropped > 0 {
		l.notice("%d NaN or infinite samples were ignored", st.dropped)
	}
	if st.badLe > 0 {
		l.notice("%d series without a usable le label were ignored", st.badLe)
	}
	if st.histograms > 0 {
		l.notice("%d series hold native histogram samples, which the classic-histogram input ignores; choose the native input for them", st.histograms)
	}
}

// addExact adds each series' increases over the slots to s and returns the
// number of series used.
func (pq *promQuery) addExact(s *promhist.Sums, res *prometheus.Result, spec counterSpec, sl slots, st *exactStats) int {
	n := 0
	startVals := make([]float64, len(sl.starts))
	endVals := make([]float64, len(sl.ends))
	vec := make([]float64, s.Width)
	for i := range res.Series {
		ser := &res.Series[i]
		if len(ser.H) > 0 {
			st.histograms++
		}
		group := spec.group(ser.Labels)
		le, leText := 0.0, ""
		if spec.le {
			leText = ser.Labels["le"]
			b, err := drift.ParseLe(leText)
			if err != nil {
				st.badLe++
				continue
			}
			le = b
		}
		n++
		c := promhist.NewCounter(ser.T, ser.V)
		st.resets += c.Resets
		st.dropped += c.Dropped
		vec[0] = c.Increase(sl.from, sl.to)
		if len(sl.ends) > 0 {
			c.AtEach(sl.starts, startVals)
			c.AtEach(sl.ends, endVals)
			for k := range sl.ends {
				vec[1+k] = max(endVals[k]-startVals[k], 0)
			}
		}
		s.AddVector(group, le, leText, vec)
	}
	return n
}

// increaseCounters is the fallback: sum by (group, le) (increase(...)) per
// window, and one range query for the steps.
func (pq *promQuery) increaseCounters(ctx context.Context, spec counterSpec) (*counterData, error) {
	d := &counterData{Ref: promhist.NewSums(1), Cur: promhist.NewSums(1 + len(pq.steps))}
	by := strings.Join(spec.by, ", ")
	expr := func(w time.Duration) string {
		return fmt.Sprintf("sum by (%s) (increase(%s[%s]))", by, spec.selector, prometheus.FormatDuration(w))
	}
	var bad badValues
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		r := pq.win.Reference
		res, err := pq.instant(gctx, expr(r.To.Sub(r.From)), r.To)
		if err != nil {
			return err
		}
		d.RefSeries = len(res.Series)
		return pq.addIncrease(d.Ref, res, spec, func(int64) int { return 0 }, &bad)
	})
	g.Go(func() error {
		c := pq.win.Current
		res, err := pq.instant(gctx, expr(c.To.Sub(c.From)), c.To)
		if err != nil {
			return err
		}
		d.CurSeries = len(res.Series)
		return pq.addIncrease(d.Cur, res, spec, func(int64) int { return 0 }, &bad)
	})
	if len(pq.steps) > 0 {
		g.Go(func() error {
			first := pq.steps[0]
			res, err := pq.rangeQuery(gctx, expr(pq.window), first, pq.steps[len(pq.steps)-1], pq.stepDur)
			if err != nil {
				return err
			}
			slot := func(t int64) int {
				k := int((t - first.UnixMilli() + pq.stepDur.Milliseconds()/2) / pq.stepDur.Milliseconds())
				if k < 0 || k >= len(pq.steps) {
					return -1
				}
				return 1 + k
			}
			return pq.addIncrease(d.Cur, res, spec, slot, &bad)
		})
	}
	if err := g.Wait(); err != nil {
		return nil, pq.limitError(err)
	}
	if bad.n > 0 {
		pq.log.notice("%d NaN or infinite increase() results counted as 0", bad.n)
	}
	return d, nil
}

type badValues struct {
	mu sync.Mutex
	n  int
}

// addIncrease adds increase() results to s; slot maps a sample time to a
// slot (-1 drops it). Sums are not safe for concurrent use, but each call
// owns its Sums except the current window's, which two goroutines share:
// they are serialised by the lock.
func (pq *promQuery) addIncrease(s *promhist.Sums, res *prometheus.Result, spec counterSpec, slot func(int64) int, bad *badValues) error {
	bad.mu.Lock()
	defer bad.mu.Unlock()
	for _, ser := range res.Series {
		group := spec.group(ser.Labels)
		for i, t := range ser.T {
			k := slot(t)
			if k < 0 {
				continue
			}
			if spec.le {
				isBad, err := s.AddLe(group, ser.Labels["le"], k, ser.V[i])
				if err != nil {
					continue
				}
				if isBad {
					bad.n++
				}
				continue
			}
			v, isBad := promhist.Value(ser.V[i])
			if isBad {
				bad.n++
			}
			s.Add(group, 0, "", k, v)
		}
	}
	return nil
}

// instant runs and logs an instant query.
func (pq *promQuery) instant(ctx context.Context, expr string, at time.Time) (*prometheus.Result, error) {
	pq.log.executedQuery(fmt.Sprintf("%s @ %s", expr, at.UTC().Format(time.RFC3339)))
	res, err := pq.e.Prom.Query(ctx, expr, at, pq.lim)
	if err != nil {
		return nil, err
	}
	pq.warnings(res)
	return res, nil
}

// rangeQuery runs and logs a range query.
func (pq *promQuery) rangeQuery(ctx context.Context, expr string, from, to time.Time, step time.Duration) (*prometheus.Result, error) {
	pq.log.executedQuery(fmt.Sprintf("%s (range %s to %s, step %s)", expr, from.UTC().Format(time.RFC3339), to.UTC().Format(time.RFC3339), prometheus.FormatDuration(step)))
	res, err := pq.e.Prom.QueryRange(ctx, expr, from, to, step, pq.lim)
	if err != nil {
		return nil, err
	}
	pq.warnings(res)
	return res, nil
}

// limitError turns a limit passed by an aggregated answer into an error a
// user can act on (nothing smaller is left to fall back to).
func (pq *promQuery) limitError(err error) error {
	if le, ok := prometheus.IsLimit(err); ok {
		return &models.QueryError{Field: "query", Message: limitAdvice(le)}
	}
	return err
}
