/* SPDX-License-Identifier: MIT */
#ifndef PGD_BINARY_H
#define PGD_BINARY_H

/*
 * Stage 3: what the shipped Go binary really contains.
 *
 * The ELF file is mapped and bounds-checked before libdwarf ever sees it
 * (Debian's libdwarf 20210528 predates many fuzzer fixes). Build info and
 * the symbol table are read eagerly (cheap); DWARF is indexed lazily: only
 * the functions a profile names are resolved, and a CU's line table is
 * decoded only when a function in it is asked about.
 */

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "pgodrift/pgodrift.h"

struct pgd_binary;

struct pgd_build_setting {
	const char *key;
	const char *value;
};

struct pgd_symbol {
	const char *name;
	uint64_t addr;
	uint64_t size;
	int is_func;
};

struct pgd_pc_range {
	uint64_t lo, hi;              /* [lo, hi) */
};

/* A DWARF subprogram, resolved on demand. */
struct pgd_bfunc {
	const char *name;             /* Go linker name as in profiles */
	/*
	 * As DWARF spells it (absolute, or trimmed with -trimpath). Go puts no
	 * DW_AT_decl_file on abstract subprograms or their out-of-line copies,
	 * so it is read off the line table then; NULL when a function exists
	 * only as inlined copies in other packages.
	 */
	const char *decl_file;
	/*
	 * The start line PGO offsets are relative to (= pprof
	 * Function.start_line). Go < 1.20 wrote none: then the line of the
	 * prologue's row; 0 when unknown.
	 */
	int64_t decl_line;
	size_t nranges;
	struct pgd_pc_range *ranges;  /* the out-of-line body; none when only inlined */
};

enum pgd_call_kind {
	PGD_CALL_DIRECT = 1,          /* fixed target */
	PGD_CALL_INDIRECT = 2,        /* through a register or memory */
};

struct pgd_call_insn {
	uint64_t pc;
	uint32_t len;
	enum pgd_call_kind kind;
	uint64_t target;              /* direct only */
	const char *target_name;      /* direct only; NULL when no symbol covers it */
	/* Indirect only: the itab slot the target was loaded from (0x18 for the
	 * first method on amd64), -1 when not an itab load (e.g. a closure call). */
	int64_t itab_offset;
};

/* A devirtualization guard: code comparing against a concrete type. */
struct pgd_guard {
	uint64_t pc;
	const char *symbol;           /* "go:itab.*main.RedisCache,main.Cache", or a func symbol for func-value guards */
	const char *concrete;         /* "*main.RedisCache"; for func-value guards the function name */
	const char *iface;            /* "main.Cache"; NULL for func-value guards and type-word compares */
	/*
	 * The indirect call it guards, found by data flow (the compared itab
	 * word or func value is what the call's target is loaded from); then
	 * pc may carry another line than the call. 0: found on the line only.
	 */
	uint64_t call_pc;
};

/*
 * Everything the binary holds at one source line of one function: its
 * out-of-line body and every inlined copy of it, anywhere in the binary.
 */
struct pgd_line_code {
	const struct pgd_bfunc *func; /* NULL: the function is not in the binary */
	int64_t line;                 /* absolute source line examined */
	size_t ninstances;            /* bodies examined: out-of-line + inlined copies */
	size_t ncalls;
	struct pgd_call_insn *calls;  /* at that line, all instances, by pc */
	size_t nguards;
	struct pgd_guard *guards;
	size_t ninlined;
	const char **inlined;         /* origins of DW_TAG_inlined_subroutine with that
	                               * call line inside the instances (names, sorted, unique) */
};

struct pgd_binary {
	struct arena arena;
	const char *path;
	/* build info (.go.buildinfo) and build id (.note.go.buildid) */
	const char *go_version;
	const char *main_module;      /* main module path, "" when none */
	const char *build_id;
	const char *arch;             /* "amd64" / "arm64" */
	size_t nsettings;
	struct pgd_build_setting *settings;
	/* ELF symbols, sorted by address; functions and itabs */
	size_t nsymbols;
	struct pgd_symbol *symbols;
	uint64_t text_size;           /* size of .text */
	struct pgd_binary_impl *impl; /* ELF mapping, libdwarf handle, lazy indexes */
};

/*
 * The function as DWARF describes it, or NULL when absent (err untouched;
 * err->code set only on real failures). Loads only the CU whose ranges
 * cover the function's symbol (or, for a function that exists only
 * inlined, its package's CU). Names are the linker's, as in profiles
 * ("example.com/a/b%2ec.F"); the unescaped spelling is accepted too.
 */
const struct pgd_bfunc *pgd_binary_func(struct pgd_binary *b, const char *name, struct pgd_err *err);
/* Whether the symbol table has a function of that (linker) name. */
int pgd_binary_has_symbol(const struct pgd_binary *b, const char *name);
/* The function symbol of that (linker) name, NULL when none (a hash lookup). */
const struct pgd_symbol *pgd_binary_func_symbol(const struct pgd_binary *b, const char *name);
const struct pgd_symbol *pgd_binary_symbol_at(const struct pgd_binary *b, uint64_t addr);

