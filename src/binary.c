// SPDX-License-Identifier: MIT
/*
 * Stage 3 (binary.h): one shipped Go binary, read so that the sites stage
 * can ask "what does the machine code do at line L of function F?".
 *
 * The file, in the order it is read:
 *   symbols    pgd_binary__open maps the file (bounded by max_file_bytes),
 *              validates every ELF header and section (elf.c) and reads the
 *              Go build info (buildinfo.c) and the symbol table: functions
 *              sorted by address, and the itabs ("go:itab.*T,I", Go 1.20+;
 *              "go.itab." before), whose layout follows runtime/runtime2.go.
 *   functions  pgd_binary_func resolves a profile's name to its DWARF
 *              subprogram on first use (locate: the unit covering the
 *              symbol's pc, else the unit named by the package, goname.c),
 *              or to an inlined-only function through its abstract origin;
 *              canonical_name maps the spellings profiles and DWARF differ
 *              on. Results are cached in im->funcs, misses too.
 *   code       pgd_binary_code_at_line decodes (disasm.c, capstone) every
 *              instance of a function, out-of-line and inlined copies
 *              (scan_instance), and collects the calls at one source line
 *              and the devirtualization guards before them: an itab or
 *              function address compared on the same line, or tied to the
 *              call by data flow when its lea/cmp carry another line
 *              (dataflow_guards). Line tables are decoded on demand: a
 *              DWARF unit at a time (dwarf.c), a function at a time from
 *              Go's runtime tables (gomodel.c). Answers are cached by
 *              (function, line): sites and doctor's offset-drift ask the
 *              same; code is read from the file (code_bytes), not the
 *              mapping, so scattered copies do not leave .text resident.
 *   counts     pgd_binary_inline_counts and load_all walk every unit once,
 *              for doctor's code-bloat and for functions that exist only
 *              inlined.
 *
 * Ownership: names, ranges and resolved functions live in b->arena and the
 * mapping, both released by pgd_binary__close; pgd_binary_code_at_line's
 * results come from the caller's arena. Nothing here prints; what could
 * not be read is said through pgd_binary_notes.
 */
#include "binary.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "buildinfo.h"
#include "debugfile.h"
#include "disasm.h"
#include "dwarf.h"
#include "elf.h"
#include "err.h"
#include "fileio.h"
#include "gomodel.h"
#include "gopclntab.h"
#include "gotypes.h"
#include "goname.h"
#include "hashmap.h"
#include "opts.h"

#define DEFAULT_MAX_FILE (1ull << 30)
#define DEFAULT_MAX_DECODED (2ull << 30)
#define SYM_SIZE 24
#define STT_OBJECT 1
#define STT_FUNC 2
/* itab layout (runtime/runtime2.go itab): inter, _type, hash+pad, fun[] */
#define ITAB_FUN0 0x18

/* A resolved function: the public part first, so the cache hands out &pub. */
struct bfunc_priv {
	struct pgd_bfunc pub;
	long cu;                      /* -1: no unit covers a DWARF-less symbol */
	long sub;                     /* cu->subs index of the out-of-line body or the abstract DIE;
	                               * -1: a symbol without a subprogram DIE */
	const char *key;              /* interned DWARF name */
};

struct itab {
	const char *concrete;
	const char *iface;
	size_t sym;                   /* index of its symbol in b->symbols */
};

struct itab_ref {
	const char *concrete;
	size_t idx;                   /* in im->itabs */
};

struct inl_ref {
	uint32_t cu, inl;
	int64_t next;                 /* next instance of the same origin, -1 ends */
};

struct pgd_binary_impl {
	void *map;
	size_t map_len;
	struct pgd_elf elf;
	int fd;                       /* the file, kept open for code_bytes; -1 none */
	uint64_t swept, sweep_lo, sweep_hi; /* pgd_binary_code: bytes handed out since the last drop */
	uint8_t *code;                /* code_bytes' copy of the file [code_off, code_off + code_len) */
	uint64_t code_off, code_len;
	size_t code_cap;
	struct pgd_dwarf *dw;
	struct pgd_disasm *dis;
	uint64_t max_decoded;
	struct hashmap sym_by_name;   /* symbol name -> index + 1 */
	struct hashmap funcs;         /* interned name -> struct bfunc_priv * (NULL: absent) */
	/* the last name pgd_binary_func resolved (sites come by caller: the next asks the same) */
	char last_name[256];
	const struct bfunc_priv *last_func;
	size_t funcs_resolved;
	size_t nitabs;
	struct itab *itabs;
	struct itab_ref *itab_order;  /* the itabs by concrete type, then index (itabs_of); NULL not yet */
	int all_loaded;
	struct hashmap inl_by_origin; /* interned origin name, by address (origin_find) -> first inl_ref index + 1 */
	struct inl_ref *inl_refs;
	int counts_done;
	size_t ncounts;
	struct pgd_inline_count *counts;
	struct hashmap direct;        /* struct pgd_symbol * -> struct direct_calls * (calls_directly) */
	/* closure_alias and generic_alias scan every symbol: each name's answer, kept */
	struct hashmap closure_aliases, generic_aliases; /* name (a copy) -> its alias, NULL none */
	/* code_at_line answers by (interned name, line): sites and doctor ask the same */
	struct hashmap code_cache;    /* struct code_key -> struct pgd_line_code * in b->arena */
	/* the last body decoded for guards by data flow (sites come by caller) */
	struct pgd_dcode *dcode;
	uint64_t dcode_lo, dcode_hi;
	/* Go's runtime tables (gopclntab.h, gotypes.h): the model when DWARF is absent */
	int runtime_model;            /* im->dw was built from .gopclntab, not DWARF */
	int dwarf_absent;             /* the binary itself has no DWARF (-w, -s) */
	int symbols_synth;            /* no .symtab: functions from .gopclntab, itabs from itablinks */
	int have_mod;                 /* moduledata found */
	struct pgd_pcln pcln;
	struct pgd_gomod mod;
	size_t itabs_skipped;
	/* a separate debug file (debugfile.h) whose DWARF is used */
	void *dbg_map;
	size_t dbg_len;
	struct pgd_elf dbg_elf;
	const char *dbg_path, *dbg_rule;
	uint64_t max_file;
};

static const char *const itab_prefixes[] = { "go:itab.", "go.itab." }; /* Go >= 1.20, older */

/* ---- symbols ---------------------------------------------------------------- */

static int sym_cmp(const void *a, const void *b)
{
	const struct pgd_symbol *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	if (x->is_func != y->is_func)
		return y->is_func - x->is_func;
	return strcmp(x->name, y->name);
}

static const char *itab_body(const char *name)
{
	for (size_t i = 0; i < PGD_ARRAY_SIZE(itab_prefixes); i++) {
		size_t n = strlen(itab_prefixes[i]);

		if (!strncmp(name, itab_prefixes[i], n))
			return name + n;
	}
	return NULL;
}

/* "*main.RedisCache,main.Cache": the comma outside any type brackets. */
static int split_itab(struct arena *a, const char *body, struct itab *out)
{
	int depth = 0;

	for (const char *p = body; *p; p++) {
		if (*p == '[' || *p == '(' || *p == '{')
			depth++;
		else if ((*p == ']' || *p == ')' || *p == '}') && depth)
			depth--;
		else if (*p == ',' && !depth) {
			out->concrete = pgd_arena_strndup(a, body, (size_t)(p - body));
			out->iface = pgd_arena_strdup(a, p + 1);
			return out->concrete && out->iface ? 0 : -1;
		}
	}
	return 1;
}

static int index_symbols(struct pgd_binary *b, struct pgd_err *err);

static int read_symbols(struct pgd_binary *b, struct pgd_err *err)
{
	struct pgd_binary_impl *im = b->impl;
	const struct pgd_elf *e = &im->elf;
	const struct pgd_elf_section *st = NULL, *str;
	const uint8_t *d;
	size_t n;

	for (size_t i = 1; i < e->nsections; i++) {
		if (e->sections[i].type == PGD_SHT_SYMTAB) {
			st = &e->sections[i];
			break;
		}
	}
	if (!st)
		return 0; /* stripped with -s: DWARF is gone too and the caller says so */
	if (st->entsize != SYM_SIZE || st->link >= e->nsections || st->link == 0)
		return pgd_err_set(err, PGD_EINPUT, b->path, "bad ELF: malformed .symtab header");
	str = &e->sections[st->link];
	d = pgd_elf_section_data(e, st);
	n = st->size / SYM_SIZE;
	b->symbols = pgd_arena_calloc(&b->arena, n ? n : 1, sizeof(*b->symbols));
	if (!b->symbols)
		return pgd_err_nomem(err, b->path);
	for (size_t i = 1; i < n; i++) {
		const uint8_t *p = d + i * SYM_SIZE;
		uint32_t noff = (uint32_t)(p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24);
		uint8_t type = p[4] & 0xf;
		uint16_t shndx = (uint16_t)(p[6] | p[7] << 8);
		const char *base = (const char *)pgd_elf_section_data(e, str);
		struct pgd_symbol *s;

		if ((type != STT_FUNC && type != STT_OBJECT) || !shndx)
			continue;
		if (!base || noff >= str->size || !memchr(base + noff, '\0', str->size - noff))
			return pgd_err_set(err, PGD_EINPUT, b->path, "bad ELF: symbol %zu name outside .strtab", i);
		s = &b->symbols[b->nsymbols++];
		s->name = base + noff;
		s->is_func = type == STT_FUNC;
		/*
		 * The linker names assembly (ABI0) functions "runtime.futex.abi0"
		 * in .symtab, while pclntab, and so every profile, says
		 * "runtime.futex": store the name profiles use.
		 */
		if (s->is_func) {
			size_t len = strlen(s->name);

			if (len > 5 && !strcmp(s->name + len - 5, ".abi0")) {
				s->name = pgd_arena_strndup(&b->arena, s->name, len - 5);
				if (!s->name)
					return pgd_err_nomem(err, b->path);
			}
		}
		memcpy(&s->addr, p + 8, 8);
		memcpy(&s->size, p + 16, 8);
	}
	return index_symbols(b, err);
}

/* Sorts the symbols, indexes them by name and collects the itabs among them. */
static int index_symbols(struct pgd_binary *b, struct pgd_err *err)
{
	struct pgd_binary_impl *im = b->impl;
	size_t cap_itabs = 0;

	qsort(b->symbols, b->nsymbols, sizeof(*b->symbols), sym_cmp);
	if (pgd_hashmap_reserve(&im->sym_by_name, b->nsymbols))
		return pgd_err_nomem(err, b->path);
	for (size_t i = 0; i < b->nsymbols; i++) {
		const struct pgd_symbol *s = &b->symbols[i];
		struct hashmap_entry *he;
		const char *body = s->is_func ? NULL : itab_body(s->name);
		int inserted;

		if (i + PGD_HASHMAP_AHEAD < b->nsymbols)
			pgd_hashmap_prefetch(&im->sym_by_name, b->symbols[i + PGD_HASHMAP_AHEAD].name,
					     strlen(b->symbols[i + PGD_HASHMAP_AHEAD].name));
		he = pgd_hashmap_upsert(&im->sym_by_name, s->name, strlen(s->name), &inserted);
		if (!he)
			return pgd_err_nomem(err, b->path);
		if (inserted)
			he->val.u64 = i + 1;
		if (body) {
			if (im->nitabs == cap_itabs) {
				cap_itabs = cap_itabs ? cap_itabs * 2 : 64;
				im->itabs = pgd_arena_realloc_array(&b->arena, im->itabs, im->nitabs, cap_itabs,
								sizeof(*im->itabs));
				if (!im->itabs)
					return pgd_err_nomem(err, b->path);
			}
			im->itabs[im->nitabs].sym = i;
			switch (split_itab(&b->arena, body, &im->itabs[im->nitabs])) {
			case 0: im->nitabs++; break;
			case 1: break;
			default: return pgd_err_nomem(err, b->path);
			}
		}
	}
	return 0;
}

static const struct pgd_symbol *sym_by_name(const struct pgd_binary *b, const char *name)
{
	const struct hashmap_entry *e = pgd_hashmap_find_str(&b->impl->sym_by_name, name);

	return e ? &b->symbols[e->val.u64 - 1] : NULL;
}

const struct pgd_symbol *pgd_binary_func_symbol(const struct pgd_binary *b, const char *name)
{
	const struct pgd_symbol *s = sym_by_name(b, name);

	return s && s->is_func ? s : NULL;
}

int pgd_binary_has_symbol(const struct pgd_binary *b, const char *name)
{
	return pgd_binary_func_symbol(b, name) != NULL;
}

