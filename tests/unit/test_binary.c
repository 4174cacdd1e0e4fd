// SPDX-License-Identifier: MIT
/*
 * The binary stage on the real fixtures, each fact checked against a tool
 * that does not share our code: `go version -m` (the buildinfo goldens),
 * readelf -n (the Go build ID note), the profiles' Function.start_line,
 * and the Go sources the fixtures were built from (line numbers).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "binary.h"
#include "disasm.h"
#include "buildinfo.h"
#include "elf.h"
#include "err.h"
#include "hashmap.h"
#include "profile.h"
#include "testutil.h"

static const char *bindir(char *buf, size_t size)
{
	const char *b = getenv("PGD_BUILD");

	snprintf(buf, size, "%s/testdata/bin", b && *b ? b : "build");
	return buf;
}

static struct pgd_binary *open_fixture(const char *name)
{
	struct pgd_binary *b = NULL;
	struct pgd_err err = { 0 };
	char dir[512], path[1024];

	snprintf(path, sizeof(path), "%s/%s", bindir(dir, sizeof(dir)), name);
	if (pgd_binary__open(path, NULL, &b, &err))
		fail_msg("%s: %s", path, err.msg);
	return b;
}

static struct pgd_binary *open_fixture_dwarf(const char *name)
{
	struct pgd_binary *b = NULL;
	struct pgd_err err = { 0 };
	char dir[512], path[1024];

	snprintf(path, sizeof(path), "%s/%s", bindir(dir, sizeof(dir)), name);
	if (pgd_binary_open_dwarf(path, NULL, &b, &err))
		fail_msg("%s: %s", path, err.msg);
	return b;
}

static int64_t serve_line(const char *needle)
{
	return test_source_line("testdata/src/cachesvc/serve.go", needle);
}

/* ---- build info ------------------------------------------------------------ */

/* strconv.Unquote for what `go version -m` quotes (BuildInfo.String). */
static void unquote(char *s)
{
	size_t n = strlen(s), o = 0;

	if (n < 2 || s[0] != '"' || s[n - 1] != '"')
		return;
	for (size_t i = 1; i + 1 < n; i++) {
		if (s[i] == '\\' && i + 2 < n)
			i++;
		s[o++] = s[i];
	}
	s[o] = '\0';
}

