// SPDX-License-Identifier: MIT
/*
 * check's rules (issue #10; the verdict table is in test_drift.c):
 *  - the mirrored compiler choice (findHotConcreteCallee and its filters)
 *    against Go 1.23.5's own -d=pgodebug=3 record of builds from three
 *    profiles (testdata/golden/pgodebug/cachesvc.{pgo,refresh-even,
 *    refresh-flipped}.jsonl): runtime.asyncPreempt, which has no IR, wins
 *    serve.go:23 under fresh-flipped and suppresses both rewrites there;
 *  - the binary facts the choice needs: IR presence, itab slots, closures
 *    renamed by inlining, the GNU build ID.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "binary.h"
#include "check_facts.h"
#include "drift.h"
#include "edges.h"
#include "profile.h"
#include "sites.h"
#include "strbuf.h"

/* ---- the mirrored choice against the compiler's record ------------------------- */

struct fixture {
	struct pgd_profile *p[2];
	struct pgd_edges *edges[2];
	struct pgd_binary *bin;
	struct pgd_siteset sites;
};

static const char *build_dir(void)
{
	const char *b = getenv("PGD_BUILD");

	return b && *b ? b : "build";
}

static void load(struct fixture *f, const char *binary, const char *fresh)
{
	const char *paths[2] = { "testdata/profiles/base.pprof", fresh };
	const struct pgd_edges *sets[2];
	struct pgd_err err = { 0 };
	char path[512];

	memset(f, 0, sizeof(*f));
	snprintf(path, sizeof(path), "%s/testdata/bin/%s", build_dir(), binary);
	for (int i = 0; i < 2; i++) {
		if (pgd_profile__open(paths[i], NULL, &f->p[i], &err))
			fail_msg("%s: %s", paths[i], err.msg);
		if (pgd_edges__build(&f->p[i], 1, PGD_ATTR_COMPILER, &f->edges[i], &err))
			fail_msg("edges: %s", err.msg);
		sets[i] = f->edges[i];
	}
	if (pgd_binary__open(path, NULL, &f->bin, &err))
		fail_msg("%s: %s", path, err.msg);
	if (pgd_sites_build(f->bin, sets, 2, 0, &f->sites, &err))
		fail_msg("sites: %s", err.msg);
}

static void unload(struct fixture *f)
{
	pgd_siteset_release(&f->sites);
	pgd_binary__close(f->bin);
	for (int i = 0; i < 2; i++) {
		pgd_edges__free(f->edges[i]);
		pgd_profile__close(f->p[i]);
	}
}

static int64_t pos_line(const char *pos)
{
	const char *c2 = strrchr(pos, ':'), *c1;

	if (!c2)
		return -1;
	for (c1 = c2 - 1; c1 > pos && *c1 != ':'; c1--)
		;
	return strtoll(c1 + 1, NULL, 10);
}

/*
 * Every weighted interface or func-value record of the golden: the choice
 * from set `set` is the callee the compiler devirtualized to, or nothing
 * when it devirtualized nothing. Returns the records compared.
 */
