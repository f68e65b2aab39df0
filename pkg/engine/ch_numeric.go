package engine

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/mlwatch/mlwatch/pkg/drift"
	"github.com/mlwatch/mlwatch/pkg/models"
)

// Numeric features: one stats query, then counts per bin (pushed down) for
// the binned methods and a capped, deterministically sampled pull of raw
// values for the methods that need them.

type numPath int

const (
	pathCounts numPath = iota // histograms (or value counts) from ClickHouse
	pathRaw                   // raw values, capped
)

// winStats are one feature's stats in one window.
type winStats struct {
	rows, n int64 // rows (missing values included) and finite values
	lo, hi  float64
	u       int64     // distinct finite values, up to uniqRule+1
	q       []float64 // reference quantiles
}

// numStats are one feature's stats: reference, current range, and the
// rest of the over-time span.
type numStats struct {
	w [3]winStats
	// uRC is the number of distinct values over the reference and the
	// current range (up to 101), -1 when not asked; uxRC and uxRS are the
	// exact counts over the reference with the current range or with the
	// whole span (hellinger).
	uRC, uxRC, uxRS int64
}

func (s numStats) R() winStats { return s.w[0] }
func (s numStats) C() winStats { return s.w[1] }

// S is the over-time span: the current range and the part before it. Its
// distinct count is a bound (at most the sum).
func (s numStats) S() winStats {
	c, e := s.w[1], s.w[2]
	out := winStats{rows: c.rows + e.rows, n: c.n + e.n, lo: c.lo, hi: c.hi, u: min(c.u+e.u, uniqRule+1)}
	if c.n == 0 {
		out.lo, out.hi = e.lo, e.hi
	} else if e.n > 0 {
		out.lo, out.hi = math.Min(c.lo, e.lo), math.Max(c.hi, e.hi)
	}
	return out
}

// numFeature is a numeric feature being compared.
type numFeature struct {
	chFeature
	st       numStats
	method   string
	auto     bool
	path     numPath
	spec     binSpec // summary bins (pathCounts)
	stepSpec binSpec // over-time bins (pathCounts)
	// categorical: z and fisher_exact compare value counts as categories.
	categorical bool
	problem     string // the method cannot run: the result says why
	// insufficient: a window has fewer values than the minimum count, so
	// no query is needed for a verdict.
	insufficient bool
	// fine: auto's wasserstein on fine bins (a notice says so).
	fine      bool
	notices   []string
	result    drift.Result
	scores    []float64
	refSample *drift.Sample
	counts    [2]binCounts // summary counts: reference, current
}

// autoRawCap bounds the values per window that auto pulls for ks.
const autoRawCap = 100_000

// rawMethods need raw values.
var rawMethods = map[string]bool{"ks": true, "wasserstein": true, "anderson": true, "cramer_von_mises": true, "mannw": true, "t_test": true, "energy": true}

// runNumeric compares numeric features (nil for a long source: discovered).
func (r *chRun) runNumeric(ctx context.Context, feats []chFeature) ([]*numFeature, error) {
	statsWins := r.statsWindows()
	data, err := r.in.branches(statsWins, feats, nil, false, r.req.Interval)
	if err != nil {
		return nil, err
	}
	counts, err := r.in.countBranches(statsWins, nil, r.req.Interval)
	if err != nil {
		return nil, err
	}
	var o statsOpts
	if r.policy() == drift.BinningQuantiles {
		o.quantiles = quantileLevels(r.q.Binning.Bins)
	}
	maxRows := int64(len(data) + len(counts))
	if r.in.long {
		if r.qr.limits.MaxFeatures > 0 {
			o.limit = r.qr.limits.MaxFeatures + 1
		}
		maxRows = r.rowBudget()
	}
	res, err := r.qr.run(ctx, numStatsSQL(data, counts, o), maxRows)
	if err != nil {
		return nil, err
	}
	if r.in.long {
		feats = r.longFeatures(res, true)
	}
	stats, err := parseNumStats(res, r.in.long, feats)
	if err != nil {
		return nil, err
	}
	nfs := make([]*numFeature, len(feats))
	for i, f := range feats {
		nfs[i] = &numFeature{chFeature: f, st: stats[f.Key]}
	}
	if err := r.distinct(ctx, nfs); err != nil {
		return nil, err
	}
	for _, nf := range nfs {
		r.plan(nf)
	}
	if err := r.summaryCounts(ctx, nfs); err != nil {
		return nil, err
	}
	if err := r.summaryRaw(ctx, nfs); err != nil {
		return nil, err
	}
	for _, nf := range nfs {
		r.summaryResult(nf)
	}
	if r.ot != nil {
		if err := r.numericOverTime(ctx, nfs); err != nil {
			return nil, err
		}
	}
	return nfs, nil
}

