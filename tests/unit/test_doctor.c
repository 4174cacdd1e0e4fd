// SPDX-License-Identifier: MIT
/*
 * The doctor on the real fixtures. Expected figures are recomputed here from
 * the decoded profiles by a separate, deliberately naive path (linear
 * scans, natural logarithms), or checked against `go tool pprof` output
 * quoted with the command that produced it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doctor.h"
#include "err.h"
#include "profile.h"
#include "report.h"

#define P "testdata/profiles/"

static const char *bin_path(const char *name)
{
	static char buf[4][512];
	static int k;
	const char *build = getenv("PGD_BUILD");

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/testdata/bin/%s", build && *build ? build : "build", name);
	return buf[k];
}

static struct pgd_profile *open_profile(const char *path)
{
	struct pgd_profile *p = NULL;
	struct pgd_err err = { 0 };

	if (pgd_profile__open(path, NULL, &p, &err))
		fail_msg("%s: %s", path, err.msg);
	return p;
}

static const struct rpt_finding *find(const struct pgd_report *r, const char *id)
{
	for (size_t i = 0; i < r->nfindings; i++)
		if (!strcmp(r->findings[i].id, id))
			return &r->findings[i];
	return NULL;
}

static const struct rpt_figure *figure(const struct rpt_finding *f, const char *key)
{
	for (size_t i = 0; i < f->nfigures; i++)
		if (!strcmp(f->figures[i].key, key))
			return &f->figures[i];
	fail_msg("%s: no figure %s", f->id, key);
	return NULL;
}

static const struct rpt_check_run *check_run(const struct pgd_report *r, const char *id)
{
	for (size_t i = 0; i < r->nchecks; i++)
		if (!strcmp(r->checks[i].id, id))
			return &r->checks[i];
	fail_msg("no check %s", id);
	return NULL;
}

static struct pgd_report *run(struct pgd_doctor_opts *o)
{
	struct pgd_report *r = NULL;
	struct pgd_err err = { 0 };

	if (!o->now_unix)
		o->now_unix = 1;   /* overridden by tests that care; keeps profile-age quiet */
	if (pgd_doctor__run(o, &r, &err))
		fail_msg("doctor: %s: %s", err.file, err.msg);
	return r;
}

/* ---- naive recomputations ---------------------------------------------------- */

static const char *fname(const struct pgd_profile *p, uint32_t fi)
{
	return fi < p->nfunctions ? p->functions[fi].name : "";
}

static int stack_has(const struct pgd_profile *p, const struct pgd_sample *s, const char *name)
{
	for (uint32_t i = 0; i < s->nlocations; i++) {
		const struct pgd_location *l = &p->locations[s->locations[i]];

		for (uint32_t j = 0; j < l->nlines; j++)
			if (!strcmp(fname(p, l->lines[j].function), name))
				return 1;
	}
	return 0;
}

struct flat {
	const char *name[4096];
	double w[2][4096];
	size_t n;
};

static void flat_add(struct flat *fl, const struct pgd_profile *p, int col)
{
	for (uint32_t i = 0; i < p->nsamples; i++) {
		const struct pgd_sample *s = &p->samples[i];
		const struct pgd_location *l;
		const char *n = "";
		size_t k;

		if (s->nlocations && (l = &p->locations[s->locations[0]])->nlines)
			n = fname(p, l->lines[0].function);
		for (k = 0; k < fl->n; k++)
			if (!strcmp(fl->name[k], n))
				break;
		if (k == fl->n) {
			assert_true(fl->n < 4096);
			fl->name[fl->n++] = n;
		}
		fl->w[col][k] += (double)s->value;
	}
}

static double naive_js(const struct pgd_profile *a, const struct pgd_profile *b)
{
	static struct flat fl;
	double ta = 0, tb = 0, js = 0;

	memset(&fl, 0, sizeof(fl));
	flat_add(&fl, a, 0);
	flat_add(&fl, b, 1);
	for (size_t k = 0; k < fl.n; k++) {
		ta += fl.w[0][k];
		tb += fl.w[1][k];
	}
	for (size_t k = 0; k < fl.n; k++) {
		double p = fl.w[0][k] / ta, q = fl.w[1][k] / tb, m = (p + q) / 2;

		if (p > 0)
			js += 0.5 * p * log(p / m);
		if (q > 0)
			js += 0.5 * q * log(q / m);
	}
	return js / log(2);
}

