/* SPDX-License-Identifier: MIT */
#ifndef PGD_ERR_H
#define PGD_ERR_H

#include <stddef.h>

#include "pgodrift/pgodrift.h"

/*
 * Fills err (when not NULL) and returns code, so a failure is one line:
 *     return pgd_err_set(err, PGD_EINPUT, path, "gzip: %s", zmsg);
 * Messages follow git's guidelines: lowercase, cause first, no final period.
 */
int pgd_err_set(struct pgd_err *err, int code, const char *file, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Like pgd_err_set, for out-of-memory. */
int pgd_err_nomem(struct pgd_err *err, const char *file);
void pgd_err_clear(struct pgd_err *err);

#define PGD_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* True when the caller's opts struct is new enough to have field. */
#define PGD_OPTS_HAS(opts, type, field) \
	((opts) && (opts)->sz >= offsetof(type, field) + sizeof((opts)->field))

#endif
