// SPDX-License-Identifier: MIT
/*
 * pgodrift doctor: the check table and its driver.
 *
 * Opening inputs is where the doctor differs from check: a profile that
 * cannot be read is the first thing a capture job needs to hear about, so it
 * becomes an unusable-profile finding instead of an error. A binary or repo
 * path that cannot be read is still an error (the caller named the wrong
 * file, there is nothing to diagnose).
 */
#include "doctor.h"
#include "opts.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "err.h"
#include "staleness.h"

static int doc_unusable_profile(struct doc_ctx *c, const struct doc_check *chk, struct pgd_err *err);

/* In the order the checks run and are listed in `checks`. */
static const struct doc_check checks[] = {
	{ "unusable-profile", 0, PGD_SEV_RISK, doc_unusable_profile },
	{ "too-few-samples", DOC_NEED_PROFILE, PGD_SEV_WARN, pgd_doc_too_few_samples },
	{ "startup-dominated", DOC_NEED_PROFILE, PGD_SEV_WARN, pgd_doc_startup_dominated },
	{ "microbenchmark-profile", DOC_NEED_PROFILE, PGD_SEV_RISK, pgd_doc_microbenchmark },
	{ "distribution-skew", DOC_NEED_BASE_AND_FRESH, PGD_SEV_WARN, pgd_doc_distribution_skew },
	{ "stale-names", DOC_NEED_BINARY | DOC_NEED_BASE, PGD_SEV_WARN, pgd_doc_stale_names },
	{ "offset-drift", DOC_NEED_BINARY | DOC_NEED_BASE, PGD_SEV_WARN, pgd_doc_offset_drift },
	{ "build-settings", DOC_NEED_BINARY, PGD_SEV_RISK, pgd_doc_build_settings },
	{ "layout", DOC_NEED_REPO, PGD_SEV_WARN, pgd_doc_layout },
	{ "toolchain-skew", DOC_NEED_BINARY | DOC_NEED_BASE, PGD_SEV_WARN, pgd_doc_toolchain_skew },
	{ "profile-age", DOC_NEED_PROFILE, PGD_SEV_WARN, pgd_doc_profile_age },
	{ "race-build", DOC_NEED_BINARY, PGD_SEV_RISK, pgd_doc_race_build },
	{ "code-bloat", DOC_NEED_BINARY | DOC_NEED_COMPARE_BINARY, PGD_SEV_WARN, pgd_doc_code_bloat },
};

/* The subset `check` runs on its own profiles. */
static int is_profile_level(const struct doc_check *chk)
{
	return chk->needs == DOC_NEED_PROFILE || chk->needs == DOC_NEED_BASE_AND_FRESH;
}

/*
 * The caller's options and the check options they point to, each resolved
 * by opts.h's rule (NULL or sz 0: defaults); c->o.check then points at the
 * resolved copy, so the checks read c->o.check-> without testing for NULL.
 */
static int resolve_opts(const struct pgd_doctor_opts *in, struct doc_ctx *c, struct pgd_err *err)
{
	int ret = pgd_doctor_opts_resolve(in, &c->o, err);

	if (!ret)
		ret = pgd_check_opts_resolve(c->o.check, &c->check, err);
	c->o.check = &c->check;
	return ret;
}

/* ---- helpers shared by the check files ------------------------------------ */

struct rpt_finding *pgd_doc_finding(struct doc_ctx *c, const struct doc_check *chk,
				enum pgd_severity sev, const char *input, const char *fmt, ...)
{
	struct rpt_finding *f = pgd_rpt_add_finding(c->r);
	char buf[1024];
	va_list ap;

	if (!f)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	f->id = chk->id;
	f->severity = sev;
	f->input = input ? pgd_arena_strdup(&c->r->arena, input) : NULL;
	f->message = pgd_arena_strdup(&c->r->arena, buf);
	if ((input && !f->input) || !f->message)
		return NULL;
	return f;
}

