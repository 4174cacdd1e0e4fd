// SPDX-License-Identifier: MIT
/*
 * Doctor checks that look at the shipped binary: stale-names, offset-drift,
 * toolchain-skew (the base profile's edges mapped through the binary),
 * build-settings, race-build (its build info) and code-bloat (against the
 * same code built without PGO).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doctor.h"
#include "err.h"
#include "hashmap.h"
#include "report.h"
#include "strbuf.h"

#define TOP_ITEMS 10
#define TOP_CALLEES 5

/* ---- mapping the base edges through the binary ---------------------------------- */

enum em_status {
	EM_OK = 0,
	EM_CALLER_MISSING,
	EM_CALLEE_MISSING,
	EM_BOTH_MISSING,
	EM_OFFSET_DRIFT,        /* caller there, its line (decl_line + offset) holds no call */
	EM_IGNORED,             /* runtime.asyncPreempt: the compiler ignores it too */
	EM_UNCHECKED,           /* caller there but DWARF gives no decl line to place the offset */
	EM_CALLEE_ELSEWHERE,    /* the line has calls, but none that can reach the callee */
};

struct doc_edge_map {
	const struct pgd_edges *e;
	unsigned char *status;      /* per edge, enum em_status */
	int64_t *line;              /* per edge: absolute line examined, 0 when none */
	int64_t total;              /* weight of every base edge */
};

/*
 * Profiles name generic instantiations "pkg.F[...]"; the symbol table spells
 * the shape ("pkg.F[go.shape.int]"). Both are folded to "[...]" so a
 * generic function is found whatever its shapes.
 */
static char *fold_generics(struct arena *a, const char *name)
{
	size_t len = strlen(name);
	char *out = pgd_arena_alloc(a, len + 1), *w = out;
	int depth = 0;

	if (!out || !strchr(name, '['))
		return out ? strcpy(out, name) : NULL;
	for (const char *s = name; *s; s++) {
		if (*s == '[') {
			if (depth++ == 0) {
				memcpy(w, "[...]", 5);
				w += 5;
			}
		} else if (*s == ']') {
			if (depth > 0)
				depth--;
		} else if (depth == 0) {
			*w++ = *s;
		}
	}
	*w = '\0';
	return out;
}

struct name_index {
	struct hashmap folded;      /* folded symbol names */
};

static int name_index_build(struct doc_ctx *c, struct pgd_binary *b, struct name_index *ni)
{
	for (size_t i = 0; i < b->nsymbols; i++) {
		const char *n;
		int ins;

		if (!b->symbols[i].is_func || !strchr(b->symbols[i].name, '['))
			continue;
		n = fold_generics(&c->scratch, b->symbols[i].name);
		if (!n || !pgd_hashmap_upsert_str(&ni->folded, n, &ins))
			return -1;
	}
	return 0;
}

/* 1 when the binary has the function (symbol or DWARF), 0 when not, <0 on error. */
static int binary_has(struct doc_ctx *c, struct name_index *ni, const char *name,
		      struct pgd_err *err)
{
	const struct pgd_bfunc *bf;
	const char *folded;

	if (pgd_binary_has_symbol(c->bin, name))
		return 1;
	if (strchr(name, '[')) {
		folded = fold_generics(&c->scratch, name);
		if (!folded)
			return pgd_err_nomem(err, pgd_binary__path(c->bin));
		if (pgd_hashmap_find_str(&ni->folded, folded))
			return 1;
	}
	/* Functions inlined everywhere have no symbol, only a DWARF subprogram. */
	pgd_err_clear(err);
	bf = pgd_binary_func(c->bin, name, err);
	if (!bf && err && err->code)
		return err->code;
	if (bf)
		return 1;
	/*
	 * A function inlined into every caller has no symbol and may have no
	 * subprogram of its own that the lazy index resolves; its inlined
	 * copies still name it.
	 */
	return pgd_binary_inlined_in(c->bin, name, "", err);
}

static int is_ignored_callee(const char *name)
{
	return !strcmp(name, "runtime.asyncPreempt");
}

/*
 * What the binary has at an edge's call line. No call at all (no call
 * instruction, inlined callee or devirtualization guard) is offset drift;
 * calls that cannot reach the callee (direct calls to other functions only)
 * mean the line now holds some other call.
 */
static unsigned line_status(struct doc_ctx *c, const struct pgd_line_code *lc, const char *callee)
{
	const char *folded;

	if (!lc->func)
		return EM_UNCHECKED;
	if (!lc->ncalls && !lc->ninlined && !lc->nguards)
		return EM_OFFSET_DRIFT;
	if (lc->nguards)
		return EM_OK;
	for (size_t i = 0; i < lc->ninlined; i++)
		if (!strcmp(lc->inlined[i], callee))
			return EM_OK;
	folded = strchr(callee, '[') ? fold_generics(&c->scratch, callee) : callee;
	for (size_t i = 0; i < lc->ncalls; i++) {
		const struct pgd_call_insn *ci = &lc->calls[i];
		const char *t = ci->target_name;

		if (ci->kind == PGD_CALL_INDIRECT || !t)
			return EM_OK;
		if (!strcmp(t, callee) || (folded && strchr(t, '[') && !strcmp(folded, fold_generics(&c->scratch, t))))
			return EM_OK;
	}
	return EM_CALLEE_ELSEWHERE;
}

