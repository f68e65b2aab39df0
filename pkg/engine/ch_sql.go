package engine

import (
	"fmt"
	"math"
	"strings"

	"github.com/mlwatch/mlwatch/pkg/chsql"
)

// SQL over the branches of chInput.branches (columns __k, __w, __v[, __h]).
// Every query is a UNION ALL of one aggregate per branch, so only
// aggregates cross the wire, except in rawSQL. Window labels (__w):
//
//	stats:      0 reference, 1 current range, 2 the rest of the over-time span
//	summary:    0 reference, 1 current range
//	over time:  0 reference, 1+i the i-th bucket of the span
//
// The builders are pure (branches in, string out), so the fixture test can
// print the exact SQL for chdb and for ClickHouse 18.16. They avoid what is
// slow on 18.16: ARRAY JOIN, -If combinators on every row, multiIf.

const (
	finite   = "isFinite(__v)"
	maxFloat = "1.7976931348623157e308"
	// uniqRule is Evidently's threshold: more than 20 distinct reference
	// values means Sturges bins, else one bin per value.
	uniqRule = 20
	// uniqValues caps one-bin-per-value binning: at most this many values
	// per window come back (uniqUpTo, which counts the 5-value rule of
	// auto, allows at most 100 as well).
	uniqValues = 100
)

func unionAll(parts []string) string { return strings.Join(parts, "\nUNION ALL\n") }

// aggregate wraps one branch in an aggregation: aggs over the rows of src
// (the branch, or a SELECT over it) matching where, grouped by the
// feature and window when they vary per row (a long source, over-time
// buckets) and by group. A constant feature or window is not a grouping
// key but a literal of the outer SELECT: without keys ClickHouse 18.16
// aggregates several times faster. The columns come out as __k, __w, then
// cols. tail is ORDER BY/LIMIT for the inner query.
func aggregate(b chBranch, src, aggs, where string, group []string, tail string, cols ...string) string {
	k, w := "__k", "__w"
	var keys []string
	if b.key > 0 {
		k = fmt.Sprintf("toUInt16(%d) AS __k", b.key)
	} else {
		keys = append(keys, "__k")
	}
	if b.win.bucketed {
		keys = append(keys, "__w")
	} else {
		w = b.win.w + " AS __w"
	}
	keys = append(keys, group...)
	inner := "SELECT " + strings.Join(append(slicesClone(keys), aggs), ", ") + " FROM (" + src + ")"
	if where != "" {
		inner += " WHERE " + where
	}
	if len(keys) > 0 {
		inner += " GROUP BY " + strings.Join(keys, ", ")
	}
	inner += tail
	return fmt.Sprintf("SELECT %s, %s, %s FROM (%s)", k, w, strings.Join(cols, ", "), inner)
}

// statsOpts select the optional parts of numStatsSQL.
type statsOpts struct {
	quantiles []float64 // reference quantile levels
	limit     int       // LIMIT on features per window (long sources discovering theirs)
}

// numStatsSQL computes, per feature and window, what choosing a method and
// its bins needs: the count of finite values, min, max, distinct values
// (up to 20), and optionally reference quantiles; counts branches add the
// rows per window, missing values included. One scan per window.
func numStatsSQL(data, counts []chBranch, o statsOpts) string {
	var parts []string
	limit := ""
	if o.limit > 0 {
		limit = fmt.Sprintf(" ORDER BY __k LIMIT %d", o.limit)
	}
	cols := []string{"rows", "n", "lo", "hi", "u"}
	if len(o.quantiles) > 0 {
		cols = append(cols, "q")
	}
	for _, b := range data {
		// uniqUpTo(20) answers 21 above 20: enough for Evidently's rule
		// (and cheaper than counting further).
		aggs := fmt.Sprintf("toUInt64(0) AS rows, count() AS n, min(__v) AS lo, max(__v) AS hi, uniqUpTo(%d)(__v) AS u", uniqRule)
		if len(o.quantiles) > 0 {
			if b.win.ref {
				levels := make([]string, len(o.quantiles))
				for i, l := range o.quantiles {
					levels[i] = chsql.MustFloat(l)
				}
				// quantilesDeterministic keeps a bounded reservoir chosen
				// by the value's hash: the same edges on every run, exact
				// (linear interpolation, as numpy) up to 8192 values.
				aggs += fmt.Sprintf(", quantilesDeterministic(%s)(__v, cityHash64(__v)) AS q", strings.Join(levels, ", "))
			} else {
				aggs += ", emptyArrayFloat64() AS q"
			}
		}
		parts = append(parts, aggregate(b, b.sql, aggs, finite, nil, limit, cols...))
	}
	for _, b := range counts {
		aggs := "count() AS rows, toUInt64(0) AS n, toFloat64(0) AS lo, toFloat64(0) AS hi, toUInt64(0) AS u"
		if len(o.quantiles) > 0 {
			aggs += ", emptyArrayFloat64() AS q"
		}
		parts = append(parts, aggregate(b, b.sql, aggs, "", nil, limit, cols...))
	}
	return unionAll(parts)
}

