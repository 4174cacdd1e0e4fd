/* SPDX-License-Identifier: MIT */
#ifndef PGD_INLINING_H
#define PGD_INLINING_H

/*
 * Inlining drift (issue #17), beside drift in the pipeline: which call
 * sites each profile makes hot for cmd/compile's inliner, and what the
 * binary shows at the sites whose hotness changed.
 *
 *  - inlining.c: the hot call-site sets, mirrored from
 *    cmd/compile/internal/inline/inl.go (hotNodesFromCDF,
 *    PGOInlinePrologue), the needed-hot-budget inference and the report's
 *    inlining block;
 *  - inl_binary.c: an index of every function's inline tree
 *    (FUNCDATA_InlTree + PCDATA_InlTreeIndex) and calls, from the runtime
 *    tables and the machine code.
 */

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "edges.h"
#include "hashmap.h"
#include "report.h"

struct pgd_binary;
struct pgd_pcln;

/* ---- hot call sites (inlining.c) ---------------------------------------------- */

/* A preemption signal, no call: named as a callee only when nothing else is at a site. */
#define PGD_INL_ASYNC_PREEMPT "runtime.asyncPreempt"

#define PGD_INL_CDF_PERCENT 99.0  /* inl.go inlineCDFHotCallSiteThresholdPercent */

/* A call site as the compiler keys it (pgoir.CallSiteInfo: caller, line offset). */
struct pgd_inl_site {
	const char *caller;
	int64_t offset;
	const char *callee;           /* the heaviest edge at the site (first in ByWeight order) */
	int64_t weight;               /* sum of the site's edges */
	int hot;                      /* one of its edges is in hotNodesFromCDF's list */
};

struct pgd_inl_profile {
	double threshold;             /* percent: hot-callsite-thres-from-CDF */
	int64_t total;                /* TotalWeight */
	size_t nhot_edges;            /* len(hotCallsites) */
	size_t nhot;                  /* sites with hot == 1 */
	size_t nsites;
	struct pgd_inl_site *sites;   /* every site, by caller (strcmp) then offset */
	size_t nhot_callees;
	const char **hot_callees;     /* callees of hot edges (candHotCalleeMap), sorted, unique */
	/*
	 * A Bloom filter of the callers with a hot site (two bits of the
	 * name's hash each): caller_hot is asked about every function of the
	 * binary, most of which have none, and a binary search by strcmp
	 * for each was a tenth of a check on a 150 MB binary.
	 */
	uint64_t *hot_caller_bits;
};

#define PGD_INL_HOT_CALLER_BITS (1u << 16)

/*
 * The sites of e (sorted in compiler order, as pgd_edges__build leaves it)
 * and which are hot under a CDF threshold of cdf_percent (99 by default).
 * Memory from a.
 */
int pgd_inl_profile_build(const struct pgd_edges *e, double cdf_percent, struct arena *a,
			  struct pgd_inl_profile *out, struct pgd_err *err);
/* Whether name is the callee of a hot edge (candHotCalleeMap: budget 2000 in CanInline). */
int pgd_inl_profile_hot_callee(const struct pgd_inl_profile *p, const char *name);
/* Whether caller has a hot site in p. */
int pgd_inl_profile_caller_hot(const struct pgd_inl_profile *p, const char *caller);
/* The site, or NULL. */
const struct pgd_inl_site *pgd_inl_profile_find(const struct pgd_inl_profile *p, const char *caller,
						int64_t offset);

/* ---- the binary's inline trees and calls (inl_binary.c) ------------------------- */

struct pgd_inl_func {             /* one .gopclntab function */
	const char *name;
	int loaded;                   /* its nodes are in the index (pgd_inl_index_load) */
	int32_t start_line;
	const char *file;             /* the file at its entry, NULL when unknown */
	uint64_t entry, end;
	uint64_t own_bytes;           /* end - entry less the root-level inlined copies (once loaded) */
	uint32_t first_node, nnodes;  /* its nodes are nodes[first_node, first_node + nnodes) */
	uint32_t first_call, ncalls;
	uint32_t pcfile, cu_offset;   /* its file table (.gopclntab), for copies' files */
};