struct line_key {
	const char *caller;         /* interned in the edge set */
	int64_t offset;
};

static int build_edge_map(struct doc_ctx *c, struct pgd_err *err)
{
	const struct pgd_edges *e;
	struct doc_edge_map *m;
	struct name_index ni = { HASHMAP_INIT };
	struct hashmap exists = HASHMAP_INIT;   /* name -> 1 present, 2 absent */
	struct hashmap lines = HASHMAP_INIT;    /* (caller, offset) -> status + 1 */
	struct arena calls = ARENA_INIT;        /* code_at_line results, dropped at the end */
	int ret;

	if ((ret = pgd_doc_base_edges(c, &e, err)))
		return ret;
	m = pgd_arena_calloc(&c->scratch, 1, sizeof(*m));
	if (!m || !(m->status = pgd_arena_calloc(&c->scratch, e->nedges + 1, 1)) ||
	    !(m->line = pgd_arena_calloc(&c->scratch, e->nedges + 1, sizeof(*m->line))) ||
	    name_index_build(c, c->bin, &ni)) {
		ret = pgd_err_nomem(err, pgd_binary__path(c->bin));
		goto out;
	}
	m->e = e;
	m->total = e->total_weight;
	for (size_t i = 0; i < e->nedges; i++) {
		const struct pgd_edge *ed = &e->edges[i];
		const char *names[2] = { ed->caller, ed->callee };
		int have[2];
		struct line_key key = { ed->caller, ed->offset };
		struct hashmap_entry *he;
		int ins;

		if (is_ignored_callee(ed->callee)) {
			m->status[i] = EM_IGNORED;
			continue;
		}
		for (int k = 0; k < 2; k++) {
			he = pgd_hashmap_upsert_str(&exists, names[k], &ins);
			if (!he) {
				ret = pgd_err_nomem(err, pgd_binary__path(c->bin));
				goto out;
			}
			if (ins) {
				int h = binary_has(c, &ni, names[k], err);

				if (h < 0) {
					ret = h;
					goto out;
				}
				he->val.u64 = h ? 1 : 2;
			}
			have[k] = he->val.u64 == 1;
		}
		if (!have[0] || !have[1]) {
			m->status[i] = !have[0] && !have[1] ? EM_BOTH_MISSING
				       : !have[0] ? EM_CALLER_MISSING : EM_CALLEE_MISSING;
			continue;
		}
		he = pgd_hashmap_upsert(&lines, &key, sizeof(key), &ins);
		if (!he) {
			ret = pgd_err_nomem(err, pgd_binary__path(c->bin));
			goto out;
		}
		if (ins) {
			struct line_key *kept = pgd_arena_alloc(&c->scratch, sizeof(*kept));
			struct pgd_line_code *lc = pgd_arena_calloc(&calls, 1, sizeof(*lc));
			const struct pgd_bfunc *bf;

			if (!kept || !lc) {
				ret = pgd_err_nomem(err, pgd_binary__path(c->bin));
				goto out;
			}
			*kept = key;
			he->key = kept;
			he->val.ptr = lc;
			pgd_err_clear(err);
			bf = pgd_binary_func(c->bin, ed->caller, err);
			if (!bf && err->code) {
				ret = err->code;
				goto out;
			}
			if (bf && bf->decl_line > 0 &&
			    (ret = pgd_binary_code_at_line(c->bin, ed->caller, bf->decl_line + ed->offset,
							   &calls, lc, err)))
				goto out;
		}
		{
			const struct pgd_line_code *lc = he->val.ptr;

			m->line[i] = lc->line;
			m->status[i] = (unsigned char)line_status(c, lc, ed->callee);
		}
	}
	c->emap = m;
	ret = 0;
out:
	pgd_hashmap_free(&ni.folded);
	pgd_hashmap_free(&exists);
	pgd_hashmap_free(&lines);
	pgd_arena_release(&calls);
	return ret;
}

static int edge_map(struct doc_ctx *c, struct doc_edge_map **out, struct pgd_err *err)
{
	int ret;

	if (!c->emap && (ret = build_edge_map(c, err)))
		return ret;
	*out = c->emap;
	return 0;
}

static int is_missing(unsigned st)
{
	return st == EM_CALLER_MISSING || st == EM_CALLEE_MISSING || st == EM_BOTH_MISSING;
}

/* Rows ranked by weight: one per missing function or per drifted line. */
struct wrow {
	const char *name;
	int64_t weight;
	int64_t offset, line;
	const char *what;
};

