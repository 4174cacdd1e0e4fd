#!/bin/sh
# The static library cannot clash with what a program links beside it:
# every global symbol libpgodrift.a defines starts with pgd_ (git's
# strbuf_*, any arena_* or hashmap_* stay the program's own). Internal
# names are pgd_x_y, the API pgd_object__verb (include/pgodrift/pgodrift.h).
# Usage: sh tests/cli/test_symbols.sh BUILD_DIR    (from the repository root)
set -u
BUILD=${1:-build}
lib=$BUILD/libpgodrift.a
if [ ! -f "$lib" ]; then
	echo "not ok - $lib is built"
	echo "0 passed, 1 failed"
	exit 1
fi
# AddressSanitizer adds one __odr_asan.NAME alias per instrumented global
# (its one-definition-rule check); the name it guards is what counts.
all=$(nm -g --defined-only "$lib" | awk 'NF == 3 { sub(/^__odr_asan\./, "", $3); print $3 }' | sort -u)
bad=$(echo "$all" | grep -v '^pgd_')
if [ -n "$all" ] && [ -z "$bad" ]; then
	echo "ok - nm -g --defined-only $lib: all $(echo "$all" | wc -l) global symbols start with pgd_"
	echo "1 passed, 0 failed"
	exit 0
fi
echo "not ok - nm -g --defined-only $lib: $(echo "$bad" | grep -c .) global symbols without the pgd_ prefix"
echo "$bad" | sed 's/^/# /' | head -30
echo "0 passed, 1 failed"
exit 1
