// SPDX-License-Identifier: MIT
/* Writing reports (format choice, atomic --output), exit status, progress. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cli_exit_status(const struct pgd_report *r, const char *fail_on)
{
	enum pgd_severity worst = pgd_report__worst_severity(r);

	if (!fail_on || !strcmp(fail_on, "risk"))
		return worst >= PGD_SEV_RISK ? CLI_EXIT_FINDINGS : CLI_EXIT_OK;
	if (!strcmp(fail_on, "warn"))
		return worst >= PGD_SEV_WARN ? CLI_EXIT_FINDINGS : CLI_EXIT_OK;
	return CLI_EXIT_OK;
}

int cli_write_report(struct cli_ctx *ctx, const struct pgd_report *r,
		     const struct cli_output_opts *o)
{
	struct pgd_write_opts wo = { .sz = sizeof(wo) };
	struct pgd_err err = { 0 };
	const char *format = o->format;
	int ret;

	/* A person at a terminal reads text; a pipe or file gets the JSON contract. */
	if (!format)
		format = (!o->output && ctx->stdout_tty) ? "text" : "json";
	/* The report replaces whatever progress line is still showing. */
	if (ctx->stderr_tty)
		fputs("\r\033[K", stderr);
	wo.color = !o->output && ctx->stdout_tty && !ctx->no_color;
	wo.source_root = o->source_root;
	if (o->output)
		ret = pgd_report__write_file(r, format, &wo, o->output, &err);
	else
		ret = pgd_report__write(r, format, &wo, stdout, &err);
	if (ret) {
		/* Say which output failed: the writers leave the file name empty. */
		if (!err.file[0])
			snprintf(err.file, sizeof(err.file), "%s", o->output ? o->output : CLI_STDOUT_NAME);
		return cli_fail(ctx, &err);
	}
	return 0;
}

int cli_output_error(struct pgd_err *err, int errnum)
{
	err->code = PGD_EIO;
	snprintf(err->msg, sizeof(err->msg), "cannot write output: %s", strerror(errnum));
	return PGD_EIO;
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
