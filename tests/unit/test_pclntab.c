// SPDX-License-Identifier: MIT
/*
 * Go's runtime tables (.gopclntab, moduledata, itablinks) read by
 * gopclntab.c, gotypes.c and gomodel.c, against the oracles the unstripped
 * fixtures carry: the ELF symbol table (every function and go:itab.*
 * symbol, named and placed by the linker) and DWARF (the same sites, kinds,
 * lines and guards through both paths), plus Go's own stripped builds
 * (contrib/gen-testdata-stripped.sh) compared with their unstripped twins.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "binary.h"
#include "debugfile.h"
#include "edges.h"
#include "elf.h"
#include "err.h"
#include "gopclntab.h"
#include "gotypes.h"
#include "profile.h"
#include "sites.h"
#include "testutil.h"

/* Unstripped fixtures: Go 1.21, 1.23 (amd64, arm64, trimpath), 1.24, 1.26 (DWARF 4 and 5). */
static const char *const fixtures[] = {
	"cachesvc.pgo",        "cachesvc.nopgo",          "cachesvc.arm64.pgo",
	"cachesvc.go121.pgo",  "cachesvc.trimpath.pgo",   "cachesvc.go124.pgo",
	"cachesvc.go126.pgo",  "cachesvc.go126-nodwarf5.pgo", "cachesvc.go126.nopgo",
	"splitguard.go126.pgo", "bloatsvc.pgo",           "stdwide.nopgo",
	"field-gofmt-go1.26.11.pgoA",  /* Go 1.26's gofmt, its field profile A (testdata/field) */
};

struct img {
	struct arena a;
	uint8_t *data;
	struct pgd_elf elf;
	struct pgd_pcln p;
	struct pgd_gomod m;
};

static void img_open(struct img *w, const char *name)
{
	char path[1024];
	struct pgd_err err = { 0 };
	size_t n;

	memset(w, 0, sizeof(*w));
	pgd_arena_init(&w->a, 0);
	w->data = test_read_file(test_bin_path(name, path, sizeof(path)), &n);
	if (pgd_elf_parse(w->data, n, &w->a, path, &w->elf, &err) ||
	    pgd_pcln_open(&w->elf, path, &w->p, &err))
		fail_msg("%s: %s", path, err.msg);
	if (pgd_gomod_find(&w->elf, &w->p, &w->m))
		fail_msg("%s: moduledata not found", name);
	w->p.gofunc = w->m.gofunc;
	if (!w->p.text_start)
		w->p.text_start = w->m.text;
}

static void img_close(struct img *w)
{
	pgd_arena_release(&w->a);
	free(w->data);
}

static struct pgd_binary *open_bin(const char *name, int mode)
{
	char path[1024];
	struct pgd_err err = { 0 };
	struct pgd_binary *b = NULL;
	int rc;

	test_bin_path(name, path, sizeof(path));
	switch (mode) {
	case 0: rc = pgd_binary_open_dwarf(path, NULL, &b, &err); break;
	case 1: case 2: rc = pgd_binary_open_runtime(path, NULL, mode == 2, &b, &err); break;
	default: rc = pgd_binary__open(path, NULL, &b, &err); break;
	}
	if (rc)
		fail_msg("%s: %s", path, err.msg);
	return b;
}

/* Equal, or equal but for the middle dot pclntab keeps where .symtab has '.' (type:.eq.T·4). */
static int same_name(const char *sym, const char *fn)
{
	while (*sym && *fn) {
		if (*sym == *fn) {
			sym++;
			fn++;
		} else if (*sym == '.' && !strncmp(fn, "\xc2\xb7", 2)) {
			sym++;
			fn += 2;
		} else {
			return 0;
		}
	}
	return *sym == *fn;
}

/*
 * Every .gopclntab function is a function symbol of the same name and
 * entry (the symbol table drops the .abi0 suffix binary.c strips too), and
 * moduledata's text is .text's address.
 */
