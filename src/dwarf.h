/* SPDX-License-Identifier: MIT */
#ifndef PGD_DWARF_H
#define PGD_DWARF_H

/*
 * A lazy model of a Go binary's DWARF, read through libdwarf.
 *
 * libdwarf never opens the file: it is handed the .debug_* sections of an
 * ELF image pgd_elf_parse() validated, through its object access
 * interface, inflated here (SHF_COMPRESSED or .zdebug_*) with a cap.
 *
 * Opening reads only the CU headers (name, PC ranges). A CU's DIEs are
 * walked on the first question about it (pgd_dwarf_load_cu: subprograms
 * and inlined subroutines, nothing else), its line table on the first
 * question about code (pgd_dwarf_load_lines).
 *
 * Go emits one or more CUs per package (the linker splits big packages,
 * cmd/link/internal/ld/dwarf.go). A function inlined into other packages
 * has one abstract DIE (DW_AT_inline), kept by the linker in whichever unit
 * it met first, so inlined instances are matched by origin name, and an
 * abstract DIE may sit in another package's unit.
 *
 * DWARF 4 (Go <= 1.24, or GOEXPERIMENT=nodwarf5) and DWARF 5 (Go >= 1.25)
 * are both read: .debug_ranges or .debug_rnglists, plain or indexed
 * (.debug_addr) low_pc, line table v4 or v5 (file 0 = the unit's primary
 * file in v5, no file 0 in v4, DWARF 5 section 6.2.4).
 */

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "binary.h"
#include "elf.h"
#include "hashmap.h"

#define PGD_DW_END UINT32_MAX /* row file of an end_sequence row */

struct pgd_dw_row {
	uint64_t addr;
	uint32_t line;
	uint32_t file;                /* index into cu->files, or PGD_DW_END */
};

struct pgd_dw_sub {
	uint64_t die_off;
	uint64_t origin_off;          /* concrete copy of an abstract sub; 0 none */
	const char *name;             /* interned; "" when unresolved */
	const char *decl_file;        /* interned; NULL when the DIE has none (Go: abstract and their copies) */
	int64_t decl_line;
	int abstract;                 /* DW_AT_inline: a pattern, no code of its own */
	/* its inlined subroutines are cu->inls[inl_begin, inl_end) (DIE order) */
	uint32_t inl_begin, inl_end;
	uint32_t nranges;
	struct pgd_pc_range *ranges;
};

struct pgd_dw_inl {
	uint64_t origin_off;
	const char *origin;           /* interned name of the abstract origin; "" when unresolved */
	const char *call_file;        /* interned; NULL when absent */
	int64_t call_line;
	int32_t parent;               /* enclosing inl of this CU, -1 when directly in the subprogram */
	uint32_t sub;                 /* containing subprogram (index into cu->subs) */
	uint32_t end;                 /* one past its last nested inl: children follow it */
	uint32_t nranges;
	struct pgd_pc_range *ranges;
};

/*
 * A synthetic unit's rows come a function at a time (gomodel.c): each
 * function's rows are appended as one block, ending with its end row,
 * and found through these, sorted by address, instead of being inserted
 * into one sorted array (the insertion's memmove was a twentieth of a
 * big check).
 */
struct pgd_dw_rowblk {
	uint64_t lo;                  /* the block's first row's address */
	size_t first, n;              /* cu->rows[first, first + n) */
};

struct pgd_dw_cu {
	uint64_t die_off;
	const char *name;             /* Go: the package path */
	uint16_t version;
	uint32_t nranges;
	struct pgd_pc_range *ranges;
	int loaded;
	int lines_loaded;
	size_t nfiles;
	const char **files;           /* interned; DWARF file number n is files[n - (version < 5)] */
	size_t nsubs;
	struct pgd_dw_sub *subs;
	size_t ninls;
	struct pgd_dw_inl *inls;
	size_t nrows;
	struct pgd_dw_row *rows;      /* sorted by address; with blks, within each block */
	size_t nblks;
	struct pgd_dw_rowblk *blks;   /* NULL: one sorted array (DWARF units) */
};

struct pgd_dwarf {
	size_t ncus;
	struct pgd_dw_cu *cus;
	size_t cus_loaded;
	size_t line_tables_decoded;
	size_t subs_seen;
	/* DIEs whose DW_AT_ranges (or low_pc) could not be read: they get no
	 * PC ranges; the binary stage turns this into a note. */
	size_t ranges_unread;
	struct pgd_dwarf_impl *impl;
	/*
	 * A model built from another source (gomodel.c: Go's runtime tables)
	 * decodes a unit's rows through this instead of libdwarf: at least
	 * those of the pcs [lo, hi) (a function at a time), so rows it has
	 * not decoded are absent, never wrong. close_fn releases what it keeps
	 * outside the arena.
	 */
	int (*lines_fn)(void *ctx, struct pgd_dwarf *d, size_t cu, uint64_t lo, uint64_t hi, struct pgd_err *err);
	void (*close_fn)(void *ctx);
	void *lines_ctx;
};

