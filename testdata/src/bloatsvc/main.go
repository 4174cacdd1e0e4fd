// Command bloatsvc has one large, extremely hot function (dispatch in
// helpers.go) that calls many medium-sized helpers. Built with -pgo from its
// own profile, the compiler inlines every hot helper into dispatch (hot
// inlining budget 2000 instead of 80) and the text grows.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

var (
	duration   = flag.Duration("duration", 10*time.Second, "how long to run (cap with -cpu-seconds)")
	cpuSeconds = flag.Float64("cpu-seconds", 0, "if > 0, run until the process used this much CPU time")
	workers    = flag.Int("workers", 2, "worker goroutines")
	cpuprofile = flag.String("cpuprofile", "", "write a CPU profile to this file")
	rate       = flag.Int("rate", 0, "CPU profile rate in Hz (0: default 100)")
	sink       atomic.Uint64
)

func cpuTime() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

func work(id int, stop *atomic.Bool) {
	x := uint64(id)*0x9E3779B97F4A7C15 + 1
	var acc uint64
	for !stop.Load() {
		for i := 0; i < 1<<14; i++ {
			x ^= x << 13
			x ^= x >> 7
			x ^= x << 17
			acc += dispatch(int(x>>32), x)
		}
	}
	sink.Add(acc)
}

func main() {
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		if *rate > 0 {
			runtime.SetCPUProfileRate(*rate)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		defer f.Close()
		defer pprof.StopCPUProfile()
	}
	var stop atomic.Bool
	var wg sync.WaitGroup
	for i := 0; i < *workers; i++ {
		wg.Add(1)
		go func(id int) {
			defer wg.Done()
			work(id, &stop)
		}(i)
	}
	start, deadline := cpuTime(), time.Now().Add(*duration)
	for time.Now().Before(deadline) && (*cpuSeconds <= 0 || cpuTime()-start < *cpuSeconds) {
		time.Sleep(20 * time.Millisecond)
	}
	stop.Store(true)
	wg.Wait()
	fmt.Printf("bloatsvc: sink=%d\n", sink.Load())
}
