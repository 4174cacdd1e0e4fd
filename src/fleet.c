// SPDX-License-Identifier: MIT
/*
 * pgodrift merge: many services' check reports into one fleet report
 * (pgodrift.fleet/v1): per service its outcome, counts by verdict and
 * severity, the staleness score, the worst finding, which build and which
 * capture were judged, and its findings with their fingerprints (so `diff`
 * can compare two fleet runs). A service whose capture or check failed is
 * kept with the reason: a fleet report never drops a service.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "doc.h"
#include "err.h"
#include "report.h"
#include "strbuf.h"

static const char *const verdicts[] = {
	"stale", "flipped", "weak", "never-dominant", "vanished", "new-hot-site",
	"insufficient-samples", "ok",
};

static void add_num(cJSON *o, const char *k, double v)
{
	cJSON_AddNumberToObject(o, k, pgd_doc_round6(v));
}

static void copy_num_or_null(cJSON *dst, const char *k, const cJSON *src)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(src, k);

	if (cJSON_IsNumber(v))
		add_num(dst, k, v->valuedouble);
	else
		cJSON_AddNullToObject(dst, k);
}

/* A finding as the fleet report keeps it: identity, place, verdict, figures. */
static cJSON *finding_json(const cJSON *site)
{
	cJSON *o = cJSON_CreateObject();
	struct strbuf id = STRBUF_INIT;
	const cJSON *fresh = cJSON_GetObjectItemCaseSensitive(site, "fresh_share");
	char fp[33] = "";

	if (pgd_doc_site_identity(site, &id)) {
		cJSON_Delete(o);
		pgd_strbuf_release(&id);
		return NULL;
	}
	pgd_rpt_fingerprint(id.buf, fp);
	pgd_doc_add_str(o, "verdict", pgd_doc_str(site, "verdict"));
	pgd_doc_add_str(o, "severity", pgd_doc_str(site, "severity"));
	pgd_doc_add_str(o, "caller", pgd_doc_str(site, "caller"));
	cJSON_AddNumberToObject(o, "offset", pgd_doc_num(site, "offset", 0));
	pgd_doc_add_str(o, "method", pgd_doc_str(site, "method"));
	pgd_doc_add_str(o, "file", pgd_doc_str(site, "file"));
	cJSON_AddNumberToObject(o, "line", pgd_doc_num(site, "line", 0));
	add_num(o, "cost", pgd_doc_num(site, "cost", 0));
	if (cJSON_IsObject(fresh))
		add_num(o, "fresh_share", pgd_doc_num(fresh, "share", 0));
	else
		cJSON_AddNullToObject(o, "fresh_share");
	pgd_doc_add_str(o, "guarded", pgd_doc_str(site, "guarded"));
	pgd_doc_add_str(o, "fresh_hottest", pgd_doc_str(site, "fresh_hottest"));
	pgd_doc_add_str(o, "message", pgd_doc_str(site, "message"));
	cJSON_AddStringToObject(o, "identity", id.buf);
	cJSON_AddStringToObject(o, "fingerprint", fp);
	pgd_strbuf_release(&id);
	return o;
}

static cJSON *build_json(const cJSON *report)
{
	const cJSON *in;

	cJSON_ArrayForEach(in, cJSON_GetObjectItemCaseSensitive(report, "inputs")) {
		const char *role = pgd_doc_str(in, "role");
		cJSON *o;

		if (!role || strcmp(role, "binary"))
			continue;
		o = cJSON_CreateObject();
		pgd_doc_add_str(o, "path", pgd_doc_str(in, "path"));
		pgd_doc_add_str(o, "go_version", pgd_doc_str(in, "go_version"));
		pgd_doc_add_str(o, "pgo", pgd_doc_str(in, "pgo"));
		pgd_doc_add_str(o, "build_id", pgd_doc_str(in, "build_id"));
		pgd_doc_add_str(o, "main_module", pgd_doc_str(in, "main_module"));
		return o;
	}
	return cJSON_CreateNull();
}

