// SPDX-License-Identifier: MIT
/*
 * pgd_insn_scan against capstone, the independent path: over every
 * function of every fixture binary (the whole .text when there is no
 * .symtab), wherever the scanner claims to know an instruction capstone
 * decodes one of the same length there, and a branch with the same target
 * exactly when the scanner gives one (decode_x86/decode_arm64's rule: a
 * jmp, jcc or b, b.cond, cbz, tbz with an immediate). Then on the guard
 * fixtures the sparse decode (pgd_disasm_index + pgd_dcode_guard) gives
 * the full decode's guard for every indirect call, without falling back,
 * and the window scans (pgd_disasm_scan, _scan_part, _calls) report what
 * they report with capstone only. The scanner also reads nothing past
 * the bytes it is given (each instruction cut short, under ASan).
 *
 * PGD_SCAN_BINARY=path runs both over that binary only and prints the
 * agreement and the fallback rate (not part of the suite: cmd/compile).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <capstone/capstone.h>
#include <dirent.h>

#include "arena.h"
#include "disasm.h"
#include "elf.h"
#include "testutil.h"

struct img {
	struct arena a;
	uint8_t *data;
	struct pgd_elf elf;
	const struct pgd_elf_section *text;
};

static int img_open(struct img *w, const char *path)
{
	struct pgd_err err = { 0 };
	size_t n;

	memset(w, 0, sizeof(*w));
	pgd_arena_init(&w->a, 0);
	w->data = test_read_file(path, &n);
	if (pgd_elf_parse(w->data, n, &w->a, path, &w->elf, &err))
		fail_msg("%s: %s", path, err.msg);
	w->text = pgd_elf_section(&w->elf, ".text");
	return w->text && w->text->size && (w->elf.machine == PGD_EM_X86_64 || w->elf.machine == PGD_EM_AARCH64);
}

static void img_close(struct img *w)
{
	pgd_arena_release(&w->a);
	free(w->data);
}

struct range {
	uint64_t lo, hi;
};

/* STT_FUNC symbols inside .text (ELF gABI Elf64_Sym), else .text whole; *n ranges, malloc'd. */
static struct range *img_funcs(const struct img *w, size_t *n)
{
	const struct pgd_elf_section *st = pgd_elf_section(&w->elf, ".symtab");
	const uint8_t *p = st ? pgd_elf_section_data(&w->elf, st) : NULL;
	size_t cnt = p ? st->size / 24 : 0;
	struct range *r = calloc(cnt + 1, sizeof(*r));

	assert_non_null(r);
	*n = 0;
	for (size_t i = 0; i < cnt; i++) {
		const uint8_t *s = p + i * 24;
		uint64_t v, sz;

		memcpy(&v, s + 8, 8);
		memcpy(&sz, s + 16, 8);
		if ((s[4] & 0xF) != 2 || !sz || v < w->text->addr || v + sz > w->text->addr + w->text->size)
			continue;
		r[*n].lo = v;
		r[(*n)++].hi = v + sz;
	}
	if (!*n) {
		r[0].lo = w->text->addr;
		r[0].hi = w->text->addr + w->text->size;
		*n = 1;
	}
	return r;
}

static const uint8_t *img_code(const struct img *w, uint64_t addr)
{
	return pgd_elf_section_data(&w->elf, w->text) + (addr - w->text->addr);
}

/* What the guard decode lists as a branch: a direct jmp/jcc, b/b.cond/cbz/cbnz/tbz/tbnz (disasm.c). */
static uint64_t cs_branch_target(csh cs, uint16_t machine, const cs_insn *in)
{
	if (machine == PGD_EM_X86_64) {
		const cs_x86 *x = &in->detail->x86;

		if ((in->id == X86_INS_JMP || cs_insn_group(cs, in, CS_GRP_JUMP)) && x->op_count == 1 &&
		    x->operands[0].type == X86_OP_IMM)
			return (uint64_t)x->operands[0].imm;
		return 0;
	}
	{
		const cs_arm64 *x = &in->detail->arm64;

		if ((in->id == ARM64_INS_B || in->id == ARM64_INS_CBZ || in->id == ARM64_INS_CBNZ ||
		     in->id == ARM64_INS_TBZ || in->id == ARM64_INS_TBNZ) && x->op_count >= 1 &&
		    x->operands[x->op_count - 1].type == ARM64_OP_IMM)
			return (uint64_t)x->operands[x->op_count - 1].imm;
		return 0;
	}
}

