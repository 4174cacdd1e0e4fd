// SPDX-License-Identifier: MIT
/*
 * reviewdog Diagnostic JSON lines (`reviewdog -f=rdjsonl`): one
 * reviewdog.rdf.Diagnostic per line, as defined in reviewdog's
 * proto/rdf/reviewdog.proto and its generated JSON Schema
 * (proto/rdf/jsonschema/Diagnostic.json; the schema this writer is tested
 * against is doc/schema/reviewdog-rdf-diagnostic.schema.json):
 *
 *   {"message": ..., "location": {"path": ..., "range": {"start": {"line": 16}}},
 *    "severity": "ERROR", "source": {"name": "pgodrift", "url": ...},
 *    "code": {"value": "stale", "url": ...}}
 *
 * Severity: risk ERROR, warn WARNING, info INFO. No column (the binary
 * records lines), so reviewdog treats the range as the whole line. An input
 * finding has no range: it is about the whole file. JSON must be UTF-8:
 * bytes of names that are not become U+FFFD (sanitize.h), as in the JSON
 * and SARIF writers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "err.h"
#include "report.h"
#include "sanitize.h"

static const char *severity_of(enum pgd_severity s)
{
	switch (s) {
	case PGD_SEV_RISK: return "ERROR";
	case PGD_SEV_WARN: return "WARNING";
	case PGD_SEV_INFO:
	case PGD_SEV_NONE: return "INFO";
	}
	return "INFO";
}

static cJSON *diagnostic(const struct rpt_row *row)
{
	cJSON *d = cJSON_CreateObject(), *loc, *o;

	cJSON_AddStringToObject(d, "message", row->message);
	loc = cJSON_AddObjectToObject(d, "location");
	cJSON_AddStringToObject(loc, "path", row->path ? row->path : row->raw_path ? row->raw_path : "");
	if (row->line) {
		o = cJSON_AddObjectToObject(cJSON_AddObjectToObject(loc, "range"), "start");
		cJSON_AddNumberToObject(o, "line", (double)row->line);
	}
	cJSON_AddStringToObject(d, "severity", severity_of(row->severity));
	o = cJSON_AddObjectToObject(d, "source");
	cJSON_AddStringToObject(o, "name", "pgodrift");
	cJSON_AddStringToObject(o, "url", "https://github.com/pgodrift/pgodrift");
	o = cJSON_AddObjectToObject(d, "code");
	cJSON_AddStringToObject(o, "value", row->rule);
	cJSON_AddStringToObject(o, "url", RPT_DOC_URI);
	return d;
}

int pgd_rpt_write_rdjsonl(const struct pgd_report *r, const struct pgd_write_opts *opts, FILE *f,
		      struct pgd_err *err)
{
	struct rpt_rows rows;
	int ret = pgd_rpt_rows_build(&rows, r, opts, err);

	if (ret)
		return ret;
	for (size_t i = 0; !ret && i < rows.n; i++) {
		cJSON *d = diagnostic(&rows.v[i]);
		char *text = d ? cJSON_PrintUnformatted(d) : NULL, *utf8 = NULL;
		size_t len = 0;

		if (text)
			utf8 = pgd_utf8_repair(text, strlen(text), &len);
		if (!utf8)
			ret = pgd_err_nomem(err, "");
		else if (fwrite(utf8, 1, len, f) != len || fputc('\n', f) == EOF)
			ret = pgd_err_set(err, PGD_EIO, "", "cannot write output");
		free(utf8);
		free(text);
		cJSON_Delete(d);
	}
	pgd_rpt_rows_release(&rows);
	return ret;
}
