// SPDX-License-Identifier: MIT
/*
 * DWARF 4 and DWARF 5 on the fixtures built by Go 1.24 (DWARF 4), 1.25 and
 * 1.26 (DWARF 5) and Go 1.26 with GOEXPERIMENT=nodwarf5 (DWARF 4 of the
 * same code): contrib/gen-testdata-go12x.sh. The oracles are the other
 * DWARF version of the same build, the symbol table, the compiler's own
 * -d=pgodebug=3 records (testdata/golden/pgodebug) and the Go sources.
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
#include "dwarf.h"
#include "edges.h"
#include "elf.h"
#include "err.h"
#include "profile.h"
#include "sites.h"
#include "testutil.h"

/* ---- the DWARF layer alone ------------------------------------------------------ */

struct dw {
	struct arena a;
	uint8_t *data;
	struct pgd_elf elf;
	struct pgd_dwarf *d;
};

static void dw_open(struct dw *w, const char *name)
{
	char path[1024];
	struct pgd_err err = { 0 };
	size_t n;

	memset(w, 0, sizeof(*w));
	pgd_arena_init(&w->a, 0);
	w->data = test_read_file(test_bin_path(name, path, sizeof(path)), &n);
	if (pgd_elf_parse(w->data, n, &w->a, path, &w->elf, &err) ||
	    pgd_dwarf_open(&w->elf, &w->a, path, 1u << 30, &w->d, &err))
		fail_msg("%s: %s", path, err.msg);
}

static void dw_close(struct dw *w)
{
	pgd_dwarf_close(w->d);
	pgd_arena_release(&w->a);
	free(w->data);
}

static void dw_load_all(struct dw *w)
{
	struct pgd_err err = { 0 };

	for (size_t i = 0; i < w->d->ncus; i++) {
		if (pgd_dwarf_load_cu(w->d, i, &err))
			fail_msg("unit %zu: %s", i, err.msg);
	}
}

static size_t count_named(const struct pgd_dwarf *d, const char *name)
{
	size_t n = 0;

	for (long c = pgd_dwarf_cu_by_name(d, name, strlen(name), 0); c >= 0;
	     c = pgd_dwarf_cu_by_name(d, name, strlen(name), (size_t)c + 1))
		n++;
	return n;
}

static int same_ranges(const struct pgd_pc_range *a, size_t na, const struct pgd_pc_range *b, size_t nb)
{
	if (na != nb)
		return 0;
	for (size_t i = 0; i < na; i++) {
		if (a[i].lo != b[i].lo || a[i].hi != b[i].hi)
			return 0;
	}
	return 1;
}

/*
 * Range lists: Go 1.26 writes the PC ranges of units and of inlined
 * copies spread over several stretches to .debug_rnglists (DWARF 5), the
 * nodwarf5 build of the same code to .debug_ranges (DWARF 4). The code is
 * laid out identically, so every unit and every inlined copy must come out
 * with the same ranges, and none unread.
 */
static void test_rnglists_match_ranges(void **state)
{
	struct dw v5, v4;
	size_t multi = 0, inls = 0;

	(void)state;
	dw_open(&v5, "cachesvc.go126.pgo");
	dw_open(&v4, "cachesvc.go126-nodwarf5.pgo");
	dw_load_all(&v5);
	dw_load_all(&v4);
	assert_int_equal(v5.d->ncus, v4.d->ncus);
	for (size_t i = 0; i < v5.d->ncus; i++) {
		const struct pgd_dw_cu *a = &v5.d->cus[i], *b = &v4.d->cus[i];

		assert_int_equal(a->version, 5);
		assert_int_equal(b->version, 4);
		assert_string_equal(a->name, b->name);
		if (!same_ranges(a->ranges, a->nranges, b->ranges, b->nranges))
			fail_msg("unit %s: ranges differ between DWARF 5 and 4", a->name);
		multi += a->nranges > 1;
		assert_int_equal(a->ninls, b->ninls);
		assert_int_equal(a->nsubs, b->nsubs);
		for (size_t j = 0; j < a->ninls; j++) {
			if (!same_ranges(a->inls[j].ranges, a->inls[j].nranges, b->inls[j].ranges,
					 b->inls[j].nranges))
				fail_msg("unit %s: inlined %s: ranges differ", a->name, a->inls[j].origin);
			assert_true(a->inls[j].nranges > 0);
			assert_string_equal(a->inls[j].origin, b->inls[j].origin);
			inls += a->inls[j].nranges > 1;
		}
		for (size_t j = 0; j < a->nsubs; j++)
			assert_true(same_ranges(a->subs[j].ranges, a->subs[j].nranges, b->subs[j].ranges,
						b->subs[j].nranges));
	}
	/* the lists were really exercised: units and copies in several stretches */
	assert_true(multi > 10);
	assert_true(inls > 10);
	assert_int_equal(v5.d->ranges_unread, 0);
	assert_int_equal(v4.d->ranges_unread, 0);
	dw_close(&v5);
	dw_close(&v4);
}

