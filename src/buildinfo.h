/* SPDX-License-Identifier: MIT */
#ifndef PGD_BUILDINFO_H
#define PGD_BUILDINFO_H

/*
 * What `go version -m` prints: the Go version and module info the linker
 * stores in .go.buildinfo (debug/buildinfo/buildinfo.go), and the Go build
 * ID from .note.go.buildid (what `go tool buildid` prints).
 */

#include <stddef.h>

#include "arena.h"
#include "binary.h"
#include "elf.h"

struct pgd_buildinfo {
	const char *go_version;       /* "go1.23.5" */
	const char *path;             /* "path" line: the main package */
	const char *main_module;      /* "mod" line: module path, "" when none */
	const char *main_version;     /* "(devel)", "v1.2.3", "" */
	size_t nsettings;
	struct pgd_build_setting *settings; /* "build" lines, in file order, values unquoted */
};

/*
 * PGD_EINPUT "not a Go binary ..." when the section or its magic is
 * missing; values are copied into arena a.
 */
int pgd_buildinfo_read(const struct pgd_elf *e, struct arena *a, const char *path,
		       struct pgd_buildinfo *out, struct pgd_err *err);
/*
 * Parses the module info text (the lines between the sentinels) into out;
 * go_version is left alone. Returns 0 or PGD_ENOMEM.
 */
int pgd_modinfo_parse(const char *mod, size_t len, struct arena *a, struct pgd_buildinfo *out);
/* The Go build ID, or NULL when the note is missing or malformed. */
const char *pgd_buildid_read(const struct pgd_elf *e, struct arena *a);

#endif