/* What pgd_disasm_scan reports for in, as pgd_insn_scan's kind (amd64: scan_x86's calls and rip-relative lea). */
static enum pgd_scan_kind cs_kind(uint16_t machine, const cs_insn *in, uint64_t *ref)
{
	const cs_x86 *x = &in->detail->x86;
	const cs_x86_op *op = x->operands;

	*ref = 0;
	if (machine != PGD_EM_X86_64)
		return PGD_SCAN_OTHER;
	if (in->id == X86_INS_CALL && x->op_count == 1 && op[0].type == X86_OP_IMM) {
		*ref = (uint64_t)op[0].imm;
		return PGD_SCAN_CALL;
	}
	if (in->id == X86_INS_CALL && x->op_count == 1 && (op[0].type == X86_OP_REG || op[0].type == X86_OP_MEM))
		return PGD_SCAN_CALLI;
	if (in->id == X86_INS_LEA && x->op_count == 2 && op[1].type == X86_OP_MEM && op[1].mem.base == X86_REG_RIP &&
	    op[1].mem.index == X86_REG_INVALID) {
		*ref = in->address + in->size + (uint64_t)op[1].mem.disp;
		return PGD_SCAN_ADDR;
	}
	return PGD_SCAN_OTHER;
}

struct tally {
	size_t insns, known, unknown;
	size_t calls, guards, prepares, fallbacks;
};

/* capstone's linear sweep of [lo, hi) (as the full decode steps) against the scanner at each step. */
struct bounds {
	size_t n, cap;
	uint64_t *pc;
};

static void bounds_add(struct bounds *b, uint64_t pc)
{
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 1024;
		b->pc = realloc(b->pc, b->cap * sizeof(*b->pc));
		assert_non_null(b->pc);
	}
	b->pc[b->n++] = pc;
}

/*
 * The instruction at p (size bytes) cut short at every length, each copy
 * ending where its heap block ends: the scanner reads nothing past left
 * (ASan, in make check) and, where it knew the whole instruction, knows
 * none of the cut ones (its length is decided by bytes inside it).
 */
static void scan_cut(uint16_t m, const uint8_t *p, unsigned size, int known, uint8_t *tail, const char *name,
		     uint64_t pc)
{
	for (unsigned k = 1; k < size && k <= 16; k++) {
		struct pgd_scan_insn s;

		memcpy(tail + 16 - k, p, k);
		if (pgd_insn_scan(m, tail + 16 - k, k, pc, &s) && known)
			fail_msg("%s: %#llx: scanner knows the instruction cut to %u of its %u bytes", name,
				 (unsigned long long)pc, k, size);
	}
}

static void compare_range(csh cs, cs_insn *in, const struct img *w, struct range r, struct tally *t,
			  const char *name, struct bounds *b)
{
	uint16_t m = w->elf.machine;
	const uint8_t *code = img_code(w, r.lo);
	size_t len = r.hi - r.lo, off = 0, skip = m == PGD_EM_AARCH64 ? 4 : 1;
	uint8_t *tail = malloc(16);

	assert_non_null(tail);
	while (off < len) {
		struct pgd_scan_insn s;
		const uint8_t *p = code + off;
		size_t left = len - off;
		uint64_t pc = r.lo + off;
		int known = pgd_insn_scan(m, p, left, pc, &s);
		int ok = cs_disasm_iter(cs, &p, &left, &pc, in);

		if (known) {
			uint64_t ref = 0;
			enum pgd_scan_kind kind = ok ? cs_kind(m, in, &ref) : PGD_SCAN_OTHER;

			if (!ok || in->size != s.len || cs_branch_target(cs, m, in) != s.target || kind != s.kind ||
			    ref != s.ref)
				fail_msg("%s: %#llx: scanner len %u target %#llx kind %d %#llx, capstone %s len %u "
					 "target %#llx kind %d %#llx",
					 name, (unsigned long long)(r.lo + off), s.len, (unsigned long long)s.target,
					 (int)s.kind, (unsigned long long)s.ref, ok ? in->mnemonic : "(fails)",
					 ok ? in->size : 0, ok ? (unsigned long long)cs_branch_target(cs, m, in) : 0ull,
					 (int)kind, (unsigned long long)ref);
			t->known++;
		} else {
			t->unknown++;
		}
		t->insns++;
		scan_cut(m, code + off, known ? s.len : ok ? in->size : 0, known, tail, name, r.lo + off);
		if (ok)
			bounds_add(b, r.lo + off);
		off += ok ? in->size : (len - off < skip ? len - off : skip);
	}
	free(tail);
}

