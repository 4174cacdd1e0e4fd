/* SPDX-License-Identifier: MIT */
#ifndef PGD_DEBUGFILE_H
#define PGD_DEBUGFILE_H

/*
 * Separate debug files, found as gdb finds them (gdb manual, "Debugging
 * Information in Separate Files"; elfutils' dwfl_standard_find_debuginfo;
 * the debuginfod client cache layout):
 *  - by GNU build ID (.note.gnu.build-id, which Go writes since 1.24):
 *    DIR/.build-id/xx/yyyy.debug, and DEBUGINFOD-style DIR/HEX/debuginfo or
 *    DIR/buildid/HEX/debuginfo, for each DIR given (default /usr/lib/debug);
 *  - by .gnu_debuglink (a file name and the CRC-32 of the file): beside
 *    the binary, in its .debug/ subdirectory, and under DIR/<binary's dir>.
 * A candidate must be an ELF file with .debug_info whose build ID (when
 * both have one) equals the binary's, or whose CRC matches the link's.
 */

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "elf.h"

/* The GNU build ID in lower-case hex, NULL when the note is absent or malformed. */
const char *pgd_gnu_build_id(const struct pgd_elf *e, struct arena *a);
/* .gnu_debuglink: the file name and CRC-32; 0 when present and well formed. */
int pgd_debuglink(const struct pgd_elf *e, const char **name, uint32_t *crc);

struct pgd_debug_candidate {
	const char *path;
	const char *rule;             /* "build ID", ".gnu_debuglink": for notes */
	int check_crc;                /* found by .gnu_debuglink: the file's CRC-32 must be crc */
	uint32_t crc;
};

/*
 * Candidate paths for binary_path's debug file, in search order, into
 * arena a (*n of them). dirs: ':'-separated, NULL for /usr/lib/debug.
 * Returns 0 or PGD_ENOMEM.
 */
int pgd_debug_candidates(const struct pgd_elf *e, const char *binary_path, const char *dirs,
			 struct arena *a, struct pgd_debug_candidate **out, size_t *n);

#endif
