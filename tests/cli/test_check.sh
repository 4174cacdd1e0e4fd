#!/bin/sh
# pgodrift check (and sites) on the real fixtures: exit status, the verdict of
# the sites each fixture was captured to exercise, and the whole JSON report
# against a reviewed golden file (testdata/golden/cli/).
#
#   sh tests/cli/test_check.sh BUILD_DIR     (from the repository root)
#
# PGD_UPDATE_GOLDEN=1 rewrites the goldens; review `git diff` before committing.
set -u
BUILD=${1:-build}
PGD="$BUILD/pgodrift"
BIN="$BUILD/testdata/bin"
P=testdata/profiles
G=testdata/golden/cli
# profile-age warnings compare with "now": pin it so goldens do not rot.
SOURCE_DATE_EPOCH=1795000000
export SOURCE_DATE_EPOCH
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { pass=$((pass + 1)); echo "ok - $1"; }
notok() { fail=$((fail + 1)); echo "not ok - $1${2:+: $2}"; }

# Fields of one site (by caller, line, method; "null" for no method) and
# of the summary, read with jq.
site_field() { # json caller line method key
	jq -r --arg c "$2" --argjson l "$3" --arg m "$4" --arg k "$5" \
		'[.sites[] | select(.caller == $c and .line == $l and ((.method // "null") == $m))][0][$k]
		 | if type == "object" then tojson else . end' "$1" 2>/dev/null
}

summary_field() { # json key
	jq -r --arg k "$2" '.summary[$k]' "$1" 2>/dev/null
}

# Paths under BUILD differ between the plain and the ASan build; the
# fixtures record the absolute directories they were built in (DWARF file
# names, the -pgo build setting, the GOROOT of the Go that built them),
# which are the generating machine's and not part of what is tested: they
# become FIXTURE_ROOT and GOROOT.
normalize() {
	sed -e "s|$BUILD/testdata/bin/|BUILD/testdata/bin/|g" \
	    -e 's|"/[^"]*/testdata/|"FIXTURE_ROOT/testdata/|g' \
	    -e 's|"/[^"]*/go-1\.[0-9]*/usr/lib/go-1\.[0-9]*/src/|"GOROOT/src/|g' "$1"
}

run() { # name expected-exit args...
	name=$1; want=$2; shift 2
	"$PGD" "$@" --format json >"$tmp/$name.json" 2>"$tmp/$name.err"
	rc=$?
	if [ "$rc" -eq "$want" ]; then ok "$name exit $want"; else
		notok "$name exit status" "got $rc, want $want ($(head -c 300 "$tmp/$name.err"))"; fi
	normalize "$tmp/$name.json" >"$tmp/$name.norm"
	if [ "${PGD_UPDATE_GOLDEN:-}" = 1 ]; then cp "$tmp/$name.norm" "$G/$name.json"; fi
	if [ ! -f "$G/$name.json" ]; then notok "$name golden" "missing $G/$name.json"
	elif cmp -s "$tmp/$name.norm" "$G/$name.json"; then ok "$name golden"
	else notok "$name golden" "$(diff "$G/$name.json" "$tmp/$name.norm" | head -20)"; fi
}

expect() { # description got want
	if [ "$2" = "$3" ]; then ok "$1"; else notok "$1" "got '$2', want '$3'"; fi
}

have() { for f in "$@"; do [ -e "$f" ] || { notok "fixture $f" "missing"; return 1; }; done; }

CHECK="check --binary $BIN/cachesvc.pgo --base $P/base.pprof"

