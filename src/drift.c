// SPDX-License-Identifier: MIT
/*
 * Stage 5: drift verdicts.
 *
 * The compiler's choice is mirrored from Go 1.23's
 * cmd/compile/internal/devirtualize/pgo.go: findHotConcreteCallee walks the
 * edges at (caller, call offset), keeps the hottest by weight with ties
 * broken by the lexicographically first callee name, and
 * findHotConcreteInterfaceCallee drops callees that are not methods or whose
 * name lacks the "."+method suffix (another call on the same line). There is
 * no share threshold: the hottest wins at 30 % too. What pgodrift cannot see
 * is the compiler's IR: an edge whose callee has no IR in the compiling
 * package can win "hottest" and suppress devirtualization entirely; the
 * guard found in the binary (site->binary_guard) is reported beside the
 * mirrored choice for that reason.
 */
#include "drift.h"

#include <math.h>
#include <string.h>

const char *pgd_verdict_name(enum pgd_verdict v)
{
	switch (v) {
	case PGD_V_OK: return "ok";
	case PGD_V_INSUFFICIENT: return "insufficient-samples";
	case PGD_V_NEW_HOT_SITE: return "new-hot-site";
	case PGD_V_VANISHED: return "vanished";
	case PGD_V_NEVER_DOMINANT: return "never-dominant";
	case PGD_V_WEAK: return "weak";
	case PGD_V_FLIPPED: return "flipped";
	case PGD_V_STALE: return "stale";
	}
	return "ok";
}

int pgd_drift_hottest(const struct pgd_site *s, int set)
{
	int best = -1;

	for (size_t i = 0; i < s->ncallees; i++) {
		const struct pgd_site_callee *c = &s->callees[i];

		if (c->weight[set] <= 0)
			continue;
		if (best < 0 || c->weight[set] > s->callees[best].weight[set] ||
		    (c->weight[set] == s->callees[best].weight[set] &&
		     strcmp(c->name, s->callees[best].name) < 0))
			best = (int)i;
	}
	return best;
}

void pgd_wilson(int64_t k, int64_t n, double z, double *lo, double *hi)
{
	double p, z2, denom, centre, half;

	if (n <= 0) {
		*lo = 0;
		*hi = 1;
		return;
	}
	p = (double)k / (double)n;
	z2 = z * z;
	denom = 1 + z2 / (double)n;
	centre = (p + z2 / (2.0 * (double)n)) / denom;
	half = z * sqrt(p * (1 - p) / (double)n + z2 / (4.0 * (double)n * (double)n)) / denom;
	*lo = centre - half < 0 ? 0 : centre - half;
	*hi = centre + half > 1 ? 1 : centre + half;
}

static void share_of(const struct pgd_site *s, int idx, int set, double z, struct pgd_share *out)
{
	memset(out, 0, sizeof(*out));
	out->total = s->total[set];
	out->weight = idx >= 0 ? s->callees[idx].weight[set] : 0;
	out->share = out->total ? (double)out->weight / (double)out->total : 0;
	pgd_wilson(out->weight, out->total, z, &out->lo, &out->hi);
}

static int is_indirect(const struct pgd_site *s)
{
	return s->kind == PGD_SITE_INTERFACE || s->kind == PGD_SITE_FUNC_VALUE;
}

void pgd_drift_judge(const struct pgd_site *s, size_t nsets, const struct pgd_check_opts *o,
		     struct pgd_site_drift *out)
{
	double z = o->confidence_z > 0 ? o->confidence_z : 1.96;
	int in_base = s->total[0] > 0;
	int64_t fresh_total = s->total[1];

	memset(out, 0, sizeof(*out));
	out->site = s;
	/* With stack attribution the shares use every frame pair, but the
	 * compiler only ever sees the last two frames: set 2 holds that view. */
	out->guarded = pgd_drift_hottest(s, nsets > 2 ? 2 : 0);
	out->fresh_hottest = pgd_drift_hottest(s, 1);
	share_of(s, out->guarded, 0, z, &out->base);
	share_of(s, out->guarded, 1, z, &out->fresh);
	out->cost = (double)fresh_total * (1.0 - out->fresh.share);

	/* The base's weight there is wasted: the compiler finds no call to guard. */
	if (s->kind == PGD_SITE_MISSING_FUNCTION || s->kind == PGD_SITE_NONE) {
		out->verdict = in_base ? PGD_V_VANISHED : PGD_V_OK;
		out->severity = in_base ? PGD_SEV_WARN : PGD_SEV_NONE;
		out->cost = 0;
		return;
	}
	if (!is_indirect(s)) {
		out->verdict = PGD_V_OK;
		return;
	}
	if (!in_base) {
		/* Nothing is guarded; the cost is the share a refreshed guard would catch. */
		if (fresh_total >= o->min_samples) {
			out->verdict = PGD_V_NEW_HOT_SITE;
			out->severity = PGD_SEV_INFO;
			out->cost = out->fresh_hottest >= 0 ?
				(double)s->callees[out->fresh_hottest].weight[1] : 0;
		} else {
			out->verdict = PGD_V_INSUFFICIENT;
			out->cost = 0;
		}
		return;
	}
	if (fresh_total < o->min_samples) {
		out->verdict = PGD_V_INSUFFICIENT;
		return;
	}
	if (out->base.share < o->threshold) {
		out->verdict = PGD_V_NEVER_DOMINANT;
		out->severity = PGD_SEV_WARN;
		return;
	}
	/* Another callee now dominates: a refreshed profile would guard it instead. */
	if (out->fresh_hottest >= 0 && out->fresh_hottest != out->guarded &&
	    (double)s->callees[out->fresh_hottest].weight[1] / (double)fresh_total >= o->threshold) {
		out->verdict = PGD_V_FLIPPED;
		out->severity = out->fresh.share < o->threshold ? PGD_SEV_RISK : PGD_SEV_WARN;
		return;
	}
	if (out->fresh.share < o->threshold) {
		out->verdict = out->fresh.hi < o->threshold ? PGD_V_STALE : PGD_V_WEAK;
		out->severity = out->verdict == PGD_V_STALE ? PGD_SEV_RISK : PGD_SEV_WARN;
		return;
	}
	out->verdict = PGD_V_OK;
}
