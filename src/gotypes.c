// SPDX-License-Identifier: MIT
#include "gotypes.h"

#include "err.h"

#include <stdlib.h>
#include <string.h>


#define PTR 8                         /* amd64 and arm64 */
#define MAX_ITABS (1u << 22)
#define MAX_NAME (1u << 16)
/* internal/abi/type.go */
#define TFLAG_EXTRA_STAR 0x2
#define TFLAG_UNCOMMON 0x1
#define TYPE_SIZE 48
#define TYPE_TFLAG 20
#define TYPE_KIND 23
#define KIND_MASK 0x1f
#define KIND_PTR 22
#define MAX_METHODS 4096
#define TYPE_STR 40
#define ITYPE_PKGPATH 48              /* InterfaceType.PkgPath after the 48-byte Type */
#define ITAB_FUN0 24                  /* internal/abi/iface.go ITab: Inter, Type, Hash+pad, Fun */

/*
 * moduledata field offsets (64-bit) that moved between releases
 * (runtime/symtab.go): Go 1.20 added covctrs/ecovctrs before end, Go 1.26
 * added epclntab after gofunc. The fields before enoptrbss never moved.
 */
struct layout {
	uint32_t types, gofunc, itablinks;
};
static const struct layout layouts[] = {
	{ 296, 320, 376 },                /* Go 1.20-1.25 */
	{ 296, 320, 384 },                /* Go 1.26 */
	{ 280, 304, 360 },                /* Go 1.18-1.19 */
};
#define MD_TEXT 176                   /* text, etext */
#define MD_MIN_SIZE 416

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static int rd_ptr_at(const struct pgd_elf *e, uint64_t addr, uint64_t *v)
{
	const uint8_t *p = pgd_elf_vaddr(e, addr, PTR);

	if (!p)
		return -1;
	*v = rd64(p);
	return 0;
}

/* The slice at md+off, when well formed: len == cap (the linker writes them so), data in the image. */
static int slice_at(const struct pgd_elf *e, const uint8_t *md, uint32_t off, uint64_t elem, uint64_t *ptr,
		    uint64_t *len)
{
	*ptr = rd64(md + off);
	*len = rd64(md + off + 8);
	if (rd64(md + off + 16) != *len || *len > MAX_ITABS)
		return -1;
	return !*len || pgd_elf_vaddr(e, *ptr, *len * elem) ? 0 : -1;
}

static int try_layout(const struct pgd_elf *e, const uint8_t *md, const struct layout *l, struct pgd_gomod *out)
{
	const struct pgd_elf_section *text = pgd_elf_section(e, ".text");

	out->text = rd64(md + MD_TEXT);
	out->etext = rd64(md + MD_TEXT + 8);
	out->types = rd64(md + l->types);
	out->etypes = rd64(md + l->types + 8);
	out->gofunc = rd64(md + l->gofunc);
	if (out->text > out->etext || out->types >= out->etypes || (text && out->text != text->addr))
		return -1;
	if (!pgd_elf_vaddr(e, out->types, out->etypes - out->types) || !pgd_elf_vaddr(e, out->gofunc, 1))
		return -1;
	return slice_at(e, md, l->itablinks, PTR, &out->itablinks, &out->nitablinks);
}

int pgd_gomod_find(const struct pgd_elf *e, const struct pgd_pcln *p, struct pgd_gomod *out)
{
	/* Go 1.26 gives moduledata its own section; before, it sits in .noptrdata */
	static const char *const secs[] = { ".go.module", ".noptrdata", ".data", ".data.rel.ro" };
	const struct pgd_elf_section *pc = pgd_elf_section(e, ".gopclntab");
	const uint8_t *base = pc ? pgd_elf_section_data(e, pc) : NULL;
	uint64_t names;

	memset(out, 0, sizeof(*out));
	if (!base || p->ptrsize != PTR)
		return -1;
	names = p->addr + (uint64_t)(p->funcnametab.p - base);
	for (size_t k = 0; k < PGD_ARRAY_SIZE(secs); k++) {
		const struct pgd_elf_section *s = pgd_elf_section(e, secs[k]);
		const uint8_t *d = s ? pgd_elf_section_data(e, s) : NULL;

		if (!d || s->size < MD_MIN_SIZE)
			continue;
		for (uint64_t off = 0; off + MD_MIN_SIZE <= s->size; off += PTR) {
			/* pcHeader, then funcnametab's data pointer (runtime/symtab.go moduledata) */
			if (rd64(d + off) != p->addr || rd64(d + off + PTR) != names)
				continue;
			for (size_t i = 0; i < PGD_ARRAY_SIZE(layouts); i++) {
				if (!try_layout(e, d + off, &layouts[i], out)) {
					out->addr = s->addr + off;
					return 0;
				}
			}
		}
	}
	memset(out, 0, sizeof(*out));
	return -1;
}

