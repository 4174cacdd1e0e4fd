// SPDX-License-Identifier: MIT
/*
 * Doctor checks that need only profiles: too-few-samples, startup-dominated,
 * microbenchmark-profile, distribution-skew, profile-age.
 *
 * They read the stacks the pprof decoder keeps (a preprofile has none, so
 * these checks pass over preprofile inputs). Every share is of the value
 * column Go itself uses (cmd/internal/pgo/pprof.go: samples/count, else
 * cpu/nanoseconds), so a share here is a share of what the compiler sees.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "doctor.h"
#include "err.h"
#include "hashmap.h"

#define TOP_ITEMS 10

/* ---- walking stacks ---------------------------------------------------------- */

static const char *frame_name(const struct pgd_profile *p, const struct pgd_line *l)
{
	if (l->function == UINT32_MAX || l->function >= p->nfunctions)
		return "";
	return p->functions[l->function].name;
}

/* The innermost frame of the leaf location: what `go tool pprof -top` calls flat. */
static const char *leaf_name(const struct pgd_profile *p, const struct pgd_sample *s)
{
	const struct pgd_location *l;

	if (!s->nlocations)
		return "";
	l = &p->locations[s->locations[0]];
	if (!l->nlines)
		return "";
	return frame_name(p, &l->lines[0]);
}

/* "pkg/path.rest" -> "rest": the package path ends at the first '.' after the last '/'. */
static const char *after_package(const char *name)
{
	const char *slash = strrchr(name, '/');
	const char *dot = strchr(slash ? slash : name, '.');

	return dot ? dot + 1 : "";
}

/*
 * Package initialisation as the linker names it: "pkg.init", "pkg.init.0",
 * closures inside it ("pkg.init.func1", "pkg.init.0.func2") and outlined
 * map initialisers ("pkg.map.init.0", Go >= 1.21). A method called init
 * ("pkg.(*T).init", "pkg.T.init") is not one: its rest has a receiver first.
 */
static int is_init_func(const char *name)
{
	const char *rest = after_package(name);

	if (!strcmp(rest, "init") || !strncmp(rest, "init.", 5) || !strncmp(rest, "map.init.", 9))
		return 1;
	return 0;
}

/* What a frame's function is to startup_frame; ROLE_UNKNOWN: not classified yet. */
enum frame_role { ROLE_UNKNOWN, ROLE_OTHER, ROLE_MAIN_MAIN, ROLE_RUNTIME_MAIN, ROLE_MARKER, ROLE_INIT };

static enum frame_role role_of(const char *n)
{
	if (!strcmp(n, "main.main"))
		return ROLE_MAIN_MAIN;
	if (!strcmp(n, "runtime.main"))
		return ROLE_RUNTIME_MAIN;
	if (!strcmp(n, "runtime.doInit") || !strcmp(n, "runtime.doInit1") || !strcmp(n, "runtime.schedinit"))
		return ROLE_MARKER;
	return is_init_func(n) ? ROLE_INIT : ROLE_OTHER;
}

/* What startup_frame needs of one location, worked out once. */
struct loc_role {
	uint8_t known, main_main, runtime_main;
	const char *marker, *init;    /* the first of each among its lines, innermost first */
};

static void loc_role_of(const struct pgd_profile *p, const struct pgd_location *l, uint8_t *roles,
			struct loc_role *out)
{
	for (uint32_t j = 0; j < l->nlines; j++) {
		uint32_t fi = l->lines[j].function < p->nfunctions ? l->lines[j].function : p->nfunctions;
		const char *n = frame_name(p, &l->lines[j]);

		if (roles[fi] == ROLE_UNKNOWN)
			roles[fi] = (uint8_t)role_of(n);
		switch (roles[fi]) {
		case ROLE_MAIN_MAIN:
			out->main_main = 1;
			break;
		case ROLE_RUNTIME_MAIN:
			out->runtime_main = 1;
			break;
		case ROLE_MARKER:
			out->marker = out->marker ? out->marker : n;
			break;
		case ROLE_INIT:
			out->init = out->init ? out->init : n;
			break;
		default:
			break;
		}
	}
	out->known = 1;
}

