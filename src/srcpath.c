// SPDX-License-Identifier: MIT
/*
 * Repository-relative paths for reported files (see srcpath.h for the rule).
 *
 * The binary records source files as the compiler saw them: absolute paths
 * of the build tree, or under -trimpath the package's import path joined
 * with the file name (cmd/go/internal/work/gc.go, (*Action).trimpath:
 * "a.Package.Dir=>importPath" for the main module, "path@version/..." for
 * other modules). Both are placed in the repository through the main
 * module: where its go.mod sits in the checkout.
 */
#include "srcpath.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "strbuf.h"

#define SEARCH_MAX_DEPTH 8      /* go.mod search below the repository root */
#define SEARCH_MAX_DIRS 20000   /* a bound on a huge checkout: the search gives up */

/* The package import path of a Go linker name: "a.com/x/pkg.(*T).M" -> "a.com/x/pkg". */
static size_t package_len(const char *sym)
{
	const char *end = strchr(sym, '[');   /* generics: "[...]" may hold slashes */
	const char *slash = NULL, *dot;
	size_t lim = end ? (size_t)(end - sym) : strlen(sym);

	for (size_t i = 0; i < lim; i++)
		if (sym[i] == '/')
			slash = sym + i;
	dot = memchr(slash ? slash : sym, '.', lim - (size_t)((slash ? slash : sym) - sym));
	return dot ? (size_t)(dot - sym) : 0;
}

/* Whether caller is in package main or in a package of the main module. */
static int in_main_module(const struct srcpath *sp, const char *caller)
{
	size_t plen, mlen = strlen(sp->module);

	if (!caller)
		return 0;
	plen = package_len(caller);
	if (plen == 4 && !strncmp(caller, "main", 4))
		return 1;
	return mlen && plen >= mlen && !strncmp(caller, sp->module, mlen) &&
	       (plen == mlen || caller[mlen] == '/');
}

static int has_prefix_dir(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return !strncmp(path, dir, n);
}

/*
 * file is "<root>/<rel>/<base>" for a caller in package module/<rel>; returns
 * the root (with its final '/') or NULL.
 */
static char *root_from_package(struct arena *a, const char *file, const char *module,
			       const char *caller)
{
	size_t plen = package_len(caller), mlen = strlen(module);
	const char *base = strrchr(file, '/');
	size_t dirlen;

	if (!plen || !mlen || plen < mlen || strncmp(caller, module, mlen) || !base)
		return NULL;
	dirlen = (size_t)(base - file);   /* file's directory, without the '/' */
	if (plen == mlen)                 /* the package is the module root */
		return pgd_arena_strndup(a, file, dirlen + 1);
	if (caller[mlen] != '/')
		return NULL;
	{
		const char *rel = caller + mlen + 1;
		size_t rlen = plen - mlen - 1;

		if (dirlen < rlen + 1 || file[dirlen - rlen - 1] != '/' ||
		    strncmp(file + dirlen - rlen, rel, rlen))
			return NULL;
		return pgd_arena_strndup(a, file, dirlen - rlen);
	}
}

/* Under -pgo=auto, default.pgo sits in the main package's directory, relative to the checkout. */
static char *root_from_profile_dir(struct arena *a, const char *file, const char *profile)
{
	const char *slash = profile ? strrchr(profile, '/') : NULL;
	struct strbuf needle = STRBUF_INIT;
	const char *hit = NULL;
	char *root = NULL;

	if (!slash || profile[0] == '/' || !strncmp(profile, "../", 3))
		return NULL;
	while (!strncmp(profile, "./", 2))
		profile += 2;
	if (slash <= profile)
		return NULL;
	if (pgd_strbuf_addch(&needle, '/') || pgd_strbuf_add(&needle, profile, (size_t)(slash - profile)) ||
	    pgd_strbuf_addch(&needle, '/'))
		goto out;
	/* The last occurrence: a checkout path may repeat a directory name. */
	for (const char *p = strstr(file, needle.buf); p; p = strstr(p + 1, needle.buf))
		hit = p;
	if (hit)
		root = pgd_arena_strndup(a, file, (size_t)(hit - file) + 1);
out:
	pgd_strbuf_release(&needle);
	return root;
}