static size_t compare_choices(struct fixture *f, int set, const char *golden, size_t *none)
{
	struct pgd_facts_ctx fc = { .b = f->bin };
	struct strbuf sb = STRBUF_INIT;
	struct pgd_err err = { 0 };
	size_t compared = 0;

	pgd_arena_init(&fc.scratch, 0);
	*none = 0;
	if (pgd_strbuf_read_file(&sb, golden))
		fail_msg("cannot read %s", golden);
	for (char *line = sb.buf, *next; line && *line; line = next) {
		cJSON *rec;
		const char *caller, *pos, *devirt;
		int64_t l;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		rec = cJSON_Parse(line);
		assert_non_null(rec);
		caller = cJSON_GetStringValue(cJSON_GetObjectItem(rec, "Caller"));
		pos = cJSON_GetStringValue(cJSON_GetObjectItem(rec, "Pos"));
		devirt = cJSON_GetStringValue(cJSON_GetObjectItem(rec, "Devirtualized"));
		l = pos_line(pos);
		if (cJSON_IsTrue(cJSON_GetObjectItem(rec, "Direct")) ||
		    cJSON_GetNumberValue(cJSON_GetObjectItem(rec, "Weight")) <= 0) {
			cJSON_Delete(rec);
			continue;
		}
		{
			size_t at_line = 0, chose_none = 0;

			for (size_t i = 0; i < f->sites.nsites; i++) {
				const struct pgd_site *s = &f->sites.sites[i];
				struct pgd_callee_facts *facts;
				struct pgd_choice c;
				int mine = 0;

				if (strcmp(s->caller, caller) || s->line != l ||
				    (s->kind != PGD_SITE_INTERFACE && s->kind != PGD_SITE_FUNC_VALUE))
					continue;
				for (size_t k = 0; k < s->ncallees; k++)
					mine |= !strcmp(s->callees[k].name, devirt);
				if (*devirt && !mine)
					continue;
				if (pgd_check_site_facts(&fc, s, &facts, &err))
					fail_msg("facts: %s", err.msg);
				pgd_drift_choose(s, set, facts, &c);
				at_line++;
				chose_none += c.callee < 0;
				if (!*devirt)
					continue;
				if (c.callee < 0)
					fail_msg("%s:%lld: compiler guards %s, mirrored nothing (%s)", caller,
						 (long long)l, devirt, pgd_no_guard_name(c.why));
				assert_string_equal(s->callees[c.callee].name, devirt);
				compared++;
			}
			/*
			 * A record without a rewrite names no method: with two calls on
			 * the line, one of the line's sites must guard nothing.
			 */
			if (!*devirt && at_line) {
				if (!chose_none)
					fail_msg("%s:%lld: compiler guards nothing at one call, mirrored a guard at "
						 "every site of the line", caller, (long long)l);
				(*none)++;
				compared++;
			}
		}
		cJSON_Delete(rec);
	}
	pgd_strbuf_release(&sb);
	pgd_arena_release(&fc.scratch);
	return compared;
}

static void test_choice_base(void **state)
{
	struct fixture f;
	size_t none;

	(void)state;
	load(&f, "cachesvc.pgo", "testdata/profiles/fresh-even.pprof");
	assert_true(compare_choices(&f, 0, "testdata/golden/pgodebug/cachesvc.pgo.jsonl", &none) >= 5);
	unload(&f);
}

/* Under fresh-even, serve.go:23's Add call is rewritten to nothing: asyncPreempt wins. */
static void test_choice_refresh_even(void **state)
{
	struct fixture f;
	size_t none;

	(void)state;
	load(&f, "cachesvc.pgo", "testdata/profiles/fresh-even.pprof");
	assert_true(compare_choices(&f, 1, "testdata/golden/pgodebug/cachesvc.refresh-even.jsonl", &none) >= 5);
	assert_true(none >= 1);
	unload(&f);
}

static void test_choice_refresh_flipped(void **state)
{
	struct fixture f;
	size_t none;

	(void)state;
	load(&f, "cachesvc.pgo", "testdata/profiles/fresh-flipped.pprof");
	assert_true(compare_choices(&f, 1, "testdata/golden/pgodebug/cachesvc.refresh-flipped.jsonl", &none) >= 5);
	assert_true(none >= 2);   /* Multiply and Add at serve.go:23 */
	unload(&f);
}

/* ---- the choice's own rules, on one real site -------------------------------------- */