/* ---- names ---------------------------------------------------------------- */

/* internal/abi/type.go Name: a flags byte, a uvarint length, the bytes. */
static const char *abi_name(const struct pgd_elf *e, uint64_t addr, size_t *len)
{
	const uint8_t *p = pgd_elf_vaddr(e, addr, 2);
	uint64_t n = 0;
	int i;

	if (!p)
		return NULL;
	for (i = 0; i < 3; i++) {
		if (!(p = pgd_elf_vaddr(e, addr + 1 + (uint64_t)i, 1)))
			return NULL;
		n |= (uint64_t)(*p & 0x7f) << (7 * i);
		if (!(*p & 0x80))
			break;
	}
	if (i == 3 || n > MAX_NAME)
		return NULL;
	*len = (size_t)n;
	return (const char *)pgd_elf_vaddr(e, addr + 2 + (uint64_t)i, n ? n : 1);
}

/* A type descriptor's string, without the ExtraStar the linker shares with *T. */
static const char *type_str(const struct pgd_elf *e, const struct pgd_gomod *m, uint64_t typ, size_t *len)
{
	const uint8_t *t = pgd_elf_vaddr(e, typ, TYPE_STR + 4);
	const char *s;
	int32_t off;

	if (!t || typ < m->types || typ >= m->etypes)
		return NULL;
	off = (int32_t)(t[TYPE_STR] | t[TYPE_STR + 1] << 8 | t[TYPE_STR + 2] << 16 | (uint32_t)t[TYPE_STR + 3] << 24);
	if (off < 0 || !(s = abi_name(e, m->types + (uint64_t)off, len)))
		return NULL;
	if ((t[TYPE_TFLAG] & TFLAG_EXTRA_STAR) && *len && s[0] == '*') {
		s++;
		(*len)--;
	}
	return s;
}

char *pgd_go_path_prefix(struct arena *a, const char *path, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const char *slash = NULL;
	char *out = pgd_arena_alloc(a, 3 * len + 1), *o = out;

	if (!out)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		if (path[i] == '/')
			slash = path + i;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)path[i];

		if (c <= ' ' || (c == '.' && path + i > slash) || c == '%' || c == '"' || c >= 0x7f) {
			*o++ = '%';
			*o++ = hex[c >> 4];
			*o++ = hex[c & 0xf];
		} else {
			*o++ = (char)c;
		}
	}
	*o = '\0';
	return out;
}

/* Length of the package part of a linker name ("a/b%2ec.(*T).M" -> "a/b%2ec"), 0 if none. */
static size_t name_pkg_len(const char *name)
{
	const char *end = strchr(name, '[') ? strchr(name, '[') : name + strlen(name);
	const char *start = name, *dot;

	for (const char *p = name; p < end; p++) {
		if (*p == '/')
			start = p;
	}
	dot = memchr(start, '.', (size_t)(end - start));
	return dot ? (size_t)(dot - name) : 0;
}

/*
 * "*cache.T" with path "example.com/cache" -> "*example.com/cache.T": the
 * package name a type string starts with (after any stars) replaced by
 * the escaped import path. Unnamed type literals are kept as they are.
 */
static const char *qualify(struct arena *a, const char *s, size_t len, const char *path, size_t plen)
{
	size_t stars = 0, dot;

	while (stars < len && s[stars] == '*')
		stars++;
	for (dot = stars; dot < len && s[dot] != '.' && s[dot] != '[' && s[dot] != ' ' && s[dot] != '('; dot++)
		;
	if (!plen || dot == len || s[dot] != '.' || dot == stars)
		return pgd_arena_strndup(a, s, len);
	return pgd_arena_printf(a, "%.*s%.*s%.*s", (int)stars, s, (int)plen, path, (int)(len - dot), s + dot);
}

/*
 * Where UncommonType follows a type of that kind (internal/abi/type.go:
 * Type is 48 bytes, then the kind's own fields); 0 for kinds this does not
 * place (maps changed layout with swiss maps in Go 1.24).
 */
static uint64_t uncommon_off(uint8_t kind)
{
	switch (kind) {
	case 17: return 72;                   /* Array: Elem, Slice, Len */
	case 18: return 64;                   /* Chan: Elem, Dir */
	case 19: return 56;                   /* Func: InCount, OutCount (+pad) */
	case 20: case 25: return 80;          /* Interface, Struct: PkgPath, a slice */
	case 21: return 0;                    /* Map */
	case 22: case 23: return 56;          /* Pointer, Slice: Elem */
	default: return kind && kind <= 26 ? 48 : 0;
	}
}

