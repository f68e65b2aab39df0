package drift

import (
	"runtime"
	"slices"
	"sync"
)

// parallelSortMin is the size above which sorting is split across cores.
const parallelSortMin = 1 << 16

// sortFloats sorts in place, using every core for large inputs: sort
// chunks concurrently, then merge pairs.
func sortFloats(x []float64) {
	workers := runtime.GOMAXPROCS(0)
	if len(x) < parallelSortMin || workers < 2 {
		slices.Sort(x)
		return
	}
	chunks := workers
	bounds := make([]int, chunks+1)
	for i := range bounds {
		bounds[i] = i * len(x) / chunks
	}
	var wg sync.WaitGroup
	for i := range chunks {
		wg.Add(1)
		go func(lo, hi int) {
			defer wg.Done()
			slices.Sort(x[lo:hi])
		}(bounds[i], bounds[i+1])
	}
	wg.Wait()
	buf := make([]float64, len(x))
	src, dst := x, buf
	for width := 1; width < chunks; width *= 2 {
		var mwg sync.WaitGroup
		for i := 0; i < chunks; i += 2 * width {
			lo := bounds[i]
			mid := bounds[min(i+width, chunks)]
			hi := bounds[min(i+2*width, chunks)]
			mwg.Add(1)
			go func(lo, mid, hi int) {
				defer mwg.Done()
				mergeInto(dst[lo:hi], src[lo:mid], src[mid:hi])
			}(lo, mid, hi)
		}
		mwg.Wait()
		src, dst = dst, src
	}
	if &src[0] != &x[0] {
		copy(x, src)
	}
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
