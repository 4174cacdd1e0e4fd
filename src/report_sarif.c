// SPDX-License-Identifier: MIT
/*
 * SARIF 2.1.0 writer, for code-scanning tabs (GitHub, GitLab, Azure DevOps).
 *
 * One rule per verdict (check) or check id (doctor), a result per finding at
 * the call site's source file and line. Code scanning matches results to
 * files by a path relative to the repository: paths come from srcpath (the
 * repository root, -trimpath and builds elsewhere mapped through the main
 * module's go.mod; a wrong root is an error) and are anchored at uriBaseId
 * SRCROOT, whose originalUriBaseIds entry is the root as a file:// URI. A
 * file outside the repository (the standard library, the module cache) is
 * written as an absolute file:// URI without a base, which is valid SARIF
 * that a scanner shows unanchored rather than at a wrong line. Every result
 * has a startLine (the validator's GitHub rules, GH1003), an input's
 * findings line 1 of the input. Written through cJSON only.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cJSON.h>

#include "err.h"
#include "report.h"
#include "srcpath.h"
#include "strbuf.h"

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
#define TOOL_URI "https://github.com/pgodrift/pgodrift"

struct rule_doc {
	const char *id;
	const char *name;
	const char *text;
};

/* Descriptions of the verdicts; doctor ids unknown here get a generic one. */
static const struct rule_doc rule_docs[] = {
	{ "stale", "StaleDevirtualizationGuard",
	  "The callee the compiler guards at this call site (chosen from the committed profile) now "
	  "serves less than the threshold share of the site in production, with confidence." },
	{ "weak", "WeakDevirtualizationGuard",
	  "The guarded callee's fresh share is below the threshold, but its confidence interval still "
	  "reaches it: watch this site." },
	{ "flipped", "FlippedDevirtualizationGuard",
	  "Another concrete callee is now the hottest at this call site: the guard tests the wrong type." },
	{ "never-dominant", "NeverDominantGuard",
	  "The guarded callee was already below the threshold share in the committed profile." },
	{ "new-hot-site", "NewHotCallSite",
	  "The call site is hot in production but absent from the committed profile: it gets no "
	  "devirtualization." },
	{ "vanished", "VanishedCallSite",
	  "A call site of the committed profile no longer maps to a call in the binary (renamed or "
	  "moved code): its profile weight is wasted." },
	{ "insufficient-samples", "InsufficientSamples",
	  "Too few samples at the call site to judge it." },
	{ "ok", "GuardHolds", "The guarded callee still dominates the call site." },
	{ "inlining-drift", "InliningDrift",
	  "The call sites the committed profile makes hot (cmd/compile's 99 % CDF, hotNodesFromCDF in "
	  "inline/inl.go) are no longer the hot ones: hot sites get an inlining budget of 2000 instead "
	  "of 80, so the binary spends code on sites that are now cold and calls out of line at sites "
	  "that are now hot." },
	{ "stale-hot", "StaleHotInlining",
	  "A call site hot in the committed profile and no longer hot in production; its callee is "
	  "inlined there, so its code is spent for nothing." },
	{ "missed-hot", "MissedHotInlining",
	  "A call site hot in production that the committed profile does not make hot: it stays a call "
	  "where a refreshed profile could inline it." },
};

struct sarif_ctx {
	const struct pgd_report *r;
	struct srcpath sp;
	struct pgd_err *err;
	cJSON *rules;
	cJSON *results;
	int path_ret;               /* build() failed on a path, not memory: its PGD_E* code */
};

static const struct rule_doc *doc_for(const char *id)
{
	for (size_t i = 0; i < PGD_ARRAY_SIZE(rule_docs); i++)
		if (!strcmp(rule_docs[i].id, id))
			return &rule_docs[i];
	return NULL;
}

static const char *level_of(enum pgd_severity s)
{
	switch (s) {
	case PGD_SEV_RISK: return "error";
	case PGD_SEV_WARN: return "warning";
	case PGD_SEV_INFO: return "note";
	case PGD_SEV_NONE: return "none";
	}
	return "none";
}

/* "stale" -> "Stale", "too-few-samples" -> "TooFewSamples": SARIF's rule name style. */
static char *camel(const char *id)
{
	char *out = malloc(strlen(id) + 1), *o = out;
	int up = 1;

	if (!out)
		return NULL;
	for (const char *p = id; *p; p++) {
		if (*p == '-' || *p == '_' || *p == ' ') {
			up = 1;
			continue;
		}
		*o++ = up && *p >= 'a' && *p <= 'z' ? (char)(*p - 'a' + 'A') : *p;
		up = 0;
	}
	*o = '\0';
	return out;
}

