// SPDX-License-Identifier: MIT
/*
 * Inlining drift in every format (report_inlining.c and the writers), on a
 * real check report of the cachesvc fixture whose inlining block is filled
 * here, because the analysis that fills it (inlining.c, issue #17) is
 * another module.
 *
 * WHAT IS REAL AND WHAT IS NOT: each entry's caller, callee, file, line,
 * offset and weights are real: the direct call sites `pgodrift sites`
 * finds for base.pprof and fresh-flipped.pprof through cachesvc.pgo. Which
 * list an entry is in, the thresholds, hot-site counts, bytes, inlined and
 * needed_hot_budget are SYNTHETIC, chosen to exercise the formatting
 * (caps, "N more", null flags, sizes in bytes and KiB). These tests judge
 * wording, order, caps, severity and schema shape, never the analysis.
 * The JSON written here is validated against doc/schema/ by
 * tests/cli/test_schema.sh.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cJSON.h>

#include "err.h"
#include "report.h"
#include "strbuf.h"
#include "testutil.h"

#define NSTALE 13
#define NMISSED 12

struct fixture {
	struct pgd_report *chk;     /* check: cachesvc.pgo, base.pprof, fresh-flipped.pprof */
	struct pgd_report *base;    /* sites of base.pprof: the entries' names and weights */
	struct pgd_report *fresh;   /* sites of fresh-flipped.pprof */
};

static struct pgd_report *run_sites(const char *bin, const char *profile)
{
	struct pgd_report *r = NULL;
	struct pgd_err err = { 0 };
	const char *paths[1] = { profile };

	assert_int_equal(pgd_sites__run(bin, paths, 1, NULL, &r, &err), 0);
	return r;
}

/* The direct call sites of a sites report, heaviest first (its producer's order is by identity). */
static size_t direct_sites(const struct pgd_report *r, const struct rpt_site **out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < r->nsites && n < max; i++)
		if (r->sites[i].kind && !strcmp(r->sites[i].kind, "direct") && r->sites[i].ncallees &&
		    r->sites[i].file)
			out[n++] = &r->sites[i];
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && out[j - 1]->base_weight < out[j]->base_weight; j--) {
			const struct rpt_site *t = out[j];

			out[j] = out[j - 1];
			out[j - 1] = t;
		}
	return n;
}

static void entry_from(struct rpt_inl_site *e, const struct rpt_site *s, int in_base)
{
	memset(e, 0, sizeof(*e));
	e->caller = s->caller;
	e->callee = s->callees[0].name;
	e->file = s->file;
	e->line = s->line;
	e->offset = s->offset;
	if (in_base) {
		e->base_weight = s->base_weight;
		e->base_share = s->base_weight_share;
	} else {
		e->fresh_weight = s->base_weight;   /* a sites report keeps its one profile's weight there */
		e->fresh_share = s->base_weight_share;
	}
}

