/* SPDX-License-Identifier: MIT */
#ifndef PGD_ELF_H
#define PGD_ELF_H

/*
 * A minimal ELF64 little-endian reader over a file image in memory.
 *
 * pgd_elf_parse() checks every header, section and segment against the
 * image size before anything else may read it, so later code (and
 * libdwarf, which only ever sees sections handed out by this module)
 * can trust offsets and sizes. Debian's libdwarf 20210528 has known
 * heap overflows on malformed objects; it never opens the file itself.
 */

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "pgodrift/pgodrift.h"

#define PGD_EM_X86_64 62
#define PGD_EM_AARCH64 183

#define PGD_SHT_NOBITS 8
#define PGD_SHT_SYMTAB 2
#define PGD_SHT_NOTE 7
#define PGD_SHF_COMPRESSED 0x800

struct pgd_elf_section {
	const char *name;
	uint32_t type;
	uint64_t flags;
	uint64_t addr;
	uint64_t offset;
	uint64_t size;          /* bytes in the file (0 for SHT_NOBITS) */
	uint32_t link;
	uint32_t info;
	uint64_t entsize;
};

struct pgd_elf_segment {
	uint32_t type;
	uint64_t offset, vaddr, filesz, memsz;
};

struct pgd_elf {
	const uint8_t *data;
	size_t size;
	uint16_t machine;
	size_t nsections;
	struct pgd_elf_section *sections;
	size_t nsegments;
	struct pgd_elf_segment *segments;
};

/* Validates the image; PGD_EINPUT ("not an ELF file", "truncated ELF: ...") on failure. */
int pgd_elf_parse(const uint8_t *data, size_t size, struct arena *a, const char *path,
		  struct pgd_elf *out, struct pgd_err *err);
const struct pgd_elf_section *pgd_elf_section(const struct pgd_elf *e, const char *name);
/* The section's bytes as stored (checked at parse time); NULL for NOBITS. */
const uint8_t *pgd_elf_section_data(const struct pgd_elf *e, const struct pgd_elf_section *s);
/*
 * `len` bytes at virtual address `addr`, from a PT_LOAD segment or an
 * allocated section; NULL when they are not all in the file.
 */
const uint8_t *pgd_elf_vaddr(const struct pgd_elf *e, uint64_t addr, uint64_t len);
/*
 * A section's contents, inflated when it is SHF_COMPRESSED (Elf64_Chdr,
 * zlib) or a GNU-style `.zdebug_*` section ("ZLIB" + 8-byte big-endian
 * size). Inflated bytes come from arena `a`; at most max_bytes.
 */
int pgd_elf_section_contents(const struct pgd_elf *e, const struct pgd_elf_section *s,
			     struct arena *a, uint64_t max_bytes, const char *path,
			     const uint8_t **out, uint64_t *out_len, struct pgd_err *err);

#endif