static void test_functions_match_symtab(void **state)
{
	(void)state;
	for (size_t k = 0; k < PGD_ARRAY_SIZE(fixtures); k++) {
		struct img w;
		struct pgd_binary *b = open_bin(fixtures[k], 0);
		size_t checked = 0;

		img_open(&w, fixtures[k]);
		assert_int_equal(w.m.text, pgd_elf_section(&w.elf, ".text")->addr);
		assert_true(w.p.nfunc > 1000);
		for (uint32_t i = 0; i < w.p.nfunc; i++) {
			struct pgd_pcln_func f;
			const struct pgd_symbol *s;

			assert_int_equal(pgd_pcln_func(&w.p, i, &f), 0);
			s = pgd_binary_symbol_at(b, f.entry);
			if (!s || s->addr != f.entry || !same_name(s->name, f.name))
				fail_msg("%s: %s at %#llx: symbol %s", fixtures[k], f.name, (unsigned long long)f.entry,
					 s ? s->name : "(none)");
			assert_true(pgd_pcln_find(&w.p, f.entry) == (long)i);
			checked++;
		}
		assert_int_equal(checked, w.p.nfunc);
		pgd_binary__close(b);
		img_close(&w);
	}
}

/*
 * moduledata's itablinks name the same itabs, at the same addresses, as
 * the linker's go:itab.* symbols: the path of the concrete type from its
 * first method, the interface's from InterfaceType.PkgPath.
 */
static void test_itabs_match_symtab(void **state)
{
	(void)state;
	for (size_t k = 0; k < PGD_ARRAY_SIZE(fixtures); k++) {
		struct img w;
		struct pgd_binary *b = open_bin(fixtures[k], 0);
		struct pgd_goitab *it;
		size_t n, skipped, syms = 0;

		img_open(&w, fixtures[k]);
		assert_int_equal(pgd_gomod_itabs(&w.elf, &w.p, &w.m, &w.a, &it, &n, &skipped), 0);
		assert_int_equal(skipped, 0);
		assert_true(n > 10);
		for (size_t i = 0; i < n; i++) {
			const struct pgd_symbol *s = pgd_binary_symbol_at(b, it[i].addr);
			char name[2048];

			snprintf(name, sizeof(name), "go:itab.%s,%s", it[i].concrete, it[i].iface);
			if (!s || s->addr != it[i].addr || strcmp(s->name, name))
				fail_msg("%s: itab at %#llx: %s, symbol %s", fixtures[k], (unsigned long long)it[i].addr,
					 name, s ? s->name : "(none)");
		}
		for (size_t i = 0; i < b->nsymbols; i++)
			syms += !b->symbols[i].is_func && !strncmp(b->symbols[i].name, "go:itab.", 8);
		assert_int_equal(syms, n);
		pgd_binary__close(b);
		img_close(&w);
	}
}

/* ---- both paths, the same answers -------------------------------------------------- */

static const char *profile_for(const char *name)
{
	if (!strncmp(name, "bloatsvc", 8))
		return "testdata/profiles/bloat.pprof";
	if (!strncmp(name, "stdwide", 7))
		return "testdata/profiles/std-wide.pprof";
	if (!strncmp(name, "field-gofmt", 11))
		return "testdata/field/go1.26.11/gofmt/A.pprof";
	return "testdata/profiles/base.pprof";
}

/*
 * mode 0: DWARF and .symtab; 1: runtime tables and .symtab (-w); 2: runtime
 * tables only (-s); 3: as pgd_binary__open chooses
 */
static void build_sites(struct built *s, const char *name, int mode)
{
	struct pgd_err err = { 0 };
	const struct pgd_edges *sets[1];
	const char *prof = profile_for(name);

	memset(s, 0, sizeof(*s));
	if (pgd_profile__open(prof, NULL, &s->prof, &err) ||
	    pgd_edges__build(&s->prof, 1, PGD_ATTR_COMPILER, &s->edges, &err))
		fail_msg("%s: %s", prof, err.msg);
	s->bin = open_bin(name, mode);
	sets[0] = s->edges;
	if (pgd_sites_build(s->bin, sets, 1, 0, &s->sites, &err))
		fail_msg("%s: sites: %s", name, err.msg);
}