/*
 * Unit lookup by pc: every function symbol of every version lies in the
 * unit whose ranges cover it, and that unit has a subprogram covering the
 * same address. runtime is split over several units, so looking up by
 * name would pick the wrong one for most runtime functions.
 */
static void check_units_by_pc(const char *name)
{
	struct pgd_binary *b = NULL;
	struct pgd_err err = { 0 };
	char path[1024];
	size_t nfuncs = 0, in_later_runtime_unit = 0;
	struct dw w;

	test_bin_path(name, path, sizeof(path));
	if (pgd_binary_open_dwarf(path, NULL, &b, &err))
		fail_msg("%s: %s", path, err.msg);
	dw_open(&w, name);
	assert_true(count_named(w.d, "runtime") > 1);
	for (size_t i = 0; i < b->nsymbols; i++) {
		const struct pgd_symbol *s = &b->symbols[i];
		long cu;

		if (!s->is_func || !s->size)
			continue;
		cu = pgd_dwarf_cu_for_pc(w.d, s->addr);
		if (cu < 0)
			continue; /* assembly of units without DWARF (few) */
		nfuncs++;
		if (!strncmp(s->name, "runtime.", 8) && !strcmp(w.d->cus[cu].name, "runtime") &&
		    pgd_dwarf_cu_by_name(w.d, "runtime", 7, 0) != cu)
			in_later_runtime_unit++;
		/* a function in the binary is never missing */
		if (!pgd_binary_func(b, s->name, &err))
			fail_msg("%s: %s (%#llx) has a symbol but no function (%s)", name, s->name,
				 (unsigned long long)s->addr, err.code ? err.msg : "absent");
	}
	assert_true(nfuncs > 1000);
	assert_true(in_later_runtime_unit > 100);
	dw_close(&w);
	pgd_binary__close(b);
}