/* Index of the rule with this id, adding it on first use; -1 on out of memory. */
static int rule_index(struct sarif_ctx *c, const char *id, enum pgd_severity sev,
		      const char *example)
{
	int n = cJSON_GetArraySize(c->rules);
	const struct rule_doc *d = doc_for(id);
	cJSON *rule, *o;
	char *name = NULL;
	struct strbuf help = STRBUF_INIT;
	const char *text;

	for (int i = 0; i < n; i++) {
		cJSON *idj = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(c->rules, i), "id");

		if (cJSON_IsString(idj) && !strcmp(idj->valuestring, id))
			return i;
	}
	text = d ? d->text : example ? example : "pgodrift health check";
	if (!d && !(name = camel(id)))
		return -1;
	/*
	 * SARIF1001 (RuleIdentifiersMustBeValid): a rule's name must differ from
	 * its id, ignoring case, so a one-word id ("layout") gets a suffix.
	 */
	if (!d && !strcasecmp(name, id)) {
		char *longer = malloc(strlen(name) + sizeof("Check"));

		if (!longer) {
			free(name);
			return -1;
		}
		sprintf(longer, "%sCheck", name);
		free(name);
		name = longer;
	}
	if (pgd_strbuf_addf(&help, "%s See `pgodrift %s --help` and doc/formats.md. To fix a stale "
			"guard, refresh default.pgo from a current production CPU profile and rebuild.",
			text, c->r->kind == RPT_DOCTOR ? "doctor" : "check")) {
		free(name);
		return -1;
	}
	rule = cJSON_CreateObject();
	cJSON_AddStringToObject(rule, "id", id);
	cJSON_AddStringToObject(rule, "name", d ? d->name : name);
	o = cJSON_AddObjectToObject(rule, "shortDescription");
	cJSON_AddStringToObject(o, "text", d ? d->name : id);
	o = cJSON_AddObjectToObject(rule, "fullDescription");
	cJSON_AddStringToObject(o, "text", text);
	o = cJSON_AddObjectToObject(rule, "help");
	cJSON_AddStringToObject(o, "text", help.buf);
	cJSON_AddStringToObject(o, "markdown", help.buf);
	cJSON_AddStringToObject(rule, "helpUri", TOOL_URI "/blob/main/doc/formats.md");
	o = cJSON_AddObjectToObject(rule, "defaultConfiguration");
	cJSON_AddStringToObject(o, "level", level_of(sev));
	o = cJSON_AddObjectToObject(rule, "properties");
	{
		cJSON *tags = cJSON_AddArrayToObject(o, "tags");

		cJSON_AddItemToArray(tags, cJSON_CreateString("performance"));
		cJSON_AddItemToArray(tags, cJSON_CreateString("pgo"));
	}
	cJSON_AddItemToArray(c->rules, rule);
	free(name);
	pgd_strbuf_release(&help);
	return n;
}

/* RFC 3986: everything but unreserved characters and '/' is percent-encoded. */
static int uri_escape(struct strbuf *sb, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		int plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			    (*p >= '0' && *p <= '9') || strchr("-._~/", *p);

		if (plain ? pgd_strbuf_addch(sb, *p) :
		    pgd_strbuf_addf(sb, "%%%c%c", hex[*p >> 4], hex[*p & 15]))
			return -1;
	}
	return 0;
}

/*
 * Fills an artifactLocation: {uri, uriBaseId SRCROOT} for a path in the
 * repository (rel), else an absolute file:// URI, or the path as recorded
 * when it is neither (a -trimpath name of another module).
 */
static int artifact_location(cJSON *loc, const char *rel, const char *raw)
{
	struct strbuf uri = STRBUF_INIT;
	char *real = NULL;
	int ret = -1;

	while (rel && !strncmp(rel, "./", 2))
		rel += 2;
	if (rel) {
		if (uri_escape(&uri, rel))
			goto out;
		cJSON_AddStringToObject(loc, "uri", uri.buf);
		cJSON_AddStringToObject(loc, "uriBaseId", "SRCROOT");
	} else {
		/* An input named relative to the current directory: its absolute path. */
		if (raw[0] != '/' && (real = realpath(raw, NULL)))
			raw = real;
		if ((raw[0] == '/' && pgd_strbuf_addstr(&uri, "file://")) || uri_escape(&uri, raw))
			goto out;
		cJSON_AddStringToObject(loc, "uri", uri.buf);
	}
	ret = 0;
out:
	free(real);
	pgd_strbuf_release(&uri);
	return ret;
}