/*
 * A sample is start-up work when its stack is inside package initialisation
 * (runtime.doInit/doInit1 run every init function, runtime.schedinit sets up
 * the runtime) or when runtime.main is on it without main.main: runtime.main
 * runs the inits and only then calls main.main. Returns the frame to blame
 * (the init function when there is one), NULL when not start-up.
 * roles: one per function of p (the last for frames without one), and
 * locs, one per location, filled as met: a profile's samples share a few
 * thousand functions and locations, so each name is compared once and
 * each location summed up once, not once per frame of every sample.
 */
static const char *startup_frame(const struct pgd_profile *p, const struct pgd_sample *s, uint8_t *roles,
				 struct loc_role *locs)
{
	const char *init = NULL, *marker = NULL;
	int has_runtime_main = 0, has_main_main = 0;

	for (uint32_t i = 0; i < s->nlocations; i++) {
		struct loc_role *lr = &locs[s->locations[i]];

		if (!lr->known)
			loc_role_of(p, &p->locations[s->locations[i]], roles, lr);
		has_main_main |= lr->main_main;
		has_runtime_main |= lr->runtime_main;
		marker = marker ? marker : lr->marker;
		init = init ? init : lr->init;   /* leaf first: the innermost init function */
	}
	if (init)
		return init;
	if (marker)
		return marker;
	if (has_runtime_main && !has_main_main)
		return "runtime.main";
	return NULL;
}

/*
 * Evidence of a `go test` run: the testing package's drivers
 * (testing.(*B).runN for benchmarks, testing.tRunner for tests and
 * sub-benchmarks, both in Go's src/testing/benchmark.go and testing.go).
 * A service never has these frames; one hot function alone proves nothing.
 */
static int is_test_frame(const char *name)
{
	return !strncmp(name, "testing.(*B).", 13) || !strcmp(name, "testing.tRunner");
}

/*
 * test: one per function of p (the last for frames without one), 0 not
 * classified yet, 1 not a test frame, 2 a test frame: each name is
 * compared once, not once per frame of every sample.
 */
static int has_bench_frame(const struct pgd_profile *p, const struct pgd_sample *s, uint8_t *test)
{
	for (uint32_t i = 0; i < s->nlocations; i++) {
		const struct pgd_location *l = &p->locations[s->locations[i]];

		for (uint32_t j = 0; j < l->nlines; j++) {
			uint32_t fi = l->lines[j].function < p->nfunctions ? l->lines[j].function : p->nfunctions;

			if (!test[fi])
				test[fi] = is_test_frame(frame_name(p, &l->lines[j])) ? 2 : 1;
			if (test[fi] == 2)
				return 1;
		}
	}
	return 0;
}

/* ---- name -> weight tallies ---------------------------------------------------- */

struct tally_row {
	const char *name;
	int64_t w[2];
	double share[2];
	double key;                 /* what rows are ranked by */
};

struct tally {
	struct hashmap map;         /* name -> row index + 1 */
	struct tally_row *rows;
	size_t n;
	struct arena *a;
};

/* Adds w to name's row in column col; *row (may be NULL) gets the row's index. */
static int tally_add_row(struct tally *t, const char *name, int col, int64_t w, size_t *row)
{
	int inserted;
	struct hashmap_entry *e = pgd_hashmap_upsert_str(&t->map, name, &inserted);

	if (!e)
		return -1;
	if (inserted) {
		struct tally_row *nr = pgd_arena_grow_for_append(t->a, t->rows, t->n, sizeof(*nr));

		if (!nr)
			return -1;
		t->rows = nr;
		nr[t->n].name = name;
		e->val.u64 = ++t->n;
	}
	t->rows[e->val.u64 - 1].w[col] += w;
	if (row)
		*row = e->val.u64 - 1;
	return 0;
}

static int tally_add(struct tally *t, const char *name, int col, int64_t w)
{
	return tally_add_row(t, name, col, w, NULL);
}

static int cmp_rows(const void *pa, const void *pb)
{
	const struct tally_row *a = pa, *b = pb;

	if (a->key != b->key)
		return a->key > b->key ? -1 : 1;
	return strcmp(a->name, b->name);
}

static void tally_sort(struct tally *t)
{
	if (t->n > 1)
		qsort(t->rows, t->n, sizeof(*t->rows), cmp_rows);
}