/*
 * Calls, guards and inlined callees at `line` of function `name`. Memory for
 * the result comes from arena `a`. Returns 0 with out->func == NULL when the
 * function does not exist in the binary.
 *
 * Inlined copies can sit in any package's CU, so the first call walks every
 * CU's DIEs once (about 0.4 s for Go's 27 MB cmd/compile); line tables are
 * decoded only for the CUs holding an instance of an asked-for function.
 */
int pgd_binary_code_at_line(struct pgd_binary *b, const char *name, int64_t line,
			    struct arena *a, struct pgd_line_code *out, struct pgd_err *err);

/* Interfaces the concrete type has itabs for ("*main.RedisCache" -> "main.Cache", ...). */
size_t pgd_binary_itab_ifaces(const struct pgd_binary *b, const char *concrete,
			      const char **out, size_t max);

/*
 * For code-bloat: how many DW_TAG_inlined_subroutine instances each origin
 * has, per containing function. Walks all of DWARF once (cached).
 */
struct pgd_inline_count {
	const char *container;        /* function the copies sit in */
	const char *callee;           /* abstract origin's name */
	uint32_t copies;
};
/*
 * Whether an inlined copy of callee sits in a function whose name starts
 * with prefix ("" any): 1, 0, or an error code. sites.c asks about copies
 * inside a caller's deferwrap functions, doctor's stale-names whether a
 * function exists only inlined; one walk of callee's copies, not of
 * every copy in the binary (pgd_binary_inline_counts).
 */
int pgd_binary_inlined_in(struct pgd_binary *b, const char *callee, const char *prefix, struct pgd_err *err);
/* Sorted by container, then callee (strcmp): one container's copies are one run. */
int pgd_binary_inline_counts(struct pgd_binary *b, const struct pgd_inline_count **out,
			     size_t *n, struct pgd_err *err);

/* Statistics for reports and benchmarks. */
struct pgd_binary_stats {
	size_t cus_total, cus_loaded;
	size_t funcs_total_hint;      /* subprograms seen so far */
	size_t funcs_resolved;
	size_t line_tables_decoded;
	size_t dies_ranges_unread;    /* DIEs of the loaded units whose PC ranges could not be read */
};
void pgd_binary_stats(const struct pgd_binary *b, struct pgd_binary_stats *out);

/*
 * What the binary stage could not read so far, one sentence each (no
 * final period), for a report's notes: DIEs whose PC ranges (DWARF 4
 * .debug_ranges, DWARF 5 .debug_rnglists/.debug_addr) libdwarf could not
 * read, and what that hides. DWARF is read lazily, so ask after the work.
 * Fills out[0..max) and returns how many there are; the strings live
 * until the binary is closed. NULL strings only on out of memory.
 */
size_t pgd_binary_notes(struct pgd_binary *b, const char **out, size_t max);

/*
 * Opens the binary as if it had no DWARF (and, with no_symtab, no symbol
 * table): Go's runtime tables only (.gopclntab, moduledata), as a -w or
 * -s build is read. For comparing both paths on the same build.
 */
int pgd_binary_open_runtime(const char *path, const struct pgd_limits *limits, int no_symtab,
			    struct pgd_binary **out, struct pgd_err *err);
/* Opens the binary reading DWARF (its own or a separate debug file's) whenever there is some. */
int pgd_binary_open_dwarf(const char *path, const struct pgd_limits *limits, struct pgd_binary **out,
			  struct pgd_err *err);
/* ==== check (issue #10): what the mirrored devirtualization rules ask ===========
 * Appended in one block; the functions above belong to the binary reader. */

/* 1 when `name` has inlined copies anywhere in the binary, 0 when not, <0 error. */
int pgd_binary_has_inlined_copy(struct pgd_binary *b, const char *name, struct pgd_err *err);

/*
 * Package dependencies as far as inlining proves them: a function of Q
 * inlined into P's code means P imports Q, directly or not. Transitively
 * closed. Evidence only: a dependency whose functions are never inlined is
 * not seen.
 */
struct pgd_pkg_graph {
	size_t npkgs;
	const char **pkgs;            /* sorted package paths (unescaped, as CU names) */
	size_t words;                 /* uint64_t per row */
	uint64_t *reach;              /* reach[i * words + j / 64] bit j: pkgs[i] depends on pkgs[j] */
	uint64_t *loads;              /* the same, not closed: a function of pkgs[j] is inlined in
	                               * pkgs[i]'s code, so pkgs[i]'s compile read pkgs[j]'s export data */
};
int pgd_binary_pkg_graph(struct pgd_binary *b, struct arena *a, struct pgd_pkg_graph *out,
			 struct pgd_err *err);
