package drift

import (
	"fmt"
	"math"
	"slices"
)

// Correction adjusts p-value thresholds for testing many columns at once.
type Correction string

const (
	CorrectionNone       Correction = "none"
	CorrectionBonferroni Correction = "bonferroni"
	// CorrectionFDR is Benjamini–Hochberg at the columns' thresholds.
	CorrectionFDR Correction = "fdr"
)

// DefaultDriftShare is the share of drifted columns at which the dataset
// counts as drifted, as in Evidently.
const DefaultDriftShare = 0.5

// DatasetResult summarises many columns.
type DatasetResult struct {
	Columns        int     `json:"columns"`
	DriftedColumns int     `json:"drifted_columns"`
	Share          float64 `json:"share"`
	DriftShare     float64 `json:"drift_share"`
	Drifted        bool    `json:"drifted"`
	// Insufficient counts columns without a verdict; they are left out of
	// the share rather than counted as "no drift".
	Insufficient int        `json:"insufficient_columns,omitempty"`
	Correction   Correction `json:"correction,omitempty"`
}

// Dataset applies an optional multiple-testing correction to the p-value
// columns (updating their thresholds and verdicts in place) and computes
// the dataset verdict: drifted when the share of drifted columns is at
// least driftShare.
func Dataset(results []Result, driftShare float64, correction Correction) (DatasetResult, error) {
	if driftShare <= 0 || driftShare > 1 {
		return DatasetResult{}, fmt.Errorf("drift share must be in (0, 1], got %g", driftShare)
	}
	if err := applyCorrection(results, correction); err != nil {
		return DatasetResult{}, err
	}
	d := DatasetResult{DriftShare: driftShare, Correction: correction}
	for _, r := range results {
		if r.Insufficient() {
			d.Insufficient++
			continue
		}
		d.Columns++
		if r.Drifted {
			d.DriftedColumns++
		}
	}
	if d.Columns > 0 {
		d.Share = float64(d.DriftedColumns) / float64(d.Columns)
		d.Drifted = d.Share >= driftShare
	} else {
		d.Share = math.NaN()
	}
	return d, nil
}

func applyCorrection(results []Result, c Correction) error {
	var idx []int
	for i, r := range results {
		if r.Kind == PValue && !r.Insufficient() {
			idx = append(idx, i)
		}
	}
	m := float64(len(idx))
	switch c {
	case "", CorrectionNone:
		return nil
	case CorrectionBonferroni:
		for _, i := range idx {
			results[i].Threshold /= m
			results[i].decide()
			results[i].notice("Bonferroni correction over %d p-value columns", len(idx))
		}
		return nil
	case CorrectionFDR:
		// Benjamini–Hochberg: with p-values sorted ascending, reject the
		// k smallest where k is the largest rank with p_(k) <= k/m · α.
		slices.SortStableFunc(idx, func(a, b int) int {
			switch {
			case results[a].Score < results[b].Score:
				return -1
			case results[a].Score > results[b].Score:
				return 1
			}
			return 0
		})
		k := 0
		for rank, i := range idx {
			if results[i].Score < results[i].Threshold*float64(rank+1)/m {
				k = rank + 1
			}
		}
		for rank, i := range idx {
			alpha := results[i].Threshold
			results[i].Threshold = alpha * float64(max(k, 1)) / m
			results[i].Drifted = rank < k
			results[i].notice("Benjamini–Hochberg correction over %d p-value columns", len(idx))
		}
		return nil
	}
	return fmt.Errorf("unknown correction %q: use none, bonferroni or fdr", c)
}
