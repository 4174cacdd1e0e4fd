// SPDX-License-Identifier: MIT
/*
 * The `check` job: opens its inputs, runs the stages in order (profile ->
 * edges -> binary -> sites -> drift) and turns the verdicts into a report.
 * What it shares with the `sites` job (sites_job.c) is in job.c.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "doctor.h"
#include "drift.h"
#include "edges.h"
#include "inlining.h"
#include "check_facts.h"
#include "err.h"
#include "goname.h"
#include "job.h"
#include "opts.h"
#include "profile.h"
#include "report.h"
#include "sites.h"
#include "staleness.h"
#include "strbuf.h"

/* Findings rank by estimated cost; the site key makes the order total. */
static int cmp_cost(const void *a, const void *b)
{
	const struct rpt_site *x = a, *y = b;

	if (x->severity != y->severity)
		return x->severity > y->severity ? -1 : 1;
	if (x->cost != y->cost)
		return x->cost > y->cost ? -1 : 1;
	return pgd_job_cmp_key(x, y);
}

static const enum pgd_verdict verdict_order[] = {
	PGD_V_STALE, PGD_V_FLIPPED, PGD_V_WEAK, PGD_V_NEVER_DOMINANT, PGD_V_VANISHED,
	PGD_V_NEW_HOT_SITE, PGD_V_INSUFFICIENT, PGD_V_OK,
};

static void fill_share(struct rpt_share *dst, const struct pgd_share *src)
{
	dst->weight = src->weight;
	dst->total = src->total;
	dst->share = src->share;
	dst->lo = src->lo;
	dst->hi = src->hi;
	dst->present = src->total > 0;
}

/* What the run saw, for the outcome. */
struct tally {
	int64_t counts[PGD_V_STALE + 1];
	int64_t judged, findings;
	int64_t enough;           /* indirect sites with at least --min-samples fresh samples */
	int64_t predicted;        /* PGO build: sites where the base's rules predict a guard */
	int64_t disagree;         /* ... and the binary guards another callee or nothing */
	struct pgd_staleness st;  /* the staleness score's sums (staleness.h) */
};

/* The site as a listed report row; names are taken before callees are sorted. */
static int list_site(struct pgd_report *r, const struct pgd_site *s, const struct pgd_site_drift *d,
		     const int64_t totals[2])
{
	struct rpt_site *rs = pgd_rpt_add_site(r);

	if (!rs || pgd_job_fill_site(r, rs, s, 2))
		return PGD_ENOMEM;
	rs->verdict = pgd_verdict_name(d->verdict);
	rs->severity = d->severity;
	rs->message = d->message;
	if (d->guarded >= 0) {
		rs->guarded = rs->callees[d->guarded].name;
		rs->guarded_type = rs->callees[d->guarded].type;
	} else if (d->guard) {
		/* the binary guards a type the base never saw at this call */
		rs->guarded_type = pgd_job_dup(r, d->guard);
	}
	/* The mirrored choice, beside the binary's truth when they differ. */
	if (d->mirrored >= 0 && d->mirrored != d->guarded)
		rs->mirrored = rs->callees[d->mirrored].name;
	else if (d->mirrored < 0 && d->guard_in_binary)
		rs->mirrored = "none";
	rs->no_guard_reason = d->guard ? NULL : pgd_no_guard_name(d->mirrored_why);
	if (d->fresh_hottest >= 0)
		rs->fresh_hottest = rs->callees[d->fresh_hottest].name;
	fill_share(&rs->base, &d->base);
	fill_share(&rs->fresh, &d->fresh);
	rs->base_weight_share = totals[0] ? (double)s->total[0] / (double)totals[0] : 0;
	rs->fresh_weight_share = totals[1] ? (double)s->total[1] / (double)totals[1] : 0;
	rs->cost = d->cost;
	rs->overlap = pgd_site_overlap(s);
	rs->has_overlap = s->total[0] > 0 && s->total[1] > 0;
	if (rs->ncallees)
		qsort(rs->callees, rs->ncallees, sizeof(*rs->callees), pgd_job_cmp_callee);
	return 0;
}

