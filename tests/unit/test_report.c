// SPDX-License-Identifier: MIT
/*
 * The text, markdown and SARIF writers on reports built from the rpt_*
 * helpers: shapes the fixtures cannot produce on demand (thousands of
 * findings, hostile names, every report kind, empty reports). The CLI tests
 * (tests/cli/test_formats.sh) run the same writers on the real fixtures.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cJSON.h>

#include "report.h"

#define MODULE "example.com/pgodrift/fixtures"

/* Writes r in format into a malloc'd string. */
static char *render(const struct pgd_report *r, const char *format,
		    const struct pgd_write_opts *opts)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct pgd_err err = { 0 };

	assert_non_null(f);
	assert_int_equal(pgd_report__write(r, format, opts, f, &err), 0);
	fclose(f);
	return buf;
}

static void add_binary(struct pgd_report *r, const char *module)
{
	struct rpt_input *in = pgd_rpt_add_input(r);

	in->role = "binary";
	in->path = "build/testdata/bin/cachesvc.pgo";
	in->format = "elf";
	in->go_version = "go1.23.5";
	in->main_module = module;
}

static void add_profile(struct pgd_report *r, const char *role, const char *path)
{
	struct rpt_input *in = pgd_rpt_add_input(r);

	in->role = role;
	in->path = path;
	in->format = "pprof";
	in->samples = 1000;
}

static struct rpt_site *add_site(struct pgd_report *r, const char *caller, const char *file,
				 int64_t line, const char *verdict, enum pgd_severity sev, double cost)
{
	struct rpt_site *s = pgd_rpt_add_site(r);

	s->caller = caller;
	s->file = file;
	s->line = line;
	s->offset = 3;
	s->kind = "interface";
	s->method = "Get";
	s->iface = "main.Cache";
	s->verdict = verdict;
	s->severity = sev;
	s->guarded = "main.(*RedisCache).Get";
	s->guarded_type = "*main.RedisCache";
	s->base = (struct rpt_share){ 90, 100, 0.9, 0.83, 0.94, 1 };
	s->fresh = (struct rpt_share){ 30, 100, 0.3, 0.22, 0.39, 1 };
	s->fresh_hottest = "*main.MemCache";
	s->base_weight = 100;
	s->fresh_weight = 100;
	s->cost = cost;
	s->message = "refresh default.pgo";
	return s;
}

static struct pgd_report *check_report(void)
{
	struct pgd_report *r = pgd_rpt_new(RPT_CHECK);

	add_binary(r, MODULE);
	add_profile(r, "base", "testdata/profiles/base.pprof");
	add_profile(r, "fresh", "testdata/profiles/fresh-even.pprof");
	pgd_rpt_fig_real(&pgd_rpt_add_param(r, "threshold")->value, 0.5);
	pgd_rpt_fig_int(pgd_rpt_add_summary(r, "sites"), 2);
	add_site(r, "main.serve", "/src/svc/cachesvc/serve.go", 42, "stale", PGD_SEV_RISK, 70);
	add_site(r, "main.(*Server).handleLongerName", "/src/svc/cachesvc/serve.go", 7,
		 "weak", PGD_SEV_WARN, 90);
	return r;
}

static void text_aligned_without_colour(void **state)
{
	struct pgd_report *r = check_report();
	struct pgd_write_opts o = { .sz = sizeof(o) };
	char *out;
	const char *hdr, *row1, *row2;

	(void)state;
	out = render(r, "text", &o);
	assert_null(strchr(out, '\033'));
	assert_non_null(strstr(out, "2 findings (1 risk, 1 warn, 0 info)"));
	hdr = strstr(out, "VERDICT");
	assert_non_null(hdr);
	row1 = strstr(hdr, "\nstale");
	row2 = strstr(hdr, "\nweak");
	assert_non_null(row1);
	assert_non_null(row2);
	/* The CALLER column starts at the same offset in the header and both rows. */
	{
		ptrdiff_t h = strstr(hdr, "CALLER") - hdr;
		const char *c1 = strstr(row1 + 1, "main.serve"), *c2 = strstr(row2 + 1, "main.(*Server)");

		assert_int_equal(c1 - (row1 + 1), h);
		assert_int_equal(c2 - (row2 + 1), h);
	}
	free(out);
	pgd_report__free(r);
}

