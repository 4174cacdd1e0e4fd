// SPDX-License-Identifier: MIT
#include "dwarf.h"

#include <libdwarf/dwarf.h> /* not <dwarf.h>: -Isrc finds ours first */
#include <libdwarf.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

#define MAX_DEPTH 256 /* DIE nesting; Go nests a handful of levels */

/* One section as libdwarf sees it: a .debug_* name and inflated bytes. */
struct dw_section {
	const struct pgd_elf_section *elf;
	const char *name;             /* ".zdebug_x" shows up as ".debug_x" */
	uint64_t size;                /* inflated size */
	const uint8_t *data;          /* NULL until libdwarf asks */
	int failed;                   /* loading failed once: libdwarf asks again and again */
};

struct cu_span {
	uint64_t lo, hi;
	size_t cu;
};

struct pgd_dwarf_impl {
	Dwarf_Debug dbg;
	Dwarf_Obj_Access_Interface iface;
	Dwarf_Obj_Access_Methods methods;
	const struct pgd_elf *elf;
	struct arena *arena;
	const char *path;
	uint64_t max_section_bytes;
	size_t nsections;
	struct dw_section *sections;  /* [0] is the null section */
	struct pgd_err load_err;      /* why load_section failed, for the caller */
	struct hashmap names;         /* interned strings (the key); val: the owner's word (dwarf.h) */
	size_t nspans;
	struct cu_span *spans;        /* CU ranges sorted by lo */
};

/* ---- the object access interface: sections from the validated image ---- */

static int obj_section_info(void *obj, Dwarf_Half idx, Dwarf_Obj_Access_Section *ret, int *error)
{
	struct pgd_dwarf_impl *im = obj;

	(void)error;
	if (idx >= im->nsections)
		return DW_DLV_NO_ENTRY;
	memset(ret, 0, sizeof(*ret));
	ret->name = im->sections[idx].name;
	ret->size = im->sections[idx].size;
	ret->type = im->sections[idx].elf ? im->sections[idx].elf->type : 0;
	return DW_DLV_OK;
}

static Dwarf_Endianness obj_byte_order(void *obj)
{
	(void)obj;
	return DW_OBJECT_LSB;
}

static Dwarf_Small obj_length_size(void *obj)
{
	(void)obj;
	return 4;
}

static Dwarf_Small obj_pointer_size(void *obj)
{
	(void)obj;
	return 8;
}

static Dwarf_Unsigned obj_section_count(void *obj)
{
	return ((struct pgd_dwarf_impl *)obj)->nsections;
}

static int obj_load_section(void *obj, Dwarf_Half idx, Dwarf_Small **data, int *error)
{
	struct pgd_dwarf_impl *im = obj;
	struct dw_section *s;
	uint64_t len;

	if (idx >= im->nsections || !im->sections[idx].elf)
		return DW_DLV_NO_ENTRY;
	s = &im->sections[idx];
	/*
	 * libdwarf retries a failed load on every access; each retry would
	 * inflate the section again into a new arena block (2 763 inflates and
	 * 1 GB for one fuzzed binary). Fail at once after the first time.
	 */
	if (s->failed) {
		*error = DW_DLE_SECTION_SIZE_ERROR;
		return DW_DLV_ERROR;
	}
	if (!s->data) {
		if (pgd_elf_section_contents(im->elf, s->elf, im->arena, im->max_section_bytes,
					     im->path, &s->data, &len, &im->load_err) || len != s->size) {
			s->data = NULL;
			s->failed = 1;
			*error = DW_DLE_SECTION_SIZE_ERROR;
			if (!im->load_err.code)
				pgd_err_set(&im->load_err, PGD_EINPUT, im->path,
					    "section %s: inflated size differs from its header", s->name);
			return DW_DLV_ERROR;
		}
		/* libdwarf wants non-NULL even for an empty section */
		if (!s->data)
			s->data = (const uint8_t *)"";
	}
	*data = (Dwarf_Small *)s->data;
	return DW_DLV_OK;
}

/* Inflated size from the compression header, without inflating. */
static int section_size(const struct pgd_elf *e, const struct pgd_elf_section *s, uint64_t *size)
{
	const uint8_t *d = pgd_elf_section_data(e, s);

	*size = d ? s->size : 0;
	if (s->flags & PGD_SHF_COMPRESSED) {
		if (s->size < 24)
			return -1;
		*size = 0;
		for (int i = 7; i >= 0; i--)
			*size = *size << 8 | d[8 + i];
	} else if (!strncmp(s->name, ".zdebug", 7)) {
		if (s->size < 12 || memcmp(d, "ZLIB", 4))
			return -1;
		*size = 0;
		for (int i = 0; i < 8; i++)
			*size = *size << 8 | d[4 + i];
	}
	return 0;
}

/* ---- strings ------------------------------------------------------------- */

/*
 * One hash and one probe per name (the runtime-tables model interns every
 * function of the binary: a find then an upsert probed twice); the copy
 * only when the caller's string does not outlive us (copy_it). The key is
 * the interned string, the value the owner's word.
 */
static struct hashmap_entry *intern_as(struct pgd_dwarf_impl *im, const char *s, size_t len, int copy_it)
{
	int inserted;
	struct hashmap_entry *e = pgd_hashmap_upsert(&im->names, s, len, &inserted);
	char *copy;

	if (!e || !inserted || !copy_it)
		return e;
	/* the key must outlive the caller's string: point it at the copy */
	if (!(copy = pgd_arena_strndup(im->arena, s, len))) {
		pgd_hashmap_remove(&im->names, e);
		return NULL;
	}
	e->key = copy;
	return e;
}

