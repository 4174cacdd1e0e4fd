#!/bin/sh
# `make install PREFIX=...` into a temporary prefix installs the CLI, the
# library (static and shared), its headers, the man page and a pkg-config
# file; a tiny program then builds against the library through pkg-config
# and runs; `make uninstall` removes every file again.
# Usage: sh tests/cli/test_install.sh BUILD_DIR    (from the repository root)
set -u
BUILD=${1:-build}
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix

ok() { echo "ok - $1"; pass=$((pass + 1)); }
notok() { echo "not ok - $1"; fail=$((fail + 1)); }
check() { # check NAME COMMAND...
	name=$1
	shift
	if "$@" >"$tmp/log" 2>&1; then ok "$name"; else notok "$name"; sed 's/^/# /' "$tmp/log"; fi
}

# A sanitizer build's library needs the sanitizer runtime in the program too.
san=""
if [ -f "$BUILD/libpgodrift.so" ] && readelf -d "$BUILD/libpgodrift.so" 2>/dev/null | grep -q 'libasan'; then
	san="-fsanitize=address,undefined"
fi

check "make install PREFIX=tmp" make --no-print-directory -s BUILD="$BUILD" install PREFIX="$prefix"

for f in bin/pgodrift lib/libpgodrift.a lib/libpgodrift.so lib/libpgodrift.so.0 \
	 include/pgodrift/pgodrift.h share/man/man1/pgodrift.1 lib/pkgconfig/pgodrift.pc \
	 share/bash-completion/completions/pgodrift share/zsh/site-functions/_pgodrift \
	 share/pgodrift/ci/pr-comment.sh; do
	if [ -e "$prefix/$f" ]; then ok "installs $f"; else notok "installs $f"; fi
done

version=$(sed -n 's/^#define PGD_VERSION "\(.*\)"/\1/p' include/pgodrift/pgodrift.h)
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
if [ "$(pkg-config --modversion pgodrift 2>/dev/null)" = "$version" ] &&
   [ "$(pkg-config --variable=prefix pgodrift)" = "$prefix" ] &&
   pkg-config --cflags pgodrift | grep -q -- "-I$prefix/include" &&
   pkg-config --static --libs pgodrift | grep -q -- '-lcjson'; then
	ok "pkg-config pgodrift: version $version, prefix, cflags, static libs"
else
	notok "pkg-config pgodrift: version $version, prefix, cflags, static libs"
	pkg-config --print-errors --cflags --libs --static pgodrift 2>&1 | sed 's/^/# /'
fi

if "$prefix/bin/pgodrift" --version 2>&1 | grep -qx "pgodrift $version"; then
	ok "installed pgodrift --version"
else
	notok "installed pgodrift --version"
fi
if MANPATH="$prefix/share/man" man -w pgodrift 2>/dev/null | grep -q "^$prefix/share/man/man1/pgodrift.1"; then
	ok "man finds the installed page"
elif ! command -v man >/dev/null 2>&1; then
	echo "ok - man finds the installed page # SKIP man not installed"
	pass=$((pass + 1))
else
	notok "man finds the installed page"
fi

cat >"$tmp/tiny.c" <<'C'
#include <stdio.h>
#include <string.h>
#include <pgodrift/pgodrift.h>

int main(int argc, char **argv)
{
	struct pgd_check_opts o;
	struct pgd_profile *p = NULL;
	struct pgd_err err;
	char buf[2048];

	pgd_check_opts__init(&o);
	if (o.threshold != 0.5)
		return 1;
	if (argc > 1) {
		if (pgd_profile__open(argv[1], NULL, &p, &err)) {
			fprintf(stderr, "%s\n", pgd_err_format(&err, buf, sizeof(buf)));
			return 1;
		}
		printf("samples %lld\n", (long long)pgd_profile__sample_count(p));
		pgd_profile__close(p);
	}
	/* A missing file is an input error with the file named. */
	if (pgd_profile__open("/nonexistent.pprof", NULL, &p, &err) != PGD_EINPUT)
		return 1;
	printf("%s\n", strcmp(err.file, "/nonexistent.pprof") ? "bad" : "ok");
	return 0;
}
C
# shellcheck disable=SC2046
check "tiny program builds with pkg-config --cflags --libs (shared)" \
	cc $san -o "$tmp/tiny" "$tmp/tiny.c" $(pkg-config --cflags --libs pgodrift) -Wl,-rpath,"$prefix/lib"
if "$tmp/tiny" testdata/profiles/base.pprof >"$tmp/out" 2>&1 && grep -q '^samples [1-9]' "$tmp/out" &&
   grep -qx ok "$tmp/out"; then
	ok "tiny program runs against the installed shared library"
else
	notok "tiny program runs against the installed shared library"
	sed 's/^/# /' "$tmp/out"
fi
if ldd "$tmp/tiny" 2>/dev/null | grep -q "$prefix/lib/libpgodrift.so.0"; then
	ok "tiny program loads libpgodrift.so.0 from the prefix"
else
	notok "tiny program loads libpgodrift.so.0 from the prefix"
fi
# shellcheck disable=SC2046
check "tiny program links statically with pkg-config --static" \
	cc $san -o "$tmp/tiny-static" "$tmp/tiny.c" $(pkg-config --cflags pgodrift) \
	"$prefix/lib/libpgodrift.a" $(pkg-config --static --libs-only-l pgodrift | sed 's/-lpgodrift//')
check "static tiny program runs" "$tmp/tiny-static" testdata/profiles/base.pprof

check "make uninstall PREFIX=tmp" make --no-print-directory -s BUILD="$BUILD" uninstall PREFIX="$prefix"
left=$(find "$prefix" -type f -o -type l 2>/dev/null)
if [ -z "$left" ]; then
	ok "uninstall leaves no files behind"
else
	notok "uninstall leaves no files behind"
	echo "$left" | sed 's/^/# /'
fi

# DESTDIR staging (distribution packages): files land under DESTDIR, paths in the .pc do not.
check "make install DESTDIR=stage PREFIX=/usr" \
	make --no-print-directory -s BUILD="$BUILD" install DESTDIR="$tmp/stage" PREFIX=/usr
if grep -qx 'prefix=/usr' "$tmp/stage/usr/lib/pkgconfig/pgodrift.pc" 2>/dev/null; then
	ok "DESTDIR install keeps the final prefix in pgodrift.pc"
else
	notok "DESTDIR install keeps the final prefix in pgodrift.pc"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
