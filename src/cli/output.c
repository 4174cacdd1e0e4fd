// SPDX-License-Identifier: MIT
/*
 * Writing reports: format choice, several outputs from one analysis
 * (--output FORMAT=PATH), the repository root and link base taken from the
 * environment, exit status, progress.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

int cli_output_error(struct pgd_err *err, int errnum)
{
	err->code = PGD_EIO;
	snprintf(err->msg, sizeof(err->msg), "cannot write output: %s", strerror(errnum));
	return PGD_EIO;
}

enum pgd_severity cli_fail_level(const char *fail_on)
{
	if (fail_on && !strcmp(fail_on, "warn"))
		return PGD_SEV_WARN;
	if (fail_on && !strcmp(fail_on, "never"))
		return PGD_SEV_NONE;
	return PGD_SEV_RISK;
}

int cli_exit_status(const struct pgd_report *r, const char *fail_on)
{
	enum pgd_severity level = cli_fail_level(fail_on);

	return level != PGD_SEV_NONE && pgd_report__worst_severity(r) >= level ? CLI_EXIT_FINDINGS
									      : CLI_EXIT_OK;
}

/* The innermost directory from the current one up that holds .git (a directory, or a worktree's file). */
static char *git_top_level(void)
{
	char *dir = getcwd(NULL, 0);
	size_t len;

	if (!dir)
		return NULL;
	len = strlen(dir);
	for (;;) {
		char *probe = malloc(len + 6);
		struct stat st;
		int found;

		if (!probe)
			break;
		memcpy(probe, dir, len);
		memcpy(probe + len, "/.git", 6);
		found = !stat(probe, &st);
		free(probe);
		if (found) {
			dir[len ? len : 1] = '\0';
			return dir;
		}
		while (len > 0 && dir[len - 1] != '/')
			len--;
		if (len <= 1)
			break;
		len--;   /* drop the '/' */
	}
	free(dir);
	return NULL;
}

const char *cli_repo_root(const char *source_root, char **owned)
{
	const char *env;

	*owned = NULL;
	if (source_root)
		return source_root;
	if ((*owned = git_top_level()))
		return *owned;
	if ((env = getenv("GITHUB_WORKSPACE")) && *env)
		return env;
	if ((env = getenv("CI_PROJECT_DIR")) && *env)
		return env;
	return NULL;
}

static char *join3(const char *a, const char *b, const char *c, const char *d, const char *e)
{
	size_t n = strlen(a) + strlen(b) + strlen(c) + strlen(d) + strlen(e) + 1;
	char *s = malloc(n);

	if (s)
		snprintf(s, n, "%s%s%s%s%s", a, b, c, d, e);
	return s;
}