# The classic case: 95/3/2 committed, an even three-way split now.
if have "$BIN/cachesvc.pgo" "$P/base.pprof" "$P/fresh-even.pprof"; then
	run check-even 1 $CHECK --fresh $P/fresh-even.pprof
	j=$tmp/check-even.json
	expect "even: Get site is stale" "$(site_field "$j" main.serve 16 Get verdict)" stale
	expect "even: kind" "$(site_field "$j" main.serve 16 Get kind)" interface
	expect "even: guarded type" "$(site_field "$j" main.serve 16 Get guarded_type)" '*main.RedisCache'
	expect "even: guard found in the binary" "$(jq -r '[.sites[] | select(.caller == "main.serve" and .line == 16)][0].binary.guard' "$j")" '*main.RedisCache'
	expect "even: interface named" "$(site_field "$j" main.serve 16 Get interface)" main.Cache
	# The shares, recomputed from the callee list the report carries.
	expect "even: fresh share = guarded weight / site weight" \
		"$(jq -r '[.sites[] | select(.caller == "main.serve" and .line == 16)][0] as $s
			| ([$s.callees[] | select(.name == $s.guarded) | .fresh_weight][0] / ([$s.callees[].fresh_weight] | add) * 1e6 | round / 1e6)
			== $s.fresh_share.share' "$j")" true
	# serve.go:23 s.Add: Add.Add is guarded; Sub.Add now holds 54 %, but a
	# refreshed build would guard nothing there: runtime.asyncPreempt (565,
	# no IR) is hotter than Sub.Add (496) at that line and wins
	# findHotConcreteCallee. Go 1.23's own -d=pgodebug=3 on a build from
	# fresh-even.pprof agrees ("Devirtualized":"" at serve.go:23:43), so the
	# verdict is stale (the guard misses), not flipped.
	expect "even: Add site stale, not flipped" "$(site_field "$j" main.serve 23 Add verdict)" stale
	expect "even: summary stale" "$(summary_field "$j" stale)" 2
	expect "even: outcome" "$(summary_field "$j" outcome)" findings
	expect "even: advice refresh" "$(jq -r '.summary.advice[0]' "$j" | cut -c1-19)" "refresh default.pgo"
	expect "even: no build ID in a Go 1.23 capture" "$(jq -r '.inputs[2].captured_from' "$j")" "cannot tell"
fi

# Same mix as the base: nothing to report.
if have "$P/fresh-same.pprof"; then
	run check-same 0 $CHECK --fresh $P/fresh-same.pprof
	expect "same: no findings" "$(summary_field "$tmp/check-same.json" findings)" 0
fi

# MemCache now takes 85 % of the calls. But MemCache.Get spends its time in
# a non-inlined runtime.mapaccess2_faststr, so under the compiler's two-frame
# rule most of those samples never form a serve -> MemCache.Get edge: in the
# compiler's view RedisCache is still the hottest (40 %) and a refresh would
# guard it again, so the compiler-mode verdict is stale. Stack attribution
# counts every frame pair, sees the 85 %, and reports the flip.
if have "$P/fresh-flipped.pprof"; then
	run check-flipped 1 $CHECK --fresh $P/fresh-flipped.pprof
	expect "flipped (compiler view): Get site stale" \
		"$(site_field "$tmp/check-flipped.json" main.serve 16 Get verdict)" stale
	run check-flipped-stack 1 $CHECK --fresh $P/fresh-flipped.pprof --attribution stack
	expect "flipped (stack view): Get site flipped" \
		"$(site_field "$tmp/check-flipped-stack.json" main.serve 16 Get verdict)" flipped
	expect "flipped (stack view): MemCache hottest" \
		"$(site_field "$tmp/check-flipped-stack.json" main.serve 16 Get fresh_hottest)" 'main.(*MemCache).Get'
fi

# A very short capture is never evidence of staleness.
if have "$P/fresh-short.pprof"; then
	run check-short 3 $CHECK --fresh $P/fresh-short.pprof
	expect "short: no stale" "$(summary_field "$tmp/check-short.json" stale)" 0
	expect "short: insufficient" "$(jq '.summary["insufficient-samples"] > 0' "$tmp/check-short.json")" true
	expect "short: inconclusive, nothing reached --min-samples" \
		"$(jq -r '.summary.outcome + " " + ([.summary.reasons[].id] | join(","))' "$tmp/check-short.json")" \
		"inconclusive no-site-reached-min-samples"
	"$PGD" $CHECK --fresh $P/fresh-short.pprof --format json --fail-on never >/dev/null 2>&1
	expect "short: --fail-on never exits 0 even when inconclusive" "$?" 0
	"$PGD" $CHECK --fresh $P/fresh-short.pprof --format text >"$tmp/short.txt" 2>&1
	expect "short: text headline says inconclusive" \
		"$(head -1 "$tmp/short.txt" | cut -c1-28)" "pgodrift check: inconclusive"
fi

# Two captures from two instances are merged.
if have "$P/fresh-even-a.pprof" "$P/fresh-even-b.pprof"; then
	run check-merged 1 $CHECK --fresh $P/fresh-even-a.pprof --fresh $P/fresh-even-b.pprof
	expect "merged: Get site is stale" "$(site_field "$tmp/check-merged.json" main.serve 16 Get verdict)" stale
