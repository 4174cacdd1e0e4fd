// SPDX-License-Identifier: MIT
#include "buildinfo.h"

#include <stdlib.h>
#include <string.h>

#include "err.h"

#define MAGIC "\xff Go buildinf:"
#define MAGIC_LEN 14
#define HEADER_SIZE 32
#define FLAG_BIGENDIAN 1
#define FLAG_INLINE_STRINGS 2 /* Go >= 1.18 */
#define MAX_STRING (16u << 20)
#define NOTE_GO_BUILDID 4

static uint64_t rd_ptr(const uint8_t *p, int size, int big)
{
	uint64_t v = 0;

	for (int i = 0; i < size; i++)
		v |= (uint64_t)p[i] << (8 * (big ? size - 1 - i : i));
	return v;
}

/* A uvarint-prefixed string (encoding/binary.Uvarint); NULL when malformed. */
static const uint8_t *varint_string(const uint8_t *p, const uint8_t *end, const uint8_t **s,
				    uint64_t *len)
{
	uint64_t v = 0;

	for (int shift = 0; p < end && shift < 64; shift += 7) {
		uint8_t b = *p++;

		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			if (v > (uint64_t)(end - p))
				return NULL;
			*s = p;
			*len = v;
			return p + v;
		}
	}
	return NULL;
}

/* A Go string header (ptr, len) at vaddr, as written before Go 1.18. */
static const uint8_t *go_string_at(const struct pgd_elf *e, uint64_t addr, int ptrsize, int big,
				   uint64_t *len)
{
	const uint8_t *hdr = pgd_elf_vaddr(e, addr, 2 * (uint64_t)ptrsize);

	if (!hdr)
		return NULL;
	*len = rd_ptr(hdr + ptrsize, ptrsize, big);
	if (*len > MAX_STRING)
		return NULL;
	return pgd_elf_vaddr(e, rd_ptr(hdr, ptrsize, big), *len);
}

static char *unquote(struct arena *a, const char *s, size_t len)
{
	char *out, *o;

	if (len < 2 || (s[0] != '"' && s[0] != '`') || s[len - 1] != s[0])
		return pgd_arena_strndup(a, s, len);
	if (s[0] == '`')
		return pgd_arena_strndup(a, s + 1, len - 2);
	out = o = pgd_arena_alloc(a, len);
	if (!out)
		return NULL;
	for (size_t i = 1; i + 1 < len; i++) {
		char c = s[i];

		if (c == '\\' && i + 2 < len) {
			c = s[++i];
			switch (c) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'r': c = '\r'; break;
			case 'x':
				if (i + 3 < len) {
					char hex[3] = { s[i + 1], s[i + 2], 0 };

					c = (char)strtol(hex, NULL, 16);
					i += 2;
				}
				break;
			default: break; /* \" \\ and anything else: the character itself */
			}
		}
		*o++ = c;
	}
	*o = '\0';
	return out;
}

/* A quoted Go string literal at the start of s (strconv.QuotedPrefix), or 0. */
static size_t quoted_prefix(const char *s, size_t len)
{
	if (!len || (s[0] != '"' && s[0] != '`'))
		return 0;
	for (size_t i = 1; i < len; i++) {
		if (s[0] == '"' && s[i] == '\\') {
			i++;
			continue;
		}
		if (s[i] == s[0])
			return i + 1;
	}
	return 0;
}

/* Follows runtime/debug.ParseBuildInfo, keeping only the main module and settings. */
int pgd_modinfo_parse(const char *mod, size_t len, struct arena *a, struct pgd_buildinfo *out)
{
	const char *p = mod, *end = mod + len;
	size_t n = 0, cap = 0;

	out->path = out->main_module = out->main_version = "";
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		size_t ll = (size_t)(le - p);

		if (ll > 5 && !memcmp(p, "path\t", 5)) {
			if (!(out->path = pgd_arena_strndup(a, p + 5, ll - 5)))
				return PGD_ENOMEM;
		} else if (ll > 4 && !memcmp(p, "mod\t", 4)) {
			const char *f = p + 4, *t = memchr(f, '\t', (size_t)(le - f));
			const char *v = t ? t + 1 : le, *t2 = t ? memchr(v, '\t', (size_t)(le - v)) : NULL;

			out->main_module = pgd_arena_strndup(a, f, (size_t)((t ? t : le) - f));
			out->main_version = pgd_arena_strndup(a, v, (size_t)((t2 ? t2 : le) - v));
			if (!out->main_module || !out->main_version)
				return PGD_ENOMEM;
		} else if (ll > 6 && !memcmp(p, "build\t", 6)) {
			const char *kv = p + 6, *eq;
			size_t q = quoted_prefix(kv, (size_t)(le - kv));
			struct pgd_build_setting *s;

			eq = q ? kv + q : memchr(kv, '=', (size_t)(le - kv));
			if (eq && eq < le && *eq == '=' && eq > kv) {
				if (n == cap) {
					size_t ncap = cap ? cap * 2 : 16;

					out->settings = pgd_arena_realloc_array(a, out->settings, n, ncap,
									    sizeof(*out->settings));
					if (!out->settings)
						return PGD_ENOMEM;
					cap = ncap;
				}
				s = &out->settings[n++];
				s->key = unquote(a, kv, (size_t)(eq - kv));
				s->value = unquote(a, eq + 1, (size_t)(le - eq - 1));
				if (!s->key || !s->value)
					return PGD_ENOMEM;
			}
		}
		p = nl ? nl + 1 : end;
	}
	out->nsettings = n;
	return 0;
}