/* SYNTHETIC list membership and binary facts on real sites: see the file comment. */
static void fill_inlining(struct fixture *fx, enum pgd_severity sev)
{
	struct rpt_inlining *in = &fx->chk->inlining;
	const struct rpt_site *b[64], *f[64];
	size_t nb = direct_sites(fx->base, b, 64), nf = direct_sites(fx->fresh, f, 64);

	assert_true(nb >= NSTALE);
	assert_true(nf >= NMISSED);
	memset(in, 0, sizeof(*in));
	in->ran = 1;
	in->severity = sev;
	in->threshold_base = 0.4375;
	in->threshold_fresh = 0.25;
	in->nhot_base = 31;
	in->nhot_fresh = 29;
	in->stale_hot = pgd_arena_alloc(&fx->chk->arena, NSTALE * sizeof(*in->stale_hot));
	in->missed_hot = pgd_arena_alloc(&fx->chk->arena, NMISSED * sizeof(*in->missed_hot));
	assert_non_null(in->stale_hot);
	assert_non_null(in->missed_hot);
	for (size_t i = 0; i < NSTALE; i++) {
		struct rpt_inl_site *e = &in->stale_hot[i];

		entry_from(e, b[i], 1);
		e->inlined = i == NSTALE - 1 ? -1 : 1;
		e->bytes = i == NSTALE - 1 ? 0 : 20000 - 1500 * i;   /* by bytes, as the analysis sorts */
		e->needed_hot_budget = i % 3 == 2 ? -1 : i % 3 == 1 ? 0 : 1;
		if (e->inlined == 1)
			in->stale_hot_bytes += e->bytes;
	}
	in->nstale_hot = NSTALE;
	for (size_t i = 0; i < NMISSED; i++) {
		struct rpt_inl_site *e = &in->missed_hot[i];

		entry_from(e, f[i], 0);
		e->inlined = i == 0 ? -1 : 0;
		e->bytes = i % 2 ? 0 : 400 + 10 * i;
		e->needed_hot_budget = i % 2 ? 0 : 1;
		if (e->inlined == 0)
			in->missed_hot_fresh_share += e->fresh_share;
	}
	/* A caller the binary's tables do not name: no file, no line (the analysis says so with NULL, 0). */
	in->missed_hot[5].file = NULL;
	in->missed_hot[5].line = 0;
	in->nmissed_hot = NMISSED;
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	struct pgd_check_opts o;
	struct pgd_err err = { 0 };
	const char *fresh[1] = { "testdata/profiles/fresh-flipped.pprof" };
	char bin[512];

	assert_non_null(fx);
	test_bin_path("cachesvc.pgo", bin, sizeof(bin));
	pgd_check_opts__init(&o);
	o.now_unix = 1795000000;
	assert_int_equal(pgd_check__run(bin, "testdata/profiles/base.pprof", fresh, 1, &o, &fx->chk, &err), 0);
	fx->base = run_sites(bin, "testdata/profiles/base.pprof");
	fx->fresh = run_sites(bin, fresh[0]);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	pgd_report__free(fx->chk);
	pgd_report__free(fx->base);
	pgd_report__free(fx->fresh);
	free(fx);
	return 0;
}

static char *render(const struct pgd_report *r, const char *format, const struct pgd_write_opts *o)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct pgd_err err = { 0 };

	assert_non_null(f);
	assert_int_equal(pgd_report__write(r, format, o, f, &err), 0);
	fclose(f);
	/* PGD_TEST_DUMP=1: every rendering on stderr, to review the wording by eye. */
	if (getenv("PGD_TEST_DUMP"))
		fprintf(stderr, "==== %s\n%s", format, buf);
	return buf;
}