static cJSON *captures_json(const cJSON *report)
{
	cJSON *arr = cJSON_CreateArray();
	const cJSON *in;

	cJSON_ArrayForEach(in, cJSON_GetObjectItemCaseSensitive(report, "inputs")) {
		const char *role = pgd_doc_str(in, "role");
		cJSON *o;

		if (!role || (strcmp(role, "fresh") && strcmp(role, "base")))
			continue;
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "role", role);
		pgd_doc_add_str(o, "path", pgd_doc_str(in, "path"));
		copy_num_or_null(o, "size", in);
		copy_num_or_null(o, "samples", in);
		copy_num_or_null(o, "time_nanos", in);
		copy_num_or_null(o, "duration_nanos", in);
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

/* The service's entry from its check report. */
static int service_from_report(cJSON *svc, const char *path, cJSON *report, struct pgd_err *err)
{
	const cJSON *sum = cJSON_GetObjectItemCaseSensitive(report, "summary"), *site;
	const char *outcome = pgd_doc_str(sum, "outcome");
	cJSON *counts = cJSON_CreateObject(), *list = cJSON_CreateArray(), *worst = NULL;
	double cost = 0;
	int by_sev[PGD_SEV_RISK + 1] = { 0 }, nfind = 0;

	if (strcmp(pgd_doc_schema(report), "pgodrift.check/v1")) {
		cJSON_Delete(counts);
		cJSON_Delete(list);
		return pgd_err_set(err, PGD_EINPUT, path, "not a check report (schema '%s')",
				   pgd_doc_schema(report));
	}
	for (size_t i = 0; i < PGD_ARRAY_SIZE(verdicts); i++)
		cJSON_AddNumberToObject(counts, verdicts[i], pgd_doc_num(sum, verdicts[i], 0));
	cJSON_ArrayForEach(site, cJSON_GetObjectItemCaseSensitive(report, "sites")) {
		enum pgd_severity sev = pgd_doc_severity(pgd_doc_str(site, "severity"));
		cJSON *f;

		if (sev == PGD_SEV_NONE)
			continue;
		if (!(f = finding_json(site)))
			goto nomem;
		by_sev[sev]++;
		nfind++;
		cost += pgd_doc_num(site, "cost", 0);
		if (!worst)
			worst = cJSON_Duplicate(f, 1);   /* check ranks by severity, then cost */
		cJSON_AddItemToArray(list, f);
	}
	/* check's own outcome when it says one (clean, findings, inconclusive). */
	if (!outcome)
		outcome = nfind ? "findings" : "clean";
	cJSON_AddStringToObject(svc, "outcome", outcome);
	cJSON_AddNullToObject(svc, "error");
	cJSON_AddStringToObject(svc, "report", path);
	cJSON_AddItemToObject(svc, "counts", counts);
	cJSON_AddNumberToObject(svc, "findings", nfind);
	cJSON_AddNumberToObject(svc, "risk", by_sev[PGD_SEV_RISK]);
	cJSON_AddNumberToObject(svc, "warn", by_sev[PGD_SEV_WARN]);
	cJSON_AddNumberToObject(svc, "info", by_sev[PGD_SEV_INFO]);
	add_num(svc, "total_cost", cost);
	copy_num_or_null(svc, "staleness", sum);
	copy_num_or_null(svc, "unmapped_base_share", sum);
	cJSON_AddItemToObject(svc, "worst_finding", worst ? worst : cJSON_CreateNull());
	cJSON_AddItemToObject(svc, "build", build_json(report));
	cJSON_AddItemToObject(svc, "captures", captures_json(report));
	cJSON_AddItemToObject(svc, "sites", list);
	return 0;
nomem:
	cJSON_Delete(counts);
	cJSON_Delete(list);
	cJSON_Delete(worst);
	return pgd_err_nomem(err, path);
}

static void service_failed(cJSON *svc, const char *why)
{
	cJSON_AddStringToObject(svc, "outcome", "error");
	cJSON_AddStringToObject(svc, "error", why && *why ? why : "not checked");
	cJSON_AddNullToObject(svc, "report");
	cJSON_AddNullToObject(svc, "counts");
	cJSON_AddNumberToObject(svc, "findings", 0);
	cJSON_AddNumberToObject(svc, "risk", 0);
	cJSON_AddNumberToObject(svc, "warn", 0);
	cJSON_AddNumberToObject(svc, "info", 0);
	cJSON_AddNumberToObject(svc, "total_cost", 0);
	cJSON_AddNullToObject(svc, "staleness");
	cJSON_AddNullToObject(svc, "unmapped_base_share");
	cJSON_AddNullToObject(svc, "worst_finding");
	cJSON_AddNullToObject(svc, "build");
	cJSON_AddItemToObject(svc, "captures", cJSON_CreateArray());
	cJSON_AddItemToObject(svc, "sites", cJSON_CreateArray());
}

static int cmp_name(const void *a, const void *b)
{
	const struct pgd_fleet_input *x = a, *y = b;

	return strcmp(x->name, y->name);
}

static void add_summary(cJSON *root)
{
	const cJSON *services = cJSON_GetObjectItemCaseSensitive(root, "services"), *s;
	cJSON *sum = cJSON_CreateObject();
	double n[4] = { 0 }, risk = 0, warn = 0, info = 0, cost = 0, worst = -1;
	static const char *const outcomes[] = { "clean", "findings", "inconclusive", "error" };

	cJSON_ArrayForEach(s, services) {
		const char *o = pgd_doc_str(s, "outcome");

		for (int i = 0; i < 4; i++)
			n[i] += o && !strcmp(o, outcomes[i]);
		risk += pgd_doc_num(s, "risk", 0);
		warn += pgd_doc_num(s, "warn", 0);
		info += pgd_doc_num(s, "info", 0);
		cost += pgd_doc_num(s, "total_cost", 0);
		if (pgd_doc_num(s, "staleness", -1) > worst)
			worst = pgd_doc_num(s, "staleness", -1);
	}
	cJSON_AddNumberToObject(sum, "services", cJSON_GetArraySize(services));
	for (int i = 0; i < 4; i++)
		cJSON_AddNumberToObject(sum, outcomes[i], n[i]);
	cJSON_AddNumberToObject(sum, "risk", risk);
	cJSON_AddNumberToObject(sum, "warn", warn);
	cJSON_AddNumberToObject(sum, "info", info);
	add_num(sum, "total_cost", cost);
	if (worst >= 0)
		add_num(sum, "worst_staleness", worst);
	else
		cJSON_AddNullToObject(sum, "worst_staleness");
	cJSON_AddItemToObject(root, "summary", sum);
}

static int fleet_write(const struct pgd_doc *d, const char *format, struct strbuf *out,
		       struct pgd_err *err);
static const char *const fleet_formats[] = { "text", "markdown", NULL };

int pgd_fleet__merge(const struct pgd_fleet_input *in, size_t n, int64_t now_unix,
		     enum pgd_severity fail_on, struct pgd_doc **out, struct pgd_err *err)
{
	struct pgd_fleet_input *sorted = NULL;
	struct pgd_doc *d = NULL;
	cJSON *tool, *services;
	int ret = 0;

	*out = NULL;
	if (!n)
		return pgd_err_set(err, PGD_EUSAGE, NULL, "merge needs at least one service");
	sorted = malloc(n * sizeof(*sorted));
	if (!sorted)
		return pgd_err_nomem(err, NULL);
	memcpy(sorted, in, n * sizeof(*sorted));
	for (size_t i = 0; i < n; i++)
		if (!sorted[i].name || !*sorted[i].name) {
			ret = pgd_err_set(err, PGD_EUSAGE, sorted[i].report_path, "a service needs a name");
			goto out;
		}
	qsort(sorted, n, sizeof(*sorted), cmp_name);
	for (size_t i = 1; i < n; i++)
		if (!strcmp(sorted[i].name, sorted[i - 1].name)) {
			ret = pgd_err_set(err, PGD_EUSAGE, NULL, "service '%s' is given twice", sorted[i].name);
			goto out;
		}
	if (!(d = pgd_doc_new(DOC_FLEET, "pgodrift.fleet/v1")))
		goto nomem;
	d->write = fleet_write;
	d->formats = fleet_formats;
	tool = cJSON_AddObjectToObject(d->root, "tool");
	cJSON_AddStringToObject(tool, "name", "pgodrift");
	cJSON_AddStringToObject(tool, "version", PGD_VERSION);
	cJSON_AddNumberToObject(d->root, "generated", (double)(now_unix ? now_unix : (int64_t)time(NULL)));
	services = cJSON_AddArrayToObject(d->root, "services");
	if (!tool || !services)
		goto nomem;
	for (size_t i = 0; i < n; i++) {
		cJSON *svc = cJSON_CreateObject(), *report = NULL;

		if (!svc)
			goto nomem;
		cJSON_AddItemToArray(services, svc);
		cJSON_AddStringToObject(svc, "name", sorted[i].name);
		if (sorted[i].error || !sorted[i].report_path) {
			service_failed(svc, sorted[i].error);
			continue;
		}
		if ((ret = pgd_doc_read_json(sorted[i].report_path, &report, err)))
			goto out;
		ret = service_from_report(svc, sorted[i].report_path, report, err);
		cJSON_Delete(report);
		if (ret)
			goto out;
	}
	add_summary(d->root);
	{
		const cJSON *sum = cJSON_GetObjectItemCaseSensitive(d->root, "summary");
		double at = pgd_doc_num(sum, "risk", 0);

		if (fail_on == PGD_SEV_WARN)
			at += pgd_doc_num(sum, "warn", 0);
		d->gate = fail_on != PGD_SEV_NONE && fail_on <= PGD_SEV_RISK && fail_on >= PGD_SEV_WARN && at > 0;
	}
	*out = d;
	d = NULL;
	goto out;
nomem:
	ret = pgd_err_nomem(err, NULL);
out:
	pgd_doc__free(d);
	free(sorted);
	return ret;
}

/* ---- history ---------------------------------------------------------------- */

static cJSON *history_line(const cJSON *svc, double time)
{
	cJSON *o = cJSON_CreateObject();
	const cJSON *build = cJSON_GetObjectItemCaseSensitive(svc, "build");

	cJSON_AddStringToObject(o, "schema", "pgodrift.history/v1");
	cJSON_AddNumberToObject(o, "time", time);
	pgd_doc_add_str(o, "service", pgd_doc_str(svc, "name"));
	pgd_doc_add_str(o, "outcome", pgd_doc_str(svc, "outcome"));
	cJSON_AddItemToObject(o, "counts", cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(svc, "counts"), 1));
	cJSON_AddNumberToObject(o, "findings", pgd_doc_num(svc, "findings", 0));
	cJSON_AddNumberToObject(o, "risk", pgd_doc_num(svc, "risk", 0));
	cJSON_AddNumberToObject(o, "warn", pgd_doc_num(svc, "warn", 0));
	cJSON_AddNumberToObject(o, "info", pgd_doc_num(svc, "info", 0));
	copy_num_or_null(o, "staleness", svc);
	copy_num_or_null(o, "total_cost", svc);
	pgd_doc_add_str(o, "build_id", cJSON_IsObject(build) ? pgd_doc_str(build, "build_id") : NULL);
	return o;
}

