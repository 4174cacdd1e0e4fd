#!/bin/sh
# The library as an outside program sees it, built against the installed
# header only (make install into a temporary prefix):
#   - a program walks a check report through the getters (pgd_report__site,
#     __finding, __summary_int) and must agree, site by site, with the
#     JSON report the CLI writes for the same inputs;
#   - a program compiled against an OLDER header (pgd_check_opts without
#     now_unix, pgd_write_opts without link_base, pgd_site_view without
#     ncallees) runs against today's library: its options are honoured, its
#     shorter view is not overrun;
#   - a program compiled against a NEWER header (one more field) is accepted
#     while that field is zero and refused with PGD_EUSAGE when it is not;
#   - libpgodrift.so exports exactly the header's PGD_API functions, each
#     under the PGODRIFT_0.1 version node (libpgodrift.map), and
#     pgd_version() matches PGD_VERSION.
# Usage: sh tests/cli/test_abi.sh BUILD_DIR    (from the repository root)
set -u
BUILD=${1:-build}
BIN="$BUILD/testdata/bin"
P=testdata/profiles
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

san=""
if [ -f "$BUILD/libpgodrift.so" ] && readelf -d "$BUILD/libpgodrift.so" 2>/dev/null | grep -q 'libasan'; then
	san="-fsanitize=address,undefined"
fi
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"

if ! make --no-print-directory -s BUILD="$BUILD" install PREFIX="$prefix" >"$tmp/log" 2>&1; then
	notok "make install PREFIX=tmp"
	sed 's/^/# /' "$tmp/log"
	echo "$pass passed, $fail failed"
	exit 1
fi
inc=$prefix/include
lib=$prefix/lib
build_prog() { # build_prog OUT SRC INCDIR
	cc $san -std=c11 -Wall -Wextra -Werror -o "$1" "$2" -I"$3" -L"$lib" -lpgodrift -Wl,-rpath,"$lib"
}

# ---- walking a check report through the getters ----------------------------------
cat >"$tmp/walk.c" <<'C'
#include <stdio.h>
#include <pgodrift/pgodrift.h>

static const char *sev(enum pgd_severity s)
{
	return s == PGD_SEV_RISK ? "risk" : s == PGD_SEV_WARN ? "warn" : s == PGD_SEV_INFO ? "info" : "none";
}

