// SPDX-License-Identifier: MIT
/*
 * The options rule of opts.h, on every public options struct: NULL and
 * sz == 0 mean defaults, an older (shorter) struct is read as far as it
 * goes, a newer (longer) one is accepted only when its unknown tail is zero,
 * and every entry point refuses a bad struct before reading any input.
 */
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
#include "report.h"

/* A caller built against a newer header: our struct plus one field. */
struct newer_check_opts {
	struct pgd_check_opts known;
	int64_t future_field;
};

static void test_null_and_zero_sz_are_defaults(void **state)
{
	struct pgd_check_opts in, out;
	struct pgd_doctor_opts din, dout;
	struct pgd_limits lim;
	struct pgd_write_opts wout;

	(void)state;
	assert_int_equal(pgd_check_opts_resolve(NULL, &out, NULL), 0);
	assert_true(out.threshold == 0.5);
	assert_int_equal(out.min_samples, 30);
	assert_true(out.confidence_z == 1.96);
	assert_int_equal(out.sz, sizeof(out));
	/* sz 0: the fields are not read, whatever they hold */
	memset(&in, 0, sizeof(in));
	in.threshold = 0.9;
	in.min_samples = 7;
	assert_int_equal(pgd_check_opts_resolve(&in, &out, NULL), 0);
	assert_true(out.threshold == 0.5);
	assert_int_equal(out.min_samples, 30);
	memset(&din, 0, sizeof(din));
	din.min_total_samples = 5;
	assert_int_equal(pgd_doctor_opts_resolve(&din, &dout, NULL), 0);
	assert_int_equal(dout.min_total_samples, 30000);
	assert_int_equal(pgd_limits_resolve(NULL, &lim, NULL), 0);
	assert_int_equal(lim.max_elements, 50000000);
	assert_int_equal(pgd_write_opts_resolve(NULL, &wout, NULL), 0);
	assert_null(wout.source_root);
}

static void test_zero_field_is_default(void **state)
{
	struct pgd_check_opts in, out;

	(void)state;
	pgd_check_opts__init(&in);
	in.threshold = 0;
	in.min_samples = 12;
	assert_int_equal(pgd_check_opts_resolve(&in, &out, NULL), 0);
	assert_true(out.threshold == 0.5);
	assert_int_equal(out.min_samples, 12);
}

static void test_older_struct_gets_defaults_for_new_fields(void **state)
{
	struct pgd_check_opts in, out;

	(void)state;
	pgd_check_opts__init(&in);
	in.min_samples = 12;
	in.now_unix = 99;   /* beyond the old sz: must not be read */
	in.sz = offsetof(struct pgd_check_opts, now_unix);
	assert_int_equal(pgd_check_opts_resolve(&in, &out, NULL), 0);
	assert_int_equal(out.min_samples, 12);
	assert_int_equal(out.now_unix, 0);
	assert_int_equal(out.sz, sizeof(out));
}

static void test_newer_struct_zero_tail_accepted(void **state)
{
	struct newer_check_opts in;
	struct pgd_check_opts out;

	(void)state;
	memset(&in, 0, sizeof(in));
	pgd_check_opts__init(&in.known);
	in.known.sz = sizeof(in);
	in.known.min_samples = 3;
	assert_int_equal(pgd_check_opts_resolve(&in.known, &out, NULL), 0);
	assert_int_equal(out.min_samples, 3);
}

static void test_newer_struct_nonzero_tail_refused(void **state)
{
	struct newer_check_opts in;
	struct pgd_check_opts out;
	struct pgd_err err = { 0 };
	struct pgd_report *r = (struct pgd_report *)&in;   /* must stay untouched */
	const char *fresh[1] = { "testdata/profiles/fresh-even.pprof" };

	(void)state;
	memset(&in, 0, sizeof(in));
	pgd_check_opts__init(&in.known);
	in.known.sz = sizeof(in);
	in.future_field = 1;
	assert_int_equal(pgd_check_opts_resolve(&in.known, &out, &err), PGD_EUSAGE);
	assert_non_null(strstr(err.msg, "struct pgd_check_opts: unknown non-zero field"));
	/* the entry point refuses before opening anything (no such binary) */
	memset(&err, 0, sizeof(err));
	assert_int_equal(pgd_check__run("/nonexistent/binary", "testdata/profiles/base.pprof", fresh, 1,
					&in.known, &r, &err),
			 PGD_EUSAGE);
	assert_null(r);
	assert_non_null(strstr(err.msg, "unknown non-zero field"));
}

static void test_bad_limits_inside_check_opts(void **state)
{
	struct pgd_check_opts in, out;
	struct pgd_limits lim;
	struct pgd_err err = { 0 };

	(void)state;
	pgd_check_opts__init(&in);
	memset(&lim, 0, sizeof(lim));
	lim.sz = 2;   /* smaller than the sz field itself */
	in.limits = &lim;
	assert_int_equal(pgd_check_opts_resolve(&in, &out, &err), PGD_EUSAGE);
	assert_non_null(strstr(err.msg, "struct pgd_limits"));
}

