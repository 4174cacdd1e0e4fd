// SPDX-License-Identifier: MIT
/*
 * GitLab code quality (`artifacts: reports: codequality`): a JSON array of
 * Code Climate issues with the fields GitLab reads (GitLab docs, "Code
 * Quality", implement a custom tool): description, check_name, fingerprint,
 * severity (info, minor, major, critical, blocker), location.path and
 * location.lines.begin; type, categories and engine_name complete the Code
 * Climate spec's issue (codeclimate/platform, spec/analyzers/SPEC.md).
 * doc/schema/gitlab-codequality.schema.json is the schema tests hold it to.
 *
 * severity: risk critical, warn minor, info info. The fingerprint hashes
 * the site's identity (caller, line offset, method: the SARIF
 * partialFingerprint) or the check id and the input's repository path, so
 * GitLab matches an issue across pipelines and shows it as new or fixed.
 */
#include <stdio.h>

#include <cJSON.h>

#include "err.h"
#include "report.h"

static const char *severity_of(enum pgd_severity s)
{
	switch (s) {
	case PGD_SEV_RISK: return "critical";
	case PGD_SEV_WARN: return "minor";
	case PGD_SEV_INFO:
	case PGD_SEV_NONE: return "info";
	}
	return "info";
}

static cJSON *issue(const struct rpt_row *row)
{
	cJSON *o = cJSON_CreateObject(), *loc, *cat;
	char fp[33];

	pgd_rpt_fingerprint(row->identity, fp);
	cJSON_AddStringToObject(o, "type", "issue");
	cJSON_AddStringToObject(o, "engine_name", "pgodrift");
	cJSON_AddStringToObject(o, "check_name", row->rule);
	cJSON_AddStringToObject(o, "description", row->message);
	cat = cJSON_AddArrayToObject(o, "categories");
	cJSON_AddItemToArray(cat, cJSON_CreateString("Performance"));
	cJSON_AddStringToObject(o, "severity", severity_of(row->severity));
	cJSON_AddStringToObject(o, "fingerprint", fp);
	loc = cJSON_AddObjectToObject(o, "location");
	cJSON_AddStringToObject(loc, "path", row->path ? row->path : row->raw_path ? row->raw_path : "");
	cJSON_AddNumberToObject(cJSON_AddObjectToObject(loc, "lines"), "begin",
				(double)(row->line ? row->line : 1));
	return o;
}

int pgd_rpt_write_codeclimate(const struct pgd_report *r, const struct pgd_write_opts *opts,
			  FILE *f, struct pgd_err *err)
{
	struct rpt_rows rows;
	cJSON *arr;
	int ret = pgd_rpt_rows_build(&rows, r, opts, err);

	if (ret)
		return ret;
	arr = cJSON_CreateArray();
	for (size_t i = 0; arr && i < rows.n; i++)
		cJSON_AddItemToArray(arr, issue(&rows.v[i]));
	pgd_rpt_rows_release(&rows);
	return pgd_rpt_emit_cjson(arr, f, err);
}
