#!/bin/sh
# End-to-end tests of `pgodrift doctor` and contrib/capture-profile.sh on the
# real fixtures. Usage (from the repository root): sh tests/cli/test_doctor.sh BUILD_DIR
#
# JSON is read with grep/sed (python3 is not guaranteed on CI). cJSON_Print
# writes one `"key":<TAB>value` pair per line, which is what the helpers
# below rely on.
set -u
BUILD=${1:-build}
PGD=$BUILD/pgodrift
BIN=$BUILD/testdata/bin
P=testdata/profiles
T=$(printf '\t')
W=$(mktemp -d "${TMPDIR:-/tmp}/test_doctor.XXXXXX")
trap 'rm -rf "$W"' EXIT
passed=0
failed=0

ok() { passed=$((passed + 1)); echo "ok - $1"; }
notok() { failed=$((failed + 1)); echo "not ok - $1${2:+: $2}"; }

# run NAME EXPECTED_RC ARGS...: doctor --format json into $W/NAME.json.
run() {
	name=$1 want=$2
	shift 2
	SOURCE_DATE_EPOCH=${RUN_EPOCH:-$SOURCE_DATE_EPOCH} "$PGD" doctor --format json "$@" \
		>"$W/$name.json" 2>"$W/$name.err"
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		notok "$name exit status" "got $rc, want $want ($(head -c 300 "$W/$name.err"))"
		return 1
	fi
	return 0
}

# findings FILE: the findings array only (the checks array has ids too).
findings() { sed -n '/^'"$T"'"findings":/,/^'"$T"'"checks":/p' "$1"; }

has_id() { findings "$1" | grep -q "\"id\":$T\"$2\""; }

# finding FILE ID: the lines of the first finding with that id, up to its items.
finding() {
	findings "$1" | awk -v id="\"id\":$T\"$2\"" '
		index($0, id) { on = 1 }
		on { print }
		on && /"items":/ { exit }'
}

# fig FILE ID KEY: a figure of the first finding with that id (strings unquoted).
fig() {
	finding "$1" "$2" | sed -n 's/^[[:space:]]*"'"$3"'":'"$T"'//p' | head -n 1 | sed 's/,$//; s/^"//; s/"$//'
}

# input_fig FILE KEY: the first input's figure.
input_fig() {
	sed -n 's/^[[:space:]]*"'"$2"'":'"$T"'//p' "$1" | head -n 1 | sed 's/,$//; s/^"//; s/"$//'
}

# cmp_num A OP B: awk arithmetic comparison.
cmp_num() { awk -v a="$1" -v b="$3" "BEGIN { exit !(a $2 b) }"; }

count_at_or_above_warn() {
	findings "$1" | grep -c "\"severity\":$T\"\(warn\|risk\)\""
}

expect_finding() { # NAME FILE ID
	if has_id "$2" "$3"; then ok "$1"; else notok "$1" "no $3 finding"; fi
}

expect_no_finding() { # NAME FILE ID
	if has_id "$2" "$3"; then notok "$1" "unexpected $3 finding"; else ok "$1"; fi
}

expect_num() { # NAME VALUE OP BOUND
	if [ -n "$2" ] && cmp_num "$2" "$3" "$4"; then ok "$1 ($2 $3 $4)"; else notok "$1" "'$2' not $3 $4"; fi
}

# "now" one day after the base capture, so profile-age stays quiet however
# old the fixtures get; 100 days after it for the profile-age case.
"$PGD" doctor --format json --profile $P/base.pprof >"$W/time.json" 2>/dev/null
base_time=$(input_fig "$W/time.json" time_nanos)
day1=$(awk -v t="$base_time" 'BEGIN { printf "%.0f", t / 1e9 + 86400 }')
day100=$(awk -v t="$base_time" 'BEGIN { printf "%.0f", t / 1e9 + 100 * 86400 }')
SOURCE_DATE_EPOCH=$day1
export SOURCE_DATE_EPOCH

# ---- clean: nothing at warn or above ------------------------------------------
if run clean 0 --fail-on warn --binary $BIN/cachesvc.pgo --base $P/base.pprof --fresh $P/fresh-same.pprof; then
	n=$(count_at_or_above_warn "$W/clean.json")
	if [ "$n" -eq 0 ]; then ok "clean fixture: no findings"; else notok "clean fixture" "$n findings"; fi
	# Only layout (--repo) and code-bloat (--compare-binary) lack inputs here.
	n=$(grep -c "\"ran\":${T}false" "$W/clean.json")
	if [ "$n" -eq 2 ]; then ok "clean: every check with inputs ran"; else
		notok "clean: every check with inputs ran" "$n skipped"; fi
