// SPDX-License-Identifier: MIT
/*
 * Inlining drift, the binary's side: the inline trees and direct calls of
 * the functions a check asks about (pgd_inl_want; every function's without
 * one), read from Go's runtime tables (every Go binary has them, stripped
 * or not) and the machine code.
 *
 * An inline-tree node (runtime/symtabinl.go inlinedCall) names the inlined
 * function and parentPc, an instruction of the enclosing code at the call;
 * the node's parent is the PCDATA_InlTreeIndex value at parentPc (-1: the
 * function's own body) and the call's source line is the pcln value there
 * (runtime/symtabinl.go inlineUnwinder.next, srcFunc). A copy's code is
 * every pc whose PCDATA_InlTreeIndex chain holds the node: the same ranges
 * cmd/internal/obj/dwarf.go turns into DW_TAG_inlined_subroutine. The
 * linker keeps only nodes that own code (cmd/internal/obj/pcln.go
 * pcinlineState.addBranch), so a copy optimised away is not seen; DWARF
 * has no more. Go >= 1.20 layout only: PGO needs Go 1.20 or later.
 */
#include <stdlib.h>
#include <string.h>

#include "binary.h"
#include "disasm.h"
#include "err.h"
#include "gopclntab.h"
#include "goname.h"
#include "inlining.h"

#define MAX_INL_NODES (1u << 16) /* per function, as gomodel.c */
#define MAX_INL_DEPTH 256

struct inl_aliases {
	struct hashmap map;           /* name (a copy in arena) -> its alias, NULL none */
	struct arena arena;
};

/*
 * An open-addressing map of 64-bit keys to want indexes. A key of 0 marks
 * an empty slot, so key 0 is held aside (zero): no name sits at address 0,
 * but a hostile table can put a function's entry there. The inline trees
 * name functions by funcnametab offset, one pointer per distinct name: a
 * node's name is hashed as a string once (name_want), not once per copy;
 * direct calls are matched by their target's entry.
 */
struct u64map {
	uint64_t *key;
	uint32_t *val;                /* index + 1 into want->v, 0: not wanted */
	size_t cap, n;
	uint32_t zero;                /* the value at key 0 */
};

struct raw_call {
	uint64_t pc, target;
	int direct;
};

/* Scratch reused from function to function. */
struct scan {
	const struct pgd_pcln *p;
	struct pgd_inl_index *x;
	struct pgd_pcv_table inl, ln;
	struct raw_call *rc;
	size_t nrc, caprc;
	int32_t *map;                 /* local node -> global index, -1 none */
	int32_t *parent;
	uint64_t *bytes;
	uint64_t *first_pc;
	uint32_t cap_nodes;
	uint32_t nn;                  /* nodes of the current function's tree */
	int oom;
	/* with a want (pgd_inl_index_build): */
	struct pgd_inl_want *want;
	struct u64map names;          /* funcnametab pointer -> want */
	struct u64map entries;        /* entry of a wanted callee's function -> want */
	size_t calls_open;            /* callees a direct call can still teach something */
	size_t cold_open;             /* callees no cold call has been seen to yet */
	int f_hot;                    /* the function being read has a hot key in the build's profile */
};

static size_t mix(uint64_t k, size_t cap)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdull;
	k ^= k >> 33;
	return (size_t)k & (cap - 1);
}

/* The slot of key in m (never full: at most half used). */
static size_t slot_of(const struct u64map *m, uint64_t key)
{
	size_t i = mix(key, m->cap);

	while (m->key[i] && m->key[i] != key)
		i = (i + 1) & (m->cap - 1);
	return i;
}

/* Room for one more key. 0, or -1 out of memory. */
static int u64map_room(struct u64map *m)
{
	struct u64map g = { 0 };

	if (2 * (m->n + 1) <= m->cap)
		return 0;
	g.cap = m->cap ? 2 * m->cap : 1024;
	g.key = calloc(g.cap, sizeof(*g.key));
	g.val = calloc(g.cap, sizeof(*g.val));
	if (!g.key || !g.val) {
		free(g.key);
		free(g.val);
		return -1;
	}
	for (size_t j = 0; j < m->cap; j++)
		if (m->key[j]) {
			size_t i = slot_of(&g, m->key[j]);

			g.key[i] = m->key[j];
			g.val[i] = m->val[j];
		}
	g.n = m->n;
	free(m->key);
	free(m->val);
	*m = g;
	return 0;
}

static int u64map_put(struct u64map *m, uint64_t key, uint32_t val)
{
	size_t i;

	if (!key) {
		m->zero = val;
		return 0;
	}
	if (u64map_room(m))
		return -1;
	i = slot_of(m, key);
	m->n += !m->key[i];
	m->key[i] = key;
	m->val[i] = val;
	return 0;
}

