// SPDX-License-Identifier: MIT
/*
 * The one-line CI formats (github, line, rdjsonl, codeclimate) on reports
 * built from the rpt_* helpers: shapes the fixtures cannot produce on demand
 * (dozens of findings for GitHub's per-step cap, names that need escaping,
 * files outside the repository). test_ci.sh runs them on the real fixtures
 * against their consumers' schemas.
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

static char *render(const struct pgd_report *r, const char *format)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct pgd_err err = { 0 };

	assert_non_null(f);
	assert_int_equal(pgd_report__write(r, format, NULL, f, &err), 0);
	fclose(f);
	return buf;
}

static size_t count(const char *s, const char *needle)
{
	size_t n = 0;

	for (const char *p = strstr(s, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

static struct rpt_site *site(struct pgd_report *r, const char *caller, const char *file, int64_t line,
			     enum pgd_severity sev, double cost)
{
	struct rpt_site *s = pgd_rpt_add_site(r);

	s->caller = caller;
	s->file = file;
	s->line = line;
	s->offset = line;
	s->kind = "interface";
	s->method = "Get";
	s->verdict = sev == PGD_SEV_RISK ? "stale" : "weak";
	s->severity = sev;
	s->cost = cost;
	s->message = "refresh default.pgo";
	return s;
}

static struct pgd_report *report(void)
{
	struct pgd_report *r = pgd_rpt_new(RPT_CHECK);
	struct rpt_input *in = pgd_rpt_add_input(r);

	in->role = "binary";
	in->path = "svc";
	in->format = "elf";
	in->main_module = "example.com/svc";
	return r;
}

static void github_caps_each_level_and_counts_the_rest(void **state)
{
	struct pgd_report *r = report();
	char name[64], *out;

	(void)state;
	for (int i = 0; i < 25; i++) {
		snprintf(name, sizeof(name), "main.f%02d", i);
		site(r, strdup(name), "example.com/svc/main.go", i + 1, PGD_SEV_RISK, 100 - i);
	}
	site(r, "main.w", "example.com/svc/main.go", 99, PGD_SEV_WARN, 5000);
	out = render(r, "github");
	/* GitHub shows 10 error annotations a step: the 10 costliest, then one notice. */
	assert_int_equal(count(out, "::error "), 10);
	assert_int_equal(count(out, "::warning "), 1);
	assert_non_null(strstr(out, "title=pgodrift%3A stale in main.f00::"));
	assert_null(strstr(out, "main.f10"));
	assert_non_null(strstr(out, "::notice title=pgodrift::15 more findings not annotated"));
	/* Severity first: the warn row of cost 5000 comes after every risk row. */
	assert_true(strstr(out, "::warning ") > strstr(out, "main.f09"));
	for (size_t i = 0; i < r->nsites; i++)
		if (!strncmp(r->sites[i].caller, "main.f", 6))
			free((char *)r->sites[i].caller);
	free(out);
	pgd_report__free(r);
}

static void github_escapes_data_and_properties(void **state)
{
	struct pgd_report *r = report();
	struct rpt_site *s;
	char *out;

	(void)state;
	s = site(r, "main.(*T[a,b]).M:x", "example.com/svc/a,b:c.go", 3, PGD_SEV_RISK, 1);
	s->message = "50% of calls\nmissed, now: 10%";
	out = render(r, "github");
	/* @actions/core: data escapes %, CR, LF; properties also : and , */
	assert_non_null(strstr(out, "file=a%2Cb%3Ac.go,line=3,"));
	assert_non_null(strstr(out, "title=pgodrift%3A stale in main.(*T[a%2Cb]).M%3Ax::"));
	/* A line break from an input is escaped by the text rule first: one command, one line. */
	assert_non_null(strstr(out, "::50%25 of calls\\nmissed, now: 10%25"));
	assert_int_equal(count(out, "\n"), 1);
	free(out);
	pgd_report__free(r);
}