static void tally_site(struct tally *t, const struct pgd_site *s, const struct pgd_site_drift *d,
		       const struct pgd_check_opts *o, int pgo_build)
{
	int indirect = s->kind == PGD_SITE_INTERFACE || s->kind == PGD_SITE_FUNC_VALUE;

	t->counts[d->verdict]++;
	t->judged++;
	if (d->verdict != PGD_V_OK && d->verdict != PGD_V_INSUFFICIENT)
		t->findings++;
	if (indirect && s->total[1] >= o->min_samples)
		t->enough++;
	if (pgo_build && indirect && d->mirrored >= 0) {
		t->predicted++;
		if (!d->guard_in_binary || d->guarded != d->mirrored)
			t->disagree++;
	}
}

static int judge_sites(struct pgd_report *r, struct pgd_job *j, const struct pgd_check_opts *o,
		       int pgo_build, struct tally *t, struct pgd_err *err)
{
	struct pgd_facts_ctx fc = { .b = j->binary };
	int64_t totals[2] = { pgd_edges__total_weight(j->edges[0]), pgd_edges__total_weight(j->edges[1]) };
	int ret = 0;

	pgd_arena_init(&fc.scratch, 0);
	for (size_t i = 0; i < j->sites.nsites && !ret; i++) {
		const struct pgd_site *s = &j->sites.sites[i];
		struct pgd_site_env env = { .nsets = j->nsets, .pgo_build = pgo_build };
		struct pgd_callee_facts *facts = NULL;
		struct pgd_site_drift d;

		pgd_job_progress(o, "judging sites", i, j->sites.nsites);
		if (s->kind == PGD_SITE_DIRECT || s->kind == PGD_SITE_ASSEMBLY)
			continue;   /* not devirtualization sites: no binary facts needed */
		if ((s->kind == PGD_SITE_INTERFACE || s->kind == PGD_SITE_FUNC_VALUE) &&
		    (ret = pgd_check_site_facts(&fc, s, &facts, err)))
			break;
		env.base_facts = env.fresh_facts = facts;
		env.candidate = pgd_check_was_candidate(j->binary, s);
		env.base_callees_gone = pgd_check_base_callees_gone(j->binary, s);
		pgd_drift_judge(s, &env, o, &d);
		pgd_staleness_site(&t->st, s, d.verdict);
		if (!d.judged)
			continue;
		tally_site(t, s, &d, o, pgo_build);
		if (pgd_staleness_judged(&t->st, s, d.verdict)) {
			ret = pgd_err_nomem(err, NULL);
			break;
		}
		if (d.severity == PGD_SEV_NONE && !o->list_all)
			continue;
		if (list_site(r, s, &d, totals))
			ret = pgd_err_nomem(err, NULL);
	}
	pgd_job_progress(o, "judging sites", j->sites.nsites, j->sites.nsites);
	pgd_arena_release(&fc.scratch);
	return ret;
}

static int add_summary(struct pgd_report *r, const struct tally *t)
{
	struct rpt_figure *f;

	for (size_t i = 0; i < PGD_ARRAY_SIZE(verdict_order); i++) {
		if (!(f = pgd_rpt_add_summary(r, pgd_verdict_name(verdict_order[i]))))
			return PGD_ENOMEM;
		pgd_rpt_fig_int(f, t->counts[verdict_order[i]]);
	}
	if (!(f = pgd_rpt_add_summary(r, "sites_judged")))
		return PGD_ENOMEM;
	pgd_rpt_fig_int(f, t->judged);
	if (!(f = pgd_rpt_add_summary(r, "findings")))
		return PGD_ENOMEM;
	pgd_rpt_fig_int(f, t->findings);
	/* the value is set by finish_summary, once warnings and inlining are in */
	if (!(f = pgd_rpt_add_summary(r, "worst_severity")))
		return PGD_ENOMEM;
	pgd_rpt_fig_str(f, pgd_rpt_severity_name(PGD_SEV_NONE));
	return pgd_staleness_summarize(&t->st, r);
}