fi

# ---- unusable-profile ------------------------------------------------------------
for f in testdata/bad/empty.pprof testdata/bad/html.pprof testdata/bad/truncated.pprof \
	testdata/bad/notpprof.pprof $P/heap.pprof $P/go119.pprof; do
	n=unusable-$(basename "$f" .pprof)
	if [ ! -e "$f" ]; then
		notok "$n" "missing fixture $f"
		continue
	fi
	if run "$n" 1 --profile "$f"; then
		expect_finding "$n" "$W/$n.json" unusable-profile
		case $(fig "$W/$n.json" unusable-profile reason) in
		"" | "cannot open"*) notok "$n: reason given" ;;
		*) ok "$n: reason given" ;;
		esac
	fi
done
run missing-profile 1 --profile "$W/does-not-exist.pprof" &&
	expect_finding "missing profile is a finding" "$W/missing-profile.json" unusable-profile

# ---- too-few-samples ------------------------------------------------------------
if run short 0 --profile $P/fresh-short.pprof; then
	expect_finding "fresh-short: too-few-samples" "$W/short.json" too-few-samples
	s=$(fig "$W/short.json" too-few-samples samples)
	expect_num "fresh-short samples below the threshold" "$s" "<" 30000
	expect_num "fresh-short samples match the input" "$s" "==" "$(input_fig "$W/short.json" samples)"
fi
run short-warn 1 --fail-on warn --profile $P/fresh-short.pprof && ok "too-few-samples fails --fail-on warn"
if run merged-halves 0 --fail-on warn --base $P/base.pprof --fresh $P/fresh-even-a.pprof --fresh $P/fresh-even-b.pprof \
	--max-divergence 1; then
	expect_no_finding "fresh captures are judged merged" "$W/merged-halves.json" too-few-samples
fi

# ---- startup-dominated ------------------------------------------------------------
if run startup 0 --profile $P/startup.pprof --fail-on never; then
	expect_finding "startup: startup-dominated" "$W/startup.json" startup-dominated
	expect_num "startup share" "$(fig "$W/startup.json" startup-dominated startup_share)" ">" 0.25
fi

# ---- microbenchmark-profile --------------------------------------------------------
if run bench 1 --profile $P/bench.pprof; then
	expect_finding "bench: microbenchmark-profile" "$W/bench.json" microbenchmark-profile
	expect_num "bench: benchmark share" "$(fig "$W/bench.json" microbenchmark-profile benchmark_share)" ">" 0.5
fi

# ---- distribution-skew -----------------------------------------------------------
if run skew 0 --base $P/base.pprof --fresh $P/fresh-flipped.pprof; then
	expect_finding "flipped: distribution-skew" "$W/skew.json" distribution-skew
	js=$(fig "$W/skew.json" distribution-skew js_divergence)
	expect_num "flipped: divergence above 0.2" "$js" ">" 0.2
	expect_num "flipped: divergence at most 1" "$js" "<=" 1
fi

# ---- stale-names / offset-drift ----------------------------------------------------
if run renamed 0 --binary $BIN/cachesvc.renamed.pgo --base $P/base.pprof; then
	expect_finding "renamed: stale-names" "$W/renamed.json" stale-names
	expect_num "renamed: stale share" "$(fig "$W/renamed.json" stale-names stale_share)" ">" 0.05
fi
if run shifted 0 --binary $BIN/cachesvc.shifted.pgo --base $P/base.pprof; then
	expect_finding "shifted: offset-drift" "$W/shifted.json" offset-drift
	expect_num "shifted: drift share" "$(fig "$W/shifted.json" offset-drift drift_share)" ">" 0.05
	expect_no_finding "shifted: names still there" "$W/shifted.json" stale-names
fi

# ---- build-settings ----------------------------------------------------------------
if run nopgo 1 --binary $BIN/cachesvc.nopgo --base $P/base.pprof; then
	expect_finding "nopgo: build-settings" "$W/nopgo.json" build-settings
	[ "$(fig "$W/nopgo.json" build-settings pgo)" = off ] && ok "nopgo: pgo off" || notok "nopgo: pgo off"
	case $(fig "$W/nopgo.json" build-settings go_version) in
	go1.*) ok "nopgo: go version reported" ;;
	*) notok "nopgo: go version reported" ;;
	esac