/* serve.go:23 Add under fresh-flipped: Sub.Add 648, Add.Add 118, asyncPreempt 1313 on the key. */
static void test_choice_rules(void **state)
{
	struct fixture f;
	const struct pgd_site *s = NULL;
	struct pgd_callee_facts facts[64];
	struct pgd_choice c;
	long preempt = -1, sub = -1;

	(void)state;
	load(&f, "cachesvc.pgo", "testdata/profiles/fresh-flipped.pprof");
	for (size_t i = 0; i < f.sites.nsites && !s; i++)
		if (!strcmp(f.sites.sites[i].caller, "main.serve") && f.sites.sites[i].line == 23 &&
		    f.sites.sites[i].method && !strcmp(f.sites.sites[i].method, "Add"))
			s = &f.sites.sites[i];
	assert_non_null(s);
	assert_true(s->nkey <= 64);
	for (size_t k = 0; k < s->nkey; k++) {
		int own = 0;

		for (size_t i = 0; i < s->ncallees; i++)
			own |= s->callees[i].name == s->key[k].name;
		facts[k].has_ir = strcmp(s->key[k].name, "runtime.asyncPreempt") != 0;
		facts[k].eligible = (unsigned char)own;
		facts[k].devirt = 1;
		if (!strcmp(s->key[k].name, "runtime.asyncPreempt"))
			preempt = (long)k;
		if (!strcmp(s->key[k].name, "main.Sub.Add"))
			sub = (long)k;
	}
	assert_true(preempt >= 0 && sub >= 0);
	/* The hottest edge has no IR: it wins and nothing is guarded. */
	pgd_drift_choose(s, 1, facts, &c);
	assert_int_equal(c.callee, -1);
	assert_int_equal(c.why, PGD_NG_NO_IR);
	assert_string_equal(s->key[c.key].name, "runtime.asyncPreempt");
	/* With IR it is filtered out (not a method of the call), and Sub.Add wins. */
	facts[preempt].has_ir = 1;
	facts[preempt].eligible = 0;
	pgd_drift_choose(s, 1, facts, &c);
	assert_true(c.callee >= 0);
	assert_string_equal(s->callees[c.callee].name, "main.Sub.Add");
	/* A winner that cannot be a target suppresses the rewrite, no second choice. */
	facts[sub].devirt = 0;
	pgd_drift_choose(s, 1, facts, &c);
	assert_int_equal(c.callee, -1);
	assert_int_equal(c.why, PGD_NG_NOT_DEVIRT);
	/* An ineligible callee is skipped: the next one wins. */
	facts[sub].devirt = 1;
	facts[sub].eligible = 0;
	pgd_drift_choose(s, 1, facts, &c);
	assert_true(c.callee >= 0);
	assert_string_equal(s->callees[c.callee].name, "main.Add.Add");
	/* Set 0 (base): asyncPreempt has weight there too; the defaults give it no IR. */
	pgd_drift_choose(s, 0, NULL, &c);
	assert_true(c.key >= 0);
	unload(&f);
}

/* ---- binary facts ------------------------------------------------------------------ */

