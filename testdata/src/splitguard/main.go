// Command splitguard hashes its arguments with crypto/sha256.Sum256, called
// through a function value so that the out-of-line Sum256 is in the binary,
// and exits with the xor of the first bytes (no fmt: a small binary).
//
// Built with Go 1.26's own cmd/compile/default.pgo as the PGO profile, the
// standard library's Sum256 gets the same two devirtualization guards as in
// the Go 1.26 compiler: h.Write (sha256.go:58) and h.Sum (sha256.go:60), and
// the itab load and compare of the second carry line 58 while its jne and
// indirect call carry line 60 (the "split-line guard" pgodrift must find
// by data flow; see contrib/gen-testdata-go12x.sh).
package main

import (
	"crypto/sha256"
	"os"
)

var sum = sha256.Sum256

func main() {
	var acc byte
	for _, a := range os.Args[1:] {
		s := sum([]byte(a))
		acc ^= s[0]
	}
	os.Exit(int(acc))
}
