// SPDX-License-Identifier: MIT
/* Profile decoding on the real fixtures: what opens, and why the rest does not. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "opts.h"
#include "profile.h"
#include "strbuf.h"

static char *slurp(const char *path, size_t *len)
{
	struct strbuf sb = STRBUF_INIT;

	assert_int_equal(pgd_strbuf_read_file(&sb, path), 0);
	return pgd_strbuf_detach(&sb, len);
}

/* Opening path fails with code, names path, and the message has every word. */
static void expect_fail(const char *path, const struct pgd_limits *lim, int code, ...)
{
	struct pgd_profile *p = (struct pgd_profile *)1;
	struct pgd_err err = { 0 };
	const char *word;
	va_list ap;
	int ret;

	ret = pgd_profile__open(path, lim, &p, &err);
	if (ret != code)
		fail_msg("%s: got %d (%s), want %d", path, ret, err.msg, code);
	assert_null(p);
	assert_int_equal(err.code, code);
	assert_string_equal(err.file, path);
	/* One line: the CLI prints it as is. */
	assert_null(strchr(err.msg, '\n'));
	va_start(ap, code);
	while ((word = va_arg(ap, const char *)))
		if (!strstr(err.msg, word))
			fail_msg("%s: message \"%s\" lacks \"%s\"", path, err.msg, word);
	va_end(ap);
}

static void test_bad_inputs(void **state)
{
	(void)state;
	expect_fail("testdata/bad/empty.pprof", NULL, PGD_EINPUT, "empty file", "0 bytes", NULL);
	expect_fail("testdata/bad/html.pprof", NULL, PGD_EINPUT, "HTML", NULL);
	expect_fail("testdata/bad/truncated.pprof", NULL, PGD_EINPUT, "truncated gzip", NULL);
	expect_fail("testdata/bad/notpprof.pprof", NULL, PGD_EINPUT, "not a pprof profile", NULL);
	expect_fail("testdata/profiles/heap.pprof", NULL, PGD_EINPUT, "no usable sample type",
		    "alloc_space/bytes", "heap profile", NULL);
	expect_fail("testdata/profiles/go119.pprof", NULL, PGD_EINPUT, "start_line", "Go < 1.20", NULL);
	expect_fail("testdata/profiles/no-such-profile.pprof", NULL, PGD_EINPUT, "cannot open",
		    "No such file", NULL);
	expect_fail("testdata/profiles", NULL, PGD_EINPUT, "directory", NULL);
}

static void test_limits(void **state)
{
	struct pgd_limits lim = { .sz = sizeof(lim) };

	(void)state;
	lim.max_file_bytes = 100;
	expect_fail("testdata/profiles/base.pprof", &lim, PGD_ELIMIT, "max_file_bytes", "100", NULL);
	lim.max_file_bytes = 0;
	lim.max_decoded_bytes = 1000;
	expect_fail("testdata/profiles/base.pprof", &lim, PGD_ELIMIT, "max_decoded_bytes", "1000", NULL);
	lim.max_decoded_bytes = 0;
	lim.max_elements = 10;
	expect_fail("testdata/profiles/base.pprof", &lim, PGD_ELIMIT, "max_elements", "10", NULL);
	expect_fail("testdata/profiles/base.preprofile", &lim, PGD_ELIMIT, "max_elements", NULL);

	/* Zero fields are defaults; an old, shorter struct is read only as far as it goes. */
	struct pgd_limits out;

	assert_int_equal(pgd_limits_resolve(NULL, &out, NULL), 0);
	assert_int_equal(out.max_file_bytes, 1ULL << 30);
	assert_int_equal(out.max_decoded_bytes, 2ULL << 30);
	assert_int_equal(out.max_elements, 50000000);
	lim.sz = offsetof(struct pgd_limits, max_decoded_bytes);
	lim.max_file_bytes = 7;
	lim.max_elements = 3;
	assert_int_equal(pgd_limits_resolve(&lim, &out, NULL), 0);
	assert_int_equal(out.max_file_bytes, 7);
	assert_int_equal(out.max_elements, 50000000);
}

/*
 * Checked against Go (Go 1.23.5), on the base.pprof committed with this test:
 *   go tool pprof -raw testdata/profiles/base.pprof
 * prints "Period: 1000000", "Time: 2026-11-25 23:18:00.530812958 +0000 UTC",
 * "Duration: 2m34" (a Duration cut to 4 characters by %.4v) and the samples,
 * whose samples/count column sums to 31826 (cpu/nanoseconds: 3.1826e+10):
 *   go tool pprof -raw testdata/profiles/base.pprof | awk '/^Samples:/ { s = 1;
 *     getline; next } s && /^Locations/ { s = 0 } s && /^ +[0-9]+ / { n += $1 }
 *     END { print n }'
 *   date -u -d "2026-11-25 23:18:00.530812958 UTC" +%s%N  -> 1795648680530812958
 * If contrib/gen-testdata.sh recaptures base.pprof, rerun these and update.
 */
#define BASE_SAMPLES 31826
#define BASE_PERIOD 1000000
#define BASE_TIME_NANOS 1795648680530812958LL

