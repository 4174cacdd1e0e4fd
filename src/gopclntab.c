// SPDX-License-Identifier: MIT
#include "gopclntab.h"

#include <stdlib.h>
#include <string.h>

#include "err.h"

/* internal/abi/symtab.go */
#define PCDATA_INL_TREE_INDEX 2
#define FUNCDATA_INL_TREE 3
/* sizes of _func (runtime/runtime2.go) and inlinedCall (runtime/symtabinl.go) */
#define FUNC_SIZE_118 40
#define FUNC_SIZE_120 44              /* + startLine */
#define INL_SIZE_118 20
#define INL_SIZE_120 16
#define HEADER_FIELDS 8               /* nfunc .. pclnOffset, pointer-sized */

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rdptr(const uint8_t *p, int size)
{
	uint64_t v = 0;

	for (int i = 0; i < size; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static int tab(const uint8_t *base, uint64_t size, uint64_t from, uint64_t to, struct pgd_pcln_tab *t)
{
	if (from > to || to > size)
		return -1;
	t->p = base + from;
	t->len = to - from;
	return 0;
}

/*
 * pcHeader (runtime/symtab.go): magic, pad1, pad2, minLC, ptrSize, nfunc,
 * nfiles, textStart (unused from Go 1.26), then the offsets of
 * funcnametab, cutab, filetab, pctab and the function table, in that
 * order (cmd/link/internal/ld/pcln.go writeHeader).
 */
int pgd_pcln_open(const struct pgd_elf *e, const char *path, struct pgd_pcln *out, struct pgd_err *err)
{
	const struct pgd_elf_section *s = pgd_elf_section(e, ".gopclntab");
	const uint8_t *d;
	uint64_t f[HEADER_FIELDS], hdr;
	int ps;

	memset(out, 0, sizeof(*out));
	if (!s || !(d = pgd_elf_section_data(e, s)) || s->size < 8)
		return pgd_err_set(err, PGD_EINPUT, path, "no .gopclntab: not a Go binary, or one this reads no runtime tables of");
	out->elf = e;
	out->addr = s->addr;
	out->magic = rd32(d);
	if (out->magic != PGD_PCLN_MAGIC_118 && out->magic != PGD_PCLN_MAGIC_120)
		return pgd_err_set(err, PGD_EINPUT, path,
				   ".gopclntab: magic %#x is not Go 1.18-1.26's (0xfffffff0, 0xfffffff1)", out->magic);
	out->quantum = d[6];
	out->ptrsize = d[7];
	ps = out->ptrsize;
	if ((ps != 4 && ps != 8) || (out->quantum != 1 && out->quantum != 2 && out->quantum != 4))
		return pgd_err_set(err, PGD_EINPUT, path, ".gopclntab: bad header (ptrSize %d, minLC %u)", ps,
				   out->quantum);
	hdr = 8 + (uint64_t)HEADER_FIELDS * ps;
	if (s->size < hdr)
		return pgd_err_set(err, PGD_EINPUT, path, ".gopclntab: truncated header");
	for (int i = 0; i < HEADER_FIELDS; i++)
		f[i] = rdptr(d + 8 + i * ps, ps);
	if (f[0] > UINT32_MAX - 1 || f[1] > UINT32_MAX)
		return pgd_err_set(err, PGD_EINPUT, path, ".gopclntab: %llu functions, %llu files: too many",
				   (unsigned long long)f[0], (unsigned long long)f[1]);
	out->nfunc = (uint32_t)f[0];
	out->nfiles = (uint32_t)f[1];
	out->text_start = f[2];
	if (tab(d, s->size, f[3], f[4], &out->funcnametab) || tab(d, s->size, f[4], f[5], &out->cutab) ||
	    tab(d, s->size, f[5], f[6], &out->filetab) || tab(d, s->size, f[6], f[7], &out->pctab) ||
	    tab(d, s->size, f[7], s->size, &out->functab))
		return pgd_err_set(err, PGD_EINPUT, path, ".gopclntab: table offsets out of order or bounds");
	/* functab: nfunc + 1 (entryOff, funcOff) pairs, the last one the end of text */
	if (((uint64_t)out->nfunc + 1) * 8 > out->functab.len)
		return pgd_err_set(err, PGD_EINPUT, path, ".gopclntab: function table truncated");
	return 0;
}

static uint32_t entry_off(const struct pgd_pcln *p, uint32_t i)
{
	return rd32(p->functab.p + (uint64_t)i * 8);
}

const char *pgd_pcln_name(const struct pgd_pcln *p, int64_t off)
{
	const char *s;

	if (off < 0 || (uint64_t)off >= p->funcnametab.len)
		return NULL;
	s = (const char *)p->funcnametab.p + off;
	return memchr(s, '\0', p->funcnametab.len - (uint64_t)off) ? s : NULL;
}

const char *pgd_pcln_file(const struct pgd_pcln *p, uint32_t cu_offset, int64_t idx)
{
	uint64_t i = (uint64_t)cu_offset + (uint64_t)idx, off;
	const char *s;

	if (idx < 0 || (i + 1) * 4 > p->cutab.len)
		return NULL;
	off = rd32(p->cutab.p + i * 4);
	if (off >= p->filetab.len)
		return NULL; /* ^uint32(0): no file */
	s = (const char *)p->filetab.p + off;
	return memchr(s, '\0', p->filetab.len - off) ? s : NULL;
}

int pgd_pcln_func(const struct pgd_pcln *p, uint32_t i, struct pgd_pcln_func *out)
{
	int v120 = p->magic == PGD_PCLN_MAGIC_120;
	uint64_t fsize = v120 ? FUNC_SIZE_120 : FUNC_SIZE_118, foff, npcdata, nfuncdata, tail;
	uint32_t e0, e1;
	const uint8_t *f;

	memset(out, 0, sizeof(*out));
	if (i >= p->nfunc)
		return -1;
	e0 = entry_off(p, i);
	e1 = entry_off(p, i + 1);
	foff = rd32(p->functab.p + (uint64_t)i * 8 + 4);
	if (e1 < e0 || foff > p->functab.len || p->functab.len - foff < fsize)
		return -1;
	f = p->functab.p + foff;
	/* _func.entryOff must agree with the table that sorted it (runtime/symtab.go moduledataverify1) */
	if (rd32(f) != e0)
		return -1;
	out->entry = p->text_start + e0;
	out->end = p->text_start + e1;
	if (!(out->name = pgd_pcln_name(p, (int32_t)rd32(f + 4))))
		return -1;
	out->pcfile = rd32(f + 20);
	out->pcln = rd32(f + 24);
	npcdata = rd32(f + 28);
	out->cu_offset = rd32(f + 32);
	if (v120)
		out->start_line = (int32_t)rd32(f + 36);
	nfuncdata = f[fsize - 1];
	tail = (npcdata + nfuncdata) * 4;
	if (npcdata > UINT32_MAX / 8 || p->functab.len - foff - fsize < tail)
		return -1;
	if (npcdata > PCDATA_INL_TREE_INDEX)
		out->pc_inl = rd32(f + fsize + PCDATA_INL_TREE_INDEX * 4);
	if (nfuncdata > FUNCDATA_INL_TREE && p->gofunc) {
		uint32_t off = rd32(f + fsize + npcdata * 4 + FUNCDATA_INL_TREE * 4);

		if (off != UINT32_MAX)
			out->inltree = p->gofunc + off;
	}
	return 0;
}

long pgd_pcln_find(const struct pgd_pcln *p, uint64_t pc)
{
	uint64_t off;
	uint32_t lo = 0, hi = p->nfunc;

	if (pc < p->text_start || (off = pc - p->text_start) >= entry_off(p, p->nfunc))
		return -1;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (entry_off(p, mid) <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? (long)lo - 1 : -1;
}

/* ---- pc-value tables ---------------------------------------------------- */

static int uvarint32(struct pgd_pcv *it, uint32_t *v)
{
	uint32_t r = 0;

	for (int shift = 0; shift < 35; shift += 7) {
		uint8_t b;

		if (it->p >= it->end)
			return -1;
		b = *it->p++;
		r |= (uint32_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*v = r;
			return 0;
		}
	}
	return -1;
}

void pgd_pcv_init(const struct pgd_pcln *p, uint32_t off, uint64_t entry, struct pgd_pcv *it)
{
	memset(it, 0, sizeof(*it));
	if (!off || off >= p->pctab.len)
		return; /* no table: pgd_pcv_next ends at once */
	it->p = p->pctab.p + off;
	it->end = p->pctab.p + p->pctab.len;
	it->pc = entry;
	it->val = -1;
	it->first = 1;
	it->quantum = p->quantum;
}

/* runtime/symtab.go step: zig-zag value delta, then pc delta in quanta; a 0 value delta ends. */
int pgd_pcv_next(struct pgd_pcv *it, uint64_t *pc, uint64_t *pc_end, int32_t *val)
{
	uint32_t uvdelta, pcdelta;

	if (!it->p)
		return 0;
	if (it->p >= it->end)
		return -1;
	if (*it->p == 0 && !it->first)
		return 0;
	/* each step consumes at least two bytes, so a hostile table still ends */
	if (uvarint32(it, &uvdelta) || uvarint32(it, &pcdelta))
		return -1;
	it->first = 0;
	it->val = (int32_t)((uint32_t)it->val + (-(uvdelta & 1) ^ (uvdelta >> 1)));
	*pc = it->pc;
	it->pc += (uint64_t)pcdelta * it->quantum;
	*pc_end = it->pc;
	*val = it->val;
	return 1;
}

int32_t pgd_pcv_value(const struct pgd_pcln *p, uint32_t off, uint64_t entry, uint64_t pc)
{
	struct pgd_pcv it;
	uint64_t lo, hi;
	int32_t v;

	pgd_pcv_init(p, off, entry, &it);
	while (pgd_pcv_next(&it, &lo, &hi, &v) == 1) {
		if (pc >= lo && pc < hi)
			return v;
		if (lo > pc)
			break;
	}
	return -1;
}

int pgd_pcv_table_read(const struct pgd_pcln *p, uint32_t off, uint64_t entry, struct pgd_pcv_table *t)
{
	struct pgd_pcv it;
	uint64_t lo, hi;
	int32_t v;

	t->n = 0;
	pgd_pcv_init(p, off, entry, &it);
	while (pgd_pcv_next(&it, &lo, &hi, &v) == 1) {
		if (t->n == t->cap) {
			size_t cap = t->cap ? 2 * t->cap : 64;
			struct pgd_pcv_step *s = realloc(t->s, cap * sizeof(*s));

			if (!s)
				return -1;
			t->s = s;
			t->cap = cap;
		}
		t->s[t->n++] = (struct pgd_pcv_step){ lo, hi, v };
	}
	return 0;  /* a malformed tail only ends the table early */
}

void pgd_pcv_table_release(struct pgd_pcv_table *t)
{
	free(t->s);
	memset(t, 0, sizeof(*t));
}

int32_t pgd_pcv_steps_value(const struct pgd_pcv_step *s, size_t n, uint64_t pc)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {   /* the first step that ends after pc */
		size_t mid = lo + (hi - lo) / 2;

		if (s[mid].hi <= pc)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && s[lo].lo <= pc ? s[lo].v : -1;
}

/* ---- inline trees --------------------------------------------------------- */

int pgd_pcln_inl(const struct pgd_pcln *p, const struct pgd_pcln_func *f, uint32_t idx,
		 struct pgd_pcln_inl *out)
{
	int v120 = p->magic == PGD_PCLN_MAGIC_120;
	uint64_t size = v120 ? INL_SIZE_120 : INL_SIZE_118;
	const uint8_t *n;

	memset(out, 0, sizeof(*out));
	if (!f->inltree || (uint64_t)idx > UINT64_MAX / size - 1 || !(n = pgd_elf_vaddr(p->elf, f->inltree + idx * size, size)))
		return -1;
	if (v120) {
		/* funcID, _ [3]byte, nameOff, parentPc, startLine */
		out->name = pgd_pcln_name(p, (int32_t)rd32(n + 4));
		out->parent_pc = (int32_t)rd32(n + 8);
		out->start_line = (int32_t)rd32(n + 12);
		out->parent = -2;
	} else {
		/* parent int16, funcID, _, file, line, func_, parentPc */
		out->parent = (int16_t)(n[0] | n[1] << 8);
		out->file = (int32_t)rd32(n + 4);
		out->line = (int32_t)rd32(n + 8);
		out->name = pgd_pcln_name(p, (int32_t)rd32(n + 12));
		out->parent_pc = (int32_t)rd32(n + 16);
	}
	return out->name ? 0 : -1;
}