static int cmp_wrow(const void *pa, const void *pb)
{
	const struct wrow *a = pa, *b = pb;

	if (a->weight != b->weight)
		return a->weight > b->weight ? -1 : 1;
	if (strcmp(a->name, b->name))
		return strcmp(a->name, b->name);
	return (a->offset > b->offset) - (a->offset < b->offset);
}

/* Adds weight to the row for (name, offset), creating it. */
static int wrow_add(struct doc_ctx *c, struct hashmap *idx, struct wrow **rows, size_t *n,
		    const char *name, int64_t offset, int64_t line, const char *what, int64_t w)
{
	char *key = pgd_arena_printf(&c->scratch, "%s\n%lld", name, (long long)offset);
	struct hashmap_entry *he;
	int ins;

	if (!key || !(he = pgd_hashmap_upsert_str(idx, key, &ins)))
		return -1;
	if (ins) {
		struct wrow *nr = pgd_arena_grow_for_append(&c->scratch, *rows, *n, sizeof(*nr));

		if (!nr)
			return -1;
		*rows = nr;
		nr[*n] = (struct wrow){ name, 0, offset, line, what };
		he->val.u64 = (*n)++;
	}
	(*rows)[he->val.u64].weight += w;
	return 0;
}

/*
 * The heaviest rows as the finding's items, each with its share of the
 * base's edge weight; `where` adds the offset and line, otherwise the role
 * (caller or callee) that went missing.
 */
static int add_top_rows(struct doc_ctx *c, struct rpt_finding *f, const struct wrow *rows, size_t n,
			int64_t total, int where)
{
	for (size_t i = 0; i < n && i < TOP_ITEMS; i++) {
		struct rpt_item *it = pgd_doc_item(c, f, rows[i].name);

		if (!it)
			return -1;
		if (where ? pgd_doc_item_int(c, it, "offset", rows[i].offset) ||
			    pgd_doc_item_int(c, it, "line", rows[i].line)
			  : pgd_doc_item_str(c, it, "role", rows[i].what))
			return -1;
		if (pgd_doc_item_int(c, it, "weight", rows[i].weight) ||
		    pgd_doc_item_real(c, it, "share", total ? (double)rows[i].weight / (double)total : 0))
			return -1;
	}
	return 0;
}

/* ---- stale-names ----------------------------------------------------------------- */

int pgd_doc_stale_names(struct doc_ctx *c, const struct doc_check *chk, struct pgd_err *err)
{
	struct doc_edge_map *m;
	struct hashmap idx = HASHMAP_INIT;
	struct wrow *rows = NULL;
	size_t n = 0;
	int64_t stale = 0, nstale = 0;
	double share;
	struct rpt_finding *f;
	int ret;

	if ((ret = edge_map(c, &m, err)))
		return ret;
	for (size_t i = 0; i < m->e->nedges; i++) {
		const struct pgd_edge *ed = &m->e->edges[i];
		unsigned st = m->status[i];

		if (!is_missing(st))
			continue;
		stale += ed->weight;
		nstale++;
		if ((st != EM_CALLEE_MISSING &&
		     wrow_add(c, &idx, &rows, &n, ed->caller, 0, 0, "caller", ed->weight)) ||
		    (st != EM_CALLER_MISSING &&
		     wrow_add(c, &idx, &rows, &n, ed->callee, 0, 0, "callee", ed->weight))) {
			ret = pgd_err_nomem(err, c->base->label);
			goto out;
		}
	}
	share = m->total > 0 ? (double)stale / (double)m->total : 0;
	if (share <= c->o.max_stale_share)
		goto out;
	if (n > 1)
		qsort(rows, n, sizeof(*rows), cmp_wrow);
	f = pgd_doc_finding(c, chk, chk->severity, c->base->label,
			"%.0f%% of the base profile's edge weight names functions the binary no longer "
			"has (renamed or removed): refresh default.pgo from the current code",
			share * 100);
	if (!f || pgd_doc_fig_real(c, f, "stale_share", share) || pgd_doc_fig_int(c, f, "stale_weight", stale) ||
	    pgd_doc_fig_int(c, f, "stale_edges", nstale) || pgd_doc_fig_int(c, f, "total_weight", m->total) ||
	    pgd_doc_fig_int(c, f, "missing_functions", (int64_t)n) ||
	    pgd_doc_fig_real(c, f, "max_stale_share", c->o.max_stale_share) ||
	    pgd_doc_fig_str(c, f, "binary", pgd_binary__path(c->bin))) {
		ret = pgd_err_nomem(err, c->base->label);
		goto out;
	}
	if (add_top_rows(c, f, rows, n, m->total, 0))
		ret = pgd_err_nomem(err, c->base->label);
out:
	pgd_hashmap_free(&idx);
	return ret;
}

/* ---- offset-drift ------------------------------------------------------------------ */

