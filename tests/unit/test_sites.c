// SPDX-License-Identifier: MIT
/*
 * sites (and drift's compiler choice) against the compiler's own record: while building the PGO
 * fixtures, contrib/gen-testdata.sh kept the JSON lines that
 * `go build -gcflags=-d=pgodebug=3` prints, one per call (interface or not,
 * hottest callee, devirtualized callee). Every interface or func-value call
 * the compiler devirtualized must be found here with the same kind, method
 * and chosen callee, with the same weight.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "binary.h"
#include "drift.h"
#include "edges.h"
#include "profile.h"
#include "sites.h"
#include "strbuf.h"

struct fixture {
	struct pgd_profile *base;
	struct pgd_edges *edges;
	struct pgd_binary *bin;
	struct pgd_siteset sites;
};

static const char *build_dir(void)
{
	const char *b = getenv("PGD_BUILD");

	return b && *b ? b : "build";
}

static void load_with(struct fixture *f, const char *binary, const char *profile)
{
	char path[512];
	struct pgd_err err = { 0 };
	struct pgd_profile *profs[1];
	const struct pgd_edges *sets[1];

	memset(f, 0, sizeof(*f));
	snprintf(path, sizeof(path), "%s/testdata/bin/%s", build_dir(), binary);
	if (pgd_profile__open(profile, NULL, &f->base, &err))
		fail_msg("%s: %s", profile, err.msg);
	profs[0] = f->base;
	if (pgd_edges__build(profs, 1, PGD_ATTR_COMPILER, &f->edges, &err))
		fail_msg("edges: %s", err.msg);
	if (pgd_binary__open(path, NULL, &f->bin, &err))
		fail_msg("%s: %s", path, err.msg);
	sets[0] = f->edges;
	if (pgd_sites_build(f->bin, sets, 1, 0, &f->sites, &err))
		fail_msg("sites: %s", err.msg);
}

static void load(struct fixture *f, const char *binary)
{
	load_with(f, binary, "testdata/profiles/base.pprof");
}

static void unload(struct fixture *f)
{
	pgd_siteset_release(&f->sites);
	pgd_binary__close(f->bin);
	pgd_edges__free(f->edges);
	pgd_profile__close(f->base);
}

/* The line of "file:line:col". */
static int64_t pos_line(const char *pos)
{
	const char *c2 = strrchr(pos, ':');
	const char *c1;

	if (!c2)
		return -1;
	for (c1 = c2 - 1; c1 > pos && *c1 != ':'; c1--)
		;
	return strtoll(c1 + 1, NULL, 10);
}

static const struct pgd_site *find_site(const struct pgd_siteset *s, const char *caller,
					int64_t line, const char *callee)
{
	for (size_t i = 0; i < s->nsites; i++) {
		const struct pgd_site *site = &s->sites[i];

		if (strcmp(site->caller, caller) || site->line != line)
			continue;
		for (size_t k = 0; k < site->ncallees; k++)
			if (!strcmp(site->callees[k].name, callee))
				return site;
	}
	return NULL;
}

/* What a fixture's records must hold at least: devirtualized, weighted interface and listed direct calls. */
struct expect_counts {
	size_t devirtualized, interface_records, direct_listed;
};

static void check_pgodebug_with(const char *binary, const char *profile, const char *golden,
				const struct expect_counts *want)
{
	struct fixture f;
	struct strbuf sb = STRBUF_INIT;
	size_t checked = 0, interface_records = 0, direct_listed = 0;

	load_with(&f, binary, profile);
	if (pgd_strbuf_read_file(&sb, golden))
		fail_msg("cannot read %s", golden);
	for (char *line = sb.buf, *next; line && *line; line = next) {
		cJSON *rec;
		const char *caller, *pos, *devirt, *hottest;
		int iface, direct;
		double weight, dweight;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		rec = cJSON_Parse(line);
		assert_non_null(rec);
		caller = cJSON_GetStringValue(cJSON_GetObjectItem(rec, "Caller"));
		pos = cJSON_GetStringValue(cJSON_GetObjectItem(rec, "Pos"));
		devirt = cJSON_GetStringValue(cJSON_GetObjectItem(rec, "Devirtualized"));
		hottest = cJSON_GetStringValue(cJSON_GetObjectItem(rec, "Hottest"));
		iface = cJSON_IsTrue(cJSON_GetObjectItem(rec, "Interface"));
		direct = cJSON_IsTrue(cJSON_GetObjectItem(rec, "Direct"));
		weight = cJSON_GetNumberValue(cJSON_GetObjectItem(rec, "Weight"));
		dweight = cJSON_GetNumberValue(cJSON_GetObjectItem(rec, "DevirtualizedWeight"));
		assert_non_null(caller);
		assert_non_null(pos);
		if (iface && weight > 0)
			interface_records++;
		if (devirt && *devirt) {
			const struct pgd_site *s = find_site(&f.sites, caller, pos_line(pos), devirt);
			int hot;

			if (!s)
				fail_msg("%s: %s at %s: devirtualized %s, no such site", binary, caller,
					 pos, devirt);
			if (iface) {
				assert_int_equal(s->kind, PGD_SITE_INTERFACE);
				assert_non_null(s->method);
				assert_true(strlen(devirt) > strlen(s->method));
				assert_string_equal(devirt + strlen(devirt) - strlen(s->method), s->method);
			} else {
				assert_int_equal(s->kind, PGD_SITE_FUNC_VALUE);
			}
			hot = pgd_drift_hottest(s, 0);
			assert_true(hot >= 0);
			assert_string_equal(s->callees[hot].name, devirt);
			assert_int_equal(s->callees[hot].weight[0], (int64_t)dweight);
			checked++;
		} else if (direct && weight > 0 && hottest && *hottest) {
			/* A direct call is never reported as an indirect site. */
			const struct pgd_site *s = find_site(&f.sites, caller, pos_line(pos), hottest);

			if (s && (s->kind == PGD_SITE_INTERFACE || s->kind == PGD_SITE_FUNC_VALUE))
				fail_msg("%s: %s at %s calls %s directly for the compiler, listed as %s", binary,
					 caller, pos, hottest, s->kind == PGD_SITE_INTERFACE ? "interface" : "func-value");
			direct_listed += s != NULL;
		}
		cJSON_Delete(rec);
	}
	assert_true(checked >= want->devirtualized);
	assert_true(interface_records >= want->interface_records);
	assert_true(direct_listed >= want->direct_listed);
	pgd_strbuf_release(&sb);
	unload(&f);
}

