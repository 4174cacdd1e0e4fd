// SPDX-License-Identifier: MIT
/*
 * The jobs' shared parts (job.h): opening inputs, building edges, and
 * copying inputs, parameters and sites into a report.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "err.h"
#include "job.h"

void pgd_job_progress(const struct pgd_check_opts *o, const char *stage, uint64_t done,
		      uint64_t total)
{
	if (o->progress)
		o->progress(o->progress_ctx, stage, done, total);
}

const char *pgd_job_dup(struct pgd_report *r, const char *s)
{
	return s ? pgd_arena_strdup(&r->arena, s) : NULL;
}

void pgd_job_release(struct pgd_job *j)
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

int pgd_job_open_profiles(struct pgd_job *j, const char *const *paths, size_t n,
			  const struct pgd_check_opts *o, struct pgd_err *err)
{
	j->profiles = calloc(n ? n : 1, sizeof(*j->profiles));
	if (!j->profiles)
		return pgd_err_nomem(err, NULL);
	for (size_t i = 0; i < n; i++) {
		int ret;

		pgd_job_progress(o, "reading profiles", i, n);
		ret = pgd_profile__open(paths[i], o->limits, &j->profiles[i], err);
		if (ret)
			return ret;
		j->nprofiles++;
	}
	pgd_job_progress(o, "reading profiles", n, n);
	return 0;
}

int pgd_job_add_binary_input(struct pgd_report *r, const struct pgd_binary *b, const char *role)
{
	struct rpt_input *in = pgd_rpt_add_input(r);
	struct stat st;

	if (!in)
		return PGD_ENOMEM;
	in->role = role;
	in->path = pgd_job_dup(r, pgd_binary__path(b));
	in->format = "elf";
	if (!stat(pgd_binary__path(b), &st))
		in->size = (uint64_t)st.st_size;
	in->go_version = pgd_job_dup(r, pgd_binary__go_version(b));
	in->pgo_setting = pgd_job_dup(r, pgd_binary__build_setting(b, "-pgo"));
	in->main_module = pgd_job_dup(r, pgd_binary__main_module(b));
	in->build_id = pgd_job_dup(r, pgd_binary__build_id(b));
	in->arch = pgd_job_dup(r, pgd_binary__arch(b));
	return 0;
}

int pgd_job_add_profile_input(struct pgd_report *r, const struct pgd_profile *p, const char *role,
			      int64_t edge_weight)
{
	struct rpt_input *in = pgd_rpt_add_input(r);

	if (!in)
		return PGD_ENOMEM;
	in->role = role;
	in->path = pgd_job_dup(r, pgd_profile__path(p));
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
int pgd_job_add_common_params(struct pgd_report *r, const struct pgd_check_opts *o)
{
	struct rpt_param *p;

	if (!(p = pgd_rpt_add_param(r, "threshold")))
		return PGD_ENOMEM;
	pgd_rpt_fig_real(&p->value, o->threshold);
	if (!(p = pgd_rpt_add_param(r, "min_samples")))
		return PGD_ENOMEM;
	pgd_rpt_fig_int(&p->value, o->min_samples);
	if (!(p = pgd_rpt_add_param(r, "attribution")))
		return PGD_ENOMEM;
	pgd_rpt_fig_str(&p->value, o->attribution == PGD_ATTR_STACK ? "stack" : "compiler");
	if (!(p = pgd_rpt_add_param(r, "confidence")))
		return PGD_ENOMEM;
	pgd_rpt_fig_real(&p->value, confidence_of(o->confidence_z));
	if (!(p = pgd_rpt_add_param(r, "list_all")))
		return PGD_ENOMEM;
	pgd_rpt_fig_bool(&p->value, o->list_all);
	return 0;
}

/* Copies a site's identity, binary evidence and callees into the report. */
int pgd_job_fill_site(struct pgd_report *r, struct rpt_site *rs, const struct pgd_site *s,
		      size_t nsets)
{
	rs->caller = pgd_job_dup(r, s->caller);
	rs->offset = s->offset;
	rs->method = pgd_job_dup(r, s->method);
	rs->file = pgd_job_dup(r, s->file);
	rs->line = s->line;
	rs->kind = pgd_site_kind_name(s->kind);
	rs->iface = pgd_job_dup(r, s->iface);
	rs->guard_checked = 1;
	rs->binary_guard = pgd_job_dup(r, s->binary_guard);
	rs->ncalls_direct = s->ndirect;
	rs->ncalls_indirect = s->nindirect;
	rs->base_weight = s->total[0];
	rs->fresh_weight = nsets > 1 ? s->total[1] : 0;
	rs->callees = pgd_arena_calloc(&r->arena, s->ncallees ? s->ncallees : 1, sizeof(*rs->callees));
	if (!rs->callees)
		return PGD_ENOMEM;
	rs->ncallees = s->ncallees;
	for (size_t i = 0; i < s->ncallees; i++) {
		struct rpt_callee *c = &rs->callees[i];

		c->name = pgd_job_dup(r, s->callees[i].name);
		c->type = pgd_job_dup(r, s->callees[i].recv_type);
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
int pgd_job_cmp_callee(const void *a, const void *b)
{
	const struct rpt_callee *x = a, *y = b;

	if (x->base_weight != y->base_weight)
		return x->base_weight > y->base_weight ? -1 : 1;
	if (x->fresh_weight != y->fresh_weight)
		return x->fresh_weight > y->fresh_weight ? -1 : 1;
	return strcmp(x->name, y->name);
}

int pgd_job_cmp_key(const struct rpt_site *x, const struct rpt_site *y)
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

/* Stack attribution needs stacks; a GO PREPROFILE V1 input keeps only edges. */
int pgd_job_note_stackless_inputs(struct pgd_report *r, const struct pgd_job *j,
				  const struct pgd_check_opts *o)
{
	if (o->attribution != PGD_ATTR_STACK)
		return 0;
	for (size_t i = 0; i < j->nprofiles; i++) {
		const char *path = pgd_profile__path(j->profiles[i]);
		char *note;

		if (pgd_profile__format(j->profiles[i]) != PGD_PROFILE_PREPROFILE)
			continue;
		note = pgd_arena_printf(&r->arena, "%s is a GO PREPROFILE V1 file, which keeps no stacks: "
				    "its weights are the compiler's two-frame edges", path);
		if (!note || pgd_rpt_add_note(r, note))
			return PGD_ENOMEM;
	}
	return 0;
}

/* What the binary stage could not read (pgd_binary_notes): said, never silent. */
int pgd_job_note_binary(struct pgd_report *r, struct pgd_job *j)
{
	const char *notes[8];
	size_t n = pgd_binary_notes(j->binary, notes, PGD_ARRAY_SIZE(notes));

	for (size_t i = 0; i < n && i < PGD_ARRAY_SIZE(notes); i++)
		if (!notes[i] || pgd_rpt_add_note(r, notes[i]))
			return PGD_ENOMEM;
	return 0;
}

int pgd_job_build_edges(struct pgd_job *j, size_t first, size_t n, enum pgd_attribution attr,
			size_t slot, struct pgd_err *err)
{
	int ret = pgd_edges__build(j->profiles + first, n, attr, &j->edges[slot], err);

	if (!ret && slot + 1 > j->nsets)
		j->nsets = slot + 1;
	return ret;
}


/*
 * ---- check's inputs, two at a time ------------------------------------------
 *
 * The base profile, its edges and the binary are read on a second thread
 * while this one reads the fresh captures and their edges: none of them
 * shares anything with another (each has its own arena, zlib stream and
 * protobuf-c messages; no module keeps global state), and on issue 15's
 * compiler case the profiles are a sixth of a check. The result is the
 * sequential one, errors included: the first in the order the inputs were
 * read before (profiles in order, the binary, then the edges).
 */
/*
 * The first failure of one thread's work. Each thread stops at its first,
 * and stage ranks the stages in the order the inputs were read before:
 * the lower rank is the error the sequential reading would have met.
 */
enum input_stage { STAGE_BASE, STAGE_FRESH, STAGE_BINARY, STAGE_BASE_EDGES, STAGE_FRESH_EDGES,
		   STAGE_COMPILER_EDGES, STAGE_NONE };

struct input_failure {
	enum input_stage stage;       /* STAGE_NONE: none */
	int ret;
	struct pgd_err err;
};

struct base_inputs {
	const char *path, *binary_path;
	const struct pgd_check_opts *o;
	struct pgd_profile *profile;
	struct pgd_edges *edges, *compiler_edges;
	struct pgd_binary *binary;
	struct input_failure fail;
};

static int failed(struct input_failure *f, enum input_stage stage, int ret)
{
	if (ret) {
		f->stage = stage;
		f->ret = ret;
	}
	return ret;
}

static void *read_base_inputs(void *arg)
{
	struct base_inputs *t = arg;
	struct input_failure *f = &t->fail;

	if (failed(f, STAGE_BASE, pgd_profile__open(t->path, t->o->limits, &t->profile, &f->err)) ||
	    failed(f, STAGE_BINARY, pgd_binary__open(t->binary_path, t->o->limits, &t->binary, &f->err)) ||
	    failed(f, STAGE_BASE_EDGES, pgd_edges__build(&t->profile, 1, t->o->attribution, &t->edges, &f->err)))
		return NULL;
	/* stack attribution also keeps the compiler's edges of the base (slot 2) */
	if (t->o->attribution == PGD_ATTR_STACK)
		failed(f, STAGE_COMPILER_EDGES,
		       pgd_edges__build(&t->profile, 1, PGD_ATTR_COMPILER, &t->compiler_edges, &f->err));
	return NULL;
}

/* The fresh captures (profiles 1..n) and their edges, on this thread. */
static void read_fresh_inputs(struct pgd_job *j, const char *const *paths, size_t n,
			      const struct pgd_check_opts *o, struct input_failure *f)
{
	for (size_t i = 1; i < n; i++) {
		pgd_job_progress(o, "reading profiles", i, n);
		if (failed(f, STAGE_FRESH, pgd_profile__open(paths[i], o->limits, &j->profiles[i], &f->err)))
			return;
	}
	failed(f, STAGE_FRESH_EDGES, pgd_edges__build(j->profiles + 1, n - 1, o->attribution, &j->edges[1], &f->err));
}

int pgd_job_open_check_inputs(struct pgd_job *j, const char *binary_path, const char *const *paths, size_t n,
			      const struct pgd_check_opts *o, struct pgd_err *err)
{
	struct base_inputs t = { .path = paths[0], .binary_path = binary_path, .o = o,
				 .fail = { .stage = STAGE_NONE } };
	struct input_failure fresh = { .stage = STAGE_NONE }, *first;
	pthread_t th;
	int threaded;

	if (n < 2)
		return pgd_err_set(err, PGD_EUSAGE, NULL, "check needs a base and a fresh profile");
	if (!(j->profiles = calloc(n, sizeof(*j->profiles))))
		return pgd_err_nomem(err, NULL);
	j->nprofiles = n;   /* the slots not filled stay NULL, which closing skips */
	pgd_job_progress(o, "reading profiles", 0, n);
	/* no thread to be had: the same work, one after the other */
	threaded = !pthread_create(&th, NULL, read_base_inputs, &t);
	if (!threaded)
		read_base_inputs(&t);
	read_fresh_inputs(j, paths, n, o, &fresh);
	if (threaded)
		pthread_join(th, NULL);
	pgd_job_progress(o, "reading profiles", n, n);
	pgd_job_progress(o, "reading binary", 0, 0);
	j->profiles[0] = t.profile;
	j->binary = t.binary;
	j->edges[0] = t.edges;
	j->edges[2] = t.compiler_edges;
	j->nsets = t.compiler_edges ? 3 : 2;
	first = t.fail.stage <= fresh.stage ? &t.fail : &fresh;
	if (first->stage == STAGE_NONE)
		return 0;
	*err = first->err;
	return first->ret;
}
