// SPDX-License-Identifier: MIT
/*
 * The `sites` job: every call site the profiles mention, classified
 * through the binary (profile -> edges -> binary -> sites), heaviest first.
 */
#include <stdlib.h>

#include "err.h"
#include "job.h"
#include "opts.h"

static int cmp_weight(const void *a, const void *b)
{
	const struct rpt_site *x = a, *y = b;

	if (x->base_weight != y->base_weight)
		return x->base_weight > y->base_weight ? -1 : 1;
	return pgd_job_cmp_key(x, y);
}

int pgd_sites__run(const char *binary_path, const char *const *profile_paths, size_t nprofiles,
		   const struct pgd_check_opts *opts, struct pgd_report **out,
		   struct pgd_err *err)
{
	struct pgd_check_opts o;
	struct pgd_job j = { 0 };
	struct pgd_report *r = NULL;
	int ret;

	*out = NULL;
	if ((ret = pgd_check_opts_resolve(opts, &o, err)))   /* opts.h */
		return ret;
	if (!binary_path || !nprofiles)
		return pgd_err_set(err, PGD_EUSAGE, NULL, "sites needs a binary and a profile");
	ret = pgd_job_open_profiles(&j, profile_paths, nprofiles, &o, err);
	if (ret)
		goto out;
	pgd_job_progress(&o, "reading binary", 0, 0);
	ret = pgd_binary__open(binary_path, o.limits, &j.binary, err);
	if (ret)
		goto out;
	ret = pgd_job_build_edges(&j, 0, nprofiles, o.attribution, 0, err);
	if (ret)
		goto out;
	pgd_job_progress(&o, "mapping call sites", 0, 0);
	ret = pgd_sites_build(j.binary, (const struct pgd_edges *const *)j.edges, 1, 0, &j.sites, err);
	if (ret)
		goto out;

	r = pgd_rpt_new(RPT_SITES);
	if (!r) {
		ret = pgd_err_nomem(err, NULL);
		goto out;
	}
	ret = pgd_job_add_binary_input(r, j.binary, "binary");
	for (size_t i = 0; i < j.nprofiles && !ret; i++)
		ret = pgd_job_add_profile_input(r, j.profiles[i], "profile", 0);
	if (ret)
		goto nomem;
	if (j.nprofiles == 1)
		r->inputs[1].edge_weight = pgd_edges__total_weight(j.edges[0]);
	if (pgd_job_add_common_params(r, &o))
		goto nomem;
	{
		int64_t total = pgd_edges__total_weight(j.edges[0]);
		int64_t per_kind[PGD_SITE_ASSEMBLY + 1] = { 0 };
		struct rpt_figure *f;

		for (size_t i = 0; i < j.sites.nsites; i++) {
			const struct pgd_site *s = &j.sites.sites[i];
			struct rpt_site *rs = pgd_rpt_add_site(r);

			if (!rs || pgd_job_fill_site(r, rs, s, 1))
				goto nomem;
			rs->base_weight_share = total ? (double)s->total[0] / (double)total : 0;
			if (rs->ncallees)
				qsort(rs->callees, rs->ncallees, sizeof(*rs->callees), pgd_job_cmp_callee);
			per_kind[s->kind]++;
		}
		if (r->nsites)
			qsort(r->sites, r->nsites, sizeof(*r->sites), cmp_weight);
		if (!(f = pgd_rpt_add_summary(r, "sites")))
			goto nomem;
		pgd_rpt_fig_int(f, (int64_t)j.sites.nsites);
		for (int k = PGD_SITE_INTERFACE; k <= PGD_SITE_ASSEMBLY; k++) {
			if (!(f = pgd_rpt_add_summary(r, pgd_site_kind_name(k))))
				goto nomem;
			pgd_rpt_fig_int(f, per_kind[k]);
		}
		if (!(f = pgd_rpt_add_summary(r, "edge_weight")))
			goto nomem;
		pgd_rpt_fig_int(f, total);
	}
	if (pgd_job_note_stackless_inputs(r, &j, &o) || pgd_job_note_binary(r, &j))
		goto nomem;
	*out = r;
	r = NULL;
	goto out;
nomem:
	ret = pgd_err_nomem(err, NULL);
out:
	pgd_report__free(r);
	pgd_job_release(&j);
	return ret;
}

