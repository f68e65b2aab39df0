package engine

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/mlwatch/mlwatch/pkg/chsql"
	"github.com/mlwatch/mlwatch/pkg/drift"
	"github.com/mlwatch/mlwatch/pkg/models"
	"github.com/mlwatch/mlwatch/pkg/source/clickhouse"
)

// chRun is one drift or distribution query over ClickHouse.
type chRun struct {
	qr   *chQuerier
	req  Request
	q    *models.Query
	in   *chInput
	win  Windows
	opts drift.Options
	ot   *overTime
	// maxCategories caps the categories kept per feature.
	maxCategories int
}

// overTime is the bucket grid of an over-time query: the span [base, to)
// is cut into buckets of g; the window of step t is the buckets in
// [t-window, t).
type overTime struct {
	times   []time.Time
	window  time.Duration
	g       time.Duration
	base    time.Time
	buckets int
}

// maxBuckets bounds the over-time grid.
const maxBuckets = 20_000

// defaultMaxCategories caps the distinct values kept per categorical
// feature; the rest are counted together as otherCategory.
const defaultMaxCategories = 1000

// otherCategory collects the categories beyond the cap.
const otherCategory = "(other)"

func newCHRun(ctx context.Context, e *Engine, req Request) (*chRun, error) {
	w, err := windows(req.Query, req.TimeRange)
	if err != nil {
		return nil, err
	}
	qr := &chQuerier{client: e.ClickHouse, limits: e.Limits}
	if qr.limits.MaxRows <= 0 {
		qr.limits.MaxRows = DefaultLimits().MaxRows
	}
	in, err := resolveCH(ctx, qr, req, w)
	if err != nil {
		return nil, err
	}
	for _, n := range in.notices {
		qr.notice(n)
	}
	r := &chRun{qr: qr, req: req, q: req.Query, in: in, win: w, opts: req.Query.DriftOptions(), maxCategories: defaultMaxCategories}
	if err := r.checkMethod(); err != nil {
		return nil, err
	}
	if req.Query.OverTime && req.Query.QueryType == models.TypeDrift {
		if r.ot, err = r.overTimeGrid(); err != nil {
			return nil, err
		}
	}
	return r, nil
}

func (r *chRun) checkMethod() error {
	m := r.q.Method
	if m == "auto" {
		return nil
	}
	if _, _, ok := drift.MethodKind(m); !ok {
		if _, _, multi := drift.MultivariateMethodKind(m); multi {
			return fieldErr("method", "%s compares all features together; over ClickHouse, drift is computed per feature: choose a univariate method (for example wasserstein, psi or ks)", m)
		}
		return fieldErr("method", "unknown method %q", m)
	}
	if b := r.q.Binning; b != nil {
		switch drift.BinningPolicy(b.Policy) {
		case "", drift.BinningEvidently, drift.BinningQuantiles:
		case drift.BinningFixed:
			if len(b.Edges) == 0 {
				return fieldErr("binning.edges", "fixed binning needs edges")
			}
			for i, e := range b.Edges {
				if math.IsNaN(e) || math.IsInf(e, 0) {
					return fieldErr("binning.edges", "edge %d is not a finite number", i)
				}
				if i > 0 && !(e > b.Edges[i-1]) {
					return fieldErr("binning.edges", "edges must be strictly ascending; edge %d (%g) is not above %g", i, e, b.Edges[i-1])
				}
			}
		default:
			return fieldErr("binning.policy", "unknown binning policy %q: use evidently, quantiles or fixed", b.Policy)
		}
	}
	return nil
}