/* Build info straight from the ELF image: cachesvc.nodwarf has it too, but does not open. */
static void read_buildinfo(const char *name, struct arena *a, struct pgd_buildinfo *bi,
			   const char **buildid)
{
	char dir[512], path[1024];
	struct pgd_err err = { 0 };
	struct pgd_elf elf;
	FILE *f;
	long size;
	uint8_t *data;

	snprintf(path, sizeof(path), "%s/%s", bindir(dir, sizeof(dir)), name);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	size = ftell(f);
	rewind(f);
	data = pgd_arena_alloc(a, (size_t)size);
	assert_non_null(data);
	assert_int_equal(fread(data, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	if (pgd_elf_parse(data, (size_t)size, a, path, &elf, &err) ||
	    pgd_buildinfo_read(&elf, a, path, bi, &err))
		fail_msg("%s: %s", path, err.msg);
	*buildid = pgd_buildid_read(&elf, a);
}

static void check_golden(const char *golden, const char *name)
{
	FILE *f = fopen(golden, "r");
	struct arena a;
	struct pgd_buildinfo bi;
	const char *buildid;
	char line[8192];
	size_t nsettings = 0;
	int saw_version = 0;

	pgd_arena_init(&a, 0);
	read_buildinfo(name, &a, &bi, &buildid);
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		char *nl = strchr(line, '\n'), *tab;

		if (nl)
			*nl = '\0';
		if (line[0] != '\t') {
			/* "NAME: go1.23.5" */
			char *v = strstr(line, ": ");

			assert_non_null(v);
			assert_string_equal(bi.go_version, v + 2);
			saw_version = 1;
			continue;
		}
		if (!strncmp(line, "\tpath\t", 6)) {
			assert_string_equal(bi.path, line + 6);
		} else if (!strncmp(line, "\tmod\t", 5)) {
			tab = strchr(line + 5, '\t');
			if (tab)
				*tab = '\0';
			assert_string_equal(bi.main_module, line + 5);
		} else if (!strncmp(line, "\tbuild\t", 7)) {
			char *kv = line + 7, *eq = strchr(kv, '=');

			assert_non_null(eq);
			*eq = '\0';
			unquote(kv);
			unquote(eq + 1);
			if (nsettings >= bi.nsettings)
				fail_msg("%s: build setting %s missing", name, kv);
			if (strcmp(bi.settings[nsettings].key, kv) || strcmp(bi.settings[nsettings].value, eq + 1))
				fail_msg("%s: build setting %zu: got %s=\"%s\", want %s=\"%s\"", name, nsettings,
					 bi.settings[nsettings].key, bi.settings[nsettings].value, kv, eq + 1);
			nsettings++;
		}
	}
	fclose(f);
	assert_true(saw_version);
	assert_int_equal(bi.nsettings, nsettings);
	assert_non_null(buildid);

	/* the public getters say the same for binaries that open */
	if (strcmp(name, "cachesvc.nodwarf")) { /* -ldflags=-w; the nodwarf5 builds have DWARF 4 */
		struct pgd_binary *b = open_fixture(name);

		assert_string_equal(pgd_binary__go_version(b), bi.go_version);
		assert_string_equal(pgd_binary__main_module(b), bi.main_module);
		assert_string_equal(pgd_binary__build_id(b), buildid);
		for (size_t i = 0; i < bi.nsettings; i++)
			assert_string_equal(pgd_binary__build_setting(b, bi.settings[i].key), bi.settings[i].value);
		pgd_binary__close(b);
	}
	pgd_arena_release(&a);
}

static void test_buildinfo_goldens(void **state)
{
	DIR *d = opendir("testdata/golden/buildinfo");
	struct dirent *de;
	int n = 0;

	(void)state;
	assert_non_null(d);
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		char golden[1024], name[512];

		if (len < 5 || strcmp(de->d_name + len - 4, ".txt"))
			continue;
		snprintf(golden, sizeof(golden), "testdata/golden/buildinfo/%s", de->d_name);
		snprintf(name, sizeof(name), "%.*s", (int)(len - 4), de->d_name);
		check_golden(golden, name);
		n++;
	}
	closedir(d);
	assert_true(n > 0);
}

/* The Go build ID as binutils' readelf -n prints the note's bytes. */
static void readelf_buildid(const char *path, char *out, size_t size)
{
	char cmd[2048], line[4096];
	FILE *p;
	size_t o = 0;

	snprintf(cmd, sizeof(cmd), "readelf -n '%s' 2>/dev/null", path);
	p = popen(cmd, "r");
	assert_non_null(p);
	out[0] = '\0';
	while (fgets(line, sizeof(line), p)) {
		char *hex = strstr(line, "description data:");

		if (!hex)
			continue;
		hex += strlen("description data:");
		for (char *t = strtok(hex, " \n"); t && o + 1 < size; t = strtok(NULL, " \n"))
			out[o++] = (char)strtol(t, NULL, 16);
		out[o] = '\0';
	}
	pclose(p);
}

static void test_buildid_matches_readelf(void **state)
{
	const char *names[] = { "cachesvc.nopgo", "cachesvc.pgo" };
	char dir[512], path[1024], want[512];

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct pgd_binary *b = open_fixture(names[i]);

		snprintf(path, sizeof(path), "%s/%s", bindir(dir, sizeof(dir)), names[i]);
		readelf_buildid(path, want, sizeof(want));
		assert_true(strlen(want) > 20); /* actionID/contentID... */
		assert_non_null(pgd_binary__build_id(b));
		assert_string_equal(pgd_binary__build_id(b), want);
		assert_string_equal(pgd_binary__arch(b), "amd64");
		pgd_binary__close(b);
	}
}

/* ---- DWARF functions ---------------------------------------------------------- */