/* ---- tests ---------------------------------------------------------------------- */

static void test_opts_defaults(void **state)
{
	struct pgd_doctor_opts o;

	(void)state;
	pgd_doctor_opts__init(&o);
	assert_int_equal(o.sz, sizeof(o));
	assert_int_equal(o.min_total_samples, 30000);
	assert_true(o.max_startup_share == 0.25);
	assert_true(o.max_single_function_share == 0.80);
	assert_true(o.max_divergence == 0.2);
	assert_true(o.max_stale_share == 0.05);
	assert_true(o.max_age_days == 90);
	assert_true(o.max_growth == 0.05);
	assert_null(o.check);   /* NULL: check's defaults (min_samples 30) */
}

static void test_needs_a_profile(void **state)
{
	struct pgd_doctor_opts o;
	struct pgd_report *r = NULL;
	struct pgd_err err = { 0 };

	(void)state;
	pgd_doctor_opts__init(&o);
	assert_int_equal(pgd_doctor__run(&o, &r, &err), PGD_EUSAGE);
	assert_null(r);
}

/* The clean pair: nothing at warn or above, every profile check ran. */
static void test_clean_profiles(void **state)
{
	const char *fresh[] = { P "fresh-same.pprof" };
	struct pgd_doctor_opts o;
	struct pgd_report *r;

	(void)state;
	pgd_doctor_opts__init(&o);
	o.base_path = P "base.pprof";
	o.fresh_paths = fresh;
	o.nfresh = 1;
	r = run(&o);
	assert_true(pgd_report__worst_severity(r) < PGD_SEV_WARN);
	assert_true(check_run(r, "distribution-skew")->ran);
	assert_false(check_run(r, "stale-names")->ran);
	assert_string_equal(check_run(r, "stale-names")->skipped_why, "needs --binary");
	assert_string_equal(check_run(r, "layout")->skipped_why, "needs --repo");
	pgd_report__free(r);
}

static void test_unusable_is_a_finding(void **state)
{
	const char *profiles[] = { "testdata/bad/empty.pprof", "testdata/bad/html.pprof",
				   P "base.pprof" };
	struct pgd_doctor_opts o;
	struct pgd_report *r;
	size_t n = 0;

	(void)state;
	pgd_doctor_opts__init(&o);
	o.profile_paths = profiles;
	o.nprofiles = 3;
	r = run(&o);
	for (size_t i = 0; i < r->nfindings; i++) {
		if (strcmp(r->findings[i].id, "unusable-profile"))
			continue;
		assert_int_equal(r->findings[i].severity, PGD_SEV_RISK);
		assert_non_null(strstr(r->findings[i].input, "testdata/bad/"));
		n++;
	}
	assert_int_equal(n, 2);
	/* Sorted: risk first. */
	assert_string_equal(r->findings[0].id, "unusable-profile");
	pgd_report__free(r);
}

/*
 * too-few-samples: the figure is the samples/count column summed here
 * straight from the samples.
 */
static void test_too_few_samples(void **state)
{
	const char *profiles[] = { P "fresh-short.pprof" };
	struct pgd_profile *p = open_profile(profiles[0]);
	struct pgd_doctor_opts o;
	struct pgd_report *r;
	const struct rpt_finding *f;
	int64_t count = 0;

	(void)state;
	for (uint32_t i = 0; i < p->nsamples; i++)
		count += p->samples[i].count;
	pgd_doctor_opts__init(&o);
	o.profile_paths = profiles;
	o.nprofiles = 1;
	r = run(&o);
	f = find(r, "too-few-samples");
	assert_non_null(f);
	assert_int_equal(f->severity, PGD_SEV_WARN);
	assert_int_equal(figure(f, "samples")->i, count);
	assert_true(count < 30000);
	assert_true(figure(f, "thin_site_weight_share")->r >= 0 &&
		    figure(f, "thin_site_weight_share")->r <= 1);
	pgd_report__free(r);
	pgd_profile__close(p);
}

