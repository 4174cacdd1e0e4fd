// SPDX-License-Identifier: MIT
#include "gomodel.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "err.h"
#include "hashmap.h"

#define MAX_INL_NODES (1u << 16) /* per function; cmd/compile's largest has a few thousand */
#define MAX_INL_DEPTH 256

/* What the rows of a unit need later, per sub and per inl. */
struct inl_aux {
	uint64_t pc;                  /* pc of the call site (entry + parentPc) */
	int32_t file, line;           /* Go 1.18-1.19: the call site as the node records it */
	uint32_t cuoff;
};

/*
 * The unit's arrays (cu->subs, cu->inls, cu->rows and these) are malloc'd
 * and grown in place, freed by model_close: in the arena every doubling
 * left the old copy behind, zeroed first.
 */
struct unit_aux {
	uint32_t *fidx;               /* per sub: pclntab function index, UINT32_MAX for abstract subs */
	struct inl_aux *inl;          /* per inl */
	size_t subs_cap, inls_cap;
	size_t nfunc_subs;            /* subs [0, nfunc_subs) are functions, by address */
	size_t rows_cap;              /* room in the unit's rows */
	size_t blks_cap;              /* room in the unit's row blocks */
	int any_rows;
};

struct node {
	int32_t parent;               /* -1 none */
	int used;
	struct pgd_pcln_inl info;
	uint32_t r0, nr;              /* its ranges: tree.ranges[r0, r0 + nr) */
	uint64_t last_hi;             /* while counting: the end of its last range */
	uint32_t first_kid, next_sib; /* UINT32_MAX ends */
};

/* One function's tree; the model keeps one and reuses its buffers. */
struct tree {
	struct pgd_pcv_step *steps;   /* PCDATA_InlTreeIndex, node steps only */
	size_t nsteps, steps_cap;
	struct node *nodes;
	uint32_t nnodes;
	size_t nodes_cap;
	struct pgd_pc_range *ranges;  /* every node's, in the model's arena */
};

struct model {
	const struct pgd_pcln *p;
	struct arena *a;
	const char *path;
	struct pgd_dwarf *d;
	struct unit_aux *aux;         /* parallel to d->cus */
	struct hashmap units;         /* package path -> unit index + 1 */
	long last_unit;               /* unit_for's last answer, -1 none */
	struct hashmap origins;       /* inline-tree name address -> struct origin * */
	int32_t origin_line;          /* the startLine an abstract sub gets (origin_of) */
	struct tree tree;             /* the function being read (add_inlines) */
	/* rows, decoded a function at a time (unit_lines) */
	uint8_t *fn_done;             /* per .gopclntab function: its rows are in its unit */
	struct hashmap files;         /* cutab entry (its 4 bytes: a filetab offset) -> index + 1 */
	const char **files_arr;       /* every unit's files array is a prefix of this one */
	size_t nfiles;
	struct pgd_dw_row *blk;       /* one function's rows, before they join its unit's */
	size_t nblk, blk_cap;
};

static uint64_t die_off(size_t cu, size_t sub)
{
	return (uint64_t)(cu + 1) << 32 | (uint64_t)(sub + 1);
}

/* The package part of a linker name, unescaped (%2e -> .) as a DWARF unit names it. */
static size_t unit_name(const char *name, char *buf, size_t size)
{
	const char *end = strchr(name, '[') ? strchr(name, '[') : name + strlen(name);
	const char *start = name, *dot;
	size_t o = 0;

	for (const char *q = name; q < end; q++) {
		if (*q == '/')
			start = q;
	}
	if (!(dot = memchr(start, '.', (size_t)(end - start))))
		return 0;
	for (const char *q = name; q < dot && o + 1 < size; q++) {
		if (q[0] == '%' && dot - q > 2) {
			char hex[3] = { q[1], q[2], '\0' };

			buf[o++] = (char)strtol(hex, NULL, 16);
			q += 2;
		} else {
			buf[o++] = *q;
		}
	}
	buf[o] = '\0';
	return o;
}

