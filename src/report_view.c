// SPDX-License-Identifier: MIT
/*
 * The report's public getters (pgodrift.h, "Walking a report without
 * JSON"): libbpf-style views over the report model of report.h, so a program
 * linking libpgodrift reads findings without writing and parsing JSON.
 * Each view is filled in full here, then copied up to the caller's sz: a
 * caller built against an older, shorter view gets the fields it knows.
 */
#include <string.h>

#include "err.h"
#include "report.h"

/* Copies a filled view into the caller's, keeping the caller's sz. */
static int put_view(void *dst, const void *src, size_t ours_sz)
{
	size_t user_sz;

	memcpy(&user_sz, dst, sizeof(user_sz));
	if (user_sz < sizeof(size_t))
		return PGD_EUSAGE;
	memcpy((unsigned char *)dst + sizeof(size_t), (const unsigned char *)src + sizeof(size_t),
	       (user_sz < ours_sz ? user_sz : ours_sz) - sizeof(size_t));
	return 0;
}

const char *pgd_report__schema(const struct pgd_report *r)
{
	return r ? r->schema : NULL;
}

size_t pgd_report__nsites(const struct pgd_report *r)
{
	return r ? r->nsites : 0;
}

int pgd_report__site(const struct pgd_report *r, size_t i, struct pgd_site_view *view)
{
	const struct rpt_site *s;
	struct pgd_site_view v;

	if (!r || !view || i >= r->nsites)
		return PGD_EUSAGE;
	s = &r->sites[i];
	memset(&v, 0, sizeof(v));
	v.caller = s->caller;
	v.offset = s->offset;
	v.method = s->method;
	v.file = s->file;
	v.line = s->line;
	v.kind = s->kind;
	v.iface = s->iface;
	v.verdict = s->verdict;
	v.severity = s->severity;
	v.guarded = s->guarded;
	v.guarded_type = s->guarded_type;
	v.base_share = s->base.share;
	v.fresh_share = s->fresh.share;
	v.fresh_lo = s->fresh.lo;
	v.fresh_hi = s->fresh.hi;
	v.fresh_hottest = s->fresh_hottest;
	v.base_weight = s->base_weight;
	v.fresh_weight = s->fresh_weight;
	v.cost = s->cost;
	v.message = s->message;
	v.ncallees = s->ncallees;
	return put_view(view, &v, sizeof(v));
}

int pgd_report__site_callee(const struct pgd_report *r, size_t i, size_t j,
			    struct pgd_callee_view *view)
{
	const struct rpt_callee *c;
	struct pgd_callee_view v;

	if (!r || !view || i >= r->nsites || j >= r->sites[i].ncallees)
		return PGD_EUSAGE;
	c = &r->sites[i].callees[j];
	memset(&v, 0, sizeof(v));
	v.name = c->name;
	v.type = c->type;
	v.base_weight = c->base_weight;
	v.fresh_weight = c->fresh_weight;
	v.base_share = c->base_share;
	v.fresh_share = c->fresh_share;
	return put_view(view, &v, sizeof(v));
}

size_t pgd_report__nfindings(const struct pgd_report *r)
{
	return r ? r->nfindings : 0;
}

int pgd_report__finding(const struct pgd_report *r, size_t i, struct pgd_finding_view *view)
{
	const struct rpt_finding *f;
	struct pgd_finding_view v;

	if (!r || !view || i >= r->nfindings)
		return PGD_EUSAGE;
	f = &r->findings[i];
	memset(&v, 0, sizeof(v));
	v.id = f->id;
	v.severity = f->severity;
	v.input = f->input;
	v.message = f->message;
	return put_view(view, &v, sizeof(v));
}

int pgd_report__summary_int(const struct pgd_report *r, const char *key, int64_t *value)
{
	for (size_t i = 0; r && key && i < r->nsummary; i++) {
		if (r->summary[i].type == FIG_INT && r->summary[i].key &&
		    !strcmp(r->summary[i].key, key)) {
			*value = r->summary[i].i;
			return 0;
		}
	}
	return PGD_EUSAGE;
}

int pgd_report__inlining(const struct pgd_report *r, struct pgd_inlining_view *view)
{
	const struct rpt_inlining *in;
	struct pgd_inlining_view v;

	if (!r || !view)
		return PGD_EUSAGE;
	memset(&v, 0, sizeof(v));
	if (r->kind == RPT_CHECK) {
		in = &r->inlining;
		v.ran = in->ran;
		v.skipped_why = in->ran ? NULL : in->skipped_why;
		v.severity = in->severity;
		v.threshold_base = in->threshold_base;
		v.threshold_fresh = in->threshold_fresh;
		v.nhot_base = in->nhot_base;
		v.nhot_fresh = in->nhot_fresh;
		v.nstale_hot = in->ran ? in->nstale_hot : 0;
		v.nmissed_hot = in->ran ? in->nmissed_hot : 0;
		v.stale_hot_bytes = in->stale_hot_bytes;
		v.missed_hot_fresh_share = in->missed_hot_fresh_share;
	}
	return put_view(view, &v, sizeof(v));
}

int pgd_report__inlining_site(const struct pgd_report *r, enum pgd_inl_list list, size_t i,
			      struct pgd_inl_site_view *view)
{
	const struct rpt_inl_site *s;
	struct pgd_inl_site_view v;
	size_t n;

	if (!r || !view || r->kind != RPT_CHECK || !r->inlining.ran)
		return PGD_EUSAGE;
	if (list == PGD_INL_STALE_HOT) {
		s = r->inlining.stale_hot;
		n = r->inlining.nstale_hot;
	} else if (list == PGD_INL_MISSED_HOT) {
		s = r->inlining.missed_hot;
		n = r->inlining.nmissed_hot;
	} else {
		return PGD_EUSAGE;
	}
	if (i >= n)
		return PGD_EUSAGE;
	s += i;
	memset(&v, 0, sizeof(v));
	v.caller = s->caller;
	v.callee = s->callee;
	v.file = s->file;
	v.line = s->line;
	v.offset = s->offset;
	v.base_weight = s->base_weight;
	v.fresh_weight = s->fresh_weight;
	v.base_share = s->base_share;
	v.fresh_share = s->fresh_share;
	v.inlined = s->inlined;
	v.bytes = s->bytes;
	v.needed_hot_budget = s->needed_hot_budget;
	return put_view(view, &v, sizeof(v));
}