// overTimeGrid lays buckets under the steps. The bucket size is the
// greatest common divisor of step and window, so that every step's window
// is a whole number of buckets; the grid starts early enough to cover the
// first window and the current range.
func (r *chRun) overTimeGrid() (*overTime, error) {
	times, window, notes, err := steps(r.q, r.req.TimeRange, r.req.Interval, r.qr.limits.MaxSteps)
	if err != nil {
		return nil, err
	}
	for _, n := range notes {
		r.qr.notice(n)
	}
	step := window
	if len(times) > 1 {
		step = times[1].Sub(times[0])
	}
	ot := &overTime{times: times, window: window}
	for {
		ot.g = gcdDuration(step, ot.window)
		if ot.g < time.Millisecond {
			ot.g = time.Millisecond
		}
		ot.base = times[0].Add(-ot.window)
		if from := r.req.TimeRange.From; ot.base.After(from) {
			k := (ot.base.Sub(from) + ot.g - 1) / ot.g
			ot.base = ot.base.Add(-k * ot.g)
		}
		ot.buckets = int((r.req.TimeRange.To.Sub(ot.base) + ot.g - 1) / ot.g)
		if ot.buckets <= maxBuckets || ot.g >= step {
			break
		}
		// Step and window share only a tiny divisor: round the window up
		// to whole steps.
		rounded := (ot.window + step - 1) / step * step
		r.qr.notice(fmt.Sprintf("the window was rounded from %s to %s (a whole number of steps) to keep the over-time query small", models.FormatDuration(ot.window), models.FormatDuration(rounded)))
		ot.window = rounded
	}
	if ot.buckets > maxBuckets {
		return nil, fieldErr("step", "the over-time query would need %d buckets; use a longer step or a shorter time range", ot.buckets)
	}
	return ot, nil
}