/*
 * startup-dominated: in the startup capture profiling starts inside the
 * first init, so almost every start-up sample has runtime.doInit1 on its
 * stack; the check's share may only add runtime.main-without-main.main
 * samples on top of that.
 */
static void test_startup(void **state)
{
	const char *profiles[] = { P "startup.pprof" };
	struct pgd_profile *p = open_profile(profiles[0]);
	struct pgd_doctor_opts o;
	struct pgd_report *r;
	const struct rpt_finding *f;
	double in_init = 0, total = 0, share;

	(void)state;
	for (uint32_t i = 0; i < p->nsamples; i++) {
		total += (double)p->samples[i].value;
		if (stack_has(p, &p->samples[i], "runtime.doInit1"))
			in_init += (double)p->samples[i].value;
	}
	pgd_doctor_opts__init(&o);
	o.profile_paths = profiles;
	o.nprofiles = 1;
	r = run(&o);
	f = find(r, "startup-dominated");
	assert_non_null(f);
	share = figure(f, "startup_share")->r;
	assert_true(share > 0.25);
	assert_true(share >= in_init / total - 1e-9);
	assert_true(share - in_init / total < 0.02);
	pgd_report__free(r);
	pgd_profile__close(p);
}

/*
 * microbenchmark-profile: the bench capture is a go test -bench profile.
 * The top-function share of base.pprof is checked against
 *   go tool pprof -top testdata/profiles/base.pprof
 *   11.40s 35.82% 35.82%     14.18s 44.55%  main.(*RedisCache).Get
 * by lowering the threshold below it.
 */
static void test_microbenchmark(void **state)
{
	const char *bench[] = { P "bench.pprof" };
	const char *base[] = { P "base.pprof" };
	struct pgd_profile *p = open_profile(base[0]);
	struct pgd_doctor_opts o;
	struct pgd_report *r;
	const struct rpt_finding *f;
	double top = 0, total = 0;

	(void)state;
	pgd_doctor_opts__init(&o);
	o.profile_paths = bench;
	o.nprofiles = 1;
	r = run(&o);
	f = find(r, "microbenchmark-profile");
	assert_non_null(f);
	assert_int_equal(f->severity, PGD_SEV_RISK);
	assert_true(figure(f, "benchmark_share")->r > 0.5);
	pgd_report__free(r);

	for (uint32_t i = 0; i < p->nsamples; i++) {
		const struct pgd_sample *s = &p->samples[i];
		const struct pgd_location *l = &p->locations[s->locations[0]];

		total += (double)s->value;
		if (l->nlines && !strcmp(fname(p, l->lines[0].function), "main.(*RedisCache).Get"))
			top += (double)s->value;
	}
	pgd_doctor_opts__init(&o);
	o.profile_paths = base;
	o.nprofiles = 1;
	r = run(&o);
	assert_null(find(r, "microbenchmark-profile"));
	pgd_report__free(r);
	o.max_single_function_share = 0.3;
	r = run(&o);
	f = find(r, "microbenchmark-profile");
	assert_non_null(f);
	/* One dominant function without test frames is at most a warning. */
	assert_int_equal(f->severity, PGD_SEV_WARN);
	assert_string_equal(figure(f, "top_function")->s, "main.(*RedisCache).Get");
	assert_true(fabs(figure(f, "top_function_share")->r - top / total) < 1e-9);
	assert_true(fabs(figure(f, "top_function_share")->r - 0.3582) < 0.0005);
	pgd_report__free(r);
	pgd_profile__close(p);
}

static void test_distribution_skew(void **state)
{
	const char *fresh[] = { P "fresh-flipped.pprof" };
	struct pgd_profile *a = open_profile(P "base.pprof");
	struct pgd_profile *b = open_profile(fresh[0]);
	struct pgd_doctor_opts o;
	struct pgd_report *r;
	const struct rpt_finding *f;
	double want = naive_js(a, b);

	(void)state;
	pgd_doctor_opts__init(&o);
	o.base_path = P "base.pprof";
	o.fresh_paths = fresh;
	o.nfresh = 1;
	r = run(&o);
	f = find(r, "distribution-skew");
	assert_non_null(f);
	assert_true(fabs(figure(f, "js_divergence")->r - want) < 1e-9);
	assert_true(want > 0.2 && want <= 1);
	assert_true(f->nitems > 0);
	pgd_report__free(r);

	/* A profile against itself: divergence 0, no finding however low the bar. */
	fresh[0] = P "base.pprof";
	o.max_divergence = 1e-12;
	r = run(&o);
	assert_null(find(r, "distribution-skew"));
	pgd_report__free(r);
	pgd_profile__close(a);
	pgd_profile__close(b);
}

