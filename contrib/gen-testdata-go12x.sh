#!/usr/bin/env bash
# gen-testdata-go12x.sh: the fixture programs built by the Go that teams use
# today (Go 1.24, the last DWARF 4 default; Go 1.25/1.26, DWARF 5), next to
# the Go 1.23 fixtures of contrib/gen-testdata.sh.
#
# Usage (from any directory):
#   contrib/gen-testdata-go12x.sh
#   GO124=... GO125=... GO126=... contrib/gen-testdata-go12x.sh
#
#   GO124, GO125, GO126  toolchains; default: ../shared/tools/go-toolchain.sh
#          with GO_DEBIAN_VERSION=1.2x. GO125 is optional (skipped when empty
#          or absent) and gives only a preprofile golden: its binaries are
#          DWARF 5 like Go 1.26's and are left out to keep the fixtures small.
#
# No capture: the committed profiles are the PGO inputs (profiles/base.pprof
# for cachesvc: it names functions the newer toolchains still have, and PGO
# matches by name and line offset; Go 1.26's own cmd/compile/default.pgo for
# splitguard, whose only interesting code is the standard library's).
#
# Writes (and only these; MANIFEST lines for other files are kept):
#   bin/cachesvc-go12x.tar.xz    cachesvc.go12{4,6}.{nopgo,pgo},
#                                cachesvc.go126-nodwarf5.{nopgo,pgo}
#   bin/splitguard-go126.tar.xz  splitguard.go126.pgo: the split-line guard in
#                                crypto/sha256.Sum256
#   golden/buildinfo/NAME.txt    `go version -m` of each binary
#   golden/pgodebug/NAME.jsonl   -d=pgodebug=3 records of each PGO build
#   golden/preprofile/base.go12x.preprofile  each toolchain's own
#                                `go tool preprofile` of profiles/base.pprof
# Run time: ~3 minutes on an idle 2-CPU machine (build cache warm: less).
set -euo pipefail