static long unit_for(struct model *m, const char *fname)
{
	struct pgd_dwarf *d = m->d;
	char buf[1024];
	size_t len = unit_name(fname, buf, sizeof(buf));
	struct hashmap_entry *e;
	struct pgd_dw_cu *cu;
	int inserted;

	if (m->last_unit >= 0 && strlen(d->cus[m->last_unit].name) == len &&
	    !memcmp(d->cus[m->last_unit].name, buf, len))
		return m->last_unit;
	if (!(e = pgd_hashmap_upsert(&m->units, buf, len, &inserted)))
		return -1;
	if (!inserted)
		return m->last_unit = (long)e->val.u64 - 1;
	d->cus = pgd_arena_grow_for_append(m->a, d->cus, d->ncus, sizeof(*d->cus));
	m->aux = pgd_arena_grow_for_append(m->a, m->aux, d->ncus, sizeof(*m->aux));
	if (!d->cus || !m->aux)
		return -1;
	cu = &d->cus[d->ncus];
	memset(cu, 0, sizeof(*cu));
	memset(&m->aux[d->ncus], 0, sizeof(*m->aux));
	cu->name = pgd_dwarf_name(d, buf, len);
	/* the key must outlive the map: point it at the interned copy */
	if (!cu->name)
		return -1;
	e->key = cu->name;
	cu->version = 5;
	cu->die_off = die_off(d->ncus, (size_t)-1);
	cu->loaded = 1;
	e->val.u64 = ++d->ncus;
	return m->last_unit = (long)d->ncus - 1;
}

/* word: name's word (pgd_dwarf_name_word), its sub's die_off, a function's over an abstract one */
static long add_sub(struct model *m, size_t cu, const char *name, int64_t decl_line, uint32_t fidx,
		    uint64_t *word)
{
	struct pgd_dw_cu *c = &m->d->cus[cu];
	struct unit_aux *x = &m->aux[cu];
	struct pgd_dw_sub *s;

	{
		size_t cap = x->subs_cap;
		void *q;

		if (!(q = pgd_mem_grow(c->subs, c->nsubs, &cap, sizeof(*c->subs))))
			return -1;
		c->subs = q;
		if (!(q = pgd_mem_grow(x->fidx, c->nsubs, &x->subs_cap, sizeof(*x->fidx))))
			return -1;
		x->fidx = q;
	}
	s = &c->subs[c->nsubs];
	memset(s, 0, sizeof(*s));
	s->die_off = die_off(cu, c->nsubs);
	s->name = name;
	s->decl_line = decl_line;
	s->abstract = fidx == UINT32_MAX;
	x->fidx[c->nsubs] = fidx;
	if (!*word || !s->abstract)
		*word = s->die_off;
	return (long)c->nsubs++;
}

/* ---- inline trees ------------------------------------------------------------ */

static int32_t value_at(const struct tree *t, uint64_t pc)
{
	return pgd_pcv_steps_value(t->steps, t->nsteps, pc);
}

static int read_steps(const struct pgd_pcln *p, const struct pgd_pcln_func *f, struct tree *t)
{
	struct pgd_pcv it;
	uint64_t lo, hi;
	int32_t v;

	t->nsteps = 0;
	t->nnodes = 0;
	pgd_pcv_init(p, f->pc_inl, f->entry, &it);
	while (pgd_pcv_next(&it, &lo, &hi, &v) == 1 && hi <= f->end) {
		if (v < 0 || lo >= hi)
			continue;
		if ((uint32_t)v >= MAX_INL_NODES)
			break;
		struct pgd_pcv_step *q = pgd_mem_grow(t->steps, t->nsteps, &t->steps_cap, sizeof(*t->steps));

		if (!q)
			return -1;
		t->steps = q;
		t->steps[t->nsteps].lo = lo;
		t->steps[t->nsteps].hi = hi;
		t->steps[t->nsteps++].v = v;
		if ((uint32_t)v + 1 > t->nnodes)
			t->nnodes = (uint32_t)v + 1;
	}
	return 0;
}