int pgd_fleet__append_history(const struct pgd_doc *fleet, const char *path, struct pgd_err *err)
{
	const cJSON *svc;
	struct strbuf sb = STRBUF_INIT;
	double time = pgd_doc_num(fleet->root, "generated", 0);
	int fd, ret = 0;

	if (fleet->kind != DOC_FLEET)
		return pgd_err_set(err, PGD_EUSAGE, path, "history is kept from a fleet report");
	cJSON_ArrayForEach(svc, cJSON_GetObjectItemCaseSensitive(fleet->root, "services")) {
		cJSON *line = history_line(svc, time);
		char *text = line ? cJSON_PrintUnformatted(line) : NULL;

		if (!text || pgd_strbuf_addstr(&sb, text) || pgd_strbuf_addch(&sb, '\n'))
			ret = pgd_err_nomem(err, path);
		free(text);
		cJSON_Delete(line);
		if (ret)
			goto out;
	}
	/*
	 * One write with O_APPEND: the run's lines land together at the end,
	 * whatever else appends (POSIX: the offset moves to the end before
	 * each write), and earlier lines are never rewritten.
	 */
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0644);
	if (fd < 0) {
		ret = pgd_err_set(err, PGD_EIO, path, "cannot open history: %s", strerror(errno));
		goto out;
	}
	if (write(fd, sb.buf, sb.len) != (ssize_t)sb.len)
		ret = pgd_err_set(err, PGD_EIO, path, "cannot append to history: %s", strerror(errno));
	if (close(fd) && !ret)
		ret = pgd_err_set(err, PGD_EIO, path, "cannot append to history: %s", strerror(errno));
