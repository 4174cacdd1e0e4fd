// SPDX-License-Identifier: MIT
/*
 * Text writer: aligned tables for a person at a terminal. Column widths are
 * measured from the cells (never guessed), and colour marks severity only:
 * it is decided by the caller (opts->color: stdout is a terminal and NO_COLOR
 * is unset), so a pipe or a file never receives escape sequences. Output is
 * ASCII apart from the names themselves, so byte counts equal column widths
 * for everything pgodrift itself writes.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "report.h"
#include "sanitize.h"
#include "staleness.h"
#include "strbuf.h"

#define COL_RED "\033[31m"
#define COL_YELLOW "\033[33m"
#define COL_CYAN "\033[36m"
#define COL_GREEN "\033[32m"
#define COL_BOLD "\033[1m"
#define COL_RESET "\033[0m"

/* A long cell (a generic instantiation's name) would push every row off the screen. */
#define MAX_CELL 72
#define MAX_COLS 10

struct table {
	struct arena *a;
	size_t ncols, nrows, alloc;
	const char **cells;          /* nrows * ncols, row-major; row 0 is the header */
	enum pgd_severity *sev;      /* per row: colours column `sev_col` */
	int sev_col;                 /* -1: no colour column */
};

struct text_ctx {
	struct arena a;              /* every formatted cell; released once */
	FILE *f;
	int color;
};

static const char *sev_color(enum pgd_severity s)
{
	switch (s) {
	case PGD_SEV_RISK: return COL_RED;
	case PGD_SEV_WARN: return COL_YELLOW;
	case PGD_SEV_INFO: return COL_CYAN;
	case PGD_SEV_NONE: return COL_GREEN;
	}
	return "";
}

/* Shortens s to MAX_CELL bytes, keeping the end (a method name says more than a package prefix). */
static const char *cell(struct arena *a, const char *s)
{
	size_t len;

	if (!s || !*s)
		return "-";
	/* Names come from inputs: control bytes are escaped (sanitize.h). */
	if (!(s = pgd_escape_text(a, s)))
		return NULL;
	len = strlen(s);
	if (len <= MAX_CELL)
		return s;
	return pgd_arena_printf(a, "...%s", s + len - (MAX_CELL - 3));
}

static int table_init(struct table *t, struct arena *a, size_t ncols, int sev_col)
{
	memset(t, 0, sizeof(*t));
	t->a = a;
	t->ncols = ncols;
	t->sev_col = sev_col;
	return 0;
}

/* Adds a row of ncols cells (NULL cells print as "-"); returns 0 or PGD_ENOMEM. */
static int table_row(struct table *t, enum pgd_severity sev, const char *const *cells)
{
	if (t->nrows == t->alloc) {
		size_t alloc = t->alloc ? t->alloc * 2 : 16;
		const char **c = pgd_arena_realloc_array(t->a, t->cells, t->alloc * t->ncols,
						     alloc * t->ncols, sizeof(*c));
		enum pgd_severity *s = pgd_arena_realloc_array(t->a, t->sev, t->alloc, alloc, sizeof(*s));

		if (!c || !s)
			return PGD_ENOMEM;
		t->cells = c;
		t->sev = s;
		t->alloc = alloc;
	}
	for (size_t i = 0; i < t->ncols; i++) {
		const char *v = cell(t->a, cells[i]);

		if (!v)
			return PGD_ENOMEM;
		t->cells[t->nrows * t->ncols + i] = v;
	}
	t->sev[t->nrows++] = sev;
	return 0;
}

/*
 * Numbers are right-aligned, words left-aligned; a column is numeric when
 * every body cell starts with a digit or '-' followed by a digit or is "-".
 */
static int column_numeric(const struct table *t, size_t c)
{
	for (size_t r = 1; r < t->nrows; r++) {
		const char *v = t->cells[r * t->ncols + c];

		if (!strcmp(v, "-"))
			continue;
		if (!((v[0] >= '0' && v[0] <= '9') || (v[0] == '-' && v[1] >= '0' && v[1] <= '9')))
			return 0;
	}
	return t->nrows > 1;
}