/* 1: pkg depends on dep by evidence, 0: no evidence (either may be unknown). */
int pgd_pkg_graph_depends(const struct pgd_pkg_graph *g, const char *pkg, const char *dep);
/* 1: pkg's compile loaded dep's export data by evidence (an inlined function), 0: no evidence. */
int pgd_pkg_graph_loads(const struct pgd_pkg_graph *g, const char *pkg, const char *dep);
/*
 * Whether the compile of caller's package had callee's IR, as
 * cmd/compile/internal/pgoir/irgraph.go addIndirectEdges finds it: local
 * functions always; others through noder/unified.go LookupFunc, which
 * needs the callee's package in the compile's package map (its direct
 * imports and what their export data names, not every transitive
 * dependency: "pkg runtime doesn't exist in map") and the object in that
 * package's export data (unexported runtime helpers such as growslice and
 * asyncPreempt are "missing objReader"; closures and generic
 * instantiations are never looked up). Approximated from the binary: a
 * package whose functions are inlined into the caller's package was
 * loaded; an exported name of a package the caller depends on (or with no
 * evidence either way) is assumed found; runtime's unexported functions,
 * closures, generics and names without a package are not.
 */
int pgd_binary_callee_has_ir(struct pgd_binary *b, const struct pgd_pkg_graph *g,
			     const char *caller, const char *callee);
/* The package path of a Go symbol name, unescaped; 0 when none. */
size_t pgd_binary_package_of(const char *name, char *buf, size_t size);

/*
 * Whether function `func` fills a method slot of an itab of `concrete`
 * (for interface `iface`, or any when NULL): 1 yes, 0 no, -1 cannot tell
 * (no itab of concrete, or its words are not in the file, as in PIE).
 */
int pgd_binary_itab_method(const struct pgd_binary *b, const char *concrete, const char *iface,
			   const char *func);
/*
 * Whether the itab of (concrete, iface) holds `func` in the slot at byte
 * offset `offset` (an indirect call's itab load, pgd_call_insn): 1 yes,
 * 0 no (another method there, or no such itab), -1 cannot tell (the word
 * is not in the file, as in PIE).
 */
int pgd_binary_itab_slot_holds(const struct pgd_binary *b, const char *concrete, const char *iface,
			       int64_t offset, const char *func);

/*
 * What another thread may use of an open binary while this one goes on
 * (check's inlining drift, check.c): pgd_binary_pcln, pgd_binary_code, the
 * symbols, and these two, which keep nothing in b: a decoder of its own
 * (pgd_disasm_close it; NULL out of memory) and the closure alias found by
 * scanning every symbol each time (pgd_binary_closure_alias keeps answers
 * in b).
 */
struct pgd_disasm *pgd_binary_disasm_new(const struct pgd_binary *b);
const char *pgd_binary_closure_alias_scan(const struct pgd_binary *b, const char *name);

/*
 * The binary's name for a closure the profile names differently: PGO
 * inlining renames `pkg.F.func4` to `pkg.G.F.func4` when F is inlined into
 * G (and back). Matches package and the closure's own tail (enclosing
 * function, its receiver, funcN chain); NULL when none. Memory from b.
 */
const char *pgd_binary_closure_alias(const struct pgd_binary *b, const char *name);
/*
 * The binary's name for a generic instantiation the profile spells
 * differently: runtime/pprof writes shape types without the method
 * parentheses DWARF has ("interface { End go/token.Pos; ... }" against
 * "interface { End() go/token.Pos; ... }"). NULL when none.
 */
const char *pgd_binary_generic_alias(struct pgd_binary *b, const char *name);
/* Whether a name is a closure (".funcN", ".gowrapN", ".deferwrapN" tail). */
int pgd_goname_is_closure(const char *name);

/*
 * The package whose compilation produced the function: the name of the
 * DWARF unit of its out-of-line copy (a linknamed runtime.mapaccess2 is
 * compiled in internal/runtime/maps), else the package of its name. Copied
 * into buf; 0 when none.
 */
size_t pgd_binary_compile_package(struct pgd_binary *b, const char *name, char *buf, size_t size);

/* 1 when function fn's out-of-line body has a direct call to target, else 0. */
int pgd_binary_calls_directly(struct pgd_binary *b, const char *fn, const char *target);

/* The GNU build ID (.note.gnu.build-id, Go 1.24+ linkers) in hex, or NULL. */
const char *pgd_binary_gnu_build_id(struct pgd_binary *b);

/* ==== inlining drift (issue #17): what src/inl_binary.c reads itself ============ */
struct pgd_pcln;
struct pgd_disasm;
/* Go's runtime function table with inline trees (Go >= 1.20 layout, moduledata found), else NULL. */
const struct pgd_pcln *pgd_binary_pcln(const struct pgd_binary *b);
/* len bytes of the image at vaddr addr, NULL when not all in the file. */
const uint8_t *pgd_binary_code(const struct pgd_binary *b, uint64_t addr, uint64_t len);
/* The binary's decoder (opened on first use), NULL on failure. */
struct pgd_disasm *pgd_binary_disasm(struct pgd_binary *b);

#endif