static void test_binary_facts(void **state)
{
	char path[512];
	struct pgd_binary *b;
	struct pgd_err err = { 0 };
	struct pgd_pkg_graph g;
	struct arena a;

	(void)state;
	pgd_arena_init(&a, 0);
	snprintf(path, sizeof(path), "%s/testdata/bin/cachesvc.pgo", build_dir());
	if (pgd_binary__open(path, NULL, &b, &err))
		fail_msg("%s: %s", path, err.msg);
	assert_int_equal(pgd_binary_pkg_graph(b, &a, &g, &err), 0);
	/* main inlines fmt's and runtime's functions; nothing inlines main. */
	assert_true(pgd_pkg_graph_depends(&g, "main", "runtime"));
	assert_false(pgd_pkg_graph_depends(&g, "runtime", "main"));
	/* IR: local always; asyncPreempt and unexported runtime helpers never; closures of others never. */
	assert_true(pgd_binary_callee_has_ir(b, &g, "main.serve", "main.(*RedisCache).Get"));
	assert_false(pgd_binary_callee_has_ir(b, &g, "main.serve", "runtime.asyncPreempt"));
	assert_false(pgd_binary_callee_has_ir(b, &g, "main.serve", "runtime.growslice"));
	assert_false(pgd_binary_callee_has_ir(b, &g, "fmt.Fprintf", "main.main.func1"));
	assert_false(pgd_binary_callee_has_ir(b, &g, "fmt.Fprintf", "main.(*RedisCache).Get"));
	assert_false(pgd_binary_callee_has_ir(b, &g, "main.serve", "memeqbody"));
	/* Itab slots: Get fills main.Cache's; a value method through its pointer wrapper. */
	assert_int_equal(pgd_binary_itab_method(b, "*main.RedisCache", "main.Cache", "main.(*RedisCache).Get"), 1);
	assert_int_equal(pgd_binary_itab_method(b, "main.Sub", "main.Adder", "main.Sub.Add"), 1);
	assert_int_equal(pgd_binary_itab_method(b, "*main.RedisCache", "main.Cache", "main.(*RedisCache).Put"), 0);
	assert_int_equal(pgd_binary_itab_method(b, "*main.NoSuchType", NULL, "main.(*NoSuchType).Get"), -1);
	/* Closures renamed by inlining map back to the binary's copy. */
	assert_true(pgd_goname_is_closure("main.main.func1"));
	assert_true(pgd_goname_is_closure("cmd/link/internal/loader.(*loadState).addSym.func4"));
	assert_false(pgd_goname_is_closure("main.(*RedisCache).Get"));
	assert_false(pgd_goname_is_closure("main.func1"));
	assert_string_equal(pgd_binary_closure_alias(b, "main.run.main.func1"), "main.main.func1");
	assert_null(pgd_binary_closure_alias(b, "main.main.func9"));
	/* Go 1.23 linkers write no GNU build ID. */
	assert_null(pgd_binary_gnu_build_id(b));
	pgd_binary__close(b);
	pgd_arena_release(&a);
}

/*
 * pprof spells a generic shape without the methods' "()" that DWARF and the
 * symbol table have (seen on Go 1.23 gofmt: a false vanished before).
 */
static void test_generic_alias(void **state)
{
	char bin[512];
	struct pgd_binary *b;
	struct pgd_err err = { 0 };
	const char *alias;

	(void)state;
	snprintf(bin, sizeof(bin), "%s/testdata/bin/field-gofmt-go1.26.11.pgoA", build_dir());
	if (pgd_binary__open(bin, NULL, &b, &err))
		fail_msg("%s: %s", bin, err.msg);
	alias = pgd_binary_generic_alias(b, "go/ast.walkList[go.shape.interface { End go/token.Pos; "
					 "Pos go/token.Pos; go/ast.exprNode }]");
	assert_non_null(alias);
	assert_string_equal(alias, "go/ast.walkList[go.shape.interface { End() go/token.Pos; "
			    "Pos() go/token.Pos; go/ast.exprNode() }]");
	assert_null(pgd_binary_generic_alias(b, "go/ast.walkList[go.shape.interface { Nope }]"));
	assert_null(pgd_binary_generic_alias(b, "go/ast.Walk"));
	pgd_binary__close(b);
}

/* ---- classification against the compiler's record, on Go 1.26's gofmt ------------- */

struct oracle_rec {
	char *caller;
	int64_t line;
	int direct, iface;
};

/*
 * Every site the oracle (testdata/field: the compiler's CallStat records of
 * the PGO build, from the corpus harness) has a record for is classified as
 * the compiler saw the call: interface where it logged an interface call,
 * func-value where it logged an indirect non-interface call, direct where
 * it logged a direct call. Covers p.lineFor(x.Pos())-style lines, deferred
 * calls (tryIdentOrType's defer decNestLev), and DWARF 5.
 */
