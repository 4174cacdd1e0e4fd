// SPDX-License-Identifier: MIT
/*
 * Stage 4: call sites. The profile says "caller F, line offset k, callee G";
 * only the binary says whether F's line still holds a call, which kind, and
 * whether the compiler put a devirtualization guard there.
 */
#include "sites.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "goname.h"
#include "hashmap.h"

struct flat_edge {
	const char *caller;
	int64_t offset;
	const char *callee;
	int64_t weight[PGD_SITE_MAX_SETS];
};

const char *pgd_site_kind_name(enum pgd_site_kind k)
{
	switch (k) {
	case PGD_SITE_INTERFACE: return "interface";
	case PGD_SITE_FUNC_VALUE: return "func-value";
	case PGD_SITE_DIRECT: return "direct";
	case PGD_SITE_NONE: return "none";
	case PGD_SITE_MISSING_FUNCTION: return "missing-function";
	case PGD_SITE_ASSEMBLY: return "assembly";
	}
	return "none";
}

int pgd_site_ignored_callee(const char *name)
{
	/*
	 * Signal-based preemption lands at the call instruction, so the
	 * profile shows runtime.asyncPreempt as a callee of the site. It is
	 * not a method, and cmd/compile's filter drops it (pgo.go: "callee
	 * not a method").
	 */
	return !strcmp(name, "runtime.asyncPreempt") || !strcmp(name, "runtime.morestack");
}

static int cmp_flat(const void *a, const void *b)
{
	const struct flat_edge *x = a, *y = b;

	return pgd_key_cmp(x->caller, x->offset, x->callee, y->caller, y->offset, y->callee);
}

/* The method name of a callee when it is method-shaped, else NULL. */
static const char *callee_method(const char *name, struct pgd_goname *g)
{
	pgd_goname_parse(name, g);
	if (!g->method)
		return NULL;
	if (!isalpha((unsigned char)g->method[0]) && g->method[0] != '_')
		return NULL;
	return g->method;
}

/* Receiver type as itab symbols spell it; NULL for plain functions. */
static const char *callee_recv_type(struct arena *a, const char *name, const struct pgd_goname *g)
{
	char buf[1024];

	if (pgd_goname_recv_type(name, g, g->is_ptr_method, buf, sizeof(buf)))
		return NULL;
	return pgd_arena_strdup(a, buf);
}

static int same_or_null(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return !strcmp(a, b);
}

static int is_direct_here(const struct pgd_line_code *code, const char *callee)
{
	for (size_t i = 0; i < code->ncalls; i++)
		if (code->calls[i].kind == PGD_CALL_DIRECT && code->calls[i].target_name &&
		    !strcmp(code->calls[i].target_name, callee))
			return 1;
	for (size_t i = 0; i < code->ninlined; i++)
		if (!strcmp(code->inlined[i], callee))
			return 1;
	return 0;
}

static const struct pgd_guard *guard_for(const struct pgd_line_code *code, const char *concrete)
{
	if (!concrete)
		return NULL;
	for (size_t i = 0; i < code->nguards; i++)
		if (code->guards[i].concrete && !strcmp(code->guards[i].concrete, concrete))
			return &code->guards[i];
	return NULL;
}

/*
 * The itab slot the line's interface calls load from (pgd_call_insn
 * itab_offset), when they all load the same one; -1 otherwise.
 */
static int64_t line_itab_offset(const struct pgd_line_code *code)
{
	int64_t off = -1;

	for (size_t i = 0; i < code->ncalls; i++) {
		int64_t o = code->calls[i].kind == PGD_CALL_INDIRECT ? code->calls[i].itab_offset : -1;

		if (o < 0)
			continue;
		if (off >= 0 && o != off)
			return -1;
		off = o;
	}
	return off;
}

/*
 * Drops the candidate interfaces whose itab for a receiver type holds
 * another method in the slot the call loads: *fmt.pp has a static itab
 * for fmt.State only, yet fmt.Fprint's w.Write calls it as an io.Writer
 * (an itab the runtime makes), through slot 0, where fmt.State has Flag.
 */