func gcdDuration(a, b time.Duration) time.Duration {
	a, b = a.Truncate(time.Millisecond), b.Truncate(time.Millisecond)
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// bucketRange returns the window labels (1-based bucket numbers) of step i.
func (ot *overTime) bucketRange(i int) (lo, hi int) {
	t := ot.times[i]
	lo = int(t.Add(-ot.window).Sub(ot.base)/ot.g) + 1
	hi = int(t.Sub(ot.base)/ot.g) + 1
	return lo, hi // labels lo..hi-1
}

// Windows of the three kinds of queries.

func (r *chRun) refWindow() chWindow {
	if r.win.Baseline {
		return chWindow{baseline: true, w: "toInt64(0)", ref: true}
	}
	return chWindow{from: r.win.Reference.From, to: r.win.Reference.To, w: "toInt64(0)", ref: true}
}

func (r *chRun) currentWindow() chWindow {
	return chWindow{from: r.win.Current.From, to: r.win.Current.To, w: "toInt64(1)"}
}

// statsWindows: the reference and the current range, and with over time
// the part of the span before the current range (label 2).
func (r *chRun) statsWindows() []chWindow {
	wins := []chWindow{r.refWindow(), r.currentWindow()}
	if r.ot != nil && r.ot.base.Before(r.win.Current.From) {
		wins = append(wins, chWindow{from: r.ot.base, to: r.win.Current.From, w: "toInt64(2)"})
	}
	return wins
}

func (r *chRun) summaryWindows() []chWindow {
	return []chWindow{r.refWindow(), r.currentWindow()}
}

// stepWindows: the span, labelled by bucket, with or without the
// reference.
func (r *chRun) stepWindows(withRef bool) ([]chWindow, error) {
	ms, err := chsql.EpochMillis(r.in.timeCol, r.in.timeType)
	if err != nil {
		return nil, err
	}
	span := chWindow{from: r.ot.base, to: r.win.Current.To, bucketed: true,
		w: fmt.Sprintf("toInt64(1 + intDiv(%s - %d, %d))", ms, r.ot.base.UnixMilli(), r.ot.g.Milliseconds())}
	if withRef {
		return []chWindow{r.refWindow(), span}, nil
	}
	return []chWindow{span}, nil
}

// keyOf reads a feature key: an integer for wide sources, the name for
// long ones while discovering them.
func keyString(c *clickhouse.Column, i int) string { return c.String(i) }

func keyInt(c *clickhouse.Column, i int) int {
	if c.Kind == clickhouse.KindString {
		n, _ := strconv.Atoi(c.String(i))
		return n
	}
	return int(c.Int(i))
}

// need returns the named column of a result or an error saying the answer
// was not what the query asked for.
func need(res *clickhouse.Result, names ...string) ([]*clickhouse.Column, error) {
	out := make([]*clickhouse.Column, len(names))
	for i, n := range names {
		if out[i] = res.Column(n); out[i] == nil {
			return nil, fmt.Errorf("ClickHouse answered without the column %s", n)
		}
	}
	return out, nil
}

// longFeatures discovers the features of a long source from the keys of a
// stats answer (names, per window): sorted, distinct, capped at
// MaxFeatures.
func (r *chRun) longFeatures(res *clickhouse.Result, numeric bool) []chFeature {
	k := res.Column("__k")
	seen := map[string]bool{}
	var names []string
	for i := 0; i < res.Rows; i++ {
		if name := keyString(k, i); name != "" && !seen[name] {
			seen[name] = true
			names = append(names, name)
		}
	}
	slices.Sort(names)
	if max := r.qr.limits.MaxFeatures; max > 0 && len(names) > max {
		r.qr.notice(fmt.Sprintf("more than %d features found; only the first %d (by name) are compared. Filter the rows, or raise the feature limit", max, max))
		names = names[:max]
	}
	feats := make([]chFeature, len(names))
	for i, n := range names {
		feats[i] = chFeature{Name: n, Key: i + 1, Numeric: numeric}
	}
	return feats
}

func featureNames(feats []chFeature) map[string]int {
	m := make(map[string]int, len(feats))
	for _, f := range feats {
		m[f.Name] = f.Key
	}
	return m
}

// branches is chInput.branches with the names of a long source's features.
func (r *chRun) branches(wins []chWindow, feats []chFeature, hash bool) ([]chBranch, error) {
	var names map[string]int
	if r.in.long {
		names = featureNames(feats)
	}
	return r.in.branches(wins, feats, names, hash, r.req.Interval)
}

// limitFeatures applies MaxFeatures to a wide source's columns.
func (r *chRun) limitFeatures(feats []chFeature) []chFeature {
	if max := r.qr.limits.MaxFeatures; max > 0 && len(feats) > max {
		r.qr.notice(fmt.Sprintf("%d feature columns picked; only the first %d are compared", len(feats), max))
		return feats[:max]
	}
	return feats
}

// methodResult is a result without a verdict, for a feature the method
// cannot handle; the notice says why.
func methodResult(method string, nRef, nCur int64, notice string, o drift.Options) drift.Result {
	kind, th, _ := drift.MethodKind(method)
	if o.Threshold > 0 {
		th = o.Threshold
	}
	return drift.Result{Method: method, Kind: kind, Threshold: th, Score: math.NaN(), Statistic: math.NaN(),
		ReferenceCount: int(nRef), CurrentCount: int(nCur), Notices: []string{notice}}
}

// insufficientResult is the drift package's "insufficient data" result for
// windows whose counts are known from the stats alone, so that no values
// are fetched for a comparison that cannot be made.
func insufficientResult(method string, nRef, nCur int64, o drift.Options) drift.Result {
	r := methodResult(method, nRef, nCur, "", o)
	minCount := max(o.MinCount, 1)
	switch {
	case nRef == 0 && nCur == 0:
		r.Notices = []string{"insufficient data: both windows are empty"}
	case nRef == 0:
		r.Notices = []string{"insufficient data: the reference window is empty"}
	case nCur == 0:
		r.Notices = []string{"insufficient data: the current window is empty"}
	default:
		r.Notices = []string{fmt.Sprintf("insufficient data: %d reference and %d current values, at least %d each are needed", nRef, nCur, minCount)}
	}
	return r
}

func plural(n int64, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func missingNotice(rowsR, nR, rowsC, nC int64) string {
	mr, mc := rowsR-nR, rowsC-nC
	if mr <= 0 && mc <= 0 {
		return ""
	}
	return fmt.Sprintf("%d reference and %d current %s missing (NULL, NaN, ±Inf or empty) and left out", mr, mc, plural(mr+mc, "value was", "values were"))
}

// clickhouseResult is the client's result type.
type clickhouseResult = clickhouse.Result
