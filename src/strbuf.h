/* SPDX-License-Identifier: MIT */
#ifndef PGD_STRBUF_H
#define PGD_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

/*
 * A growable byte buffer in the manner of git's strbuf.
 *
 * Invariants: buf is never NULL and always NUL-terminated (len excludes the
 * NUL), so a strbuf can be printed at any time. A non-zero cap bounds len:
 * growing past it fails with -1 and leaves the buffer as it was, which is how
 * decoders bound what hostile input can make them allocate (curl's dynbuf).
 */
struct strbuf {
	size_t alloc;
	size_t len;
	size_t cap;
	char *buf;
};

extern char pgd_strbuf_empty[];
#define STRBUF_INIT { 0, 0, 0, pgd_strbuf_empty }

void pgd_strbuf_init(struct strbuf *sb, size_t cap);
void pgd_strbuf_release(struct strbuf *sb);
/* Hands the buffer to the caller (who frees it) and resets sb. */
char *pgd_strbuf_detach(struct strbuf *sb, size_t *len);
/* 0 or -1 (out of memory or past the cap). */
int pgd_strbuf_grow(struct strbuf *sb, size_t extra);
int pgd_strbuf_add(struct strbuf *sb, const void *data, size_t len);
int pgd_strbuf_addstr(struct strbuf *sb, const char *s);
int pgd_strbuf_addch(struct strbuf *sb, int c);
int pgd_strbuf_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int pgd_strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap);
void pgd_strbuf_reset(struct strbuf *sb);
/*
 * Reads a whole regular file (anything else fails with EINVAL; the open never
 * blocks); -1 with errno set on failure or when it exceeds the cap.
 */
int pgd_strbuf_read_file(struct strbuf *sb, const char *path);

#endif
