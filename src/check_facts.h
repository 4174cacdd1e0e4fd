/* SPDX-License-Identifier: MIT */
#ifndef PGD_CHECK_FACTS_H
#define PGD_CHECK_FACTS_H

/*
 * The binary's facts about call sites for check: per key edge, what
 * cmd/compile's devirtualization would know (struct pgd_callee_facts), and
 * per site whether the base made it a devirtualization candidate. Gathered
 * here, judged in drift.
 */

#include "arena.h"
#include "binary.h"
#include "drift.h"
#include "sites.h"

struct pgd_facts_ctx {
	struct pgd_binary *b;
	struct arena scratch;         /* facts arrays and the package graph; the caller releases it */
	struct pgd_pkg_graph deps;
	int have_deps;
};

/* Facts for every edge of s->key (an interface or func-value site), from fc->scratch. */
int pgd_check_site_facts(struct pgd_facts_ctx *fc, const struct pgd_site *s,
			 struct pgd_callee_facts **out, struct pgd_err *err);
/* Several callees in the base, or one method that fills an itab slot. */
int pgd_check_was_candidate(const struct pgd_binary *b, const struct pgd_site *s);
/* An indirect site none of whose base callees exists any more (renamed methods). */
int pgd_check_base_callees_gone(const struct pgd_binary *b, const struct pgd_site *s);

#endif