static size_t count(const char *s, const char *needle)
{
	size_t n = 0;

	for (const char *p = strstr(s, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

static char *first_line(const char *s)
{
	const char *nl = strchr(s, '\n');

	return strndup(s, nl ? (size_t)(nl - s) : strlen(s));
}

static void json_lists_every_entry_in_the_documented_shape(void **state)
{
	struct fixture *fx = *state;
	static const char *const keys[] = { "ran", "skipped_why", "severity", "threshold_base",
					    "threshold_fresh", "hot_sites_base", "hot_sites_fresh",
					    "stale_hot", "missed_hot", "summary" };
	static const char *const entry_keys[] = { "caller", "callee", "file", "line", "offset",
						  "base_weight", "fresh_weight", "base_share",
						  "fresh_share", "inlined", "bytes", "needed_hot_budget" };
	const char *b = getenv("PGD_BUILD");
	char *out, path[512];
	cJSON *j, *in, *k, *e;
	size_t i = 0;
	FILE *f;

	fill_inlining(fx, PGD_SEV_INFO);
	out = render(fx->chk, "json", NULL);
	j = cJSON_Parse(out);
	assert_non_null(j);
	in = cJSON_GetObjectItemCaseSensitive(j, "inlining");
	assert_non_null(in);
	/* Keys in the documented order; "inlining" sits between "warnings" and "notes". */
	cJSON_ArrayForEach(k, in) {
		assert_true(i < PGD_ARRAY_SIZE(keys));
		assert_string_equal(k->string, keys[i++]);
	}
	assert_int_equal(i, PGD_ARRAY_SIZE(keys));
	assert_string_equal(in->prev->string, "warnings");
	assert_string_equal(in->next->string, "notes");
	assert_string_equal(cJSON_GetObjectItem(in, "severity")->valuestring, "info");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(in, "stale_hot")), NSTALE);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(in, "missed_hot")), NMISSED);
	e = cJSON_GetArrayItem(cJSON_GetObjectItem(in, "stale_hot"), 0);
	i = 0;
	cJSON_ArrayForEach(k, e) {
		assert_true(i < PGD_ARRAY_SIZE(entry_keys));
		assert_string_equal(k->string, entry_keys[i++]);
	}
	assert_int_equal(i, PGD_ARRAY_SIZE(entry_keys));
	/* The writer keeps the analysis's order and its real names. */
	assert_string_equal(cJSON_GetObjectItem(e, "caller")->valuestring, fx->chk->inlining.stale_hot[0].caller);
	assert_int_equal((int64_t)cJSON_GetObjectItem(e, "bytes")->valuedouble, 20000);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(e, "inlined")));
	/* -1 (cannot tell) is null, not false. */
	e = cJSON_GetArrayItem(cJSON_GetObjectItem(in, "stale_hot"), NSTALE - 1);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(e, "inlined")));
	e = cJSON_GetArrayItem(cJSON_GetObjectItem(in, "stale_hot"), 2);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(e, "needed_hot_budget")));
	e = cJSON_GetArrayItem(cJSON_GetObjectItem(in, "missed_hot"), 1);
	assert_true(cJSON_IsFalse(cJSON_GetObjectItem(e, "inlined")));
	assert_int_equal((int64_t)cJSON_GetObjectItem(cJSON_GetObjectItem(in, "summary"), "stale_hot_bytes")->valuedouble,
			 (int64_t)fx->chk->inlining.stale_hot_bytes);
	/* For test_schema.sh: this document against doc/schema/pgodrift.check.v1.json. */
	snprintf(path, sizeof(path), "%s/tests/report-inlining-check.json", b && *b ? b : "build");
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(out, f);
	fclose(f);
	cJSON_Delete(j);
	free(out);
}

static void json_skipped_says_why_and_nothing_else(void **state)
{
	struct fixture *fx = *state;
	struct rpt_inlining *in = &fx->chk->inlining;
	const char *b = getenv("PGD_BUILD");
	char *out, path[512];
	cJSON *j, *o;
	FILE *f;

	memset(in, 0, sizeof(*in));
	out = render(fx->chk, "json", NULL);
	/* Neither ran nor skipped (a report from before the analysis): no member at all. */
	assert_null(strstr(out, "\"inlining\""));
	free(out);
	in->skipped_why = "--no-inlining";
	out = render(fx->chk, "json", NULL);
	j = cJSON_Parse(out);
	o = cJSON_GetObjectItemCaseSensitive(j, "inlining");
	assert_non_null(o);
	assert_int_equal(cJSON_GetArraySize(o), 2);
	assert_true(cJSON_IsFalse(cJSON_GetObjectItem(o, "ran")));
	assert_string_equal(cJSON_GetObjectItem(o, "skipped_why")->valuestring, "--no-inlining");
	snprintf(path, sizeof(path), "%s/tests/report-inlining-skipped.json", b && *b ? b : "build");
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(out, f);
	fclose(f);
	cJSON_Delete(j);
	free(out);
	out = render(fx->chk, "text", NULL);
	assert_non_null(strstr(out, "\ninlining: not checked (--no-inlining)\n"));
	free(out);
}