// distinct counts distinct values over both windows together where the
// per-window counts do not settle it: auto's choice between ks, chisquare
// and z when each window has at most 5 distinct values, and the exact
// counts of Evidently's Hellinger binning.
func (r *chRun) distinct(ctx context.Context, nfs []*numFeature) error {
	exact := r.q.Method == "hellinger" && r.policy() == drift.BinningEvidently
	var sel []chFeature
	for _, nf := range nfs {
		nf.st.uRC = -1
		if exact || (r.q.Method == "auto" && max(nf.st.R().u, nf.st.C().u) <= 5 && nf.st.R().n > 0) {
			sel = append(sel, nf.chFeature)
		}
	}
	if len(sel) == 0 {
		return nil
	}
	branches, err := r.branches(r.statsWindows(), sel, false)
	if err != nil {
		return err
	}
	res, err := r.qr.run(ctx, distinctSQL(branches, exact), int64(len(sel)+1))
	if err != nil {
		return err
	}
	k := res.Column("__k")
	if k == nil {
		return fmt.Errorf("ClickHouse answered without the column __k")
	}
	byKey := map[int]*numFeature{}
	for _, nf := range nfs {
		byKey[nf.Key] = nf
	}
	for i := 0; i < res.Rows; i++ {
		nf := byKey[keyInt(k, i)]
		if nf == nil {
			continue
		}
		nf.st.uRC = res.Column("u_rc").Int(i)
		if exact {
			nf.st.uxRC, nf.st.uxRS = res.Column("ux_rc").Int(i), res.Column("ux_rs").Int(i)
		}
	}
	return nil
}

func (r *chRun) policy() drift.BinningPolicy {
	if r.q.Binning == nil || r.q.Binning.Policy == "" {
		return drift.BinningEvidently
	}
	return drift.BinningPolicy(r.q.Binning.Policy)
}

func quantileLevels(bins int) []float64 {
	if bins < 2 {
		bins = 10
	}
	out := make([]float64, bins-1)
	for k := 1; k < bins; k++ {
		out[k-1] = float64(k) / float64(bins)
	}
	return out
}

func parseNumStats(res *clickhouseResult, long bool, feats []chFeature) (map[int]numStats, error) {
	cols, err := need(res, "__k", "__w", "rows", "n", "lo", "hi", "u")
	if err != nil {
		return nil, err
	}
	q := res.Column("q")
	byName := featureNames(feats)
	out := map[int]numStats{}
	rows := map[int64]int64{} // rows per window of a wide source (key 0)
	for i := 0; i < res.Rows; i++ {
		key := 0
		if long {
			key = byName[keyString(cols[0], i)]
		} else {
			key = keyInt(cols[0], i)
		}
		w := cols[1].Int(i)
		if w < 0 || w > 2 {
			continue
		}
		if !long && key == 0 {
			rows[w] += cols[2].Int(i)
			continue
		}
		if key == 0 {
			continue
		}
		st := out[key]
		ws := &st.w[w]
		if n := cols[2].Int(i); n > 0 {
			ws.rows += n
		}
		if n := cols[3].Int(i); n > 0 {
			ws.n, ws.lo, ws.hi, ws.u = n, cols[4].Float(i), cols[5].Float(i), cols[6].Int(i)
			if q != nil {
				ws.q = parseFloatArray(q.String(i))
			}
		}
		out[key] = st
	}
	if !long {
		for _, f := range feats {
			st := out[f.Key]
			for w := range st.w {
				st.w[w].rows = rows[int64(w)]
			}
			out[f.Key] = st
		}
	}
	return out, nil
}

