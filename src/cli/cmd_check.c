// SPDX-License-Identifier: MIT
/* pgodrift check: the drift job, and pgodrift sites, its building block. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define HELP_OUTPUT_EPILOGUE \
	"output: --format json (the default when stdout is not a terminal) follows a\n" \
	"versioned schema (doc/schema/); text is for terminals (colour unless NO_COLOR);\n" \
	"markdown is a PR comment; sarif is SARIF 2.1.0 for code scanning; github is\n" \
	"workflow-command annotations; codeclimate is GitLab code quality; rdjsonl is\n" \
	"reviewdog's input; line is file:line:col: severity: message. Several outputs\n" \
	"from one run: --output FORMAT=PATH, repeated ('-' is stdout). Paths are\n" \
	"relative to the repository: --source-root, else the git top level, else\n" \
	"GITHUB_WORKSPACE or CI_PROJECT_DIR (doc/formats.md).\n"

static const struct cli_usage check_usage = {
	.synopsis = "pgodrift check --binary BIN --base PROFILE --fresh PROFILE [--fresh PROFILE...] [OPTIONS]",
	.description =
		"Compare the committed PGO profile (--base, usually default.pgo) with a fresh\n"
		"capture (--fresh, one or more pprof files, merged) through the binary that\n"
		"ships. For every interface or function-value call site, the concrete callee\n"
		"the compiler guards is chosen from the base exactly as cmd/compile does; the\n"
		"site is reported when that callee's share of the site in the fresh capture\n"
		"has fallen below --threshold.\n"
		"\n"
		"verdicts: stale (below threshold, 95% interval too), weak (below, interval\n"
		"reaches it), flipped (another callee now holds the threshold: a refresh would\n"
		"guard it), never-dominant (below threshold already in the base), new-hot-site\n"
		"(hot now, absent from the base), vanished (the base's site no longer maps to a\n"
		"call in the binary); ok and insufficient-samples are counted, listed only with\n"
		"--all. The binary wins: where its machine code holds a guard, that is the\n"
		"guarded callee; in a PGO build, a finding at a site where the binary has no\n"
		"guard is info: nothing misses there today.\n"
		"\n"
		"inconclusive: no site reached --min-samples, most of the fresh capture is in\n"
		"functions this binary lacks, a --fresh file repeats another input, or the\n"
		"binary's guards are not the ones --base predicts. The report says why.\n"
		"\n"
		"inlining drift (on by default, --no-inlining skips it): the profile also\n"
		"decides which call sites are hot, and cmd/compile gives a hot site an\n"
		"inlining budget of 2000 instead of 80 (the heaviest edges up to 99% of the\n"
		"weight, inl.go hotNodesFromCDF). check lists stale-hot sites (hot in the\n"
		"base, not in the fresh capture; a copy inlined only for the hot budget is\n"
		"code spent for nothing; ranked by bytes) and missed-hot sites (hot now, not\n"
		"in the base; a call there is what a refresh could inline; ranked by fresh\n"
		"weight), with one summary line. It is info and never fails a run, unless\n"
		"the stale-hot code exceeds --inlining-warn-bytes: then it is a warning,\n"
		"which --fail-on warn fails on. It never makes a run inconclusive.",
	.positional = NULL,
	.epilogue =
		HELP_OUTPUT_EPILOGUE
		"\nexamples:\n"
		"  pgodrift check --binary ./svc --base cmd/svc/default.pgo --fresh cpu.pprof\n"
		"  pgodrift check --binary ./svc --base default.pgo --fresh a.pprof --fresh b.pprof \\\n"
		"      --format markdown --output drift.md --fail-on warn\n"
		"  pgodrift check --binary ./svc --base default.pgo --fresh cpu.pprof \\\n"
		"      --output github=- --output markdown=drift.md --output sarif=drift.sarif\n"
		"  pgodrift check --binary ./svc --base default.pgo --fresh cpu.pprof \\\n"
		"      --inlining-warn-bytes 65536 --fail-on warn   # fail on 64 KiB inlined for nothing\n"
		"\nexit status: 0 nothing at or above --fail-on, 1 findings, 2 usage or input error,\n"
		"3 inconclusive (not with --fail-on never).\n",
};

static const struct cli_usage sites_usage = {
	.synopsis = "pgodrift sites --binary BIN [OPTIONS] PROFILE...",
	.description =
		"List every call site the profiles mention, mapped through the binary: caller,\n"
		"source file:line, line offset, kind (interface, func-value, direct, none,\n"
		"missing-function), method, interface type when known, callee distribution and\n"
		"the devirtualization guard found in the machine code.",
	.positional = "PROFILE...",
	.epilogue =
		HELP_OUTPUT_EPILOGUE
		"\nexample:\n"
		"  pgodrift sites --binary ./svc --format text default.pgo\n"
		"\nexit status: 0 listed, 2 usage or input error.\n",
};

struct common_opts {
	const char *binary, *format, *fail_on, *attribution, *source_root, *link_base;
	const char *debug_file, *debug_dir;
	struct cli_strlist outputs;
	double threshold;
	long long min_samples;
	long long max_file_size, max_decoded_size, max_elements;
	int all;
};

/* o->limits points at lim, which must live as long as o is used. */
static void common_to_check_opts(const struct common_opts *c, struct pgd_check_opts *o,
				 struct pgd_limits *lim, struct cli_ctx *ctx)
{
	pgd_check_opts__init(o);
	memset(lim, 0, sizeof(*lim));
	lim->sz = sizeof(*lim);
	o->limits = lim;
	o->threshold = c->threshold;
	o->min_samples = c->min_samples;
	o->attribution = !strcmp(c->attribution, "stack") ? PGD_ATTR_STACK : PGD_ATTR_COMPILER;
	o->list_all = c->all;
	lim->max_file_bytes = (uint64_t)c->max_file_size;
	lim->max_decoded_bytes = (uint64_t)c->max_decoded_size;
	lim->max_elements = (uint64_t)c->max_elements;
	lim->debug_file = c->debug_file;
	lim->debug_dirs = c->debug_dir;
	o->progress = cli_progress;
	o->progress_ctx = ctx;
}

