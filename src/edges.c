// SPDX-License-Identifier: MIT
/*
 * Stage 2: call edges as the Go compiler derives them from profiles.
 *
 * Compiler mode is cmd/internal/pgo/pprof.go FromPProf: NewGraph over the
 * last two locations of each sample (pgd_profile_compiler_graph, graph.c,
 * cited there), then createNamedEdgeMap folds node pairs into named edges
 * (caller name, caller line - caller start line, callee name), sums the
 * weights and ignores a profile whose total is 0.
 *
 * Several inputs. Every edge weight is a sum over samples of a per-sample
 * contribution that depends only on that sample's stack (which nodes it
 * visits, and which of them are equal) and its value, so the edges of a
 * merged profile are the sum of the inputs' edges. That is what
 * `go tool pprof -proto a b > m` then `go tool preprofile -i m` computes:
 * the merge (cmd/vendor/github.com/google/pprof/profile/merge.go Merge)
 * requires equal sample types (compatible), so the value column is the same,
 * keeps function names and start lines (functionKey), keeps each location's
 * lines and its address up to one per-mapping offset, and adds the values of
 * samples with equal stacks and labels. Here each input uses its own value
 * column, and start_line is never lost, which that merge does when its first
 * inputs have no samples (see the shared notes on Go PGO inputs).
 * Two rules of Go's single-profile path are not linear and are applied per
 * input: a profile whose edge total is 0 is ignored, and a node whose summed
 * value is 0 drops its out-edges. Both need negative values (diff profiles).
 *
 * Stack mode (PGD_ATTR_STACK): every caller->callee pair along the whole
 * stack, inlined frames expanded, each distinct (caller, offset, callee)
 * counted once per sample. A GO PREPROFILE V1 input has no stacks, so in
 * both modes its edges are added as they are.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "edges.h"
#include "err.h"
#include "fileio.h"
#include "profile.h"

#define DEFAULT_MAX_EDGES 50000000ULL

/* The hashed part of an edge: interned names make equal keys equal bytes. */
struct edge_key {
	const char *caller;
	const char *callee;
	int64_t offset;
};

static const char *intern(struct pgd_edges *e, const char *s)
{
	struct hashmap_entry *he;
	size_t len = strlen(s);
	int inserted;

	he = pgd_hashmap_upsert(&e->strings, s, len, &inserted);
	if (!he)
		return NULL;
	if (inserted) {
		char *copy = pgd_arena_strndup(&e->arena, s, len);

		if (!copy)
			return NULL;
		he->key = copy;
		he->val.ptr = copy;
	}
	return he->val.ptr;
}

/* Finds or creates the edge; *idx is its index (stable until sorting). */
static int edge_get(struct pgd_edges *e, const char *caller, int64_t offset, const char *callee,
		    size_t *idx, const char *file, struct pgd_err *err)
{
	struct edge_key key = { 0 };
	struct hashmap_entry *he;
	int inserted;

	key.caller = intern(e, caller);
	key.callee = intern(e, callee);
	key.offset = offset;
	if (!key.caller || !key.callee)
		return pgd_err_nomem(err, file);
	he = pgd_hashmap_upsert(&e->index, &key, sizeof(key), &inserted);
	if (!he)
		return pgd_err_nomem(err, file);
	if (!inserted) {
		*idx = he->val.u64;
		return 0;
	}
	/* Undo the insert on failure so the map never holds a stack key. */
	struct edge_key *stored = pgd_arena_alloc(&e->arena, sizeof(*stored));

	if (e->nedges >= e->max_edges || !stored) {
		he->key = NULL;
		e->index.count--;
		if (stored)
			return pgd_err_set(err, PGD_ELIMIT, file,
					   "more than %" PRIu64 " distinct call edges: over the max_elements cap",
					   e->max_edges);
		return pgd_err_nomem(err, file);
	}
	if (e->nedges == e->cap) {
		size_t ncap = e->cap ? e->cap * 2 : 1024;
		struct pgd_edge *n = pgd_arena_realloc_array(&e->arena, e->edges, e->nedges, ncap,
							 sizeof(*n));

		if (!n) {
			he->key = NULL;
			e->index.count--;
			return pgd_err_nomem(err, file);
		}
		e->edges = n;
		e->cap = ncap;
	}
	*stored = key;
	he->key = stored;
	he->val.u64 = e->nedges;
	e->edges[e->nedges].caller = key.caller;
	e->edges[e->nedges].callee = key.callee;
	e->edges[e->nedges].offset = offset;
	e->edges[e->nedges].weight = 0;
	*idx = e->nedges++;
	e->sorted = 0;
	return 0;
}