fi
if run other-profile 1 --binary $BIN/cachesvc.pgo --base $P/fresh-even.pprof; then
	expect_finding "built from another profile" "$W/other-profile.json" build-settings
	[ "$(fig "$W/other-profile.json" build-settings profile_match)" = contents-differ ] &&
		ok "another profile: contents differ" || notok "another profile: contents differ"
fi

# ---- layout -----------------------------------------------------------------------
if run layout 0 --repo testdata/repo --profile $P/base.pprof; then
	expect_finding "repo: layout" "$W/layout.json" layout
	f=$(findings "$W/layout.json")
	for want in "internal/store/default.pgo" "profiles/cpu.pgo" "cpu.pprof" "cmd/worker"; do
		echo "$f" | grep -q "\"name\":$T\"$want\"" && ok "layout lists $want" || notok "layout lists $want"
	done
	echo "$f" | grep -q "\"name\":$T\"cmd/api" && notok "layout leaves cmd/api alone" ||
		ok "layout leaves cmd/api alone"
fi

# ---- toolchain-skew -----------------------------------------------------------------
# std-wide exercises the standard library (cachesvc's profiles put < 1 % of
# their weight there, too little to show a toolchain change): a Go 1.21
# capture of it against the Go 1.23 build, and the matching Go 1.23 pair.
if run skew121 1 --binary $BIN/stdwide.nopgo --base $P/std-wide-go121.pprof; then
	expect_finding "go1.21 profile on a go1.23 binary: toolchain-skew" "$W/skew121.json" toolchain-skew
	expect_num "std unmapped share" "$(fig "$W/skew121.json" toolchain-skew std_unmapped_share)" ">" 0.05
	expect_num "module unmapped share" "$(fig "$W/skew121.json" toolchain-skew module_unmapped_share)" "<=" 0.05
fi
run match123 1 --binary $BIN/stdwide.nopgo --base $P/std-wide.pprof &&
	expect_no_finding "matching go1.23 pair: no toolchain-skew" "$W/match123.json" toolchain-skew
run match121 0 --binary $BIN/cachesvc.go121.pgo --base $P/go121.pprof &&
	expect_no_finding "matching go1.21 pair: no toolchain-skew" "$W/match121.json" toolchain-skew

# ---- profile-age --------------------------------------------------------------------
RUN_EPOCH=$day100
if run old 0 --profile $P/base.pprof; then
	expect_finding "100 days later: profile-age" "$W/old.json" profile-age
	age=$(fig "$W/old.json" profile-age age_days)
	expect_num "age about 100 days (low)" "$age" ">" 99.9
	expect_num "age about 100 days (high)" "$age" "<" 100.1
fi
run old-limit 0 --max-age-days 120 --profile $P/base.pprof &&
	expect_no_finding "--max-age-days 120" "$W/old-limit.json" profile-age
RUN_EPOCH=

# ---- race-build ---------------------------------------------------------------------
if run race 1 --binary $BIN/cachesvc.race.pgo --base $P/base.pprof; then
	expect_finding "race: race-build" "$W/race.json" race-build
	[ "$(fig "$W/race.json" race-build race)" = true ] && ok "race: race figure" || notok "race: race figure"
fi
if run gcflags 0 --binary $BIN/cachesvc.gcflags-l.pgo --base $P/base.pprof; then
	expect_finding "gcflags -l: race-build" "$W/gcflags.json" race-build
	[ "$(fig "$W/gcflags.json" race-build gcflags_defeat_pgo)" = true ] && ok "gcflags -l flagged" ||
		notok "gcflags -l flagged"
fi