static void iface_by_slot(const struct pgd_binary *b, const struct pgd_site *s, int64_t off,
			  const char **cand, size_t *ncand)
{
	for (size_t k = 0; off >= 0 && k < *ncand;) {
		int keep = 1;

		for (size_t i = 0; i < s->ncallees && keep; i++)
			keep = !s->callees[i].recv_type ||
			       pgd_binary_itab_slot_holds(b, s->callees[i].recv_type, cand[k], off,
							   s->callees[i].name) != 0;
		if (keep)
			k++;
		else
			cand[k] = cand[--*ncand];
	}
}

/*
 * The interface a site calls through: the guard names it exactly; failing
 * that, the one interface every observed receiver type has an itab for
 * with the called method in the slot the call loads.
 */
static const char *site_iface(const struct pgd_binary *b, const struct pgd_site *s,
			      const struct pgd_line_code *code)
{
	const char *cand[64];
	size_t ncand = 0;
	int first = 1;

	for (size_t i = 0; i < s->ncallees; i++) {
		const struct pgd_guard *g = guard_for(code, s->callees[i].recv_type);

		if (g && g->iface)
			return g->iface;
	}
	for (size_t i = 0; i < s->ncallees; i++) {
		const char *ifs[64];
		size_t n;

		if (!s->callees[i].recv_type)
			continue;
		n = pgd_binary_itab_ifaces(b, s->callees[i].recv_type, ifs, PGD_ARRAY_SIZE(ifs));
		if (n > PGD_ARRAY_SIZE(ifs))
			n = PGD_ARRAY_SIZE(ifs);
		if (first) {
			memcpy(cand, ifs, n * sizeof(*ifs));
			ncand = n;
			first = 0;
			continue;
		}
		for (size_t k = 0; k < ncand;) {
			int keep = 0;

			for (size_t j = 0; j < n && !keep; j++)
				keep = !strcmp(cand[k], ifs[j]);
			if (keep)
				k++;
			else
				cand[k] = cand[--ncand];
		}
	}
	iface_by_slot(b, s, line_itab_offset(code), cand, &ncand);
	return ncand == 1 ? cand[0] : NULL;
}

/*
 * The caller as the binary has it. A closure renamed by PGO inlining
 * (pkg.F.func4 in the profile, pkg.G.F.func4 in the binary, or back) is the
 * same function, and so is a generic instantiation whose shape pprof spells
 * without "()": look it up under the binary's name. NULL with no error
 * means "not in the binary", a finding, not a failure.
 */
static int find_caller(struct pgd_binary *b, const char *name, const struct pgd_bfunc **fn,
		       const char **alias, struct pgd_err *err)
{
	struct pgd_err lookup_err = { 0 };

	*alias = NULL;
	*fn = pgd_binary_func(b, name, &lookup_err);
	if (!*fn && !lookup_err.code && (*alias = pgd_binary_closure_alias(b, name)))
		*fn = pgd_binary_func(b, *alias, &lookup_err);
	/* a generic instantiation pprof spells without the shape's "()" */
	if (!*fn && !lookup_err.code && (*alias = pgd_binary_generic_alias(b, name)))
		*fn = pgd_binary_func(b, *alias, &lookup_err);
	if (!*fn && lookup_err.code) {
		if (err)
			*err = lookup_err;
		return lookup_err.code;
	}
	if (!*fn)
		*alias = NULL;
	return 0;
}

/*
 * `defer f(x)` at this line: the compiler wraps the call in a closure
 * caller.deferwrapN declared at the defer's line and calls f directly from
 * it; the machine code at the line calls the wrapper through a func value
 * (open-coded defers), and the profile, which hides the wrapper, shows f
 * under the caller. The call is direct for the compiler
 * (cmd/compile/internal/typecheck's wrapping of go/defer calls).
 */
static int deferred_here(struct pgd_binary *b, struct arena *a, const char *caller, int64_t line,
			 const char *callee)
{
	char name[1024];

	(void)a;
	(void)line;   /* the wrapper carries no decl line (DW_AT_trampoline) */
	if ((size_t)snprintf(name, sizeof(name), "%s.deferwrap1", caller) >= sizeof(name) ||
	    !pgd_binary_has_symbol(b, name))
		return 0;
	/* called from a wrapper ... */
	for (int n = 1; n < 100; n++) {
		snprintf(name, sizeof(name), "%s.deferwrap%d", caller, n);
		if (!pgd_binary_has_symbol(b, name))
			break;
		if (pgd_binary_calls_directly(b, name, callee))
			return 1;
	}
	/* ... or inlined into one */
	snprintf(name, sizeof(name), "%s.deferwrap", caller);
	{
		struct pgd_err e = { 0 };

		return pgd_binary_inlined_in(b, callee, name, &e) == 1;
	}
}