/* decl_line is the start line PGO offsets count from: the profile says so too. */
static void test_decl_line_matches_profile(void **state)
{
	struct pgd_binary *b = open_fixture("cachesvc.nopgo");
	struct pgd_profile *p = NULL;
	struct pgd_err err = { 0 };
	size_t checked = 0;
	int saw_serve = 0;

	(void)state;
	if (pgd_profile__open("testdata/profiles/base.pprof", NULL, &p, &err))
		fail_msg("base.pprof: %s", err.msg);
	for (uint32_t i = 0; i < p->nfunctions; i++) {
		const struct pgd_function *pf = &p->functions[i];
		const struct pgd_bfunc *f;

		if (strncmp(pf->name, "main.", 5) || !pf->start_line)
			continue;
		f = pgd_binary_func(b, pf->name, &err);
		if (!f)
			fail_msg("%s: in the profile, not in the binary", pf->name);
		if (f->decl_line != pf->start_line)
			fail_msg("%s: decl_line %lld, profile start_line %lld", pf->name,
				 (long long)f->decl_line, (long long)pf->start_line);
		assert_non_null(f->decl_file);
		/* pprof and DWARF name the same file */
		if (*pf->filename)
			assert_string_equal(f->decl_file, pf->filename);
		saw_serve |= !strcmp(pf->name, "main.serve");
		checked++;
	}
	assert_true(saw_serve);
	assert_true(checked >= 3);
	pgd_profile__close(p);
	pgd_binary__close(b);
}

static void test_lazy(void **state)
{
	/* DWARF's laziness: pgd_binary__open reads Go's runtime tables instead when they are complete */
	struct pgd_binary *b = open_fixture_dwarf("cachesvc.pgo");
	struct pgd_binary_stats st;
	struct pgd_err err = { 0 };
	const struct pgd_bfunc *f;
	const struct pgd_symbol *s;

	(void)state;
	pgd_binary_stats(b, &st);
	assert_true(st.cus_total > 10);
	assert_int_equal(st.cus_loaded, 0);
	f = pgd_binary_func(b, "main.serve", &err);
	assert_non_null(f);
	assert_int_equal(f->decl_line, serve_line("func serve(") );
	assert_true(f->nranges >= 1);
	/* the symbol table agrees on where the body starts */
	s = pgd_binary_symbol_at(b, f->ranges[0].lo);
	assert_non_null(s);
	assert_string_equal(s->name, "main.serve");
	assert_int_equal(s->addr, f->ranges[0].lo);
	assert_true(pgd_binary_has_symbol(b, "main.serve"));
	assert_false(pgd_binary_has_symbol(b, "main.noSuchFunction"));
	pgd_binary_stats(b, &st);
	assert_int_equal(st.cus_loaded, 1);
	assert_true(st.cus_loaded < st.cus_total);
	assert_int_equal(st.funcs_resolved, 1);
	assert_int_equal(st.line_tables_decoded, 0);
	pgd_binary__close(b);
}

static void test_itab_ifaces(void **state)
{
	struct pgd_binary *b = open_fixture("cachesvc.pgo");
	const char *ifs[8];
	size_t n;
	int found = 0;

	(void)state;
	n = pgd_binary_itab_ifaces(b, "*main.RedisCache", ifs, 8);
	assert_true(n >= 1 && n <= 8);
	for (size_t i = 0; i < n; i++)
		found |= !strcmp(ifs[i], "main.Cache");
	assert_true(found);
	assert_int_equal(pgd_binary_itab_ifaces(b, "*main.NoSuchType", ifs, 8), 0);
	pgd_binary__close(b);
}

/* ---- code at a line ------------------------------------------------------------- */

struct code {
	struct arena a;
	struct pgd_line_code lc;
};

static void code_at(struct pgd_binary *b, const char *fn, int64_t line, struct code *c)
{
	struct pgd_err err = { 0 };

	pgd_arena_init(&c->a, 0);
	if (pgd_binary_code_at_line(b, fn, line, &c->a, &c->lc, &err))
		fail_msg("%s:%lld: %s", fn, (long long)line, err.msg);
	assert_int_equal(c->lc.line, line);
}

static size_t count_calls(const struct pgd_line_code *lc, enum pgd_call_kind kind, int64_t itab_offset)
{
	size_t n = 0;

	for (size_t i = 0; i < lc->ncalls; i++)
		n += lc->calls[i].kind == kind && lc->calls[i].itab_offset == itab_offset;
	return n;
}

