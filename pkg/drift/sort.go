package drift

import (
	"runtime"
	"slices"
	"sync"
)

// radixMin is the size from which a radix sort beats pdqsort on float64.
const radixMin = 1 << 12

// parallelSortMin is the size above which sorting is split across cores.
const parallelSortMin = 1 << 17

// sortFloats sorts NaN-free data in place: pdqsort for small inputs, an
// LSD radix sort for large ones (linear time; comparison sorts spend half of
// a large drift run), split across cores and merged for very large ones.
func sortFloats(x []float64) {
	switch {
	case len(x) < radixMin:
		slices.Sort(x)
		return
	case len(x) < parallelSortMin || runtime.GOMAXPROCS(0) < 2:
		radixSort(x, make([]float64, len(x)))
		return
	}
	buf := make([]float64, len(x))
	half := len(x) / 2
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		radixSort(x[:half], buf[:half])
	}()
	radixSort(x[half:], buf[half:])
	wg.Wait()
	mergeInto(buf, x[:half], x[half:])
	copy(x, buf)
}

// radixSort sorts x using buf (same length) as scratch space. Floats are
// mapped to unsigned keys whose order is the numeric order (negative numbers
// have all bits flipped, positive ones only the sign bit), then sorted by
// 11-bit digits, skipping digits where every key agrees.
func radixSort(x, buf []float64) {
	const bits = 11
	const buckets = 1 << bits
	src := unsafeU64(x)
	dst := unsafeU64(buf)
	for i, v := range src {
		src[i] = floatKey(v)
	}
	var counts [6][buckets]int
	for _, k := range src {
		for d := range 6 {
			counts[d][(k>>(d*bits))&(buckets-1)]++
		}
	}
	n := len(src)
	for d := range 6 {
		c := &counts[d]
		if c[(src[0]>>(d*bits))&(buckets-1)] == n {
			continue // every key has this digit: the pass would not move anything
		}
		sum := 0
		for i := range c {
			c[i], sum = sum, sum+c[i]
		}
		shift := uint(d * bits)
		for _, k := range src {
			b := (k >> shift) & (buckets - 1)
			dst[c[b]] = k
			c[b]++
		}
		src, dst = dst, src
	}
	out := unsafeU64(x)
	for i, k := range src {
		out[i] = keyFloat(k)
	}
}

func floatKey(bitsOf uint64) uint64 {
	if bitsOf>>63 == 1 {
		return ^bitsOf
	}
	return bitsOf | 1<<63
}

func keyFloat(k uint64) uint64 {
	if k>>63 == 1 {
		return k &^ (1 << 63)
	}
	return ^k
}

func mergeInto(dst, a, b []float64) {
	i, j, k := 0, 0, 0
	for i < len(a) && j < len(b) {
		if a[i] <= b[j] {
			dst[k] = a[i]
			i++
		} else {
			dst[k] = b[j]
			j++
		}
		k++
	}
	k += copy(dst[k:], a[i:])
	copy(dst[k:], b[j:])
}
