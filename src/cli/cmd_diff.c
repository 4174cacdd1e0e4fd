// SPDX-License-Identifier: MIT
/* pgodrift diff: findings new, fixed, changed and persisting between two runs. */
#include <string.h>

#include "cli.h"

static const char *const diff_format_choices[] = { "json", "text", "markdown", NULL };

static const struct cli_usage diff_usage = {
	.synopsis = "pgodrift diff [OPTIONS] OLD.json NEW.json",
	.description =
		"Compare two check reports (or two fleet reports from 'pgodrift merge'): each\n"
		"finding is new, fixed, changed (its verdict or severity moved) or persisting,\n"
		"matched by the site identity the SARIF and codeclimate fingerprints use\n"
		"(caller, line offset, method), so moved lines keep their findings. Use it on\n"
		"a schedule (this run against the previous one) or in a PR (the base branch's\n"
		"report against the PR's). Schema: doc/schema/pgodrift.diff.v1.json.",
	.positional = "OLD.json NEW.json",
	.epilogue =
		"\nexample:\n"
		"  pgodrift diff --format markdown last-week.json drift.json\n"
		"\nexit status: 0 no new finding at or above --fail-on, 1 a new finding (or one\n"
		"that rose to it), 2 usage or input error.\n",
};

int cmd_diff(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *format = NULL, *output = NULL, *fail_on = "risk";
	struct cli_strlist pos = { 0 };
	struct pgd_doc *d = NULL;
	struct pgd_err err = { 0 };
	int ret;
	const struct cli_option opts[] = {
		{ CLI_OPT_CHOICE, "format", &format, "FMT",
		  "json (default when stdout is not a terminal), text or markdown", diff_format_choices },
		{ CLI_OPT_STRING, "output", &output, "FILE", "write the diff to FILE (atomically)" },
		{ CLI_OPT_CHOICE, "fail-on", &fail_on, "LEVEL",
		  "exit 1 when a new finding is at least risk (default), warn, or never",
		  cli_fail_on_choices },
		{ CLI_OPT_END },
	};

	ret = cli_parse(ctx, "diff", &diff_usage, opts, argc, argv, &pos);
	if (ret) {
		ret = ret == 1 ? CLI_EXIT_OK : ret;
		goto out;
	}
	if (pos.n != 2) {
		ret = cli_usage_error(ctx, "diff", "give two reports, OLD and NEW (got %zu)", pos.n);
		goto out;
	}
	if (!format)
		format = ctx->stdout_tty && !output ? "text" : "json";
	if (pgd_diff__run(pos.v[0], pos.v[1], cli_fail_level(fail_on), &d, &err) ||
	    pgd_doc__write_file(d, format, output, &err)) {
		ret = cli_fail(ctx, &err);
		goto out;
	}
	ret = pgd_doc__gate(d) ? CLI_EXIT_FINDINGS : CLI_EXIT_OK;
out:
	pgd_doc__free(d);
	cli_strlist_free(&pos);
	return ret;
}