out:
	pgd_strbuf_release(&sb);
	return ret;
}

/* ---- views ------------------------------------------------------------------ */

static int outcome_rank(const char *o)
{
	if (!o)
		return 4;
	if (!strcmp(o, "error"))
		return 0;
	if (!strcmp(o, "inconclusive"))
		return 1;
	if (!strcmp(o, "findings"))
		return 2;
	return 3;
}

/* Costliest first; among equals the ones needing a look (error, inconclusive) first. */
static int cmp_cost(const void *a, const void *b)
{
	const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
	double cx = pgd_doc_num(x, "total_cost", 0), cy = pgd_doc_num(y, "total_cost", 0);
	int rx = outcome_rank(pgd_doc_str(x, "outcome")), ry = outcome_rank(pgd_doc_str(y, "outcome"));

	if (cx != cy)
		return cx > cy ? -1 : 1;
	if (rx != ry)
		return rx < ry ? -1 : 1;
	return strcmp(pgd_doc_str(x, "name"), pgd_doc_str(y, "name"));
}

static const cJSON **by_cost(const cJSON *root, size_t *n)
{
	const cJSON *services = cJSON_GetObjectItemCaseSensitive(root, "services"), *s;
	const cJSON **v = calloc((size_t)cJSON_GetArraySize(services) + 1, sizeof(*v));

	*n = 0;
	if (!v)
		return NULL;
	cJSON_ArrayForEach(s, services)
		v[(*n)++] = s;
	qsort(v, *n, sizeof(*v), cmp_cost);
	return v;
}