static void add_share_props(cJSON *props, const char *key, const struct rpt_share *s)
{
	cJSON *o;

	if (!s->present) {
		cJSON_AddNullToObject(props, key);
		return;
	}
	o = cJSON_AddObjectToObject(props, key);
	cJSON_AddNumberToObject(o, "weight", (double)s->weight);
	cJSON_AddNumberToObject(o, "site_weight", (double)s->total);
	cJSON_AddNumberToObject(o, "share", round(s->share * 1e6) / 1e6);
	cJSON_AddNumberToObject(o, "ci_low", round(s->lo * 1e6) / 1e6);
	cJSON_AddNumberToObject(o, "ci_high", round(s->hi * 1e6) / 1e6);
}

/* A result appended to the run: rule, level and message, the parts every result has. */
static cJSON *add_result(struct sarif_ctx *c, const char *rule, int idx, enum pgd_severity sev,
			 const char *text)
{
	cJSON *res = cJSON_CreateObject();

	cJSON_AddItemToArray(c->results, res);
	cJSON_AddStringToObject(res, "ruleId", rule);
	cJSON_AddNumberToObject(res, "ruleIndex", idx);
	cJSON_AddStringToObject(res, "level", level_of(sev));
	cJSON_AddStringToObject(cJSON_AddObjectToObject(res, "message"), "text", text);
	return res;
}

static int site_result(struct sarif_ctx *c, const struct rpt_site *s)
{
	const char *rule = s->verdict ? s->verdict : "site";
	int idx = rule_index(c, rule, s->severity, NULL);
	struct strbuf msg = STRBUF_INIT, fp = STRBUF_INIT;
	cJSON *res, *o, *arr, *loc, *props;
	const char *rel = NULL;
	int ret = -1;

	if (idx < 0)
		goto out;
	if (pgd_rpt_site_text(&msg, s))
		goto out;
	if ((c->path_ret = pgd_srcpath_source(&c->sp, s->file, s->caller, &rel, c->err)))
		goto out;   /* c->err says why */
	/* Identifies the site across commits even when lines move: caller, offset, method. */
	if (pgd_rpt_site_key(&fp, s->caller, s->offset, s->method, NULL))
		goto out;

	res = add_result(c, rule, idx, s->severity, msg.buf);
	arr = cJSON_AddArrayToObject(res, "locations");
	loc = cJSON_CreateObject();
	cJSON_AddItemToArray(arr, loc);
	if (s->file && *s->file) {
		cJSON *phys = cJSON_AddObjectToObject(loc, "physicalLocation");
		cJSON *al = cJSON_AddObjectToObject(phys, "artifactLocation");

		if (artifact_location(al, rel, s->file))
			goto out;
		o = cJSON_AddObjectToObject(phys, "region");
		cJSON_AddNumberToObject(o, "startLine", (double)(s->line > 0 ? s->line : 1));
	}
	if (s->caller) {
		cJSON *ll = cJSON_AddArrayToObject(loc, "logicalLocations");
		cJSON *l = cJSON_CreateObject();

		cJSON_AddItemToArray(ll, l);
		cJSON_AddStringToObject(l, "fullyQualifiedName", s->caller);
		cJSON_AddStringToObject(l, "kind", "function");
	}
	o = cJSON_AddObjectToObject(res, "partialFingerprints");
	cJSON_AddStringToObject(o, "pgodriftSite/v1", fp.buf);
	props = cJSON_AddObjectToObject(res, "properties");
	cJSON_AddStringToObject(props, "severity", pgd_rpt_severity_name(s->severity));
	cJSON_AddNumberToObject(props, "offset", (double)s->offset);
	if (s->kind)
		cJSON_AddStringToObject(props, "kind", s->kind);
	if (s->method)
		cJSON_AddStringToObject(props, "method", s->method);
	if (s->guarded)
		cJSON_AddStringToObject(props, "guarded", s->guarded);
	add_share_props(props, "base_share", &s->base);
	add_share_props(props, "fresh_share", &s->fresh);
	if (s->fresh_hottest)
		cJSON_AddStringToObject(props, "fresh_hottest", s->fresh_hottest);
	cJSON_AddNumberToObject(props, "cost", isfinite(s->cost) ? round(s->cost * 1e6) / 1e6 : 0);
	ret = 0;
out:
	pgd_strbuf_release(&msg);
	pgd_strbuf_release(&fp);
	return ret;
}

