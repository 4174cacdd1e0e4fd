/* SPDX-License-Identifier: MIT */
#ifndef PGD_CLI_H
#define PGD_CLI_H

/*
 * The command-line front end: a client of the public API only
 * (include/pgodrift/), like bpftool is of libbpf. It owns option parsing,
 * --help, output files and the mapping of errors to exit status; nothing
 * below it prints.
 */

#include <stdio.h>

#include "pgodrift/pgodrift.h"

enum cli_exit {
	CLI_EXIT_OK = 0,        /* nothing at or above --fail-on */
	CLI_EXIT_FINDINGS = 1,  /* findings at or above --fail-on */
	CLI_EXIT_ERROR = 2,     /* usage or input error */
};

/* A growable list of strings from repeated options or positionals. */
struct cli_strlist {
	const char **v;
	size_t n, alloc;
};

/* Per-run state, passed down; there are no globals. */
struct cli_ctx {
	const char *prog;       /* "pgodrift" */
	int stdout_tty;
	int stderr_tty;
	int no_color;           /* NO_COLOR is set */
	FILE *dump_options;     /* completion: cli_parse writes its table here and stops */
};

enum cli_opt_type {
	CLI_OPT_END = 0,
	CLI_OPT_FLAG,           /* int *: set to 1 */
	CLI_OPT_STRING,         /* const char **: last one wins */
	CLI_OPT_LIST,           /* struct cli_strlist *: repeatable */
	CLI_OPT_DOUBLE,         /* double * */
	CLI_OPT_INT,            /* long long * */
	CLI_OPT_CHOICE,         /* const char **, one of choices */
};

/*
 * Options are declared as a table (git's parse-options): the same table
 * parses argv and generates the --help text, so they cannot disagree.
 */
struct cli_option {
	enum cli_opt_type type;
	const char *name;       /* long name without "--" */
	void *target;
	const char *argh;       /* argument placeholder in help, e.g. "FILE" */
	const char *help;
	const char *const *choices;   /* NULL-terminated, CLI_OPT_CHOICE only */
};

struct cli_command {
	const char *name;
	int (*run)(struct cli_ctx *ctx, int argc, char **argv);
	const char *summary;    /* one line for `pgodrift --help` */
};

struct cli_usage {
	const char *synopsis;   /* "pgodrift check --binary BIN --base PROFILE --fresh PROFILE..." */
	const char *description;
	const char *positional; /* "PROFILE..." or NULL when none are accepted */
	const char *epilogue;   /* examples and exit status */
};

/*
 * Parses argv[1..] (argv[0] is the command name). Positionals go to `pos`.
 * Returns 0, 1 when --help was printed, or CLI_EXIT_ERROR after printing
 * one usage line.
 */
int cli_parse(struct cli_ctx *ctx, const char *cmd, const struct cli_usage *usage,
	      const struct cli_option *opts, int argc, char **argv, struct cli_strlist *pos);
void cli_print_help(FILE *f, const char *cmd, const struct cli_usage *usage,
		    const struct cli_option *opts);
int cli_strlist_push(struct cli_strlist *l, const char *s);
void cli_strlist_free(struct cli_strlist *l);

