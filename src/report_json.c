// SPDX-License-Identifier: MIT
/*
 * JSON writer: the machine contract. Written only through cJSON (which
 * escapes correctly; see style-anchors.md on hand-rolled JSON escaping), keys
 * in a fixed order, every documented key always present (null when unknown)
 * so consumers need no existence checks. Schema: doc/schema/.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "err.h"
#include "report.h"

/* Reals are rounded so that output is stable and readable (0.35, not 0.35000000000000003). */
static double round6(double v)
{
	if (!isfinite(v))
		return 0;
	return round(v * 1e6) / 1e6;
}

static cJSON *str_or_null(const char *s)
{
	return s ? cJSON_CreateString(s) : cJSON_CreateNull();
}

/*
 * An integer, exactly. cJSON keeps numbers as doubles and prints one past
 * 2^53 as 1.7956486805308129e+18: a profile's time_nanos would lose its
 * last digits and fail the schema's "integer". Those go out as raw digits.
 */
static cJSON *int_json(int64_t v)
{
	char buf[24];

	if (v >= -(INT64_C(1) << 53) && v <= (INT64_C(1) << 53))
		return cJSON_CreateNumber((double)v);
	snprintf(buf, sizeof(buf), "%" PRId64, v);
	return cJSON_CreateRaw(buf);
}

static cJSON *figure_value(const struct rpt_figure *f)
{
	switch (f->type) {
	case FIG_INT: return int_json(f->i);
	case FIG_REAL: return cJSON_CreateNumber(round6(f->r));
	case FIG_STR: return str_or_null(f->s);
	case FIG_BOOL: return cJSON_CreateBool((int)f->i);
	}
	return cJSON_CreateNull();
}

static void add_figures(cJSON *obj, const struct rpt_figure *figs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToObject(obj, figs[i].key, figure_value(&figs[i]));
}

static void add_int(cJSON *o, const char *k, int64_t v)
{
	cJSON_AddItemToObject(o, k, int_json(v));
}

static void add_real(cJSON *o, const char *k, double v)
{
	cJSON_AddItemToObject(o, k, cJSON_CreateNumber(round6(v)));
}

static cJSON *input_json(const struct pgd_report *r, const struct rpt_input *in)
{
	cJSON *o = cJSON_CreateObject();
	int is_binary = in->format && !strcmp(in->format, "elf");

	cJSON_AddItemToObject(o, "role", str_or_null(in->role));
	cJSON_AddItemToObject(o, "path", str_or_null(in->path));
	add_int(o, "size", (int64_t)in->size);
	cJSON_AddItemToObject(o, "format", str_or_null(in->format));
	if (is_binary) {
		cJSON_AddItemToObject(o, "go_version", str_or_null(in->go_version));
		cJSON_AddItemToObject(o, "pgo", str_or_null(in->pgo_setting));
		cJSON_AddItemToObject(o, "main_module", str_or_null(in->main_module));
		cJSON_AddItemToObject(o, "build_id", str_or_null(in->build_id));
		cJSON_AddItemToObject(o, "arch", str_or_null(in->arch));
		if (r->kind == RPT_CHECK)
			cJSON_AddItemToObject(o, "gnu_build_id", str_or_null(in->gnu_build_id));
	} else if (in->format && strcmp(in->format, "dir")) {
		add_int(o, "samples", in->samples);
		add_int(o, "total_value", in->total_value);
		add_int(o, "edge_weight", in->edge_weight);
		add_int(o, "time_nanos", in->time_nanos);
		add_int(o, "duration_nanos", in->duration_nanos);
		if (r->kind == RPT_CHECK) {
			cJSON_AddItemToObject(o, "build_id", str_or_null(in->mapping_build_id));
			cJSON_AddItemToObject(o, "captured_from", str_or_null(in->captured_from));
		}
	}
	return o;
}

static cJSON *share_json(const struct rpt_share *s)
{
	cJSON *o;

	if (!s->present)
		return cJSON_CreateNull();
	o = cJSON_CreateObject();
	add_int(o, "weight", s->weight);
	add_int(o, "site_weight", s->total);
	add_real(o, "share", s->share);
	add_real(o, "ci_low", s->lo);
	add_real(o, "ci_high", s->hi);
	return o;
}