/* Flat weight per function of every sample of the group, into column col. */
/* The function index of a sample's leaf frame; p->nfunctions when it has none. */
static uint32_t leaf_function(const struct pgd_profile *p, const struct pgd_sample *s)
{
	const struct pgd_location *l;

	if (!s->nlocations)
		return p->nfunctions;
	l = &p->locations[s->locations[0]];
	if (!l->nlines || l->lines[0].function >= p->nfunctions)
		return p->nfunctions;
	return l->lines[0].function;
}

/*
 * Flat weight per function of every sample of the group, into column col.
 * A profile's samples share a few thousand leaf functions: each one's row
 * is looked up by name once (row_of: row index + 1 per function), not once
 * per sample. Rows still come in the order their names are first met.
 */
static int tally_flat(struct tally *t, const struct doc_group *g, int col, int64_t *total)
{
	for (size_t k = 0; k < g->n; k++) {
		const struct pgd_profile *p = g->profiles[k];
		size_t *row_of = calloc((size_t)p->nfunctions + 1, sizeof(*row_of));

		if (!row_of)
			return -1;
		for (uint32_t i = 0; i < p->nsamples; i++) {
			const struct pgd_sample *s = &p->samples[i];
			uint32_t fi = leaf_function(p, s);
			size_t row;

			if (!s->value)
				continue;
			if (row_of[fi]) {
				t->rows[row_of[fi] - 1].w[col] += s->value;
			} else if (tally_add_row(t, leaf_name(p, s), col, s->value, &row)) {
				free(row_of);
				return -1;
			} else {
				row_of[fi] = row + 1;
			}
			*total += s->value;
		}
		free(row_of);
	}
	return 0;
}

/* ---- too-few-samples ------------------------------------------------------------ */

struct site_w {
	const char *caller;
	int64_t offset;
};

static int group_edges(struct doc_ctx *c, const struct doc_group *g, struct pgd_edges **own,
		       const struct pgd_edges **out, struct pgd_err *err)
{
	*own = NULL;
	if (g == c->base)
		return pgd_doc_base_edges(c, out, err);
	if (g->edges) {
		*out = g->edges;
		return 0;
	}
	{
		int ret = pgd_edges__build(g->profiles, g->n, c->o.check->attribution, own, err);

		if (ret)
			return ret;
	}
	*out = *own;
	return 0;
}

static int too_few_one(struct doc_ctx *c, const struct doc_check *chk, const struct doc_group *g,
		       struct pgd_err *err)
{
	struct pgd_edges *own = NULL;
	const struct pgd_edges *e;
	struct hashmap sites = HASHMAP_INIT;
	int64_t samples = 0, duration = 0, thin_w = 0, *sw = NULL;
	size_t nsites = 0, nthin = 0;
	double spv = pgd_doc_samples_per_value(g->profiles[0]);
	struct rpt_finding *f;
	int ret = 0;

	for (size_t i = 0; i < g->n; i++) {
		samples += pgd_profile__sample_count(g->profiles[i]);
		duration += pgd_profile__duration_nanos(g->profiles[i]);
	}
	if ((ret = group_edges(c, g, &own, &e, err)))
		goto out;
	/* A call site is (caller, offset): its callees share the samples the compiler sees there. */
	sw = calloc(e->nedges ? e->nedges : 1, sizeof(*sw));
	if (!sw) {
		ret = pgd_err_nomem(err, g->label);
		goto out;
	}
	for (size_t i = 0; i < e->nedges; i++) {
		struct site_w key = { e->edges[i].caller, e->edges[i].offset };
		int inserted;
		struct hashmap_entry *he = pgd_hashmap_upsert(&sites, &key, sizeof(key), &inserted);

		if (!he) {
			ret = pgd_err_nomem(err, g->label);
			goto out;
		}
		if (inserted) {
			/* The map keeps the key pointer: move it off the stack. */
			struct site_w *kept = pgd_arena_alloc(&c->scratch, sizeof(*kept));

			if (!kept) {
				ret = pgd_err_nomem(err, g->label);
				goto out;
			}
			*kept = key;
			he->key = kept;
			he->val.u64 = nsites++;
		}
		sw[he->val.u64] += e->edges[i].weight;
	}
	for (size_t i = 0; i < nsites; i++) {
		if ((double)sw[i] * spv < (double)c->o.check->min_samples) {
			nthin++;
			thin_w += sw[i];
		}
	}
	if (samples >= c->o.min_total_samples)
		goto out;
	f = pgd_doc_finding(c, chk, chk->severity, g->label,
			"only %lld samples (%lld needed): capture longer or merge several captures "
			"(go tool pprof -proto a.pprof b.pprof > merged.pprof)",
			(long long)samples, (long long)c->o.min_total_samples);
	if (!f || pgd_doc_fig_int(c, f, "samples", samples) ||
	    pgd_doc_fig_int(c, f, "min_total_samples", c->o.min_total_samples) ||
	    pgd_doc_fig_real(c, f, "duration_seconds", (double)duration / 1e9) ||
	    pgd_doc_fig_int(c, f, "sites", (int64_t)nsites) ||
	    pgd_doc_fig_int(c, f, "thin_sites", (int64_t)nthin) ||
	    pgd_doc_fig_int(c, f, "min_samples", c->o.check->min_samples) ||
	    pgd_doc_fig_real(c, f, "thin_site_weight_share",
			 e->total_weight > 0 ? (double)thin_w / (double)e->total_weight : 0))
		ret = pgd_err_nomem(err, g->label);
out:
	free(sw);
	pgd_hashmap_free(&sites);
	pgd_edges__free(own);
	return ret;
}