/*
 * Each step's pcs belong to its node and every node up its parent chain;
 * a node's ranges are its steps' pcs, adjacent ones merged. Pass 0
 * counts, pass 1 writes into t->ranges.
 */
static void walk_ranges(struct tree *t, int pass)
{
	for (size_t s = 0; s < t->nsteps; s++) {
		int32_t v = t->steps[s].v;
		uint64_t lo = t->steps[s].lo, hi = t->steps[s].hi;

		for (int depth = 0; v >= 0 && depth < MAX_INL_DEPTH; depth++) {
			struct node *n = &t->nodes[v];

			if (n->used) {
				int merge = n->nr && n->last_hi == lo;

				if (pass && merge)
					t->ranges[n->r0 + n->nr - 1].hi = hi;
				else if (pass) {
					t->ranges[n->r0 + n->nr].lo = lo;
					t->ranges[n->r0 + n->nr].hi = hi;
				}
				n->nr += !merge;
				n->last_hi = hi;
			}
			v = n->parent;
		}
	}
}

/* Nodes, their parents (the index at parentPc, runtime/symtabinl.go next) and ranges. */
static int build_tree(struct model *m, const struct pgd_pcln_func *f, struct tree *t)
{
	const struct pgd_pcln *p = m->p;
	size_t total = 0;

	if (read_steps(p, f, t))
		return -1;
	if (!t->nnodes)
		return 0;
	if (t->nnodes > t->nodes_cap) {
		void *q = realloc(t->nodes, t->nnodes * sizeof(*t->nodes));

		if (!q)
			return -1;
		t->nodes = q;
		t->nodes_cap = t->nnodes;
	}
	memset(t->nodes, 0, t->nnodes * sizeof(*t->nodes));
	for (uint32_t i = 0; i < t->nnodes; i++) {
		struct node *n = &t->nodes[i];

		n->first_kid = n->next_sib = UINT32_MAX;
		n->parent = -1;
		if (pgd_pcln_inl(p, f, i, &n->info))
			continue;
		n->used = 1;
		if (n->info.parent != -2)
			n->parent = n->info.parent;      /* Go 1.18-1.19 record it */
		else if (n->info.parent_pc >= 0)
			n->parent = value_at(t, f->entry + (uint64_t)n->info.parent_pc);
		if (n->parent >= (int32_t)t->nnodes || n->parent == (int32_t)i)
			n->parent = -1;
	}
	walk_ranges(t, 0);
	for (uint32_t i = 0; i < t->nnodes; i++) {
		t->nodes[i].r0 = (uint32_t)total;
		total += t->nodes[i].nr;
		t->nodes[i].nr = 0;
	}
	if (total && !(t->ranges = pgd_arena_calloc(m->a, total, sizeof(*t->ranges))))
		return -1;
	walk_ranges(t, 1);
	/* children lists, in node order (kids prepended backwards) */
	for (uint32_t i = t->nnodes; i-- > 0;) {
		struct node *n = &t->nodes[i];

		if (!n->used || !n->nr)
			continue;
		if (n->parent >= 0) {
			n->next_sib = t->nodes[n->parent].first_kid;
			t->nodes[n->parent].first_kid = i;
		}
	}
	return 0;
}

static int emit_inl(struct model *m, size_t cu, uint32_t sub, const struct pgd_pcln_func *f, struct tree *t,
		    uint32_t ni, int32_t parent, int depth);

static int emit_kids(struct model *m, size_t cu, uint32_t sub, const struct pgd_pcln_func *f, struct tree *t,
		     uint32_t first, int32_t parent, int depth)
{
	for (uint32_t k = first; k != UINT32_MAX; k = t->nodes[k].next_sib) {
		if (emit_inl(m, cu, sub, f, t, k, parent, depth + 1))
			return -1;
	}
	return 0;
}

/* An inline-tree node's function: interned, and its sub's die_off (abstract sub added if none). */
struct origin {
	const char *ptr;              /* the key: the name's address in funcnametab */
	const char *name;
	uint64_t die_off;
};