static void add_figure(cJSON *o, const struct rpt_figure *f)
{
	switch (f->type) {
	case FIG_INT: cJSON_AddNumberToObject(o, f->key, (double)f->i); break;
	case FIG_REAL:
		cJSON_AddNumberToObject(o, f->key, isfinite(f->r) ? round(f->r * 1e6) / 1e6 : 0);
		break;
	case FIG_STR:
		if (f->s)
			cJSON_AddStringToObject(o, f->key, f->s);
		else
			cJSON_AddNullToObject(o, f->key);
		break;
	case FIG_BOOL: cJSON_AddBoolToObject(o, f->key, (int)f->i); break;
	}
}

static int finding_result(struct sarif_ctx *c, const struct rpt_finding *f)
{
	const char *id = f->id ? f->id : "finding";
	int idx = rule_index(c, id, f->severity, NULL);
	const char *input = pgd_rpt_finding_input(c->r, f);
	cJSON *res, *o;

	if (idx < 0)
		return -1;
	res = add_result(c, id, idx, f->severity, f->message && *f->message ? f->message : id);
	if (input) {
		cJSON *arr = cJSON_AddArrayToObject(res, "locations");
		cJSON *loc = cJSON_CreateObject();
		cJSON *phys, *al;

		cJSON_AddItemToArray(arr, loc);
		phys = cJSON_AddObjectToObject(loc, "physicalLocation");
		al = cJSON_AddObjectToObject(phys, "artifactLocation");
		if (artifact_location(al, pgd_srcpath_input(&c->sp, input), input))
			return -1;
		/*
		 * The whole input is the finding's subject; GitHub wants a startLine
		 * (GH1003), so line 1 stands for it.
		 */
		o = cJSON_AddObjectToObject(phys, "region");
		cJSON_AddNumberToObject(o, "startLine", 1);
	}
	o = cJSON_AddObjectToObject(res, "properties");
	cJSON_AddStringToObject(o, "severity", pgd_rpt_severity_name(f->severity));
	{
		cJSON *figs = cJSON_AddObjectToObject(o, "figures");

		for (size_t i = 0; i < f->nfigures; i++)
			add_figure(figs, &f->figures[i]);
	}
	if (f->nitems) {
		cJSON *items = cJSON_AddArrayToObject(o, "items");

		for (size_t i = 0; i < f->nitems; i++) {
			cJSON *it = cJSON_CreateObject();

			cJSON_AddItemToArray(items, it);
			cJSON_AddStringToObject(it, "name", f->items[i].name ? f->items[i].name : "");
			for (size_t k = 0; k < f->items[i].nfigures; k++)
				add_figure(it, &f->items[i].figures[k]);
		}
	}
	return 0;
}

/* SARIF properties of one inlining entry, as the JSON names them (null: cannot tell). */
static void add_tristate(cJSON *o, const char *key, int v)
{
	if (v == 1 || v == 0)
		cJSON_AddBoolToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}