int pgd_doc_too_few_samples(struct doc_ctx *c, const struct doc_check *chk, struct pgd_err *err)
{
	int ret;

	for (size_t i = 0; i < c->ngroups; i++) {
		if (!c->groups[i].has_samples)
			continue;
		if ((ret = too_few_one(c, chk, &c->groups[i], err)))
			return ret;
	}
	return 0;
}

/* ---- startup-dominated ------------------------------------------------------------ */

static int add_top_items(struct doc_ctx *c, struct rpt_finding *f, struct tally *t, int64_t total,
			 const char *key)
{
	for (size_t i = 0; i < t->n && i < TOP_ITEMS; i++) {
		struct rpt_item *it = pgd_doc_item(c, f, t->rows[i].name);

		if (!it || pgd_doc_item_int(c, it, "weight", t->rows[i].w[0]) ||
		    pgd_doc_item_real(c, it, key, total ? (double)t->rows[i].w[0] / (double)total : 0))
			return -1;
	}
	return 0;
}

static int startup_one(struct doc_ctx *c, const struct doc_check *chk, const struct doc_group *g,
		       struct pgd_err *err)
{
	struct tally t = { HASHMAP_INIT, NULL, 0, &c->scratch };
	int64_t total = 0, startup = 0;
	double share;
	struct rpt_finding *f;
	int ret = 0;

	for (size_t k = 0; k < g->n; k++) {
		const struct pgd_profile *p = g->profiles[k];
		uint8_t *roles = pgd_arena_calloc(&c->scratch, (size_t)p->nfunctions + 1, 1);
		struct loc_role *locs = pgd_arena_calloc(&c->scratch, (size_t)p->nlocations + 1, sizeof(*locs));

		if (!roles || !locs) {
			ret = pgd_err_nomem(err, g->label);
			goto out;
		}
		for (uint32_t i = 0; i < p->nsamples; i++) {
			const struct pgd_sample *s = &p->samples[i];
			const char *blame;

			total += s->value;
			if (!s->value || !(blame = startup_frame(p, s, roles, locs)))
				continue;
			startup += s->value;
			if (tally_add(&t, blame, 0, s->value)) {
				ret = pgd_err_nomem(err, g->label);
				goto out;
			}
		}
	}
	share = total > 0 ? (double)startup / (double)total : 0;
	if (share <= c->o.max_startup_share)
		goto out;
	for (size_t i = 0; i < t.n; i++)
		t.rows[i].key = (double)t.rows[i].w[0];
	tally_sort(&t);
	f = pgd_doc_finding(c, chk, chk->severity, g->label,
			"%.0f%% of samples are program start-up (package init): start the capture "
			"after warm-up, e.g. from /debug/pprof/profile on a serving process",
			share * 100);
	if (!f || pgd_doc_fig_real(c, f, "startup_share", share) ||
	    pgd_doc_fig_int(c, f, "startup_weight", startup) || pgd_doc_fig_int(c, f, "total_weight", total) ||
	    pgd_doc_fig_real(c, f, "max_startup_share", c->o.max_startup_share) ||
	    add_top_items(c, f, &t, total, "share"))
		ret = pgd_err_nomem(err, g->label);
out:
	pgd_hashmap_free(&t.map);
	return ret;
}

