// SPDX-License-Identifier: MIT
/*
 * The jobs: `sites` and `check`. Each opens its inputs, runs the stages in
 * order (profile -> edges -> binary -> sites -> drift) and turns the result
 * into a report. Everything a report points to is copied into the report's
 * arena, so the inputs are closed before returning.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "doctor.h"
#include "drift.h"
#include "edges.h"
#include "err.h"
#include "opts.h"
#include "profile.h"
#include "report.h"
#include "sites.h"

static void progress(const struct pgd_check_opts *o, const char *stage, uint64_t done,
		     uint64_t total)
{
	if (o->progress)
		o->progress(o->progress_ctx, stage, done, total);
}

static const char *dup(struct pgd_report *r, const char *s)
{
	return s ? arena_strdup(&r->arena, s) : NULL;
}

/* The inputs a job holds open; released in one place. */
struct job {
	struct pgd_binary *binary;
	struct pgd_profile **profiles;   /* [0] base for check */
	size_t nprofiles;
	struct pgd_edges *edges[PGD_SITE_MAX_SETS];
	size_t nsets;
	struct pgd_siteset sites;
};

static void job_release(struct job *j)
{
	pgd_siteset_release(&j->sites);
	for (size_t i = 0; i < PGD_SITE_MAX_SETS; i++)
		pgd_edges__free(j->edges[i]);
	for (size_t i = 0; i < j->nprofiles; i++)
		pgd_profile__close(j->profiles[i]);
	free(j->profiles);
	pgd_binary__close(j->binary);
	memset(j, 0, sizeof(*j));
}

static int open_profiles(struct job *j, const char *const *paths, size_t n,
			 const struct pgd_check_opts *o, struct pgd_err *err)
{
	j->profiles = calloc(n ? n : 1, sizeof(*j->profiles));
	if (!j->profiles)
		return pgd_err_nomem(err, NULL);
	for (size_t i = 0; i < n; i++) {
		int ret;

		progress(o, "reading profiles", i, n);
		ret = pgd_profile__open(paths[i], o->limits, &j->profiles[i], err);
		if (ret)
			return ret;
		j->nprofiles++;
	}
	progress(o, "reading profiles", n, n);
	return 0;
}

static int add_binary_input(struct pgd_report *r, const struct pgd_binary *b, const char *role)
{
	struct rpt_input *in = rpt_add_input(r);
	struct stat st;

	if (!in)
		return PGD_ENOMEM;
	in->role = role;
	in->path = dup(r, pgd_binary__path(b));
	in->format = "elf";
	if (!stat(pgd_binary__path(b), &st))
		in->size = (uint64_t)st.st_size;
	in->go_version = dup(r, pgd_binary__go_version(b));
	in->pgo_setting = dup(r, pgd_binary__build_setting(b, "-pgo"));
	in->main_module = dup(r, pgd_binary__main_module(b));
	in->build_id = dup(r, pgd_binary__build_id(b));
	in->arch = dup(r, pgd_binary__arch(b));
	return 0;
}

static int add_profile_input(struct pgd_report *r, const struct pgd_profile *p, const char *role,
			     int64_t edge_weight)
{
	struct rpt_input *in = rpt_add_input(r);

	if (!in)
		return PGD_ENOMEM;
	in->role = role;
	in->path = dup(r, pgd_profile__path(p));
	in->size = pgd_profile__file_size(p);
	in->format = pgd_profile__format(p) == PGD_PROFILE_PREPROFILE ? "preprofile" : "pprof";
	in->samples = pgd_profile__sample_count(p);
	in->total_value = pgd_profile__total_value(p);
	in->edge_weight = edge_weight;
	in->time_nanos = pgd_profile__time_nanos(p);
	in->duration_nanos = pgd_profile__duration_nanos(p);
	return 0;
}

/*
 * The two-sided confidence level of the Wilson interval drift.c computes
 * with z (erf(z / sqrt 2): 1.96 -> 0.95), to 4 decimals, so the report says
 * what the interval is rather than a constant.
 */
static double confidence_of(double z)
{
	return round(erf(z / sqrt(2.0)) * 1e4) / 1e4;
}