static const struct pgd_guard *guard(const struct pgd_line_code *lc, const char *concrete)
{
	for (size_t i = 0; i < lc->nguards; i++)
		if (!strcmp(lc->guards[i].concrete, concrete))
			return &lc->guards[i];
	return NULL;
}

static int has_inlined(const struct pgd_line_code *lc, const char *name)
{
	for (size_t i = 0; i < lc->ninlined; i++)
		if (!strcmp(lc->inlined[i], name))
			return 1;
	return 0;
}

/*
 * fmt.Fprint's `w.Write(p.buf)`, w an io.Writer (one method: slot 0,
 * itab offset 0x18, runtime/runtime2.go): Go 1.26 reloads the spilled
 * itab word, loads the method into one register and moves it to the one
 * it calls through (amd64 `mov %rax,%rdx; call *%rdx`, arm64 `mov x5, x0;
 * blr x5`). The copy carries the load, on the sparse path and capstone's;
 * without it the call read as a func-value call (field harness, cmd/compile
 * nopgo, Go 1.26.11). The line is found, not assumed: the body's only
 * indirect call.
 */
static void check_copied_itab_load(const char *fixture, int capstone_only)
{
	struct pgd_binary *b = open_fixture(fixture);
	struct pgd_err err = { 0 };
	const struct pgd_bfunc *f = pgd_binary_func(b, "fmt.Fprint", &err);
	size_t lines = 0;

	assert_non_null(f);
	if (capstone_only)
		pgd_disasm_capstone_only(pgd_binary_disasm(b), 1);
	for (int64_t line = f->decl_line; line < f->decl_line + 8; line++) {
		struct code c;
		size_t nind;

		code_at(b, "fmt.Fprint", line, &c);
		nind = count_calls(&c.lc, PGD_CALL_INDIRECT, -1) + count_calls(&c.lc, PGD_CALL_INDIRECT, 0x18);
		if (nind) {
			lines++;
			if (count_calls(&c.lc, PGD_CALL_INDIRECT, 0x18) != 1)
				fail_msg("%s%s: fmt.Fprint:%lld: %zu indirect calls, none through itab slot 0x18",
					 fixture, capstone_only ? " (capstone)" : "", (long long)line, nind);
		}
		pgd_arena_release(&c.a);
	}
	assert_int_equal(lines, 1);
	pgd_binary__close(b);
}

static void test_copied_itab_load(void **state)
{
	(void)state;
	check_copied_itab_load("cachesvc.go126.pgo", 0);
	check_copied_itab_load("cachesvc.go126.pgo", 1);
	check_copied_itab_load("cachesvc.go126.pgo.sw", 0);
	check_copied_itab_load("cachesvc.arm64.pgo", 0);
}

/*
 * The slot a call loads tells interfaces apart: *fmt.pp's only static itab
 * is fmt.State's (Flag, Precision, Width, Write, sorted: Write in the
 * fourth slot, 0x30; the linker dropped the three unreachable methods), so
 * Fprint's slot-0x18 Write is no fmt.State call.
 */
static void test_itab_slot_holds(void **state)
{
	struct pgd_binary *b = open_fixture("cachesvc.go126.pgo");

	(void)state;
	assert_int_equal(pgd_binary_itab_slot_holds(b, "*fmt.pp", "fmt.State", 0x18, "fmt.(*pp).Write"), 0);
	assert_int_equal(pgd_binary_itab_slot_holds(b, "*fmt.pp", "fmt.State", 0x30, "fmt.(*pp).Write"), 1);
	assert_int_equal(pgd_binary_itab_slot_holds(b, "*fmt.pp", "fmt.State", 0x38, "fmt.(*pp).Write"), 0);
	assert_int_equal(pgd_binary_itab_slot_holds(b, "*fmt.pp", "io.Writer", 0x18, "fmt.(*pp).Write"), 0);
	/* a method the binary lacks cannot be compared */
	assert_int_equal(pgd_binary_itab_slot_holds(b, "*fmt.pp", "fmt.State", 0x18, "fmt.(*pp).Nope"), -1);
	pgd_binary__close(b);
}

