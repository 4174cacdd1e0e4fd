// SPDX-License-Identifier: MIT
/* pgodrift merge: per-service check reports into one fleet report. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char *const merge_format_choices[] = { "json", "text", "markdown", NULL };

static const struct cli_usage merge_usage = {
	.synopsis = "pgodrift merge [OPTIONS] [NAME=]REPORT.json... [--failed NAME=REASON...]",
	.description =
		"Merge the check reports of many services into one fleet report\n"
		"(pgodrift.fleet/v1, doc/schema/pgodrift.fleet.v1.json): per service its\n"
		"outcome, counts by verdict, staleness score, costliest finding, the build\n"
		"and the captures judged, and its findings with their fingerprints ('pgodrift\n"
		"diff' compares two fleet reports). A service is named NAME=, else after its\n"
		"report's file name. A service whose capture or check failed is given with\n"
		"--failed and is listed as an error, never dropped. The markdown view is the\n"
		"scheduled report's summary, costliest service first. --history appends one\n"
		"line per service to a history file ('pgodrift trend' charts it).",
	.positional = "[NAME=]REPORT.json...",
	.epilogue =
		"\noutput: --output FILE, or FORMAT=PATH (repeatable: one merge, several views).\n"
		"The fleet report's time is SOURCE_DATE_EPOCH when set, else now.\n"
		"\nexample:\n"
		"  pgodrift merge --output json=fleet.json --output markdown=fleet.md \\\n"
		"      --history history.jsonl api=api.json web=web.json --failed 'db=capture: timeout'\n"
		"\nexit status: 0 no finding at or above --fail-on, 1 findings, 2 usage or input error.\n",
};

/* "svc=path" names a service; a bare path is named after its file, without .json. */
static int parse_inputs(struct cli_ctx *ctx, const struct cli_strlist *pos, const struct cli_strlist *failed,
			struct pgd_fleet_input *in, char **names)
{
	size_t k = 0;

	for (size_t i = 0; i < pos->n; i++, k++) {
		const char *eq = strchr(pos->v[i], '='), *slash, *base;
		size_t len;

		if (eq) {
			names[k] = strndup(pos->v[i], (size_t)(eq - pos->v[i]));
			in[k].report_path = eq + 1;
		} else {
			slash = strrchr(pos->v[i], '/');
			base = slash ? slash + 1 : pos->v[i];
			len = strlen(base);
			if (len > 5 && !strcmp(base + len - 5, ".json"))
				len -= 5;
			names[k] = strndup(base, len);
			in[k].report_path = pos->v[i];
		}
		if (!names[k])
			return cli_usage_error(ctx, "merge", "out of memory");
		in[k].name = names[k];
	}
	for (size_t i = 0; i < failed->n; i++, k++) {
		const char *eq = strchr(failed->v[i], '=');

		if (!eq || eq == failed->v[i])
			return cli_usage_error(ctx, "merge", "--failed wants NAME=REASON, not '%s'", failed->v[i]);
		names[k] = strndup(failed->v[i], (size_t)(eq - failed->v[i]));
		if (!names[k])
			return cli_usage_error(ctx, "merge", "out of memory");
		in[k].name = names[k];
		in[k].error = eq + 1;
	}
	return 0;
}

/* --output FILE (in --format) or FORMAT=PATH. */
static int write_outputs(struct cli_ctx *ctx, const struct pgd_doc *d, const char *format,
			 const struct cli_strlist *outputs, struct pgd_err *err)
{
	if (!outputs->n)
		return pgd_doc__write_file(d, format, NULL, err);
	for (size_t i = 0; i < outputs->n; i++) {
		const char *o = outputs->v[i], *eq = strchr(o, '=');
		char fmt[16];

		if (eq && (size_t)(eq - o) < sizeof(fmt)) {
			memcpy(fmt, o, (size_t)(eq - o));
			fmt[eq - o] = '\0';
			if (pgd_doc__has_format(d, fmt)) {
				if (pgd_doc__write_file(d, fmt, eq + 1, err))
					return -1;
				continue;
			}
		}
		if (pgd_doc__write_file(d, format, o, err))
			return -1;
	}
	(void)ctx;
	return 0;
}

int cmd_merge(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *format = NULL, *fail_on = "risk", *history = NULL;
	struct cli_strlist pos = { 0 }, failed = { 0 }, outputs = { 0 };
	struct pgd_fleet_input *in = NULL;
	char **names = NULL;
	struct pgd_doc *d = NULL;
	struct pgd_err err = { 0 };
	int64_t now = 0;
	size_t n = 0;
	int ret;
	const struct cli_option opts[] = {
		{ CLI_OPT_CHOICE, "format", &format, "FMT",
		  "json (default when stdout is not a terminal), text or markdown", merge_format_choices },
		{ CLI_OPT_LIST, "output", &outputs, "FILE",
		  "write the report to FILE (atomically); FORMAT=PATH adds an output, repeatable" },
		{ CLI_OPT_LIST, "failed", &failed, "NAME=REASON",
		  "a service whose capture or check failed: listed as an error (repeatable)" },
		{ CLI_OPT_STRING, "history", &history, "FILE",
		  "append one line per service to FILE (history.jsonl, for 'pgodrift trend')" },
		{ CLI_OPT_CHOICE, "fail-on", &fail_on, "LEVEL",
		  "exit 1 when a service has a finding at least risk (default), warn, or never",
		  cli_fail_on_choices },
		{ CLI_OPT_END },
	};

	ret = cli_parse(ctx, "merge", &merge_usage, opts, argc, argv, &pos);
	if (ret) {
		ret = ret == 1 ? CLI_EXIT_OK : ret;
		goto out;
	}
	n = pos.n + failed.n;
	if (!n) {
		ret = cli_usage_error(ctx, "merge", "no REPORT given");
		goto out;
	}
	if ((ret = cli_now_unix(ctx, "merge", &now)))
		goto out;
	in = calloc(n, sizeof(*in));
	names = calloc(n, sizeof(*names));
	if (!in || !names) {
		ret = cli_usage_error(ctx, "merge", "out of memory");
		goto out;
	}
	if ((ret = parse_inputs(ctx, &pos, &failed, in, names)))
		goto out;
	if (!format)
		format = ctx->stdout_tty && !outputs.n ? "text" : "json";
	if (pgd_fleet__merge(in, n, now, cli_fail_level(fail_on), &d, &err) ||
	    write_outputs(ctx, d, format, &outputs, &err) ||
	    (history && pgd_fleet__append_history(d, history, &err))) {
		ret = cli_fail(ctx, &err);
		goto out;
	}
	ret = pgd_doc__gate(d) ? CLI_EXIT_FINDINGS : CLI_EXIT_OK;
out:
	for (size_t i = 0; names && i < n; i++)
		free(names[i]);
	free(names);
	free(in);
	pgd_doc__free(d);
	cli_strlist_free(&pos);
	cli_strlist_free(&failed);
	cli_strlist_free(&outputs);
	return ret;
}
