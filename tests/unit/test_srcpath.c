// SPDX-License-Identifier: MIT
/*
 * srcpath: reported files placed in the repository. A real directory tree
 * (a repository whose Go module lives in services/svc, not at the top) is
 * made under a temporary directory, and reports name files the ways Go
 * binaries record them: built in the checkout, built elsewhere (a Docker
 * build in /build), with -trimpath, and files of other modules.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "report.h"
#include "srcpath.h"

#define MODULE "example.com/svc"

struct tree {
	char dir[64];
	char repo[128];
	char other[128];
};

static void touch(const char *dir, const char *rel, const char *text)
{
	char path[512], cmd[600];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
	assert_int_equal(system(cmd), 0);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	struct tree *t = calloc(1, sizeof(*t));

	snprintf(t->dir, sizeof(t->dir), "/tmp/pgd-srcpath-XXXXXX");
	if (!t || !mkdtemp(t->dir))
		return -1;
	snprintf(t->repo, sizeof(t->repo), "%s/repo", t->dir);
	snprintf(t->other, sizeof(t->other), "%s/other", t->dir);
	touch(t->repo, ".git/HEAD", "ref: refs/heads/main\n");
	touch(t->repo, "go.mod", "module example.com/tools\n");   /* another module at the top */
	touch(t->repo, "services/svc/go.mod", "module " MODULE "\n\ngo 1.23\n");
	touch(t->repo, "services/svc/cmd/svc/main.go", "package main\n");
	touch(t->repo, "services/svc/internal/cache/cache.go", "package cache\n");
	touch(t->other, "README", "not a repository\n");
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct tree *t = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->dir);
	if (system(cmd))
		return -1;
	free(t);
	return 0;
}

static struct pgd_report *report_with(const char *caller, const char *file)
{
	struct pgd_report *r = pgd_rpt_new(RPT_CHECK);
	struct rpt_input *in = pgd_rpt_add_input(r);
	struct rpt_site *s = pgd_rpt_add_site(r);

	in->role = "binary";
	in->path = "svc";
	in->format = "elf";
	in->main_module = MODULE;
	s->caller = caller;
	s->file = file;
	s->line = 10;
	s->severity = PGD_SEV_RISK;
	s->verdict = "stale";
	return r;
}

/* Maps (caller, file) under root; NULL for "outside the repository"; fails the test on error. */
static char *map(const char *root, const char *caller, const char *file)
{
	struct pgd_report *r = report_with(caller, file);
	struct srcpath sp;
	struct pgd_err err = { 0 };
	const char *rel = NULL;
	char *out;

	assert_int_equal(pgd_srcpath_init(&sp, r, root, &err), 0);
	assert_int_equal(pgd_srcpath_source(&sp, file, caller, &rel, &err), 0);
	out = rel ? strdup(rel) : NULL;
	pgd_srcpath_release(&sp);
	pgd_report__free(r);
	return out;
}

static void expect(const char *got_owned, const char *want)
{
	char *got = (char *)got_owned;

	if (!want)
		assert_null(got);
	else
		assert_string_equal(got, want);
	free(got);
}

static void built_in_the_checkout(void **state)
{
	struct tree *t = *state;
	char file[256];

	snprintf(file, sizeof(file), "%s/services/svc/internal/cache/cache.go", t->repo);
	/* Module root (services/svc) is not the repository root: the path keeps it. */
	expect(map(t->repo, MODULE "/internal/cache.(*C).Get", file),
	       "services/svc/internal/cache/cache.go");
}

static void built_elsewhere(void **state)
{
	struct tree *t = *state;

	/* The module root as built (/build/src/) comes from the caller's package. */
	expect(map(t->repo, MODULE "/internal/cache.(*C).Get", "/build/src/internal/cache/cache.go"),
	       "services/svc/internal/cache/cache.go");
	/* package main only: the longest tail of the path found in the module's directory. */
	expect(map(t->repo, "main.serve", "/build/src/cmd/svc/main.go"), "services/svc/cmd/svc/main.go");
}

static void trimpath(void **state)
{
	struct tree *t = *state;

	/* cmd/go -trimpath: the main module's files are named by import path. */
	expect(map(t->repo, "main.serve", MODULE "/cmd/svc/main.go"), "services/svc/cmd/svc/main.go");
	/* Other modules (the standard library, a dependency) are not in the repository. */
	expect(map(t->repo, "net/http.(*conn).serve", "net/http/server.go"), NULL);
	expect(map(t->repo, "github.com/a/b.F", "github.com/a/b@v1.2.3/b.go"), NULL);
}

static void other_modules_are_outside(void **state)
{
	struct tree *t = *state;

	expect(map(t->repo, "net/http.(*conn).serve", "/usr/local/go/src/net/http/server.go"), NULL);
}

static void wrong_root_is_an_error(void **state)
{
	struct tree *t = *state;
	struct pgd_report *r = report_with(MODULE "/internal/cache.(*C).Get",
					   "/build/src/internal/cache/cache.go");
	struct pgd_err err = { 0 };

	/* A root without the module's go.mod: the error names the file and the root. */
	assert_int_not_equal(pgd_srcpath_check_report(r, t->other, &err), 0);
	assert_string_equal(err.file, "/build/src/internal/cache/cache.go");
	assert_non_null(strstr(err.msg, t->other));
	assert_non_null(strstr(err.msg, MODULE));
	/* A root that does not exist. */
	memset(&err, 0, sizeof(err));
	assert_int_not_equal(pgd_srcpath_check_report(r, "/nonexistent/pgodrift-root", &err), 0);
	assert_string_equal(err.file, "/nonexistent/pgodrift-root");
	/* The right root maps it. */
	assert_int_equal(pgd_srcpath_check_report(r, t->repo, &err), 0);
	pgd_report__free(r);
}

static void the_search_is_deterministic(void **state)
{
	struct tree *t = *state;
	char root[160];

	/* Two copies of the module at one depth (and one in a hidden directory): name order wins. */
	snprintf(root, sizeof(root), "%s/mono", t->dir);
	touch(root, ".cache/svc/go.mod", "module " MODULE "\n");
	touch(root, "zz/svc/go.mod", "module " MODULE "\n");
	touch(root, "aa/svc/go.mod", "module " MODULE "\n");
	touch(root, "mm/go.mod", "module example.com/other\n");
	expect(map(root, MODULE "/internal/cache.(*C).Get", "/build/src/internal/cache/cache.go"),
	       "aa/svc/internal/cache/cache.go");
}

static void inputs(void **state)
{
	struct tree *t = *state;
	struct pgd_report *r = report_with("main.serve", NULL);
	struct srcpath sp;
	struct pgd_err err = { 0 };
	char path[256];

	touch(t->repo, "services/svc/cmd/svc/default.pgo", "x");
	snprintf(path, sizeof(path), "%s/services/svc/cmd/svc/default.pgo", t->repo);
	assert_int_equal(pgd_srcpath_init(&sp, r, t->repo, &err), 0);
	assert_string_equal(pgd_srcpath_input(&sp, path), "services/svc/cmd/svc/default.pgo");
	assert_null(pgd_srcpath_input(&sp, "/etc/hostname"));
	pgd_srcpath_release(&sp);
	pgd_report__free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(built_in_the_checkout),
		cmocka_unit_test(built_elsewhere),
		cmocka_unit_test(trimpath),
		cmocka_unit_test(other_modules_are_outside),
		cmocka_unit_test(wrong_root_is_an_error),
		cmocka_unit_test(the_search_is_deterministic),
		cmocka_unit_test(inputs),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