struct rpt_item *pgd_doc_item(struct doc_ctx *c, struct rpt_finding *f, const char *name)
{
	const char *copy = pgd_arena_strdup(&c->r->arena, name ? name : "");

	return copy ? pgd_rpt_finding_item(c->r, f, copy) : NULL;
}

int pgd_doc_fig_int(struct doc_ctx *c, struct rpt_finding *f, const char *key, int64_t v)
{
	struct rpt_figure *fig = pgd_rpt_finding_figure(c->r, f, key);

	if (!fig)
		return -1;
	pgd_rpt_fig_int(fig, v);
	return 0;
}

int pgd_doc_fig_real(struct doc_ctx *c, struct rpt_finding *f, const char *key, double v)
{
	struct rpt_figure *fig = pgd_rpt_finding_figure(c->r, f, key);

	if (!fig)
		return -1;
	pgd_rpt_fig_real(fig, v);
	return 0;
}

int pgd_doc_fig_str(struct doc_ctx *c, struct rpt_finding *f, const char *key, const char *v)
{
	struct rpt_figure *fig = pgd_rpt_finding_figure(c->r, f, key);
	const char *copy = v ? pgd_arena_strdup(&c->r->arena, v) : NULL;

	if (!fig || (v && !copy))
		return -1;
	pgd_rpt_fig_str(fig, copy);
	return 0;
}

int pgd_doc_fig_bool(struct doc_ctx *c, struct rpt_finding *f, const char *key, int v)
{
	struct rpt_figure *fig = pgd_rpt_finding_figure(c->r, f, key);

	if (!fig)
		return -1;
	pgd_rpt_fig_bool(fig, v);
	return 0;
}

int pgd_doc_item_int(struct doc_ctx *c, struct rpt_item *it, const char *key, int64_t v)
{
	struct rpt_figure *fig = pgd_rpt_item_figure(c->r, it, key);

	if (!fig)
		return -1;
	pgd_rpt_fig_int(fig, v);
	return 0;
}

int pgd_doc_item_real(struct doc_ctx *c, struct rpt_item *it, const char *key, double v)
{
	struct rpt_figure *fig = pgd_rpt_item_figure(c->r, it, key);

	if (!fig)
		return -1;
	pgd_rpt_fig_real(fig, v);
	return 0;
}

int pgd_doc_item_str(struct doc_ctx *c, struct rpt_item *it, const char *key, const char *v)
{
	struct rpt_figure *fig = pgd_rpt_item_figure(c->r, it, key);
	const char *copy = v ? pgd_arena_strdup(&c->r->arena, v) : NULL;

	if (!fig || (v && !copy))
		return -1;
	pgd_rpt_fig_str(fig, copy);
	return 0;
}

int pgd_doc_item_bool(struct doc_ctx *c, struct rpt_item *it, const char *key, int v)
{
	struct rpt_figure *fig = pgd_rpt_item_figure(c->r, it, key);

	if (!fig)
		return -1;
	pgd_rpt_fig_bool(fig, v);
	return 0;
}

double pgd_doc_samples_per_value(const struct pgd_profile *p)
{
	if (p->value_type && !strcmp(p->value_type, "cpu") && p->period > 0)
		return 1.0 / (double)p->period;
	return 1.0;
}

int pgd_doc_base_edges(struct doc_ctx *c, const struct pgd_edges **out, struct pgd_err *err)
{
	int ret;

	if (c->base->edges) {
		*out = c->base->edges;
		return 0;
	}
	if (!c->base_edges) {
		ret = pgd_edges__build(c->base->profiles, c->base->n, c->o.check->attribution,
				       &c->base_edges, err);
		if (ret)
			return ret;
	}
	*out = c->base_edges;
	return 0;
}