/* The hot Cache.Get site: the PGO build guards *RedisCache and keeps the fallback. */
static void check_get_site(const char *fixture, int pgo)
{
	struct pgd_binary *b = open_fixture(fixture);
	struct code c;
	const struct pgd_guard *g;

	code_at(b, "main.serve", serve_line("c.Get(key)"), &c);
	assert_non_null(c.lc.func);
	assert_int_equal(c.lc.ninstances, 1);
	/* Cache's methods sorted: Get is fun[0], at itab+0x18 */
	assert_int_equal(count_calls(&c.lc, PGD_CALL_INDIRECT, 0x18), 1);
	g = guard(&c.lc, "*main.RedisCache");
	if (pgo) {
		assert_non_null(g);
		assert_string_equal(g->iface, "main.Cache");
		assert_string_equal(g->symbol, "go:itab.*main.RedisCache,main.Cache");
		assert_true(has_inlined(&c.lc, "main.(*RedisCache).Get"));
	} else {
		assert_int_equal(c.lc.nguards, 0);
		assert_int_equal(c.lc.ninlined, 0);
	}
	pgd_arena_release(&c.a);
	pgd_binary__close(b);
}

static void test_get_site_pgo(void **state)
{
	(void)state;
	check_get_site("cachesvc.pgo", 1);
}

static void test_get_site_nopgo(void **state)
{
	(void)state;
	check_get_site("cachesvc.nopgo", 0);
}

static void test_get_site_arm64(void **state)
{
	struct pgd_binary *b;

	(void)state;
	b = open_fixture("cachesvc.arm64.pgo");
	assert_string_equal(pgd_binary__arch(b), "arm64");
	assert_string_equal(pgd_binary__build_setting(b, "GOARCH"), "arm64");
	pgd_binary__close(b);
	check_get_site("cachesvc.arm64.pgo", 1);
}

/* Old-style .zdebug_* DWARF (contrib/make-zdebug-fixture.sh) reads like the original. */
static void test_zdebug(void **state)
{
	struct pgd_binary *z = open_fixture("cachesvc.zdebug"), *o = open_fixture("cachesvc.nopgo");
	struct pgd_err err = { 0 };
	const struct pgd_bfunc *fz = pgd_binary_func(z, "main.serve", &err);
	const struct pgd_bfunc *fo = pgd_binary_func(o, "main.serve", &err);

	(void)state;
	assert_non_null(fz);
	assert_non_null(fo);
	assert_int_equal(fz->decl_line, fo->decl_line);
	assert_string_equal(fz->decl_file, fo->decl_file);
	assert_int_equal(fz->nranges, 1);
	pgd_binary__close(z);
	pgd_binary__close(o);
	check_get_site("cachesvc.zdebug", 0);
}

/* Func-value call h(x): a closure call (no itab slot); the PGO build compares the target. */
static void test_func_value_site(void **state)
{
	struct pgd_binary *b = open_fixture("cachesvc.pgo");
	struct code c;
	const struct pgd_guard *g;

	(void)state;
	code_at(b, "main.serve", serve_line("h(int(total"), &c);
	assert_int_equal(count_calls(&c.lc, PGD_CALL_INDIRECT, -1), 1);
	assert_int_equal(count_calls(&c.lc, PGD_CALL_INDIRECT, 0x18), 0);
	g = guard(&c.lc, "main.fastHandler");
	assert_non_null(g);
	assert_null(g->iface);
	assert_true(pgd_binary_has_symbol(b, g->symbol));
	pgd_arena_release(&c.a);
	pgd_binary__close(b);
}

