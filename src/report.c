// SPDX-License-Identifier: MIT
/*
 * The report model's allocation helpers and the writer table: the one place
 * that maps a --format name to a writer, and writes files atomically.
 */
#include "report.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cJSON.h>

#include "err.h"
#include "opts.h"
#include "fileio.h"
#include "sanitize.h"
#include "srcpath.h"
#include "strbuf.h"

static void *append(struct arena *a, void **arr, size_t *n, size_t elem)
{
	void *grown = pgd_arena_grow_for_append(a, *arr, *n, elem);

	if (!grown)
		return NULL;
	*arr = grown;
	return (char *)grown + (*n)++ * elem;
}

struct pgd_report *pgd_rpt_new(enum rpt_kind kind)
{
	struct arena a;
	struct pgd_report *r;

	pgd_arena_init(&a, 0);
	r = pgd_arena_alloc(&a, sizeof(*r));
	if (!r) {
		pgd_arena_release(&a);
		return NULL;
	}
	r->arena = a;
	r->kind = kind;
	r->tool_version = PGD_VERSION;
	switch (kind) {
	case RPT_SITES: r->schema = "pgodrift.sites/v1"; break;
	case RPT_CHECK: r->schema = "pgodrift.check/v1"; break;
	case RPT_DOCTOR: r->schema = "pgodrift.doctor/v1"; break;
	}
	return r;
}

struct rpt_input *pgd_rpt_add_input(struct pgd_report *r)
{
	return append(&r->arena, (void **)&r->inputs, &r->ninputs, sizeof(*r->inputs));
}

struct rpt_site *pgd_rpt_add_site(struct pgd_report *r)
{
	return append(&r->arena, (void **)&r->sites, &r->nsites, sizeof(*r->sites));
}

struct rpt_finding *pgd_rpt_add_finding(struct pgd_report *r)
{
	return append(&r->arena, (void **)&r->findings, &r->nfindings, sizeof(*r->findings));
}

struct rpt_figure *pgd_rpt_add_summary(struct pgd_report *r, const char *key)
{
	struct rpt_figure *f = append(&r->arena, (void **)&r->summary, &r->nsummary,
				      sizeof(*r->summary));

	if (f)
		f->key = key;
	return f;
}

struct rpt_param *pgd_rpt_add_param(struct pgd_report *r, const char *key)
{
	struct rpt_param *p = append(&r->arena, (void **)&r->params, &r->nparams, sizeof(*r->params));

	if (p) {
		p->key = key;
		p->value.key = key;
	}
	return p;
}

int pgd_rpt_add_note(struct pgd_report *r, const char *note)
{
	const char **slot = append(&r->arena, (void **)&r->notes, &r->nnotes, sizeof(*r->notes));

	if (!slot)
		return PGD_ENOMEM;
	*slot = pgd_arena_strdup(&r->arena, note);
	return *slot ? 0 : PGD_ENOMEM;
}

struct rpt_check_run *pgd_rpt_add_check(struct pgd_report *r, const char *id)
{
	struct rpt_check_run *c = append(&r->arena, (void **)&r->checks, &r->nchecks,
					 sizeof(*r->checks));

	if (c)
		c->id = id;
	return c;
}

struct rpt_figure *pgd_rpt_finding_figure(struct pgd_report *r, struct rpt_finding *f, const char *key)
{
	struct rpt_figure *fig = append(&r->arena, (void **)&f->figures, &f->nfigures,
					sizeof(*f->figures));

	if (fig)
		fig->key = key;
	return fig;
}

struct rpt_item *pgd_rpt_finding_item(struct pgd_report *r, struct rpt_finding *f, const char *name)
{
	struct rpt_item *it = append(&r->arena, (void **)&f->items, &f->nitems, sizeof(*f->items));

	if (it)
		it->name = name;
	return it;
}

struct rpt_figure *pgd_rpt_item_figure(struct pgd_report *r, struct rpt_item *it, const char *key)
{
	struct rpt_figure *fig = append(&r->arena, (void **)&it->figures, &it->nfigures,
					sizeof(*it->figures));

	if (fig)
		fig->key = key;
	return fig;
}

void pgd_rpt_fig_int(struct rpt_figure *f, int64_t v)
{
	f->type = FIG_INT;
	f->i = v;
}

void pgd_rpt_fig_real(struct rpt_figure *f, double v)
{
	f->type = FIG_REAL;
	f->r = v;
}

void pgd_rpt_fig_str(struct rpt_figure *f, const char *v)
{
	f->type = FIG_STR;
	f->s = v;
}

void pgd_rpt_fig_bool(struct rpt_figure *f, int v)
{
	f->type = FIG_BOOL;
	f->i = !!v;
}

