// SPDX-License-Identifier: MIT
/*
 * drift: the Wilson interval against published values, and the verdict
 * function, table-driven: every verdict, every severity, every message, in
 * PGO and non-PGO builds. (The compiler's choice against Go's own record of
 * it is in test_sites.c and test_check_rules.c.)
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "drift.h"
#include "edges.h"
#include "profile.h"
#include "sites.h"
#include "strbuf.h"

static void assert_close(double got, double want, double eps)
{
	if (fabs(got - want) > eps)
		fail_msg("got %.6f, want %.6f (+-%g)", got, want, eps);
}

/*
 * Values from Newcombe, "Two-sided confidence intervals for the single
 * proportion: comparison of seven methods", Stat. Med. 17 (1998), table II
 * (score method without continuity correction, 95 %).
 */
static void test_wilson_published(void **state)
{
	double lo, hi;

	(void)state;
	pgd_wilson(81, 263, 1.96, &lo, &hi);
	assert_close(lo, 0.2553, 5e-4);
	assert_close(hi, 0.3662, 5e-4);
	pgd_wilson(15, 148, 1.96, &lo, &hi);
	assert_close(lo, 0.0624, 5e-4);
	assert_close(hi, 0.1605, 5e-4);
	pgd_wilson(0, 20, 1.96, &lo, &hi);
	assert_close(lo, 0.0, 5e-4);
	assert_close(hi, 0.1611, 5e-4);
	pgd_wilson(1, 29, 1.96, &lo, &hi);
	assert_close(lo, 0.0061, 5e-4);
	assert_close(hi, 0.1718, 5e-4);
	/* No trials: nothing is known. */
	pgd_wilson(0, 0, 1.96, &lo, &hi);
	assert_close(lo, 0, 0);
	assert_close(hi, 1, 0);
}

/* ---- the verdict table ----------------------------------------------------- */

struct row {
	const char *name;
	struct pgd_verdict_in in;
	int judged;
	enum pgd_verdict verdict;
	enum pgd_severity severity;
	enum pgd_message message;
};

