// SPDX-License-Identifier: MIT
/*
 * goname.c on real names. Every name below was read from a symbol table:
 *   nm build/testdata/bin/stdwide.nopgo build/testdata/bin/cachesvc.go126.pgo
 *   nm /work/field/go1.26.11/compile/pgoA    (Go 1.26.11 cmd/compile, PGO build)
 * except the one marked "constructed", whose shape follows how
 * cmd/compile/internal/types/fmt.go writes a struct tag in a type argument
 * (strconv.Quote). The expected splits follow debug/gosym's
 * Sym.PackageName/ReceiverName/BaseName, which remove the instantiation
 * before splitting, and cmd/compile/internal/ir/func.go closureName.
 * Then every function symbol of two fixture binaries goes through the
 * parser and must keep its invariants.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "binary.h"
#include "goname.h"

struct want {
	const char *name;
	const char *pkg;        /* escaped, as in the name */
	const char *recv;       /* NULL: not method-shaped */
	int ptr;
	const char *recv_base;
	const char *method;
	const char *closure;    /* NULL: not a closure */
	const char *abi;
};

static const struct want names[] = {
	{ "main.(*RedisCache).Get", "main", "RedisCache", 1, "RedisCache", "Get", NULL, NULL },
	{ "net/http.Header.Get", "net/http", "Header", 0, "Header", "Get", NULL, NULL },
	{ "main.main", "main", NULL, 0, NULL, NULL, NULL, NULL },
	/* generics: the type argument's path holds '/' and '.' */
	{ "internal/sync.(*HashTrieMap[*internal/abi.Type,interface {}]).Load", "internal/sync",
	  "HashTrieMap[*internal/abi.Type,interface {}]", 1, "HashTrieMap", "Load", NULL, NULL },
	{ "internal/runtime/atomic.(*Pointer[runtime._defer]).CompareAndSwap",
	  "internal/runtime/atomic", "Pointer[runtime._defer]", 1, "Pointer", "CompareAndSwap", NULL, NULL },
	{ "unique.Handle[net/netip.addrDetail].Value", "unique", "Handle[net/netip.addrDetail]", 0,
	  "Handle", "Value", NULL, NULL },
	{ "encoding/json.appendString[go.shape.[]uint8]", "encoding/json", NULL, 0, NULL, NULL, NULL, NULL },
	{ "reflect.TypeFor[go.shape.struct { reflect.typ_ *internal/abi.Type; reflect.ptr unsafe.Pointer; reflect.flag }]",
	  "reflect", NULL, 0, NULL, NULL, NULL, NULL },
	/* constructed: a struct tag with brackets and a slash in a type argument */
	{ "example.com/a.(*Box[struct { F int \"json:\\\"]/x.y\\\"\" }]).Get", "example.com/a",
	  "Box[struct { F int \"json:\\\"]/x.y\\\"\" }]", 1, "Box", "Get", NULL, NULL },
	/* closures */
	{ "main.main.gowrap1", "main", NULL, 0, NULL, NULL, ".gowrap1", NULL },
	{ "encoding/json.Marshal.deferwrap1", "encoding/json", NULL, 0, NULL, NULL, ".deferwrap1", NULL },
	{ "cmd/compile/internal/base.parseSpectre-range1", "cmd/compile/internal/base", NULL, 0, NULL, NULL,
	  "-range1", NULL },
	{ "cmd/compile/internal/types2.(*Checker).builtin-range2", "cmd/compile/internal/types2", NULL, 0,
	  NULL, NULL, "-range2", NULL },
	{ "internal/poll.init.OnceValue[go.shape.bool].func4.1.1", "internal/poll", NULL, 0, NULL, NULL,
	  ".func4.1.1", NULL },
	{ "internal/sync.(*HashTrieMap[go.shape.*internal/abi.Type,go.shape.interface {}]).All.func1",
	  "internal/sync", NULL, 0, NULL, NULL, ".func1", NULL },
	{ "unique.(*canonMap[go.shape.struct { net/netip.isV6 bool; net/netip.zoneV6 string }]).LoadOrStore.func1",
	  "unique", NULL, 0, NULL, NULL, ".func1", NULL },
	{ "reflect.Value.Seq.rangeNum[go.shape.int,go.shape.int64].func7", "reflect", NULL, 0, NULL, NULL,
	  ".func7", NULL },
	{ "hash/crc32.init.OnceFunc.func3.1", "hash/crc32", NULL, 0, NULL, NULL, ".func3.1", NULL },
	/* numbered init functions are neither methods nor closures */
	{ "cmd/compile/internal/arm64.map.init.0", "cmd/compile/internal/arm64", NULL, 0, NULL, NULL, NULL, NULL },
	/* %2e escapes and ABI suffixes */
	{ "crypto/internal/entropy/v1%2e0%2e0.(*source).Sample", "crypto/internal/entropy/v1%2e0%2e0",
	  "source", 1, "source", "Sample", NULL, NULL },
	{ "crypto/sha256.block.abi0", "crypto/sha256", NULL, 0, NULL, NULL, NULL, ".abi0" },
	{ "hash/crc32.castagnoliSSE42Triple.abi0", "hash/crc32", NULL, 0, NULL, NULL, NULL, ".abi0" },
	/* compiler-generated: no package (debug/gosym, Go 1.20+) */
	{ "go:textfipsstart", "", NULL, 0, NULL, NULL, NULL, NULL },
	{ "type:.eq.[16]sync/atomic.Pointer[go.shape.struct { internal/sync.isEntry bool }]", "", NULL, 0,
	  NULL, NULL, NULL, NULL },
};