static const char *base_name(const char *path)
{
	const char *s = path ? strrchr(path, '/') : NULL;

	return s ? s + 1 : path;
}

static int pct(struct strbuf *sb, const cJSON *o, const char *key)
{
	double v = pgd_doc_num(o, key, -1);

	return v < 0 ? pgd_strbuf_addstr(sb, "–") : pgd_strbuf_addf(sb, "%.0f%%", 100 * v);
}

static int md_outcome(struct strbuf *sb, const cJSON *svc)
{
	const char *o = pgd_doc_str(svc, "outcome");

	if (o && !strcmp(o, "error")) {
		int ret = pgd_strbuf_addstr(sb, "⚠️ error: ");

		return ret ? ret : pgd_rpt_md_text(sb, pgd_doc_str(svc, "error"));
	}
	if (o && !strcmp(o, "inconclusive"))
		return pgd_strbuf_addstr(sb, "❔ inconclusive");
	if (o && !strcmp(o, "findings"))
		return pgd_strbuf_addstr(sb, pgd_doc_num(svc, "risk", 0) > 0 ? "❌ findings" : "⚠️ findings");
	return pgd_strbuf_addstr(sb, "✅ clean");
}

static int md_worst(struct strbuf *sb, const cJSON *svc)
{
	const cJSON *w = cJSON_GetObjectItemCaseSensitive(svc, "worst_finding");
	struct strbuf loc = STRBUF_INIT;
	int ret;

	if (!cJSON_IsObject(w))
		return pgd_strbuf_addstr(sb, "–");
	ret = pgd_strbuf_addf(sb, "%s at ", pgd_doc_str(w, "verdict") ? pgd_doc_str(w, "verdict") : "?");
	ret = ret ? ret : pgd_strbuf_addf(&loc, "%s:%.0f", base_name(pgd_doc_str(w, "file")) ? base_name(pgd_doc_str(w, "file")) : "?",
				      pgd_doc_num(w, "line", 0));
	ret = ret ? ret : pgd_rpt_md_code(sb, loc.buf);
	ret = ret ? ret : pgd_strbuf_addstr(sb, " in ");
	ret = ret ? ret : pgd_rpt_md_code(sb, pgd_doc_str(w, "caller"));
	pgd_strbuf_release(&loc);
	return ret;
}