static void table_print(const struct table *t, FILE *f, int color, const char *indent)
{
	size_t width[MAX_COLS] = { 0 };
	int numeric[MAX_COLS] = { 0 };

	for (size_t c = 0; c < t->ncols && c < MAX_COLS; c++) {
		numeric[c] = column_numeric(t, c);
		for (size_t r = 0; r < t->nrows; r++) {
			size_t l = strlen(t->cells[r * t->ncols + c]);

			if (l > width[c])
				width[c] = l;
		}
	}
	for (size_t r = 0; r < t->nrows; r++) {
		fputs(indent, f);
		if (color && r == 0)
			fputs(COL_BOLD, f);
		for (size_t c = 0; c < t->ncols && c < MAX_COLS; c++) {
			const char *v = t->cells[r * t->ncols + c];
			int last = c + 1 == t->ncols;
			int paint = color && r > 0 && (int)c == t->sev_col;
			int w = (int)width[c];

			if (paint)
				fputs(sev_color(t->sev[r]), f);
			/* Padding is printed outside the escape codes so colour never shifts columns. */
			if (numeric[c] && r > 0)
				fprintf(f, "%*s", w, v);
			else if (last)
				fputs(v, f);
			else
				fprintf(f, "%-*s", w, v);
			if (paint)
				fputs(COL_RESET, f);
			if (!last)
				fputs("  ", f);
		}
		if (color && r == 0)
			fputs(COL_RESET, f);
		fputc('\n', f);
	}
}

static const char *pct(struct arena *a, const struct rpt_share *s)
{
	if (!s->present)
		return "-";
	return pgd_arena_printf(a, "%.0f%%", 100.0 * s->share);
}

static const char *site_loc(struct arena *a, const struct rpt_site *s)
{
	const char *file, *slash;

	if (!s->file || !*s->file)
		return pgd_arena_printf(a, "+%lld", (long long)s->offset);
	/* The base name is enough in a terminal; the JSON and SARIF carry full paths. */
	slash = strrchr(s->file, '/');
	file = slash ? slash + 1 : s->file;
	if (s->line > 0)
		return pgd_arena_printf(a, "%s:%lld", file, (long long)s->line);
	return file;
}

static const char *int_str(struct arena *a, int64_t v)
{
	return pgd_arena_printf(a, "%lld", (long long)v);
}

static const char *figure_str(struct arena *a, const struct rpt_figure *f)
{
	switch (f->type) {
	case FIG_INT: return int_str(a, f->i);
	case FIG_REAL:
		if (!isfinite(f->r))
			return "-";
		return pgd_arena_printf(a, "%.4g", f->r);
	case FIG_STR: return f->s ? pgd_escape_text(a, f->s) : "-";
	case FIG_BOOL: return f->i ? "yes" : "no";
	}
	return "-";
}

static int64_t summary_int(const struct pgd_report *r, const char *key, int64_t dflt)
{
	for (size_t i = 0; i < r->nsummary; i++)
		if (!strcmp(r->summary[i].key, key) && r->summary[i].type == FIG_INT)
			return r->summary[i].i;
	return dflt;
}

static void print_summary(struct text_ctx *t, const struct pgd_report *r)
{
	size_t w = 0;

	if (!r->nsummary)
		return;
	for (size_t i = 0; i < r->nsummary; i++)
		if (strlen(r->summary[i].key) > w)
			w = strlen(r->summary[i].key);
	fputs("\nsummary:\n", t->f);
	for (size_t i = 0; i < r->nsummary; i++)
		fprintf(t->f, "  %-*s  %s\n", (int)w, r->summary[i].key,
			figure_str(&t->a, &r->summary[i]));
}

static void print_inputs(struct text_ctx *t, const struct pgd_report *r)
{
	for (size_t i = 0; i < r->ninputs; i++) {
		const struct rpt_input *in = &r->inputs[i];

		fprintf(t->f, "  %-14s %s", in->role ? in->role : "input",
			in->path ? pgd_escape_text(&t->a, in->path) : "-");
		if (in->go_version)
			fprintf(t->f, " (%s%s%s)", pgd_escape_text(&t->a, in->go_version),
				in->pgo_setting ? ", -pgo=" : "",
				in->pgo_setting ? pgd_escape_text(&t->a, in->pgo_setting) : "");
		else if (in->format && strcmp(in->format, "elf") && strcmp(in->format, "dir"))
			fprintf(t->f, " (%lld samples)", (long long)in->samples);
		fputc('\n', t->f);
	}
}

