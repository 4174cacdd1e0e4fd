// SPDX-License-Identifier: MIT
/*
 * GO PREPROFILE V1, the text `go tool preprofile` writes and `go build -pgo`
 * reads (cmd/internal/pgo/serialize.go documents it):
 *
 *     GO PREPROFILE V1
 *     caller_name
 *     callee_name
 *     "call site offset" "call edge weight"
 *     ...
 *
 * The reader accepts what cmd/internal/pgo/deserialize.go FromSerialized
 * accepts: lines as bufio.ScanLines cuts them (a trailing \r dropped), an
 * offset and weight separated by exactly one space, each as strconv.Atoi /
 * ParseInt read it (optional sign, decimal digits), no duplicate edge.
 * Names may be empty: Go writes "" for frames without a function.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "hashmap.h"
#include "profile.h"

#define HEADER "GO PREPROFILE V1"

int pgd_preprofile_sniff(const char *data, size_t len)
{
	size_t h = sizeof(HEADER) - 1;

	if (len < h || memcmp(data, HEADER, h))
		return 0;
	return len == h || data[h] == '\n' || (data[h] == '\r' && (len == h + 1 || data[h + 1] == '\n'));
}

struct cursor {
	const char *p, *end;
	uint64_t lineno;
};

/* The next line without its \n (and \r, as ScanLines); 0 at end of data. */
static int next_line(struct cursor *c, const char **line, size_t *len)
{
	const char *nl;

	if (c->p >= c->end)
		return 0;
	nl = memchr(c->p, '\n', (size_t)(c->end - c->p));
	*line = c->p;
	*len = nl ? (size_t)(nl - c->p) : (size_t)(c->end - c->p);
	c->p = nl ? nl + 1 : c->end;
	if (*len && (*line)[*len - 1] == '\r')
		(*len)--;
	c->lineno++;
	return 1;
}