static void text_headline_line_and_capped_tables(void **state)
{
	struct fixture *fx = *state;
	char *before, *out, *l0, *l1, want[256];
	struct strbuf sb = STRBUF_INIT;

	memset(&fx->chk->inlining, 0, sizeof(fx->chk->inlining));
	before = render(fx->chk, "text", NULL);
	fill_inlining(fx, PGD_SEV_INFO);
	out = render(fx->chk, "text", NULL);
	/* The verdict line is the devirtualization verdict, unchanged. */
	l0 = first_line(before);
	l1 = first_line(out);
	assert_string_equal(l0, l1);
	assert_int_equal(pgd_rpt_bytes_text(&sb, fx->chk->inlining.stale_hot_bytes), 0);
	assert_int_equal(pgd_strbuf_addstr(&sb, "; 12 missed-hot sites, "), 0);
	assert_int_equal(pgd_rpt_share_text(&sb, fx->chk->inlining.missed_hot_fresh_share), 0);
	snprintf(want, sizeof(want), "\ninlining: 13 stale-hot sites, %s of fresh CPU\n", sb.buf);
	assert_non_null(strstr(out, want));
	assert_non_null(strstr(out, "\ninlining drift (hot call sites: 31 in the base above 0.4375% of its edge "
				    "weight, 29 in the fresh capture above 0.25%):\n"));
	/* RPT_INL_TOP rows a list, then the count of the rest. */
	assert_non_null(strstr(out, "  ... 3 more (see --format json)\n"));
	assert_non_null(strstr(out, "  ... 2 more (see --format json)\n"));
	assert_non_null(strstr(out, fx->chk->inlining.stale_hot[9].caller));
	assert_non_null(strstr(out, "20 KiB"));            /* 20000 bytes */
	assert_non_null(strstr(out, "HOT BUDGET NEEDED"));
	/* The block comes after the sites table and before the warnings and summary. */
	assert_true(strstr(out, "inlining drift (") > strstr(out, "VERDICT"));
	assert_true(strstr(out, "inlining drift (") < strstr(out, "\nsummary:"));
	pgd_strbuf_release(&sb);
	free(l0);
	free(l1);
	free(before);
	free(out);
}

static void markdown_collapsed_section_open_when_warn(void **state)
{
	struct fixture *fx = *state;
	struct pgd_write_opts o = { .sz = sizeof(o), .max_bytes = 4000 };
	char *out;

	fill_inlining(fx, PGD_SEV_INFO);
	out = render(fx->chk, "markdown", NULL);
	assert_non_null(strstr(out, "\n🔵 _inlining: 13 stale-hot sites, "));
	assert_non_null(strstr(out, "<details><summary>Inlining drift: 13 stale-hot, 12 missed-hot call "
				    "sites</summary>"));
	assert_non_null(strstr(out, "\n_… 3 more (see the JSON report)._\n"));
	assert_non_null(strstr(out, "\n_… 2 more (see the JSON report)._\n"));
	/* Devirtualization findings first, then inlining, then what to do. */
	assert_true(strstr(out, "Inlining drift:") > strstr(out, "| # | Site | Guarded type"));
	assert_true(strstr(out, "Inlining drift:") < strstr(out, "**What to do:**"));
	free(out);
	fill_inlining(fx, PGD_SEV_WARN);
	out = render(fx->chk, "markdown", NULL);
	assert_non_null(strstr(out, "\n🟡 _inlining (warn): "));
	assert_non_null(strstr(out, "<details open><summary>Inlining drift:"));
	free(out);
	/* A small budget still holds: the whole comment stays under max_bytes. */
	out = render(fx->chk, "markdown", &o);
	assert_true(strlen(out) <= 4000);
	free(out);
}

