// SPDX-License-Identifier: MIT
/*
 * pgodrift diff: what changed between two runs. Findings are matched by the
 * site identity every other format fingerprints (report_rows.c,
 * pgd_rpt_site_key: caller, line offset, method), so a finding keeps its
 * identity when lines move, and the diff agrees with what GitLab's MR
 * widget and code scanning call new or fixed. Only sites are compared;
 * input-health warnings name capture files that change every run.
 */
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "err.h"
#include "report.h"
#include "strbuf.h"

enum dstatus { DS_NEW, DS_CHANGED, DS_FIXED, DS_PERSISTING, DS_N };

static const char *const status_names[DS_N] = { "new", "changed", "fixed", "persisting" };

struct dfind {
	const char *service;        /* fleet reports: the service; NULL for a check report */
	char *key;                  /* service "\x1f" identity: the match key */
	const char *identity;       /* inside key */
	const cJSON *site;
	enum pgd_severity sev;
	double cost;
};

struct dset {
	const char *path;
	cJSON *root;
	int fleet;
	struct dfind *v;
	size_t n;
};

static void dset_release(struct dset *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].key);
	free(s->v);
	cJSON_Delete(s->root);
	memset(s, 0, sizeof(*s));
}

static int add_find(struct dset *s, const char *service, const cJSON *site)
{
	struct strbuf sb = STRBUF_INIT;
	struct dfind *v, *f;
	enum pgd_severity sev = pgd_doc_severity(pgd_doc_str(site, "severity"));

	if (sev == PGD_SEV_NONE)
		return 0;   /* ok and insufficient-samples rows (--all) are not findings */
	v = realloc(s->v, (s->n + 1) * sizeof(*v));
	if (!v)
		return -1;
	s->v = v;
	if (pgd_strbuf_addstr(&sb, service ? service : "") || pgd_strbuf_addch(&sb, 0x1f) ||
	    pgd_doc_site_identity(site, &sb)) {
		pgd_strbuf_release(&sb);
		return -1;
	}
	f = &s->v[s->n++];
	f->service = service;
	f->key = pgd_strbuf_detach(&sb, NULL);
	f->identity = strchr(f->key, 0x1f) + 1;
	f->site = site;
	f->sev = sev;
	f->cost = pgd_doc_num(site, "cost", 0);
	return 0;
}

/* A service of a fleet report whose findings can be compared: it was checked. */
static int service_checked(const cJSON *svc)
{
	const char *o = pgd_doc_str(svc, "outcome");

	return o && strcmp(o, "error");
}

static int add_sites(struct dset *s, const char *service, const cJSON *sites)
{
	const cJSON *site;

	cJSON_ArrayForEach(site, sites)
		if (cJSON_IsObject(site) && add_find(s, service, site))
			return -1;
	return 0;
}

static int cmp_key(const void *a, const void *b)
{
	return strcmp(((const struct dfind *)a)->key, ((const struct dfind *)b)->key);
}

static int load(const char *path, struct dset *s, struct pgd_err *err)
{
	const char *schema;
	int ret;

	memset(s, 0, sizeof(*s));
	s->path = path;
	if ((ret = pgd_doc_read_json(path, &s->root, err)))
		return ret;
	schema = pgd_doc_schema(s->root);
	if (!strcmp(schema, "pgodrift.check/v1")) {
		ret = add_sites(s, NULL, cJSON_GetObjectItemCaseSensitive(s->root, "sites"));
	} else if (!strcmp(schema, "pgodrift.fleet/v1")) {
		const cJSON *svc;

		s->fleet = 1;
		cJSON_ArrayForEach(svc, cJSON_GetObjectItemCaseSensitive(s->root, "services")) {
			const char *name = pgd_doc_str(svc, "name");

			if (!name || !service_checked(svc))
				continue;
			if ((ret = add_sites(s, name, cJSON_GetObjectItemCaseSensitive(svc, "sites"))))
				break;
		}
	} else {
		return pgd_err_set(err, PGD_EINPUT, path,
				   "not a check or fleet report (schema '%s'; expected pgodrift.check/v1 or pgodrift.fleet/v1)",
				   schema);
	}
	if (ret)
		return pgd_err_nomem(err, path);
	if (s->n)
		qsort(s->v, s->n, sizeof(*s->v), cmp_key);
	for (size_t i = 1; i < s->n; i++)
		if (!strcmp(s->v[i].key, s->v[i - 1].key))
			return pgd_err_set(err, PGD_EINPUT, path, "lists the site %s twice",
					   s->v[i].identity);
	return 0;
}