// parseFloatArray reads ClickHouse's text of an Array(Float64): "[1,2.5]".
func parseFloatArray(s string) []float64 {
	s = trimBrackets(s)
	if s == "" {
		return nil
	}
	var out []float64
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ',' {
			if v, err := strconv.ParseFloat(s[start:i], 64); err == nil {
				out = append(out, v)
			} else if v, ok := specialFloat(s[start:i]); ok {
				out = append(out, v)
			}
			start = i + 1
		}
	}
	return out
}

func trimBrackets(s string) string {
	if len(s) >= 2 && s[0] == '[' && s[len(s)-1] == ']' {
		return s[1 : len(s)-1]
	}
	return s
}

func specialFloat(s string) (float64, bool) {
	switch s {
	case "nan", "-nan":
		return math.NaN(), true
	case "inf", "+inf":
		return math.Inf(1), true
	case "-inf":
		return math.Inf(-1), true
	}
	return 0, false
}

// rangeOf is the min and max of the windows that hold values.
func rangeOf(n1 int64, lo1, hi1 float64, n2 int64, lo2, hi2 float64) (lo, hi float64, ok bool) {
	lo, hi = math.Inf(1), math.Inf(-1)
	if n1 > 0 {
		lo, hi = math.Min(lo, lo1), math.Max(hi, hi1)
	}
	if n2 > 0 {
		lo, hi = math.Min(lo, lo2), math.Max(hi, hi2)
	}
	return lo, hi, n1+n2 > 0
}

// plan picks the method, how it is computed, and the bins.
func (r *chRun) plan(nf *numFeature) {
	st := nf.st
	R, C, S := st.R(), st.C(), st.S()
	nf.method, nf.auto = r.q.Method, r.q.Method == "auto"
	if nf.auto {
		unique := max(R.u, C.u)
		if st.uRC >= 0 {
			unique = st.uRC
		}
		nf.method = drift.AutoMethod(true, int(R.n), int(unique))
	}
	if n := missingNotice(R.rows, R.n, C.rows, C.n); n != "" {
		nf.notices = append(nf.notices, n)
	}
	if mc := int64(max(r.opts.MinCount, 1)); R.n < mc || C.n < mc {
		nf.insufficient = true
		nf.problem = "insufficient"
		return
	}
	switch m := nf.method; {
	case m == "wasserstein" && nf.auto:
		// Evidently's default above 1000 reference rows. Pulling both
		// windows raw would move every row; instead W1 is computed on 1000
		// equal-width bins counted in ClickHouse (as Evidently's Spark
		// engine does), with uniform mass inside each bin.
		nf.path = pathCounts
		nf.spec = fineSpec(R, C)
		nf.stepSpec = fineSpec(R, S)
		nf.fine = true
	case rawMethods[m]:
		nf.path = pathRaw
	case m == "z" || m == "fisher_exact":
		nf.path, nf.categorical = pathCounts, true
		nf.spec, nf.stepSpec = binSpec{mode: binValues, what: "one bin per value"}, binSpec{mode: binValues, what: "one bin per value"}
	default:
		if _, _, ok := drift.MethodKind(m); !ok || !slices.Contains(drift.Methods("num"), m) {
			nf.problem = fmt.Sprintf("method %s does not apply to numeric values", m)
			return
		}
		nf.path = pathCounts
		nf.spec = r.binning(nf, R, C, st.uxRC)
		nf.stepSpec = r.binning(nf, R, S, st.uxRS)
	}
}

