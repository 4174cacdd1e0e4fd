/* SPDX-License-Identifier: MIT */
#ifndef PGD_DOCTOR_H
#define PGD_DOCTOR_H

/*
 * The doctor: health checks for the PGO failure family other than
 * devirtualization drift. Each check is one entry of a table in doctor.c
 * (id, the inputs it needs, default severity, function); pgd_doctor__run
 * opens the inputs, runs every check whose inputs are present and records
 * the others as skipped. doc/checks.md documents every check.
 *
 * The checks live in three files by the input they look at:
 * doctor_profile.c (profiles alone), doctor_binary.c (the shipped binary),
 * doctor_repo.c (the module tree).
 */

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "binary.h"
#include "edges.h"
#include "profile.h"
#include "report.h"

/*
 * The profile-level checks (too-few-samples, startup-dominated,
 * microbenchmark-profile, profile-age, and distribution-skew when n >= 2),
 * for `pgodrift check`, which puts their findings under `warnings`.
 *
 * profiles[0] is the base; profiles[1..n) are the fresh captures, checked as
 * one merged group the way check merges them. o may be NULL (defaults).
 * Findings are appended to r and r->findings is re-sorted (severity desc,
 * id, input, message). Does not touch r->checks.
 */
int pgd_doctor_profile_checks(struct pgd_report *r, struct pgd_profile *const *profiles, size_t n,
			      const struct pgd_doctor_opts *o, struct pgd_err *err);
/*
 * The same, plus the binary-level checks whose findings decide check's
 * advice (build-settings, race-build, toolchain-skew, stale-names for the
 * base), on check's own open binary (borrowed, not closed). base_path is
 * the --base file, compared with the profile the build info names.
 * edges, when not NULL, are check's edge sets of the base and of the fresh
 * captures merged, built with o->check's attribution (borrowed: the
 * checks do not build them again).
 */
int pgd_doctor_check_checks(struct pgd_report *r, struct pgd_profile *const *profiles, size_t n,
			    struct pgd_binary *bin, const char *base_path,
			    const struct pgd_edges *const *edges,
			    const struct pgd_doctor_opts *o, struct pgd_err *err);

/* ---- shared between doctor*.c ------------------------------------------ */

/* A profile group: one input, or the fresh captures merged. */
struct doc_group {
	const char *role;           /* "base", "fresh", "profile" */
	const char *label;          /* paths as findings name them ("a.pprof, b.pprof") */
	struct pgd_profile *const *profiles;
	size_t n;
	int has_samples;            /* some member is a pprof with stacks */
	const struct pgd_edges *edges; /* check's edge set of the group (borrowed), NULL: built here */
};

/* A profile that could not be used, kept for the unusable-profile check. */
struct doc_bad {
	const char *role;
	const char *path;
	const char *why;            /* the reader's message */
};

struct doc_ctx {
	struct pgd_report *r;
	struct pgd_doctor_opts o;   /* every threshold resolved; o.check points at check */
	struct pgd_check_opts check;   /* resolved (opts.h) */
	int64_t now_unix;
	struct arena scratch;       /* freed when the run ends */
	size_t ngroups;
	struct doc_group *groups;
	const struct doc_group *base;   /* NULL when absent or unusable */
	const struct doc_group *fresh;  /* NULL when absent or every capture unusable */
	struct pgd_binary *bin;
	struct pgd_binary *cmp;
	const char *repo;
	size_t nbad;
	struct doc_bad *bad;
	struct pgd_edges *base_edges;   /* built on first use */
	struct doc_edge_map *emap;      /* base edges through bin, built on first use */
};

struct doc_check;
struct doc_edge_map;
typedef int (*doc_check_fn)(struct doc_ctx *c, const struct doc_check *chk, struct pgd_err *err);

enum doc_need {
	DOC_NEED_PROFILE = 1 << 0,        /* any usable profile */
	DOC_NEED_BASE_AND_FRESH = 1 << 1,
	DOC_NEED_BINARY = 1 << 2,
	DOC_NEED_COMPARE_BINARY = 1 << 3,
	DOC_NEED_REPO = 1 << 4,
	DOC_NEED_BASE = 1 << 5,
};

struct doc_check {
	const char *id;
	unsigned needs;
	enum pgd_severity severity;     /* default severity of its findings */
	doc_check_fn fn;
};

