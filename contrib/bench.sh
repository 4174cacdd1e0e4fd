#!/bin/sh
# make bench: time and peak memory of pgodrift against the Go tools it
# mirrors, side by side in one table.
#
#   sh contrib/bench.sh build/pgodrift
#
# Rows: `pgodrift edges` vs `go tool preprofile` on every fixture profile and
# on the largest one; `pgodrift sites`/`check` on the largest fixture; and,
# when a Go 1.23 toolchain is available (GO=..., or the one
# ../shared/tools/go-toolchain.sh unpacked), the same jobs on a big real
# binary: Go's own cmd/compile (a PGO build) with a std-wide profile, both
# built once into build/bench/; the compiler rows also give the ratio to
# `go tool preprofile` on the same two profiles (issue #15), the last of
# them on issue #15's own case, two big compiler-build captures
# (contrib/capture-compile-builds.sh, about 16 minutes once); and the scaling
# rows on generated services of 20 to 150 MB when `make bench-gen` has built
# them (contrib/gen-big-program.sh). Each figure is the median of RUNS runs
# (default 5): wall seconds and peak RSS in MiB from /usr/bin/time.
set -eu
PGODRIFT=${1:-build/pgodrift}
RUNS=${RUNS:-5}
BUILD=${BUILD:-build}
BIN=$BUILD/testdata/bin
mkdir -p "$BUILD/bench"
OUT=$(cd "$BUILD/bench" && pwd)

if [ -z "${GO:-}" ]; then
	for g in "$HOME/.cache/go-1.23/usr/lib/go-1.23/bin/go"; do
		[ -x "$g" ] && GO=$g
	done
fi
GO=${GO:-}

# Median wall time (ns clock; /usr/bin/time's %e has only centiseconds) and
# median peak RSS (/usr/bin/time %M) over RUNS runs -> "secs MiB".
measure() {
	i=0
	: >"$OUT/samples"
	while [ $i -lt "$RUNS" ]; do
		t0=$(date +%s%N)
		rc=0
		/usr/bin/time -f '%M' -o "$OUT/t" "$@" >/dev/null 2>"$OUT/err" || rc=$?
		t1=$(date +%s%N)
		# check exits 1 on findings: only 2 and up are failures (OKMAX=2: a
		# refusal is the job, as for the gzip bomb).
		[ $rc -le "${OKMAX:-1}" ] || { echo "failed: $*" >&2; cat "$OUT/err" >&2; return 1; }
		echo "$(( (t1 - t0) / 1000 )) $(tail -n 1 "$OUT/t")" >>"$OUT/samples"
		i=$((i + 1))
	done
	mid=$(( (RUNS + 1) / 2 ))
	t=$(sort -n -k1,1 "$OUT/samples" | sed -n "${mid}p" | cut -d' ' -f1)
	m=$(sort -n -k2,2 "$OUT/samples" | sed -n "${mid}p" | cut -d' ' -f2)
	awk -v t="$t" -v m="$m" 'BEGIN { printf "%.3f %.1f", t / 1e6, m / 1024 }'
}

row() { # name pgodrift-cmd... -- go-cmd... (go part may be empty)
	name=$1; shift
	pg=""; gocmd=""; seen=0
	for a in "$@"; do
		if [ "$a" = "--" ]; then seen=1; continue; fi
		if [ $seen -eq 0 ]; then pg="$pg '$a'"; else gocmd="$gocmd '$a'"; fi
	done
	p=$(eval measure $pg)
	if [ -n "$gocmd" ]; then g=$(eval measure $gocmd); else g="- -"; fi
	set -- $p $g
	printf '%-44s %10s %10s   %10s %10s\n' "$name" "$1" "$2" "$3" "$4"
}

printf '%-44s %10s %10s   %10s %10s\n' "job (median of $RUNS)" "pgodrift s" "MiB" "go tool s" "MiB"
printf '%-44s %10s %10s   %10s %10s\n' "--------------------------------------------" "----------" "---" "---------" "---"