static void text_colour_only_when_asked(void **state)
{
	struct pgd_report *r = check_report();
	struct pgd_write_opts o = { .sz = sizeof(o), .color = 1 };
	char *out;

	(void)state;
	out = render(r, "text", &o);
	assert_non_null(strstr(out, "\033[31mstale"));
	free(out);
	pgd_report__free(r);
}

static void markdown_empty_is_one_line(void **state)
{
	struct pgd_report *r = pgd_rpt_new(RPT_CHECK);
	char *out;
	char *nl;

	(void)state;
	add_binary(r, MODULE);
	out = render(r, "markdown", NULL);
	nl = strchr(out, '\n');
	assert_non_null(nl);
	assert_string_equal(nl + 1, "");
	assert_non_null(strstr(out, "no stale devirtualization"));
	free(out);
	pgd_report__free(r);

	r = pgd_rpt_new(RPT_DOCTOR);
	out = render(r, "markdown", NULL);
	assert_string_equal(out, "**pgodrift doctor:** ✅ no findings.\n");
	free(out);
	pgd_report__free(r);
}

static void markdown_ranked_and_escaped(void **state)
{
	struct pgd_report *r = check_report();
	struct rpt_site *s;
	char *out;

	(void)state;
	s = add_site(r, "main.evil|name`x`<script>", "/src/svc/cachesvc/x.go", 9, "flipped",
		     PGD_SEV_RISK, 500);
	s->guarded_type = "*main.T[a|b]";
	out = render(r, "markdown", NULL);
	/* Severity first, then cost: risk 500 (the evil one), risk 70, then warn 90. */
	assert_true(strstr(out, "| 1 | `x.go:9`") != NULL);
	assert_true(strstr(out, "| 2 | `serve.go:42`") != NULL);
	assert_true(strstr(out, "| 3 | `serve.go:7`") != NULL);
	/* A '|' in a name never splits the table; backticks get a longer fence. */
	assert_non_null(strstr(out, "``main.evil\\|name`x`<script>``"));
	assert_non_null(strstr(out, "`*main.T[a\\|b]`"));
	assert_non_null(strstr(out, "90% → 30%"));
	assert_non_null(strstr(out, "refresh"));
	free(out);
	pgd_report__free(r);
}

static void markdown_warnings_name_their_input(void **state)
{
	struct pgd_report *r = check_report();
	struct rpt_finding *f = pgd_rpt_add_finding(r);
	char *out;

	(void)state;
	f->id = "too-few-samples";
	f->severity = PGD_SEV_WARN;
	f->input = "testdata/profiles/fresh-short.pprof";
	f->message = "capture for longer";
	out = render(r, "markdown", NULL);
	/* A run reads several inputs: the warning says which one it is about. */
	assert_non_null(strstr(out, "`too-few-samples`: capture for longer (`testdata/profiles/fresh-short.pprof`)"));
	free(out);
	pgd_report__free(r);
}

static void markdown_under_limit_whatever_the_input(void **state)
{
	struct pgd_report *r = check_report();
	struct pgd_write_opts o = { .sz = sizeof(o) };
	char *longname = malloc(5000);
	char *out;

	(void)state;
	memset(longname, 'a', 4999);
	longname[4999] = '\0';
	for (int i = 0; i < 5000; i++) {
		char *name = pgd_arena_printf(&r->arena, "main.(*Handler%d).serve%s", i, i % 7 ? "" : longname);

		add_site(r, name, "/src/svc/cachesvc/serve.go", i + 1, "stale", PGD_SEV_RISK, i);
	}
	for (int i = 0; i < 200; i++) {
		struct rpt_finding *f = pgd_rpt_add_finding(r);

		f->id = "too-few-samples";
		f->severity = PGD_SEV_WARN;
		f->message = longname;
	}
	out = render(r, "markdown", NULL);
	assert_true(strlen(out) <= 65000);
	assert_true(strlen(out) > 50000);   /* the room is used, not wasted */
	assert_non_null(strstr(out, "findings left out"));
	assert_non_null(strstr(out, "<details>"));
	assert_non_null(strstr(out, "</details>"));
	assert_non_null(strstr(out, "What to do"));
	free(out);

	o.max_bytes = 3000;
	out = render(r, "markdown", &o);
	assert_true(strlen(out) <= 3000);
	free(out);
	o.max_bytes = 100;   /* smaller than the closing parts: still a hard cap */
	out = render(r, "markdown", &o);
	assert_true(strlen(out) <= 100);
	free(out);
	free(longname);
	pgd_report__free(r);
}

