// closuresvc: a closure that calls a sibling closure through the variable
// it was assigned to. The compiler's PGO devirtualizer resolves the
// variable (ir.StaticValue) and records a direct call; the machine code
// calls through the func value. A profile-guided build inlines run into
// serve, which renames the closures (serve.run.func1, ...) while profiles
// of the plain build keep run.func1 (a field finding in
// cmd/link: (*pclntab).generateFuncdata.func3 calling .func2).
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime/pprof"
	"time"
)

var calls uint64

// tick is deferred by both closures: a function with a defer is never
// inlined (cmd/compile/internal/inline/inl.go: "unhandled op DEFER"), so
// both stay out of line, as cmd/link's are.
func tick() { calls++ }

// run is over the ordinary inlining budget; a profile makes its call in
// serve hot, and the hot budget inlines it there.
func run(data []uint64, rounds int) uint64 {
	var total uint64
	mix := func(i int) uint64 { // func1
		defer tick()
		x := data[i%len(data)]
		for k := 0; k < 24; k++ {
			x ^= x << 13
			x ^= x >> 7
			x ^= x << 17
			if x%5 == 0 {
				x += uint64(k) * 0x9e3779b97f4a7c15
			} else if x%3 == 0 {
				x -= uint64(i)
			}
		}
		return x
	}
	sweep := func(from int) { // func2: calls func1 through the variable mix
		defer tick()
		for i := from; i < len(data); i++ {
			total += mix(i)
		}
	}
	for r := 0; r < rounds; r++ {
		sweep(r % 4)
		for i := range data { // run's own work: its call in serve is hot
			total = total*31 + data[i]>>uint(r)
		}
	}
	return total
}

func serve(data []uint64, until time.Time) uint64 {
	var sum uint64
	for time.Now().Before(until) {
		sum += run(data, 8)
	}
	return sum
}

func main() {
	cpu := flag.String("cpuprofile", "", "write a CPU profile here")
	secs := flag.Int("seconds", 5, "how long to serve")
	flag.Parse()
	if *cpu != "" {
		f, err := os.Create(*cpu)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		defer pprof.StopCPUProfile()
	}
	data := make([]uint64, 4096)
	for i := range data {
		data[i] = uint64(i)*2654435761 + 1
	}
	fmt.Println(serve(data, time.Now().Add(time.Duration(*secs)*time.Second)))
}