static cJSON *site_json(const struct pgd_report *r, const struct rpt_site *s)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *callees = cJSON_CreateArray();

	if (r->kind == RPT_CHECK) {
		cJSON_AddItemToObject(o, "verdict", str_or_null(s->verdict));
		cJSON_AddItemToObject(o, "severity",
				      cJSON_CreateString(pgd_rpt_severity_name(s->severity)));
	}
	cJSON_AddItemToObject(o, "caller", str_or_null(s->caller));
	cJSON_AddItemToObject(o, "file", str_or_null(s->file));
	add_int(o, "line", s->line);
	add_int(o, "offset", s->offset);
	cJSON_AddItemToObject(o, "kind", str_or_null(s->kind));
	cJSON_AddItemToObject(o, "method", str_or_null(s->method));
	cJSON_AddItemToObject(o, "interface", str_or_null(s->iface));
	if (r->kind == RPT_CHECK) {
		cJSON_AddItemToObject(o, "guarded", str_or_null(s->guarded));
		cJSON_AddItemToObject(o, "guarded_type", str_or_null(s->guarded_type));
		cJSON_AddItemToObject(o, "base_share", share_json(&s->base));
		cJSON_AddItemToObject(o, "fresh_share", share_json(&s->fresh));
		cJSON_AddItemToObject(o, "fresh_hottest", str_or_null(s->fresh_hottest));
		add_int(o, "base_weight", s->base_weight);
		add_int(o, "fresh_weight", s->fresh_weight);
		add_real(o, "base_weight_share", s->base_weight_share);
		add_real(o, "fresh_weight_share", s->fresh_weight_share);
		add_real(o, "cost", s->cost);
		if (s->has_overlap)
			add_real(o, "overlap", s->overlap);
		else
			cJSON_AddItemToObject(o, "overlap", cJSON_CreateNull());
	} else {
		add_int(o, "weight", s->base_weight);
		add_real(o, "weight_share", s->base_weight_share);
	}
	{
		cJSON *bin = cJSON_CreateObject();

		cJSON_AddItemToObject(bin, "checked", cJSON_CreateBool(s->guard_checked));
		cJSON_AddItemToObject(bin, "guard", str_or_null(s->binary_guard));
		add_int(bin, "direct_calls", (int64_t)s->ncalls_direct);
		add_int(bin, "indirect_calls", (int64_t)s->ncalls_indirect);
		cJSON_AddItemToObject(o, "binary", bin);
	}
	for (size_t i = 0; i < s->ncallees; i++) {
		const struct rpt_callee *c = &s->callees[i];
		cJSON *co = cJSON_CreateObject();

		cJSON_AddItemToObject(co, "name", str_or_null(c->name));
		cJSON_AddItemToObject(co, "type", str_or_null(c->type));
		if (r->kind == RPT_CHECK) {
			add_int(co, "base_weight", c->base_weight);
			add_real(co, "base_share", c->base_share);
			add_int(co, "fresh_weight", c->fresh_weight);
			add_real(co, "fresh_share", c->fresh_share);
		} else {
			add_int(co, "weight", c->base_weight);
			add_real(co, "share", c->base_share);
		}
		cJSON_AddItemToArray(callees, co);
	}
	cJSON_AddItemToObject(o, "callees", callees);
	cJSON_AddItemToObject(o, "message", str_or_null(s->message));
	if (r->kind == RPT_CHECK) {
		cJSON_AddItemToObject(o, "mirrored", str_or_null(s->mirrored));
		cJSON_AddItemToObject(o, "no_guard_reason", str_or_null(s->no_guard_reason));
	}
	return o;
}