static void expect_part(const char *what, const char *name, const char *got, size_t len,
			const char *want)
{
	if (!want && !got)
		return;
	if (!want || !got || strlen(want) != len || strncmp(got, want, len)) {
		print_error("%s: %s is '%.*s', want '%s'\n", name, what, got ? (int)len : 6,
			    got ? got : "(null)", want ? want : "(null)");
		fail();
	}
}

static void test_real_names(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const struct want *w = &names[i];
		struct pgd_goname g;

		pgd_goname_parse(w->name, &g);
		expect_part("package", w->name, w->name, g.pkg_len, w->pkg);
		expect_part("receiver", w->name, g.recv, g.recv_len, w->recv);
		expect_part("receiver base", w->name, g.recv, g.recv_base_len, w->recv_base);
		expect_part("method", w->name, g.method, g.method ? strlen(g.method) : 0, w->method);
		expect_part("closure", w->name, g.closure,
			    g.closure ? g.len - (size_t)(g.closure - w->name) : 0, w->closure);
		expect_part("abi", w->name, g.abi, g.abi ? strlen(g.abi) : 0, w->abi);
		assert_int_equal(g.is_ptr_method, w->recv && w->ptr);
		assert_int_equal(g.maybe_value_method, w->recv && !w->ptr);
	}
}

static void test_recv_type_and_package(void **state)
{
	const char *n = "internal/sync.(*HashTrieMap[*internal/abi.Type,interface {}]).Load";
	const char *e = "crypto/internal/entropy/v1%2e0%2e0.(*source).Sample";
	struct pgd_goname g;
	char buf[256];

	(void)state;
	pgd_goname_parse(n, &g);
	assert_int_equal(pgd_goname_recv_type(n, &g, 1, buf, sizeof(buf)), 0);
	/* as the itab symbol go:itab.*internal/sync.HashTrieMap[...],I spells it */
	assert_string_equal(buf, "*internal/sync.HashTrieMap[*internal/abi.Type,interface {}]");
	assert_int_equal(pgd_goname_recv_type(n, &g, 1, buf, 10), -1);
	pgd_goname_parse(e, &g);
	assert_int_equal(pgd_goname_pkg(e, &g, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "crypto/internal/entropy/v1.0.0");
	assert_int_equal(pgd_goname_pkg(e, &g, buf, 5), -1);
}

/*
 * Every function symbol of two fixtures: the package never ends inside a
 * bracket, a method's receiver and method never hold a depth-0 '.', and a
 * closure tail starts with '.' or '-'.
 */
static size_t depth0_dots(const char *s, size_t len)
{
	size_t n = 0;
	int depth = 0;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '[' || s[i] == '(')
			depth++;
		else if ((s[i] == ']' || s[i] == ')') && depth > 0)
			depth--;
		else if (s[i] == '.' && depth == 0)
			n++;
	}
	return n;
}

static void sweep(const char *path, size_t *generic_methods)
{
	struct pgd_binary *b = NULL;
	struct pgd_err err = { 0 };

	assert_int_equal(pgd_binary__open(path, NULL, &b, &err), 0);
	for (size_t i = 0; i < b->nsymbols; i++) {
		const char *name = b->symbols[i].name;
		struct pgd_goname g;

		if (!b->symbols[i].is_func)
			continue;
		pgd_goname_parse(name, &g);
		if (g.generated)
			continue;
		assert_true(g.pkg_len > 0);
		assert_null(memchr(name, '[', g.pkg_len));
		assert_null(memchr(name, '(', g.pkg_len));
		if (g.method) {
			assert_int_equal(depth0_dots(g.recv, g.recv_len), 0);
			assert_int_equal(depth0_dots(g.method, strlen(g.method)), 0);
			if (memchr(g.recv, '[', g.recv_len))
				(*generic_methods)++;
		}
		if (g.closure)
			assert_true(*g.closure == '.' || *g.closure == '-');
	}
	pgd_binary__close(b);
}

static void test_fixture_symbols(void **state)
{
	size_t generic_methods = 0;

	(void)state;
	sweep("build/testdata/bin/stdwide.nopgo", &generic_methods);
	sweep("build/testdata/bin/cachesvc.go126.pgo", &generic_methods);
	/* the generic receivers are there: HashTrieMap, Pointer, uniqueMap ... */
	assert_true(generic_methods >= 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_names),
		cmocka_unit_test(test_recv_type_and_package),
		cmocka_unit_test(test_fixture_symbols),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