/*
 * A closure of the caller's own enclosing function, called through the
 * variable it was assigned to: cmd/compile's pgoir.DirectCallee
 * (ir.StaticValue) resolves the variable and records a direct call, though
 * the machine code calls through the func value. (Closures are never
 * devirtualization targets either way: maybeDevirtualizeFunctionCall.)
 * The caller is compared under the profile's name as well as the
 * binary's (key_caller): a binary built with PGO renames the closures of
 * a function it inlined ("ld.(*Link).pclntab.(*pclntab).generateFuncdata.
 * func3" for the profile's "ld.(*pclntab).generateFuncdata.func3", cmd/link
 * in Go 1.26), while the callee keeps the profile's spelling.
 */
static int local_closure(const char *caller, const char *callee)
{
	const char *cut;
	size_t len;

	if (!pgd_goname_is_closure(callee))
		return 0;
	cut = strrchr(callee, '.');
	len = (size_t)(cut - callee);
	/* callee "F.func1": caller F itself, or a sibling "F.func2" (and deeper) */
	return !strncmp(caller, callee, len) && (caller[len] == '\0' || caller[len] == '.');
}

/* Assembly (its DWARF names a .s file): no Go compiler chose its calls. */
static int is_assembly(const struct pgd_bfunc *fn)
{
	size_t len = fn->decl_file ? strlen(fn->decl_file) : 0;

	return len > 2 && !strcmp(fn->decl_file + len - 2, ".s");
}

/* Every edge at the key, for the compiler's choice (see pgd_site.key). */
static int key_callees(struct arena *a, const struct flat_edge *e, size_t n, size_t nsets,
		       struct pgd_site_callee **out)
{
	struct pgd_site_callee *k = pgd_arena_calloc(a, n, sizeof(*k));

	*out = k;
	if (!k)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct pgd_goname g;

		k[i].name = e[i].callee;
		k[i].recv_type = callee_method(e[i].callee, &g) ? callee_recv_type(a, e[i].callee, &g) : NULL;
		for (size_t s = 0; s < nsets; s++)
			k[i].weight[s] = e[i].weight[s];
	}
	return 0;
}

/*
 * A method site is an interface call only when the machine code says so,
 * whatever else the line holds: the compiler's call to a method it names
 * directly (p.lineFor(x.Pos()): lineFor is direct, Pos is not) is a direct
 * call or an inlined copy of that very method, with no type guard. A
 * devirtualized interface call also calls its method directly, but behind
 * a guard; several receiver types mean an interface call too.
 */
static enum pgd_site_kind method_kind(const struct pgd_binary *b, const struct pgd_site *s,
				      const struct pgd_line_code *code)
{
	size_t ntypes = 0;
	int direct = 0;

	for (size_t i = 0; i < s->ncallees; i++) {
		if (is_direct_here(code, s->callees[i].name))
			direct = 1;
		ntypes++;
	}
	if (direct && !s->binary_guard && ntypes == 1)
		return PGD_SITE_DIRECT;
	if (s->nindirect) {
		/*
		 * A method value or expression called through a func value
		 * (f(p) with f = (*parser).parseValueSpec) names a method but
		 * loads its target from a closure, not an itab slot.
		 */
		int itab_call = 0;

		for (size_t i = 0; i < code->ncalls; i++)
			itab_call |= code->calls[i].kind == PGD_CALL_INDIRECT && code->calls[i].itab_offset >= 0;
		(void)b;
		if (itab_call)
			return PGD_SITE_INTERFACE;
		return s->binary_guard && strchr(s->binary_guard, '.') && s->binary_guard[0] == '*' ?
		       PGD_SITE_INTERFACE : PGD_SITE_FUNC_VALUE;
	}
	return direct ? PGD_SITE_DIRECT : PGD_SITE_NONE;
}

struct group_builder {
	struct pgd_siteset *out;
	size_t cap;
};

static struct pgd_site *new_site(struct group_builder *gb)
{
	struct pgd_siteset *s = gb->out;

	if (s->nsites == gb->cap) {
		size_t ncap = gb->cap ? gb->cap * 2 : 64;
		struct pgd_site *n = pgd_arena_realloc_array(&s->arena, s->sites, s->nsites, ncap,
							 sizeof(*n));

		if (!n)
			return NULL;
		s->sites = n;
		gb->cap = ncap;
	}
	return &s->sites[s->nsites++];
}