static void sarif_summary_result_and_top_entries(void **state)
{
	struct fixture *fx = *state;
	cJSON *j, *res, *r;
	size_t nsummary = 0, nstale = 0, nmissed = 0;
	char *out;

	fill_inlining(fx, PGD_SEV_INFO);
	out = render(fx->chk, "sarif", NULL);
	j = cJSON_Parse(out);
	res = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "runs"), 0), "results");
	cJSON_ArrayForEach(r, res) {
		const char *id = cJSON_GetObjectItem(r, "ruleId")->valuestring;
		const char *level = cJSON_GetObjectItem(r, "level")->valuestring;

		if (!strcmp(id, "inlining-drift")) {
			nsummary++;
			assert_string_equal(level, "note");
		} else if (!strcmp(id, "stale-hot") || !strcmp(id, "missed-hot")) {
			*(strcmp(id, "stale-hot") ? &nmissed : &nstale) += 1;
			assert_string_equal(level, "note");
			assert_non_null(cJSON_GetObjectItem(cJSON_GetObjectItem(r, "partialFingerprints"),
							    "pgodriftInline/v1"));
		}
	}
	/* Every result has a place (GitHub: GH1003), the base profile when the source file is unknown. */
	cJSON_ArrayForEach(r, res)
		assert_non_null(cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetArrayItem(
			cJSON_GetObjectItem(r, "locations"), 0), "physicalLocation"), "region"));
	assert_int_equal(nsummary, 1);
	assert_int_equal(nstale, RPT_INL_TOP);
	assert_int_equal(nmissed, RPT_INL_TOP);
	assert_non_null(strstr(out, "\"name\":\t\"StaleHotInlining\""));
	cJSON_Delete(j);
	free(out);
	fill_inlining(fx, PGD_SEV_WARN);
	out = render(fx->chk, "sarif", NULL);
	/* The block's level is the analysis's; the entries stay notes. */
	assert_non_null(strstr(out, "\"ruleId\":\t\"inlining-drift\",\n\t\t\t\t\t\"ruleIndex\""));
	j = cJSON_Parse(out);
	res = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "runs"), 0), "results");
	cJSON_ArrayForEach(r, res)
		if (!strcmp(cJSON_GetObjectItem(r, "ruleId")->valuestring, "inlining-drift"))
			assert_string_equal(cJSON_GetObjectItem(r, "level")->valuestring, "warning");
	cJSON_Delete(j);
	free(out);
}

static void one_line_formats_summary_row_then_capped_entries(void **state)
{
	struct fixture *fx = *state;
	char *line, *gh, *cc;
	cJSON *j, *it, *fp;
	size_t n = 0;

	fill_inlining(fx, PGD_SEV_INFO);
	line = render(fx->chk, "line", NULL);
	assert_int_equal(count(line, "[inlining-drift]\n"), 1);
	assert_int_equal(count(line, "[stale-hot]\n"), RPT_INL_TOP);
	assert_int_equal(count(line, "[missed-hot]\n"), RPT_INL_TOP);
	/* An entry without a source file is the base profile's row, and says which site it is. */
	{
		char want[512];

		snprintf(want, sizeof(want), "testdata/profiles/base.pprof:1:1: note: %s is ",
			 fx->chk->inlining.missed_hot[5].callee);
		assert_non_null(strstr(line, want));
		snprintf(want, sizeof(want), " [at %s+%lld in the profile] [missed-hot]\n",
			 fx->chk->inlining.missed_hot[5].caller, (long long)fx->chk->inlining.missed_hot[5].offset);
		assert_non_null(strstr(line, want));
	}
	/* The summary row is at the base profile and says how many are not listed. */
	assert_non_null(strstr(line, "base.pprof:1:1: note: inlining: 13 stale-hot sites"));
	assert_non_null(strstr(line, "(5 more sites than listed here: see the JSON report) [inlining-drift]"));
	free(line);
	fill_inlining(fx, PGD_SEV_WARN);
	line = render(fx->chk, "line", NULL);
	assert_non_null(strstr(line, "base.pprof:1:1: warning: inlining (warn): 13 stale-hot sites"));
	/* The entries stay notes: the block's severity is the summary row's. */
	for (const char *p = line; *p; p = strchr(p, '\n') + 1) {
		char *l = first_line(p);

		if (strstr(l, "[stale-hot]") || strstr(l, "[missed-hot]"))
			assert_non_null(strstr(l, ": note: "));
		free(l);
	}
	gh = render(fx->chk, "github", NULL);
	assert_non_null(strstr(gh, "::warning file="));
	assert_non_null(strstr(gh, "title=pgodrift%3A inlining drift::inlining (warn)"));
	/* Fingerprints stay unique (GitLab drops duplicates): each entry is (caller, offset, callee). */
	cc = render(fx->chk, "codeclimate", NULL);
	j = cJSON_Parse(cc);
	assert_non_null(j);
	cJSON_ArrayForEach(it, j) {
		cJSON *other;

		fp = cJSON_GetObjectItem(it, "fingerprint");
		n++;
		cJSON_ArrayForEach(other, j)
			if (other != it)
				assert_string_not_equal(fp->valuestring,
							cJSON_GetObjectItem(other, "fingerprint")->valuestring);
	}
	assert_true(n >= 1 + 2 * RPT_INL_TOP);
	cJSON_Delete(j);
	free(cc);
	free(gh);
	free(line);
}