/* strconv.ParseInt(s, 10, 64): optional sign, at least one digit, no overflow. */
static int parse_int64(const char *s, size_t len, int64_t *out)
{
	uint64_t v = 0, limit;
	int neg = 0;
	size_t i = 0;

	if (len && (s[0] == '+' || s[0] == '-')) {
		neg = s[0] == '-';
		i = 1;
	}
	if (i == len)
		return -1;
	limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (v > (limit - (uint64_t)(s[i] - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

static const char *intern(struct pgd_profile *p, struct hashmap *strings, const char *s, size_t len)
{
	struct hashmap_entry *e;
	int inserted;

	e = pgd_hashmap_upsert(strings, s, len, &inserted);
	if (!e)
		return NULL;
	if (inserted) {
		char *copy = pgd_arena_strndup(&p->arena, s, len);

		if (!copy)
			return NULL;
		e->key = copy;
		e->val.ptr = copy;
	}
	return e->val.ptr;
}

/*
 * A NUL would cut the name short (two functions colliding); a \r left inside
 * a line would not survive a write and read back. Go's linker writes neither.
 */
static int check_name(const struct pgd_profile *p, const char *s, size_t len, uint64_t lineno,
		      struct pgd_err *err)
{
	if (!memchr(s, '\0', len) && !memchr(s, '\r', len))
		return 0;
	return pgd_err_set(err, PGD_EINPUT, p->path,
			   "malformed preprofile: line %" PRIu64 ": a function name with a NUL byte "
			   "or a carriage return", lineno);
}

int pgd_preprofile_decode(struct pgd_profile *p, const char *data, size_t len,
			  const struct pgd_limits *limits, struct pgd_err *err)
{
	struct hashmap strings = HASHMAP_INIT, seen = HASHMAP_INIT;
	struct cursor c = { data, data + len, 0 };
	const char *line, *sp;
	size_t llen, nlines = 0;
	uint64_t maxedges, abs_weight = 0;
	int ret = 0;

	p->format = PGD_PROFILE_PREPROFILE;
	p->value_index = -1;
	p->count_index = -1;
	for (const char *q = data; (q = memchr(q, '\n', (size_t)(data + len - q))); q++)
		nlines++;
	/* Each edge takes three lines after the header: an upper bound. */
	maxedges = (nlines + 1) / 3;
	if (maxedges > limits->max_elements || maxedges >= UINT32_MAX)
		return pgd_err_set(err, PGD_ELIMIT, p->path,
				   "%" PRIu64 " preprofile edges exceed the max_elements cap (%" PRIu64 ")",
				   maxedges, limits->max_elements);
	maxedges++;
	p->pre_edges = pgd_arena_calloc(&p->arena, maxedges, sizeof(*p->pre_edges));
	if (!p->pre_edges)
		return pgd_err_nomem(err, p->path);

	if (!next_line(&c, &line, &llen) || llen != sizeof(HEADER) - 1 || memcmp(line, HEADER, llen)) {
		ret = pgd_err_set(err, PGD_EINPUT, p->path,
				  "malformed preprofile: line 1: want the header \"" HEADER "\"");
		goto out;
	}
	while (next_line(&c, &line, &llen)) {
		struct pgd_pre_edge *e = &p->pre_edges[p->npre_edges];
		uint64_t first = c.lineno;
		struct hashmap_entry *he;
		int inserted;

		if (p->npre_edges >= maxedges) {
			ret = pgd_err_set(err, PGD_EINTERNAL, p->path, "preprofile edge count overflow");
			goto out;
		}
		if ((ret = check_name(p, line, llen, c.lineno, err)))
			goto out;
		if (!(e->caller = intern(p, &strings, line, llen))) {
			ret = pgd_err_nomem(err, p->path);
			goto out;
		}
		if (!next_line(&c, &line, &llen)) {
			ret = pgd_err_set(err, PGD_EINPUT, p->path,
					  "malformed preprofile: line %" PRIu64 ": entry has a caller but no callee line",
					  first);
			goto out;
		}
		if ((ret = check_name(p, line, llen, c.lineno, err)))
			goto out;
		if (!(e->callee = intern(p, &strings, line, llen))) {
			ret = pgd_err_nomem(err, p->path);
			goto out;
		}
		if (!next_line(&c, &line, &llen)) {
			ret = pgd_err_set(err, PGD_EINPUT, p->path,
					  "malformed preprofile: line %" PRIu64 ": entry has no \"OFFSET WEIGHT\" line",
					  first);
			goto out;
		}
		sp = memchr(line, ' ', llen);
		if (!sp || memchr(sp + 1, ' ', llen - (size_t)(sp + 1 - line))) {
			ret = pgd_err_set(err, PGD_EINPUT, p->path,
					  "malformed preprofile: line %" PRIu64 ": want \"OFFSET WEIGHT\", got \"%.*s\"",
					  c.lineno, (int)(llen > 60 ? 60 : llen), line);
			goto out;
		}
		if (parse_int64(line, (size_t)(sp - line), &e->offset)) {
			ret = pgd_err_set(err, PGD_EINPUT, p->path,
					  "malformed preprofile: line %" PRIu64 ": bad call-site offset \"%.*s\"",
					  c.lineno, (int)(sp - line > 30 ? 30 : sp - line), line);
			goto out;
		}
		if (parse_int64(sp + 1, llen - (size_t)(sp + 1 - line), &e->weight)) {
			ret = pgd_err_set(err, PGD_EINPUT, p->path,
					  "malformed preprofile: line %" PRIu64 ": bad edge weight \"%.*s\"",
					  c.lineno, (int)(llen - (size_t)(sp + 1 - line) > 30 ? 30 : llen - (size_t)(sp + 1 - line)),
					  sp + 1);
			goto out;
		}
		if (pgd_abs_weight_add(&abs_weight, e->weight)) {
			ret = pgd_err_set(err, PGD_EINPUT, p->path,
					  "malformed preprofile: line %" PRIu64 ": the edge weights reach 2^56 "
					  "in absolute value when summed, past any real profile",
					  c.lineno);
			goto out;
		}
		/* Interned names make (caller, callee, offset) a 24-byte key. */
		he = pgd_hashmap_upsert(&seen, e, offsetof(struct pgd_pre_edge, weight), &inserted);
		if (!he) {
			ret = pgd_err_nomem(err, p->path);
			goto out;
		}
		if (!inserted) {
			ret = pgd_err_set(err, PGD_EINPUT, p->path,
					  "malformed preprofile: line %" PRIu64 ": duplicate edge %s -> %s at offset %" PRId64
					  " (first at line %" PRIu64 ")",
					  first, e->caller, e->callee, e->offset, he->val.u64);
			goto out;
		}
		he->val.u64 = first;
		p->npre_edges++;
	}
out:
	pgd_hashmap_free(&strings);
	pgd_hashmap_free(&seen);
	return ret;
}

int pgd_preprofile_write_header(FILE *f)
{
	return fputs(HEADER "\n", f) < 0 ? -1 : 0;
}

/* serialize.go WriteTo: Fprintln(caller), Fprintln(callee), "%d %d\n". */
int pgd_preprofile_write_edge(FILE *f, const char *caller, const char *callee, int64_t offset,
			      int64_t weight)
{
	return fprintf(f, "%s\n%s\n%" PRId64 " %" PRId64 "\n", caller, callee, offset, weight) < 0 ? -1 : 0;
}
