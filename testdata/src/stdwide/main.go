// Command stdwide exercises a wide slice of the standard library in a loop
// (compress/gzip, encoding/json, regexp, sort, crypto/sha256, strconv,
// strings, fmt, text/template, encoding/base64, bufio, math/big) to produce a
// big CPU profile touching many std functions (benchmark input for pgodrift).
package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/big"
	"os"
	"regexp"
	"runtime"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"text/template"
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

type Record struct {
	ID      int               `json:"id"`
	Name    string            `json:"name"`
	Email   string            `json:"email"`
	Tags    []string          `json:"tags"`
	Score   float64           `json:"score"`
	Attrs   map[string]string `json:"attrs"`
	Created time.Time         `json:"created"`
}

var (
	emailRE = regexp.MustCompile(`^[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}$`)
	logRE   = regexp.MustCompile(`(\d{4}-\d{2}-\d{2}) (\w+) \[(\w+)\] (.*)`)
	tmpl    *template.Template
)

func init() {
	tmpl = template.Must(template.New("r").Funcs(template.FuncMap{"join": strings.Join}).Parse(
		"{{range .}}{{.ID}}\t{{.Name}}\t{{printf \"%.2f\" .Score}}\t{{join .Tags \",\"}}\n{{end}}"))
}

func records(seed, n int) []Record {
	rs := make([]Record, n)
	for i := range rs {
		k := seed*1000 + i
		rs[i] = Record{
			ID:      k,
			Name:    "user" + strconv.Itoa(k*7919%100003),
			Email:   fmt.Sprintf("user%d@example%d.com", k, k%7),
			Tags:    []string{"a" + strconv.Itoa(k%5), "b" + strconv.Itoa(k%11), "c"},
			Score:   float64(k%1000) / 7.0,
			Attrs:   map[string]string{"region": "eu-" + strconv.Itoa(k%3), "tier": strconv.Itoa(k % 4)},
			Created: time.Date(2024, 1, 1+k%28, k%24, k%60, 0, 0, time.UTC),
		}
	}
	return rs
}

func round(seed int) uint64 {
	var acc uint64
	rs := records(seed, 64)

	// encoding/json
	js, _ := json.Marshal(rs)
	var back []Record
	_ = json.Unmarshal(js, &back)
	acc += uint64(len(back))

	// compress/gzip
	var zb bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&zb, gzip.BestSpeed+seed%5)
	zw.Write(js)
	zw.Close()
	zr, _ := gzip.NewReader(&zb)
	n, _ := io.Copy(io.Discard, zr)
	acc += uint64(n)

	// crypto/sha256 + encoding/base64
	sum := sha256.Sum256(js)
	acc += uint64(len(base64.StdEncoding.EncodeToString(sum[:])))

	// regexp
	for _, r := range back {
		if emailRE.MatchString(r.Email) {
			acc++
		}
		line := fmt.Sprintf("2024-01-%02d host%d [INFO] request id=%d took=%dms", r.ID%28+1, r.ID%9, r.ID, r.ID%300)
		if m := logRE.FindStringSubmatch(line); m != nil {
			acc += uint64(len(m[4]))
		}
	}

	// sort + strconv
	sort.Slice(back, func(i, j int) bool { return back[i].Name < back[j].Name })
	var sb strings.Builder
	for _, r := range back {
		sb.WriteString(strconv.FormatFloat(r.Score, 'g', -1, 64))
		sb.WriteByte(' ')
	}
	for _, f := range strings.Fields(sb.String()) {
		v, _ := strconv.ParseFloat(f, 64)
		acc += uint64(v)
	}

	// text/template + bufio
	var tb bytes.Buffer
	bw := bufio.NewWriter(&tb)
	_ = tmpl.Execute(bw, back[:16])
	bw.Flush()
	sc := bufio.NewScanner(&tb)
	for sc.Scan() {
		acc += uint64(len(strings.Split(sc.Text(), "\t")))
	}

	// math/big
	f := new(big.Int).MulRange(1, int64(40+seed%20))
	acc += uint64(len(f.String()))
	return acc
}

func cpuTime() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
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
			var acc uint64
			for s := id; !stop.Load(); s += *workers {
				acc += round(s)
			}
			sink.Add(acc)
		}(i)
	}
	start, deadline := cpuTime(), time.Now().Add(*duration)
	for time.Now().Before(deadline) && (*cpuSeconds <= 0 || cpuTime()-start < *cpuSeconds) {
		time.Sleep(20 * time.Millisecond)
	}
	stop.Store(true)
	wg.Wait()
	fmt.Printf("stdwide: sink=%d\n", sink.Load())
}
