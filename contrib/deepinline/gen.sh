#!/bin/sh
# SPDX-License-Identifier: MIT
# Builds a Go program whose hot paths are long chains of tiny functions,
# first without PGO, then ROUNDS times with the profile of the run before, so the
# compiler's hot-callee budget (cmd/compile/internal/inline: inlineHotMaxBudget
# 2000) inlines the chains deeply; the second run's CPU profile has locations
# with many inlined lines each (deep-inline.pprof, issue #13 item 1).
#
# usage: sh contrib/deepinline/gen.sh OUT.pprof     (needs Go; ~1 minute)
set -eu
out=$1
GO=${GO:-go}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
chains=${CHAINS:-60}
depth=${DEPTH:-60}
{
	echo 'package main'
	echo 'import ("os"; "runtime/pprof"; "time")'
	c=0
	while [ $c -lt $chains ]; do
		d=0
		while [ $d -lt $depth ]; do
			n=$((d + 1))
			if [ $n -lt $depth ]; then
				echo "func c${c}f${d}(x uint64) uint64 { return c${c}f${n}(x*31+$((d * 13 + c))) ^ $d }"
			else
				echo "func c${c}f${d}(x uint64) uint64 { return x*2654435761 + $c }"
			fi
			d=$n
		done
		c=$((c + 1))
	done
	echo 'var sink uint64'
	echo 'func run(until time.Time) {'
	echo '	for i := uint64(0); time.Now().Before(until); i++ {'
	echo '		for j := uint64(0); j < 1000; j++ {'
	echo '			switch (i + j) % '"$chains"' {'
	c=0
	while [ $c -lt $chains ]; do
		echo "			case $c: sink += c${c}f0(i + j)"
		c=$((c + 1))
	done
	echo '			}'
	echo '		}'
	echo '	}'
	echo '}'
	echo 'func main() {'
	echo '	f, _ := os.Create(os.Args[1])'
	echo '	pprof.StartCPUProfile(f)'
	echo '	run(time.Now().Add(time.Duration(len(os.Args[2])) * time.Second))'
	echo '	pprof.StopCPUProfile()'
	echo '	f.Close()'
	echo '}'
} > "$dir/main.go"
(cd "$dir" && printf 'module deepinline\n\ngo 1.21\n' > go.mod)
# Each PGO round inlines the call sites the previous profile showed hot, so
# the chains get deeper with every round.
(cd "$dir" && "$GO" build -o prog . && ./prog p0.pprof xxx)
r=1
while [ $r -le "${ROUNDS:-3}" ]; do
	(cd "$dir" && "$GO" build -pgo=p$((r - 1)).pprof -o prog . && ./prog p$r.pprof ${SECS:-xxxxxxxx})
	r=$((r + 1))
done
cp "$dir/p$((r - 1)).pprof" "$out"
