#!/usr/bin/env bash
# inlining-fixtures.sh: the compiler's PGO inlining decisions for the
# fixture programs of testdata/src (issue #17), beside the real programs'
# (contrib/inlining-oracle.sh). Rebuilds each PGO fixture binary exactly as
# contrib/gen-testdata.sh / gen-testdata-go12x.sh do, plus
# -gcflags=all=-d=pgodebug=1 (it only prints: field-check.sh flagcheck),
# into a temporary directory, and keeps the lines of
# cmd/compile/internal/inline/inl.go (hot-callsite-thres-from-CDF,
# hot-node, hot-budget, hot-big), sorted and unique, gzip -9n, as
# testdata/golden/inlining/NAME.inl.txt.gz. The positions name this
# checkout's testdata/src; tests key decisions by function and line only.
#
# Environment: GO (Go 1.23, default from /work/shared/tools/go-toolchain.sh),
# GO126 (Go 1.26, likewise).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
TD=$repo/testdata
SRC=$TD/src
OUT=$TD/golden/inlining
tool=/work/shared/tools/go-toolchain.sh
GO=${GO:-$(GO_DEBIAN_VERSION=1.23 "$tool")}
GO126=${GO126:-$(GO_DEBIAN_VERSION=1.26 "$tool")}

export GOTOOLCHAIN=local GOPROXY=off GOFLAGS= GOWORK=off GO111MODULE=on \
	GOOS=linux GOARCH=amd64 GOAMD64=v1 CGO_ENABLED=0 GOEXPERIMENT=

log() { printf 'inlining-fixtures: %s\n' "$*" >&2; }

W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
mkdir -p "$OUT"

# oracle NAME GOBIN PROFILE PKG: the inl.go lines of a PGO build of PKG
oracle() {
	local name=$1 gobin=$2 prof=$3 pkg=$4
	(cd "$SRC" && nice -n 10 "$gobin" build -buildvcs=false -o "$W/$name" -pgo="$prof" \
		-gcflags=all=-d=pgodebug=1 "$pkg") >"$W/$name.log" 2>&1 ||
		{ tail -20 "$W/$name.log" >&2; exit 1; }
	grep -E '^(hot-callsite-thres-from-CDF=|hot-node enabled increased budget=|hot-budget check allows inlining for call |hot-big check disallows inlining for call )' \
		"$W/$name.log" | LC_ALL=C sort -u | gzip -9n >"$OUT/$name.inl.txt.gz"
	log "$name: $(zcat "$OUT/$name.inl.txt.gz" | grep -c '^hot-budget') hot-budget decisions," \
		"$(zcat "$OUT/$name.inl.txt.gz" | grep -c '^hot-node') hot callees"
}

oracle cachesvc.pgo "$GO" "$TD/profiles/base.pprof" ./cachesvc
oracle bloatsvc.pgo "$GO" "$TD/profiles/bloat.pprof" ./bloatsvc
oracle cachesvc.go126.pgo "$GO126" "$TD/profiles/base.pprof" ./cachesvc