/*
 * By the name's address: nodes naming one function share its nameOff, so
 * the name is hashed once, not at every copy.
 */
static const struct origin *origin_of(struct model *m, const char *ptr)
{
	struct hashmap_entry *e = pgd_hashmap_find(&m->origins, &ptr, sizeof(ptr));
	struct origin *o;
	const char *name;
	uint64_t *word;

	if (e)
		return e->val.ptr;
	if (!(name = pgd_dwarf_name_word(m->d, ptr, strlen(ptr), &word)))
		return NULL;
	if (!*word) {
		/* no sub of that name yet: an abstract one (unit_for may intern: ask for the word again) */
		long oc = unit_for(m, name);

		if (oc < 0 || !pgd_dwarf_name_word(m->d, ptr, strlen(ptr), &word) ||
		    add_sub(m, (size_t)oc, name, m->origin_line, UINT32_MAX, word) < 0)
			return NULL;
	}
	if (!(o = pgd_arena_alloc(m->a, sizeof(*o))))
		return NULL;
	o->ptr = ptr;
	o->name = name;
	o->die_off = *word;
	if (!(e = pgd_hashmap_upsert(&m->origins, &o->ptr, sizeof(o->ptr), NULL)))
		return NULL;
	e->val.ptr = o;
	return o;
}

/* One inlined subroutine, then its nested ones (DIE order, dwarf.h). */
static int emit_inl(struct model *m, size_t cu, uint32_t sub, const struct pgd_pcln_func *f, struct tree *t,
		    uint32_t ni, int32_t parent, int depth)
{
	struct node *n = &t->nodes[ni];
	struct pgd_dw_cu *c;
	struct unit_aux *x;
	struct pgd_dw_inl *in;
	const struct origin *o;
	size_t j;

	if (depth > MAX_INL_DEPTH || !n->nr)
		return 0;
	m->origin_line = n->info.start_line;
	if (!(o = origin_of(m, n->info.name)))
		return -1;
	c = &m->d->cus[cu]; /* the units arrays may have moved */
	x = &m->aux[cu];
	j = c->ninls;
	{
		size_t cap = x->inls_cap;
		void *q;

		if (!(q = pgd_mem_grow(c->inls, j, &cap, sizeof(*c->inls))))
			return -1;
		c->inls = q;
		if (!(q = pgd_mem_grow(x->inl, j, &x->inls_cap, sizeof(*x->inl))))
			return -1;
		x->inl = q;
	}
	in = &c->inls[j];
	memset(in, 0, sizeof(*in));
	in->origin_off = o->die_off;
	in->origin = o->name;
	in->parent = parent;
	in->sub = sub;
	in->nranges = n->nr;
	in->ranges = t->ranges + n->r0;
	x->inl[j].pc = n->info.parent_pc >= 0 ? f->entry + (uint64_t)n->info.parent_pc : 0;
	x->inl[j].file = n->info.parent != -2 ? n->info.file : -1;
	x->inl[j].line = n->info.line;
	x->inl[j].cuoff = f->cu_offset;
	c->ninls++;
	if (emit_kids(m, cu, sub, f, t, n->first_kid, (int32_t)j, depth))
		return -1;
	c = &m->d->cus[cu];
	c->inls[j].end = (uint32_t)c->ninls;
	return 0;
}

static int add_inlines(struct model *m, size_t cu, uint32_t sub, const struct pgd_pcln_func *f)
{
	struct tree *t = &m->tree;
	int ret = 0;

	m->d->cus[cu].subs[sub].inl_begin = (uint32_t)m->d->cus[cu].ninls;
	if (f->pc_inl && f->inltree) {
		if (build_tree(m, f, t))
			ret = -1;
		for (uint32_t i = 0; !ret && t->nnodes && i < t->nnodes; i++) {
			if (t->nodes[i].used && t->nodes[i].parent < 0)
				ret = emit_inl(m, cu, sub, f, t, i, -1, 0);
		}
	}
	m->d->cus[cu].subs[sub].inl_end = (uint32_t)m->d->cus[cu].ninls;
	return ret;
}