/* threshold 0.5, min_samples 30 (the defaults) */
#define IND PGD_SC_INDIRECT
static const struct row rows[] = {
	{ "direct call: not a site", { .cls = PGD_SC_NOT_A_SITE, .in_base = 1, .fresh_total = 100 },
	  0, PGD_V_OK, PGD_SEV_NONE, PGD_MSG_NONE },
	{ "gone, was a candidate", { .cls = PGD_SC_GONE, .candidate = 1, .in_base = 1, .pgo_build = 1 },
	  1, PGD_V_VANISHED, PGD_SEV_WARN, PGD_MSG_VANISHED },
	/* --fresh equal to --base on Go 1.26's cmd/compile and its own default.pgo: the
	 * profile names code the binary lacks, but production still hits it there */
	{ "gone, the fresh capture names the same old code",
	  { .cls = PGD_SC_GONE, .candidate = 1, .in_base = 1, .pgo_build = 1, .fresh_total = 40 },
	  0, PGD_V_OK, PGD_SEV_NONE, PGD_MSG_NONE },
	{ "gone, direct call that moved", { .cls = PGD_SC_GONE, .in_base = 1, .pgo_build = 1 },
	  0, PGD_V_OK, PGD_SEV_NONE, PGD_MSG_NONE },
	{ "gone, not in base", { .cls = PGD_SC_GONE, .candidate = 1, .pgo_build = 1 },
	  0, PGD_V_OK, PGD_SEV_NONE, PGD_MSG_NONE },
	{ "gone, build without PGO", { .cls = PGD_SC_GONE, .candidate = 1, .in_base = 1 },
	  1, PGD_V_VANISHED, PGD_SEV_WARN, PGD_MSG_NOPGO_VANISHED },
	{ "new, too few samples", { .cls = IND, .fresh_total = 29, .refresh_guards = 1, .pgo_build = 1 },
	  1, PGD_V_INSUFFICIENT, PGD_SEV_NONE, PGD_MSG_INSUFFICIENT },
	{ "new, a refresh would guard it", { .cls = IND, .fresh_total = 30, .refresh_guards = 1, .pgo_build = 1 },
	  1, PGD_V_NEW_HOT_SITE, PGD_SEV_INFO, PGD_MSG_NEW_HOT_SITE },
	{ "new, without PGO", { .cls = IND, .fresh_total = 30, .refresh_guards = 1 },
	  1, PGD_V_NEW_HOT_SITE, PGD_SEV_INFO, PGD_MSG_NOPGO_NEW_HOT_SITE },
	{ "new, a refresh would guard nothing", { .cls = IND, .fresh_total = 300, .pgo_build = 1 },
	  1, PGD_V_OK, PGD_SEV_NONE, PGD_MSG_NOTHING_GUARDED },
	{ "too few fresh samples", { .cls = IND, .in_base = 1, .guarded = 1, .guard_in_binary = 1,
	  .pgo_build = 1, .fresh_total = 10, .base_share = 0.9, .fresh_share = 0.1, .fresh_hi = 0.4 },
	  1, PGD_V_INSUFFICIENT, PGD_SEV_NONE, PGD_MSG_INSUFFICIENT },
	{ "nothing guarded", { .cls = IND, .in_base = 1, .pgo_build = 1, .fresh_total = 100 },
	  1, PGD_V_OK, PGD_SEV_NONE, PGD_MSG_NOTHING_GUARDED },
	{ "never dominant", { .cls = IND, .in_base = 1, .guarded = 1, .guard_in_binary = 1,
	  .pgo_build = 1, .fresh_total = 100, .base_share = 0.4, .fresh_share = 0.4, .fresh_hi = 0.5 },
	  1, PGD_V_NEVER_DOMINANT, PGD_SEV_WARN, PGD_MSG_NEVER_DOMINANT },
	{ "never dominant, without PGO", { .cls = IND, .in_base = 1, .guarded = 1,
	  .fresh_total = 100, .base_share = 0.4, .fresh_share = 0.4, .fresh_hi = 0.5 },
	  1, PGD_V_NEVER_DOMINANT, PGD_SEV_WARN, PGD_MSG_NOPGO_NEVER_DOMINANT },
	{ "flipped, guarded below", { .cls = IND, .in_base = 1, .guarded = 1, .guard_in_binary = 1,
	  .pgo_build = 1, .fresh_total = 100, .base_share = 0.9, .fresh_share = 0.2, .fresh_hi = 0.3,
	  .refresh_guards = 1, .refresh_other = 1, .refresh_share = 0.7 },
	  1, PGD_V_FLIPPED, PGD_SEV_RISK, PGD_MSG_FLIPPED },
	{ "flipped, guarded still at the threshold", { .cls = IND, .in_base = 1, .guarded = 1,
	  .guard_in_binary = 1, .pgo_build = 1, .fresh_total = 100, .base_share = 0.9,
	  .fresh_share = 0.5, .fresh_hi = 0.6, .refresh_guards = 1, .refresh_other = 1, .refresh_share = 0.5 },
	  1, PGD_V_FLIPPED, PGD_SEV_WARN, PGD_MSG_FLIPPED },
	{ "other callee hot, but a refresh guards nothing: stale", { .cls = IND, .in_base = 1,
	  .guarded = 1, .guard_in_binary = 1, .pgo_build = 1, .fresh_total = 100, .base_share = 0.9,
	  .fresh_share = 0.2, .fresh_hi = 0.3 },
	  1, PGD_V_STALE, PGD_SEV_RISK, PGD_MSG_STALE },
	{ "weak", { .cls = IND, .in_base = 1, .guarded = 1, .guard_in_binary = 1, .pgo_build = 1,
	  .fresh_total = 40, .base_share = 0.9, .fresh_share = 0.4, .fresh_hi = 0.55 },
	  1, PGD_V_WEAK, PGD_SEV_WARN, PGD_MSG_WEAK },
	{ "stale, without PGO", { .cls = IND, .in_base = 1, .guarded = 1, .fresh_total = 100,
	  .base_share = 0.9, .fresh_share = 0.2, .fresh_hi = 0.3 },
	  1, PGD_V_STALE, PGD_SEV_RISK, PGD_MSG_NOPGO_STALE },
	{ "stale, but the PGO binary has no guard there", { .cls = IND, .in_base = 1, .guarded = 1,
	  .pgo_build = 1, .fresh_total = 100, .base_share = 0.9, .fresh_share = 0.2, .fresh_hi = 0.3 },
	  1, PGD_V_STALE, PGD_SEV_INFO, PGD_MSG_NO_GUARD_IN_BINARY },
	{ "ok", { .cls = IND, .in_base = 1, .guarded = 1, .guard_in_binary = 1, .pgo_build = 1,
	  .fresh_total = 100, .base_share = 0.9, .fresh_share = 0.8, .fresh_hi = 0.9,
	  .refresh_guards = 1 },
	  1, PGD_V_OK, PGD_SEV_NONE, PGD_MSG_NONE },
};

static void test_verdict_table(void **state)
{
	struct pgd_check_opts o;
	int seen_v[PGD_V_STALE + 1] = { 0 }, seen_s[PGD_SEV_RISK + 1] = { 0 };

	(void)state;
	pgd_check_opts__init(&o);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct pgd_verdict_out out;

		pgd_drift_verdict(&rows[i].in, &o, &out);
		if (out.judged != rows[i].judged)
			fail_msg("%s: judged %d, want %d", rows[i].name, out.judged, rows[i].judged);
		if (!out.judged)
			continue;
		if (out.verdict != rows[i].verdict || out.severity != rows[i].severity ||
		    out.message != rows[i].message)
			fail_msg("%s: got %s/%d/%d, want %s/%d/%d", rows[i].name,
				 pgd_verdict_name(out.verdict), out.severity, out.message,
				 pgd_verdict_name(rows[i].verdict), rows[i].severity, rows[i].message);
		seen_v[out.verdict] = 1;
		seen_s[out.severity] = 1;
		/* Never "refresh default.pgo" for a build that did not use PGO. */
		if (!rows[i].in.pgo_build && pgd_drift_message(out.message))
			assert_null(strstr(pgd_drift_message(out.message), "refresh default.pgo"));
	}
	for (int v = PGD_V_OK; v <= PGD_V_STALE; v++)
		if (!seen_v[v])
			fail_msg("verdict %s not covered", pgd_verdict_name((enum pgd_verdict)v));
	for (int s = PGD_SEV_NONE; s <= PGD_SEV_RISK; s++)
		assert_true(seen_s[s]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wilson_published),
		cmocka_unit_test(test_verdict_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