int pgd_doc_offset_drift(struct doc_ctx *c, const struct doc_check *chk, struct pgd_err *err)
{
	struct doc_edge_map *m;
	struct hashmap idx = HASHMAP_INIT;
	struct wrow *rows = NULL;
	size_t n = 0;
	int64_t drift = 0, unchecked = 0;
	double share;
	struct rpt_finding *f;
	int ret;

	if ((ret = edge_map(c, &m, err)))
		return ret;
	for (size_t i = 0; i < m->e->nedges; i++) {
		const struct pgd_edge *ed = &m->e->edges[i];

		if (m->status[i] == EM_UNCHECKED)
			unchecked += ed->weight;
		if (m->status[i] != EM_OFFSET_DRIFT)
			continue;
		drift += ed->weight;
		if (wrow_add(c, &idx, &rows, &n, ed->caller, ed->offset, m->line[i], NULL, ed->weight)) {
			ret = pgd_err_nomem(err, c->base->label);
			goto out;
		}
	}
	share = m->total > 0 ? (double)drift / (double)m->total : 0;
	if (share <= c->o.max_stale_share)
		goto out;
	if (n > 1)
		qsort(rows, n, sizeof(*rows), cmp_wrow);
	f = pgd_doc_finding(c, chk, chk->severity, c->base->label,
			"%.0f%% of the base profile's edge weight sits at line offsets where the binary "
			"has no call (code inside hot functions moved): refresh default.pgo",
			share * 100);
	if (!f || pgd_doc_fig_real(c, f, "drift_share", share) || pgd_doc_fig_int(c, f, "drift_weight", drift) ||
	    pgd_doc_fig_int(c, f, "drifted_sites", (int64_t)n) ||
	    pgd_doc_fig_int(c, f, "unchecked_weight", unchecked) ||
	    pgd_doc_fig_int(c, f, "total_weight", m->total) ||
	    pgd_doc_fig_real(c, f, "max_stale_share", c->o.max_stale_share) ||
	    pgd_doc_fig_str(c, f, "binary", pgd_binary__path(c->bin))) {
		ret = pgd_err_nomem(err, c->base->label);
		goto out;
	}
	if (add_top_rows(c, f, rows, n, m->total, 1))
		ret = pgd_err_nomem(err, c->base->label);
out:
	pgd_hashmap_free(&idx);
	return ret;
}

/* ---- toolchain-skew ----------------------------------------------------------------- */

enum pkg_class { PKG_MODULE, PKG_STD, PKG_OTHER };

/*
 * Whose code a function is, by its package path: the main package and the
 * main module's packages are the module's; a path whose first element has
 * no dot is the Go distribution's (runtime, internal/..., net/http; module
 * paths need a dot in the first element, see cmd/go/internal/modload's
 * checks on module paths); anything else is a dependency. This works on
 * -trimpath builds, where DWARF file names no longer show GOROOT.
 */
static enum pkg_class classify(const char *name, const char *module)
{
	const char *slash = strrchr(name, '/');
	const char *dot = strchr(slash ? slash : name, '.');
	size_t plen = dot ? (size_t)(dot - name) : strlen(name);
	size_t mlen = module ? strlen(module) : 0;
	const char *first_end;

	if (plen == 4 && !strncmp(name, "main", 4))
		return PKG_MODULE;
	if (mlen && plen >= mlen && !strncmp(name, module, mlen) && (plen == mlen || name[mlen] == '/'))
		return PKG_MODULE;
	first_end = memchr(name, '/', plen);
	if (!first_end)
		first_end = name + plen;
	if (!memchr(name, '.', (size_t)(first_end - name)))
		return PKG_STD;
	return PKG_OTHER;
}