int main(int argc, char **argv)
{
	struct pgd_check_opts o;
	struct pgd_report *r = NULL;
	struct pgd_err err;
	struct pgd_site_view v = { .sz = sizeof(v) };
	struct pgd_finding_view f = { .sz = sizeof(f) };
	struct pgd_callee_view c = { .sz = sizeof(c) };
	struct pgd_inlining_view in = { .sz = sizeof(in) };
	struct pgd_inl_site_view is = { .sz = sizeof(is) };
	const char *fresh[1];
	int64_t findings = -1;
	char buf[2048];

	if (argc != 4)
		return 2;
	fresh[0] = argv[3];
	pgd_check_opts__init(&o);
	o.now_unix = 1795000000;
	if (pgd_check__run(argv[1], argv[2], fresh, 1, &o, &r, &err)) {
		fprintf(stderr, "%s\n", pgd_err_format(&err, buf, sizeof(buf)));
		return 1;
	}
	printf("schema %s\n", pgd_report__schema(r));
	for (size_t i = 0; i < pgd_report__nsites(r); i++) {
		if (pgd_report__site(r, i, &v))
			return 1;
		printf("site %s %lld %s %s %s %.6f\n", v.caller, (long long)v.line, v.verdict,
		       sev(v.severity), v.guarded ? v.guarded : "null", v.fresh_share);
		for (size_t j = 0; j < v.ncallees; j++) {
			if (pgd_report__site_callee(r, i, j, &c))
				return 1;
			printf("callee %s %lld %lld\n", c.name, (long long)c.base_weight,
			       (long long)c.fresh_weight);
		}
		if (pgd_report__site_callee(r, i, v.ncallees, &c) != PGD_EUSAGE)
			return 1;
	}
	for (size_t i = 0; i < pgd_report__nfindings(r); i++) {
		if (pgd_report__finding(r, i, &f))
			return 1;
		printf("warning %s %s\n", f.id, sev(f.severity));
	}
	if (pgd_report__site(r, pgd_report__nsites(r), &v) != PGD_EUSAGE)
		return 1;   /* past the end */
	if (pgd_report__summary_int(r, "findings", &findings))
		return 1;
	printf("findings %lld\n", (long long)findings);
	if (pgd_report__inlining(r, &in))
		return 1;
	if (in.ran || in.skipped_why)
		printf("inlining %s %s %zu %zu\n", in.ran ? "true" : "false",
		       in.skipped_why ? in.skipped_why : "null", in.nstale_hot, in.nmissed_hot);
	for (int l = 0; l < 2; l++) {
		size_t n = l ? in.nmissed_hot : in.nstale_hot;

		for (size_t i = 0; i < n; i++) {
			if (pgd_report__inlining_site(r, (enum pgd_inl_list)l, i, &is))
				return 1;
			printf("%s %s %lld %s %llu\n", l ? "missed" : "stale", is.caller,
			       (long long)is.offset, is.callee, (unsigned long long)is.bytes);
		}
		if (pgd_report__inlining_site(r, (enum pgd_inl_list)l, n, &is) != PGD_EUSAGE)
			return 1;   /* past the end */
	}
	pgd_report__free(r);
	return 0;
}
C
check "a program using only the installed header builds (getters)" build_prog "$tmp/walk" "$tmp/walk.c" "$inc"
walk_case() { # walk_case NAME FRESH LINE-THAT-MUST-APPEAR
	"$tmp/walk" "$BIN/cachesvc.pgo" $P/base.pprof "$2" >"$tmp/walk.out" 2>"$tmp/walk.err"
	SOURCE_DATE_EPOCH=1795000000 "$BUILD/pgodrift" check --binary "$BIN/cachesvc.pgo" --base $P/base.pprof \
		--fresh "$2" --format json >"$tmp/cli.json" 2>/dev/null
	{
		jq -r '"schema \(.schema)"' "$tmp/cli.json"
		jq -r '.sites[] | "site \(.caller) \(.line) \(.verdict) \(.severity) \(.guarded // "null") \(.fresh_share.share)",
			(.callees[] | "callee \(.name) \(.base_weight) \(.fresh_weight)")' \
			"$tmp/cli.json" | awk '$1 == "site" { $7 = sprintf("%.6f", $7) } { print }'
		jq -r '.warnings[] | "warning \(.id) \(.severity)"' "$tmp/cli.json"
		jq -r '"findings \(.summary.findings)"' "$tmp/cli.json"
		jq -r '.inlining // empty | "inlining \(.ran) \(.skipped_why // "null") \(.stale_hot // [] | length) \(.missed_hot // [] | length)",
			(.stale_hot // [] | .[] | "stale \(.caller) \(.offset) \(.callee) \(.bytes)"),
			(.missed_hot // [] | .[] | "missed \(.caller) \(.offset) \(.callee) \(.bytes)")' "$tmp/cli.json"
	} >"$tmp/want.out"
	if [ -s "$tmp/walk.out" ] && grep -q "^$3 " "$tmp/walk.out" && cmp -s "$tmp/walk.out" "$tmp/want.out"; then
		ok "getters walk check's findings ($1): the same sites, verdicts, shares, callees and warnings as the JSON"
	else
		notok "getters walk check's findings ($1): the same sites, verdicts, shares, callees and warnings as the JSON"
		diff "$tmp/want.out" "$tmp/walk.out" | sed 's/^/# /' | head -20
		sed 's/^/# /' "$tmp/walk.err"
	fi
}
walk_case "fresh-even" $P/fresh-even.pprof site
walk_case "fresh-flipped" $P/fresh-flipped.pprof site
walk_case "fresh-short, with warnings" $P/fresh-short.pprof warning

# ---- a caller built against an older, shorter header ---------------------------------
mkdir -p "$tmp/old/pgodrift" "$tmp/new/pgodrift"
# The fields appended last to each struct are the ones an older header lacks.
# pgd_check_opts's inlining fields (issue #17) came after now_unix: an older
# header lacks all three.
sed -e '/int64_t now_unix;  *\/\* "now" for profile-age warnings/d' \
    -e '/^	int no_inlining;$/d' -e '/^	uint64_t inlining_warn_bytes;$/d' \
    -e '/const char \*link_base; /d' \
    -e '/^	size_t ncallees;$/d' "$inc/pgodrift/pgodrift.h" >"$tmp/old/pgodrift/pgodrift.h"
if [ "$(diff "$inc/pgodrift/pgodrift.h" "$tmp/old/pgodrift/pgodrift.h" | grep -c '^<')" -eq 5 ]; then
	ok "older header: pgd_check_opts three fields shorter, pgd_write_opts and pgd_site_view one"
else
	notok "older header: pgd_check_opts three fields shorter, pgd_write_opts and pgd_site_view one"
fi
cat >"$tmp/old.c" <<'C'
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <pgodrift/pgodrift.h>

int main(int argc, char **argv)
{
	struct pgd_check_opts o;
	struct pgd_write_opts wo;
	struct pgd_report *r = NULL;
	struct pgd_err err;
	struct { struct pgd_site_view v; unsigned char canary[64]; } w;
	const char *fresh[1] = { argv[3] };
	char buf[2048];

	if (argc != 5)
		return 2;
	pgd_check_opts__init(&o);   /* the library's init: it sets sz to its own size... */
	o.sz = sizeof(o);           /* ...so an old binary passes the size it was built with */
	o.min_samples = 10;
	o.threshold = 0.6;
	if (pgd_check__run(argv[1], argv[2], fresh, 1, &o, &r, &err)) {
		fprintf(stderr, "%s\n", pgd_err_format(&err, buf, sizeof(buf)));
		return 1;
	}
	memset(&w, 0xA5, sizeof(w));
	w.v.sz = sizeof(w.v);
	for (size_t i = 0; i < pgd_report__nsites(r); i++)
		if (pgd_report__site(r, i, &w.v) || !w.v.verdict)
			return 1;
	for (size_t i = 0; i < sizeof(w.canary); i++)
		if (w.canary[i] != 0xA5)
			return 3;   /* the library wrote past the caller's view */
	memset(&wo, 0, sizeof(wo));
	wo.sz = sizeof(wo);
	if (pgd_report__write_file(r, "json", &wo, argv[4], &err)) {
		fprintf(stderr, "%s\n", pgd_err_format(&err, buf, sizeof(buf)));
		return 1;
	}
	printf("%zu\n", sizeof(o));
	pgd_report__free(r);
	return 0;
}
C
check "a caller built against the older header builds" build_prog "$tmp/old-prog" "$tmp/old.c" "$tmp/old"
old_sz=$("$tmp/old-prog" "$BIN/cachesvc.pgo" $P/base.pprof $P/fresh-even.pprof "$tmp/old.json" 2>"$tmp/old.err")
rc=$?
if [ "$rc" -eq 0 ] && jq -e '.parameters.min_samples == 10 and .parameters.threshold == 0.6
	and (.sites | length) > 0' "$tmp/old.json" >/dev/null 2>&1; then
	ok "the older caller ($old_sz-byte pgd_check_opts) runs against the new library: its options are read, its view is not overrun"
else
	notok "the older caller runs against the new library (exit $rc)"
	sed 's/^/# /' "$tmp/old.err"
fi

# ---- a caller built against a newer, longer header ------------------------------------
# After pgd_check_opts's last field (inlining_warn_bytes, issue #17).
sed -e 's|^\(	uint64_t inlining_warn_bytes;\)$|\1\n	int64_t future_option;|' \
	"$inc/pgodrift/pgodrift.h" >"$tmp/new/pgodrift/pgodrift.h"
cat >"$tmp/new.c" <<'C'
#include <stdio.h>
#include <string.h>
#include <pgodrift/pgodrift.h>

int main(int argc, char **argv)
{
	struct pgd_check_opts o;
	struct pgd_report *r = NULL;
	struct pgd_err err;
	const char *fresh[1] = { argv[3] };
	int ret;

	if (argc != 4)
		return 2;
	memset(&o, 0, sizeof(o));
	o.sz = sizeof(o);
	o.min_samples = 10;
	ret = pgd_check__run(argv[1], argv[2], fresh, 1, &o, &r, &err);   /* future_option 0: fine */
	pgd_report__free(r);
	r = NULL;
	if (ret)
		return 1;
	o.future_option = 1;
	ret = pgd_check__run(argv[1], argv[2], fresh, 1, &o, &r, &err);
	if (ret != PGD_EUSAGE || r)
		return 1;
	printf("%s\n", err.msg);
	return 0;
}
C
if grep -q future_option "$tmp/new/pgodrift/pgodrift.h" &&
   build_prog "$tmp/new-prog" "$tmp/new.c" "$tmp/new" >"$tmp/log" 2>&1 &&
   "$tmp/new-prog" "$BIN/cachesvc.pgo" $P/base.pprof $P/fresh-even.pprof >"$tmp/new.out" 2>&1 &&
   grep -q '^struct pgd_check_opts: unknown non-zero field' "$tmp/new.out"; then
	ok "a newer caller: accepted with its new field zero, refused with PGD_EUSAGE when set ($(head -c 80 "$tmp/new.out")...)"
else
	notok "a newer caller: accepted with its new field zero, refused with PGD_EUSAGE when set"
	sed 's/^/# /' "$tmp/log" "$tmp/new.out" 2>/dev/null | head
fi

# ---- the exported names and their version ----------------------------------------------
sed -n 's/^PGD_API [^(]*[^a-z_0-9]\([a-z_0-9]*\)(.*/\1/p' "$inc/pgodrift/pgodrift.h" | sort >"$tmp/api"
nm -D --defined-only "$lib/libpgodrift.so" | awk '$2 ~ /^[TWDBR]$/ { print $3 }' | sed 's/@.*//' | sort >"$tmp/exported"
if [ -s "$tmp/api" ] && cmp -s "$tmp/api" "$tmp/exported"; then
	ok "libpgodrift.so exports exactly the $(wc -l <"$tmp/api") PGD_API functions of the header"
else
	notok "libpgodrift.so exports exactly the PGD_API functions of the header"
	diff "$tmp/api" "$tmp/exported" | sed 's/^/# /' | head -20
fi
unversioned=$(objdump -T "$lib/libpgodrift.so" | awk '/ pgd_/ && !/PGODRIFT_0\.1/' | head -5)
if [ -z "$unversioned" ] && objdump -T "$lib/libpgodrift.so" | grep -q 'PGODRIFT_0\.1 *pgd_version'; then
	ok "every export carries the PGODRIFT_0.1 version node (libpgodrift.map)"
else
	notok "every export carries the PGODRIFT_0.1 version node (libpgodrift.map)"
	echo "$unversioned" | sed 's/^/# /'
fi
cat >"$tmp/ver.c" <<'C'
#include <stdio.h>
#include <string.h>
#include <pgodrift/pgodrift.h>
int main(void) { puts(pgd_version()); return strcmp(pgd_version(), PGD_VERSION) != 0; }
C
check "pgd_version() of the installed library is the header's PGD_VERSION" \
	sh -c "cc $san -o '$tmp/ver' '$tmp/ver.c' -I'$inc' -L'$lib' -lpgodrift -Wl,-rpath,'$lib' && '$tmp/ver'"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
