#!/usr/bin/env bash
# field-fixtures.sh: derive the small committed fixtures of testdata/field/
# from a field run (contrib/field-check.sh data), so `make check` covers the
# classification and choice rules on real programs without Go.
#
# Environment:
#   FIELD_DIR  where field-check.sh cached its data (default $HOME/.cache/pgodrift-field)
#   VERSIONS   Go versions to take (default: every go* directory in FIELD_DIR)
#   PROGRAMS   default "gofmt compile link"
#   OUT        default testdata/field of this checkout
#   BINARIES   binaries to archive, as VERSION/PROGRAM/BUILD (default
#              go1.26.11/gofmt/pgoA; empty: none): one solid xz archive per PROGRAM,
#              BIN_OUT/field-PROGRAM.tar.xz
#   BIN_OUT    default testdata/field of this checkout
#
# Per VERSION/PROGRAM it writes: pgoA.oracle.jsonl, pgoB.oracle.jsonl (the
# compiler's records with Weight > 0 or Devirtualized set, in build-log
# order), A.pprof, B.pprof (the captures the builds used), A.preprofile,
# B.preprofile (`go tool preprofile` of each) and <build>.buildinfo
# (`go version -m` of each binary). Then OUT/MANIFEST.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
FIELD_DIR=${FIELD_DIR:-$HOME/.cache/pgodrift-field}
PROGRAMS=${PROGRAMS:-gofmt compile link}
OUT=${OUT:-$repo/testdata/field}
BINARIES=${BINARIES-go1.26.11/gofmt/pgoA}
BIN_OUT=${BIN_OUT:-$repo/testdata/field}

log() { printf 'field-fixtures: %s\n' "$*" >&2; }
die() { printf 'field-fixtures: error: %s\n' "$*" >&2; exit 2; }

command -v jq >/dev/null || die "jq is needed"
if [[ -z "${VERSIONS:-}" ]]; then
	VERSIONS=$(find "$FIELD_DIR" -mindepth 1 -maxdepth 1 -type d -name 'go*' -printf '%f\n' | LC_ALL=C sort | tr '\n' ' ')
fi
[[ -n $VERSIONS ]] || die "no go* directory in $FIELD_DIR"

# go version -m needs a Go; the one that built the binaries prints the same.
gocmd() { # version -> go command of that version, or plain go
	local v=$1 major
	major=$(sed -E 's/^go([0-9]+\.[0-9]+).*/\1/' <<<"$v")
	if [[ -x /work/shared/tools/go-toolchain.sh ]]; then
		GO_DEBIAN_VERSION=$major /work/shared/tools/go-toolchain.sh
	else
		command -v go
	fi
}

for v in $VERSIONS; do
	go=$(gocmd "$v")
	for prog in $PROGRAMS; do
		src=$FIELD_DIR/$v/$prog
		dst=$OUT/$v/$prog
		[[ -s $src/pgoA.jsonl ]] || { log "$v/$prog: no data, skipped"; continue; }
		mkdir -p "$dst"
		for b in pgoA pgoB; do
			[[ -s $src/$b.oracle.jsonl ]] || continue
			# Keep Pos as the compiler printed it: the archived binary's DWARF
			# names the same absolute paths.
			jq -c 'select(.Weight > 0 or .Devirtualized != "")' "$src/$b.oracle.jsonl" >"$dst/$b.oracle.jsonl"
			log "$v/$prog/$b: $(wc -l <"$dst/$b.oracle.jsonl") oracle records"
		done
		for b in nopgo pgoA pgoB; do
			[[ -s $src/$b ]] || continue
			"$go" version -m "$src/$b" >"$dst/$b.buildinfo"
		done
		cp "$src/A.pprof" "$src/B.pprof" "$dst/"
		# Goldens from Go's own tool: the edges cmd/compile derives.
		for w in A B; do
			"$go" tool preprofile -i "$src/$w.pprof" -o "$dst/$w.preprofile"
		done
	done
done

# Binaries go to testdata/field/, where `make fixtures` unpacks every archive
# into build/testdata/bin/ (member names field-PROGRAM-VERSION.BUILD).
declare -A members=()
for spec in $BINARIES; do
	v=${spec%%/*}
	rest=${spec#*/}
	prog=${rest%%/*}
	b=${rest#*/}
	[[ -s $FIELD_DIR/$v/$prog/$b ]] || die "no binary $FIELD_DIR/$v/$prog/$b"
	members[$prog]+="$v/$prog/$b "
done
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
for prog in "${!members[@]}"; do
	names=()
	for spec in ${members[$prog]}; do
		v=${spec%%/*}
		b=${spec##*/}
		cp "$FIELD_DIR/$spec" "$stage/field-$prog-$v.$b"
		names+=("field-$prog-$v.$b")
	done
	log "archiving ${names[*]} into $BIN_OUT/field-$prog.tar.xz"
	tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$stage" -c "${names[@]}" |
		xz -9e -T1 >"$BIN_OUT/field-$prog.tar.xz.tmp"
	mv "$BIN_OUT/field-$prog.tar.xz.tmp" "$BIN_OUT/field-$prog.tar.xz"
done

(cd "$OUT" && find . -type f ! -name MANIFEST ! -name README.md | LC_ALL=C sort | xargs sha256sum) >"$OUT/MANIFEST"
log "wrote $OUT ($(du -sh "$OUT" | cut -f1))"