static void compare_paths(const char *name, int mode, size_t *nsites, size_t *nguards)
{
	struct built ref, o;

	build_sites(&ref, name, 0);
	build_sites(&o, name, mode);
	assert_int_equal(o.sites.nsites, ref.sites.nsites);
	for (size_t i = 0; i < o.sites.nsites; i++) {
		const struct pgd_site *x = &ref.sites.sites[i], *y = &o.sites.sites[i];

		assert_string_equal(x->caller, y->caller);
		assert_int_equal(x->offset, y->offset);
		if (x->kind != y->kind || x->line != y->line || !test_str_eq(x->file, y->file) ||
		    x->ndirect != y->ndirect || x->nindirect != y->nindirect ||
		    !test_str_eq(x->binary_guard, y->binary_guard) || !test_str_eq(x->iface, y->iface))
			fail_msg("%s mode %d: %s+%lld: %s %s:%lld %zu/%zu guard %s iface %s; DWARF: %s %s:%lld "
				 "%zu/%zu guard %s iface %s",
				 name, mode, y->caller, (long long)y->offset, pgd_site_kind_name(y->kind),
				 y->file ? y->file : "-", (long long)y->line, y->ndirect, y->nindirect,
				 y->binary_guard ? y->binary_guard : "-", y->iface ? y->iface : "-",
				 pgd_site_kind_name(x->kind), x->file ? x->file : "-", (long long)x->line, x->ndirect,
				 x->nindirect, x->binary_guard ? x->binary_guard : "-", x->iface ? x->iface : "-");
		*nguards += x->binary_guard != NULL;
	}
	*nsites += ref.sites.nsites;
	free_sites(&o);
	free_sites(&ref);
}

/* Every fixture: the runtime tables give the sites DWARF gives, with and without .symtab. */
static void test_sites_both_paths(void **state)
{
	size_t nsites = 0, nguards = 0;

	(void)state;
	for (size_t k = 0; k < PGD_ARRAY_SIZE(fixtures); k++) {
		compare_paths(fixtures[k], 1, &nsites, &nguards);
		compare_paths(fixtures[k], 2, &nsites, &nguards);
	}
	print_message("%zu sites, %zu with guards, equal on both paths\n", nsites, nguards);
	assert_true(nsites > 100 && nguards > 10);
}

/* code-bloat's counts: inlined copies per container and callee, from DWARF and from the inline trees */
static void test_inline_counts_both_paths(void **state)
{
	static const char *const names[] = { "bloatsvc.pgo", "cachesvc.go126.pgo", "cachesvc.arm64.pgo" };

	(void)state;
	for (size_t k = 0; k < PGD_ARRAY_SIZE(names); k++) {
		struct pgd_binary *d = open_bin(names[k], 0), *r = open_bin(names[k], 2);
		const struct pgd_inline_count *x, *y;
		size_t nx, ny, same = 0;
		struct pgd_err err = { 0 };

		assert_int_equal(pgd_binary_inline_counts(d, &x, &nx, &err), 0);
		assert_int_equal(pgd_binary_inline_counts(r, &y, &ny, &err), 0);
		for (size_t i = 0, j = 0; i < nx && j < ny;) {
			int c = strcmp(x[i].container, y[j].container);

			c = c ? c : strcmp(x[i].callee, y[j].callee);
			if (!c && x[i].copies == y[j].copies)
				same++;
			else if (!c)
				print_message("%s: %s in %s: %u DWARF, %u pclntab\n", names[k], x[i].callee, x[i].container,
					      x[i].copies, y[j].copies);
			else
				print_message("%s: %s in %s: only in %s\n", names[k], c < 0 ? x[i].callee : y[j].callee,
					      c < 0 ? x[i].container : y[j].container, c < 0 ? "DWARF" : "pclntab");
			i += c <= 0;
			j += c >= 0;
		}
		print_message("%s: %zu of %zu/%zu (container, callee) counts equal\n", names[k], same, nx, ny);
		assert_int_equal(same, nx);
		assert_int_equal(same, ny);
		pgd_binary__close(d);
		pgd_binary__close(r);
	}
}