/* ---- rows, on demand ------------------------------------------------------------ */

struct rowbuf {
	struct model *m;
	const uint8_t *last_key;      /* rows come in runs of one file: the last lookup */
	uint32_t last_idx;
};

/*
 * The model's file index of file fv of a function's CU. Keyed by the cutab
 * entry, whose bytes are the filetab offset (equal offsets, equal file):
 * interning the path itself for every row cost a quarter of `check`. One
 * index for every unit: a unit's files are a prefix of m->files_arr.
 */
static int file_index(struct rowbuf *rb, uint32_t cu_offset, int32_t fv, uint32_t *idx)
{
	struct model *m = rb->m;
	const struct pgd_pcln *p = m->p;
	uint64_t i = (uint64_t)cu_offset + (uint64_t)(uint32_t)fv;
	const uint8_t *key;
	const char *name, *s;
	struct hashmap_entry *e;
	int inserted;

	if (fv < 0 || (i + 1) * 4 > p->cutab.len)
		return 1;
	key = p->cutab.p + i * 4;
	if (key == rb->last_key) {
		*idx = rb->last_idx;
		return 0;
	}
	if (!(e = pgd_hashmap_upsert(&m->files, key, 4, &inserted)))
		return -1;
	if (inserted) {
		if (!(name = pgd_pcln_file(p, cu_offset, fv))) {
			e->val.u64 = 0;
			return 1;
		}
		if (!(s = pgd_dwarf_name(m->d, name, strlen(name))))
			return -1;
		m->files_arr = pgd_arena_grow_for_append(m->a, m->files_arr, m->nfiles, sizeof(*m->files_arr));
		if (!m->files_arr)
			return -1;
		m->files_arr[m->nfiles] = s;
		e->val.u64 = ++m->nfiles;
	}
	if (!e->val.u64)
		return 1; /* no file there */
	rb->last_key = key;
	rb->last_idx = *idx = (uint32_t)e->val.u64 - 1;
	return 0;
}

/* Appends to the function's rows (m->blk), which start empty: one function's rows stand alone. */
static int push_row(struct rowbuf *rb, uint64_t addr, uint32_t line, uint32_t file)
{
	struct model *m = rb->m;
	struct pgd_dw_row *r;

	if (m->nblk && m->blk[m->nblk - 1].line == line && m->blk[m->nblk - 1].file == file && file != PGD_DW_END)
		return 0;
	{
		void *q = pgd_mem_grow(m->blk, m->nblk, &m->blk_cap, sizeof(*m->blk));

		if (!q)
			return -1;
		m->blk = q;
	}
	r = &m->blk[m->nblk++];
	r->addr = addr;
	r->line = line;
	r->file = file;
	return 0;
}

/* A function's rows: pcfile and pcln walked side by side (runtime/symtab.go funcline1). */
static int func_rows(struct rowbuf *rb, const struct pgd_pcln_func *f)
{
	const struct pgd_pcln *p = rb->m->p;
	struct pgd_pcv fi, li;
	uint64_t flo = 0, fhi = 0, llo = 0, lhi = 0, pc = f->entry;
	int32_t fv = -1, lv = -1;
	int fok = 1, lok = 1;

	pgd_pcv_init(p, f->pcfile, f->entry, &fi);
	pgd_pcv_init(p, f->pcln, f->entry, &li);
	while (pc < f->end) {
		uint64_t lo, hi;
		uint32_t idx;
		int fr;

		while (fok && fhi <= pc)
			fok = pgd_pcv_next(&fi, &flo, &fhi, &fv) == 1;
		while (lok && lhi <= pc)
			lok = pgd_pcv_next(&li, &llo, &lhi, &lv) == 1;
		if (!fok || !lok)
			break;
		lo = flo > llo ? flo : llo;
		if (lo > pc) {
			/* a gap in one table: no position there */
			if (push_row(rb, pc, 0, PGD_DW_END))
				return -1;
			pc = lo;
			continue;
		}
		hi = fhi < lhi ? fhi : lhi;
		fr = lv > 0 ? file_index(rb, f->cu_offset, fv, &idx) : 1;
		if (fr < 0 || push_row(rb, pc, fr ? 0 : (uint32_t)lv, fr ? PGD_DW_END : idx))
			return -1;
		pc = hi;
	}
	return push_row(rb, pc < f->end ? pc : f->end, 0, PGD_DW_END);
}