/*
 * worst_severity over everything the report holds: the sites, the
 * warnings pgd_doctor_check_checks adds and the inlining block, the same
 * answer pgd_report__worst_severity (and so --fail-on) gives.
 */
static void finish_summary(struct pgd_report *r)
{
	for (size_t i = 0; i < r->nsummary; i++)
		if (!strcmp(r->summary[i].key, "worst_severity"))
			pgd_rpt_fig_str(&r->summary[i], pgd_rpt_severity_name(pgd_report__worst_severity(r)));
}

/* ---- which build a capture came from ---------------------------------------- */

/*
 * runtime/pprof records the main binary's build ID in its mapping
 * (Mapping.build_id): Go 1.24+ linkers write a GNU build ID, which is what
 * it reads; older captures carry none.
 */
static const char *captured_from(const struct pgd_profile *p, const struct pgd_binary *b,
				 const char *gnu, const char **mapping_id)
{
	const char *id = NULL;

	*mapping_id = NULL;
	for (uint32_t i = 0; i < p->nmappings && !id; i++)
		if (p->mappings[i].build_id && p->mappings[i].build_id[0])
			id = p->mappings[i].build_id;
	*mapping_id = id;
	if (!id)
		return "cannot tell";
	if ((gnu && !strcmp(id, gnu)) ||
	    (pgd_binary__build_id(b) && !strcmp(id, pgd_binary__build_id(b))))
		return "this binary";
	return "another build";
}

/*
 * Whether each function of a capture is in the binary: a symbol, or (a
 * build that inlines differently, as a PGO build does) DWARF copies.
 */
static unsigned char *functions_present(const struct pgd_profile *p, struct pgd_binary *b)
{
	unsigned char *present = calloc(p->nfunctions ? p->nfunctions : 1, 1);

	for (uint32_t i = 0; present && i < p->nfunctions; i++) {
		const char *name = p->functions[i].name;
		struct pgd_err e = { 0 };

		present[i] = !name[0] || pgd_binary_has_symbol(b, name) ||
			     pgd_binary_has_inlined_copy(b, name, &e) == 1 || pgd_binary_func(b, name, &e) ||
			     pgd_binary_generic_alias(b, name);
	}
	return present;
}

/* Share of a capture's CPU whose stack runs through a function this binary lacks; -1 on OOM. */
static double unmapped_share(struct pgd_profile *const *ps, size_t n, struct pgd_binary *b)
{
	int64_t total = 0, missing = 0;

	for (size_t k = 0; k < n; k++) {
		const struct pgd_profile *p = ps[k];
		unsigned char *present = functions_present(p, b);

		if (!present)
			return -1;
		for (uint32_t i = 0; i < p->nsamples; i++) {
			const struct pgd_sample *sm = &p->samples[i];
			int foreign = 0;

			if (sm->value <= 0)
				continue;
			total += sm->value;
			for (uint32_t l = 0; l < sm->nlocations && !foreign; l++) {
				const struct pgd_location *loc = &p->locations[sm->locations[l]];

				for (uint32_t f = 0; f < loc->nlines && !foreign; f++)
					foreign = loc->lines[f].function < p->nfunctions &&
						  !present[loc->lines[f].function];
			}
			if (foreign)
				missing += sm->value;
		}
		free(present);
	}
	return total ? (double)missing / (double)total : 0;
}

/* 1 when two files have the same bytes, 0 when not, -1 when one cannot be read. */
static int same_file(const char *a, const char *b)
{
	struct strbuf x = STRBUF_INIT, y = STRBUF_INIT;
	struct stat sa, sb;
	int ret = -1;

	if (stat(a, &sa) || stat(b, &sb))
		return -1;
	if (sa.st_size != sb.st_size)
		return 0;
	pgd_strbuf_init(&x, 1u << 30);
	pgd_strbuf_init(&y, 1u << 30);
	if (!pgd_strbuf_read_file(&x, a) && !pgd_strbuf_read_file(&y, b))
		ret = x.len == y.len && !memcmp(x.buf, y.buf, x.len);
	pgd_strbuf_release(&x);
	pgd_strbuf_release(&y);
	return ret;
}