/*
 * Go's own stripped builds (contrib/gen-testdata-stripped.sh: -s -w, -s,
 * -w; Go 1.23 and 1.26, amd64 and arm64) against their unstripped twins,
 * both opened as users open them: every site equal, field by field, and
 * a note naming the tables used.
 */
static void compare_opened(struct built *ref, struct built *o, const char *twin, const char *orig);

static void compare_twins(const char *orig, const char *twin, int no_symtab)
{
	struct built ref, o;
	const char *notes[8];
	size_t n, guards = 0;
	int saw_pcln = 0, saw_itab = 0;

	build_sites(&ref, orig, 0);
	build_sites(&o, twin, 3); /* as users open it */
	compare_opened(&ref, &o, twin, orig);
	(void)guards;
	n = pgd_binary_notes(o.bin, notes, PGD_ARRAY_SIZE(notes));
	for (size_t i = 0; i < n && i < PGD_ARRAY_SIZE(notes); i++) {
		saw_pcln |= strstr(notes[i], ".gopclntab") != NULL;
		saw_itab |= strstr(notes[i], "itablinks") != NULL;
	}
	assert_true(saw_pcln);
	assert_int_equal(saw_itab, no_symtab);
	assert_int_equal(pgd_binary_notes(ref.bin, notes, PGD_ARRAY_SIZE(notes)), 0);
	free_sites(&o);
	free_sites(&ref);
}

static void compare_opened(struct built *ref, struct built *o, const char *twin, const char *orig)
{
	size_t guards = 0;

	assert_int_equal(o->sites.nsites, ref->sites.nsites);
	for (size_t i = 0; i < o->sites.nsites; i++) {
		const struct pgd_site *x = &ref->sites.sites[i], *y = &o->sites.sites[i];

		assert_string_equal(x->caller, y->caller);
		assert_int_equal(x->offset, y->offset);
		if (x->kind != y->kind || x->line != y->line || !test_str_eq(x->file, y->file) ||
		    x->ndirect != y->ndirect || x->nindirect != y->nindirect ||
		    !test_str_eq(x->binary_guard, y->binary_guard) || !test_str_eq(x->iface, y->iface))
			fail_msg("%s vs %s: %s+%lld differs", twin, orig, y->caller, (long long)y->offset);
		guards += y->binary_guard != NULL;
	}
	assert_int_equal(guards, 4); /* Get, Multiply, Add, the func value (test_dwarf.c) */
}

static void test_stripped_twins(void **state)
{
	(void)state;
	compare_twins("cachesvc.pgo", "cachesvc.pgo.sw", 1);
	compare_twins("cachesvc.pgo", "cachesvc.pgo.s", 1);
	compare_twins("cachesvc.pgo", "cachesvc.pgo.w", 0);
	compare_twins("cachesvc.arm64.pgo", "cachesvc.arm64.pgo.sw", 1);
	compare_twins("cachesvc.go126.pgo", "cachesvc.go126.pgo.sw", 1);
	compare_twins("cachesvc.go126.pgo", "cachesvc.go126.pgo.s", 1);
	compare_twins("cachesvc.go126.pgo", "cachesvc.go126.pgo.w", 0);
}

/* ---- split debug files ------------------------------------------------------------ */

/* sites of binary `name` opened with limits lim (debug file options); 0 or the open error */
static int build_with(struct built *s, const char *name, const struct pgd_limits *lim, struct pgd_err *err)
{
	char path[1024];
	const struct pgd_edges *sets[1];

	memset(s, 0, sizeof(*s));
	if (pgd_profile__open("testdata/profiles/base.pprof", NULL, &s->prof, err) ||
	    pgd_edges__build(&s->prof, 1, PGD_ATTR_COMPILER, &s->edges, err))
		fail_msg("base.pprof: %s", err->msg);
	if (name[0] != '/')
		test_bin_path(name, path, sizeof(path));
	else
		snprintf(path, sizeof(path), "%s", name);
	/* DWARF preferred: the debug file is what is under test */
	if (pgd_binary_open_dwarf(path, lim, &s->bin, err)) {
		pgd_edges__free(s->edges);
		pgd_profile__close(s->prof);
		return err->code;
	}
	sets[0] = s->edges;
	if (pgd_sites_build(s->bin, sets, 1, 0, &s->sites, err))
		fail_msg("%s: sites: %s", name, err->msg);
	return 0;
}

