#!/bin/sh
# Runs the whole suite: every cmocka unit test binary, then every CLI test
# script, and closes with one "N passed, N failed, N skipped" line (the totals
# of both). A CLI test line "ok - NAME # SKIP REASON" (TAP) counts as skipped,
# not passed, and its reason is printed, so a run offline or without an
# optional tool says what it did not check.
# Usage: BUILD=build sh tests/run.sh      (from the repository root)
set -u
BUILD=${BUILD:-build}
export PGD_BUILD="$BUILD"
# ASan's leak checker is part of the contract (`make check-asan` is leak-free).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
passed=0
failed=0
skipped=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	CMOCKA_MESSAGE_OUTPUT=stdout "$t" >"$log" 2>&1
	rc=$?
	p=$(sed -n 's/^\[  PASSED  \] \([0-9][0-9]*\) test(s)\./\1/p' "$log" | tail -n 1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9][0-9]*\) test(s), listed below:/\1/p' "$log" | tail -n 1)
	p=${p:-0}
	f=${f:-0}
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1   # crashed or sanitizer abort: count the binary as one failure
	fi
	if [ "$f" -ne 0 ]; then
		cat "$log"
	fi
	k=$(sed -n 's/^\[  SKIPPED \] \([0-9][0-9]*\) test(s).*/\1/p' "$log" | tail -n 1)
	k=${k:-0}
	echo "$name: $p passed, $f failed, $k skipped"
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + k))
done

for s in tests/cli/test_*.sh; do
	[ -f "$s" ] || continue
	name=$(basename "$s" .sh)
	sh "$s" "$BUILD" >"$log" 2>&1
	rc=$?
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed.*/\1/p')
	f=$(echo "$line" | sed -n 's/.* \([0-9]*\) failed.*/\1/p')
	p=${p:-0}
	f=${f:-0}
	# The scripts count a SKIP as a pass; move those to skipped.
	k=$(grep -c '^ok .*# SKIP' "$log")
	if [ "$k" -gt "$p" ]; then k=$p; fi
	p=$((p - k))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
	fi
	if [ "$f" -ne 0 ]; then
		grep -v '^ok ' "$log"
	fi
	grep '^ok .*# SKIP' "$log" | sed "s/^ok - /$name: skipped: /"
	echo "$name: $p passed, $f failed, $k skipped"
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + k))
done

if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ]; then
	echo "no tests ran"
	exit 1
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