/* Index of the last row at or before pc, SIZE_MAX when none is. */
static size_t row_at(const struct pgd_dw_cu *cu, uint64_t pc)
{
	size_t n = pgd_dwarf_rows_upto(cu, pc);

	return n ? n - 1 : SIZE_MAX;
}

/* Call sites of the inlined copies [from, to), all in one function whose rows are there. */
static int call_sites(struct rowbuf *rb, struct pgd_dw_cu *cu, struct unit_aux *x, size_t from, size_t to)
{
	for (size_t j = from; j < to && j < cu->ninls; j++) {
		struct pgd_dw_inl *in = &cu->inls[j];
		size_t k;
		uint32_t idx;

		if (x->inl[j].file >= 0) {
			/* Go 1.18-1.19: the node names the call site itself */
			int fr = file_index(rb, x->inl[j].cuoff, x->inl[j].file, &idx);

			if (fr < 0)
				return -1;
			if (!fr) {
				in->call_file = rb->m->files_arr[idx];
				in->call_line = x->inl[j].line;
			}
			continue;
		}
		k = row_at(cu, x->inl[j].pc);
		if (k != SIZE_MAX && cu->rows[k].file != PGD_DW_END) {
			in->call_file = cu->files[cu->rows[k].file];
			in->call_line = cu->rows[k].line;
		}
	}
	return 0;
}

/* A block for the rows [first, first + n) starting at lo, in address order among the unit's. */
static int add_block(struct pgd_dw_cu *cu, struct unit_aux *x, uint64_t lo, size_t first, size_t n)
{
	size_t at;
	void *q;

	if (!(q = pgd_mem_grow(cu->blks, cu->nblks, &x->blks_cap, sizeof(*cu->blks))))
		return -1;
	cu->blks = q;
	at = pgd_dwarf_blocks_upto(cu, lo);
	memmove(cu->blks + at + 1, cu->blks + at, (cu->nblks - at) * sizeof(*cu->blks));
	cu->blks[at].lo = lo;
	cu->blks[at].first = first;
	cu->blks[at].n = n;
	cu->nblks++;
	return 0;
}

/*
 * Function sub s's rows, appended to its unit's as one block (struct
 * pgd_dw_rowblk: the block ends with the function's end row, so a walk of
 * rows from a pc of the function stops there), then the call sites of
 * its inlined copies.
 */
static int load_func(struct model *m, struct pgd_dw_cu *cu, struct unit_aux *x, size_t s)
{
	struct rowbuf rb = { .m = m };
	struct pgd_pcln_func f;
	uint32_t fi = x->fidx[s];
	size_t need;

	m->fn_done[fi / 8] |= (uint8_t)(1u << (fi % 8));
	if (pgd_pcln_func(m->p, fi, &f))
		return 0;
	m->nblk = 0;
	if (func_rows(&rb, &f))
		return -1;
	need = cu->nrows + m->nblk;
	if (need < cu->nrows)
		return -1;
	if (need > x->rows_cap) {
		size_t cap = x->rows_cap * 2 > need ? x->rows_cap * 2 : need;

		void *q;

		cap = cap < 64 ? 64 : cap;
		if (cap > SIZE_MAX / sizeof(*cu->rows) || !(q = realloc(cu->rows, cap * sizeof(*cu->rows))))
			return -1;
		cu->rows = q;
		x->rows_cap = cap;
	}
	if (m->nblk && add_block(cu, x, m->blk[0].addr, cu->nrows, m->nblk))
		return -1;
	memcpy(cu->rows + cu->nrows, m->blk, m->nblk * sizeof(*cu->rows));
	cu->nrows = need;
	cu->files = m->files_arr;
	cu->nfiles = m->nfiles;
	if (call_sites(&rb, cu, x, cu->subs[s].inl_begin, cu->subs[s].inl_end))
		return -1;
	cu->files = m->files_arr; /* Go 1.18-1.19 call sites may add files */
	cu->nfiles = m->nfiles;
	return 0;
}