// fineSpec is fineBins equal-width bins over both windows.
func fineSpec(a, b winStats) binSpec {
	lo, hi, ok := rangeOf(a.n, a.lo, a.hi, b.n, b.lo, b.hi)
	if !ok {
		return binSpec{mode: binValues}
	}
	return equalWidth(lo, hi, fineBins, fmt.Sprintf("%d equal-width bins", fineBins))
}

// fineNotice says how auto's wasserstein was computed, and warns when the
// bins are wide compared with the reference's spread (std, from the bins).
func fineNotice(s binSpec, std float64) string {
	msg := fmt.Sprintf("auto chose wasserstein (more than 1000 reference values); it was computed in ClickHouse on %d equal-width bins", s.nb)
	if s.mode == binArith && std > 0 && !math.IsNaN(std) {
		if rel := s.step / std; rel > 0.01 {
			msg += fmt.Sprintf(" whose width is %.2g reference standard deviations (outliers widen the range), so the score may be off by up to about that much; choose wasserstein explicitly for a raw (sampled) computation", rel)
		}
	}
	return msg
}

// binning is the drift package's binning for the binned distances,
// computed from stats: Evidently's rule (Sturges over both windows when
// the reference has more than 20 distinct values, else one bin per value;
// Sturges over the distinct values for hellinger), reference quantiles, or
// fixed edges.
func (r *chRun) binning(nf *numFeature, R, C winStats, uxBoth int64) binSpec {
	lo, hi, ok := rangeOf(R.n, R.lo, R.hi, C.n, C.lo, C.hi)
	switch r.policy() {
	case drift.BinningQuantiles:
		return binSpec{mode: binEdges, edges: dedupEdges(R.q), what: "reference quantile bins"}
	case drift.BinningFixed:
		return binSpec{mode: binEdges, edges: slices.Clone(r.q.Binning.Edges), what: "fixed bins"}
	}
	switch {
	case !ok:
		return binSpec{mode: binValues, what: "one bin per value"}
	case nf.method == "hellinger":
		return sturges(lo, hi, max(uxBoth, 1))
	case R.u > uniqRule:
		return sturges(lo, hi, R.n+C.n)
	}
	// At most 20 reference values: one bin per value of either window, as
	// Evidently; countBins falls back to tooManyValues when the current
	// window has more than uniqValues.
	return binSpec{mode: binValues, what: "one bin per value"}
}

// tooManyValues is the binning when one bin per value would make more than
// uniqValues bins: Sturges over both windows.
func tooManyValues(R, C winStats) binSpec {
	lo, hi, _ := rangeOf(R.n, R.lo, R.hi, C.n, C.lo, C.hi)
	s := sturges(lo, hi, R.n+C.n)
	s.what = fmt.Sprintf("Sturges bins (the reference has at most 20 distinct values, but the windows more than %d, too many for one bin per value)", uniqValues)
	return s
}

// rowBudget is the result-row limit for one query.
func (r *chRun) rowBudget() int64 { return int64(r.qr.limits.MaxRows) }

// maxBinRows bounds the rows a counts query returns for one feature and
// window.
func maxBinRows(s binSpec) int64 {
	switch s.mode {
	case binArith:
		return int64(s.nb) + 2
	case binEdges:
		return int64(len(s.edges)) + 1
	}
	return uniqValues + 1
}