static int print_findings(struct text_ctx *t, const struct pgd_report *r, const char *title)
{
	struct table tb;
	int ret;

	if (!r->nfindings)
		return 0;
	/* Messages are sentences: they go in full under the table, never clipped in a cell. */
	table_init(&tb, &t->a, 3, 0);
	{
		const char *h[] = { "SEVERITY", "ID", "INPUT" };

		if ((ret = table_row(&tb, PGD_SEV_NONE, h)))
			return ret;
	}
	for (size_t i = 0; i < r->nfindings; i++) {
		const struct rpt_finding *f = &r->findings[i];
		const char *slash = f->input ? strrchr(f->input, '/') : NULL;
		const char *row[] = { pgd_rpt_severity_name(f->severity), f->id,
				      slash ? slash + 1 : f->input };

		if ((ret = table_row(&tb, f->severity, row)))
			return ret;
	}
	fprintf(t->f, "\n%s:\n", title);
	table_print(&tb, t->f, t->color, "  ");
	/* The figures behind each finding, one indented line each, so a reader can judge it. */
	for (size_t i = 0; i < r->nfindings; i++) {
		const struct rpt_finding *f = &r->findings[i];

		fprintf(t->f, "\n  %s: %s\n", f->id ? f->id : "finding",
			f->message ? pgd_escape_text(&t->a, f->message) : "");
		if (f->nfigures) {
			fputs("   ", t->f);
			for (size_t k = 0; k < f->nfigures; k++)
				fprintf(t->f, " %s=%s", f->figures[k].key,
					figure_str(&t->a, &f->figures[k]));
			fputc('\n', t->f);
		}
		for (size_t k = 0; k < f->nitems && k < 10; k++) {
			const struct rpt_item *it = &f->items[k];

			fprintf(t->f, "    %s", cell(&t->a, it->name));
			for (size_t j = 0; j < it->nfigures; j++)
				fprintf(t->f, " %s=%s", it->figures[j].key,
					figure_str(&t->a, &it->figures[j]));
			fputc('\n', t->f);
		}
		if (f->nitems > 10)
			fprintf(t->f, "    ... %zu more (see --format json)\n", f->nitems - 10);
	}
	return 0;
}

static void print_notes(struct text_ctx *t, const struct pgd_report *r)
{
	if (!r->nnotes)
		return;
	fputs("\nnotes:\n", t->f);
	for (size_t i = 0; i < r->nnotes; i++)
		fprintf(t->f, "  - %s\n", pgd_escape_text(&t->a, r->notes[i]));
}

/* The staleness score under the verdict line (staleness.h). */
static void print_staleness(struct text_ctx *t, const struct pgd_report *r)
{
	struct strbuf sb = STRBUF_INIT;

	if (!pgd_staleness_line(r, &sb))
		fprintf(t->f, "%s\n", sb.buf);
	pgd_strbuf_release(&sb);
}

/* The inlining headline under the staleness line (report_inlining.c), coloured by its severity. */
static void print_inlining_line(struct text_ctx *t, const struct pgd_report *r)
{
	struct strbuf sb = STRBUF_INIT;
	int paint = t->color && r->inlining.ran && pgd_rpt_inl_listed(r);

	if (!pgd_rpt_inlining_line(r, &sb))
		fprintf(t->f, "%s%s%s\n", paint ? sev_color(r->inlining.severity) : "",
			pgd_escape_text(&t->a, sb.buf), paint ? COL_RESET : "");
	pgd_strbuf_release(&sb);
}

static const char *tristate(int v, const char *yes, const char *no)
{
	return v == 1 ? yes : v == 0 ? no : "?";
}

static const char *bytes_str(struct arena *a, uint64_t bytes)
{
	struct strbuf sb = STRBUF_INIT;
	const char *s = pgd_rpt_bytes_text(&sb, bytes) ? NULL : pgd_arena_strdup(a, sb.buf);

	pgd_strbuf_release(&sb);
	return s;
}

static const char *share_str(struct arena *a, double share)
{
	struct strbuf sb = STRBUF_INIT;
	const char *s = pgd_rpt_share_text(&sb, share) ? NULL : pgd_arena_strdup(a, sb.buf);

	pgd_strbuf_release(&sb);
	return s;
}