/* The value at key, 0 when absent. */
static uint32_t u64map_get(const struct u64map *m, uint64_t key)
{
	size_t i;

	if (!key)
		return m->zero;
	if (!m->cap)
		return 0;
	i = slot_of(m, key);
	return m->key[i] == key ? m->val[i] : 0;
}

static void u64map_free(struct u64map *m)
{
	free(m->key);
	free(m->val);
}

/* The want of a name from the binary (index + 1, 0 none), or -1 out of memory. */
static long name_want(struct scan *s, const char *name)
{
	uint64_t key = (uint64_t)(uintptr_t)name;
	const struct hashmap_entry *he;
	size_t i;

	if (!name)
		return 0;
	if (u64map_room(&s->names))
		return -1;
	i = slot_of(&s->names, key);
	if (!s->names.key[i]) {
		he = pgd_hashmap_find_str(&s->want->by_name, name);
		s->names.key[i] = key;
		s->names.val[i] = he ? (uint32_t)he->val.u64 : 0;
		s->names.n++;
	}
	return s->names.val[i];
}

/* Whether w can still learn something from the binary. */
static int want_live(const struct pgd_inl_want_name *w)
{
	return ((w->flags & PGD_INL_WANT_NAME) && !w->copy_seen) ||
	       ((w->flags & PGD_INL_WANT_CALLEE) && !(w->ev & PGD_INL_EV_COLD_COPY));
}

/*
 * What a direct call can still teach about w (inlining.c's answers read a
 * cold copy first, then a cold call, a hot copy, a hot call): nothing once
 * a cold copy is seen; else a first cold call; else, from a function with
 * a hot key, a first hot call.
 */
static int calls_open(const struct pgd_inl_want_name *w)
{
	unsigned both = PGD_INL_EV_COLD_CALL | PGD_INL_EV_HOT_CALL;

	return (w->flags & PGD_INL_WANT_CALLEE) && !(w->ev & PGD_INL_EV_COLD_COPY) && (w->ev & both) != both;
}

static int cold_open(const struct pgd_inl_want_name *w)
{
	return calls_open(w) && !(w->ev & PGD_INL_EV_COLD_CALL);
}

/* Whether a direct call to target, from the function being read, can teach something. */
static int call_teaches(const struct scan *s, uint64_t target)
{
	uint32_t k = u64map_get(&s->entries, target);
	const struct pgd_inl_want_name *w = k ? &s->want->v[k - 1] : NULL;

	return w && calls_open(w) && (cold_open(w) || (s->f_hot && !(w->ev & PGD_INL_EV_HOT_CALL)));
}

static int32_t value_at(const struct pgd_pcv_table *t, uint64_t pc)
{
	return pgd_pcv_steps_value(t->s, t->n, pc);
}

static void on_insn(void *ctx, const struct pgd_insn_info *in)
{
	struct scan *s = ctx;

	if (in->kind != PGD_INSN_CALL_DIRECT && in->kind != PGD_INSN_CALL_INDIRECT)
		return;
	{
		struct raw_call *rc = pgd_mem_grow(s->rc, s->nrc, &s->caprc, sizeof(*rc));

		if (!rc) {
			s->oom = 1;
			return;
		}
		s->rc = rc;
	}
	s->rc[s->nrc++] = (struct raw_call){ in->pc, in->target, in->kind == PGD_INSN_CALL_DIRECT };
}

static int grow_scratch(struct scan *s, uint32_t n)
{
	if (n <= s->cap_nodes)
		return 0;
	free(s->map);
	free(s->parent);
	free(s->bytes);
	free(s->first_pc);
	s->map = malloc(n * sizeof(*s->map));
	s->parent = malloc(n * sizeof(*s->parent));
	s->bytes = malloc(n * sizeof(*s->bytes));
	s->first_pc = malloc(n * sizeof(*s->first_pc));
	s->cap_nodes = s->map && s->parent && s->bytes && s->first_pc ? n : 0;
	return s->cap_nodes ? 0 : -1;
}

/* How many nodes f's tree has (s->inl read): one past the largest PCDATA_InlTreeIndex value. */
static uint32_t tree_size(const struct scan *s)
{
	uint32_t nn = 0;

	for (size_t k = 0; k < s->inl.n; k++)
		if (s->inl.s[k].v >= 0 && (uint32_t)s->inl.s[k].v + 1 > nn)
			nn = (uint32_t)s->inl.s[k].v + 1;
	if (nn > MAX_INL_NODES)
		nn = MAX_INL_NODES;
	return nn;
}

