// SPDX-License-Identifier: MIT
/*
 * Markdown writer: the PR comment. A one-line verdict, the costliest
 * findings in a table, the rest collapsed in <details>, and what to do.
 *
 * GitHub rejects comments over 65 536 characters, so the comment is built in
 * memory and every part is measured before it is added: the closing parts
 * (warnings, what to do, footer) are rendered first and their size reserved,
 * then rows are added until the next one would not fit, and the rows left
 * out are counted in one line. Nothing from the input is trusted to be short
 * or free of Markdown: names go in code spans sized to their backticks, and
 * free text is escaped.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "report.h"
#include "sanitize.h"
#include "srcpath.h"
#include "staleness.h"
#include "strbuf.h"

#define MD_DEFAULT_MAX 65000
#define MD_TOP_ROWS 10          /* findings shown before <details> */
#define MD_MAX_NAME 160         /* longer names keep their end */
#define MD_MAX_TEXT 400         /* messages and paths */
#define MD_MAX_WARNINGS 20
/* Room kept for the "left out" line and the closing tags after the last row. */
#define MD_RESERVE 400

struct md {
	struct strbuf sb;
	int oom;
	/* Shared by a comment and the rows rendered aside for it (md_child). */
	struct srcpath *sp;         /* repository-relative paths */
	const char *link_base;      /* file links at the PR's commit; NULL: none */
	struct pgd_err *err;
	int path_ret;               /* a path could not be placed: err says why */
};

/* A buffer to render a row aside in, with the comment's context. */
static struct md md_child(const struct md *m)
{
	struct md c = { .sb = STRBUF_INIT, .sp = m->sp, .link_base = m->link_base, .err = m->err };

	return c;
}

static void md_add(struct md *m, const char *s)
{
	if (pgd_strbuf_addstr(&m->sb, s))
		m->oom = 1;
}

