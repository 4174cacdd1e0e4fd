// SPDX-License-Identifier: MIT
/* pgodrift edges: the compiler's view of one or more profiles. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const struct cli_usage usage = {
	.synopsis = "pgodrift edges [--attribution compiler|stack] [--output FILE] PROFILE...",
	.description =
		"Print the call edges Go's compiler derives from the profiles, in the\n"
		"GO PREPROFILE V1 format that `go tool preprofile` writes and `go build -pgo`\n"
		"reads. For one pprof input the output is byte-identical to\n"
		"`go tool preprofile -i PROFILE`; several inputs are merged (weights summed).\n"
		"PROFILE is a pprof file (gzip or raw) or a GO PREPROFILE V1 file.",
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
	const struct cli_option opts[] = {
		{ CLI_OPT_CHOICE, "attribution", &attribution, "MODE",
		  "compiler: last two frames of each sample, as cmd/compile (default); stack: every caller->callee pair",
		  cli_attribution_choices },
		{ CLI_OPT_STRING, "output", &output, "FILE", "write to FILE (atomically) instead of stdout" },
		{ CLI_OPT_END },
	};
	struct cli_strlist paths = { 0 };
	struct pgd_profile **profiles = NULL;
	struct pgd_edges *edges = NULL;
	struct pgd_err err = { 0 };
	char *tmp = NULL;
	FILE *out = stdout;
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
	profiles = calloc(paths.n, sizeof(*profiles));
	if (!profiles) {
		ret = cli_usage_error(ctx, "edges", "out of memory");
		goto out;
	}
	for (nopen = 0; nopen < paths.n; nopen++) {
		if (pgd_profile__open(paths.v[nopen], NULL, &profiles[nopen], &err)) {
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
	if (output) {
		size_t len = strlen(output) + 16;
		int fd;

		tmp = malloc(len);
		if (!tmp) {
			ret = cli_usage_error(ctx, "edges", "out of memory");
			goto out;
		}
		snprintf(tmp, len, "%s.XXXXXX", output);
		fd = mkstemp(tmp);
		if (fd < 0 || !(out = fdopen(fd, "w"))) {
			fprintf(stderr, "%s: '%s': cannot create output: %s\n", ctx->prog, output,
				strerror(errno));
			free(tmp);
			tmp = NULL;
			out = stdout;
			ret = CLI_EXIT_ERROR;
			goto out;
		}
	}
	if (pgd_edges__write_preprofile(edges, out, &err) || fflush(out)) {
		if (!err.msg[0])
			snprintf(err.msg, sizeof(err.msg), "cannot write output: %s", strerror(errno));
		ret = cli_fail(ctx, &err);
		goto out;
	}
	if (tmp) {
		if (fclose(out) || rename(tmp, output)) {
			fprintf(stderr, "%s: '%s': cannot write output: %s\n", ctx->prog, output,
				strerror(errno));
			out = stdout;
			ret = CLI_EXIT_ERROR;
			goto out;
		}
		out = stdout;
		free(tmp);
		tmp = NULL;
	}
	ret = CLI_EXIT_OK;
out:
	if (tmp) {
		if (out != stdout)
			fclose(out);
		unlink(tmp);
		free(tmp);
	}
	pgd_edges__free(edges);
	for (size_t i = 0; i < nopen && profiles; i++)
		pgd_profile__close(profiles[i]);
	free(profiles);
	cli_strlist_free(&paths);
	return ret;
}