/* The run's parameters; PGD_ENOMEM when the report cannot hold them. */
static int add_common_params(struct pgd_report *r, const struct pgd_check_opts *o)
{
	struct rpt_param *p;

	if (!(p = rpt_add_param(r, "threshold")))
		return PGD_ENOMEM;
	rpt_fig_real(&p->value, o->threshold);
	if (!(p = rpt_add_param(r, "min_samples")))
		return PGD_ENOMEM;
	rpt_fig_int(&p->value, o->min_samples);
	if (!(p = rpt_add_param(r, "attribution")))
		return PGD_ENOMEM;
	rpt_fig_str(&p->value, o->attribution == PGD_ATTR_STACK ? "stack" : "compiler");
	if (!(p = rpt_add_param(r, "confidence")))
		return PGD_ENOMEM;
	rpt_fig_real(&p->value, confidence_of(o->confidence_z));
	if (!(p = rpt_add_param(r, "list_all")))
		return PGD_ENOMEM;
	rpt_fig_bool(&p->value, o->list_all);
	return 0;
}

/* Copies a site's identity, binary evidence and callees into the report. */
static int fill_site(struct pgd_report *r, struct rpt_site *rs, const struct pgd_site *s,
		     size_t nsets)
{
	rs->caller = dup(r, s->caller);
	rs->offset = s->offset;
	rs->method = dup(r, s->method);
	rs->file = dup(r, s->file);
	rs->line = s->line;
	rs->kind = pgd_site_kind_name(s->kind);
	rs->iface = dup(r, s->iface);
	rs->guard_checked = 1;
	rs->binary_guard = dup(r, s->binary_guard);
	rs->ncalls_direct = s->ndirect;
	rs->ncalls_indirect = s->nindirect;
	rs->base_weight = s->total[0];
	rs->fresh_weight = nsets > 1 ? s->total[1] : 0;
	rs->callees = arena_calloc(&r->arena, s->ncallees ? s->ncallees : 1, sizeof(*rs->callees));
	if (!rs->callees)
		return PGD_ENOMEM;
	rs->ncallees = s->ncallees;
	for (size_t i = 0; i < s->ncallees; i++) {
		struct rpt_callee *c = &rs->callees[i];

		c->name = dup(r, s->callees[i].name);
		c->type = dup(r, s->callees[i].recv_type);
		c->base_weight = s->callees[i].weight[0];
		c->base_share = s->total[0] ? (double)c->base_weight / (double)s->total[0] : 0;
		if (nsets > 1) {
			c->fresh_weight = s->callees[i].weight[1];
			c->fresh_share = s->total[1] ? (double)c->fresh_weight / (double)s->total[1] : 0;
		}
	}
	return 0;
}

