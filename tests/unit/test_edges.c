// SPDX-License-Identifier: MIT
/*
 * Edges against Go itself: every testdata/golden/preprofile/NAME.preprofile
 * is the output of `go tool preprofile -i testdata/profiles/NAME.pprof`
 * (contrib/gen-testdata.sh), so byte equality here is equality with Go.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edges.h"
#include "profile.h"
#include "strbuf.h"

#define GOLDEN_DIR "testdata/golden/preprofile"
#define PROFILE_DIR "testdata/profiles"

static char *slurp(const char *path, size_t *len)
{
	struct strbuf sb = STRBUF_INIT;

	if (pgd_strbuf_read_file(&sb, path)) {
		pgd_strbuf_release(&sb);
		*len = 0;
		return NULL;
	}
	return pgd_strbuf_detach(&sb, len);
}

static struct pgd_profile *open_ok(const char *path)
{
	struct pgd_profile *p = NULL;
	struct pgd_err err = { 0 };
	char msg[2048];
	int ret = pgd_profile__open(path, NULL, &p, &err);

	if (ret)
		fail_msg("open %s: %s", path, pgd_err_format(&err, msg, sizeof(msg)));
	return p;
}

static struct pgd_edges *build_ok(struct pgd_profile **ps, size_t n, enum pgd_attribution a)
{
	struct pgd_edges *e = NULL;
	struct pgd_err err = { 0 };
	char msg[2048];

	if (pgd_edges__build(ps, n, a, &e, &err))
		fail_msg("build: %s", pgd_err_format(&err, msg, sizeof(msg)));
	return e;
}

static char *write_mem(const struct pgd_edges *e, size_t *len)
{
	struct pgd_err err = { 0 };
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	assert_non_null(f);
	assert_int_equal(pgd_edges__write_preprofile(e, f, &err), 0);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void assert_same_bytes(const char *what, const char *got, size_t glen, const char *want,
			      size_t wlen)
{
	size_t i = 0;

	while (i < glen && i < wlen && got[i] == want[i])
		i++;
	if (i != glen || i != wlen)
		fail_msg("%s: output differs from golden at byte %zu (got %zu bytes, want %zu)", what, i,
			 glen, wlen);
}

/* Calls fn(name) for each NAME with both a golden and a pprof; returns the count. */
static int for_each_golden(void (*fn)(const char *name))
{
	DIR *d = opendir(GOLDEN_DIR);
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		char name[256], pprof[512];
		FILE *f;

		if (len <= 11 || len >= sizeof(name) || strcmp(de->d_name + len - 11, ".preprofile"))
			continue;
		memcpy(name, de->d_name, len - 11);
		name[len - 11] = '\0';
		snprintf(pprof, sizeof(pprof), PROFILE_DIR "/%s.pprof", name);
		if (!(f = fopen(pprof, "rb")))
			continue;
		fclose(f);
		fn(name);
		n++;
	}
	closedir(d);
	return n;
}

static void check_golden(const char *name)
{
	char pprof[512], golden[512];
	struct pgd_profile *p;
	struct pgd_edges *e;
	size_t wlen, glen;
	char *want, *got;

	snprintf(pprof, sizeof(pprof), PROFILE_DIR "/%s.pprof", name);
	snprintf(golden, sizeof(golden), GOLDEN_DIR "/%s.preprofile", name);
	p = open_ok(pprof);
	assert_int_equal(pgd_profile__format(p), PGD_PROFILE_PPROF);
	e = build_ok(&p, 1, PGD_ATTR_COMPILER);
	got = write_mem(e, &glen);
	want = slurp(golden, &wlen);
	assert_non_null(want);
	assert_same_bytes(pprof, got, glen, want, wlen);
	free(got);
	free(want);
	pgd_edges__free(e);
	pgd_profile__close(p);
}

static void test_goldens(void **state)
{
	(void)state;
	int n = for_each_golden(check_golden);

	/* Fewer would mean the fixtures went missing and the test says nothing. */
	if (n < 5)
		fail_msg("only %d preprofile goldens with a profile in " GOLDEN_DIR, n);
}

/* A golden read as a GO PREPROFILE V1 input and written back is itself. */
static void check_round_trip(const char *name)
{
	char golden[512];
	struct pgd_profile *p;
	struct pgd_edges *e;
	size_t wlen, glen;
	char *want, *got;

	snprintf(golden, sizeof(golden), GOLDEN_DIR "/%s.preprofile", name);
	p = open_ok(golden);
	assert_int_equal(pgd_profile__format(p), PGD_PROFILE_PREPROFILE);
	e = build_ok(&p, 1, PGD_ATTR_COMPILER);
	got = write_mem(e, &glen);
	want = slurp(golden, &wlen);
	assert_same_bytes(golden, got, glen, want, wlen);
	/* Stack mode has no stacks to expand in a preprofile: edges as they are. */
	pgd_edges__free(e);
	free(got);
	e = build_ok(&p, 1, PGD_ATTR_STACK);
	got = write_mem(e, &glen);
	assert_same_bytes(golden, got, glen, want, wlen);
	free(got);
	free(want);
	pgd_edges__free(e);
	pgd_profile__close(p);
}

static void test_round_trip(void **state)
{
	(void)state;
	assert_true(for_each_golden(check_round_trip) >= 5);
}

/* ---- merge: checked against the goldens, parsed here independently ------ */

struct tedge {
	char *caller, *callee;
	long long offset, weight;
};