/* A finding of chk about `input` (NULL: all inputs), message formatted. */
struct rpt_finding *pgd_doc_finding(struct doc_ctx *c, const struct doc_check *chk,
				enum pgd_severity sev, const char *input, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* An item of f whose name is copied into the report (inputs are closed before it is written). */
struct rpt_item *pgd_doc_item(struct doc_ctx *c, struct rpt_finding *f, const char *name);
/* Figure setters that tolerate out-of-memory by returning -1. */
int pgd_doc_fig_int(struct doc_ctx *c, struct rpt_finding *f, const char *key, int64_t v);
int pgd_doc_fig_real(struct doc_ctx *c, struct rpt_finding *f, const char *key, double v);
int pgd_doc_fig_str(struct doc_ctx *c, struct rpt_finding *f, const char *key, const char *v);
int pgd_doc_fig_bool(struct doc_ctx *c, struct rpt_finding *f, const char *key, int v);
int pgd_doc_item_int(struct doc_ctx *c, struct rpt_item *it, const char *key, int64_t v);
int pgd_doc_item_real(struct doc_ctx *c, struct rpt_item *it, const char *key, double v);
int pgd_doc_item_str(struct doc_ctx *c, struct rpt_item *it, const char *key, const char *v);
int pgd_doc_item_bool(struct doc_ctx *c, struct rpt_item *it, const char *key, int v);
/* Compiler edges of the base, built once. */
int pgd_doc_base_edges(struct doc_ctx *c, const struct pgd_edges **out, struct pgd_err *err);

/* Samples per unit of a profile's value column (1, or 1/period for cpu/nanoseconds). */
double pgd_doc_samples_per_value(const struct pgd_profile *p);

/* The checks, one function each. */
int pgd_doc_too_few_samples(struct doc_ctx *c, const struct doc_check *chk, struct pgd_err *err);
int pgd_doc_startup_dominated(struct doc_ctx *c, const struct doc_check *chk, struct pgd_err *err);
int pgd_doc_microbenchmark(struct doc_ctx *c, const struct doc_check *chk, struct pgd_err *err);
int pgd_doc_distribution_skew(struct doc_ctx *c, const struct doc_check *chk, struct pgd_err *err);
int pgd_doc_profile_age(struct doc_ctx *c, const struct doc_check *chk, struct pgd_err *err);
int pgd_doc_stale_names(struct doc_ctx *c, const struct doc_check *chk, struct pgd_err *err);
int pgd_doc_offset_drift(struct doc_ctx *c, const struct doc_check *chk, struct pgd_err *err);
int pgd_doc_build_settings(struct doc_ctx *c, const struct doc_check *chk, struct pgd_err *err);
int pgd_doc_toolchain_skew(struct doc_ctx *c, const struct doc_check *chk, struct pgd_err *err);
int pgd_doc_race_build(struct doc_ctx *c, const struct doc_check *chk, struct pgd_err *err);
int pgd_doc_code_bloat(struct doc_ctx *c, const struct doc_check *chk, struct pgd_err *err);

/*
 * code-bloat's hot call sites (doctor_inlining.c, issue #17): the base's
 * hot sites whose callee the PGO binary inlines and the build without PGO
 * does not, by inlined bytes; with --fresh, which are no longer hot.
 */
#define DOC_HB_TOP 10
struct doc_hb_site {
	const char *caller, *callee;
	int64_t line, offset;
	uint64_t bytes;             /* the PGO binary's inlined copy at the site */
	int nopgo_call;             /* the build without PGO calls it there (0: neither a copy nor a call seen) */
	double base_share;          /* the site's share of the base's edge weight */
	int hot_in_fresh;           /* 1, 0, -1 without --fresh */
};
struct doc_hot_budget {
	int ran;                    /* 0: no --base, or a binary without Go >= 1.20 runtime tables */
	int has_fresh;
	size_t nsites;
	struct doc_hb_site *sites;  /* memory from c->scratch */
	uint64_t bytes;
	size_t nstale;
	uint64_t stale_bytes;
};
int pgd_doc_hot_budget(struct doc_ctx *c, struct doc_hot_budget *hb, struct pgd_err *err);
/* Figures and the first DOC_HB_TOP sites as items of f (growth_bytes: .text growth); 0 or -1. */
int pgd_doc_hot_budget_report(struct doc_ctx *c, struct rpt_finding *f, const struct doc_hot_budget *hb,
			      int64_t growth_bytes);
int pgd_doc_layout(struct doc_ctx *c, const struct doc_check *chk, struct pgd_err *err);

/* Sorts r->findings: severity desc, id, input (absent first), message. */
void pgd_doc_sort_findings(struct pgd_report *r);

#endif
