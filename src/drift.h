/* SPDX-License-Identifier: MIT */
#ifndef PGD_DRIFT_H
#define PGD_DRIFT_H

/*
 * Stage 5: drift. For each call site: the callee the compiler guards (the
 * one the binary guards; failing that, the one cmd/compile's rules pick
 * from the base), its share of the site in base and fresh, a Wilson
 * interval, and a verdict with its severity and message. Every verdict and
 * severity decision of `check` is made here; check.c only gathers the facts
 * (from the binary) these functions need.
 */

#include <stdint.h>

#include "pgodrift/pgodrift.h"
#include "sites.h"

enum pgd_verdict {
	PGD_V_OK = 0,
	PGD_V_INSUFFICIENT,
	PGD_V_NEW_HOT_SITE,
	PGD_V_VANISHED,
	PGD_V_NEVER_DOMINANT,
	PGD_V_WEAK,
	PGD_V_FLIPPED,
	PGD_V_STALE,
};

struct pgd_share {
	int64_t weight, total;
	double share, lo, hi;
};

/*
 * What the binary says about one edge at a site's key (pgd_site.key), for
 * cmd/compile/internal/devirtualize/pgo.go's choice (Go 1.23 and 1.26 read
 * in full):
 *  - has_ir: the caller's compilation has the callee's IR: it is in the
 *    binary with a Go declaration and its package is the caller's or one of
 *    its dependencies (pgoir/irgraph.go addIndirectEdges: LookupFunc in
 *    export data; "not found" edges keep AST == nil). Closures and generic
 *    instantiations of other packages are never found (noder/unified.go
 *    lookupFunction's TODOs).
 *  - eligible: passes the per-site filter of findHotConcreteInterfaceCallee
 *    (a method, of the called method name, whose receiver implements the
 *    interface) or findHotConcreteFunctionCallee (here: a function of this
 *    func-value site).
 *  - devirt: the rewrite goes ahead once chosen: shouldPGODevirt
 *    (inline.InlineImpossible: a Go body), and for function values not a
 *    closure and not a method (maybeDevirtualizeFunctionCall).
 */
struct pgd_callee_facts {
	unsigned char has_ir, eligible, devirt;
};

/* Why the compiler guards nothing at a site. */
enum pgd_no_guard {
	PGD_NG_NONE = 0,        /* something is guarded */
	PGD_NG_NO_WEIGHT,       /* no edge with weight: "no hot callee" */
	PGD_NG_NO_IR,           /* the hottest callee has no IR in the caller's compile */
	PGD_NG_NOT_DEVIRT,      /* the hottest cannot be a target (closure, method value, no Go body) */
	PGD_NG_NOT_IN_BINARY,   /* a PGO build whose machine code has no guard here */
};

struct pgd_choice {
	int key;                /* index into site->key of the hottest edge, -1 none */
	int callee;             /* index into site->callees of the guarded callee, -1 none */
	enum pgd_no_guard why;
};

/*
 * findHotConcreteCallee over the key's edges with set `set`'s weights:
 * hottest by weight; on equal weight the edge with IR, then the
 * lexicographically first name. An edge without IR becomes the hottest
 * without the per-site filter (it "must be assumed to implement the
 * interface"); an edge with IR must pass it. Then the hottest is guarded
 * only if it has IR and can be a target. Edges of weight 0 are absent from
 * the profile here (Go 1.26 also ignores a hottest of weight 0). facts may
 * be NULL: every edge has IR, the site's own callees are eligible, every
 * callee can be a target, runtime.asyncPreempt has no IR.
 */
void pgd_drift_choose(const struct pgd_site *s, int set, const struct pgd_callee_facts *facts,
		      struct pgd_choice *out);

/* The hottest of the site's own callees in a set (no compiler rules). -1: none. */
int pgd_drift_hottest(const struct pgd_site *s, int set);

/* Wilson score interval for k successes in n trials at normal quantile z. */
void pgd_wilson(int64_t k, int64_t n, double z, double *lo, double *hi);