/* One (caller, offset) key while its sites are built: what build_key learnt. */
struct key_ctx {
	struct pgd_binary *b;
	struct group_builder *gb;
	struct arena *a;
	const struct flat_edge *e;      /* the key's edges, e[0..n) */
	size_t n, nsets;
	const char **methods;           /* methods named at the key, in name order */
	size_t nmethods;
	const char **edge_method;       /* per edge: its callee's method (callee_method), NULL none */
	const struct pgd_bfunc *fn;     /* the caller in the binary; NULL: missing */
	const char *alias;              /* the binary's name for the caller, when it differs */
	int64_t line;                   /* the call's absolute line */
	int asm_caller;
	struct pgd_line_code code;      /* calls and guards at that line */
	struct pgd_site_callee *key;
};

/* The caller's name as the binary spells it. */
static const char *key_caller(const struct key_ctx *k)
{
	return k->alias ? k->alias : k->e[0].caller;
}

/*
 * Step 1: the methods named at this key, in name order (e[] is sorted by
 * callee, not method), and how many plain functions. *methods is malloc'd.
 */
static int collect_methods(struct key_ctx *k, size_t *nplain, struct pgd_err *err)
{
	k->methods = calloc(k->n + 1, sizeof(*k->methods));
	k->edge_method = calloc(k->n + 1, sizeof(*k->edge_method));
	if (!k->methods || !k->edge_method)
		return pgd_err_nomem(err, NULL);
	for (size_t i = 0; i < k->n; i++) {
		struct pgd_goname g;
		const char *m;
		size_t j;

		if (pgd_site_ignored_callee(k->e[i].callee))
			continue;
		/* parsed once here: every group of the key asks each edge's method */
		if (!(m = k->edge_method[i] = callee_method(k->e[i].callee, &g))) {
			(*nplain)++;
			continue;
		}
		for (j = 0; j < k->nmethods && strcmp(k->methods[j], m); j++)
			;
		if (j == k->nmethods)
			k->methods[k->nmethods++] = m;
	}
	return 0;
}

/* Step 2: the caller in the binary and the code at the call's line. */
static int read_caller(struct key_ctx *k, struct pgd_err *err)
{
	int ret = find_caller(k->b, k->e[0].caller, &k->fn, &k->alias, err);

	if (ret || !k->fn)
		return ret;
	k->line = k->fn->decl_line + k->e[0].offset;
	if ((ret = pgd_binary_code_at_line(k->b, key_caller(k), k->line, k->a, &k->code, err)))
		return ret;
	k->asm_caller = is_assembly(k->fn);
	return 0;
}

/*
 * Whether edge i belongs to group (pass, gi): pass 0 groups by method
 * (gi indexes k->methods); pass 1 holds plain functions, gi 0 those the
 * binary calls directly at this line, gi 1 the rest.
 */
static int in_group(const struct key_ctx *k, size_t i, size_t pass, size_t gi, const char *m)
{
	const char *callee = k->e[i].callee;
	int direct;

	if (pass == 0)
		return m && !strcmp(m, k->methods[gi]);
	if (m)
		return 0;
	/*
	 * A devirtualized func-value's guarded target is called directly too;
	 * the guard keeps it with its site. A name without a package
	 * (gcWriteBarrier, memeqbody) is an assembly body the code calls or
	 * jumps to directly.
	 */
	direct = (k->fn && is_direct_here(&k->code, callee) &&
		  !(k->code.nguards && guard_for(&k->code, callee))) ||
		 !strchr(callee, '.');
	return (gi == 0) == direct;
}

/* A new site for the key; NULL on out of memory. */
static struct pgd_site *key_site(struct key_ctx *k, const char *method)
{
	struct pgd_site *s = new_site(k->gb);

	if (!s)
		return NULL;
	s->caller = k->e[0].caller;
	s->caller_alias = k->alias;
	s->offset = k->e[0].offset;
	s->key = k->key;
	s->nkey = k->n;
	s->method = method;
	s->callees = pgd_arena_calloc(k->a, k->n, sizeof(*s->callees));
	return s->callees ? s : NULL;
}

