// Command cachesvc is a service-like load generator used to produce CPU
// profiles for pgodrift's test fixtures. Its hot loop (serve) picks a
// concrete Cache per request according to -mix and calls it through the
// Cache interface.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

var (
	mixFlag          = flag.String("mix", "95,3,2", "percent of requests for redis,mem,disk")
	duration         = flag.Duration("duration", 10*time.Second, "how long to serve (after warm-up)")
	warmup           = flag.Duration("warmup", 300*time.Millisecond, "warm-up before profiling starts")
	workers          = flag.Int("workers", 2, "number of worker goroutines")
	cpuprofile       = flag.String("cpuprofile", "", "write a CPU profile to this file")
	rate             = flag.Int("rate", 0, "CPU profile rate in Hz (0: runtime/pprof default, 100)")
	profileFromStart = flag.Bool("profile-from-start", false, "start profiling in init, before any warm-up")
	heavyInit        = flag.Bool("heavy-init", false, "spend a few seconds of CPU in package init")
	heapprofile      = flag.String("heapprofile", "", "write a heap profile to this file at exit")
	newPath          = flag.Bool("new-path", false, "also run warmCache (a Cache.Set call site not exercised otherwise)")
	seed             = flag.Uint64("seed", 1, "PRNG seed")
	cpuSeconds       = flag.Float64("cpu-seconds", 0, "if > 0, serve until the process has used this much CPU time after warm-up (-duration is then a cap); makes sample counts independent of machine load")
)

var (
	profFile *os.File
	sink     atomic.Uint64
)

// The first init parses flags so that profiling can start before the
// second init (the heavy one) runs: inits in one file run in order.
func init() {
	flag.Parse()
	if *profileFromStart && *cpuprofile != "" {
		startProfile()
	}
}

func init() {
	if *heavyInit {
		sink.Add(buildRoutingTable())
	}
}

// routingTable is the "big table" built at startup with -heavy-init.
var routingTable []uint32

//go:noinline
func buildRoutingTable() uint64 {
	const n = 1 << 16
	routingTable = make([]uint32, n)
	var acc uint64
	for round := 0; round < 10000; round++ {
		x := uint32(round*2654435761 + 1)
		for i := range routingTable {
			x ^= x << 13
			x ^= x >> 17
			x ^= x << 5
			routingTable[i] += x
			acc += uint64(routingTable[(x>>3)&(n-1)])
		}
	}
	return acc
}

func startProfile() {
	f, err := os.Create(*cpuprofile)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if *rate > 0 {
		// Must precede StartCPUProfile; StartCPUProfile then prints a
		// harmless "cannot set cpu profile rate" warning and keeps ours.
		runtime.SetCPUProfileRate(*rate)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	profFile = f
}

func stopProfile() {
	if profFile != nil {
		pprof.StopCPUProfile()
		profFile.Close()
		profFile = nil
	}
}

// rng is xorshift64*: deterministic for a given seed.
type rng struct{ s uint64 }

func (r *rng) next() uint64 {
	r.s ^= r.s >> 12
	r.s ^= r.s << 25
	r.s ^= r.s >> 27
	return r.s * 2685821657736338717
}

const (
	numKeys   = 4096
	keyMask   = numKeys - 1
	batchSize = 4096
)

type worker struct {
	rng      rng
	mix0     uint64
	mix01    uint64
	keys     []string
	payload  []byte
	caches   [3]Cache
	handlers [3]Handler
	mults    [3]Multiplier
	adds     [3]Adder
}

// pick returns 0, 1 or 2 according to the configured mix.
func (w *worker) pick() int {
	r := w.rng.next() % 100
	if r < w.mix0 {
		return 0
	}
	if r < w.mix01 {
		return 1
	}
	return 2
}

func parseMix(s string) (a, b uint64) {
	parts := strings.Split(s, ",")
	if len(parts) != 3 {
		fmt.Fprintln(os.Stderr, "-mix wants three comma-separated percentages")
		os.Exit(2)
	}
	var p [3]uint64
	var total uint64
	for i, f := range parts {
		v, err := strconv.ParseUint(strings.TrimSpace(f), 10, 32)
		if err != nil {
			fmt.Fprintln(os.Stderr, "-mix:", err)
			os.Exit(2)
		}
		p[i] = v
		total += v
	}
	if total != 100 {
		fmt.Fprintln(os.Stderr, "-mix percentages must add up to 100")
		os.Exit(2)
	}
	return p[0], p[0] + p[1]
}

func newWorker(id int, keys []string) *worker {
	m0, m01 := parseMix(*mixFlag)
	w := &worker{
		rng:     rng{s: *seed*0x9E3779B97F4A7C15 + uint64(id)*0xBF58476D1CE4E5B9 + 1},
		mix0:    m0,
		mix01:   m01,
		keys:    keys,
		payload: []byte("0123456789abcdef"),
	}
	rc := &RedisCache{}
	mc := &MemCache{m: make(map[string][]byte)}
	dc := &DiskCache{}
	for i, k := range keys {
		if i%2 == 0 {
			v := []byte(k)
			rc.Set(k, v)
			mc.Set(k, v)
			dc.Set(k, v)
		}
	}
	w.caches = [3]Cache{rc, mc, dc}
	w.handlers = [3]Handler{fastHandler, midHandler, slowHandler}
	w.mults = [3]Multiplier{Mult{}, NegMult{}, Mult{}}
	w.adds = [3]Adder{Add{}, Sub{}, Sub{}}
	return w
}

// warmCache holds a Cache.Set interface call site that only runs with
// -new-path: it is hot only in captures taken with that flag.
//
//go:noinline
func warmCache(w *worker, n int) {
	for i := 0; i < n; i++ {
		key := w.keys[w.rng.next()&keyMask]
		c := w.caches[w.pick()]
		c.Set(key, w.payload)
	}
}

func runWorker(w *worker, stop *atomic.Bool) {
	var sum uint64
	for !stop.Load() {
		sum += runBatch(w)
		if *newPath {
			warmCache(w, batchSize)
		}
	}
	sink.Add(sum)
}

// cpuTime returns the process's user+system CPU time in seconds.
func cpuTime() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

// waitFor sleeps for d, or, when cpu > 0, until the process has used cpu
// more seconds of CPU time (but at most d).
func waitFor(d time.Duration, cpu float64) {
	if cpu <= 0 {
		time.Sleep(d)
		return
	}
	start := cpuTime()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) && cpuTime()-start < cpu {
		time.Sleep(20 * time.Millisecond)
	}
}

func main() {
	keys := make([]string, numKeys)
	for i := range keys {
		keys[i] = fmt.Sprintf("session:%06d:user", i*7919%1000003)
	}
	ws := make([]*worker, *workers)
	for i := range ws {
		ws[i] = newWorker(i, keys)
	}

	var stop atomic.Bool
	var wg sync.WaitGroup
	for _, w := range ws {
		wg.Add(1)
		go func(w *worker) {
			defer wg.Done()
			runWorker(w, &stop)
		}(w)
	}
	if !*profileFromStart {
		time.Sleep(*warmup)
		if *cpuprofile != "" {
			startProfile()
		}
	}
	waitFor(*duration, *cpuSeconds)
	stop.Store(true)
	wg.Wait()
	stopProfile()

	if *heapprofile != "" {
		runtime.GC()
		f, err := os.Create(*heapprofile)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		if err := pprof.WriteHeapProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		f.Close()
	}
	fmt.Printf("cachesvc: sink=%d\n", sink.Load())
}
