// SPDX-License-Identifier: MIT
/*
 * The compiler's view of one pprof profile: internal/profile/graph.go
 * NewGraph restricted to the last two locations of each sample, then
 * selectNodesForGraph, as cmd/internal/pgo/pprof.go FromPProf builds it.
 * Moved out of the pprof decoder (pprof.c), which only reads the wire
 * format: the decoder calls it once for createNamedEdgeMap's start_line
 * check, the edges stage (edges.c) to name the edges.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "hashmap.h"
#include "profile.h"

#define NONE UINT32_MAX   /* no parent node yet */

struct pair {
	uint32_t src, dst;        /* hashed as the 8-byte key */
	int64_t weight;
	uint32_t stamp;           /* last sample index + 1 that counted this pair */
};

/* Adds a to *sum, or names the file and what overflowed. */
static int add_checked(const struct pgd_profile *p, int64_t *sum, int64_t a, const char *what,
		       struct pgd_err *err)
{
	if (__builtin_add_overflow(*sum, a, sum))
		return pgd_err_set(err, PGD_EINPUT, p->path,
				   "%s overflows a signed 64-bit integer: the profile's values are "
				   "corrupt or hostile", what);
	return 0;
}

/* Finds or adds the pair (src, dst); *out points at its weight and stamp. */
static int pair_get(struct hashmap *map, struct arena *pairs, uint32_t src, uint32_t dst,
		    struct pair **out)
{
	struct pair key = { src, dst, 0, 0 };
	struct hashmap_entry *e;
	int inserted;

	e = pgd_hashmap_upsert(map, &key, 8, &inserted);
	if (!e)
		return -1;
	if (inserted) {
		struct pair *pr = pgd_arena_alloc(pairs, sizeof(*pr));

		if (!pr) {
			e->key = NULL;
			map->count--;
			return -1;
		}
		*pr = key;
		e->key = pr;
		e->val.ptr = pr;
	}
	*out = e->val.ptr;
	return 0;
}

/*
 * internal/profile/graph.go NewGraph with SampleValue = v[valueIndex] and
 * no divisor, followed by selectNodesForGraph, as cmd/internal/pgo/pprof.go
 * FromPProf calls it. Per sample with a nonzero value: locations
 * [min(1, last)] down to [0], each one's nodes outermost line first; a node
 * gets cum once per sample (seenNode); an edge parent->n is added when
 * n != parent and the pair was not added yet in this sample (seenEdge); the
 * leaf gets flat. Nodes with cum == flat == 0 are dropped with their
 * out-edges.
 *
 * Go's seenNode/seenEdge are per-sample maps; here they are generation
 * stamps (the sample index + 1 stored per node and per pair), so a sample
 * costs O(frames), not O(frames^2): a deeply inlined stack of 20 000 lines
 * used to take a second per sample. A pair can only repeat when its
 * destination node repeats, so the pair map is consulted only for edges.
 */
int pgd_profile_compiler_graph(const struct pgd_profile *p, pgd_node_edge_fn fn, void *ctx,
			       int *seen_start_line, struct pgd_err *err)
{
	struct arena pairs = ARENA_INIT;
	struct hashmap map = HASHMAP_INIT;
	int64_t *cum = NULL, *flat = NULL;
	uint32_t *node_stamp = NULL;
	int ret = 0;

	*seen_start_line = 0;
	cum = calloc((size_t)p->nnodes + 1, sizeof(*cum));
	flat = calloc((size_t)p->nnodes + 1, sizeof(*flat));
	node_stamp = calloc((size_t)p->nnodes + 1, sizeof(*node_stamp));
	if (!cum || !flat || !node_stamp) {
		ret = pgd_err_nomem(err, p->path);
		goto out;
	}

	for (uint32_t si = 0; si < p->nsamples; si++) {
		const struct pgd_sample *s = &p->samples[si];
		int64_t w = s->value;
		uint32_t parent = NONE, stamp = si + 1;

		if (!w || !s->nlocations)
			continue;
		for (int i = s->nlocations > 1 ? 1 : 0; i >= 0; i--) {
			const struct pgd_location *l = &p->locations[s->locations[i]];
			uint32_t nn = l->nlines ? l->nlines : 1;

			for (uint32_t ni = nn; ni-- > 0; parent = l->nodes[ni]) {
				uint32_t n = l->nodes[ni];
				struct pair *pr;

				if (node_stamp[n] != stamp) {
					node_stamp[n] = stamp;
					if ((ret = add_checked(p, &cum[n], w, "a node's cumulative weight", err)))
						goto out;
				}
				/* Edges matter only to a caller that collects them. */
				if (!fn || parent == NONE || n == parent)
					continue;
				if (pair_get(&map, &pairs, parent, n, &pr)) {
					ret = pgd_err_nomem(err, p->path);
					goto out;
				}
				if (pr->stamp == stamp)
					continue;
				pr->stamp = stamp;
				if ((ret = add_checked(p, &pr->weight, w, "an edge weight", err)))
					goto out;
			}
		}
		if (parent != NONE && (ret = add_checked(p, &flat[parent], w, "a node's flat weight", err)))
			goto out;
	}

	for (uint32_t n = 0; n < p->nnodes; n++) {
		if ((cum[n] || flat[n]) && p->nodes[n].start_line) {
			*seen_start_line = 1;
			break;
		}
	}
	if (fn) {
		struct hashmap_entry *e;

		for (size_t it = 0; pgd_hashmap_next(&map, &it, &e);) {
			const struct pair *pr = e->val.ptr;

			if (!cum[pr->src] && !flat[pr->src])
				continue;
			if ((ret = fn(ctx, pr->src, pr->dst, pr->weight)))
				goto out;
		}
	}
out:
	free(cum);
	free(flat);
	free(node_stamp);
	pgd_hashmap_free(&map);
	pgd_arena_release(&pairs);
	return ret;
}