int pgd_doc_startup_dominated(struct doc_ctx *c, const struct doc_check *chk, struct pgd_err *err)
{
	int ret;

	for (size_t i = 0; i < c->ngroups; i++) {
		if (!c->groups[i].has_samples)
			continue;
		if ((ret = startup_one(c, chk, &c->groups[i], err)))
			return ret;
	}
	return 0;
}

/* ---- microbenchmark-profile ---------------------------------------------------------- */

static int micro_one(struct doc_ctx *c, const struct doc_check *chk, const struct doc_group *g,
		     struct pgd_err *err)
{
	struct tally t = { HASHMAP_INIT, NULL, 0, &c->scratch };
	int64_t total = 0, bench = 0;
	double bench_share, top_share;
	struct rpt_finding *f;
	int ret = 0;

	if (tally_flat(&t, g, 0, &total)) {
		ret = pgd_err_nomem(err, g->label);
		goto out;
	}
	for (size_t k = 0; k < g->n; k++) {
		const struct pgd_profile *p = g->profiles[k];
		uint8_t *test = calloc((size_t)p->nfunctions + 1, 1);
		uint32_t fi;

		if (!test) {
			ret = pgd_err_nomem(err, g->label);
			goto out;
		}
		/* a profile naming no test driver has no sample to walk */
		for (fi = 0; fi < p->nfunctions && !is_test_frame(p->functions[fi].name); fi++)
			;
		for (uint32_t i = 0; fi < p->nfunctions && i < p->nsamples; i++)
			if (p->samples[i].value && has_bench_frame(p, &p->samples[i], test))
				bench += p->samples[i].value;
		free(test);
	}
	if (total <= 0)
		goto out;
	for (size_t i = 0; i < t.n; i++)
		t.rows[i].key = (double)t.rows[i].w[0];
	tally_sort(&t);
	bench_share = (double)bench / (double)total;
	top_share = t.n ? (double)t.rows[0].w[0] / (double)total : 0;
	if (bench == 0 && top_share <= c->o.max_single_function_share)
		goto out;
	/*
	 * Only test frames make it a risk: a real service can spend 90 % of
	 * its CPU in one hashing function, and capture-profile.sh must still
	 * install that capture (it gates on risk).
	 */
	if (bench)
		f = pgd_doc_finding(c, chk, chk->severity, g->label,
				"a benchmark or test capture (testing.(*B)/testing.tRunner frames in "
				"%.0f%% of samples): PGO would optimise the benchmark, not the service; "
				"capture from production",
				bench_share * 100);
	else
		f = pgd_doc_finding(c, chk, PGD_SEV_WARN, g->label,
				"one function holds %.0f%% of flat weight (%s): fine if production "
				"really spends its time there; if this came from a load test or a "
				"benchmark, capture representative production load",
				top_share * 100, t.rows[0].name);
	if (!f || pgd_doc_fig_real(c, f, "benchmark_share", bench_share) ||
	    pgd_doc_fig_str(c, f, "top_function", t.n ? t.rows[0].name : NULL) ||
	    pgd_doc_fig_real(c, f, "top_function_share", top_share) ||
	    pgd_doc_fig_real(c, f, "max_single_function_share", c->o.max_single_function_share) ||
	    add_top_items(c, f, &t, total, "flat_share"))
		ret = pgd_err_nomem(err, g->label);
out:
	pgd_hashmap_free(&t.map);
	return ret;
}

int pgd_doc_microbenchmark(struct doc_ctx *c, const struct doc_check *chk, struct pgd_err *err)
{
	int ret;

	for (size_t i = 0; i < c->ngroups; i++) {
		if (!c->groups[i].has_samples)
			continue;
		if ((ret = micro_one(c, chk, &c->groups[i], err)))
			return ret;
	}
	return 0;
}

/* ---- distribution-skew --------------------------------------------------------------- */

/* p * log2(p / m), with 0 log 0 = 0. */
static double kl_term(double p, double m)
{
	return p > 0 && m > 0 ? p * log2(p / m) : 0;
}