static void test_field_classification(void **state)
{
	const char *dir = "testdata/field/go1.26.11/gofmt";
	char path[512], bin[512];
	struct strbuf sb = STRBUF_INIT;
	struct oracle_rec *recs = NULL;
	size_t nrecs = 0, checked = 0;
	struct pgd_profile *p;
	struct pgd_edges *e;
	struct pgd_binary *b;
	struct pgd_siteset ss;
	struct pgd_err err = { 0 };
	const struct pgd_edges *sets[1];

	(void)state;
	snprintf(bin, sizeof(bin), "%s/testdata/bin/field-gofmt-go1.26.11.pgoA", build_dir());
	snprintf(path, sizeof(path), "%s/pgoA.oracle.jsonl", dir);
	if (pgd_strbuf_read_file(&sb, path))
		fail_msg("cannot read %s", path);
	for (char *line = sb.buf, *next; line && *line; line = next) {
		cJSON *rec;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		rec = cJSON_Parse(line);
		assert_non_null(rec);
		recs = realloc(recs, (nrecs + 1) * sizeof(*recs));
		assert_non_null(recs);
		recs[nrecs].caller = strdup(cJSON_GetStringValue(cJSON_GetObjectItem(rec, "Caller")));
		recs[nrecs].line = pos_line(cJSON_GetStringValue(cJSON_GetObjectItem(rec, "Pos")));
		recs[nrecs].direct = cJSON_IsTrue(cJSON_GetObjectItem(rec, "Direct"));
		recs[nrecs].iface = cJSON_IsTrue(cJSON_GetObjectItem(rec, "Interface"));
		nrecs++;
		cJSON_Delete(rec);
	}
	snprintf(path, sizeof(path), "%s/A.pprof", dir);
	if (pgd_profile__open(path, NULL, &p, &err) || pgd_edges__build(&p, 1, PGD_ATTR_COMPILER, &e, &err))
		fail_msg("%s: %s", path, err.msg);
	if (pgd_binary__open(bin, NULL, &b, &err))
		fail_msg("%s: %s", bin, err.msg);
	sets[0] = e;
	if (pgd_sites_build(b, sets, 1, 0, &ss, &err))
		fail_msg("sites: %s", err.msg);
	for (size_t i = 0; i < ss.nsites; i++) {
		const struct pgd_site *s = &ss.sites[i];
		int any = 0, d = 0, in = 0, fv = 0;

		if (s->kind != PGD_SITE_INTERFACE && s->kind != PGD_SITE_FUNC_VALUE &&
		    !(s->kind == PGD_SITE_DIRECT && s->method))
			continue;
		for (size_t k = 0; k < nrecs; k++) {
			if (recs[k].line != s->line || strcmp(recs[k].caller, s->caller))
				continue;
			any = 1;
			d |= recs[k].direct;
			in |= recs[k].iface;
			fv |= !recs[k].direct && !recs[k].iface;
		}
		if (!any)
			continue;   /* the oracle keeps only weighted or rewritten records */
		if ((s->kind == PGD_SITE_INTERFACE && !in) || (s->kind == PGD_SITE_FUNC_VALUE && !fv) ||
		    (s->kind == PGD_SITE_DIRECT && !d))
			fail_msg("%s:%lld %s: %s, compiler: direct %d interface %d func-value %d", s->caller,
				 (long long)s->line, s->method ? s->method : "", pgd_site_kind_name(s->kind), d,
				 in, fv);
		checked++;
	}
	assert_true(checked >= 20);
	pgd_siteset_release(&ss);
	pgd_binary__close(b);
	pgd_edges__free(e);
	pgd_profile__close(p);
	for (size_t k = 0; k < nrecs; k++)
		free(recs[k].caller);
	free(recs);
	pgd_strbuf_release(&sb);
}

/* ---- calls through a frame slot, and a folded guard, on Go 1.26's gofmt ---------- */

static size_t calls_with(const struct pgd_line_code *lc, int itab)
{
	size_t n = 0;

	for (size_t i = 0; i < lc->ncalls; i++)
		n += lc->calls[i].kind == PGD_CALL_INDIRECT && (lc->calls[i].itab_offset >= 0) == itab;
	return n;
}