static const char *intern(struct pgd_dwarf_impl *im, const char *s, size_t len)
{
	struct hashmap_entry *e = intern_as(im, s, len, 1);

	return e ? e->key : NULL;
}

const char *pgd_dwarf_name(struct pgd_dwarf *d, const char *name, size_t len)
{
	return intern(d->impl, name, len);
}

const char *pgd_dwarf_name_word(struct pgd_dwarf *d, const char *name, size_t len, uint64_t **word)
{
	struct hashmap_entry *e = intern_as(d->impl, name, len, name[len] != '\0');

	*word = e ? &e->val.u64 : NULL;
	return e ? e->key : NULL;
}

void pgd_dwarf_name_prefetch(const struct pgd_dwarf *d, const char *name, size_t len)
{
	pgd_hashmap_prefetch(&d->impl->names, name, len);
}

int pgd_dwarf_reserve_names(struct pgd_dwarf *d, size_t n)
{
	return pgd_hashmap_reserve(&d->impl->names, d->impl->names.count + n);
}

const char *pgd_dwarf_name_lookup(const struct pgd_dwarf *d, const char *name, size_t len)
{
	struct hashmap_entry *e = pgd_hashmap_find(&d->impl->names, name, len);

	return e ? e->key : NULL;
}

/* ---- DIE attribute accessors (pahole's attr_numeric in spirit) ------------ */

static int attr_udata(struct pgd_dwarf *d, Dwarf_Die die, Dwarf_Half at, uint64_t *val)
{
	Dwarf_Attribute attr;
	Dwarf_Error derr = NULL;
	Dwarf_Unsigned u;
	int ok;

	if (dwarf_attr(die, at, &attr, &derr) != DW_DLV_OK)
		return 0;
	ok = dwarf_formudata(attr, &u, &derr) == DW_DLV_OK;
	if (!ok) {
		/* DWARF 4 DW_FORM_sec_offset, for DW_AT_ranges and stmt_list */
		Dwarf_Off off;

		if (derr) {
			dwarf_dealloc_error(d->impl->dbg, derr);
			derr = NULL;
		}
		ok = dwarf_global_formref(attr, &off, &derr) == DW_DLV_OK;
		u = off;
	}
	if (derr)
		dwarf_dealloc_error(d->impl->dbg, derr);
	dwarf_dealloc_attribute(attr);
	if (ok)
		*val = u;
	return ok;
}

static int attr_ref(struct pgd_dwarf *d, Dwarf_Die die, Dwarf_Half at, uint64_t *off)
{
	Dwarf_Attribute attr;
	Dwarf_Error derr = NULL;
	Dwarf_Off o;
	int ok;

	if (dwarf_attr(die, at, &attr, &derr) != DW_DLV_OK)
		return 0;
	ok = dwarf_global_formref(attr, &o, &derr) == DW_DLV_OK;
	if (derr)
		dwarf_dealloc_error(d->impl->dbg, derr);
	dwarf_dealloc_attribute(attr);
	if (ok)
		*off = o;
	return ok;
}

static const char *die_name(struct pgd_dwarf *d, Dwarf_Die die)
{
	char *name = NULL;
	Dwarf_Error derr = NULL;
	int rc = dwarf_diename(die, &name, &derr);

	if (derr)
		dwarf_dealloc_error(d->impl->dbg, derr);
	if (rc != DW_DLV_OK || !name)
		return "";
	return pgd_dwarf_name(d, name, strlen(name));
}

struct range_buf {
	size_t n, cap;
	struct pgd_pc_range *r;
};

static int range_push(struct arena *a, struct range_buf *rb, uint64_t lo, uint64_t hi)
{
	if (hi <= lo)
		return 0;
	if (rb->n == rb->cap) {
		size_t ncap = rb->cap ? rb->cap * 2 : 4;
		struct pgd_pc_range *nr = pgd_arena_realloc_array(a, rb->r, rb->n, ncap, sizeof(*nr));

		if (!nr)
			return -1;
		rb->r = nr;
		rb->cap = ncap;
	}
	rb->r[rb->n].lo = lo;
	rb->r[rb->n].hi = hi;
	rb->n++;
	return 0;
}

