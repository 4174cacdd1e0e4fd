// SPDX-License-Identifier: MIT
#include "debugfile.h"

#include <string.h>

#include "err.h"

#define NT_GNU_BUILD_ID 3
#define MAX_BUILD_ID 64               /* SHA-1 is 20 bytes; be generous, not unbounded */
#define DEFAULT_DEBUG_DIR "/usr/lib/debug"

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* ELF notes (gABI "Note Section"): namesz, descsz, type, name and desc padded to 4. */
const char *pgd_gnu_build_id(const struct pgd_elf *e, struct arena *a)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 1; i < e->nsections; i++) {
		const struct pgd_elf_section *s = &e->sections[i];
		const uint8_t *d = s->type == PGD_SHT_NOTE ? pgd_elf_section_data(e, s) : NULL;
		uint64_t off = 0;

		while (d && off + 12 <= s->size) {
			uint32_t namesz = rd32(d + off), descsz = rd32(d + off + 4), type = rd32(d + off + 8);
			uint64_t name = off + 12, desc = name + (((uint64_t)namesz + 3) & ~3ull);
			char *out;

			if (desc > s->size || descsz > s->size - desc)
				break;
			if (type == NT_GNU_BUILD_ID && namesz == 4 && !memcmp(d + name, "GNU", 4) && descsz &&
			    descsz <= MAX_BUILD_ID) {
				if (!(out = pgd_arena_alloc(a, 2 * (size_t)descsz + 1)))
					return NULL;
				for (uint32_t k = 0; k < descsz; k++) {
					out[2 * k] = hex[d[desc + k] >> 4];
					out[2 * k + 1] = hex[d[desc + k] & 0xf];
				}
				out[2 * descsz] = '\0';
				return out;
			}
			off = desc + (((uint64_t)descsz + 3) & ~3ull);
		}
	}
	return NULL;
}

/* .gnu_debuglink: a NUL-terminated name, padding to 4, the CRC-32 (binutils bfd/opncls.c). */
int pgd_debuglink(const struct pgd_elf *e, const char **name, uint32_t *crc)
{
	const struct pgd_elf_section *s = pgd_elf_section(e, ".gnu_debuglink");
	const uint8_t *d = s ? pgd_elf_section_data(e, s) : NULL;
	const uint8_t *nul;
	uint64_t off;

	if (!d || !s->size || !(nul = memchr(d, '\0', s->size)) || nul == d)
		return -1;
	off = (((uint64_t)(nul - d) + 1) + 3) & ~3ull;
	if (off + 4 > s->size || memchr(d, '/', (size_t)(nul - d)))
		return -1; /* a plain file name only: no walking out of the search directories */
	*name = (const char *)d;
	*crc = rd32(d + off);
	return 0;
}

static int push(struct arena *a, struct pgd_debug_candidate **out, size_t *n, const char *path, const char *rule,
		int check_crc, uint32_t crc)
{
	struct pgd_debug_candidate *c;

	if (!path || !(*out = pgd_arena_grow_for_append(a, *out, *n, sizeof(**out))))
		return PGD_ENOMEM;
	c = &(*out)[(*n)++];
	c->path = path;
	c->rule = rule;
	c->check_crc = check_crc;
	c->crc = crc;
	return 0;
}

int pgd_debug_candidates(const struct pgd_elf *e, const char *binary_path, const char *dirs,
			 struct arena *a, struct pgd_debug_candidate **out, size_t *n)
{
	const char *id = pgd_gnu_build_id(e, a), *link = NULL, *slash = strrchr(binary_path, '/');
	int bdir_len = slash ? (int)(slash - binary_path) : 1;
	const char *bdir = slash ? binary_path : ".";
	uint32_t crc = 0;
	int has_link = !pgd_debuglink(e, &link, &crc), ret = 0;

	*out = NULL;
	*n = 0;
	if (!dirs || !*dirs)
		dirs = DEFAULT_DEBUG_DIR;
	for (int pass = 0; pass < 2 && !ret; pass++) {
		for (const char *d = dirs; *d && !ret;) {
			const char *end = strchr(d, ':') ? strchr(d, ':') : d + strlen(d);
			int len = (int)(end - d);

			if (len && pass == 0 && id && strlen(id) > 2) {
				ret = push(a, out, n, pgd_arena_printf(a, "%.*s/.build-id/%.2s/%s.debug", len, d, id, id + 2),
					   "build ID", 0, 0);
				if (!ret)
					ret = push(a, out, n, pgd_arena_printf(a, "%.*s/%s/debuginfo", len, d, id), "build ID", 0, 0);
				if (!ret)
					ret = push(a, out, n, pgd_arena_printf(a, "%.*s/buildid/%s/debuginfo", len, d, id),
						   "build ID", 0, 0);
			}
			if (len && pass == 1 && has_link)
				ret = push(a, out, n, pgd_arena_printf(a, "%.*s/%.*s/%s", len, d, bdir_len, bdir, link),
					   ".gnu_debuglink", 1, crc);
			d = *end ? end + 1 : end;
		}
		if (pass == 0 && has_link && !ret) {
			/* beside the binary first, as gdb looks (then its .debug/, then the global dirs) */
			ret = push(a, out, n, pgd_arena_printf(a, "%.*s/%s", bdir_len, bdir, link), ".gnu_debuglink", 1, crc);
			if (!ret)
				ret = push(a, out, n, pgd_arena_printf(a, "%.*s/.debug/%s", bdir_len, bdir, link),
					   ".gnu_debuglink", 1, crc);
		}
	}
	return ret;
}
