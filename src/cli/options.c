// SPDX-License-Identifier: MIT
/* Option tables: parsing and the --help text generated from the same table. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char *const cli_format_choices[] = {
	"json", "text", "markdown", "sarif", "github", "codeclimate", "rdjsonl", "line", NULL,
};
const char *const cli_fail_on_choices[] = { "risk", "warn", "never", NULL };
const char *const cli_attribution_choices[] = { "compiler", "stack", NULL };

int cli_strlist_push(struct cli_strlist *l, const char *s)
{
	if (l->n == l->alloc) {
		size_t alloc = l->alloc ? l->alloc * 2 : 8;
		const char **v = realloc(l->v, alloc * sizeof(*v));

		if (!v)
			return -1;
		l->v = v;
		l->alloc = alloc;
	}
	l->v[l->n++] = s;
	return 0;
}

void cli_strlist_free(struct cli_strlist *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/*
 * Usage messages quote arguments: control characters are escaped as \xHH
 * (the library's rule for its own messages, src/sanitize.h), so nothing
 * reaches the terminal as a control sequence and every message is one line.
 */
static void escape_line(char *dst, size_t size, const char *src)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	for (; *src && o + 5 < size; src++) {
		unsigned char c = (unsigned char)*src;

		if (c < 0x20 || c == 0x7f) {
			dst[o++] = '\\';
			dst[o++] = 'x';
			dst[o++] = hex[c >> 4];
			dst[o++] = hex[c & 15];
		} else {
			dst[o++] = (char)c;
		}
	}
	dst[o] = '\0';
}