// distinctSQL counts distinct values over windows together, per feature:
// up to 100 over the reference and the current range (auto's "more than 5
// values" rule), and with exact the exact counts Evidently's Hellinger
// binning needs (reference with current, and with the whole span).
func distinctSQL(branches []chBranch, exact bool) string {
	parts := make([]string, len(branches))
	for i, b := range branches {
		parts[i] = b.sql
	}
	cols := fmt.Sprintf("uniqUpToIf(%d)(__v, __w <= 1) AS u_rc", uniqValues)
	if exact {
		cols += ", uniqExactIf(__v, __w <= 1) AS ux_rc, uniqExact(__v) AS ux_rs"
	}
	return fmt.Sprintf("SELECT __k, %s FROM (\n%s\n) WHERE %s GROUP BY __k", cols, unionAll(parts), finite)
}

// catStatsSQL counts rows and non-empty values per feature and window.
func catStatsSQL(branches []chBranch, limit int) string {
	lim := ""
	if limit > 0 {
		lim = fmt.Sprintf(" ORDER BY __k LIMIT %d", limit)
	}
	parts := make([]string, len(branches))
	for i, b := range branches {
		parts[i] = aggregate(b, b.sql, "count() AS rows, countIf(__v != '') AS n", "", nil, lim, "rows", "n")
	}
	return unionAll(parts)
}

// countSpec is one feature's bins in numCountsSQL.
type countSpec struct {
	key  int
	spec binSpec
}

// arithIndex is the bin of __v in binArith bins with literal constants: a
// first guess by arithmetic, then numpy.histogram's correction against
// the exact edges i*step + lo (computed as numpy.linspace does), written
// with comparisons added as integers, since multiIf is slow on 18.16.
// Values below lo go to -1, above hi to nb; hi itself to the last bin.
func arithIndex(lo, st, hi, nb, guess string) string {
	corrected := fmt.Sprintf("least(toInt64(%[1]s - (__v < %[1]s * %[2]s + %[3]s) + (__v >= (%[1]s + 1) * %[2]s + %[3]s)), %[4]s - 1)", guess, st, lo, nb)
	return fmt.Sprintf("if(__v > %s, %s, if(__v < %s, toInt64(-1), %s))", hi, nb, lo, corrected)
}

// binColumns are the __b and __x expressions of one wide feature's spec
// (literals), with the guess __i0 where needed.
func binColumns(s binSpec) (pre, b, x string) {
	switch s.mode {
	case binArith:
		lo, st, hi := chsql.MustFloat(s.lo), chsql.MustFloat(s.step), chsql.MustFloat(s.hi)
		nb := fmt.Sprintf("toInt64(%d)", s.nb)
		pre = fmt.Sprintf(", toInt64(floor((__v - %s) / %s)) AS __i0", lo, st)
		return pre, arithIndex(lo, st, hi, nb, "__i0"), "0.0"
	case binEdges:
		return "", edgeSum(s.edges), "0.0"
	}
	return "", "toInt64(0)", "__v"
}

// edgeSum is the open-bin index for edges: the number of edges below the
// value, as a sum of comparisons (18.16 cannot apply a lambda to a value
// of the row, so no arrayCount).
func edgeSum(edges []float64) string {
	if len(edges) == 0 {
		return "toInt64(0)"
	}
	terms := make([]string, len(edges))
	for i, e := range edges {
		terms[i] = fmt.Sprintf("(__v > %s)", chsql.MustFloat(e))
	}
	return "toInt64(" + strings.Join(terms, " + ") + ")"
}

