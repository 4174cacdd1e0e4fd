/* SPDX-License-Identifier: MIT */
#ifndef PGD_SITES_H
#define PGD_SITES_H

/*
 * Stage 4: call sites. Joins the edges of one or two profiles (base and
 * fresh) with the binary. A site is (caller, line offset, method): several
 * calls on one line share an edge key and are told apart by the callee's
 * method name, as cmd/compile/internal/devirtualize/pgo.go does
 * (findHotConcreteInterfaceCallee's "different method" filter).
 */

#include <stdint.h>

#include "arena.h"
#include "binary.h"
#include "edges.h"

#define PGD_SITE_MAX_SETS 3   /* [0] base (or the only input), [1] fresh, [2] base compiler view */

enum pgd_site_kind {
	PGD_SITE_INTERFACE = 1,
	PGD_SITE_FUNC_VALUE,
	PGD_SITE_DIRECT,
	PGD_SITE_NONE,              /* the line holds no call any more */
	PGD_SITE_MISSING_FUNCTION,  /* the caller is not in the binary */
	PGD_SITE_ASSEMBLY,          /* the caller is assembly: no Go compiler chose its calls */
};

struct pgd_site_callee {
	const char *name;
	const char *recv_type;      /* "*main.RedisCache"; NULL for plain functions */
	int64_t weight[PGD_SITE_MAX_SETS];
};

struct pgd_site {
	const char *caller;
	int64_t offset;
	const char *method;         /* NULL for func-value and direct groups */
	enum pgd_site_kind kind;
	const char *file;           /* caller's DWARF decl file */
	int64_t line;               /* absolute line, 0 when the caller is missing */
	const char *iface;          /* interface type when the binary tells */
	const char *binary_guard;   /* concrete type/function guarded in the binary */
	size_t ndirect, nindirect;  /* call instructions at the line */
	size_t ncallees;
	struct pgd_site_callee *callees;
	int64_t total[PGD_SITE_MAX_SETS];   /* sum of callee weights per set */
	/*
	 * Every edge at (caller, offset): this site's callees, the other calls'
	 * on the line and runtime.asyncPreempt. findHotConcreteCallee walks
	 * them all, and one without IR can win and suppress the rewrite.
	 */
	size_t nkey;
	const struct pgd_site_callee *key;
	/* The binary's name of the caller when PGO inlining renamed the closure. */
	const char *caller_alias;
};

struct pgd_siteset {
	struct arena arena;
	size_t nsites;
	struct pgd_site *sites;     /* sorted by caller, offset, method */
	size_t nsets;
};

/*
 * Builds the sites of nsets edge sets through binary b. With
 * `indirect_only`, keys that cannot be indirect calls (one plain-function
 * callee across all sets) are skipped without touching the binary: check
 * needs only interface and func-value sites, and this keeps DWARF lazy.
 */
int pgd_sites_build(struct pgd_binary *b, const struct pgd_edges *const *sets, size_t nsets,
		    int indirect_only, struct pgd_siteset *out, struct pgd_err *err);
void pgd_siteset_release(struct pgd_siteset *s);
const char *pgd_site_kind_name(enum pgd_site_kind k);
/* Callees Go never treats as devirtualization targets (signal preemption). */
int pgd_site_ignored_callee(const char *name);

#endif