static void severity_counts_only_when_the_analysis_raises_it(void **state)
{
	struct fixture *fx = *state;
	enum pgd_severity without, with_info;
	enum pgd_outcome outcome = fx->chk->outcome;

	memset(&fx->chk->inlining, 0, sizeof(fx->chk->inlining));
	without = pgd_report__worst_severity(fx->chk);
	fill_inlining(fx, PGD_SEV_INFO);
	with_info = pgd_report__worst_severity(fx->chk);
	/* info never outranks what the devirtualization verdicts found, and never fails --fail-on warn. */
	assert_int_equal(with_info, without > PGD_SEV_INFO ? without : PGD_SEV_INFO);
	fill_inlining(fx, PGD_SEV_WARN);
	assert_true(pgd_report__worst_severity(fx->chk) >= PGD_SEV_WARN);
	/* Writers never touch the outcome (exit 3 is the verdicts' alone). */
	assert_int_equal(fx->chk->outcome, outcome);
}

/* The figures' wording: sizes and shares at the precision their size needs. */
static void bytes_and_shares_read_at_a_glance(void **state)
{
	static const struct { uint64_t v; const char *want; } bytes[] = {
		{ 0, "0 bytes" }, { 1023, "1023 bytes" }, { 1024, "1.0 KiB" }, { 10239, "10.0 KiB" },
		{ 41 * 1024, "41 KiB" }, { 1536 * 1024, "1.5 MiB" },
	};
	static const struct { double v; const char *want; } shares[] = {
		{ 0, "0%" }, { 0.00005, "<0.01%" }, { 0.00024, "0.02%" }, { 0.039, "3.9%" }, { 0.164, "16%" },
	};
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	for (size_t i = 0; i < PGD_ARRAY_SIZE(bytes); i++) {
		pgd_strbuf_reset(&sb);
		assert_int_equal(pgd_rpt_bytes_text(&sb, bytes[i].v), 0);
		assert_string_equal(sb.buf, bytes[i].want);
	}
	for (size_t i = 0; i < PGD_ARRAY_SIZE(shares); i++) {
		pgd_strbuf_reset(&sb);
		assert_int_equal(pgd_rpt_share_text(&sb, shares[i].v), 0);
		assert_string_equal(sb.buf, shares[i].want);
	}
	pgd_strbuf_release(&sb);
}

