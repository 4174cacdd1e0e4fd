/* SPDX-License-Identifier: MIT */
#ifndef PGD_GOPCLNTAB_H
#define PGD_GOPCLNTAB_H

/*
 * Go's runtime function table (.gopclntab), which every Go binary keeps,
 * stripped or not: the runtime needs it for tracebacks, so `-s -w` leaves
 * it alone. Layouts of Go 1.18-1.19 (magic 0xfffffff0) and 1.20-1.26
 * (0xfffffff1); mirrors runtime/symtab.go (pcHeader, moduledata, step,
 * pcvalue), runtime/runtime2.go (_func), runtime/symtabinl.go
 * (inlinedCall), internal/abi/symtab.go (PCDATA/FUNCDATA indexes),
 * cmd/link/internal/ld/pcln.go (how the linker writes it) and
 * debug/gosym/pclntab.go.
 *
 * Every read is bounds-checked against the section (or, for the inline
 * trees in go:func.*, the ELF image): the input may be hostile.
 */

#include <stddef.h>
#include <stdint.h>

#include "elf.h"
#include "pgodrift/pgodrift.h"

#define PGD_PCLN_MAGIC_118 0xfffffff0u /* Go 1.18, 1.19 */
#define PGD_PCLN_MAGIC_120 0xfffffff1u /* Go 1.20 and later */

struct pgd_pcln_tab {
	const uint8_t *p;
	uint64_t len;
};

struct pgd_pcln {
	const struct pgd_elf *elf;
	uint64_t addr;                /* vaddr of the pcHeader (.gopclntab) */
	uint32_t magic;
	uint8_t quantum;              /* minLC: pc deltas are multiples of it */
	uint8_t ptrsize;
	uint32_t nfunc, nfiles;
	/* base of entryOff; pcHeader.textStart until Go 1.25, moduledata.text from 1.26 */
	uint64_t text_start;
	uint64_t gofunc;              /* moduledata.gofunc: base of funcdata offsets; 0 unknown */
	struct pgd_pcln_tab funcnametab, cutab, filetab, pctab, functab;
};

struct pgd_pcln_func {
	uint64_t entry, end;          /* [entry, end): up to the next function */
	const char *name;             /* NUL-terminated inside funcnametab */
	int32_t start_line;           /* Go >= 1.20; 0 before */
	uint32_t cu_offset;
	uint32_t pcfile, pcln;        /* pctab offsets, 0 none */
	uint32_t pc_inl;              /* PCDATA_InlTreeIndex table, 0 none */
	uint64_t inltree;             /* vaddr of FUNCDATA_InlTree, 0 none */
};

/* One node of a function's inline tree (runtime/symtabinl.go inlinedCall). */
struct pgd_pcln_inl {
	const char *name;             /* the inlined function */
	int32_t parent_pc;            /* offset from entry of an instruction at the call site */
	int32_t start_line;           /* Go >= 1.20 */
	int32_t parent;               /* Go 1.18-1.19 only: parent index, < 0 none; else -2 (ask the pc) */
	int32_t file, line;           /* Go 1.18-1.19: the call site (file: per-CU index) */
};

/*
 * Reads the header of .gopclntab. PGD_EINPUT when there is none or it is
 * malformed (path names the file). text_start may be 0 (Go >= 1.26): the
 * caller sets it from moduledata, as it sets gofunc.
 */
int pgd_pcln_open(const struct pgd_elf *e, const char *path, struct pgd_pcln *out, struct pgd_err *err);
/* Function i (0 <= i < nfunc); -1 when its record is malformed. */
int pgd_pcln_func(const struct pgd_pcln *p, uint32_t i, struct pgd_pcln_func *out);
/* Index of the function covering pc, or -1. */
long pgd_pcln_find(const struct pgd_pcln *p, uint64_t pc);
/* A name in funcnametab, NULL when out of bounds or unterminated. */
const char *pgd_pcln_name(const struct pgd_pcln *p, int64_t off);
/* File `idx` of the unit at cu_offset (cutab), NULL when none. */
const char *pgd_pcln_file(const struct pgd_pcln *p, uint32_t cu_offset, int64_t idx);

/*
 * A pc-value table (runtime/symtab.go step): each step says the value is
 * `val` on [pc, pc_end). Start with pgd_pcv_init; pgd_pcv_next returns 1
 * per step, 0 at the end, -1 on malformed data.
 */
struct pgd_pcv {
	const uint8_t *p, *end;
	uint64_t pc;
	int32_t val;
	int first;
	uint8_t quantum;
};
void pgd_pcv_init(const struct pgd_pcln *p, uint32_t off, uint64_t entry, struct pgd_pcv *it);
int pgd_pcv_next(struct pgd_pcv *it, uint64_t *pc, uint64_t *pc_end, int32_t *val);
/* The table's value at pc; -1 when pc is outside it (the runtime's default). */
int32_t pgd_pcv_value(const struct pgd_pcln *p, uint32_t off, uint64_t entry, uint64_t pc);

/*
 * A pc-value table decoded once for many lookups (inline trees, lines of
 * one function): its steps in pc order, never overlapping.
 */
struct pgd_pcv_step {
	uint64_t lo, hi;
	int32_t v;
};
struct pgd_pcv_table {
	struct pgd_pcv_step *s;
	size_t n, cap;
};
/* Decodes the table at off into t, reusing its buffer: 0, or -1 when out of memory. */
int pgd_pcv_table_read(const struct pgd_pcln *p, uint32_t off, uint64_t entry, struct pgd_pcv_table *t);
void pgd_pcv_table_release(struct pgd_pcv_table *t);
/* The value at pc over n sorted steps; -1 outside them (runtime/symtab.go pcvalue's default). */
int32_t pgd_pcv_steps_value(const struct pgd_pcv_step *s, size_t n, uint64_t pc);

/* Node idx of f's inline tree; -1 when it lies outside the image. */
int pgd_pcln_inl(const struct pgd_pcln *p, const struct pgd_pcln_func *f, uint32_t idx,
		 struct pgd_pcln_inl *out);

#endif
