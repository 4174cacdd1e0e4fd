// SPDX-License-Identifier: MIT
#include "elf.h"

#include <string.h>
#include <zlib.h>

#include "err.h"

#define EHDR_SIZE 64
#define SHDR_SIZE 64
#define PHDR_SIZE 56
#define CHDR_SIZE 24
#define PT_LOAD 1
#define SHN_XINDEX 0xffff
#define ELFCOMPRESS_ZLIB 1
/* Far more than any real binary; keeps a hostile e_shnum from costing memory. */
#define MAX_SECTIONS 65536
#define MAX_SEGMENTS 4096

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(const uint8_t *p)
{
	return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static int in_file(size_t size, uint64_t off, uint64_t len)
{
	return off <= size && len <= size - off;
}

int pgd_elf_parse(const uint8_t *data, size_t size, struct arena *a, const char *path,
		  struct pgd_elf *out, struct pgd_err *err)
{
	uint64_t shoff, phoff, nsec, nseg;
	uint16_t shentsize, phentsize, shstrndx;
	const struct pgd_elf_section *strsec;

	memset(out, 0, sizeof(*out));
	if (size < 4 || memcmp(data, "\177ELF", 4))
		return pgd_err_set(err, PGD_EINPUT, path, "not an ELF file");
	if (size < EHDR_SIZE)
		return pgd_err_set(err, PGD_EINPUT, path, "truncated ELF: file ends inside the ELF header");
	if (data[4] != 2 || data[5] != 1)
		return pgd_err_set(err, PGD_EINPUT, path,
				   "unsupported ELF: only 64-bit little-endian binaries are read");
	out->data = data;
	out->size = size;
	out->machine = rd16(data + 18);
	phoff = rd64(data + 32);
	shoff = rd64(data + 40);
	phentsize = rd16(data + 54);
	nseg = rd16(data + 56);
	shentsize = rd16(data + 58);
	nsec = rd16(data + 60);
	shstrndx = rd16(data + 62);

	if (shoff) {
		if (shentsize != SHDR_SIZE)
			return pgd_err_set(err, PGD_EINPUT, path, "bad ELF: section header size %u", shentsize);
		if (!in_file(size, shoff, SHDR_SIZE))
			return pgd_err_set(err, PGD_EINPUT, path,
					   "truncated ELF: section headers at 0x%llx outside the file (%zu bytes)",
					   (unsigned long long)shoff, size);
		/* e_shnum == 0 and SHN_XINDEX: the real values live in section 0 */
		if (nsec == 0)
			nsec = rd64(data + shoff + 32);
		if (shstrndx == SHN_XINDEX)
			shstrndx = (uint16_t)rd32(data + shoff + 40);
	} else {
		nsec = 0;
	}
	if (nsec > MAX_SECTIONS || nseg > MAX_SEGMENTS)
		return pgd_err_set(err, PGD_EINPUT, path, "bad ELF: too many sections or segments");
	if (nsec && !in_file(size, shoff, nsec * SHDR_SIZE))
		return pgd_err_set(err, PGD_EINPUT, path,
				   "truncated ELF: %llu section headers at 0x%llx do not fit in the file (%zu bytes)",
				   (unsigned long long)nsec, (unsigned long long)shoff, size);
	if (nseg && (phentsize != PHDR_SIZE || !in_file(size, phoff, nseg * PHDR_SIZE)))
		return pgd_err_set(err, PGD_EINPUT, path,
				   "truncated ELF: program headers at 0x%llx do not fit in the file (%zu bytes)",
				   (unsigned long long)phoff, size);

	out->sections = pgd_arena_calloc(a, nsec ? nsec : 1, sizeof(*out->sections));
	out->segments = pgd_arena_calloc(a, nseg ? nseg : 1, sizeof(*out->segments));
	if (!out->sections || !out->segments)
		return pgd_err_nomem(err, path);
	out->nsections = nsec;
	out->nsegments = nseg;

	for (uint64_t i = 0; i < nseg; i++) {
		const uint8_t *p = data + phoff + i * PHDR_SIZE;
		struct pgd_elf_segment *g = &out->segments[i];

		g->type = rd32(p);
		g->offset = rd64(p + 8);
		g->vaddr = rd64(p + 16);
		g->filesz = rd64(p + 32);
		g->memsz = rd64(p + 40);
		if (!in_file(size, g->offset, g->filesz))
			return pgd_err_set(err, PGD_EINPUT, path,
					   "truncated ELF: segment %llu (0x%llx+0x%llx) extends past the end of the file (%zu bytes)",
					   (unsigned long long)i, (unsigned long long)g->offset,
					   (unsigned long long)g->filesz, size);
	}

	for (uint64_t i = 0; i < nsec; i++) {
		const uint8_t *p = data + shoff + i * SHDR_SIZE;
		struct pgd_elf_section *s = &out->sections[i];

		s->type = rd32(p + 4);
		s->flags = rd64(p + 8);
		s->addr = rd64(p + 16);
		s->offset = rd64(p + 24);
		s->size = rd64(p + 32);
		s->link = rd32(p + 40);
		s->info = rd32(p + 44);
		s->entsize = rd64(p + 56);
		s->name = "";
		if (s->type == PGD_SHT_NOBITS)
			s->size = 0;
		if (i && s->type != PGD_SHT_NOBITS && !in_file(size, s->offset, s->size))
			return pgd_err_set(err, PGD_EINPUT, path,
					   "truncated ELF: section %llu (0x%llx+0x%llx) extends past the end of the file (%zu bytes)",
					   (unsigned long long)i, (unsigned long long)s->offset,
					   (unsigned long long)s->size, size);
	}
	if (nsec)
		out->sections[0].size = 0;

	if (nsec && shstrndx && shstrndx < nsec) {
		strsec = &out->sections[shstrndx];
		for (uint64_t i = 0; i < nsec; i++) {
			uint32_t off = rd32(data + shoff + i * SHDR_SIZE);
			const char *base = (const char *)data + strsec->offset;

			if (off >= strsec->size || !memchr(base + off, '\0', strsec->size - off))
				return pgd_err_set(err, PGD_EINPUT, path,
						   "bad ELF: section %llu name outside the section name table",
						   (unsigned long long)i);
			out->sections[i].name = base + off;
		}
	}
	return 0;
}

const struct pgd_elf_section *pgd_elf_section(const struct pgd_elf *e, const char *name)
{
	for (size_t i = 1; i < e->nsections; i++) {
		if (!strcmp(e->sections[i].name, name))
			return &e->sections[i];
	}
	return NULL;
}

const uint8_t *pgd_elf_section_data(const struct pgd_elf *e, const struct pgd_elf_section *s)
{
	if (!s || s->type == PGD_SHT_NOBITS)
		return NULL;
	return e->data + s->offset;
}

const uint8_t *pgd_elf_vaddr(const struct pgd_elf *e, uint64_t addr, uint64_t len)
{
	for (size_t i = 0; i < e->nsegments; i++) {
		const struct pgd_elf_segment *g = &e->segments[i];

		if (g->type == PT_LOAD && addr >= g->vaddr && addr - g->vaddr <= g->filesz &&
		    len <= g->filesz - (addr - g->vaddr))
			return e->data + g->offset + (addr - g->vaddr);
	}
	/* Objects without program headers: fall back on allocated sections. */
	for (size_t i = 1; i < e->nsections; i++) {
		const struct pgd_elf_section *s = &e->sections[i];

		if (s->type != PGD_SHT_NOBITS && s->addr && addr >= s->addr &&
		    addr - s->addr <= s->size && len <= s->size - (addr - s->addr))
			return e->data + s->offset + (addr - s->addr);
	}
	return NULL;
}

static int inflate_to(const uint8_t *src, uint64_t srclen, uint8_t *dst, uint64_t dstlen)
{
	z_stream zs;
	int zret;

	if (srclen > UINT32_MAX || dstlen > UINT32_MAX)
		return -1;
	memset(&zs, 0, sizeof(zs));
	if (inflateInit(&zs) != Z_OK)
		return -1;
	zs.next_in = (Bytef *)src;
	zs.avail_in = (uInt)srclen;
	zs.next_out = dst;
	zs.avail_out = (uInt)dstlen;
	zret = inflate(&zs, Z_FINISH);
	inflateEnd(&zs);
	return zret == Z_STREAM_END && zs.total_out == dstlen ? 0 : -1;
}

int pgd_elf_section_contents(const struct pgd_elf *e, const struct pgd_elf_section *s,
			     struct arena *a, uint64_t max_bytes, const char *path,
			     const uint8_t **out, uint64_t *out_len, struct pgd_err *err)
{
	const uint8_t *raw = pgd_elf_section_data(e, s);
	const uint8_t *src;
	uint64_t rawlen = raw ? s->size : 0, full, srclen;
	uint8_t *dst;

	*out = raw;
	*out_len = rawlen;
	if (s->flags & PGD_SHF_COMPRESSED) {
		if (rawlen < CHDR_SIZE)
			return pgd_err_set(err, PGD_EINPUT, path, "bad ELF: compressed section %s too short", s->name);
		if (rd32(raw) != ELFCOMPRESS_ZLIB)
			return pgd_err_set(err, PGD_EINPUT, path,
					   "section %s: unsupported compression type %u", s->name, rd32(raw));
		full = rd64(raw + 8);
		src = raw + CHDR_SIZE;
		srclen = rawlen - CHDR_SIZE;
	} else if (!strncmp(s->name, ".zdebug", 7)) {
		if (rawlen < 12 || memcmp(raw, "ZLIB", 4))
			return pgd_err_set(err, PGD_EINPUT, path, "bad ELF: section %s lacks its ZLIB header", s->name);
		full = 0;
		for (int i = 0; i < 8; i++)
			full = full << 8 | raw[4 + i];
		src = raw + 12;
		srclen = rawlen - 12;
	} else {
		return 0;
	}
	if (max_bytes && full > max_bytes)
		return pgd_err_set(err, PGD_ELIMIT, path,
				   "section %s inflates to %llu bytes, over the limit of %llu", s->name,
				   (unsigned long long)full, (unsigned long long)max_bytes);
	dst = pgd_arena_alloc(a, full ? full : 1);
	if (!dst)
		return pgd_err_nomem(err, path);
	if (inflate_to(src, srclen, dst, full))
		return pgd_err_set(err, PGD_EINPUT, path, "section %s: corrupt zlib data", s->name);
	*out = dst;
	*out_len = full;
	return 0;
}
