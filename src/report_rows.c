// SPDX-License-Identifier: MIT
/*
 * Findings as rows for the one-line formats: the same order, paths, titles
 * and fingerprints whether a CI reads annotations, reviewdog input, GitLab
 * code quality or an editor's file:line list.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "report.h"
#include "srcpath.h"
#include "strbuf.h"

/* The input a finding without its own attaches to: the first profile (SARIF too). */
const char *pgd_rpt_finding_input(const struct pgd_report *r, const struct rpt_finding *f)
{
	if (f->input && *f->input)
		return f->input;
	for (size_t i = 0; i < r->ninputs; i++)
		if (r->inputs[i].path && r->inputs[i].format && strcmp(r->inputs[i].format, "elf") &&
		    strcmp(r->inputs[i].format, "dir"))
			return r->inputs[i].path;
	return r->ninputs ? r->inputs[0].path : NULL;
}

static struct rpt_row *add_row(struct rpt_rows *rows)
{
	struct rpt_row *v = pgd_arena_grow_for_append(&rows->arena, rows->v, rows->n, sizeof(*v));

	if (!v)
		return NULL;
	rows->v = v;
	memset(&v[rows->n], 0, sizeof(*v));
	return &v[rows->n++];
}

static int site_row(struct rpt_rows *rows, struct srcpath *sp, const struct rpt_site *s,
		    struct pgd_err *err)
{
	struct rpt_row *row = add_row(rows);
	struct strbuf msg = STRBUF_INIT;
	int ret;

	if (!row)
		return pgd_err_nomem(err, "");
	if ((ret = pgd_srcpath_source(sp, s->file, s->caller, &row->path, err)))
		return ret;
	row->severity = s->severity;
	row->rule = s->verdict ? s->verdict : s->kind ? s->kind : "site";
	row->raw_path = s->file && *s->file ? s->file : NULL;
	row->line = s->line > 0 ? s->line : 0;
	if (s->verdict)
		ret = pgd_rpt_site_text(&msg, s);
	else
		ret = pgd_strbuf_addf(&msg, "%s call%s%s in %s; guard in binary: %s", row->rule,
				  s->method ? " of " : "", s->method ? s->method : "",
				  s->caller ? s->caller : "?",
				  s->guard_checked ? (s->binary_guard ? s->binary_guard : "none") : "not checked");
	/* A row with no place in the repository still says where it is. */
	if (!ret && !row->path && row->raw_path)
		ret = pgd_strbuf_addf(&msg, " [at %s:%lld]", row->raw_path, (long long)row->line);
	row->message = ret ? NULL : pgd_arena_strdup(&rows->arena, msg.buf);
	row->title = pgd_arena_printf(&rows->arena, "pgodrift: %s in %s", row->rule,
				  s->caller ? s->caller : "?");
	/*
	 * The SARIF partialFingerprint's identity: caller, line offset, method.
	 * A line's direct calls and its function-value call are separate sites
	 * with one key (sites.c), so kinds other than the two check judges
	 * carry their kind (pgd_rpt_site_key); check's fingerprints stay what they were.
	 */
	row->identity = NULL;
	pgd_strbuf_reset(&msg);
	if (!pgd_strbuf_addstr(&msg, RPT_SITE_ID_PREFIX) &&
	    !pgd_rpt_site_key(&msg, s->caller, s->offset, s->method, s->kind))
		row->identity = pgd_arena_strdup(&rows->arena, msg.buf);
	pgd_strbuf_release(&msg);
	if (!row->message || !row->title || !row->identity)
		return pgd_err_nomem(err, "");
	return 0;
}

static int finding_row(struct rpt_rows *rows, struct srcpath *sp, const struct pgd_report *r,
		       const struct rpt_finding *f, struct pgd_err *err)
{
	struct rpt_row *row = add_row(rows);
	const char *input = pgd_rpt_finding_input(r, f);
	const char *id = f->id ? f->id : "finding";

	if (!row)
		return pgd_err_nomem(err, "");
	row->severity = f->severity;
	row->rule = id;
	row->raw_path = input;
	row->path = pgd_srcpath_input(sp, input);
	row->title = pgd_arena_printf(&rows->arena, "pgodrift: %s", id);
	/* The row's file is the input the finding is about, so the message need not name it. */
	row->message = pgd_arena_strdup(&rows->arena, f->message && *f->message ? f->message : id);
	row->identity = pgd_arena_printf(&rows->arena, "pgodriftFinding/v1:%s:%s", id,
				     row->path ? row->path : input ? input : "");
	if (!row->title || !row->message || !row->identity)
		return pgd_err_nomem(err, "");
	return 0;
}