static const char *env_nonempty(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

const char *cli_link_base(const char *link_base, char **owned)
{
	const char *server, *repo, *sha;

	*owned = NULL;
	if (link_base)
		return link_base;
	/* GitHub Actions' default variables: the file at the commit the run checked out. */
	server = env_nonempty("GITHUB_SERVER_URL");
	repo = env_nonempty("GITHUB_REPOSITORY");
	sha = env_nonempty("GITHUB_SHA");
	if (server && repo && sha)
		return *owned = join3(server, "/", repo, "/blob/", sha);
	/* GitLab CI's predefined variables. */
	repo = env_nonempty("CI_PROJECT_URL");
	sha = env_nonempty("CI_COMMIT_SHA");
	if (repo && sha)
		return *owned = join3(repo, "/-/blob/", sha, "", "");
	return NULL;
}

struct out_spec {
	const char *format;
	const char *path;       /* NULL: stdout */
};

/* "sarif=out.sarif" -> format sarif; a plain FILE is not a FORMAT=PATH. */
static int split_spec(const char *v, char *fmt, size_t fmtsz, const char **path)
{
	const char *eq = strchr(v, '=');
	size_t n = eq ? (size_t)(eq - v) : 0;

	if (!eq || n == 0 || n >= fmtsz)
		return 0;
	memcpy(fmt, v, n);
	fmt[n] = '\0';
	if (!pgd_report__has_format(fmt))
		return 0;
	*path = eq + 1;
	return 1;
}

/* Resolves --format and every --output into a list of (format, path); CLI_EXIT_ERROR on a bad one. */
static int collect_outputs(struct cli_ctx *ctx, const char *cmd, const struct cli_output_opts *o,
			   struct out_spec *specs, size_t max, size_t *n, char (*fmtbuf)[32])
{
	const char *plain = NULL;
	size_t k = 0, nstdout = 0;

	for (size_t i = 0; o->outputs && i < o->outputs->n; i++) {
		const char *v = o->outputs->v[i], *path;

		if (split_spec(v, fmtbuf[k], sizeof(fmtbuf[k]), &path)) {
			if (!*path)
				return cli_usage_error(ctx, cmd, "--output %s needs a PATH ('-' for stdout)", v);
			if (k == max)
				return cli_usage_error(ctx, cmd, "too many --output values");
			specs[k].format = fmtbuf[k];
			specs[k++].path = strcmp(path, "-") ? path : NULL;
		} else if (plain) {
			return cli_usage_error(ctx, cmd, "--output FILE given twice ('%s', '%s'); "
					       "use --output FORMAT=PATH for several outputs", plain, v);
		} else {
			plain = v;
		}
	}
	/* The --format/--output pair is one more output; alone it is the only one. */
	if (plain || o->format || !k) {
		if (k == max)
			return cli_usage_error(ctx, cmd, "too many --output values");
		specs[k].path = plain && strcmp(plain, "-") ? plain : NULL;
		/* A person at a terminal reads text; a pipe or file gets the JSON contract. */
		specs[k].format = o->format ? o->format :
				  (!specs[k].path && ctx->stdout_tty) ? "text" : "json";
		k++;
	}
	for (size_t i = 0; i < k; i++) {
		nstdout += !specs[i].path;
		for (size_t j = 0; specs[i].path && j < i; j++)
			if (specs[j].path && !strcmp(specs[i].path, specs[j].path))
				return cli_usage_error(ctx, cmd, "two outputs to '%s'", specs[i].path);
	}
	if (nstdout > 1)
		return cli_usage_error(ctx, cmd, "only one output can go to stdout");
	*n = k;
	return 0;
}

int cli_validate_outputs(struct cli_ctx *ctx, const struct cli_output_opts *o)
{
	struct out_spec specs[16];
	char fmtbuf[16][32];
	size_t n;

	return collect_outputs(ctx, o->cmd ? o->cmd : "report", o, specs, 16, &n, fmtbuf);
}

static int names_files(const char *format)
{
	return strcmp(format, "json") && strcmp(format, "text");
}

int cli_write_report(struct cli_ctx *ctx, const struct pgd_report *r,
		     const struct cli_output_opts *o)
{
	struct pgd_write_opts wo = { .sz = sizeof(wo) };
	struct pgd_err err = { 0 };
	struct out_spec specs[16];
	char fmtbuf[16][32];
	char *root_owned = NULL, *link_owned = NULL;
	const char *cmd = o->cmd ? o->cmd : "report";
	size_t n = 0;
	int ret, paths_checked = 0;

	ret = collect_outputs(ctx, cmd, o, specs, 16, &n, fmtbuf);
	if (ret)
		goto out;
	/* The report replaces whatever progress line is still showing. */
	if (ctx->stderr_tty)
		fputs("\r\033[K", stderr);
	wo.source_root = cli_repo_root(o->source_root, &root_owned);
	wo.link_base = cli_link_base(o->link_base, &link_owned);
	for (size_t i = 0; i < n; i++) {
		/* A wrong root fails before any output is replaced. */
		if (!paths_checked && names_files(specs[i].format)) {
			paths_checked = 1;
			if (pgd_report__check_paths(r, &wo, &err)) {
				ret = cli_fail(ctx, &err);
				goto out;
			}
		}
	}
	for (size_t i = 0; i < n; i++) {
		wo.color = !specs[i].path && ctx->stdout_tty && !ctx->no_color;
		if (specs[i].path)
			ret = pgd_report__write_file(r, specs[i].format, &wo, specs[i].path, &err);
		else
			ret = pgd_report__write(r, specs[i].format, &wo, stdout, &err);
		if (ret) {
			/* Say which output failed: the writers leave the file name empty. */
			if (!err.file[0])
				snprintf(err.file, sizeof(err.file), "%s",
					 specs[i].path ? specs[i].path : CLI_STDOUT_NAME);
			ret = cli_fail(ctx, &err);
			goto out;
		}
	}
out:
	free(root_owned);
	free(link_owned);
	return ret;
}

void cli_progress(void *vctx, const char *stage, uint64_t done, uint64_t total)
{
	struct cli_ctx *ctx = vctx;

	if (!ctx->stderr_tty)
		return;
	if (total)
		fprintf(stderr, "\r\033[K%s: %s %llu/%llu", ctx->prog, stage,
			(unsigned long long)done, (unsigned long long)total);
	else
		fprintf(stderr, "\r\033[K%s: %s", ctx->prog, stage);
	if (total && done >= total)
		fprintf(stderr, "\r\033[K");
	fflush(stderr);
}

/* 9999-12-31T23:59:59Z: the last second a four-digit year can show. */
#define CLI_MAX_EPOCH 253402300799LL

int cli_now_unix(struct cli_ctx *ctx, const char *cmd, int64_t *out)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	char *end;
	long long v;

	*out = 0;
	if (!sde || !*sde)
		return 0;
	/*
	 * The reproducible-builds spec asks for an error on a malformed value.
	 * Past year 9999 no report date can be printed (and strtoll clamps
	 * what overflows to LLONG_MAX with ERANGE), so those are refused too.
	 */
	errno = 0;
	v = strtoll(sde, &end, 10);
	if (*end || v < 0 || errno == ERANGE || v > CLI_MAX_EPOCH)
		return cli_usage_error(ctx, cmd,
				       "SOURCE_DATE_EPOCH is not a Unix time between 0 and %lld "
				       "(9999-12-31): '%s'", (long long)CLI_MAX_EPOCH, sde);
	*out = v;
	return 0;
}
