/* SPDX-License-Identifier: MIT */
#ifndef PGD_SRCPATH_H
#define PGD_SRCPATH_H

/*
 * Where a reported file lives in the repository: one rule for every writer
 * that names files (sarif, markdown, github, codeclimate, rdjsonl, line) and
 * every report kind, so code scanning, a PR comment and reviewdog all point
 * at the same path.
 *
 * With a repository root (the CLI passes --source-root, else the git top
 * level, else GITHUB_WORKSPACE / CI_PROJECT_DIR):
 *   - an absolute DWARF path under the root is taken relative to it;
 *   - a file of the main module built elsewhere (another checkout, a Docker
 *     build in /src) or with -trimpath ("example.com/svc/x/y.go") is placed
 *     through the module's directory in the repository: the go.mod that
 *     declares the main module;
 *   - a file of another module (the standard library, a dependency in the
 *     module cache) has no place in the repository: NULL, and each writer
 *     says how it shows such a row;
 *   - a file of the main module that cannot be placed is an error naming
 *     the file and the root: a wrong root is never a silent fallback.
 * Without a root (library callers that give none), paths are relative to
 * the main module's root as far as it can be derived, as before.
 */

#include "arena.h"
#include "report.h"

struct srcpath {
	struct arena arena;
	const char *root;           /* canonical repository root ending in '/', NULL: none */
	size_t root_len;
	const char *module;         /* main module path, "" when unknown */
	const char *built_root;     /* module root as the binary recorded it, ending in '/', NULL */
	const char *mod_dir;        /* the module's directory in the repository ("" or "a/b/") */
	int mod_dir_searched;
};

/* root: NULL for none; must exist when given. */
int pgd_srcpath_init(struct srcpath *sp, const struct pgd_report *r, const char *root,
		 struct pgd_err *err);
/*
 * The repository-relative path of a DWARF source file, or *out = NULL when
 * it lies outside the repository (another module). caller (may be NULL)
 * tells whether the file belongs to the main module.
 */
int pgd_srcpath_source(struct srcpath *sp, const char *file, const char *caller, const char **out,
		   struct pgd_err *err);
/* An input path (as given on the command line): repository-relative, or NULL when outside. */
const char *pgd_srcpath_input(struct srcpath *sp, const char *path);
void pgd_srcpath_release(struct srcpath *sp);

/*
 * Validates the mapping of every file in r under root without writing
 * anything: the CLI calls it once before any output is replaced.
 */
int pgd_srcpath_check_report(const struct pgd_report *r, const char *root, struct pgd_err *err);

#endif
