/* SPDX-License-Identifier: MIT */
#ifndef PGD_OPTS_H
#define PGD_OPTS_H

/*
 * Options structs across library versions: the one place that reads a
 * caller's `struct pgd_*_opts` (and `struct pgd_limits`). libbpf's rule
 * (libbpf_internal.h OPTS_VALID, libbpf.c libbpf_validate_opts):
 *
 *   - NULL or sz == 0: every field takes its default;
 *   - sz smaller than ours: the caller was built against an older header;
 *     the fields it has are read, the rest take their defaults;
 *   - sz larger than ours: the caller was built against a newer header; the
 *     bytes we do not know must all be zero (the caller left the new fields
 *     at their defaults), else the call fails with PGD_EUSAGE naming the
 *     struct, since silently ignoring an option the caller set is worse;
 *   - within what is read, a zero field means that field's default.
 *
 * Each entry point resolves its options once, at the top, into a full
 * struct of the library's own size, and reads only that copy afterwards.
 */

#include <stddef.h>

#include "pgodrift/pgodrift.h"

/*
 * Copies the caller's struct (user, user->sz bytes) into out (ours_sz bytes,
 * already holding the defaults), after the checks above; type names the
 * struct in messages. Fields the caller did not have keep their defaults;
 * zero fields the caller did have are zero in out (the per-type resolvers
 * below put the defaults back).
 */
int pgd_opts_copy(void *out, size_t ours_sz, const void *user, const char *type,
		  struct pgd_err *err);

/* The per-type resolvers: defaults for every zero field, out->sz = sizeof(*out). */
int pgd_limits_resolve(const struct pgd_limits *in, struct pgd_limits *out, struct pgd_err *err);
int pgd_check_opts_resolve(const struct pgd_check_opts *in, struct pgd_check_opts *out,
			   struct pgd_err *err);
int pgd_doctor_opts_resolve(const struct pgd_doctor_opts *in, struct pgd_doctor_opts *out,
			    struct pgd_err *err);
int pgd_write_opts_resolve(const struct pgd_write_opts *in, struct pgd_write_opts *out,
			   struct pgd_err *err);

#endif
