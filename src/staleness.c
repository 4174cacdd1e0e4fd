// SPDX-License-Identifier: MIT
/* The staleness score: formulas and their source in staleness.h. */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "report.h"
#include "staleness.h"
#include "strbuf.h"

double pgd_site_overlap(const struct pgd_site *s)
{
	double sum = 0;

	if (s->total[0] <= 0 || s->total[1] <= 0)
		return 0;
	for (size_t i = 0; i < s->ncallees; i++) {
		double pb = (double)s->callees[i].weight[0] / (double)s->total[0];
		double pf = (double)s->callees[i].weight[1] / (double)s->total[1];

		sum += pb < pf ? pb : pf;
	}
	return sum > 1 ? 1 : sum;
}

void pgd_staleness_site(struct pgd_staleness *st, const struct pgd_site *s, enum pgd_verdict v)
{
	int64_t b = s->total[0] > 0 ? s->total[0] : 0;

	if (b > INT64_MAX - st->base_candidates)
		return;   /* weights past int64 are refused by edges; stay safe regardless */
	st->base_candidates += b;
	if (s->kind == PGD_SITE_NONE || s->kind == PGD_SITE_MISSING_FUNCTION || v == PGD_V_VANISHED)
		st->base_unmapped += b;
}

int pgd_staleness_judged(struct pgd_staleness *st, const struct pgd_site *s, enum pgd_verdict v)
{
	if (v == PGD_V_INSUFFICIENT)
		return 0;
	if (st->n == st->alloc) {
		size_t alloc = st->alloc ? 2 * st->alloc : 64;
		void *nv = realloc(st->v, alloc * sizeof(*st->v));

		if (!nv)
			return PGD_ENOMEM;
		st->v = nv;
		st->alloc = alloc;
	}
	st->v[st->n].b = s->total[0] > 0 ? s->total[0] : 0;
	st->v[st->n].f = s->total[1] > 0 ? s->total[1] : 0;
	st->v[st->n].overlap = pgd_site_overlap(s);
	st->n++;
	return 0;
}

void pgd_staleness_score(const struct pgd_staleness *st, double *overlap, double *unmapped,
			 int64_t *nsites)
{
	double B = 0, F = 0, num = 0, den = 0;

	for (size_t i = 0; i < st->n; i++) {
		B += (double)st->v[i].b;
		F += (double)st->v[i].f;
	}
	for (size_t i = 0; i < st->n; i++) {
		double w = ((B > 0 ? st->v[i].b / B : 0) + (F > 0 ? st->v[i].f / F : 0)) / 2;

		num += w * st->v[i].overlap;
		den += w;
	}
	*overlap = den > 0 ? num / den : 1;
	*unmapped = st->base_candidates > 0 ?
		(double)st->base_unmapped / (double)st->base_candidates : 0;
	*nsites = (int64_t)st->n;
}

int pgd_staleness_summarize(const struct pgd_staleness *st, struct pgd_report *r)
{
	struct rpt_figure *f[4];
	double overlap, unmapped;
	int64_t n;

	pgd_staleness_score(st, &overlap, &unmapped, &n);
	f[0] = pgd_rpt_add_summary(r, "staleness");
	f[1] = pgd_rpt_add_summary(r, "overlap");
	f[2] = pgd_rpt_add_summary(r, "unmapped_base_share");
	f[3] = pgd_rpt_add_summary(r, "staleness_sites");
	if (!f[0] || !f[1] || !f[2] || !f[3])
		return PGD_ENOMEM;
	/* Nothing judged: no score, rather than a perfect one. */
	if (n) {
		pgd_rpt_fig_real(f[0], 1 - overlap);
		pgd_rpt_fig_real(f[1], overlap);
	} else {
		pgd_rpt_fig_str(f[0], NULL);
		pgd_rpt_fig_str(f[1], NULL);
	}
	pgd_rpt_fig_real(f[2], unmapped);
	pgd_rpt_fig_int(f[3], n);
	return 0;
}

void pgd_staleness_release(struct pgd_staleness *st)
{
	free(st->v);
	memset(st, 0, sizeof(*st));
}

int pgd_report__staleness(const struct pgd_report *r, double *staleness)
{
	for (size_t i = 0; r && i < r->nsummary; i++)
		if (!strcmp(r->summary[i].key, "staleness") && r->summary[i].type == FIG_REAL) {
			*staleness = r->summary[i].r;
			return 0;
		}
	return -1;
}

static const struct rpt_figure *summary_fig(const struct pgd_report *r, const char *key)
{
	for (size_t i = 0; i < r->nsummary; i++)
		if (!strcmp(r->summary[i].key, key))
			return &r->summary[i];
	return NULL;
}

int pgd_staleness_line(const struct pgd_report *r, struct strbuf *sb)
{
	const struct rpt_figure *st = summary_fig(r, "staleness");
	const struct rpt_figure *un = summary_fig(r, "unmapped_base_share");
	const struct rpt_figure *n = summary_fig(r, "staleness_sites");

	if (!st || !un || !n)
		return 1;   /* not a check report, or one from before the score */
	if (st->type != FIG_REAL)
		return pgd_strbuf_addf(sb, "staleness: none (no site had enough fresh samples); "
				   "%.0f%% of the base's candidate weight no longer maps", 100 * un->r);
	return pgd_strbuf_addf(sb, "staleness %.0f%%: callee distributions overlap %.0f%% at %lld judged "
			   "site%s; %.0f%% of the base's candidate weight no longer maps",
			   100 * st->r, 100 * (1 - st->r), (long long)n->i, n->i == 1 ? "" : "s",
			   100 * un->r);
}

int pgd_staleness_doctor(struct pgd_report *doctor, const struct pgd_doctor_opts *given,
			 struct pgd_err *err)
{
	static const char *const keys[] = { "staleness", "overlap", "unmapped_base_share",
					    "staleness_sites" };
	struct pgd_report *chk = NULL;
	int ret;

	if (!given->binary_path || !given->base_path || !given->nfresh)
		return 0;   /* the score needs the binary to map sites */
	ret = pgd_check__run(given->binary_path, given->base_path, given->fresh_paths, given->nfresh,
			     given->check, &chk, err);
	for (size_t k = 0; !ret && k < PGD_ARRAY_SIZE(keys); k++) {
		const struct rpt_figure *src = summary_fig(chk, keys[k]);
		struct rpt_figure *dst;

		if (!src)
			continue;
		if (!(dst = pgd_rpt_add_summary(doctor, keys[k])))
			ret = pgd_err_nomem(err, "");
		else if (src->type == FIG_REAL)
			pgd_rpt_fig_real(dst, src->r);
		else if (src->type == FIG_INT)
			pgd_rpt_fig_int(dst, src->i);
		else
			pgd_rpt_fig_str(dst, NULL);
	}
	pgd_report__free(chk);
	return ret;
}
