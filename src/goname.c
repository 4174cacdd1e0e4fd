// SPDX-License-Identifier: MIT
/*
 * Go symbol names split into package, receiver, method, closure tail and
 * ABI suffix (goname.h lists the shapes and the Go source each mirrors).
 *
 * Type arguments make the names context-free rather than regular: a
 * receiver's brackets hold other packages' paths ('/'), qualified names
 * ('.'), spaces, nested brackets and, inside struct types, quoted tags that
 * may hold any of these. So the scanner tracks bracket and parenthesis
 * depth and skips quoted strings, and every '/', '.' and '-' it acts on is
 * one at depth 0.
 */
#include "goname.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define MAX_PARTS 32

/* One '.'-separated component of the name after the package. */
struct part {
	const char *s;
	size_t len;
	char sep;                /* the separator before it: '.' or '-' (rangeN) */
};

/* Steps over a quoted struct tag from its opening quote; returns the closing quote. */
static const char *skip_quoted(const char *p, const char *end)
{
	for (p++; p < end; p++) {
		if (*p == '\\' && p + 1 < end)
			p++;
		else if (*p == '"')
			return p;
	}
	return end - 1;
}

/*
 * Advances over one character at *p, keeping the bracket depth; returns
 * whether that character was outside every bracket (and not one itself).
 */
static int step(const char **p, const char *end, int *depth)
{
	char c = **p;

	if (c == '[' || c == '(') {
		(*depth)++;
	} else if (c == ']' || c == ')') {
		if (*depth > 0)
			(*depth)--;
	} else if (c == '"' && *depth > 0) {
		*p = skip_quoted(*p, end);
	} else if (*depth == 0) {
		(*p)++;
		return 1;
	}
	(*p)++;
	return 0;
}

