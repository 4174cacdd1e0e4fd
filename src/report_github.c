// SPDX-License-Identifier: MIT
/*
 * GitHub Actions workflow commands: one annotation per finding, shown on the
 * pull request's diff and the run summary with no code-scanning licence:
 *
 *   ::error file=cachesvc/serve.go,line=16,title=pgodrift: stale in main.serve::the guarded ...
 *
 * Escaping follows @actions/core (toolkit packages/core/src/command.ts,
 * escapeData and escapeProperty): in the message '%', CR and LF become %25,
 * %0D, %0A; in a property ':' and ',' become %3A and %2C as well.
 * GitHub keeps at most 10 annotations of each level per step (and 50 per
 * job), so like the markdown the list is capped, most severe and costliest
 * first, and the rest are counted in one closing notice. Names and paths
 * come from inputs: the text rule (sanitize.h) escapes their control bytes
 * first, so no input can end a command or start another.
 */
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "report.h"
#include "sanitize.h"
#include "strbuf.h"

#define GH_PER_LEVEL 10

static const char *command_of(enum pgd_severity s)
{
	switch (s) {
	case PGD_SEV_RISK: return "error";
	case PGD_SEV_WARN: return "warning";
	case PGD_SEV_INFO:
	case PGD_SEV_NONE: return "notice";
	}
	return "notice";
}

static int level_of(enum pgd_severity s)
{
	return s == PGD_SEV_RISK ? 0 : s == PGD_SEV_WARN ? 1 : 2;
}

static int escape(struct strbuf *sb, const char *s, int property)
{
	for (; s && *s; s++) {
		int ret;

		switch (*s) {
		case '%': ret = pgd_strbuf_addstr(sb, "%25"); break;
		case '\r': ret = pgd_strbuf_addstr(sb, "%0D"); break;
		case '\n': ret = pgd_strbuf_addstr(sb, "%0A"); break;
		case ':': ret = property ? pgd_strbuf_addstr(sb, "%3A") : pgd_strbuf_addch(sb, ':'); break;
		case ',': ret = property ? pgd_strbuf_addstr(sb, "%2C") : pgd_strbuf_addch(sb, ','); break;
		default: ret = pgd_strbuf_addch(sb, *s);
		}
		if (ret)
			return -1;
	}
	return 0;
}

static int annotation(struct strbuf *sb, struct arena *a, const struct rpt_row *row)
{
	const char *path = pgd_escape_text(a, row->path), *title = pgd_escape_text(a, row->title);
	const char *msg = pgd_escape_text(a, row->message);
	int first = 1;

	if (pgd_strbuf_addf(sb, "::%s ", command_of(row->severity)))
		return -1;
	if (path) {
		if (pgd_strbuf_addstr(sb, "file=") || escape(sb, path, 1))
			return -1;
		first = 0;
		if (row->line && pgd_strbuf_addf(sb, ",line=%lld", (long long)row->line))
			return -1;
	}
	if (pgd_strbuf_addstr(sb, first ? "title=" : ",title=") || escape(sb, title, 1) ||
	    pgd_strbuf_addstr(sb, "::") || escape(sb, msg, 0) || pgd_strbuf_addch(sb, '\n'))
		return -1;
	return 0;
}

int pgd_rpt_write_github(const struct pgd_report *r, const struct pgd_write_opts *opts, FILE *f,
		     struct pgd_err *err)
{
	struct rpt_rows rows;
	struct strbuf sb = STRBUF_INIT;
	size_t total[3] = { 0 }, cap[3] = { GH_PER_LEVEL, GH_PER_LEVEL, GH_PER_LEVEL };
	size_t shown[3] = { 0 }, left = 0;
	int ret = pgd_rpt_rows_build(&rows, r, opts, err);

	if (ret)
		return ret;
	for (size_t i = 0; i < rows.n; i++)
		total[level_of(rows.v[i].severity)]++;
	/* The closing notice takes one notice's place when anything is left out. */
	if (total[0] > cap[0] || total[1] > cap[1] || total[2] > cap[2])
		cap[2]--;
	for (size_t i = 0; i < rows.n; i++) {
		int l = level_of(rows.v[i].severity);

		if (shown[l] == cap[l]) {
			left++;
			continue;
		}
		shown[l]++;
		if (annotation(&sb, &rows.arena, &rows.v[i]))
			goto oom;
	}
	if (left && pgd_strbuf_addf(&sb, "::notice title=pgodrift::%zu more finding%s not annotated "
				"(GitHub shows %d of each level per step); the markdown%%2C SARIF "
				"and JSON reports list them all\n",
				left, left == 1 ? "" : "s", GH_PER_LEVEL))
		goto oom;
	if (fwrite(sb.buf, 1, sb.len, f) != sb.len)
		ret = pgd_err_set(err, PGD_EIO, "", "cannot write output");
	goto out;
oom:
	ret = pgd_err_nomem(err, "");
out:
	pgd_strbuf_release(&sb);
	pgd_rpt_rows_release(&rows);
	return ret;
}
