// SPDX-License-Identifier: MIT
/*
 * One finding per line, the compilers' form that editors, vim's
 * 'errorformat' (%f:%l:%c: %t%*[^:]: %m) and reviewdog -efm read:
 *
 *   testdata/src/cachesvc/serve.go:16:1: error: the guarded type ... [stale]
 *
 * Severities as gcc words them (risk error, warn warning, info note). The
 * column is 1: the binary records the call's line, not its column. A file
 * outside the repository keeps the path the binary recorded; an input
 * finding points at line 1 of the input. Names and paths come from inputs:
 * the text rule (sanitize.h) escapes control bytes, so a finding stays one
 * line and nothing reaches a terminal as a control sequence.
 */
#include <stdio.h>

#include "err.h"
#include "report.h"
#include "sanitize.h"

static const char *word_of(enum pgd_severity s)
{
	switch (s) {
	case PGD_SEV_RISK: return "error";
	case PGD_SEV_WARN: return "warning";
	case PGD_SEV_INFO:
	case PGD_SEV_NONE: return "note";
	}
	return "note";
}

int pgd_rpt_write_line(const struct pgd_report *r, const struct pgd_write_opts *opts, FILE *f,
		   struct pgd_err *err)
{
	struct rpt_rows rows;
	int ret = pgd_rpt_rows_build(&rows, r, opts, err);

	if (ret)
		return ret;
	for (size_t i = 0; i < rows.n; i++) {
		const struct rpt_row *row = &rows.v[i];
		const char *path = row->path ? row->path : row->raw_path ? row->raw_path : "-";

		if (fprintf(f, "%s:%lld:1: %s: %s [%s]\n", pgd_escape_text(&rows.arena, path),
			    (long long)(row->line ? row->line : 1), word_of(row->severity),
			    pgd_escape_text(&rows.arena, row->message), row->rule) < 0) {
			ret = pgd_err_set(err, PGD_EIO, "", "cannot write output");
			break;
		}
	}
	pgd_rpt_rows_release(&rows);
	return ret;
}
