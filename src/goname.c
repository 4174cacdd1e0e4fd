// SPDX-License-Identifier: MIT
#include "goname.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* Compiler-generated suffixes that make "F.x" a nested function, not a method. */
static int is_closure_suffix(const char *s)
{
	static const char *const prefixes[] = { "func", "gowrap", "deferwrap", "stkobj" };

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t n = strlen(prefixes[i]);

		if (!strncmp(s, prefixes[i], n) && isdigit((unsigned char)s[n]))
			return 1;
	}
	return 0;
}

void pgd_goname_parse(const char *name, struct pgd_goname *out)
{
	const char *slash = strrchr(name, '/');
	const char *dot = strchr(slash ? slash : name, '.');
	const char *rest;

	memset(out, 0, sizeof(*out));
	if (!dot) {
		out->pkg_len = strlen(name);
		out->rest = name + out->pkg_len;
		return;
	}
	out->pkg_len = (size_t)(dot - name);
	rest = dot + 1;
	out->rest = rest;
	if (!strncmp(rest, "(*", 2)) {
		const char *close = strstr(rest, ").");

		/* "(*T).M.func1" is a closure inside a method, not a method. */
		if (close && close[2] && !strchr(close + 2, '.')) {
			out->is_ptr_method = 1;
			out->recv = rest + 2;
			out->recv_len = (size_t)(close - (rest + 2));
			out->method = close + 2;
		}
		return;
	}
	/* "T.M": generic receivers carry brackets that may contain dots. */
	{
		int depth = 0;

		for (const char *p = rest; *p; p++) {
			if (*p == '[')
				depth++;
			else if (*p == ']')
				depth--;
			else if (*p == '.' && depth == 0) {
				if (p == rest || !p[1] || is_closure_suffix(p + 1) || strchr(p + 1, '.'))
					return;
				out->maybe_value_method = 1;
				out->recv = rest;
				out->recv_len = (size_t)(p - rest);
				out->method = p + 1;
				return;
			}
		}
	}
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