int pgd_doc_toolchain_skew(struct doc_ctx *c, const struct doc_check *chk, struct pgd_err *err)
{
	struct doc_edge_map *m;
	int64_t w[3] = { 0 }, bad[3] = { 0 };
	const char *module = pgd_binary__main_module(c->bin);
	const char *gover = pgd_binary__go_version(c->bin);
	struct hashmap idx = HASHMAP_INIT;
	struct wrow *rows = NULL;
	size_t n = 0;
	double std_share, mod_share, std_of_total;
	struct rpt_finding *f;
	int ret;

	if ((ret = edge_map(c, &m, err)))
		return ret;
	for (size_t i = 0; i < m->e->nedges; i++) {
		const struct pgd_edge *ed = &m->e->edges[i];
		unsigned st = m->status[i];
		enum pkg_class k;

		if (st == EM_IGNORED || st == EM_UNCHECKED)
			continue;
		/*
		 * An edge that touches the Go distribution on either end is the
		 * toolchain's: its std caller's lines moved, or its std callee was
		 * renamed or inlined differently. The rest is the caller's.
		 */
		k = classify(ed->caller, module);
		if (k != PKG_STD && classify(ed->callee, module) == PKG_STD)
			k = PKG_STD;
		w[k] += ed->weight;
		if (st == EM_OK)
			continue;
		bad[k] += ed->weight;
		if (k == PKG_STD &&
		    wrow_add(c, &idx, &rows, &n, ed->caller, ed->offset, m->line[i],
			     st == EM_OFFSET_DRIFT ? "offset-drift"
			     : st == EM_CALLEE_ELSEWHERE ? "callee-elsewhere" : "missing", ed->weight)) {
			ret = pgd_err_nomem(err, c->base->label);
			goto out;
		}
	}
	std_share = w[PKG_STD] ? (double)bad[PKG_STD] / (double)w[PKG_STD] : 0;
	mod_share = w[PKG_MODULE] ? (double)bad[PKG_MODULE] / (double)w[PKG_MODULE] : 0;
	std_of_total = m->total ? (double)bad[PKG_STD] / (double)m->total : 0;
	/*
	 * The signature of a toolchain bump: the Go distribution's code moved
	 * under the profile while the module's own code still maps.
	 */
	if (!(std_of_total > c->o.max_stale_share && std_share > 2 * mod_share &&
	      mod_share <= c->o.max_stale_share))
		goto out;
	if (n > 1)
		qsort(rows, n, sizeof(*rows), cmp_wrow);
	f = pgd_doc_finding(c, chk, chk->severity, c->base->label,
			"%.0f%% of the profile's Go-distribution edge weight no longer maps onto this %s "
			"binary while %.0f%% of the module's does not: the profile predates a toolchain "
			"change; refresh it with the new toolchain and tie profile refreshes to Go bumps",
			std_share * 100, gover ? gover : "(unknown Go version)", mod_share * 100);
	if (!f || pgd_doc_fig_str(c, f, "go_version", gover) ||
	    pgd_doc_fig_real(c, f, "std_unmapped_share", std_share) ||
	    pgd_doc_fig_real(c, f, "module_unmapped_share", mod_share) ||
	    pgd_doc_fig_real(c, f, "std_unmapped_total_share", std_of_total) ||
	    pgd_doc_fig_real(c, f, "std_weight_share", m->total ? (double)w[PKG_STD] / (double)m->total : 0) ||
	    pgd_doc_fig_real(c, f, "module_weight_share",
			 m->total ? (double)w[PKG_MODULE] / (double)m->total : 0) ||
	    pgd_doc_fig_real(c, f, "other_unmapped_share",
			 w[PKG_OTHER] ? (double)bad[PKG_OTHER] / (double)w[PKG_OTHER] : 0) ||
	    pgd_doc_fig_str(c, f, "main_module", module)) {
		ret = pgd_err_nomem(err, c->base->label);
		goto out;
	}
	for (size_t i = 0; i < n && i < TOP_ITEMS; i++) {
		struct rpt_item *it = pgd_doc_item(c, f, rows[i].name);

		if (!it || pgd_doc_item_str(c, it, "why", rows[i].what) ||
		    pgd_doc_item_int(c, it, "offset", rows[i].offset) ||
		    pgd_doc_item_int(c, it, "weight", rows[i].weight)) {
			ret = pgd_err_nomem(err, c->base->label);
			goto out;
		}
	}
out:
	pgd_hashmap_free(&idx);
	return ret;
}

/* ---- build-settings ------------------------------------------------------------------ */

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* 1 same bytes, 0 different, -1 cannot tell (a file unreadable). */
static int same_contents(const char *a, const char *b)
{
	struct strbuf x = STRBUF_INIT, y = STRBUF_INIT;
	int ret = -1;

	pgd_strbuf_init(&x, 1u << 30);
	pgd_strbuf_init(&y, 1u << 30);
	if (pgd_strbuf_read_file(&x, a) || pgd_strbuf_read_file(&y, b))
		goto out;
	ret = x.len == y.len && !memcmp(x.buf, y.buf, x.len);
out:
	pgd_strbuf_release(&x);
	pgd_strbuf_release(&y);
	return ret;
}

int pgd_doc_build_settings(struct doc_ctx *c, const struct doc_check *chk, struct pgd_err *err)
{
	const char *pgo = pgd_binary__build_setting(c->bin, "-pgo");
	const char *gover = pgd_binary__go_version(c->bin);
	const char *bin = pgd_binary__path(c->bin);
	const char *base = c->o.base_path;
	struct rpt_finding *f = NULL;
	const char *match = NULL;

	if (!pgo) {
		f = pgd_doc_finding(c, chk, chk->severity, bin,
				"built without PGO (no -pgo in build info: -pgo=off, or -pgo=auto found "
				"no default.pgo beside package main): put default.pgo next to the main "
				"package or build with -pgo=PATH");
	} else if (base) {
		int same = pgo[0] == '/' ? same_contents(pgo, base) : -1;

		if (same == 0)
			match = "contents-differ";
		else if (same < 0 && strcmp(base_name(pgo), base_name(base)))
			match = "basename-differs";
		if (match)
			f = pgd_doc_finding(c, chk, chk->severity, bin,
					"built from another profile (-pgo=%s, not %s): rebuild with the "
					"committed profile or check which file CI passes to -pgo",
					pgo, base);
	}
	if (!f)
		return 0;
	if (pgd_doc_fig_str(c, f, "pgo", pgo ? pgo : "off") || pgd_doc_fig_str(c, f, "go_version", gover) ||
	    pgd_doc_fig_str(c, f, "base", base) || pgd_doc_fig_str(c, f, "profile_match", match))
		return pgd_err_nomem(err, bin);
	return 0;
}

