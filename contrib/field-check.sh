#!/usr/bin/env bash
# field-check.sh: the real-program precision harness (issue 10, "A real-program
# corpus"). Builds programs that ship with the Go distribution (gofmt,
# cmd/link, cmd/compile), captures two different workloads of each from a
# non-PGO build, rebuilds each with PGO from each workload and without PGO,
# always with -gcflags=all=-d=pgodebug=3 so the compiler's own per-call JSON
# records (cmd/compile/internal/devirtualize/pgo.go, CallStat) are the oracle,
# then judges pgodrift against that oracle (contrib/field-metrics.go).
#
# Usage: contrib/field-check.sh [stage...]
#   stages: data, metrics (default: both), flagcheck (rebuild gofmt's pgoA
#   without -d=pgodebug=3 and compare its sections with the analysed one)
#
# Environment:
#   GO          go command (default: Go 1.26 from /work/shared/tools/go-toolchain.sh
#               when present, else `go` on PATH)
#   FIELD_DIR   cache of everything (default $HOME/.cache/pgodrift-field); one
#               subdirectory per Go version; what exists is not redone
#   PROGRAMS    programs to do (default "gofmt compile link"; link's workloads
#               link the compiler, so it comes after compile)
#   GOFMT_REPS, LINK_REPS  repetitions of each gofmt / link workload (3, 30)
#   PGODRIFT    pgodrift binary to judge (default build/pgodrift of this checkout)
#   FIELD_TAG   name of the results directory (default: "current")
#   SKIP_B      1: do not build the PGO-from-workload-B variants
#
# Layout (per Go version V, program P):
#   $FIELD_DIR/V/P/A.pprof B.pprof      workload captures (non-PGO build)
#   $FIELD_DIR/V/P/{nopgo,pgoA,pgoB}    binaries, built with the same flags
#   $FIELD_DIR/V/P/{...}.log            the whole go build output
#   $FIELD_DIR/V/P/{...}.jsonl          the CallStat records of that build
#   $FIELD_DIR/V/results-TAG/           pgodrift outputs and metrics (TSV, JSON)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")

log() { printf 'field: %s\n' "$*" >&2; }
die() { printf 'field: error: %s\n' "$*" >&2; exit 2; }

if [[ -z "${GO:-}" ]]; then
	if [[ -x /work/shared/tools/go-toolchain.sh ]]; then
		GO=$(GO_DEBIAN_VERSION=1.26 /work/shared/tools/go-toolchain.sh)
	else
		GO=$(command -v go) || die "no Go toolchain: set GO"
	fi
fi
FIELD_DIR=${FIELD_DIR:-$HOME/.cache/pgodrift-field}
PROGRAMS=${PROGRAMS:-gofmt compile link}
PGODRIFT=${PGODRIFT:-$repo/build/pgodrift}
FIELD_TAG=${FIELD_TAG:-current}
SKIP_B=${SKIP_B:-0}

export GOTOOLCHAIN=local GOFLAGS=-buildvcs=false CGO_ENABLED=0 GOAMD64=v1
GOROOT=$("$GO" env GOROOT)
export GOROOT
gover=$("$GO" env GOVERSION)
root=$FIELD_DIR/$gover
mkdir -p "$root"
NICE=(nice -n 10)
# The flags of every analysed build. pgodebug=3 only prints (CallStat is
# built for logging, pgo.go: "This is used only for debug logging").
DEBUG_GCFLAGS='all=-d=pgodebug=3'

gobuild() { # out pgo pkg: build pkg with -pgo=pgo into out, log beside it
	local out=$1 pgo=$2 pkg=$3
	[[ -s $out && -e $out.jsonl ]] && return 0
	log "$gover: go build -pgo=${pgo##*/} $pkg -> ${out#"$FIELD_DIR"/}"
	# The go command replays cached compiler output, so a cached build still
	# logs every package; -a would only cost CPU.
	if ! "${NICE[@]}" "$GO" build -pgo="$pgo" -gcflags="$DEBUG_GCFLAGS" \
		-o "$out.tmp" "$pkg" >"$out.log" 2>&1; then
		tail -20 "$out.log" >&2
		die "build of $pkg failed (log: $out.log)"
	fi
	grep '^{' "$out.log" >"$out.jsonl.tmp" || true
	mv "$out.jsonl.tmp" "$out.jsonl"
	mv "$out.tmp" "$out"
}