const struct pgd_symbol *pgd_binary_symbol_at(const struct pgd_binary *b, uint64_t addr)
{
	size_t lo = 0, hi = b->nsymbols;
	const struct pgd_symbol *best = NULL;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (b->symbols[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* Symbols at the same address sort functions first; take the first that covers addr. */
	while (lo > 0) {
		const struct pgd_symbol *s = &b->symbols[lo - 1];

		if (best && s->addr != best->addr)
			break;
		if (addr == s->addr || addr - s->addr < s->size)
			best = s;
		else if (!best)
			break;
		lo--;
	}
	return best;
}

static int itab_ref_cmp(const void *a, const void *b)
{
	const struct itab_ref *x = a, *y = b;
	int r = strcmp(x->concrete, y->concrete);

	return r ? r : (x->idx > y->idx) - (x->idx < y->idx);
}

/*
 * The itabs of a concrete type, in im->itabs order: refs [*from, *from + n)
 * of the order built on the first call (a service has tens of thousands
 * of itabs, and each site asked through all of them). With no memory for
 * the order, *all is set and the caller scans every itab.
 */
static size_t itabs_of(const struct pgd_binary *b, const char *concrete, size_t *from, int *all)
{
	struct pgd_binary_impl *im = b->impl;
	size_t lo = 0, hi = im->nitabs, n = 0;

	*from = 0;
	*all = 0;
	if (!im->itab_order && im->nitabs) {
		if (!(im->itab_order = malloc(im->nitabs * sizeof(*im->itab_order)))) {
			*all = 1;
			return im->nitabs;
		}
		for (size_t i = 0; i < im->nitabs; i++)
			im->itab_order[i] = (struct itab_ref){ im->itabs[i].concrete, i };
		qsort(im->itab_order, im->nitabs, sizeof(*im->itab_order), itab_ref_cmp);
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(im->itab_order[mid].concrete, concrete) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*from = lo;
	while (lo + n < im->nitabs && !strcmp(im->itab_order[lo + n].concrete, concrete))
		n++;
	return n;
}

/* The k-th itab of a concrete type found by itabs_of. */
static const struct itab *itab_at(const struct pgd_binary *b, size_t from, int all, size_t k)
{
	return &b->impl->itabs[all ? k : b->impl->itab_order[from + k].idx];
}

size_t pgd_binary_itab_ifaces(const struct pgd_binary *b, const char *concrete,
			      const char **out, size_t max)
{
	size_t from, n = 0;
	int all;
	size_t m = itabs_of(b, concrete, &from, &all);

	for (size_t k = 0; k < m; k++) {
		const struct itab *it = itab_at(b, from, all, k);

		if (strcmp(it->concrete, concrete))
			continue;
		if (n < max)
			out[n] = it->iface;
		n++;
	}
	return n;
}

/* ---- open / close ------------------------------------------------------------ */

/* keep_fd: where to keep the descriptor open (NULL: closed once mapped). */
static int map_file(const char *path, uint64_t max, void **map, size_t *len, int *keep_fd, struct pgd_err *err)
{
	struct stat st;
	int fd, ret;

	*map = NULL;
	*len = 0;
	/* Non-blocking open, then fstat: a FIFO is refused instead of hanging (fileio.c). */
	if ((ret = pgd_open_regular(path, &fd, &st, err)))
		return ret;
	if (fstat(fd, &st)) {
		ret = pgd_err_set(err, PGD_EINPUT, path, "cannot stat: %s", strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		ret = pgd_err_set(err, PGD_EINPUT, path, "not a regular file");
		goto out;
	}
	if ((uint64_t)st.st_size > max) {
		ret = pgd_err_set(err, PGD_ELIMIT, path, "file is %lld bytes, over the limit of %llu",
				  (long long)st.st_size, (unsigned long long)max);
		goto out;
	}
	if (st.st_size == 0) {
		ret = pgd_err_set(err, PGD_EINPUT, path, "not an ELF file: the file is empty");
		goto out;
	}
	*map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (*map == MAP_FAILED) {
		*map = NULL;
		ret = pgd_err_set(err, PGD_EINPUT, path, "cannot map: %s", strerror(errno));
		goto out;
	}
	*len = (size_t)st.st_size;
	if (keep_fd) {
		*keep_fd = fd;
		return 0;
	}
out:
	close(fd);
	return ret;
}

/* ---- Go's runtime tables: what a stripped binary still has ------------------- */

#define OPEN_RUNTIME 1u               /* ignore DWARF */
#define OPEN_NO_SYMTAB 2u             /* ignore .symtab */
#define OPEN_DWARF 4u                 /* DWARF (or a debug file's) whenever there is some */

/* Whether the image carries DWARF at all (what dwarf.c would refuse). */
static int has_dwarf(const struct pgd_elf *e)
{
	const struct pgd_elf_section *s = pgd_elf_section(e, ".debug_info");

	if (!s)
		s = pgd_elf_section(e, ".zdebug_info");
	return s && s->size;
}

/*
 * Without .symtab (-ldflags=-s): every .gopclntab function as a symbol
 * (the names profiles use; no .abi0 suffix to drop) and every itab of
 * moduledata's itablinks, named as the linker names go:itab.* symbols.
 */
static int synth_symbols(struct pgd_binary *b, struct pgd_err *err)
{
	struct pgd_binary_impl *im = b->impl;
	struct pgd_goitab *itabs = NULL;
	size_t nitabs = 0;

	if (im->have_mod && pgd_gomod_itabs(&im->elf, &im->pcln, &im->mod, &b->arena, &itabs, &nitabs,
					     &im->itabs_skipped))
		return pgd_err_nomem(err, b->path);
	b->symbols = pgd_arena_calloc(&b->arena, (size_t)im->pcln.nfunc + nitabs + 1, sizeof(*b->symbols));
	if (!b->symbols)
		return pgd_err_nomem(err, b->path);
	for (uint32_t i = 0; i < im->pcln.nfunc; i++) {
		struct pgd_pcln_func f;
		struct pgd_symbol *s;

		if (pgd_pcln_func(&im->pcln, i, &f) || f.end <= f.entry)
			continue;
		s = &b->symbols[b->nsymbols++];
		s->name = f.name;
		s->addr = f.entry;
		s->size = f.end - f.entry;
		s->is_func = 1;
	}
	for (size_t i = 0; i < nitabs; i++) {
		struct pgd_symbol *s = &b->symbols[b->nsymbols++];

		s->name = pgd_arena_printf(&b->arena, "%s%s,%s", itab_prefixes[0], itabs[i].concrete, itabs[i].iface);
		if (!s->name)
			return pgd_err_nomem(err, b->path);
		s->addr = itabs[i].addr;
		s->size = ITAB_FUN0 + 8;
	}
	im->symbols_synth = 1;
	return index_symbols(b, err);
}

/* .gopclntab and moduledata; PGD_EINPUT when there is no .gopclntab this reads. */
static int runtime_tables(struct pgd_binary *b, struct pgd_err *err)
{
	struct pgd_binary_impl *im = b->impl;
	const struct pgd_elf_section *text = pgd_elf_section(&im->elf, ".text");
	int ret;

	if ((ret = pgd_pcln_open(&im->elf, b->path, &im->pcln, err)))
		return ret;
	if (!pgd_gomod_find(&im->elf, &im->pcln, &im->mod)) {
		im->have_mod = 1;
		im->pcln.gofunc = im->mod.gofunc;
		if (!im->pcln.text_start)
			im->pcln.text_start = im->mod.text; /* Go >= 1.26 stores no textStart */
	}
	if (!im->pcln.text_start && text)
		im->pcln.text_start = text->addr;
	return 0;
}

/* The CRC-32 .gnu_debuglink records (zlib's, as binutils' bfd_calc_gnu_debuglink_crc32). */
static uint32_t file_crc32(const void *data, size_t len)
{
	const Bytef *p = data;
	uLong crc = crc32(0L, Z_NULL, 0);

	for (size_t chunk; len; len -= chunk, p += chunk) {
		chunk = len > (1u << 30) ? (1u << 30) : len;
		crc = crc32(crc, p, (uInt)chunk);
	}
	return (uint32_t)crc;
}

/*
 * A debug file candidate: an ELF file with DWARF, for the same build (its
 * GNU build ID equals the binary's when both have one; found by
 * .gnu_debuglink, its CRC-32 equals the link's). 0 when it is mapped into
 * im->dbg_*; 1 when it is not that file; <0 on errors that must stop.
 */
static int try_debug_file(struct pgd_binary *b, const struct pgd_debug_candidate *c, int explicit,
			  struct pgd_err *err)
{
	struct pgd_binary_impl *im = b->impl;
	struct pgd_err e2 = { 0 };
	const char *want, *have;
	int ret;

	if (!explicit && access(c->path, R_OK))
		return 1;
	if ((ret = map_file(c->path, im->max_file, &im->dbg_map, &im->dbg_len, NULL, explicit ? err : &e2)))
		return explicit ? ret : 1;
	if ((ret = pgd_elf_parse(im->dbg_map, im->dbg_len, &b->arena, c->path, &im->dbg_elf, explicit ? err : &e2)))
		goto reject;
	ret = PGD_EINPUT;
	want = pgd_gnu_build_id(&im->elf, &b->arena);
	have = pgd_gnu_build_id(&im->dbg_elf, &b->arena);
	if (!has_dwarf(&im->dbg_elf)) {
		pgd_err_set(explicit ? err : &e2, PGD_EINPUT, c->path, "the debug file has no DWARF (.debug_info)");
		goto reject;
	}
	if (want && have && strcmp(want, have)) {
		pgd_err_set(explicit ? err : &e2, PGD_EINPUT, c->path,
			    "the debug file's build ID %s is not the binary's (%s): another build", have, want);
		goto reject;
	}
	if (c->check_crc && file_crc32(im->dbg_map, im->dbg_len) != c->crc) {
		pgd_err_set(explicit ? err : &e2, PGD_EINPUT, c->path, "CRC-32 differs from .gnu_debuglink's: another build");
		goto reject;
	}
	im->dbg_path = pgd_arena_strdup(&b->arena, c->path);
	im->dbg_rule = c->rule;
	return im->dbg_path ? 0 : pgd_err_nomem(err, b->path);
reject:
	munmap(im->dbg_map, im->dbg_len);
	im->dbg_map = NULL;
	memset(&im->dbg_elf, 0, sizeof(im->dbg_elf));
	return explicit ? ret : 1;
}

/* The binary's split DWARF: --debug-file, else by build ID and .gnu_debuglink. */
static int find_debug_file(struct pgd_binary *b, const struct pgd_limits *lim, const struct pgd_elf **out,
			   struct pgd_err *err)
{
	int has = PGD_OPTS_HAS(lim, struct pgd_limits, debug_dirs);
	struct pgd_debug_candidate *c = NULL, given;
	size_t n = 0;
	int ret;

	*out = NULL;
	if (has && lim->debug_file) {
		given.path = lim->debug_file;
		given.rule = "--debug-file";
		given.check_crc = 0;
		if ((ret = try_debug_file(b, &given, 1, err)))
			return ret;
		*out = &b->impl->dbg_elf;
		return 0;
	}
	if (pgd_debug_candidates(&b->impl->elf, b->path, has ? lim->debug_dirs : NULL, &b->arena, &c, &n))
		return pgd_err_nomem(err, b->path);
	for (size_t i = 0; i < n; i++) {
		if ((ret = try_debug_file(b, &c[i], 0, err)) < 0)
			return ret;
		if (!ret) {
			*out = &b->impl->dbg_elf;
			return 0;
		}
	}
	return 0;
}

/*
 * Which tables answer. Go's runtime tables when they are complete (Go >=
 * 1.20: _func.startLine is DWARF's decl_line; moduledata found for the
 * inline trees): they give what DWARF gives (tests/unit/test_pclntab.c,
 * every fixture, site by site) at a fraction of the cost, since a
 * package's rows decode from pc-value tables instead of whole DWARF line
 * programs and inlined copies come from inline trees instead of a walk of
 * every DIE. DWARF otherwise: Go 1.18-1.19, a .gopclntab this cannot read,
 * --debug-file, or OPEN_DWARF; from the binary or a separate debug file.
 * Without .symtab, functions and itabs come from the runtime tables.
 */
static int open_tables(struct pgd_binary *b, const struct pgd_limits *lim, unsigned mode, struct pgd_err *err)
{
	struct pgd_binary_impl *im = b->impl;
	const struct pgd_elf *dw_elf = NULL;
	struct pgd_err perr = { 0 };
	int given = PGD_OPTS_HAS(lim, struct pgd_limits, debug_file) && lim->debug_file;
	int ret, pcln_ret, runtime_ok;

	pcln_ret = runtime_tables(b, &perr);
	runtime_ok = !pcln_ret && im->have_mod && im->pcln.magic == PGD_PCLN_MAGIC_120;
	im->dwarf_absent = !has_dwarf(&im->elf);
	if (!(mode & OPEN_RUNTIME) && (!runtime_ok || given || (mode & OPEN_DWARF))) {
		if (!im->dwarf_absent && !given)
			dw_elf = &im->elf;
		else if ((ret = find_debug_file(b, lim, &dw_elf, err)))
			return ret;
	}
	if (!pcln_ret && !b->nsymbols && (ret = synth_symbols(b, err)))
		return ret;
	if (dw_elf)
		return pgd_dwarf_open(dw_elf, &b->arena, dw_elf == &im->elf ? b->path : im->dbg_path, im->max_decoded,
				      &im->dw, err);
	if (pcln_ret)
		return pgd_err_set(err, PGD_EINPUT, b->path,
				   "no DWARF, no debug file and no Go runtime tables this can read (%s); pgodrift "
				   "needs one of them to map call sites to source lines", perr.msg);
	im->runtime_model = 1;
	return pgd_gomodel_build(&im->pcln, &b->arena, b->path, &im->dw, err);
}

static int open_binary(const char *path, const struct pgd_limits *limits, unsigned mode,
		       struct pgd_binary **out, struct pgd_err *err);

int pgd_binary__open(const char *path, const struct pgd_limits *limits,
		     struct pgd_binary **out, struct pgd_err *err)
{
	return open_binary(path, limits, 0, out, err);
}

int pgd_binary_open_runtime(const char *path, const struct pgd_limits *limits, int no_symtab,
			    struct pgd_binary **out, struct pgd_err *err)
{
	return open_binary(path, limits, OPEN_RUNTIME | (no_symtab ? OPEN_NO_SYMTAB : 0), out, err);
}

int pgd_binary_open_dwarf(const char *path, const struct pgd_limits *limits, struct pgd_binary **out,
			  struct pgd_err *err)
{
	return open_binary(path, limits, OPEN_DWARF, out, err);
}

static int open_binary(const char *path, const struct pgd_limits *limits, unsigned mode,
		       struct pgd_binary **out, struct pgd_err *err)
{
	struct pgd_binary *b;
	struct pgd_binary_impl *im;
	struct pgd_buildinfo bi;
	const struct pgd_elf_section *text;
	uint64_t max_file = DEFAULT_MAX_FILE, max_decoded = DEFAULT_MAX_DECODED;
	int ret;

	*out = NULL;
	{
		struct pgd_limits lim;

		if ((ret = pgd_limits_resolve(limits, &lim, err)))
			return ret;
		max_file = lim.max_file_bytes;
		max_decoded = lim.max_decoded_bytes;
	}
	b = calloc(1, sizeof(*b));
	if (!b)
		return pgd_err_nomem(err, path);
	pgd_arena_init(&b->arena, 0);
	im = pgd_arena_alloc(&b->arena, sizeof(*im));
	b->path = pgd_arena_strdup(&b->arena, path);
	if (!im || !b->path) {
		ret = pgd_err_nomem(err, path);
		goto out;
	}
	b->impl = im;
	im->fd = -1;
	im->max_decoded = max_decoded;
	im->max_file = max_file;
	if ((ret = map_file(path, max_file, &im->map, &im->map_len, &im->fd, err)))
		goto out;
	if ((ret = pgd_elf_parse(im->map, im->map_len, &b->arena, path, &im->elf, err)))
		goto out;
	if (im->elf.machine == PGD_EM_X86_64) {
		b->arch = "amd64";
	} else if (im->elf.machine == PGD_EM_AARCH64) {
		b->arch = "arm64";
	} else {
		ret = pgd_err_set(err, PGD_EINPUT, path,
				  "unsupported machine %u: pgodrift reads amd64 and arm64 binaries",
				  im->elf.machine);
		goto out;
	}
	if ((ret = pgd_buildinfo_read(&im->elf, &b->arena, path, &bi, err)))
		goto out;
	b->go_version = bi.go_version;
	b->main_module = bi.main_module;
	b->nsettings = bi.nsettings;
	b->settings = bi.settings;
	b->build_id = pgd_buildid_read(&im->elf, &b->arena);
	text = pgd_elf_section(&im->elf, ".text");
	b->text_size = text ? text->size : 0;
	if (!(mode & OPEN_NO_SYMTAB) && (ret = read_symbols(b, err)))
		goto out;
	ret = open_tables(b, limits, mode, err);
out:
	if (ret) {
		pgd_binary__close(b);
		return ret;
	}
	*out = b;
	return 0;
}

static void direct_free(struct pgd_binary_impl *im);

void pgd_binary__close(struct pgd_binary *b)
{
	struct pgd_binary_impl *im;

	if (!b)
		return;
	im = b->impl;
	if (im) {
		pgd_dwarf_close(im->dw);
		pgd_dcode_free(im->dcode);
		pgd_disasm_close(im->dis);
		pgd_hashmap_free(&im->sym_by_name);
		pgd_hashmap_free(&im->funcs);
		pgd_hashmap_free(&im->code_cache);
		direct_free(im);
		pgd_hashmap_free(&im->inl_by_origin);
		free(im->itab_order);
		pgd_hashmap_free(&im->closure_aliases);
		pgd_hashmap_free(&im->generic_aliases);
		free(im->inl_refs);
		if (im->map)
			munmap(im->map, im->map_len);
		if (im->fd >= 0)
			close(im->fd);
		free(im->code);
		if (im->dbg_map)
			munmap(im->dbg_map, im->dbg_len);
	}
	pgd_arena_release(&b->arena);
	free(b);
}

const char *pgd_binary__path(const struct pgd_binary *b)
{
	return b->path;
}

const char *pgd_binary__go_version(const struct pgd_binary *b)
{
	return b->go_version;
}

const char *pgd_binary__main_module(const struct pgd_binary *b)
{
	return b->main_module;
}

const char *pgd_binary__build_setting(const struct pgd_binary *b, const char *key)
{
	for (size_t i = 0; i < b->nsettings; i++) {
		if (!strcmp(b->settings[i].key, key))
			return b->settings[i].value;
	}
	return NULL;
}

const char *pgd_binary__build_id(const struct pgd_binary *b)
{
	return b->build_id;
}

const char *pgd_binary__arch(const struct pgd_binary *b)
{
	return b->arch;
}

void pgd_binary_stats(const struct pgd_binary *b, struct pgd_binary_stats *out)
{
	const struct pgd_dwarf *dw = b->impl->dw;

	out->cus_total = dw->ncus;
	out->cus_loaded = dw->cus_loaded;
	out->funcs_total_hint = dw->subs_seen;
	out->funcs_resolved = b->impl->funcs_resolved;
	out->line_tables_decoded = dw->line_tables_decoded;
	out->dies_ranges_unread = dw->ranges_unread;
}

/* ---- functions ---------------------------------------------------------------- */

static int range_has(const struct pgd_pc_range *r, size_t n, uint64_t pc)
{
	for (size_t i = 0; i < n; i++) {
		if (pc >= r[i].lo && pc < r[i].hi)
			return 1;
	}
	return 0;
}

/* Index of the last row at or before pc (0 when none is). */
static size_t row_at(const struct pgd_dw_cu *cu, uint64_t pc)
{
	size_t n = pgd_dwarf_rows_upto(cu, pc);

	return n ? n - 1 : 0;
}

/* The unit's rows for the pcs of ranges r (dwarf.h: a whole unit, or its functions there). */
static int load_rows(struct pgd_dwarf *dw, size_t cu, const struct pgd_pc_range *r, size_t nr,
		     struct pgd_err *err)
{
	int ret;

	for (size_t i = 0; i < nr; i++) {
		if ((ret = pgd_dwarf_load_lines_for(dw, cu, r[i].lo, r[i].hi, err)))
			return ret;
	}
	return 0;
}

/*
 * The source file of an instance's own code (not that of what it inlines):
 * Go writes no DW_AT_decl_file on abstract subprograms and their concrete
 * copies, so it is read off the line table.
 */
static const char *own_file(const struct pgd_dw_cu *cu, const struct pgd_pc_range *r, size_t nr,
			    const struct pgd_dw_inl *const *kids, size_t nkids)
{
	for (size_t i = 0; i < nr; i++) {
		for (size_t k = row_at(cu, r[i].lo); k < cu->nrows && cu->rows[k].addr < r[i].hi; k++) {
			uint64_t pc = cu->rows[k].addr > r[i].lo ? cu->rows[k].addr : r[i].lo;
			size_t j;

			if (cu->rows[k].file == PGD_DW_END)
				continue;
			for (j = 0; j < nkids && !range_has(kids[j]->ranges, kids[j]->nranges, pc); j++)
				;
			if (j == nkids)
				return cu->files[cu->rows[k].file];
		}
	}
	return NULL;
}

/*
 * Inlined subroutines directly inside an instance (through lexical
 * blocks). The walk stored them in DIE order, each followed by its own
 * nested ones, so the direct children are found by skipping subtrees.
 */
static size_t direct_kids(const struct pgd_dw_cu *cu, long sub, long inl, const struct pgd_dw_inl **out,
			  size_t max)
{
	uint32_t j = inl >= 0 ? (uint32_t)inl + 1 : cu->subs[sub].inl_begin;
	uint32_t end = inl >= 0 ? cu->inls[inl].end : cu->subs[sub].inl_end;
	size_t n = 0;

	while (j < end && j < cu->ninls) {
		if (n < max)
			out[n] = &cu->inls[j];
		n++;
		j = cu->inls[j].end > j ? cu->inls[j].end : j + 1;
	}
	return n;
}

static int kids_alloc(const struct pgd_dw_cu *cu, long sub, long inl, const struct pgd_dw_inl ***out,
		      size_t *n)
{
	*n = sub < 0 && inl < 0 ? 0 : direct_kids(cu, sub, inl, NULL, 0);
	*out = calloc(*n ? *n : 1, sizeof(**out));
	if (!*out)
		return -1;
	direct_kids(cu, sub, inl, *out, *n);
	return 0;
}

/* The package part of a Go symbol name (goname.c), unescaped as CU names are; 0: none. */
static size_t package_of(const char *name, char *buf, size_t size)
{
	struct pgd_goname g;

	pgd_goname_parse(name, &g);
	if (g.generated || g.pkg_len == g.len || pgd_goname_pkg(name, &g, buf, size))
		return 0;
	return strlen(buf);
}

static long find_sub(const struct pgd_dw_cu *cu, const char *key, uint64_t addr, int want_code)
{
	long abstract = -1;

	for (size_t i = 0; i < cu->nsubs; i++) {
		const struct pgd_dw_sub *s = &cu->subs[i];

		if (want_code) {
			if (s->nranges && range_has(s->ranges, s->nranges, addr))
				return (long)i;
			continue;
		}
		if (s->name != key)
			continue;
		if (s->nranges)
			return (long)i;
		if (abstract < 0)
			abstract = (long)i;
	}
	return abstract;
}

static int load_all(struct pgd_binary *b, struct pgd_err *err);

/*
 * Origins are interned (dwarf.h), and so is every name asked about: the
 * index is keyed by the name's address (the pointer's bytes, kept in the
 * inlined copy's origin field), not hashed and compared as a string.
 */
static struct hashmap_entry *origin_find(const struct pgd_binary_impl *im, const char *interned)
{
	return pgd_hashmap_find(&im->inl_by_origin, &interned, sizeof(interned));
}

/* The subprogram DIE at section offset off, loading its unit; -1 if none. */
static long sub_at_offset(struct pgd_dwarf *dw, uint64_t off, long *cu, struct pgd_err *err)
{
	long c = pgd_dwarf_cu_for_offset(dw, off);

	*cu = c;
	if (c < 0 || pgd_dwarf_load_cu(dw, (size_t)c, err))
		return -1;
	for (size_t i = 0; i < dw->cus[c].nsubs; i++) {
		if (dw->cus[c].subs[i].die_off == off)
			return (long)i;
	}
	return -1;
}

/*
 * Where a function's DIE is, never by package name alone:
 *  1. a symbol: the unit whose ranges cover its address (Go splits a
 *     package over several units, and a linknamed function such as
 *     internal/poll.runtime_pollWait sits in a runtime unit);
 *  2. by name in every unit of its package (the out-of-line copy, or the
 *     abstract DIE of a function that exists only inlined);
 *  3. the abstract DIE in any other unit, through an inlined copy's
 *     DW_AT_abstract_origin (the linker keeps one abstract DIE per function,
 *     in the first unit that inlined it: ir.DoChildrenWithHidden's is in
 *     cmd/compile/internal/deadlocals's unit).
 * *sub is -1 when none is found; *cu then is the unit covering the
 * symbol, or -1.
 */
static int locate(struct pgd_binary *b, const char *key, const struct pgd_symbol *sym, long *cu,
		  long *sub, struct pgd_err *err)
{
	struct pgd_binary_impl *im = b->impl;
	struct pgd_dwarf *dw = im->dw;
	long pc_cu = -1, abs_cu = -1, abs_sub = -1;
	char pkg[1024];
	size_t plen;
	struct hashmap_entry *e;

	*cu = *sub = -1;
	if (sym && (pc_cu = pgd_dwarf_cu_for_pc(dw, sym->addr)) >= 0) {
		if (pgd_dwarf_load_cu(dw, (size_t)pc_cu, err))
			return -1;
		if ((*sub = find_sub(&dw->cus[pc_cu], key, sym->addr, 1)) >= 0) {
			*cu = pc_cu;
			return 0;
		}
	}
	if ((plen = package_of(key, pkg, sizeof(pkg))) != 0) {
		for (long c = pgd_dwarf_cu_by_name(dw, pkg, plen, 0); c >= 0;
		     c = pgd_dwarf_cu_by_name(dw, pkg, plen, (size_t)c + 1)) {
			long s;

			if (pgd_dwarf_load_cu(dw, (size_t)c, err))
				return -1;
			s = find_sub(&dw->cus[c], key, 0, 0);
			if (s >= 0 && dw->cus[c].subs[s].nranges) {
				*cu = c;
				*sub = s;
				return 0;
			}
			if (s >= 0 && abs_sub < 0) {
				abs_cu = c;
				abs_sub = s;
			}
		}
	}
	if (abs_sub >= 0) {
		*cu = abs_cu;
		*sub = abs_sub;
		return 0;
	}
	if (load_all(b, err))
		return -1;
	e = origin_find(im, key);
	if (e) {
		const struct inl_ref *r = &im->inl_refs[e->val.u64 - 1];
		const struct pgd_dw_inl *in = &dw->cus[r->cu].inls[r->inl];

		if (err && err->code)
			return -1;
		*sub = sub_at_offset(dw, in->origin_off, cu, err);
		if (err && err->code)
			return -1;
		if (*sub >= 0)
			return 0;
	}
	*cu = pc_cu;
	return 0;
}

/*
 * The file of a function that exists only inlined, whose abstract DIE's
 * unit holds no copy of it: the first inlined copy anywhere tells.
 */
static const char *inlined_copy_file(struct pgd_binary *b, const char *key, struct pgd_err *err)
{
	struct pgd_binary_impl *im = b->impl;
	struct hashmap_entry *e;
	const struct pgd_dw_inl **kids = NULL;
	const struct inl_ref *r;
	struct pgd_dw_cu *c;
	const char *file;
	size_t nk = 0;

	if (load_all(b, err))
		return NULL;
	if (!(e = origin_find(im, key)))
		return NULL;
	r = &im->inl_refs[e->val.u64 - 1];
	c = &im->dw->cus[r->cu];
	if (load_rows(im->dw, r->cu, c->inls[r->inl].ranges, c->inls[r->inl].nranges, err))
		return NULL;
	if (kids_alloc(c, (long)c->inls[r->inl].sub, (long)r->inl, &kids, &nk)) {
		pgd_err_nomem(err, b->path);
		return NULL;
	}
	file = own_file(c, c->inls[r->inl].ranges, c->inls[r->inl].nranges, kids, nk);
	free(kids);
	return file;
}

/*
 * The spelling profiles and DWARF use: dots in the last import path
 * element escaped as %2e (objabi.PathToPrefix). A caller may hand us the
 * plain spelling; then each dot of that element might end the package.
 */
static const char *canonical_name(struct pgd_binary *b, const char *name, char *buf, size_t size)
{
	const char *end = strchr(name, '[') ? strchr(name, '[') : name + strlen(name);
	const char *slash = NULL;

	if (sym_by_name(b, name) || !strchr(name, '.'))
		return name;
	for (const char *p = name; p < end; p++) {
		if (*p == '/')
			slash = p;
	}
	if (!slash)
		return name;
	for (const char *dot = strchr(slash, '.'); dot && dot < end; dot = strchr(dot + 1, '.')) {
		size_t o = 0;

		for (const char *p = name; *p && o + 4 < size; p++) {
			if (p > slash && p < dot && *p == '.') {
				memcpy(buf + o, "%2e", 3);
				o += 3;
			} else {
				buf[o++] = *p;
			}
		}
		buf[o] = '\0';
		if (sym_by_name(b, buf))
			return buf;
	}
	return name;
}

static void remember_func(struct pgd_binary_impl *im, const char *name, const struct bfunc_priv *f)
{
	size_t len = strlen(name);

	if (len < sizeof(im->last_name)) {
		memcpy(im->last_name, name, len + 1);
		im->last_func = f;
	}
}

const struct pgd_bfunc *pgd_binary_func(struct pgd_binary *b, const char *name, struct pgd_err *err)
{
	struct pgd_binary_impl *im = b->impl;
	struct pgd_dwarf *dw = im->dw;
	struct bfunc_priv *f = NULL;
	const struct pgd_symbol *sym;
	struct hashmap_entry *he;
	const char *key, *cname;
	char buf[1024];
	long cu = -1, sub = -1;
	int inserted;

	if (im->last_func && !strcmp(name, im->last_name))
		return &im->last_func->pub;
	cname = canonical_name(b, name, buf, sizeof(buf));
	key = pgd_dwarf_name(dw, cname, strlen(cname));
	if (!key) {
		pgd_err_nomem(err, b->path);
		return NULL;
	}
	he = pgd_hashmap_upsert(&im->funcs, key, strlen(key), &inserted);
	if (!he) {
		pgd_err_nomem(err, b->path);
		return NULL;
	}
	if (!inserted) {
		if (he->val.ptr)
			remember_func(im, name, he->val.ptr);
		return he->val.ptr;
	}

	sym = sym_by_name(b, key);
	if (sym && !sym->is_func)
		sym = NULL;
	if (locate(b, key, sym, &cu, &sub, err))
		goto fail;
	if (sub < 0 && (!sym || !sym->size))
		return NULL;

	f = pgd_arena_alloc(&b->arena, sizeof(*f));
	if (!f) {
		pgd_err_nomem(err, b->path);
		goto fail;
	}
	f->cu = cu;
	f->sub = sub;
	f->key = key;
	f->pub.name = key;
	if (sub < 0) {
		/*
		 * In the symbol table, in no subprogram DIE (an assembly function
		 * of a unit without DWARF for it): the symbol gives its code and
		 * the line table, when a unit covers it, its file.
		 */
		struct pgd_pc_range *r = pgd_arena_alloc(&b->arena, sizeof(*r));

		if (!r) {
			pgd_err_nomem(err, b->path);
			goto fail;
		}
		r->lo = sym->addr;
		r->hi = sym->addr + sym->size;
		f->pub.ranges = r;
		f->pub.nranges = 1;
		if (cu >= 0) {
			if (load_rows(dw, (size_t)cu, r, 1, err))
				goto fail;
			f->pub.decl_file = own_file(&dw->cus[cu], r, 1, NULL, 0);
		}
	} else {
		struct pgd_dw_cu *c = &dw->cus[cu];
		const struct pgd_dw_sub *s = &c->subs[sub];

		f->pub.decl_line = s->decl_line;
		f->pub.decl_file = s->decl_file;
		f->pub.nranges = s->nranges;
		f->pub.ranges = s->ranges;
		if (!f->pub.decl_file) {
			const struct pgd_dw_inl **kids = NULL;
			size_t nk = 0;
			long inl = -1;

			if (!s->nranges) {
				/* only inlined: any copy in this CU tells the file */
				for (size_t i = 0; i < c->ninls && inl < 0; i++) {
					if (c->inls[i].origin == key)
						inl = (long)i;
				}
			}
			if ((s->nranges || inl >= 0) &&
			    (inl >= 0 ? load_rows(dw, (size_t)cu, c->inls[inl].ranges, c->inls[inl].nranges, err)
				      : load_rows(dw, (size_t)cu, s->ranges, s->nranges, err)))
				goto fail;
			if (s->nranges || inl >= 0) {
				if (kids_alloc(c, inl >= 0 ? (long)c->inls[inl].sub : sub, inl, &kids, &nk)) {
					pgd_err_nomem(err, b->path);
					goto fail;
				}
				if (inl >= 0)
					f->pub.decl_file = own_file(c, c->inls[inl].ranges, c->inls[inl].nranges, kids, nk);
				else
					f->pub.decl_file = own_file(c, s->ranges, s->nranges, kids, nk);
				free(kids);
			} else if (!(f->pub.decl_file = inlined_copy_file(b, key, err)) && err && err->code) {
				goto fail;
			}
		}
	}
	if (!f->pub.decl_line && f->pub.nranges && cu >= 0) {
		/*
		 * Go before 1.20 wrote no DW_AT_decl_line on subprograms; the
		 * prologue's row carries the line of the func keyword instead.
		 */
		const struct pgd_dw_cu *c = &dw->cus[cu];

		if (load_rows(dw, (size_t)cu, f->pub.ranges, 1, err))
			goto fail;
		if (c->nrows && c->rows[row_at(c, f->pub.ranges[0].lo)].file != PGD_DW_END)
			f->pub.decl_line = c->rows[row_at(c, f->pub.ranges[0].lo)].line;
	}
	he = pgd_hashmap_find(&im->funcs, key, strlen(key));
	he->val.ptr = f;
	im->funcs_resolved++;
	remember_func(im, name, f);
	return &f->pub;
fail:
	/* forget the entry so a later call retries and reports the error again */
	he = pgd_hashmap_find(&im->funcs, key, strlen(key));
	if (he)
		he->val.ptr = NULL;
	return NULL;
}

/* ---- every CU, once: inlined copies live anywhere --------------------------- */

static int load_all(struct pgd_binary *b, struct pgd_err *err)
{
	struct pgd_binary_impl *im = b->impl;
	struct pgd_dwarf *dw = im->dw;
	size_t total = 0, k = 0;
	int ret;

	if (im->all_loaded)
		return 0;
	for (size_t i = 0; i < dw->ncus; i++) {
		if ((ret = pgd_dwarf_load_cu(dw, i, err)))
			return ret;
		total += dw->cus[i].ninls;
	}
	im->inl_refs = calloc(total ? total : 1, sizeof(*im->inl_refs));
	if (!im->inl_refs)
		return pgd_err_nomem(err, b->path);
	/* Walk backwards so each chain comes out in CU, DIE order. */
	for (size_t i = dw->ncus; i-- > 0;) {
		const struct pgd_dw_cu *cu = &dw->cus[i];

		for (size_t j = cu->ninls; j-- > 0;) {
			const char *const *o = &cu->inls[j].origin;
			struct hashmap_entry *e;

			if (!**o)
				continue;
			/* the key is the origin field itself: the units' arrays no longer move */
			e = pgd_hashmap_upsert(&im->inl_by_origin, o, sizeof(*o), NULL);
			if (!e)
				return pgd_err_nomem(err, b->path);
			im->inl_refs[k].cu = (uint32_t)i;
			im->inl_refs[k].inl = (uint32_t)j;
			im->inl_refs[k].next = (int64_t)e->val.u64 - 1;
			e->val.u64 = ++k;
		}
	}
	im->all_loaded = 1;
	return 0;
}

/* ---- code at a line ------------------------------------------------------------ */

struct collect {
	struct pgd_binary *b;
	struct arena *a;
	const struct pgd_pc_range *sel;   /* pcs of the line in this instance */
	size_t nsel;
	const struct pgd_dw_inl *const *kids; /* its inlined callees: their pcs are theirs */
	size_t nkids;
	size_t ncalls, calls_cap;
	struct pgd_call_insn *calls;
	size_t nguards, guards_cap;
	struct pgd_guard *guards;
	int oom;
};

static void *grow(struct collect *c, void *arr, size_t n, size_t *cap, size_t elem)
{
	void *p = pgd_mem_grow(arr, n, cap, elem);

	c->oom |= !p;
	return p;
}

/*
 * An itab or function address formed at pc: a guard candidate. The same
 * pc found again (another instance, or by data flow) is kept once, with
 * the call it guards when known.
 */
static void add_guard(struct collect *c, uint64_t pc, const struct pgd_symbol *sym, uint64_t call_pc)
{
	const char *body = itab_body(sym->name);
	struct pgd_guard *g;
	struct itab it;
	void *p;

	if (!body && !sym->is_func)
		return;
	for (size_t i = 0; i < c->nguards; i++) {
		if (c->guards[i].pc == pc) {
			if (!c->guards[i].call_pc)
				c->guards[i].call_pc = call_pc;
			return;
		}
	}
	if (!(p = grow(c, c->guards, c->nguards, &c->guards_cap, sizeof(*c->guards))))
		return;
	c->guards = p;
	g = &c->guards[c->nguards];
	memset(g, 0, sizeof(*g));
	g->pc = pc;
	g->symbol = sym->name;
	g->call_pc = call_pc;
	if (body) {
		if (split_itab(c->a, body, &it)) {
			c->oom = 1; /* malformed names were dropped at open; this is memory */
			return;
		}
		g->concrete = it.concrete;
		g->iface = it.iface;
	} else {
		g->concrete = sym->name;
	}
	c->nguards++;
}

static void on_insn(void *ctx, const struct pgd_insn_info *in)
{
	struct collect *c = ctx;
	const struct pgd_symbol *sym;

	if (c->oom || !range_has(c->sel, c->nsel, in->pc))
		return;
	for (size_t i = 0; i < c->nkids; i++) {
		if (range_has(c->kids[i]->ranges, c->kids[i]->nranges, in->pc))
			return;
	}
	if (in->kind == PGD_INSN_ADDR) {
		sym = pgd_binary_symbol_at(c->b, in->target);
		if (sym && sym->addr == in->target)
			add_guard(c, in->pc, sym, 0);
		return;
	}
	{
		struct pgd_call_insn *ci;
		void *p = grow(c, c->calls, c->ncalls, &c->calls_cap, sizeof(*c->calls));

		if (!p)
			return;
		c->calls = p;
		ci = &c->calls[c->ncalls++];
		memset(ci, 0, sizeof(*ci));
		ci->pc = in->pc;
		ci->len = in->len;
		ci->itab_offset = -1;
		if (in->kind == PGD_INSN_CALL_DIRECT) {
			ci->kind = PGD_CALL_DIRECT;
			ci->target = in->target;
			sym = pgd_binary_symbol_at(c->b, in->target);
			ci->target_name = sym && sym->addr == in->target ? sym->name : NULL;
		} else {
			ci->kind = PGD_CALL_INDIRECT;
			if (in->load_disp >= ITAB_FUN0 && (in->load_disp - ITAB_FUN0) % 8 == 0)
				ci->itab_offset = in->load_disp;
		}
	}
}

static int call_cmp(const void *a, const void *b)
{
	const struct pgd_call_insn *x = a, *y = b;

	return x->pc < y->pc ? -1 : x->pc > y->pc;
}

static int guard_cmp(const void *a, const void *b)
{
	const struct pgd_guard *x = a, *y = b;

	return x->pc < y->pc ? -1 : x->pc > y->pc;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

#define CODE_BLOCK 4096

/*
 * Machine code at [addr, addr + len), read from the file instead of the
 * mapping: instances of a function are spread over all of .text, and
 * every page touched through the mapping (with the kernel's fault-around,
 * 64 KB at a time) stayed resident, most of .text for cmd/compile. Reads
 * whole aligned blocks, so neighbouring windows share one read. NULL when
 * the range is not in the image; the mapping when a read fails.
 */
static const uint8_t *code_bytes(struct pgd_binary_impl *im, uint64_t addr, uint64_t len)
{
	const uint8_t *p = pgd_elf_vaddr(&im->elf, addr, len);
	uint64_t off, lo, hi, got = 0;

	if (!p || im->fd < 0 || !len)
		return p;
	off = (uint64_t)(p - (const uint8_t *)im->map);
	if (im->code && off >= im->code_off && off + len <= im->code_off + im->code_len)
		return im->code + (off - im->code_off);
	lo = off & ~(uint64_t)(CODE_BLOCK - 1);
	hi = off + len + CODE_BLOCK - 1 < off + len ? off + len : (off + len + CODE_BLOCK - 1) & ~(uint64_t)(CODE_BLOCK - 1);
	hi = hi > im->map_len ? im->map_len : hi;
	if (hi - lo > im->code_cap) {
		void *q = realloc(im->code, hi - lo);

		if (!q)
			return p;
		im->code = q;
		im->code_cap = hi - lo;
	}
	im->code_len = 0;
	while (got < hi - lo) {
		ssize_t n = pread(im->fd, im->code + got, hi - lo - got, (off_t)(lo + got));

		if (n <= 0)
			return p;
		got += (uint64_t)n;
	}
	im->code_off = lo;
	im->code_len = hi - lo;
	return im->code + (off - lo);
}

/* Line-table rows decoded before the line itself; Go loads the itab word and method right before the call. */
#define WINDOW_ROWS 8

struct window {
	uint64_t lo, hi;
	uint64_t range_lo;            /* start of the instance range it lies in */
};

static int window_cmp(const void *a, const void *b)
{
	const struct window *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

struct instance {
	size_t cu;
	long sub, inl;                /* inl -1: the out-of-line body */
	const struct pgd_pc_range *ranges;
	size_t nranges;
};

/*
 * Guards tied to the indirect calls c->calls[from..] by data flow
 * (disasm.h), whatever line their lea/cmp carry. The body decoded is the
 * range of the enclosing out-of-line function that holds the call: an
 * inlined copy's guard may sit outside the copy's own ranges.
 */
static int dataflow_guards(struct pgd_binary *b, const struct pgd_dw_cu *cu, const struct instance *ins,
			   struct collect *c, size_t from, struct pgd_err *err)
{
	struct pgd_binary_impl *im = b->impl;
	const struct pgd_pc_range *r = ins->ranges;
	size_t nr = ins->nranges;

	if (ins->sub >= 0) {
		r = cu->subs[ins->sub].ranges;
		nr = cu->subs[ins->sub].nranges;
	}
	for (size_t i = from; i < c->ncalls; i++) {
		const struct pgd_call_insn *ci = &c->calls[i];
		const struct pgd_symbol *sym;
		const uint8_t *code;
		uint64_t addr, apc;
		size_t k;
		int found;

		if (ci->kind != PGD_CALL_INDIRECT)
			continue;
		for (k = 0; k < nr && !(ci->pc >= r[k].lo && ci->pc < r[k].hi); k++)
			;
		if (k == nr)
			continue;
		if (!(code = code_bytes(im, r[k].lo, r[k].hi - r[k].lo)))
			continue;
		if (!im->dcode || im->dcode_lo != r[k].lo || im->dcode_hi != r[k].hi) {
			pgd_dcode_free(im->dcode);
			im->dcode = NULL;
			/*
			 * Sparse: ranges run to hundreds of KB, and capstone's full
			 * detail costs thousands of host instructions per machine
			 * instruction; the guard walk reads a few dozen near the call.
			 */
			if (pgd_disasm_index(im->dis, code, r[k].hi - r[k].lo, r[k].lo, &im->dcode))
				return pgd_err_nomem(err, b->path);
			im->dcode_lo = r[k].lo;
			im->dcode_hi = r[k].hi;
		}
		if ((found = pgd_dcode_guard(im->dis, im->dcode, code, ci->pc, &addr, &apc)) < 0)
			return pgd_err_nomem(err, b->path);
		if (!found)
			continue;
		sym = pgd_binary_symbol_at(b, addr);
		if (sym && sym->addr == addr)
			add_guard(c, apc, sym, ci->pc);
		if (c->oom)
			return pgd_err_nomem(err, b->path);
	}
	return 0;
}

/*
 * Whether decoding the window [lo, hi) can report anything: only
 * instructions that start in the line's ranges count (on_insn), and an
 * instruction spans at most 15 bytes (disasm.h).
 */
static int window_may_report(const struct pgd_binary_impl *im, const uint8_t *code, uint64_t lo, uint64_t hi,
			     const struct pgd_pc_range *sel, size_t nsel)
{
	for (size_t i = 0; i < nsel; i++) {
		uint64_t a = sel[i].lo > lo ? sel[i].lo : lo;
		uint64_t b = sel[i].hi + 14 < hi && sel[i].hi + 14 > sel[i].hi ? sel[i].hi + 14 : hi;

		if (a < b && pgd_disasm_may_report(im->elf.machine, code + (a - lo), b - a))
			return 1;
	}
	return 0;
}

/* Reports of a partial scan, held until the scan is known to stand. */
struct held {
	struct pgd_insn_info *v;
	size_t n, cap;
	int oom;
};

static void hold_insn(void *ctx, const struct pgd_insn_info *in)
{
	struct held *h = ctx;

	void *q;

	if (h->oom)
		return;
	if (!(q = pgd_mem_grow(h->v, h->n, &h->cap, sizeof(*h->v)))) {
		h->oom = 1;
		return;
	}
	h->v = q;
	h->v[h->n++] = *in;
}

static int range_lo_cmp(const void *a, const void *b)
{
	const struct pgd_pc_range *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/*
 * The window [lo, hi): its rows before the line are decoded only so that
 * register tracking sees the load a call through a register uses. The
 * line's own ranges are decoded first, in pc order (reports are what a
 * scan of the window reports there, pgd_disasm_scan_part); the whole
 * window only when a report depends on the registers before them.
 */
static void scan_window(struct pgd_binary_impl *im, struct collect *c, const uint8_t *code, uint64_t lo,
			uint64_t hi, const struct pgd_pc_range *sel, size_t nsel)
{
	struct pgd_pc_range *part = malloc((nsel ? nsel : 1) * sizeof(*part));
	struct held h = { 0 };
	size_t np = 0;
	int whole = !part;

	for (size_t i = 0; part && i < nsel; i++) {
		if (sel[i].lo >= lo && sel[i].lo < hi)
			part[np++] = sel[i];
	}
	if (np > 1)
		qsort(part, np, sizeof(*part), range_lo_cmp);
	for (size_t i = 0; !whole && i < np; i++)
		whole = pgd_disasm_scan_part(im->dis, code + (part[i].lo - lo), hi - part[i].lo, part[i].lo,
					     part[i].hi, hold_insn, &h) || h.oom;
	if (whole)
		pgd_disasm_scan(im->dis, code, hi - lo, lo, on_insn, c);
	else
		for (size_t i = 0; i < h.n; i++)
			on_insn(c, &h.v[i]);
	free(h.v);
	free(part);
}

/* Calls, guards and inlined callees at `line` of one instance. */
static int scan_instance(struct pgd_binary *b, const struct bfunc_priv *f, const struct instance *ins,
			 int64_t line, struct collect *c, const char ***inl, size_t *ninl, size_t *inl_cap,
			 struct pgd_err *err)
{
	struct pgd_binary_impl *im = b->impl;
	struct pgd_dw_cu *cu = &im->dw->cus[ins->cu];
	const struct pgd_dw_inl **kids = NULL;
	struct pgd_pc_range *sel = NULL;
	struct window *win = NULL, *wp = NULL;
	size_t nk = 0, nsel = 0, selcap = 0, ncalls0 = c->ncalls;
	const char *file;
	int ret;

	if ((ret = load_rows(im->dw, ins->cu, ins->ranges, ins->nranges, err)))
		return ret;
	if (kids_alloc(cu, ins->sub, ins->inl, &kids, &nk))
		return pgd_err_nomem(err, b->path);
	file = f->pub.decl_file ? f->pub.decl_file : own_file(cu, ins->ranges, ins->nranges, kids, nk);
	if (!file)
		goto out;

	for (size_t i = 0; i < ins->nranges; i++) {
		const struct pgd_pc_range *r = &ins->ranges[i];

		for (size_t k = row_at(cu, r->lo); k < cu->nrows && cu->rows[k].addr < r->hi; k++) {
			const struct pgd_dw_row *row = &cu->rows[k];
			uint64_t lo, hi;

			if (row->file == PGD_DW_END || row->line != line || cu->files[row->file] != file)
				continue;
			lo = row->addr > r->lo ? row->addr : r->lo;
			hi = k + 1 < cu->nrows && cu->rows[k + 1].addr < r->hi ? cu->rows[k + 1].addr : r->hi;
			if (lo >= hi)
				continue;
			if (nsel == selcap) {
				void *p;

				selcap = selcap ? selcap * 2 : 8;
				p = realloc(sel, selcap * sizeof(*sel));
				wp = p ? realloc(win, selcap * sizeof(*win)) : NULL;
				if (p)
					sel = p;
				if (!wp) {
					ret = pgd_err_nomem(err, b->path);
					goto out;
				}
				win = wp;
			}
			win = wp;
			win[nsel].lo = lo;
			win[nsel].hi = hi;
			win[nsel].range_lo = r->lo;
			sel[nsel].lo = lo;
			sel[nsel++].hi = hi;
		}
	}
	if (nsel) {
		if (!im->dis && pgd_disasm_open(im->elf.machine, &im->dis)) {
			ret = pgd_err_nomem(err, b->path);
			goto out;
		}
		c->sel = sel;
		c->nsel = nsel;
		c->kids = kids;
		c->nkids = nk;
		/*
		 * Decode windows, not whole bodies (some compiler functions are
		 * hundreds of KB): each starts a few line-table rows before the
		 * line, at an instruction boundary, so register tracking sees the
		 * itab load that precedes a call.
		 */
		for (size_t i = 0; i < nsel; i++) {
			size_t k = row_at(cu, win[i].lo);

			/*
			 * Back while the addresses go down: a unit's rows are
			 * sorted, a synthetic unit's only within a function's
			 * block (dwarf.h), and the instance's range cuts the
			 * window at its start anyway.
			 */
			for (int back = 0; back < WINDOW_ROWS && k > 0 && cu->rows[k - 1].addr <= cu->rows[k].addr; back++)
				k--;
			win[i].lo = cu->rows[k].addr > win[i].range_lo ? cu->rows[k].addr : win[i].range_lo;
		}
		qsort(win, nsel, sizeof(*win), window_cmp);
		for (size_t i = 0; i < nsel;) {
			uint64_t lo = win[i].lo, hi = win[i].hi;
			const uint8_t *code;

			/* merge overlapping windows so nothing is reported twice */
			for (i++; i < nsel && win[i].lo <= hi; i++)
				hi = win[i].hi > hi ? win[i].hi : hi;
			code = code_bytes(im, lo, hi - lo);
			if (code && window_may_report(im, code, lo, hi, sel, nsel))
				scan_window(im, c, code, lo, hi, sel, nsel);
		}
		if (c->oom || (ret = dataflow_guards(b, cu, ins, c, ncalls0, err))) {
			ret = ret ? ret : pgd_err_nomem(err, b->path);
			goto out;
		}
	}
	for (size_t j = 0; j < nk; j++) {
		if (kids[j]->call_line != line || kids[j]->call_file != file || !*kids[j]->origin)
			continue;
		if (*ninl == *inl_cap) {
			void *p;

			*inl_cap = *inl_cap ? *inl_cap * 2 : 8;
			p = realloc(*inl, *inl_cap * sizeof(**inl));
			if (!p) {
				ret = pgd_err_nomem(err, b->path);
				goto out;
			}
			*inl = p;
		}
		(*inl)[(*ninl)++] = kids[j]->origin;
	}
out:
	free(kids);
	free(sel);
	free(win);
	return ret;
}

static int code_at_line(struct pgd_binary *b, const struct bfunc_priv *f, int64_t line,
			struct arena *a, struct pgd_line_code *out, struct pgd_err *err)
{
	struct pgd_binary_impl *im = b->impl;
	const struct pgd_bfunc *pub = &f->pub;
	struct collect c = { .b = b, .a = a };
	const char **inl = NULL;
	size_t ninl = 0, inl_cap = 0;
	struct hashmap_entry *e;
	int ret = 0;

	out->func = pub;
	if ((ret = load_all(b, err)))
		return ret;
	if (pub->nranges && f->cu >= 0) {
		struct instance ins = { (size_t)f->cu, f->sub, -1, pub->ranges, pub->nranges };

		out->ninstances++;
		if ((ret = scan_instance(b, f, &ins, line, &c, &inl, &ninl, &inl_cap, err)))
			goto out;
	}
	e = origin_find(im, f->key);
	for (int64_t k = e ? (int64_t)e->val.u64 - 1 : -1; k >= 0; k = im->inl_refs[k].next) {
		const struct pgd_dw_inl *in = &im->dw->cus[im->inl_refs[k].cu].inls[im->inl_refs[k].inl];
		struct instance ins = { im->inl_refs[k].cu, (long)in->sub, (long)im->inl_refs[k].inl,
					in->ranges, in->nranges };

		out->ninstances++;
		if ((ret = scan_instance(b, f, &ins, line, &c, &inl, &ninl, &inl_cap, err)))
			goto out;
	}

	if (c.ncalls > 1)
		qsort(c.calls, c.ncalls, sizeof(*c.calls), call_cmp);
	if (c.nguards > 1)
		qsort(c.guards, c.nguards, sizeof(*c.guards), guard_cmp);
	if (ninl > 1)
		qsort(inl, ninl, sizeof(*inl), str_cmp);
	out->calls = pgd_arena_calloc(a, c.ncalls ? c.ncalls : 1, sizeof(*out->calls));
	out->guards = pgd_arena_calloc(a, c.nguards ? c.nguards : 1, sizeof(*out->guards));
	out->inlined = pgd_arena_calloc(a, ninl ? ninl : 1, sizeof(*out->inlined));
	if (!out->calls || !out->guards || !out->inlined) {
		ret = pgd_err_nomem(err, b->path);
		goto out;
	}
	if (c.ncalls)
		memcpy(out->calls, c.calls, c.ncalls * sizeof(*c.calls));
	if (c.nguards)
		memcpy(out->guards, c.guards, c.nguards * sizeof(*c.guards));
	out->ncalls = c.ncalls;
	out->nguards = c.nguards;
	for (size_t i = 0; i < ninl; i++) {
		if (!i || strcmp(inl[i], inl[i - 1]))
			out->inlined[out->ninlined++] = inl[i];
	}
out:
	free(c.calls);
	free(c.guards);
	free(inl);
	return ret;
}


struct code_key {
	const char *key;              /* interned */
	int64_t line;
};

/*
 * The sites stage and doctor's offset-drift check ask about the same
 * (caller, line) pairs: each is decoded once, into b->arena, and handed
 * out as a copy in the caller's arena.
 */
int pgd_binary_code_at_line(struct pgd_binary *b, const char *name, int64_t line,
			    struct arena *a, struct pgd_line_code *out, struct pgd_err *err)
{
	struct pgd_binary_impl *im = b->impl;
	struct pgd_err ferr = { 0 };
	const struct pgd_bfunc *pub;
	const struct pgd_line_code *lc;
	struct code_key ck, *kept;
	struct hashmap_entry *e;
	int ret, ins;

	memset(out, 0, sizeof(*out));
	out->line = line;
	pub = pgd_binary_func(b, name, &ferr);
	if (!pub) {
		if (ferr.code) {
			if (err)
				*err = ferr;
			return ferr.code;
		}
		return 0;
	}
	memset(&ck, 0, sizeof(ck));
	ck.key = ((const struct bfunc_priv *)pub)->key;
	ck.line = line;
	if (!(e = pgd_hashmap_find(&im->code_cache, &ck, sizeof(ck)))) {
		if (!(kept = pgd_arena_alloc(&b->arena, sizeof(*kept))))
			return pgd_err_nomem(err, b->path);
		*kept = ck;
		if (!(e = pgd_hashmap_upsert(&im->code_cache, kept, sizeof(*kept), &ins)))
			return pgd_err_nomem(err, b->path);
	}
	if (!e->val.ptr) {
		/* new, or an earlier attempt failed: (re)decode */
		struct pgd_line_code *n = pgd_arena_calloc(&b->arena, 1, sizeof(*n));

		if (!n)
			return pgd_err_nomem(err, b->path);
		n->line = line;
		if ((ret = code_at_line(b, (const struct bfunc_priv *)pub, line, &b->arena, n, err)))
			return ret;
		e->val.ptr = n;
	}
	lc = e->val.ptr;
	*out = *lc;
	out->calls = pgd_arena_calloc(a, lc->ncalls ? lc->ncalls : 1, sizeof(*out->calls));
	out->guards = pgd_arena_calloc(a, lc->nguards ? lc->nguards : 1, sizeof(*out->guards));
	out->inlined = pgd_arena_calloc(a, lc->ninlined ? lc->ninlined : 1, sizeof(*out->inlined));
	if (!out->calls || !out->guards || !out->inlined)
		return pgd_err_nomem(err, b->path);
	if (lc->ncalls)
		memcpy(out->calls, lc->calls, lc->ncalls * sizeof(*lc->calls));
	if (lc->nguards)
		memcpy(out->guards, lc->guards, lc->nguards * sizeof(*lc->guards));
	if (lc->ninlined)
		memcpy(out->inlined, lc->inlined, lc->ninlined * sizeof(*lc->inlined));
	return 0;
}

/* ---- code bloat --------------------------------------------------------------- */

static int count_cmp(const void *a, const void *b)
{
	const struct pgd_inline_count *x = a, *y = b;
	int r = strcmp(x->container, y->container);

	return r ? r : strcmp(x->callee, y->callee);
}

struct name_pair {
	const char *container, *callee;
};

/* By address: interned names are equal exactly when their pointers are. */
static int pair_addr_cmp(const void *a, const void *b)
{
	const struct name_pair *x = a, *y = b;
	uintptr_t p = (uintptr_t)x->container, q = (uintptr_t)y->container;

	if (p == q) {
		p = (uintptr_t)x->callee;
		q = (uintptr_t)y->callee;
	}
	return p < q ? -1 : p > q;
}

int pgd_binary_inlined_in(struct pgd_binary *b, const char *callee, const char *prefix, struct pgd_err *err)
{
	struct pgd_binary_impl *im = b->impl;
	const char *key;
	struct hashmap_entry *e;
	size_t len = strlen(prefix);
	int ret;

	if ((ret = load_all(b, err)))
		return ret;
	if (!(key = pgd_dwarf_name_lookup(im->dw, callee, strlen(callee))) || !(e = origin_find(im, key)))
		return 0;
	for (int64_t k = (int64_t)e->val.u64 - 1; k >= 0; k = im->inl_refs[k].next) {
		const struct pgd_dw_cu *cu = &im->dw->cus[im->inl_refs[k].cu];
		const char *container = cu->subs[cu->inls[im->inl_refs[k].inl].sub].name;

		/* a copy in a function with a name, as pgd_binary_inline_counts counts them */
		if (*container && !strncmp(container, prefix, len))
			return 1;
	}
	return 0;
}

/*
 * Every copy's (container, callee) pair, grouped by sorting the pairs by
 * address (interned names), each run one count; then sorted by name.
 */
int pgd_binary_inline_counts(struct pgd_binary *b, const struct pgd_inline_count **out,
			     size_t *n, struct pgd_err *err)
{
	struct pgd_binary_impl *im = b->impl;
	struct pgd_dwarf *dw = im->dw;
	struct name_pair *pairs;
	size_t total = 0, np = 0, nu = 0;
	int ret;

	if (im->counts_done)
		goto done;
	if ((ret = load_all(b, err)))
		return ret;
	for (size_t i = 0; i < dw->ncus; i++)
		total += dw->cus[i].ninls;
	if (!(pairs = malloc((total ? total : 1) * sizeof(*pairs))))
		return pgd_err_nomem(err, b->path);
	for (size_t i = 0; i < dw->ncus; i++) {
		const struct pgd_dw_cu *cu = &dw->cus[i];

		for (size_t j = 0; j < cu->ninls; j++) {
			const struct pgd_dw_inl *in = &cu->inls[j];
			const char *container = cu->subs[in->sub].name;

			if (!*in->origin || !*container)
				continue;
			pairs[np].container = container;
			pairs[np++].callee = in->origin;
		}
	}
	qsort(pairs, np, sizeof(*pairs), pair_addr_cmp);
	for (size_t i = 0; i < np; i++)
		nu += !i || pair_addr_cmp(&pairs[i - 1], &pairs[i]);
	if (!(im->counts = pgd_arena_calloc(&b->arena, nu ? nu : 1, sizeof(*im->counts)))) {
		free(pairs);
		return pgd_err_nomem(err, b->path);
	}
	for (size_t i = 0; i < np; i++) {
		if (!i || pair_addr_cmp(&pairs[i - 1], &pairs[i])) {
			im->counts[im->ncounts].container = pairs[i].container;
			im->counts[im->ncounts++].callee = pairs[i].callee;
		}
		im->counts[im->ncounts - 1].copies++;
	}
	free(pairs);
	qsort(im->counts, im->ncounts, sizeof(*im->counts), count_cmp);
	im->counts_done = 1;
done:
	*out = im->counts;
	*n = im->ncounts;
	return 0;
}

/* Which tables answered, when not DWARF and .symtab (stripped builds). */
static size_t runtime_notes(struct pgd_binary *b, const char **out, size_t max)
{
	struct pgd_binary_impl *im = b->impl;
	size_t n = 0;

	if (im->dbg_path) {
		if (n < max)
			out[n] = pgd_arena_printf(&b->arena, "DWARF read from the separate debug file %s (found by %s)",
					      im->dbg_path, im->dbg_rule);
		n++;
	}
	if (!im->runtime_model || !im->dwarf_absent)
		return n; /* with DWARF there, the runtime tables answered as it would (test_pclntab.c) */
	if (n < max)
		out[n] = pgd_arena_printf(&b->arena,
				      "no DWARF in the binary (stripped: -ldflags=-w or -s, or strip): functions, "
				      "source lines and inlined copies come from Go's runtime tables (.gopclntab)%s",
				      im->have_mod ? "" : "; moduledata was not found, so inlined copies are not seen");
	n++;
	if (im->symbols_synth) {
		if (n < max)
			out[n] = im->have_mod
				? pgd_arena_printf(&b->arena,
					       "no symbol table (built with -ldflags=-s): itabs come from moduledata's "
					       "itablinks and the type descriptors (%zu unreadable)", im->itabs_skipped)
				: pgd_arena_printf(&b->arena, "no symbol table and no moduledata: itabs, and so "
							  "interface guards, are not seen");
		n++;
	}
	return n;
}

size_t pgd_binary_notes(struct pgd_binary *b, const char **out, size_t max)
{
	const struct pgd_dwarf *dw = b->impl->dw;
	size_t n = 0;

	n = runtime_notes(b, out, max);

	if (dw->ranges_unread) {
		if (n < max)
			out[n] = pgd_arena_printf(&b->arena,
					      "DWARF: the PC ranges of %zu DIEs (compile units, functions or "
					      "inlined copies) could not be read; calls and guards in their "
					      "code are not seen, and a function among them may look absent",
					      dw->ranges_unread);
		n++;
	}
	return n;
}

/* ==== check (issue #10): what the mirrored devirtualization rules ask ===========
 * Appended in one block; the functions above belong to the binary reader. */

int pgd_binary_has_inlined_copy(struct pgd_binary *b, const char *name, struct pgd_err *err)
{
	const char *key;
	int ret;

	if ((ret = load_all(b, err)))
		return ret;
	key = pgd_dwarf_name_lookup(b->impl->dw, name, strlen(name));
	return key && origin_find(b->impl, key) != NULL;
}

size_t pgd_binary_package_of(const char *name, char *buf, size_t size)
{
	return package_of(name, buf, size);
}

static int pkg_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static long pkg_index(const struct pgd_pkg_graph *g, const char *pkg)
{
	size_t lo = 0, hi = g->npkgs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(g->pkgs[mid], pkg);

		if (!c)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* Unique CU names, sorted: Go writes one unit per package (several with DWARF 5). */
static int pkg_list(const struct pgd_dwarf *dw, struct arena *a, struct pgd_pkg_graph *g)
{
	g->pkgs = pgd_arena_calloc(a, dw->ncus ? dw->ncus : 1, sizeof(*g->pkgs));
	if (!g->pkgs)
		return -1;
	for (size_t i = 0; i < dw->ncus; i++)
		if (dw->cus[i].name)
			g->pkgs[g->npkgs++] = dw->cus[i].name;
	if (g->npkgs)
		qsort(g->pkgs, g->npkgs, sizeof(*g->pkgs), pkg_cmp);
	{
		size_t n = 0;

		for (size_t i = 0; i < g->npkgs; i++)
			if (!n || strcmp(g->pkgs[n - 1], g->pkgs[i]))
				g->pkgs[n++] = g->pkgs[i];
		g->npkgs = n;
	}
	return 0;
}

/*
 * The package index of an inlined copy's origin, parsed once per origin
 * (interned: keyed by address, the key being the copy's origin field);
 * -1 none, -2 out of memory.
 */
static long origin_pkg(struct hashmap *pkgs, const struct pgd_pkg_graph *g, const char *const *origin)
{
	struct hashmap_entry *e;
	char pkg[1024];
	int ins;

	if (!(e = pgd_hashmap_upsert(pkgs, origin, sizeof(*origin), &ins)))
		return -2;
	if (ins)
		e->val.i64 = package_of(*origin, pkg, sizeof(pkg)) ? pkg_index(g, pkg) : -1;
	return (long)e->val.i64;
}

int pgd_binary_pkg_graph(struct pgd_binary *b, struct arena *a, struct pgd_pkg_graph *out,
			 struct pgd_err *err)
{
	const struct pgd_dwarf *dw;
	struct hashmap pkgs = HASHMAP_INIT; /* origin -> package index */
	int ret;

	memset(out, 0, sizeof(*out));
	if ((ret = load_all(b, err)))
		return ret;
	dw = b->impl->dw;
	if (pkg_list(dw, a, out))
		return pgd_err_nomem(err, b->path);
	out->words = (out->npkgs + 63) / 64;
	out->reach = pgd_arena_calloc(a, out->npkgs * out->words + 1, sizeof(*out->reach));
	if (!out->reach)
		return pgd_err_nomem(err, b->path);
	for (size_t i = 0; i < dw->ncus; i++) {
		const struct pgd_dw_cu *cu = &dw->cus[i];
		long from = cu->name ? pkg_index(out, cu->name) : -1;

		for (size_t j = 0; from >= 0 && j < cu->ninls; j++) {
			long to;

			if (!*cu->inls[j].origin)
				continue;
			if ((to = origin_pkg(&pkgs, out, &cu->inls[j].origin)) < -1) {
				pgd_hashmap_free(&pkgs);
				return pgd_err_nomem(err, b->path);
			}
			if (to >= 0 && to != from)
				out->reach[(size_t)from * out->words + (size_t)to / 64] |= 1ull << (to % 64);
		}
	}
	pgd_hashmap_free(&pkgs);
	out->loads = pgd_arena_alloc(a, (out->npkgs * out->words + 1) * sizeof(*out->loads));
	if (!out->loads)
		return pgd_err_nomem(err, b->path);
	memcpy(out->loads, out->reach, (out->npkgs * out->words + 1) * sizeof(*out->loads));
	/* Warshall's transitive closure, a row of bits at a time. */
	for (size_t k = 0; k < out->npkgs; k++) {
		const uint64_t *rk = &out->reach[k * out->words];

		for (size_t i = 0; i < out->npkgs; i++) {
			uint64_t *ri = &out->reach[i * out->words];

			if (!(ri[k / 64] & (1ull << (k % 64))))
				continue;
			for (size_t w = 0; w < out->words; w++)
				ri[w] |= rk[w];
		}
	}
	return 0;
}

static int graph_bit(const struct pgd_pkg_graph *g, const uint64_t *bits, const char *pkg,
		     const char *dep)
{
	long i = pkg_index(g, pkg), j = pkg_index(g, dep);

	if (i < 0 || j < 0)
		return 0;
	return !!(bits[(size_t)i * g->words + (size_t)j / 64] & (1ull << (j % 64)));
}

int pgd_pkg_graph_depends(const struct pgd_pkg_graph *g, const char *pkg, const char *dep)
{
	return graph_bit(g, g->reach, pkg, dep);
}

int pgd_pkg_graph_loads(const struct pgd_pkg_graph *g, const char *pkg, const char *dep)
{
	return graph_bit(g, g->loads, pkg, dep);
}

static const char *closure_tail(const char *name);

static int is_runtime_pkg(const char *pkg)
{
	return !strcmp(pkg, "runtime") || !strncmp(pkg, "runtime/internal/", 17) ||
	       !strncmp(pkg, "internal/runtime/", 17);
}

/* Exported: the function's, or for a method its receiver type's, first letter. */
static int is_exported(const char *name)
{
	struct pgd_goname g;
	const char *p;

	pgd_goname_parse(name, &g);
	p = g.method && g.recv ? g.recv : g.rest;
	return p && *p >= 'A' && *p <= 'Z';
}

/*
 * A method the compiler generated rather than compiled from source: a
 * promoted method of an embedded field (ir.(*Name).Op from miniNode) or the
 * pointer wrapper of a value method. Its code is <autogenerated>, and it is
 * in no package's IR: pgoir's createIRGraph visits the package's declared
 * functions, and the export-data lookup fails ("method (*Name).Op missing
 * from method set of Name", cmd/compile/internal/pgoir/irgraph.go
 * addIndirectEdges; seen in Go 1.26's -d=pgodebug=3 log of cmd/compile).
 * Such a callee, when hottest, wins and suppresses devirtualization, even in
 * its own package.
 */
static int is_compiler_wrapper(struct pgd_binary *b, const char *callee)
{
	struct pgd_err e = { 0 };
	const struct pgd_bfunc *f = pgd_binary_func(b, callee, &e);

	return f && f->decl_file && !strcmp(f->decl_file, "<autogenerated>");
}

int pgd_binary_callee_has_ir(struct pgd_binary *b, const struct pgd_pkg_graph *g,
			     const char *caller, const char *callee)
{
	char p[1024], q[1024];

	if (is_compiler_wrapper(b, callee))
		return 0;

	if (!pgd_binary_compile_package(b, caller, p, sizeof(p)) ||
	    !pgd_binary_package_of(callee, q, sizeof(q)))
		return 0;   /* "no package path in name" (memeqbody) */
	if (!strcmp(p, q))
		return 1;   /* VisitIR: every function of the package being compiled */
	if (strchr(callee, '[') || closure_tail(callee) || !strncmp(callee, "type:", 5))
		return 0;
	if (!sym_by_name(b, callee)) {
		struct pgd_err e = { 0 };

		/* not in the binary at all: renamed, or never compiled */
		if (!pgd_binary_func(b, callee, &e) && pgd_binary_has_inlined_copy(b, callee, &e) != 1)
			return 0;
	}
	if (!strcmp(q, "main"))
		return 0;   /* nothing imports main */
	if (is_runtime_pkg(q))
		return pgd_pkg_graph_loads(g, p, q) && is_exported(callee);
	if (!is_exported(callee))
		return pgd_pkg_graph_loads(g, p, q);
	if (pgd_pkg_graph_loads(g, p, q) || pgd_pkg_graph_depends(g, p, q))
		return 1;
	return !pgd_pkg_graph_depends(g, q, p);
}

/* "pkg.T.M" and "pkg.(*T).M" name the same method in an itab slot. */
static int same_method(const char *slot, const char *func)
{
	struct pgd_goname a, c;

	if (!strcmp(slot, func))
		return 1;
	pgd_goname_parse(slot, &a);
	pgd_goname_parse(func, &c);
	return a.method && c.method && a.pkg_len == c.pkg_len && !strncmp(slot, func, a.pkg_len) &&
	       a.recv_len == c.recv_len && !memcmp(a.recv, c.recv, a.recv_len) &&
	       !strcmp(a.method, c.method);
}

int pgd_binary_itab_method(const struct pgd_binary *b, const char *concrete, const char *iface,
			   const char *func)
{
	const struct pgd_binary_impl *im = b->impl;
	int found = -1, all;
	size_t from, m = itabs_of(b, concrete, &from, &all);

	/* The itabs were split once when the symbols were indexed. */
	for (size_t k = 0; k < m && found != 1; k++) {
		const struct itab *it = itab_at(b, from, all, k);
		const struct pgd_symbol *s = &b->symbols[it->sym];
		const uint8_t *d;

		if (strcmp(it->concrete, concrete) || (iface && strcmp(it->iface, iface)))
			continue;
		/* runtime/runtime2.go itab: fun[] from 0x18 to the symbol's end. */
		if (s->size <= ITAB_FUN0 || !(d = pgd_elf_vaddr(&im->elf, s->addr, s->size)))
			continue;
		for (uint64_t off = ITAB_FUN0; off + 8 <= s->size; off += 8) {
			uint64_t target;
			const struct pgd_symbol *t;

			memcpy(&target, d + off, 8);
			if (!target)
				continue;   /* PIE: filled in by relocation at load time */
			if (found < 0)
				found = 0;
			t = pgd_binary_symbol_at(b, target);
			if (t && t->addr == target && same_method(t->name, func)) {
				found = 1;
				break;
			}
		}
	}
	return found;
}

/* Closure suffixes the compiler generates (cmd/compile/internal/ir/func.go closureName). */
int pgd_binary_itab_slot_holds(const struct pgd_binary *b, const char *concrete, const char *iface,
			       int64_t offset, const char *func)
{
	const struct pgd_binary_impl *im = b->impl;
	int all;
	size_t from, m;

	/* a method the binary lacks (renamed since the profile) fills no slot to compare */
	if (!pgd_binary_func_symbol(b, func))
		return -1;
	m = itabs_of(b, concrete, &from, &all);
	for (size_t k = 0; k < m; k++) {
		const struct itab *it = itab_at(b, from, all, k);
		const struct pgd_symbol *s = &b->symbols[it->sym], *t;
		const uint8_t *d;
		uint64_t target;

		if (strcmp(it->concrete, concrete) || strcmp(it->iface, iface))
			continue;
		if (offset < ITAB_FUN0)
			return 0;
		/* an itab from itablinks (no .symtab) has its first slot's size only (synth_symbols) */
		if ((uint64_t)offset + 8 > s->size)
			return im->symbols_synth ? -1 : 0;
		/* runtime/runtime2.go itab: fun[] from 0x18 to the symbol's end */
		if (!(d = pgd_elf_vaddr(&im->elf, s->addr, s->size)))
			return -1;
		memcpy(&target, d + offset, 8);
		if (!target)
			return -1;   /* PIE: filled in by relocation at load time */
		t = pgd_binary_symbol_at(b, target);
		return t && t->addr == target && same_method(t->name, func);
	}
	return 0;
}

static int closure_token(const char *t, size_t len)
{
	static const char *const pfx[] = { "func", "gowrap", "deferwrap" };

	for (size_t i = 0; i < PGD_ARRAY_SIZE(pfx); i++) {
		size_t n = strlen(pfx[i]);

		if (len > n && !strncmp(t, pfx[i], n)) {
			for (size_t k = n; k < len; k++)
				if (t[k] < '0' || t[k] > '9')
					return 0;
			return 1;
		}
	}
	return len > 0 && t[0] >= '0' && t[0] <= '9';   /* nested: func1.2 */
}

/*
 * The start of a closure's own tail within name (after "pkg."): the
 * function that declares it, with its receiver, and the funcN chain. NULL
 * when name is not a closure.
 */
static const char *closure_tail(const char *name)
{
	struct pgd_goname g;
	const char *rest, *tok[64];
	size_t ntok = 0, depth = 0, k;

	pgd_goname_parse(name, &g);
	rest = g.rest;
	if (!rest)
		return NULL;
	tok[ntok++] = rest;
	for (const char *p = rest; *p && ntok < PGD_ARRAY_SIZE(tok); p++) {
		if (*p == '(' || *p == '[')
			depth++;
		else if ((*p == ')' || *p == ']') && depth)
			depth--;
		else if (*p == '.' && !depth)
			tok[ntok++] = p + 1;
	}
	/* walk back over closure tokens */
	for (k = ntok; k > 0; k--) {
		const char *t = tok[k - 1];
		const char *end = k < ntok ? tok[k] - 1 : t + strlen(t);

		if (!closure_token(t, (size_t)(end - t)))
			break;
	}
	if (k == ntok || k == 0)
		return NULL;   /* not a closure, or nothing declares it */
	k--;               /* the declaring function */
	if (k > 0 && tok[k - 1][0] == '(')
		k--;           /* its pointer receiver "(*T)" */
	return tok[k];
}

static const void *generic_alias(void *ctx, const char *name);

/* Both alias lookups scan every symbol, and sites ask the same names again: kept per name. */
const char *pgd_binary_generic_alias(struct pgd_binary *b, const char *name)
{
	return pgd_hashmap_memo(&b->impl->generic_aliases, &b->arena, name, generic_alias, b);
}

static const void *generic_alias(void *ctx, const char *name)
{
	struct pgd_binary *b = ctx;
	const char *br = strchr(name, '[');
	struct pgd_dwarf *dw = b->impl->dw;
	struct pgd_err e = { 0 };
	size_t plen;

	if (!br || !dw || load_all(b, &e))
		return NULL;
	plen = (size_t)(br - name) + 1;
	for (size_t i = 0; i < b->nsymbols; i++)
		if (b->symbols[i].is_func && !strncmp(b->symbols[i].name, name, plen) &&
		    pgd_goname_same_but_parens(b->symbols[i].name, name) && strcmp(b->symbols[i].name, name))
			return b->symbols[i].name;
	for (size_t c = 0; c < dw->ncus; c++)
		for (size_t k = 0; k < dw->cus[c].nsubs; k++) {
			const char *n = dw->cus[c].subs[k].name;

			if (n && !strncmp(n, name, plen) && pgd_goname_same_but_parens(n, name) && strcmp(n, name))
				return n;
		}
	return NULL;
}

int pgd_goname_is_closure(const char *name)
{
	return closure_tail(name) != NULL;
}

struct pgd_disasm *pgd_binary_disasm_new(const struct pgd_binary *b)
{
	struct pgd_disasm *d = NULL;

	return pgd_disasm_open(b->impl->elf.machine, &d) ? NULL : d;
}

static const void *closure_alias_of(void *b, const char *name)
{
	return pgd_binary_closure_alias_scan(b, name);
}

const char *pgd_binary_closure_alias(const struct pgd_binary *b, const char *name)
{
	if (!closure_tail(name))
		return NULL;
	/* b is const to its callers; what it keeps for speed is not part of its value */
	return pgd_hashmap_memo(&b->impl->closure_aliases, &((struct pgd_binary *)b)->arena, name, closure_alias_of,
				(void *)b);
}

const char *pgd_binary_closure_alias_scan(const struct pgd_binary *b, const char *name)
{
	const char *tail = closure_tail(name);
	size_t pkg_len, tail_len;

	if (!tail)
		return NULL;
	pkg_len = (size_t)(tail - name);
	{
		struct pgd_goname g;

		pgd_goname_parse(name, &g);
		pkg_len = g.pkg_len;
	}
	tail_len = strlen(tail);
	for (size_t i = 0; i < b->nsymbols; i++) {
		const char *s = b->symbols[i].name, *st;
		size_t len = strlen(s);

		if (!b->symbols[i].is_func || len <= tail_len || strncmp(s, name, pkg_len) ||
		    s[pkg_len] != '.' || strcmp(s + len - tail_len, tail))
			continue;
		st = closure_tail(s);
		if (st && !strcmp(st, tail) && strcmp(s, name))
			return s;
	}
	return NULL;
}

size_t pgd_binary_compile_package(struct pgd_binary *b, const char *name, char *buf, size_t size)
{
	struct pgd_err e = { 0 };
	const struct pgd_bfunc *pub = pgd_binary_func(b, name, &e);
	const struct bfunc_priv *f = (const struct bfunc_priv *)pub;
	const char *cu = f && f->cu >= 0 && pub->nranges ? b->impl->dw->cus[f->cu].name : NULL;
	size_t n;

	if (!cu || !*cu)
		return package_of(name, buf, size);
	n = strlen(cu);
	if (n + 1 > size)
		return 0;
	memcpy(buf, cu, n + 1);
	return n;
}

/* A function's direct call targets, decoded once (sites ask per callee). */
struct direct_calls {
	size_t n, cap;
	uint64_t *targets;            /* malloc'd, sorted after the scan */
	int oom;
};

static void on_direct(void *ctx, const struct pgd_insn_info *in)
{
	struct direct_calls *d = ctx;

	void *q;

	if (in->kind != PGD_INSN_CALL_DIRECT || d->oom)
		return;
	if (!(q = pgd_mem_grow(d->targets, d->n, &d->cap, sizeof(*d->targets)))) {
		d->oom = 1;
		return;
	}
	d->targets = q;
	d->targets[d->n++] = in->target;
}

static int u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* f's direct call targets, sorted; NULL when they cannot be read (out of memory). */
static const struct direct_calls *direct_calls_of(struct pgd_binary *b, const struct pgd_symbol *f)
{
	struct pgd_binary_impl *im = b->impl;
	struct hashmap_entry *e = pgd_hashmap_find(&im->direct, &f, sizeof(f));
	struct direct_calls *d;
	const struct pgd_symbol **key;
	const uint8_t *code;

	if (e)
		return e->val.ptr;
	if (!(d = pgd_arena_calloc(&b->arena, 1, sizeof(*d))) || !(key = pgd_arena_alloc(&b->arena, sizeof(*key))))
		return NULL;
	code = code_bytes(im, f->addr, f->size);
	if (code)
		pgd_disasm_scan(im->dis, code, f->size, f->addr, on_direct, d);
	if (d->oom) {
		free(d->targets);
		return NULL;
	}
	if (d->n > 1)
		qsort(d->targets, d->n, sizeof(*d->targets), u64_cmp);
	*key = f;
	if (!(e = pgd_hashmap_upsert(&im->direct, key, sizeof(*key), NULL))) {
		free(d->targets);
		return NULL;
	}
	e->val.ptr = d;
	return d;
}

static void direct_free(struct pgd_binary_impl *im)
{
	struct hashmap_entry *e;

	for (size_t i = 0; pgd_hashmap_next(&im->direct, &i, &e);)
		free(((struct direct_calls *)e->val.ptr)->targets);
	pgd_hashmap_free(&im->direct);
}

int pgd_binary_calls_directly(struct pgd_binary *b, const char *fn, const char *target)
{
	const struct pgd_symbol *f = sym_by_name(b, fn), *t = sym_by_name(b, target);
	const struct direct_calls *d;

	if (!f || !t || !f->is_func || !t->is_func || !f->size)
		return 0;
	if (!b->impl->dis && pgd_disasm_open(b->impl->elf.machine, &b->impl->dis))
		return 0;
	if (!(d = direct_calls_of(b, f)))
		return 0;
	return d->n && bsearch(&t->addr, d->targets, d->n, sizeof(*d->targets), u64_cmp) != NULL;
}

const char *pgd_binary_gnu_build_id(struct pgd_binary *b)
{
	const struct pgd_elf_section *s = pgd_elf_section(&b->impl->elf, ".note.gnu.build-id");
	const uint8_t *d = s ? pgd_elf_section_data(&b->impl->elf, s) : NULL;
	uint32_t namesz, descsz;
	uint64_t descoff;
	char *hex;

	if (!d || s->size < 12)
		return NULL;
	namesz = (uint32_t)(d[0] | d[1] << 8 | d[2] << 16 | (uint32_t)d[3] << 24);
	descsz = (uint32_t)(d[4] | d[5] << 8 | d[6] << 16 | (uint32_t)d[7] << 24);
	descoff = 12 + (((uint64_t)namesz + 3) & ~3ull);
	if (descoff > s->size || descsz > s->size - descoff || descsz > 64)
		return NULL;
	hex = pgd_arena_alloc(&b->arena, 2 * (size_t)descsz + 1);
	if (!hex)
		return NULL;
	for (uint32_t i = 0; i < descsz; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[descoff + i]);
	hex[2 * descsz] = '\0';
	return hex;
}

/* ==== inlining drift (issue #17): the runtime tables and code, for src/inl_binary.c ====
 * Appended in one block; inl_binary.c reads the tables itself. */

const struct pgd_pcln *pgd_binary_pcln(const struct pgd_binary *b)
{
	const struct pgd_binary_impl *im = b->impl;

	/* Inline trees need moduledata.gofunc; Go 1.18-1.19 tables (no PGO) are not read. */
	if (!im->have_mod || !im->pcln.gofunc || im->pcln.magic != PGD_PCLN_MAGIC_120)
		return NULL;
	return &im->pcln;
}

#define SWEEP_RESIDENT (2u << 20)  /* .text a sweep keeps mapped in between drops */

/*
 * For sweeps over every function (inl_binary.c): through the mapping,
 * but the pages swept so far are dropped every SWEEP_RESIDENT bytes
 * (MADV_DONTNEED on a private, never written file mapping: a later touch
 * reads the same bytes again), or all of .text would stay resident.
 */
const uint8_t *pgd_binary_code(const struct pgd_binary *b, uint64_t addr, uint64_t len)
{
	struct pgd_binary_impl *im = b->impl;
	const uint8_t *p = pgd_elf_vaddr(&im->elf, addr, len);
	uint64_t off;

	if (!p || !len)
		return p;
	off = (uint64_t)(p - (const uint8_t *)im->map);
	if (im->swept && im->swept + len > SWEEP_RESIDENT) {
		uint64_t lo = im->sweep_lo & ~(uint64_t)4095, hi = (im->sweep_hi + 4095) & ~(uint64_t)4095;

		if (hi > im->map_len)
			hi = im->map_len;
		/* only pages wholly before this range: it is about to be read */
		if (hi > (off & ~(uint64_t)4095) && lo < off + len)
			hi = off & ~(uint64_t)4095;
		if (hi > lo)
			madvise((uint8_t *)im->map + lo, hi - lo, MADV_DONTNEED);
		im->swept = 0;
	}
	if (!im->swept || off < im->sweep_lo)
		im->sweep_lo = off;
	if (!im->swept || off + len > im->sweep_hi)
		im->sweep_hi = off + len;
	im->swept += len;
	return p;
}

struct pgd_disasm *pgd_binary_disasm(struct pgd_binary *b)
{
	if (!b->impl->dis && pgd_disasm_open(b->impl->elf.machine, &b->impl->dis))
		return NULL;
	return b->impl->dis;
}