static int cmp_str_null_first(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

static int cmp_findings(const void *pa, const void *pb)
{
	const struct rpt_finding *a = pa, *b = pb;
	int d;

	if (a->severity != b->severity)
		return a->severity > b->severity ? -1 : 1;
	if ((d = strcmp(a->id, b->id)))
		return d;
	if ((d = cmp_str_null_first(a->input, b->input)))
		return d;
	return cmp_str_null_first(a->message, b->message);
}

void pgd_doc_sort_findings(struct pgd_report *r)
{
	if (r->nfindings > 1)
		qsort(r->findings, r->nfindings, sizeof(*r->findings), cmp_findings);
}

/* ---- unusable-profile ------------------------------------------------------ */

static int doc_unusable_profile(struct doc_ctx *c, const struct doc_check *chk, struct pgd_err *err)
{
	for (size_t i = 0; i < c->nbad; i++) {
		struct rpt_finding *f = pgd_doc_finding(c, chk, chk->severity, c->bad[i].path,
						    "%s profile is unusable (%s): capture it again and "
						    "do not install it as default.pgo",
						    /* role "profile" (doctor --profile) reads "the profile" */
						    strcmp(c->bad[i].role, "profile") ? c->bad[i].role : "the",
						    c->bad[i].why);

		if (!f || pgd_doc_fig_str(c, f, "role", c->bad[i].role) ||
		    pgd_doc_fig_str(c, f, "reason", c->bad[i].why))
			return pgd_err_nomem(err, c->bad[i].path);
	}
	return 0;
}

/* ---- opening inputs ---------------------------------------------------------- */

static int add_bad(struct doc_ctx *c, const char *role, const char *path, const char *why)
{
	struct doc_bad *nb = pgd_arena_grow_for_append(&c->scratch, c->bad, c->nbad, sizeof(*nb));

	if (!nb)
		return -1;
	c->bad = nb;
	nb[c->nbad].role = role;
	nb[c->nbad].path = pgd_arena_strdup(&c->scratch, path);
	nb[c->nbad].why = pgd_arena_strdup(&c->scratch, why);
	if (!nb[c->nbad].path || !nb[c->nbad].why)
		return -1;
	c->nbad++;
	return 0;
}

static int add_profile_input(struct doc_ctx *c, const char *role, const char *path,
			     struct pgd_profile *p, struct pgd_err *err)
{
	struct rpt_input *in = pgd_rpt_add_input(c->r);
	struct pgd_edges *e = NULL;
	int ret;

	if (!in)
		return pgd_err_nomem(err, path);
	in->role = role;
	in->path = pgd_arena_strdup(&c->r->arena, path);
	if (!in->path)
		return pgd_err_nomem(err, path);
	if (!p) {
		struct stat st;

		if (!stat(path, &st))
			in->size = (uint64_t)st.st_size;
		return 0;
	}
	in->size = pgd_profile__file_size(p);
	in->format = pgd_profile__format(p) == PGD_PROFILE_PPROF ? "pprof" : "preprofile";
	in->samples = pgd_profile__sample_count(p);
	in->total_value = pgd_profile__total_value(p);
	in->time_nanos = pgd_profile__time_nanos(p);
	in->duration_nanos = pgd_profile__duration_nanos(p);
	ret = pgd_edges__build(&p, 1, c->o.check->attribution, &e, err);
	if (ret)
		return ret;
	in->edge_weight = pgd_edges__total_weight(e);
	pgd_edges__free(e);
	return 0;
}

/*
 * Opens one profile. A reader failure, or a profile that opens but that Go
 * would turn into an empty edge list, is recorded for unusable-profile and
 * *out stays NULL; only out-of-memory is an error.
 */
static int open_profile(struct doc_ctx *c, const char *role, const char *path,
			struct pgd_profile **out, struct pgd_err *err)
{
	struct pgd_err perr = { 0 };
	struct pgd_profile *p = NULL;
	const char *why = NULL;
	int ret;

	*out = NULL;
	ret = pgd_profile__open(path, c->o.check->limits, &p, &perr);
	if (ret == PGD_ENOMEM) {
		*err = perr;
		return ret;
	}
	if (ret) {
		why = perr.msg;
	} else if (p->format == PGD_PROFILE_PPROF && (!p->nsamples || !p->total_value)) {
		why = "no samples: go build would use an empty profile";
	} else if (p->format == PGD_PROFILE_PREPROFILE && !p->npre_edges) {
		why = "no edges: go build would use an empty profile";
	} else if (p->has_negative) {
		why = "negative sample values: a diff profile, not a capture";
	}
	if (why) {
		if (add_bad(c, role, path, why))
			ret = pgd_err_nomem(err, path);
		else
			ret = add_profile_input(c, role, path, NULL, err);
		pgd_profile__close(p);
		return ret;
	}
	ret = add_profile_input(c, role, path, p, err);
	if (ret) {
		pgd_profile__close(p);
		return ret;
	}
	*out = p;
	return 0;
}

static int add_binary_input(struct doc_ctx *c, const char *role, struct pgd_binary *b)
{
	struct rpt_input *in = pgd_rpt_add_input(c->r);
	struct stat st;

	if (!in)
		return -1;
	/* The binary is closed before the report is written: copy what it says. */
#define DUP(field, v)                                                    \
	do {                                                             \
		const char *v_ = (v);                                    \
		if (v_ && !(in->field = pgd_arena_strdup(&c->r->arena, v_))) \
			return -1;                                       \
	} while (0)
	in->role = role;
	in->format = "elf";
	DUP(path, pgd_binary__path(b));
	if (in->path && !stat(in->path, &st))
		in->size = (uint64_t)st.st_size;
	DUP(go_version, pgd_binary__go_version(b));
	DUP(pgo_setting, pgd_binary__build_setting(b, "-pgo"));
	DUP(main_module, pgd_binary__main_module(b));
	DUP(build_id, pgd_binary__build_id(b));
	DUP(arch, pgd_binary__arch(b));
#undef DUP
	return 0;
}

static int group_has_samples(struct pgd_profile *const *ps, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (ps[i]->format == PGD_PROFILE_PPROF && ps[i]->nsamples)
			return 1;
	return 0;
}

/* Labels a group by its members' paths: "a.pprof" or "a.pprof, b.pprof". */
static const char *group_label(struct arena *a, struct pgd_profile *const *ps, size_t n)
{
	size_t len = 1;
	char *s, *w;

	for (size_t i = 0; i < n; i++)
		len += strlen(ps[i]->path) + 2;
	s = pgd_arena_alloc(a, len);
	if (!s)
		return NULL;
	w = s;
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(ps[i]->path);

		if (i) {
			memcpy(w, ", ", 2);
			w += 2;
		}
		memcpy(w, ps[i]->path, l);
		w += l;
	}
	*w = '\0';
	return s;
}