/*
 * Inlining drift (issue #17): one row for the block, at the base profile
 * (the input whose hot set is stale), with the analysis's severity; then the
 * first RPT_INL_TOP entries of each list at their call sites, as info.
 */
static int inlining_summary_row(struct rpt_rows *rows, struct srcpath *sp, const struct pgd_report *r,
				struct pgd_err *err)
{
	const struct rpt_inlining *in = &r->inlining;
	const struct rpt_finding none = { .id = "inlining-drift" };
	struct rpt_row *row = add_row(rows);
	const char *input = pgd_rpt_finding_input(r, &none);
	size_t left = (in->nstale_hot > RPT_INL_TOP ? in->nstale_hot - RPT_INL_TOP : 0) +
		      (in->nmissed_hot > RPT_INL_TOP ? in->nmissed_hot - RPT_INL_TOP : 0);
	struct strbuf msg = STRBUF_INIT;
	int ret;

	if (!row)
		return pgd_err_nomem(err, "");
	row->severity = in->severity;
	row->rule = "inlining-drift";
	row->raw_path = input;
	row->path = pgd_srcpath_input(sp, input);
	row->title = "pgodrift: inlining drift";
	ret = pgd_rpt_inlining_line(r, &msg);
	if (!ret && pgd_strbuf_addstr(&msg, ": the committed profile makes the wrong call sites hot "
				      "for the inliner; refresh default.pgo"))
		ret = -1;
	if (!ret && left && pgd_strbuf_addf(&msg, " (%zu more site%s than listed here: see the JSON report)",
					   left, left == 1 ? "" : "s"))
		ret = -1;
	row->message = ret ? NULL : pgd_arena_strdup(&rows->arena, msg.buf);
	pgd_strbuf_release(&msg);
	row->identity = pgd_arena_printf(&rows->arena, "pgodriftFinding/v1:inlining-drift:%s",
				     row->path ? row->path : input ? input : "");
	if (!row->message || !row->identity)
		return pgd_err_nomem(err, "");
	return 0;
}

static int inlining_site_row(struct rpt_rows *rows, struct srcpath *sp, const struct pgd_report *r,
			     const struct rpt_inl_site *s, int stale, struct pgd_err *err)
{
	struct rpt_row *row = add_row(rows);
	const char *rule = stale ? "stale-hot" : "missed-hot";
	const struct rpt_finding none = { .id = rule };
	struct strbuf msg = STRBUF_INIT;
	int ret;

	if (!row)
		return pgd_err_nomem(err, "");
	if ((ret = pgd_srcpath_source(sp, s->file, s->caller, &row->path, err)))
		return ret;
	row->severity = PGD_SEV_INFO;
	row->rule = rule;
	row->raw_path = s->file && *s->file ? s->file : NULL;
	row->line = s->line > 0 ? s->line : 0;
	ret = pgd_rpt_inl_site_text(&msg, s, stale);
	if (!ret && !row->path && row->raw_path)
		ret = pgd_strbuf_addf(&msg, " [at %s:%lld]", row->raw_path, (long long)row->line);
	/*
	 * The binary does not say where the caller is (no function of that
	 * name in its tables): the row is the base profile's, which names the
	 * site, as a finding without a source line is (every consumer needs a path).
	 */
	if (!ret && !row->raw_path && (row->raw_path = pgd_rpt_finding_input(r, &none))) {
		row->path = pgd_srcpath_input(sp, row->raw_path);
		ret = pgd_strbuf_addf(&msg, " [at %s+%lld in the profile]", s->caller ? s->caller : "?",
				  (long long)s->offset);
	}
	row->message = ret ? NULL : pgd_arena_strdup(&rows->arena, msg.buf);
	pgd_strbuf_release(&msg);
	row->title = pgd_arena_printf(&rows->arena, "pgodrift: %s inlining in %s", rule,
				  s->caller ? s->caller : "?");
	/* The compiler's key for a call site (caller, offset) and the callee it inlines. */
	row->identity = pgd_arena_printf(&rows->arena, "pgodriftInline/v1:%s:%s+%lld>%s", rule,
				     s->caller ? s->caller : "", (long long)s->offset,
				     s->callee ? s->callee : "");
	if (!row->message || !row->title || !row->identity)
		return pgd_err_nomem(err, "");
	return 0;
}

