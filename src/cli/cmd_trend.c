// SPDX-License-Identifier: MIT
/* pgodrift trend: a history file as a trend per service (Mermaid, SVG, text, JSON). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char *const trend_format_choices[] = { "json", "text", "markdown", "mermaid", "svg", NULL };

static const struct cli_usage trend_usage = {
	.synopsis = "pgodrift trend [OPTIONS] HISTORY.jsonl",
	.description =
		"Chart the history a scheduled report keeps ('pgodrift merge --history', one\n"
		"line per service per run): per service, the staleness score (a line, percent)\n"
		"and the number of findings (bars) over the runs. mermaid writes one\n"
		"xychart-beta block per service (GitHub and GitLab render them in issues and\n"
		"wikis), markdown the same under headings, svg one picture for places that\n"
		"render neither, text a table, json the series.",
	.positional = "HISTORY.jsonl",
	.epilogue =
		"\nexample:\n"
		"  pgodrift trend --format svg --output trend.svg --last 12 history.jsonl\n"
		"\nexit status: 0 written, 2 usage or input error.\n",
};

int cmd_trend(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *format = NULL, *output = NULL;
	long long last = 0;
	struct cli_strlist pos = { 0 };
	struct pgd_doc *d = NULL;
	struct pgd_err err = { 0 };
	int ret;
	const struct cli_option opts[] = {
		{ CLI_OPT_CHOICE, "format", &format, "FMT",
		  "json (default when stdout is not a terminal), text, markdown, mermaid or svg",
		  trend_format_choices },
		{ CLI_OPT_STRING, "output", &output, "FILE", "write to FILE (atomically)" },
		{ CLI_OPT_INT, "last", &last, "N", "each service's last N runs (default: all)" },
		{ CLI_OPT_END },
	};

	ret = cli_parse(ctx, "trend", &trend_usage, opts, argc, argv, &pos);
	if (ret) {
		ret = ret == 1 ? CLI_EXIT_OK : ret;
		goto out;
	}
	if (pos.n != 1) {
		ret = cli_usage_error(ctx, "trend", "give one HISTORY.jsonl (got %zu)", pos.n);
		goto out;
	}
	if (last < 0) {
		ret = cli_usage_error(ctx, "trend", "--last must not be negative");
		goto out;
	}
	if (!format)
		format = ctx->stdout_tty && !output ? "text" : "json";
	if (pgd_trend__read(pos.v[0], (size_t)last, &d, &err) ||
	    pgd_doc__write_file(d, format, output, &err)) {
		ret = cli_fail(ctx, &err);
		goto out;
	}
	ret = CLI_EXIT_OK;
out:
	pgd_doc__free(d);
	cli_strlist_free(&pos);
	return ret;
}
