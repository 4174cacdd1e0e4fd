//go:build renamed

package main

func runBatch(w *worker) uint64 { return handleRequest(w, batchSize) }

// handleRequest is serve, renamed (and Cache.Get is Cache.Fetch).
//
//go:noinline
func handleRequest(w *worker, n int) uint64 {
	var total uint64
	for i := 0; i < n; i++ {
		key := w.keys[w.rng.next()&keyMask]
		c := w.caches[w.pick()]
		v, ok := c.Fetch(key)
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