/* The rows of the unit's functions that overlap [lo, hi). */
static int unit_lines(void *ctx, struct pgd_dwarf *d, size_t idx, uint64_t lo, uint64_t hi, struct pgd_err *err)
{
	struct model *m = ctx;
	struct pgd_dw_cu *cu = &d->cus[idx];
	struct unit_aux *x = &m->aux[idx];
	size_t a = 0, b = x->nfunc_subs;

	/* first function ending after lo: functions come by address */
	while (a < b) {
		size_t mid = a + (b - a) / 2;

		if (cu->subs[mid].ranges[0].hi <= lo)
			a = mid + 1;
		else
			b = mid;
	}
	for (size_t s = a; s < x->nfunc_subs && cu->subs[s].ranges[0].lo < hi; s++) {
		uint32_t fi = x->fidx[s];

		if (m->fn_done[fi / 8] & (1u << (fi % 8)))
			continue;
		if (load_func(m, cu, x, s))
			return pgd_err_nomem(err, m->path);
		if (!x->any_rows) {
			x->any_rows = 1;
			d->line_tables_decoded++;
		}
	}
	if (lo == 0 && hi == UINT64_MAX)
		cu->lines_loaded = 1;
	return 0;
}

static void model_close(void *ctx)
{
	struct model *m = ctx;

	pgd_hashmap_free(&m->files);
	free(m->blk);
	m->blk = NULL;
	for (size_t c = 0; c < m->d->ncus; c++) {
		struct pgd_dw_cu *cu = &m->d->cus[c];

		free(cu->subs);
		free(cu->inls);
		free(cu->rows);
		free(cu->blks);
		free(m->aux[c].fidx);
		free(m->aux[c].inl);
		cu->subs = NULL;
		cu->inls = NULL;
		cu->rows = NULL;
		cu->blks = NULL;
		m->aux[c].fidx = NULL;
		m->aux[c].inl = NULL;
	}
}

/* ---- the model ---------------------------------------------------------------- */

static int unit_ranges(struct model *m, struct pgd_dw_cu *cu)
{
	for (size_t s = 0; s < cu->nsubs; s++) {
		const struct pgd_dw_sub *sub = &cu->subs[s];

		if (!sub->nranges)
			continue;
		if (cu->nranges && cu->ranges[cu->nranges - 1].hi == sub->ranges[0].lo) {
			cu->ranges[cu->nranges - 1].hi = sub->ranges[0].hi;
			continue;
		}
		cu->ranges = pgd_arena_grow_for_append(m->a, cu->ranges, cu->nranges, sizeof(*cu->ranges));
		if (!cu->ranges)
			return -1;
		cu->ranges[cu->nranges++] = sub->ranges[0];
	}
	return 0;
}

/*
 * A sub per function. Names are interned in place (funcnametab outlives
 * the model); functions of one package come together, so the last unit
 * is tried before the units' map.
 */
static int add_functions(struct model *m)
{
	struct pgd_pc_range *ranges = pgd_arena_calloc(m->a, (size_t)m->p->nfunc + 1, sizeof(*ranges));

	if (!ranges)
		return -1;
	for (uint32_t i = 0; i < m->p->nfunc; i++) {
		struct pgd_pcln_func f;
		struct pgd_dw_sub *s;
		const char *name;
		uint64_t *word;
		long cu, sub;

		if (i + PGD_HASHMAP_AHEAD < m->p->nfunc && !pgd_pcln_func(m->p, i + PGD_HASHMAP_AHEAD, &f))
			pgd_dwarf_name_prefetch(m->d, f.name, strlen(f.name));
		if (pgd_pcln_func(m->p, i, &f) || f.end <= f.entry)
			continue;
		/* the unit first: interning its name would move the function name's word */
		if ((cu = unit_for(m, f.name)) < 0 ||
		    !(name = pgd_dwarf_name_word(m->d, f.name, strlen(f.name), &word)) ||
		    (sub = add_sub(m, (size_t)cu, name, f.start_line, i, word)) < 0)
			return -1;
		s = &m->d->cus[cu].subs[sub];
		s->ranges = &ranges[i];
		s->ranges->lo = f.entry;
		s->ranges->hi = f.end;
		s->nranges = 1;
	}
	return 0;
}

