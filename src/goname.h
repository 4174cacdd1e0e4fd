/* SPDX-License-Identifier: MIT */
#ifndef PGD_GONAME_H
#define PGD_GONAME_H

/*
 * Go linker symbol names, as profiles, DWARF and the symbol table spell
 * them. The shapes (all seen in the fixtures' and Go 1.26 cmd/compile's
 * symbol tables; tests/unit/test_goname.c):
 *
 *   main.(*RedisCache).Get            pointer-receiver method
 *   net/http.Header.Get               value-receiver method
 *   crypto/internal/entropy/v1%2e0%2e0.SHA384
 *                                     dots in the import path's last element
 *                                     escaped as %2e (cmd/internal/objabi
 *                                     PathToPrefix)
 *   internal/sync.(*HashTrieMap[*internal/abi.Type,interface {}]).Load
 *                                     generic receiver: type arguments carry
 *                                     their own paths, dots, spaces, nested
 *                                     brackets
 *   main.serve.func1  main.F.func1.2  main.main.gowrap1  pkg.F.deferwrap1
 *   cmd/compile/internal/types2.(*Checker).builtin-range1
 *   internal/poll.init.OnceValue[go.shape.bool].func4.1
 *                                     closures (cmd/compile/internal/ir/func.go
 *                                     closureName: ".funcN" in a function,
 *                                     ".N" in a closure, "-rangeN" for
 *                                     range-over-func bodies, ".gowrapN",
 *                                     ".deferwrapN"; an inlined outer function
 *                                     adds its callee's name: init.OnceValue)
 *   pkg.glob..func1                   a closure at package level ("glob.")
 *   crypto/sha256.block.abi0          ABI0 twin of an ABIInternal function
 *                                     (cmd/link/internal/ld/symtab.go
 *                                     mangleABIName: ".abiN", ".abiinternal")
 *   type:.eq.main.T  go:itab.*T,I     compiler-generated: no package
 *
 * The package is everything up to the first '.' after the last '/', both
 * outside brackets (debug/gosym Sym.PackageName, which removes the
 * instantiation "[...]" first).
 */

#include <stddef.h>

struct pgd_goname {
	size_t pkg_len;          /* name[0..pkg_len) is the package path (escaped); 0: none */
	const char *rest;        /* after "pkg." (the whole name when there is no package) */
	/* Method shape: "(*T).M" or "T.M"; recv excludes the '*' and parens. */
	int is_ptr_method;       /* "(*T).M" */
	int maybe_value_method;  /* "T.M" where M is not a closure suffix */
	const char *recv;        /* T, within name; recv_len bytes, type arguments included */
	size_t recv_len;
	size_t recv_base_len;    /* T without its type arguments ("HashTrieMap") */
	const char *method;      /* M, to the end of name (NULL when not method-shaped) */
	/* Every name: */
	const char *closure;     /* the closure tail (".func1.2", "-range1", ".gowrap1"); NULL: none */
	const char *abi;         /* ".abi0" or ".abiinternal" at the end; NULL: none */
	size_t len;              /* strlen(name) without the ABI suffix */
	int generated;           /* "type:...", "go:...": no package */
};

void pgd_goname_parse(const char *name, struct pgd_goname *out);
/*
 * a == b once every "()" is dropped from both: runtime/pprof spells a
 * generic instantiation's shape types without the methods' parentheses
 * ("interface { End go/token.Pos }" where the binary has "End() go/token.Pos").
 */
int pgd_goname_same_but_parens(const char *a, const char *b);
/*
 * Writes the receiver type as itab symbols spell it ("*main.RedisCache" or
 * "main.T") into buf; 0 on success, -1 when not method-shaped or too long.
 */
int pgd_goname_recv_type(const char *name, const struct pgd_goname *g, int ptr, char *buf,
			 size_t size);
/*
 * The package path with %xx escapes decoded ("crypto/internal/entropy/v1.0.0"),
 * as DWARF compile units name it; 0, or -1 when it does not fit in buf.
 */
int pgd_goname_pkg(const char *name, const struct pgd_goname *g, char *buf, size_t size);

#endif
