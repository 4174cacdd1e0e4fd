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
# Fuzzed binaries too big to commit are kept as byte patches of a fixture
# (`cmp -l` output): rebuilt here, each must replay fast and small.
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pgd-fuzz-smoke.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
for patch in tests/fuzz/regress/binary-patch/*.cmp; do
	[ -f "$patch" ] || continue
	name=$(basename "$patch" .cmp)
	cp "$BUILD/testdata/bin/cachesvc.pgo" "$tmp/$name"
	grep -v '^#' "$patch" | while read -r off old new; do
		printf "\\$new" | dd of="$tmp/$name" bs=1 seek=$((off - 1)) conv=notrunc 2>/dev/null
	done
	/usr/bin/time -f %M -o "$tmp/rss" env PGD_FUZZ_TIMEOUT=20 "$BUILD/fuzz/replay_binary" "$tmp/$name" >"$tmp/out" 2>&1
	st=$?
	rss=$(tail -n 1 "$tmp/rss")
	if [ "$st" -eq 0 ] && [ "$rss" -lt 400000 ]; then
		echo "ok - binary harness: $name (peak RSS ${rss} KB; was 1 GB, 11 s)"
		pass=$((pass + 1))
	else
		echo "not ok - binary harness: $name (status $st, peak RSS ${rss} KB)"
		cat "$tmp/out"
		fail=$((fail + 1))
	fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
