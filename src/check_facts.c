// SPDX-License-Identifier: MIT
/*
 * What the binary says about a call site's callees, for the compiler's
 * choice that drift mirrors (cmd/compile/internal/devirtualize/pgo.go): IR
 * presence, the per-site filters, whether the rewrite would go ahead. Facts
 * only; every decision on them is drift's.
 */
#include "check_facts.h"

#include <string.h>

#include "err.h"
#include "goname.h"


/*
 * Whether cmd/compile could devirtualize to callee once chosen:
 * shouldPGODevirt refuses callees for which inline.InlineImpossible gives a
 * reason, and a function without a Go body gives "no function body".
 * Assembly functions (runtime.memhash's aeshashbody) are such callees:
 * their DWARF names a .s file.
 */
static int has_go_body(struct pgd_binary *b, const char *callee);

/*
 * inline.InlineImpossible for a callee of another package: it needs an
 * inline body in the export data ("no function body" otherwise). The
 * binary cannot read the export data; it shows a callee inlined somewhere
 * (then it has one), and a large callee never inlined anywhere (2 KiB of
 * machine code is far beyond any inlining budget in practice: then it has
 * none, as text/tabwriter.(*Writer).Write, 4 KiB, for go/printer). Others are
 * assumed inlinable.
 */
#define NEVER_INLINED_MIN_BYTES 2048

static int can_be_target(struct pgd_binary *b, const char *caller, const char *callee)
{
	char p[1024], q[1024];
	struct pgd_err e = { 0 };
	const struct pgd_symbol *sym;

	if (!has_go_body(b, callee))
		return 0;
	if (!pgd_binary_compile_package(b, caller, p, sizeof(p)) ||
	    !pgd_binary_compile_package(b, callee, q, sizeof(q)) || !strcmp(p, q))
		return 1;
	if (pgd_binary_has_inlined_copy(b, callee, &e) == 1)
		return 1;
	sym = pgd_binary_func_symbol(b, callee);
	return !sym || sym->size < NEVER_INLINED_MIN_BYTES;
}

static int has_go_body(struct pgd_binary *b, const char *callee)
{
	struct pgd_err lookup_err = { 0 };
	const struct pgd_bfunc *f = pgd_binary_func(b, callee, &lookup_err);
	size_t len;

	if (!f || !f->decl_file)
		return 1;   /* unknown: assume Go, as the compiler's IR would */
	len = strlen(f->decl_file);
	return !(len > 2 && !strcmp(f->decl_file + len - 2, ".s"));
}

/*
 * maybeDevirtualizeFunctionCall's bail-outs after the choice: closures
 * (go.dev/issue/61577), runtime.memhash_varlen, and methods (method values
 * and expressions).
 */
static int func_value_target(const struct pgd_site_callee *c)
{
	return !c->recv_type && !pgd_goname_is_closure(c->name) &&
	       strcmp(c->name, "runtime.memhash_varlen");
}

/*
 * findHotConcreteInterfaceCallee's filter: a method named like the called
 * one (another call on the line otherwise) whose receiver implements the
 * interface. Implementation is known when the binary has the itab; a type
 * converted to the interface only at run time has none, so without the
 * itab the receiver is assumed to implement it.
 */
static int iface_eligible(const struct pgd_binary *b, const struct pgd_site *s,
			  const struct pgd_site_callee *c)
{
	struct pgd_goname g;

	if (!c->recv_type || !s->method)
		return 0;
	pgd_goname_parse(c->name, &g);
	if (!g.method || strcmp(g.method, s->method))
		return 0;
	/*
	 * A receiver type never converted to any interface (no itab at all)
	 * does not implement this one: typically an embedded type whose
	 * promoted method the profile names ((*miniStmt).Init for
	 * *AssignStmt): typecheck.Implements(*miniStmt, Node) fails.
	 */
	if (!pgd_binary_itab_ifaces(b, c->recv_type, NULL, 0))
		return 0;
	if (s->iface && pgd_binary_itab_method(b, c->recv_type, s->iface, c->name) == 0)
		return 0;
	return 1;
}

int pgd_check_site_facts(struct pgd_facts_ctx *fc, const struct pgd_site *s,
		      struct pgd_callee_facts **out, struct pgd_err *err)
{
	struct pgd_callee_facts *f = pgd_arena_calloc(&fc->scratch, s->nkey ? s->nkey : 1, sizeof(*f));
	const char *caller = s->caller_alias ? s->caller_alias : s->caller;
	int ret;

	*out = f;
	if (!f)
		return pgd_err_nomem(err, NULL);
	if (!fc->have_deps) {
		if ((ret = pgd_binary_pkg_graph(fc->b, &fc->scratch, &fc->deps, err)))
			return ret;
		fc->have_deps = 1;
	}
	for (size_t k = 0; k < s->nkey; k++) {
		const struct pgd_site_callee *c = &s->key[k];
		int own = 0;

		for (size_t i = 0; i < s->ncallees; i++)
			own |= s->callees[i].name == c->name;
		f[k].has_ir = (unsigned char)pgd_binary_callee_has_ir(fc->b, &fc->deps, caller, c->name);
		if (s->kind == PGD_SITE_FUNC_VALUE) {
			/* types.Identical on the func type: the site's own callees, by grouping */
			f[k].eligible = (unsigned char)own;
			f[k].devirt = (unsigned char)(func_value_target(c) && can_be_target(fc->b, caller, c->name));
		} else {
			f[k].eligible = (unsigned char)(own && iface_eligible(fc->b, s, c));
			f[k].devirt = (unsigned char)can_be_target(fc->b, caller, c->name);
		}
	}
	return 0;
}

/*
 * A site the binary no longer has is worth reporting only if the base made
 * it a devirtualization candidate: several callees, or one method that fills
 * a slot of an itab (it is called through an interface somewhere). Having
 * some itab for the receiver type is not enough: *printer implements
 * io.Writer, yet p.lineFor is a direct call. Direct calls that moved with
 * a refactor are not findings.
 */
int pgd_check_was_candidate(const struct pgd_binary *b, const struct pgd_site *s)
{
	const struct pgd_site_callee *one = NULL;
	size_t in_base = 0;

	for (size_t i = 0; i < s->ncallees; i++) {
		if (s->callees[i].weight[0] <= 0)
			continue;
		in_base++;
		one = &s->callees[i];
	}
	if (in_base >= 2)
		return 1;
	return one && one->recv_type && pgd_binary_itab_method(b, one->recv_type, NULL, one->name) == 1;
}

/*
 * A renamed method leaves the call on its line but with other targets.
 * Callees reached through an itab or a func value always keep an
 * out-of-line symbol (the itab or the closure points at it), so when none
 * of the callees the base saw at a site exists any more, the base's weight
 * there is wasted just as if the call had gone.
 */
int pgd_check_base_callees_gone(const struct pgd_binary *b, const struct pgd_site *s)
{
	int any = 0;

	if (s->kind != PGD_SITE_INTERFACE && s->kind != PGD_SITE_FUNC_VALUE)
		return 0;
	for (size_t i = 0; i < s->ncallees; i++) {
		if (s->callees[i].weight[0] <= 0)
			continue;
		/* a closure renamed by PGO inlining (addSym.func4) is still there */
		if (pgd_binary_has_symbol(b, s->callees[i].name) ||
		    pgd_binary_closure_alias(b, s->callees[i].name))
			return 0;
		any = 1;
	}
	return any;
}