// fitBins keeps a counts query within the row limit: windows × bins per
// feature is an upper bound of its rows (only non-empty bins come back).
// The fine bins of auto's wasserstein are the only large ones; they are
// made coarser (down to 100) before the query is refused.
func (r *chRun) fitBins(sel []*numFeature, windows int64, spec func(*numFeature) *binSpec, field, advice string) error {
	bound := func() int64 {
		var b int64
		for _, nf := range sel {
			b += windows * maxBinRows(*spec(nf))
		}
		return b
	}
	if bound() <= r.rowBudget() {
		return nil
	}
	var fine []*numFeature
	var fixed int64
	for _, nf := range sel {
		if s := spec(nf); s.mode == binArith && nf.auto && s.nb > 100 {
			fine = append(fine, nf)
		} else {
			fixed += windows * maxBinRows(*s)
		}
	}
	if len(fine) > 0 {
		nb := int((r.rowBudget()-fixed)/(windows*int64(len(fine)))) - 2
		nb = max(nb, 100)
		for _, nf := range fine {
			if s := spec(nf); nb < s.nb {
				*s = equalWidth(s.lo, s.hi, nb, fmt.Sprintf("%d equal-width bins", nb))
			}
		}
		r.qr.notice(fmt.Sprintf("wasserstein uses %d bins instead of %d to keep the bin counts within the row limit (%d)", nb, fineBins, r.rowBudget()))
	}
	if b := bound(); b > r.rowBudget() {
		return fieldErr(field, "the comparison would return up to %d bin counts, more than the row limit (%d); %s", b, r.rowBudget(), advice)
	}
	return nil
}

// countedFeatures are the features compared on bin counts, without a
// problem that stops them.
func countedFeatures(nfs []*numFeature) []*numFeature {
	var sel []*numFeature
	for _, nf := range nfs {
		if nf.path == pathCounts && nf.problem == "" {
			sel = append(sel, nf)
		}
	}
	return sel
}

// summaryCounts runs the counts query of the summary.
func (r *chRun) summaryCounts(ctx context.Context, nfs []*numFeature) error {
	sel := countedFeatures(nfs)
	if len(sel) == 0 {
		return nil
	}
	spec := func(nf *numFeature) *binSpec { return &nf.spec }
	if err := r.fitBins(sel, 2, spec, "clickhouse.columns", "compare fewer features"); err != nil {
		return err
	}
	counts, err := r.countBins(ctx, sel, r.summaryWindows(), spec, func(nf *numFeature) binSpec { return tooManyValues(nf.st.R(), nf.st.C()) })
	if err != nil {
		return err
	}
	for _, nf := range sel {
		nf.counts = [2]binCounts{counts.get(nf.Key, 0), counts.get(nf.Key, 1)}
		if nf.fine {
			nf.notices = append(nf.notices, fineNotice(nf.spec, binnedStd(nf.spec, nf.counts[0])))
		}
	}
	return nil
}

// countBins runs a counts query. Features binned one bin per value whose
// values turn out too many (a window answered uniqValues+1 of them) get
// the fallback bins and a second query; z and fisher_exact, which need
// two categories, get a problem instead.
func (r *chRun) countBins(ctx context.Context, sel []*numFeature, wins []chWindow, spec func(*numFeature) *binSpec, fallback func(*numFeature) binSpec) (countsByKey, error) {
	run := func(sel []*numFeature) (countsByKey, error) {
		feats := make([]chFeature, len(sel))
		specs := make([]countSpec, len(sel))
		for i, nf := range sel {
			feats[i], specs[i] = nf.chFeature, countSpec{key: nf.Key, spec: *spec(nf)}
		}
		branches, err := r.branches(wins, feats, false)
		if err != nil {
			return nil, err
		}
		res, err := r.qr.run(ctx, numCountsSQL(branches, specs), r.rowBudget())
		if err != nil {
			return nil, err
		}
		return parseCounts(res)
	}
	counts, err := run(sel)
	if err != nil {
		return nil, err
	}
	var again []*numFeature
	for _, nf := range sel {
		if spec(nf).mode != binValues {
			continue
		}
		for _, bc := range counts[nf.Key] {
			if len(bc) > uniqValues {
				if nf.categorical {
					nf.problem = fmt.Sprintf("%s compares two categories, but %s has more than %d distinct values", nf.method, nf.Name, uniqValues)
				} else {
					*spec(nf) = fallback(nf)
					again = append(again, nf)
				}
				break
			}
		}
	}
	if len(again) > 0 {
		more, err := run(again)
		if err != nil {
			return nil, err
		}
		for _, nf := range again {
			counts[nf.Key] = more[nf.Key]
		}
	}
	return counts, nil
}