/* Prints "pgodrift: <cause>" from err and returns CLI_EXIT_ERROR. */
int cli_fail(struct cli_ctx *ctx, const struct pgd_err *err);
/* Prints "pgodrift: <cmd>: <msg>" for usage errors and returns CLI_EXIT_ERROR. */
int cli_usage_error(struct cli_ctx *ctx, const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * "now" from SOURCE_DATE_EPOCH (the reproducible-builds convention), 0 when
 * unset; CLI_EXIT_ERROR after a usage line when it is not a Unix time.
 */
int cli_now_unix(struct cli_ctx *ctx, const char *cmd, int64_t *out);

/* Progress on stderr, only when it is a terminal. */
void cli_progress(void *ctx, const char *stage, uint64_t done, uint64_t total);

/* Shared by check, sites and doctor: report output. */
struct cli_output_opts {
	const char *format;     /* NULL: text on a terminal, json otherwise */
	const struct cli_strlist *outputs;  /* --output values: FILE, or FORMAT=PATH (repeatable) */
	const char *fail_on;    /* risk | warn | never */
	const char *source_root;
	const char *link_base;
	const char *cmd;        /* for usage errors */
};

/* How standard output is named in messages. */
#define CLI_STDOUT_NAME "standard output"
/* Fills err with "cannot write output: <strerror(errnum)>"; returns PGD_EIO. */
int cli_output_error(struct pgd_err *err, int errnum);
/* Checks --output values before the analysis runs: CLI_EXIT_ERROR after a usage line. */
int cli_validate_outputs(struct cli_ctx *ctx, const struct cli_output_opts *o);

int cli_write_report(struct cli_ctx *ctx, const struct pgd_report *r,
		     const struct cli_output_opts *o);
/* The exit status for a report under --fail-on. */
/* --fail-on risk | warn | never as the lowest failing severity (PGD_SEV_NONE: never). */
enum pgd_severity cli_fail_level(const char *fail_on);
int cli_exit_status(const struct pgd_report *r, const char *fail_on);

/*
 * --max-file-size, --max-decoded-size, --max-elements for the commands that
 * have no common option block (edges, doctor); check and sites declare the
 * same three in cmd_check.c. 0 keeps the library default.
 */
struct cli_limits {
	long long file_size, decoded_size, elements;
};

#define CLI_LIMIT_OPTIONS(l)                                                                     \
	{ CLI_OPT_INT, "max-file-size", &(l).file_size, "BYTES",                                   \
	  "refuse inputs larger than this (default 1 GiB)" },                                      \
	{ CLI_OPT_INT, "max-decoded-size", &(l).decoded_size, "BYTES",                             \
	  "cap on a profile's decompressed size (default 2 GiB)" },                                 \
	{ CLI_OPT_INT, "max-elements", &(l).elements, "N",                                         \
	  "cap on samples, locations, functions per input (default 50000000)" }

/* Fills out (sz included) from l; CLI_EXIT_ERROR after a usage line for a negative value. */
int cli_limits_apply(struct cli_ctx *ctx, const char *cmd, const struct cli_limits *l,
		     struct pgd_limits *out);

/*
 * The repository root reported paths are relative to: --source-root, else
 * the git top level of the current directory, else GITHUB_WORKSPACE or
 * CI_PROJECT_DIR; NULL when none applies. *owned is freed by the caller.
 */
const char *cli_repo_root(const char *source_root, char **owned);
/* Markdown link base: --link-base, else GitHub's or GitLab's CI variables. */
const char *cli_link_base(const char *link_base, char **owned);

/* Calls fn for each command with its option table as cli_parse's dump mode writes it. */
typedef void (*cli_command_fn)(void *arg, const char *name, const char *summary, const char *table);
int cli_for_each_command(struct cli_ctx *ctx, cli_command_fn fn, void *arg);
/* Shell completion generated from the option tables (cli_parse's dump mode). */
int cmd_completion(struct cli_ctx *ctx, int argc, char **argv);
/* Closest candidate to s within a small edit distance, NULL when none is close. */
const char *cli_did_you_mean(const char *s, const char *const *candidates, size_t n);

int cmd_edges(struct cli_ctx *ctx, int argc, char **argv);
int cmd_sites(struct cli_ctx *ctx, int argc, char **argv);
int cmd_check(struct cli_ctx *ctx, int argc, char **argv);
int cmd_doctor(struct cli_ctx *ctx, int argc, char **argv);
int cmd_diff(struct cli_ctx *ctx, int argc, char **argv);
int cmd_merge(struct cli_ctx *ctx, int argc, char **argv);
int cmd_trend(struct cli_ctx *ctx, int argc, char **argv);

extern const char *const cli_format_choices[];
extern const char *const cli_fail_on_choices[];
extern const char *const cli_attribution_choices[];

#endif