static cJSON *sarif_of(const struct pgd_report *r, const char *source_root)
{
	struct pgd_write_opts o = { .sz = sizeof(o), .source_root = source_root };
	char *out = render(r, "sarif", &o);
	cJSON *j = cJSON_Parse(out);

	free(out);
	assert_non_null(j);
	assert_string_equal(cJSON_GetObjectItem(j, "version")->valuestring, "2.1.0");
	return j;
}

static cJSON *result(cJSON *j, int i)
{
	cJSON *run = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "runs"), 0);

	return cJSON_GetArrayItem(cJSON_GetObjectItem(run, "results"), i);
}

static const char *result_str(cJSON *res, const char *what)
{
	cJSON *loc = cJSON_GetArrayItem(cJSON_GetObjectItem(res, "locations"), 0);
	cJSON *al = cJSON_GetObjectItem(cJSON_GetObjectItem(loc, "physicalLocation"),
					"artifactLocation");
	cJSON *v = cJSON_GetObjectItem(al, what);

	return v ? v->valuestring : NULL;
}

static void sarif_levels_rules_and_lines(void **state)
{
	struct pgd_report *r = check_report();
	cJSON *j, *run, *rules, *res;

	(void)state;
	add_site(r, "main.third", "/src/svc/cachesvc/serve.go", 50, "stale", PGD_SEV_RISK, 1);
	/* The repository root given is the directory the module was built in. */
	for (size_t i = 0; i < r->nsites; i++)
		r->sites[i].file = "/tmp/cachesvc/serve.go";
	j = sarif_of(r, "/tmp");
	run = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "runs"), 0);
	rules = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(run, "tool"), "driver"),
				    "rules");
	assert_int_equal(cJSON_GetArraySize(rules), 2);   /* stale, weak: one rule per verdict */
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(run, "results")), 3);
	res = result(j, 0);
	assert_string_equal(cJSON_GetObjectItem(res, "level")->valuestring, "error");
	assert_string_equal(result_str(res, "uri"), "cachesvc/serve.go");
	assert_string_equal(result_str(res, "uriBaseId"), "SRCROOT");
	assert_string_equal(cJSON_GetObjectItem(result(j, 1), "level")->valuestring, "warning");
	assert_int_equal(cJSON_GetObjectItem(result(j, 2), "ruleIndex")->valueint, 0);
	cJSON_Delete(j);
	pgd_report__free(r);
}

static void sarif_path_mapping(void **state)
{
	struct pgd_report *r;
	cJSON *j;

	(void)state;
	/* -trimpath: the module path prefix is stripped. */
	r = pgd_rpt_new(RPT_CHECK);
	add_binary(r, MODULE);
	add_site(r, "main.serve", MODULE "/cachesvc/serve.go", 42, "stale", PGD_SEV_RISK, 1);
	j = sarif_of(r, NULL);
	assert_string_equal(result_str(result(j, 0), "uri"), "cachesvc/serve.go");
	cJSON_Delete(j);
	pgd_report__free(r);

	/* Absolute: the root comes from a caller in a package under the module. */
	r = pgd_rpt_new(RPT_CHECK);
	add_binary(r, "example.com/svc");
	add_site(r, "main.serve", "/home/x/co/cmd/svc/main.go", 10, "stale", PGD_SEV_RISK, 2);
	add_site(r, "example.com/svc/internal/cache.(*C).Get", "/home/x/co/internal/cache/cache.go",
		 42, "stale", PGD_SEV_RISK, 1);
	j = sarif_of(r, NULL);
	assert_string_equal(result_str(result(j, 0), "uri"), "cmd/svc/main.go");
	assert_string_equal(result_str(result(j, 1), "uri"), "internal/cache/cache.go");
	cJSON_Delete(j);
	pgd_report__free(r);

	/* Absolute, package main only: the relative --base directory is the main package's. */
	r = pgd_rpt_new(RPT_CHECK);
	add_binary(r, "example.com/svc");
	add_profile(r, "base", "cmd/svc/default.pgo");
	add_site(r, "main.serve", "/home/x/co/cmd/svc/main.go", 10, "stale", PGD_SEV_RISK, 2);
	j = sarif_of(r, NULL);
	assert_string_equal(result_str(result(j, 0), "uri"), "cmd/svc/main.go");
	cJSON_Delete(j);
	pgd_report__free(r);

	/* Nothing to go on: an absolute file:// URI, percent-encoded, with no base. */
	r = pgd_rpt_new(RPT_CHECK);
	add_binary(r, "example.com/svc");
	add_site(r, "main.serve", "/home/x/my co/main.go", 10, "stale", PGD_SEV_RISK, 2);
	j = sarif_of(r, NULL);
	assert_string_equal(result_str(result(j, 0), "uri"), "file:///home/x/my%20co/main.go");
	assert_null(result_str(result(j, 0), "uriBaseId"));
	cJSON_Delete(j);
	pgd_report__free(r);
}