/*
 * A closure the compiler keeps on the stack is called through its frame
 * slot: parseLinkedText's flush(start) at parse.go:808 is
 * `mov 0xe8(%rsp),%rcx; lea 0xe8(%rsp),%rdx; call *%rcx`. 0xe8 is no itab
 * slot (before: taken for slot 26, which made compile's stack method value
 * valfunc = s.pctoinline at pcln.go:55 an interface site).
 *
 * parseForStmt's `Range: as.Rhs[0].Pos()` (parser.go:2427) is an itab call
 * (`mov 0x20(%rax),%rdx; call *%rdx`, slot 1 of go:itab.*ast.UnaryExpr,
 * ast.Expr, %rax the itab word line 2420's type assertion just compared)
 * in this build, which did not rewrite it, and an interface site with B's
 * edge. The B build rewrote it (CallStat Devirtualized (*UnaryExpr).Pos),
 * but SSA folded the guard into line 2420's assertion (which panics on any
 * other type), so its binary has neither guard nor call at that line, only
 * the inlined (*UnaryExpr).Pos load (ast.go:514): a direct site there.
 */
static void test_frame_slot_and_folded_guard(void **state)
{
	const char *dir = "testdata/field/go1.26.11/gofmt";
	char path[512], bin[512];
	struct arena a;
	struct pgd_line_code lc;
	struct pgd_profile *p;
	struct pgd_edges *e;
	struct pgd_binary *b;
	struct pgd_siteset ss;
	struct pgd_err err = { 0 };
	const struct pgd_edges *sets[1];
	int found = 0;

	(void)state;
	snprintf(bin, sizeof(bin), "%s/testdata/bin/field-gofmt-go1.26.11.pgoA", build_dir());
	if (pgd_binary__open(bin, NULL, &b, &err))
		fail_msg("%s: %s", bin, err.msg);
	pgd_arena_init(&a, 0);
	if (pgd_binary_code_at_line(b, "go/doc/comment.(*parseDoc).parseLinkedText", 808, &a, &lc, &err))
		fail_msg("parseLinkedText: %s", err.msg);
	assert_true(calls_with(&lc, 0) >= 1);
	assert_int_equal(calls_with(&lc, 1), 0);
	if (pgd_binary_code_at_line(b, "go/parser.(*parser).parseForStmt", 2427, &a, &lc, &err))
		fail_msg("parseForStmt: %s", err.msg);
	assert_int_equal(calls_with(&lc, 1), 1);
	assert_int_equal(lc.calls[0].itab_offset, 0x20);
	assert_int_equal(lc.nguards, 0);
	snprintf(path, sizeof(path), "%s/B.pprof", dir);
	if (pgd_profile__open(path, NULL, &p, &err) || pgd_edges__build(&p, 1, PGD_ATTR_COMPILER, &e, &err))
		fail_msg("%s: %s", path, err.msg);
	sets[0] = e;
	if (pgd_sites_build(b, sets, 1, 0, &ss, &err))
		fail_msg("sites: %s", err.msg);
	for (size_t i = 0; i < ss.nsites; i++) {
		const struct pgd_site *s = &ss.sites[i];

		if (s->line != 2427 || strcmp(s->caller, "go/parser.(*parser).parseForStmt"))
			continue;
		assert_int_equal(s->kind, PGD_SITE_INTERFACE);
		found = 1;
	}
	assert_true(found);
	pgd_siteset_release(&ss);
	pgd_edges__free(e);
	pgd_profile__close(p);
	pgd_arena_release(&a);
	pgd_binary__close(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_choice_base),
		cmocka_unit_test(test_choice_refresh_even),
		cmocka_unit_test(test_choice_refresh_flipped),
		cmocka_unit_test(test_choice_rules),
		cmocka_unit_test(test_binary_facts),
		cmocka_unit_test(test_field_classification),
		cmocka_unit_test(test_generic_alias),
		cmocka_unit_test(test_frame_slot_and_folded_guard),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