static int record_captures(struct pgd_report *r, struct pgd_job *j)
{
	const char *gnu = pgd_binary_gnu_build_id(j->binary);

	r->inputs[0].gnu_build_id = pgd_job_dup(r, gnu);
	for (size_t i = 0; i < j->nprofiles; i++) {
		struct rpt_input *in = &r->inputs[1 + i];
		const char *id;

		in->captured_from = captured_from(j->profiles[i], j->binary, gnu, &id);
		in->mapping_build_id = pgd_job_dup(r, id);
		if (id && !in->mapping_build_id)
			return PGD_ENOMEM;
	}
	return 0;
}

/* ---- the outcome ------------------------------------------------------------ */

static int reasonf(struct pgd_report *r, const char *id, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int reasonf(struct pgd_report *r, const char *id, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return pgd_rpt_add_reason(r, id, buf);
}

static int repeated_inputs(struct pgd_report *r, const char *const *paths, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		for (size_t k = 0; k < i; k++) {
			if (same_file(paths[i], paths[k]) != 1)
				continue;
			if (reasonf(r, "fresh-repeats-input",
				    "--fresh %s has the same content as %s %s: it says nothing new about production",
				    paths[i], k ? "--fresh" : "--base", paths[k]))
				return PGD_ENOMEM;
			break;
		}
	}
	return 0;
}

static int inconclusive_reasons(struct pgd_report *r, struct pgd_job *j, const char *const *paths,
				const struct pgd_check_opts *o, const struct tally *t, int pgo_build)
{
	double unmapped = unmapped_share(j->profiles + 1, j->nprofiles - 1, j->binary);
	const char *from = r->inputs[2].captured_from;

	if (unmapped < 0)
		return PGD_ENOMEM;
	if (!t->enough &&
	    reasonf(r, "no-site-reached-min-samples",
		    "no indirect call site has %lld fresh samples (--min-samples): nothing was judged; capture longer",
		    (long long)o->min_samples))
		return PGD_ENOMEM;
	if (unmapped > 0.5 &&
	    reasonf(r, "fresh-not-this-program",
		    "%.0f%% of the fresh capture's CPU is in functions this binary does not have (%s): "
		    "a capture of another program or of a much older build",
		    unmapped * 100, from && !strcmp(from, "another build") ?
		    "its build ID names another build" : "the capture names no build ID"))
		return PGD_ENOMEM;
	if (repeated_inputs(r, paths, j->nprofiles))
		return PGD_ENOMEM;
	/* Most guards the base predicts are not the ones that shipped: not built from --base. */
	if (pgo_build && t->predicted >= 3 && t->disagree * 2 > t->predicted &&
	    reasonf(r, "binary-not-built-from-base",
		    "the binary's guards differ from what --base predicts at %lld of %lld guarded sites: "
		    "it was built from -pgo=%s, not from --base",
		    (long long)t->disagree, (long long)t->predicted,
		    pgd_binary__build_setting(j->binary, "-pgo")))
		return PGD_ENOMEM;
	return 0;
}

/* ---- what to do, from the binary's health and the verdicts --------------------- */

static const struct rpt_finding *warning(const struct pgd_report *r, const char *id)
{
	for (size_t i = 0; i < r->nfindings; i++)
		if (!strcmp(r->findings[i].id, id))
			return &r->findings[i];
	return NULL;
}