/* ---- race-build --------------------------------------------------------------------- */

/* Whether a -gcflags value turns off inlining (-l) or optimisation (-N) for some package. */
static int gcflags_defeat_pgo(const char *v, char *which, size_t size)
{
	const char *s = v;

	which[0] = '\0';
	while (s && *s) {
		const char *end = strchr(s, ' ');
		size_t len = end ? (size_t)(end - s) : strlen(s);
		const char *tok = s, *eq = memchr(s, '=', len);

		/* "pattern=-flag" applies -flag to matching packages. */
		if (eq && tok[0] != '-') {
			len -= (size_t)(eq + 1 - tok);
			tok = eq + 1;
		}
		if ((len == 2 && (!strncmp(tok, "-l", 2) || !strncmp(tok, "-N", 2))) ||
		    (len > 3 && !strncmp(tok, "-l=", 3))) {
			snprintf(which, size, "%.*s", (int)len, tok);
			return 1;
		}
		s = end ? end + 1 : NULL;
	}
	return 0;
}

static int has_tag(const char *tags, const char *tag)
{
	size_t n = strlen(tag);

	for (const char *s = tags; s && *s;) {
		const char *end = strchr(s, ',');
		size_t len = end ? (size_t)(end - s) : strlen(s);

		if (len == n && !strncmp(s, tag, n))
			return 1;
		s = end ? end + 1 : NULL;
	}
	return 0;
}

int pgd_doc_race_build(struct doc_ctx *c, const struct doc_check *chk, struct pgd_err *err)
{
	const char *race = pgd_binary__build_setting(c->bin, "-race");
	const char *tags = pgd_binary__build_setting(c->bin, "-tags");
	const char *gcflags = pgd_binary__build_setting(c->bin, "-gcflags");
	const char *bin = pgd_binary__path(c->bin);
	int is_race = (race && !strcmp(race, "true")) || (tags && has_tag(tags, "race"));
	char flag[64];
	int defeats = gcflags && gcflags_defeat_pgo(gcflags, flag, sizeof(flag));
	struct rpt_finding *f;

	if (!is_race && !defeats)
		return 0;
	if (is_race)
		f = pgd_doc_finding(c, chk, chk->severity, bin,
				"built with -race: instrumentation changes inlining and dominates the "
				"profile; ship and profile a build without -race");
	else
		f = pgd_doc_finding(c, chk, PGD_SEV_WARN, bin,
				"built with -gcflags %s: it turns off the inlining PGO relies on; drop "
				"it from release builds",
				flag);
	if (!f || pgd_doc_fig_bool(c, f, "race", is_race) || pgd_doc_fig_str(c, f, "tags", tags) ||
	    pgd_doc_fig_str(c, f, "gcflags", gcflags) ||
	    pgd_doc_fig_bool(c, f, "gcflags_defeat_pgo", defeats) ||
	    pgd_doc_fig_str(c, f, "pgo", pgd_binary__build_setting(c->bin, "-pgo")))
		return pgd_err_nomem(err, bin);
	return 0;
}

/* ---- code-bloat ------------------------------------------------------------------------ */

struct grown {
	const char *name;
	int64_t size_pgo, size_nopgo;
	double cum_share;
	int in_profile;
};

static int cmp_grown(const void *pa, const void *pb)
{
	const struct grown *a = pa, *b = pb;
	int64_t da = a->size_pgo - a->size_nopgo, db = b->size_pgo - b->size_nopgo;

	if (da != db)
		return da > db ? -1 : 1;
	return strcmp(a->name, b->name);
}

struct callee_row {
	const char *callee;
	int64_t copies_pgo, copies_nopgo;
};

static int cmp_callee(const void *pa, const void *pb)
{
	const struct callee_row *a = pa, *b = pb;
	int64_t da = a->copies_pgo - a->copies_nopgo, db = b->copies_pgo - b->copies_nopgo;

	if (da != db)
		return da > db ? -1 : 1;
	return strcmp(a->callee, b->callee);
}