fi

# A site hot only in the fresh capture.
if have "$P/fresh-newpath.pprof"; then
	run check-newpath 0 $CHECK --fresh $P/fresh-newpath.pprof
	expect "newpath: new-hot-site" "$(jq '.summary["new-hot-site"] > 0' "$tmp/check-newpath.json")" true
fi

# The binary was refactored (methods and caller renamed) after the base was captured.
if have "$BIN/cachesvc.renamed.pgo" "$P/fresh-renamed.pprof"; then
	run check-renamed 0 check --binary "$BIN/cachesvc.renamed.pgo" --base $P/base.pprof \
		--fresh $P/fresh-renamed.pprof --fail-on risk
	expect "renamed: vanished" "$(jq '.summary.vanished > 0' "$tmp/check-renamed.json")" true
	# lookup still holds an interface call on that line, but to Fetch: the
	# base's Get callees are gone from the binary, so the site vanished.
	expect "renamed: lookup's Get site vanished" \
		"$(site_field "$tmp/check-renamed.json" main.lookup 99 Get verdict)" vanished
fi

# ---- inconclusive reasons and advice (issue #10) ---------------------------------------
reasons() { jq -r '[.summary.reasons[].id] | join(",")' "$1"; }
advice() { jq -r '.summary.advice | join(" | ")' "$1"; }

# A capture of another program: 90 % of std-wide's CPU runs through functions
# cachesvc does not have.
if have "$P/std-wide.pprof"; then
	"$PGD" $CHECK --fresh $P/std-wide.pprof --format json >"$tmp/other.json" 2>/dev/null
	expect "other program: exit 3" "$?" 3
	expect "other program: reason" "$(reasons "$tmp/other.json")" fresh-not-this-program
fi
# The same file as base and fresh, or twice as fresh.
"$PGD" $CHECK --fresh $P/base.pprof --format json >"$tmp/repeat.json" 2>/dev/null
expect "fresh = base: exit 3" "$?" 3
expect "fresh = base: reason" "$(reasons "$tmp/repeat.json")" fresh-repeats-input
expect "fresh = base: only never-dominant or nothing" \
	"$(jq '[.sites[] | select(.verdict != "never-dominant" and .severity != "none")] | length' "$tmp/repeat.json")" 0
"$PGD" $CHECK --fresh $P/fresh-even.pprof --fresh $P/fresh-even.pprof --format json >"$tmp/twice.json" 2>/dev/null
expect "fresh twice: exit 3" "$?" 3
expect "fresh twice: reason" "$(reasons "$tmp/twice.json")" fresh-repeats-input
# A binary built from another profile than --base: its guards are not the ones
# --base predicts, and build info names the profile it was built from.
"$PGD" check --binary "$BIN/cachesvc.pgo" --base $P/fresh-even.pprof --fresh $P/fresh-flipped.pprof \
	--format json >"$tmp/otherbase.json" 2>/dev/null
expect "other base: exit 3" "$?" 3
expect "other base: reason" "$(reasons "$tmp/otherbase.json")" binary-not-built-from-base
expect "other base: names -pgo" \
	"$(jq -r '.summary.reasons[0].message | test("built from -pgo=.*/base.pprof")' "$tmp/otherbase.json")" true
expect "other base: advice rebuild" "$(advice "$tmp/otherbase.json" | cut -c1-38)" \
	"rebuild from the committed profile: th"
# Advice follows the binary's health: without PGO, never "refresh default.pgo".
if have "$BIN/cachesvc.nopgo"; then
	"$PGD" check --binary "$BIN/cachesvc.nopgo" --base $P/base.pprof --fresh $P/fresh-even.pprof \
		--format json >"$tmp/nopgo.json" 2>/dev/null
	expect "no pgo: advice build with -pgo, then capture" "$(advice "$tmp/nopgo.json" | sed 's/:[^|]*//g')" \
		"build with -pgo| capture a current production profile before building with -pgo"
	expect "no pgo: no message says refresh default.pgo" \
		"$(jq '[.sites[].message, .summary.advice[] | select(test("refresh default.pgo"))] | length' "$tmp/nopgo.json")" 0
	expect "no pgo: build-settings warning" "$(jq -r '[.warnings[].id] | join(",")' "$tmp/nopgo.json")" build-settings
