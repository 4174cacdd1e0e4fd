#!/bin/sh
# SPDX-License-Identifier: MIT
# The fuzz harnesses replayed (without libFuzzer) over the seed corpus and
# every regression input: no crash, no sanitizer report, no input slower
# than PGD_FUZZ_TIMEOUT. Runs plain and under ASan/UBSan with the suite.
set -u
BUILD=${1:-build}
pass=0
fail=0
check() {
	name=$1
	shift
	if out=$("$@" 2>&1); then
		echo "ok - $name"
		pass=$((pass + 1))
	else
		echo "not ok - $name"
		echo "$out" | grep -v '^ok ' | tail -n 30
		fail=$((fail + 1))
	fi
}
export PGD_FUZZ_ROOT=$(pwd)
check "profile harness: fixtures, bad inputs, regressions" \
	"$BUILD/fuzz/replay_profile" testdata/profiles testdata/bad tests/fuzz/regress/profile
check "binary harness: regressions, bad inputs, one fixture binary" \
	"$BUILD/fuzz/replay_binary" tests/fuzz/regress/binary testdata/bad/notelf.bin \
	testdata/bad/truncated.elf "$BUILD/testdata/bin/cachesvc.pgo"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
