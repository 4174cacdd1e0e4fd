// SPDX-License-Identifier: MIT
/*
 * SARIF 2.1.0 writer, for code-scanning tabs (GitHub, GitLab, Azure DevOps).
 *
 * One rule per verdict (check) or check id (doctor), a result per finding at
 * the call site's source file and line. Code scanning matches results to
 * files by a path relative to the repository, so DWARF file names are mapped
 * to module-relative paths and anchored at uriBaseId SRCROOT:
 *   - --source-root DIR: DIR is stripped (the user knows best);
 *   - -trimpath names start with the main module path: it is stripped;
 *   - absolute names: the module root is found from a caller whose package
 *     lies under the main module (".../internal/cache/x.go" with package
 *     example.com/svc/internal/cache gives the root ".../"), or failing that
 *     from the directory of a relative --base (default.pgo sits beside the
 *     main package under -pgo=auto and CI runs from the repository root).
 * A file that maps to nothing is written as an absolute file:// URI without
 * a base, which is valid SARIF that a scanner shows unanchored rather than
 * at a wrong line. Written through cJSON only.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "err.h"
#include "report.h"
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
};

struct sarif_ctx {
	const struct pgd_report *r;
	const char *module;         /* main module path, "" when unknown */
	const char *root;           /* absolute module root ending in '/', NULL when unknown */
	size_t root_len;
	int root_from_user;
	char *root_owned;
	cJSON *rules;
	cJSON *results;
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
	if (strbuf_addf(&help, "%s See `pgodrift %s --help` and doc/formats.md. To fix a stale "
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
	strbuf_release(&help);
	return n;
}

/* The package import path of a Go linker name: "a.com/x/pkg.(*T).M" -> "a.com/x/pkg". */
static size_t package_len(const char *sym)
{
	const char *end = strchr(sym, '[');   /* generics: "[...]" may hold slashes */
	const char *slash = NULL, *dot;
	size_t lim = end ? (size_t)(end - sym) : strlen(sym);

	for (size_t i = 0; i < lim; i++)
		if (sym[i] == '/')
			slash = sym + i;
	dot = memchr(slash ? slash : sym, '.', lim - (size_t)((slash ? slash : sym) - sym));
	return dot ? (size_t)(dot - sym) : 0;
}

/*
 * file is "<root>/<rel>/<base>" for a caller in package module/<rel>; returns
 * the root (with its final '/') or NULL.
 */
static char *root_from_package(const char *file, const char *module, const char *caller)
{
	size_t plen = package_len(caller), mlen = strlen(module), flen = strlen(file);
	const char *base = strrchr(file, '/');
	size_t dirlen;

	if (!plen || !mlen || plen < mlen || strncmp(caller, module, mlen) || !base)
		return NULL;
	dirlen = (size_t)(base - file);   /* file's directory, without the '/' */
	if (plen == mlen)                 /* the package is the module root */
		return strndup(file, dirlen + 1);
	if (caller[mlen] != '/')
		return NULL;
	{
		const char *rel = caller + mlen + 1;
		size_t rlen = plen - mlen - 1;

		if (dirlen < rlen + 1 || file[dirlen - rlen - 1] != '/' ||
		    strncmp(file + dirlen - rlen, rel, rlen))
			return NULL;
		(void)flen;
		return strndup(file, dirlen - rlen);
	}
}

/* Under -pgo=auto, default.pgo sits in the main package's directory, relative to the checkout. */
static char *root_from_profile_dir(const char *file, const char *profile)
{
	const char *slash = profile ? strrchr(profile, '/') : NULL;
	struct strbuf needle = STRBUF_INIT;
	const char *hit, *p;
	char *root = NULL;

	if (!slash || profile[0] == '/' || !strncmp(profile, "../", 3))
		return NULL;
	while (!strncmp(profile, "./", 2))
		profile += 2;
	if (slash <= profile)
		return NULL;
	if (strbuf_addch(&needle, '/') || strbuf_add(&needle, profile, (size_t)(slash - profile)) ||
	    strbuf_addch(&needle, '/'))
		goto out;
	/* The last occurrence: a checkout path may repeat a directory name. */
	hit = NULL;
	for (p = strstr(file, needle.buf); p; p = strstr(p + 1, needle.buf))
		hit = p;
	if (hit)
		root = strndup(file, (size_t)(hit - file) + 1);
out:
	strbuf_release(&needle);
	return root;
}

/*
 * Whether dir/go.mod declares module `module`. In CI the binary was just
 * built from this checkout, so its absolute DWARF paths exist here and the
 * go.mod above them marks the module root exactly; elsewhere the walk finds
 * nothing and costs a few failed opens.
 */
static int gomod_declares(const char *dir, size_t dirlen, const char *module)
{
	struct strbuf path = STRBUF_INIT;
	char line[1024];
	FILE *f = NULL;
	int found = 0;

	if (strbuf_add(&path, dir, dirlen) || strbuf_addstr(&path, "go.mod"))
		goto out;
	f = fopen(path.buf, "r");
	if (!f)
		goto out;
	while (fgets(line, sizeof(line), f)) {
		char *p = line, *end;

		if (strncmp(p, "module", 6) || (p[6] != ' ' && p[6] != '\t'))
			continue;
		p += 7;
		while (*p == ' ' || *p == '\t' || *p == '"')
			p++;
		end = p + strcspn(p, " \t\r\n\"");
		found = (size_t)(end - p) == strlen(module) && !strncmp(p, module, (size_t)(end - p));
		break;
	}
out:
	if (f)
		fclose(f);
	strbuf_release(&path);
	return found;
}

static char *root_from_gomod(const char *file, const char *module)
{
	size_t len = strlen(file);

	if (!*module)
		return NULL;
	/* Each proper prefix of file ending in '/', innermost first. */
	while (len > 1) {
		while (len > 0 && file[len - 1] != '/')
			len--;
		if (len == 0)
			break;
		if (gomod_declares(file, len, module))
			return strndup(file, len);
		len--;
	}
	return NULL;
}

static void find_root(struct sarif_ctx *c, const char *source_root)
{
	const struct pgd_report *r = c->r;

	if (source_root && *source_root) {
		size_t l = strlen(source_root);

		c->root_owned = malloc(l + 2);
		if (c->root_owned) {
			memcpy(c->root_owned, source_root, l + 1);
			if (source_root[l - 1] != '/')
				strcat(c->root_owned, "/");
		}
		c->root_from_user = 1;
	}
	for (size_t i = 0; !c->root_owned && i < r->nsites; i++) {
		const struct rpt_site *s = &r->sites[i];

		if (s->file && s->file[0] == '/' && s->caller)
			c->root_owned = root_from_package(s->file, c->module, s->caller);
	}
	for (size_t i = 0; !c->root_owned && i < r->nsites; i++)
		if (r->sites[i].file && r->sites[i].file[0] == '/')
			c->root_owned = root_from_gomod(r->sites[i].file, c->module);
	for (size_t i = 0; !c->root_owned && i < r->ninputs; i++) {
		if (!r->inputs[i].role || strcmp(r->inputs[i].role, "base"))
			continue;
		for (size_t k = 0; !c->root_owned && k < r->nsites; k++)
			if (r->sites[k].file && r->sites[k].file[0] == '/')
				c->root_owned = root_from_profile_dir(r->sites[k].file, r->inputs[i].path);
	}
	c->root = c->root_owned;
	c->root_len = c->root ? strlen(c->root) : 0;
}

/* RFC 3986: everything but unreserved characters and '/' is percent-encoded. */
static int uri_escape(struct strbuf *sb, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		int plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			    (*p >= '0' && *p <= '9') || strchr("-._~/", *p);

		if (plain ? strbuf_addch(sb, *p) :
		    strbuf_addf(sb, "%%%c%c", hex[*p >> 4], hex[*p & 15]))
			return -1;
	}
	return 0;
}