static cJSON *side_json(const struct dfind *f)
{
	const cJSON *fresh;
	cJSON *o;

	if (!f)
		return cJSON_CreateNull();
	o = cJSON_CreateObject();
	pgd_doc_add_str(o, "verdict", pgd_doc_str(f->site, "verdict"));
	pgd_doc_add_str(o, "severity", pgd_doc_str(f->site, "severity"));
	cJSON_AddNumberToObject(o, "cost", pgd_doc_round6(f->cost));
	fresh = cJSON_GetObjectItemCaseSensitive(f->site, "fresh_share");
	if (cJSON_IsObject(fresh))
		cJSON_AddNumberToObject(o, "fresh_share", pgd_doc_round6(pgd_doc_num(fresh, "share", 0)));
	else if (cJSON_IsNumber(fresh))
		cJSON_AddNumberToObject(o, "fresh_share", pgd_doc_round6(fresh->valuedouble));
	else
		cJSON_AddNullToObject(o, "fresh_share");
	pgd_doc_add_str(o, "message", pgd_doc_str(f->site, "message"));
	return o;
}

struct dentry {
	enum dstatus status;
	const struct dfind *old, *new;
};

static const struct dfind *cur(const struct dentry *e)
{
	return e->new ? e->new : e->old;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct dentry *x = a, *y = b;
	const struct dfind *fx = cur(x), *fy = cur(y);

	if (x->status != y->status)
		return x->status < y->status ? -1 : 1;
	if (fx->sev != fy->sev)
		return fx->sev > fy->sev ? -1 : 1;
	if (fx->cost != fy->cost)
		return fx->cost > fy->cost ? -1 : 1;
	return strcmp(fx->key, fy->key);
}

static int same_finding(const struct dfind *a, const struct dfind *b)
{
	const char *va = pgd_doc_str(a->site, "verdict"), *vb = pgd_doc_str(b->site, "verdict");

	return a->sev == b->sev && va && vb && !strcmp(va, vb);
}

/* Walks the two sorted sets once: each key is in old, new or both. */
static int match(const struct dset *o, const struct dset *n, struct dentry **out, size_t *nout)
{
	struct dentry *v = calloc(o->n + n->n + 1, sizeof(*v));
	size_t i = 0, j = 0, k = 0;

	if (!v)
		return -1;
	while (i < o->n || j < n->n) {
		int c = i == o->n ? 1 : j == n->n ? -1 : strcmp(o->v[i].key, n->v[j].key);

		if (c < 0) {
			v[k++] = (struct dentry){ DS_FIXED, &o->v[i++], NULL };
		} else if (c > 0) {
			v[k++] = (struct dentry){ DS_NEW, NULL, &n->v[j++] };
		} else {
			enum dstatus st = same_finding(&o->v[i], &n->v[j]) ? DS_PERSISTING : DS_CHANGED;

			v[k++] = (struct dentry){ st, &o->v[i++], &n->v[j++] };
		}
	}
	if (k)
		qsort(v, k, sizeof(*v), cmp_entry);
	*out = v;
	*nout = k;
	return 0;
}

/* A new finding at or above fail_on, or one that moved up to it, trips the gate. */
static int trips(const struct dentry *e, enum pgd_severity fail_on)
{
	if (fail_on == PGD_SEV_NONE)
		return 0;
	if (e->status == DS_NEW)
		return e->new->sev >= fail_on;
	if (e->status == DS_CHANGED)
		return e->new->sev >= fail_on && e->old->sev < fail_on;
	return 0;
}

static cJSON *entry_json(const struct dentry *e)
{
	const struct dfind *f = cur(e);
	cJSON *o = cJSON_CreateObject();
	char fp[33];

	pgd_rpt_fingerprint(f->identity, fp);
	cJSON_AddStringToObject(o, "status", status_names[e->status]);
	pgd_doc_add_str(o, "service", f->service);
	cJSON_AddStringToObject(o, "fingerprint", fp);
	cJSON_AddStringToObject(o, "identity", f->identity);
	pgd_doc_add_str(o, "caller", pgd_doc_str(f->site, "caller"));
	cJSON_AddNumberToObject(o, "offset", pgd_doc_num(f->site, "offset", 0));
	pgd_doc_add_str(o, "method", pgd_doc_str(f->site, "method"));
	pgd_doc_add_str(o, "file", pgd_doc_str(f->site, "file"));
	cJSON_AddNumberToObject(o, "line", pgd_doc_num(f->site, "line", 0));
	cJSON_AddItemToObject(o, "old", side_json(e->old));
	cJSON_AddItemToObject(o, "new", side_json(e->new));
	return o;
}