static int inl_site_result(struct sarif_ctx *c, const struct rpt_inl_site *s, int stale)
{
	const char *rule = stale ? "stale-hot" : "missed-hot";
	const struct rpt_finding none = { .id = rule };
	int idx = rule_index(c, rule, PGD_SEV_INFO, NULL);
	struct strbuf msg = STRBUF_INIT, fp = STRBUF_INIT;
	const char *rel = NULL, *input = NULL;
	cJSON *res, *loc, *props;
	int ret = -1;

	if (idx < 0 || pgd_rpt_inl_site_text(&msg, s, stale))
		goto out;
	if ((c->path_ret = pgd_srcpath_source(&c->sp, s->file, s->caller, &rel, c->err)))
		goto out;
	if (pgd_strbuf_addf(&fp, "%s+%lld>%s", s->caller ? s->caller : "", (long long)s->offset,
			s->callee ? s->callee : ""))
		goto out;
	res = add_result(c, rule, idx, PGD_SEV_INFO, msg.buf);
	loc = cJSON_CreateObject();
	cJSON_AddItemToArray(cJSON_AddArrayToObject(res, "locations"), loc);
	/* No source file known: the base profile, which names the site (as the rows do). */
	if (!(s->file && *s->file))
		input = pgd_rpt_finding_input(c->r, &none);
	if (input || (s->file && *s->file)) {
		cJSON *phys = cJSON_AddObjectToObject(loc, "physicalLocation");

		if (artifact_location(cJSON_AddObjectToObject(phys, "artifactLocation"),
				      input ? pgd_srcpath_input(&c->sp, input) : rel, input ? input : s->file))
			goto out;
		cJSON_AddNumberToObject(cJSON_AddObjectToObject(phys, "region"), "startLine",
					(double)(!input && s->line > 0 ? s->line : 1));
	}
	if (s->caller) {
		cJSON *l = cJSON_CreateObject();

		cJSON_AddItemToArray(cJSON_AddArrayToObject(loc, "logicalLocations"), l);
		cJSON_AddStringToObject(l, "fullyQualifiedName", s->caller);
		cJSON_AddStringToObject(l, "kind", "function");
	}
	cJSON_AddStringToObject(cJSON_AddObjectToObject(res, "partialFingerprints"), "pgodriftInline/v1",
				fp.buf);
	props = cJSON_AddObjectToObject(res, "properties");
	cJSON_AddStringToObject(props, "severity", "info");
	if (s->callee)
		cJSON_AddStringToObject(props, "callee", s->callee);
	cJSON_AddNumberToObject(props, "offset", (double)s->offset);
	cJSON_AddNumberToObject(props, "base_share", round(s->base_share * 1e6) / 1e6);
	cJSON_AddNumberToObject(props, "fresh_share", round(s->fresh_share * 1e6) / 1e6);
	add_tristate(props, "inlined", s->inlined);
	cJSON_AddNumberToObject(props, "bytes", (double)s->bytes);
	add_tristate(props, "needed_hot_budget", s->needed_hot_budget);
	ret = 0;
out:
	pgd_strbuf_release(&msg);
	pgd_strbuf_release(&fp);
	return ret;
}

/*
 * Inlining drift: one result for the block at the base profile, with the
 * analysis's level (note, or warning past --inlining-warn-bytes), then the
 * first RPT_INL_TOP entries of each list at their call sites as notes. The
 * JSON report lists every entry.
 */
static int inlining_results(struct sarif_ctx *c)
{
	const struct pgd_report *r = c->r;
	const struct rpt_inlining *in = &r->inlining;
	const struct rpt_finding none = { .id = "inlining-drift" };
	const char *input = pgd_rpt_finding_input(r, &none);
	struct strbuf msg = STRBUF_INIT;
	int idx = rule_index(c, "inlining-drift", in->severity, NULL);
	cJSON *res, *props;
	int ret = -1;

	if (idx < 0 || pgd_rpt_inlining_line(r, &msg) ||
	    pgd_strbuf_addstr(&msg, ": the committed profile makes the wrong call sites hot for the "
			      "inliner; refresh default.pgo"))
		goto out;
	res = add_result(c, "inlining-drift", idx, in->severity, msg.buf);
	if (input) {
		cJSON *loc = cJSON_CreateObject(), *phys;

		cJSON_AddItemToArray(cJSON_AddArrayToObject(res, "locations"), loc);
		phys = cJSON_AddObjectToObject(loc, "physicalLocation");
		if (artifact_location(cJSON_AddObjectToObject(phys, "artifactLocation"),
				      pgd_srcpath_input(&c->sp, input), input))
			goto out;
		cJSON_AddNumberToObject(cJSON_AddObjectToObject(phys, "region"), "startLine", 1);
	}
	props = cJSON_AddObjectToObject(res, "properties");
	cJSON_AddStringToObject(props, "severity", pgd_rpt_severity_name(in->severity));
	cJSON_AddNumberToObject(props, "threshold_base", round(in->threshold_base * 1e6) / 1e6);
	cJSON_AddNumberToObject(props, "threshold_fresh", round(in->threshold_fresh * 1e6) / 1e6);
	cJSON_AddNumberToObject(props, "hot_sites_base", (double)in->nhot_base);
	cJSON_AddNumberToObject(props, "hot_sites_fresh", (double)in->nhot_fresh);
	cJSON_AddNumberToObject(props, "stale_hot", (double)in->nstale_hot);
	cJSON_AddNumberToObject(props, "stale_hot_bytes", (double)in->stale_hot_bytes);
	cJSON_AddNumberToObject(props, "missed_hot", (double)in->nmissed_hot);
	cJSON_AddNumberToObject(props, "missed_hot_fresh_share",
				round(in->missed_hot_fresh_share * 1e6) / 1e6);
	ret = 0;
	for (size_t i = 0; !ret && i < in->nstale_hot && i < RPT_INL_TOP; i++)
		ret = inl_site_result(c, &in->stale_hot[i], 1);
	for (size_t i = 0; !ret && i < in->nmissed_hot && i < RPT_INL_TOP; i++)
		ret = inl_site_result(c, &in->missed_hot[i], 0);
out:
	pgd_strbuf_release(&msg);
	return ret;
}