static int fleet_markdown(const struct pgd_doc *d, struct strbuf *sb)
{
	const cJSON *sum = cJSON_GetObjectItemCaseSensitive(d->root, "summary");
	size_t n = 0;
	const cJSON **v = by_cost(d->root, &n);
	int ret = v ? 0 : -1;

	ret = ret ? ret : pgd_strbuf_addf(sb, "## PGO drift report\n\n**%.0f service%s:** ",
				      pgd_doc_num(sum, "services", 0), pgd_doc_num(sum, "services", 0) == 1 ? "" : "s");
	if (!ret && pgd_doc_num(sum, "findings", 0) + pgd_doc_num(sum, "inconclusive", 0) + pgd_doc_num(sum, "error", 0) == 0)
		ret = pgd_strbuf_addstr(sb, "✅ every service's default.pgo still matches production");
	else if (!ret)
		ret = pgd_strbuf_addf(sb, "%.0f with findings (%.0f risk, %.0f warn, %.0f info), %.0f inconclusive, "
				  "%.0f could not be checked, %.0f clean; estimated cost %.0f samples",
				  pgd_doc_num(sum, "findings", 0), pgd_doc_num(sum, "risk", 0), pgd_doc_num(sum, "warn", 0),
				  pgd_doc_num(sum, "info", 0), pgd_doc_num(sum, "inconclusive", 0),
				  pgd_doc_num(sum, "error", 0), pgd_doc_num(sum, "clean", 0),
				  pgd_doc_num(sum, "total_cost", 0));
	ret = ret ? ret : pgd_strbuf_addstr(sb, ".\n\n| Service | Outcome | Risk | Warn | Info | Staleness | Est. cost | Costliest finding |\n"
					    "|---|---|--:|--:|--:|--:|--:|---|\n");
	for (size_t i = 0; !ret && i < n; i++) {
		const cJSON *s = v[i];

		ret = pgd_strbuf_addstr(sb, "| ");
		ret = ret ? ret : pgd_rpt_md_code(sb, pgd_doc_str(s, "name"));
		ret = ret ? ret : pgd_strbuf_addstr(sb, " | ");
		ret = ret ? ret : md_outcome(sb, s);
		ret = ret ? ret : pgd_strbuf_addf(sb, " | %.0f | %.0f | %.0f | ", pgd_doc_num(s, "risk", 0),
					      pgd_doc_num(s, "warn", 0), pgd_doc_num(s, "info", 0));
		ret = ret ? ret : pct(sb, s, "staleness");
		ret = ret ? ret : pgd_strbuf_addf(sb, " | %.0f | ", pgd_doc_num(s, "total_cost", 0));
		ret = ret ? ret : md_worst(sb, s);
		ret = ret ? ret : pgd_strbuf_addstr(sb, " |\n");
	}
	free(v);
	return ret;
}

static int fleet_text(const struct pgd_doc *d, struct strbuf *sb)
{
	const cJSON *sum = cJSON_GetObjectItemCaseSensitive(d->root, "summary");
	size_t n = 0;
	const cJSON **v = by_cost(d->root, &n);
	int ret = v ? 0 : -1;

	ret = ret ? ret : pgd_strbuf_addf(sb, "pgodrift fleet: %.0f services: %.0f findings, %.0f inconclusive, "
				      "%.0f error, %.0f clean\n\n%-24s %-12s %5s %5s %5s %9s %10s\n",
				      pgd_doc_num(sum, "services", 0), pgd_doc_num(sum, "findings", 0),
				      pgd_doc_num(sum, "inconclusive", 0), pgd_doc_num(sum, "error", 0),
				      pgd_doc_num(sum, "clean", 0), "SERVICE", "OUTCOME", "RISK", "WARN",
				      "INFO", "STALENESS", "COST");
	for (size_t i = 0; !ret && i < n; i++) {
		const cJSON *s = v[i];
		double st = pgd_doc_num(s, "staleness", -1);
		char stbuf[16] = "-";

		if (st >= 0)
			snprintf(stbuf, sizeof(stbuf), "%.0f%%", 100 * st);
		ret = pgd_strbuf_addf(sb, "%-24s %-12s %5.0f %5.0f %5.0f %9s %10.0f", pgd_doc_str(s, "name"),
				  pgd_doc_str(s, "outcome"), pgd_doc_num(s, "risk", 0), pgd_doc_num(s, "warn", 0),
				  pgd_doc_num(s, "info", 0), stbuf, pgd_doc_num(s, "total_cost", 0));
		if (!ret && pgd_doc_str(s, "error"))
			ret = pgd_strbuf_addf(sb, "  %s", pgd_doc_str(s, "error"));
		ret = ret ? ret : pgd_strbuf_addch(sb, '\n');
	}
	free(v);
	return ret;
}

static int fleet_write(const struct pgd_doc *d, const char *format, struct strbuf *out,
		       struct pgd_err *err)
{
	int ret = !strcmp(format, "text") ? fleet_text(d, out) : fleet_markdown(d, out);

	return ret ? pgd_err_nomem(err, "") : 0;
}
