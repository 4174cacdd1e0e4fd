// SPDX-License-Identifier: MIT
/*
 * Stage 5: drift verdicts.
 *
 * The binary wins: where its machine code holds a guard, that is the
 * guarded callee. Elsewhere (a build without PGO, or the choice a refreshed
 * profile would make) the compiler's choice is mirrored from
 * cmd/compile/internal/devirtualize/pgo.go (Go 1.23 and 1.26, read in full):
 * findHotConcreteCallee, its per-site filters in
 * findHotConcreteInterfaceCallee / findHotConcreteFunctionCallee, and the
 * bail-outs of maybeDevirtualize{Interface,Function}Call and
 * shouldPGODevirt. There is no share threshold: the hottest wins at 30 %
 * too. The facts about IR, dependencies and bodies come from the binary
 * (see struct pgd_callee_facts for which are exact and which approximated).
 */
#include "drift.h"

#include "err.h"

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

const char *pgd_no_guard_name(enum pgd_no_guard w)
{
	switch (w) {
	case PGD_NG_NONE: return NULL;
	case PGD_NG_NO_WEIGHT: return "no-hot-callee";
	case PGD_NG_NO_IR: return "hottest-without-ir";
	case PGD_NG_NOT_DEVIRT: return "hottest-not-a-target";
	case PGD_NG_NOT_IN_BINARY: return "no-guard-in-binary";
	}
	return NULL;
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


/* Default facts when check has none: pgo.go with every IR at hand. */
static void default_facts(const struct pgd_site *s, size_t k, struct pgd_callee_facts *f)
{
	f->has_ir = !pgd_site_ignored_callee(s->key[k].name);
	f->eligible = 0;
	for (size_t i = 0; i < s->ncallees; i++)
		if (s->callees[i].name == s->key[k].name)
			f->eligible = 1;
	f->devirt = 1;
}

/* findHotConcreteCallee's `hotter`: weight, then IR presence, then name. */
static int hotter(const struct pgd_site *s, int set, const struct pgd_callee_facts *f, size_t e,
		  long best)
{
	const struct pgd_site_callee *x = &s->key[e], *y;

	if (best < 0)
		return 1;
	y = &s->key[best];
	if (x->weight[set] != y->weight[set])
		return x->weight[set] > y->weight[set];
	if (f[e].has_ir != f[best].has_ir)
		return f[e].has_ir;
	return strcmp(x->name, y->name) < 0;
}

void pgd_drift_choose(const struct pgd_site *s, int set, const struct pgd_callee_facts *facts,
		      struct pgd_choice *out)
{
	struct pgd_callee_facts local[64];
	const struct pgd_callee_facts *f = local;
	long best = -1;

	out->key = out->callee = -1;
	out->why = PGD_NG_NO_WEIGHT;
	if (!s->nkey)
		return;
	if (!facts) {
		/* key arrays are small (callees at one line); beyond 64, no defaults */
		size_t n = s->nkey < PGD_ARRAY_SIZE(local) ? s->nkey : PGD_ARRAY_SIZE(local);

		for (size_t k = 0; k < n; k++)
			default_facts(s, k, &local[k]);
	} else {
		f = facts;
	}
	for (size_t k = 0; k < s->nkey && (facts || k < PGD_ARRAY_SIZE(local)); k++) {
		/* Weight 0 here means "not in this profile": the compiler has no such edge. */
		if (s->key[k].weight[set] <= 0 || !hotter(s, set, f, k, best))
			continue;
		/* "Destination isn't visible ... We must assume it implements the interface." */
		if (!f[k].has_ir || f[k].eligible)
			best = (long)k;
	}
	if (best < 0)
		return;
	out->key = (int)best;
	if (!f[best].has_ir) {
		out->why = PGD_NG_NO_IR;
		return;
	}
	if (!f[best].devirt) {
		out->why = PGD_NG_NOT_DEVIRT;
		return;
	}
	for (size_t i = 0; i < s->ncallees; i++)
		if (s->callees[i].name == s->key[best].name)
			out->callee = (int)i;
	out->why = out->callee >= 0 ? PGD_NG_NONE : PGD_NG_NOT_DEVIRT;
}

static void share_of(const struct pgd_site *s, int idx, int set, double z, struct pgd_share *out)
{
	memset(out, 0, sizeof(*out));
	out->total = s->total[set];
	out->weight = idx >= 0 ? s->callees[idx].weight[set] : 0;
	out->share = out->total ? (double)out->weight / (double)out->total : 0;
	pgd_wilson(out->weight, out->total, z, &out->lo, &out->hi);
}

static void set_verdict(struct pgd_verdict_out *out, enum pgd_verdict v, enum pgd_severity sev,
			enum pgd_message m)
{
	out->judged = 1;
	out->verdict = v;
	out->severity = sev;
	out->message = m;
}

/* The judgement of a site whose base weight is (or would be) guarded. */
static void guarded_verdict(const struct pgd_verdict_in *in, const struct pgd_check_opts *o,
			    struct pgd_verdict_out *out)
{
	if (in->base_share < o->threshold) {
		set_verdict(out, PGD_V_NEVER_DOMINANT, PGD_SEV_WARN, PGD_MSG_NEVER_DOMINANT);
		return;
	}
	/* A refreshed profile would guard another callee that now holds the threshold. */
	if (in->refresh_other && in->refresh_share >= o->threshold) {
		set_verdict(out, PGD_V_FLIPPED,
			    in->fresh_share < o->threshold ? PGD_SEV_RISK : PGD_SEV_WARN, PGD_MSG_FLIPPED);
		return;
	}
	if (in->fresh_share < o->threshold) {
		if (in->fresh_hi < o->threshold)
			set_verdict(out, PGD_V_STALE, PGD_SEV_RISK, PGD_MSG_STALE);
		else
			set_verdict(out, PGD_V_WEAK, PGD_SEV_WARN, PGD_MSG_WEAK);
		return;
	}
	set_verdict(out, PGD_V_OK, PGD_SEV_NONE, PGD_MSG_NONE);
}

/* A build without PGO guards nothing: the findings say what a -pgo build would get. */
static void nopgo_message(struct pgd_verdict_out *out)
{
	switch (out->verdict) {
	case PGD_V_STALE: case PGD_V_WEAK: case PGD_V_FLIPPED:
		out->message = PGD_MSG_NOPGO_STALE;
		break;
	case PGD_V_NEVER_DOMINANT:
		out->message = PGD_MSG_NOPGO_NEVER_DOMINANT;
		break;
	case PGD_V_VANISHED:
		out->message = PGD_MSG_NOPGO_VANISHED;
		break;
	case PGD_V_NEW_HOT_SITE:
		out->message = PGD_MSG_NOPGO_NEW_HOT_SITE;
		break;
	default:
		break;
	}
}

void pgd_drift_verdict(const struct pgd_verdict_in *in, const struct pgd_check_opts *o,
		       struct pgd_verdict_out *out)
{
	memset(out, 0, sizeof(*out));
	switch (in->cls) {
	case PGD_SC_NOT_A_SITE:
		return;
	case PGD_SC_GONE:
		/*
		 * The base's weight there is wasted, if the base made it a
		 * candidate, and production stopped calling there: a fresh
		 * capture that still hits the same (caller, offset) names the
		 * same old code as the base (--fresh equal to --base, or a
		 * capture of the build before a refactor). That is the
		 * profiles' staleness against this binary, one number for the
		 * whole profile (the stale-names and offset-drift warnings that
		 * check runs), not a drift of this site.
		 */
		if (in->in_base && in->candidate && in->fresh_total == 0)
			set_verdict(out, PGD_V_VANISHED, PGD_SEV_WARN, PGD_MSG_VANISHED);
		break;
	case PGD_SC_INDIRECT:
		if (!in->in_base) {
			if (in->fresh_total < o->min_samples)
				set_verdict(out, PGD_V_INSUFFICIENT, PGD_SEV_NONE, PGD_MSG_INSUFFICIENT);
			else if (in->refresh_guards)
				set_verdict(out, PGD_V_NEW_HOT_SITE, PGD_SEV_INFO, PGD_MSG_NEW_HOT_SITE);
			else
				set_verdict(out, PGD_V_OK, PGD_SEV_NONE, PGD_MSG_NOTHING_GUARDED);
		} else if (in->fresh_total < o->min_samples) {
			set_verdict(out, PGD_V_INSUFFICIENT, PGD_SEV_NONE, PGD_MSG_INSUFFICIENT);
		} else if (!in->guarded) {
			set_verdict(out, PGD_V_OK, PGD_SEV_NONE, PGD_MSG_NOTHING_GUARDED);
		} else {
			guarded_verdict(in, o, out);
		}
		break;
	}
	if (!out->judged)
		return;
	if (!in->pgo_build) {
		nopgo_message(out);
		return;
	}
	/*
	 * The binary is the truth: a PGO build without the guard here misses
	 * nothing today (the compiler had no IR for the callee or, as with Go
	 * 1.23.5, the guard was lost when the caller was inlined elsewhere).
	 */
	if (in->cls == PGD_SC_INDIRECT && in->guarded && !in->guard_in_binary &&
	    out->severity > PGD_SEV_INFO) {
		out->severity = PGD_SEV_INFO;
		out->message = PGD_MSG_NO_GUARD_IN_BINARY;
	}
}

const char *pgd_drift_message(enum pgd_message m)
{
	switch (m) {
	case PGD_MSG_NONE:
		return NULL;
	case PGD_MSG_STALE:
		return "the guarded type no longer dominates this call: refresh default.pgo from a current production capture";
	case PGD_MSG_WEAK:
		return "the guarded type may no longer dominate (the interval still reaches the threshold): capture longer, then refresh default.pgo";
	case PGD_MSG_FLIPPED:
		return "another type now dominates this call: refresh default.pgo so the compiler guards it";
	case PGD_MSG_NEVER_DOMINANT:
		return "the compiler guards a type that was below the threshold already in the committed profile: the guard misses on most calls";
	case PGD_MSG_NEW_HOT_SITE:
		return "hot now but absent from the committed profile: refreshing default.pgo lets the compiler devirtualize it";
	case PGD_MSG_VANISHED:
		return "the committed profile's call site no longer maps to a call in the binary (renamed or moved code): its weight is wasted; refresh default.pgo";
	case PGD_MSG_INSUFFICIENT:
		return "too few samples in the fresh capture to judge this call: capture longer";
	case PGD_MSG_NO_GUARD_IN_BINARY:
		return "no devirtualization guard at this call in the binary, so nothing misses today; a refreshed profile may add one";
	case PGD_MSG_NOTHING_GUARDED:
		return "the compiler guards nothing at this call (see no_guard_reason)";
	case PGD_MSG_NOPGO_STALE:
		return "built without PGO, nothing is guarded today; a build with this profile would guard a type the fresh capture no longer supports: build with -pgo from a current capture";
	case PGD_MSG_NOPGO_NEVER_DOMINANT:
		return "built without PGO, nothing is guarded today; a build with this profile would guard a type below the threshold";
	case PGD_MSG_NOPGO_VANISHED:
		return "the profile's call site no longer maps to a call in the binary; the binary was built without PGO, so build with -pgo from a current capture";
	case PGD_MSG_NOPGO_NEW_HOT_SITE:
		return "hot now but absent from the profile; the binary was built without PGO: build with -pgo from a current capture";
	}
	return NULL;
}

static int is_indirect(const struct pgd_site *s)
{
	return s->kind == PGD_SITE_INTERFACE || s->kind == PGD_SITE_FUNC_VALUE;
}

/* The callee the binary's guard names: by receiver type, or by function for func values. */
static int binary_guarded(const struct pgd_site *s)
{
	if (!s->binary_guard)
		return -1;
	for (size_t i = 0; i < s->ncallees; i++) {
		const char *c = s->kind == PGD_SITE_FUNC_VALUE ? s->callees[i].name : s->callees[i].recv_type;

		if (c && !strcmp(c, s->binary_guard))
			return (int)i;
	}
	return -1;
}

static enum pgd_site_class site_class(const struct pgd_site *s, const struct pgd_site_env *env)
{
	if (s->kind == PGD_SITE_MISSING_FUNCTION || s->kind == PGD_SITE_NONE)
		return PGD_SC_GONE;
	if (!is_indirect(s))
		return PGD_SC_NOT_A_SITE;
	return env->base_callees_gone ? PGD_SC_GONE : PGD_SC_INDIRECT;
}

void pgd_drift_judge(const struct pgd_site *s, const struct pgd_site_env *env,
		     const struct pgd_check_opts *o, struct pgd_site_drift *out)
{
	double z = o->confidence_z > 0 ? o->confidence_z : 1.96;
	struct pgd_choice base, fresh;
	struct pgd_verdict_in in;
	struct pgd_verdict_out v;
	int64_t fresh_total = s->total[1];

	memset(out, 0, sizeof(*out));
	memset(&in, 0, sizeof(in));
	out->site = s;
	in.cls = site_class(s, env);
	/*
	 * With stack attribution the shares use every frame pair, but the
	 * compiler only ever sees the last two frames: set 2 holds that view.
	 * A site that is gone is judged by what the base's build guarded,
	 * whose callees this binary may no longer have: no facts then.
	 */
	pgd_drift_choose(s, env->nsets > 2 ? 2 : 0, in.cls == PGD_SC_GONE ? NULL : env->base_facts,
			 &base);
	pgd_drift_choose(s, 1, env->fresh_facts, &fresh);
	out->mirrored = base.callee;
	out->mirrored_why = base.why;
	out->refreshed = fresh.callee;
	out->fresh_hottest = pgd_drift_hottest(s, 1);
	out->guard_in_binary = s->binary_guard != NULL;
	if (s->binary_guard) {
		/* The binary wins. */
		out->guarded = binary_guarded(s);
		out->guard = s->binary_guard;
	} else if (env->pgo_build && in.cls == PGD_SC_INDIRECT) {
		/*
		 * A PGO build whose machine code has no guard here: the compiler
		 * guarded nothing (no IR, or, as with Go 1.23.5, the guard lost
		 * when the caller was inlined). The mirrored choice stays a note.
		 */
		out->guarded = -1;
		out->mirrored_why = base.callee >= 0 ? PGD_NG_NOT_IN_BINARY : base.why;
	} else {
		/* No PGO: what a build with this profile would guard. */
		out->guarded = base.callee;
		if (base.callee >= 0)
			out->guard = s->callees[base.callee].name;
	}
	share_of(s, out->guarded, 0, z, &out->base);
	share_of(s, out->guarded, 1, z, &out->fresh);

	in.candidate = env->candidate;
	in.in_base = s->total[0] > 0;
	in.guarded = out->guard != NULL;
	in.guard_in_binary = out->guard_in_binary;
	in.pgo_build = env->pgo_build;
	in.refresh_guards = fresh.callee >= 0;
	/*
	 * Where the binary shows that the compiler chose otherwise than the
	 * mirrored rules did from the base (a rule approximated from the binary
	 * missed: a cross-package callee it would not inline, say), a refresh
	 * whose mirrored pick is that same callee is predicted to choose as
	 * the build did: the binary's guard. Without this, --fresh equal to
	 * --base reads as "flipped" at gofmt's (*trimmer).Write, where Go 1.26
	 * guards *sizeCounter and the rules pick *bytes.Buffer on a tie.
	 */
	if (s->binary_guard && base.callee >= 0 && fresh.callee == base.callee &&
	    out->guarded >= 0 && base.callee != out->guarded)
		fresh.callee = out->guarded;
	out->refreshed = fresh.callee;
	in.refresh_other = fresh.callee >= 0 && fresh.callee != out->guarded;
	in.refresh_share = fresh.callee >= 0 && fresh_total ?
		(double)s->callees[fresh.callee].weight[1] / (double)fresh_total : 0;
	in.fresh_total = fresh_total;
	in.base_share = out->base.share;
	in.fresh_share = out->fresh.share;
	in.fresh_hi = out->fresh.hi;
	pgd_drift_verdict(&in, o, &v);
	out->judged = v.judged;
	out->verdict = v.verdict;
	out->severity = v.severity;
	out->message = pgd_drift_message(v.message);
	/* Why nothing is guarded matters only where the base has weight to guard. */
	if (in.cls != PGD_SC_INDIRECT || !in.in_base || out->guard)
		out->mirrored_why = PGD_NG_NONE;
	if (v.message == PGD_MSG_NOTHING_GUARDED && out->mirrored_why == PGD_NG_NOT_IN_BINARY)
		out->message = pgd_drift_message(PGD_MSG_NO_GUARD_IN_BINARY);
	/* Samples the guard misses; for a new site, what a refreshed guard would catch. */
	if (v.verdict == PGD_V_NEW_HOT_SITE)
		out->cost = fresh.callee >= 0 ? (double)s->callees[fresh.callee].weight[1] : 0;
	else if (in.cls == PGD_SC_INDIRECT && in.in_base && in.guarded)
		out->cost = (double)fresh_total * (1.0 - out->fresh.share);
}