/* m.Multiply(i, x) + s.Add(i, 7): two interface calls on one line, both first methods. */
static void test_two_calls_one_line(void **state)
{
	struct pgd_binary *b = open_fixture("cachesvc.nopgo"), *p = open_fixture("cachesvc.pgo");
	int64_t line = serve_line("m.Multiply(i, x) + s.Add(i, 7)");
	struct code c;

	(void)state;
	code_at(b, "main.serve", line, &c);
	assert_int_equal(count_calls(&c.lc, PGD_CALL_INDIRECT, 0x18), 2);
	assert_int_equal(c.lc.nguards, 0);
	pgd_arena_release(&c.a);
	code_at(p, "main.serve", line, &c);
	assert_int_equal(count_calls(&c.lc, PGD_CALL_INDIRECT, 0x18), 2);
	assert_non_null(guard(&c.lc, "main.Mult"));
	assert_string_equal(guard(&c.lc, "main.Mult")->iface, "main.Multiplier");
	assert_non_null(guard(&c.lc, "main.Add"));
	assert_string_equal(guard(&c.lc, "main.Add")->iface, "main.Adder");
	pgd_arena_release(&c.a);
	pgd_binary__close(b);
	pgd_binary__close(p);
}

static void test_no_call_line(void **state)
{
	struct pgd_binary *b = open_fixture("cachesvc.pgo");
	struct code c;

	(void)state;
	code_at(b, "main.serve", serve_line("total += uint64(len(v))"), &c);
	assert_non_null(c.lc.func);
	assert_int_equal(c.lc.ncalls, 0);
	assert_int_equal(c.lc.nguards, 0);
	pgd_arena_release(&c.a);
	pgd_binary__close(b);
}

/* runBatch is inlined into runWorker: its one line is a direct call of serve. */
static void test_direct_call_line(void **state)
{
	struct pgd_binary *b = open_fixture("cachesvc.nopgo");
	struct code c;

	(void)state;
	code_at(b, "main.runBatch", serve_line("return serve(w, batchSize)"), &c);
	assert_non_null(c.lc.func);
	assert_true(c.lc.ninstances >= 1);
	assert_true(c.lc.ncalls >= 1);
	assert_int_equal(count_calls(&c.lc, PGD_CALL_DIRECT, -1), c.lc.ncalls);
	assert_non_null(c.lc.calls[0].target_name);
	assert_string_equal(c.lc.calls[0].target_name, "main.serve");
	assert_true(pgd_binary_has_symbol(b, "main.serve"));
	assert_int_equal(c.lc.nguards, 0);
	pgd_arena_release(&c.a);
	pgd_binary__close(b);
}

/* lookup has no body of its own: its c.Get exists only in inlined copies. */
static void test_inlined_only_helper(void **state)
{
	struct pgd_binary *b = open_fixture("cachesvc.nopgo");
	struct pgd_err err = { 0 };
	int64_t line = test_source_line("testdata/src/cachesvc/caches.go", "v, _ := c.Get(k)");
	const struct pgd_bfunc *f;
	struct code c;

	(void)state;
	assert_false(pgd_binary_has_symbol(b, "main.lookup"));
	f = pgd_binary_func(b, "main.lookup", &err);
	assert_non_null(f);
	assert_int_equal(f->nranges, 0);
	assert_int_equal(f->decl_line, test_source_line("testdata/src/cachesvc/caches.go", "func lookup("));
	code_at(b, "main.lookup", line, &c);
	assert_true(c.lc.ninstances >= 1);
	assert_true(count_calls(&c.lc, PGD_CALL_INDIRECT, 0x18) >= 1);
	pgd_arena_release(&c.a);
	/* and serve's line shows lookup inlined there */
	code_at(b, "main.serve", serve_line("lookup(w.caches"), &c);
	assert_true(has_inlined(&c.lc, "main.lookup"));
	pgd_arena_release(&c.a);
	pgd_binary__close(b);

	/*
	 * The compiler's own log (testdata/golden/pgodebug/cachesvc.pgo.jsonl)
	 * says caches.go:99 was devirtualized to (*RedisCache).Get, yet the
	 * copy inlined into serve (the only one shipped) has no guard:
	 * `go tool objdump cachesvc.pgo | grep caches.go:99` shows only
	 * MOVQ 0x18(DX), DX ... CALL DX. The binary is the truth.
	 */
	b = open_fixture("cachesvc.pgo");
	code_at(b, "main.lookup", line, &c);
	assert_true(c.lc.ninstances >= 1);
	assert_true(count_calls(&c.lc, PGD_CALL_INDIRECT, 0x18) >= 1);
	assert_int_equal(c.lc.nguards, 0);
	pgd_arena_release(&c.a);
	pgd_binary__close(b);
}