/* Whether dir (dirlen bytes, ending in '/' or empty) holds a go.mod declaring `module`. */
static int gomod_declares(const char *dir, size_t dirlen, const char *module)
{
	struct strbuf path = STRBUF_INIT;
	char line[1024];
	FILE *f = NULL;
	int found = 0;

	if (pgd_strbuf_add(&path, dir, dirlen) || pgd_strbuf_addstr(&path, "go.mod"))
		goto out;
	f = fopen(path.buf, "r");
	if (!f)
		goto out;
	while (fgets(line, sizeof(line), f)) {
		char *p = line, *end;

		if (strncmp(p, "module", 6) || (p[6] != ' ' && p[6] != '\t'))
			continue;
		p += 7;
		while (*p == ' ' || *p == '\t' || *p == '"')
			p++;
		end = p + strcspn(p, " \t\r\n\"");
		found = (size_t)(end - p) == strlen(module) && !strncmp(p, module, (size_t)(end - p));
		break;
	}
out:
	if (f)
		fclose(f);
	pgd_strbuf_release(&path);
	return found;
}

/* The build tree still exists here (CI builds then checks): the go.mod above file. */
static char *root_from_gomod(struct arena *a, const char *file, const char *module)
{
	size_t len = strlen(file);

	if (!*module)
		return NULL;
	while (len > 1) {
		while (len > 0 && file[len - 1] != '/')
			len--;
		if (len == 0)
			break;
		if (gomod_declares(file, len, module))
			return pgd_arena_strndup(a, file, len);
		len--;
	}
	return NULL;
}

/*
 * The files a report names, with the function each is about: the sites,
 * then check's inlining entries (issue #17), which a clean check lists
 * without any site; with listed, only those the path-naming writers list
 * (RPT_INL_TOP of each list). i runs from 0 to reported_count() - 1.
 */
static size_t inl_count(size_t n, int listed)
{
	return listed && n > RPT_INL_TOP ? RPT_INL_TOP : n;
}

static size_t reported_count(const struct pgd_report *r, int listed)
{
	size_t n = r->nsites;

	if (r->kind == RPT_CHECK && r->inlining.ran)
		n += inl_count(r->inlining.nstale_hot, listed) + inl_count(r->inlining.nmissed_hot, listed);
	return n;
}

static void reported(const struct pgd_report *r, int listed, size_t i, const char **file,
		     const char **caller)
{
	size_t nstale = inl_count(r->inlining.nstale_hot, listed);
	const struct rpt_inl_site *s;

	if (i < r->nsites) {
		*file = r->sites[i].file;
		*caller = r->sites[i].caller;
		return;
	}
	i -= r->nsites;
	s = i < nstale ? &r->inlining.stale_hot[i] : &r->inlining.missed_hot[i - nstale];
	*file = s->file;
	*caller = s->caller;
}

static void find_built_root(struct srcpath *sp, const struct pgd_report *r)
{
	size_t n = reported_count(r, 0);
	const char *file, *caller;
	char *root = NULL;

	for (size_t i = 0; !root && i < n; i++) {
		reported(r, 0, i, &file, &caller);
		if (file && file[0] == '/' && caller)
			root = root_from_package(&sp->arena, file, sp->module, caller);
	}
	/*
	 * Only main-module callers' files can sit below the main module's go.mod,
	 * and a few of them settle it: the walk costs a failed open per level.
	 */
	for (size_t i = 0, tried = 0; !root && tried < 16 && i < n; i++) {
		reported(r, 0, i, &file, &caller);
		if (!file || file[0] != '/' || !in_main_module(sp, caller))
			continue;
		tried++;
		root = root_from_gomod(&sp->arena, file, sp->module);
	}
	/* Without a repository root the checkout is guessed from a relative --base. */
	for (size_t i = 0; !root && !sp->root && i < r->ninputs; i++) {
		if (!r->inputs[i].role || strcmp(r->inputs[i].role, "base"))
			continue;
		for (size_t k = 0; !root && k < n; k++) {
			reported(r, 0, k, &file, &caller);
			if (file && file[0] == '/')
				root = root_from_profile_dir(&sp->arena, file, r->inputs[i].path);
		}
	}
	sp->built_root = root;
}

static int skip_dir(const char *name)
{
	return name[0] == '.' || !strcmp(name, "vendor") || !strcmp(name, "node_modules");
}

/* The search's queue of directories, relative to the root ("" or "a/b/"), with their depths. */
struct dirq {
	char **rel;
	int *depth;
	size_t head, tail, cap;
};