static void md_addf(struct md *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void md_addf(struct md *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (pgd_strbuf_vaddf(&m->sb, fmt, ap))
		m->oom = 1;
	va_end(ap);
}

static void md_addch(struct md *m, int c)
{
	if (pgd_strbuf_addch(&m->sb, c))
		m->oom = 1;
}

/* Start of the last `max` bytes of s, moved forward to a UTF-8 character boundary. */
static const char *tail_of(const char *s, size_t max, int *cut)
{
	size_t len = strlen(s);
	const char *p;

	*cut = len > max;
	if (!*cut)
		return s;
	p = s + len - max;
	while (((unsigned char)*p & 0xc0) == 0x80)
		p++;
	return p;
}

/*
 * A name as a code span. Inside a span Markdown is literal, so only two
 * characters matter: backticks (the fence is one longer than the longest
 * run inside) and '|', which GitHub's table parser splits on even there.
 */
static void md_code(struct md *m, const char *s)
{
	size_t run = 0, maxrun = 0;
	int cut;
	const char *p;

	if (!s || !*s) {
		md_add(m, "-");
		return;
	}
	p = tail_of(s, MD_MAX_NAME, &cut);
	for (const char *q = p; *q; q++) {
		run = *q == '`' ? run + 1 : 0;
		if (run > maxrun)
			maxrun = run;
	}
	if (cut)
		md_add(m, "…");
	for (size_t i = 0; i <= maxrun; i++)
		md_addch(m, '`');
	if (p[0] == '`' || (*p && p[strlen(p) - 1] == '`'))
		md_addch(m, ' ');
	for (; *p; p++) {
		if (*p == '|')
			md_add(m, "\\|");
		else if (*p == '\n' || *p == '\r')
			md_addch(m, ' ');
		else
			md_addch(m, *p);
	}
	if (m->sb.len && m->sb.buf[m->sb.len - 1] == '`')
		md_addch(m, ' ');
	for (size_t i = 0; i <= maxrun; i++)
		md_addch(m, '`');
}

/* Free text: every character Markdown or HTML could act on is escaped. */
static void md_text(struct md *m, const char *s)
{
	int cut;
	const char *p;

	if (!s || !*s) {
		md_add(m, "-");
		return;
	}
	p = tail_of(s, MD_MAX_TEXT, &cut);
	if (cut)
		md_add(m, "…");
	for (; *p; p++) {
		switch (*p) {
		case '<': md_add(m, "&lt;"); break;
		case '>': md_add(m, "&gt;"); break;
		case '&': md_add(m, "&amp;"); break;
		case '\n': case '\r': md_addch(m, ' '); break;
		/*
		 * Mentions and autolinks ('@user', 'https://', 'www.') are
		 * broken by a zero-width space, as Renovate does, so an input
		 * cannot notify anyone or plant a link (sanitize.h).
		 */
		case '@': md_add(m, "@&#8203;"); break;
		case ':': md_add(m, !strncmp(p, "://", 3) ? ":&#8203;" : ":"); break;
		case '.': md_add(m, p - s >= 3 && !strncasecmp(p - 3, "www", 3) ? "&#8203;." : "."); break;
		case '|': case '`': case '*': case '_': case '[': case ']': case '\\': case '#':
		case '~':
			md_addch(m, '\\');
			md_addch(m, *p);
			break;
		default: md_addch(m, *p);
		}
	}
}

/* The whole comment with invalid UTF-8 replaced by U+FFFD; 0 or -1 (out of memory). */
static int md_repair_utf8(struct md *m)
{
	size_t len = 0;
	char *utf8 = pgd_utf8_repair(m->sb.buf, m->sb.len, &len);
	int ret = -1;

	if (utf8) {
		pgd_strbuf_reset(&m->sb);
		ret = pgd_strbuf_add(&m->sb, utf8, len);
	}
	free(utf8);
	return ret;
}

static const char *base_name(const char *path)
{
	const char *slash = path ? strrchr(path, '/') : NULL;

	return slash ? slash + 1 : path;
}

static const char *sev_mark(enum pgd_severity s)
{
	switch (s) {
	case PGD_SEV_RISK: return "🔴";
	case PGD_SEV_WARN: return "🟡";
	case PGD_SEV_INFO: return "🔵";
	case PGD_SEV_NONE: return "🟢";
	}
	return "";
}

static int64_t summary_int(const struct pgd_report *r, const char *key, int64_t dflt)
{
	for (size_t i = 0; i < r->nsummary; i++)
		if (!strcmp(r->summary[i].key, key) && r->summary[i].type == FIG_INT)
			return r->summary[i].i;
	return dflt;
}

/* ---- check ---------------------------------------------------------------- */

/*
 * The site's place: `serve.go:16` linked to the file at the PR's commit when
 * a link base is known, else the repository-relative path as a code span; a
 * file outside the repository keeps its base name.
 */
static void site_cell(struct md *m, const struct rpt_site *s)
{
	struct strbuf loc = STRBUF_INIT, url = STRBUF_INIT;
	const char *rel = NULL;

	if (!s->file || !*s->file) {
		md_addf(m, "+%lld", (long long)s->offset);
		return;
	}
	if (m->sp && (m->path_ret = pgd_srcpath_source(m->sp, s->file, s->caller, &rel, m->err)))
		return;
	if (pgd_strbuf_addf(&loc, "%s:%lld", rel && !m->link_base ? rel : base_name(s->file),
			(long long)s->line))
		m->oom = 1;
	if (rel && m->link_base) {
		static const char hex[] = "0123456789ABCDEF";

		if (pgd_strbuf_addstr(&url, m->link_base) ||
		    (url.len && url.buf[url.len - 1] != '/' && pgd_strbuf_addch(&url, '/')))
			m->oom = 1;
		/* Percent-encoded, so no character of the path can end the link. */
		for (const unsigned char *p = (const unsigned char *)rel; *p; p++) {
			int plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
				    (*p >= '0' && *p <= '9') || strchr("-._~/", *p);

			if (plain ? pgd_strbuf_addch(&url, *p) :
			    pgd_strbuf_addf(&url, "%%%c%c", hex[*p >> 4], hex[*p & 15]))
				m->oom = 1;
		}
		if (s->line > 0 && pgd_strbuf_addf(&url, "#L%lld", (long long)s->line))
			m->oom = 1;
		md_add(m, "[");
		md_code(m, loc.buf);
		md_add(m, "](");
		md_add(m, url.buf);
		md_add(m, ")");
	} else {
		md_code(m, loc.buf);
	}
	pgd_strbuf_release(&loc);
	pgd_strbuf_release(&url);
}

/* One advice line; the file name the advice is about is set as code. */
static void advice_line(struct md *m, const char *advice)
{
	const char *hit = strstr(advice, "default.pgo");

	if (!hit) {
		md_addf(m, "- %s\n", advice);
		return;
	}
	md_addf(m, "- %.*s`default.pgo`%s\n", (int)(hit - advice), advice, hit + strlen("default.pgo"));
}

/* What the binary shows at a check site: the guarded type, or why there is none. */
static void guard_cell(struct md *m, const struct rpt_site *s)
{
	if (!s->guard_checked)
		md_add(m, "–");
	else if (s->binary_guard)
		md_code(m, s->binary_guard);
	else if (s->severity == PGD_SEV_INFO)
		md_add(m, "none (nothing misses today)");
	else
		md_add(m, "none");
}

static void share_cell(struct md *m, const struct rpt_share *s)
{
	if (s->present)
		md_addf(m, "%.0f%%", 100.0 * s->share);
	else
		md_add(m, "–");
}

static void check_row(struct md *m, size_t rank, const struct rpt_site *s)
{
	md_addf(m, "| %zu | ", rank);
	site_cell(m, s);
	md_add(m, " in ");
	md_code(m, s->caller);
	md_add(m, " | ");
	md_code(m, s->guarded_type ? s->guarded_type : s->guarded);
	md_add(m, " | ");
	share_cell(m, &s->base);
	md_add(m, " → ");
	share_cell(m, &s->fresh);
	md_add(m, " | ");
	md_code(m, s->fresh_hottest);
	md_add(m, " | ");
	guard_cell(m, s);
	md_addf(m, " | %.0f | %s ", isfinite(s->cost) ? s->cost : 0.0, sev_mark(s->severity));
	md_text(m, s->verdict);
	md_add(m, " |\n");
}

#define CHECK_HEADER \
	"| # | Site | Guarded type | Base → fresh share | Fresh hottest | Guard in binary | Est. cost | Verdict |\n" \
	"|--:|---|---|--:|---|---|--:|---|\n"

static void warnings_list(struct md *m, const struct pgd_report *r, const char *title)
{
	if (!r->nfindings)
		return;
	md_addf(m, "\n**%s**\n\n", title);
	for (size_t i = 0; i < r->nfindings && i < MD_MAX_WARNINGS; i++) {
		const struct rpt_finding *f = &r->findings[i];

		md_addf(m, "- %s **%s** ", sev_mark(f->severity), pgd_rpt_severity_name(f->severity));
		md_code(m, f->id);
		md_add(m, ": ");
		md_text(m, f->message);
		/* A run reads several inputs: say which one the warning is about. */
		if (f->input && *f->input) {
			const char *rel = m->sp ? pgd_srcpath_input(m->sp, f->input) : NULL;

			md_add(m, " (");
			md_code(m, rel ? rel : base_name(f->input));
			md_add(m, ")");
		}
		md_addch(m, '\n');
	}
	if (r->nfindings > MD_MAX_WARNINGS)
		md_addf(m, "- … %zu more (see the JSON report)\n", r->nfindings - MD_MAX_WARNINGS);
}

static void footer(struct md *m, const struct pgd_report *r)
{
	md_addf(m, "\n<sub>pgodrift %s", r->tool_version ? r->tool_version : PGD_VERSION);
	for (size_t i = 0; i < r->nparams; i++) {
		const struct rpt_figure *v = &r->params[i].value;

		md_add(m, " · ");
		md_text(m, r->params[i].key);
		switch (v->type) {
		case FIG_INT: md_addf(m, " %lld", (long long)v->i); break;
		case FIG_REAL: md_addf(m, " %g", v->r); break;
		case FIG_STR: md_add(m, " "); md_text(m, v->s); break;
		case FIG_BOOL: md_add(m, v->i ? " yes" : " no"); break;
		}
	}
	for (size_t i = 0; i < r->ninputs; i++) {
		md_add(m, " · ");
		md_text(m, r->inputs[i].role);
		md_add(m, " ");
		md_code(m, base_name(r->inputs[i].path));
	}
	md_add(m, "</sub>\n");
}

/*
 * Rows [from, n) of idx go into m while they fit under limit; returns how
 * many were added. Each row is rendered aside first so a row that does not
 * fit leaves nothing behind.
 */
static size_t add_rows(struct md *m, const struct pgd_report *r, const size_t *idx, size_t from,
		       size_t n, size_t limit)
{
	size_t added = 0;

	for (size_t i = from; i < n; i++) {
		struct md row = md_child(m);

		check_row(&row, i + 1, &r->sites[idx[i]]);
		if (row.path_ret) {
			m->path_ret = row.path_ret;
			pgd_strbuf_release(&row.sb);
			break;
		}
		if (row.oom || m->sb.len + row.sb.len > limit) {
			m->oom |= row.oom;
			pgd_strbuf_release(&row.sb);
			break;
		}
		md_add(m, row.sb.buf);
		pgd_strbuf_release(&row.sb);
		added++;
	}
	return added;
}

/* The staleness score under the headline (staleness.h): figures only, nothing to escape. */
static void md_staleness(struct md *m, const struct pgd_report *r)
{
	struct strbuf sb = STRBUF_INIT;
	int ret = pgd_staleness_line(r, &sb);

	if (ret < 0)
		m->oom = 1;
	else if (!ret)
		md_addf(m, "\n_%s._\n", sb.buf);
	pgd_strbuf_release(&sb);
}

/* The inlining headline (report_inlining.c): figures and names, escaped as free text. */
static void md_inlining_line(struct md *m, const struct pgd_report *r)
{
	struct strbuf sb = STRBUF_INIT;
	int ret = pgd_rpt_inlining_line(r, &sb);

	if (ret < 0) {
		m->oom = 1;
	} else if (!ret) {
		md_add(m, "\n");
		if (pgd_rpt_inl_listed(r))
			md_addf(m, "%s ", sev_mark(r->inlining.severity));
		md_add(m, "_");
		md_text(m, sb.buf);
		md_add(m, "._\n");
	}
	pgd_strbuf_release(&sb);
}

static void md_share(struct md *m, double share)
{
	struct strbuf sb = STRBUF_INIT;

	if (pgd_rpt_share_text(&sb, share))
		m->oom = 1;
	else
		md_text(m, sb.buf);   /* "<0.01%" */
	pgd_strbuf_release(&sb);
}

static void md_bytes(struct md *m, uint64_t bytes)
{
	struct strbuf sb = STRBUF_INIT;

	if (pgd_rpt_bytes_text(&sb, bytes))
		m->oom = 1;
	else
		md_add(m, sb.buf);
	pgd_strbuf_release(&sb);
}

static const char *md_tristate(int v, const char *yes, const char *no)
{
	return v == 1 ? yes : v == 0 ? no : "?";
}

static void inl_row(struct md *m, size_t rank, const struct rpt_inl_site *s)
{
	struct rpt_site loc = { .caller = s->caller, .file = s->file, .line = s->line, .offset = s->offset };

	md_addf(m, "| %zu | ", rank);
	site_cell(m, &loc);
	md_add(m, " in ");
	md_code(m, s->caller);
	md_add(m, " | ");
	md_code(m, s->callee);
	md_add(m, " | ");
	md_share(m, s->base_share);
	md_add(m, " → ");
	md_share(m, s->fresh_share);
	md_addf(m, " | %s | ", md_tristate(s->inlined, "inlined", "call"));
	if (s->bytes)
		md_bytes(m, s->bytes);
	else
		md_add(m, "–");
	md_addf(m, " | %s |\n", md_tristate(s->needed_hot_budget, "yes", "no"));
}

static void inl_list(struct md *m, const char *title, const char *bytes_col,
		     const struct rpt_inl_site *v, size_t n)
{
	if (!n)
		return;
	md_addf(m, "\n%s\n\n| # | Site | Callee | Base → fresh edge weight | In binary | %s | "
		"Hot budget needed |\n|--:|---|---|--:|---|--:|---|\n", title, bytes_col);
	for (size_t i = 0; i < n && i < RPT_INL_TOP; i++)
		inl_row(m, i + 1, &v[i]);
	if (n > RPT_INL_TOP)
		md_addf(m, "\n_… %zu more (see the JSON report)._\n", n - RPT_INL_TOP);
}

/*
 * The inlining block, collapsed (open when the analysis made it a warning):
 * at most RPT_INL_TOP rows a list, so its size is bounded and it is
 * rendered with the closing parts, ahead of the devirtualization rows.
 */
static void inlining_section(struct md *m, const struct pgd_report *r)
{
	const struct rpt_inlining *in = &r->inlining;

	if (!pgd_rpt_inl_listed(r))
		return;
	md_addf(m, "\n<details%s><summary>Inlining drift: %zu stale-hot, %zu missed-hot call "
		"site%s</summary>\n\nHot call sites as `cmd/compile` picks them (inl.go, "
		"hotNodesFromCDF): %zu in the base above %.4g%% of its edge weight, %zu in the fresh "
		"capture above %.4g%%. Hot sites get an inlining budget of 2000 instead of 80.\n",
		in->severity >= PGD_SEV_WARN ? " open" : "", in->nstale_hot, in->nmissed_hot,
		in->nstale_hot + in->nmissed_hot == 1 ? "" : "s", in->nhot_base, in->threshold_base, in->nhot_fresh,
		in->threshold_fresh);
	inl_list(m, "**Stale-hot**: hot in the base, no longer hot; a copy inlined only for the hot "
		 "budget is code spent for nothing (by bytes).", "Inlined bytes", in->stale_hot,
		 in->nstale_hot);
	inl_list(m, "**Missed-hot**: hot now, not in the base; where it is still a call, a refreshed "
		 "profile may inline it (by fresh weight).", "Callee bytes", in->missed_hot,
		 in->nmissed_hot);
	md_add(m, "\n</details>\n");
}

static void write_check(struct md *m, const struct pgd_report *r, size_t max)
{
	struct md tail = md_child(m);
	size_t *idx = NULL, n = 0, nrisk = 0, nwarn = 0, shown, limit;

	/* ok and insufficient-samples rows (--all) are not findings; severity first, then cost. */
	if (pgd_rpt_rank_sites(r, 0, &idx, &n)) {
		m->oom = 1;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		nrisk += r->sites[idx[i]].severity == PGD_SEV_RISK;
		nwarn += r->sites[idx[i]].severity == PGD_SEV_WARN;
	}
	if (r->outcome == PGD_OUTCOME_INCONCLUSIVE) {
		md_addf(m, "**pgodrift check:** ❓ inconclusive: nothing here says the committed profile "
			"is fine (%lld call sites judged).\n",
			(long long)summary_int(r, "sites_judged", (int64_t)r->nsites));
		for (size_t i = 0; i < r->nreasons; i++)
			md_addf(m, "- %s\n", r->reasons[i].message);
	} else if (!n && !r->nfindings) {
		md_addf(m, "**pgodrift check:** ✅ no stale devirtualization guards (%lld call sites "
			"judged).\n", (long long)summary_int(r, "sites_judged", (int64_t)r->nsites));
		/* One line: the score is in the JSON; inlining drift is its own question. */
		md_inlining_line(m, r);
		inlining_section(m, r);
		goto out;
	}
	if (r->outcome == PGD_OUTCOME_INCONCLUSIVE)
		;
	else if (n)
		md_addf(m, "**pgodrift check:** %s %zu devirtualization finding%s (%zu risk, "
			"%zu warn, %zu info): the committed `default.pgo` no longer matches production.\n",
			nrisk ? "❌" : nwarn ? "⚠️" : "ℹ️", n, n == 1 ? "" : "s", nrisk, nwarn,
			n - nrisk - nwarn);
	else
		md_addf(m, "**pgodrift check:** ✅ no stale devirtualization guards; %zu warning%s "
			"about the inputs.\n", r->nfindings, r->nfindings == 1 ? "" : "s");
	md_staleness(m, r);
	md_inlining_line(m, r);

	/* The closing parts are sized first, so the rows get whatever room is left. */
	inlining_section(&tail, r);
	warnings_list(&tail, r, "Warnings");
	if (r->nadvice) {
		md_add(&tail, "\n**What to do:**\n");
		for (size_t i = 0; i < r->nadvice; i++)
			advice_line(&tail, r->advice[i]);
		if (n)
			md_add(&tail, "\nSites are ranked by severity, then by estimated cost: fresh samples "
				      "at the site not served by the guarded type.\n");
	} else if (n) {
		md_add(&tail, "\n**What to do:** refresh `default.pgo`: capture a fresh CPU profile from "
			      "production, commit it next to the main package, and rebuild. Sites are ranked by "
			      "severity, then by estimated cost: fresh samples at the site not served by the "
			      "guarded type.\n");
	}
	footer(&tail, r);
	m->oom |= tail.oom;
	if (tail.path_ret)
		m->path_ret = tail.path_ret;   /* the inlining rows name files too */
	limit = max > tail.sb.len + MD_RESERVE + m->sb.len ? max - tail.sb.len - MD_RESERVE : m->sb.len;

	shown = 0;
	if (n && m->sb.len + strlen(CHECK_HEADER) + 2 <= limit) {
		md_add(m, "\n" CHECK_HEADER);
		shown = add_rows(m, r, idx, 0, n < MD_TOP_ROWS ? n : MD_TOP_ROWS, limit);
		if (shown == (n < MD_TOP_ROWS ? n : MD_TOP_ROWS) && n > shown) {
			size_t before = m->sb.len, more;

			md_addf(m, "\n<details><summary>%zu more finding%s</summary>\n\n" CHECK_HEADER,
				n - shown, n - shown == 1 ? "" : "s");
			more = m->sb.len <= limit ? add_rows(m, r, idx, shown, n, limit) : 0;
			if (!more) {
				/* Not even one more row fits: drop the empty <details>. */
				m->sb.len = before;
				m->sb.buf[before] = '\0';
			} else {
				shown += more;
				md_add(m, "\n</details>\n");
			}
		}
	}
	if (shown < n)
		md_addf(m, "\n_%zu of %zu findings left out to stay under GitHub's comment limit; "
			"the JSON and SARIF reports list them all._\n", n - shown, n);
	md_add(m, tail.sb.buf);
out:
	pgd_strbuf_release(&tail.sb);
	free(idx);
}

/* ---- sites ---------------------------------------------------------------- */

static void sites_row(struct md *m, const struct rpt_site *s)
{
	md_add(m, "| ");
	site_cell(m, s);
	md_add(m, " | ");
	md_code(m, s->caller);
	md_add(m, " | ");
	md_text(m, s->kind);
	md_add(m, " | ");
	md_code(m, s->method);
	md_addf(m, " | %lld | ", (long long)s->base_weight);
	md_code(m, s->guard_checked ? (s->binary_guard ? s->binary_guard : "none") : NULL);
	md_add(m, " |\n");
}

#define SITES_HEADER "| Site | Caller | Kind | Method | Weight | Guard in binary |\n" \
		     "|---|---|---|---|--:|---|\n"

/* Heaviest first (then the producer's order): the sites a reader wants are on top. */
static size_t *sites_by_weight(const struct pgd_report *r)
{
	size_t *idx = malloc((r->nsites ? r->nsites : 1) * sizeof(*idx));

	if (!idx)
		return NULL;
	for (size_t i = 0; i < r->nsites; i++) {
		size_t j = i;

		/* Insertion into the sorted prefix, from its end: stable. */
		while (j > 0 && r->sites[idx[j - 1]].base_weight < r->sites[i].base_weight) {
			idx[j] = idx[j - 1];
			j--;
		}
		idx[j] = i;
	}
	return idx;
}

/* Like check's: the heaviest rows in the open, the rest in <details>. */
static void write_sites(struct md *m, const struct pgd_report *r, size_t max)
{
	struct md tail = md_child(m);
	size_t shown = 0, limit, *idx;

	if (!r->nsites) {
		md_add(m, "**pgodrift sites:** no call sites in the profiles.\n");
		return;
	}
	if (!(idx = sites_by_weight(r))) {
		m->oom = 1;
		return;
	}
	md_addf(m, "**pgodrift sites:** %zu call site%s, heaviest first.\n\n", r->nsites,
		r->nsites == 1 ? "" : "s");
	footer(&tail, r);
	limit = max > tail.sb.len + MD_RESERVE + m->sb.len ? max - tail.sb.len - MD_RESERVE : m->sb.len;
	md_add(m, SITES_HEADER);
	for (size_t i = 0; i < r->nsites; i++) {
		struct md row = md_child(m);

		if (i == MD_TOP_ROWS)
			md_addf(&row, "\n<details><summary>%zu more site%s</summary>\n\n" SITES_HEADER,
				r->nsites - i, r->nsites - i == 1 ? "" : "s");
		sites_row(&row, &r->sites[idx[i]]);
		if (row.path_ret) {
			m->path_ret = row.path_ret;
			pgd_strbuf_release(&row.sb);
			break;
		}
		if (row.oom || m->sb.len + row.sb.len > limit) {
			m->oom |= row.oom;
			pgd_strbuf_release(&row.sb);
			break;
		}
		md_add(m, row.sb.buf);
		pgd_strbuf_release(&row.sb);
		shown++;
	}
	if (shown > MD_TOP_ROWS)
		md_add(m, "\n</details>\n");
	if (shown < r->nsites)
		md_addf(m, "\n_%zu of %zu sites left out to stay under GitHub's comment limit._\n",
			r->nsites - shown, r->nsites);
	md_add(m, tail.sb.buf);
	m->oom |= tail.oom;
	pgd_strbuf_release(&tail.sb);
	free(idx);
}

/* ---- doctor --------------------------------------------------------------- */

static void finding_row(struct md *m, const struct rpt_finding *f)
{
	md_addf(m, "| %s %s | ", sev_mark(f->severity), pgd_rpt_severity_name(f->severity));
	md_code(m, f->id);
	md_add(m, " | ");
	{
		const char *rel = f->input && m->sp ? pgd_srcpath_input(m->sp, f->input) : NULL;

		md_code(m, rel ? rel : f->input ? base_name(f->input) : NULL);
	}
	md_add(m, " | ");
	md_text(m, f->message);
	md_add(m, " |\n");
}

#define DOCTOR_HEADER "| Severity | Check | Input | What to do |\n|---|---|---|---|\n"

static void write_doctor(struct md *m, const struct pgd_report *r, size_t max)
{
	struct md tail = md_child(m);
	enum pgd_severity worst = pgd_report__worst_severity(r);
	size_t shown = 0, limit;

	if (!r->nfindings) {
		md_add(m, "**pgodrift doctor:** ✅ no findings.\n");
		return;
	}
	md_addf(m, "**pgodrift doctor:** %s %zu finding%s (worst: %s).\n", sev_mark(worst),
		r->nfindings, r->nfindings == 1 ? "" : "s", pgd_rpt_severity_name(worst));
	footer(&tail, r);
	limit = max > tail.sb.len + MD_RESERVE + m->sb.len ? max - tail.sb.len - MD_RESERVE : m->sb.len;
	md_add(m, "\n" DOCTOR_HEADER);
	for (size_t i = 0; i < r->nfindings; i++) {
		struct md row = md_child(m);

		if (i == MD_TOP_ROWS)
			md_addf(&row, "\n<details><summary>%zu more finding%s</summary>\n\n" DOCTOR_HEADER,
				r->nfindings - i, r->nfindings - i == 1 ? "" : "s");
		finding_row(&row, &r->findings[i]);
		if (row.oom || m->sb.len + row.sb.len > limit) {
			m->oom |= row.oom;
			pgd_strbuf_release(&row.sb);
			break;
		}
		md_add(m, row.sb.buf);
		pgd_strbuf_release(&row.sb);
		shown++;
	}
	if (shown > MD_TOP_ROWS)
		md_add(m, "\n</details>\n");
	if (shown < r->nfindings)
		md_addf(m, "\n_%zu of %zu findings left out to stay under GitHub's comment limit._\n",
			r->nfindings - shown, r->nfindings);
	md_add(m, tail.sb.buf);
	m->oom |= tail.oom;
	pgd_strbuf_release(&tail.sb);
}

int pgd_rpt_write_markdown(const struct pgd_report *r, const struct pgd_write_opts *opts, FILE *f,
		       struct pgd_err *err)
{
	struct md m = { .sb = STRBUF_INIT, .err = err };
	struct srcpath sp;
	size_t max = MD_DEFAULT_MAX;
	int ret;

	if (PGD_OPTS_HAS(opts, struct pgd_write_opts, max_bytes) && opts->max_bytes)
		max = opts->max_bytes;
	ret = pgd_srcpath_init(&sp, r, pgd_rpt_opt_source_root(opts), err);
	if (ret)
		goto out;
	m.sp = &sp;
	m.link_base = pgd_rpt_opt_link_base(opts);
	switch (r->kind) {
	case RPT_CHECK: write_check(&m, r, max); break;
	case RPT_SITES: write_sites(&m, r, max); break;
	case RPT_DOCTOR: write_doctor(&m, r, max); break;
	}
	if (m.path_ret) {
		ret = m.path_ret;
		goto out;
	}
	if (m.oom) {
		ret = pgd_err_nomem(err, "");
		goto out;
	}
	/*
	 * The budget above keeps every well-formed report under max; this cut is
	 * the guarantee for a max too small to hold even the verdict and footer.
	 */
	/* Names that are not UTF-8 get U+FFFD (sanitize.h); the cut below still bounds the size. */
	if (md_repair_utf8(&m)) {
		ret = pgd_err_nomem(err, "");
		goto out;
	}
	if (m.sb.len > max) {
		size_t cut = max;

		while (cut > 0 && ((unsigned char)m.sb.buf[cut] & 0xc0) == 0x80)
			cut--;
		m.sb.len = cut;
		m.sb.buf[cut] = '\0';
	}
	if (fwrite(m.sb.buf, 1, m.sb.len, f) != m.sb.len)
		ret = pgd_err_set(err, PGD_EIO, "", "cannot write output");
out:
	pgd_srcpath_release(&sp);
	pgd_strbuf_release(&m.sb);
	return ret;
}

/* The escaping above for the derived reports (diff, fleet, trend): 0 or -1 (out of memory). */
int pgd_rpt_md_code(struct strbuf *sb, const char *s)
{
	struct md m = { .sb = *sb };

	md_code(&m, s);
	*sb = m.sb;
	return m.oom ? -1 : 0;
}

int pgd_rpt_md_text(struct strbuf *sb, const char *s)
{
	struct md m = { .sb = *sb };

	md_text(&m, s);
	*sb = m.sb;
	return m.oom ? -1 : 0;
}
