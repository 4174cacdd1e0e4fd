/* SPDX-License-Identifier: MIT */
#ifndef PGD_SANITIZE_H
#define PGD_SANITIZE_H

/*
 * What an input may put in an output. Names, paths and build settings come
 * from untrusted files; each output has one rule for them:
 *
 *   text reports, stderr   control characters (C0, DEL, C1) and bytes that
 *                          are not UTF-8 are escaped as \n, \t, \xHH, so
 *                          nothing reaches a terminal as a control sequence
 *                          and every message is one line (pgd_escape_line);
 *   JSON, SARIF, markdown  invalid UTF-8 is replaced by U+FFFD
 *                          (pgd_utf8_repair); JSON escapes control
 *                          characters itself (cJSON);
 *   markdown free text     also '@' mentions and autolinks are broken with a
 *                          zero-width space (report_markdown.c md_text);
 *   GO PREPROFILE V1       names with a NUL or a line break are refused at
 *                          decode (pprof.c, preprofile.c), never emitted.
 */

#include <stddef.h>

struct arena;

/*
 * Length of the valid UTF-8 sequence at s (1 for ASCII), or 0 when the
 * bytes there are not well-formed UTF-8 (overlongs, surrogates and code
 * points past U+10FFFF are not, as in Go's unicode/utf8).
 */
size_t pgd_utf8_seq_len(const unsigned char *s, size_t len);

/*
 * Copies src into dst (at most size bytes with the NUL) with the text rule;
 * truncates at a character boundary. Returns dst.
 */
char *pgd_escape_line(char *dst, size_t size, const char *src);

/*
 * s with the text rule applied, in the arena; s itself when nothing needs
 * escaping; a fixed placeholder (never NULL, never the raw bytes) when out
 * of memory. NULL only for a NULL s.
 */
const char *pgd_escape_text(struct arena *a, const char *s);

/* True when s (len bytes) needs pgd_escape_text. */
int pgd_needs_escape(const char *s, size_t len);

/*
 * Replaces every byte that does not start a valid UTF-8 sequence by U+FFFD,
 * in a new malloc'd buffer (*outlen set; valid input is copied unchanged);
 * NULL when out of memory.
 */
char *pgd_utf8_repair(const char *s, size_t len, size_t *outlen);

#endif