static cJSON *input_json(const struct dset *s)
{
	cJSON *o = cJSON_CreateObject();
	const cJSON *sum = cJSON_GetObjectItemCaseSensitive(s->root, "summary");
	const cJSON *st = cJSON_GetObjectItemCaseSensitive(sum, "staleness");

	cJSON_AddStringToObject(o, "path", s->path);
	cJSON_AddStringToObject(o, "schema", pgd_doc_schema(s->root));
	cJSON_AddNumberToObject(o, "findings", (double)s->n);
	if (cJSON_IsNumber(st))
		cJSON_AddNumberToObject(o, "staleness", st->valuedouble);
	else
		cJSON_AddNullToObject(o, "staleness");
	return o;
}

/* Fleet reports: services that could not be compared (absent or failed on one side). */
static void services_not_compared(cJSON *root, const struct dset *o, const struct dset *n)
{
	cJSON *arr = cJSON_AddArrayToObject(root, "services_not_compared");
	const struct dset *sides[2] = { o, n };

	if (!o->fleet)
		return;
	for (int side = 0; side < 2; side++) {
		const cJSON *svc;

		cJSON_ArrayForEach(svc, cJSON_GetObjectItemCaseSensitive(sides[side]->root, "services")) {
			const char *name = pgd_doc_str(svc, "name"), *why = NULL;
			const cJSON *other = NULL, *x;

			if (!name)
				continue;
			cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(sides[!side]->root, "services"))
				if (pgd_doc_str(x, "name") && !strcmp(pgd_doc_str(x, "name"), name))
					other = x;
			if (!other)
				why = side ? "added: not in the old report" : "removed: not in the new report";
			else if (!service_checked(svc))
				why = side ? "not checked in the new run" : "not checked in the old run";
			if (!why || (side && other && !service_checked(other)))
				continue;   /* failed on both sides: listed once, from the old */
			{
				cJSON *e = cJSON_CreateObject();

				cJSON_AddStringToObject(e, "name", name);
				cJSON_AddStringToObject(e, "why", why);
				cJSON_AddItemToArray(arr, e);
			}
		}
	}
}

static int diff_write(const struct pgd_doc *d, const char *format, struct strbuf *out,
		      struct pgd_err *err);
static const char *const diff_formats[] = { "text", "markdown", NULL };

int pgd_diff__run(const char *old_path, const char *new_path, enum pgd_severity fail_on,
		  struct pgd_doc **out, struct pgd_err *err)
{
	struct dset o, n;
	struct dentry *ents = NULL;
	size_t nents = 0, counts[DS_N] = { 0 }, gate = 0;
	struct pgd_doc *d = NULL;
	cJSON *sum, *arr, *tool, *params;
	int ret;

	*out = NULL;
	memset(&n, 0, sizeof(n));
	if ((ret = load(old_path, &o, err)) || (ret = load(new_path, &n, err)))
		goto out;
	if (o.fleet != n.fleet) {
		ret = pgd_err_set(err, PGD_EUSAGE, new_path,
				  "is a %s report but '%s' is a %s report: diff two of a kind",
				  n.fleet ? "fleet" : "check", old_path, o.fleet ? "fleet" : "check");
		goto out;
	}
	if (match(&o, &n, &ents, &nents) || !(d = pgd_doc_new(DOC_DIFF, "pgodrift.diff/v1")))
		goto nomem;
	d->write = diff_write;
	d->formats = diff_formats;
	tool = cJSON_AddObjectToObject(d->root, "tool");
	cJSON_AddStringToObject(tool, "name", "pgodrift");
	cJSON_AddStringToObject(tool, "version", PGD_VERSION);
	cJSON_AddItemToObject(d->root, "old", input_json(&o));
	cJSON_AddItemToObject(d->root, "new", input_json(&n));
	params = cJSON_AddObjectToObject(d->root, "parameters");
	cJSON_AddStringToObject(params, "fail_on",
				fail_on == PGD_SEV_NONE ? "never" : pgd_rpt_severity_name(fail_on));
	for (size_t i = 0; i < nents; i++) {
		counts[ents[i].status]++;
		gate += trips(&ents[i], fail_on);
	}
	sum = cJSON_AddObjectToObject(d->root, "summary");
	for (int s = 0; s < DS_N; s++)
		cJSON_AddNumberToObject(sum, status_names[s], (double)counts[s]);
	cJSON_AddNumberToObject(sum, "gate_findings", (double)gate);
	services_not_compared(d->root, &o, &n);
	arr = cJSON_AddArrayToObject(d->root, "findings");
	for (size_t i = 0; arr && i < nents; i++)
		cJSON_AddItemToArray(arr, entry_json(&ents[i]));
	if (!arr || !sum)
		goto nomem;
	d->gate = gate > 0;
	*out = d;
	d = NULL;
	goto out;
nomem:
	ret = pgd_err_nomem(err, NULL);
out:
	pgd_doc__free(d);
	free(ents);
	dset_release(&o);
	dset_release(&n);
	return ret;
}