static void expect_debug_note(struct pgd_binary *b, const char *rule)
{
	const char *notes[8];
	size_t n = pgd_binary_notes(b, notes, PGD_ARRAY_SIZE(notes));

	for (size_t i = 0; i < n && i < PGD_ARRAY_SIZE(notes); i++) {
		if (strstr(notes[i], "separate debug file") && strstr(notes[i], rule))
			return;
	}
	fail_msg("no note of a debug file found by %s", rule);
}

static void abs_path(const char *name, char *buf, size_t size)
{
	char rel[1024], *r;

	test_bin_path(name, rel, sizeof(rel));
	r = realpath(rel, NULL);
	assert_non_null(r);
	snprintf(buf, size, "%s", r);
	free(r);
}

/*
 * The split pair (objcopy --only-keep-debug / --strip-debug
 * --add-gnu-debuglink of cachesvc.go126.pgo): found beside the binary by
 * .gnu_debuglink, given with --debug-file, found by GNU build ID under a
 * .build-id tree and a DEBUGINFOD-style cache; a debug file of another
 * build is refused. Every way gives the unstripped build's sites.
 */
static void test_split_debug(void **state)
{
	struct pgd_limits lim = { .sz = sizeof(lim) };
	struct pgd_err err = { 0 };
	struct built ref, o;
	struct img w;
	char dbg[512], split[512], tmp[] = "/tmp/pgd-debugdir.XXXXXX", p1[8192], p2[2048], p3[2048];
	const char *id;

	(void)state;
	build_sites(&ref, "cachesvc.go126.pgo", 0);
	abs_path("cachesvc.go126.pgo.debug", dbg, sizeof(dbg));
	abs_path("cachesvc.go126.pgo.split", split, sizeof(split));

	assert_int_equal(build_with(&o, "cachesvc.go126.pgo.split", NULL, &err), 0);
	expect_debug_note(o.bin, ".gnu_debuglink");
	compare_opened(&ref, &o, "split", "cachesvc.go126.pgo");
	free_sites(&o);

	lim.debug_file = dbg;
	assert_int_equal(build_with(&o, "cachesvc.go126.pgo.split", &lim, &err), 0);
	expect_debug_note(o.bin, "--debug-file");
	compare_opened(&ref, &o, "--debug-file", "cachesvc.go126.pgo");
	free_sites(&o);

	/* another build's debug file: refused, naming the debug file */
	assert_int_equal(build_with(&o, "cachesvc.go126.pgo.sw", &lim, &err), PGD_EINPUT);
	assert_non_null(strstr(err.msg, "build ID"));
	assert_string_equal(err.file, dbg);

	/* by build ID: the binary alone in a directory, the debug file in the trees */
	img_open(&w, "cachesvc.go126.pgo.split");
	id = pgd_gnu_build_id(&w.elf, &w.a);
	assert_non_null(id);
	assert_non_null(mkdtemp(tmp));
	snprintf(p1, sizeof(p1), "mkdir -p %s/bin %s/root/.build-id/%.2s %s/cache/%s && cp %s %s/bin/svc && "
		 "ln -s %s %s/root/.build-id/%.2s/%s.debug && ln -s %s %s/cache/%s/debuginfo",
		 tmp, tmp, id, tmp, id, split, tmp, dbg, tmp, id, id + 2, dbg, tmp, id);
	assert_int_equal(system(p1), 0);
	snprintf(p2, sizeof(p2), "%s/bin/svc", tmp);
	snprintf(p3, sizeof(p3), "%s/root", tmp);
	lim.debug_file = NULL;
	lim.debug_dirs = p3;
	assert_int_equal(build_with(&o, p2, &lim, &err), 0);
	expect_debug_note(o.bin, "build ID");
	compare_opened(&ref, &o, ".build-id", "cachesvc.go126.pgo");
	free_sites(&o);
	snprintf(p3, sizeof(p3), "/nonexistent:%s/cache", tmp);
	assert_int_equal(build_with(&o, p2, &lim, &err), 0);
	expect_debug_note(o.bin, "build ID");
	free_sites(&o);
	/* nothing found: the runtime tables answer, the same */
	lim.debug_dirs = "/nonexistent";
	assert_int_equal(build_with(&o, p2, &lim, &err), 0);
	compare_opened(&ref, &o, "no debug file", "cachesvc.go126.pgo");
	free_sites(&o);
	snprintf(p1, sizeof(p1), "rm -rf %s", tmp);
	assert_int_equal(system(p1), 0);
	img_close(&w);
	free_sites(&ref);
}

