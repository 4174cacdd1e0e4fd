// SPDX-License-Identifier: MIT
/* pgodrift edges: the compiler's view of one or more profiles. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const struct cli_usage usage = {
	.synopsis = "pgodrift edges [--attribution compiler|stack] [--output FILE] PROFILE...",
	.description =
		"Print the call edges Go's compiler derives from the profiles, in the\n"
		"GO PREPROFILE V1 format that `go tool preprofile` writes and `go build -pgo`\n"
		"reads. For one pprof input the output is byte-identical to\n"
		"`go tool preprofile -i PROFILE`; several inputs are merged (weights summed).\n"
		"PROFILE is a pprof file (gzip or raw) or a GO PREPROFILE V1 file; - reads\n"
		"standard input.",
	.positional = "PROFILE...",
	.epilogue =
		"examples:\n"
		"  pgodrift edges default.pgo > default.preprofile\n"
		"  pgodrift edges --attribution stack cpu1.pprof cpu2.pprof\n"
		"\nexit status: 0 written, 2 usage or input error (nothing is written).\n",
};

int cmd_edges(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *attribution = "compiler", *output = NULL;
	struct cli_limits lim = { 0 };
	const struct cli_option opts[] = {
		{ CLI_OPT_CHOICE, "attribution", &attribution, "MODE",
		  "compiler: last two frames of each sample, as cmd/compile (default); stack: every caller->callee pair",
		  cli_attribution_choices },
		{ CLI_OPT_STRING, "output", &output, "FILE", "write to FILE (atomically) instead of stdout" },
		CLI_LIMIT_OPTIONS(lim),
		{ CLI_OPT_END },
	};
	struct cli_strlist paths = { 0 };
	struct pgd_profile **profiles = NULL;
	struct pgd_edges *edges = NULL;
	struct pgd_limits limits;
	struct pgd_err err = { 0 };
	size_t nopen = 0;
	int ret;

	ret = cli_parse(ctx, "edges", &usage, opts, argc, argv, &paths);
	if (ret) {
		ret = ret == 1 ? CLI_EXIT_OK : ret;
		goto out;
	}
	if (!paths.n) {
		ret = cli_usage_error(ctx, "edges", "no PROFILE given");
		goto out;
	}
	if ((ret = cli_limits_apply(ctx, "edges", &lim, &limits)))
		goto out;
	profiles = calloc(paths.n, sizeof(*profiles));
	if (!profiles) {
		ret = cli_usage_error(ctx, "edges", "out of memory");
		goto out;
	}
	for (nopen = 0; nopen < paths.n; nopen++) {
		if (pgd_profile__open(paths.v[nopen], &limits, &profiles[nopen], &err)) {
			ret = cli_fail(ctx, &err);
			goto out;
		}
	}
	if (pgd_edges__build(profiles, paths.n,
			     !strcmp(attribution, "stack") ? PGD_ATTR_STACK : PGD_ATTR_COMPILER,
			     &edges, &err)) {
		ret = cli_fail(ctx, &err);
		goto out;
	}
	if (output)
		ret = pgd_edges__write_preprofile_file(edges, output, &err);
	else if (!(ret = pgd_edges__write_preprofile(edges, stdout, &err)) && fflush(stdout))
		ret = cli_output_error(&err, errno);
	if (ret) {
		if (!output && !err.file[0])
			snprintf(err.file, sizeof(err.file), "%s", CLI_STDOUT_NAME);
		ret = cli_fail(ctx, &err);
		goto out;
	}
	ret = CLI_EXIT_OK;
out:
	pgd_edges__free(edges);
	for (size_t i = 0; i < nopen && profiles; i++)
		pgd_profile__close(profiles[i]);
	free(profiles);
	cli_strlist_free(&paths);
	return ret;
}