ROOT=${PGODRIFT_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
TD=$ROOT/testdata
SRC=$TD/src
P=$TD/profiles
# the shared toolchain helper sits beside the checkout (or beside its worktree parent)
TOOL=${GO_TOOLCHAIN_SH:-$ROOT/../shared/tools/go-toolchain.sh}
[ -x "$TOOL" ] || TOOL=$ROOT/../../shared/tools/go-toolchain.sh

GO124=${GO124-$(GO_DEBIAN_VERSION=1.24 "$TOOL")}
GO125=${GO125-$(GO_DEBIAN_VERSION=1.25 "$TOOL" 2>/dev/null || true)}
GO126=${GO126-$(GO_DEBIAN_VERSION=1.26 "$TOOL")}

export GOTOOLCHAIN=local GOPROXY=off GOFLAGS= GOWORK=off GO111MODULE=on \
       GOOS=linux GOARCH=amd64 GOAMD64=v1 CGO_ENABLED=0 GOEXPERIMENT=
unset GOROOT 2>/dev/null || true

T0=$(date +%s)
W=$(mktemp -d "${TMPDIR:-/tmp}/pgodrift-gen12x.XXXXXX")
trap 'rm -rf "$W"' EXIT
mkdir -p "$W/bin" "$W/log" "$W/groups/cachesvc-go12x" "$W/groups/splitguard-go126"

log() { printf '[%4ds] %s\n' $(( $(date +%s) - T0 )) "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
reg() { local f; for f in "$@"; do echo "${f#"$TD"/}" >>"$W/generated"; done; }

check_go() { "$1" version | grep -q "go$2\." || die "$1 is not Go $2"; }
check_go "$GO124" 1.24
check_go "$GO126" 1.26
if [ -n "$GO125" ] && [ -x "$GO125" ]; then check_go "$GO125" 1.25; else GO125=; log "no Go 1.25: skipped"; fi

# build NAME GROUP GOBIN [ENV=...] ARGS... PKG: build, stage, `go version -m`.
# DWARF is left uncompressed (-compressdwarf=false; nothing is stripped): the
# solid archive then shares the DWARF of related builds (6 cachesvc builds:
# 3.x MB instead of 6.3 MB); the Go 1.23 fixtures keep the compressed form.
# PGO builds also get their pgodebug golden (the same flags plus -d=pgodebug=3
# on every package: the guards in the standard library count too).
build() {
    local name=$1 group=$2 gobin=$3; shift 3
    local envs=()
    while [ $# -gt 0 ] && [[ $1 == *=* && $1 != -* ]]; do envs+=("$1"); shift; done
    log "building $name"
    (cd "$SRC" && env "${envs[@]}" "$gobin" build -buildvcs=false -ldflags=-compressdwarf=false \
        -o "$W/bin/$name" "$@") \
        >"$W/log/$name.log" 2>&1 || { cat "$W/log/$name.log" >&2; die "build of $name failed"; }
    cp "$W/bin/$name" "$W/groups/$group/$name"
    (cd "$W/bin" && "$gobin" version -m "$name") >"$TD/golden/buildinfo/$name.txt"
    reg "golden/buildinfo/$name.txt"
    case " $* " in *" -pgo=off "*) return 0;; esac
    local pkg=${*: -1}
    set -- "${@:1:$#-1}"
    (cd "$SRC" && env "${envs[@]}" "$gobin" build -buildvcs=false -o /dev/null "$@" \
        -gcflags=all=-d=pgodebug=3 "$pkg") >"$W/log/$name.pgodebug" 2>&1 \
        || { cat "$W/log/$name.pgodebug" >&2; die "pgodebug build of $name failed"; }
    # call-site records with weight: what the compiler devirtualized or could have
    grep '^{' "$W/log/$name.pgodebug" | grep -E '"Pkg":"(main|crypto/sha256)"' \
        >"$TD/golden/pgodebug/$name.jsonl" || true
    reg "golden/pgodebug/$name.jsonl"
}

CS=./cachesvc
BASE=$P/base.pprof
build cachesvc.go124.nopgo cachesvc-go12x "$GO124" -pgo=off $CS
build cachesvc.go124.pgo cachesvc-go12x "$GO124" -pgo="$BASE" $CS
build cachesvc.go126.nopgo cachesvc-go12x "$GO126" -pgo=off $CS
build cachesvc.go126.pgo cachesvc-go12x "$GO126" -pgo="$BASE" $CS
build cachesvc.go126-nodwarf5.nopgo cachesvc-go12x "$GO126" GOEXPERIMENT=nodwarf5 -pgo=off $CS
build cachesvc.go126-nodwarf5.pgo cachesvc-go12x "$GO126" GOEXPERIMENT=nodwarf5 -pgo="$BASE" $CS
# splitguard: the standard library's Sum256 compiled with the Go 1.26
# compiler's committed profile devirtualizes as it does in the compiler.
CPGO=$("$GO126" env GOROOT)/src/cmd/compile/default.pgo
build splitguard.go126.pgo splitguard-go126 "$GO126" -pgo="$CPGO" ./splitguard

for v in 124 125 126; do
    eval "gobin=\$GO$v"
    [ -n "$gobin" ] || continue
    (cd "$TD" && "$gobin" tool preprofile -i profiles/base.pprof -o "golden/preprofile/base.go$v.preprofile")
    reg "golden/preprofile/base.go$v.preprofile"
done

# ---------------------------------------------------------------- verify
log "verifying"
fail=0
for v in 124 126 126-nodwarf5; do
    g=$("$GO126" tool objdump -s '^main.serve$' "$W/bin/cachesvc.go$v.pgo" \
        | grep -c 'LEAQ go:itab.\*main.RedisCache,main.Cache(SB)' || true)
    [ "$g" -ge 1 ] || { log "FAIL: no RedisCache guard in cachesvc.go$v.pgo main.serve"; fail=1; }
done
# DWARF versions: 1.24 and nodwarf5 write version 4 units, 1.26 version 5.
dv() { readelf --debug-dump=info "$1" 2>/dev/null | awk '/Version:/ {print $2; exit}'; }
[ "$(dv "$W/bin/cachesvc.go124.pgo")" = 4 ] || { log "FAIL: go124 is not DWARF 4"; fail=1; }
[ "$(dv "$W/bin/cachesvc.go126.pgo")" = 5 ] || { log "FAIL: go126 is not DWARF 5"; fail=1; }
[ "$(dv "$W/bin/cachesvc.go126-nodwarf5.pgo")" = 4 ] || { log "FAIL: nodwarf5 is not DWARF 4"; fail=1; }
# The split-line guard: in crypto/sha256.Sum256 the itab compare of h.Sum
# (sha256.go:60) carries line 58 (h.Write, the other guarded call).
"$GO126" tool objdump -s '^crypto/sha256.Sum256$' "$W/bin/splitguard.go126.pgo" >"$W/sum256.s"
grep -q 'sha256.go:58.*LEAQ go:itab' "$W/sum256.s" \
    || { log "FAIL: no itab LEAQ at sha256.go:58 in splitguard.go126.pgo"; fail=1; }
grep -q 'sha256.go:60.*CALL [A-Z]' "$W/sum256.s" \
    || { log "FAIL: no indirect CALL at sha256.go:60 in splitguard.go126.pgo"; fail=1; }
[ $fail = 0 ] || die "verification failed"

# ------------------------------------------------------------------ pack
for g in "$W"/groups/*; do
    tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$g" -cf - . \
        | xz -9e -T1 >"$TD/bin/$(basename "$g").tar.xz"
    reg "bin/$(basename "$g").tar.xz"
done

# MANIFEST: replace the lines of what this run generated, keep the rest.
sort -u "$W/generated" >"$W/gen.sorted"
{
    awk 'NR==FNR { skip[$0] = 1; next } !($2 in skip)' "$W/gen.sorted" "$TD/MANIFEST"
    (cd "$TD" && xargs sha256sum <"$W/gen.sorted")
} | LC_ALL=C sort -k2 >"$W/MANIFEST"
mv "$W/MANIFEST" "$TD/MANIFEST"

log "sizes"
for f in "$TD"/bin/cachesvc-go12x.tar.xz "$TD"/bin/splitguard-go126.tar.xz; do
    printf '%-40s %10s\n' "${f#"$TD"/}" "$(stat -c %s "$f")" >&2
done
log "done"