static int add_group(struct doc_ctx *c, const char *role, struct pgd_profile *const *ps, size_t n,
		     const struct doc_group **out)
{
	struct doc_group *ng;

	if (out)
		*out = NULL;
	if (!n)
		return 0;
	ng = pgd_arena_grow_for_append(&c->scratch, c->groups, c->ngroups, sizeof(*ng));
	if (!ng)
		return -1;
	c->groups = ng;
	ng += c->ngroups;
	ng->role = role;
	ng->profiles = ps;
	ng->n = n;
	ng->has_samples = group_has_samples(ps, n);
	ng->label = group_label(&c->scratch, ps, n);
	if (!ng->label)
		return -1;
	c->ngroups++;
	return 0;
}

/* Pointers into c->groups move when it grows: resolve base/fresh at the end. */
static void find_roles(struct doc_ctx *c)
{
	c->base = c->fresh = NULL;
	for (size_t i = 0; i < c->ngroups; i++) {
		if (!strcmp(c->groups[i].role, "base"))
			c->base = &c->groups[i];
		else if (!strcmp(c->groups[i].role, "fresh"))
			c->fresh = &c->groups[i];
	}
}

static const char *skip_reason(const struct doc_ctx *c, const struct doc_check *chk,
			       const struct pgd_doctor_opts *given)
{
	unsigned n = chk->needs;

	if ((n & DOC_NEED_REPO) && !c->repo)
		return "needs --repo";
	if ((n & DOC_NEED_BINARY) && !c->bin)
		return "needs --binary";
	if ((n & DOC_NEED_COMPARE_BINARY) && !c->cmp)
		return "needs --compare-binary";
	if (n & DOC_NEED_BASE_AND_FRESH) {
		if (!given->base_path || !given->nfresh)
			return "needs --base and --fresh";
		if (!c->base || !c->fresh)
			return "base or fresh profile unusable";
		if (!c->base->has_samples || !c->fresh->has_samples)
			return "needs pprof stacks in base and fresh (a preprofile has none)";
	}
	if (n & DOC_NEED_BASE) {
		if (!given->base_path)
			return "needs --base";
		if (!c->base)
			return "base profile unusable";
	}
	if ((n & DOC_NEED_PROFILE) && !c->ngroups)
		return "no usable profile";
	return NULL;
}

