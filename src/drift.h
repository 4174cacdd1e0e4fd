/* SPDX-License-Identifier: MIT */
#ifndef PGD_DRIFT_H
#define PGD_DRIFT_H

/*
 * Stage 5: drift. For each indirect site, the callee the compiler guards
 * (chosen from the base exactly as cmd/compile does), its share of the site
 * in base and fresh, a Wilson interval, and a verdict.
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

struct pgd_site_drift {
	const struct pgd_site *site;
	enum pgd_verdict verdict;
	enum pgd_severity severity;
	int guarded;              /* index into site->callees of the compiler's choice, -1: none */
	int fresh_hottest;        /* index of the fresh capture's hottest callee, -1: none */
	struct pgd_share base, fresh;
	double cost;
};

/*
 * The callee cmd/compile would guard given set `set`'s weights: the hottest,
 * ties broken by the lexicographically smaller name
 * (cmd/compile/internal/devirtualize/pgo.go, findHotConcreteCallee's
 * `hotter`). -1 when the site has no weight in that set.
 */
int pgd_drift_hottest(const struct pgd_site *s, int set);

/* Wilson score interval for k successes in n trials at normal quantile z. */
void pgd_wilson(int64_t k, int64_t n, double z, double *lo, double *hi);

/*
 * Judges one site of a (base, fresh[, base compiler view]) siteset of nsets
 * sets; the third set, when present, decides the guarded callee.
 */
void pgd_drift_judge(const struct pgd_site *s, size_t nsets, const struct pgd_check_opts *o,
		     struct pgd_site_drift *out);

const char *pgd_verdict_name(enum pgd_verdict v);

#endif
