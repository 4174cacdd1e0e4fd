// SPDX-License-Identifier: MIT
/*
 * Doctor check on the module tree: layout.
 *
 * `go build` with the default -pgo=auto uses only a file named default.pgo
 * in the main package's directory (cmd/go/internal/load/pkg.go,
 * setPGOProfilePath). A default.pgo anywhere else, or a profile under any
 * other name, is never picked up, and nothing says so.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "doctor.h"
#include "err.h"

#define MAX_DEPTH 32
#define MAX_ENTRIES 200000
/* A package clause comes before any code; a file needs no more than this to show it. */
#define HEAD_BYTES 65536

struct layout_row {
	const char *path;           /* relative to the repo */
	const char *kind;           /* misplaced-default-pgo | main-without-profile | stray-profile */
};

struct layout {
	struct doc_ctx *c;
	size_t entries;
	struct layout_row *rows;
	size_t n;
	int64_t counts[3];
	int truncated;
};

enum { MISPLACED, MAIN_WITHOUT, STRAY };
static const char *const kind_names[] = { "misplaced-default-pgo", "main-without-profile",
					  "stray-profile" };

static int add_row(struct layout *l, int kind, const char *rel)
{
	struct layout_row *nr = pgd_arena_grow_for_append(&l->c->scratch, l->rows, l->n, sizeof(*nr));

	if (!nr)
		return -1;
	l->rows = nr;
	nr[l->n].kind = kind_names[kind];
	nr[l->n].path = pgd_arena_strdup(&l->c->scratch, rel[0] ? rel : ".");
	if (!nr[l->n].path)
		return -1;
	l->n++;
	l->counts[kind]++;
	return 0;
}

static const char *skip_space_and_comments(const char *s, const char *end)
{
	while (s < end) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
			s++;
		} else if (end - s >= 2 && s[0] == '/' && s[1] == '/') {
			while (s < end && *s != '\n')
				s++;
		} else if (end - s >= 2 && s[0] == '/' && s[1] == '*') {
			const char *close = NULL;

			for (const char *q = s + 2; q + 1 < end; q++) {
				if (q[0] == '*' && q[1] == '/') {
					close = q;
					break;
				}
			}
			if (!close)
				return end;
			s = close + 2;
		} else {
			break;
		}
	}
	return s;
}