// numCountsSQL counts values per (feature, window, bin): __b is the bin
// index (arithmetic and edge bins), __x the value (one bin per value).
func numCountsSQL(branches []chBranch, specs []countSpec) string {
	byKey := make(map[int]binSpec, len(specs))
	for _, s := range specs {
		byKey[s.key] = s.spec
	}
	parts := make([]string, len(branches))
	for i, b := range branches {
		var pre, bx, xx string
		// A long branch mixes the modes of its features; a wide branch has
		// one mode, and groups only by what varies.
		group, aggs := []string{"__b", "__x"}, "count() AS n"
		// A long branch caps one-bin-per-value features per window the
		// same way (other features have one row per bin).
		tail := fmt.Sprintf(" ORDER BY __k, __b, __x LIMIT %d BY __k, __b", uniqValues+1)
		if b.win.bucketed {
			tail = fmt.Sprintf(" ORDER BY __k, __w, __b, __x LIMIT %d BY __k, __w, __b", uniqValues+1)
		}
		if b.key == 0 {
			pre, bx, xx = longBinColumns(specs)
		} else {
			spec := byKey[b.key]
			pre, bx, xx = binColumns(spec)
			if spec.mode == binValues {
				group, aggs = []string{"__x"}, "toInt64(0) AS __b, count() AS n"
				// At most uniqValues+1 values per window: one more than
				// that says the values are too many for one bin each.
				tail = fmt.Sprintf(" ORDER BY __x LIMIT %d", uniqValues+1)
				if b.win.bucketed {
					tail = fmt.Sprintf(" ORDER BY __w, __x LIMIT %d BY __w", uniqValues+1)
				}
			} else {
				group, aggs, tail = []string{"__b"}, "0.0 AS __x, count() AS n", ""
			}
		}
		src := fmt.Sprintf("SELECT __k, __w, __v%s, %s AS __b, %s AS __x FROM (%s) WHERE %s", pre, bx, xx, b.sql, finite)
		parts[i] = aggregate(b, src, aggs, "", group, tail, "__b", "__x", "n")
	}
	return unionAll(parts)
}

// longBinColumns bins the features of a long source in one branch: the
// per-feature constants are looked up with transform (a hash table built
// once per query), so the cost per row does not grow with the features.
func longBinColumns(specs []countSpec) (pre, b, x string) {
	var arith, values, edges []countSpec
	for _, s := range specs {
		switch s.spec.mode {
		case binArith:
			arith = append(arith, s)
		case binValues:
			values = append(values, s)
		case binEdges:
			edges = append(edges, s)
		}
	}
	var cols []string
	add := func(format string, args ...any) { cols = append(cols, fmt.Sprintf(format, args...)) }
	modes := 0
	for _, g := range [][]countSpec{arith, values, edges} {
		if len(g) > 0 {
			modes++
		}
	}
	if modes > 1 {
		keys, ms := make([]int64, len(specs)), make([]int64, len(specs))
		for i, s := range specs {
			keys[i], ms[i] = int64(s.key), int64(s.spec.mode)
		}
		add("transform(__k, %s, %s, 0) AS __m", chsql.Ints(keys), chsql.Ints(ms))
	}
	type branch struct {
		mode binMode
		expr string
	}
	var branches []branch
	if len(arith) > 0 {
		keys := make([]int64, len(arith))
		lo, st, hi := make([]float64, len(arith)), make([]float64, len(arith)), make([]float64, len(arith))
		nb := make([]int64, len(arith))
		for i, s := range arith {
			keys[i] = int64(s.key)
			lo[i], st[i], hi[i], nb[i] = s.spec.lo, s.spec.step, s.spec.hi, int64(s.spec.nb)
		}
		k := chsql.Ints(keys)
		add("transform(__k, %s, %s, 0.0) AS __lo", k, chsql.Floats(lo))
		add("transform(__k, %s, %s, 1.0) AS __st", k, chsql.Floats(st))
		add("transform(__k, %s, %s, 0.0) AS __hi", k, chsql.Floats(hi))
		add("toInt64(transform(__k, %s, %s, 1)) AS __nb", k, chsql.Ints(nb))
		add("toInt64(floor((__v - __lo) / __st)) AS __i0")
		add("%s AS __ab", arithIndex("__lo", "__st", "__hi", "__nb", "__i0"))
		branches = append(branches, branch{binArith, "__ab"})
	}
	if len(edges) > 0 {
		add("%s AS __eb", longEdgeSum(edges))
		branches = append(branches, branch{binEdges, "__eb"})
	}
	pre = ""
	if len(cols) > 0 {
		pre = ", " + strings.Join(cols, ", ")
	}
	switch {
	case modes == 1 && len(values) > 0:
		b = "toInt64(0)"
	case modes == 1:
		b = branches[0].expr
	default:
		var parts []string
		for _, br := range branches {
			parts = append(parts, fmt.Sprintf("__m = %d, %s", br.mode, br.expr))
		}
		b = fmt.Sprintf("multiIf(%s, toInt64(0))", strings.Join(parts, ", "))
	}
	switch {
	case len(values) == 0:
		x = "0.0"
	case modes == 1:
		x = "__v"
	default:
		x = fmt.Sprintf("if(__m = %d, __v, 0.0)", binValues)
	}
	return pre, b, x
}