/* The nodes of f that own code, with their parents, lines and bytes. */
static int scan_tree(struct scan *s, const struct pgd_pcln_func *f, uint32_t fi)
{
	struct pgd_inl_index *x = s->x;
	uint32_t nn = tree_size(s);

	if (!nn)
		return 0;
	if (grow_scratch(s, nn))
		return -1;
	s->nn = nn;
	for (uint32_t k = 0; k < nn; k++) {
		struct pgd_pcln_inl in;

		s->map[k] = -1;
		s->parent[k] = -1;
		s->bytes[k] = 0;
		s->first_pc[k] = 0;
		if (pgd_pcln_inl(s->p, f, k, &in) || in.parent_pc < 0)
			continue;
		s->parent[k] = value_at(&s->inl, f->entry + (uint64_t)in.parent_pc);
		if (s->parent[k] >= (int32_t)nn || s->parent[k] == (int32_t)k)
			s->parent[k] = -1;
	}
	for (size_t k = s->inl.n; k-- > 0;) {   /* backwards: first_pc ends at the first own pc */
		int32_t v = s->inl.s[k].v;

		if (v >= 0 && (uint32_t)v < nn)
			s->first_pc[v] = s->inl.s[k].lo;
		for (int depth = 0; v >= 0 && (uint32_t)v < nn && depth < MAX_INL_DEPTH; depth++) {
			s->bytes[v] += s->inl.s[k].hi - s->inl.s[k].lo;
			v = s->parent[v];
		}
	}
	for (uint32_t k = 0; k < nn; k++) {
		struct pgd_pcln_inl in;
		struct pgd_inl_node *n;

		if (!s->bytes[k] || pgd_pcln_inl(s->p, f, k, &in))
			continue;
		if (!(n = pgd_mem_grow(x->nodes, x->nnodes, &x->nodes_cap, sizeof(*x->nodes))))
			return -1;
		x->nodes = n;
		s->map[k] = (int32_t)x->nnodes;
		n = &x->nodes[x->nnodes++];
		n->callee = in.name;
		n->func = fi;
		n->line = value_at(&s->ln, f->entry + (uint64_t)in.parent_pc);
		n->parent = s->parent[k];     /* local for now */
		n->bytes = s->bytes[k];
		n->pc = s->first_pc[k];
		n->start_line = in.start_line;
		x->funcs[fi].nnodes++;
		if (s->parent[k] < 0 && x->funcs[fi].own_bytes >= n->bytes)
			x->funcs[fi].own_bytes -= n->bytes;
	}
	/* parents to global indexes (a parent owns code whenever a child does) */
	for (uint32_t i = x->funcs[fi].first_node; i < x->nnodes; i++) {
		int32_t pl = x->nodes[i].parent;

		x->nodes[i].parent = pl >= 0 ? s->map[pl] : -1;
	}
	return 0;
}

