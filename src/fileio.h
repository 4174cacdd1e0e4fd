/* SPDX-License-Identifier: MIT */
#ifndef PGD_FILEIO_H
#define PGD_FILEIO_H

/*
 * Opening inputs and replacing outputs, the two places where a path from the
 * command line meets the file system.
 */

#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>

#include "pgodrift/pgodrift.h"

/*
 * Opens path for reading when it is a regular file. The open is
 * non-blocking, so a FIFO (or a device that would block) is refused by the
 * fstat that follows instead of hanging the open; O_NONBLOCK is cleared
 * before the fd is returned. 0 with *fd and *st set, or an error naming path.
 */
int pgd_open_regular(const char *path, int *fd, struct stat *st, struct pgd_err *err);

/*
 * Reads all of fd into a malloc'd buffer, refusing more than cap bytes;
 * size_hint (0 when unknown) sizes the first allocation. The buffer has one
 * spare byte past *len. Used for regular files and for standard input.
 */
int pgd_read_fd(int fd, const char *name, uint64_t cap, uint64_t size_hint, unsigned char **out,
		size_t *len, struct pgd_err *err);

/* Writes the output: 0 or an error already set in err. */
typedef int (*pgd_emit_fn)(void *ctx, FILE *f, struct pgd_err *err);

/*
 * Writes an output file so that a reader never sees it half written and a
 * failure leaves the old one in place:
 *   - a regular file (or a path that does not exist) is replaced
 *     atomically: a temporary file beside it, fsync, rename. An existing
 *     file keeps its mode; a new one gets 0666 minus the umask, as a shell
 *     redirection would;
 *   - a symlink is followed and its target replaced in the same way (the
 *     link stays a link);
 *   - anything else (a character device such as /dev/null, a FIFO, a pipe
 *     or terminal reached through /dev/stdout or /proc/self/fd) is opened
 *     and written to directly: it cannot be replaced, and must not be.
 * A directory is refused.
 */
int pgd_write_output(const char *path, pgd_emit_fn emit, void *ctx, struct pgd_err *err);

#endif
