/* SPDX-License-Identifier: MIT */
#ifndef PGD_PROFILE_H
#define PGD_PROFILE_H

/*
 * Stage 1: one profile file decoded into one arena.
 *
 * Both input formats land in the same model. A pprof file keeps its
 * functions, locations and samples (the full stacks: later stages and the
 * doctor need them). A GO PREPROFILE V1 file has no samples, only the edges
 * the compiler derived; they are kept as `pre_edges` and the edges stage
 * passes them through.
 */

#include <stdint.h>
#include <stdio.h>

#include "arena.h"
#include "pgodrift/pgodrift.h"

struct pgd_function {
	const char *name;         /* Go linker name, e.g. main.(*RedisCache).Get */
	const char *filename;     /* "" when absent */
	int64_t start_line;       /* Function.start_line; 0 when absent */
	uint64_t id;              /* pprof Function.id */
};

struct pgd_line {
	uint32_t function;        /* index into pgd_profile.functions, or UINT32_MAX for none */
	int64_t line;
};

/*
 * A node of Go's profile graph (internal/profile/graph.go NodeInfo): two
 * frames are the same node when name, location address, start line and line
 * agree. The compiler's once-per-sample rule is about nodes, not names, so
 * the edges stage needs this identity; it is computed once at decode time.
 */
struct pgd_node {
	const char *name;         /* interned: equal names share one pointer; "" for no function */
	uint64_t address;         /* the location's address */
	int64_t start_line;
	int64_t lineno;
};

struct pgd_mapping {
	uint64_t id;
	uint64_t memory_start;
	uint64_t memory_limit;
	uint64_t file_offset;
	const char *filename;
	const char *build_id;     /* Go writes the Go build ID of the main binary here */
};

struct pgd_location {
	uint64_t id;              /* pprof Location.id */
	uint64_t address;
	uint32_t mapping;         /* index into pgd_profile.mappings, or UINT32_MAX */
	uint32_t nlines;
	struct pgd_line *lines;   /* inlined frames, innermost first */
	/*
	 * Graph node of each line (indexes into pgd_profile.nodes), innermost
	 * first. A location without lines still has one node (empty name, its
	 * address), as CreateNodes makes one from an empty Line.
	 */
	uint32_t *nodes;
};

struct pgd_sample {
	uint32_t nlocations;
	uint32_t *locations;      /* indexes into pgd_profile.locations, leaf first */
	int64_t value;            /* the value column Go uses (see value_index) */
	int64_t count;            /* samples/count column when present, else 0 */
};

/* One edge of a GO PREPROFILE V1 input. */
struct pgd_pre_edge {
	const char *caller;
	const char *callee;
	int64_t offset;
	int64_t weight;
};

struct pgd_value_type {
	const char *type;
	const char *unit;
};

struct pgd_profile {
	struct arena arena;       /* owns everything below */
	const char *path;
	enum pgd_profile_format format;
	uint64_t file_size;

	struct pgd_limits limits; /* resolved; the edges stage reuses them */

	/* pprof only */
	uint32_t nsample_types;
	struct pgd_value_type *sample_types;
	const char *value_type;   /* "samples" or "cpu" */
	const char *value_unit;   /* "count" or "nanoseconds" */
	int value_index;          /* column Go uses, as in cmd/internal/pgo/pprof.go; -1 with no samples */
	int count_index;          /* samples/count column or -1 */
	int64_t period;
	const char *period_type;
	int64_t time_nanos;
	int64_t duration_nanos;
	uint32_t nfunctions;
	struct pgd_function *functions;
	uint32_t nmappings;
	struct pgd_mapping *mappings;
	uint32_t nlocations;
	struct pgd_location *locations;
	uint32_t nnodes;
	struct pgd_node *nodes;
	uint32_t nsamples;
	struct pgd_sample *samples;
	int64_t total_value;
	int64_t total_count;
	int any_start_line;       /* some function used by a sample has start_line != 0 */
	int has_negative;         /* some sample value is negative (a diff profile) */

	/* preprofile only */
	uint32_t npre_edges;
	struct pgd_pre_edge *pre_edges;
};

/*
 * Every later stage sums subsets of one input's weights (per site, per
 * function, per edge) and merges inputs. A profile whose weights, taken in
 * absolute value, sum to 2^56 or more is refused at decode; then no subset
 * of up to 127 merged inputs can overflow int64, and the few sums that merge
 * inputs are checked where they are made (edges.c).
 */
#define PGD_MAX_ABS_WEIGHT (1ULL << 56)

/* Adds |v| to *abs_sum; -1 when it reaches PGD_MAX_ABS_WEIGHT. */
static inline int pgd_abs_weight_add(uint64_t *abs_sum, int64_t v)
{
	uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	if (a >= PGD_MAX_ABS_WEIGHT || *abs_sum + a >= PGD_MAX_ABS_WEIGHT)
		return -1;
	*abs_sum += a;
	return 0;
}

/* Decoders, each filling a zeroed profile whose arena is initialised. */
int pgd_pprof_decode(struct pgd_profile *p, const unsigned char *data, size_t len,
		     const struct pgd_limits *limits, struct pgd_err *err);
int pgd_preprofile_decode(struct pgd_profile *p, const char *data, size_t len,
			  const struct pgd_limits *limits, struct pgd_err *err);
/* True when data starts with the line "GO PREPROFILE V1". */
int pgd_preprofile_sniff(const char *data, size_t len);
/* The text writer, shared so the format lives in one file; 0 or -1 (errno). */
int pgd_preprofile_write_header(FILE *f);
int pgd_preprofile_write_edge(FILE *f, const char *caller, const char *callee, int64_t offset,
			      int64_t weight);

/*
 * The compiler's graph for one pprof profile (NewGraph restricted to the
 * last two locations), as node pairs. Calls fn(ctx, src, dst, weight) once
 * per (src node, dst node) edge whose source node survives
 * selectNodesForGraph (cum or flat != 0). *seen_start_line tells whether a
 * surviving node has start_line != 0 (createNamedEdgeMap's check). Shared by
 * the decoder (for the start_line check) and the edges stage; in graph.c.
 */
typedef int (*pgd_node_edge_fn)(void *ctx, uint32_t src, uint32_t dst, int64_t weight);
int pgd_profile_compiler_graph(const struct pgd_profile *p, pgd_node_edge_fn fn, void *ctx,
			       int *seen_start_line, struct pgd_err *err);

#endif
