#!/bin/sh
# Derives the .zdebug fixture: cachesvc.nopgo with its DWARF recompressed
# GNU-style (.zdebug_* sections, "ZLIB" + 8-byte size), the layout Go linkers
# before 1.12 wrote. Go's current toolchain cannot produce it any more, so
# `make fixtures` makes it with binutils' objcopy from the committed binary.
#
#   sh contrib/make-zdebug-fixture.sh IN OUT
set -eu
in=$1
out=$2
objcopy --compress-debug-sections=zlib-gnu "$in" "$out.tmp"
# Keep the fixture honest: every DWARF section must now be a .zdebug one.
if readelf -S -W "$out.tmp" | grep -q ' \.debug_\(info\|line\|abbrev\)'; then
	echo "make-zdebug-fixture: objcopy left plain .debug_ sections" >&2
	rm -f "$out.tmp"
	exit 1
fi
readelf -S -W "$out.tmp" | grep -q ' \.zdebug_info' || {
	echo "make-zdebug-fixture: no .zdebug_info produced" >&2
	rm -f "$out.tmp"
	exit 1
}
mv "$out.tmp" "$out"