/*
 * Weights and totals are sums of untrusted values: Go adds them in wrapping
 * int64 (cmd/internal/pgo/pprof.go, deserialize.go), which would print a
 * negative weight; here an overflow is refused, naming the file.
 */
static int add_weight(int64_t *sum, int64_t w, const char *file, struct pgd_err *err)
{
	if (__builtin_add_overflow(*sum, w, sum))
		return pgd_err_set(err, PGD_EINPUT, file,
				   "edge weights overflow a signed 64-bit integer when summed");
	return 0;
}

/* The call-site offset Go computes as line - start_line, checked. */
static int node_offset(const struct pgd_node *n, int64_t *off, const char *file,
		       struct pgd_err *err)
{
	if (__builtin_sub_overflow(n->lineno, n->start_line, off))
		return pgd_err_set(err, PGD_EINPUT, file,
				   "line %" PRId64 " - start line %" PRId64 " of %s overflows a "
				   "signed 64-bit integer", n->lineno, n->start_line, n->name);
	return 0;
}

int pgd_edges_add(struct pgd_edges *e, const char *caller, int64_t offset, const char *callee,
		  int64_t weight, struct pgd_err *err)
{
	size_t idx;
	int ret = edge_get(e, caller, offset, callee, &idx, "", err);

	if (ret)
		return ret;
	if ((ret = add_weight(&e->edges[idx].weight, weight, "", err)))
		return ret;
	return add_weight(&e->total_weight, weight, "", err);
}

const struct pgd_edge *pgd_edges_find(const struct pgd_edges *e, const char *caller,
				      int64_t offset, const char *callee)
{
	struct hashmap_entry *a = pgd_hashmap_find_str(&e->strings, caller);
	struct hashmap_entry *b = pgd_hashmap_find_str(&e->strings, callee);
	struct edge_key key = { 0 };
	struct hashmap_entry *he;

	if (!a || !b)
		return NULL;
	key.caller = a->val.ptr;
	key.callee = b->val.ptr;
	key.offset = offset;
	he = pgd_hashmap_find(&e->index, &key, sizeof(key));
	return he ? &e->edges[he->val.u64] : NULL;
}

/* cmd/internal/pgo/pprof.go sortByWeight; Go compares strings bytewise, as strcmp does. */
static int cmp_edge(const void *pa, const void *pb)
{
	const struct pgd_edge *a = pa, *b = pb;
	int c;

	if (a->weight != b->weight)
		return a->weight > b->weight ? -1 : 1;
	/* names are interned (intern): equal ones are one pointer */
	if (a->caller != b->caller && (c = strcmp(a->caller, b->caller)))
		return c;
	if (a->callee != b->callee && (c = strcmp(a->callee, b->callee)))
		return c;
	return a->offset < b->offset ? -1 : a->offset > b->offset;
}

void pgd_edges_sort(struct pgd_edges *e)
{
	if (e->nedges)
		qsort(e->edges, e->nedges, sizeof(*e->edges), cmp_edge);
	for (size_t i = 0; i < e->nedges; i++) {
		struct edge_key key = { e->edges[i].caller, e->edges[i].callee, e->edges[i].offset };
		struct hashmap_entry *he = pgd_hashmap_find(&e->index, &key, sizeof(key));

		if (he)
			he->val.u64 = i;
	}
	e->sorted = 1;
}

/* ---- compiler mode -------------------------------------------------------- */

struct pair_weight {
	uint32_t src, dst;
	int64_t weight;
};

struct compiler_ctx {
	struct pair_weight *v;
	size_t n, cap;
	int64_t total;
};