struct pgd_inl_node {             /* one inline-tree node that owns code */
	const char *callee;
	uint32_t func;                /* the function whose code holds the copy */
	int32_t line;                 /* innermost source line of the call (the line at parentPc) */
	int32_t parent;               /* index into nodes[] of the enclosing copy, -1: the function's own body */
	uint64_t bytes;               /* code of the copy: pcs whose PCDATA_InlTreeIndex chain holds it */
	uint64_t pc;                  /* an instruction of the copy's own code (its callee's file there) */
	int32_t start_line;           /* the callee's start line (inlinedCall.startLine) */
};

struct pgd_inl_call {             /* one direct call, found by its encoding (inl_binary.c fast_calls) */
	const char *target;           /* the function called */
	uint32_t func;
	int32_t line;                 /* innermost source line */
	int32_t node;                 /* the inlined copy it sits in (nodes[]), -1: the own body */
};

struct pgd_inl_index {
	struct arena arena;
	const struct pgd_pcln *p;     /* the binary's table (lives as long as the binary) */
	struct pgd_binary *b;         /* the binary (outlives the index) */
	size_t nfuncs;
	struct pgd_inl_func *funcs;
	size_t nnodes, nodes_cap;
	struct pgd_inl_node *nodes;
	size_t ncalls, calls_cap;
	struct pgd_inl_call *calls;
	struct hashmap by_name;       /* function name -> index + 1 */
	struct hashmap copy_by_name;  /* inlined function name -> index + 1 of its first copy in nodes[] */
	struct pgd_inl_want *want;    /* NULL: every function's nodes and calls are here */
	/*
	 * Its own decoder and closure aliases (binary.h: what another thread
	 * may use): check builds and asks the index on a thread of its own
	 * while the sites are read from the same binary.
	 */
	struct pgd_disasm *dis;
	struct inl_aliases *aliases;  /* name -> its closure alias, found once (pgd_inl_index_func) */
};

/*
 * What the binary is asked about (check's listed sites), so the index
 * holds only what answers it and check's cost follows the functions its
 * profiles name, not the binary's size (issue #15):
 *  - PGD_INL_WANT_NAME: where a caller with no body of its own is
 *    declared (its first inlined copy, copy_by_name);
 *  - PGD_INL_WANT_CALLEE: the evidence of a callee (inlining.c
 *    pgd_inl_needed_hot_budget, pgd_inl_refresh_would_inline), learnt
 *    from its copies and direct calls while the index is built. A copy at
 *    a key that is not hot decides every answer, so a callee stops being
 *    looked for once one is found.
 * A function's nodes are read when one of them inlines a name still
 * looked for, or when it calls a callee still looked for; a caller's
 * nodes when asked (pgd_inl_index_site).
 */
#define PGD_INL_WANT_NAME   1u
#define PGD_INL_WANT_CALLEE 2u

#define PGD_INL_EV_COLD_COPY 1u       /* a copy at a key the build's profile does not make hot */
#define PGD_INL_EV_COLD_CALL 2u       /* a direct call at such a key, in a caller not too big */
#define PGD_INL_EV_HOT_COPY  4u
#define PGD_INL_EV_HOT_CALL  8u
/*
 * inl.go inlineBigFunctionNodes: a caller of more than 5000 IR nodes only
 * inlines callees of cost <= 20, hot or not, so its calls prove nothing.
 * The binary has no node count: a function whose own code (inlined copies
 * left out) is this large is taken as big.
 */
#define PGD_INL_BIG_FUNC_BYTES 30000u

struct pgd_inl_want_name {
	const char *name;
	unsigned flags;               /* PGD_INL_WANT_* */
	unsigned ev;                  /* PGD_INL_EV_* seen so far */
	int copy_seen;                /* a copy of it is in the index */
};

struct pgd_inl_want {
	struct arena *a;              /* names and the array */
	struct hashmap by_name;       /* name -> index + 1 into v */
	struct pgd_inl_want_name *v;
	size_t n;
	const struct pgd_inl_profile *built_from;   /* hot keys of the build (NULL: no evidence) */
};

/* A want serves one index build: the evidence it learns stays in it. */
void pgd_inl_want_init(struct pgd_inl_want *w, struct arena *a, const struct pgd_inl_profile *built_from);
/* Adds name (and its spelling without "()" when generic). 0, or -1 out of memory. */
int pgd_inl_want_add(struct pgd_inl_want *w, const char *name, unsigned flags);
void pgd_inl_want_release(struct pgd_inl_want *w);
/* The key (f, line) is hot in p (pgoir.CallSiteInfo{f, line - f's start line}). */
int pgd_inl_profile_key_hot(const struct pgd_inl_profile *p, const struct pgd_inl_func *f, int64_t line);