int pgd_doc_distribution_skew(struct doc_ctx *c, const struct doc_check *chk, struct pgd_err *err)
{
	struct tally t = { HASHMAP_INIT, NULL, 0, &c->scratch };
	int64_t tb = 0, tf = 0;
	double js = 0;
	struct rpt_finding *f;
	int ret = 0;

	if (tally_flat(&t, c->base, 0, &tb) || tally_flat(&t, c->fresh, 1, &tf)) {
		ret = pgd_err_nomem(err, c->base->label);
		goto out;
	}
	if (tb <= 0 || tf <= 0)
		goto out;
	/* JS(P,Q) = (KL(P||M) + KL(Q||M)) / 2, M = (P+Q)/2; base 2 keeps it in [0, 1]. */
	for (size_t i = 0; i < t.n; i++) {
		struct tally_row *row = &t.rows[i];
		double p = (double)row->w[0] / (double)tb, q = (double)row->w[1] / (double)tf;
		double m = (p + q) / 2;

		row->share[0] = p;
		row->share[1] = q;
		row->key = fabs(q - p);
		js += (kl_term(p, m) + kl_term(q, m)) / 2;
	}
	if (js < 0)
		js = 0;
	if (js <= c->o.max_divergence)
		goto out;
	tally_sort(&t);
	f = pgd_doc_finding(c, chk, chk->severity, c->fresh->label,
			"where the CPU goes has moved since the base profile (Jensen-Shannon divergence "
			"%.2f over functions): refresh default.pgo from a current capture",
			js);
	if (!f || pgd_doc_fig_real(c, f, "js_divergence", js) ||
	    pgd_doc_fig_real(c, f, "max_divergence", c->o.max_divergence) ||
	    pgd_doc_fig_int(c, f, "functions", (int64_t)t.n) ||
	    pgd_doc_fig_str(c, f, "top_mover", t.n ? t.rows[0].name : NULL) ||
	    pgd_doc_fig_str(c, f, "base", c->base->label)) {
		ret = pgd_err_nomem(err, c->base->label);
		goto out;
	}
	for (size_t i = 0; i < t.n && i < TOP_ITEMS; i++) {
		struct rpt_item *it = pgd_doc_item(c, f, t.rows[i].name);

		if (!it || pgd_doc_item_real(c, it, "base_share", t.rows[i].share[0]) ||
		    pgd_doc_item_real(c, it, "fresh_share", t.rows[i].share[1]) ||
		    pgd_doc_item_real(c, it, "delta", t.rows[i].share[1] - t.rows[i].share[0])) {
			ret = pgd_err_nomem(err, c->base->label);
			goto out;
		}
	}
out:
	pgd_hashmap_free(&t.map);
	return ret;
}

/* ---- profile-age ------------------------------------------------------------------------ */

int pgd_doc_profile_age(struct doc_ctx *c, const struct doc_check *chk, struct pgd_err *err)
{
	for (size_t i = 0; i < c->ngroups; i++) {
		for (size_t k = 0; k < c->groups[i].n; k++) {
			const struct pgd_profile *p = c->groups[i].profiles[k];
			int64_t tn = pgd_profile__time_nanos(p);
			double age;
			char when[32] = "";
			time_t secs;
			struct tm tm;
			struct rpt_finding *f;

			/* A preprofile, or a pprof writer that left time_nanos out: nothing to date. */
			if (tn <= 0)
				continue;
			secs = (time_t)(tn / 1000000000);
			age = ((double)c->now_unix - (double)tn / 1e9) / 86400.0;
			if (age <= c->o.max_age_days)
				continue;
			if (gmtime_r(&secs, &tm))
				strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
			f = pgd_doc_finding(c, chk, chk->severity, p->path,
					"profile captured %.0f days ago (%s): capture a fresh one and "
					"refresh it on a schedule",
					age, when);
			if (!f || pgd_doc_fig_int(c, f, "time_nanos", tn) ||
			    pgd_doc_fig_int(c, f, "duration_nanos", pgd_profile__duration_nanos(p)) ||
			    pgd_doc_fig_str(c, f, "captured_at", when) ||
			    pgd_doc_fig_real(c, f, "age_days", age) ||
			    pgd_doc_fig_real(c, f, "max_age_days", c->o.max_age_days))
				return pgd_err_nomem(err, p->path);
		}
	}
	return 0;
}
