#!/bin/sh
# SPDX-License-Identifier: MIT
# `make fuzz`: runs each libFuzzer harness for SECONDS, seeded from the
# fixtures and the regression inputs; prints exec/s and coverage per target.
# usage: sh tests/fuzz/run.sh BUILD SECONDS TARGET...
set -eu
build=$1
secs=$2
shift 2
export PGD_FUZZ_ROOT=$(pwd)
status=0
for t in "$@"; do
	corpus=$build/corpus/$t
	mkdir -p "$corpus" "$build/artifacts/$t"
	case $t in
	profile)
		seeds="testdata/profiles testdata/bad tests/fuzz/regress/profile"
		opts="-max_len=1048576 -rss_limit_mb=2048 -timeout=30" ;;
	binary)
		seeds="tests/fuzz/regress/binary $build/testdata/bin/cachesvc.pgo $build/testdata/bin/cachesvc.arm64.pgo testdata/bad/notelf.bin testdata/bad/truncated.elf"
		opts="-max_len=8388608 -rss_limit_mb=4096 -timeout=60" ;;
	esac
	for s in $seeds; do
		if [ -d "$s" ]; then cp "$s"/* "$corpus"/ 2>/dev/null || true; else cp "$s" "$corpus"/; fi
	done
	echo "== fuzz_$t for ${secs}s"
	log=$build/fuzz-$t.log
	# -fork would need more cores than the 2 this project shares.
	if ! "$build/fuzz/fuzz_$t" $opts -max_total_time="$secs" -print_final_stats=1 \
		-artifact_prefix="$build/artifacts/$t/" "$corpus" >"$log" 2>&1; then
		status=1
		tail -n 40 "$log"
	fi
	grep -E '^#[0-9]+.*(DONE|pulse)' "$log" | tail -n 1 || true
	grep -E 'stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$log" || true
done
exit $status