/* Callees by base weight desc, then fresh weight desc, then name. */
static int cmp_callee(const void *a, const void *b)
{
	const struct rpt_callee *x = a, *y = b;

	if (x->base_weight != y->base_weight)
		return x->base_weight > y->base_weight ? -1 : 1;
	if (x->fresh_weight != y->fresh_weight)
		return x->fresh_weight > y->fresh_weight ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int cmp_key(const struct rpt_site *x, const struct rpt_site *y)
{
	int c = strcmp(x->caller, y->caller);

	if (c)
		return c;
	if (x->offset != y->offset)
		return x->offset < y->offset ? -1 : 1;
	if (!x->method || !y->method)
		return x->method ? 1 : (y->method ? -1 : strcmp(x->kind, y->kind));
	c = strcmp(x->method, y->method);
	return c ? c : strcmp(x->kind, y->kind);
}

/* Findings rank by estimated cost; the site key makes the order total. */
static int cmp_cost(const void *a, const void *b)
{
	const struct rpt_site *x = a, *y = b;

	if (x->severity != y->severity)
		return x->severity > y->severity ? -1 : 1;
	if (x->cost != y->cost)
		return x->cost > y->cost ? -1 : 1;
	return cmp_key(x, y);
}

static int cmp_weight(const void *a, const void *b)
{
	const struct rpt_site *x = a, *y = b;

	if (x->base_weight != y->base_weight)
		return x->base_weight > y->base_weight ? -1 : 1;
	return cmp_key(x, y);
}

/* Stack attribution needs stacks; a GO PREPROFILE V1 input keeps only edges. */
static int note_stackless_inputs(struct pgd_report *r, const struct job *j,
				 const struct pgd_check_opts *o)
{
	if (o->attribution != PGD_ATTR_STACK)
		return 0;
	for (size_t i = 0; i < j->nprofiles; i++) {
		const char *path = pgd_profile__path(j->profiles[i]);
		char *note;

		if (pgd_profile__format(j->profiles[i]) != PGD_PROFILE_PREPROFILE)
			continue;
		note = arena_printf(&r->arena, "%s is a GO PREPROFILE V1 file, which keeps no stacks: "
				    "its weights are the compiler's two-frame edges", path);
		if (!note || rpt_add_note(r, note))
			return PGD_ENOMEM;
	}
	return 0;
}

static int build_edges(struct job *j, size_t first, size_t n, enum pgd_attribution attr,
		       size_t slot, struct pgd_err *err)
{
	int ret = pgd_edges__build(j->profiles + first, n, attr, &j->edges[slot], err);

	if (!ret && slot + 1 > j->nsets)
		j->nsets = slot + 1;
	return ret;
}

int pgd_sites__run(const char *binary_path, const char *const *profile_paths, size_t nprofiles,
		   const struct pgd_check_opts *opts, struct pgd_report **out,
		   struct pgd_err *err)
{
	struct pgd_check_opts o;
	struct job j = { 0 };
	struct pgd_report *r = NULL;
	int ret;

	*out = NULL;
	if ((ret = pgd_check_opts_resolve(opts, &o, err)))   /* opts.h */
		return ret;
	if (!binary_path || !nprofiles)
		return pgd_err_set(err, PGD_EUSAGE, NULL, "sites needs a binary and a profile");
	ret = open_profiles(&j, profile_paths, nprofiles, &o, err);
	if (ret)
		goto out;
	progress(&o, "reading binary", 0, 0);
	ret = pgd_binary__open(binary_path, o.limits, &j.binary, err);
	if (ret)
		goto out;
	ret = build_edges(&j, 0, nprofiles, o.attribution, 0, err);
	if (ret)
		goto out;
	progress(&o, "mapping call sites", 0, 0);
	ret = pgd_sites_build(j.binary, (const struct pgd_edges *const *)j.edges, 1, 0, &j.sites, err);
	if (ret)
		goto out;

	r = rpt_new(RPT_SITES);
	if (!r) {
		ret = pgd_err_nomem(err, NULL);
		goto out;
	}
	ret = add_binary_input(r, j.binary, "binary");
	for (size_t i = 0; i < j.nprofiles && !ret; i++)
		ret = add_profile_input(r, j.profiles[i], "profile", 0);
	if (ret)
		goto nomem;
	if (j.nprofiles == 1)
		r->inputs[1].edge_weight = pgd_edges__total_weight(j.edges[0]);
	if (add_common_params(r, &o))
		goto nomem;
	{
		int64_t total = pgd_edges__total_weight(j.edges[0]);
		int64_t per_kind[PGD_SITE_MISSING_FUNCTION + 1] = { 0 };
		struct rpt_figure *f;

		for (size_t i = 0; i < j.sites.nsites; i++) {
			const struct pgd_site *s = &j.sites.sites[i];
			struct rpt_site *rs = rpt_add_site(r);

			if (!rs || fill_site(r, rs, s, 1))
				goto nomem;
			rs->base_weight_share = total ? (double)s->total[0] / (double)total : 0;
			if (rs->ncallees)
				qsort(rs->callees, rs->ncallees, sizeof(*rs->callees), cmp_callee);
			per_kind[s->kind]++;
		}
		if (r->nsites)
			qsort(r->sites, r->nsites, sizeof(*r->sites), cmp_weight);
		if (!(f = rpt_add_summary(r, "sites")))
			goto nomem;
		rpt_fig_int(f, (int64_t)j.sites.nsites);
		for (int k = PGD_SITE_INTERFACE; k <= PGD_SITE_MISSING_FUNCTION; k++) {
			if (!(f = rpt_add_summary(r, pgd_site_kind_name(k))))
				goto nomem;
			rpt_fig_int(f, per_kind[k]);
		}
		if (!(f = rpt_add_summary(r, "edge_weight")))
			goto nomem;
		rpt_fig_int(f, total);
	}
	if (note_stackless_inputs(r, &j, &o))
		goto nomem;
	*out = r;
	r = NULL;
	goto out;
nomem:
	ret = pgd_err_nomem(err, NULL);
out:
	pgd_report__free(r);
	job_release(&j);
	return ret;
}

static const enum pgd_verdict verdict_order[] = {
	PGD_V_STALE, PGD_V_FLIPPED, PGD_V_WEAK, PGD_V_NEVER_DOMINANT, PGD_V_VANISHED,
	PGD_V_NEW_HOT_SITE, PGD_V_INSUFFICIENT, PGD_V_OK,
};

static const char *site_message(enum pgd_verdict v)
{
	switch (v) {
	case PGD_V_STALE:
		return "the guarded type no longer dominates this call: refresh default.pgo from a current production capture";
	case PGD_V_WEAK:
		return "the guarded type may no longer dominate (the interval still reaches the threshold): capture longer, then refresh default.pgo";
	case PGD_V_FLIPPED:
		return "another type now dominates this call: refresh default.pgo so the compiler guards it";
	case PGD_V_NEVER_DOMINANT:
		return "the compiler guards a type that was below the threshold already in the committed profile: the guard misses on most calls";
	case PGD_V_NEW_HOT_SITE:
		return "hot now but absent from the committed profile: refreshing default.pgo lets the compiler devirtualize it";
	case PGD_V_VANISHED:
		return "the committed profile's call site no longer maps to a call in the binary (renamed or moved code): its weight is wasted; refresh default.pgo";
	case PGD_V_INSUFFICIENT:
		return "too few samples in the fresh capture to judge this call: capture longer";
	case PGD_V_OK:
		break;
	}
	return NULL;
}

/*
 * Whether cmd/compile could devirtualize a call to callee at all:
 * shouldPGODevirt (devirtualize/pgo.go) refuses callees for which
 * inline.InlineImpossible gives a reason, and a function without a Go body
 * gives "no function body". Assembly functions (runtime.memhash's
 * aeshashbody, memeqbody) are such callees: their DWARF names a .s file.
 */
static int has_go_body(struct pgd_binary *b, const char *callee)
{
	struct pgd_err lookup_err = { 0 };
	const struct pgd_bfunc *f = pgd_binary_func(b, callee, &lookup_err);
	size_t len;

	if (!f || !f->decl_file)
		return 1;   /* unknown: assume Go, as the compiler's IR would */
	len = strlen(f->decl_file);
	return !(len > 2 && !strcmp(f->decl_file + len - 2, ".s"));
}

/*
 * A site the binary no longer has is worth reporting only if the base made
 * it a devirtualization candidate: several callees, or a receiver type some
 * interface is satisfied by (it has an itab). Direct calls that moved with a
 * refactor are not findings.
 */
static int was_candidate(const struct pgd_binary *b, const struct pgd_site *s)
{
	size_t in_base = 0;

	for (size_t i = 0; i < s->ncallees; i++) {
		if (s->callees[i].weight[0] <= 0)
			continue;
		in_base++;
		if (s->callees[i].recv_type &&
		    pgd_binary_itab_ifaces(b, s->callees[i].recv_type, NULL, 0))
			return 1;
	}
	return in_base >= 2;
}

/*
 * A renamed method leaves the call on its line but with other targets.
 * Callees reached through an itab or a func value always keep an
 * out-of-line symbol (the itab or the closure points at it), so when none
 * of the callees the base saw at a site exists any more, the base's weight
 * there is wasted just as if the call had gone.
 */
static int base_callees_gone(const struct pgd_binary *b, const struct pgd_site *s)
{
	int any = 0;

	for (size_t i = 0; i < s->ncallees; i++) {
		if (s->callees[i].weight[0] <= 0)
			continue;
		if (pgd_binary_has_symbol(b, s->callees[i].name))
			return 0;
		any = 1;
	}
	return any;
}

static void fill_share(struct rpt_share *dst, const struct pgd_share *src)
{
	dst->weight = src->weight;
	dst->total = src->total;
	dst->share = src->share;
	dst->lo = src->lo;
	dst->hi = src->hi;
	dst->present = src->total > 0;
}

int pgd_check__run(const char *binary_path, const char *base_path,
		   const char *const *fresh_paths, size_t nfresh,
		   const struct pgd_check_opts *opts, struct pgd_report **out,
		   struct pgd_err *err)
{
	struct pgd_check_opts o;
	struct job j = { 0 };
	struct pgd_report *r = NULL;
	const char **paths = NULL;
	int64_t counts[PGD_V_STALE + 1] = { 0 };
	int64_t totals[2], judged = 0;
	int pgo_build, ret;

	*out = NULL;
	if ((ret = pgd_check_opts_resolve(opts, &o, err)))   /* opts.h */
		return ret;
	if (!binary_path || !base_path || !nfresh)
		return pgd_err_set(err, PGD_EUSAGE, NULL, "check needs a binary, a base and a fresh profile");
	paths = calloc(nfresh + 1, sizeof(*paths));
	if (!paths)
		return pgd_err_nomem(err, NULL);
	paths[0] = base_path;
	memcpy(paths + 1, fresh_paths, nfresh * sizeof(*paths));
	ret = open_profiles(&j, paths, nfresh + 1, &o, err);
	if (ret)
		goto out;
	progress(&o, "reading binary", 0, 0);
	ret = pgd_binary__open(binary_path, o.limits, &j.binary, err);
	if (ret)
		goto out;
	ret = build_edges(&j, 0, 1, o.attribution, 0, err);
	if (!ret)
		ret = build_edges(&j, 1, nfresh, o.attribution, 1, err);
	if (!ret && o.attribution == PGD_ATTR_STACK)
		ret = build_edges(&j, 0, 1, PGD_ATTR_COMPILER, 2, err);
	if (ret)
		goto out;
	progress(&o, "mapping call sites", 0, 0);
	ret = pgd_sites_build(j.binary, (const struct pgd_edges *const *)j.edges, j.nsets, 1,
			      &j.sites, err);
	if (ret)
		goto out;

	r = rpt_new(RPT_CHECK);
	if (!r)
		goto nomem;
	{
		const char *pgo = pgd_binary__build_setting(j.binary, "-pgo");

		pgo_build = pgo && strcmp(pgo, "off");
	}
	totals[0] = pgd_edges__total_weight(j.edges[0]);
	totals[1] = pgd_edges__total_weight(j.edges[1]);
	if (add_binary_input(r, j.binary, "binary") ||
	    add_profile_input(r, j.profiles[0], "base", totals[0]))
		goto nomem;
	for (size_t i = 1; i < j.nprofiles; i++)
		if (add_profile_input(r, j.profiles[i], "fresh", 0))
			goto nomem;
	if (nfresh == 1)
		r->inputs[2].edge_weight = totals[1];
	if (add_common_params(r, &o))
		goto nomem;

	for (size_t i = 0; i < j.sites.nsites; i++) {
		const struct pgd_site *s = &j.sites.sites[i];
		struct pgd_site_drift d;
		struct rpt_site *rs;

		progress(&o, "judging sites", i, j.sites.nsites);
		pgd_drift_judge(s, j.nsets, &o, &d);
		if ((s->kind == PGD_SITE_INTERFACE || s->kind == PGD_SITE_FUNC_VALUE) &&
		    base_callees_gone(j.binary, s)) {
			d.verdict = PGD_V_VANISHED;
			d.severity = PGD_SEV_WARN;
			d.cost = 0;
		}
		/* Direct calls are not devirtualization sites: nothing to judge. */
		if (s->kind == PGD_SITE_DIRECT)
			continue;
		if (s->kind == PGD_SITE_NONE || s->kind == PGD_SITE_MISSING_FUNCTION) {
			if (d.verdict != PGD_V_VANISHED || !was_candidate(j.binary, s))
				continue;
		} else {
			/* The callee the compiler would devirtualize to, now or after a refresh. */
			int target = d.guarded >= 0 ? d.guarded : d.fresh_hottest;

			if (target >= 0 && !has_go_body(j.binary, s->callees[target].name))
				continue;
		}
		counts[d.verdict]++;
		judged++;
		if (d.severity == PGD_SEV_NONE && !o.list_all)
			continue;
		rs = rpt_add_site(r);
		if (!rs || fill_site(r, rs, s, 2))
			goto nomem;
		rs->verdict = pgd_verdict_name(d.verdict);
		rs->severity = d.severity;
		rs->message = site_message(d.verdict);
		/*
		 * The binary is the truth: in a PGO build with no guard at the
		 * site, the stale profile costs nothing there today (the
		 * compiler had no IR for the callee, or, as with Go 1.23.5, the
		 * guard was lost when the caller was inlined elsewhere).
		 */
		if (pgo_build && !s->binary_guard && d.severity > PGD_SEV_INFO &&
		    (d.verdict == PGD_V_STALE || d.verdict == PGD_V_WEAK ||
		     d.verdict == PGD_V_FLIPPED || d.verdict == PGD_V_NEVER_DOMINANT)) {
			rs->severity = PGD_SEV_INFO;
			rs->message = "no devirtualization guard at this call in the binary, so nothing misses today; a refreshed profile may add one";
		}
		if (d.guarded >= 0) {
			rs->guarded = rs->callees[d.guarded].name;
			rs->guarded_type = rs->callees[d.guarded].type;
		}
		if (d.fresh_hottest >= 0)
			rs->fresh_hottest = rs->callees[d.fresh_hottest].name;
		fill_share(&rs->base, &d.base);
		fill_share(&rs->fresh, &d.fresh);
		rs->base_weight_share = totals[0] ? (double)s->total[0] / (double)totals[0] : 0;
		rs->fresh_weight_share = totals[1] ? (double)s->total[1] / (double)totals[1] : 0;
		rs->cost = d.cost;
		/* Sorting callees moves them: take names first (above), then sort. */
		if (rs->ncallees)
			qsort(rs->callees, rs->ncallees, sizeof(*rs->callees), cmp_callee);
	}
	progress(&o, "judging sites", j.sites.nsites, j.sites.nsites);
	if (r->nsites)
		qsort(r->sites, r->nsites, sizeof(*r->sites), cmp_cost);
	{
		int64_t findings = 0;

		for (size_t i = 0; i < PGD_ARRAY_SIZE(verdict_order); i++) {
			struct rpt_figure *f = rpt_add_summary(r, pgd_verdict_name(verdict_order[i]));

			if (!f)
				goto nomem;
			rpt_fig_int(f, counts[verdict_order[i]]);
			if (verdict_order[i] != PGD_V_OK && verdict_order[i] != PGD_V_INSUFFICIENT)
				findings += counts[verdict_order[i]];
		}
		rpt_fig_int(rpt_add_summary(r, "sites_judged"), judged);
		rpt_fig_int(rpt_add_summary(r, "findings"), findings);
		rpt_fig_str(rpt_add_summary(r, "worst_severity"),
			    rpt_severity_name(pgd_report__worst_severity(r)));
	}
	{
		struct pgd_doctor_opts dopts;

		pgd_doctor_opts__init(&dopts);
		dopts.check = &o;
		dopts.now_unix = o.now_unix;
		ret = pgd_doctor_profile_checks(r, j.profiles, j.nprofiles, &dopts, err);
		if (ret)
			goto out;
	}
	if (note_stackless_inputs(r, &j, &o))
		goto nomem;
	*out = r;
	r = NULL;
	goto out;
nomem:
	ret = pgd_err_nomem(err, NULL);
out:
	pgd_report__free(r);
	job_release(&j);
	free(paths);
	return ret;
}
