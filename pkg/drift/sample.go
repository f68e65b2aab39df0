package drift

import (
	"math"
	"slices"
)

// Sample is a numeric sample ready for the two-sample methods: missing
// values (NaN, ±Inf) dropped and counted, the rest sorted once. A reference
// Sample can be reused against many current samples.
type Sample struct {
	sorted  []float64
	missing int
	unique  int // distinct values
}

// NewSample copies values, drops NaN and ±Inf, and sorts the rest.
func NewSample(values []float64) *Sample {
	return NewSampleOwned(slices.Clone(values))
}

// NewSampleOwned is NewSample without the copy: the Sample takes values over
// and reorders it. Use it when the caller no longer needs the slice, to keep
// one copy of large columns in memory.
func NewSampleOwned(values []float64) *Sample {
	kept := values[:0]
	for _, v := range values {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		kept = append(kept, v)
	}
	s := &Sample{sorted: kept, missing: len(values) - len(kept)}
	sortFloats(s.sorted)
	// Counted now, not lazily: a reference Sample is shared by concurrent
	// comparisons and must stay read-only.
	s.unique = countUniqueSorted(s.sorted)
	return s
}

// Len is the number of usable values.
func (s *Sample) Len() int { return len(s.sorted) }

// Missing is the number of values dropped as NaN or ±Inf.
func (s *Sample) Missing() int { return s.missing }

// Sorted returns the values in ascending order. Callers must not modify it.
func (s *Sample) Sorted() []float64 { return s.sorted }

// Unique counts distinct values.
func (s *Sample) Unique() int { return s.unique }

// Min and Max of the sample; NaN when empty.
func (s *Sample) Min() float64 {
	if len(s.sorted) == 0 {
		return math.NaN()
	}
	return s.sorted[0]
}

func (s *Sample) Max() float64 {
	if len(s.sorted) == 0 {
		return math.NaN()
	}
	return s.sorted[len(s.sorted)-1]
}

// Mean and population variance (ddof=0), with compensated summation so that
// large samples agree with numpy to the last digits.
func (s *Sample) meanVar() (mean, variance float64) {
	n := float64(len(s.sorted))
	if n == 0 {
		return math.NaN(), math.NaN()
	}
	mean = pairwiseSum(s.sorted) / n
	var acc, comp float64
	for _, v := range s.sorted {
		d := v - mean
		y := d*d - comp
		t := acc + y
		comp = (t - acc) - y
		acc = t
	}
	return mean, acc / n
}

func countUniqueSorted(sorted []float64) int {
	if len(sorted) == 0 {
		return 0
	}
	n := 1
	for i := 1; i < len(sorted); i++ {
		if sorted[i] != sorted[i-1] {
			n++
		}
	}
	return n
}

// countUniqueMerged counts distinct values over two sorted slices.
func countUniqueMerged(a, b []float64) int {
	n, i, j := 0, 0, 0
	last, have := 0.0, false
	for i < len(a) || j < len(b) {
		var v float64
		if j >= len(b) || (i < len(a) && a[i] <= b[j]) {
			v = a[i]
			i++
		} else {
			v = b[j]
			j++
		}
		if !have || v != last {
			n++
			last, have = v, true
		}
	}
	return n
}

// numpyBufferSize is the chunk numpy's reductions work in: np.sum adds the
// pairwise sums of consecutive 8192-element blocks in order.
const numpyBufferSize = 8192

// pairwiseSum sums like np.sum of a contiguous float64 array, so that
// means and totals of large arrays round the same way as numpy's.
func pairwiseSum(x []float64) float64 {
	var total float64
	for len(x) > numpyBufferSize {
		total += pairwiseBlock(x[:numpyBufferSize])
		x = x[numpyBufferSize:]
	}
	return total + pairwiseBlock(x)
}

// pairwiseBlock is numpy's pairwise summation within one block.
func pairwiseBlock(x []float64) float64 {
	const block = 128
	if len(x) <= block {
		// numpy unrolls by 8 within a block; the accumulation order below
		// matches it.
		if len(x) < 8 {
			var s float64
			for _, v := range x {
				s += v
			}
			return s
		}
		var r [8]float64
		copy(r[:], x[:8])
		i := 8
		for ; i+8 <= len(x); i += 8 {
			for k := range 8 {
				r[k] += x[i+k]
			}
		}
		s := ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
		for ; i < len(x); i++ {
			s += x[i]
		}
		return s
	}
	half := len(x) / 2
	half -= half % 8
	return pairwiseBlock(x[:half]) + pairwiseBlock(x[half:])
}