static int add_advice(struct pgd_report *r, const struct tally *t, int pgo_build)
{
	const struct rpt_finding *race = warning(r, "race-build");
	int stale = t->counts[PGD_V_STALE] + t->counts[PGD_V_WEAK] + t->counts[PGD_V_FLIPPED] +
		    t->counts[PGD_V_VANISHED] + t->counts[PGD_V_NEW_HOT_SITE] > 0;
	int ret = 0;

	if (!pgo_build)
		ret = pgd_rpt_add_advice(r, "build with -pgo: this binary was built without PGO, so no call "
				     "is devirtualized (put default.pgo next to the main package, or pass "
				     "-pgo=PATH)");
	else if (warning(r, "build-settings"))
		ret = pgd_rpt_add_advice(r, "rebuild from the committed profile: the binary was built from "
				     "another one, so its guards do not come from --base");
	if (!ret && race)
		ret = pgd_rpt_add_advice(r, "drop -race (and -gcflags -l/-N) from the build you ship and "
				     "profile: they change what is inlined and guarded");
	if (!ret && r->outcome == PGD_OUTCOME_INCONCLUSIVE)
		ret = pgd_rpt_add_advice(r, "get a usable capture first: see the reasons; nothing here says "
				     "the committed profile is fine");
	else if (!ret && pgo_build && stale)
		ret = pgd_rpt_add_advice(r, "refresh default.pgo: capture a CPU profile from production, "
				     "commit it next to the main package, and rebuild");
	else if (!ret && !pgo_build && stale)
		ret = pgd_rpt_add_advice(r, "capture a current production profile before building with "
				     "-pgo: the committed one no longer matches these calls");
	return ret ? PGD_ENOMEM : 0;
}

/*
 * Inlining drift (inlining.c), always from the compiler's view of both
 * profiles: hotNodesFromCDF reads the compiler's edges whatever
 * --attribution says.
 */
static int check_inlining(struct pgd_report *r, struct pgd_job *j, const struct pgd_check_opts *o,
			  size_t nfresh, struct pgd_err *err)
{
	struct pgd_edges *fresh = NULL;
	int stack = o->attribution == PGD_ATTR_STACK, ret;

	if (stack && (ret = pgd_edges__build(j->profiles + 1, nfresh, PGD_ATTR_COMPILER, &fresh, err)))
		return ret;
	ret = pgd_inlining_run(r, j->edges[stack ? 2 : 0], stack ? fresh : j->edges[1], j->binary,
			       o->inlining_warn_bytes, err);
	pgd_edges__free(fresh);
	return ret;
}

/*
 * The inlining drift runs on a thread of its own while this one maps and
 * judges the sites: it needs only the edges and what binary.h lets another
 * thread read (the runtime tables, its own decoder, code bytes), and it
 * writes into a report of its own, whose member and arena the real one
 * takes over afterwards. A tenth of a big check, off the critical path.
 */
struct inlining_job {
	struct pgd_report *r;
	struct pgd_job *j;
	const struct pgd_check_opts *o;
	size_t nfresh;
	pthread_t th;
	int threaded;                 /* a thread runs it (else it ran here: no thread to be had) */
	int ret;
	struct pgd_err err;
};

static void *inlining_thread(void *arg)
{
	struct inlining_job *t = arg;

	t->ret = check_inlining(t->r, t->j, t->o, t->nfresh, &t->err);
	return NULL;
}

static int start_inlining(struct inlining_job *t, struct pgd_job *j, const struct pgd_check_opts *o,
			  size_t nfresh, struct pgd_err *err)
{
	memset(t, 0, sizeof(*t));
	t->o = o;
	if (o->no_inlining)
		return 0;
	if (!(t->r = pgd_rpt_new(RPT_CHECK)))
		return pgd_err_nomem(err, NULL);
	t->j = j;
	t->nfresh = nfresh;
	pgd_job_progress(o, "inlining drift", 0, 0);
	if (!(t->threaded = !pthread_create(&t->th, NULL, inlining_thread, t)))
		inlining_thread(t);
	return 0;
}