static int collect_pair(void *ctx, uint32_t src, uint32_t dst, int64_t weight)
{
	struct compiler_ctx *c = ctx;

	if (c->n == c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 1024;
		struct pair_weight *n = realloc(c->v, ncap * sizeof(*n));

		if (!n)
			return PGD_ENOMEM;
		c->v = n;
		c->cap = ncap;
	}
	c->v[c->n].src = src;
	c->v[c->n].dst = dst;
	c->v[c->n].weight = weight;
	c->n++;
	return 0;
}

static int add_compiler(struct pgd_edges *e, const struct pgd_profile *p, struct pgd_err *err)
{
	struct compiler_ctx c = { 0 };
	int seen_start_line = 0, ret;

	ret = pgd_profile_compiler_graph(p, collect_pair, &c, &seen_start_line, err);
	if (ret == PGD_ENOMEM)
		ret = pgd_err_nomem(err, p->path);
	if (ret)
		goto out;
	if (!seen_start_line) {
		ret = pgd_err_set(err, PGD_EINPUT, p->path,
				  "profile missing Function.start_line data (captured with Go < 1.20?)");
		goto out;
	}
	for (size_t i = 0; i < c.n; i++)
		if ((ret = add_weight(&c.total, c.v[i].weight, p->path, err)))
			goto out;
	/* FromPProf: "accept but ignore profile with no samples". */
	if (!c.total)
		goto out;
	for (size_t i = 0; i < c.n; i++) {
		const struct pgd_node *src = &p->nodes[c.v[i].src], *dst = &p->nodes[c.v[i].dst];
		int64_t off;
		size_t idx;

		if ((ret = node_offset(src, &off, p->path, err)) ||
		    (ret = edge_get(e, src->name, off, dst->name, &idx, p->path, err)) ||
		    (ret = add_weight(&e->edges[idx].weight, c.v[i].weight, p->path, err)))
			goto out;
	}
	if ((ret = add_weight(&e->total_weight, c.total, p->path, err)))
		goto out;
out:
	free(c.v);
	return ret;
}

/* ---- stack mode ------------------------------------------------------------ */

static int add_stack(struct pgd_edges *e, const struct pgd_profile *p, struct pgd_err *err)
{
	struct hashmap pairs = HASHMAP_INIT;   /* (src node, dst node) -> edge index */
	struct arena keys = ARENA_INIT;
	uint64_t *stamp = NULL;                /* per edge: last sample + 1 that counted it */
	size_t nstamp = 0;
	int ret = 0;

	for (uint32_t si = 0; si < p->nsamples; si++) {
		const struct pgd_sample *s = &p->samples[si];
		uint32_t parent = UINT32_MAX;

		if (!s->value)
			continue;
		for (uint32_t i = s->nlocations; i-- > 0;) {
			const struct pgd_location *l = &p->locations[s->locations[i]];
			uint32_t nn = l->nlines ? l->nlines : 1;

			for (uint32_t ni = nn; ni-- > 0; parent = l->nodes[ni]) {
				uint32_t n = l->nodes[ni], key[2] = { parent, n };
				struct hashmap_entry *he;
				size_t idx;
				int inserted;

				if (parent == UINT32_MAX || n == parent)
					continue;
				he = pgd_hashmap_upsert(&pairs, key, sizeof(key), &inserted);
				if (!he) {
					ret = pgd_err_nomem(err, p->path);
					goto out;
				}
				if (inserted) {
					const struct pgd_node *src = &p->nodes[parent], *dst = &p->nodes[n];
					uint32_t *stored = pgd_arena_alloc(&keys, sizeof(key));

					if (!stored) {
						he->key = NULL;
						pairs.count--;
						ret = pgd_err_nomem(err, p->path);
						goto out;
					}
					int64_t off;

					memcpy(stored, key, sizeof(key));
					he->key = stored;
					if ((ret = node_offset(src, &off, p->path, err)) ||
					    (ret = edge_get(e, src->name, off, dst->name, &idx, p->path, err)))
						goto out;
					he->val.u64 = idx;
				}
				idx = he->val.u64;
				if (idx >= nstamp) {
					size_t nn2 = e->cap > idx ? e->cap : idx + 1;
					uint64_t *ns = realloc(stamp, nn2 * sizeof(*ns));

					if (!ns) {
						ret = pgd_err_nomem(err, p->path);
						goto out;
					}
					memset(ns + nstamp, 0, (nn2 - nstamp) * sizeof(*ns));
					stamp = ns;
					nstamp = nn2;
				}
				if (stamp[idx] == (uint64_t)si + 1)
					continue;
				stamp[idx] = (uint64_t)si + 1;
				if ((ret = add_weight(&e->edges[idx].weight, s->value, p->path, err)) ||
				    (ret = add_weight(&e->total_weight, s->value, p->path, err)))
					goto out;
			}
		}
	}
out:
	free(stamp);
	pgd_hashmap_free(&pairs);
	pgd_arena_release(&keys);
	return ret;
}