static void test_doctor_check_pointer(void **state)
{
	struct pgd_doctor_opts d;
	struct pgd_check_opts co;
	struct pgd_report *r = NULL;
	struct pgd_err err = { 0 };
	const char *paths[1] = { "testdata/profiles/base.pprof" };

	(void)state;
	pgd_doctor_opts__init(&d);
	pgd_check_opts__init(&co);
	co.attribution = (enum pgd_attribution)7;
	d.check = &co;
	d.profile_paths = paths;
	d.nprofiles = 1;
	assert_int_equal(pgd_doctor__run(&d, &r, &err), PGD_EUSAGE);
	assert_null(r);
	assert_non_null(strstr(err.msg, "unknown attribution"));
	co.attribution = PGD_ATTR_COMPILER;
	co.min_samples = 0;   /* default */
	assert_int_equal(pgd_doctor__run(&d, &r, &err), 0);
	assert_non_null(r);
	pgd_report__free(r);
}

/* The report states the interval it computed: the level follows confidence_z. */
static double confidence_param(double z)
{
	struct pgd_check_opts o;
	struct pgd_report *r = NULL;
	struct pgd_err err = { 0 };
	const char *fresh[1] = { "testdata/profiles/fresh-even.pprof" };
	double level = -1;

	pgd_check_opts__init(&o);
	o.confidence_z = z;
	assert_int_equal(pgd_check__run("build/testdata/bin/cachesvc.pgo", "testdata/profiles/base.pprof",
					fresh, 1, &o, &r, &err), 0);
	for (size_t i = 0; i < r->nparams; i++)
		if (!strcmp(r->params[i].key, "confidence"))
			level = r->params[i].value.r;
	pgd_report__free(r);
	return level;
}

static void test_confidence_from_z(void **state)
{
	(void)state;
	assert_true(confidence_param(1.96) == 0.95);
	assert_true(confidence_param(2.576) == 0.99);
	assert_true(confidence_param(1.0) == 0.6827);
}

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* pgd_profile__open_mem reads what pgd_profile__open reads from the same bytes. */
static void test_profile_open_mem(void **state)
{
	const char *paths[] = { "testdata/profiles/base.pprof", "testdata/profiles/base.preprofile" };
	struct pgd_err err = { 0 };

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		struct pgd_profile *a = NULL, *b = NULL;
		struct pgd_edges *ea = NULL, *eb = NULL;
		struct pgd_limits lim = { .sz = sizeof(lim) };
		size_t len;
		unsigned char *data = slurp(paths[i], &len);

		assert_int_equal(pgd_profile__open(paths[i], NULL, &a, &err), 0);
		assert_int_equal(pgd_profile__open_mem(data, len, "mem", NULL, &b, &err), 0);
		assert_string_equal(pgd_profile__path(b), "mem");
		assert_int_equal(pgd_profile__format(a), pgd_profile__format(b));
		assert_int_equal(pgd_profile__sample_count(a), pgd_profile__sample_count(b));
		assert_int_equal(pgd_profile__total_value(a), pgd_profile__total_value(b));
		assert_int_equal(pgd_profile__time_nanos(a), pgd_profile__time_nanos(b));
		assert_int_equal(pgd_edges__build(&a, 1, PGD_ATTR_COMPILER, &ea, &err), 0);
		assert_int_equal(pgd_edges__build(&b, 1, PGD_ATTR_COMPILER, &eb, &err), 0);
		assert_true(pgd_edges__count(ea) > 0);
		assert_int_equal(pgd_edges__count(ea), pgd_edges__count(eb));
		assert_int_equal(pgd_edges__total_weight(ea), pgd_edges__total_weight(eb));
		pgd_edges__free(ea);
		pgd_edges__free(eb);
		pgd_profile__close(a);
		pgd_profile__close(b);
		/* the same caps as a file */
		lim.max_file_bytes = len - 1;
		assert_int_equal(pgd_profile__open_mem(data, len, "mem", &lim, &b, &err), PGD_ELIMIT);
		assert_null(b);
		free(data);
	}
}

static void test_version(void **state)
{
	(void)state;
	assert_string_equal(pgd_version(), PGD_VERSION);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_null_and_zero_sz_are_defaults),
		cmocka_unit_test(test_zero_field_is_default),
		cmocka_unit_test(test_older_struct_gets_defaults_for_new_fields),
		cmocka_unit_test(test_newer_struct_zero_tail_accepted),
		cmocka_unit_test(test_newer_struct_nonzero_tail_refused),
		cmocka_unit_test(test_bad_limits_inside_check_opts),
		cmocka_unit_test(test_doctor_check_pointer),
		cmocka_unit_test(test_confidence_from_z),
		cmocka_unit_test(test_profile_open_mem),
		cmocka_unit_test(test_version),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
