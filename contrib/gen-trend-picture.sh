#!/bin/sh
# Regenerates doc/trend.svg and doc/trend.md (the README's picture of the
# scheduled report) from three real runs of contrib/drift-report.sh on the
# fixtures, one week apart:
#   run 1: api and web captured as the base was (fresh-same), db unreachable;
#   run 2: api drifted (fresh-even), web gained a hot path (fresh-newpath);
#   run 3: api drifted further (fresh-flipped), db reachable again.
# tests/cli/test_fleet.sh regenerates it and compares with the committed
# files, so the picture is what pgodrift writes.
#   sh contrib/gen-trend-picture.sh [BUILD-DIR] [OUT-DIR]   (from the repository root)
set -eu
BUILD=${1:-build}
dest=${2:-doc}
here=$(pwd)
bin=$(cd "$BUILD/testdata/bin" && pwd)
prof=$here/testdata/profiles
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
run() { # EPOCH API WEB DB
	{
		printf '# name\tbinary\tprofile\tcapture URL\n'
		printf 'api\t%s/cachesvc.pgo\t%s/base.pprof\tfile://%s/%s\n' "$bin" "$prof" "$prof" "$2"
		printf 'web\t%s/cachesvc.pgo\t%s/base.pprof\tfile://%s/%s\n' "$bin" "$prof" "$prof" "$3"
		printf 'db\t%s/cachesvc.pgo\t%s/base.pprof\tfile://%s/%s\n' "$bin" "$prof" "$prof" "$4"
	} >"$work/services.tsv"
	PGODRIFT=$(cd "$BUILD" && pwd)/pgodrift SOURCE_DATE_EPOCH=$1 \
		sh contrib/drift-report.sh --out-dir "$work/report" "$work/services.tsv" >/dev/null 2>&1 || true
}
run 1762790400 fresh-same.pprof fresh-same.pprof unreachable.pprof
run 1763395200 fresh-even.pprof fresh-newpath.pprof unreachable.pprof
run 1764000000 fresh-flipped.pprof fresh-newpath.pprof fresh-same.pprof
mkdir -p "$dest"
"$BUILD/pgodrift" trend --format svg --output "$dest/trend.svg" "$work/report/history.jsonl"
cp "$work/report/drift-report.md" "$dest/drift-report-example.md"