int cli_usage_error(struct cli_ctx *ctx, const char *cmd, const char *fmt, ...)
{
	char msg[2048], safe[4 * sizeof(msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	escape_line(safe, sizeof(safe), msg);
	fprintf(stderr, "%s: %s: %s (see '%s %s --help')\n", ctx->prog, cmd, safe, ctx->prog, cmd);
	return CLI_EXIT_ERROR;
}

int cli_fail(struct cli_ctx *ctx, const struct pgd_err *err)
{
	char buf[2048];

	/* The library's messages are one line and escaped already (pgd_err_format). */
	fprintf(stderr, "%s: %s\n", ctx->prog, pgd_err_format(err, buf, sizeof(buf)));
	return CLI_EXIT_ERROR;
}

int cli_limits_apply(struct cli_ctx *ctx, const char *cmd, const struct cli_limits *l,
		     struct pgd_limits *out)
{
	if (l->file_size < 0 || l->decoded_size < 0 || l->elements < 0)
		return cli_usage_error(ctx, cmd, "limits must not be negative");
	memset(out, 0, sizeof(*out));
	out->sz = sizeof(*out);
	out->max_file_bytes = (uint64_t)l->file_size;
	out->max_decoded_bytes = (uint64_t)l->decoded_size;
	out->max_elements = (uint64_t)l->elements;
	return 0;
}

/* Optimal string alignment distance (Levenshtein plus adjacent swaps), capped: small words only. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t d[40][40];

	if (la >= 40 || lb >= 40)
		return (size_t)-1;
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1];
			size_t best = d[i - 1][j] + 1;

			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < best)
				best = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[la][lb];
}

/*
 * git's help.autocorrect idea, without running anything: the closest name
 * within a third of its length (at least 1, at most 3 edits), or a name the
 * typed word is a prefix of; NULL when two are equally close or none is.
 */
const char *cli_did_you_mean(const char *s, const char *const *candidates, size_t n)
{
	const char *best = NULL;
	size_t bestd = (size_t)-1, len = strlen(s), limit = len / 3;
	int tie = 0;

	if (limit < 1)
		limit = 1;
	if (limit > 3)
		limit = 3;
	for (size_t i = 0; i < n; i++) {
		size_t d = edit_distance(s, candidates[i]);

		if (len >= 3 && !strncmp(candidates[i], s, len))
			d = d < limit ? d : limit;   /* a prefix of a longer name */
		if (d < bestd) {
			bestd = d;
			best = candidates[i];
			tie = 0;
		} else if (d == bestd) {
			tie = 1;
		}
	}
	return best && bestd <= limit && !tie ? best : NULL;
}

static int unknown_option(struct cli_ctx *ctx, const char *cmd, const struct cli_option *opts,
			  const char *name, size_t len)
{
	const char *names[64];
	char typed[64];
	size_t n = 0;
	const char *hint;

	for (const struct cli_option *o = opts; o->type != CLI_OPT_END && n < 63; o++)
		names[n++] = o->name;
	names[n++] = "help";
	snprintf(typed, sizeof(typed), "%.*s", (int)len, name);
	hint = len < sizeof(typed) ? cli_did_you_mean(typed, names, n) : NULL;
	if (hint)
		return cli_usage_error(ctx, cmd, "unknown option '--%s'; did you mean '--%s'?", typed, hint);
	return cli_usage_error(ctx, cmd, "unknown option '--%.*s'", (int)len, name);
}

/*
 * Completion's view of a table: one line per option, "name<TAB>kind<TAB>
 * choices<TAB>help", kind flag, file, dir, choice or value (from the
 * argument placeholder), then "positional<TAB>yes|no".
 */
static void dump_options(FILE *f, const struct cli_usage *usage, const struct cli_option *opts)
{
	for (const struct cli_option *o = opts; o->type != CLI_OPT_END; o++) {
		const char *kind = "value";

		if (o->type == CLI_OPT_FLAG)
			kind = "flag";
		else if (o->type == CLI_OPT_CHOICE)
			kind = "choice";
		else if (o->argh && !strcmp(o->argh, "DIR"))
			kind = "dir";
		else if (o->argh && (!strcmp(o->argh, "FILE") || !strcmp(o->argh, "BIN") ||
				     !strcmp(o->argh, "PROFILE")))
			kind = "file";
		fprintf(f, "%s\t%s\t", o->name, kind);
		for (const char *const *c = o->choices; o->type == CLI_OPT_CHOICE && c && *c; c++)
			fprintf(f, "%s%s", *c, c[1] ? "," : "");
		fprintf(f, "\t%s\n", o->help);
	}
	fprintf(f, "positional\t%s\n", usage->positional ? "yes" : "no");
}

static const struct cli_option *find_option(const struct cli_option *opts, const char *name,
					    size_t len)
{
	/* Exact names only: prefix matching makes old scripts break when options are added. */
	for (; opts->type != CLI_OPT_END; opts++)
		if (strlen(opts->name) == len && !strncmp(opts->name, name, len))
			return opts;
	return NULL;
}

static int set_value(struct cli_ctx *ctx, const char *cmd, const struct cli_option *o,
		     const char *arg)
{
	char *end;

	switch (o->type) {
	case CLI_OPT_STRING:
		if (!*arg)
			return cli_usage_error(ctx, cmd, "--%s needs a non-empty value", o->name);
		*(const char **)o->target = arg;
		return 0;
	case CLI_OPT_LIST:
		if (!*arg)
			return cli_usage_error(ctx, cmd, "--%s needs a non-empty value", o->name);
		if (cli_strlist_push(o->target, arg))
			return cli_usage_error(ctx, cmd, "out of memory");
		return 0;
	case CLI_OPT_DOUBLE: {
		double v;

		errno = 0;
		v = strtod(arg, &end);
		if (errno || end == arg || *end || v != v)
			return cli_usage_error(ctx, cmd, "--%s expects a number, not '%s'", o->name, arg);
		*(double *)o->target = v;
		return 0;
	}
	case CLI_OPT_INT: {
		long long v;

		errno = 0;
		v = strtoll(arg, &end, 10);
		if (errno || end == arg || *end)
			return cli_usage_error(ctx, cmd, "--%s expects an integer, not '%s'", o->name, arg);
		*(long long *)o->target = v;
		return 0;
	}
	case CLI_OPT_CHOICE:
		for (const char *const *c = o->choices; *c; c++) {
			if (!strcmp(*c, arg)) {
				*(const char **)o->target = *c;
				return 0;
			}
		}
		{
			char list[256] = "";
			size_t n = 0;
			const char *hint;

			for (const char *const *c = o->choices; *c; c++, n++) {
				strncat(list, *c, sizeof(list) - strlen(list) - 1);
				if (c[1])
					strncat(list, ", ", sizeof(list) - strlen(list) - 1);
			}
			hint = cli_did_you_mean(arg, o->choices, n);
			if (hint)
				return cli_usage_error(ctx, cmd, "--%s must be one of %s, not '%s'; did you "
						       "mean '%s'?", o->name, list, arg, hint);
			return cli_usage_error(ctx, cmd, "--%s must be one of %s, not '%s'", o->name,
					       list, arg);
		}
	case CLI_OPT_FLAG:
	case CLI_OPT_END:
		break;
	}
	return 0;
}

int cli_parse(struct cli_ctx *ctx, const char *cmd, const struct cli_usage *usage,
	      const struct cli_option *opts, int argc, char **argv, struct cli_strlist *pos)
{
	int only_positionals = 0;

	if (ctx->dump_options) {
		dump_options(ctx->dump_options, usage, opts);
		return 1;
	}
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const struct cli_option *o;
		const char *eq, *val;
		size_t len;

		if (only_positionals || a[0] != '-' || !a[1]) {
			if (!usage->positional)
				return cli_usage_error(ctx, cmd, "unexpected argument '%s'", a);
			if (cli_strlist_push(pos, a))
				return cli_usage_error(ctx, cmd, "out of memory");
			continue;
		}
		if (!strcmp(a, "--")) {
			only_positionals = 1;
			continue;
		}
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			cli_print_help(stdout, cmd, usage, opts);
			return 1;
		}
		if (a[1] != '-')
			return cli_usage_error(ctx, cmd, "unknown option '%s'", a);
		a += 2;
		eq = strchr(a, '=');
		len = eq ? (size_t)(eq - a) : strlen(a);
		o = find_option(opts, a, len);
		if (!o)
			return unknown_option(ctx, cmd, opts, a, len);
		if (o->type == CLI_OPT_FLAG) {
			if (eq)
				return cli_usage_error(ctx, cmd, "--%s takes no value", o->name);
			*(int *)o->target = 1;
			continue;
		}
		if (eq) {
			val = eq + 1;
		} else {
			if (i + 1 >= argc)
				return cli_usage_error(ctx, cmd, "--%s needs a value", o->name);
			val = argv[++i];
		}
		if (set_value(ctx, cmd, o, val))
			return CLI_EXIT_ERROR;
	}
	return 0;
}

void cli_print_help(FILE *f, const char *cmd, const struct cli_usage *usage,
		    const struct cli_option *opts)
{
	fprintf(f, "usage: %s\n\n%s\n", usage->synopsis, usage->description);
	if (opts && opts->type != CLI_OPT_END)
		fprintf(f, "\noptions:\n");
	for (const struct cli_option *o = opts; o && o->type != CLI_OPT_END; o++) {
		char left[64];

		if (o->type == CLI_OPT_FLAG)
			snprintf(left, sizeof(left), "--%s", o->name);
		else
			snprintf(left, sizeof(left), "--%s %s", o->name, o->argh ? o->argh : "VALUE");
		if (strlen(left) > 26)
			fprintf(f, "  %s\n  %-26s %s\n", left, "", o->help);
		else
			fprintf(f, "  %-26s %s\n", left, o->help);
	}
	fprintf(f, "  %-26s %s\n", "-h, --help", "show this help");
	if (usage->epilogue)
		fprintf(f, "\n%s", usage->epilogue);
	(void)cmd;
}