static void test_units_by_pc(void **state)
{
	static const char *const names[] = {
		"cachesvc.go124.pgo", "cachesvc.go126.pgo",
		"cachesvc.go126-nodwarf5.pgo", "cachesvc.go126.nopgo",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		check_units_by_pc(names[i]);
}

/*
 * runtime.futexwakeup (issue #11): in the binary, in a runtime unit other
 * than the first; internal/poll.runtime_pollWait likewise.
 */
static void test_futexwakeup_found(void **state)
{
	struct pgd_binary *b = NULL;
	struct pgd_err err = { 0 };
	char path[1024];
	const struct pgd_bfunc *f;
	const char *slash;

	(void)state;
	test_bin_path("cachesvc.go126.pgo", path, sizeof(path));
	if (pgd_binary_open_dwarf(path, NULL, &b, &err))
		fail_msg("%s: %s", path, err.msg);
	assert_true(pgd_binary_has_symbol(b, "runtime.futexwakeup"));
	f = pgd_binary_func(b, "runtime.futexwakeup", &err);
	assert_non_null(f);
	assert_true(f->nranges == 1);
	assert_non_null(f->decl_file);
	slash = strrchr(f->decl_file, '/');
	assert_string_equal(slash ? slash + 1 : f->decl_file, "os_linux.go");
	/* linknamed: named for internal/poll, defined in a runtime unit */
	f = pgd_binary_func(b, "internal/poll.runtime_pollWait", &err);
	assert_non_null(f);
	assert_true(f->nranges == 1);
	slash = strrchr(f->decl_file, '/');
	assert_string_equal(slash ? slash + 1 : f->decl_file, "netpoll.go");
	pgd_binary__close(b);
}

static const char *base_name(const char *path)
{
	const char *s = path ? strrchr(path, '/') : NULL;

	return s ? s + 1 : path;
}

/*
 * Abstract origin across units: flag.Parse exists only inlined (into
 * main.init.0), and the linker kept its one abstract DIE in the unit of
 * package main, not in flag's. Looking in flag's units alone found
 * nothing; it must be found, with its file and line, and main.init.0's
 * line must show it inlined.
 */
static void check_abstract_elsewhere(const char *name, int64_t *decl_line)
{
	struct pgd_binary *b = NULL;
	struct pgd_err err = { 0 };
	struct pgd_line_code lc;
	char path[1024];
	const struct pgd_bfunc *f;
	struct arena a;
	struct dw w;
	int in_flag = 0, found = 0;
	int64_t line = test_source_line("testdata/src/cachesvc/main.go", "flag.Parse()");

	dw_open(&w, name);
	dw_load_all(&w);
	assert_true(pgd_dwarf_cu_by_name(w.d, "flag", 4, 0) >= 0);
	for (size_t i = 0; i < w.d->ncus; i++) {
		for (size_t j = 0; j < w.d->cus[i].nsubs; j++) {
			if (strcmp(w.d->cus[i].subs[j].name, "flag.Parse"))
				continue;
			found = 1;
			assert_true(w.d->cus[i].subs[j].abstract);
			in_flag |= !strcmp(w.d->cus[i].name, "flag");
			assert_string_equal(w.d->cus[i].name, "main");
		}
	}
	assert_true(found);
	assert_false(in_flag);
	dw_close(&w);

	test_bin_path(name, path, sizeof(path));
	if (pgd_binary_open_dwarf(path, NULL, &b, &err))
		fail_msg("%s: %s", path, err.msg);
	assert_false(pgd_binary_has_symbol(b, "flag.Parse"));
	f = pgd_binary_func(b, "flag.Parse", &err);
	assert_non_null(f);
	assert_int_equal(f->nranges, 0);
	assert_string_equal(base_name(f->decl_file), "flag.go");
	assert_true(f->decl_line > 0);
	*decl_line = f->decl_line;
	pgd_arena_init(&a, 0);
	if (pgd_binary_code_at_line(b, "main.init.0", line, &a, &lc, &err))
		fail_msg("%s: %s", path, err.msg);
	assert_non_null(lc.func);
	assert_int_equal(lc.ninlined, 1);
	assert_string_equal(lc.inlined[0], "flag.Parse");
	pgd_arena_release(&a);
	pgd_binary__close(b);
}

static void test_abstract_origin_other_unit(void **state)
{
	int64_t l5 = 0, l4 = 0;

	(void)state;
	check_abstract_elsewhere("cachesvc.go126.pgo", &l5);
	check_abstract_elsewhere("cachesvc.go126-nodwarf5.pgo", &l4);
	assert_int_equal(l5, l4);
}

/* ---- the split-line guard ------------------------------------------------------- */

/*
 * The lines of the devirtualized calls in crypto/sha256.Sum256, from the
 * compiler's own record of the splitguard build (first: h.Write, second:
 * h.Sum), with the concrete callees.
 */
static void sum256_devirtualized(const char *golden, int64_t lines[2], char callees[2][256])
{
	FILE *f = fopen(golden, "r");
	char buf[8192];
	int n = 0;

	assert_non_null(f);
	while (fgets(buf, sizeof(buf), f)) {
		cJSON *j = cJSON_Parse(buf);
		const cJSON *caller = cJSON_GetObjectItem(j, "Caller");
		const cJSON *dv = cJSON_GetObjectItem(j, "Devirtualized");
		const cJSON *pos = cJSON_GetObjectItem(j, "Pos");

		if (cJSON_IsString(caller) && !strcmp(caller->valuestring, "crypto/sha256.Sum256") &&
		    cJSON_IsString(dv) && *dv->valuestring && cJSON_IsString(pos) && n < 2) {
			const char *c2 = strrchr(pos->valuestring, ':'), *c1 = c2 - 1;

			while (c1 > pos->valuestring && *c1 != ':')
				c1--;
			lines[n] = strtoll(c1 + 1, NULL, 10);
			snprintf(callees[n], sizeof(callees[n]), "%s", dv->valuestring);
			n++;
		}
		cJSON_Delete(j);
	}
	fclose(f);
	assert_int_equal(n, 2);
	assert_true(lines[0] < lines[1]);
}

/*
 * In Go 1.26's Sum256 the itab lea and cmp that guard h.Sum carry the line
 * of h.Write (`go tool objdump`: sha256.go:58 LEAQ go:itab.*...Digest,
 * hash.Hash; CMPQ; sha256.go:60 JNE; ... CALL DX): the guard is found at
 * h.Sum's line all the same, tied to its indirect call, and its lea is
 * among what h.Write's line holds.
 */
static void check_split_guard(const char *name)
{
	struct pgd_binary *b = NULL;
	struct pgd_err err = { 0 };
	struct pgd_line_code sum, wr;
	const char *concrete = "*crypto/internal/fips140/sha256.Digest";
	char path[1024], callees[2][256];
	int64_t lines[2];
	const struct pgd_guard *g = NULL;
	const struct pgd_call_insn *call = NULL;
	struct arena a;
	int lea_on_write_line = 0;

	sum256_devirtualized("testdata/golden/pgodebug/splitguard.go126.pgo.jsonl", lines, callees);
	assert_string_equal(callees[1], "crypto/internal/fips140/sha256.(*Digest).Sum");
	test_bin_path(name, path, sizeof(path));
	if (pgd_binary_open_dwarf(path, NULL, &b, &err))
		fail_msg("%s: %s", path, err.msg);
	pgd_arena_init(&a, 0);
	if (pgd_binary_code_at_line(b, "crypto/sha256.Sum256", lines[1], &a, &sum, &err) ||
	    pgd_binary_code_at_line(b, "crypto/sha256.Sum256", lines[0], &a, &wr, &err))
		fail_msg("%s: %s", path, err.msg);
	assert_non_null(sum.func);
	for (size_t i = 0; i < sum.ncalls; i++) {
		if (sum.calls[i].kind == PGD_CALL_INDIRECT) {
			assert_null(call);
			call = &sum.calls[i];
		}
	}
	assert_non_null(call);
	for (size_t i = 0; i < sum.nguards; i++) {
		if (sum.guards[i].call_pc == call->pc)
			g = &sum.guards[i];
	}
	if (!g)
		fail_msg("%s: no guard tied to the indirect call at %#llx (line %lld)", name,
			 (unsigned long long)call->pc, (long long)lines[1]);
	assert_string_equal(g->concrete, concrete);
	assert_string_equal(g->iface, "hash.Hash");
	for (size_t i = 0; i < wr.nguards; i++)
		lea_on_write_line |= wr.guards[i].pc == g->pc;
	assert_true(lea_on_write_line);
	pgd_arena_release(&a);
	pgd_binary__close(b);
}

static void test_split_line_guard(void **state)
{
	(void)state;
	check_split_guard("splitguard.go126.pgo");
}

/*
 * The data flow on arm64 (Go 1.23's cachesvc.arm64.pgo): the Get guard of
 * main.serve (adrp+add of go:itab.*main.RedisCache,main.Cache; cmp; b.ne)
 * is tied to the blr it protects, the one whose target is loaded from the
 * compared itab word (ldr x?, [x?, #24]).
 */
static void test_dataflow_guard_arm64(void **state)
{
	struct pgd_binary *b = NULL;
	struct pgd_err err = { 0 };
	struct pgd_line_code lc;
	char path[1024];
	struct arena a;
	int tied = 0;
	int64_t line = test_source_line("testdata/src/cachesvc/serve.go", "v, ok := c.Get(key)");

	(void)state;
	test_bin_path("cachesvc.arm64.pgo", path, sizeof(path));
	if (pgd_binary_open_dwarf(path, NULL, &b, &err))
		fail_msg("%s: %s", path, err.msg);
	pgd_arena_init(&a, 0);
	if (pgd_binary_code_at_line(b, "main.serve", line, &a, &lc, &err))
		fail_msg("%s: %s", path, err.msg);
	for (size_t i = 0; i < lc.nguards; i++) {
		for (size_t j = 0; j < lc.ncalls; j++) {
			if (lc.guards[i].call_pc && lc.guards[i].call_pc == lc.calls[j].pc &&
			    lc.calls[j].kind == PGD_CALL_INDIRECT && lc.calls[j].itab_offset == 0x18 &&
			    !strcmp(lc.guards[i].concrete, "*main.RedisCache"))
				tied++;
		}
	}
	assert_int_equal(tied, 1);
	pgd_arena_release(&a);
	pgd_binary__close(b);
}

/* ---- the same call, the same answer, whatever the Go version ------------------------ */

static void build_sites(struct built *s, const char *name)
{
	struct pgd_err err = { 0 };
	char path[1024];
	const struct pgd_edges *sets[1];

	memset(s, 0, sizeof(*s));
	if (pgd_profile__open("testdata/profiles/base.pprof", NULL, &s->prof, &err) ||
	    pgd_edges__build(&s->prof, 1, PGD_ATTR_COMPILER, &s->edges, &err))
		fail_msg("base.pprof: %s", err.msg);
	test_bin_path(name, path, sizeof(path));
	if (pgd_binary_open_dwarf(path, NULL, &s->bin, &err))
		fail_msg("%s: %s", path, err.msg);
	sets[0] = s->edges;
	if (pgd_sites_build(s->bin, sets, 1, 0, &s->sites, &err))
		fail_msg("%s: sites: %s", name, err.msg);
}

/*
 * Site by site against Go 1.26's: the fixture's own code (package main) is
 * the same source for every toolchain, so its sites must be classified the
 * same (kind, file, line, calls, guard); the standard library's differ only
 * where its source differs. With all_sites, every site must be equal (the
 * same code in another DWARF version). A caller reported missing has no
 * symbol and no DIE.
 */
static void compare_sites(const struct built *ref, const char *name, int all_sites, int pgo)
{
	struct built o;
	size_t main_sites = 0;

	build_sites(&o, name);
	assert_int_equal(o.sites.nsites, ref->sites.nsites);
	for (size_t i = 0; i < o.sites.nsites; i++) {
		const struct pgd_site *x = &ref->sites.sites[i], *y = &o.sites.sites[i];

		assert_string_equal(x->caller, y->caller);
		assert_int_equal(x->offset, y->offset);
		if (y->kind == PGD_SITE_MISSING_FUNCTION) {
			struct pgd_err err = { 0 };

			assert_false(pgd_binary_has_symbol(o.bin, y->caller));
			assert_null(pgd_binary_func(o.bin, y->caller, &err));
		}
		if (!all_sites && strncmp(y->caller, "main.", 5))
			continue;
		main_sites += !strncmp(y->caller, "main.", 5);
		if (x->kind != y->kind || x->line != y->line || !test_str_eq(base_name(x->file), base_name(y->file)) ||
		    x->ndirect != y->ndirect || x->nindirect != y->nindirect ||
		    !test_str_eq(x->binary_guard, pgo ? y->binary_guard : x->binary_guard) ||
		    (!pgo && y->binary_guard))
			fail_msg("%s: %s+%lld: %s %s:%lld %zu/%zu guard %s; go1.26: %s %s:%lld %zu/%zu guard %s",
				 name, y->caller, (long long)y->offset, pgd_site_kind_name(y->kind),
				 base_name(y->file), (long long)y->line, y->ndirect, y->nindirect,
				 y->binary_guard ? y->binary_guard : "-", pgd_site_kind_name(x->kind),
				 base_name(x->file), (long long)x->line, x->ndirect, x->nindirect,
				 x->binary_guard ? x->binary_guard : "-");
	}
	assert_true(all_sites || main_sites >= 10);
	free_sites(&o);
}

static void test_sites_across_versions(void **state)
{
	struct built ref;
	size_t guards = 0;

	(void)state;
	build_sites(&ref, "cachesvc.go126.pgo");
	for (size_t i = 0; i < ref.sites.nsites; i++)
		guards += ref.sites.sites[i].binary_guard != NULL;
	assert_int_equal(guards, 4); /* Get, Multiply, Add, the func value: cachesvc.pgo's too */
	compare_sites(&ref, "cachesvc.go126-nodwarf5.pgo", 1, 1);
	compare_sites(&ref, "cachesvc.go124.pgo", 0, 1);
	compare_sites(&ref, "cachesvc.go126.nopgo", 0, 0);
	compare_sites(&ref, "cachesvc.go126-nodwarf5.nopgo", 0, 0);
	compare_sites(&ref, "cachesvc.go124.nopgo", 0, 0);
	free_sites(&ref);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rnglists_match_ranges),
		cmocka_unit_test(test_units_by_pc),
		cmocka_unit_test(test_futexwakeup_found),
		cmocka_unit_test(test_abstract_origin_other_unit),
		cmocka_unit_test(test_split_line_guard),
		cmocka_unit_test(test_dataflow_guard_arm64),
		cmocka_unit_test(test_sites_across_versions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