static cJSON *finding_json(const struct rpt_finding *f)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *figs = cJSON_CreateObject();
	cJSON *items = cJSON_CreateArray();

	cJSON_AddItemToObject(o, "id", str_or_null(f->id));
	cJSON_AddItemToObject(o, "severity", cJSON_CreateString(pgd_rpt_severity_name(f->severity)));
	cJSON_AddItemToObject(o, "input", str_or_null(f->input));
	cJSON_AddItemToObject(o, "message", str_or_null(f->message));
	add_figures(figs, f->figures, f->nfigures);
	cJSON_AddItemToObject(o, "figures", figs);
	for (size_t i = 0; i < f->nitems; i++) {
		cJSON *io = cJSON_CreateObject();

		cJSON_AddItemToObject(io, "name", str_or_null(f->items[i].name));
		add_figures(io, f->items[i].figures, f->items[i].nfigures);
		cJSON_AddItemToArray(items, io);
	}
	cJSON_AddItemToObject(o, "items", items);
	return o;
}

/* 1 -> true, 0 -> false, anything else (-1: cannot tell) -> null. */
static cJSON *tristate_json(int v)
{
	return v == 1 ? cJSON_CreateTrue() : v == 0 ? cJSON_CreateFalse() : cJSON_CreateNull();
}