static void doctor_and_sites_in_every_format(void **state)
{
	static const char *const formats[] = { "json", "text", "markdown", "sarif" };
	struct pgd_report *d = pgd_rpt_new(RPT_DOCTOR), *s = pgd_rpt_new(RPT_SITES);
	struct rpt_finding *f;
	struct rpt_item *it;
	cJSON *j;

	(void)state;
	add_profile(d, "profile", "testdata/profiles/fresh-short.pprof");
	f = pgd_rpt_add_finding(d);
	f->id = "too-few-samples";
	f->severity = PGD_SEV_RISK;
	f->input = "testdata/profiles/fresh-short.pprof";
	f->message = "capture for longer";
	pgd_rpt_fig_int(pgd_rpt_finding_figure(d, f, "samples"), 12);
	it = pgd_rpt_finding_item(d, f, "main.serve");
	pgd_rpt_fig_real(pgd_rpt_item_figure(d, it, "share"), 0.5);
	f = pgd_rpt_add_finding(d);
	f->id = "layout";
	f->severity = PGD_SEV_INFO;
	f->message = "no default.pgo beside the main package";
	pgd_rpt_add_check(d, "layout")->ran = 1;
	pgd_rpt_add_check(d, "code-bloat")->skipped_why = "needs --compare-binary";
	pgd_rpt_add_note(d, "a note");

	add_binary(s, MODULE);
	add_site(s, "main.serve", "/src/x.go", 3, NULL, PGD_SEV_NONE, 0);
	for (size_t i = 0; i < 4; i++) {
		char *a = render(d, formats[i], NULL), *b = render(s, formats[i], NULL);

		assert_true(strlen(a) > 0);
		assert_true(strlen(b) > 0);
		free(a);
		free(b);
	}
	j = sarif_of(d, NULL);
	assert_string_equal(cJSON_GetObjectItem(result(j, 0), "ruleId")->valuestring, "too-few-samples");
	assert_string_equal(cJSON_GetObjectItem(result(j, 0), "level")->valuestring, "error");
	assert_string_equal(result_str(result(j, 0), "uri"), "testdata/profiles/fresh-short.pprof");
	/* No input of its own: attached to the first profile. */
	assert_string_equal(result_str(result(j, 1), "uri"), "testdata/profiles/fresh-short.pprof");
	assert_string_equal(cJSON_GetObjectItem(result(j, 1), "level")->valuestring, "note");
	cJSON_Delete(j);
	pgd_report__free(d);
	pgd_report__free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(text_aligned_without_colour),
		cmocka_unit_test(text_colour_only_when_asked),
		cmocka_unit_test(markdown_empty_is_one_line),
		cmocka_unit_test(markdown_ranked_and_escaped),
		cmocka_unit_test(markdown_warnings_name_their_input),
		cmocka_unit_test(markdown_under_limit_whatever_the_input),
		cmocka_unit_test(sarif_levels_rules_and_lines),
		cmocka_unit_test(sarif_path_mapping),
		cmocka_unit_test(doctor_and_sites_in_every_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