// binnedStd is the reference's standard deviation from its bin counts
// (mass at bin centres), for the fine-bin notice.
func binnedStd(s binSpec, c binCounts) float64 {
	if s.mode != binArith {
		return math.NaN()
	}
	var n, m1, m2 float64
	for k, v := range c {
		x := s.lo + (float64(k.b)+0.5)*s.step
		n, m1, m2 = n+v, m1+v*x, m2+v*x*x
	}
	if n == 0 {
		return math.NaN()
	}
	m1 /= n
	return math.Sqrt(math.Max(m2/n-m1*m1, 0))
}

// countsByKey holds counts per feature key and window label.
type countsByKey map[int]map[int64]binCounts

func (c countsByKey) get(key int, w int64) binCounts {
	if bc := c[key][w]; bc != nil {
		return bc
	}
	return binCounts{}
}

func parseCounts(res *clickhouseResult) (countsByKey, error) {
	cols, err := need(res, "__k", "__w", "__b", "__x", "n")
	if err != nil {
		return nil, err
	}
	out := countsByKey{}
	for i := 0; i < res.Rows; i++ {
		k, w := keyInt(cols[0], i), cols[1].Int(i)
		if out[k] == nil {
			out[k] = map[int64]binCounts{}
		}
		if out[k][w] == nil {
			out[k][w] = binCounts{}
		}
		out[k][w][binKey{b: cols[2].Int(i), x: cols[3].Float(i)}] += float64(cols[4].Int(i))
	}
	return out, nil
}

// summaryRaw pulls raw values for the features whose method needs them,
// at most MaxRows in all, sampled deterministically where a window holds
// more than its share.
func (r *chRun) summaryRaw(ctx context.Context, nfs []*numFeature) error {
	var raw []*numFeature
	for _, nf := range nfs {
		if nf.path == pathRaw && nf.problem == "" {
			raw = append(raw, nf)
		}
	}
	if len(raw) == 0 {
		return nil
	}
	per := r.rowBudget() / int64(2*len(raw))
	if r.q.Method == "auto" && per > autoRawCap {
		// auto picks a raw method (ks) only for references of at most 1000
		// values; the current window then needs no more than autoRawCap
		// values for a D as precise as the reference allows.
		per = autoRawCap
	}
	if per < 1 {
		return fieldErr("clickhouse.columns", "the row limit (%d) is too small to compare %d features on raw values", r.rowBudget(), len(raw))
	}
	feats := make([]chFeature, len(raw))
	n := map[int][2]int64{}
	var most [2]int64
	sample := false
	for i, nf := range raw {
		feats[i] = nf.chFeature
		n[nf.Key] = [2]int64{nf.st.R().n, nf.st.C().n}
		most = [2]int64{max(most[0], nf.st.R().n), max(most[1], nf.st.C().n)}
		sample = sample || nf.st.R().n > per || nf.st.C().n > per
	}
	plan := rawPlan{perGroup: per}
	if sample {
		plan.threshold = func(key int, ref bool) uint64 {
			side := 1
			if ref {
				side = 0
			}
			if c, ok := n[key]; ok {
				return hashThreshold(per, c[side])
			}
			return hashThreshold(per, most[side])
		}
	}
	branches, err := r.branches(r.summaryWindows(), feats, sample)
	if err != nil {
		return err
	}
	res, err := r.qr.run(ctx, rawSQL(branches, plan), per*int64(2*len(raw)))
	if err != nil {
		return err
	}
	values, err := parseRaw(res)
	if err != nil {
		return err
	}
	for _, nf := range raw {
		ref, cur := values[nf.Key][0], values[nf.Key][1]
		nf.notices = append(nf.notices, sampleNotices(nf.method, int64(len(ref)), nf.st.R().n, int64(len(cur)), nf.st.C().n)...)
		nf.refSample = drift.NewSampleOwned(ref)
		nf.result = r.numericResult(nf, nf.refSample, drift.NewSampleOwned(cur))
	}
	return nil
}