/* ---- views ---------------------------------------------------------------- */

static const char *base_name(const char *path)
{
	const char *s = path ? strrchr(path, '/') : NULL;

	return s ? s + 1 : path;
}

static const cJSON *side(const cJSON *f)
{
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(f, "new");

	return cJSON_IsObject(n) ? n : cJSON_GetObjectItemCaseSensitive(f, "old");
}

/* "stale", or "weak → stale" for a changed finding. */
static int verdict_move(struct strbuf *sb, const cJSON *f, const char *arrow)
{
	const cJSON *o = cJSON_GetObjectItemCaseSensitive(f, "old");
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(f, "new");
	const char *status = pgd_doc_str(f, "status");

	if (status && !strcmp(status, "changed"))
		return pgd_strbuf_addf(sb, "%s %s %s (%s %s %s)", pgd_doc_str(o, "verdict"), arrow,
				   pgd_doc_str(n, "verdict"),
				   pgd_doc_str(o, "severity"), arrow, pgd_doc_str(n, "severity"));
	return pgd_strbuf_addf(sb, "%s (%s)", pgd_doc_str(side(f), "verdict"), pgd_doc_str(side(f), "severity"));
}

static int headline(struct strbuf *sb, const cJSON *sum)
{
	return pgd_strbuf_addf(sb, "%.0f new, %.0f changed, %.0f fixed, %.0f persisting",
			   pgd_doc_num(sum, "new", 0), pgd_doc_num(sum, "changed", 0),
			   pgd_doc_num(sum, "fixed", 0), pgd_doc_num(sum, "persisting", 0));
}

static int diff_text(const struct pgd_doc *d, struct strbuf *sb)
{
	const cJSON *sum = cJSON_GetObjectItemCaseSensitive(d->root, "summary"), *f;
	int ret = pgd_strbuf_addstr(sb, "pgodrift diff: ");

	ret = ret ? ret : headline(sb, sum);
	ret = ret ? ret : pgd_strbuf_addf(sb, "\n  old %s\n  new %s\n\n",
				      pgd_doc_str(cJSON_GetObjectItemCaseSensitive(d->root, "old"), "path"),
				      pgd_doc_str(cJSON_GetObjectItemCaseSensitive(d->root, "new"), "path"));
	cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(d->root, "findings")) {
		const char *svc = pgd_doc_str(f, "service");

		ret = ret ? ret : pgd_strbuf_addf(sb, "%-10s ", pgd_doc_str(f, "status"));
		ret = ret ? ret : verdict_move(sb, f, "->");
		ret = ret ? ret : pgd_strbuf_addf(sb, "  %s:%.0f in %s%s%s%s%s%s\n",
					      base_name(pgd_doc_str(f, "file")) ? base_name(pgd_doc_str(f, "file")) : "?",
					      pgd_doc_num(f, "line", 0), pgd_doc_str(f, "caller"),
					      pgd_doc_str(f, "method") ? " ." : "",
					      pgd_doc_str(f, "method") ? pgd_doc_str(f, "method") : "",
					      svc ? " [" : "", svc ? svc : "", svc ? "]" : "");
	}
	cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(d->root, "services_not_compared"))
		ret = ret ? ret : pgd_strbuf_addf(sb, "not compared: %s (%s)\n", pgd_doc_str(f, "name"),
					      pgd_doc_str(f, "why"));
	return ret;
}

