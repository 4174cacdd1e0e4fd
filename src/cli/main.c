// SPDX-License-Identifier: MIT
/* pgodrift: entry point and the command table (bpftool's cmd_select). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const struct cli_command commands[] = {
	{ "check", cmd_check, "compare the committed profile with a fresh capture through the binary (the main job)" },
	{ "doctor", cmd_doctor, "health checks for profiles, binaries and repositories" },
	{ "sites", cmd_sites, "list the call sites the profiles mention, classified through the binary" },
	{ "edges", cmd_edges, "print the call edges Go's compiler derives (GO PREPROFILE V1)" },
	{ 0 },
};

static void print_main_help(FILE *f, const char *prog)
{
	fprintf(f,
		"usage: %s COMMAND [OPTIONS] [ARGS]\n"
		"       %s --version | --help\n\n"
		"Catch stale profile-guided devirtualization in Go services before it ships.\n\n"
		"commands:\n", prog, prog);
	for (const struct cli_command *c = commands; c->name; c++)
		fprintf(f, "  %-8s %s\n", c->name, c->summary);
	fprintf(f,
		"\nRun '%s COMMAND --help' for a command's options. Exit status: 0 nothing at or\n"
		"above --fail-on, 1 findings, 2 usage or input error.\n"
		"\nexample:\n"
		"  %s check --binary ./svc --base cmd/svc/default.pgo --fresh cpu.pprof\n",
		prog, prog);
}

int main(int argc, char **argv)
{
	struct cli_ctx ctx = {
		.prog = "pgodrift",
		.stdout_tty = isatty(STDOUT_FILENO),
		.stderr_tty = isatty(STDERR_FILENO),
		.no_color = getenv("NO_COLOR") && *getenv("NO_COLOR"),
	};

	if (argc < 2) {
		print_main_help(stderr, ctx.prog);
		return CLI_EXIT_ERROR;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		print_main_help(stdout, ctx.prog);
		return CLI_EXIT_OK;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("pgodrift %s\n", PGD_VERSION);
		return CLI_EXIT_OK;
	}
	for (const struct cli_command *c = commands; c->name; c++)
		if (!strcmp(c->name, argv[1]))
			return c->run(&ctx, argc - 1, argv + 1);
	fprintf(stderr, "%s: unknown command '%s' (see '%s --help')\n", ctx.prog, argv[1], ctx.prog);
	return CLI_EXIT_ERROR;
}