const char *pgd_rpt_severity_name(enum pgd_severity s)
{
	switch (s) {
	case PGD_SEV_NONE: return "none";
	case PGD_SEV_INFO: return "info";
	case PGD_SEV_WARN: return "warn";
	case PGD_SEV_RISK: return "risk";
	}
	return "none";
}

enum pgd_severity pgd_report__worst_severity(const struct pgd_report *r)
{
	enum pgd_severity worst = PGD_SEV_NONE;

	for (size_t i = 0; i < r->nsites; i++)
		if (r->sites[i].severity > worst)
			worst = r->sites[i].severity;
	for (size_t i = 0; i < r->nfindings; i++)
		if (r->findings[i].severity > worst)
			worst = r->findings[i].severity;
	/*
	 * check's inlining drift: info unless the analysis raised it to warn
	 * (--inlining-warn-bytes), so only --fail-on warn can fail on it.
	 */
	if (r->kind == RPT_CHECK && r->inlining.ran && pgd_rpt_inl_listed(r) &&
	    r->inlining.severity > worst)
		worst = r->inlining.severity;
	return worst;
}

void pgd_report__free(struct pgd_report *r)
{
	struct arena a;

	if (!r)
		return;
	a = r->arena;   /* r itself lives in the arena */
	pgd_arena_release(&a);
}

static const struct rpt_writer writers[] = {
	{ "json", pgd_rpt_write_json },
	{ "text", pgd_rpt_write_text },
	{ "markdown", pgd_rpt_write_markdown },
	{ "sarif", pgd_rpt_write_sarif },
	{ "github", pgd_rpt_write_github },
	{ "codeclimate", pgd_rpt_write_codeclimate },
	{ "rdjsonl", pgd_rpt_write_rdjsonl },
	{ "line", pgd_rpt_write_line },
};

int pgd_report__has_format(const char *format)
{
	for (size_t i = 0; format && i < PGD_ARRAY_SIZE(writers); i++)
		if (!strcmp(writers[i].name, format))
			return 1;
	return 0;
}

const char *pgd_rpt_opt_source_root(const struct pgd_write_opts *o)
{
	return PGD_OPTS_HAS(o, struct pgd_write_opts, source_root) ? o->source_root : NULL;
}

const char *pgd_rpt_opt_link_base(const struct pgd_write_opts *o)
{
	return PGD_OPTS_HAS(o, struct pgd_write_opts, link_base) ? o->link_base : NULL;
}

int pgd_report__check_paths(const struct pgd_report *r, const struct pgd_write_opts *opts,
			    struct pgd_err *err)
{
	struct pgd_write_opts o;
	int ret;

	if ((ret = pgd_write_opts_resolve(opts, &o, err)))   /* opts.h */
		return ret;
	return pgd_srcpath_check_report(r, o.source_root, err);
}

struct ranked {
	const struct rpt_site *s;
	size_t i;
};

static int cmp_ranked(const void *pa, const void *pb)
{
	const struct ranked *x = pa, *y = pb;
	const struct rpt_site *a = x->s, *b = y->s;
	double ca = isfinite(a->cost) ? a->cost : 0, cb = isfinite(b->cost) ? b->cost : 0;
	int c;

	if (a->severity != b->severity)
		return a->severity > b->severity ? -1 : 1;
	if (ca != cb)
		return ca > cb ? -1 : 1;
	if ((c = strcmp(a->caller ? a->caller : "", b->caller ? b->caller : "")))
		return c;
	if (a->offset != b->offset)
		return a->offset < b->offset ? -1 : 1;
	if ((c = strcmp(a->method ? a->method : "", b->method ? b->method : "")))
		return c;
	return x->i < y->i ? -1 : x->i > y->i;
}

int pgd_rpt_rank_sites(const struct pgd_report *r, int all, size_t **idx, size_t *n)
{
	struct ranked *tmp = calloc(r->nsites ? r->nsites : 1, sizeof(*tmp));
	size_t k = 0;

	*idx = NULL;
	*n = 0;
	if (!tmp)
		return PGD_ENOMEM;
	for (size_t i = 0; i < r->nsites; i++)
		if (all || r->sites[i].severity > PGD_SEV_NONE)
			tmp[k++] = (struct ranked){ &r->sites[i], i };
	if (!all)
		qsort(tmp, k, sizeof(*tmp), cmp_ranked);
	*idx = malloc((k ? k : 1) * sizeof(**idx));
	if (!*idx) {
		free(tmp);
		return PGD_ENOMEM;
	}
	for (size_t i = 0; i < k; i++)
		(*idx)[i] = tmp[i].i;
	*n = k;
	free(tmp);
	return 0;
}

