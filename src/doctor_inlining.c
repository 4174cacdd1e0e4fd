// SPDX-License-Identifier: MIT
/*
 * code-bloat's hot call sites (issue #17): which of the growth the PGO
 * build's hot-site inlining budget bought. cmd/compile gives a call site
 * hot in the profile an inlining budget of 2000 instead of 80
 * (cmd/compile/internal/inline/inl.go: hotNodesFromCDF, inlineHotMaxBudget);
 * a site of the base's hot set whose callee the PGO build inlines there and
 * the build without PGO does not is growth that budget paid for. With
 * --fresh, the sites no longer hot are stale-hot: those bytes buy nothing
 * today. The hot set and the inline trees are inlining.h's, the same that
 * `check` reports.
 */
#include <stdlib.h>
#include <string.h>

#include "doctor.h"
#include "err.h"
#include "inlining.h"

static int cmp_hb_site(const void *pa, const void *pb)
{
	const struct doc_hb_site *a = pa, *b = pb;

	if (a->bytes != b->bytes)
		return a->bytes > b->bytes ? -1 : 1;
	return pgd_key_cmp(a->caller, a->offset, a->callee, b->caller, b->offset, b->callee);
}

/* One base-hot site: kept when the PGO build inlines it and the build without PGO does not. */
static int consider(struct doc_ctx *c, struct doc_hot_budget *hb, const struct pgd_inl_site *s,
		    struct pgd_inl_index *xp, struct pgd_inl_index *xn,
		    const struct pgd_inl_profile *base, const struct pgd_inl_profile *fresh)
{
	const struct pgd_inl_func *fp, *fn;
	struct pgd_inl_at_line ap, an;
	struct doc_hb_site *v;
	int64_t line, line_n;

	if (!s->hot || !strcmp(s->callee, PGD_INL_ASYNC_PREEMPT))
		return 0;
	if (pgd_inl_index_site(xp, c->bin, s->caller, s->offset, s->callee, &fp, &line, &ap))
		return -1;
	if (ap.inlined != 1)
		return 0;
	if (pgd_inl_index_site(xn, c->cmp, s->caller, s->offset, s->callee, &fn, &line_n, &an))
		return -1;
	if (an.inlined == 1)
		return 0;   /* inlined without PGO too: the normal budget did it */
	if (!(v = pgd_arena_grow_for_append(&c->scratch, hb->sites, hb->nsites, sizeof(*v))))
		return -1;
	hb->sites = v;
	v = &hb->sites[hb->nsites++];
	memset(v, 0, sizeof(*v));
	/* The names live in the edge set, freed before the finding is written. */
	if (!(v->caller = pgd_arena_strdup(&c->scratch, s->caller)) ||
	    !(v->callee = pgd_arena_strdup(&c->scratch, s->callee)))
		return -1;
	v->offset = s->offset;
	v->line = line;
	v->bytes = ap.bytes;
	v->nopgo_call = an.inlined == 0;
	v->base_share = base->total > 0 ? (double)s->weight / (double)base->total : 0;
	v->hot_in_fresh = -1;
	if (fresh) {
		const struct pgd_inl_site *t = pgd_inl_profile_find(fresh, s->caller, s->offset);

		v->hot_in_fresh = t && t->hot;
	}
	hb->bytes += ap.bytes;
	if (v->hot_in_fresh == 0) {
		hb->nstale++;
		hb->stale_bytes += ap.bytes;
	}
	return 0;
}

/*
 * A group's hot set from the compiler's edges, whatever --attribution says
 * (the hot set is the compiler's). Its names live in *e: freed by the caller.
 */
static int group_profile(struct doc_ctx *c, const struct doc_group *g, struct pgd_edges **e,
			 struct pgd_inl_profile *out, struct pgd_err *err)
{
	int ret = pgd_edges__build(g->profiles, g->n, PGD_ATTR_COMPILER, e, err);

	return ret ? ret : pgd_inl_profile_build(*e, PGD_INL_CDF_PERCENT, &c->scratch, out, err);
}