static int add_params(struct doc_ctx *c)
{
	struct rpt_param *p;

#define PARAM(key, setter, v)                    \
	do {                                     \
		if (!(p = pgd_rpt_add_param(c->r, key))) \
			return -1;               \
		setter(&p->value, v);            \
	} while (0)
	PARAM("min_total_samples", pgd_rpt_fig_int, c->o.min_total_samples);
	PARAM("min_samples", pgd_rpt_fig_int, c->o.check->min_samples);
	PARAM("max_startup_share", pgd_rpt_fig_real, c->o.max_startup_share);
	PARAM("max_single_function_share", pgd_rpt_fig_real, c->o.max_single_function_share);
	PARAM("max_divergence", pgd_rpt_fig_real, c->o.max_divergence);
	PARAM("max_stale_share", pgd_rpt_fig_real, c->o.max_stale_share);
	PARAM("max_age_days", pgd_rpt_fig_real, c->o.max_age_days);
	PARAM("max_growth", pgd_rpt_fig_real, c->o.max_growth);
	PARAM("now_unix", pgd_rpt_fig_int, c->now_unix);
	PARAM("attribution", pgd_rpt_fig_str,
	      c->o.check->attribution == PGD_ATTR_STACK ? "stack" : "compiler");
#undef PARAM
	return 0;
}

static int add_summary(struct doc_ctx *c)
{
	int64_t by_sev[PGD_SEV_RISK + 1] = { 0 };
	int64_t ran = 0, skipped = 0;
	struct rpt_figure *f;

	for (size_t i = 0; i < c->r->nfindings; i++)
		by_sev[c->r->findings[i].severity]++;
	for (size_t i = 0; i < c->r->nchecks; i++) {
		if (c->r->checks[i].ran)
			ran++;
		else
			skipped++;
	}
#define SUM(key, v)                                 \
	do {                                        \
		if (!(f = pgd_rpt_add_summary(c->r, key))) \
			return -1;                  \
		pgd_rpt_fig_int(f, v);                  \
	} while (0)
	SUM("findings", (int64_t)c->r->nfindings);
	SUM("risk", by_sev[PGD_SEV_RISK]);
	SUM("warn", by_sev[PGD_SEV_WARN]);
	SUM("info", by_sev[PGD_SEV_INFO]);
	SUM("checks_ran", ran);
	SUM("checks_skipped", skipped);
#undef SUM
	return 0;
}

static void ctx_release(struct doc_ctx *c)
{
	for (size_t i = 0; i < c->ngroups; i++)
		for (size_t j = 0; j < c->groups[i].n; j++)
			pgd_profile__close(c->groups[i].profiles[j]);
	pgd_edges__free(c->base_edges);
	pgd_binary__close(c->bin);
	pgd_binary__close(c->cmp);
	pgd_arena_release(&c->scratch);
}

