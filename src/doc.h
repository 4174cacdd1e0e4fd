/* SPDX-License-Identifier: MIT */
#ifndef PGD_DOC_H
#define PGD_DOC_H

/*
 * Derived reports (diff, fleet, trend): a cJSON document is the model, and
 * each kind has one function that writes its views. Reports are read back
 * here too, so diff and merge share one reader and one notion of a finding
 * (identity and fingerprint as the SARIF and codeclimate outputs have them).
 */

#include <stdio.h>

#include <cJSON.h>

#include "pgodrift/pgodrift.h"

struct strbuf;

enum doc_kind { DOC_DIFF = 1, DOC_FLEET, DOC_TREND };

struct pgd_doc {
	enum doc_kind kind;
	cJSON *root;
	int gate;
	/* Writes a view other than json; PGD_EUSAGE for a format the kind has not. */
	int (*write)(const struct pgd_doc *d, const char *format, struct strbuf *out,
		     struct pgd_err *err);
	const char *const *formats;   /* views besides json, NULL-terminated */
};

/* Largest report read back (a check report of a huge binary stays far below). */
#define DOC_MAX_INPUT (256u << 20)

struct pgd_doc *pgd_doc_new(enum doc_kind kind, const char *schema);

/* Reads and parses a JSON file; an error names the file. */
int pgd_doc_read_json(const char *path, cJSON **out, struct pgd_err *err);
/* The schema string of a report, or "" when it has none. */
const char *pgd_doc_schema(const cJSON *root);

/* Field access that tolerates absent or mistyped members. */
const char *pgd_doc_str(const cJSON *o, const char *key);
double pgd_doc_num(const cJSON *o, const char *key, double dflt);
enum pgd_severity pgd_doc_severity(const char *name);

/* "pgodriftSite/v1:caller+offset:method" for a site object of a report. */
int pgd_doc_site_identity(const cJSON *site, struct strbuf *sb);
/* Adds name: string or null. */
void pgd_doc_add_str(cJSON *o, const char *key, const char *v);
/* Reals rounded to 6 places, as report_json.c writes them. */
double pgd_doc_round6(double v);
/* A number with a thousands-free fixed form: "12", "0.35". */
int pgd_doc_fmt_num(struct strbuf *sb, double v);

#endif
