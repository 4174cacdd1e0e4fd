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
# fixtures record the absolute directory they were built in (DWARF file
# names, the -pgo build setting), which is the generating machine's and not
# part of what is tested: both become FIXTURE_ROOT.
normalize() {
	sed -e "s|$BUILD/testdata/bin/|BUILD/testdata/bin/|g" \
	    -e 's|"/[^"]*/testdata/|"FIXTURE_ROOT/testdata/|g' "$1"
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
	expect "even: summary stale" "$(summary_field "$j" stale)" 1
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
	run check-short 0 $CHECK --fresh $P/fresh-short.pprof
	expect "short: no stale" "$(summary_field "$tmp/check-short.json" stale)" 0
	expect "short: insufficient" "$(jq '.summary["insufficient-samples"] > 0' "$tmp/check-short.json")" true
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
err_case "binary is not ELF" check --binary $P/base.pprof --base $P/base.pprof --fresh $P/fresh-even.pprof
[ -f testdata/bad/html.pprof ] && err_case "html fresh" $CHECK --fresh testdata/bad/html.pprof
[ -f testdata/bad/truncated.elf ] && err_case "truncated binary" check --binary testdata/bad/truncated.elf \
	--base $P/base.pprof --fresh $P/fresh-even.pprof
[ -f "$BIN/cachesvc.nodwarf" ] && err_case "binary without DWARF" check --binary "$BIN/cachesvc.nodwarf" \
	--base $P/base.pprof --fresh $P/fresh-even.pprof
# --output is atomic: a failing run leaves the old file alone.
echo previous >"$tmp/report.json"
"$PGD" $CHECK --fresh /nonexistent.pprof --output "$tmp/report.json" 2>/dev/null
expect "failed run leaves --output untouched" "$(cat "$tmp/report.json")" previous
"$PGD" $CHECK --fresh $P/fresh-even.pprof --output "$tmp/report.json" 2>/dev/null
expect "--output written" "$(head -c 1 "$tmp/report.json")" "{"
expect "--output leaves no temp file" "$(ls "$tmp" | grep -c 'report.json.')" 0

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