/* Step 3 for a method site: guarded type, interface or not, deferred calls. */
static void classify_method_site(struct key_ctx *k, struct pgd_site *s)
{
	for (size_t i = 0; i < s->ncallees && !s->binary_guard; i++) {
		const struct pgd_guard *g = guard_for(&k->code, s->callees[i].recv_type);

		if (g)
			s->binary_guard = g->concrete;
	}
	s->kind = method_kind(k->b, s, &k->code);
	/* defer x.M(): the wrapper calls M directly (see deferred_here) */
	if (s->kind != PGD_SITE_INTERFACE && s->ncallees == 1 && !s->binary_guard &&
	    deferred_here(k->b, k->a, key_caller(k), k->line, s->callees[0].name))
		s->kind = PGD_SITE_DIRECT;
	if (s->kind == PGD_SITE_INTERFACE)
		s->iface = site_iface(k->b, s, &k->code);
}

/* Step 3 for the plain functions not called directly: func value, or none. */
static void classify_plain_site(struct key_ctx *k, struct pgd_site *s)
{
	s->kind = s->nindirect ? PGD_SITE_FUNC_VALUE : PGD_SITE_NONE;
	if (s->ncallees == 1 &&
	    (deferred_here(k->b, k->a, key_caller(k), k->line, s->callees[0].name) ||
	     local_closure(k->e[0].caller, s->callees[0].name) ||
	     local_closure(key_caller(k), s->callees[0].name)))
		s->kind = PGD_SITE_DIRECT;
	for (size_t i = 0; i < s->ncallees && !s->binary_guard; i++) {
		const struct pgd_guard *g = guard_for(&k->code, s->callees[i].name);

		if (g)
			s->binary_guard = g->concrete;
	}
}

/* Step 3: where the site is and what kind of call the binary makes there. */
static void classify_site(struct key_ctx *k, struct pgd_site *s, size_t pass, size_t gi)
{
	if (!k->fn) {
		s->kind = PGD_SITE_MISSING_FUNCTION;
		return;
	}
	s->file = k->fn->decl_file;
	s->line = k->line;
	for (size_t i = 0; i < k->code.ncalls; i++) {
		if (k->code.calls[i].kind == PGD_CALL_DIRECT)
			s->ndirect++;
		else
			s->nindirect++;
	}
	if (k->asm_caller)
		s->kind = PGD_SITE_ASSEMBLY;
	else if (pass == 0)
		classify_method_site(k, s);
	else if (gi == 0)
		s->kind = PGD_SITE_DIRECT;
	else
		classify_plain_site(k, s);
}

/* The site of group (pass, gi), when any edge belongs to it. */
static int build_group(struct key_ctx *k, size_t pass, size_t gi, struct pgd_err *err)
{
	struct pgd_site *s = NULL;

	for (size_t i = 0; i < k->n; i++) {
		struct pgd_goname g;
		struct pgd_site_callee *c;
		const char *m;

		if (pgd_site_ignored_callee(k->e[i].callee))
			continue;
		m = k->edge_method[i];
		if (!in_group(k, i, pass, gi, m))
			continue;
		if (m)
			callee_method(k->e[i].callee, &g);
		if (!s && !(s = key_site(k, pass == 0 ? k->methods[gi] : NULL)))
			return pgd_err_nomem(err, NULL);
		c = &s->callees[s->ncallees++];
		c->name = k->e[i].callee;
		c->recv_type = m ? callee_recv_type(k->a, k->e[i].callee, &g) : NULL;
		for (size_t j = 0; j < k->nsets; j++) {
			c->weight[j] = k->e[i].weight[j];
			s->total[j] += k->e[i].weight[j];
		}
	}
	if (s)
		classify_site(k, s, pass, gi);
	return 0;
}

/*
 * One (caller, offset) key: split its callees into sites by method (and, for
 * plain functions, by whether the binary calls them directly at that line),
 * then classify each site from the code at the line.
 */