/* A named type's package path (UncommonType.PkgPath); *T: T's. NULL when unknown. */
static const char *type_pkgpath(const struct pgd_elf *e, const struct pgd_gomod *m, uint64_t typ, size_t *len)
{
	for (int depth = 0; depth < 2; depth++) {
		const uint8_t *t = pgd_elf_vaddr(e, typ, TYPE_STR + 8);
		const uint8_t *u;
		uint64_t off;
		int32_t po;

		if (!t)
			return NULL;
		if ((t[TYPE_KIND] & KIND_MASK) == KIND_PTR && !(t[TYPE_TFLAG] & TFLAG_UNCOMMON)) {
			if (rd_ptr_at(e, typ + TYPE_SIZE, &typ))
				return NULL;
			continue;
		}
		if (!(t[TYPE_TFLAG] & TFLAG_UNCOMMON) || !(off = uncommon_off(t[TYPE_KIND] & KIND_MASK)) ||
		    !(u = pgd_elf_vaddr(e, typ + off, 4)))
			return NULL;
		po = (int32_t)(u[0] | u[1] << 8 | u[2] << 16 | (uint32_t)u[3] << 24);
		return po > 0 ? abi_name(e, m->types + (uint64_t)po, len) : NULL;
	}
	return NULL;
}

static int one_itab(const struct pgd_elf *e, const struct pgd_pcln *p, const struct pgd_gomod *m,
		    struct arena *a, uint64_t addr, struct pgd_goitab *it)
{
	uint64_t inter, typ, fun0, pkg, nm = 0;
	const char *cs, *is, *path = NULL, *mname;
	size_t clen, ilen, plen = 0;
	struct pgd_pcln_func f;
	long fi;

	if (rd_ptr_at(e, addr, &inter) || rd_ptr_at(e, addr + PTR, &typ))
		return 1;
	if (!(cs = type_str(e, m, typ, &clen)) || !(is = type_str(e, m, inter, &ilen)))
		return 1;
	/*
	 * The concrete type's path: the linker name of a method of the itab;
	 * the linker points methods it proved unreachable at
	 * runtime.unreachableMethod (cmd/link/internal/ld/deadcode.go), so the
	 * first reachable one. Failing that, the named type's own PkgPath.
	 */
	mname = NULL;
	rd_ptr_at(e, inter + ITYPE_PKGPATH + PTR + PTR, &nm);
	for (uint64_t i = 0; i < nm && i < MAX_METHODS && !mname; i++) {
		if (rd_ptr_at(e, addr + ITAB_FUN0 + i * PTR, &fun0))
			break;
		if ((fi = pgd_pcln_find(p, fun0)) < 0 || pgd_pcln_func(p, (uint32_t)fi, &f) || f.entry != fun0)
			return 1;
		if (strcmp(f.name, "runtime.unreachableMethod"))
			mname = f.name;
	}
	it->addr = addr;
	if (mname)
		it->concrete = qualify(a, cs, clen, mname, name_pkg_len(mname));
	else if ((path = type_pkgpath(e, m, typ, &plen)) && (path = pgd_go_path_prefix(a, path, plen)))
		it->concrete = qualify(a, cs, clen, path, strlen(path));
	else
		it->concrete = pgd_arena_strndup(a, cs, clen);
	if (!it->concrete)
		return -1;
	path = NULL;
	plen = 0;
	/* the interface's: InterfaceType.PkgPath */
	if (!rd_ptr_at(e, inter + ITYPE_PKGPATH, &pkg) && pkg && (path = abi_name(e, pkg, &plen)) && plen) {
		if (!(path = pgd_go_path_prefix(a, path, plen)))
			return -1;
		plen = strlen(path);
	}
	it->iface = qualify(a, is, ilen, path, path ? plen : 0);
	return it->iface ? 0 : -1;
}

int pgd_gomod_itabs(const struct pgd_elf *e, const struct pgd_pcln *p, const struct pgd_gomod *m,
		    struct arena *a, struct pgd_goitab **out, size_t *n, size_t *skipped)
{
	const uint8_t *links = m->nitablinks ? pgd_elf_vaddr(e, m->itablinks, m->nitablinks * PTR) : NULL;

	*n = *skipped = 0;
	*out = pgd_arena_calloc(a, m->nitablinks ? m->nitablinks : 1, sizeof(**out));
	if (!*out)
		return PGD_ENOMEM;
	for (uint64_t i = 0; links && i < m->nitablinks; i++) {
		switch (one_itab(e, p, m, a, rd64(links + i * PTR), &(*out)[*n])) {
		case 0: (*n)++; break;
		case 1: (*skipped)++; break;
		default: return PGD_ENOMEM;
		}
	}
	return 0;
}