static int uri_for_root(struct strbuf *sb, const char *root)
{
	return pgd_strbuf_addstr(sb, "file://") || uri_escape(sb, root);
}

static cJSON *build(struct sarif_ctx *c)
{
	const struct pgd_report *r = c->r;
	cJSON *root = cJSON_CreateObject(), *runs, *run, *tool, *driver, *o;

	cJSON_AddStringToObject(root, "$schema", SARIF_SCHEMA);
	cJSON_AddStringToObject(root, "version", "2.1.0");
	runs = cJSON_AddArrayToObject(root, "runs");
	run = cJSON_CreateObject();
	cJSON_AddItemToArray(runs, run);
	tool = cJSON_AddObjectToObject(run, "tool");
	driver = cJSON_AddObjectToObject(tool, "driver");
	cJSON_AddStringToObject(driver, "name", "pgodrift");
	cJSON_AddStringToObject(driver, "version", r->tool_version ? r->tool_version : PGD_VERSION);
	cJSON_AddStringToObject(driver, "semanticVersion", r->tool_version ? r->tool_version : PGD_VERSION);
	cJSON_AddStringToObject(driver, "informationUri", TOOL_URI);
	c->rules = cJSON_AddArrayToObject(driver, "rules");
	if (c->sp.root) {
		struct strbuf uri = STRBUF_INIT;

		if (!uri_for_root(&uri, c->sp.root)) {
			cJSON *bases = cJSON_AddObjectToObject(run, "originalUriBaseIds");

			o = cJSON_AddObjectToObject(bases, "SRCROOT");
			cJSON_AddStringToObject(o, "uri", uri.buf);
		}
		pgd_strbuf_release(&uri);
	}
	{
		cJSON *inv = cJSON_AddArrayToObject(run, "invocations");
		cJSON *i0 = cJSON_CreateObject();

		cJSON_AddItemToArray(inv, i0);
		cJSON_AddBoolToObject(i0, "executionSuccessful", 1);
	}
	c->results = cJSON_AddArrayToObject(run, "results");
	/* sites lists classified sites, not findings: none becomes a result. */
	for (size_t i = 0; r->kind == RPT_CHECK && i < r->nsites; i++) {
		if (r->sites[i].severity == PGD_SEV_NONE)
			continue;
		if (site_result(c, &r->sites[i]))
			goto fail;
	}
	for (size_t i = 0; i < r->nfindings; i++)
		if (finding_result(c, &r->findings[i]))
			goto fail;
	if (pgd_rpt_inl_listed(r) && inlining_results(c))
		goto fail;
	o = cJSON_AddObjectToObject(run, "properties");
	cJSON_AddStringToObject(o, "schema", r->schema ? r->schema : "");
	cJSON_AddStringToObject(o, "mainModule", c->sp.module);
	if (c->sp.root)
		cJSON_AddStringToObject(o, "sourceRoot", c->sp.root);
	{
		cJSON *sum = cJSON_AddObjectToObject(o, "summary");

		for (size_t i = 0; i < r->nsummary; i++)
			add_figure(sum, &r->summary[i]);
	}
	return root;
fail:
	cJSON_Delete(root);
	return NULL;
}

int pgd_rpt_write_sarif(const struct pgd_report *r, const struct pgd_write_opts *opts, FILE *f,
		    struct pgd_err *err)
{
	struct sarif_ctx c = { .r = r, .err = err };
	cJSON *root;
	int ret = pgd_srcpath_init(&c.sp, r, pgd_rpt_opt_source_root(opts), err);

	if (ret)
		goto out;
	root = build(&c);
	if (!root && c.path_ret) {
		ret = c.path_ret;
		goto out;
	}
	ret = pgd_rpt_emit_cjson(root, f, err);
out:
	pgd_srcpath_release(&c.sp);
	return ret;
}