fi
if have "$BIN/cachesvc.race.pgo"; then
	"$PGD" check --binary "$BIN/cachesvc.race.pgo" --base $P/base.pprof --fresh $P/fresh-even.pprof \
		--format json >"$tmp/race.json" 2>/dev/null
	expect "race: advice drop -race first" "$(jq -r '.summary.advice[0]' "$tmp/race.json" | cut -c1-13)" "drop -race (a"
fi
expect "inconclusive: advice says get a usable capture" "$(advice "$tmp/repeat.json" | cut -c1-26)" \
	"get a usable capture first"

# ---- a real program: Go 1.26's gofmt built with PGO from workload A ---------------------
# (testdata/field, from the corpus harness: the compiler's -d=pgodebug=3 records are the oracle)
F=testdata/field/go1.26.11/gofmt
FB="$BIN/field-gofmt-go1.26.11.pgoA"
if have "$FB" "$F/A.pprof" "$F/B.pprof" "$F/pgoA.oracle.jsonl"; then
	"$PGD" check --all --binary "$FB" --base $F/A.pprof --fresh $F/B.pprof --format json >"$tmp/field.json" 2>/dev/null
	expect "field gofmt: exit 0 (captures of the non-PGO build are fine)" "$?" 0
	expect "field gofmt: captured from another build (build IDs differ)" \
		"$(jq -r '[.inputs[1:][].captured_from] | unique | join(",")' "$tmp/field.json")" "another build"
	# Every weighted devirtualization the compiler logged is listed by --all.
	missing=$(jq -r 'select(.Devirtualized != "" and .Weight > 0) | "\(.Caller) \(.Pos | split(":") | .[-2])"' \
		$F/pgoA.oracle.jsonl | sort -u | while read -r c l; do
		n=$(jq --arg c "$c" --argjson l "$l" '[.sites[] | select(.caller == $c and .line == $l)] | length' "$tmp/field.json")
		[ "$n" -gt 0 ] || echo "$c:$l"
	done)
	expect "field gofmt: every weighted devirtualization listed" "$missing" ""
	# The binary wins: a reported guard is the one in the machine code.
	expect "field gofmt: reported guard = shipped guard" \
		"$(jq '[.sites[] | select(.binary.guard != null and (.guarded_type // .guarded) != .binary.guard)] | length' "$tmp/field.json")" 0
	"$PGD" check --binary "$FB" --base $F/A.pprof --fresh $F/A.pprof --format json >"$tmp/field-same.json" 2>/dev/null
	expect "field gofmt: fresh = base is inconclusive" "$?" 3
	expect "field gofmt: fresh = base finds nothing but never-dominant" \
		"$(jq '[.sites[] | select(.verdict != "never-dominant" and .severity != "none")] | length' "$tmp/field-same.json")" 0
fi
# PGO build without the guard the base predicts (Go 1.23.5 lost it when lookup was inlined): nothing is guarded there.
"$PGD" $CHECK --all --fresh $P/fresh-even.pprof --format json >"$tmp/all.json" 2>/dev/null
expect "lookup: no guard in the binary, said" \
	"$(site_field "$tmp/all.json" main.lookup 99 Get no_guard_reason) $(site_field "$tmp/all.json" main.lookup 99 Get mirrored)" \
	"no-guard-in-binary main.(*RedisCache).Get"

# The base as GO PREPROFILE V1 text gives the same verdicts.
if have "$P/base.preprofile"; then
	"$PGD" check --binary "$BIN/cachesvc.pgo" --base $P/base.preprofile --fresh $P/fresh-even.pprof \
		--format json >"$tmp/pre.json" 2>&1
	expect "preprofile base: Get site is stale" "$(site_field "$tmp/pre.json" main.serve 16 Get verdict)" stale
fi

# Stack attribution sees at least as much weight at the site.
"$PGD" $CHECK --fresh $P/fresh-even.pprof --attribution stack --all --format json >"$tmp/stack.json" 2>&1
c=$(site_field "$tmp/check-even.json" main.serve 16 Get fresh_weight)
s=$(site_field "$tmp/stack.json" main.serve 16 Get fresh_weight)
expect "stack attribution weight >= compiler" "$( [ "${s:-0}" -ge "${c:-1}" ] && echo yes)" yes

# sites: the classified listing.
run sites-base 0 sites --binary "$BIN/cachesvc.pgo" $P/base.pprof
expect "sites: func-value site" "$(site_field "$tmp/sites-base.json" main.serve 21 null kind)" func-value