static void test_profile_age(void **state)
{
	const char *profiles[] = { P "base.pprof" };
	struct pgd_profile *p = open_profile(profiles[0]);
	struct pgd_doctor_opts o;
	struct pgd_report *r;
	const struct rpt_finding *f;
	int64_t t = p->time_nanos / 1000000000;

	(void)state;
	pgd_doctor_opts__init(&o);
	o.profile_paths = profiles;
	o.nprofiles = 1;
	o.now_unix = t + 91 * 86400;
	r = run(&o);
	f = find(r, "profile-age");
	assert_non_null(f);
	assert_int_equal(figure(f, "time_nanos")->i, p->time_nanos);
	assert_true(fabs(figure(f, "age_days")->r - 91) < 0.001);
	pgd_report__free(r);
	o.now_unix = t + 89 * 86400;
	r = run(&o);
	assert_null(find(r, "profile-age"));
	pgd_report__free(r);
	pgd_profile__close(p);
}

/* check's entry point: base + two half captures merged are enough samples. */
static void test_profile_checks_entry(void **state)
{
	struct pgd_profile *ps[3] = { open_profile(P "base.pprof"), open_profile(P "fresh-even-a.pprof"),
				      open_profile(P "fresh-even-b.pprof") };
	struct pgd_report *r = pgd_rpt_new(RPT_CHECK);
	struct pgd_doctor_opts o;
	struct pgd_err err = { 0 };

	(void)state;
	assert_true(ps[1]->total_count < 30000 && ps[1]->total_count + ps[2]->total_count >= 30000);
	pgd_doctor_opts__init(&o);
	o.now_unix = ps[0]->time_nanos / 1000000000;
	assert_int_equal(pgd_doctor_profile_checks(r, ps, 3, &o, &err), 0);
	assert_null(find(r, "too-few-samples"));
	assert_int_equal(r->nchecks, 0);
	/* base 95/3/2 against an even mix: the skew check runs here too. */
	o.max_divergence = 1e-6;
	assert_int_equal(pgd_doctor_profile_checks(r, ps, 3, &o, &err), 0);
	assert_non_null(find(r, "distribution-skew"));
	pgd_report__free(r);
	for (int i = 0; i < 3; i++)
		pgd_profile__close(ps[i]);
}

static void test_layout(void **state)
{
	const char *profiles[] = { P "base.pprof" };
	struct pgd_doctor_opts o;
	struct pgd_report *r;
	const struct rpt_finding *f;
	int seen = 0;

	(void)state;
	pgd_doctor_opts__init(&o);
	o.profile_paths = profiles;
	o.nprofiles = 1;
	o.repo_dir = "testdata/repo";
	r = run(&o);
	f = find(r, "layout");
	assert_non_null(f);
	for (size_t i = 0; i < f->nitems; i++) {
		const char *n = f->items[i].name, *kind = f->items[i].figures[0].s;

		if (!strcmp(n, "internal/store/default.pgo"))
			seen |= 1, assert_string_equal(kind, "misplaced-default-pgo");
		else if (!strcmp(n, "cmd/worker"))
			seen |= 2, assert_string_equal(kind, "main-without-profile");
		else if (!strcmp(n, "profiles/cpu.pgo") || !strcmp(n, "cpu.pprof"))
			seen |= !strcmp(n, "cpu.pprof") ? 4 : 8, assert_string_equal(kind, "stray-profile");
		else if (!strncmp(n, "cmd/api", 7))
			fail_msg("cmd/api is laid out right but listed: %s", n);
	}
	assert_int_equal(seen, 15);
	pgd_report__free(r);
}

