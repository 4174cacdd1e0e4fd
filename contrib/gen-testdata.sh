#!/usr/bin/env bash
# gen-testdata.sh: regenerate pgodrift's real test fixtures under testdata/.
#
# Usage (from any directory):
#   contrib/gen-testdata.sh
#   GO=/path/to/go1.23/bin/go GO121=/path/to/go1.21/bin/go GO119=/usr/bin/go \
#       contrib/gen-testdata.sh
#   STAGE=core contrib/gen-testdata.sh   # only cachesvc nopgo/pgo + base,
#                                        # fresh-same, fresh-even + goldens
#
#   GO     Go >= 1.23 toolchain (PGO, go tool preprofile, -d=pgodebug=3).
#          Default: output of ../shared/tools/go-toolchain.sh (relative to
#          the repository root).
#   GO121  Go 1.21 toolchain for the toolchain-skew fixtures (go121.pprof,
#          bin/cachesvc.go121.pgo). Default: $HOME/.cache/go-1.21/...; the
#          fixtures are skipped with a message when it is absent.
#   GO119  Go 1.19 toolchain (profiles without Function.start_line,
#          go119.pprof). Default: /usr/bin/go if it is go1.19; else skipped.
#   KEEP_PROFILES=1  reuse profiles/*.pprof that already exist instead of
#          capturing them again (keeps committed profiles stable while
#          regenerating binaries and goldens; default 0: capture everything).
#   CLEAN_CPU  CPU seconds spent per "clean" capture (default 126). The
#          kernel samples at most CONFIG_HZ (250 here) times per CPU-second
#          whatever -rate says, so 126 CPU-s gives ~31 000 samples.
#
# Run time: about 12 minutes on an idle 2-CPU machine (16 when shared with
# other work), ~2 minutes with KEEP_PROFILES=1; dominated by the CPU
# captures (the clean ones need ~2 CPU-minutes each to reach 30 000
# samples; see CLEAN_CPU). Captures run two at a time. Durations are CPU
# budgets (cachesvc -cpu-seconds), so sample counts do not depend on how
# busy the machine is, only the wall time does.
#
# The script is idempotent: it rewrites testdata/{bin,profiles,bad,golden/
# {preprofile,pgodebug,buildinfo}}, testdata/repo/*.pgo|pprof,
# testdata/MANIFEST; it never touches testdata/golden/cli or testdata/src
# (apart from a temporary testdata/src/cachesvc/default.pgo for the -pgo=auto
# build, removed on exit). Binaries are built in place from testdata/src, so
# their DWARF carries absolute paths under this checkout.
set -euo pipefail

