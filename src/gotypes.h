/* SPDX-License-Identifier: MIT */
#ifndef PGD_GOTYPES_H
#define PGD_GOTYPES_H

/*
 * The runtime's module descriptor (runtime.firstmoduledata) and what it
 * points to: the text base, go:func.* (funcdata), the type descriptors and
 * itablinks. A stripped binary has no symbol naming any of it, so
 * moduledata is found the way debug/buildinfo's successors and GoReSym
 * do: the one word in .noptrdata/.data holding the address of .gopclntab,
 * followed by the address of funcnametab. Layouts: runtime/symtab.go
 * moduledata (Go 1.18-1.19, 1.20-1.25 with covctrs, 1.26 with epclntab),
 * internal/abi/type.go (Type, InterfaceType, Name), internal/abi/iface.go
 * (ITab), runtime/iface.go (itabsinit walks itablinks).
 */

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "elf.h"
#include "gopclntab.h"

struct pgd_gomod {
	uint64_t addr;                /* vaddr of moduledata */
	uint64_t text, etext;
	uint64_t types, etypes;
	uint64_t gofunc;
	uint64_t itablinks, nitablinks;
};

/* 0 when found (fields validated against the image), -1 when not. */
int pgd_gomod_find(const struct pgd_elf *e, const struct pgd_pcln *p, struct pgd_gomod *out);

struct pgd_goitab {
	uint64_t addr;                /* the itab (what a guard's lea forms) */
	const char *concrete;         /* "*example.com/a.T", as the linker names go:itab.* */
	const char *iface;            /* "io.Reader" */
};

/*
 * Every itab in itablinks, named as the linker's go:itab.<concrete>,<iface>
 * symbols (cmd/compile/internal/reflectdata ITabLsym: types.LinkString,
 * full import paths escaped by objabi.PathToPrefix). Type strings carry
 * package names, so the path comes from the itab's first method
 * (pclntab names are full linker names) for the concrete type and from
 * InterfaceType.PkgPath for the interface. Unreadable entries are skipped
 * and counted in *skipped. Returns 0 or PGD_ENOMEM.
 */
int pgd_gomod_itabs(const struct pgd_elf *e, const struct pgd_pcln *p, const struct pgd_gomod *m,
		    struct arena *a, struct pgd_goitab **out, size_t *n, size_t *skipped);

/* objabi.PathToPrefix: path's special bytes (dots in its last element) as %xx. */
char *pgd_go_path_prefix(struct arena *a, const char *path, size_t len);

#endif