struct calls {
	size_t n, cap;
	uint64_t *pc;
};

static void on_call(void *ctx, const struct pgd_insn_info *in)
{
	struct calls *c = ctx;

	if (in->kind != PGD_INSN_CALL_INDIRECT)
		return;
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 16;
		c->pc = realloc(c->pc, c->cap * sizeof(*c->pc));
		assert_non_null(c->pc);
	}
	c->pc[c->n++] = in->pc;
}

/* Every indirect call of [lo, hi): the sparse decode's guard is the full decode's. */
static void compare_guards(struct pgd_disasm *d, const struct img *w, struct range r, struct tally *t,
			   const char *name)
{
	const uint8_t *code = img_code(w, r.lo);
	struct calls calls = { 0 };
	struct pgd_dcode *full = NULL, *sparse = NULL;

	pgd_disasm_calls(d, code, r.hi - r.lo, r.lo, on_call, &calls);
	if (calls.n) {
		assert_int_equal(pgd_disasm_decode(d, code, r.hi - r.lo, r.lo, &full), 0);
		assert_int_equal(pgd_disasm_index(d, code, r.hi - r.lo, r.lo, &sparse), 0);
	}
	for (size_t i = 0; i < calls.n; i++) {
		uint64_t a1 = 0, p1 = 0, a2 = 0, p2 = 0;
		int g1 = pgd_dcode_call_guard(full, calls.pc[i], &a1, &p1);
		int g2 = pgd_dcode_guard(d, sparse, code, calls.pc[i], &a2, &p2);

		assert_true(g2 == 0 || g2 == 1);
		if (!pgd_dcode_sparse(sparse)) {
			t->fallbacks++;        /* counted per range: decoded in full from here on */
			pgd_dcode_free(sparse);
			assert_int_equal(pgd_disasm_index(d, code, r.hi - r.lo, r.lo, &sparse), 0);
		}
		t->prepares++;
		if (g1 != g2 || a1 != a2 || p1 != p2)
			fail_msg("%s: call %#llx: full guard %d %#llx@%#llx, sparse %d %#llx@%#llx", name,
				 (unsigned long long)calls.pc[i], g1, (unsigned long long)a1,
				 (unsigned long long)p1, g2, (unsigned long long)a2, (unsigned long long)p2);
		t->calls++;
		t->guards += (size_t)g1;
	}
	pgd_dcode_free(full);
	pgd_dcode_free(sparse);
	free(calls.pc);
}

struct reports {
	size_t n, cap;
	struct pgd_insn_info *v;
};

static void on_report(void *ctx, const struct pgd_insn_info *in)
{
	struct reports *r = ctx;

	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 64;
		r->v = realloc(r->v, r->cap * sizeof(*r->v));
		assert_non_null(r->v);
	}
	r->v[r->n++] = *in;
}