static int validate_common(struct cli_ctx *ctx, const char *cmd, const struct common_opts *c)
{
	if (!c->binary)
		return cli_usage_error(ctx, cmd, "--binary is required");
	if (!(c->threshold > 0 && c->threshold <= 1))
		return cli_usage_error(ctx, cmd, "--threshold must be in (0, 1], not %g", c->threshold);
	if (c->min_samples < 1)
		return cli_usage_error(ctx, cmd, "--min-samples must be at least 1");
	if (c->max_file_size < 0 || c->max_decoded_size < 0 || c->max_elements < 0)
		return cli_usage_error(ctx, cmd, "limits must not be negative");
	return 0;
}

static int finish(struct cli_ctx *ctx, const char *cmd, struct pgd_report *report,
		  const struct common_opts *c, int gate)
{
	struct cli_output_opts oo = {
		.format = c->format, .outputs = &c->outputs, .fail_on = c->fail_on,
		.source_root = c->source_root, .link_base = c->link_base, .cmd = cmd,
	};
	int ret = cli_write_report(ctx, report, &oo);

	if (ret || !gate)
		return ret;
	/*
	 * A run that could not judge is never green, and its findings are not
	 * to be trusted either: a distinct status (unless asked never to fail).
	 */
	if (pgd_report__outcome(report) == PGD_OUTCOME_INCONCLUSIVE && strcmp(c->fail_on, "never"))
		return PGD_EXIT_INCONCLUSIVE;
	return cli_exit_status(report, c->fail_on);
}

static int validate_outputs(struct cli_ctx *ctx, const char *cmd, const struct common_opts *c)
{
	struct cli_output_opts oo = { .format = c->format, .outputs = &c->outputs, .cmd = cmd };

	return cli_validate_outputs(ctx, &oo);
}