# Usage and input errors: exit 2, one line naming the problem, nothing on stdout.
err_case() { # name args...
	name=$1; shift
	"$PGD" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	lines=$(wc -l <"$tmp/err")
	if [ "$rc" -eq 2 ] && [ "$lines" -eq 1 ] && [ ! -s "$tmp/out" ] && grep -q '^pgodrift: ' "$tmp/err"; then
		ok "$name"
	else
		notok "$name" "rc=$rc lines=$lines: $(cat "$tmp/err")"
	fi
}
err_case "no --base" check --binary "$BIN/cachesvc.pgo" --fresh $P/fresh-even.pprof
err_case "no --fresh" check --binary "$BIN/cachesvc.pgo" --base $P/base.pprof
err_case "bad threshold" $CHECK --fresh $P/fresh-even.pprof --threshold 2
err_case "unknown option" $CHECK --fresh $P/fresh-even.pprof --frsh x
err_case "missing fresh file" $CHECK --fresh /nonexistent.pprof
err_case "negative --inlining-warn-bytes" $CHECK --fresh $P/fresh-even.pprof --inlining-warn-bytes -1
err_case "--inlining-warn-bytes with --no-inlining" $CHECK --fresh $P/fresh-even.pprof --no-inlining \
	--inlining-warn-bytes 4096
# Inlining drift never changes the verdicts' findings or the exit status when it is info
# (--inlining-warn-bytes 0): the same report as --no-inlining apart from the inlining member.
for mode in on off; do
	"$PGD" $CHECK --fresh $P/fresh-even.pprof --format json $( [ $mode = off ] && echo --no-inlining ) \
		>"$tmp/inl-$mode.json" 2>/dev/null
	echo $? >"$tmp/inl-$mode.rc"
	jq -S 'del(.inlining)' "$tmp/inl-$mode.json" >"$tmp/inl-$mode.norm" 2>/dev/null
done
expect "inlining info: same exit status and findings with and without --no-inlining" \
	"$(cat "$tmp/inl-on.rc") $(cmp -s "$tmp/inl-on.norm" "$tmp/inl-off.norm" && echo same)" "1 same"
# A run that cannot judge stays inconclusive (3) whatever inlining drift says, even
# when --inlining-warn-bytes makes it a warning and --fail-on warn would fail on it.
"$PGD" $CHECK --fresh $P/fresh-renamed.pprof --inlining-warn-bytes 1 --fail-on warn --format json \
	>"$tmp/inl-warn.json" 2>/dev/null
expect "inlining warn: exit 3 still means inconclusive" "$?" 3
# --inlining-warn-bytes reaches the analysis: warn exactly when the stale-hot bytes exceed it.
expect "inlining warn: severity follows --inlining-warn-bytes" \
	"$(jq -r 'if .inlining.ran then (.inlining.severity == (if .inlining.summary.stale_hot_bytes > 1 then "warn"
		else "info" end)) else "no analysis" end' "$tmp/inl-warn.json" | sed 's/^no analysis$/true/')" true
expect "--no-inlining: the report says it was skipped, or (before the analysis) has no inlining member" \
	"$(jq -r 'if has("inlining") then "\(.inlining.ran) \(.inlining.skipped_why)" else "absent" end' "$tmp/inl-off.json" |
	   sed 's/^false --no-inlining$/absent/')" absent
err_case "binary is not ELF" check --binary $P/base.pprof --base $P/base.pprof --fresh $P/fresh-even.pprof
[ -f testdata/bad/html.pprof ] && err_case "html fresh" $CHECK --fresh testdata/bad/html.pprof
[ -f testdata/bad/truncated.elf ] && err_case "truncated binary" check --binary testdata/bad/truncated.elf \
	--base $P/base.pprof --fresh $P/fresh-even.pprof