int pgd_rpt_site_text(struct strbuf *sb, const struct rpt_site *s)
{
	const char *what = s->verdict ? s->verdict : s->kind ? s->kind : "site";

	if (s->message && *s->message) {
		if (pgd_strbuf_addstr(sb, s->message))
			return -1;
	} else if (pgd_strbuf_addf(sb, "%s call site in %s", what, s->caller ? s->caller : "?")) {
		return -1;
	}
	if (s->guarded && pgd_strbuf_addf(sb, " (guarded: %s", s->guarded_type ? s->guarded_type : s->guarded))
		return -1;
	if (s->guarded && s->base.present && s->fresh.present &&
	    pgd_strbuf_addf(sb, ", share %.0f%% -> %.0f%%", 100 * s->base.share, 100 * s->fresh.share))
		return -1;
	if (s->guarded && s->fresh_hottest && pgd_strbuf_addf(sb, ", fresh hottest: %s", s->fresh_hottest))
		return -1;
	if (s->guarded && pgd_strbuf_addch(sb, ')'))
		return -1;
	return 0;
}

int pgd_report__write(const struct pgd_report *r, const char *format,
		      const struct pgd_write_opts *opts, FILE *f, struct pgd_err *err)
{
	struct pgd_write_opts o;
	int ret;

	/* The writers read the resolved copy only (opts.h). */
	if ((ret = pgd_write_opts_resolve(opts, &o, err)))
		return ret;
	for (size_t i = 0; i < PGD_ARRAY_SIZE(writers); i++) {
		if (!strcmp(writers[i].name, format)) {
			ret = writers[i].write(r, &o, f, err);

			if (!ret && (fflush(f) || ferror(f)))
				ret = pgd_err_set(err, PGD_EIO, "", "cannot write output: %s",
						  strerror(errno));
			return ret;
		}
	}
	return pgd_err_set(err, PGD_EUSAGE, "", "unknown format '%s' (json, text, markdown, sarif, github, codeclimate, "
			   "rdjsonl, line)",
			   format);
}

struct write_job {
	const struct pgd_report *r;
	const char *format;
	const struct pgd_write_opts *opts;
};

static int emit_report(void *ctx, FILE *f, struct pgd_err *err)
{
	const struct write_job *j = ctx;

	return pgd_report__write(j->r, j->format, j->opts, f, err);
}

/* Atomic for regular files, direct for devices and pipes (fileio.h). */
int pgd_report__write_file(const struct pgd_report *r, const char *format,
			   const struct pgd_write_opts *opts, const char *path,
			   struct pgd_err *err)
{
	struct write_job j = { r, format, opts };

	return pgd_write_output(path, emit_report, &j, err);
}

int pgd_rpt_emit_cjson(struct cJSON *root, FILE *f, struct pgd_err *err)
{
	char *text = root ? cJSON_Print(root) : NULL;
	char *utf8 = NULL;
	size_t len = 0;
	int ret = 0;

	/* JSON and SARIF must be UTF-8: bytes of names that are not become U+FFFD (sanitize.h). */
	if (text)
		utf8 = pgd_utf8_repair(text, strlen(text), &len);
	if (!utf8)
		ret = pgd_err_nomem(err, "");
	else if (fwrite(utf8, 1, len, f) != len || fputc('\n', f) == EOF)
		ret = pgd_err_set(err, PGD_EIO, "", "cannot write output: %s", strerror(errno));
	free(utf8);
	free(text);
	cJSON_Delete(root);
	return ret;
}

/* ---- check's outcome (issue #10) ------------------------------------------------ */

int pgd_rpt_add_reason(struct pgd_report *r, const char *id, const char *message)
{
	struct rpt_reason *slot = append(&r->arena, (void **)&r->reasons, &r->nreasons,
					 sizeof(*r->reasons));

	if (!slot)
		return PGD_ENOMEM;
	slot->id = id;
	slot->message = pgd_arena_strdup(&r->arena, message);
	return slot->message ? 0 : PGD_ENOMEM;
}

int pgd_rpt_add_advice(struct pgd_report *r, const char *advice)
{
	const char **slot = append(&r->arena, (void **)&r->advice, &r->nadvice, sizeof(*r->advice));

	if (!slot)
		return PGD_ENOMEM;
	*slot = pgd_arena_strdup(&r->arena, advice);
	return *slot ? 0 : PGD_ENOMEM;
}

const char *pgd_rpt_outcome_name(enum pgd_outcome o)
{
	switch (o) {
	case PGD_OUTCOME_CLEAN: return "clean";
	case PGD_OUTCOME_FINDINGS: return "findings";
	case PGD_OUTCOME_INCONCLUSIVE: return "inconclusive";
	}
	return "clean";
}

enum pgd_outcome pgd_report__outcome(const struct pgd_report *r)
{
	return r ? r->outcome : PGD_OUTCOME_CLEAN;
}