#define COMMON_OPTIONS(c)                                                                        \
	{ CLI_OPT_STRING, "binary", &(c).binary, "BIN", "the Go binary that ships (stripped or not)" }, \
	{ CLI_OPT_STRING, "debug-file", &(c).debug_file, "FILE",                                   \
	  "the binary's separate debug file (DWARF), checked against its build ID" },             \
	{ CLI_OPT_STRING, "debug-dir", &(c).debug_dir, "DIRS",                                     \
	  "':'-separated roots for debug files by build ID or .gnu_debuglink (default /usr/lib/debug)" }, \
	{ CLI_OPT_CHOICE, "format", &(c).format, "FMT",                                            \
	  "json, text, markdown, sarif, github, codeclimate, rdjsonl or line", cli_format_choices }, \
	{ CLI_OPT_LIST, "output", &(c).outputs, "FILE",                                            \
	  "write the report to FILE (atomically); FORMAT=PATH adds an output, repeatable" },        \
	{ CLI_OPT_CHOICE, "attribution", &(c).attribution, "MODE",                                 \
	  "compiler: last two frames per sample, as cmd/compile (default); stack: every frame pair", \
	  cli_attribution_choices },                                                               \
	{ CLI_OPT_INT, "min-samples", &(c).min_samples, "N",                                       \
	  "sites with fewer samples are insufficient-samples (default 30)" },                       \
	{ CLI_OPT_STRING, "source-root", &(c).source_root, "DIR",                                  \
	  "the repository root paths are relative to (default: git top level)" },                  \
	{ CLI_OPT_STRING, "link-base", &(c).link_base, "URL",                                      \
	  "markdown: link sites to URL/PATH#LLINE (default: from GITHUB_*/CI_* variables)" },      \
	{ CLI_OPT_INT, "max-file-size", &(c).max_file_size, "BYTES",                               \
	  "refuse inputs larger than this (default 1 GiB)" },                                      \
	{ CLI_OPT_INT, "max-decoded-size", &(c).max_decoded_size, "BYTES",                         \
	  "cap on a profile's decompressed size (default 2 GiB)" },                                 \
	{ CLI_OPT_INT, "max-elements", &(c).max_elements, "N",                                     \
	  "cap on samples, locations, functions per input (default 50000000)" }

static void common_defaults(struct common_opts *c)
{
	struct pgd_check_opts d;

	pgd_check_opts__init(&d);
	memset(c, 0, sizeof(*c));
	c->fail_on = "risk";
	c->attribution = "compiler";
	c->threshold = d.threshold;
	c->min_samples = d.min_samples;
}