func sampleNotices(method string, gotR, nR, gotC, nC int64) []string {
	var out []string
	for _, s := range []struct {
		what      string
		got, have int64
	}{{"reference", gotR, nR}, {"current", gotC, nC}} {
		if s.have > s.got {
			out = append(out, fmt.Sprintf("%s used a deterministic sample of %d of the %d %s values (the rows with the lowest hash of their contents), to stay within the row limit; raise the limit or narrow the time range for an exact result", method, s.got, s.have, s.what))
		}
	}
	return out
}

// parseRaw groups raw values by feature key and window label.
func parseRaw(res *clickhouseResult) (map[int]map[int64][]float64, error) {
	cols, err := need(res, "__k", "__w", "__v")
	if err != nil {
		return nil, err
	}
	out := map[int]map[int64][]float64{}
	for i := 0; i < res.Rows; i++ {
		k, w := keyInt(cols[0], i), cols[1].Int(i)
		if out[k] == nil {
			out[k] = map[int64][]float64{}
		}
		out[k][w] = append(out[k][w], cols[2].Float(i))
	}
	return out, nil
}

func (r *chRun) numericResult(nf *numFeature, ref, cur *drift.Sample) drift.Result {
	res, err := drift.Numeric(nf.method, ref, cur, r.opts)
	if err != nil {
		return methodResult(nf.method, int64(ref.Len()), int64(cur.Len()), err.Error(), r.opts)
	}
	return res
}

// binnedResult runs the method on two windows of counts.
func (r *chRun) binnedResult(nf *numFeature, spec binSpec, ref, cur binCounts) (drift.Result, error) {
	if nf.categorical {
		refM, curM := map[string]float64{}, map[string]float64{}
		for k, v := range ref {
			refM[formatValue(k.x)] += v
		}
		for k, v := range cur {
			curM[formatValue(k.x)] += v
		}
		return drift.Categorical(nf.method, drift.NewContingencyCounts(refM, curM), r.opts)
	}
	hs, notice, err := spec.histograms([]binCounts{ref, cur}, nf.method == "wasserstein")
	if err != nil {
		return drift.Result{}, err
	}
	res, err := drift.Binned(nf.method, hs[0], hs[1], r.opts)
	if err != nil {
		return drift.Result{}, err
	}
	if notice != "" {
		res.Notices = append(res.Notices, notice)
	}
	return res, nil
}