static void control_bytes_never_reach_a_log(void **state)
{
	struct pgd_report *r = report();
	char *gh, *line, *rd;

	(void)state;
	site(r, "main.\033[31mevil\nline", "example.com/svc/x\033.go", 3, PGD_SEV_RISK, 1)->message =
		"bad \xff byte";
	gh = render(r, "github");
	line = render(r, "line");
	rd = render(r, "rdjsonl");
	/* The text rule (sanitize.h): ESC escaped, one line each; JSON repaired to UTF-8. */
	assert_null(strchr(gh, '\033'));
	assert_null(strchr(line, '\033'));
	assert_int_equal(count(gh, "\n"), 1);
	assert_int_equal(count(line, "\n"), 1);
	assert_non_null(strstr(rd, "bad \xef\xbf\xbd byte"));
	free(gh);
	free(line);
	free(rd);
	pgd_report__free(r);
}

static void other_modules_keep_their_recorded_path(void **state)
{
	struct pgd_report *r = report();
	char *gh, *line, *rd;
	cJSON *j;

	(void)state;
	site(r, "net/http.(*conn).serve", "/usr/local/go/src/net/http/server.go", 2000, PGD_SEV_WARN, 1);
	gh = render(r, "github");
	line = render(r, "line");
	rd = render(r, "rdjsonl");
	/* No place in the repository: an annotation without file=, saying where it is. */
	assert_true(!strncmp(gh, "::warning title=", 16));
	assert_non_null(strstr(gh, "[at /usr/local/go/src/net/http/server.go:2000]"));
	assert_true(!strncmp(line, "/usr/local/go/src/net/http/server.go:2000:1: warning: ", 54));
	j = cJSON_Parse(rd);
	assert_non_null(j);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "location"), "path")->valuestring,
			    "/usr/local/go/src/net/http/server.go");
	assert_string_equal(cJSON_GetObjectItem(j, "severity")->valuestring, "WARNING");
	cJSON_Delete(j);
	free(gh);
	free(line);
	free(rd);
	pgd_report__free(r);
}

static void codeclimate_fingerprint_is_the_site(void **state)
{
	struct pgd_report *a = report(), *b = report();
	char *oa, *ob;
	cJSON *ra, *rb, *ja, *jb;
	char want[33];

	(void)state;
	site(a, "main.serve", "example.com/svc/main.go", 16, PGD_SEV_RISK, 1);
	/* Another verdict, line and cost at the same site (caller, offset, method). */
	site(b, "main.serve", "example.com/svc/main.go", 16, PGD_SEV_WARN, 9)->line = 17;
	oa = render(a, "codeclimate");
	ob = render(b, "codeclimate");
	ra = cJSON_Parse(oa);
	rb = cJSON_Parse(ob);
	ja = cJSON_GetArrayItem(ra, 0);
	jb = cJSON_GetArrayItem(rb, 0);
	pgd_rpt_fingerprint("pgodriftSite/v1:main.serve+16:Get", want);
	assert_string_equal(cJSON_GetObjectItem(ja, "fingerprint")->valuestring, want);
	assert_string_equal(cJSON_GetObjectItem(jb, "fingerprint")->valuestring, want);
	assert_string_equal(cJSON_GetObjectItem(ja, "severity")->valuestring, "critical");
	assert_string_equal(cJSON_GetObjectItem(jb, "severity")->valuestring, "minor");
	cJSON_Delete(ra);
	cJSON_Delete(rb);
	free(oa);
	free(ob);
	pgd_report__free(a);
	pgd_report__free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(github_caps_each_level_and_counts_the_rest),
		cmocka_unit_test(github_escapes_data_and_properties),
		cmocka_unit_test(control_bytes_never_reach_a_log),
		cmocka_unit_test(other_modules_keep_their_recorded_path),
		cmocka_unit_test(codeclimate_fingerprint_is_the_site),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