int cmd_check(struct cli_ctx *ctx, int argc, char **argv)
{
	struct common_opts c;
	const char *base = NULL;
	struct cli_strlist fresh = { 0 }, pos = { 0 };
	struct pgd_check_opts co;
	struct pgd_limits lim;
	struct pgd_report *report = NULL;
	struct pgd_err err = { 0 };
	double max_staleness = -1, staleness;
	long long inlining_warn_bytes = 0;
	int no_inlining = 0;
	int ret;

	common_defaults(&c);
	{
		const struct cli_option opts[] = {
			COMMON_OPTIONS(c),
			{ CLI_OPT_DOUBLE, "max-staleness", &max_staleness, "F",
			  "exit 1 when the staleness score (0..1, doc/formats.md) is above F" },
			{ CLI_OPT_STRING, "base", &base, "PROFILE",
			  "the committed profile the binary was built with (default.pgo; pprof or preprofile)" },
			{ CLI_OPT_LIST, "fresh", &fresh, "PROFILE",
			  "a fresh capture (pprof); repeat to merge several" },
			{ CLI_OPT_DOUBLE, "threshold", &c.threshold, "F",
			  "a guarded callee below this share of its site is at risk (default 0.5)" },
			{ CLI_OPT_CHOICE, "fail-on", &c.fail_on, "LEVEL",
			  "exit 1 when a finding is at least risk (default), warn, or never",
			  cli_fail_on_choices },
			{ CLI_OPT_FLAG, "all", &c.all, NULL, "also list ok and insufficient-samples sites" },
			{ CLI_OPT_FLAG, "no-inlining", &no_inlining, NULL,
			  "skip inlining drift (stale-hot and missed-hot call sites)" },
			{ CLI_OPT_INT, "inlining-warn-bytes", &inlining_warn_bytes, "N",
			  "inlining drift is a warning when stale-hot sites hold more than N bytes of "
			  "inlined code (default 0: always info)" },
			{ CLI_OPT_END },
		};

		ret = cli_parse(ctx, "check", &check_usage, opts, argc, argv, &pos);
	}
	if (ret) {
		ret = ret == 1 ? CLI_EXIT_OK : ret;
		goto out;
	}
	if ((ret = validate_common(ctx, "check", &c)))
		goto out;
	if ((ret = validate_outputs(ctx, "check", &c)))
		goto out;
	if (!base) {
		ret = cli_usage_error(ctx, "check", "--base is required");
		goto out;
	}
	if (!fresh.n) {
		ret = cli_usage_error(ctx, "check", "at least one --fresh is required");
		goto out;
	}
	if (max_staleness != -1 && !(max_staleness >= 0 && max_staleness <= 1)) {
		ret = cli_usage_error(ctx, "check", "--max-staleness must be in [0, 1], not %g", max_staleness);
		goto out;
	}
	if (inlining_warn_bytes < 0) {
		ret = cli_usage_error(ctx, "check", "--inlining-warn-bytes must not be negative");
		goto out;
	}
	if (no_inlining && inlining_warn_bytes) {
		ret = cli_usage_error(ctx, "check", "--inlining-warn-bytes has no effect with --no-inlining");
		goto out;
	}
	common_to_check_opts(&c, &co, &lim, ctx);
	co.no_inlining = no_inlining;
	co.inlining_warn_bytes = (uint64_t)inlining_warn_bytes;
	if ((ret = cli_now_unix(ctx, "check", &co.now_unix)))
		goto out;
	if (pgd_check__run(c.binary, base, fresh.v, fresh.n, &co, &report, &err)) {
		ret = cli_fail(ctx, &err);
		goto out;
	}
	ret = finish(ctx, "check", report, &c, 1);
	/* The score as a gate: a capture drifting everywhere a little, with no single finding. */
	if (ret == CLI_EXIT_OK && max_staleness >= 0 && !pgd_report__staleness(report, &staleness) &&
	    staleness > max_staleness)
		ret = CLI_EXIT_FINDINGS;
out:
	pgd_report__free(report);
	cli_strlist_free(&fresh);
	cli_strlist_free(&pos);
	cli_strlist_free(&c.outputs);
	return ret;
}

int cmd_sites(struct cli_ctx *ctx, int argc, char **argv)
{
	struct common_opts c;
	struct cli_strlist pos = { 0 };
	struct pgd_check_opts co;
	struct pgd_limits lim;
	struct pgd_report *report = NULL;
	struct pgd_err err = { 0 };
	int ret;

	common_defaults(&c);
	{
		const struct cli_option opts[] = {
			COMMON_OPTIONS(c),
			{ CLI_OPT_END },
		};

		ret = cli_parse(ctx, "sites", &sites_usage, opts, argc, argv, &pos);
	}
	if (ret) {
		ret = ret == 1 ? CLI_EXIT_OK : ret;
		goto out;
	}
	if ((ret = validate_common(ctx, "sites", &c)))
		goto out;
	if ((ret = validate_outputs(ctx, "sites", &c)))
		goto out;
	if (!pos.n) {
		ret = cli_usage_error(ctx, "sites", "no PROFILE given");
		goto out;
	}
	common_to_check_opts(&c, &co, &lim, ctx);
	if (pgd_sites__run(c.binary, pos.v, pos.n, &co, &report, &err)) {
		ret = cli_fail(ctx, &err);
		goto out;
	}
	ret = finish(ctx, "sites", report, &c, 0);
out:
	pgd_report__free(report);
	cli_strlist_free(&pos);
	cli_strlist_free(&c.outputs);
	return ret;
}