/* An empty list is said as such, not as "0 stale-hot sites, 0 bytes". */
static void headline_says_no_when_a_list_is_empty(void **state)
{
	struct fixture *fx = *state;
	struct strbuf sb = STRBUF_INIT;

	fill_inlining(fx, PGD_SEV_INFO);
	fx->chk->inlining.nstale_hot = 0;
	fx->chk->inlining.stale_hot_bytes = 0;
	assert_int_equal(pgd_rpt_inlining_line(fx->chk, &sb), 0);
	assert_true(!strncmp(sb.buf, "inlining: no stale-hot sites; 12 missed-hot sites, ", 51));
	pgd_strbuf_reset(&sb);
	fx->chk->inlining.nmissed_hot = 0;
	assert_int_equal(pgd_rpt_inlining_line(fx->chk, &sb), 0);
	assert_string_equal(sb.buf, "inlining: no stale-hot or missed-hot call sites (31 hot in the base, 29 in the "
				    "fresh capture)");
	pgd_strbuf_release(&sb);
}

static void getters_match_the_block(void **state)
{
	struct fixture *fx = *state;
	struct pgd_inlining_view v = { .sz = sizeof(v) };
	struct pgd_inl_site_view s = { .sz = sizeof(s) };
	struct { struct pgd_inl_site_view v; unsigned char canary[16]; } shortv;

	fill_inlining(fx, PGD_SEV_WARN);
	assert_int_equal(pgd_report__inlining(fx->chk, &v), 0);
	assert_int_equal(v.ran, 1);
	assert_null(v.skipped_why);
	assert_int_equal(v.severity, PGD_SEV_WARN);
	assert_int_equal(v.nstale_hot, NSTALE);
	assert_int_equal(v.nmissed_hot, NMISSED);
	assert_int_equal(v.nhot_base, 31);
	assert_true(v.stale_hot_bytes == fx->chk->inlining.stale_hot_bytes);
	assert_int_equal(pgd_report__inlining_site(fx->chk, PGD_INL_MISSED_HOT, 3, &s), 0);
	assert_string_equal(s.caller, fx->chk->inlining.missed_hot[3].caller);
	assert_string_equal(s.callee, fx->chk->inlining.missed_hot[3].callee);
	assert_int_equal(s.line, fx->chk->inlining.missed_hot[3].line);
	assert_int_equal(s.inlined, 0);
	assert_int_equal(pgd_report__inlining_site(fx->chk, PGD_INL_STALE_HOT, NSTALE, &s), PGD_EUSAGE);
	assert_int_equal(pgd_report__inlining_site(fx->chk, (enum pgd_inl_list)2, 0, &s), PGD_EUSAGE);
	/* A caller's shorter view gets only the fields it knows. */
	memset(&shortv, 0xA5, sizeof(shortv));
	shortv.v.sz = offsetof(struct pgd_inl_site_view, line);
	assert_int_equal(pgd_report__inlining_site(fx->chk, PGD_INL_STALE_HOT, 0, &shortv.v), 0);
	assert_non_null(shortv.v.file);
	assert_int_equal(((unsigned char *)&shortv.v)[offsetof(struct pgd_inl_site_view, line)], 0xA5);
	/* Other reports: a zeroed block. */
	assert_int_equal(pgd_report__inlining(fx->base, &v), 0);
	assert_int_equal(v.ran, 0);
	assert_null(v.skipped_why);
	assert_int_equal(pgd_report__inlining_site(fx->base, PGD_INL_STALE_HOT, 0, &s), PGD_EUSAGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(json_lists_every_entry_in_the_documented_shape),
		cmocka_unit_test(json_skipped_says_why_and_nothing_else),
		cmocka_unit_test(text_headline_line_and_capped_tables),
		cmocka_unit_test(markdown_collapsed_section_open_when_warn),
		cmocka_unit_test(sarif_summary_result_and_top_entries),
		cmocka_unit_test(one_line_formats_summary_row_then_capped_entries),
		cmocka_unit_test(severity_counts_only_when_the_analysis_raises_it),
		cmocka_unit_test(bytes_and_shares_read_at_a_glance),
		cmocka_unit_test(headline_says_no_when_a_list_is_empty),
		cmocka_unit_test(getters_match_the_block),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