/* Share of profile samples with fn anywhere on the stack, for each grown function. */
static void cum_shares(const struct doc_ctx *c, struct grown *g, size_t n)
{
	const struct doc_group *grp = c->base ? c->base : c->ngroups ? &c->groups[0] : NULL;
	int64_t total = 0, *w = calloc(n ? n : 1, sizeof(*w));
	unsigned char *seen = calloc(n ? n : 1, 1);

	if (!grp || !w || !seen || !grp->has_samples)
		goto out;
	for (size_t k = 0; k < grp->n; k++) {
		const struct pgd_profile *p = grp->profiles[k];

		for (uint32_t i = 0; i < p->nsamples; i++) {
			const struct pgd_sample *s = &p->samples[i];

			total += s->value;
			memset(seen, 0, n);
			for (uint32_t li = 0; li < s->nlocations; li++) {
				const struct pgd_location *l = &p->locations[s->locations[li]];

				for (uint32_t j = 0; j < l->nlines; j++) {
					uint32_t fi = l->lines[j].function;
					const char *name;

					if (fi == UINT32_MAX || fi >= p->nfunctions)
						continue;
					name = p->functions[fi].name;
					for (size_t x = 0; x < n; x++) {
						if (!seen[x] && !strcmp(name, g[x].name)) {
							seen[x] = 1;
							w[x] += s->value;
						}
					}
				}
			}
		}
	}
	for (size_t x = 0; x < n; x++) {
		g[x].in_profile = 1;
		g[x].cum_share = total ? (double)w[x] / (double)total : 0;
	}
out:
	free(w);
	free(seen);
}

static int symbol_sizes(struct pgd_binary *b, struct hashmap *m)
{
	for (size_t i = 0; i < b->nsymbols; i++) {
		int ins;
		struct hashmap_entry *e;

		if (!b->symbols[i].is_func)
			continue;
		if (!(e = pgd_hashmap_upsert_str(m, b->symbols[i].name, &ins)))
			return -1;
		e->val.u64 += b->symbols[i].size;
	}
	return 0;
}

/* "container\ncallee" -> copies. */
static int inline_map(struct doc_ctx *c, struct pgd_binary *b, struct hashmap *m,
		      const struct pgd_inline_count **ic, size_t *nic, struct pgd_err *err)
{
	int ret = pgd_binary_inline_counts(b, ic, nic, err);

	if (ret)
		return ret;
	for (size_t i = 0; i < *nic; i++) {
		char *key = pgd_arena_printf(&c->scratch, "%s\n%s", (*ic)[i].container, (*ic)[i].callee);
		struct hashmap_entry *e;
		int ins;

		if (!key || !(e = pgd_hashmap_upsert_str(m, key, &ins)))
			return pgd_err_nomem(err, pgd_binary__path(b));
		e->val.u64 += (*ic)[i].copies;
	}
	return 0;
}

static int bloat_items(struct doc_ctx *c, struct rpt_finding *f, const struct grown *g,
		       const struct pgd_inline_count *ic, size_t nic, const struct hashmap *nopgo_inl)
{
	struct rpt_item *it = pgd_doc_item(c, f, g->name);
	struct callee_row *rows = NULL;
	size_t n = 0;

	if (!it || pgd_doc_item_str(c, it, "kind", "function") ||
	    pgd_doc_item_int(c, it, "size_pgo", g->size_pgo) ||
	    pgd_doc_item_int(c, it, "size_nopgo", g->size_nopgo) ||
	    pgd_doc_item_int(c, it, "growth_bytes", g->size_pgo - g->size_nopgo) ||
	    (g->in_profile && pgd_doc_item_real(c, it, "cum_share", g->cum_share)) ||
	    (g->in_profile && pgd_doc_item_bool(c, it, "hot", g->cum_share >= 0.01)))
		return -1;
	for (size_t i = 0; i < nic; i++) {
		char *key;
		const struct hashmap_entry *e;
		struct callee_row *nr;

		if (strcmp(ic[i].container, g->name))
			continue;
		key = pgd_arena_printf(&c->scratch, "%s\n%s", ic[i].container, ic[i].callee);
		if (!key)
			return -1;
		e = pgd_hashmap_find_str(nopgo_inl, key);
		nr = pgd_arena_grow_for_append(&c->scratch, rows, n, sizeof(*nr));
		if (!nr)
			return -1;
		rows = nr;
		rows[n++] = (struct callee_row){ ic[i].callee, ic[i].copies, e ? (int64_t)e->val.u64 : 0 };
	}
	if (n > 1)
		qsort(rows, n, sizeof(*rows), cmp_callee);
	for (size_t i = 0; i < n && i < TOP_CALLEES; i++) {
		if (rows[i].copies_pgo <= rows[i].copies_nopgo)
			break;
		it = pgd_doc_item(c, f, rows[i].callee);
		if (!it || pgd_doc_item_str(c, it, "kind", "inlined-callee") ||
		    pgd_doc_item_str(c, it, "container", g->name) ||
		    pgd_doc_item_int(c, it, "copies_pgo", rows[i].copies_pgo) ||
		    pgd_doc_item_int(c, it, "copies_nopgo", rows[i].copies_nopgo))
			return -1;
	}
	return 0;
}

/*
 * "; 129 hot call sites hold 52 KiB of inlined copies the build without PGO
 * does not make, 12 KiB at 40 sites no longer hot in --fresh". Not a share
 * of the growth: a copy replaces a call and, inlined everywhere, a body, so
 * the copies can add up to more than the net growth (gofmt: 134 KiB of
 * copies for 108 KiB of growth).
 */
