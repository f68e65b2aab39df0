package drift

import (
	"slices"
)

// Contingency holds categorical counts of both windows over the same
// categories: the union of what either window has seen, so categories new in
// the current window are kept, never an error.
type Contingency struct {
	Categories []string
	Ref, Cur   []float64
	missing    [2]int
}

// NewContingency counts values. Empty strings are missing values; they are
// dropped and counted.
func NewContingency(ref, cur []string) *Contingency {
	index := map[string]int{}
	t := &Contingency{}
	add := func(values []string, side int) {
		for _, v := range values {
			if v == "" {
				t.missing[side]++
				continue
			}
			i, ok := index[v]
			if !ok {
				i = len(t.Categories)
				index[v] = i
				t.Categories = append(t.Categories, v)
				t.Ref = append(t.Ref, 0)
				t.Cur = append(t.Cur, 0)
			}
			if side == 0 {
				t.Ref[i]++
			} else {
				t.Cur[i]++
			}
		}
	}
	add(ref, 0)
	add(cur, 1)
	t.sortCategories()
	return t
}

// NewContingencyCounts builds a table from per-category counts (for example
// from a query that counted per class). Categories missing on one side count
// zero there.
func NewContingencyCounts(ref, cur map[string]float64) *Contingency {
	t := &Contingency{}
	seen := map[string]bool{}
	for _, m := range []map[string]float64{ref, cur} {
		for k := range m {
			if !seen[k] {
				seen[k] = true
				t.Categories = append(t.Categories, k)
			}
		}
	}
	slices.Sort(t.Categories)
	for _, k := range t.Categories {
		t.Ref = append(t.Ref, ref[k])
		t.Cur = append(t.Cur, cur[k])
	}
	return t
}

// sortCategories orders categories by name, so results do not depend on the
// order values arrived in.
func (t *Contingency) sortCategories() {
	idx := make([]int, len(t.Categories))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int {
		switch {
		case t.Categories[a] < t.Categories[b]:
			return -1
		case t.Categories[a] > t.Categories[b]:
			return 1
		}
		return 0
	})
	cats, ref, cur := make([]string, len(idx)), make([]float64, len(idx)), make([]float64, len(idx))
	for to, from := range idx {
		cats[to], ref[to], cur[to] = t.Categories[from], t.Ref[from], t.Cur[from]
	}
	t.Categories, t.Ref, t.Cur = cats, ref, cur
}

// RefTotal and CurTotal are the counted (non-missing) values per window.
func (t *Contingency) RefTotal() float64 { return pairwiseSum(t.Ref) }
func (t *Contingency) CurTotal() float64 { return pairwiseSum(t.Cur) }

// Missing returns how many empty values each window had.
func (t *Contingency) Missing() (ref, cur int) { return t.missing[0], t.missing[1] }

// Shares returns the proportions of each category per window.
func (t *Contingency) Shares() (ref, cur []float64) {
	return normalize(t.Ref), normalize(t.Cur)
}