static int inlining_rows(struct rpt_rows *rows, struct srcpath *sp, const struct pgd_report *r,
			 struct pgd_err *err)
{
	const struct rpt_inlining *in = &r->inlining;
	int ret;

	if (!pgd_rpt_inl_listed(r))
		return 0;
	if ((ret = inlining_summary_row(rows, sp, r, err)))
		return ret;
	for (size_t i = 0; !ret && i < in->nstale_hot && i < RPT_INL_TOP; i++)
		ret = inlining_site_row(rows, sp, r, &in->stale_hot[i], 1, err);
	for (size_t i = 0; !ret && i < in->nmissed_hot && i < RPT_INL_TOP; i++)
		ret = inlining_site_row(rows, sp, r, &in->missed_hot[i], 0, err);
	return ret;
}

int pgd_rpt_rows_build(struct rpt_rows *rows, const struct pgd_report *r,
		   const struct pgd_write_opts *opts, struct pgd_err *err)
{
	struct srcpath sp;
	size_t *idx = NULL, n = 0;
	int ret;

	memset(rows, 0, sizeof(*rows));
	pgd_arena_init(&rows->arena, 0);
	ret = pgd_srcpath_init(&sp, r, pgd_rpt_opt_source_root(opts), err);
	if (ret)
		goto out;
	if (pgd_rpt_rank_sites(r, r->kind == RPT_SITES, &idx, &n)) {
		ret = pgd_err_nomem(err, "");
		goto out;
	}
	for (size_t i = 0; !ret && r->kind != RPT_DOCTOR && i < n; i++)
		ret = site_row(rows, &sp, &r->sites[idx[i]], err);
	for (size_t i = 0; !ret && i < r->nfindings; i++)
		ret = finding_row(rows, &sp, r, &r->findings[i], err);
	if (!ret)
		ret = inlining_rows(rows, &sp, r, err);
	/* Paths live in sp's arena: copy them before it goes. */
	for (size_t i = 0; !ret && i < rows->n; i++) {
		if (rows->v[i].path && !(rows->v[i].path = pgd_arena_strdup(&rows->arena, rows->v[i].path)))
			ret = pgd_err_nomem(err, "");
	}
out:
	pgd_srcpath_release(&sp);
	free(idx);
	if (ret)
		pgd_rpt_rows_release(rows);
	return ret;
}

void pgd_rpt_rows_release(struct rpt_rows *rows)
{
	pgd_arena_release(&rows->arena);
	memset(rows, 0, sizeof(*rows));
}

void pgd_rpt_fingerprint(const char *s, char out[33])
{
	/* FNV-1a 64 with its standard offset basis, and again from a second basis. */
	uint64_t h1 = 0xcbf29ce484222325ULL, h2 = 0x84222325cbf29ce4ULL;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		h1 = (h1 ^ *p) * 0x100000001b3ULL;
		h2 = (h2 ^ *p) * 0x100000001b3ULL;
	}
	snprintf(out, 33, "%016llx%016llx", (unsigned long long)h1, (unsigned long long)h2);
}

int pgd_rpt_site_key(struct strbuf *sb, const char *caller, int64_t offset, const char *method,
		 const char *kind)
{
	int tag = kind && strcmp(kind, "interface") && strcmp(kind, "func-value");

	return pgd_strbuf_addf(sb, "%s+%lld:%s%s%s", caller ? caller : "", (long long)offset,
			   method ? method : "", tag ? "#" : "", tag ? kind : "");
}
