package engine

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/mlwatch/mlwatch/pkg/drift"
)

// Categorical features (text, enums, booleans, and distributions in
// "classes" mode): counts per value in ClickHouse, at most maxCategories
// per feature, the rest counted together.

type catFeature struct {
	chFeature
	rowsR, nR, rowsC, nC int64
	categories           []string
	ref, cur             []float64
	capped               bool
	method               string
	result               drift.Result
	scores               []float64
}

func (r *chRun) runCategorical(ctx context.Context, feats []chFeature) ([]*catFeature, error) {
	statsWins := r.statsWindows()[:2]
	branches, err := r.in.branches(statsWins, feats, nil, false, r.req.Interval)
	if err != nil {
		return nil, err
	}
	limit, maxRows := 0, int64(len(branches)+1)
	if r.in.long {
		if r.qr.limits.MaxFeatures > 0 {
			limit = r.qr.limits.MaxFeatures + 1
		}
		maxRows = r.rowBudget()
	}
	res, err := r.qr.run(ctx, catStatsSQL(branches, limit), maxRows)
	if err != nil {
		return nil, err
	}
	if r.in.long {
		feats = r.longFeatures(res, false)
	}
	cols, err := need(res, "__k", "__w", "rows", "n")
	if err != nil {
		return nil, err
	}
	byName := featureNames(feats)
	cfs := map[int]*catFeature{}
	out := make([]*catFeature, len(feats))
	for i, f := range feats {
		out[i] = &catFeature{chFeature: f}
		cfs[f.Key] = out[i]
	}
	for i := 0; i < res.Rows; i++ {
		key := 0
		if r.in.long {
			key = byName[keyString(cols[0], i)]
		} else {
			key = keyInt(cols[0], i)
		}
		cf := cfs[key]
		if cf == nil {
			continue
		}
		if cols[1].Int(i) == 0 {
			cf.rowsR, cf.nR = cols[2].Int(i), cols[3].Int(i)
		} else {
			cf.rowsC, cf.nC = cols[2].Int(i), cols[3].Int(i)
		}
	}
	if len(feats) == 0 {
		return out, nil
	}
	// The categories of each window, most frequent first.
	capN := r.maxCategories
	if bound := int64(2 * len(feats) * (capN + 1)); bound > r.rowBudget() {
		capN = max(int(r.rowBudget()/int64(2*len(feats)))-1, 2)
	}
	branches, err = r.branches(r.summaryWindows(), feats, false)
	if err != nil {
		return nil, err
	}
	res, err = r.qr.run(ctx, catCountsSQL(branches, capN+1), r.rowBudget())
	if err != nil {
		return nil, err
	}
	cols, err = need(res, "__k", "__w", "__v", "n")
	if err != nil {
		return nil, err
	}
	counts := map[int]map[string][2]float64{}
	perWindow := map[[2]int64]int{}
	for i := 0; i < res.Rows; i++ {
		k, w := keyInt(cols[0], i), cols[1].Int(i)
		cf := cfs[k]
		if cf == nil || w < 0 || w > 1 {
			continue
		}
		perWindow[[2]int64{int64(k), w}]++
		if perWindow[[2]int64{int64(k), w}] > capN {
			cf.capped = true
			continue
		}
		if counts[k] == nil {
			counts[k] = map[string][2]float64{}
		}
		c := counts[k][cols[2].String(i)]
		c[w] += float64(cols[3].Int(i))
		counts[k][cols[2].String(i)] = c
	}
	for _, cf := range out {
		for cat, c := range counts[cf.Key] {
			cf.categories = append(cf.categories, cat)
			cf.ref, cf.cur = append(cf.ref, c[0]), append(cf.cur, c[1])
		}
		cf.sortByName()
		r.catResult(cf, capN)
	}
	if r.ot != nil {
		if err := r.categoricalOverTime(ctx, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// sortByName orders the categories by name (they arrive most frequent
// first), so that frames are stable.
func (cf *catFeature) sortByName() {
	idx := make([]int, len(cf.categories))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int { return strings.Compare(cf.categories[a], cf.categories[b]) })
	cats, ref, cur := make([]string, len(idx)), make([]float64, len(idx)), make([]float64, len(idx))
	for to, from := range idx {
		cats[to], ref[to], cur[to] = cf.categories[from], cf.ref[from], cf.cur[from]
	}
	cf.categories, cf.ref, cf.cur = cats, ref, cur
}

// catResult lumps the categories beyond the cap and runs the method.
func (r *chRun) catResult(cf *catFeature, capN int) {
	var notices []string
	if cf.capped {
		or, oc := float64(cf.nR)-sumOf(cf.ref), float64(cf.nC)-sumOf(cf.cur)
		cf.categories = append(cf.categories, otherCategory)
		cf.ref = append(cf.ref, math.Max(or, 0))
		cf.cur = append(cf.cur, math.Max(oc, 0))
		notices = append(notices, fmt.Sprintf("more than %d distinct values: the %d most frequent of each window are compared one by one, the others together as %q", capN, capN, otherCategory))
	}
	if n := missingNotice(cf.rowsR, cf.nR, cf.rowsC, cf.nC); n != "" {
		notices = append(notices, n)
	}
	cf.method = r.q.Method
	if cf.method == "auto" {
		cf.method = drift.AutoMethod(false, int(cf.nR), len(cf.categories))
	}
	cf.result = r.catVerdict(cf, cf.ref, cf.cur)
	cf.result.Notices = append(notices, cf.result.Notices...)
}

func (r *chRun) catVerdict(cf *catFeature, ref, cur []float64) drift.Result {
	refM, curM := make(map[string]float64, len(ref)), make(map[string]float64, len(cur))
	for i, c := range cf.categories {
		refM[c], curM[c] = ref[i], cur[i]
	}
	res, err := drift.Categorical(cf.method, drift.NewContingencyCounts(refM, curM), r.opts)
	if err != nil {
		return methodResult(cf.method, int64(sumOf(ref)), int64(sumOf(cur)), fmt.Sprintf("%s holds text values: %v", cf.Name, err), r.opts)
	}
	return res
}

// categoricalOverTime counts the summary's categories per bucket (others
// together) and scores each step against the summary's reference.
func (r *chRun) categoricalOverTime(ctx context.Context, cfs []*catFeature) error {
	var union []string
	seen := map[string]bool{}
	feats := make([]chFeature, len(cfs))
	for i, cf := range cfs {
		feats[i] = cf.chFeature
		cf.scores = make([]float64, len(r.ot.times))
		for j := range cf.scores {
			cf.scores[j] = math.NaN()
		}
		for _, c := range cf.categories {
			if c != otherCategory && !seen[c] {
				seen[c] = true
				union = append(union, c)
			}
		}
	}
	slices.Sort(union)
	if bound := int64(len(cfs)) * int64(r.ot.buckets) * int64(len(union)+1); bound > r.rowBudget() {
		// Only categories that occur are returned, so this bound is
		// rarely reached; the server's row limit still applies.
		r.qr.notice(fmt.Sprintf("over time, up to %d category counts may be needed; if the row limit is hit, use a longer step", bound))
	}
	wins, err := r.stepWindows(false)
	if err != nil {
		return err
	}
	branches, err := r.branches(wins, feats, false)
	if err != nil {
		return err
	}
	res, err := r.qr.run(ctx, catStepsSQL(branches, union), r.rowBudget())
	if err != nil {
		return err
	}
	cols, err := need(res, "__k", "__w", "__ci", "n")
	if err != nil {
		return err
	}
	// counts[key][bucket][category]
	counts := map[int]map[int64]map[string]float64{}
	newCats := false
	for i := 0; i < res.Rows; i++ {
		k, w, ci := keyInt(cols[0], i), cols[1].Int(i), cols[2].Int(i)
		cat := otherCategory
		if ci > 0 && int(ci) <= len(union) {
			cat = union[ci-1]
		}
		if counts[k] == nil {
			counts[k] = map[int64]map[string]float64{}
		}
		if counts[k][w] == nil {
			counts[k][w] = map[string]float64{}
		}
		counts[k][w][cat] += float64(cols[3].Int(i))
	}
	for _, cf := range cfs {
		known := map[string]bool{}
		for _, c := range cf.categories {
			known[c] = true
		}
		for i := range r.ot.times {
			lo, hi := r.ot.bucketRange(i)
			cur := make([]float64, len(cf.categories))
			var other float64
			for b := lo; b < hi; b++ {
				for c, n := range counts[cf.Key][int64(b)] {
					if j := slices.Index(cf.categories, c); j >= 0 && known[c] {
						cur[j] += n
					} else {
						other += n
					}
				}
			}
			cats, ref := cf.categories, cf.ref
			if other > 0 {
				if j := slices.Index(cats, otherCategory); j >= 0 {
					cur[j] += other
				} else {
					newCats = true
					cats = append(slices.Clone(cats), otherCategory)
					ref = append(slices.Clone(ref), 0)
					cur = append(cur, other)
				}
			}
			step := &catFeature{chFeature: cf.chFeature, categories: cats, method: cf.method}
			cf.scores[i] = r.catVerdict(step, ref, cur).Score
		}
	}
	if newCats {
		r.qr.notice(fmt.Sprintf("over time, values not seen in the current range are counted together as %q", otherCategory))
	}
	return nil
}
