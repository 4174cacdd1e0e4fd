#!/usr/bin/env bash
# inlining-oracle.sh: the compiler's own PGO inlining decisions as small
# committed fixtures (issue #17), from the build logs of a field run
# (contrib/field-check.sh data, which builds with -gcflags=all=-d=pgodebug=3).
#
# cmd/compile/internal/inline/inl.go prints, with -d=pgodebug >= 1:
#   hot-callsite-thres-from-CDF=X                        (PGOInlinePrologue, per package)
#   hot-node enabled increased budget=2000 for func=F     (inlineBudget, per hot callee compiled)
#   hot-budget check allows inlining for call F (cost N) at FILE:LINE:COL in function G
#                                                         (inlineCostOK; FILE:LINE is the
#                                                          outermost position of the call)
#   hot-big check disallows inlining for call F ...       (inlineCostOK, big callers)
# Each fixture keeps those lines only, sorted and unique (the go command
# replays every package's output, so a line can repeat), gzip -9n.
#
# Then, for the gofmt builds whose binaries are committed
# (testdata/field/field-gofmt.tar.xz), `go tool objdump` of a sample of the
# decided sites: the bytes of each call's inlined copy as objdump attributes
# instructions to the callee's source lines (contrib/inlining-objdump.go).
#
# Environment:
#   FIELD_DIR  field-check.sh's cache (default $HOME/.cache/pgodrift-field)
#   VERSION    Go version directory (default go1.26.11)
#   PROGRAMS   default "gofmt link"
#   OUT        default testdata/field of this checkout
#   GO         go command (default Go 1.26 from /work/shared/tools/go-toolchain.sh)
#   OBJDUMP_BUILDS  builds of gofmt to sample with objdump (default "pgoA pgoB")
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
FIELD_DIR=${FIELD_DIR:-$HOME/.cache/pgodrift-field}
VERSION=${VERSION:-go1.26.11}
PROGRAMS=${PROGRAMS:-gofmt link}
OUT=${OUT:-$repo/testdata/field}
OBJDUMP_BUILDS=${OBJDUMP_BUILDS:-pgoA pgoB}

log() { printf 'inlining-oracle: %s\n' "$*" >&2; }
die() { printf 'inlining-oracle: error: %s\n' "$*" >&2; exit 2; }

if [[ -z "${GO:-}" ]]; then
	GO=$(GO_DEBIAN_VERSION=1.26 /work/shared/tools/go-toolchain.sh 2>/dev/null) || GO=$(command -v go) ||
		die "no Go toolchain: set GO"
fi
export GOTOOLCHAIN=local GOFLAGS=-buildvcs=false

for prog in $PROGRAMS; do
	src=$FIELD_DIR/$VERSION/$prog
	dst=$OUT/$VERSION/$prog
	mkdir -p "$dst"
	for b in pgoA pgoB; do
		[[ -s $src/$b.log ]] || die "no build log $src/$b.log (run contrib/field-check.sh data)"
		grep -E '^(hot-callsite-thres-from-CDF=|hot-node enabled increased budget=|hot-budget check allows inlining for call |hot-big check disallows inlining for call )' \
			"$src/$b.log" | LC_ALL=C sort -u | gzip -9n >"$dst/$b.inl.txt.gz.tmp"
		mv "$dst/$b.inl.txt.gz.tmp" "$dst/$b.inl.txt.gz"
		log "$VERSION/$prog/$b: $(zcat "$dst/$b.inl.txt.gz" | grep -c '^hot-budget') hot-budget decisions," \
			"$(zcat "$dst/$b.inl.txt.gz" | grep -c '^hot-node') hot callees, $(stat -c %s "$dst/$b.inl.txt.gz") bytes"
	done
done

# objdump samples of the committed gofmt binaries
for b in $OBJDUMP_BUILDS; do
	bin=$FIELD_DIR/$VERSION/gofmt/$b
	dst=$OUT/$VERSION/gofmt
	[[ -s $bin ]] || die "no binary $bin"
	"$GO" run "$here/inlining-objdump.go" -go "$GO" -bin "$bin" \
		-decisions <(zcat "$dst/$b.inl.txt.gz") -n 40 >"$dst/$b.objdump.tsv.tmp"
	mv "$dst/$b.objdump.tsv.tmp" "$dst/$b.objdump.tsv"
	log "$VERSION/gofmt/$b: $(($(wc -l <"$dst/$b.objdump.tsv") - 1)) objdump samples"
done

(cd "$OUT" && find . -type f ! -name MANIFEST ! -name README.md | LC_ALL=C sort | xargs sha256sum) >"$OUT/MANIFEST"
log "updated $OUT/MANIFEST"