/* Opens a list of profiles of one role; the usable ones form one group. */
static int open_group(struct doc_ctx *c, const char *role, const char *const *paths, size_t n,
		      int one_group_each, struct pgd_err *err)
{
	struct pgd_profile **ps;
	size_t k = 0;
	int ret = 0;

	if (!n)
		return 0;
	ps = pgd_arena_calloc(&c->scratch, n, sizeof(*ps));
	if (!ps)
		return pgd_err_nomem(err, paths[0]);
	for (size_t i = 0; i < n; i++) {
		if ((ret = open_profile(c, role, paths[i], &ps[k], err))) {
			for (size_t j = 0; !one_group_each && j < k; j++)
				pgd_profile__close(ps[j]);
			goto out;
		}
		if (!ps[k])
			continue;
		if (one_group_each) {
			if (add_group(c, role, &ps[k], 1, NULL)) {
				pgd_profile__close(ps[k]);
				ret = pgd_err_nomem(err, paths[i]);
				goto out;
			}
		}
		k++;
	}
	if (!one_group_each && k && add_group(c, role, ps, k, NULL)) {
		for (size_t i = 0; i < k; i++)
			pgd_profile__close(ps[i]);
		ret = pgd_err_nomem(err, paths[0]);
	}
out:
	return ret;
}

static int run_checks(struct doc_ctx *c, const struct pgd_doctor_opts *given, int profile_only,
		      struct pgd_err *err)
{
	for (size_t i = 0; i < PGD_ARRAY_SIZE(checks); i++) {
		const struct doc_check *chk = &checks[i];
		const char *why;
		struct rpt_check_run *run = NULL;
		int ret;

		if (profile_only && !is_profile_level(chk))
			continue;
		why = skip_reason(c, chk, given);
		if (!profile_only) {
			run = pgd_rpt_add_check(c->r, chk->id);
			if (!run)
				return pgd_err_nomem(err, "");
			run->ran = !why;
			run->skipped_why = why;
		}
		if (why)
			continue;
		if (c->o.check->progress)
			c->o.check->progress(c->o.check->progress_ctx, chk->id, i, PGD_ARRAY_SIZE(checks));
		if ((ret = chk->fn(c, chk, err)))
			return ret;
	}
	return 0;
}

int pgd_doctor__run(const struct pgd_doctor_opts *opts, struct pgd_report **out,
		    struct pgd_err *err)
{
	struct doc_ctx c;
	struct pgd_doctor_opts given;
	int ret;

	*out = NULL;
	memset(&c, 0, sizeof(c));
	pgd_arena_init(&c.scratch, 0);
	if ((ret = resolve_opts(opts, &c, err)))
		goto out;
	given = c.o;
	c.now_unix = c.o.now_unix ? c.o.now_unix : (int64_t)time(NULL);
	if (!given.base_path && !given.nfresh && !given.nprofiles) {
		ret = pgd_err_set(err, PGD_EUSAGE, "", "doctor needs at least one profile");
		goto out;
	}
	c.r = pgd_rpt_new(RPT_DOCTOR);
	if (!c.r) {
		ret = pgd_err_nomem(err, "");
		goto out;
	}
	if (add_params(&c)) {
		ret = pgd_err_nomem(err, "");
		goto out;
	}
	if (given.binary_path) {
		if ((ret = pgd_binary__open(given.binary_path, c.o.check->limits, &c.bin, err)))
			goto out;
		if (add_binary_input(&c, "binary", c.bin)) {
			ret = pgd_err_nomem(err, given.binary_path);
			goto out;
		}
	}
	if (given.compare_binary_path) {
		if ((ret = pgd_binary__open(given.compare_binary_path, c.o.check->limits, &c.cmp, err)))
			goto out;
		if (add_binary_input(&c, "compare-binary", c.cmp)) {
			ret = pgd_err_nomem(err, given.compare_binary_path);
			goto out;
		}
	}
	if (given.repo_dir) {
		struct stat st;
		struct rpt_input *in;

		if (stat(given.repo_dir, &st) || !S_ISDIR(st.st_mode)) {
			ret = pgd_err_set(err, PGD_EINPUT, given.repo_dir, "not a directory");
			goto out;
		}
		c.repo = given.repo_dir;
		if (!(in = pgd_rpt_add_input(c.r))) {
			ret = pgd_err_nomem(err, "");
			goto out;
		}
		in->role = "repo";
		in->path = pgd_arena_strdup(&c.r->arena, given.repo_dir);
		in->format = "dir";
	}
	if (given.base_path &&
	    (ret = open_group(&c, "base", &given.base_path, 1, 0, err)))
		goto out;
	if ((ret = open_group(&c, "fresh", given.fresh_paths, given.nfresh, 0, err)) ||
	    (ret = open_group(&c, "profile", given.profile_paths, given.nprofiles, 1, err)))
		goto out;
	find_roles(&c);
	if ((ret = run_checks(&c, &given, 0, err)))
		goto out;
	pgd_doc_sort_findings(c.r);
	if (add_summary(&c)) {
		ret = pgd_err_nomem(err, "");
		goto out;
	}
	if ((ret = pgd_staleness_doctor(c.r, &given, err)))
		goto out;
	*out = c.r;
	c.r = NULL;
	ret = 0;
out:
	pgd_report__free(c.r);
	ctx_release(&c);
	return ret;
}

