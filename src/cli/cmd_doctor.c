// SPDX-License-Identifier: MIT
/* pgodrift doctor: the rest of the PGO failure family, one check per table entry. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const struct cli_usage usage = {
	.synopsis = "pgodrift doctor [--binary BIN] [--compare-binary BIN] [--base PROFILE] [--fresh PROFILE...]\n"
		    "                       [--profile PROFILE...] [--repo DIR] [OPTIONS] [PROFILE...]",
	.description =
		"Run every health check its inputs allow and report findings (at least one\n"
		"profile is needed). Each finding has a stable id, a one-line message that\n"
		"says what to do, and the figures behind it. Unusable profiles are findings\n"
		"here, not errors, so a capture job can validate a new profile with\n"
		"`pgodrift doctor --profile new.pprof` before installing it.\n"
		"\n"
		"checks: unusable-profile, too-few-samples, startup-dominated,\n"
		"microbenchmark-profile, profile-age (any profile); distribution-skew (--base\n"
		"and --fresh); stale-names, offset-drift, build-settings, toolchain-skew,\n"
		"race-build (--binary); code-bloat (--binary and --compare-binary); layout\n"
		"(--repo).",
	.positional = "PROFILE...",
	.epilogue =
		"examples:\n"
		"  pgodrift doctor --profile new.pprof                 # validate a capture\n"
		"  pgodrift doctor --binary ./svc --base default.pgo --fresh cpu.pprof --repo .\n"
		"\n\"now\" for profile-age is SOURCE_DATE_EPOCH when set (reproducible output).\n"
		"\noutputs: as for check (--format, --output FORMAT=PATH, --source-root; see\n"
		"doc/formats.md).\n"
		"\nexit status: 0 nothing at or above --fail-on, 1 findings, 2 usage or input error.\n",
};

int cmd_doctor(struct cli_ctx *ctx, int argc, char **argv)
{
	struct pgd_doctor_opts d;
	struct pgd_check_opts co;
	struct pgd_limits limits;
	struct cli_strlist fresh = { 0 }, profiles = { 0 }, pos = { 0 }, outputs = { 0 };
	const char *format = NULL, *fail_on = "risk", *attribution = "compiler";
	const char *source_root = NULL, *link_base = NULL;
	long long min_total = 0, min_samples = 0;
	struct cli_limits lim = { 0 };
	const char *debug_dir = NULL;
	struct pgd_report *report = NULL;
	struct pgd_err err = { 0 };
	int ret;

	pgd_doctor_opts__init(&d);
	pgd_check_opts__init(&co);
	d.check = &co;
	min_total = d.min_total_samples;
	min_samples = co.min_samples;
	{
		const struct cli_option opts[] = {
			{ CLI_OPT_STRING, "binary", &d.binary_path, "BIN", "the Go binary that ships" },
			{ CLI_OPT_STRING, "compare-binary", &d.compare_binary_path, "BIN",
			  "the same code built with -pgo=off, for code-bloat" },
			{ CLI_OPT_STRING, "base", &d.base_path, "PROFILE", "the committed profile (default.pgo)" },
			{ CLI_OPT_LIST, "fresh", &fresh, "PROFILE", "a fresh capture; repeat to merge" },
			{ CLI_OPT_LIST, "profile", &profiles, "PROFILE",
			  "a profile to check on its own; repeatable (positionals too)" },
			{ CLI_OPT_STRING, "repo", &d.repo_dir, "DIR", "a Go module tree, for layout" },
			{ CLI_OPT_CHOICE, "format", &format, "FMT",
			  "json, text, markdown, sarif, github, codeclimate, rdjsonl or line",
			  cli_format_choices },
			{ CLI_OPT_LIST, "output", &outputs, "FILE",
			  "write the report to FILE (atomically); FORMAT=PATH adds an output, repeatable" },
			{ CLI_OPT_CHOICE, "fail-on", &fail_on, "LEVEL",
			  "exit 1 when a finding is at least risk (default), warn, or never",
			  cli_fail_on_choices },
			{ CLI_OPT_CHOICE, "attribution", &attribution, "MODE", "compiler (default) or stack",
			  cli_attribution_choices },
			{ CLI_OPT_INT, "min-samples", &min_samples, "N",
			  "a call site needs this many samples (default 30)" },
			{ CLI_OPT_INT, "min-total-samples", &min_total, "N",
			  "too-few-samples below this many samples in all (default 30000)" },
			{ CLI_OPT_DOUBLE, "max-startup-share", &d.max_startup_share, "F",
			  "startup-dominated above this share of samples in init/start-up (default 0.25)" },
			{ CLI_OPT_DOUBLE, "max-single-function-share", &d.max_single_function_share, "F",
			  "microbenchmark-profile above this share of flat weight in one function (default 0.8)" },
			{ CLI_OPT_DOUBLE, "max-divergence", &d.max_divergence, "F",
			  "distribution-skew above this Jensen-Shannon divergence (default 0.2)" },
			{ CLI_OPT_DOUBLE, "max-stale-share", &d.max_stale_share, "F",
			  "stale-names/offset-drift above this share of base edge weight (default 0.05)" },
			{ CLI_OPT_DOUBLE, "max-age-days", &d.max_age_days, "DAYS",
			  "profile-age above this many days (default 90)" },
			{ CLI_OPT_DOUBLE, "max-growth", &d.max_growth, "F",
			  "code-bloat above this text growth (default 0.05)" },
			{ CLI_OPT_STRING, "source-root", &source_root, "DIR",
			  "the repository root paths are relative to (default: git top level)" },
			{ CLI_OPT_STRING, "link-base", &link_base, "URL",
			  "markdown: link files to URL/PATH (default: from GITHUB_*/CI_* variables)" },
			CLI_LIMIT_OPTIONS(lim),
			{ CLI_OPT_STRING, "debug-dir", &debug_dir, "DIRS",
			  "':'-separated roots for debug files by build ID or .gnu_debuglink (default /usr/lib/debug)" },
			{ CLI_OPT_END },
		};

		ret = cli_parse(ctx, "doctor", &usage, opts, argc, argv, &pos);
	}
	if (ret) {
		ret = ret == 1 ? CLI_EXIT_OK : ret;
		goto out;
	}
	for (size_t i = 0; i < pos.n; i++) {
		if (cli_strlist_push(&profiles, pos.v[i])) {
			ret = cli_usage_error(ctx, "doctor", "out of memory");
			goto out;
		}
	}
	{
		struct cli_output_opts oo = { .format = format, .outputs = &outputs, .cmd = "doctor" };

		if ((ret = cli_validate_outputs(ctx, &oo)))
			goto out;
	}
	if (!d.base_path && !fresh.n && !profiles.n) {
		ret = cli_usage_error(ctx, "doctor", "give at least one profile (--base, --fresh, --profile)");
		goto out;
	}
	if (min_total < 1 || min_samples < 1) {
		ret = cli_usage_error(ctx, "doctor", "sample thresholds must be at least 1");
		goto out;
	}
	if ((ret = cli_limits_apply(ctx, "doctor", &lim, &limits)))
		goto out;
	limits.debug_dirs = debug_dir;
	d.fresh_paths = fresh.v;
	d.nfresh = fresh.n;
	d.profile_paths = profiles.v;
	d.nprofiles = profiles.n;
	d.min_total_samples = min_total;
	co.limits = &limits;
	co.min_samples = min_samples;
	co.attribution = !strcmp(attribution, "stack") ? PGD_ATTR_STACK : PGD_ATTR_COMPILER;
	co.progress = cli_progress;
	co.progress_ctx = ctx;
	if ((ret = cli_now_unix(ctx, "doctor", &d.now_unix)))
		goto out;
	if (pgd_doctor__run(&d, &report, &err)) {
		ret = cli_fail(ctx, &err);
		goto out;
	}
	{
		struct cli_output_opts oo = {
			.format = format, .outputs = &outputs, .fail_on = fail_on,
			.source_root = source_root, .link_base = link_base, .cmd = "doctor",
		};

		ret = cli_write_report(ctx, report, &oo);
		if (!ret)
			ret = cli_exit_status(report, fail_on);
	}
out:
	pgd_report__free(report);
	cli_strlist_free(&fresh);
	cli_strlist_free(&profiles);
	cli_strlist_free(&pos);
	cli_strlist_free(&outputs);
	return ret;
}