static void test_bad_binary_is_an_error(void **state)
{
	const char *profiles[] = { P "base.pprof" };
	struct pgd_doctor_opts o;
	struct pgd_report *r = NULL;
	struct pgd_err err = { 0 };

	(void)state;
	pgd_doctor_opts__init(&o);
	o.profile_paths = profiles;
	o.nprofiles = 1;
	o.binary_path = "testdata/bad/notelf.bin";
	assert_true(pgd_doctor__run(&o, &r, &err) < 0);
	assert_null(r);
	o.binary_path = NULL;
	o.repo_dir = "testdata/no-such-dir";
	assert_int_equal(pgd_doctor__run(&o, &r, &err), PGD_EINPUT);
	assert_null(r);
}

/* Binary checks: the clean build reports nothing, the broken builds their id. */
static void test_binary_checks(void **state)
{
	static const struct {
		const char *bin, *base, *id;
		enum pgd_severity sev;
	} cases[] = {
		{ "cachesvc.pgo", P "base.pprof", NULL, 0 },
		{ "cachesvc.renamed.pgo", P "base.pprof", "stale-names", PGD_SEV_WARN },
		{ "cachesvc.shifted.pgo", P "base.pprof", "offset-drift", PGD_SEV_WARN },
		{ "cachesvc.nopgo", P "base.pprof", "build-settings", PGD_SEV_RISK },
		{ "cachesvc.race.pgo", P "base.pprof", "race-build", PGD_SEV_RISK },
		{ "cachesvc.gcflags-l.pgo", P "base.pprof", "race-build", PGD_SEV_WARN },
		{ "stdwide.nopgo", P "std-wide-go121.pprof", "toolchain-skew", PGD_SEV_WARN },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pgd_doctor_opts o;
		struct pgd_report *r;
		const struct rpt_finding *f;

		pgd_doctor_opts__init(&o);
		o.binary_path = bin_path(cases[i].bin);
		o.base_path = cases[i].base;
		r = run(&o);
		if (!cases[i].id) {
			for (size_t k = 0; k < r->nfindings; k++)
				if (r->findings[k].severity >= PGD_SEV_WARN)
					fail_msg("%s: unexpected %s: %s", cases[i].bin, r->findings[k].id,
						 r->findings[k].message);
		} else {
			f = find(r, cases[i].id);
			if (!f)
				fail_msg("%s: no %s finding", cases[i].bin, cases[i].id);
			assert_int_equal(f->severity, cases[i].sev);
		}
		pgd_report__free(r);
	}
}

static void test_code_bloat(void **state)
{
	struct pgd_doctor_opts o;
	struct pgd_report *r;
	const struct rpt_finding *f;
	int callee = 0;

	(void)state;
	pgd_doctor_opts__init(&o);
	o.binary_path = bin_path("bloatsvc.pgo");
	o.compare_binary_path = bin_path("bloatsvc.nopgo");
	o.base_path = P "bloat.pprof";
	r = run(&o);
	f = find(r, "code-bloat");
	assert_non_null(f);
	assert_true(figure(f, "growth")->r > 0.05);
	assert_true(fabs(figure(f, "growth")->r -
			 ((double)figure(f, "text_size_pgo")->i - (double)figure(f, "text_size_nopgo")->i) /
				 (double)figure(f, "text_size_nopgo")->i) < 1e-12);
	for (size_t i = 0; i < f->nitems; i++)
		if (!strcmp(f->items[i].figures[0].s, "inlined-callee"))
			callee = 1;
	assert_true(callee);
	pgd_report__free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_opts_defaults),
		cmocka_unit_test(test_needs_a_profile),
		cmocka_unit_test(test_clean_profiles),
		cmocka_unit_test(test_unusable_is_a_finding),
		cmocka_unit_test(test_too_few_samples),
		cmocka_unit_test(test_startup),
		cmocka_unit_test(test_microbenchmark),
		cmocka_unit_test(test_distribution_skew),
		cmocka_unit_test(test_profile_age),
		cmocka_unit_test(test_profile_checks_entry),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_bad_binary_is_an_error),
		cmocka_unit_test(test_binary_checks),
		cmocka_unit_test(test_code_bloat),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
