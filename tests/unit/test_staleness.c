// SPDX-License-Identifier: MIT
/*
 * The staleness score (staleness.h) against figures computed by hand: the
 * six judged sites of cachesvc.pgo with base.pprof against
 * fresh-even.pprof (weights as `check --all --format json` lists them; the
 * CLI test checks the pipeline gives the same score on the real files).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "err.h"
#include "staleness.h"

static void assert_close(double got, double want, double eps)
{
	if (fabs(got - want) > eps)
		fail_msg("got %.6f, want %.6f (+-%g)", got, want, eps);
}

#define SITE(nm, kd, ...)                                                       \
	{ .caller = nm, .kind = kd, .ncallees = sizeof((struct pgd_site_callee[]){ __VA_ARGS__ }) / \
	  sizeof(struct pgd_site_callee), .callees = (struct pgd_site_callee[]){ __VA_ARGS__ } }
#define C(b, f) { .name = "c", .weight = { b, f } }

static void totals(struct pgd_site *s)
{
	s->total[0] = s->total[1] = 0;
	for (size_t i = 0; i < s->ncallees; i++) {
		s->total[0] += s->callees[i].weight[0];
		s->total[1] += s->callees[i].weight[1];
	}
}

/*
 * By hand, per site sum of min(p_base, p_fresh):
 *   serve+5 Get   base 9387/289/58 of 9734, fresh 2241/2242/286 of 4769:
 *                 .469910 + .029690 + .005958 = .505558
 *   serve+10      224/111/32 of 367, 18/986/199 of 1203:
 *                 .014963 + .302452 + .087193 = .404608
 *   serve+12 Add  1412/51 of 1463, 430/496 of 926: .464363 + .034860 = .499223
 *   lookup+1 Get  2012/69/13 of 2094, 558/501/77 of 1136:
 *                 .491197 + .032951 + .006208 = .530357
 *   serve+12 Mul  1098/53 of 1151, 789/300 of 1089: .724518 + .046047 = .770565
 *   runtime.mapaccess2_faststr+67 (one callee, strhash): 8 of 8, 52 of 52: 1
 * B = 14817, F = 9175; w = (b/B + f/F)/2:
 *   .588365 .077943 .099832 .132569 .098187 .003104
 * overlap = sum w*o = .297453 + .031536 + .049838 + .070309 + .075659 + .003104
 *         = .527900, staleness .472100
 */
static void test_fresh_even_by_hand(void **state)
{
	struct pgd_site sites[] = {
		SITE("main.serve", PGD_SITE_INTERFACE, C(9387, 2241), C(289, 2242), C(58, 286)),
		SITE("main.serve", PGD_SITE_FUNC_VALUE, C(224, 18), C(111, 986), C(32, 199)),
		SITE("main.serve", PGD_SITE_INTERFACE, C(1412, 430), C(51, 496)),
		SITE("main.lookup", PGD_SITE_INTERFACE, C(2012, 558), C(69, 501), C(13, 77)),
		SITE("main.serve", PGD_SITE_INTERFACE, C(1098, 789), C(53, 300)),
		SITE("runtime.mapaccess2_faststr", PGD_SITE_FUNC_VALUE, C(8, 52)),
	};
	const double by_hand[] = { .505558, .404608, .499223, .530357, .770565, 1 };
	struct pgd_staleness st = { 0 };
	double overlap, unmapped;
	int64_t n;

	(void)state;
	for (size_t i = 0; i < PGD_ARRAY_SIZE(sites); i++) {
		totals(&sites[i]);
		assert_close(pgd_site_overlap(&sites[i]), by_hand[i], 2e-6);
		pgd_staleness_site(&st, &sites[i], PGD_V_STALE);
		assert_int_equal(pgd_staleness_judged(&st, &sites[i], PGD_V_STALE), 0);
	}
	pgd_staleness_score(&st, &overlap, &unmapped, &n);
	assert_close(overlap, .527900, 5e-6);
	assert_close(unmapped, 0, 0);
	assert_int_equal(n, 6);
	pgd_staleness_release(&st);
}

/* Edge cases: identical, disjoint, one side empty, insufficient, unmapped weight. */
static void test_edges(void **state)
{
	struct pgd_site same = SITE("a", PGD_SITE_INTERFACE, C(30, 60), C(70, 140));
	struct pgd_site disjoint = SITE("b", PGD_SITE_INTERFACE, C(100, 0), C(0, 50));
	struct pgd_site gone = SITE("c", PGD_SITE_MISSING_FUNCTION, C(300, 0));
	struct pgd_site fresh_only = SITE("d", PGD_SITE_INTERFACE, C(0, 10));
	struct pgd_staleness st = { 0 };
	double overlap, unmapped;
	int64_t n;

	(void)state;
	totals(&same);
	totals(&disjoint);
	totals(&gone);
	totals(&fresh_only);
	assert_close(pgd_site_overlap(&same), 1, 1e-12);
	assert_close(pgd_site_overlap(&disjoint), 0, 0);
	assert_close(pgd_site_overlap(&fresh_only), 0, 0);

	/* Nothing judged: a perfect overlap by definition, and the CLI prints no score. */
	pgd_staleness_score(&st, &overlap, &unmapped, &n);
	assert_int_equal(n, 0);

	pgd_staleness_site(&st, &same, PGD_V_OK);
	pgd_staleness_judged(&st, &same, PGD_V_OK);
	pgd_staleness_site(&st, &disjoint, PGD_V_FLIPPED);
	pgd_staleness_judged(&st, &disjoint, PGD_V_FLIPPED);
	pgd_staleness_site(&st, &gone, PGD_V_VANISHED);
	pgd_staleness_judged(&st, &gone, PGD_V_VANISHED);
	pgd_staleness_site(&st, &fresh_only, PGD_V_INSUFFICIENT);
	pgd_staleness_judged(&st, &fresh_only, PGD_V_INSUFFICIENT);   /* left out */
	/*
	 * B = 100 + 100 + 300 = 500, F = 200 + 50 + 0 = 250.
	 * w(same) = (.2 + .8)/2 = .5, w(disjoint) = (.2 + .2)/2 = .2, w(gone) = (.6 + 0)/2 = .3
	 * overlap = .5*1 + .2*0 + .3*0 = .5; unmapped = 300 / (100+100+300+0) = .6
	 */
	pgd_staleness_score(&st, &overlap, &unmapped, &n);
	assert_int_equal(n, 3);
	assert_close(overlap, .5, 1e-12);
	assert_close(unmapped, .6, 1e-12);
	pgd_staleness_release(&st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fresh_even_by_hand),
		cmocka_unit_test(test_edges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