static void test_renamed_function_absent(void **state)
{
	struct pgd_binary *b;
	struct pgd_err err = { 0 };
	struct code c;

	(void)state;
	b = open_fixture("cachesvc.renamed.pgo");
	assert_null(pgd_binary_func(b, "main.serve", &err));
	assert_int_equal(err.code, 0);
	code_at(b, "main.serve", 16, &c);
	assert_null(c.lc.func);
	assert_int_equal(c.lc.ncalls, 0);
	pgd_arena_release(&c.a);
	assert_non_null(pgd_binary_func(b, "main.handleRequest", &err));
	pgd_binary__close(b);
}

static void test_inline_counts(void **state)
{
	struct pgd_binary *b = open_fixture("cachesvc.nopgo");
	const struct pgd_inline_count *ic;
	struct pgd_err err = { 0 };
	size_t n, found = 0;

	(void)state;
	assert_int_equal(pgd_binary_inline_counts(b, &ic, &n, &err), 0);
	assert_true(n > 0);
	for (size_t i = 0; i < n; i++) {
		assert_true(ic[i].copies >= 1);
		if (i)
			assert_true(strcmp(ic[i - 1].container, ic[i].container) < 0 ||
				    (!strcmp(ic[i - 1].container, ic[i].container) &&
				     strcmp(ic[i - 1].callee, ic[i].callee) < 0));
		if (!strcmp(ic[i].container, "main.serve") && !strcmp(ic[i].callee, "main.lookup"))
			found = ic[i].copies;
	}
	/* serve calls lookup once in the source */
	assert_int_equal(found, 1);
	pgd_binary__close(b);
}

/* ---- errors --------------------------------------------------------------------- */

static void expect_fail(const char *path, const char *word1, const char *word2)
{
	struct pgd_binary *b = (struct pgd_binary *)1;
	struct pgd_err err = { 0 };
	int ret = pgd_binary__open(path, NULL, &b, &err);

	if (ret != PGD_EINPUT)
		fail_msg("%s: got %d (%s), want PGD_EINPUT", path, ret, err.msg);
	assert_null(b);
	assert_int_equal(err.code, PGD_EINPUT);
	assert_string_equal(err.file, path);
	assert_null(strchr(err.msg, '\n'));
	if (!strstr(err.msg, word1) || (word2 && !strstr(err.msg, word2)))
		fail_msg("%s: message \"%s\" lacks \"%s\"/\"%s\"", path, err.msg, word1, word2 ? word2 : "");
}

/* The first n bytes of a good binary, written next to the unpacked fixtures. */
static void write_prefix(const char *src, const char *dst, long n)
{
	FILE *in = fopen(src, "rb"), *out = fopen(dst, "wb");
	char buf[4096];

	assert_non_null(in);
	assert_non_null(out);
	while (n > 0) {
		size_t want = n < (long)sizeof(buf) ? (size_t)n : sizeof(buf);
		size_t got = fread(buf, 1, want, in);

		assert_int_equal(got, want);
		assert_int_equal(fwrite(buf, 1, got, out), got);
		n -= (long)got;
	}
	fclose(in);
	fclose(out);
}

/* A copy of src whose section `from` is renamed `to` (same length) in the section name table. */
static void write_renamed_section(const char *src, const char *dst, const char *from, const char *to)
{
	FILE *in = fopen(src, "rb"), *out;
	size_t n, len = strlen(from) + 1;
	char *buf, *hit = NULL;
	long size;

	assert_non_null(in);
	fseek(in, 0, SEEK_END);
	size = ftell(in);
	fseek(in, 0, SEEK_SET);
	buf = malloc((size_t)size);
	assert_non_null(buf);
	n = fread(buf, 1, (size_t)size, in);
	fclose(in);
	assert_int_equal(n, (size_t)size);
	for (char *p = buf; p + len <= buf + n; p++) {
		if (!memcmp(p, from, len) && p > buf && p[-1] == '\0')
			hit = p; /* the last one: .shstrtab comes after the data */
	}
	assert_non_null(hit);
	memcpy(hit, to, len);
	out = fopen(dst, "wb");
	assert_non_null(out);
	assert_int_equal(fwrite(buf, 1, n, out), n);
	fclose(out);
	free(buf);
}