static int md_row(struct strbuf *sb, const cJSON *f, int fleet)
{
	static const char *const icon[] = { "🆕 new", "🔁 changed", "✅ fixed", "persisting" };
	const char *st = pgd_doc_str(f, "status");
	const char *label = st;
	int ret = 0;

	for (int i = 0; i < DS_N; i++)
		if (st && !strcmp(st, status_names[i]))
			label = icon[i];
	ret = pgd_strbuf_addf(sb, "| %s | ", label);
	if (!ret && fleet) {
		ret = pgd_rpt_md_code(sb, pgd_doc_str(f, "service"));
		ret = ret ? ret : pgd_strbuf_addstr(sb, " | ");
	}
	if (!ret && pgd_doc_str(f, "file")) {
		struct strbuf loc = STRBUF_INIT;

		ret = pgd_strbuf_addf(&loc, "%s:%.0f", base_name(pgd_doc_str(f, "file")), pgd_doc_num(f, "line", 0));
		ret = ret ? ret : pgd_rpt_md_code(sb, loc.buf);
		pgd_strbuf_release(&loc);
		ret = ret ? ret : pgd_strbuf_addstr(sb, " in ");
	}
	ret = ret ? ret : pgd_rpt_md_code(sb, pgd_doc_str(f, "caller"));
	if (!ret && pgd_doc_str(f, "method")) {
		ret = pgd_strbuf_addstr(sb, " call of ");
		ret = ret ? ret : pgd_rpt_md_code(sb, pgd_doc_str(f, "method"));
	}
	ret = ret ? ret : pgd_strbuf_addstr(sb, " | ");
	ret = ret ? ret : verdict_move(sb, f, "→");
	ret = ret ? ret : pgd_strbuf_addf(sb, " | %.0f |\n", pgd_doc_num(side(f), "cost", 0));
	return ret;
}

static int diff_markdown(const struct pgd_doc *d, struct strbuf *sb)
{
	const cJSON *sum = cJSON_GetObjectItemCaseSensitive(d->root, "summary"), *f;
	const cJSON *findings = cJSON_GetObjectItemCaseSensitive(d->root, "findings");
	int fleet = !strcmp(pgd_doc_schema(cJSON_GetObjectItemCaseSensitive(d->root, "new")), "pgodrift.fleet/v1");
	int ret = pgd_strbuf_addstr(sb, "**pgodrift diff:** ");
	int opened = 0;

	ret = ret ? ret : headline(sb, sum);
	ret = ret ? ret : pgd_strbuf_addstr(sb, " since the previous run.\n");
	if (!ret && cJSON_GetArraySize(findings) > 0)
		ret = pgd_strbuf_addf(sb, "\n| Status |%s Site | Verdict | Est. cost |\n|---|%s---|---|--:|\n",
				  fleet ? " Service |" : "", fleet ? "---|" : "");
	cJSON_ArrayForEach(f, findings) {
		/* Persisting findings are the long tail: collapsed. */
		if (!ret && !opened && !strcmp(pgd_doc_str(f, "status"), "persisting") &&
		    pgd_doc_num(sum, "persisting", 0) > 0 &&
		    (pgd_doc_num(sum, "new", 0) + pgd_doc_num(sum, "changed", 0) + pgd_doc_num(sum, "fixed", 0)) > 0) {
			opened = 1;
			ret = pgd_strbuf_addf(sb, "\n<details><summary>%.0f persisting</summary>\n\n| Status |%s Site | Verdict | Est. cost |\n|---|%s---|---|--:|\n",
					  pgd_doc_num(sum, "persisting", 0), fleet ? " Service |" : "",
					  fleet ? "---|" : "");
		}
		ret = ret ? ret : md_row(sb, f, fleet);
	}
	if (!ret && opened)
		ret = pgd_strbuf_addstr(sb, "\n</details>\n");
	cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(d->root, "services_not_compared")) {
		ret = ret ? ret : pgd_strbuf_addstr(sb, "\n- not compared: ");
		ret = ret ? ret : pgd_rpt_md_code(sb, pgd_doc_str(f, "name"));
		ret = ret ? ret : pgd_strbuf_addf(sb, " (%s)", pgd_doc_str(f, "why"));
	}
	return ret ? ret : pgd_strbuf_addch(sb, '\n');
}

static int diff_write(const struct pgd_doc *d, const char *format, struct strbuf *out,
		      struct pgd_err *err)
{
	int ret = !strcmp(format, "text") ? diff_text(d, out) : diff_markdown(d, out);

	return ret ? pgd_err_nomem(err, "") : 0;
}
