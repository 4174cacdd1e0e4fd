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
	{ "diff", cmd_diff, "what changed between two check or fleet reports: new, fixed, changed, persisting" },
	{ "merge", cmd_merge, "merge many services' check reports into one fleet report (history, summary)" },
	{ "trend", cmd_trend, "chart a history file: staleness and findings per service (Mermaid, SVG)" },
	{ "completion", cmd_completion, "print a bash or zsh completion script (generated from the options)" },
	{ 0 },
};

static void print_main_help(FILE *f, const char *prog)
{
	fprintf(f,
		"usage: %s COMMAND [OPTIONS] [ARGS]\n"
		"       %s help COMMAND | --version | --help\n\n"
		"Catch stale profile-guided devirtualization in Go services before it ships.\n\n"
		"commands:\n", prog, prog);
	for (const struct cli_command *c = commands; c->name; c++)
		fprintf(f, "  %-10s %s\n", c->name, c->summary);
	fprintf(f,
		"\nRun '%s help COMMAND' (or '%s COMMAND --help') for a command's options.\n"
		"-V, --version prints the version. Exit status: 0 nothing at or above\n"
		"--fail-on, 1 findings, 2 usage or input error.\n"
		"\nexample:\n"
		"  %s check --binary ./svc --base cmd/svc/default.pgo --fresh cpu.pprof\n",
		prog, prog, prog);
}

static const struct cli_command *find_command(const char *name)
{
	for (const struct cli_command *c = commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

static int unknown_command(struct cli_ctx *ctx, const char *name)
{
	const char *names[16];
	size_t n = 0;
	const char *hint;

	for (const struct cli_command *c = commands; c->name && n < 15; c++)
		names[n++] = c->name;
	names[n++] = "help";
	hint = cli_did_you_mean(name, names, n);
	if (hint)
		fprintf(stderr, "%s: unknown command '%s'; did you mean '%s'? (see '%s --help')\n",
			ctx->prog, name, hint, ctx->prog);
	else
		fprintf(stderr, "%s: unknown command '%s' (see '%s --help')\n", ctx->prog, name, ctx->prog);
	return CLI_EXIT_ERROR;
}

/* `pgodrift help COMMAND` is `pgodrift COMMAND --help`. */
static int help_command(struct cli_ctx *ctx, int argc, char **argv)
{
	const struct cli_command *c;
	char *args[3];

	if (argc < 3) {
		print_main_help(stdout, ctx->prog);
		return CLI_EXIT_OK;
	}
	c = find_command(argv[2]);
	if (!c)
		return unknown_command(ctx, argv[2]);
	args[0] = argv[2];
	args[1] = "--help";
	args[2] = NULL;
	return c->run(ctx, 2, args);
}

/*
 * Completion asks each command for its option table through cli_parse's
 * dump mode, so the scripts list exactly what the parsers accept.
 */
int cli_for_each_command(struct cli_ctx *ctx, cli_command_fn fn, void *arg)
{
	for (const struct cli_command *c = commands; c->name; c++) {
		char *buf = NULL, *args[3] = { (char *)c->name, "--help", NULL };
		size_t len = 0;
		struct cli_ctx sub = *ctx;

		if (c->run == cmd_completion)
			continue;
		sub.dump_options = open_memstream(&buf, &len);
		if (!sub.dump_options)
			return -1;
		c->run(&sub, 2, args);
		fclose(sub.dump_options);
		fn(arg, c->name, c->summary, buf ? buf : "");
		free(buf);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct cli_ctx ctx = {
		.prog = "pgodrift",
		.stdout_tty = isatty(STDOUT_FILENO),
		.stderr_tty = isatty(STDERR_FILENO),
		.no_color = getenv("NO_COLOR") && *getenv("NO_COLOR"),
	};
	const struct cli_command *c;

	if (argc < 2) {
		print_main_help(stderr, ctx.prog);
		return CLI_EXIT_ERROR;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))  {
		print_main_help(stdout, ctx.prog);
		return CLI_EXIT_OK;
	}
	if (!strcmp(argv[1], "help"))
		return help_command(&ctx, argc, argv);
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V") || !strcmp(argv[1], "version")) {
		printf("pgodrift %s\n", PGD_VERSION);
		return CLI_EXIT_OK;
	}
	c = find_command(argv[1]);
	if (c)
		return c->run(&ctx, argc - 1, argv + 1);
	if (argv[1][0] == '-') {
		fprintf(stderr, "%s: unknown option '%s' (see '%s --help')\n", ctx.prog, argv[1], ctx.prog);
		return CLI_EXIT_ERROR;
	}
	return unknown_command(&ctx, argv[1]);
}