/*
 * Sets up libdwarf on the image's debug sections and reads the CU headers.
 * PGD_EINPUT "no DWARF ..." when there is no .debug_info.
 */
int pgd_dwarf_open(const struct pgd_elf *e, struct arena *a, const char *path,
		   uint64_t max_section_bytes, struct pgd_dwarf **out, struct pgd_err *err);
void pgd_dwarf_close(struct pgd_dwarf *d);
/*
 * An empty model for another source of units (gomodel.c) to fill: it
 * appends cus (loaded, with die_off ascending) from arena a, then calls
 * pgd_dwarf_index_units so the lookups by pc work; names are interned
 * with pgd_dwarf_name as usual.
 */
int pgd_dwarf_new_synthetic(struct arena *a, const char *path, struct pgd_dwarf **out, struct pgd_err *err);
int pgd_dwarf_index_units(struct pgd_dwarf *d, struct pgd_err *err);
/* Index of the CU whose ranges cover pc, or -1. */
long pgd_dwarf_cu_for_pc(const struct pgd_dwarf *d, uint64_t pc);
/*
 * How many of the unit's rows (sorted by address) start at or before pc;
 * with row blocks, one past the last row at or before pc of the last
 * block starting at or before pc (0 when none does). Either way the row
 * before that index is the one covering pc, and rows after it, up to an
 * end row, follow in address order.
 */
size_t pgd_dwarf_rows_upto(const struct pgd_dw_cu *cu, uint64_t pc);
/* How many of a synthetic unit's row blocks start at or before pc. */
size_t pgd_dwarf_blocks_upto(const struct pgd_dw_cu *cu, uint64_t pc);
/* Index of the unit holding the DIE at section offset off, or -1. */
long pgd_dwarf_cu_for_offset(const struct pgd_dwarf *d, uint64_t off);
/*
 * Index of the first CU named name (a Go package path) at or after index
 * from, or -1. Go splits a package over several units (a small Go 1.26
 * program has 9 named "runtime"), so callers that look for a function by
 * name iterate; by address, use pgd_dwarf_cu_for_pc.
 */
long pgd_dwarf_cu_by_name(const struct pgd_dwarf *d, const char *name, size_t len, size_t from);
int pgd_dwarf_load_cu(struct pgd_dwarf *d, size_t cu, struct pgd_err *err);
int pgd_dwarf_load_lines(struct pgd_dwarf *d, size_t cu, struct pgd_err *err);
/*
 * The unit's rows for at least the pcs [lo, hi): a DWARF unit's whole line
 * table, a synthetic model's rows of the functions those pcs are in (rows
 * of other functions may be missing until asked for).
 */
int pgd_dwarf_load_lines_for(struct pgd_dwarf *d, size_t cu, uint64_t lo, uint64_t hi, struct pgd_err *err);
/*
 * Interned strings: equal names share one pointer, so DWARF names, file
 * names and symbol names compare as pointers. Go spells a name the same
 * way in DWARF, the symbol table and profiles (dots in the last import
 * path element escaped as %2e, objabi.PathToPrefix); only CU names carry
 * the plain package path. NULL on out of memory.
 */
const char *pgd_dwarf_name(struct pgd_dwarf *d, const char *name, size_t len);
/*
 * The same, without a copy when name[len] is its NUL and it outlives d (a
 * name inside the mapped image, as .gopclntab's funcnametab), and *word: one 64-bit word per interned name (0 at first) for the model
 * that built the units (gomodel.c keeps a function's die_off there instead
 * of a second map of every name), valid until the next name is interned.
 */
const char *pgd_dwarf_name_word(struct pgd_dwarf *d, const char *name, size_t len, uint64_t **word);
/* A hint that name will be interned soon (pgd_hashmap_prefetch). */
void pgd_dwarf_name_prefetch(const struct pgd_dwarf *d, const char *name, size_t len);
/* Room for n more names without rehashing (gomodel.c interns every function); 0 or -1. */
int pgd_dwarf_reserve_names(struct pgd_dwarf *d, size_t n);
/* The interned string if it was ever interned, else NULL (no allocation). */
const char *pgd_dwarf_name_lookup(const struct pgd_dwarf *d, const char *name, size_t len);

#endif