int pgd_doc_hot_budget(struct doc_ctx *c, struct doc_hot_budget *hb, struct pgd_err *err)
{
	struct pgd_inl_profile base, fresh;
	struct pgd_edges *eb = NULL, *ef = NULL;
	struct pgd_inl_index *xp = NULL, *xn = NULL;
	struct pgd_inl_want none_p, none_n;   /* one per build (inlining.h) */
	struct pgd_err xerr = { 0 };
	int ret;

	memset(hb, 0, sizeof(*hb));
	pgd_inl_want_init(&none_p, &c->scratch, NULL);
	pgd_inl_want_init(&none_n, &c->scratch, NULL);
	if (!c->base)
		return 0;   /* no hot set without the profile the PGO build used */
	if ((ret = group_profile(c, c->base, &eb, &base, err)) ||
	    (c->fresh && (ret = group_profile(c, c->fresh, &ef, &fresh, err))))
		goto out;
	/*
	 * No runtime table (a Go < 1.20 binary): nothing to say, not an error.
	 * Nothing wanted: the sites' callers are read when asked
	 * (pgd_inl_index_site); no evidence is built here.
	 */
	if ((ret = pgd_inl_index_build(c->bin, &none_p, &xp, &xerr)) == PGD_EINPUT ||
	    (!ret && (ret = pgd_inl_index_build(c->cmp, &none_n, &xn, &xerr)) == PGD_EINPUT)) {
		ret = 0;
		goto out;
	}
	if (ret) {
		*err = xerr;
		goto out;
	}
	hb->ran = 1;
	hb->has_fresh = c->fresh != NULL;
	for (size_t i = 0; i < base.nsites; i++)
		if (consider(c, hb, &base.sites[i], xp, xn, &base, c->fresh ? &fresh : NULL)) {
			ret = pgd_err_nomem(err, pgd_binary__path(c->bin));
			goto out;
		}
	if (hb->nsites > 1)
		qsort(hb->sites, hb->nsites, sizeof(*hb->sites), cmp_hb_site);
out:
	pgd_inl_index_free(xp);
	pgd_inl_index_free(xn);
	pgd_inl_want_release(&none_p);
	pgd_inl_want_release(&none_n);
	pgd_edges__free(eb);
	pgd_edges__free(ef);
	return ret;
}

int pgd_doc_hot_budget_report(struct doc_ctx *c, struct rpt_finding *f, const struct doc_hot_budget *hb,
			      int64_t growth_bytes)
{
	if (!hb->ran)
		return 0;
	if (pgd_doc_fig_int(c, f, "hot_budget_sites", (int64_t)hb->nsites) ||
	    pgd_doc_fig_int(c, f, "hot_budget_bytes", (int64_t)hb->bytes) ||
	    pgd_doc_fig_real(c, f, "hot_budget_growth_share",
			     growth_bytes > 0 ? (double)hb->bytes / (double)growth_bytes : 0))
		return -1;
	if (hb->has_fresh && (pgd_doc_fig_int(c, f, "stale_hot_sites", (int64_t)hb->nstale) ||
			      pgd_doc_fig_int(c, f, "stale_hot_bytes", (int64_t)hb->stale_bytes)))
		return -1;
	for (size_t i = 0; i < hb->nsites && i < DOC_HB_TOP; i++) {
		const struct doc_hb_site *s = &hb->sites[i];
		struct rpt_item *it = pgd_doc_item(c, f, s->caller);

		if (!it || pgd_doc_item_str(c, it, "kind", "hot-budget-site") ||
		    pgd_doc_item_str(c, it, "callee", s->callee) ||
		    pgd_doc_item_int(c, it, "line", s->line) ||
		    pgd_doc_item_int(c, it, "offset", s->offset) ||
		    pgd_doc_item_int(c, it, "inlined_bytes", (int64_t)s->bytes) ||
		    pgd_doc_item_bool(c, it, "call_without_pgo", s->nopgo_call) ||
		    pgd_doc_item_real(c, it, "base_share", s->base_share) ||
		    (s->hot_in_fresh >= 0 && pgd_doc_item_bool(c, it, "hot_in_fresh", s->hot_in_fresh)))
			return -1;
	}
	return 0;
}
