// SPDX-License-Identifier: MIT
/*
 * drift: the Wilson interval against published values, and the compiler's
 * choice against Go's own record of it (the -d=pgodebug=3 golden files that
 * contrib/gen-testdata.sh captured while building the PGO fixtures).
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wilson_published),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