static int build_key(struct pgd_binary *b, struct group_builder *gb, const struct flat_edge *e,
		     size_t n, size_t nsets, int indirect_only, struct pgd_err *err)
{
	struct key_ctx k = { .b = b, .gb = gb, .a = &gb->out->arena, .e = e, .n = n, .nsets = nsets };
	size_t nplain = 0;
	int ret;

	if ((ret = collect_methods(&k, &nplain, err)))
		goto out;
	if ((indirect_only && !k.nmethods && nplain <= 1) || (!k.nmethods && !nplain))
		goto out;
	if ((ret = read_caller(&k, err)))
		goto out;
	if (key_callees(k.a, e, n, nsets, &k.key)) {
		ret = pgd_err_nomem(err, NULL);
		goto out;
	}
	/* Pass 0: one site per method; pass 1: plain functions (func-value / direct). */
	for (size_t gi = 0; gi < k.nmethods && !ret; gi++)
		ret = build_group(&k, 0, gi, err);
	for (size_t gi = 0; gi < 2 && !ret; gi++)
		ret = build_group(&k, 1, gi, err);
out:
	free(k.methods);
	free(k.edge_method);
	return ret;
}

static int cmp_site(const void *a, const void *b)
{
	const struct pgd_site *x = a, *y = b;
	int c = strcmp(x->caller, y->caller);

	if (c)
		return c;
	if (x->offset != y->offset)
		return x->offset < y->offset ? -1 : 1;
	if (!same_or_null(x->method, y->method)) {
		if (!x->method || !y->method)
			return x->method ? 1 : -1;
		return strcmp(x->method, y->method);
	}
	return (int)x->kind - (int)y->kind;
}

int pgd_sites_build(struct pgd_binary *b, const struct pgd_edges *const *sets, size_t nsets,
		    int indirect_only, struct pgd_siteset *out, struct pgd_err *err)
{
	struct hashmap index = HASHMAP_INIT;
	struct flat_edge *flat = NULL;
	size_t nflat = 0, cap = 0;
	struct group_builder gb = { out, 0 };
	int ret = 0;

	memset(out, 0, sizeof(*out));
	pgd_arena_init(&out->arena, 0);
	if (nsets < 1 || nsets > PGD_SITE_MAX_SETS)
		return pgd_err_set(err, PGD_EUSAGE, NULL, "sites: %zu edge sets given", nsets);
	out->nsets = nsets;

	/* Union of the sets' edges, one row per (caller, offset, callee). */
	for (size_t s = 0; s < nsets; s++) {
		for (size_t i = 0; i < sets[s]->nedges; i++) {
			const struct pgd_edge *ed = &sets[s]->edges[i];
			char *key;
			size_t klen;
			struct hashmap_entry *he;
			int inserted;

			key = pgd_arena_printf(&out->arena, "%s%c%lld%c%s", ed->caller, 0,
					   (long long)ed->offset, 0, ed->callee);
			if (!key) {
				ret = pgd_err_nomem(err, NULL);
				goto out;
			}
			klen = strlen(ed->caller) + 1;
			klen += strlen(key + klen) + 1;
			klen += strlen(ed->callee);
			he = pgd_hashmap_upsert(&index, key, klen, &inserted);
			if (!he) {
				ret = pgd_err_nomem(err, NULL);
				goto out;
			}
			if (inserted) {
				if (nflat == cap) {
					size_t ncap = cap ? cap * 2 : 1024;
					struct flat_edge *nf = realloc(flat, ncap * sizeof(*nf));

					if (!nf) {
						ret = pgd_err_nomem(err, NULL);
						goto out;
					}
					flat = nf;
					cap = ncap;
				}
				memset(&flat[nflat], 0, sizeof(*flat));
				flat[nflat].caller = ed->caller;
				flat[nflat].offset = ed->offset;
				flat[nflat].callee = ed->callee;
				he->val.u64 = nflat++;
			}
			flat[he->val.u64].weight[s] += ed->weight;
		}
	}
	if (nflat)
		qsort(flat, nflat, sizeof(*flat), cmp_flat);

	for (size_t i = 0; i < nflat;) {
		size_t j = i + 1;

		while (j < nflat && flat[j].offset == flat[i].offset &&
		       !strcmp(flat[j].caller, flat[i].caller))
			j++;
		ret = build_key(b, &gb, &flat[i], j - i, nsets, indirect_only, err);
		if (ret)
			goto out;
		i = j;
	}
	if (out->nsites)
		qsort(out->sites, out->nsites, sizeof(*out->sites), cmp_site);
out:
	free(flat);
	pgd_hashmap_free(&index);
	if (ret)
		pgd_siteset_release(out);
	return ret;
}

void pgd_siteset_release(struct pgd_siteset *s)
{
	pgd_arena_release(&s->arena);
	s->sites = NULL;
	s->nsites = 0;
}