// longEdgeSum is edgeSum with per-feature edges: the j-th edge of each
// feature is looked up with transform, features with fewer edges getting
// the largest float. Features sharing their edges use literals.
func longEdgeSum(specs []countSpec) string {
	same := true
	for _, s := range specs[1:] {
		if !floatsEqual(s.spec.edges, specs[0].spec.edges) {
			same = false
			break
		}
	}
	if same {
		return edgeSum(specs[0].spec.edges)
	}
	most := 0
	keys := make([]int64, len(specs))
	for i, s := range specs {
		keys[i] = int64(s.key)
		most = max(most, len(s.spec.edges))
	}
	k := chsql.Ints(keys)
	terms := make([]string, most)
	for j := range most {
		col := make([]float64, len(specs))
		for i, s := range specs {
			col[i] = math.MaxFloat64
			if j < len(s.spec.edges) {
				col[i] = s.spec.edges[j]
			}
		}
		terms[j] = fmt.Sprintf("(__v > transform(__k, %s, %s, %s))", k, chsql.Floats(col), maxFloat)
	}
	return "toInt64(" + strings.Join(terms, " + ") + ")"
}

func floatsEqual(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// rawPlan is how many values rawSQL keeps per (feature, window) and which
// rows it samples.
type rawPlan struct {
	perGroup int64
	// threshold, when set, keeps only rows whose hash is at most its
	// answer for the branch (feature key, 0 for a long source's branch;
	// reference or not), before the deterministic ORDER BY hash ... LIMIT.
	threshold func(key int, ref bool) uint64
}

// rawSQL pulls values, at most perGroup per (feature, window). When a
// window holds more, the rows with the lowest cityHash64 of their contents
// are kept: a deterministic sample, the same on every run, protocol and
// server version. A hash threshold first drops most rows cheaply, so the
// sort only sees about the rows kept.
func rawSQL(branches []chBranch, p rawPlan) string {
	parts := make([]string, len(branches))
	for i, b := range branches {
		where := finite
		if p.threshold != nil {
			where += fmt.Sprintf(" AND __h <= %d", p.threshold(b.key, b.win.ref))
		}
		// One window per wide branch, except over time (a bucket per
		// row); a long branch holds every feature.
		by := []string{}
		if b.key == 0 {
			by = append(by, "__k")
		}
		if b.win.bucketed {
			by = append(by, "__w")
		}
		order := ""
		if p.threshold != nil {
			order = " ORDER BY " + strings.Join(append(slicesClone(by), "__h"), ", ")
		}
		limit := fmt.Sprintf(" LIMIT %d", p.perGroup)
		if len(by) > 0 {
			limit += " BY " + strings.Join(by, ", ")
		}
		parts[i] = fmt.Sprintf("SELECT * FROM (SELECT __k, __w, __v FROM (%s) WHERE %s%s%s)", b.sql, where, order, limit)
	}
	return unionAll(parts)
}

func slicesClone(s []string) []string { return append([]string(nil), s...) }

// hashThreshold is the hash bound that keeps about keep of n rows, with a
// margin so that LIMIT rather than chance decides the sample's size.
func hashThreshold(keep, n int64) uint64 {
	if n <= 0 || keep >= n {
		return math.MaxUint64
	}
	share := 1.25*float64(keep)/float64(n) + 64/float64(n)
	if share >= 1 {
		return math.MaxUint64
	}
	return uint64(share * float64(math.MaxUint64))
}

// catCountsSQL counts the values of text features per window, the most
// frequent first, at most limit per feature and window (the rest is
// counted together from the totals).
func catCountsSQL(branches []chBranch, limit int) string {
	parts := make([]string, len(branches))
	for i, b := range branches {
		tail := fmt.Sprintf(" ORDER BY n DESC, __v LIMIT %d", limit)
		if b.key == 0 {
			tail = fmt.Sprintf(" ORDER BY __k, n DESC, __v LIMIT %d BY __k", limit)
		}
		parts[i] = aggregate(b, b.sql, "count() AS n", "__v != ''", []string{"__v"}, tail, "__v", "n")
	}
	return unionAll(parts)
}

// catStepsSQL counts values per (feature, bucket). Values are mapped to
// the categories of the summary (index 1..), anything else to 0.
func catStepsSQL(branches []chBranch, categories []string) string {
	ci := "toInt64(0)"
	if len(categories) > 0 {
		idx := make([]int64, len(categories))
		for i := range idx {
			idx[i] = int64(i + 1)
		}
		ci = fmt.Sprintf("toInt64(transform(__v, %s, %s, 0))", chsql.Strings(categories), chsql.Ints(idx))
	}
	parts := make([]string, len(branches))
	for i, b := range branches {
		src := fmt.Sprintf("SELECT __k, __w, %s AS __ci FROM (%s) WHERE __v != ''", ci, b.sql)
		parts[i] = aggregate(b, src, "count() AS n", "", []string{"__ci"}, "", "__ci", "n")
	}
	return unionAll(parts)
}
