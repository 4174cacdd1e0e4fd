#!/bin/sh
# gen-big-program.sh: generated Go services of ~20, ~60 and ~150 MB and their
# profiles, for make bench's scaling rows (issue #15: pgodrift's cost must
# follow the samples and the functions the profiles name, not the binary's
# size). Not committed: everything goes to build/bench/gen-SIZE/.
#
#   sh contrib/gen-big-program.sh [SIZE...]     # SIZE: 20 60 150 (default all)
#   make bench-gen                              # the same, all three
#
# Per size: contrib/gen-big-program.py writes the sources (PACKAGES packages
# of 48 types; see there), then
#   svc.nopgo   go build -pgo=off
#   A.pprof     svc.nopgo -mix A, SECS seconds at 1000 Hz (runtime/pprof)
#   svc.pgoA    go build -pgo=A.pprof         (devirtualizes A's hot sites)
#   B.pprof     svc.pgoA -mix B, SECS seconds (half the hot sites drift)
# and writes a `done` marker last, so an interrupted run is redone. The
# 150 MB one also gets B-wide.pprof (-hot 96) and B-long.pprof (4 x SECS),
# both at 4 kHz (see extra below).
# Environment: GO (default: Go 1.23 from ../shared/tools/go-toolchain.sh),
# SECS (default 5), GOCACHE (default build/bench/gocache), GOBUILDP (go build
# -p, default 1: one compile at a time, the machine is shared). Builds run
# under nice -n 10. Time on the 2-core development machine: see README
# (the 150 MB one is two ~10-minute builds).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
TOOL=$ROOT/../shared/tools/go-toolchain.sh
[ -x "$TOOL" ] || TOOL=$ROOT/../../shared/tools/go-toolchain.sh
GO=${GO:-$(GO_DEBIAN_VERSION=1.23 "$TOOL")}
SECS=${SECS:-5}
GOBUILDP=${GOBUILDP:-1}
mkdir -p "$BUILD/bench"
BUILD=$(cd "$BUILD" && pwd) # the builds run in the source directory
GOCACHE=${GOCACHE:-$BUILD/bench/gocache}
export GOCACHE GOTOOLCHAIN=local GOFLAGS= GOPROXY=off GOWORK=off GO111MODULE=on \
	CGO_ENABLED=0 GOOS=linux GOARCH=amd64

packages() { # size in MB -> packages of 48 types (~0.33 MB each + ~3 MB runtime)
	case $1 in
	20) echo 52 ;;
	60) echo 172 ;;
	150) echo 450 ;;
	*) echo "gen-big-program.sh: sizes are 20, 60, 150" >&2; return 1 ;;
	esac
}

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

gen() {
	size=$1
	n=$(packages "$size")
	d=$BUILD/bench/gen-$size
	[ -f "$d/done" ] && { log "gen-$size: already built"; return 0; }
	rm -rf "$d"
	mkdir -p "$d"
	python3 "$ROOT/contrib/gen-big-program.py" "$d/src" "$n" 48
	log "gen-$size: $n packages; go build -pgo=off"
	(cd "$d/src" && /usr/bin/time -f '%e s, %M KiB' -o "$d/build-nopgo.time" \
		nice -n 10 "$GO" build -p "$GOBUILDP" -pgo=off -o "$d/svc.nopgo" .)
	log "gen-$size: $(cat "$d/build-nopgo.time"); workload A for $SECS s"
	nice -n 10 "$d/svc.nopgo" -mix A -seconds "$SECS" -cpuprofile "$d/A.pprof" 2>/dev/null
	log "gen-$size: go build -pgo=A.pprof"
	(cd "$d/src" && /usr/bin/time -f '%e s, %M KiB' -o "$d/build-pgo.time" \
		nice -n 10 "$GO" build -p "$GOBUILDP" -pgo="$d/A.pprof" -o "$d/svc.pgoA" .)
	log "gen-$size: $(cat "$d/build-pgo.time"); workload B for $SECS s"
	nice -n 10 "$d/svc.pgoA" -mix B -seconds "$SECS" -cpuprofile "$d/B.pprof" 2>/dev/null
	ls -l "$d/svc.nopgo" "$d/svc.pgoA" "$d/A.pprof" "$d/B.pprof" >&2
	touch "$d/done"
}

# The largest one also gets two more fresh captures from the PGO build, for
# the rows that vary one input at a time, at 4 kHz (on a loaded machine the
# niced workload gets little CPU, and samples are CPU time x rate): B-wide
# (96 hot packages instead of 24: about 4 times the functions named) and
# B-long (4 times the seconds: more samples, the same functions).
extra() {
	d=$BUILD/bench/gen-$1
	[ -f "$d/done" ] || return 0
	if [ ! -s "$d/B-wide.pprof" ]; then
		log "gen-$1: workload B, 96 hot packages, for $SECS s at 4 kHz"
		nice -n 10 "$d/svc.pgoA" -mix B -hot 96 -hz 4000 -seconds "$SECS" \
			-cpuprofile "$d/B-wide.pprof.tmp" 2>/dev/null
		mv "$d/B-wide.pprof.tmp" "$d/B-wide.pprof"
	fi
	if [ ! -s "$d/B-long.pprof" ]; then
		log "gen-$1: workload B for $((4 * SECS)) s at 4 kHz"
		nice -n 10 "$d/svc.pgoA" -mix B -hz 4000 -seconds "$((4 * SECS))" \
			-cpuprofile "$d/B-long.pprof.tmp" 2>/dev/null
		mv "$d/B-long.pprof.tmp" "$d/B-long.pprof"
	fi
}

[ $# -gt 0 ] || set -- 20 60 150
for s in "$@"; do
	gen "$s"
	[ "$s" != 150 ] || extra "$s"
done