biggest=$(ls -S testdata/profiles/*.pprof | head -n 1)
for p in testdata/profiles/base.pprof "$biggest"; do
	if [ -n "$GO" ]; then
		row "edges $(basename "$p")" "$PGODRIFT" edges "$p" -- "$GO" tool preprofile -i "$p"
	else
		row "edges $(basename "$p")" "$PGODRIFT" edges "$p"
	fi
done
row "sites cachesvc.pgo base.pprof" "$PGODRIFT" sites --binary "$BIN/cachesvc.pgo" --format json testdata/profiles/base.pprof
row "check cachesvc.pgo base vs fresh-even" "$PGODRIFT" check --binary "$BIN/cachesvc.pgo" \
	--base testdata/profiles/base.pprof --fresh testdata/profiles/fresh-even.pprof --fail-on never
if [ -f "$BIN/stdwide.nopgo" ] && [ -f testdata/profiles/std-wide.pprof ]; then
	row "sites stdwide std-wide.pprof" "$PGODRIFT" sites --binary "$BIN/stdwide.nopgo" \
		--format json testdata/profiles/std-wide.pprof
fi

# Hostile and huge inputs (issue #13): a deeply inlined stack (quadratic
# before), a real PGO-inlined Go profile, a gzip bomb under two caps, and
# 5 million samples (generated once into build/bench/, not committed).
R=tests/fuzz/regress/profile
for p in $R/deep-inline.pprof $R/deep-go.pprof; do
	if [ -n "$GO" ]; then
		row "edges $(basename "$p")" "$PGODRIFT" edges "$p" -- "$GO" tool preprofile -i "$p"
	else
		row "edges $(basename "$p")" "$PGODRIFT" edges "$p"
	fi
done
[ -s "$OUT/bomb-4g.pprof" ] || head -c 4G /dev/zero | gzip -9 >"$OUT/bomb-4g.pprof"
OKMAX=2 row "edges 4 GiB gzip bomb, --max-decoded-size 64M" "$PGODRIFT" edges \
	--max-decoded-size 67108864 "$OUT/bomb-4g.pprof"
OKMAX=2 row "edges 4 GiB gzip bomb, default cap (2 GiB)" "$PGODRIFT" edges "$OUT/bomb-4g.pprof"
[ -s "$OUT/big-5m.pprof" ] || python3 contrib/make-big-profile.py "$OUT/big-5m.pprof" 5000000
# 5 M samples of ~13 frames pass the default 50 M max_elements: raise it.
if [ -n "$GO" ]; then
	row "edges 5 M samples" "$PGODRIFT" edges --max-elements 100000000 "$OUT/big-5m.pprof" \
		-- "$GO" tool preprofile -i "$OUT/big-5m.pprof"
else
	row "edges 5 M samples" "$PGODRIFT" edges --max-elements 100000000 "$OUT/big-5m.pprof"
fi

if [ -z "$GO" ]; then
	echo "(no Go 1.23 toolchain: set GO=/path/to/go for the go tool and cmd/compile rows)"
	exit 0
fi
# A big real binary and std-wide profiles: Go's own cmd/compile, a PGO build
# of its committed default.pgo (a merge of the compiler compiling std), and
# two fresh captures of the compiler compiling its two biggest packages.
GOROOT=$("$GO" env GOROOT)
if [ ! -x "$OUT/compile" ]; then
	(cd "$GOROOT/src" && GOTOOLCHAIN=local "$GO" build -o "$OUT/compile" cmd/compile)
fi
for pkg in ssa types2; do
	[ -s "$OUT/compile-$pkg.pprof" ] && continue
	tmp=$(mktemp -d)
	(cd "$GOROOT/src" && GOTOOLCHAIN=local GOCACHE=$tmp/cache "$GO" build -o /dev/null \
		-gcflags="cmd/compile/internal/$pkg=-cpuprofile=$OUT/compile-$pkg.pprof" \
		"cmd/compile/internal/$pkg") || true
	rm -rf "$tmp"
done
# Bigger captures, as Go's own cmd/compile/profile.sh makes default.pgo: the
# compiler compiling every package of std, then of cmd, one -cpuprofile per
# package, merged by go tool pprof (issue #15's case was two such
# compiler-build profiles; on a fast machine each holds a few thousand
# samples).
for set in std cmd; do
	[ -s "$OUT/compile-$set-all.pprof" ] && continue
	tmp=$(mktemp -d)
	for p in $(cd "$GOROOT/src" && GOTOOLCHAIN=local "$GO" list "$set"); do
		h=$(echo "$p" | md5sum | cut -c1-12)
		(cd "$GOROOT/src" && GOTOOLCHAIN=local GOCACHE=$tmp/cache GOFLAGS=-pgo=off "$GO" build -o /dev/null \
			-gcflags="-cpuprofile=$tmp/prof.$h" "$p") >/dev/null 2>&1 || true
	done
	"$GO" tool pprof -proto "$tmp"/prof.* >"$OUT/compile-$set-all.pprof" 2>/dev/null
	rm -rf "$tmp"
done
CP=$GOROOT/src/cmd/compile/default.pgo
row "edges cmd/compile default.pgo" "$PGODRIFT" edges "$CP" -- "$GO" tool preprofile -i "$CP"
row "sites cmd/compile default.pgo" "$PGODRIFT" sites --binary "$OUT/compile" --format json "$CP"
row "check cmd/compile default.pgo vs 2 captures" "$PGODRIFT" check --binary "$OUT/compile" \
	--base "$CP" --fresh "$OUT/compile-ssa.pprof" --fresh "$OUT/compile-types2.pprof" --fail-on never
# Issue #15's case, side by side: check on the compiler with the two captures
# as base and fresh, against `go tool preprofile` on the same two profiles
# (one after the other), then the same check on a -s -w build of it
# (Go's runtime tables only) and through DWARF (pgodrift < #15's path,
# kept as --debug-file: a debug file given by hand is read as DWARF).
[ -x "$OUT/compile.sw" ] || (cd "$GOROOT/src" && GOTOOLCHAIN=local "$GO" build -ldflags="-s -w" \
	-o "$OUT/compile.sw" cmd/compile)
cat >"$OUT/preprofile2.sh" <<EOS
#!/bin/sh
"$GO" tool preprofile -i "$OUT/compile-ssa.pprof" -o /dev/null &&
"$GO" tool preprofile -i "$OUT/compile-types2.pprof" -o /dev/null
EOS
chmod +x "$OUT/preprofile2.sh"
ratio_row() { # name pgodrift-cmd... (against ${PRE:-preprofile2.sh})
	name=$1; shift
	p=$(measure "$@")
	g=$(measure "$OUT/${PRE:-preprofile2.sh}")
	set -- $p $g
	printf '%-44s %10s %10s   %10s %10s   x%.2f time, x%.2f RSS\n' "$name" "$1" "$2" "$3" "$4" \
		"$(awk -v a="$1" -v b="$3" 'BEGIN { print a / b }')" "$(awk -v a="$2" -v b="$4" 'BEGIN { print a / b }')"
}
ratio_row "check compiler: ssa vs types2 capture" "$PGODRIFT" check --binary "$OUT/compile" \
	--base "$OUT/compile-ssa.pprof" --fresh "$OUT/compile-types2.pprof" --fail-on never
ratio_row "  the same, -s -w build" "$PGODRIFT" check --binary "$OUT/compile.sw" \
	--base "$OUT/compile-ssa.pprof" --fresh "$OUT/compile-types2.pprof" --fail-on never
ratio_row "  the same, through DWARF (--debug-file)" "$PGODRIFT" check --binary "$OUT/compile" \
	--debug-file "$OUT/compile" --base "$OUT/compile-ssa.pprof" --fresh "$OUT/compile-types2.pprof" \
	--fail-on never
cat >"$OUT/preprofile-all.sh" <<EOS
#!/bin/sh
"$GO" tool preprofile -i "$OUT/compile-std-all.pprof" -o /dev/null &&
"$GO" tool preprofile -i "$OUT/compile-cmd-all.pprof" -o /dev/null
EOS
chmod +x "$OUT/preprofile-all.sh"
PRE=preprofile-all.sh ratio_row "check compiler: std vs cmd builds (merged)" "$PGODRIFT" check \
	--binary "$OUT/compile" --base "$OUT/compile-std-all.pprof" --fresh "$OUT/compile-cmd-all.pprof" \
	--fail-on never
# Issue #15's own case: two big compiler-build profiles (it measured 17 k
# and 66 k samples). A fast machine samples less per build, so these merge
# whole std+cmd builds for several targets (contrib/capture-compile-builds.sh,
# about 2 minutes a target here): 2 targets as base, 6 others as fresh.
[ -s "$OUT/compile-big-A.pprof" ] ||
	sh contrib/capture-compile-builds.sh "$GO" "$OUT/compile-big-A.pprof" linux/amd64 linux/arm64
[ -s "$OUT/compile-big-B.pprof" ] ||
	sh contrib/capture-compile-builds.sh "$GO" "$OUT/compile-big-B.pprof" windows/amd64 darwin/arm64 \
		linux/riscv64 freebsd/amd64 linux/ppc64le linux/s390x
cat >"$OUT/preprofile-big.sh" <<EOS
#!/bin/sh
"$GO" tool preprofile -i "$OUT/compile-big-A.pprof" -o /dev/null &&
"$GO" tool preprofile -i "$OUT/compile-big-B.pprof" -o /dev/null
EOS
chmod +x "$OUT/preprofile-big.sh"
st=$("$BUILD/bench-stats" --profiles "$OUT/compile-big-A.pprof")
sa=${st#samples=}; sa=${sa%% *}
st=$("$BUILD/bench-stats" --profiles "$OUT/compile-big-B.pprof")
sb=${st#samples=}; sb=${sb%% *}
PRE=preprofile-big.sh ratio_row "check compiler: $sa vs $sb smp builds" "$PGODRIFT" check \
	--binary "$OUT/compile" --base "$OUT/compile-big-A.pprof" --fresh "$OUT/compile-big-B.pprof" \
	--fail-on never
PRE=preprofile-big.sh ratio_row "  the same, -s -w build" "$PGODRIFT" check \
	--binary "$OUT/compile.sw" --base "$OUT/compile-big-A.pprof" --fresh "$OUT/compile-big-B.pprof" \
	--fail-on never
# Scaling (issue #15): the generated services of contrib/gen-big-program.sh
# (make bench-gen builds them once into build/bench/gen-SIZE/; these rows run
# only when they are there). check on the PGO build with workload A's
# profile as base and B's (captured from that build) as fresh, against
# `go tool preprofile` on the same two profiles; the label gives the binary's
# size, the samples of both profiles and the distinct functions they name.
# The cost should follow the samples and functions, not the megabytes.
gen_row() { # dir fresh-profile [label suffix [check option]]
	d=$1; fresh=$2; sfx=${3:-}; opt=${4:---fail-on=never}
	cat >"$d/preprofile2.sh" <<EOS
#!/bin/sh
"$GO" tool preprofile -i "$d/A.pprof" -o /dev/null &&
"$GO" tool preprofile -i "$fresh" -o /dev/null
EOS
	chmod +x "$d/preprofile2.sh"
	mb=$(($(wc -c <"$d/svc.pgoA") / 1000000))
	st=$("$BUILD/bench-stats" --profiles "$d/A.pprof" "$fresh")
	smp=${st#samples=}; smp=${smp%% *}; fn=${st##*functions=}
	p=$(measure "$PGODRIFT" check --binary "$d/svc.pgoA" --base "$d/A.pprof" --fresh "$fresh" --fail-on never "$opt")
	g=$(measure "$d/preprofile2.sh")
	set -- $p $g
	printf '%-44s %10s %10s   %10s %10s   x%.2f time, x%.2f RSS\n' \
		"check ${mb} MB svc: $smp smp, $fn fn$sfx" "$1" "$2" "$3" "$4" \
		"$(awk -v a="$1" -v b="$3" 'BEGIN { print a / b }')" "$(awk -v a="$2" -v b="$4" 'BEGIN { print a / b }')"
}
for size in 20 60 150; do
	if [ -f "$OUT/gen-$size/done" ]; then gen_row "$OUT/gen-$size" "$OUT/gen-$size/B.pprof"; fi
done
# One input at a time on the largest: 4x the functions named, 4x the samples.
if [ -s "$OUT/gen-150/B-wide.pprof" ]; then gen_row "$OUT/gen-150" "$OUT/gen-150/B-wide.pprof" ", B-wide"; fi
if [ -s "$OUT/gen-150/B-long.pprof" ]; then gen_row "$OUT/gen-150" "$OUT/gen-150/B-long.pprof" ", B-long"; fi
# Without the inlining drift (issue #17).
if [ -f "$OUT/gen-150/done" ]; then
	gen_row "$OUT/gen-150" "$OUT/gen-150/B.pprof" ", no inl" --no-inlining
fi
[ -f "$OUT/gen-20/done" ] || echo "(no generated services: make bench-gen builds them for the scaling rows)"

echo
echo "what the sites stage loaded (bench-stats):"
printf '  %-36s %s\n' "cachesvc.pgo base.pprof" "$("$BUILD/bench-stats" "$BIN/cachesvc.pgo" testdata/profiles/base.pprof)"
[ -f "$BIN/stdwide.nopgo" ] && printf '  %-36s %s\n' "stdwide std-wide.pprof" \
	"$("$BUILD/bench-stats" "$BIN/stdwide.nopgo" testdata/profiles/std-wide.pprof)"
printf '  %-36s %s\n' "cmd/compile default.pgo" "$("$BUILD/bench-stats" "$OUT/compile" "$CP")"
for size in 20 60 150; do
	d=$OUT/gen-$size
	if [ -f "$d/done" ]; then
		printf '  %-36s %s\n' "gen-$size svc.pgoA A+B" \
			"$("$BUILD/bench-stats" "$d/svc.pgoA" "$d/A.pprof" "$d/B.pprof")"
	fi
done