/*
 * A relative --source-root ("testdata/src/") names directories inside the
 * checkout: the path after its last "/testdata/src/" is the relative one.
 */
static const char *after_segment(const char *path, const char *seg, size_t seglen)
{
	const char *hit = NULL;

	if (!strncmp(path, seg, seglen))
		return path + seglen;
	for (const char *p = strchr(path, '/'); p; p = strchr(p + 1, '/'))
		if (!strncmp(p + 1, seg, seglen))
			hit = p + 1 + seglen;
	return hit;
}

/*
 * Fills an artifactLocation for a DWARF or input path: {uri, uriBaseId
 * SRCROOT} when it maps under the module root, else an absolute file:// URI
 * (or a relative one without a base for a relative input path).
 */
static int artifact_location(struct sarif_ctx *c, cJSON *loc, const char *path, int is_source)
{
	struct strbuf uri = STRBUF_INIT;
	const char *rel = NULL;
	size_t mlen = strlen(c->module);
	int ret = -1;

	if (c->root && !strncmp(path, c->root, c->root_len))
		rel = path + c->root_len;
	else if (c->root && c->root_from_user && c->root[0] != '/')
		rel = after_segment(path, c->root, c->root_len);
	else if (is_source && mlen && !strncmp(path, c->module, mlen) && path[mlen] == '/')
		rel = path + mlen + 1;   /* -trimpath: "example.com/svc/internal/x.go" */
	else if (!is_source && path[0] != '/')
		rel = path;              /* an input named relative to where CI ran, the checkout */
	while (rel && !strncmp(rel, "./", 2))
		rel += 2;
	if (rel) {
		if (uri_escape(&uri, rel))
			goto out;
		cJSON_AddStringToObject(loc, "uri", uri.buf);
		cJSON_AddStringToObject(loc, "uriBaseId", "SRCROOT");
	} else {
		if ((path[0] == '/' && strbuf_addstr(&uri, "file://")) || uri_escape(&uri, path))
			goto out;
		cJSON_AddStringToObject(loc, "uri", uri.buf);
	}
	ret = 0;
out:
	strbuf_release(&uri);
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
	int ret = -1;

	if (idx < 0)
		goto out;
	if (s->message && *s->message) {
		if (strbuf_addstr(&msg, s->message))
			goto out;
	} else if (strbuf_addf(&msg, "%s: call site in %s", rule, s->caller ? s->caller : "?")) {
		goto out;
	}
	if (s->guarded && strbuf_addf(&msg, " (guarded: %s", s->guarded_type ? s->guarded_type : s->guarded))
		goto out;
	if (s->guarded && s->base.present && s->fresh.present &&
	    strbuf_addf(&msg, ", share %.0f%% -> %.0f%%", 100 * s->base.share, 100 * s->fresh.share))
		goto out;
	if (s->guarded && s->fresh_hottest && strbuf_addf(&msg, ", fresh hottest: %s", s->fresh_hottest))
		goto out;
	if (s->guarded && strbuf_addch(&msg, ')'))
		goto out;
	/* Identifies the site across commits even when lines move: caller, offset, method. */
	if (strbuf_addf(&fp, "%s+%lld:%s", s->caller ? s->caller : "", (long long)s->offset,
			s->method ? s->method : ""))
		goto out;

	res = add_result(c, rule, idx, s->severity, msg.buf);
	arr = cJSON_AddArrayToObject(res, "locations");
	loc = cJSON_CreateObject();
	cJSON_AddItemToArray(arr, loc);
	if (s->file && *s->file) {
		cJSON *phys = cJSON_AddObjectToObject(loc, "physicalLocation");
		cJSON *al = cJSON_AddObjectToObject(phys, "artifactLocation");

		if (artifact_location(c, al, s->file, 1))
			goto out;
		if (s->line > 0) {
			o = cJSON_AddObjectToObject(phys, "region");
			cJSON_AddNumberToObject(o, "startLine", (double)s->line);
		}
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
	cJSON_AddStringToObject(props, "severity", rpt_severity_name(s->severity));
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
	strbuf_release(&msg);
	strbuf_release(&fp);
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

/* The input a finding without a source location attaches to: its own, else the first profile. */
static const char *finding_input(const struct pgd_report *r, const struct rpt_finding *f)
{
	if (f->input && *f->input)
		return f->input;
	for (size_t i = 0; i < r->ninputs; i++)
		if (r->inputs[i].path && r->inputs[i].format && strcmp(r->inputs[i].format, "elf") &&
		    strcmp(r->inputs[i].format, "dir"))
			return r->inputs[i].path;
	return r->ninputs ? r->inputs[0].path : NULL;
}

static uint64_t input_size(const struct pgd_report *r, const char *path)
{
	for (size_t i = 0; i < r->ninputs; i++)
		if (r->inputs[i].path && !strcmp(r->inputs[i].path, path))
			return r->inputs[i].size;
	return 0;
}

static int finding_result(struct sarif_ctx *c, const struct rpt_finding *f)
{
	const char *id = f->id ? f->id : "finding";
	int idx = rule_index(c, id, f->severity, NULL);
	const char *input = finding_input(c->r, f);
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
		if (artifact_location(c, al, input, 0))
			return -1;
		/* The whole input is the finding's region: its byte range when its size is known. */
		o = cJSON_AddObjectToObject(phys, "region");
		if (input_size(c->r, input)) {
			cJSON_AddNumberToObject(o, "byteOffset", 0);
			cJSON_AddNumberToObject(o, "byteLength", (double)input_size(c->r, input));
		} else {
			cJSON_AddNumberToObject(o, "startLine", 1);
		}
	}
	o = cJSON_AddObjectToObject(res, "properties");
	cJSON_AddStringToObject(o, "severity", rpt_severity_name(f->severity));
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

static int uri_for_root(struct strbuf *sb, const char *root)
{
	return strbuf_addstr(sb, "file://") || uri_escape(sb, root);
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
	if (c->root && c->root[0] == '/') {
		struct strbuf uri = STRBUF_INIT;

		if (!uri_for_root(&uri, c->root)) {
			cJSON *bases = cJSON_AddObjectToObject(run, "originalUriBaseIds");

			o = cJSON_AddObjectToObject(bases, "SRCROOT");
			cJSON_AddStringToObject(o, "uri", uri.buf);
		}
		strbuf_release(&uri);
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
	o = cJSON_AddObjectToObject(run, "properties");
	cJSON_AddStringToObject(o, "schema", r->schema ? r->schema : "");
	cJSON_AddStringToObject(o, "mainModule", c->module);
	if (c->root)
		cJSON_AddStringToObject(o, "sourceRoot", c->root);
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

int rpt_write_sarif(const struct pgd_report *r, const struct pgd_write_opts *opts, FILE *f,
		    struct pgd_err *err)
{
	struct sarif_ctx c = { .r = r, .module = "" };
	const char *source_root = NULL;
	int ret = 0;

	if (PGD_OPTS_HAS(opts, struct pgd_write_opts, source_root))
		source_root = opts->source_root;
	for (size_t i = 0; i < r->ninputs; i++)
		if (r->inputs[i].main_module && *r->inputs[i].main_module) {
			c.module = r->inputs[i].main_module;
			break;
		}
	find_root(&c, source_root);
	if (source_root && *source_root && !c.root_owned) {
		ret = pgd_err_nomem(err, "");
		goto out;
	}
	ret = rpt_emit_cjson(build(&c), f, err);
out:
	free(c.root_owned);
	return ret;
}