/* The unit's arrays, done growing, shrunk to their size (half of them was room). */
static void fit_unit(struct pgd_dw_cu *cu, struct unit_aux *x)
{
	void *q;

	if (cu->nsubs && cu->nsubs < x->subs_cap) {
		if ((q = realloc(cu->subs, cu->nsubs * sizeof(*cu->subs))))
			cu->subs = q;
		if ((q = realloc(x->fidx, cu->nsubs * sizeof(*x->fidx))))
			x->fidx = q;
		x->subs_cap = cu->nsubs;
	}
	if (cu->ninls && cu->ninls < x->inls_cap) {
		if ((q = realloc(cu->inls, cu->ninls * sizeof(*cu->inls))))
			cu->inls = q;
		if ((q = realloc(x->inl, cu->ninls * sizeof(*x->inl))))
			x->inl = q;
		x->inls_cap = cu->ninls;
	}
}

int pgd_gomodel_build(const struct pgd_pcln *p, struct arena *a, const char *path, struct pgd_dwarf **out,
		      struct pgd_err *err)
{
	struct model *m = pgd_arena_calloc(a, 1, sizeof(*m));
	int ret;

	*out = NULL;
	if (!m)
		return pgd_err_nomem(err, path);
	m->p = p;
	m->a = a;
	m->path = path;
	m->last_unit = -1;
	if ((ret = pgd_dwarf_new_synthetic(a, path, &m->d, err)))
		return ret;
	m->d->lines_fn = unit_lines;
	m->d->close_fn = model_close;
	m->d->lines_ctx = m;
	/* every function's name is interned (its word the die_off): size the map once */
	ret = pgd_dwarf_reserve_names(m->d, p->nfunc) || add_functions(m) ? -1 : 0;
	for (size_t c = 0; !ret && c < m->d->ncus; c++)
		m->aux[c].nfunc_subs = m->d->cus[c].nsubs;
	/* units and their function subs are all there; abstract subs get appended as found */
	for (size_t c = 0; !ret && c < m->d->ncus; c++) {
		for (size_t s = 0; !ret && s < m->d->cus[c].nsubs; s++) {
			struct pgd_pcln_func f;

			if (m->aux[c].fidx[s] == UINT32_MAX || pgd_pcln_func(p, m->aux[c].fidx[s], &f))
				continue;
			ret = add_inlines(m, c, (uint32_t)s, &f);
		}
	}
	for (size_t c = 0; !ret && c < m->d->ncus; c++) {
		ret = unit_ranges(m, &m->d->cus[c]);
		m->d->subs_seen += m->d->cus[c].nsubs;
		if (!ret)
			fit_unit(&m->d->cus[c], &m->aux[c]);
	}
	m->d->cus_loaded = m->d->ncus;
	if (!ret && !(m->fn_done = pgd_arena_calloc(a, p->nfunc / 8 + 1, 1)))
		ret = -1;
	pgd_hashmap_free(&m->units);
	pgd_hashmap_free(&m->origins);
	free(m->tree.steps);
	free(m->tree.nodes);
	memset(&m->tree, 0, sizeof(m->tree));
	if (ret)
		ret = pgd_err_nomem(err, path);
	else
		ret = pgd_dwarf_index_units(m->d, err);
	if (ret) {
		pgd_dwarf_close(m->d);
		return ret;
	}
	*out = m->d;
	return 0;
}
