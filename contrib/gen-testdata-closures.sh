#!/usr/bin/env bash
# gen-testdata-closures.sh: the renamed-sibling-closure fixture (Go 1.26).
#
# testdata/src/closuresvc: run's closure func2 calls its sibling func1
# through the variable it was assigned to. cmd/compile's PGO devirtualizer
# resolves the variable (pgoir.DirectCallee, ir.StaticValue) and records a
# direct call; the machine code calls the func value. The PGO build inlines
# run into serve, which renames the closures main.serve.run.func{1,2},
# while the profile (of the plain build) says main.run.func{1,2}: the case
# cmd/link's (*pclntab).generateFuncdata.func3 showed in the field corpus.
#
# Usage: contrib/gen-testdata-closures.sh      (GO126=... to choose the Go)
# Writes (MANIFEST lines for other files are kept):
#   profiles/closures.pprof                 the plain build serving 5 s
#   bin/closuresvc-go126.tar.xz             closuresvc.go126.pgo (-pgo=closures.pprof,
#                                           -ldflags=-w: pgodrift reads Go's runtime
#                                           tables either way; half the archive)
#   golden/buildinfo/closuresvc.go126.pgo.txt   `go version -m`
#   golden/pgodebug/closuresvc.go126.pgo.jsonl  -d=pgodebug=3 records of package main
# Run time: ~30 s.
set -euo pipefail

ROOT=${PGODRIFT_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
TD=$ROOT/testdata
SRC=$TD/src
TOOL=${GO_TOOLCHAIN_SH:-$ROOT/../shared/tools/go-toolchain.sh}
[ -x "$TOOL" ] || TOOL=$ROOT/../../shared/tools/go-toolchain.sh
GO126=${GO126-$(GO_DEBIAN_VERSION=1.26 "$TOOL")}
export GOTOOLCHAIN=local GOPROXY=off GOFLAGS= GOWORK=off GO111MODULE=on \
       GOOS=linux GOARCH=amd64 GOAMD64=v1 CGO_ENABLED=0 GOEXPERIMENT=
unset GOROOT 2>/dev/null || true

log() { printf 'gen-closures: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
"$GO126" version | grep -q 'go1\.26\.' || die "$GO126 is not Go 1.26"
W=$(mktemp -d "${TMPDIR:-/tmp}/pgodrift-closures.XXXXXX")
trap 'rm -rf "$W"' EXIT
mkdir -p "$W/group"

log "plain build, 5 s of serving"
(cd "$SRC" && "$GO126" build -buildvcs=false -pgo=off -o "$W/nopgo" ./closuresvc)
"$W/nopgo" -cpuprofile "$TD/profiles/closures.pprof" -seconds 5 >/dev/null
log "PGO build"
B=closuresvc.go126.pgo
(cd "$SRC" && "$GO126" build -buildvcs=false -pgo="$TD/profiles/closures.pprof" -ldflags=-w \
    -o "$W/group/$B" ./closuresvc)
(cd "$W/group" && "$GO126" version -m "$B") >"$TD/golden/buildinfo/$B.txt"
(cd "$SRC" && "$GO126" build -buildvcs=false -pgo="$TD/profiles/closures.pprof" -o /dev/null \
    -gcflags=all=-d=pgodebug=3 ./closuresvc) 2>&1 | grep '^{' | grep '"Pkg":"main"' \
    | grep '"Caller":"main\.' >"$TD/golden/pgodebug/$B.jsonl" || true

log "verifying"
"$GO126" tool nm "$W/group/$B" >"$W/nm"
grep -q ' T main\.serve\.run\.func2$' "$W/nm" || die "run was not inlined into serve: no main.serve.run.func2 in $B"
grep '"Caller":"main.run.func2"' "$TD/golden/pgodebug/$B.jsonl" \
    | grep '"Hottest":"main.run.func1"' | grep -q '"Direct":true' \
    || die "no direct record of main.run.func2 calling main.run.func1"

tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$W/group" -cf - . \
    | xz -9e -T1 >"$TD/bin/closuresvc-go126.tar.xz"
gen="bin/closuresvc-go126.tar.xz golden/buildinfo/$B.txt golden/pgodebug/$B.jsonl profiles/closures.pprof"
printf '%s\n' $gen | sort >"$W/gen.sorted"
{
    awk 'NR==FNR { skip[$0] = 1; next } !($2 in skip)' "$W/gen.sorted" "$TD/MANIFEST"
    (cd "$TD" && xargs sha256sum <"$W/gen.sorted")
} | LC_ALL=C sort -k2 >"$W/MANIFEST"
mv "$W/MANIFEST" "$TD/MANIFEST"
log "done: $(stat -c %s "$TD/bin/closuresvc-go126.tar.xz") bytes of archive"