/* What check knows about a site beyond its weights. */
struct pgd_site_env {
	size_t nsets;           /* base, fresh[, base compiler view] */
	int pgo_build;          /* the binary was built with -pgo */
	int candidate;          /* the base made it a devirtualization candidate */
	int base_callees_gone;  /* none of the callees the base saw exists any more */
	const struct pgd_callee_facts *base_facts;   /* per key edge, for the base's choice */
	const struct pgd_callee_facts *fresh_facts;  /* for a refreshed profile's choice */
};

/* The pure verdict decision: every input a number or a flag. */
enum pgd_site_class {
	PGD_SC_NOT_A_SITE = 0,  /* direct, assembly: no devirtualization to judge */
	PGD_SC_INDIRECT,        /* interface or func-value call present in the binary */
	PGD_SC_GONE,            /* the base's site no longer maps to a call (or its callees are gone) */
};

struct pgd_verdict_in {
	enum pgd_site_class cls;
	int candidate;          /* GONE: the base made it a devirtualization candidate */
	int in_base;            /* the base has weight at the site */
	int guarded;            /* a callee is guarded (in the binary, or by the mirrored rules) */
	int guard_in_binary;    /* the machine code holds that guard */
	int pgo_build;
	int refresh_guards;     /* a refreshed profile would guard some callee */
	int refresh_other;      /* ... another one than the guarded */
	double refresh_share;   /* that callee's share of the site in the fresh capture */
	int64_t fresh_total;
	double base_share, fresh_share, fresh_hi;   /* of the guarded callee */
};

enum pgd_message {
	PGD_MSG_NONE = 0,
	PGD_MSG_STALE, PGD_MSG_WEAK, PGD_MSG_FLIPPED, PGD_MSG_NEVER_DOMINANT,
	PGD_MSG_NEW_HOT_SITE, PGD_MSG_VANISHED, PGD_MSG_INSUFFICIENT,
	PGD_MSG_NO_GUARD_IN_BINARY,     /* PGO build, the guard is not in the machine code */
	PGD_MSG_NOTHING_GUARDED,        /* the compiler's rules guard nothing here */
	PGD_MSG_NOPGO_STALE,            /* the same findings for a build without PGO */
	PGD_MSG_NOPGO_NEVER_DOMINANT,
	PGD_MSG_NOPGO_VANISHED,
	PGD_MSG_NOPGO_NEW_HOT_SITE,
};

struct pgd_verdict_out {
	int judged;             /* 0: not a devirtualization site, neither counted nor listed */
	enum pgd_verdict verdict;
	enum pgd_severity severity;
	enum pgd_message message;
};

void pgd_drift_verdict(const struct pgd_verdict_in *in, const struct pgd_check_opts *o,
		       struct pgd_verdict_out *out);
const char *pgd_drift_message(enum pgd_message m);

struct pgd_site_drift {
	const struct pgd_site *site;
	int judged;
	enum pgd_verdict verdict;
	enum pgd_severity severity;
	const char *message;
	int guarded;            /* site->callees index of the guarded callee, -1: none/unknown */
	const char *guard;      /* what is guarded: the binary's guard, else the mirrored callee */
	int guard_in_binary;
	int mirrored;           /* the base's mirrored choice (callee index), -1 none */
	enum pgd_no_guard mirrored_why;
	int refreshed;          /* a refreshed profile's mirrored choice, -1 none */
	int fresh_hottest;      /* the fresh capture's hottest callee, -1 none */
	struct pgd_share base, fresh;
	double cost;
};

/* Judges one site of a (base, fresh[, base compiler view]) siteset. */
void pgd_drift_judge(const struct pgd_site *s, const struct pgd_site_env *env,
		     const struct pgd_check_opts *o, struct pgd_site_drift *out);

const char *pgd_verdict_name(enum pgd_verdict v);
const char *pgd_no_guard_name(enum pgd_no_guard w);

#endif