func formatValue(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// summaryResult finishes a feature's summary result.
func (r *chRun) summaryResult(nf *numFeature) {
	switch {
	case nf.insufficient:
		nf.result = insufficientResult(nf.method, nf.st.R().n, nf.st.C().n, r.opts)
	case nf.problem != "":
		nf.result = methodResult(nf.method, nf.st.R().n, nf.st.C().n, nf.problem, r.opts)
	case nf.path == pathCounts:
		res, err := r.binnedResult(nf, nf.spec, nf.counts[0], nf.counts[1])
		if err != nil {
			res = methodResult(nf.method, nf.st.R().n, nf.st.C().n, err.Error(), r.opts)
		} else if nf.spec.what != "" && !nf.categorical && !nf.auto {
			res.Notices = append(res.Notices, "computed in ClickHouse on "+nf.spec.what)
		}
		nf.result = res
	}
	nf.result.Notices = append(nf.notices, nf.result.Notices...)
}

// numericOverTime computes each step's score in one counts query (bins per
// bucket) and one raw query (values per bucket, capped).
func (r *chRun) numericOverTime(ctx context.Context, nfs []*numFeature) error {
	steps := len(r.ot.times)
	for _, nf := range nfs {
		nf.scores = make([]float64, steps)
		for i := range nf.scores {
			nf.scores[i] = math.NaN()
		}
	}
	if err := r.stepCounts(ctx, nfs); err != nil {
		return err
	}
	return r.stepRaw(ctx, nfs)
}

func (r *chRun) stepCounts(ctx context.Context, nfs []*numFeature) error {
	sel := countedFeatures(nfs)
	if len(sel) == 0 {
		return nil
	}
	spec := func(nf *numFeature) *binSpec { return &nf.stepSpec }
	if err := r.fitBins(sel, int64(r.ot.buckets+1), spec, "step", "use a longer step or compare fewer features"); err != nil {
		return err
	}
	wins, err := r.stepWindows(true)
	if err != nil {
		return err
	}
	counts, err := r.countBins(ctx, sel, wins, spec, func(nf *numFeature) binSpec { return tooManyValues(nf.st.R(), nf.st.S()) })
	if err != nil {
		return err
	}
	for _, nf := range sel {
		if nf.problem != "" {
			continue
		}
		ref := counts.get(nf.Key, 0)
		for i := range r.ot.times {
			lo, hi := r.ot.bucketRange(i)
			cur := binCounts{}
			for b := lo; b < hi; b++ {
				cur.add(counts.get(nf.Key, int64(b)))
			}
			if res, err := r.binnedResult(nf, nf.stepSpec, ref, cur); err == nil {
				nf.scores[i] = res.Score
			}
		}
	}
	return nil
}

func (r *chRun) stepRaw(ctx context.Context, nfs []*numFeature) error {
	var sel []*numFeature
	for _, nf := range nfs {
		if nf.path == pathRaw && nf.problem == "" && nf.refSample != nil {
			sel = append(sel, nf)
		}
	}
	if len(sel) == 0 {
		return nil
	}
	buckets := int64(r.ot.buckets)
	per := r.rowBudget() / (buckets * int64(len(sel)))
	if per < 1 {
		return fieldErr("step", "the row limit (%d) is too small for %d steps of raw values; use a longer step, or a binned method such as psi", r.rowBudget(), buckets)
	}
	feats := make([]chFeature, len(sel))
	n := map[int]int64{}
	var most int64
	for i, nf := range sel {
		feats[i] = nf.chFeature
		n[nf.Key] = nf.st.S().n
		most = max(most, nf.st.S().n)
	}
	plan := rawPlan{perGroup: per}
	// Buckets are sampled at the rate that gives an average bucket its
	// share; busier buckets are cut by LIMIT BY (still by hash).
	sample := most > per
	if sample {
		plan.threshold = func(key int, _ bool) uint64 {
			if c, ok := n[key]; ok {
				return hashThreshold(per*buckets, c)
			}
			return hashThreshold(per*buckets, most)
		}
	}
	wins, err := r.stepWindows(false)
	if err != nil {
		return err
	}
	branches, err := r.branches(wins, feats, sample)
	if err != nil {
		return err
	}
	res, err := r.qr.run(ctx, rawSQL(branches, plan), per*buckets*int64(len(sel)))
	if err != nil {
		return err
	}
	values, err := parseRaw(res)
	if err != nil {
		return err
	}
	sampled := false
	for _, nf := range sel {
		for i := range r.ot.times {
			lo, hi := r.ot.bucketRange(i)
			var cur []float64
			for b := lo; b < hi; b++ {
				v := values[nf.Key][int64(b)]
				if int64(len(v)) >= per && sample {
					sampled = true
				}
				cur = append(cur, v...)
			}
			res := r.numericResult(nf, nf.refSample, drift.NewSampleOwned(cur))
			nf.scores[i] = res.Score
		}
	}
	if sampled {
		r.qr.notice(fmt.Sprintf("over time, raw values were sampled deterministically to at most %d per feature and bucket of %s, to stay within the row limit", per, models.FormatDuration(r.ot.g)))
	}
	return nil
}