/* The binary-level checks `check` runs too: their findings decide its advice. */
static int is_check_binary_level(const struct doc_check *chk)
{
	return !strcmp(chk->id, "build-settings") || !strcmp(chk->id, "race-build") ||
	       !strcmp(chk->id, "toolchain-skew") || !strcmp(chk->id, "stale-names") ||
	       !strcmp(chk->id, "offset-drift");
}

static int run_check_subset(struct doc_ctx *c, const struct pgd_doctor_opts *given, int with_binary,
			    struct pgd_err *err)
{
	for (size_t i = 0; i < PGD_ARRAY_SIZE(checks); i++) {
		const struct doc_check *chk = &checks[i];
		int ret;

		if (!is_profile_level(chk) && !(with_binary && is_check_binary_level(chk)))
			continue;
		if (skip_reason(c, chk, given))
			continue;
		if ((ret = chk->fn(c, chk, err)))
			return ret;
	}
	return 0;
}

int pgd_doctor_check_checks(struct pgd_report *r, struct pgd_profile *const *profiles, size_t n,
			    struct pgd_binary *bin, const char *base_path,
			    const struct pgd_edges *const *edges,
			    const struct pgd_doctor_opts *o, struct pgd_err *err)
{
	struct doc_ctx c;
	struct pgd_doctor_opts given;
	int ret = 0;

	memset(&c, 0, sizeof(c));
	pgd_arena_init(&c.scratch, 0);
	if ((ret = resolve_opts(o, &c, err)))
		goto out;
	c.r = r;
	c.now_unix = c.o.now_unix ? c.o.now_unix : (int64_t)time(NULL);
	c.bin = bin;
	c.o.base_path = base_path;
	if (!n)
		goto out;
	given = c.o;
	/* Only the roles matter to skip_reason: the caller's profiles are already open. */
	given.base_path = base_path ? base_path : "base";
	given.nfresh = n - 1;
	if (add_group(&c, "base", profiles, 1, NULL) ||
	    (n > 1 && add_group(&c, "fresh", profiles + 1, n - 1, NULL))) {
		ret = pgd_err_nomem(err, "");
		goto out;
	}
	for (size_t i = 0; edges && i < c.ngroups; i++)
		c.groups[i].edges = edges[i];
	find_roles(&c);
	if ((ret = run_check_subset(&c, &given, bin != NULL, err)))
		goto out;
	pgd_doc_sort_findings(r);
out:
	/* The profiles and the binary belong to the caller: forget them before releasing. */
	c.ngroups = 0;
	c.bin = NULL;
	ctx_release(&c);
	return ret;
}

int pgd_doctor_profile_checks(struct pgd_report *r, struct pgd_profile *const *profiles, size_t n,
			      const struct pgd_doctor_opts *o, struct pgd_err *err)
{
	return pgd_doctor_check_checks(r, profiles, n, NULL, NULL, NULL, o, err);
}