/* Whether a Go source file's package clause says `package main`. */
static int is_package_main(const char *path)
{
	const char *s, *end;
	int ret = 0;
	FILE *f = fopen(path, "r");
	char buf[HEAD_BYTES];
	size_t len;

	if (!f)
		return 0;
	len = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	s = buf;
	end = buf + len;
	s = skip_space_and_comments(s, end);
	if (end - s > 8 && !strncmp(s, "package", 7) && (s[7] == ' ' || s[7] == '\t')) {
		s = skip_space_and_comments(s + 7, end);
		ret = end - s >= 4 && !strncmp(s, "main", 4) &&
		      (end - s == 4 || !((s[4] >= 'a' && s[4] <= 'z') || (s[4] >= 'A' && s[4] <= 'Z') ||
					 (s[4] >= '0' && s[4] <= '9') || s[4] == '_'));
	}
	return ret;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * Walks one directory. Go ignores directories whose names start with '.' or
 * '_' and those named testdata (cmd/go's package patterns), plus vendor/;
 * symlinks are not followed. Entries are sorted so rows come out in a
 * stable order.
 */
static int walk(struct layout *l, const char *abs, const char *rel, int depth, struct pgd_err *err)
{
	DIR *d = opendir(abs);
	struct dirent *de;
	const char **names = NULL;
	size_t n = 0;
	int has_main = 0, has_default = 0, ret = 0;

	if (!d)
		return depth ? 0 : pgd_err_set(err, PGD_EINPUT, abs, "cannot open: %s", strerror(errno));
	while ((de = readdir(d))) {
		const char **nn;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (++l->entries > MAX_ENTRIES) {
			l->truncated = 1;
			break;
		}
		nn = pgd_arena_grow_for_append(&l->c->scratch, names, n, sizeof(*nn));
		if (!nn || !(nn[n] = pgd_arena_strdup(&l->c->scratch, de->d_name))) {
			ret = pgd_err_nomem(err, abs);
			goto out;
		}
		names = nn;
		n++;
	}
	if (n > 1)
		qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 0; i < n; i++) {
		const char *name = names[i];
		char *child = pgd_arena_printf(&l->c->scratch, "%s/%s", abs, name);
		char *crel = pgd_arena_printf(&l->c->scratch, "%s%s%s", rel, rel[0] ? "/" : "", name);
		struct stat st;

		if (!child || !crel) {
			ret = pgd_err_nomem(err, abs);
			goto out;
		}
		if (lstat(child, &st))
			continue;
		if (S_ISDIR(st.st_mode)) {
			if (name[0] == '.' || name[0] == '_' || !strcmp(name, "testdata") ||
			    !strcmp(name, "vendor") || depth >= MAX_DEPTH)
				continue;
			if ((ret = walk(l, child, crel, depth + 1, err)))
				goto out;
			continue;
		}
		if (!S_ISREG(st.st_mode))
			continue;
		if (!strcmp(name, "default.pgo")) {
			has_default = 1;
		} else if (ends_with(name, ".pgo") || ends_with(name, ".pprof")) {
			if (add_row(l, STRAY, crel)) {
				ret = pgd_err_nomem(err, abs);
				goto out;
			}
		} else if (!has_main && ends_with(name, ".go") && !ends_with(name, "_test.go") &&
			   is_package_main(child)) {
			has_main = 1;
		}
	}
	if (has_default && !has_main) {
		char *p = pgd_arena_printf(&l->c->scratch, "%s%sdefault.pgo", rel, rel[0] ? "/" : "");

		if (!p || add_row(l, MISPLACED, p))
			ret = pgd_err_nomem(err, abs);
	} else if (has_main && !has_default) {
		if (add_row(l, MAIN_WITHOUT, rel))
			ret = pgd_err_nomem(err, abs);
	}
out:
	closedir(d);
	return ret;
}

static int cmp_rows(const void *pa, const void *pb)
{
	const struct layout_row *a = pa, *b = pb;
	int d = strcmp(a->kind, b->kind);

	return d ? d : strcmp(a->path, b->path);
}

int pgd_doc_layout(struct doc_ctx *c, const struct doc_check *chk, struct pgd_err *err)
{
	struct layout l = { c, 0, NULL, 0, { 0 }, 0 };
	struct rpt_finding *f;
	int ret;

	if ((ret = walk(&l, c->repo, "", 0, err)))
		return ret;
	if (!l.n)
		return 0;
	if (l.n > 1)
		qsort(l.rows, l.n, sizeof(*l.rows), cmp_rows);
	f = pgd_doc_finding(c, chk, chk->severity, c->repo,
			"%lld default.pgo not beside a main package, %lld main packages without one, "
			"%lld profiles go build never reads: move each profile to default.pgo in the "
			"directory of the main package it is for",
			(long long)l.counts[MISPLACED], (long long)l.counts[MAIN_WITHOUT],
			(long long)l.counts[STRAY]);
	if (!f || pgd_doc_fig_int(c, f, "misplaced_default_pgo", l.counts[MISPLACED]) ||
	    pgd_doc_fig_int(c, f, "main_without_profile", l.counts[MAIN_WITHOUT]) ||
	    pgd_doc_fig_int(c, f, "stray_profiles", l.counts[STRAY]) ||
	    pgd_doc_fig_bool(c, f, "truncated", l.truncated))
		return pgd_err_nomem(err, c->repo);
	for (size_t i = 0; i < l.n; i++) {
		struct rpt_item *it = pgd_doc_item(c, f, l.rows[i].path);

		if (!it || pgd_doc_item_str(c, it, "kind", l.rows[i].kind))
			return pgd_err_nomem(err, c->repo);
	}
	return 0;
}
