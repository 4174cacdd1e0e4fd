// SPDX-License-Identifier: MIT
/*
 * Inlining drift (issue #17): the call sites each profile makes hot for
 * cmd/compile's inliner, and what the binary shows where that changed.
 *
 * Hot call sites, mirrored from cmd/compile/internal/inline/inl.go
 * (read in Go 1.21.13, 1.22.12, 1.23.5, 1.24.4, 1.25.12, 1.26.11):
 *
 *   hotNodesFromCDF walks the profile's edges heaviest first
 *   (cmd/internal/pgo/pprof.go sortByWeight: weight desc, then caller,
 *   callee, offset ascending; pgd_edges_sort is the same order), summing
 *   weights, and stops at the first edge i where
 *   WeightInPercentage(cum, TotalWeight) = float64(cum)/float64(total)*100
 *   exceeds inlineCDFHotCallSiteThresholdPercent (99, -d=pgoinlinecdfthreshold
 *   overrides): edges [0, i] are hot and the threshold reported
 *   ("hot-callsite-thres-from-CDF=") is that last edge's percentage; if
 *   the sum never exceeds it, every edge is hot and the threshold is 0.
 *   PGOInlinePrologue marks each hot edge's (caller, offset) as a hot call
 *   site (candHotEdgeMap, pgoir.CallSiteInfo with no callee: every call at
 *   that line of that caller is hot) and its callee as a hot callee
 *   (candHotCalleeMap: the callee gets budget 2000 when its own
 *   inlinability is computed, "hot-node enabled increased budget").
 *
 * Version differences: Go 1.21 (inl.go hotNodesFromCDF over pgo.NodeMap)
 * sorts the same keys with the same comparison itself, over EWeight and
 * TotalEdgeWeight, which pgo/irgraph.go processprofileGraph sums as 1.22+'s
 * createNamedEdgeMap does; it ignores a profile whose flat node weight is
 * 0 too. Go 1.22-1.26 (inl.go) take pgo.NamedEdgeMap.ByWeight as built.
 * Go 1.23+ also read GO PREPROFILE V1, whose ByWeight is the file's own
 * order (cmd/internal/pgo/deserialize.go "serialization is ordered"):
 * `go tool preprofile` writes it sorted, so it is the same order; a
 * hand-written file in another order is sorted here. Go 1.26 adds
 * simdCreditMultiplier and closure budgets to inlineCostOK, not to the hot
 * set. Go 1.21's hairyVisitor also prints "hot-callsite identified" lines
 * (its offset taken against the callee's start line: a debug print only,
 * no decision). The key (pgo[ir].NodeLineOffset: innermost line) and the
 * printed position (base.FmtPos: outermost) are the same in 1.21-1.26.
 * Edges of weight 0 (absent from pgodrift's sets) come last and add
 * nothing, so they can only be hot when every edge is.
 *
 * The hot budget (inl.go inlineCostOK): a call whose callee costs more
 * than maxCost (80; 20 in a "big" caller of more than 5000 nodes) is
 * inlined only when (caller, offset) is hot, the caller is not big, and
 * the cost is at most 2000 ("hot-budget check allows inlining"). The
 * offset is pgoir.NodeLineOffset: the innermost line of the call minus the
 * caller's start line, where the caller is the function being compiled.
 * So a site (F, k) of the profile is decided in F's OWN body only: when F
 * is inlined into G, F's calls are inlined again from F's saved
 * pre-inlining body (ir.Inline.Body) with caller G and offset line - G's
 * start line, another key, which is not the site.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "binary.h"
#include "err.h"
#include "inlining.h"

/* ---- hot call sites ------------------------------------------------------------ */

/* inl.go / cmd/internal/pgo/pgo.go WeightInPercentage, the same float64 operations. */
static double weight_pct(int64_t value, int64_t total)
{
	return ((double)value / (double)total) * 100;
}