int pgd_buildinfo_read(const struct pgd_elf *e, struct arena *a, const char *path,
		       struct pgd_buildinfo *out, struct pgd_err *err)
{
	const struct pgd_elf_section *s = pgd_elf_section(e, ".go.buildinfo");
	const uint8_t *d = pgd_elf_section_data(e, s), *end, *vers, *mod;
	uint64_t vlen, mlen;
	int ptrsize, big;

	memset(out, 0, sizeof(*out));
	if (!d)
		return pgd_err_set(err, PGD_EINPUT, path, "not a Go binary: no .go.buildinfo section");
	end = d + s->size;
	if (s->size < HEADER_SIZE || memcmp(d, MAGIC, MAGIC_LEN))
		return pgd_err_set(err, PGD_EINPUT, path,
				   "not a Go binary: .go.buildinfo lacks the \"\\xff Go buildinf:\" magic");
	ptrsize = d[14];
	big = d[15] & FLAG_BIGENDIAN;
	if (d[15] & FLAG_INLINE_STRINGS) {
		const uint8_t *p = varint_string(d + HEADER_SIZE, end, &vers, &vlen);

		if (!p || !varint_string(p, end, &mod, &mlen))
			return pgd_err_set(err, PGD_EINPUT, path, "bad Go build info: truncated strings");
	} else {
		if (ptrsize != 4 && ptrsize != 8)
			return pgd_err_set(err, PGD_EINPUT, path, "bad Go build info: pointer size %d", ptrsize);
		vers = go_string_at(e, rd_ptr(d + 16, ptrsize, big), ptrsize, big, &vlen);
		mod = go_string_at(e, rd_ptr(d + 16 + ptrsize, ptrsize, big), ptrsize, big, &mlen);
		if (!vers || !mod)
			return pgd_err_set(err, PGD_EINPUT, path,
					   "bad Go build info: string pointers outside the file");
	}
	if (!vlen)
		return pgd_err_set(err, PGD_EINPUT, path, "not a Go binary: empty Go version in build info");
	if (!(out->go_version = pgd_arena_strndup(a, (const char *)vers, vlen)))
		return pgd_err_nomem(err, path);
	/* The module text is framed by two 16-byte sentinels (cmd/go/internal/modload infoStart/infoEnd). */
	if (mlen >= 33 && mod[mlen - 17] == '\n') {
		if (pgd_modinfo_parse((const char *)mod + 16, mlen - 32, a, out))
			return pgd_err_nomem(err, path);
	} else {
		out->path = out->main_module = out->main_version = "";
	}
	return 0;
}

const char *pgd_buildid_read(const struct pgd_elf *e, struct arena *a)
{
	const struct pgd_elf_section *s = pgd_elf_section(e, ".note.go.buildid");
	const uint8_t *d = pgd_elf_section_data(e, s);
	uint32_t namesz, descsz, type;
	uint64_t descoff;

	if (!d || s->size < 12)
		return NULL;
	namesz = (uint32_t)(d[0] | d[1] << 8 | d[2] << 16 | (uint32_t)d[3] << 24);
	descsz = (uint32_t)(d[4] | d[5] << 8 | d[6] << 16 | (uint32_t)d[7] << 24);
	type = (uint32_t)(d[8] | d[9] << 8 | d[10] << 16 | (uint32_t)d[11] << 24);
	descoff = 12 + (((uint64_t)namesz + 3) & ~3ull);
	if (type != NOTE_GO_BUILDID || namesz != 4 || memcmp(d + 12, "Go\0", 3) ||
	    descoff > s->size || descsz > s->size - descoff)
		return NULL;
	return pgd_arena_strndup(a, (const char *)d + descoff, descsz);
}