static void reports_same(struct reports *a, struct reports *b, const char *name, const char *what, uint64_t at)
{
	if (a->n != b->n)
		fail_msg("%s: %s at %#llx: %zu reports with the scanner, %zu with capstone only", name, what,
			 (unsigned long long)at, a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		const struct pgd_insn_info *x = &a->v[i], *y = &b->v[i];

		if (x->pc != y->pc || x->len != y->len || x->kind != y->kind || x->target != y->target ||
		    x->load_disp != y->load_disp || x->depends != y->depends)
			fail_msg("%s: %s at %#llx: report %#llx kind %d target %#llx disp %lld, capstone only "
				 "%#llx kind %d target %#llx disp %lld", name, what, (unsigned long long)at,
				 (unsigned long long)x->pc, (int)x->kind, (unsigned long long)x->target,
				 (long long)x->load_disp, (unsigned long long)y->pc, (int)y->kind,
				 (unsigned long long)y->target, (long long)y->load_disp);
	}
	a->n = b->n = 0;
}

/*
 * pgd_disasm_scan and pgd_disasm_calls over the function, and
 * pgd_disasm_scan_part over windows of 16 instructions every 48 (like the
 * line windows binary.c scans), with the scanner and capstone only.
 */
static void compare_scans(struct pgd_disasm *sp, struct pgd_disasm *cs, const struct img *w, struct range r,
			  const struct bounds *b, const char *name)
{
	const uint8_t *code = img_code(w, r.lo);
	size_t len = r.hi - r.lo;
	struct reports x = { 0 }, y = { 0 };

	pgd_disasm_scan(sp, code, len, r.lo, on_report, &x);
	pgd_disasm_scan(cs, code, len, r.lo, on_report, &y);
	reports_same(&x, &y, name, "scan", r.lo);
	pgd_disasm_calls(sp, code, len, r.lo, on_report, &x);
	pgd_disasm_calls(cs, code, len, r.lo, on_report, &y);
	reports_same(&x, &y, name, "calls", r.lo);
	for (size_t i = 0; w->elf.machine == PGD_EM_X86_64 && i < b->n; i += 48) {
		uint64_t lo = b->pc[i], stop = i + 16 < b->n ? b->pc[i + 16] : r.hi;
		int r1 = pgd_disasm_scan_part(sp, code + (lo - r.lo), r.hi - lo, lo, stop, on_report, &x);
		int r2 = pgd_disasm_scan_part(cs, code + (lo - r.lo), r.hi - lo, lo, stop, on_report, &y);

		assert_int_equal(r1, r2);
		if (r1)
			x.n = y.n = 0;
		reports_same(&x, &y, name, "scan_part", lo);
	}
	free(x.v);
	free(y.v);
}

static uint64_t fnv(const uint8_t *p, size_t n)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 1099511628211ull;
	return h;
}

/* Function bodies compared already (by their bytes: Go's runtime repeats across the fixtures). */
struct seen_set {
	size_t cap, n;
	uint64_t *h;
};

static int seen_func(struct seen_set *s, const uint8_t *p, size_t len, uint16_t machine)
{
	uint64_t h = fnv(p, len) ^ ((uint64_t)machine << 48) ^ len;
	size_t i;

	if (!h)
		h = 1;
	if (2 * (s->n + 1) > s->cap) {
		struct seen_set g = { s->cap ? s->cap * 2 : 1 << 16, 0, NULL };

		g.h = calloc(g.cap, sizeof(*g.h));
		assert_non_null(g.h);
		for (size_t k = 0; k < s->cap; k++) {
			if (s->h[k]) {
				for (i = s->h[k] & (g.cap - 1); g.h[i]; i = (i + 1) & (g.cap - 1))
					;
				g.h[i] = s->h[k];
				g.n++;
			}
		}
		free(s->h);
		*s = g;
	}
	for (i = h & (s->cap - 1); s->h[i]; i = (i + 1) & (s->cap - 1)) {
		if (s->h[i] == h)
			return 1;
	}
	s->h[i] = h;
	s->n++;
	return 0;
}