# The base profile and the binary are read on a second thread beside the fresh captures
# (job.c): with several bad inputs the error is still the one reading them in order meets
# first (base, fresh captures, binary), whichever thread finishes first.
if [ -f testdata/bad/truncated.elf ] && [ -f testdata/bad/html.pprof ]; then
	first_err() { "$PGD" check "$@" 2>&1 >/dev/null | sed -n 1p; }
	expect "bad base, fresh and binary: the base's error" \
		"$(first_err --binary testdata/bad/truncated.elf --base testdata/bad/html.pprof --fresh testdata/bad/truncated.pprof |
		   grep -c "html.pprof")" 1
	expect "bad fresh and binary: the fresh capture's error" \
		"$(first_err --binary testdata/bad/truncated.elf --base $P/base.pprof --fresh testdata/bad/truncated.pprof |
		   grep -c "truncated.pprof")" 1
	expect "bad binary, good profiles: the binary's error" \
		"$(first_err --binary testdata/bad/truncated.elf --base $P/base.pprof --fresh $P/fresh-even.pprof |
		   grep -c "truncated.elf")" 1
	expect "second fresh capture bad: its error, not the binary's" \
		"$(first_err --binary testdata/bad/truncated.elf --base $P/base.pprof --fresh $P/fresh-even.pprof \
		   --fresh testdata/bad/html.pprof | grep -c "html.pprof")" 1
fi
# A -ldflags=-w build is read through Go's runtime tables: the same report as its unstripped twin.
if [ -f "$BIN/cachesvc.nodwarf" ]; then
	for b in nodwarf nopgo; do
		"$PGD" check --binary "$BIN/cachesvc.$b" --base $P/base.pprof --fresh $P/fresh-even.pprof \
			--format json 2>/dev/null |
			jq -S 'del(.inputs, .notes) | walk(if type == "object" then del(.input) else . end)' \
			>"$tmp/strip-$b.json"
	done
	expect "binary without DWARF (-w): the unstripped build's report" \
		"$(cmp -s "$tmp/strip-nodwarf.json" "$tmp/strip-nopgo.json" && jq '.sites | length' "$tmp/strip-nopgo.json")" 4
fi
# Go's own -s -w build (contrib/gen-testdata-stripped.sh): check and doctor say what they say on
# the unstripped twin (inputs and timestamps aside).
if [ -f "$BIN/cachesvc.go126.pgo.sw" ]; then
	for b in cachesvc.go126.pgo cachesvc.go126.pgo.sw; do
		"$PGD" check --binary "$BIN/$b" --base $P/base.pprof --fresh $P/fresh-even.pprof \
			--format json 2>/dev/null |
			jq -S 'del(.inputs, .notes) | walk(if type == "object" then del(.input) else . end)' \
			>"$tmp/sw-check-$b.json"
		"$PGD" doctor --binary "$BIN/$b" --compare-binary "$BIN/cachesvc.go126.nopgo" --base $P/base.pprof \
			--fresh $P/fresh-even.pprof --format json 2>/dev/null |
			jq -S 'del(.inputs, .notes, .parameters.now_unix) | walk(if type == "object" then del(.input) else . end)' \
			>"$tmp/sw-doctor-$b.json"
	done
	expect "stripped (-s -w) binary: the unstripped build's check report" \
		"$(cmp -s "$tmp/sw-check-cachesvc.go126.pgo.json" "$tmp/sw-check-cachesvc.go126.pgo.sw.json" &&
		   jq '.sites | length' "$tmp/sw-check-cachesvc.go126.pgo.json")" 3
	expect "stripped (-s -w) binary: the notes say which tables answered" \
		"$("$PGD" check --binary "$BIN/cachesvc.go126.pgo.sw" --base $P/base.pprof --fresh $P/fresh-even.pprof \
		   --format json 2>/dev/null | jq '[.notes[] | select(test("gopclntab|itablinks"))] | length')" 2
	expect "stripped (-s -w) binary: the unstripped build's doctor report" \
		"$(cmp -s "$tmp/sw-doctor-cachesvc.go126.pgo.json" "$tmp/sw-doctor-cachesvc.go126.pgo.sw.json" &&
		   jq '.summary.checks_ran' "$tmp/sw-doctor-cachesvc.go126.pgo.json")" 12
fi
# --output is atomic: a failing run leaves the old file alone.
echo previous >"$tmp/report.json"
"$PGD" $CHECK --fresh /nonexistent.pprof --output "$tmp/report.json" 2>/dev/null
expect "failed run leaves --output untouched" "$(cat "$tmp/report.json")" previous
"$PGD" $CHECK --fresh $P/fresh-even.pprof --output "$tmp/report.json" 2>/dev/null
expect "--output written" "$(head -c 1 "$tmp/report.json")" "{"
expect "--output leaves no temp file" "$(ls "$tmp" | grep -c 'report.json.')" 0

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