static uint32_t rd32le(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void add_direct(struct scan *s, uint64_t pc, uint64_t target)
{
	struct pgd_insn_info in = { .pc = pc, .kind = PGD_INSN_CALL_DIRECT, .target = target };

	on_insn(s, &in);
}

/*
 * Direct calls over the whole text by their encoding alone, without a
 * decoder (decoding every instruction of a 24 MB cmd/compile took 2.4 s
 * of a 3.5 s check): arm64 BL is one aligned word; amd64 CALL rel32 is
 * E8 and an offset, kept only when it lands exactly on a function's entry
 * (an E8 inside another instruction almost never does). Only the evidence
 * of needed_hot_budget reads these; what one function does at one line is
 * decoded exactly (pgd_inl_index_at_line).
 */
static void fast_calls(struct scan *s, const uint8_t *code, uint64_t len, uint64_t addr, int arm64)
{
	struct pgd_pcln_func tf;
	long t;

	if (arm64) {
		for (uint64_t o = 0; o + 4 <= len; o += 4) {
			uint32_t w = rd32le(code + o);

			if ((w & 0xFC000000u) == 0x94000000u) {   /* BL imm26 */
				uint64_t target = addr + o + (uint64_t)((int64_t)((int32_t)(w << 6) >> 6) * 4);

				if (!s->want || call_teaches(s, target))
					add_direct(s, addr + o, target);
			}
		}
		return;
	}
	for (uint64_t o = 0; o + 5 <= len; o++) {
		const uint8_t *e8 = memchr(code + o, 0xE8, len - 4 - o);
		uint64_t target;

		if (!e8)
			break;
		o = (uint64_t)(e8 - code);
		target = addr + o + 5 + (uint64_t)(int64_t)(int32_t)rd32le(code + o + 1);
		if (s->want ? call_teaches(s, target) :
		    (t = pgd_pcln_find(s->p, target)) >= 0 && !pgd_pcln_func(s->p, (uint32_t)t, &tf) && tf.entry == target)
			add_direct(s, addr + o, target);
	}
}

/* The direct calls of f into s->rc (with a want, only to callees still looked for). */
static int find_calls(struct scan *s, struct pgd_binary *b, const struct pgd_pcln_func *f)
{
	const uint8_t *code = f->end > f->entry ? pgd_binary_code(b, f->entry, f->end - f->entry) : NULL;

	s->nrc = 0;
	if (!code || (s->want && !s->cold_open && !(s->f_hot && s->calls_open)))
		return 0;
	fast_calls(s, code, f->end - f->entry, f->entry, b->arch && !strcmp(b->arch, "arm64"));
	return s->oom ? -1 : 0;
}

static int record_calls(struct scan *s, uint32_t fi)
{
	struct pgd_inl_index *x = s->x;

	for (size_t k = 0; k < s->nrc; k++) {
		struct pgd_inl_call *c;
		int32_t v = value_at(&s->inl, s->rc[k].pc);
		long t;

		if (!(c = pgd_mem_grow(x->calls, x->ncalls, &x->calls_cap, sizeof(*x->calls))))
			return -1;
		x->calls = c;
		c = &x->calls[x->ncalls++];
		c->func = fi;
		c->line = value_at(&s->ln, s->rc[k].pc);
		c->node = v >= 0 && (uint32_t)v < s->nn ? s->map[v] : -1;
		c->target = NULL;
		if (s->rc[k].direct && (t = pgd_pcln_find(s->p, s->rc[k].target)) >= 0) {
			struct pgd_pcln_func tf;

			if (!pgd_pcln_func(s->p, (uint32_t)t, &tf) && tf.entry == s->rc[k].target)
				c->target = tf.name;
		}
		x->funcs[fi].ncalls++;
	}
	return 0;
}

static void func_basics(struct scan *s, const struct pgd_pcln_func *f, struct pgd_inl_func *out)
{
	out->name = f->name;
	out->start_line = f->start_line;
	out->entry = f->entry;
	out->end = f->end;
	out->own_bytes = f->end - f->entry;
	out->pcfile = f->pcfile;
	out->cu_offset = f->cu_offset;
	if (f->pcfile)
		out->file = pgd_pcln_file(s->p, f->cu_offset, pgd_pcv_value(s->p, f->pcfile, f->entry, f->entry));
}

/* Whether a node of f's tree (s->inl read) inlines a name still looked for: 1, 0, -1 out of memory. */
static int tree_wanted(struct scan *s, const struct pgd_pcln_func *f)
{
	uint32_t nn = tree_size(s);

	for (uint32_t k = 0; k < nn; k++) {
		struct pgd_pcln_inl in;
		long w;

		if (pgd_pcln_inl(s->p, f, k, &in))
			continue;
		if ((w = name_want(s, in.name)) < 0)
			return -1;
		if (w > 0 && want_live(&s->want->v[w - 1]))
			return 1;
	}
	return 0;
}

/* f's nodes into the index (s->inl and s->ln read), with its calls in s->rc. */
static int load_tree(struct scan *s, const struct pgd_pcln_func *f, uint32_t fi)
{
	struct pgd_inl_func *out = &s->x->funcs[fi];

	out->first_node = (uint32_t)s->x->nnodes;
	out->nnodes = 0;
	out->own_bytes = f->end - f->entry;
	out->loaded = 1;
	s->nn = 0;
	return f->inltree ? scan_tree(s, f, fi) : 0;
}

static void learn(struct scan *s, struct pgd_inl_want_name *w, unsigned ev)
{
	int calls = calls_open(w), cold = cold_open(w);

	w->ev |= ev;
	s->calls_open -= calls && !calls_open(w);
	s->cold_open -= cold && !cold_open(w);
}

/*
 * What function fi's copies and calls (just read) teach the want: the
 * evidence inlining.c's pgd_inl_evidence_build reads off a whole index,
 * here learnt as found (the same flags: copies and calls at keys hot or
 * not in the build's profile, calls only from callers not too big).
 */
static int learn_func(struct scan *s, uint32_t fi)
{
	struct pgd_inl_index *x = s->x;
	const struct pgd_inl_func *f = &x->funcs[fi];
	const struct pgd_inl_profile *bf = s->want->built_from;

	for (uint32_t i = f->first_node; i < f->first_node + f->nnodes; i++) {
		long k = name_want(s, x->nodes[i].callee);
		struct pgd_inl_want_name *w;

		if (k < 0)
			return -1;
		if (!k)
			continue;
		w = &s->want->v[k - 1];
		w->copy_seen = 1;
		if ((w->flags & PGD_INL_WANT_CALLEE) && bf)
			learn(s, w, pgd_inl_profile_key_hot(bf, f, x->nodes[i].line) ? PGD_INL_EV_HOT_COPY :
				    PGD_INL_EV_COLD_COPY);
	}
	for (uint32_t i = f->first_call; bf && i < f->first_call + f->ncalls; i++) {
		const struct pgd_inl_call *c = &x->calls[i];
		uint32_t k = c->target ? u64map_get(&s->entries, s->rc[i - f->first_call].target) : 0;

		if (!k || f->own_bytes > PGD_INL_BIG_FUNC_BYTES)
			continue;
		learn(s, &s->want->v[k - 1], pgd_inl_profile_key_hot(bf, f, c->line) ? PGD_INL_EV_HOT_CALL :
			     PGD_INL_EV_COLD_CALL);
	}
	return 0;
}

/*
 * One function: its basics always. Without a want, its tree and calls;
 * with one, its tree when a node inlines a name still looked for or when
 * it calls a callee still looked for (the call's line and the caller's
 * own size need it), and what they teach.
 */
static int scan_func(struct scan *s, struct pgd_binary *b, uint32_t i)
{
	struct pgd_inl_index *x = s->x;
	struct pgd_pcln_func f;
	struct pgd_inl_func *out = &x->funcs[i];
	int want = 1;

	memset(out, 0, sizeof(*out));
	out->first_node = (uint32_t)x->nnodes;
	out->first_call = (uint32_t)x->ncalls;
	if (pgd_pcln_func(s->p, i, &f) || f.end <= f.entry)
		return 0;
	func_basics(s, &f, out);
	s->inl.n = s->ln.n = 0;
	s->nn = 0;
	if (f.pc_inl && pgd_pcv_table_read(s->p, f.pc_inl, f.entry, &s->inl))
		return -1;
	if (s->want) {
		want = f.inltree ? tree_wanted(s, &f) : 0;
		/* only read while a direct call can still teach something (call_teaches) */
		s->f_hot = s->calls_open && s->want->built_from &&
			   pgd_inl_profile_caller_hot(s->want->built_from, f.name);
	}
	if (want < 0 || find_calls(s, b, &f))
		return -1;
	if (!want && !s->nrc)
		return 0;
	if ((f.pcln && pgd_pcv_table_read(s->p, f.pcln, f.entry, &s->ln)) || load_tree(s, &f, i) ||
	    record_calls(s, i))
		return -1;
	return s->want ? learn_func(s, i) : 0;
}

/*
 * A generic instantiation as runtime/pprof spells it, "()" dropped
 * (pgd_goname_same_but_parens), as a hash key: writes the name without any
 * "()" into buf; 0 when it does not fit or is no generic.
 */
static size_t generic_key(const char *name, char *buf, size_t size)
{
	size_t o = 0;

	if (!strchr(name, '['))
		return 0;
	for (const char *q = name; *q; q++) {
		if (q[0] == '(' && q[1] == ')') {
			q++;
			continue;
		}
		if (o + 1 >= size)
			return 0;
		buf[o++] = *q;
	}
	buf[o] = '\0';
	return o;
}

static int name_eq(const char *a, const char *b)
{
	return !strcmp(a, b) || (strchr(a, '[') && strchr(b, '[') && pgd_goname_same_but_parens(a, b));
}

static int is_wrapper(const struct pgd_inl_func *f)
{
	return f->file && !strcmp(f->file, "<autogenerated>");
}

/* A generic function also under its key without "()" (generic_key). */
static int index_generic(struct pgd_inl_index *x, size_t i)
{
	char key[1024];
	size_t n = generic_key(x->funcs[i].name, key, sizeof(key));
	struct hashmap_entry *he;
	char *k;
	int ins;

	if (!n || !strcmp(key, x->funcs[i].name))
		return 0;
	if (!(k = pgd_arena_strndup(&x->arena, key, n)) || !(he = pgd_hashmap_upsert_str(&x->by_name, k, &ins)))
		return -1;
	if (ins)
		he->val.u64 = i + 1;
	return 0;
}

static int index_names(struct pgd_inl_index *x)
{
	/* sized once: growing by doubling cleared and refilled a table of every function each time */
	if (pgd_hashmap_reserve(&x->by_name, x->nfuncs) || pgd_hashmap_reserve(&x->copy_by_name, x->nnodes))
		return -1;
	for (size_t i = 0; i < x->nfuncs; i++) {
		struct hashmap_entry *he;
		int ins;

		if (i + PGD_HASHMAP_AHEAD < x->nfuncs && x->funcs[i + PGD_HASHMAP_AHEAD].name)
			pgd_hashmap_prefetch(&x->by_name, x->funcs[i + PGD_HASHMAP_AHEAD].name,
					     strlen(x->funcs[i + PGD_HASHMAP_AHEAD].name));
		if (!x->funcs[i].name)
			continue;
		if (!(he = pgd_hashmap_upsert_str(&x->by_name, x->funcs[i].name, &ins)))
			return -1;
		/* ABI wrappers share the name: the body the compiler wrote wins */
		if (ins || is_wrapper(&x->funcs[he->val.u64 - 1]))
			he->val.u64 = i + 1;
		if (index_generic(x, i))
			return -1;
	}
	for (size_t i = 0; i < x->nnodes; i++) {
		struct hashmap_entry *he;
		int ins;

		if (!(he = pgd_hashmap_upsert_str(&x->copy_by_name, x->nodes[i].callee, &ins)))
			return -1;
		if (ins)
			he->val.u64 = i + 1;
	}
	return 0;
}

/* The scratch a walk leaves behind (the index keeps none of it). */
static void scan_release(struct scan *s)
{
	pgd_pcv_table_release(&s->inl);
	pgd_pcv_table_release(&s->ln);
	free(s->rc);
	free(s->map);
	free(s->parent);
	free(s->bytes);
	free(s->first_pc);
	u64map_free(&s->names);
	u64map_free(&s->entries);
}

/*
 * The entries of every function a wanted callee names exactly (its direct
 * calls are evidence), each only when it is the function record_calls
 * finds at that entry (pgd_pcln_find: of functions sharing an entry, the
 * last), so a call counts for the name it counts for in a whole index.
 */
static int want_entries(struct scan *s)
{
	for (uint32_t i = 0; i < s->p->nfunc; i++) {
		struct pgd_pcln_func f;
		const struct hashmap_entry *he;

		if (pgd_pcln_func(s->p, i, &f) || !f.name)
			continue;
		he = pgd_hashmap_find_str(&s->want->by_name, f.name);
		if (!he || !(s->want->v[he->val.u64 - 1].flags & PGD_INL_WANT_CALLEE) || pgd_pcln_find(s->p, f.entry) != i)
			continue;
		if (u64map_put(&s->entries, f.entry, (uint32_t)he->val.u64))
			return -1;
	}
	for (size_t k = 0; k < s->want->n; k++) {
		s->calls_open += calls_open(&s->want->v[k]);
		s->cold_open += cold_open(&s->want->v[k]);
	}
	return 0;
}

void pgd_inl_want_init(struct pgd_inl_want *w, struct arena *a, const struct pgd_inl_profile *built_from)
{
	memset(w, 0, sizeof(*w));
	w->a = a;
	w->built_from = built_from;
}

static int want_one(struct pgd_inl_want *w, const char *name, size_t len, unsigned flags)
{
	struct hashmap_entry *he;
	struct pgd_inl_want_name *v;
	const char *k;
	int ins;

	if ((he = pgd_hashmap_find(&w->by_name, name, len))) {
		w->v[he->val.u64 - 1].flags |= flags;
		return 0;
	}
	if (!(k = pgd_arena_strndup(w->a, name, len)) || !(he = pgd_hashmap_upsert_str(&w->by_name, k, &ins)))
		return -1;
	if (ins) {
		if (!(v = pgd_arena_grow_for_append(w->a, w->v, w->n, sizeof(*v))))
			return -1;
		w->v = v;
		memset(&w->v[w->n], 0, sizeof(*v));
		w->v[w->n].name = k;
		he->val.u64 = ++w->n;
	}
	w->v[he->val.u64 - 1].flags |= flags;
	return 0;
}

int pgd_inl_want_add(struct pgd_inl_want *w, const char *name, unsigned flags)
{
	char key[1024];
	size_t n = generic_key(name, key, sizeof(key));

	if (want_one(w, name, strlen(name), flags))
		return -1;
	return n && strcmp(key, name) ? want_one(w, key, n, flags) : 0;
}

void pgd_inl_want_release(struct pgd_inl_want *w)
{
	pgd_hashmap_free(&w->by_name);   /* the names and the array are in w->a */
}

int pgd_inl_index_build(struct pgd_binary *b, struct pgd_inl_want *want, struct pgd_inl_index **out,
			struct pgd_err *err)
{
	const struct pgd_pcln *p = pgd_binary_pcln(b);
	struct pgd_inl_index *x;
	struct scan s;
	int ret = 0;

	*out = NULL;
	if (!p)
		return pgd_err_set(err, PGD_EINPUT, pgd_binary__path(b),
				   "no Go 1.20+ runtime function table with inline trees");
	if (!(x = calloc(1, sizeof(*x))))
		return pgd_err_nomem(err, NULL);
	memset(&s, 0, sizeof(s));
	s.p = p;
	s.x = x;
	x->p = p;
	x->b = b;
	pgd_arena_init(&x->arena, 0);
	s.want = want;
	x->want = want;
	x->nfuncs = p->nfunc;
	if (!(x->dis = pgd_binary_disasm_new(b)) || !(x->aliases = calloc(1, sizeof(*x->aliases))))
		goto nomem;
	/* every function: on huge pages (arena.h), a first-touch fault per 4 KiB was a tenth of a big check */
	if (!(x->funcs = pgd_mem_zalloc(x->nfuncs ? x->nfuncs : 1, sizeof(*x->funcs))))
		goto nomem;
	if (want && want_entries(&s))
		goto nomem;
	for (uint32_t i = 0; i < p->nfunc; i++)
		if (scan_func(&s, b, i))
			goto nomem;
	if (index_names(x))
		goto nomem;
	*out = x;
	x = NULL;
	goto out;
nomem:
	ret = pgd_err_nomem(err, NULL);
out:
	scan_release(&s);
	pgd_inl_index_free(x);
	return ret;
}

int pgd_inl_index_load(struct pgd_inl_index *x, struct pgd_inl_func *f)
{
	struct pgd_pcln_func pf;
	struct scan s;
	int ret = 0;

	if (f->loaded || !f->name || pgd_pcln_func(x->p, (uint32_t)(f - x->funcs), &pf))
		return 0;
	memset(&s, 0, sizeof(s));
	s.p = x->p;
	s.x = x;
	if ((pf.pc_inl && pgd_pcv_table_read(s.p, pf.pc_inl, pf.entry, &s.inl)) ||
	    (pf.pcln && pgd_pcv_table_read(s.p, pf.pcln, pf.entry, &s.ln)) ||
	    load_tree(&s, &pf, (uint32_t)(f - x->funcs)))
		ret = -1;
	scan_release(&s);
	return ret;
}

void pgd_inl_index_free(struct pgd_inl_index *x)
{
	if (!x)
		return;
	pgd_mem_zfree(x->funcs);
	free(x->nodes);
	free(x->calls);
	pgd_hashmap_free(&x->by_name);
	pgd_hashmap_free(&x->copy_by_name);
	if (x->aliases) {
		pgd_hashmap_free(&x->aliases->map);
		pgd_arena_release(&x->aliases->arena);
		free(x->aliases);
	}
	pgd_disasm_close(x->dis);
	pgd_arena_release(&x->arena);
	free(x);
}

/*
 * The binary's closure alias of name, scanned for once per name (the scan
 * reads every symbol) and kept here, not in the binary, which another
 * thread is reading meanwhile (binary.h).
 */
static const void *closure_alias_scan(void *b, const char *name)
{
	return pgd_binary_closure_alias_scan(b, name);
}

static const char *closure_alias(const struct pgd_inl_index *x, struct pgd_binary *b, const char *name)
{
	return pgd_hashmap_memo(&x->aliases->map, &x->aliases->arena, name, closure_alias_scan, b);
}

const struct pgd_inl_func *pgd_inl_index_func(const struct pgd_inl_index *x, struct pgd_binary *b,
					      const char *name)
{
	const struct hashmap_entry *he = pgd_hashmap_find_str(&x->by_name, name);
	const char *alias;
	char key[1024];

	if (!he && generic_key(name, key, sizeof(key)))
		he = pgd_hashmap_find_str(&x->by_name, key);
	if (!he && b && pgd_goname_is_closure(name) && (alias = closure_alias(x, b, name)))
		he = pgd_hashmap_find_str(&x->by_name, alias);
	return he ? &x->funcs[he->val.u64 - 1] : NULL;
}

int pgd_inl_index_decl(const struct pgd_inl_index *x, const char *name, const char **file, int32_t *start_line)
{
	const struct hashmap_entry *he = pgd_hashmap_find_str(&x->copy_by_name, name);
	const struct pgd_inl_node *n;
	const struct pgd_inl_func *f;
	char key[1024];

	if (!he && generic_key(name, key, sizeof(key)))
		he = pgd_hashmap_find_str(&x->copy_by_name, key);
	if (!he)
		return -1;
	n = &x->nodes[he->val.u64 - 1];
	f = &x->funcs[n->func];
	*start_line = n->start_line;
	*file = f->pcfile ? pgd_pcln_file(x->p, f->cu_offset, pgd_pcv_value(x->p, f->pcfile, f->entry, n->pc)) : NULL;
	return *start_line > 0 ? 0 : -1;
}

struct line_scan {
	struct pgd_pcv_table inl, ln;
	const struct pgd_pcln *p;
	int64_t line;
	const char *callee;
	int called;
};

static void on_line_insn(void *ctx, const struct pgd_insn_info *in)
{
	struct line_scan *ls = ctx;
	const char *target = NULL;
	struct pgd_pcln_func tf;
	long t;

	if (ls->called || (in->kind != PGD_INSN_CALL_DIRECT && in->kind != PGD_INSN_CALL_INDIRECT) ||
	    value_at(&ls->inl, in->pc) >= 0 || value_at(&ls->ln, in->pc) != ls->line)
		return;
	if (in->kind == PGD_INSN_CALL_DIRECT && (t = pgd_pcln_find(ls->p, in->target)) >= 0 &&
	    !pgd_pcln_func(ls->p, (uint32_t)t, &tf) && tf.entry == in->target)
		target = tf.name;
	/* an indirect call is the site's call when the callee is reached dynamically */
	ls->called = in->kind == PGD_INSN_CALL_INDIRECT || (target && name_eq(target, ls->callee));
}

/*
 * Decodes only the pc ranges whose line is ls->line, calls only
 * (pgd_disasm_calls): line-table rows start and end at instruction
 * boundaries, and a call's kind and target do not depend on what came
 * before. Decoding the whole function per missed-hot site was half of
 * check's time on cmd/compile.
 */
static void scan_line_rows(struct pgd_disasm *d, const uint8_t *code, const struct pgd_inl_func *f,
			   struct line_scan *ls)
{
	for (size_t k = 0; k < ls->ln.n && !ls->called; k++) {
		const struct pgd_pcv_step *st = &ls->ln.s[k];

		if (st->v != ls->line || st->lo < f->entry || st->hi > f->end || st->hi <= st->lo)
			continue;
		pgd_disasm_calls(d, code + (st->lo - f->entry), st->hi - st->lo, st->lo, on_line_insn, ls);
	}
}

/* Whether f's own body calls callee (or calls indirectly) at line: its code decoded exactly. */
static int called_at(const struct pgd_inl_index *x, const struct pgd_inl_func *f, int64_t line, const char *callee)
{
	struct line_scan ls = { .p = x->p, .line = line, .callee = callee };
	struct pgd_disasm *d = x->dis;
	const uint8_t *code = f->end > f->entry ? pgd_binary_code(x->b, f->entry, f->end - f->entry) : NULL;
	struct pgd_pcln_func pf;

	if (!d || !code || pgd_pcln_func(x->p, (uint32_t)(f - x->funcs), &pf))
		return 0;
	if ((!pf.pc_inl || !pgd_pcv_table_read(x->p, pf.pc_inl, pf.entry, &ls.inl)) &&
	    (pf.pcln && !pgd_pcv_table_read(x->p, pf.pcln, pf.entry, &ls.ln)))
		scan_line_rows(d, code, f, &ls);
	pgd_pcv_table_release(&ls.inl);
	pgd_pcv_table_release(&ls.ln);
	return ls.called;
}

void pgd_inl_index_at_line(const struct pgd_inl_index *x, const struct pgd_inl_func *f, int64_t line,
			   const char *callee, struct pgd_inl_at_line *out)
{
	int called;

	memset(out, 0, sizeof(*out));
	out->inlined = -1;
	if (!f)
		return;
	for (uint32_t i = f->first_node; i < f->first_node + f->nnodes; i++) {
		const struct pgd_inl_node *n = &x->nodes[i];

		if (n->parent < 0 && n->line == line && name_eq(n->callee, callee)) {
			out->ncopies++;
			out->bytes += n->bytes;
		}
	}
	called = !out->ncopies && called_at(x, f, line, callee);
	out->inlined = out->ncopies ? 1 : called ? 0 : -1;
}

int pgd_inl_index_site(struct pgd_inl_index *x, struct pgd_binary *b, const char *caller, int64_t offset,
		       const char *callee, const struct pgd_inl_func **fp, int64_t *line, struct pgd_inl_at_line *at)
{
	const struct pgd_inl_func *f = x ? pgd_inl_index_func(x, b, caller) : NULL;

	memset(at, 0, sizeof(*at));
	at->inlined = -1;
	*line = 0;
	*fp = f;
	if (!f || f->start_line <= 0)
		return 0;
	if (pgd_inl_index_load(x, &x->funcs[f - x->funcs]))
		return -1;
	*line = f->start_line + offset;
	pgd_inl_index_at_line(x, f, *line, callee, at);
	return 0;
}