/* One binary: scanner vs capstone over its functions not seen before, and the guards when `guards`. */
static void check_binary(const char *path, int guards, struct tally *t, struct seen_set *seen)
{
	struct img w;
	struct range *r;
	size_t n;
	csh cs;
	cs_insn *in;
	struct pgd_disasm *d = NULL, *dcs = NULL;
	struct bounds b = { 0 };

	if (!img_open(&w, path)) {
		img_close(&w);
		return;
	}
	assert_int_equal(cs_open(w.elf.machine == PGD_EM_X86_64 ? CS_ARCH_X86 : CS_ARCH_ARM64,
				 w.elf.machine == PGD_EM_X86_64 ? CS_MODE_64 : CS_MODE_ARM, &cs),
			 CS_ERR_OK);
	cs_option(cs, CS_OPT_DETAIL, CS_OPT_ON);
	in = cs_malloc(cs);
	assert_non_null(in);
	assert_int_equal(pgd_disasm_open(w.elf.machine, &d), 0);
	assert_int_equal(pgd_disasm_open(w.elf.machine, &dcs), 0);
	pgd_disasm_capstone_only(dcs, 1);
	r = img_funcs(&w, &n);
	for (size_t i = 0; i < n; i++) {
		if (guards)
			compare_guards(d, &w, r[i], t, path);
		if (seen_func(seen, img_code(&w, r[i].lo), r[i].hi - r[i].lo, w.elf.machine))
			continue;
		b.n = 0;
		compare_range(cs, in, &w, r[i], t, path, &b);
		if (w.elf.machine == PGD_EM_X86_64)     /* arm64 window scans are capstone's alone */
			compare_scans(d, dcs, &w, r[i], &b, path);
	}
	free(r);
	free(b.pc);
	pgd_disasm_close(d);
	pgd_disasm_close(dcs);
	cs_free(in, 1);
	cs_close(&cs);
	img_close(&w);
}

/* Fixtures with PGO guards, both machines (testdata/bin/README). */
static int is_guard_fixture(const char *name)
{
	static const char *const g[] = { "cachesvc.pgo", "cachesvc.arm64.pgo", "cachesvc.go126.pgo",
					 "splitguard.go126.pgo", "field-gofmt-go1.26.11.pgoA", "bloatsvc.pgo" };

	for (size_t i = 0; i < sizeof(g) / sizeof(g[0]); i++) {
		if (!strcmp(name, g[i]))
			return 1;
	}
	return 0;
}

/* Whether this .text was seen already (variants share it: -s -w, renamed, ...). */
static int seen_text(const char *path, uint64_t *seen, size_t *nseen)
{
	struct img w;
	uint64_t h = 0;
	int ok = img_open(&w, path);

	if (ok)
		h = fnv(pgd_elf_section_data(&w.elf, w.text), w.text->size) ^ w.elf.machine;
	img_close(&w);
	for (size_t i = 0; ok && i < *nseen; i++) {
		if (seen[i] == h)
			return 1;
	}
	if (ok && *nseen < 64)
		seen[(*nseen)++] = h;
	return !ok;
}

static void test_scan_matches_capstone(void **state)
{
	char dir[1024], path[2048];
	const char *one = getenv("PGD_SCAN_BINARY");
	struct tally t = { 0 };
	struct seen_set funcs = { 0 };
	uint64_t seen[64];
	size_t nseen = 0, nbin = 0;
	DIR *dp;
	struct dirent *e;

	(void)state;
	if (one && *one) {
		check_binary(one, 1, &t, &funcs);
		nbin = 1;
	} else {
		test_bin_path("", dir, sizeof(dir));
		assert_non_null(dp = opendir(dir));
		while ((e = readdir(dp))) {
			int g = is_guard_fixture(e->d_name);

			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s%s", dir, e->d_name);
			if (!g && seen_text(path, seen, &nseen))
				continue;
			check_binary(path, g, &t, &funcs);
			nbin++;
		}
		closedir(dp);
	}
	free(funcs.h);
	print_message("%zu binaries, %zu distinct functions: %zu instructions, %zu known to the scanner (%.2f%%), %zu asked of capstone; "
		      "%zu indirect calls, %zu guards, %zu of %zu sparse guard walks fell back\n",
		      nbin, funcs.n, t.insns, t.known, t.insns ? 100.0 * (double)t.known / (double)t.insns : 0.0,
		      t.unknown, t.calls, t.guards, t.fallbacks, t.prepares);
	assert_true(t.known > t.insns / 2);
	assert_true(t.guards > 0);
	assert_int_equal(t.fallbacks, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scan_matches_capstone),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
