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
	int c = strcmp(x->caller, y->caller);

	if (c)
		return c;
	if (x->offset != y->offset)
		return x->offset < y->offset ? -1 : 1;
	return strcmp(x->callee, y->callee);
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
	return arena_strdup(a, buf);
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
 * The interface a site calls through: the guard names it exactly; failing
 * that, the one interface every observed receiver type has an itab for.
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
	const struct pgd_inline_count *ic = NULL;
	struct pgd_err e = { 0 };
	size_t nic = 0, len;
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
	if (pgd_binary_inline_counts(b, &ic, &nic, &e))
		return 0;
	len = strlen(caller);
	for (size_t i = 0; i < nic; i++)
		if (!strncmp(ic[i].container, caller, len) &&
		    !strncmp(ic[i].container + len, ".deferwrap", 10) && !strcmp(ic[i].callee, callee))
			return 1;
	return 0;
}

/*
 * A closure of the caller's own enclosing function, called through the
 * variable it was assigned to: cmd/compile's pgoir.DirectCallee
 * (ir.StaticValue) resolves the variable and records a direct call, though
 * the machine code calls through the func value. (Closures are never
 * devirtualization targets either way: maybeDevirtualizeFunctionCall.)
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
	struct pgd_site_callee *k = arena_calloc(a, n, sizeof(*k));

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
		struct pgd_site *n = arena_realloc_array(&s->arena, s->sites, s->nsites, ncap,
							 sizeof(*n));

		if (!n)
			return NULL;
		s->sites = n;
		gb->cap = ncap;
	}
	return &s->sites[s->nsites++];
}

/*
 * One (caller, offset) key: split its callees into sites by method (and, for
 * plain functions, by whether the binary calls them directly at that line),
 * then classify each site from the code at the line.
 */