static int site_cmp(const void *a, const void *b)
{
	const struct pgd_inl_site *x = a, *y = b;
	int c = x->caller == y->caller ? 0 : strcmp(x->caller, y->caller);

	if (c)
		return c;
	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/* How many edges hotNodesFromCDF takes, and the threshold it reports. */
static size_t hot_cut(const struct pgd_edges *e, double cdf, double *threshold)
{
	int64_t cum = 0;

	*threshold = 0;
	for (size_t i = 0; i < e->nedges; i++) {
		cum += e->edges[i].weight;
		if (weight_pct(cum, e->total_weight) > cdf) {
			*threshold = weight_pct(e->edges[i].weight, e->total_weight);
			return i + 1;
		}
	}
	return e->nedges;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int hot_callees(const struct pgd_edges *e, size_t cut, struct arena *a, struct pgd_inl_profile *out)
{
	size_t n = 0;

	if (!cut)
		return 0;
	if (!(out->hot_callees = pgd_arena_calloc(a, cut, sizeof(*out->hot_callees))))
		return -1;
	for (size_t i = 0; i < cut; i++)
		out->hot_callees[i] = e->edges[i].callee;
	qsort(out->hot_callees, cut, sizeof(*out->hot_callees), str_cmp);
	for (size_t i = 0; i < cut; i++)
		if (!n || strcmp(out->hot_callees[n - 1], out->hot_callees[i]))
			out->hot_callees[n++] = out->hot_callees[i];
	out->nhot_callees = n;
	return 0;
}

int pgd_inl_profile_hot_callee(const struct pgd_inl_profile *p, const char *name)
{
	return p->nhot_callees && bsearch(&name, p->hot_callees, p->nhot_callees, sizeof(name), str_cmp);
}

struct site_key {
	const char *caller;           /* interned in the edge set: equal names, equal pointers */
	int64_t offset;
};

/* The two filter bits of a name (pgd_inl_profile.hot_caller_bits). */
static void caller_bits(const char *name, uint32_t *b1, uint32_t *b2)
{
	uint64_t h = pgd_hashmap_hash(name, strlen(name));

	*b1 = (uint32_t)h % PGD_INL_HOT_CALLER_BITS;
	*b2 = (uint32_t)(h >> 32) % PGD_INL_HOT_CALLER_BITS;
}

static int hot_caller_filter(struct arena *a, struct pgd_inl_profile *p)
{
	if (!(p->hot_caller_bits = pgd_arena_calloc(a, PGD_INL_HOT_CALLER_BITS / 64, sizeof(uint64_t))))
		return -1;
	for (size_t i = 0; i < p->nsites; i++) {
		uint32_t b1, b2;

		if (!p->sites[i].hot)
			continue;
		caller_bits(p->sites[i].caller, &b1, &b2);
		p->hot_caller_bits[b1 / 64] |= 1ull << (b1 % 64);
		p->hot_caller_bits[b2 / 64] |= 1ull << (b2 % 64);
	}
	return 0;
}

int pgd_inl_profile_build(const struct pgd_edges *e, double cdf, struct arena *a,
			  struct pgd_inl_profile *out, struct pgd_err *err)
{
	struct hashmap idx = HASHMAP_INIT;
	struct site_key *keys = NULL;
	size_t cut;
	int ret = 0;

	memset(out, 0, sizeof(*out));
	out->total = e->total_weight;
	/* pgoir.New: a profile whose total is 0 is ignored (no PGO at all) */
	cut = e->total_weight > 0 ? hot_cut(e, cdf, &out->threshold) : 0;
	out->nhot_edges = cut;
	if (!e->nedges)
		return 0;
	out->sites = pgd_arena_calloc(a, e->nedges, sizeof(*out->sites));
	keys = calloc(e->nedges, sizeof(*keys));
	if (!out->sites || !keys)
		goto nomem;
	for (size_t i = 0; i < e->nedges; i++) {
		const struct pgd_edge *x = &e->edges[i];
		struct hashmap_entry *he;
		struct pgd_inl_site *s;
		int ins;

		keys[i] = (struct site_key){ x->caller, x->offset };
		if (!(he = pgd_hashmap_upsert(&idx, &keys[i], sizeof(keys[i]), &ins)))
			goto nomem;
		if (ins) {   /* first in ByWeight order: the site's heaviest edge */
			he->val.u64 = out->nsites;
			out->sites[out->nsites++] = (struct pgd_inl_site){ x->caller, x->offset, x->callee, 0, 0 };
		}
		s = &out->sites[he->val.u64];
		s->weight += x->weight;
		/* a preemption is no call: name the heaviest real callee when there is one */
		if (!strcmp(s->callee, PGD_INL_ASYNC_PREEMPT) && strcmp(x->callee, PGD_INL_ASYNC_PREEMPT))
			s->callee = x->callee;
		if (i < cut && !s->hot) {
			s->hot = 1;
			out->nhot++;
		}
	}
	qsort(out->sites, out->nsites, sizeof(*out->sites), site_cmp);
	if (hot_callees(e, cut, a, out) || hot_caller_filter(a, out))
		goto nomem;
	goto out;
nomem:
	ret = pgd_err_nomem(err, NULL);
out:
	pgd_hashmap_free(&idx);
	free(keys);
	return ret;
}

const struct pgd_inl_site *pgd_inl_profile_find(const struct pgd_inl_profile *p, const char *caller,
						int64_t offset)
{
	struct pgd_inl_site key = { caller, offset, NULL, 0, 0 };

	if (!p->nsites || !caller)
		return NULL;
	return bsearch(&key, p->sites, p->nsites, sizeof(key), site_cmp);
}

int pgd_inl_profile_caller_hot(const struct pgd_inl_profile *p, const char *caller)
{
	size_t lo = 0, hi = p->nsites;

	if (!caller)
		return 0;
	if (p->hot_caller_bits) {
		uint32_t b1, b2;

		caller_bits(caller, &b1, &b2);
		if (!(p->hot_caller_bits[b1 / 64] >> (b1 % 64) & 1) || !(p->hot_caller_bits[b2 / 64] >> (b2 % 64) & 1))
			return 0;   /* no hot site of that name: a Bloom filter has no false negatives */
	}
	while (lo < hi) {   /* the first site of caller (sites are by caller, then offset) */
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(p->sites[mid].caller, caller) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < p->nsites && !strcmp(p->sites[lo].caller, caller); lo++)
		if (p->sites[lo].hot)
			return 1;
	return 0;
}

/* ---- needed_hot_budget ----------------------------------------------------------- */

/*
 * The binary never states a callee's inlining cost, but the profile and
 * the binary's copies and calls bound it. Every call is decided under a
 * key (function compiled, innermost line - its start line), for a copy or
 * a call inside another copy too, as inlineCostOK computes it. Under the
 * profile the binary was built from, in this order:
 *  - a callee of no hot edge got the ordinary budget in CanInline (inl.go
 *    inlineBudget: 2000 only for candHotCalleeMap), so it is inlinable
 *    only when it costs <= 80: never needs the hot budget (0). Closures
 *    are exempt: inlineBudget gives them 800 (Go 1.26; inlineCostOK then
 *    allows 160, or 800 when called once);
 *  - a copy at a key that is not hot was inlined under the ordinary
 *    budget: cost <= 80 (0);
 *  - a direct call at a key that is not hot, in a function not too big for
 *    inlining, was refused under the ordinary budget: the callee costs
 *    more than 80 (a callee inlined somewhere is inlinable), so its copies
 *    at hot sites needed the hot budget (1);
 *  - no such evidence: by the size of the copy (cost grows with the body;
 *    NEEDED_MIN_BYTES separates the two best on gofmt and cmd/link, see
 *    the notes of issue #17).
 * The printed decision ("hot-budget check allows inlining ... at
 * FILE:LINE") names the outermost position of the call (base.FmtPos): for
 * a copy inside another copy, the line of the root copy's call.
 */
#define EV_COLD_COPY PGD_INL_EV_COLD_COPY
#define EV_COLD_CALL PGD_INL_EV_COLD_CALL
#define EV_HOT_COPY PGD_INL_EV_HOT_COPY
#define EV_HOT_CALL PGD_INL_EV_HOT_CALL
#define NEEDED_MIN_BYTES 150u
#define BIG_FUNC_BYTES PGD_INL_BIG_FUNC_BYTES   /* inlining.h */

int pgd_inl_profile_key_hot(const struct pgd_inl_profile *p, const struct pgd_inl_func *f, int64_t line)
{
	const struct pgd_inl_site *s;

	if (!f->name || line <= 0)
		return 0;
	s = pgd_inl_profile_find(p, f->name, line - f->start_line);
	return s && s->hot;
}

int pgd_inl_key_hot(const struct pgd_inl_evidence *ev, const struct pgd_inl_func *f, int64_t line)
{
	return pgd_inl_profile_key_hot(ev->built_from, f, line);
}

static int ev_add(struct pgd_inl_evidence *ev, const char *callee, unsigned flag)
{
	struct hashmap_entry *he;
	int ins;

	if (!callee)
		return 0;
	if (!(he = pgd_hashmap_upsert_str(&ev->by_callee, callee, &ins)))
		return -1;
	he->val.u64 |= flag;
	return 0;
}

static int evidence_of_want(const struct pgd_inl_want *w, struct pgd_inl_evidence *out)
{
	for (size_t i = 0; i < w->n; i++) {
		if (!(w->v[i].flags & PGD_INL_WANT_CALLEE) || !w->v[i].ev)
			continue;
		if (ev_add(out, w->v[i].name, w->v[i].ev))
			return -1;
	}
	return 0;
}

int pgd_inl_evidence_build(const struct pgd_inl_index *x, const struct pgd_inl_profile *built_from,
			   struct pgd_inl_evidence *out, struct pgd_err *err)
{
	memset(out, 0, sizeof(*out));
	out->x = x;
	out->built_from = built_from;
	if (x->want)   /* learnt while the index was built (inl_binary.c learn_func) */
		return evidence_of_want(x->want, out) ? pgd_err_nomem(err, NULL) : 0;
	for (size_t i = 0; i < x->nnodes; i++) {
		const struct pgd_inl_node *n = &x->nodes[i];
		int hot = pgd_inl_key_hot(out, &x->funcs[n->func], n->line);

		if (ev_add(out, n->callee, hot ? EV_HOT_COPY : EV_COLD_COPY))
			goto nomem;
	}
	for (size_t i = 0; i < x->ncalls; i++) {
		const struct pgd_inl_call *c = &x->calls[i];
		const struct pgd_inl_func *f = &x->funcs[c->func];

		if (!c->target || f->own_bytes > BIG_FUNC_BYTES)
			continue;
		if (ev_add(out, c->target, pgd_inl_key_hot(out, f, c->line) ? EV_HOT_CALL : EV_COLD_CALL))
			goto nomem;
	}
	return 0;
nomem:
	return pgd_err_nomem(err, NULL);   /* the caller frees out */
}

void pgd_inl_evidence_free(struct pgd_inl_evidence *ev)
{
	pgd_hashmap_free(&ev->by_callee);
}

int pgd_inl_needed_hot_budget(const struct pgd_inl_evidence *ev, const char *callee, uint64_t bytes)
{
	const struct hashmap_entry *he = callee ? pgd_hashmap_find_str(&ev->by_callee, callee) : NULL;
	uint64_t f = he ? he->val.u64 : 0;

	if (!callee)
		return -1;
	if (!pgd_inl_profile_hot_callee(ev->built_from, callee) && !pgd_goname_is_closure(callee))
		return 0;
	if (f & EV_COLD_COPY)
		return 0;
	if (f & EV_COLD_CALL)
		return 1;
	return bytes >= NEEDED_MIN_BYTES;
}

/*
 * A missed-hot site is a call today; would a build from the fresh
 * profile, where the site is hot and the callee a hot callee (budget 2000
 * in CanInline), inline it? Only through the hot budget, and only when
 * the callee costs at most 2000 and the caller is not big:
 *  - a big caller: no ("hot-big check disallows") (0);
 *  - a copy of the callee at a key that is not hot: it costs <= 80, so
 *    something else keeps this call out of line (0);
 *  - copies at hot keys only: inlinable above 80, below 2000 (1);
 *  - never inlined, and called out of line at a hot key of a function
 *    that is not big: refused with the hot budget in hand, so it costs
 *    more than 2000 or cannot be inlined at all (0); a body in assembly
 *    (a .s file) has no IR to inline (0);
 *  - else by the size of its body, a cost of 2000 being some 3 KB of code
 *    (the hot-budget copies of gofmt and cmd/link run about 1-2 bytes per
 *    unit of cost) (1 below REFRESH_MAX_BODY, else -1).
 * Checked against the build from the fresh profile (notes of issue #17).
 */
#define REFRESH_MAX_BODY 3000u

static int is_assembly(const struct pgd_inl_func *f)
{
	size_t n = f && f->file ? strlen(f->file) : 0;

	return n > 2 && !strcmp(f->file + n - 2, ".s");
}

int pgd_inl_refresh_would_inline(const struct pgd_inl_evidence *ev, const char *callee,
				 const struct pgd_inl_func *body, const struct pgd_inl_func *caller)
{
	const struct hashmap_entry *he = callee ? pgd_hashmap_find_str(&ev->by_callee, callee) : NULL;
	uint64_t f = he ? he->val.u64 : 0, size = body ? body->end - body->entry : 0;

	if (!callee || !caller)
		return -1;
	if (caller->own_bytes > BIG_FUNC_BYTES || (f & EV_COLD_COPY))
		return 0;
	if (f & EV_HOT_COPY)
		return 1;
	if ((f & EV_HOT_CALL) || is_assembly(body))
		return 0;
	return size > 0 && size <= REFRESH_MAX_BODY ? 1 : -1;
}

/* ---- the report's block ---------------------------------------------------------- */

struct run {
	struct pgd_report *r;
	struct pgd_binary *b;
	struct pgd_inl_index *x;                /* NULL: no runtime tables */
	const struct pgd_inl_evidence *ev;
	const struct pgd_inl_profile *base, *fresh;
	/* per site of base (fresh): the other profile's site at its key, or NULL (match_sites) */
	const struct pgd_inl_site **in_fresh, **in_base;
};

/*
 * Each site of `from` paired with `other`'s at the same key: both are
 * sorted by key (site_cmp), so one merge walk does what a binary search
 * per site did three times over (counting, filling, wanting). Memory
 * from a; -1 out of memory.
 */
static int match_sites(const struct pgd_inl_profile *from, const struct pgd_inl_profile *other, struct arena *a,
		       const struct pgd_inl_site ***out)
{
	size_t j = 0;

	if (!(*out = pgd_arena_calloc(a, from->nsites + 1, sizeof(**out))))
		return -1;
	for (size_t i = 0; i < from->nsites; i++) {
		int c = 1;

		while (j < other->nsites && (c = site_cmp(&other->sites[j], &from->sites[i])) < 0)
			j++;
		if (j < other->nsites && !c)
			(*out)[i] = &other->sites[j];
	}
	return 0;
}

static double share(int64_t w, int64_t total)
{
	return total > 0 ? (double)w / (double)total : 0;
}

/* One entry: s is the site in the profile where it is hot, other the other profile's. */
static int fill_entry(const struct run *u, struct rpt_inl_site *o, const struct pgd_inl_site *s,
		      const struct pgd_inl_site *bs, const struct pgd_inl_site *fs, int stale)
{
	struct pgd_inl_at_line at;
	const struct pgd_inl_func *f;

	memset(o, 0, sizeof(*o));
	if (pgd_inl_index_site(u->x, u->b, s->caller, s->offset, s->callee, &f, &o->line, &at))
		return -1;
	o->caller = pgd_arena_strdup(&u->r->arena, s->caller);
	o->callee = pgd_arena_strdup(&u->r->arena, s->callee);
	if (!o->caller || !o->callee)
		return -1;
	o->offset = s->offset;
	if (f && f->start_line > 0) {
		if (f->file && !(o->file = pgd_arena_strdup(&u->r->arena, f->file)))
			return -1;
	} else if (u->x && !f) {
		/* no body of its own (inlined everywhere): where its copies say it is; inlined unknown */
		const char *file = NULL;
		int32_t start = 0;

		if (!pgd_inl_index_decl(u->x, s->caller, &file, &start)) {
			o->line = start + s->offset;
			if (file && !(o->file = pgd_arena_strdup(&u->r->arena, file)))
				return -1;
		}
	}
	o->base_weight = bs ? bs->weight : 0;
	o->fresh_weight = fs ? fs->weight : 0;
	o->base_share = share(o->base_weight, u->base->total);
	o->fresh_share = share(o->fresh_weight, u->fresh->total);
	o->inlined = at.inlined;
	o->needed_hot_budget = -1;
	if (stale) {
		o->bytes = at.inlined == 1 ? at.bytes : 0;
		if (at.inlined == 1)
			o->needed_hot_budget = pgd_inl_needed_hot_budget(u->ev, s->callee, at.bytes);
	} else if (u->x) {
		const struct pgd_inl_func *callee = pgd_inl_index_func(u->x, u->b, s->callee);

		o->bytes = callee ? callee->end - callee->entry : 0;
		if (at.inlined == 0)
			o->needed_hot_budget = pgd_inl_refresh_would_inline(u->ev, s->callee, callee, f);
	}
	return 0;
}

static int cmp_entry_key(const struct rpt_inl_site *x, const struct rpt_inl_site *y)
{
	return pgd_key_cmp(x->caller, x->offset, x->callee, y->caller, y->offset, y->callee);
}

static int cmp_stale(const void *a, const void *b)
{
	const struct rpt_inl_site *x = a, *y = b;

	if (x->bytes != y->bytes)
		return x->bytes > y->bytes ? -1 : 1;
	return cmp_entry_key(x, y);
}

static int cmp_missed(const void *a, const void *b)
{
	const struct rpt_inl_site *x = a, *y = b;

	if (x->fresh_weight != y->fresh_weight)
		return x->fresh_weight > y->fresh_weight ? -1 : 1;
	return cmp_entry_key(x, y);
}

/*
 * Hot in one profile, not in the other. A site whose only edges are
 * signal preemptions (runtime.asyncPreempt) is hot for the compiler too,
 * but there is no call to inline there: not listed. Listed then only when
 * the binary shows the drift: a stale-hot site's callee inlined at the
 * site (its copy costs bytes), a missed-hot site's callee still called
 * there; a site whose caller has no body of its own in the binary
 * (inlined everywhere: the site's code is not there) is neither.
 */
static int listed(const struct pgd_inl_site *s, const struct pgd_inl_site *other)
{
	return s->hot && !(other && other->hot) && strcmp(s->callee, PGD_INL_ASYNC_PREEMPT);
}

/* Sites hot in `from` and not in `other`, as entries. */
static int collect(const struct run *u, int stale, struct rpt_inl_site **out, size_t *n)
{
	const struct pgd_inl_profile *from = stale ? u->base : u->fresh;
	const struct pgd_inl_site **match = stale ? u->in_fresh : u->in_base;
	size_t k = 0;

	*n = 0;
	*out = NULL;
	for (size_t i = 0; i < from->nsites; i++)
		k += listed(&from->sites[i], match[i]);
	if (!k)
		return 0;
	if (!(*out = pgd_arena_calloc(&u->r->arena, k, sizeof(**out))))
		return -1;
	for (size_t i = 0; i < from->nsites; i++) {
		const struct pgd_inl_site *s = &from->sites[i], *t = match[i];

		if (!listed(s, t))
			continue;
		if (fill_entry(u, &(*out)[*n], s, stale ? s : t, stale ? t : s, stale))
			return -1;
		/* issue #17: stale-hot = inlined in the binary, missed-hot = still a call there */
		*n += (*out)[*n].inlined == (stale ? 1 : 0);
	}
	qsort(*out, *n, sizeof(**out), stale ? cmp_stale : cmp_missed);
	return 0;
}

/*
 * What the entries will ask the binary about (the sites collect lists
 * before the binary has its say): their callees (copies and direct calls,
 * for the evidence) and callers (the copies of a caller with no body of
 * its own say where it is declared).
 */
static int want_sites(const struct pgd_inl_profile *from, const struct pgd_inl_site *const *match,
		      struct pgd_inl_want *w)
{
	for (size_t i = 0; i < from->nsites; i++) {
		const struct pgd_inl_site *s = &from->sites[i];

		if (!listed(s, match[i]))
			continue;
		if (pgd_inl_want_add(w, s->callee, PGD_INL_WANT_CALLEE) ||
		    pgd_inl_want_add(w, s->caller, PGD_INL_WANT_NAME))
			return -1;
	}
	return 0;
}

static int fill(struct run *u, struct rpt_inlining *in, uint64_t warn_bytes)
{
	if (collect(u, 1, &in->stale_hot, &in->nstale_hot) || collect(u, 0, &in->missed_hot, &in->nmissed_hot))
		return -1;
	/* copies a refresh keeps (needed_hot_budget 0) and calls it keeps are no drift */
	for (size_t i = 0; i < in->nstale_hot; i++)
		if (in->stale_hot[i].inlined == 1 && in->stale_hot[i].needed_hot_budget != 0)
			in->stale_hot_bytes += in->stale_hot[i].bytes;
	for (size_t i = 0; i < in->nmissed_hot; i++)
		if (in->missed_hot[i].inlined == 0 && in->missed_hot[i].needed_hot_budget != 0)
			in->missed_hot_fresh_share += in->missed_hot[i].fresh_share;
	in->severity = warn_bytes > 0 && in->stale_hot_bytes > warn_bytes ? PGD_SEV_WARN : PGD_SEV_INFO;
	return 0;
}

int pgd_inlining_run(struct pgd_report *r, const struct pgd_edges *base, const struct pgd_edges *fresh,
		     struct pgd_binary *b, uint64_t warn_bytes, struct pgd_err *err)
{
	struct rpt_inlining *in = &r->inlining;
	struct pgd_inl_profile pb, pf;
	struct pgd_inl_index *x = NULL;
	struct pgd_inl_evidence ev;
	struct arena a;
	struct pgd_err xerr = { 0 };
	struct run u = { r, b, NULL, &ev, &pb, &pf };
	struct pgd_inl_want want;
	int ret;

	memset(&ev, 0, sizeof(ev));
	pgd_arena_init(&a, 0);
	pgd_inl_want_init(&want, &a, &pb);
	if ((ret = pgd_inl_profile_build(base, PGD_INL_CDF_PERCENT, &a, &pb, err)) ||
	    (ret = pgd_inl_profile_build(fresh, PGD_INL_CDF_PERCENT, &a, &pf, err)))
		goto out;
	if (match_sites(&pb, &pf, &a, &u.in_fresh) || match_sites(&pf, &pb, &a, &u.in_base) ||
	    want_sites(&pb, u.in_fresh, &want) || want_sites(&pf, u.in_base, &want)) {
		ret = pgd_err_nomem(err, NULL);
		goto out;
	}
	/* no runtime tables (not a Go >= 1.20 binary): the hot sets alone, inlined unknown */
	ret = pgd_inl_index_build(b, &want, &x, &xerr);
	if (ret && ret != PGD_EINPUT) {
		*err = xerr;
		goto out;
	}
	ret = 0;
	if (x && (ret = pgd_inl_evidence_build(x, &pb, &ev, err)))
		goto out;
	u.x = x;
	in->ran = 1;
	in->threshold_base = pb.threshold;
	in->threshold_fresh = pf.threshold;
	in->nhot_base = pb.nhot;
	in->nhot_fresh = pf.nhot;
	ret = fill(&u, in, warn_bytes) ? pgd_err_nomem(err, NULL) : 0;
out:
	pgd_inl_evidence_free(&ev);
	pgd_inl_index_free(x);
	pgd_inl_want_release(&want);
	pgd_arena_release(&a);
	return ret;
}
