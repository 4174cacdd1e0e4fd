/* SPDX-License-Identifier: MIT */
#ifndef PGD_STALENESS_H
#define PGD_STALENESS_H

/*
 * A staleness score beside the verdicts, in the manner of `llvm-profdata
 * overlap` (llvm/lib/ProfileData/InstrProf.cpp, OverlapStats: the overlap of
 * two normalised count distributions is the sum of their minima, 1 when
 * identical, 0 when disjoint). Per site the two distributions are the
 * callee shares in the base and in the fresh capture:
 *
 *     overlap(s) = sum over callees c of min(p_base(c), p_fresh(c))
 *
 * Per report, the overlap of the judged sites weighted by each site's mean
 * share of its profile's judged weight, w(s) = (b(s)/B + f(s)/F) / 2, so a
 * site hot in either capture counts and one absent from a side (vanished,
 * new-hot-site: overlap 0) pulls the score down:
 *
 *     overlap = sum w(s) overlap(s) / sum w(s),   staleness = 1 - overlap
 *
 * Sites with too few fresh samples to be judged (insufficient-samples) are
 * left out. Beside it, the share of the base's weight at devirtualization
 * candidates that no longer maps to a call in the binary (the caller or
 * line is gone, or every callee the base saw there is: check's vanished).
 * doc/formats.md has the same formulas.
 */

#include <stdint.h>

#include "drift.h"
#include "sites.h"

struct pgd_report;

struct pgd_staleness {
	/* judged sites: each site's weight in both profiles and its overlap */
	size_t n, alloc;
	struct { int64_t b, f; double overlap; } *v;
	int64_t base_candidates;    /* base weight at every candidate site */
	int64_t base_unmapped;      /* of which no longer maps */
};

/* sum over callees of min(p_base, p_fresh); 0 when either side has no weight. */
double pgd_site_overlap(const struct pgd_site *s);
/* Every site check looks at: counts candidate and unmapped base weight. */
void pgd_staleness_site(struct pgd_staleness *st, const struct pgd_site *s, enum pgd_verdict v);
/* Every judged site: 0 or PGD_ENOMEM. */
int pgd_staleness_judged(struct pgd_staleness *st, const struct pgd_site *s, enum pgd_verdict v);
/* The score: overlap in [0, 1] (1 when no site was judged), unmapped share in [0, 1]. */
void pgd_staleness_score(const struct pgd_staleness *st, double *overlap, double *unmapped,
			 int64_t *nsites);
/* Adds summary figures staleness, overlap, unmapped_base_share, staleness_sites: 0 or PGD_ENOMEM. */
int pgd_staleness_summarize(const struct pgd_staleness *st, struct pgd_report *r);
void pgd_staleness_release(struct pgd_staleness *st);
/*
 * The headline's second line for the text and markdown views: "staleness
 * 47%: callee distributions overlap 53% at 5 judged sites; 0% of ...".
 * 0 written, 1 when the report has no score, -1 out of memory.
 */
struct strbuf;
int pgd_staleness_line(const struct pgd_report *r, struct strbuf *sb);
/* doctor with --binary, --base and --fresh: the same four figures in its summary. */
int pgd_staleness_doctor(struct pgd_report *doctor, const struct pgd_doctor_opts *given,
			 struct pgd_err *err);

#endif