static int has_digits_after(const char *s, size_t len, size_t n)
{
	if (len <= n)
		return 0;
	for (size_t i = n; i < len; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

static int all_digits(const struct part *c)
{
	return has_digits_after(c->s, c->len, 0);
}

/* closureName's suffixes (cmd/compile/internal/ir/func.go): funcN, gowrapN, deferwrapN, -rangeN. */
static int starts_closure(const struct part *c)
{
	if (c->sep == '-')
		return 1;
	return (!strncmp(c->s, "func", 4) && has_digits_after(c->s, c->len, 4)) ||
	       (!strncmp(c->s, "gowrap", 6) && has_digits_after(c->s, c->len, 6)) ||
	       (!strncmp(c->s, "deferwrap", 9) && has_digits_after(c->s, c->len, 9));
}

/* ".abiN" or ".abiinternal" at the end (cmd/link/internal/ld/symtab.go mangleABIName). */
static const char *abi_suffix(const char *name, size_t len)
{
	const char *dot = len ? memchr(name, '.', len) : NULL;
	const char *last = NULL;

	for (; dot; dot = memchr(dot + 1, '.', len - (size_t)(dot + 1 - name)))
		last = dot;
	if (!last || strncmp(last, ".abi", 4))
		return NULL;
	if (!strcmp(last + 4, "internal") ||
	    has_digits_after(last + 4, len - (size_t)(last + 4 - name), 0))
		return last;
	return NULL;
}

/* The package's length: to the first depth-0 '.' after the last depth-0 '/'. */
static size_t package_len(const char *name, const char *end)
{
	const char *p = name, *after_slash = name;
	int depth = 0;

	while (p < end) {
		const char *c = p;

		if (step(&p, end, &depth) && *c == '/')
			after_slash = c + 1;
	}
	depth = 0;
	for (p = after_slash; p < end;) {
		const char *c = p;

		if (step(&p, end, &depth) && *c == '.')
			return (size_t)(c - name);
	}
	return 0;
}

/* Splits [rest, end) at depth-0 '.' and at '-' before "rangeN". */
static size_t split_parts(const char *rest, const char *end, struct part *parts)
{
	const char *p = rest, *start = rest;
	size_t n = 0;
	int depth = 0;
	char sep = '.';

	while (p < end && n < MAX_PARTS - 1) {
		const char *c = p;

		if (!step(&p, end, &depth))
			continue;
		if (*c == '.' || (*c == '-' && !strncmp(c + 1, "range", 5) &&
				  has_digits_after(c + 1, (size_t)(end - c - 1), 5))) {
			parts[n++] = (struct part){ start, (size_t)(c - start), sep };
			sep = *c;
			start = c + 1;
		}
	}
	parts[n++] = (struct part){ start, (size_t)(end - start), sep };
	return n;
}

static void set_method(struct pgd_goname *out, const struct part *parts, size_t nhead)
{
	const struct part *r = &parts[0], *m = &parts[1];
	const char *br;

	if (nhead != 2 || !r->len || !m->len || all_digits(m))
		return;
	if (r->len > 3 && !strncmp(r->s, "(*", 2) && r->s[r->len - 1] == ')') {
		out->is_ptr_method = 1;
		out->recv = r->s + 2;
		out->recv_len = r->len - 3;
	} else if (r->s[0] != '(') {
		out->maybe_value_method = 1;
		out->recv = r->s;
		out->recv_len = r->len;
	} else {
		return;
	}
	br = memchr(out->recv, '[', out->recv_len);
	out->recv_base_len = br ? (size_t)(br - out->recv) : out->recv_len;
	out->method = m->s;
}

int pgd_goname_same_but_parens(const char *a, const char *b)
{
	for (;;) {
		while (a[0] == '(' && a[1] == ')')
			a += 2;
		while (b[0] == '(' && b[1] == ')')
			b += 2;
		if (*a != *b)
			return 0;
		if (!*a)
			return 1;
		a++;
		b++;
	}
}

void pgd_goname_parse(const char *name, struct pgd_goname *out)
{
	struct part parts[MAX_PARTS];
	const char *end;
	size_t n, nhead;

	memset(out, 0, sizeof(*out));
	out->len = strlen(name);
	out->abi = abi_suffix(name, out->len);
	if (out->abi)
		out->len = (size_t)(out->abi - name);
	end = name + out->len;
	out->rest = name;
	/* debug/gosym PackageName: "type:" and "go:" symbols belong to no package. */
	if (!strncmp(name, "type:", 5) || !strncmp(name, "go:", 3)) {
		out->generated = 1;
		return;
	}
	out->pkg_len = package_len(name, end);
	if (!out->pkg_len) {
		/* no qualifier at all: the whole name is taken as the package */
		out->pkg_len = out->len;
		out->rest = end;
		return;
	}
	out->rest = name + out->pkg_len + 1;
	n = split_parts(out->rest, end, parts);
	for (nhead = 1; nhead < n && !starts_closure(&parts[nhead]); nhead++)
		;
	if (nhead < n)
		out->closure = parts[nhead].s - 1;
	else
		set_method(out, parts, nhead);
}

int pgd_goname_recv_type(const char *name, const struct pgd_goname *g, int ptr, char *buf,
			 size_t size)
{
	int n;

	if (!g->recv)
		return -1;
	n = snprintf(buf, size, "%s%.*s.%.*s", ptr ? "*" : "", (int)g->pkg_len, name,
		     (int)g->recv_len, g->recv);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* objabi.PrefixToPath: "%xx" back to the byte; a malformed escape is kept as is. */
int pgd_goname_pkg(const char *name, const struct pgd_goname *g, char *buf, size_t size)
{
	size_t o = 0;

	for (size_t i = 0; i < g->pkg_len; i++) {
		int c = (unsigned char)name[i];

		if (c == '%' && i + 2 < g->pkg_len && hexval(name[i + 1]) >= 0 && hexval(name[i + 2]) >= 0) {
			c = hexval(name[i + 1]) << 4 | hexval(name[i + 2]);
			i += 2;
		}
		if (o + 1 >= size)
			return -1;
		buf[o++] = (char)c;
	}
	if (!size)
		return -1;
	buf[o] = '\0';
	return 0;
}