ROOT=${PGODRIFT_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
TD=$ROOT/testdata
SRC=$TD/src
STAGE=${STAGE:-all}
KEEP_PROFILES=${KEEP_PROFILES:-0}
CLEAN_CPU=${CLEAN_CPU:-126}
HALF_CPU=$((CLEAN_CPU / 2))
RATE=1000

GO=${GO:-$("$ROOT/../shared/tools/go-toolchain.sh")}
GO121=${GO121-$HOME/.cache/go-1.21/usr/lib/go-1.21/bin/go}
GO119=${GO119-/usr/bin/go}

export GOTOOLCHAIN=local GOPROXY=off GOFLAGS= GOWORK=off GO111MODULE=on \
       GOOS=linux GOARCH=amd64 GOAMD64=v1 CGO_ENABLED=0 GOEXPERIMENT=
unset GOROOT GOPATH_OVERRIDE 2>/dev/null || true

T0=$(date +%s)
W=$(mktemp -d "${TMPDIR:-/tmp}/pgodrift-gen.XXXXXX")
cleanup() {
    rm -f "$SRC/cachesvc/default.pgo"
    rm -rf "$W"
}
trap cleanup EXIT
mkdir -p "$W/bin" "$W/log"

# reg FILE...: record a generated file (relative to testdata/) for MANIFEST.
reg() { local f; for f in "$@"; do echo "${f#"$TD"/}" >>"$W/generated"; done; }
log() { printf '[%4ds] %s\n' $(( $(date +%s) - T0 )) "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

"$GO" version | grep -Eq 'go1\.(2[3-9]|[3-9][0-9])' || die "GO=$GO is not Go >= 1.23"
have121=0; have119=0
if [ -n "$GO121" ] && [ -x "$GO121" ] && "$GO121" version | grep -q 'go1\.21'; then have121=1; else log "Go 1.21 not found (GO121=$GO121): skipping go121 fixtures"; fi
if [ -n "$GO119" ] && [ -x "$GO119" ] && "$GO119" version | grep -q 'go1\.19'; then have119=1; else log "Go 1.19 not found (GO119=$GO119): skipping go119 fixtures"; fi
log "GO=$GO ($("$GO" version))"

# Only files this script generates are replaced (others, e.g. testdata/
# golden/cli; the .zdebug variant is derived by `make fixtures` (contrib/make-zdebug-fixture.sh),
# live in the same directories and are left alone).
if [ "$STAGE" = all ] && [ "$KEEP_PROFILES" != 1 ]; then
    rm -f "$TD"/profiles/*.pprof "$TD"/profiles/*.preprofile
fi
mkdir -p "$TD/bin" "$TD/profiles" "$TD/bad" "$TD/golden/preprofile" \
         "$TD/golden/pgodebug" "$TD/golden/buildinfo"
P=$TD/profiles

# ---------------------------------------------------------------- helpers

# gobuild GOBIN OUT ARGS...: build from testdata/src (module root).
gobuild() {
    local gobin=$1 out=$2; shift 2
    (cd "$SRC" && "$gobin" build -buildvcs=false -o "$out" "$@") \
        >"$W/log/build.$(basename "$out").log" 2>&1 \
        || { cat "$W/log/build.$(basename "$out").log" >&2; die "build of $out failed"; }
}

# pgodebug NAME GOBIN ARGS... PKG: same build with -d=pgodebug=3 on the fixture
# packages; keep the JSON call-site records of package main / fixtures.
# (cmd/go replays cached compiler output, so -a is not needed.)
pgodebug() {
    local name=$1 gobin=$2; shift 2
    local pkg=${*: -1}                  # last argument: the package
    set -- "${@:1:$#-1}"
    (cd "$SRC" && "$gobin" build -buildvcs=false -o /dev/null "$@" \
        -gcflags="example.com/pgodrift/fixtures/...=-d=pgodebug=3 ${PGODEBUG_EXTRA:-}" "$pkg") \
        >"$W/log/pgodebug.$name.log" 2>&1 \
        || { cat "$W/log/pgodebug.$name.log" >&2; die "pgodebug build $name failed"; }
    grep '^{' "$W/log/pgodebug.$name.log" \
        | grep -E '"Pkg":"(main|example\.com/pgodrift/fixtures[^"]*)"' \
        >"$TD/golden/pgodebug/$name.jsonl" || true
    reg "golden/pgodebug/$name.jsonl"
    [ -s "$TD/golden/pgodebug/$name.jsonl" ] || log "WARNING: no pgodebug JSON records for $name"
}

# install_bin NAME: stage $W/bin/NAME for testdata/bin/binaries.tar.xz (see
# pack_bins), record go version -m.
install_bin() {
    local name=$1
    mkdir -p "$W/pack"
    cp "$W/bin/$name" "$W/pack/$name"
    (cd "$W/bin" && "$GO" version -m "$name") >"$TD/golden/buildinfo/$name.txt"
    reg "golden/buildinfo/$name.txt"
}

# pack_bins: the staged binaries as a few solid, reproducible xz archives of
# related builds. The cachesvc variants share most of their bytes, which
# per-file gzip could not exploit (24.8 MB as .gz files; 16.5 MB as these
# groups, each under 4 MB so that regenerating one build churns one file).
# `make fixtures` unpacks them into $BUILD/testdata/bin.
pack_group() {
    case $1 in
    cachesvc.nopgo|cachesvc.pgo|cachesvc.auto|cachesvc.nodwarf) echo cachesvc-core ;;
    cachesvc.renamed.pgo|cachesvc.shifted.pgo) echo cachesvc-refactor ;;
    cachesvc.trimpath.pgo|cachesvc.gcflags-l.pgo|cachesvc.race.pgo) echo cachesvc-flags ;;
    cachesvc.arm64.pgo|cachesvc.go121.pgo) echo cachesvc-cross ;;
    bloatsvc.*) echo bloatsvc ;;
    *) echo "${1%%.*}" ;;
    esac
}

pack_bins() {
    [ -d "$W/pack" ] || return 0
    rm -f "$TD"/bin/*.gz "$TD"/bin/*.tar.xz
    local f g
    for f in "$W"/pack/*; do
        g=$(pack_group "$(basename "$f")")
        mkdir -p "$W/groups/$g"
        mv "$f" "$W/groups/$g/"
    done
    for g in "$W"/groups/*; do
        tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$g" -cf - . \
            | xz -9e -T1 >"$TD/bin/$(basename "$g").tar.xz"
        reg "bin/$(basename "$g").tar.xz"
    done
}

# capture NAME BIN ARGS...: CPU profile into profiles/NAME.pprof.
capture() {
    local name=$1 bin=$2; shift 2
    reg "profiles/$name.pprof"
    if [ "$KEEP_PROFILES" = 1 ] && [ -s "$P/$name.pprof" ]; then
        log "keeping existing $name.pprof: $(samples "$P/$name.pprof") samples"
        return 0
    fi
    "$bin" -rate "$RATE" -cpuprofile "$P/$name.pprof" "$@" \
        >"$W/log/capture.$name.log" 2>&1 \
        || { cat "$W/log/capture.$name.log" >&2; die "capture $name failed"; }
    log "captured $name: $(samples "$P/$name.pprof") samples"
}

# run_par CMD1 -- CMD2 ...: run the given commands (strings) 2 at a time.
run_par() {
    local pids=() cmd
    for cmd in "$@"; do
        if [ "${#pids[@]}" -ge 2 ]; then
            wait "${pids[0]}" || die "parallel job failed"
            pids=("${pids[@]:1}")
        fi
        bash -c "set -euo pipefail; $(declare -f reg log die samples capture); $(declare -p T0 W P TD RATE GO KEEP_PROFILES); $cmd" &
        pids+=($!)
    done
    for p in "${pids[@]}"; do wait "$p" || die "parallel job failed"; done
}

# samples FILE: sum of the first sample type (samples/count for CPU).
samples() {
    "$GO" tool pprof -raw "$1" 2>/dev/null | awk '
        /^Samples:/ { s = 1; getline; next }
        s && /^Locations/ { s = 0 }
        s && /^ +[0-9]+ / { n += $1 }
        END { print n + 0 }'
}

# preprofile NAME FILE: golden/preprofile/NAME.preprofile or NAME.err.
preprofile() {
    local name=$1 f=$2 rc=0
    rm -f "$TD/golden/preprofile/$name.preprofile" "$TD/golden/preprofile/$name.err"
    (cd "$TD" && "$GO" tool preprofile -i "$f" -o "$W/pp.$name") 2>"$W/pp.$name.err" || rc=$?
    if [ "$rc" = 0 ]; then
        mv "$W/pp.$name" "$TD/golden/preprofile/$name.preprofile"
        reg "golden/preprofile/$name.preprofile"
    else
        { cat "$W/pp.$name.err"; echo "exit status $rc"; } >"$TD/golden/preprofile/$name.err"
        reg "golden/preprofile/$name.err"
        log "preprofile rejects $f (exit $rc)"
    fi
}

CS=./cachesvc
B=$W/bin

# ------------------------------------------------------------ core stage
log "building cachesvc.nopgo"
gobuild "$GO" "$B/cachesvc.nopgo" -pgo=off $CS
install_bin cachesvc.nopgo

log "capturing base, fresh-same, fresh-even (${CLEAN_CPU} CPU-s each)"
run_par \
    "capture base       $B/cachesvc.nopgo -mix 95,3,2  -seed 1 -cpu-seconds $CLEAN_CPU -duration 600s" \
    "capture fresh-same $B/cachesvc.nopgo -mix 95,3,2  -seed 2 -cpu-seconds $CLEAN_CPU -duration 600s" \
    "capture fresh-even $B/cachesvc.nopgo -mix 35,33,32 -seed 3 -cpu-seconds $CLEAN_CPU -duration 600s"
(cd "$TD" && "$GO" tool preprofile -i profiles/base.pprof -o profiles/base.preprofile)
reg profiles/base.preprofile

log "building cachesvc.pgo"
gobuild "$GO" "$B/cachesvc.pgo" -pgo="$P/base.pprof" $CS
pgodebug cachesvc.pgo "$GO" -pgo="$P/base.pprof" $CS
install_bin cachesvc.pgo

CORE_PROFILES="base fresh-same fresh-even"
for n in $CORE_PROFILES; do preprofile "$n" "profiles/$n.pprof"; done

if [ "$STAGE" != all ]; then
    ALL_PROFILES=$CORE_PROFILES
else
# ------------------------------------------------------------- the rest
log "building cachesvc variants"
cp "$P/base.pprof" "$SRC/cachesvc/default.pgo"
gobuild "$GO" "$B/cachesvc.auto" $CS                      # -pgo=auto
pgodebug cachesvc.auto "$GO" $CS
rm -f "$SRC/cachesvc/default.pgo"
gobuild "$GO" "$B/cachesvc.renamed.pgo" -tags renamed -pgo="$P/base.pprof" $CS
pgodebug cachesvc.renamed.pgo "$GO" -tags renamed -pgo="$P/base.pprof" $CS
gobuild "$GO" "$B/cachesvc.shifted.pgo" -tags shifted -pgo="$P/base.pprof" $CS
pgodebug cachesvc.shifted.pgo "$GO" -tags shifted -pgo="$P/base.pprof" $CS
CGO_ENABLED=1 gobuild "$GO" "$B/cachesvc.race.pgo" -race -pgo="$P/base.pprof" $CS
CGO_ENABLED=1 pgodebug cachesvc.race.pgo "$GO" -race -pgo="$P/base.pprof" $CS
gobuild "$GO" "$B/cachesvc.trimpath.pgo" -trimpath -pgo="$P/base.pprof" $CS
pgodebug cachesvc.trimpath.pgo "$GO" -trimpath -pgo="$P/base.pprof" $CS
GOARCH=arm64 gobuild "$GO" "$B/cachesvc.arm64.pgo" -pgo="$P/base.pprof" $CS
GOARCH=arm64 pgodebug cachesvc.arm64.pgo "$GO" -pgo="$P/base.pprof" $CS
gobuild "$GO" "$B/cachesvc.nodwarf" -pgo=off -ldflags=-w $CS
gobuild "$GO" "$B/cachesvc.gcflags-l.pgo" -gcflags=all=-l -pgo="$P/base.pprof" $CS
PGODEBUG_EXTRA=-l pgodebug cachesvc.gcflags-l.pgo "$GO" -gcflags=all=-l -pgo="$P/base.pprof" $CS
gobuild "$GO" "$B/bloatsvc.nopgo" -pgo=off ./bloatsvc
gobuild "$GO" "$B/stdwide.nopgo" -pgo=off ./stdwide
(cd "$SRC" && "$GO" test -c -pgo=off -buildvcs=false -o "$B/benchsvc.test" ./benchsvc) >"$W/log/build.benchsvc.log" 2>&1
if [ $have121 = 1 ]; then
    gobuild "$GO121" "$B/cachesvc.go121.nopgo" -pgo=off $CS
    # toolchain-skew needs a profile heavy in the standard library: stdwide
    # built and captured under Go 1.21, judged against the Go 1.23 stdwide.
    gobuild "$GO121" "$B/stdwide.go121.nopgo" -pgo=off ./stdwide
fi
if [ $have119 = 1 ]; then gobuild "$GO119" "$B/cachesvc.go119" $CS; fi

log "capturing the rest"
C="-cpu-seconds $CLEAN_CPU -duration 600s"
H="-cpu-seconds $HALF_CPU -duration 600s"
jobs=(
    "capture fresh-flipped $B/cachesvc.nopgo -mix 10,85,5 -seed 4 $C"
    "capture fresh-newpath $B/cachesvc.nopgo -mix 95,3,2 -seed 5 -new-path $C"
    "capture fresh-renamed $B/cachesvc.renamed.pgo -mix 95,3,2 -seed 6 $C"
    "capture fresh-even-a $B/cachesvc.nopgo -mix 35,33,32 -seed 7 $H"
    "capture fresh-even-b $B/cachesvc.nopgo -mix 35,33,32 -seed 8 $H"
    "capture fresh-short $B/cachesvc.nopgo -mix 35,33,32 -seed 9 -duration 100ms"
    "capture startup $B/cachesvc.nopgo -mix 95,3,2 -heavy-init -profile-from-start -duration 300ms"
    "capture bloat $B/bloatsvc.nopgo -cpu-seconds 40 -duration 600s"
    "capture std-wide $B/stdwide.nopgo -cpu-seconds 40 -duration 600s"
    "[ \"\$KEEP_PROFILES\" = 1 ] && [ -s $P/heap.pprof ] || $B/cachesvc.nopgo -duration 1s -heapprofile $P/heap.pprof >$W/log/capture.heap.log 2>&1"
    "[ \"\$KEEP_PROFILES\" = 1 ] && [ -s $P/bench.pprof ] || { cd $SRC/benchsvc && $B/benchsvc.test -test.run '^\$' -test.bench . -test.benchtime 10s -test.cpuprofile $P/bench.pprof >$W/log/capture.bench.log 2>&1; }"
)
[ $have121 = 1 ] && jobs+=("capture go121 $B/cachesvc.go121.nopgo -mix 95,3,2 -seed 10 -cpu-seconds 40 -duration 600s"
                          "capture std-wide-go121 $B/stdwide.go121.nopgo -cpu-seconds 40 -duration 600s")
[ $have119 = 1 ] && jobs+=("capture go119 $B/cachesvc.go119 -mix 95,3,2 -seed 11 -cpu-seconds 40 -duration 600s")
run_par "${jobs[@]}"
reg profiles/heap.pprof profiles/bench.pprof
log "bench.pprof: $(samples "$P/bench.pprof") samples; heap.pprof: $(samples "$P/heap.pprof") (alloc_objects)"

log "building profile-dependent binaries"
gobuild "$GO" "$B/bloatsvc.pgo" -pgo="$P/bloat.pprof" ./bloatsvc
pgodebug bloatsvc.pgo "$GO" -pgo="$P/bloat.pprof" ./bloatsvc
if [ $have121 = 1 ]; then
    gobuild "$GO121" "$B/cachesvc.go121.pgo" -pgo="$P/go121.pprof" $CS
    pgodebug cachesvc.go121.pgo "$GO121" -pgo="$P/go121.pprof" $CS
fi

for n in cachesvc.auto cachesvc.renamed.pgo cachesvc.shifted.pgo cachesvc.race.pgo \
         cachesvc.trimpath.pgo cachesvc.arm64.pgo cachesvc.nodwarf cachesvc.gcflags-l.pgo \
         bloatsvc.nopgo bloatsvc.pgo stdwide.nopgo; do
    install_bin "$n"
done
[ $have121 = 1 ] && install_bin cachesvc.go121.pgo

# ---------------------------------------------------------- bad inputs
log "bad inputs"
: >"$TD/bad/empty.pprof"
cat >"$TD/bad/html.pprof" <<'EOF'
<html>
<head><title>502 Bad Gateway</title></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
<hr><center>nginx/1.22.1</center>
</body>
</html>
EOF
sz=$(stat -c %s "$P/base.pprof")
head -c $((sz / 2)) "$P/base.pprof" >"$TD/bad/truncated.pprof"
head -c 4096 "$B/cachesvc.nopgo" >"$TD/bad/notpprof.pprof"
head -c 65536 "$B/cachesvc.nopgo" >"$TD/bad/truncated.elf"
cat >"$TD/bad/notelf.bin" <<'EOF'
This is not an ELF file. It is a plain text file that a user might pass by
mistake where pgodrift expects a Go binary (e.g. a README or a config file).
EOF
reg bad/empty.pprof bad/html.pprof bad/truncated.pprof bad/notpprof.pprof \
    bad/truncated.elf bad/notelf.bin

# ----------------------------------------------------------- testdata/repo
mkdir -p "$TD/repo/cmd/api" "$TD/repo/internal/store" "$TD/repo/profiles"
cp "$P/fresh-short.pprof" "$TD/repo/cmd/api/default.pgo"
cp "$P/fresh-short.pprof" "$TD/repo/internal/store/default.pgo"
cp "$P/fresh-short.pprof" "$TD/repo/profiles/cpu.pgo"
cp "$P/fresh-short.pprof" "$TD/repo/cpu.pprof"
reg repo/cmd/api/default.pgo repo/internal/store/default.pgo repo/profiles/cpu.pgo repo/cpu.pprof

# What a refresh from a fresh capture would guard, in the compiler's own words
# (check mirrors findHotConcreteCallee: runtime.asyncPreempt, without IR, can
# win a line and suppress the rewrite).
pgodebug cachesvc.refresh-even "$GO" -pgo="$P/fresh-even.pprof" $CS
pgodebug cachesvc.refresh-flipped "$GO" -pgo="$P/fresh-flipped.pprof" $CS

ALL_PROFILES="base fresh-same fresh-even fresh-flipped fresh-short fresh-even-a fresh-even-b
    fresh-newpath fresh-renamed startup bench bloat heap std-wide"
[ $have121 = 1 ] && ALL_PROFILES="$ALL_PROFILES go121 std-wide-go121"
[ $have119 = 1 ] && ALL_PROFILES="$ALL_PROFILES go119"
for n in $ALL_PROFILES; do
    case " $CORE_PROFILES " in *" $n "*) continue;; esac
    preprofile "$n" "profiles/$n.pprof"
done
for f in empty html truncated notpprof; do preprofile "bad-$f" "bad/$f.pprof"; done
fi # STAGE

# ------------------------------------------------------------------ verify
log "verifying"
fail=0
if [ "$STAGE" = all ]; then
    want="bad-html bad-notpprof bad-truncated heap"
    [ $have119 = 1 ] && want="bad-html bad-notpprof bad-truncated go119 heap"
    got=$(cd "$TD/golden/preprofile" && ls -- *.err 2>/dev/null | sed 's/\.err$//' | LC_ALL=C sort | xargs)
    [ "$got" = "$want" ] || { log "FAIL: preprofile rejected [$got], expected [$want]"; fail=1; }
fi
grep -q '"Pos":"[^"]*/cachesvc/serve.go:16:17","Caller":"main.serve","Direct":false,"Interface":true,.*"Devirtualized":"main.(\*RedisCache).Get"' \
    "$TD/golden/pgodebug/cachesvc.pgo.jsonl" \
    || { log "FAIL: serve Get site not devirtualized to (*RedisCache).Get"; fail=1; }
"$GO" tool objdump -s '^main.serve$' "$B/cachesvc.pgo" >"$W/serve.pgo.s"
"$GO" tool objdump -s '^main.serve$' "$B/cachesvc.nopgo" >"$W/serve.nopgo.s"
guard=$(grep 'LEAQ go:itab.\*main.RedisCache,main.Cache(SB)' "$W/serve.pgo.s" || true)
[ -n "$guard" ] && log "guard in cachesvc.pgo main.serve: $(echo "$guard" | awk '{$3=""; print}' | tr -s ' \t' ' ')" \
    || { log "FAIL: no RedisCache itab guard in cachesvc.pgo main.serve"; fail=1; }
! grep -q 'itab' "$W/serve.nopgo.s" || { log "FAIL: itab reference in cachesvc.nopgo main.serve"; fail=1; }
[ $fail = 0 ] || die "verification failed"

# -------------------------------------------------------------- manifest
pack_bins

# MANIFEST lists what this run generated (STAGE=core: only the core files).
(cd "$TD" && LC_ALL=C sort -u "$W/generated" | xargs sha256sum) >"$TD/MANIFEST"

# --------------------------------------------------------------- summary
log "summary"
{
    printf '%-40s %10s %10s\n' FILE BYTES SAMPLES
    for f in $(LC_ALL=C sort -u "$W/generated" | grep -v '^golden/'); do
        s=-
        case $f in profiles/*.pprof) s=$(samples "$TD/$f");; esac
        printf '%-40s %10s %10s\n' "$f" "$(stat -c %s "$TD/$f")" "$s"
    done
    printf '%-40s %10s\n' "generated total" "$(cd "$TD" && sort -u "$W/generated" | xargs cat | wc -c)"
    printf '%-40s %10s\n' "testdata total (du -sb, incl. src)" "$(du -sb "$TD" | cut -f1)"
    printf 'elapsed: %ss\n' $(( $(date +%s) - T0 ))
} | tee "$W/summary.txt"
