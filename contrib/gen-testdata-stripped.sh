#!/usr/bin/env bash
# gen-testdata-stripped.sh: the binaries that ship. Stripped twins of
# existing PGO fixtures (Go's own linker flags -s -w, -s, -w), and a
# split-debug pair (objcopy, as distributions ship them), so the tests can
# assert that pgodrift reports on them what it reports on the unstripped
# builds (tests/unit/test_pclntab.c, tests/cli/test_check.sh).
#
# Usage (from any directory):
#   contrib/gen-testdata-stripped.sh
#   GO123=... GO126=... contrib/gen-testdata-stripped.sh
#
# Twins of (same toolchain, source, profile, flags but the linker's):
#   cachesvc.pgo        Go 1.23 amd64  (contrib/gen-testdata.sh)
#   cachesvc.arm64.pgo  Go 1.23 arm64  (contrib/gen-testdata.sh)
#   cachesvc.go126.pgo  Go 1.26 amd64  (contrib/gen-testdata-go12x.sh)
# The originals were built from other checkouts (/work/main, /work/wt/dwarf5);
# the compiler's -trimpath rewrite (cmd/internal/objabi.ApplyRewrites,
# "from=>to") records the fixture sources under the original's path, so
# file names match and .gopclntab comes out byte-identical (verified below).
#
# Writes (and only these; MANIFEST lines for other files are kept):
#   bin/cachesvc-stripped.tar.xz  cachesvc.{pgo,go126.pgo}.{sw,s,w},
#                                 cachesvc.arm64.pgo.sw,
#                                 cachesvc.go126.pgo.split (objcopy
#                                 --strip-debug --add-gnu-debuglink) and
#                                 cachesvc.go126.pgo.debug (--only-keep-debug
#                                 of the unstripped fixture)
# Needs: the two toolchains, objcopy (binutils), xz. Run time: ~1 minute.
set -euo pipefail