/* One list of the inlining block: its first RPT_INL_TOP entries as a table, then how many more. */
static int print_inl_list(struct text_ctx *t, const struct pgd_report *r, const char *title,
			  const struct rpt_inl_site *v, size_t n, int stale)
{
	struct table tb;
	const char *h[] = { "SITE", "CALLER", "CALLEE", "BASE", "FRESH", "IN BINARY",
			    stale ? "INLINED BYTES" : "CALLEE BYTES", "HOT BUDGET NEEDED" };
	int ret;

	if (!n)
		return 0;
	table_init(&tb, &t->a, 8, -1);
	if ((ret = table_row(&tb, PGD_SEV_NONE, h)))
		return ret;
	for (size_t i = 0; i < n && i < RPT_INL_TOP; i++) {
		const struct rpt_inl_site *s = &v[i];
		struct rpt_site loc = { .file = s->file, .line = s->line, .offset = s->offset };
		const char *row[] = {
			site_loc(&t->a, &loc), s->caller, s->callee,
			share_str(&t->a, s->base_share), share_str(&t->a, s->fresh_share),
			tristate(s->inlined, "inlined", "call"),
			s->bytes ? bytes_str(&t->a, s->bytes) : "-",
			tristate(s->needed_hot_budget, "yes", "no"),
		};

		if ((ret = table_row(&tb, r->inlining.severity, row)))
			return ret;
	}
	fprintf(t->f, "\n  %s:\n", title);
	table_print(&tb, t->f, t->color, "  ");
	if (n > RPT_INL_TOP)
		fprintf(t->f, "  ... %zu more (see --format json)\n", n - RPT_INL_TOP);
	return 0;
}

/*
 * The inlining block: the hot call-site sets of each profile as cmd/compile
 * computes them, then the sites whose hotness moved (report.h, rpt_inlining).
 */
static int print_inlining(struct text_ctx *t, const struct pgd_report *r)
{
	const struct rpt_inlining *in = &r->inlining;
	int ret;

	if (!pgd_rpt_inl_listed(r))
		return 0;
	fprintf(t->f, "\ninlining drift (hot call sites: %zu in the base above %.4g%% of its edge weight, "
		"%zu in the fresh capture above %.4g%%):\n", in->nhot_base, in->threshold_base,
		in->nhot_fresh, in->threshold_fresh);
	if ((ret = print_inl_list(t, r, "stale-hot: hot in the base, not in the fresh capture (by bytes)",
				  in->stale_hot, in->nstale_hot, 1)))
		return ret;
	return print_inl_list(t, r, "missed-hot: hot in the fresh capture, not in the base (by fresh weight)",
			      in->missed_hot, in->nmissed_hot, 0);
}

static int write_check(struct text_ctx *t, const struct pgd_report *r)
{
	struct table tb;
	size_t nfind = 0, nrisk = 0, nwarn = 0, ninfo = 0;
	int ret;

	for (size_t i = 0; i < r->nsites; i++) {
		enum pgd_severity s = r->sites[i].severity;

		nfind += s > PGD_SEV_NONE;
		nrisk += s == PGD_SEV_RISK;
		nwarn += s == PGD_SEV_WARN;
		ninfo += s == PGD_SEV_INFO;
	}
	if (t->color)
		fputs(nrisk ? COL_RED COL_BOLD : nwarn ? COL_YELLOW COL_BOLD : COL_GREEN COL_BOLD, t->f);
	if (r->outcome == PGD_OUTCOME_INCONCLUSIVE)
		fprintf(t->f, "pgodrift check: inconclusive (%zu reason%s; %zu finding%s, %lld call sites judged)",
			r->nreasons, r->nreasons == 1 ? "" : "s", nfind, nfind == 1 ? "" : "s",
			(long long)summary_int(r, "sites_judged", (int64_t)r->nsites));
	else if (!nfind)
		fprintf(t->f, "pgodrift check: no stale devirtualization (%lld call sites judged)",
			(long long)summary_int(r, "sites_judged", (int64_t)r->nsites));
	else
		fprintf(t->f, "pgodrift check: %zu finding%s (%zu risk, %zu warn, %zu info)",
			nfind, nfind == 1 ? "" : "s", nrisk, nwarn, ninfo);
	fputs(t->color ? COL_RESET "\n" : "\n", t->f);
	print_staleness(t, r);
	print_inlining_line(t, r);
	for (size_t i = 0; i < r->nreasons; i++)
		fprintf(t->f, "  inconclusive: %s\n", r->reasons[i].message);
	for (size_t i = 0; i < r->nadvice; i++)
		fprintf(t->f, "  what to do: %s\n", r->advice[i]);
	print_inputs(t, r);
	if (r->nsites) {
		const char *h[] = { "VERDICT", "SEVERITY", "SITE", "CALLER", "GUARDED", "BASE", "FRESH",
				    "FRESH HOTTEST", "COST", "GUARD IN BINARY" };

		table_init(&tb, &t->a, 10, 0);
		if ((ret = table_row(&tb, PGD_SEV_NONE, h)))
			return ret;
		for (size_t i = 0; i < r->nsites; i++) {
			const struct rpt_site *s = &r->sites[i];
			const char *row[] = {
				s->verdict, pgd_rpt_severity_name(s->severity), site_loc(&t->a, s), s->caller,
				s->guarded_type ? s->guarded_type : s->guarded,
				pct(&t->a, &s->base), pct(&t->a, &s->fresh), s->fresh_hottest,
				isfinite(s->cost) ? pgd_arena_printf(&t->a, "%.0f", s->cost) : "-",
				!s->guard_checked ? "-" : s->binary_guard ? s->binary_guard : "none",
			};

			if ((ret = table_row(&tb, s->severity, row)))
				return ret;
		}
		fputc('\n', t->f);
		table_print(&tb, t->f, t->color, "");
	}
	if ((ret = print_inlining(t, r)))
		return ret;
	if ((ret = print_findings(t, r, "warnings")))
		return ret;
	print_summary(t, r);
	print_notes(t, r);
	if (nfind)
		fputs("\nwhat to do: refresh default.pgo: capture a fresh CPU profile from production,\n"
		      "commit it next to the main package, and rebuild.\n", t->f);
	return 0;
}

