/* SPDX-License-Identifier: MIT */
#ifndef PGD_GOMODEL_H
#define PGD_GOMODEL_H

/*
 * The binary stage's model of functions, inlined copies and line rows
 * (struct pgd_dwarf, dwarf.h), built from Go's runtime tables instead of
 * DWARF: what a stripped binary (-ldflags=-s, -w) still carries.
 *
 *  - a unit per package (the linker name's package part, unescaped, as a
 *    DWARF unit name); a subprogram per .gopclntab function, its range
 *    [entry, next entry), its decl_line _func.startLine (Go >= 1.20, the
 *    line DWARF's DW_AT_decl_line carries; before, the first row's line,
 *    as binary.c does for old DWARF);
 *  - an inlined subroutine per inline-tree node (FUNCDATA_InlTree) that
 *    owns pcs, its ranges the pcs whose PCDATA_InlTreeIndex chain holds it
 *    (the same pcinline data cmd/internal/obj/dwarf.go turns into DWARF
 *    ranges), its call site the file:line at its parentPc (runtime/
 *    symtabinl.go inlineUnwinder), nested as the runtime unwinds;
 *  - an abstract subprogram for each inlined function with no body of its
 *    own, in its package's unit, decl_line from inlinedCall.startLine;
 *  - line rows on demand, a function at a time (the pcs asked about,
 *    pgd_dwarf_load_lines_for), from its pcfile and pcln.
 */

#include "arena.h"
#include "dwarf.h"
#include "gopclntab.h"

/* p must outlive the model (its tables are read lazily). Returns 0, PGD_ENOMEM. */
int pgd_gomodel_build(const struct pgd_pcln *p, struct arena *a, const char *path, struct pgd_dwarf **out,
		      struct pgd_err *err);

#endif