/* ---- public API -------------------------------------------------------------- */

int pgd_edges__build(struct pgd_profile *const *profiles, size_t n,
		     enum pgd_attribution attribution, struct pgd_edges **out,
		     struct pgd_err *err)
{
	struct pgd_edges *e = NULL;
	int ret = 0;

	*out = NULL;
	if (!profiles && n)
		return pgd_err_set(err, PGD_EUSAGE, "", "no profiles given");
	if (attribution != PGD_ATTR_COMPILER && attribution != PGD_ATTR_STACK)
		return pgd_err_set(err, PGD_EUSAGE, "", "unknown attribution mode %d", (int)attribution);
	e = calloc(1, sizeof(*e));
	if (!e)
		return pgd_err_nomem(err, "");
	pgd_arena_init(&e->arena, 0);
	e->attribution = attribution;
	e->nprofiles = n;
	e->max_edges = DEFAULT_MAX_EDGES;
	for (size_t i = 0; i < n; i++)
		if (profiles[i]->limits.max_elements && profiles[i]->limits.max_elements < e->max_edges)
			e->max_edges = profiles[i]->limits.max_elements;

	for (size_t i = 0; i < n; i++) {
		const struct pgd_profile *p = profiles[i];

		if (p->format == PGD_PROFILE_PREPROFILE) {
			for (uint32_t k = 0; k < p->npre_edges; k++) {
				const struct pgd_pre_edge *pe = &p->pre_edges[k];
				size_t idx;

				if ((ret = edge_get(e, pe->caller, pe->offset, pe->callee, &idx, p->path, err)) ||
				    (ret = add_weight(&e->edges[idx].weight, pe->weight, p->path, err)) ||
				    (ret = add_weight(&e->total_weight, pe->weight, p->path, err)))
					goto out;
			}
			continue;
		}
		/* FromPProf accepts a profile without samples as empty. */
		if (!p->nsamples || p->value_index < 0)
			continue;
		ret = attribution == PGD_ATTR_STACK ? add_stack(e, p, err) : add_compiler(e, p, err);
		if (ret)
			goto out;
	}
	pgd_edges_sort(e);
	*out = e;
	e = NULL;
out:
	pgd_edges__free(e);
	return ret;
}

void pgd_edges__free(struct pgd_edges *e)
{
	if (!e)
		return;
	pgd_hashmap_free(&e->index);
	pgd_hashmap_free(&e->strings);
	pgd_arena_release(&e->arena);
	free(e);
}

size_t pgd_edges__count(const struct pgd_edges *e)
{
	return e->nedges;
}

int64_t pgd_edges__total_weight(const struct pgd_edges *e)
{
	return e->total_weight;
}

int pgd_edges__write_preprofile(const struct pgd_edges *e, FILE *f, struct pgd_err *err)
{
	if (!e->sorted)
		return pgd_err_set(err, PGD_EINTERNAL, "", "edges written before sorting");
	if (pgd_preprofile_write_header(f))
		goto fail;
	for (size_t i = 0; i < e->nedges; i++) {
		const struct pgd_edge *x = &e->edges[i];

		if (pgd_preprofile_write_edge(f, x->caller, x->callee, x->offset, x->weight))
			goto fail;
	}
	return 0;
fail:
	return pgd_err_set(err, PGD_EIO, "", "cannot write edges: %s", strerror(errno));
}

static int emit_preprofile(void *ctx, FILE *f, struct pgd_err *err)
{
	return pgd_edges__write_preprofile(ctx, f, err);
}

int pgd_edges__write_preprofile_file(const struct pgd_edges *e, const char *path,
				     struct pgd_err *err)
{
	return pgd_write_output(path, emit_preprofile, (void *)e, err);
}