static void test_errors(void **state)
{
	char dir[512], path[1024], cut[1100];

	(void)state;
	expect_fail("testdata/no/such/binary", "cannot open", NULL);
	expect_fail("testdata/src/cachesvc/main.go", "not an ELF file", NULL);
	/* Cut inside the ELF header, then after it (the section table is at the end). */
	snprintf(path, sizeof(path), "%s/cachesvc.nopgo", bindir(dir, sizeof(dir)));
	snprintf(cut, sizeof(cut), "%s.cut", path);
	write_prefix(path, cut, 40);
	expect_fail(cut, "truncated ELF", NULL);
	write_prefix(path, cut, 1 << 20);
	expect_fail(cut, "truncated ELF", NULL);
	remove(cut);
	expect_fail("testdata/bad/notelf.bin", "not an ELF file", NULL);
	expect_fail("testdata/bad/truncated.elf", "truncated ELF", NULL);
	/* -w: no DWARF, read through .gopclntab (test_pclntab.c); without that too, refused */
	snprintf(path, sizeof(path), "%s/cachesvc.nodwarf", bindir(dir, sizeof(dir)));
	snprintf(cut, sizeof(cut), "%s.nopcln", path);
	write_renamed_section(path, cut, ".gopclntab", ".gopclnxxx");
	expect_fail(cut, "no DWARF", ".gopclntab");
	remove(cut);
}

/*
 * pgd_hashmap_remove (the interner's out-of-memory path) on the fixture's
 * symbol names: after removing every other one, the rest are all found,
 * the removed ones are not, and the count follows (backward-shift deletion
 * keeps every probe chain unbroken).
 */
static void test_hashmap_remove(void **state)
{
	struct pgd_binary *b = open_fixture("cachesvc.pgo");
	struct hashmap m = HASHMAP_INIT;
	size_t n = 0;

	(void)state;
	for (size_t i = 0; i < b->nsymbols; i++) {
		int ins;

		assert_non_null(pgd_hashmap_upsert_str(&m, b->symbols[i].name, &ins));
		n += (size_t)ins;
	}
	assert_true(n > 1000);
	for (size_t i = 0; i < b->nsymbols; i += 2) {
		struct hashmap_entry *e = pgd_hashmap_find_str(&m, b->symbols[i].name);

		if (e) {
			pgd_hashmap_remove(&m, e);
			n--;
		}
	}
	assert_int_equal(m.count, n);
	for (size_t i = 0; i < b->nsymbols; i++) {
		int removed = 0;

		/* a name listed twice is removed if either copy had an even index */
		for (size_t j = 0; j < b->nsymbols && !removed; j += 2)
			removed = !strcmp(b->symbols[j].name, b->symbols[i].name);
		if (removed)
			assert_null(pgd_hashmap_find_str(&m, b->symbols[i].name));
		else
			assert_non_null(pgd_hashmap_find_str(&m, b->symbols[i].name));
	}
	pgd_hashmap_free(&m);
	pgd_binary__close(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buildinfo_goldens),
		cmocka_unit_test(test_buildid_matches_readelf),
		cmocka_unit_test(test_decl_line_matches_profile),
		cmocka_unit_test(test_lazy),
		cmocka_unit_test(test_itab_ifaces),
		cmocka_unit_test(test_get_site_pgo),
		cmocka_unit_test(test_get_site_nopgo),
		cmocka_unit_test(test_get_site_arm64),
		cmocka_unit_test(test_zdebug),
		cmocka_unit_test(test_func_value_site),
		cmocka_unit_test(test_two_calls_one_line),
		cmocka_unit_test(test_no_call_line),
		cmocka_unit_test(test_direct_call_line),
		cmocka_unit_test(test_inlined_only_helper),
		cmocka_unit_test(test_renamed_function_absent),
		cmocka_unit_test(test_inline_counts),
		cmocka_unit_test(test_copied_itab_load),
		cmocka_unit_test(test_itab_slot_holds),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_hashmap_remove),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