static int range_cmp(const void *a, const void *b)
{
	const struct pgd_pc_range *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/*
 * DWARF 4 DW_AT_ranges: a .debug_ranges offset, entries relative to the CU
 * base address unless an address selection entry resets it (DWARF 4
 * section 2.17.3). Go writes them with cmd/internal/dwarf PutBasedRanges.
 */
static int ranges_v4(struct pgd_dwarf *d, Dwarf_Die die, uint64_t roff, uint64_t cu_base,
		     struct range_buf *rb)
{
	struct pgd_dwarf_impl *im = d->impl;
	Dwarf_Ranges *rr = NULL;
	Dwarf_Signed cnt = 0;
	Dwarf_Unsigned bytes = 0;
	Dwarf_Error derr = NULL;
	uint64_t base = cu_base;
	int ret = 0;

	if (dwarf_get_ranges_a(im->dbg, roff, die, &rr, &cnt, &bytes, &derr) != DW_DLV_OK) {
		if (derr)
			dwarf_dealloc_error(im->dbg, derr);
		return 1;
	}
	for (Dwarf_Signed i = 0; i < cnt && !ret; i++) {
		if (rr[i].dwr_type == DW_RANGES_ADDRESS_SELECTION)
			base = rr[i].dwr_addr2;
		else if (rr[i].dwr_type == DW_RANGES_ENTRY)
			ret = range_push(im->arena, rb, base + rr[i].dwr_addr1, base + rr[i].dwr_addr2);
	}
	dwarf_ranges_dealloc(im->dbg, rr, cnt);
	return ret ? -1 : 0;
}

/*
 * DWARF 5 DW_AT_ranges: DW_FORM_sec_offset into .debug_rnglists, or
 * DW_FORM_rnglistx, an index through the CU's DW_AT_rnglists_base (DWARF 5
 * sections 2.17.3 and 7.28). Go 1.25+ writes one DW_RLE_base_addressx (a
 * .debug_addr slot, found through the CU's DW_AT_addr_base, section 7.27)
 * followed by DW_RLE_offset_pair entries (cmd/internal/dwarf
 * PutRngListRanges; cmd/link/internal/ld/dwarf.go writeDebugRngListsHdr).
 * libdwarf cooks every bounded entry into absolute addresses.
 * Returns 0, 1 (unreadable) or -1 (out of memory).
 */
static int ranges_v5(struct pgd_dwarf *d, Dwarf_Attribute attr, Dwarf_Half form, uint64_t val,
		     struct range_buf *rb)
{
	struct pgd_dwarf_impl *im = d->impl;
	Dwarf_Rnglists_Head head = NULL;
	Dwarf_Unsigned cnt = 0, goff = 0;
	Dwarf_Error derr = NULL;
	int ret = 0;

	if (dwarf_rnglists_get_rle_head(attr, form, val, &head, &cnt, &goff, &derr) != DW_DLV_OK) {
		if (derr)
			dwarf_dealloc_error(im->dbg, derr);
		return 1;
	}
	for (Dwarf_Unsigned i = 0; i < cnt && !ret; i++) {
		unsigned len = 0, code = 0;
		Dwarf_Unsigned raw1 = 0, raw2 = 0, lo = 0, hi = 0;
		Dwarf_Bool noaddr = 0;

		if (dwarf_get_rnglists_entry_fields_a(head, i, &len, &code, &raw1, &raw2, &noaddr, &lo, &hi,
						      &derr) != DW_DLV_OK) {
			if (derr)
				dwarf_dealloc_error(im->dbg, derr);
			derr = NULL;
			ret = 1;
			break;
		}
		switch (code) {
		case DW_RLE_offset_pair:
		case DW_RLE_startx_endx:
		case DW_RLE_startx_length:
		case DW_RLE_start_end:
		case DW_RLE_start_length:
			if (noaddr)
				ret = 1; /* a .debug_addr slot libdwarf could not read */
			else if (range_push(im->arena, rb, lo, hi))
				ret = -1;
			break;
		default:
			break; /* base address entries, end of list */
		}
	}
	dwarf_dealloc_rnglists_head(head);
	return ret;
}

/* DW_AT_ranges in whichever section the form and unit version say. */
static int die_ranges_attr(struct pgd_dwarf *d, Dwarf_Die die, uint16_t version, uint64_t cu_base,
			   struct range_buf *rb)
{
	struct pgd_dwarf_impl *im = d->impl;
	Dwarf_Attribute attr;
	Dwarf_Error derr = NULL;
	Dwarf_Half form = 0;
	Dwarf_Unsigned u = 0;
	Dwarf_Off off = 0;
	int rc = 1;

	if (dwarf_attr(die, DW_AT_ranges, &attr, &derr) != DW_DLV_OK) {
		if (derr)
			dwarf_dealloc_error(im->dbg, derr);
		return 2; /* no DW_AT_ranges */
	}
	if (dwarf_whatform(attr, &form, &derr) != DW_DLV_OK)
		goto out;
	if (form == DW_FORM_rnglistx) {
		if (dwarf_formudata(attr, &u, &derr) == DW_DLV_OK)
			rc = ranges_v5(d, attr, form, u, rb);
	} else {
		/* DW_FORM_sec_offset (DWARF 4 and 5), data4/data8 before DWARF 4 */
		if (dwarf_formudata(attr, &u, &derr) == DW_DLV_OK) {
			off = u;
		} else {
			if (derr)
				dwarf_dealloc_error(im->dbg, derr);
			derr = NULL;
			if (dwarf_global_formref(attr, &off, &derr) != DW_DLV_OK)
				goto out;
		}
		rc = version >= 5 ? ranges_v5(d, attr, form, off, rb) : ranges_v4(d, die, off, cu_base, rb);
	}
out:
	if (derr)
		dwarf_dealloc_error(im->dbg, derr);
	dwarf_dealloc_attribute(attr);
	return rc;
}

/*
 * The DIE's PC ranges: low_pc/high_pc (low_pc may be DW_FORM_addrx, a
 * .debug_addr slot, in DWARF 5; libdwarf's dwarf_lowpc reads it through
 * the CU's DW_AT_addr_base) or DW_AT_ranges. A DIE whose ranges cannot be
 * read is counted (d->ranges_unread) and gets none.
 */
static int die_ranges(struct pgd_dwarf *d, Dwarf_Die die, uint16_t version, uint64_t cu_base,
		      struct pgd_pc_range **out, uint32_t *n)
{
	struct pgd_dwarf_impl *im = d->impl;
	struct range_buf rb = { 0 };
	Dwarf_Error derr = NULL;
	Dwarf_Addr lo, hi;
	Dwarf_Half form;
	enum Dwarf_Form_Class cls;
	int ret = 0, lorc;

	*out = NULL;
	*n = 0;
	lorc = dwarf_lowpc(die, &lo, &derr);
	if (derr) {
		dwarf_dealloc_error(im->dbg, derr);
		derr = NULL;
	}
	if (lorc == DW_DLV_OK && dwarf_highpc_b(die, &hi, &form, &cls, &derr) == DW_DLV_OK) {
		if (cls == DW_FORM_CLASS_CONSTANT)
			hi += lo;
		ret = range_push(im->arena, &rb, lo, hi);
	} else {
		int rc;

		if (derr) {
			dwarf_dealloc_error(im->dbg, derr);
			derr = NULL;
		}
		rc = die_ranges_attr(d, die, version, cu_base, &rb);
		if (rc < 0)
			ret = -1;
		else if (rc == 1)
			d->ranges_unread++;
		else if (rc == 2 && lorc == DW_DLV_ERROR)
			d->ranges_unread++; /* a low_pc that cannot be read */
	}
	if (derr)
		dwarf_dealloc_error(im->dbg, derr);
	/* Go splits one stretch of code into adjacent entries; join them so a
	 * decoder walks it in one go. */
	if (rb.n > 1) {
		size_t k = 0;

		qsort(rb.r, rb.n, sizeof(*rb.r), range_cmp);
		for (size_t i = 1; i < rb.n; i++) {
			if (rb.r[i].lo <= rb.r[k].hi) {
				if (rb.r[i].hi > rb.r[k].hi)
					rb.r[k].hi = rb.r[i].hi;
			} else {
				rb.r[++k] = rb.r[i];
			}
		}
		rb.n = k + 1;
	}
	*out = rb.r;
	*n = (uint32_t)rb.n;
	return ret;
}

/* ---- open: CU headers ---------------------------------------------------- */

static int span_cmp(const void *a, const void *b)
{
	const struct cu_span *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

static int dw_fail(struct pgd_dwarf *d, Dwarf_Error derr, struct pgd_err *err, const char *what)
{
	struct pgd_dwarf_impl *im = d->impl;
	int code;

	if (im->load_err.code) {
		if (err)
			*err = im->load_err;
		code = im->load_err.code;
	} else {
		const char *m = derr ? dwarf_errmsg(derr) : "libdwarf error";
		size_t n = strlen(m);

		/* libdwarf's messages end in " ." or "."; ours carry no final period */
		while (n && (m[n - 1] == '.' || m[n - 1] == ' '))
			n--;
		code = pgd_err_set(err, PGD_EINPUT, im->path, "DWARF: %s: %.*s", what, (int)n, m);
	}
	if (derr)
		dwarf_dealloc_error(im->dbg, derr);
	return code;
}

static int read_cu_headers(struct pgd_dwarf *d, struct pgd_err *err)
{
	struct pgd_dwarf_impl *im = d->impl;
	size_t cap = 0;
	int ret = 0;

	for (;;) {
		Dwarf_Unsigned hlen, typeoff, next;
		Dwarf_Half ver, asz, lsz, extsz, utype;
		Dwarf_Off abbr, off;
		Dwarf_Sig8 sig;
		Dwarf_Error derr = NULL;
		Dwarf_Die cudie = NULL;
		struct pgd_dw_cu *cu;
		uint64_t base = 0;
		Dwarf_Addr lo;
		int rc;

		rc = dwarf_next_cu_header_d(im->dbg, 1, &hlen, &ver, &abbr, &asz, &lsz, &extsz, &sig,
					    &typeoff, &next, &utype, &derr);
		if (rc == DW_DLV_NO_ENTRY)
			break;
		if (rc != DW_DLV_OK)
			return dw_fail(d, derr, err, "reading CU headers");
		if (dwarf_siblingof_b(im->dbg, NULL, 1, &cudie, &derr) != DW_DLV_OK)
			return dw_fail(d, derr, err, "reading a CU DIE");
		if (d->ncus == cap) {
			size_t ncap = cap ? cap * 2 : 64;

			d->cus = pgd_arena_realloc_array(im->arena, d->cus, d->ncus, ncap, sizeof(*d->cus));
			if (!d->cus) {
				dwarf_dealloc_die(cudie);
				return pgd_err_nomem(err, im->path);
			}
			cap = ncap;
		}
		cu = &d->cus[d->ncus++];
		cu->version = ver;
		if (dwarf_dieoffset(cudie, &off, &derr) != DW_DLV_OK) {
			dwarf_dealloc_die(cudie);
			return dw_fail(d, derr, err, "reading a CU DIE");
		}
		cu->die_off = off;
		cu->name = die_name(d, cudie);
		if (dwarf_lowpc(cudie, &lo, &derr) == DW_DLV_OK)
			base = lo;
		if (derr) {
			dwarf_dealloc_error(im->dbg, derr);
			derr = NULL;
		}
		ret = die_ranges(d, cudie, ver, base, &cu->ranges, &cu->nranges);
		dwarf_dealloc_die(cudie);
		if (ret || !cu->name)
			return pgd_err_nomem(err, im->path);
	}

	return pgd_dwarf_index_units(d, err);
}

int pgd_dwarf_index_units(struct pgd_dwarf *d, struct pgd_err *err)
{
	struct pgd_dwarf_impl *im = d->impl;

	im->nspans = 0;
	for (size_t i = 0; i < d->ncus; i++)
		im->nspans += d->cus[i].nranges;
	im->spans = pgd_arena_calloc(im->arena, im->nspans ? im->nspans : 1, sizeof(*im->spans));
	if (!im->spans)
		return pgd_err_nomem(err, im->path);
	im->nspans = 0;
	for (size_t i = 0; i < d->ncus; i++) {
		for (uint32_t j = 0; j < d->cus[i].nranges; j++) {
			im->spans[im->nspans].lo = d->cus[i].ranges[j].lo;
			im->spans[im->nspans].hi = d->cus[i].ranges[j].hi;
			im->spans[im->nspans++].cu = i;
		}
	}
	qsort(im->spans, im->nspans, sizeof(*im->spans), span_cmp);
	return 0;
}

int pgd_dwarf_open(const struct pgd_elf *e, struct arena *a, const char *path,
		   uint64_t max_section_bytes, struct pgd_dwarf **out, struct pgd_err *err)
{
	struct pgd_dwarf *d;
	struct pgd_dwarf_impl *im;
	Dwarf_Error derr = NULL;
	int have_info = 0, ret;

	*out = NULL;
	d = pgd_arena_alloc(a, sizeof(*d));
	im = pgd_arena_alloc(a, sizeof(*im));
	if (!d || !im)
		return pgd_err_nomem(err, path);
	d->impl = im;
	im->elf = e;
	im->arena = a;
	im->path = path;
	im->max_section_bytes = max_section_bytes;
	im->sections = pgd_arena_calloc(a, e->nsections + 1, sizeof(*im->sections));
	if (!im->sections)
		return pgd_err_nomem(err, path);
	im->sections[0].name = "";
	im->nsections = 1;
	for (size_t i = 1; i < e->nsections; i++) {
		const struct pgd_elf_section *s = &e->sections[i];
		struct dw_section *ds;
		const char *name = s->name;

		if (!strncmp(name, ".zdebug_", 8)) {
			name = pgd_arena_printf(a, ".debug_%s", name + 8);
			if (!name)
				return pgd_err_nomem(err, path);
		} else if (strncmp(name, ".debug_", 7)) {
			continue;
		}
		ds = &im->sections[im->nsections];
		ds->elf = s;
		ds->name = name;
		if (section_size(e, s, &ds->size))
			return pgd_err_set(err, PGD_EINPUT, path, "bad ELF: section %s has a short compression header",
					   s->name);
		if (!strcmp(name, ".debug_info") && ds->size)
			have_info = 1;
		im->nsections++;
	}
	if (!have_info)
		return pgd_err_set(err, PGD_EINPUT, path,
				   "no DWARF: the binary was stripped or built with -ldflags=-w; "
				   "pgodrift needs DWARF (.debug_info) to map call sites to source lines");

	im->methods.get_section_info = obj_section_info;
	im->methods.get_byte_order = obj_byte_order;
	im->methods.get_length_size = obj_length_size;
	im->methods.get_pointer_size = obj_pointer_size;
	im->methods.get_section_count = obj_section_count;
	im->methods.load_section = obj_load_section;
	im->iface.object = im;
	im->iface.methods = &im->methods;
	if (dwarf_object_init_b(&im->iface, NULL, NULL, DW_GROUPNUMBER_ANY, &im->dbg, &derr) != DW_DLV_OK) {
		im->dbg = NULL;
		ret = pgd_err_set(err, PGD_EINPUT, path, "DWARF: %s",
				  derr ? dwarf_errmsg(derr) : "libdwarf cannot read the debug sections");
		if (derr)
			dwarf_dealloc_error(d->impl->dbg, derr);
		goto out;
	}
	*out = d;
	ret = read_cu_headers(d, err);
out:
	if (ret) {
		pgd_dwarf_close(d);
		*out = NULL;
	}
	return ret;
}

int pgd_dwarf_new_synthetic(struct arena *a, const char *path, struct pgd_dwarf **out, struct pgd_err *err)
{
	struct pgd_dwarf *d = pgd_arena_calloc(a, 1, sizeof(*d));
	struct pgd_dwarf_impl *im = pgd_arena_calloc(a, 1, sizeof(*im));

	*out = NULL;
	if (!d || !im)
		return pgd_err_nomem(err, path);
	d->impl = im;
	im->arena = a;
	im->path = path;
	*out = d;
	return 0;
}

void pgd_dwarf_close(struct pgd_dwarf *d)
{
	Dwarf_Error derr = NULL;

	if (!d)
		return;
	if (d->close_fn)
		d->close_fn(d->lines_ctx);
	if (d->impl->dbg) {
		dwarf_object_finish(d->impl->dbg, &derr);
		d->impl->dbg = NULL;
	}
	pgd_hashmap_free(&d->impl->names);
}

long pgd_dwarf_cu_for_pc(const struct pgd_dwarf *d, uint64_t pc)
{
	const struct pgd_dwarf_impl *im = d->impl;
	size_t lo = 0, hi = im->nspans;

	/* last span with lo <= pc */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (im->spans[mid].lo <= pc)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo && pc < im->spans[lo - 1].hi)
		return (long)im->spans[lo - 1].cu;
	return -1;
}

size_t pgd_dwarf_blocks_upto(const struct pgd_dw_cu *cu, uint64_t pc)
{
	size_t lo = 0, hi = cu->nblks;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cu->blks[mid].lo <= pc)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t pgd_dwarf_rows_upto(const struct pgd_dw_cu *cu, uint64_t pc)
{
	size_t lo = 0, hi = cu->nrows;

	if (cu->blks) {
		size_t nb = pgd_dwarf_blocks_upto(cu, pc);

		if (!nb)
			return 0;
		lo = cu->blks[nb - 1].first;
		hi = lo + cu->blks[nb - 1].n;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cu->rows[mid].addr <= pc)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

long pgd_dwarf_cu_for_offset(const struct pgd_dwarf *d, uint64_t off)
{
	size_t lo = 0, hi = d->ncus;

	/* units are read in section order: the last one starting at or before off */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (d->cus[mid].die_off <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? (long)lo - 1 : -1;
}

long pgd_dwarf_cu_by_name(const struct pgd_dwarf *d, const char *name, size_t len, size_t from)
{
	for (size_t i = from; i < d->ncus; i++) {
		if (strlen(d->cus[i].name) == len && !memcmp(d->cus[i].name, name, len))
			return (long)i;
	}
	return -1;
}

/* ---- loading one CU ------------------------------------------------------- */

struct walk {
	struct pgd_dwarf *d;
	struct pgd_dw_cu *cu;
	uint64_t cu_base;
	size_t subs_cap, inls_cap;
	int oom;
};

static const char *file_at(const struct pgd_dw_cu *cu, uint64_t n)
{
	uint64_t i = n - (cu->version < 5);

	if ((cu->version < 5 && n == 0) || i >= cu->nfiles)
		return NULL;
	return cu->files[i];
}

static long add_sub(struct walk *w, Dwarf_Die die)
{
	struct pgd_dw_cu *cu = w->cu;
	struct pgd_dw_sub *s;
	Dwarf_Off off = 0;
	Dwarf_Error derr = NULL;
	uint64_t v;

	if (cu->nsubs == w->subs_cap) {
		size_t ncap = w->subs_cap ? w->subs_cap * 2 : 64;

		cu->subs = pgd_arena_realloc_array(w->d->impl->arena, cu->subs, cu->nsubs, ncap, sizeof(*cu->subs));
		if (!cu->subs)
			return -1;
		w->subs_cap = ncap;
	}
	s = &cu->subs[cu->nsubs];
	dwarf_dieoffset(die, &off, &derr);
	s->die_off = off;
	s->name = die_name(w->d, die);
	if (attr_ref(w->d, die, DW_AT_abstract_origin, &v))
		s->origin_off = v;
	if (attr_udata(w->d, die, DW_AT_inline, &v))
		s->abstract = v != 0;
	if (attr_udata(w->d, die, DW_AT_decl_file, &v))
		s->decl_file = file_at(cu, v);
	if (attr_udata(w->d, die, DW_AT_decl_line, &v))
		s->decl_line = (int64_t)v;
	if (!s->name || die_ranges(w->d, die, cu->version, w->cu_base, &s->ranges, &s->nranges))
		return -1;
	return (long)cu->nsubs++;
}

static long add_inl(struct walk *w, Dwarf_Die die, uint32_t sub, int32_t parent)
{
	struct pgd_dw_cu *cu = w->cu;
	struct pgd_dw_inl *in;
	uint64_t v;

	if (cu->ninls == w->inls_cap) {
		size_t ncap = w->inls_cap ? w->inls_cap * 2 : 64;

		cu->inls = pgd_arena_realloc_array(w->d->impl->arena, cu->inls, cu->ninls, ncap, sizeof(*cu->inls));
		if (!cu->inls)
			return -1;
		w->inls_cap = ncap;
	}
	in = &cu->inls[cu->ninls];
	in->sub = sub;
	in->parent = parent;
	in->origin = "";
	if (attr_ref(w->d, die, DW_AT_abstract_origin, &v))
		in->origin_off = v;
	if (attr_udata(w->d, die, DW_AT_call_file, &v))
		in->call_file = file_at(cu, v);
	if (attr_udata(w->d, die, DW_AT_call_line, &v))
		in->call_line = (int64_t)v;
	if (die_ranges(w->d, die, cu->version, w->cu_base, &in->ranges, &in->nranges))
		return -1;
	return (long)cu->ninls++;
}

/*
 * Subprograms at the top of the CU; inside them, inlined subroutines and
 * the lexical blocks that may hold them. Variables, parameters and types
 * are skipped without reading their attributes.
 */
static int walk_children(struct walk *w, Dwarf_Die parent, long sub, long inl, int depth,
			 struct pgd_err *err)
{
	Dwarf_Debug dbg = w->d->impl->dbg;
	Dwarf_Die child = NULL, next;
	Dwarf_Error derr = NULL;
	int rc, ret = 0;

	if (depth > MAX_DEPTH)
		return pgd_err_set(err, PGD_EINPUT, w->d->impl->path, "DWARF: DIEs nested deeper than %d",
				   MAX_DEPTH);
	rc = dwarf_child(parent, &child, &derr);
	if (rc == DW_DLV_NO_ENTRY)
		return 0;
	if (rc != DW_DLV_OK)
		return dw_fail(w->d, derr, err, "walking DIEs");
	while (child && !ret) {
		Dwarf_Half tag = 0;
		long idx;

		if (dwarf_tag(child, &tag, &derr) != DW_DLV_OK) {
			ret = dw_fail(w->d, derr, err, "reading a DIE tag");
			derr = NULL;
			break;
		}
		if (sub < 0 && tag == DW_TAG_subprogram) {
			uint32_t first = (uint32_t)w->cu->ninls;

			idx = add_sub(w, child);
			ret = idx < 0 ? pgd_err_nomem(err, w->d->impl->path)
				      : walk_children(w, child, idx, -1, depth + 1, err);
			if (idx >= 0) {
				w->cu->subs[idx].inl_begin = first;
				w->cu->subs[idx].inl_end = (uint32_t)w->cu->ninls;
			}
		} else if (sub >= 0 && tag == DW_TAG_inlined_subroutine) {
			idx = add_inl(w, child, (uint32_t)sub, (int32_t)inl);
			ret = idx < 0 ? pgd_err_nomem(err, w->d->impl->path)
				      : walk_children(w, child, sub, idx, depth + 1, err);
			if (idx >= 0)
				w->cu->inls[idx].end = (uint32_t)w->cu->ninls;
		} else if (sub >= 0 && tag == DW_TAG_lexical_block) {
			ret = walk_children(w, child, sub, inl, depth + 1, err);
		}
		if (ret)
			break;
		rc = dwarf_siblingof_b(dbg, child, 1, &next, &derr);
		dwarf_dealloc_die(child);
		child = NULL;
		if (rc == DW_DLV_OK)
			child = next;
		else if (rc == DW_DLV_ERROR)
			ret = dw_fail(w->d, derr, err, "walking DIEs");
	}
	if (child)
		dwarf_dealloc_die(child);
	return ret;
}

static int read_files(struct pgd_dwarf *d, struct pgd_dw_cu *cu, Dwarf_Die cudie, struct pgd_err *err)
{
	struct pgd_dwarf_impl *im = d->impl;
	char **files = NULL;
	Dwarf_Signed n = 0;
	Dwarf_Error derr = NULL;
	int rc, ret = 0;

	rc = dwarf_srcfiles(cudie, &files, &n, &derr);
	if (rc == DW_DLV_NO_ENTRY)
		return 0;
	if (rc != DW_DLV_OK)
		return dw_fail(d, derr, err, "reading the file table");
	cu->files = pgd_arena_calloc(im->arena, n ? (size_t)n : 1, sizeof(*cu->files));
	if (!cu->files)
		ret = pgd_err_nomem(err, im->path);
	for (Dwarf_Signed i = 0; i < n; i++) {
		const char *f = files[i];

		/*
		 * libdwarf joins the CU's DW_AT_comp_dir onto relative names;
		 * with -trimpath Go's comp_dir is ".", which would turn
		 * "example.com/m/p/f.go" into "./example.com/m/p/f.go".
		 */
		while (f[0] == '.' && f[1] == '/')
			f += 2;
		if (!ret && !(cu->files[i] = intern(im, f, strlen(f))))
			ret = pgd_err_nomem(err, im->path);
		dwarf_dealloc(im->dbg, files[i], DW_DLA_STRING);
	}
	dwarf_dealloc(im->dbg, files, DW_DLA_LIST);
	if (!ret)
		cu->nfiles = (size_t)n;
	return ret;
}

/*
 * Name and decl_line of an abstract DIE in another unit (DW_FORM_ref_addr,
 * DWARF 5 section 7.5.5): "" and 0 when libdwarf cannot read it. -1 on
 * out of memory.
 */
static int far_origin(struct pgd_dwarf *d, uint64_t off, const char **name, int64_t *decl_line)
{
	Dwarf_Die od = NULL;
	Dwarf_Error derr = NULL;
	uint64_t v;

	*name = "";
	*decl_line = 0;
	if (dwarf_offdie_b(d->impl->dbg, off, 1, &od, &derr) != DW_DLV_OK) {
		if (derr)
			dwarf_dealloc_error(d->impl->dbg, derr);
		return 0;
	}
	*name = die_name(d, od);
	if (attr_udata(d, od, DW_AT_decl_line, &v))
		*decl_line = (int64_t)v;
	dwarf_dealloc_die(od);
	return *name ? 0 : -1;
}

static int resolve_origins(struct pgd_dwarf *d, struct pgd_dw_cu *cu, struct pgd_err *err)
{
	struct hashmap byoff = HASHMAP_INIT;
	int ret = 0;

	for (size_t i = 0; i < cu->nsubs && !ret; i++) {
		struct hashmap_entry *e = pgd_hashmap_upsert(&byoff, &cu->subs[i].die_off,
							 sizeof(cu->subs[i].die_off), NULL);

		if (!e)
			ret = pgd_err_nomem(err, d->impl->path);
		else
			e->val.ptr = &cu->subs[i];
	}
	for (size_t i = 0; i < cu->nsubs && !ret; i++) {
		struct pgd_dw_sub *s = &cu->subs[i], *o;
		struct hashmap_entry *e;
		struct pgd_dw_sub far = { 0 };

		if (!s->origin_off)
			continue;
		if ((e = pgd_hashmap_find(&byoff, &s->origin_off, sizeof(s->origin_off))) != NULL) {
			o = e->val.ptr;
		} else {
			/*
			 * The linker keeps one abstract DIE of a function inlined in
			 * several packages (a dupok symbol, cmd/link/internal/ld/
			 * dwarf.go), in whichever unit came first: the out-of-line
			 * copy then refers to another unit (DW_FORM_ref_addr).
			 */
			if (far_origin(d, s->origin_off, &far.name, &far.decl_line))
				ret = pgd_err_nomem(err, d->impl->path);
			o = &far;
		}
		if (!*s->name)
			s->name = o->name;
		if (!s->decl_line)
			s->decl_line = o->decl_line;
		if (!s->decl_file)
			s->decl_file = o->decl_file;
	}
	for (size_t i = 0; i < cu->ninls && !ret; i++) {
		struct pgd_dw_inl *in = &cu->inls[i];
		struct hashmap_entry *e = pgd_hashmap_find(&byoff, &in->origin_off, sizeof(in->origin_off));
		int64_t line;

		if (e)
			in->origin = ((struct pgd_dw_sub *)e->val.ptr)->name;
		else if (in->origin_off && far_origin(d, in->origin_off, &in->origin, &line))
			ret = pgd_err_nomem(err, d->impl->path);
	}
	pgd_hashmap_free(&byoff);
	return ret;
}

int pgd_dwarf_load_cu(struct pgd_dwarf *d, size_t idx, struct pgd_err *err)
{
	struct pgd_dwarf_impl *im = d->impl;
	struct pgd_dw_cu *cu = &d->cus[idx];
	struct walk w = { .d = d, .cu = cu };
	Dwarf_Die cudie = NULL;
	Dwarf_Error derr = NULL;
	Dwarf_Addr lo;
	int ret;

	if (cu->loaded || !im->dbg)
		return 0; /* a synthetic model (pgd_dwarf_new_synthetic) comes loaded */
	/* a failed earlier attempt leaves partial arrays behind: start over */
	cu->nsubs = cu->ninls = cu->nfiles = 0;
	cu->subs = NULL;
	cu->inls = NULL;
	cu->files = NULL;
	if (dwarf_offdie_b(im->dbg, cu->die_off, 1, &cudie, &derr) != DW_DLV_OK)
		return dw_fail(d, derr, err, "reading a CU DIE");
	if (dwarf_lowpc(cudie, &lo, &derr) == DW_DLV_OK)
		w.cu_base = lo;
	if (derr) {
		dwarf_dealloc_error(im->dbg, derr);
		derr = NULL;
	}
	ret = read_files(d, cu, cudie, err);
	if (!ret)
		ret = walk_children(&w, cudie, -1, -1, 0, err);
	if (!ret)
		ret = resolve_origins(d, cu, err);
	dwarf_dealloc_die(cudie);
	if (ret)
		return ret;
	cu->loaded = 1;
	d->cus_loaded++;
	d->subs_seen += cu->nsubs;
	return 0;
}

static int row_cmp(const void *a, const void *b)
{
	const struct pgd_dw_row *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	/* an end_sequence first, so the row starting at the same address wins */
	return (x->file != PGD_DW_END) - (y->file != PGD_DW_END);
}

int pgd_dwarf_load_lines_for(struct pgd_dwarf *d, size_t idx, uint64_t lo, uint64_t hi, struct pgd_err *err)
{
	if (d->cus[idx].lines_loaded)
		return 0;
	if (d->lines_fn)
		return d->lines_fn(d->lines_ctx, d, idx, lo, hi, err);
	return pgd_dwarf_load_lines(d, idx, err);
}

int pgd_dwarf_load_lines(struct pgd_dwarf *d, size_t idx, struct pgd_err *err)
{
	struct pgd_dwarf_impl *im = d->impl;
	struct pgd_dw_cu *cu = &d->cus[idx];
	Dwarf_Die cudie = NULL;
	Dwarf_Error derr = NULL;
	Dwarf_Line_Context ctx = NULL;
	Dwarf_Line *lines = NULL;
	Dwarf_Signed n = 0;
	Dwarf_Unsigned ver;
	Dwarf_Small tables;
	int ret = 0, rc;

	if (cu->lines_loaded)
		return 0;
	if (d->lines_fn)
		return d->lines_fn(d->lines_ctx, d, idx, 0, UINT64_MAX, err);
	if ((ret = pgd_dwarf_load_cu(d, idx, err)))
		return ret;
	cu->nrows = 0;
	if (dwarf_offdie_b(im->dbg, cu->die_off, 1, &cudie, &derr) != DW_DLV_OK)
		return dw_fail(d, derr, err, "reading a CU DIE");
	rc = dwarf_srclines_b(cudie, &ver, &tables, &ctx, &derr);
	if (rc == DW_DLV_ERROR) {
		ret = dw_fail(d, derr, err, "reading the line table");
		goto out;
	}
	if (rc == DW_DLV_OK && dwarf_srclines_from_linecontext(ctx, &lines, &n, &derr) != DW_DLV_OK) {
		ret = dw_fail(d, derr, err, "reading the line table");
		goto out;
	}
	cu->rows = pgd_arena_calloc(im->arena, n ? (size_t)n : 1, sizeof(*cu->rows));
	if (!cu->rows) {
		ret = pgd_err_nomem(err, im->path);
		goto out;
	}
	for (Dwarf_Signed i = 0; i < n; i++) {
		struct pgd_dw_row *r = &cu->rows[cu->nrows];
		Dwarf_Addr addr;
		Dwarf_Unsigned lineno, fileno;
		Dwarf_Bool end = 0;

		if (dwarf_lineaddr(lines[i], &addr, &derr) != DW_DLV_OK ||
		    dwarf_lineno(lines[i], &lineno, &derr) != DW_DLV_OK ||
		    dwarf_line_srcfileno(lines[i], &fileno, &derr) != DW_DLV_OK ||
		    dwarf_lineendsequence(lines[i], &end, &derr) != DW_DLV_OK) {
			ret = dw_fail(d, derr, err, "reading the line table");
			goto out;
		}
		r->addr = addr;
		r->line = lineno > UINT32_MAX ? UINT32_MAX : (uint32_t)lineno;
		if (end) {
			r->file = PGD_DW_END;
		} else {
			uint64_t fi = fileno - (cu->version < 5);

			/*
			 * DWARF 5 numbers files from 0 (section 6.2.4, item 20),
			 * but the file register still starts at 1 after each
			 * end_sequence (section 6.2.2, table 6.4). libdwarf
			 * 20210528 starts it at 0 in version 5 tables, and Go
			 * relies on the default (its entry 0 is a dummy "?",
			 * its entry 1 "<autogenerated>": cmd/link/internal/ld/
			 * dwarf.go writeDirFileTables), so a row in file 0 is in
			 * file 1. Producers that do use entry 0 (GCC) make it the
			 * primary source file, the same as entry 1.
			 */
			if (cu->version >= 5 && fi == 0 && cu->nfiles > 1)
				fi = 1;

			if ((cu->version < 5 && !fileno) || fi >= cu->nfiles)
				continue; /* a row naming no file cannot match any function */
			r->file = (uint32_t)fi;
		}
		cu->nrows++;
	}
	qsort(cu->rows, cu->nrows, sizeof(*cu->rows), row_cmp);
	cu->lines_loaded = 1;
	d->line_tables_decoded++;
out:
	if (ctx)
		dwarf_srclines_dealloc_b(ctx);
	dwarf_dealloc_die(cudie);
	return ret;
}
