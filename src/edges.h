/* SPDX-License-Identifier: MIT */
#ifndef PGD_EDGES_H
#define PGD_EDGES_H

/*
 * Stage 2: the call edges the Go compiler derives from profiles.
 *
 * An edge is (caller linker name, call line - caller start_line, callee
 * linker name) with a summed weight: cmd/internal/pgo/pprof.go
 * createNamedEdgeMap over internal/profile/graph.go NewGraph. Strings are
 * interned in the edge set's own arena, so edges outlive the profiles.
 */

#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "hashmap.h"
#include "pgodrift/pgodrift.h"

struct pgd_edge {
	const char *caller;
	const char *callee;
	int64_t offset;
	int64_t weight;
};

struct pgd_edges {
	struct arena arena;
	struct hashmap index;       /* (caller, offset, callee) -> edge index */
	struct hashmap strings;     /* interned names */
	struct pgd_edge *edges;     /* after pgd_edges_sort: compiler order */
	size_t nedges;
	size_t cap;
	int64_t total_weight;
	enum pgd_attribution attribution;
	size_t nprofiles;
	uint64_t max_edges;         /* the smallest max_elements of the inputs */
	int sorted;
};

/* Adds weight to an edge, creating it. */
int pgd_edges_add(struct pgd_edges *e, const char *caller, int64_t offset,
		  const char *callee, int64_t weight, struct pgd_err *err);
/* The edge or NULL. */
const struct pgd_edge *pgd_edges_find(const struct pgd_edges *e, const char *caller,
				      int64_t offset, const char *callee);
/* Sorts as cmd/internal/pgo sortByWeight: weight desc, caller, callee, offset. */
void pgd_edges_sort(struct pgd_edges *e);

/*
 * The order of call-site keys (caller, line offset, callee): caller by
 * strcmp (Go compares strings bytewise), then offset, then callee. The
 * sites, the inlining drift's entries and doctor's code-bloat list keys so.
 */
static inline int pgd_key_cmp(const char *caller_a, int64_t offset_a, const char *callee_a,
			      const char *caller_b, int64_t offset_b, const char *callee_b)
{
	/* an edge set interns its names: equal names are mostly one pointer */
	int c = caller_a == caller_b ? 0 : strcmp(caller_a, caller_b);

	if (c)
		return c;
	if (offset_a != offset_b)
		return offset_a < offset_b ? -1 : 1;
	return callee_a == callee_b ? 0 : strcmp(callee_a, callee_b);
}

#endif
