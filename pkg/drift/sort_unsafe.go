package drift

import "unsafe"

// unsafeU64 views float64s as their bit patterns, so the radix sort can work
// on keys in place without a second buffer.
func unsafeU64(x []float64) []uint64 {
	if len(x) == 0 {
		return nil
	}
	return unsafe.Slice((*uint64)(unsafe.Pointer(&x[0])), len(x))
}