/*
 * Walks every function of the runtime table once: inline trees and, by
 * their encoding, direct calls; with want (NULL: everything) only what it
 * asks, its evidence filled in as found. want outlives the index.
 * PGD_EINPUT when the binary has no Go >= 1.20 runtime table (no PGO
 * build has none).
 */
int pgd_inl_index_build(struct pgd_binary *b, struct pgd_inl_want *want, struct pgd_inl_index **out,
			struct pgd_err *err);
/* Reads f's nodes into x when the build left them out. 0, or -1 out of memory. */
int pgd_inl_index_load(struct pgd_inl_index *x, struct pgd_inl_func *f);
void pgd_inl_index_free(struct pgd_inl_index *x);
/* The function of that linker name (closure and generic spellings tried), or NULL. */
const struct pgd_inl_func *pgd_inl_index_func(const struct pgd_inl_index *x, struct pgd_binary *b,
					      const char *name);

/*
 * Where a function that has no body of its own (inlined everywhere) is
 * declared: the file and start line its copies record. 0 when found.
 */
int pgd_inl_index_decl(const struct pgd_inl_index *x, const char *name, const char **file, int32_t *start_line);

/* What a function's own body shows at one line for one callee. */
struct pgd_inl_at_line {
	int inlined;                  /* 1 a root-level copy of callee, 0 a call, -1 neither */
	uint64_t bytes;               /* code of those copies */
	size_t ncopies;
};
void pgd_inl_index_at_line(const struct pgd_inl_index *x, const struct pgd_inl_func *f, int64_t line,
			   const char *callee, struct pgd_inl_at_line *out);
/*
 * A profile's site (caller, offset) in the binary: the caller's function
 * in *f (NULL when it has no body of its own), the absolute line in *line
 * (0 when unknown) and what that body shows there for callee (inlined -1
 * when nothing is known). check's entries and doctor's code-bloat both
 * ask this. 0, or -1 out of memory (the caller's nodes are read here).
 */
int pgd_inl_index_site(struct pgd_inl_index *x, struct pgd_binary *b, const char *caller, int64_t offset,
		       const char *callee, const struct pgd_inl_func **f, int64_t *line, struct pgd_inl_at_line *at);

/* ---- needed_hot_budget (inlining.c) --------------------------------------------- */

/*
 * Per callee: evidence of its inlining cost from the binary, under the
 * hot set of the profile the binary was built from. See inlining.c.
 */
struct pgd_inl_evidence {
	struct hashmap by_callee;     /* callee name -> flags (EV_*) */
	const struct pgd_inl_index *x;
	const struct pgd_inl_profile *built_from;
};
/*
 * From the whole index; from an index built with a want, what it learnt
 * then, for the wanted callees only, under the want's built_from (which
 * built_from must be).
 */
int pgd_inl_evidence_build(const struct pgd_inl_index *x, const struct pgd_inl_profile *built_from,
			   struct pgd_inl_evidence *out, struct pgd_err *err);
void pgd_inl_evidence_free(struct pgd_inl_evidence *ev);
/* 1 the callee needs the hot budget (cost > 80), 0 it does not, -1 cannot tell. */
int pgd_inl_needed_hot_budget(const struct pgd_inl_evidence *ev, const char *callee, uint64_t bytes);
/*
 * Missed-hot: 1 a build from the fresh profile would inline the call only
 * through the hot budget, 0 it would not inline it, -1 cannot tell.
 */
int pgd_inl_refresh_would_inline(const struct pgd_inl_evidence *ev, const char *callee,
				 const struct pgd_inl_func *body, const struct pgd_inl_func *caller);
/* Whether (container, line) is a hot key for the compile of container's code. */
int pgd_inl_key_hot(const struct pgd_inl_evidence *ev, const struct pgd_inl_func *f, int64_t line);

/* ---- check ------------------------------------------------------------------- */

/*
 * Fills r->inlining: hot sets of base and fresh (compiler attribution),
 * stale-hot and missed-hot sites through the binary (assumed built from
 * base), ranked, and the severity (warning when warn_bytes > 0 and the
 * stale-hot bytes exceed it). Memory from r's arena.
 */
int pgd_inlining_run(struct pgd_report *r, const struct pgd_edges *base, const struct pgd_edges *fresh,
		     struct pgd_binary *b, uint64_t warn_bytes, struct pgd_err *err);

#endif