/* ---- hostile tables ------------------------------------------------------------- */

static uint64_t rng_next(uint64_t *x)
{
	/* xorshift64*: a fixed seed, the same mutations every run */
	*x ^= *x >> 12;
	*x ^= *x << 25;
	*x ^= *x >> 27;
	return *x * 0x2545f4914f6cdd1dULL;
}

/*
 * A -s -w binary with bytes of .gopclntab, .go.module or go:func.* (the
 * inline trees, in .rodata) overwritten at random, through the whole path
 * (open, sites): whatever the tables say, every read stays in bounds (the
 * ASan build runs this too) and the open either fails with PGD_EINPUT or
 * answers.
 */
static void test_mutated_tables(void **state)
{
	static const char *const secs[] = { ".gopclntab", ".go.module", ".rodata" };
	char src[1024], dst[1100];
	struct img w;
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	size_t opened = 0;

	(void)state;
	img_open(&w, "cachesvc.go126.pgo.sw");
	test_bin_path("cachesvc.go126.pgo.sw", src, sizeof(src));
	snprintf(dst, sizeof(dst), "%s.mutated", src);
	for (int iter = 0; iter < 48; iter++) {
		uint8_t *copy = malloc(w.elf.size);
		struct pgd_binary *b = NULL;
		struct pgd_err err = { 0 };
		FILE *f;
		int rc;

		assert_non_null(copy);
		memcpy(copy, w.data, w.elf.size);
		for (int k = 0; k < 1 + iter % 8; k++) {
			const struct pgd_elf_section *s = pgd_elf_section(&w.elf, secs[rng_next(&x) % 3]);
			/* mostly the headers and tables' starts, where one byte moves everything */
			uint64_t span = s->size < 4096 || rng_next(&x) % 2 ? s->size : 4096;
			uint64_t at = s->offset + rng_next(&x) % span;

			copy[at] = (uint8_t)rng_next(&x);
		}
		f = fopen(dst, "wb");
		assert_non_null(f);
		assert_int_equal(fwrite(copy, 1, w.elf.size, f), w.elf.size);
		fclose(f);
		free(copy);
		rc = pgd_binary__open(dst, NULL, &b, &err);
		if (rc) {
			assert_int_equal(rc, PGD_EINPUT);
		} else {
			struct pgd_profile *prof = NULL;
			struct pgd_edges *edges = NULL;
			const struct pgd_edges *sets[1];
			struct pgd_siteset ss = { 0 };

			opened++;
			assert_int_equal(pgd_profile__open("testdata/profiles/base.pprof", NULL, &prof, &err), 0);
			assert_int_equal(pgd_edges__build(&prof, 1, PGD_ATTR_COMPILER, &edges, &err), 0);
			sets[0] = edges;
			rc = pgd_sites_build(b, sets, 1, 0, &ss, &err);
			assert_true(rc == 0 || rc == PGD_EINPUT);
			if (!rc)
				pgd_siteset_release(&ss);
			pgd_edges__free(edges);
			pgd_profile__close(prof);
			pgd_binary__close(b);
		}
	}
	remove(dst);
	print_message("48 mutated binaries, %zu opened\n", opened);
	img_close(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_functions_match_symtab),
		cmocka_unit_test(test_itabs_match_symtab),
		cmocka_unit_test(test_sites_both_paths),
		cmocka_unit_test(test_stripped_twins),
		cmocka_unit_test(test_inline_counts_both_paths),
		cmocka_unit_test(test_split_debug),
		cmocka_unit_test(test_mutated_tables),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