static size_t parse_golden(const char *path, struct tedge **out, size_t n)
{
	size_t len;
	char *buf = slurp(path, &len), *line, *nl;
	int field = 0;

	assert_non_null(buf);
	/* Lines as Go's bufio.ScanLines cuts them; names may be empty. */
	assert_int_equal(strncmp(buf, "GO PREPROFILE V1\n", 17), 0);
	for (line = buf + 17; line < buf + len; line = nl + 1) {
		nl = strchr(line, '\n');
		assert_non_null(nl);
		*nl = '\0';
		if (field == 0) {
			*out = realloc(*out, (n + 1) * sizeof(**out));
			assert_non_null(*out);
			(*out)[n].caller = strdup(line);
		} else if (field == 1) {
			(*out)[n].callee = strdup(line);
		} else {
			assert_int_equal(sscanf(line, "%lld %lld", &(*out)[n].offset, &(*out)[n].weight), 2);
			n++;
		}
		field = (field + 1) % 3;
	}
	assert_int_equal(field, 0);
	free(buf);
	return n;
}

static int cmp_tedge(const void *pa, const void *pb)
{
	const struct tedge *a = pa, *b = pb;
	int c = strcmp(a->caller, b->caller);

	if (!c)
		c = strcmp(a->callee, b->callee);
	if (!c)
		c = (a->offset > b->offset) - (a->offset < b->offset);
	return c;
}

static void test_merge(void **state)
{
	struct pgd_profile *ps[2];
	struct pgd_edges *e;
	struct tedge *t = NULL;
	size_t n, distinct = 0;
	long long total = 0;

	(void)state;
	n = parse_golden(GOLDEN_DIR "/fresh-even-a.preprofile", &t, 0);
	size_t na = n;
	n = parse_golden(GOLDEN_DIR "/fresh-even-b.preprofile", &t, n);
	assert_true(na > 0 && n > na);
	qsort(t, n, sizeof(*t), cmp_tedge);
	for (size_t i = 0; i < n; i++) {
		if (distinct && !cmp_tedge(&t[distinct - 1], &t[i])) {
			t[distinct - 1].weight += t[i].weight;
			free(t[i].caller);
			free(t[i].callee);
		} else {
			t[distinct++] = t[i];
		}
		total += t[i].weight;
	}

	ps[0] = open_ok(PROFILE_DIR "/fresh-even-a.pprof");
	ps[1] = open_ok(PROFILE_DIR "/fresh-even-b.pprof");
	e = build_ok(ps, 2, PGD_ATTR_COMPILER);
	assert_int_equal(pgd_edges__count(e), distinct);
	assert_int_equal(pgd_edges__total_weight(e), total);
	for (size_t i = 0; i < distinct; i++) {
		const struct pgd_edge *x = pgd_edges_find(e, t[i].caller, t[i].offset, t[i].callee);

		if (!x)
			fail_msg("merged edges lack %s -> %s at %lld", t[i].caller, t[i].callee, t[i].offset);
		assert_int_equal(x->weight, t[i].weight);
		free(t[i].caller);
		free(t[i].callee);
	}
	/* Written in Go's order: weight desc, then caller, callee, offset. */
	for (size_t i = 1; i < e->nedges; i++) {
		const struct pgd_edge *a = &e->edges[i - 1], *b = &e->edges[i];
		int c = strcmp(a->caller, b->caller);

		if (!c)
			c = strcmp(a->callee, b->callee);
		assert_true(a->weight > b->weight ||
			    (a->weight == b->weight && (c < 0 || (c == 0 && a->offset < b->offset))));
	}
	free(t);
	pgd_edges__free(e);
	pgd_profile__close(ps[0]);
	pgd_profile__close(ps[1]);
}

static void test_stack_mode(void **state)
{
	struct pgd_profile *p = open_ok(PROFILE_DIR "/base.pprof");
	struct pgd_edges *c, *s;

	(void)state;
	c = build_ok(&p, 1, PGD_ATTR_COMPILER);
	s = build_ok(&p, 1, PGD_ATTR_STACK);
	assert_true(pgd_edges__count(c) > 0);
	assert_true(pgd_edges__total_weight(s) >= pgd_edges__total_weight(c));
	assert_true(pgd_edges__count(s) >= pgd_edges__count(c));
	for (size_t i = 0; i < c->nedges; i++) {
		const struct pgd_edge *x = &c->edges[i];

		if (!pgd_edges_find(s, x->caller, x->offset, x->callee))
			fail_msg("stack mode lacks %s -> %s at %" PRId64, x->caller, x->callee, x->offset);
	}
	/* runtime.main -> main.main is outside the last two frames of most samples. */
	assert_true(pgd_edges__total_weight(s) > pgd_edges__total_weight(c));
	pgd_edges__free(c);
	pgd_edges__free(s);
	pgd_profile__close(p);
}

static void test_find(void **state)
{
	struct pgd_profile *p = open_ok(PROFILE_DIR "/base.pprof");
	struct pgd_edges *e = build_ok(&p, 1, PGD_ATTR_COMPILER);
	const struct pgd_edge *top;
	char *copy;

	(void)state;
	assert_true(e->nedges > 0);
	top = &e->edges[0];
	/* Found by content, not by the interned pointers. */
	copy = strdup(top->caller);
	assert_ptr_equal(pgd_edges_find(e, copy, top->offset, top->callee), top);
	assert_null(pgd_edges_find(e, copy, top->offset + 100000, top->callee));
	assert_null(pgd_edges_find(e, "no.such.function", top->offset, top->callee));
	assert_ptr_not_equal(pgd_edges_find(e, top->callee, top->offset, copy), top);
	free(copy);
	pgd_edges__free(e);
	pgd_profile__close(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_goldens),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_stack_mode),
		cmocka_unit_test(test_find),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