# ---- code-bloat ----------------------------------------------------------------------
if run bloat 0 --fail-on never --binary $BIN/bloatsvc.pgo --compare-binary $BIN/bloatsvc.nopgo --base $P/bloat.pprof; then
	expect_finding "bloatsvc: code-bloat" "$W/bloat.json" code-bloat
	expect_num "bloatsvc: text growth" "$(fig "$W/bloat.json" code-bloat growth)" ">" 0.05
	if finding "$W/bloat.json" code-bloat >/dev/null &&
		findings "$W/bloat.json" | grep -q "\"kind\":$T\"inlined-callee\""; then
		ok "bloatsvc: over-inlined callees listed"
	else
		notok "bloatsvc: over-inlined callees listed"
	fi
	# The hot call sites whose inlining the hot budget (2000, not 80) bought (issue #17):
	# the base's hot set, inlined in the PGO build and called in the one without.
	expect_num "bloatsvc: hot-budget sites' inlined copies explain most of the growth" \
		"$(fig "$W/bloat.json" code-bloat hot_budget_growth_share)" ">" 0.5
	hb=$(jq -r '.findings[] | select(.id == "code-bloat") | .items[] | select(.kind == "hot-budget-site")
		| "\(.name) \(.line) \(.callee) \(.call_without_pgo)"' "$W/bloat.json" 2>/dev/null)
	# Each listed line of the source calls the listed callee (the Go source is the truth for lines).
	bad=$(echo "$hb" | while read -r caller line callee nopgo; do
		sed -n "${line}p" testdata/src/bloatsvc/helpers.go | grep -q "${callee#main.}(" &&
			[ "$caller" = main.dispatch ] && [ "$nopgo" = true ] || echo "$caller:$line:$callee"
	done)
	if [ "$(echo "$hb" | grep -c .) ${bad:-none}" = "10 none" ]; then
		ok "bloatsvc: 10 hot-budget sites listed, each line calls its callee, a call without PGO"
	else
		notok "bloatsvc: 10 hot-budget sites listed, each line calls its callee, a call without PGO" \
			"$(echo "$hb" | grep -c .) listed, wrong: ${bad:-none}"
	fi
fi
run no-bloat 0 --fail-on warn --binary $BIN/cachesvc.pgo --compare-binary $BIN/cachesvc.nopgo --base $P/base.pprof &&
	expect_no_finding "cachesvc pgo vs nopgo: no code-bloat" "$W/no-bloat.json" code-bloat

# ---- errors ------------------------------------------------------------------------------
run bad-binary 2 --binary testdata/bad/notelf.bin --profile $P/base.pprof && ok "bad binary: exit 2"
run bad-repo 2 --repo "$W/no-such-dir" --profile $P/base.pprof && ok "bad repo: exit 2"
run no-profile 2 --binary $BIN/cachesvc.pgo && ok "no profile: exit 2"

# ---- contrib/capture-profile.sh ---------------------------------------------------------
dest=$W/default.pgo
printf 'previous profile\n' >"$dest"
cp "$dest" "$W/previous"
PGODRIFT=$PGD sh contrib/capture-profile.sh "file://$PWD/testdata/bad/html.pprof" "$dest" >"$W/cap.log" 2>&1
rc=$?
if [ "$rc" -eq 1 ] && cmp -s "$dest" "$W/previous"; then ok "capture: bad profile leaves DEST"; else
	notok "capture: bad profile leaves DEST" "exit $rc"; fi
PGODRIFT=$PGD sh contrib/capture-profile.sh "file://$PWD/testdata/bad/no-such-file" "$dest" >"$W/cap.log" 2>&1
rc=$?
if [ "$rc" -eq 2 ] && cmp -s "$dest" "$W/previous"; then ok "capture: failed fetch leaves DEST"; else
	notok "capture: failed fetch leaves DEST" "exit $rc"; fi
PGODRIFT=$PGD sh contrib/capture-profile.sh "file://$PWD/$P/base.pprof" "$dest" >"$W/cap.log" 2>&1
rc=$?
if [ "$rc" -eq 0 ] && cmp -s "$dest" $P/base.pprof; then ok "capture: good profile installed"; else
	notok "capture: good profile installed" "exit $rc: $(cat "$W/cap.log")"; fi
# One dominant function without test frames is a warning, not a reason to refuse.
DOCTOR_ARGS="--max-single-function-share 0.2" PGODRIFT=$PGD sh contrib/capture-profile.sh "file://$PWD/$P/fresh-flipped.pprof" "$dest" >"$W/cap.log" 2>&1
rc=$?
if [ "$rc" -eq 0 ] && cmp -s "$dest" $P/fresh-flipped.pprof && grep -q "one function holds" "$W/cap.log"; then
	ok "capture: one dominant function is installed with a warning"; else
	notok "capture: one dominant function is installed with a warning" "exit $rc: $(cat "$W/cap.log")"; fi
if ls -a "$W" | grep -q '^\.capture-profile'; then notok "capture: no temp files left"; else
	ok "capture: no temp files left"; fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