static int hot_budget_clause(struct strbuf *sb, const struct doc_hot_budget *hb)
{
	if (!hb->ran || !hb->nsites)
		return 0;
	if (pgd_strbuf_addf(sb, "; %zu hot call site%s hold ", hb->nsites, hb->nsites == 1 ? "" : "s") ||
	    pgd_rpt_bytes_text(sb, hb->bytes) ||
	    pgd_strbuf_addstr(sb, " of inlined copies the build without PGO does not make"))
		return -1;
	if (hb->has_fresh && hb->nstale &&
	    (pgd_strbuf_addstr(sb, ", ") || pgd_rpt_bytes_text(sb, hb->stale_bytes) ||
	     pgd_strbuf_addf(sb, " at %zu site%s no longer hot in --fresh", hb->nstale,
			 hb->nstale == 1 ? "" : "s")))
		return -1;
	return 0;
}

int pgd_doc_code_bloat(struct doc_ctx *c, const struct doc_check *chk, struct pgd_err *err)
{
	struct hashmap nopgo_sizes = HASHMAP_INIT, pgo_sizes = HASHMAP_INIT;
	struct hashmap pgo_inl = HASHMAP_INIT, nopgo_inl = HASHMAP_INIT;
	const struct pgd_inline_count *ic_p = NULL, *ic_n = NULL;
	size_t nic_p = 0, nic_n = 0, n = 0;
	uint64_t tp = c->bin->text_size, tn = c->cmp->text_size;
	const char *bin = pgd_binary__path(c->bin);
	struct grown *g = NULL;
	struct doc_hot_budget hb;
	struct strbuf clause = STRBUF_INIT;
	double growth;
	struct rpt_finding *f;
	int ret = 0;

	if (!tn)
		goto out;
	growth = ((double)tp - (double)tn) / (double)tn;
	if (growth <= c->o.max_growth)
		goto out;
	if (symbol_sizes(c->bin, &pgo_sizes) || symbol_sizes(c->cmp, &nopgo_sizes)) {
		ret = pgd_err_nomem(err, bin);
		goto out;
	}
	g = calloc(pgo_sizes.count ? pgo_sizes.count : 1, sizeof(*g));
	if (!g) {
		ret = pgd_err_nomem(err, bin);
		goto out;
	}
	{
		struct hashmap_entry *e;

		for (size_t it = 0; pgd_hashmap_next(&pgo_sizes, &it, &e);) {
			const struct hashmap_entry *o = pgd_hashmap_find(&nopgo_sizes, e->key, e->key_len);
			int64_t sn = o ? (int64_t)o->val.u64 : 0;

			if ((int64_t)e->val.u64 > sn)
				g[n++] = (struct grown){ e->key, (int64_t)e->val.u64, sn, 0, 0 };
		}
	}
	if (n > 1)
		qsort(g, n, sizeof(*g), cmp_grown);
	if (n > TOP_ITEMS)
		n = TOP_ITEMS;
	cum_shares(c, g, n);
	if ((ret = inline_map(c, c->bin, &pgo_inl, &ic_p, &nic_p, err)) ||
	    (ret = inline_map(c, c->cmp, &nopgo_inl, &ic_n, &nic_n, err)) ||
	    (ret = pgd_doc_hot_budget(c, &hb, err)))
		goto out;
	if (hot_budget_clause(&clause, &hb)) {
		ret = pgd_err_nomem(err, bin);
		goto out;
	}
	f = pgd_doc_finding(c, chk, chk->severity, bin,
			"PGO grew .text by %.1f%% over the build without it (mostly %s)%s: check that the "
			"profile's hot functions are the service's; a narrow profile makes the compiler "
			"inline hot callees into them many times",
			growth * 100, n ? g[0].name : "?", clause.buf);
	if (!f || pgd_doc_fig_real(c, f, "growth", growth) || pgd_doc_fig_int(c, f, "text_size_pgo", (int64_t)tp) ||
	    pgd_doc_fig_int(c, f, "text_size_nopgo", (int64_t)tn) ||
	    pgd_doc_fig_real(c, f, "max_growth", c->o.max_growth) ||
	    pgd_doc_fig_str(c, f, "top_function", n ? g[0].name : NULL) ||
	    pgd_doc_fig_str(c, f, "compare_binary", pgd_binary__path(c->cmp))) {
		ret = pgd_err_nomem(err, bin);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		if (bloat_items(c, f, &g[i], ic_p, nic_p, &nopgo_inl)) {
			ret = pgd_err_nomem(err, bin);
			goto out;
		}
	}
	if (pgd_doc_hot_budget_report(c, f, &hb, (int64_t)tp - (int64_t)tn))
		ret = pgd_err_nomem(err, bin);
out:
	pgd_strbuf_release(&clause);
	free(g);
	pgd_hashmap_free(&pgo_sizes);
	pgd_hashmap_free(&nopgo_sizes);
	pgd_hashmap_free(&pgo_inl);
	pgd_hashmap_free(&nopgo_inl);
	return ret;
}