/* Waits for the drift; with r, r takes its result over (else it is dropped). */
static int finish_inlining(struct inlining_job *t, struct pgd_report *r, struct pgd_err *err)
{
	int ret = 0;

	if (t->threaded)
		pthread_join(t->th, NULL);
	if (r && t->o && t->o->no_inlining)
		r->inlining.skipped_why = "--no-inlining";
	if (r && t->r && t->ret) {
		*err = t->err;
		ret = t->ret;
	} else if (r && t->r) {
		r->inlining = t->r->inlining;
		pgd_arena_adopt(&r->arena, &t->r->arena);   /* t->r itself was in it: not freed */
		t->r = NULL;
	}
	pgd_report__free(t->r);
	memset(t, 0, sizeof(*t));
	return ret;
}

int pgd_check__run(const char *binary_path, const char *base_path,
		   const char *const *fresh_paths, size_t nfresh,
		   const struct pgd_check_opts *opts, struct pgd_report **out,
		   struct pgd_err *err)
{
	struct pgd_check_opts o;
	struct pgd_job j = { 0 };
	struct inlining_job ij = { 0 };
	struct pgd_report *r = NULL;
	const char **paths = NULL;
	struct tally t;
	int pgo_build, ret;

	memset(&t, 0, sizeof(t));
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
	ret = pgd_job_open_check_inputs(&j, binary_path, paths, nfresh + 1, &o, err);
	if (ret || (ret = start_inlining(&ij, &j, &o, nfresh, err)))
		goto out;
	pgd_job_progress(&o, "mapping call sites", 0, 0);
	/* Every key: a single-callee func value the compiler devirtualized is a site too. */
	ret = pgd_sites_build(j.binary, (const struct pgd_edges *const *)j.edges, j.nsets, 0,
			      &j.sites, err);
	if (ret)
		goto out;

	r = pgd_rpt_new(RPT_CHECK);
	if (!r)
		goto nomem;
	{
		const char *pgo = pgd_binary__build_setting(j.binary, "-pgo");

		pgo_build = pgo && strcmp(pgo, "off");
	}
	if (pgd_job_add_binary_input(r, j.binary, "binary") ||
	    pgd_job_add_profile_input(r, j.profiles[0], "base", pgd_edges__total_weight(j.edges[0])))
		goto nomem;
	for (size_t i = 1; i < j.nprofiles; i++)
		if (pgd_job_add_profile_input(r, j.profiles[i], "fresh", 0))
			goto nomem;
	if (nfresh == 1)
		r->inputs[2].edge_weight = pgd_edges__total_weight(j.edges[1]);
	if (record_captures(r, &j))
		goto nomem;
	if (pgd_job_add_common_params(r, &o))
		goto nomem;

	if ((ret = judge_sites(r, &j, &o, pgo_build, &t, err)))
		goto out;
	if (r->nsites)
		qsort(r->sites, r->nsites, sizeof(*r->sites), cmp_cost);
	if (add_summary(r, &t))
		goto nomem;
	{
		struct pgd_doctor_opts dopts;

		pgd_doctor_opts__init(&dopts);
		dopts.check = &o;
		dopts.now_unix = o.now_unix;
		ret = pgd_doctor_check_checks(r, j.profiles, j.nprofiles, j.binary, base_path,
					      (const struct pgd_edges *const *)j.edges, &dopts, err);
		if (ret)
			goto out;
	}
	if ((ret = finish_inlining(&ij, r, err)))
		goto out;
	finish_summary(r);
	if (inconclusive_reasons(r, &j, paths, &o, &t, pgo_build))
		goto nomem;
	r->outcome = r->nreasons ? PGD_OUTCOME_INCONCLUSIVE :
		     t.findings ? PGD_OUTCOME_FINDINGS : PGD_OUTCOME_CLEAN;
	if (add_advice(r, &t, pgo_build))
		goto nomem;
	if (pgd_job_note_stackless_inputs(r, &j, &o) || pgd_job_note_binary(r, &j))
		goto nomem;
	*out = r;
	r = NULL;
	goto out;
nomem:
	ret = pgd_err_nomem(err, NULL);
out:
	finish_inlining(&ij, NULL, NULL);   /* the thread reads the job: done before it goes */
	pgd_report__free(r);
	pgd_job_release(&j);
	free(paths);
	pgd_staleness_release(&t.st);
	return ret;
}
