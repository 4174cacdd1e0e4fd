#!/bin/sh
# Makes testdata/bin/cachesvc.zdebug.gz: cachesvc.nopgo with its DWARF
# recompressed GNU-style (.zdebug_* sections, "ZLIB" + 8-byte size), the
# layout Go linkers before 1.12 wrote. Go's current linker and toolchain
# cannot produce it any more, so it is made with binutils' objcopy.
#
#   sh contrib/make-zdebug-fixture.sh     (from the repository root)
set -eu
src=testdata/bin/cachesvc.nopgo.gz
out=testdata/bin/cachesvc.zdebug.gz
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
gzip -dc "$src" > "$work/in"
objcopy --compress-debug-sections=zlib-gnu "$work/in" "$work/out"
# Keep the fixture honest: every DWARF section must now be a .zdebug one.
if readelf -S -W "$work/out" | grep -q ' \.debug_\(info\|line\|abbrev\)'; then
	echo "make-zdebug-fixture: objcopy left plain .debug_ sections" >&2
	exit 1
fi
readelf -S -W "$work/out" | grep -q ' \.zdebug_info' || {
	echo "make-zdebug-fixture: no .zdebug_info produced" >&2
	exit 1
}
gzip -9n < "$work/out" > "$out.tmp" && mv "$out.tmp" "$out"
echo "wrote $out"
