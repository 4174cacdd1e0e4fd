/* SPDX-License-Identifier: MIT */
#ifndef PGD_GONAME_H
#define PGD_GONAME_H

/*
 * Go linker symbol names, as profiles and DWARF spell them:
 *   main.(*RedisCache).Get      pointer-receiver method
 *   example.com/x%2ey/pkg.T.M   value-receiver method (dots in the import
 *                               path's last element escaped as %2e)
 *   main.serve.func1            closure
 * The package path ends at the first '.' after the last '/'.
 */

#include <stddef.h>

struct pgd_goname {
	size_t pkg_len;          /* name[0..pkg_len) is the package path */
	const char *rest;        /* after "pkg." */
	/* Method shape: "(*T).M" or "T.M"; recv excludes the '*' and parens. */
	int is_ptr_method;       /* "(*T).M" */
	int maybe_value_method;  /* "T.M" where M is not a closure suffix */
	const char *recv;        /* T, within name; recv_len bytes */
	size_t recv_len;
	const char *method;      /* M, to the end of name (NULL when not method-shaped) */
};

void pgd_goname_parse(const char *name, struct pgd_goname *out);
/*
 * Writes the receiver type as itab symbols spell it ("*main.RedisCache" or
 * "main.T") into buf; 0 on success, -1 when not method-shaped or too long.
 */
int pgd_goname_recv_type(const char *name, const struct pgd_goname *g, int ptr, char *buf,
			 size_t size);

#endif