merge_profiles() { # out in...: merged pprof; largest first (an empty first input loses start_line)
	local out=$1
	shift
	local sorted
	mapfile -t sorted < <(ls -S "$@")
	if [[ ${#sorted[@]} -eq 1 ]]; then
		cp "${sorted[0]}" "$out.tmp"
	else
		"$GO" tool pprof -proto "${sorted[@]}" >"$out.tmp" 2>/dev/null
	fi
	mv "$out.tmp" "$out"
}

samples() { # pprof: sample count
	"$GO" tool pprof -raw "$1" 2>/dev/null | awk '/^Samples:/{s=1;next} s&&/^ *[0-9]+ +[0-9]+:/{n+=$1} /^Locations/{s=0} END{print n+0}'
}

# importcfg of pkg's dependencies, from `go list -export`: built with the
# flags of the non-PGO build, so the archives come from its build cache.
importcfg() { # pkg out
	"${NICE[@]}" "$GO" list -export -deps -pgo=off -gcflags="$DEBUG_GCFLAGS" \
		-f '{{if .Export}}packagefile {{.ImportPath}}={{.Export}}{{end}}' "$1" >"$2.tmp"
	mv "$2.tmp" "$2"
}

# --- workloads -----------------------------------------------------------------

capture_gofmt() { # bin dir: each workload run GOFMT_REPS times, merged
	local bin=$1 dir=$2 d i
	local -a trees=()
	# runtime/pprof samples at 100 Hz: one pass over a tree is ~1000 samples.
	local reps=${GOFMT_REPS:-3} work=$dir/work-gofmt
	for d in "$GOROOT"/src/*/; do
		[[ $d == */cmd/ ]] || trees+=("$d")
	done
	if [[ ! -s $dir/A.pprof ]]; then
		# A: list unformatted files of the standard library (everything but cmd).
		rm -rf "$work" && mkdir -p "$work"
		for ((i = 1; i <= reps; i++)); do
			log "$gover: gofmt workload A (gofmt -l over std, $i/$reps)"
			"${NICE[@]}" "$bin" -cpuprofile "$work/$i.pprof" -l "${trees[@]}" >/dev/null 2>&1 || true
		done
		merge_profiles "$dir/A.pprof" "$work"/*.pprof
		rm -rf "$work"
	fi
	if [[ ! -s $dir/B.pprof ]]; then
		# B: simplify and diff the cmd tree (another tree, another code path).
		rm -rf "$work" && mkdir -p "$work"
		for ((i = 1; i <= reps; i++)); do
			log "$gover: gofmt workload B (gofmt -s -d over cmd, $i/$reps)"
			"${NICE[@]}" "$bin" -cpuprofile "$work/$i.pprof" -s -d "$GOROOT/src/cmd" >/dev/null 2>&1 || true
		done
		merge_profiles "$dir/B.pprof" "$work"/*.pprof
		rm -rf "$work"
	fi
}

compile_pkgs() { # bin dir name reps pkg...: compile each package reps times with bin, merged
	local bin=$1 dir=$2 name=$3 reps=$4 pkg n=0 i files
	shift 4
	[[ -s $dir/$name.pprof ]] && return 0
	local work=$dir/work-$name
	rm -rf "$work"
	mkdir -p "$work"
	for pkg in "$@"; do
		n=$((n + 1))
		importcfg "$pkg" "$work/$n.cfg"
		# Vendored imports (net/http's golang.org/x/net/...) need importmap lines.
		# shellcheck disable=SC2016 # a Go template, not shell
		"$GO" list -f '{{range $k, $v := .ImportMap}}importmap {{$k}}={{$v}}{{"\n"}}{{end}}' "$pkg" >>"$work/$n.cfg"
		mapfile -t files < <("$GO" list -f '{{range .GoFiles}}{{$.Dir}}/{{.}}{{"\n"}}{{end}}' "$pkg")
		for ((i = 1; i <= reps; i++)); do
			log "$gover: compile workload $name: $pkg (${#files[@]} files, $i/$reps)"
			"${NICE[@]}" "$bin" -p "$pkg" -std -complete -c=1 -importcfg "$work/$n.cfg" \
				-o "$work/$n.a" -cpuprofile "$work/$n.$i.pprof" "${files[@]}" ||
				die "compiling $pkg with $bin failed"
		done
	done
	merge_profiles "$dir/$name.pprof" "$work"/*.pprof
	rm -rf "$work"
}

link_progs() { # bin dir name reps pkg...: link each main package reps times, merged
	local bin=$1 dir=$2 name=$3 reps=$4 pkg n=0 i main
	shift 4
	[[ -s $dir/$name.pprof ]] && return 0
	local work=$dir/work-$name
	rm -rf "$work"
	mkdir -p "$work"
	for pkg in "$@"; do
		n=$((n + 1))
		importcfg "$pkg" "$work/$n.cfg"
		main=$("$GO" list -export -pgo=off -gcflags="$DEBUG_GCFLAGS" -f '{{.Export}}' "$pkg")
		for ((i = 1; i <= reps; i++)); do
			log "$gover: link workload $name: $pkg ($i/$reps)"
			"${NICE[@]}" "$bin" -importcfg "$work/$n.cfg" -buildmode=exe \
				-o "$work/out" -cpuprofile "$work/$n.$i.pprof" "$main" ||
				die "linking $pkg with $bin failed"
		done
	done
	merge_profiles "$dir/$name.pprof" "$work"/*.pprof
	rm -rf "$work"
}

capture() { # prog bin dir
	case $1 in
	gofmt) capture_gofmt "$2" "$3" ;;
	compile)
		# A: the SSA package (rewrite rules, huge generated switch code);
		# B: three ordinary large packages (type checker, HTTP, linker).
		compile_pkgs "$2" "$3" A 1 cmd/compile/internal/ssa
		compile_pkgs "$2" "$3" B 2 go/types net/http cmd/link/internal/ld
		;;
	link)
		# A: link the compiler; B: link the linker and gofmt (programs the
		# data stage builds anyway, so their archives are cached).
		# One link of the compiler is ~100 samples.
		link_progs "$2" "$3" A "${LINK_REPS:-30}" cmd/compile
		link_progs "$2" "$3" B "${LINK_REPS:-30}" cmd/link cmd/gofmt
		;;
	*) die "unknown program $1" ;;
	esac
}

pkg_of() {
	case $1 in
	gofmt) echo cmd/gofmt ;;
	link) echo cmd/link ;;
	compile) echo cmd/compile ;;
	*) die "unknown program $1" ;;
	esac
}

data_stage() {
	local prog dir pkg
	for prog in $PROGRAMS; do
		dir=$root/$prog
		pkg=$(pkg_of "$prog")
		mkdir -p "$dir"
		gobuild "$dir/nopgo" off "$pkg"
		capture "$prog" "$dir/nopgo" "$dir"
		for w in A B; do
			[[ $w == B && $SKIP_B == 1 ]] && continue
			gobuild "$dir/pgo$w" "$dir/$w.pprof" "$pkg"
		done
		log "$gover: $prog: samples A=$(samples "$dir/A.pprof") B=$(samples "$dir/B.pprof")"
	done
}

# flagcheck: rebuild gofmt with PGO from A without -d=pgodebug=3 and compare
# the code: the analysed binaries must be the ones that would ship.
flagcheck_stage() {
	local dir=$root/gofmt sec b diff=0
	[[ -s $dir/pgoA && -s $dir/A.pprof ]] || die "flagcheck needs the gofmt data (stage data)"
	if [[ ! -s $dir/pgoA.plain ]]; then
		log "$gover: go build -pgo=A.pprof cmd/gofmt without pgodebug -> pgoA.plain"
		"${NICE[@]}" "$GO" build -pgo="$dir/A.pprof" -o "$dir/pgoA.plain.tmp" cmd/gofmt
		mv "$dir/pgoA.plain.tmp" "$dir/pgoA.plain"
	fi
	# The build settings string (runtime.modinfo) differs, which moves data
	# addresses; so compare the function table (.gopclntab: entry offsets,
	# sizes, line tables) byte for byte, and the code with every address
	# masked.
	sec=.gopclntab
	objcopy -O binary --only-section="$sec" "$dir/pgoA" "$dir/sec.debug"
	objcopy -O binary --only-section="$sec" "$dir/pgoA.plain" "$dir/sec.plain"
	if cmp -s "$dir/sec.debug" "$dir/sec.plain"; then
		log "$gover: gofmt pgoA vs pgoA.plain: $sec identical ($(stat -c %s "$dir/sec.plain") bytes)"
	else
		log "$gover: gofmt pgoA vs pgoA.plain: $sec DIFFERS"
		diff=1
	fi
	for b in pgoA pgoA.plain; do
		objdump -d --no-show-raw-insn -j .text "$dir/$b" | tail -n +3 |
			sed -E 's/#.*$//; s/^ *[0-9a-f]+://; s/0x[0-9a-f]+/X/g; s/\b[0-9a-f]{6,}\b/X/g' >"$dir/sec.$b"
	done
	if cmp -s "$dir/sec.pgoA" "$dir/sec.pgoA.plain"; then
		log "$gover: gofmt pgoA vs pgoA.plain: .text identical but for addresses ($(wc -l <"$dir/sec.pgoA") lines of disassembly)"
	else
		log "$gover: gofmt pgoA vs pgoA.plain: .text DIFFERS beyond addresses"
		diff=1
	fi
	rm -f "$dir/sec.debug" "$dir/sec.plain" "$dir/sec.pgoA" "$dir/sec.pgoA.plain"
	[[ $diff == 0 ]] || die "-d=pgodebug=3 changed the code of gofmt: analyse plain builds"
}

metrics_stage() {
	local -a progs
	read -ra progs <<<"$PROGRAMS"
	[[ -x $PGODRIFT ]] || die "no pgodrift binary at $PGODRIFT (make, or set PGODRIFT)"
	# Go is there anyway: the metrics are a one-file Go program.
	"$GO" run "$here/field-metrics.go" -root "$root" -pgodrift "$PGODRIFT" \
		-tag "$FIELD_TAG" -goroot "$GOROOT" "${progs[@]}"
}

stages=("$@")
[[ ${#stages[@]} -eq 0 ]] && stages=(data metrics)
for s in "${stages[@]}"; do
	case $s in
	data) data_stage ;;
	metrics) metrics_stage ;;
	flagcheck) flagcheck_stage ;;
	*) die "unknown stage $s (data, metrics, flagcheck)" ;;
	esac
done
