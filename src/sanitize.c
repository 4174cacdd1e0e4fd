// SPDX-License-Identifier: MIT
/* Output sanitising rules (see sanitize.h for which output uses which). */
#include "sanitize.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

/* unicode/utf8.DecodeRune's acceptance: shortest form, no surrogates, <= U+10FFFF. */
size_t pgd_utf8_seq_len(const unsigned char *s, size_t len)
{
	unsigned char c = s[0];
	size_t n;
	uint32_t cp, min;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		cp = c & 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		cp = c & 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		cp = c & 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* Bytes of s[0..] to copy as-is (0: escape s[0] as a byte). */
static size_t plain_len(const unsigned char *s, size_t len)
{
	size_t n;

	if (s[0] < 0x20 || s[0] == 0x7f)
		return 0;
	n = pgd_utf8_seq_len(s, len);
	/* C1 controls (U+0080..U+009F) act as CSI and friends on some terminals. */
	if (n == 2 && s[0] == 0xc2 && s[1] < 0xa0)
		return 0;
	return n;
}

int pgd_needs_escape(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;

	for (size_t i = 0; i < len;) {
		size_t n = plain_len(u + i, len - i);

		if (!n)
			return 1;
		i += n;
	}
	return 0;
}

/* Writes the escape of byte c into out (at least 5 bytes); returns its length. */
static size_t escape_byte(unsigned char c, char *out)
{
	static const char hex[] = "0123456789abcdef";

	switch (c) {
	case '\n': memcpy(out, "\\n", 2); return 2;
	case '\r': memcpy(out, "\\r", 2); return 2;
	case '\t': memcpy(out, "\\t", 2); return 2;
	}
	out[0] = '\\';
	out[1] = 'x';
	out[2] = hex[c >> 4];
	out[3] = hex[c & 15];
	return 4;
}

char *pgd_escape_line(char *dst, size_t size, const char *src)
{
	const unsigned char *u = (const unsigned char *)src;
	size_t len = strlen(src), o = 0;

	if (!size)
		return dst;
	for (size_t i = 0; i < len;) {
		char esc[8];
		size_t n = plain_len(u + i, len - i), w;
		const char *from = esc;

		if (n) {
			from = src + i;
			w = n;
		} else {
			w = escape_byte(u[i], esc);
			n = 1;
		}
		if (o + w >= size)
			break;
		memcpy(dst + o, from, w);
		o += w;
		i += n;
	}
	dst[o] = '\0';
	return dst;
}

const char *pgd_escape_text(struct arena *a, const char *s)
{
	size_t len, size;
	char *out;

	if (!s)
		return s;
	len = strlen(s);
	if (!pgd_needs_escape(s, len))
		return s;
	size = 4 * len + 1;
	out = pgd_arena_alloc(a, size);
	/* Never the raw bytes, never NULL (callers print the result). */
	return out ? pgd_escape_line(out, size, s) : "(out of memory)";
}

char *pgd_utf8_repair(const char *s, size_t len, size_t *outlen)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t o = 0;
	char *out;

	/* Each bad byte becomes 3 bytes; sized for the worst case only when needed. */
	out = malloc(len + 1 + (len > SIZE_MAX / 3 ? 0 : 2 * len));
	if (!out || len > SIZE_MAX / 3) {
		free(out);
		return NULL;
	}
	for (size_t i = 0; i < len;) {
		size_t n = pgd_utf8_seq_len(u + i, len - i);

		if (n) {
			memcpy(out + o, s + i, n);
			o += n;
			i += n;
		} else {
			memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
		}
	}
	out[o] = '\0';
	*outlen = o;
	return out;
}
