// SPDX-License-Identifier: MIT
/*
 * Derived reports: reading reports back and writing a document in the
 * format asked for (JSON through cJSON; other views through the kind's
 * writer), atomically like every other output.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "doc.h"
#include "err.h"
#include "fileio.h"
#include "report.h"
#include "strbuf.h"

struct pgd_doc *pgd_doc_new(enum doc_kind kind, const char *schema)
{
	struct pgd_doc *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->kind = kind;
	d->root = cJSON_CreateObject();
	if (!d->root || !cJSON_AddStringToObject(d->root, "schema", schema)) {
		pgd_doc__free(d);
		return NULL;
	}
	return d;
}

void pgd_doc__free(struct pgd_doc *d)
{
	if (!d)
		return;
	cJSON_Delete(d->root);
	free(d);
}

int pgd_doc__gate(const struct pgd_doc *d)
{
	return d ? d->gate : 0;
}

int pgd_doc_read_json(const char *path, cJSON **out, struct pgd_err *err)
{
	unsigned char *buf = NULL;
	size_t len = 0;
	struct stat st;
	int fd = -1, ret;

	*out = NULL;
	ret = pgd_open_regular(path, &fd, &st, err);
	if (ret)
		return ret;
	ret = pgd_read_fd(fd, path, DOC_MAX_INPUT, (uint64_t)st.st_size, &buf, &len, err);
	close(fd);
	if (ret)
		return ret;
	*out = cJSON_ParseWithLength((const char *)buf, len);
	if (!*out || !cJSON_IsObject(*out)) {
		cJSON_Delete(*out);
		*out = NULL;
		ret = pgd_err_set(err, PGD_EINPUT, path, "not a JSON report (a JSON object was expected)");
	}
	free(buf);
	return ret;
}

const char *pgd_doc_str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

double pgd_doc_num(const cJSON *o, const char *key, double dflt)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsNumber(v) && isfinite(v->valuedouble) ? v->valuedouble : dflt;
}

const char *pgd_doc_schema(const cJSON *root)
{
	const char *s = pgd_doc_str(root, "schema");

	return s ? s : "";
}

enum pgd_severity pgd_doc_severity(const char *name)
{
	if (!name)
		return PGD_SEV_NONE;
	if (!strcmp(name, "risk"))
		return PGD_SEV_RISK;
	if (!strcmp(name, "warn"))
		return PGD_SEV_WARN;
	if (!strcmp(name, "info"))
		return PGD_SEV_INFO;
	return PGD_SEV_NONE;
}

int pgd_doc_site_identity(const cJSON *site, struct strbuf *sb)
{
	double off = pgd_doc_num(site, "offset", 0);

	if (pgd_strbuf_addstr(sb, RPT_SITE_ID_PREFIX))
		return -1;
	return pgd_rpt_site_key(sb, pgd_doc_str(site, "caller"), (int64_t)off, pgd_doc_str(site, "method"),
			    pgd_doc_str(site, "kind"));
}

void pgd_doc_add_str(cJSON *o, const char *key, const char *v)
{
	cJSON_AddItemToObject(o, key, v ? cJSON_CreateString(v) : cJSON_CreateNull());
}

double pgd_doc_round6(double v)
{
	if (!isfinite(v))
		return 0;
	return round(v * 1e6) / 1e6;
}

int pgd_doc_fmt_num(struct strbuf *sb, double v)
{
	if (v == floor(v) && fabs(v) < 1e15)
		return pgd_strbuf_addf(sb, "%lld", (long long)v);
	return pgd_strbuf_addf(sb, "%.3g", v);
}

int pgd_doc__has_format(const struct pgd_doc *d, const char *format)
{
	if (!format || !strcmp(format, "json"))
		return 1;
	for (const char *const *f = d->formats; f && *f; f++)
		if (!strcmp(*f, format))
			return 1;
	return 0;
}

int pgd_doc__write(const struct pgd_doc *d, const char *format, FILE *f, struct pgd_err *err)
{
	struct strbuf sb = STRBUF_INIT;
	int ret;

	if (!pgd_doc__has_format(d, format))
		return pgd_err_set(err, PGD_EUSAGE, NULL, "no %s output for this report", format);
	if (!format || !strcmp(format, "json"))
		return pgd_rpt_emit_cjson(cJSON_Duplicate(d->root, 1), f, err);
	ret = d->write(d, format, &sb, err);
	if (!ret && fwrite(sb.buf, 1, sb.len, f) != sb.len)
		ret = pgd_err_set(err, PGD_EIO, "", "cannot write output: %s", strerror(errno));
	pgd_strbuf_release(&sb);
	return ret;
}

struct doc_job {
	const struct pgd_doc *d;
	const char *format;
};

static int emit_doc(void *ctx, FILE *f, struct pgd_err *err)
{
	const struct doc_job *j = ctx;

	return pgd_doc__write(j->d, j->format, f, err);
}

int pgd_doc__write_file(const struct pgd_doc *d, const char *format, const char *path,
			struct pgd_err *err)
{
	struct doc_job j = { d, format };

	if (!path || !strcmp(path, "-")) {
		int ret = pgd_doc__write(d, format, stdout, err);

		if (!ret && fflush(stdout))
			ret = pgd_err_set(err, PGD_EIO, "", "cannot write output: %s", strerror(errno));
		return ret;
	}
	return pgd_write_output(path, emit_doc, &j, err);
}