static int build_key(struct pgd_binary *b, struct group_builder *gb, const struct flat_edge *e,
		     size_t n, size_t nsets, int indirect_only, struct pgd_err *err)
{
	struct arena *a = &gb->out->arena;
	struct pgd_line_code code = { 0 };
	const struct pgd_bfunc *fn = NULL;
	const char **methods = NULL, *alias = NULL;
	struct pgd_site_callee *key = NULL;
	size_t nmethods = 0, nplain = 0;
	int asm_caller = 0;
	int any_method = 0, ret = 0;
	int64_t line = 0;

	/* Methods named at this key, in name order (e[] is sorted by callee, not method). */
	methods = calloc(n + 1, sizeof(*methods));
	if (!methods)
		return pgd_err_nomem(err, NULL);
	for (size_t i = 0; i < n; i++) {
		struct pgd_goname g;
		const char *m;

		if (pgd_site_ignored_callee(e[i].callee))
			continue;
		m = callee_method(e[i].callee, &g);
		if (!m) {
			nplain++;
			continue;
		}
		any_method = 1;
		size_t k;
		for (k = 0; k < nmethods && strcmp(methods[k], m); k++)
			;
		if (k == nmethods)
			methods[nmethods++] = m;
	}
	if (indirect_only && !any_method && nplain <= 1)
		goto out;
	if (!nmethods && !nplain)
		goto out;

	ret = find_caller(b, e[0].caller, &fn, &alias, err);
	if (ret)
		goto out;
	if (fn) {
		line = fn->decl_line + e[0].offset;
		ret = pgd_binary_code_at_line(b, alias ? alias : e[0].caller, line, a, &code, err);
		if (ret)
			goto out;
		asm_caller = is_assembly(fn);
	}
	if ((ret = key_callees(a, e, n, nsets, &key)))
		goto nomem;

	/* Pass 0: one site per method; pass 1: plain functions (func-value / direct). */
	for (size_t pass = 0; pass < 2; pass++) {
		size_t ngroups = pass == 0 ? nmethods : 2;

		for (size_t gi = 0; gi < ngroups; gi++) {
			struct pgd_site *s = NULL;
			/* pass 1: gi 0 = called directly here, gi 1 = the rest */
			for (size_t i = 0; i < n; i++) {
				struct pgd_goname g;
				const char *m;
				struct pgd_site_callee *c;

				if (pgd_site_ignored_callee(e[i].callee))
					continue;
				m = callee_method(e[i].callee, &g);
				if (pass == 0 && (!m || strcmp(m, methods[gi])))
					continue;
				if (pass == 1) {
					int direct;

					if (m)
						continue;
					/* A devirtualized func-value's guarded target is called
					 * directly too; the guard keeps it with its site. A name
					 * without a package (gcWriteBarrier, memeqbody) is an
					 * assembly body the code calls or jumps to directly. */
					direct = (fn && is_direct_here(&code, e[i].callee) &&
						  !(code.nguards && guard_for(&code, e[i].callee))) ||
						 !strchr(e[i].callee, '.');
					if ((gi == 0) != direct)
						continue;
				}
				if (!s) {
					s = new_site(gb);
					if (!s) {
						ret = pgd_err_nomem(err, NULL);
						goto out;
					}
					s->caller = e[0].caller;
					s->caller_alias = alias;
					s->offset = e[0].offset;
					s->key = key;
					s->nkey = n;
					s->method = pass == 0 ? methods[gi] : NULL;
					s->callees = arena_calloc(a, n, sizeof(*s->callees));
					if (!s->callees) {
						ret = pgd_err_nomem(err, NULL);
						goto out;
					}
				}
				c = &s->callees[s->ncallees++];
				c->name = e[i].callee;
				c->recv_type = m ? callee_recv_type(a, e[i].callee, &g) : NULL;
				for (size_t k = 0; k < nsets; k++) {
					c->weight[k] = e[i].weight[k];
					s->total[k] += e[i].weight[k];
				}
			}
			if (!s)
				continue;
			if (!fn) {
				s->kind = PGD_SITE_MISSING_FUNCTION;
				continue;
			}
			s->file = fn->decl_file;
			s->line = line;
			for (size_t i = 0; i < code.ncalls; i++) {
				if (code.calls[i].kind == PGD_CALL_DIRECT)
					s->ndirect++;
				else
					s->nindirect++;
			}
			if (asm_caller) {
				s->kind = PGD_SITE_ASSEMBLY;
			} else if (pass == 0) {
				for (size_t i = 0; i < s->ncallees && !s->binary_guard; i++) {
					const struct pgd_guard *g = guard_for(&code, s->callees[i].recv_type);

					if (g)
						s->binary_guard = g->concrete;
				}
				s->kind = method_kind(b, s, &code);
				/* defer x.M(): the wrapper calls M directly (see deferred_here) */
				if (s->kind != PGD_SITE_INTERFACE && s->ncallees == 1 && !s->binary_guard &&
				    deferred_here(b, a, alias ? alias : e[0].caller, line, s->callees[0].name))
					s->kind = PGD_SITE_DIRECT;
				if (s->kind == PGD_SITE_INTERFACE)
					s->iface = site_iface(b, s, &code);
			} else if (gi == 0) {
				s->kind = PGD_SITE_DIRECT;
			} else {
				s->kind = s->nindirect ? PGD_SITE_FUNC_VALUE : PGD_SITE_NONE;
				if (s->ncallees == 1 &&
				    (deferred_here(b, a, alias ? alias : e[0].caller, line, s->callees[0].name) ||
				     local_closure(alias ? alias : e[0].caller, s->callees[0].name)))
					s->kind = PGD_SITE_DIRECT;
				for (size_t i = 0; i < s->ncallees && !s->binary_guard; i++) {
					const struct pgd_guard *g = guard_for(&code, s->callees[i].name);

					if (g)
						s->binary_guard = g->concrete;
				}
			}
		}
	}
out:
	free(methods);
	return ret;
nomem:
	ret = pgd_err_nomem(err, NULL);
	goto out;
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
	arena_init(&out->arena, 0);
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

			key = arena_printf(&out->arena, "%s%c%lld%c%s", ed->caller, 0,
					   (long long)ed->offset, 0, ed->callee);
			if (!key) {
				ret = pgd_err_nomem(err, NULL);
				goto out;
			}
			klen = strlen(ed->caller) + 1;
			klen += strlen(key + klen) + 1;
			klen += strlen(ed->callee);
			he = hashmap_upsert(&index, key, klen, &inserted);
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
	hashmap_free(&index);
	if (ret)
		pgd_siteset_release(out);
	return ret;
}

void pgd_siteset_release(struct pgd_siteset *s)
{
	arena_release(&s->arena);
	s->sites = NULL;
	s->nsites = 0;
}