ROOT=${PGODRIFT_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
TD=$ROOT/testdata
SRC=$TD/src
P=$TD/profiles
TOOL=${GO_TOOLCHAIN_SH:-$ROOT/../shared/tools/go-toolchain.sh}
[ -x "$TOOL" ] || TOOL=$ROOT/../../shared/tools/go-toolchain.sh

GO123=${GO123-$(GO_DEBIAN_VERSION=1.23 "$TOOL")}
GO126=${GO126-$(GO_DEBIAN_VERSION=1.26 "$TOOL")}
# where the originals' sources were: their DWARF and pclntab file names
ORIG123=${ORIG123:-/work/main/testdata}
ORIG126=${ORIG126:-/work/wt/dwarf5/testdata}

export GOTOOLCHAIN=local GOPROXY=off GOFLAGS= GOWORK=off GO111MODULE=on \
       GOOS=linux GOARCH=amd64 GOAMD64=v1 CGO_ENABLED=0 GOEXPERIMENT=
unset GOROOT 2>/dev/null || true

T0=$(date +%s)
W=$(mktemp -d "${TMPDIR:-/tmp}/pgodrift-genstrip.XXXXXX")
trap 'rm -rf "$W"' EXIT
mkdir -p "$W/bin" "$W/orig" "$W/log"

log() { printf '[%4ds] %s\n' $(( $(date +%s) - T0 )) "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

"$GO123" version | grep -q 'go1\.23\.' || die "$GO123 is not Go 1.23"
"$GO126" version | grep -q 'go1\.26\.' || die "$GO126 is not Go 1.26"
command -v objcopy >/dev/null || die "objcopy (binutils) is needed"

# the unstripped originals, from the committed archives
for a in cachesvc-core cachesvc-cross cachesvc-go12x; do
    xz -dc "$TD/bin/$a.tar.xz" | tar -x -C "$W/orig"
done

# build NAME GOBIN ORIG_TESTDATA LDFLAGS [ENV=...]: the original's build with other linker flags
build() {
    local name=$1 gobin=$2 orig=$3 ldflags=$4; shift 4
    log "building $name ($ldflags)"
    (cd "$SRC" && env "$@" "$gobin" build -buildvcs=false -ldflags="$ldflags" \
        -gcflags="example.com/pgodrift/fixtures/...=-trimpath=$SRC=>$orig/src" \
        -pgo="$P/base.pprof" -o "$W/bin/$name" ./cachesvc) >"$W/log/$name.log" 2>&1 \
        || { cat "$W/log/$name.log" >&2; die "build of $name failed"; }
}

build cachesvc.pgo.sw "$GO123" "$ORIG123" "-s -w"
build cachesvc.pgo.s "$GO123" "$ORIG123" "-s"
build cachesvc.pgo.w "$GO123" "$ORIG123" "-w"
build cachesvc.arm64.pgo.sw "$GO123" "$ORIG123" "-s -w" GOARCH=arm64
build cachesvc.go126.pgo.sw "$GO126" "$ORIG126" "-compressdwarf=false -s -w"
build cachesvc.go126.pgo.s "$GO126" "$ORIG126" "-compressdwarf=false -s"
build cachesvc.go126.pgo.w "$GO126" "$ORIG126" "-compressdwarf=false -w"

# the split-debug pair: what distributions ship (debuginfo packages)
O=$W/orig/cachesvc.go126.pgo
objcopy --only-keep-debug "$O" "$W/bin/cachesvc.go126.pgo.debug"
objcopy --strip-debug --add-gnu-debuglink="$W/bin/cachesvc.go126.pgo.debug" "$O" "$W/bin/cachesvc.go126.pgo.split"

# ---------------------------------------------------------------- verify
log "verifying"
sec() { # FILE SECTION: the section's bytes, hex
    local line off size
    line=$(readelf -SW "$1" | awk -v s="$2" '$0 ~ " "s" " { sub(/.*\] */, ""); print; exit }')
    [ -n "$line" ] || return 0
    off=$(echo "$line" | awk '{print $4}'); size=$(echo "$line" | awk '{print $5}')
    tail -c +$((16#$off + 1)) "$1" | head -c $((16#$size)) | sha256sum | cut -d' ' -f1
}
fail=0
for pair in cachesvc.pgo.sw:cachesvc.pgo cachesvc.pgo.s:cachesvc.pgo cachesvc.pgo.w:cachesvc.pgo \
            cachesvc.arm64.pgo.sw:cachesvc.arm64.pgo cachesvc.go126.pgo.sw:cachesvc.go126.pgo \
            cachesvc.go126.pgo.s:cachesvc.go126.pgo cachesvc.go126.pgo.w:cachesvc.go126.pgo; do
    s=${pair%%:*} o=${pair#*:}
    [ "$(sec "$W/bin/$s" .gopclntab)" = "$(sec "$W/orig/$o" .gopclntab)" ] \
        || { log "FAIL: $s's .gopclntab differs from $o's"; fail=1; }
    readelf -SW "$W/bin/$s" | grep -q ' \.debug_info ' && { log "FAIL: $s has DWARF"; fail=1; }
    case $s in *.w) readelf -SW "$W/bin/$s" | grep -q ' \.symtab ' || { log "FAIL: $s has no .symtab"; fail=1; } ;;
               *) readelf -SW "$W/bin/$s" | grep -q ' \.symtab ' && { log "FAIL: $s has .symtab"; fail=1; } ;; esac
done
readelf -n "$W/bin/cachesvc.go126.pgo.split" | grep -q 'Build ID' || { log "FAIL: no GNU build ID"; fail=1; }
readelf -SW "$W/bin/cachesvc.go126.pgo.split" | grep -q ' \.gnu_debuglink ' || { log "FAIL: no .gnu_debuglink"; fail=1; }
[ $fail = 0 ] || die "verification failed"

# ------------------------------------------------------------------ pack
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$W/bin" -cf - . \
    | xz -9e -T1 >"$TD/bin/cachesvc-stripped.tar.xz"
{
    grep -v ' bin/cachesvc-stripped.tar.xz$' "$TD/MANIFEST" || true
    (cd "$TD" && sha256sum bin/cachesvc-stripped.tar.xz)
} | LC_ALL=C sort -k2 >"$W/MANIFEST"
mv "$W/MANIFEST" "$TD/MANIFEST"
log "bin/cachesvc-stripped.tar.xz: $(stat -c %s "$TD/bin/cachesvc-stripped.tar.xz") bytes"