static void check_against_pgodebug(const char *binary, const char *golden)
{
	/* serve's Get, Multiply, Add, the handler, and lookup's Get. */
	const struct expect_counts want = { 5, 4, 0 };

	check_pgodebug_with(binary, "testdata/profiles/base.pprof", golden, &want);
}

/*
 * contrib/gen-testdata-closures.sh: run.func2 calls its sibling run.func1
 * through the variable; the compiler records a direct call (the machine
 * code calls the func value), and the PGO build renamed both closures
 * main.serve.run.func* (run inlined into serve). Was func-value here.
 */
static void test_pgodebug_renamed_closures(void **state)
{
	const struct expect_counts want = { 0, 0, 2 };

	(void)state;
	check_pgodebug_with("closuresvc.go126.pgo", "testdata/profiles/closures.pprof",
			    "testdata/golden/pgodebug/closuresvc.go126.pgo.jsonl", &want);
}

static void test_pgodebug_amd64(void **state)
{
	(void)state;
	check_against_pgodebug("cachesvc.pgo", "testdata/golden/pgodebug/cachesvc.pgo.jsonl");
}

static void test_pgodebug_arm64(void **state)
{
	(void)state;
	check_against_pgodebug("cachesvc.arm64.pgo", "testdata/golden/pgodebug/cachesvc.arm64.pgo.jsonl");
}

/* The PGO build carries the guard the compiler chose; the -pgo=off build none. */
static void check_guard(const char *binary, const char *want)
{
	struct fixture f;
	const struct pgd_site *s;

	load(&f, binary);
	s = find_site(&f.sites, "main.serve", 16, "main.(*RedisCache).Get");
	assert_non_null(s);
	assert_int_equal(s->kind, PGD_SITE_INTERFACE);
	assert_string_equal(s->method, "Get");
	assert_true(s->nindirect >= 1);
	if (want) {
		assert_non_null(s->binary_guard);
		assert_string_equal(s->binary_guard, want);
		assert_non_null(s->iface);
		assert_string_equal(s->iface, "main.Cache");
	} else {
		assert_null(s->binary_guard);
	}
	unload(&f);
}

static void test_guard_pgo(void **state)
{
	(void)state;
	check_guard("cachesvc.pgo", "*main.RedisCache");
}

static void test_guard_arm64(void **state)
{
	(void)state;
	check_guard("cachesvc.arm64.pgo", "*main.RedisCache");
}

static void test_no_guard_nopgo(void **state)
{
	(void)state;
	check_guard("cachesvc.nopgo", NULL);
}

/* Two interface calls on one line are two sites, told apart by method. */
static void test_two_calls_one_line(void **state)
{
	struct fixture f;
	const struct pgd_site *mul, *add;

	(void)state;
	load(&f, "cachesvc.pgo");
	mul = find_site(&f.sites, "main.serve", 23, "main.Mult.Multiply");
	add = find_site(&f.sites, "main.serve", 23, "main.Add.Add");
	assert_non_null(mul);
	assert_non_null(add);
	assert_ptr_not_equal(mul, add);
	assert_string_equal(mul->method, "Multiply");
	assert_string_equal(add->method, "Add");
	assert_int_equal(mul->offset, add->offset);
	for (size_t i = 0; i < mul->ncallees; i++)
		assert_non_null(strstr(mul->callees[i].name, ".Multiply"));
	unload(&f);
}

/* The renamed build: the base's caller main.serve no longer exists. */
static void test_renamed_missing_function(void **state)
{
	struct fixture f;
	const struct pgd_site *s;

	(void)state;
	load(&f, "cachesvc.renamed.pgo");
	s = find_site(&f.sites, "main.serve", 0, "main.(*RedisCache).Get");
	assert_non_null(s);
	assert_int_equal(s->kind, PGD_SITE_MISSING_FUNCTION);
	unload(&f);
}

/* The shifted build: serve keeps its name, but the old offset hits no call. */
static void test_shifted_offset_lands_on_nothing(void **state)
{
	struct fixture f;
	int found = 0;

	(void)state;
	load(&f, "cachesvc.shifted.pgo");
	for (size_t i = 0; i < f.sites.nsites; i++) {
		const struct pgd_site *s = &f.sites.sites[i];

		if (!strcmp(s->caller, "main.serve") && s->method && !strcmp(s->method, "Get")) {
			assert_int_not_equal(s->kind, PGD_SITE_INTERFACE);
			found = 1;
		}
	}
	assert_true(found);
	unload(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pgodebug_amd64),
		cmocka_unit_test(test_pgodebug_arm64),
		cmocka_unit_test(test_pgodebug_renamed_closures),
		cmocka_unit_test(test_guard_pgo),
		cmocka_unit_test(test_guard_arm64),
		cmocka_unit_test(test_no_guard_nopgo),
		cmocka_unit_test(test_two_calls_one_line),
		cmocka_unit_test(test_renamed_missing_function),
		cmocka_unit_test(test_shifted_offset_lands_on_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