static int dirq_push(struct dirq *q, char *rel, int depth)
{
	if (q->tail == q->cap) {
		size_t cap = q->cap ? 2 * q->cap : 64;
		char **r = realloc(q->rel, cap * sizeof(*r));
		int *d;

		if (!r)
			return -1;
		q->rel = r;
		d = realloc(q->depth, cap * sizeof(*d));
		if (!d)
			return -1;
		q->depth = d;
		q->cap = cap;
	}
	q->rel[q->tail] = rel;
	q->depth[q->tail++] = depth;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Queues the subdirectories of root/rel, sorted: readdir's order is the file system's. */
static int queue_children(struct dirq *q, struct strbuf *path, const char *rel, int depth)
{
	size_t first = q->tail, plen = path->len;
	struct dirent *de;
	DIR *dir = opendir(path->buf);
	int ret = 0;

	if (!dir)
		return 0;
	while (!ret && (de = readdir(dir))) {
		struct stat st;
		char *child;

		if (skip_dir(de->d_name))
			continue;
		if (pgd_strbuf_addstr(path, de->d_name)) {
			ret = -1;
			break;
		}
		child = (!lstat(path->buf, &st) && S_ISDIR(st.st_mode)) ?
			malloc(strlen(rel) + strlen(de->d_name) + 2) : NULL;
		path->len = plen;
		path->buf[plen] = '\0';
		if (!child)
			continue;
		sprintf(child, "%s%s/", rel, de->d_name);
		if (dirq_push(q, child, depth)) {
			free(child);
			ret = -1;
		}
	}
	closedir(dir);
	qsort(q->rel + first, q->tail - first, sizeof(*q->rel), cmp_str);
	return ret;
}

/*
 * Breadth first, each level in name order, so the shallowest go.mod
 * declaring the module wins, the same one on every machine; bounded in depth
 * and directories so a huge checkout costs a bounded walk.
 */
static void search_mod_dir(struct srcpath *sp)
{
	struct strbuf path = STRBUF_INIT;
	struct dirq q = { 0 };
	char *top;

	sp->mod_dir_searched = 1;
	if (!sp->root || !*sp->module)
		return;
	if (gomod_declares(sp->root, sp->root_len, sp->module)) {
		sp->mod_dir = "";
		return;
	}
	top = strdup("");
	if (!top || dirq_push(&q, top, 0)) {
		free(top);
		goto out;
	}
	while (q.head < q.tail && q.head < SEARCH_MAX_DIRS && !sp->mod_dir) {
		const char *rel = q.rel[q.head];
		int d = q.depth[q.head++];

		pgd_strbuf_reset(&path);
		if (pgd_strbuf_addstr(&path, sp->root) || pgd_strbuf_addstr(&path, rel))
			goto out;
		if (*rel && gomod_declares(path.buf, path.len, sp->module))
			sp->mod_dir = pgd_arena_strdup(&sp->arena, rel);
		else if (d < SEARCH_MAX_DEPTH && queue_children(&q, &path, rel, d + 1))
			goto out;
	}
out:
	for (size_t i = 0; i < q.tail; i++)
		free(q.rel[i]);
	free(q.rel);
	free(q.depth);
	pgd_strbuf_release(&path);
}

static const char *mod_dir(struct srcpath *sp)
{
	if (!sp->mod_dir_searched)
		search_mod_dir(sp);
	return sp->mod_dir;
}

static int exists_in_repo(struct srcpath *sp, const char *dir, const char *rel)
{
	struct strbuf p = STRBUF_INIT;
	struct stat st;
	int ok = !pgd_strbuf_addstr(&p, sp->root) && !pgd_strbuf_addstr(&p, dir) &&
		 !pgd_strbuf_addstr(&p, rel) && !stat(p.buf, &st) && S_ISREG(st.st_mode);

	pgd_strbuf_release(&p);
	return ok;
}

int pgd_srcpath_init(struct srcpath *sp, const struct pgd_report *r, const char *root,
		 struct pgd_err *err)
{
	memset(sp, 0, sizeof(*sp));
	pgd_arena_init(&sp->arena, 0);
	sp->module = "";
	for (size_t i = 0; i < r->ninputs; i++)
		if (r->inputs[i].main_module && *r->inputs[i].main_module) {
			sp->module = r->inputs[i].main_module;
			break;
		}
	if (root && *root) {
		char *real = realpath(root, NULL);
		struct stat st;

		if (!real || stat(real, &st) || !S_ISDIR(st.st_mode)) {
			int e = real ? ENOTDIR : errno;

			free(real);
			return pgd_err_set(err, PGD_EUSAGE, root, "repository root: %s", strerror(e));
		}
		sp->root = pgd_arena_printf(&sp->arena, "%s%s", real,
					real[strlen(real) - 1] == '/' ? "" : "/");
		free(real);
		if (!sp->root)
			return pgd_err_nomem(err, root);
		sp->root_len = strlen(sp->root);
	}
	find_built_root(sp, r);
	if (!sp->root) {
		/* No repository known: paths relative to the module root, as far as it is known. */
		sp->mod_dir = "";
		sp->mod_dir_searched = 1;
	} else if (sp->built_root && has_prefix_dir(sp->built_root, sp->root)) {
		sp->mod_dir = sp->built_root + sp->root_len;
		sp->mod_dir_searched = 1;
	}
	return 0;
}

/* A main-module file whose build root is unknown: the longest tail that exists in the module. */
static const char *by_tail(struct srcpath *sp, const char *file)
{
	const char *dir = mod_dir(sp);

	if (!dir)
		return NULL;
	for (const char *p = strchr(file, '/'); p; p = strchr(p + 1, '/'))
		if (p[1] && exists_in_repo(sp, dir, p + 1))
			return pgd_arena_printf(&sp->arena, "%s%s", dir, p + 1);
	return NULL;
}

static int outside(struct srcpath *sp, const char *file, struct pgd_err *err)
{
	return pgd_err_set(err, PGD_EUSAGE, file,
			   "source file of main module %s is outside the repository root %s "
			   "(no go.mod declaring the module below it; pass the checkout's top "
			   "directory as --source-root)",
			   *sp->module ? sp->module : "(unknown)", sp->root);
}

int pgd_srcpath_source(struct srcpath *sp, const char *file, const char *caller, const char **out,
		   struct pgd_err *err)
{
	size_t mlen = strlen(sp->module);
	const char *rel = NULL;

	*out = NULL;
	if (!file || !*file)
		return 0;
	if (file[0] != '/') {
		/* -trimpath: "module/dir/file.go" for the main module, else another module's. */
		if (!mlen || strncmp(file, sp->module, mlen) || file[mlen] != '/')
			return 0;
		if (!mod_dir(sp))
			return outside(sp, file, err);
		rel = pgd_arena_printf(&sp->arena, "%s%s", sp->mod_dir, file + mlen + 1);
	} else if (sp->root && has_prefix_dir(file, sp->root)) {
		rel = file + sp->root_len;
	} else if (sp->built_root && has_prefix_dir(file, sp->built_root)) {
		if (!mod_dir(sp))
			return outside(sp, file, err);
		rel = pgd_arena_printf(&sp->arena, "%s%s", sp->mod_dir, file + strlen(sp->built_root));
	} else if (sp->root && in_main_module(sp, caller)) {
		if (!(rel = by_tail(sp, file)))
			return outside(sp, file, err);
	} else {
		return 0;   /* GOROOT, the module cache: not in this repository */
	}
	if (!rel)
		return pgd_err_nomem(err, file);
	*out = rel;
	return 0;
}

/* path made absolute: resolved when it exists, else joined to the current directory. */
static const char *absolute(struct srcpath *sp, const char *path)
{
	char cwd[PATH_MAX];
	char *real = realpath(path, NULL);
	const char *out = NULL;

	if (real)
		out = pgd_arena_strdup(&sp->arena, real);
	else if (path[0] == '/')
		out = path;
	else if (getcwd(cwd, sizeof(cwd)))
		out = pgd_arena_printf(&sp->arena, "%s/%s", cwd, path);
	free(real);
	return out;
}

const char *pgd_srcpath_input(struct srcpath *sp, const char *path)
{
	const char *abs;

	if (!path || !*path)
		return NULL;
	if (!sp->root)   /* named relative to where CI ran: the checkout */
		return path[0] == '/' ? NULL : path;
	abs = absolute(sp, path);
	if (!abs)
		return NULL;
	/* The root itself (doctor --repo .) is the repository's top: "." */
	if (strlen(abs) + 1 == sp->root_len && !strncmp(abs, sp->root, sp->root_len - 1))
		return ".";
	return has_prefix_dir(abs, sp->root) ? abs + sp->root_len : NULL;
}

void pgd_srcpath_release(struct srcpath *sp)
{
	pgd_arena_release(&sp->arena);
}

int pgd_srcpath_check_report(const struct pgd_report *r, const char *root, struct pgd_err *err)
{
	struct srcpath sp;
	int ret = pgd_srcpath_init(&sp, r, root, err);

	for (size_t i = 0; !ret && i < reported_count(r, 1); i++) {
		const char *rel, *file, *caller;

		reported(r, 1, i, &file, &caller);
		ret = pgd_srcpath_source(&sp, file, caller, &rel, err);
	}
	pgd_srcpath_release(&sp);
	return ret;
}