static void test_base_counts(void **state)
{
	struct pgd_profile *p = NULL;
	struct pgd_err err = { 0 };

	(void)state;
	assert_int_equal(pgd_profile__open("testdata/profiles/base.pprof", NULL, &p, &err), 0);
	assert_int_equal(pgd_profile__format(p), PGD_PROFILE_PPROF);
	assert_string_equal(pgd_profile__path(p), "testdata/profiles/base.pprof");
	assert_string_equal(p->value_type, "samples");
	assert_string_equal(p->value_unit, "count");
	assert_int_equal(pgd_profile__sample_count(p), BASE_SAMPLES);
	assert_int_equal(p->period, BASE_PERIOD);
	assert_int_equal(pgd_profile__time_nanos(p), BASE_TIME_NANOS);
	/* "2m34": at least 154 s, less than 155 s. */
	assert_in_range(pgd_profile__duration_nanos(p), 154000000000LL, 154999999999LL);
	/* The value column is samples/count, so the two totals agree. */
	assert_int_equal(pgd_profile__total_value(p), BASE_SAMPLES);
	assert_true(p->any_start_line);
	assert_true(p->nnodes > 0 && p->nlocations > 0 && p->nfunctions > 0);
	pgd_profile__close(p);
}

static void test_preprofile_input(void **state)
{
	struct pgd_profile *p = NULL;
	struct pgd_err err = { 0 };

	(void)state;
	assert_int_equal(pgd_profile__open("testdata/profiles/base.preprofile", NULL, &p, &err), 0);
	assert_int_equal(pgd_profile__format(p), PGD_PROFILE_PREPROFILE);
	assert_true(p->npre_edges > 0);
	assert_int_equal(pgd_profile__total_value(p), 0);
	assert_int_equal(pgd_profile__sample_count(p), 0);
	pgd_profile__close(p);
}

/* Malformed text, made from the real base.preprofile by cutting and editing it. */
static int decode_text(const char *text, size_t len, struct pgd_err *err)
{
	struct pgd_profile p;
	struct pgd_limits lim;
	int ret;

	memset(&p, 0, sizeof(p));
	pgd_arena_init(&p.arena, 0);
	p.path = "edited.preprofile";
	assert_int_equal(pgd_limits_resolve(NULL, &lim, NULL), 0);
	ret = pgd_preprofile_decode(&p, text, len, &lim, err);
	pgd_arena_release(&p.arena);
	return ret;
}

static void test_malformed_preprofile(void **state)
{
	struct pgd_err err = { 0 };
	size_t len, nl = 0;
	char *text = slurp("testdata/profiles/base.preprofile", &len), *last, *sp;

	(void)state;
	assert_true(pgd_preprofile_sniff(text, len));
	assert_int_equal(decode_text(text, len, &err), 0);
	for (size_t i = 0; i < len; i++)
		nl += text[i] == '\n';
	/* The last line is "OFFSET WEIGHT" of the last edge. */
	assert_true(len > 2 && text[len - 1] == '\n');
	text[len - 1] = '\0';
	last = strrchr(text, '\n') + 1;
	text[len - 1] = '\n';
	sp = strchr(last, ' ');
	assert_non_null(sp);

	*sp = '\t';
	assert_int_equal(decode_text(text, len, &err), PGD_EINPUT);
	char want[64];
	snprintf(want, sizeof(want), "line %zu:", nl);
	assert_non_null(strstr(err.msg, want));
	assert_non_null(strstr(err.msg, "OFFSET WEIGHT"));
	*sp = ' ';

	sp[1] = 'x';
	assert_int_equal(decode_text(text, len, &err), PGD_EINPUT);
	assert_non_null(strstr(err.msg, want));
	assert_non_null(strstr(err.msg, "bad edge weight"));
	sp[1] = '1';

	/* Without its last line the last entry has no weight. */
	assert_int_equal(decode_text(text, (size_t)(last - text), &err), PGD_EINPUT);
	assert_non_null(strstr(err.msg, "no \"OFFSET WEIGHT\" line"));

	/* The first entry repeated is a duplicate, as Go's FromSerialized says. */
	char *first = strchr(text, '\n') + 1, *third = first;
	for (int k = 0; k < 3; k++)
		third = strchr(third, '\n') + 1;
	size_t elen = (size_t)(third - first);
	char *dup = malloc(len + elen);
	assert_non_null(dup);
	memcpy(dup, text, len);
	memcpy(dup + len, first, elen);
	assert_int_equal(decode_text(dup, len + elen, &err), PGD_EINPUT);
	assert_non_null(strstr(err.msg, "duplicate edge"));
	assert_non_null(strstr(err.msg, "first at line 2"));
	free(dup);

	/* A wrong header is not a preprofile at all. */
	text[3] = 'p';
	assert_false(pgd_preprofile_sniff(text, len));
	assert_int_equal(decode_text(text, len, &err), PGD_EINPUT);
	assert_non_null(strstr(err.msg, "line 1"));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_inputs),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_base_counts),
		cmocka_unit_test(test_preprofile_input),
		cmocka_unit_test(test_malformed_preprofile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