static cJSON *inl_sites_json(const struct rpt_inl_site *v, size_t n)
{
	cJSON *arr = cJSON_CreateArray();

	for (size_t i = 0; i < n; i++) {
		const struct rpt_inl_site *s = &v[i];
		cJSON *o = cJSON_CreateObject();

		cJSON_AddItemToObject(o, "caller", str_or_null(s->caller));
		cJSON_AddItemToObject(o, "callee", str_or_null(s->callee));
		cJSON_AddItemToObject(o, "file", str_or_null(s->file));
		add_int(o, "line", s->line);
		add_int(o, "offset", s->offset);
		add_int(o, "base_weight", s->base_weight);
		add_int(o, "fresh_weight", s->fresh_weight);
		add_real(o, "base_share", s->base_share);
		add_real(o, "fresh_share", s->fresh_share);
		cJSON_AddItemToObject(o, "inlined", tristate_json(s->inlined));
		add_int(o, "bytes", s->bytes > INT64_MAX ? INT64_MAX : (int64_t)s->bytes);
		cJSON_AddItemToObject(o, "needed_hot_budget", tristate_json(s->needed_hot_budget));
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

/*
 * check's "inlining" member (schema: added within v1, optional). A report
 * whose analysis neither ran nor said why it was skipped (a library older
 * than the analysis) has none, so earlier documents are unchanged.
 */
static void add_inlining(cJSON *root, const struct pgd_report *r)
{
	const struct rpt_inlining *in = &r->inlining;
	cJSON *o, *sum;

	if (!in->ran && !in->skipped_why)
		return;
	o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "ran", cJSON_CreateBool(in->ran));
	cJSON_AddItemToObject(o, "skipped_why", str_or_null(in->ran ? NULL : in->skipped_why));
	if (in->ran) {
		cJSON_AddItemToObject(o, "severity", cJSON_CreateString(pgd_rpt_severity_name(in->severity)));
		add_real(o, "threshold_base", in->threshold_base);
		add_real(o, "threshold_fresh", in->threshold_fresh);
		add_int(o, "hot_sites_base", (int64_t)in->nhot_base);
		add_int(o, "hot_sites_fresh", (int64_t)in->nhot_fresh);
		cJSON_AddItemToObject(o, "stale_hot", inl_sites_json(in->stale_hot, in->nstale_hot));
		cJSON_AddItemToObject(o, "missed_hot", inl_sites_json(in->missed_hot, in->nmissed_hot));
		sum = cJSON_CreateObject();
		add_int(sum, "stale_hot", (int64_t)in->nstale_hot);
		add_int(sum, "stale_hot_bytes",
			in->stale_hot_bytes > INT64_MAX ? INT64_MAX : (int64_t)in->stale_hot_bytes);
		add_int(sum, "missed_hot", (int64_t)in->nmissed_hot);
		add_real(sum, "missed_hot_fresh_share", in->missed_hot_fresh_share);
		cJSON_AddItemToObject(o, "summary", sum);
	}
	cJSON_AddItemToObject(root, "inlining", o);
}

static cJSON *report_json(const struct pgd_report *r)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *tool = cJSON_CreateObject();
	cJSON *inputs = cJSON_CreateArray();
	cJSON *params = cJSON_CreateObject();
	cJSON *summary = cJSON_CreateObject();
	cJSON *findings = cJSON_CreateArray();
	cJSON *notes = cJSON_CreateArray();

	cJSON_AddItemToObject(root, "schema", cJSON_CreateString(r->schema));
	cJSON_AddItemToObject(tool, "name", cJSON_CreateString("pgodrift"));
	cJSON_AddItemToObject(tool, "version", cJSON_CreateString(r->tool_version));
	cJSON_AddItemToObject(root, "tool", tool);
	for (size_t i = 0; i < r->ninputs; i++)
		cJSON_AddItemToArray(inputs, input_json(r, &r->inputs[i]));
	cJSON_AddItemToObject(root, "inputs", inputs);
	for (size_t i = 0; i < r->nparams; i++)
		cJSON_AddItemToObject(params, r->params[i].key, figure_value(&r->params[i].value));
	cJSON_AddItemToObject(root, "parameters", params);
	add_figures(summary, r->summary, r->nsummary);
	if (r->kind == RPT_CHECK) {
		cJSON *reasons = cJSON_CreateArray();
		cJSON *advice = cJSON_CreateArray();

		cJSON_AddItemToObject(summary, "outcome", cJSON_CreateString(pgd_rpt_outcome_name(r->outcome)));
		for (size_t i = 0; i < r->nreasons; i++) {
			cJSON *ro = cJSON_CreateObject();

			cJSON_AddItemToObject(ro, "id", str_or_null(r->reasons[i].id));
			cJSON_AddItemToObject(ro, "message", str_or_null(r->reasons[i].message));
			cJSON_AddItemToArray(reasons, ro);
		}
		cJSON_AddItemToObject(summary, "reasons", reasons);
		for (size_t i = 0; i < r->nadvice; i++)
			cJSON_AddItemToArray(advice, cJSON_CreateString(r->advice[i]));
		cJSON_AddItemToObject(summary, "advice", advice);
	}
	cJSON_AddItemToObject(root, "summary", summary);
	if (r->kind != RPT_DOCTOR) {
		cJSON *sites = cJSON_CreateArray();

		for (size_t i = 0; i < r->nsites; i++)
			cJSON_AddItemToArray(sites, site_json(r, &r->sites[i]));
		cJSON_AddItemToObject(root, "sites", sites);
	}
	for (size_t i = 0; i < r->nfindings; i++)
		cJSON_AddItemToArray(findings, finding_json(&r->findings[i]));
	cJSON_AddItemToObject(root, r->kind == RPT_DOCTOR ? "findings" : "warnings", findings);
	if (r->kind == RPT_CHECK)
		add_inlining(root, r);
	if (r->kind == RPT_DOCTOR) {
		cJSON *checks = cJSON_CreateArray();

		for (size_t i = 0; i < r->nchecks; i++) {
			cJSON *c = cJSON_CreateObject();

			cJSON_AddItemToObject(c, "id", cJSON_CreateString(r->checks[i].id));
			cJSON_AddItemToObject(c, "ran", cJSON_CreateBool(r->checks[i].ran));
			cJSON_AddItemToObject(c, "skipped", str_or_null(r->checks[i].skipped_why));
			cJSON_AddItemToArray(checks, c);
		}
		cJSON_AddItemToObject(root, "checks", checks);
	}
	for (size_t i = 0; i < r->nnotes; i++)
		cJSON_AddItemToArray(notes, cJSON_CreateString(r->notes[i]));
	cJSON_AddItemToObject(root, "notes", notes);
	return root;
}

int pgd_rpt_write_json(const struct pgd_report *r, const struct pgd_write_opts *opts, FILE *f,
		   struct pgd_err *err)
{
	(void)opts;
	return pgd_rpt_emit_cjson(report_json(r), f, err);
}
