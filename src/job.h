/* SPDX-License-Identifier: MIT */
#ifndef PGD_JOB_H
#define PGD_JOB_H

/*
 * What the `sites` job (sites_job.c) and the `check` job (check.c) share:
 * the inputs a job holds open, and the copying of inputs, parameters and
 * sites into a report. Everything a report points to is copied into the
 * report's arena, so the inputs are closed before a job returns.
 */

#include <stddef.h>
#include <stdint.h>

#include "edges.h"
#include "profile.h"
#include "report.h"
#include "sites.h"

/* The inputs a job holds open; released in one place. */
struct pgd_job {
	struct pgd_binary *binary;
	struct pgd_profile **profiles;   /* [0] base for check */
	size_t nprofiles;
	struct pgd_edges *edges[PGD_SITE_MAX_SETS];
	size_t nsets;
	struct pgd_siteset sites;
};

/*
 * check's inputs: profile paths[0] (the base) and the binary, then the
 * fresh captures paths[1..n), with their edges (slot 0 the base's, 1 the
 * fresh ones', 2 the base's compiler edges under stack attribution). The
 * base and the binary are read on a second thread; what fails is what
 * reading them in that order would have reported first.
 */
int pgd_job_open_check_inputs(struct pgd_job *j, const char *binary_path, const char *const *paths, size_t n,
			      const struct pgd_check_opts *o, struct pgd_err *err);
/* Progress through the caller's callback, when it gave one. */
void pgd_job_progress(const struct pgd_check_opts *o, const char *stage, uint64_t done,
		      uint64_t total);
/* s copied into the report's arena (NULL stays NULL; NULL on out of memory). */
const char *pgd_job_dup(struct pgd_report *r, const char *s);
/* Closes everything the job opened; the job is zeroed. */
void pgd_job_release(struct pgd_job *j);
/* Opens paths[0..n) into j->profiles with o's limits. */
int pgd_job_open_profiles(struct pgd_job *j, const char *const *paths, size_t n,
			  const struct pgd_check_opts *o, struct pgd_err *err);
/* Edges of profiles [first, first + n) under attr into j->edges[slot]. */
int pgd_job_build_edges(struct pgd_job *j, size_t first, size_t n, enum pgd_attribution attr,
			size_t slot, struct pgd_err *err);

/* The report's inputs and parameters; PGD_ENOMEM when it cannot hold them. */
int pgd_job_add_binary_input(struct pgd_report *r, const struct pgd_binary *b, const char *role);
int pgd_job_add_profile_input(struct pgd_report *r, const struct pgd_profile *p, const char *role,
			      int64_t edge_weight);
int pgd_job_add_common_params(struct pgd_report *r, const struct pgd_check_opts *o);
/* A site's identity, binary evidence and callees (nsets profiles' weights). */
int pgd_job_fill_site(struct pgd_report *r, struct rpt_site *rs, const struct pgd_site *s,
		      size_t nsets);
/* Callees by base weight desc, then fresh weight desc, then name (qsort). */
int pgd_job_cmp_callee(const void *a, const void *b);
/* Sites by (caller, offset, method, kind): the total order under every ranking. */
int pgd_job_cmp_key(const struct rpt_site *x, const struct rpt_site *y);
/* Remarks for the report's notes: stack mode over preprofiles, what the binary could not read. */
int pgd_job_note_stackless_inputs(struct pgd_report *r, const struct pgd_job *j,
				  const struct pgd_check_opts *o);
int pgd_job_note_binary(struct pgd_report *r, struct pgd_job *j);

#endif
