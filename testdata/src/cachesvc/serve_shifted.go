//go:build shifted && !renamed

package main

func runBatch(w *worker) uint64 { return serve(w, batchSize) }

// serve is the hot request loop. It is kept out of line so that its call
// sites stay attributed to main.serve in profiles and in pgodebug output.
//
//go:noinline
func serve(w *worker, n int) uint64 {
	var total uint64
	for i := 0; i < n; i++ {
		key := w.keys[w.rng.next()&keyMask]
		c := w.caches[w.pick()]
		// shifted: eight new lines (no calls) above the interface call, so
		// every hot line offset of the old serve lands on a line without
		// a call, and the new Get offset (+13) was call-free before too.
		reqID := uint64(i) + 1
		total ^= reqID & 1
		traced := reqID%1024 == 0
		_ = traced
		total += 0
		v, ok := c.Get(key)
		if ok {
			total += uint64(len(v))
		}
		h := w.handlers[w.pick()]
		x := h(int(total & 0xffff))
		m, s := w.mults[w.pick()], w.adds[w.pick()]
		total += uint64(m.Multiply(i, x) + s.Add(i, 7))
		if i&3 == 0 {
			total += uint64(len(lookup(w.caches[w.pick()], key)))
		}
	}
	return total
}