static int write_sites(struct text_ctx *t, const struct pgd_report *r)
{
	struct table tb;
	int ret;

	fprintf(t->f, "pgodrift sites: %zu call site%s\n", r->nsites, r->nsites == 1 ? "" : "s");
	print_inputs(t, r);
	if (r->nsites) {
		const char *h[] = { "SITE", "CALLER", "KIND", "METHOD", "WEIGHT", "SHARE", "GUARD",
				    "TOP CALLEE" };

		table_init(&tb, &t->a, 8, -1);
		if ((ret = table_row(&tb, PGD_SEV_NONE, h)))
			return ret;
		for (size_t i = 0; i < r->nsites; i++) {
			const struct rpt_site *s = &r->sites[i];
			const char *row[] = {
				site_loc(&t->a, s), s->caller, s->kind, s->method,
				int_str(&t->a, s->base_weight),
				pgd_arena_printf(&t->a, "%.1f%%", 100.0 * s->base_weight_share),
				s->guard_checked ? (s->binary_guard ? s->binary_guard : "none") : "-",
				s->ncallees ? s->callees[0].name : NULL,
			};

			if ((ret = table_row(&tb, PGD_SEV_NONE, row)))
				return ret;
		}
		fputc('\n', t->f);
		table_print(&tb, t->f, t->color, "");
	}
	if ((ret = print_findings(t, r, "warnings")))
		return ret;
	print_summary(t, r);
	print_notes(t, r);
	return 0;
}

static int write_doctor(struct text_ctx *t, const struct pgd_report *r)
{
	enum pgd_severity worst = pgd_report__worst_severity(r);
	int ret;

	if (t->color)
		fputs(sev_color(worst), t->f);
	if (!r->nfindings)
		fputs("pgodrift doctor: no findings", t->f);
	else
		fprintf(t->f, "pgodrift doctor: %zu finding%s (worst: %s)", r->nfindings,
			r->nfindings == 1 ? "" : "s", pgd_rpt_severity_name(worst));
	fputs(t->color ? COL_RESET "\n" : "\n", t->f);
	print_inputs(t, r);
	if ((ret = print_findings(t, r, "findings")))
		return ret;
	if (r->nchecks) {
		size_t w = 0;

		for (size_t i = 0; i < r->nchecks; i++)
			if (strlen(r->checks[i].id) > w)
				w = strlen(r->checks[i].id);
		fputs("\nchecks:\n", t->f);
		for (size_t i = 0; i < r->nchecks; i++)
			fprintf(t->f, "  %-*s  %s\n", (int)w, r->checks[i].id,
				r->checks[i].ran ? "ran" :
				r->checks[i].skipped_why ? r->checks[i].skipped_why : "skipped");
	}
	print_summary(t, r);
	print_notes(t, r);
	return 0;
}

int pgd_rpt_write_text(const struct pgd_report *r, const struct pgd_write_opts *opts, FILE *f,
		   struct pgd_err *err)
{
	struct text_ctx t = { .f = f };
	int ret = 0;

	t.color = PGD_OPTS_HAS(opts, struct pgd_write_opts, color) && opts->color;
	pgd_arena_init(&t.a, 0);
	switch (r->kind) {
	case RPT_CHECK: ret = write_check(&t, r); break;
	case RPT_SITES: ret = write_sites(&t, r); break;
	case RPT_DOCTOR: ret = write_doctor(&t, r); break;
	}
	if (ret)
		ret = pgd_err_nomem(err, "");
	else if (ferror(f))
		ret = pgd_err_set(err, PGD_EIO, "", "cannot write output");
	pgd_arena_release(&t.a);
	return ret;
}
